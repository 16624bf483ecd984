# lazyfree: a patched Linux 6.12, its tests and benchmarks, in a QEMU guest.
#
#   make run      build what is missing, boot, print the demo table
#   make check    host tests, guest tests on the normal and debug kernels,
#                 and the upstream mm selftests that passed on the baseline
#
# Other targets: bench, kernel, kernel-debug, tree, patches, series-build, allocators,
# cross-build, fuzz, image, selftests, vm, clean. Pass KSRC=/path/to/linux-6.12
# to build from your own tree, and ACCEL=kvm or ACCEL=tcg to force QEMU's
# accelerator (default auto: KVM once it has booted the kernel to its first
# console line, TCG otherwise).

SHELL := /bin/bash
B     := build
TREE  := $(B)/linux
KHDR  := $(B)/kbuild-normal/usr/include
BIN   := $(B)/bin
VM    := scripts/vm
ACCEL ?= $(or $(LAZYFREE_ACCEL),auto)
export LAZYFREE_ACCEL := $(ACCEL)

CC      := gcc
CFLAGS  := -O2 -g -Wall -Wextra -Wno-unused-parameter -static -pthread \
           -isystem $(KHDR) -I testlib -I lib -isystem $(TREE)/tools/testing/selftests
TESTLIB := testlib/testlib.c testlib/testlib.h lib/lazyfree.h

BASELINE := $(patsubst tests/baseline/%.c,$(BIN)/baseline-%,$(wildcard tests/baseline/*.c))
ALLOC    := $(patsubst tests/alloc/%.c,$(BIN)/alloc-%,$(wildcard tests/alloc/*.c))
BENCH    := $(patsubst bench/%.c,$(BIN)/%,$(wildcard bench/*.c))
LIBTESTS := $(patsubst lib/test/%.c,$(BIN)/lf-test-%,$(wildcard lib/test/*.c))
FUZZ     := $(BIN)/lffuzz
PATCHED  := $(BIN)/alloc-jemalloc-lazyfree $(BIN)/alloc-jemalloc $(BIN)/alloc-mimalloc $(BIN)/alloc-gperftools
PROGS    := $(BASELINE) $(ALLOC) $(PATCHED) $(BENCH) $(BIN)/ebizzy-jemalloc $(BIN)/ebizzy-dyn \
            $(LIBTESTS) $(FUZZ)

.PHONY: all run bench check fuzz deps tree kernel kernel-debug headers progs image allocators \
        selftests selftests-baseline vm patches series-build cross-build clean distclean

all: kernel image

deps:
	@scripts/lib/deps.sh

tree: deps
	@scripts/lib/kernel-tree.sh prepare

kernel: tree
	@scripts/lib/kernel-build.sh normal

kernel-debug: tree
	@scripts/lib/kernel-build.sh debug

headers: kernel
	@$(MAKE) -s -C $(TREE) O=$(CURDIR)/$(B)/kbuild-normal headers >/dev/null

$(BIN)/baseline-%: tests/baseline/%.c $(TESTLIB) | $(BIN)
	$(CC) $(CFLAGS) -o $@ $< testlib/testlib.c

$(BIN)/%: bench/%.c $(TESTLIB) | $(BIN)
	$(CC) $(CFLAGS) -o $@ $< testlib/testlib.c

# The same load over Debian's static jemalloc 5.3 (libjemalloc-dev).
$(BIN)/ebizzy-jemalloc: bench/ebizzy.c $(TESTLIB) testlib/jemalloc-hooks.c testlib/jemalloc-hooks.h | $(BIN)
	$(CC) $(CFLAGS) -DLF_JEMALLOC -o $@ $< testlib/testlib.c testlib/jemalloc-hooks.c \
		-ljemalloc -lm -ldl

# Guest tests of allocators over the series (static jemalloc).
$(BIN)/alloc-%: tests/alloc/%.c $(TESTLIB) testlib/jemalloc-hooks.c testlib/jemalloc-hooks.h | $(BIN)
	$(CC) $(CFLAGS) -o $@ $< testlib/testlib.c testlib/jemalloc-hooks.c -ljemalloc -lm -ldl

# Debian's allocator sources with the project's patches (allocators/NAME/),
# built into build/alloc/NAME, and the guest tests linked against them.
JEMALLOC := $(B)/alloc/jemalloc
$(JEMALLOC)/lib/libjemalloc.a: $(wildcard allocators/jemalloc/*.patch) scripts/lib/allocators.sh
	@scripts/lib/allocators.sh jemalloc

MIMALLOC := $(B)/alloc/mimalloc
$(MIMALLOC)/lib/libmimalloc.so.2: $(wildcard allocators/mimalloc/*.patch) scripts/lib/allocators.sh
	@scripts/lib/allocators.sh mimalloc

GPERFTOOLS := $(B)/alloc/gperftools
GPT_LIB  := $(GPERFTOOLS)/lib/libtcmalloc_minimal.so.9.10.5
$(GPT_LIB): $(wildcard allocators/gperftools/*.patch) scripts/lib/allocators.sh
	@scripts/lib/allocators.sh gperftools

allocators: deps $(JEMALLOC)/lib/libjemalloc.a $(MIMALLOC)/lib/libmimalloc.so.2 $(GPT_LIB)

# gperftools' unit tests, dynamic C++ programs: the patched library and
# the C++ runtime beside them.
CXXLIBS := /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libgcc_s.so.1 \
           /lib/x86_64-linux-gnu/libm.so.6
$(BIN)/alloc-gperftools: tests/allocators/gperftools.sh tests/allocators/lazyfree-suite.sh $(GPT_LIB) | $(BIN)
	@mkdir -p $(BIN)/gperftools
	@cp -L $(GPT_LIB) $(GPERFTOOLS)/test/* $(CXXLIBS) $(BIN)/gperftools/
	@install -m 644 tests/allocators/lazyfree-suite.sh $(BIN)/
	@install -m 755 $< $@

# jemalloc's own unit and integration tests, with the patched library and
# the libm some of them load.
$(BIN)/alloc-jemalloc: tests/allocators/jemalloc.sh tests/allocators/lazyfree-suite.sh $(JEMALLOC)/lib/libjemalloc.a | $(BIN)
	@rm -rf $(BIN)/jemalloc && mkdir -p $(BIN)/jemalloc/lib
	@cp -r $(JEMALLOC)/test $(BIN)/jemalloc/
	@cp -L $(JEMALLOC)/lib/libjemalloc.so.2 /lib/x86_64-linux-gnu/libm.so.6 $(BIN)/jemalloc/lib/
	@install -m 644 tests/allocators/lazyfree-suite.sh $(BIN)/
	@install -m 755 $< $@

# mimalloc's own tests, dynamic, with the patched library beside them.
$(BIN)/alloc-mimalloc: tests/allocators/mimalloc.sh tests/allocators/lazyfree-suite.sh $(MIMALLOC)/lib/libmimalloc.so.2 | $(BIN)
	@mkdir -p $(BIN)/mimalloc
	@cp -L $(MIMALLOC)/lib/libmimalloc.so.2 $(MIMALLOC)/test/mimalloc-test-api \
		$(MIMALLOC)/test/mimalloc-test-stress $(BIN)/mimalloc/
	@install -m 644 tests/allocators/lazyfree-suite.sh $(BIN)/
	@install -m 755 $< $@

$(BIN)/alloc-jemalloc-lazyfree: tests/allocators/jemalloc-lazyfree.c $(TESTLIB) $(JEMALLOC)/lib/libjemalloc.a | $(BIN)
	$(CC) $(CFLAGS) -I $(JEMALLOC)/include -o $@ $< testlib/testlib.c \
		$(JEMALLOC)/lib/libjemalloc.a -lm -ldl

# Dynamic, for mallocs run with LD_PRELOAD (Debian's mimalloc, jemalloc and
# tcmalloc, and the patched ones); the image carries the loader and Debian's.
DYNLIBS := /lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu/libc.so.6 \
           /usr/lib/x86_64-linux-gnu/libmimalloc.so.2 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
           /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
$(BIN)/ebizzy-dyn: bench/ebizzy.c $(TESTLIB) | $(BIN)
	$(CC) $(filter-out -static,$(CFLAGS)) -o $@ $< testlib/testlib.c

$(FUZZ): tests/fuzz/lffuzz.c $(TESTLIB) | $(BIN)
	$(CC) $(CFLAGS) -o $@ $< testlib/testlib.c

# liblazyfree's tests are built by lib/Makefile alone, static so that the
# same programs run on the host and in the guest; lib-tests runs it once for
# all of them, and each is copied here under its guest name.
.PHONY: lib-tests
lib-tests:
	$(MAKE) -C lib tests TEST_LDFLAGS=-static

$(BIN)/lf-test-%: lib-tests | $(BIN)
	cmp -s lib/test/$* $@ || cp -f lib/test/$* $@

$(BIN):
	@mkdir -p $@

progs: headers
	@$(MAKE) -s --no-print-directory $(PROGS)

# Debian's redis-server and redis-benchmark, unpacked with the libraries
# they load (Debian's libjemalloc.so.2 among them), for the redis benchmark.
REDIS := $(B)/redis
$(REDIS)/.stamp: scripts/lib/redis.sh
	@scripts/lib/redis.sh $(REDIS)

image: progs $(REDIS)/.stamp
	@cp guest/run-tests guest/bench-suite guest/bench-redis guest/bench-allocators $(BIN)/
	@scripts/lib/mkimage.sh $(B)/guest-base.cpio.gz --base $(BIN)/:/lazyfree/bin/ \
		$(REDIS)/:/lazyfree/redis/ \
		$(foreach l,$(DYNLIBS),$(l):$(l))
	@echo ">>> guest image: $(B)/guest-base.cpio.gz"

selftests: headers
	@scripts/lib/selftests.sh build

# Rewrite tests/mm-selftests.pass; run on the unpatched kernel only.
selftests-baseline: kernel image selftests
	@scripts/lib/selftests.sh baseline

# The benchmarks in one boot: make run prints a short version of the
# tables; make bench writes results/*.csv and results/*.png.
run: kernel image
	@scripts/bench.sh short

bench: kernel image
	@scripts/bench.sh full

check: kernel kernel-debug image selftests
	@scripts/check.sh

vm: kernel image
	@$(VM) --shell

# The fuzzer, as long as asked: make fuzz [DURATION=600] [SEED=n] [KERNEL=debug]
DURATION ?= 300
SEED    ?= $(shell date +%s)
KERNEL  ?= normal
fuzz: kernel $(if $(filter debug,$(KERNEL)),kernel-debug) image
	@$(VM) -q -k $(KERNEL) -t $$(( $(DURATION) + 300 )) -- lffuzz -T $(DURATION) -s $(SEED)

patches:
	@scripts/lib/kernel-tree.sh export

# Build the normal kernel at every patch of the series (bisectability).
series-build: kernel
	@scripts/lib/series-build.sh

# Build arm64, where the generic fallbacks of the series are used.
cross-build: tree
	@scripts/lib/cross-build.sh arm64

clean:
	rm -rf $(BIN) $(B)/*.cpio.gz $(B)/selftests-mm

distclean:
	rm -rf $(B)
