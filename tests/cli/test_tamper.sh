#!/bin/sh
# End-to-end tests of tamper evidence (docs/verify.md): the funds scenario
# (fixtures in tests/fixtures/funds/) brought through the office's year —
# plan, register, events, self-inspection, review, money allocated,
# reserved, 昌吉市 paid, 阜康市 reserved and not yet paid — with a signing
# key from `audit key init`; then `cleanheat verify` passes. On copies of
# that database the tampering someone with the file can do is done with the
# sqlite3 shell: a payment's account and amount (`UPDATE payment SET
# account='…', amount=amount*10`), a household's ID number, name, bank
# account and status, a user's role, an entitlement, a review result, a
# plan's targets, a row added or deleted, a seal edited; each is found by
# `cleanheat verify` (exit 1, naming the object and the field in Chinese)
# and `subsidy payfile` / `subsidy pay` refuse to write the bank file. A
# script that recomputes every BLAKE2b hash of the chain (python3 hashlib,
# as src/core/audit.c hashes) makes the chain hold again but is found by
# the signed checkpoints, by a head published earlier (`audit head`,
# `audit verify --head`), and an entry appended without the key is found
# as unsigned. Without a key the same rebuild passes `audit verify`: that
# is what the key is for.
# sqlite-only: tampers with the SQLite file through the sqlite3 shell
. "$(dirname "$0")/lib.sh"

FF=$FIX/funds
C=昌吉市
F=阜康市
DB=m.db
KEY=$WORK/office/audit.key
mkdir -p "$WORK/office"

# ---- a key, then the year's work, every write signed ----

run ch --db $DB audit key init --key "$KEY"
expect_rc "audit key init: exit 0" 0
has "audit key init: prints the public key" "公钥："
PUB=$(printf '%s\n' "$OUT" | sed -n 's/^公钥：\([0-9a-f]*\)$/\1/p')
expect_eq "audit key init: a 64-digit public key" "${#PUB}" 64
expect_eq "audit key init: the key file is its owner's only" "$(stat -c %a "$KEY")" 600
run ch --db $DB audit key init --key "$KEY"
expect_rc "audit key init over an existing file: exit 5" 5
has_err "audit key init over an existing file: says it is not overwritten" "已存在，不会覆盖"
expect_eq "audit key init over an existing file: the key is unchanged" \
	"$(sqlite3 $DB 'SELECT count(*) FROM audit_key')" 1
run ch --db $DB --as nobody audit key init --key "$WORK/x.key"
expect_rc "audit key init by no user: refused" 3

CLEANHEAT_AUDIT_KEY=$KEY
export CLEANHEAT_AUDIT_KEY

ch --db $DB plan import "$FF/plan.csv" --year 2023 >/dev/null &&
	ch --db $DB household import "$FF/register.csv" >/dev/null &&
	ch --db $DB event import "$FF/events.csv" >/dev/null || echo "not ok - setting up the register"
printf 'JPEG 自验照片' >photo.jpg
for h in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008 FK001 FK002 FK003; do
	case $h in FK*) c=$F ;; *) c=$C ;; esac
	ch --db $DB inspect record $h --county $c --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg >/dev/null || echo "not ok - self-inspection of $h"
done
for u in "rv --role reviewer" "fin --role finance" "au --role auditor"; do
	ch --db $DB user add $u >/dev/null || echo "not ok - adding user $u"
done
review() {
	app=$(ch --db $DB review apply --county "$1" --date 2023-10-10 --all-passed | sed -n 's/.*：\(复核-[0-9-]*\).*/\1/p')
	ch --db $DB review assign "$app" --unit 州住建局 --reviewer rv --seed "tamper-$1" >/dev/null ||
		echo "not ok - assigning $app"
	for h in $(ch --db $DB --as rv review sample "$app" --format csv | tr -d '\r' |
		awk -F, 'NR > 1 && $6 ~ /^第/ { print $1 }'); do
		ch --db $DB --as rv review result "$app" "$h" --result pass --evidence photo.jpg --date "$2" >/dev/null ||
			echo "not ok - review result of $h"
	done
}
review $C 2023-10-20
review $F 2023-10-20
fin() { ch --db "$DB" --as fin "$@"; }
fin funds appropriate --source central --amount 100000 --date 2023-06-01 --key K-C1 >/dev/null &&
	fin funds appropriate --source region --amount 50000 --date 2023-06-01 --key K-R1 >/dev/null &&
	fin funds appropriate --source central --amount 60000 --date 2023-06-05 --key A-C1 --to $C >/dev/null &&
	fin funds appropriate --source region --amount 30000 --date 2023-06-05 --key A-R1 --to $C >/dev/null &&
	fin funds appropriate --source prefecture --amount 10000 --date 2023-06-05 --key A-P1 --to $C --direct >/dev/null &&
	fin funds appropriate --source county --amount 10000 --date 2023-06-05 --key A-X1 --to $C --direct >/dev/null &&
	fin funds appropriate --source central --amount 1800 --date 2023-06-05 --key F-C1 --to $F >/dev/null &&
	fin funds appropriate --source region --amount 1800 --date 2023-06-05 --key F-R1 --to $F >/dev/null &&
	fin funds appropriate --source prefecture --amount 480 --date 2023-06-05 --key F-P1 --to $F --direct >/dev/null &&
	fin funds appropriate --source county --amount 720 --date 2023-06-05 --key F-X1 --to $F --direct >/dev/null &&
	fin subsidy reserve --county $C --date 2023-10-25 >/dev/null &&
	fin subsidy reserve --county $F --date 2023-10-25 >/dev/null &&
	fin notice create --county $C --date 2023-10-25 >/dev/null &&
	fin notice create --county $F --date 2023-10-25 >/dev/null ||
	echo "not ok - allocating, reserving and publicising"
run fin subsidy pay --county $C --date 2023-11-01 -o bank1.csv
expect_rc "pay 昌吉市: exit 0" 0
has "pay 昌吉市: batch 1, 7 households, 41,000.00" "发放批次 1：7 户，合计 41,000.00 元"

# ---- the untouched database verifies clean ----

run ch --db $DB --as au verify
expect_rc "verify after the year's work: exit 0" 0
has "verify: the chain holds" "哈希链无断裂"
has "verify: signed up to the head" "签名检查点有效"
has "verify: rows agree with the audit log" "数据与审计记录一致"
has "verify: the ledger" "账簿一致"
has "verify: the progress aggregates" "进度汇总与事件一致"
has "verify: all passed" "全部校验通过"
# A review application and each of its items are sealed apart (schema
# 29): the application's form is its own columns, an item's its own. Each
# newest seal is the form spelt here by sqlite3 itself (a form that gained
# or lost an element would differ from every seal written before).
expect_eq "the review applications' seals: the application's own columns" \
	"$(sqlite3 $DB "SELECT count(*), sum(s.fields = json_array(x.number, x.county_id,
		x.plan_year, x.status, x.unit, x.reviewer, x.seed_source, x.seed, x.algorithm,
		x.policy, x.round, x.outcome)) FROM review_application x JOIN seal s
		ON s.kind = 'review_application' AND s.object = x.id AND s.seq = (SELECT max(seq)
		FROM seal WHERE kind = 'review_application' AND object = x.id)")" "2|2"
expect_eq "the review items' seals: each item's own columns" \
	"$(sqlite3 $DB "SELECT count(*) = (SELECT count(*) FROM review_item),
		sum(s.fields = json_array(x.application_id, x.household_id, x.county_id, x.stratum,
		x.sample_round, x.result, x.result_day, x.reviewer, x.note)) = count(*)
		FROM review_item x JOIN seal s ON s.kind = 'review_item' AND s.object = x.id
		AND s.seq = (SELECT max(seq) FROM seal WHERE kind = 'review_item' AND object = x.id)")" "1|1"
# what each review result sealed: its one item. Every item was sealed when
# applied for, each sampled one again when the sample was drawn, and each
# one with a result once more; the application only at apply, assign and
# its completion (three seals each), never whole with its items.
expect_eq "review: an item's seals are its apply, its draw and its result, no more" \
	"$(sqlite3 $DB "SELECT (SELECT count(*) FROM seal WHERE kind = 'review_item')
		- (SELECT count(*) + count(sample_round) + count(result) FROM review_item)")" 0
expect_eq "review: each application sealed three times (apply, assign, completion)" \
	"$(sqlite3 $DB "SELECT group_concat(n) FROM (SELECT count(*) n FROM seal
		WHERE kind = 'review_application' GROUP BY object)")" "3,3"
expect_eq "review: no seal of the whole application's form" \
	"$(sqlite3 $DB "SELECT count(*) FROM seal WHERE kind = 'review'")" 0
run ch --db $DB --as au verify --public-key "$PUB"
expect_rc "verify --public-key (the office's key): exit 0" 0
run ch --db $DB audit head
expect_rc "audit head: exit 0" 0
printf '%s\n' "$OUT" >head.txt
has "audit head: the public key" "public_key: $PUB"
has "audit head: a signature" "signature: "
run ch --db $DB audit head --format json
expect_rc "audit head --format json: exit 0" 0
printf '%s\n' "$OUT" >head.json
case "$OUT" in *'"signature": "'[0-9a-f]*) ok "audit head --format json: a signature" ;;
*) not_ok "audit head --format json: a signature" ;; esac
run ch --db $DB --as au audit verify --head head.txt
expect_rc "audit verify --head (just published): exit 0" 0
has "audit verify --head: agrees" "与已发布的日志头一致"
run ch --db $DB --as au audit verify --head head.json
expect_rc "audit verify --head (JSON): exit 0" 0
run fin subsidy payfile 1 -o again.csv
expect_rc "payfile of the untouched batch: exit 0" 0
grep -q '2100.00' again.csv && ok "payfile: CJ002's 2100.00" || not_ok "payfile: CJ002's 2100.00"

# ---- tampering with the file, on copies ----

# tamper NAME SQL: a fresh copy t.db of the database with SQL run on it by
# the sqlite3 shell (no temporary triggers of the program there)
tamper() {
	rm -f t.db && cp $DB t.db && sqlite3 t.db "$2" || echo "not ok - $1: sqlite3 failed"
}
# found NAME TEXT...: `verify` on t.db fails (exit 1) saying every TEXT
found() {
	name=$1
	shift
	run ch --db t.db --as au verify
	expect_rc "$name: verify exit 1" 1
	for t in "$@"; do has "$name: verify says $t" "$t"; done
}

# the issue's own example: the bank told to pay ten times, to another account
tamper "payment" "UPDATE payment SET account='6222020200112233445', amount=amount*10"
found "payment account and amount" "付款 #" "「金额」、「收款账号」与审计记录" \
	"户 652301/CJ002） 的金额 21,000.00 元与账簿中其转账"
run ch --db t.db --as fin subsidy payfile 1 -o tampered.csv
expect_rc "payfile of the tampered batch: refused, exit 5" 5
has_err "payfile refused: says why" "拒绝写出银行发放文件"
has_err "payfile refused: names the payment" "付款 #"
expect_eq "payfile refused: no file" "$(ls tampered.csv 2>/dev/null)" ""
run ch --db t.db --as au audit verify
expect_rc "payment tamper: the chain itself still holds (audit verify exit 0)" 0
run ch --db t.db --as fin ledger verify
expect_rc "payment tamper: the ledger itself still balances (ledger verify exit 0)" 0

tamper "payment, account only" "UPDATE payment SET account='6222020200112233445' WHERE id = 1"
found "payment account" "「收款账号」与审计记录"
run ch --db t.db --as fin subsidy payfile 1 -o tampered.csv
expect_rc "payfile with one account changed: exit 5" 5
expect_eq "payfile with one account changed: no file" "$(ls tampered.csv 2>/dev/null)" ""

cj2="农户 652301/CJ002"
tamper "ID number" "UPDATE household SET id_number='652301199001010018' WHERE hh_no='CJ002'"
found "household ID number" "$cj2 的「身份证号」与审计记录"
run ch --db t.db --as fin subsidy payfile 1 -o tampered.csv
expect_rc "payfile with a paid household's ID number changed: exit 5" 5
has_err "payfile refused: names the household and the field" "$cj2 的「身份证号」"
tamper "name" "UPDATE household SET head_name='李四' WHERE hh_no='CJ002'"
found "household name" "$cj2 的「户主姓名」与审计记录"
tamper "status" "UPDATE household SET status='subsidized' WHERE hh_no='FK002'"
found "household status" "农户 652302/FK002 的「状态」与审计记录"

# 阜康市 is reserved, not paid: a changed account stops the payment itself
tamper "bank account" "UPDATE household SET bank_account='6222020200112233445' WHERE hh_no='FK001'"
found "household bank account" "农户 652302/FK001 的「收款账号」与审计记录"
run ch --db t.db --as fin subsidy pay --county $F --date 2023-11-06 -o bankf.csv
expect_rc "pay 阜康市 with FK001's account changed: refused, exit 5" 5
has_err "pay refused: names the household and the field" "农户 652302/FK001 的「收款账号」"
expect_eq "pay refused: no file" "$(ls bankf.csv 2>/dev/null)" ""
expect_eq "pay refused: no batch" "$(sqlite3 t.db 'SELECT count(*) FROM payment_batch')" 1
run ch --db $DB --as fin subsidy pay --county $F --date 2023-11-06 -o bankf.csv
expect_rc "pay 阜康市 on the untouched database: exit 0" 0

tamper "role" "UPDATE app_user SET role='prefecture_admin' WHERE name='au'"
found "user role" "用户 au 的「角色」与审计记录"
tamper "entitlement" "UPDATE entitlement SET total_fen = total_fen * 10, cost_fen = cost_fen * 10"
found "entitlement" "补助核定 户 652301/CJ001 的「核定补助」、「总投资」与审计记录"
tamper "review result" "UPDATE review_item SET result='fail' WHERE result='pass'"
found "review result" "复核结果 复核-652301-2023-001 户 652301/" "的「复核结果」与审计记录"
tamper "a review item taken away" "DELETE FROM review_evidence WHERE household_id = (SELECT max(household_id) FROM review_item WHERE result = 'pass');
	DELETE FROM review_item WHERE household_id = (SELECT max(household_id) FROM review_item WHERE result = 'pass')"
found "review item deleted" "复核结果 #" "数据库里却没有了：该行被删除"
tamper "plan" "UPDATE plan_target SET households_total = households_total + 100"
found "plan targets" "年度计划 2023年第 1 版 的「分县目标」与审计记录"
tamper "a user added" "INSERT INTO app_user(name, role, created_at) VALUES ('mallory', 'finance', '2023-01-01T00:00:00Z')"
found "a user added outside" "用户 mallory 不见于审计记录"
tamper "a payment deleted" "DELETE FROM payment WHERE id = (SELECT max(id) FROM payment)"
found "a payment deleted" "数据库里却没有了：该行被删除"
# the row and its seal both edited: the seal's digest in the chain betrays it
tamper "row and seal" "DROP TRIGGER seal_no_update;
UPDATE app_user SET role='prefecture_admin' WHERE name='au';
UPDATE seal SET fields = replace(fields, '\"auditor\"', '\"prefecture_admin\"')
 WHERE kind = 'user' AND fields LIKE '%\"au\"%'"
found "row and seal" "封存的" "被改动"

# ---- rebuilding the chain ----

cat >rehash.py <<'EOF'
# Recomputes every seal digest and every hash of the audit chain with the
# BLAKE2b-256 of src/core/audit.c and core/seal.c, and the head: what a
# forger with the database file does after editing entries.
import hashlib, json, sqlite3, sys

def field(h, s):
    if s is None:
        h.update(b"-")
        return
    b = s.encode()
    h.update(str(len(b)).encode() + b":" + b)

db = sqlite3.connect(sys.argv[1])
for t in ("audit_log_no_update", "audit_log_no_delete"):
    db.execute("DROP TRIGGER IF EXISTS " + t)
for (seq, after) in db.execute("SELECT seq, after FROM audit_log WHERE action = 'audit.seal'").fetchall():
    h = hashlib.blake2b(digest_size=32)
    n = 0
    for kind, obj, fields in db.execute(
            "SELECT kind, object, fields FROM seal WHERE seq = ? ORDER BY kind, object", (seq,)):
        field(h, kind); field(h, str(obj)); field(h, fields)
        n += 1
    a = json.loads(after)
    a["digest"], a["objects"] = h.hexdigest(), n
    db.execute("UPDATE audit_log SET after = ? WHERE seq = ?",
               (json.dumps(a, sort_keys=True, separators=(",", ":"), ensure_ascii=False), seq))
prev = "0" * 64
for row in db.execute("SELECT seq, at, actor, action, object, before, after FROM audit_log ORDER BY seq").fetchall():
    h = hashlib.blake2b(digest_size=32)
    for f in (str(row[0]),) + row[1:] + (prev,):
        field(h, f)
    prev_new = h.hexdigest()
    db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, prev_new, row[0]))
    prev = prev_new
db.execute("UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_log), hash = ?", (prev,))
db.commit()
EOF

# au made an administrator, everywhere: the row, its seal, the entry that
# added it, then every hash recomputed
FORGE="DROP TRIGGER seal_no_update; DROP TRIGGER audit_log_no_update;
UPDATE app_user SET role='prefecture_admin' WHERE name='au';
UPDATE seal SET fields = replace(fields, '\"auditor\"', '\"prefecture_admin\"')
 WHERE kind = 'user' AND fields LIKE '%\"au\"%';
UPDATE audit_log SET after = replace(after, '\"auditor\"', '\"prefecture_admin\"')
 WHERE action = 'user.add' AND object = 'user:au'"
tamper "rebuilt chain" "$FORGE"
python3 rehash.py t.db || echo "not ok - rehash.py failed"
run ch --db t.db --as au audit verify
expect_rc "rebuilt chain: audit verify exit 1" 1
has "rebuilt chain: the chain itself holds again" "哈希链无断裂"
has "rebuilt chain: found by the signed checkpoints" "与签名检查点不符：审计日志被改写过"
run ch --db t.db --as au verify
expect_rc "rebuilt chain: verify exit 1" 1
has "rebuilt chain: verify says the signature check failed" "签名校验未通过"
run ch --db t.db --as au audit verify --head head.txt
expect_rc "rebuilt chain against the published head: exit 1" 1
# even with the checkpoints removed, the head published before betrays it
sqlite3 t.db "DROP TRIGGER audit_checkpoint_no_delete; DELETE FROM audit_checkpoint"
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --db t.db --as au audit verify --head head.txt
expect_rc "rebuilt chain, checkpoints deleted, against the published head: exit 1" 1
has "rebuilt chain, checkpoints deleted: the published head differs" "与已发布的日志头不符"
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --db t.db --as au audit verify --public-key "$PUB"
expect_rc "rebuilt chain, checkpoints deleted, with the office's public key: exit 1" 1

# an entry appended at the end without the key: the chain holds, the seal
# matches, but nothing signed it
tamper "appended" "DROP TRIGGER seal_no_update;
UPDATE app_user SET role='prefecture_admin' WHERE name='au';
INSERT INTO seal(kind, object, seq, fields) SELECT 'user', id, (SELECT seq + 1 FROM audit_head),
 json_array(name, role, scope_region_id, password_hash, disabled_at)
 FROM app_user WHERE name = 'au';
INSERT INTO audit_log(seq, at, actor, action, object, before, after, prev_hash, hash)
 SELECT seq + 1, '2023-12-01T00:00:00Z', 'root', 'audit.seal', 'seal', NULL,
 '{\"baseline\":false,\"digest\":\"x\",\"objects\":1}', hash, 'x' FROM audit_head;
UPDATE audit_head SET seq = seq + 1"
python3 rehash.py t.db || echo "not ok - rehash.py failed"
run ch --db t.db --as au audit verify
expect_rc "appended entry: audit verify exit 1" 1
has "appended entry: reported as unsigned" "未经签名"
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --db t.db --as au verify
expect_rc "appended entry: verify exit 1" 1
has "appended entry: the rows agree with the (forged) seals" "数据与审计记录一致"

# without a key the same rebuild passes the chain check: it says so
rm -f u.db
env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --db u.db user add au --role auditor >/dev/null
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --db u.db --as au verify
expect_rc "unsigned database: verify exit 0" 0
has "unsigned database: says the chain is unsigned" "审计日志未签名"
sqlite3 u.db "$FORGE" && python3 rehash.py u.db
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --db u.db --as au audit verify
expect_rc "unsigned database rebuilt: passes the chain check (what the key is for)" 0
run env -u CLEANHEAT_AUDIT_KEY "$CLEANHEAT" --db u.db --as au audit verify --public-key "$PUB"
expect_rc "unsigned database rebuilt, checked with a public key: exit 1" 1

# a key file the database does not know stops writes rather than signing
run env CLEANHEAT_AUDIT_KEY="$KEY" "$CLEANHEAT" --db u.db user add x1 --role reviewer
expect_rc "a write signed with another database's key: refused" 1
has_err "another database's key: says so" "未记录在本数据库中"

# ---- who may ----

run ch --db $DB --as fin verify
expect_rc "verify as finance: exit 3" 3
run ch --db $DB --as au audit key init --key "$WORK/au.key"
expect_rc "audit key init as the auditor: exit 3" 3
expect_eq "audit key init refused: no key file" "$(ls "$WORK/au.key" 2>/dev/null)" ""
run ch --db $DB --as au verify
expect_rc "the untouched database after all this: verify exit 0" 0
