#!/bin/sh
# The scripts a newcomer runs: scripts/deps.sh as an ordinary user (no sudo
# needed: it names the missing packages and the command that installs
# them, and fails) and scripts/run.sh (`make run`), which on a new database
# (rm cleanheat.db) builds the whole demo again, its progress included.
# sqlite-only: make run's demo in ./cleanheat.db
. "$(dirname "$0")/lib.sh"

# ---- deps.sh as someone who is not root ----
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}
cp "$ROOT/scripts/deps.sh" deps.sh
chmod 755 "$WORK" deps.sh
run as_user sh deps.sh cleanheat-test no-such-package-cleanheat
expect_rc "deps.sh as an ordinary user, a package missing: exit 1" 1
has_err "deps.sh: names the missing package" "no-such-package-cleanheat"
if printf '%s\n' "$ERR" | grep -q -e "su -c 'apt-get update && apt-get install -y no-such-package-cleanheat'" \
	-e "sudo apt-get install -y no-such-package-cleanheat"; then
	ok "deps.sh: gives the command that installs it"
else
	not_ok "deps.sh: gives the command that installs it"
fi
run as_user sh deps.sh cleanheat-test coreutils
expect_rc "deps.sh: nothing missing, nothing asked: exit 0" 0

# ---- run.sh on a new database ----
mkdir -p data
cp -r "$ROOT/data/plans" data/
started() {
	ch report dispatch --year 2023 --as-of 2023-07-16 --format csv | tr -d '\r' |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "已开工·户数") c = i; next }
			$1 ~ /合计|全州/ { print $c; exit }'
}
CLEANHEAT_NO_SERVE=1 DEMO_HOUSEHOLDS=1500 sh "$ROOT/scripts/run.sh" "$CLEANHEAT" >run1.out 2>&1
RC=$?
expect_rc "make run (1,500 households): exit 0" 0
S1=$(started)
if [ "${S1:-0}" -gt 0 ]; then ok "make run: households started by 2023-07-16 ($S1)"; else not_ok "make run: households started by 2023-07-16" "got [$S1]"; fi
CLEANHEAT_NO_SERVE=1 DEMO_HOUSEHOLDS=1500 sh "$ROOT/scripts/run.sh" "$CLEANHEAT" >run2.out 2>&1
RC=$?
expect_rc "make run again: exit 0" 0
expect_eq "make run again: the progress is not imported twice" "$(started)" "$S1"
rm -f cleanheat.db cleanheat.db-wal cleanheat.db-shm
CLEANHEAT_NO_SERVE=1 DEMO_HOUSEHOLDS=1500 sh "$ROOT/scripts/run.sh" "$CLEANHEAT" >run3.out 2>&1
RC=$?
expect_rc "rm cleanheat.db && make run: exit 0" 0
expect_eq "rm cleanheat.db && make run: the progress is there again, not 0" "$(started)" "$S1"
