/*
 * xlsxw — libxlsxwriter, loaded the first time a workbook is written, not
 * when the program starts. libxlsxwriter brings libcrypto with it (for the
 * digests of embedded images, which no workbook of ours has); loading and
 * relocating the two was a fifth of a short command's instructions (report
 * dispatch, docs/performance.md), paid by every command.
 *
 * A file that writes workbooks includes this header instead of
 * <xlsxwriter.h>. Its calls keep the library's own names: each is a macro
 * calling through a pointer of the function's own type, filled when the
 * library is loaded. workbook_new loads it, so every other call (they all
 * need a workbook or a format from one) finds the pointers filled. The
 * list below is every function called; a new one must be added to it (the
 * compiler's "implicit declaration" error names it until then, since the
 * program is not linked with the library).
 */
#ifndef CH_IO_XLSXW_H
#define CH_IO_XLSXW_H

#include <xlsxwriter.h>

#define CH_XLSXW_FUNCS(X)                                                                          \
	X(format_set_align)                                                                        \
	X(format_set_bg_color)                                                                     \
	X(format_set_bold)                                                                         \
	X(format_set_border)                                                                       \
	X(format_set_font_size)                                                                    \
	X(format_set_num_format)                                                                   \
	X(format_set_text_wrap)                                                                    \
	X(lxw_strerror)                                                                            \
	X(workbook_add_format)                                                                     \
	X(workbook_add_worksheet)                                                                  \
	X(workbook_close)                                                                          \
	X(workbook_new_opt)                                                                        \
	X(worksheet_center_horizontally)                                                           \
	X(worksheet_fit_to_pages)                                                                  \
	X(worksheet_freeze_panes)                                                                  \
	X(worksheet_merge_range)                                                                   \
	X(worksheet_print_area)                                                                    \
	X(worksheet_repeat_columns)                                                                \
	X(worksheet_repeat_rows)                                                                   \
	X(worksheet_set_column)                                                                    \
	X(worksheet_set_footer)                                                                    \
	X(worksheet_set_landscape)                                                                 \
	X(worksheet_set_margins)                                                                   \
	X(worksheet_set_paper)                                                                     \
	X(worksheet_set_print_scale)                                                               \
	X(worksheet_set_row)                                                                       \
	X(worksheet_set_v_pagebreaks)                                                              \
	X(worksheet_write_blank)                                                                   \
	X(worksheet_write_number)                                                                  \
	X(worksheet_write_string)

/* The pointers, filled when the library is loaded. */
struct ch_xlsxw {
#define CH_XLSXW_PTR(name) __typeof__(name) *p_##name;
	CH_XLSXW_FUNCS(CH_XLSXW_PTR)
#undef CH_XLSXW_PTR
};
extern struct ch_xlsxw ch_xlsxw;

/* A new workbook at PATH (libxlsxwriter's workbook_new), loading the
 * library the first time; the library's temporary files go to ch_tmpdir()
 * (util/file.h). NULL with the error set (util/error.h): the library could
 * not be loaded, or the file not created. */
lxw_workbook *ch_xlsxw_new(const char *path);

/* The same, for a large sheet written a row at a time: libxlsxwriter's
 * constant_memory mode, in which a row is written out to a temporary file
 * once a later row is begun, so the memory does not grow with the rows.
 * The writer must then go in row order, and a merged range must lie within
 * one row written in its turn (a cell of an earlier row is dropped, and
 * worksheet_set_row of an earlier row is refused). Texts are written into
 * the cells (inline strings) instead of a shared table: a larger file, read
 * alike by Excel, WPS, LibreOffice and io/xlsx.h. */
lxw_workbook *ch_xlsxw_new_streamed(const char *path);

/* io/xlsxw.c itself, which fills the pointers, keeps the library's names. */
#ifndef CH_XLSXW_LOADER
#define workbook_new                  ch_xlsxw_new
#define format_set_align              (*ch_xlsxw.p_format_set_align)
#define format_set_bg_color           (*ch_xlsxw.p_format_set_bg_color)
#define format_set_bold               (*ch_xlsxw.p_format_set_bold)
#define format_set_border             (*ch_xlsxw.p_format_set_border)
#define format_set_font_size          (*ch_xlsxw.p_format_set_font_size)
#define format_set_num_format         (*ch_xlsxw.p_format_set_num_format)
#define format_set_text_wrap          (*ch_xlsxw.p_format_set_text_wrap)
#define lxw_strerror                  (*ch_xlsxw.p_lxw_strerror)
#define workbook_add_format           (*ch_xlsxw.p_workbook_add_format)
#define workbook_add_worksheet        (*ch_xlsxw.p_workbook_add_worksheet)
#define workbook_close                (*ch_xlsxw.p_workbook_close)
#define worksheet_center_horizontally (*ch_xlsxw.p_worksheet_center_horizontally)
#define worksheet_fit_to_pages        (*ch_xlsxw.p_worksheet_fit_to_pages)
#define worksheet_freeze_panes        (*ch_xlsxw.p_worksheet_freeze_panes)
#define worksheet_merge_range         (*ch_xlsxw.p_worksheet_merge_range)
#define worksheet_print_area          (*ch_xlsxw.p_worksheet_print_area)
#define worksheet_repeat_columns      (*ch_xlsxw.p_worksheet_repeat_columns)
#define worksheet_repeat_rows         (*ch_xlsxw.p_worksheet_repeat_rows)
#define worksheet_set_column          (*ch_xlsxw.p_worksheet_set_column)
#define worksheet_set_footer          (*ch_xlsxw.p_worksheet_set_footer)
#define worksheet_set_landscape       (*ch_xlsxw.p_worksheet_set_landscape)
#define worksheet_set_margins         (*ch_xlsxw.p_worksheet_set_margins)
#define worksheet_set_paper           (*ch_xlsxw.p_worksheet_set_paper)
#define worksheet_set_print_scale     (*ch_xlsxw.p_worksheet_set_print_scale)
#define worksheet_set_row             (*ch_xlsxw.p_worksheet_set_row)
#define worksheet_set_v_pagebreaks    (*ch_xlsxw.p_worksheet_set_v_pagebreaks)
#define worksheet_write_blank         (*ch_xlsxw.p_worksheet_write_blank)
#define worksheet_write_number        (*ch_xlsxw.p_worksheet_write_number)
#define worksheet_write_string        (*ch_xlsxw.p_worksheet_write_string)
#endif

#endif
