"""Topic administration with unmodified clients: confluent-kafka, kafka-python, kcat."""
import subprocess

import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic


def admin(broker):
    return AdminClient({"bootstrap.servers": broker.bootstrap})


def result(futures):
    out = {}
    for k, f in futures.items():
        try:
            f.result()
            out[k] = None
        except KafkaException as e:
            out[k] = e.args[0].name()
    return out


def test_create_list_describe_delete_topics(broker):
    a = admin(broker)
    assert result(a.create_topics([NewTopic("orders", 3, 1, config={"retention.ms": "3600000"}),
                                   NewTopic("logs", 1, 1)])) == {"orders": None, "logs": None}
    md = a.list_topics(timeout=10)
    assert set(md.topics) == {"orders", "logs"}
    assert len(md.topics["orders"].partitions) == 3
    assert all(p.leader == 1 for p in md.topics["orders"].partitions.values())
    assert md.cluster_id
    assert md.controller_id == 1

    configs = a.describe_configs([ConfigResource("topic", "orders")])[ConfigResource("topic", "orders")].result()
    assert configs["retention.ms"].value == "3600000"
    assert configs["retention.ms"].source == ConfigResource.Type.TOPIC.value - 1  # DYNAMIC_TOPIC_CONFIG = 1
    assert configs["cleanup.policy"].value == "delete"

    assert result(a.delete_topics(["logs"])) == {"logs": None}
    assert set(a.list_topics(timeout=10).topics) == {"orders"}


def test_create_topic_errors(broker):
    a = admin(broker)
    assert result(a.create_topics([NewTopic("dup", 1, 1)])) == {"dup": None}
    errors = result(a.create_topics([
        NewTopic("dup", 1, 1),
        NewTopic("bad/name", 1, 1),
        NewTopic("rf2", 1, 2),
        NewTopic("badcfg", 1, 1, config={"no.such.config": "1"}),
        NewTopic("badval", 1, 1, config={"retention.ms": "soon"}),
    ]))
    assert errors == {
        "dup": "TOPIC_ALREADY_EXISTS",
        "bad/name": "TOPIC_EXCEPTION",
        "rf2": "INVALID_REPLICATION_FACTOR",
        "badcfg": "INVALID_CONFIG",
        "badval": "INVALID_CONFIG",
    }
    assert result(a.delete_topics(["missing"])) == {"missing": "UNKNOWN_TOPIC_OR_PART"}


def test_validate_only_creates_nothing(broker):
    a = admin(broker)
    assert result(a.create_topics([NewTopic("ghost", 2, 1)], validate_only=True)) == {"ghost": None}
    assert "ghost" not in a.list_topics(timeout=10).topics


def test_create_partitions(broker):
    a = admin(broker)
    result(a.create_topics([NewTopic("grow", 2, 1)]))
    assert result(a.create_partitions([NewPartitions("grow", 5)])) == {"grow": None}
    assert len(a.list_topics(timeout=10).topics["grow"].partitions) == 5
    assert result(a.create_partitions([NewPartitions("grow", 3)])) == {"grow": "INVALID_PARTITIONS"}


def test_alter_configs_replaces_overrides(broker):
    a = admin(broker)
    result(a.create_topics([NewTopic("cfg", 1, 1, config={"retention.ms": "1000", "segment.bytes": "1048576"})]))
    res = ConfigResource("topic", "cfg", set_config={"retention.bytes": "5000"})
    assert result(a.alter_configs([res])) == {res: None}
    configs = a.describe_configs([ConfigResource("topic", "cfg")])[ConfigResource("topic", "cfg")].result()
    assert configs["retention.bytes"].value == "5000"
    assert configs["retention.ms"].value == "604800000"  # override removed: broker default again


def test_broker_configs_describe(broker):
    a = admin(broker)
    res = ConfigResource("broker", "1")
    configs = a.describe_configs([res])[res].result()
    assert configs["num.partitions"].value == "1"
    assert configs["log.dirs"].value == str(broker.data_dir)


def test_kafka_python_admin(broker):
    from kafka import KafkaAdminClient
    from kafka.admin import ConfigResource as KConfigResource, ConfigResourceType, NewTopic as KNewTopic

    a = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    resp = a.create_topics([KNewTopic("kp", 2, 1, topic_configs={"cleanup.policy": "delete"})])
    assert resp.topic_errors[0][1] == 0
    described = a.describe_configs([KConfigResource(ConfigResourceType.TOPIC, "kp")])
    entries = {e[0]: e[1] for e in described[0].resources[0][4]}
    assert entries["cleanup.policy"] == "delete"
    assert a.delete_topics(["kp"]).topic_error_codes[0][1] == 0
    a.close()


def test_kcat_metadata_listing(broker):
    a = admin(broker)
    result(a.create_topics([NewTopic("kc", 4, 1)]))
    out = subprocess.run(["kcat", "-b", broker.bootstrap, "-L", "-t", "kc"], capture_output=True, text=True,
                         timeout=30).stdout
    assert "1 brokers:" in out
    assert 'topic "kc" with 4 partitions' in out


def test_auto_create_on_metadata(broker):
    from confluent_kafka import Producer

    p = Producer({"bootstrap.servers": broker.bootstrap})
    md = p.list_topics("auto-made", timeout=10)  # a producer's Metadata allows auto-creation
    assert len(md.topics["auto-made"].partitions) == 1
    assert "auto-made" in admin(broker).list_topics(timeout=10).topics


def test_no_auto_create_when_disabled(broker_factory):
    from confluent_kafka import Producer

    b = broker_factory(overrides={"auto.create.topics.enable": "false"}).start()
    md = Producer({"bootstrap.servers": b.bootstrap}).list_topics("not-made", timeout=10)
    assert md.topics["not-made"].error is not None
    assert "not-made" not in admin(b).list_topics(timeout=10).topics


def test_describe_log_dirs_reports_partition_bytes_on_disk(broker):
    """DescribeLogDirs v1 with a null topic list (every partition), encoded
    here by hand: no Debian client has it."""
    import struct
    from confluent_kafka import Producer
    import kafka_wire

    assert result(admin(broker).create_topics([NewTopic("dirs", 2, 1)])) == {"dirs": None}
    p = Producer({"bootstrap.servers": broker.bootstrap})
    for i in range(100):
        p.produce("dirs", value=b"x" * 100, partition=i % 2)
    assert p.flush(10) == 0
    with kafka_wire.connect(broker.bootstrap) as s:
        s.sendall(kafka_wire.request_frame(35, 1, 7, struct.pack(">i", -1)))
        body = kafka_wire.recv_frame(s)
    pos = 4  # correlation id
    pos += 4  # throttle
    (n_dirs,) = struct.unpack_from(">i", body, pos)
    pos += 4
    assert n_dirs == 1
    error, dir_len = struct.unpack_from(">hh", body, pos)
    pos += 4
    log_dir = body[pos:pos + dir_len].decode()
    pos += dir_len
    assert error == 0 and log_dir == str(broker.data_dir.absolute())
    sizes = {}
    (n_topics,) = struct.unpack_from(">i", body, pos)
    pos += 4
    for _ in range(n_topics):
        (name_len,) = struct.unpack_from(">h", body, pos)
        name = body[pos + 2:pos + 2 + name_len].decode()
        pos += 2 + name_len
        (n_parts,) = struct.unpack_from(">i", body, pos)
        pos += 4
        for _ in range(n_parts):
            index, size, lag, future = struct.unpack_from(">iqq?", body, pos)
            pos += 21
            sizes[(name, index)] = (size, lag, future)
    assert pos == len(body)
    for part in (0, 1):
        on_disk = sum(f.stat().st_size for f in (broker.data_dir / f"dirs-{part}").glob("*.log"))
        assert sizes[("dirs", part)] == (on_disk, 0, False) and on_disk > 5000
