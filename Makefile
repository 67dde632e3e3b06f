# capviz: see README.md. `make run` and `make test` are all a newcomer needs.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
CC         ?= cc
CFLAGS     ?= -O2 -g
VERSION    := 0.1.0

PKGS      := ncursesw libuv inih
# What building needs, and what the tests add (cmocka, tmux for the screen,
# mandoc and groff to lint the man pages).
DEPS_BUILD := libncurses-dev libuv1-dev libinih-dev pkg-config
DEPS_TEST  := libcmocka-dev tmux mandoc groff-base jq asciinema
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
DEFS      := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DCAPVIZ_VERSION='"$(VERSION)"' \
             -DCAPVIZ_DATADIR='"$(DATADIR)/capviz"'
# Lazily expanded: after `make deps` has installed the packages.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(WARN) $(DEFS) -Iinclude $(PKG_CFLAGS) $(CFLAGS)

CORE_SRC := $(sort $(wildcard src/core/*.c))
CMD_SRC  := $(sort $(wildcard src/cmd/*.c))
UI_SRC   := $(sort $(wildcard src/ui/*.c))
APP_SRC  := $(sort $(wildcard src/app/*.c))
LIB_SRC  := $(CORE_SRC) $(CMD_SRC) $(UI_SRC) $(APP_SRC)
HDRS     := $(wildcard include/capviz/*.h src/*/*.h)

OBJ      := build/obj
LIB_OBJ  := $(LIB_SRC:src/%.c=$(OBJ)/%.o)


.PHONY: all deps deps-build run test test-only unit fuzz bench install uninstall clean check-contract
all: capviz

# Where installed scenarios are looked for is compiled in: paths.c is built
# again whenever DATADIR changes (make install PREFIX=/usr after make).
build/datadir.txt: FORCE
	@mkdir -p build
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
.PHONY: FORCE
$(OBJ)/app/paths.o build/asan/obj/app/paths.o: build/datadir.txt

$(OBJ)/%.o: src/%.c $(HDRS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/libcapviz.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

capviz: $(OBJ)/main.o build/libcapviz.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# Installs missing build and test dependencies (Debian, as root).
deps:
	@sh tests/deps.sh $(DEPS_BUILD) $(DEPS_TEST)

deps-build:
	@sh tests/deps.sh $(DEPS_BUILD)

run: deps-build
	@$(MAKE) --no-print-directory all
	./capviz

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test-only

test-only: capviz
	@CC="$(CC)" sh tests/run.sh

# Unit test binaries: one per tests/unit/test_*.c, linked with the library.
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=build/unit/%)
TEST_LIBS  = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null) $(PKG_LIBS) -lm
unit: $(UNIT_BIN)
build/unit/%: tests/unit/%.c build/libcapviz.a $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< build/libcapviz.a $(TEST_LIBS)

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_OBJ  := build/asan/obj
ASAN_LIB_OBJ := $(LIB_SRC:src/%.c=$(ASAN_OBJ)/%.o)
$(ASAN_OBJ)/%.o: src/%.c $(HDRS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) -Iinclude $(PKG_CFLAGS) $(SAN_FLAGS) -c -o $@ $<
build/asan/libcapviz.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
build/asan/capviz: $(ASAN_OBJ)/main.o build/asan/libcapviz.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) -lm
ASAN_UNIT := $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)
build/asan/unit/%: tests/unit/%.c build/asan/libcapviz.a $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(DEFS) -Iinclude -Itests/unit $(PKG_CFLAGS) $(SAN_FLAGS) -o $@ $< build/asan/libcapviz.a $(TEST_LIBS)
asan: $(ASAN_UNIT) build/asan/capviz

# libFuzzer harnesses (clang): one per tests/fuzz/fuzz_*.c. Each input
# must be done within FUZZ_TIMEOUT seconds (default 10): a parser or a
# check that would not stop is a failure, not a fuzzer that hangs.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_SRC := $(CORE_SRC) $(CMD_SRC) src/app/session.c src/app/histfile.c src/ui/theme_file.c
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC) $(HDRS)
	@mkdir -p $(dir $@)
	clang $(WARN) $(DEFS) -Iinclude $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_LIB_SRC) $(PKG_LIBS) -lm
fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do echo "== $$f"; mkdir -p build/corpus/$$(basename $$f); \
		$$f -max_total_time=$${FUZZ_SECONDS:-60} -timeout=$${FUZZ_TIMEOUT:-10} \
		build/corpus/$$(basename $$f) tests/fuzz/seeds || exit 1; done

build/bench/%: tests/bench/%.c build/libcapviz.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 $(LDFLAGS) -o $@ $< build/libcapviz.a $(PKG_LIBS) -lm

bench: capviz
	@sh tests/bench/run.sh

check-contract: capviz
	../shared/checks/contract

COMPDIR    ?= $(DATADIR)/bash-completion/completions

install: capviz
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/capviz/scenarios $(DESTDIR)$(DATADIR)/capviz/themes $(DESTDIR)$(COMPDIR)
	install -m 755 capviz $(DESTDIR)$(BINDIR)/capviz
	install -m 644 man/capviz.1 $(DESTDIR)$(MANDIR)/man1/capviz.1
	install -m 644 man/capviz-scenario.5 $(DESTDIR)$(MANDIR)/man5/capviz-scenario.5
	install -m 644 man/capviz-theme.5 $(DESTDIR)$(MANDIR)/man5/capviz-theme.5
	install -m 644 scenarios/*.ini $(DESTDIR)$(DATADIR)/capviz/scenarios/
	install -m 644 themes/*.ini $(DESTDIR)$(DATADIR)/capviz/themes/
	install -m 644 completion/capviz.bash $(DESTDIR)$(COMPDIR)/capviz

# Removes exactly what install put there (and the directories it made for
# capviz alone, when they are empty).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/capviz $(DESTDIR)$(MANDIR)/man1/capviz.1 \
		$(DESTDIR)$(MANDIR)/man5/capviz-scenario.5 $(DESTDIR)$(MANDIR)/man5/capviz-theme.5 \
		$(DESTDIR)$(COMPDIR)/capviz
	for f in scenarios/*.ini themes/*.ini; do rm -f $(DESTDIR)$(DATADIR)/capviz/$$f; done
	-rmdir $(DESTDIR)$(DATADIR)/capviz/scenarios $(DESTDIR)$(DATADIR)/capviz/themes \
		$(DESTDIR)$(DATADIR)/capviz 2>/dev/null

clean:
	rm -rf build capviz
