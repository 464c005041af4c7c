#!/bin/sh
# End-to-end tests of the yearly rules an office sets itself: `rules list`
# (the shipped defaults of a new database), `rules show`, `rules import`
# (checked like the shipped file, versioned with the older version kept,
# audited, refused for roles that may not set plans), a plan year without
# a milestone calendar refused by the dispatch with what to load, and an
# office's own rule kept when the program's shipped file changes.
. "$(dirname "$0")/lib.sh"

RF=$FIX/rules
ch --db r.db plan import "$FIX/plan/year-2024.csv" --year 2024 >/dev/null ||
	echo "not ok - setting up: the 2024 plan"
run ch --db r.db rules list --format csv
expect_rc "rules list: exit 0" 0
has "rules list: the shipped 2023 calendar in use" "calendar,里程碑日历,2023,1,在用,内置默认"
has "rules list: the checklist, one current set" "checklist,自验检查项,通用,1,在用,内置默认"
run ch --db r.db rules show 补助标准 --year 2023
expect_rc "rules show by the Chinese name: exit 0" 0
run ch --db r.db rules show sampling
expect_rc "rules show of a current set needs no year: exit 0" 0

# ---- a year without its calendar ----
run ch --db r.db report dispatch --year 2024 --as-of 2024-06-30
expect_rc "dispatch of 2024 without its calendar: exit 4" 4
has_err "dispatch of 2024: says what to load" "没有 2024 年的里程碑日历：请用 cleanheat rules import calendar FILE --year 2024 载入"
run ch --db r.db rules show calendar --year 2024
expect_rc "rules show of a year not loaded: exit 4" 4

# ---- importing: checked, nothing stored when wrong ----
N0=$(ch --db r.db audit log --limit 100000 --format csv | wc -l)
run ch --db r.db rules import calendar "$RF/calendar-bad.csv" --year 2024
expect_rc "a calendar with a bad date: refused" 1
has_err "a calendar with a bad date: names the row and key" "第 3 行 started_deadline：「2024-13-45」不是 2024 年前后的日期"
expect_eq "a refused calendar: nothing in the log" "$(ch --db r.db audit log --limit 100000 --format csv | wc -l)" "$N0"
run ch --db r.db rules show calendar --year 2024
expect_rc "a refused calendar: still none for 2024" 4
ch --db r.db user add clerk --role county_operator --scope 昌吉市 >/dev/null
run ch --db r.db --as clerk rules import calendar "$RF/calendar-2024.csv" --year 2024
expect_rc "a county operator may not set the rules: 3" 3
run ch --db r.db rules import 日历 "$RF/calendar-2024.csv" --year 2024
expect_rc "an unknown kind: refused" 1
has_err "an unknown kind: lists the kinds" "calendar（里程碑日历）、subsidy（补助标准）"

# ---- the 2024 calendar ----
run ch --db r.db rules import calendar "$RF/calendar-2024.csv" --year 2024
expect_rc "rules import calendar 2024: exit 0" 0
has "rules import: says which version" "已载入 2024 年里程碑日历第 1 版"
run ch --db r.db rules show calendar --year 2024 --format csv
has "rules show: the office's 开工 deadline" "started_deadline,2024-06-15"
run ch --db r.db report dispatch --year 2024 --as-of 2024-06-30 --format csv
expect_rc "dispatch of 2024 with its own calendar: exit 0" 0
run ch --db r.db report remind --year 2024 --as-of 2024-06-10 -o remind.txt
if [ -s remind.txt ] && ! grep -q "5月31日" remind.txt; then
	ok "2024 reminders: nothing of 2023's 5月31日"
else
	not_ok "2024 reminders: nothing of 2023's 5月31日" "$(cat remind.txt)"
fi
run ch --db r.db audit log --limit 1 --format csv
has "rules import: audited" "rules.import"
N1=$(ch --db r.db audit log --limit 100000 --format csv | wc -l)
run ch --db r.db rules import calendar "$RF/calendar-2024.csv" --year 2024
expect_rc "the same file again: exit 0" 0
has "the same file again: the same version" "第 1 版"
expect_eq "the same file again: no new audit entry" "$(ch --db r.db audit log --limit 100000 --format csv | wc -l)" "$N1"
sed 's/2024-11-15/2024-11-20/' "$RF/calendar-2024.csv" >calendar-2024b.csv
run ch --db r.db rules import calendar calendar-2024b.csv --year 2024
has "a changed calendar: version 2" "第 2 版"
run ch --db r.db rules list --all --format csv
has "rules list --all: version 1 kept, replaced" "calendar,里程碑日历,2024,1,已替换,本单位导入"
has "rules list --all: version 2 in use" "calendar,里程碑日历,2024,2,在用,本单位导入"
run ch --db r.db rules show calendar --year 2024 --version 1 --format csv
has "rules show --version 1: the older text" "reviewed_deadline,2024-11-15"

# ---- an office's own checklist survives a program update ----
sed 's/室内温度测试达标/室内温度不低于18℃/' "$ROOT/data/acceptance/checklist.csv" >checklist.csv
run ch --db r.db rules import checklist checklist.csv --year 2024
expect_rc "rules import checklist: exit 0" 0
has "rules import checklist: a current set from 2024 on" "2024 年起使用"
# as if the program's shipped files had changed since this database loaded them
sql r.db "UPDATE meta SET value = 'older' WHERE key IN ('reference:fingerprint:2', 'ref:data/acceptance/checklist.csv')"
run ch --db r.db rules show checklist --format csv
has "after a program update: the office's checklist stays" "室内温度不低于18℃"

# ---- values that make no sense are refused with the row, nothing stored ----
rules_refused() { # NAME KIND FILE YEAR WANT
	n0=$(ch --db r.db rules list --all --format csv | wc -l)
	run ch --db r.db rules import "$2" "$3" --year "$4"
	expect_rc "$1: refused" 1
	has_err "$1: names the row and reason" "$5"
	expect_eq "$1: no new version" "$(ch --db r.db rules list --all --format csv | wc -l)" "$n0"
}
sed 's/^ratio_percent,10,/ratio_percent,0,/' "$ROOT/data/acceptance/sampling.csv" >sampling0.csv
rules_refused "a sampling ratio of 0 %" sampling sampling0.csv 2024 "第2行：ratio_percent 的值“0”不对，应为 1 到 100 之间的整数"
printf 'key,value\nratio_pct,10\n' >sampling-typo.csv
rules_refused "a misspelt setting" sampling sampling-typo.csv 2024 "第2行：不认识的设置项“ratio_pct”"
sed 's/^heated_area,10,800,/heated_area,900,800,/' "$ROOT/data/register/limits.csv" >limits-inverted.csv
rules_refused "limits with the lower above the upper" limits limits-inverted.csv 2024 "第2行：下限“900”大于上限"
sed 's/^technology,gas,share,,70,2700/technology,gas,share,,170,2700/' "$ROOT/data/subsidy/2023.csv" >subsidy170.csv
rules_refused "a subsidy of 170 %" subsidy subsidy170.csv 2024 "比例 170% 超过 100%"
sed 's/^technology,central,fixed,3600,,/technology,central,fixed,三千六,,/' "$ROOT/data/subsidy/2023.csv" >subsidy-words.csv
rules_refused "an amount in words" subsidy subsidy-words.csv 2024 "amount_yuan“三千六”不是不小于 0 的数"
sed 's/^technology,solar,share,/technology,solar,shared,/' "$ROOT/data/subsidy/2023.csv" >subsidy-rule.csv
rules_refused "an unknown subsidy rule" subsidy subsidy-rule.csv 2024 "补助方式“shared”不认识"
