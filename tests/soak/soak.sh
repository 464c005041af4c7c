#!/bin/sh
# `make soak`: the writes that matter most, killed with SIGKILL at random
# moments, again and again, and the database checked after every kill.
#
# A prepared database holds a register of SOAK_HH households (default 3,000)
# of 昌吉市: the first sixth paid in one batch whose bank return is waiting,
# the next sixth reserved and waiting to be paid, the rest registered and
# waiting for their construction steps. It is made with cleanheat commands
# only (steps, self-inspection, review, funds, reserve, pay), as an office
# would, so that `cleanheat verify` passes on it; sqlite3 only reads. Each
# round starts from a copy of it and runs one of four writes, drawn at
# random:
#
#   household import  a ledger of SOAK_HH/3 new households
#   event import      the construction steps of the registered households
#   payment           subsidy pay for the reserved households
#   reconciliation    subsidy reconcile of the bank's return (some failed)
#
# and kills it with kill -9 after a random delay between 0 and the time an
# uninterrupted run of that write takes (measured first, then brought down
# whenever a run finishes before its kill). Then: PRAGMA
# integrity_check, `cleanheat verify` (see verify below), and that nothing
# is half-written: the households are those before or those after the
# import, never some of them, and each is one the import records say was
# stored; the events are those before or after the whole batch; every
# transfer of the ledger is sealed and adds up to zero, no household is
# paid twice, every pay transfer has its one payment; the return is
# applied to all its payments or to none.
#
# Runs until SOAK_KILLS (default 1000) runs were killed while running (a
# run that finished before its kill is counted apart) and prints the kills
# and the problems found (aim: 0); exits 1 when there was a problem.
# SOAK_SEED fixes the draws (printed). The binary is $CLEANHEAT, else
# build/release/cleanheat.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CLEANHEAT=${CLEANHEAT:-$ROOT/build/release/cleanheat}
KILLS=${SOAK_KILLS:-1000}
HH=${SOAK_HH:-3000}
SEED=${SOAK_SEED:-$(awk 'BEGIN { srand(); print int(rand() * 1000000) }')}
PLAN=$ROOT/tests/fixtures/funds/crash-plan.csv
for tool in sqlite3 awk; do
	command -v $tool >/dev/null 2>&1 || {
		echo "soak: needs the $tool tool" >&2
		exit 2
	}
done
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 2

ch() { "$CLEANHEAT" "$@"; }
q() { sqlite3 "$DB" "$1"; }
now_ms() {
	t=$(date +%s%N)
	echo $((t / 1000000))
}
die() {
	echo "soak: $*" >&2
	exit 2
}

# The verify command after each kill: every check of `cleanheat verify`
# (audit chain, checkpoints, rows against their seals, ledger, aggregates).
verify() {
	ch --db "$DB" verify
}

# ---- the prepared database ----

DB=prepared.db
A=$((HH / 6))      # households paid in the first batch (return waiting)
B=$((2 * HH / 6))  # up to here: reserved, to be paid
NEW=$((HH / 3))    # new households of the household import
echo "# preparing $HH households (seed $SEED, SOAK_SEED)"
ch --db $DB plan import "$PLAN" --year 2023 >/dev/null &&
	ch --db $DB demo generate --households $((HH + NEW)) --seed 7 -o all.csv >/dev/null ||
	die "cannot generate the register"
head -n $((HH + 1)) all.csv >register.csv
{ head -n 1 all.csv; tail -n +$((HH + 2)) all.csv; } >new.csv
ch --db $DB household import register.csv >/dev/null || die "cannot import the register"
ch --db $DB demo events --as-of 2023-10-31 --seed 7 -o steps-all.csv >/dev/null ||
	die "cannot generate the steps"
# households 1..B (county, number) are paid or reserved; the steps of the
# event import are those of the others, still registered
q "SELECT r.name, h.hh_no FROM household h JOIN region r ON r.id = h.county_id
	WHERE h.id <= $B ORDER BY h.id" | tr '|' , >built-hh.txt
awk -F, 'NR == FNR { paid[$2] = 1; next } FNR == 1 || !($2 in paid)' built-hh.txt steps-all.csv \
	>steps.csv
# households 1..B brought to 复核通过 the way an office does it, through the
# program only (verify refuses rows changed outside it): their steps to 已调试
# in one event file, then for 1..A and later for A+1..B a self-inspection
# file, a review application, its assignment and the results of the sample
awk -F, 'BEGIN { print "县市,户编号,环节,日期,备注" }
	{ printf "%s,%s,已开工,2023-05-10,\n%s,%s,已完工,2023-07-20,\n%s,%s,已调试,2023-08-01,\n",
	  $1, $2, $1, $2, $1, $2 }' built-hh.txt >built.csv
ch --db $DB event import built.csv >/dev/null || die "cannot record the steps of households 1..$B"
printf 'JPEG 自验照片' >photo.jpg
ch --db $DB user add rv --role reviewer >/dev/null || die "cannot add the reviewer"
reviewed() { # FIRST LAST DAY: households FIRST..LAST self-inspected on DAY, reviewed after
	awk -F, -v f="$1" -v l="$2" -v d="$3" 'BEGIN { print "县市,户编号,结果,日期,自验人员,证明材料" }
		NR >= f && NR <= l { printf "%s,%s,合格,%s,张三,photo.jpg\n", $1, $2, d }' \
		built-hh.txt >inspect-$1.csv
	ch --db $DB inspect import inspect-$1.csv >/dev/null || die "cannot self-inspect $1..$2"
	app=$(ch --db $DB review apply --county 昌吉市 --date "$3" --all-passed |
		sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
	[ -n "$app" ] || die "cannot apply for the review of $1..$2"
	ch --db $DB review assign "$app" --unit 州住建局 --reviewer rv --seed "soak-$1" >/dev/null ||
		die "cannot assign $app"
	for h in $(ch --db $DB --as rv review sample "$app" --format csv | tr -d '\r' |
		awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }'); do
		ch --db $DB --as rv review result "$app" "$h" --result pass --evidence photo.jpg \
			--date 2023-10-20 >/dev/null || die "cannot record the review of $h"
	done
	[ "$(q "SELECT count(*) FROM household WHERE status = 'reviewed' AND id BETWEEN $1 AND $2")" = \
		$(($2 - $1 + 1)) ] || die "households $1..$2 did not pass the review"
}
reviewed 1 $A 2023-10-10
ch --db $DB user add fin --role finance >/dev/null || die "cannot add the finance user"
for s in central region prefecture county; do
	ch --db $DB --as fin funds appropriate --source $s --amount 100000000 --date 2023-06-01 \
		--key soak-$s --to 昌吉市 --direct >/dev/null || die "cannot fund ($s)"
done
ch --db $DB --as fin subsidy reserve --county 昌吉市 --date 2023-10-25 >/dev/null &&
	ch --db $DB --as fin notice create --county 昌吉市 --date 2023-10-25 >/dev/null &&
	ch --db $DB --as fin subsidy pay --county 昌吉市 --date 2023-11-01 -o pay1.csv >/dev/null ||
	die "cannot pay the first batch"
# the bank's return: every seventh payment failed
tr -d '\r\357\273\277' <pay1.csv | awk -F, 'NR == 1 { print "流水号,金额(元),状态,日期,原因"; next }
	{ ok = (NR % 7 != 0); printf "%s,%s,%s,2023-11-05,%s\n", $1, $8, ok ? "成功" : "失败",
	  ok ? "" : "账户已销户" }' >return.csv
reviewed $((A + 1)) $B 2023-10-12
ch --db $DB --as fin subsidy reserve --county 昌吉市 --date 2023-10-26 >/dev/null &&
	ch --db $DB --as fin notice create --county 昌吉市 --date 2023-10-26 >/dev/null ||
	die "cannot reserve and publicise the second group"
# no row changes: the write-ahead log folded into the file each round copies
q "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
verify >/dev/null 2>verify.err || die "the prepared database does not verify: $(cat verify.err)"
HH0=$(q "SELECT count(*) FROM household")
EV0=$(q "SELECT count(*) FROM event")
EVN=$(($(wc -l <steps.csv) - 1))
PAID0=$(q "SELECT count(*) FROM payment")
RET=$(($(wc -l <return.csv) - 1))
RETOK=$(grep -c 成功 return.csv)
echo "# prepared: $HH0 households, $EV0 steps, $PAID0 payments; the runs: $NEW new households, $EVN steps, $((B - A)) payments, a return of $RET"

# ---- the four writes ----

OPS="household event pay reconcile"
start() { # OP: runs it in the background on $DB, its pid (the program's) in $PID
	case $1 in
	household) set -- household import new.csv ;;
	event) set -- event import steps.csv ;;
	pay) set -- --as fin subsidy pay --county 昌吉市 --date 2023-11-02 -o pay2.csv ;;
	reconcile) set -- --as fin subsidy reconcile return.csv ;;
	esac
	"$CLEANHEAT" --db "$DB" "$@" >/dev/null 2>run.err &
	PID=$!
}
fresh() {
	DB=run.db
	rm -f run.db run.db-wal run.db-shm
	cp prepared.db run.db
}

# how long an uninterrupted run of each takes
for op in $OPS; do
	fresh
	t0=$(now_ms)
	start $op
	wait $PID
	rc=$?
	t1=$(now_ms)
	case $op/$rc in
	household/0 | event/0 | pay/0 | reconcile/0 | reconcile/1) ;;
	*) die "an uninterrupted $op run exits $rc: $(cat run.err)" ;;
	esac
	eval "MS_$op=$((t1 - t0))"
	echo "# an uninterrupted $op run takes $((t1 - t0)) ms"
done

# ---- kill, check, again ----

problems=0 kills=0 finished=0 round=0
problem() {
	problems=$((problems + 1))
	echo "problem (round $round, $op killed after $delay ms): $*"
}
check() {
	r=$(q "PRAGMA integrity_check;" 2>&1)
	[ "$r" = ok ] || problem "integrity_check: $r"
	verify >/dev/null 2>verify.err || problem "verify: $(cat verify.err)"
	set -- $(q "SELECT
	(SELECT count(*) FROM household),
	(SELECT coalesce(sum(inserted), 0) FROM household_import),
	(SELECT count(*) FROM event),
	(SELECT count(*) FROM transfer WHERE sealed = 0),
	(SELECT count(*) FROM (SELECT t.id FROM transfer t LEFT JOIN posting p ON p.transfer_id = t.id
		GROUP BY t.id HAVING count(p.amount) < 2 OR coalesce(sum(p.amount), 0) <> 0)),
	(SELECT count(*) FROM (SELECT household_id FROM transfer WHERE kind = 'pay'
		GROUP BY household_id HAVING count(*) > 1)),
	(SELECT count(*) FROM transfer t WHERE t.kind = 'pay'
		AND (SELECT count(*) FROM payment p WHERE p.transfer_id = t.id) <> 1),
	(SELECT count(*) FROM payment WHERE batch_id = 1 AND status <> 'sent')" | tr '|' ' ')
	hh=${1:-x} stored=${2:-x} ev=${3:-x}
	[ "$hh" = "$HH0" ] || [ "$hh" = $((HH0 + NEW)) ] ||
		problem "$hh households: neither the $HH0 before the import nor the $((HH0 + NEW)) after"
	[ "$hh" = "$stored" ] || problem "$hh households, but the import records say $stored were stored"
	# the event import adds its steps; a return, the 补助已发放 of the paid
	case $op in
	event) after=$((EV0 + EVN)) ;;
	reconcile) after=$((EV0 + RETOK)) ;;
	*) after=$EV0 ;;
	esac
	[ "$ev" = "$EV0" ] || [ "$ev" = "$after" ] ||
		problem "$ev steps: neither the $EV0 before nor the $after after"
	[ "${4:-x}" = 0 ] || problem "$4 transfer(s) not sealed"
	[ "${5:-x}" = 0 ] || problem "$5 transfer(s) not adding up to zero or with fewer than two postings"
	[ "${6:-x}" = 0 ] || problem "$6 household(s) paid twice"
	[ "${7:-x}" = 0 ] || problem "$7 pay transfer(s) without exactly one payment"
	[ "${8:-x}" = 0 ] || [ "${8:-x}" = "$RET" ] ||
		problem "the return applied to $8 of its $RET payments"
}

NDRAW=0
draw() { # the next random number in [0, 1) of this seed, into R
	NDRAW=$((NDRAW + 1))
	R=$(awk -v s="$SEED" -v i="$NDRAW" 'BEGIN { srand(s * 7919 + i); rand(); print rand() }')
}
t_start=$(now_ms)
while [ $kills -lt "$KILLS" ]; do
	round=$((round + 1))
	draw
	op=$(echo $OPS | awk -v r="$R" '{ print $(int(r * NF) + 1) }')
	draw
	eval "ms=\$MS_$op"
	delay=$(awk -v r="$R" -v m="$ms" 'BEGIN { printf "%d", r * m * 0.9 }')
	fresh
	start $op
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	# the runs get faster or slower with the machine's load: a run that
	# finished first brings the longest delay down to what it took, a kill
	# lets it grow a little
	if kill -9 $PID 2>/dev/null; then
		kills=$((kills + 1))
		eval "MS_$op=$((ms + ms / 20 + 1))"
	else
		finished=$((finished + 1))
		eval "MS_$op=$((delay > 20 ? delay : 20))"
	fi
	wait $PID 2>/dev/null
	check
	if [ $((round % 100)) -eq 0 ]; then
		echo "# $round rounds: $kills killed, $finished finished first, $problems problem(s)"
	fi
done
t_end=$(now_ms)
echo "kills: $kills (and $finished runs that finished before their kill), problems: $problems ($round rounds, $(((t_end - t_start) / 1000)) s)"
[ $problems -eq 0 ]
