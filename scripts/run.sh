#!/bin/sh
# `make run`: the main job on a fresh checkout. Creates (or reuses)
# ./cleanheat.db, checks the Changji 2023 plan table as published (which
# reports its known misprint and the correction), stores the corrected
# plan, and prints it per county. Safe to run again: importing the same
# plan changes nothing.
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
$C audit verify
