/*
 * inspect_file — a county's self-inspections in one file (see
 * inspect_file.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/acceptance.h"
#include "core/audit.h"
#include "core/ctx.h"
#include "db/db.h"
#include "io/headings.h"
#include "io/inspect_file.h"
#include "io/rejects.h"
#include "io/rows.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/strv.h"
#include "util/text.h"

#define HEADER_SEARCH_ROWS 10

enum { F_COUNTY, F_HOUSEHOLD, F_RESULT, F_DAY, F_INSPECTOR, F_EVIDENCE, F_NOTE, F_COUNT };
static const char *const field_keys[F_COUNT] = {"county",    "household", "result", "day",
                                                "inspector", "evidence",  "note"};

/* The checklist, to find its columns by their names. */
struct checklist {
	ch_strv keys, names;
};

static int add_item(const char *key, const char *name, void *arg)
{
	struct checklist *c = arg;
	ch_strv_push(&c->keys, key);
	ch_strv_push(&c->names, name);
	return 0;
}

/* 1 pass, 0 fail, -1 neither, for a result or checklist cell. */
static int pass_or_fail(const char *v, int empty)
{
	static const char *const yes[] = {"合格", "通过", "是", "√", "✓", "pass", "PASS"};
	static const char *const no[] = {"不合格", "不通过", "否", "×", "✗", "fail", "FAIL"};
	if (!*v)
		return empty;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcmp(v, yes[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* The column a core error is about, by the ch_inspect_record field. */
static const char *column_of(const char *field)
{
	static const struct {
		const char *field, *column;
	} map[] = {{"result", "结果"},       {"date", "日期"},   {"inspector", "自验人员"},
	           {"evidence", "证明材料"}, {"item", "检查项"}, {"county", "县市"},
	           {"household", "户编号"}};
	for (size_t i = 0; field && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].field, field) == 0)
			return map[i].column;
	return NULL;
}

/* Reads the evidence files LIST names ("a.jpg、b.jpg") from DIR into *EV.
 * Returns 0, or CH_EINVALID with a message naming the file. */
static int read_evidence(const char *dir, const char *list, ch_evidence **ev, size_t *n)
{
	static const char *const seps[] = {"；", "、", "，", ","};
	ch_buf b;
	int rc = 0;
	/* one separator, ';', before splitting: the others are several bytes */
	ch_buf_init(&b);
	for (const char *p = list; *p;) {
		size_t k = 0;
		for (size_t i = 0; i < sizeof seps / sizeof seps[0] && !k; i++)
			if (strncmp(p, seps[i], strlen(seps[i])) == 0)
				k = strlen(seps[i]);
		if (k) {
			ch_buf_putc(&b, ';');
			p += k;
		} else {
			ch_buf_putc(&b, *p++);
		}
	}
	*ev = ch_calloc(CH_EVIDENCE_MAX_FILES, sizeof **ev);
	*n = 0;
	for (char *p = b.ptr, *end; p && rc == 0; p = end ? end + 1 : NULL) {
		end = strchr(p, ';');
		if (end)
			*end = '\0';
		char *name = ch_text_normalize(p);
		if (!*name) {
			free(name);
			continue;
		}
		if (*n == CH_EVIDENCE_MAX_FILES) {
			rc = ch_error_set(CH_EINVALID, "证明材料最多 %d 个文件",
			                  CH_EVIDENCE_MAX_FILES);
		} else if (strchr(name, '/') || strcmp(name, "..") == 0) {
			rc = ch_error_set(CH_EINVALID,
			                  "证明材料「%s」只写文件名（文件与本表放在同一文件夹）",
			                  name);
		} else {
			size_t pl = strlen(dir) + strlen(name) + 2;
			char *path = ch_malloc(pl);
			unsigned char *data = NULL;
			size_t dlen = 0;
			snprintf(path, pl, "%s/%s", dir, name);
			if (ch_file_read(path, CH_EVIDENCE_MAX_BYTES, &data, &dlen) != 0) {
				rc = ch_error_set(CH_EINVALID,
				                  "找不到证明材料「%s」（应与本表放在同一文件夹）",
				                  name);
			} else {
				(*ev)[*n].name = ch_strdup(name);
				(*ev)[*n].data = data;
				(*ev)[*n].len = dlen;
				(*n)++;
			}
			free(path);
		}
		free(name);
	}
	ch_buf_dispose(&b);
	return rc;
}

static void free_evidence(ch_evidence *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((void *)ev[i].name);
		free((void *)ev[i].data);
	}
	free(ev);
}

int ch_inspect_import_file(ch_ctx *ctx, const ch_inspect_file_opts *opts,
                           ch_inspect_file_summary *sum, ch_problems **out)
{
	struct checklist cl;
	ch_rows *rows = NULL;
	ch_csv_row row;
	ch_strv header;
	ch_problems *problems = NULL;
	char hash[CH_HASH_HEX_LEN + 1], *dir = NULL;
	int col[F_COUNT], *item_col = NULL, rc, have = 0, in_tx = 0;
	size_t header_line = 0, denied = 0;

	*out = NULL;
	memset(sum, 0, sizeof *sum);
	ch_strv_init(&header);
	ch_strv_init(&cl.keys);
	ch_strv_init(&cl.names);
	if ((rc = ch_headings_load()) != 0 || (rc = ch_hash_file(opts->path, hash)) != 0)
		goto done;
	if ((rc = ch_checklist_each(ctx, add_item, &cl)) != 0)
		goto done;
	item_col = ch_calloc(cl.keys.len ? cl.keys.len : 1, sizeof *item_col);
	if ((rc = ch_rows_open(&rows, opts->path, opts->sheet)) != 0)
		goto done;
	/* the header: 户编号, 结果, 日期 and 自验人员 at least */
	while (!have && (rc = ch_rows_next(rows, &row)) == 1) {
		for (int f = 0; f < F_COUNT; f++)
			col[f] = -1;
		for (size_t i = 0; i < cl.keys.len; i++)
			item_col[i] = -1;
		for (size_t c = 0; c < row.nfields; c++) {
			char *h = ch_text_normalize(row.fields[c]);
			int f = ch_headings_find("inspect", h, field_keys, F_COUNT);
			if (f >= 0 && col[f] < 0)
				col[f] = (int)c;
			for (size_t i = 0; f < 0 && i < cl.names.len; i++)
				if (strcmp(h, cl.names.items[i]) == 0)
					item_col[i] = (int)c;
			free(h);
		}
		if (col[F_HOUSEHOLD] >= 0 && col[F_RESULT] >= 0 && col[F_DAY] >= 0 &&
		    col[F_INSPECTOR] >= 0) {
			have = 1;
			header_line = row.line;
			for (size_t c = 0; c < row.nfields; c++) {
				char *h = ch_text_normalize(row.fields[c]);
				int known =
				    ch_headings_find("inspect", h, field_keys, F_COUNT) >= 0 ||
				    strcmp(h, "错误原因") == 0;
				for (size_t i = 0; !known && i < cl.names.len; i++)
					known = strcmp(h, cl.names.items[i]) == 0;
				ch_strv_push(&header, row.fields[c]);
				if (*h && !known) {
					ch_buf names;
					ch_buf_init(&names);
					for (size_t i = 0; i < cl.names.len; i++)
						ch_buf_printf(&names, "、%s", cl.names.items[i]);
					rc = ch_error_set(
					    CH_EINVALID,
					    "第%zu行第%zu列：未知的列「%s」（可用：县市、户编号、"
					    "结果、日期、自验人员、证明材料、备注%s）",
					    row.line, c + 1, h, names.ptr ? names.ptr : "");
					ch_buf_dispose(&names);
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
		rc = ch_error_set(CH_EINVALID,
		                  "前 %d 行中没有含 户编号、结果、日期、自验人员 的表头",
		                  HEADER_SEARCH_ROWS);
		goto done;
	}
	{
		const char *slash = strrchr(opts->path, '/');
		dir = ch_strdup(slash ? opts->path : ".");
		if (slash)
			dir[slash - opts->path] = '\0';
	}
	problems = ch_problems_new();
	if ((rc = ch_ctx_begin(ctx)) != 0)
		goto done;
	in_tx = 1;
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		const char *v[F_COUNT];
		int any = 0, bad = 0;
		for (int f = 0; f < F_COUNT; f++) {
			v[f] =
			    col[f] >= 0 && (size_t)col[f] < row.nfields ? row.fields[col[f]] : "";
			any |= *v[f] != '\0';
		}
		if (!any)
			continue;
		/* a file of more than CH_DB_LARGE_ROWS rows is stored as a
		 * large transaction (ch_db_large_write), said when its next row
		 * is read: each page its rows read through the database's memory
		 * mapping would otherwise stay in the process until the commit.
		 * 986,389 self-inspections peaked at 340.1 MiB, 100,000 at 108.9
		 * (docs/performance.md, "Self-inspections in one file") */
		if (sum->rows++ == CH_DB_LARGE_ROWS &&
		    (rc = ch_db_large_write(ch_ctx_db(ctx))) != 0)
			goto done;
		const char *county = *v[F_COUNTY] ? v[F_COUNTY] : opts->county;
		if (*v[F_COUNTY] && opts->county && strcmp(v[F_COUNTY], opts->county) != 0) {
			ch_problems_add(problems, row.line, F_COUNTY, "县市", v[F_COUNTY], 0,
			                "与导入时指定的县市「%s」不符", opts->county);
			bad = 1;
		}
		int pass = pass_or_fail(v[F_RESULT], -1);
		if (pass < 0) {
			ch_problems_add(problems, row.line, F_RESULT, "结果", v[F_RESULT], 0,
			                "结果应为 合格 或 不合格");
			bad = 1;
		}
		ch_strv items;
		ch_strv_init(&items);
		for (size_t i = 0; i < cl.keys.len; i++) {
			const char *cell = item_col[i] >= 0 && (size_t)item_col[i] < row.nfields
			                       ? row.fields[item_col[i]]
			                       : "";
			int ip = pass_or_fail(cell, 1);
			if (ip < 0) {
				/* the column's name is the item's: in the reason (a problem's
				 * column is a static text) */
				ch_problems_add(problems, row.line, -1, "检查项", cell, 0,
				                "「%s」应填 合格 或 不合格（空白为合格）",
				                cl.names.items[i]);
				bad = 1;
			} else if (!ip) {
				char kv[128];
				snprintf(kv, sizeof kv, "%s=fail", cl.keys.items[i]);
				ch_strv_push(&items, kv);
			}
		}
		ch_evidence *ev = NULL;
		size_t nev = 0;
		if (!bad && *v[F_EVIDENCE] && read_evidence(dir, v[F_EVIDENCE], &ev, &nev) != 0) {
			ch_problems_add(problems, row.line, F_EVIDENCE, "证明材料", v[F_EVIDENCE],
			                0, "%s", ch_error_message());
			ch_error_clear();
			bad = 1;
		}
		if (!bad) {
			ch_inspect_in in = {.county = county,
			                    .household = v[F_HOUSEHOLD],
			                    .result = pass ? "pass" : "fail",
			                    .day = v[F_DAY],
			                    .inspector = v[F_INSPECTOR],
			                    .items = (const char *const *)items.items,
			                    .nitems = items.len,
			                    .evidence = ev,
			                    .nevidence = nev,
			                    .today = opts->today};
			int64_t id, order;
			int r = ch_inspect_record(ctx, &in, &id, &order);
			if (r == 0) {
				if (pass)
					sum->passed++;
				else
					sum->failed++;
			} else if (r == CH_EINVALID || r == CH_EDENIED || r == CH_ENOTFOUND ||
			           r == CH_ECONFLICT) {
				const char *column = column_of(ch_error_field());
				ch_problems_add(problems, row.line, -1, column ? column : "户编号",
				                column ? NULL : v[F_HOUSEHOLD], 0, "%s",
				                ch_error_message());
				ch_error_clear();
				denied += r == CH_EDENIED;
			} else {
				rc = r;
			}
		}
		free_evidence(ev, nev);
		ch_strv_dispose(&items);
		if (rc < 0)
			goto done;
	}
	if (rc < 0)
		goto done;
	if (sum->rows == 0) {
		rc = ch_rows_none(header_line);
		ch_error_prefix("%s：", opts->path);
		goto done;
	}
	sum->rejected = ch_problems_nrejected(problems);
	if (denied) {
		rc =
		    ch_error_set(CH_EDENIED,
		                 "您无权为文件中 %zu 行的农户录入自验（超出管辖范围或角色不能自验，"
		                 "见各行）；什么也没有保存",
		                 denied);
		goto done;
	}
	if (sum->rejected && !opts->skip_invalid) {
		rc = ch_error_set_field(CH_EINVALID, "skip-invalid",
		                        "%zu 行有错误，什么也没有保存（改正后重新导入；或只保存"
		                        "正确的行，把有错误的行写入拒收文件）",
		                        sum->rejected);
		goto done;
	}
	json_t *j =
	    json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "file", opts->path, "hash", hash, "rows",
	              (json_int_t)sum->rows, "passed", (json_int_t)sum->passed, "failed",
	              (json_int_t)sum->failed, "rejected", (json_int_t)sum->rejected);
	char *js = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	rc = ch_audit_append(ctx, "inspection.import", "inspection:import", NULL, js);
	free(js);
	json_decref(j);
	in_tx = 0;
	rc = ch_ctx_end(ctx, rc);
	if (rc == 0 && opts->rejects && sum->rejected)
		rc = ch_rejects_write(opts->rejects, opts->path, opts->sheet, &header, header_line,
		                      problems);
done:
	if (in_tx) {
		ch_ctx_rollback(ctx);
		sum->passed = sum->failed = 0;
	}
	if (rc < 0 && rc != CH_EINVALID && rc != CH_EDENIED)
		ch_error_prefix("%s: ", opts->path);
	ch_rows_free(rows);
	ch_strv_dispose(&header);
	ch_strv_dispose(&cl.keys);
	ch_strv_dispose(&cl.names);
	free(item_col);
	free(dir);
	*out = problems;
	return rc;
}
