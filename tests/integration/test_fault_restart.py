"""Durability across clean restarts, kill -9 and damaged segment tails:
every acknowledged record stays readable, offsets continue where they were."""
import glob
import os
import threading
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from replication_check import read_all


def create(bootstrap, name, partitions=1, config=None):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for f in admin.create_topics([NewTopic(name, partitions, 1, config=config or {})]).values():
        f.result()


def produce(bootstrap, topic, values, partition=0):
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 2})
    acked = []
    for v in values:
        p.produce(topic, value=v, partition=partition,
                  on_delivery=lambda err, msg: acked.append(msg.offset()) if err is None else None)
    assert p.flush(30) == 0
    return acked


def test_clean_restart_keeps_everything_and_writes_marker(broker):
    create(broker.bootstrap, "durable", 2)
    values = [b"v%d" % i for i in range(2000)]
    produce(broker.bootstrap, "durable", values[:1000], partition=0)
    produce(broker.bootstrap, "durable", values[1000:], partition=1)
    assert broker.stop() == 0
    assert os.path.exists(broker.data_dir / ".kappa_clean_shutdown")
    broker.start()
    got = read_all(broker.bootstrap, "durable", 2)
    assert [v for _, v in got[0]] == values[:1000]
    assert [v for _, v in got[1]] == values[1000:]
    # Offsets continue after the restart.
    assert produce(broker.bootstrap, "durable", [b"next"]) == [1000]


def test_kill_9_loses_no_acknowledged_record(broker):
    create(broker.bootstrap, "crashy")
    acked = {}
    stop = threading.Event()

    def run():
        p = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "linger.ms": 1,
                      "message.timeout.ms": 5000, "retries": 0})
        i = 0
        while not stop.is_set():
            value = b"rec-%d" % i
            p.produce("crashy", value=value,
                      on_delivery=lambda err, msg: acked.__setitem__(msg.offset(), msg.value()) if err is None else None)
            i += 1
            p.poll(0)
            if i % 200 == 0:
                time.sleep(0.005)
        p.flush(10)

    t = threading.Thread(target=run)
    t.start()
    time.sleep(1.5)
    broker.kill()
    stop.set()
    t.join()
    assert len(acked) > 100, "the producer should have been acknowledged before the crash"
    assert not os.path.exists(broker.data_dir / ".kappa_clean_shutdown")
    broker.start()
    got = dict(read_all(broker.bootstrap, "crashy", 1)[0])
    missing = [o for o in acked if got.get(o) != acked[o]]
    assert not missing, f"{len(missing)} acknowledged records lost, e.g. offsets {missing[:5]}"
    offsets = sorted(got)
    assert offsets == list(range(len(offsets)))


def test_corrupt_segment_tail_is_truncated_on_recovery(broker):
    create(broker.bootstrap, "torn")
    values = [b"value-%04d" % i for i in range(100)]
    for v in values:  # one batch per record
        produce(broker.bootstrap, "torn", [v])
    broker.kill()
    seg = sorted(glob.glob(str(broker.data_dir / "torn-0" / "*.log")))[-1]
    size = os.path.getsize(seg)
    with open(seg, "r+b") as f:
        f.seek(size - 5)  # inside the last batch's record bytes: its CRC no longer matches
        f.write(b"\xff\xff\xff\xff\xff")
        f.seek(0, os.SEEK_END)
        f.write(b"\x00\x00\x00\x00\x00\x00\x00\x63\x00\x00\x01\x00garbage")  # a torn next batch
    broker.start()
    got = read_all(broker.bootstrap, "torn", 1)[0]
    assert [v for _, v in got] == values[:99]
    assert "truncat" in broker.log_text().lower()
    # The log continues right after the last valid batch.
    assert produce(broker.bootstrap, "torn", [b"after"]) == [99]


def test_sigterm_exits_zero_and_second_start_skips_recovery(broker):
    create(broker.bootstrap, "marker")
    produce(broker.bootstrap, "marker", [b"x"] * 10)
    assert broker.stop() == 0
    broker.start()
    assert "after an unclean shutdown" not in broker.log_text().split("started")[-1]
    assert [v for _, v in read_all(broker.bootstrap, "marker", 1)[0]] == [b"x"] * 10
