#!/bin/bash
# Build a gzip'd newc initramfs without needing root:
#   mkimage.sh OUT [--base] [SRC:DEST | SRCDIR/:DESTDIR/]...
# --base adds busybox, /init and the device nodes. Archives made this way can
# be concatenated: the kernel unpacks them in order, so a run adds a small
# archive (its /run.sh and extra programs) after the base image.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
gen=$top/build/gen_init_cpio
out=$1; shift
base=0
if [ "${1:-}" = --base ]; then base=1; shift; fi

if [ ! -x "$gen" ] || [ "$gen" -ot "$top/build/linux/usr/gen_init_cpio.c" ]; then
	mkdir -p "$top/build"
	gcc -O2 -o "$gen" "$top/build/linux/usr/gen_init_cpio.c"
fi

spec=$(mktemp)
trap 'rm -f "$spec"' EXIT
declare -A dirs=()
adddir() {	# parents first
	local d=$1
	[ "$d" = / ] || [ -z "$d" ] && return 0
	[ -n "${dirs[$d]:-}" ] && return 0
	adddir "$(dirname "$d")"
	dirs[$d]=1
	echo "dir $d 755 0 0" >>"$spec"
}
addfile() {	# SRC DEST
	local src=$1 dst=$2 mode
	adddir "$(dirname "$dst")"
	mode=$(stat -c %a "$src")
	echo "file $dst $(realpath "$src") $mode 0 0" >>"$spec"
}

if [ $base -eq 1 ]; then
	for d in /bin /sbin /dev /proc /sys /tmp /root /etc /lazyfree/bin; do adddir $d; done
	echo "nod /dev/console 600 0 0 c 5 1" >>"$spec"
	echo "nod /dev/null 666 0 0 c 1 3" >>"$spec"
	addfile /bin/busybox /bin/busybox
	echo "slink /bin/sh busybox 777 0 0" >>"$spec"
	addfile "$top/guest/init" /init
fi
for a in "$@"; do
	src=${a%%:*} dst=${a#*:}
	if [ -d "$src" ]; then
		while IFS= read -r f; do
			addfile "$src/$f" "${dst%/}/$f"
		done < <(cd "$src" && find . -type f -printf '%P\n' | sort)
	else
		addfile "$src" "$dst"
	fi
done
"$gen" "$spec" | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
