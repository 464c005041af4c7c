/*
 * event_file — reading weekly progress batches (see event_file.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/region.h"
#include "io/event_file.h"
#include "io/headings.h"
#include "io/rejects.h"
#include "io/rows.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/strv.h"
#include "util/text.h"

#define HEADER_SEARCH_ROWS 20
#define COL_IGNORED        (-2)

/* The field heading H names (enum ch_efield), COL_IGNORED, or -1. */
static int field_of(const char *h)
{
	/* by enum ch_efield up to CH_EF_NOTE, then the columns known but not read */
	static const char *const keys[] = {"county", "household", "stage",
	                                   "day",    "note",      "ignored"};
	int f = ch_headings_find("event", h, keys, sizeof keys / sizeof keys[0]);
	return f == CH_EF_NOTE + 1 ? COL_IGNORED : f;
}

int ch_event_import_file(ch_ctx *ctx, const ch_event_file_opts *opts, ch_event_summary *sum,
                         ch_event_batch **out)
{
	ch_rows *rows = NULL;
	ch_csv_row row;
	ch_strv header;
	ch_event_batch *b = NULL;
	ch_event_opts eo = {0};
	char hash[CH_HASH_HEX_LEN + 1];
	int col[CH_EF_EVIDENCE + 1], rc, have = 0;
	size_t header_line = 0, data_rows = 0;

	*out = NULL;
	memset(sum, 0, sizeof *sum);
	ch_strv_init(&header);
	if ((rc = ch_headings_load()) != 0)
		return rc;
	if (opts->county) {
		ch_region r;
		if ((rc = ch_region_find(ctx, opts->county, CH_LEVEL_COUNTY, 0, &r)) != 0)
			return ch_error_set_field(CH_EINVALID, "county", "县市“%s”不是本州的县市",
			                          opts->county);
		eo.county_id = r.id;
		ch_region_dispose(&r);
	}
	if ((rc = ch_rows_open_hashed(&rows, opts->path, opts->sheet)) != 0)
		return rc;
	while (!have && (rc = ch_rows_next(rows, &row)) == 1) {
		int known = 0;
		for (int f = 0; f <= CH_EF_EVIDENCE; f++)
			col[f] = -1;
		for (size_t c = 0; c < row.nfields; c++) {
			char *h = ch_text_normalize(row.fields[c]);
			int f = field_of(h);
			if (f >= 0 && col[f] < 0) {
				col[f] = (int)c;
				known++;
			}
			free(h);
		}
		if (known >= 3 && col[CH_EF_HOUSEHOLD] >= 0 && col[CH_EF_STAGE] >= 0 &&
		    col[CH_EF_DAY] >= 0) {
			have = 1;
			header_line = row.line;
			for (size_t c = 0; c < row.nfields; c++) {
				char *h = ch_text_normalize(row.fields[c]);
				ch_strv_push(&header, row.fields[c]);
				if (*h && field_of(h) == -1) {
					rc =
					    ch_error_set(CH_EINVALID,
					                 "第%zu行第%zu列：不认识的表头“%s”"
					                 "（可用：县市、户编号、环节、日期、备注）",
					                 row.line, c + 1, h);
					free(h);
					goto done;
				}
				free(h);
			}
		} else if (row.line > HEADER_SEARCH_ROWS) {
			break;
		}
	}
	if (rc < 0)
		goto done;
	if (!have) {
		rc = ch_error_set(CH_EINVALID, "前 %d 行中没有含户编号、环节和日期的表头行",
		                  HEADER_SEARCH_ROWS);
		goto done;
	}
	eo.file = opts->path;
	eo.file_hash = hash;
	eo.skip_invalid = opts->skip_invalid;
	eo.from_import = 1;
	eo.today = opts->today;
	if ((rc = ch_event_begin(ctx, &eo, &b)) != 0)
		goto done;
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		const char *v[CH_EF_EVIDENCE + 1] = {0};
		int any = 0;
		for (int f = 0; f <= CH_EF_NOTE; f++) {
			int c = col[f];
			v[f] = c < 0 ? NULL : (size_t)c < row.nfields ? row.fields[c] : "";
			any |= v[f] && *v[f];
		}
		if (!any)
			continue;
		ch_event_in in = {.line = row.line,
		                  .county = v[CH_EF_COUNTY],
		                  .household = v[CH_EF_HOUSEHOLD],
		                  .stage = v[CH_EF_STAGE],
		                  .day = v[CH_EF_DAY],
		                  .note = v[CH_EF_NOTE]};
		data_rows++;
		if ((rc = ch_event_add(b, &in)) != 0)
			goto done;
	}
	if (rc < 0)
		goto done;
	if (data_rows == 0) {
		ch_event_free(b); /* rolls back: no batch record, no audit entry */
		b = NULL;
		rc = ch_rows_none(header_line);
		ch_error_prefix("%s：", opts->path);
		goto done;
	}
	/* the file's digest, recorded when the batch is written: of the bytes
	 * the rows came from, hashed as they were read */
	if ((rc = ch_rows_hash(rows, hash)) != 0)
		goto done;
	rc = ch_event_finish(b, sum);
	if (opts->rejects && sum->rejected) {
		int wrc = ch_rejects_write(opts->rejects, opts->path, opts->sheet, &header,
		                           header_line, ch_event_problems(b));
		if (wrc && (rc == 0 || rc == CH_EINVALID))
			rc = wrc;
	}
done:
	if (rc < 0 && rc != CH_EINVALID && rc != CH_EDENIED)
		ch_error_prefix("%s: ", opts->path);
	ch_rows_free(rows);
	ch_strv_dispose(&header);
	*out = b;
	return rc;
}
