#!/bin/bash
# liblazyfree on the host: its test programs (on the path the host kernel
# offers and on the fallback), then an install under a prefix and a program
# built against it with pkg-config, linked to the shared library.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s -C "$top/lib" test
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
echo "liblazyfree: install ok"
