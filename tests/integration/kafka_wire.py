"""Minimal hand-rolled Kafka framing for bad-input tests (independent of Kappa's codec)."""
import socket
import struct


def request_frame(api_key, api_version, correlation_id, body=b"", client_id=b"test", header_version=1):
    header = struct.pack(">hhi", api_key, api_version, correlation_id)
    if header_version >= 1:
        header += struct.pack(">h", len(client_id)) + client_id
    if header_version >= 2:
        header += b"\x00"  # empty tagged fields
    payload = header + body
    return struct.pack(">i", len(payload)) + payload


def recv_exact(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed")
        out += chunk
    return out


def recv_frame(sock):
    (size,) = struct.unpack(">i", recv_exact(sock, 4))
    return recv_exact(sock, size)


def connect(bootstrap, timeout=5.0):
    host, port = bootstrap.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=timeout)
    s.settimeout(timeout)
    return s


def is_closed(sock, timeout=5.0):
    """True when the peer closed the connection (EOF or reset) within timeout."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def record_batch(values, key=b"k", timestamp=1_700_000_000_000):
    """A magic-2 batch built by kafka-python's own record builder."""
    from kafka.record.default_records import DefaultRecordBatchBuilder

    b = DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=0, producer_id=-1,
                                  producer_epoch=-1, base_sequence=-1, batch_size=64 * 1024 * 1024)
    for i, v in enumerate(values):
        b.append(i, timestamp=timestamp + i, key=key, value=v, headers=[])
    return bytes(b.build())


def produce_v3_body(topic, partition, records, acks=-1, timeout_ms=10_000):
    """The body of a Produce v3 request writing `records` to one partition."""
    body = struct.pack(">hhi", -1, acks, timeout_ms)
    t = topic.encode()
    body += struct.pack(">i", 1) + struct.pack(">h", len(t)) + t
    return body + struct.pack(">i", 1) + struct.pack(">i", partition) + struct.pack(">i", len(records)) + records


def parse_produce_v3(resp):
    """(error_code, base_offset) of the one partition in a Produce v3 response frame."""
    pos = 4 + 4  # correlation id, topic count
    (name_len,) = struct.unpack(">h", resp[pos:pos + 2])
    pos += 2 + name_len + 4  # name, partition count
    partition_index, error, base_offset, _ = struct.unpack(">ihqq", resp[pos:pos + 22])
    return error, base_offset


def produce_v3(bootstrap, topic, partition, records, acks=-1, correlation_id=1):
    """Sends one Produce v3 request; returns (error_code, base_offset) of the partition."""
    s = connect(bootstrap)
    try:
        s.sendall(request_frame(0, 3, correlation_id, produce_v3_body(topic, partition, records, acks)))
        return parse_produce_v3(recv_frame(s))
    finally:
        s.close()


def compact_string(s):
    if s is None:
        return b"\x00"
    b = s.encode()
    return uvarint(len(b) + 1) + b


def uvarint(n):
    out = b""
    while n >= 0x80:
        out += bytes([(n & 0x7F) | 0x80])
        n >>= 7
    return out + bytes([n])


def raft_vote_request(cluster_id, sender, receiver, term, last_log_index=0, last_log_term=0):
    """A KappaRaftMessage v0 (Kappa-internal, flexible) carrying a vote request."""
    body = compact_string(cluster_id) + struct.pack(">iiqb", sender, receiver, term, 0)
    body += b"\x01" + struct.pack(">??qq", False, False, last_log_index, last_log_term) + b"\x00"  # Vote
    body += b"\xff" * 4  # VoteResult, Append, AppendResult, Snapshot: null
    body += b"\x00"  # tagged fields
    return request_frame(10000, 0, 1, body, client_id=b"forger", header_version=2)


def read_error_only_response(sock):
    """Response header v1 + ErrorCode int16 + ErrorMessage compact nullable string."""
    resp = recv_frame(sock)
    (error,) = struct.unpack(">h", resp[5:7])
    return error


def broker_heartbeat(broker_id, epoch, metadata_offset=0):
    body = struct.pack(">iqq??", broker_id, epoch, metadata_offset, False, False) + b"\x00"
    return request_frame(63, 0, 1, body, client_id=b"forger", header_version=2)


def read_heartbeat_response(sock):
    resp = recv_frame(sock)
    _throttle, error = struct.unpack(">ih", resp[5:11])
    return error
