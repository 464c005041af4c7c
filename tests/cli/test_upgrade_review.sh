#!/bin/sh
# A review under way when the database is upgraded to schema 29, from
# which a review application and each of its items are sealed apart: the
# dump tests/fixtures/upgrade/v28.sql (made by make_v28.sh with a cleanheat
# of schema 28, which sealed an application whole with all of its items)
# holds 昌吉市's application assigned, with one of its sampled households'
# results recorded. After the migration the application is still checked
# against its whole seal (a result changed outside the program is found
# there); its next result seals it and every item under the forms of now,
# and each result after that seals its one item. On PostgreSQL the
# migrated file is copied into the test's database (`db copy`) and the
# review goes on there.
. "$(dirname "$0")/lib.sh"
C=昌吉市
OLD=$WORK/old.db
sqlite3 "$OLD" <"$FIX/upgrade/v28.sql" || echo "not ok - loading the version-28 dump"
expect_eq "the dump is of schema version 28" \
	"$(sqlite3 "$OLD" 'SELECT max(version) FROM schema_version')" 28
expect_eq "the dump's application is sealed whole, three times" \
	"$(sqlite3 "$OLD" "SELECT count(*) FROM seal WHERE kind = 'review'")" 3
seals=$(sqlite3 "$OLD" 'SELECT count(*) FROM seal')
items=$(sqlite3 "$OLD" 'SELECT rowid, application_id, household_id, result FROM review_item
	ORDER BY rowid' | md5sum)

# ---- the SQLite file, migrated by opening it ----
run ch --db "sqlite:$OLD" verify
expect_rc "verify of the version-28 file: exit 0" 0
has "verify: the whole application's seal holds" "数据与审计记录一致"
has "verify: all passed" "全部校验通过"
expect_eq "the file is migrated to version 29 or later" \
	"$(sqlite3 "$OLD" 'SELECT max(version) >= 29 FROM schema_version')" 1
expect_eq "migration: each item's id is the row it was" \
	"$(sqlite3 "$OLD" 'SELECT id, application_id, household_id, result FROM review_item
		ORDER BY id' | md5sum)" "$items"
expect_eq "migration and verify made no new seal" \
	"$(sqlite3 "$OLD" 'SELECT count(*) FROM seal')" "$seals"
run sqlite3 "$OLD" "INSERT INTO review_item(application_id, household_id, stratum)
	SELECT application_id, household_id, stratum FROM review_item LIMIT 1"
expect_err "migration: an item's application and household stay unique" \
	"UNIQUE constraint failed: review_item.application_id, review_item.household_id"
# a result changed outside the program, before the application changed
# again: found against the whole application's seal
cp "$OLD" t.db
sqlite3 t.db "UPDATE review_item SET result = 'fail' WHERE result = 'pass'"
run ch --db sqlite:t.db verify
expect_rc "an old result changed: verify exit 1" 1
has "an old result changed: named as the whole application's field" \
	"复核申请 复核-652301-2023-001 的「复核结果」与审计记录"
cp "$OLD" t.db
sqlite3 t.db "INSERT INTO review_item(application_id, household_id, stratum, county_id)
	SELECT 1, h.id, 'x', h.county_id FROM household h WHERE h.hh_no = 'FK001'"
run ch --db sqlite:t.db verify
expect_rc "an item added to the old application: verify exit 1" 1
has "an item added: the whole application differs" "复核申请 复核-652301-2023-001 的「复核结果」"
# ... and the next write, which would seal the application and its items
# anew, refuses it rather than seal the change with it
APP=复核-652301-2023-001
printf 'JPEG 复核照片' >photo.jpg
cp "$OLD" t.db
sqlite3 t.db "UPDATE review_item SET note = '改过' WHERE result = 'pass'"
hh=$(sqlite3 t.db "SELECT h.hh_no FROM review_item i JOIN household h ON h.id = i.household_id
	WHERE i.sample_round IS NOT NULL AND i.result IS NULL ORDER BY h.hh_no LIMIT 1")
before=$(sqlite3 t.db 'SELECT count(*) FROM seal; SELECT count(*) FROM audit_log' | tr '\n' ' ')
run ch --db sqlite:t.db --as rv review result $APP "$hh" --result pass --evidence photo.jpg \
	--date 2023-10-21
expect_rc "a result after an old result was changed outside the program: exit 5" 5
expect_err "the refusal names the whole application's field" \
	"须先与原封存一致，拒绝写入：复核申请 复核-652301-2023-001 的「复核结果」与审计记录"
expect_eq "the refused result stored nothing, sealed nothing" \
	"$(sqlite3 t.db 'SELECT count(*) FROM seal; SELECT count(*) FROM audit_log' | tr '\n' ' ')" "$before"
expect_eq "the refused result left the item without a result" \
	"$(sqlite3 t.db "SELECT count(*) FROM review_item i JOIN household h ON h.id = i.household_id
		WHERE h.hh_no = '$hh' AND i.result IS NULL")" 1

# ---- the test's database: the file itself, or its copy in PostgreSQL ----
if [ "$TEST_DB" = pg ]; then
	run ch --db nothing-here.db db copy --from "sqlite:$OLD" --to "$CLEANHEAT_DB"
	expect_rc "db copy of the migrated file into PostgreSQL: exit 0" 0
	run ch verify
	expect_rc "verify of the copy on PostgreSQL: exit 0" 0
else
	cp "$OLD" cleanheat.db
fi
# the sampled households without a result, in order
left() {
	sql "SELECT h.hh_no FROM review_item i JOIN household h ON h.id = i.household_id
		WHERE i.sample_round IS NOT NULL AND i.result IS NULL ORDER BY h.hh_no"
}
# the seals of the newest seal entry, by kind
last_seals() {
	sql "SELECT kind, count(*) FROM seal WHERE seq = (SELECT max(seq) FROM seal)
		GROUP BY kind ORDER BY kind" | tr '\n' ' '
}
expect_eq "three sampled households are left" "$(left | wc -l)" 3
result() {
	run ch --as rv review result $APP "$1" --result pass --evidence photo.jpg --date 2023-10-21
	expect_rc "review result of $1 after the upgrade: exit 0" 0
}
result "$(left | head -1)"
expect_eq "the first result after the upgrade seals the application and its 8 items" \
	"$(last_seals)" "review_application|1 review_item|8 "
result "$(left | head -1)"
expect_eq "the next result seals its one item" "$(last_seals)" "review_item|1 "
result "$(left | head -1)"
expect_eq "the last result seals its item, the completed application and the households reviewed" \
	"$(last_seals)" "household|8 review_application|1 review_item|1 "
expect_eq "the application is completed and passed" \
	"$(sql "SELECT status, outcome FROM review_application WHERE number = '$APP'")" \
	"completed|passed"
expect_eq "no seal of the whole form after the upgrade" \
	"$(sql "SELECT count(*) FROM seal WHERE kind = 'review'")" 3
run ch verify
expect_rc "verify after the review: exit 0" 0
has "verify after the review: all passed" "全部校验通过"

# after the change the items are checked against their own seals
if sqlite_only "tampering with the reviewed file" "the rows are changed by sqlite3"; then
	cp cleanheat.db t.db
	sqlite3 t.db "UPDATE review_item SET note = '改过' WHERE household_id =
		(SELECT max(household_id) FROM review_item)"
	run ch --db sqlite:t.db verify
	expect_rc "an item changed after the upgrade: verify exit 1" 1
	has "an item changed: named as the item" "复核结果 复核-652301-2023-001 户 652301/CJ008 的「说明」与审计记录"
	lacks "an item changed: not as the whole application" "复核申请 复核-652301-2023-001 的"
	cp cleanheat.db t.db
	sqlite3 t.db "UPDATE review_application SET outcome = 'failed'"
	run ch --db sqlite:t.db verify
	expect_rc "the application changed after the upgrade: verify exit 1" 1
	has "the application changed: named with its field" "复核申请 复核-652301-2023-001 的「复核结论」与审计记录"
fi
