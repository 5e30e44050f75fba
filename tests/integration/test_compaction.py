"""Compacted topics: the cleaner keeps the latest record of every key, and
records without a key are refused, as in Kafka."""
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kappa_harness import wait_for


def read_all(bootstrap, topic):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "compaction-check", "enable.partition.eof": True})
    c.assign([TopicPartition(topic, 0, 0)])
    out = []
    while True:
        m = c.poll(5)
        if m is None:
            break
        if m.error():
            if m.error().code() == -191:  # end of partition
                break
            raise AssertionError(m.error())
        out.append((m.offset(), m.key(), m.value()))
    c.close()
    return out


def test_cleaner_keeps_latest_value_per_key(broker_factory):
    b = broker_factory(overrides={"log.cleaner.backoff.ms": "200"}).start()
    a = AdminClient({"bootstrap.servers": b.bootstrap})
    config = {"cleanup.policy": "compact", "segment.bytes": "4096", "min.cleanable.dirty.ratio": "0.01",
              "delete.retention.ms": "0"}
    for f in a.create_topics([NewTopic("state", 1, 1, config=config)]).values():
        f.result()
    p = Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0})
    for rnd in range(20):
        for k in range(10):
            p.produce("state", key=b"key-%d" % k, value=b"v%d-%d" % (k, rnd))
        p.flush(10)
    p.produce("state", key=b"key-0", value=None)  # tombstone
    failed = []
    for k in range(6):  # later batches, so the segments above are no longer active
        p.produce("state", key=b"tail-%d" % k, value=b"x" * 1500,
                  on_delivery=lambda err, msg: failed.append(err) if err else None)
        p.flush(10)
    assert not failed

    def compacted():
        records = read_all(b.bootstrap, "state")
        keys = [k for _, k, _ in records]
        return len(keys) == len(set(keys)) and b"key-0" not in keys and records
    records = wait_for(compacted, timeout=60, interval=0.5, what="the cleaner to compact the topic")
    latest = {k: v for _, k, v in records}
    for k in range(1, 10):
        assert latest[b"key-%d" % k] == b"v%d-19" % k
    offsets = [o for o, _, _ in records]
    assert offsets == sorted(offsets)  # offsets are kept, with gaps
    assert "compacted state-0" in b.log_text()


def test_compacted_topic_refuses_records_without_key(broker):
    a = AdminClient({"bootstrap.servers": broker.bootstrap})
    for f in a.create_topics([NewTopic("keyed", 1, 1, config={"cleanup.policy": "compact"})]).values():
        f.result()
    p = Producer({"bootstrap.servers": broker.bootstrap, "message.timeout.ms": 5000, "retries": 0})
    errors = []
    p.produce("keyed", value=b"no key", on_delivery=lambda err, msg: errors.append(err))
    p.flush(10)
    assert errors[0] is not None and errors[0].name() == "INVALID_RECORD"
