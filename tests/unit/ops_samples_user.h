/* Samples of the user operations for test_ops.c (see ops_samples_plan.h). */
SAMPLE("user.add", "sample-clerk --role county_operator --scope 昌吉市")
SAMPLE("user.list", "")
SAMPLE("user.passwd", "sample-clerk --password 样例密码-correct-horse")
SAMPLE("token.create", "sample-clerk --expires 30")
SAMPLE("token.list", "")
SAMPLE("token.revoke", "1")
SAMPLE("user.disable", "sample-clerk")
SAMPLE("user.enable", "sample-clerk")
