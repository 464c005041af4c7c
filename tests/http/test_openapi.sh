#!/bin/sh
# The OpenAPI description the server generates from the operation table
# passes the official schema of OpenAPI 3.1 (validated by an npm package
# installed from tests/http/openapi's lock file), and lists every route.
. "$(dirname "$0")/lib.sh"

DIR=$ROOT/tests/http/openapi
if [ ! -d "$DIR/node_modules" ]; then
	(cd "$DIR" && npm ci --no-audit --no-fund --silent) >/dev/null 2>&1 ||
		{ echo "not ok - npm ci in tests/http/openapi failed"; exit 1; }
fi
start_server
api GET /api/openapi.json
expect_status "openapi.json: 200" 200
printf '%s' "$BODY" >"$WORK/openapi.json"
run node "$DIR/validate.mjs" "$WORK/openapi.json"
expect_rc "the description passes the OpenAPI 3.1 schema" 0
has "validated as 3.1" "valid 3.1"
n=$(jq '[.paths[][] | select(has("x-roles"))] | length' "$WORK/openapi.json")
ops=$("$CLEANHEAT" help | grep '^  cleanheat ' | grep -v '^  cleanheat audit key\b' |
	grep -vc '^  cleanheat \(serve\|help\|version\|demo\|db\)\b')
expect_eq "every operation of the table but the local ones (demo, db init, audit key) has exactly one route" "$n" "$ops"
jq_is "the demo generator is not served" '.paths["/api/demo/generate"]' null
