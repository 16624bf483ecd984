#!/bin/bash
# Manage the kernel work tree: a git tree of Linux 6.12 with one commit per
# patch of kernel/patches/series on top of a tagged base.
#
#   kernel-tree.sh prepare   create or refresh build/linux from the series
#   kernel-tree.sh export    write the commits above the base back as the series
#   kernel-tree.sh version   print what the base is
#   kernel-tree.sh list      print the patches of the series, in order
#
# The base is Debian's linux-source-6.12 package, or the tree named by KSRC.
# Developers edit and commit in build/linux, then run "make patches".
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
tree=${TREE:-$top/build/linux}
pdir=${PATCHDIR:-$top/kernel/patches}
cover=0000-cover-letter.patch
tarball=/usr/src/linux-source-6.12.tar.xz
tag=lazyfree-base

die() { echo "error: $*" >&2; exit 1; }

base_id() {
	if [ -n "${KSRC:-}" ]; then
		[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
		local v
		v=$(make -s -C "$KSRC" kernelversion 2>/dev/null) ||
			die "cannot read the version of KSRC=$KSRC"
		case "$v" in 6.12*) ;; *) die "KSRC=$KSRC is Linux $v, not 6.12";; esac
		echo "Linux $v from $(cd "$KSRC" && pwd)"
	else
		local v
		v=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
			die "linux-source-6.12 is not installed (scripts/lib/deps.sh installs it)"
		echo "Debian linux-source-6.12 $v"
	fi
}

series_patches() {
	[ -f "$pdir/series" ] || return 0
	grep -v -e '^#' -e '^[[:space:]]*$' "$pdir/series" || true
}

series_hash() {
	{
		cat "$pdir/series" 2>/dev/null || true
		series_patches | while read -r p; do cat "$pdir/$p"; done
	} | sha256sum | cut -d' ' -f1
}

g() { git -C "$tree" "$@"; }

apply_series() {
	local p n=0
	while read -r p; do
		[ -f "$pdir/$p" ] || die "kernel/patches/series names $p, which does not exist"
		if ! g am -q --keep-cr --committer-date-is-author-date "$pdir/$p" \
			>"$tree.am.log" 2>&1; then
			g am --abort >/dev/null 2>&1 || true
			sed 's/^/    /' "$tree.am.log" >&2
			die "patch kernel/patches/$p does not apply to $(g config lazyfree.base)." \
			    "Rebase the series on this base (edit in build/linux, then make patches)."
		fi
		n=$((n + 1))
	done < <(series_patches)
	rm -f "$tree.am.log"
	echo ">>> applied $n patch(es) on $(g config lazyfree.base)"
	g config lazyfree.series "$(series_hash)"
	g config lazyfree.head "$(g rev-parse HEAD)"
}

create() {
	local base=$1
	echo ">>> creating $tree from $base"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$tree.tmp"
	if [ -n "${KSRC:-}" ]; then
		rsync -a --exclude=.git "$KSRC/" "$tree.tmp/"
	else
		tar -C "$tree.tmp" --strip-components=1 -xf "$tarball"
	fi
	# Debian's top-level .gitignore ignores everything at the top level
	# (its packaging repository holds only debian/). Drop that block so
	# new files in mm/ and elsewhere show up in git status as upstream's.
	if [ -f "$tree.tmp/.gitignore" ]; then
		awk '/^# Debian packaging: ignore everything/ { exit }
		     { l[n++] = $0 }
		     END { while (n && l[n-1] ~ /^#?[ \t]*$/) n--
			   for (i = 0; i < n; i++) print l[i] }' \
			"$tree.tmp/.gitignore" >"$tree.tmp/.gitignore.new"
		mv "$tree.tmp/.gitignore.new" "$tree.tmp/.gitignore"
	fi
	git init -q -b main "$tree.tmp"
	local gt=(git -C "$tree.tmp" -c core.autocrlf=false)
	"${gt[@]}" config gc.auto 0
	"${gt[@]}" config core.untrackedCache true
	"${gt[@]}" config user.name "${GIT_AUTHOR_NAME:-lazyfree}"
	"${gt[@]}" config user.email "${GIT_AUTHOR_EMAIL:-lazyfree@localhost}"
	"${gt[@]}" add -A .
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
		"${gt[@]}" commit -q -m "$base"
	"${gt[@]}" tag "$tag"
	"${gt[@]}" config lazyfree.base "$base"
	mv "$tree.tmp" "$tree"
	apply_series
}

prepare() {
	local base
	base=$(base_id)
	if [ ! -d "$tree/.git" ]; then
		create "$base"
		return
	fi
	if [ "$(g config lazyfree.base)" != "$base" ]; then
		[ "$(g rev-parse HEAD)" = "$(g config lazyfree.head)" ] ||
			die "build/linux was made from $(g config lazyfree.base) and has" \
			    "commits not exported; run make patches or remove build/linux"
		create "$base"
		return
	fi
	[ "$(g config lazyfree.series)" = "$(series_hash)" ] && return 0
	# kernel/patches changed (a pull, a checkout): re-apply, unless the
	# tree holds work of its own that would be lost.
	if [ "$(g rev-parse HEAD)" != "$(g config lazyfree.head)" ] ||
	   ! g diff --quiet HEAD; then
		die "kernel/patches changed, and build/linux has work not exported." \
		    "Run make patches to keep the tree's work, or remove build/linux."
	fi
	echo ">>> kernel/patches changed: re-applying the series"
	g reset -q --hard "$tag"
	apply_series
}

export_series() {
	[ -d "$tree/.git" ] || die "no work tree at build/linux (make tree)"
	g diff --quiet HEAD ||
		die "build/linux has uncommitted changes; commit them first"
	mkdir -p "$pdir"
	# The cover letter is written by hand and is not applied.
	find "$pdir" -maxdepth 1 -name '*.patch' ! -name "$cover" -delete
	local n f
	n=$(g rev-list --count "$tag..HEAD")
	if [ "$n" -gt 0 ]; then
		g format-patch -q --no-signature --zero-commit --no-cover-letter \
			-o "$pdir" "$tag..HEAD"
	fi
	{
		echo "# Applied in order on $(g config lazyfree.base)."
		echo "# Written by make patches from build/linux; edit there."
		for f in "$pdir"/*.patch; do
			if [ -f "$f" ] && [ "${f##*/}" != "$cover" ]; then
				echo "${f##*/}"
			fi
		done
	} >"$pdir/series"
	g config lazyfree.series "$(series_hash)"
	g config lazyfree.head "$(g rev-parse HEAD)"
	echo ">>> wrote $n patch(es) to kernel/patches"
}

case "${1:-}" in
prepare) prepare ;;
export) export_series ;;
version) base_id ;;
list) series_patches ;;
*) echo "usage: $0 prepare|export|version|list" >&2; exit 2 ;;
esac
