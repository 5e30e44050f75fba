#!/usr/bin/env bash
# End-to-end throughput of one broker with a real client (kcat/librdkafka),
# beside this machine's own disk write bandwidth measured in the same run.
#
#   bench/e2e/produce_consume.sh [BUILD_DIR] [RECORDS]
#
# Starts build/bin/kappa-broker on a free 127.0.0.1 port with data in a fresh
# temporary directory on the same file system as the repository, writes
# RECORDS (default 1,000,000) lines of 1 KiB, produces them with `kcat -P -l`
# (acks=1, default flush policy: no fsync per batch, as in Kafka), consumes
# them back with `kcat -C -e` (from the page cache; fetch uses sendfile) and
# with `kappa perf consume`, and prints MB/s and records/s for each.
set -euo pipefail
build="$(realpath "${1:-build}")"
records="${2:-1000000}"
here="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "$here/.bench-e2e.XXXXXX")"
broker_pid=""
cleanup() {
  [[ -n "$broker_pid" ]] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
bootstrap="127.0.0.1:$port"
bytes=$((records * 1024))
mb() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"

# 1. The disk's own sequential write bandwidth, with the data made durable.
dd_out="$(dd if=/dev/zero of="$work/dd.bin" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1)"
rm -f "$work/dd.bin"
echo "disk (dd bs=1M count=1024 conv=fdatasync): $dd_out"
if command -v fio >/dev/null; then
  fio_bw="$(fio --name=seqwrite --directory="$work" --rw=write --bs=1M --size=1G --ioengine=psync --direct=1 \
      --end_fsync=1 --output-format=terse --terse-version=3 2>/dev/null | awk -F';' '{ printf "%.1f", $48 * 1024 / 1e6 }')"
  rm -f "$work"/seqwrite*
  echo "disk (fio seq write, 1M blocks, O_DIRECT): ${fio_bw} MB/s"
fi

# 2. Input: RECORDS lines of 1023 characters + newline.
/usr/bin/python3 - "$work/input.txt" "$records" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
line = (b"x" * 1017)
with open(path, "wb", buffering=1 << 20) as f:
    for i in range(n):
        f.write(b"%06d" % (i % 1000000) + line + b"\n")
PY

"$build/bin/kappa-broker" --override "listeners=PLAINTEXT://$bootstrap" --override "log.dirs=$work/data" \
    --override admin.listener= --override log.segment.bytes=1073741824 >"$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 1 100); do
  "$build/bin/kappa" -b "$bootstrap" cluster info >/dev/null 2>&1 && break
  sleep 0.1
done
"$build/bin/kappa" -b "$bootstrap" topics create bench --partitions 1 --replication-factor 1 >/dev/null

# 3. Produce with kcat (librdkafka): large batches, lz4 off, acks=1.
t0="$(now)"
kcat -P -b "$bootstrap" -t bench -p 0 -l "$work/input.txt" \
  -X acks=1 -X linger.ms=5 -X batch.size=1000000 -X queue.buffering.max.kbytes=1048576 \
  -X message.max.bytes=2000000
t1="$(now)"
s="$(elapsed "$t0" "$t1")"
echo "produce (kcat -P -l, acks=1): $records records in ${s}s = $(rate "$records" "$s") records/s, $(mb "$bytes" "$s") MB/s"
du_b="$(du -sb "$work/data" | cut -f1)"
echo "log size on disk: $du_b bytes"

# 4. Consume everything back from the page cache with kcat.
t0="$(now)"
n="$(kcat -C -b "$bootstrap" -t bench -p 0 -o beginning -e -q -X fetch.max.bytes=52428800 \
     -X fetch.message.max.bytes=10485760 -X queued.max.messages.kbytes=1048576 | wc -l)"
t1="$(now)"
s="$(elapsed "$t0" "$t1")"
echo "consume (kcat -C -e): $n records in ${s}s = $(rate "$n" "$s") records/s, $(mb "$bytes" "$s") MB/s"
[[ "$n" == "$records" ]] || { echo "consumed $n of $records records" >&2; exit 1; }

# 5. The broker's own serving rate: raw Fetch requests, no record decoding.
for pmb in 1048576 16777216; do
  /usr/bin/python3 "$here/bench/e2e/fetch_throughput.py" "$bootstrap" bench "$pmb"
done

# 6. Consume again with the project's own client (no per-record printing).
for pmb in 1048576 16777216; do
  echo "kappa perf consume, --partition-max-bytes $pmb:"
  "$build/bin/kappa" -b "$bootstrap" perf consume --topic bench --num-records "$records" --partition-max-bytes "$pmb" 2>&1 | tail -2
done
