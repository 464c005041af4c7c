/*
 * survey_file — the baseline survey's two files: per household
 * (`cleanheat survey import`: 县市 乡镇 村 户编号 现取暖方式 年用煤量 取暖面积
 * 房屋结构 建成年份 墙体 窗户 拟节能改造措施 常住人口 同意改造 家庭年收入 燃气表号
 * 电表号) and per village (`cleanheat village import`: 县市 乡镇 村 燃气主管网
 * 距燃气主管网 距热网 变压器编号 额定容量 冬季最大负荷 计划工程 计划完成日期, one
 * row per transformer). CSV in any encoding the readers take, or XLSX.
 *
 * Every row is checked and each problem names the row, the column, the
 * value and the reason. All or nothing by default; with skip_invalid the
 * valid rows are stored and the rejected ones written to REJECTS with an
 * added 错误原因 column. The valid rows are read from the file a second
 * time to be stored, so memory does not grow with the file; a file that
 * changed between the two readings is refused with nothing stored. One
 * transaction, one audit entry.
 */
#ifndef CH_IO_SURVEY_FILE_H
#define CH_IO_SURVEY_FILE_H

#include <stddef.h>

#include "core/problems.h"

typedef struct ch_ctx ch_ctx;

/* households, villages, or the utilities' monthly readings (表号 or 身份证号,
 * 类别, 月份, 用量: core/usage.h) */
enum ch_survey_kind { CH_SURVEY_HOUSEHOLDS, CH_SURVEY_VILLAGES, CH_SURVEY_USAGE };

typedef struct ch_survey_file_opts {
	enum ch_survey_kind kind;
	const char *path, *sheet;
	const char *county; /* every row must be of this county (its scope is the
	                       caller's to check before), or NULL */
	int skip_invalid;
	const char *rejects; /* NULL: none */
} ch_survey_file_opts;

typedef struct ch_survey_file_result {
	size_t rows, stored, inserted, rejected;
} ch_survey_file_result;

/* Imports O's file. *PROBLEMS (caller frees with ch_problems_free) holds
 * what was found even when the import is refused (CH_EINVALID: a row was
 * rejected and skip_invalid was not given; nothing stored). */
int ch_survey_import_file(ch_ctx *ctx, const ch_survey_file_opts *o, ch_survey_file_result *res,
                          ch_problems **problems);

#endif
