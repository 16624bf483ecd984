# shellcheck shell=bash
# Sourced by the kernel build scripts: kbuild_make TREE OUT sets mk to the
# make command for an out-of-tree x86_64 build of TREE in OUT, reproducible
# (fixed user, host and timestamp) and through ccache when present.
kbuild_make() {
	export KBUILD_BUILD_USER=lazyfree KBUILD_BUILD_HOST=guest
	export KBUILD_BUILD_TIMESTAMP="2000-01-01"
	mk=(make -s -C "$1" O="$2" ARCH=x86_64 -j"$(nproc)")
	if command -v ccache >/dev/null; then
		mk+=(CC="ccache gcc")
		# shellcheck disable=SC2154 # top: set by the script that sources this
		export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros
	fi
}
