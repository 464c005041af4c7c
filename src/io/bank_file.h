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
 * 日期 and 原因 under their usual names, read a row at a time for
 * core/subsidy.c.
 */
#ifndef CH_IO_BANK_FILE_H
#define CH_IO_BANK_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/subsidy.h"

typedef struct ch_ctx ch_ctx;

/* Writes payment batch BATCH to PATH. */
int ch_bank_file_write(ch_ctx *ctx, int64_t batch, const char *path);

/* The bank's return file, read a row at a time (its rows are never all in
 * memory: a return of 1,000,000 payments held as rows took 250 MiB). */
typedef struct ch_bank_return ch_bank_return;
/* Opens PATH and reads down to its header (流水号 and 状态 within the first
 * ten rows): 0, or CH_EINVALID naming the file when it has none. DIGEST,
 * unless NULL, is the file's digest taken before (ch_hash_file): the bytes
 * read must be those, or the read fails at its end. */
int ch_bank_return_open(const char *path, const char *digest, ch_bank_return **out);
/* The next row into *ROW, as core/subsidy.h's ch_return_next_fn (DATA is
 * the ch_bank_return): its texts good until the next call. At the end, 0,
 * or CH_EINVALID when the file's bytes were not those of the digest given
 * to ch_bank_return_open (the file changed while it was read). */
int ch_bank_return_next(void *data, ch_return_row *row);
void ch_bank_return_close(ch_bank_return *r);

#endif
