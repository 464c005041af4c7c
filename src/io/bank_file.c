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
#include "io/xlsxw.h"
#include "util/alloc.h"
#include "util/date.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/money.h"
#include "util/text.h"

/* The columns of the bank's file: key and heading. */
static const char *const heads[9][2] = {
    {"payment", "流水号"},   {"batch", "批次号"},       {"county", "县市"},
    {"hh_no", "户编号"},     {"head_name", "户主姓名"}, {"id_number", "身份证号"},
    {"account", "收款账号"}, {"amount", "金额(元)"},    {"method", "发放方式"}};

struct out {
	ch_report *r;
	size_t n, cap;
	int64_t total;
	int64_t *fen; /* each payment's amount, by row */
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
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		o->fen = ch_reallocarray(o->fen, o->cap, sizeof *o->fen);
	}
	o->fen[o->n++] = p->amount_fen;
	o->total += p->amount_fen;
	return 0;
}

/* The batch's county, day and method (for the XLSX title). */
struct batch_info {
	int64_t id;
	char county[64], day[16], method[32];
};

static int find_batch(const ch_batch_row *b, void *arg)
{
	struct batch_info *i = arg;
	if (b->id == i->id) {
		snprintf(i->county, sizeof i->county, "%s", b->county);
		snprintf(i->day, sizeof i->day, "%s", b->day);
		snprintf(i->method, sizeof i->method, "%s", ch_pay_method_label(b->method));
	}
	return 0;
}

/* The XLSX a bank counter and the office sign and file: a title, the batch
 * and its day, the payments with amounts as numbers (two decimals), a total
 * row, the total in Chinese capitals, and signature lines; A4 landscape,
 * one page wide, the column heads repeated on every page. */
static int write_xlsx(ch_ctx *ctx, int64_t batch, const ch_report *r, const struct out *o,
                      const char *path)
{
	static const double widths[9] = {8, 7, 10, 12, 10, 21, 22, 14, 11};
	struct batch_info info = {.id = batch};
	char title[256], sub[256], y[32], caps[256], words[300];
	ch_date d = {0};
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return ch_error_code();
	ch_subsidy_batches(ctx, NULL, find_batch, &info);
	ch_error_clear();
	if (ch_date_parse(info.day, &d) != 0)
		ch_error_clear();
	lxw_worksheet *ws = workbook_add_worksheet(wb, "补助发放清单");
	lxw_format *tf = workbook_add_format(wb), *sf = workbook_add_format(wb);
	lxw_format *hf = workbook_add_format(wb), *cf = workbook_add_format(wb);
	lxw_format *mf = workbook_add_format(wb), *totf = workbook_add_format(wb);
	lxw_format *totm = workbook_add_format(wb), *capf = workbook_add_format(wb);
	lxw_format *signf = workbook_add_format(wb), *nf = workbook_add_format(wb);
	format_set_border(nf, LXW_BORDER_THIN);
	format_set_align(nf, LXW_ALIGN_VERTICAL_CENTER);
	format_set_align(cf, LXW_ALIGN_VERTICAL_CENTER);
	format_set_align(mf, LXW_ALIGN_VERTICAL_CENTER);
	format_set_bold(tf);
	format_set_font_size(tf, 16);
	format_set_align(tf, LXW_ALIGN_CENTER);
	format_set_align(tf, LXW_ALIGN_VERTICAL_CENTER);
	format_set_font_size(sf, 11);
	format_set_bold(hf);
	format_set_border(hf, LXW_BORDER_THIN);
	format_set_align(hf, LXW_ALIGN_CENTER);
	format_set_align(hf, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(hf);
	format_set_bg_color(hf, 0xDDEBF7);
	format_set_border(cf, LXW_BORDER_THIN);
	format_set_num_format(cf, "@"); /* ID and account numbers stay text */
	format_set_border(mf, LXW_BORDER_THIN);
	format_set_num_format(mf, "#,##0.00");
	format_set_border(totf, LXW_BORDER_THIN);
	format_set_bold(totf);
	format_set_align(totf, LXW_ALIGN_CENTER);
	format_set_border(totm, LXW_BORDER_THIN);
	format_set_bold(totm);
	format_set_num_format(totm, "#,##0.00");
	format_set_border(capf, LXW_BORDER_THIN);
	format_set_bold(capf);
	format_set_font_size(signf, 12);

	snprintf(title, sizeof title, "%s农村清洁取暖改造补助资金发放清单", info.county);
	if (d.year)
		snprintf(sub, sizeof sub,
		         "批次号：%" PRId64 "　　发放日期：%d年%d月%d日　　发放方式：%s", batch,
		         d.year, d.month, d.day, info.method);
	else
		snprintf(sub, sizeof sub, "批次号：%" PRId64, batch);
	worksheet_merge_range(ws, 0, 0, 0, 8, title, tf);
	worksheet_set_row(ws, 0, 30, NULL);
	worksheet_merge_range(ws, 1, 0, 1, 8, sub, sf);
	lxw_row_t row = 2;
	for (lxw_col_t c = 0; c < 9; c++) {
		worksheet_write_string(ws, row, c, heads[c][1], hf);
		worksheet_set_column(ws, c, c, widths[c], NULL);
	}
	worksheet_set_row(ws, row, 20, NULL);
	for (size_t i = 0; i < o->n; i++) {
		row++;
		worksheet_set_row(ws, row, 18, NULL);
		for (lxw_col_t c = 0; c < 9; c++) {
			const char *v = ch_report_cell(r, i, c);
			if (c == 7) /* the amount, a number of yuan */
				worksheet_write_number(ws, row, c, (double)o->fen[i] / 100.0, mf);
			else if (c < 2) /* 流水号, 批次号 */
				worksheet_write_number(ws, row, c,
				                       v ? (double)strtoll(v, NULL, 10) : 0, nf);
			else
				worksheet_write_string(ws, row, c, v ? v : "", cf);
		}
	}
	row++;
	snprintf(words, sizeof words, "合计（共 %zu 户）", o->n);
	worksheet_merge_range(ws, row, 0, row, 6, words, totf);
	worksheet_write_number(ws, row, 7, (double)o->total / 100.0, totm);
	worksheet_write_blank(ws, row, 8, totf);
	worksheet_set_row(ws, row, 20, NULL);
	row++;
	snprintf(words, sizeof words, "合计金额（大写）：人民币%s　　（小写）¥%s",
	         ch_money_capitals(o->total, caps, sizeof caps),
	         ch_money_format(o->total, y, sizeof y));
	worksheet_merge_range(ws, row, 0, row, 8, words, capf);
	worksheet_set_row(ws, row, 22, NULL);
	row += 2;
	worksheet_merge_range(ws, row, 0, row, 8,
	                      "经办：＿＿＿＿＿＿＿＿　　　复核：＿＿＿＿＿＿＿＿　　　"
	                      "审批：＿＿＿＿＿＿＿＿",
	                      signf);
	worksheet_set_row(ws, row, 30, NULL);
	row++;
	worksheet_merge_range(ws, row, 0, row, 8,
	                      "日期：　　　年　　月　　日　　　　　　　　　　　　　　（单位盖章）",
	                      signf);
	worksheet_set_row(ws, row, 30, NULL);
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_set_margins(ws, 0.5, 0.5, 0.6, 0.6);
	worksheet_center_horizontally(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 2, 2);
	worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
	lxw_error err = workbook_close(wb);
	if (err != LXW_NO_ERROR)
		return ch_error_set(CH_ERROR, "%s: %s", path, lxw_strerror(err));
	return 0;
}

int ch_bank_file_write(ch_ctx *ctx, int64_t batch, const char *path)
{
	struct out o = {0};
	int rc;
	o.r = ch_report_new(NULL);
	for (int i = 0; i < 9; i++)
		ch_report_add_col(o.r, heads[i][0], heads[i][1], i < 2 ? CH_COL_INT : CH_COL_TEXT);
	rc = ch_subsidy_payments(ctx, batch, add_payment, &o);
	if (rc == 0)
		rc = ch_str_ends(path, ".xlsx") ? write_xlsx(ctx, batch, o.r, &o, path)
		                                : ch_report_write(o.r, CH_FMT_CSV, path);
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
	free(o.fen);
	return rc;
}

enum { F_PAYMENT, F_AMOUNT, F_STATUS, F_DAY, F_REASON, F_COUNT };

static int field_of(const char *h)
{
	static const char *const keys[F_COUNT] = {"payment", "amount", "status", "day", "reason"};
	return ch_headings_find("bank_return", h, keys, F_COUNT);
}

struct ch_bank_return {
	ch_rows *in;
	char *path;
	char digest[CH_HASH_HEX_LEN + 1]; /* the bytes' digest to meet, or "" */
	int col[F_COUNT];
	char *cells[F_COUNT]; /* the row handed out last, normalised */
};

static void free_cells(ch_bank_return *r)
{
	for (int f = 0; f < F_COUNT; f++) {
		free(r->cells[f]);
		r->cells[f] = NULL;
	}
}

int ch_bank_return_open(const char *path, const char *digest, ch_bank_return **out)
{
	ch_bank_return *r = ch_calloc(1, sizeof *r);
	ch_csv_row row;
	int have = 0, rc;
	*out = NULL;
	if ((rc = ch_headings_load()) != 0 || (rc = ch_rows_open_hashed(&r->in, path, NULL)) != 0) {
		free(r);
		return rc;
	}
	r->path = ch_strdup(path);
	snprintf(r->digest, sizeof r->digest, "%s", digest ? digest : "");
	while (!have && (rc = ch_rows_next(r->in, &row)) == 1) {
		rc = 0;
		for (int f = 0; f < F_COUNT; f++)
			r->col[f] = -1;
		for (size_t c = 0; c < row.nfields; c++) {
			char *h = ch_text_normalize(row.fields[c]);
			int f = field_of(h);
			if (f >= 0 && r->col[f] < 0)
				r->col[f] = (int)c;
			free(h);
		}
		have = r->col[F_PAYMENT] >= 0 && r->col[F_STATUS] >= 0;
		if (!have && row.line >= 10)
			rc = ch_error_set(CH_EINVALID, "%s：前几行中没有含“流水号”和“状态”的表头",
			                  path);
		if (rc)
			break;
	}
	if (rc == 0 && !have)
		rc = ch_error_set(CH_EINVALID, "%s：没有含“流水号”和“状态”的表头", path);
	if (rc < 0) {
		ch_bank_return_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int ch_bank_return_next(void *data, ch_return_row *out)
{
	ch_bank_return *r = data;
	ch_csv_row row;
	free_cells(r);
	int rc = ch_rows_next(r->in, &row);
	char got[CH_HASH_HEX_LEN + 1];
	if (rc == 0 && r->digest[0] && (rc = ch_rows_hash(r->in, got)) == 0 &&
	    strcmp(got, r->digest) != 0)
		rc = ch_error_set(CH_EINVALID, "%s：文件在读取过程中被改动，什么也没有入账",
		                  r->path);
	if (rc != 1)
		return rc;
	for (int f = 0; f < F_COUNT; f++)
		r->cells[f] = ch_text_normalize(
		    r->col[f] >= 0 && (size_t)r->col[f] < row.nfields ? row.fields[r->col[f]] : "");
	*out = (ch_return_row){.line = row.line,
	                       .payment = r->cells[F_PAYMENT],
	                       .amount = r->cells[F_AMOUNT],
	                       .status = r->cells[F_STATUS],
	                       .reason = r->cells[F_REASON],
	                       .day = r->cells[F_DAY]};
	return 1;
}

void ch_bank_return_close(ch_bank_return *r)
{
	if (!r)
		return;
	free_cells(r);
	ch_rows_free(r->in);
	free(r->path);
	free(r);
}
