#!/bin/bash
# liblazyfree on the host: its test programs (on the path the host kernel
# offers and on the fallback), the symbols the shared library exports, then
# an install under a prefix, a program built against it with pkg-config and
# linked to the shared library, and an uninstall that leaves no file behind.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s -C "$top/lib" all test
# Exactly the five functions, in the version nodes of liblazyfree.map (nm
# lists the nodes themselves as absolute symbols: left out).
syms=$(nm -D --defined-only "$top/lib/liblazyfree.so" | awk '$2 != "A" { print $3 }' | sort)
want=$(printf '%s\n' lf_free@@LIBLAZYFREE_0 lf_free_vec@@LIBLAZYFREE_1 lf_probe@@LIBLAZYFREE_0 \
	lf_reuse@@LIBLAZYFREE_0 lf_reuse_vec@@LIBLAZYFREE_1)
if [ "$syms" != "$want" ]; then
	printf 'liblazyfree.so exports:\n%s\nexpected:\n%s\n' "$syms" "$want" >&2
	exit 1
fi
make -s -C "$top/lib" install PREFIX="$tmp/prefix" >/dev/null
cat >"$tmp/use.c" <<'C'
#include <lazyfree.h>
#include <stdio.h>
#include <sys/mman.h>
int main(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	if (lf_free(p, 4096) || lf_reuse(p, 4096) < 0)
		return 1;
	printf("features %#x\n", lf_probe());
	return 0;
}
C
export PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig
# shellcheck disable=SC2046
gcc -o "$tmp/use" "$tmp/use.c" $(pkg-config --cflags --libs lazyfree)
LD_LIBRARY_PATH=$tmp/prefix/lib "$tmp/use"
[ -f "$tmp/prefix/share/man/man3/lf_reuse.3" ]
[ -f "$tmp/prefix/share/man/man7/liblazyfree.7" ]
make -s -C "$top/lib" uninstall PREFIX="$tmp/prefix" >/dev/null
left=$(find "$tmp/prefix" ! -type d)
if [ -n "$left" ]; then
	printf 'left after make uninstall:\n%s\n' "$left" >&2
	exit 1
fi
echo "liblazyfree: exports, install and uninstall ok"
