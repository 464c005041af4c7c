#!/bin/sh
# End-to-end tests of the public notice before payment (公示), objections,
# payment holds and the pay gate, on the funds scenario (tests/fixtures/
# funds/: 昌吉市 CJ001-CJ008 brought to 复核通过 on 2023-10-20, money
# allocated, subsidies reserved on 2023-10-25): a pay run before any notice
# pays no one and says why for each household; `notice create` publicises
# the reserved households for 5 working days (2023-10-25 to 10-31) and
# writes the A4 sheet; a pay run inside the period pays no one; an
# anonymous objection upheld (the reservation back to the county account,
# a rectification order opened), one dismissed; a manual hold; an
# automatic hold by the rectification order a 返煤 visit opens; the pay run
# after the period pays exactly the households with nothing against them
# and lists the others with their reasons; released and closed, they are
# paid; the upheld household, its order closed, is reserved and publicised
# again and paid after its own period. `ledger verify` and `audit verify`
# after every step; scope: another county's users are refused. Each item,
# objection and hold carries its household's and its notice's county (on
# PostgreSQL a row moved to another county is refused).
. "$(dirname "$0")/lib.sh"

FF=$FIX/funds
C=昌吉市
F=阜康市
DB=n.db
fin() { ch --db "$DB" --as fin "$@"; }
nlines() { printf '%s\n' "$1" | grep -c . ; }
# checks: ledger verify and audit verify both pass
checks() {
	run ch --db "$DB" --as fin ledger verify
	if [ "$RC" -eq 0 ]; then ok "$1: ledger verify"; else not_ok "$1: ledger verify"; fi
	run ch --db "$DB" audit verify
	if [ "$RC" -eq 0 ]; then ok "$1: audit verify"; else not_ok "$1: audit verify"; fi
}
hh_status() {
	ch --db "$DB" household list --format csv | tr -d '\r' | awk -F, -v h="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "状态") s = i; next }
		{ for (i = 1; i <= NF; i++) if ($i == h) { print $s; exit } }'
}
# county_central: 昌吉市's central-fund balance (专户结余, 6th column of
# `report funds`), in fen
county_central() {
	ch --db "$DB" --as fin report funds --year 2023 --as-of 2023-12-31 --format csv | tr -d '\r' |
		sed 's/"\([0-9]\+\),\([0-9]\{3\}\)/"\1\2/g; s/"\([0-9]\+\),\([0-9]\{3\}\)/"\1\2/g; s/"//g' |
		awk -F, -v c="$C" '$1 == c && $2 == "中央资金" { split($6, p, "."); print p[1] * 100 + p[2] }'
}

# ---- the register up to 复核通过, money reserved ----

ch --db $DB plan import "$FF/plan.csv" --year 2023 >/dev/null &&
	ch --db $DB household import "$FF/register.csv" >/dev/null &&
	ch --db $DB event import "$FF/events.csv" >/dev/null || echo "not ok - setting up the register"
printf 'JPEG 自验照片' >photo.jpg
for h in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008; do
	ch --db $DB inspect record $h --county $C --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg >/dev/null || echo "not ok - self-inspection of $h"
done
for u in "rv --role reviewer" "fin --role finance" "fin2 --role finance --scope $F" \
	"fk --role county_operator --scope $F"; do
	ch --db $DB user add $u >/dev/null || echo "not ok - adding user $u"
done
app=$(ch --db $DB review apply --county $C --date 2023-10-10 --all-passed | sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
ch --db $DB review assign "$app" --unit 州住建局 --reviewer rv --seed notice-1 >/dev/null ||
	echo "not ok - assigning $app"
for h in $(ch --db $DB --as rv review sample "$app" --format csv | tr -d '\r' |
	awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }'); do
	ch --db $DB --as rv review result "$app" "$h" --result pass --evidence photo.jpg --date 2023-10-20 >/dev/null ||
		echo "not ok - review result of $h"
done
fin funds appropriate --source central --amount 60000 --date 2023-06-05 --key A-C1 --to $C --direct >/dev/null &&
	fin funds appropriate --source region --amount 30000 --date 2023-06-05 --key A-R1 --to $C --direct >/dev/null &&
	fin funds appropriate --source prefecture --amount 10000 --date 2023-06-05 --key A-P1 --to $C --direct >/dev/null &&
	fin funds appropriate --source county --amount 10000 --date 2023-06-05 --key A-X1 --to $C --direct >/dev/null ||
	echo "not ok - allocating to 昌吉市"
run fin subsidy reserve --county $C --date 2023-10-25
has "setup: 8 households reserved, 42,400.00" "已为 8 户预留补助资金 42,400.00 元"
checks "setup"

# ---- no notice, no payment ----

run fin subsidy pay --county $C --date 2023-10-26 -o early.csv
expect_rc "pay before any notice: exit 0" 0
has "pay before any notice: nothing paid" "没有待发放的补助"
has "pay before any notice: CJ001 skipped, not publicised" "户编号 CJ001 未列入本批：尚未公示"
expect_eq "pay before any notice: 7 households skipped for the notice (CJ007 has no account)" \
	"$(printf '%s\n' "$OUT" | grep -c '尚未公示')" 8
expect_eq "pay before any notice: no bank file" "$(ls early.csv 2>/dev/null)" ""
checks "pay before any notice"

# ---- the notice ----

run ch --db $DB --as fk notice create --county $C --date 2023-10-25
expect_rc "notice create for 昌吉市 by the 阜康市 operator: exit 3" 3
run ch --db $DB --as fin2 notice create --county $C --date 2023-10-25
expect_rc "notice create for 昌吉市 by 阜康市's finance user: exit 3" 3
run fin notice create --county $C --village 没有这个村 --date 2023-10-25
expect_rc "notice create for a village that does not exist: exit 1" 1
has_err "notice create for a village that does not exist: names it" "没有这个村"
run fin notice create --county $C --date 2023-10-25 -o notice.xlsx
expect_rc "notice create: exit 0" 0
has "notice create: its number" "公示-652301-2023-001"
has "notice create: 8 households, 42,400.00" "8 户，补助合计 42,400.00 元"
has "notice create: 5 working days, 25 to 31 October" "公示期 5 个工作日（2023年10月25日至2023年10月31日）"
if [ -s notice.xlsx ] && unzip -p notice.xlsx xl/sharedStrings.xml | grep -q "昌吉市农村清洁取暖改造补助资金发放公示"; then
	ok "notice create: the A4 sheet with its title"
else not_ok "notice create: the A4 sheet with its title"; fi
S=$(unzip -p notice.xlsx xl/sharedStrings.xml)
case "$S" in *652301198001010019*) not_ok "the sheet: ID numbers masked" ;; *) ok "the sheet: ID numbers masked" ;; esac
case "$S" in *"可向本村村民委员会"*) ok "the sheet: says where to object" ;; *) not_ok "the sheet: says where to object" ;; esac
if unzip -p notice.xlsx xl/worksheets/sheet1.xml | grep -q 'paperSize="9"' &&
	unzip -p notice.xlsx xl/worksheets/sheet1.xml | grep -q 'orientation="landscape"'; then
	ok "the sheet: A4 landscape"
else not_ok "the sheet: A4 landscape"; fi
if unzip -p notice.xlsx xl/workbook.xml | grep -q '_xlnm.Print_Titles'; then ok "the sheet: head row repeated"; else
	not_ok "the sheet: head row repeated"; fi
run fin notice create --county $C --date 2023-10-26
expect_rc "notice create again: exit 0" 0
has "notice create again: nobody left to publicise" "没有待公示的农户"
run ch --db $DB notice list --format csv
has "notice list: the notice, its period and households" "公示-652301-2023-001,昌吉市,全县（市）,2023年10月25日,2023年10月31日,5,8,"
run ch --db $DB notice show 公示-652301-2023-001 --format csv
has "notice show: CJ001 with a masked ID and its measures" "大西渠村,CJ001,资金CJ001,652301********0019,"
lacks "notice show: no full ID number" "652301198001010019"
run ch --db $DB notice print 公示-652301-2023-001 -o again.xlsx
expect_rc "notice print: exit 0" 0
if unzip -p again.xlsx xl/sharedStrings.xml | grep -q "公示期为5个工作日（2023年10月25日至2023年10月31日）"; then
	ok "notice print: the sheet again, with its period"
else not_ok "notice print: the sheet again, with its period"; fi
run ch --db $DB --as fk notice show 公示-652301-2023-001
expect_rc "notice show of 昌吉市's notice for the 阜康市 operator: exit 3" 3
run ch --db $DB notice show 公示-652301-2023-099
expect_rc "notice show of no notice: exit 4" 4
checks "notice create"

# ---- inside the period: no payment ----

run fin subsidy pay --county $C --date 2023-10-31 -o inside.csv
has "pay on the last day of the period: nothing paid" "没有待发放的补助"
has "pay on the last day of the period: says the period" "公示 公示-652301-2023-001 的公示期（2023年10月25日至2023年10月31日）未满"

# ---- objections ----

run fin notice object 公示-652301-2023-001 CJ001 --date 2023-10-27 --reason "原燃煤炉具未拆除，仍在使用"
expect_rc "anonymous objection to CJ001: exit 0" 0
O1=$(printf '%s' "$OUT" | sed -n 's/已登记异议 \([0-9]*\).*/\1/p')
run fin notice object 公示-652301-2023-001 CJ002 --date 2023-10-27 --from 村民李四 --reason 未见施工
O2=$(printf '%s' "$OUT" | sed -n 's/已登记异议 \([0-9]*\).*/\1/p')
expect_rc "objection to CJ002 from a named villager: exit 0" 0
run fin notice object 公示-652301-2023-001 CJ002 --date 2023-10-20 --reason 早于公示
expect_rc "objection dated before the notice: exit 1" 1
run fin notice object 公示-652301-2023-001 CJ099 --date 2023-10-27 --reason 无此户
expect_rc "objection to a household not registered: exit 4" 4
run ch --db $DB --as fin2 notice object 公示-652301-2023-001 CJ003 --date 2023-10-27 --reason 越权
expect_rc "objection recorded by 阜康市's finance user: exit 3" 3
run ch --db $DB notice objections --open --format csv
expect_eq "two open objections" "$(nlines "$OUT")" 3
has "objections: the anonymous one says so" "匿名"
checks "objections"

B0=$(county_central)
run fin notice resolve "$O1" --upheld --note "核实：原炉具未拆除" --date 2023-10-30
expect_rc "objection to CJ001 upheld: exit 0" 0
has "upheld: the reservation goes back and an order is opened" "该户补助预留已退回县级专户，已下达整改单"
ORDER1=$(printf '%s' "$OUT" | sed -n 's/.*已下达整改单 \([0-9]*\).*/\1/p')
expect_eq "upheld: 昌吉市's central account gets CJ001's 3,750.00 back" \
	"$(($(county_central) - B0))" 375000
run ch --db $DB rectification list --open --format csv
has "upheld: the order says 公示异议 and the reason" "公示异议成立：原燃煤炉具未拆除，仍在使用"
run fin notice resolve "$O1" --dismissed --note 再次处理 --date 2023-10-30
expect_rc "resolving it again: exit 5" 5
run fin notice resolve "$O2" --note 无结论 --date 2023-10-30
expect_rc "resolve without --upheld or --dismissed: exit 2" 2
run fin notice resolve "$O2" --dismissed --note "核实：已施工，有照片" --date 2023-10-30
expect_rc "objection to CJ002 dismissed: exit 0" 0
checks "objections resolved"

# ---- holds: by hand, and automatic while a rectification order is open ----

run fin subsidy hold CJ003 --county $C --reason "银行账户户名待核实" --date 2023-10-30
expect_rc "hold CJ003: exit 0" 0
run fin subsidy hold CJ003 --county $C --reason 再次 --date 2023-10-30
expect_rc "hold CJ003 twice: exit 5" 5
run ch --db $DB --as fk subsidy hold CJ005 --county $C --reason 越权 --date 2023-10-30
expect_rc "hold by the 阜康市 operator: exit 3" 3
run ch --db $DB followup record CJ004 --county $C --visit 1 --date 2023-10-30 --in-use yes \
	--coal yes --comfort good --visitor 李干部
expect_rc "visit to CJ004 finds coal burned (返煤): exit 0" 0
ORDER4=$(printf '%s' "$OUT" | sed -n 's/.*整改单 \([0-9]*\).*/\1/p' | head -1)
run ch --db $DB subsidy holds --county $C --format csv
has "holds: CJ003 by hand" "CJ003,资金CJ003,人工暂停,银行账户户名待核实"
has "holds: CJ004 while its order is open" "CJ004,资金CJ004,整改未销号"
checks "holds"

# ---- the pay run after the period ----

run fin subsidy pay --county $C --date 2023-11-01 -o bank1.csv
expect_rc "pay after the period: exit 0" 0
has "pay after the period: CJ002 (objection dismissed), CJ005, CJ006, CJ008" "发放批次 1：4 户"
has "pay: CJ003 skipped, on hold with its reason" "户编号 CJ003 未列入本批：暂停发放（2023年10月30日起）：银行账户户名待核实"
has "pay: CJ004 skipped, its order open" "户编号 CJ004 未列入本批：整改单 $ORDER4 未销号"
has "pay: CJ007 skipped, no account" "户编号 CJ007 没有收款账号"
lacks "pay: CJ001 (reservation withdrawn) not in the run" "CJ001"
B=$(sed '1s/^\xEF\xBB\xBF//' bank1.csv | tr -d '\r' | awk -F, 'NR > 1 { print $4 }' | sort | tr '\n' ' ')
expect_eq "the bank file: exactly CJ002 CJ005 CJ006 CJ008" "$B" "CJ002 CJ005 CJ006 CJ008 "
checks "pay after the period"

run fin subsidy release CJ003 --county $C --note "户名已核实" --date 2023-11-02
expect_rc "release CJ003: exit 0" 0
run fin subsidy release CJ003 --county $C --date 2023-11-02
expect_rc "release CJ003 again: exit 4" 4
ch --db $DB rectification close "$ORDER4" --date 2023-11-02 --note 已拆除原炉具 >/dev/null ||
	echo "not ok - closing CJ004's order"
run fin subsidy pay --county $C --date 2023-11-02 -o bank2.csv
has "released and closed: CJ003 and CJ004 paid" "发放批次 2：2 户"
checks "released and paid"

# ---- the upheld household, rectified, reserved and publicised again ----

run fin subsidy reserve --county $C --date 2023-11-03
has "CJ001 with its order open: not reserved again" "已为 0 户预留"
ch --db $DB rectification close "$ORDER1" --date 2023-11-03 --note 原炉具已拆除 >/dev/null ||
	echo "not ok - closing CJ001's order"
run fin subsidy reserve --county $C --date 2023-11-03
has "CJ001 rectified: reserved again, 10,000.00" "已为 1 户预留补助资金 10,000.00 元"
checks "reserved again"
run fin subsidy pay --county $C --date 2023-11-06 -o bank3.csv
has "CJ001 reserved again: not paid before a new notice" "户编号 CJ001 未列入本批：尚未公示"
run fin notice create --county $C --village 大西渠村 --date 2023-11-06
has "the second notice: CJ001 only" "公示 公示-652301-2023-002：1 户"
has "the second notice: 6 to 10 November" "2023年11月6日至2023年11月10日"
run fin subsidy pay --county $C --date 2023-11-13 -o bank3.csv
has "CJ001 after its own period: paid" "发放批次 3：1 户，合计 10,000.00 元"
checks "CJ001 paid"
run ch --db $DB audit log --format csv
has "the audit log names the notice" "公示-652301-2023-001"

# ---- edits after approval: held until the prefecture approves ----

# CJ007 (reserved, on the notice, never paid: no account) gets an account
# and a higher cost; CJ002 (paid on 11-01, at the bank) a lower cost
head -1 "$FF/register.csv" >edit.csv
printf '%s\n' "昌吉市,大西渠镇,大西渠村,CJ007,资金CJ007,652301198001010078,,,100,燃气,,,2023,新建,甲公司,3000,6230000000000007" \
	"昌吉市,大西渠镇,大西渠村,CJ002,资金CJ002,652301198001010027,,,100,燃气,,,2023,新建,甲公司,2000,6230000000000002" >>edit.csv
run ch --db $DB household import edit.csv
expect_rc "editing CJ007 and CJ002 after their review: not refused" 0
has "the import says 2 households are held for approval" "其中 2 户复核通过后改动了补助依据"
run ch --db $DB subsidy holds --county $C --format csv
has "holds: CJ007 changed after approval, naming the fields" "CJ007,资金CJ007,核定后变更待审批,复核通过后台账中的总投资、收款账号有变更"
has "holds: CJ002 changed after approval" "CJ002,资金CJ002,核定后变更待审批,复核通过后台账中的总投资有变更"
run fin subsidy entitlement CJ007 --county $C
has "CJ007's entitlement still rests on the snapshot (1,400.00)" "核定补助：1,400.00 元"
run fin subsidy pay --county $C --date 2023-11-14 -o bank4.csv
has "pay: CJ007 held, changed after approval" "户编号 CJ007 未列入本批：核定后信息变更，待州级审批"
checks "changed after approval"
run fin subsidy approve CJ007 --county $C --note 同意 --date 2023-11-15
expect_rc "approval by a finance user: exit 3" 3
run ch --db $DB --as fk subsidy approve CJ007 --county $C --note 同意 --date 2023-11-15
expect_rc "approval by a county operator: exit 3" 3
run ch --db $DB subsidy approve CJ007 --county $C --note "同意：增加投资有发票" --date 2023-11-15
expect_rc "approval of CJ007 by the prefecture: exit 0" 0
has "approval: the fields" "总投资、收款账号"
has "approval: the entitlement recomputed, +700.00 reserved" "重新核定补助：1,400.00 元 → 2,100.00 元；调整 +700.00 元"
checks "CJ007 approved"
run ch --db $DB subsidy approve CJ007 --county $C --note 再次 --date 2023-11-15
expect_rc "approving again: exit 4" 4
run fin subsidy pay --county $C --date 2023-11-16 -o bank5.csv
has "CJ007 approved: paid its new entitlement" "发放批次 4：1 户，合计 2,100.00 元"
if grep -q "6230000000000007" bank5.csv; then ok "CJ007 paid to its new account"; else not_ok "CJ007 paid to its new account"; fi
run ch --db $DB subsidy approve CJ002 --county $C --note "同意：核减投资" --date 2023-11-16
has "CJ002: 2,100.00 → 1,400.00, its money at the bank" "重新核定补助：2,100.00 元 → 1,400.00 元；调整 0.00 元"
has "CJ002: the 700.00 paid beyond it is claimed back" "已发出部分超过新核定补助 700.00 元，已登记追回"
checks "CJ002 approved, claim for recovery"

# ---- recovery (追回): a claim, the money back in parts ----

# the bank confirms batch 1 (CJ002, CJ005, CJ006, CJ008)
sed '1s/^\xEF\xBB\xBF//' bank1.csv | tr -d '\r' |
	awk -F, 'NR == 1 { print "流水号,状态,日期"; next } { print $1 ",成功,2023-11-03" }' >return1.csv
run fin subsidy reconcile return1.csv
expect_rc "the bank's return for batch 1: exit 0" 0
run fin subsidy recover CJ005 --county $C --amount 2700.01 --reason 设备已拆除 --date 2023-11-20
expect_rc "claiming more than CJ005 was paid: exit 1" 1
has_err "claiming more than was paid: says what was paid" "已到账补助 2,700.00 元"
run ch --db $DB --as fin2 subsidy recover CJ005 --county $C --amount 100 --reason 越权 --date 2023-11-20
expect_rc "a claim by 阜康市's finance user: exit 3" 3
run fin subsidy recover CJ005 --county $C --amount 2700 --reason "设备已拆除，恢复燃煤" --date 2023-11-20
expect_rc "a claim against CJ005: exit 0" 0
R5=$(printf '%s' "$OUT" | sed -n 's/已登记追回 \([0-9]*\)：.*/\1/p')
checks "claim recorded"
run fin subsidy recover CJ005 --county $C --amount 1 --reason 再次 --date 2023-11-21
expect_rc "claiming again beyond what was paid less what is claimed: exit 1" 1
run ch --db $DB --as fin funds audit --as-of 2023-12-20 --format csv
has "fund audit: the claim outstanding, with its age" "待追回,昌吉市 CJ005 资金CJ005,追回 $R5（设备已拆除，恢复燃煤）于 2023-11-20 登记，已 30 天，应追回 2700.00 元，尚未追回 2700.00 元"
has "fund audit: CJ002's claim from the approved change" "待追回,昌吉市 CJ002 资金CJ002"
B0=$(county_central)
run fin subsidy recovered "$R5" --amount 1000 --date 2023-11-25
expect_rc "1,000.00 of CJ005's claim back: exit 0" 0
checks "part recovered"
expect_eq "part recovered: 昌吉市's central account up by 375.00 (its 37.5 %)" "$(($(county_central) - B0))" 37500
run fin subsidy recovered "$R5" --amount 1700.01 --date 2023-11-30
expect_rc "more back than the claim still asks: exit 1" 1
run fin subsidy recovered "$R5" --amount 1700 --date 2023-11-30
expect_rc "the rest of CJ005's claim back: exit 0" 0
checks "CJ005 recovered"
R2=$(ch --db $DB subsidy recoveries --format csv | tr -d '\r' | awk -F, '$3 == "CJ002" { print $1 }')
run fin subsidy recovered "$R2" --amount 700 --date 2023-11-30
expect_rc "CJ002's 700.00 back: exit 0" 0
checks "CJ002 recovered"
run ch --db $DB --as fin funds audit --as-of 2023-12-20 --format csv
lacks "fund audit after recovery: no claim outstanding" "待追回"
lacks "fund audit after recovery: CJ005 not 截留 (its entitlement is what it kept)" "截留,昌吉市 CJ005"
run ch --db $DB --as fin funds audit --as-of 2023-11-26 --format csv
has "fund audit on 11-26: CJ005's claim with 1,700.00 left" "尚未追回 1700.00 元"
run ch --db $DB subsidy recoveries --format csv
has "recoveries: CJ005 claimed and recovered in full" "资金CJ005,设备已拆除，恢复燃煤,2023-11-20,\"2,700.00\",\"2,700.00\",0.00"
run ch --db $DB --as fin report funds --year 2023 --as-of 2023-12-31 --format csv
has "report funds: the recovered amounts" "合计,,\"110,000.00\""
T=$(printf '%s\n' "$OUT" | tr -d '\r' | grep '^合计')
case "$T" in *'"3,400.00"') ok "report funds: 3,400.00 recovered in all" ;; *) not_ok "report funds: 3,400.00 recovered in all" "$T" ;; esac

# ---- each row in its household's county (the key it is spread by on Citus) ----

# the notices' items, the objections and the holds (by hand and on an
# approved change) carry the county of their household and of their notice
for t in notice_item objection payment_hold; do county_follows $DB $t; done
expect_eq "county: holds by hand and on a change both written" \
	"$(sql $DB "SELECT count(DISTINCT kind) FROM payment_hold")" 2
expect_eq "county: items and objections in their notice's county" \
	"$(sql $DB "SELECT count(*) FROM notice_item i JOIN notice n ON n.id = i.notice_id
		WHERE i.county_id <> n.county_id")$(sql $DB "SELECT count(*) FROM objection o
		JOIN notice n ON n.id = o.notice_id WHERE o.county_id <> n.county_id")" 00

# every audited row (entitlements adjusted and reduced, payments) equals its seal
run ch --db $DB verify
expect_rc "the end: cleanheat verify passes" 0
