/*
 * xlsxw — libxlsxwriter, loaded the first time a workbook is written (see
 * xlsxw.h).
 */
#include <stdio.h>

#define CH_XLSXW_LOADER
#include "io/xlsxw.h"
#include "util/dl.h"
#include "util/error.h"
#include "util/file.h"

struct ch_xlsxw ch_xlsxw;

/* The functions' names, and where each goes (util/dl.h). */
#define CH_XLSXW_NAME(name) #name,
#define CH_XLSXW_ADDR(name) (void **)&ch_xlsxw.p_##name,
static const char *const names[] = {CH_XLSXW_FUNCS(CH_XLSXW_NAME)};
static void **const addrs[] = {CH_XLSXW_FUNCS(CH_XLSXW_ADDR)};

static const char *const lib[] = {"libxlsxwriter.so.4"};
static struct ch_dl_once libxlsxwriter = CH_DL_ONCE_INIT(lib, names, addrs, NULL);

/* A workbook at PATH with CONSTANT_MEMORY as libxlsxwriter's option. */
static lxw_workbook *new_workbook(const char *path, int constant_memory)
{
	if (ch_dl_once(&libxlsxwriter) != 0) {
		ch_error_set(CH_ERROR, "无法加载写 Excel 文件的库 libxlsxwriter：%s",
		             libxlsxwriter.why);
		return NULL;
	}
	/* the library's own default is tmpfile(), which ignores TMPDIR */
	lxw_workbook_options opt = {.constant_memory = (uint8_t)constant_memory,
	                            .tmpdir = (char *)ch_tmpdir()};
	lxw_workbook *wb = ch_xlsxw.p_workbook_new_opt(path, &opt);
	if (!wb)
		ch_error_set(CH_ERROR, "无法创建 Excel 文件「%s」", path);
	return wb;
}

lxw_workbook *ch_xlsxw_new(const char *path)
{
	return new_workbook(path, 0);
}

lxw_workbook *ch_xlsxw_new_streamed(const char *path)
{
	return new_workbook(path, 1);
}
