#!/bin/sh
# End-to-end tests of the public notice (公示) written as an A4 landscape
# PDF: 60 households of 昌吉市 (three villages, generated here with valid ID
# numbers) brought to 复核通过 and reserved, `notice create -o notice.pdf`
# and `notice print -o again.pdf`. The PDF starts with %PDF, is A4
# landscape, runs to 4 pages with the column heads on each, and
# its text (pdftotext) has the title, the period, every household's name,
# masked ID number and amount, the total and the seal line, and no full ID
# number; a refused print leaves no file.
. "$(dirname "$0")/lib.sh"

C=昌吉市
DB=p.db
N=60
fin() { ch --db "$DB" --as fin "$@"; }

# id_of SEQ: a valid 18-digit ID number under 昌吉市's code (check digit by
# GB 11643)
id_of() {
	printf '65230119800101%03d\n' "$1" | awk '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		s = 0; for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
		print substr($0, 1, 17) substr("10X98765432", s % 11 + 1, 1) }'
}
{
	echo "2023年度农村清洁取暖安排项目表（公示PDF测试用）,,,,,,"
	echo "序号,县(市),2023年实施农村清洁取暖改造任务数(户),,,2023年实施建筑节能改造户数(户),备注"
	echo ",,合计,2023年实施户数,续建2022年户数,,"
	echo "1,昌吉市,$N,$N,,,"
} >plan.csv
echo "县市,乡镇,村,户编号,户主姓名,身份证号,联系电话,地址,取暖面积,改造方式,节能改造措施,节能改造面积,年度,批次,施工单位,总投资,收款账号" >register.csv
echo "县市,户编号,环节,日期,备注" >events.csv
i=1
while [ $i -le $N ]; do
	h=$(printf 'CJ%03d' $i)
	v=$(echo "大西渠村 二六工村 三工村" | cut -d' ' -f$((i % 3 + 1)))
	echo "$C,大西渠镇,$v,$h,户主$(printf %03d $i),$(id_of $i),,,100,燃气,,,2023,新建,甲公司,3000,62300000000$(printf '%05d' $i)" >>register.csv
	printf '%s,%s,已开工,2023-05-10,\n%s,%s,已完工,2023-07-20,\n%s,%s,已调试,2023-08-01,\n' \
		$C $h $C $h $C $h >>events.csv
	i=$((i + 1))
done
ch --db $DB plan import plan.csv --year 2023 >/dev/null &&
	ch --db $DB household import register.csv >/dev/null &&
	ch --db $DB event import events.csv >/dev/null || echo "not ok - setting up the register"
printf 'JPEG 自验照片' >photo.jpg
for h in $(awk -F, 'NR > 1 { print $4 }' register.csv); do
	ch --db $DB inspect record $h --county $C --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg >/dev/null || echo "not ok - self-inspection of $h"
done
ch --db $DB user add rv --role reviewer >/dev/null && ch --db $DB user add fin --role finance >/dev/null ||
	echo "not ok - adding users"
app=$(ch --db $DB review apply --county $C --date 2023-10-10 --all-passed | sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
ch --db $DB review assign "$app" --unit 州住建局 --reviewer rv --seed notice-pdf >/dev/null ||
	echo "not ok - assigning $app"
for h in $(ch --db $DB --as rv review sample "$app" --format csv | tr -d '\r' |
	awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }'); do
	ch --db $DB --as rv review result "$app" "$h" --result pass --evidence photo.jpg --date 2023-10-20 >/dev/null ||
		echo "not ok - review result of $h"
done
for src in central region prefecture county; do
	fin funds appropriate --source $src --amount 200000 --date 2023-06-05 --key A-$src --to $C --direct >/dev/null ||
		echo "not ok - allocating $src funds to 昌吉市"
done
run fin subsidy reserve --county $C --date 2023-10-25
has "setup: $N households reserved" "已为 $N 户预留补助资金"

# ---- notice create -o notice.pdf ----

run fin notice create --county $C --date 2023-10-25 -o notice.pdf
expect_rc "notice create -o notice.pdf: exit 0" 0
has "notice create -o notice.pdf: $N households" "$N 户"
if [ -s notice.pdf ] && [ "$(head -c 5 notice.pdf)" = "%PDF-" ]; then ok "the PDF: starts with %PDF"; else
	not_ok "the PDF: starts with %PDF"; fi
pages=$(pdfinfo notice.pdf | awk '/^Pages:/ { print $2 }')
size=$(pdfinfo notice.pdf | sed -n 's/^Page size: *\([0-9.]*\) x \([0-9.]*\) pts.*/\1x\2/p')
expect_eq "the PDF: A4 landscape" "$size" "841.89x595.28"
# the title block and 13 rows on the first page, 21 rows on each next one:
# the last 5 rows, the totals and the seal lines on a fourth
expect_eq "the PDF: $N households take 4 pages" "$pages" 4
# T: the text line by line as laid out; F: all of it in one line without
# spaces (a paragraph wraps where the page ends)
T=$(pdftotext -layout notice.pdf - 2>/dev/null)
F=$(pdftotext notice.pdf - 2>/dev/null | tr -d ' \n')
has_text() { case "$F" in *"$2"*) ok "$1" ;; *) not_ok "$1" "no '$2' in the PDF's text" ;; esac; }
has_text "the PDF: the title" "昌吉市农村清洁取暖改造补助资金发放公示"
has_text "the PDF: the notice's number" "公示-652301-2023-001"
has_text "the PDF: the period" "公示期为5个工作日（2023年10月25日至2023年10月31日）"
has_text "the PDF: where to object" "可向本村村民委员会"
has_text "the PDF: the seal line" "（公示单位盖章）"
has_text "the PDF: page numbers" "第4页，共4页"
missing=""
for i in 1 17 30 45 60; do
	h=$(printf 'CJ%03d' $i)
	id=$(id_of $i)
	masked=$(echo "$id" | sed 's/^\(......\)........\(....\)$/\1********\2/')
	case "$F" in *"户主$(printf %03d $i)"*) ;; *) missing="$missing name-$h" ;; esac
	case "$F" in *"$masked"*) ;; *) missing="$missing masked-$h" ;; esac
	case "$F" in *"$id"*) missing="$missing FULL-ID-$h" ;; esac
done
expect_eq "the PDF: names and masked ID numbers, no full ID number" "$missing" ""
# every household's name once, and the column heads on each of the 4 pages
expect_eq "the PDF: all $N households listed" "$(printf '%s\n' "$T" | grep -c '户主[0-9]')" $N
expect_eq "the PDF: the column heads on every page" "$(printf '%s\n' "$T" | grep -c '户主姓名')" 4
# the amounts: each household's as `notice show` has it, the total as
# `notice list` has it (thousands separated)
run ch --db $DB notice show 公示-652301-2023-001 --format csv
amt=$(printf '%s\n' "$OUT" | tr -d '\r' | grep ',CJ017,' | grep -o '"[0-9,]*\.[0-9][0-9]"' | tail -1 | tr -d '"')
expect_eq "notice show: CJ017's amount" "$amt" "2,100.00"
expect_eq "the PDF: every row's amount" "$(printf '%s\n' "$T" | grep -c ' 2,100\.00')" $N
run ch --db $DB notice list --format csv
has "notice list: the notice's total" ',60,"126,000.00",'
has_text "the PDF: the total" "（小写）¥126,000.00"
has_text "the PDF: the total in capitals" "合计金额（大写）：人民币"
has_text "the PDF: the count" "合计（共${N}户）"

# ---- notice print -o again.pdf; refused, no file ----

run ch --db $DB notice print 公示-652301-2023-001 -o again.pdf
expect_rc "notice print -o again.pdf: exit 0" 0
expect_eq "notice print: the same pages" "$(pdfinfo again.pdf | awk '/^Pages:/ { print $2 }')" 4
run ch --db $DB notice print 公示-652301-2023-099 -o none.pdf
expect_rc "notice print of no notice: exit 4" 4
expect_eq "notice print of no notice: no file" "$(ls none.pdf 2>/dev/null)" ""
# the XLSX path still works from the same rows
run ch --db $DB notice print 公示-652301-2023-001 -o again.xlsx
if unzip -p again.xlsx xl/sharedStrings.xml | grep -q "合计（共 $N 户）"; then ok "notice print -o .xlsx: still XLSX"; else
	not_ok "notice print -o .xlsx: still XLSX"; fi
if [ -n "${NOTICE_PDF_KEEP:-}" ]; then cp notice.pdf "$NOTICE_PDF_KEEP"; fi
