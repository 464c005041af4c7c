#!/bin/sh
# Eight writers at once against a throwaway PostgreSQL server
# (tests/cli/pg_lib.sh): one process per county of the 2023 plan's seven
# and one for the prefecture, for PG_CONCURRENCY_SECONDS (20 by default)
# each, a county's at least until its money steps are done. The county
# processes walk their households through the steps, by
# `event record` and by `event import` of small batches, and reserve,
# publicise and pay their county's subsidies in between (昌吉市 has
# reviewed households, so its reservation, notice and payment batch move
# money; the other counties' find nothing to reserve); the prefecture's
# allocates funds to the counties under keys of its own. Afterwards
# `verify`, `audit verify`, `ledger verify` and `report verify` pass, every
# step a process was told was stored (exit 0) is in the database exactly
# once, every step it was told was not is absent, every allocation told
# stored is there once, and no process ended otherwise than stored, refused
# or busy.
. tests/cli/lib.sh
. "$ROOT/tests/cli/pg_lib.sh"
pg_start

SECS=${PG_CONCURRENCY_SECONDS:-20}
FF=$FIX/funds
C=昌吉市
LITE=lite.db

# ---- the register, reviews and funds, made on SQLite and copied over
# with db copy ----

printf 'JPEG 照片' >photo.jpg
lch() { "$CLEANHEAT" --db "$LITE" "$@" >/dev/null 2>>setup.err; }
lch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 --es-area 2462300 &&
	lch household import "$FF/register.csv" &&
	lch demo generate --households 560 --seed 7 -o demo.csv &&
	lch household import demo.csv --new-places &&
	lch event import "$FF/events.csv" || echo "not ok - setting up the register"
for h in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008; do
	lch inspect record $h --county $C --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg || echo "not ok - self-inspection of $h"
done
lch user add rv --role reviewer && lch user add fin --role finance
review_passed $LITE $C "pg-$C" 2>>setup.err
lch --as fin funds appropriate --source central --amount 1000000 --date 2023-06-01 --key K-C1 &&
	lch --as fin funds appropriate --source region --amount 100000 --date 2023-06-01 --key K-R1 &&
	lch --as fin funds appropriate --source central --amount 60000 --date 2023-06-05 --key A-C1 --to $C &&
	lch --as fin funds appropriate --source 自治区资金 --amount 30000 --date 2023-06-05 --key A-R1 --to $C &&
	lch --as fin funds appropriate --source 州级 --amount 10000 --date 2023-06-05 --key A-P1 --to $C --direct &&
	lch --as fin funds appropriate --source 县级 --amount 10000 --date 2023-06-05 --key A-X1 --to $C --direct ||
	echo "not ok - the ledger set-up"
ch db copy --from "sqlite:$LITE" --to "$PGURL" >/dev/null 2>>setup.err || echo "not ok - db copy"
if [ -s setup.err ]; then sed 's/^/    /' setup.err | head -20; fi

# ---- the writers ----

COUNTIES=$(tail -n +2 demo.csv | cut -d, -f1 | sort -u)
expect_eq "the register has households in the plan's seven counties" "$(echo "$COUNTIES" | wc -l)" 7

# pg CMD...: cleanheat on PostgreSQL; the status is what counts
pg() { "$CLEANHEAT" --db "$PGURL" "$@" >/dev/null 2>>"$errs"; }

# note FILE WHAT RC: files WHAT under stored (0), refused or busy
note() {
	case $3 in
	0) echo "$2" >>"$1.stored" ;;
	75) echo "$2" >>"$1.busy" ;;
	*) echo "$2 $3" >>"$1.refused" ;;
	esac
}

# county_writer NAME: steps of NAME's households, and its money, until END
county_writer() {
	w=w$(printf '%s' "$1" | cksum | cut -d' ' -f1)
	errs=$w.err
	: >"$w.stored"
	i=0
	for h in $(awk -F, -v c="$1" '$1 == c { print $4 }' demo.csv); do
		# until END, and at least through the money steps (the sixth
		# household), which a loaded machine might not reach in time
		[ "$(date +%s)" -lt "$END" ] || [ "$i" -lt 6 ] || break
		i=$((i + 1))
		pg event record "$h" 已开工 --county "$1" --date 2023-05-10
		rc=$?
		note "$w" "$h,已开工" $rc
		[ $rc -eq 0 ] || continue
		printf '县市,户编号,环节,日期,备注\n%s,%s,已完工,2023-07-20,\n%s,%s,已调试,2023-08-01,\n' \
			"$1" "$h" "$1" "$h" >"$w-$i.csv"
		pg event import "$w-$i.csv"
		rc=$?
		note "$w" "$h,已完工" $rc
		note "$w" "$h,已调试" $rc
		case $i in
		2) pg --as fin subsidy reserve --county "$1" --date 2023-10-25; note "money-$w" reserve $? ;;
		4) pg --as fin notice create --county "$1" --date 2023-10-25; note "money-$w" notice $? ;;
		6) pg --as fin subsidy pay --county "$1" --date 2023-11-05 -o "$w-pay.csv"; note "money-$w" pay $? ;;
		esac
	done
	echo "$w" >>writers
}

# prefecture_writer: allocations to the counties in turn, until END
prefecture_writer() {
	w=wpref
	errs=$w.err
	: >"$w.stored"
	i=0
	while [ "$(date +%s)" -lt "$END" ]; do
		i=$((i + 1))
		c=$(echo "$COUNTIES" | sed -n "$((i % 7 + 1))p")
		pg --as fin funds appropriate --source central --amount 10 --date 2023-06-10 \
			--key "P-$i" --to "$c"
		note "$w" "P-$i" $?
	done
}

END=$(($(date +%s) + SECS))
pids=
for c in $COUNTIES; do
	county_writer "$c" &
	pids="$pids $!"
done
prefecture_writer &
pids="$pids $!"
for p in $pids; do wait "$p"; done

cat w*.stored | grep -v '^P-' | sort >told.txt
n=$(wc -l <told.txt)
if [ "$n" -ge 50 ]; then ok "the county writers stored $n steps in $SECS s"; else
	not_ok "the county writers stored $n steps in $SECS s" "expected 50 at least"; fi
psql -Atc "SELECT h.hh_no || ',' || s.name FROM event e JOIN household h ON h.id = e.household_id
	JOIN stage s ON s.no = e.stage_no WHERE h.hh_no LIKE '%-%'" | sort >db.txt
expect_eq "no step stored twice" "$(uniq -d db.txt | head -5)" ""
if cmp -s told.txt db.txt; then ok "every step told stored is there once, and no other"; else
	OUT=$(diff told.txt db.txt | head -10)
	not_ok "every step told stored is there once, and no other" "< told, > in the database"
fi
busy=$(cat w*.busy money-*.busy 2>/dev/null | wc -l)
refused=$(cat w*.refused money-*.refused 2>/dev/null | grep -v ' 75$' | wc -l)
expect_eq "no write refused (busy ones: $busy, allowed)" "$refused" 0
[ "$refused" -eq 0 ] || cat w*.refused money-*.refused 2>/dev/null | head -5 | sed 's/^/    /'

told=$(sort wpref.stored)
in_db=$(psql -Atc "SELECT idem_key FROM transfer WHERE idem_key LIKE 'P-%'" | sort)
expect_ne "the prefecture allocated funds" "$told" ""
expect_eq "every allocation told stored is there once" "$in_db" "$told"

cw=w$(printf '%s' "$C" | cksum | cut -d' ' -f1)
expect_eq "$C: reservation, notice and payment batch stored" "$(cat "money-$cw.stored" 2>/dev/null | tr '\n' ' ')" "reserve notice pay "
expect_ne "$C: the payment batch paid households" \
	"$(psql -Atc "SELECT count(*) FROM payment")" 0

run ch --db "$PGURL" verify
expect_rc "after the writers: verify" 0
run ch --db "$PGURL" audit verify
expect_rc "after the writers: audit verify" 0
run ch --db "$PGURL" --as fin ledger verify
expect_rc "after the writers: ledger verify" 0
run ch --db "$PGURL" report verify
expect_rc "after the writers: report verify" 0
