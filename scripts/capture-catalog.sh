#!/bin/bash
# capture-catalog.sh OUT_DIR
#
# Captures the PCI identity and BARs of the QEMU device models in guestfw's catalog
# (Sources/VMConfig/DeviceCatalog.swift) from QEMU itself: boots a q35 guest (default SeaBIOS,
# TCG) with every model, lets scripts/catalog-init.sh print what the guest sees on the serial
# console, and writes one fixture per (model, placement) into OUT_DIR:
#   MODEL.root-bus.txt     the model as an integrated endpoint on pcie.0
#   MODEL.root-port.txt    the model behind a pcie-root-port
#   pcie-root-port.txt     the root port itself
#   raw-serial.log         the serial console of every boot (one "##### boot NAME" line before each)
#   qemu-cmdline.txt       the exact QEMU command lines (run in a scratch directory holding
#                          vmlinuz, initrd.cpio.gz; the serial goes to serial-NAME.log there)
# The fixture format is described at the top of every fixture file (see `fixture_header`).
#
# Two boots: "root-bus" puts every endpoint model on pcie.0 at addr 0x02, 0x03, ...; "root-port"
# puts a pcie-root-port at each of those addresses with the same model behind it (addr 0x0).
# Explicit addresses make the BDF -> (model, placement) mapping certain; the bus behind each root
# port is read from the port's own config space (secondary bus number, byte 0x19).
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

command -v "$qemu" >/dev/null 2>&1 || die "'$qemu' not found (apt-get install qemu-system-x86)"
qemu_version=$("$qemu" --version | head -n 1)
case $qemu_version in
    "QEMU emulator version 7.2."*) ;;
    *) [ "${ALLOW_QEMU_VERSION:-0}" = 1 ] \
           || die "fixtures are for QEMU 7.2, found '$qemu_version' (ALLOW_QEMU_VERSION=1 to override)" ;;
esac

"$here/fetch-kernel.sh" "$kcache"
kernel_version=$(cat "$kcache/kernel-version")

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/capture-catalog.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$here/build-initramfs.sh" "$work/initrd.cpio.gz" "$here/catalog-init.sh"
ln -s "$kcache/vmlinuz" "$work/vmlinuz"

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
)
first_slot=2   # endpoint (or root port) number i sits in bus-0 slot first_slot + i

slot_of() { printf '%02x' $(( first_slot + $1 )); }

# Arguments shared by every boot. The serial file name is appended per boot.
base_args() {
    local boot=$1
    printf '%s\n' "$qemu" -machine q35 -accel tcg -m 512M -smp 1 -nodefaults -display none \
        -no-reboot -chardev "file,id=ser0,path=serial-$boot.log" -serial chardev:ser0 \
        -kernel vmlinuz -initrd initrd.cpio.gz -append "console=ttyS0 panic=-1"
}

# The device arguments of a boot, one argument per line.
device_args() {
    local boot=$1 i entry stem model size dev backend slot
    for i in "${!endpoints[@]}"; do
        entry=${endpoints[$i]}
        IFS='|' read -r stem model size dev backend <<< "$entry"
        dev=${dev//@N@/$i}
        backend=${backend//@N@/$i}
        slot=$(slot_of "$i")
        if [ "$boot" = root-bus ]; then
            printf '%s\n' -device "$dev,bus=pcie.0,addr=0x$slot"
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

boots=(root-bus root-port)
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
declare -A DEV RES CFG PROBE

parse_boot() {
    local log=$1 tag rest bdf="" idx a b c off
    DEV=(); RES=(); CFG=(); PROBE=()
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
#   size 0xN                 the model's size parameter in bytes, for sized models only
#                            (ivshmem-plain: the size of its memory backend; VGA, cirrus-vga:
#                            vgamem_mb, when given)
#   bdf BB:DD.F              where the function sat in the capture boot
#   vendor 0xVVVV  device 0xDDDD  revision 0xRR  subsystem-vendor 0xVVVV  subsystem 0xDDDD
#   class 0xCCSSPP           base class, subclass, programming interface
#   header-type 0xHH         config byte 0x0e (bit 7: multi-function)
#   pin N                    interrupt pin, config byte 0x3d: 0 none, 1 INTA .. 4 INTD
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

# write_fixture FILE BDF MODEL PLACEMENT SIZE BOOT
write_fixture() {
    local file=$1 bdf=$2 model=$3 placement=$4 size=$5 boot=$6
    [ -n "${DEV[$bdf]:-}" ] || die "boot $boot: no function at $bdf for $model ($placement)"
    {
        fixture_header
        echo "# Boot: $boot (qemu-cmdline.txt)."
        echo
        echo "model $model"
        echo "placement $placement"
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
        bars "$bdf"
        printf '%s' "${CFG[$bdf]}"
    } > "$file.tmp"
    mv "$file.tmp" "$out/$file"
    log "wrote $file ($model at $bdf)"
}

# The identity and BAR lines of a function (for comparing functions with each other).
identity() {
    printf '%s %s %s %s\n' "$(field "$1" vendor)" "$(field "$1" device)" "$(field "$1" class)" "$(field "$1" pin)"
    bars "$1"
}

cd "$out"
rm -f -- *.root-bus.txt *.root-port.txt pcie-root-port.txt
for boot in "${boots[@]}"; do
    parse_boot "$work/serial-$boot.log"
    for i in "${!endpoints[@]}"; do
        IFS='|' read -r stem model size _ _ <<< "${endpoints[$i]}"
        slot=$(slot_of "$i")
        if [ "$boot" = root-bus ]; then
            write_fixture "$stem.root-bus.txt" "0000:00:$slot.0" "$model" root-bus "$size" "$boot"
        else
            port="0000:00:$slot.0"
            [ "$(field "$port" device)" = 0x000c ] || die "boot $boot: $port is not a pcie-root-port"
            bus=$(secondary_bus "$port")
            [ "$bus" != 00 ] || die "boot $boot: root port $port has no secondary bus"
            write_fixture "$stem.root-port.txt" "0000:$bus:00.0" "$model" root-port "$size" "$boot"
            if [ "$i" = 0 ]; then
                write_fixture pcie-root-port.txt "$port" pcie-root-port root-bus - "$boot"
                port0=$(identity "$port")
            elif [ "$(identity "$port")" != "$port0" ]; then
                die "boot $boot: root port $port differs from 0000:00:$(slot_of 0).0"
            fi
        fi
    done
done
log "done: $(find "$out" -maxdepth 1 -type f | wc -l) files in $out, $(( $(date +%s) - start_time )) s"
