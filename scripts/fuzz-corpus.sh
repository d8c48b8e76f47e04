#!/usr/bin/env bash
# Gathers the fuzz targets' seed corpora into DIR/<target>/ from what the repository already
# holds: the examples in Tables/ (vm.toml, the same descriptions as JSON, plan.json and
# toolstack.json, the ACPI tables), the sysfs fixtures, the boot firmware ELF, and the few
# hand-written seeds committed in Fuzz/Corpus/<target>/. Nothing is copied into the tree.
# Usage: scripts/fuzz-corpus.sh DIR [FIRMWARE_ELF]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1
elf=${2:-Firmware/build/firmware.elf}
targets="FuzzTOML FuzzJSON FuzzDescription FuzzTables FuzzELF FuzzSysfs"
rm -rf "$out"
for t in $targets; do
  mkdir -p "$out/$t"
  if compgen -G "Fuzz/Corpus/$t/*" >/dev/null; then cp Fuzz/Corpus/$t/* "$out/$t/"; fi
done
for dir in Tables/*/; do
  name=$(basename "$dir")
  cp "$dir/vm.toml" "$out/FuzzTOML/$name.toml"
  # FuzzDescription reads its first byte as the format: even for TOML, odd for JSON.
  { printf 'T'; cat "$dir/vm.toml"; } > "$out/FuzzDescription/$name.toml"
  # The same description as JSON, where Python 3.11's tomllib is there to convert it.
  if python3 -c 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb")), indent=1))' \
    "$dir/vm.toml" > "$out/FuzzJSON/$name.vm.json" 2>/dev/null; then
    { printf 'J'; cat "$out/FuzzJSON/$name.vm.json"; } > "$out/FuzzDescription/$name.json"
  else
    rm -f "$out/FuzzJSON/$name.vm.json"
  fi
  for f in plan.json toolstack.json; do [ -f "$dir/$f" ] && cp "$dir/$f" "$out/FuzzJSON/$name.$f"; done
  for table in "$dir"/acpi/*; do
    case $table in *.dsl) continue;; esac
    cp "$table" "$out/FuzzTables/$name.$(basename "$table")"
  done
done
# The sysfs target reads the resource text, a NUL byte, then the config bytes.
for fn in Tests/VMConfigTests/Fixtures/sysfs/*/*/; do
  [ -f "$fn/resource" ] && [ -f "$fn/config" ] || continue
  { cat "$fn/resource"; printf '\0'; cat "$fn/config"; } > "$out/FuzzSysfs/$(basename "$fn" | tr : _)"
done
if [ -f "$elf" ]; then cp "$elf" "$out/FuzzELF/firmware.elf"; fi
for t in $targets; do echo "$t: $(ls "$out/$t" | wc -l) seeds, $(du -sk "$out/$t" | cut -f1) KiB"; done
