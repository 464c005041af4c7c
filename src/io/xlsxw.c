/*
 * xlsxw — libxlsxwriter, loaded the first time a workbook is written (see
 * xlsxw.h).
 */
#include <pthread.h>
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

/* Why the library could not be loaded ("" when it was), set once. */
static char load_failed[400];

static void load(void)
{
	static const char *const lib[] = {"libxlsxwriter.so.4"};
	/* on failure, ch_dl_load says why in load_failed */
	ch_dl_load(lib, 1, names, addrs, sizeof names / sizeof names[0], load_failed,
	           sizeof load_failed);
}

lxw_workbook *ch_xlsxw_new(const char *path)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	if (load_failed[0]) {
		ch_error_set(CH_ERROR, "无法加载写 Excel 文件的库 libxlsxwriter：%s", load_failed);
		return NULL;
	}
	lxw_workbook *wb = ch_xlsxw.p_workbook_new(path);
	if (!wb)
		ch_error_set(CH_ERROR, "无法创建 Excel 文件「%s」", path);
	return wb;
}
