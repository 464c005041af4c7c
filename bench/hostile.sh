#!/bin/sh
# Hostile import files (docs/limits.md): each is generated here, imported
# with `cleanheat household import`, and printed with its time, peak RSS
# and the start of the message, beside the anchor of a normal 1,000-row
# ledger imported in the same run. Aim: every one refused within seconds,
# in under 64 MB.
#
# usage: sh bench/hostile.sh ./cleanheat        (from the repository root;
# also run by bench/run.sh). HOSTILE_SCALE=4 (default 1) makes the
# uncompressed sizes four times larger where the reader should stop early
# anyway.
set -eu
C=$(cd "$(dirname "${1:-./cleanheat}")" && pwd)/$(basename "${1:-./cleanheat}")
ROOT=$(pwd)
S=${HOSTILE_SCALE:-1}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$ROOT/tests/cli/hostile_lib.sh"
cd "$W"

SH="<worksheet xmlns=\"$HOSTILE_NS_MAIN\"><sheetData>"
MB=1048576

# one NAME FILE: imports FILE into a fresh database; prints the figures
one() {
	rm -f h.db*
	size=$(wc -c <"$2")
	/usr/bin/time -f "%e %M" -o t.out "$C" --db h.db household import "$2" >/dev/null 2>err.out &&
		rc=0 || rc=$?
	set -- "$1" "$size" $(tail -1 t.out) "$rc"
	msg=$(head -n 1 err.out | sed 's/^cleanheat: //')
	printf '%-34s %10s B  %7.2f s  %6.1f MiB  exit %s  %s\n' "$1" "$2" "$3" \
		"$(awk -v k="$4" 'BEGIN { print k / 1024 }')" "$5" "$msg"
	[ "$(awk -v k="$4" 'BEGIN { print (k > 65536) }')" = 0 ] || echo "    ^ above the 64 MB aim"
}

echo "== hostile files: household import refuses each (aim: seconds, under 64 MB)"
"$C" --db gen.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
"$C" --db gen.db demo generate --households 1000 --seed 1 -o normal.csv >/dev/null
one "anchor: normal ledger, 1,000 rows" normal.csv

{
	echo "$HOSTILE_HEADER"
	hostile_repeat 'a,' $((50 * MB * S))
	echo
} >f.csv
one "csv: one line of a, (50 MB)" f.csv
{
	echo "$HOSTILE_HEADER"
	printf '昌吉市,"'
	hostile_repeat 'abcdefgh' $((50 * MB * S))
	printf '"\n'
} >f.csv
one "csv: one field (50 MB)" f.csv
{
	echo "$HOSTILE_HEADER"
	printf '昌吉市,大西渠镇,,H2,"李四\n'
	hostile_repeat 'x,' $((300 * MB * S))
} >f.csv
one "csv: unclosed quote + 300 MB" f.csv
{
	echo "$HOSTILE_HEADER"
	printf '昌吉市,大西渠镇,,H8,赵六,652301198001010035,13800000008,'
	hostile_repeat '址' $((20 * MB * S))
	printf ',100,空气源热泵,2023,\n'
} >f.csv
one "csv: an address of 20 MiB" f.csv
rm -f f.csv

hostile_xlsx f.xlsx "printf '%s<!--' '$SH'; hostile_repeat a $((32 * MB * S)); printf -- '--></sheetData></worksheet>'"
one "xlsx: one comment (32 MiB)" f.xlsx
hostile_xlsx f.xlsx "printf '%s<row r=\"1\"><c r=\"A1\" x=\"' '$SH'; hostile_repeat b $((1024 * MB * S)); printf '\"/></row></sheetData></worksheet>'"
one "xlsx: one attribute value (1 GiB)" f.xlsx
hostile_xlsx f.xlsx "printf '%s' '$SH'; hostile_repeat '<row/>' $((4096 * MB * S)); printf '</sheetData></worksheet>'"
one "xlsx: empty rows (4 GiB inflated)" f.xlsx
hostile_xlsx f.xlsx "printf '%s' '$SH'; hostile_repeat '                ' $((4096 * MB * S)); printf '</sheetData></worksheet>'"
one "xlsx: blanks (4 GiB inflated)" f.xlsx
hostile_xlsx f.xlsx "printf '%s</sheetData></worksheet>' '$SH'" "printf '<sst xmlns=\"$HOSTILE_NS_MAIN\">'; hostile_repeat '<si><t/></si>' $((500 * MB * S)); printf '</sst>'"
one "xlsx: empty shared strings (500 MiB)" f.xlsx
# the most strings the shared strings may hold: 8,388,608 (the count
# limit), 14 bytes each (117 MB of text, under the 512 MiB text limit;
# past 4 MiB in a temporary file); read, then refused for having no header
hostile_xlsx f.xlsx "printf '%s</sheetData></worksheet>' '$SH'" "printf '<sst xmlns=\"$HOSTILE_NS_MAIN\">'; awk 'BEGIN { for (i = 0; i < 8388608; i++) printf \"<si><t>%014d</t></si>\", i }'; printf '</sst>'"
one "xlsx: shared strings held at the caps" f.xlsx
rm -f f.xlsx
echo "every hostile file should exit 1 within seconds, peak near the anchor's and under 64 MiB"
