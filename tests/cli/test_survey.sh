#!/bin/sh
# The baseline survey end to end: the survey and village imports (row-level
# errors, all or nothing, --skip-invalid --rejects), the heat load, and
# `advise` on the three villages of tests/fixtures/advise/ whose README
# computes every expected figure by hand. Each transformer carries its
# village's county, and a village imported again replaces its own.
. "$(dirname "$0")/lib.sh"

AD=$FIX/advise
DB=survey.db
c() { ch --db $DB "$@"; }

c region import "$AD/regions.csv" >/dev/null || echo "not ok - setting up the villages"

# ---- village import ----
run c village import "$AD/villages.csv"
expect_rc "village import: stored" 0
has "village import: four transformer rows" "读入 4 行；保存 4 行"
expect_eq "village import: each transformer in its village's county" \
	"$(sql $DB "SELECT count(*) FROM transformer t JOIN village_infra v
		ON v.village_id = t.village_id AND v.county_id = t.county_id
		JOIN region vl ON vl.id = t.village_id JOIN region tw ON tw.id = vl.parent_id
		WHERE tw.parent_id = t.county_id")" 4
run c village import "$AD/villages.csv"
expect_eq "village import again: the same four transformers, nothing added" \
	"$(sql $DB "SELECT count(*) FROM transformer")/$(sql $DB "SELECT count(*) FROM village_infra")" \
	"4/3"

# ---- survey import: a bad file stores nothing ----
cp "$AD/households.csv" bad.csv
printf '昌吉市,样例镇,气村,Q900,坏户,烧柴,9,80,砖木,1995,,,,3,是,\n' >>bad.csv
printf '昌吉市,样例镇,无此村,Q901,坏户,燃煤炉,9,80,砖木,1995,,,,3,是,\n' >>bad.csv
printf '昌吉市,样例镇,气村,Q902,坏户,燃煤炉,9,2,砖木,1995,,,外墙保温、屋面,3,也许,\n' >>bad.csv
run c survey import bad.csv
expect_rc "survey import with bad rows: refused" 1
has_err "survey import: says nothing was stored" "什么也没有保存"
has "survey import: names the heating's row and reason" "现取暖方式"
has "survey import: names the unknown village" "无此村"
has "survey import: names the consent" "同意改造"
run c survey heatload --county 昌吉市 --format csv
lacks "survey import refused: no household stored" "Q001"

run c survey import bad.csv --skip-invalid --rejects rej.csv
expect_rc "survey import --skip-invalid: stored the valid rows" 0
has "survey import --skip-invalid: 15 stored, 3 rejected" "保存 15 户（新增 15 户），拒收 3 行"
if [ "$(grep -c . rej.csv)" -eq 4 ] && grep -q 错误原因 rej.csv; then
	ok "rejects file: header and the three rows with their reasons"
else
	not_ok "rejects file: header and the three rows with their reasons" "$(cat rej.csv)"
fi
run c survey import "$AD/households.csv"
has "survey import again: updates, adds nothing" "保存 15 户（新增 0 户）"

# ---- survey import: the file changed between the check and the write ----
# The valid rows are read again to be stored (none is kept in memory), so
# the file must still be the one checked. The rejects file is a FIFO: the
# test opens it once the import has checked the file, while the import
# writes more rejects than a pipe holds, changes the file, then reads the rest.
changed_while_read() { # NAME SED-SCRIPT MESSAGE [VALID-ROWS-ADDED]
	{
		cat "$AD/households.csv"
		awk -v n="${4:-0}" 'BEGIN { for (i = 0; i < 6000; i++)
			printf "昌吉市,样例镇,气村,Z%05d,坏户,烧柴,9,80,砖木,1995,,,,3,是,\n", i
			for (i = 0; i < n; i++)
			printf "昌吉市,样例镇,气村,Y%05d,好户,燃煤炉,9,80,砖木,1995,,,,3,是,\n", i }'
	} >changing.csv
	before=$(sql $DB "SELECT group_concat(hh_no || ':' || coalesce(head_name, '') || ':' || heating, ' ') FROM (SELECT * FROM survey_household ORDER BY id)")
	rm -f rej.fifo && mkfifo rej.fifo
	c survey import changing.csv --skip-invalid --rejects rej.fifo >changing.out 2>changing.err &
	pid=$!
	exec 3<rej.fifo
	sed "$2" changing.csv >changing.new && mv changing.new changing.csv
	cat <&3 >/dev/null
	exec 3<&-
	wait $pid
	RC=$? OUT=$(cat changing.out) ERR=$(cat changing.err)
	expect_rc "$1: refused" 1
	has_err "$1: says the file changed and nothing was stored" "$3"
	expect_eq "$1: nothing stored" \
		"$(sql $DB "SELECT group_concat(hh_no || ':' || coalesce(head_name, '') || ':' || heating, ' ') FROM (SELECT * FROM survey_household ORDER BY id)")" \
		"$before"
}
changed_while_read "a valid row made invalid while imported" 's/^\(昌吉市,样例镇,气村,Q002,样例户Q2,\)燃煤炉/\1烧柴/' \
	"changing.csv：第3行与核验时不同：文件在导入过程中被改动，什么也没有保存"
changed_while_read "a name changed while imported" 's/样例户Q1,燃煤炉/样例户Q1甲,火炕/' \
	"changing.csv：文件在导入过程中被改动，什么也没有保存"

run c survey import "$AD/households.csv" --county 阜康市
expect_rc "survey import --county: rows of another county refused" 1
has "survey import --county: names the row's county" "县市「昌吉市」：不是所导入的县市（阜康市）"

# ---- heat load (README: 8.4448 kW, 9,594 kWh) ----
run c survey heatload --village 弱村 --format csv
has "heat load: design 8.4 kW and 9,594 kWh before and after" "R001,80.00,砖木,乌鲁木齐,2.80,8.4,9594,2.80,8.4,9594"

# ---- advise ----
run c advise --county 昌吉市 --by village --format csv
has "advise: 气村 all gas" "昌吉市,样例镇,气村,5,5,0,0,0,0,0,1,400,200,120.0,0.0,0.0,0,,5,35000,13500,21500,0,45.0"
has "advise: 弱村 direct electric, 15.0 kVA short, R004 and R005 waiting, 6,400 元 upgrade" "昌吉市,样例镇,弱村,5,0,5,0,0,0,0,1,100,55,25.0,40.0,15.0,2,R004、R005,0,28612,24320,4292,6400,45.0"
has "advise: 远村 all direct electric" "昌吉市,样例镇,远村,5,0,5,0,0,0,0,2,315,100,152.0,40.0,0.0,0,,0,28612,24320,4292,0,45.0"
run c advise --county 昌吉市 --by upgrade --format csv -o up.csv
if [ "$(grep -c . up.csv)" -eq 2 ] && grep -q '^昌吉市,样例镇,弱村,5,0,5,.*,15.0,2,R004、R005,' up.csv; then
	ok "advise --by upgrade -o: the one village whose transformer needs upgrading"
else
	not_ok "advise --by upgrade -o: the one village whose transformer needs upgrading" "$(cat up.csv)"
fi
run c advise --county 昌吉市 --by county --format csv
has "advise --by county: the county's row" "昌吉市,,,15,5,10,0,0,0,0,4,815,355,297.0,80.0,15.0,2,,5,92224,62140,30084,6400,135.0"
run c advise --county 昌吉市 --by county
has "advise: the county's mix" "15 户：宜气 5、直热电 10、热泵 0、集中供热 0、太阳能+电 0、无可行方案 0；待变压器增容 2 户（缺 15.0 kVA）；燃气入户 5 户"
has "advise: the investment by source, with thousands separators" "投资 92,224.00 元 = 补助 62,140.40 元（2023年标准；"
run c advise --village 弱村 --format json
has "advise: R004 waits on the upgrade, short 7.0 kVA" "待变压器增容（缺 7.0 kVA）"
has "advise: the heat pump is short too" "需 5.3 kVA，余 1.0 kVA，缺 4.3 kVA"
has "advise: the planned grid works beside the shortfall" "缺 4.3 kVA（计划工程：弱村配变增容，2023-09-30）"
run c advise --village 气村 --format csv
has "advise: gas's yearly cost and the others' in the reason" "燃气壁挂炉：每年折合 2,265 元（自付 4,300 元按 10 年摊销，运行 1,835 元）"
has "advise: central heating infeasible and why" "集中供热不可行（附近没有热网）"
has "advise: gas's equipment, connection, subsidy, own outlay and running cost" "气村,Q001,80.00,8.4,9594,9.0,是,燃气壁挂炉,,4500,2500,2700,4300,1835,"

# ---- scope: 阜康市's operator may not read 昌吉市's advice ----
c user add fk --role county_operator --scope 阜康市 >/dev/null
run ch --db $DB --as fk survey import no-such-file.csv --county 昌吉市
expect_rc "survey import --county of another county: refused before the file is read" 3
run ch --db $DB --as fk advise --county 昌吉市
expect_rc "advise for another county: refused" 3
run ch --db $DB --as fk advise --village 弱村
expect_rc "advise for another county's village: refused" 3
run ch --db $DB --as fk advise
expect_rc "advise over the operator's own scope: allowed" 0
has "advise over the operator's own scope: no household of 昌吉市" "0 户"

# ---- the factors are the office's to replace ----
run c rules show factors --format csv
has "rules show factors: the shipped usage factor with its source" "usage_factor,0.45"
sed 's/^usage_factor,0.45,/usage_factor,0.90,/' "$ROOT/data/survey/factors.csv" >f.csv
run c rules import factors f.csv --year 2024
expect_rc "rules import factors: an office's own" 0
run c survey heatload --village 弱村 --format csv
has "heat load: twice the usage factor, twice the demand (19,188 kWh)" "R001,80.00,砖木,乌鲁木齐,2.80,8.4,19188"
sed 's/^usage_factor,0.90,/usage_factor,很多,/' f.csv >g.csv
run c rules import factors g.csv --year 2024
expect_rc "rules import factors: a value that is no number is refused" 1
has_err "rules import factors: names the row and the key" "第3行：usage_factor"
grep -v '^electric.price,' "$ROOT/data/tariffs/tariffs.csv" >t.csv
run c rules import tariffs t.csv --year 2024
run c advise --village 弱村
expect_rc "advise without electric.price: refused" 4
has_err "advise without electric.price: names the factor and the file" "electric.price"

# ---- a survey of 5,000 households or more: its other indexes built after the rows ----
# (SQLite drops them inside the transaction and builds them again before
# the commit; a refused import leaves them as they were), in a database of
# its own
DB=big-survey.db
c region import "$AD/regions.csv" >/dev/null || echo "not ok - setting up the villages"
indexes() {
	if [ "$TEST_DB" = pg ]; then
		sql $DB "SELECT string_agg(indexname || ':' || indexdef, ' | ' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'survey_household'"
	else
		sql $DB "SELECT group_concat(name || ':' || sql, ' | ') FROM (SELECT name, sql FROM sqlite_master WHERE tbl_name = 'survey_household' AND type = 'index' ORDER BY name)"
	fi
}
I0=$(indexes)
changed_while_read "6,000 valid rows, a name changed while imported" 's/样例户Q1,燃煤炉/样例户Q1甲,火炕/' \
	"changing.csv：文件在导入过程中被改动，什么也没有保存" 6000
expect_eq "6,000 valid rows refused: the indexes as they were" "$(indexes)" "$I0"
awk 'BEGIN { print "县市,乡镇,村,户编号,户主姓名,现取暖方式,年用煤量(t),取暖面积(m²),房屋结构,建成年份,墙体,窗户,拟节能改造措施,常住人口,同意改造,家庭年收入(元),燃气表号,电表号"
	for (i = 0; i < 6000; i++)
		printf "昌吉市,样例镇,气村,B%05d,大户%d,燃煤炉,9,80,砖木,1995,,,,3,是,,G%d,E%d\n", i, i, 5999 - i, i }' >big-survey.csv
run c survey import big-survey.csv
expect_rc "a survey of 6,000 households: stored" 0
has "a survey of 6,000 households: all new" "保存 6000 户（新增 6000 户）"
expect_eq "a survey of 6,000 households: the indexes as they were" "$(indexes)" "$I0"
expect_eq "a survey of 6,000 households: a gas meter finds its household" \
	"$(sql $DB "SELECT hh_no FROM survey_household WHERE meter_gas = 'G17'")" B05982
expect_eq "a survey of 6,000 households: the village's households by 户编号" \
	"$(sql $DB "SELECT count(*) FROM survey_household s JOIN region v ON v.id = s.village_id WHERE v.name = '气村' AND s.hh_no LIKE 'B%'")" 6000
run c verify
expect_rc "a survey of 6,000 households: verify passes" 0
