/*
 * audit_summary — one line in Chinese for an audit entry: who did what to
 * which household, plan, user or payment batch.
 *
 * The log keeps each write as an action key, an object and JSON before and
 * after. An auditor reads sentences, so each action has a template here, in
 * one table, whose ${...} fields are filled from the entry:
 *
 *   ${key}    the value of KEY in the JSON after the change (before, when
 *             there is no after), shown as people read it: a stage key as
 *             its Chinese name, a role as its label, pass/fail as 合格/不合格,
 *             an amount in fen (a key ending in _fen) as yuan, a county
 *             code as the county's name
 *   ${b.key}  the same from the JSON before the change
 *   ${@}      the object's name after its kind ("2023" of "plan:2023")
 *   ${hh}     the household the entry is about: "昌吉市 户 CJ002", from an
 *             object "household:CODE/户编号" or the JSON's county and
 *             household
 *
 * A field that is missing is left out with nothing in its place. An
 * action not in the table is shown by its key and object, so a new action
 * is readable (if plainly) before it gets its sentence.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/ctx_int.h"
#include "core/region.h"
#include "core/user.h"
#include "core/workflow.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/money.h"

static const struct {
	const char *action, *template;
} templates[] = {
    {"user.bootstrap", "建立数据库，${name} 为首位州级管理员"},
    {"db.backup", "把整个数据库备份到 ${file}"},
    {"db.restore", "用备份 ${file} 恢复数据库（原数据库另存为 ${kept}）"},
    {"reference.load", "载入内置参考数据（行政区划、技术路线、验收清单等）"},
    {"plan.import", "导入 ${@} 年计划（${source}）"},
    {"plan.replace", "替换 ${@} 年计划（${source}）"},
    {"plan.withdraw", "撤回 ${year} 年计划第 ${withdrawn_version} 版：${reason}"},
    {"rules.import", "载入 ${year} 年规则 ${kind} 第 ${version} 版（${file}）"},
    {"region.import",
     "导入行政区划 ${file}：新增乡镇 ${townships_added} 个、村 ${villages_added} 个"},
    {"household.import", "导入农户台账 ${file}：读入 ${rows} 行，新增 ${inserted} 户，"
                         "更新 ${updated} 户，拒收 ${rejected} 行"},
    {"household.update", "修改 ${hh} 的档案"},
    {"household.reveal", "查看完整身份证号和电话（${query}），共 ${shown} 户"},
    {"event.import",
     "导入进度周报 ${file}：读入 ${rows} 行，记录 ${stored} 条，拒收 ${rejected} 行"},
    {"event.record", "为 ${hh} 记录「${stage}」${day}"},
    {"event.correct", "更正 ${hh} 的「${stage}」日期：${b.day} 改为 ${day}"},
    {"dispatch.freeze", "锁定调度数据 ${@}"},
    {"inspection.record", "自验 ${hh}：${result}（${day}，自验人员 ${inspector}）"},
    {"inspection.import", "导入自验记录 ${file}：读入 ${rows} 行，合格 ${passed} 户，不合格 "
                          "${failed} 户，拒收 ${rejected} 行"},
    {"review.apply", "提交复核申请 ${number}（${county}，${households} 户）"},
    {"review.assign", "将复核申请 ${@} 分派给 ${unit} 的 ${reviewer}（抽样种子 ${seed}）"},
    {"review.result", "复核 ${hh}：${result}（复核申请 ${@}）"},
    {"rectification.close", "关闭整改单 ${@}（${closed_day}）：${note}"},
    {"funds.appropriate", "资金下达 ${@}"},
    {"funds.allocate", "资金拨付 ${@}"},
    {"funds.spend", "资金支出 ${@}"},
    {"subsidy.reserve", "预留补助资金 ${@}"},
    {"subsidy.pay", "生成补助发放批次 ${@}（${county}）：${payments} 笔，合计 ${total_fen}"},
    {"subsidy.payfile", "重新生成发放批次 ${@} 的银行文件"},
    {"subsidy.reconcile",
     "导入银行回单：确认到账 ${confirmed} 笔，失败 ${failed} 笔，重复 ${repeated} 笔，无法对应 "
     "${unknown} 笔"},
    {"user.add", "添加用户 ${name}（${role}，${scope}）"},
    {"user.role", "将用户 ${@} 的角色由 ${b.role} 改为 ${role}（${scope}）"},
    {"user.password", "设置用户 ${@} 的登录密码"},
    {"user.disable", "停用用户 ${@}"},
    {"user.enable", "恢复用户 ${@}"},
    {"token.create", "为用户 ${@} 创建 API 令牌"},
    {"token.revoke", "吊销用户 ${@} 的 API 令牌"},
    {"auth.signin", "用户 ${@} 登录（${client}）"},
    {"auth.signin_failed", "用户 ${@} 登录失败（${client}）"},
    {"auth.reauth", "用户 ${@} 重新输入动态验证码（${client}）"},
    {"user.totp_enroll", "用户 ${@} 绑定动态验证码，生成 ${recovery_codes} 个恢复码"},
    {"user.totp_reset", "清除用户 ${@} 的动态验证码"},
};

/* The county named by CODE, or CODE itself when it is not one. */
static void county_name(ch_ctx *ctx, const char *code, ch_buf *out)
{
	ch_region r;
	if (ch_region_find(ctx, code, CH_LEVEL_COUNTY, 0, &r) == 0) {
		ch_buf_puts(out, r.name);
		ch_region_dispose(&r);
	} else {
		ch_error_clear();
		ch_buf_puts(out, code);
	}
}

/* Appends the value of KEY in O as people read it. */
static void put_value(ch_ctx *ctx, json_t *o, const char *key, ch_buf *out)
{
	json_t *v = json_object_get(o, key);
	size_t klen = strlen(key);
	if (!v || json_is_null(v))
		return;
	if (json_is_integer(v)) {
		if (klen > 4 && strcmp(key + klen - 4, "_fen") == 0) {
			char yuan[40];
			ch_buf_printf(out, "%s 元",
			              ch_money_format(json_integer_value(v), yuan, sizeof yuan));
		} else {
			ch_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		}
		return;
	}
	if (json_is_boolean(v)) {
		ch_buf_puts(out, json_is_true(v) ? "是" : "否");
		return;
	}
	if (!json_is_string(v))
		return;
	const char *s = json_string_value(v);
	int stage;
	if (strcmp(key, "stage") == 0 && (stage = ch_stage_parse(s)) >= 0)
		ch_buf_puts(out, ch_stage_name((enum ch_stage)stage));
	else if (strcmp(key, "role") == 0 && ch_role_parse(s) >= 0)
		ch_buf_puts(out, ch_role_label((enum ch_role)ch_role_parse(s)));
	else if (strcmp(key, "result") == 0 && (!strcmp(s, "pass") || !strcmp(s, "fail")))
		ch_buf_puts(out, strcmp(s, "pass") == 0 ? "合格" : "不合格");
	else if (strcmp(key, "county") == 0)
		county_name(ctx, s, out);
	else
		ch_buf_puts(out, s);
}

/* Appends the household entry E is about. */
static void put_household(ch_ctx *ctx, const ch_audit_entry *e, json_t *after, ch_buf *out)
{
	const char *obj = e->object ? e->object : "";
	if (strncmp(obj, "household:", 10) == 0 && strchr(obj + 10, '/')) {
		const char *slash = strchr(obj + 10, '/');
		char code[64];
		snprintf(code, sizeof code, "%.*s", (int)(slash - obj - 10), obj + 10);
		county_name(ctx, code, out);
		ch_buf_printf(out, " 户 %s", slash + 1);
		return;
	}
	json_t *c = json_object_get(after, "county"), *h = json_object_get(after, "household");
	if (json_is_string(c)) {
		county_name(ctx, json_string_value(c), out);
		ch_buf_puts(out, " ");
	}
	if (json_is_string(h))
		ch_buf_printf(out, "户 %s", json_string_value(h));
}

void ch_audit_summary(ch_ctx *ctx, const ch_audit_entry *e, char *out, size_t outsz)
{
	const char *t = NULL;
	ch_buf b;
	json_t *after = e->after ? json_loads(e->after, 0, NULL) : NULL;
	json_t *before = e->before ? json_loads(e->before, 0, NULL) : NULL;
	const char *colon = e->object ? strchr(e->object, ':') : NULL;

	for (size_t i = 0; i < sizeof templates / sizeof templates[0] && !t; i++)
		if (strcmp(templates[i].action, e->action) == 0)
			t = templates[i].template;
	ch_buf_init(&b);
	ch_buf_printf(&b, "%s ", e->actor);
	if (!t) {
		ch_buf_printf(&b, "%s %s", e->action, e->object ? e->object : "");
	} else {
		json_t *fields = after ? after : before;
		while (*t) {
			const char *open = strstr(t, "${"), *close;
			if (!open || !(close = strchr(open, '}'))) {
				ch_buf_puts(&b, t);
				break;
			}
			ch_buf_put(&b, t, (size_t)(open - t));
			char key[64];
			snprintf(key, sizeof key, "%.*s", (int)(close - open - 2), open + 2);
			if (strcmp(key, "@") == 0)
				ch_buf_puts(&b, colon ? colon + 1 : (e->object ? e->object : ""));
			else if (strcmp(key, "hh") == 0)
				put_household(ctx, e, fields, &b);
			else if (strncmp(key, "b.", 2) == 0)
				put_value(ctx, before, key + 2, &b);
			else
				put_value(ctx, fields, key, &b);
			t = close + 1;
		}
	}
	snprintf(out, outsz, "%s", b.ptr ? b.ptr : "");
	ch_buf_dispose(&b);
	json_decref(after);
	json_decref(before);
}
