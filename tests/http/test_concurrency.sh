#!/bin/sh
# Many writers and readers at once: `cleanheat serve --workers 4` over the
# 2023 plan and a synthetic register of 7000 households in all seven
# counties, and 16 clients at the same time. Per county two writers, both
# the county's operator: one records single steps (已开工, some 已完工, a
# few twice on purpose) for its households, the other imports weekly
# batches (已开工 and 已完工 rows) over a range that overlaps the first
# one's, alternately row by row (skip_invalid) and all or nothing, and
# last sends one batch again. Two readers poll the dispatch and the
# register meanwhile. Then a write lock held from outside (sqlite3) past the
# server's wait: reads go on, writes are answered 503 busy and change nothing.
#
# Every writer notes which steps the server accepted (200) and which it
# refused (409 or 422 with a reason). A 503 or a dropped connection is
# retried after a pause, a few times; anything else (500, 401, ...) is a
# failure. Afterwards: the audit chain, the ledger and the progress
# aggregates verify; every accepted step is stored exactly once and nothing
# refused is stored (the events by household and stage against the
# accepted set); the dispatch counts per county and stage and each
# household's status agree with it; the audit log holds one entry per
# accepted request. The counts are printed as `# ...` lines.
. "$(dirname "$0")/lib.sh"

COUNTIES="昌吉市 阜康市 呼图壁县 玛纳斯县 奇台县 吉木萨尔县 木垒哈萨克自治县"
RECORDS=30   # households each recorder goes through
BATCHES=6    # batch files per importer, of BATCH households each
BATCH=10
OVERLAP=15   # the importer starts at the recorder's 16th household
LIMIT_S=45   # no client starts a request after this many seconds
AS_OF=2023-07-16

ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
ch demo generate --households 7000 --seed 1 -o reg.csv >/dev/null
run ch household import reg.csv
expect_rc "the register of 7000 households is imported" 0
user_with_password reader auditor
mkdir -p "$WORK/log" "$WORK/batch"
k=0
for c in $COUNTIES; do
	k=$((k + 1))
	user_with_password "op$k" county_operator "$c"
	# the county's first households, in register order
	awk -F, -v c="$c" '$1 == c { print $4 }' reg.csv |
		head -n $((OVERLAP + BATCHES * BATCH)) >"$WORK/hh.$k"
	b=0
	while [ $b -lt $BATCHES ]; do
		from=$((OVERLAP + b * BATCH + 1))
		sed -n "${from},$((from + BATCH - 1))p" "$WORK/hh.$k" |
			awk -v c="$c" 'BEGIN { print "县市,户编号,环节,日期,备注" }
				{ print c "," $1 ",已开工,2023-05-08,"; print c "," $1 ",已完工,2023-06-15," }' \
				>"$WORK/batch/$k.$b.csv"
		b=$((b + 1))
	done
	# odd counties record from the end, into the importer's first batches
	if [ $((k % 2)) -eq 1 ]; then head -n $RECORDS "$WORK/hh.$k" >"$WORK/rec.$k"
	else head -n $RECORDS "$WORK/hh.$k" | sort -r >"$WORK/rec.$k"; fi
done

start_server --workers 4
for u in reader op1 op2 op3 op4 op5 op6 op7; do signin "$u"; done
k=0
for c in $COUNTIES; do
	k=$((k + 1))
	ch token create "op$k" --expires 1 | head -n 1 >"$WORK/op$k.token"
done

# A JSON step may not carry evidence: files come only in a form.
as op1 POST /api/events/record -H 'Content-Type: application/json' \
	-d '{"household":"x","stage":"已开工","date":"2023-05-10","evidence":"a.jpg"}'
expect_status "evidence in a JSON step: 400" 400
jq_is "evidence in a JSON step: the field" .error.field evidence

T0=$(date +%s)
late() { [ $(($(date +%s) - T0)) -ge $LIMIT_S ]; }

# send LOG BODY CURL-ARGS...: one request with up to 4 retries after a 503
# or a dropped connection, 1 s apart; STATUS gets the final status (000: no
# answer), the body is in file BODY, each retry is noted in LOG.
send() {
	log=$1 body=$2
	shift 2
	tries=0
	while :; do
		STATUS=$(curl -s -o "$body" -w '%{http_code}' --max-time 20 "$@") || STATUS=000
		case $STATUS in 503 | 000) ;; *) return ;; esac
		echo "RETRY $STATUS $(head -c 200 "$body" 2>/dev/null | tr '\n' ' ')" >>"$log"
		tries=$((tries + 1))
		[ $tries -ge 4 ] && return
		sleep 1
	done
}

# recorder K COUNTY: records each household of rec.K as 已开工; every 6th
# twice (the second must be refused), every 5th 已完工 as well.
recorder() {
	k=$1 c=$2
	log=$WORK/log/rec.$k body=$WORK/log/rec.$k.body
	csrf=$(jq -r .csrf_token "$WORK/op$k.signin")
	i=0
	while read -r hh; do
		for step in "已开工 2023-05-10 first" "已开工 2023-05-10 again" "已完工 2023-06-01 first"; do
			# shellcheck disable=SC2086
			set -- $step
			case $3 in again) [ $((i % 6)) -eq 0 ] || continue ;; esac
			case $1 in 已完工) [ $((i % 5)) -eq 1 ] || continue ;; esac
			late && { echo "LATE" >>"$log"; break 2; }
			send "$log" "$body" -b "$WORK/op$k.jar" -H "X-CSRF-Token: $csrf" \
				-H 'Content-Type: application/json' \
				-d "{\"household\":\"$hh\",\"stage\":\"$1\",\"date\":\"$2\",\"county\":\"$c\"}" \
				"$BASE/api/events/record"
			case $STATUS in
			200) echo "ACC $c $hh $1" ;;
			409 | 422) echo "REF $c $hh $1 $3 $(jq -r .error.message "$body")" ;;
			*) echo "FAIL record $hh $1: $STATUS $(head -c 300 "$body" | tr '\n' ' ')" ;;
			esac >>"$log"
		done
		i=$((i + 1))
	done <"$WORK/rec.$k"
	touch "$WORK/log/done.rec.$k"
}

# importer K: sends each batch (even ones row by row, odd ones all or
# nothing), then the third one again, all or nothing: every row refused.
importer() {
	k=$1
	log=$WORK/log/imp.$k body=$WORK/log/imp.$k.body
	token=$(cat "$WORK/op$k.token")
	for b in $(seq 0 $((BATCHES - 1))) again; do
		case $b in
		again) f=$WORK/batch/$k.2.csv skip="" ;;
		*) f=$WORK/batch/$k.$b.csv skip="-F skip_invalid=1"
			[ $((b % 2)) -eq 1 ] && skip="" ;;
		esac
		late && { echo "LATE" >>"$log"; break; }
		# shellcheck disable=SC2086
		send "$log" "$body" -H "Authorization: Bearer $token" -F "file=@$f" $skip \
			"$BASE/api/events/import"
		case $STATUS in
		200)
			echo "BATCH $b 200"
			# rows the answer names as rejected (by line: the header is 1)
			awk -F, -v b="$b" -v rej=" $(jq -r '.problems[] | select(.severity == "error") | .row' "$body" | tr '\n' ' ')" \
				'FNR > 1 { r = index(rej, " " FNR " ") > 0
					print (r ? "REF" : "ACC"), $1, $2, $3, (r ? "batch-" b : "") }' "$f"
			;;
		409 | 422)
			echo "BATCH $b $STATUS"
			awk -F, -v b="$b" 'FNR > 1 { print "REF", $1, $2, $3, "batch-" b }' "$f"
			;;
		*) echo "FAIL import $b: $STATUS $(head -c 300 "$body" | tr '\n' ' ')" ;;
		esac >>"$log"
	done
	touch "$WORK/log/done.imp.$k"
}

writers_done() {
	set -- "$WORK"/log/done.*
	[ $# -ge 14 ]
}

# reader_dispatch: the dispatch until the writers are done; the
# prefecture's 已开工 count never goes back between two reads.
reader_dispatch() {
	log=$WORK/log/read.dispatch body=$WORK/log/read.dispatch.body
	last=0 n=0
	while [ $n -lt 300 ] && ! writers_done && ! late; do
		send "$log" "$body" -b "$WORK/reader.jar" \
			"$BASE/api/reports/dispatch?year=2023&as_of=$AS_OF"
		n=$((n + 1))
		if [ "$STATUS" != 200 ]; then
			echo "FAIL dispatch: $STATUS $(head -c 300 "$body" | tr '\n' ' ')" >>"$log"
			continue
		fi
		now=$(jq -r '.tables[0].rows[] | select(.county == "全州合计") | .started_n' "$body")
		[ "$now" -ge "$last" ] 2>/dev/null ||
			echo "FAIL the prefecture's 已开工 went from $last to $now" >>"$log"
		last=$now
		echo "READ" >>"$log"
	done
}

# reader_households: 50 households of each county in turn.
reader_households() {
	log=$WORK/log/read.households body=$WORK/log/read.households.body
	n=0
	while [ $n -lt 300 ] && ! writers_done && ! late; do
		for c in $COUNTIES; do
			send "$log" "$body" -b "$WORK/reader.jar" -G --data-urlencode "county=$c" \
				-d limit=50 "$BASE/api/households"
			n=$((n + 1))
			got=$(jq -r --arg c "$c" '[.tables[0].rows[] | select(.county == $c)] | length' "$body" 2>/dev/null)
			if [ "$STATUS" != 200 ] || [ "$got" != 50 ]; then
				echo "FAIL households $c: $STATUS, $got rows of the county $(head -c 200 "$body" | tr '\n' ' ')" >>"$log"
			else
				echo "READ" >>"$log"
			fi
		done
	done
}

# the sign-in answers hold each writer's CSRF token
k=0
for c in $COUNTIES; do
	k=$((k + 1))
	curl -s -b "$WORK/op$k.jar" "$BASE/api/session" >"$WORK/op$k.signin"
done

pids=""
k=0
for c in $COUNTIES; do
	k=$((k + 1))
	recorder $k "$c" &
	pids="$pids $!"
	importer $k &
	pids="$pids $!"
done
reader_dispatch &
pids="$pids $!"
reader_households &
pids="$pids $!"
for p in $pids; do wait "$p"; done
elapsed=$(($(date +%s) - T0))

# Then the write lock held elsewhere (by sqlite3, until told to let go)
# past the server's wait: a read is answered meanwhile; a step, a batch and
# a sign-in wait and are answered 503 busy with Retry-After, having changed
# nothing; the step sent again once the lock is gone is stored once.
if sqlite_only "the write lock held elsewhere" "SQLite's lock, held by the sqlite3 tool"; then
	awk -F, '$1 == "昌吉市" { print $4 }' reg.csv | sed -n '101,106p' >"$WORK/busy.hh"
	awk 'BEGIN { print "县市,户编号,环节,日期,备注" } NR <= 5 { print "昌吉市," $1 ",已开工,2023-05-08," }' \
		"$WORK/busy.hh" >"$WORK/busy.csv"
	busy_hh=$(sed -n 6p "$WORK/busy.hh")
	printf '%s\n' '.timeout 10000' 'BEGIN IMMEDIATE;' ".shell touch '$WORK/locked'" \
		".shell i=0; while [ ! -f '$WORK/release' ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done" \
		'COMMIT;' | sqlite3 cleanheat.db &
	holder=$!
	i=0
	while [ ! -f "$WORK/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	busy_step() {
		curl -s -o "$WORK/busy.$1" -D "$WORK/busy.$1.h" -w '%{http_code}' --max-time 30 \
			-b "$WORK/op1.jar" -H "X-CSRF-Token: $(jq -r .csrf_token "$WORK/op1.signin")" \
			-H 'Content-Type: application/json' \
			-d "{\"household\":\"$busy_hh\",\"stage\":\"已开工\",\"date\":\"2023-05-10\",\"county\":\"昌吉市\"}" \
			"$BASE/api/events/record"
	}
	busy_step rec >"$WORK/busy.rec.st" &
	p1=$!
	curl -s -o "$WORK/busy.imp" -w '%{http_code}' --max-time 30 -H "Authorization: Bearer $(cat "$WORK/op1.token")" \
		-F "file=@$WORK/busy.csv" "$BASE/api/events/import" >"$WORK/busy.imp.st" &
	p2=$!
	curl -s -o "$WORK/busy.sign" -w '%{http_code}' --max-time 30 -H 'Content-Type: application/json' \
		-d '{"user":"op2","password":"op2-password-1"}' "$BASE/api/session" >"$WORK/busy.sign.st" &
	p3=$!
	sleep 0.5
	st=$(curl -s -o "$WORK/busy.read" -w '%{http_code}' --max-time 30 -b "$WORK/reader.jar" \
		-G --data-urlencode "county=昌吉市" -d limit=5 "$BASE/api/households")
	if [ "$st" = 200 ] && kill -0 $holder 2>/dev/null && [ ! -f "$WORK/release" ]; then
		ok "a read is answered while another holds the write lock"
	else not_ok "a read is answered while another holds the write lock" "status $st"; fi
	wait $p1 $p2 $p3
	touch "$WORK/release"
	wait $holder
	expect_eq "a step, a batch and a sign-in wait for the lock, then 503" \
		"$(cat "$WORK/busy.rec.st") $(cat "$WORK/busy.imp.st") $(cat "$WORK/busy.sign.st")" "503 503 503"
	expect_eq "503: the JSON code is busy" "$(jq -r .error.code "$WORK/busy.rec")" busy
	case $(jq -r .error.message "$WORK/busy.rec") in
	*"已等待 5 秒"*"请稍后重试"*) ok "503: the message says to retry after the wait" ;;
	*) not_ok "503: the message says to retry after the wait" "$(cat "$WORK/busy.rec")" ;;
	esac
	if grep -qi '^Retry-After: 5' "$WORK/busy.rec.h"; then ok "503: Retry-After"; else
		not_ok "503: Retry-After" "$(cat "$WORK/busy.rec.h")"; fi
	expect_eq "nothing of the busy requests was stored" "$(sql "SELECT count(*) FROM event e
		JOIN household h ON h.id = e.household_id WHERE h.hh_no IN ($(sed "s/.*/'&'/" "$WORK/busy.hh" | paste -sd,))")" 0
	echo "RETRY 503 busy step" >"$WORK/log/rec.b"
	st=$(busy_step rec)
	[ "$st" = 200 ] && echo "ACC 昌吉市 $busy_hh 已开工" >>"$WORK/log/rec.b"
	expect_eq "the busy step sent again is stored" "$st" 200
fi

cat "$WORK"/log/rec.? "$WORK"/log/imp.? >"$WORK/writes"
cat "$WORK"/log/read.* >"$WORK/reads"
acc=$(grep -c '^ACC ' "$WORK/writes")
ref=$(grep -c '^REF ' "$WORK/writes")
retried=$(cat "$WORK"/log/rec.? "$WORK"/log/imp.? "$WORK"/log/read.dispatch "$WORK"/log/read.households |
	grep -c '^RETRY ')
reads=$(grep -c '^READ$' "$WORK/reads")
echo "# 16 clients, $elapsed s: steps accepted $acc, refused $ref; requests retried $retried; reads $reads"
echo "# imports: $(grep -h '^BATCH ' "$WORK"/log/imp.? | awk '{ n[$3]++ } END { for (s in n) printf "%s %d  ", s, n[s] }')"
echo "# server answers: $(awk '$5 ~ /^[0-9][0-9][0-9]$/ { n[$5]++ } END { for (s in n) printf "%s %d  ", s, n[s] }' "$WORK/server.log")"

fails=$(cat "$WORK/writes" "$WORK/reads" | grep -E '^(FAIL|LATE)' | head -n 20)
expect_eq "no request failed and every client finished in time" "$fails" ""
if cat "$WORK"/log/rec.? "$WORK"/log/imp.? "$WORK/reads" | grep -v '^RETRY 503 busy step' | grep -q '^RETRY'; then
	not_ok "no request of the 16 clients was answered busy or dropped" "$(grep -h '^RETRY' "$WORK/writes" "$WORK/reads" | head -n 5)"
else ok "no request of the 16 clients was answered busy or dropped"; fi
if grep -q 'internal error' "$WORK/server.log"; then
	not_ok "the server logged no internal error" "$(grep 'internal error' "$WORK/server.log" | head -n 5)"
else ok "the server logged no internal error"; fi
if [ "$acc" -gt 0 ] && [ "$ref" -gt 0 ]; then ok "some steps were accepted and some refused"
else not_ok "some steps were accepted and some refused" "accepted $acc, refused $ref"; fi
again=$(grep -c '^REF .* 已开工 again ' "$WORK/writes")
asked=$(grep -c '.' "$WORK"/rec.? | awk -F: '{ n += int(($2 + 5) / 6) } END { print n }')
expect_eq "every step sent twice was refused the second time" "$again" "$asked"
n=$(grep -c '^REF .* again .*该户当前为' "$WORK/writes")
expect_eq "a refused step says the household's current stage" "$n" "$again"
expect_eq "the same batch again is refused" \
	"$(grep -h '^BATCH again' "$WORK"/log/imp.? | sort | uniq -c | awk '{ print $1, $4 }')" "7 422"

run ch report verify
expect_rc "report verify: the aggregates match the events" 0
run ch ledger verify
expect_rc "ledger verify passes" 0
run ch audit verify
expect_rc "audit verify: the chain is whole" 0

# every accepted step exactly once, nothing else
awk '$1 == "ACC" { print $2 "|" $3 "|" $4 }' "$WORK/writes" | sort >"$WORK/accepted"
dups=$(uniq -d "$WORK/accepted" | head -n 5)
expect_eq "no step was accepted twice" "$dups" ""
sql "SELECT r.name, h.hh_no, s.name, count(*) FROM event e
	JOIN household h ON h.id = e.household_id JOIN region r ON r.id = h.county_id
	JOIN stage s ON s.no = e.stage_no GROUP BY 1, 2, 3" | sort >"$WORK/stored"
expect_eq "each stored step is stored once" "$(awk -F'|' '$4 != 1' "$WORK/stored" | head -n 5)" ""
cut -d'|' -f1-3 "$WORK/stored" >"$WORK/stored.steps"
expect_eq "the stored steps are exactly the accepted ones" \
	"$(diff "$WORK/accepted" "$WORK/stored.steps" | head -n 10)" ""

# the dispatch and the register say the same
ch report dispatch --year 2023 --as-of $AS_OF --format json |
	jq -r '.rows[] | "\(.county) \(.started_n) \(.installed_n)"' >"$WORK/dispatch"
bad=""
for c in $COUNTIES; do
	s=$(awk -v c="$c" '$1 == "ACC" && $2 == c && $4 == "已开工" { print $3 }' "$WORK/writes" | sort -u | grep -c .)
	i=$(awk -v c="$c" '$1 == "ACC" && $2 == c && $4 == "已完工" { print $3 }' "$WORK/writes" | sort -u | grep -c .)
	d=$(awk -v c="$c" '$1 == c { print $2, $3 }' "$WORK/dispatch")
	[ "$d" = "$s $i" ] || bad="$bad $c: dispatch $d, accepted $s $i;"
	# each household's status: its last accepted step, else 已登记
	ch household list --county "$c" --limit 100000 --format csv | tr -d '\r' | awk -F, 'NR > 1 { print $4, $NF }' | sort >"$WORK/status"
	awk -v c="$c" '$1 == "ACC" && $2 == c { s = $4 == "已完工" ? 2 : 1; if (s > st[$3]) st[$3] = s }
		END { for (h in st) print h, (st[h] == 2 ? "已完工" : "已开工") }' "$WORK/writes" | sort >"$WORK/want"
	got=$(grep -v ' 已登记$' "$WORK/status" | diff "$WORK/want" - | head -n 5)
	[ -z "$got" ] || bad="$bad $c: status $got;"
done
expect_eq "the dispatch's 已开工 and 已完工 per county are the households accepted" "$bad" ""

# one audit entry per accepted request, none for a refused one
ch audit log --object event-batch: --limit 0 --format csv >"$WORK/audit"
recs=$(grep -h -c '^ACC' "$WORK"/log/rec.? | awk '{ n += $1 } END { print n }')
imps=$(grep -h '^BATCH .* 200$' "$WORK"/log/imp.? | grep -c .)
expect_eq "audited: one event.record per accepted step" "$(grep -c ',event.record,' "$WORK/audit")" "$recs"
expect_eq "audited: one event.import per accepted batch" "$(grep -c ',event.import,' "$WORK/audit")" "$imps"
