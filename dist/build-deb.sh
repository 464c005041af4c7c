#!/bin/sh
# Builds the Debian package of cleanheat with dpkg-deb alone (no debhelper):
#   /usr/bin/cleanheat                       the program, stripped
#   /usr/share/man/man1/cleanheat.1.gz       its manual page
#   /lib/systemd/system/cleanheat.service    the hardened service (dist/)
#   /etc/cleanheat/cleanheat.conf            the configuration (a conffile)
#   /usr/share/doc/cleanheat/                copyright, README, operations
# and the maintainer scripts of dist/debian/ (the user cleanheat, the state
# directory, the first database). Depends: from dpkg-shlibdeps when it is
# installed, else from the libraries the program is linked against.
#
# usage: dist/build-deb.sh BINARY MANPAGE OUTDIR
#   MANPAGE may be empty: it is then written with `BINARY help --man`.
# Prints the path of the package it wrote.
set -eu
bin=$1
man=$2
out=$3
src=$(cd "$(dirname "$0")/.." && pwd)

version=$("$bin" version | sed -n 's/^cleanheat //p')
[ -n "$version" ] || { echo "build-deb: cannot tell the version of $bin" >&2; exit 1; }
arch=$(dpkg --print-architecture)
mkdir -p "$out"
out=$(cd "$out" && pwd)
root=$out/cleanheat_${version}_$arch
rm -rf "$root"
umask 022

install -D -m 0755 "$bin" "$root/usr/bin/cleanheat"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$root/usr/bin/cleanheat" 2>/dev/null || true
mkdir -p "$root/usr/share/man/man1"
if [ -n "$man" ]; then
	gzip -9 -n -c "$man" >"$root/usr/share/man/man1/cleanheat.1.gz"
else
	"$bin" help --man | gzip -9 -n >"$root/usr/share/man/man1/cleanheat.1.gz"
fi
install -D -m 0644 "$src/dist/cleanheat.service" "$root/lib/systemd/system/cleanheat.service"
install -D -m 0644 "$src/dist/cleanheat.conf" "$root/etc/cleanheat/cleanheat.conf"
doc=$root/usr/share/doc/cleanheat
install -D -m 0644 "$src/dist/debian/copyright" "$doc/copyright"
gzip -9 -n -c "$src/README.md" >"$doc/README.md.gz"
gzip -9 -n -c "$src/docs/operations.md" >"$doc/operations.md.gz"
chmod 0644 "$doc"/*.gz "$root/usr/share/man/man1/cleanheat.1.gz"

# Depends: the shared libraries' packages, and adduser for postinst
depends=
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
	tmp=$out/shlibdeps
	rm -rf "$tmp"
	mkdir -p "$tmp/debian"
	printf 'Source: cleanheat\n\nPackage: cleanheat\nArchitecture: any\n' >"$tmp/debian/control"
	depends=$(cd "$tmp" && dpkg-shlibdeps -O "$root/usr/bin/cleanheat" 2>/dev/null |
		sed -n 's/^shlibs:Depends=//p') || depends=
	rm -rf "$tmp"
fi
if [ -z "$depends" ]; then
	# by hand: the package that holds each library the program needs
	depends=$(ldd "$root/usr/bin/cleanheat" | awk '/=> \// { print $3 }' |
		while read -r lib; do
			dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null
		done | cut -d: -f1 | sort -u | paste -sd, - | sed 's/,/, /g')
fi
# the libraries the program loads with dlopen when it first needs them
# (src/db/db_pg.c, src/http/server.c, src/io/xlsxw.c, src/io/notice_pdf.c,
# src/io/xlsxr.c, src/io/qr.c, src/http/static.c): neither dpkg-shlibdeps
# nor ldd sees them
for lib in libpq.so.5 libmicrohttpd.so.12 libxlsxwriter.so.4 libcairo.so.2 libpango-1.0.so.0 \
	libpangocairo-1.0.so.0 libgobject-2.0.so.0 libfontconfig.so.1 libexpat.so.1 \
	libminizip.so.1 libqrencode.so.4 libz.so.1; do
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
	[ -n "$path" ] || continue
	pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null) || continue
	pkg=$(printf '%s\n' "$pkg" | head -n 1 | cut -d: -f1)
	case ", $depends," in *", $pkg "* | *", $pkg,"* | *", $pkg("*) ;; *) depends="${depends:+$depends, }$pkg" ;; esac
done
depends="${depends:+$depends, }adduser"

mkdir -p "$root/DEBIAN"
for f in postinst prerm postrm; do
	install -m 0755 "$src/dist/debian/$f" "$root/DEBIAN/$f"
done
install -m 0644 "$src/dist/debian/conffiles" "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$depends/" "$src/dist/debian/control.in" >"$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' | sed 's|^\./||' | LC_ALL=C sort |
	xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"

deb=$out/cleanheat_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
rm -rf "$root"
echo "$deb"
