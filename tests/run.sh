#!/bin/sh
# Run every test against one build tree: the cmocka unit tests
# (BUILD/tests/test_*), the end-to-end CLI scripts (tests/cli/test_*.sh,
# which run BUILD/cleanheat on fixture files), the HTTP scripts
# (tests/http/) and the browser tests of the web pages (tests/web/). Prints one line per unit test
# binary and per CLI case, then "tests: N passed, N failed" and exits
# non-zero if anything failed.
#
# usage: tests/run.sh BUILD_DIR     (e.g. build/asan)
set -u
build=${1:-build/release}
CLEANHEAT=$(cd "$build" && pwd)/cleanheat
export CLEANHEAT
# ASan: fail on leaks too; UBSan: print a stack and stop.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# a known leak inside cairo's PDF font subsetting (see tests/lsan.supp)
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/lsan.supp}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	if "$t" >"$log" 2>&1; then
		n=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		passed=$((passed + ${n:-0}))
		echo "ok - unit $(basename "$t") (${n:-0} tests)"
	else
		n=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		failed=$((failed + ${n:-1}))
		passed=$((passed + ${p:-0}))
		echo "not ok - unit $(basename "$t")"
		sed 's/^/    /' "$log"
	fi
done

for t in tests/cli/test_*.sh tests/http/test_*.sh tests/web/test_*.sh; do
	[ -f "$t" ] || continue
	sh "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok - ' "$log")
	f=$(grep -c '^not ok - ' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited $rc"
		failed=$((failed + 1))
	fi
done

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
