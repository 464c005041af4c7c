#!/bin/sh
# The web pages as the server serves them: `/` is the page, whose assets
# are named under /v/VERSION/ and kept a year; the page and unversioned
# names are revalidated with an ETag (304); gzip for clients that accept
# it, the same bytes inflated for those that do not; nothing outside the
# compiled-in set (404), no directory listing, no method but GET and HEAD;
# the security headers on every page; `--web-root DIR`, which serves
# the files of DIR afresh on each request and nothing outside DIR; and,
# when zlib cannot be loaded, a 500 saying so to a client that refuses
# gzip, and why once in the log.
. "$(dirname "$0")/lib.sh"

start_server

api GET /
expect_status "the page at /: 200" 200
header_has "the page is HTML" "Content-Type: text/html"
header_has "the page is revalidated" "Cache-Control: no-cache"
header_has "the page has the CSP" "Content-Security-Policy: default-src 'self'"
has "the page is in Chinese" 'lang="zh-CN"'
lacks "no inline script" "<script>"
lacks "no inline style" "style="
version=$(printf '%s' "$BODY" | sed -n 's|.*src="/v/\([0-9a-f]*\)/js/app.js".*|\1|p')
expect_ne "the page names its assets by version" "$version" ""

api GET "/v/$version/js/app.js" -H 'Accept-Encoding: gzip'
expect_status "a versioned module: 200" 200
header_has "a module is JavaScript" "Content-Type: text/javascript"
header_has "a versioned asset is kept a year" "Cache-Control: public, max-age=31536000, immutable"
header_has "gzip to a client that accepts it" "Content-Encoding: gzip"
curl -s -H 'Accept-Encoding: gzip' "$BASE/v/$version/js/app.js" | gzip -dc >"$WORK/app.gz.js"
curl -s "$BASE/v/$version/js/app.js" >"$WORK/app.js"
if cmp -s "$WORK/app.js" "$ROOT/web/js/app.js" && cmp -s "$WORK/app.gz.js" "$ROOT/web/js/app.js"; then
	ok "the module, compressed or not, is web/js/app.js"
else
	not_ok "the module, compressed or not, is web/js/app.js"
fi
api GET "/v/$version/js/app.js"
lacks "no gzip to a client that does not accept it" "Content-Encoding"
header_has "Vary: Accept-Encoding" "Vary: Accept-Encoding"

api GET "/v/$version/lib/echarts.js" -H 'Accept-Encoding: gzip'
expect_status "ECharts from npm is compiled in: 200" 200
api GET /v/0000/app.css
header_has "another build's version is answered but revalidated" "Cache-Control: no-cache"

api GET /app.css
etag=$(printf '%s\n' "$HEADERS" | sed -n 's/^ETag: //Ip' | tr -d '\r')
expect_ne "an asset has an ETag" "$etag" ""
api GET /app.css -H "If-None-Match: $etag"
expect_status "the same ETag: 304" 304

for p in /js/ /js /v/ /web/index.html /node_modules/echarts/package.json /app.css.gz /VERSION \
	/.git/config "/%2e%2e/Makefile" /index.html/ ; do
	api GET "$p"
	expect_status "$p: 404" 404
done
api POST /index.html
expect_status "POST to a page: 405" 405
api HEAD /
expect_status "HEAD /: 200" 200

# --web-root: the files of the directory, read on each request
stop_server
mkdir -p "$WORK/site/js" "$WORK/outside"
printf '<!DOCTYPE html><p>@VERSION@ first</p>\n' >"$WORK/site/index.html"
printf 'secret\n' >"$WORK/outside/secret.js"
ln -s "$WORK/outside/secret.js" "$WORK/site/js/link.js"
printf 'x\n' >"$WORK/site/.hidden.js"
start_server --web-root "$WORK/site"
api GET /
has "--web-root: the directory's page" "dev first"
printf '<!DOCTYPE html><p>second</p>\n' >"$WORK/site/index.html"
api GET /
has "--web-root: an edited file shows at once" "second"
header_has "--web-root: never kept" "Cache-Control: no-cache"
api GET /js/link.js
expect_status "--web-root: a link out of the directory: 404" 404
api GET /.hidden.js
expect_status "--web-root: a hidden file: 404" 404
api GET /js/
expect_status "--web-root: a directory: 404" 404
stop_server
run ch serve --listen 127.0.0.1:0 --web-root "$WORK/none"
expect_rc "--web-root that does not exist: usage error" 2

# zlib that cannot be loaded: an empty file of its name, found first
mkdir "$WORK/nolib"
: >"$WORK/nolib/libz.so.1"
LD_LIBRARY_PATH=$WORK/nolib
export LD_LIBRARY_PATH
start_server
unset LD_LIBRARY_PATH
api GET /
expect_status "without zlib, refusing gzip: 500" 500
jq_is "without zlib: the answer says zlib is missing, and to accept gzip" \
	'.error.message | test("zlib could not be loaded.*accepting gzip")' true
jq_is "without zlib: the answer keeps the loader's reason for the log" \
	'.error.message | test("libz[.]so")' false
api GET "/v/$version/app.css"
expect_status "without zlib, refusing gzip, a versioned asset: 500" 500
case $HEADERS in
*immutable* | *ETag*) not_ok "without zlib: the 500 is not kept as the asset" "$HEADERS" ;;
*) ok "without zlib: the 500 is not kept as the asset" ;;
esac
api GET / -H 'Accept-Encoding: gzip'
expect_status "without zlib, accepting gzip: 200" 200
n=$(grep -c ' - error cannot inflate pages for clients that refuse gzip: .*libz[.]so[.]1' "$WORK/server.log")
expect_eq "without zlib: the log says why, once" "$n" 1
