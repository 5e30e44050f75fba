#!/usr/bin/python3
"""How fast one broker serves Fetch from the page cache, without a client
that decodes records: a raw Fetch v4 loop over one partition that reads each
response into a reused buffer and walks only the batch headers to find the
next offset.  Shows the broker's serving rate (sendfile from the segment
files) apart from the cost of record decoding in a client.

    /usr/bin/python3 bench/e2e/fetch_throughput.py HOST:PORT TOPIC [PARTITION_MAX_BYTES]

Reads partition 0 from offset 0 to its high watermark; prints MB/s.
"""
import socket
import struct
import sys
import time


def fetch_request(correlation_id, topic, offset, partition_max):
    t = topic.encode()
    body = struct.pack(">iiiib", -1, 0, 1, 64 << 20, 0)  # replica, max_wait, min_bytes, max_bytes, isolation
    body += struct.pack(">ih", 1, len(t)) + t + struct.pack(">iiqi", 1, 0, offset, partition_max)
    header = struct.pack(">hhih", 1, 4, correlation_id, 5) + b"bench"
    return struct.pack(">i", len(header) + len(body)) + header + body


def recv_into(sock, view, n):
    got = 0
    while got < n:
        k = sock.recv_into(view[got:n], n - got)
        if k == 0:
            raise ConnectionError("broker closed the connection")
        got += k


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    topic = sys.argv[2]
    partition_max = int(sys.argv[3]) if len(sys.argv) > 3 else 16 << 20
    sock = socket.create_connection((host, int(port)))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    buf = bytearray(partition_max + (1 << 20))
    view = memoryview(buf)
    offset, total, fetches, hw = 0, 0, 0, None
    start = time.monotonic()
    while hw is None or offset < hw:
        sock.sendall(fetch_request(fetches, topic, offset, partition_max))
        recv_into(sock, view, 4)
        size = struct.unpack_from(">i", buf)[0]
        if size > len(buf):
            buf = bytearray(size)
            view = memoryview(buf)
        recv_into(sock, view, size)
        fetches += 1
        # correlation id, throttle, 1 topic (name), 1 partition: index, error, hw, lso, aborted, records
        pos = 4 + 4 + 4
        (name_len,) = struct.unpack_from(">h", buf, pos)
        pos += 2 + name_len + 4
        _, error, hw, _ = struct.unpack_from(">ihqq", buf, pos)
        pos += 4 + 2 + 8 + 8
        (aborted,) = struct.unpack_from(">i", buf, pos)
        pos += 4 + max(aborted, 0) * 16
        (records_len,) = struct.unpack_from(">i", buf, pos)
        pos += 4
        if error:
            sys.exit(f"fetch error {error} at offset {offset}")
        end = pos + records_len
        while pos + 61 <= end:  # whole batch headers only
            base, length = struct.unpack_from(">qi", buf, pos)
            if pos + 12 + length > end:
                break  # a partial batch at the end of the answer
            (delta,) = struct.unpack_from(">i", buf, pos + 23)
            offset = base + delta + 1
            total += 12 + length
            pos += 12 + length
    elapsed = time.monotonic() - start
    print(f"raw fetch (partition max {partition_max} bytes): {total} bytes, {offset} records in {elapsed:.3f}s "
          f"over {fetches} fetches = {total / elapsed / 1e6:.1f} MB/s, {offset / elapsed:.0f} records/s")


if __name__ == "__main__":
    main()
