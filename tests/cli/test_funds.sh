#!/bin/sh
# End-to-end tests of subsidy funds on a small scenario (fixtures in
# tests/fixtures/funds/, see its README): 昌吉市 CJ001-CJ008 and 阜康市
# FK001-FK003 brought to 复核通过 through the real flow (events,
# self-inspections, review applications, their samples passed); then, as a
# finance user: appropriations to the prefecture and allocations to the
# counties (idempotent keys: the same key again changes nothing, with other
# content exit 5), `subsidy entitlement` lines, `subsidy reserve` (阜康市
# short of money: households counted as 资金不足, nothing reserved for
# them), `subsidy pay` and its bank file (header, amounts, a household
# without an account left out, a second run paying nothing, `payfile`
# again, XLSX), `subsidy reconcile` with a return file (paid, failed, an
# unknown 流水号, a wrong amount): paid households at 补助已发放, the failed
# one paid again by the next batch, the same file twice changing nothing;
# `funds audit --as-of` (截留 after the payment deadline, 滞留 after
# idle_days, 挤占, 重复发放 by shared account and by an ID number registered
# again after withdrawal, no 挪用 but 追回 for a household withdrawn while its
# payment was at the bank, 挪用 for a payment sent after a withdrawal recorded
# late, a failed payment of a withdrawn household back to the county),
# `report funds` figures in table, CSV, JSON and XLSX;
# permissions (the prefecture admin, county operators, the auditor and a
# finance user scoped to one county); dates that are not dates;
# `ledger verify` after every step.
. "$(dirname "$0")/lib.sh"

FF=$FIX/funds
C=昌吉市
F=阜康市
BOM=$(printf '\357\273\277')

# expect_refused NAME: the last run failed with a data or usage error (1 or 2)
expect_refused() {
	if [ "$RC" -eq 1 ] || [ "$RC" -eq 2 ]; then ok "$1"; else not_ok "$1" "expected exit 1 or 2"; fi
}
nlines() { printf '%s\n' "$1" | grep -c . ; }

# split_csv(line, f): splits one CSV line (quoted fields allowed) into f
SPLIT_CSV='
	function split_csv(line, f,    n, i, c, q, cur) {
		n = 0; cur = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) {
				if (c == "\"") {
					if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ } else q = 0
				} else cur = cur c
			} else if (c == "\"") q = 1
			else if (c == ",") { f[++n] = cur; cur = "" }
			else cur = cur c
		}
		f[++n] = cur
		return n
	}'
# csvget CSV KEYHEAD KEY HEAD: in CSV (quoted fields allowed) the value
# under HEAD of the first row whose KEYHEAD column is KEY
csvget() {
	printf '%s\n' "$1" | awk -v kh="$2" -v key="$3" -v want="$4" "$SPLIT_CSV"'
		{ sub(/\r$/, ""); sub(/^\357\273\277/, "") }
		NR == 1 { n = split_csv($0, h); for (i = 1; i <= n; i++) { if (h[i] == kh) k = i; if (h[i] == want) w = i }; next }
		{ n = split_csv($0, f); if (k && w && f[k] == key) { print f[w]; exit } }'
}
# fund CSV COUNTY SOURCE HEAD: a cell of `report funds --format csv`
fund() {
	printf '%s\n' "$1" | awk -v county="$2" -v source="$3" -v want="$4" "$SPLIT_CSV"'
		{ sub(/\r$/, "") }
		NR == 1 { n = split_csv($0, h); for (i = 1; i <= n; i++) if (h[i] == want) w = i; next }
		{ split_csv($0, f); if (f[1] == county && f[2] == source) { print f[w]; exit } }'
}
expect_fund() {
	v=$(fund "$2" "$3" "$4" "$5")
	if [ "$v" = "$6" ]; then ok "$1"; else not_ok "$1" "$3 $4 $5: expected [$6], got [$v]"; fi
}

DB=m.db
fin() { ch --db "$DB" --as fin "$@"; }
funds_csv() { ch --db "${2:-$DB}" --as fin report funds --year 2023 --as-of "$1" --format csv | tr -d '\r'; }
# the transfer count `ledger verify` reports
ntransfers() { ch --db "$DB" --as fin ledger verify | sed -n 's/^账簿一致：\([0-9]*\) 笔转账.*/\1/p'; }
verify_ok() {
	run ch --db "${2:-$DB}" --as fin ledger verify
	if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -F -q "账簿一致"; then ok "$1"; else
		not_ok "$1" "ledger verify should pass"; fi
}
# hh_status HH: the 状态 column of `household list`
hh_status() {
	csvget "$(ch --db "$DB" household list --format csv)" 户编号 "$1" 状态
}
# bank FILE: the bank file's rows without BOM and CRs
bank() { sed "1s/^$BOM//" "$1" | tr -d '\r'; }
# bank_total FILE: the sum of the 金额(元) column, in fen
bank_total() {
	bank "$1" | awk -F, 'NR > 1 { split($8, p, "."); t += p[1] * 100 + p[2] } END { print t + 0 }'
}
# audit_csv AS-OF [USER]
audit_csv() { ch --db "$DB" --as "${2:-fin}" funds audit --as-of "$1" --format csv | tr -d '\r'; }
# finding CSV KIND TEXT: the rows of kind KIND whose object or text has TEXT
finding() { printf '%s\n' "$1" | grep -F -- "$2," | grep -F -- "$3"; }
expect_finding() {
	if [ -n "$(finding "$2" "$3" "$4")" ]; then ok "$1"; else not_ok "$1" "no $3 finding with [$4] in:" "$2"; fi
}
expect_no_finding() {
	x=$(finding "$2" "$3" "$4")
	if [ -z "$x" ]; then ok "$1"; else not_ok "$1" "unexpected $3 finding: $x"; fi
}

# ---- the register, up to 复核通过 ----

ch --db $DB plan import "$FF/plan.csv" --year 2023 >/dev/null &&
	ch --db $DB household import "$FF/register.csv" >/dev/null &&
	ch --db $DB event import "$FF/events.csv" >/dev/null || echo "not ok - setting up the register"
printf 'JPEG 自验照片' >photo.jpg
for h in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008 FK001 FK002 FK003; do
	case $h in FK*) c=$F ;; *) c=$C ;; esac
	ch --db $DB inspect record $h --county $c --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg >/dev/null || echo "not ok - self-inspection of $h"
done
for u in "rv --role reviewer" "fin --role finance" "fin2 --role finance --scope $F" \
	"cj --role county_operator --scope $C" "fk --role county_operator --scope $F" "au --role auditor"; do
	ch --db $DB user add $u >/dev/null || echo "not ok - adding user $u"
done
# review COUNTY DAY: apply, assign, pass every sampled household
review() {
	app=$(ch --db $DB review apply --county "$1" --date 2023-10-10 --all-passed | sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
	ch --db $DB review assign "$app" --unit 州住建局 --reviewer rv --seed "funds-$1" >/dev/null ||
		echo "not ok - assigning $app"
	for h in $(ch --db $DB --as rv review sample "$app" --format csv | tr -d '\r' |
		awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }'); do
		ch --db $DB --as rv review result "$app" "$h" --result pass --evidence photo.jpg --date "$2" >/dev/null ||
			echo "not ok - review result of $h"
	done
}
review $C 2023-10-20
review $F 2023-10-20
L=$(ch --db $DB household list --format csv | tr -d '\r')
expect_eq "setup: 11 households 复核通过" "$(printf '%s\n' "$L" | grep -c ',复核通过$')" 11
verify_ok "setup: ledger verify (empty)"

# ---- permissions: who may move money ----

for u in root cj au fin2; do
	run ch --db $DB --as $u funds appropriate --source central --amount 100000 --date 2023-06-01 --key X-$u
	expect_rc "funds appropriate as $u: exit 3" 3
done
has_err "a finance user scoped to 阜康市 may not appropriate for the prefecture: says the scope" "$F"
run ch --db $DB --as root funds appropriate --source central --amount 100000 --date 2023-06-01 --key X-root2 --to $C --direct
expect_rc "root allocates to a county: exit 3" 3
expect_eq "refused appropriations: nothing in the ledger" "$(ntransfers)" 0

# ---- appropriations and allocations ----

run fin funds appropriate --source central --amount 100000 --date 2023-06-01 --key K-C1
expect_rc "appropriate central 100000 to the prefecture: exit 0" 0
has "appropriate: says 下达" "已下达"
N0=$(ntransfers)
R0=$(funds_csv 2023-12-31)
run fin funds appropriate --source central --amount 100000 --date 2023-06-01 --key K-C1
expect_rc "the same appropriation again (same key): exit 0" 0
has "the same appropriation again: says it was recorded before" "K-C1 已记录过，未重复下达"
lacks "the same appropriation again: does not claim a new one" "已下达"
expect_eq "the same appropriation again: no new transfer" "$(ntransfers)" "$N0"
expect_eq "the same appropriation again: report funds unchanged" "$(funds_csv 2023-12-31)" "$R0"
A=$(ch --db $DB audit log --object transfer:K-C1 --format csv | tr -d '\r')
expect_eq "the same appropriation again: audited once" "$(nlines "$A")" 2
run fin funds appropriate --source central --amount 100001 --date 2023-06-01 --key K-C1
expect_rc "the same key with another amount: exit 5" 5
run fin funds appropriate --source central --amount 100000 --date 2023-06-02 --key K-C1
expect_rc "the same key with another date: exit 5" 5
run fin funds appropriate --source region --amount 100000 --date 2023-06-01 --key K-C1
expect_rc "the same key with another source: exit 5" 5
expect_eq "reused keys: no new transfer" "$(ntransfers)" "$N0"

fin funds appropriate --source region --amount 50000 --date 2023-06-01 --key K-R1 >/dev/null
run fin funds appropriate --source central --amount 60000 --date 2023-06-05 --key A-C1 --to $C
expect_rc "allocate central 60000 to 昌吉市: exit 0" 0
has "allocate: says 拨付" "已拨付"
# fund sources by their Chinese names and short forms as well as their keys
fin funds appropriate --source 自治区资金 --amount 30000 --date 2023-06-05 --key A-R1 --to $C >/dev/null &&
	fin funds appropriate --source 州级 --amount 10000 --date 2023-06-05 --key A-P1 --to $C --direct >/dev/null &&
	fin funds appropriate --source 县级 --amount 10000 --date 2023-06-05 --key A-X1 --to $C --direct >/dev/null &&
	fin funds appropriate --source central --amount 1800 --date 2023-06-05 --key F-C1 --to $F >/dev/null &&
	fin funds appropriate --source region --amount 1800 --date 2023-06-05 --key F-R1 --to $F >/dev/null &&
	fin funds appropriate --source prefecture --amount 480 --date 2023-06-05 --key F-P1 --to $F --direct >/dev/null &&
	fin funds appropriate --source county --amount 720 --date 2023-06-05 --key F-X1 --to $F --direct >/dev/null ||
	echo "not ok - allocating to the counties"
verify_ok "allocations: ledger verify"
N0=$(ntransfers)
R0=$(funds_csv 2023-12-31)
# the prefecture holds 100000 - 60000 - 1800 = 38200 of central
run fin funds appropriate --source central --amount 38200.01 --date 2023-06-06 --key A-C2 --to $C
expect_rc "allocating more than the prefecture holds: exit 1" 1
has_err "allocating more than the prefecture holds: names the account, its balance and the amount" \
	"州级 中央资金 账户余额 38,200.00 元，不足以转出 38,200.01 元"
case "$ERR" in *CHECK* | *constraint*) not_ok "allocating more than the prefecture holds: no database message" ;;
*) ok "allocating more than the prefecture holds: no database message" ;; esac
expect_eq "allocating more than the prefecture holds: nothing stored" "$(ntransfers)" "$N0"
run fin funds appropriate --source central --amount 0 --date 2023-06-06 --key A-Z1 --to $C
expect_refused "amount 0: refused"
run fin funds appropriate --source central --amount -5 --date 2023-06-06 --key A-Z2 --to $C
expect_refused "negative amount: refused"
run fin funds appropriate --source central --amount 1.234 --date 2023-06-06 --key A-Z3 --to $C
expect_rc "amount with three decimals: exit 2" 2
run fin funds appropriate --source 土地出让金 --amount 5 --date 2023-06-06 --key A-Z4
expect_rc "unknown fund source: exit 1" 1
run fin funds appropriate --source central --amount 5 --date 2023-06-06 --key A-Z5 --to 乌鲁木齐市
expect_rc "unknown county: exit 4" 4
run fin funds appropriate --source central --amount 5 --date 2023-06-06
expect_rc "without --key: exit 2" 2
expect_eq "refused appropriations: report funds unchanged" "$(funds_csv 2023-12-31)" "$R0"

R=$(funds_csv 2023-06-30)
expect_fund "report 06-30: 昌吉市 central received 60,000.00" "$R" $C 中央资金 "到位(元)" 60,000.00
expect_fund "report 06-30: 昌吉市 central balance 60,000.00" "$R" $C 中央资金 "专户结余(元)" 60,000.00
expect_fund "report 06-30: 昌吉市 county (direct) received 10,000.00" "$R" $C 县级资金 "到位(元)" 10,000.00
expect_fund "report 06-30: 阜康市 prefecture received 480.00" "$R" $F 州级资金 "到位(元)" 480.00
expect_fund "report 06-30: total received 114,800.00" "$R" 合计 "" "到位(元)" 114,800.00
expect_fund "report 06-30: utilisation 0.0%" "$R" $C 中央资金 支出进度 0.0%
R=$(funds_csv 2023-06-04)
expect_fund "report 06-04: before the allocations nothing received" "$R" 合计 "" "到位(元)" 0.00

# ---- entitlements ----

run fin subsidy entitlement CJ001 --county $C
expect_rc "entitlement CJ001: exit 0" 0
has "entitlement CJ001: the example policy" "示例标准"
has "entitlement CJ001: share capped" "总投资 10,000.00 元 × 85.00% = 8,500.00 元，上限 7,400.00 元 → 按上限"
has "entitlement CJ001: energy saving per m²" "建筑节能改造：50.00 平方米 × 55.00 元 = 2,750.00 元"
has "entitlement CJ001: never above the cost" "合计超过总投资，按总投资 10,000.00 元核定"
has "entitlement CJ001: total" "核定补助：10,000.00 元（总投资 10,000.00 元）"
has "entitlement CJ001: the split, by the sources' Chinese names" "中央资金 3,750.00 元，县级资金 1,500.00 元，州级资金 1,000.00 元，自治区资金 3,750.00 元"
lacks "entitlement CJ001: no source key shown" "central"
run fin subsidy entitlement CJ003 --county $C
has "entitlement CJ003: fixed amount" "定额 3,600.00 元"
has "entitlement CJ003: capped at its cost" "核定补助：3,000.00 元"
run fin subsidy entitlement CJ004 --county $C
has "entitlement CJ004: energy saving capped" "200.00 平方米 × 55.00 元 = 8,000.00 元（按上限）"
has "entitlement CJ004: total 15,400.00" "核定补助：15,400.00 元"
run fin subsidy entitlement 652301198001010027
expect_rc "entitlement by ID number: exit 0" 0
has "entitlement by ID number: CJ002, share 2,100.00" "核定补助：2,100.00 元"
has "entitlement CJ002: 787.50 + 315.00 + 210.00 + 787.50" "中央资金 787.50 元，县级资金 315.00 元，州级资金 210.00 元，自治区资金 787.50 元"
run ch --db $DB --as fk subsidy entitlement CJ001 --county $C
expect_rc "entitlement of a 昌吉市 household for the 阜康市 operator: outside the scope, exit 3" 3
run fin subsidy entitlement CJ999 --county $C
expect_rc "entitlement of no household: exit 4" 4

# ---- reserving ----

N0=$(ntransfers)
for u in root cj fin2; do
	run ch --db $DB --as $u subsidy reserve --county $C --date 2023-10-25
	expect_rc "reserve 昌吉市 as $u: exit 3" 3
done
expect_eq "refused reservations: nothing stored" "$(ntransfers)" "$N0"
run fin subsidy reserve --county $F --date 2023-10-25
expect_rc "reserve 阜康市 (money for two of three): exit 0" 0
has "reserve 阜康市: FK001 and FK002, 4,800.00" "已为 2 户预留补助资金 4,800.00 元"
has "reserve 阜康市: one household 资金不足" "资金不足待拨付 1 户"
run fin subsidy entitlement FK003 --county $F
has "FK003 is entitled to 6,800.00" "核定补助：6,800.00 元"
R=$(funds_csv 2023-10-31)
expect_fund "阜康市 after reserving: central reserved 1,800.00" "$R" $F 中央资金 "已核定预留(元)" 1,800.00
expect_fund "阜康市 after reserving: balance 0.00 (nothing for FK003)" "$R" $F 中央资金 "专户结余(元)" 0.00
run fin subsidy reserve --county $C --date 2023-10-25
expect_rc "reserve 昌吉市: exit 0" 0
has "reserve 昌吉市: 8 households, 42,400.00" "已为 8 户预留补助资金 42,400.00 元；资金不足待拨付 0 户"
N0=$(ntransfers)
run fin subsidy reserve --county $C --date 2023-10-26
has "reserve 昌吉市 again: nobody" "已为 0 户预留补助资金 0.00 元"
expect_eq "reserve 昌吉市 again: no transfer" "$(ntransfers)" "$N0"
verify_ok "reserve: ledger verify"
# paid only after the list has hung on the notice board (公示) for 5 working
# days: 25 to 31 October (docs/funds.md)
fin notice create --county $C --date 2023-10-25 >/dev/null &&
	fin notice create --county $F --date 2023-10-25 >/dev/null || echo "not ok - publicising the reserved households"
R=$(funds_csv 2023-10-31)
for kv in "中央资金 60,000.00 15,900.00 44,100.00" "自治区资金 30,000.00 15,900.00 14,100.00" \
	"州级资金 10,000.00 4,240.00 5,760.00" "县级资金 10,000.00 6,360.00 3,640.00"; do
	set -- $kv
	expect_fund "report 10-31: 昌吉市 $1 received $2" "$R" $C $1 "到位(元)" $2
	expect_fund "report 10-31: 昌吉市 $1 reserved $3" "$R" $C $1 "已核定预留(元)" $3
	expect_fund "report 10-31: 昌吉市 $1 balance $4" "$R" $C $1 "专户结余(元)" $4
	expect_fund "report 10-31: 昌吉市 $1 paid 0.00" "$R" $C $1 "已发放到户(元)" 0.00
done
expect_fund "report 10-31: total reserved 47,200.00" "$R" 合计 "" "已核定预留(元)" 47,200.00
expect_fund "report 10-31: total balance 67,600.00" "$R" 合计 "" "专户结余(元)" 67,600.00
R=$(funds_csv 2023-10-24)
expect_fund "report 10-24 (before reserving): nothing reserved" "$R" 合计 "" "已核定预留(元)" 0.00

# ---- paying ----

for u in root cj fin2; do
	run ch --db $DB --as $u subsidy pay --county $C --date 2023-11-01 -o x.csv
	expect_rc "pay 昌吉市 as $u: exit 3" 3
done
expect_eq "refused payments: no file" "$(ls x.csv 2>/dev/null)" ""
run fin subsidy pay --county $C --date 2023-11-01
expect_rc "pay without -o: exit 2" 2
run fin subsidy pay --county $C --date 2023-11-01 --method cash -o x.csv
expect_rc "pay --method cash: exit 2" 2
expect_eq "refused payments: nothing stored" "$(ntransfers)" "$N0"
run fin subsidy pay --county $C --date 2023-11-01 -o bank1.csv
expect_rc "pay 昌吉市: exit 0" 0
has "pay 昌吉市: batch 1, 7 households, 41,000.00" "发放批次 1：7 户，合计 41,000.00 元"
has "pay 昌吉市: CJ007 has no account" "户编号 CJ007 没有收款账号，未列入本批"
B=$(bank bank1.csv)
expect_eq "bank file: header" "$(printf '%s\n' "$B" | head -1)" "流水号,批次号,县市,户编号,户主姓名,身份证号,收款账号,金额(元),发放方式"
expect_eq "bank file: 7 rows" "$(printf '%s\n' "$B" | awk 'NR > 1' | grep -c .)" 7
expect_eq "bank file: amounts add up to 41,000.00" "$(bank_total bank1.csv)" 4100000
expect_eq "bank file: CJ004 15400.00" "$(csvget "$B" 户编号 CJ004 '金额(元)')" 15400.00
expect_eq "bank file: CJ001 10000.00" "$(csvget "$B" 户编号 CJ001 '金额(元)')" 10000.00
expect_eq "bank file: the full ID number" "$(csvget "$B" 户编号 CJ006 身份证号)" 65230119800101006X
expect_eq "bank file: the account" "$(csvget "$B" 户编号 CJ002 收款账号)" 6230000000000002
expect_eq "bank file: 惠农一卡通 by default" "$(csvget "$B" 户编号 CJ002 发放方式)" 惠农一卡通
expect_eq "bank file: batch 1" "$(csvget "$B" 户编号 CJ008 批次号)" 1
expect_eq "bank file: no CJ007" "$(csvget "$B" 户编号 CJ007 户编号)" ""
expect_eq "bank file: no 阜康市 household" "$(printf '%s\n' "$B" | grep -c "$F")" 0
verify_ok "pay: ledger verify"
N0=$(ntransfers)
run fin subsidy pay --county $C --date 2023-11-02 -o bank2.csv
expect_rc "pay again: exit 0" 0
has "pay again: nothing payable" "没有待发放的补助"
expect_eq "pay again: no transfer" "$(ntransfers)" "$N0"
expect_eq "pay again: no file" "$(ls bank2.csv 2>/dev/null)" ""
run fin subsidy payfile 1 -o again.csv
expect_rc "payfile 1: exit 0" 0
expect_eq "payfile 1: the same file" "$(bank again.csv)" "$B"
run fin subsidy payfile 1 -o again.xlsx
expect_rc "payfile 1 as XLSX: exit 0" 0
if [ "$(head -c 2 again.xlsx)" = PK ] && unzip -p again.xlsx 2>/dev/null | grep -F -q 65230119800101006X; then
	ok "payfile 1 as XLSX: a workbook with the rows"
else
	not_ok "payfile 1 as XLSX: a workbook with the rows"
fi
# the XLSX is for people to check, sign and file: a title, amounts as
# numbers, a total row, the total in capitals, signature lines
SS=$(unzip -p again.xlsx xl/sharedStrings.xml 2>/dev/null)
SH=$(unzip -p again.xlsx xl/worksheets/sheet1.xml 2>/dev/null)
for t in 昌吉市农村清洁取暖改造补助资金发放清单 "发放日期：2023年11月1日" "合计（共 7 户）" \
	"合计金额（大写）：人民币肆万壹仟元整" 经办 复核 审批; do
	case "$SS" in *"$t"*) ok "payfile XLSX: has $t" ;; *) not_ok "payfile XLSX: has $t" ;; esac
done
case "$SH" in *'<c r="H4" s="'*'"><v>10000</v></c>'*) ok "payfile XLSX: CJ001's amount is the number 10000" ;;
*) not_ok "payfile XLSX: CJ001's amount is the number 10000" "$(printf '%s' "$SH" | grep -o '<c r="H4"[^/]*/c>')" ;; esac
case "$SH" in *'<c r="H11" s="'*'"><v>41000</v></c>'*) ok "payfile XLSX: the total row holds the number 41000" ;;
*) not_ok "payfile XLSX: the total row holds the number 41000" "$(printf '%s' "$SH" | grep -o '<c r="H11"[^/]*/c>')" ;; esac
run fin subsidy payfile 99 -o none.csv
expect_rc "payfile of no batch: exit 4" 4
run ch --db $DB --as root subsidy payfile 1 -o root.csv
expect_rc "payfile as root: exit 3" 3
run ch --db $DB --as fin2 subsidy payfile 1 -o fin2.csv
expect_rc "payfile of a 昌吉市 batch for finance scoped to 阜康市: exit 3" 3
expect_eq "payfile refused: no file with ID numbers written" "$(ls root.csv fin2.csv 2>/dev/null)" ""

# 阜康市: FK002 withdraws before its payment: it must not be paid
ch --db $DB event record FK002 已退出 --county $F --date 2023-11-03 --note 农户搬迁 >/dev/null ||
	echo "not ok - withdrawing FK002"
run fin subsidy pay --county $F --date 2023-11-06 -o bankf.csv
expect_rc "pay 阜康市: exit 0" 0
BF=$(bank bankf.csv)
expect_eq "pay 阜康市: FK001 paid 2700.00" "$(csvget "$BF" 户编号 FK001 '金额(元)')" 2700.00
expect_eq "pay 阜康市: FK002 (withdrawn on 11-03) not paid" "$(csvget "$BF" 户编号 FK002 '金额(元)')" ""

# ---- the bank's return ----

# CJ008 withdraws while its payment is at the bank: recorded, with a
# warning that says what becomes of the money
run ch --db $DB event record CJ008 已退出 --county $C --date 2023-11-03 --note 农户搬迁
expect_rc "withdrawing CJ008 (payment at the bank): exit 0" 0
has "withdrawing CJ008: the amount at the bank and its batch" "（提示）该户有 5,100.00 元补助已随第 1 批发往银行、尚未回单"
has "withdrawing CJ008: the payment is not recalled" "这笔发放不会撤回"
has "withdrawing CJ008: failed returns to the county" "银行回单为失败时，款项退回县级专户"
has "withdrawing CJ008: paid is a recovery case" "回单为成功时，款项已入该户账户，须依规追回"
# paid: CJ001 CJ002 CJ005 CJ006 CJ008; failed: CJ003; a wrong amount for
# CJ004; an unknown 流水号
printf '%s\n' "$B" | awk -F, 'BEGIN { print "流水号,金额(元),状态,日期,原因" }
	NR == 1 { next }
	$4 == "CJ003" { print $1 "," $8 ",失败,2023-11-05,账户已销户"; next }
	$4 == "CJ004" { print $1 ",15000.00,成功,2023-11-05,"; next }
	{ print $1 "," $8 ",成功,2023-11-05," }
	END { print "99999,100.00,成功,2023-11-05," }' >return1.csv
for u in root cj au; do
	run ch --db $DB --as $u subsidy reconcile return1.csv
	expect_rc "reconcile as $u: exit 3" 3
done
run ch --db $DB --as fin2 subsidy reconcile return1.csv
expect_rc "reconcile of 昌吉市 payments as 阜康市's finance: exit 3" 3
expect_eq "refused reconciliations: CJ001 still 复核通过" "$(hh_status CJ001)" 复核通过
run fin subsidy reconcile return1.csv
expect_rc "reconcile (an unknown row and a wrong amount): exit 1" 1
has "reconcile: 5 confirmed, 4 paid in full, 1 failed, 1 unknown" "入账成功 5 笔（其中 4 户补助已足额发放），失败退回 1 笔（重新列入待发放），重复 0 笔，无法识别 1 笔"
has "reconcile: the unknown 流水号" "没有这笔发放（流水号 99999）"
has "reconcile: the wrong amount" "金额与发放记录（15400.00 元）不符"
for h in CJ001 CJ002 CJ005 CJ006; do
	expect_eq "reconcile: $h 补助已发放" "$(hh_status $h)" 补助已发放
done
expect_eq "reconcile: CJ003 (failed) still 复核通过" "$(hh_status CJ003)" 复核通过
expect_eq "reconcile: CJ004 (wrong amount) still 复核通过" "$(hh_status CJ004)" 复核通过
expect_eq "reconcile: CJ008 stays 已退出" "$(hh_status CJ008)" 已退出
verify_ok "reconcile: ledger verify"
# the batches, with what the bank has said of their payments
run fin subsidy batches --format csv
expect_rc "subsidy batches: exit 0" 0
BL=$OUT
expect_eq "subsidy batches: batch 1 is 昌吉市's" "$(csvget "$BL" 批次 1 '县(市)')" "$C"
expect_eq "subsidy batches: batch 1 has 7 payments" "$(csvget "$BL" 批次 1 笔数)" 7
expect_eq "subsidy batches: batch 1 sums to 41,000.00" "$(csvget "$BL" 批次 1 '金额(元)')" 41,000.00
expect_eq "subsidy batches: batch 1, 5 paid" "$(csvget "$BL" 批次 1 已到账)" 5
expect_eq "subsidy batches: batch 1, 1 failed" "$(csvget "$BL" 批次 1 失败)" 1
expect_eq "subsidy batches: batch 1, 1 awaiting the bank" "$(csvget "$BL" 批次 1 待银行回执)" 1
expect_eq "subsidy batches: batch 1 paid by 惠农一卡通 (the default)" "$(csvget "$BL" 批次 1 发放方式)" 惠农一卡通
expect_eq "subsidy batches: batch 2 is 阜康市's" "$(csvget "$BL" 批次 2 '县(市)')" "$F"
expect_eq "subsidy batches: newest first" "$(printf '%s\n' "$BL" | awk -F, 'NR == 2 { print $1 }')" 2
run ch --db $DB --as fin2 subsidy batches --format csv
expect_eq "subsidy batches as 阜康市's finance: only 阜康市" "$(printf '%s\n' "$OUT" | awk 'NR > 1' | grep -c "$C")" 0
expect_eq "subsidy batches as 阜康市's finance: its batch" "$(csvget "$OUT" 批次 2 '县(市)')" "$F"
run ch --db $DB --as fin2 subsidy batches --county $C
expect_rc "subsidy batches --county 昌吉市 as 阜康市's finance: exit 3" 3
run ch --db $DB --as au subsidy batches --format csv
expect_rc "subsidy batches as the auditor (read only): exit 0" 0
expect_eq "subsidy batches as the auditor: batch 1" "$(csvget "$OUT" 批次 1 笔数)" 7
# household payment status: 昌吉市's 7 (CJ008 withdrew): CJ001 CJ002 CJ005
# CJ006 paid in full, CJ004 at the bank (its return did not match), CJ003
# (failed, reversed) and CJ007 (no account) waiting; 阜康市's batch is dated
# 11-06, so on 11-05 its money is still to pay
run ch --db $DB report funds --year 2023 --as-of 2023-11-05 --households --format csv
expect_rc "report funds --households: exit 0" 0
H=$(printf '%s\n' "$OUT" | tr -d '\r')
hh() { expect_eq "households 11-05: $1 $2" "$(csvget "$H" '县(市)' "$1" "$2")" "$3"; }
hh $C 复核通过户数 7
hh $C 已足额发放 4
hh $C 银行处理中 1
hh $C 待发放 2
hh $C 未预留 0
hh $C 逾期未足额 0
hh $C '应发(元)' 37,300.00
hh $C '未发金额(元)' 19,800.00
hh $F 复核通过户数 2
hh $F 待发放 1
hh 合计 复核通过户数 9
run ch --db $DB report funds --year 2023 --as-of 2023-11-05 --households
has "report funds --households: the title" "2023年农户补助发放情况（截至2023-11-05）"
run ch --db $DB --as fin2 report funds --year 2023 --as-of 2023-11-05 --households --format csv
expect_eq "households as 阜康市's finance: no 昌吉市" "$(printf '%s\n' "$OUT" | grep -c "$C")" 0
run ch --db $DB report funds --year 2023 --as-of 2023-13-01 --households
expect_refused "report funds --households: a date that is not one"
R=$(funds_csv 2023-11-05)
expect_fund "report 11-05: 昌吉市 central paid 8,475.00" "$R" $C 中央资金 "已发放到户(元)" 8,475.00
expect_fund "report 11-05: 昌吉市 central utilisation 14.1%" "$R" $C 中央资金 支出进度 14.1%
expect_fund "report 11-05: total paid 22,600.00" "$R" 合计 "" "已发放到户(元)" 22,600.00
expect_fund "report 11-05: 昌吉市 central balance still 44,100.00" "$R" $C 中央资金 "专户结余(元)" 44,100.00
R=$(funds_csv 2023-11-04)
expect_fund "report 11-04: nothing paid yet" "$R" 合计 "" "已发放到户(元)" 0.00

N0=$(ntransfers)
R0=$(funds_csv 2023-12-31)
L0=$(ch --db $DB household list --format csv)
run fin subsidy reconcile return1.csv
expect_rc "the same return again: exit 1 (the same two rows)" 1
has "the same return again: 6 repeated, nothing applied" "入账成功 0 笔（其中 0 户补助已足额发放），失败退回 0 笔（重新列入待发放），重复 6 笔，无法识别 1 笔"
expect_eq "the same return again: no transfer" "$(ntransfers)" "$N0"
expect_eq "the same return again: report funds unchanged" "$(funds_csv 2023-12-31)" "$R0"
expect_eq "the same return again: the register unchanged" "$(ch --db $DB household list --format csv)" "$L0"
P1=$(csvget "$B" 户编号 CJ001 流水号)
printf '流水号,金额,状态,日期,原因\n%s,10000.00,失败,2023-11-06,退票\n' "$P1" >contra.csv
run fin subsidy reconcile contra.csv
expect_rc "a return contradicting a confirmed payment: exit 1" 1
has "a return contradicting a confirmed payment: says so" "回单与之矛盾"
expect_eq "a return contradicting a confirmed payment: no transfer" "$(ntransfers)" "$N0"
expect_eq "a return contradicting a confirmed payment: CJ001 stays 补助已发放" "$(hh_status CJ001)" 补助已发放
printf '流水号,金额,状态,日期\n%s,10000.00,已处理,2023-11-06\n' "$P1" >badstatus.csv
run fin subsidy reconcile badstatus.csv
expect_rc "a return with an unknown 状态: exit 1" 1
printf '流水号,金额,状态,日期,原因\n%s,,失败,2023-10-01,退票\n' "$P1" >early.csv
run fin subsidy reconcile early.csv
expect_rc "a return dated before its payment was sent: exit 1" 1
has "a return dated before its payment was sent: names the dates" "回单日期 2023-10-01 早于这笔发放的发放日期"
expect_eq "a return dated before its payment: no transfer" "$(ntransfers)" "$N0"
printf '流水号,金额,状态,日期\n99999999999999999999,1.00,成功,2023-11-06\n' >huge.csv
run fin subsidy reconcile huge.csv
expect_rc "a 流水号 beyond 64 bits: exit 1" 1
has "a 流水号 beyond 64 bits: invalid, not quoted back as another number" "流水号无效"
lacks "a 流水号 beyond 64 bits: no clamped number" "9223372036854775807"
printf '账号,金额\n1,2\n' >nohead.csv
run fin subsidy reconcile nohead.csv
expect_rc "a return without 流水号 and 状态: exit 1" 1
run fin subsidy reconcile missing.csv
if [ "$RC" -ne 0 ] && [ "$RC" -lt 64 ]; then ok "a missing return file: refused"; else not_ok "a missing return file: refused"; fi

# the failed payment is payable again: the next batch pays exactly it
run fin subsidy pay --county $C --date 2023-11-06 -o bank3.csv
expect_rc "pay after the return: exit 0" 0
has "pay after the return: batch of 1 household, 3,000.00" "1 户，合计 3,000.00 元"
B3=$(bank bank3.csv)
expect_eq "pay after the return: exactly CJ003" "$(printf '%s\n' "$B3" | awk -F, 'NR > 1 { print $4 }')" CJ003
expect_eq "pay after the return: CJ003 3000.00" "$(csvget "$B3" 户编号 CJ003 '金额(元)')" 3000.00
verify_ok "second batch: ledger verify"
# a return the reader gives up on part-way (a cell past 32,767 characters):
# its rows are applied as they are read, in one transaction, so the row
# before it is undone with the rest
P3=$(csvget "$B3" 户编号 CJ003 流水号)
{
	printf '流水号,金额,状态,日期,原因\n%s,3000.00,成功,2023-11-07,\n1,1.00,失败,2023-11-07,' "$P3"
	head -c 40000 /dev/zero | tr '\0' x
	printf '\n'
} >broken.csv
N1=$(ntransfers)
run fin subsidy reconcile broken.csv
expect_rc "a return unreadable at its third row: exit 1" 1
has_err "a return unreadable at its third row: names the row" "第 3 行"
expect_eq "a return unreadable at its third row: no transfer" "$(ntransfers)" "$N1"
expect_eq "a return unreadable at its third row: CJ003 still 复核通过" "$(hh_status CJ003)" 复核通过
# CJ004 confirmed with the right amount
P4=$(csvget "$B" 户编号 CJ004 流水号)
printf '交易流水号,实发金额,交易状态,入账日期\n%s,"15,400.00",成功,2023-11-07\n' "$P4" >return2.csv
run fin subsidy reconcile return2.csv
expect_rc "CJ004 confirmed with the right amount: exit 0" 0
expect_eq "CJ004 补助已发放" "$(hh_status CJ004)" 补助已发放
verify_ok "return 2: ledger verify"

# ---- spending out of county accounts ----

for u in root cj fin2; do
	run ch --db $DB --as $u funds spend --county $C --source central --category 办公经费 --amount 5000 --date 2023-11-10 --key S-$u
	expect_rc "funds spend as $u: exit 3" 3
done
run fin funds spend --county $C --source central --category 办公经费 --amount 5000 --date 2023-11-10 --key S-1
expect_rc "spend 5000 on 办公经费: exit 0" 0
N1=$(ntransfers)
run fin funds spend --county $C --source central --category 办公经费 --amount 5000 --date 2023-11-10 --key S-1
expect_rc "the same spending again (same key): exit 0" 0
has "the same spending again: says it was recorded before" "S-1 已记录过，未重复记录支出"
expect_eq "the same spending again: no new transfer" "$(ntransfers)" "$N1"
run fin funds spend --county $C --source 自治区 --category 补助 --amount 100 --date 2023-11-10 --key S-2
expect_rc "spend 100 on the policy's category (补助): exit 0" 0
has "spend on 补助: the category and source in Chinese" "已记录支出：$C 自治区资金「农户补助」100.00 元（S-2）"
N0=$(ntransfers)
run fin funds spend --county $C --source 中央 --category 办公经费 --amount 500000 --date 2023-11-10 --key S-3
expect_rc "spend more than the county holds: exit 1" 1
has_err "spend more than the county holds: names the account and the amount asked" "$C 中央资金 专户余额"
has_err "spend more than the county holds: the amount asked" "不足以转出 500,000.00 元"
run fin funds spend --county $C --source 省级 --category 办公经费 --amount 5 --date 2023-11-10 --key S-5
expect_rc "an unknown fund source: exit 1" 1
has_err "an unknown fund source: lists the sources by name" "资金来源「省级」不认识；可填：中央资金、自治区资金、州级资金、县级资金"
run fin funds spend --county $C --source central --category 'a:b' --amount 5 --date 2023-11-10 --key S-4
expect_rc "a category with ':': exit 1" 1
expect_eq "refused spending: nothing stored" "$(ntransfers)" "$N0"
verify_ok "spending: ledger verify"

# ---- 重复发放 by ID number: CJ008's person registered again as CJ009 ----

ch --db $DB household import "$FF/register2.csv" >/dev/null &&
	ch --db $DB event import "$FF/events2.csv" >/dev/null &&
	ch --db $DB inspect record CJ009 --county $C --result pass --date 2023-11-15 --inspector 张三 \
		--evidence photo.jpg >/dev/null || echo "not ok - registering CJ009"
app=$(ch --db $DB review apply --county $C --date 2023-11-16 --all-passed | sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
ch --db $DB review assign "$app" --unit 州住建局 --reviewer rv --seed funds-CJ009 >/dev/null &&
	ch --db $DB --as rv review result "$app" CJ009 --result pass --evidence photo.jpg --date 2023-11-18 >/dev/null ||
	echo "not ok - reviewing CJ009"
expect_eq "CJ009 (CJ008's ID number) 复核通过" "$(hh_status CJ009)" 复核通过
run fin subsidy reserve --county $C --date 2023-11-19
has "reserve CJ009: 700.00" "已为 1 户预留补助资金 700.00 元"
# publicised from Monday 20 November to Friday 24 November
fin notice create --county $C --date 2023-11-20 >/dev/null || echo "not ok - publicising CJ009"
run fin subsidy pay --county $C --date 2023-11-20 -o bank4.csv
has "pay CJ009 inside its notice period: not paid" "户编号 CJ009 未列入本批：公示 公示-652301-2023-002 的公示期（2023年11月20日至2023年11月24日）未满"
run fin subsidy pay --county $C --date 2023-11-27 -o bank4.csv
B4=$(bank bank4.csv)
expect_eq "pay CJ009: in the batch" "$(csvget "$B4" 户编号 CJ009 '金额(元)')" 700.00
printf '流水号,金额,状态,日期\n%s,700.00,成功,2023-11-28\n' "$(csvget "$B4" 户编号 CJ009 流水号)" >return4.csv
fin subsidy reconcile return4.csv >/dev/null || echo "not ok - reconciling CJ009"
expect_eq "CJ009 补助已发放" "$(hh_status CJ009)" 补助已发放
verify_ok "CJ009: ledger verify"

# ---- the fund audit ----

# reviewed 10-20; 30 days to pay, 60 days of idle money at most
A=$(audit_csv 2023-11-19)
expect_eq "audit 11-19: header" "$(printf '%s\n' "$A" | head -1)" "问题类型,对象,情况,金额(元)"
expect_no_finding "audit 11-19 (30 days after the review): no 截留 yet" "$A" 截留 ""
A=$(audit_csv 2023-11-20)
expect_finding "audit 11-20: 截留 CJ003 (its second payment not confirmed)" "$A" 截留 "CJ003"
expect_finding "audit 11-20: 截留 CJ007 (no account)" "$A" 截留 "CJ007"
expect_finding "audit 11-20: 截留 FK001 (paid, not confirmed)" "$A" 截留 "FK001"
expect_no_finding "audit 11-20: CJ001 paid in time" "$A" 截留 "CJ001"
expect_no_finding "audit 11-20: CJ004 paid on 11-07" "$A" 截留 "CJ004"
expect_no_finding "audit 11-20: CJ009 reviewed on 11-18" "$A" 截留 "CJ009"
expect_eq "audit 11-20: CJ007 owed 1,400.00" "$(finding "$A" 截留 CJ007 | awk -F'"' '{ print $2 }')" 1,400.00
expect_finding "audit 11-20: FK003 (no money reserved) says 未核定" "$A" 截留 "FK003"
case "$(finding "$A" 截留 FK003)" in
*未核定*) ok "audit 11-20: FK003's entitlement shown as 未核定 (not 0.00)" ;;
*) not_ok "audit 11-20: FK003's entitlement shown as 未核定 (not 0.00)" "got: $(finding "$A" 截留 FK003)" ;;
esac
# CJ008 withdrew on 11-03, its payment left on 11-02 while it was eligible:
# no 挪用; the bank paid it on 11-05, so it is a case for recovery
expect_no_finding "audit 11-20: no 挪用 for CJ008 (withdrawn after its payment left)" "$A" 挪用 "CJ008"
expect_finding "audit 11-20: 追回 CJ008 (paid after it withdrew)" "$A" 追回 "CJ008"
expect_eq "audit 11-20: 追回 CJ008 5,100.00" "$(finding "$A" 追回 CJ008 | awk -F'"' '{ print $2 }')" 5,100.00
expect_finding "audit 11-20: 挤占 办公经费" "$A" 挤占 "办公经费"
expect_eq "audit 11-20: 挤占 5,000.00" "$(finding "$A" 挤占 办公经费 | awk -F'"' '{ print $2 }')" 5,000.00
expect_no_finding "audit 11-20: spending on 农户补助 is no 挤占" "$A" 挤占 "补助"
expect_finding "audit 11-20: 重复发放 CJ005 and CJ006 (one account)" "$A" 重复发放 "同一收款账号 6230****0005"
# CJ009's payment was confirmed on 11-28 (after its notice): not yet a second payment on 11-20
expect_no_finding "audit 11-20: no 重复发放 by ID number yet (CJ009 paid on 11-28)" "$A" 重复发放 "同一身份证号"
expect_no_finding "audit 11-20: no 滞留 yet" "$A" 滞留 ""
A=$(audit_csv 2023-11-28)
expect_finding "audit 11-28: 重复发放 CJ008 and CJ009 (one ID number)" "$A" 重复发放 "同一身份证号 652301********0086"
A=$(audit_csv 2023-11-09)
expect_no_finding "audit 11-09: no 挤占 before the spending" "$A" 挤占 ""
# CJ008 withdrew on 11-03: on 11-02 its payment at the bank was no 挪用
A=$(audit_csv 2023-11-02)
expect_no_finding "audit 11-02: no 挪用 (CJ008 withdrew on 11-03)" "$A" 挪用 "CJ008"
A=$(audit_csv 2023-11-04)
expect_no_finding "audit 11-04: no 挪用 (CJ008's payment left before it withdrew)" "$A" 挪用 "CJ008"
expect_no_finding "audit 11-04: no 追回 yet (the bank had not paid CJ008)" "$A" 追回 "CJ008"
A=$(audit_csv 2023-12-19)
expect_no_finding "audit 12-19 (60 days after the review): no 滞留 yet" "$A" 滞留 ""
A=$(audit_csv 2023-12-20)
expect_finding "audit 12-20: 滞留 in 昌吉市" "$A" 滞留 "$C"
expect_no_finding "audit 12-20: no 滞留 in 阜康市 (its accounts are empty)" "$A" 滞留 "$F"
A=$(audit_csv 2023-12-20 au)
expect_finding "audit as the auditor: 滞留 in 昌吉市" "$A" 滞留 "$C"
run ch --db $DB --as fin funds audit --as-of 2023-12-20 --format json
expect_rc "audit as JSON: exit 0" 0
has "audit as JSON: a 追回 row" '"kind": "追回"'
run ch --db $DB --as fin funds audit --as-of 2023-12-20
has "audit as a table: counts the findings" "发现问题"
A=$(audit_csv 2023-11-20 fk)
expect_no_finding "audit for the 阜康市 operator: no 昌吉市 household" "$A" 截留 "$C"

# ---- report funds, after everything ----

R=$(funds_csv 2023-12-31)
# 昌吉市 central: reserved 15,900 + CJ009 262.50; paid CJ001 3,750 + CJ002
# 787.50 + CJ004 5,775 + CJ005 1,012.50 + CJ006 1,012.50 + CJ008 1,912.50
# + CJ009 262.50 = 14,512.50; balance 60,000 - 16,162.50 - 5,000 spent
expect_fund "report 12-31: 昌吉市 central reserved 16,162.50" "$R" $C 中央资金 "已核定预留(元)" 16,162.50
expect_fund "report 12-31: 昌吉市 central paid 14,512.50" "$R" $C 中央资金 "已发放到户(元)" 14,512.50
expect_fund "report 12-31: 昌吉市 central balance 38,837.50" "$R" $C 中央资金 "专户结余(元)" 38,837.50
expect_fund "report 12-31: 昌吉市 central other spending 5,000.00 (办公经费)" "$R" $C 中央资金 "其他支出(元)" 5,000.00
expect_fund "report 12-31: 昌吉市 region other spending 100.00 (农户补助 by hand)" "$R" $C 自治区资金 "其他支出(元)" 100.00
# every row adds up: 到位 = 已核定预留 + 其他支出 + 专户结余
rows_checked=$(printf '%s\n' "$R" | awk "$SPLIT_CSV"'
	NR == 1 { n = split_csv($0, h); for (i = 1; i <= n; i++) c[h[i]] = i; next }
	{ split_csv($0, f); for (k in f) gsub(/[,.]/, "", f[k])
	  if (f[c["到位(元)"]] != f[c["已核定预留(元)"]] + f[c["其他支出(元)"]] + f[c["专户结余(元)"]]) bad = bad " " f[1] f[2]
	  n_rows++ }
	END { print n_rows + 0 bad }')
bad=${rows_checked#* }
[ "$bad" = "$rows_checked" ] && bad=""
expect_eq "report 12-31: rows checked" "${rows_checked%% *}" 9
expect_eq "report 12-31: every row, 到位 = 预留 + 其他支出 + 结余" "$bad" ""
expect_fund "report 12-31: 昌吉市 central utilisation 24.1%" "$R" $C 中央资金 支出进度 24.1%
expect_fund "report 12-31: 昌吉市 region balance (100 spent)" "$R" $C 自治区资金 "专户结余(元)" 13,737.50
expect_fund "report 12-31: 阜康市 paid nothing" "$R" $F 中央资金 "已发放到户(元)" 0.00
expect_fund "report 12-31: total received 114,800.00" "$R" 合计 "" "到位(元)" 114,800.00
expect_fund "report 12-31: total paid 38,700.00" "$R" 合计 "" "已发放到户(元)" 38,700.00
run ch --db $DB --as fin report funds --year 2023 --as-of 2023-12-31 --format json
expect_rc "report funds as JSON: exit 0" 0
has "report funds as JSON: the total received" '"received": "114,800.00"'
has "report funds as JSON: 昌吉市 central paid" '"paid": "14,512.50"'
run ch --db $DB --as fin report funds --year 2023 --as-of 2023-12-31 --format xlsx -o funds.xlsx
expect_rc "report funds as XLSX: exit 0" 0
if [ "$(head -c 2 funds.xlsx)" = PK ] && unzip -p funds.xlsx 2>/dev/null | grep -F -q "114,800.00"; then
	ok "report funds as XLSX: a workbook with the total"
else
	not_ok "report funds as XLSX: a workbook with the total"
fi
run ch --db $DB --as fin report funds --year 2023 --as-of 2023-12-31
has "report funds as a table: the total row" 合计
R=$(ch --db $DB --as cj report funds --year 2023 --as-of 2023-12-31 --format csv | tr -d '\r')
expect_fund "report funds for the 昌吉市 operator: 昌吉市" "$R" $C 中央资金 "已发放到户(元)" 14,512.50
expect_eq "report funds for the 昌吉市 operator: no 阜康市 row" "$(printf '%s\n' "$R" | grep -c "^$F,")" 0
R=$(ch --db $DB --as fin report funds --year 2024 --as-of 2023-12-31 --format csv | tr -d '\r')
expect_fund "report funds for 2024: no household of 2024 reserved" "$R" 合计 "" "已核定预留(元)" 0.00
run ch --db $DB --as fin report funds --year 2023
expect_rc "report funds without --as-of: exit 2" 2

# 阜康市 gets more money in December: FK003 is reserved then
fin funds appropriate --source central --amount 2550 --date 2023-12-25 --key F-C2 --to $F >/dev/null &&
	fin funds appropriate --source region --amount 2550 --date 2023-12-25 --key F-R2 --to $F >/dev/null &&
	fin funds appropriate --source prefecture --amount 680 --date 2023-12-25 --key F-P2 --to $F --direct >/dev/null &&
	fin funds appropriate --source county --amount 1020 --date 2023-12-25 --key F-X2 --to $F --direct >/dev/null ||
	echo "not ok - more money for 阜康市"
run fin subsidy reserve --county $F --date 2023-12-26
has "阜康市 topped up: FK003 reserved, 6,800.00" "已为 1 户预留补助资金 6,800.00 元；资金不足待拨付 0 户"
verify_ok "end: ledger verify"
run ch --db $DB audit verify
expect_rc "end: audit verify" 0

# ---- dates that are not dates (on a copy) ----

db_cp $DB d.db
DB=d.db
N0=$(ntransfers)
run fin funds appropriate --source central --amount 5 --date 2023-13-45 --key D-1
expect_refused "appropriate dated 2023-13-45: refused"
run fin funds spend --county $C --source central --category 办公经费 --amount 5 --date garbage --key D-3
expect_refused "spend dated garbage: refused"
has_err "spend dated garbage: names the value and the formats" "'garbage' 不是日期：请写作 2023-07-20"
has_err "spend dated garbage: names the option" "--date 'garbage'"
expect_eq "transfers with bad dates: none stored" "$(ntransfers)" "$N0"
# a date as offices write it is the same day, stored in one spelling
run fin funds appropriate --source central --amount 5 --date 2023-6-1 --key D-2
expect_rc "appropriate dated 2023-6-1: accepted" 0
expect_eq "appropriate dated 2023-6-1: stored as 2023-06-01" \
	"$(sql $DB "SELECT day FROM transfer WHERE idem_key = 'D-2'")" 2023-06-01
run fin report funds --year 2023 --as-of garbage
expect_refused "report funds --as-of garbage: refused"
has_err "report funds --as-of garbage: names the option and the formats" "'garbage' 不是日期：请写作 2023-07-20"
run fin funds audit --as-of 2023-02-30
expect_refused "funds audit --as-of 2023-02-30: refused"
# a category with a space keeps its name
run fin funds spend --county $C --source central --category "办公 经费" --amount 5 --date 2023-11-11 --key D-4
A=$(audit_csv 2023-12-31)
expect_finding "挤占 of a category with a space: named in full" "$A" 挤占 "「办公 经费」"
# the status report and the audit agree on who is past the deadline
run ch --db $DB report funds --year 2023 --as-of 2023-12-31 --households --format csv
OVERDUE=$(csvget "$(printf '%s\n' "$OUT" | tr -d '\r')" '县(市)' 合计 逾期未足额)
echo "# overdue on 12-31: $OVERDUE"
expect_eq "households 12-31: overdue = the audit's 截留 findings" "$OVERDUE" \
	"$(printf '%s\n' "$A" | grep -c '^截留,')"

# ---- withdrawals and the money at the bank (on a copy) ----

db_cp m.db w.db
DB=w.db
# FK001's payment left on 11-06; a withdrawal recorded now with the day
# 11-04 means the money was sent to a household that had withdrawn: 挪用
FK1=$(csvget "$BF" 户编号 FK001 流水号)
run ch --db $DB event record FK001 已退出 --county $F --date 2023-11-04 --note 迁出本县
expect_rc "withdrawing FK001 on 11-04 (its payment left on 11-06): exit 0" 0
has "withdrawing FK001: warns of the 2,700.00 at the bank" "该户有 2,700.00 元补助已随第"
A=$(audit_csv 2023-12-31)
expect_finding "audit: 挪用 FK001 (sent on 11-06 after it withdrew on 11-04)" "$A" 挪用 "FK001"
expect_finding "audit: the 挪用 names the day and the stage then" "$A" 挪用 "2023-11-06 发出补助时该户为「已退出」"
expect_eq "audit: 挪用 FK001 2,700.00" "$(finding "$A" 挪用 FK001 | awk -F'"' '{ print $2 }')" 2,700.00
bal() { fund "$(funds_csv 2023-12-31)" 合计 "" "专户结余(元)" | tr -d ,; }
B0=$(bal)
# the bank returns it failed: reversed, and back to 阜康市's account
printf '流水号,金额,状态,日期,原因\n%s,2700.00,失败,2023-12-28,账户冻结\n' "$FK1" >returnw.csv
run fin subsidy reconcile returnw.csv
expect_rc "reconcile FK001 failed: exit 0" 0
has "reconcile FK001 failed: back to the county's account" "其中 1 笔属于发出后已退出的农户，款项已退回县级专户"
expect_eq "reconcile FK001 failed: county balances up by 2,700.00" \
	"$(awk -v a="$(bal)" -v b="$B0" 'BEGIN { printf "%.2f", a - b }')" 2700.00
A=$(audit_csv 2023-12-31)
expect_no_finding "audit after the failed return: no 挪用 FK001" "$A" 挪用 "FK001"
verify_ok "withdrawn FK001 released: ledger verify"
# a household with money reserved and nothing sent
run ch --db $DB event record FK003 已退出 --county $F --date 2023-12-27 --note 迁出本县
has "withdrawing FK003: its reserved money stays, never paid" "该户已预留、尚未发出的 6,800.00 元留在该户待发放账户，不再发放"
run fin subsidy pay --county $F --date 2023-12-29 -o bankw.csv
has "pay 阜康市 again: FK001 and FK003 (withdrawn) not paid" "没有待发放的补助"
