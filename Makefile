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

# A local 3-node cluster from config/cluster/ (data under ./data/cluster/,
# logs in ./data/cluster/nodeN.log).  `make cluster-stop` stops it by PID.
CLUSTER_NODES := 1 2 3
cluster: build
	@mkdir -p data/cluster
	@for n in $(CLUSTER_NODES); do \
	  if [ -f data/cluster/node$$n.pid ] && kill -0 $$(cat data/cluster/node$$n.pid) 2>/dev/null; then \
	    echo "node $$n already running (pid $$(cat data/cluster/node$$n.pid))"; continue; fi; \
	  nohup $(BUILD_DIR)/bin/kappa-broker --config config/cluster/node$$n.yaml \
	    > data/cluster/node$$n.log 2>&1 < /dev/null & echo $$! > data/cluster/node$$n.pid; \
	  echo "started node $$n (pid $$!, log data/cluster/node$$n.log)"; \
	done
	@echo "bootstrap servers: 127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094"

cluster-stop:
	@for n in $(CLUSTER_NODES); do \
	  if [ -f data/cluster/node$$n.pid ]; then \
	    pid=$$(cat data/cluster/node$$n.pid); \
	    if kill -0 $$pid 2>/dev/null; then kill -TERM $$pid; echo "stopping node $$n (pid $$pid)"; fi; \
	  fi; \
	done
	@for n in $(CLUSTER_NODES); do \
	  if [ -f data/cluster/node$$n.pid ]; then \
	    pid=$$(cat data/cluster/node$$n.pid); \
	    for i in $$(seq 1 300); do kill -0 $$pid 2>/dev/null || break; sleep 0.1; done; \
	    if kill -0 $$pid 2>/dev/null; then kill -KILL $$pid; echo "node $$n killed after 30 s"; fi; \
	    rm -f data/cluster/node$$n.pid; \
	  fi; \
	done
