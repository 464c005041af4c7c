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
has_err "an unknown option: shows the usage" "用法：cleanheat plan show"

# Help and messages are in Chinese for the people who use them; option
# names, metavariables and choice lists stay as scripts type them.
run ch help
has "help: the programme's name in Chinese" "农村清洁取暖改造管理"
has "help: the commands heading in Chinese" "命令："
has "help: household import's summary in Chinese" "导入县市农户台账"
lacks "help: no English summary of household import" "import a county ledger"
lacks "help: no English usage heading" "usage:"
lacks "help: no English exit statuses" "permission denied"
english=$(printf '%s\n' "$OUT" | grep '^      ' | LC_ALL=C grep '^[ -~]*$' | head -3)
expect_eq "help: every summary line has Chinese in it" "$english" ""
run ch household import --help
expect_rc "household import --help: exit 0" 0
has "household import --help: summary in Chinese" "导入"
has "household import --help: options heading in Chinese" "选项："
has "household import --help: --skip-invalid explained in Chinese" "保存无误的行"
has "household import --help: the option names unchanged" "--skip-invalid"
lacks "household import --help: no English sentence" "import a county ledger"
lacks "household import --help: no English option help" "store the valid rows"
english=$(printf '%s\n' "$OUT" | grep '^  -' | LC_ALL=C grep '^[ -~]*$' | head -3)
expect_eq "household import --help: every option line has Chinese in it" "$english" ""
run ch plan show --year 2023 --year 2024
has_err "an option given twice: said in Chinese" "--year 重复给出"
run ch plan show
has_err "a required option missing: said in Chinese" "--year 必须给出"
run ch plan show --year 3000
has_err "a number out of range: said in Chinese with the range" "应为 2000 到 2100 之间的整数"
run ch household list --batch 其他
expect_rc "an unknown choice: usage error" 2
has_err "an unknown choice: lists the valid ones" "请用以下之一：新建|续建"
run ch plan show --year
has_err "an option without its value: said in Chinese" "缺少取值"
run ch nosuch verb
has_err "unknown command: said in Chinese" "没有命令“nosuch verb”"
