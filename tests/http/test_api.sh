#!/bin/sh
# The HTTP API end to end: `cleanheat serve` on a free loopback port over a
# fresh database, driven with curl. Sign-in and out, the cookie's flags,
# CSRF, bearer tokens and their revocation, a disabled user, session
# expiry, the security headers, every error status with its JSON code,
# CSV and XLSX downloads, ETag and 304, the OpenAPI description, and last
# the lock-out after repeated failed sign-ins, and stopping with SIGTERM.
. "$(dirname "$0")/lib.sh"
# the one-time codes' clock (tests/http/lib.sh, totp_code): the admin signs
# in more often than the real one gives new codes, and would wait for it
CLEANHEAT_TOTP_CLOCK=$WORK/totp-clock
export CLEANHEAT_TOTP_CLOCK
date +%s >"$CLEANHEAT_TOTP_CLOCK"

ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
user_with_password admin prefecture_admin
user_with_password fk county_operator 阜康市
user_with_password aud auditor
start_server

api GET /api/health
expect_status "health: 200 without signing in" 200
jq_is "health: ok" .status ok
jq_is "health: db ok" .db ok

api GET "/api/plans/show?year=2023"
expect_status "a report without signing in: 401" 401
jq_is "401: JSON code" .error.code unauthorized
header_has "security header: Content-Security-Policy" "Content-Security-Policy: default-src 'self'"
header_has "security header: frame-ancestors" "frame-ancestors 'none'"
header_has "security header: nosniff" "X-Content-Type-Options: nosniff"
header_has "security header: no referrer" "Referrer-Policy: no-referrer"
header_has "API answers are not stored" "Cache-Control: no-store"

# sign-in
api POST /api/session -H 'Content-Type: application/json' -d '{"user":"admin","password":"wrong-password-1"}'
expect_status "wrong password: 401" 401
WRONG_PW=$(printf '%s' "$BODY" | jq -r .error.message)
api POST /api/session -H 'Content-Type: application/json' -d '{"user":"nobody","password":"wrong-password-1"}'
expect_status "unknown user: 401" 401
jq_is "unknown user: the same message as a wrong password" .error.message "$WRONG_PW"
if grep -q "wrong-password-1" "$WORK/server.log"; then not_ok "the log never holds a password"; else ok "the log never holds a password"; fi
run ch audit log --object user:nobody
has "a failed sign-in is audited" "auth.signin_failed"
lacks "the audit entry has no password" "wrong-password-1"
api POST /api/session -H 'Content-Type: application/json' -d '{"user":"admin"}'
expect_status "sign-in without a password: 400" 400
api POST /api/session -d 'user=admin'
expect_status "sign-in as a form: 415" 415

signin admin
expect_status "admin signs in: 200" 200
jq_is "sign-in answers the role" .role prefecture_admin
jq_is "sign-in says the role may see whole ID numbers" .may_reveal true
header_has "the cookie is HttpOnly" "HttpOnly"
header_has "the cookie is SameSite=Strict" "SameSite=Strict"
if printf '%s' "$CSRF" | grep -Eq '^[0-9a-f]{64}$'; then ok "a 256-bit CSRF token"; else not_ok "a 256-bit CSRF token" "got $CSRF"; fi
as admin GET /api/session
jq_is "GET /api/session names the user" .user admin

# CSRF
api POST /api/users/add -b "$WORK/admin.jar" -H 'Content-Type: application/json' -d '{"name":"x1","role":"auditor"}'
expect_status "a change without X-CSRF-Token: 403" 403
jq_is "csrf: JSON code" .error.code csrf
api POST /api/users/add -b "$WORK/admin.jar" -H "X-CSRF-Token: $(printf '%064d' 0)" -H 'Content-Type: application/json' -d '{"name":"x1","role":"auditor"}'
expect_status "a change with a wrong X-CSRF-Token: 403" 403
run ch user list
lacks "refused changes stored nothing" "x1"
as admin POST /api/users/add -H 'Content-Type: application/json' -d '{"name":"x1","role":"auditor"}'
expect_status "a change with the CSRF token: 200" 200
jq_is "the answer's message" '.message | rtrimstr("\n")' "已添加用户 x1（审计人员（只读））"

# errors
as admin POST /api/users/add -H 'Content-Type: application/json' -d '{"name":"x1","role":"auditor"}'
expect_status "the same user again: 409" 409
jq_is "409: exists" .error.code exists
as admin POST /api/users/add -H 'Content-Type: application/json' -d '{"name":"x2","role":'
expect_status "malformed JSON: 400" 400
as admin POST /api/users/add -H 'Content-Type: application/json' -d '{"name":"x2","role":"auditor","colour":"red"}'
expect_status "an unknown field: 400" 400
jq_is "unknown field: named" .error.field colour
as admin POST /api/users/add -H 'Content-Type: application/json' -d '{"name":"x2","role":["auditor"]}'
expect_status "a list for a single value: 400" 400
as admin POST /api/users/add -H 'Content-Type: application/json' -d '{"name":"x2","role":{"a":{"b":1}}}'
expect_status "a nested object: 400" 400
as admin GET "/api/plans/show?year=abc"
expect_status "a year that is not a number: 400" 400
jq_is "400: names the field" .error.field year
as admin GET "/api/plans/show"
expect_status "a required parameter missing: 400" 400
as admin GET "/api/plans/show?year=2031"
expect_status "a plan that does not exist: 404" 404
jq_is "404: not_found" .error.code not_found
as admin GET /api/no/such/route
expect_status "an unknown route: 404" 404
as admin GET /api/users/add
expect_status "a write route by GET: 405" 405
as admin POST /api/users/add -H 'Content-Type: text/plain' -d 'name=x3'
expect_status "parameters as text/plain: 415" 415
as admin POST /api/users/add -H 'Content-Type: application/json' -H 'Content-Length: 2147483648' -d '{}'
expect_status "a 2 GB Content-Length: 413" 413
big=$(head -c 70000 /dev/zero | tr '\0' 'a')
as admin POST /api/users/add -H 'Content-Type: application/json' -d "{\"name\":\"$big\",\"role\":\"auditor\"}"
expect_status "a body over the route's limit: 413" 413
as admin POST /api/plans/check -F "file=@$ROOT/data/plans/changji-2023.csv"
expect_status "a plan table that does not add up: 422" 422
jq_is "422: its findings" '.error.data.findings | length' 2
as admin POST /api/plans/check -F "file=@$ROOT/data/plans/changji-2023-corrected.csv"
expect_status "a consistent plan table: 200" 200
jq_is "plan check: the document" .data.ok true
as admin GET "/../../etc/passwd"
expect_status "a path outside the API: 404" 404

# permissions and scope
signin fk
as fk POST /api/users/add -H 'Content-Type: application/json' -d '{"name":"x4","role":"auditor"}'
expect_status "a county operator may not add users: 403" 403
jq_is "403: denied" .error.code denied
as fk GET "/api/plans/show?year=2023"
expect_status "a county operator reads the plan: 200" 200
signin aud
as aud POST /api/regions/import -F "file=@$ROOT/tests/fixtures/region/townships.csv"
expect_status "the auditor may not import regions: 403" 403
# every check of the database, and the chain's, for the auditor (POST: the
# published head may come as an upload)
as aud POST /api/verify -H 'Content-Type: application/json' -d '{}'
expect_status "verify as the auditor: 200" 200
jq_is "verify: everything passed" '.message | contains("全部校验通过")' true
as aud POST /api/audit/verify -H 'Content-Type: application/json' -d '{}'
expect_status "audit verify as the auditor: 200" 200
as fk POST /api/verify -H 'Content-Type: application/json' -d '{}'
expect_status "verify as a county operator: 403" 403

# formats, ETag
as admin GET "/api/reports/dispatch?year=2023&as_of=2023-07-16"
expect_status "the dispatch: 200" 200
jq_is "the dispatch answers with its table, and writes no file unasked" \
	'"\(.tables | length) \(.files | length)"' "1 0"
as admin GET "/api/plans/show?year=2023&format=csv"
expect_status "CSV: 200" 200
header_has "CSV: its type" "Content-Type: text/csv"
has "CSV: the rows" "昌吉市"
curl -s -b "$WORK/admin.jar" -o "$WORK/plan.xlsx" -D "$WORK/xh" "$BASE/api/plans/show?year=2023&format=xlsx"
if unzip -l "$WORK/plan.xlsx" 2>/dev/null | grep -q xl/worksheets/sheet1.xml; then ok "XLSX: a workbook that opens"; else not_ok "XLSX: a workbook that opens"; fi
if grep -qi "filename\*=UTF-8''2023%E5%B9%B4" "$WORK/xh"; then ok "XLSX: a Chinese file name"; else not_ok "XLSX: a Chinese file name" "$(cat "$WORK/xh")"; fi
D="/api/reports/dispatch?year=2023&as_of=2023-07-16"
as admin GET "$D"
expect_status "the dispatch as JSON: 200" 200
jq_is "the dispatch answers its table, one row per county and the total" '.tables[0].rows | length' 8
jq_is "the dispatch offers no file when none was asked for" '.files | length' 0
as admin GET "$D&format=csv"
header_has "the dispatch as CSV: a download" "Content-Disposition: attachment"
as admin GET "$D&output=dispatch.xlsx"
jq_is "the dispatch to a file asked for: offered for download" '.files[0].name' report.dispatch-output.xlsx
as admin GET "/api/plans/show?year=2023"
etag=$(printf '%s\n' "$HEADERS" | sed -n 's/^ETag: //Ip' | tr -d '\r')
expect_ne "a report has an ETag" "$etag" ""
as admin GET "/api/plans/show?year=2023" -H "If-None-Match: $etag"
expect_status "the same ETag: 304" 304
echo "x5-password-12" | ch user add x5 --role auditor >/dev/null
as admin GET "/api/plans/show?year=2023" -H "If-None-Match: $etag"
expect_status "after a write the answer is new: 200" 200

# a download larger than the server keeps in memory is sent from its file,
# whole: the register of 6,000 households as the CLI writes it
ch demo generate --households 6000 --seed 3 -o "$WORK/reg.csv" >/dev/null
ch household import "$WORK/reg.csv" >/dev/null
ch household list --limit 10000 --format csv -o "$WORK/cli.csv"
ch household list --limit 10000 --format xlsx -o "$WORK/cli.xlsx"
curl -s -b "$WORK/admin.jar" -o "$WORK/http.csv" -D "$WORK/xh" \
	"$BASE/api/households?limit=10000&format=csv"
n=$(wc -c <"$WORK/http.csv")
if [ "$n" -gt 1048576 ]; then ok "a register as CSV: past 1 MiB ($n bytes)"; else not_ok "a register as CSV: past 1 MiB" "got $n bytes"; fi
if cmp -s "$WORK/cli.csv" "$WORK/http.csv"; then ok "a register as CSV: the bytes the CLI writes"; else not_ok "a register as CSV: the bytes the CLI writes" "$(cmp "$WORK/cli.csv" "$WORK/http.csv" 2>&1)"; fi
if grep -qi "^Content-Length: $n" "$WORK/xh"; then ok "a register as CSV: its length said"; else not_ok "a register as CSV: its length said" "$(cat "$WORK/xh")"; fi
curl -s -b "$WORK/admin.jar" -o "$WORK/http.xlsx" "$BASE/api/households?limit=10000&format=xlsx"
# (a workbook under 1 MiB, so from memory)
if [ "$(unzip -p "$WORK/http.xlsx" xl/worksheets/sheet1.xml | md5sum)" = "$(unzip -p "$WORK/cli.xlsx" xl/worksheets/sheet1.xml | md5sum)" ]; then
	ok "a register as XLSX: the sheet the CLI writes"
else
	not_ok "a register as XLSX: the sheet the CLI writes" "$(wc -c <"$WORK/http.xlsx") bytes"
fi

# an optional output file only when asked for: else the answer itself
as admin GET "/api/reports/dispatch?year=2023&as_of=2023-07-16"
jq_is "the dispatch answers its table when no file is asked for" '.tables[0].rows | length' 8
jq_is "and writes no file" '.files | length' 0
as admin GET "/api/reports/dispatch?year=2023&as_of=2023-07-16&output=d.xlsx"
jq_is "the office's sheet when a .xlsx file is asked for" '.files[0].name' report.dispatch-output.xlsx
as admin GET "/api/reports/remind?year=2023&as_of=2023-07-16&output=n.txt"
lacks "a message names no private path of the server" "/tmp"
has "a message names the file as the client gets it" "report.remind-output.csv"

# bearer tokens
token=$(ch token create aud --expires 1 | head -1)
api GET "/api/plans/show?year=2023" -H "Authorization: Bearer $token"
expect_status "a bearer token reads: 200" 200
api POST /api/users/add -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"name":"x6","role":"auditor"}'
expect_status "a token of the auditor may not add users (no CSRF needed, still 403)" 403
admintoken=$(ch token create admin | head -1)
api POST /api/users/add -H "Authorization: Bearer $admintoken" -H 'Content-Type: application/json' -d '{"name":"x6","role":"auditor"}'
expect_status "a script with a token needs no CSRF token: 200" 200
# each worker remembers the token it checked last (while nothing is
# written): a revocation must end that at once, on every worker
four_reads() { # the statuses of four reads with token $1
	seq=""
	for i in 1 2 3 4; do
		api GET "/api/plans/show?year=2023" -H "Authorization: Bearer $1"
		seq="$seq $STATUS"
	done
	printf '%s' "$seq"
}
expect_eq "a token used again and again" "$(four_reads "$token")" " 200 200 200 200"
id=$(ch token list aud --format csv | sed -n '2p' | cut -d, -f1 | tr -d '\357\273\277')
ch token revoke "$id" >/dev/null
expect_eq "a revoked token: 401 at once, whichever worker answers" "$(four_reads "$token")" \
	" 401 401 401 401"
api GET "/api/plans/show?year=2023" -H "Authorization: Bearer ch_$(printf '%064d' 1)"
expect_status "a made-up token: 401" 401

# a disabled user
ch user disable fk >/dev/null
as fk GET "/api/plans/show?year=2023"
expect_status "a disabled user's session ends: 401" 401
ch user enable fk >/dev/null

# sign-out
as admin DELETE /api/session
expect_status "sign-out: 200" 200
api GET "/api/plans/show?year=2023" -b "$WORK/admin.jar"
expect_status "after sign-out the old cookie is refused" 401

# OpenAPI
api GET /api/openapi.json
expect_status "openapi.json: 200 without signing in" 200
jq_is "OpenAPI 3.1" .openapi 3.1.0
jq_is "OpenAPI: the household import route" '.paths["/api/plans/import"].post.operationId' plan.import
jq_is "OpenAPI: a step takes JSON, or a form with its evidence" \
	'.paths["/api/events/record"].post.requestBody.content | keys | join(",")' "application/json,multipart/form-data"
jq_is "OpenAPI: no evidence in the JSON form" \
	'.paths["/api/events/record"].post.requestBody.content["application/json"].schema.properties.evidence' null
jq_is "OpenAPI: an import takes only a form" \
	'.paths["/api/events/import"].post.requestBody.content | keys | join(",")' "multipart/form-data"
api GET /api/docs
expect_status "the docs page: 200" 200
has "the docs page lists routes" "/api/plans/show"

# session expiry, on a second server whose sessions live one second
stop_server
start_server --session-idle 1
signin admin
sleep 2.2
as admin GET "/api/plans/show?year=2023"
expect_status "a session unused past its idle time: 401" 401

# plain HTTP only on loopback
run "$CLEANHEAT" serve --listen 0.0.0.0:0
expect_rc "plain HTTP on a public address is refused: exit 2" 2
has_err "the refusal says what to do" "TLS"

# HTTPS with a certificate of the test's own
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
		-days 1 -subj "/CN=127.0.0.1" >/dev/null 2>&1
	stop_server
	: >"$WORK/server.log"
	"$CLEANHEAT" serve --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" \
		2>"$WORK/server.log" &
	SERVER_PID=$!
	port=
	for i in $(seq 50); do
		port=$(sed -n 's|.*serving .* on https://127.0.0.1:\([0-9]*\) .*|\1|p' "$WORK/server.log")
		[ -n "$port" ] && break
		sleep 0.1
	done
	st=$(curl -sk -o "$WORK/tls.json" -D "$WORK/tls.h" -w '%{http_code}' \
		-H 'Content-Type: application/json' \
		-d "{\"user\":\"admin\",\"password\":\"admin-password-1\",\"totp\":\"$(totp_code admin)\"}" \
		"https://127.0.0.1:$port/api/session")
	expect_eq "HTTPS: sign-in answers 200" "$st" 200
	if grep -qi "Set-Cookie:.*; Secure" "$WORK/tls.h"; then ok "HTTPS: the cookie is Secure"; else not_ok "HTTPS: the cookie is Secure" "$(cat "$WORK/tls.h")"; fi
fi
stop_server
start_server

# lock-out after repeated failures (last: it locks this client address).
# Two failures from this address came above; the third to fifth here make
# five within the window, and from then on even the right password waits.
seq=""
for i in 1 2 3 4 5; do
	api POST /api/session -H 'Content-Type: application/json' -d '{"user":"aud","password":"not-the-password"}'
	seq="$seq $STATUS"
done
expect_eq "failures are refused, then locked after five" "$seq" " 401 401 401 429 429"
signin aud
expect_status "the right password while locked: 429" 429
jq_is "429: throttled" .error.code throttled
header_has "429 says when to retry" "Retry-After"

# SIGTERM: the server says so and exits 0
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
expect_eq "SIGTERM: exit 0" "$?" 0
SERVER_PID=
if grep -q "SIGTERM received" "$WORK/server.log"; then ok "SIGTERM: logged"; else not_ok "SIGTERM: logged"; fi
