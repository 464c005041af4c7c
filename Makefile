# cleanheat — build, test, run and benchmark.
#
# Top-level targets (each first installs missing Debian packages, see
# scripts/deps.sh):
#   make          build ./cleanheat (optimised, warnings are errors)
#   make run      build, create ./cleanheat.db, load the Changji 2023 plan, print it
#   make test     build the release and the ASan+UBSan trees, run every test
#   make bench    run the benchmarks in bench/
#   make format   reformat the sources with .clang-format
#
# Internally one build tree per MODE (release, asan) under build/: the same
# rules, different flags, so a sanitizer build never mixes with a release one.

MODE ?= release
B := build/$(MODE)
CC ?= cc

PKGS := sqlite3 libsodium jansson expat minizip xlsxwriter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lcsv

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
STD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ifeq ($(MODE),asan)
MODE_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
MODE_LDFLAGS := -fsanitize=address,undefined
else
MODE_CFLAGS := -O2 -g
MODE_LDFLAGS :=
endif
CFLAGS_ALL = $(STD) $(WARN) $(MODE_CFLAGS) -Isrc -I$(B)/gen $(PKG_CFLAGS) $(CFLAGS) -MMD -MP

LIB_SRC := $(wildcard src/util/*.c src/db/*.c src/core/*.c src/io/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/embedded.o
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
# Files compiled into the binary: schema migrations and reference regions.
EMBED := $(sort $(wildcard src/db/sql/*.sql)) $(sort $(wildcard data/regions/*.csv)) \
	$(sort $(wildcard data/register/*.csv))

# Quiet by default; `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps run test bench format clean bin units
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory MODE=release bin
	@cp build/release/cleanheat ./cleanheat

deps:
	@sh scripts/deps.sh

run: all
	@sh scripts/run.sh ./cleanheat

test: deps
	@$(MAKE) --no-print-directory MODE=release bin units
	@$(MAKE) --no-print-directory MODE=asan bin units
	@sh tests/run.sh build/asan

bench: all
	@sh bench/run.sh ./cleanheat

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build cleanheat

bin: $(B)/cleanheat
units: $(UNIT_BIN)

$(B)/cleanheat: $(CLI_OBJ) $(B)/libcleanheat.a
	@echo "  LINK  $@"
	$(Q)$(CC) $(MODE_LDFLAGS) -o $@ $(CLI_OBJ) $(B)/libcleanheat.a $(PKG_LIBS) -lpthread

$(B)/libcleanheat.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/tests/%: tests/unit/%.c tests/unit/testutil.h $(B)/libcleanheat.a
	@mkdir -p $(dir $@)
	@echo "  TEST  $@"
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(B)/libcleanheat.a $(PKG_LIBS) \
		$(shell pkg-config --libs cmocka) $(MODE_LDFLAGS) -lpthread

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/gen/embedded.o: $(B)/gen/embedded.c
	$(Q)$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(B)/gen/embedded.c: $(B)/tools/embed $(EMBED)
	@mkdir -p $(dir $@)
	$(Q)$(B)/tools/embed $(EMBED) > $@

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
