# Entry points. `make` builds build/pmarb; `make test` installs missing Debian packages, configures
# with -Werror, builds and runs the whole suite; `make test-asan` does the same under ASan+UBSan;
# `make demo` installs what is missing, builds and runs `pmarb demo` (everything end to end
# against the simulator; DEMO_ARGS, e.g. "--seconds 120 --json", are passed on).
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)

.PHONY: all deps configure test test-asan demo clean

all: configure
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@scripts/deps.sh

configure:
	@cmake -S . -B $(BUILD) -DPMARB_WERROR=ON >/dev/null

test: deps configure
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DPMARB_WERROR=ON -DPMARB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

demo: deps configure
	cmake --build $(BUILD) --target pmarb -j $(JOBS)
	$(BUILD)/pmarb demo $(DEMO_ARGS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
