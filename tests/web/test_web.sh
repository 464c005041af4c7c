#!/bin/sh
# The web dashboard in a real browser: playwright-core (tests/web/package.json
# and its lock file, installed by `make test` with npm ci) drives Debian's
# chromium, headless, against `cleanheat serve` on a free loopback port over a
# fresh database holding the 2023 plan, a synthetic register of 3,000
# households and their steps up to 2023-07-16, one user per role, and in
# 玛纳斯县 a review cycle and money (below). The journeys and the
# accessibility check are in journeys.mjs; each prints "ok - ..." or
# "not ok - ...". Screenshots go to tests/web/out/sqlite/; the PostgreSQL
# pass, which may run at the same time, takes none (below).
. "$(dirname "$0")/../http/lib.sh"

OUTDIR=$ROOT/tests/web/out/$TEST_DB
if [ ! -d "$ROOT/tests/web/node_modules/playwright-core" ]; then
	echo "not ok - web: playwright-core is not installed (cd tests/web && npm ci)"
	exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
	echo "not ok - web: /usr/bin/chromium is missing (scripts/deps.sh installs it)"
	exit 1
fi

ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 --es-area 2462300 >/dev/null
ch demo generate --households 3000 --seed 7 -o reg.csv >/dev/null
ch household import reg.csv >/dev/null
ch demo events --as-of 2023-07-16 --seed 7 -o ev.csv >/dev/null
# households whose 户编号 ends in 1 stay 已登记, for the county operator's steps
awk -F, 'NR == 1 || $2 !~ /1$/' ev.csv >ev-some.csv
ch event import ev-some.csv >/dev/null
user_with_password admin prefecture_admin
user_with_password cj county_operator 昌吉市
user_with_password rev reviewer
user_with_password fin finance
user_with_password aud auditor
# finance without a second factor yet: the browser enrols it
ch user add fin2 --role finance >/dev/null
echo "fin2-password-1" | ch user passwd fin2 >/dev/null

# ---- a review cycle and money in 玛纳斯县, for the reviewer's, finance's and
# the admin's review journeys (the other journeys use 昌吉市 and 阜康市) ----
M=玛纳斯县
# hh_at STATUS: the 户编号 of 玛纳斯县's households at STATUS
hh_at() { ch household list --county $M --limit 2000 --format csv | tr -d '\r' | awk -F, -v s="$1" '$NF == s { print $4 }'; }
{
	echo 县市,户编号,环节,日期,备注
	for h in $(hh_at 已完工); do echo "$M,$h,已调试,2023-07-20,"; done
} >commission.csv
ch event import commission.csv >/dev/null || echo "not ok - web: commissioning in $M"
printf 'JPEG 自验照片' >photo.jpg
hh_at 已调试 | head -45 >inspected.txt
for h in $(cat inspected.txt); do
	ch inspect record "$h" --county $M --result pass --date 2023-07-25 --inspector 张三 --evidence photo.jpg >/dev/null ||
		echo "not ok - web: self-inspection of $h"
done
# apply FIRST LAST: applies for those lines of inspected.txt; prints the number
apply() {
	{ echo 户编号; sed -n "$1,$2p" inspected.txt; } >apply.csv
	ch review apply --county $M --date 2023-07-28 --households apply.csv | sed -n 's/.*\(复核-[0-9-]*\).*/\1/p'
}
# sampled USER APP [EMPTY]: the sampled households of APP (only those
# without a result when EMPTY is given)
sampled() {
	ch --as "$1" review sample "$2" --format csv | tr -d '\r' |
		awk -F, -v e="${3:-}" 'NR > 1 && $6 ~ /^第/ && (e == "" || $7 == "") { print $1 }'
}
user_with_password rev2 reviewer
ch user add rev3 --role reviewer >/dev/null
APP_REV=$(apply 1 20)
APP_REV2=$(apply 21 30)
APP_DONE=$(apply 31 38)
# lines 39-45 stay 自验合格 for the admin's application through the form
ch review assign "$APP_REV" --unit 州住建局 --reviewer rev --seed web-rev >/dev/null &&
	ch review assign "$APP_REV2" --unit 第三方机构 --reviewer rev2 --seed web-rev2 >/dev/null &&
	ch review assign "$APP_DONE" --unit 州住建局 --reviewer rev3 --seed web-done >/dev/null ||
	echo "not ok - web: assigning the applications"
# rev3's application is complete (its households 复核通过, for finance); rev
# has entered all of his sample but two: his journey enters those
for h in $(sampled rev3 "$APP_DONE"); do
	ch --as rev3 review result "$APP_DONE" "$h" --result pass --date 2023-08-05 --evidence photo.jpg >/dev/null ||
		echo "not ok - web: review result of $h"
done
for h in $(sampled rev "$APP_REV" | head -n -2); do
	ch --as rev review result "$APP_REV" "$h" --result pass --date 2023-08-01 --evidence photo.jpg >/dev/null ||
		echo "not ok - web: review result of $h"
done
[ "$(sampled rev "$APP_REV" empty | wc -l)" -eq 2 ] || echo "not ok - web: two of rev's sample left to enter"
# one household whose review passed has its 总投资 edited afterwards: its
# payment is held until the prefecture approves the change (admin review
# journey, before the finance journey pays)
CHANGED=$(hh_at 复核通过 | head -1)
sed '1s/^\xEF\xBB\xBF//' reg.csv | awk -F, -v OFS=, -v h="$CHANGED" '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "总投资") c = i; print; next }
	$4 == h { $c = $c + 1000; print }' >edit.csv
ch household import edit.csv | grep -q "复核通过后改动了补助依据" ||
	echo "not ok - web: editing $CHANGED after its review holds it"
# money: each source to the prefecture and on to 玛纳斯县
for s in central region; do
	ch --as fin funds appropriate --source $s --amount 500000 --date 2023-06-01 --key WEB-$s >/dev/null &&
		ch --as fin funds appropriate --source $s --amount 200000 --date 2023-06-05 --key WEB-M-$s --to $M >/dev/null ||
		echo "not ok - web: appropriating $s"
done
for s in prefecture county; do
	ch --as fin funds appropriate --source $s --amount 100000 --date 2023-06-05 --key WEB-M-$s --to $M --direct >/dev/null ||
		echo "not ok - web: appropriating $s"
done
start_server

rm -rf "$OUTDIR"
mkdir -p "$OUTDIR"
# the browser's own profile and caches stay in this test's directory; the
# PostgreSQL pass leaves the pages' axe checks and photographs to the
# SQLite pass (the same pages; journeys.mjs)
[ "$TEST_DB" = pg ] && PAGE_CHECKS=0 || PAGE_CHECKS=1
HOME=$WORK TOTP_DIR=$WORK PAGE_CHECKS=$PAGE_CHECKS timeout 420 node "$ROOT/tests/web/journeys.mjs" "$BASE" "$OUTDIR"
rc=$?
[ $rc -eq 0 ] || echo "not ok - web: the journeys ended with status $rc"
