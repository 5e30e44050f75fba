"""Consumer groups and committed offsets with unmodified clients
(confluent-kafka, kafka-python, kcat), a restart of the broker, bad input on
the wire, and KIP-848 groups driven by hand-rolled ConsumerGroupHeartbeats."""
import collections
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from group_wire import Client
from kafka_wire import record_batch
from kappa_harness import wait_for

WORKER = Path(__file__).with_name("group_worker.py")
# Short timeouts keep the file fast; clients pick session timeouts >= 1 s.
GROUP_OVERRIDES = {"group.min.session.timeout.ms": "1000", "group.initial.rebalance.delay.ms": "300"}

NONE, UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE = 0, 3, 12
INVALID_TOPIC_EXCEPTION, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL = 17, 22, 23
INVALID_GROUP_ID, UNKNOWN_MEMBER_ID, INVALID_SESSION_TIMEOUT = 24, 25, 26
REBALANCE_IN_PROGRESS, UNKNOWN_SERVER_ERROR, FENCED_MEMBER_EPOCH = 27, -1, 110
INVALID_REQUEST, UNSUPPORTED_ASSIGNOR, GROUP_ID_NOT_FOUND = 42, 112, 69
NON_EMPTY_GROUP, GROUP_SUBSCRIBED_TO_TOPIC = 68, 86


@pytest.fixture
def gbroker(broker_factory):
    return broker_factory(overrides=GROUP_OVERRIDES).start()


def create(bootstrap, name, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(name, partitions, 1)]).values():
        f.result()


def produce(bootstrap, topic, count, partitions, start=0):
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for i in range(start, start + count):
        p.produce(topic, value=f"v{i}".encode(), partition=i % partitions)
    assert p.flush(30) == 0


def committed(bootstrap, group, topic, partitions):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        return [tp.offset for tp in c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=20)]
    finally:
        c.close()


class Worker:
    """A group_worker.py process and the events it reported."""

    def __init__(self, bootstrap, group, topic, extra=None):
        self.proc = subprocess.Popen([sys.executable, str(WORKER), bootstrap, group, topic, json.dumps(extra or {})],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.events = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.events.append(json.loads(line))

    def of(self, kind):
        with self.lock:
            return [e for e in self.events if e["event"] == kind]

    def assignment(self):
        """Partitions currently held (eager protocol: revoke all, then assign)."""
        held = set()
        with self.lock:
            for e in self.events:
                if e["event"] == "assigned":
                    held = set(e["partitions"])
                elif e["event"] == "revoked":
                    held -= set(e["partitions"])
        return held

    def records(self):
        return [(e["p"], e["o"]) for e in self.of("record")]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(30)
        self.reader.join(10)  # its last lines (e.g. "closed") are read

    def kill(self):
        self.proc.kill()
        self.proc.wait(30)
        self.reader.join(10)


def diagnose(workers):
    """Who read each duplicated record, and every failed commit, assignment and revocation."""
    seen = collections.defaultdict(list)
    for i, w in enumerate(workers):
        for r in w.records():
            seen[r].append(i)
    dups = {r: ws for r, ws in seen.items() if len(ws) > 1}
    lines = [f"{len(dups)} duplicated, e.g. {sorted(dups.items())[:5]}"]
    for i, w in enumerate(workers):
        for e in w.events:
            if e["event"] in ("commit_failed", "error", "assigned", "revoked", "closed"):
                lines.append(f"worker {i}: {e}")
    return "\n".join(lines)


def assignments(workers):
    return [w.assignment() for w in workers]


def balanced(workers, each):
    held = assignments(workers)
    return all(len(h) == each for h in held) and len(set().union(*held)) == each * len(workers)


def commit_start(bootstrap, group, topic, partitions):
    """Commits offset 0 for every partition, so members start from a committed
    offset rather than through auto.offset.reset.  librdkafka 2.0.2 (Debian
    12) re-arms its offset-query timer when a ListOffsets reply arrives after
    the partition was reassigned (rd_kafka_toppar_offset_retry on an outdated
    reply); if that partition comes back to the member, the timer later resets
    its position to BEGINNING and it re-reads what it had committed.  The
    reply is late whenever it queues behind a long-polling Fetch on the same
    connection, as on Kafka (one request at a time per connection)."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group})
    try:
        c.commit(offsets=[TopicPartition(topic, p, 0) for p in range(partitions)], asynchronous=False)
    finally:
        c.close()


def test_three_consumers_share_a_topic_and_fail_over(gbroker):
    bs = gbroker.bootstrap
    create(bs, "shared", 6)
    produce(bs, "shared", 600, 6)
    commit_start(bs, "trio", "shared", 6)
    workers = [Worker(bs, "trio", "shared")]
    try:
        wait_for(lambda: len(workers[0].assignment()) == 6, 30, what="the first member's assignment")
        workers.append(Worker(bs, "trio", "shared"))
        wait_for(lambda: balanced(workers, 3), 30, what="two members with three partitions each")
        # The third member: time from its subscribe() to every member holding its share.
        workers.append(Worker(bs, "trio", "shared"))
        wait_for(lambda: workers[2].of("subscribed"), 10, what="the third member to subscribe")
        joined = workers[2].of("subscribed")[0]["t"]
        wait_for(lambda: balanced(workers, 2), 30, what="three members with two partitions each")
        print(f"\nrebalance time of a 3-member group (3rd member subscribes -> all assigned): "
              f"{time.monotonic() - joined:.3f} s")

        def all_records():
            return [r for w in workers for r in w.records()]
        wait_for(lambda: len(all_records()) >= 600, 30, what="600 records")
        time.sleep(0.5)
        assert sorted(all_records()) == sorted(set(all_records())), "a record was read twice: " + diagnose(workers)
        assert len(all_records()) == 600

        # A clean stop hands its partitions over: nothing lost, nothing twice.
        workers[0].stop()
        assert workers[0].of("closed")
        rest = workers[1:]
        wait_for(lambda: balanced(rest, 3), 30, what="the partitions of the stopped member to move")
        produce(bs, "shared", 300, 6, start=600)
        wait_for(lambda: len(all_records()) >= 900, 30, what="900 records")
        time.sleep(0.5)
        assert len(all_records()) == 900 and len(set(all_records())) == 900
        values = {e["v"] for w in workers for e in w.of("record")}
        assert values == {f"v{i}" for i in range(900)}

        # kill -9: the member is evicted only when its session (3 s) expires.
        workers[1].kill()
        killed = time.monotonic()
        wait_for(lambda: len(workers[2].assignment()) == 6, 30, what="the survivor to take every partition")
        evicted_after = time.monotonic() - killed
        assert evicted_after >= 2.5, f"evicted after {evicted_after:.2f} s, before the session timeout"
        produce(bs, "shared", 60, 6, start=900)
        wait_for(lambda: {f"v{i}" for i in range(900, 960)} <= {e["v"] for e in workers[2].of("record")}, 30,
                 what="the survivor to read new records")
    finally:
        for w in workers:
            if w.proc.poll() is None:
                w.kill()


def test_commit_restart_and_resume_after_the_committed_offsets(gbroker):
    bs = gbroker.bootstrap
    create(bs, "durable-offsets", 2)
    produce(bs, "durable-offsets", 100, 2)
    c = Consumer({"bootstrap.servers": bs, "group.id": "resume", "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "session.timeout.ms": 3000})
    c.subscribe(["durable-offsets"])
    seen = []
    deadline = time.monotonic() + 30
    while len(seen) < 60 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            seen.append(m)
    c.commit(asynchronous=False)
    expected = {p: max(m.offset() for m in seen if m.partition() == p) + 1 for p in {m.partition() for m in seen}}
    c.close()
    assert gbroker.stop() == 0
    gbroker.start()
    assert committed(bs, "resume", "durable-offsets", 2) == [expected.get(p, -1001) for p in range(2)]
    produce(bs, "durable-offsets", 20, 2, start=100)  # every partition has records after its commit
    c = Consumer({"bootstrap.servers": bs, "group.id": "resume", "enable.auto.commit": False,
                  "auto.offset.reset": "earliest", "session.timeout.ms": 3000})
    c.subscribe(["durable-offsets"])
    first = {}
    deadline = time.monotonic() + 30
    while len(first) < len(expected) and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            first.setdefault(m.partition(), m.offset())
    c.close()
    assert first == expected


def test_kafka_python_group_consumer(gbroker):
    from kafka import KafkaConsumer
    bs = gbroker.bootstrap
    create(bs, "kp-topic", 3)
    produce(bs, "kp-topic", 90, 3)
    c = KafkaConsumer("kp-topic", bootstrap_servers=bs, group_id="kp-group", auto_offset_reset="earliest",
                      enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=500,
                      consumer_timeout_ms=15000)
    values = []
    for m in c:
        values.append(m.value)
        if len(values) == 90:
            break
    c.commit()
    c.close()
    assert sorted(values) == sorted(f"v{i}".encode() for i in range(90))
    assert committed(bs, "kp-group", "kp-topic", 3) == [30, 30, 30]


def test_kcat_balanced_consumer(gbroker):
    bs = gbroker.bootstrap
    create(bs, "kc-topic", 2)
    produce(bs, "kc-topic", 40, 2)
    out = subprocess.run(["kcat", "-b", bs, "-G", "kc-group", "-o", "beginning", "-c", "40", "-f", "%p:%o\n",
                          "-X", "session.timeout.ms=3000", "kc-topic"],
                         capture_output=True, text=True, timeout=60)
    rows = out.stdout.strip().splitlines()
    assert len(rows) == 40 and len(set(rows)) == 40, out.stderr[-2000:]
    # kcat commits what it consumed when it leaves.
    wait_for(lambda: committed(bs, "kc-group", "kc-topic", 2) == [20, 20], 20, what="kcat's commits")


def test_admin_clients_list_describe_and_delete_groups(gbroker):
    from kafka import KafkaAdminClient
    from kafka.structs import TopicPartition as KTP
    bs = gbroker.bootstrap
    create(bs, "adm-topic", 2)
    produce(bs, "adm-topic", 20, 2)
    c = Consumer({"bootstrap.servers": bs, "group.id": "adm-live", "auto.offset.reset": "earliest",
                  "session.timeout.ms": 3000, "enable.auto.commit": False})
    c.subscribe(["adm-topic"])
    wait_for(lambda: c.poll(0.2) is not None and len(c.assignment()) == 2, 30, what="the live group")
    c.commit(offsets=[TopicPartition("adm-topic", 0, 5)], asynchronous=False)
    Consumer({"bootstrap.servers": bs, "group.id": "adm-idle"}).commit(
        offsets=[TopicPartition("adm-topic", 1, 3)], asynchronous=False)
    # confluent-kafka 1.7's legacy list_groups: ListGroups v0 + DescribeGroups v0.
    groups = {g.id: g for g in AdminClient({"bootstrap.servers": bs}).list_groups(timeout=10)}
    assert groups["adm-live"].state == "Stable" and groups["adm-live"].protocol == "range"
    assert len(groups["adm-live"].members) == 1 and groups["adm-idle"].state == "Empty"
    # kafka-python's admin: ListGroups, DescribeGroups, OffsetFetch, DeleteGroups.
    admin = KafkaAdminClient(bootstrap_servers=bs)
    listed = dict(admin.list_consumer_groups())
    assert listed["adm-live"] == "consumer" and "adm-idle" in listed
    (described,) = admin.describe_consumer_groups(["adm-live"])
    assert described.state == "Stable" and described.protocol == "range"
    assert admin.list_consumer_group_offsets("adm-live")[KTP("adm-topic", 0)].offset == 5
    results = dict(admin.delete_consumer_groups(["adm-idle", "adm-live", "adm-none"]))
    assert results["adm-idle"].__name__ == "NoError"
    assert results["adm-live"].__name__ == "NonEmptyGroupError"
    assert results["adm-none"].__name__ == "GroupIdNotFoundError"
    assert "adm-idle" not in dict(admin.list_consumer_groups())
    admin.close()
    c.close()


def test_static_member_rejoins_without_a_rebalance(gbroker):
    bs = gbroker.bootstrap
    create(bs, "static-topic", 4)
    extra = lambda i: {"group.instance.id": f"instance-{i}", "session.timeout.ms": 10000}
    a = Worker(bs, "statics", "static-topic", extra(1))
    b = Worker(bs, "statics", "static-topic", extra(2))
    try:
        wait_for(lambda: balanced([a, b], 2), 30, what="two static members with two partitions each")
        a_partitions = a.assignment()
        b_events = len(b.of("assigned")) + len(b.of("revoked"))
        # Static members do not leave on close: the restarted instance takes its old place.
        a.stop()
        a2 = Worker(bs, "statics", "static-topic", extra(1))
        wait_for(lambda: a2.assignment() == a_partitions, 20, what="the restarted static member's assignment")
        time.sleep(1.5)  # a rebalance would show up on b within a few heartbeats
        assert len(b.of("assigned")) + len(b.of("revoked")) == b_events, "the other member was rebalanced"
        group = Client(bs).describe_group("statics")
        assert group["state"] == "Stable" and len(group["members"]) == 2
        a2.kill()
    finally:
        for w in (a, b):
            if w.proc.poll() is None:
                w.kill()


def test_bad_group_requests_get_kafkas_errors(gbroker):
    bs = gbroker.bootstrap
    create(bs, "bad-topic", 1)
    c = Client(bs)
    assert c.find_coordinator("raw")["error"] == NONE
    # A member of a real group, by hand.
    # Protocol metadata: a ConsumerProtocolSubscription v0 for bad-topic.
    subscription = struct.pack(">hi", 0, 1) + struct.pack(">h", 9) + b"bad-topic" + struct.pack(">i", -1)
    j = c.join_group("raw", protocols=[("range", subscription)])
    assert (j["error"], j["generation"], j["leader"]) == (NONE, 1, j["member_id"])
    member, gen = j["member_id"], j["generation"]
    assert c.sync_group("raw", gen, member, [(member, b"assignment")]) == {"error": NONE, "assignment": b"assignment"}
    # Unknown protocol types and no common protocol.
    assert c.join_group("raw", protocol_type="bogus")["error"] == INCONSISTENT_GROUP_PROTOCOL
    assert c.join_group("raw", protocols=[("roundrobin", b"")])["error"] == INCONSISTENT_GROUP_PROTOCOL
    assert c.join_group("fresh", protocol_type="")["error"] == INCONSISTENT_GROUP_PROTOCOL
    # Stale generations, unknown members, bad ids and timeouts.
    assert c.heartbeat("raw", gen + 5, member) == ILLEGAL_GENERATION
    assert c.sync_group("raw", gen - 1, member)["error"] == ILLEGAL_GENERATION
    assert c.heartbeat("raw", gen, "nobody") == UNKNOWN_MEMBER_ID
    assert c.join_group("raw", member_id="nobody")["error"] == UNKNOWN_MEMBER_ID
    assert c.join_group("", protocols=[("range", b"")])["error"] == INVALID_GROUP_ID
    assert c.join_group("raw", session_timeout=10)["error"] == INVALID_SESSION_TIMEOUT
    assert c.heartbeat("raw", gen, member) == NONE
    # Commits: unknown topics, oversized metadata, stale generation; the good one sticks.
    errors = c.offset_commit("raw", gen, member, {("bad-topic", 0): 7, ("no-such-topic", 0): 1, ("bad-topic", 9): 1})
    assert errors == {("bad-topic", 0): NONE, ("no-such-topic", 0): UNKNOWN_TOPIC_OR_PARTITION,
                      ("bad-topic", 9): UNKNOWN_TOPIC_OR_PARTITION}
    assert c.offset_commit("raw", gen, member, {("bad-topic", 0): 8}, metadata="x" * 5000) == {
        ("bad-topic", 0): OFFSET_METADATA_TOO_LARGE}
    assert c.offset_commit("raw", gen + 1, member, {("bad-topic", 0): 9}) == {("bad-topic", 0): ILLEGAL_GENERATION}
    assert c.offset_commit("ghost-group", 3, "m", {("bad-topic", 0): 9}) == {("bad-topic", 0): ILLEGAL_GENERATION}
    assert c.offset_fetch("raw", [("bad-topic", 0), ("no-such-topic", 0)]) == {
        ("bad-topic", 0): (7, NONE), ("no-such-topic", 0): (-1, NONE)}
    # Oversized metadata in a join: the group cannot store it and says so;
    # __consumer_offsets is not touched.
    big = Client(bs)
    huge = big.join_group("huge", protocols=[("range", b"x" * (2 << 20))])
    assert huge["error"] == NONE
    assert big.sync_group("huge", huge["generation"], huge["member_id"])["error"] == UNKNOWN_SERVER_ERROR
    # Nobody else may write __consumer_offsets.
    assert c.produce_v3("__consumer_offsets", 0, record_batch([b"garbage"])) == INVALID_TOPIC_EXCEPTION
    # OffsetDelete keeps the offsets of topics an active group consumes.
    assert c.offset_delete("raw", [("bad-topic", 0)]) == (NONE, {("bad-topic", 0): GROUP_SUBSCRIBED_TO_TOPIC})
    assert c.leave_group("raw", member) == NONE
    assert c.leave_group("raw", member) == UNKNOWN_MEMBER_ID
    assert c.offset_delete("nobody", [("bad-topic", 0)]) == (GROUP_ID_NOT_FOUND, {})
    assert c.offset_delete("raw", [("no-such-topic", 0)]) == (NONE, {("no-such-topic", 0): UNKNOWN_TOPIC_OR_PARTITION})
    c.close()
    big.close()
    # After a restart every valid commit is still there and nothing was skipped.
    assert gbroker.stop() == 0
    gbroker.start()
    c = Client(bs)
    wait_for(lambda: c.offset_fetch("raw", [("bad-topic", 0)]) == {("bad-topic", 0): (7, NONE)}, 20,
             what="the committed offset after the restart")
    assert "skipping malformed record" not in gbroker.log_text()
    c.close()


def test_consumer_offsets_records_use_kafkas_format(gbroker):
    """kafka-python reads __consumer_offsets: keys are int16 version + key struct."""
    from kafka import KafkaConsumer, TopicPartition as KTP
    bs = gbroker.bootstrap
    create(bs, "fmt-topic", 1)
    c = Client(bs)
    c.find_coordinator("fmt")
    assert c.offset_commit("fmt", -1, "", {("fmt-topic", 0): 42}) == {("fmt-topic", 0): NONE}
    c.close()
    from group_wire import Reader
    partition = None
    for p in range(50):
        reader = KafkaConsumer(bootstrap_servers=bs, consumer_timeout_ms=500, enable_auto_commit=False)
        tp = KTP("__consumer_offsets", p)
        reader.assign([tp])
        reader.seek_to_beginning(tp)
        records = list(reader)
        reader.close()
        if records:
            partition = p
            break
    assert partition is not None
    key = Reader(records[0].key)
    assert (key.i16(), key.string(), key.string(), key.i32()) == (1, "fmt", "fmt-topic", 0)
    value = Reader(records[0].value)
    assert (value.i16(), value.i64()) == (3, 42)


def test_kip848_members_get_server_side_assignments(gbroker):
    bs = gbroker.bootstrap
    create(bs, "k848", 6)
    a, b = Client(bs), Client(bs)
    assert a.find_coordinator("next-gen")["error"] == NONE
    ra = a.consumer_heartbeat("next-gen", "member-a", 0, topics=["k848"], owned={})
    assert (ra["error"], ra["epoch"]) == (NONE, 1), ra
    (topic_id, parts), = ra["assignment"].items()
    assert parts == [0, 1, 2, 3, 4, 5]
    rb = b.consumer_heartbeat("next-gen", "member-b", 0, topics=["k848"], owned={})
    assert rb["epoch"] == 2 and rb["assignment"] == {}  # a must revoke first
    ra = a.consumer_heartbeat("next-gen", "member-a", 1, owned={topic_id: parts})
    keep = ra["assignment"][topic_id]
    assert ra["epoch"] == 1 and len(keep) == 3
    ra = a.consumer_heartbeat("next-gen", "member-a", 1, owned={topic_id: keep})
    assert ra["epoch"] == 2
    rb = b.consumer_heartbeat("next-gen", "member-b", 2, owned={})
    assert sorted(rb["assignment"][topic_id] + keep) == parts
    desc = a.consumer_group_describe("next-gen")
    assert (desc["error"], desc["state"], desc["epoch"], desc["assignor"]) == (NONE, "Stable", 2, "uniform")
    assert sorted(m["member_id"] for m in desc["members"]) == ["member-a", "member-b"]
    assert all(m["assignment"][0][1] == "k848" for m in desc["members"])
    # Errors as Kafka gives them.
    assert a.consumer_heartbeat("next-gen", "member-a", 7)["error"] == FENCED_MEMBER_EPOCH
    assert a.consumer_heartbeat("next-gen", "ghost", 3)["error"] == UNKNOWN_MEMBER_ID
    assert a.consumer_heartbeat("next-gen", "", 0, topics=["k848"], owned={})["error"] == INVALID_REQUEST
    assert a.consumer_heartbeat("x", "m", 0, topics=["k848"], owned={}, assignor="sticky")["error"] == UNSUPPORTED_ASSIGNOR
    assert a.consumer_heartbeat("no-such-group", "m", 5)["error"] == GROUP_ID_NOT_FOUND
    # Leaving gives the partitions back to the other member.
    assert a.consumer_heartbeat("next-gen", "member-a", -1)["epoch"] == -1
    rb = b.consumer_heartbeat("next-gen", "member-b", 2, owned={topic_id: rb["assignment"][topic_id]})
    assert rb["assignment"][topic_id] == parts
    # The group survives a restart.
    a.close()
    b.close()
    assert gbroker.stop() == 0
    gbroker.start()
    c = Client(bs)
    wait_for(lambda: c.consumer_group_describe("next-gen")["error"] == NONE, 20, what="the group after the restart")
    desc = c.consumer_group_describe("next-gen")
    assert [m["member_id"] for m in desc["members"]] == ["member-b"]
    assert desc["members"][0]["assignment"][0][2] == parts
    c.close()
