#!/bin/sh
# End-to-end tests of `cleanheat user add|list` and the permission gate:
# the bootstrap admin, roles and scopes, and commands refused (exit 3)
# without changing anything.
. "$(dirname "$0")/lib.sh"

R=$FIX/region
CORRECTED=$ROOT/data/plans/changji-2023-corrected.csv
ME=$(id -un 2>/dev/null || echo "${USER:-admin}")

regions() {
	ch --db u.db region list --all --format csv
}
audit_lines() {
	ch --db u.db audit log --limit 100000 --format csv | wc -l | tr -d ' '
}

# ---- the bootstrap admin ----

# a command that only reads never creates a database: a mistyped --db says
# so (exit 4) and leaves nothing behind; `db init` or a command that writes
# creates it; a missing folder is named, not an internal error
run ch --db u.db user list
expect_rc "user list on a missing database: exit 4" 4
if [ "$TEST_DB" = pg ]; then # an empty database its administrator made
	has_err "user list on a missing database: names the database" "$(pg_name u.db)?host="
	has_err "user list on a missing database: says it has no tables" "还没有建立表结构"
else
	has_err "user list on a missing database: names the file" "数据库文件「u.db」不存在"
fi
if db_exists u.db; then not_ok "user list on a missing database: no file created"; else ok "user list on a missing database: no file created"; fi
if sqlite_only "a write into a missing folder" "a PostgreSQL database has no folder"; then
	run ch --db no-such-folder/u.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023
	expect_rc "a write into a missing folder: exit 4, not an internal error" 4
	has_err "a write into a missing folder: names the folder" "文件夹「no-such-folder」不存在"
fi
run ch --db plan-check.db plan check "$ROOT/data/plans/changji-2023-corrected.csv"
expect_rc "plan check needs no database: exit 0" 0
if db_exists plan-check.db; then not_ok "plan check: no database created"; else ok "plan check: no database created"; fi
run ch --db u.db db init
expect_rc "db init: exit 0" 0
has "db init: says the database is ready" "数据库已就绪"
run ch --db u.db user list
expect_rc "user list on a new database: exit 0" 0
has "user list: $ME is prefecture_admin" "prefecture_admin"
run ch --db u.db user list --format csv
has "user list csv: $ME,prefecture_admin, whole prefecture" "$ME,prefecture_admin,州级管理员,全州"
if [ "$(printf '%s\n' "$OUT" | wc -l)" -eq 2 ]; then ok "user list: only the bootstrap admin"; else
	not_ok "user list: only the bootstrap admin"; fi
run ch --db u.db --as "$ME" user list
expect_rc "--as the OS user: exit 0" 0

# ---- adding users ----

run ch --db u.db user add alice --role county_operator --scope 昌吉市
expect_rc "add alice county_operator 昌吉市: exit 0" 0
expect_out "add alice: confirms" "alice"
run ch --db u.db user list --format csv
has "user list: alice county_operator 昌吉市" "alice,county_operator,县市操作员,昌吉市"

n0=$(audit_lines)
run ch --db u.db user add bob --role county_operator
expect_rc "county_operator without --scope: exit 1" 1
expect_err "county_operator without --scope: says --scope is needed" "--scope"
has_err "county_operator without --scope: names 管辖范围, hints the flag" "县市操作员需要一个县（市）作为管辖范围 (--scope)"
run ch --db u.db user add bob --role county_operator --scope 昌吉回族自治州
expect_rc "county_operator scoped to the prefecture: exit 1" 1
run ch --db u.db user add bob --role county_operator --scope 米泉市
expect_rc "county_operator scoped to obsolete 米泉市: exit 1" 1
run ch --db u.db user add bob --role mayor
expect_rc "unknown role: exit 2" 2
expect_err "unknown role: lists the roles" "county_operator"
run ch --db u.db user add bob
expect_rc "no --role: exit 2" 2
run ch --db u.db user add alice --role auditor
expect_rc "duplicate name: exit 5" 5
expect_err "duplicate name: says it exists" "alice"
run ch --db u.db user add "bob smith" --role auditor
expect_rc "name with a space: exit 1" 1
run ch --db u.db user list --format csv
lacks "refused adds: no bob" "bob"
if [ "$(printf '%s\n' "$OUT" | grep -c '^alice,')" -eq 1 ]; then ok "duplicate refused: alice still once, as county_operator"; else
	not_ok "duplicate refused: alice still once, as county_operator"; fi
n1=$(audit_lines)
if [ "$n1" -eq "$n0" ]; then ok "refused adds: no audit entry"; else not_ok "refused adds: no audit entry" "$n0 -> $n1"; fi

# ---- a county operator ----

run ch --db u.db --as alice plan import "$CORRECTED" --year 2023
expect_rc "alice plan import: permission denied (3)" 3
expect_err "alice plan import: says who and what" "alice"
run ch --db u.db plan show --year 2023
expect_rc "alice plan import: nothing stored (plan show 4)" 4

before=$(regions)
run ch --db u.db --as alice region import "$R/changji-townships.csv"
expect_rc "alice imports 昌吉市 townships: exit 0" 0
expect_out "alice imports 昌吉市 townships: counts" "新增乡镇 2 个"
run ch --db u.db region list 昌吉市
has "alice's townships stored: 大西渠镇" "大西渠镇"
has "alice's townships stored: 十三户村" "十三户村"

run ch --db u.db user add tw --role township_operator --scope 大西渠镇
expect_rc "township_operator scoped to a township: exit 0" 0
run ch --db u.db user add tw2 --role township_operator --scope 昌吉市
expect_rc "township_operator scoped to a county: exit 1" 1
run ch --db u.db user add mu --role county_operator --scope 木垒县
expect_rc "county_operator scoped by the short name 木垒县: exit 0" 0
run ch --db u.db user list --format csv
has "user list: tw scoped to 大西渠镇" "tw,township_operator,乡镇录入员,大西渠镇"
has "user list: 木垒县 scope stored as 木垒哈萨克自治县" "mu,county_operator,县市操作员,木垒哈萨克自治县"
lacks "user list: no tw2" "tw2"
run ch --db u.db --as tw region import "$R/changji-townships.csv"
expect_rc "township_operator region import: permission denied (3)" 3
run ch --db u.db --as tw region list 昌吉市
expect_rc "township_operator region list: exit 0" 0

before=$(regions)
run ch --db u.db --as alice region import "$R/fukang-townships.csv"
expect_rc "alice imports 阜康市 townships: permission denied (3)" 3
expect_err "alice 阜康市: outside the scope" "阜康市"
if [ "$(regions)" = "$before" ]; then ok "alice 阜康市: nothing stored"; else not_ok "alice 阜康市: nothing stored"; fi

run ch --db u.db --as alice region import "$R/mixed-townships.csv"
expect_rc "alice imports 昌吉市 + 阜康市 rows: permission denied (3)" 3
if [ "$(regions)" = "$before" ]; then ok "alice mixed file: not even the 昌吉市 rows stored"; else
	not_ok "alice mixed file: not even the 昌吉市 rows stored"; fi

run ch --db u.db --as alice user add carol --role auditor
expect_rc "alice user add: permission denied (3)" 3
run ch --db u.db --as alice audit verify
expect_rc "alice audit verify: permission denied (3)" 3
run ch --db u.db --as alice region list
expect_rc "alice region list: exit 0" 0

# ---- an auditor ----

run ch --db u.db plan import "$CORRECTED" --year 2023
expect_rc "admin plan import: exit 0" 0
run ch --db u.db user add aud --role auditor
expect_rc "add auditor aud: exit 0" 0
run ch --db u.db --as aud audit verify
expect_rc "aud audit verify: exit 0" 0
run ch --db u.db --as aud audit log
expect_rc "aud audit log: exit 0" 0
run ch --db u.db --as aud plan show --year 2023
expect_rc "aud plan show: exit 0" 0
expect_out "aud plan show: the plan" "全州合计"
run ch --db u.db --as aud user list
expect_rc "aud user list: exit 0" 0
n2=$(audit_lines)
run ch --db u.db --as aud user add x --role auditor
expect_rc "aud user add: permission denied (3)" 3
run ch --db u.db --as aud plan import "$CORRECTED" --year 2024
expect_rc "aud plan import: permission denied (3)" 3
run ch --db u.db --as aud region import "$R/changji-townships.csv"
expect_rc "aud region import: permission denied (3)" 3
run ch --db u.db user list --format csv
lacks "aud user add: no user x" "x,auditor"
run ch --db u.db plan show --year 2024
expect_rc "aud plan import: nothing stored" 4
n3=$(audit_lines)
if [ "$n3" -eq "$n2" ]; then ok "refused commands: no audit entry"; else not_ok "refused commands: no audit entry" "$n2 -> $n3"; fi

# ---- someone who is not a user ----

run ch --db u.db --as nobody plan show --year 2023
expect_rc "--as nobody plan show: permission denied (3)" 3
expect_err "--as nobody: names the user" "nobody"
run ch --db u.db --as nobody user add nobody --role prefecture_admin
expect_rc "--as nobody cannot add itself: 3" 3
run ch --db fresh.db --as nobody plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023
expect_rc "--as nobody on a new database: 3" 3
run ch --db fresh.db user list --format csv
expect_rc "the new database still has its admin" 0
has "new database: the OS user is its admin" "$ME,prefecture_admin"
lacks "new database: nobody was not added" "nobody"

# ---- roles by their Chinese names; changing a role and scope ----

run ch --db u.db user add dora --role 县市操作员 --scope 阜康市
expect_rc "user add --role 县市操作员: exit 0" 0
run ch --db u.db user list --format csv
has "user add --role 县市操作员: stored as county_operator" "dora,county_operator,县市操作员,阜康市"
run ch --db u.db user add erin --role 审计人员
expect_rc "user add --role 审计人员 (without （只读）): exit 0" 0
run ch --db u.db user add finn --role 主任
expect_rc "an unknown role: usage error" 2
has_err "an unknown role: lists the valid ones" "county_operator"
has_err "an unknown role: lists the Chinese names" "县市操作员"
run ch --db u.db user role dora 乡镇录入员 --scope 大西渠镇
expect_rc "user role: exit 0" 0
has "user role: says the new role" "用户 dora 现为乡镇录入员（大西渠镇）"
run ch --db u.db user list --format csv
has "user role: stored" "dora,township_operator,乡镇录入员,大西渠镇"
run ch --db u.db audit log --format csv
has "user role: audited with before and after" "user.role"
A0=$(ch --db u.db audit log --format csv | wc -l)
run ch --db u.db user role dora township_operator --scope 大西渠镇
expect_rc "user role unchanged: exit 0" 0
expect_eq "user role unchanged: no audit entry" "$(ch --db u.db audit log --format csv | wc -l)" "$A0"
run ch --db u.db user role dora county_operator
expect_rc "user role county_operator without a county: refused" 1
has_err "user role without a county: says what the role needs" "县市操作员需要一个县（市）作为管辖范围"
run ch --db u.db user role nobody-here auditor
expect_rc "user role of no such user: exit 4" 4
run ch --db u.db --as alice user role dora auditor
expect_rc "user role by a county operator: permission denied (3)" 3
run ch --db u.db user role "$ME" auditor
expect_rc "an admin cannot demote themselves: exit 5" 5

# ---- --as: only an administrator acts as someone else, and the log says so ----
mkdir -p shared && chmod 777 shared && chmod 755 "$WORK"
ch --db shared/s.db user add alice --role county_operator --scope 昌吉市 >/dev/null
run ch --db shared/s.db --as alice region import "$FIX/region/changji-townships.csv"
expect_rc "the administrator acting as alice: allowed" 0
run ch --db shared/s.db audit log --limit 1 --format csv
has "the administrator acting as alice: the log names both" "alice（$ME 代为操作）"
if [ "$(id -u)" -eq 0 ] && sqlite_only "--as by another OS user" "the test cluster's socket is its owner's only"; then
	chmod 666 shared/s.db
	run runuser -u nobody -- "$CLEANHEAT" --db shared/s.db --as "$ME" user list
	expect_rc "an OS user who is no cleanheat user cannot --as the administrator: 3" 3
	has_err "--as by someone who may not: names the rule" "只有州级管理员可以代他人操作"
	ch --db shared/s.db user add nobody --role county_operator --scope 昌吉市 >/dev/null
	run runuser -u nobody -- "$CLEANHEAT" --db shared/s.db --as "$ME" user add mallory --role prefecture_admin
	expect_rc "a county operator cannot --as the administrator: 3" 3
	has_err "a county operator's --as: says who may" "只有州级管理员可以代他人操作（--as）；nobody 是县市操作员"
	run runuser -u nobody -- "$CLEANHEAT" --db shared/s.db user list
	expect_rc "the county operator as herself: allowed" 0
fi
# a new database file is readable and writable by its owner only
if sqlite_only "a new database: mode 600" "a PostgreSQL database is no file"; then
	ch --db private.db db init >/dev/null
	expect_eq "a new database: mode 600" "$(stat -c %a private.db)" 600
fi
# a global option given twice is a usage error, not "the last one wins"
run ch --db u.db --as alice --as "$ME" user list
expect_rc "--as given twice: usage error" 2
has_err "--as given twice: says so" "--as 重复给出"
run ch --db u.db --db=other.db user list
expect_rc "--db given twice: usage error" 2
