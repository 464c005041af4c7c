#!/bin/sh
# Install what `make fuzz` needs beyond scripts/deps.sh: clang and its
# sanitizer and libFuzzer runtimes (libclang_rt.fuzzer is in
# libclang-rt-dev, which clang only recommends).
#
# Called by `make fuzz`. Works as scripts/deps.sh does: as root it installs
# whatever is missing with apt-get; as anyone else it prints the exact
# apt-get line and fails. Then checks that clang can link a libFuzzer
# target with ASan and UBSan.
set -eu
pkgs="clang libclang-rt-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "make fuzz needs these Debian packages:$missing" >&2
		echo "install them with:  sudo apt-get install -y$missing" >&2
		exit 1
	fi
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends $missing
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	>"$dir/t.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$dir/t" "$dir/t.c" >"$dir/log" 2>&1; then
	echo "clang -fsanitize=fuzzer,address,undefined does not work:" >&2
	cat "$dir/log" >&2
	exit 1
fi
