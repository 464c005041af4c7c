#!/bin/sh
# Imports over HTTP: a household ledger with a bad row is refused whole with
# 422 naming row, column, value and reason, and nothing is stored; with
# skip_invalid the good rows are stored and the rejects file is offered at a
# URL to the same user only; a weekly batch the same way; ID numbers come
# back masked unless a role that may asks to reveal them (audited).
. "$(dirname "$0")/lib.sh"

ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
user_with_password cj county_operator 昌吉市
user_with_password aud auditor
start_server
signin cj
signin aud

FH=$ROOT/tests/fixtures/household
as cj POST /api/households/import -F "file=@$FH/bad-batch.csv"
expect_status "a ledger with a bad row: 422" 422
jq_is "422: invalid_rows" .error.code invalid_rows
jq_is "the row is named" '.error.rows[0].row' 3
jq_is "the column is named" '.error.rows[0].column' 批次
jq_is "the value is named" '.error.rows[0].value' 其他
run ch household list --county 昌吉市
has "nothing was stored" "共 0 户"

as cj POST /api/households/import -F "file=@$FH/bad-batch.csv" -F skip_invalid=1 -F rejects=rejects.csv
expect_status "skip_invalid: 200" 200
jq_is "skip_invalid: the bad row is still named" '.problems[0].row' 3
url=$(printf '%s' "$BODY" | jq -r '.files[0].url')
case "$url" in /api/files/*) ok "the rejects file is offered at a URL" ;; *) not_ok "the rejects file is offered at a URL" "$BODY" ;; esac
as cj GET "$url"
expect_status "the rejects file downloads: 200" 200
has "the rejects file has the 错误原因 column" "错误原因"
has "the rejects file holds the rejected row" "CJ002"
as aud GET "$url"
expect_status "another user cannot download it: 404" 404
run ch household list --county 昌吉市
has "the good row was stored" "CJ001"

as cj GET "/api/households?county=昌吉市"
expect_status "the register: 200" 200
jq_is "ID numbers are masked" '.tables[0].rows[0].id_number' "652301********1234"
header_has "personal data is not stored by caches" "Cache-Control: no-store"
as aud GET "/api/households?county=昌吉市&reveal=1"
expect_status "the auditor may not reveal: 403" 403
as cj GET "/api/households?county=昌吉市&reveal=1"
expect_status "a county operator may reveal: 200" 200
jq_is "revealed in full" '.tables[0].rows[0].id_number' "652301197801011234"
run ch audit log --limit 3
has "the reveal is audited" "household.reveal"

# a weekly batch with a bad stage
printf '县市,户编号,环节,日期,备注\n昌吉市,CJ001,已开工,2023-05-10,\n昌吉市,CJ001,已竣工,2023-05-11,\n' >"$WORK/week.csv"
as cj POST /api/events/import -F "file=@$WORK/week.csv" -F today=2023-06-01
expect_status "a batch with an unknown stage: 422" 422
jq_is "the stage is named" '.error.rows[0].value' 已竣工
as cj POST /api/events/import -F "file=@$WORK/week.csv" -F today=2023-06-01 -F skip_invalid=1
expect_status "the batch's good row with skip_invalid: 200" 200
run ch household show CJ001 --county 昌吉市
has "the step was stored" "已开工"
as cj POST /api/events/import -F "file=@$WORK/week.csv;filename=../../evil\"name.csv" -F today=2023-06-01
expect_status "a client's file name is never a path: still 422 (the step exists now, and 已竣工)" 422
lacks "the answer shows no server folder" "cleanheat-upload"
