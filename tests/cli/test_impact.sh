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
