# Kappa: the two commands are `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CONFIG ?= config/single.yaml
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-unit test-integration bench install cluster cluster-stop clean

all: build

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Start one broker on 127.0.0.1:9092 with data under ./data (Ctrl-C stops it cleanly).
run: build
	@mkdir -p data
	$(BUILD_DIR)/bin/kappa-broker --config $(CONFIG)

# Every test: unit (GoogleTest), integration with real clients, fault tests.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

test-unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L unit

test-integration: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L integration

bench: build
	@bench/run-micro.sh $(BUILD_DIR)

install: build
	@cmake --install $(BUILD_DIR)

clean:
	@rm -rf $(BUILD_DIR)
