#!/bin/bash
# fetch-kernel.sh CACHE_DIR
#
# Fetches the current Debian kernel (the image package that linux-image-amd64 depends on) into
# CACHE_DIR, for booting test guests under QEMU:
#   CACHE_DIR/vmlinuz          the kernel image
#   CACHE_DIR/modules/         the package's lib/modules/<version> tree (virtio_blk, nvme, ...)
#   CACHE_DIR/kernel-version   <version>, e.g. 6.1.0-56-amd64
#
# Idempotent: if CACHE_DIR/vmlinuz exists nothing is done (vmlinuz is written last, so its presence
# means the cache is complete). Needs apt-get/apt-cache/dpkg-deb and access to a Debian archive;
# runs as root without a terminal.
set -euo pipefail

die() { echo "fetch-kernel.sh: error: $*" >&2; exit 1; }
log() { echo "fetch-kernel.sh: $*" >&2; }

[ $# -eq 1 ] || die "usage: fetch-kernel.sh CACHE_DIR"
cache=$1

if [ -e "$cache/vmlinuz" ]; then
    log "$cache/vmlinuz exists, nothing to do"
    exit 0
fi

for tool in apt-cache apt-get dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (this script needs a Debian system)"
done

export DEBIAN_FRONTEND=noninteractive
meta=linux-image-amd64

# The kernel image package the meta-package depends on, e.g. linux-image-6.1.0-56-amd64.
image_package() {
    apt-cache depends "$meta" 2>/dev/null \
        | sed -n 's/^ *|\{0,1\}Depends: *\(linux-image-[^ <>]*\).*/\1/p' \
        | head -n 1
}

pkg=$(image_package || true)
if [ -z "$pkg" ]; then
    log "apt-cache knows no '$meta', running apt-get update"
    apt-get update -qq >&2 || die "apt-get update failed"
    pkg=$(image_package || true)
    [ -n "$pkg" ] || die "cannot find the kernel image package '$meta' depends on (apt-cache depends $meta)"
fi
log "kernel package: $pkg"

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
tmp=$(mktemp -d "$cache/.fetch-kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt-get download drops privileges to _apt when it can write the directory.
chmod 755 "$tmp"
mkdir "$tmp/dl" "$tmp/root"
chmod 777 "$tmp/dl"

(cd "$tmp/dl" && apt-get download -q "$pkg" >&2) || die "apt-get download $pkg failed"
deb=$(find "$tmp/dl" -maxdepth 1 -name '*.deb' | head -n 1)
[ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x $deb failed"

# The version is the name of the single directory under lib/modules.
moddir=""
for d in "$tmp/root/lib/modules"/* "$tmp/root/usr/lib/modules"/*; do
    [ -d "$d" ] || continue
    [ -z "$moddir" ] || die "more than one module tree in $pkg: $moddir and $d"
    moddir=$d
done
[ -n "$moddir" ] || die "no lib/modules/<version> tree in $pkg"
version=$(basename "$moddir")
kernel="$tmp/root/boot/vmlinuz-$version"
[ -f "$kernel" ] || die "no boot/vmlinuz-$version in $pkg"

rm -rf "$cache/modules"
mv "$moddir" "$cache/modules"
printf '%s\n' "$version" > "$cache/kernel-version"
cp "$kernel" "$cache/vmlinuz.tmp"
mv "$cache/vmlinuz.tmp" "$cache/vmlinuz"
log "kernel $version in $cache (vmlinuz, modules/, kernel-version)"
