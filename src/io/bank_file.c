/*
 * bank_file — payment instruction files out, return files in (see
 * bank_file.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx.h"
#include "io/bank_file.h"
#include "io/headings.h"
#include "io/report.h"
#include "io/rows.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/text.h"

struct out {
	ch_report *r;
	size_t n;
	int64_t total;
};

static int add_payment(const ch_payment_row *p, void *arg)
{
	struct out *o = arg;
	const char *m = ch_pay_method_label(p->method);
	char amount[32];
	snprintf(amount, sizeof amount, "%" PRId64 ".%02d", p->amount_fen / 100,
	         (int)(p->amount_fen % 100));
	ch_report_add_row(o->r, 0);
	ch_report_set_int(o->r, 0, p->id);
	ch_report_set_int(o->r, 1, p->batch);
	ch_report_set_text(o->r, 2, p->county);
	ch_report_set_text(o->r, 3, p->hh_no);
	ch_report_set_text(o->r, 4, p->head_name);
	ch_report_set_text(o->r, 5, p->id_number);
	ch_report_set_text(o->r, 6, p->account);
	ch_report_set_text(o->r, 7, amount);
	ch_report_set_text(o->r, 8, m);
	o->n++;
	o->total += p->amount_fen;
	return 0;
}

int ch_bank_file_write(ch_ctx *ctx, int64_t batch, const char *path)
{
	static const char *const heads[9][2] = {
	    {"payment", "流水号"},   {"batch", "批次号"},       {"county", "县市"},
	    {"hh_no", "户编号"},     {"head_name", "户主姓名"}, {"id_number", "身份证号"},
	    {"account", "收款账号"}, {"amount", "金额(元)"},    {"method", "发放方式"}};
	struct out o = {0};
	int rc;
	o.r = ch_report_new(NULL);
	for (int i = 0; i < 9; i++)
		ch_report_add_col(o.r, heads[i][0], heads[i][1], i < 2 ? CH_COL_INT : CH_COL_TEXT);
	rc = ch_subsidy_payments(ctx, batch, add_payment, &o);
	if (rc == 0)
		rc = ch_report_write(o.r, ch_str_ends(path, ".xlsx") ? CH_FMT_XLSX : CH_FMT_CSV,
		                     path);
	if (rc == 0 && (rc = ch_ctx_begin(ctx)) == 0) {
		char obj[64], after[128];
		snprintf(obj, sizeof obj, "payment-batch:%" PRId64, batch);
		snprintf(after, sizeof after, "{\"payments\":%zu,\"total_fen\":%" PRId64 "}", o.n,
		         o.total);
		rc = ch_audit_append(ctx, "subsidy.payfile", obj, NULL, after);
		if (rc == 0)
			rc = ch_ctx_commit(ctx);
		else
			ch_ctx_rollback(ctx);
	}
	ch_report_free(o.r);
	return rc;
}

enum { F_PAYMENT, F_AMOUNT, F_STATUS, F_DAY, F_REASON, F_COUNT };

static int field_of(const char *h)
{
	static const char *const keys[F_COUNT] = {"payment", "amount", "status", "day", "reason"};
	return ch_headings_find("bank_return", h, keys, F_COUNT);
}

int ch_bank_return_read(const char *path, ch_return_row **rows, size_t *n, ch_strv *cells)
{
	ch_rows *in;
	ch_csv_row row;
	int col[F_COUNT], have = 0, rc;
	size_t cap = 0, *bases = NULL; /* where each row's cells start in CELLS */
	*rows = NULL;
	*n = 0;
	if ((rc = ch_headings_load()) != 0 || (rc = ch_rows_open(&in, path, NULL)) != 0)
		return rc;
	while ((rc = ch_rows_next(in, &row)) == 1) {
		rc = 0;
		if (!have) {
			for (int f = 0; f < F_COUNT; f++)
				col[f] = -1;
			for (size_t c = 0; c < row.nfields; c++) {
				char *h = ch_text_normalize(row.fields[c]);
				int f = field_of(h);
				if (f >= 0 && col[f] < 0)
					col[f] = (int)c;
				free(h);
			}
			have = col[F_PAYMENT] >= 0 && col[F_STATUS] >= 0;
			if (!have && row.line >= 10) {
				rc = ch_error_set(
				    CH_EINVALID,
				    "%s: no header with 流水号 and 状态 in the first rows", path);
				break;
			}
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*rows = ch_reallocarray(*rows, cap, sizeof **rows);
			bases = ch_reallocarray(bases, cap, sizeof *bases);
		}
		/* keep the strings; point the rows at them once all are pushed,
		 * as CELLS may move while it grows */
		bases[*n] = cells->len;
		for (int f = 0; f < F_COUNT; f++)
			ch_strv_push_owned(
			    cells, ch_text_normalize(col[f] >= 0 && (size_t)col[f] < row.nfields
			                                 ? row.fields[col[f]]
			                                 : ""));
		(*rows)[*n].line = row.line;
		(*n)++;
	}
	ch_rows_free(in);
	if (rc == 0 && !have)
		rc = ch_error_set(CH_EINVALID, "%s: no header with 流水号 and 状态", path);
	if (rc < 0) {
		free(bases);
		free(*rows);
		*rows = NULL;
		*n = 0;
		return rc;
	}
	for (size_t i = 0; i < *n; i++) {
		size_t base = bases[i];
		(*rows)[i].payment = cells->items[base + F_PAYMENT];
		(*rows)[i].amount = cells->items[base + F_AMOUNT];
		(*rows)[i].status = cells->items[base + F_STATUS];
		(*rows)[i].day = cells->items[base + F_DAY];
		(*rows)[i].reason = cells->items[base + F_REASON];
	}
	free(bases);
	return 0;
}
