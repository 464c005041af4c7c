#!/bin/sh
# End-to-end tests of construction progress and the dispatch: `event record`
# (a valid step and every refusal, roles and scopes), `event import` (all or
# nothing, --skip-invalid with a rejects file and its re-import, acceptance
# stages refused, XLSX), evidence used for several households, `report
# dispatch` (figures per county and stage in CSV, JSON, table and XLSX, week
# and month boundaries), `report remind`, `report freeze` with a correction
# inside the frozen week, `report verify` (also after tampering with
# progress_daily), the seals of steps (a household's phone changed outside
# the program still found by `verify` after steps and a correction for it;
# an address with quotes, commas, brackets and a backslash in the seal),
# and the demo generators. Fixtures: tests/fixtures/progress/
# (see its README): a plan with small targets (昌吉市 4, 阜康市 2) so that
# every percentage can be worked out by hand.
. "$(dirname "$0")/lib.sh"

PF=$FIX/progress
PLANS=$ROOT/data/plans

# setup DB: the small plan and the six households of register.csv
setup() {
	rm -f "$1"
	ch --db "$1" plan import "$PF/plan-small.csv" --year 2023 >/dev/null &&
		ch --db "$1" household import "$PF/register.csv" >/dev/null ||
		echo "not ok - setting up $1"
}
# disp DB AS-OF [ARGS]: `report dispatch --format csv` without carriage returns
disp() {
	db=$1 asof=$2
	shift 2
	ch --db "$db" report dispatch --year 2023 --as-of "$asof" --format csv "$@" | tr -d '\r'
}
# cell CSV ROW HEADING: the value in row ROW (first column) under HEADING
cell() {
	printf '%s\n' "$1" | awk -F, -v row="$2" -v head="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == head) c = i; next }
		$1 == row && c { print $c; exit }'
}
# expect_cell NAME CSV ROW HEADING VALUE
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
expect_json() {
	v=$(jget "$2" "$3" "$4")
	if [ "$v" = "$5" ]; then ok "$1"; else not_ok "$1" "$3 $4: expected [$5], got [$v]"; fi
}
# status DB HH COUNTY: the household's stage key (household show prints
# the key or the Chinese name)
status() {
	s=$(ch --db "$1" household show "$2" --county "$3" | awk '$1 == "状态" { print $2 }')
	case "$s" in
	已登记) s=registered ;;
	已开工) s=started ;;
	已完工) s=installed ;;
	已调试*) s=commissioned ;;
	自验合格) s=self_inspected ;;
	已退出) s=withdrawn ;;
	esac
	printf '%s\n' "$s"
}
verify_ok() {
	run ch --db "$2" report verify
	if [ "$RC" -eq 0 ] && printf '%s' "$OUT" | grep -F -q "一致"; then ok "$1"; else not_ok "$1" "report verify should pass"; fi
}
# unchanged NAME BEFORE AFTER
unchanged() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "dispatch figures changed"; fi
}

# ---- event record: a valid step, then every refusal ----

setup r.db
run ch --db r.db event record CJ001 已开工 --county 昌吉市 --date 2023-04-10
expect_rc "record 已开工: exit 0" 0
has "record 已开工: confirmed" "已记录：CJ001 已开工 2023-04-10"
expect_eq "record 已开工: household now started" "$(status r.db CJ001 昌吉市)" started
before=$(disp r.db 2023-12-31)

# refuse NAME ARGS...: exit 1, nothing stored (dispatch unchanged); the
# reason is checked by the caller against $ERR
refuse() {
	name=$1
	shift
	run ch --db r.db event record "$@"
	expect_rc "$name: exit 1" 1
	unchanged "$name: nothing stored" "$before" "$(disp r.db 2023-12-31)"
}
refuse "skipped stage (已完工 after 已登记)" CJ002 已完工 --county 昌吉市 --date 2023-04-10
has_err "skipped stage: says so" "不能跳过中间环节"
has_err "skipped stage: names the current stage" "该户当前为「已登记」"
expect_eq "skipped stage: CJ002 still registered" "$(status r.db CJ002 昌吉市)" registered

ch --db r.db event record CJ001 已完工 --county 昌吉市 --date 2023-05-10 >/dev/null
before=$(disp r.db 2023-12-31)
refuse "step backwards (已开工 after 已完工)" CJ001 已开工 --county 昌吉市 --date 2023-05-11
has_err "step backwards: says so" "不能倒退"
refuse "back to 已登记" CJ001 已登记 --county 昌吉市 --date 2023-05-11
has_err "back to 已登记: says so" "不能退回到已登记"
refuse "the same stage again" CJ001 已完工 --county 昌吉市 --date 2023-05-11
has_err "the same stage again: says so" "已处于此环节"
refuse "date before the previous step's" CJ001 已调试 --county 昌吉市 --date 2023-05-09
has_err "date before the previous step's: names both dates" "日期 2023-05-09 早于上一环节「已完工」的日期 2023-05-10"
refuse "date in the future" CJ001 已调试 --county 昌吉市 --date 2023-06-02 --today 2023-06-01
has_err "date in the future: names today" "在今天（2023-06-01）之后"
refuse "impossible date" CJ001 已调试 --county 昌吉市 --date 2023-02-30
has_err "impossible date: says so" "无效"
refuse "unknown stage" CJ001 已竣工 --county 昌吉市 --date 2023-05-12
has_err "unknown stage: names it" "已竣工"
refuse "unknown household" CJ999 已开工 --county 昌吉市 --date 2023-05-12
has_err "unknown household: says so" "没有这一户（户编号「CJ999」）"
refuse "household of another county" CJ002 已开工 --county 阜康市 --date 2023-05-12
has_err "household of another county: not found there" "没有这一户"
refuse "unknown county" CJ002 已开工 --county 乌鲁木齐市 --date 2023-05-12
has_err "unknown county: says so" "不是本州的县"
refuse "withdrawal without --note" CJ003 已退出 --county 昌吉市 --date 2023-05-12
has_err "withdrawal without --note: asks for the reason" "须在备注中写明原因"
refuse "withdrawal with a blank --note" CJ003 已退出 --county 昌吉市 --date 2023-05-12 --note "  "

run ch --db r.db event record CJ003 已退出 --county 昌吉市 --date 2023-05-12 --note 农户自愿退出
expect_rc "withdrawal with a reason: exit 0" 0
expect_eq "withdrawal: CJ003 withdrawn" "$(status r.db CJ003 昌吉市)" withdrawn
before=$(disp r.db 2023-12-31)
refuse "step after withdrawal" CJ003 已开工 --county 昌吉市 --date 2023-05-13
has_err "step after withdrawal: says so" "该户已退出"
refuse "withdrawal after withdrawal" CJ003 已退出 --county 昌吉市 --date 2023-05-13 --note 再次
has_err "withdrawal after withdrawal: says so" "该户已退出"

ch --db r.db event record CJ001 已调试 --county 昌吉市 --date 2023-05-20 >/dev/null
before=$(disp r.db 2023-12-31)
refuse "自验合格 without evidence" CJ001 自验合格 --county 昌吉市 --date 2023-10-10
has_err "自验合格 without evidence: asks for it" "须附证明材料"
printf 'self-inspection record CJ001' >zy.pdf
run ch --db r.db event record CJ001 自验合格 --county 昌吉市 --date 2023-10-10 --evidence zy.pdf
expect_rc "自验合格 with evidence: exit 0" 0
expect_eq "自验合格 with evidence: stored" "$(status r.db CJ001 昌吉市)" self_inspected

# the stage's full name as the implementation plan writes it (listed among
# the variants in workflow.c)
setup v.db
ch --db v.db event record CJ001 已开工 --county 昌吉市 --date 2023-04-10 >/dev/null
ch --db v.db event record CJ001 已完工 --county 昌吉市 --date 2023-05-10 >/dev/null
run ch --db v.db event record CJ001 "已调试，具备使用条件" --county 昌吉市 --date 2023-05-20
expect_rc "stage written 已调试，具备使用条件: exit 0" 0
run ch --db v.db event record CJ002 开工 --county 昌吉市 --date 2023-04-10
expect_rc "stage written 开工: exit 0" 0
expect_eq "stage written 开工: started" "$(status v.db CJ002 昌吉市)" started
verify_ok "stage variants: report verify" v.db

# by ID number, without --county
run ch --db r.db event record 652301197003010042 已开工 --date 2023-05-15
expect_rc "record by ID number: exit 0" 0
expect_eq "record by ID number: CJ004 started" "$(status r.db CJ004 昌吉市)" started
run ch --db r.db event record CJ002 已开工 --county 昌吉市
expect_rc "record without --date: usage, exit 2" 2

# roles and scopes
ch --db r.db user add fk --role county_operator --scope 阜康市 >/dev/null
ch --db r.db user add tw --role township_operator --scope 大西渠镇 >/dev/null
ch --db r.db user add rv --role reviewer >/dev/null
before=$(disp r.db 2023-12-31)
run ch --db r.db --as fk event record CJ002 已开工 --county 昌吉市 --date 2023-05-15
expect_rc "阜康市 operator, 昌吉市 household: exit 3" 3
has_err "阜康市 operator, 昌吉市 household: names the user" "fk"
unchanged "阜康市 operator, 昌吉市 household: nothing stored" "$before" "$(disp r.db 2023-12-31)"
expect_eq "阜康市 operator, 昌吉市 household: CJ002 still registered" "$(status r.db CJ002 昌吉市)" registered
run ch --db r.db --as rv event record CJ002 已开工 --county 昌吉市 --date 2023-05-15
expect_rc "reviewer records 已开工: exit 3" 3
run ch --db r.db --as tw event record CJ004 已退出 --county 昌吉市 --date 2023-05-16 --note 不做了
expect_rc "township operator withdraws: exit 3 (county only)" 3
unchanged "refused by role: nothing stored" "$before" "$(disp r.db 2023-12-31)"
run ch --db r.db --as fk event record FK001 已开工 --county 阜康市 --date 2023-05-15
expect_rc "阜康市 operator, 阜康市 household: exit 0" 0
run ch --db r.db --as tw event record CJ002 已开工 --county 昌吉市 --date 2023-05-15
expect_rc "大西渠镇 township operator, 大西渠镇 household: exit 0" 0
verify_ok "record: report verify" r.db

# ---- evidence used for more than one household ----

setup e.db
printf 'JPEG photo of a boiler' >photo.jpg
printf 'JPEG photo A' >a.jpg
printf 'JPEG photo B' >b.jpg
cp photo.jpg same-content.jpg
run ch --db e.db event evidence-reuse --format csv
expect_eq "evidence-reuse, none yet: header only" "$(printf '%s\n' "$OUT" | tr -d '\r' | sed 1d | grep -c .)" 0
ch --db e.db event record CJ001 已开工 --county 昌吉市 --date 2023-04-10 --evidence photo.jpg >/dev/null
ch --db e.db event record CJ002 已开工 --county 昌吉市 --date 2023-04-10 --evidence a.jpg >/dev/null
ch --db e.db event record CJ002 已完工 --county 昌吉市 --date 2023-05-10 --evidence a.jpg >/dev/null
ch --db e.db event record CJ003 已开工 --county 昌吉市 --date 2023-04-10 --evidence b.jpg >/dev/null
run ch --db e.db event evidence-reuse --format csv
expect_rc "evidence-reuse: exit 0" 0
expect_eq "different files (and one file twice for one household): nothing listed" \
	"$(printf '%s\n' "$OUT" | tr -d '\r' | sed 1d | grep -c .)" 0
run ch --db e.db event record FK001 已开工 --county 阜康市 --date 2023-04-11 --evidence photo.jpg
expect_rc "the same photo for a second household: recorded (exit 0)" 0
run ch --db e.db event evidence-reuse --format csv
OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
expect_eq "same photo, two households: one row" "$(printf '%s\n' "$OUT" | sed 1d | grep -c .)" 1
has "same photo, two households: 2 households" "photo.jpg,2,"
has "same photo, two households: names 昌吉市 CJ001" "昌吉市 CJ001"
has "same photo, two households: names 阜康市 FK001" "阜康市 FK001"
lacks "same photo, two households: a.jpg not listed" "a.jpg"
# the same content under another name is the same file
ch --db e.db event record CJ004 已开工 --county 昌吉市 --date 2023-04-12 --evidence same-content.jpg >/dev/null
run ch --db e.db event evidence-reuse --format csv
has "same content, another name: 3 households" "photo.jpg,3,"
has "same content, another name: names CJ004" "昌吉市 CJ004"
run ch --db e.db event record CJ001 已完工 --county 昌吉市 --date 2023-05-01 --evidence no-such.jpg
if [ "$RC" -ne 0 ]; then ok "missing evidence file: refused"; else not_ok "missing evidence file: refused"; fi
expect_eq "missing evidence file: nothing stored" "$(status e.db CJ001 昌吉市)" started
verify_ok "evidence: report verify" e.db

# ---- dates as spreadsheets write them ----
# 20230403, a date with its time, an Excel serial in a CSV cell (45036 is
# 2023-04-20) are read; 7/20/2023 is refused, naming the accepted forms
setup dt.db
printf '%s\n' 县市,户编号,环节,日期,备注 昌吉市,CJ001,已开工,20230403, \
	"昌吉市,CJ002,已开工,2023-04-20 08:30:00," 昌吉市,CJ003,已开工,45036, >dates.csv
run ch --db dt.db event import dates.csv
expect_rc "dates: compact, with a time, Excel serial: exit 0" 0
has "dates: 3 recorded" "记录 3 条，拒收 0 行"
D=$(disp dt.db 2023-04-19)
expect_cell "dates: 20230403 is 2023-04-03 (started by 04-19: 1)" "$D" 昌吉市 已开工·户数 1
D=$(disp dt.db 2023-04-20)
expect_cell "dates: the time and the serial are 2023-04-20 (started by 04-20: 3)" "$D" 昌吉市 已开工·户数 3
printf '%s\n' 县市,户编号,环节,日期,备注 昌吉市,CJ004,已开工,7/20/2023, >dates-us.csv
run ch --db dt.db event import dates-us.csv
expect_rc "dates: 7/20/2023 refused" 1
has "dates: 7/20/2023 names the accepted forms" "20230720"
run ch --db dt.db event record CJ004 已开工 --county 昌吉市 --date 20230421
expect_rc "dates: --date 20230421 accepted" 0
D=$(disp dt.db 2023-04-21)
expect_cell "dates: --date 20230421 is 2023-04-21" "$D" 昌吉市 已开工·户数 4
run ch --db dt.db report dispatch --year 2023 --as-of 2023/13/01
expect_rc "dates: a bad --as-of is refused" 1
has_err "dates: a bad --as-of names the accepted forms" "2023年7月20日"

# ---- event import: weekly batches ----

setup i.db
run ch --db i.db event import "$PF/week1.csv"
expect_rc "week1.csv: exit 0" 0
has "week1.csv: 4 recorded" "记录 4 条，拒收 0 行"
run ch --db i.db household list --status 已开工 --format csv
expect_eq "household list --status 已开工: the 4 started" "$(printf '%s\n' "$OUT" | sed 1d | grep -c .)" 4
run ch --db i.db household list --status registered --county 昌吉市 --format csv
expect_eq "household list --status registered --county 昌吉市: CJ004 only" "$(printf '%s\n' "$OUT" | sed 1d | cut -d, -f4 | tr -d '\r')" CJ004
run ch --db i.db household search 进度 --status 已开工 --format csv
expect_eq "household search with --status: the started ones it finds" "$(printf '%s\n' "$OUT" | sed 1d | grep -c .)" 4
run ch --db i.db household list --status 开了
expect_rc "household list --status of no stage: refused" 1
has_err "household list --status of no stage: lists the stages" "可用：已登记、已开工、已完工、已调试"
before=$(disp i.db 2023-08-06)
run ch --db i.db event import "$PF/week2-bad.csv"
expect_rc "one bad row: exit 1" 1
has "one bad row: names row 7 and the reason" "第7行 环节「已完工」：该户当前为「已登记」，不能记录「已完工」：不能跳过中间环节"
has "one bad row: 0 recorded" "记录 0 条，拒收 1 行"
has_err "one bad row: nothing was stored" "什么也没有保存"
unchanged "one bad row: dispatch figures unchanged" "$before" "$(disp i.db 2023-08-06)"
expect_eq "one bad row: CJ003 still started" "$(status i.db CJ003 昌吉市)" started
verify_ok "one bad row: report verify" i.db
run ch --db i.db event import "$PF/week2-bad.csv" --skip-invalid --rejects rej.csv
expect_rc "--skip-invalid: exit 0" 0
has "--skip-invalid: 6 recorded, 1 rejected" "记录 6 条，拒收 1 行"
has "--skip-invalid: says where the rejects are" "rej.csv"
if [ -f rej.csv ] && grep -q "错误原因" rej.csv && grep -q "CJ004,已完工,2023-08-02" rej.csv &&
	grep -q "不能跳过中间环节" rej.csv && [ "$(grep -c 'CJ00' rej.csv)" -eq 1 ]; then
	ok "rejects file: the bad row with 错误原因"
else
	not_ok "rejects file: the bad row with 错误原因" "$(cat rej.csv 2>/dev/null)"
fi
expect_eq "--skip-invalid: CJ002 withdrawn" "$(status i.db CJ002 昌吉市)" withdrawn
sed 's/CJ004,已完工/CJ004,已开工/' rej.csv >fixed.csv
run ch --db i.db event import fixed.csv
expect_rc "re-import of the fixed rejects: exit 0" 0
has "re-import of the fixed rejects: 1 recorded" "记录 1 条，拒收 0 行"
expect_eq "re-import of the fixed rejects: CJ004 started" "$(status i.db CJ004 昌吉市)" started
verify_ok "imports: report verify" i.db

# rows of a household refused between its accepted steps: each step written
# comes from the stage of the household's accepted step before it (the
# batch is written set-wise once every row is checked), a withdrawal takes
# back what the household's steps added, a step after it is refused
setup sw.db
cat >sw.csv <<'CSV'
县市,户编号,环节,日期,备注
昌吉市,CJ001,已开工,2023-04-26,
昌吉市,CJ002,已开工,2023-05-25,
昌吉市,CJ001,已完工,2023-04-01,
昌吉市,CJ001,已调试,2023-06-13,
昌吉市,CJ001,已完工,2023-06-08, 按期 完工 
昌吉市,CJ002,已退出,2023-06-01,农户放弃
昌吉市,CJ002,已完工,2023-06-02,
昌吉市,CJ001,已调试,2023-06-13,
CSV
run ch --db sw.db event import sw.csv --skip-invalid
expect_rc "refusals between steps: exit 0" 0
has "refusals between steps: 5 recorded, 3 rejected" "记录 5 条，拒收 3 行"
has "refusals between steps: row 4 refused for its date" "第4行 日期「2023-04-01」：日期 2023-04-01 早于上一环节「已开工」的日期 2023-04-26"
has "refusals between steps: row 8 refused after the withdrawal" "第8行 环节「已完工」：该户当前为「已退出」"
steps() {
	sql sw.db "SELECT e.stage_no || '<' || e.from_stage_no || ' ' || e.day || ' ' ||
		coalesce(e.note, '-') FROM event e JOIN household h ON h.id = e.household_id
		WHERE h.hh_no = '$1' ORDER BY e.id" | tr '\n' ';'
}
expect_eq "refusals between steps: CJ001's steps and where each came from" "$(steps CJ001)" \
	"1<0 2023-04-26 -;2<1 2023-06-08 按期 完工;3<2 2023-06-13 -;"
expect_eq "refusals between steps: CJ002's steps" "$(steps CJ002)" \
	"1<0 2023-05-25 -;8<1 2023-06-01 农户放弃;"
expect_eq "refusals between steps: CJ001 commissioned" "$(status sw.db CJ001 昌吉市)" commissioned
expect_eq "refusals between steps: CJ001's stage day" \
	"$(sql sw.db "SELECT stage_day FROM household WHERE hh_no = 'CJ001'")" 2023-06-13
expect_eq "refusals between steps: CJ002 withdrawn" "$(status sw.db CJ002 昌吉市)" withdrawn
expect_eq "refusals between steps: one batch's events" \
	"$(sql sw.db "SELECT count(DISTINCT batch_id) || ' ' || count(*) FROM event")" "1 5"
verify_ok "refusals between steps: report verify" sw.db

before=$(disp i.db 2023-12-31)
run ch --db i.db event import "$PF/week-acceptance.csv"
expect_rc "自验合格 in a weekly import: exit 1" 1
has "自验合格 in a weekly import: says acceptance is recorded elsewhere" "周报只能报 已开工、已完工、已调试、已退出"
unchanged "自验合格 in a weekly import: nothing stored" "$before" "$(disp i.db 2023-12-31)"
setup pi.db
ch --db pi.db user add fk --role county_operator --scope 阜康市 >/dev/null
run ch --db pi.db --as fk event import "$PF/week-two-counties.csv"
expect_rc "阜康市 operator imports a 昌吉市 row: exit 3" 3
has_err "阜康市 operator imports a 昌吉市 row: nothing was stored" "什么也没有保存"
expect_eq "阜康市 operator imports a 昌吉市 row: its 阜康市 row not stored either" "$(status pi.db FK002 阜康市)" registered
expect_eq "阜康市 operator imports a 昌吉市 row: CJ004 not stored" "$(status pi.db CJ004 昌吉市)" registered
run ch --db pi.db --as fk event import "$PF/week-two-counties.csv" --skip-invalid
expect_rc "... with --skip-invalid: still exit 3" 3
expect_eq "... with --skip-invalid: nothing stored" "$(status pi.db FK002 阜康市)" registered
ch --db i.db user add fk --role county_operator --scope 阜康市 >/dev/null
run ch --db i.db event import "$PF/week1.csv" --today 2023-05-01
expect_rc "dates after --today: exit 1" 1
has "dates after --today: says so" "在今天（2023-05-01）之后"

# no 县市 column: --county says which, else 户编号 must be an ID number
setup nc.db
run ch --db nc.db event import "$PF/week-no-county.csv"
expect_rc "no 县市 column, no --county: exit 1" 1
has "no 县市 column, no --county: asks for an ID number or --county" "须填身份证号"
run ch --db nc.db event import "$PF/week-no-county.csv" --county 阜康市
expect_rc "no 县市 column, the wrong --county: exit 1" 1
run ch --db nc.db event import "$PF/week-no-county.csv" --county 昌吉市
expect_rc "no 县市 column, --county 昌吉市: exit 0" 0
expect_eq "no 县市 column, --county 昌吉市: CJ001 started" "$(status nc.db CJ001 昌吉市)" started
run ch --db nc.db event import "$PF/week1.csv" --county 阜康市
expect_rc "县市 column against --county: exit 1" 1
has "县市 column against --county: says they differ" "与导入时指定的县市「阜康市」不符"
expect_eq "县市 column against --county: said once for the 3 rows" \
	"$(printf '%s\n' "$OUT" | grep -c 与导入时指定的县市)" 1
has "县市 column against --county: names the rows" "第2–4行（共 3 行）县市「昌吉市」"
# a file wholly outside the operator's county: one line, naming her county
ch --db nc.db user add fk --role county_operator --scope 阜康市 >/dev/null
run ch --db nc.db --as fk event import "$PF/week1.csv"
expect_rc "a 昌吉市 batch imported by the 阜康市 operator: exit 3" 3
expect_eq "a 昌吉市 batch imported by the 阜康市 operator: said once" \
	"$(printf '%s\n' "$OUT" | grep -c 管辖范围)" 1
has "a 昌吉市 batch imported by the 阜康市 operator: names her county" "管辖范围（阜康市）"
has_err "a 昌吉市 batch imported by the 阜康市 operator: the summary names it too" "超出其管辖范围（阜康市）；什么也没有保存"

# the first batch as an XLSX workbook (dates as date cells, sheet 周报)
setup x.db
run ch --db x.db event import "$PF/week1.xlsx" --sheet 周报
expect_rc "week1.xlsx --sheet 周报: exit 0" 0
has "week1.xlsx --sheet 周报: 4 recorded" "记录 4 条，拒收 0 行"
expect_eq "week1.xlsx: CJ003 started" "$(status x.db CJ003 昌吉市)" started
ch --db c.db plan import "$PF/plan-small.csv" --year 2023 >/dev/null
ch --db c.db household import "$PF/register.csv" >/dev/null
ch --db c.db event import "$PF/week1.csv" >/dev/null
unchanged "week1.xlsx: the same figures as week1.csv" "$(disp c.db 2023-07-16)" "$(disp x.db 2023-07-16)"
verify_ok "xlsx import: report verify" x.db

# ---- report dispatch on i.db ----
# 昌吉市 CJ001 (节能 100 m²) 已开工 04-03, 已完工 07-16, 已调试 07-31;
# CJ002 (节能 50 m²) 已开工 04-20, 已完工 07-17, 已退出 08-01; CJ003 已开工
# 05-31, 已完工 07-10; CJ004 已开工 08-02. 阜康市 FK001 (节能 80 m²) 已开工
# 06-20; FK002 已开工 07-17. Targets: 昌吉市 4, 阜康市 2.
# 2023-07-16 (Sunday of W28): 已开工 expected 100 %, 已完工 106/182 = 58.2 %.

C=$(disp i.db 2023-07-16)
expect_cell "W28 昌吉市 已开工 3" "$C" 昌吉市 "已开工·户数" 3
expect_cell "W28 昌吉市 已开工 75.0%" "$C" 昌吉市 "已开工·完成率" 75.0%
expect_cell "W28 昌吉市 已开工 expected 100.0%" "$C" 昌吉市 "已开工·应完成" 100.0%
expect_cell "W28 昌吉市 已开工 25 points behind" "$C" 昌吉市 "已开工·差距(百分点)" 落后25.0
expect_cell "W28 昌吉市 已开工 no change against 07-09" "$C" 昌吉市 "已开工·较上期" 0
expect_cell "W28 昌吉市 已开工 stalled" "$C" 昌吉市 "已开工·预计完成" 停滞
expect_cell "W28 昌吉市 已完工 2" "$C" 昌吉市 "已完工·户数" 2
expect_cell "W28 昌吉市 已完工 +2" "$C" 昌吉市 "已完工·较上期" 2
expect_cell "W28 昌吉市 已完工 expected 58.2%" "$C" 昌吉市 "已完工·应完成" 58.2%
expect_cell "W28 昌吉市 已完工 8.2 behind" "$C" 昌吉市 "已完工·差距(百分点)" 落后8.2
expect_cell "W28 昌吉市 已完工 forecast 08-13" "$C" 昌吉市 "已完工·预计完成" 2023-08-13
expect_cell "W28 昌吉市 已调试 0, stalled" "$C" 昌吉市 "已调试·预计完成" 停滞
expect_cell "W28 昌吉市 自验合格 nothing expected yet" "$C" 昌吉市 "自验合格·应完成" 0.0%
expect_cell "W28 昌吉市 已退出 0" "$C" 昌吉市 "已退出·户数" 0
expect_cell "W28 昌吉市 红" "$C" 昌吉市 "状态" 红
expect_cell "W28 昌吉市 节能 target 2" "$C" 昌吉市 "建筑节能改造·计划户数" 2
expect_cell "W28 昌吉市 节能 installed 1" "$C" 昌吉市 "建筑节能改造·已完工户数" 1
expect_cell "W28 昌吉市 节能 50.0%" "$C" 昌吉市 "建筑节能改造·完成率" 50.0%
expect_cell "W28 昌吉市 节能 100 m²" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 100
expect_cell "W28 阜康市 target 2" "$C" 阜康市 "计划任务(户)·合计" 2
expect_cell "W28 阜康市 续建 0" "$C" 阜康市 "计划任务(户)·续建" 0
expect_cell "W28 阜康市 已开工 1" "$C" 阜康市 "已开工·户数" 1
expect_cell "W28 阜康市 已开工 forecast late" "$C" 阜康市 "已开工·预计完成" "2023-08-13（逾期）"
expect_cell "W28 阜康市 红" "$C" 阜康市 "状态" 红
expect_cell "W28 全州合计 target 6" "$C" 全州合计 "计划任务(户)·合计" 6
expect_cell "W28 全州合计 新建 5" "$C" 全州合计 "计划任务(户)·新建" 5
expect_cell "W28 全州合计 已开工 4" "$C" 全州合计 "已开工·户数" 4
expect_cell "W28 全州合计 已开工 66.6%" "$C" 全州合计 "已开工·完成率" 66.6%
expect_cell "W28 全州合计 已开工 forecast late" "$C" 全州合计 "已开工·预计完成" "2023-09-10（逾期）"
expect_cell "W28 全州合计 已完工 2" "$C" 全州合计 "已完工·户数" 2
expect_cell "W28 全州合计 已完工 24.9 behind" "$C" 全州合计 "已完工·差距(百分点)" 落后24.9
expect_cell "W28 全州合计 已完工 forecast 09-10" "$C" 全州合计 "已完工·预计完成" 2023-09-10
expect_cell "W28 全州合计 节能 target 3" "$C" 全州合计 "建筑节能改造·计划户数" 3
expect_eq "W28: three rows" "$(printf '%s\n' "$C" | sed 1d | grep -c .)" 3
expect_eq "W28: 全州合计 last" "$(printf '%s\n' "$C" | tail -1 | cut -d, -f1)" 全州合计

# Monday 07-17 (W29) against Monday 07-10
C=$(disp i.db 2023-07-17)
expect_cell "W29 Monday 昌吉市 已完工 3" "$C" 昌吉市 "已完工·户数" 3
expect_cell "W29 Monday 昌吉市 已完工 +2 since 07-10" "$C" 昌吉市 "已完工·较上期" 2
expect_cell "W29 Monday 阜康市 已开工 2" "$C" 阜康市 "已开工·户数" 2
expect_cell "W29 Monday 阜康市 已开工 +1" "$C" 阜康市 "已开工·较上期" 1
expect_cell "W29 Monday 已完工 expected 58.7%" "$C" 昌吉市 "已完工·应完成" 58.7%
expect_cell "W29 Monday 昌吉市 节能 150 m²" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 150

# months: 07-31 against 06-30, 08-01 against 07-31 (CJ002 withdrew after 已完工)
C=$(disp i.db 2023-07-31 --period month)
expect_cell "July 昌吉市 已完工 3 (+3)" "$C" 昌吉市 "已完工·较上期" 3
expect_cell "July 昌吉市 已调试 1" "$C" 昌吉市 "已调试·户数" 1
expect_cell "July 阜康市 已开工 +1" "$C" 阜康市 "已开工·较上期" 1
C=$(disp i.db 2023-08-01 --period month)
expect_cell "Aug 1 昌吉市 已开工 2" "$C" 昌吉市 "已开工·户数" 2
expect_cell "Aug 1 昌吉市 已开工 -1" "$C" 昌吉市 "已开工·较上期" -1
expect_cell "Aug 1 昌吉市 已完工 2 (-1)" "$C" 昌吉市 "已完工·较上期" -1
expect_cell "Aug 1 昌吉市 已调试 unchanged" "$C" 昌吉市 "已调试·较上期" 0
expect_cell "Aug 1 昌吉市 已退出 1" "$C" 昌吉市 "已退出·户数" 1
expect_cell "Aug 1 昌吉市 节能 back to 100 m²" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 100
expect_cell "Aug 1 全州合计 已退出 1" "$C" 全州合计 "已退出·户数" 1
expect_cell "Aug 1 昌吉市 已完工 expected 67.0%" "$C" 昌吉市 "已完工·应完成" 67.0%
run ch --db i.db report dispatch --year 2023 --as-of 2023-08-01 --period month
expect_rc "month table: exit 0" 0
has "month table: title" "农村清洁取暖改造进度月调度表（截至2023年8月1日）"
has "month table: compared with July" "较上期：与2023-07（2023-07-31）相比"
has "month table: 全州合计" "全州合计"
# the terminal table: one line per county with the key figures by default
run ch --db i.db report dispatch --year 2023 --as-of 2023-08-01
expect_rc "brief table: exit 0" 0
has "brief table: short headings" "县(市)"
has "brief table: the key figures" "开工率"
lacks "brief table: not every column" "建筑节能改造·已完工面积"
has "brief table: says columns were left out" "（简表：另有"
W=$(printf '%s\n' "$OUT" | awk 'NR == 2 { print length($0) }')
if [ "${W:-999}" -le 120 ]; then ok "brief table: header fits 120 columns ($W)"; else not_ok "brief table: header fits 120 columns" "width $W"; fi
L=$(printf '%s\n' "$OUT" | grep -c '^昌吉市')
expect_eq "brief table: one line for 昌吉市" "$L" 1
# 2 of 3 (CJ002 withdrew) started: 66.6 %
case "$(printf '%s\n' "$OUT" | grep '^昌吉市')" in
*" 66.6% "*) ok "brief table: 昌吉市 % against the target less the withdrawn" ;;
*) not_ok "brief table: 昌吉市 % against the target less the withdrawn" "no 66.6% on the 昌吉市 line" ;;
esac
run ch --db i.db report dispatch --year 2023 --as-of 2023-08-01 --wide
expect_rc "--wide: exit 0" 0
has "--wide: every column" "建筑节能改造·已完工面积(㎡)"
has "--wide: forecast columns" "已完工·预计完成"
lacks "--wide: nothing left out" "（简表："
C=$(disp i.db 2023-08-01)
expect_cell "csv keeps every column without --wide" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 100
expect_cell "csv: 扣除退出 3" "$C" 昌吉市 "计划任务(户)·扣除退出" 3

run ch --db i.db report dispatch --year 2023 --as-of 2023-07-16 --format json
expect_rc "json: exit 0" 0
J=$OUT
has "json: title with the week" "周调度表（截至2023年7月16日，第28周）"
expect_json "json: 昌吉市 started_n 3" "$J" 昌吉市 started_n 3
expect_json "json: 昌吉市 installed_n 2" "$J" 昌吉市 installed_n 2
expect_json "json: 昌吉市 installed_forecast" "$J" 昌吉市 installed_forecast 2023-08-13
expect_json "json: 昌吉市 status 红" "$J" 昌吉市 status 红
expect_json "json: 昌吉市 es_area 100" "$J" 昌吉市 es_area 100
expect_json "json: 阜康市 started_n 1" "$J" 阜康市 started_n 1
expect_json "json: 阜康市 target 2" "$J" 阜康市 target 2
expect_json "json: 全州合计 started_n 4" "$J" 全州合计 started_n 4
expect_json "json: 全州合计 installed_n 2" "$J" 全州合计 installed_n 2
expect_json "json: 全州合计 withdrawn 0" "$J" 全州合计 withdrawn 0
expect_json "json: 全州合计 is the total" "$J" 全州合计 is_total true
has "json: notes" "较上期：与2023-W27（2023-07-09）相比"

rm -f d.xlsx
run ch --db i.db report dispatch --year 2023 --as-of 2023-07-16 --format xlsx -o d.xlsx
expect_rc "xlsx: exit 0" 0
if [ -s d.xlsx ] && [ "$(head -c 2 d.xlsx)" = PK ]; then ok "xlsx: a zip file"; else not_ok "xlsx: a zip file"; fi
if command -v unzip >/dev/null 2>&1; then
	S=$(unzip -p d.xlsx xl/sharedStrings.xml 2>/dev/null)
	case "$S" in *周调度表*第28周*) ok "xlsx: the title" ;; *) not_ok "xlsx: the title" ;; esac
	case "$S" in *全州合计*) ok "xlsx: 全州合计" ;; *) not_ok "xlsx: 全州合计" ;; esac
	case "$S" in *2023-08-13*) ok "xlsx: a forecast date" ;; *) not_ok "xlsx: a forecast date" ;; esac
	# printed legibly: A3 landscape, split between stage groups at 85 %,
	# never fitted into one page (3 pt); headings and 县(市) on every page
	X=$(unzip -p d.xlsx xl/worksheets/sheet1.xml 2>/dev/null)
	case "$X" in *'paperSize="8"'*) ok "xlsx print: A3" ;; *) not_ok "xlsx print: A3" ;; esac
	case "$X" in *'orientation="landscape"'*) ok "xlsx print: landscape" ;; *) not_ok "xlsx print: landscape" ;; esac
	case "$X" in *'scale="85"'*) ok "xlsx print: 85 %" ;; *) not_ok "xlsx print: 85 %" ;; esac
	case "$X" in *fitToPage*) not_ok "xlsx print: not shrunk to one page" ;; *) ok "xlsx print: not shrunk to one page" ;; esac
	case "$X" in *'<colBreaks count="2"'*) ok "xlsx print: three pages across" ;; *) not_ok "xlsx print: three pages across" "$(printf '%s' "$X" | grep -o '<colBreaks[^>]*>')" ;; esac
	W=$(unzip -p d.xlsx xl/workbook.xml 2>/dev/null)
	case "$W" in *_xlnm.Print_Titles*'$A:$A'*'$2:$3'*) ok "xlsx print: repeated headings and first column" ;; *) not_ok "xlsx print: repeated headings and first column" "$W" ;; esac
	case "$W" in *_xlnm.Print_Area*) ok "xlsx print: print area" ;; *) not_ok "xlsx print: print area" ;; esac
	# the notes: merged over the first page and tall enough (two lines)
	case "$X" in *'<mergeCell ref="B8:Q8"/>'*) ok "xlsx notes: merged over the first page, clear of the repeated column" ;; *) not_ok "xlsx notes: merged" "$(printf '%s' "$X" | grep -o '<mergeCell [^>]*>' | tr '\n' ' ')" ;; esac
	case "$X" in *'<row r="8" '*'customHeight="1"'*) ok "xlsx notes: row height set for the wrapped text" ;; *) not_ok "xlsx notes: row height set for the wrapped text" "$(printf '%s' "$X" | grep -o '<row r="8"[^>]*>')" ;; esac
else
	ok "xlsx: contents # SKIP no unzip"
fi
run ch --db i.db report dispatch --year 2023 --as-of 2023-07-16 --format xlsx
expect_rc "xlsx without -o: exit 2" 2
run ch --db i.db report dispatch --year 2022 --as-of 2022-07-16
expect_rc "no plan for 2022: exit 4" 4
run ch --db i.db report dispatch --year 2023 --as-of 2023-02-30
expect_rc "impossible --as-of: exit 1" 1
run ch --db i.db report dispatch --year 2023
expect_rc "no --as-of: exit 2" 2
verify_ok "dispatch: report verify" i.db

# ---- report remind ----

setup m.db
ch --db m.db event import "$PF/remind1.csv" >/dev/null
# 04-09: 昌吉市 1/4 and 阜康市 1/2 started (13.3 % expected), nothing installed
# (4.3 % expected): all green
run ch --db m.db report remind --year 2023 --as-of 2023-04-09
expect_rc "remind, all on track: exit 0" 0
has "remind, all on track: says no county" "没有需要提醒的县（市）"
lacks "remind, all on track: no notice" "关于加快推进"
# 04-16: both yellow (已完工 8.2 behind), but only once: no notice
run ch --db m.db report remind --year 2023 --as-of 2023-04-16
has "remind, yellow once: no notice" "没有需要提醒的县（市）"
# 04-23: yellow again
run ch --db m.db report remind --year 2023 --as-of 2023-04-23
has "remind, yellow twice: 昌吉市" "关于加快推进昌吉市2023年农村清洁取暖改造进度的提醒"
has "remind, yellow twice: 阜康市" "关于加快推进阜康市2023年农村清洁取暖改造进度的提醒"
has "remind, yellow twice: says two periods" "已连续两期处于进度滞后（黄色）状态"
ch --db m.db event import "$PF/remind2.csv" >/dev/null
# 06-30: 昌吉市 4/4 started, 2/4 installed and commissioned (49.4 % expected):
# green; 阜康市 1/2 started, nothing since April: red
run ch --db m.db report remind --year 2023 --as-of 2023-06-30
expect_rc "remind, 阜康市 behind: exit 0" 0
has "remind, 阜康市 behind: the notice" "关于加快推进阜康市2023年农村清洁取暖改造进度的提醒"
has "remind, 阜康市 behind: addressed to 阜康市" "阜康市冬季清洁取暖工作领导小组办公室："
has "remind, 阜康市 behind: the date" "截至2023年6月30日"
has "remind, 阜康市 behind: its targets" "任务2户（新建2户、续建0户）"
has "remind, 阜康市 behind: 已开工 figures" "已开工1户（50.0%），按计划应达到100.0%，落后50.0个百分点"
has "remind, 阜康市 behind: 已完工 figures" "已完工0户（0.0%），按计划应达到49.4%，落后49.4个百分点"
has "remind, 阜康市 behind: the 已开工 deadline was missed, by 1 household" "已开工应于5月31日前全部完成，该节点已过，仍有1户未完成"
lacks "remind, 阜康市 behind: no warning about a deadline already passed" "5月31日的节点要求难以完成"
has "remind, 阜康市 behind: the 已完工 deadline" "9月30日的节点要求难以完成"
has "remind, 阜康市 behind: the plan's milestones" "确定的节点要求（5月31日前全面开工建设，9月30日前完成安装调试并达到使用条件）"
lacks "remind, 阜康市 behind: no notice for 昌吉市 (green)" "关于加快推进昌吉市"
lacks "remind, 阜康市 behind: none for the prefecture" "关于加快推进全州合计"
has "remind: names the plan document recorded (the table's title row by default)" "根据《2023年度农村清洁取暖安排项目表(测试用,两县小任务)》确定的节点要求"
lacks "remind: no invented plan document" "工作实施方案"
# the title given at import is the one named
db_rm mt.db
ch --db mt.db plan import "$PF/plan-small.csv" --year 2023 --title "昌吉州2023年农村清洁取暖改造工作实施方案" >/dev/null
ch --db mt.db household import "$PF/register.csv" >/dev/null
ch --db mt.db event import "$PF/remind1.csv" >/dev/null
ch --db mt.db event import "$PF/remind2.csv" >/dev/null
run ch --db mt.db report remind --year 2023 --as-of 2023-06-30
has "remind: names the --title recorded with the plan" "根据《昌吉州2023年农村清洁取暖改造工作实施方案》确定的节点要求"
run ch --db m.db report remind --year 2023 --as-of 2023-06-30 -o notices.txt
expect_rc "remind -o: exit 0" 0
has "remind -o: one notice" "已生成 1 份提醒：notices.txt"
if grep -q "关于加快推进阜康市" notices.txt 2>/dev/null; then ok "remind -o: written"; else not_ok "remind -o: written"; fi
run ch --db m.db report remind --year 2023 --as-of 2023-06-30 --format csv
expect_rc "remind --format csv: exit 2" 2
verify_ok "remind: report verify" m.db

# ---- forecasts past the deadline or the year's end (plan-forecast.csv) ----

# 100 households a county, all started in April; on 07-16 (58.2 % expected
# installed and commissioned) 60 of each are installed and commissioned,
# within 5 points: green by the gap alone. But 昌吉市 installed 59 in May and
# 1 since (40 to go at 1 in 4 weeks: past the year's end), 阜康市 50 in May
# and 10 since (40 to go at 10 in 4 weeks: 11-05, after 09-30).
db_rm fc.db
ch --db fc.db plan import "$PF/plan-forecast.csv" --year 2023 >/dev/null
ch --db fc.db demo generate --households 200 --seed 7 -o fc-reg.csv >/dev/null
ch --db fc.db household import fc-reg.csv >/dev/null || echo "not ok - importing fc-reg.csv"
tr -d '\r' <fc-reg.csv | awk -F, 'NR == 1 { print "县市,户编号,环节,日期,备注"; next }
	{ k[$1]++; n = k[$1]; late = $1 == "昌吉市" ? 59 : 50
	  print $1 "," $4 ",已开工,2023-04-10,"
	  if (n <= 60) { d = n <= late ? "2023-05-15" : "2023-07-10"
	    print $1 "," $4 ",已完工," d ","; print $1 "," $4 ",已调试," d "," } }' >fc-events.csv
run ch --db fc.db event import fc-events.csv
expect_rc "forecast scenario: events stored" 0
C=$(disp fc.db 2023-07-16)
expect_cell "forecast: 昌吉市 60 installed" "$C" 昌吉市 "已完工·户数" 60
expect_cell "forecast: past the year's end says so, not a date" "$C" 昌吉市 "已完工·预计完成" 年内无法完成
expect_cell "forecast: 阜康市 installed late" "$C" 阜康市 "已完工·预计完成" "2023-11-05（逾期）"
expect_cell "forecast: 昌吉市 beyond the year is not green" "$C" 昌吉市 "状态" 黄
expect_cell "forecast: 阜康市 逾期 is not green" "$C" 阜康市 "状态" 黄
# 07-23: yellow two weeks running
run ch --db fc.db report remind --year 2023 --as-of 2023-07-23
has "forecast remind: 昌吉市 cannot finish in the year" "已完工年内无法全部完成"
lacks "forecast remind: no date decades away" "2123年"

# ---- report freeze, then a correction inside the frozen week (on i.db) ----

run ch --db i.db report freeze --year 2023 --period 2023-W28 --today 2023-07-16
expect_rc "freeze W28 on its last day: exit 1" 1
run ch --db i.db report freeze --year 2023 --period 2023-W31 --today 2023-08-01
expect_rc "freeze W31 before it ended: exit 1" 1
has_err "freeze W31 before it ended: names its end" "2023-08-06"
run ch --db i.db report freeze --year 2023 --period 2023-W99 --today 2023-08-01
if [ "$RC" -eq 1 ] || [ "$RC" -eq 2 ]; then ok "freeze 2023-W99: refused"; else not_ok "freeze 2023-W99: refused"; fi
run ch --db i.db report freeze --year 2023 --period 2023-W28 --today 2023-08-01
expect_rc "freeze W28: exit 0" 0
has "freeze W28: confirmed" "已冻结"
run ch --db i.db report freeze --year 2023 --period 2023-W28 --today 2023-08-01
expect_rc "freeze W28 again: exit 5" 5
run ch --db i.db audit verify
expect_rc "freeze: audit chain intact" 0

# the next week against the frozen one, nothing corrected yet
run ch --db i.db report dispatch --year 2023 --as-of 2023-07-23
has "W29 after freezing W28: says the previous week is frozen" "（该期已冻结，按冻结数）"
lacks "W29 after freezing W28: no corrections yet" "冻结后对冻结期内事件的更正"
# the middle of the next week: still nothing corrected
run ch --db i.db report dispatch --year 2023 --as-of 2023-07-19
lacks "Wednesday of W29 after freezing W28, nothing corrected: no correction note" "冻结后对冻结期内事件的更正"

# CJ001's 已完工 (07-16, inside W28) was on 07-18
run ch --db i.db event correct CJ001 已完工 --county 昌吉市 --date 2023-07-18 --note 施工队补报 --today 2023-08-01
expect_rc "correct inside the frozen week: exit 0" 0
has "correct: confirmed" "已更正：CJ001「已完工」日期改为 2023-07-18"
verify_ok "after the correction: report verify" i.db
C=$(disp i.db 2023-07-23)
expect_cell "W29 after the correction: 昌吉市 已完工 3" "$C" 昌吉市 "已完工·户数" 3
expect_cell "W29 after the correction: +1 against the frozen 2" "$C" 昌吉市 "已完工·较上期" 1
expect_cell "W29 after the correction: 全州合计 +1" "$C" 全州合计 "已完工·较上期" 1
run ch --db i.db report dispatch --year 2023 --as-of 2023-07-23
has "W29 after the correction: the note about corrections" '冻结后对冻结期内事件的更正已计入本期“较上期”（涉及 1 户次）'
C=$(disp i.db 2023-07-16)
expect_cell "W28 read live after the correction: 昌吉市 已完工 1" "$C" 昌吉市 "已完工·户数" 1
# by ID number (CJ003's 已完工 07-10 → 07-11, still inside W28)
run ch --db i.db event correct 652301197003010034 已完工 --date 2023-07-11 --today 2023-08-01
expect_rc "correct by ID number: exit 0" 0
C=$(disp i.db 2023-07-23)
expect_cell "after a correction within W28: still +1 against the frozen 2" "$C" 昌吉市 "已完工·较上期" 1
run ch --db i.db event correct CJ001 已完工 --county 昌吉市 --date 2023-07-18 --today 2023-08-01
expect_rc "correct to the same date: exit 5" 5
run ch --db i.db event correct CJ001 已完工 --county 昌吉市 --date 2023-08-05 --today 2023-08-10
expect_rc "correct past the next step (已调试 07-31): exit 1" 1
run ch --db i.db event correct CJ001 已完工 --county 昌吉市 --date 2023-07-20 --today 2023-07-19
expect_rc "correct to a future date: exit 1" 1
run ch --db i.db event correct FK002 已完工 --county 阜康市 --date 2023-07-20 --today 2023-08-01
expect_rc "correct a step never recorded: exit 4" 4
run ch --db i.db --as fk event correct CJ001 已完工 --county 昌吉市 --date 2023-07-19 --today 2023-08-01
expect_rc "阜康市 operator corrects a 昌吉市 step: exit 3" 3
verify_ok "corrections: report verify" i.db

run ch --db i.db --as fk report freeze --year 2023 --period 2023-W27 --today 2023-08-01
expect_rc "a county operator freezes: exit 3" 3

# 2023 has 52 ISO weeks: 2023-W53 names no week
setup w.db
run ch --db w.db report freeze --year 2023 --period 2023-W53 --today 2024-03-01
expect_rc "freeze 2023-W53 (2023 has 52 weeks): exit 1" 1

# ---- a withdrawal after the register changed a household's energy-saving
# measures: the withdrawal must take away what the household added ----

# CJ001 (节能 100 m²) 已开工 and 已完工, then its 节能改造面积 is corrected
# to 120 m² in the register, then it withdraws: 0 m² left, not -20
setup es.db
ch --db es.db event record CJ001 已开工 --county 昌吉市 --date 2023-04-10 >/dev/null
ch --db es.db event record CJ001 已完工 --county 昌吉市 --date 2023-05-10 >/dev/null
C=$(disp es.db 2023-05-31)
expect_cell "节能 before: 1 household installed" "$C" 昌吉市 "建筑节能改造·已完工户数" 1
expect_cell "节能 before: 100 m²" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 100
sed 's/^\(昌吉市,.*,CJ001,.*,外墙保温,\)100,/\1120,/' "$PF/register.csv" >reg-area120.csv
run ch --db es.db household import reg-area120.csv
has "register update: CJ001 area 120" "更新 1 户"
C=$(disp es.db 2023-05-31)
expect_cell "节能 after the register update: still 100 m² (as recorded)" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 100
ch --db es.db event record CJ001 已退出 --county 昌吉市 --date 2023-06-10 --note 农户退出 >/dev/null
C=$(disp es.db 2023-06-30)
expect_cell "withdrawn after an area change: 0 households installed" "$C" 昌吉市 "建筑节能改造·已完工户数" 0
expect_cell "withdrawn after an area change: 0 m² installed" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 0
verify_ok "withdrawn after an area change: report verify" es.db
# the same when the measures were removed from the register before
setup es2.db
ch --db es2.db event record CJ001 已开工 --county 昌吉市 --date 2023-04-10 >/dev/null
ch --db es2.db event record CJ001 已完工 --county 昌吉市 --date 2023-05-10 >/dev/null
sed 's/^\(昌吉市,.*,CJ001,.*,空气能,\)外墙保温,100,/\1,,/' "$PF/register.csv" >reg-no-es.csv
run ch --db es2.db household import reg-no-es.csv
has "register update: CJ001 without measures" "更新 1 户"
ch --db es2.db event record CJ001 已退出 --county 昌吉市 --date 2023-06-10 --note 农户退出 >/dev/null
C=$(disp es2.db 2023-06-30)
expect_cell "withdrawn after its measures were removed: 0 households installed" "$C" 昌吉市 "建筑节能改造·已完工户数" 0
expect_cell "withdrawn after its measures were removed: 0 m²" "$C" 昌吉市 "建筑节能改造·已完工面积(㎡)" 0

# ---- the one step back (a failed review) and corrections after it ----

setup sb.db
printf 'inspection photo' >insp.jpg
for s in 已开工:2023-04-03 已完工:2023-07-16 已调试:2023-07-31; do
	ch --db sb.db event record CJ001 "${s%%:*}" --county 昌吉市 --date "${s#*:}" >/dev/null
done
ch --db sb.db event record CJ001 自验合格 --county 昌吉市 --date 2023-10-05 --evidence insp.jpg >/dev/null
ch --db sb.db event record CJ001 已申请复核 --county 昌吉市 --date 2023-10-08 >/dev/null
run ch --db sb.db event record CJ001 已调试 --county 昌吉市 --date 2023-10-20
expect_rc "failed review without a reason: exit 1" 1
run ch --db sb.db event record CJ001 已调试 --county 昌吉市 --date 2023-10-20 --note 复核不合格
expect_rc "failed review, back to 已调试: exit 0" 0
C=$(disp sb.db 2023-10-31 --period month)
expect_cell "after the step back: 自验合格 0" "$C" 昌吉市 "自验合格·户数" 0
expect_cell "after the step back: 已调试 1" "$C" 昌吉市 "已调试·户数" 1
C=$(disp sb.db 2023-10-10 --period month)
expect_cell "before the step back: 自验合格 1" "$C" 昌吉市 "自验合格·户数" 1
run ch --db sb.db event record CJ001 自验合格 --county 昌吉市 --date 2023-10-25 --evidence insp.jpg
expect_rc "inspected again: exit 0" 0
verify_ok "step back: report verify" sb.db
# the new 自验合格 (10-25) lies after the step back (10-20); the 已申请复核 of
# 10-08 belongs to the earlier round and is no later step
run ch --db sb.db event correct CJ001 自验合格 --county 昌吉市 --date 2023-10-26 --today 2023-11-01
expect_rc "correct the 自验合格 after a step back: exit 0" 0
verify_ok "correct after a step back: report verify" sb.db

# ---- report verify after tampering with progress_daily ----

verify_ok "before tampering: report verify" i.db
if command -v sqlite3 >/dev/null 2>&1; then
	db_cp i.db t.db
	sql t.db "UPDATE progress_daily SET households = households + 1 WHERE stage_no = 1 AND day = '2023-04-03'"
	run ch --db t.db report verify
	expect_rc "tampered progress_daily: exit 1" 1
	has_err "tampered progress_daily: names the day" "2023-04-03"
	db_cp i.db t.db
	sql t.db "DELETE FROM progress_daily WHERE stage_no = 8"
	run ch --db t.db report verify
	expect_rc "progress_daily row deleted: exit 1" 1
else
	ok "tampered progress_daily # SKIP no sqlite3"
fi

# ---- demo data ----

db_rm dm.db
ch --db dm.db plan import "$PLANS/changji-2023-corrected.csv" --year 2023 >/dev/null
run ch --db dm.db demo generate --households 2000 -o demo-reg.csv
expect_rc "demo generate: exit 0" 0
run ch --db dm.db household import demo-reg.csv
expect_rc "demo register import: exit 0" 0
# a county operator's batch holds their county's households only
ch --db dm.db user add fk --role county_operator --scope 阜康市 >/dev/null
run ch --db dm.db --as fk demo events --as-of 2023-07-16 -o demo-ev-fk.csv
expect_rc "demo events as 阜康市's operator: exit 0" 0
expect_eq "demo events as 阜康市's operator: only 阜康市" \
	"$(sed 1d demo-ev-fk.csv | cut -d, -f1 | sort -u | tr -d '\n')" "阜康市"
run ch --db dm.db demo events --as-of 2023-07-16 -o demo-ev.csv
expect_rc "demo events: exit 0" 0
run ch --db dm.db event import demo-ev.csv
expect_rc "demo events import: exit 0" 0
has "demo events import: nothing rejected" "拒收 0 行"
verify_ok "demo: report verify" dm.db
C=$(disp dm.db 2023-07-16)
if printf '%s\n' "$C" | grep -q ',红,'; then ok "demo dispatch: at least one 红"; else not_ok "demo dispatch: at least one 红"; fi
expect_eq "demo dispatch: 7 counties and the total" "$(printf '%s\n' "$C" | sed 1d | grep -c .)" 8
# pct_lt CSV HEADING SLOW FAST: SLOW's percentage under HEADING is below FAST's
pct_lt() {
	a=$(cell "$1" "$3" "$2" | tr -d %)
	b=$(cell "$1" "$4" "$2" | tr -d %)
	awk -v a="$a" -v b="$b" 'BEGIN { exit !(a != "" && b != "" && a + 0 < b + 0) }'
}
if pct_lt "$C" "已完工·完成率" 木垒哈萨克自治县 昌吉市; then
	ok "demo 07-16: 木垒 behind 昌吉市 in 已完工 %"
else
	not_ok "demo 07-16: 木垒 behind 昌吉市 in 已完工 %" "$(cell "$C" 木垒哈萨克自治县 "已完工·完成率") vs $(cell "$C" 昌吉市 "已完工·完成率")"
fi
C=$(disp dm.db 2023-05-15)
if pct_lt "$C" "已开工·完成率" 木垒哈萨克自治县 昌吉市; then
	ok "demo 05-15: 木垒 behind 昌吉市 in 已开工 %"
else
	not_ok "demo 05-15: 木垒 behind 昌吉市 in 已开工 %" "$(cell "$C" 木垒哈萨克自治县 "已开工·完成率") vs $(cell "$C" 昌吉市 "已开工·完成率")"
fi

# ---- the seals of steps: a household's new seal is its newest seal with
# the stage put in (core/seal.c), so a field changed outside the program
# stays found after the program moves the household on ----

# seals_like PATTERN: how many household seals of sl.db match PATTERN (LIKE)
seals_like() {
	sql sl.db "SELECT count(*) FROM seal WHERE kind = 'household' AND fields LIKE '$1'"
}
# verify_rc NAME RC: `cleanheat verify` of sl.db exits RC
verify_rc() {
	run ch --db sl.db verify
	expect_rc "seals of steps: $1: exit $2" "$2"
}

# the register with CJ002's phone and an address holding the characters
# the seal's JSON escapes or that a reader of it must not split at, and
# ending in a backslash (escaped in the seal right before its quote)
{
	head -n 1 "$PF/register.csv"
	sed -n '2,7p' "$PF/register.csv" |
		sed 's/^\(昌吉市,大西渠镇,大西渠村,CJ002,进度乙,652301197003010026\),,/\1,13800000002,"大西渠村""3,号]\\[{x}\\"/'
} >seal-reg.csv
rm -f sl.db
ch --db sl.db plan import "$PF/plan-small.csv" --year 2023 >/dev/null &&
	ch --db sl.db household import seal-reg.csv >/dev/null || echo "not ok - setting up sl.db"
expect_eq "seals of steps: CJ002's address as imported" \
	"$(sql sl.db "SELECT address FROM household WHERE hh_no = 'CJ002'")" '大西渠村"3,号]\[{x}\'
printf '县市,户编号,环节,日期,备注\n昌吉市,CJ001,已开工,2023-04-03,\n昌吉市,CJ002,已开工,2023-04-20,\n阜康市,FK001,已开工,2023-04-21,\n' >seal-w1.csv
run ch --db sl.db event import seal-w1.csv
expect_rc "seals of steps: first week: exit 0" 0
verify_rc "verify after the first week" 0
expect_eq "seals of steps: CJ002's newest seal has its stage and the address" \
	"$(sql sl.db "SELECT fields FROM seal WHERE kind = 'household' AND object =
		(SELECT id FROM household WHERE hh_no = 'CJ002') ORDER BY seq DESC LIMIT 1")" \
	'[2,12,13,"CJ002","进度乙","652301197003010026","13800000002","大西渠村\"3,号]\\[{x}\\",12000,null,null,"heat_pump","window",5000,2023,"new",null,null,null,"started","2023-04-20",null]'

# CJ002's phone changed outside the program, then a step for it
sql sl.db "UPDATE household SET phone = '13900000009' WHERE hh_no = 'CJ002'"
verify_rc "verify after the phone changed outside" 1
printf '县市,户编号,环节,日期,备注\n昌吉市,CJ002,已完工,2023-07-17,\n昌吉市,CJ003,已开工,2023-05-31,\n' >seal-w2.csv
run ch --db sl.db event import seal-w2.csv
expect_rc "seals of steps: a step for the changed household: exit 0" 0
verify_rc "verify after the step" 1
has_err "seals of steps: verify names CJ002's phone" "CJ002 的「联系电话」与审计记录"
expect_eq "seals of steps: the new seal keeps the phone the program sealed" \
	"$(seals_like '%13900000009%')" 0
expect_eq "seals of steps: the new seal has the step" \
	"$(seals_like '%"installed","2023-07-17"%')" 1
# the phone put back: every row agrees with its seal again
sql sl.db "UPDATE household SET phone = '13800000002' WHERE hh_no = 'CJ002'"
verify_rc "verify with the phone put back" 0
# a step's date corrected (stage_day alone written): sealed the same way
sql sl.db "UPDATE household SET phone = '13900000009' WHERE hh_no = 'CJ002'"
run ch --db sl.db event correct CJ002 已完工 --county 昌吉市 --date 2023-07-18
expect_rc "seals of steps: a correction of the changed household's step: exit 0" 0
expect_eq "seals of steps: the correction's seal has the new date and the sealed phone" \
	"$(seals_like '%"13800000002"%"installed","2023-07-18"%')" 1
sql sl.db "UPDATE household SET phone = '13800000002' WHERE hh_no = 'CJ002'"
verify_rc "verify after the correction, the phone put back" 0

# a register update of CJ003's phone, then its next step: the step's seal
# is made over the seal the update made
printf '县市,乡镇,村,户编号,户主姓名,身份证号,联系电话,地址,取暖面积,改造方式,节能改造措施,节能改造面积,年度,批次,总投资\n昌吉市,大西渠镇,大西渠村,CJ003,进度丙,652301197003010034,13800000003,,120,空气能,,,2023,新建,\n' >seal-upd.csv
run ch --db sl.db household import seal-upd.csv
expect_rc "seals of steps: CJ003's phone updated by an import: exit 0" 0
printf '县市,户编号,环节,日期,备注\n昌吉市,CJ003,已完工,2023-07-10,\n' >seal-w3.csv
run ch --db sl.db event import seal-w3.csv
expect_rc "seals of steps: CJ003's next step: exit 0" 0
verify_rc "verify after the update and the step" 0
expect_eq "seals of steps: CJ003's newest seal has the phone and the step" \
	"$(seals_like '%"13800000003"%"installed","2023-07-10"%')" 1

# a household with no seal to start from (written outside the program) in
# the same batch as one that has: sealed from its row, as every version
# has sealed it; the other keeps its stage sealed over its newest seal
sql sl.db "INSERT INTO household(county_id, township_id, village_id, hh_no, head_name, id_number,
	heated_area_centi, technology, plan_year, batch, status, list_key, updated_at)
	SELECT county_id, township_id, village_id, 'CJ009', head_name, '652301197003010077',
	heated_area_centi, technology, plan_year, batch, status, replace(list_key, 'CJ004', 'CJ009'),
	updated_at FROM household WHERE hh_no = 'CJ004'"
verify_rc "verify with a household written outside" 1
has_err "seals of steps: verify names the household written outside" "CJ009 不见于审计记录"
printf '县市,户编号,环节,日期,备注\n昌吉市,CJ004,已开工,2023-06-01,\n昌吉市,CJ009,已开工,2023-06-02,\n' >seal-w4.csv
run ch --db sl.db event import seal-w4.csv
expect_rc "seals of steps: steps for both: exit 0" 0
expect_eq "seals of steps: both sealed with their steps" \
	"$(sql sl.db "SELECT count(*) FROM seal WHERE kind = 'household' AND (fields LIKE '%\"CJ004\"%\"started\",\"2023-06-01\"%' OR fields LIKE '%\"CJ009\"%\"started\",\"2023-06-02\"%')")" 2
verify_rc "verify after both steps" 0

# CJ002's phone changed outside the program, then the register sent again
# with CJ002 as it now is: the import claims it unchanged, and the claim
# (its import and line, which no seal covers) seals nothing, so verify
# still finds the phone (before, the commit sealed the row it found)
sql sl.db "UPDATE household SET phone = '13900000009' WHERE hh_no = 'CJ002'"
n0=$(sql sl.db "SELECT count(*) FROM seal WHERE kind = 'household'")
{
	head -n 1 seal-reg.csv
	grep ',CJ002,' seal-reg.csv | sed 's/,13800000002,/,13900000009,/'
} >seal-again.csv
run ch --db sl.db household import seal-again.csv
expect_rc "seals of a claim: CJ002 sent again as changed outside: exit 0" 0
has "seals of a claim: CJ002 unchanged" "未变 1 户"
expect_eq "seals of a claim: no household sealed" \
	"$(sql sl.db "SELECT count(*) FROM seal WHERE kind = 'household'")" "$n0"
expect_eq "seals of a claim: CJ002 claimed by that import" \
	"$(sql sl.db "SELECT CASE WHEN import_id = (SELECT max(id) FROM household_import) THEN 1 ELSE 0 END
		FROM household WHERE hh_no = 'CJ002'")" 1
verify_rc "verify after the claim" 1
has_err "seals of a claim: verify still names CJ002's phone" "CJ002 的「联系电话」与审计记录"
sql sl.db "UPDATE household SET phone = '13800000002' WHERE hh_no = 'CJ002'"
verify_rc "verify after the claim, the phone put back" 0
