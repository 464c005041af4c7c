#!/bin/sh
# The Debian package: dist/build-deb.sh builds it from the binary under
# test (as `make deb` does from the release build); its contents, control
# fields, conffile and maintainer scripts are checked with dpkg-deb, the
# manual page with groff, the service unit with systemd-analyze (where it
# runs), and the program is run from the extracted tree with the shipped
# configuration file. Nothing is installed on this machine.
# sqlite-only: the Debian package and its shipped configuration
. "$(dirname "$0")/lib.sh"

if ! command -v dpkg-deb >/dev/null 2>&1; then
	RC=127 OUT='' ERR=''
	not_ok "dpkg-deb is installed"
	exit 1
fi

run sh "$ROOT/dist/build-deb.sh" "$CLEANHEAT" "" "$WORK/deb"
expect_rc "build-deb: exit 0" 0
VERSION=$("$CLEANHEAT" version | sed 's/^cleanheat //')
ARCH=$(dpkg --print-architecture)
DEB=$WORK/deb/cleanheat_${VERSION}_$ARCH.deb
expect_eq "build-deb: prints the package's path" "$OUT" "$DEB"
[ -f "$DEB" ] && ok "the package exists" || { RC=1 not_ok "the package exists"; exit 1; }

# ---- contents ----
run dpkg-deb -c "$DEB"
expect_rc "dpkg-deb -c: exit 0" 0
for entry in "-rwxr-xr-x root/root .* ./usr/bin/cleanheat$" \
	"-rw-r--r-- root/root .* ./usr/share/man/man1/cleanheat.1.gz$" \
	"-rw-r--r-- root/root .* ./lib/systemd/system/cleanheat.service$" \
	"-rw-r--r-- root/root .* ./etc/cleanheat/cleanheat.conf$" \
	"-rw-r--r-- root/root .* ./usr/share/doc/cleanheat/copyright$" \
	"-rw-r--r-- root/root .* ./usr/share/doc/cleanheat/README.md.gz$" \
	"-rw-r--r-- root/root .* ./usr/share/doc/cleanheat/operations.md.gz$"; do
	if printf '%s\n' "$OUT" | grep -q -- "$entry"; then ok "contents: $entry"; else not_ok "contents: $entry"; fi
done
N=$(printf '%s\n' "$OUT" | grep -c '^-')
expect_eq "contents: seven files and nothing else" "$N" 7

# ---- control ----
expect_eq "control: Package" "$(dpkg-deb -f "$DEB" Package)" cleanheat
expect_eq "control: Version is the program's" "$(dpkg-deb -f "$DEB" Version)" "$VERSION"
expect_eq "control: Architecture" "$(dpkg-deb -f "$DEB" Architecture)" "$ARCH"
run dpkg-deb -f "$DEB" Depends
has "control: Depends on SQLite" "libsqlite3-0"
has "control: Depends on libmicrohttpd" "libmicrohttpd"
has "control: Depends on libxlsxwriter (loaded when a workbook is written)" "libxlsxwriter"
has "control: Depends on expat (loaded when a workbook is read)" "libexpat1"
has "control: Depends on minizip" "libminizip1"
has "control: Depends on libqrencode (loaded when a QR code is drawn)" "libqrencode4"
has "control: Depends on zlib (loaded when the server inflates a page)" "zlib1g"
has "control: Depends on adduser (postinst)" "adduser"
rm -rf ctl && mkdir ctl && dpkg-deb -e "$DEB" ctl
expect_eq "conffiles: the configuration file" "$(cat ctl/conffiles)" /etc/cleanheat/cleanheat.conf
for s in postinst prerm postrm; do
	if [ -x ctl/$s ] && sh -n ctl/$s; then ok "$s: executable, valid sh"; else RC=1 not_ok "$s: executable, valid sh"; fi
done
run cat ctl/postinst
has "postinst: creates the user cleanheat" "adduser --system --group"
has "postinst: the state directory, owner-only" "install -d -m 0700 -o cleanheat -g cleanheat /var/lib/cleanheat"
rm -rf x && mkdir x && dpkg-deb -x "$DEB" x
if (cd x && md5sum --quiet -c ../ctl/md5sums); then ok "md5sums match the files"; else RC=1 not_ok "md5sums match the files"; fi

# ---- the program from the package ----
run x/usr/bin/cleanheat version
expect_eq "the packaged program runs" "$OUT" "cleanheat $VERSION"
run x/usr/bin/cleanheat --config x/etc/cleanheat/cleanheat.conf --db "$WORK/t.db" db init
expect_rc "the shipped configuration file is accepted" 0
run x/usr/bin/cleanheat --config x/etc/cleanheat/cleanheat.conf plan show --year 2023
has_err "the shipped configuration names the service's database" "/var/lib/cleanheat/cleanheat.db"

# ---- the manual page ----
run sh -c "gzip -dc x/usr/share/man/man1/cleanheat.1.gz"
has "man page: generated from the table (db backup)" "db backup"
has "man page: serve's options" "upload\\-limit"
MAN=$OUT
missing=
for cmd in $("$CLEANHEAT" help | grep -v "^  cleanheat help" | sed -n 's/^  cleanheat \([a-z-]*\) \([a-z-]*\).*/\1_\2/p'); do
	g=${cmd%_*} v=${cmd#*_}
	printf '%s\n' "$MAN" | grep -q "^\.SS \"cleanheat $(printf '%s' "$g" | sed 's/-/\\\\-/g') $(printf '%s' "$v" | sed 's/-/\\\\-/g')" ||
		missing="$missing $g $v;"
done
expect_eq "man page: every command of the table has its section" "$missing" ""
has "man page: the configuration keys" "busy_timeout"
if command -v groff >/dev/null 2>&1; then
	run sh -c "gzip -dc x/usr/share/man/man1/cleanheat.1.gz | LC_ALL=C.UTF-8 groff -k -man -Tutf8 -ww -z"
	expect_rc "man page: groff renders it" 0
	expect_eq "man page: without a warning" "$ERR" ""
fi

# ---- the service unit ----
U=x/lib/systemd/system/cleanheat.service
for line in "User=cleanheat" "StateDirectory=cleanheat" "ProtectSystem=strict" "ProtectHome=yes" \
	"PrivateTmp=yes" "NoNewPrivileges=yes" "CapabilityBoundingSet=" \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" "ExecStart=/usr/bin/cleanheat serve"; do
	if grep -qx -- "$line" "$U"; then ok "unit: $line"; else RC=1 not_ok "unit: $line"; fi
done
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|^ExecStart=/usr/bin/cleanheat|ExecStart=$WORK/x/usr/bin/cleanheat|" "$U" >cleanheat.service
	run systemd-analyze verify --man=no ./cleanheat.service
	expect_rc "unit: systemd-analyze verify" 0
fi

if command -v lintian >/dev/null 2>&1; then
	run lintian --no-tag-display-limit "$DEB"
	lacks "lintian: no errors" "E: "
fi
