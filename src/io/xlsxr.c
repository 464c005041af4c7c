/*
 * xlsxr — expat and minizip, loaded the first time a workbook is read (see
 * xlsxr.h).
 */
#include <pthread.h>

#define CH_XLSXR_LOADER
#include "io/xlsxr.h"
#include "util/dl.h"
#include "util/error.h"

struct ch_xlsxr ch_xlsxr;

/* The functions' names, and where each goes (util/dl.h). */
#define CH_XLSXR_NAME(name) #name,
#define CH_XLSXR_ADDR(name) (void **)&ch_xlsxr.p_##name,
static const char *const names[] = {CH_XLSXR_FUNCS(CH_XLSXR_NAME)};
static void **const addrs[] = {CH_XLSXR_FUNCS(CH_XLSXR_ADDR)};

/* Why the libraries could not be loaded ("" when they were), set once. */
static char load_failed[400];

static void load(void)
{
	static const char *const lib[] = {"libexpat.so.1", "libminizip.so.1"};
	/* on failure, ch_dl_load says why in load_failed */
	ch_dl_load(lib, sizeof lib / sizeof lib[0], names, addrs, sizeof names / sizeof names[0],
	           load_failed, sizeof load_failed);
}

int ch_xlsxr_load(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	if (load_failed[0])
		return ch_error_set(CH_ERROR, "无法加载读 Excel 文件的库 expat 和 minizip：%s",
		                    load_failed);
	return 0;
}
