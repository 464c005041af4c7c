#!/bin/sh
# End-to-end tests of the household register: `household import` (one
# fixture per validation rule, accepted spellings, GB18030 with title rows,
# XLSX workbooks, all-or-nothing, --skip-invalid with a rejects file,
# re-imports and updates, duplicates, permissions and masking) and the read
# commands (`household list/search/show/duplicates`), with `plan coverage`
# and `demo generate`. Fixtures: tests/fixtures/household/ (see its README).
. "$(dirname "$0")/lib.sh"

HF=$FIX/household
XF=$FIX/xlsx
PLANS=$ROOT/data/plans

# id18 ID17: ID17 followed by its GB 11643 check character
id18() {
	printf '%s\n' "$1" | awk '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		s = 0
		for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
		print $0 substr("10X98765432", s % 11 + 1, 1)
	}'
}
# hh_csv DB [ARGS]: `household list --format csv` without carriage returns
hh_csv() {
	db=$1
	shift
	ch --db "$db" household list --format csv "$@" | tr -d '\r'
}
# nrows DB [ARGS]: the number of data rows `household list` prints
nrows() {
	hh_csv "$@" | sed 1d | grep -c .
}
# revealed DB HHNO: the household's row from `household list --reveal`
revealed() {
	hh_csv "$1" --reveal | grep -F ",$2,"
}
# audit_lines DB: lines of `audit log --format csv` (header + one per entry)
audit_lines() {
	ch --db "$1" audit log --limit 100000 --format csv | wc -l | tr -d ' '
}
# expect_rows NAME DB COUNT [ARGS]
expect_rows() {
	n=$(nrows "$2" ${4:+"$4"} ${5:+"$5"})
	if [ "$n" -eq "$3" ]; then ok "$1"; else not_ok "$1" "expected $3 household(s), found $n"; fi
}

# ---- one fixture per validation rule: exit 1, nothing stored, the message
# names the row, the column and the value ----

# reject NAME FILE ROW COLUMN VALUE [TEXT...]: importing FILE into a fresh
# database fails, stores nothing, and reports ROW/COLUMN/VALUE and each TEXT
reject() {
	name=$1 file=$2 row=$3 col=$4 val=$5
	shift 5
	db_rm r.db
	run ch --db r.db household import "$HF/$file"
	expect_rc "$name: exit 1" 1
	expect_rows "$name: nothing stored" r.db 0
	if [ -n "$val" ]; then
		has "$name: names row $row, $col and the value" "第${row}行 ${col}「${val}」"
	else
		has "$name: names row $row and $col" "第${row}行 ${col}："
	fi
	for t in "$@"; do has "$name: says $t" "$t"; done
	expect_err "$name: stderr says nothing was stored" "什么也没有保存"
}

reject "id check digit" bad-id-check.csv 3 身份证号 652301198503154560 "校验位" "应为 5"
run ch --db r.db region list 昌吉市
lacks "failed import: the township its good row named was not kept" "大西渠镇"
reject "id length" bad-id-length.csv 3 身份证号 65230119850315456 "18 位"
reject "id birth date" bad-id-date.csv 3 身份证号 652301199002304566 "出生日期" "19900230"
reject "id scientific notation" bad-id-sci.csv 3 身份证号 6.52323E+17 "科学计数法"
reject "phone not mobile or landline" bad-phone.csv 3 联系电话 12345 "不是手机号"
reject "unknown county" bad-county.csv 3 县市 乌鲁木齐市 "不是本州的县"
# 米泉市 (652303) was abolished in 2007; the register keeps it so that input
# naming it is reported with what became of it
reject "obsolete county" bad-county-obsolete.csv 3 县市 米泉市 "已撤销" "乌鲁木齐"
reject "heated area" bad-heated-area.csv 3 取暖面积 0 "超出合理范围"
has "heated area: 5 rejected (row 4)" "第4行 取暖面积「5」"
has "heated area: 5000 rejected (row 5)" "第5行 取暖面积「5000」"
has "heated area: abc rejected (row 6)" "第6行 取暖面积「abc」"
has "heated area: 4 rows rejected" "拒收 4 行"
reject "energy-saving area" bad-es-area.csv 3 节能改造面积 0.5 "超出合理范围"
has "energy-saving area: 801 rejected (row 4)" "第4行 节能改造面积「801」"
has "energy-saving area: abc rejected (row 5)" "第5行 节能改造面积「abc」"
reject "technology not in the list" bad-technology.csv 3 改造方式 烧柴 "不在名单中"
reject "measure not in the list" bad-measures.csv 3 节能改造措施 刷漆 "不在名单中"
reject "missing 户主姓名" bad-missing-head.csv 3 户主姓名 "" "缺少户主姓名"
reject "year in Chinese numerals" bad-year.csv 3 年度 二〇二三 "不是年份"
reject "batch not 新建/续建" bad-batch.csv 3 批次 其他 "新建或续建"
reject "implausible cost" bad-cost.csv 3 总投资 9999999 "超出合理范围"

# a township list loaded with `region import` makes an unknown township an error
db_rm r.db
ch --db r.db region import "$FIX/region/changji-townships.csv" >/dev/null
run ch --db r.db household import "$HF/township-unlisted.csv"
expect_rc "township not in the loaded list: exit 1" 1
has "township not in the loaded list: names row 3, 乡镇, 三工镇" "第3行 乡镇「三工镇」"
has "township not in the loaded list: says to use region import" "region import"
expect_rows "township not in the loaded list: nothing stored" r.db 0
# ... and without a list, it is added (and the summary says so)
db_rm r.db
run ch --db r.db household import "$HF/township-unlisted.csv"
expect_rc "township with no list loaded: exit 0" 0
has "township with no list loaded: summary lists 新增行政区划" "新增行政区划"
has "township with no list loaded: 三工镇 added under 昌吉市" "昌吉市 三工镇"
expect_rows "township with no list loaded: 2 stored" r.db 2
run ch --db r.db region list 昌吉市
has "township with no list loaded: region list shows 三工镇" "三工镇"

# an unknown heading is an error unless told to ignore it
db_rm r.db
run ch --db r.db household import "$HF/unknown-column.csv"
expect_rc "unknown column 签字: exit 1" 1
expect_err "unknown column 签字: named" "「签字」"
expect_err "unknown column 签字: mentions --ignore-unknown-columns" "--ignore-unknown-columns"
has_err "unknown column 签字: the flag is a hint after the message" "忽略不认识的列再导入 (--ignore-unknown-columns)"
expect_rows "unknown column 签字: nothing stored" r.db 0
run ch --db r.db household import --skip-invalid "$HF/unknown-column.csv"
expect_rc "unknown column 签字 with --skip-invalid: still exit 1" 1
expect_rows "unknown column 签字 with --skip-invalid: nothing stored" r.db 0
run ch --db r.db household import --ignore-unknown-columns "$HF/unknown-column.csv"
expect_rc "unknown column ignored: exit 0" 0
has "unknown column ignored: a 提示" "提示"
expect_rows "unknown column ignored: stored" r.db 1

# problems as JSON
db_rm r.db
run ch --db r.db household import --format json "$HF/bad-phone.csv"
expect_rc "json problems: exit 1" 1
has "json problems: row" '"row": 3'
has "json problems: column" '"column": "联系电话"'
has "json problems: value" '"value": "12345"'
has "json problems: severity" '"severity": "error"'

# ---- accepted spellings: each row of accepted.csv one variant ----

run ch --db acc.db household import --skip-invalid "$HF/accepted.csv"
expect_rc "accepted variants: exit 0" 0
has "accepted variants: all 6 inserted, none rejected" "新增 6 户，更新 0 户，未变 0 户，拒收 0 行"
r=$(revealed acc.db CJ001)
case "$r" in *",120.50,"*) ok "heated area 120.5 accepted" ;; *) not_ok "heated area 120.5 accepted" "row: $r" ;; esac
case "$r" in *",外墙保温、门窗改造,"*) ok "measures 外墙保温、门窗改造 accepted" ;; *) not_ok "measures 外墙保温、门窗改造 accepted" "row: $r" ;; esac
case "$r" in *"燃气壁挂炉"*) ok "technology 壁挂炉 → 煤改气（燃气壁挂炉）" ;; *) not_ok "technology 壁挂炉 → 煤改气（燃气壁挂炉）" "row: $r" ;; esac
r=$(revealed acc.db CJ002)
case "$r" in *",65230119620505222X,"*) ok "15-digit ID converted to 18 (check X)" ;; *) not_ok "15-digit ID converted to 18 (check X)" "row: $r" ;; esac
case "$r" in *",0994-2345678,"*) ok "landline with area code accepted" ;; *) not_ok "landline with area code accepted" "row: $r" ;; esac
case "$r" in *"空气源热泵"*) ok "technology 空气能 → 空气源热泵" ;; *) not_ok "technology 空气能 → 空气源热泵" "row: $r" ;; esac
run ch --db acc.db household show --reveal 65230119620505222X
expect_rc "show the converted 15-digit ID by its 18-digit form: exit 0" 0
has "show the converted 15-digit ID: 18-digit form shown" "65230119620505222X"
r=$(revealed acc.db CJ003)
case "$r" in *",65230119850315408X,"*) ok "lower-case x accepted, stored as X" ;; *) not_ok "lower-case x accepted, stored as X" "row: $r" ;; esac
case "$r" in *",13812345679,"*) ok "mobile with spaces accepted" ;; *) not_ok "mobile with spaces accepted" "row: $r" ;; esac
case "$r" in *"直热式电采暖"*) ok "technology 煤改电 accepted" ;; *) not_ok "technology 煤改电 accepted" "row: $r" ;; esac
r=$(revealed acc.db CJ004)
case "$r" in *",652301199001010013,"*) ok "full-width ID with stray spaces normalised" ;; *) not_ok "full-width ID with stray spaces normalised" "row: $r" ;; esac
case "$r" in *",13912345678,"*) ok "full-width phone with ideographic spaces normalised" ;; *) not_ok "full-width phone with ideographic spaces normalised" "row: $r" ;; esac
case "$r" in *",集中供热,"*) ok "technology 集中供暖 → 集中供热" ;; *) not_ok "technology 集中供暖 → 集中供热" "row: $r" ;; esac
case "$r" in *",2023,续建,"*) ok "年度 2023年 and 批次 续建 accepted" ;; *) not_ok "年度 2023年 and 批次 续建 accepted" "row: $r" ;; esac
r=$(revealed acc.db CJ005)
case "$r" in *",0994-2345679,"*) ok "landline without dash gets its area code split" ;; *) not_ok "landline without dash gets its area code split" "row: $r" ;; esac
case "$r" in *",800,"*",屋面保温、门窗改造,800,"*) ok "area 800 and energy-saving area 800 (upper bounds) accepted, measures 屋顶+门窗" ;; *) not_ok "area 800 and energy-saving area 800 (upper bounds) accepted, measures 屋顶+门窗" "row: $r" ;; esac
case "$r" in *",2023,新建,"*) ok "full-width 年度 accepted" ;; *) not_ok "full-width 年度 accepted" "row: $r" ;; esac
r=$(revealed acc.db CJ006)
case "$r" in *",13900000006,"*) ok "+86 mobile accepted" ;; *) not_ok "+86 mobile accepted" "row: $r" ;; esac
case "$r" in *",10,"*",地面保温,1,"*) ok "area 10 and energy-saving area 1 (lower bounds) accepted" ;; *) not_ok "area 10 and energy-saving area 1 (lower bounds) accepted" "row: $r" ;; esac
case "$r" in *",续建,,1500.50,"*) ok "批次 2022年续建 and 总投资 1,500.50 accepted" ;; *) not_ok "批次 2022年续建 and 总投资 1,500.50 accepted" "row: $r" ;; esac
run ch --db acc.db household show 65230119850315408x
expect_rc "show by ID with lower-case x: exit 0" 0
has "show by ID with lower-case x: found" "王五"

# 总投资 in 万元
run ch --db wan.db household import "$HF/cost-wan.csv"
expect_rc "总投资（万元）: exit 0" 0
r=$(revealed wan.db CJ001)
case "$r" in *",15000,已登记") ok "总投资（万元） 1.5 → 15000 yuan" ;; *) not_ok "总投资（万元） 1.5 → 15000 yuan" "row: $r" ;; esac
r=$(revealed wan.db CJ002)
case "$r" in *",8500,已登记") ok "总投资（万元） 0.85 → 8500 yuan" ;; *) not_ok "总投资（万元） 0.85 → 8500 yuan" "row: $r" ;; esac

# ---- encodings, title rows, heading variants, --county ----

run ch --db gbk.db household import "$HF/titled-gb18030-crlf.csv"
expect_rc "GB18030 CRLF with two title rows: exit 0" 0
has "GB18030 CRLF: 3 inserted" "新增 3 户"
r=$(revealed gbk.db HTB003)
case "$r" in *",哈力木拉提,652323197003030332,13999000003,"*) ok "GB18030: 户主, 身份证号码, 联系方式 mapped and decoded" ;; *) not_ok "GB18030: 户主, 身份证号码, 联系方式 mapped and decoded" "row: $r" ;; esac
r=$(revealed gbk.db HTB001)
case "$r" in *",96.50,"*) ok "GB18030: 取暖面积（㎡） mapped" ;; *) not_ok "GB18030: 取暖面积（㎡） mapped" "row: $r" ;; esac
r=$(revealed gbk.db HTB002)
case "$r" in *",0994-5678901,"*) ok "GB18030: the landline kept" ;; *) not_ok "GB18030: the landline kept" "row: $r" ;; esac
run ch --db gbk2.db household import "$HF/titled-bad.csv"
expect_rc "title rows, bad row: exit 1" 1
has "title rows: the row number counts the title rows" "第5行 联系电话「12345」"

run ch --db nc.db household import "$HF/no-county-column.csv"
expect_rc "no 县市 column, no --county: exit 1" 1
has "no 县市 column, no --county: says so" "缺少县市"
run ch --db nc.db household import --county 玛纳斯县 "$HF/no-county-column.csv"
expect_rc "no 县市 column with --county: exit 0" 0
expect_rows "no 县市 column with --county: stored under 玛纳斯县" nc.db 1 --county 玛纳斯县
run ch --db nc.db household import --county 米泉市 "$HF/no-county-column.csv"
expect_rc "--county naming an obsolete county: exit 1" 1

# ---- XLSX ----

run ch --db x.db household import --sheet 不存在 "$HF/register-sheets.xlsx"
expect_rc "xlsx --sheet 不存在: exit 4" 4
expect_err "xlsx --sheet 不存在: lists 填表说明" "填表说明"
expect_err "xlsx --sheet 不存在: lists 农户台账" "农户台账"
expect_err "xlsx --sheet 不存在: lists 汇总" "汇总"
run ch --db x.db household import "$HF/register-sheets.xlsx"
expect_rc "xlsx first sheet (instructions, no register): exit 1" 1
expect_rows "xlsx first sheet: nothing stored" x.db 0
run ch --db x.db household import --sheet 农户台账 "$HF/register-sheets.xlsx"
expect_rc "xlsx --sheet 农户台账: exit 0" 0
has "xlsx --sheet 农户台账: 4 inserted" "读入 4 行；新增 4 户"
expect_rows "xlsx: 4 households of 吉木萨尔县" x.db 4 --county 吉木萨尔县
expect_rows "xlsx: 1 continuing" x.db 1 --batch 续建
r=$(revealed x.db JM001)
case "$r" in *",652327197001010018,13899001001,,120.50,"*) ok "xlsx: text ID, numeric phone and area read" ;; *) not_ok "xlsx: text ID, numeric phone and area read" "row: $r" ;; esac
case "$r" in *",外墙保温、门窗改造,110,2023,新建,,12000,"*) ok "xlsx: shared strings, numeric 年度 and the cached formula result 12000" ;; *) not_ok "xlsx: shared strings, numeric 年度 and the cached formula result 12000" "row: $r" ;; esac
r=$(revealed x.db JM003)
case "$r" in *",88.25,"*",续建,,9000,"*) ok "xlsx: 88.25 and formula =4500*2" ;; *) not_ok "xlsx: 88.25 and formula =4500*2" "row: $r" ;; esac
run ch --db x.db household import --sheet 农户台账 "$HF/register-sheets.xlsx"
has "xlsx re-import: 4 unchanged" "新增 0 户，更新 0 户，未变 4 户"

# ID numbers typed as numbers: 15 digits survive a double, 18 do not
run ch --db xn.db household import --skip-invalid "$HF/numeric-id.xlsx"
expect_rc "xlsx numeric IDs --skip-invalid: exit 0" 0
r=$(revealed xn.db ML001)
case "$r" in *",65232819620505222X,"*) ok "xlsx: a 15-digit ID stored as a number is converted" ;; *) not_ok "xlsx: a 15-digit ID stored as a number is converted" "row: $r" ;; esac
has "xlsx: an 18-digit ID stored as a number is rejected (row 3)" "第3行 身份证号"
# the number has lost its last digits: telling the county to change the check
# digit would make a wrong ID pass; the message must say to retype it as text
has "xlsx: 18-digit numeric ID: says the digits were lost (set the column to text)" "文本"
lacks "xlsx: 18-digit numeric ID: no check digit suggested" "校验位错误（应为"

# a plan from XLSX with merged cells
run ch --db cov.db plan check "$XF/plan-2023-merged.xlsx"
expect_rc "plan check plan-2023-merged.xlsx: exit 0" 0
run ch --db cov.db plan import "$XF/plan-2023-merged.xlsx" --year 2023
expect_rc "plan import plan-2023-merged.xlsx: exit 0" 0
run ch --db cov.db plan show --year 2023 --format csv
has "plan import plan-2023-merged.xlsx: total 43977 stored" "43977"

# ---- all or nothing; --skip-invalid with a rejects file ----

ch --db aon.db household import "$HF/good.csv" >/dev/null
before=$(hh_csv aon.db --reveal)
audit_before=$(audit_lines aon.db)
run ch --db aon.db household import "$HF/six.csv"
expect_rc "5 good + 1 bad: exit 1" 1
has "5 good + 1 bad: names row 5" "第5行 取暖面积「5000」"
expect_eq "5 good + 1 bad: register unchanged" "$(hh_csv aon.db --reveal)" "$before"
# (the --reveal above added one entry)
expect_eq "5 good + 1 bad: no audit entry for the failed import" "$(audit_lines aon.db)" "$((audit_before + 1))"

run ch --db aon.db household import --skip-invalid --rejects rej.csv "$HF/six.csv"
expect_rc "--skip-invalid --rejects: exit 0" 0
has "--skip-invalid: 5 inserted, 1 rejected" "新增 5 户，更新 0 户，未变 0 户，拒收 1 行"
has "--skip-invalid: says where the rejects are" "rej.csv"
expect_rows "--skip-invalid: 5 of 呼图壁县 stored" aon.db 5 --county 呼图壁县
if [ -f rej.csv ]; then
	rj=$(tr -d '\r' <rej.csv | sed '1s/^\xEF\xBB\xBF//')
	expect_eq "rejects csv: header + 1 row" "$(printf '%s\n' "$rj" | wc -l | tr -d ' ')" 2
	expect_eq "rejects csv: the header with 错误原因 added" "$(printf '%s\n' "$rj" | sed -n 1p)" \
		"$(sed -n 1p "$HF/six.csv"),错误原因"
	bad=$(sed -n 5p "$HF/six.csv")
	case "$(printf '%s\n' "$rj" | sed -n 2p)" in
	"$bad,"*取暖面积*) ok "rejects csv: the bad row unchanged, with its reason" ;;
	*) not_ok "rejects csv: the bad row unchanged, with its reason" "row: $(printf '%s\n' "$rj" | sed -n 2p)" ;;
	esac
	# fix the row and re-import the rejects file as the summary invites
	sed 's/,5000,/,120,/' rej.csv >rej-fixed.csv
	run ch --db aon.db household import rej-fixed.csv
	expect_rc "re-import the fixed rejects file (错误原因 column and all): exit 0" 0
	if [ "$RC" -ne 0 ]; then
		run ch --db aon.db household import --ignore-unknown-columns rej-fixed.csv
		expect_rc "re-import the fixed rejects file with --ignore-unknown-columns: exit 0" 0
	fi
	expect_rows "after the fixed rejects: 6 of 呼图壁县" aon.db 6 --county 呼图壁县
	expect_eq "after the fixed rejects: each 户编号 once" \
		"$(hh_csv aon.db --county 呼图壁县 | sed 1d | cut -d, -f4 | sort -u | tr '\n' ' ')" \
		"HT001 HT002 HT003 HT004 HT005 HT006 "
	expect_rows "after the fixed rejects: 7 in all" aon.db 7
	r=$(revealed aon.db HT004)
	case "$r" in *",120,"*) ok "after the fixed rejects: HT004 has the fixed area" ;; *) not_ok "after the fixed rejects: HT004 has the fixed area" "row: $r" ;; esac
else
	not_ok "rejects csv written"
fi

run ch --db aon.db household import --skip-invalid --rejects rej.xlsx "$HF/six.csv"
expect_rc "re-import six.csv --rejects rej.xlsx: exit 0" 0
has "re-import six.csv: 5 unchanged, no duplicates" "新增 0 户，更新 0 户，未变 5 户，拒收 1 行"
expect_rows "re-import six.csv: still 7" aon.db 7
r=$(revealed aon.db HT004)
case "$r" in *",120,"*) ok "re-import six.csv: the rejected row left HT004 alone" ;; *) not_ok "re-import six.csv: the rejected row left HT004 alone" "row: $r" ;; esac
if [ "$(head -c 2 rej.xlsx 2>/dev/null)" = PK ]; then ok "rejects xlsx: a zip (PK)"; else not_ok "rejects xlsx: a zip (PK)"; fi
run ch --db aon.db household import --ignore-unknown-columns rej.xlsx
has "rejects xlsx: holds the bad row (row 2 of the workbook)" "第2行 取暖面积「5000」"

# ---- re-import, update, audit ----

ch --db m.db household import "$HF/good.csv" >/dev/null
run ch --db m.db household import "$HF/good.csv"
expect_rc "re-import the same file: exit 0" 0
has "re-import the same file: 1 unchanged" "新增 0 户，更新 0 户，未变 1 户"
expect_rows "re-import the same file: no duplicate" m.db 1
# re-importing an unchanged ledger audits the import once, not each row;
# a changed row adds exactly one entry of its own
grep -v HT004 "$HF/six.csv" >five.csv
ch --db ra.db household import five.csv >/dev/null
a0=$(audit_lines ra.db)
run ch --db ra.db household import five.csv
has "re-import 5 unchanged rows: 5 unchanged" "新增 0 户，更新 0 户，未变 5 户"
expect_eq "re-import 5 unchanged rows: one audit entry (the import)" "$(audit_lines ra.db)" "$((a0 + 1))"
run ch --db ra.db audit log --limit 1 --format csv
has "re-import 5 unchanged rows: the entry is the import's summary" "household.import"
sed 's/HT002,户主2,652323197001010020,,"五工台镇幸福村2号",100/HT002,户主2,652323197001010020,,"五工台镇幸福村2号",110/' five.csv >five-changed.csv
a0=$(audit_lines ra.db)
run ch --db ra.db household import five-changed.csv
has "one row changed: 1 updated, 4 unchanged" "新增 0 户，更新 1 户，未变 4 户"
expect_eq "one row changed: the import's entry plus one" "$(audit_lines ra.db)" "$((a0 + 2))"
run ch --db ra.db audit log --limit 2 --format csv
has "one row changed: audited as household.update of HT002" "household:652323/HT002"
lacks "one row changed: no entry for an unchanged row" "household:652323/HT001"
# a row that moves its household to another village (and changes its
# area): both are written, the move by a statement of its own
sed 's/幸福村,HT003,户主3,652323197001010039,,"五工台镇幸福村3号",100/团结村,HT003,户主3,652323197001010039,,"五工台镇团结村3号",120/' \
	five-changed.csv >five-moved.csv
run ch --db ra.db household import --new-places five-moved.csv
has "a household moved: 1 updated" "新增 0 户，更新 1 户，未变 4 户"
expect_eq "a household moved: its village, area and import stored" \
	"$(sql ra.db "SELECT v.name || '|' || h.heated_area_centi || '|' || CASE WHEN h.import_id = (SELECT max(id) FROM household_import) THEN 1 ELSE 0 END FROM household h JOIN region v ON v.id = h.village_id WHERE h.hh_no = 'HT003'")" \
	"团结村|12000|1"
expect_eq "a household moved: the others stay in their village" \
	"$(sql ra.db "SELECT count(*) FROM household h JOIN region v ON v.id = h.village_id WHERE v.name = '幸福村'")" 4
run ch --db ra.db verify
expect_rc "a household moved: verify passes" 0
# an update sets only the columns its row changes (and a statement is kept
# for each such set of columns, the first sixteen): rows changing each of
# 32 sets of six fields, some moved to a new village, leave the register as
# a first import of the same file does
ch --db up0.db plan import "$PLANS/changji-2023-corrected.csv" --year 2023 >/dev/null
ch --db up0.db demo generate --households 240 --seed 5 -o up0.csv >/dev/null
db_cp up0.db up.db
ch --db up.db household import up0.csv >/dev/null
awk -F, -v OFS=, 'NR > 1 {
	r = NR - 2; m = r % 32
	if (int(m / 1) % 2) $5 = $5 "甲"
	if (int(m / 2) % 2) $7 = "139" substr($7, 4)
	if (int(m / 4) % 2) $8 = $8 "院"
	if (int(m / 8) % 2) $9 = sprintf("%.2f", $9 + 1)
	if (int(m / 16) % 2) $17 = $17 "B"
	if (r % 5 == 0) $18 = $18 + 1
	if (r % 40 == 3) $3 = "新村" r
} 1' up0.csv >up1.csv
run ch --db up.db household import --new-places up1.csv
changed=$(awk -F, 'NR > 1 { r = NR - 2; if (r % 32 != 0 || r % 5 == 0 || r % 40 == 3) n++ } END { print n }' up0.csv)
has "updates of many sets of columns: each counted" "新增 0 户，更新 $changed 户，未变 $((240 - changed)) 户，拒收 0 行"
db_cp up0.db upf.db
ch --db upf.db household import --new-places up1.csv >/dev/null
register() {
	sql "$1" "SELECT c.code, t.name, coalesce(v.name, ''), h.hh_no, h.head_name, h.id_number,
		coalesce(h.phone, ''), coalesce(h.address, ''), h.heated_area_centi, coalesce(h.structure, ''),
		coalesce(h.original_heating, ''), h.technology, coalesce(h.es_measures, ''),
		coalesce(h.es_area_centi, 0), h.plan_year, coalesce(h.batch, ''), coalesce(h.contractor, ''),
		coalesce(h.cost_fen, 0), coalesce(h.note, ''), coalesce(h.bank_account, ''), h.list_key
		FROM household h JOIN region c ON c.id = h.county_id JOIN region t ON t.id = h.township_id
		LEFT JOIN region v ON v.id = h.village_id ORDER BY c.code, h.hh_no"
}
got=$(register up.db)
want=$(register upf.db)
if [ "$(printf '%s\n' "$got" | wc -l)" -eq 240 ] && [ "$got" = "$want" ]; then
	ok "updates of many sets of columns: the register as from a first import of the file"
else
	not_ok "updates of many sets of columns: the register as from a first import of the file" \
		"$(printf '%s\n' "$got" >up.got; printf '%s\n' "$want" >up.want; diff up.got up.want | head -5)"
fi
expect_eq "updates of many sets of columns: the file's order of the list" \
	"$(ch --db up.db household list --format csv | cut -d, -f1-4)" \
	"$(ch --db upf.db household list --format csv | cut -d, -f1-4)"
run ch --db up.db verify
expect_rc "updates of many sets of columns: verify passes" 0
# a register of 1,100 sent again with one row twice: past 1,024 claims the
# claims' table is brought up to date for the look-ups (on PostgreSQL it is
# analysed, and the statements are planned again); a claim made after that
# is still found, so both rows of the key are refused
db_cp up0.db big.db
ch --db big.db demo generate --households 1100 --seed 9 -o big.csv >/dev/null
ch --db big.db household import big.csv >/dev/null
{ cat big.csv; sed -n 1051p big.csv; } >big2.csv
run ch --db big.db household import --skip-invalid big2.csv
has "1,100 sent again, one row twice: the rest unchanged, both refused" \
	"新增 0 户，更新 0 户，未变 1099 户，拒收 2 行"
has "1,100 sent again, one row twice: the later row names the earlier" "与第1051行重复（两行均未导入）"
run ch --db big.db verify
expect_rc "1,100 sent again, one row twice: verify passes" 0
# 60,000 rows each refused for a phone of its own: past 4 MiB an import's
# problems go to a temporary file (the list's memory stays flat however long
# the file); every one is still printed, in the JSON and in the rejects
# file, in the order of the rows
ch --db big.db demo generate --households 60000 --seed 11 -o many.csv >/dev/null
awk -F, -v OFS=, 'NR > 1 { $7 = NR } 1' many.csv >manybad.csv
run ch --db big.db household import --skip-invalid --rejects manyrej.csv manybad.csv
has "60,000 rows each refused: counted" "新增 0 户，更新 0 户，未变 0 户，拒收 60000 行"
expect_eq "60,000 rows each refused: each printed with its own phone" \
	"$(printf '%s\n' "$OUT" | awk '/^第[0-9]+行 联系电话「[0-9]+」：联系电话「[0-9]+」不是手机号/ {
		n = $0; sub(/^第/, "", n); sub(/行.*/, "", n)
		if (index($0, "「" n "」：联系电话「" n "」") && n == 2 + k) k++
	} END { print k }')" 60000
expect_eq "60,000 rows each refused: the rejects file has them all, each its reason" \
	"$(tr -d '\r' <manyrej.csv | awk -F, 'NR > 1 && $7 == NR && index($NF, "「" NR "」") { k++ } END { print k }')" \
	60000
run ch --db big.db household import --format json manybad.csv
expect_eq "60,000 rows each refused: the JSON lists them all" \
	"$(printf '%s' "$OUT" | jq '[.[] | select(.value == (.row | tostring) and .column == "联系电话")] | length')" \
	60000
# verify reads a whole kind's objects and an audit entry's seals a page of
# 10,000 at a time (core/seal.c, READ_PAGE): 21,000 households imported at
# once into the plan's database, one entry's 21,000 seals, pass; a change
# made outside the program to the last household (the third page) is found,
# and it alone
db_cp up0.db pages.db
head -n 21001 many.csv >pages.csv
ch --db pages.db household import pages.csv >/dev/null || not_ok "pages: 21,000 households imported"
run ch --db pages.db verify
expect_rc "pages: verify passes over three pages of households and of seals" 0
has "pages: the households counted" "核对 21002 个对象"
last=$(sql pages.db "SELECT r.code || '/' || h.hh_no FROM household h JOIN region r
	ON r.id = h.county_id ORDER BY h.id DESC LIMIT 1")
sql pages.db "UPDATE household SET head_name = '改写' WHERE id = (SELECT max(id) FROM household)"
run ch --db pages.db verify
expect_rc "pages: a household changed outside the program: verify exit 1" 1
has "pages: the last household named" "农户 $last 的「户主姓名」与审计记录"
has "pages: it alone" "数据与审计记录不符：1 处"
run ch --db m.db household import "$HF/shared-phone.csv"
expect_rc "same phone as another household: exit 0" 0
has "same phone: a 提示 naming the other household" "（提示）联系电话与其他农户相同（昌吉市 户编号 CJ001"
expect_rows "same phone: both stored" m.db 2
run ch --db m.db household duplicates
expect_rc "duplicates: exit 0" 0
has "duplicates: the phone group (masked)" "138****5678"
has "duplicates: CJ001 in it" "CJ001"
has "duplicates: FK020 in it" "FK020"
lacks "duplicates: phone not shown in full" "13812345678"

# a later file: its row 3 shares the phone; its row 2 shares nothing, and
# line 2 of the earlier files (CJ001, FK020, which share it) is not this
# file's line 2 (a database of its own: m.db's counts are tested below)
ch --db sp.db household import "$HF/good.csv" >/dev/null &&
	ch --db sp.db household import "$HF/shared-phone.csv" >/dev/null ||
	not_ok "same phone, a later file: the earlier files imported"
{
	head -n 1 "$HF/shared-phone.csv"
	echo '阜康市,滋泥泉子镇,滋泥泉子村,FK021,赵六,652302198001011237,13900001111,,100,空气能,,,2023,续建,'
	echo '阜康市,滋泥泉子镇,滋泥泉子村,FK022,钱七,65230219810202124X,13812345678,,100,空气能,,,2023,续建,'
} >shared-later.csv
run ch --db sp.db household import shared-later.csv
expect_rc "same phone, a later file: exit 0" 0
has "same phone, a later file: its row 3 warned" "第3行 联系电话「13812345678」：（提示）联系电话与其他农户相同"
lacks "same phone, a later file: no warning for its row 2" "第2行"
has "same phone, a later file: one 提示" "提示 1 条"

# ---- a misspelt place does not create one ----
# m.db knows 昌吉市 大西渠镇 大西渠村 from good.csv: a township or village
# name not among them is an error naming the closest, unless asked for
sed -e 's/大西渠镇,大西渠村,CJ001/大西渠填,大西渠村,CJ001/' "$HF/good.csv" >misspelt.csv
run ch --db m.db household import misspelt.csv
expect_rc "misspelt township: exit 1" 1
has "misspelt township: names the closest known one" "第2行 乡镇「大西渠填」：「大西渠填」不在已有的乡镇名单中，最接近的是「大西渠镇」"
expect_eq "misspelt township: not created" "$(sql m.db "SELECT count(*) FROM region WHERE name = '大西渠填'")" 0
expect_eq "misspelt township: the household stays in 大西渠镇" \
	"$(ch --db m.db household show CJ001 --county 昌吉市 | awk '$1 == "乡镇" { print $2 }')" 大西渠镇
sed -e 's/大西渠镇,大西渠村,CJ001/大西渠镇,大西渠材,CJ001/' "$HF/good.csv" >misspelt-village.csv
run ch --db m.db household import misspelt-village.csv
expect_rc "misspelt village: exit 1" 1
has "misspelt village: names the closest known one" "最接近的是「大西渠村」"
run ch --db m.db household import misspelt.csv --new-places
expect_rc "a new township asked for with --new-places: exit 0" 0
has "--new-places: says what was added" "新增乡镇 1 个"

# ---- a name a spreadsheet would run as a formula ----
# stored as written, with a warning; every CSV we write marks it as text
# with a leading apostrophe (Excel and WPS then show it, not run it), and
# a rejects file brings it back without the apostrophe
printf '%s\n' 县市,乡镇,村,户编号,户主姓名,身份证号,联系电话,地址,取暖面积,改造方式,节能改造措施,节能改造面积,年度,批次,总投资 \
	'昌吉市,大西渠镇,大西渠村,CJ090,"=HYPERLINK(""http://evil"",""点击"")",652301197801011234,,@SUM(1),120,壁挂炉,,,2023,新建,12000' \
	'昌吉市,大西渠镇,大西渠村,CJ091,+cmd,65230119780101123X,,,120,壁挂炉,,,2023,新建,12000' >formula.csv
run ch --db fm.db household import formula.csv --skip-invalid --rejects formula-rej.csv
expect_rc "formula-like name: imported (the bad ID row rejected)" 0
has "formula-like name: a warning says it is kept as text" "电子表格会当作公式"
run ch --db fm.db household show CJ090 --county 昌吉市
has "formula-like name: stored as written" '=HYPERLINK("http://evil","点击")'
run ch --db fm.db household list --format csv
has "household list CSV: the formula marked as text" "\"'=HYPERLINK(\"\"http://evil\"\",\"\"点击\"\")\""
has "household list CSV: the address too" "\"'@SUM(1)\""
if grep -q "\"'+cmd\"" formula-rej.csv; then ok "rejects CSV: the formula marked as text"; else
	not_ok "rejects CSV: the formula marked as text" "$(cat formula-rej.csv)"; fi
sed -i 's/65230119780101123X/652301197801011250/' formula-rej.csv
run ch --db fm.db household import formula-rej.csv
expect_rc "the fixed rejects file: imported" 0
run ch --db fm.db household show CJ091 --county 昌吉市
has "the rejects file round trip: the name without the apostrophe" "+cmd"
lacks "the rejects file round trip: no apostrophe stored" "'+cmd"

# ---- a header and no rows: nothing stored, not even an audit entry ----

A0=$(audit_lines m.db)
head -1 "$HF/good.csv" >header-only.csv
run ch --db m.db household import header-only.csv
expect_rc "header-only register: exit 1" 1
has_err "header-only register: says the file has no rows" "header-only.csv：第 1 行表头之下没有数据行"
expect_eq "header-only register: no audit entry" "$(audit_lines m.db)" "$A0"
expect_eq "header-only register: no import record" \
	"$(sql m.db "SELECT count(*) FROM household_import WHERE file LIKE '%header-only%'")" 0
printf '县市,户编号,环节,日期,备注\n,,,,\n' >events-none.csv
run ch --db m.db event import events-none.csv
expect_rc "header-only weekly batch (and a blank row): exit 1" 1
has_err "header-only weekly batch: says the file has no rows" "没有数据行"
expect_eq "header-only weekly batch: no batch record" "$(sql m.db "SELECT count(*) FROM event_batch")" 0
printf '县市,乡镇,村\n' >regions-none.csv
run ch --db m.db region import regions-none.csv
expect_rc "header-only region file: exit 1" 1
has_err "header-only region file: says the file has no rows" "没有数据行"
expect_eq "header-only files: still no audit entry" "$(audit_lines m.db)" "$A0"

# ---- masking and permissions ----

run ch --db m.db household list
has "list masks ID numbers" "652301********1234"
has "list masks phones" "138****5678"
lacks "list does not show the ID number" "652301197801011234"
lacks "list does not show the phone" "13812345678"
run ch --db m.db household list --format json
lacks "list json does not show the ID number" "652301197801011234"
a0=$(audit_lines m.db)
run ch --db m.db household list --reveal
expect_rc "list --reveal as root: exit 0" 0
has "list --reveal: full ID number" "652301197801011234"
has "list --reveal: full phone" "13812345678"
expect_eq "list --reveal: one audit entry" "$(audit_lines m.db)" "$((a0 + 1))"
run ch --db m.db audit log --limit 1
has "list --reveal: audited as household.reveal" "household.reveal"

ch --db m.db user add rv --role reviewer >/dev/null
ch --db m.db user add fk --role county_operator --scope 阜康市 >/dev/null
ch --db m.db user add au --role auditor >/dev/null
run ch --db m.db --as rv household list --reveal
expect_rc "reviewer list --reveal: exit 3" 3
has_err "reviewer list --reveal: refused in Chinese, with the role and what it may not do" \
	"用户 rv（复核人员，全州）无权查看完整身份证号、电话和账号"
lacks "reviewer list --reveal: nothing revealed" "652301197801011234"
run ch --db m.db --as rv household show CJ001 --county 昌吉市 --reveal
expect_rc "reviewer show --reveal: exit 3" 3
run ch --db m.db --as rv household list
expect_rc "reviewer list (masked): exit 0" 0
has "reviewer list: masked" "652301********1234"
run ch --db m.db --as au household list --reveal
expect_rc "auditor list --reveal: exit 3" 3

run ch --db m.db --as fk household list --format csv
expect_rc "阜康市 operator list: exit 0" 0
has "阜康市 operator list: sees FK020" "FK020"
lacks "阜康市 operator list: does not see 昌吉市" "CJ001"
run ch --db m.db --as fk household search 张三
lacks "阜康市 operator search by name: not 昌吉市's 张三" "CJ001"
run ch --db m.db --as fk household search 13812345678 --format csv
has "阜康市 operator search by phone: FK020" "FK020"
lacks "阜康市 operator search by phone: not CJ001" "CJ001"
run ch --db m.db --as fk household list --reveal --format csv
expect_rc "阜康市 operator list --reveal: exit 0 (the role may reveal)" 0
has "阜康市 operator list --reveal: FK020's ID in full" "$(id18 65230219700708123)"
lacks "阜康市 operator list --reveal: nothing of 昌吉市" "652301197801011234"
run ch --db m.db audit log --limit 1 --format csv
has "阜康市 operator list --reveal: audited as household.reveal by fk, with who made fk act" ",fk（$(id -un) 代为操作）,fk（$(id -un) 代为操作） 查看完整身份证号和电话（全部台账），共 1 户,household.reveal,"
run ch --db m.db --as fk household show CJ001 --county 昌吉市
expect_rc "阜康市 operator show a 昌吉市 household: outside the scope, exit 3" 3
has_err "阜康市 operator show a 昌吉市 household: says whose scope, in Chinese" "用户 fk（县市操作员）无权为昌吉市查看数据：超出其管辖范围（阜康市）"
run ch --db m.db household list --technology 核能取暖
expect_rc "an unknown technology: not found (4)" 4
has_err "an unknown technology: named, in Chinese" "没有改造方式“核能取暖”"
has_err "an unknown technology: lists the valid ones" "可用：集中供热、"
has_err "an unknown technology: the flag as a hint" "(--technology)"
run ch --db m.db --as nobody household list
expect_rc "not a user: denied (3)" 3
has_err "not a user: said in Chinese" "“nobody”不是本数据库的用户"
before=$(hh_csv m.db)
run ch --db m.db --as fk household import "$HF/fk-changji.csv"
expect_rc "阜康市 operator imports a 昌吉市 row (known township): exit 3" 3
expect_eq "阜康市 operator, 昌吉市 row: nothing stored" "$(hh_csv m.db)" "$before"
run ch --db m.db --as fk household import "$HF/fk-changji-new.csv"
expect_rc "阜康市 operator imports a 昌吉市 row (new township): exit 3" 3
expect_eq "阜康市 operator, 昌吉市 row with a new township: nothing stored" "$(hh_csv m.db)" "$before"
run ch --db m.db region list 昌吉市
lacks "阜康市 operator, 昌吉市 row: no township added" "榆树沟镇"
run ch --db m.db --as fk household import "$HF/fk-fukang.csv"
expect_rc "阜康市 operator imports a 阜康市 row: exit 0" 0
expect_rows "阜康市 operator: 阜康市 row stored" m.db 2 --county 阜康市

# an update: same 县市 + 户编号, new phone
run ch --db m.db household import "$HF/good-new-phone.csv"
expect_rc "changed row: exit 0" 0
has "changed row: 1 updated" "新增 0 户，更新 1 户，未变 0 户"
expect_rows "changed row: no duplicate" m.db 1 --county 昌吉市
run ch --db m.db audit log --object household: --format csv
has "changed row: audited as household.update" "household.update"
has "changed row: audit object names 652301/CJ001" "household:652301/CJ001"
has "changed row: audit shows the old phone" "5678"
has "changed row: audit shows the new phone" "0001"
# the before and after as JSON: compact, keys in order, every column
for side in before after; do
	j=$(sql m.db "SELECT $side FROM audit_log WHERE action = 'household.update' ORDER BY seq DESC LIMIT 1")
	expect_eq "changed row: the $side is compact JSON with its keys in order" \
		"$(printf '%s' "$j" | jq -cS .)" "$j"
	expect_eq "changed row: the $side has the 20 columns" "$(printf '%s' "$j" | jq 'keys | length')" 20
done
# the auditor may read the log but not unmasked personal data
run ch --db m.db --as au audit log --object household: --format csv
expect_rc "auditor audit log: exit 0" 0
lacks "auditor audit log: ID number not in full" "652301197801011234"
lacks "auditor audit log: phone not in full" "13812345678"
# a bank account changed by a re-import: the log keeps it, an auditor sees it masked
printf '%s\n' 县市,乡镇,村,户编号,户主姓名,身份证号,改造方式,取暖面积,年度,批次,收款账号 \
	昌吉市,大西渠镇,大西渠村,CJ070,账户甲,652301197801011234,壁挂炉,100,2023,新建,6230111122223333 >acct1.csv
sed 's/6230111122223333/6230999988887777/' acct1.csv >acct2.csv
ch --db acct.db household import acct1.csv >/dev/null && ch --db acct.db household import acct2.csv >/dev/null ||
	echo "not ok - importing the accounts"
ch --db acct.db user add au --role auditor >/dev/null
run ch --db acct.db --as au audit log --object household: --format csv
expect_rc "auditor audit log of an account change: exit 0" 0
has "auditor audit log: the account change is there" "household.update"
lacks "auditor audit log: the old account not in full" "6230111122223333"
lacks "auditor audit log: the new account not in full" "6230999988887777"
run ch --db acct.db audit log --object household: --format csv
has "admin audit log: the account in full" "6230999988887777"

# ---- duplicate ID numbers ----

run ch --db m.db household import "$HF/dup-other-county.csv"
expect_rc "ID registered under another county: exit 1" 1
has "ID registered elsewhere: names row 2 and the ID" "第2行 身份证号「652301197801011234」"
has "ID registered elsewhere: names where" "昌吉市 户编号 CJ001"
expect_rows "ID registered elsewhere: 阜康市 unchanged" m.db 2 --county 阜康市

run ch --db dup.db household import "$HF/dup-in-file.csv"
expect_rc "one ID twice in a file: exit 1" 1
has "one ID twice: row 2 rejected, naming row 4" "第2行 身份证号「652302199001011119」：身份证号与第4行重复"
has "one ID twice: row 4 rejected, naming row 2" "第4行 身份证号「652302199001011119」：身份证号与第2行重复"
expect_rows "one ID twice: nothing stored" dup.db 0
run ch --db dup.db household import --skip-invalid "$HF/dup-in-file.csv"
expect_rc "one ID twice --skip-invalid: exit 0" 0
has "one ID twice --skip-invalid: 1 inserted, 2 rejected" "新增 1 户，更新 0 户，未变 0 户，拒收 2 行"
expect_eq "one ID twice --skip-invalid: only FK011 stored" "$(hh_csv dup.db | sed 1d | cut -d, -f4)" FK011

# the same, the two rows in two counties: the rule is the whole programme's
# (on PostgreSQL a table of its own, not the county's unique index)
db_rm dup.db
run ch --db dup.db household import "$HF/dup-in-file-counties.csv"
expect_rc "one ID twice in two counties: exit 1" 1
has "one ID twice in two counties: row 2 rejected, naming row 4" "第2行 身份证号「652302199001011119」：身份证号与第4行重复"
has "one ID twice in two counties: row 4 rejected, naming row 2" "第4行 身份证号「652302199001011119」：身份证号与第2行重复"
expect_rows "one ID twice in two counties: nothing stored" dup.db 0
run ch --db dup.db household import --skip-invalid "$HF/dup-in-file-counties.csv"
has "one ID twice in two counties --skip-invalid: 1 inserted, 2 rejected" "新增 1 户，更新 0 户，未变 0 户，拒收 2 行"
expect_eq "one ID twice in two counties --skip-invalid: only FK021 stored" "$(hh_csv dup.db | sed 1d | cut -d, -f4)" FK021

# a row identical to a registered household, then a second row with its ID
# number (or its 户编号): both rows are rejected, the registered household stays
for kind in id hhno; do
	db_rm dup.db
	ch --db dup.db household import "$HF/good.csv" >/dev/null
	before=$(hh_csv dup.db --reveal)
	run ch --db dup.db household import --skip-invalid "$HF/unchanged-then-dup-$kind.csv"
	expect_rc "unchanged row + duplicate $kind --skip-invalid: exit 0" 0
	has "unchanged row + duplicate $kind: both rows rejected" "拒收 2 行"
	has "unchanged row + duplicate $kind: nothing inserted" "新增 0 户"
	lacks "unchanged row + duplicate $kind: no wrapped-around count" "18446744073709551615"
	expect_eq "unchanged row + duplicate $kind: CJ001 still registered, unchanged" "$(hh_csv dup.db --reveal)" "$before"
	expect_eq "unchanged row + duplicate $kind: CJ001 still the first import's, at its line" \
		"$(sql dup.db "SELECT import_id || ':' || source_line FROM household WHERE hh_no = 'CJ001'")" "1:2"
done

# a re-import claims every household it names, changed or not: each then
# carries the new import and its own row's line (the claims are written
# together once every row is stored)
ch --db cl.db household import "$HF/filters.csv" >/dev/null
{
	head -n 1 "$HF/filters.csv"
	sed 1d "$HF/filters.csv" | LC_ALL=C sort -r | awk -F, -v OFS=, 'NR == 1 { $5 = $5 "甲" } 1'
} >filters-rev.csv
run ch --db cl.db household import filters-rev.csv
has "re-import in another order: 1 updated, 3 unchanged" "更新 1 户，未变 3 户"
expect_eq "re-import in another order: every household the second import's, at its row" \
	"$(sql cl.db "SELECT hh_no || ':' || source_line || ':' || import_id FROM household ORDER BY hh_no")" \
	"$(awk -F, 'NR > 1 { print $4 ":" NR ":2" }' filters-rev.csv | LC_ALL=C sort)"

# ---- list filters, search, show, formats ----

ch --db f.db household import "$HF/filters.csv" >/dev/null
expect_rows "list: 4 in all" f.db 4
expect_rows "list --county 玛纳斯县" f.db 3 --county 玛纳斯县
expect_rows "list --county by code 652325" f.db 1 --county 652325
expect_rows "list --township 乐土驿镇" f.db 2 --township 乐土驿镇
expect_rows "list --village 塔西河村" f.db 1 --village 塔西河村
expect_rows "list --technology 壁挂炉" f.db 1 --technology 壁挂炉
expect_rows "list --technology 集中供暖" f.db 1 --technology 集中供暖
expect_rows "list --batch 续建" f.db 1 --batch 续建
expect_rows "list --batch 新建" f.db 3 --batch 新建
expect_rows "list --year 2024" f.db 1 --year 2024
expect_rows "list --year 2023" f.db 3 --year 2023
expect_rows "list --limit 2" f.db 2 --limit 2
run ch --db f.db household list --county 玛纳斯县 --year 2023 --format csv
expect_eq "list --county and --year together" "$(printf '%s\n' "$OUT" | tr -d '\r' | sed 1d | cut -d, -f4 | tr '\n' ' ')" "MN001 MN002 "
run ch --db f.db household list --technology 烧柴
expect_rc "list --technology 烧柴: exit 4" 4
run ch --db f.db household list --county 乌鲁木齐市
expect_rc "list --county 乌鲁木齐市: exit 4" 4
run ch --db f.db household search 明 --format csv
expect_eq "search by name fragment 明" "$(printf '%s\n' "$OUT" | tr -d '\r' | sed 1d | cut -d, -f4 | sort | tr '\n' ' ')" "MN001 MN002 QT001 "
run ch --db f.db household search 13700000003 --format csv
expect_eq "search by phone" "$(printf '%s\n' "$OUT" | tr -d '\r' | sed 1d | cut -d, -f4 | tr '\n' ' ')" "MN003 "
lacks "search by phone: the phone stays masked" "13700000003"
run ch --db f.db household search 明 --county 奇台县 --format csv
expect_eq "search with --county" "$(printf '%s\n' "$OUT" | tr -d '\r' | sed 1d | cut -d, -f4 | tr '\n' ' ')" "QT001 "
run ch --db f.db household show MN002 --county 玛纳斯县
expect_rc "show by 户编号 --county: exit 0" 0
has "show by 户编号 --county: the household" "李明"
has "show: masked ID" "652324********0027"
run ch --db f.db household show "$(id18 65232519700101004)"
expect_rc "show by ID number: exit 0" 0
has "show by ID number: the household" "周明"
run ch --db f.db household show MN009 --county 玛纳斯县
expect_rc "show an unknown 户编号: exit 4" 4
run ch --db f.db household list --format json
expect_rc "list json: exit 0" 0
has "list json: a row" '"hh_no": "MN001"'
has "list json: masked" '"id_number": "652324********'
run ch --db f.db household list --format xlsx -o list.xlsx
expect_rc "list xlsx -o: exit 0" 0
if [ "$(head -c 2 list.xlsx 2>/dev/null)" = PK ]; then ok "list xlsx: a workbook"; else not_ok "list xlsx: a workbook"; fi
run ch --db f.db household list --format xlsx
expect_rc "list xlsx without -o: exit 2" 2

# ---- plan coverage ----

ch --db cov.db household import "$HF/filters.csv" >/dev/null
ch --db cov.db household import --sheet 农户台账 "$HF/register-sheets.xlsx" >/dev/null
ch --db cov.db household import "$HF/titled-gb18030-crlf.csv" >/dev/null
run ch --db cov.db plan coverage --year 2023 --format csv
expect_rc "plan coverage: exit 0" 0
cov=$(printf '%s\n' "$OUT" | tr -d '\r')
# col HEADING: the column number of HEADING in the coverage table
col() { printf '%s\n' "$cov" | sed -n 1p | tr ',' '\n' | grep -n -x -F -- "$1" | cut -d: -f1; }
reg=$(col 已登记)
regnew=$(col 已登记新建)
regcont=$(col 已登记续建)
# cell COUNTY COL
cell() { printf '%s\n' "$cov" | awk -F, -v c="$1" -v k="$2" '$1 == c { print $k }'; }
expect_eq "coverage: 玛纳斯县 2 (the 2024 household not counted)" "$(cell 玛纳斯县 "$reg")" 2
expect_eq "coverage: 奇台县 1" "$(cell 奇台县 "$reg")" 1
expect_eq "coverage: 吉木萨尔县 4" "$(cell 吉木萨尔县 "$reg")" 4
expect_eq "coverage: 呼图壁县 3" "$(cell 呼图壁县 "$reg")" 3
expect_eq "coverage: 昌吉市 0" "$(cell 昌吉市 "$reg")" 0
expect_eq "coverage: 全州合计 10" "$(cell 全州合计 "$reg")" 10
sum=$(printf '%s\n' "$cov" | awk -F, -v k="$reg" 'NR > 1 && $1 != "全州合计" { s += $k } END { print s + 0 }')
expect_eq "coverage: the counties add up to 全州合计" "$sum" "$(cell 全州合计 "$reg")"
bad=$(printf '%s\n' "$cov" | awk -F, -v a="$reg" -v n="$regnew" -v c="$regcont" 'NR > 1 && $a != $n + $c { print $1 }')
expect_eq "coverage: new + continuing = registered on every row" "$bad" ""
expect_eq "coverage: 全州合计 plan 43977" "$(cell 全州合计 2)" 43977

# ---- demo generate ----

ch --db demo.db plan import "$PLANS/changji-2023-corrected.csv" --year 2023 >/dev/null
run ch --db demo.db demo generate --households 500 --seed 7 -o d.csv
expect_rc "demo generate: exit 0" 0
expect_eq "demo generate: header + 500 rows" "$(wc -l <d.csv | tr -d ' ')" 501
run ch --db demo.db household import d.csv
expect_rc "demo import: exit 0" 0
has "demo import: 500 inserted" "新增 500 户，更新 0 户，未变 0 户，拒收 0 行"
expect_rows "demo import: 500 listed" demo.db 500
ch --db demo.db demo generate --households 500 --seed 7 -o d2.csv >/dev/null
if cmp -s d.csv d2.csv; then ok "demo: same seed, same file"; else not_ok "demo: same seed, same file"; fi
ch --db demo.db demo generate --households 500 --seed 8 -o d3.csv >/dev/null
if cmp -s d.csv d3.csv; then not_ok "demo: another seed, another file"; else ok "demo: another seed, another file"; fi
namecol=$(sed -n '1{s/^\xEF\xBB\xBF//;p;q;}' d.csv | tr -d '\r' | tr ',' '\n' | grep -n -x 户主姓名 | cut -d: -f1)
unmarked=$(tr -d '\r' <d.csv | awk -F, -v k="${namecol:-5}" 'NR > 1 && $k !~ /样例/' | wc -l | tr -d ' ')
expect_eq "demo: every name contains 样例" "$unmarked" 0
run ch --db demo.db plan coverage --year 2023 --format csv
has "demo: coverage counts the 500" "全州合计,43977,500,"

# ---- shared phone and address, a small import into a larger register ----
# On SQLite an import of at most a hundredth of the register's households
# finds the shared values by looking up its own rows (warn_shared in
# core/household.c) rather than by a pass over the register: four rows
# against the 500 above (PostgreSQL keeps the passes, and the same checks
# run there). The warnings must be those the pass gives: each
# row that shares a value, naming the other household, new rows and
# updates alike; no warning for a row that shares nothing.
# f LINE FIELD: a field of d.csv (names as the register stores them: the
# full-width brackets of （样例） become ASCII ones)
f() { tr -d '\r' <d.csv | sed -n "$1p" | cut -d, -f"$2" | sed 's/（/(/g; s/）/)/g'; }
phoneA=$(f 2 7) countyA=$(f 2 1) hhA=$(f 2 4) nameA=$(f 2 5)
addrB=$(f 3 8) countyB=$(f 3 1) hhB=$(f 3 4) nameB=$(f 3 5)
phoneD=$(f 5 7) hhD=$(f 5 4) nameD=$(f 5 5)
{
	sed -n 1p d.csv | tr -d '\r'
	# a new household with A's phone
	tr -d '\r' <d.csv | sed -n 2p | awk -F, -v OFS=, -v id="$(id18 65230119900101901)" \
		'{ $4 = "SP-1"; $6 = id; $8 = $8 "甲"; $19 = ""; print }'
	# a new household at B's address, its phone its own
	tr -d '\r' <d.csv | sed -n 3p | awk -F, -v OFS=, -v id="$(id18 65230119900101902)" \
		'{ $4 = "SP-2"; $6 = id; $7 = "13700001111"; $19 = ""; print }'
	# household C, given D's phone
	tr -d '\r' <d.csv | sed -n 4p | awk -F, -v OFS=, -v p="$phoneD" '{ $7 = p; print }'
	# household E as it is
	tr -d '\r' <d.csv | sed -n 6p
} >shared-small.csv
run ch --db demo.db household import shared-small.csv
expect_rc "small import: exit 0" 0
has "small import: 2 new, 1 updated, 1 unchanged, 3 warnings" "新增 2 户，更新 1 户，未变 1 户，拒收 0 行，提示 3 条"
has "small import: the new row with A's phone names A" \
	"第2行 联系电话「$phoneA」：（提示）联系电话与其他农户相同（$countyA 户编号 $hhA $nameA）"
has "small import: the new row at B's address names B" \
	"第3行 地址「$addrB」：（提示）地址与其他农户相同（$countyB 户编号 $hhB $nameB）"
has "small import: the updated household with D's phone names D" \
	"第4行 联系电话「$phoneD」：（提示）联系电话与其他农户相同（"
has "small import: D is the one named for row 4" "户编号 $hhD $nameD）"
lacks "small import: the unchanged row shares nothing" "第5行"
run ch --db demo.db verify
expect_rc "small import: verify passes" 0
