#!/bin/sh
# The authorisation matrix, generated from the route table: every route of
# /api/openapi.json (which the server makes from the operation table) ×
# every role. A role the route's operation does not allow gets 403 before
# anything is read; a role it allows gets past the gate (here a 400 for the
# missing parameters, or the answer). A route added to the table is in the
# matrix at once. Afterwards the audit log shows that nothing was changed.
. "$(dirname "$0")/lib.sh"

ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
ch region import "$ROOT/tests/fixtures/region/changji-townships.csv" >/dev/null
user_with_password admin prefecture_admin
user_with_password cty county_operator 昌吉市
user_with_password town township_operator 大西渠镇
user_with_password rev reviewer
user_with_password fin finance
user_with_password aud auditor
start_server
for u in admin cty town rev fin aud; do signin "$u"; done
roles="admin:prefecture_admin cty:county_operator town:township_operator rev:reviewer fin:finance aud:auditor"

last_seq() { ch audit log --limit 1 --format csv | sed -n 2p | cut -d, -f1; }
before=$(last_seq)

api GET /api/openapi.json
printf '%s' "$BODY" | jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] |
	select(.value["x-roles"] != null) |
	"\(.key) \($p) \(.value["x-roles"] | join(",")) \(.value.requestBody.content | keys? // [] | join(","))"' \
	>"$WORK/routes"
n=$(grep -c . "$WORK/routes")
if [ "$n" -ge 50 ]; then ok "the matrix has $n routes"; else not_ok "the matrix has only $n routes"; fi

# each user's CSRF token, once: no route of the matrix signs anyone out
# or changes a session (the audit log, below, shows nothing changed)
for u in admin cty town rev fin aud; do csrf_of "$u" >"$WORK/$u.csrf"; done
bad=0
total=0
while read -r method path allowed ctype; do
	M=$(printf '%s' "$method" | tr a-z A-Z)
	for pair in $roles; do
		u=${pair%%:*}
		role=${pair#*:}
		read -r csrf <"$WORK/$u.csrf"
		case "$ctype" in
		*application/json*) body="-H Content-Type:application/json -d {}" ;;
		multipart/form-data) body="-F format=json" ;;
		*) body="" ;;
		esac
		# shellcheck disable=SC2086
		st=$(curl -s -o "$WORK/.m" -w '%{http_code}' -X "$M" -b "$WORK/$u.jar" \
			-H "X-CSRF-Token: $csrf" $body "$BASE$path")
		total=$((total + 1))
		case ",$allowed," in
		*",$role,"*) want="past the gate" ;;
		*) want=403 ;;
		esac
		if [ "$want" = 403 ] && [ "$st" != 403 ]; then
			echo "not ok - $M $path as $role: expected 403, got $st"
			bad=$((bad + 1))
		elif [ "$want" != 403 ] && { [ "$st" = 403 ] || [ "$st" = 401 ] || [ "$st" -ge 500 ]; }; then
			echo "not ok - $M $path as $role: expected past the gate, got $st $(head -c 200 "$WORK/.m")"
			bad=$((bad + 1))
		fi
	done
done <"$WORK/routes"
expect_eq "every route × every role answered as the table says ($total requests)" "$bad" 0
expect_eq "nothing was changed by the matrix" "$(last_seq)" "$before"

# region scope: the same route, inside and outside the user's county
as cty GET "/api/plans/coverage?year=2023"
expect_status "a county operator reads the plan's coverage" 200
as cty POST /api/regions/import -F "file=@$ROOT/tests/fixtures/region/fukang-townships.csv"
expect_status "a 昌吉市 operator adds 阜康市 townships: 403" 403
has "the refusal names the uploaded file by its own name" "fukang-townships.csv"
lacks "the refusal does not show the server's folders" "cleanheat-upload"
as cty POST /api/regions/import -F "file=@$ROOT/tests/fixtures/region/changji-townships.csv"
expect_status "a 昌吉市 operator adds 昌吉市 townships: 200" 200

# ---- outside your scope, for every route that names a county ----
# (docs/architecture.md): each route with a county parameter (or a review
# application, whose number names its county) that the
# county operator's role passes, called by 昌吉市's operator for 阜康市
# with every required parameter filled in, is refused with 403 and the
# code denied, naming the scope, before anything is looked up (the
# households and applications asked for need not exist); nothing is written.
before=$(last_seq)
api GET /api/openapi.json
printf '%s' "$BODY" | jq -c '.paths | to_entries[] | .key as $p | .value | to_entries[] |
	select((.value["x-roles"] // []) | index("county_operator")) |
	{m: .key, p: $p,
	 ps: ((.value.parameters // []) + ((.value.requestBody.content // {} |
		(.["multipart/form-data"] // .["application/json"] // {}).schema // {}) as $s |
		($s.properties // {} | to_entries | map(. as $e | {name: $e.key, schema: $e.value,
			required: (($s.required // []) | index($e.key) != null)})))),
	 multipart: ((.value.requestBody.content // {}) | has("multipart/form-data"))} |
	select(.ps | map(.name) | (index("county") or index("application")))' >"$WORK/county-routes"
printf '县市,户编号\n阜康市,FK001\n' >"$WORK/fk.csv"
# value NAME TYPE: a value for a required parameter
value() {
	case "$1" in
	county | to) echo 阜康市 ;;
	household) echo FK001 ;;
	application) echo 复核-652302-2023-001 ;;
	hash) echo 0000000000000000000000000000000000000000000000000000000000000000 ;;
	year) echo 2023 ;;
	stage) echo 已完工 ;;
	as_of | date | today) echo 2023-08-01 ;;
	*) case "$2" in integer) echo 1 ;; boolean) echo true ;; *) echo x ;; esac ;;
	esac
}
nroutes=0
while read -r route; do
	m=$(printf '%s' "$route" | jq -r .m | tr a-z A-Z)
	p=$(printf '%s' "$route" | jq -r .p)
	mp=$(printf '%s' "$route" | jq -r .multipart)
	set --
	q=""
	json="{}"
	for pn in $(printf '%s' "$route" | jq -r '.ps[] | select(.required or .name == "county" or .name == "all_passed") | .name'); do
		ty=$(printf '%s' "$route" | jq -r --arg n "$pn" '.ps[] | select(.name == $n) | .schema.type')
		en=$(printf '%s' "$route" | jq -r --arg n "$pn" '.ps[] | select(.name == $n) | .schema.enum[0] // empty')
		med=$(printf '%s' "$route" | jq -r --arg n "$pn" '.ps[] | select(.name == $n) | .schema.contentMediaType // empty')
		v=${en:-$(value "$pn" "$ty")}
		if [ "$m" = GET ]; then
			q="$q&$pn=$(printf '%s' "$v" | jq -sRr @uri)"
		elif [ "$mp" = true ]; then
			if [ -n "$med" ]; then set -- "$@" -F "$pn=@$WORK/fk.csv"; else set -- "$@" -F "$pn=$v"; fi
		else
			if [ "$ty" = integer ]; then json=$(printf '%s' "$json" | jq -c --arg n "$pn" --argjson v "$v" '.[$n] = $v')
			elif [ "$ty" = boolean ]; then json=$(printf '%s' "$json" | jq -c --arg n "$pn" '.[$n] = true')
			else json=$(printf '%s' "$json" | jq -c --arg n "$pn" --arg v "$v" '.[$n] = $v'); fi
		fi
	done
	if [ "$m" = GET ]; then
		as cty GET "$p?${q#&}"
	elif [ "$mp" = true ]; then
		as cty "$m" "$p" "$@"
	else
		as cty "$m" "$p" -H 'Content-Type: application/json' -d "$json"
	fi
	nroutes=$((nroutes + 1))
	expect_status "$m $p for 阜康市 as 昌吉市's operator: 403" 403
	jq_is "$m $p for 阜康市 as 昌吉市's operator: denied" .error.code denied
	has "$m $p for 阜康市 as 昌吉市's operator: names the scope" "管辖范围（昌吉市）"
done <"$WORK/county-routes"
if [ "$nroutes" -ge 10 ]; then ok "$nroutes routes name a county"; else not_ok "only $nroutes routes name a county"; fi
expect_eq "nothing was changed by the out-of-scope requests" "$(last_seq)" "$before"
