#!/bin/sh
# End-to-end tests of `report county` (县市详情): over the 2023 plan, 3,000
# synthetic households and their steps to 2023-07-16, each county's total
# row equals its row of `report dispatch` for every stage shown, by
# township, village, contractor and technology; the rows add up to the
# total; a withdrawal leaves the denominator and the stages and counts as
# withdrawn; one township's villages; CSV, JSON and XLSX; a county operator
# sees her own county and is refused another (exit 3, in Chinese); an
# unknown county, township or grouping is named.
. "$(dirname "$0")/lib.sh"

ASOF=2023-07-16
ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
ch demo generate --households 3000 --seed 5 -o reg.csv >/dev/null
ch household import reg.csv >/dev/null
ch demo events --as-of $ASOF --seed 5 -o ev.csv >/dev/null
ch event import ev.csv >/dev/null || echo "not ok - importing the demo steps"

# county C BY [ARGS]: `report county --format csv` without carriage returns
county() {
	c=$1 by=$2
	shift 2
	ch report county --year 2023 --county "$c" --as-of $ASOF --by "$by" --format csv "$@" | tr -d '\r'
}
# col CSV HEADING ROW: the value under HEADING in the row whose first
# column is ROW
col() {
	printf '%s\n' "$1" | awk -F, -v row="$3" -v head="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == head) c = i; next }
		$1 == row && c { print $c; exit }'
}
# colsum CSV HEADING: the sum of HEADING over the rows but the last (the total)
colsum() {
	printf '%s\n' "$1" | awk -F, -v head="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == head) c = i; next }
		{ if (prev != "") s += prev; prev = $c }
		END { print s + 0 }'
}

DISP=$(ch report dispatch --year 2023 --as-of $ASOF --format csv | tr -d '\r')
counties=$(printf '%s\n' "$DISP" | awk -F, 'NR > 1 && $1 != "全州合计" { print $1 }')
n=$(printf '%s\n' "$counties" | wc -l)
expect_eq "the dispatch lists seven counties" "$n" 7
for c in $counties; do
	for by in township village contractor technology; do
		t=$(county "$c" $by)
		bad=
		for s in 已开工 已完工 已调试 自验合格 复核通过; do
			want=$(col "$DISP" "$s·户数" "$c")
			got=$(col "$t" "$s·户数" "${c}合计")
			[ -n "$want" ] && [ "$want" = "$got" ] || bad="$bad $s: dispatch [$want], county [$got];"
			sum=$(colsum "$t" "$s·户数")
			[ "$sum" = "$got" ] || bad="$bad $s rows add up to $sum, total $got;"
		done
		want=$(col "$DISP" "已退出·户数" "$c")
		got=$(col "$t" "已退出·户数" "${c}合计")
		[ "$want" = "$got" ] || bad="$bad 已退出: dispatch [$want], county [$got];"
		if [ -z "$bad" ]; then ok "$c by $by: the total row is the dispatch's"; else not_ok "$c by $by: the total row is the dispatch's" "$bad"; fi
	done
done

# a started household of 昌吉市 withdraws on the day
T=$(county 昌吉市 township)
reg=$(col "$T" 登记户数 昌吉市合计)
started=$(col "$T" 已开工·户数 昌吉市合计)
wd=$(col "$T" 已退出·户数 昌吉市合计)
hh=$(ch household list --county 昌吉市 --format csv | tr -d '\r' | awk -F, '$NF == "已开工" { print $4; exit }')
run ch event record "$hh" 已退出 --date $ASOF --county 昌吉市 --note 农户自愿退出 --today 2023-07-20
expect_rc "a started household withdraws" 0
T=$(county 昌吉市 township)
expect_eq "the withdrawn household leaves the denominator" "$(col "$T" 登记户数 昌吉市合计)" $((reg - 1))
expect_eq "and the started households" "$(col "$T" 已开工·户数 昌吉市合计)" $((started - 1))
expect_eq "and counts as withdrawn" "$(col "$T" 已退出·户数 昌吉市合计)" $((wd + 1))
D=$(ch report dispatch --year 2023 --as-of $ASOF --format csv | tr -d '\r')
expect_eq "the dispatch agrees after the withdrawal" "$(col "$D" 已开工·户数 昌吉市)" $((started - 1))
T=$(ch report county --year 2023 --county 昌吉市 --as-of 2023-07-15 --format csv | tr -d '\r')
expect_eq "the day before it, the household still counts" "$(col "$T" 登记户数 昌吉市合计)" "$reg"

# one township's villages add up to the township's row
T=$(county 昌吉市 township)
tw=$(printf '%s\n' "$T" | awk -F, 'NR == 2 { print $1 }')
V=$(county 昌吉市 village --township "$tw")
expect_eq "one township's villages: its registered households" "$(col "$V" 登记户数 "${tw}合计")" "$(col "$T" 登记户数 "$tw")"
expect_eq "and its installed households" "$(colsum "$V" 已完工·户数)" "$(col "$T" 已完工·户数 "$tw")"
lacks_other=$(printf '%s\n' "$V" | awk -F, -v tw="$tw" 'NR > 1 && $1 != tw && $1 != tw "合计"' | head -1)
expect_eq "and no other township's" "$lacks_other" ""

# percentages of the registered households
pct=$(col "$T" 已完工·占登记 "$tw")
want=$(awk -v a="$(col "$T" 已完工·户数 "$tw")" -v b="$(col "$T" 登记户数 "$tw")" 'BEGIN { printf "%.1f%%", 100 * a / b }')
expect_eq "installed as a percentage of the registered" "$pct" "$want"

# the table, JSON and XLSX
run ch report county --year 2023 --county 木垒县 --as-of $ASOF --by technology
expect_rc "a short name is the county" 0
has "the title names the county, the grouping and the day" "2023年木垒哈萨克自治县农村清洁取暖改造进度（按技术路线，截至2023年7月16日）"
has "technologies by their Chinese names" "煤改电(空气源热泵)"
has "the notes say what the denominator is" "登记户数：该年度登记的农户，不含截至当日已退出的"
run ch report county --year 2023 --county 昌吉市 --as-of $ASOF --by contractor --format json
has "JSON: the contractor column" '"key": "contractor"'
has "JSON: the total row is marked" '"is_total": true'
run ch report county --year 2023 --county 昌吉市 --as-of $ASOF --by village --format xlsx -o village.xlsx
if [ "$RC" -eq 0 ] && [ -s village.xlsx ] && unzip -p village.xlsx xl/sharedStrings.xml | grep -q 样例村; then
	ok "XLSX: the village table"
else
	not_ok "XLSX: the village table"
fi

# scope, unknown names, usage
ch user add cjop --role county_operator --scope 昌吉市 >/dev/null
run ch --as cjop report county --year 2023 --county 昌吉市 --as-of $ASOF
expect_rc "a county operator sees her county" 0
run ch --as cjop report county --year 2023 --county 阜康市 --as-of $ASOF
expect_rc "and is refused another" 3
has_err "refused in Chinese, naming the county" "不能查看阜康市的进度"
run ch report county --year 2023 --county 北京市 --as-of $ASOF
expect_rc "an unknown county" 4
has_err "is named" "北京市"
run ch report county --year 2023 --county 昌吉市 --township 滋泥泉子镇 --as-of $ASOF
expect_rc "a township of another county" 4
run ch report county --year 2023 --county 昌吉市 --as-of $ASOF --by household
expect_rc "an unknown grouping is a usage error" 2
run ch report county --year 2023 --county 昌吉市 --as-of 2023-02-30
expect_rc "a day that is not one" 1
has_err "names the day" "截至日期"
