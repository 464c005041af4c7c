/*
 * notice_sheet — the notice board's A4 sheet of a public notice (see
 * notice_sheet.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notice.h"
#include "io/notice_pdf.h"
#include "io/notice_sheet.h"
#include "io/xlsxw.h"
#include "util/date.h"
#include "util/error.h"
#include "util/money.h"
#include "util/text.h"

#define NCOLS CH_NOTICE_NCOLS

const char *const ch_notice_heads[NCOLS] = {
    "序号",         "村",  "户主姓名", "身份证号", "改造方式", "节能改造措施", "节能改造面积(㎡)",
    "补助金额(元)", "备注"};
const double ch_notice_widths[NCOLS] = {6, 14, 10, 21, 14, 22, 12, 13, 14};

void ch_notice_texts_of(const ch_notice_head *h, ch_notice_texts *t)
{
	char a[24], b[24];
	ch_date_chinese(h->start, a, sizeof a);
	ch_date_chinese(h->end, b, sizeof b);
	snprintf(t->title, sizeof t->title, "%s%s农村清洁取暖改造补助资金发放公示", h->county,
	         h->village ? h->village : "");
	snprintf(t->office, sizeof t->office,
	         "公示编号：%s　　　　公示单位：%s清洁取暖工作领导小组办公室", h->number,
	         h->county);
	snprintf(t->period, sizeof t->period,
	         "    经农户申请、县级自验和州级复核，下列农户符合补助条件，现将补助名单予以公示。"
	         "公示期为%" PRId64 "个工作日（%s至%s）。公示期内，对名单有异议的，"
	         "可向本村村民委员会或%s清洁取暖工作领导小组办公室实名或匿名反映"
	         "（书面材料、来电或来访均可），请写明所指农户和理由；"
	         "经核实异议成立的，不予发放补助。联系电话：＿＿＿＿＿＿＿＿",
	         h->days, a, b, h->county);
}

void ch_notice_cells_of(const ch_notice_item *i, size_t seq, ch_notice_cells *out)
{
	snprintf(out->c[0], sizeof out->c[0], "%zu", seq);
	snprintf(out->c[1], sizeof out->c[1], "%s", i->village);
	snprintf(out->c[2], sizeof out->c[2], "%s", i->head_name);
	snprintf(out->c[3], sizeof out->c[3], "%s", i->id_masked);
	snprintf(out->c[4], sizeof out->c[4], "%s", i->technology);
	snprintf(out->c[5], sizeof out->c[5], "%s", *i->measures ? i->measures : "—");
	if (i->es_area_centi) /* hundredths of a ㎡: formatted like fen */
		ch_money_format(i->es_area_centi, out->c[6], sizeof out->c[6]);
	else
		snprintf(out->c[6], sizeof out->c[6], "—");
	ch_money_format(i->amount_fen, out->c[7], sizeof out->c[7]);
	snprintf(out->c[8], sizeof out->c[8], "%s", i->objection);
	for (int c = 0; c < NCOLS; c++) /* a text cut short ends on a whole character */
		out->c[c][ch_utf8_valid_prefix(out->c[c], strlen(out->c[c]), NULL)] = '\0';
}

void ch_notice_totals(size_t n, int64_t total_fen, char count[64], char words[400], char amount[32])
{
	char caps[256];
	snprintf(count, 64, "合计（共 %zu 户）", n);
	ch_money_format(total_fen, amount, 32);
	snprintf(words, 400, "合计金额（大写）：人民币%s　　（小写）¥%s",
	         ch_money_capitals(total_fen, caps, sizeof caps), amount);
}

int ch_notice_write(ch_ctx *ctx, const char *number, const char *path, size_t *n)
{
	return ch_str_ends(path, ".pdf") ? ch_notice_pdf_write(ctx, number, path, n)
	                                 : ch_notice_sheet_write(ctx, number, path, n);
}

struct sheet {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *tf, *sf, *pf, *hf, *cf, *nf, *mf, *af, *totf, *totm, *signf;
	lxw_row_t row;
	size_t n;
	int64_t total;
};

/* The title block: what, who publishes it, the period, where to object. */
static int head(const ch_notice_head *h, void *arg)
{
	struct sheet *s = arg;
	ch_notice_texts t;
	ch_notice_texts_of(h, &t);
	worksheet_merge_range(s->ws, 0, 0, 0, NCOLS - 1, t.title, s->tf);
	worksheet_set_row(s->ws, 0, 32, NULL);
	worksheet_merge_range(s->ws, 1, 0, 1, NCOLS - 1, t.office, s->sf);
	worksheet_merge_range(s->ws, 2, 0, 2, NCOLS - 1, t.period, s->pf);
	worksheet_set_row(s->ws, 2, 66, NULL);
	for (lxw_col_t c = 0; c < NCOLS; c++) {
		worksheet_write_string(s->ws, 3, c, ch_notice_heads[c], s->hf);
		worksheet_set_column(s->ws, c, c, ch_notice_widths[c], NULL);
	}
	worksheet_set_row(s->ws, 3, 30, NULL);
	s->row = 3;
	return 0;
}

static int item(const ch_notice_item *i, void *arg)
{
	struct sheet *s = arg;
	lxw_row_t r = ++s->row;
	s->n++;
	s->total += i->amount_fen;
	worksheet_write_number(s->ws, r, 0, (double)s->n, s->nf);
	worksheet_write_string(s->ws, r, 1, i->village, s->cf);
	worksheet_write_string(s->ws, r, 2, i->head_name, s->cf);
	worksheet_write_string(s->ws, r, 3, i->id_masked, s->cf);
	worksheet_write_string(s->ws, r, 4, i->technology, s->cf);
	worksheet_write_string(s->ws, r, 5, *i->measures ? i->measures : "—", s->cf);
	if (i->es_area_centi)
		worksheet_write_number(s->ws, r, 6, (double)i->es_area_centi / 100.0, s->af);
	else
		worksheet_write_string(s->ws, r, 6, "—", s->cf);
	worksheet_write_number(s->ws, r, 7, (double)i->amount_fen / 100.0, s->mf);
	worksheet_write_string(s->ws, r, 8, i->objection, s->cf);
	worksheet_set_row(s->ws, r, 18, NULL);
	return 0;
}

static lxw_format *bordered(lxw_workbook *wb)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	format_set_font_size(f, 10);
	return f;
}

int ch_notice_sheet_write(ch_ctx *ctx, const char *number, const char *path, size_t *n)
{
	struct sheet s = {0};
	char count[64], words[400], y[32];
	int rc;
	s.wb = workbook_new(path);
	if (!s.wb)
		return ch_error_code();
	s.ws = workbook_add_worksheet(s.wb, "公示名单");
	s.tf = workbook_add_format(s.wb);
	format_set_bold(s.tf);
	format_set_font_size(s.tf, 18);
	format_set_align(s.tf, LXW_ALIGN_CENTER);
	format_set_align(s.tf, LXW_ALIGN_VERTICAL_CENTER);
	s.sf = workbook_add_format(s.wb);
	format_set_font_size(s.sf, 11);
	s.pf = workbook_add_format(s.wb);
	format_set_font_size(s.pf, 11);
	format_set_text_wrap(s.pf);
	format_set_align(s.pf, LXW_ALIGN_VERTICAL_TOP);
	s.hf = bordered(s.wb);
	format_set_bold(s.hf);
	format_set_align(s.hf, LXW_ALIGN_CENTER);
	format_set_text_wrap(s.hf);
	format_set_bg_color(s.hf, 0xDDEBF7);
	s.cf = bordered(s.wb);
	format_set_num_format(s.cf, "@");
	s.nf = bordered(s.wb);
	format_set_align(s.nf, LXW_ALIGN_CENTER);
	s.mf = bordered(s.wb);
	format_set_num_format(s.mf, "#,##0.00");
	s.af = bordered(s.wb);
	format_set_num_format(s.af, "#,##0.00");
	s.totf = bordered(s.wb);
	format_set_bold(s.totf);
	format_set_align(s.totf, LXW_ALIGN_CENTER);
	s.totm = bordered(s.wb);
	format_set_bold(s.totm);
	format_set_num_format(s.totm, "#,##0.00");
	s.signf = workbook_add_format(s.wb);
	format_set_font_size(s.signf, 12);
	rc = ch_notice_items(ctx, number, head, item, &s);
	if (rc) {
		workbook_close(s.wb);
		remove(path);
		return rc;
	}
	lxw_row_t r = ++s.row;
	ch_notice_totals(s.n, s.total, count, words, y);
	worksheet_merge_range(s.ws, r, 0, r, 6, count, s.totf);
	worksheet_write_number(s.ws, r, 7, (double)s.total / 100.0, s.totm);
	worksheet_write_blank(s.ws, r, 8, s.totf);
	worksheet_set_row(s.ws, r, 20, NULL);
	r++;
	worksheet_merge_range(s.ws, r, 0, r, NCOLS - 1, words, s.sf);
	r += 2;
	worksheet_merge_range(s.ws, r, 4, r, NCOLS - 1, CH_NOTICE_SEAL, s.signf);
	worksheet_set_row(s.ws, r, 28, NULL);
	r++;
	worksheet_merge_range(s.ws, r, 4, r, NCOLS - 1, CH_NOTICE_SEAL_DATE, s.signf);
	worksheet_set_landscape(s.ws);
	worksheet_set_paper(s.ws, 9); /* A4 */
	worksheet_set_margins(s.ws, 0.5, 0.5, 0.6, 0.6);
	worksheet_center_horizontally(s.ws);
	worksheet_fit_to_pages(s.ws, 1, 0);
	worksheet_repeat_rows(s.ws, 3, 3);
	worksheet_print_area(s.ws, 0, 0, r, NCOLS - 1);
	worksheet_set_footer(s.ws, "&C第 &P 页，共 &N 页");
	lxw_error err = workbook_close(s.wb);
	if (err != LXW_NO_ERROR)
		return ch_error_set(CH_ERROR, "%s: %s", path, lxw_strerror(err));
	if (n)
		*n = s.n;
	return 0;
}
