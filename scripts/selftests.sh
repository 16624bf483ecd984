#!/bin/bash
# The upstream mm selftests, built from the same kernel tree.
#
#   selftests.sh build      build them statically (make -k: several do not
#                           build in 6.12) and pack them as an initramfs
#   selftests.sh programs   print the guest paths of those built
#
# tests/mm-selftests.pass lists those that passed on the unpatched kernel;
# make check runs exactly these and fails if any of them fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=${TREE:-$top/build/linux}
out=$top/build/selftests-mm
khdr=$top/build/kbuild-normal/usr/include

programs() {
	find "$out" -maxdepth 1 -type f -perm -u+x -printf '%f\n' | sort |
	while read -r f; do
		head -c 4 "$out/$f" | grep -q ELF && echo "/selftests/mm/$f"
	done
}

case "${1:-}" in
build)
	stamp=$out/.stamp
	want=$(cd "$tree" && git rev-parse HEAD; git -C "$tree" diff HEAD -- tools | sha256sum)
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
	   [ -f "$top/build/selftests-mm.cpio.gz" ]; then
		exit 0
	fi
	echo ">>> building tools/testing/selftests/mm (static)"
	mkdir -p "$out"
	make -C "$tree/tools/testing/selftests/mm" -k -j"$(nproc)" \
		OUTPUT="$out" KHDR_INCLUDES="-isystem $khdr" LDFLAGS=-static \
		>"$out.log" 2>&1 || true
	n=$(programs | wc -l)
	echo ">>> $n selftest programs built (log: build/selftests-mm.log)"
	"$top/scripts/mkimage.sh" "$top/build/selftests-mm.cpio.gz" "$out/:/selftests/mm/"
	echo "$want" >"$stamp"
	;;
programs) programs ;;
*) echo "usage: $0 build|programs" >&2; exit 2 ;;
esac
