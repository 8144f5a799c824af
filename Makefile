# crashsafe - a plain Makefile. See README.md for the two quick-start commands.
#
#   make                  build build/crashsafe
#   make test             build and run every test (TAP, under prove)
#   make test-live        the live tests only (real MariaDB servers)
#   make portable         build/crashsafe-blocking: the live collector without
#                         Connector/C's non-blocking API (Oracle's libmysqlclient path)
#   make demo             build and audit the bundled examples
#   make install          PREFIX=/usr/local DESTDIR=
#   make fuzz             build and run every parser's fuzzer in turn (FUZZ_SECONDS=60 each)
#   make fuzz-check       every fuzzer once over its seed corpus
#   make memcheck         the end-to-end tests with crashsafe under valgrind
#   make bench            run the benchmarks (not tests)
#   SANITIZE=address,undefined   build with sanitizers
#   BUILD=dir             build somewhere else than build/
#   WERROR=1              warnings are errors (on by default when CI is set)

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/crashsafe
MANDIR    = $(PREFIX)/share/man
CC       ?= cc
SANITIZE ?=
ifneq ($(CI),)
WERROR   ?= 1
endif
WERROR   ?= 0

DEPS     := $(shell sh scripts/deps.sh build >&2 || echo failed)
ifeq ($(DEPS),failed)
$(error missing build dependencies (see the line above))
endif

PKGS      = mysqlclient inih libxml-2.0 jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
# What the crashsafe binary itself links: inih, and not libxml2, jansson or
# MariaDB's Connector/C, which are loaded when first used (auditor/lazylib.h:
# they were most of the start-up time). Another libmysqlclient is linked as
# before. dlopen() is in libc since glibc 2.34; -ldl before that.
HASH       := \#
LAZY_MYSQL := $(shell printf '$(HASH)include <mysql.h>\n$(HASH)ifndef MARIADB_PACKAGE_VERSION\n$(HASH)error\n$(HASH)endif\n' | \
		$(CC) $(PKG_CFLAGS) -E -x c - >/dev/null 2>&1 && echo 1)
NEED_LDL   := $(shell printf '$(HASH)include <dlfcn.h>\nint main(void) { return dlopen("x", 0) != 0; }\n' | \
		$(CC) -x c -o /dev/null - >/dev/null 2>&1 || echo -ldl)
# inih is linked statically when its archive is installed (Debian's libinih-dev ships
# libinih.a): one shared object less for the dynamic loader to find, map and relocate at
# every start, 29,000 of the 210,000 instructions of `crashsafe --version` (issue 13,
# docs/benchmarks.md "One option file"). Without the archive, the shared library as before.
INIH_A     := $(shell $(CC) -print-file-name=libinih.a)
ifneq ($(wildcard $(INIH_A)),)
INIH_LINK  := $(filter-out -linih,$(shell pkg-config --libs inih)) -Wl,-Bstatic -linih -Wl,-Bdynamic
else
INIH_LINK  := $(shell pkg-config --libs inih)
endif
LINK_LIBS  := $(INIH_LINK) $(if $(LAZY_MYSQL),,$(shell pkg-config --libs mysqlclient)) $(NEED_LDL)

WARN = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings -Wvla \
       -Wshadow -Wformat=2 -Wpointer-arith -Wcast-qual -Wold-style-definition \
       -Wnull-dereference -Wundef -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif

CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
	     $(PKG_CFLAGS) -DINI_HANDLER_LINENO=1 -DRULES_DIR='"$(DATADIR)/rules"'
ALL_LDFLAGS = $(LDFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

CORE_SRC  = $(filter-out auditor/main.c,$(wildcard auditor/*.c)) $(wildcard reports/*.c)
# The full option catalog, compiled in (auditor/options.h): generated from
# rules/options.tsv with awk, so the build needs nothing the Makefile does not.
GEN_SRC   = $(BUILD)/gen/options_table.c
# The built-in rule files and catalog as read by inih at build time (auditor/inipack.h):
# scripts/gen-inipack.c, linked with every other object, records them.
PACK_INPUTS = $(sort $(wildcard rules/*.ini))
NOPACK_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/options_table.o
CORE_OBJ  = $(NOPACK_OBJ) $(BUILD)/gen/inipack_data.o
MAIN_OBJ  = $(BUILD)/auditor/main.o
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

all: $(BUILD)/crashsafe

$(BUILD)/crashsafe: $(MAIN_OBJ) $(BUILD)/libcrashsafe.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LINK_LIBS)

$(BUILD)/libcrashsafe.a: $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/gen/options_table.c: rules/options.tsv scripts/gen-options-table.awk
	@mkdir -p $(dir $@)
	LC_ALL=C awk -f scripts/gen-options-table.awk rules/options.tsv > $@.tmp
	mv $@.tmp $@

$(BUILD)/gen/options_table.o: $(BUILD)/gen/options_table.c auditor/options.h
	$(CC) $(ALL_CFLAGS) -Iauditor -c -o $@ $<

$(BUILD)/gen/gen-inipack: scripts/gen-inipack.c $(NOPACK_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iauditor -o $@ $< $(NOPACK_OBJ) $(ALL_LDFLAGS) $(LINK_LIBS)

$(BUILD)/gen/inipack_data.c: $(BUILD)/gen/gen-inipack $(PACK_INPUTS)
	$(BUILD)/gen/gen-inipack $@.tmp $(PACK_INPUTS)
	mv $@.tmp $@

$(BUILD)/gen/inipack_data.o: $(BUILD)/gen/inipack_data.c auditor/inipack.h auditor/prebuilt.h auditor/catalog.h auditor/engine.h auditor/expr.h
	$(CC) $(ALL_CFLAGS) -Iauditor -c -o $@ $<

# The sonames lazylib.c loads (scripts/lazylib-sonames.sh).
$(BUILD)/gen/lazylib_sonames.h: scripts/lazylib-sonames.sh
	@mkdir -p $(dir $@)
	sh scripts/lazylib-sonames.sh $(CC) > $@.tmp
	mv $@.tmp $@
$(BUILD)/auditor/lazylib.o: $(BUILD)/gen/lazylib_sonames.h
$(BUILD)/auditor/lazylib.o: ALL_CFLAGS += -I$(BUILD)/gen

$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/tap.h $(BUILD)/libcrashsafe.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iauditor -Ireports -o $@ $< $(BUILD)/libcrashsafe.a $(ALL_LDFLAGS) $(PKG_LIBS)

units: $(UNIT_BIN)

-include $(CORE_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# ---- tests --------------------------------------------------------------
# TESTS selects what prove runs; by default everything.
TESTS ?= $(UNIT_BIN) $(sort $(wildcard tests/*.t))
PROVE_FLAGS ?=

test-deps:
	@sh scripts/deps.sh test

test: test-deps all units
	CRASHSAFE=$(abspath $(BUILD)/crashsafe) BUILD=$(abspath $(BUILD)) \
	  prove $(PROVE_FLAGS) --exec '' $(TESTS)

# The unit tests and the option-file reader tests only (CI runs these under sanitizers).
test-reader: test-deps all units
	CRASHSAFE=$(abspath $(BUILD)/crashsafe) BUILD=$(abspath $(BUILD)) \
	  prove $(PROVE_FLAGS) --exec '' $(UNIT_BIN) $(wildcard tests/optfile*.t)

# The live tests only (real MariaDB servers, scripted protocol servers); CI runs them under sanitizers.
test-live: test-deps all
	CRASHSAFE=$(abspath $(BUILD)/crashsafe) BUILD=$(abspath $(BUILD)) \
	  prove $(PROVE_FLAGS) --exec '' $(sort $(wildcard tests/live*.t))

# The live collector's portable path (no non-blocking API, as with Oracle's
# libmysqlclient), built against this Connector/C: $(BUILD)/crashsafe-blocking.
PORTABLE_OBJ = $(filter-out $(BUILD)/auditor/live_loop.o,$(CORE_OBJ)) $(BUILD)/portable/live_loop.o
$(BUILD)/portable/live_loop.o: auditor/live_loop.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DLIVE_NO_NONBLOCKING -c -o $@ $<
$(BUILD)/crashsafe-blocking: $(MAIN_OBJ) $(PORTABLE_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LINK_LIBS)
portable: $(BUILD)/crashsafe-blocking

demo: all
	@sh examples/demo.sh $(BUILD)/crashsafe

# ---- fuzzing -------------------------------------------------------------
# One libFuzzer target per parser: fuzz/fuzz_NAME.c, seeds in fuzz/corpus/NAME/,
# an optional dictionary fuzz/NAME.dict (fuzz/README.md). The whole core is
# built again with clang, -fsanitize=fuzzer-no-link,address,undefined.
#   make fuzz                      every target in turn, FUZZ_SECONDS each
#   make fuzz FUZZ_TARGETS="snapshot rules"
#   make fuzz-check                every target once over its seeds (CI)
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_MAX_LEN ?= 65536
FUZZ_BUILD = $(BUILD)/fuzz
FUZZ_ALL = $(sort $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer \
	      -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	      $(PKG_CFLAGS) -DINI_HANDLER_LINENO=1 -DRULES_DIR='"$(DATADIR)/rules"' \
	      -DFUZZ_RULES_DIR='"$(abspath rules)"' -I$(BUILD)/gen
FUZZ_OBJ = $(CORE_SRC:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/gen/options_table.o $(FUZZ_BUILD)/gen/inipack_data.o

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_BUILD)/auditor/lazylib.o: $(BUILD)/gen/lazylib_sonames.h

$(FUZZ_BUILD)/gen/options_table.o: $(BUILD)/gen/options_table.c auditor/options.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iauditor -c -o $@ $<

$(FUZZ_BUILD)/gen/inipack_data.o: $(BUILD)/gen/inipack_data.c auditor/inipack.h auditor/prebuilt.h auditor/catalog.h auditor/engine.h auditor/expr.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Iauditor -c -o $@ $<

$(FUZZ_BUILD)/libcrashsafe.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/common.c fuzz/fuzz.h $(FUZZ_BUILD)/libcrashsafe.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Iauditor -o $@ $< fuzz/common.c \
	  $(FUZZ_BUILD)/libcrashsafe.a $(PKG_LIBS)

-include $(FUZZ_OBJ:.o=.d)

fuzz-deps:
	@sh scripts/deps.sh fuzz

fuzz-build: fuzz-deps $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

# The working corpus grows under $(FUZZ_BUILD)/corpus/NAME; the seeds in the
# tree are only read. A finding stops the loop (crash-*, leak-*, timeout-*
# files in $(FUZZ_BUILD)).
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t || exit 1; \
	  dict=; [ -f fuzz/$$t.dict ] && dict=-dict=$(abspath fuzz/$$t.dict); \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  (cd $(FUZZ_BUILD) && ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $$dict corpus/$$t $(abspath fuzz/corpus)/$$t) \
	    || exit 1; \
	done

fuzz-check: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  (cd $(FUZZ_BUILD) && ./fuzz_$$t -runs=0 -max_len=$(FUZZ_MAX_LEN) $(abspath fuzz/corpus)/$$t \
	    >fuzz_$$t.check.log 2>&1) || { cat $(FUZZ_BUILD)/fuzz_$$t.check.log; exit 1; }; \
	  echo "fuzz_$$t: $$(ls fuzz/corpus/$$t | wc -l) seeds, no finding"; \
	done

# ---- valgrind -------------------------------------------------------------
# memcheck over the end-to-end tests of check, resolve, rules and live: every
# crashsafe process those tests start runs under valgrind (the resolve
# differential, 190 runs, one in MEMCHECK_SAMPLE); zero errors allowed
# (tests/valgrind/run.sh). CI runs it once per run.
MEMCHECK_TESTS ?= tests/check.t tests/golden.t tests/terminal.t tests/secrets-mask.t tests/live.t
MEMCHECK_SAMPLED ?= tests/optfile.t
MEMCHECK_SAMPLE ?= 10
memcheck: test-deps all
	BUILD=$(abspath $(BUILD)) bash tests/valgrind/run.sh $(BUILD)/crashsafe 1 $(MEMCHECK_TESTS)
	BUILD=$(abspath $(BUILD)) bash tests/valgrind/run.sh $(BUILD)/crashsafe $(MEMCHECK_SAMPLE) $(MEMCHECK_SAMPLED)

bench: all
	@sh scripts/deps.sh bench
	sh bench/run.sh $(BUILD)/crashsafe

# ---- install ------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/crashsafe $(DESTDIR)$(BINDIR)/crashsafe
	install -m 644 rules/*.ini $(DESTDIR)$(DATADIR)/rules/
	install -m 644 man/crashsafe.1 $(DESTDIR)$(MANDIR)/man1/crashsafe.1

clean:
	rm -rf $(BUILD)

.PHONY: all units test test-deps test-reader test-live portable demo fuzz fuzz-deps fuzz-build fuzz-check memcheck bench install clean
