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
trap 'stop_server; lib_cleanup' EXIT

# start_server [SERVE OPTIONS...]: serves the test's database (./cleanheat.db,
# or CLEANHEAT_DB's in the PostgreSQL mode of tests/cli/lib.sh) on
# 127.0.0.1 and a port the kernel chooses; sets BASE to its URL.
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

# spend_setup: a finance user fin, 100,000 yuan of central funds
# appropriated to the prefecture and 100,000 on to C; TOKEN is fin's bearer
# token. ntransfers prints how many transfers the ledger holds.
spend_setup() {
	ch user add fin --role finance >/dev/null
	ch --as fin funds appropriate --source central --amount 100000 --date 2023-06-01 \
		--key A-1 >/dev/null
	ch --as fin funds appropriate --source central --amount 100000 --date 2023-06-01 \
		--key A-2 --to "$C" >/dev/null
	TOKEN=$(ch token create fin --expires 1 | head -n 1)
}
ntransfers() { ch --as fin ledger verify | sed -n 's/^账簿一致：\([0-9]*\) 笔转账.*/\1/p'; }

# spend_at_once PREFIX: N clients post one county expense each, all at
# once (`funds spend`, grouped by the server): key PREFIX-I and I % 7 + 1
# yuan from C's central account for client I, 5,000,000 for client BAD
# (N, BAD, C, TOKEN and BASE are the script's). Each answer's status and
# body are kept in $WORK/PREFIX/I.status and I.body.
spend_at_once() {
	mkdir -p "$WORK/$1"
	pids=""
	i=1
	while [ $i -le $N ]; do
		amount=$((i % 7 + 1))
		[ $i -eq $BAD ] && amount=5000000
		curl -s -o "$WORK/$1/$i.body" -w '%{http_code}' -X POST \
			-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			-d "{\"county\":\"$C\",\"source\":\"central\",\"category\":\"办公经费\",\"amount\":\"$amount\",\"date\":\"2023-11-10\",\"key\":\"$1-$i\"}" \
			"$BASE/api/funds/spend" >"$WORK/$1/$i.status" &
		pids="$pids $!"
		i=$((i + 1))
	done
	# shellcheck disable=SC2086 # the clients only, not the server
	wait $pids
}

# spend_answers PREFIX [LABEL]: the answers spend_at_once kept: client BAD's
# 422 with its own reason and amount, every other 200 naming its own key;
# SPENT is set to the yuan the valid ones spent. LABEL begins each case's
# name.
spend_answers() {
	l=${2:+$2: }
	good=0 SPENT=0 wrong=""
	i=1
	while [ $i -le $N ]; do
		st=$(cat "$WORK/$1/$i.status")
		if [ $i -eq $BAD ]; then
			RC=$st OUT=$(cat "$WORK/$1/$i.body") ERR=""
			expect_eq "${l}the request for too much: 422" "$st" 422
			has "${l}the request for too much: its own reason (the balance)" "余额"
			has "${l}the request for too much: its own key or amount" "5,000,000"
		elif [ "$st" = 200 ] && grep -q "（$1-$i）" "$WORK/$1/$i.body"; then
			good=$((good + 1))
			SPENT=$((SPENT + i % 7 + 1))
		else
			wrong="$wrong $i:$st"
		fi
		i=$((i + 1))
	done
	expect_eq "${l}every valid request: 200 naming its own key" "$good" $((N - 1))
	first=${wrong# }
	[ -z "$wrong" ] || not_ok "${l}requests answered wrongly:$wrong" \
		"$(cat "$WORK/$1/${first%%:*}.body" 2>/dev/null)"
}

# user_with_password NAME ROLE [SCOPE]: adds the user through the CLI and
# sets its password to NAME-password-1. A user of a role that must sign in
# with a second factor (the role table in src/core/user.c: prefecture_admin
# and finance) is enrolled too (totp_enroll).
user_with_password() {
	if [ -n "${3:-}" ]; then ch user add "$1" --role "$2" --scope "$3" >/dev/null
	else ch user add "$1" --role "$2" >/dev/null; fi
	echo "$1-password-1" | ch user passwd "$1" >/dev/null
	case $2 in prefecture_admin | finance | 州级管理员 | 财务人员) totp_enroll "$1" ;; esac
}

# totp_now: the TOTP clock's unix seconds (the file CLEANHEAT_TOTP_CLOCK
# names, when a test sets one, else now)
totp_now() {
	if [ -n "${CLEANHEAT_TOTP_CLOCK:-}" ] && [ -s "$CLEANHEAT_TOTP_CLOCK" ]; then
		cat "$CLEANHEAT_TOTP_CLOCK"
	else
		date +%s
	fi
}

# totp_enroll NAME: `user totp enroll NAME` through the CLI, answering its
# question with a code computed (oathtool) from the secret it shows; the
# secret goes to $WORK/NAME.totp, the recovery codes to $WORK/NAME.recovery.
totp_enroll() {
	rm -f "$WORK/.totp-fifo" "$WORK/$1.enrol" "$WORK/$1.step"
	mkfifo "$WORK/.totp-fifo"
	ch user totp enroll "$1" <"$WORK/.totp-fifo" >"$WORK/$1.enrol" 2>"$WORK/$1.enrol.err" &
	enrol_pid=$!
	exec 9>"$WORK/.totp-fifo"
	i=0
	while ! grep -q '^密钥：' "$WORK/$1.enrol" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sed -n 's/^密钥：//p' "$WORK/$1.enrol" >"$WORK/$1.totp"
	totp_code "$1" >&9
	exec 9>&-
	wait "$enrol_pid" || { echo "not ok - totp enrolment of $1"; cat "$WORK/$1.enrol.err"; exit 1; }
	grep -E '^  [A-Z0-9]{5}-[A-Z0-9]{5}$' "$WORK/$1.enrol" | tr -d ' ' >"$WORK/$1.recovery"
	rm -f "$WORK/.totp-fifo"
}

# totp_code NAME: a one-time code of NAME's secret that has not been used
# yet: the current step's, or the next one's when that was used (a code
# works once), waiting for the clock when both were (a test's own clock is
# moved on instead).
totp_code() {
	last=$(cat "$WORK/$1.step" 2>/dev/null || echo 0)
	while :; do
		step=$(($(totp_now) / 30))
		s=$step
		[ "$s" -le "$last" ] && s=$((last + 1))
		[ "$s" -le $((step + 1)) ] && break
		if [ -n "${CLEANHEAT_TOTP_CLOCK:-}" ]; then # the test's clock: move it on
			echo $(($(totp_now) + 30)) >"$CLEANHEAT_TOTP_CLOCK"
		else
			sleep 1
		fi
	done
	echo "$s" >"$WORK/$1.step"
	oathtool --totp -b -N "@$((s * 30))" "$(cat "$WORK/$1.totp")"
}

# signin NAME: signs NAME in with its jar ($WORK/NAME.jar), with a fresh
# one-time code when NAME is enrolled; CSRF gets the CSRF token.
signin() {
	if [ -s "$WORK/$1.totp" ]; then
		api POST /api/session -c "$WORK/$1.jar" -H 'Content-Type: application/json' \
			-d "{\"user\":\"$1\",\"password\":\"$1-password-1\",\"totp\":\"$(totp_code "$1")\"}"
	else
		api POST /api/session -c "$WORK/$1.jar" -H 'Content-Type: application/json' \
			-d "{\"user\":\"$1\",\"password\":\"$1-password-1\"}"
	fi
	CSRF=$(printf '%s' "$BODY" | jq -r .csrf_token)
}

# api METHOD PATH [CURL ARGS...]: STATUS gets the HTTP status, BODY (and OUT,
# for has and lacks) the body, HEADERS the response headers.
api() {
	m=$1
	p=$2
	shift 2
	# HEAD by curl's own -I: with -X HEAD curl would wait for the body
	# that the Content-Length announces until the server timed it out
	if [ "$m" = HEAD ]; then set -- -I "$@"; else set -- -X "$m" "$@"; fi
	STATUS=$(curl -s -o "$WORK/.body" -D "$WORK/.headers" -w '%{http_code}' "$@" "$BASE$p")
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
