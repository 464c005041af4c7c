/*
 * test_config — the configuration file's reader: lines, comments, quotes,
 * the errors that name the file, line and key, the database's precedence
 * (option, environment, file, default) and audit_key and busy_timeout
 * handed on through the environment without overriding it.
 */
#include "testutil.h"

#include "app/config.h"
#include "util/error.h"

static void test_parse_lines(void **state)
{
	(void)state;
	ch_config cfg = {0};
	assert_int_equal(ch_config_parse(&cfg, "x.conf",
	                                 "# comment\n"
	                                 "; comment\n"
	                                 "\n"
	                                 "  listen =  0.0.0.0:443  \n"
	                                 "web-root = \" /srv/web \"\n"
	                                 "tls_cert = /etc/ssl/a#b.pem\r\n"),
	                 0);
	assert_string_equal(ch_config_get(&cfg, "listen"), "0.0.0.0:443");
	assert_int_equal(ch_config_line(&cfg, "listen"), 4);
	assert_string_equal(ch_config_get(&cfg, "web_root"), " /srv/web ");
	assert_string_equal(ch_config_get(&cfg, "tls_cert"), "/etc/ssl/a#b.pem");
	assert_null(ch_config_get(&cfg, "workers"));
	assert_int_equal(ch_config_line(&cfg, "workers"), 0);
	ch_config_dispose(&cfg);
}

static void expect_error(const char *text, const char *message)
{
	ch_config cfg = {0};
	assert_int_equal(ch_config_parse(&cfg, "x.conf", text), CH_EINVALID);
	if (!strstr(ch_error_message(), message))
		fail_msg("%s: got «%s», want «%s»", text, ch_error_message(), message);
	ch_error_clear();
	ch_config_dispose(&cfg);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("\n\nport = 80\n", "配置文件「x.conf」第 3 行「port」：没有这个设置项");
	expect_error("[server]\n", "第 1 行：“[server]”不是“键 = 值”的形式");
	expect_error("timeout = 5\ntimeout = 6\n", "第 2 行「timeout」：重复给出（第 1 行已设置）");
	expect_error("audit_key = \"\"\n", "第 1 行「audit_key」：缺少取值");
	expect_error("busy_timeout = -1\n", "第 1 行「busy_timeout」");
	expect_error("busy_timeout = 5s\n", "第 1 行「busy_timeout」");
}

static void test_database_precedence(void **state)
{
	(void)state;
	ch_config cfg = {0};
	unsetenv("CLEANHEAT_DB");
	assert_string_equal(ch_config_database(&cfg, NULL), "cleanheat.db");
	assert_int_equal(ch_config_parse(&cfg, "x.conf", "database = /var/lib/c.db\n"), 0);
	assert_string_equal(ch_config_database(&cfg, NULL), "/var/lib/c.db");
	setenv("CLEANHEAT_DB", "env.db", 1);
	assert_string_equal(ch_config_database(&cfg, NULL), "env.db");
	assert_string_equal(ch_config_database(&cfg, "opt.db"), "opt.db");
	setenv("CLEANHEAT_DB", "", 1);
	assert_string_equal(ch_config_database(&cfg, NULL), "/var/lib/c.db");
	unsetenv("CLEANHEAT_DB");
	ch_config_dispose(&cfg);
}

static void test_export_env(void **state)
{
	(void)state;
	ch_config cfg = {0};
	unsetenv("CLEANHEAT_AUDIT_KEY");
	setenv("CLEANHEAT_BUSY_TIMEOUT", "9", 1);
	assert_int_equal(ch_config_parse(&cfg, "x.conf", "audit_key = /etc/k\nbusy_timeout = 12\n"),
	                 0);
	ch_config_export_env(&cfg);
	assert_string_equal(getenv("CLEANHEAT_AUDIT_KEY"), "/etc/k");
	/* the environment comes before the file */
	assert_string_equal(getenv("CLEANHEAT_BUSY_TIMEOUT"), "9");
	unsetenv("CLEANHEAT_AUDIT_KEY");
	unsetenv("CLEANHEAT_BUSY_TIMEOUT");
	ch_config_dispose(&cfg);
}

static void test_load(void **state)
{
	(void)state;
	ch_config cfg;
	setenv("CLEANHEAT_CONFIG", "", 1);
	assert_int_equal(ch_config_load(&cfg, NULL), 0);
	assert_null(cfg.path);
	assert_int_equal(ch_config_load(&cfg, "/nonexistent/cleanheat.conf"), CH_ENOTFOUND);
	ch_error_clear();
	ch_config_dispose(&cfg);
	assert_int_equal(ch_config_load(&cfg, "/"), CH_EINVALID);
	ch_error_clear();
	ch_config_dispose(&cfg);
	unsetenv("CLEANHEAT_CONFIG");
}

int main(void)
{
	test_no_database();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_lines),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_database_precedence),
	    cmocka_unit_test(test_export_env),
	    cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
