#!/bin/bash
# Build the normal guest kernel at every patch of the series, so that the
# series bisects: make series-build.
#
# Works in a second checkout of build/linux (build/series) and its own
# output folder (build/kbuild-series), incrementally from one patch to the
# next, so build/linux and the guest kernels are left alone. A patch that
# touches only tools/ or Documentation/ is not built again. Stops at the
# first patch that does not build, naming it.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$top/build/linux
wt=$top/build/series
out=$top/build/kbuild-series

[ -d "$tree/.git" ] || { echo "error: no kernel tree at $tree (make tree)" >&2; exit 1; }
[ -f "$top/build/kbuild-normal/.config" ] ||
	{ echo "error: no normal kernel config (make kernel)" >&2; exit 1; }

g() { git -C "$tree" "$@"; }
if [ ! -d "$wt" ]; then
	g worktree add -q --detach "$wt" lazyfree-base
fi
mkdir -p "$out"
cp "$top/build/kbuild-normal/.config" "$out/.config"

. "$top/scripts/lib/kbuild-env.sh"
kbuild_make "$wt" "$out"

n=0
for c in $(g rev-list --reverse lazyfree-base..HEAD); do
	n=$((n + 1))
	subject=$(g log -1 --format=%s "$c")
	git -C "$wt" checkout -q --detach "$c"
	if ! g diff --name-only "$c~1" "$c" | grep -qv -e '^tools/' -e '^Documentation/'; then
		echo ">>> patch $n ($subject): tools/ and Documentation/ only"
		continue
	fi
	start=$(date +%s)
	"${mk[@]}" olddefconfig >/dev/null
	if ! "${mk[@]}" bzImage >"$out/build-$n.log" 2>&1; then
		grep -m 20 -e 'error' -e 'Error' "$out/build-$n.log" | sed 's/^/    /' >&2
		echo "error: the kernel does not build at patch $n: $subject" >&2
		exit 1
	fi
	warn=$(grep -c 'warning:' "$out/build-$n.log" || true)
	echo ">>> patch $n ($subject): built in $(( $(date +%s) - start )) s, $warn warning(s)"
done
echo ">>> all $n patches build"
