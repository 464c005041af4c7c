#!/bin/sh
# The household search and list benchmark of `make bench`: each kind of
# search, and pages of the list near and far, answered by `cleanheat serve`
# over HTTP, beside anchors measured in the same run on the same database.
#
# usage: bench/search.sh CLEANHEAT [DB]
#
# DB is a database with a register (bench/run.sh passes the one it built for
# the dispatch benchmark); without it this script builds one of BENCH_HH
# households (default 1,000,000). The search texts are taken from the
# register itself, from the household in its middle: the first two and
# first three characters of its name, the last six digits of its ID
# number, its phone whole and its first seven digits, the end of its
# address (the house number), its 户编号 whole and without its last three
# characters. Each is asked as the register page asks it (a page of 51,
# GET /api/households/search) with curl, best of BENCH_SEARCH_RUNS (default
# 5), and printed with the number of households found. Then the list: the
# first page, the page at offset 99,950, and the same page asked with
# `after` (the household before it). The anchors: the same server's answer
# for one household by county and 户编号 (GET /api/households/show, an
# indexed lookup through the same stack), and the search as it was before
# the search index, sqlite3 running its instr() over the same columns of
# the same table. Aim: every search and every page under 100 ms.
set -eu
C=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(pwd)
RUNS=${BENCH_SEARCH_RUNS:-5}

W=$(mktemp -d)
SPID=
stop_server() {
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null || true
		wait "$SPID" 2>/dev/null || true
	fi
	SPID=
}
trap 'stop_server; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

if [ $# -ge 2 ]; then
	DB=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
else
	HH=${BENCH_HH:-1000000}
	DB=$W/search.db
	echo "  building a database of $HH households"
	"$C" --db "$DB" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 \
		>/dev/null
	"$C" --db "$DB" demo generate --households "$HH" --seed 2 -o "$W/reg.csv" >/dev/null
	"$C" --db "$DB" household import "$W/reg.csv" >/dev/null
	rm -f "$W/reg.csv"
fi
N=$(sqlite3 "$DB" "SELECT count(*) FROM household")

# the household in the middle of the register, and what to look for
set -- $(sqlite3 -separator ' ' "$DB" "SELECT r.code, h.hh_no, h.id_number,
	coalesce(h.phone, '-') FROM household h JOIN region r ON r.id = h.county_id
	ORDER BY h.id LIMIT 1 OFFSET $((N / 2))")
CODE=$1 HHNO=$2 ID=$3 PHONE=$4
set -- $(sqlite3 -separator ' ' "$DB" "SELECT substr(head_name, 1, 1), substr(id_number, -6),
	replace(address, ' ', '_') FROM household WHERE hh_no = '$HHNO'
	AND county_id = (SELECT id FROM region WHERE code = '$CODE')")
NAME1=$1 ID6=$2 ADDR=$3
# names of two and of three characters (before a demo name's （样例）), from the middle
name_of() {
	sqlite3 "$DB" "SELECT substr(head_name, 1, $1) FROM household WHERE id >= $((N / 2))
		AND (length(head_name) = $1 OR substr(head_name, $1 + 1, 1) = '(') LIMIT 1"
}
NAME2=$(name_of 2)
NAME3=$(name_of 3)
PHONE7=$(printf '%s' "$PHONE" | cut -c1-7)
ADDR_END=$(printf '%s' "$ADDR" | sed 's/.*_//')    # the house number: 56157号
HHNO_START=$(printf '%s' "$HHNO" | sed 's/...$//')

# an auditor: reads the whole prefecture, signs in with a password alone
# (a prefecture administrator's session may only enrol a second factor
# until it has one, docs/auth.md)
"$C" --db "$DB" user add benchsearch --role auditor >/dev/null 2>&1 || true
echo benchsearch-password-1 | "$C" --db "$DB" user passwd benchsearch >/dev/null
"$C" --db "$DB" serve --listen 127.0.0.1:0 2>"$W/serve.log" &
SPID=$!
port=
for i in $(seq 1 100); do
	port=$(sed -n 's|.*serving .* on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$W/serve.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$W/serve.log" >&2; exit 1; }
B=http://127.0.0.1:$port
curl -s -c "$W/jar" -H 'Content-Type: application/json' \
	-d '{"user":"benchsearch","password":"benchsearch-password-1"}' "$B/api/session" >/dev/null

# best time in ms of GET PATH (already URL-encoded) over RUNS tries; the
# answer of the last one is left in $W/body
best_ms() {
	best=999999
	for i in $(seq 1 "$RUNS"); do
		t=$(curl -s -b "$W/jar" -o "$W/body" -w '%{http_code} %{time_total}' "$B$1")
		case $t in 200\ *) ;; *) echo "  $1: HTTP ${t%% *}" >&2; cat "$W/body" >&2; exit 1 ;; esac
		t=$(echo "${t#* }" | awk '{ printf "%.0f", $1 * 1000 }')
		[ "$t" -lt "$best" ] && best=$t
	done
	echo "$best"
}
enc() { printf '%s' "$1" | jq -sRr @uri; }
rows() { jq '[.. | objects | select(has("rows")) | .rows | length] | add // 0' "$W/body"; }

anchor=$(best_ms "/api/households/show?county=$CODE&household=$(enc "$HHNO")")
sq=$(printf '%s\n' ".timer on" "SELECT count(*) FROM household WHERE instr(head_name, '$NAME3')
	OR instr(hh_no, '$NAME3') OR instr(id_number, '$NAME3') OR instr(coalesce(phone, ''), '$NAME3')
	OR instr(coalesce(address, ''), '$NAME3');" |
	sqlite3 "$DB" | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | tail -n 1)
sq=$(awk -v s="$sq" 'BEGIN { printf "%.0f", s * 1000 }')
echo "== household search over HTTP at $N households (a page of 51, best of $RUNS; aim < 100 ms)"
printf '  anchors: one household by 户编号 (show) %d ms | the old instr() scan of the same columns (sqlite3) %d ms\n' \
	"$anchor" "$sq"
search() {
	t=$(best_ms "/api/households/search?text=$(enc "$2")&limit=51")
	printf '  %-22s %4d ms  %4.1fx the lookup  %5.3f of the scan  %2d found  (%s)\n' "$1" "$t" \
		"$(awk -v a="$t" -v b="$anchor" 'BEGIN { print (b > 0 ? a / b : 0) }')" \
		"$(awk -v a="$t" -v b="$sq" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$(rows)" "$2"
}
search "name, 2 characters" "$NAME2"
search "name, 3 characters" "$NAME3"
search "ID number, last 6" "$ID6"
search "ID number, whole" "$ID"
search "phone, whole" "$PHONE"
search "phone, first 7" "$PHONE7"
search "address, house no." "$ADDR_END"
search "hh_no, whole" "$HHNO"
search "hh_no, beginning" "$HHNO_START"
search "surname (1 character)" "$NAME1"

echo "== household list over HTTP at $N households (a page of 51, best of $RUNS; aim < 100 ms)"
t0=$(best_ms "/api/households?limit=51")
t1=$(best_ms "/api/households?limit=51&offset=99950")
# the household before that page, for `after`
prev=$(curl -s -b "$W/jar" "$B/api/households?limit=1&offset=99949" |
	jq -r '[.. | objects | select(has("rows")) | .rows[0]] | .[0] | "\(.county)/\(.hh_no)"')
t2=$(best_ms "/api/households?limit=51&after=$(enc "$prev")")
printf '  first page %d ms | offset 99,950 %d ms | the same page with after=%s %d ms\n' \
	"$t0" "$t1" "$prev" "$t2"
stop_server
