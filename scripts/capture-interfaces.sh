#!/bin/bash
# capture-interfaces.sh OUT_FILE
#
# Captures, for every model in guestfw's catalog, what QEMU 7.2 itself says about where it may be
# plugged (called by scripts/capture-catalog.sh; no guest is booted):
#   - which of the QOM interfaces "pci-express-device" (INTERFACE_PCIE_DEVICE) and
#     "conventional-pci-device" (INTERFACE_CONVENTIONAL_PCI_DEVICE) its type implements, from
#     QMP `qom-list-types` with `implements`;
#   - on which buses QEMU accepts it at start-up: a q35 machine is started paused (-S) with the
#     model on the bus and told to quit over QMP; exit status 0 is "accepted", anything else
#     "refused" (QEMU's message is kept in a comment).
# Line format (one per model):
#   qom MODEL pcie 0|1 conventional 0|1
#   accepts MODEL BUS yes|no       BUS: root-bus (pcie.0), root-port (behind pcie-root-port),
#                                  switch-port (behind xio3130-downstream), conventional-bus
#                                  (behind pcie-pci-bridge), pci-bridge-bus (behind a pci-bridge
#                                  on a pcie-pci-bridge)
# Environment: QEMU (default qemu-system-x86_64).
set -euo pipefail

die() { echo "capture-interfaces.sh: error: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: capture-interfaces.sh OUT_FILE"
out=$1
qemu=${QEMU:-qemu-system-x86_64}

# model | extra -device properties | backend arguments
models=(
    "virtio-net-pci|,netdev=n0|-netdev hubport,id=n0,hubid=0"
    "virtio-blk-pci|,drive=d0|-blockdev driver=null-co,node-name=d0"
    "virtio-scsi-pci||"
    "e1000e|,netdev=n0|-netdev hubport,id=n0,hubid=0"
    "nvme|,serial=x|"
    "qemu-xhci||"
    "ivshmem-plain|,memdev=m0|-object memory-backend-ram,id=m0,size=4M,share=on"
    "VGA||"
    "bochs-display||"
    "cirrus-vga||"
    "e1000|,netdev=n0|-netdev hubport,id=n0,hubid=0"
    "rtl8139|,netdev=n0|-netdev hubport,id=n0,hubid=0"
    "ich9-intel-hda||"
    "pcie-root-port|,chassis=9,slot=9|"
    "x3130-upstream||"
    "xio3130-downstream|,chassis=9,slot=9|"
    "pcie-pci-bridge||"
    "pci-bridge|,chassis_nr=9|"
    "pxb-pcie|,bus_nr=100|"
)

# The buses to try, each with the topology that provides it.
buses=(
    "root-bus|pcie.0|"
    "root-port|rp|-device pcie-root-port,id=rp,bus=pcie.0,chassis=1,slot=1"
    "switch-port|dn|-device pcie-root-port,id=rp,bus=pcie.0,chassis=1,slot=1 -device x3130-upstream,id=up,bus=rp -device xio3130-downstream,id=dn,bus=up,chassis=2,slot=1"
    "conventional-bus|ppb|-device pcie-root-port,id=rp,bus=pcie.0,chassis=1,slot=1 -device pcie-pci-bridge,id=ppb,bus=rp"
    "pci-bridge-bus|pb|-device pcie-root-port,id=rp,bus=pcie.0,chassis=1,slot=1 -device pcie-pci-bridge,id=ppb,bus=rp -device pci-bridge,id=pb,bus=ppb,chassis_nr=3,addr=0x1"
)

implements() {
    printf '{"execute":"qmp_capabilities"}\n{"execute":"qom-list-types","arguments":{"implements":"%s","abstract":false}}\n{"execute":"quit"}\n' "$1" \
        | timeout 30 "$qemu" -machine none -nodefaults -display none -qmp stdio 2>/dev/null \
        | grep -o '"name": "[^"]*"' | sed 's/"name": "\(.*\)"/\1/' | sort -u
}

pcie_types=$(implements pci-express-device)
conv_types=$(implements conventional-pci-device)
[ -n "$pcie_types" ] && [ -n "$conv_types" ] || die "qom-list-types gave no answer"

{
    echo "# QEMU's own word on where guestfw's catalog models may be plugged, written by"
    echo "# scripts/capture-interfaces.sh (via scripts/capture-catalog.sh): do not edit, rerun it."
    echo "# Checked by Tests/VMConfigTests/DeviceCatalogTests.swift. Format: see the script's header."
    echo "# Captured with: $("$qemu" --version | head -n 1)."
    for entry in "${models[@]}"; do
        IFS='|' read -r model props backend <<< "$entry"
        p=0; c=0
        grep -qx -- "$model" <<< "$pcie_types" && p=1
        grep -qx -- "$model" <<< "$conv_types" && c=1
        echo
        echo "qom $model pcie $p conventional $c"
        for b in "${buses[@]}"; do
            IFS='|' read -r name bus topo <<< "$b"
            addr=""
            case $name in conventional-bus|pci-bridge-bus) addr=",addr=0x2" ;; esac
            local_args=()
            read -r -a topo_args <<< "$topo"
            read -r -a backend_args <<< "$backend"
            [ ${#topo_args[@]} = 0 ] || local_args+=("${topo_args[@]}")
            [ ${#backend_args[@]} = 0 ] || local_args+=("${backend_args[@]}")
            rc=0
            msg=$(printf '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n' \
                | timeout 30 "$qemu" -machine q35 -accel tcg -nodefaults -display none -S -qmp stdio \
                    "${local_args[@]}" -device "$model$props,bus=$bus$addr" 2>&1 >/dev/null) || rc=$?
            if [ $rc = 0 ]; then
                echo "accepts $model $name yes"
            else
                echo "# $(printf '%s' "$msg" | grep -v 'has no peer' | head -n 1)"
                echo "accepts $model $name no"
            fi
        done
    done
} > "$out.tmp"
mv "$out.tmp" "$out"
