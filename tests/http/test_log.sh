#!/bin/sh
# The server's log (docs/operations.md): every line, requests and events
# alike, starts with the time in UTC and has the documented fields, so
# that one pattern reads the whole log; what a client sends (a user name,
# a path with spaces or line breaks) cannot add a field or a line.
. "$(dirname "$0")/lib.sh"

ch db init >/dev/null
user_with_password ann prefecture_admin
start_server
api GET /api/plans
api GET "/api/no%20such%0a2026-01-01T00:00:00Z%20root%20GET%20/%20200%201%201.0ms"
api POST /api/session -H 'Content-Type: application/json' -d '{"user":"eve the\nsecond","password":"wrong-password-1"}'
signin ann
api GET /api/session -b "$WORK/ann.jar"
stop_server
LOG=$WORK/server.log

TIME='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
REQUEST="^$TIME [^ ]+ [A-Z]+ [^ ]+ [0-9]{3} [0-9]+ [0-9]+\.[0-9]ms\$"
EVENT="^$TIME - (start|stop|busy|error|auth|warn|mhd) .*\$"
BAD=$(grep -Ev "$REQUEST|$EVENT" "$LOG")
if [ -z "$BAD" ]; then ok "every line has the documented format"; else
	RC=1 OUT=$(cat "$LOG") ERR=''
	not_ok "every line has the documented format" "lines that do not: $BAD"
fi
N=$(wc -l <"$LOG")
if [ "$N" -ge 8 ]; then ok "the log has its lines ($N)"; else RC=1 OUT=$(cat "$LOG") not_ok "the log has its lines"; fi
# the database served: ./cleanheat.db, or the URL CLEANHEAT_DB names
grep -F -- " - start serving ${CLEANHEAT_DB:-cleanheat.db} on http://127.0.0.1:" "$LOG" |
	grep -Eq "^$TIME - start serving .* on http://127.0.0.1:[0-9]+ \([0-9]+ workers\)\$" &&
	ok "start: an event line" || { RC=1 OUT=$(cat "$LOG") not_ok "start: an event line"; }
grep -Eq "^$TIME - stop SIGTERM received" "$LOG" && ok "stop: an event line" ||
	{ RC=1 OUT=$(cat "$LOG") not_ok "stop: an event line"; }
grep -Eq "^$TIME - auth failed sign-in for 'eve the\\\\x0asecond' from 127.0.0.1\$" "$LOG" &&
	ok "a failed sign-in: an event line, the name escaped" ||
	{ RC=1 OUT=$(cat "$LOG") not_ok "a failed sign-in: an event line, the name escaped"; }
grep -Eq "^$TIME - GET /api/no\\\\x20such\\\\x0a2026-01-01T00:00:00Z\\\\x20root" "$LOG" &&
	ok "a path's spaces and line breaks are escaped: one field" ||
	{ RC=1 OUT=$(cat "$LOG") not_ok "a path's spaces and line breaks are escaped: one field"; }
grep -Eq "^$TIME ann GET /api/session 200 " "$LOG" && ok "a signed-in request names its user" ||
	{ RC=1 OUT=$(cat "$LOG") not_ok "a signed-in request names its user"; }
if grep -q "wrong-password-1" "$LOG"; then RC=1 not_ok "no password in the log"; else ok "no password in the log"; fi
