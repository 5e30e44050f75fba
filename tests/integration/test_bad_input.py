"""Malformed, oversized and unsupported requests get Kafka's answer or a closed
connection with one log line; the broker keeps serving everyone else."""
import struct

from confluent_kafka.admin import AdminClient

from kafka_wire import connect, is_closed, recv_frame, request_frame

API_VERSIONS = 18
METADATA = 3


def still_serving(broker):
    md = AdminClient({"bootstrap.servers": broker.bootstrap}).list_topics(timeout=10)
    return 1 in md.brokers


def test_api_versions_unknown_version_gets_v0_error(broker):
    s = connect(broker.bootstrap)
    s.sendall(request_frame(API_VERSIONS, 99, 7, header_version=2, body=b"\x00\x00\x00"))
    resp = recv_frame(s)
    correlation, error, count = struct.unpack(">ihi", resp[:10])
    assert (correlation, error, count) == (7, 35, 1)
    key, lo, hi = struct.unpack(">hhh", resp[10:16])
    assert (key, lo, hi) == (18, 0, 4)
    # The connection stays usable: a v0 request now works.
    s.sendall(request_frame(API_VERSIONS, 0, 8))
    resp = recv_frame(s)
    assert struct.unpack(">ih", resp[:6]) == (8, 0)


def test_oversized_frame_closes_connection(broker):
    s = connect(broker.bootstrap)
    s.sendall(struct.pack(">i", 200 * 1024 * 1024) + b"\x00" * 16)
    assert is_closed(s)
    assert "socket.request.max.bytes" in broker.log_text()
    assert still_serving(broker)


def test_negative_frame_size_closes_connection(broker):
    s = connect(broker.bootstrap)
    s.sendall(struct.pack(">i", -5))
    assert is_closed(s)
    assert still_serving(broker)


def test_unknown_api_key_closes_connection(broker):
    s = connect(broker.bootstrap)
    s.sendall(request_frame(9999, 0, 1))
    assert is_closed(s)
    assert "unknown or unavailable API key 9999" in broker.log_text()


def test_unsupported_version_closes_connection(broker):
    s = connect(broker.bootstrap)
    s.sendall(request_frame(METADATA, 77, 1))
    assert is_closed(s)
    assert "unsupported Metadata version 77" in broker.log_text()


def test_produce_v0_is_refused_like_kafka4(broker):
    s = connect(broker.bootstrap)
    s.sendall(request_frame(0, 0, 1, body=b"\x00\x01\x00\x00\x03\xe8\x00\x00\x00\x00"))
    assert is_closed(s)


def test_truncated_body_closes_connection(broker):
    s = connect(broker.bootstrap)
    # Metadata v1 claims an array of 5 topics but carries none.
    s.sendall(request_frame(METADATA, 1, 1, body=struct.pack(">i", 5)))
    assert is_closed(s)
    assert "malformed Metadata v1 request" in broker.log_text()
    assert still_serving(broker)


def test_malformed_header_closes_connection(broker):
    s = connect(broker.bootstrap)
    s.sendall(struct.pack(">i", 3) + b"\x00\x03\x00")
    assert is_closed(s)
    assert still_serving(broker)


def test_frame_cut_off_mid_body(broker):
    s = connect(broker.bootstrap)
    s.sendall(struct.pack(">i", 100) + b"\x00" * 10)
    s.close()
    assert still_serving(broker)


def test_huge_array_count_is_not_trusted(broker):
    s = connect(broker.bootstrap)
    s.sendall(request_frame(METADATA, 1, 1, body=struct.pack(">i", 0x7FFFFFFF)))
    assert is_closed(s)
    assert still_serving(broker)


def create_topic(broker, name, config=None):
    from confluent_kafka.admin import NewTopic

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    for f in admin.create_topics([NewTopic(name, 1, 1, config=config or {})]).values():
        f.result()


def end_offset(broker, topic):
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "x"})
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    c.close()
    return hi


def test_produce_bad_crc_is_corrupt_message_and_appends_nothing(broker):
    from kafka_wire import produce_v3, record_batch

    create_topic(broker, "crc")
    good = record_batch([b"a", b"b"])
    assert produce_v3(broker.bootstrap, "crc", 0, good) == (0, 0)
    bad = bytearray(record_batch([b"c"]))
    bad[-1] ^= 0x55  # a record byte: covered by the CRC
    assert produce_v3(broker.bootstrap, "crc", 0, bytes(bad))[0] == 2  # CORRUPT_MESSAGE
    assert end_offset(broker, "crc") == 2


def test_produce_oversized_batch_is_message_too_large(broker):
    from kafka_wire import produce_v3, record_batch

    create_topic(broker, "big", {"max.message.bytes": "10000"})
    assert produce_v3(broker.bootstrap, "big", 0, record_batch([b"x" * 20000]))[0] == 10  # MESSAGE_TOO_LARGE
    assert end_offset(broker, "big") == 0


def test_produce_two_batches_or_old_magic_rejected(broker):
    from kafka_wire import produce_v3, record_batch

    create_topic(broker, "shape")
    two = record_batch([b"a"]) + record_batch([b"b"])
    assert produce_v3(broker.bootstrap, "shape", 0, two)[0] == 87  # INVALID_RECORD
    old = bytearray(record_batch([b"a"]))
    old[16] = 1  # magic 1
    assert produce_v3(broker.bootstrap, "shape", 0, bytes(old))[0] == 43  # UNSUPPORTED_FOR_MESSAGE_FORMAT
    assert produce_v3(broker.bootstrap, "shape", 0, b"\x00" * 30)[0] == 2  # CORRUPT_MESSAGE
    assert end_offset(broker, "shape") == 0


def test_produce_unknown_topic_and_partition(broker):
    from kafka_wire import produce_v3, record_batch

    create_topic(broker, "known")
    assert produce_v3(broker.bootstrap, "nope", 0, record_batch([b"a"]))[0] == 3
    assert produce_v3(broker.bootstrap, "known", 7, record_batch([b"a"]))[0] == 3
    assert produce_v3(broker.bootstrap, "known", 0, record_batch([b"a"]), acks=2)[0] == 21  # INVALID_REQUIRED_ACKS
