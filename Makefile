# koppel - books webshop orders into SnelStart.
#
# make            build every program into build/bin/
# make demo       install missing packages, build, run the pipeline on the
#                 embedded demo data and print what happened
# make test       install missing packages, build, run unit and end-to-end tests
# make test SANITIZE=1   the same under AddressSanitizer and UBSan
#
# Sources are found by folder: common/*.c is the shared library, each daemon
# folder holds main.c plus its own modules, tests/unit/test_*.c are cmocka
# tests linked against the library and every daemon's modules.

CC       ?= cc
BUILD    ?= build
SANITIZE ?= 0
PREFIX   ?= /usr/local
DESTDIR  ?=

PKGS     := libczmq libzmq msgpack libcurl sqlite3 libconfig jansson \
            libxml-2.0 libutf8proc libsystemd libmicrohttpd

# Debian packages the build, the tests and the demo need.
DEB_PKGS := build-essential pkg-config libczmq-dev libzmq3-dev libmsgpack-dev \
            libmicrohttpd-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 \
            libconfig-dev libjansson-dev libxml2-dev libutf8proc-dev \
            libcmocka-dev libsystemd-dev freetds-dev freetds-bin mdbtools-dev \
            mdbtools libxlsxwriter-dev curl procps

OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 \
            -Wstrict-prototypes -Wmissing-prototypes -Wvla
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -Icommon -Ifetcher -Imatcher -Ibooker -Ischeduler -Ictl -D_GNU_SOURCE \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS    += -fsanitize=address,undefined
BUILD      := build-san
endif

BIN      := $(BUILD)/bin
OBJ      := $(BUILD)/obj

objs      = $(patsubst %.c,$(OBJ)/%.o,$(1))

COMMON_OBJ := $(call objs,$(wildcard common/*.c))
LIBKOPPEL  := $(BUILD)/libkoppel.a

# program name : source folder
DAEMONS  := fetcher matcher booker scheduler
PROGRAMS := $(addprefix $(BIN)/koppel-,$(DAEMONS)) $(BIN)/koppelctl \
            $(BIN)/globecharge-sim $(BIN)/snelstart-sim \
            $(BIN)/woocommerce-sim

# A folder's modules (everything but main.c) go into an archive, so that
# unit tests can link them.
define folder_archive
$(BUILD)/lib$(notdir $(1)).a: $(call objs,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef
FOLDERS := fetcher matcher booker scheduler ctl tests/sim/globecharge tests/sim/snelstart \
           tests/sim/woocommerce
$(foreach f,$(FOLDERS),$(eval $(call folder_archive,$(f))))

FOLDER_LIBS := $(foreach f,fetcher matcher booker scheduler ctl,$(BUILD)/lib$(f).a)

.SECONDARY:
.PHONY: all deps demo test unit e2e clean install bench fuzz chaos
all: $(PROGRAMS)

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBKOPPEL): $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN)/koppel-%: $(OBJ)/%/main.o $(BUILD)/lib%.a $(LIBKOPPEL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/koppelctl: $(OBJ)/ctl/main.o $(BUILD)/libctl.a $(LIBKOPPEL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/globecharge-sim: $(OBJ)/tests/sim/globecharge/main.o $(BUILD)/libglobecharge.a $(LIBKOPPEL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/snelstart-sim: $(OBJ)/tests/sim/snelstart/main.o $(BUILD)/libsnelstart.a $(LIBKOPPEL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/woocommerce-sim: $(OBJ)/tests/sim/woocommerce/main.o $(BUILD)/libwoocommerce.a $(LIBKOPPEL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests: one cmocka program per tests/unit/test_*.c.
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(FOLDER_LIBS) $(BUILD)/libglobecharge.a $(BUILD)/libsnelstart.a $(BUILD)/libwoocommerce.a $(LIBKOPPEL)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(FOLDER_LIBS) $(BUILD)/libglobecharge.a $(BUILD)/libsnelstart.a $(BUILD)/libwoocommerce.a $(LIBKOPPEL) -Wl,--end-group $(LDLIBS) -lcmocka

# deps - install the Debian packages that are missing (needs root).
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install:$$missing" >&2; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

unit: $(UNIT_TESTS)
	@sh tests/run-unit.sh $(UNIT_TESTS)

e2e: all
	@sh tests/e2e/run.sh $(BIN)

test: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory e2e

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/e2e/demo.sh $(BIN)

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
