# koppel - books webshop orders into SnelStart.
#
# make            build every program into build/bin/
# make demo       install missing packages, build, run the pipeline on the
#                 embedded demo data and print what happened
# make test       install missing packages, build, run unit and end-to-end tests
# make test SANITIZE=1   the same under AddressSanitizer and UBSan
# make fuzz       run each libFuzzer target of tests/fuzz/ FUZZ_SECONDS (clang)
# make valgrind   run every unit test program under valgrind
# make supervised 6,000 orders at production limits under the systemd stand-in
# make web-screenshots  koppel-web's browser test alone; screenshots into docs/web/
#
# make print-NAME print a variable's value (for scripts: make -s print-INC_util)
#
# Sources are found by folder: common/LAYER/*.c are the layered libraries
# (see "Layers" below), each program folder holds main.c plus its own
# modules, tests/unit/test_*.c are cmocka tests linked against the libraries
# and every program's modules.


CC       ?= cc
BUILD    ?= build
SANITIZE ?= 0
PREFIX   ?= /usr/local
DESTDIR  ?=
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
DOCDIR   ?= $(PREFIX)/share/doc/koppel
CONFDIR  ?= /etc/koppel
# units of a local install go to /etc; a package sets UNITDIR=/lib/systemd/system
UNITDIR  ?= /etc/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
PAMDIR   ?= /etc/pam.d

PKGS     := libczmq libzmq msgpack libcurl sqlite3 libconfig jansson \
            libxml-2.0 libutf8proc libsystemd libmicrohttpd xlsxwriter libmdb

# Debian packages the build, the tests and the demo need.
DEB_PKGS := build-essential pkg-config libczmq-dev libzmq3-dev libmsgpack-dev \
            libmicrohttpd-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 \
            libconfig-dev libjansson-dev libxml2-dev libutf8proc-dev \
            libcmocka-dev libsystemd-dev freetds-dev freetds-bin mdbtools-dev \
            mdbtools libxlsxwriter-dev curl procps unzip systemd \
            openssl libssl-dev python3 python3-pymssql nodejs jq valgrind clang \
            libclang-rt-14-dev libyaml-dev libpam0g-dev libgnutls28-dev libhpdf-dev \
            poppler-utils chromium chromium-driver python3-selenium python3-openpyxl \
            libsodium-dev iproute2
# npm: Debian's own package, unless the installed nodejs already brings it
# (NodeSource's does, and conflicts with Debian's npm)
DEB_NPM  := npm

OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 \
            -Wstrict-prototypes -Wmissing-prototypes -Wvla
# CI builds with WERROR=1: a warning fails the build there
ifeq ($(WERROR),1)
WARN     += -Werror
endif
# The version every program reports (--version, status): in a git checkout
# `git describe` (the nearest tag, or when no tag is reachable the VERSION
# file's number and the commit, 0.2.0-gf637080); without .git (a release
# tarball) the VERSION file alone.
RELEASE  := $(shell cat VERSION 2>/dev/null)
VERSION  := $(or $(shell test -e .git && git describe --tags --dirty 2>/dev/null),$\
                 $(shell test -e .git && git describe --always --dirty 2>/dev/null | sed 's/^/$(RELEASE)-g/'),$\
                 $(RELEASE),unknown)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(LAYER_INC) -D_GNU_SOURCE \
            -DKOPPEL_VERSION='"$(VERSION)"' \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
# --as-needed: each program loads only the libraries it uses (an idle daemon's
# memory is mostly shared library pages)
LDFLAGS  += -Wl,--as-needed

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS    += -fsanitize=address,undefined
BUILD      := build-san
# msgpack mallocs what a header declares: let a huge request fail at once
# (not abort, and not map gigabytes first: that made test_msg take 6 minutes)
export ASAN_OPTIONS ?= allocator_may_return_null=1:max_allocation_size_mb=1024
# e2e: the daemons' sanitizer reports go here, and any report fails the run
SAN_ENV     := ASAN_OPTIONS=$(ASAN_OPTIONS):log_path=$(CURDIR)/$(BUILD)/sanitizer-reports/asan \
               UBSAN_OPTIONS=print_stacktrace=1:log_path=$(CURDIR)/$(BUILD)/sanitizer-reports/ubsan
endif

BIN      := $(BUILD)/bin
OBJ      := $(BUILD)/obj

# `make` builds every program: the layer rules below define archives before
# `all` gets its programs, so name it the first target here
all:

objs      = $(patsubst %.c,$(OBJ)/%.o,$(1))
lib       = $(BUILD)/lib$(1).a

# ---- Layers -------------------------------------------------------------
# The shared code is four layers of libraries under common/, each its own
# folder and archive; a layer may use the layers before it, never after:
#
#   util       knows nothing of koppel: memory, logging, money, SQLite, text
#   global     knows koppel, not a daemon: configuration, messages, sockets,
#              control socket, daemon start, the order model, information log
#   shop       the shop platforms: document parsers and clients (Globecharge,
#              WooCommerce), the opaque source interface
#   snelstart  SnelStart: the API client, the administration readers (SQL,
#              MDB), the relatie and verkoopboeking bodies
#   report     exports for people: the information log as .csv or .xlsx, the
#              invoice as PDF
#   check      "Verbinding testen": the one layer that uses both shop and
#              snelstart (koppelctl test-connection, koppel-web)
#
# Each folder is compiled with the include paths of its own layer and the
# ones below it, so an #include across a forbidden boundary fails the build;
# each program links only the archives (and system libraries) it may use.
INC_util      := -Icommon/util
INC_global    := $(INC_util) -Icommon/global
INC_shop      := $(INC_global) -Icommon/shop
INC_snelstart := $(INC_global) -Icommon/snelstart
INC_report    := $(INC_global) -Icommon/report
INC_check     := $(INC_shop) -Icommon/snelstart -Icommon/check

LIBS_util      := $(shell pkg-config --libs sqlite3 2>/dev/null) -lm
# global's http_init.c (libcurl's one initialisation) is its only use of libcurl
LIBS_global    := $(shell pkg-config --libs libczmq libzmq libsodium msgpack libconfig jansson libsystemd libutf8proc \
                    libcurl 2>/dev/null) \
                  $(LIBS_util) -lpthread
LIBS_shop      := $(shell pkg-config --libs libcurl libxml-2.0 libutf8proc 2>/dev/null) $(LIBS_global)
LIBS_snelstart := $(shell pkg-config --libs libcurl libmdb 2>/dev/null) -lsybdb $(LIBS_global)
# libharu (the invoice PDF) has no pkg-config file
LIBS_report    := $(shell pkg-config --libs xlsxwriter 2>/dev/null) -lhpdf $(LIBS_global)

LIBS_check     := $(LIBS_snelstart) $(LIBS_shop)

LAYERS := util global shop snelstart report check
$(foreach l,$(LAYERS),$(eval $(OBJ)/common/$(l)/%.o: LAYER_INC = $(INC_$(l))))
$(foreach l,$(LAYERS),$(eval $(call lib,$(l)): $(call objs,$(wildcard common/$(l)/*.c))))

# the programs: each folder sees its own headers and the layers it may use
INC_fetcher   := $(INC_shop) -Ifetcher
INC_matcher   := $(INC_shop) -Icommon/snelstart -Imatcher
INC_booker    := $(INC_shop) -Icommon/snelstart -Icommon/report -Ibooker
INC_scheduler := $(INC_global) -Ischeduler
INC_ctl       := $(INC_shop) -Icommon/snelstart -Icommon/report -Icommon/check -Ictl
INC_web       := $(INC_shop) -Icommon/snelstart -Icommon/report -Icommon/check -Iweb
INC_sim       := $(INC_util)
INC_tests     := $(INC_shop) -Icommon/snelstart -Icommon/report -Icommon/check -Ifetcher -Imatcher -Ibooker \
                 -Ischeduler -Ictl -Iweb -Itests/support

$(OBJ)/fetcher/%.o:   LAYER_INC = $(INC_fetcher)
$(OBJ)/matcher/%.o:   LAYER_INC = $(INC_matcher)
$(OBJ)/booker/%.o:    LAYER_INC = $(INC_booker)
$(OBJ)/scheduler/%.o: LAYER_INC = $(INC_scheduler)
$(OBJ)/ctl/%.o:       LAYER_INC = $(INC_ctl)
$(OBJ)/web/%.o:       LAYER_INC = $(INC_web)
$(OBJ)/tests/sim/%.o: LAYER_INC = $(INC_sim)
$(OBJ)/tests/support/%.o: LAYER_INC = $(INC_util)
$(OBJ)/tests/supervise/%.o: LAYER_INC =
$(OBJ)/tests/unit/%.o: LAYER_INC = $(INC_tests)
$(OBJ)/tests/fuzz/%.o: LAYER_INC = $(INC_tests)
$(OBJ)/tests/peer/%.o: LAYER_INC = $(INC_tests)
$(OBJ)/bench/%.o:     LAYER_INC = $(INC_tests)

# program name : source folder
DAEMONS  := fetcher matcher booker scheduler
PROGRAMS := $(addprefix $(BIN)/koppel-,$(DAEMONS)) $(BIN)/koppelctl $(BIN)/koppel-web \
            $(BIN)/globecharge-sim $(BIN)/snelstart-sim $(BIN)/tds-sim \
            $(BIN)/woocommerce-sim $(BIN)/koppel-supervise

# A folder's modules (everything but main.c) go into an archive, so that
# unit tests can link them.
# folder:archive name (a simulator's archive is named for the system it plays)
define folder_archive
$(call lib,$(2)): $(call objs,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
endef
FOLDERS := fetcher:fetcher matcher:matcher booker:booker scheduler:scheduler ctl:ctl web:web \
           tests/sim/globecharge:globecharge tests/sim/snelstart:snelstart-sim \
           tests/sim/tds:tds tests/sim/woocommerce:woocommerce tests/sim/simlib:simlib \
           tests/support:support
$(foreach f,$(FOLDERS),$(eval $(call folder_archive,$(word 1,$(subst :, ,$(f))),$(word 2,$(subst :, ,$(f))))))

$(BUILD)/lib%.a:
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# what each program links, highest layer first
LINK_fetcher   := $(call lib,fetcher) $(call lib,shop) $(call lib,global) $(call lib,util)
LINK_matcher   := $(call lib,matcher) $(call lib,snelstart) $(call lib,shop) $(call lib,global) \
                  $(call lib,util)
LINK_booker    := $(call lib,booker) $(call lib,report) $(call lib,snelstart) $(call lib,shop) \
                  $(call lib,global) $(call lib,util)
LINK_scheduler := $(call lib,scheduler) $(call lib,global) $(call lib,util)
LINK_ctl       := $(call lib,ctl) $(call lib,check) $(call lib,report) $(call lib,snelstart) \
                  $(call lib,shop) $(call lib,global) $(call lib,util)
# koppel-web: its pages (web/) over libmicrohttpd (GnuTLS inside), logins through PAM
LINK_web       := $(call lib,web) $(call lib,check) $(call lib,report) $(call lib,snelstart) \
                  $(call lib,shop) $(call lib,global) $(call lib,util)
LIBS_web       := $(shell pkg-config --libs libmicrohttpd 2>/dev/null) -lpam
ifeq ($(SANITIZE),1)
# AddressSanitizer intercepts crypt_r and finds the real one when the program
# starts; pam_unix loads libcrypt later, so without this the interceptor calls
# NULL at the first password check
LIBS_web       += -Wl,--no-as-needed -lcrypt -Wl,--as-needed
endif
SYS_web        := $(LIBS_web) $(LIBS_report) $(LIBS_snelstart) $(LIBS_shop)
# the fetcher receives webhooks over libmicrohttpd (GnuTLS inside), on its loop
SYS_fetcher    := $(shell pkg-config --libs libmicrohttpd 2>/dev/null) $(LIBS_shop)
SYS_matcher    := $(LIBS_snelstart) $(LIBS_shop)
SYS_booker     := $(LIBS_report) $(LIBS_snelstart) $(LIBS_shop)
SYS_scheduler  := $(LIBS_global)
SYS_ctl        := $(LIBS_report) $(LIBS_snelstart) $(LIBS_shop)
SYS_all        := $(LIBS_web) $(LIBS_report) $(LIBS_snelstart) $(LIBS_shop) $(LIBS_util) \
                  $(shell pkg-config --libs libmicrohttpd yaml-0.1 openssl 2>/dev/null)

.SECONDARY:
.PHONY: all deps demo test unit e2e clean install bench fuzz chaos valgrind FORCE \
        supervised web-screenshots
all: $(PROGRAMS)

# print-NAME - the value of a variable, for scripts that follow the Makefile
# (tests/e2e/layers.sh: make -s print-INC_util)
print-%: FORCE
	@echo '$($*)'

# The files that report the version are compiled again when it changes:
# $(BUILD)/version holds it and is rewritten only when it differs.
VERSION_OBJS := $(call objs,$(shell grep -rl --include='*.c' KOPPEL_VERSION common ctl \
                  fetcher matcher booker scheduler web tests/sim 2>/dev/null))
$(VERSION_OBJS): $(BUILD)/version
$(BUILD)/version: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

define daemon_program
$(BIN)/koppel-$(1): $(OBJ)/$(1)/main.o $(LINK_$(1))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(SYS_$(1))
endef
$(foreach d,$(DAEMONS),$(eval $(call daemon_program,$(d))))

$(BIN)/koppelctl: $(OBJ)/ctl/main.o $(LINK_ctl)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(SYS_ctl)

$(BIN)/koppel-web: $(OBJ)/web/main.o $(LINK_web)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(SYS_web)

# the simulators use util only (and libraries of their own; tds-sim's TLS is OpenSSL)
SIM_LIBS := $(shell pkg-config --libs libmicrohttpd jansson libxml-2.0 libutf8proc openssl 2>/dev/null) $(LIBS_util)
# woocommerce-sim delivers webhooks with libcurl
WSIM_LIBS := $(shell pkg-config --libs libcurl 2>/dev/null) $(SIM_LIBS)
$(BIN)/globecharge-sim: $(OBJ)/tests/sim/globecharge/main.o $(call lib,globecharge) \
                        $(call lib,simlib) $(call lib,util)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS)

# snelstart-sim reads SnelStart's OpenAPI file (YAML) to check request bodies
SSIM_LIBS := $(shell pkg-config --libs yaml-0.1 2>/dev/null) $(SIM_LIBS)
$(BIN)/snelstart-sim: $(OBJ)/tests/sim/snelstart/main.o $(call lib,snelstart-sim) $(call lib,util)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(SSIM_LIBS)

$(BIN)/tds-sim: $(OBJ)/tests/sim/tds/main.o $(call lib,tds) $(call lib,util)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(SIM_LIBS)

$(BIN)/woocommerce-sim: $(OBJ)/tests/sim/woocommerce/main.o $(call lib,woocommerce) \
                        $(call lib,simlib) $(call lib,util)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(WSIM_LIBS)

# the test harness that plays systemd (Type=notify, WatchdogSec): libc only
$(BIN)/koppel-supervise: $(OBJ)/tests/supervise/main.o
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^

# Unit tests: one cmocka program per tests/unit/test_*.c; the other files of
# tests/unit (fixture.c: the booker's tests' setup) are an archive they share.
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
$(call lib,unitsupport): $(call objs,$(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c)))

TEST_LIBS := $(call lib,unitsupport) \
             $(foreach f,fetcher matcher booker scheduler ctl web,$(call lib,$(f))) \
             $(call lib,globecharge) $(call lib,snelstart-sim) $(call lib,tds) \
             $(call lib,woocommerce) $(call lib,simlib) $(call lib,support) \
             $(foreach l,check report snelstart shop global util,$(call lib,$(l)))

$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(TEST_LIBS) -Wl,--end-group $(SYS_all) -lcmocka

# koppel-peer: a hostile or broken peer of the daemons for tests/e2e/harden.sh
# (never installed)
PEER := $(BUILD)/tests/koppel-peer
$(PEER): $(OBJ)/tests/peer/main.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(TEST_LIBS) -Wl,--end-group $(SYS_all)

# Fuzzing: tests/fuzz/fuzz_NAME.c is a libFuzzer target, its seeds are in
# tests/fuzz/corpus/NAME/. The unit tests replay every corpus through the same
# code with any compiler ($(BUILD)/tests/replay_NAME); make fuzz builds the
# targets with clang into build-fuzz/ and runs each for FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
UNIT_TESTS += $(addprefix $(BUILD)/tests/replay_,$(FUZZ_NAMES))

$(BUILD)/tests/replay_%: $(OBJ)/tests/fuzz/fuzz_%.o $(OBJ)/tests/fuzz/replay.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) -Wl,--start-group $(TEST_LIBS) -Wl,--end-group $(SYS_all)

$(BUILD)/fuzz/fuzz_%: $(OBJ)/tests/fuzz/fuzz_%.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< -Wl,--start-group $(TEST_LIBS) -Wl,--end-group $(SYS_all)

fuzz:
	@$(MAKE) --no-print-directory SANITIZE=0 BUILD=build-fuzz CC=clang LDFLAGS=-fsanitize=address,undefined \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
	    $(addprefix build-fuzz/fuzz/fuzz_,$(FUZZ_NAMES))
	@sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

valgrind: $(UNIT_TESTS) $(PROGRAMS)
	@VALGRIND="valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite" \
	    sh tests/run-unit.sh $(UNIT_TESTS)

# Benchmarks: bench/bench_NAME.c -> build/bin/bench-NAME, linked like the unit
# tests; `make bench` runs bench/run.sh, which prints one figure a line.
BENCH_SRC := $(wildcard bench/bench_*.c)
BENCHES   := $(patsubst bench/bench_%.c,$(BIN)/bench-%,$(BENCH_SRC))

$(BIN)/bench-%: $(OBJ)/bench/bench_%.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(TEST_LIBS) -Wl,--end-group $(SYS_all)

bench: all $(BENCHES)
	@sh bench/run.sh $(BIN)

# install - programs, systemd units, man pages and an example configuration.
# Without DESTDIR it also creates the user and group koppel (systemd-sysusers
# with the installed sysusers file, or groupadd/useradd where that is
# missing) and gives /etc/koppel and koppel.cfg the group koppel, so that the
# daemons can read them; under DESTDIR (a package) that is left to the
# package's own scripts. An existing koppel.cfg is never overwritten; a new
# one gets mode 0640 and its example profile is switched off (enabled = false)
# until the administrator fills it in.
# koppel-web's PAM service goes to /etc/pam.d; an edited one is kept.
MAN8 := koppel-fetcher koppel-matcher koppel-booker koppel-scheduler koppelctl koppel-web
UNITS := koppel-scheduler.service koppel-fetcher.service koppel-booker.service \
         koppel-matcher@.service koppel-web.service koppel.target
install: $(addprefix $(BIN)/koppel-,$(DAEMONS)) $(BIN)/koppelctl $(BIN)/koppel-web
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(PAMDIR)
	install -d -m 0750 $(DESTDIR)$(CONFDIR)
	install -m 0755 $(addprefix $(BIN)/koppel-,$(DAEMONS)) $(BIN)/koppelctl $(BIN)/koppel-web \
	    $(DESTDIR)$(SBINDIR)
	@[ -e $(DESTDIR)$(PAMDIR)/koppel-web ] || \
	    install -m 0644 deploy/pam.d/koppel-web $(DESTDIR)$(PAMDIR)/koppel-web
	for u in $(UNITS); do \
	    sed 's|@SBINDIR@|$(SBINDIR)|g' deploy/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 0644 deploy/koppel.sysusers $(DESTDIR)$(SYSUSERSDIR)/koppel.conf
	for m in $(MAN8); do install -m 0644 docs/man/$$m.8 $(DESTDIR)$(MANDIR)/man8 || exit 1; done
	install -m 0644 docs/man/koppel.cfg.5 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 config/koppel.cfg.example docs/operations.md docs/web.md README.md LICENSE \
	    $(DESTDIR)$(DOCDIR)
	@if [ ! -e $(DESTDIR)$(CONFDIR)/koppel.cfg ]; then \
	    install -m 0640 config/koppel.cfg.example $(DESTDIR)$(CONFDIR)/koppel.cfg || exit 1; \
	fi
	@if [ -z "$(DESTDIR)" ]; then \
	    if command -v systemd-sysusers >/dev/null; then \
	        systemd-sysusers $(SYSUSERSDIR)/koppel.conf || exit 1; \
	    else \
	        getent group koppel >/dev/null || groupadd --system koppel || exit 1; \
	        getent passwd koppel >/dev/null || useradd --system --gid koppel \
	            --home-dir /var/lib/koppel --no-create-home --shell /usr/sbin/nologin \
	            --comment "koppel webshop connector" koppel || exit 1; \
	    fi; \
	    chown root:koppel $(CONFDIR) $(CONFDIR)/koppel.cfg || exit 1; \
	    echo "next: edit $(CONFDIR)/koppel.cfg (its profile has enabled = false until you"; \
	    echo "      fill it in), then: systemctl daemon-reload; systemctl enable --now koppel.target;"; \
	    echo "      then open http://127.0.0.1:8180/"; \
	fi

# deps - install the Debian packages that are missing (needs root).
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	command -v npm >/dev/null 2>&1 || missing="$$missing $(DEB_NPM)"; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install:$$missing" >&2; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

unit: $(UNIT_TESTS) $(PROGRAMS)
	@sh tests/run-unit.sh $(UNIT_TESTS)

# Node's tedious, one of the three TDS clients of tests/e2e/tds_clients.sh,
# from the npm registry into $(BUILD)/node (never into the source tree)
TEDIOUS := $(BUILD)/node/node_modules/tedious/package.json
$(TEDIOUS):
	@mkdir -p $(BUILD)/node
	npm install --prefix $(BUILD)/node --no-audit --no-fund --loglevel=error tedious@19

e2e: all $(TEDIOUS) $(PEER)
	@sh tests/e2e/install.sh
	@rm -rf $(BUILD)/sanitizer-reports && mkdir -p $(BUILD)/sanitizer-reports
	@$(SAN_ENV) sh tests/e2e/run.sh $(BIN)
	@if [ -n "$$(ls $(BUILD)/sanitizer-reports)" ]; then \
	    echo "e2e: sanitizer reports in $(BUILD)/sanitizer-reports:"; \
	    head -n 30 $(BUILD)/sanitizer-reports/*; exit 1; fi

# web-screenshots - the browser test alone, its screenshots into docs/web/
web-screenshots: all
	@SHOTS=docs/web sh tests/web/web.sh $(BIN)

test: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory e2e
ifneq ($(SANITIZE),1)
	@$(MAKE) --no-print-directory supervised
endif

# supervised - 6,000 orders at SnelStart's production limits (time-scaled)
# under koppel-supervise, koppelctl status asked every second (under 3
# minutes); part of make test (not under SANITIZE=1, whose slowdown is not
# koppel's: the scenario measures answer times)
supervised: all
	@sh tests/e2e/supervised.sh $(BIN) $${SUPERVISED_ORDERS:-6000} $${SUPERVISED_TIME_SCALE:-40}

# chaos - 2,000 orders while daemons are killed at random for 60 seconds
chaos: all
	@sh tests/e2e/chaos.sh $(BIN) $${CHAOS_ORDERS:-2000} $${CHAOS_SECONDS:-60}
	@sh tests/e2e/faults.sh $(BIN)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/e2e/demo.sh $(BIN)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
