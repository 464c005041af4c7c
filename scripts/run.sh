#!/bin/sh
# `make run`: the main job on a fresh checkout. Creates (or reuses)
# ./cleanheat.db, checks the Changji 2023 plan table as published (which
# reports its known misprint and the correction), stores the corrected
# plan, and prints it per county. Safe to run again: importing the same
# plan changes nothing. Then writes a synthetic register consistent with the
# plan, imports it (again: nothing changes) and shows coverage against the
# targets; then a synthetic progress batch up to 2023-07-16, the weekly
# dispatch table (also as XLSX) and the reminders to lagging counties; then
# one demo user per role (passwords printed once) and the server with the
# web dashboard on 127.0.0.1:8080 until Ctrl-C (CLEANHEAT_NO_SERVE=1: not).
# A new database (rm cleanheat.db) gets the whole demo again.
# DEMO_HOUSEHOLDS sets the register's size (default the plan's 43,977).
set -e
C=${1:-./cleanheat}
N=${DEMO_HOUSEHOLDS:-43977}
echo "== 1. 核对发布的计划表 data/plans/changji-2023.csv（原表有误，应报告并给出更正建议）"
$C plan check data/plans/changji-2023.csv || true
echo
echo "== 2. 导入更正后的计划 data/plans/changji-2023-corrected.csv（7325 → 7235，见 data/plans/README.md）"
$C plan import data/plans/changji-2023-corrected.csv --year 2023 --es-area 2462300
echo
echo "== 3. 2023 年计划"
$C plan show --year 2023
echo
echo "== 4. 生成并导入样例农户档案（合成数据，姓名均标注“样例”；户数与计划一致）"
$C demo generate --households "$N" --seed 2023 -o demo-register-2023.csv
$C household import demo-register-2023.csv | tail -n 1
echo
echo "== 5. 农户登记进度（对照计划）"
$C plan coverage --year 2023
echo
echo "== 6. 农户档案（前 5 户；身份证号、电话已脱敏）"
$C household list --county 昌吉市 --limit 5
echo
echo "== 7. 样例施工进度（截至 2023-07-16，部分县市有意滞后），导入周报"
# whether this database has its progress already (a batch in its log),
# not whether the file is there: a new database gets the batch again
if $C audit log --object event-batch: --limit 1 --format csv | sed 1d | grep -q .; then
	echo "（此数据库已导入过样例进度）"
else
	$C demo events --as-of 2023-07-16 --seed 2023 -o demo-events-2023.csv
	$C event import demo-events-2023.csv | tail -n 1
fi
$C report verify
echo
echo "== 8. 周调度表（2023 年第 28 周）；Excel 版见 dispatch-2023-W28.xlsx"
$C report dispatch --year 2023 --as-of 2023-07-16 --format csv | cut -d, -f1,2,6,11,12,13,14,16,35,36
$C report dispatch --year 2023 --as-of 2023-07-16 --format xlsx -o dispatch-2023-W28.xlsx
echo
echo "== 9. 对进度滞后县市的提醒（写入 reminders-2023-W28.txt）"
$C report remind --year 2023 --as-of 2023-07-16 -o reminders-2023-W28.txt
head -n 8 reminders-2023-W28.txt
echo
$C audit verify
echo
echo "== 10. 样例用户（每个角色一名；密码只在首次创建时显示）"
# one demo user per role, its password random and printed once; a run
# again keeps them (reset one with: ./cleanheat user passwd NAME)
for spec in demo-admin:prefecture_admin: demo-county:county_operator:昌吉市 \
	demo-reviewer:reviewer: demo-finance:finance: demo-auditor:auditor:; do
	name=${spec%%:*}
	rest=${spec#*:}
	role=${rest%%:*}
	scope=${rest#*:}
	if $C user list --format csv | grep -q "^$name,"; then
		echo "  $name（$role）已存在，密码见首次运行的输出"
		continue
	fi
	if [ -n "$scope" ]; then
		$C user add "$name" --role "$role" --scope "$scope" >/dev/null
	else
		$C user add "$name" --role "$role" >/dev/null
	fi
	pw=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
	echo "$pw" | $C user passwd "$name" >/dev/null
	echo "  $name（$role${scope:+，$scope}）密码：$pw"
done
echo "  （州级管理员和财务人员登录须二次验证：首次登录后在“二次验证”页面用手机验证器扫码绑定，见 docs/auth.md）"
echo
echo "== 11. 启动网络服务：浏览器打开 http://127.0.0.1:8080/ 用上面的样例用户登录（接口说明见 docs/api.md；Ctrl-C 停止）"
if [ "${CLEANHEAT_NO_SERVE:-}" = 1 ]; then
	echo "（CLEANHEAT_NO_SERVE=1：不启动）"
	exit 0
fi
exec $C serve --listen 127.0.0.1:8080
