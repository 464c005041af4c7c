#!/bin/sh
# End-to-end tests of the bulk paths' shortcuts (docs/performance.md): a
# household import at least as large as the register builds its non-unique
# indexes after the set-wise insert (the indexes are the same afterwards,
# and a refused import leaves them as they were), and for rows out of
# order the unique one of ID numbers too, where no row can conflict on it
# (the register the same as from sorted rows, conflicts refused as
# before); a file of steps sums its progress contributions in memory and
# writes them once (the aggregates still agree with the events, also with
# rows skipped), and each household stands at its last step and day.
# What the statements did (CLEANHEAT_DB_WORK) holds the look-ups to their
# indexes and large files to large transactions, which time and memory
# would show only at scale.
# sqlite-only: SQLite's deferred index build, read from its catalogue
. "$(dirname "$0")/lib.sh"

# schema DB: the register's index definitions, one per line
schema() {
	sqlite3 "$1" "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index'
		AND tbl_name = 'household' AND sql IS NOT NULL ORDER BY name"
}
# counted CMD...: run CMD with CLEANHEAT_DB_WORK=1, which prints at its
# end what its statements did (db.h, ch_db_work)
counted() {
	export CLEANHEAT_DB_WORK=1
	run "$@"
	unset CLEANHEAT_DB_WORK
}
# work WHAT: the count the last counted run printed before WHAT ("rows
# stepped over", "large transactions", "statements prepared")
work() { printf '%s\n' "$ERR" | sed -n "s/.* \([0-9]*\) $1.*/\1/p"; }
# below NAME COUNT LIMIT: ok when the count was printed and is below LIMIT
below() {
	if [ -n "$2" ] && [ "$2" -lt "$3" ]; then ok "$1 ($2)"; else not_ok "$1" "${2:-no count}, not below $3"; fi
}

ch --db base.db plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
ch --db base.db demo generate --households 6000 --seed 11 -o reg.csv >/dev/null
before=$(schema base.db)

# ---- a first import of 6,000 rows into an empty register ----
cp base.db bulk.db
counted ch --db bulk.db household import reg.csv
expect_rc "bulk import: exit 0" 0
has "bulk import: every row stored" "新增 6000 户"
# its statements are prepared once for the file, not once a row (62 now)
below "bulk import: statements prepared" "$(work "statements prepared")" 200
after=$(schema bulk.db)
if [ -n "$before" ] && [ "$before" = "$after" ]; then
	ok "bulk import: the register's indexes are as before"
else
	not_ok "bulk import: the register's indexes are as before" "before: $before" "after: $after"
fi
n=$(sqlite3 bulk.db "SELECT count(*) FROM household INDEXED BY household_phone WHERE phone IS NOT NULL")
m=$(sqlite3 bulk.db "SELECT count(*) FROM household WHERE phone IS NOT NULL")
if [ "$n" -gt 0 ] && [ "$n" = "$m" ]; then
	ok "bulk import: the rebuilt phone index holds every phone"
else
	not_ok "bulk import: the rebuilt phone index holds every phone" "index $n, table $m"
fi
# the index of withdrawn households' ID numbers, which no new household
# enters, stays in place (its root page kept) while the others are built
# again (new root pages)
root() { sqlite3 "$1" "SELECT rootpage FROM sqlite_master WHERE name = '$2'"; }
expect_eq "bulk import: the withdrawn households' index left in place" \
	"$(root bulk.db household_id_withdrawn)" "$(root base.db household_id_withdrawn)"
if [ "$(root bulk.db household_phone)" != "$(root base.db household_phone)" ]; then
	ok "bulk import: the phone index built again after the load"
else
	not_ok "bulk import: the phone index built again after the load"
fi
run sqlite3 bulk.db "PRAGMA integrity_check"
if [ "$OUT" = ok ]; then ok "bulk import: integrity check"; else not_ok "bulk import: integrity check"; fi
run ch --db bulk.db audit verify
expect_rc "bulk import: audit verify" 0

# the same file again: every row unchanged, nothing deferred (no row is a
# new household: the indexes are not dropped and built again, so each
# keeps its root page), the indexes still the same
roots() {
	sqlite3 "$1" "SELECT name || ':' || rootpage FROM sqlite_master WHERE type = 'index'
		AND tbl_name = 'household' ORDER BY name"
}
roots_before=$(roots bulk.db)
run ch --db bulk.db household import reg.csv
expect_rc "re-import: exit 0" 0
has "re-import: every row unchanged" "未变 6000 户"
after=$(schema bulk.db)
if [ "$before" = "$after" ]; then ok "re-import: indexes unchanged"; else not_ok "re-import: indexes unchanged"; fi
expect_eq "re-import: no index dropped and built again" "$(roots bulk.db)" "$roots_before"

# The search index against one built afresh from the register: the pairs
# (trigram, household) each holds, as fts5vocab lists them. A household
# whose name, address, ID number and phone stay as they were keeps its
# entries through a re-import; one whose values change loses the old
# trigrams and gains the new. The fresh index is made and filled by the
# migration's own statements (which first filled household_search from
# the register), into a temporary table.
MIG=$ROOT/src/db/sql/0009_household_search.sql
FRESH=$(
	sed -n '/^CREATE VIRTUAL TABLE household_search /,/;$/p' "$MIG"
	sed -n '/^INSERT INTO household_search(rowid, /,/;$/p' "$MIG"
)
FRESH=$(printf '%s\n' "$FRESH" | sed 's/^CREATE VIRTUAL TABLE household_search /CREATE VIRTUAL TABLE temp.s /; s/^INSERT INTO household_search(/INSERT INTO temp.s(/')
case $FRESH in
*"CREATE VIRTUAL TABLE temp.s "*"INSERT INTO temp.s("*) ok "the migration's statements that make and fill the search index found" ;;
*) not_ok "the migration's statements that make and fill the search index found" "$FRESH" ;;
esac
search_pairs() {
	sqlite3 "$1" "CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, household_search, 'instance');
		SELECT term, doc FROM temp.v ORDER BY term, doc" | md5sum
}
fresh_pairs() {
	sqlite3 "$1" "$FRESH
		CREATE VIRTUAL TABLE temp.v USING fts5vocab(temp, s, 'instance');
		SELECT term, doc FROM temp.v ORDER BY term, doc" | md5sum
}
expect_eq "re-import: the search index as if built afresh" "$(search_pairs bulk.db)" "$(fresh_pairs bulk.db)"
# lines 2-6 changed: the name, the address, the phone's last digit, the
# phone's first digits (its tail, the search value, stays), and the
# 施工单位 (no search value)
awk -F, -v OFS=, '
	NR == 2 { $5 = "改名" $5 } NR == 3 { $8 = $8 "之一" }
	NR == 4 { $7 = substr($7, 1, 10) (substr($7, 11, 1) + 1) % 10 }
	NR == 5 { $7 = "139" substr($7, 4) } NR == 6 { $17 = $17 "B" } { print }' reg.csv >changed.csv
run ch --db bulk.db household import changed.csv
expect_rc "re-import with five rows changed: exit 0" 0
has "re-import with five rows changed: five updated" "更新 5 户"
expect_eq "re-import with five rows changed: the search index as if built afresh" \
	"$(search_pairs bulk.db)" "$(fresh_pairs bulk.db)"
run ch --db bulk.db household search "改名$(sed -n 2p reg.csv | cut -d, -f5 | sed 's/（样例）//')"
has "re-import with five rows changed: the new name found" "$(sed -n 2p reg.csv | cut -d, -f4)"
run ch --db bulk.db household import reg.csv
has "the file as it was: five updated back" "更新 5 户"
expect_eq "the file as it was: the search index as if built afresh" \
	"$(search_pairs bulk.db)" "$(fresh_pairs bulk.db)"

# ---- every household updated: a large update, its audit and its warnings ----
# Every row's phone prefix and 施工单位 changed, as the bench's update does,
# and rows 2-4 given row 5000's phone: the register is that of the file,
# one audit entry per household, the warnings of the shared phone in line
# order, and everything verifies. The import writes its audit entries with
# the page cache held smaller (ch_db_large_append) and sorts the warnings
# in bounded runs (ch_db_large_sort).
cp bulk.db upd.db
shared=$(sed -n 5000p reg.csv | cut -d, -f7 | sed 's/^.../139/')
awk -F, -v OFS=, -v p="$shared" 'NR > 1 { $7 = "139" substr($7, 4); $17 = $17 "B" }
	NR >= 2 && NR <= 4 { $7 = p } { print }' reg.csv >upd.csv
run ch --db upd.db household import upd.csv
expect_rc "every household updated: exit 0" 0
has "every household updated: 6000 updated, 4 warnings" "更新 6000 户，未变 0 户，拒收 0 行，提示 4 条"
# row 2 shares with row 3's household; rows 3, 4 and 5000, one run of
# the same reason, with row 2's
has "every household updated: row 2 warned" \
	"第2行 联系电话「$shared」：（提示）联系电话与其他农户相同（昌吉市 户编号 $(sed -n 3p reg.csv | cut -d, -f4)"
has "every household updated: rows 3, 4 and 5000 warned, in order" \
	"第3行至第5000行中的 3 行联系电话「$shared」：（提示）联系电话与其他农户相同（昌吉市 户编号 $(sed -n 2p reg.csv | cut -d, -f4)"
expect_eq "every household updated: the register holds the file's phones" \
	"$(sqlite3 upd.db "SELECT phone FROM household ORDER BY source_line" | md5sum)" \
	"$(tail -n +2 upd.csv | cut -d, -f7 | md5sum)"
expect_eq "every household updated: one audit entry per household" \
	"$(sqlite3 upd.db "SELECT count(*) FROM audit_log WHERE action = 'household.update'")" \
	"$(($(sqlite3 bulk.db "SELECT count(*) FROM audit_log WHERE action = 'household.update'") + 6000))"
run ch --db upd.db audit verify
expect_rc "every household updated: audit verify" 0
run ch --db upd.db verify
expect_rc "every household updated: verify" 0

# ---- a refused bulk import leaves the register and its indexes as they were ----
cp base.db bad.db
{
	cat reg.csv
	tail -n 1 reg.csv | awk -F, -v OFS=, '{ $4 = "BAD-" $4; $6 = "65230119400101000X"; print }'
} >bad.csv
run ch --db bad.db household import bad.csv
expect_rc "refused bulk import: exit 1" 1
n=$(sqlite3 bad.db "SELECT count(*) FROM household")
if [ "$n" = 0 ]; then ok "refused bulk import: nothing stored"; else not_ok "refused bulk import: nothing stored" "$n households"; fi
after=$(schema bad.db)
if [ "$before" = "$after" ]; then
	ok "refused bulk import: indexes as before"
else
	not_ok "refused bulk import: indexes as before" "after: $after"
fi

# ---- rows out of order: the unique index of ID numbers is built after the
# load too, and the rows go in in the order of the county and 户编号 ----
{
	head -n 1 reg.csv
	tail -n +2 reg.csv | awk 'BEGIN { srand(5) } { printf "%.9f\t%s\n", rand(), $0 }' |
		sort -k1,1 | cut -f 2-
} >shuf.csv
# the register as a user sees it, ids and lines aside
content() {
	sqlite3 "$1" "SELECT h.county_id, h.hh_no, h.id_number, h.list_key, h.head_name, h.phone,
		t.name, v.name, h.cost_fen, h.bank_account FROM household h
		JOIN region t ON t.id = h.township_id LEFT JOIN region v ON v.id = h.village_id
		ORDER BY h.county_id, h.hh_no" | md5sum
}
cp base.db shuf.db
run ch --db shuf.db household import shuf.csv
expect_rc "shuffled bulk import: exit 0" 0
has "shuffled bulk import: every row stored" "新增 6000 户"
expect_eq "shuffled bulk import: the register's indexes are as before" "$(schema shuf.db)" "$before"
n=$(sqlite3 shuf.db "SELECT count(*) FROM household INDEXED BY household_id_active
	WHERE withdrawn = 0 AND id_number > ''")
expect_eq "shuffled bulk import: the rebuilt ID-number index holds every household" "$n" 6000
run sqlite3 shuf.db "PRAGMA integrity_check"
expect_eq "shuffled bulk import: integrity check" "$OUT" ok
expect_eq "shuffled bulk import: the same register as from the sorted file" \
	"$(content shuf.db)" "$(content bulk.db)"
n=$(sqlite3 shuf.db "SELECT count(*) FROM household a JOIN household b ON b.id = a.id + 1
	WHERE (b.county_id, b.hh_no) < (a.county_id, a.hh_no)")
expect_eq "shuffled bulk import: ids in the order of county and 户编号" "$n" 0
run ch --db shuf.db household search "$(sed -n 2p shuf.csv | cut -d, -f5 | sed 's/（样例）//')"
has "shuffled bulk import: the search index finds a household" "$(sed -n 2p shuf.csv | cut -d, -f4)"
run ch --db shuf.db verify
expect_rc "shuffled bulk import: verify" 0

# refused_pair WHAT LINE FIELD AWK: shuf.csv with its line LINE again,
# changed by the awk program AWK so that only FIELD (the column's number)
# repeats: both rows refused, each naming the other, the rest stored, the
# indexes as before
refused_pair() {
	{
		cat shuf.csv
		sed -n "$2p" shuf.csv | awk -F, -v OFS=, "$4"
	} >pair.csv
	name=$(sed -n 1p shuf.csv | cut -d, -f"$3")
	value=$(sed -n "$2p" shuf.csv | cut -d, -f"$3")
	cp base.db pair.db
	run ch --db pair.db household import pair.csv --skip-invalid
	expect_rc "shuffled, $1 twice: exit 0" 0
	has "shuffled, $1 twice: the first row refused" "第$2行 $name「$value」：$name与第6002行重复（两行均未导入）"
	has "shuffled, $1 twice: the second row refused" "第6002行 $name「$value」：$name与第$2行重复（两行均未导入）"
	has "shuffled, $1 twice: the others stored" "新增 5999 户"
	expect_eq "shuffled, $1 twice: the indexes as before" "$(schema pair.db)" "$before"
}
# one 户编号 (the table's UNIQUE constraint, in place), one ID number (the
# ID-number index then stays in place too)
refused_pair "one 户编号" 20 4 '{ $6 = "652301200001010019"; print }'
refused_pair "one ID number" 10 6 '{ $4 = $4 "X"; print }'

# an ID number an active household already holds: that row refused
{
	head -n 1 shuf.csv
	sed -n 30p shuf.csv | awk -F, -v OFS=, '{ $4 = $4 "Y"; print }'
} >holder.csv
idn=$(sed -n 30p shuf.csv | cut -d, -f6)
cp base.db holder.db
ch --db holder.db household import holder.csv >/dev/null
run ch --db holder.db household import shuf.csv --skip-invalid --new-places
expect_rc "shuffled, an ID number held already: exit 0" 0
has "shuffled, an ID number held already: that row refused" "第30行 身份证号「$idn」：身份证号已在册"
has "shuffled, an ID number held already: the others stored" "新增 5999 户"
expect_eq "shuffled, an ID number held already: the indexes as before" "$(schema holder.db)" "$before"

# ---- steps: the sums written once agree with the events ----
ch --db bulk.db demo events --as-of 2023-10-31 --seed 11 -o ev.csv >/dev/null
cp bulk.db ev.db
counted ch --db ev.db event import ev.csv
expect_rc "event import: exit 0" 0
# the file's thousands of steps: statements prepared once (45 now)
below "event import: statements prepared" "$(work "statements prepared")" 200
run ch --db ev.db report verify
expect_rc "event import: aggregates agree with the events" 0
# thousands of steps, several a household: each household stands at its
# last step, on that step's day (what the batch remembered of it)
expect_eq "event import: each household at its last step and day" "$(sql ev.db "
	SELECT count(*) FROM household h
	JOIN (SELECT household_id, max(id) AS id FROM event GROUP BY household_id) l
	  ON l.household_id = h.id
	JOIN event e ON e.id = l.id
	WHERE h.stage_day IS DISTINCT FROM e.day
	   OR h.status IS DISTINCT FROM CASE e.stage_no
	  WHEN 1 THEN 'started' WHEN 2 THEN 'installed' WHEN 3 THEN 'commissioned'
	  WHEN 4 THEN 'self_inspected' WHEN 5 THEN 'review_requested'
	  WHEN 6 THEN 'reviewed' WHEN 7 THEN 'subsidized' WHEN 8 THEN 'withdrawn' END")" 0
expect_eq "event import: thousands of households moved, several steps each" \
	"$(sql ev.db "SELECT CASE WHEN count(DISTINCT household_id) > 1000 AND count(*) > 5000
	  AND count(*) > count(DISTINCT household_id) THEN 1 ELSE 0 END FROM event")" 1
# with a bad row skipped: the rejected step adds nothing
cp bulk.db skip.db
{
	head -n 200 ev.csv
	echo "昌吉市,652301-999999,已开工,2023-05-01,"
} >skip.csv
run ch --db skip.db event import skip.csv --skip-invalid
expect_rc "event import, a row skipped: exit 0" 0
run ch --db skip.db report verify
expect_rc "event import, a row skipped: aggregates agree" 0
n=$(sqlite3 skip.db "SELECT count(*) FROM event")
if [ "$n" = 199 ]; then ok "event import, a row skipped: the other 199 steps stored"; else not_ok "event import, a row skipped: the other 199 steps stored" "$n events"; fi

# ---- a file of self-inspections past 5,000 rows ----
# Every household the steps commissioned (5,705), one in twenty failing an
# item: past its 5,000th row the file is stored as a large transaction
# (inspect_file.c, CH_DB_LARGE_ROWS), and every row is stored all the
# same, the rows before the switch and after it, and everything verifies.
# That the switch happened shows only in memory at scale; here the
# program says it (CLEANHEAT_DB_WORK: the transactions made large), and
# a file of 100 rows makes none.
cp ev.db insp.db
cp "$ROOT/tests/fixtures/acceptance/photo.jpg" photo.jpg
sqlite3 insp.db "SELECT r.name, h.hh_no FROM household h JOIN region r ON r.id = h.county_id
	WHERE h.status = 'commissioned' ORDER BY h.id" |
	awk -F'|' 'BEGIN { print "县市,户编号,结果,日期,自验人员,证明材料,原燃煤炉具已拆除" }
	NR % 20 == 0 { print $1 "," $2 ",不合格,2023-10-31,张三,,不合格"; next }
	{ print $1 "," $2 ",合格,2023-10-31,张三,photo.jpg," }' >insp.csv
n=$(($(wc -l <insp.csv) - 1)) failed=$(($(wc -l <insp.csv) / 20))
if [ "$n" -gt 5000 ]; then ok "self-inspections: more than 5,000 rows ($n)"; else not_ok "self-inspections: more than 5,000 rows" "$n"; fi
cp insp.db insp100.db
counted ch --db insp.db inspect import insp.csv
expect_rc "self-inspections past 5,000 rows: exit 0" 0
expect_eq "self-inspections past 5,000 rows: stored as a large transaction" \
	"$(work "large transactions")" 1
has "self-inspections past 5,000 rows: every row stored" \
	"读入 $n 行；自验合格 $((n - failed)) 户，不合格 $failed 户（已下达整改单），拒收 0 行"
expect_eq "self-inspections past 5,000 rows: one inspection a row" \
	"$(sqlite3 insp.db "SELECT count(*) FROM inspection")" "$n"
expect_eq "self-inspections past 5,000 rows: those that passed are self-inspected" \
	"$(sqlite3 insp.db "SELECT count(*) FROM household WHERE status = 'self_inspected'")" "$((n - failed))"
run ch --db insp.db audit verify
expect_rc "self-inspections past 5,000 rows: audit verify" 0
run ch --db insp.db verify
expect_rc "self-inspections past 5,000 rows: verify" 0
head -n 101 insp.csv >insp100.csv
counted ch --db insp100.db inspect import insp100.csv
expect_rc "self-inspections, 100 rows: exit 0" 0
expect_eq "self-inspections, 100 rows: no large transaction" "$(work "large transactions")" 0
# each row's county is found by name through region_name (migration
# 0028): the checklist's five items are read for each row, but no look-up
# scans the 199 places (20,405 rows stepped over in all without the index)
below "self-inspections, 100 rows: places found by index, rows stepped over in full scans" \
	"$(work "rows stepped over")" 1000
# and each row's statements come from the connection's cache: the step it
# records (ch_event_step) and the checklist were parsed again for every
# row (fewer than 50 statements for the file now, at 100 rows as at
# 1,000; about eight more a row before)
below "self-inspections, 100 rows: statements parsed once, prepared" \
	"$(work "statements prepared")" 100

# ---- a county's self-inspected households applied for review at once ----
# review apply --all-passed records a step for each household of the
# county: a large write (its pages read through the mapping stayed until
# the commit: 229 MiB for 95,000 households), each step's statements from
# the connection's cache
n=$(sqlite3 insp.db "SELECT count(*) FROM household h JOIN region r ON r.id = h.county_id
	WHERE r.name = '昌吉市' AND h.status = 'self_inspected'")
counted ch --db insp.db review apply --county 昌吉市 --date 2023-11-01 --all-passed \
	--today 2023-11-02
expect_rc "review apply, a whole county: exit 0" 0
expect_eq "review apply, a whole county: a large transaction" "$(work "large transactions")" 1
if [ "$n" -gt 1000 ]; then ok "review apply, a whole county: $n households"; else not_ok "review apply, a whole county: more than 1,000 households" "$n"; fi
below "review apply, a whole county: statements parsed once, prepared" \
	"$(work "statements prepared")" 200
expect_eq "review apply, a whole county: every household applied for" \
	"$(sqlite3 insp.db "SELECT count(*) FROM household h JOIN region r ON r.id = h.county_id
	WHERE r.name = '昌吉市' AND h.status = 'review_requested'")" "$n"
# verify reads the whole database in one snapshot, as a large read: the
# pages it read through the mapping stayed resident to its end (407 MiB
# at 1,000,000 households)
counted ch --db insp.db verify
expect_rc "review apply, a whole county: verify" 0
expect_eq "verify: one large read" "$(work "large transactions")" 1

# ---- readings by ID number find their households through the index ----
# usage.c looks a reading's household up by its ID number among the active
# households, which the partial index household_id_active serves only when
# the query names its condition (withdrawn = 0). A query that missed it
# scanned the register for each reading (100 s for 100,000 readings at
# 100,000 households); here, 200 readings over 6,000 households, the rows
# SQLite stepped over in full scans say the same at once (CLEANHEAT_DB_WORK):
# about 40,000 with the scan, none with the index.
cp bulk.db use.db
awk -F, 'BEGIN { print "身份证号,类别,月份,用量" }
	NR > 1 && NR <= 201 { printf "%s,电,2023-01,%d\n", $6, 300 + NR }' reg.csv >use.csv
counted ch --db use.db usage import use.csv
expect_rc "readings by ID number: exit 0" 0
has "readings by ID number: every reading stored" "保存 200 行，拒收 0 行"
below "readings by ID number: no scan of the register, rows stepped over in full scans" \
	"$(work "rows stepped over")" 200
expect_eq "readings by ID number: each on its household" "$(sqlite3 use.db "SELECT count(*)
	FROM usage_reading u JOIN household h ON h.id = u.household_id")" 200

# ---- household.withdrawn (migration 0012) follows status ----
n=$(sqlite3 ev.db "SELECT count(*) FROM household WHERE status = 'withdrawn'")
m=$(sqlite3 ev.db "SELECT count(*) FROM household WHERE withdrawn IS NOT (status = 'withdrawn')")
if [ "$n" -gt 0 ] && [ "$m" = 0 ]; then
	ok "withdrawals: withdrawn follows status ($n withdrawn)"
else
	not_ok "withdrawals: withdrawn follows status" "$n withdrawn, $m disagreeing"
fi
# a step leaves the ID-number indexes alone; a lookup by ID number uses them
run sqlite3 ev.db "EXPLAIN QUERY PLAN SELECT id FROM household WHERE id_number = '652301194001010002' AND withdrawn = 0"
has "ID-number lookup uses household_id_active" "household_id_active"

# a step named by ID number (no county) finds its household through the
# ID-number indexes
cp bulk.db id.db
idn=$(sqlite3 id.db "SELECT id_number FROM household ORDER BY id LIMIT 1")
printf '县市,户编号,环节,日期,备注\n,%s,已开工,2023-10-30,\n' "$idn" >byid.csv
run ch --db id.db event import byid.csv
expect_rc "step by ID number: exit 0" 0
st=$(sqlite3 id.db "SELECT status || ' ' || withdrawn FROM household WHERE id_number = '$idn'")
if [ "$st" = "started 0" ]; then ok "step by ID number: the household started"; else not_ok "step by ID number: the household started" "$st"; fi
run ch --db id.db report verify
expect_rc "step by ID number: aggregates agree" 0
