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
# CLEANHEAT_TESTS, when set, names the scripts to run instead of all;
# TEST_JOBS, how many unit binaries and scripts run at once, both passes
# together (default: the processors; below).
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
	if [ -n "${runner:-}" ]; then
		kill -TERM "$runner" 2>/dev/null
		wait "$runner" 2>/dev/null
	fi
	[ "$mode" = pg ] && pg_cluster_stop
	rm -rf "$log" ${pgout:+"$pgout"} ${jobdir:+"$jobdir"}
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# The run's job slots (below): a FIFO holding one line for each job that may
# run, shared with the PostgreSQL pass; this shell keeps it open.
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
jobdir=$(mktemp -d)
if [ -z "${TEST_SLOTS:-}" ]; then
	TEST_SLOTS=$jobdir/slots
	mkfifo "$TEST_SLOTS"
	exec 4<>"$TEST_SLOTS"
	k=0
	while [ "$k" -lt "$jobs" ]; do
		echo >&4
		k=$((k + 1))
	done
fi
export TEST_SLOTS

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
# reported skipped. Prints what the pass shows of it, and its counts to
# the file $cnt ("PASSED FAILED SKIPPED").
unit() {
	name=$(basename "$1")
	ulog=$cnt.log
	if [ "$mode" = pg ]; then
		# short: the tests add a number to it, and a name is at most 63 bytes
		db=u_$(printf '%s' "${name#test_}" | cut -c1-16)_$$_$2
		if ! psql -X -q -d postgres -c "CREATE DATABASE $db TEMPLATE template0 STRATEGY FILE_COPY" >"$ulog" 2>&1; then
			echo "not ok - unit $name: creating its database $db"
			sed 's/^/    /' "$ulog"
			echo "0 1 0" >"$cnt"
			return
		fi
		# (PGDATABASE: the database of libpq's defaults, for test_db_pg)
		PGDATABASE=$db CLEANHEAT_TEST_PG="postgresql:///$db?host=$PGHOST&port=$PGPORT&user=$PGUSER" \
			"$1" >"$ulog" 2>&1
		rc=$?
		for d in $(psql -X -At -d postgres -c "SELECT datname FROM pg_database WHERE datname = '$db' OR datname LIKE '${db}\\_%'"); do
			psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
		done
	else
		CLEANHEAT_TEST_PG= "$1" >"$ulog" 2>&1
		rc=$?
	fi
	why=$(sed -n 's/^# SKIP //p' "$ulog" | head -1)
	if [ "$rc" -eq 0 ] && [ -n "$why" ]; then
		echo "ok - # SKIP unit $name on PostgreSQL: $why"
		echo "0 0 1" >"$cnt"
	elif [ "$rc" -eq 0 ]; then
		n=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$ulog" | tail -1)
		# cases that cannot run here, each with a line "# case skipped:
		# REASON" (test_skip_unless_sqlite)
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$ulog" | tail -1)
		echo "ok - unit $name (${n:-0} tests${s:+, $s skipped})"
		sed -n 's/^# case skipped: /    skipped: /p' "$ulog"
		echo "${n:-0} 0 ${s:-0}" >"$cnt"
	else
		n=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$ulog" | tail -1)
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$ulog" | tail -1)
		echo "not ok - unit $name"
		sed 's/^/    /' "$ulog"
		echo "${p:-0} ${n:-1} 0" >"$cnt"
	fi
	rm -f "$ulog"
}

# script FILE: runs one end-to-end script; prints its cases, and its
# counts to the file $cnt.
script() {
	sh "$1" >"$cnt.log" 2>&1
	rc=$?
	cat "$cnt.log"
	s=$(grep -c '^ok - # SKIP' "$cnt.log")
	p=$(grep -c '^ok - ' "$cnt.log")
	f=$(grep -c '^not ok - ' "$cnt.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $1 exited $rc"
		f=1
	fi
	echo "$((p - s)) $f $s" >"$cnt"
	rm -f "$cnt.log"
}

# The jobs: each unit binary, then each script. They run as many at a
# time as the run has slots, TEST_JOBS (default: the processors), shared by
# both passes: while both run, each takes a slot as one comes free, and
# the pass that goes on longer then has them all, instead of running its
# last jobs one at a time beside an idle processor. Each job's output is
# kept in a file of its own and printed in this order, with the seconds it
# took, once it is done, so a pass reads the same however they ran. More
# jobs than processors make the scripts that count what happens in a
# given time (the browser journeys' waits, the HTTP clients' deadlines)
# fail for want of time, not of correctness.
units=
for t in "$build"/tests/test_*; do
	[ -x "$t" ] && units="$units $t"
done
scripts=${CLEANHEAT_TESTS:-tests/cli/test_*.sh tests/http/test_*.sh tests/web/test_*.sh}
i=0
for t in $units $scripts; do
	[ -f "$t" ] || continue
	i=$((i + 1))
	echo "$i $t" >>"$jobdir/order"
done
# They start in that order but for the browser tests, which start first:
# they take three minutes, twice the next longest job, and started last
# they were the end of the run, beside a processor with nothing left to do.
{
	grep ' tests/web/' "$jobdir/order"
	grep -v ' tests/web/' "$jobdir/order"
} >"$jobdir/start"

# run_jobs: runs the jobs of $jobdir/start, each once it takes a slot
# (a line of the FIFO TEST_SLOTS, given back when it is done), each into
# $jobdir/N.out (once done) and N.cnt
run_jobs() {
	exec 3<>"$TEST_SLOTS"
	while read -r job t; do
		read -r _ <&3
		(
			cnt=$jobdir/$job.cnt
			t0=$(date +%s)
			case $t in
			*.sh) script "$t" ;;
			*) unit "$t" "$job" ;;
			esac >"$jobdir/$job.body" 2>&1 3>&- 4>&-
			# its name with the seconds it took, then what it printed
			{ echo "# $t ($(($(date +%s) - t0)) s)" && cat "$jobdir/$job.body"; } >"$jobdir/$job.part"
			mv "$jobdir/$job.part" "$jobdir/$job.out"
			echo >&3
		) </dev/null &
	done <"$jobdir/start"
	wait
	exec 3>&-
}
t0=$(date +%s)
run_jobs &
runner=$!
while read -r n t; do
	while [ ! -e "$jobdir/$n.out" ]; do
		if ! kill -0 "$runner" 2>/dev/null && [ ! -e "$jobdir/$n.out" ]; then
			echo "not ok - $t: no result"
			failed=$((failed + 1))
			continue 2
		fi
		sleep 1
	done
	cat "$jobdir/$n.out"
	read -r p f s <"$jobdir/$n.cnt"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done <"$jobdir/order"
wait "$runner"
runner=
echo "# all jobs ($(($(date +%s) - t0)) s, $jobs slots)"

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
