#!/bin/sh
# catalog-init.sh: /init of the capture guest booted by scripts/capture-catalog.sh (busybox sh).
#
# Prints, on the console (the serial port), a record for every PCI function the guest's kernel
# found, then powers off. Every data line starts with "@@" so the host can pick the records out
# of the kernel log:
#   @@begin
#   @@dev BDF vendor 0xVVVV device 0xDDDD class 0xCCCCCC pin P hdr HH rev RR ssvid SSSS ssid SSSS
#   @@res I START END FLAGS        every line of sysfs `resource` (I counts from 0)
#   @@cfg OFF B0 .. B15            hex dump of config bytes 0x00..0x3f (4 lines)
#   @@probe OFF ORIG READBACK      BAR sizing as a firmware does it (I/O and memory decoding off,
#                                  write all ones (ROM: 0xfffffffe), read back, restore), one line
#                                  per BAR register dword, ROM register included; hex, no 0x
#   @@cap OFF ID FLAGS             one line per entry of the capability list (hex, no 0x); FLAGS is
#                                  the capability's second word (for the PCI Express capability, ID
#                                  10, its Capabilities register: bits 7:4 the device/port type)
#   @@window KIND ORIG READBACK    bridges (header type 1) only: the I/O base/limit word (KIND io,
#                                  0x1c) and the prefetchable base/limit dword (KIND pref, 0x24),
#                                  written with ones in every address bit (I/O f0f0, pref fff0fff0)
#                                  and read back, as Linux's pci_bridge_check_ranges does: a window
#                                  that reads back zero is not implemented; the low nibble of the
#                                  base says 16/32-bit I/O and 32/64-bit prefetchable (hex, no 0x)
#   @@enddev BDF
#   @@end COUNT
# The sizing probe matters because Linux replaces the ROM resource of the boot VGA device by the
# shadow copy at 0xc0000 (128 KiB), so `resource` does not show the real ROM BAR there.
# The chipset functions 00:00.0 (MCH) and 00:1f.* (LPC, SATA, SMBus) are listed but not probed.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# From here on only our records reach the console (no interleaved kernel messages).
echo 1 > /proc/sys/kernel/printk

# rd DEV OFFSET WIDTH: config register as bare hex (WIDTH 1, 2 or 4 bytes, little-endian).
rd() {
    dd if="$1/config" bs="$3" skip=$(( $2 / $3 )) count=1 2>/dev/null | od -An -tx"$3" | tr -d ' \n'
}

# wr DEV OFFSET WIDTH VALUE: write a config register through sysfs.
wr() {
    _s=""
    _i=0
    while [ "$_i" -lt "$3" ]; do
        _s="$_s$(printf '\\%03o' $(( ($4 >> (8 * _i)) & 255 )))"
        _i=$(( _i + 1 ))
    done
    # shellcheck disable=SC2059 # the format is the octal escapes built above
    printf "$_s" | dd of="$1/config" bs="$3" seek=$(( $2 / $3 )) count=1 conv=notrunc 2>/dev/null
}

# window DEV KIND OFFSET WIDTH ALLONES
window() {
    _orig=$(rd "$1" "$3" "$4")
    wr "$1" "$3" "$4" "$5"
    _rb=$(rd "$1" "$3" "$4")
    wr "$1" "$3" "$4" "0x$_orig"
    printf '@@window %s %s %s\n' "$2" "$_orig" "$_rb"
}

# caps DEV: the capability list, if the status register says there is one.
caps() {
    [ $(( 0x$(rd "$1" 6 2) & 0x10 )) != 0 ] || return 0
    _p=$(( 0x$(rd "$1" 52 1) & 0xfc ))
    _n=0
    while [ "$_p" != 0 ] && [ "$_n" -lt 48 ]; do
        printf '@@cap %02x %s %s\n' "$_p" "$(rd "$1" "$_p" 1)" "$(rd "$1" $(( _p + 2 )) 2)"
        _p=$(( 0x$(rd "$1" $(( _p + 1 )) 1) & 0xfc ))
        _n=$(( _n + 1 ))
    done
}

# probe DEV OFFSET ALLONES
probe() {
    _orig=$(rd "$1" "$2" 4)
    wr "$1" "$2" 4 "$3"
    _rb=$(rd "$1" "$2" 4)
    wr "$1" "$2" 4 "0x$_orig"
    printf '@@probe %02x %s %s\n' "$2" "$_orig" "$_rb"
}

echo "@@begin"
n=0
for d in /sys/bus/pci/devices/*; do
    bdf=${d##*/}
    n=$(( n + 1 ))
    pin=$(rd "$d" 61 1)
    hdr=$(rd "$d" 14 1)
    rev=$(rd "$d" 8 1)
    ssvid=$(rd "$d" 44 2)
    ssid=$(rd "$d" 46 2)
    echo "@@dev $bdf vendor $(cat "$d/vendor") device $(cat "$d/device") class $(cat "$d/class") pin $pin hdr $hdr rev $rev ssvid $ssvid ssid $ssid"
    i=0
    while read -r start end flags; do
        echo "@@res $i $start $end $flags"
        i=$(( i + 1 ))
    done < "$d/resource"
    od -Ax -tx1 -N64 -v "$d/config" | while read -r off bytes; do
        [ -n "$bytes" ] && echo "@@cfg $off $bytes"
    done
    caps "$d"
    case $bdf in
        *:00:00.0|*:00:1f.*) ;;
        *)
            case $(( 0x$hdr & 0x7f )) in
                0) regs="16 20 24 28 32 36"; rom=48 ;;
                1) regs="16 20"; rom=56 ;;
                *) regs=""; rom="" ;;
            esac
            cmd=$(rd "$d" 4 2)
            wr "$d" 4 2 $(( 0x$cmd & ~3 ))
            for off in $regs; do
                probe "$d" "$off" 0xffffffff
            done
            [ -n "$rom" ] && probe "$d" "$rom" 0xfffffffe
            if [ $(( 0x$hdr & 0x7f )) = 1 ]; then
                window "$d" io 28 2 0xf0f0
                window "$d" pref 36 4 0xfff0fff0
            fi
            wr "$d" 4 2 "0x$cmd"
            ;;
    esac
    echo "@@enddev $bdf"
done
echo "@@end $n"
sync
poweroff -f
