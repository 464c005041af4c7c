#!/bin/sh
# One review result as the application grows. For each size in
# BENCH_REVIEW (default "3000 30000 300000" households in the register):
# the register imported with its year of steps, 昌吉市's commissioned
# households self-inspected and applied for review together (about a
# third of the register), the application assigned and sampled, and then
# three results recorded one at a time, as a reviewer records them.
# Each result prints its time and peak memory, the bytes of the seals its
# commit wrote and how much the database file grew; the last line gives
# the median result's time at each size against the smallest size's.
#
# Until schema 29 a review application was sealed whole, its canonical
# form holding every one of its households' review items, so that each
# result sealed the whole application again; from schema 29 an item is
# sealed on its own (core/seal.c, kind review_item) and a result seals
# its one item. The bytes of seals a result writes show which of the two
# a binary does (docs/performance.md, "A review result seals its one
# item").
#
# Runs alone too: sh bench/review.sh ./cleanheat
set -eu
C=$(cd "$(dirname "${1:-./cleanheat}")" && pwd)/$(basename "${1:-./cleanheat}")
ROOT=$(pwd)
SIZES=${BENCH_REVIEW:-3000 30000 300000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
cp "$ROOT/tests/fixtures/acceptance/photo.jpg" photo.jpg
"$C" --db plan.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null

# milliseconds and peak RSS (KiB) of a command, as "MS KIB", after sync
measure() {
	sync
	t0=$(date +%s%N)
	/usr/bin/time -f "%M" -o t.out "$@" >/dev/null 2>err.out || {
		cat err.out >&2
		exit 1
	}
	echo "$((($(date +%s%N) - t0) / 1000000)) $(cat t.out)"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

echo "== review results, one at a time, as the application grows (昌吉市)"
first=
for n in $SIZES; do
	rm -f r.db* reg.csv ev.csv insp.csv
	cp plan.db r.db
	"$C" --db r.db demo generate --households "$n" --seed 5 -o reg.csv >/dev/null
	"$C" --db r.db household import reg.csv >/dev/null
	"$C" --db r.db demo events --as-of 2023-12-31 --seed 5 -o ev.csv >/dev/null
	"$C" --db r.db event import ev.csv >/dev/null
	{
		echo "县市,户编号,结果,日期,自验人员,证明材料"
		sqlite3 r.db "SELECT '昌吉市,' || h.hh_no || ',合格,2023-12-31,张三,photo.jpg'
			FROM household h JOIN region r ON r.id = h.county_id
			WHERE r.name = '昌吉市' AND h.status = 'commissioned' ORDER BY h.id"
	} >insp.csv
	"$C" --db r.db inspect import insp.csv >/dev/null
	set -- $(measure "$C" --db r.db review apply --county 昌吉市 --date 2024-01-02 --all-passed)
	items=$(sqlite3 r.db "SELECT count(*) FROM review_item")
	app=$(sqlite3 r.db "SELECT number FROM review_application")
	printf '  %d households in the application (review apply %d ms, peak %s MiB)\n' \
		"$items" "$1" "$(mib "$2")"
	"$C" --db r.db user add rev1 --role reviewer >/dev/null
	"$C" --db r.db review assign "$app" --unit 第三方 --reviewer rev1 --seed 7 >/dev/null
	times=
	for hh in $(sqlite3 r.db "SELECT h.hh_no FROM review_item i
		JOIN household h ON h.id = i.household_id
		WHERE i.sample_round = 1 ORDER BY h.id LIMIT 3"); do
		size=$(stat -c %s r.db)
		set -- $(measure "$C" --db r.db --as rev1 review result "$app" "$hh" --result pass \
			--date 2024-01-05 --evidence photo.jpg)
		sealed=$(sqlite3 r.db "SELECT sum(length(fields)) FROM seal
			WHERE seq = (SELECT max(seq) FROM seal)")
		printf '    review result %s: %5d ms, peak %6s MiB, seals written %9d bytes, database +%9d bytes\n' \
			"$hh" "$1" "$(mib "$2")" "$sealed" "$(($(stat -c %s r.db) - size))"
		times="$times$1 $sealed
"
	done
	set -- $(printf '%s' "$times" | sort -n | sed -n 2p)
	[ -n "$first" ] || first="$items $1 $2"
	set -- "$1" "$2" $first
	printf '    median %d ms and %d bytes of seals at %d households | %d ms and %d bytes at %d: ratios %s and %s (a result that sealed only what it changed would stay near 1)\n' \
		"$1" "$2" "$items" "$4" "$5" "$3" \
		"$(awk -v a="$1" -v b="$4" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')" \
		"$(awk -v a="$2" -v b="$5" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')"
done
