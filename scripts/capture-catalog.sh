#!/bin/bash
# capture-catalog.sh OUT_DIR
#
# Captures the PCI identity and BARs of the QEMU device models in guestfw's catalog
# (Sources/VMConfig/DeviceCatalog.swift) from QEMU itself: boots a q35 guest (default SeaBIOS,
# TCG) with every model, lets scripts/catalog-init.sh print what the guest sees on the serial
# console, and writes one fixture per (model, placement) into OUT_DIR:
#   MODEL.root-bus.txt     the model as an integrated endpoint on pcie.0
#   MODEL.root-port.txt    the model behind a pcie-root-port
#   MODEL.conventional-bus.txt  the model on the conventional PCI bus behind a pcie-pci-bridge
#   pcie-root-port.txt     the root port itself
#   x3130-upstream.txt, xio3130-downstream.txt, pcie-pci-bridge.txt, pci-bridge.txt, pxb-pcie.txt
#                          the other bridges (switch ports, PCIe-to-PCI and PCI-to-PCI bridges, the
#                          expander host bridge's own function on bus 0)
#   raw-serial.log         the serial console of every boot (one "##### boot NAME" line before each)
#   interfaces.txt         QEMU's QOM interfaces (PCI / PCIe) of every catalog model and the buses
#                          it accepts each on (scripts/capture-interfaces.sh, no guest booted)
#   qemu-cmdline.txt       the exact QEMU command lines (run in a scratch directory holding
#                          vmlinuz, initrd.cpio.gz; the serial goes to serial-NAME.log there)
# The fixture format is described at the top of every fixture file (see `fixture_header`).
#
# Three boots: "root-bus" puts every endpoint model on pcie.0 at addr 0x02, 0x03, ...; "root-port"
# puts a pcie-root-port at each of those addresses with the same model behind it (addr 0x0; the
# ich9-intel-hda entry sits at function 1 there, with VGA,multifunction=on at function 0, as a GPU's
# audio function does); "tree" builds the rest of the topology (see `tree_args`): every endpoint
# model on a pcie-pci-bridge's conventional bus (slot i + 1) behind a root port, a pci-bridge on
# that bus, a pcie-pci-bridge on pcie.0, a switch (x3130-upstream with two xio3130-downstream
# ports) and a pxb-pcie with a root port on its bus. Functions found in more than one place (a
# second pcie-pci-bridge, the second downstream port, devices behind the pci-bridge, the switch
# and the expander's root port) must equal their fixture, or the capture fails.
# Explicit addresses make the BDF -> (model, placement) mapping certain; the bus behind each
# bridge is read from its own config space (secondary bus number, byte 0x19).
#
# Environment: QEMU (default qemu-system-x86_64), KERNEL_CACHE (default REPO/.cache/kernel, filled
# by scripts/fetch-kernel.sh), ALLOW_QEMU_VERSION=1 to capture with a QEMU other than 7.2.
set -euo pipefail

die() { echo "capture-catalog.sh: error: $*" >&2; exit 1; }
log() { echo "capture-catalog.sh: $*" >&2; }

[ $# -eq 1 ] || die "usage: capture-catalog.sh OUT_DIR"
out=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
qemu=${QEMU:-qemu-system-x86_64}
kcache=${KERNEL_CACHE:-$repo/.cache/kernel}

. "$here/capture-guest.sh"
capture_guest_setup capture-catalog "$here/catalog-init.sh"

# ---------------------------------------------------------------------------------------------
# The endpoint models: fixture stem | model | size parameter (bytes, or -) | -device arguments |
# backend arguments. @N@ is replaced by the entry's number (unique ids per boot).
endpoints=(
    "virtio-net-pci|virtio-net-pci|-|virtio-net-pci,netdev=net@N@|-netdev hubport,id=net@N@,hubid=0"
    "virtio-blk-pci|virtio-blk-pci|-|virtio-blk-pci,drive=disk@N@|-blockdev driver=null-co,node-name=disk@N@"
    "virtio-scsi-pci|virtio-scsi-pci|-|virtio-scsi-pci|"
    "e1000e|e1000e|-|e1000e,netdev=net@N@|-netdev hubport,id=net@N@,hubid=0"
    "nvme|nvme|-|nvme,serial=guestfw@N@|"
    "qemu-xhci|qemu-xhci|-|qemu-xhci|"
    "ivshmem-plain-4M|ivshmem-plain|0x400000|ivshmem-plain,memdev=shm@N@|-object memory-backend-ram,id=shm@N@,size=4M,share=on"
    "ivshmem-plain-64M|ivshmem-plain|0x4000000|ivshmem-plain,memdev=shm@N@|-object memory-backend-ram,id=shm@N@,size=64M,share=on"
    "VGA|VGA|-|VGA|"
    "bochs-display|bochs-display|-|bochs-display|"
    "VGA-24M|VGA|0x1800000|VGA,vgamem_mb=24|"
    "cirrus-vga|cirrus-vga|-|cirrus-vga|"
    "cirrus-vga-8M|cirrus-vga|0x800000|cirrus-vga,vgamem_mb=8|"
    "cirrus-vga-16M|cirrus-vga|0x1000000|cirrus-vga,vgamem_mb=16|"
    "e1000|e1000|-|e1000,netdev=net@N@|-netdev hubport,id=net@N@,hubid=0"
    "rtl8139|rtl8139|-|rtl8139,netdev=net@N@|-netdev hubport,id=net@N@,hubid=0"
    "ich9-intel-hda|ich9-intel-hda|-|ich9-intel-hda|"
)
# In the root-port boot this entry is function 1 of its slot, with companion_dev at function 0.
companion_stem=ich9-intel-hda
companion_dev=VGA,multifunction=on

first_slot=2   # endpoint (or root port) number i sits in bus-0 slot first_slot + i

slot_of() { printf '%02x' $(( first_slot + $1 )); }

# Arguments shared by every boot. The serial file name is appended per boot.
base_args() {
    local boot=$1
    printf '%s\n' "$qemu" -machine q35 -accel tcg -m 512M -smp 1 -nodefaults -display none \
        -no-reboot -chardev "file,id=ser0,path=serial-$boot.log" -serial chardev:ser0 \
        -kernel vmlinuz -initrd initrd.cpio.gz -append "console=ttyS0 panic=-1"
}

# The tree boot's bridges, on pcie.0 (the endpoints go on ppb0's bus, slot i + 1):
#   00:02.0 pcie-root-port rpc > 00.0 pcie-pci-bridge ppb0 > 1f.0 pci-bridge pb0 > 01.0 virtio-net-pci, 02.0 e1000
#   00:03.0 pcie-pci-bridge ppb1 (on pcie.0 itself)
#   00:04.0 pcie-root-port rps > 00.0 x3130-upstream up0 > 00.0 xio3130-downstream dn0 > 00.0 virtio-net-pci
#                                                         01.0 xio3130-downstream dn1
#   00:05.0 pxb-pcie pxb0 (bus_nr 128) > 80:00.0 pcie-root-port rpx > 00.0 virtio-blk-pci
tree_args() {
    local n=${#endpoints[@]}
    printf '%s\n' \
        -device "pcie-root-port,id=rpc,bus=pcie.0,chassis=1,slot=1,addr=0x02.0" \
        -device "pcie-pci-bridge,id=ppb0,bus=rpc,addr=0x0" \
        -device "pci-bridge,id=pb0,bus=ppb0,chassis_nr=2,addr=0x1f" \
        -device "virtio-net-pci,netdev=netpb,bus=pb0,addr=0x01" -netdev hubport,id=netpb,hubid=0 \
        -device "e1000,netdev=netpb2,bus=pb0,addr=0x02" -netdev hubport,id=netpb2,hubid=0 \
        -device "pcie-pci-bridge,id=ppb1,bus=pcie.0,addr=0x03" \
        -device "pcie-root-port,id=rps,bus=pcie.0,chassis=3,slot=3,addr=0x04.0" \
        -device "x3130-upstream,id=up0,bus=rps,addr=0x0" \
        -device "xio3130-downstream,id=dn0,bus=up0,chassis=4,slot=1,addr=0x0" \
        -device "xio3130-downstream,id=dn1,bus=up0,chassis=4,slot=2,addr=0x1" \
        -device "virtio-net-pci,netdev=netdn,bus=dn0,addr=0x0" -netdev hubport,id=netdn,hubid=0 \
        -device "pxb-pcie,id=pxb0,bus=pcie.0,bus_nr=128,addr=0x05" \
        -device "pcie-root-port,id=rpx,bus=pxb0,chassis=5,slot=1,addr=0x0" \
        -device "virtio-blk-pci,drive=diskpx,bus=rpx,addr=0x0" -blockdev driver=null-co,node-name=diskpx
    (( n <= 30 )) || die "too many endpoint models for one conventional bus ($n)"
}

# The device arguments of a boot, one argument per line.
device_args() {
    local boot=$1 i entry stem model size dev backend slot
    [ "$boot" != tree ] || tree_args
    for i in "${!endpoints[@]}"; do
        entry=${endpoints[$i]}
        IFS='|' read -r stem model size dev backend <<< "$entry"
        dev=${dev//@N@/$i}
        backend=${backend//@N@/$i}
        slot=$(slot_of "$i")
        if [ "$boot" = root-bus ]; then
            printf '%s\n' -device "$dev,bus=pcie.0,addr=0x$slot"
        elif [ "$boot" = tree ]; then
            printf '%s\n' -device "$dev,bus=ppb0,addr=0x$(printf '%02x' $(( i + 1 )))"
        elif [ "$stem" = "$companion_stem" ]; then
            printf '%s\n' -device "pcie-root-port,id=rp$i,bus=pcie.0,chassis=$(( i + 1 )),slot=$(( i + 1 )),addr=0x$slot.0"
            printf '%s\n' -device "$companion_dev,bus=rp$i,addr=0x0.0"
            printf '%s\n' -device "$dev,bus=rp$i,addr=0x0.1"
        else
            printf '%s\n' -device "pcie-root-port,id=rp$i,bus=pcie.0,chassis=$(( i + 1 )),slot=$(( i + 1 )),addr=0x$slot.0"
            printf '%s\n' -device "$dev,bus=rp$i,addr=0x0"
        fi
        # The backend string holds whole arguments separated by single spaces.
        local -a backend_args
        read -r -a backend_args <<< "$backend"
        [ ${#backend_args[@]} = 0 ] || printf '%s\n' "${backend_args[@]}"
    done
}

# Shell-quote an argument only where needed, so qemu-cmdline.txt stays readable and exact.
quote() {
    if [[ $1 =~ ^[A-Za-z0-9_./=:,@%+-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//\'/\'\\\'\'}"
    fi
}

boots=(root-bus root-port tree)
: > "$out/raw-serial.log"
{
    echo "# QEMU command lines used by scripts/capture-catalog.sh ($qemu_version, kernel $kernel_version)."
    echo "# Each runs in a scratch directory holding vmlinuz and initrd.cpio.gz"
    echo "# (scripts/build-initramfs.sh initrd.cpio.gz scripts/catalog-init.sh)."
} > "$out/qemu-cmdline.txt"

start_time=$(date +%s)
for boot in "${boots[@]}"; do
    mapfile -t args < <(base_args "$boot"; device_args "$boot")
    line=""
    for a in "${args[@]}"; do line+="$(quote "$a") "; done
    { echo; echo "# boot $boot"; echo "${line% }"; } >> "$out/qemu-cmdline.txt"
    log "boot $boot"
    t0=$(date +%s)
    rc=0
    (cd "$work" && timeout 600 "${args[@]}" </dev/null >"$work/qemu-$boot.out" 2>&1) || rc=$?
    log "boot $boot: QEMU exited with $rc after $(( $(date +%s) - t0 )) s"
    { echo "##### boot $boot"; cat "$work/serial-$boot.log" 2>/dev/null || true; } >> "$out/raw-serial.log"
    if [ "$rc" != 0 ]; then
        cat "$work/qemu-$boot.out" >&2
        die "QEMU failed in boot $boot (exit $rc)"
    fi
    grep -aq '^@@end ' <(tr -d '\r' < "$work/serial-$boot.log") \
        || die "boot $boot: the guest printed no complete record (see $out/raw-serial.log)"
done
log "boots took $(( $(date +%s) - start_time )) s"

# ---------------------------------------------------------------------------------------------
# Parsing. One boot's records go into these arrays, keyed by BDF ("0000:01:00.0").
declare -A DEV RES CFG PROBE CAP WIN

parse_boot() {
    local log=$1 tag rest bdf="" idx a b c off
    DEV=(); RES=(); CFG=(); PROBE=(); CAP=(); WIN=()
    while read -r tag rest; do
        case $tag in
            @@dev)
                bdf=${rest%% *}
                DEV[$bdf]=${rest#* } ;;
            @@res)
                read -r idx a b c <<< "$rest"
                RES[$bdf,$idx]="$a $b $c" ;;
            @@cfg)
                CFG[$bdf]+="config 0x${rest#0000}"$'\n' ;;
            @@probe)
                read -r off a b <<< "$rest"
                PROBE[$bdf,$off]="$a $b" ;;
            @@cap)
                CAP[$bdf]+="$rest"$'\n' ;;
            @@window)
                read -r off a b <<< "$rest"
                WIN[$bdf,$off]="$a $b" ;;
            @@enddev) bdf="" ;;
        esac
    done < <(tr -d '\r' < "$log" | sed -n '/^@@begin$/,/^@@end /p')
}

# field BDF NAME: a field of the @@dev line ("vendor", "class", "pin", ...).
field() {
    local -a f
    read -r -a f <<< "${DEV[$1]}"
    local i
    for (( i = 0; i + 1 < ${#f[@]}; i += 2 )); do
        [ "${f[$i]}" = "$2" ] && { printf '%s' "${f[$((i + 1))]}"; return; }
    done
    die "no field $2 for $1"
}

# Secondary bus of the bridge at BDF, from its config dump (byte 0x19).
secondary_bus() {
    local line
    line=$(printf '%s' "${CFG[$1]}" | sed -n 's/^config 0x10 //p')
    [ -n "$line" ] || die "no config dump for $1"
    local -a b
    read -r -a b <<< "$line"
    printf '%s' "${b[9]}"
}

# bars BDF: the "bar ..." lines of a function, each checked against the config-space probe.
bars() {
    local bdf=$1 hdr nbars romoff i start end flags size kind pref
    hdr=$(( 0x$(field "$bdf" hdr) & 0x7f ))
    case $hdr in
        0) nbars=6; romoff=30 ;;
        1) nbars=2; romoff=38 ;;
        *) die "$bdf: header type $hdr" ;;
    esac
    local skip_next=0
    for (( i = 0; i <= 6; i++ )); do
        [ $i -lt $nbars ] || [ $i -eq 6 ] || continue
        # What the config-space probe says (the firmware's view).
        local off pkind="" psize=0 ppref=0 rb
        if [ $i -eq 6 ]; then off=$romoff; else off=$(printf '%02x' $(( 0x10 + 4 * i ))); fi
        [ -n "${PROBE[$bdf,$off]:-}" ] || die "$bdf: no probe of config register 0x$off"
        read -r _ rb <<< "${PROBE[$bdf,$off]}"
        rb=$(( 0x$rb ))
        if [ $skip_next = 1 ]; then
            skip_next=0
            pkind=upper
        elif [ $i -eq 6 ]; then
            local mask=$(( rb & 0xfffff800 ))
            [ $mask = 0 ] || { pkind=rom; psize=$(( ((~mask) & 0xffffffff) + 1 )); }
        elif [ $rb != 0 ]; then
            if (( rb & 1 )); then
                local mask=$(( rb & ~3 & 0xffffffff ))
                (( mask & 0xffff0000 )) || mask=$(( mask | 0xffff0000 ))
                pkind=io; psize=$(( ((~mask) & 0xffffffff) + 1 ))
            else
                ppref=$(( (rb >> 3) & 1 ))
                case $(( (rb >> 1) & 3 )) in
                    0) pkind=mem32; psize=$(( ((~(rb & ~0xf)) & 0xffffffff) + 1 )) ;;
                    2)
                        local hoff hi
                        hoff=$(printf '%02x' $(( 0x10 + 4 * (i + 1) )))
                        read -r _ hi <<< "${PROBE[$bdf,$hoff]}"
                        pkind=mem64; skip_next=1
                        psize=$(( (~(((0x$hi) << 32) | (rb & 0xfffffff0))) + 1 )) ;;
                    *) die "$bdf: BAR $i has reserved type bits ($rb)" ;;
                esac
            fi
        fi
        # What Linux says (sysfs resource line i).
        read -r start end flags <<< "${RES[$bdf,$i]:-0 0 0}"
        start=$(( start )); end=$(( end )); flags=$(( flags ))
        local rkind="" rsize=0 rpref=0
        if [ $start != 0 ] || [ $end != 0 ] || [ $flags != 0 ]; then
            rsize=$(( end - start + 1 ))
            if [ $i -eq 6 ]; then rkind=rom
            elif (( flags & 0x100 )); then rkind=io
            elif (( flags & 0x200 )); then
                if (( flags & 0x100000 )); then rkind=mem64; else rkind=mem32; fi
            else die "$bdf: resource $i has flags $(printf '%#x' "$flags") (neither I/O nor memory)"
            fi
            # A ROM BAR has no prefetchable bit; Linux marks ROMs prefetchable by convention.
            [ $i -eq 6 ] || rpref=$(( (flags & 0x2000) != 0 ))
        fi
        [ "$pkind" = upper ] && { [ -z "$rkind" ] || die "$bdf: resource $i in the upper half of a 64-bit BAR"; continue; }
        if [ -z "$rkind" ] && [ -z "$pkind" ]; then continue; fi
        if [ -n "$rkind" ] && [ -n "$pkind" ] \
           && [ "$rkind $rsize $rpref" = "$pkind $psize $ppref" ]; then
            kind=$rkind; size=$rsize; pref=$rpref
        elif [ $i -eq 6 ] && [ -n "$pkind" ] && (( flags & 0x2 )); then
            # IORESOURCE_ROM_SHADOW: Linux shows the shadow copy at 0xc0000, not the BAR.
            kind=$pkind; size=$psize; pref=$ppref
            log "$bdf: ROM shadowed by Linux (resource $(printf '%#x+%#x' "$start" "$rsize")); size from the BAR probe"
        else
            die "$bdf: BAR $i: Linux resource says '${rkind:-none} $(printf '%#x' "$rsize") pref $rpref'," \
                "the config probe '${pkind:-none} $(printf '%#x' "$psize") pref $ppref'"
        fi
        printf 'bar %d %s size %#x pref %d\n' "$i" "$kind" "$size" "$pref"
    done
}

# pcie_type BDF: the device/port type of the PCI Express capability (ID 0x10), or "none".
pcie_type() {
    local off id flags
    while read -r off id flags; do
        [ "$id" = 10 ] || continue
        case $(( (0x$flags >> 4) & 0xf )) in
            0) echo endpoint ;;
            1) echo legacy-endpoint ;;
            4) echo root-port ;;
            5) echo upstream-port ;;
            6) echo downstream-port ;;
            7) echo pcie-to-pci-bridge ;;
            8) echo pci-to-pcie-bridge ;;
            9) echo integrated-endpoint ;;
            10) echo event-collector ;;
            *) die "$1: PCI Express capability flags $flags" ;;
        esac
        return
    done <<< "${CAP[$1]:-}"
    echo none
}

# capabilities BDF: the capability IDs in list order, or "none".
capabilities() {
    local off id flags out=""
    while read -r off id flags; do
        [ -n "$off" ] && out+=" 0x$id"
    done <<< "${CAP[$1]:-}"
    echo "${out# }" | sed 's/^$/none/'
}

# windows BDF: the io-window and pref-window lines of a bridge (header type 1), from the probe.
windows() {
    local bdf=$1 orig rb
    [ -n "${WIN[$bdf,io]:-}" ] && [ -n "${WIN[$bdf,pref]:-}" ] || die "$bdf: no window probe"
    read -r orig rb <<< "${WIN[$bdf,io]}"
    rb=$(( 0x$rb ))
    if [ $rb = 0 ]; then echo "io-window none"
    else
        case $(( rb & 0xf )) in 0) echo "io-window io16" ;; 1) echo "io-window io32" ;; *) die "$bdf: I/O base $rb" ;; esac
    fi
    read -r orig rb <<< "${WIN[$bdf,pref]}"
    rb=$(( 0x$rb ))
    if [ $rb = 0 ]; then echo "pref-window none"
    else
        case $(( rb & 0xf )) in 0) echo "pref-window mem32" ;; 1) echo "pref-window mem64" ;; *) die "$bdf: pref base $rb" ;; esac
    fi
}

package_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }

fixture_header() {
    cat <<'EOF'
# QEMU device fixture for guestfw, written by scripts/capture-catalog.sh: do not edit, rerun it.
# Checked against Sources/VMConfig/DeviceCatalog.swift by Tests/VMConfigTests/DeviceCatalogTests.swift.
#
# Format: one fact per line, "KEY VALUE..." separated by single spaces; "#" lines are comments.
#   model NAME               the QEMU -device model
#   placement P              root-bus: on pcie.0 (an endpoint there is an integrated endpoint)
#                            root-port: behind a pcie-root-port
#                            conventional-bus: on the conventional PCI bus behind a
#                            pcie-pci-bridge (or pci-bridge)
#                            switch-port: on the internal bus of a switch (behind x3130-upstream)
#   path MODEL...            the bridges above the function, from the root bus down (informational)
#   size 0xN                 the model's size parameter in bytes, for sized models only
#                            (ivshmem-plain: the size of its memory backend; VGA, cirrus-vga:
#                            vgamem_mb, when given)
#   bdf BB:DD.F              where the function sat in the capture boot
#   vendor 0xVVVV  device 0xDDDD  revision 0xRR  subsystem-vendor 0xVVVV  subsystem 0xDDDD
#   class 0xCCSSPP           base class, subclass, programming interface
#   header-type 0xHH         config byte 0x0e (bit 7: multi-function)
#   pin N                    interrupt pin, config byte 0x3d: 0 none, 1 INTA .. 4 INTD
#   capabilities 0xID...     the capability list's IDs in order (0x01 PM, 0x05 MSI, 0x09 vendor,
#                            0x0c SHPC, 0x0d bridge subsystem ID, 0x10 PCI Express, 0x11 MSI-X), or none
#   pcie-type T              the PCI Express capability's device/port type (endpoint,
#                            legacy-endpoint, integrated-endpoint, root-port, upstream-port,
#                            downstream-port, pcie-to-pci-bridge, ...), none without the capability
#   io-window none|io16|io32     bridges only: whether the I/O window is implemented, and its
#   pref-window none|mem32|mem64 width; the prefetchable window likewise (Linux's
#                            pci_bridge_check_ranges: write ones to the base/limit, read back)
#   bar I KIND size 0xS pref 0|1
#                            one line per implemented BAR, I = 0..5, 6 = expansion ROM,
#                            KIND io | mem32 | mem64 | rom. Kind, size and prefetchability come
#                            from the guest kernel's sysfs `resource` line I (flags
#                            IORESOURCE_IO 0x100, IORESOURCE_MEM 0x200, IORESOURCE_PREFETCH
#                            0x2000, IORESOURCE_MEM_64 0x100000; line 6 is the ROM; size =
#                            end - start + 1), and each must agree with sizing the BAR register
#                            in config space as firmware does (write all ones, read back).
#                            Exception: Linux shows the boot VGA's ROM as its shadow copy at
#                            0xc0000 (128 KiB); that ROM's size comes from the probe. A ROM BAR
#                            has no prefetchable bit: rom lines always say pref 0 (Linux flags
#                            ROMs prefetchable by convention). A ROM BAR's size is QEMU's ROM
#                            image file size rounded up to a power of two, so it follows the
#                            Debian ipxe-qemu / seabios packages named below.
#   config 0xOFF B0 .. B15   config bytes OFF..OFF+15 as the guest saw them after firmware and
#                            Linux assigned addresses (informational)
EOF
    printf '#\n# Captured with: %s; kernel %s; seabios %s; ipxe-qemu %s.\n' \
        "$qemu_version" "$kernel_version" "$(package_version seabios)" "$(package_version ipxe-qemu)"
}

# write_fixture FILE BDF MODEL PLACEMENT SIZE BOOT PATH [COMMENT]
write_fixture() {
    local file=$1 bdf=$2 model=$3 placement=$4 size=$5 boot=$6 path=$7 comment=${8:-}
    [ -n "${DEV[$bdf]:-}" ] || die "boot $boot: no function at $bdf for $model ($placement)"
    {
        fixture_header
        echo "# Boot: $boot (qemu-cmdline.txt)."
        [ -z "$comment" ] || echo "# $comment"
        echo
        echo "model $model"
        echo "placement $placement"
        echo "path $path"
        [ "$size" = - ] || echo "size $size"
        echo "bdf ${bdf#0000:}"
        echo "vendor $(field "$bdf" vendor)"
        echo "device $(field "$bdf" device)"
        echo "revision 0x$(field "$bdf" rev)"
        echo "subsystem-vendor 0x$(field "$bdf" ssvid)"
        echo "subsystem 0x$(field "$bdf" ssid)"
        echo "class $(field "$bdf" class)"
        echo "header-type 0x$(field "$bdf" hdr)"
        echo "pin $(( 0x$(field "$bdf" pin) ))"
        echo "capabilities $(capabilities "$bdf")"
        echo "pcie-type $(pcie_type "$bdf")"
        (( (0x$(field "$bdf" hdr) & 0x7f) != 1 )) || windows "$bdf"
        bars "$bdf"
        printf '%s' "${CFG[$bdf]}"
    } > "$file.tmp"
    mv "$file.tmp" "$out/$file"
    log "wrote $file ($model at $bdf)"
}

# The identity and BAR lines of a function (for comparing functions with each other).
identity() {
    printf '%s %s %s %s %s\n' "$(field "$1" vendor)" "$(field "$1" device)" "$(field "$1" class)" "$(field "$1" pin)" \
        "$(( 0x$(field "$1" hdr) & 0x7f ))"
    echo "capabilities $(capabilities "$1") pcie-type $(pcie_type "$1")"
    (( (0x$(field "$1" hdr) & 0x7f) != 1 )) || windows "$1"
    bars "$1"
}

# Identities of written fixtures, by "STEM.PLACEMENT", for the checks of the tree boot.
declare -A IDENT

# same_as BDF KEY WHAT: the function at BDF must equal the fixture KEY.
same_as() {
    [ -n "${DEV[$1]:-}" ] || die "boot $boot: no function at $1 ($3)"
    [ -n "${IDENT[$2]:-}" ] || die "internal: no identity $2"
    [ "$(identity "$1")" = "${IDENT[$2]}" ] \
        || die "boot $boot: $3 at $1 differs from $2:"$'\n'"$(identity "$1")"$'\n'"vs"$'\n'"${IDENT[$2]}"
    log "$3 at $1 equals $2"
}

# expect_model BDF DEVICE-ID WHAT
expect_model() {
    [ -n "${DEV[$1]:-}" ] || die "boot $boot: no function at $1 ($3)"
    [ "$(field "$1" device)" = "$2" ] || die "boot $boot: $1 is not $3 (device $(field "$1" device))"
}

# fixture FILE BDF MODEL PLACEMENT SIZE PATH [COMMENT]: write_fixture, and remember the identity.
fixture() {
    write_fixture "$1" "$2" "$3" "$4" "$5" "$boot" "$6" "${7:-}"
    IDENT[${1%.txt}]=$(identity "$2")
}

# below BDF: the secondary bus of the bridge at BDF, as "0000:BB".
below() {
    local bus
    bus=$(secondary_bus "$1")
    [ "$bus" != 00 ] || die "boot $boot: bridge $1 has no secondary bus"
    printf '0000:%s' "$bus"
}

cd "$out"
rm -f -- *.root-bus.txt *.root-port.txt *.conventional-bus.txt pcie-root-port.txt x3130-upstream.txt \
    xio3130-downstream.txt pcie-pci-bridge.txt pci-bridge.txt pxb-pcie.txt
for boot in "${boots[@]}"; do
    parse_boot "$work/serial-$boot.log"
    if [ "$boot" = tree ]; then
        rpc=0000:00:02.0; expect_model $rpc 0x000c pcie-root-port
        ppb0=$(below $rpc):00.0; expect_model "$ppb0" 0x000e pcie-pci-bridge
        conv=$(below "$ppb0")
        fixture pcie-pci-bridge.txt "$ppb0" pcie-pci-bridge root-port - "pcie.0 pcie-root-port"
        expect_model 0000:00:03.0 0x000e pcie-pci-bridge
        same_as 0000:00:03.0 pcie-pci-bridge "pcie-pci-bridge on pcie.0"
        same_as $rpc pcie-root-port "the root port above the pcie-pci-bridge"
    fi
    for i in "${!endpoints[@]}"; do
        IFS='|' read -r stem model size _ _ <<< "${endpoints[$i]}"
        slot=$(slot_of "$i")
        if [ "$boot" = root-bus ]; then
            fixture "$stem.root-bus.txt" "0000:00:$slot.0" "$model" root-bus "$size" "pcie.0"
        elif [ "$boot" = tree ]; then
            fixture "$stem.conventional-bus.txt" "$conv:$(printf '%02x' $(( i + 1 ))).0" "$model" conventional-bus \
                "$size" "pcie.0 pcie-root-port pcie-pci-bridge"
        else
            port="0000:00:$slot.0"
            expect_model "$port" 0x000c pcie-root-port
            bus=$(below "$port")
            if [ "$stem" = "$companion_stem" ]; then
                same_as "$bus:00.0" VGA.root-port "function 0 beside $stem"
                fixture "$stem.root-port.txt" "$bus:00.1" "$model" root-port "$size" "pcie.0 pcie-root-port" \
                    "Function 1 of its slot; function 0 is ${companion_dev} (header-type 0x$(field "$bus:00.0" hdr))."
            else
                fixture "$stem.root-port.txt" "$bus:00.0" "$model" root-port "$size" "pcie.0 pcie-root-port"
            fi
            if [ "$i" = 0 ]; then
                fixture pcie-root-port.txt "$port" pcie-root-port root-bus - "pcie.0"
            else
                same_as "$port" pcie-root-port "root port $port"
            fi
        fi
    done
    if [ "$boot" = tree ]; then
        pb0=$conv:1f.0; expect_model "$pb0" 0x0001 pci-bridge
        fixture pci-bridge.txt "$pb0" pci-bridge conventional-bus - "pcie.0 pcie-root-port pcie-pci-bridge"
        pbbus=$(below "$pb0")
        same_as "$pbbus:01.0" virtio-net-pci.conventional-bus "virtio-net-pci behind the pci-bridge"
        same_as "$pbbus:02.0" e1000.conventional-bus "e1000 behind the pci-bridge"

        rps=0000:00:04.0; expect_model $rps 0x000c pcie-root-port
        same_as $rps pcie-root-port "the root port above the switch"
        up0=$(below $rps):00.0; expect_model "$up0" 0x8232 x3130-upstream
        fixture x3130-upstream.txt "$up0" x3130-upstream root-port - "pcie.0 pcie-root-port"
        sw=$(below "$up0")
        expect_model "$sw:00.0" 0x8233 xio3130-downstream
        fixture xio3130-downstream.txt "$sw:00.0" xio3130-downstream switch-port - "pcie.0 pcie-root-port x3130-upstream"
        same_as "$sw:01.0" xio3130-downstream "the second downstream port"
        same_as "$(below "$sw:00.0"):00.0" virtio-net-pci.root-port "virtio-net-pci behind a downstream port"

        pxb=0000:00:05.0; expect_model $pxb 0x000b pxb-pcie
        fixture pxb-pcie.txt $pxb pxb-pcie root-bus - "pcie.0" "Created with bus_nr=128; its bus is 0x80."
        same_as 0000:80:00.0 pcie-root-port "the root port on the expander's bus"
        same_as "$(below 0000:80:00.0):00.0" virtio-blk-pci.root-port "virtio-blk-pci behind the expander's root port"
    fi
done
QEMU=$qemu "$here/capture-interfaces.sh" "$out/interfaces.txt"
log "wrote interfaces.txt (QOM interfaces, buses QEMU accepts)"
log "done: $(find "$out" -maxdepth 1 -type f | wc -l) files in $out, $(( $(date +%s) - start_time )) s"
