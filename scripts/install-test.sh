#!/bin/sh
# install-test.sh — checks a `make install` prefix as a user would meet it, away from the source tree.
#
# usage: scripts/install-test.sh STAGED_PREFIX "FILE..."
#   STAGED_PREFIX  where `make install DESTDIR=... PREFIX=...` put the files (it is moved away)
#   FILE...        every file install should have written, relative to the prefix (install.mk's list)
#
# The prefix is moved to a scratch directory outside the source tree and the installed guestfw is
# run from there with GUESTFW_BOOT_ELF unset, so the only boot code it can find is the installed
# share/guestfw/firmware.elf (BootCode.swift also walks up from the executable looking for a source
# tree's Firmware/build). It must build Firmware/smoke.toml's image, which boots under QEMU, applies
# the plan and powers off (Firmware/run-smoke.sh); without the installed boot code the same build
# must fail naming no path in the source tree. Then `man -l` renders the page and the completion
# scripts pass each available shell's syntax check.
# Exit 1 when a check fails, 2 on bad usage.

set -u
[ $# -eq 2 ] || { echo "usage: install-test.sh STAGED_PREFIX \"FILE...\"" >&2; exit 2; }
source_tree=$(cd "$(dirname "$0")/.." && pwd)
[ -d "$1" ] || { echo "install-test: no staged prefix $1" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
case $scratch in "$source_tree"/*) echo "install-test: scratch $scratch is inside the source tree" >&2; exit 2 ;; esac
prefix=$scratch/moved/prefix
mkdir -p "$scratch/moved" "$scratch/work"
mv "$1" "$prefix"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

for file in $2; do
  [ -s "$prefix/$file" ] || fail "install did not write $file"
done
[ -x "$prefix/bin/guestfw" ] || fail "bin/guestfw is not executable"

# Everything below runs in a directory outside the source tree, with no GUESTFW_BOOT_ELF.
cd "$scratch/work" || exit 1
guestfw() { env -u GUESTFW_BOOT_ELF "$prefix/bin/guestfw" "$@"; }

version=$(guestfw --version)
case $version in
  [0-9]*.[0-9]*.[0-9]*) pass "guestfw --version prints $version" ;;
  *) fail "guestfw --version printed '$version', not a version" ;;
esac

cp "$source_tree/Firmware/smoke.toml" vm.toml
if guestfw build vm.toml -o out >build.log 2>&1 && [ -s out/firmware.bin ]; then
  pass "the installed guestfw built out/firmware.bin from $scratch/work"
  TIMEOUT=${TIMEOUT:-30} "$source_tree/Firmware/run-smoke.sh" out/firmware.bin power-off \
    "guestfw firmware: plan applied" "guestfw firmware: no kernel" -- -m 128M >smoke.log 2>&1 &&
    pass "its image booted under QEMU, applied the plan and powered off" ||
    { cat smoke.log; fail "the installed guestfw's image did not boot"; }
else
  cat build.log; fail "the installed guestfw build failed"
fi

mark=$failures
# The proof that the image's boot code came from the installed share/guestfw/firmware.elf: without
# it the same build finds none, and none of the places it looked is in the source tree.
mv "$prefix/share/guestfw/firmware.elf" "$scratch/firmware.elf.aside"
guestfw build vm.toml -o out2 >missing.log 2>&1
status=$?
if [ $status -ne 1 ]; then fail "without the installed boot code the build exited $status, not 1"; cat missing.log; fi
grep -q "the boot code (firmware.elf) was not found; looked for $prefix/share/guestfw/firmware.elf" missing.log ||
  { cat missing.log; fail "the build did not say it looked for $prefix/share/guestfw/firmware.elf first"; }
if grep -q "$source_tree" missing.log; then cat missing.log; fail "the build looked in the source tree"; fi
[ -e out2 ] && fail "the failed build wrote out2"
[ $failures -eq $mark ] && pass "without share/guestfw/firmware.elf the build fails and names no source-tree path"
mv "$scratch/firmware.elf.aside" "$prefix/share/guestfw/firmware.elf"

mark=$failures
# man -l renders the installed page (man-db; --warnings passes groff's warnings on).
if MANPAGER=cat MANWIDTH=80 man --warnings -l "$prefix/share/man/man1/guestfw.1" >man.txt 2>man.err; then
  [ -s man.err ] && { cat man.err; fail "man -l warned"; }
  grep -q "^NAME" man.txt && grep -q "^SYNOPSIS" man.txt || fail "the rendered page lacks NAME or SYNOPSIS"
  # Every subcommand that `guestfw --help` lists has its entry in the page.
  commands=$(guestfw --help | sed -n '/^SUBCOMMANDS:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
  [ -n "$commands" ] || fail "guestfw --help lists no subcommands"
  for command in $commands; do
    grep -qE "^ {5}$command( |\$)" man.txt || fail "the rendered page has no entry for $command"
  done
  tail -n 1 man.txt | grep -q "guestfw $version" || fail "the page's footer does not name guestfw $version"
  [ $failures -eq $mark ] && pass "man -l renders share/man/man1/guestfw.1 ($(wc -l <man.txt) lines)"
else
  cat man.err; fail "man -l failed"
fi

# Each completion script through its shell's syntax check, where the shell is installed.
for shell in bash zsh fish; do
  case $shell in
    bash) file=share/bash-completion/completions/guestfw; check="bash -n" ;;
    zsh) file=share/zsh/site-functions/_guestfw; check="zsh -n" ;;
    fish) file=share/fish/vendor_completions.d/guestfw.fish; check="fish --no-execute" ;;
  esac
  if ! command -v $shell >/dev/null 2>&1; then echo "skipped: $shell is not installed; $file not checked"; continue; fi
  if $check "$prefix/$file" 2>syntax.err; then pass "$check $file"; else cat syntax.err; fail "$check $file"; fi
done

if [ $failures -eq 0 ]; then echo "PASS: install test"; exit 0; fi
echo "FAIL: install test ($failures checks failed)"
exit 1
