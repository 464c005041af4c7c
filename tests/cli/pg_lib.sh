# A throwaway PostgreSQL cluster: its data, its log and its Unix socket in
# a temporary folder, no TCP address, stopped and removed at the end, also
# after a failure. Two users:
#
# - a test about PostgreSQL itself (tests/cli/test_pg*.sh) sources
#   tests/cli/lib.sh first, then this file, then calls pg_start: a cluster
#   of its own with a database `cleanheat`, removed when the test exits;
# - the suite's PostgreSQL mode (CLEANHEAT_TEST_DB=pg; tests/run.sh) calls
#   pg_cluster_start once for the whole run and pg_cluster_stop at its
#   end; tests/cli/lib.sh then gives each test script a fresh empty
#   database of that cluster.
#
# The server refuses to run as root: as root the cluster is created and run
# by the `postgres` user (runuser), which owns the folder. PostgreSQL 15 or
# later is needed (scripts/deps.sh installs postgresql-15); without initdb
# a test reports one skipped case and exits 0 only when CLEANHEAT_PG=skip,
# otherwise it fails.
#
# After pg_cluster_start (and pg_start): PG_DIR (the folder), PG_BIN,
# PGHOST (the socket folder), PGPORT, PGUSER, all exported. pg_start adds
# PGURL (naming the database `cleanheat`) and PGDATABASE.
# pg_newdb NAME creates another empty database and prints its URL.
# pg_crash stops the server at once (`pg_ctl stop -m immediate`: no
# checkpoint, as after a power cut); pg_restart starts it again on the same
# data, socket and port (it recovers from its log).

pg_bin() {
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

# as_pg CMD...: runs CMD as the cluster's owner
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_cluster_stop: stops the cluster at once and removes its folder
pg_cluster_stop() {
	if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
		as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
		rm -rf "$PG_DIR"
	fi
}

pg_stop() {
	pg_cluster_stop
	rm -rf "$WORK"
}

pg_restart() {
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -p $PGPORT -c fsync=off -c full_page_writes=off" \
		start >/dev/null 2>&1 ||
		{ echo "not ok - the PostgreSQL server did not start"; sed 's/^/    /' "$PG_DIR/server.log"; return 1; }
}

pg_crash() {
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
}

# pg_cluster_start: creates and starts the cluster; returns non-zero with
# a "not ok" line (and the log) when it cannot, 2 when PostgreSQL is not
# installed
pg_cluster_start() {
	if ! PG_BIN=$(pg_bin); then
		echo "not ok - PostgreSQL server (initdb) is not installed: sh scripts/deps.sh"
		return 2
	fi
	# short: the socket path must fit in 107 bytes. In memory (/dev/shm)
	# where the machine has room there (2 GiB; the suite's clusters held
	# a few hundred MB at once, and a container's /dev/shm may be 64 MB):
	# the files are thrown away at the end, and the suite creates and drops
	# a database for each test, which a disk's file system journals for
	# nothing (on ext4, test_core's PostgreSQL run took 50 s against
	# 40-42 s). CLEANHEAT_PG_TMP names another folder.
	pgtmp=${CLEANHEAT_PG_TMP:-}
	if [ -z "$pgtmp" ]; then
		pgtmp=${TMPDIR:-/tmp}
		if [ -d /dev/shm ] && [ -w /dev/shm ] &&
			[ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -ge 2097152 ] 2>/dev/null; then
			pgtmp=/dev/shm
		fi
	fi
	PG_DIR=$(mktemp -d "$pgtmp/chpg.XXXXXX") || return 1
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$PG_DIR"
		chmod 700 "$PG_DIR"
		PGUSER=postgres
	else
		PGUSER=$(id -un)
	fi
	# a free port: the socket is private to the folder, but the port number
	# names the socket file and the shared memory, so pick one nobody uses
	PGPORT=$(awk 'BEGIN{srand(); print 20000 + int(rand() * 20000)}')
	while [ -e "/tmp/.s.PGSQL.$PGPORT" ] || ss -ltn 2>/dev/null | grep -q ":$PGPORT "; do
		PGPORT=$((PGPORT + 1))
	done
	as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PGUSER" -A trust -E UTF8 \
		--locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ echo "not ok - initdb failed"; sed 's/^/    /' "$PG_DIR/initdb.log"; return 1; }
	pg_restart || return 1
	PGHOST=$PG_DIR
	# the server's own psql first: Debian's /usr/bin/psql is a Perl
	# wrapper that picks a version and costs the suite's thousands of
	# calls twice what psql does (99 ms a call against 44, measured)
	PATH=$PG_BIN:$PATH
	export PG_DIR PG_BIN PGHOST PGPORT PGUSER PATH
}

pg_start() {
	if ! pg_bin >/dev/null && [ "${CLEANHEAT_PG:-}" = skip ]; then
		echo "ok - # SKIP no PostgreSQL server (initdb) installed"
		exit 0
	fi
	trap pg_stop EXIT
	trap 'exit 1' HUP INT PIPE TERM
	pg_cluster_start || exit 1
	psql -q -d postgres -c "CREATE DATABASE cleanheat STRATEGY FILE_COPY" >/dev/null || exit 1
	PGDATABASE=cleanheat
	export PGDATABASE
	PGURL="postgresql:///cleanheat?host=$PG_DIR&port=$PGPORT&user=$PGUSER"
}

# pg_newdb NAME: a new empty database; prints its URL
pg_newdb() {
	psql -q -d postgres -c "CREATE DATABASE \"$1\" STRATEGY FILE_COPY" >/dev/null || return 1
	echo "postgresql:///$1?host=$PG_DIR&port=$PGPORT&user=$PGUSER"
}
