#!/bin/sh
# The overview's first load for `make bench`, at the scale of the 2023 plan:
# a database of BENCH_OVERVIEW_HH households (default 43,977, the plan's
# clean-heating households) with a year of synthetic steps (to 2023-10-31),
# served by `cleanheat serve` on a free loopback port, and the overview of
# 2023 as on 2023-10-31 opened in headless chromium by bench/web_bench.mjs
# (playwright-core from tests/web, installed with npm ci when missing):
# requests, bytes transferred and decoded, time to the charts drawn (best of
# BENCH_OVERVIEW_RUNS, default 5) beside the same API requests alone.
#
# usage: bench/overview.sh CLEANHEAT
set -eu
C=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(pwd)
HH=${BENCH_OVERVIEW_HH:-43977}
RUNS=${BENCH_OVERVIEW_RUNS:-5}
AS_OF=2023-10-31

W=$(mktemp -d)
SPID=
stop_server() {
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null || true
		wait "$SPID" 2>/dev/null || true
	fi
	SPID=
}
trap 'stop_server; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

echo "== web: the overview's first load ($HH households, the 2023 plan, a year of steps to $AS_OF)"
if ! [ -d "$ROOT/tests/web/node_modules/playwright-core" ] &&
	! (cd "$ROOT/tests/web" && npm ci --no-audit --no-fund --loglevel=error); then
	echo "  (playwright-core could not be installed: the overview's load was not measured)"
	exit 0
fi
DB=$W/overview.db
"$C" --db "$DB" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
"$C" --db "$DB" demo generate --households "$HH" --seed 4 -o "$W/reg.csv" >/dev/null
"$C" --db "$DB" household import "$W/reg.csv" >/dev/null
"$C" --db "$DB" demo events --as-of "$AS_OF" --seed 4 -o "$W/ev.csv" >/dev/null
"$C" --db "$DB" event import "$W/ev.csv" >/dev/null
echo "  $(($(wc -l <"$W/ev.csv") - 1)) steps recorded"
rm -f "$W/reg.csv" "$W/ev.csv"
# an auditor: sees the whole prefecture's overview, with the same requests
# (only the reminder's button is not drawn), and signs in with a password
# alone (a prefecture administrator's session may only enrol a second
# factor until it has one, docs/auth.md)
"$C" --db "$DB" user add benchweb --role auditor >/dev/null
echo benchweb-password-1 | "$C" --db "$DB" user passwd benchweb >/dev/null
"$C" --db "$DB" serve --listen 127.0.0.1:0 2>"$W/serve.log" &
SPID=$!
port=
for i in $(seq 1 100); do
	port=$(sed -n 's|.*serving .* on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$W/serve.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$W/serve.log" >&2; exit 1; }
node "$ROOT/bench/web_bench.mjs" "http://127.0.0.1:$port" benchweb benchweb-password-1 \
	"overview?year=2023&as_of=$AS_OF" "$RUNS" ||
	echo "  (the overview's load could not be measured)"
stop_server
