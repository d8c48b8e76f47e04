#!/usr/bin/env bash
# Runs every libFuzzer target of Fuzz/ for SECONDS each, JOBS at a time, from the seeds that
# scripts/fuzz-corpus.sh gathers plus the corpus earlier runs grew (Fuzz/.build/corpus, not
# committed). Exits non-zero when any target found a crash, a hang (an input running past
# FUZZ_TIMEOUT seconds) or a memory blow-up; the input is left in Fuzz/crashes/ and the log in
# Fuzz/.build/logs/. Prints one line per target: executions, exec/s, coverage (cov/ft).
# Usage: [FUZZ_TARGETS="FuzzTOML ..."] scripts/fuzz.sh SECONDS [JOBS]   (build first: make fuzz-build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1
jobs=${2:-2}
timeout=${FUZZ_TIMEOUT:-25}
bin=Fuzz/.build/debug
targets=${FUZZ_TARGETS:-"FuzzTOML FuzzJSON FuzzDescription FuzzTables FuzzELF FuzzSysfs"}
scripts/fuzz-corpus.sh Fuzz/.build/seeds "${FUZZ_ELF:-Firmware/build/firmware.elf}" >/dev/null
mkdir -p Fuzz/crashes Fuzz/.build/logs
export SWIFT_BACKTRACE=enable=no

run() {
  local t=$1 log=Fuzz/.build/logs/$1.log
  mkdir -p "Fuzz/.build/corpus/$t"
  # Leak detection is off: the Swift runtime's caches read as leaks; memory errors still count.
  "$bin/$t" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -detect_leaks=0 \
    -print_final_stats=1 -artifact_prefix="Fuzz/crashes/$t-" \
    "Fuzz/.build/corpus/$t" "Fuzz/.build/seeds/$t" >"$log" 2>&1
}
export -f run
export seconds timeout bin

status=0
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'run {}' || status=$?
for t in $targets; do
  log=Fuzz/.build/logs/$t.log
  grep -q "INFO: Loaded 1 modules" "$log" || { echo "$t: no coverage instrumentation (see $log)"; status=1; }
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/.*exec\/s: \([0-9]*\).*/\1/p' "$log" | tail -1)
  cov=$( (grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" || true) | tail -1)
  crash=$(grep -m1 -oE "(ERROR: (libFuzzer|AddressSanitizer): [a-z-]+|==[0-9]+== ERROR: [A-Za-z]+: [a-z-]+|Fatal error: .*)" "$log" || true)
  echo "$t: ${execs:-?} executions, ${rate:-?} exec/s, ${cov:-no coverage line}${crash:+, FAILED: $crash (input in Fuzz/crashes/)}"
done
exit $status
