/*
 * bank_file — the files exchanged with the bank for subsidy payments.
 *
 * Out: a payment batch as the bank's instruction file (CSV, UTF-8 with BOM,
 * or XLSX by the name's extension): 流水号, 批次号, 县市, 户编号, 户主姓名,
 * 身份证号, 收款账号, 金额(元), 发放方式 — in full, because the bank needs
 * them; writing one is audited. The XLSX is also the list the office signs:
 * a title, amounts as numbers, a total row, the total in Chinese capitals
 * and the signature lines 经办、复核、审批. Both formats: docs/bank-files.md.
 * In: the bank's return file, with the columns 流水号, 金额, 状态 (成功 / 失败),
 * 日期 and 原因 under their usual names, read into rows for core/subsidy.c.
 */
#ifndef CH_IO_BANK_FILE_H
#define CH_IO_BANK_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/subsidy.h"
#include "util/strv.h"

typedef struct ch_ctx ch_ctx;

/* Writes payment batch BATCH to PATH. */
int ch_bank_file_write(ch_ctx *ctx, int64_t batch, const char *path);

/* Reads the return file PATH into *ROWS (*N of them); the strings live in
 * CELLS (the caller disposes both). */
int ch_bank_return_read(const char *path, ch_return_row **rows, size_t *n, ch_strv *cells);

#endif
