#!/bin/sh
# Install the Debian packages cleanheat builds and tests with.
#
# Called by `make deps` (and so by `make run` and `make test`). As root it
# installs whatever is missing with apt-get; as anyone else it prints the
# packages and the exact command that installs them (with sudo where this
# user may use it, else as root through su) and fails, so the build never
# half-works. Nothing is needed beyond the packages: once they are there,
# every make target runs as an ordinary user.
#
# `scripts/deps.sh WHO PACKAGE...` does the same for other packages, WHO
# naming what needs them in the message (the HTTP benchmark's wrk and nginx).
set -eu
who=cleanheat
pkgs="gcc make pkg-config libsqlite3-dev sqlite3 libsodium-dev libjansson-dev
libcsv-dev libexpat1-dev libminizip-dev libxlsxwriter-dev libcmocka-dev time
libmicrohttpd-dev curl jq unzip zip zlib1g-dev nodejs chromium fonts-noto-cjk
libpq-dev postgresql-15 libqrencode-dev oathtool libcairo2-dev libpango1.0-dev
libfontconfig-dev poppler-utils"
if [ $# -gt 0 ]; then
	who=$1
	shift
	pkgs=$*
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
# npm installs the web dashboard's libraries and the browser tests' (some
# builds of nodejs carry npm, Debian's does not)
if [ "$who" = cleanheat ] && ! command -v npm >/dev/null 2>&1; then
	missing="$missing npm"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "$who needs these Debian packages, which are not installed:$missing" >&2
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		echo "install them with:  sudo apt-get install -y$missing" >&2
	else
		echo "install them as root (then run make again as yourself):" >&2
		echo "  su -c 'apt-get update && apt-get install -y$missing'" >&2
		echo "or ask whoever administers this machine to install the packages above." >&2
	fi
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
