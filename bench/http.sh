#!/bin/sh
# The HTTP benchmark of `make bench`: `cleanheat serve` beside nginx serving
# the very same bytes as a static file, both loaded by wrk in the same run.
#
# usage: bench/http.sh CLEANHEAT [DB]
#
# DB is a database with a register and its progress (bench/run.sh passes the
# one it built for the dispatch benchmark); without it this script builds one
# of BENCH_HH households (default 1,000,000) with a year of synthetic steps.
# It adds a user with a password and an API token, starts `cleanheat serve
# --workers 2` and nginx (2 worker processes, its own configuration, pid
# file and logs in a temporary directory) on free loopback ports, saves the
# dispatch's JSON answer as nginx's static file, and runs wrk with 64
# connections for BENCH_HTTP_SECONDS (default 10) against each of these in
# turn, BENCH_HTTP_ROUNDS times (default 2), keeping each one's best run:
#   - GET /api/reports/dispatch with a bearer token (the answer as JSON, 200)
#   - the same with If-None-Match of its ETag (304, no body)
#   - GET /api/health (no sign-in, one database read)
#   - nginx serving the dispatch's bytes as a file (the anchor)
# and prints requests per second, p99 latency and the server's CPU time per
# request (from /proc) side by side, with the ratio of cleanheat's dispatch
# rate to nginx's. Aim: the dispatch at least 1.0x nginx's rate, p99 under
# 20 ms. Both servers are stopped at the end whatever happens. wrk, nginx
# and the servers share the machine's cores. wrk and nginx-light (Debian)
# are installed when missing and run as root; otherwise the apt-get line is
# printed and the benchmark stops.
set -eu
C=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
ROOT=$(pwd)
SECONDS_EACH=${BENCH_HTTP_SECONDS:-10}
ROUNDS=${BENCH_HTTP_ROUNDS:-2}
CONNS=64
YEAR=2023
AS_OF=2023-07-16

# wrk and nginx come from Debian (see scripts/deps.sh)
sh "$ROOT/scripts/deps.sh" "the HTTP benchmark" wrk nginx-light
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

W=$(mktemp -d)
CH_PID=
NG_PID=
stop_servers() {
	for pid in $CH_PID $NG_PID; do
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	CH_PID= NG_PID=
}
trap 'stop_servers; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

if [ $# -ge 2 ]; then
	DB=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
else
	HH=${BENCH_HH:-1000000}
	DB=$W/http.db
	echo "  building a database of $HH households with a year of steps"
	"$C" --db "$DB" plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year $YEAR \
		>/dev/null
	"$C" --db "$DB" demo generate --households "$HH" --seed 3 -o "$W/reg.csv" >/dev/null
	"$C" --db "$DB" household import "$W/reg.csv" >/dev/null
	"$C" --db "$DB" demo events --as-of 2023-10-31 --seed 3 -o "$W/ev.csv" >/dev/null
	"$C" --db "$DB" event import "$W/ev.csv" >/dev/null
	rm -f "$W/reg.csv" "$W/ev.csv"
fi
HOUSEHOLDS=$(sqlite3 "$DB" 'SELECT count(*) FROM household')

# a user with a password (for sign-in) and a token (for wrk)
BUSER=bench$$
"$C" --db "$DB" user add "$BUSER" --role prefecture_admin >/dev/null
echo "$BUSER-password-1" | "$C" --db "$DB" user passwd "$BUSER" >/dev/null
TOKEN=$("$C" --db "$DB" token create "$BUSER" | head -n 1)

# cleanheat on a port the kernel chooses (the first log line names it)
: >"$W/cleanheat.log"
"$C" --db "$DB" serve --listen 127.0.0.1:0 --workers 2 2>"$W/cleanheat.log" &
CH_PID=$!
i=0 CH_PORT=
while [ $i -lt 300 ] && [ -z "$CH_PORT" ]; do
	CH_PORT=$(sed -n 's|.*serving .* on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$W/cleanheat.log")
	[ -n "$CH_PORT" ] || sleep 0.1
	i=$((i + 1))
done
[ -n "$CH_PORT" ] || {
	echo "cleanheat serve did not start:" >&2
	cat "$W/cleanheat.log" >&2
	exit 1
}
CH=http://127.0.0.1:$CH_PORT
DISPATCH="/api/reports/dispatch?year=$YEAR&as_of=$AS_OF"

# the answer nginx will serve, byte for byte, and its ETag
mkdir -p "$W/www"
status=$(curl -s -o "$W/www/dispatch.json" -D "$W/headers" -w '%{http_code}' \
	-H "Authorization: Bearer $TOKEN" "$CH$DISPATCH")
[ "$status" = 200 ] || {
	echo "GET $DISPATCH answered $status" >&2
	cat "$W/www/dispatch.json" >&2
	exit 1
}
ETAG=$(tr -d '\r' <"$W/headers" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
BYTES=$(wc -c <"$W/www/dispatch.json")
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H "If-None-Match: $ETAG" "$CH$DISPATCH")
[ "$status" = 304 ] || {
	echo "If-None-Match $ETAG answered $status, not 304" >&2
	exit 1
}

# nginx: its own configuration and files in $W, on a free loopback port
# (tried until one binds), in the foreground of a background job
# (nginx's workers run as nobody when it is started as root: the file and
# the way to it must be readable by anyone)
mkdir -p "$W/nginx"
chmod 711 "$W"
chmod 755 "$W/www"
chmod 644 "$W/www/dispatch.json"
NG_PORT=
for try in 1 2 3 4 5 6 7 8 9 10; do
	port=$(shuf -i 20000-60999 -n 1)
	cat >"$W/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $W/nginx.pid;
error_log $W/nginx-error.log;
events { worker_connections 1024; }
http {
	types { application/json json; }
	access_log $W/nginx-access.log;
	client_body_temp_path $W/nginx/body;
	proxy_temp_path $W/nginx/proxy;
	fastcgi_temp_path $W/nginx/fastcgi;
	uwsgi_temp_path $W/nginx/uwsgi;
	scgi_temp_path $W/nginx/scgi;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 100000;
	server {
		listen 127.0.0.1:$port;
		root $W/www;
	}
}
EOF
	"$NGINX" -p "$W/nginx" -e "$W/nginx-error.log" -c "$W/nginx.conf" 2>>"$W/nginx-error.log" &
	NG_PID=$!
	i=0
	while [ $i -lt 50 ]; do
		if curl -sf -o "$W/static.json" "http://127.0.0.1:$port/dispatch.json" 2>/dev/null; then
			NG_PORT=$port
			break
		fi
		kill -0 "$NG_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$NG_PORT" ] || break
	kill -TERM "$NG_PID" 2>/dev/null || true
	wait "$NG_PID" 2>/dev/null || true
	NG_PID=
done
[ -n "$NG_PORT" ] || {
	echo "nginx did not start:" >&2
	cat "$W/nginx-error.log" >&2
	exit 1
}
cmp -s "$W/static.json" "$W/www/dispatch.json" || {
	echo "nginx does not serve the dispatch's bytes" >&2
	exit 1
}

# ticks PID...: CPU time (user + system, in clock ticks) the processes used
ticks() {
	for pid in "$@"; do cat "/proc/$pid/stat"; done 2>/dev/null |
		awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}
HZ=$(getconf CLK_TCK)

# wrk_run NAME "PIDS" URL [WRK OPTIONS...]: prints "REQ_PER_S P99_MS CPU_US"
# of a wrk run, CPU_US the server's CPU time (processes PIDS) per request;
# fails when wrk does, or saw an error answer or a socket error
wrk_run() {
	name=$1 pids=$2 url=$3
	shift 3
	t0=$(ticks $pids)
	set -- wrk -t 2 -c "$CONNS" -d "${SECONDS_EACH}s" --timeout 5s --latency "$@" "$url"
	if ! "$@" >"$W/wrk.out" 2>&1 ||
		grep -q -e 'Non-2xx or 3xx' -e 'Socket errors' "$W/wrk.out"; then
		echo "$name: wrk failed or saw errors:" >&2
		cat "$W/wrk.out" >&2
		return 1
	fi
	t1=$(ticks $pids)
	awk -v ticks=$((t1 - t0)) -v hz="$HZ" '
		function ms(v) {
			if (v ~ /us$/) return v * 0.001
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v
		}
		$1 == "99%" { p99 = ms($2) }
		$1 == "Requests/sec:" { rps = $2 }
		$2 == "requests" && $3 == "in" { n = $1 }
		END { printf "%.0f %.2f %.0f\n", rps, p99, (n > 0 ? ticks / hz * 1e6 / n : 0) }' \
		"$W/wrk.out"
}

line() { printf '  %-44s %7s req/s   p99 %7s ms   %4s us CPU/request\n' "$1" "$2" "$3" "$4"; }

echo "== HTTP: cleanheat serve --workers 2 vs nginx (2 workers), wrk $CONNS connections, best of $ROUNDS run(s) of ${SECONDS_EACH} s"
echo "  ($HOUSEHOLDS households; the dispatch is $BYTES bytes of JSON; wrk shares the cores)"
AUTH="Authorization: Bearer $TOKEN"
NG_PIDS="$NG_PID $(pgrep -P "$NG_PID" | tr '\n' ' ')"
# the best of the rounds: a burst of other work on the machine spoils one
# run, not the comparison
best() { # best NAME RPS P99 CPU: keeps the run with the higher rate
	if [ ! -f "$W/best-$1" ] || [ "$2" -gt "$(cut -d' ' -f1 "$W/best-$1")" ]; then
		echo "$2 $3 $4" >"$W/best-$1"
	fi
}
r=0
while [ $r -lt "$ROUNDS" ]; do
	wrk_run dispatch "$CH_PID" "$CH$DISPATCH" -H "$AUTH" >"$W/r"
	best dispatch $(cat "$W/r")
	wrk_run 304 "$CH_PID" "$CH$DISPATCH" -H "$AUTH" -H "If-None-Match: $ETAG" >"$W/r"
	best 304 $(cat "$W/r")
	wrk_run health "$CH_PID" "$CH/api/health" >"$W/r"
	best health $(cat "$W/r")
	wrk_run nginx "$NG_PIDS" "http://127.0.0.1:$NG_PORT/dispatch.json" >"$W/r"
	best nginx $(cat "$W/r")
	r=$((r + 1))
done
read -r d_rps d_p99 d_cpu <"$W/best-dispatch"
read -r n_rps n_p99 n_cpu <"$W/best-304"
read -r h_rps h_p99 h_cpu <"$W/best-health"
read -r g_rps g_p99 g_cpu <"$W/best-nginx"
line "cleanheat GET dispatch (bearer, 200)" "$d_rps" "$d_p99" "$d_cpu"
line "cleanheat GET dispatch, If-None-Match (304)" "$n_rps" "$n_p99" "$n_cpu"
line "cleanheat GET /api/health" "$h_rps" "$h_p99" "$h_cpu"
line "nginx, the same bytes as a static file" "$g_rps" "$g_p99" "$g_cpu"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
printf '  dispatch / nginx: ratio %s (aim >= 1.00), p99 %s ms (aim < 20 ms); 304 / nginx %s; health / nginx %s\n' \
	"$(ratio "$d_rps" "$g_rps")" "$d_p99" "$(ratio "$n_rps" "$g_rps")" "$(ratio "$h_rps" "$g_rps")"
printf '  server CPU per dispatch: cleanheat %s us, nginx %s us (ratio %s; less depends on the load of the machine than the rates)\n' \
	"$d_cpu" "$g_cpu" "$(ratio "$d_cpu" "$g_cpu")"
stop_servers
