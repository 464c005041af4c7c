#!/bin/sh
# End-to-end tests of the readers' bounds (io/limits.h, docs/limits.md) on
# hostile files that each test generates itself: CSV lines, fields,
# columns and an unclosed quote past their limits; XLSX files with a long
# comment, a long attribute value, a sheet of empty rows and shared strings
# of empty strings; the deadline of one read; and the length limits of
# register text from data/register/limits.csv (also as replaced with
# `rules import limits`). Each is refused fast, with the row and the limit
# named, exit 1, and nothing stored.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/hostile_lib.sh"

# the number of households stored in DB
households() {
	ch --db "$1" household list --format csv | tr -d '\r' | tail -n +2 | grep -c .
}

ROW=$HOSTILE_ROW
# with a valid ID number (652301198001010019: check character 9)
ROW=$(printf '%s' "$ROW" | sed 's/652301198001010016/652301198001010019/')
SH="<worksheet xmlns=\"$HOSTILE_NS_MAIN\"><sheetData>"

run ch --db ok.db household import /dev/null
{
	echo "$HOSTILE_HEADER"
	echo "$ROW"
} >ok.csv
run ch --db ok.db household import ok.csv
expect_rc "a valid ledger is imported" 0

# ---- CSV ----

{
	echo "$HOSTILE_HEADER"
	hostile_repeat 'a,' 4194304
	echo
} >columns.csv
run ch --db h.db household import columns.csv
expect_rc "csv: 4 MiB of a, exits 1" 1
has_err "csv: too many columns names the row and the limit" "columns.csv 第 2 行：超过 16,384 列的上限"

{
	echo "$HOSTILE_HEADER"
	printf '昌吉市,"'
	hostile_repeat 'abcdefgh' 4194304
	printf '"\n'
} >line.csv
run ch --db h.db household import line.csv
expect_rc "csv: a 4 MiB line exits 1" 1
has_err "csv: a long line names the row and the limit" "line.csv 第 2 行：一行超过 1 MiB 的上限"

{
	echo "$HOSTILE_HEADER"
	printf '昌吉市,大西渠镇,,H1,张三,652301198001010019,13800000000,'
	hostile_repeat '地' 120000
	printf ',100,空气源热泵,2023,\n'
} >field.csv
run ch --db h.db household import field.csv
expect_rc "csv: a 40,000-character cell exits 1" 1
has_err "csv: a long cell names the row, the column and the limit" \
	"field.csv 第 2 行：第 8 列超过一个单元格 32,767 个字符的上限"

{
	echo "$HOSTILE_HEADER"
	echo "$ROW"
	printf '昌吉市,大西渠镇,,H2,"李四\n'
	yes '后面的行都被引号吞进这一个字段,,,,,' | head -c 3000000
} >quote.csv
run ch --db h.db household import quote.csv
expect_rc "csv: an unclosed quote exits 1" 1
has_err "csv: an unclosed quote names the row it opened on" \
	"quote.csv 第 3 行：引号没有闭合：从这一行开始的带引号字段到 1 MiB 的上限仍未结束"
expect_eq "csv: nothing stored from the hostile files" "$(households h.db)" 0

{
	printf '%s' "$HOSTILE_HEADER"
	awk 'BEGIN { for (i = 1; i <= 16000; i++) printf ",列%d", i; print "" }'
	echo "$ROW"
} >wide.csv
run ch --db h.db household import wide.csv
expect_rc "csv: a header of 16,012 columns exits 1" 1
has_err "csv: its unknown headings are named, the first 20 of them" "「列20」 等 16000 列，什么也没有保存"

# ---- XLSX ----

hostile_xlsx comment.xlsx "printf '%s<!--' '$SH'; hostile_repeat a 33554432; printf -- '--></sheetData></worksheet>'"
run ch --db h.db household import comment.xlsx
expect_rc "xlsx: a 32 MiB comment exits 1" 1
has_err "xlsx: a 32 MiB comment is stopped at 1 MiB" \
	"comment.xlsx 工作表「Sheet1」：有一段超过 1 MiB 的 XML（注释、属性值或名称）没有结束"

hostile_xlsx attr.xlsx "printf '%s<row r=\"1\"><c r=\"A1\" t=\"inlineStr\" x=\"' '$SH'; hostile_repeat b 16777216; printf '\"><is><t>x</t></is></c></row></sheetData></worksheet>'"
run ch --db h.db household import attr.xlsx
expect_rc "xlsx: a 16 MiB attribute value exits 1" 1
has_err "xlsx: a long attribute value names the row" "attr.xlsx 工作表「Sheet1」第 1 行：有一段超过 1 MiB 的 XML"

hostile_xlsx rows.xlsx "printf '%s' '$SH'; hostile_repeat '<row/>' 268435456; printf '</sheetData></worksheet>'"
run ch --db h.db household import rows.xlsx
expect_rc "xlsx: 256 MiB of empty rows exits 1" 1
has_err "xlsx: empty rows stop at Excel's last row" "超过 1,048,576 行的上限（Excel 的最大行数）"

hostile_xlsx bomb.xlsx "printf '%s' '$SH'; hostile_repeat ' ' 268435456; printf '</sheetData></worksheet>'"
run ch --db h.db household import bomb.xlsx
expect_rc "xlsx: a sheet inflating over 100:1 exits 1" 1
has_err "xlsx: the compression ratio is named" "bomb.xlsx 工作表「Sheet1」：压缩比超过 100:1 的上限"

hostile_xlsx sst.xlsx "printf '%s</sheetData></worksheet>' '$SH'" "printf '<sst xmlns=\"$HOSTILE_NS_MAIN\">'; hostile_repeat '<si><t/></si>' 268435456; printf '</sst>'"
run ch --db h.db household import sst.xlsx
expect_rc "xlsx: 256 MiB of empty shared strings exits 1" 1
has_err "xlsx: the shared strings are bounded" "sst.xlsx 的 xl/sharedStrings.xml："
expect_eq "xlsx: nothing stored from the hostile files" "$(households h.db)" 0

# ---- the deadline ----

{
	echo "$HOSTILE_HEADER"
	i=0
	while [ $i -lt 3000 ]; do
		echo "$ROW"
		i=$((i + 1))
	done
} >slow.csv
CLEANHEAT_READ_TIMEOUT=0 run ch --db h.db household import slow.csv
expect_rc "deadline: a read past CLEANHEAT_READ_TIMEOUT exits 1" 1
has_err "deadline: the message names the time limit" "读取超过了 0 秒的时限"

# ---- text lengths (data/register/limits.csv) ----

addr() { # addr N: a ledger whose one row has an address of N characters
	{
		echo "$HOSTILE_HEADER"
		printf '昌吉市,大西渠镇,,H9,王五,652301198001010027,13800000009,'
		hostile_repeat '址' $(($1 * 3))
		printf ',100,空气源热泵,2023,\n'
	} >addr.csv
}
addr 201
run ch --db t.db household import addr.csv
expect_rc "text: an address of 201 characters is refused" 1
has "text: the row problem names the field, the length and the limit" \
	"第2行 地址「址址址址址址址址址址址址址址址址址址址址…」：地址有 201 个字符，超过 200 个字符的上限"
expect_eq "text: nothing stored" "$(households t.db)" 0
addr 200
run ch --db t.db household import addr.csv
expect_rc "text: an address of 200 characters is stored" 0

{
	echo "$HOSTILE_HEADER"
	printf '昌吉市,大西渠镇,,H8,赵六,652301198001010035,13800000008,'
	hostile_repeat '址' 62914560
	printf ',100,空气源热泵,2023,\n'
} >addr20.csv
run ch --db t.db household import addr20.csv
expect_rc "text: a 20 MiB address is refused" 1
has_err "text: a 20 MiB address stops at the line limit" "第 2 行：一行超过 1 MiB 的上限"
expect_eq "text: the 20 MiB address was not stored" "$(households t.db)" 1

# an office's own limits: an address of at most 10 characters
sed 's/^address,0,200,/address,0,10,/' "$ROOT/data/register/limits.csv" >limits.csv
run ch --db t.db rules import limits limits.csv --year 2023
expect_rc "text: rules import limits takes the office's lengths" 0
addr 11
run ch --db t.db household import addr.csv
expect_rc "text: the office's limit applies" 1
has "text: the office's limit is named" "地址有 11 个字符，超过 10 个字符的上限"

# a progress step's note (event_note: 1,000 characters)
run ch --db t.db event record H9 已开工 --county 昌吉市 --date 2023-04-10 \
	--note "$(hostile_repeat '注' 3003)"
expect_rc "text: a step's note of 1,001 characters is refused" 1
has_err "text: the note's length and limit are named" "备注有 1001 个字符，超过 1000 个字符的上限"
run ch --db t.db event record H9 已开工 --county 昌吉市 --date 2023-04-10 \
	--note "$(hostile_repeat '注' 3000)"
expect_rc "text: a step's note of 1,000 characters is stored" 0

# a plan's reason (reason: 1,000 characters), given by hand
ch --db p.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
run ch --db p.db plan withdraw --year 2023 --version 1 --reason "$(hostile_repeat '因' 3003)"
expect_rc "text: a withdrawal reason of 1,001 characters is refused" 1
has_err "text: the reason's length and limit are named" "原因有 1001 个字符，超过 1000 个字符的上限 (--reason)"
run ch --db p.db plan show --year 2023
expect_rc "text: the plan was not withdrawn" 0
