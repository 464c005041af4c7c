# Generators of hostile import files, for tests/cli/test_hostile_files.sh
# and bench/hostile.sh. Each writes its file from a stream, so a file that
# inflates to gigabytes costs no disk beyond its compressed size. XLSX
# files are zipped with zip(1), the worksheet fed through a FIFO.
#
# hostile_xlsx OUT SHEET_CMD [SST_CMD]: a one-sheet workbook whose
# worksheet (and shared strings) are what the shell commands print.
# hostile_repeat TEXT BYTES: TEXT repeated, BYTES in all.

HOSTILE_NS_MAIN=http://schemas.openxmlformats.org/spreadsheetml/2006/main
HOSTILE_NS_REL=http://schemas.openxmlformats.org/officeDocument/2006/relationships
HOSTILE_NS_PKG=http://schemas.openxmlformats.org/package/2006/relationships

hostile_repeat() {
	yes "$1" | tr -d '\n' | head -c "$2"
}

hostile_xlsx() {
	_out=$1 _sheet=$2 _sst=${3:-}
	case $_out in /*) ;; *) _out=$(pwd)/$_out ;; esac
	_d=$(mktemp -d)
	mkdir -p "$_d/xl/_rels" "$_d/xl/worksheets"
	printf '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>' \
		"$HOSTILE_NS_MAIN" "$HOSTILE_NS_REL" >"$_d/xl/workbook.xml"
	{
		printf '<Relationships xmlns="%s">' "$HOSTILE_NS_PKG"
		printf '<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>' "$HOSTILE_NS_REL"
		[ -n "$_sst" ] && printf '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' "$HOSTILE_NS_REL"
		printf '</Relationships>'
	} >"$_d/xl/_rels/workbook.xml.rels"
	mkfifo "$_d/xl/worksheets/sheet1.xml"
	[ -n "$_sst" ] && mkfifo "$_d/xl/sharedStrings.xml"
	rm -f "$_out"
	(
		cd "$_d" || exit 1
		(eval "$_sheet") >xl/worksheets/sheet1.xml &
		[ -n "$_sst" ] && (eval "$_sst") >xl/sharedStrings.xml &
		zip -q -9 -fz -FI "$_out" xl/workbook.xml xl/_rels/workbook.xml.rels xl/worksheets/sheet1.xml \
			$([ -n "$_sst" ] && echo xl/sharedStrings.xml)
		wait
	)
	rm -rf "$_d"
}

# A household ledger's header, and a valid row to go under it.
HOSTILE_HEADER='县市,乡镇,村,户编号,户主姓名,身份证号,联系电话,地址,取暖面积,改造方式,年度,备注'
HOSTILE_ROW='昌吉市,大西渠镇,,H1,张三,652301198001010016,13800000000,大西渠镇一村1号,100,空气源热泵,2023,'
