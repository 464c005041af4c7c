#!/bin/sh
# bench/pg.sh CLEANHEAT: cleanheat on PostgreSQL beside SQLite (`make bench`
# runs it as the part `pg`, BENCH_ONLY=pg; also alone: sh bench/pg.sh
# ./cleanheat). Each figure is printed beside its anchor measured in the
# same run on the same machine:
#
#   - the weekly event batch (BENCH_HH households, default 1,000,000; a
#     batch of 100,000 of their steps, or BENCH_WEEK, and then the time a
#     batch of 100,000 would take at the rate measured) on PostgreSQL
#     beside the same batch on SQLite, in events/s;
#   - report dispatch over a year of steps on PostgreSQL beside SQLite (and
#     at ten times the households when BENCH_SCALE=10, the register and its
#     steps copied in SQL on both, as bench/run.sh does for SQLite);
#   - the household import of 1,000,000 rows (BENCH_ROWS, at most that)
#     through cleanheat into PostgreSQL beside `psql \copy` of the same file
#     into a plain table of text columns (the ratio); when the import fails
#     the line says "household import on PostgreSQL: failed: MESSAGE";
#     then the first 20,000 rows of that file (BENCH_PG_UPDATES) again as
#     they are, every row a claim that changes nothing, and again with
#     their 施工单位 changed, every row an update of a household, each
#     beside the rate of the first import.
#
# BENCH_PG_PARTS=weekly,dispatch,import (the default: all three) runs only
# the parts named; the register and its steps are built only for the
# first two. Each figure is printed with the load of the machine (the
# 1-minute load average) when it was measured.
#
# Without a PostgreSQL server (initdb) the part is skipped with the reason.
# The server is a throwaway cluster as the tests start one
# (tests/cli/pg_lib.sh: as the postgres user when root, socket in a
# temporary folder on disk, a free port, fsync off, removed at the end).
#
# The databases on PostgreSQL are filled from SQLite ones: the register and
# its steps are loaded into SQLite by cleanheat (timed there), then each
# table is copied into PostgreSQL with sqlite3's CSV output and psql's
# \copy, with triggers off for that session (what `db copy` does row by
# row, which would take an hour at this size), and the identities are set
# above the copied ids.
set -eu
C=$(cd "$(dirname "${1:-./cleanheat}")" && pwd)/$(basename "${1:-./cleanheat}")
ROOT=$(pwd)
# bench/cmdtime times the dispatch (make bench-bin builds it)
make -s --no-print-directory MODE=release bench-bin
CMDTIME=$ROOT/build/release/bench/cmdtime
HH=${BENCH_HH:-1000000}
SCALE=${BENCH_SCALE:-1}
ROWS=${BENCH_ROWS:-1000000}
[ "$ROWS" -gt 1000000 ] && ROWS=1000000
WEEK_MAX=${BENCH_WEEK:-100000}
# households updated by the re-import (BENCH_PG_UPDATES, at most BENCH_ROWS)
UPD=${BENCH_PG_UPDATES:-20000}
[ "$UPD" -gt "$ROWS" ] && UPD=$ROWS
part() { case ",${BENCH_PG_PARTS:-weekly,dispatch,import}," in *",$1,"*) return 0 ;; esac; return 1; }

echo "== PostgreSQL beside SQLite ($HH households)"
. "$ROOT/tests/cli/pg_lib.sh"
. "$ROOT/bench/scale_lite.sh"
if ! PG_BIN=$(pg_bin); then
	echo "  skipped: no PostgreSQL server (initdb) installed (sh scripts/deps.sh installs postgresql-15)"
	exit 0
fi
WORK=$(mktemp -d) # removed by pg_stop, with the cluster
# on disk, not in memory as the tests' clusters: a database of millions of
# rows, and the figures above were measured so
CLEANHEAT_PG_TMP=${CLEANHEAT_PG_TMP:-${TMPDIR:-/tmp}}
pg_start >/dev/null
cd "$WORK"
echo "  server: PostgreSQL $(psql -d postgres -Atc 'SHOW server_version'), throwaway cluster, fsync off; load $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

# seconds of a command, as "SECONDS KIB"; after sync, as bench/run.sh does;
# when it fails, its messages stay in err.out for the caller to print
measure() {
	sync
	CLEANHEAT_LOCK_TIME=1 /usr/bin/time -f "%e %M" -o t.out "$@" >/dev/null 2>err.out || return 1
	cat t.out
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
ms() { date +%s%N | awk '{ printf "%.0f", $1 / 1000000 }'; }
load() { printf 'load %s' "$(cut -d' ' -f1 /proc/loadavg)"; }
url() { echo "postgresql:///$1?host=$PGHOST&port=$PGPORT&user=$PGUSER"; }
# newdb NAME [TEMPLATE]: an empty database (or a copy of TEMPLATE)
newdb() {
	psql -q -d postgres -c "CREATE DATABASE \"$1\"${2:+ TEMPLATE \"$2\"}" >/dev/null
}

# to_pg LITE NAME: the PostgreSQL database NAME (migrated by cleanheat)
# filled with every table of the SQLite database LITE
to_pg() {
	newdb "$2"
	"$C" --db "$(url "$2")" db init >/dev/null 2>&1 || true
	tables=$(psql -d "$2" -Atc "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
	{
		echo "SET session_replication_role = replica; SET client_min_messages = warning;"
		echo "BEGIN;"
		# the schema's version stays PostgreSQL's own
		tables=$(printf '%s\n' $tables | grep -vx schema_version)
		echo "TRUNCATE $(printf '"%s", ' $tables | sed 's/, $//') CASCADE;"
		for t in $tables; do
			sqlite3 "$1" "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '$t'" |
				grep -q 1 || continue
			pgcols=$(psql -d "$2" -Atc "SELECT column_name FROM information_schema.columns
				WHERE table_schema = 'public' AND table_name = '$t'")
			cols=
			for c in $(sqlite3 "$1" "SELECT name FROM pragma_table_info('$t')"); do
				printf '%s\n' "$pgcols" | grep -qx "$c" && cols="$cols${cols:+, }$c"
			done
			[ -n "$cols" ] || continue
			sqlite3 -csv "$1" "SELECT $cols FROM \"$t\"" >"t_$t.csv"
			printf '\\copy "%s" (%s) FROM '"'"'t_%s.csv'"'"' WITH (FORMAT csv)\n' "$t" "$cols" "$t"
		done
		echo "COMMIT;"
	} >load.sql
	psql -q -v ON_ERROR_STOP=1 -d "$2" -f load.sql >/dev/null
	rm -f t_*.csv load.sql
	# identities above the copied ids, and fresh statistics
	psql -q -d "$2" -Atc "SELECT format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %I), 0) + 1, false);',
		pg_get_serial_sequence(table_name, column_name), column_name, table_name)
		FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'" |
		psql -q -d "$2" >/dev/null
	psql -q -d "$2" -c "ANALYZE" >/dev/null
}

# pg_scale_up NAME K: K copies of the register and its steps in all, in SQL
# (new ids, 户编号 and ID numbers; the aggregates multiplied), as
# bench/run.sh's scale_up does on SQLite
pg_scale_up() {
	db=$1 k=$2
	sel() {
		psql -d "$db" -Atc "SELECT string_agg(CASE column_name ${2:-WHEN '' THEN ''}
			ELSE quote_ident(column_name) END, ', ' ORDER BY ordinal_position)
			FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$1'"
	}
	hcols=$(sel household "")
	hsel=$(sel household "WHEN 'id' THEN 'id + :off'
		WHEN 'hh_no' THEN 'hh_no || ''#'' || :k'
		WHEN 'id_number' THEN 'substr(id_number, 1, 6) || lpad((id + :off)::text, 12, ''0'')'
		WHEN 'list_key' THEN 'replace(list_key, hh_no || chr(1), hh_no || ''#'' || :k || chr(1))'")
	ecols=$(sel event "")
	esel=$(sel event "WHEN 'id' THEN 'id + :eoff'
		WHEN 'household_id' THEN 'household_id + :off'
		WHEN 'corrects' THEN 'corrects + :eoff'
		WHEN 'superseded_by' THEN 'superseded_by + :eoff'")
	hmax=$(psql -d "$db" -Atc "SELECT max(id) FROM household")
	emax=$(psql -d "$db" -Atc "SELECT max(id) FROM event")
	{
		echo "SET session_replication_role = replica; BEGIN;"
		i=1
		while [ "$i" -lt "$k" ]; do
			printf '\\set k %d\n\\set off %d\n\\set eoff %d\n' "$i" "$((i * hmax))" "$((i * emax))"
			echo "INSERT INTO household($hcols) SELECT $hsel FROM household WHERE id <= $hmax;"
			echo "INSERT INTO event($ecols) SELECT $esel FROM event WHERE id <= $emax;"
			i=$((i + 1))
		done
		echo "UPDATE progress_daily SET households = households * $k,"
		echo " es_households = es_households * $k, es_area_centi = es_area_centi * $k;"
		echo "COMMIT; ANALYZE;"
	} | psql -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null
	psql -q -d "$db" -c "SELECT setval(pg_get_serial_sequence('household', 'id'), max(id) + 1, false) FROM household;
		SELECT setval(pg_get_serial_sequence('event', 'id'), max(id) + 1, false) FROM event" >/dev/null
}

# dispatch_ms URL: report dispatch, the whole command, best of 5, in ms
# (bench/cmdtime: the timer's own start is not in it)
dispatch_ms() {
	set -- $("$CMDTIME" -n 5 "$C" --db "$1" report dispatch --year 2023 --as-of 2023-07-16 \
		--format csv)
	echo "$2"
}

# ---- the register and a year of steps, on SQLite ----
"$C" --db base.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
if part weekly || part dispatch; then
	"$C" --db base.db demo generate --households "$HH" --seed 2 -o reg.csv >/dev/null
	cp base.db hh.db
	"$C" --db hh.db household import reg.csv >/dev/null
	"$C" --db hh.db demo events --as-of 2023-10-31 --seed 2 -o ev.csv >/dev/null
	EVENTS=$(($(wc -l <ev.csv) - 1))
	WEEK=$((EVENTS < WEEK_MAX ? EVENTS : WEEK_MAX))
	head -n $((WEEK + 1)) ev.csv >week.csv
fi

# ---- the weekly batch ----
if part weekly; then
	t0=$(ms)
	to_pg hh.db hh
	printf '  the register of %d households copied into PostgreSQL (sqlite3 CSV, psql \\copy) in %d s\n' \
		"$HH" "$((($(ms) - t0) / 1000))"
	cp hh.db wk.db
	set -- $(measure "$C" --db wk.db event import week.csv)
	lite_s=$1
	rm -f wk.db*
	newdb wk hh
	if out=$(measure "$C" --db "$(url wk)" event import week.csv); then
		set -- $out
		pg_s=$1
		printf '  weekly batch of %d steps: PostgreSQL %7d events/s (%6.2f s) | SQLite %7d events/s (%5.2f s) | PostgreSQL / SQLite %s (%s)\n' \
			"$WEEK" "$(rate "$WEEK" "$pg_s")" "$pg_s" "$(rate "$WEEK" "$lite_s")" "$lite_s" \
			"$(ratio "$(rate "$WEEK" "$pg_s")" "$(rate "$WEEK" "$lite_s")")" "$(load)"
		# a smaller batch than the week's: what 100,000 steps would take at this rate
		[ "$WEEK" -lt 100000 ] && [ "$WEEK" -lt "$EVENTS" ] &&
			printf '    a batch of 100000 steps at these rates: PostgreSQL about %d s, SQLite about %d s\n' \
				"$(awk -v s="$pg_s" -v n="$WEEK" 'BEGIN { printf "%.0f", s * 100000 / n }')" \
				"$(awk -v s="$lite_s" -v n="$WEEK" 'BEGIN { printf "%.0f", s * 100000 / n }')"
	else
		printf '  weekly batch on PostgreSQL: failed: %s\n' "$(head -n 1 err.out)"
	fi
	psql -q -d postgres -c "DROP DATABASE wk" >/dev/null
	psql -q -d postgres -c "DROP DATABASE hh" >/dev/null
fi

# ---- report dispatch over the year ----
if part dispatch; then
	set -- $(measure "$C" --db hh.db event import ev.csv)
	printf '  the year, %d steps, imported on SQLite in %.1f s (%d events/s); copied into PostgreSQL:\n' \
		"$EVENTS" "$1" "$(rate "$EVENTS" "$1")"
	to_pg hh.db yr
	pg_ms=$(dispatch_ms "$(url yr)")
	lite_ms=$(dispatch_ms hh.db)
	printf '  report dispatch at %d households (whole command, best of 5): PostgreSQL %s ms | SQLite %s ms | PostgreSQL / SQLite %s (%s)\n' \
		"$HH" "$pg_ms" "$lite_ms" "$(ratio "$pg_ms" "$lite_ms")" "$(load)"
	if [ "$SCALE" -gt 1 ]; then
		t0=$(ms)
		pg_scale_up yr "$SCALE"
		printf '  copied in SQL on PostgreSQL to %d households in %d s (%s)\n' "$((HH * SCALE))" \
			"$((($(ms) - t0) / 1000))" "$(load)"
		# the SQLite anchor at the same size: copied from PostgreSQL's copy
		# would take longer than copying in SQLite, so copied again there
		rm -f hh.db*
		cp base.db hh.db
		"$C" --db hh.db household import reg.csv >/dev/null
		"$C" --db hh.db event import ev.csv >/dev/null
		scale_up hh.db "$SCALE"
		pg_ms=$(dispatch_ms "$(url yr)")
		lite_ms=$(dispatch_ms hh.db)
		printf '  report dispatch at %d households (whole command, best of 5): PostgreSQL %s ms | SQLite %s ms | PostgreSQL / SQLite %s (%s)\n' \
			"$((HH * SCALE))" "$pg_ms" "$lite_ms" "$(ratio "$pg_ms" "$lite_ms")" "$(load)"
	fi
	psql -q -d postgres -c "DROP DATABASE yr" >/dev/null
fi
rm -f hh.db* ev.csv week.csv

# ---- the household import ----
# into a database copied as above, then analyzed: its tables' statistics
# are those of an almost empty database (the plan), as in an office's
# database moved onto PostgreSQL and analyzed before its first register
if part import; then
	"$C" --db base.db demo generate --households "$ROWS" --seed 1 -o imp.csv >/dev/null
	to_pg base.db imp
	if out=$(measure "$C" --db "$(url imp)" household import imp.csv); then
		set -- $out
		ch_s=$1
		psql -q -d postgres -c "CREATE DATABASE plain" >/dev/null
		cols=$(head -n 1 imp.csv | tr -d '\r' | awk -F, '{ for (i = 1; i <= NF; i++) printf "%s\"%s\" text", (i > 1 ? ", " : ""), $i }')
		psql -q -d plain -c "CREATE TABLE t ($cols)" >/dev/null
		set -- $(measure psql -q -d plain -c "\\copy t FROM 'imp.csv' WITH (FORMAT csv, HEADER)")
		cp_s=$1
		printf '  household import of %d rows on PostgreSQL: cleanheat %7d rows/s (%6.2f s) | psql \\copy into a plain table %7d rows/s (%5.2f s) ratio %s (%s)\n' \
			"$ROWS" "$(rate "$ROWS" "$ch_s")" "$ch_s" "$(rate "$ROWS" "$cp_s")" "$cp_s" "$(ratio "$cp_s" "$ch_s")" "$(load)"
		# reimport WHAT: upd.csv imported again, its line beside the first
		# import's rate
		reimport() {
			what=$1
			if out=$(measure "$C" --db "$(url imp)" household import upd.csv); then
				set -- $out
				printf '  household re-import of %d %s rows on PostgreSQL: cleanheat %7d rows/s (%6.2f s) | its first import %7d rows/s ratio %s (%s)\n' \
					"$UPD" "$what" "$(rate "$UPD" "$1")" "$1" "$(rate "$ROWS" "$ch_s")" \
					"$(ratio "$(rate "$UPD" "$1")" "$(rate "$ROWS" "$ch_s")")" "$(load)"
			else
				printf '  household re-import on PostgreSQL: failed: %s\n' "$(grep -v '^$' err.out | head -n 1)"
			fi
		}
		# the first UPD households again as they are: every row a claim
		# that changes nothing (docs/performance.md, "PostgreSQL: the
		# claims of a register sent again")
		head -n $((UPD + 1)) imp.csv >upd.csv
		reimport unchanged
		# the same households, each with its 施工单位 changed: every row an
		# update (an audit entry each)
		head -n $((UPD + 1)) imp.csv | awk -F, 'NR > 1 { $17 = $17 "乙" } { print }' OFS=, >upd.csv
		reimport changed
		rm -f upd.csv
	else
		printf '  household import on PostgreSQL: failed: %s\n' "$(grep -v '^$' err.out | head -n 1)"
	fi
fi
rm -f imp.csv base.db*
