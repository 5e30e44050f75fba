"""Producing and consuming with unmodified clients: kcat, confluent-kafka, kafka-python."""
import subprocess
import time

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def create(broker, name, partitions=1, config=None):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    fs = admin.create_topics([NewTopic(name, partitions, 1, config=config or {})])
    for f in fs.values():
        f.result()


def consume_all(bootstrap, topic, partitions, expected, timeout=60):
    """Reads every partition from the beginning; returns {partition: [(offset, key, value, headers)]}."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "reader", "enable.auto.commit": False,
                  "enable.partition.eof": False})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out = {p: [] for p in range(partitions)}
    got = 0
    deadline = time.monotonic() + timeout
    while got < expected and time.monotonic() < deadline:
        for m in c.consume(1000, timeout=1.0):
            assert m.error() is None, m.error()
            out[m.partition()].append((m.offset(), m.key(), m.value(), m.headers()))
            got += 1
    c.close()
    return out


def test_kcat_keys_headers_and_offsets(broker):
    create(broker, "kc")
    lines = "".join(f"key{i}:value-{i}\n" for i in range(100))
    subprocess.run(["kcat", "-b", broker.bootstrap, "-P", "-t", "kc", "-K:", "-H", "app=kappa", "-H", "n=1"],
                   input=lines, text=True, check=True, timeout=60)
    out = subprocess.run(["kcat", "-b", broker.bootstrap, "-C", "-t", "kc", "-o", "beginning", "-e",
                          "-f", "%o|%k|%s|%h\n"], capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [r.split("|") for r in out.strip().splitlines()]
    assert len(rows) == 100
    for i, (offset, key, value, headers) in enumerate(rows):
        assert (int(offset), key, value) == (i, f"key{i}", f"value-{i}")
        assert headers == "app=kappa,n=1"
    # -Q: offsets for times; a timestamp in the future gives the end offset
    out = subprocess.run(["kcat", "-b", broker.bootstrap, "-Q", "-t", f"kc:0:{int(time.time() * 1000) + 3600_000}"],
                         capture_output=True, text=True, timeout=30).stdout
    assert "kc [0] offset -1" in out or "kc [0] offset 100" in out
    out = subprocess.run(["kcat", "-b", broker.bootstrap, "-Q", "-t", "kc:0:0"], capture_output=True, text=True,
                         timeout=30).stdout
    assert "kc [0] offset 0" in out
    out = subprocess.run(["kcat", "-b", broker.bootstrap, "-L"], capture_output=True, text=True, timeout=30).stdout
    assert 'topic "kc" with 1 partitions' in out


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_confluent_kafka_10k_records_per_codec(broker, codec):
    topic = f"codec-{codec}"
    create(broker, topic, partitions=3)
    p = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "compression.type": codec,
                  "linger.ms": 5})
    acked = {}

    def on_delivery(err, msg):
        assert err is None, err
        acked.setdefault(msg.partition(), []).append((msg.offset(), msg.key(), msg.value()))

    n = 10_000
    for i in range(n):
        value = (f"{codec}-{i}-".encode() * (1 + i % 7))
        p.produce(topic, key=f"k{i % 97}".encode(), value=value, on_delivery=on_delivery)
        if i % 1000 == 0:
            p.poll(0)
    assert p.flush(60) == 0
    assert sum(len(v) for v in acked.values()) == n
    got = consume_all(broker.bootstrap, topic, 3, n)
    for partition, records in acked.items():
        read = [(o, k, v) for o, k, v, _ in got[partition]]
        assert read == sorted(records), f"partition {partition} differs"
        assert [o for o, _, _ in read] == list(range(len(read)))  # contiguous offsets


def test_kafka_python_produce_and_assign_seek(broker):
    from kafka import KafkaConsumer, KafkaProducer
    from kafka import TopicPartition as KTopicPartition

    create(broker, "kp", partitions=2)
    p = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", compression_type="gzip")
    futures = [p.send("kp", key=b"k%d" % i, value=b"v%d" % i, partition=i % 2) for i in range(200)]
    metas = [f.get(timeout=30) for f in futures]
    p.close()
    assert sorted(m.offset for m in metas if m.partition == 0) == list(range(100))
    c = KafkaConsumer(bootstrap_servers=broker.bootstrap, consumer_timeout_ms=5000, enable_auto_commit=False)
    tp = KTopicPartition("kp", 1)
    c.assign([tp])
    c.seek(tp, 40)
    values = [m.value for m in c]
    assert values == [b"v%d" % i for i in range(81, 200, 2)]
    assert c.end_offsets([tp])[tp] == 100
    assert c.beginning_offsets([tp])[tp] == 0
    c.close()


def test_offsets_for_times(broker):
    create(broker, "times")
    p = Producer({"bootstrap.servers": broker.bootstrap, "linger.ms": 0})
    base = 1_700_000_000_000
    for i in range(50):
        p.produce("times", value=b"x", timestamp=base + i * 1000)
        p.flush(10)  # one batch per record: exact answers
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "t"})
    res = c.offsets_for_times([TopicPartition("times", 0, base + 20_500)], timeout=10)
    assert res[0].offset == 21
    res = c.offsets_for_times([TopicPartition("times", 0, base + 10**9)], timeout=10)
    assert res[0].offset == -1  # nothing that late: the end
    c.close()


def test_log_append_time_topic(broker):
    create(broker, "lat", config={"message.timestamp.type": "LogAppendTime"})
    p = Producer({"bootstrap.servers": broker.bootstrap})
    before = int(time.time() * 1000)
    p.produce("lat", value=b"x", timestamp=1000)
    p.flush(10)
    m = consume_all(broker.bootstrap, "lat", 1, 1)[0]
    assert m
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "lat"})
    c.assign([TopicPartition("lat", 0, 0)])
    msg = c.poll(10)
    ts_type, ts = msg.timestamp()
    assert ts_type == 2  # TIMESTAMP_LOG_APPEND_TIME
    assert before - 5000 <= ts <= int(time.time() * 1000) + 5000
    c.close()


def test_long_poll_returns_when_data_arrives(broker):
    from kafka import KafkaConsumer, KafkaProducer
    from kafka import TopicPartition as KTopicPartition

    create(broker, "poll")
    c = KafkaConsumer(bootstrap_servers=broker.bootstrap, fetch_max_wait_ms=5000, enable_auto_commit=False)
    tp = KTopicPartition("poll", 0)
    c.assign([tp])
    c.seek(tp, 0)
    assert c.poll(timeout_ms=200) == {}  # nothing yet
    p = KafkaProducer(bootstrap_servers=broker.bootstrap)
    p.send("poll", b"late").get(timeout=10)
    start = time.monotonic()
    got = {}
    while not got and time.monotonic() - start < 10:
        got = c.poll(timeout_ms=6000)
    assert got and list(got.values())[0][0].value == b"late"
    assert time.monotonic() - start < 4.0, "the waiting fetch should return as soon as data arrives"
    c.close()
    p.close()


def test_unknown_partition_errors(broker):
    create(broker, "small", partitions=1)
    p = Producer({"bootstrap.servers": broker.bootstrap, "message.timeout.ms": 3000})
    errors = []
    p.produce("small", value=b"x", partition=5, on_delivery=lambda err, msg: errors.append(err))
    p.flush(10)
    assert errors and errors[0] is not None
    assert errors[0].name() in ("_UNKNOWN_PARTITION", "UNKNOWN_TOPIC_OR_PART")
