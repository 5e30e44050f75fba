#!/usr/bin/env bash
# Runs every Google Benchmark micro-benchmark (build/bin/bench_*).
# Usage: bench/run-micro.sh [BUILD_DIR] [extra google-benchmark flags...]
set -euo pipefail
build="${1:-build}"
shift || true
for b in "$build"/bin/bench_*; do
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2 "$@"
done
