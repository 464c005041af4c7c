/*
 * notice_pdf — the notice board's A4 landscape PDF of a public notice (see
 * notice_pdf.h). The households are gathered first, then laid out twice:
 * once to count the pages (for 共 M 页), once to draw. Each table row is as
 * tall as its tallest cell (long measures wrap); a row that does not fit
 * goes to the next page under the column heads again.
 *
 * cairo, pango and fontconfig (with glib, harfbuzz, freetype, pixman and
 * the X libraries under them, about thirty shared libraries) are loaded
 * with dlopen the first time a PDF is written, not when the program
 * starts: every other command would pay for their relocation (more than
 * half of a short command's instructions, docs/performance.md). The
 * functions used are listed in PDF_FUNCS and called through pointers of
 * their own types; the headers still give the types.
 */
#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/notice.h"
#include "io/notice_pdf.h"
#include "io/notice_sheet.h"
#include "util/alloc.h"
#include "util/dl.h"
#include "util/error.h"

#define NCOLS  CH_NOTICE_NCOLS
#define PAGE_W 841.89 /* A4 landscape, points */
#define PAGE_H 595.28
#define MARGIN 36.0 /* left, right and top */
#define BOTTOM 48.0 /* room for the page number */
#define PAD    2.0  /* inside a cell */
#define FONT   "Noto Sans CJK SC"

/* The libraries, and the functions used (each in one of them). */
static const char *const pdf_libs[] = {"libcairo.so.2", "libpango-1.0.so.0",
                                       "libpangocairo-1.0.so.0", "libgobject-2.0.so.0",
                                       "libfontconfig.so.1"};
#define PDF_FUNCS(X)                                                                               \
	X(cairo_create)                                                                            \
	X(cairo_debug_reset_static_data)                                                           \
	X(cairo_destroy)                                                                           \
	X(cairo_fill)                                                                              \
	X(cairo_move_to)                                                                           \
	X(cairo_pdf_surface_create)                                                                \
	X(cairo_pdf_surface_set_metadata)                                                          \
	X(cairo_rectangle)                                                                         \
	X(cairo_set_line_width)                                                                    \
	X(cairo_set_source_rgb)                                                                    \
	X(cairo_show_page)                                                                         \
	X(cairo_status_to_string)                                                                  \
	X(cairo_stroke)                                                                            \
	X(cairo_surface_destroy)                                                                   \
	X(cairo_surface_finish)                                                                    \
	X(cairo_surface_status)                                                                    \
	X(pango_font_description_free)                                                             \
	X(pango_font_description_from_string)                                                      \
	X(pango_font_description_set_size)                                                         \
	X(pango_font_description_set_weight)                                                       \
	X(pango_font_map_create_context)                                                           \
	X(pango_layout_get_size)                                                                   \
	X(pango_layout_new)                                                                        \
	X(pango_layout_set_alignment)                                                              \
	X(pango_layout_set_font_description)                                                       \
	X(pango_layout_set_text)                                                                   \
	X(pango_layout_set_width)                                                                  \
	X(pango_layout_set_wrap)                                                                   \
	X(pango_cairo_font_map_new)                                                                \
	X(pango_cairo_show_layout)                                                                 \
	X(pango_cairo_update_context)                                                              \
	X(g_object_unref)                                                                          \
	X(FcFini)

/* The pointers, filled by load_libs; from here on each name calls its
 * pointer. */
static struct {
#define PDF_PTR(name) __typeof__(name) *p_##name;
	PDF_FUNCS(PDF_PTR)
#undef PDF_PTR
} pdf;
/* The functions' names, and where each goes (util/dl.h). */
#define PDF_NAME(name) #name,
#define PDF_ADDR(name) (void **)&pdf.p_##name,
static const char *const pdf_names[] = {PDF_FUNCS(PDF_NAME)};
static void **const pdf_addrs[] = {PDF_FUNCS(PDF_ADDR)};
#define PDF_CALL(name)                     (pdf.p_##name)
#define cairo_create                       PDF_CALL(cairo_create)
#define cairo_debug_reset_static_data      PDF_CALL(cairo_debug_reset_static_data)
#define cairo_destroy                      PDF_CALL(cairo_destroy)
#define cairo_fill                         PDF_CALL(cairo_fill)
#define cairo_move_to                      PDF_CALL(cairo_move_to)
#define cairo_pdf_surface_create           PDF_CALL(cairo_pdf_surface_create)
#define cairo_pdf_surface_set_metadata     PDF_CALL(cairo_pdf_surface_set_metadata)
#define cairo_rectangle                    PDF_CALL(cairo_rectangle)
#define cairo_set_line_width               PDF_CALL(cairo_set_line_width)
#define cairo_set_source_rgb               PDF_CALL(cairo_set_source_rgb)
#define cairo_show_page                    PDF_CALL(cairo_show_page)
#define cairo_status_to_string             PDF_CALL(cairo_status_to_string)
#define cairo_stroke                       PDF_CALL(cairo_stroke)
#define cairo_surface_destroy              PDF_CALL(cairo_surface_destroy)
#define cairo_surface_finish               PDF_CALL(cairo_surface_finish)
#define cairo_surface_status               PDF_CALL(cairo_surface_status)
#define pango_font_description_free        PDF_CALL(pango_font_description_free)
#define pango_font_description_from_string PDF_CALL(pango_font_description_from_string)
#define pango_font_description_set_size    PDF_CALL(pango_font_description_set_size)
#define pango_font_description_set_weight  PDF_CALL(pango_font_description_set_weight)
#define pango_font_map_create_context      PDF_CALL(pango_font_map_create_context)
#define pango_layout_get_size              PDF_CALL(pango_layout_get_size)
#define pango_layout_new                   PDF_CALL(pango_layout_new)
#define pango_layout_set_alignment         PDF_CALL(pango_layout_set_alignment)
#define pango_layout_set_font_description  PDF_CALL(pango_layout_set_font_description)
#define pango_layout_set_text              PDF_CALL(pango_layout_set_text)
#define pango_layout_set_width             PDF_CALL(pango_layout_set_width)
#define pango_layout_set_wrap              PDF_CALL(pango_layout_set_wrap)
#define pango_cairo_font_map_new           PDF_CALL(pango_cairo_font_map_new)
#define pango_cairo_show_layout            PDF_CALL(pango_cairo_show_layout)
#define pango_cairo_update_context         PDF_CALL(pango_cairo_update_context)
#define g_object_unref                     PDF_CALL(g_object_unref)
#define FcFini                             PDF_CALL(FcFini)

struct pdf {
	ch_notice_texts t;
	ch_notice_cells *rows;
	size_t n, cap;
	int64_t total;
	cairo_t *cr;
	PangoFontMap *fm;
	PangoContext *pc;
	double colw[NCOLS];
	int draw, page, pages;
	double y;
};

static int head(const ch_notice_head *h, void *arg)
{
	ch_notice_texts_of(h, &((struct pdf *)arg)->t);
	return 0;
}

static int item(const ch_notice_item *i, void *arg)
{
	struct pdf *p = arg;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->rows = ch_reallocarray(p->rows, p->cap, sizeof *p->rows);
	}
	ch_notice_cells_of(i, p->n + 1, &p->rows[p->n]);
	p->n++;
	p->total += i->amount_fen;
	return 0;
}

/* A layout of TEXT SIZE points (BOLD), WIDTH wide (<= 0: unwrapped),
 * aligned ALIGN. */
static PangoLayout *layout(struct pdf *p, const char *text, double size, int bold, double width,
                           PangoAlignment align)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text, -1);
	return l;
}

static double height_of(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* Draws L at X, Y (when drawing), frees it, returns its height. */
static double put(struct pdf *p, PangoLayout *l, double x, double y)
{
	double h = height_of(l);
	if (p->draw) {
		cairo_move_to(p->cr, x, y);
		pango_cairo_show_layout(p->cr, l);
	}
	g_object_unref(l);
	return h;
}

/* Ends the page: its number under it. */
static void end_page(struct pdf *p)
{
	if (p->draw) {
		char text[64];
		snprintf(text, sizeof text, "第 %d 页，共 %d 页", p->page, p->pages);
		put(p, layout(p, text, 9, 0, PAGE_W - 2 * MARGIN, PANGO_ALIGN_CENTER), MARGIN,
		    PAGE_H - BOTTOM + 16);
		cairo_show_page(p->cr);
	}
}

static void new_page(struct pdf *p)
{
	end_page(p);
	p->page++;
	p->y = MARGIN;
}

/* One table row of CELLS (NULL: empty) spanning columns as SPAN gives (a
 * cell I covers SPAN[I] columns, 0 for those it covers), with a grey
 * background when SHADE. Returns its height; draws it at p->y when
 * drawing. */
static double row(struct pdf *p, const char *const *cells, const int *span, int bold, int shade,
                  int measure_only)
{
	PangoLayout *l[NCOLS] = {0};
	double w[NCOLS] = {0}, h = 0;
	for (int c = 0; c < NCOLS; c++) {
		if (!span[c])
			continue;
		for (int k = 0; k < span[c]; k++)
			w[c] += p->colw[c + k];
		PangoAlignment a = c == 0 || shade    ? PANGO_ALIGN_CENTER
		                   : c >= 6 && c <= 7 ? PANGO_ALIGN_RIGHT
		                                      : PANGO_ALIGN_LEFT;
		if (bold && span[c] > 1)
			a = PANGO_ALIGN_CENTER;
		l[c] = layout(p, cells[c] ? cells[c] : "", 9, bold, w[c] - 2 * PAD, a);
		double ch = height_of(l[c]) + 2 * PAD;
		if (ch > h)
			h = ch;
	}
	double x = MARGIN;
	for (int c = 0; c < NCOLS; c++) {
		if (!l[c])
			continue;
		if (p->draw && !measure_only) {
			if (shade) {
				cairo_set_source_rgb(p->cr, 0xDD / 255.0, 0xEB / 255.0,
				                     0xF7 / 255.0);
				cairo_rectangle(p->cr, x, p->y, w[c], h);
				cairo_fill(p->cr);
				cairo_set_source_rgb(p->cr, 0, 0, 0);
			}
			cairo_rectangle(p->cr, x, p->y, w[c], h);
			cairo_stroke(p->cr);
			double lh = height_of(l[c]);
			put(p, l[c], x + PAD, p->y + (h - lh) / 2);
		} else {
			g_object_unref(l[c]);
		}
		x += w[c];
	}
	return h;
}

static const int one_each[NCOLS] = {1, 1, 1, 1, 1, 1, 1, 1, 1};

static void heads_row(struct pdf *p)
{
	p->y += row(p, ch_notice_heads, one_each, 1, 1, 0);
}

/* A table row that goes to the next page, under the heads again, when it
 * does not fit on this one. */
static void table_row(struct pdf *p, const char *const *cells, const int *span, int bold)
{
	double h = row(p, cells, span, bold, 0, 1);
	if (p->y + h > PAGE_H - BOTTOM) {
		new_page(p);
		heads_row(p);
	}
	p->y += row(p, cells, span, bold, 0, 0);
}

/* A block of text that goes to the next page when it does not fit. */
static void text_block(struct pdf *p, PangoLayout *l, double x, double gap)
{
	double h = height_of(l);
	if (p->y + gap + h > PAGE_H - BOTTOM)
		new_page(p);
	else
		p->y += gap;
	p->y += put(p, l, x, p->y);
}

/* The columns' widths: each as wide as its widest cell on one line, the
 * room left shared out in the sheet's proportions; when the cells do not
 * fit on one line, the sheet's proportions of the whole width (cells wrap). */
static void column_widths(struct pdf *p)
{
	const double width = PAGE_W - 2 * MARGIN;
	double need[NCOLS] = {0}, sum = 0, needed = 0;
	for (int c = 0; c < NCOLS; c++) {
		for (size_t i = 0; i < p->n; i++) {
			PangoLayout *l = layout(p, p->rows[i].c[c], 9, 0, 0, PANGO_ALIGN_LEFT);
			int w, h;
			pango_layout_get_size(l, &w, &h);
			g_object_unref(l);
			if ((double)w / PANGO_SCALE + 2 * PAD + 1 > need[c])
				need[c] = (double)w / PANGO_SCALE + 2 * PAD + 1;
		}
		sum += ch_notice_widths[c];
		needed += need[c];
	}
	for (int c = 0; c < NCOLS; c++)
		p->colw[c] = needed <= width
		                 ? need[c] + (width - needed) * ch_notice_widths[c] / sum
		                 : width * ch_notice_widths[c] / sum;
}

/* Lays the whole notice out; draws it when p->draw. */
static void lay_out(struct pdf *p)
{
	const double width = PAGE_W - 2 * MARGIN;
	char count[64], words[400], amount[32];
	p->page = 1;
	p->y = MARGIN;
	p->y += put(p, layout(p, p->t.title, 18, 1, width, PANGO_ALIGN_CENTER), MARGIN, p->y) + 6;
	p->y += put(p, layout(p, p->t.office, 11, 0, width, PANGO_ALIGN_LEFT), MARGIN, p->y) + 4;
	p->y += put(p, layout(p, p->t.period, 11, 0, width, PANGO_ALIGN_LEFT), MARGIN, p->y) + 8;
	heads_row(p);
	for (size_t i = 0; i < p->n; i++) {
		const char *cells[NCOLS];
		for (int c = 0; c < NCOLS; c++)
			cells[c] = p->rows[i].c[c];
		table_row(p, cells, one_each, 0);
	}
	ch_notice_totals(p->n, p->total, count, words, amount);
	const char *tot[NCOLS] = {count, NULL, NULL, NULL, NULL, NULL, NULL, amount, ""};
	static const int tot_span[NCOLS] = {7, 0, 0, 0, 0, 0, 0, 1, 1};
	table_row(p, tot, tot_span, 1);
	text_block(p, layout(p, words, 11, 0, width, PANGO_ALIGN_LEFT), MARGIN, 6);
	double sx = MARGIN;
	for (int c = 0; c < 4; c++)
		sx += p->colw[c];
	text_block(p, layout(p, CH_NOTICE_SEAL, 12, 0, 0, PANGO_ALIGN_LEFT), sx, 24);
	text_block(p, layout(p, CH_NOTICE_SEAL_DATE, 12, 0, 0, PANGO_ALIGN_LEFT), sx, 8);
	end_page(p);
}

/* At exit: the caches cairo and fontconfig keep for the life of the process
 * (the fonts found, the glyph and scaled-font caches), so that a leak
 * checker sees nothing left. Only at exit: another thread may be writing a
 * PDF before then. */
static void release_caches(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}

/* Once the libraries are loaded (the first time a PDF is written; they
 * stay loaded for the life of the process), their caches are released at
 * exit. */
static void pdf_tried(const struct ch_dl_once *set)
{
	if (set->rc == 0)
		atexit(release_caches);
}

static struct ch_dl_once pdf_libs_once = CH_DL_ONCE_INIT(pdf_libs, pdf_names, pdf_addrs, pdf_tried);

int ch_notice_pdf_write(ch_ctx *ctx, const char *number, const char *path, size_t *n)
{
	struct pdf p = {0};
	if (ch_dl_once(&pdf_libs_once) != 0)
		return ch_error_set(CH_ERROR, "无法写出 PDF：未能加载排版库（cairo、pango）：%s",
		                    pdf_libs_once.why);
	int rc = ch_notice_items(ctx, number, head, item, &p);
	if (rc) {
		free(p.rows);
		return rc;
	}
	cairo_surface_t *s = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		rc = ch_error_set(CH_ERROR, "%s: cannot create the PDF: %s", path,
		                  cairo_status_to_string(cairo_surface_status(s)));
		cairo_surface_destroy(s);
		free(p.rows);
		return rc;
	}
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, p.t.title);
	p.cr = cairo_create(s);
	cairo_set_line_width(p.cr, 0.6);
	/* a font map of our own, freed below, so nothing stays cached */
	p.fm = pango_cairo_font_map_new();
	p.pc = pango_font_map_create_context(p.fm);
	pango_cairo_update_context(p.cr, p.pc);
	column_widths(&p);
	lay_out(&p); /* counts the pages */
	p.pages = p.page;
	p.draw = 1;
	lay_out(&p);
	cairo_destroy(p.cr);
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	g_object_unref(p.pc);
	g_object_unref(p.fm);
	free(p.rows);
	if (st != CAIRO_STATUS_SUCCESS) {
		remove(path);
		return ch_error_set(CH_ERROR, "%s: %s", path, cairo_status_to_string(st));
	}
	if (n)
		*n = p.n;
	return 0;
}
