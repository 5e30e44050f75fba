"""Helpers for the replication fault tests and the replication benchmark: a
continuous idempotent acks=all producer that records every acknowledgement,
a from-the-start reader, the no-loss/no-duplicate/order checks, and a
byte-level comparison of the replicas' segment files."""
import glob
import logging
import os
import struct
import threading
import time
from pathlib import Path

from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kappa_harness import wait_for


def create_topic(bootstrap, name, partitions, replication_factor=3, config=None):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(name, partitions, replication_factor, config=config or {})]).values():
        f.result()


def partition_state(bootstrap, topic, partition, timeout=5):
    """(leader, isr) of one partition as `bootstrap`'s metadata says."""
    md = AdminClient({"bootstrap.servers": bootstrap}).list_topics(topic, timeout=timeout)
    p = md.topics[topic].partitions[partition]
    return p.leader, sorted(p.isrs)


def leader_of(cluster, topic, partition, exclude=()):
    """The partition's leader according to the live brokers (not `exclude`)."""
    bootstrap = ",".join(n.bootstrap for i, n in cluster.nodes.items() if n.alive() and i not in exclude)

    def known():
        try:
            leader, _ = partition_state(bootstrap, topic, partition)
        except Exception:
            return None
        return leader if leader in cluster.nodes and leader not in exclude else None
    return wait_for(known, 30, interval=0.2, what=f"a leader of {topic}-{partition}")


def wait_full_isr(cluster, topic, partitions, timeout=60):
    """Until every partition has every replica in its ISR, as every live node sees it."""
    want = sorted(cluster.nodes)

    def full():
        for n in cluster.nodes.values():
            if not n.alive():
                return False
            try:
                md = AdminClient({"bootstrap.servers": n.bootstrap}).list_topics(topic, timeout=5)
            except Exception:
                return False
            t = md.topics.get(topic)
            if t is None or t.error is not None or len(t.partitions) != partitions:
                return False
            for p in t.partitions.values():
                if p.leader < 0 or sorted(p.isrs) != want:
                    return False
        return True
    wait_for(full, timeout, interval=0.25, what=f"{topic}: every replica back in the ISR")


class AckingProducer:
    """Writes numbered records (value = the sequence number) round-robin over
    the partitions with an idempotent acks=all producer, in a thread, and
    records every acknowledgement as (partition, offset, value) in the order
    the delivery reports arrive."""

    def __init__(self, bootstrap, topic, partitions, config=None, rate_pause=0.002, first_seq=0):
        self.topic = topic
        self.partitions = partitions
        conf = {"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                "linger.ms": 5, "message.timeout.ms": 180000, "request.timeout.ms": 5000,
                "retry.backoff.ms": 100, "topic.metadata.refresh.interval.ms": 1000}
        conf.update(config or {})
        if os.environ.get("KAPPA_PRODUCER_DEBUG"):  # a file: librdkafka's debug log goes there
            conf["debug"] = "msg,eos,protocol,broker,topic"
            log = logging.getLogger(f"producer-{id(self)}")
            log.addHandler(logging.FileHandler(os.environ["KAPPA_PRODUCER_DEBUG"]))
            log.setLevel(logging.DEBUG)
            self.producer = Producer(conf, logger=log)
        else:
            self.producer = Producer(conf)
        self.acked = []        # (partition, offset, value) in acknowledgement order
        self.errors = []       # (value, error) of records that failed for good
        self.ack_times = []    # monotonic time of each acknowledgement
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.rate_pause = rate_pause
        self.first_seq = first_seq

    def _on_delivery(self, err, msg):
        if err is not None:
            self.errors.append((msg.value(), err))
            return
        self.acked.append((msg.partition(), msg.offset(), msg.value()))
        self.ack_times.append(time.monotonic())

    def _run(self):
        i = self.first_seq
        while not self._stop.is_set():
            try:
                self.producer.produce(self.topic, value=b"%d" % i, partition=i % self.partitions,
                                      on_delivery=self._on_delivery)
            except BufferError:
                self.producer.poll(0.05)
                continue
            i += 1
            self.sent = i
            self.producer.poll(0)
            if i % 20 == 0:
                time.sleep(self.rate_pause)
        self.producer.flush(0)

    def start(self):
        self.started = time.monotonic()
        self._thread.start()
        return self

    def stop(self, flush_timeout=120):
        self._stop.set()
        self._thread.join()
        remaining = self.producer.flush(flush_timeout)
        self.stopped = time.monotonic()
        return remaining

    def longest_stall(self):
        """The longest time without any acknowledgement while producing."""
        times = [self.started] + self.ack_times
        return max(b - a for a, b in zip(times, times[1:])) if len(times) > 1 else float("inf")

    def acks_since(self, t, partition=None):
        return sum(1 for x, a in zip(self.ack_times, self.acked) if x >= t and partition in (None, a[0]))

    def first_ack_after(self, t, partition):
        return next((x for x, a in zip(self.ack_times, self.acked) if x >= t and a[0] == partition), None)


def read_all(bootstrap, topic, partitions, timeout=60):
    """Every record of every partition from offset 0 up to the high watermark:
    {partition: [(offset, value)]}."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "verify", "enable.partition.eof": True,
                  "enable.auto.commit": False, "fetch.wait.max.ms": 100})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out = {p: [] for p in range(partitions)}
    done = set()
    deadline = time.monotonic() + timeout
    try:
        while len(done) < partitions:
            assert time.monotonic() < deadline, f"reading {topic} did not reach the end of {set(range(partitions)) - done}"
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                if m.error().code() == -191:  # _PARTITION_EOF
                    done.add(m.partition())
                    continue
                raise AssertionError(m.error())
            out[m.partition()].append((m.offset(), m.value()))
    finally:
        c.close()
    return out


def verify(acked, got):
    """Checks the acknowledged records against what a consumer read; returns
    the counts and the list of problems (empty when every check holds)."""
    problems = []
    by_partition = {}
    for p, offset, value in acked:
        by_partition.setdefault(p, []).append((offset, value))
    counts = {"acked": len(acked), "read": sum(len(v) for v in got.values()), "lost": 0, "duplicated": 0}
    for p, records in got.items():
        offsets = [o for o, _ in records]
        if offsets != list(range(len(offsets))):
            problems.append(f"partition {p}: offsets are not contiguous from 0")
        values = [v for _, v in records]
        seen = set()
        for v in values:
            if v in seen:
                counts["duplicated"] += 1
            seen.add(v)
        at = dict(records)
        acks = by_partition.get(p, [])
        lost = [(o, v) for o, v in acks if at.get(o) != v]
        counts["lost"] += len(lost)
        if lost:
            problems.append(f"partition {p}: {len(lost)} acknowledged records missing or changed, e.g. {lost[:3]}")
        ack_offsets = [o for o, _ in acks]
        if ack_offsets != sorted(ack_offsets):
            problems.append(f"partition {p}: acknowledgements out of offset order")
        acked_values = {v for _, v in acks}
        in_log_order = [v for v in values if v in acked_values]
        if in_log_order != [v for _, v in acks]:
            problems.append(f"partition {p}: log order differs from acknowledgement order")
        # Values are sequence numbers written in order: the log must keep them increasing.
        nums = [int(v) for v in values if v.isdigit()]
        if nums != sorted(nums):
            problems.append(f"partition {p}: records out of production order")
    if counts["duplicated"]:
        problems.append(f"{counts['duplicated']} duplicated records")
    return counts, problems


# --- the storage layout: <log.dirs>/<topic>-<partition>/<base offset>.log ---

def log_batches(data_dir, topic, partition):
    """[(base_offset, last_offset, bytes)] of every record batch in the replica's segment files."""
    out = []
    for seg in sorted(glob.glob(os.path.join(str(data_dir), f"{topic}-{partition}", "*.log"))):
        data = Path(seg).read_bytes()
        pos = 0
        while pos + 12 <= len(data):
            base, length = struct.unpack_from(">qi", data, pos)
            if length <= 0 or pos + 12 + length > len(data):
                break  # preallocated or torn tail
            last_delta = struct.unpack_from(">i", data, pos + 23)[0]
            out.append((base, base + last_delta, data[pos:pos + 12 + length]))
            pos += 12 + length
    return out


def compare_replicas(data_dirs, topic, partition, high_watermark):
    """The batches below `high_watermark` must be byte-identical on every
    replica; returns the problems (empty when they are) and the batch count."""
    problems = []
    committed = {}
    for node, d in data_dirs.items():
        committed[node] = [b for b in log_batches(d, topic, partition) if b[0] < high_watermark]
    ref_node, ref = next(iter(committed.items()))
    if not ref or ref[-1][1] + 1 != high_watermark:
        problems.append(f"{topic}-{partition}: replica {ref_node} does not hold the committed range up to {high_watermark}")
    for node, batches in committed.items():
        if [b[2] for b in batches] != [b[2] for b in ref]:
            first = next((i for i, (a, b) in enumerate(zip(batches, ref)) if a[2] != b[2]), min(len(batches), len(ref)))
            problems.append(f"{topic}-{partition}: replica {node} differs from replica {ref_node} "
                            f"at batch {first} ({len(batches)} vs {len(ref)} batches below {high_watermark})")
    return problems, len(ref)


def high_watermarks(bootstrap, topic, partitions):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "hw"})
    try:
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in range(partitions)}
    finally:
        c.close()


def wait_replicas_converged(data_dirs, topic, partitions, timeout=30):
    """Until every replica holds the same batches (after the writes stopped)."""
    def same():
        for p in range(partitions):
            ends = {tuple((b[0], b[1]) for b in log_batches(d, topic, p)) for d in data_dirs.values()}
            if len(ends) != 1:
                return False
        return True
    wait_for(same, timeout, interval=0.25, what=f"{topic}: replicas to converge")
