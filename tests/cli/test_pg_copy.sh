#!/bin/sh
# `db copy` there and back, and the register's search afterwards: a
# SQLite database with a register (a generated one of 600 households and
# the funds fixture's) is copied into the test's own database (in the
# PostgreSQL pass a PostgreSQL database, else a second SQLite file), and
# from there into a new SQLite file. `household search` must find in each
# copy what it finds in the original, page for page (names, two-character
# names, addresses, 户编号, the beginning and the last digits of ID
# numbers and phones): SQLite's search index (an FTS5 table the copy does
# not carry) is made again in the target, in the copy's transaction.
. "$(dirname "$0")/lib.sh"

PLANS=$ROOT/data/plans
FF=$FIX/funds
ORIG=sqlite:$WORK/orig.db
# the test's own database: PostgreSQL's in that pass
MID=${CLEANHEAT_DB:-sqlite:$WORK/mid.db}
BACK=sqlite:$WORK/back.db

"$CLEANHEAT" --db "$ORIG" plan import "$PLANS/changji-2023-corrected.csv" --year 2023 >/dev/null &&
	"$CLEANHEAT" --db "$ORIG" household import "$FF/register.csv" >/dev/null &&
	"$CLEANHEAT" --db "$ORIG" demo generate --households 600 --seed 7 -o gen.csv >/dev/null &&
	"$CLEANHEAT" --db "$ORIG" household import gen.csv --new-places >/dev/null ||
	echo "not ok - setting up the register"

run "$CLEANHEAT" --db "$ORIG" db copy --to "$MID"
expect_rc "db copy from SQLite into the test's database: exit 0" 0
run "$CLEANHEAT" --db "$MID" db copy --to "$BACK"
expect_rc "db copy from there into a new SQLite file: exit 0" 0
expect_eq "the copy back holds every household" \
	"$(sqlite3 back.db 'SELECT count(*) FROM household')" "$(sqlite3 orig.db 'SELECT count(*) FROM household')"

# queries: what the register holds, taken from it (a name of three
# characters, one of two, a surname, an address's middle, a 户编号, an ID
# number's beginning and last four, a phone's last four)
q1() { sqlite3 orig.db "$1"; }
gen="head_name LIKE '%(样例)' AND instr(head_name, '(') = 4"
name3=$(q1 "SELECT substr(head_name, 1, 3) FROM household WHERE $gen ORDER BY id LIMIT 1")
name2=$(q1 "SELECT substr(head_name, 1, 2) FROM household WHERE head_name LIKE '%(样例)' ORDER BY id DESC LIMIT 1")
surname=$(q1 "SELECT substr(head_name, 1, 1) FROM household WHERE $gen ORDER BY id LIMIT 1 OFFSET 7")
addr=$(q1 "SELECT substr(address, 2, 6) FROM household WHERE length(address) >= 8 ORDER BY id LIMIT 1 OFFSET 100")
hhno=$(q1 "SELECT hh_no FROM household ORDER BY id DESC LIMIT 1")
idhead=$(q1 "SELECT substr(id_number, 1, 10) FROM household WHERE id_number <> '' ORDER BY id LIMIT 1")
idtail=$(q1 "SELECT substr(id_number, -4) FROM household WHERE id_number <> '' ORDER BY id DESC LIMIT 1")
phtail=$(q1 "SELECT substr(phone, -4) FROM household WHERE length(phone) >= 8 ORDER BY id LIMIT 1")

search() { "$CLEANHEAT" --db "$1" household search "$2" --limit 40 --format csv 2>&1; }
n=0
for q in "$name3" "$name2" "$surname" "$addr" "$hhno" "$idhead" "$idtail" "$phtail"; do
	n=$((n + 1))
	want=$(search "$ORIG" "$q")
	rows=$(($(printf '%s\n' "$want" | wc -l) - 1))
	if [ -z "$q" ] || [ "$rows" -lt 1 ]; then
		OUT=$want
		not_ok "query $n [$q]: the original finds households"
		continue
	fi
	for db in MID BACK; do
		if [ $db = MID ]; then url=$MID what="the copy (the test's database)"; else url=$BACK what="the copy back"; fi
		got=$(search "$url" "$q")
		if [ "$got" = "$want" ]; then
			ok "query $n [$q]: $what finds the original's $rows households"
		else
			OUT=$got
			not_ok "query $n [$q]: $what finds the original's $rows households" \
				"original: $(printf '%s\n' "$want" | head -3)"
		fi
	done
done

# the index in the copy back is whole: every generated household is found
# by what its name ends with
all=$("$CLEANHEAT" --db "$ORIG" household search "(样例)" --format csv | wc -l)
expect_eq "the copy back finds every generated household by (样例) ($((all - 1)))" \
	"$("$CLEANHEAT" --db "$BACK" household search "(样例)" --format csv | wc -l)" "$all"
expect_eq "the original has 600 generated households" "$((all - 1))" 600
