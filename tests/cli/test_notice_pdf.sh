#!/bin/sh
# End-to-end tests of the public notice (公示) written as an A4 landscape
# PDF: 60 households of 昌吉市 (three villages; notice_pdf_setup.sh) brought
# to 复核通过 and reserved, `notice create -o notice.pdf`
# and `notice print -o again.pdf`. The PDF starts with %PDF, is A4
# landscape, runs to 4 pages with the column heads on each, and
# its text (pdftotext) has the title, the period, every household's name,
# masked ID number and amount, the total and the seal line, and no full ID
# number; a refused print leaves no file.
. "$(dirname "$0")/lib.sh"

. "$ROOT/tests/cli/notice_pdf_setup.sh"

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
