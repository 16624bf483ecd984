#!/bin/bash
# Debian's redis 7.0 for the guest: redis.sh OUT
#
# The binaries of Debian's redis-tools (redis-server is its redis-check-rdb
# under another name: it acts by argv[0]) and liblzf1, unpacked from the
# packages without installing them (no service is started), with every
# shared library they load, as Debian links them: OUT/bin, OUT/lib. Among
# those libraries is Debian's libjemalloc.so.2, the stock allocator; the
# guest puts the patched one first in the search path to compare.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "$1")
want=$(sha256sum <"$0" | cut -d' ' -f1)
[ "$(cat "$out/.stamp" 2>/dev/null)" = "$want" ] && exit 0
rm -rf "$out" && mkdir -p "$out/dl" "$out/bin" "$out/lib"
echo ">>> fetching Debian's redis-tools"
# apt's _apt user cannot write to a private directory: fetch as the caller.
(cd "$out/dl" && apt-get download -q -o APT::Sandbox::User="$(id -un)" \
	redis-tools liblzf1 >/dev/null 2>&1) ||
	{ echo "error: apt-get download redis-tools liblzf1 failed" >&2; exit 1; }
for d in "$out"/dl/*.deb; do
	dpkg-deb -x "$d" "$out/root"
done
cp "$out/root/usr/bin/redis-check-rdb" "$out/bin/redis-server"
cp "$out/root/usr/bin/redis-benchmark" "$out/root/usr/bin/redis-cli" "$out/bin/"
# The libraries, as the loader finds them on this machine (Debian's).
LD_LIBRARY_PATH=$out/root/usr/lib/x86_64-linux-gnu ldd "$out"/bin/* |
	awk '$2 == "=>" && $3 ~ /^\// && $1 != "libc.so.6" { print $3 }' | sort -u |
	while read -r l; do
		cp -L "$l" "$out/lib/"
	done
[ -e "$out/lib/libjemalloc.so.2" ] ||
	{ echo "error: redis does not load libjemalloc.so.2" >&2; exit 1; }
rm -rf "$out/root" "$out/dl"
echo "$want" >"$out/.stamp"
echo ">>> redis: ${out#"$top"/}/bin ($(find "$out/lib" -type f | wc -l) libraries)"
