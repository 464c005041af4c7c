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
