#!/bin/sh
# The PostgreSQL server stopped at once (`pg_ctl stop -m immediate`, as in
# a power cut) in the middle of a write, then started again
# (tests/cli/pg_lib.sh): a household import of 20,000 generated
# households into an empty database (stopped once its write transaction
# has begun: the register is then empty or complete, verify passes, and
# the import run again completes), an import of 50,000 progress steps (one
# transaction; stopped once it has written rows) and a payment batch
# (stopped while it writes its payments, which a trigger installed by this
# test only slows down). After the restart the import is all or nothing,
# the payment batch's chunk too (its batch row, committed first, stays
# empty until the next run removes it), the
# ledger, the audit chain and the seals verify, and the payment batch run
# again (and a part of the import) completes. (The register of the last
# two is imported on SQLite and copied over, which is quicker.)
. tests/cli/lib.sh
. "$ROOT/tests/cli/pg_lib.sh"
pg_start

FF=$FIX/funds
C=昌吉市
LITE=lite.db

printf 'JPEG 照片' >photo.jpg
lch() { "$CLEANHEAT" --db "$LITE" "$@" >/dev/null 2>>setup.err; }

# wait_for SQL: until the query (over the other sessions) counts one, at
# most 60 s; fails when it never does
wait_for() {
	for _ in $(seq 600); do
		[ "$(psql -Atc "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND $1")" -gt 0 ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# crash_during PID OUTFILE WHAT CONDITION [SECONDS]: once CONDITION holds
# (wait_for) and SECONDS more have passed while the command PID runs,
# stops the server at once; the command must then fail (its output in
# OUTFILE); starts the server again
crash_during() {
	if wait_for "$4" && sleep "${5:-0}" && kill -0 "$1" 2>/dev/null; then
		ok "$3: stopped the server while it wrote"
	else
		not_ok "$3: stopped the server while it wrote" "it never wrote, or had ended"
	fi
	pg_crash
	wait "$1"
	RC=$?
	OUT=$(cat "$2")
	if [ $RC -ne 0 ]; then ok "$3: the command failed (exit $RC)"; else
		not_ok "$3: the command failed" "it says it stored what it was given"; fi
	pg_restart
}

# ---- the server stopped in the middle of a household import ----

HH=$(pg_newdb households)
hh() { psql -d households -Atc "SELECT count(*) FROM household"; }
"$CLEANHEAT" --db hh.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null &&
	"$CLEANHEAT" --db hh.db demo generate --households 20000 --seed 5 -o hh.csv >/dev/null &&
	"$CLEANHEAT" --db "$HH" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null ||
	echo "not ok - setting up the household import"
"$CLEANHEAT" --db "$HH" household import hh.csv >hh.out 2>&1 &
imp=$!
# its write half: the transaction holds the advisory lock of a write
# (the checks before it only read), and has stored rows a second later
crash_during $imp hh.out "household import of 20,000 rows" \
	"datname = 'households' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')" 1
n=$(hh)
if [ "$n" -eq 0 ] || [ "$n" -eq 20000 ]; then ok "household import: all or nothing after the restart ($n of 20000)"; else
	not_ok "household import: all or nothing after the restart" "$n of 20000 households stored"; fi
expect_eq "household import: no import recorded, no region added, nothing audited" \
	"$(psql -d households -Atc "SELECT (SELECT count(*) FROM household_import) || ',' ||
		(SELECT count(*) FROM region WHERE name LIKE '样例%') || ',' ||
		(SELECT count(*) FROM audit_log WHERE action LIKE 'household.%')")" "0,0,0"
run ch --db "$HH" verify
expect_rc "household import: verify after the restart" 0
run ch --db "$HH" audit verify
expect_rc "household import: audit verify after the restart" 0
run ch --db "$HH" household import hh.csv
expect_rc "household import: run again, it completes" 0
has "household import: run again, every row stored" "新增 20000 户"
expect_eq "household import: run again, 20,000 households" "$(hh)" 20000
run ch --db "$HH" verify
expect_rc "household import: verify after it completed" 0
# what the search finds there is what it finds on SQLite: more
# candidates than a search reads (样例 is in every name), so the list is
# walked; and a few
"$CLEANHEAT" --db hh.db household import hh.csv >/dev/null || echo "not ok - the same import on SQLite"
for q in 样例 李 样例村05 0012; do
	a=$("$CLEANHEAT" --db hh.db household search "$q" --limit 30 --offset 1000 --format csv)
	b=$("$CLEANHEAT" --db "$HH" household search "$q" --limit 30 --offset 1000 --format csv)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then ok "household search $q: the same page on both"; else
		OUT=$b
		not_ok "household search $q: the same page on both" "SQLite: $(printf '%s\n' "$a" | head -3)"
	fi
done

lch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 --es-area 2462300 &&
	lch household import "$FF/register.csv" &&
	lch demo generate --households 17000 --seed 3 -o big.csv &&
	lch household import big.csv --new-places &&
	lch demo events --as-of 2023-12-31 --seed 3 -o all-steps.csv &&
	lch event import "$FF/events.csv" || echo "not ok - setting up the register"
for h in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008; do
	lch inspect record $h --county $C --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg || echo "not ok - self-inspection of $h"
done
lch user add rv --role reviewer && lch user add fin --role finance
review_passed $LITE $C "pg-$C" 2>>setup.err
lch --as fin funds appropriate --source central --amount 100000 --date 2023-06-01 --key K-C1 &&
	lch --as fin funds appropriate --source region --amount 100000 --date 2023-06-01 --key K-R1 &&
	lch --as fin funds appropriate --source central --amount 60000 --date 2023-06-05 --key A-C1 --to $C &&
	lch --as fin funds appropriate --source 自治区资金 --amount 30000 --date 2023-06-05 --key A-R1 --to $C &&
	lch --as fin funds appropriate --source 州级 --amount 10000 --date 2023-06-05 --key A-P1 --to $C --direct &&
	lch --as fin funds appropriate --source 县级 --amount 10000 --date 2023-06-05 --key A-X1 --to $C --direct &&
	lch --as fin subsidy reserve --county $C --date 2023-10-25 &&
	lch --as fin notice create --county $C --date 2023-10-25 || echo "not ok - the ledger set-up"
ch db copy --from "sqlite:$LITE" --to "$PGURL" >/dev/null 2>>setup.err || echo "not ok - db copy"
if [ -s setup.err ]; then sed 's/^/    /' setup.err | head -20; fi
# the generated households' steps (the funds register's have their own)
awk -F, 'NR == 1 || $2 ~ /-/' all-steps.csv >steps.csv
ROWS=$(($(wc -l <steps.csv) - 1))

steps() { psql -Atc "SELECT count(*) FROM event e JOIN household h ON h.id = e.household_id WHERE h.hh_no LIKE '%-%'"; }

verify_all() {
	run ch --db "$PGURL" --as fin ledger verify
	expect_rc "$1: ledger verify" 0
	run ch --db "$PGURL" audit verify
	expect_rc "$1: audit verify" 0
	run ch --db "$PGURL" verify
	expect_rc "$1: verify (seals, payments, progress)" 0
}

# ---- the server stopped in the middle of an import ----

[ "$ROWS" -ge 50000 ] && ok "import: $ROWS steps to import" || not_ok "import: 50,000 steps to import" "$ROWS"

"$CLEANHEAT" --db "$PGURL" event import steps.csv >import.out 2>&1 &
imp=$!
# mid-way: the import's transaction has written rows (it has a
# transaction id), and has not ended
crash_during $imp import.out "import of $ROWS steps" "datname = 'cleanheat' AND backend_xid IS NOT NULL"
n=$(steps)
if [ "$n" -eq 0 ] || [ "$n" -eq "$ROWS" ]; then ok "import: all or nothing after the restart ($n of $ROWS)"; else
	not_ok "import: all or nothing after the restart" "$n of $ROWS steps stored"; fi
expect_eq "import: no batch of it recorded" \
	"$(psql -Atc "SELECT count(*) FROM event_batch WHERE file LIKE '%steps.csv'")" "$([ "$n" -eq 0 ] && echo 0 || echo 1)"
verify_all "after the stopped import"
# the first 200 steps again (the whole file takes minutes on PostgreSQL)
head -201 steps.csv >some.csv
run ch --db "$PGURL" event import some.csv
expect_rc "import: a part of it run again completes" 0
expect_eq "import: a part of it run again, every step there once" "$(steps)" 200

# ---- the server stopped in the middle of a payment batch ----

psql -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || echo "not ok - installing the test's trigger"
CREATE FUNCTION test_slow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_sleep(0.5);
	RETURN NEW;
END $$;
CREATE TRIGGER test_slow BEFORE INSERT ON payment FOR EACH ROW EXECUTE FUNCTION test_slow();
SQL
"$CLEANHEAT" --db "$PGURL" --as fin subsidy pay --county $C --date 2023-11-05 -o pay.csv >pay.out 2>&1 &
pay=$!
crash_during $pay pay.out "payment batch" "datname = 'cleanheat' AND wait_event = 'PgSleep'"
# the batch's row is committed first and its payments in chunks of 500,
# each chunk all or nothing: these 8 are one chunk, so none is stored,
# and the empty batch row stays until the next run removes it
expect_eq "payment batch: after the restart no payment and no pay transfer of it stored" \
	"$(psql -Atc "SELECT (SELECT count(*) FROM payment) || ',' || (SELECT count(*) FROM transfer WHERE kind = 'pay')")" "0,0"
verify_all "after the stopped payment batch"
psql -q -c "DROP TRIGGER test_slow ON payment" >/dev/null
run ch --db "$PGURL" --as fin subsidy pay --county $C --date 2023-11-05 -o pay.csv
expect_rc "payment batch: run again, it completes" 0
expect_ne "payment batch: run again, households paid" "$(psql -Atc "SELECT count(*) FROM payment")" 0
expect_eq "payment batch: run again, each payment with its pay transfer, no household paid twice, no empty batch" \
	"$(psql -Atc "SELECT (SELECT count(*) FROM payment) = (SELECT count(*) FROM transfer WHERE kind = 'pay'),
		(SELECT count(*) FROM (SELECT household_id FROM payment GROUP BY household_id HAVING count(*) > 1) d),
		(SELECT count(*) FROM payment_batch b WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.batch_id = b.id))")" "t|0|0"
verify_all "after the payment batch run again"
