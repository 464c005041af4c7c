#!/bin/sh
# One rule for "outside your scope" (docs/architecture.md): every operation
# that takes a household, county, township, village, review application,
# rectification order or payment batch, asked by 阜康市's county operator
# about 昌吉市's, exits 3 with a refusal that names the permission or the
# scope and nothing of the object's state, and writes nothing (the audit
# log is unchanged). The list of such operations is read from `cleanheat
# help`, so an operation added with one of those parameters and no case
# here fails the test. Then the roles that are limited by what they are
# (auditor, finance, reviewer, township operator), the permission named by
# each refusal, and reveals that are refused or find nobody writing nothing.
# Fixtures: tests/fixtures/acceptance/ (see its README).
. "$(dirname "$0")/lib.sh"

AF=$FIX/acceptance
C=昌吉市
DB=scope.db
ID_CJ001=652301197003010018 # gen.awk: county code + 19700301 + 001 + check

as_() { who=$1; shift; ch --db $DB --as "$who" "$@"; }
audit_count() { ch --db $DB audit log --limit 100000 --format csv | grep -c .; }
# the stages a refusal must not mention: the household's state
STAGES="已登记 已开工 已完工 已调试 自验合格 已申请复核 复核通过 已退出"

# ---- the database: plan, register, steps; an application, an order ----
ch --db $DB plan import "$AF/plan.csv" --year 2023 >/dev/null &&
	ch --db $DB household import "$AF/register.csv" >/dev/null &&
	ch --db $DB event import "$AF/events.csv" >/dev/null || echo "not ok - setting up"
printf 'JPEG 照片' >photo.jpg
ch --db $DB inspect record CJ001 --county $C --result pass --date 2023-08-10 --inspector 张三 \
	--evidence photo.jpg >/dev/null || echo "not ok - a self-inspection of CJ001"
ch --db $DB inspect record CJ002 --county $C --result fail --item temperature=不合格 \
	--date 2023-08-10 --inspector 张三 --evidence photo.jpg >/dev/null ||
	echo "not ok - a failed self-inspection of CJ002 (rectification order 1)"
ch --db $DB review apply --county $C --date 2023-08-20 --all-passed >/dev/null ||
	echo "not ok - a review application of 昌吉市"
APP=复核-652301-2023-001
for u in "fk --role county_operator --scope 阜康市" "tw --role township_operator --scope 滋泥泉子镇" \
	"rv --role reviewer" "rv2 --role reviewer" "fin --role finance" "aud --role auditor"; do
	# shellcheck disable=SC2086
	ch --db $DB user add $u >/dev/null || echo "not ok - adding $u"
done
ch --db $DB review assign $APP --unit 州住建局 --reviewer rv2 --seed 7 >/dev/null ||
	echo "not ok - assigning $APP"
printf '县市,户编号,环节,日期,备注\n昌吉市,CJ055,已完工,2023-07-20,\n' >cj-week.csv
printf '县市,户编号,环节,日期,备注\n,%s,已完工,2023-07-20,\n' $ID_CJ001 >cj-week-id.csv
printf '县市,乡镇,村\n昌吉市,新乡镇,新村\n' >cj-towns.csv
head -1 "$AF/register.csv" >cj-register.csv
grep '^昌吉市' "$AF/register.csv" | head -2 >>cj-register.csv
printf '县市,乡镇,村,户编号,现取暖方式,取暖面积,房屋结构,同意改造\n昌吉市,大西渠镇,大西渠村,CJ001,燃煤炉,100,砖木,是\n' >cj-survey.csv
printf '县市,乡镇,村,燃气主管网\n昌吉市,大西渠镇,大西渠村,有\n' >cj-villages.csv
printf '表号,身份证号,类别,月份,用量\n,%s,电,2023-11,10\n' "$ID_CJ001" >cj-usage.csv
HASH=0000000000000000000000000000000000000000000000000000000000000000

# refused NAME [EXPECT] -- CMD...: as the last run, CMD exited 3 (EXPECT:
# another status, for what is deliberately not scoped), its refusal says
# nothing of a household's state nor that something was not found, and the
# audit log did not grow
refused() {
	name=$1
	shift
	want=3
	if [ "$1" != -- ]; then want=$1; shift; fi
	shift
	a0=$(audit_count)
	run "$@"
	expect_rc "$name: exit $want" "$want"
	if [ "$want" = 3 ]; then
		# the message and the rows' problems (an import's summary line
		# counts 自验合格 households: not a household's state)
		said="$ERR $(printf '%s\n' "$OUT" | grep '^第')"
		leak=""
		for s in $STAGES; do
			case "$said" in *"$s"*) leak="$leak $s" ;; esac
		done
		case "$said" in *没有农户* | *没有这一户* | *没有复核申请* | *没有整改单* | *没有可更正*)
			leak="$leak not-found" ;;
		esac
		expect_eq "$name: the refusal says nothing of the object's state" "$leak" ""
		has_err "$name: the refusal is in Chinese and says what is lacking" "无权"
	fi
	expect_eq "$name: nothing written" "$(audit_count)" "$a0"
}

# ---- every operation that takes an object with a county ----
# one case per operation: "GROUP VERB" then the arguments, as 阜康市's
# operator on 昌吉市's objects; "=N" before the arguments expects status N
cases() {
	cat <<EOF
household import|cj-register.csv --county $C
household list|--county $C --reveal
household search|CJ --township 大西渠镇
household show|CJ001 --county $C --reveal
household history|CJ001 --county $C
household evidence|CJ001 $HASH -o out.jpg --county $C
event record|CJ055 已完工 --county $C --date 2023-07-20
event import|cj-week.csv
event correct|CJ001 已开工 --county $C --date 2023-05-11
report county|--year 2023 --county $C --as-of 2023-08-01
inspect record|CJ055 --county $C --result pass --date 2023-08-10 --inspector 李四 --evidence photo.jpg
inspect import|$AF/inspections.csv --county $C
review apply|--county $C --date 2023-08-21 --all-passed
review assign|$APP --unit 州住建局 --reviewer rv --seed 8
review sample|$APP
review result|$APP CJ001 --result pass --date 2023-09-01 --evidence photo.jpg
rectification close|1 --date 2023-08-30 --note 已整改
followup record|CJ001 --county $C --visit 1 --date 2023-11-20 --in-use yes --comfort good --visitor 王五
subsidy entitlement|CJ001 --county $C
subsidy reserve|--county $C --date 2023-10-01
subsidy pay|--county $C --date 2023-10-02 -o pay.csv
subsidy payfile|1 -o pay.csv
subsidy batches|--county $C
subsidy hold|CJ001 --county $C --reason 核实 --date 2023-10-03
subsidy release|CJ001 --county $C --date 2023-10-04
subsidy holds|--county $C
subsidy recover|CJ001 --county $C --amount 1 --reason 核实 --date 2023-10-04
subsidy recoveries|--county $C
subsidy approve|CJ001 --county $C --note 同意 --date 2023-10-04
notice create|--county $C --date 2023-10-01
notice list|--county $C
notice object|公示-652301-2023-001 CJ001 --date 2023-10-02 --reason 核实
notice objections|--county $C
funds appropriate|--source central --amount 100 --date 2023-06-01 --key K1 --to $C
funds spend|--county $C --source central --category 办公 --amount 1 --date 2023-06-02 --key K2
region list|=0 $C
region import|cj-towns.csv
survey import|cj-survey.csv
survey heatload|--county $C
village import|cj-villages.csv
report impact|--year 2023 --as-of 2023-11-17 --county $C
usage import|cj-usage.csv
usage check|--season 2023-2024 --county $C
usage followup|--season 2023-2024 --county $C
user add|x --role county_operator --scope $C
user role|fk county_operator --scope $C
audit log|--county $C
EOF
}

# the operations whose parameters name such an object, from the help
ch help | sed -e 's/-o FILE//g' -n -e 's/^  cleanheat \([a-z-]*\) \([a-z-]*\) \(.*\)$/\1 \2|\3/p' |
	grep -E '\|.*(HOUSEHOLD|APPLICATION|ORDER|BATCH|REGION|--county|--township|--village|--to |FILE)' |
	cut -d'|' -f1 >ops-with-objects
# those that read a file but name no county: the file's rows do (covered),
# or the file is no data of a county (a plan, rules, a bank's return, a
# whole database: backup, restore and the checks of the whole audit chain
# are the prefecture's, a published head or a key file no county's data)
NO_COUNTY="plan check|plan import|rules import|subsidy reconcile|demo generate|demo events|db backup|db restore|db copy|audit verify|audit key|verify"
n=0
while read -r op; do
	case "|$NO_COUNTY|" in *"|$op|"*) continue ;; esac
	n=$((n + 1))
	line=$(cases | grep -F "$op|" | head -1)
	if [ -z "$line" ]; then
		not_ok "$op takes an object with a county but has no case in tests/cli/test_scope.sh"
		continue
	fi
	args=${line#*|}
	want=3
	case "$args" in "="*)
		want=${args%% *}
		want=${want#=}
		args=${args#* }
		;;
	esac
	# shellcheck disable=SC2086
	refused "$op as 阜康市's operator on 昌吉市's object" "$want" -- as_ fk $op $args
done <ops-with-objects
if [ "$n" -ge 25 ]; then ok "the help lists $n operations with objects"; else not_ok "only $n operations with objects in the help"; fi
# every case is an operation of the help, so none is stale
cases | cut -d'|' -f1 | while read -r op; do
	grep -qxF "$op" ops-with-objects || not_ok "the case for $op is no operation of the help"
done

# ---- the same answer whether the object exists ----
refused "show a 昌吉市 household that does not exist" -- as_ fk household show CJ999 --county $C
refused "event record for a 昌吉市 household that does not exist" -- \
	as_ fk event record CJ999 已完工 --county $C --date 2023-07-20
refused "review sample of a 昌吉市 application that does not exist" -- \
	as_ fk review sample 复核-652301-2023-099
# a batch for another county is refused before its file is read: a file
# that is no batch at all gets the same answer
printf '这不是表格\n' >garbage.csv
refused "household import of a file for 昌吉市, unread" -- as_ fk household import garbage.csv --county $C
refused "event import of a file for 昌吉市, unread" -- as_ fk event import garbage.csv --county $C
refused "inspect import of a file for 昌吉市, unread" -- as_ fk inspect import garbage.csv --county $C
run as_ fk household show FK999 --county 阜康市
expect_rc "a 阜康市 household that does not exist, for 阜康市's operator: exit 4" 4

# ---- what the refusals say ----
run as_ fk event record CJ001 已完工 --county $C --date 2023-07-20
has_err "event record: the refusal names the permission and both regions" \
	"用户 fk（县市操作员）无权为昌吉市修改农户台账：超出其管辖范围（阜康市）"
run as_ fk household show $ID_CJ001
expect_rc "show by ID number outside the scope: exit 3" 3
has_err "show by ID number: the refusal names the scope" "不在其管辖范围（阜康市）内"
case "$ERR" in *昌吉市*) not_ok "show by ID number: the refusal does not say where the household is" ;;
*) ok "show by ID number: the refusal does not say where the household is" ;; esac
refused "event import of a file naming households by ID number" -- as_ fk event import cj-week-id.csv
has_err "event import outside the scope: the file's rows are refused as outside" "无权为文件中 1 行的农户修改农户台账：超出其管辖范围（阜康市）"
run as_ fk review assign $APP --unit x --reviewer rv --seed 9
has_err "review assign: the refusal names the assignment permission" "无权分派复核申请"
case "$ERR" in *导入计划*) not_ok "review assign: not the plan's permission" ;; *) ok "review assign: not the plan's permission" ;; esac
run as_ fk report freeze --year 2023 --period 2023-W30
expect_rc "report freeze as a county operator: exit 3" 3
has_err "report freeze: the refusal names the freeze permission" "无权锁定调度数据"
case "$ERR" in *导入计划*) not_ok "report freeze: not the plan's permission" ;; *) ok "report freeze: not the plan's permission" ;; esac

# ---- roles limited by what they are ----
refused "the auditor records a step" -- as_ aud event record CJ001 已完工 --county $C --date 2023-07-20
has_err "the auditor's refusal names the permission" "无权修改农户台账"
refused "the auditor reveals a household" -- as_ aud household show CJ001 --county $C --reveal
refused "finance imports a register" -- as_ fin household import cj-register.csv
refused "finance assigns a review" -- as_ fin review assign $APP --unit x --reviewer rv --seed 9
refused "a reviewer reads an application assigned to another" -- as_ rv review sample $APP
has_err "the reviewer's refusal says why" "未分派给您"
refused "a reviewer records a result of another's application" -- \
	as_ rv review result $APP CJ001 --result pass --date 2023-09-01 --evidence photo.jpg
refused "a township operator of 阜康市 shows a 昌吉市 household" -- as_ tw household show CJ001 --county $C
refused "a township operator lists another county" -- as_ tw household list --county $C
run as_ tw household list --county 阜康市 --format csv
expect_rc "a township operator lists their own county: exit 0 (their township's part)" 0
has "a township operator's list holds their township's households" "FK001"
run as_ rv2 review sample $APP
expect_rc "the reviewer it is assigned to reads it: exit 0" 0

# ---- reveals: refused, not found or empty write nothing; one that shows, once ----
refused "a reveal of no household" 4 -- ch --db $DB household show CJ999 --county $C --reveal
refused "a reveal that finds nobody" 0 -- ch --db $DB household search 没有这个人 --reveal
a0=$(audit_count)
run ch --db $DB household list --county $C --township 大西渠镇 --limit 3 --reveal --format csv
expect_rc "a reveal of 3 households: exit 0" 0
expect_eq "a reveal that shows households: one entry" "$(audit_count)" "$((a0 + 1))"
run ch --db $DB audit log --limit 1 --format csv
has "the reveal's entry: its filters and how many it showed" "查看完整身份证号和电话（县市 昌吉市，乡镇 大西渠镇，每页 3），共 3 户"
has "the reveal's entry: the filters as data" '""county"":""昌吉市""'
has "the reveal's entry: the count as data" '""shown"":3'
