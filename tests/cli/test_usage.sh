#!/bin/sh
# Usage monitoring end to end on tests/fixtures/usage/ (its README works
# out every flag by hand): the readings by meter and by ID number, the
# season's check flagging exactly the low, idle, gap and burden households
# with their figures, the follow-up visits asked for once however often
# the check runs, and a visit that finds coal opening a rectification order.
# Each reading and flag carries its household's county (on PostgreSQL a
# row moved to another county is refused).
. "$(dirname "$0")/lib.sh"

AF=$FIX/acceptance
UF=$FIX/usage
DB=usage.db
c() { ch --db $DB "$@"; }
c plan import "$AF/plan.csv" --year 2023 >/dev/null &&
	c household import "$AF/register.csv" >/dev/null &&
	c event import "$AF/events.csv" >/dev/null &&
	c survey import "$UF/survey.csv" >/dev/null || echo "not ok - setting up"

# ---- readings ----
printf '表号,身份证号,类别,月份,用量\nE999,,电,2023-11,10\nE001,,电,2023-13,10\n,652301197003019999,燃气,2023-11,10\n' >bad.csv
run c usage import bad.csv
expect_rc "usage import: an unknown meter and a bad month are refused" 1
has "usage import: names the unknown meter" "E999"
has "usage import: names the month" "2023-13"
has "usage import: an unknown ID number, masked" "652301********9999"
lacks "usage import: the ID number never in full" "652301197003019999"
run c usage import "$UF/readings.csv" --county 阜康市
expect_rc "usage import --county: another county's households refused" 1
has "usage import --county: says the household is not of it" "该户不在所导入的县市（阜康市）"
run c usage import "$UF/readings.csv" --county 昌吉市
expect_rc "usage import: stored" 0
has "usage import: every row, use or cumulative reading" "读入 42 行；保存 42 行"

# ---- the check: exactly the four flags ----
run c usage check --season 2023-2024 --today 2024-04-10 --format csv
expect_rc "usage check: runs" 0
n=$(printf '%s\n' "$OUT" | grep -c '^昌吉市')
if [ "$n" -eq 5 ]; then ok "usage check: five flags"; else not_ok "usage check: five flags" "$n rows"; fi
has "usage check: CJ002 low, with its figures" 'CJ002,验收CJ002,用量偏低,是,"2023-11至2024-03用量 2,000 kWh，为按热负荷预测的 5,776 kWh 的 35%'
has "usage check: CJ003 idle, likely back to coal" 'CJ003,验收CJ003,基本未用（疑似返煤）,是,"2023-11至2024-03用量 250 kWh，仅为按热负荷预测的 5,776 kWh 的 4%'
has "usage check: CJ004 a month short" "CJ004,验收CJ004,读数缺月,是,2023-11至2024-03应有 5 个月的电表读数，只有 4 个"
has "usage check: CJ021 a cost burden" 'CJ021,验收CJ021,费用负担重,是,"2023-11至2024-03取暖费用约 2,338 元，占家庭年收入 20,000 元的 11.7%'
lacks "usage check: CJ001 normal" "CJ001"
lacks "usage check: CJ022 (by ID number) normal" "CJ022"
lacks "usage check: CJ005 (cumulative readings) normal" "CJ005"
has "usage check: CJ006 idle, its use the difference of its readings" 'CJ006,验收CJ006,基本未用（疑似返煤）,是,"2023-11至2024-03用量 50 kWh'
run c followup due --as-of 2024-05-30 --format csv
lacks "usage check alone asks for no visit" "用量核查"

# ---- follow-ups, once ----
run c usage followup --season 2023-2024 --today 2024-04-10
expect_rc "usage followup: runs" 0
has "usage followup: four visits asked for" "新增待回访 4 户"
run c usage followup --season 2023-2024 --today 2024-04-12
has "usage followup again: no new flag, no new visit" "本次新发现 0 条）；新增待回访 0 户"
run c followup due --as-of 2024-05-30 --format csv
n=$(printf '%s\n' "$OUT" | grep -c '用量核查')
if [ "$n" -eq 4 ]; then ok "followup due: four usage visits"; else not_ok "followup due: four usage visits" "$n"; fi
has "followup due: CJ003's visit with its reason, due 30 days after the flag" 'CJ003,验收CJ003,用量核查（查看是否返煤）,2024-05-10,已逾期,"2023-11至2024-03用量 250 kWh'
lacks "followup due: no visit for the gap" "CJ004,验收CJ004,用量核查"

# ---- the visit finds coal: a rectification order ----
run c followup record CJ003 --county 昌吉市 --visit 3 --date 2024-04-20 --in-use no \
	--comfort poor --coal yes --visitor 王五 --today 2024-04-20
expect_rc "visit 3 of CJ003: recorded" 0
has "visit 3 finding coal: a rectification order" "已下达整改单"
run c rectification list --format csv
has "the order says coal is burned again" "仍在烧煤（返煤）"
run c followup due --as-of 2024-05-30 --format csv
lacks "followup due: CJ003's usage visit done" "CJ003,验收CJ003,用量核查"
run c followup record CJ001 --county 昌吉市 --visit 3 --date 2024-04-20 --in-use yes \
	--comfort good --visitor 王五 --today 2024-04-20
expect_rc "visit 3 of a household the check did not flag: refused" 1

# ---- each row in its household's county (the key it is spread by on Citus) ----
county_follows $DB usage_reading
county_follows $DB usage_flag

# ---- scope ----
c user add fk --role county_operator --scope 阜康市 >/dev/null
run ch --db $DB --as fk usage check --season 2023-2024 --county 昌吉市
expect_rc "usage check for another county: refused" 3
run ch --db $DB --as fk usage followup --season 2023-2024 --county 昌吉市
expect_rc "usage followup for another county: refused" 3
run ch --db $DB --as fk usage import "$UF/readings.csv"
expect_rc "usage import of another county's households: refused" 3
