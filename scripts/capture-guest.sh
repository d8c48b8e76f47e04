# capture-guest.sh: sourced by the capture scripts (capture-catalog.sh, capture-sysfs.sh).
# capture_guest_setup PREFIX INIT: checks that QEMU is 7.2 (ALLOW_QEMU_VERSION=1 to override),
# fetches Debian's kernel into $kcache, makes $out absolute, and prepares a scratch directory
# $work (removed on exit) holding vmlinuz and initrd.cpio.gz with INIT as /init. Sets
# kernel_version. Expects $qemu, $kcache, $out, $here and die() from the caller.
capture_guest_setup() {
    local prefix=$1 init=$2
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
    work=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    "$here/build-initramfs.sh" "$work/initrd.cpio.gz" "$init"
    ln -s "$kcache/vmlinuz" "$work/vmlinuz"
}
