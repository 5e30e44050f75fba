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
