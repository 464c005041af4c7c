#!/bin/sh
# report impact against the published outcome of the 2023 plan: about
# 39,529 households done by 17 November 2023 (昌吉日报, 2023-12-01) and
# 8–11 t of raw coal per household per winter (DOMAIN.md). A synthetic
# register of 4,000 households of the 2023 plan with progress to that day;
# none is surveyed, so each commissioned household counts the default
# 9.5 t (data/survey/factors.csv coal_per_household).
. "$(dirname "$0")/lib.sh"

DB=impact.db
c() { ch --db $DB "$@"; }
c plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null &&
	c demo generate --households 4000 --seed 3 -o hh.csv >/dev/null &&
	c household import hh.csv >/dev/null &&
	c demo events --as-of 2023-11-17 -o ev.csv >/dev/null &&
	c event import ev.csv >/dev/null || echo "not ok - setting up"

run c report impact --year 2023 --as-of 2023-11-17 --format json
expect_rc "report impact: runs" 0
# the total row's figures, as numbers
val() { printf '%s' "$OUT" | grep -o "\"$1\": *[0-9.]*" | tail -1 | sed 's/.*: *//'; }
n=$(val commissioned)
coal=$(val coal_t)
tce=$(val tce)
plan_hh=$(val plan_households)
plan_coal=$(val plan_coal_t)
check() { # NAME AWK-CONDITION
	if awk -v n="$n" -v coal="$coal" -v tce="$tce" -v ph="$plan_hh" -v pc="$plan_coal" \
		"BEGIN { exit !($2) }"; then ok "$1"; else
		not_ok "$1" "commissioned $n, coal $coal t, tce $tce, plan $ph households, $pc t"
	fi
}
check "some households commissioned by 17 November" "n > 3000 && n <= 4000"
check "raw coal per commissioned household is within the published 8–11 t" \
	"coal / n >= 8 && coal / n <= 11"
# at that rate the published 39,529 households stopped burning 316,232 to 434,819 t
check "39,529 households at this rate: between 39,529 × 8 and 39,529 × 11 t" \
	"39529 * coal / n >= 316232 && 39529 * coal / n <= 434819"
# standard coal net of the new fuel: less than the coal's own 0.7143 tce/t, and positive
check "standard coal saved is positive and below the coal's own 0.7143 tce/t" \
	"tce > 0 && tce < coal * 0.7143"
check "the whole plan: 43,977 households" "ph == 43977"
check "the whole plan: 43,977 × 8 to 43,977 × 11 t of coal" "pc >= 351816 && pc <= 483747"
run c report impact --year 2023 --as-of 2023-11-17
has "report impact: every factor with its source" "原煤折标准煤系数"
has "report impact: a county row" "昌吉市"
# scope
c user add fk --role county_operator --scope 阜康市 >/dev/null
run ch --db $DB --as fk report impact --year 2023 --as-of 2023-11-17 --county 昌吉市
expect_rc "report impact for another county: refused" 3
run ch --db $DB --as fk report impact --year 2023 --as-of 2023-11-17 --format csv
expect_rc "report impact over the operator's scope: allowed" 0
lacks "report impact over the operator's scope: no other county" "昌吉市"

# ---- by hand: 阜康市 of tests/fixtures/acceptance/ on 2023-10-22 ----
# FK003 (commissioned 08-01) and FK001 (10-21); FK002 not yet (10-25).
# Each: 空气能, 100 m², no survey: 砖木 (H 2.8), station 乌鲁木齐, 9.5 t of coal.
#   demand 2.8 × 100 × 24 × 3,965.8 × 0.45 / 1000 = 11,992.58 kWh → 5.99629 MWh at COP 2
#   tce  9.5 × 0.7143 − 5.99629 × 0.1229 = 6.78585 − 0.73694 = 6.04891; × 2 = 12.1 → 12
#   CO2  9.5 × 1.9003 − 5.99629 × 0.5703 = 18.05285 − 3.41968 = 14.63317; × 2 = 29.3 → 29
#   SO2 2 × 9.5 × 1.62 / 1000 = 0.031; NOx 2 × 9.5 × 2.2 / 1000 = 0.042; PM2.5 0.061
# the whole plan: 3 households = 1.5 × the two: coal 28.5 → 29, tce 18.1, CO2 43.9,
#   SO2 0.046, NOx 0.063, PM2.5 0.091
AF=$FIX/acceptance
ch --db hand.db plan import "$AF/plan.csv" --year 2023 >/dev/null &&
	ch --db hand.db household import "$AF/register.csv" >/dev/null &&
	ch --db hand.db event import "$AF/events.csv" >/dev/null || echo "not ok - setting up by hand"
run ch --db hand.db report impact --year 2023 --as-of 2023-10-22 --county 阜康市 --format csv
has "report impact by hand: 阜康市's two commissioned households and the plan's three" \
	"阜康市,3,2,0,19,12,29,0.03,0.04,0.06,29,18,44,0.05,0.06,0.09"
