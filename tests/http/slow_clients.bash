#!/bin/bash
# slow_clients.bash PORT N SECONDS: a slow-client ("slowloris") load for
# test_hostile.sh. Opens N connections to 127.0.0.1:PORT and on each sends
# a request one byte a second, never finishing its header; stops after
# SECONDS, or as soon as the server has closed every one. Prints
# "connected K" once, then after each second "T OPEN" (seconds since the
# start, connections still open). Bounded in connections and time, talks
# only to 127.0.0.1, and closes what it opened when it ends.
set -u
port=$1 n=$2 limit=$3
trap '' PIPE # a write to a connection the server closed fails, nothing more
req="GET /api/health HTTP/1.1"$'\r\n'"Host: 127.0.0.1"$'\r\n'"X-Slow: "
fds=()
for ((i = 0; i < n; i++)); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || break
	fds+=("$fd")
done
echo "connected ${#fds[@]}"
declare -A closed=()
for ((t = 0; t < limit; t++)); do
	open=0
	for fd in "${fds[@]}"; do
		[ -n "${closed[$fd]:-}" ] && continue
		# readable now means the server answered or closed: either way
		# it is done with this connection
		if read -r -t 0 -u "$fd" 2>/dev/null; then
			closed[$fd]=1
			exec {fd}>&-
			continue
		fi
		if [ "$t" -lt ${#req} ]; then b=${req:t:1}; else b=a; fi
		if ! printf '%s' "$b" >&"$fd" 2>/dev/null; then
			closed[$fd]=1
			exec {fd}>&-
			continue
		fi
		open=$((open + 1))
	done
	echo "$t $open"
	[ "$open" -eq 0 ] && break
	sleep 1
done
for fd in "${fds[@]}"; do
	[ -n "${closed[$fd]:-}" ] || exec {fd}>&-
done
