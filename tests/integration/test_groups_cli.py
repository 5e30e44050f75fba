"""`kappa groups` (list, describe, delete, reset-offsets) and
`kappa consume --group` (KIP-848 and classic) against a real kappa-broker,
cross-checked with confluent-kafka consumers."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from kappa_harness import KAPPA_BIN, wait_for

pytestmark = pytest.mark.skipif(not KAPPA_BIN.exists(), reason=f"{KAPPA_BIN} not built")

# Short timeouts keep the file fast; KIP-848 members heartbeat every 500 ms.
OVERRIDES = {"group.min.session.timeout.ms": "1000", "group.initial.rebalance.delay.ms": "300",
             "group.consumer.heartbeat.interval.ms": "500"}


@pytest.fixture
def gbroker(broker_factory):
    return broker_factory(overrides=OVERRIDES).start()


def kappa(broker, *args, check=True, timeout=60):
    env = dict(os.environ)
    env.pop("KAPPA_BROKERS", None)
    p = subprocess.run([str(KAPPA_BIN), "-b", broker.bootstrap] + [str(a) for a in args], capture_output=True,
                       text=True, timeout=timeout, env=env)
    if check:
        assert p.returncode == 0, f"kappa {args} exited {p.returncode}: {p.stderr}"
    return p


def describe(broker, group):
    return json.loads(kappa(broker, "groups", "describe", group, "--json").stdout)


def try_describe(broker, group):
    """describe(), or None while the group does not exist yet."""
    p = kappa(broker, "groups", "describe", group, "--json", check=False)
    return json.loads(p.stdout) if p.returncode == 0 else None


def produce(broker, topic, values, partitions, timestamps=None):
    p = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 5})
    for i, v in enumerate(values):
        kw = {"timestamp": timestamps[i]} if timestamps else {}
        p.produce(topic, value=v.encode(), partition=i % partitions, **kw)
    assert p.flush(30) == 0


def read_group(broker, group, topic, expected, settle=1.5):
    """A confluent-kafka consumer in `group` reads until `expected` records
    arrived and nothing more comes for `settle` s; commits and leaves."""
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                  "enable.auto.commit": False, "session.timeout.ms": 6000})
    c.subscribe([topic])
    got, deadline, quiet_since = [], time.time() + 30, None
    try:
        while time.time() < deadline:
            m = c.poll(0.2)
            if m is None or m.error():
                if len(got) >= expected:
                    quiet_since = quiet_since or time.time()
                    if time.time() - quiet_since >= settle:
                        break
                continue
            quiet_since = None
            got.append(m.value().decode())
        c.commit(asynchronous=False) if got else None
    finally:
        c.close()
    return got


class CliMember:
    """A `kappa consume --group` process and the lines it printed."""

    def __init__(self, broker, group, topic, *extra):
        self.proc = subprocess.Popen([str(KAPPA_BIN), "-b", broker.bootstrap, "consume", topic, "--group", group,
                                      "--from-beginning", "--format", "%p:%o:%v\\n", *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines, self.errors = [], []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.errors), daemon=True).start()

    def _read(self, stream, into):
        for line in stream:
            with self.lock:
                into.append(line.rstrip("\n"))

    def values(self):
        with self.lock:
            return [l.split(":", 2)[2] for l in self.lines]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


def owners(desc):
    return {m["member_id"]: sorted(p["partition"] for p in m["assignment"]) for m in desc["members"]}


def test_groups_list_describe_delete(gbroker):
    kappa(gbroker, "topics", "create", "gl", "-p", 3)
    produce(gbroker, "gl", [f"v{i}" for i in range(30)], 3)
    c = Consumer({"bootstrap.servers": gbroker.bootstrap, "group.id": "cg", "client.id": "py-member",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False, "session.timeout.ms": 6000})
    c.subscribe(["gl"])
    got = []
    deadline = time.time() + 30
    while len(got) < 30 and time.time() < deadline:
        m = c.poll(0.2)
        if m is not None and not m.error():
            got.append(m)
    assert len(got) == 30
    c.commit(offsets=[TopicPartition("gl", p, 4 + p) for p in range(3)], asynchronous=False)

    active = describe(gbroker, "cg")
    assert active["state"] == "Stable" and active["type"] == "classic" and active["protocol_type"] == "consumer"
    [member] = active["members"]
    assert member["client_id"] == "py-member" and member["client_host"]
    assert sorted(p["partition"] for p in member["assignment"]) == [0, 1, 2]
    assert kappa(gbroker, "groups", "delete", "cg", check=False).returncode == 1  # NON_EMPTY_GROUP
    c.close()

    assert "cg" in kappa(gbroker, "groups", "list").stdout.split()
    listed = json.loads(kappa(gbroker, "groups", "list", "--json").stdout)
    assert {"group": "cg", "type": "classic", "state": "Empty", "protocol_type": "consumer"} in listed
    desc = describe(gbroker, "cg")
    assert desc["state"] == "Empty" and desc["members"] == []
    offsets = {o["partition"]: o for o in desc["offsets"]}
    for p in range(3):
        assert offsets[p]["topic"] == "gl"
        assert (offsets[p]["committed_offset"], offsets[p]["log_end_offset"], offsets[p]["lag"]) == (4 + p, 10, 6 - p)
    text = kappa(gbroker, "groups", "describe", "cg").stdout
    assert "state Empty" in text and "LAG" in text

    assert kappa(gbroker, "groups", "delete", "cg").stdout.strip() == "Deleted group cg"
    assert "cg" not in kappa(gbroker, "groups", "list").stdout.split()
    gone = kappa(gbroker, "groups", "describe", "cg", check=False)
    assert gone.returncode == 1 and "does not exist" in gone.stderr


def test_reset_offsets(gbroker):
    kappa(gbroker, "topics", "create", "rs", "-p", 2)
    t0 = int(time.time() * 1000) - 600_000
    # 20 records, 10 per partition; record i has timestamp t0 + i s.
    values = [f"r{i}" for i in range(20)]
    produce(gbroker, "rs", values, 2, timestamps=[t0 + i * 1000 for i in range(20)])
    assert sorted(read_group(gbroker, "rg", "rs", 20)) == sorted(values)

    # Refused while the group has members.
    c = Consumer({"bootstrap.servers": gbroker.bootstrap, "group.id": "rg", "session.timeout.ms": 6000})
    c.subscribe(["rs"])
    wait_for(lambda: c.poll(0.1) is not None or describe(gbroker, "rg")["members"], what="member joined")
    p = kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", "--to-earliest", check=False)
    assert p.returncode == 1 and "active member" in p.stderr
    c.close()
    wait_for(lambda: describe(gbroker, "rg")["members"] == [], what="group empty")

    def committed():
        return {o["partition"]: o["committed_offset"] for o in describe(gbroker, "rg")["offsets"]}

    assert committed() == {0: 10, 1: 10}
    dry = kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", "--to-earliest", "--dry-run").stdout
    assert "10 -> 0" in dry and "Dry run" in dry
    assert committed() == {0: 10, 1: 10}

    # --to-datetime: exactly the records from T on (i >= 12: 8 records).
    t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((t0 + 12_000) / 1000)) + f".{(t0 + 12_000) % 1000:03d}Z"
    plan = kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", "--to-datetime", t).stdout
    assert "10 -> 6" in plan
    assert committed() == {0: 6, 1: 6}
    assert sorted(read_group(gbroker, "rg", "rs", 8)) == sorted(values[12:])

    kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", "--to-earliest")
    assert sorted(read_group(gbroker, "rg", "rs", 20)) == sorted(values)

    kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", "--shift-by", "-3")
    assert committed() == {0: 7, 1: 7}
    assert sorted(read_group(gbroker, "rg", "rs", 6)) == sorted(values[14:])

    kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", "--to-offset", "8")
    assert sorted(read_group(gbroker, "rg", "rs", 4)) == sorted(values[16:])
    kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", "--to-offset", "999")
    assert committed() == {0: 10, 1: 10}  # clamped to the log end

    bad = kappa(gbroker, "groups", "reset-offsets", "rg", "--topic", "rs", check=False)
    assert bad.returncode == 2


def test_kip848_cli_members_split_and_take_over(gbroker):
    kappa(gbroker, "topics", "create", "k4", "-p", 4)
    batch1 = [f"a{i}" for i in range(40)]
    produce(gbroker, "k4", batch1, 4)
    a = CliMember(gbroker, "g", "k4")
    b = CliMember(gbroker, "g", "k4")
    try:
        def split():
            d = try_describe(gbroker, "g")
            if d is None:
                return False
            o = owners(d)
            return d["type"] == "consumer" and len(o) == 2 and all(len(ps) == 2 for ps in o.values()) and d
        desc = wait_for(split, timeout=30, what="two members with two partitions each")
        assert sorted(sum(owners(desc).values(), [])) == [0, 1, 2, 3]
        wait_for(lambda: len(a.values()) + len(b.values()) >= 40, what="batch 1 printed")
        batch2 = [f"b{i}" for i in range(40)]
        produce(gbroker, "k4", batch2, 4)
        wait_for(lambda: len(a.values()) + len(b.values()) >= 80, what="batch 2 printed")
        time.sleep(0.5)
        both = a.values() + b.values()
        assert sorted(both) == sorted(batch1 + batch2), "each record exactly once"
        assert a.values() and b.values()

        b_id = [m for m in owners(describe(gbroker, "g"))]
        start = time.monotonic()
        a.proc.send_signal(signal.SIGTERM)

        def taken_over():
            o = owners(describe(gbroker, "g"))
            return len(o) == 1 and list(o.values())[0] == [0, 1, 2, 3]
        wait_for(taken_over, timeout=30, interval=0.02, what="the other member owns all partitions")
        rebalance = time.monotonic() - start
        print(f"\nKIP-848 rebalance after SIGTERM of one of two CLI members: {rebalance * 1000:.0f} ms "
              f"(heartbeat interval 500 ms)")
        assert a.proc.wait(timeout=20) == 130
        batch3 = [f"c{i}" for i in range(40)]
        produce(gbroker, "k4", batch3, 4)
        wait_for(lambda: len(a.values()) + len(b.values()) >= 120, what="batch 3 printed")
        time.sleep(1.0)
        assert sorted(a.values() + b.values()) == sorted(batch1 + batch2 + batch3), "no loss, no duplicates"
        assert b.stop() == 130
        assert describe(gbroker, "g")["members"] == []
        assert {o["partition"]: o["lag"] for o in describe(gbroker, "g")["offsets"]} == {p: 0 for p in range(4)}
        assert len(b_id) == 2
    finally:
        a.stop()
        b.stop()


def test_consume_group_resumes_from_committed(gbroker):
    kappa(gbroker, "topics", "create", "rc", "-p", 2)
    produce(gbroker, "rc", [f"x{i}" for i in range(10)], 2)
    out = kappa(gbroker, "consume", "rc", "--group", "once", "--from-beginning", "-n", "6", "--format", "%v\\n").stdout
    first = out.splitlines()
    assert len(first) == 6
    out = kappa(gbroker, "consume", "rc", "--group", "once", "-e", "--format", "%v\\n").stdout
    assert sorted(first + out.splitlines()) == sorted(f"x{i}" for i in range(10))


def test_classic_cli_member_shares_with_confluent(gbroker):
    kappa(gbroker, "topics", "create", "cl", "-p", 4)
    batch1 = [f"a{i}" for i in range(40)]
    produce(gbroker, "cl", batch1, 4)
    k = CliMember(gbroker, "mixed", "cl", "--group-protocol", "classic")
    got, stop = [], threading.Event()
    lock = threading.Lock()

    def confluent():
        c = Consumer({"bootstrap.servers": gbroker.bootstrap, "group.id": "mixed", "auto.offset.reset": "earliest",
                      "session.timeout.ms": 6000, "heartbeat.interval.ms": 500, "auto.commit.interval.ms": 200,
                      "partition.assignment.strategy": "range"})
        c.subscribe(["cl"])
        while not stop.is_set():
            m = c.poll(0.2)
            if m is not None and not m.error():
                with lock:
                    got.append(m.value().decode())
        c.close()

    th = threading.Thread(target=confluent, daemon=True)
    try:
        wait_for(lambda: len(k.values()) >= 40, timeout=30, what="kappa member read batch 1")
        th.start()

        def shared():
            d = try_describe(gbroker, "mixed")
            if d is None:
                return False
            o = owners(d)
            return d["type"] == "classic" and d["state"] == "Stable" and len(o) == 2 and \
                all(len(ps) == 2 for ps in o.values()) and d
        desc = wait_for(shared, timeout=40, what="kappa and confluent members share the partitions")
        assert sorted(sum(owners(desc).values(), [])) == [0, 1, 2, 3]
        assert {m["client_id"] for m in desc["members"]} >= {"kappa-cli"}
        batch2 = [f"b{i}" for i in range(40)]
        produce(gbroker, "cl", batch2, 4)

        def all_seen():
            with lock:
                return sorted(k.values() + got) == sorted(batch1 + batch2)
        try:
            wait_for(all_seen, timeout=30, what="batch 2 read by the two members, each record once")
        except TimeoutError:
            with lock:
                raise AssertionError(f"kappa read {sorted(k.values())}, confluent read {sorted(got)}; "
                                     f"kappa stderr: {k.errors}")
        with lock:
            assert got, "the confluent member got partitions"
        assert len([v for v in k.values() if v.startswith("b")]) > 0

        # The kappa member leaves (commits, LeaveGroup); confluent takes over.
        start = time.monotonic()
        k.proc.send_signal(signal.SIGTERM)

        def taken_over():
            d = describe(gbroker, "mixed")
            o = owners(d)
            return d["state"] == "Stable" and len(o) == 1 and list(o.values())[0] == [0, 1, 2, 3]
        wait_for(taken_over, timeout=30, interval=0.02, what="the confluent member owns all partitions")
        print(f"\nclassic rebalance after SIGTERM of the kappa member: {(time.monotonic() - start) * 1000:.0f} ms "
              f"(confluent heartbeat interval 500 ms)")
        assert k.proc.wait(timeout=20) == 130
        batch3 = [f"c{i}" for i in range(40)]
        produce(gbroker, "cl", batch3, 4)

        def all_three():
            with lock:
                return sorted(k.values() + got) == sorted(batch1 + batch2 + batch3)
        wait_for(all_three, timeout=30, what="batch 3 read by the confluent member, nothing twice")
    finally:
        stop.set()
        k.stop()
        if th.is_alive():
            th.join(timeout=15)
