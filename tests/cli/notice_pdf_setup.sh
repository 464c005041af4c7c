# Shared by tests/cli/test_notice_pdf.sh and tests/http/test_notice_pdf.sh
# (sourced after their lib.sh, in the test's directory): ./cleanheat.db with
# N=60 households of 昌吉市 in three villages, generated with valid ID
# numbers (id_of SEQ), brought to 复核通过 (all inspected, the sample
# reviewed) and their subsidies reserved (2,100.00 each, 126,000.00 in all),
# ready for `notice create`; users fin (finance) and rv (reviewer).
C=昌吉市
DB=cleanheat.db
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
review_passed $DB $C notice-pdf
for src in central region prefecture county; do
	fin funds appropriate --source $src --amount 200000 --date 2023-06-05 --key A-$src --to $C --direct >/dev/null ||
		echo "not ok - allocating $src funds to 昌吉市"
done
run fin subsidy reserve --county $C --date 2023-10-25
has "setup: $N households reserved" "已为 $N 户预留补助资金"
