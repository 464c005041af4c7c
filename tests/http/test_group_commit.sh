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

spend_setup
T0=$(ntransfers)

start_server --workers $N
spend_at_once G
spend_answers G
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
	$(((100000 - SPENT) * 100))
if grep -q 'committed in one transaction' "$WORK/server.log"; then
	ok "the server committed requests together: $(grep -c 'committed in one transaction' "$WORK/server.log") groups"
else
	not_ok "the server committed no two requests together" "$(tail -n 5 "$WORK/server.log")"
fi
