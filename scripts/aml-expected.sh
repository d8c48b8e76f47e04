#!/usr/bin/env bash
# Fills in the expected AML of the encoder tests from iasl, so the tests compare our bytes with
# iasl's and still run where iasl is not installed.
#
# Usage: scripts/aml-expected.sh [TEST_FILE...]   (default: Tests/ACPITests/AML*.swift)
#
# Every `asl: #"SNIPPET"#, hex: "..."` in a test file is rewritten in place: SNIPPET is wrapped in
#     DefinitionBlock ("", "SSDT", 2, "GSTFW", "TEST", 1) { SNIPPET }
# compiled with `iasl -on` (named references kept as written, as our encoder keeps them; integer
# optimisation stays on, as it is iasl's default), the 36-byte table header is dropped, and the
# rest goes into hex: as lowercase hex. Two abbreviations keep long cases readable:
#   in SNIPPET, {{TEXT*N}} stands for TEXT repeated N times;
#   in hex:, a space-separated token `xx*N` stands for byte xx repeated N times (runs of 16 or more
#   are written so), and spaces are otherwise ignored.
# The test helper (Tests/ACPITests/AMLTestSupport.swift) reads the same notation.
# Revision 2 matters: it makes integers 64-bit, so 0xFFFFFFFF stays a DWord (see Integer.swift).
# iasl warnings and remarks are shown; an iasl error stops the script and changes nothing.
set -euo pipefail

cd "$(dirname "$0")/.."
command -v iasl >/dev/null || { echo "aml-expected: iasl not found (apt-get install acpica-tools)" >&2; exit 2; }
[ $# -gt 0 ] || set -- Tests/ACPITests/AML*.swift

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for file in "$@"; do
    WORK="$work" perl -0777 -pe '
        use strict; use warnings;
        sub expand { my ($asl) = @_; $asl =~ s/\{\{(.*?)\*(\d+)\}\}/$1 x $2/ge; return $asl }
        sub compress {
            my @bytes = unpack("(A2)*", $_[0]); my @out; my $i = 0;
            while ($i < @bytes) {
                my $j = $i; $j++ while $j < @bytes && $bytes[$j] eq $bytes[$i];
                if ($j - $i >= 16) { push @out, " $bytes[$i]*" . ($j - $i) . " " } else { push @out, @bytes[$i .. $j - 1] }
                $i = $j;
            }
            my $hex = join("", @out); $hex =~ s/^ +| +$//g; $hex =~ s/  +/ /g; return $hex;
        }
        sub compile {
            my ($snippet) = @_; my $dir = $ENV{WORK};
            open(my $fh, ">", "$dir/t.asl") or die;
            print $fh "DefinitionBlock (\"\", \"SSDT\", 2, \"GSTFW\", \"TEST\", 1)\n{\n", expand($snippet), "\n}\n";
            close $fh; unlink "$dir/t.aml";
            my $log = `cd $dir && iasl -on -vs -p t t.asl 2>&1`;
            if ($? != 0 || ! -e "$dir/t.aml") { die "iasl failed on: $snippet\n$log" }
            my @notes = grep { /^(?:Warning|Remark)\s+\d+/ } split(/\n/, $log);
            print STDERR "note: $snippet\n", map("    $_\n", @notes) if @notes;
            open(my $in, "<:raw", "$dir/t.aml") or die; local $/; my $aml = <$in>; close $in;
            return compress(unpack("H*", substr($aml, 36)));
        }
        s/(asl:\s*#"(.*?)"#,\s*hex:\s*")[^"]*(")/$1 . compile($2) . $3/ges;
    ' "$file" >"$work/out.swift"
    if cmp -s "$file" "$work/out.swift"; then echo "$file: unchanged"; else cp "$work/out.swift" "$file"; echo "$file: updated"; fi
done
