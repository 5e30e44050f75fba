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
