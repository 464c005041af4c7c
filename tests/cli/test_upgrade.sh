#!/bin/sh
# Upgrading a database written before schema version 20, which gives the
# acceptance records (inspection, rectification, followup, review_item),
# the entitlement and the household's snapshot their county_id: the dump
# tests/fixtures/upgrade/v18.sql (made by tests/fixtures/upgrade/make.sh
# with a cleanheat of schema version 18: the funds scenario reviewed,
# reserved and visited, CJ007 left before self-inspection) is loaded into
# a SQLite file, which the current cleanheat migrates when it opens it.
# Then: every seal made before still verifies (the canonical form of a
# review application lists the columns its items had, not the new one),
# the migration made no new seal, and each row's county is its
# household's (a review item's, its application's). Schema 27 copies the
# seals into a table of rows in the order they were written: the same rows
# field for field, and the table's rules (one seal of an object per entry,
# none changed or deleted) still refuse. On PostgreSQL the
# migrated file is copied into the test's database (`db copy`) and
# verified there. The work after the upgrade writes the county with every
# row: CJ007 self-inspected, reviewed on a second application and
# reserved; CJ002's cost edited and approved (a new snapshot and
# entitlement over the old ones); a visit with coal burned opening an
# order; `verify` passes after it. On PostgreSQL a row whose county
# differs from its household's is refused by the composite foreign key.
. "$(dirname "$0")/lib.sh"

C=昌吉市
F=阜康市
OLD=$WORK/old.db
sqlite3 "$OLD" <"$FIX/upgrade/v18.sql" || echo "not ok - loading the version-18 dump"
expect_eq "the dump is of schema version 18" \
	"$(sqlite3 "$OLD" 'SELECT max(version) FROM schema_version')" 18
seals=$(sqlite3 "$OLD" 'SELECT count(*) FROM seal')
# every seal, in its key's order (schema 27 copies them into a table of rows
# in the order they were written, with the key in an index)
seal_rows() {
	sqlite3 "$OLD" "SELECT kind, object, seq, quote(fields) FROM seal ORDER BY kind, object, seq" | md5sum
}
seal_sum=$(seal_rows)

# ---- the SQLite file, migrated by opening it ----

run ch --db "sqlite:$OLD" verify
expect_rc "verify of the version-18 file by this cleanheat: exit 0" 0
has "verify: the seals made before the upgrade hold" "数据与审计记录一致"
has "verify: the review applications are among the objects checked" "复核申请"
has "verify: all passed" "全部校验通过"
expect_eq "the file is migrated past version 20" \
	"$(sqlite3 "$OLD" 'SELECT max(version) >= 20 FROM schema_version')" 1
expect_eq "the migration and verify made no new seal" \
	"$(sqlite3 "$OLD" 'SELECT count(*) FROM seal')" "$seals"
expect_eq "migration: the seals are the same rows, field for field" "$(seal_rows)" "$seal_sum"
expect_eq "migration: the seals' rows lie in the order they were written" \
	"$(sqlite3 "$OLD" "SELECT count(*) FROM seal a JOIN seal b ON b.rowid = a.rowid + 1
		WHERE (b.seq, b.kind, b.object) < (a.seq, a.kind, a.object)")" 0
# verify hashes an entry's seals in (kind, object) order: read so from the
# index, not sorted again (a million seals in a temporary b-tree)
expect_eq "migration: an entry's seals come in their digest's order without a sort" \
	"$(sqlite3 "$OLD" "EXPLAIN QUERY PLAN SELECT kind, object, fields FROM seal
		WHERE seq = 1 ORDER BY kind, object" | grep -c 'TEMP B-TREE')" 0
# the rules of the seals' table hold after the rebuild: one seal per object
# and entry, never changed or taken away
run sqlite3 "$OLD" "INSERT INTO seal(kind, object, seq, fields)
	SELECT kind, object, seq, fields FROM seal LIMIT 1"
expect_err "migration: a second seal of one object in one entry is refused" \
	"UNIQUE constraint failed: seal.kind, seal.object, seal.seq"
run sqlite3 "$OLD" "UPDATE seal SET fields = '[]' WHERE rowid = 1"
expect_err "migration: a seal changed is refused" "seals are append-only"
run sqlite3 "$OLD" "DELETE FROM seal WHERE rowid = 1"
expect_err "migration: a seal taken away is refused" "seals are append-only"
expect_eq "migration: the refused statements left the seals as they were" "$(seal_rows)" "$seal_sum"
# counties T KEY: rows of T, and those whose county_id is their household's
for t in inspection rectification followup entitlement hh_snapshot; do
	expect_eq "migration: every $t row has its household's county" \
		"$(sqlite3 "$OLD" "SELECT count(*) > 0, count(*) = sum(x.county_id IS h.county_id)
			FROM $t x JOIN household h ON h.id = x.household_id")" "1|1"
done
expect_eq "migration: every review item has its application's and its household's county" \
	"$(sqlite3 "$OLD" "SELECT count(*) > 0, count(*) = sum(i.county_id IS a.county_id
		AND i.county_id IS h.county_id) FROM review_item i
		JOIN review_application a ON a.id = i.application_id
		JOIN household h ON h.id = i.household_id")" "1|1"

# ---- the test's database: the file itself, or its copy in PostgreSQL ----

if [ "$TEST_DB" = pg ]; then
	run ch --db nothing-here.db db copy --from "sqlite:$OLD" --to "$CLEANHEAT_DB"
	expect_rc "db copy of the migrated file into PostgreSQL: exit 0" 0
	run ch verify
	expect_rc "verify of the copy on PostgreSQL: exit 0" 0
	has "verify of the copy: all passed" "全部校验通过"
else
	cp "$OLD" cleanheat.db
fi

# ---- work after the upgrade ----

printf 'JPEG 自验照片' >photo.jpg
run ch inspect record CJ007 --county $C --result pass --date 2023-10-08 --inspector 张三 \
	--evidence photo.jpg
expect_rc "self-inspection of CJ007 after the upgrade: exit 0" 0
review_passed cleanheat.db $C upgrade-2
expect_eq "the second review of $C holds CJ007, with its county" \
	"$(sql "SELECT h.hh_no, i.county_id - h.county_id FROM review_item i
		JOIN household h ON h.id = i.household_id
		JOIN review_application a ON a.id = i.application_id WHERE a.number = '$APP'")" "CJ007|0"
run ch --as fin subsidy reserve --county $C --date 2023-10-26
expect_rc "reserving CJ007 after the upgrade: exit 0" 0
head -1 "$FIX/funds/register.csv" >edit.csv
echo "昌吉市,大西渠镇,大西渠村,CJ002,资金CJ002,652301198001010027,,,100,燃气,,,2023,新建,甲公司,2000,6230000000000002" >>edit.csv
run ch household import edit.csv
expect_rc "editing CJ002's cost after its review: exit 0" 0
run ch subsidy approve CJ002 --county $C --note "同意：投资减少" --date 2023-11-15
expect_rc "approving CJ002's change: exit 0" 0
has "approval: the entitlement recomputed" "重新核定补助：2,100.00 元 → 1,400.00 元"
expect_eq "the new snapshot of CJ002 replaced the old one, with its county" \
	"$(sql "SELECT count(*), min(s.cost_fen), min(s.county_id - h.county_id) FROM hh_snapshot s
		JOIN household h ON h.id = s.household_id WHERE h.hh_no = 'CJ002'")" "1|200000|0"
run ch followup record FK002 --county $F --visit 1 --date 2023-11-16 --in-use no --coal yes \
	--comfort fair --visitor 王五
expect_rc "a visit with coal burned after the upgrade: exit 0" 0
has "the visit opens an order" "已下达整改单"
for t in inspection rectification followup entitlement hh_snapshot review_item; do
	expect_eq "after the upgrade: every $t row has its household's county" \
		"$(sql "SELECT count(*) FROM $t x JOIN household h ON h.id = x.household_id
			WHERE x.county_id IS NULL OR x.county_id <> h.county_id")" 0
done
expect_eq "CJ007 has its inspection, entitlement and snapshot" \
	"$(sql "SELECT (SELECT count(*) FROM inspection x WHERE x.household_id = h.id),
		(SELECT count(*) FROM entitlement x WHERE x.household_id = h.id),
		(SELECT count(*) FROM hh_snapshot x WHERE x.household_id = h.id)
		FROM household h WHERE h.hh_no = 'CJ007'")" "1|1|1"
run ch verify
expect_rc "verify after the work done since the upgrade: exit 0" 0
has "verify after the work: all passed" "全部校验通过"

# ---- PostgreSQL: the county must be the household's ----

if [ "$TEST_DB" = pg ]; then
	other="(SELECT county_id FROM household WHERE hh_no = 'FK003')"
	for t in inspection entitlement; do
		case $t in
		inspection) ins="INSERT INTO inspection(household_id, day, inspector, result, items, actor,
			recorded_at, county_id) SELECT h.id, '2023-10-08', 'x', 'pass', '{}', 'x', 'x', $other" ;;
		entitlement) ins="INSERT INTO entitlement(household_id, policy_id, total_fen, cost_fen,
			detail, reviewed_day, computed_at, county_id) SELECT h.id, 1, 0, 0, '{}', 'x', 'x', $other" ;;
		esac
		run sql "${ins} FROM household h WHERE h.hh_no = 'CJ005'"
		case $RC$ERR in
		0*) not_ok "PostgreSQL: a $t row of a $C household in $F is refused" ;;
		*household*) ok "PostgreSQL: a $t row of a $C household in $F is refused" ;;
		*) not_ok "PostgreSQL: a $t row of a $C household in $F is refused" "not by the household's key" ;;
		esac
	done
fi
