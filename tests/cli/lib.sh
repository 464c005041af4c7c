# Shared helpers for the end-to-end CLI tests; each tests/cli/test_*.sh
# sources this file. Every case prints "ok - NAME" or "not ok - NAME"
# (tests/run.sh counts them). Each script runs in its own temporary
# directory, so ./cleanheat.db is fresh; FIX is the fixture directory.
#
# The test database: SQLite's ./cleanheat.db by default. With
# CLEANHEAT_TEST_DB=pg each script gets a fresh empty PostgreSQL database
# instead, named by CLEANHEAT_DB, so that every `ch ...` without --db uses
# it: in the cluster tests/run.sh started for the whole run (PG_DIR,
# PGHOST ... in the environment), else in one started for this script
# alone (tests/cli/pg_lib.sh). A script about SQLite's file itself carries
# a line "# sqlite-only: REASON" and is skipped in that mode, as is one
# that starts a PostgreSQL server of its own (a line calling pg_start); `sql QUERY`
# runs a query on whichever database the test uses, and `sqlite_only NAME
# REASON` skips one case that cannot be run on PostgreSQL.
set -u
: "${CLEANHEAT:?set CLEANHEAT to the cleanheat binary}"
ROOT=$(pwd)
FIX=$ROOT/tests/fixtures
TEST_DB=${CLEANHEAT_TEST_DB:-sqlite}
case $TEST_DB in
sqlite | pg) ;;
*)
	echo "not ok - CLEANHEAT_TEST_DB is sqlite or pg, not $TEST_DB"
	exit 1
	;;
esac
if [ "$TEST_DB" = pg ]; then
	reason=$(sed -n 's/^# sqlite-only: *//p' "$0" | head -1)
	# a test about PostgreSQL itself starts a server of its own (pg_start)
	grep -q '^pg_start' "$0" && reason="starts a PostgreSQL server of its own (runs in the SQLite pass)"
	if [ -n "$reason" ]; then
		echo "ok - # SKIP $(basename "$0") on PostgreSQL: $reason"
		exit 0
	fi
fi
WORK=$(mktemp -d)
cd "$WORK" || exit 1
# no configuration file of the machine (/etc/cleanheat/cleanheat.conf) and
# no database from the environment: each test says what it uses
export CLEANHEAT_CONFIG=
unset CLEANHEAT_DB
TEST_PGDB=
OWN_CLUSTER=
# lib_cleanup: what every script's exit removes (a script that sets its
# own EXIT trap calls it)
lib_cleanup() {
	if [ -n "$TEST_PGDB" ]; then
		for d in "$TEST_PGDB" $(cd "$WORK" 2>/dev/null && ls -A | sed -n 's/^\.pgdb\.//p'); do
			psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" \
				>/dev/null 2>&1
		done
		[ -n "$OWN_CLUSTER" ] && pg_cluster_stop
	fi
	rm -rf "$WORK"
}
trap lib_cleanup EXIT
if [ "$TEST_DB" = pg ]; then
	. "$ROOT/tests/cli/pg_lib.sh"
	if [ -z "${PG_DIR:-}" ] || [ ! -d "$PG_DIR" ]; then
		trap 'exit 1' HUP INT PIPE TERM
		OWN_CLUSTER=1
		pg_cluster_start || exit 1
	fi
	# short: a name is at most 63 bytes, and pg_db adds to it
	TEST_PGDB=t_$(basename "$0" .sh | sed 's/^test_//' | cut -c1-16)_$$
	# LOCALE 'C.UTF-8': text sorts by code point, as in SQLite. STRATEGY
	# FILE_COPY (here and below): the server copies the template's files
	# instead of writing each of its pages to its log, about half the
	# processor time of a CREATE DATABASE (61 against 128 ms, psql's
	# included), as the unit tests' databases are made (tests/unit/testdb.h)
	psql -X -q -d postgres -c "CREATE DATABASE \"$TEST_PGDB\" TEMPLATE template0 LOCALE 'C.UTF-8' STRATEGY FILE_COPY" \
		>/dev/null || { echo "not ok - creating the test database $TEST_PGDB"; exit 1; }
	CLEANHEAT_DB="postgresql:///$TEST_PGDB?host=$PGHOST&port=$PGPORT&user=$PGUSER"
	export CLEANHEAT_DB
fi

# ch ARGS...: runs cleanheat. In the PostgreSQL mode a database file the
# test names with --db NAME.db (or --db=NAME.db) stands for a PostgreSQL
# database of its own (pg_db NAME.db): so `ch --db r.db ...` and
# `ch --db acc.db ...` still use two different databases, both fresh.
# Other --db values (sqlite:PATH, URLs) are left as they are.
ch() {
	if [ "$TEST_DB" = pg ]; then
		next=
		for a do
			shift
			if [ -n "$next" ]; then
				a=$(pg_db "$a")
				next=
			else
				case $a in
				--db) next=1 ;;
				--db=*) a=--db=$(pg_db "${a#--db=}") ;;
				esac
			fi
			set -- "$@" "$a"
		done
	fi
	"$CLEANHEAT" "$@"
}

# pg_db NAME: in the PostgreSQL mode, the URL of the database standing for
# the SQLite file NAME (*.db, not sqlite:...), created empty when first
# named; ./cleanheat.db (also as $WORK/cleanheat.db) is the script's own
# database. Anything else, and everything on SQLite, is printed as it is.
pg_db() {
	n=$(pg_name "$1")
	case $n in
	t_*)
		if [ "$n" != "$TEST_PGDB" ] && [ ! -e "$WORK/.pgdb.$n" ]; then
			# two processes may name it at once: the second CREATE fails
			psql -X -q -d postgres -c "CREATE DATABASE \"$n\" TEMPLATE template0 LOCALE 'C.UTF-8' STRATEGY FILE_COPY" \
				>/dev/null 2>&1
			: >"$WORK/.pgdb.$n"
		fi
		echo "postgresql:///$n?host=$PGHOST&port=$PGPORT&user=$PGUSER"
		;;
	*) echo "$1" ;;
	esac
}
# pg_name NAME: the PostgreSQL database's name for NAME (see pg_db), or
# NAME itself
pg_name() {
	case $TEST_DB:${1#"$WORK"/} in
	pg:*:* | sqlite:*) echo "$1" ;;
	pg:cleanheat.db | pg:./cleanheat.db) echo "$TEST_PGDB" ;;
	pg:*.db) echo "${TEST_PGDB}_$(printf '%s' "${1%.db}" | tr -c 'A-Za-z0-9_' _ | cut -c1-30)" ;;
	*) echo "$1" ;;
	esac
}

# db_cp FROM TO: copies the test database FROM (a file name, see pg_db) to
# TO: the file, or on PostgreSQL a new database made from FROM's
db_cp() {
	if [ "$TEST_DB" = pg ]; then
		pg_db "$1" >/dev/null
		db_rm "$2"
		psql -X -q -d postgres -c "CREATE DATABASE \"$(pg_name "$2")\" TEMPLATE \"$(pg_name "$1")\" STRATEGY FILE_COPY" \
			>/dev/null && : >"$WORK/.pgdb.$(pg_name "$2")"
	else
		cp "$1" "$2"
	fi
}
# db_rm NAME...: removes the test databases NAME (files; on PostgreSQL the
# databases they stand for, made again empty when next named)
db_rm() {
	for f do
		rm -f "$f" "$f-wal" "$f-shm"
		[ "$TEST_DB" = pg ] || continue
		n=$(pg_name "$f")
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$n\" WITH (FORCE)" >/dev/null 2>&1
		rm -f "$WORK/.pgdb.$n"
	done
}
# db_exists NAME: the test database NAME was created: the file exists, or
# on PostgreSQL the database it stands for has the program's tables
db_exists() {
	if [ "$TEST_DB" = pg ]; then
		[ "$(sql "$1" "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")" != 0 ]
	else
		[ -e "$1" ]
	fi
}

# run CMD...: runs it, keeping stdout in $OUT, stderr in $ERR, status in $RC
run() {
	"$@" >"$WORK/.out" 2>"$WORK/.err"
	RC=$?
	OUT=$(cat "$WORK/.out")
	ERR=$(cat "$WORK/.err")
}

ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1"
	shift
	for l in "$@"; do echo "    $l"; done
	echo "    exit: ${RC:-?}"
	echo "    stdout: $(printf '%s' "${OUT:-}" | head -c 2000)"
	echo "    stderr: $(printf '%s' "${ERR:-}" | head -c 2000)"
}

# expect_rc NAME CODE: the last run exited CODE
expect_rc() {
	if [ "$RC" -eq "$2" ]; then ok "$1"; else not_ok "$1" "expected exit $2"; fi
}
# expect_out NAME TEXT: the last run's stdout contains TEXT
expect_out() {
	case "$OUT" in *"$2"*) ok "$1" ;; *) not_ok "$1" "stdout lacks: $2" ;; esac
}
expect_err() {
	case "$ERR" in *"$2"*) ok "$1" ;; *) not_ok "$1" "stderr lacks: $2" ;; esac
}
expect_no_out() {
	case "$OUT" in *"$2"*) not_ok "$1" "stdout should not contain: $2" ;; *) ok "$1" ;; esac
}

# has NAME TEXT / lacks NAME TEXT: the last run's stdout has (lacks) TEXT as
# a fixed string; has_err looks at stderr
has() {
	if printf '%s\n' "$OUT" | grep -F -q -- "$2"; then ok "$1"; else not_ok "$1" "stdout lacks: $2"; fi
}
lacks() {
	if printf '%s\n' "$OUT" | grep -F -q -- "$2"; then not_ok "$1" "stdout should not contain: $2"; else ok "$1"; fi
}
has_err() {
	if printf '%s\n' "$ERR" | grep -F -q -- "$2"; then ok "$1"; else not_ok "$1" "stderr lacks: $2"; fi
}
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected [$3], got [$2]"; fi
}
# expect_ne NAME A B: A and B differ (and A is not empty)
expect_ne() {
	if [ -n "$2" ] && [ "$2" != "$3" ]; then ok "$1"; else not_ok "$1" "expected a difference, both are [$2]"; fi
}

# sql [NAME.db] QUERY: runs QUERY (SQL both dialects take) on the test's
# database (./cleanheat.db, or the PostgreSQL database of CLEANHEAT_DB), or
# on the one NAME.db stands for (pg_db), and prints its rows, columns
# separated by "|", as sqlite3 does
sql() {
	if [ $# -eq 1 ]; then set -- cleanheat.db "$1"; fi
	if [ "$TEST_DB" = pg ]; then
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$(pg_db "$1")" -c "$2"
	else
		sqlite3 "$1" "$2"
	fi
}

# sql_tables [NAME.db]: the names of the tables in the test's database (or
# NAME's), one a line, sorted
sql_tables() {
	if [ "$TEST_DB" = pg ]; then
		sql "${1:-cleanheat.db}" "SELECT table_name FROM information_schema.tables
			WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
	else
		sql "${1:-cleanheat.db}" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1"
	fi
}

# county_follows DB TABLE: cases that TABLE has rows and that each carries
# its household's county (TABLE.county_id, through household_id), the key
# it is spread by on a Citus cluster; on PostgreSQL, that a row moved to
# another county is refused (its foreign keys go through the county)
county_follows() {
	n=$(sql "$1" "SELECT count(*) FROM $2")
	bad=$(sql "$1" "SELECT count(*) FROM $2 x JOIN household h ON h.id = x.household_id
		WHERE coalesce(x.county_id, 0) <> h.county_id")
	if [ "$n" -gt 0 ] && [ "$bad" = 0 ]; then
		ok "county: the $n rows of $2 carry their household's county"
	else
		not_ok "county: the rows of $2 carry their household's county" "$bad of $n do not"
	fi
	[ "$TEST_DB" = pg ] || return 0
	run sql "$1" "UPDATE $2 SET county_id = (SELECT max(id) FROM region WHERE level = 2
		AND id <> $2.county_id)"
	expect_rc "county: PostgreSQL refuses a row of $2 in another county" 1
	has_err "county: the refusal of $2 names the foreign key" "foreign key"
}

# sqlite_only NAME REASON: returns 0 (the case runs) on SQLite; on
# PostgreSQL prints the case as skipped with REASON and returns 1
sqlite_only() {
	[ "$TEST_DB" = sqlite ] && return 0
	echo "ok - # SKIP $1: $2"
	return 1
}

# review_passed DB COUNTY SEED: a review cycle of COUNTY in which every
# sampled household passes: applied for on 2023-10-10 with every household
# passed, assigned to 州住建局 and the reviewer rv (who must exist) with
# SEED, and a pass (evidence photo.jpg, 2023-10-20) for each household
# sampled. APP gets the application's number; a step that fails prints a
# "not ok" line.
review_passed() {
	APP=$(ch --db "$1" review apply --county "$2" --date 2023-10-10 --all-passed |
		sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
	[ -n "$APP" ] || echo "not ok - review apply for $2"
	ch --db "$1" review assign "$APP" --unit 州住建局 --reviewer rv --seed "$3" \
		>/dev/null || echo "not ok - review assign $APP"
	for h in $(ch --db "$1" --as rv review sample "$APP" --format csv | tr -d '\r' |
		awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }'); do
		ch --db "$1" --as rv review result "$APP" "$h" --result pass \
			--evidence photo.jpg --date 2023-10-20 >/dev/null || echo "not ok - review result of $h"
	done
}
