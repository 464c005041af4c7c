#!/bin/sh
# `make bench`: side-by-side benchmarks, each figure printed beside its
# anchor measured in the same run on the same machine.
#
# The household search and list (after the progress benchmarks, over their
# database) over HTTP, and the overview's first load in headless chromium
# over a register of the 2023 plan's size, each beside its anchor.
#
# household import: a synthetic register of BENCH_ROWS (default 1000000)
# rows, imported with every check into a database holding the 2023 plan,
# against sqlite3's own `.import` of the same file into a plain table (no
# checks, no indexes). Aim: at least 0.7 of the bare rate. Peak memory is
# measured at 100,000 rows and at BENCH_ROWS rows: it should not grow with
# the file. Beside the whole import, how long it held the write lock (other
# writers wait that long; CLEANHEAT_LOCK_TIME): the rows are read and
# checked before it takes the lock.
#
# Then hostile import files (bench/hostile.sh, docs/limits.md), event
# import and the dispatch, ledger postings, and the HTTP server beside
# nginx (bench/http.sh, which also runs alone).
set -eu
C=$(cd "$(dirname "${1:-./cleanheat}")" && pwd)/$(basename "${1:-./cleanheat}")
ROOT=$(pwd)
ROWS=${BENCH_ROWS:-1000000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

"$C" --db base.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null

# seconds and peak RSS (KiB) of a command, as "SECONDS KIB"
measure() {
	CLEANHEAT_LOCK_TIME=1 /usr/bin/time -f "%e %M" -o t.out "$@" >/dev/null 2>err.out || {
		cat err.out >&2
		exit 1
	}
	cat t.out
}
# the longest time the command measured last held the write lock, in seconds
lock_s() { sed -n 's/.*lock held \([0-9.]*\) s (longest).*/\1/p' err.out; }

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

echo "== household import (every row checked) vs sqlite3 .import (plain table)"
for n in 100000 "$ROWS"; do
	"$C" --db base.db demo generate --households "$n" --seed 1 -o "reg-$n.csv" >/dev/null
	cp base.db run.db
	set -- $(measure "$C" --db run.db household import "reg-$n.csv")
	ch_s=$1 ch_kb=$2 ch_lock=$(lock_s)
	rm -f bare.db
	set -- $(measure sqlite3 bare.db -cmd '.mode csv' ".import reg-$n.csv t")
	sq_s=$1
	ch_rate=$(rate "$n" "$ch_s")
	sq_rate=$(rate "$n" "$sq_s")
	ratio=$(awk -v a="$ch_rate" -v b="$sq_rate" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '%8d rows: cleanheat %8d rows/s (%5.2f s, write lock held %s s, peak %6.1f MiB) | sqlite3 .import %8d rows/s (%5.2f s) | ratio %s (aim >= 0.70)\n' \
		"$n" "$ch_rate" "$ch_s" "$ch_lock" "$(awk -v k="$ch_kb" 'BEGIN { print k / 1024 }')" \
		"$sq_rate" "$sq_s" "$ratio"
	rm -f "reg-$n.csv" run.db* bare.db*
done
echo "peak memory should be the same at both sizes (the reader and the import keep no rows)"

# ---- hostile files ----
# bench/hostile.sh (also alone: sh bench/hostile.sh ./cleanheat): the
# hostile CSV and XLSX files of docs/limits.md, each refused within
# seconds and under 64 MB, beside a normal 1,000-row ledger.
(cd "$ROOT" && sh bench/hostile.sh "$C")

# ---- progress: event import and the dispatch report ----
# BENCH_HH households (default 1,000,000; BENCH_SCALE=10 multiplies it), a
# year of synthetic steps for them (about three each), a weekly batch of
# 100,000 of those steps, then report dispatch against sqlite3's GROUP BY
# over the events table (what a report without aggregates would do).
SCALE=${BENCH_SCALE:-1}
HH=$(( ${BENCH_HH:-1000000} * SCALE ))
ms() { date +%s%N | awk '{ printf "%.0f", $1 / 1000000 }'; }

echo "== event import and report dispatch ($HH households)"
"$C" --db base.db demo generate --households "$HH" --seed 2 -o reg.csv >/dev/null
cp base.db ev.db
"$C" --db ev.db household import reg.csv >/dev/null
"$C" --db ev.db demo events --as-of 2023-10-31 --seed 2 -o ev.csv >/dev/null
EVENTS=$(($(wc -l < ev.csv) - 1))
head -n 100001 ev.csv > week.csv
cp ev.db week.db
set -- $(measure "$C" --db week.db event import week.csv)
printf '  weekly batch of 100000 steps: %8d events/s (%5.2f s, write lock held %s s; aim >= 100000 events/s)\n' \
	"$(rate 100000 "$1")" "$1" "$(lock_s)"
rm -f week.db*
set -- $(measure "$C" --db ev.db event import ev.csv)
printf '  the year, %d steps:       %8d events/s (%5.2f s, write lock held %s s, peak %.1f MiB)\n' "$EVENTS" \
	"$(rate "$EVENTS" "$1")" "$1" "$(lock_s)" "$(awk -v k="$2" 'BEGIN { print k / 1024 }')"
best=999999
for i in 1 2 3 4 5; do
	t0=$(ms)
	"$C" --db ev.db report dispatch --year 2023 --as-of 2023-07-16 --format csv >/dev/null
	t=$(($(ms) - t0))
	[ "$t" -lt "$best" ] && best=$t
done
sq=$(printf '%s\n' ".timer on" "SELECT county_id, stage_no, count(*) FROM event WHERE plan_year = 2023 AND day <= '2023-07-16' AND superseded_by IS NULL GROUP BY county_id, stage_no;" |
	sqlite3 ev.db | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | tail -n 1)
printf '  report dispatch (whole command, best of 5): %d ms (aim < 50 ms) | sqlite3 GROUP BY over %d events: %.0f ms\n' \
	"$best" "$EVENTS" "$(awk -v s="$sq" 'BEGIN { print s * 1000 }')"

# one county below the dispatch (report county, 县市详情): the largest
# county's villages, computed from its households' events
CJ=$(sqlite3 ev.db "SELECT count(*) FROM household h JOIN region r ON r.id = h.county_id WHERE r.name = '昌吉市'")
best=999999
for i in 1 2 3; do
	t0=$(ms)
	"$C" --db ev.db report county --year 2023 --county 昌吉市 --as-of 2023-10-31 --by village --format csv >/dev/null
	t=$(($(ms) - t0))
	[ "$t" -lt "$best" ] && best=$t
done
printf '  report county 昌吉市 by village (%d households, best of 3): %d ms (aim < 1000 ms at the plan'"'"'s 13,561)\n' \
	"$CJ" "$best"

# ---- the HTTP server ----
# bench/http.sh over the same register and progress: `cleanheat serve`
# answering the dispatch (and a 304, and the health check) beside nginx
# serving the same bytes as a static file, both under wrk.
(cd "$ROOT" && sh bench/http.sh "$C" "$W/ev.db")

# ---- the household search and the list, over the same database ----
# bench/search.sh (which also runs alone: sh bench/search.sh ./cleanheat
# [DB]): each kind of search and pages of the list near and far, over HTTP,
# beside one household's lookup and the instr() scan the search replaced.
(cd "$ROOT" && sh bench/search.sh "$C" "$W/ev.db")

# ---- advise for a prefecture of a million surveyed households ----
# bench/advise.sh (also alone), beside the dispatch over the same ev.db.
(cd "$ROOT" && sh bench/advise.sh "$C" "$W/ev.db")
rm -f reg.csv ev.csv week.csv ev.db*

# ---- the overview's first load, at the 2023 plan's scale ----
# bench/overview.sh (also alone): 43,977 households with a year of steps,
# the overview in headless chromium (bench/web_bench.mjs).
(cd "$ROOT" && sh bench/overview.sh "$C")

# ---- ledger postings ----
# bench/ledger_bench, built here (make MODE=release bench-bin): transfers of
# two postings each through ch_ledger_transfer into a fresh database, one
# transaction per transfer (BENCH_LEDGER, default 20,000 transfers) and
# 1,000 transfers per transaction (BENCH_LEDGER_BATCHED, default 200,000),
# each beside a plain sqlite3 insert of the same rows into a table with no
# indexes, same batch, same pragmas (WAL, synchronous=NORMAL), same run.
echo "== ledger postings (durable: committed in WAL, synchronous=NORMAL)"
make -s --no-print-directory -C "$ROOT" MODE=release bench-bin
"$ROOT/build/release/bench/ledger_bench" ledger.db "${BENCH_LEDGER:-20000}" \
	"${BENCH_LEDGER_BATCHED:-200000}"
rm -f ledger.db*
