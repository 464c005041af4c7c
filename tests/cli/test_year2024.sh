#!/bin/sh
# A second programme year end to end, with its own rules: the 2024 plan,
# the office's 2024 milestone calendar (开工 by 6月15日) and subsidy
# standard (gas capped at 3,000 yuan, not 2023's 2,700) loaded with `rules
# import`, a register and its steps, self-inspections in one file, review
# applications with their samples, funds, reservations, a payment batch
# and the bank's return. Nothing of 2023 may leak in: no 2023 dates in the
# notices, no 2023 standard in the entitlements, no 2023 numbers.
. "$(dirname "$0")/lib.sh"

RF=$FIX/rules
C=昌吉市
F=阜康市
rows() { printf '%s\n' "$1" | sed 1d | grep -c .; }

run ch plan import "$FIX/plan/year-2024.csv" --year 2024
expect_rc "2024 plan: exit 0" 0
ch demo generate --households 8 --seed 5 --year 2024 -o reg.csv >/dev/null
run ch household import reg.csv
expect_rc "2024 register: exit 0" 0
has "2024 register: 8 households" "新增 8 户"

# ---- the year's rules, before they are loaded and after ----
run ch report dispatch --year 2024 --as-of 2024-06-10
expect_rc "dispatch before the 2024 calendar: refused (4)" 4
has_err "dispatch before the 2024 calendar: says what to load" "rules import calendar FILE --year 2024"
run ch rules import calendar "$RF/calendar-2024.csv" --year 2024
expect_rc "2024 calendar loaded: exit 0" 0
ch demo events --as-of 2024-09-30 --seed 5 --year 2024 -o ev.csv >/dev/null
run ch event import ev.csv
expect_rc "2024 steps: exit 0" 0
run ch report remind --year 2024 --as-of 2024-06-10 -o remind.txt
expect_rc "2024 reminders: exit 0" 0
has "2024 reminders: one for the county behind" "提醒"
if grep -q "6月15日前全面开工" remind.txt; then ok "2024 reminders: the office's 6月15日"; else
	not_ok "2024 reminders: the office's 6月15日" "$(cat remind.txt)"; fi
if grep -q "5月31日\|2023" remind.txt; then not_ok "2024 reminders: nothing of 2023" "$(cat remind.txt)"; else
	ok "2024 reminders: nothing of 2023"; fi
if grep -q "2024年度农村清洁取暖安排项目表" remind.txt; then ok "2024 reminders: cite the 2024 plan"; else
	not_ok "2024 reminders: cite the 2024 plan" "$(cat remind.txt)"; fi

# ---- acceptance ----
printf 'JPEG 自验照片' >photo.jpg
{
	echo 县市,户编号,结果,日期,自验人员,证明材料
	tr -d '\r' <ev.csv | awk -F, '$3 == "已调试" { print $1 "," $2 ",合格,2024-10-08,张三,photo.jpg" }'
} >insp.csv
run ch inspect import insp.csv
expect_rc "2024 self-inspections in one file: exit 0" 0
has "2024 self-inspections: all 8" "自验合格 8 户"
ch user add rv --role reviewer >/dev/null
ch user add fin --role finance >/dev/null
for c in $C $F; do
	app=$(ch review apply --county $c --date 2024-10-10 --all-passed --year 2024 | sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
	case $app in *-2024-*) ok "review application of $c numbered in 2024 ($app)" ;;
	*) not_ok "review application of $c numbered in 2024" "got [$app]" ;; esac
	ch review assign "$app" --unit 州住建局 --reviewer rv --seed "y24-$c" >/dev/null
	for h in $(ch --as rv review sample "$app" --format csv | tr -d '\r' | awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }'); do
		ch --as rv review result "$app" "$h" --result pass --evidence photo.jpg --date 2024-10-20 >/dev/null ||
			echo "not ok - review result of $h"
	done
done
run ch household list --status 复核通过 --format csv
expect_eq "2024: all 8 households 复核通过" "$(rows "$OUT")" 8

# ---- the subsidy under the 2024 standard ----
GAS=$(ch household list --county $C --format csv | tr -d '\r' |
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "改造方式") t = i; next } $t ~ /燃气/ { print $4; exit }')
run ch subsidy entitlement "$GAS" --county $C
expect_rc "entitlement before the 2024 standard: refused (4)" 4
has_err "entitlement before the 2024 standard: says what to load" "rules import subsidy FILE --year 2024"
run ch rules import subsidy "$RF/subsidy-2024.csv" --year 2024
expect_rc "2024 subsidy standard loaded: exit 0" 0
run ch subsidy entitlement "$GAS" --county $C
has "entitlement: the 2024 standard, version 1" "2024年补助标准第1版"
has "entitlement: gas capped at 3,000.00 (2024), not 2,700.00 (2023)" "上限 3,000.00 元"
for s in 中央 自治区 州级 县级; do
	ch --as fin funds appropriate --source $s --amount 20000 --date 2024-06-01 --key "A-$s" >/dev/null
	for c in $C $F; do
		ch --as fin funds appropriate --source $s --amount 8000 --date 2024-06-02 --key "B-$s-$c" --to $c >/dev/null ||
			echo "not ok - allocating $s to $c"
	done
done
run ch --as fin subsidy reserve --county $C --date 2024-11-01
expect_rc "2024 reservation for 昌吉市: exit 0" 0
# publicised for 5 working days, 1 to 7 November (公示), then paid
run ch --as fin notice create --county $C --date 2024-11-01
has "2024 notice: 1 to 7 November" "2024年11月1日至2024年11月7日"
run ch --as fin subsidy pay --county $C --date 2024-11-08 -o bank.csv
expect_rc "2024 payment batch: exit 0" 0
N=$(sed 1d bank.csv | grep -c .)
if [ "$N" -gt 0 ]; then ok "2024 bank file: $N payments"; else not_ok "2024 bank file: payments"; fi
{
	echo 流水号,状态,日期
	sed 1d bank.csv | tr -d '\r' | awk -F, '{ print $1 ",成功,2024-11-08" }'
} >return.csv
run ch --as fin subsidy reconcile return.csv
expect_rc "2024 bank return: exit 0" 0
has "2024 bank return: every payment confirmed" "入账成功 $N 笔"
run ch household list --status 补助已发放 --format csv
expect_eq "2024: the paid households 补助已发放" "$(rows "$OUT")" "$N"
run ch --as fin ledger verify
expect_rc "2024: ledger verify" 0
run ch audit verify
expect_rc "2024: audit verify" 0
# no 2023 anywhere: no plan, no calendar moved onto 2024
run ch report dispatch --year 2023 --as-of 2023-07-16
expect_rc "no 2023 plan in this database: refused" 4
run ch rules show calendar --year 2024 --format csv
lacks "the 2024 calendar holds no 2023 date" "2023-"
