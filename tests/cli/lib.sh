# Shared helpers for the end-to-end CLI tests; each tests/cli/test_*.sh
# sources this file. Every case prints "ok - NAME" or "not ok - NAME"
# (tests/run.sh counts them). Each script runs in its own temporary
# directory, so ./cleanheat.db is fresh; FIX is the fixture directory.
set -u
: "${CLEANHEAT:?set CLEANHEAT to the cleanheat binary}"
ROOT=$(pwd)
FIX=$ROOT/tests/fixtures
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
# no configuration file of the machine (/etc/cleanheat/cleanheat.conf) and
# no database from the environment: each test says what it uses
export CLEANHEAT_CONFIG=
unset CLEANHEAT_DB

ch() { "$CLEANHEAT" "$@"; }

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
