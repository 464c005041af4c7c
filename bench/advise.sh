#!/bin/sh
# `advise` for a whole prefecture: BENCH_ADVISE households (default
# 1,000,000) surveyed in 7,000 villages (7 counties × 100 townships × 10
# villages, a third with a gas main, every village two transformers), the
# technology advice of every household computed and written per village
# (`--by village`, CSV) and per county, each with its time and peak
# memory; and one county's table of every household (a report keeps its
# rows past 4 MiB in a temporary file and writes its CSV as it goes;
# before, the table was built in memory, 508 MiB for this county, and so
# is measured at a county's size), then the same table as XLSX, whose peak
# is printed beside the CSV's (a large workbook is written a row at a time). Beside it, as the scale of "instant", the
# dispatch report over DB when given (bench/run.sh passes its progress
# database). Runs alone too: sh bench/advise.sh ./cleanheat [DB]
#
# The survey rows are written by sqlite3 straight into survey_household
# (the importer's own speed is not what this measures).
set -eu
C=$(cd "$(dirname "${1:-./cleanheat}")" && pwd)/$(basename "${1:-./cleanheat}")
EVDB=${2:-}
N=${BENCH_ADVISE:-1000000}
# bench/cmdtime times the dispatch (make bench-bin builds it)
make -s --no-print-directory MODE=release bench-bin
CMDTIME=$(pwd)/build/release/bench/cmdtime
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

echo "== advise: $N surveyed households, 7,000 villages"
awk 'BEGIN {
	split("昌吉市 阜康市 呼图壁县 玛纳斯县 奇台县 吉木萨尔县 木垒县", c, " ")
	print "县市,乡镇,村"
	for (i = 1; i <= 7; i++) for (t = 1; t <= 100; t++) for (v = 1; v <= 10; v++)
		printf "%s,测镇%03d,测村%03d-%02d\n", c[i], t, t, v
}' >regions.csv
"$C" --db a.db region import regions.csv >/dev/null
sqlite3 a.db >/dev/null <<SQL
PRAGMA journal_mode = WAL;
CREATE TEMP TABLE v AS SELECT r.id AS village_id, t.id AS township_id, t.parent_id AS county_id,
	row_number() OVER (ORDER BY r.id) - 1 AS k
	FROM region r JOIN region t ON t.id = r.parent_id WHERE r.level = 4 AND r.name LIKE '测村%';
INSERT INTO village_infra(village_id, county_id, gas_main, gas_distance_m, heat_network_m, updated_at)
	SELECT village_id, county_id, k % 3 = 0, 800, CASE WHEN k % 50 = 0 THEN 500 END, '2023-01-01' FROM v;
INSERT INTO transformer(village_id, name, rated_kva, peak_kva)
	SELECT village_id, 'T1', 400, 150 + k % 200 FROM v UNION ALL
	SELECT village_id, 'T2', 200, 80 FROM v;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $N)
INSERT INTO survey_household(county_id, township_id, village_id, hh_no, heating, coal_kg,
	area_centi, structure, year_built, wall_insulated, window_efficient, planned_measures,
	occupants, consent, updated_at)
	SELECT v.county_id, v.township_id, v.village_id, printf('B%07d', i), 'coal_stove',
		8000 + i % 3000, 6000 + (i % 9000), CASE i % 4 WHEN 0 THEN 'tu' WHEN 1 THEN 'zhuanmu'
		WHEN 2 THEN 'zhuanhun' ELSE 'kuangjia' END, 1980 + i % 40, i % 5 = 0, i % 3 = 0,
		CASE WHEN i % 2 = 0 THEN 'wall+window' END, 3, 1, '2023-01-01'
	FROM n JOIN v ON v.k = i % 7000;
SQL
set -- $(/usr/bin/time -f "%e %M" -o t.out "$C" --db a.db advise --by village --format csv -o advice.csv >/dev/null 2>err.out && cat t.out || { cat err.out >&2; exit 1; })
rows=$(($(grep -c . advice.csv) - 1))
printf '  advise --by village (CSV, %d villages): %.2f s, peak %.1f MiB\n' "$rows" "$1" \
	"$(awk -v k="$2" 'BEGIN { print k / 1024 }')"
set -- $(/usr/bin/time -f "%e %M" -o t.out "$C" --db a.db advise --by county >/dev/null 2>err.out && cat t.out || { cat err.out >&2; exit 1; })
printf '  advise --by county (the mix only):       %.2f s, peak %.1f MiB\n' "$1" \
	"$(awk -v k="$2" 'BEGIN { print k / 1024 }')"
hh=$(sqlite3 a.db "SELECT count(*) FROM survey_household s JOIN region r ON r.id = s.county_id WHERE r.name = '木垒哈萨克自治县'")
set -- $(/usr/bin/time -f "%e %M" -o t.out "$C" --db a.db advise --county 木垒县 --format csv -o hh.csv >/dev/null 2>err.out && cat t.out || { cat err.out >&2; exit 1; })
printf '  advise --county 木垒县, every household (CSV, %d households): %.2f s, peak %.1f MiB\n' "$hh" "$1" \
	"$(awk -v k="$2" 'BEGIN { print k / 1024 }')"
csv_kib=$2
set -- $(/usr/bin/time -f "%e %M" -o t.out "$C" --db a.db advise --county 木垒县 --format xlsx -o hh.xlsx >/dev/null 2>err.out && cat t.out || { cat err.out >&2; exit 1; })
printf '  the same as XLSX (written a row at a time): %.2f s, peak %.1f MiB, %.2f of the CSV'"'"'s peak\n' "$1" \
	"$(awk -v k="$2" 'BEGIN { print k / 1024 }')" "$(awk -v x="$2" -v c="$csv_kib" 'BEGIN { print x / c }')"
if [ -n "$EVDB" ]; then
	set -- $("$CMDTIME" -n 5 "$C" --db "$EVDB" report dispatch --year 2023 --as-of 2023-07-16 \
		--format csv)
	printf '  beside: report dispatch (best of 5): %s ms\n' "$2"
fi
