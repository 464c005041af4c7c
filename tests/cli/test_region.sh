#!/bin/sh
# End-to-end tests of `cleanheat region list` and `region import`: the
# reference counties compiled into the program, township and village lists
# (title rows, short county names, repeated imports), and files that must
# store nothing.
. "$(dirname "$0")/lib.sh"

R=$FIX/region

# rows_matching TEXT: lines of the last stdout containing TEXT
rows_matching() {
	printf '%s\n' "$OUT" | grep -c -F -- "$1"
}
# snapshot: every region, obsolete ones too, as CSV
snapshot() {
	ch --db r.db region list --all --format csv
}

# ---- the reference counties ----

ch --db r.db db init >/dev/null
run ch --db r.db region list
expect_rc "region list: exit 0" 0
has "region list: the prefecture" "昌吉回族自治州"
for c in 昌吉市 阜康市 呼图壁县 玛纳斯县 奇台县 吉木萨尔县; do
	has "region list: $c" "$c"
done
has "region list: 652328 木垒哈萨克自治县" "652328  木垒哈萨克自治县"
lacks "region list: hides obsolete 米泉市" "米泉市"
lacks "region list: hides obsolete 阜康县" "阜康县"

run ch --db r.db region list --format csv
expect_rc "region list csv: exit 0" 0
if [ "$(rows_matching ',县(市),')" -eq 7 ]; then ok "region list csv: exactly 7 counties"; else
	not_ok "region list csv: exactly 7 counties" "found $(rows_matching ',县(市),')"; fi
has "region list csv: 652328 row" "652328,木垒哈萨克自治县,县(市),昌吉回族自治州,"

run ch --db r.db region list --all
expect_rc "region list --all: exit 0" 0
has "region list --all: shows 米泉市" "米泉市"
has "region list --all: marks it obsolete" "已撤销"
run ch --db r.db region list --all --format csv
has "region list --all csv: 652303 米泉市 obsolete" "652303,米泉市,县(市),昌吉回族自治州,已撤销"
if [ "$(rows_matching ',县(市),')" -eq 10 ]; then ok "region list --all csv: 7 + 3 obsolete counties"; else
	not_ok "region list --all csv: 7 + 3 obsolete counties"; fi

run ch --db r.db region list --format json
expect_rc "region list json: exit 0" 0
has "region list json: 652328" '"code": "652328"'

run ch --db r.db region list 乌鲁木齐市
expect_rc "region list of an unknown region: exit 4" 4

# ---- importing townships and villages ----

before=$(snapshot)
run ch --db r.db region import "$R/townships.csv"
expect_rc "import townships (title row, 木垒县): exit 0" 0
expect_out "import townships: 7 rows read" "读入 7 行"
expect_out "import townships: counts townships" "新增乡镇 6 个"
expect_out "import townships: counts villages" "村 6 个"
after=$(snapshot)
if [ "$before" != "$after" ]; then ok "import townships: regions changed"; else not_ok "import townships: regions changed"; fi

run ch --db r.db region list --format csv
has "imported: 三工镇 under 昌吉市" ",三工镇,乡镇,昌吉回族自治州 / 昌吉市,"
has "imported: 下营盘村 under 三工镇" ",下营盘村,村,昌吉回族自治州 / 昌吉市 / 三工镇,"
has "imported: 庙工村 under 三工镇" ",庙工村,村,昌吉回族自治州 / 昌吉市 / 三工镇,"
has "imported: township without villages (佃坝镇)" ",佃坝镇,乡镇,昌吉回族自治州 / 昌吉市,"
has "imported: 木垒县 resolved to 木垒哈萨克自治县" ",西吉尔镇,乡镇,昌吉回族自治州 / 木垒哈萨克自治县,"
has "imported: 照壁山村 under 照壁山乡" ",照壁山村,村,昌吉回族自治州 / 木垒哈萨克自治县 / 照壁山乡,"
if [ "$(rows_matching ',三工镇,乡镇,')" -eq 1 ]; then ok "imported: 三工镇 listed twice in the file, stored once"; else
	not_ok "imported: 三工镇 listed twice in the file, stored once"; fi
lacks "imported: the title row is not a region" "名录"

run ch --db r.db region import "$R/townships.csv"
expect_rc "import the same list again: exit 0" 0
expect_out "import again: no new townships" "新增乡镇 0 个"
expect_out "import again: no new villages" "村 0 个"
expect_out "import again: 7 rows already present" "7 行已存在"
again=$(snapshot)
if [ "$again" = "$after" ]; then ok "import again: regions unchanged"; else not_ok "import again: regions unchanged"; fi

run ch --db r.db region import "$R/townships-gb18030-crlf.csv"
expect_rc "the same list in GB18030 + CRLF: exit 0" 0
expect_out "GB18030 list: nothing new" "新增乡镇 0 个、村 0 个"
if [ "$(snapshot)" = "$after" ]; then ok "GB18030 list: names read as the same regions"; else
	not_ok "GB18030 list: names read as the same regions"; fi
run ch --db g.db region import "$R/townships-gb18030-crlf.csv"
expect_rc "GB18030 list into a new database: exit 0" 0
expect_out "GB18030 list into a new database: counts" "新增乡镇 6 个、村 6 个"
run ch --db g.db region list 木垒县 --format csv
has "GB18030 list: 西吉尔镇 in UTF-8" ",西吉尔镇,乡镇,木垒哈萨克自治县,"

# ---- files that store nothing ----

run ch --db r.db region import "$R/unknown-county.csv"
expect_rc "unknown county 乌鲁木齐市: exit 1" 1
expect_err "unknown county: names the row" "第4行"
expect_err "unknown county: names the county" "乌鲁木齐市"
now=$(snapshot)
if [ "$now" = "$after" ]; then ok "unknown county: nothing stored"; else not_ok "unknown county: nothing stored"; fi
run ch --db r.db region list 奇台县
lacks "unknown county: the rows before it were not stored (半截沟镇)" "半截沟镇"
lacks "unknown county: nor 吉布库镇" "吉布库镇"
run ch --db r.db region list --all
lacks "unknown county: no 米东镇" "米东镇"
lacks "unknown county: the row after it was not stored (五工台镇)" "五工台镇"

run ch --db r.db region import "$R/obsolete-county.csv"
expect_rc "obsolete county 米泉市: exit 1" 1
expect_err "obsolete county: names the row" "第3行"
expect_err "obsolete county: says it is obsolete" "已撤销"
now=$(snapshot)
if [ "$now" = "$after" ]; then ok "obsolete county: nothing stored"; else not_ok "obsolete county: nothing stored"; fi

printf '县市,乡镇,村\n昌吉市,硫磺沟镇,硫磺沟村\n昌吉市,,三工村\n' >missing.csv
run ch --db r.db region import missing.csv
expect_rc "row without 乡镇: exit 1" 1
expect_err "row without 乡镇: names the row" "第3行"
now=$(snapshot)
if [ "$now" = "$after" ]; then ok "row without 乡镇: nothing stored"; else not_ok "row without 乡镇: nothing stored"; fi

printf '名称,上级\n三工镇,昌吉市\n' >nohead.csv
run ch --db r.db region import nohead.csv
expect_rc "no 县市/乡镇 header: exit 1" 1
expect_err "no header: says which columns are needed" "县市"

run ch --db r.db region import "$WORK/no-such-list.csv"
expect_rc "import a missing file: exit 4" 4
run ch --db r.db region import
expect_rc "import without FILE: exit 2" 2

# ---- one county's subtree ----

run ch --db r.db region list 昌吉市
expect_rc "region list 昌吉市: exit 0" 0
has "region list 昌吉市: the county" "652301  昌吉市"
has "region list 昌吉市: its township 三工镇" "三工镇"
has "region list 昌吉市: its village 下营盘村" "下营盘村"
has "region list 昌吉市: 榆树沟镇" "榆树沟镇"
lacks "region list 昌吉市: not 阜康市" "阜康市"
lacks "region list 昌吉市: not 阜康市's 九运街镇" "九运街镇"
lacks "region list 昌吉市: not 木垒's 西吉尔镇" "西吉尔镇"
lacks "region list 昌吉市: not the prefecture row" "652300"
lacks "region list 昌吉市: not 奇台县" "奇台县"

run ch --db r.db region list 昌吉市 --format csv
# header + 昌吉市 + 三工镇 + 2 villages + 佃坝镇 + 榆树沟镇 + 1 village
if [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 8 ]; then ok "region list 昌吉市 csv: 7 regions"; else
	not_ok "region list 昌吉市 csv: 7 regions"; fi

run ch --db r.db region list 木垒县
expect_rc "region list by short name 木垒县: exit 0" 0
has "region list 木垒县: 木垒哈萨克自治县" "木垒哈萨克自治县"
has "region list 木垒县: 西吉尔镇" "西吉尔镇"
lacks "region list 木垒县: not 三工镇" "三工镇"

run ch --db r.db region list 三工镇
expect_rc "region list of a township: exit 0" 0
has "region list 三工镇: its villages" "庙工村"
lacks "region list 三工镇: not 榆树沟村" "榆树沟村"

# ---- a long list in GB18030 with CRLF: more than one 64 KiB read block ----

awk 'BEGIN { print "县市,乡镇,村\r"
	for (t = 1; t <= 40; t++) for (v = 1; v <= 60; v++)
		printf "吉木萨尔县,第%d号测试镇,测试镇%d第%d村民委员会\r\n", t, t, v }' |
	iconv -f UTF-8 -t GB18030 >big.csv
run ch --db big.db region import big.csv
expect_rc "2400-row GB18030 list (113 KB): exit 0" 0
expect_out "2400-row list: counts" "读入 2400 行，新增乡镇 40 个、村 2400 个"
run ch --db big.db region list 吉木萨尔县 --format csv
n=$(printf '%s\n' "$OUT" | tr -d '\r' |
	grep -cE '^,测试镇([1-9]|[1-3][0-9]|40)第([1-9]|[1-5][0-9]|60)村民委员会,村,吉木萨尔县 / 第([1-9]|[1-3][0-9]|40)号测试镇,$')
if [ "$n" -eq 2400 ]; then ok "2400-row list: every village name intact across block boundaries"; else
	not_ok "2400-row list: every village name intact across block boundaries" "$n of 2400 intact"; fi

# ---- the short name 昌吉 (data/regions/changji.csv lists it as an alias of
# 昌吉市; the prefecture is 昌吉州) ----

run ch --db r.db region list 昌吉
expect_rc "region list 昌吉: exit 0" 0
has "region list 昌吉: 昌吉市" "652301  昌吉市"
lacks "region list 昌吉: not the whole prefecture (阜康市)" "阜康市"
run ch --db r.db region list 昌吉州
has "region list 昌吉州: the prefecture" "652300"
has "region list 昌吉州: with 阜康市" "阜康市"

run ch --db r.db region import "$R/short-county.csv"
expect_rc "import with 县市 written 昌吉: exit 0" 0
run ch --db r.db region list --format csv
has "import 昌吉: 硫磺沟镇 under 昌吉市" ",硫磺沟镇,乡镇,昌吉回族自治州 / 昌吉市,"

# a county operator adding a township of another county: refused in
# Chinese, naming the county asked for and her own scope
ch --db r.db user add fk --role county_operator --scope 阜康市 >/dev/null
printf '县市,乡镇,村\n昌吉市,新镇甲,新村乙\n' >"$WORK/other-county.csv"
run ch --db r.db --as fk region import "$WORK/other-county.csv"
expect_rc "another county's township: denied (3)" 3
has_err "another county's township: names the row, the county and her scope" \
	"第2行，乡镇“新镇甲”：用户 fk（县市操作员）无权为昌吉市添加乡镇和村：超出其管辖范围（阜康市）"
