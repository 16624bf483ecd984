#!/bin/bash
# Build the guest kernel out of tree: kernel-build.sh normal|debug
#
# The config is tinyconfig plus kernel/config/guest.config (plus debug.config
# for the debug flavour). It is regenerated only when a fragment or the tree's
# Kconfig changes, so rebuilds stay incremental. ccache is used when present.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
flavor=${1:-normal}
tree=${TREE:-$top/build/linux}
out=$top/build/kbuild-$flavor
cfgdir=$top/kernel/config

case "$flavor" in
normal) frags=("$cfgdir/guest.config") ;;
debug) frags=("$cfgdir/guest.config" "$cfgdir/debug.config") ;;
*) echo "usage: $0 normal|debug" >&2; exit 2 ;;
esac

[ -f "$tree/Makefile" ] || { echo "error: no kernel tree at $tree" >&2; exit 1; }
mkdir -p "$out"

. "$top/scripts/lib/kbuild-env.sh"
kbuild_make "$tree" "$out"

want=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.lazyfree-config" 2>/dev/null)" != "$want" ]; then
	echo ">>> configuring the $flavor kernel (tinyconfig + ${frags[*]##*/})"
	"${mk[@]}" tinyconfig >/dev/null
	KCONFIG_CONFIG=$out/.config "$tree/scripts/kconfig/merge_config.sh" \
		-m -O "$out" "$out/.config" "${frags[@]}" >/dev/null
	"${mk[@]}" olddefconfig >/dev/null
	# Check that every option asked for stuck: a dependency that is not
	# met makes Kconfig drop an option silently.
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$out/.config" && { echo "  $opt is set, wanted off"; bad=1; } ;;
		CONFIG_*=*)
			grep -qx "$line" "$out/.config" || { echo "  $line did not stick"; bad=1; } ;;
		esac
	done < <(cat "${frags[@]}")
	[ $bad -eq 0 ] || { echo "error: kernel config fragments do not apply" >&2; exit 1; }
	echo "$want" >"$out/.lazyfree-config"
fi

echo ">>> building the $flavor kernel in ${out#"$top"/}"
start=$(date +%s)
"${mk[@]}" bzImage
echo ">>> $flavor kernel built in $(( $(date +%s) - start )) s"
