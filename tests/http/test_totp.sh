#!/bin/sh
# The second factor over HTTP: a prefecture admin signs in only with a
# one-time code (totp_required without or with a wrong one), a code works
# once, a recovery code works once, a finance user not yet enrolled gets a
# session that may only enrol (and enrols through the API: QR code as SVG,
# then a code), the sensitive operations ask for a fresh code once the
# session's last one is older than ten minutes (a clock the test moves:
# CLEANHEAT_TOTP_CLOCK), tokens for such roles need a fresh code, `token
# list` names their roles, a reset is audited, without libqrencode the
# enrolment says why there is no QR code and goes on with the secret, and
# last wrong codes count toward the lock-out.
. "$(dirname "$0")/lib.sh"

CLEANHEAT_TOTP_CLOCK=$WORK/clock
export CLEANHEAT_TOTP_CLOCK
date +%s >"$CLEANHEAT_TOTP_CLOCK"
advance() { echo $(($(cat "$CLEANHEAT_TOTP_CLOCK") + $1)) >"$CLEANHEAT_TOTP_CLOCK"; }

ch plan import "$ROOT/data/plans/changji-2023-corrected.csv" --year 2023 >/dev/null
user_with_password admin prefecture_admin
user_with_password aud auditor
ch user add fin --role finance >/dev/null
echo "fin-password-1" | ch user passwd fin >/dev/null
start_server

login() { # NAME [CODE]
	if [ -n "${2:-}" ]; then
		api POST /api/session -c "$WORK/$1.jar" -H 'Content-Type: application/json' \
			-d "{\"user\":\"$1\",\"password\":\"$1-password-1\",\"totp\":\"$2\"}"
	else
		api POST /api/session -c "$WORK/$1.jar" -H 'Content-Type: application/json' \
			-d "{\"user\":\"$1\",\"password\":\"$1-password-1\"}"
	fi
}
# the failed sign-ins age out of the lock-out's window (15 minutes of the
# real clock): a section starts with none
forget_failures() { sql "$WORK/cleanheat.db" "DELETE FROM signin_failure"; }
failures() { sql "$WORK/cleanheat.db" "SELECT count(*) FROM signin_failure WHERE user_name = '$1'"; }

# ---- enrolment through the command line ----
has_enrol() { grep -q "$2" "$WORK/admin.enrol" && ok "$1" || not_ok "$1" "$(cat "$WORK/admin.enrol")"; }
has_enrol "enrol: the otpauth URI is shown" 'otpauth://totp/cleanheat:admin?secret='
has_enrol "enrol: a QR code is drawn in the terminal" '█▀▀▀▀▀█\|▄▄▄▄▄'
expect_eq "enrol: ten recovery codes" "$(wc -l <"$WORK/admin.recovery" | tr -d ' ')" 10
n=$(sql "$WORK/cleanheat.db" "SELECT count(*) FROM totp_recovery WHERE code_hash = '$(head -1 "$WORK/admin.recovery")'")
expect_eq "enrol: recovery codes are stored only as hashes" "$n" 0
run ch user totp enroll admin
expect_rc "enrol again while enrolled: conflict" 5
run ch user totp-reset nobody
expect_rc "reset of an unknown user: not found" 4
run ch user totp reset aud
expect_rc "reset of a user without one: nothing to do" 0
has "reset of a user without one says so" "没有绑定动态验证码"

# ---- sign-in with the second factor ----
login admin
expect_status "admin without a code: 401" 401
jq_is "without a code: totp_required" .error.code totp_required
expect_eq "a missing code is no failure" "$(failures admin)" 0
code=$(totp_code admin)
login admin "$code"
expect_status "admin with a code: 200" 200
jq_is "the session says it is enrolled" .totp_enrolled true
login admin "$code"
expect_status "the same code again: 401" 401
jq_is "a reused code: totp_required" .error.code totp_required
expect_eq "a reused code counts as a failure" "$(failures admin)" 1
login admin 000000
expect_status "a wrong code: 401" 401
expect_eq "a wrong code counts as a failure" "$(failures admin)" 2
api POST /api/session -H 'Content-Type: application/json' -d '{"user":"admin","password":"wrong-password-1","totp":"123456"}'
jq_is "a wrong password with a code: plain unauthorized" .error.code unauthorized

rec=$(sed -n 2p "$WORK/admin.recovery")
login admin "$rec"
expect_status "a recovery code signs in" 200
login admin "$rec"
expect_status "the same recovery code again: 401" 401
jq_is "a used recovery code: totp_required" .error.code totp_required
ch audit log >"$WORK/audit.txt"
grep -q "用户 admin 绑定动态验证码" "$WORK/audit.txt" && ok "the enrolment is in the audit log" ||
	not_ok "the enrolment is in the audit log" "$(tail -5 "$WORK/audit.txt")"

forget_failures

# ---- a required role not yet enrolled: the session may only enrol ----
login fin
expect_status "finance not enrolled: signed in" 200
jq_is "the session may only enrol" .enrol_only true
as fin GET "/api/plans/show?year=2023"
expect_status "enrol-only: other operations 403" 403
jq_is "enrol-only: totp_enrolment_required" .error.code totp_enrolment_required
as fin POST /api/users/totp-enroll -H 'Content-Type: application/json' -d '{"name":"admin"}'
expect_status "enrol-only: not someone else's enrolment" 403
as fin POST /api/users/totp-enroll -H 'Content-Type: application/json' -d '{"name":"fin"}'
expect_status "enrolment over HTTP: 200" 200
expect_eq "beginning an enrolment stores nothing" "$(sql "$WORK/cleanheat.db" 'SELECT count(*) FROM user_totp u JOIN app_user a ON a.id = u.user_id WHERE a.name = '"'fin'")" 0
printf '%s' "$BODY" | jq -r .data.secret >"$WORK/fin.totp"
jq_is "enrolment: pending" .data.pending true
case $(printf '%s' "$BODY" | jq -r .data.qr_svg) in
'<svg xmlns="http://www.w3.org/2000/svg"'*'<path fill="#000" d="M'*) ok "enrolment: the QR code as SVG" ;;
*) not_ok "enrolment: the QR code as SVG" "$BODY" ;;
esac
as fin POST /api/users/totp-enroll -H 'Content-Type: application/json' -d "{\"name\":\"fin\",\"code\":\"000000\",\"secret\":\"$(cat "$WORK/fin.totp")\"}"
expect_status "confirming with a wrong code: 422" 422
jq_is "a wrong confirmation names the field" .error.field code
as fin POST /api/users/totp-enroll -H 'Content-Type: application/json' -d "{\"name\":\"fin\",\"code\":\"$(totp_code fin)\",\"secret\":\"$(cat "$WORK/fin.totp")\"}"
expect_status "confirming with a code: 200" 200
jq_is "confirmed: ten recovery codes" '.data.recovery_codes | length' 10
as fin GET "/api/plans/show?year=2023"
expect_status "after enrolling, the session works" 200
signin fin
expect_status "finance signs in with a code" 200

# ---- re-authentication after ten minutes (the test's clock) ----
signin admin
as admin POST /api/users/role -H 'Content-Type: application/json' -d '{"name":"aud","role":"auditor"}'
expect_status "a role change with a fresh code: 200" 200
advance 601
as admin POST /api/users/role -H 'Content-Type: application/json' -d '{"name":"aud","role":"auditor"}'
expect_status "a role change 10 minutes later: 401" 401
jq_is "10 minutes later: reauth_required" .error.code reauth_required
as fin POST /api/subsidies/pay -H 'Content-Type: application/json' -d '{"county":"昌吉市","date":"2023-12-01","output":"pay.csv"}'
jq_is "a payment batch 10 minutes later: reauth_required" .error.code reauth_required
as fin POST /api/subsidies/pay -H 'Content-Type: application/json' -H "X-TOTP-Code: $(totp_code fin)" \
	-d '{"county":"昌吉市","date":"2023-12-01","output":"pay.csv"}'
if [ "$STATUS" != 401 ]; then ok "a payment batch with a fresh code passes the factor ($STATUS)"; else
	not_ok "a payment batch with a fresh code passes the factor" "$BODY"; fi
as fin GET "/api/households?county=昌吉市&limit=1"
expect_status "a masked list needs no fresh code" 200
as admin GET "/api/households?county=昌吉市&limit=1&reveal=1"
jq_is "revealing in bulk 10 minutes later: reauth_required" .error.code reauth_required
as admin POST /api/users/role -H 'Content-Type: application/json' -H 'X-TOTP-Code: 000000' \
	-d '{"name":"aud","role":"auditor"}'
jq_is "a wrong re-authentication code is refused" .error.code reauth_required
expect_eq "a wrong re-authentication code counts as a failure" "$(failures admin)" 1
as admin POST /api/users/role -H 'Content-Type: application/json' -H "X-TOTP-Code: $(totp_code admin)" \
	-d '{"name":"aud","role":"auditor"}'
expect_status "with a fresh code in X-TOTP-Code: 200" 200
as admin GET "/api/households?county=昌吉市&limit=1&reveal=1"
expect_status "the fresh code holds for the session" 200

# ---- tokens ----
advance 601
as admin POST /api/tokens/create -H 'Content-Type: application/json' -d '{"name":"fin"}'
jq_is "a token for finance without a fresh code: reauth_required" .error.code reauth_required
as admin POST /api/tokens/create -H 'Content-Type: application/json' -H "X-TOTP-Code: $(totp_code admin)" -d '{"name":"admin"}'
expect_status "a token for the admin with a fresh code" 200
tok=$(printf '%s' "$BODY" | jq -r .message | grep -o 'ch_[0-9a-f]*' | head -1)
api POST /api/tokens/create -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d '{"name":"fin"}'
expect_status "a token cannot make a token for finance: 403" 403
api POST /api/tokens/create -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d '{"name":"aud"}'
expect_status "a token may make one for an auditor" 200
api GET /api/tokens -H "Authorization: Bearer $tok"
jq_is "token list: the role of each token's user" '[.tables[0].rows[] | .role_requires_totp] | sort | join(",")' "否,是"

# ---- reset ----
run ch user totp reset fin
expect_rc "reset by the prefecture admin" 0
ch audit log >"$WORK/audit.txt"
grep -q "清除用户 fin 的动态验证码" "$WORK/audit.txt" && ok "the reset is audited" || not_ok "the reset is audited" "$(tail -3 "$WORK/audit.txt")"
login fin
jq_is "after a reset, finance must enrol again" .enrol_only true
advance 601
as admin POST /api/users/totp-enroll -H 'Content-Type: application/json' -d '{"name":"fin"}'
expect_status "enrolling someone else without a fresh code of one's own: 403" 403
as admin POST /api/users/totp-enroll -H 'Content-Type: application/json' -H "X-TOTP-Code: $(totp_code admin)" -d '{"name":"fin"}'
expect_status "with a fresh code the admin may begin it" 200

# ---- libqrencode that cannot be loaded (an empty file of its name, found
# first): the secret without a QR code, and why ----
mkdir "$WORK/nolib"
: >"$WORK/nolib/libqrencode.so.4"
ch user add noqr --role finance >/dev/null
echo "noqr-password-1" | ch user passwd noqr >/dev/null
LD_LIBRARY_PATH=$WORK/nolib
export LD_LIBRARY_PATH
totp_enroll noqr
OUT=$(cat "$WORK/noqr.enrol") ERR=$(cat "$WORK/noqr.enrol.err")
has "no libqrencode, CLI: says why there is no QR code" "无法显示二维码（无法加载绘制二维码的库 libqrencode："
has "no libqrencode, CLI: the reason names the library" "libqrencode.so.4"
has "no libqrencode, CLI: the secret to type in" "请在手机上的验证器应用中手动输入下面的密钥"
lacks "no libqrencode, CLI: no QR code" "▄▄▄▄▄"
expect_eq "no libqrencode, CLI: enrolled, ten recovery codes" "$(wc -l <"$WORK/noqr.recovery" | tr -d ' ')" 10
run ch user totp reset noqr
stop_server
start_server
unset LD_LIBRARY_PATH
login noqr
as noqr POST /api/users/totp-enroll -H 'Content-Type: application/json' -d '{"name":"noqr"}'
expect_status "no libqrencode, HTTP: enrolment begins" 200
jq_is "no libqrencode, HTTP: no qr_svg" .data.qr_svg null
jq_is "no libqrencode, HTTP: qr_error says why" '.data.qr_error | test("libqrencode.*libqrencode[.]so[.]4")' true
jq_is "no libqrencode, HTTP: the message says it" '.message | startswith("无法显示二维码（")' true

# ---- last: wrong codes count toward the lock-out ----
forget_failures
seq=""
for i in 1 2 3 4 5; do
	login admin 111111
	seq="$seq $STATUS"
done
login admin "$(totp_code admin)"
expect_eq "wrong codes lock the sign-in like wrong passwords" "$seq $STATUS" " 401 401 401 401 401 429"
