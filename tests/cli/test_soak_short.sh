#!/bin/sh
# The short version of `make soak` (tests/soak/soak.sh): 20 runs of household
# import, event import, payment and reconciliation killed with SIGKILL at
# random moments over a register of 600 households, each followed by
# PRAGMA integrity_check, the verify commands and the checks that nothing is
# half-written. SOAK_KILLS and SOAK_SEED as for the soak.
# sqlite-only: SIGKILLs against the SQLite file (PRAGMA integrity_check)
. "$(dirname "$0")/lib.sh"

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "ok - skipped: the sqlite3 command-line tool is not installed"
	exit 0
fi
KILLS=${SOAK_KILLS:-20}
run env SOAK_KILLS="$KILLS" SOAK_HH=600 CLEANHEAT="$CLEANHEAT" sh "$ROOT/tests/soak/soak.sh"
printf '%s\n' "$OUT" | sed 's/^/# /'
expect_rc "soak, $KILLS kills: every check passes after every kill" 0
case "$OUT" in
*"kills: $KILLS "*", problems: 0 "*) ok "soak: $KILLS kills, 0 problems" ;;
*) not_ok "soak: $KILLS kills, 0 problems" ;;
esac
