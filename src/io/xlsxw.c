/*
 * xlsxw — libxlsxwriter, loaded the first time a workbook is written (see
 * xlsxw.h).
 */
#include <stdio.h>

#define CH_XLSXW_LOADER
#include "io/xlsxw.h"
#include "util/dl.h"
#include "util/error.h"

struct ch_xlsxw ch_xlsxw;

/* The functions' names, and where each goes (util/dl.h). */
#define CH_XLSXW_NAME(name) #name,
#define CH_XLSXW_ADDR(name) (void **)&ch_xlsxw.p_##name,
static const char *const names[] = {CH_XLSXW_FUNCS(CH_XLSXW_NAME)};
static void **const addrs[] = {CH_XLSXW_FUNCS(CH_XLSXW_ADDR)};

static const char *const lib[] = {"libxlsxwriter.so.4"};
static struct ch_dl_once libxlsxwriter = CH_DL_ONCE_INIT(lib, names, addrs, NULL);

lxw_workbook *ch_xlsxw_new(const char *path)
{
	if (ch_dl_once(&libxlsxwriter) != 0) {
		ch_error_set(CH_ERROR, "无法加载写 Excel 文件的库 libxlsxwriter：%s",
		             libxlsxwriter.why);
		return NULL;
	}
	lxw_workbook *wb = ch_xlsxw.p_workbook_new(path);
	if (!wb)
		ch_error_set(CH_ERROR, "无法创建 Excel 文件「%s」", path);
	return wb;
}
