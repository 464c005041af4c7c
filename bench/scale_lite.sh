# scale_lite.sh, sourced by bench/run.sh and bench/pg.sh: scale_up DB K
# makes the register of the SQLite database DB K times as large by copying
# its households and their steps in SQL (new ids, 户编号 and ID numbers;
# the aggregates multiplied), which takes minutes where importing ten
# million rows would take an hour. Uses the anchors' pragmas, PRAGMAS.
: "${PRAGMAS:=PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA foreign_keys=ON;}"

scale_up() {
	db=$1 k=$2
	# the column lists from the tables themselves, with what must change
	hcols=$(sqlite3 "$db" "SELECT group_concat(name, ', ') FROM pragma_table_info('household')")
	hsel=$(sqlite3 "$db" "SELECT group_concat(CASE name
		WHEN 'id' THEN 'id + :off'
		WHEN 'hh_no' THEN 'hh_no || ''#'' || :k'
		WHEN 'id_number' THEN 'substr(id_number, 1, 6) || printf(''%012d'', id + :off)'
		WHEN 'list_key' THEN 'replace(list_key, hh_no || char(1), hh_no || ''#'' || :k || char(1))'
		ELSE name END, ', ') FROM pragma_table_info('household')")
	ecols=$(sqlite3 "$db" "SELECT group_concat(name, ', ') FROM pragma_table_info('event')")
	esel=$(sqlite3 "$db" "SELECT group_concat(CASE name
		WHEN 'id' THEN 'id + :eoff'
		WHEN 'household_id' THEN 'household_id + :off'
		WHEN 'corrects' THEN 'corrects + :eoff'
		WHEN 'superseded_by' THEN 'superseded_by + :eoff'
		ELSE name END, ', ') FROM pragma_table_info('event')")
	# the non-unique indexes are built again afterwards (faster than
	# inserting nine copies of random keys one by one)
	idx=$(sqlite3 "$db" "SELECT group_concat(sql, ';' || char(10)) || ';' FROM sqlite_master WHERE type = 'index'
		AND tbl_name IN ('household', 'event') AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE %'")
	drop=$(sqlite3 "$db" "SELECT group_concat('DROP INDEX ' || name, ';' || char(10)) || ';' FROM sqlite_master
		WHERE type = 'index' AND tbl_name IN ('household', 'event') AND sql IS NOT NULL
		AND sql NOT LIKE 'CREATE UNIQUE %'")
	hmax=$(sqlite3 "$db" "SELECT max(id) FROM household")
	emax=$(sqlite3 "$db" "SELECT max(id) FROM event")
	# one transaction per copy, the WAL emptied after each: in a single
	# transaction the WAL grew past 6 GB for ten copies of a million
	# households and every page read searched its growing index
	{
		echo "$PRAGMAS"
		echo "PRAGMA foreign_keys=OFF; BEGIN;"
		echo "$drop"
		echo "COMMIT;"
		i=1
		while [ "$i" -lt "$k" ]; do
			echo ".parameter set :k $i"
			echo ".parameter set :off $((i * hmax))"
			echo ".parameter set :eoff $((i * emax))"
			echo "BEGIN;"
			echo "INSERT INTO household($hcols) SELECT $hsel FROM household WHERE id <= $hmax;"
			echo "INSERT INTO event($ecols) SELECT $esel FROM event WHERE id <= $emax;"
			echo "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);"
			i=$((i + 1))
		done
		echo "BEGIN;"
		echo "UPDATE progress_daily SET households = households * $k,"
		echo " es_households = es_households * $k, es_area_centi = es_area_centi * $k;"
		echo "$idx"
		echo "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);"
	} | sqlite3 "$db" >/dev/null
}
