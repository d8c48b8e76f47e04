#!/bin/bash
# build-initramfs.sh OUT.cpio.gz INIT_SCRIPT [EXTRA_FILE...]
#
# Builds a minimal busybox initramfs (gzip'd newc cpio) for test guests:
#   /bin/busybox           the static busybox (busybox-static's /bin/busybox, or $BUSYBOX)
#   busybox applet links   every applet busybox lists (`busybox --list-full`), e.g. /bin/sh,
#                          /sbin/poweroff, as symlinks to /bin/busybox
#   /dev /proc /sys /tmp /root /mnt /run   directories (the init script mounts them),
#   /dev/console, /dev/null                device nodes (when run as root)
#   /init                  INIT_SCRIPT, mode 755
#   EXTRA_FILE             SRC or SRC:DEST. A file or directory SRC is copied (directories
#                          recursively, symlinks kept) to DEST, an absolute path in the archive;
#                          without DEST it goes to /<basename of SRC>. Modes are kept.
#
# The output is deterministic: entries sorted, owner 0:0, every mtime = SOURCE_DATE_EPOCH
# (default 0), inode numbers assigned in order (cpio --reproducible), `gzip -n`: two runs with the
# same inputs give identical bytes.
set -euo pipefail

die() { echo "build-initramfs.sh: error: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: build-initramfs.sh OUT.cpio.gz INIT_SCRIPT [SRC[:DEST]...]"
out=$1
init=$2
shift 2
busybox=${BUSYBOX:-/bin/busybox}
epoch=${SOURCE_DATE_EPOCH:-0}

[ -f "$init" ] || die "init script '$init' not found"
[ -x "$busybox" ] || die "busybox '$busybox' not found (apt-get install busybox-static)"
if ldd "$busybox" >/dev/null 2>&1; then
    die "'$busybox' is dynamically linked; a static busybox is needed (busybox-static)"
fi
for tool in cpio gzip find sort touch; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found"
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
umask 022

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,mnt,run,etc}
chmod 1777 "$stage/tmp"
chmod 700 "$stage/root"
cp "$busybox" "$stage/bin/busybox"
chmod 755 "$stage/bin/busybox"

# Applet links: `busybox --list-full` prints paths like usr/bin/awk, sbin/poweroff.
"$busybox" --list-full | while read -r applet; do
    [ -n "$applet" ] || continue
    [ "$applet" = bin/busybox ] && continue
    dir=$(dirname "$applet")
    mkdir -p "$stage/$dir"
    [ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
[ -L "$stage/bin/sh" ] || die "busybox has no sh applet"

if [ "$(id -u)" = 0 ]; then
    mknod -m 600 "$stage/dev/console" c 5 1
    mknod -m 666 "$stage/dev/null" c 1 3
else
    echo "build-initramfs.sh: warning: not root, no /dev/console or /dev/null nodes;" \
         "the init script must mount devtmpfs itself" >&2
fi

cp "$init" "$stage/init"
chmod 755 "$stage/init"

for extra in "$@"; do
    src=${extra%%:*}
    if [ "$src" = "$extra" ]; then
        dest=/$(basename "$src")
    else
        dest=${extra#*:}
    fi
    case $dest in /*) ;; *) die "destination '$dest' of '$extra' is not an absolute path" ;; esac
    [ -e "$src" ] || die "extra file '$src' not found"
    mkdir -p "$stage$(dirname "$dest")"
    if [ -d "$src" ]; then
        mkdir -p "$stage$dest"
        cp -a "$src/." "$stage$dest/"
    else
        cp -a "$src" "$stage$dest"
    fi
done

# Fixed mtimes everywhere (symlinks themselves too), then a sorted, owner-normalised archive.
find "$stage" -exec touch -h -d "@$epoch" {} +
mkdir -p "$(dirname "$out")"
tmpout="$out.tmp.$$"
(
    cd "$stage"
    find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort \
        | cpio --quiet -o -H newc -R 0:0 --reproducible
) | gzip -n -9 > "$tmpout"
mv "$tmpout" "$out"
