/*
 * plan_table — reading a published plan table (安排项目表) into a
 * ch_plan_table.
 *
 * The layout is the one offices circulate: optional title rows, a header
 * row with 序号 and 县(市), often a second header row under a merged heading
 * (合计 / 2023年实施户数 / 续建2022年户数 under 改造任务数), the energy-saving
 * column, 备注, one row per county and a 总计 row. Headings are recognised by
 * what they contain, not their exact words, so 县（市）, 县市, 续建户数 and
 * 续建2022年户数 all work; a heading that matches nothing is an error, never
 * a guess.
 */
#ifndef CH_IO_PLAN_TABLE_H
#define CH_IO_PLAN_TABLE_H

#include "core/plan.h"

/* Reads the plan table in PATH (CSV in any encoding ch_csv reads, or an
 * XLSX workbook: worksheet SHEET, NULL for the first; merged header cells
 * are read as the empty cells Excel stores) into *T (initialised here; the
 * caller disposes it). Returns 0, or CH_EINVALID /
 * CH_ENOTFOUND with a message naming the row and what is wrong when the
 * file is not a plan table at all (no header, a required column missing). */
int ch_plan_table_read(const char *path, const char *sheet, ch_plan_table *t);
/* The same over rows already split into cells: ROWS[i] has NCELLS[i] cells
 * and starts on file line LINES[i]. Used by the CSV and XLSX readers and by
 * the fuzzer. */
int ch_plan_table_parse(ch_plan_table *t, char ***rows, const size_t *ncells, const size_t *lines,
                        size_t nrows);

#endif
