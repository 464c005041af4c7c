#!/bin/sh
# End-to-end tests of one household's history and evidence files on the
# funds scenario (tests/fixtures/funds/): 昌吉市 CJ001-CJ008 taken through
# the real flow — CJ001 started by hand with a photo and its date corrected,
# the weekly batch, a failed self-inspection of CJ002 whose order is closed
# and which passes the same day, a review application with its sample and
# results, a follow-up visit that opens an order, subsidy reservation,
# payment and the bank's return (CJ001 paid, CJ003 failed). Checked:
# `household history` lists every kind of item in date order with
# registration first, a corrected step shown as superseded with its photo,
# same-day items in workflow order, the bank account masked; `household
# evidence` gives back the photo's bytes to those who may see the household
# and to no one else (another county's operator, a file of another
# household, a malformed hash); `household show` has 房屋结构 and a masked
# 收款账号, shown whole and audited with --reveal for a role that may.
. "$(dirname "$0")/lib.sh"

FF=$FIX/funds
C=昌吉市
DB=h.db
h() { ch --db $DB "$@"; }
# hist HH [USER]: the history of HH as CSV, without CRs and BOM
hist() { ch --db $DB --as "${2:-root}" household history "$1" --county $C --format csv | tr -d '\r' | sed '1s/^\xef\xbb\xbf//'; }
# row_of CSV TEXT: the number of the first line of CSV containing TEXT (0: none)
row_of() { printf '%s\n' "$1" | grep -n -F -- "$2" | head -1 | cut -d: -f1 | grep . || echo 0; }
# before NAME CSV A B: A's first line comes before B's, both present
before() {
	a=$(row_of "$2" "$3")
	b=$(row_of "$2" "$4")
	if [ "$a" -gt 0 ] && [ "$b" -gt 0 ] && [ "$a" -lt "$b" ]; then ok "$1"; else
		not_ok "$1" "expected [$3] (line $a) before [$4] (line $b) in:" "$2"; fi
}

# a real 1×1 PNG, and a second file of other content
printf '%s' 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' |
	base64 -d >photo.png
printf '\377\330\377\340 a JPEG of CJ002' >other.jpg

# ---- the scenario ----

h plan import "$FF/plan.csv" --year 2023 >/dev/null &&
	h household import "$FF/register.csv" >/dev/null &&
	h event record CJ001 已开工 --county $C --date 2023-05-02 --evidence photo.png --today 2023-06-01 >/dev/null &&
	h event correct CJ001 已开工 --county $C --date 2023-05-10 --note 按施工日志更正 >/dev/null &&
	h event import "$FF/events.csv" --skip-invalid >/dev/null || echo "not ok - setting up the register"
for u in "cj --role county_operator --scope $C" "fk --role county_operator --scope 阜康市" \
	"rv --role reviewer" "fin --role finance" "au --role auditor"; do
	h user add $u >/dev/null || echo "not ok - adding user $u"
done
# CJ002 fails its first inspection (the old stove), the order is closed and
# it passes on the day the order was closed
h inspect record CJ002 --county $C --result fail --item stove_removed=fail --date 2023-10-05 --inspector 李四 >/dev/null ||
	echo "not ok - CJ002's failed inspection"
order=$(h rectification list --format csv | tr -d '\r' | awk -F, 'NR == 2 { print $1 }')
h rectification close "$order" --date 2023-10-08 --note 炉具已拆除 >/dev/null || echo "not ok - closing order $order"
for x in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008; do
	f=photo.png
	[ $x = CJ002 ] && f=other.jpg
	h inspect record $x --county $C --result pass --date 2023-10-08 --inspector 张三 --evidence $f >/dev/null ||
		echo "not ok - self-inspection of $x"
done
app=$(h review apply --county $C --date 2023-10-10 --all-passed | sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
h review assign "$app" --unit 州住建局 --reviewer rv --seed history-1 >/dev/null || echo "not ok - assigning $app"
SAMPLED=$(h --as rv review sample "$app" --format csv | tr -d '\r' | awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }')
for x in $SAMPLED; do
	h --as rv review result "$app" "$x" --result pass --date 2023-10-20 --evidence photo.png >/dev/null ||
		echo "not ok - review result of $x"
done
h followup record CJ001 --county $C --visit 1 --date 2023-11-20 --in-use yes --comfort poor --visitor 王五 \
	--satisfaction 3 --today 2023-12-01 >/dev/null || echo "not ok - CJ001's visit"
for s in central region prefecture county; do
	h --as fin funds appropriate --source $s --amount 50000 --date 2023-06-01 --key P-$s >/dev/null &&
		h --as fin funds appropriate --source $s --amount 50000 --date 2023-06-05 --key A-$s --to $C >/dev/null ||
		echo "not ok - funds of $s"
done
h --as fin subsidy reserve --county $C --date 2023-10-25 >/dev/null || echo "not ok - reserving"
h --as fin notice create --county $C --date 2023-10-25 >/dev/null || echo "not ok - publicising"
h --as fin subsidy pay --county $C --date 2023-11-01 -o bank.csv >/dev/null || echo "not ok - paying"
tr -d '\r' <bank.csv | sed '1s/^\xef\xbb\xbf//' | awk -F, 'BEGIN { print "流水号,金额(元),状态,日期,原因" }
	$4 == "CJ001" { print $1 "," $8 ",成功,2023-11-05," }
	$4 == "CJ003" { print $1 "," $8 ",失败,2023-11-05,账户已销户" }' >return.csv
h --as fin subsidy reconcile return.csv >/dev/null || echo "not ok - the bank's return"

# ---- CJ001's history ----

run ch --db $DB household history CJ001 --county $C
expect_rc "history CJ001: exit 0" 0
has "history CJ001: titled with the household" "昌吉市 CJ001 的履历"
H=$(hist CJ001)
OUT=$H
expect_eq "history: the columns" "$(printf '%s\n' "$H" | head -1)" "日期,类别,事项,详情,经办人,证据"
expect_eq "history: registration first" "$(printf '%s\n' "$H" | sed -n 2p | cut -d, -f2,3)" "登记,登记入册"
has "history: registration names the ledger and its row" "导入台账 register.csv 第 2 行"
L=$(printf '%s\n' "$H" | grep -F '已开工（已更正）')
case "$L" in
"2023-05-02,进度,已开工（已更正）,此记录已被更正：日期改为 2023-05-10,root,photo.png（"*"，70 字节）")
	ok "history: the superseded start, its photo named" ;;
*) not_ok "history: the superseded start, its photo named" "got: $L" ;;
esac
has "history: the correction with its note" "2023-05-10,进度,已开工（更正）,更正原记录的日期 2023-05-02；备注：按施工日志更正,root"
has "history: the batch's steps name their file" "2023-07-20,进度,已完工,周报批量导入（events.csv）,root"
has "history: the self-inspection with its inspector" "2023-10-08,自验,自验合格,自验人员：张三,root"
has "history: in the review application" "2023-10-10,复核,列入复核申请,复核申请 $app"
case "$SAMPLED" in
*CJ001*) has "history: drawn into the sample" ",复核,抽中复核样本," ; has "history: the review result" "2023-10-20,复核,复核合格,$app,rv" ;;
*) has "history: not drawn into the sample" ",复核,未抽中复核样本," ;;
esac
has "history: 复核通过" ",进度,复核通过,"
has "history: the visit's findings" "2023-11-20,回访,第 1 次回访,新设施在用；室内舒适度：差；满意度 3/5,王五"
has "history: the order the visit opened" "2023-11-20,整改,整改单开具,问题：室内温度不达标；整改期限 2023-12-05；来源：回访；尚未整改完成，已逾期,root"
has "history: the entitlement" '2023-10-25,补助,补助核定,"核定补助 10,000.00 元（总投资 10,000.00 元'
has "history: the reservation" '2023-10-25,补助,资金预留,"从县级专户预留 10,000.00 元，待发放",fin'
has "history: the payment, the account masked" '2023-11-01,补助,补助发放,"第 1 批（惠农一卡通），流水号 1，金额 10,000.00 元'
has "history: the masked account" "收款账号 6230********0001"
lacks "history: never the whole account" "6230000000000001"
has "history: the bank's return, by whom" '2023-11-05,补助,银行回单：入账,"流水号 1 入账成功 10,000.00 元",fin'
has "history: 补助已发放" "2023-11-05,进度,补助已发放,"
before "history: the started step before the finished one" "$H" "已开工（已更正）" "已完工"
before "history: the visit before the order it opened" "$H" "第 1 次回访" "整改单开具"
before "history: the payment before the bank's return" "$H" "补助发放" "银行回单"
before "history: the bank's return before 补助已发放" "$H" "银行回单" ",补助已发放,"
DAYS=$(printf '%s\n' "$H" | sed 1,2d | cut -d, -f1)
expect_eq "history: the rest in date order" "$DAYS" "$(printf '%s\n' "$DAYS" | sort)"
run ch --db $DB household history CJ001 --county $C --format json
has "history JSON: each file's full hash for fetching it" '"hash": "'
has "history JSON: superseded steps flagged" '"superseded": true'

# ---- CJ002 and CJ003 ----

H2=$(hist CJ002)
has_h2() { OUT=$H2 has "$@"; }
has_h2 "CJ002: the failed inspection names the failed item" "2023-10-05,自验,自验不合格,自验人员：李四；不合格项：原燃煤炉具已拆除,root"
has_h2 "CJ002: the order opened with its deadline" "2023-10-05,整改,整改单开具,问题：原燃煤炉具未拆除；整改期限 2023-10-20；来源：自验"
has_h2 "CJ002: the order closed" "2023-10-08,整改,整改完成,问题：原燃煤炉具未拆除；整改情况：炉具已拆除,root"
before "CJ002: the failed inspection before the order it opened" "$H2" "自验不合格" "整改单开具"
before "CJ002: the order closed before the inspection it allowed, the same day" "$H2" "整改完成" "自验合格"
has_h2 "CJ002: its own photo" "other.jpg（"
H3=$(hist CJ003)
OUT=$H3 has "CJ003: the failed payment and why" '银行回单：失败,"流水号'
OUT=$H3 has "CJ003: the failure's reason" "发放失败：账户已销户"

# ---- who may read it ----

run ch --db $DB --as fk household history CJ001 --county $C
expect_rc "history of a 昌吉市 household as 阜康市's operator: outside the scope, exit 3" 3
run ch --db $DB --as au household history CJ001 --county $C
expect_rc "history as the auditor: exit 0" 0
run ch --db $DB --as cj household history 652301198001010019
expect_rc "history by ID number as 昌吉市's operator: exit 0" 0
has "history by ID number: names the household, not the ID number" "昌吉市 CJ001 的履历"
run ch --db $DB household history CJ999 --county $C
expect_rc "history of no household: exit 4" 4

# ---- evidence files ----

HASH=$(ch --db $DB household history CJ001 --county $C --format json | tr -d ' \n' |
	sed -n 's/.*"name":"photo.png".*//; s/.*"hash":"\([0-9a-f]\{64\}\)","name":"photo.png".*/\1/p' | head -1)
[ -z "$HASH" ] && HASH=$(ch --db $DB household history CJ001 --county $C --format json |
	grep -o '"hash": "[0-9a-f]*"' | head -1 | sed 's/.*"\([0-9a-f]*\)"/\1/')
expect_eq "evidence: a 64-digit hash in the history" "${#HASH}" 64
SHORT=$(printf '%.16s' "$HASH")
run ch --db $DB --as cj household evidence CJ001 "$SHORT" --county $C -o got.png
expect_rc "evidence by the 16 digits the table shows, as 昌吉市's operator: exit 0" 0
if cmp -s got.png photo.png; then ok "evidence: the photo's very bytes"; else not_ok "evidence: the photo's very bytes"; fi
has "evidence: says what it wrote" "证明材料 photo.png（70 字节）已写入 got.png"
run ch --db $DB --as fk household evidence CJ001 "$SHORT" --county $C -o no.png
expect_rc "evidence as 阜康市's operator: outside the scope, exit 3" 3
if [ -e no.png ]; then not_ok "evidence refused: no file written"; else ok "evidence refused: no file written"; fi
OTHER=$(ch --db $DB household history CJ002 --county $C --format json | grep -o '"hash": "[0-9a-f]*"' |
	sed 's/.*"\([0-9a-f]*\)"/\1/' | grep -v "^$HASH$" | head -1)
run ch --db $DB household evidence CJ001 "$OTHER" --county $C -o x.jpg
expect_rc "evidence: another household's file is not this household's: exit 4" 4
has_err "evidence: says the household has no such file" "昌吉市 CJ001 没有文件指纹为"
run ch --db $DB household evidence CJ002 "$OTHER" --county $C -o x.jpg
expect_rc "evidence: CJ002's own file: exit 0" 0
run ch --db $DB household evidence CJ001 xyz --county $C -o x.jpg
expect_rc "evidence: a hash that is not hex: exit 1" 1
run ch --db $DB household evidence CJ001 "$SHORT" --county $C
expect_rc "evidence without -o: exit 2" 2

# ---- household show: 房屋结构 and 收款账号 ----

printf '县市,乡镇,村,户编号,户主姓名,身份证号,取暖面积,房屋结构,改造方式,年度,批次,收款账号\n%s\n' \
	"$C,大西渠镇,大西渠村,HS001,结构样例,652301198001010991,90,砖混,燃气,2023,新建,6217001234567890" >hs.csv
h household import hs.csv >/dev/null || echo "not ok - importing HS001"
run ch --db $DB household show HS001 --county $C --format csv
has "show: 房屋结构 and 收款账号 columns" "房屋结构"
has "show: 房屋结构" "砖混"
has "show: 收款账号 masked" "6217********7890"
lacks "show: never the whole account unmasked" "6217001234567890"
run ch --db $DB household list --county $C --format csv
lacks "list: keeps its columns (no 收款账号)" "收款账号"
run ch --db $DB --as cj household show HS001 --county $C --reveal --format csv
expect_rc "show --reveal as 昌吉市's operator: exit 0" 0
has "show --reveal: the whole account" "6217001234567890"
run ch --db $DB audit log --object household:personal-data --format csv
has "show --reveal: audited" "household.reveal"
run ch --db $DB --as au household show HS001 --county $C --reveal
expect_rc "show --reveal as the auditor: exit 3" 3
run ch --db $DB --as au household show HS001 --county $C
expect_rc "show as the auditor: exit 0" 0
has "show as the auditor: masked" "6217********7890"
