#!/bin/sh
# Help printed from the operation table: `cleanheat help` lists every
# command; `cleanheat GROUP VERB --help` exits 0 for every one of them and
# lists each option of its usage line with a line of help; `cleanheat help
# GROUP` shows the group; unknown commands are usage errors (exit 2).
. "$(dirname "$0")/lib.sh"

run ch help
expect_rc "help: exit 0" 0
has "help: lists plan import" "cleanheat plan import"
has "help: lists subsidy pay" "cleanheat subsidy pay"
cmds=$(printf '%s\n' "$OUT" | sed -n 's/^  cleanheat \([a-z-]*\) \([a-z-]*\).*/\1 \2/p' |
	grep -v '^help \|^version ')
n=$(printf '%s\n' "$cmds" | grep -c .)
if [ "$n" -ge 40 ]; then ok "help: lists $n commands"; else not_ok "help: lists only $n commands"; fi

bad=""
printf '%s\n' "$cmds" | while read -r g v; do
	usage=$(printf '%s\n' "$OUT" | grep "^  cleanheat $g $v " | head -1)
	"$CLEANHEAT" "$g" "$v" --help >"$WORK/.help" 2>"$WORK/.herr"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "not ok - $g $v --help exits $rc"
		continue
	fi
	missing=""
	for o in $(printf '%s\n' "$usage" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		# the option's own line: two spaces, the option, then its help
		grep -q -- "^  $o\( \|$\)" "$WORK/.help" ||
			grep -q -- "^  -o, $o " "$WORK/.help" || missing="$missing $o"
	done
	if [ -n "$missing" ]; then
		echo "not ok - $g $v --help lacks:$missing"
	else
		echo "ok - $g $v --help exits 0 and explains every option"
	fi
done

run ch help household
expect_rc "help household: exit 0" 0
has "help household: shows household import's options" "--skip-invalid"
run ch plan show --help
has "plan show --help: the year's range" "2000–2100"
run ch help nosuch
expect_rc "help nosuch: usage error" 2
run ch nosuch verb
expect_rc "unknown command: usage error" 2
run ch plan show --year 2023 --year 2024
expect_rc "an option given twice: usage error" 2
has_err "an option given twice: names it" "--year"
run ch plan show --year 2023 --bogus
expect_rc "an unknown option: usage error" 2
has_err "an unknown option: names it" "--bogus"
has_err "an unknown option: shows the usage" "usage: cleanheat plan show"
