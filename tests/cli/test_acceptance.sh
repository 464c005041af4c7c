#!/bin/sh
# End-to-end tests of acceptance: self-inspection (`inspect record`, a
# failed item opening a rectification order that blocks a new inspection
# until closed), review applications (`review apply` by file and
# --all-passed, `review assign` with a seed, `review sample` and --verify,
# `review result` with the sample widening when more than 10 % fails, then
# completing: failed households back at 已调试 with an order, the others
# 复核通过), tampering with a stored sample, the same sample from the same
# seed in a fresh database, a failed contractor sampled at twice the ratio,
# permissions of reviewers and county operators (refusals change nothing),
# `rectification list --open/--overdue --as-of` and `close`, `followup
# due/record`, and `report acceptance` per county in table, CSV and JSON;
# `report verify` after every step. Fixtures: tests/fixtures/acceptance/
# (see its README).
. "$(dirname "$0")/lib.sh"

AF=$FIX/acceptance
C=昌吉市
F=阜康市

# expect_fail NAME: the last run failed (any non-zero status except a crash)
expect_fail() {
	if [ "$RC" -ne 0 ] && [ "$RC" -lt 64 ]; then ok "$1"; else not_ok "$1" "expected a refusal"; fi
}
# nlines TEXT: the number of non-empty lines
nlines() { printf '%s\n' "$1" | grep -c . ; }
# hhs PREFIX FIRST LAST: 户编号 PREFIX001 ... one per line
hhs() { awk -v p="$1" -v a="$2" -v b="$3" 'BEGIN { for (i = a; i <= b; i++) printf "%s%03d\n", p, i }'; }

# setup DB: the plan, the register and the steps up to 已调试
setup() {
	rm -f "$1"
	ch --db "$1" plan import "$AF/plan.csv" --year 2023 >/dev/null &&
		ch --db "$1" household import "$AF/register.csv" >/dev/null &&
		ch --db "$1" event import "$AF/events.csv" >/dev/null ||
		echo "not ok - setting up $1"
}
printf 'JPEG 自验照片' >photo.jpg
# inspect_pass DB DAY COUNTY HH...: passing self-inspections, as the admin
inspect_pass() {
	db=$1 day=$2 county=$3
	shift 3
	for h in "$@"; do
		ch --db "$db" inspect record "$h" --county "$county" --result pass --date "$day" \
			--inspector 张三 --evidence photo.jpg >/dev/null 2>&1 ||
			echo "not ok - self-inspection of $h on $day"
	done
}
# status DB HH COUNTY: the household's stage key
status() {
	s=$(ch --db "$1" household show "$2" --county "$3" | awk '$1 == "状态" { print $2 }')
	case "$s" in
	已登记) s=registered ;;
	已开工) s=started ;;
	已完工) s=installed ;;
	已调试*) s=commissioned ;;
	自验合格) s=self_inspected ;;
	已申请复核) s=review_requested ;;
	复核通过) s=reviewed ;;
	已退出) s=withdrawn ;;
	esac
	printf '%s\n' "$s"
}
verify_ok() {
	run ch --db "$2" report verify
	if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -F -q "一致"; then ok "$1"; else not_ok "$1" "report verify should pass"; fi
}
# sample DB APP [GLOBAL OPTIONS]: `review sample --format csv` without CRs
sample() {
	db=$1 app=$2
	shift 2
	ch --db "$db" "$@" review sample "$app" --format csv | tr -d '\r'
}
# rows CSV COLUMN VALUE: the first column of the rows whose COLUMN (heading)
# is VALUE; VALUE "*" for any non-empty value other than 未抽中
rows() {
	printf '%s\n' "$1" | awk -F, -v head="$2" -v want="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == head) c = i; next }
		c && ((want == "*" && $c != "" && $c != "未抽中") || $c == want) { print $1 }'
}
# cell CSV ROW HEADING: the value in row ROW (first column) under HEADING
cell() {
	printf '%s\n' "$1" | awk -F, -v row="$2" -v head="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == head) c = i; next }
		$1 == row && c { print $c; exit }'
}
expect_cell() {
	v=$(cell "$2" "$3" "$4")
	if [ "$v" = "$5" ]; then ok "$1"; else not_ok "$1" "$3 $4: expected [$5], got [$v]"; fi
}
# jget JSON COUNTY KEY: KEY of COUNTY's row in `--format json` output
jget() {
	printf '%s\n' "$1" | awk -v county="\"county\": \"$2\"" -v key="\"$3\": " '
		index($0, county) { on = 1; next }
		on && index($0, key) { sub(/^[^:]*: /, ""); sub(/,$/, ""); gsub(/"/, ""); print; exit }'
}
lst() { ch --db "$1" review list --format csv | tr -d '\r'; }
audit() { ch --db "$1" audit log --format csv | tr -d '\r'; }
orders() {
	db=$1
	shift
	ch --db "$db" rectification list --format csv "$@" | tr -d '\r'
}
# order_of TEXT: the order number in "... 整改单 N ..."
order_of() { printf '%s\n' "$1" | sed -n 's/.*整改单 \([0-9][0-9]*\).*/\1/p' | head -1; }

# ---- self-inspection, a failed item and its rectification order ----

setup m.db
ch --db m.db user add rv --role reviewer >/dev/null
ch --db m.db user add rv2 --role reviewer >/dev/null
ch --db m.db user add fk --role county_operator --scope $F >/dev/null
ch --db m.db user add cj --role county_operator --scope $C >/dev/null
verify_ok "setup: report verify" m.db

run ch --db m.db inspect record CJ041 --county $C --result fail --date 2023-10-05 --inspector 张三 \
	--item stove_removed=fail
expect_rc "inspect fail (stove_removed): exit 0" 0
has "inspect fail: an order is opened" "已下达整改单"
O_INSP=$(order_of "$OUT")
expect_eq "inspect fail: CJ041 stays 已调试" "$(status m.db CJ041 $C)" commissioned
run orders m.db --open
expect_eq "inspect fail: the open order is CJ041's" "$(rows "$OUT" 户编号 CJ041)" "$O_INSP"
expect_cell "inspect fail: source 自验" "$OUT" "$O_INSP" 来源 自验
expect_cell "inspect fail: the order states the problem found, not the passing wording" "$OUT" "$O_INSP" 问题 原燃煤炉具未拆除
expect_cell "inspect fail: deadline opened + 15 days" "$OUT" "$O_INSP" 整改期限 2023-10-20
run ch --db m.db inspect record CJ041 --county $C --result pass --date 2023-10-06 --inspector 张三 \
	--evidence photo.jpg
expect_rc "inspect again with the order open: exit 1" 1
has_err "inspect again with the order open: says close the order first" "整改单"
expect_eq "inspect again with the order open: still 已调试" "$(status m.db CJ041 $C)" commissioned
run ch --db m.db rectification close "$O_INSP" --date 2023-10-04 --note 已拆除
expect_rc "close before the order was opened: exit 1" 1
run ch --db m.db rectification close "$O_INSP" --date 2023-10-07
expect_fail "close without --note: refused"
run ch --db m.db rectification close "$O_INSP" --date 2023-10-07 --note 旧炉具已拆除
expect_rc "close the order: exit 0" 0
run ch --db m.db inspect record CJ041 --county $C --result pass --date 2023-10-08 --inspector 张三 \
	--evidence photo.jpg
expect_rc "inspect after closing: exit 0" 0
expect_eq "inspect after closing: CJ041 自验合格" "$(status m.db CJ041 $C)" self_inspected
run ch --db m.db inspect record CJ041 --county $C --result pass --date 2023-10-09 --inspector 张三 \
	--evidence photo.jpg
expect_rc "inspect a self-inspected household: exit 1" 1

run ch --db m.db inspect record CJ042 --county $C --result pass --date 2023-10-08 --inspector 张三
expect_rc "pass without evidence: exit 1" 1
run ch --db m.db inspect record CJ042 --county $C --result pass --date 2023-10-08 --inspector 张三 \
	--evidence photo.jpg --item photos=fail
expect_rc "pass with a failed item: exit 1" 1
run ch --db m.db inspect record CJ042 --county $C --result fail --date 2023-10-08 --inspector 张三 \
	--item chimney=fail
expect_rc "unknown checklist item: exit 1" 1
run ch --db m.db inspect record CJ042 --county $C --result pass --date 2023-07-31 --inspector 张三 \
	--evidence photo.jpg
expect_rc "inspected before commissioning: exit 1" 1
run ch --db m.db inspect record CJ055 --county $C --result pass --date 2023-10-08 --inspector 张三 \
	--evidence photo.jpg
expect_rc "household only 已开工: exit 1" 1
has_err "household only 已开工: says only 已调试 ones" "已调试"
run orders m.db --open
expect_eq "refused inspections open no order" "$(nlines "$OUT")" 1
inspect_pass m.db 2023-10-08 $C $(hhs CJ 1 40) CJ042
expect_eq "41 more self-inspections: CJ040 自验合格" "$(status m.db CJ040 $C)" self_inspected
verify_ok "self-inspection: report verify" m.db

# ---- checklist items by their Chinese text ----
setup ci.db
run ch --db ci.db inspect record CJ048 --county $C --result fail --date 2023-10-05 --inspector 张三 --item 原燃煤炉具已拆除=不合格
expect_rc "--item 原燃煤炉具已拆除=不合格: exit 0" 0
run orders ci.db --open
has "--item by its Chinese text: the order states the problem" "原燃煤炉具未拆除"
run ch --db ci.db inspect record CJ047 --county $C --result fail --date 2023-10-05 --inspector 张三 --item 炉子=不合格
expect_rc "an unknown item: refused" 1
has_err "an unknown item: lists the items" "检查项有：设备安装到位并正常运行（equipment）、原燃煤炉具已拆除（stove_removed）"
run ch --db ci.db inspect record CJ047 --county $C --result fail --date 2023-10-05 --inspector 张三 --item 原燃煤炉具已拆除=也许
expect_rc "an item's result neither 合格 nor 不合格: refused" 1
has_err "an item's result: says how to write it" "应写作 检查项=合格 或 检查项=不合格"

# ---- self-inspections in one file ----
# CJ041..CJ043 are 已调试: a file passing two and failing one (with its
# item's column) is stored; a file with bad rows names each and stores
# nothing; --skip-invalid stores the good rows and writes the rest out
setup ii.db
cp "$AF/photo.jpg" photo.jpg
printf '%s\n' 县市,户编号,结果,日期,自验人员,证明材料,原燃煤炉具已拆除 \
	昌吉市,CJ041,合格,2023-10-08,张三,photo.jpg, \
	昌吉市,CJ042,合格,2023-10-08,张三,photo.jpg,合格 \
	昌吉市,CJ043,不合格,2023-10-08,张三,,不合格 >insp.csv
run ch --db ii.db inspect import insp.csv
expect_rc "inspect import: exit 0" 0
has "inspect import: 2 passed, 1 failed" "读入 3 行；自验合格 2 户，不合格 1 户（已下达整改单），拒收 0 行"
expect_eq "inspect import: CJ041 self-inspected" "$(status ii.db CJ041 $C)" self_inspected
expect_eq "inspect import: CJ043 still commissioned" "$(status ii.db CJ043 $C)" commissioned
run orders ii.db --open
has "inspect import: CJ043's order states the problem" "原燃煤炉具未拆除"
printf '%s\n' 县市,户编号,结果,日期,自验人员,证明材料,原燃煤炉具已拆除 \
	昌吉市,CJ044,合格,2023-10-08,张三,photo.jpg, \
	昌吉市,CJ045,好,2023-10-08,张三,photo.jpg, \
	昌吉市,CJ046,合格,2023-10-08,张三,no-such.jpg, \
	昌吉市,CJ055,合格,2023-10-08,张三,photo.jpg, \
	昌吉市,CJ047,合格,2023-10-08,张三,photo.jpg,也许 >insp-bad.csv
A0=$(audit ii.db)
run ch --db ii.db inspect import insp-bad.csv
expect_rc "inspect import with bad rows: exit 1" 1
has "bad rows: row 3 names the result" "第3行 结果「好」：结果应为 合格 或 不合格"
has "bad rows: row 4 names the missing evidence" "找不到证明材料「no-such.jpg」"
has "bad rows: row 5 says CJ055 is not commissioned" "只有「已调试」的农户可以自验"
has "bad rows: row 6 names the checklist item" "「原燃煤炉具已拆除」应填 合格 或 不合格"
has_err "bad rows: nothing stored" "什么也没有保存"
expect_eq "bad rows: CJ044 not stored either" "$(status ii.db CJ044 $C)" commissioned
expect_eq "bad rows: audit log unchanged" "$(audit ii.db)" "$A0"
run ch --db ii.db inspect import insp-bad.csv --skip-invalid --rejects insp-rej.csv
expect_rc "inspect import --skip-invalid: exit 0" 0
has "--skip-invalid: 1 passed, 4 refused" "自验合格 1 户，不合格 0 户（已下达整改单），拒收 4 行"
expect_eq "--skip-invalid: CJ044 self-inspected" "$(status ii.db CJ044 $C)" self_inspected
expect_eq "--skip-invalid: the rejects file holds the 4 rows" "$(sed 1d insp-rej.csv | grep -c .)" 4
run ch --db ii.db audit log --limit 1 --format csv
has "inspect import: one summary entry" "导入自验记录"
head -1 insp.csv >insp-none.csv
run ch --db ii.db inspect import insp-none.csv
expect_rc "inspect import of a header alone: exit 1" 1
has_err "inspect import of a header alone: says so" "没有数据行"

# ---- review applications ----

printf '户编号\nCJ041\nCJ055\n' >bad.csv
run ch --db m.db review apply --county $C --date 2023-10-10 --households bad.csv
expect_rc "apply with a household not self-inspected: exit 1" 1
has_err "apply with a household not self-inspected: names it" "CJ055"
expect_eq "apply refused: no application" "$(nlines "$(lst m.db)")" 1
expect_eq "apply refused: CJ041 still 自验合格" "$(status m.db CJ041 $C)" self_inspected
printf 'CJ055\n' >nohead.csv
run ch --db m.db review apply --county $C --date 2023-10-10 --households nohead.csv
expect_rc "apply from a list without a header: its first line counts, exit 1" 1
has_err "apply from a list without a header: names CJ055" "CJ055"
printf '户编号\nCJ041\nCJ042\n' >hh.csv
run ch --db m.db review apply --county $C --date 2023-10-07 --households hh.csv
expect_rc "apply dated before the self-inspections: exit 1" 1
expect_eq "apply refused: still no application" "$(nlines "$(lst m.db)")" 1
run ch --db m.db review apply --county $C --date 2023-10-10 --households hh.csv
expect_rc "apply --households: exit 0" 0
has "apply --households: numbered" "复核-652301-2023-001"
A1=复核-652301-2023-001
expect_eq "apply --households: CJ042 已申请复核" "$(status m.db CJ042 $C)" review_requested
run ch --db m.db review apply --county $C --date 2023-10-10 --all-passed
expect_rc "apply --all-passed: exit 0" 0
has "apply --all-passed: numbered" "复核-652301-2023-002"
A2=复核-652301-2023-002
L=$(lst m.db)
expect_cell "apply --households: 2 households" "$L" $A1 户数 2
expect_cell "apply --all-passed: the 40 others" "$L" $A2 户数 40
expect_cell "apply: 待分配" "$L" $A2 状态 待分配
run ch --db m.db review apply --county $C --date 2023-10-10 --all-passed
expect_rc "apply --all-passed with none left: exit 1" 1
run ch --db m.db review apply --county $C --date 2023-10-10
expect_rc "apply without households or --all-passed: exit 2" 2
verify_ok "apply: report verify" m.db

# 阜康市: FK001 and FK003 pass, FK002 fails (an order), applied by its operator
for h in FK001 FK003; do
	ch --db m.db --as fk inspect record $h --county $F --result pass --date 2023-10-26 \
		--inspector 李四 --evidence photo.jpg >/dev/null || echo "not ok - self-inspection of $h"
done
run ch --db m.db --as fk inspect record FK002 --county $F --result fail --date 2023-10-26 \
	--inspector 李四 --item supply=fail
expect_rc "阜康市 operator records a failed inspection: exit 0" 0
O_FK=$(order_of "$OUT")
L=$(lst m.db)
A0=$(audit m.db)
run ch --db m.db --as fk review apply --county $C --date 2023-10-27 --all-passed
expect_rc "阜康市 operator applies for 昌吉市: exit 3" 3
has_err "阜康市 operator applies for 昌吉市: names the user" "fk"
run ch --db m.db --as fk review apply --county $C --date 2023-10-27 --households hh.csv
expect_rc "阜康市 operator applies for 昌吉市 households by file: exit 3" 3
expect_eq "refused applications: review list unchanged" "$(lst m.db)" "$L"
expect_eq "refused applications: audit log unchanged" "$(audit m.db)" "$A0"
run ch --db m.db --as fk review apply --county $F --date 2023-10-27 --all-passed
expect_rc "阜康市 operator applies for 阜康市: exit 0" 0
AF1=复核-652302-2023-001
has "阜康市 application numbered" $AF1
run ch --db m.db --as fk review list --format csv
has "阜康市 operator's list: 阜康市's application" $AF1
lacks "阜康市 operator's list: no 昌吉市 application" 复核-652301
run ch --db m.db --as cj review list --format csv
has "昌吉市 operator's list: 昌吉市's applications" $A2
lacks "昌吉市 operator's list: no 阜康市 application" $AF1
run ch --db m.db --as fk review sample $A2
expect_rc "阜康市 operator: sample of a 昌吉市 application: exit 3" 3
run ch --db m.db --as cj review sample $A2 --format csv
expect_rc "昌吉市 operator: sample of its own application: exit 0" 0

# ---- assignment and the sample ----

L=$(lst m.db)
A0=$(audit m.db)
run ch --db m.db --as fk review assign $A2 --unit 州住建局 --reviewer rv --seed 1
expect_rc "county operator assigns: exit 3" 3
run ch --db m.db --as rv review assign $A2 --unit 州住建局 --reviewer rv --seed 1
expect_rc "reviewer assigns: exit 3" 3
run ch --db m.db review assign $A2 --unit 州住建局 --reviewer fk --seed 1
expect_rc "assign to a county operator as reviewer: exit 1" 1
run ch --db m.db review assign $A2 --unit 州住建局 --reviewer rv
expect_fail "assign without --seed: refused"
run ch --db m.db review assign 复核-652301-2023-999 --unit 州住建局 --reviewer rv --seed 1
expect_rc "assign an unknown application: exit 4" 4
expect_eq "refused assignments: review list unchanged" "$(lst m.db)" "$L"
expect_eq "refused assignments: audit log unchanged" "$(audit m.db)" "$A0"

SEED=2023-10-12-摇号-0417
run ch --db m.db review assign $A2 --unit 州住建局 --reviewer rv --seed $SEED
expect_rc "assign: exit 0" 0
run ch --db m.db review assign $A2 --unit 州住建局 --reviewer rv --seed 2
expect_rc "assign twice: exit 5" 5
ch --db m.db review assign $A1 --unit 第三方 --reviewer rv2 --seed 7 >/dev/null || echo "not ok - assigning $A1"
ch --db m.db review assign $AF1 --unit 第三方 --reviewer rv2 --seed 8 >/dev/null || echo "not ok - assigning $AF1"
S=$(sample m.db $A2 --as rv)
S1=$(rows "$S" 抽样 第1轮)
expect_eq "sample: 4 households in round 1 (2 strata of 20, 10 %)" "$(nlines "$S1")" 4
expect_eq "sample: 2 of 大西渠镇 (甲公司)" "$(printf '%s\n' "$S" | grep -c '^CJ0[0-9]*,[^,]*,大西渠镇,.*,第1轮,')" 2
expect_eq "sample: 2 of 榆树沟镇 (乙公司)" "$(printf '%s\n' "$S" | grep -c '^CJ0[0-9]*,[^,]*,榆树沟镇,.*,第1轮,')" 2
expect_eq "sample: 36 not sampled" "$(nlines "$(rows "$S" 抽样 未抽中)")" 36
run ch --db m.db --as rv review sample $A2
has "sample (table): says how many" "抽中 4 户"
run ch --db m.db --as rv review sample $A2 --verify
expect_rc "sample --verify: exit 0" 0
has "sample --verify: all 40 checked" "40 户"
expect_cell "assigned: 复核中" "$(lst m.db)" $A2 状态 复核中
expect_cell "assigned: the reviewer" "$(lst m.db)" $A2 复核人 rv
verify_ok "assign: report verify" m.db

# reviewers see only their own applications
FIRST=$(printf '%s\n' "$S1" | head -1)
L=$(lst m.db)
A0=$(audit m.db)
run ch --db m.db --as rv review list --format csv
has "rv's list: $A2" $A2
lacks "rv's list: not rv2's $A1" $A1
run ch --db m.db --as rv2 review list --format csv
has "rv2's list: $A1" $A1
lacks "rv2's list: not rv's $A2" $A2
run ch --db m.db --as rv2 review sample $A2
expect_rc "another reviewer's sample: exit 3" 3
run ch --db m.db --as rv2 review sample $A2 --verify
expect_rc "another reviewer's sample --verify: exit 3" 3
run ch --db m.db --as rv2 review result $A2 "$FIRST" --result pass --evidence photo.jpg --date 2023-10-20
expect_rc "result on another reviewer's application: exit 3" 3
run ch --db m.db --as fk review result $A2 "$FIRST" --result pass --evidence photo.jpg --date 2023-10-20
expect_rc "result by a county operator: exit 3" 3
expect_eq "refused results: review list unchanged" "$(lst m.db)" "$L"
expect_eq "refused results: audit log unchanged" "$(audit m.db)" "$A0"
expect_eq "refused results: the sample unchanged" "$(sample m.db $A2)" "$S"

# ---- results: more than 10 % fails, the sample widens ----

# the household to fail: the first sampled in 大西渠镇 (contractor 甲公司)
FAIL=$(printf '%s\n' "$S" | awk -F, '$3 == "大西渠镇" && $6 == "第1轮" { print $1; exit }')
UNSAMPLED=$(rows "$S" 抽样 未抽中 | head -1)
run ch --db m.db --as rv review result $A2 "$UNSAMPLED" --result pass --evidence photo.jpg --date 2023-10-20
expect_rc "result for a household not sampled: exit 1" 1
has_err "result for a household not sampled: says so" "未被抽中"
run ch --db m.db --as rv review result $A2 CJ041 --result pass --evidence photo.jpg --date 2023-10-20
expect_rc "result for a household of another application: exit 1" 1
run ch --db m.db --as rv review result $A2 "$FAIL" --result fail --date 2023-10-20
expect_rc "fail without --note: exit 1" 1
run ch --db m.db --as rv review result $A2 "$FAIL" --result pass --date 2023-10-20
expect_rc "pass without evidence: exit 1" 1
has_err "pass without evidence: the self-inspection's rule" "「复核通过」须附证明材料"
run ch --db m.db --as rv review result $A2 "$FAIL" --result fail --date 2023-10-20 --today 2023-10-19 \
	--note 原燃煤炉具未拆除
expect_rc "result dated after today: exit 1" 1
# (on a copy) a result dated before the application (10-10) is refused,
# whether or not it is the last one
db_cp m.db e.db
run ch --db e.db --as rv review result $A2 "$FAIL" --result pass --evidence photo.jpg --date 2023-10-09
expect_rc "result dated before the application: exit 1" 1
expect_eq "result dated before the application: nothing stored" "$(sample e.db $A2)" "$(sample m.db $A2)"
run ch --db m.db --as rv review result $A2 "$FAIL" --result fail --date 2023-10-20 --note 原燃煤炉具未拆除
expect_rc "result fail: exit 0" 0
run ch --db m.db --as rv review result $A2 "$FAIL" --result pass --evidence photo.jpg --date 2023-10-20
expect_rc "result twice: exit 5" 5
last=
for h in $(printf '%s\n' "$S1" | grep -v -x "$FAIL"); do
	[ -z "$last" ] || ch --db m.db --as rv review result $A2 "$last" --result pass --evidence photo.jpg --date 2023-10-20 >/dev/null
	last=$h
done
run ch --db m.db --as rv review result $A2 "$last" --result pass --evidence photo.jpg --date 2023-10-20
expect_rc "last result of round 1: exit 0" 0
has "1 of 4 failed (25 %): the sample widens" "已扩大抽样"
lacks "1 of 4 failed: not completed" "已完成"
verify_ok "round 1 results: report verify" m.db
S=$(sample m.db $A2 --as rv)
S2=$(rows "$S" 抽样 第2轮)
expect_eq "widened: 6 new households in round 2 (5 + 5 of 25 %)" "$(nlines "$S2")" 6
expect_eq "widened: 3 new in 大西渠镇" "$(printf '%s\n' "$S" | grep -c ',大西渠镇,.*,第2轮,')" 3
expect_eq "widened: round 1 kept" "$(rows "$S" 抽样 第1轮)" "$S1"
expect_eq "widened: 30 not sampled" "$(nlines "$(rows "$S" 抽样 未抽中)")" 30
expect_cell "widened: the failed one shows 不合格" "$S" "$FAIL" 复核结果 不合格
run ch --db m.db --as rv review sample $A2 --verify
expect_rc "widened: sample --verify exit 0" 0
last=
for h in $S2; do
	[ -z "$last" ] || ch --db m.db --as rv review result $A2 "$last" --result pass --evidence photo.jpg --date 2023-10-21 >/dev/null
	last=$h
done
run ch --db m.db --as rv review result $A2 "$last" --result pass --evidence photo.jpg --date 2023-10-21
expect_rc "last result of round 2: exit 0" 0
has "1 of 10 failed (10 %, not above): completed" "已完成"
lacks "1 of 10 failed: no further widening" "已扩大抽样"
L=$(lst m.db)
expect_cell "completed: 已完成" "$L" $A2 状态 已完成
expect_cell "completed: 10 sampled" "$L" $A2 抽样 10
expect_cell "completed: 9 passed" "$L" $A2 合格 9
expect_cell "completed: 1 failed" "$L" $A2 不合格 1
expect_cell "completed: 部分不合格" "$L" $A2 结果 部分不合格
run ch --db m.db --as rv review result $A2 "$UNSAMPLED" --result pass --evidence photo.jpg --date 2023-10-21
expect_rc "result after completion: exit 5" 5
expect_eq "completed: the failed household back at 已调试" "$(status m.db "$FAIL" $C)" commissioned
expect_eq "completed: a sampled household that passed 复核通过" \
	"$(status m.db "$(printf '%s\n' "$S2" | head -1)" $C)" reviewed
expect_eq "completed: an unsampled household 复核通过" "$(status m.db "$UNSAMPLED" $C)" reviewed
O=$(orders m.db --open)
O_REV=$(rows "$O" 户编号 "$FAIL")
expect_cell "completed: an order for the failed household, source 复核" "$O" "$O_REV" 来源 复核
expect_cell "completed: the order says why" "$O" "$O_REV" 问题 "复核未通过：原燃煤炉具未拆除"
expect_cell "completed: opened on the last result's day" "$O" "$O_REV" 下达日期 2023-10-21
expect_cell "completed: deadline + 15 days" "$O" "$O_REV" 整改期限 2023-11-05
D=$(ch --db m.db report dispatch --year 2023 --as-of 2023-10-31 --format csv | tr -d '\r')
expect_cell "dispatch: 昌吉市 39 复核通过" "$D" $C "复核通过·户数" 39
expect_cell "dispatch: 昌吉市 41 自验合格 (the failed one taken back)" "$D" $C "自验合格·户数" 41
expect_cell "dispatch: 昌吉市 54 已调试" "$D" $C "已调试·户数" 54
run ch --db m.db inspect record "$FAIL" --county $C --result pass --date 2023-10-22 --inspector 张三 \
	--evidence photo.jpg
expect_rc "the failed household cannot be inspected while its order is open: exit 1" 1
run ch --db m.db --as rv review sample $A2 --verify
expect_rc "completed: sample --verify exit 0" 0
verify_ok "completed: report verify" m.db

# ---- report acceptance ----

# on 10-20 the first round's results are in: 3 passed, 1 failed
R=$(ch --db m.db report acceptance --year 2023 --as-of 2023-10-20 --format csv | tr -d '\r')
expect_cell "report 10-20: 3 passed" "$R" $C 复核合格 3
expect_cell "report 10-20: 1 failed" "$R" $C 复核不合格 1
expect_cell "report 10-20: 42 自验合格" "$R" $C 自验合格 42
expect_cell "report 10-20: none 复核通过 yet" "$R" $C 复核通过 0
R=$(ch --db m.db report acceptance --year 2023 --as-of 2023-10-31 --format csv | tr -d '\r')
for kv in "计划户数 55 3 58" "已调试 54 3 57" "自验合格 41 2 43" "已申请复核 41 2 43" \
	"抽样户数 11 1 12" "复核合格 9 0 9" "复核不合格 1 0 1" "复核通过 39 0 39" "整改中 1 1 2" \
	"逾期整改 0 0 0"; do
	set -- $kv
	expect_cell "report 10-31: 昌吉市 $1 $2" "$R" $C "$1" "$2"
	expect_cell "report 10-31: 阜康市 $1 $3" "$R" $F "$1" "$3"
	expect_cell "report 10-31: 全州合计 $1 $4" "$R" 全州合计 "$1" "$4"
done
run ch --db m.db report acceptance --year 2023 --as-of 2023-10-31 --format json
expect_rc "report json: exit 0" 0
expect_eq "report json: 昌吉市 sampled" "$(jget "$OUT" $C sampled)" 11
expect_eq "report json: 昌吉市 failed" "$(jget "$OUT" $C failed)" 1
expect_eq "report json: 阜康市 open_orders" "$(jget "$OUT" $F open_orders)" 1
expect_eq "report json: 全州合计 reviewed" "$(jget "$OUT" 全州合计 reviewed)" 39
run ch --db m.db report acceptance --year 2023 --as-of 2023-10-31
expect_rc "report table: exit 0" 0
has "report table: the total row" 全州合计
run ch --db m.db report acceptance --year 2023
expect_rc "report without --as-of: exit 2" 2
# before any application (10-10) nothing can have been sampled
R=$(ch --db m.db report acceptance --year 2023 --as-of 2023-10-09 --format csv | tr -d '\r')
expect_cell "report 10-09: nothing applied for yet" "$R" 全州合计 已申请复核 0
expect_cell "report 10-09: nothing sampled before the first application" "$R" 全州合计 抽样户数 0

# ---- tampering with the stored sample ----

sql_hh() { printf "(SELECT id FROM household WHERE hh_no = '%s')" "$1"; }
sql_app() { printf "(SELECT id FROM review_application WHERE number = '%s')" "$1"; }
H2=$(printf '%s\n' "$S2" | head -1)
db_cp m.db t1.db
sql t1.db "UPDATE review_item SET sample_round = NULL WHERE household_id = $(sql_hh "$H2") AND application_id = $(sql_app $A2)"
run ch --db t1.db review sample $A2 --verify
expect_rc "tampered (a sampled household removed): exit 1" 1
has_err "tampered (a sampled household removed): names it" "$H2"
db_cp m.db t2.db
sql t2.db "UPDATE review_item SET sample_round = 1 WHERE household_id = $(sql_hh "$UNSAMPLED") AND application_id = $(sql_app $A2)"
run ch --db t2.db review sample $A2 --verify
expect_rc "tampered (an unsampled household added): exit 1" 1
has_err "tampered (an unsampled household added): names it" "$UNSAMPLED"
db_cp m.db t3.db
sql t3.db "UPDATE review_item SET sample_round = 1 WHERE household_id = $(sql_hh "$H2") AND application_id = $(sql_app $A2)"
run ch --db t3.db review sample $A2 --verify
expect_rc "tampered (round 2 stored as round 1): exit 1" 1
has_err "tampered (round 2 stored as round 1): names it" "$H2"
run ch --db m.db review sample $A2 --verify
expect_rc "the untouched database still verifies" 0

# ---- the same seed in a fresh database: the same sample ----

repro() {
	setup "$1"
	ch --db "$1" user add rv --role reviewer >/dev/null
	inspect_pass "$1" 2023-10-08 $C $(hhs CJ 1 40)
	ch --db "$1" review apply --county $C --date 2023-10-10 --all-passed >/dev/null ||
		echo "not ok - applying in $1"
}
repro r1.db
repro r2.db
db_cp r2.db r3.db
ch --db r1.db review assign $A1 --unit 州住建局 --reviewer rv --seed $SEED >/dev/null
ch --db r2.db review assign $A1 --unit 州住建局 --reviewer rv --seed $SEED >/dev/null
ch --db r3.db review assign $A1 --unit 州住建局 --reviewer rv --seed 2023-10-12-摇号-0418 >/dev/null
P1=$(sample r1.db $A1)
P2=$(sample r2.db $A1)
P3=$(sample r3.db $A1)
expect_eq "fresh databases: 4 sampled" "$(nlines "$(rows "$P1" 抽样 '*')")" 4
expect_eq "fresh databases, same seed: the same sample" "$P2" "$P1"
expect_ne "fresh databases, another seed: another sample" "$(rows "$P3" 抽样 '*')" "$(rows "$P1" 抽样 '*')"
expect_eq "another seed: still 4 sampled" "$(nlines "$(rows "$P3" 抽样 '*')")" 4
run ch --db r3.db review sample $A1 --verify
expect_rc "another seed: --verify exit 0" 0

# ---- a contractor that failed is sampled at twice the ratio ----

inspect_pass m.db 2023-11-01 $C $(hhs CJ 43 54)
run ch --db m.db review apply --county $C --date 2023-11-02 --all-passed
expect_rc "third application: exit 0" 0
A3=复核-652301-2023-003
expect_cell "third application: 12 households" "$(lst m.db)" $A3 户数 12
ch --db m.db review assign $A3 --unit 州住建局 --reviewer rv --seed 2023-11-03-摇号-0007 >/dev/null
S=$(sample m.db $A3)
expect_eq "甲公司 failed before: 2 of its 6 sampled (20 %)" \
	"$(printf '%s\n' "$S" | grep -c ',甲公司,第1轮,')" 2
expect_eq "乙公司 did not: 1 of its 6 sampled (10 %, at least 1)" \
	"$(printf '%s\n' "$S" | grep -c ',乙公司,第1轮,')" 1
expect_eq "the weighted contractor is stored with the policy" \
	"$(sql m.db "SELECT count(*) FROM review_application WHERE number = '$A3' AND policy LIKE '%甲公司%' AND policy NOT LIKE '%乙公司%'")" 1
run ch --db m.db review sample $A3 --verify
expect_rc "weighted sample: --verify exit 0" 0
verify_ok "weighted sample: report verify" m.db
# the register may be updated while an application is under review (here
# the contractor of CJ043-CJ048); the sample was fixed at assignment and
# must still verify
db_cp m.db u.db
{
	head -1 "$AF/register.csv"
	grep -E '^昌吉市,[^,]*,[^,]*,CJ04[3-8],' "$AF/register.csv" | sed 's/甲公司/甲建设公司/'
} >contractor.csv
run ch --db u.db household import contractor.csv
expect_rc "contractor renamed in the register: exit 0" 0
run ch --db u.db review sample $A3 --verify
expect_rc "contractor renamed in the register: the sample still verifies" 0

# ---- rectification orders: open, overdue, closed ----

ids_of() { printf '%s\n' "$1" | awk -F, 'NR > 1 { printf "%s ", $1 }'; }
run orders m.db --overdue --as-of 2023-11-05
expect_eq "overdue on 11-05: none (the review order is due that day)" "$(ids_of "$OUT")" ""
run orders m.db --overdue --as-of 2023-11-06
expect_eq "overdue on 11-06: the review order" "$(ids_of "$OUT")" "$O_REV "
expect_cell "overdue on 11-06: marked 逾期未完成" "$OUT" "$O_REV" 状态 逾期未完成
run orders m.db --overdue --as-of 2023-11-11
expect_eq "overdue on 11-11: the review order and FK002's" "$(ids_of "$OUT")" "$O_REV $O_FK "
run orders m.db --open --as-of 2023-11-01
expect_eq "open: the review order and FK002's" "$(ids_of "$OUT")" "$O_REV $O_FK "
expect_cell "open on 11-01: 整改中" "$OUT" "$O_FK" 状态 整改中
run orders m.db --open --as-of 2023-10-06
expect_eq "open as of 10-06: only CJ041's inspection order (closed 10-07)" "$(ids_of "$OUT")" "$O_INSP "
expect_cell "open as of 10-06: 整改中" "$OUT" "$O_INSP" 状态 整改中
run orders m.db
expect_eq "all orders: also the closed one" "$(nlines "$OUT")" 4
expect_cell "all orders: the closed one shows its day" "$OUT" "$O_INSP" 状态 2023-10-07
run ch --db m.db --as fk rectification list --format csv
expect_eq "阜康市 operator sees only 阜康市's order" "$(ids_of "$(printf '%s' "$OUT" | tr -d '\r')")" "$O_FK "
A0=$(audit m.db)
run ch --db m.db --as rv rectification close "$O_REV" --date 2023-11-08 --note 已整改
expect_rc "a reviewer closes an order: exit 3" 3
run ch --db m.db --as fk rectification close "$O_REV" --date 2023-11-08 --note 已整改
expect_rc "阜康市 operator closes a 昌吉市 order: exit 3" 3
expect_eq "refused closings: audit log unchanged" "$(audit m.db)" "$A0"
run ch --db m.db rectification close 9999 --date 2023-11-08 --note 已整改
expect_rc "close an unknown order: exit 4" 4
run ch --db m.db --as cj rectification close "$O_REV" --date 2023-11-08 --note 旧炉具已拆除
expect_rc "昌吉市 operator closes the review order: exit 0" 0
run ch --db m.db rectification close "$O_REV" --date 2023-11-09 --note 再次
expect_rc "close twice: exit 5" 5
run orders m.db --overdue --as-of 2023-11-11
expect_eq "closed on 11-08: no longer overdue on 11-11" "$(ids_of "$OUT")" "$O_FK "
run ch --db m.db inspect record "$FAIL" --county $C --result pass --date 2023-11-09 --inspector 张三 \
	--evidence photo.jpg
expect_rc "the failed household inspected again after closing: exit 0" 0
expect_eq "inspected again: 自验合格" "$(status m.db "$FAIL" $C)" self_inspected
ch --db m.db --as fk rectification close "$O_FK" --date 2023-11-12 --note 燃气已接通 >/dev/null ||
	echo "not ok - closing $O_FK"
# on 11-11 FK002's order was still open, past its deadline (11-10)
run orders m.db --overdue --as-of 2023-11-11
expect_eq "closed on 11-12: still overdue as of 11-11" "$(ids_of "$OUT")" "$O_FK "
R=$(ch --db m.db report acceptance --year 2023 --as-of 2023-11-11 --format csv | tr -d '\r')
expect_cell "report 11-11: 阜康市 1 order open" "$R" $F 整改中 1
expect_cell "report 11-11: 阜康市 1 overdue" "$R" $F 逾期整改 1
expect_cell "report 11-11: 昌吉市 none open" "$R" $C 整改中 0
verify_ok "rectification: report verify" m.db

# ---- follow-up visits ----

# due AS-OF [GLOBAL OPTIONS]: `followup due --format csv`
due() {
	d=$1
	shift
	ch --db m.db "$@" followup due --as-of "$d" --format csv | tr -d '\r'
}
V=$(due 2023-11-20)
has_row() { printf '%s\n' "$1" | grep -F -q -- "$2"; }
if has_row "$V" ",FK003,验收FK003,首次（采暖首月）,2023-11-14,已逾期"; then ok "due 11-20: FK003 first visit overdue"; else not_ok "due 11-20: FK003 first visit overdue" "$V"; fi
if has_row "$V" ",FK001,验收FK001,首次（采暖首月）,2023-11-20,到期"; then ok "due 11-20: FK001 (commissioned 10-21) due that day"; else not_ok "due 11-20: FK001 due that day" "$V"; fi
if has_row "$V" ",FK002,"; then not_ok "due 11-20: FK002 (commissioned 10-25) not yet due" "$V"; else ok "due 11-20: FK002 (commissioned 10-25) not yet due"; fi
if has_row "$V" ",CJ055,"; then not_ok "due 11-20: CJ055 (not commissioned) not listed" "$V"; else ok "due 11-20: CJ055 (not commissioned) not listed"; fi
if has_row "$V" ",CJ001,验收CJ001,首次（采暖首月）,2023-11-14,"; then ok "due 11-20: CJ001 due 11-14"; else not_ok "due 11-20: CJ001 due 11-14" "$V"; fi
if has_row "$V" "第二次"; then not_ok "due 11-20: no second visit yet" "$V"; else ok "due 11-20: no second visit yet"; fi
expect_eq "due 11-20: 56 households (54 of 昌吉市, 2 of 阜康市)" "$(nlines "$V")" 57
expect_eq "due 11-20 for the 阜康市 operator: its 2" "$(nlines "$(due 2023-11-20 --as fk)")" 3
n0=$(nlines "$(orders m.db)")
run ch --db m.db --as fk followup record FK003 --county $F --visit 1 --date 2023-11-16 --in-use no \
	--coal yes --comfort fair --visitor 王五
expect_rc "visit with coal burned: exit 0" 0
has "visit with coal burned: an order" "已下达整改单"
O_V=$(order_of "$OUT")
O=$(orders m.db)
expect_cell "visit order: source 回访" "$O" "$O_V" 来源 回访
case "$(cell "$O" "$O_V" 问题)" in
*未使用*返煤*) ok "visit order: says not in use and coal burned" ;;
*) not_ok "visit order: says not in use and coal burned" "$(cell "$O" "$O_V" 问题)" ;;
esac
expect_cell "visit order: deadline + 15 days" "$O" "$O_V" 整改期限 2023-12-01
run ch --db m.db --as fk followup record FK001 --county $F --visit 1 --date 2023-11-20 --in-use yes \
	--coal no --comfort good --satisfaction 5 --visitor 王五
expect_rc "clean visit: exit 0" 0
has "clean visit: no problem" "未发现问题"
expect_eq "clean visit: no order" "$(nlines "$(orders m.db)")" $((n0 + 1))
run ch --db m.db --as fk followup record FK001 --county $F --visit 1 --date 2023-11-21 --in-use yes \
	--coal no --comfort good --visitor 王五
expect_rc "the same visit twice: exit 5" 5
expect_eq "the same visit twice: no order" "$(nlines "$(orders m.db)")" $((n0 + 1))
# (on a copy) a visit dated before the household was commissioned (10-25)
db_cp m.db fu.db
run ch --db fu.db followup record FK002 --county $F --visit 1 --date 2023-10-20 --in-use yes \
	--coal no --comfort good --visitor 王五
expect_rc "visit dated before commissioning: exit 1" 1
run ch --db m.db followup record FK002 --county $F --visit 1 --date 2023-11-25 --in-use yes \
	--coal no --comfort poor --visitor 王五
expect_rc "visit with poor comfort: exit 0" 0
has "visit with poor comfort: an order" "已下达整改单"
run ch --db m.db followup record CJ055 --county $C --visit 1 --date 2023-11-25 --in-use yes \
	--coal no --comfort good --visitor 王五
expect_rc "visit to a household not commissioned: exit 1" 1
run ch --db m.db --as rv followup record CJ001 --county $C --visit 1 --date 2023-11-25 --in-use yes \
	--coal no --comfort good --visitor 王五
expect_rc "visit recorded by a reviewer: exit 3" 3
run ch --db m.db followup record CJ001 --county $C --visit 4 --date 2023-11-25 --in-use yes \
	--coal no --comfort good --visitor 王五
expect_rc "visit 4: exit 2" 2
run ch --db m.db followup record CJ001 --county $C --visit 3 --date 2023-11-25 --in-use yes \
	--coal no --comfort good --visitor 王五
expect_rc "visit 3 (the usage check's) without a usage flag: exit 1" 1
V=$(due 2023-11-20)
if has_row "$V" ",FK001,"; then not_ok "after the visits: FK001 no longer due" "$V"; else ok "after the visits: FK001 no longer due"; fi
if has_row "$V" ",FK003,"; then not_ok "after the visits: FK003 no longer due" "$V"; else ok "after the visits: FK003 no longer due"; fi
expect_eq "after the visits: 54 households due" "$(nlines "$V")" 55
V=$(due 2024-01-13)
if has_row "$V" ",FK001,验收FK001,第二次（采暖中期）,2024-01-13,到期"; then ok "due 2024-01-13: FK001's second visit"; else not_ok "due 2024-01-13: FK001's second visit" "$V"; fi
verify_ok "follow-up: report verify" m.db
R=$(ch --db m.db report acceptance --year 2023 --as-of 2023-12-31 --format csv | tr -d '\r')
expect_cell "report 12-31: 阜康市 the two visit orders open" "$R" $F 整改中 2
expect_cell "report 12-31: 阜康市 both overdue" "$R" $F 逾期整改 2
expect_cell "report 12-31: 昌吉市 sampled 11 + 3" "$R" $C 抽样户数 14

# ---- a withdrawal inside an application under review ----

# 已申请复核 → 已退出 is allowed; the application must still be completable
S=$(sample m.db $A3)
OUT_HH=$(rows "$S" 抽样 未抽中 | head -1)
ch --db m.db event record "$OUT_HH" 已退出 --county $C --date 2023-11-05 --note 农户搬迁 >/dev/null 2>&1
last=
for h in $(rows "$S" 抽样 '*'); do
	[ -z "$last" ] || ch --db m.db --as rv review result $A3 "$last" --result pass --evidence photo.jpg --date 2023-11-10 >/dev/null
	last=$h
done
run ch --db m.db --as rv review result $A3 "$last" --result pass --evidence photo.jpg --date 2023-11-10
expect_rc "household withdrawn while under review: the last result still records, exit 0" 0
expect_cell "household withdrawn while under review: the application completes" "$(lst m.db)" $A3 状态 已完成
verify_ok "end: report verify" m.db
run ch --db m.db audit verify
expect_rc "end: audit verify" 0
