#!/bin/sh
# Crash safety of payment batches: `subsidy pay` killed with SIGKILL at
# random moments must leave the ledger whole and pay no one twice.
#
# A register of 10,000 households of 昌吉市 (`demo generate`, `household
# import`) is brought to 复核通过 directly with the sqlite3 tool (status and
# one stage-6 event per household: this test is about the ledger, not the
# review), funded and reserved through the CLI. Then, KILLS times (default
# 20, CH_CRASH_KILLS), `subsidy pay` starts in the background and is killed
# with kill -9 after a random delay, drawn from 0 up to an eighth of the time
# an uninterrupted run takes (measured first on a copy), so that the kills
# land in the start-up and in the first chunks of 500 households of each
# run whatever the build's speed (a fixed 0-300 ms would cover three
# uninterrupted runs of a release build, and a tenth of one under ASan). After every kill: `ledger verify`
# passes, every transfer is sealed and adds up to zero with two postings or
# more, no household has more than one pay transfer, none holds more in
# transit than its entitlement, payable + transit is its entitlement
# (nothing lost, nothing doubled), every pay transfer has exactly one
# payment row of the same household and amount. At the end a pay run
# completes; then every household was paid exactly once: 10,000 pay
# transfers and payments, transit = entitlement for each, and the bank files
# of all batches (`subsidy payfile`) list every household once with the
# amounts adding up. CH_CRASH_SEED fixes the delays (printed).
# sqlite-only: SIGKILLs against the SQLite file, prepared with the sqlite3 tool
. "$(dirname "$0")/lib.sh"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - skipped: the sqlite3 command-line tool is not installed"
	exit 0
fi

FF=$FIX/funds
C=昌吉市
DB=c.db
HH=10000
KILLS=${CH_CRASH_KILLS:-20}
SEED=${CH_CRASH_SEED:-$(awk 'BEGIN { srand(); print int(rand() * 1000000) }')}
echo "# seed $SEED (CH_CRASH_SEED), $KILLS kills"

now_ms() {
	t=$(date +%s%N 2>/dev/null)
	case $t in
	*N* | '') echo $(($(date +%s) * 1000)) ;;
	*) echo $((t / 1000000)) ;;
	esac
}
q() { sqlite3 "$DB" "$1"; }

# ---- 10,000 households at 复核通过, reserved ----
# (the shortcut also empties the audit seals, so that the next write seals
# this state as a new baseline: pay and payfile refuse rows changed outside
# the program, and `cleanheat verify` would report the shortcut)

ch --db $DB plan import "$FF/crash-plan.csv" --year 2023 >/dev/null &&
	ch --db $DB demo generate --households $HH --seed 7 -o register.csv >/dev/null &&
	ch --db $DB household import register.csv >/dev/null ||
	echo "not ok - setting up the register"
q "BEGIN;
UPDATE household SET status = 'reviewed', stage_day = '2023-10-20';
INSERT INTO event(household_id, stage_no, from_stage_no, day, note, es, es_area_centi, plan_year,
	county_id, actor, recorded_at)
SELECT id, 6, 5, '2023-10-20', '崩溃测试：直接置为复核通过', es_measures IS NOT NULL,
	coalesce(es_area_centi, 0), plan_year, county_id, 'root', '2023-10-20T00:00:00Z'
FROM household;
DROP TRIGGER seal_no_delete;
DELETE FROM seal;
COMMIT;"
expect_eq "setup: $HH households 复核通过" "$(q "SELECT count(*) FROM household WHERE status = 'reviewed'")" $HH
ch --db $DB user add fin --role finance >/dev/null
for s in central region prefecture county; do
	ch --db $DB --as fin funds appropriate --source $s --amount 100000000 --date 2023-06-01 \
		--key crash-$s --to $C --direct >/dev/null || echo "not ok - funding $s"
done
run ch --db $DB --as fin subsidy reserve --county $C --date 2023-10-25
expect_rc "reserve $HH households: exit 0" 0
case "$OUT" in
*"已为 $HH 户预留补助资金"*) ok "reserve: all $HH reserved" ;;
*) not_ok "reserve: all $HH reserved" ;;
esac
ENTITLED=$(q "SELECT sum(total_fen) FROM entitlement")
# publicised 25 to 31 October (公示): payable from 1 November
ch --db $DB --as fin notice create --county $C --date 2023-10-25 >/dev/null || echo "not ok - the notice"
# how long an uninterrupted payment run takes, on a copy
cp $DB calibrate.db
t0=$(now_ms)
ch --db calibrate.db --as fin subsidy pay --county $C --date 2023-11-01 -o calibrate.csv >/dev/null ||
	echo "not ok - the calibration run"
t1=$(now_ms)
rm -f calibrate.db calibrate.db-wal calibrate.db-shm
MAX_MS=$(((t1 - t0) / 8))
[ "$MAX_MS" -ge 50 ] || MAX_MS=50
DELAYS=$(awk -v s="$SEED" -v n="$KILLS" -v m="$MAX_MS" \
	'BEGIN { srand(s); for (i = 1; i <= n; i++) print int(rand() * m) }')
echo "# an uninterrupted run takes $((t1 - t0)) ms; kills after 0-$MAX_MS ms"

# whole WHEN: every check of a ledger a crash may have interrupted
whole() {
	name=$1
	r=$(q "SELECT
	(SELECT count(*) FROM transfer WHERE sealed = 0) || ' ' ||
	(SELECT count(*) FROM (SELECT t.id FROM transfer t LEFT JOIN posting p ON p.transfer_id = t.id
		GROUP BY t.id HAVING count(p.amount) < 2 OR coalesce(sum(p.amount), 0) <> 0)) || ' ' ||
	(SELECT count(*) FROM (SELECT household_id FROM transfer WHERE kind = 'pay'
		GROUP BY household_id HAVING count(*) > 1)) || ' ' ||
	(SELECT count(*) FROM entitlement e WHERE (SELECT coalesce(sum(balance), 0) FROM account a
		WHERE a.household_id = e.household_id AND a.kind = 'transit') > e.total_fen) || ' ' ||
	(SELECT count(*) FROM entitlement e WHERE (SELECT coalesce(sum(balance), 0) FROM account a
		WHERE a.household_id = e.household_id AND a.kind IN ('payable', 'transit')) <> e.total_fen) || ' ' ||
	(SELECT count(*) FROM transfer t WHERE t.kind = 'pay'
		AND (SELECT count(*) FROM payment p WHERE p.transfer_id = t.id) <> 1) || ' ' ||
	(SELECT count(*) FROM payment p LEFT JOIN transfer t ON t.id = p.transfer_id
		WHERE t.id IS NULL OR t.kind <> 'pay' OR t.household_id <> p.household_id
		OR p.amount <> (SELECT sum(q.amount) FROM posting q JOIN account a ON a.id = q.account_id
			WHERE q.transfer_id = t.id AND a.kind = 'transit'))")
	set -- $r
	bad=
	[ "${1:-x}" = 0 ] || bad="$bad; $1 transfer(s) not sealed"
	[ "${2:-x}" = 0 ] || bad="$bad; $2 transfer(s) not adding up to zero or with fewer than two postings"
	[ "${3:-x}" = 0 ] || bad="$bad; $3 household(s) with more than one pay transfer"
	[ "${4:-x}" = 0 ] || bad="$bad; $4 household(s) with more in transit than their entitlement"
	[ "${5:-x}" = 0 ] || bad="$bad; $5 household(s) whose payable + transit is not their entitlement"
	[ "${6:-x}" = 0 ] || bad="$bad; $6 pay transfer(s) without exactly one payment row"
	[ "${7:-x}" = 0 ] || bad="$bad; $7 payment row(s) not matching their transfer"
	run ch --db $DB --as fin ledger verify
	[ "$RC" -eq 0 ] || bad="$bad; ledger verify exits $RC: $ERR"
	if [ -z "$bad" ]; then ok "$name"; else not_ok "$name" "${bad#; }"; fi
}

# ---- kill -9 during payment runs ----

killed=0
finished=0
i=1
for ms in $DELAYS; do
	"$CLEANHEAT" --db $DB --as fin subsidy pay --county $C --date 2023-11-01 -o "b$i.csv" \
		>"pay$i.out" 2>&1 &
	pid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	paid=$(q "SELECT count(*) FROM transfer WHERE kind = 'pay'")
	if [ "$rc" -eq 137 ]; then
		killed=$((killed + 1))
		what="killed after $ms ms"
	else
		finished=$((finished + 1))
		what="finished before the kill at $ms ms (exit $rc)"
	fi
	whole "run $i, $what, $paid paid so far: the ledger is whole"
	i=$((i + 1))
done
echo "# $killed of $KILLS runs killed mid-way, $finished finished first;" \
	"$(q "SELECT count(*) FROM transfer WHERE kind = 'pay'") households paid by them in" \
	"$(q "SELECT count(DISTINCT batch_id) FROM payment") batches;" \
	"$(q "SELECT count(*) FROM payment_batch b WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.batch_id = b.id)")" \
	"batches recorded without payments;" \
	"$(q "SELECT count(*) FROM audit_log WHERE action = 'subsidy.pay'") audited (subsidy.pay)"

# ---- the run that completes ----

run ch --db $DB --as fin subsidy pay --county $C --date 2023-11-02 -o final.csv
expect_rc "pay to completion: exit 0" 0
expect_eq "pay to completion: no batch left without payments by the killed runs" \
	"$(q "SELECT count(*) FROM payment_batch b WHERE NOT EXISTS (SELECT 1 FROM payment p WHERE p.batch_id = b.id)")" 0
whole "after completion: the ledger is whole"
run ch --db $DB --as fin subsidy pay --county $C --date 2023-11-03 -o nothing.csv
case "$OUT" in
*没有待发放的补助*) ok "pay once more: nothing payable" ;;
*) not_ok "pay once more: nothing payable" ;;
esac
expect_eq "every household paid once: $HH pay transfers" "$(q "SELECT count(*) FROM transfer WHERE kind = 'pay'")" $HH
expect_eq "every household paid once: $HH payment rows, one per household" \
	"$(q "SELECT count(*) || ' ' || count(DISTINCT household_id) FROM payment")" "$HH $HH"
expect_eq "every household paid once: transit = entitlement for each" \
	"$(q "SELECT count(*) FROM entitlement e WHERE (SELECT coalesce(sum(balance), 0) FROM account a
		WHERE a.household_id = e.household_id AND a.kind = 'transit') <> e.total_fen
		OR (SELECT coalesce(sum(balance), 0) FROM account a
		WHERE a.household_id = e.household_id AND a.kind = 'payable') <> 0")" 0
expect_eq "every household paid once: the payments add up to the entitlements" \
	"$(q "SELECT sum(amount) FROM payment")" "$ENTITLED"
# the bank files of every batch that has payments, written again
: >all.csv
for b in $(q "SELECT DISTINCT batch_id FROM payment ORDER BY 1"); do
	ch --db $DB --as fin subsidy payfile "$b" -o "pf$b.csv" >/dev/null || echo "not ok - payfile $b"
	sed '1d' "pf$b.csv" | tr -d '\r' >>all.csv
done
expect_eq "bank files: $HH rows over $(q "SELECT count(DISTINCT batch_id) FROM payment") batches" \
	"$(grep -c . all.csv)" $HH
expect_eq "bank files: every 户编号 once" "$(cut -d, -f4 all.csv | sort -u | grep -c .)" $HH
expect_eq "bank files: the amounts add up to the entitlements" \
	"$(awk -F, '{ split($8, p, "."); t += p[1] * 100 + p[2] } END { printf "%.0f\n", t }' all.csv)" "$ENTITLED"
