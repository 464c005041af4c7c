#!/bin/sh
# Evidence stored once per county (schema 19; docs/scale.md): the same
# photo attached to steps in two counties is stored once in each, every
# use of a file carries the county of its step or review application, and
# what reads evidence (a household's history, `household evidence`,
# `event evidence-reuse`) still sees each file once. On PostgreSQL a use
# filed under another county than its step's is refused by the database.
# On SQLite, a database of schema 18 (tests/fixtures/progress/schema18.sql,
# made by the release before this schema) is migrated: each file copied to
# every county that uses it, an unused one kept under the prefecture, and
# the database still verifies (audit chain and seals).
. tests/cli/lib.sh

C=昌吉市
F=阜康市
FF=$FIX/funds
DB=m.db

printf 'JPEG 自验照片\001\377' >photo.jpg
ch --db $DB plan import "$FF/plan.csv" --year 2023 >/dev/null &&
	ch --db $DB household import "$FF/register.csv" >/dev/null &&
	ch --db $DB event import "$FF/events.csv" >/dev/null || echo "not ok - setting up the register"
for h in CJ001 CJ002 CJ003 CJ004 CJ005 CJ006 CJ007 CJ008 FK001 FK002 FK003; do
	case $h in FK*) c=$F ;; *) c=$C ;; esac
	ch --db $DB inspect record $h --county $c --result pass --date 2023-10-08 --inspector 张三 \
		--evidence photo.jpg >/dev/null || echo "not ok - self-inspection of $h"
done
ch --db $DB user add rv --role reviewer >/dev/null || echo "not ok - adding the reviewer"
review_passed $DB $C "ev-$C"

HASH=$(sql $DB "SELECT hash FROM evidence WHERE name = 'photo.jpg' GROUP BY hash")
expect_eq "one photo: one content hash" "${#HASH}" 64
expect_eq "the photo used in two counties: stored twice, once in each" \
	"$(sql $DB "SELECT r.name FROM evidence v JOIN region r ON r.id = v.county_id
		WHERE v.hash = '$HASH' ORDER BY r.code" | tr '\n' ' ')" "$C $F "
expect_eq "each step's use of a file: in the step's county" \
	"$(sql $DB "SELECT count(*) FROM event_evidence ee JOIN event e ON e.id = ee.event_id
		WHERE ee.county_id <> e.county_id")" 0
expect_eq "11 steps use the photo" "$(sql $DB "SELECT count(*) FROM event_evidence")" 11
expect_eq "each review result's use of a file: in the application's county" \
	"$(sql $DB "SELECT count(*) FROM review_evidence r JOIN review_application a
		ON a.id = r.application_id WHERE r.county_id <> a.county_id")" 0
expect_eq "review results with the photo: in 昌吉市" \
	"$(sql $DB "SELECT count(*) FROM review_evidence r JOIN region c ON c.id = r.county_id
		WHERE c.name = '$C' AND r.hash = '$HASH'")" \
	"$(sql $DB "SELECT count(*) FROM review_evidence")"

# what reads evidence sees each file once
run ch --db $DB household history CJ001 --county $C --format json
expect_rc "history of CJ001: exit 0" 0
expect_eq "history of CJ001: the photo once for the self-inspection and once for the review" \
	"$(printf '%s\n' "$OUT" | grep -c "\"hash\": \"$HASH\"")" \
	"$(sql $DB "SELECT 1 + count(*) FROM review_evidence r JOIN household h ON h.id = r.household_id
		WHERE h.hh_no = 'CJ001'")"
run ch --db $DB household evidence CJ001 "$(printf '%.12s' "$HASH")" --county $C -o got.jpg
expect_rc "household evidence CJ001: exit 0 (one file, though stored in two counties)" 0
if cmp -s got.jpg photo.jpg; then ok "household evidence CJ001: the photo's bytes"; else not_ok "household evidence CJ001: the photo's bytes"; fi
run ch --db $DB household evidence FK001 "$HASH" --county $F -o fk.jpg
expect_rc "household evidence FK001: exit 0 (阜康市's copy)" 0
if cmp -s fk.jpg photo.jpg; then ok "household evidence FK001: the photo's bytes"; else not_ok "household evidence FK001: the photo's bytes"; fi
run ch --db $DB event evidence-reuse --format csv
OUT=$(printf '%s\n' "$OUT" | tr -d '\r')
expect_eq "evidence-reuse: the photo of two counties is one finding" "$(printf '%s\n' "$OUT" | sed 1d | grep -c .)" 1
has "evidence-reuse: 11 households in both counties" "photo.jpg,11,"
has "evidence-reuse: names 阜康市 FK003" "阜康市 FK003"

if [ "$TEST_DB" = pg ]; then
	# a use under a county that is not its step's: refused by the composite keys
	run sql $DB "UPDATE event_evidence SET county_id = (SELECT id FROM region WHERE name = '$F')
		WHERE event_id = (SELECT min(e.id) FROM event e JOIN region r ON r.id = e.county_id
			AND r.name = '$C' JOIN event_evidence x ON x.event_id = e.id)"
	has_err "PostgreSQL: a step's file filed under another county: refused" "event_evidence_event_id_fkey"
	run sql $DB "UPDATE event SET county_id = (SELECT id FROM region WHERE name = '$F')
		WHERE id = (SELECT min(e.id) FROM event e JOIN region r ON r.id = e.county_id AND r.name = '$C')"
	has_err "PostgreSQL: a step moved to another county than its household's: refused" "violates foreign key constraint"
fi

# ---- a database of schema 18, migrated ----

# schema 18 as it was released: the migrations 1 to 18 of this dialect,
# each with its schema_version row, as cleanheat itself applies them
OLD=old.db
if [ "$TEST_DB" = pg ]; then
	apply() { { echo "SET client_min_messages = warning;"; cat; } | psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_db $OLD)" >/dev/null; }
	dir=$ROOT/src/db/sql/pg
	blob() { echo "'\\x$1'::bytea"; }
else
	apply() { sqlite3 $OLD >/dev/null; }
	dir=$ROOT/src/db/sql
	blob() { echo "x'$1'"; }
fi
echo "CREATE TABLE schema_version (version INTEGER PRIMARY KEY,
	applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);" | apply
for f in "$dir"/00*.sql; do
	v=$(basename "$f" | sed 's/_.*//; s/^0*//')
	[ "$v" -le 18 ] || continue
	{ echo "BEGIN;"; cat "$f"; echo "; INSERT INTO schema_version(version) VALUES ($v); COMMIT;"; } |
		apply || echo "not ok - schema 18: migration $f"
done
# two counties; a photo (A) used by a step in each and by a review result
# in 昌吉市, a file (B) used once, a file (U) nobody uses
A=$(printf '%064d' 0 | tr 0 a)
B=$(printf '%064d' 0 | tr 0 b)
U=$(printf '%064d' 0 | tr 0 c)
apply <<EOS
BEGIN;
INSERT INTO app_user(id, name, role, created_at)
	VALUES (1, '$(id -un)', 'prefecture_admin', '2023-01-01T00:00:00Z');
INSERT INTO region(id, code, name, level, parent_id) VALUES
	(1, '652300', '昌吉回族自治州', 1, NULL), (2, '652301', '$C', 2, 1),
	(3, '652302', '$F', 2, 1), (4, '652301100', '大西渠镇', 3, 2), (5, '652302100', '城关镇', 3, 3);
INSERT INTO household(id, county_id, township_id, hh_no, head_name, id_number, technology,
	plan_year, batch, updated_at, status, stage_day) VALUES
	(1, 2, 4, 'CJ001', '甲', '652301198001010019', 'air_source', 2023, 'new', '2023-04-01T00:00:00Z', 'started', '2023-04-10'),
	(2, 2, 4, 'CJ002', '乙', '652301198001010027', 'air_source', 2023, 'new', '2023-04-01T00:00:00Z', 'started', '2023-04-10'),
	(3, 3, 5, 'FK001', '丙', '652302198001010014', 'air_source', 2023, 'new', '2023-04-01T00:00:00Z', 'started', '2023-04-11');
INSERT INTO event_batch(id, at, actor) VALUES (1, '2023-05-01T00:00:00Z', '$(id -un)');
INSERT INTO event(id, household_id, stage_no, from_stage_no, day, es, es_area_centi, plan_year,
	county_id, actor, recorded_at, batch_id) VALUES
	(1, 1, 1, 0, '2023-04-10', 0, 0, 2023, 2, 'a', '2023-05-01T00:00:00Z', 1),
	(2, 2, 1, 0, '2023-04-10', 0, 0, 2023, 2, 'a', '2023-05-01T00:00:00Z', 1),
	(3, 3, 1, 0, '2023-04-11', 0, 0, 2023, 3, 'a', '2023-05-01T00:00:00Z', 1);
INSERT INTO progress_daily VALUES (2023, 2, 1, '2023-04-10', 2, 0, 0), (2023, 3, 1, '2023-04-11', 1, 0, 0);
INSERT INTO evidence(hash, name, size, content, stored_at) VALUES
	('$A', 'photo.jpg', 2, $(blob 0102), '2023-05-01T00:00:00Z'),
	('$B', 'b.jpg', 1, $(blob 03), '2023-05-01T00:00:00Z'),
	('$U', 'unused.jpg', 1, $(blob 04), '2023-05-01T00:00:00Z');
INSERT INTO event_evidence(event_id, hash) VALUES (1, '$A'), (2, '$B'), (3, '$A');
INSERT INTO review_application(id, number, county_id, plan_year, applied_at, applied_by, status)
	VALUES (1, '复核-652301-2023-1', 2, 2023, '2023-10-10T00:00:00Z', 'a', 'assigned');
INSERT INTO review_evidence(application_id, household_id, hash) VALUES (1, 2, '$A');
COMMIT;
EOS
# PostgreSQL: the identity sequences after the ids written above
[ "$TEST_DB" = pg ] && echo "SELECT setval(pg_get_serial_sequence(t, 'id'), 100) FROM unnest(ARRAY['app_user',
	'region', 'household', 'event_batch', 'event', 'review_application']) t;" | apply
expect_eq "schema 18: made" "$(sql $OLD "SELECT max(version) FROM schema_version")" 18

# opening it migrates
run ch --db $OLD event evidence-reuse --format csv
expect_rc "schema 18, opened: exit 0" 0
expect_eq "schema 18, opened: migrated past 18" "$(sql $OLD "SELECT min(version) FROM schema_version WHERE version > 18")" 19
has "schema 18, migrated: the photo of both counties is one finding, with 3 households" \
	"photo.jpg,3,\"$C CJ001,$C CJ002,$F FK001\""
expect_eq "schema 18, migrated: each file once per county that uses it, the unused one under the prefecture" \
	"$(sql $OLD "SELECT v.name || ' ' || r.name FROM evidence v JOIN region r ON r.id = v.county_id
		ORDER BY v.hash, r.code" | tr '\n' ';')" \
	"photo.jpg $C;photo.jpg $F;b.jpg $C;unused.jpg 昌吉回族自治州;"
expect_eq "schema 18, migrated: each copy holds the file's bytes" \
	"$(sql $OLD "SELECT count(*) FROM evidence WHERE size = 2 AND name = 'photo.jpg' AND hash = '$A'")" 2
expect_eq "schema 18, migrated: each step's use in the step's county" \
	"$(sql $OLD "SELECT ee.event_id || ' ' || ee.county_id FROM event_evidence ee ORDER BY 1" | tr '\n' ';')" \
	"1 2;2 2;3 3;"
expect_eq "schema 18, migrated: the review result's use in the application's county" \
	"$(sql $OLD "SELECT application_id || ' ' || household_id || ' ' || county_id FROM review_evidence")" "1 2 2"
run ch --db $OLD household evidence CJ001 "$A" --county $C -o a.bin
expect_rc "schema 18, migrated: household evidence CJ001: exit 0" 0
expect_eq "schema 18, migrated: household evidence CJ001: its bytes" "$(od -An -tx1 a.bin | tr -d ' ')" 0102
run ch --db $OLD household history FK001 --county $F --format json
expect_eq "schema 18, migrated: FK001's history names the photo once" \
	"$(printf '%s\n' "$OUT" | grep -c "\"hash\": \"$A\"")" 1
run ch --db $OLD verify
expect_rc "schema 18, migrated: cleanheat verify passes" 0
