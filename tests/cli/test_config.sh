#!/bin/sh
# End-to-end tests of the configuration file: found through --config or
# CLEANHEAT_CONFIG (empty: none), `key = value` lines with comments, its
# database used when --db is not given, precedence command line >
# environment > file > default, serve's options taken from it, and every
# mistake an error naming the file, the line and the key.
# sqlite-only: which database file the configuration names (CLEANHEAT_DB, which names the PostgreSQL test database, would come before it)
. "$(dirname "$0")/lib.sh"

CORRECTED=$ROOT/data/plans/changji-2023-corrected.csv
mkdir -p state
ch --db state/a.db plan import "$CORRECTED" --year 2023 >/dev/null
ch --db state/b.db db init >/dev/null

cat >a.conf <<'CONF'
# cleanheat settings for the tests
; another comment

database = state/a.db
listen = 127.0.0.1:0
CONF

# ---- which database ----
run ch --config a.conf plan show --year 2023
expect_rc "--config: its database is used" 0
has "--config: the plan of the configured database" "昌吉市"
run ch --config=a.conf plan show --year 2023
expect_rc "--config=FILE works as well" 0
run env CLEANHEAT_CONFIG=a.conf "$CLEANHEAT" plan show --year 2023
expect_rc "CLEANHEAT_CONFIG names the file" 0
run ch plan show --year 2023
expect_rc "CLEANHEAT_CONFIG empty: no file, the default ./cleanheat.db (missing: exit 4)" 4
run ch --config a.conf --db state/b.db plan show --year 2023
expect_rc "--db before the file: b.db has no plan (exit 4)" 4
run env CLEANHEAT_DB=state/b.db "$CLEANHEAT" --config a.conf plan show --year 2023
expect_rc "CLEANHEAT_DB before the file" 4
run env CLEANHEAT_DB=state/b.db "$CLEANHEAT" --config a.conf --db state/a.db plan show --year 2023
expect_rc "--db before CLEANHEAT_DB" 0
printf 'database = state/b.db\n' >b.conf
run env CLEANHEAT_CONFIG=b.conf "$CLEANHEAT" --config a.conf plan show --year 2023
expect_rc "--config before CLEANHEAT_CONFIG" 0
# a write creates the configured database, not ./cleanheat.db
printf 'database = "state/new.db"\n' >new.conf
run ch --config new.conf db init
expect_rc "a write creates the configured database" 0
[ -f state/new.db ] && [ ! -f cleanheat.db ] && ok "the database is state/new.db" || RC=1 not_ok "the database is state/new.db"

# spellings: spaces, quotes, '-' for '_', CRLF, a BOM
printf '\357\273\277  database=state/a.db  \r\n\tmax-connections = 10\r\n' >crlf.conf
run ch --config crlf.conf plan show --year 2023
expect_rc "BOM, CRLF, spaces and max-connections are read" 0

# ---- mistakes name the file, the line and the key ----
printf 'database = state/a.db\n\nworkers = 999\n' >bad.conf
run ch --config bad.conf plan show --year 2023
expect_rc "a value out of range: exit 1" 1
has_err "a value out of range: names file, line and key" "配置文件「bad.conf」第 3 行「workers」"
has_err "a value out of range: says the range" "1 到 256"
printf 'database = state/a.db\nlisen = 127.0.0.1:80\n' >bad.conf
run ch --config bad.conf plan show --year 2023
expect_rc "an unknown key: exit 1" 1
has_err "an unknown key: names it and its line" "第 2 行「lisen」：没有这个设置项"
has_err "an unknown key: lists the keys" "listen"
printf 'database = state/a.db\ndatabase = state/b.db\n' >bad.conf
run ch --config bad.conf plan show --year 2023
expect_rc "a key given twice: exit 1" 1
has_err "a key given twice: names both lines" "第 2 行「database」：重复给出（第 1 行已设置）"
printf 'listen\n' >bad.conf
run ch --config bad.conf plan show --year 2023
has_err "a line without '=': names it" "第 1 行：“listen”不是“键 = 值”的形式"
printf 'database =\n' >bad.conf
run ch --config bad.conf plan show --year 2023
has_err "an empty value: names the key" "第 1 行「database」：缺少取值"
printf 'busy_timeout = soon\n' >bad.conf
run ch --config bad.conf plan show --year 2023
has_err "busy_timeout must be a number" "第 1 行「busy_timeout」"
printf 'insecure_http = maybe\n' >bad.conf
run ch --config bad.conf plan show --year 2023
has_err "insecure_http must be yes or no" "请写 yes 或 no"
run ch --config missing.conf plan show --year 2023
expect_rc "a missing --config file: exit 4" 4
has_err "a missing --config file: names it" "配置文件「missing.conf」不存在"
run env CLEANHEAT_CONFIG=missing.conf "$CLEANHEAT" plan show --year 2023
expect_rc "a missing CLEANHEAT_CONFIG file: exit 4" 4
run ch --config a.conf --config b.conf plan show --year 2023
expect_rc "--config twice: exit 2" 2
run ch --config bad.conf help
expect_rc "help needs no configuration" 0

# ---- serve takes its options from the file ----
serve_log() {
	: >serve.log
	"$CLEANHEAT" "$@" 2>serve.log &
	PID=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q "serving" serve.log; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -TERM $PID 2>/dev/null
	wait $PID 2>/dev/null
	LOG=$(cat serve.log)
}
printf 'database = state/a.db\nlisten = 127.0.0.1:0\nworkers = 3\n' >serve.conf
serve_log --config serve.conf serve
case "$LOG" in *"state/a.db on http://127.0.0.1:"*"(3 workers)"*) ok "serve: listen, workers and database from the file" ;;
*) RC=1 OUT=$LOG ERR='' not_ok "serve: listen, workers and database from the file" ;; esac
serve_log --config serve.conf serve --workers 2
case "$LOG" in *"(2 workers)"*) ok "serve: an option beats the file" ;;
*) RC=1 OUT=$LOG ERR='' not_ok "serve: an option beats the file" ;; esac
printf 'listen = 192.0.2.1:8080\n' >remote.conf
run ch --config remote.conf --db state/a.db serve
expect_rc "serve: a non-loopback listen from the file is refused like the option's" 2

# ---- audit_key: the file's key signs the audit chain ----
ch --db state/k.db db init >/dev/null
run ch --db state/k.db audit key init --key state/audit.key
expect_rc "audit key init: exit 0" 0
printf 'database = state/k.db\naudit_key = state/audit.key\n' >key.conf
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --config key.conf plan import "$CORRECTED" --year 2023
expect_rc "a write with the file's audit_key: exit 0" 0
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --config key.conf verify
expect_rc "verify: the chain is signed to its head by the file's key" 0
has "verify: signed up to the head" "签名检查点有效"
printf 'database = state/k.db\naudit_key = state/other.key\n' >other.conf
ch --db state/o.db audit key init --key state/other.key >/dev/null
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --config other.conf user add x --role auditor
expect_rc "a key the database does not know stops the write" 1
run env CLEANHEAT_AUDIT_KEY=state/audit.key "$CLEANHEAT" --config other.conf user add y --role auditor
expect_rc "the environment's key before the file's" 0
