#!/bin/sh
# The seals written at commit on PostgreSQL cost in proportion to the
# objects changed, whatever the planner's statistics say, against a
# throwaway server (tests/cli/pg_lib.sh). The database is in the state of
# an office's database moved onto PostgreSQL and analyzed before its
# first register: the plan imported, then ANALYZE while the seal table
# holds a handful of rows. The statistics then call the seals too few to
# be worth an index, and a statement that both read the latest seal of
# each changed object and wrote the new seals scanned every seal page
# written so far once per object (an import of 100,000 households: 627 s
# instead of about 60 s; docs/performance.md, PostgreSQL). Not timed: the
# buffers read from the seal table during an import of 2,000 households
# are counted (pg_statio_user_tables): about two per household now, 44
# before; at most ten pass. The seals and the audit chain verify
# afterwards, a re-import of the same file seals nothing, and one changed
# row seals one household.
#
# The same statistics once made the trigger that keeps person (one row
# per active ID number) scan it for every household inserted: its buffers
# are counted the same way (migration 0026).
#
# A re-import that changes every household writes the audit log's head
# once, when it commits, not with each of its entries: PostgreSQL keeps
# every version of a row a transaction updates until it ends, and reads
# them all again at each read of the row (20,000 households updated took
# 278 s, 26 s now; docs/performance.md). Counted, not timed: the rows
# written to audit_head by the import (pg_stat_user_tables), about one per
# household before, a few now.
. tests/cli/lib.sh
. "$ROOT/tests/cli/pg_lib.sh"
pg_start

DB=$PGURL
N=2000
ch --db "$DB" db init >/dev/null &&
	ch --db "$DB" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null &&
	ch --db "$DB" demo generate --households $N --seed 1 -o reg.csv >/dev/null ||
	echo "not ok - setting up the plan and the file"
psql -q -c "ANALYZE" || echo "not ok - ANALYZE"
expect_eq "the seal table is analyzed while it holds few rows" \
	"$(psql -Atc "SELECT reltuples < 50 AND relpages <= 1 FROM pg_class WHERE relname = 'seal'")" t

# buffers of TABLE's heap read so far (hits and reads; the seal table's
# when none is named)
seal_blks() {
	psql -Atc "SELECT pg_stat_force_next_flush(); SELECT coalesce(heap_blks_hit, 0) + coalesce(heap_blks_read, 0)
		FROM pg_statio_user_tables WHERE relname = '${1:-seal}'" | tail -1
}
# waits until the server has counted what the last command did (its
# backend reports when it exits)
settled() {
	i=0
	while [ "$(psql -Atc "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")" != 0 ] &&
		[ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
before=$(seal_blks)
person_before=$(seal_blks person)
run ch --db "$DB" household import reg.csv
expect_rc "import of $N households" 0
has "import of $N households: all stored" "新增 $N 户"
settled
blks=$(($(seal_blks) - before))
if [ "$blks" -lt $((N * 10)) ]; then
	ok "the seal table read about once per household ($blks buffers for $N households)"
else
	not_ok "the seal table read about once per household" "$blks buffers of the seal table for $N households (at most $((N * 10)) expected)"
fi
pblks=$(($(seal_blks person) - person_before))
if [ "$pblks" -lt $((N * 5)) ]; then
	ok "the person table read a few times per household ($pblks buffers for $N households)"
else
	not_ok "the person table read a few times per household" "$pblks buffers of the person table for $N households (at most $((N * 5)) expected)"
fi
expect_eq "one seal per household" \
	"$(psql -Atc "SELECT count(*) FROM seal WHERE kind = 'household'")" $N

run ch --db "$DB" verify
expect_rc "verify after the import" 0

# the same file again: nothing changed, nothing sealed
n0=$(psql -Atc "SELECT count(*) FROM seal")
run ch --db "$DB" household import reg.csv
expect_rc "re-import of the same file" 0
expect_eq "re-import of the same file: no new seal" "$(psql -Atc "SELECT count(*) FROM seal")" "$n0"

# one row changed: one household sealed again
awk -F, 'NR == 2 { $5 = $5 "甲" } { print }' OFS=, reg.csv >changed.csv
run ch --db "$DB" household import changed.csv
expect_rc "import with one row changed" 0
expect_eq "one row changed: one new seal" "$(psql -Atc "SELECT count(*) FROM seal")" "$((n0 + 1))"
run ch --db "$DB" verify
expect_rc "verify after the updates" 0

# every household changed: the head written a few times, not once a row
head_writes() {
	settled
	psql -Atc "SELECT pg_stat_force_next_flush(); SELECT n_tup_ins + n_tup_upd
		FROM pg_stat_user_tables WHERE relname = 'audit_head'" | tail -1
}
w0=$(head_writes)
u0=$(psql -Atc "SELECT count(*) FROM audit_log WHERE action = 'household.update'")
awk -F, 'NR > 1 { $17 = $17 "乙" } { print }' OFS=, reg.csv >all.csv
run ch --db "$DB" household import all.csv
expect_rc "every household changed: exit 0" 0
has "every household changed: $N updated" "更新 $N 户"
w=$(($(head_writes) - w0))
if [ "$w" -le 5 ]; then
	ok "every household changed: the audit head written $w times"
else
	not_ok "every household changed: the audit head written a few times" "$w writes to audit_head for $N updated households (at most 5 expected)"
fi
expect_eq "every household changed: one entry each" \
	"$(psql -Atc "SELECT count(*) FROM audit_log WHERE action = 'household.update'")" "$((u0 + N))"
run ch --db "$DB" verify
expect_rc "verify after every household changed" 0

# one household's step recorded: the command and its commit read that
# household (to check the step, then to seal it), not the register.
# Counted, not timed: the household rows the server fetched for the
# command (pg_stat_user_tables). (A query that joined the changed objects
# to their table read the register from its first row for every chunk of
# objects once the objects were many, 100,000 households imported:
# docs/performance.md, "The seals compared in C". With one object the
# planner chose lookups for it too, so this count does not tell the two
# apart; the paired imports there did.)
hh_rows() {
	settled
	psql -Atc "SELECT pg_stat_force_next_flush(); SELECT coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)
		FROM pg_stat_user_tables WHERE relname = 'household'" | tail -1
}
last=$(awk -F, 'END { print $4 }' reg.csv)
county=$(awk -F, 'END { print $1 }' reg.csv)
r0=$(hh_rows)
run ch --db "$DB" event record "$last" 已开工 --county "$county" --date 2023-04-20
expect_rc "one step recorded for household $county/$last" 0
r=$(($(hh_rows) - r0))
if [ "$r" -lt $((N / 10)) ]; then
	ok "one step recorded: $r household rows read"
else
	not_ok "one step recorded: a few household rows read" "$r household rows read for one household's step (fewer than $((N / 10)) expected)"
fi
run ch --db "$DB" verify
expect_rc "verify after the step" 0
