#!/bin/sh
# `make bench`: side-by-side benchmarks, each figure printed beside its
# anchor measured in the same run on the same machine.
#
# The household search and list (after the progress benchmarks, over their
# database) over HTTP, and the overview's first load in headless chromium
# over a register of the 2023 plan's size, each beside its anchor.
#
# household import: a synthetic register of 100,000 rows, of 1,000,000 and
# of BENCH_ROWS rows (default 1000000; 3000000 adds a third size), imported with every check into a database holding
# the 2023 plan, each beside two anchors measured in the same run on the
# same file: sqlite3's own `.import` into a table with the register's
# columns, its indexes (unique 户编号 per county, unique ID number, phone,
# address, township/village, the list order, the bank account) and its
# foreign keys to the places (what a user loading the file by hand into an
# equivalent table would pay; aim: cleanheat at least 1.0 of it), and
# `.import` into a bare table (no checks, no indexes). Both anchors use the
# pragmas the driver sets (WAL, synchronous=NORMAL, 64 MiB cache). At
# 100,000 rows the program and the anchors run three times in turns
# (BENCH_PAIRS sets how many at every size; one above 100,000 rows) and
# the line prints the pair whose ratio is the median, then every pair's
# times and ratio: one pair at a busy moment moves the ratio by a quarter.
# Each size is imported twice, in the generator's order and shuffled (aim:
# shuffled within 1.3x of sorted), and the cost per row is compared
# between the sizes (aim: flat).
# After each sorted import, a township's 1,000 new households go into the
# register just imported and into the anchor's table (a small import into
# a large register pays for its own rows, not the register's). At 100,000
# rows the register is then sent again as it is, and again with every row
# changed, and each re-import's time is printed beside the first import's.
# Peak memory is printed at each size: it should not grow with the file
# (aim: below the 64 MiB page cache plus 32 MiB). Beside the whole import,
# how long it held the write lock (other writers wait that long;
# CLEANHEAT_LOCK_TIME): the rows are read and checked before it takes the
# lock.
#
# Every timed step starts after `sync`, so that no step pays for the
# writes of the one before it (a copied database still being flushed).
# BENCH_ONLY=import,events,ledger,... runs only the named parts (import,
# hostile, events, http, search, advise, overview, review, ledger, pg).
#
# Then hostile import files (bench/hostile.sh, docs/limits.md), event
# import and the dispatch, ledger postings, and the HTTP server beside
# nginx (bench/http.sh, which also runs alone).
set -eu
C=$(cd "$(dirname "${1:-./cleanheat}")" && pwd)/$(basename "${1:-./cleanheat}")
ROOT=$(pwd)
ROWS=${BENCH_ROWS:-1000000}
# bench/ledger_bench and bench/cmdtime (a short command's wall time, best
# and median of runs, without the timer's own start in it)
make -s --no-print-directory -C "$ROOT" MODE=release bench-bin
CMDTIME=$ROOT/build/release/bench/cmdtime
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

"$C" --db base.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null

# seconds and peak RSS (KiB) of a command, as "SECONDS KIB"; the page
# cache is flushed first (sync), so the step pays only for its own writes
measure() {
	sync
	CLEANHEAT_LOCK_TIME=1 /usr/bin/time -f "%e %M" -o t.out "$@" >/dev/null 2>err.out || {
		cat err.out >&2
		exit 1
	}
	cat t.out
}
# the longest time the command measured last held the write lock, in seconds
lock_s() { sed -n 's/.*lock held \([0-9.]*\) s (longest).*/\1/p' err.out; }

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
want() { case ",${BENCH_ONLY:-all}," in *",all,"* | *",$1,"*) return 0 ;; esac; return 1; }

# the pragmas db_sqlite.c sets on every connection, for the anchors
PRAGMAS="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA foreign_keys=ON;"

# reg.db: an empty table with the register's columns (as the file names
# them), indexes and foreign keys, and the places of FILE as parent tables
# (from the bare import in bare.db, not timed; an empty 村 is a village of
# its own there, where the register stores NULL)
anchor_db() {
	rm -f reg.db*
	sqlite3 reg.db >/dev/null <<-EOF
		$PRAGMAS
		ATTACH 'bare.db' AS b;
		CREATE TABLE a_county(name TEXT PRIMARY KEY);
		CREATE TABLE a_township(county TEXT, name TEXT, PRIMARY KEY (county, name));
		CREATE TABLE a_village(county TEXT, township TEXT, name TEXT,
			PRIMARY KEY (county, township, name));
		INSERT INTO a_county SELECT DISTINCT 县市 FROM b.t;
		INSERT INTO a_township SELECT DISTINCT 县市, 乡镇 FROM b.t;
		INSERT INTO a_village SELECT DISTINCT 县市, 乡镇, 村 FROM b.t;
		CREATE TABLE reg(县市 TEXT NOT NULL REFERENCES a_county(name), 乡镇 TEXT NOT NULL, 村 TEXT,
			户编号 TEXT NOT NULL, 户主姓名 TEXT NOT NULL, 身份证号 TEXT NOT NULL, 联系电话 TEXT,
			地址 TEXT, 取暖面积, 房屋结构 TEXT, 原取暖方式 TEXT, 改造方式 TEXT NOT NULL,
			节能改造措施 TEXT, 节能改造面积, 年度 INTEGER NOT NULL, 批次 TEXT NOT NULL,
			施工单位 TEXT, 总投资, 收款账号 TEXT,
			FOREIGN KEY (县市, 乡镇) REFERENCES a_township(county, name),
			FOREIGN KEY (县市, 乡镇, 村) REFERENCES a_village(county, township, name),
			UNIQUE (县市, 户编号));
		CREATE UNIQUE INDEX reg_id ON reg(身份证号);
		CREATE INDEX reg_phone ON reg(联系电话);
		CREATE INDEX reg_address ON reg(县市, 地址);
		CREATE INDEX reg_township ON reg(乡镇, 村);
		CREATE INDEX reg_list ON reg(县市, 乡镇, 村, 户编号, 年度, 批次, 改造方式);
		CREATE INDEX reg_bank ON reg(收款账号);
	EOF
}

# FILE with its rows (not the header) in a fixed random order
shuffled() {
	head -n 1 "$1"
	tail -n +2 "$1" | awk 'BEGIN { srand(7) } { printf "%.9f\t%s\n", rand(), $0 }' |
		sort -t "$(printf '\t')" -k1,1 | cut -f 2-
}

# The header and first 1,000 rows of FILE, each row a new household: 户编号
# S-1 …, an ID number of its county born on 2003-01-01 (the generator's
# births end in 1999) with its check character, a phone and an address of
# its own, no bank account yet
small_file() {
	head -n 1 "$1"
	sed -n '2,1001p' "$1" | awk -F, -v OFS=, '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		id = sprintf("%s20030101%03d", substr($6, 1, 6), NR - 1)
		s = 0
		for (i = 1; i <= 17; i++) s += substr(id, i, 1) * w[i]
		$4 = "S-" NR
		$6 = id substr("10X98765432", s % 11 + 1, 1)
		$7 = sprintf("137%08d", NR)
		$8 = $8 "之二"
		$19 = ""
		print
	}'
}

if want import; then
	echo "== household import (every row checked) vs sqlite3 .import into the register's table (columns, indexes, foreign keys) and into a bare table"
	# 100,000 rows, 1,000,000 (or BENCH_ROWS if fewer) and BENCH_ROWS if more
	sizes=100000
	[ "$ROWS" -gt 100000 ] && sizes="$sizes $((ROWS < 1000000 ? ROWS : 1000000))"
	[ "$ROWS" -gt 1000000 ] && sizes="$sizes $ROWS"
	per_row_first=
	for n in $sizes; do
		PAIRS=${BENCH_PAIRS:-$((n > 100000 ? 1 : 3))}
		"$C" --db base.db demo generate --households "$n" --seed 1 -o "reg-$n.csv" >/dev/null
		shuffled "reg-$n.csv" >"shuf-$n.csv"
		for order in sorted shuffled; do
			f=reg-$n.csv
			[ "$order" = shuffled ] && f=shuf-$n.csv
			# the program and the anchors in turns, PAIRS times; the
			# line prints the pair whose ratio is the median, every
			# pair after it (the peak: the highest)
			chs= rgs= rts= by_ratio= ch_kb=0 p=0
			while [ "$p" -lt "$PAIRS" ]; do
				p=$((p + 1))
				cp base.db run.db
				set -- $(measure "$C" --db run.db household import "$f")
				chs="$chs $1" ch_lock=$(lock_s)
				[ "$2" -gt "$ch_kb" ] && ch_kb=$2
				rm -f bare.db*
				set -- $(measure sqlite3 bare.db -cmd "$PRAGMAS" -cmd '.mode csv' ".import $f t")
				sq_s=$1
				anchor_db
				set -- $(measure sqlite3 reg.db -cmd "$PRAGMAS" -cmd '.mode csv' ".import --skip 1 $f reg")
				rgs="$rgs $1"
				[ "$(sqlite3 reg.db 'SELECT count(*) FROM reg')" = "$n" ] || {
					echo "bench: the register anchor did not store $n rows" >&2
					exit 1
				}
				r=$(ratio "$1" "${chs##* }")
				rts="$rts $r"
				by_ratio="$by_ratio$r ${chs##* } $1 $sq_s ${ch_lock:-0}
"
			done
			# the median pair: its ratio, the program's, the anchors' seconds, the lock
			set -- $(printf '%s' "$by_ratio" | sort -n | sed -n "$(((PAIRS + 1) / 2))p")
			ch_s=$2 rg_s=$3 sq_s=$4 ch_lock=$5
			ch_rate=$(rate "$n" "$ch_s")
			printf '%8d rows %-8s: cleanheat %7d rows/s (%6.2f s, lock %s s, peak %6.1f MiB; aim < 96) | register table .import %7d rows/s (%6.2f s) ratio %s (aim >= 1.0) | bare .import %7d rows/s (%5.2f s) ratio %s\n' \
				"$n" "$order" "$ch_rate" "$ch_s" "$ch_lock" "$(mib "$ch_kb")" \
				"$(rate "$n" "$rg_s")" "$rg_s" "$1" \
				"$(rate "$n" "$sq_s")" "$sq_s" "$(ratio "$sq_s" "$ch_s")"
			[ "$PAIRS" -gt 1 ] &&
				printf '%8d rows %-8s: %d pairs in turns, cleanheat%s s, register table%s s, ratios%s\n' \
					"$n" "$order" "$PAIRS" "$chs" "$rgs" "$rts"
			printf '%8d rows %-8s: peak memory %6.1f MiB, aim < 96 MiB (the 64 MiB page cache + 32): %s\n' \
				"$n" "$order" "$(mib "$ch_kb")" "$(awk -v k="$ch_kb" 'BEGIN { print (k < 96 * 1024 ? "met" : "NOT met") }')"
			if [ "$order" = sorted ]; then
				# a township's 1,000 new households (the file's first
				# rows with 户编号 and ID numbers of their own) into the
				# register just imported, beside the same rows into the
				# anchor's (docs/performance.md, "A small import into a
				# large register")
				small_file "$f" >small.csv
				set -- $(measure "$C" --db run.db household import small.csv)
				sm_s=$1 sm_kb=$2
				set -- $(measure sqlite3 reg.db -cmd "$PRAGMAS" -cmd '.mode csv' ".import --skip 1 small.csv reg")
				[ "$(sqlite3 reg.db 'SELECT count(*) FROM reg')" = "$((n + 1000))" ] || {
					echo "bench: the register anchor did not store the 1,000 new rows" >&2
					exit 1
				}
				printf '%8d rows + 1000 new: cleanheat %6.2f s (peak %6.1f MiB; aim < 96) | register table .import %6.2f s ratio %s\n' \
					"$n" "$sm_s" "$(mib "$sm_kb")" "$1" "$(ratio "$1" "$sm_s")"
				rm -f small.csv
			fi
			if [ "$order" = sorted ] && [ "$n" = 100000 ]; then
				# the same file sent again as it is: every row a claim
				# that changes nothing (docs/performance.md, "A
				# register sent again")
				set -- $(measure "$C" --db run.db household import "$f")
				printf '%8d rows again    : cleanheat %7d rows/s (%6.2f s, lock %s s, peak %6.1f MiB) | the first import of the same rows %6.2f s: ratio %s\n' \
					"$n" "$(rate "$n" "$1")" "$1" "$(lock_s)" "$(mib "$2")" "$ch_s" "$(ratio "$1" "$ch_s")"
			fi
			if [ "$order" = sorted ]; then
				# the same register sent again with every phone and
				# 施工单位 changed, every row an update of a stored
				# household, beside the first import of the same rows
				# (docs/performance.md, "Updating a register"), at
				# every size: its peak is one of aim 5's ("The end of
				# a large update")
				awk -F, -v OFS=, 'NR > 1 { $7 = "139" substr($7, 4); $17 = $17 "B" } 1' "$f" >upd.csv
				set -- $(measure "$C" --db run.db household import upd.csv)
				printf '%8d rows updated : cleanheat %7d rows/s (%6.2f s, lock %s s, peak %6.1f MiB; aim < 96: %s) | the first import of the same rows %6.2f s: an update costs %s inserts\n' \
					"$n" "$(rate "$n" "$1")" "$1" "$(lock_s)" "$(mib "$2")" \
					"$(awk -v k="$2" 'BEGIN { print (k < 96 * 1024 ? "met" : "NOT met") }')" \
					"$ch_s" "$(ratio "$1" "$ch_s")"
				rm -f upd.csv
				# the utilities' readings of the same register by ID
				# number, five months of a fifth of its households: as
				# many rows as the register (docs/performance.md,
				# "Utility readings by ID number")
				awk -F, -v n="$n" 'BEGIN { print "身份证号,类别,月份,用量" }
					NR > 1 && NR <= n / 5 + 1 { for (m = 1; m <= 5; m++)
						printf "%s,电,2023-%02d,%d\n", $6, m, 300 + (NR + m) % 900 }' "$f" >use.csv
				set -- $(measure "$C" --db run.db usage import use.csv)
				printf '%8d readings    : cleanheat %7d rows/s (%6.2f s, peak %6.1f MiB; aim < 96: %s) by ID number\n' \
					"$n" "$(rate "$n" "$1")" "$1" "$(mib "$2")" \
					"$(awk -v k="$2" 'BEGIN { print (k < 96 * 1024 ? "met" : "NOT met") }')"
				rm -f use.csv
			fi
			if [ "$order" = sorted ]; then
				sorted_s=$ch_s sorted_kb=$ch_kb
			else
				printf '%8d rows: shuffled / sorted %s (aim <= 1.30)\n' "$n" "$(ratio "$ch_s" "$sorted_s")"
			fi
			rm -f run.db* bare.db* reg.db*
		done
		per_row=$(awk -v s="$sorted_s" -v n="$n" 'BEGIN { printf "%.3f", s * 1e6 / n }')
		if [ -z "$per_row_first" ]; then
			per_row_first=$per_row kb_first=$sorted_kb
		else
			printf '   cost per row (sorted): %s us at 100000, %s us at %d: ratio %s (aim <= 1.10, flat)\n' \
				"$per_row_first" "$per_row" "$n" "$(ratio "$per_row" "$per_row_first")"
			printf '   peak memory (sorted): %s MiB at 100000, %s MiB at %d: ratio %s (aim flat, each < 96)\n' \
				"$(mib "$kb_first")" "$(mib "$sorted_kb")" "$n" "$(ratio "$sorted_kb" "$kb_first")"
		fi
		rm -f "reg-$n.csv" "shuf-$n.csv"
	done
fi

# ---- hostile files ----
# bench/hostile.sh (also alone: sh bench/hostile.sh ./cleanheat): the
# hostile CSV and XLSX files of docs/limits.md, each refused within
# seconds and under 64 MB, beside a normal 1,000-row ledger.
want hostile && (cd "$ROOT" && sh bench/hostile.sh "$C")

# ---- progress: event import and the dispatch report ----
# BENCH_HH households (default 1,000,000), a year of synthetic steps for
# them (about three each), a weekly batch of 100,000 of those steps (aim:
# at least 200,000 events/s; three runs, the median printed) and the
# year's steps (the same aim), then
# report dispatch (aim: at most 10 ms for the whole command) beside the
# query it runs, timed alone in sqlite3, and sqlite3's GROUP BY over the
# events table (what a report without aggregates would do).
# BENCH_SCALE=10 then makes the register ten times as large by copying
# its households and their steps in SQL (new ids, 户编号 and ID numbers;
# the aggregates multiplied), which takes minutes where importing ten
# million rows would take an hour, and times the dispatch again.
SCALE=${BENCH_SCALE:-1}
HH=${BENCH_HH:-1000000}
ms() { date +%s%N | awk '{ printf "%.0f", $1 / 1000000 }'; }

# scale_up DB K: K copies of the register and its steps in all (see above;
# bench/scale_lite.sh, which bench/pg.sh uses too)
. "$ROOT/bench/scale_lite.sh"

if want events || want http || want search; then
echo "== event import and report dispatch ($HH households)"
"$C" --db base.db demo generate --households "$HH" --seed 2 -o reg.csv >/dev/null
cp base.db ev.db
"$C" --db ev.db household import reg.csv >/dev/null
"$C" --db ev.db demo events --as-of 2023-10-31 --seed 2 -o ev.csv >/dev/null
EVENTS=$(($(wc -l < ev.csv) - 1))
WEEK=$((EVENTS < 100000 ? EVENTS : 100000))
head -n $((WEEK + 1)) ev.csv > week.csv
# three runs, each into a fresh copy: the median run, then all three
runs= i=0
while [ "$i" -lt 3 ]; do
	i=$((i + 1))
	cp ev.db week.db
	set -- $(measure "$C" --db week.db event import week.csv)
	runs="$runs$1 $(lock_s)
"
	rm -f week.db*
done
set -- $(printf '%s' "$runs" | sort -n | sed -n 2p)
printf '  weekly batch of %d steps: %8d events/s (%5.2f s, write lock held %s s; aim >= 200000 events/s; the median of three runs:%s s)\n' \
	"$WEEK" "$(rate "$WEEK" "$1")" "$1" "$2" "$(printf '%s' "$runs" | awk '{ printf " %s", $1 }')"
set -- $(measure "$C" --db ev.db event import ev.csv)
printf '  the year, %d steps:       %8d events/s (%5.2f s, write lock held %s s, peak %.1f MiB; aim >= 200000 events/s)\n' "$EVENTS" \
	"$(rate "$EVENTS" "$1")" "$1" "$(lock_s)" "$(awk -v k="$2" 'BEGIN { print k / 1024 }')"

# report dispatch, best and median of 5 (bench/cmdtime), beside its query
# alone and the GROUP BY
dispatch_line() {
	set -- "$1" "$2" $("$CMDTIME" -n 5 -s "$C" --db ev.db report dispatch --year 2023 \
		--as-of 2023-07-16 --format csv)
	# the query core/dispatch.c runs (one pass: the day, the previous
	# period's end, the rate's start)
	q=$(printf '%s\n' ".timer on" "SELECT r.code, r.name, s.stage_no, s.n, s.es, s.area, s.n_prev, s.n_recent FROM (SELECT county_id, stage_no, sum(households) AS n, sum(es_households) AS es, sum(es_area_centi) AS area, sum(CASE WHEN day <= '2023-07-09' THEN households ELSE 0 END) AS n_prev, sum(CASE WHEN day <= '2023-06-18' THEN households ELSE 0 END) AS n_recent FROM progress_daily WHERE plan_year = 2023 AND day <= '2023-07-16' GROUP BY county_id, stage_no) s JOIN region r ON r.id = s.county_id ORDER BY s.county_id, s.stage_no;" |
		sqlite3 ev.db | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | tail -n 1)
	sq=$(printf '%s\n' ".timer on" "SELECT county_id, stage_no, count(*) FROM event WHERE plan_year = 2023 AND day <= '2023-07-16' AND superseded_by IS NULL GROUP BY county_id, stage_no;" |
		sqlite3 ev.db | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | tail -n 1)
	printf '  report dispatch at %d households (whole command of 5): best %s ms, median %s ms (aim <= 10 ms) | its query alone %.1f ms | sqlite3 GROUP BY over %d events: %.0f ms\n' \
		"$1" "$4" "$6" "$(awk -v s="$q" 'BEGIN { print s * 1000 }')" "$2" "$(awk -v s="$sq" 'BEGIN { print s * 1000 }')"
	# what any command pays before its own work: the program's start, and
	# the database opened with the plan read (docs/performance.md, where
	# the dispatch's time is)
	# and what starting any program costs on this machine at this moment
	set -- $("$CMDTIME" -n 5 -s "$C" --version) $("$CMDTIME" -n 5 -s "$C" --db ev.db plan show --year 2023) \
		$("$CMDTIME" -n 5 -s /bin/true)
	printf '    beside it, median of 5: cleanheat --version %s ms, plan show (the database opened, the plan read) %s ms, /bin/true %s ms\n' "$4" "${10}" "${16}"
}
dispatch_line "$HH" "$EVENTS"
if [ "$SCALE" -gt 1 ]; then
	t0=$(ms)
	scale_up ev.db "$SCALE"
	printf '  copied in SQL to %d households and %d steps in %d s\n' "$((HH * SCALE))" \
		"$((EVENTS * SCALE))" "$((($(ms) - t0) / 1000))"
	dispatch_line "$((HH * SCALE))" "$((EVENTS * SCALE))"
fi

# one county below the dispatch (report county, 县市详情): the largest
# county's villages, computed from its households' events
CJ=$(sqlite3 ev.db "SELECT count(*) FROM household h JOIN region r ON r.id = h.county_id WHERE r.name = '昌吉市'")
set -- $("$CMDTIME" -n 3 "$C" --db ev.db report county --year 2023 --county 昌吉市 \
	--as-of 2023-10-31 --by village --format csv)
printf '  report county 昌吉市 by village (%d households, best of 3): %s ms (aim < 1000 ms at the plan'"'"'s 13,561)\n' \
	"$CJ" "$2"

# ---- the HTTP server ----
# bench/http.sh over the same register and progress: `cleanheat serve`
# answering the dispatch (and a 304, and the health check) beside nginx
# serving the same bytes as a static file, both under wrk.
want http && (cd "$ROOT" && sh bench/http.sh "$C" "$W/ev.db")

# ---- the household search and the list, over the same database ----
# bench/search.sh (which also runs alone: sh bench/search.sh ./cleanheat
# [DB]): each kind of search and pages of the list near and far, over HTTP,
# beside one household's lookup and the instr() scan the search replaced.
want search && (cd "$ROOT" && sh bench/search.sh "$C" "$W/ev.db")

# ---- advise for a prefecture of a million surveyed households ----
# bench/advise.sh (also alone), beside the dispatch over the same ev.db.
want advise && (cd "$ROOT" && sh bench/advise.sh "$C" "$W/ev.db")
rm -f reg.csv ev.csv week.csv ev.db*
fi

# ---- the overview's first load, at the 2023 plan's scale ----
# bench/overview.sh (also alone): 43,977 households with a year of steps,
# the overview in headless chromium (bench/web_bench.mjs).
want overview && (cd "$ROOT" && sh bench/overview.sh "$C")

# ---- review results as the application grows ----
# bench/review.sh (also alone): one result recorded at a time into
# applications of about 1,000, 10,000 and 100,000 households, each with its
# time, peak, the seals its commit wrote and the database's growth.
want review && (cd "$ROOT" && sh bench/review.sh "$C")

# ---- ledger postings ----
# bench/ledger_bench (built at the top: make MODE=release bench-bin): transfers of
# two postings each through ch_ledger_transfer into a fresh database, one
# transaction per transfer (BENCH_LEDGER, default 20,000 transfers) and
# 1,000 transfers per transaction (BENCH_LEDGER_BATCHED, default 200,000),
# each beside a plain sqlite3 insert of the same rows into a table with no
# indexes, same batch, same pragmas (WAL, synchronous=NORMAL), same run;
# then, untimed, the WAL frames per commit at batch 1 for both, and the
# ledger's by the b-tree each frame's page belongs to.
if want ledger; then
echo "== ledger postings (durable: committed in WAL, synchronous=NORMAL)"
"$ROOT/build/release/bench/ledger_bench" ledger.db "${BENCH_LEDGER:-20000}" \
	"${BENCH_LEDGER_BATCHED:-200000}"
rm -f ledger.db*
# group commit over HTTP: 64 clients posting single transfers beside the
# plain batch-1,000 insert of the same run (bench/group_commit.sh)
(cd "$ROOT" && sh bench/group_commit.sh "$C" \
	"$ROOT/build/release/bench/ledger_bench")
fi

# ---- PostgreSQL ----
# bench/pg.sh (also alone: sh bench/pg.sh ./cleanheat): the weekly event
# batch, report dispatch and the household import on PostgreSQL, each
# beside SQLite or psql \copy in the same run; skipped, saying why, when no
# PostgreSQL server (initdb) is installed.
# (the last command: an `if`, so that a run without this part ends with 0)
if want pg; then
	(cd "$ROOT" && sh bench/pg.sh "$C")
fi
