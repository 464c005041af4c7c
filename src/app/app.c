/*
 * app — helpers shared by the operation files (see app.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/file.h"

/* Evidence files are photos and scans: 32 MiB each is plenty, and 16 of
 * them for one step. */
#define MAX_EVIDENCE       CH_EVIDENCE_MAX_BYTES
#define MAX_EVIDENCE_FILES CH_EVIDENCE_MAX_FILES

ch_report *app_report(const char *title, const struct app_col *cols, size_t n)
{
	ch_report *r = ch_report_new(title);
	for (size_t i = 0; i < n; i++)
		ch_report_add_col(r, cols[i].key, cols[i].label, cols[i].kind);
	return r;
}

void app_pct(char *out, size_t outsz, int64_t part, int64_t whole)
{
	if (whole <= 0) {
		snprintf(out, outsz, "-");
		return;
	}
	int64_t tenths = (part * 1000 + whole / 2) / whole;
	snprintf(out, outsz, "%" PRId64 ".%d%%", tenths / 10, (int)(tenths % 10));
}

void app_set_centi(ch_report *r, int col, int64_t v)
{
	char buf[32];
	if (v < 0)
		return;
	if (v % 100)
		snprintf(buf, sizeof buf, "%" PRId64 ".%02d", v / 100, (int)(v % 100));
	else
		snprintf(buf, sizeof buf, "%" PRId64, v / 100);
	ch_report_set_text(r, col, buf);
}

int app_read_evidence(const ch_args *a, const char *name, ch_evidence **ev, size_t *n)
{
	int rc = 0;
	*ev = NULL;
	*n = ch_args_count(a, name);
	if (*n > MAX_EVIDENCE_FILES) {
		*n = 0;
		return ch_error_set_field(CH_EUSAGE, name, "最多 %d 个文件", MAX_EVIDENCE_FILES);
	}
	*ev = ch_calloc(*n ? *n : 1, sizeof **ev);
	for (size_t i = 0; i < *n && rc == 0; i++) {
		const char *path = ch_args_at(a, name, i);
		const char *base = strrchr(path, '/');
		(*ev)[i].name = base ? base + 1 : path;
		rc = ch_file_read(path, MAX_EVIDENCE, (unsigned char **)&(*ev)[i].data,
		                  &(*ev)[i].len);
	}
	return rc;
}

void app_free_evidence(ch_evidence *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)ev[i].data);
	free(ev);
}

int app_table_unless(ch_result *res, ch_report *r, int rc)
{
	if (rc)
		ch_report_free(r);
	else
		ch_result_add_table(res, r);
	return rc;
}

void app_rejects_written(ch_result *res, const char *path)
{
	ch_result_add_file(res, "rejects", path);
	ch_result_printf(res, "拒收的行已写入 %s（含“错误原因”列），改正后可重新导入\n", path);
}
