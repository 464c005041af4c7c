#!/bin/sh
# The public notice (公示) as a PDF over HTTP: `notice print` with
# output=notice.pdf offers the file at a URL; it downloads as
# application/pdf, a 4-page A4 landscape PDF with the notice's households
# (masked ID numbers), as the CLI writes it (tests/cli/test_notice_pdf.sh).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/cli/notice_pdf_setup.sh"

fin notice create --county $C --date 2023-10-25 >/dev/null || echo "not ok - notice create"
user_with_password aud auditor
start_server
signin aud

as aud GET "/api/notices/print?notice=公示-652301-2023-001&output=notice.pdf"
expect_status "notice print to notice.pdf: 200" 200
jq_is "the PDF is offered for download" '.files[0].name' notice.print-output.pdf
url=$(printf '%s' "$BODY" | jq -r '.files[0].url')
as aud GET "$url"
expect_status "the PDF downloads: 200" 200
header_has "served as application/pdf" "Content-Type: application/pdf"
header_has "as an attachment" "Content-Disposition: attachment"
case "$HEADERS" in *"Content-Disposition:"*".pdf"*) ok "named .pdf" ;; *) not_ok "named .pdf" "$HEADERS" ;; esac
if [ "$(head -c 5 "$WORK/.body")" = "%PDF-" ]; then ok "the download is a PDF"; else
	not_ok "the download is a PDF" "$(head -c 40 "$WORK/.body")"; fi
expect_eq "the PDF: 4 pages" "$(pdfinfo "$WORK/.body" | awk '/^Pages:/ { print $2 }')" 4
F=$(pdftotext "$WORK/.body" - 2>/dev/null | tr -d ' \n')
case "$F" in *"户主017"*"652301********0174"*) ok "the PDF: CJ017 with a masked ID number" ;;
*) not_ok "the PDF: CJ017 with a masked ID number" ;; esac
case "$F" in *"$(id_of 17)"*) not_ok "the PDF: no full ID number" ;; *) ok "the PDF: no full ID number" ;; esac
case "$F" in *"（小写）¥126,000.00"*) ok "the PDF: the total" ;; *) not_ok "the PDF: the total" ;; esac

# the server that wrote the PDF stops cleanly (under ASan: no leak or error
# reported at exit, cairo's and fontconfig's caches released)
stop_server
if grep -q "Sanitizer" "$WORK/server.log"; then not_ok "the server stops with nothing reported" "$(cat "$WORK/server.log")"; else
	ok "the server stops with nothing reported"; fi
