#!/bin/sh
# The same commands on SQLite and on PostgreSQL give the same output, byte
# for byte: stdout, stderr and exit status, with the database's name and the
# clock's times masked (they differ by nature). The commands are those of
# the main path that run on PostgreSQL so far (docs/architecture.md,
# "PostgreSQL"): db init, region import and list, plan import, show and a
# refused plan, users added, refused and listed, rules, the verifications,
# household import (good files, files refused row by row, re-imports and
# updates, --new-places, --skip-invalid with its rejects file, 1,500
# generated households) and the search (names, villages, addresses, the
# beginnings and ends of numbers, with filters and pages) afterwards,
# and, on a database copied from SQLite with households, events, reviews
# and payments, the dispatch and every verification again, the bank's
# return, a recovery claim, spending, and the fund audit with every kind of
# finding.
. tests/cli/lib.sh
. "$ROOT/tests/cli/pg_lib.sh"
pg_start

LITE=lite.db
PG=$(pg_newdb same)

# same NAME ARGS...: the command on both databases; equal output is ok
same() {
	name=$1
	shift
	"$CLEANHEAT" --db "$LITE" "$@" >a.out 2>a.err
	arc=$?
	"$CLEANHEAT" --db "$PG" "$@" >b.out 2>b.err
	brc=$?
	for f in a.out a.err b.out b.err; do
		sed -e "s|$PG|DB|g" -e "s|$LITE|DB|g" \
			-e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z\{0,1\}/TIME/g' \
			-e 's/[0-9]\{4\}年[0-9]\{1,2\}月[0-9]\{1,2\}日 [0-9][0-9]:[0-9][0-9]/TIME/g' "$f" >"$f.m"
	done
	if [ "$arc" -eq "$brc" ] && cmp -s a.out.m b.out.m && cmp -s a.err.m b.err.m; then
		ok "same on both: $name (exit $arc)"
	else
		RC=$brc
		OUT=$(diff a.out.m b.out.m | head -20)
		ERR=$(diff a.err.m b.err.m | head -20)
		not_ok "same on both: $name" "SQLite exit $arc, PostgreSQL exit $brc; diffs below (< SQLite, > PostgreSQL)"
	fi
}

same "db init" db init
same "db init again" db init
same "region import" region import "$FIX/region/changji-townships.csv"
same "region import of the same file" region import "$FIX/region/changji-townships.csv"
same "region list" region list
same "region list --format csv" region list --format csv
same "plan import" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 --es-area 2462300
same "plan import of the same plan" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 --es-area 2462300
same "plan import of a misprinted plan (refused)" plan import "$ROOT/data/plans/changji-2023.csv" --year 2023
same "plan import of an unknown county (refused)" plan import "$FIX/plan/unknown-county.csv" --year 2023
same "plan show" plan show --year 2023
same "plan show --format json" plan show --year 2023 --format json
same "user add" user add alice --role county_operator --scope 昌吉市
same "user add of an existing name (refused)" user add alice --role finance
same "user add with an unknown scope (refused)" user add bob --role county_operator --scope 没有这个县
same "user add finance" user add fin --role finance
same "user list" user list --format csv
same "acting as a county operator outside the scope (refused)" --as alice plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023
same "rules list" rules list
same "rules list --all" rules list --all
same "audit verify" audit verify
same "ledger verify" --as fin ledger verify
same "report verify" report verify
same "verify (seals, payments, progress)" verify
same "report dispatch (no households yet)" report dispatch --year 2023 --as-of 2023-07-16 --format csv
same "an unknown household (refused)" household show XX001 --county 昌吉市

# ---- the register imported on each ----

HF=$FIX/household
same "household import of a good file" household import "$HF/good.csv"
same "household import: a bad ID number refused, naming row and field" household import "$HF/bad-id-check.csv"
same "household import: four bad rows refused, nothing saved" household import "$HF/bad-heated-area.csv"
same "household import: ID numbers twice in the file (both rows refused)" household import "$HF/dup-in-file.csv"
same "household import: re-import of the same file (unchanged)" household import "$HF/good.csv"
same "household import: re-import with a new phone (updated)" household import "$HF/good-new-phone.csv"
same "household import: another county's ID number (refused)" household import "$HF/dup-other-county.csv"
same "household import: a shared phone (a warning)" household import "$HF/shared-phone.csv"
same "household import: the same row, then its ID again (both refused)" household import "$HF/unchanged-then-dup-id.csv"
sed -e 's/大西渠镇,大西渠村,CJ001/大西渠填,大西渠村,CJ001/' "$HF/good.csv" >misspelt.csv
same "household import: an unknown township without --new-places (refused)" household import misspelt.csv
same "household import: outside a county operator's scope (refused)" --as alice household import "$HF/fk-fukang.csv"
# --skip-invalid with a rejects file: the same summary and the same file
"$CLEANHEAT" --db "$LITE" household import --skip-invalid --rejects rej-lite.csv "$HF/six.csv" >a.out 2>&1
arc=$?
"$CLEANHEAT" --db "$PG" household import --skip-invalid --rejects rej-pg.csv "$HF/six.csv" >b.out 2>&1
brc=$?
sed -i 's/rej-lite.csv/FILE/; s/rej-pg.csv/FILE/' a.out b.out
if [ $arc -eq 0 ] && [ $brc -eq 0 ] && cmp -s a.out b.out && cmp -s rej-lite.csv rej-pg.csv &&
	grep -q 取暖面积 rej-pg.csv; then
	ok "same on both: household import --skip-invalid --rejects, and the same rejects file"
else
	OUT=$(diff a.out b.out; diff rej-lite.csv rej-pg.csv)
	not_ok "same on both: household import --skip-invalid --rejects" "exit $arc / $brc"
fi
same "household list after the imports" household list --format csv
same "household show of an updated household" household show CJ001 --county 昌吉市
same "household history of an updated household" household history CJ001 --county 昌吉市
same "household duplicates" household duplicates --format csv

# a prefecture whose townships come with its register (no region list
# imported first): places are added as the rows name them
LITE=demo.db
PG=$(pg_newdb demo)
same "demo: db init" db init
same "demo: plan import" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023
same "demo: user add" user add alice --role county_operator --scope 昌吉市
same "demo: household import of a good file" household import "$HF/good.csv"
same "demo: an unknown township without --new-places (refused)" household import misspelt.csv
same "demo: an unknown township with --new-places" household import misspelt.csv --new-places
"$CLEANHEAT" --db "$LITE" demo generate --households 1500 --seed 9 -o demo.csv >/dev/null ||
	echo "not ok - demo generate"
same "demo: household import of 1,500 generated households" household import demo.csv --new-places
same "demo: household import of them again (unchanged)" household import demo.csv --new-places
same "demo: household list" household list --format csv

# the search: a name (one, two and three characters), a village, an
# address, the beginning and the end of an ID number and a phone, a 户编号
hname=$(sed -n 20p demo.csv | cut -d, -f5 | sed 's/（样例）//')
id=$(sed -n 20p demo.csv | cut -d, -f6)
phone=$(sed -n 20p demo.csv | cut -d, -f7)
hhno=$(sed -n 20p demo.csv | cut -d, -f4)
one=$(printf '%s' "$hname" | cut -c1-3)
two=$(printf '%s' "$hname" | cut -c1-6)
for q in "$hname" "$one" "$two" 样例村07 样例镇02样例村07 "1号" \
	"$(printf '%s' "$id" | cut -c1-10)" "$(printf '%s' "$id" | cut -c15-18)" \
	"$(printf '%s' "$phone" | cut -c1-7)" "$(printf '%s' "$phone" | cut -c8-11)" \
	"$(printf '%s' "$hhno" | cut -c1-11)" 张三 没有这个人 x 12; do
	same "household search $q" household search "$q" --format csv
done
# and on PostgreSQL the searches find the household they were taken from
for q in "$hname" "$two" "$(printf '%s' "$id" | cut -c15-18)" "$(printf '%s' "$phone" | cut -c8-11)" \
	"$(printf '%s' "$id" | cut -c1-10)" "$(printf '%s' "$hhno" | cut -c1-11)"; do
	case "$("$CLEANHEAT" --db "$PG" household search "$q" --limit 100000 --format csv)" in
	*",$hhno,"*) ok "PostgreSQL: household search $q finds $hhno" ;;
	*) not_ok "PostgreSQL: household search $q finds $hhno" ;;
	esac
done
same "household search: a name within a county, a page" household search "$one" --county 昌吉市 --limit 5 --offset 2
same "household search: a village within a township" household search 样例村 --county 昌吉市 --township 样例镇02 --format csv
same "household search: the page after a household" household search "$one" --limit 3 --after "昌吉市/$hhno"
same "household search: by status and year" household search 样例 --status 已登记 --year 2023 --limit 20 --format csv
same "household search --reveal (audited)" household search "$hname" --reveal
same "household search: as a county operator (scope)" --as alice household search "$one" --format csv
same "household search as JSON" household search "$two" --format json
same "a withdrawal after the import" event record "$hhno" 已退出 --county 昌吉市 --date 2023-11-02 --note 农户搬迁
same "household search of a withdrawn household's ID number" household search "$id" --format csv
same "household show of the withdrawn household" household show "$hhno" --county 昌吉市
same "audit verify after the imports" audit verify
same "verify after the imports" verify

# ---- a register with progress, reviews and money, copied over ----

FF=$FIX/funds
C=昌吉市
DB=m.db
printf 'JPEG 照片' >photo.jpg
ch --db $DB plan import "$FF/plan.csv" --year 2023 >/dev/null &&
	ch --db $DB household import "$FF/register.csv" >/dev/null &&
	ch --db $DB event import "$FF/events.csv" >/dev/null || echo "not ok - setting up the register"
for h in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008; do
	ch --db $DB inspect record $h --county $C --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg >/dev/null || echo "not ok - self-inspection of $h"
done
ch --db $DB event record FK001 已调试 --county 阜康市 --date 2023-09-20 >/dev/null 2>&1
ch --db $DB user add rv --role reviewer >/dev/null && ch --db $DB user add fin --role finance >/dev/null
review_passed $DB $C "pg-$C"
fin() { ch --db "$DB" --as fin "$@"; }
fin funds appropriate --source central --amount 100000 --date 2023-06-01 --key K-C1 >/dev/null &&
	fin funds appropriate --source region --amount 100000 --date 2023-06-01 --key K-R1 >/dev/null &&
	fin funds appropriate --source central --amount 60000 --date 2023-06-05 --key A-C1 --to $C >/dev/null &&
	fin funds appropriate --source 自治区资金 --amount 30000 --date 2023-06-05 --key A-R1 --to $C >/dev/null &&
	fin funds appropriate --source 州级 --amount 10000 --date 2023-06-05 --key A-P1 --to $C --direct >/dev/null &&
	fin funds appropriate --source 县级 --amount 10000 --date 2023-06-05 --key A-X1 --to $C --direct >/dev/null &&
	fin subsidy reserve --county $C --date 2023-10-25 >/dev/null &&
	fin notice create --county $C --date 2023-10-25 >/dev/null || echo "not ok - the ledger set-up"
LITE=$DB
PG=$(pg_newdb copied)
ch db copy --from "sqlite:$DB" --to "$PG" >/dev/null || echo "not ok - db copy"
same "copied: verify (the seals written on SQLite verify on PostgreSQL)" verify
same "copied: audit verify" audit verify
same "copied: notice list" notice list
same "copied: ledger verify" --as fin ledger verify
same "copied: report verify" report verify
for d in 2023-07-16 2023-09-30 2023-11-30; do
	same "copied: report dispatch as of $d" report dispatch --year 2023 --as-of $d --format csv
done
same "copied: report dispatch (table)" report dispatch --year 2023 --as-of 2023-10-30
same "copied: user list" user list --format csv
same "copied: plan show" plan show --year 2023
same "copied: plan coverage" plan coverage --year 2023 --format csv

same "copied: household list" household list
same "copied: household list of a county, as CSV" household list --county 阜康市 --format csv
same "copied: household list, a page after a household" household list --limit 2 --after 652301/CJ002
same "copied: household list by status" household list --status 复核通过 --format csv
same "copied: household show" household show CJ003 --county $C
same "copied: household search (the index follows a copy)" household search 资金CJ00 --format csv
same "copied: household search of an ID number's end" household search 0019 --format csv
same "copied: household show --reveal (audited)" household show CJ003 --county $C --reveal
same "copied: audit verify after a reveal" audit verify
same "copied: audit log" audit log --limit 5
same "copied: audit log of one household" audit log --county $C --household CJ003 --format csv
same "copied: audit log of a county" audit log --county $C --format csv
same "copied: audit log by object" audit log --object plan:
same "copied: a self-inspection" inspect record FK002 --county 阜康市 --result pass --date 2023-10-08 --inspector 李四 --evidence photo.jpg
same "copied: a step recorded by hand (a withdrawal)" event record FK003 已退出 --county 阜康市 --date 2023-11-02 --note 农户搬迁
same "copied: a step that is refused (backwards)" event record FK001 已开工 --county 阜康市 --date 2023-11-03
printf '县市,户编号,环节,日期,备注\n阜康市,FK001,已退出,2023-11-06,农户搬迁\n' >ev-ok.csv
printf '县市,户编号,环节,日期,备注\n阜康市,FK002,已开工,2023-11-06,\n阜康市,FK009,已开工,2023-11-06,\n' >ev-bad.csv
same "copied: event import of a weekly batch" event import ev-ok.csv
same "copied: event import of a batch with errors (refused whole)" event import ev-bad.csv
same "copied: report verify after the steps" report verify
same "copied: an allocation" --as fin funds appropriate --source central --amount 1000 --date 2023-11-01 --key A-C2 --to $C
same "copied: the same allocation again (same key)" --as fin funds appropriate --source central --amount 1000 --date 2023-11-01 --key A-C2 --to $C
same "copied: an allocation beyond the balance (refused)" --as fin funds appropriate --source central --amount 99999999 --date 2023-11-01 --key A-C3 --to $C
same "copied: a reservation with nothing to reserve" --as fin subsidy reserve --county 阜康市 --date 2023-11-02
# the payment batch, and its bank file
"$CLEANHEAT" --db "$LITE" --as fin subsidy pay --county $C --date 2023-11-05 -o pay-lite.csv >a.out 2>&1
arc=$?
"$CLEANHEAT" --db "$PG" --as fin subsidy pay --county $C --date 2023-11-05 -o pay-pg.csv >b.out 2>&1
brc=$?
sed -i 's/pay-lite.csv/FILE/; s/pay-pg.csv/FILE/' a.out b.out
if [ $arc -eq 0 ] && [ $brc -eq 0 ] && cmp -s a.out b.out && cmp -s pay-lite.csv pay-pg.csv; then
	ok "same on both: copied: subsidy pay, and the same bank file ($(wc -l <pay-pg.csv) lines)"
else
	OUT=$(diff a.out b.out; diff pay-lite.csv pay-pg.csv)
	not_ok "same on both: copied: subsidy pay" "exit $arc / $brc"
fi
same "copied: ledger verify after paying" --as fin ledger verify
same "copied: subsidy batches" --as fin subsidy batches --format csv
same "copied: review list" review list --format csv
same "copied: report funds" --as fin report funds --year 2023 --as-of 2023-12-31 --format csv
same "copied: report funds, overdue payments counted" --as fin report funds --year 2023 --as-of 2024-06-30
for d in 2023-10-31 2023-12-31 2024-06-30; do
	same "copied: funds audit as of $d" --as fin funds audit --as-of $d --format csv
done
same "copied: funds audit (table)" --as fin funds audit --as-of 2024-06-30
# every kind of finding: one household withdraws while its payment is at
# the bank which then pays it (追回), a claim for recovery (待追回), money
# spent outside the policy (挤占), a withdrawal recorded late, dated before
# its payment left (挪用)
sed '1s/^\xEF\xBB\xBF//' pay-lite.csv | tr -d '\r' |
	awk -F, 'NR == 1 { print "流水号,状态,日期"; next } $1 ~ /^[0-9]/ { print $1 ",成功,2023-11-08" }' >return.csv
paid=$(sed '1s/^\xEF\xBB\xBF//' pay-lite.csv | tr -d '\r' | grep -o 'CJ00[0-9]' | sort -u | head -3)
first=$(printf '%s\n' "$paid" | sed -n 1p)
second=$(printf '%s\n' "$paid" | sed -n 2p)
third=$(printf '%s\n' "$paid" | sed -n 3p)
same "copied: a paid household withdraws (payment at the bank)" event record "$first" 已退出 --county $C --date 2023-11-06 --note 农户搬迁
same "copied: a withdrawal dated before the payment left" event record "$third" 已退出 --county $C --date 2023-11-04 --note 农户搬迁
same "copied: the bank's return" --as fin subsidy reconcile return.csv
same "copied: a claim for recovery" --as fin subsidy recover "$second" --county $C --amount 100 --reason 设备已拆除 --date 2023-11-20
same "copied: spending outside the policy" --as fin funds spend --county $C --source central --category 办公经费 --amount 500 --date 2023-11-10 --key S-1
for d in 2023-11-09 2023-12-20; do
	same "copied: funds audit, every kind, as of $d" --as fin funds audit --as-of $d --format csv
done
same "copied: funds audit as JSON" --as fin funds audit --as-of 2023-12-20 --format json
a=$("$CLEANHEAT" --db "$LITE" --as fin funds audit --as-of 2023-12-20 --format csv)
for k in 追回 待追回 挤占 挪用 截留 结余 重复发放; do
	case "$a" in *"$k,"*) ok "copied: the compared audit holds a $k finding" ;;
	*) not_ok "copied: the compared audit holds a $k finding" "$a" ;; esac
done
same "copied: report dispatch by month, after the steps" report dispatch --year 2023 --as-of 2023-11-30 --period month --format csv
same "copied: report remind" report remind --year 2023 --as-of 2023-07-16

# a change made on each database afterwards is sealed the same way
same "copied: user add" user add au --role auditor
a=$(sqlite3 "$LITE" "SELECT kind || '|' || object || '|' || fields FROM seal WHERE seq = (SELECT max(seq) FROM seal)")
b=$(psql -d copied -Atc "SELECT kind || '|' || object || '|' || fields FROM seal WHERE seq = (SELECT max(seq) FROM seal)")
expect_eq "copied: the new user's seal is the same text on both" "$b" "$a"
same "copied: verify after a change on each" verify
