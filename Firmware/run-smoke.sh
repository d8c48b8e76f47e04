#!/bin/sh
# run-smoke.sh — boots the firmware under QEMU q35 (TCG) and checks what it printed on COM1.
#
# usage: Firmware/run-smoke.sh [IMAGE] [-- EXTRA QEMU ARGS...]
#        IMAGE defaults to Firmware/build/firmware.bin; QEMU and TIMEOUT (seconds) may be set.
#
# Exit 0 only when every expected line appeared AND the guest powered the VM off itself.
# "QEMU exited" alone is not enough: with -no-reboot a triple fault also ends QEMU with status
# 0, so the script starts QEMU paused with QMP on stdin/stdout, resumes it, and requires the
# SHUTDOWN event's reason to be "guest-shutdown" (ACPI S5), not "guest-reset" (a crash).
# Exit 1 when a check fails, 2 when QEMU is missing or the image does not exist.

set -u
here=$(cd "$(dirname "$0")" && pwd)
image=$here/build/firmware.bin
if [ $# -gt 0 ] && [ "$1" != "--" ]; then image=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
qemu=${QEMU:-qemu-system-x86_64}
limit=${TIMEOUT:-30}

command -v "$qemu" >/dev/null 2>&1 || { echo "run-smoke: $qemu not found (apt-get install qemu-system-x86)" >&2; exit 2; }
[ -f "$image" ] || { echo "run-smoke: no image $image (make firmware)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM

# -S: stay paused until QMP is set up, so the SHUTDOWN event cannot be missed.
printf '{"execute":"qmp_capabilities"}\n{"execute":"cont"}\n' |
  timeout "$limit" "$qemu" -machine q35 -accel tcg -nodefaults -display none -no-reboot \
    -S -qmp stdio -serial "file:$scratch/serial" -bios "$image" "$@" >"$scratch/qmp" 2>"$scratch/stderr"
status=$?

echo "---- serial output ----"
cat "$scratch/serial"
echo "-----------------------"

failed=0
fail() { echo "FAIL: $*"; failed=1; }

case $status in
  0) ;;
  124) fail "QEMU still running after ${limit}s: the firmware did not power off" ;;
  *) fail "QEMU exited with status $status"; cat "$scratch/stderr" ;;
esac
if [ $status -ne 124 ]; then
  grep -q '"event": *"SHUTDOWN".*"reason": *"guest-shutdown"' "$scratch/qmp" ||
    fail "no guest-initiated power-off (QMP: $(grep -o '"reason": *"[a-z-]*"' "$scratch/qmp" || echo none))"
fi

# One expected line per milestone: serial output, ECAM ids, fw_cfg, e820.
for expected in \
  'guestfw firmware: hello' \
  'mch 00:00.0 8086:29c0' \
  'lpc 00:1f.0 8086:2918' \
  'fw_cfg: signature QEMU' \
  'fw_cfg: etc/e820 size' \
  'e820: 0x0000000000000000-0x[0-9a-f]* ram' \
  'guestfw firmware: power off'
do
  grep -q "^$expected" "$scratch/serial" || fail "missing line: $expected"
done

if [ $failed -eq 0 ]; then echo "PASS: firmware smoke test"; fi
exit $failed
