#!/bin/sh
# run-smoke.sh — boots a firmware image under QEMU q35 (TCG) with no kernel and checks COM1.
#
# usage: Firmware/run-smoke.sh IMAGE power-off|halt EXPECTED-LINE... [-- EXTRA QEMU ARGS...]
#   power-off   the firmware must turn the VM off itself (ACPI S5)
#   halt        the firmware must stop and stay stopped (QEMU still running after TIMEOUT)
#   EXPECTED-LINE  each must begin some line of the serial output (a grep basic regex)
# QEMU and TIMEOUT (seconds, default 30) may be set.
#
# "QEMU exited" alone is not enough for power-off: with -no-reboot a triple fault also ends
# QEMU with status 0, so the script starts QEMU paused with QMP on stdin/stdout, resumes it,
# and requires the SHUTDOWN event's reason to be "guest-shutdown" (ACPI S5), not "guest-reset".
# Exit 1 when a check fails, 2 on bad usage, a missing QEMU or a missing image.

set -u
[ $# -ge 2 ] || { echo "usage: run-smoke.sh IMAGE power-off|halt EXPECTED-LINE... [-- QEMU ARGS]" >&2; exit 2; }
image=$1
ending=$2
shift 2
case $ending in power-off|halt) ;; *) echo "run-smoke: '$ending' is not power-off or halt" >&2; exit 2 ;; esac
expected_file=$(mktemp)
while [ $# -gt 0 ] && [ "$1" != "--" ]; do printf '%s\n' "$1" >>"$expected_file"; shift; done
if [ $# -gt 0 ]; then shift; fi
qemu=${QEMU:-qemu-system-x86_64}
limit=${TIMEOUT:-30}

command -v "$qemu" >/dev/null 2>&1 || { echo "run-smoke: $qemu not found (apt-get install qemu-system-x86)" >&2; exit 2; }
[ -f "$image" ] || { echo "run-smoke: no image $image (make firmware)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$expected_file"' EXIT INT TERM

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

if [ "$ending" = halt ]; then
  [ $status -eq 124 ] || fail "QEMU ended (status $status) instead of staying halted"
else
  case $status in
    0) grep -q '"event": *"SHUTDOWN".*"reason": *"guest-shutdown"' "$scratch/qmp" ||
         fail "no guest-initiated power-off (QMP: $(grep -o '"reason": *"[a-z-]*"' "$scratch/qmp" || echo none))" ;;
    124) fail "QEMU still running after ${limit}s: the firmware did not power off" ;;
    *) fail "QEMU exited with status $status"; cat "$scratch/stderr" ;;
  esac
fi

while IFS= read -r expected; do
  grep -q "^$expected" "$scratch/serial" || fail "missing line: $expected"
done <"$expected_file"

if [ $failed -eq 0 ]; then echo "PASS: firmware smoke test"; fi
exit $failed
