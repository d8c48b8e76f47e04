#!/bin/bash
# boot-modules.sh MODULES_DIR STAGE_DIR MODULE...
#
# Copies the named kernel modules and everything they depend on from MODULES_DIR (a
# lib/modules/<version> tree, as scripts/fetch-kernel.sh leaves it) into STAGE_DIR, and writes
# STAGE_DIR/order: one .ko file name a line, every module after all of its dependencies, so
# the guest can insmod them in that order without modprobe or modules.dep.
#
# Dependencies come from each module's own .modinfo section (its depends= key, the list
# depmod reads). softdep= entries are not followed: they name crypto aliases that the
# modules here (crc-t10dif, crc64-rocksoft) fall back from to their built-in code.
set -euo pipefail

die() { echo "boot-modules.sh: error: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: boot-modules.sh MODULES_DIR STAGE_DIR MODULE..."
moddir=$1
stage=$2
shift 2
[ -d "$moddir/kernel" ] || die "no kernel module tree in $moddir (make kernel)"
command -v objcopy >/dev/null 2>&1 || die "objcopy not found (binutils)"

# Module names use '_' where file names may use '-' (nvme_core is nvme-core.ko).
normal() { echo "$1" | tr '-' '_'; }

index=$(mktemp)
trap 'rm -f "$index"' EXIT
find "$moddir/kernel" -name '*.ko' | while read -r path; do
    base=$(basename "$path" .ko)
    echo "$(normal "$base") $path"
done > "$index"

# A module built into the kernel needs no insmod (depends= never names one; a request may).
builtin() {
    [ -f "$moddir/modules.builtin" ] && sed 's|.*/||; s|\.ko$||' "$moddir/modules.builtin" | tr '-' '_' | grep -qx "$1"
}

path_of() {
    p=$(awk -v m="$(normal "$1")" '$1 == m { print $2; exit }' "$index")
    [ -n "$p" ] || die "module '$1' not found under $moddir/kernel"
    echo "$p"
}

depends_of() {
    objcopy -O binary --only-section=.modinfo "$1" /dev/stdout \
        | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

rm -rf "$stage"
mkdir -p "$stage"
: > "$stage/order"

# Depth first, dependencies before the module; a module already in the order is skipped.
add() {
    local name key path
    for name in "$@"; do
        key=$(normal "$name")
        grep -qx "$key.ko" "$stage/order" && continue
        builtin "$key" && continue
        path=$(path_of "$name")
        # shellcheck disable=SC2046 # one word per dependency
        add $(depends_of "$path")
        cp "$path" "$stage/$key.ko"
        echo "$key.ko" >> "$stage/order"
    done
}

add "$@"
