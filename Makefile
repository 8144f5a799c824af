# crashsafe - a plain Makefile. See README.md for the two quick-start commands.
#
#   make                  build build/crashsafe
#   make test             build and run every test (TAP, under prove)
#   make demo             build and audit the bundled examples
#   make install          PREFIX=/usr/local DESTDIR=
#   make fuzz             build and run the option-file reader fuzzer (FUZZ_SECONDS=60)
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
CORE_OBJ  = $(CORE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/options_table.o
MAIN_OBJ  = $(BUILD)/auditor/main.o
UNIT_SRC  = $(wildcard tests/unit/test_*.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

all: $(BUILD)/crashsafe

$(BUILD)/crashsafe: $(MAIN_OBJ) $(BUILD)/libcrashsafe.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(PKG_LIBS)

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

demo: all
	@sh examples/demo.sh $(BUILD)/crashsafe

# ---- fuzzing -------------------------------------------------------------
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
# The reader and the little it needs: the fuzzer stays independent of the rest.
FUZZ_SRC = auditor/optfile.c auditor/fileio.c auditor/diag.c auditor/flavor.c auditor/util.c
fuzz:
	@sh scripts/deps.sh fuzz
	@sh scripts/deps.sh build
	@mkdir -p $(BUILD)/fuzz $(BUILD)/fuzz/corpus
	$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iauditor \
	  -o $(BUILD)/fuzz/fuzz_optfile fuzz/fuzz_optfile.c $(FUZZ_SRC)
	cd $(BUILD)/fuzz && ./fuzz_optfile -max_total_time=$(FUZZ_SECONDS) -max_len=20000 \
	  -timeout=10 corpus $(abspath fuzz/corpus)

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

.PHONY: all units test test-deps test-reader demo fuzz bench install clean
