#!/bin/bash
# capture-sysfs.sh OUT_DIR
#
# Captures host-snapshot fixtures from real Linux sysfs: boots one QEMU q35 guest (default
# SeaBIOS, TCG, Debian's kernel from scripts/fetch-kernel.sh, a busybox initramfs running
# scripts/sysfs-init.sh) holding these devices, each behind its own pcie-root-port:
#   00:02.0 root port > nvme
#   00:03.0 root port > e1000e                        (has an expansion ROM: efi-e1000e.rom)
#   00:04.0 root port > VGA (function 0, multifunction=on) + ich9-intel-hda (function 1)
#   00:05.0 root port > ivshmem-plain with a 16 GiB shared-memory BAR (a sparse 16 GiB
#                        memory-backend-file in the scratch directory, share=on)
# The guest prints /sys/bus/pci/devices/*/{resource,config} hex-encoded on the serial console;
# this script decodes them into OUT_DIR with the layout `guestfw host-snapshot` writes (and
# /sys/bus/pci/devices has):
#   OUT_DIR/q35/0000:BB:DD.F/resource      Linux's text, byte for byte
#   OUT_DIR/q35/0000:BB:DD.F/config        the whole config space as root reads it (4096 bytes)
#   OUT_DIR/q35.qemu-cmdline.txt           the QEMU command line (run in a scratch directory
#                                          holding vmlinuz and initrd.cpio.gz)
#   OUT_DIR/q35.raw-serial.log             the serial console of the boot
# Every function of the guest is kept (the chipset's 00:00.0 and 00:1f.*, the root ports too), so
# tests can name a host bridge or a PCI bridge as a device. The script checks that each expected
# device is where the list above says (bus numbers as SeaBIOS assigns them: 01..04).
#
# Environment: QEMU (default qemu-system-x86_64), KERNEL_CACHE (default REPO/.cache/kernel, filled
# by scripts/fetch-kernel.sh), ALLOW_QEMU_VERSION=1 to capture with a QEMU other than 7.2,
# IVSHMEM_SIZE (default 16G).
set -euo pipefail

die() { echo "capture-sysfs.sh: error: $*" >&2; exit 1; }
log() { echo "capture-sysfs.sh: $*" >&2; }

[ $# -eq 1 ] || die "usage: capture-sysfs.sh OUT_DIR"
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
qemu=${QEMU:-qemu-system-x86_64}
kcache=${KERNEL_CACHE:-$repo/.cache/kernel}
shm_size=${IVSHMEM_SIZE:-16G}
name=q35

command -v xxd >/dev/null 2>&1 || die "'xxd' not found (apt-get install xxd)"
. "$here/capture-guest.sh"
capture_guest_setup capture-sysfs "$here/sysfs-init.sh"
# Sparse: no disk blocks are used until the guest writes the shared memory (it does not).
truncate -s "$shm_size" "$work/shm.img"

args=(
    "$qemu" -machine q35 -accel tcg -m 2G -smp 1 -nodefaults -display none -no-reboot
    -chardev file,id=ser0,path=serial.log -serial chardev:ser0
    -kernel vmlinuz -initrd initrd.cpio.gz -append "console=ttyS0 panic=-1"
    -device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1,addr=0x02.0
    -device nvme,serial=guestfw1,bus=rp1,addr=0x0
    -device pcie-root-port,id=rp2,bus=pcie.0,chassis=2,slot=2,addr=0x03.0
    -device e1000e,netdev=net2,bus=rp2,addr=0x0 -netdev hubport,id=net2,hubid=0
    -device pcie-root-port,id=rp3,bus=pcie.0,chassis=3,slot=3,addr=0x04.0
    -device VGA,multifunction=on,bus=rp3,addr=0x0.0
    -device ich9-intel-hda,bus=rp3,addr=0x0.1
    -device pcie-root-port,id=rp4,bus=pcie.0,chassis=4,slot=4,addr=0x05.0
    -object memory-backend-file,id=shm4,size=$shm_size,mem-path=shm.img,share=on
    -device ivshmem-plain,memdev=shm4,bus=rp4,addr=0x0
)

{
    echo "# QEMU command line used by scripts/capture-sysfs.sh ($qemu_version, kernel $kernel_version)."
    echo "# Run in a scratch directory holding vmlinuz, initrd.cpio.gz"
    echo "# (scripts/build-initramfs.sh initrd.cpio.gz scripts/sysfs-init.sh) and shm.img"
    echo "# (truncate -s $shm_size shm.img)."
    line=""
    for a in "${args[@]}"; do
        if [[ $a =~ ^[A-Za-z0-9_./=:,@%+-]+$ ]]; then line+="$a "; else line+="'$a' "; fi
    done
    echo "${line% }"
} > "$work/qemu-cmdline.txt"

log "boot ($shm_size ivshmem BAR)"
t0=$(date +%s)
rc=0
(cd "$work" && timeout 900 "${args[@]}" </dev/null >"$work/qemu.out" 2>&1) || rc=$?
log "QEMU exited with $rc after $(( $(date +%s) - t0 )) s"
if [ "$rc" != 0 ]; then
    cat "$work/qemu.out" >&2
    die "QEMU failed (exit $rc)"
fi
tr -d '\r' < "$work/serial.log" > "$work/serial.txt"
grep -q '^@@end ' "$work/serial.txt" || die "the guest printed no complete record (see $work/serial.log)"

# Decode every @@file record into the snapshot tree.
snap=$work/$name
mkdir -p "$snap"
files=0
current=""
while read -r tag a b c; do
    case $tag in
        @@file)
            [[ $a =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] || die "bad BDF '$a' in the serial log"
            case $b in resource|config) ;; *) die "unexpected file '$b' in the serial log" ;; esac
            mkdir -p "$snap/$a"
            current=$snap/$a/$b
            expected=$c
            : > "$current.hex" ;;
        @@x) printf '%s\n' "$a" >> "$current.hex" ;;
        @@endfile)
            xxd -r -p "$current.hex" > "$current"
            rm -f "$current.hex"
            size=$(stat -c %s "$current")
            [ "$size" = "$expected" ] || die "$a/$b: decoded $size bytes, the guest read $expected"
            files=$(( files + 1 ))
            current="" ;;
    esac
done < <(sed -n '/^@@begin$/,/^@@end /p' "$work/serial.txt")

# expect BDF VENDOR:DEVICE WHAT CONFIG_SIZE: the function is there and is that device (config
# bytes 0-3); its config is CONFIG_SIZE bytes (4096 for a PCI Express function, 256 for a
# conventional one: Linux's pci_cfg_space_size).
expect() {
    local f=$snap/$1/config ids
    [ -f "$f" ] || die "no function at $1 ($3)"
    ids=$(od -An -tx2 -N4 "$f" | awk '{print $1 ":" $2}')
    [ "$ids" = "$2" ] || die "$1 is $ids, expected $2 ($3)"
    [ "$(stat -c %s "$f")" = "$4" ] || die "$1/config is $(stat -c %s "$f") bytes, expected $4"
    log "$1 is $3 ($ids)"
}
for port in 02 03 04 05; do expect "0000:00:$port.0" 1b36:000c pcie-root-port 4096; done
expect 0000:01:00.0 1b36:0010 nvme 4096
expect 0000:02:00.0 8086:10d3 e1000e 4096
expect 0000:03:00.0 1234:1111 VGA 256
expect 0000:03:00.1 8086:293e ich9-intel-hda 256
expect 0000:04:00.0 1af4:1110 ivshmem-plain 256

rm -rf "${out:?}/$name"
mv "$snap" "$out/$name"
cp "$work/qemu-cmdline.txt" "$out/$name.qemu-cmdline.txt"
cp "$work/serial.txt" "$out/$name.raw-serial.log"
log "done: $files files of $(ls "$out/$name" | wc -l) functions in $out/$name, $(( $(date +%s) - t0 )) s"
