#!/bin/bash
# The upstream mm selftests, built from the same kernel tree.
#
#   selftests.sh build      build them statically (make -k: several do not
#                           build in 6.12) and pack them as an initramfs
#   selftests.sh programs   print the guest paths of those built
#   selftests.sh baseline   run them all and rewrite tests/mm-selftests.pass
#
# tests/mm-selftests.pass lists those that passed on the unpatched kernel;
# make check runs exactly these and fails if any of them fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
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
	"$top/scripts/lib/mkimage.sh" "$top/build/selftests-mm.cpio.gz" "$out/:/selftests/mm/"
	echo "$want" >"$stamp"
	;;
baseline)
	# Run every program built (transhuge-stress loops forever by design)
	# on the normal kernel and write the list of those that pass. Run it
	# on the unpatched kernel: the list is what the series must keep.
	mapfile -t progs < <(programs | grep -v '/transhuge-stress$')
	"$top/scripts/vm" -t 3600 -i "$top/build/selftests-mm.cpio.gz" -- \
		run-tests -t 60 -n mm "${progs[@]}" >"$out.baseline.out" || true
	{
		sed -n '1,/^$/p' "$top/tests/mm-selftests.pass" | grep '^#'
		tr -d '\r' <"$out.baseline.out" | sed -n 's|^ok [0-9]* mm/\([^ ]*\)$|\1|p'
	} >"$top/tests/mm-selftests.pass.new"
	mv "$top/tests/mm-selftests.pass.new" "$top/tests/mm-selftests.pass"
	echo ">>> $(grep -vc '^#' "$top/tests/mm-selftests.pass") programs pass;" \
	     "wrote tests/mm-selftests.pass"
	;;
programs) programs ;;
*) echo "usage: $0 build|programs|baseline" >&2; exit 2 ;;
esac
