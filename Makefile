# isakmp — ISAKMP/IKEv1 engine and research testbed.
#   make          build everything into build/
#   make test     install dependencies, build, run the tests (also under ASan+UBSan)
#   make run      install dependencies, build, run the default experiment
#   make bench    benchmarks (never fail the build)
#   make fuzz     libFuzzer targets (clang)
#   make clean
#
# Sources are found by wildcard: adding a .c file to a folder is enough.
#   engine/*/*.c          -> libisakmp.a           (the sans-I/O engine)
#   sim/*.c, sim/*.cc     -> libisakmpsim.a        (ns-3 testbed; the .cc is the only C++)
#   cli/*.c               -> bin/isakmp            (one command, git-style subcommands)
#   tests/unit/test_*.c   -> tests/test_*          (one program per test file)
#   tests/unit/lib/*.c    -> helpers linked into every test program
#   bench/bench_*.c       -> bench/bench_*
#   tests/fuzz/fuzz_*.c   -> fuzz/fuzz_*           (clang -fsanitize=fuzzer)

BUILD   ?= build
VARIANT ?= release
CC      ?= cc
CXX     ?= c++

ifeq ($(VARIANT),sanitize)
OPT := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
OPT := -O2 -g
endif

PKGS_ENGINE := nettle hogweed gnutls libgcrypt
PKGS_TOOLS  := sqlite3 libpcap libconfig
NS3_MODULES := ns3-core ns3-network ns3-internet ns3-point-to-point ns3-csma

WARN     := -Wall -Wextra -Werror
CPPFLAGS := -Iengine/include -Iengine -Isim -D_GNU_SOURCE
CFLAGS   := -std=c11 $(WARN) $(OPT) $(shell pkg-config --cflags $(PKGS_ENGINE) 2>/dev/null)
CXXFLAGS := -std=c++17 $(WARN) $(OPT) -Wno-unused-parameter $(shell pkg-config --cflags $(NS3_MODULES) 2>/dev/null)
LDFLAGS  := $(filter -fsanitize=%,$(OPT))
LIBS_ENGINE := $(shell pkg-config --libs $(PKGS_ENGINE) 2>/dev/null) -lgmp
LIBS_TOOLS  := $(shell pkg-config --libs $(PKGS_TOOLS) 2>/dev/null)
LIBS_NS3    := $(shell pkg-config --libs $(NS3_MODULES) 2>/dev/null)
LIBS_TEST   := -ljansson

ENGINE_SRC := $(sort $(wildcard engine/*/*.c))
SIM_SRC    := $(sort $(wildcard sim/*.c))
SIM_CXX    := $(sort $(wildcard sim/*.cc))
CLI_SRC    := $(sort $(wildcard cli/*.c))
TESTLIB    := $(sort $(wildcard tests/unit/lib/*.c))
TEST_SRC   := $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC  := $(sort $(wildcard bench/bench_*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
ENGINE_OBJ := $(call obj,$(ENGINE_SRC))
SIM_OBJ    := $(call obj,$(SIM_SRC)) $(patsubst %.cc,$(BUILD)/obj/%.o,$(SIM_CXX))
CLI_OBJ    := $(call obj,$(CLI_SRC))
TESTLIB_OBJ:= $(call obj,$(TESTLIB))
TESTS      := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRC))
BENCHES    := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
FUZZERS    := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

LIBISAKMP  := $(BUILD)/lib/libisakmp.a
LIBSIM     := $(BUILD)/lib/libisakmpsim.a
ISAKMP     := $(BUILD)/bin/isakmp

# A program links C++ (the ns-3 shim) only when the simulator is in it.
LINK_ALL = $(CXX) $(LDFLAGS) -o $@ $^ $(LIBS_NS3) $(LIBS_TOOLS) $(LIBS_ENGINE) $(LIBS_TEST) -lm -lpthread

.PHONY: all test run bench fuzz clean deps build-tests sanitize check-deps
.DEFAULT_GOAL := all
.SECONDARY:

MANPAGE    := $(BUILD)/share/man/man1/isakmp.1

all: $(ISAKMP) $(MANPAGE) $(TESTS) $(BENCHES)

# The man page is assembled from every subcommand's --help (never drifts).
$(MANPAGE): $(ISAKMP) doc/isakmp.1.in scripts/gen-manpage
	@mkdir -p $(dir $@)
	scripts/gen-manpage $(ISAKMP) $@

deps:
	@scripts/install-deps

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -MMD -MP -c -o $@ $<

$(LIBISAKMP): $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBSIM): $(SIM_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(ISAKMP): $(CLI_OBJ) $(LIBSIM) $(LIBISAKMP)
	@mkdir -p $(dir $@)
	$(LINK_ALL)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TESTLIB_OBJ) $(LIBSIM) $(LIBISAKMP)
	@mkdir -p $(dir $@)
	$(LINK_ALL)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIBSIM) $(LIBISAKMP)
	@mkdir -p $(dir $@)
	$(LINK_ALL)

# libFuzzer: clang only, engine sources rebuilt with coverage instrumentation.
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) $(shell pkg-config --cflags $(PKGS_ENGINE) 2>/dev/null)
# Test helpers (memnet: engines on an in-memory network) are linked in too.
FUZZ_LIB := tests/unit/lib/memnet.c tests/unit/lib/pair.c
$(BUILD)/fuzz/%: tests/fuzz/%.c $(ENGINE_SRC) $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $^ $(LIBS_ENGINE)
# The pcap frame parser and IP reassembly of `isakmp decode` (no libpcap needed).
$(BUILD)/fuzz/fuzz_pcap: cli/frame_udp.c cli/ip_reassembly.c

fuzz: deps
	$(MAKE) $(FUZZERS)

build-tests: $(ISAKMP) $(MANPAGE) $(TESTS)

test: deps
	$(MAKE) build-tests
	$(MAKE) BUILD=build/sanitize VARIANT=sanitize build-tests
	$(MAKE) $(FUZZERS)
	tests/run build build/sanitize

# A fresh make after deps: this make's pkg-config flags were read before install-deps ran.
run: deps
	$(MAKE) all
	scripts/run-default-experiment

bench: deps
	$(MAKE) $(BENCHES) $(ISAKMP)
	scripts/run-benchmarks $(BUILD)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
