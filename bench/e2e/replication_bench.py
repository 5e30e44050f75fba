#!/usr/bin/python3
"""Replication cost, end to end: produce throughput, latency and CPU of 1 KiB
records to an RF=1 acks=1 topic and to an RF=3 (min.insync.replicas=2)
acks=all topic on a local 3-broker cluster (config/cluster, free ports),
with two real clients: the project's `kappa perf produce` and librdkafka's
`kcat -P -l` (same batching flags).  Per client the two runs alternate for
--rounds rounds, each on a fresh topic that is deleted afterwards; the
ratio reported is the median of the rounds' RF=3 / RF=1 ratios.  Then the failover time: how long
after kill -9 of a partition leader an idempotent acks=all producer is
acknowledged again.

    /usr/bin/python3 bench/e2e/replication_bench.py [--seconds 15] [--rounds 3]
        [--data-dir DIR] [--clients kappa,kcat] [--partitions 6]
        [--build-dir build] [--failovers 3]

--data-dir is where the brokers' logs go (default: the system's temporary
directory, i.e. the machine's disk).  All three brokers share it, so RF=3
writes three copies to one disk: when the disk is the bottleneck, RF=3 can
reach at most a third of RF=1.  `--data-dir /dev/shm` keeps the logs in
memory and measures what replication costs in CPU, as when each broker has
a disk of its own.

Per run it prints records/s, MB/s, latency percentiles (kappa only: kcat
does not measure them) and the CPU time (user + system) per record of the
client and of the three brokers together, and a JSON summary on the last
line.  kcat's time includes its start-up (metadata, connections).
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))


def cpu_seconds(pid):
    """User + system CPU seconds of a live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def brokers_cpu_seconds(cluster):
    return sum(cpu_seconds(n.proc.pid) for n in cluster.nodes.values())


def children_cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


KCAT_MAX_RECORDS = 4_000_000  # kcat's input lives in memory (/dev/shm): at most 4 GiB of 1 KiB records


class KcatInput:
    """Files of N lines for `kcat -P -l` (one file only in line mode), each
    line a `size`-byte record value plus newline, kept in /dev/shm per N."""

    def __init__(self, size):
        self.size = size
        self.dir = Path(tempfile.mkdtemp(prefix="kappa-repl-bench-kcat-", dir="/dev/shm"))
        self.files = {}

    def file(self, records):
        if records not in self.files:
            path = self.dir / f"{records}.txt"
            lines = b"x" * (self.size - 1) + b"\n"
            with open(path, "wb") as f:
                for _ in range(records // 1000):
                    f.write(lines * 1000)
                f.write(lines * (records % 1000))
            self.files[records] = path
        return self.files[records]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def produce(client, kappa_bin, cluster, topic, records, size, acks, extra, kcat_input):
    """Runs one producer: `kappa perf produce` (its own JSON report) or
    `kcat -P -l` (librdkafka; throughput only).  Adds wall time and CPU."""
    if client == "kappa":
        cmd = [str(kappa_bin), "-b", cluster.bootstrap, "--timeout", "120s", "perf", "produce",
               "--topic", topic, "--num-records", str(records), "--record-size", str(size), "--acks", acks,
               "--json"] + extra
    else:
        records = min(records, KCAT_MAX_RECORDS)
        cmd = ["kcat", "-P", "-b", cluster.bootstrap, "-t", topic, "-l", "-X", f"acks={acks}"] + \
            kcat_flags(extra) + [str(kcat_input.file(records))]
    brokers_before = brokers_cpu_seconds(cluster)
    client_before = children_cpu_seconds()
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:12])} ... exited with {done.returncode}: {done.stderr[-2000:]}")
    out = done.stdout
    elapsed = time.monotonic() - started
    if client == "kappa":
        summary = json.loads(out.strip().splitlines()[-1])
    else:
        summary = {"records": records, "records_per_sec": records / elapsed,
                   "mb_per_sec": records * size / elapsed / 2**20, "latency_ms": None}
    summary["wall_seconds"] = round(elapsed, 2)
    summary["cpu_us_per_record"] = {
        "client": round((children_cpu_seconds() - client_before) * 1e6 / records, 2),
        "brokers": round((brokers_cpu_seconds(cluster) - brokers_before) * 1e6 / records, 2),
    }
    if client == "kcat":
        cmd[-1] = f"<file of {records} lines>"
    summary["cmdline"] = " ".join(cmd)
    return summary, elapsed


def kcat_flags(extra):
    """The same batching for librdkafka as --extra gives `kappa perf produce`."""
    names = {"--max-in-flight": "max.in.flight", "--linger-ms": "linger.ms", "--batch-size": "batch.size"}
    out = []
    for flag, value in zip(extra[::2], extra[1::2]):
        if flag in names:
            out += ["-X", f"{names[flag]}={value}"]
    return out



def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=15.0, help="target duration of each measured run")
    ap.add_argument("--rounds", type=int, default=3, help="alternating RF=1 / RF=3 run pairs")
    ap.add_argument("--data-dir", default=None, help="parent directory of the brokers' data (default: system temp)")
    ap.add_argument("--partitions", type=int, default=6)
    ap.add_argument("--record-size", type=int, default=1024)
    ap.add_argument("--build-dir", default=str(ROOT / "build"))
    ap.add_argument("--failovers", type=int, default=3)
    ap.add_argument("--clients", default="kappa,kcat",
                    help="producers to run: kappa (`kappa perf produce`), kcat (librdkafka's `kcat -P -l`)")
    ap.add_argument("--extra", default="--max-in-flight 5 --linger-ms 5 --batch-size 65536",
                    help="extra `kappa perf produce` flags, for both runs (kcat gets the same batching)")
    args = ap.parse_args()
    os.environ["KAPPA_BUILD_DIR"] = str(Path(args.build_dir).resolve())

    from kappa_harness import Cluster, KAPPA_BIN  # after KAPPA_BUILD_DIR is set
    from confluent_kafka.admin import AdminClient
    from replication_check import AckingProducer, create_topic, leader_of, wait_full_isr
    from kappa_harness import wait_for

    extra = args.extra.split()
    clients = args.clients.split(",")
    modes = [("rf1_acks1", 1, "1"), ("rf3_acksall", 3, "all")]
    runs = {c: {name: [] for name, _, _ in modes} for c in clients}
    results = {"data_dir": args.data_dir or tempfile.gettempdir(), "rounds": args.rounds}
    with tempfile.TemporaryDirectory(prefix="kappa-repl-bench-", dir=args.data_dir) as tmp:
        cluster = Cluster(tmp, overrides={"broker.session.timeout.ms": "3000", "broker.heartbeat.interval.ms": "500",
                                          "auto.leader.rebalance.enable": "false",
                                          # deleted topics' files go within a second
                                          "log.retention.check.interval.ms": "1000"})
        kcat_input = KcatInput(args.record_size)
        try:
            cluster.start()
            admin = AdminClient({"bootstrap.servers": cluster.bootstrap})
            sizes = {}
            for round_ in range(args.rounds + 1):  # round 0 calibrates the record counts
                for client in clients:
                    for name, rf, acks in modes:
                        topic = f"bench-{client}-{name}-{round_}"
                        # The previous run's writeback neither lands in this one nor
                        # delays the controller's fsyncs while the topic is created.
                        os.sync()
                        create_topic(cluster.bootstrap, topic, args.partitions, rf,
                                     {"min.insync.replicas": str(min(rf, 2))})
                        wait_full_isr(cluster, topic, args.partitions) if rf == 3 else time.sleep(1)
                        n = sizes.get((client, name), 250_000)
                        summary, elapsed = produce(client, KAPPA_BIN, cluster, topic, n, args.record_size, acks, extra,
                                                   kcat_input)
                        if round_ == 0:
                            sizes[(client, name)] = max(20000, int(summary["records"] / elapsed * args.seconds))
                        else:
                            runs[client][name].append(summary)
                            lat = summary["latency_ms"]
                            latency = f" p50 {lat['p50']} ms p99 {lat['p99']} ms" if lat else ""
                            print(f"round {round_} {client} {name}: {summary['records_per_sec']:,.0f} records/s "
                                  f"{summary['mb_per_sec']:.0f} MB/s{latency}, "
                                  f"CPU us/record {summary['cpu_us_per_record']}", flush=True)
                        os.sync()
                        for f in admin.delete_topics([topic]).values():
                            f.result()
                        time.sleep(2)  # its files are removed before the next run

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
            kcat_input.cleanup()
    results["runs"] = runs
    for client in clients:
        rf1, rf3 = runs[client]["rf1_acks1"], runs[client]["rf3_acksall"]
        ratios = [b["records_per_sec"] / a["records_per_sec"] for a, b in zip(rf1, rf3)]
        results[f"{client}_rf3_over_rf1"] = [round(r, 3) for r in ratios]
        results[f"{client}_rf3_over_rf1_median"] = round(statistics.median(ratios), 3)
        print(f"{client}: RF=3 acks=all / RF=1 acks=1 per round {results[f'{client}_rf3_over_rf1']}, "
              f"median {results[f'{client}_rf3_over_rf1_median']}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
