#!/bin/sh
# `make bench`: side-by-side benchmarks, each figure printed beside its
# anchor measured in the same run on the same machine.
#
# household import: a synthetic register of BENCH_ROWS (default 1000000)
# rows, imported with every check into a database holding the 2023 plan,
# against sqlite3's own `.import` of the same file into a plain table (no
# checks, no indexes). Aim: at least 0.7 of the bare rate. Peak memory is
# measured at 100,000 rows and at BENCH_ROWS rows: it should not grow with
# the file.
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
	/usr/bin/time -f "%e %M" -o t.out "$@" >/dev/null 2>err.out || {
		cat err.out >&2
		exit 1
	}
	cat t.out
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

echo "== household import (every row checked) vs sqlite3 .import (plain table)"
for n in 100000 "$ROWS"; do
	"$C" --db base.db demo generate --households "$n" --seed 1 -o "reg-$n.csv" >/dev/null
	cp base.db run.db
	set -- $(measure "$C" --db run.db household import "reg-$n.csv")
	ch_s=$1 ch_kb=$2
	rm -f bare.db
	set -- $(measure sqlite3 bare.db -cmd '.mode csv' ".import reg-$n.csv t")
	sq_s=$1
	ch_rate=$(rate "$n" "$ch_s")
	sq_rate=$(rate "$n" "$sq_s")
	ratio=$(awk -v a="$ch_rate" -v b="$sq_rate" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '%8d rows: cleanheat %8d rows/s (%5.2f s, peak %6.1f MiB) | sqlite3 .import %8d rows/s (%5.2f s) | ratio %s (aim >= 0.70)\n' \
		"$n" "$ch_rate" "$ch_s" "$(awk -v k="$ch_kb" 'BEGIN { print k / 1024 }')" \
		"$sq_rate" "$sq_s" "$ratio"
	rm -f "reg-$n.csv" run.db* bare.db*
done
echo "peak memory should be the same at both sizes (the reader and the import keep no rows)"
