#!/bin/sh
# The web dashboard in a real browser: playwright-core (tests/web/package.json
# and its lock file, installed by `make test` with npm ci) drives Debian's
# chromium, headless, against `cleanheat serve` on a free loopback port over a
# fresh database holding the 2023 plan, a synthetic register of 3,000
# households and their steps up to 2023-07-16, and one user per role. The
# journeys and the accessibility check are in journeys.mjs; each prints
# "ok - ..." or "not ok - ...". Screenshots go to tests/web/out/.
. "$(dirname "$0")/../http/lib.sh"

OUTDIR=$ROOT/tests/web/out
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
start_server

rm -rf "$OUTDIR"
mkdir -p "$OUTDIR"
# the browser's own profile and caches stay in this test's directory
HOME=$WORK timeout 240 node "$ROOT/tests/web/journeys.mjs" "$BASE" "$OUTDIR"
rc=$?
[ $rc -eq 0 ] || echo "not ok - web: the journeys ended with status $rc"
