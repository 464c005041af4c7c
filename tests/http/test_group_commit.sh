#!/bin/sh
# Group commit: `cleanheat serve --workers 64` and 64 clients at once, each
# posting one county expense (`funds spend`, an operation flagged
# CH_OP_GROUP: concurrent requests are run in one transaction, each under
# its own savepoint, and answered after the one commit). One of them asks
# for more than the county account holds. Every valid request gets 200
# naming its own key and is stored once; the invalid one alone gets 422
# with its reason and leaves nothing; the account's balance is what the
# valid ones leave; the ledger and the audit chain verify; and the server
# says it committed some requests together.
. "$(dirname "$0")/lib.sh"

N=64
BAD=17 # the client that asks for too much
C=昌吉市

ch user add fin --role finance >/dev/null
ch --as fin funds appropriate --source central --amount 100000 --date 2023-06-01 --key A-1 >/dev/null
ch --as fin funds appropriate --source central --amount 100000 --date 2023-06-01 --key A-2 \
	--to $C >/dev/null
TOKEN=$(ch token create fin --expires 1 | head -n 1)
ntransfers() { ch --as fin ledger verify | sed -n 's/^账簿一致：\([0-9]*\) 笔转账.*/\1/p'; }
T0=$(ntransfers)

start_server --workers $N
mkdir -p "$WORK/g"
pids=""
i=1
while [ $i -le $N ]; do
	amount=$((i % 7 + 1))
	[ $i -eq $BAD ] && amount=5000000
	curl -s -o "$WORK/g/$i.body" -w '%{http_code}' -X POST \
		-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		-d "{\"county\":\"$C\",\"source\":\"central\",\"category\":\"办公经费\",\"amount\":\"$amount\",\"date\":\"2023-11-10\",\"key\":\"G-$i\"}" \
		"$BASE/api/funds/spend" >"$WORK/g/$i.status" &
	pids="$pids $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # the clients only, not the server
wait $pids

good=0 spent=0 wrong=""
i=1
while [ $i -le $N ]; do
	st=$(cat "$WORK/g/$i.status")
	if [ $i -eq $BAD ]; then
		RC=$st OUT=$(cat "$WORK/g/$i.body") ERR=""
		expect_eq "the request for too much: 422" "$st" 422
		has "the request for too much: its own reason (the balance)" "余额"
		has "the request for too much: its own key or amount" "5,000,000"
	elif [ "$st" = 200 ] && grep -q "（G-$i）" "$WORK/g/$i.body"; then
		good=$((good + 1))
		spent=$((spent + i % 7 + 1))
	else
		wrong="$wrong $i:$st"
	fi
	i=$((i + 1))
done
expect_eq "every valid request: 200 naming its own key" "$good" $((N - 1))
[ -z "$wrong" ] || not_ok "requests answered wrongly:$wrong" "$(cat "$WORK/g/${wrong%%:*}.body" 2>/dev/null)"
stop_server

expect_eq "the ledger holds one transfer per valid request" "$(ntransfers)" $((T0 + N - 1))
run ch --as fin ledger verify
expect_rc "the ledger verifies" 0
run ch verify
expect_rc "the audit chain and the rows verify" 0
run sql "SELECT count(*) FROM transfer WHERE idem_key = 'G-$BAD'"
expect_eq "the refused request left no transfer" "$OUT" 0
run sql "SELECT balance FROM account WHERE code LIKE 'county:%:central'"
expect_eq "the county account: 100,000 yuan less what the valid requests spent" "$OUT" \
	$(((100000 - spent) * 100))
if grep -q 'committed in one transaction' "$WORK/server.log"; then
	ok "the server committed requests together: $(grep -c 'committed in one transaction' "$WORK/server.log") groups"
else
	not_ok "the server committed no two requests together" "$(tail -n 5 "$WORK/server.log")"
fi
