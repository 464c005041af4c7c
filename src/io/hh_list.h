/*
 * hh_list — a list of households handed in as a file: the 户编号 of the
 * households a county bundles into a review application.
 *
 * CSV (any encoding the CSV reader takes) or XLSX. The column headed 户编号
 * (or 农户编号, 编号) holds the numbers; a list without such a header is
 * read from its first column, its first row included. Problems name the
 * row as the user sees it in the file.
 */
#ifndef CH_IO_HH_LIST_H
#define CH_IO_HH_LIST_H

#include "util/strv.h"

/* Appends the 户编号 listed in PATH to OUT, normalised, in file order.
 * Blank rows are skipped. CH_EINVALID naming the row for a row with other
 * cells but no 户编号, and for a 户编号 listed twice; CH_EINVALID when the
 * file lists none; the errors of ch_rows_open and ch_rows_next otherwise.
 * On error OUT holds what was read before it (the caller disposes OUT). */
int ch_hh_list_read(const char *path, ch_strv *out);

#endif
