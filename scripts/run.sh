#!/bin/sh
# `make run`: the main job on a fresh checkout. Creates (or reuses)
# ./cleanheat.db, checks the Changji 2023 plan table as published (which
# reports its known misprint and the correction), stores the corrected
# plan, and prints it per county. Safe to run again: importing the same
# plan changes nothing. Then writes a synthetic register consistent with the
# plan, imports it (again: nothing changes) and shows coverage against the
# targets.
set -e
C=${1:-./cleanheat}
echo "== 1. 核对发布的计划表 data/plans/changji-2023.csv（原表有误，应报告并给出更正建议）"
$C plan check data/plans/changji-2023.csv || true
echo
echo "== 2. 导入更正后的计划 data/plans/changji-2023-corrected.csv（7325 → 7235，见 data/plans/README.md）"
$C plan import data/plans/changji-2023-corrected.csv --year 2023 --es-area 2462300
echo
echo "== 3. 2023 年计划"
$C plan show --year 2023
echo
echo "== 4. 生成并导入样例农户档案（合成数据，姓名均标注“样例”）"
$C demo generate --households 5000 --seed 2023 -o demo-register-2023.csv
$C household import demo-register-2023.csv | tail -n 3
echo
echo "== 5. 农户登记进度（对照计划）"
$C plan coverage --year 2023
echo
echo "== 6. 农户档案（前 5 户；身份证号、电话已脱敏）"
$C household list --county 昌吉市 --limit 5
echo
$C audit verify
