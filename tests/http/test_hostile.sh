#!/bin/sh
# Hostile requests against `cleanheat serve` on a free loopback port:
# malformed and deeply nested JSON, a 2 GB Content-Length, a multipart body
# that never ends, SQL-injection and path-traversal strings in every
# parameter of the routes (query, JSON and form fields, the file names of
# uploads), header injection through a file name, a 1 MB query string,
# 10,000 query fields, unknown methods, paths outside /api/, and 200 slow
# clients that send a byte a second while a normal client is still served.
# Afterwards the database is intact (audit and ledger chains verify, no
# table changed), no file appeared outside the server's private temporary
# directory, the log holds no forged line and the server stops cleanly
# (under ASan: with nothing leaked). Everything is bounded in count and time;
# the server and the helpers are stopped at the end whatever happens.
. "$(dirname "$0")/lib.sh"

HELPER_PID=
cleanup() {
	if [ -n "$HELPER_PID" ]; then
		kill "$HELPER_PID" 2>/dev/null
		wait "$HELPER_PID" 2>/dev/null
	fi
	stop_server
	lib_cleanup
}
trap cleanup EXIT

ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
ch demo generate --households 200 --seed 7 -o demo.csv >/dev/null
ch household import demo.csv >/dev/null
user_with_password admin prefecture_admin
user_with_password cj county_operator 昌吉市
TOKEN=$(ch token create admin | head -1)
AUTH="Authorization: Bearer $TOKEN"
# the server's temporary files (uploads, downloads) go here and nowhere else
mkdir "$WORK/srvtmp"
TMPDIR=$WORK/srvtmp
export TMPDIR
MARK=pwned$$

# counts: the rows of every table but those sign-ins change, and the audit
# entries other than sign-ins, as one line
counts() {
	sql_tables | grep -v -x -e audit_log -e audit_head -e auth_session -e signin_failure \
		-e sqlite_sequence | while read -r t; do
		printf '%s=%s ' "$t" "$(sql "SELECT count(*) FROM \"$t\"")"
	done
	sql "SELECT 'audit=' || count(*) FROM audit_log WHERE action NOT LIKE 'auth.%'"
}
BEFORE=$(counts)
AUDIT_BEFORE=$(sql "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'auth.%'")

# strays: files named after MARK anywhere a traversal could have put them
strays() {
	{
		find / /tmp -maxdepth 1 -name "*$MARK*"
		find "$WORK" "$(dirname "$WORK")" -maxdepth 3 -name "*$MARK*"
		find "$ROOT" -maxdepth 2 -name "*$MARK*"
	} 2>/dev/null
}
# served NAME: the server still answers /api/health
served() {
	api GET /api/health
	expect_status "$1" 200
}
# secs: the time curl took for the last api call, in seconds
timed() {
	m=$1
	p=$2
	shift 2
	STATUS=$(curl -s -o "$WORK/.body" -D "$WORK/.headers" -w '%{http_code} %{time_total}' -X "$m" "$@" "$BASE$p")
	SECS=${STATUS#* }
	STATUS=${STATUS%% *}
	BODY=$(cat "$WORK/.body")
	HEADERS=$(cat "$WORK/.headers")
}
# within NAME LIMIT: the last timed call took less than LIMIT seconds
within() {
	if awk -v s="$SECS" -v l="$2" 'BEGIN { exit !(s < l) }'; then ok "$1"; else
		not_ok "$1" "took $SECS s"
	fi
}
# stop_checked NAME: stops the server with SIGTERM; it must exit 0 (under
# ASan: with nothing leaked) and its log must hold no sanitizer report
stop_checked() {
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID"
	rc=$?
	SERVER_PID=
	expect_eq "$1: the server stops cleanly" "$rc" 0
	if grep -q 'runtime error\|AddressSanitizer\|LeakSanitizer' "$WORK/server.log"; then
		not_ok "$1: no sanitizer report" "$(grep -m5 -A5 'runtime error\|Sanitizer' "$WORK/server.log")"
	else
		ok "$1: no sanitizer report"
	fi
}
# raw REQUEST_FILE [SECONDS]: sends the bytes of the file over a plain socket
# with bash and prints what the server answers within SECONDS (default 3)
raw() {
	bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		cat "$2" >&3
		timeout "$3" cat <&3' raw "$PORT" "$1" "${2:-3}" 2>/dev/null
}

start_server
PORT=${BASE##*:}

# ---- malformed and deeply nested JSON ----
n=0
for body in '{' '{"name":"x2","role":' '[1,2' '{"name":"x\u0000y","role":"auditor"}' \
	'{"name":"a","role":"auditor"}{"x":1}' '{"name":"a","name":"b","role":"auditor"}' \
	'"a string"' '{"name":"a","role":"auditor",}' "{'name':'a'}" '{"name":NaN}'; do
	n=$((n + 1))
	api POST /api/users/add -H "$AUTH" -H 'Content-Type: application/json' --data-binary "$body"
	expect_status "malformed JSON $n ($body): 400" 400
done
jq_is "malformed JSON: the JSON error code" .error.code bad_request
printf '{"name":"\377\376","role":"auditor"}' >"$WORK/bad-utf8.json"
api POST /api/users/add -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/bad-utf8.json"
expect_status "JSON with bytes that are not UTF-8: 400" 400
api POST /api/tokens/create -H "$AUTH" -H 'Content-Type: application/json' -d '{"name":"admin","expires":99999999999999999999999}'
expect_status "an integer past 64 bits: 400" 400
api POST /api/tokens/create -H "$AUTH" -H 'Content-Type: application/json' -d '{"name":"admin","expires":1e999}'
expect_status "a number past double: 400" 400

head -c 100000 /dev/zero | tr '\0' '[' >"$WORK/deep100k.json"
timed POST /api/users/add -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/deep100k.json"
expect_status "100,000 nested arrays (over the route's 64 KiB): 413" 413
within "100,000 nested arrays: answered at once" 2
head -c 30000 /dev/zero | tr '\0' '[' >"$WORK/deep30k.json"
timed POST /api/users/add -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/deep30k.json"
expect_status "30,000 nested arrays (within the limit): 400" 400
within "30,000 nested arrays: answered at once" 2
awk 'BEGIN { for (i = 0; i < 10000; i++) printf "{\"a\":"; printf "1"; for (i = 0; i < 10000; i++) printf "}" }' >"$WORK/deep-obj.json"
timed POST /api/users/add -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/deep-obj.json"
expect_status "10,000 nested objects: 400" 400
within "10,000 nested objects: answered at once" 2
{ printf '{"name":'; head -c 3000 /dev/zero | tr '\0' '['; } >"$WORK/deep-session.json"
api POST /api/session -H 'Content-Type: application/json' --data-binary @"$WORK/deep-session.json"
expect_status "nested arrays in a sign-in: 400" 400
served "after the JSON the server still answers"

# ---- bodies over the limit ----
printf 'POST /api/users/add HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n' >"$WORK/2g.req"
got=$(raw "$WORK/2g.req" | head -1 | tr -d '\r')
expect_eq "Content-Length 2 GB: 413 with not one byte of the body sent" "$got" "HTTP/1.1 413 Content Too Large"
printf 'POST /api/users/add HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n' >"$WORK/huge.req"
got=$(raw "$WORK/huge.req" | head -1 | tr -d '\r')
case "$got" in "HTTP/1.1 4"*) ok "Content-Length past 64 bits: a 4xx ($got)" ;;
*) not_ok "Content-Length past 64 bits: a 4xx" "got [$got]" ;; esac
head -c 3000000 /dev/zero | tr '\0' ' ' >"$WORK/3mb"
st=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$WORK/3mb" "$BASE/api/users/add")
case "$st" in 413 | 100 | 000) ok "3 MB chunked over the limit: 413 or cut off ($st)" ;;
*) not_ok "3 MB chunked over the limit: 413 or cut off" "got $st" ;; esac
api POST /api/regions/import -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/3mb"
expect_status "JSON to an upload route is held in memory: 413 past 64 KiB" 413
api POST /api/regions/import -H "$AUTH" -H 'Content-Type: application/json' -d '{"file":"/etc/passwd"}'
expect_status "JSON to an upload route: 415" 415
api POST /api/users/add -H "$AUTH" -d 'name=x3&role=auditor'
expect_status "a urlencoded form to a JSON route: 415" 415
api POST /api/users/add -H "$AUTH" -F 'name=x3' -F 'role=auditor'
expect_status "a multipart form to a JSON route: 415" 415
served "after the large bodies the server still answers"

# ---- multipart bodies that do not end ----
B=XhostileX
printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\nContent-Type: text/csv\r\n\r\n县市,乡镇,村\r\n昌吉市,大西渠镇,一村\r\n' "$B" >"$WORK/nofinal"
api POST /api/regions/import -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/nofinal"
expect_status "multipart without its final boundary: 400" 400
jq_is "multipart without its final boundary: says so" .error.message "the multipart body is incomplete"
printf -- '--%s\r\nContent-Disposition: form-data; name="county"\r\n\r\na\0b\r\n--%s--\r\n' "$B" "$B" >"$WORK/nul-field"
api POST /api/households/import -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/nul-field"
expect_status "a form field with a NUL byte: 400" 400
: >"$WORK/many"
i=0
while [ $i -lt 100 ]; do
	printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="%d.csv"\r\n\r\nx\r\n' "$B" $i >>"$WORK/many"
	i=$((i + 1))
done
printf -- '--%s--\r\n' "$B" >>"$WORK/many"
api POST /api/regions/import -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/many"
expect_status "100 files in one form: 400" 400
served "after the broken forms the server still answers"

# ---- SQL injection and path traversal in every parameter ----
# The strings as JSON; on the wire a few more that only a query can carry
# (%00, bytes that are not UTF-8, CR LF) are added to each query.
cat >"$WORK/hostile.json" <<EOF
["' OR 1=1 --", "\"; DROP TABLE household; --", "1 OR 1=1", "1; DROP TABLE household",
 "../../etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "/etc/passwd", "$WORK/$MARK-abs",
 "C:\\\\Windows\\\\win.ini", "\$(touch $MARK-cmd)", "\`touch $MARK-tick\`",
 "<script>alert(1)</script>", "a\r\nX-Injected: 1", "%s%s%s%n"]
EOF
api GET /api/openapi.json
printf '%s' "$BODY" >"$WORK/openapi.json"
# curl's config: every GET route, each of its parameters set to each string
jq -r --arg base "$BASE" --arg auth "$AUTH" --slurpfile h "$WORK/hostile.json" '
	def conf(u): "url = \(u | @json)\nheader = \($auth | @json)\noutput = \"/dev/null\"\nwrite-out = \"%{http_code} %{method} %{url_effective}\\\\n\"\nnext";
	.paths | to_entries[] | .key as $p | .value.get // empty | (.parameters // [])[] | .name as $n |
	(($h[0][] | @uri), "a%00b", "%ff%fe", "%0d%0aX-Injected:%201") as $v |
	conf("\($base)\($p)?\($n)=\($v)")' "$WORK/openapi.json" >"$WORK/get.conf"
# every JSON route, each of its fields set to each string
jq -r --arg base "$BASE" --arg auth "$AUTH" --slurpfile h "$WORK/hostile.json" '
	.paths | to_entries[] | .key as $p | select($p != "/api/session") | .value.post // empty |
	.requestBody.content["application/json"].schema.properties // empty | keys[] as $n |
	$h[0][] as $v |
	"url = \("\($base)\($p)" | @json)\nheader = \($auth | @json)\nheader = \"Content-Type: application/json\"\ndata-binary = \({($n): $v} | tojson | @json)\noutput = \"/dev/null\"\nwrite-out = \"%{http_code} %{method} %{url_effective}\\\\n\"\nnext"' \
	"$WORK/openapi.json" >"$WORK/post.conf"
# every upload route, each text field set to each string, with a small file
printf '县市,乡镇,村\r\n' >"$WORK/tiny.csv"
jq -r --arg base "$BASE" --arg auth "$AUTH" --arg file "$WORK/tiny.csv" --slurpfile h "$WORK/hostile.json" '
	.paths | to_entries[] | .key as $p | .value.post // empty |
	.requestBody.content["multipart/form-data"].schema.properties // empty |
	to_entries | map(.file = (.value.contentMediaType // .value.items.contentMediaType)) |
	(map(select(.file)) | .[0].key // "file") as $f |
	.[] | select(.file | not) | .key as $n | $h[0][] as $v |
	"url = \("\($base)\($p)" | @json)\nheader = \($auth | @json)\nform-string = \("\($n)=\($v)" | @json)\nform = \("\($f)=@\($file)" | @json)\noutput = \"/dev/null\"\nwrite-out = \"%{http_code} %{method} %{url_effective}\\\\n\"\nnext"' \
	"$WORK/openapi.json" >"$WORK/form.conf"
OUT=
for k in get post form; do
	sed -i '$d' "$WORK/$k.conf" # the last "next" starts nothing
	curl -s -K "$WORK/$k.conf" >"$WORK/$k.out" 2>&1
	total=$(grep -c . "$WORK/$k.out")
	case $k in
	get) bad=$(grep -Ev '^4[0-9][0-9] |^200 ' "$WORK/$k.out") ;;
	*) bad=$(grep -Ev '^4[0-9][0-9] ' "$WORK/$k.out") ;;
	esac
	want=$(grep -c '^url' "$WORK/$k.conf")
	if [ "$total" -eq "$want" ] && [ "$total" -gt 50 ] && [ -z "$bad" ]; then
		ok "hostile strings in every $k parameter: $total requests, each refused or read safely"
	else
		not_ok "hostile strings in every $k parameter" "$total of $want answered" \
			"unexpected: $(printf '%s' "$bad" | head -5)"
	fi
done
api GET "/api/households/search?text=%27%20OR%201%3D1%20--" -H "$AUTH"
expect_status "search for ' OR 1=1 --: 200" 200
jq_is "search for ' OR 1=1 --: no household" '[.tables[].rows[]] | length' 0
api GET "/api/audit/log?object=%27%20OR%20%271%27%3D%271" -H "$AUTH"
jq_is "the audit log of object ' OR '1'='1: empty" '[.tables[].rows[]] | length' 0
api GET "/api/households?county=%22%3B%20DROP%20TABLE%20household%3B%20--" -H "$AUTH"
case "$STATUS" in 4*) ok "a county named \"; DROP TABLE household; --: $STATUS" ;;
*) not_ok "a county named \"; DROP TABLE household; --: refused" "got $STATUS" ;; esac
api POST /api/session -H 'Content-Type: application/json' -d "{\"user\":\"' OR 1=1 --\",\"password\":\"' OR 1=1 --\"}"
expect_status "sign-in as ' OR 1=1 --: 401" 401
api GET /api/session -H "Authorization: Bearer ' OR 1=1 --"
expect_status "a bearer token ' OR 1=1 --: 401" 401
api GET /api/session -H "Cookie: cleanheat_session=' OR '1'='1"
expect_status "a session cookie ' OR '1'='1: 401" 401
api GET "/api/plans/show?year=%ff" -H "$AUTH"
expect_status "a value that is not UTF-8: 400" 400
jq_is "a value that is not UTF-8: names the field" .error.field year
api GET "/api/plans/show?year=2023%00" -H "$AUTH"
expect_status "a value cut by %00 is not taken for 2023: 400" 400
served "after the injection strings the server still answers"

# ---- uploads under hostile file names ----
# mp FILE FIELD FILENAME CONTENT: a form with one file under FILENAME
mp() {
	printf -- '--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: application/octet-stream\r\n\r\n%s\r\n--%s--\r\n' \
		"$B" "$2" "$3" "$4" "$B" >"$1"
}
n=0
for name in "../../../../../../../../tmp/$MARK-up" "/tmp/$MARK-abs" "$WORK/$MARK-work" \
	"..%2f..%2f..%2f$MARK-enc" '..\..\..\'"$MARK-win" "$MARK-cmd\$(touch $MARK-sub)"; do
	for route in /api/regions/import /api/households/import /api/plans/check; do
		n=$((n + 1))
		mp "$WORK/up" file "$name" '县市,乡镇,村'
		api POST "$route" -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/up"
		case "$STATUS" in 2* | 4*) ;; *) not_ok "upload as $name to $route" "got $STATUS" ;; esac
		case "$BODY" in *cleanheat-upload-* | *srvtmp*) not_ok "upload as $name to $route: the answer names a path of the server's" ;; esac
	done
done
mp "$WORK/up" file "计划表.csv" 'a,b'
api POST /api/plans/check -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/up"
jq_is "an answer names the file as the client called it" '.error.message | startswith("计划表.csv: ")' true
printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="a\0/../../%s-nul"\r\n\r\nx\r\n--%s--\r\n' "$B" "$MARK" "$B" >"$WORK/up"
api POST /api/regions/import -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/up"
case "$STATUS" in 2* | 4*) ok "a file name with a NUL byte: $STATUS" ;; *) not_ok "a file name with a NUL byte" "got $STATUS" ;; esac
stray=$(strays)
expect_eq "$n uploads under hostile names: no file appeared under any of them" "$stray" ""
left=$(find "$WORK/srvtmp" -path '*cleanheat-upload-*' 2>/dev/null)
expect_eq "every upload was removed after its request" "$left" ""

# ---- header injection through a file name ----
mp "$WORK/up" evidence "$(printf 'a.jpg\r\nX-Injected: 1\r\nSet-Cookie: pwned=1')" 'not an image'
api POST /api/events/record -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/up"
case "$STATUS" in 4*) ok "evidence under a name with CR LF: refused ($STATUS)" ;;
*) not_ok "evidence under a name with CR LF: refused" "got $STATUS" ;; esac
printf '%s\n' "$HEADERS" >"$WORK/h"
if grep -qi '^X-Injected\|pwned' "$WORK/h"; then not_ok "a file name cannot add headers" "$(cat "$WORK/h")"; else ok "a file name cannot add headers"; fi
mp "$WORK/up" evidence "$(printf 'b.jpg\rX-Injected: 1')" 'not an image'
api POST /api/events/record -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/up"
printf '%s\n' "$HEADERS" >"$WORK/h"
if grep -qi '^X-Injected' "$WORK/h"; then not_ok "a file name with a bare CR cannot add headers" "$(cat "$WORK/h")"; else ok "a file name with a bare CR cannot add headers"; fi
printf -- '--%s\r\nContent-Disposition: form-data; name="household"\r\n\r\n1\r\n--%s\r\nContent-Disposition: form-data; name="evidence"; filename="%s"\r\n\r\nnot an image\r\n--%s--\r\n' \
	"$B" "$B" "$(printf 'x.pdf\r\nX-Injected: 1')" "$B" >"$WORK/up"
api POST /api/events/record -H "$AUTH" -H "Content-Type: multipart/form-data; boundary=$B" --data-binary @"$WORK/up"
printf '%s\n' "$HEADERS" >"$WORK/h"
if grep -qi '^X-Injected' "$WORK/h"; then not_ok "a second file name cannot add headers" "$(cat "$WORK/h")"; else ok "a second file name cannot add headers"; fi
api GET "/api/plans/show?year=2023&format=csv%0d%0aX-Injected:%201" -H "$AUTH"
printf '%s\n' "$HEADERS" >"$WORK/h"
if grep -qi '^X-Injected' "$WORK/h"; then not_ok "a query value cannot add headers" "$(cat "$WORK/h")"; else ok "a query value cannot add headers"; fi
api GET "/api/no%0d%0a2026-01-01T00:00:00Z%20admin%20POST%20/api/users/add%20200%201%200.1ms" -H "$AUTH"
expect_status "a path with CR LF: 404" 404
if grep -q '^2026-01-01T00:00:00Z' "$WORK/server.log"; then not_ok "a path cannot forge a log line"; else ok "a path cannot forge a log line"; fi

# ---- methods ----
for m in FOO PROPFIND TRACE CONNECT OPTIONS PATCH get "$(head -c 3000 /dev/zero | tr '\0' 'X')"; do
	api "$m" /api/health -H "$AUTH" -H "Cookie: cleanheat_session=secret-cookie-value"
	short=$(printf '%.10s' "$m")
	case "$STATUS" in 400 | 404 | 405 | 501) ok "method $short: $STATUS" ;;
	*) not_ok "method $short: refused" "got $STATUS" ;; esac
	lacks "method $short: nothing echoed" "secret-cookie-value"
done
printf 'G\0T /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >"$WORK/nul-method.req"
raw "$WORK/nul-method.req" 1 >/dev/null
served "a method with a NUL byte: the server still answers"

# ---- paths outside /api/ ----
# / and /index.html are the dashboard's page; nothing else outside its files
for p in / /index.html; do
	api GET "$p" -H "$AUTH" --path-as-is
	expect_status "GET $p: the dashboard's page" 200
	header_has "GET $p: HTML" "Content-Type: text/html"
done
for p in /etc/passwd /../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /web/ \
	/api/../../../etc/passwd /api/files/..%2f..%2f..%2fetc%2fpasswd //etc/passwd \
	"/api/health%00.txt" /api/health/ /.git/config "/$WORK/cleanheat.db" /cleanheat.db; do
	api GET "$p" -H "$AUTH" --path-as-is
	expect_status "GET $p: 404" 404
	lacks "GET $p: no directory listing" "Index of"
	lacks "GET $p: no file" "root:"
	header_has "GET $p: JSON" "Content-Type: application/json"
done
printf 'GET /api/health\0/../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >"$WORK/nul-path.req"
got=$(raw "$WORK/nul-path.req" 1)
case "$got" in *"root:"*) not_ok "a path with a NUL byte: no file" ;; *) ok "a path with a NUL byte: no file" ;; esac

# ---- slow clients ----
# A second server whose connections time out after 3 s and that takes 300
# from one address: 200 connections send a byte a second, never finishing
# their header; the server drops them after its timeout while a normal
# client keeps getting answers within a second.
stop_checked "after the hostile requests"
start_server --timeout 3 --max-per-client 300
PORT=${BASE##*:}
bash "$ROOT/tests/http/slow_clients.bash" "$PORT" 200 12 >"$WORK/slow.log" 2>&1 &
HELPER_PID=$!
sleep 0.5
slowest=0
i=0
while [ $i -lt 6 ]; do
	timed GET /api/health
	[ "$STATUS" = 200 ] || slowest=failed
	[ "$slowest" = failed ] || slowest=$(awk -v a="$slowest" -v b="$SECS" 'BEGIN { print (b > a ? b : a) }')
	timed GET "/api/plans/show?year=2023" -H "$AUTH"
	[ "$STATUS" = 200 ] || slowest=failed
	[ "$slowest" = failed ] || slowest=$(awk -v a="$slowest" -v b="$SECS" 'BEGIN { print (b > a ? b : a) }')
	sleep 0.5
	i=$((i + 1))
done
SECS=$slowest
if [ "$slowest" = failed ]; then not_ok "a normal client is answered while 200 clients trickle"; else
	within "a normal client is answered within a second while 200 clients trickle (slowest ${slowest} s)" 1
fi
wait "$HELPER_PID"
HELPER_PID=
connected=$(sed -n 's/^connected //p' "$WORK/slow.log")
expect_eq "200 slow clients connected" "$connected" 200
early=$(awk '$1 == 1 { print $2 }' "$WORK/slow.log")
expect_eq "the slow clients are kept until the timeout" "$early" 200
gone=$(awk '$2 == 0 { print $1; exit }' "$WORK/slow.log")
if [ -n "$gone" ] && [ "$gone" -le 6 ]; then ok "the slow clients were dropped after the timeout (all gone at ${gone} s)"; else
	not_ok "the slow clients were dropped after the timeout" "$(tail -3 "$WORK/slow.log")"
fi
# ---- a huge query string, many query fields (on the server with a 3 s timeout) ----
head -c 1048576 /dev/zero | tr '\0' 'a' >"$WORK/1mb"
st=$(curl -s -o /dev/null -w '%{http_code}' -G --data-urlencode "x@$WORK/1mb" -H "$AUTH" \
	"$BASE/api/plans/show?year=2023")
case "$st" in 414 | 431 | 400 | 000) ok "a query string of 1 MB: refused ($st)" ;;
*) not_ok "a query string of 1 MB: refused" "got $st" ;; esac
awk -v base="$BASE" -v auth="$AUTH" 'BEGIN {
	printf "url = \"%s/api/plans/show?year=2023", base
	for (i = 0; i < 10000; i++) printf "&a%d=1", i
	printf "\"\nheader = \"%s\"\n", auth }' >"$WORK/10k.conf"
st=$(curl -s -o /dev/null -w '%{http_code}' -K "$WORK/10k.conf")
case "$st" in 414 | 431 | 400 | 000) ok "10,000 query fields: refused ($st)" ;;
*) not_ok "10,000 query fields: refused" "got $st" ;; esac
awk -v base="$BASE" -v auth="$AUTH" 'BEGIN {
	printf "url = \"%s/api/plans/show?year=2023", base
	for (i = 0; i < 10000; i++) printf "&a"
	printf "\"\nheader = \"%s\"\n", auth }' >"$WORK/10k-short.conf"
# these fit the request buffer, but their records do not: libmicrohttpd
# cannot answer, and the connection goes at the timeout
got=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 -K "$WORK/10k-short.conf")
STATUS=${got%% *}
SECS=${got#* }
case "$STATUS" in 414 | 431 | 400 | 000) ok "10,000 short query fields: refused or dropped ($STATUS)" ;;
*) not_ok "10,000 short query fields: refused or dropped" "got $STATUS" ;; esac
within "10,000 short query fields: over within the timeout" 6
awk -v base="$BASE" -v auth="$AUTH" 'BEGIN {
	printf "url = \"%s/api/plans/show?year=2023", base
	for (i = 0; i < 150; i++) printf "&year=2023"
	printf "\"\nheader = \"%s\"\n", auth }' >"$WORK/150.conf"
st=$(curl -s -o /dev/null -w '%{http_code}' -K "$WORK/150.conf")
expect_eq "150 values of one field: 400" "$st" 400
served "after the long queries the server still answers"

# a form whose body stops halfway, and a connection that never says anything
printf -- 'POST /api/regions/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: 100000\r\n\r\n--%s\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n\r\n县市,乡镇,村\r\n' \
	"$TOKEN" "$B" "$B" >"$WORK/half.req"
start=$(date +%s)
raw "$WORK/half.req" 10 >/dev/null
took=$(($(date +%s) - start))
if [ "$took" -le 6 ]; then ok "a body that stops halfway is dropped after the timeout (${took} s)"; else
	not_ok "a body that stops halfway is dropped after the timeout" "took $took s"
fi
: >"$WORK/empty.req"
start=$(date +%s)
raw "$WORK/empty.req" 10 >/dev/null
took=$(($(date +%s) - start))
if [ "$took" -le 6 ]; then ok "a connection that sends nothing is dropped after the timeout (${took} s)"; else
	not_ok "a connection that sends nothing is dropped after the timeout" "took $took s"
fi
left=$(find "$WORK/srvtmp" -path '*cleanheat-upload-*' 2>/dev/null)
expect_eq "the half upload was removed" "$left" ""
served "after the slow clients the server still answers"

# ---- afterwards ----
run ch audit verify
expect_rc "the audit chain verifies" 0
run ch ledger verify
expect_rc "the ledger verifies" 0
expect_eq "no table changed" "$(counts)" "$BEFORE"
AUDIT_AFTER=$(sql "SELECT count(*) FROM audit_log WHERE action NOT LIKE 'auth.%'")
expect_eq "no audit entry but sign-ins" "$AUDIT_AFTER" "$AUDIT_BEFORE"
stray=$(strays)
expect_eq "no file made by any string sent" "$stray" ""
stop_checked "after the slow clients"
left=$(ls "$WORK/srvtmp")
expect_eq "the server removed its temporary directories" "$left" ""
