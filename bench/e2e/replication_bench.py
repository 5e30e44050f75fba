#!/usr/bin/python3
"""Replication cost, end to end: produce throughput and latency of 1 KiB
records to an RF=1 acks=1 topic and to an RF=3 (min.insync.replicas=2)
acks=all topic on a local 3-broker cluster (config/cluster, free ports,
data in a temporary directory), with `kappa perf produce`.  Then the
failover time: how long after kill -9 of a partition leader an idempotent
acks=all producer is acknowledged again.

    /usr/bin/python3 bench/e2e/replication_bench.py [--seconds 25] [--partitions 6] [--build-dir build]

Prints one line per run and a JSON summary on the last line.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))


def perf_produce(kappa, bootstrap, topic, records, size, acks, extra):
    cmd = [str(kappa), "-b", bootstrap, "--timeout", "120s", "perf", "produce", "--topic", topic,
           "--num-records", str(records), "--record-size", str(size), "--acks", acks, "--json"] + extra
    started = time.monotonic()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    elapsed = time.monotonic() - started
    return json.loads(out.strip().splitlines()[-1]), elapsed, " ".join(cmd)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=25.0, help="target duration of each measured run")
    ap.add_argument("--partitions", type=int, default=6)
    ap.add_argument("--record-size", type=int, default=1024)
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--failovers", type=int, default=3)
    ap.add_argument("--extra", default="--max-in-flight 5 --linger-ms 5 --batch-size 65536",
                    help="extra `kappa perf produce` flags, for both runs")
    args = ap.parse_args()
    os.environ["KAPPA_BUILD_DIR"] = str(Path(args.build_dir).resolve())

    from kappa_harness import Cluster, KAPPA_BIN  # after KAPPA_BUILD_DIR is set
    from replication_check import AckingProducer, create_topic, leader_of, wait_full_isr
    from kappa_harness import wait_for

    extra = args.extra.split()
    results = {}
    with tempfile.TemporaryDirectory(prefix="kappa-repl-bench-") as tmp:
        cluster = Cluster(tmp, overrides={"broker.session.timeout.ms": "3000", "broker.heartbeat.interval.ms": "500",
                                          "auto.leader.rebalance.enable": "false"})
        try:
            cluster.start()
            runs = [("rf1_acks1", 1, "1"), ("rf3_acksall", 3, "all")]
            for name, rf, acks in runs:
                topic = f"bench-{name}"
                create_topic(cluster.bootstrap, topic, args.partitions, rf, {"min.insync.replicas": str(min(rf, 2))})
                wait_full_isr(cluster, topic, args.partitions) if rf == 3 else time.sleep(1)
                # Calibrate: a short run sizes the measured one to --seconds.
                calibration = 100000
                warm, elapsed, _ = perf_produce(KAPPA_BIN, cluster.bootstrap, topic, calibration, args.record_size, acks,
                                                extra)
                rate = calibration / elapsed
                n = max(20000, int(rate * args.seconds))
                summary, elapsed, cmd = perf_produce(KAPPA_BIN, cluster.bootstrap, topic, n, args.record_size, acks, extra)
                summary["wall_seconds"] = round(elapsed, 2)
                summary["cmdline"] = cmd
                results[name] = summary
                print(f"{name}: {json.dumps(summary)}", flush=True)

            # Failover: kill -9 the leader of partition 0, time until an
            # idempotent acks=all producer is acknowledged on it again.
            topic = "bench-failover"
            create_topic(cluster.bootstrap, topic, 1, 3, {"min.insync.replicas": "2"})
            wait_full_isr(cluster, topic, 1)
            failovers = []
            for _ in range(args.failovers):
                producer = AckingProducer(cluster.bootstrap, topic, 1).start()
                wait_for(lambda: len(producer.acked) > 200, 30, what="acknowledgements")
                victim = leader_of(cluster, topic, 0)
                killed = time.monotonic()
                cluster.nodes[victim].kill()
                wait_for(lambda: producer.acks_since(killed + 0.05) > 0, 60, what="writes after the kill")
                failovers.append(round(producer.first_ack_after(killed + 0.05, 0) - killed, 3))
                producer.stop()
                cluster.nodes[victim].start()
                wait_full_isr(cluster, topic, 1)
                print(f"failover after kill -9 of broker {victim}: {failovers[-1]} s", flush=True)
            results["failover_seconds"] = failovers
        finally:
            cluster.cleanup()
    rf1 = results["rf1_acks1"]
    rf3 = results["rf3_acksall"]
    results["rf3_over_rf1"] = round(rf3["records_per_sec"] / rf1["records_per_sec"], 3)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
