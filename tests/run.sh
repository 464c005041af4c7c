#!/bin/sh
# Run every test against one build tree: the cmocka unit tests
# (BUILD/tests/test_*), the end-to-end CLI scripts (tests/cli/test_*.sh,
# which run BUILD/cleanheat on fixture files), the HTTP scripts
# (tests/http/) and the browser tests of the web pages (tests/web/). Prints one line per unit test
# binary and per CLI case, then "tests: N passed, N failed, N skipped" and
# exits non-zero if anything failed.
#
# The database the end-to-end scripts use: SQLite by default. With
# CLEANHEAT_TEST_DB=pg one throwaway PostgreSQL cluster is started for the
# whole run (tests/cli/pg_lib.sh; removed at the end, also after a failure
# or an interrupt) and each script gets a fresh empty database of it
# (tests/cli/lib.sh); scripts about SQLite's file itself ("# sqlite-only:"
# lines) and the unit binaries, which open SQLite databases of their own,
# are reported skipped. Without PostgreSQL installed the pass fails, or
# with CLEANHEAT_PG=skip is one skipped case.
#
# With a second build tree, both passes run at once: the SQLite pass with
# BUILD, the PostgreSQL pass with PG_BUILD (its output follows the SQLite
# pass's), and the summary counts both.
#
# CLEANHEAT_TESTS, when set, names the scripts to run instead of all.
#
# usage: tests/run.sh BUILD_DIR [PG_BUILD_DIR]
#        (`make test`: tests/run.sh build/asan build/release)
#        CLEANHEAT_TEST_DB=pg tests/run.sh BUILD_DIR
set -u
build=${1:-build/release}
pgbuild=${2:-}
mode=${CLEANHEAT_TEST_DB:-sqlite}
CLEANHEAT=$(cd "$build" && pwd)/cleanheat
export CLEANHEAT
# ASan: fail on leaks too, and report UBSan's traps (the sanitizer build
# compiles its checks as traps, Makefile) with the stack where they stopped;
# UBSan, where its runtime is used (the fuzz targets): print a stack and stop.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:handle_sigill=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# a known leak inside cairo's PDF font subsetting (see tests/lsan.supp)
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp}
passed=0
failed=0
skipped=0
log=$(mktemp)
pgout=
pgpid=
cleanup() {
	if [ -n "$pgpid" ]; then
		kill -TERM "$pgpid" 2>/dev/null
		wait "$pgpid" 2>/dev/null
	fi
	[ "$mode" = pg ] && pg_cluster_stop
	rm -f "$log" ${pgout:+"$pgout"}
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# count LOG: adds LOG's "ok -", "ok - # SKIP" and "not ok -" lines to the
# counts
count() {
	s=$(grep -c '^ok - # SKIP' "$1")
	p=$(grep -c '^ok - ' "$1")
	f=$(grep -c '^not ok - ' "$1")
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
}

case $mode in
sqlite)
	if [ -n "$pgbuild" ]; then
		pgout=$(mktemp)
		CLEANHEAT_TEST_DB=pg sh "$0" "$pgbuild" >"$pgout" 2>&1 &
		pgpid=$!
	fi
	;;
pg)
	. tests/cli/pg_lib.sh
	if ! pg_bin >/dev/null && [ "${CLEANHEAT_PG:-}" = skip ]; then
		echo "ok - # SKIP the PostgreSQL pass: no PostgreSQL server (initdb) installed"
		echo "tests: 0 passed, 0 failed, 1 skipped"
		exit 0
	fi
	pg_cluster_start >"$log" 2>&1 || {
		cat "$log"
		echo "tests: 0 passed, 1 failed, 0 skipped"
		exit 1
	}
	CLEANHEAT_TEST_DB=pg
	export CLEANHEAT_TEST_DB
	echo "# $("$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) \([^ ]*\).*/PostgreSQL \1/') at $PGHOST, port $PGPORT"
	;;
*)
	echo "not ok - CLEANHEAT_TEST_DB is sqlite or pg, not $mode"
	exit 1
	;;
esac

# unit BINARY: runs one unit test binary. On PostgreSQL it gets a fresh
# empty database of the run's cluster (CLEANHEAT_TEST_PG; the tests that
# open databases make theirs from it, tests/unit/testutil.h), dropped
# afterwards with every database made from it; a binary that runs on
# SQLite only, or opens no database, prints "# SKIP REASON" and is
# reported skipped.
unit() {
	name=$(basename "$1")
	if [ "$mode" = pg ]; then
		# short: the tests add a number to it, and a name is at most 63 bytes
		db=u_$(printf '%s' "${name#test_}" | cut -c1-16)_$$
		if ! psql -X -q -d postgres -c "CREATE DATABASE $db TEMPLATE template0" >"$log" 2>&1; then
			echo "not ok - unit $name: creating its database $db"
			sed 's/^/    /' "$log"
			failed=$((failed + 1))
			return
		fi
		# (PGDATABASE: the database of libpq's defaults, for test_db_pg)
		PGDATABASE=$db CLEANHEAT_TEST_PG="postgresql:///$db?host=$PGHOST&port=$PGPORT&user=$PGUSER" \
			"$1" >"$log" 2>&1
		rc=$?
		for d in $(psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname = '$db' OR datname LIKE '${db}\\_%'"); do
			psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
		done
	else
		CLEANHEAT_TEST_PG= "$1" >"$log" 2>&1
		rc=$?
	fi
	why=$(sed -n 's/^# SKIP //p' "$log" | head -1)
	if [ "$rc" -eq 0 ] && [ -n "$why" ]; then
		echo "ok - # SKIP unit $name on PostgreSQL: $why"
		skipped=$((skipped + 1))
	elif [ "$rc" -eq 0 ]; then
		n=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		# cases that cannot run here, each with a line "# case skipped:
		# REASON" (test_skip_unless_sqlite)
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		passed=$((passed + ${n:-0}))
		skipped=$((skipped + ${s:-0}))
		echo "ok - unit $name (${n:-0} tests${s:+, $s skipped})"
		sed -n 's/^# case skipped: /    skipped: /p' "$log"
	else
		n=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		failed=$((failed + ${n:-1}))
		passed=$((passed + ${p:-0}))
		echo "not ok - unit $name"
		sed 's/^/    /' "$log"
	fi
}

t0=$(date +%s)
for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	unit "$t"
done
echo "# unit tests ($(($(date +%s) - t0)) s)"

for t in ${CLEANHEAT_TESTS:-tests/cli/test_*.sh tests/http/test_*.sh tests/web/test_*.sh}; do
	[ -f "$t" ] || continue
	t0=$(date +%s)
	sh "$t" >"$log" 2>&1
	rc=$?
	echo "# $t ($(($(date +%s) - t0)) s)"
	cat "$log"
	count "$log"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' "$log"; then
		echo "not ok - $t exited $rc"
		failed=$((failed + 1))
	fi
done

if [ -n "$pgpid" ]; then
	wait "$pgpid"
	pgpid=
	echo "# ---- the PostgreSQL pass ($pgbuild) ----"
	cat "$pgout"
	last=$(grep '^tests: ' "$pgout" | tail -1)
	p=$(printf '%s\n' "$last" | sed -n 's/^tests: \([0-9]*\) passed.*/\1/p')
	f=$(printf '%s\n' "$last" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
	s=$(printf '%s\n' "$last" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	if [ -z "$p" ]; then
		echo "not ok - the PostgreSQL pass gave no summary"
		failed=$((failed + 1))
	fi
	echo "# SQLite pass: $passed passed, $failed failed, $skipped skipped; PostgreSQL pass: ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped"
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
