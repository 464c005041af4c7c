# Shared helpers for the HTTP end-to-end tests: each tests/http/test_*.sh
# sources this file (and through it tests/cli/lib.sh), starts `cleanheat
# serve` on a free loopback port over a fresh database in its temporary
# directory, and talks to it with curl. The server is stopped when the
# script ends, whatever happens.
. "$(dirname "$0")/../cli/lib.sh"

SERVER_PID=
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# start_server [SERVE OPTIONS...]: serves ./cleanheat.db on 127.0.0.1 and a
# port the kernel chooses; sets BASE to its URL.
start_server() {
	# emptied first: the background job truncates it only when it starts,
	# and a second server must not be found at the first one's port
	: >"$WORK/server.log"
	"$CLEANHEAT" serve --listen 127.0.0.1:0 "$@" 2>>"$WORK/server.log" &
	SERVER_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		port=$(sed -n 's|.*serving .* on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$WORK/server.log" 2>/dev/null)
		[ -n "$port" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$port" ]; then
		echo "not ok - the server did not start"
		cat "$WORK/server.log"
		exit 1
	fi
	BASE=http://127.0.0.1:$port
}

# user_with_password NAME ROLE [SCOPE]: adds the user through the CLI and
# sets its password to NAME-password-1.
user_with_password() {
	if [ -n "${3:-}" ]; then ch user add "$1" --role "$2" --scope "$3" >/dev/null
	else ch user add "$1" --role "$2" >/dev/null; fi
	echo "$1-password-1" | ch user passwd "$1" >/dev/null
}

# signin NAME: signs NAME in with its jar ($WORK/NAME.jar); CSRF_NAME gets
# the CSRF token (printed as CSRF).
signin() {
	api POST /api/session -c "$WORK/$1.jar" -H 'Content-Type: application/json' \
		-d "{\"user\":\"$1\",\"password\":\"$1-password-1\"}"
	CSRF=$(printf '%s' "$BODY" | jq -r .csrf_token)
}

# api METHOD PATH [CURL ARGS...]: STATUS gets the HTTP status, BODY (and OUT,
# for has and lacks) the body, HEADERS the response headers.
api() {
	m=$1
	p=$2
	shift 2
	STATUS=$(curl -s -o "$WORK/.body" -D "$WORK/.headers" -w '%{http_code}' -X "$m" "$@" "$BASE$p")
	BODY=$(cat "$WORK/.body")
	HEADERS=$(cat "$WORK/.headers")
	OUT=$BODY ERR="" RC=$STATUS # so that has and lacks read the body
}

# as NAME METHOD PATH [CURL ARGS...]: api with NAME's session and CSRF token
as() {
	n=$1
	m=$2
	p=$3
	shift 3
	api "$m" "$p" -b "$WORK/$n.jar" -H "X-CSRF-Token: $(csrf_of "$n")" "$@"
}
csrf_of() {
	curl -s -b "$WORK/$1.jar" "$BASE/api/session" | jq -r '.csrf_token // empty'
}

# expect_status NAME CODE
expect_status() {
	if [ "$STATUS" = "$2" ]; then ok "$1"; else
		RC=$STATUS OUT=$BODY ERR=""
		not_ok "$1" "expected HTTP $2, got $STATUS"
	fi
}
# jq_is NAME FILTER VALUE: the body's FILTER is VALUE
jq_is() {
	got=$(printf '%s' "$BODY" | jq -r "$2" 2>/dev/null)
	expect_eq "$1" "$got" "$3"
}
# header_has NAME TEXT
header_has() {
	if printf '%s\n' "$HEADERS" | grep -i -F -q -- "$2"; then ok "$1"; else
		not_ok "$1" "headers lack: $2" "headers: $HEADERS"
	fi
}
