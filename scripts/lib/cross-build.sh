#!/bin/bash
# Build the series' generic code for an architecture without per-CPU TLB
# generations: cross-build.sh [arm64]
#
# x86 provides arch_flush_tlb_lazyfree() and the generation-checked flushes;
# every other architecture gets the fallbacks in mm/internal.h, which flush
# conservatively. This builds an arm64 kernel (tinyconfig plus the mm
# features the series touches) with those fallbacks, so that the generic
# path is shown to compile and link. Needs gcc-aarch64-linux-gnu.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:-arm64}
tree=${TREE:-$top/build/linux}
out=$top/build/kbuild-$arch

case "$arch" in
arm64) cross=aarch64-linux-gnu- ;;
*) echo "usage: $0 [arm64]" >&2; exit 2 ;;
esac
command -v "${cross}gcc" >/dev/null || {
	echo ">>> installing the $arch cross compiler"
	apt-get install -y -q "gcc-${cross%-}" >/dev/null
}

mkdir -p "$out"
mk=(make -s -C "$tree" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" -j"$(nproc)")
if command -v ccache >/dev/null; then
	mk+=(CC="ccache ${cross}gcc")
	export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1
fi
"${mk[@]}" tinyconfig >/dev/null
"$tree/scripts/config" --file "$out/.config" \
	-e SMP -e MULTIUSER -e PROC_FS -e SYSFS -e BLOCK -e SWAP -e MEMCG -e CGROUPS \
	-e ADVISE_SYSCALLS \
	-e TRANSPARENT_HUGEPAGE -e MIGRATION -e COMPACTION -e USERFAULTFD \
	-e KSM -e MEMORY_FAILURE -e PROC_PAGE_MONITOR -e VM_EVENT_COUNTERS \
	-e NUMA -e DEBUG_VM
"${mk[@]}" olddefconfig >/dev/null
echo ">>> building the $arch kernel in build/kbuild-$arch"
t0=$(date +%s)
"${mk[@]}" vmlinux
grep -q '^CONFIG_ARCH_WANT_BATCHED_UNMAP_TLB_FLUSH=y' "$out/.config" &&
	echo ">>> (with the batched unmap flush: the batch fallback is built too)"
echo ">>> $arch kernel built in $(( $(date +%s) - t0 )) s"
