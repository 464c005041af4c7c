/*
 * xlsxr — expat and minizip, loaded the first time a workbook is read (see
 * xlsxr.h).
 */
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

static const char *const lib[] = {"libexpat.so.1", "libminizip.so.1"};
static struct ch_dl_once expat_minizip = CH_DL_ONCE_INIT(lib, names, addrs, NULL);

int ch_xlsxr_load(void)
{
	if (ch_dl_once(&expat_minizip) != 0)
		return ch_error_set(CH_ERROR, "无法加载读 Excel 文件的库 expat 和 minizip：%s",
		                    expat_minizip.why);
	return 0;
}
