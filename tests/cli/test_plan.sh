#!/bin/sh
# End-to-end tests of `cleanheat plan check`, `plan import` and `plan show`:
# the published 2023 table with its 7325 misprint, one fixture per kind of
# inconsistency, encodings and number spellings, structural errors, and the
# import/replace/unchanged life cycle of a year's plan.
. "$(dirname "$0")/lib.sh"

PLANS=$ROOT/data/plans
P=$FIX/plan
MISPRINT=$PLANS/changji-2023.csv
CORRECTED=$PLANS/changji-2023-corrected.csv

# suggests NAME TEXT: TEXT is in the "suggestions" part of the last JSON output
suggests() {
	if printf '%s\n' "$OUT" | sed -n '/"suggestions"/,$p' | grep -F -q -- "$2"; then
		ok "$1"
	else
		not_ok "$1" "suggestions lack: $2"
	fi
}
# no_suggestion_with NAME TEXT: TEXT is not in the "suggestions" part
no_suggestion_with() {
	if printf '%s\n' "$OUT" | sed -n '/"suggestions"/,$p' | grep -F -q -- "$2"; then
		not_ok "$1" "suggestions should not contain: $2"
	else
		ok "$1"
	fi
}
# count_kind KIND: how many findings of KIND the last JSON output has
count_kind() {
	printf '%s\n' "$OUT" | grep -c -F "\"kind\": \"$1\""
}
expect_nonzero() {
	if [ "$RC" -ne 0 ]; then ok "$1"; else not_ok "$1" "expected a non-zero exit"; fi
}
# audit_lines: lines of `audit log --format csv` (header + one per entry)
audit_lines() {
	ch --db t.db audit log --limit 100000 --format csv | wc -l | tr -d ' '
}

# ---- plan check: the seed table as printed ----

run ch plan check "$MISPRINT"
expect_rc "check misprint: exit 1" 1
expect_out "check misprint: names the 昌吉市 row" "第4行 昌吉市"
expect_out "check misprint: names the 2023年实施户数 column" "2023年实施户数"
expect_out "check misprint: suggests 7325 -> 7235" "由 7325 改为 7235"
has "check misprint: the suggestion is for 昌吉市's 2023年实施户数" "第4行 昌吉市 的「2023年实施户数」由 7325 改为 7235"
expect_err "check misprint: stderr says problems were found" "处问题"

run ch plan check --format json "$MISPRINT"
expect_rc "check misprint json: exit 1" 1
has "check misprint json: ok is false" '"ok": false'
has "check misprint json: a row_sum finding" '"kind": "row_sum"'
has "check misprint json: a column_sum finding" '"kind": "column_sum"'
has "check misprint json: 7 counties" '"counties": 7'
suggests "check misprint json: suggestion row 4" '"row": 4'
suggests "check misprint json: suggestion county 昌吉市" '"county": "昌吉市"'
suggests "check misprint json: suggestion column new" '"column": "new"'
suggests "check misprint json: suggestion column label" '"column_label": "2023年实施户数"'
suggests "check misprint json: suggestion from 7325" '"from": 7325'
suggests "check misprint json: suggestion to 7235" '"to": 7235'
if [ "$(printf '%s\n' "$OUT" | sed -n '/"suggestions"/,$p' | grep -c '"to":')" -eq 1 ]; then
	ok "check misprint json: exactly one suggestion"
else
	not_ok "check misprint json: exactly one suggestion"
fi

run ch plan check "$CORRECTED"
expect_rc "check corrected: exit 0" 0
expect_out "check corrected: consistent" "表格一致"
expect_out "check corrected: total 43977" "43977"

run ch plan check --format json "$CORRECTED"
expect_rc "check corrected json: exit 0" 0
has "check corrected json: ok is true" '"ok": true'
has "check corrected json: no findings" '"findings": []'

run ch plan check --format csv "$CORRECTED"
expect_rc "check --format csv: usage error (2)" 2

# ---- plan check: one fixture per kind of inconsistency ----

run ch plan check "$P/row-sum.csv"
expect_rc "row sum wrong: exit 1" 1
expect_out "row sum wrong: names the 奇台县 row" "第9行 奇台县"
run ch plan check --format json "$P/row-sum.csv"
expect_rc "row sum wrong json: exit 1" 1
has "row sum wrong json: kind row_sum" '"kind": "row_sum"'
has "row sum wrong json: county 奇台县" '"county": "奇台县"'
has "row sum wrong json: expected 5000" '"expected": 5000'
has "row sum wrong json: actual 5100" '"actual": 5100'
suggests "row sum wrong json: suggests 合计 back to 5000" '"to": 5000'
suggests "row sum wrong json: suggestion in the total column" '"column": "total"'

run ch plan check "$P/column-total.csv"
expect_rc "column total wrong: exit 1" 1
expect_out "column total wrong: suggests changing the 总计 row" "将第11行 昌吉州总计 的「合计」由 43797 改为 43977"
run ch plan check --format json "$P/column-total.csv"
expect_rc "column total wrong json: exit 1" 1
has "column total wrong json: kind column_sum" '"kind": "column_sum"'
has "column total wrong json: column total" '"column": "total"'
suggests "column total wrong json: suggestion on row 11 (the total row)" '"row": 11'
suggests "column total wrong json: from 43797" '"from": 43797'
suggests "column total wrong json: to 43977" '"to": 43977'
no_suggestion_with "column total wrong json: no county cell is suggested" '"county": "昌吉市"'

# 建筑节能 has no row relation: any one cell of the column could be the
# wrong one, but the 总计 cell must be among the suggestions
run ch plan check --format json "$P/es-total.csv"
expect_rc "建筑节能 total wrong: exit 1" 1
has "建筑节能 total wrong json: column_sum on energy_saving" '"column": "energy_saving"'
if [ "$(count_kind column_sum)" -eq 1 ] && [ "$(count_kind row_sum)" -eq 0 ]; then
	ok "建筑节能 total wrong json: only that finding"
else
	not_ok "建筑节能 total wrong json: only that finding"
fi
suggests "建筑节能 total wrong json: the 总计 cell 24436 -> 24346 is suggested" '"from": 24436'

run ch plan check "$P/unknown-county.csv"
expect_rc "unknown county: exit 1" 1
expect_out "unknown county: names 乌鲁木齐市" "乌鲁木齐市"
run ch plan check --format json "$P/unknown-county.csv"
has "unknown county json: kind unknown_county" '"kind": "unknown_county"'
has "unknown county json: county 乌鲁木齐市" '"county": "乌鲁木齐市"'
if [ "$(count_kind unknown_county)" -eq 1 ] && [ "$(count_kind row_sum)" -eq 0 ]; then
	ok "unknown county json: only that finding"
else
	not_ok "unknown county json: only that finding"
fi

run ch plan check "$P/obsolete-county.csv"
expect_rc "obsolete county 米泉市: exit 1" 1
expect_out "obsolete county: names 米泉市" "米泉市"
expect_out "obsolete county: mentions 2007" "2007"
expect_out "obsolete county: mentions 乌鲁木齐" "乌鲁木齐"
run ch plan check --format json "$P/obsolete-county.csv"
has "obsolete county json: kind obsolete_county" '"kind": "obsolete_county"'
has "obsolete county json: county 米泉市" '"county": "米泉市"'

run ch plan check "$P/duplicate-county.csv"
expect_rc "county listed twice: exit 1" 1
expect_out "county listed twice: names 昌吉市 and both rows" "第5行：昌吉市 重复列出（第4行"
run ch plan check --format json "$P/duplicate-county.csv"
has "county listed twice json: kind duplicate_county" '"kind": "duplicate_county"'
has "county listed twice json: row 5" '"row": 5'

run ch plan check "$P/negative.csv"
expect_rc "negative cell: exit 1" 1
expect_out "negative cell: names -10" "-10"
run ch plan check --format json "$P/negative.csv"
has "negative cell json: kind negative" '"kind": "negative"'
has "negative cell json: value -10" '"value": "-10"'
has "negative cell json: column continuing" '"column": "continuing"'

run ch plan check "$P/not-number.csv"
expect_rc "non-numeric cell 约3800: exit 1" 1
expect_out "non-numeric cell: quotes the cell" "约3800"
run ch plan check --format json "$P/not-number.csv"
has "non-numeric cell json: kind not_number" '"kind": "not_number"'
has "non-numeric cell json: value" '"value": "约3800"'
has "non-numeric cell json: column energy_saving" '"column": "energy_saving"'

# ---- plan check: county names and empty cells that are fine ----

run ch plan check "$CORRECTED"
expect_rc "short form 木垒县 accepted" 0
run ch plan check "$P/full-name.csv"
expect_rc "full name 木垒哈萨克自治县 accepted" 0
expect_out "full name: 7 counties" "7 个县（市）"

# every county by the short name in data/regions/changji.csv's aliases
# column (昌吉 for 昌吉市, 木垒 for 木垒哈萨克自治县, ...)
run ch plan check "$P/short-names.csv"
expect_rc "short names 昌吉, 阜康, 玛纳斯, ... 木垒 accepted: exit 0" 0
run ch plan check --format json "$P/short-names.csv"
if [ "$(count_kind unknown_county)" -eq 0 ]; then ok "short names: 昌吉 is a county (昌吉市)"; else
	not_ok "short names: 昌吉 is a county (昌吉市)"; fi

run ch plan check "$P/no-continuing.csv"
expect_rc "empty 续建 cells count as 0: exit 0" 0
expect_out "empty 续建 cells: total 5150" "合计 5150 户"
run ch plan check "$P/no-continuing-column.csv"
expect_rc "no 续建 column at all: exit 0" 0

# ---- plan check: encodings and number spellings ----

run ch plan check "$P/clean-gb18030-crlf.csv"
expect_rc "GB18030 + CRLF clean plan: exit 0" 0
expect_out "GB18030 + CRLF: 7 counties, 43977" "7 个县（市），合计 43977 户"

run ch plan check "$P/clean-utf8-bom.csv"
expect_rc "UTF-8 with BOM: exit 0" 0
expect_out "UTF-8 with BOM: 7 counties" "7 个县（市）"

run ch plan check "$P/fullwidth-digits.csv"
expect_rc "full-width digits １３５６１: exit 0" 0
run ch plan check "$P/thousands.csv"
expect_rc "thousands separators \"13,561\": exit 0" 0
run ch plan check "$P/fullwidth-comma.csv"
expect_rc "full-width digits and comma １３，５６１: exit 0" 0
expect_out "full-width comma: total 43977" "合计 43977 户"

run ch plan check "$P/misprint-gb18030-crlf.csv"
expect_rc "GB18030 misprint: exit 1" 1
expect_out "GB18030 misprint: county name in UTF-8" "第4行 昌吉市"
expect_out "GB18030 misprint: suggests 7235" "由 7325 改为 7235"
if printf '%s' "$OUT" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
	ok "GB18030 misprint: output is valid UTF-8"
else
	not_ok "GB18030 misprint: output is valid UTF-8"
fi
run ch plan check --format json "$P/misprint-gb18030-crlf.csv"
has "GB18030 misprint json: county 昌吉市" '"county": "昌吉市"'
has "GB18030 misprint json: title in UTF-8" '"title": "2023年度昌吉州农村清洁取暖安排项目表"'

run ch plan check "$P/misprint-utf16le-tab.txt"
expect_rc "UTF-16LE tab-separated (Excel Unicode text) misprint: exit 1" 1
expect_out "UTF-16LE misprint: county name in UTF-8" "第4行 昌吉市"
expect_out "UTF-16LE misprint: suggests 7235" "由 7325 改为 7235"

run ch plan check "$P/unknown-county-gb18030-crlf.csv"
expect_rc "GB18030 unknown county: exit 1" 1
expect_out "GB18030 unknown county: 乌鲁木齐市 in UTF-8" "「乌鲁木齐市」"

# ---- plan check: structural errors ----

run ch plan check "$P/no-header.csv"
expect_rc "no 县(市) header: exit 1" 1
expect_err "no 县(市) header: says so" "县(市)"
expect_err "no 县(市) header: names the file" "no-header.csv"

run ch plan check "$WORK/no-such-plan.csv"
expect_rc "missing file: exit 4" 4
expect_err "missing file: names it" "no-such-plan.csv"

# ---- plan import ----

run ch --db t.db plan import "$MISPRINT" --year 2023
expect_rc "import misprint: refused (1)" 1
expect_err "import misprint: nothing was stored" "什么也没有保存"
run ch --db t.db plan show --year 2023
expect_rc "after refused import: plan show exits 4" 4

run ch --db t.db plan import "$MISPRINT" --year 2023 --accept-discrepancies
expect_rc "import --accept-discrepancies without --reason: exit 2" 2
run ch --db t.db plan import "$MISPRINT" --year 2023 --accept-discrepancies --reason ""
expect_rc "import --accept-discrepancies --reason '': exit 2" 2
run ch --db t.db plan show --year 2023
expect_rc "after usage errors: still no plan (4)" 4

n0=$(audit_lines)
REASON="按2023年印发文件原样录入，待州发改委更正"
run ch --db t.db plan import "$MISPRINT" --year 2023 --accept-discrepancies --reason "$REASON"
expect_rc "import accepted with reason: exit 0" 0
expect_out "import accepted: version 1" "第1版"
n1=$(audit_lines)
if [ "$n1" -eq $((n0 + 1)) ]; then ok "import accepted: one audit entry"; else
	not_ok "import accepted: one audit entry" "audit lines $n0 -> $n1"; fi
run ch --db t.db audit log --object plan:
expect_rc "audit log --object plan:: exit 0" 0
expect_out "audit log shows the reason" "$REASON"
expect_out "audit log shows plan.import" "plan.import"
run ch --db t.db plan show --year 2023
expect_rc "show accepted plan: exit 0" 0
expect_out "show accepted plan: keeps 7325 as published" "7325"
expect_out "show accepted plan: notes the accepted discrepancy" "$REASON"

run ch --db t.db plan import "$CORRECTED" --year 2023
expect_rc "import corrected without --replace: conflict (5)" 5
expect_err "conflict: suggests --replace" "--replace"
has_err "conflict: the flag is a hint after the message" "（审计日志两版都保留） (--replace)"
run ch --db t.db plan show --year 2023
expect_out "after conflict: still version 1" "第1版"

run ch --db t.db plan import "$CORRECTED" --year 2023 --replace
expect_rc "import corrected --replace: exit 0" 0
expect_out "replace: version 2" "第2版"
run ch --db t.db plan show --year 2023
expect_rc "show replaced: exit 0" 0
expect_out "show replaced: version 2" "第2版"
expect_out "show replaced: 7235" "7235"
expect_no_out "show replaced: no 7325" "7325"
expect_out "show: totals row 全州合计" "全州合计"
expect_no_out "show replaced: no accepted-discrepancy note" "已接受的不一致"
run ch --db t.db plan show --year 2023 --version 1
expect_rc "show --version 1: exit 0" 0
expect_out "show --version 1: the old plan with 7325" "7325"
run ch --db t.db plan show --year 2023 --version 3
expect_rc "show --version 3: not found (4)" 4
run ch --db t.db plan show --year 2022
expect_rc "show a year without a plan: 4" 4

n2=$(audit_lines)
run ch --db t.db plan import "$CORRECTED" --year 2023
expect_rc "import same file again: exit 0" 0
expect_out "import same file again: 未作更改" "未作更改"
run ch --db t.db plan import "$CORRECTED" --year 2023 --replace
expect_rc "import same file again with --replace: exit 0" 0
expect_out "same file again with --replace: 未作更改" "未作更改"
n3=$(audit_lines)
if [ "$n3" -eq "$n2" ]; then ok "unchanged imports add no audit entry"; else
	not_ok "unchanged imports add no audit entry" "audit lines $n2 -> $n3"; fi
run ch --db t.db plan show --year 2023
expect_out "after unchanged import: still version 2" "第2版"

run ch --db t.db plan import "$P/clean-gb18030-crlf.csv" --year 2023
expect_rc "same plan in GB18030: unchanged (0)" 0
expect_out "same plan in GB18030: 未作更改" "未作更改"

sed -n '1,3p' "$CORRECTED" >reordered.csv
sed -n '4,10p' "$CORRECTED" | sort -r >>reordered.csv
sed -n '11p' "$CORRECTED" >>reordered.csv
run ch --db t.db plan import reordered.csv --year 2023
expect_rc "same plan, counties in another order: exit 0" 0
expect_out "same plan, counties in another order: 未作更改" "未作更改"
run ch --db t.db plan import "$P/full-name.csv" --year 2023
expect_out "same plan, 木垒哈萨克自治县 spelled out: 未作更改" "未作更改"
run ch --db t.db plan import "$P/fullwidth-comma.csv" --year 2023
expect_out "same plan, full-width digits and commas: 未作更改" "未作更改"
n3b=$(audit_lines)
if [ "$n3b" -eq "$n2" ]; then ok "same plan in other spellings: no audit entry"; else
	not_ok "same plan in other spellings: no audit entry" "audit lines $n2 -> $n3b"; fi

run ch --db t.db plan show --year 2023 --format csv -o out.csv
expect_rc "show --format csv -o: exit 0" 0
if [ -f out.csv ] && grep -q '^652300,全州合计,43977,36225,7752,24346,' out.csv; then
	ok "show csv: totals row 全州合计 43977 / 36225 / 7752 / 24346"
else
	not_ok "show csv: totals row 全州合计 43977 / 36225 / 7752 / 24346" "$(cat out.csv 2>/dev/null)"
fi
if grep -q '^652301,昌吉市,13561,7235,6326,4060,' out.csv 2>/dev/null; then
	ok "show csv: 昌吉市 row 13561 / 7235 / 6326 / 4060"
else
	not_ok "show csv: 昌吉市 row 13561 / 7235 / 6326 / 4060"
fi
if grep -q '^652328,木垒哈萨克自治县,3317,3317,0,3420,' out.csv 2>/dev/null; then
	ok "show csv: 木垒县 stored as 木垒哈萨克自治县, empty 续建 as 0"
else
	not_ok "show csv: 木垒县 stored as 木垒哈萨克自治县, empty 续建 as 0"
fi

run ch --db t.db plan show --year 2023 --format json
expect_rc "show json: exit 0" 0
has "show json: 7235" '"new": 7235'
has "show json: total row 43977" '"total": 43977'
has "show json: total row 36225" '"new": 36225'
has "show json: total row 7752" '"continuing": 7752'
has "show json: total row 24346" '"energy_saving": 24346'
has "show json: total row flagged" '"is_total": true'
has "show json: title version 2" '第2版'

run ch --db t.db plan show --year 2023 --format xlsx -o out.xlsx
expect_rc "show xlsx -o: exit 0" 0
if [ -s out.xlsx ] && [ "$(head -c 2 out.xlsx)" = "PK" ]; then ok "show xlsx: a zip file (PK)"; else
	not_ok "show xlsx: a zip file (PK)"; fi

# printed: A4 landscape fitted to one page across, headings repeated, and
# a long note merged across the table and tall enough for its lines
if command -v unzip >/dev/null; then
	X=$(unzip -p out.xlsx xl/worksheets/sheet1.xml)
	case "$X" in *'paperSize="9"'*'fitToHeight="0"'*'orientation="landscape"'*) ok "show xlsx print: A4 landscape, one page across" ;; *) not_ok "show xlsx print: A4 landscape, one page across" ;; esac
	case "$(unzip -p out.xlsx xl/workbook.xml)" in *_xlnm.Print_Titles*) ok "show xlsx print: headings repeated" ;; *) not_ok "show xlsx print: headings repeated" ;; esac
fi
db_rm nt.db
rm -f nt.xlsx
ch --db nt.db plan import "$PLANS/changji-2023.csv" --year 2023 --accept-discrepancies \
	--reason "按2023年4月7日印发的实施方案原表存档：昌吉市2023年实施户数印为7325户，正文为7235户，待州住建局书面更正后再替换为更正后的版本，在此之前以原表为准" >/dev/null
run ch --db nt.db plan show --year 2023 --format xlsx -o nt.xlsx
expect_rc "show xlsx with long notes: exit 0" 0
if command -v unzip >/dev/null; then
	X=$(unzip -p nt.xlsx xl/worksheets/sheet1.xml)
	R=$(printf '%s' "$X" | grep -o '<mergeCell ref="A1[0-9]:G1[0-9]"/>' | wc -l)
	if [ "$R" -ge 3 ]; then ok "show xlsx: notes merged across the table ($R)"; else not_ok "show xlsx: notes merged across the table" "$R merged note rows"; fi
	H=$(printf '%s' "$X" | grep -o '<row r="1[0-9]"[^>]* ht="[0-9.]*"' | sed 's/.* ht="\([0-9]*\).*/\1/' | sort -n | tail -1)
	if [ "${H:-0}" -ge 33 ]; then ok "show xlsx: the long note's row is tall enough ($H pt)"; else not_ok "show xlsx: the long note's row is tall enough" "tallest note row ${H:-none}"; fi
fi
run ch --db t.db plan show --year 2023 --format xlsx
expect_nonzero "show xlsx without -o: refused (non-zero exit)"
expect_err "show xlsx without -o: says -o is needed" "-o"
if [ -z "$OUT" ]; then ok "show xlsx without -o: nothing on stdout"; else
	not_ok "show xlsx without -o: nothing on stdout"; fi

# ---- problems that cannot be accepted ----

n4=$(audit_lines)
run ch --db t.db plan import "$P/unknown-county.csv" --year 2024 --accept-discrepancies --reason "试一下"
expect_rc "unknown county cannot be accepted: exit 1" 1
expect_err "unknown county cannot be accepted: names it" "乌鲁木齐市"
run ch --db t.db plan show --year 2024
expect_rc "unknown county: nothing stored for 2024 (4)" 4
run ch --db t.db plan import "$P/obsolete-county.csv" --year 2024 --accept-discrepancies --reason "试一下"
expect_rc "obsolete county cannot be accepted: exit 1" 1
run ch --db t.db plan import "$P/not-number.csv" --year 2024 --accept-discrepancies --reason "试一下"
expect_rc "non-numeric cell cannot be accepted: exit 1" 1
run ch --db t.db plan import "$P/duplicate-county.csv" --year 2024 --accept-discrepancies --reason "试一下"
expect_rc "duplicate county cannot be accepted: exit 1" 1
run ch --db t.db plan import "$P/unknown-county.csv" --year 2023 --replace --accept-discrepancies --reason "试一下"
expect_rc "unknown county cannot replace a plan: exit 1" 1
run ch --db t.db plan show --year 2023
expect_out "after refused replace: still version 2" "第2版"
n5=$(audit_lines)
if [ "$n5" -eq "$n4" ]; then ok "refused imports add no audit entry"; else
	not_ok "refused imports add no audit entry" "audit lines $n4 -> $n5"; fi

run ch --db t.db plan import "$WORK/no-such-plan.csv" --year 2024
expect_rc "import a missing file: exit 4" 4
run ch --db t.db plan import "$CORRECTED"
expect_rc "import without --year: exit 2" 2
run ch --db t.db plan import "$CORRECTED" --year 23
expect_rc "import --year 23: exit 2" 2

# ---- the year the file names must be the plan year ----

db_rm y.db
run ch --db y.db plan import "$CORRECTED" --year 2022
expect_rc "a 2023 table as the 2022 plan: exit 1" 1
has_err "a 2023 table as 2022: names the year found and where" "第1行标题「2023年度昌吉州农村清洁取暖安排项目表」写的是2023年"
has_err "a 2023 table as 2022: names the year asked" "与导入的年度2022不符"
run ch --db y.db plan show --year 2022
expect_rc "a 2023 table as 2022: nothing stored" 4
sed '1d' "$CORRECTED" >untitled.csv
run ch --db y.db plan import untitled.csv --year 2022
expect_rc "no title, headings say 2023: exit 1" 1
has_err "no title: names the heading and its row" "第2行表头「2023年实施户数」写的是2023年"
run ch --db y.db plan import "$P/year-2024.csv" --year 2023
expect_rc "a 2024 table as 2023: exit 1" 1
run ch --db y.db plan import "$P/year-2024.csv" --year 2024
expect_rc "a 2024 table (续建2023年) as 2024: stored" 0

# ---- plan import --title, plan withdraw ----

run ch --db y.db plan show --year 2024
has "the title row is the plan's document by default" "计划文件：2024年度农村清洁取暖安排项目表(测试用)"
n0=$(ch --db y.db audit log --limit 100000 --format csv | wc -l)
run ch --db y.db plan withdraw --year 2024 --version 1 --reason "误导入：应为下一年度"
expect_rc "withdraw 2024 v1: exit 0" 0
has "withdraw: says so" "2024年计划第1版已撤回"
has "withdraw: no plan left" "2024年已没有计划"
run ch --db y.db plan show --year 2024
expect_rc "withdrawn: no plan for 2024" 4
run ch --db y.db audit log --limit 1 --format csv
has "withdraw: audited with its reason" "误导入：应为下一年度"
n1=$(ch --db y.db audit log --limit 100000 --format csv | wc -l)
expect_eq "withdraw: one audit entry" "$((n1 - n0))" 1
run ch --db y.db plan withdraw --year 2024 --version 1 --reason again
expect_rc "withdraw again: not found (4)" 4
run ch --db y.db plan withdraw --year 2024 --version 1
expect_rc "withdraw without --reason: exit 2" 2
run ch --db y.db plan import "$P/year-2024.csv" --year 2024 --title "昌吉州2024年农村清洁取暖改造工作实施方案"
expect_rc "re-import after withdrawing: exit 0" 0
has "re-import: a new number, not the withdrawn one" "第2版"
run ch --db y.db plan show --year 2024
has "--title: recorded" "计划文件：昌吉州2024年农村清洁取暖改造工作实施方案"
# the active plan of a year with households: refused, saying what depends
db_rm w.db
ch --db w.db plan import "$FIX/progress/plan-small.csv" --year 2023 >/dev/null
ch --db w.db household import "$FIX/progress/register.csv" >/dev/null
ch --db w.db plan import "$FIX/progress/plan-forecast.csv" --year 2023 --replace >/dev/null
run ch --db w.db plan withdraw --year 2023 --version 2 --reason 试
expect_rc "withdraw the active plan with households: conflict (5)" 5
has_err "withdraw refused: says what depends on it" "6 户农户登记在该年度"
run ch --db w.db plan show --year 2023
has "withdraw refused: version 2 still the plan" "第2版"
run ch --db w.db plan withdraw --year 2023 --version 1 --reason "旧版本录入有误"
expect_rc "withdraw a superseded version: exit 0" 0
has "withdraw superseded: the active version stays" "现行计划为第2版"
