#!/bin/sh
# End-to-end tests of `cleanheat db backup` and `cleanheat db restore`: a
# backup taken while another process records construction steps in a loop
# is a complete database whose audit chain, ledger and progress aggregates
# verify; restore brings it back and keeps the replaced database aside;
# files that are not a cleanheat database, or whose audit chain was edited,
# are refused and change nothing; only a prefecture administrator may do
# either.
# sqlite-only: backs up and restores the SQLite file (sqlite3 checks it)
. "$(dirname "$0")/lib.sh"

CORRECTED=$ROOT/data/plans/changji-2023-corrected.csv

ch plan import "$CORRECTED" --year 2023 >/dev/null
ch demo generate --households 3000 --seed 5 -o demo.csv >/dev/null
ch household import demo.csv >/dev/null
ch household list --format csv | tail -n +2 | cut -d, -f1,4 >households.txt
ch user add aud --role auditor >/dev/null
ch user add cty --role county_operator --scope 昌吉市 >/dev/null

# ---- a backup under concurrent writes ----

# more than one step of the backup (256 pages of 4 KiB)
SIZE=$(stat -c %s cleanheat.db)
if [ "$SIZE" -gt 1048576 ]; then ok "setup: the database ($SIZE bytes) takes several backup steps"; else RC=1 OUT=$SIZE ERR='' not_ok "setup: a database of more than 1 MiB"; fi

# the writer: one construction step per household, one process each, until
# it has gone through them all or is told to stop
: >writer.log
(
	while IFS=, read -r county hh; do
		[ -f stop ] && break
		"$CLEANHEAT" event record "$hh" 已开工 --county "$county" --date 2023-05-02 \
			>>writer.log 2>&1 || echo "writer failed: $hh" >>writer.log
	done <households.txt
	touch writer.done
) &
WRITER=$!
# wait until the writer has stored a few steps
i=0
while [ "$(ch audit log --format csv 2>/dev/null | grep -c event.record)" -lt 3 ] && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
run ch db backup b1.db
expect_rc "backup during writes: exit 0" 0
has "backup during writes: says the copy was verified" "完整性检查通过"
WRITING=no
[ -f writer.done ] || WRITING=yes
B_STEPS=$(ch --db b1.db audit log --format csv | grep -c event.record)
# let the writer store a step after the backup's snapshot, then stop it
i=0
while [ "$(ch audit log --format csv | grep -c event.record)" -le "$B_STEPS" ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
touch stop
wait $WRITER
expect_eq "backup during writes: the writer was still writing when the backup ended" "$WRITING" yes
if grep -q "writer failed" writer.log; then
	RC=1 OUT=$(cat writer.log) ERR=''
	not_ok "backup during writes: no write of the writer was refused"
else
	ok "backup during writes: no write of the writer was refused"
fi
MODE=$(stat -c %a b1.db)
expect_eq "backup: the file is readable by its owner only" "$MODE" 600
ls b1.db.partial-* >/dev/null 2>&1 && RC=1 not_ok "backup: no temporary file is left" || ok "backup: no temporary file is left"

run ch --db b1.db audit verify
expect_rc "the backup's audit chain verifies" 0
run ch --db b1.db ledger verify
expect_rc "the backup's ledger verifies" 0
run ch --db b1.db report verify
expect_rc "the backup's progress aggregates verify" 0
run ch --db b1.db verify
expect_rc "the backup passes cleanheat verify (rows against their seals too)" 0
run ch --db b1.db audit log --format csv
has "the backup records who made it" "db.backup"
M_STEPS=$(ch audit log --format csv | grep -c event.record)
if [ "$B_STEPS" -ge 3 ] && [ "$M_STEPS" -gt "$B_STEPS" ]; then
	ok "the backup holds the steps stored before it ($B_STEPS), the database more ($M_STEPS)"
else
	RC=1 OUT="backup $B_STEPS, database $M_STEPS" ERR=''
	not_ok "the backup holds the steps stored before it, the database more"
fi

run ch db backup b1.db
expect_rc "backup to an existing file: exit 5" 5
has_err "backup to an existing file: says so" "已存在"
run ch db backup nodir/b.db
expect_rc "backup into a missing folder: exit 4" 4
run ch --db missing.db db backup m.db
expect_rc "backup of a missing database: exit 4" 4
[ -e missing.db ] && RC=1 not_ok "backup of a missing database creates none" || ok "backup of a missing database creates none"
run ch --as aud db backup b2.db
expect_rc "backup as an auditor: exit 3" 3
[ -e b2.db ] && RC=1 not_ok "a refused backup writes no file" || ok "a refused backup writes no file"
run ch --as cty db restore b1.db
expect_rc "restore as a county operator: exit 3" 3

# ---- restore ----

BEFORE=$(ch audit log --format csv | grep -c event.record)
run ch db restore b1.db
expect_rc "restore: exit 0" 0
has "restore: names where the replaced database was kept" "cleanheat.db.before-restore-"
KEPT=$(ls cleanheat.db.before-restore-* 2>/dev/null | head -1)
if [ -n "$KEPT" ] && [ "$(stat -c %a "$KEPT")" = 600 ]; then
	ok "restore: the replaced database is kept, owner-only"
else
	RC=1 not_ok "restore: the replaced database is kept, owner-only"
fi
AFTER=$(ch audit log --format csv | grep -c event.record)
expect_eq "restore: the database holds the backup's steps" "$AFTER" "$B_STEPS"
run ch audit verify
expect_rc "restore: the restored audit chain verifies" 0
run ch audit log --format csv
has "restore: the restore is in the audit log" "db.restore"
run ch report verify
expect_rc "restore: the restored progress aggregates verify" 0
run ch verify
expect_rc "restore: the restored database passes cleanheat verify" 0
run ch --db "$KEPT" audit log --format csv
N=$(printf '%s\n' "$OUT" | grep -c event.record)
expect_eq "restore: the kept database holds what was replaced" "$N" "$BEFORE"
# writes go on after a restore
run ch event record "$(sed -n '$p' households.txt | cut -d, -f2)" 已开工 \
	--county "$(sed -n '$p' households.txt | cut -d, -f1)" --date 2023-05-03
expect_rc "restore: writes go on" 0

# ---- what restore refuses ----

echo "not a database" >junk.db
SUM=$(cksum <cleanheat.db)
run ch db restore junk.db
expect_rc "restore of a text file: exit 1" 1
has_err "restore of a text file: says it is not a database" "junk.db"
run ch db restore none.db
expect_rc "restore of a missing file: exit 4" 4
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
	run ch db restore other.db
	expect_rc "restore of another program's database: exit 1" 1
	has_err "restore of another program's database: says so" "不是 cleanheat 的数据库"
	cp b1.db edited.db
	sqlite3 edited.db "DROP TRIGGER IF EXISTS audit_log_no_update;
		UPDATE audit_log SET actor = 'mallory' WHERE seq = 2;" 2>/dev/null
	EDITED_SUM=$(cksum <edited.db)
	run ch db restore edited.db
	expect_rc "restore of a backup whose audit log was edited: exit 1" 1
	has_err "restore of an edited backup: names the entry" "第 2 条"
	expect_eq "restore of an edited backup: the file is not changed" "$(cksum <edited.db)" "$EDITED_SUM"
	cp b1.db newer.db
	sqlite3 newer.db "INSERT INTO schema_version(version) VALUES (9999);"
	run ch db restore newer.db
	expect_rc "restore of a backup from a newer cleanheat: exit 5" 5
	has_err "restore of a newer backup: says to use a newer cleanheat" "比本程序的"
	ls cleanheat.db.restore-* >/dev/null 2>&1 && RC=1 not_ok "refused restores leave no staging copy" ||
		ok "refused restores leave no staging copy"
fi
expect_eq "refused restores change nothing" "$(cksum <cleanheat.db)" "$SUM"

# ---- restore onto a new machine: no database yet ----
mkdir -p new
run ch --db new/cleanheat.db db restore b1.db
expect_rc "restore where no database is: exit 0" 0
run ch --db new/cleanheat.db audit verify
expect_rc "restore where no database is: the audit chain verifies" 0
