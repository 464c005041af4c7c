#!/bin/sh
# A busy database: a writer waits for another write's lock as long as it is
# told to (--busy-timeout S, CLEANHEAT_BUSY_TIMEOUT, default 5 s) and then
# fails with exit 75 and a message saying to retry, having changed nothing;
# never exit 70. Readers never wait. An import checks its rows before it
# takes the write lock, so a lock held by someone else while it reads does
# not stop it.
#
# The lock is held on purpose by the sqlite3 tool (BEGIN IMMEDIATE until a
# file appears), so that every case knows the lock is taken; then a real
# import of IMPORT_ROWS (default 50,000) rows runs while other writers and
# readers come and go.
# sqlite-only: SQLite's write lock, held by the sqlite3 tool
. "$(dirname "$0")/lib.sh"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - skipped: the sqlite3 command-line tool is not installed"
	exit 0
fi

DB=b.db
ROWS=${IMPORT_ROWS:-50000}
q() { sqlite3 "$DB" "$1"; }

# hold_lock: takes the write lock with the sqlite3 tool and keeps it until
# release_lock; returns once the lock is held
hold_lock() {
	rm -f release
	{
		echo "BEGIN IMMEDIATE;"
		echo "SELECT 'locked';"
		while [ ! -f release ]; do sleep 0.05; done
		echo "COMMIT;"
	} | sqlite3 "$DB" >holder.out 2>&1 &
	HOLDER=$!
	n=0
	until grep -q locked holder.out 2>/dev/null; do
		n=$((n + 1))
		[ $n -lt 400 ] || break
		sleep 0.05
	done
}
release_lock() {
	touch release
	wait "$HOLDER"
}

ch --db base.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null &&
	ch --db base.db demo generate --households 2000 --seed 3 -o small.csv >/dev/null &&
	ch --db base.db demo generate --households "$ROWS" --seed 4 -o large.csv >/dev/null ||
	echo "not ok - setting up"
cp base.db $DB

# ---- a lock held by someone else ----

hold_lock
run ch --db $DB --busy-timeout 1 user add w1 --role auditor
expect_rc "a writer told to wait 1 s: exit 75" 75
has_err "busy: the message says the database is busy" "数据库正忙（另一项写入正在进行，已等待 1 秒）"
has_err "busy: the message says to retry" "请稍后重试"
run env CLEANHEAT_BUSY_TIMEOUT=0 "$CLEANHEAT" --db $DB user add w2 --role auditor
expect_rc "CLEANHEAT_BUSY_TIMEOUT=0: exit 75 at once" 75
printf 'busy_timeout = 1\n' >busy.conf
run env -u CLEANHEAT_BUSY_TIMEOUT "$CLEANHEAT" --config busy.conf --db $DB user add w2 --role auditor
expect_rc "the configuration's busy_timeout = 1: exit 75" 75
has_err "the configuration's busy_timeout: waited 1 s" "已等待 1 秒"
run env CLEANHEAT_BUSY_TIMEOUT=0 "$CLEANHEAT" --config busy.conf --db $DB user add w2 --role auditor
has_err "the environment before the configuration's busy_timeout" "已等待 0 秒"
run ch --db $DB --busy-timeout 0 plan show --year 2023
expect_rc "a reader is not held up by the lock" 0
run ch --db $DB --busy-timeout 0 user list
expect_rc "user list reads while the lock is held" 0
# a writer told to wait long enough waits, and goes ahead once the lock is free
ch --db $DB --busy-timeout 60 user add w3 --role auditor >w3.out 2>&1 &
W3=$!
sleep 1
kill -0 $W3 2>/dev/null && ok "a writer told to wait 60 s is still waiting after 1 s" ||
	not_ok "a writer told to wait 60 s is still waiting after 1 s"
release_lock
wait $W3
RC=$?
expect_rc "the waiting writer goes ahead when the lock is released" 0
run ch --db $DB user list
lacks "the refused writers changed nothing (w1)" "w1"
lacks "the refused writers changed nothing (w2)" "w2"
has "the waiting writer's user is there" "w3"

# bad settings are usage errors
run ch --db $DB --busy-timeout abc user list
expect_rc "--busy-timeout abc: exit 2" 2
has_err "--busy-timeout abc: says what is wrong" "--busy-timeout「abc」应为 0 到 3600 之间的整数秒"
run env CLEANHEAT_BUSY_TIMEOUT=-3 "$CLEANHEAT" --db $DB user list
expect_rc "CLEANHEAT_BUSY_TIMEOUT=-3: exit 2" 2
run ch --db $DB --busy-timeout 1 --busy-timeout 2 user list
expect_rc "--busy-timeout twice: exit 2" 2

# ---- an import checks while someone else holds the lock ----

hold_lock
# it reads and checks every row meanwhile, then cannot write: nothing stored
run ch --db $DB --busy-timeout 0 household import small.csv
expect_rc "an import that cannot take the lock: exit 75" 75
has_err "the import says the database is busy" "数据库正忙"
release_lock
expect_eq "nothing of it stored" "$(q "SELECT count(*) FROM household")" 0
expect_eq "no import recorded" "$(q "SELECT count(*) FROM household_import")" 0
# it checks while the lock is held, and writes once the lock is free
hold_lock
ch --db $DB --busy-timeout 60 household import small.csv >small.out 2>&1 &
IMP=$!
sleep 1
release_lock
wait $IMP
RC=$?
OUT=$(cat small.out)
expect_rc "an import that waits for the lock: exit 0" 0
expect_eq "it stored every household" "$(q "SELECT count(*) FROM household")" 2000

# ---- a large import while others write and read ----

DB=l.db
cp base.db $DB

CLEANHEAT_LOCK_TIME=1 "$CLEANHEAT" --db $DB household import large.csv >large.out 2>large.err &
IMP=$!
writes=0 waited=0 busy=0 reads=0 bad=
while kill -0 $IMP 2>/dev/null; do
	writes=$((writes + 1))
	run ch --db $DB --busy-timeout 120 user add "wait$writes" --role auditor
	[ "$RC" -eq 0 ] && waited=$((waited + 1)) || bad="$bad; a writer waiting 120 s exited $RC: $ERR"
	run ch --db $DB --busy-timeout 0 user add "now$writes" --role auditor
	case $RC in
	0) ;;
	75) busy=$((busy + 1))
		case "$ERR" in *"请稍后重试"*) ;; *) bad="$bad; exit 75 without the message: $ERR" ;; esac ;;
	*) bad="$bad; a writer not waiting exited $RC (neither 0 nor 75): $ERR" ;;
	esac
	run ch --db $DB --busy-timeout 0 plan show --year 2023
	[ "$RC" -eq 0 ] && reads=$((reads + 1)) || bad="$bad; a reader exited $RC: $ERR"
done
wait $IMP
RC=$?
echo "# during the import: $waited writer(s) waited and wrote, $busy told busy, $reads read"
echo "# $(grep 'lock held' large.err)"
expect_rc "the large import: exit 0" 0
expect_eq "the large import stored its $ROWS households" \
	"$(q "SELECT count(*) FROM household")" "$ROWS"
if [ -z "$bad" ]; then ok "during the import every writer waited or was told busy, every reader read"; else not_ok "during the import every writer waited or was told busy, every reader read" "${bad#; }"; fi
expect_eq "every waiting writer's user is there" \
	"$(q "SELECT count(*) FROM app_user WHERE name LIKE 'wait%'")" "$waited"
run ch --db $DB audit verify
expect_rc "audit verify after it all" 0
