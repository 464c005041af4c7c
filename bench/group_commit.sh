#!/bin/sh
# The group-commit benchmark of `make bench` (part "ledger"): 64 clients
# at once, each posting single county expenses (`funds spend`, one ledger
# transfer of two postings each, an operation committed in groups:
# CH_OP_GROUP in src/app/ops.h), against `cleanheat serve --workers 64`,
# beside the plain SQLite insert at batch 1,000 measured in the same run
# by bench/ledger_bench.
#
# usage: bench/group_commit.sh CLEANHEAT LEDGER_BENCH
#
# A fresh database with a finance user, its API token and enough money in
# 昌吉市's account; wrk with 64 connections (2 threads) for
# BENCH_GROUP_SECONDS (default 10), each request with its own idempotency
# key. Every answer is given after its transfer committed. Printed:
# transfers and postings per second (counted in the ledger afterwards,
# which verifies), wrk's non-2xx answers, the groups the server logged,
# then ledger_bench's plain batch-1,000 insert of 2 rows per transfer, and
# the ratio of the postings per second to its rows per second (aim: 0.5).
# wrk is installed when missing (scripts/deps.sh).
set -eu
C=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
LB=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
ROOT=$(pwd)
SECS=${BENCH_GROUP_SECONDS:-10}
sh "$ROOT/scripts/deps.sh" "the group-commit benchmark" wrk

W=$(mktemp -d)
PID=
stop_server() {
	if [ -n "$PID" ]; then
		kill -TERM "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	PID=
}
trap 'stop_server; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

DB=$W/group.db
ch() { "$C" --db "$DB" "$@"; }
ch user add fin --role finance >/dev/null
ch --as fin funds appropriate --source central --amount 100000000 --date 2023-06-01 \
	--key A-1 >/dev/null
ch --as fin funds appropriate --source central --amount 100000000 --date 2023-06-01 \
	--key A-2 --to 昌吉市 >/dev/null
TOKEN=$(ch token create fin --expires 1 | head -n 1)
count() { ch --as fin ledger verify | sed -n 's/^账簿一致：\([0-9]*\) 笔转账.*/\1/p'; }

cat >"$W/spend.lua" <<'LUA'
local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end
local n = 0
local token = os.getenv("GROUP_TOKEN")
function request()
	n = n + 1
	local body = string.format('{"county":"昌吉市","source":"central","category":"办公经费",'
		.. '"amount":"0.01","date":"2023-11-10","key":"W-%d-%d"}', tid, n)
	return wrk.format("POST", "/api/funds/spend", {["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json"}, body)
end
LUA

"$C" --db "$DB" serve --listen 127.0.0.1:0 --workers 64 2>"$W/server.log" &
PID=$!
port=
i=0
while [ $i -lt 100 ] && [ -z "$port" ]; do
	sleep 0.1
	port=$(sed -n 's|.*serving .* on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$W/server.log")
	i=$((i + 1))
done
[ -n "$port" ] || { echo "group commit: the server did not start"; cat "$W/server.log"; exit 1; }

echo "== group commit: 64 clients posting single transfers (funds spend) for ${SECS} s"
T0=$(count)
GROUP_TOKEN=$TOKEN wrk -t 2 -c 64 -d "${SECS}s" -s "$W/spend.lua" \
	"http://127.0.0.1:$port" >"$W/wrk.out"
stop_server
T1=$(count)
non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$W/wrk.out")
groups=$(grep -c 'committed in one transaction' "$W/server.log" || true)
grouped=$(sed -n 's/.*"\([0-9]*\) requests committed in one transaction.*/\1/p;s/.* \([0-9]*\) requests committed in one transaction.*/\1/p' \
	"$W/server.log" | awk '{ s += $1 } END { print s + 0 }')
rate=$(awk -v n=$((T1 - T0)) -v s="$SECS" 'BEGIN { printf "%.0f", n / s }')
echo "group commit: $((T1 - T0)) transfers in ${SECS} s, $rate transfers/s ($((rate * 2)) postings/s)," \
	"non-2xx answers: ${non2xx:-0}, $groups groups of more than one ($grouped requests)," \
	"the ledger verifies"
grep -E 'Latency|Requests/sec' "$W/wrk.out" | sed 's/^/  wrk: /'

rm -f "$W/plain.db" "$W/plain.db.plain"
plain=$(LEDGER_BENCH_FRAMES=0 "$LB" "$W/plain.db" 1 "${BENCH_GROUP_PLAIN:-100000}" |
	sed -n 's/^ledger, batch 1000:.*plain sqlite insert, batch 1000: *\([0-9]*\) rows.*/\1/p')
echo "plain sqlite insert, batch 1000 (same run): $plain rows/s |" \
	"ratio (group-commit postings/s to it) $(awk -v a=$((rate * 2)) -v b="$plain" \
	'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
