# cleanheat — build, test, run and benchmark.
#
# Top-level targets (each first installs missing Debian packages, see
# scripts/deps.sh):
#   make          build ./cleanheat (optimised, warnings are errors)
#   make run      build, create ./cleanheat.db with the Changji 2023 plan and a demo, serve it
#   make test     build the release and the ASan+UBSan trees, run every test
#                 (the browser tests too: npm ci in tests/web first) on
#                 SQLite with the ASan build and, at the same time, every
#                 unit and end-to-end test that is not SQLite-only on a
#                 throwaway PostgreSQL cluster with the release build
#                 (tests/run.sh)
#   make bench    run the benchmarks in bench/
#   make format   reformat the sources with .clang-format
#   make man      write the manual page build/release/cleanheat.1 (from the
#                 operation table: `cleanheat help --man`)
#   make deb      build the Debian package build/deb/cleanheat_VERSION_ARCH.deb
#                 (dpkg-deb; dist/build-deb.sh says what it holds)
#
# Internally one build tree per MODE (release, asan) under build/: the same
# rules, different flags, so a sanitizer build never mixes with a release one.

MODE ?= release
B := build/$(MODE)
CC ?= cc

# The notice PDF's libraries (PDF_PKGS) are compiled against but not linked:
# src/io/notice_pdf.c loads them with dlopen when a PDF is written, so that
# no other command pays for loading them. --as-needed drops any other
# library nothing refers to.
PKGS := sqlite3 libpq libsodium jansson expat minizip xlsxwriter libmicrohttpd zlib libqrencode
PDF_PKGS := pangocairo fontconfig
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(PDF_PKGS))
PKG_LIBS = -Wl,--as-needed $(shell pkg-config --libs $(PKGS)) -lcsv -ldl
# The program itself loads libpq too when it first connects to PostgreSQL,
# libmicrohttpd when `serve` starts, libxlsxwriter when it first writes a
# workbook (the end of src/db/db_pg.c and of src/http/server.c, and
# src/io/xlsxw.c, stand in for them), expat and minizip when it first reads
# one (src/io/xlsxr.c), libqrencode when it first draws a QR code
# (src/io/qr.c) and zlib when the server first inflates a page for a client
# that refuses gzip (src/http/static.c); the unit tests and fuzz targets
# link them all.
LAZY_PKGS := libpq libmicrohttpd xlsxwriter expat minizip zlib libqrencode
BIN_LIBS = -Wl,--as-needed $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS))) -lcsv -ldl

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
STD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
# The sanitizer build: ASan, and UBSan's checks compiled as traps, each a
# stop with ASan's report of where (tests/run.sh sets handle_sigill=1). Its
# runtime library is then not loaded: every process of the tests spent
# about a fifth more time with it (LeakSanitizer scans its 6 MB of zeroed
# globals at every exit; docs/architecture.md, "The suite's time").
ifeq ($(MODE),asan)
MODE_CFLAGS := -O1 -g -fsanitize=address,undefined -fsanitize-undefined-trap-on-error \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
MODE_LDFLAGS := -fsanitize=address,undefined -fsanitize-undefined-trap-on-error
else
MODE_CFLAGS := -O2 -g
MODE_LDFLAGS :=
endif
CFLAGS_ALL = $(STD) $(WARN) $(MODE_CFLAGS) -Isrc -I$(B)/gen $(PKG_CFLAGS) $(CFLAGS) -MMD -MP

LIB_SRC := $(wildcard src/util/*.c src/db/*.c src/core/*.c src/io/*.c src/app/*.c)
CLI_SRC := $(wildcard src/cli/*.c src/http/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/embedded.o
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o) $(B)/gen/web_assets.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# Files compiled into the binary: schema migrations (SQLite's, and
# PostgreSQL's in src/db/sql/pg/) and reference data.
EMBED := $(sort $(wildcard src/db/sql/*.sql)) $(sort $(wildcard src/db/sql/pg/*.sql)) $(sort $(wildcard data/regions/*.csv)) \
	$(sort $(wildcard data/register/*.csv)) $(sort $(wildcard data/calendar/*.csv)) \
	$(sort $(wildcard data/acceptance/*.csv)) $(sort $(wildcard data/subsidy/*.csv)) \
	$(sort $(wildcard data/survey/*.csv)) $(sort $(wildcard data/tariffs/*.csv)) \
	$(sort $(wildcard data/emission/*.csv))
# The web dashboard: its own files, and ECharts from npm (web/package.json
# and its lock file, installed by `npm ci`; never copied in by hand).
WEB_OWN := $(sort $(wildcard web/*.html web/*.css web/*.svg web/js/*.js web/js/*/*.js))
WEB_NPM := web/node_modules/.package-lock.json
ECHARTS := web/node_modules/echarts/dist/echarts.common.min.js

# Quiet by default; `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps run test bench soak format clean bin units
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) -s --no-print-directory MODE=release bin
	@cp build/release/cleanheat ./cleanheat

deps:
	@sh scripts/deps.sh

run: all
	@sh scripts/run.sh ./cleanheat

# The browser tests' libraries (playwright-core, axe-core), from npm.
TEST_WEB_NPM := tests/web/node_modules/.package-lock.json
$(TEST_WEB_NPM): tests/web/package.json tests/web/package-lock.json
	@echo "  NPM   tests/web (npm ci)"
	$(Q)cd tests/web && npm ci --no-audit --no-fund --loglevel=error
	$(Q)touch $@

# The build tree of the PostgreSQL pass; `make test TEST_PG_BUILD=` runs
# the SQLite pass alone.
TEST_PG_BUILD ?= build/release

# The builds `make test` makes use every processor (BUILD_JOBS) unless make
# was given its own -j.
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD_J = $(if $(findstring j,$(filter-out --%,$(MAKEFLAGS))),,-j$(BUILD_JOBS))

test: deps $(TEST_WEB_NPM)
	@$(MAKE) --no-print-directory $(BUILD_J) MODE=release bin units
	@$(MAKE) --no-print-directory $(BUILD_J) MODE=asan bin units
	@sh tests/run.sh build/asan $(TEST_PG_BUILD)
	@$(MAKE) --no-print-directory -k $(BUILD_J) MODE=asan fuzz-replay

bench: all
	@sh bench/run.sh ./cleanheat

# At least 1,000 SIGKILLs at random moments across household import, event
# import, payment and reconciliation, each followed by the integrity and
# verify checks (tests/soak/soak.sh; SOAK_KILLS, SOAK_HH, SOAK_SEED). Not part
# of `make test`, which runs a short version (tests/cli/test_soak_short.sh).
soak: all
	@CLEANHEAT=$(CURDIR)/build/release/cleanheat sh tests/soak/soak.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build cleanheat

bin: $(B)/cleanheat
units: $(UNIT_BIN)

$(B)/cleanheat: $(CLI_OBJ) $(B)/libcleanheat.a $(B)/flags
	@echo "  LINK  $@"
	$(Q)$(CC) $(MODE_LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libcleanheat.a $(BIN_LIBS) -lpthread

$(B)/libcleanheat.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/libcleanheat.a $(B)/flags
	@mkdir -p $(dir $@)
	@echo "  TEST  $@"
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(B)/libcleanheat.a $(PKG_LIBS) \
		$(shell pkg-config --libs cmocka) $(MODE_LDFLAGS) -lpthread
# the headers each one includes (testdb.h, ops_samples_*.h ...), as -MMD
# wrote them beside it
-include $(UNIT_BIN:=.d)

$(B)/%.o: %.c $(B)/flags
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/gen/embedded.o: $(B)/gen/embedded.c $(B)/flags
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/gen/embedded.c: $(B)/tools/embed $(EMBED) $(B)/gen/embed.list Makefile
	@mkdir -p $(dir $@)
	$(Q)$(B)/tools/embed $(EMBED) > $@

# The names of the embedded files, rewritten only when they change: a file
# removed (a migration dropped while switching branches) changes no
# prerequisite's time, so without it the program kept the removed file.
$(B)/gen/embed.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(EMBED)' | cmp -s - $@ || echo '$(EMBED)' > $@
FORCE:

# The compiler and the mode's flags, rewritten only when they change, so
# that a tree built with other flags is built again rather than linked
# with objects that need another runtime.
$(B)/flags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CC) $(MODE_CFLAGS) $(MODE_LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(MODE_CFLAGS) $(MODE_LDFLAGS)' > $@

# The pages are staged in $(B)/web: index.html with @VERSION@ replaced by
# the digest of the whole set (so every other file's URL changes with its
# content and may be cached for a year), every file gzip-compressed, then
# compiled in as ch_web_assets (served by src/http/static.c).
$(WEB_NPM): web/package.json web/package-lock.json
	@echo "  NPM   web (npm ci)"
	$(Q)cd web && npm ci --no-audit --no-fund --loglevel=error
	$(Q)touch $@

$(B)/gen/web_assets.o: $(B)/gen/web_assets.c $(B)/flags
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/gen/web_assets.c: $(B)/tools/embed $(WEB_OWN) $(WEB_NPM) Makefile
	@echo "  WEB   $@"
	$(Q)rm -rf $(B)/web && mkdir -p $(B)/web/lib $(dir $@)
	$(Q)v=$$(cat $(WEB_OWN) $(ECHARTS) | sha256sum | cut -c1-12) && \
	for f in $(WEB_OWN:web/%=%); do \
		mkdir -p $(B)/web/$$(dirname $$f) && \
		sed "s/@VERSION@/$$v/g" web/$$f > $(B)/web/$$f && gzip -9 -n $(B)/web/$$f || exit 1; \
	done && \
	gzip -9 -n -c $(ECHARTS) > $(B)/web/lib/echarts.js.gz && \
	printf '%s' "$$v" > $(B)/web/VERSION
	$(Q)$(B)/tools/embed -t ch_web_assets -p $(B)/web/ $$(find $(B)/web -type f | LC_ALL=C sort) > $@

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

# --- fuzz (begin) ---
# libFuzzer targets in fuzz/ (see fuzz/*.c), their seed corpora in
# fuzz/corpus/<target>/ and reproducers of every crash found there.
#   make fuzz          (top level) build the targets with clang, libFuzzer,
#                      ASan and UBSan in build/fuzz (the library compiled by
#                      clang too) and run each for FUZZ_SECONDS in fork mode
#                      (a crash is saved and fuzzing goes on); new inputs go
#                      to build/fuzz/corpus/<target>, crashes to
#                      build/fuzz/crashes/ (copy one to fuzz/corpus/<target>/
#                      to keep it replayed). FUZZ_TARGETS=csv runs one.
#                      Each target runs with TMPDIR=build/fuzz/tmp/<target>,
#                      removed after it: the processes of fork mode end
#                      without cleaning up the databases they made there.
#   make fuzz-replay   (internal, any MODE) run each target over its committed
#                      corpus with fuzz/replay.c instead of libFuzzer: no clang
# Targets link the library and the router (libcleanheat-http.a: src/http
# without server.c, so without libmicrohttpd).
FUZZ_TARGETS ?= csv xlsx plan_table http event_file bank_return region_file rules headings json
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN_csv := 65536
FUZZ_MAX_LEN_xlsx := 262144
FUZZ_MAX_LEN_plan_table := 16384
FUZZ_MAX_LEN_http := 16384
FUZZ_MAX_LEN_event_file := 65536
FUZZ_MAX_LEN_bank_return := 32768
FUZZ_MAX_LEN_region_file := 16384
FUZZ_MAX_LEN_rules := 16384
FUZZ_MAX_LEN_headings := 65536
FUZZ_MAX_LEN_json := 8192
FUZZ_MAX_LENS = $(foreach t,$(FUZZ_TARGETS),$(t)=$(FUZZ_MAX_LEN_$(t)))
FUZZ_CFLAGS = $(filter-out -MMD -MP,$(CFLAGS_ALL)) -Ifuzz
# The router without the server (the one file that includes microhttpd.h),
# for targets that hand it requests directly; the binary links the same
# objects.
HTTP_LIB_OBJ := $(filter-out $(B)/src/http/server.o,$(filter $(B)/src/http/%,$(CLI_OBJ))) \
	$(B)/gen/web_assets.o
FUZZ_LIBS := $(B)/libcleanheat-http.a $(B)/libcleanheat.a
ifeq ($(MODE),fuzz)
MODE_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
MODE_LDFLAGS := -fsanitize=fuzzer,address,undefined
endif

.PHONY: fuzz fuzz-replay fuzz-build

fuzz: deps
	@sh fuzz/deps.sh
	@$(MAKE) --no-print-directory MODE=fuzz CC=clang fuzz-build
	@failed=0; crashes=build/fuzz/crashes; empty=da39a3ee5e6b4b0d3255bfef95601890afd80709; \
	for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t $$crashes; \
		rm -f $$crashes/$$t-*; \
		echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; \
		dict=; [ ! -f fuzz/$$t.dict ] || dict=-dict=fuzz/$$t.dict; \
		max_len=16384; for kv in $(FUZZ_MAX_LENS); do \
			[ "$${kv%%=*}" != "$$t" ] || max_len=$${kv#*=}; done; \
		tmp=$$PWD/build/fuzz/tmp/$$t; rm -rf $$tmp; mkdir -p $$tmp; \
		TMPDIR=$$tmp build/fuzz/fuzz/fuzz_$$t -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
			-ignore_ooms=1 -max_len=$$max_len -max_total_time=$(FUZZ_SECONDS) \
			-timeout=25 $$dict -artifact_prefix=$$crashes/$$t- \
			build/fuzz/corpus/$$t fuzz/corpus/$$t || failed=1; \
		rm -rf $$tmp; \
		if [ -f $$crashes/$$t-crash-$$empty ] && [ ! -s $$crashes/$$t-crash-$$empty ]; then \
			rm -f $$crashes/$$t-crash-$$empty; \
			echo "fuzz: an input in fuzz/corpus/$$t crashes (see make fuzz-replay)"; \
			failed=1; \
		fi; \
	done; \
	n=0; for t in $(FUZZ_TARGETS); do \
		n=$$((n + $$(ls $$crashes | grep -c "^$$t-" || true))); done; \
	if [ "$$n" -gt 0 ]; then \
		echo "fuzz: $$n crashing inputs in $$crashes/ (run one with"; \
		echo "  build/fuzz/fuzz/fuzz_<target> FILE; keep a reproducer in fuzz/corpus/<target>/):"; \
		ls $$crashes; \
	fi; \
	exit $$failed

fuzz-build: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

$(B)/libcleanheat-http.a: $(HTTP_LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

# the targets over a database share fuzz_db.h; fuzz_json is fuzz_http.c
# driven with JSON bodies
FUZZ_DB_TARGETS := event_file bank_return region_file rules headings
$(FUZZ_DB_TARGETS:%=$(B)/fuzz/fuzz_%) $(FUZZ_DB_TARGETS:%=$(B)/fuzz/replay_%): fuzz/fuzz_db.h
$(B)/fuzz/fuzz_json $(B)/fuzz/replay_json: fuzz/fuzz_http.c

$(B)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_LIBS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ  $@"
	$(Q)$(CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_LIBS) $(PKG_LIBS) $(MODE_LDFLAGS) -lpthread

# one target for each, so that `make -j` replays them side by side (and
# `make -k` replays them all when one fails)
FUZZ_REPLAYS := $(FUZZ_TARGETS:%=fuzz-replay-%)
.PHONY: $(FUZZ_REPLAYS)
fuzz-replay: $(FUZZ_REPLAYS)
$(FUZZ_REPLAYS): fuzz-replay-%: $(B)/fuzz/replay_%
	@ASAN_OPTIONS=$${ASAN_OPTIONS:-detect_leaks=1} \
		UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		$(B)/fuzz/replay_$* fuzz/corpus/$*

$(B)/fuzz/replay_%: fuzz/replay.c fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_LIBS)
	@mkdir -p $(dir $@)
	@echo "  LINK  $@"
	$(Q)$(CC) $(FUZZ_CFLAGS) -o $@ fuzz/replay.c fuzz/fuzz_$*.c $(FUZZ_LIBS) \
		$(PKG_LIBS) $(MODE_LDFLAGS) -lpthread
# --- fuzz (end) ---

# --- packaging (begin) ---
# The manual page is written by the program from its operation table; the
# package holds the program, the page and the files of dist/.
.PHONY: man deb

man: $(B)/cleanheat.1

$(B)/cleanheat.1: $(B)/cleanheat
	@echo "  MAN   $@"
	$(Q)$(B)/cleanheat help --man >$@.tmp && mv $@.tmp $@

deb: $(B)/cleanheat $(B)/cleanheat.1
	@echo "  DEB   build/deb"
	$(Q)sh dist/build-deb.sh $(B)/cleanheat $(B)/cleanheat.1 build/deb
# --- packaging (end) ---

# --- bench (begin) ---
# Benchmark programs in bench/, linked against the library of one MODE.
# bench/run.sh (run by `make bench`) builds them itself with
# `make MODE=release bench-bin` before it runs them.
#   make bench-bin   (internal, any MODE) build $(B)/bench/ledger_bench,
#                    $(B)/bench/cmdtime (a short command's wall time) and
#                    $(B)/bench/stmtprof.so (each SQLite statement's time,
#                    preloaded; MODE=release only)
.PHONY: bench-bin

bench-bin: $(B)/bench/ledger_bench $(B)/bench/cmdtime $(if $(filter release,$(MODE)),$(B)/bench/stmtprof.so)

$(B)/bench/stmtprof.so: bench/stmtprof.c
	@mkdir -p $(dir $@)
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS_ALL) -shared -fPIC -o $@ $< $(shell pkg-config --libs sqlite3) -ldl -lpthread

$(B)/bench/cmdtime: bench/cmdtime.c
	@mkdir -p $(dir $@)
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(MODE_LDFLAGS)

$(B)/bench/ledger_bench: bench/ledger_bench.c $(B)/libcleanheat.a
	@mkdir -p $(dir $@)
	@echo "  LINK  $@"
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(B)/libcleanheat.a $(PKG_LIBS) $(MODE_LDFLAGS) -lpthread

-include $(B)/bench/ledger_bench.d $(B)/bench/cmdtime.d $(B)/bench/stmtprof.d
# --- bench (end) ---

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
