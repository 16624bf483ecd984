#!/bin/bash
# Debian's allocator sources with the project's patches: allocators.sh NAME...
#
# For each allocator (jemalloc, mimalloc, gperftools; allocators/NAME/*.patch), fetch Debian's
# source package (a deb-src entry is added for the machine's suite if there
# is none), unpack it with Debian's own patches, apply ours in order, and
# build the static and shared libraries into build/alloc/NAME/ (lib/,
# include/). Rebuilt only when a patch or this script changes.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/alloc
mkdir -p "$out"

# Source package and version of each allocator, as bookworm ships them.
declare -A pkg=([jemalloc]=jemalloc=5.3.0-1 [mimalloc]=mimalloc=2.0.9+ds-2
	[gperftools]=google-perftools=2.10-1)

deb_src() {
	local f=/etc/apt/sources.list.d/lazyfree-src.sources SUDO=""
	# shellcheck disable=SC2016 # apt's own $(...) template
	apt-get indextargets --format '$(IDENTIFIER)' 2>/dev/null |
		grep -qx Sources && return 0
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	echo ">>> adding a deb-src entry ($f)"
	$SUDO tee "$f" >/dev/null <<-SRC
	Types: deb-src
	URIs: http://deb.debian.org/debian
	Suites: $(sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	SRC
	$SUDO apt-get update -q >/dev/null
}

build_jemalloc() {
	local src=$1 dst=$2
	mkdir -p "$dst/obj"
	# As Debian configures it for amd64 (debian/rules), plus a prefix.
	(cd "$dst/obj" && "$src/configure" -q --prefix="$dst" \
		--with-lg-page=12 --with-lg-hugepage=21 --disable-cxx \
		>"$dst/configure.log" 2>&1 &&
	 make -s -j"$(nproc)" build_lib >"$dst/make.log" 2>&1 &&
	 make -s install_lib install_include >>"$dst/make.log" 2>&1) || return 1
	# Its own unit and integration tests (make check's), run in the guest
	# from test/ by tests/allocators/jemalloc.sh: the programs (unit tests
	# are static builds of the allocator's internals; integration tests
	# load lib/libjemalloc.so.2), each test's MALLOC_CONF script, a list.
	local t list
	make -s -C "$dst/obj" -j"$(nproc)" tests_unit tests_integration \
		>>"$dst/make.log" 2>&1 || return 1
	# shellcheck disable=SC2016 # make's variables, not the shell's
	list=$(printf 'print-tests:\n\t@echo $(TESTS_UNIT) $(TESTS_INTEGRATION)\n' |
		make -s -C "$dst/obj" -f Makefile -f - print-tests)
	for t in $list; do
		t=${t#"$src"/} t=${t%.c}
		mkdir -p "$dst/${t%/*}"
		strip --strip-debug -o "$dst/$t" "$dst/obj/$t" || return 1
		[ ! -e "$src/$t.sh" ] || cp "$src/$t.sh" "$dst/$t.sh"
		echo "$t" >>"$dst/test/list"
	done
}

build_mimalloc() {
	local src=$1 dst=$2
	# As Debian configures it (debian/rules), plus the static library and
	# mimalloc's own tests (test-api, test-stress), run in the guest.
	cmake -S "$src" -B "$dst/obj" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DMI_BUILD_TESTS=ON -DMI_BUILD_OBJECT=OFF -DMI_INSTALL_TOPLEVEL=ON \
		-DCMAKE_INSTALL_PREFIX="$dst" >"$dst/configure.log" 2>&1 &&
	make -s -C "$dst/obj" -j"$(nproc)" >"$dst/make.log" 2>&1 &&
	make -s -C "$dst/obj" install >>"$dst/make.log" 2>&1 &&
	mkdir -p "$dst/test" &&
	cp "$dst"/obj/mimalloc-test-api "$dst"/obj/mimalloc-test-stress "$dst/test/"
}

# gperftools' tarball has no configure: its CMake build of tcmalloc_minimal
# (the allocator without the profilers) and of its unit tests.
gperftools_tests="tcmalloc_minimal_unittest tcmalloc_minimal_large_unittest
	tcmalloc_minimal_large_heap_fragmentation_unittest tcm_min_asserts_unittest
	page_heap_test realloc_unittest frag_unittest markidle_unittest
	thread_dealloc_unittest memalign_unittest malloc_extension_test
	malloc_extension_c_test system_alloc_unittest current_allocated_bytes_test
	low_level_alloc_unittest addressmap_unittest pagemap_unittest
	packed_cache_test stack_trace_table_test malloc_hook_test"
build_gperftools() {
	local src=$1 dst=$2 t
	cmake -S "$src" -B "$dst/obj" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-Dgperftools_build_minimal=ON -DBUILD_TESTING=ON \
		-DCMAKE_INSTALL_PREFIX="$dst" >"$dst/configure.log" 2>&1 &&
	make -s -C "$dst/obj" -j"$(nproc)" >"$dst/make.log" 2>&1 &&
	make -s -C "$dst/obj" install >>"$dst/make.log" 2>&1 &&
	mkdir -p "$dst/test" || return 1
	for t in $gperftools_tests; do
		cp "$dst/obj/$t" "$dst/test/" || return 1
	done
	echo "$gperftools_tests" | tr -s ' \t\n' '\n' | grep . >"$dst/test/list"
}

for name in "$@"; do
	[ -n "${pkg[$name]:-}" ] || { echo "error: unknown allocator $name" >&2; exit 2; }
	dst=$out/$name
	want=$(cat "$top"/allocators/"$name"/*.patch "$0" | sha256sum | cut -d' ' -f1)
	[ "$(cat "$dst/.stamp" 2>/dev/null)" = "$want" ] && continue
	rm -rf "$dst" && mkdir -p "$dst/dl"
	deb_src
	echo ">>> fetching Debian's ${pkg[$name]} source"
	(cd "$dst/dl" && apt-get source -q --download-only "${pkg[$name]}" >/dev/null 2>&1) ||
		{ echo "error: apt-get source ${pkg[$name]} failed" >&2; exit 1; }
	# No keyring for Debian maintainers' keys here: apt checked the
	# archive's signature of the .dsc's hashes already.
	(cd "$dst/dl" && dpkg-source -q -x ./*.dsc "$dst/src" >/dev/null 2>&1)
	for p in "$top"/allocators/"$name"/*.patch; do
		patch -s -d "$dst/src" -p1 <"$p"
	done
	echo ">>> building $name with allocators/$name/*.patch"
	start=$(date +%s)
	"build_$name" "$dst/src" "$dst" ||
		{ tail -n 20 "$dst"/*.log >&2; echo "error: $name did not build" >&2; exit 1; }
	echo "$want" >"$dst/.stamp"
	echo ">>> $name built in $(( $(date +%s) - start )) s: ${dst#"$top"/}/lib"
done
