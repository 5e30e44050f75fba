"""Hand-rolled group API requests for the group tests, written from Kafka's
JSON schemas independently of Kappa's codec: classic APIs in their oldest
(non-flexible) versions, KIP-848 APIs in their flexible encoding."""
import struct

from kafka_wire import connect, recv_frame, request_frame

FIND_COORDINATOR, JOIN_GROUP, HEARTBEAT, LEAVE_GROUP, SYNC_GROUP = 10, 11, 12, 13, 14
OFFSET_COMMIT, OFFSET_FETCH, DESCRIBE_GROUPS, PRODUCE, OFFSET_DELETE = 8, 9, 15, 0, 47
CONSUMER_GROUP_HEARTBEAT, CONSUMER_GROUP_DESCRIBE = 68, 69


# --- encoding
def i8(v): return struct.pack(">b", v)
def i16(v): return struct.pack(">h", v)
def i32(v): return struct.pack(">i", v)
def i64(v): return struct.pack(">q", v)


def string(s):
    if s is None:
        return i16(-1)
    b = s.encode()
    return i16(len(b)) + b


def blob(b):
    return i32(len(b)) + b


def array(items):
    return i32(len(items)) + b"".join(items)


def uvarint(n):
    out = b""
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def cstring(s):
    if s is None:
        return uvarint(0)
    b = s.encode()
    return uvarint(len(b) + 1) + b


def carray(items):
    if items is None:
        return uvarint(0)
    return uvarint(len(items) + 1) + b"".join(items)


TAGS = b"\x00"


# --- decoding
class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        out = self.data[self.pos:self.pos + n]
        assert len(out) == n, "truncated response"
        self.pos += n
        return out

    def i8(self): return struct.unpack(">b", self.take(1))[0]
    def i16(self): return struct.unpack(">h", self.take(2))[0]
    def i32(self): return struct.unpack(">i", self.take(4))[0]
    def i64(self): return struct.unpack(">q", self.take(8))[0]

    def string(self):
        n = self.i16()
        return None if n < 0 else self.take(n).decode()

    def blob(self):
        n = self.i32()
        return None if n < 0 else self.take(n)

    def array(self, item):
        return [item(self) for _ in range(self.i32())]

    def uvarint(self):
        shift = value = 0
        while True:
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    def cstring(self):
        n = self.uvarint()
        return None if n == 0 else self.take(n - 1).decode()

    def carray(self, item):
        n = self.uvarint()
        return None if n == 0 else [item(self) for _ in range(n - 1)]

    def tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self.take(self.uvarint())


class Client:
    """One connection; requests are answered in order."""

    def __init__(self, bootstrap):
        self.sock = connect(bootstrap, timeout=30)
        self.correlation = 0

    def call(self, api_key, version, body, flexible=False):
        self.correlation += 1
        self.sock.sendall(request_frame(api_key, version, self.correlation, body, header_version=2 if flexible else 1))
        r = Reader(recv_frame(self.sock))
        assert r.i32() == self.correlation
        if flexible:
            r.tags()
        return r

    def close(self):
        self.sock.close()

    # --- classic APIs (oldest versions)
    def find_coordinator(self, group):
        r = self.call(FIND_COORDINATOR, 0, string(group))
        return {"error": r.i16(), "node": r.i32(), "host": r.string(), "port": r.i32()}

    def join_group(self, group, member_id="", protocol_type="consumer", protocols=(("range", b"meta"),),
                   session_timeout=6000):
        body = string(group) + i32(session_timeout) + string(member_id) + string(protocol_type)
        body += array([string(n) + blob(m) for n, m in protocols])
        r = self.call(JOIN_GROUP, 0, body)
        out = {"error": r.i16(), "generation": r.i32(), "protocol": r.string(), "leader": r.string(),
               "member_id": r.string()}
        out["members"] = r.array(lambda r: (r.string(), r.blob()))
        return out

    def sync_group(self, group, generation, member_id, assignments=()):
        body = string(group) + i32(generation) + string(member_id)
        body += array([string(m) + blob(a) for m, a in assignments])
        r = self.call(SYNC_GROUP, 0, body)
        return {"error": r.i16(), "assignment": r.blob()}

    def heartbeat(self, group, generation, member_id):
        return self.call(HEARTBEAT, 0, string(group) + i32(generation) + string(member_id)).i16()

    def leave_group(self, group, member_id):
        return self.call(LEAVE_GROUP, 0, string(group) + string(member_id)).i16()

    def offset_commit(self, group, generation, member_id, offsets, metadata=""):
        """offsets: {(topic, partition): offset}; returns {(topic, partition): error}."""
        topics = {}
        for (t, p), o in offsets.items():
            topics.setdefault(t, []).append(i32(p) + i64(o) + string(metadata))
        body = string(group) + i32(generation) + string(member_id) + i64(-1)
        body += array([string(t) + array(parts) for t, parts in topics.items()])
        r = self.call(OFFSET_COMMIT, 2, body)
        out = {}
        for _ in range(r.i32()):
            t = r.string()
            for _ in range(r.i32()):
                p = r.i32()
                out[(t, p)] = r.i16()
        return out

    def offset_fetch(self, group, partitions):
        topics = {}
        for t, p in partitions:
            topics.setdefault(t, []).append(i32(p))
        body = string(group) + array([string(t) + array(ps) for t, ps in topics.items()])
        r = self.call(OFFSET_FETCH, 1, body)
        out = {}
        for _ in range(r.i32()):
            t = r.string()
            for _ in range(r.i32()):
                p, o, _meta, e = r.i32(), r.i64(), r.string(), r.i16()
                out[(t, p)] = (o, e)
        return out

    def offset_delete(self, group, partitions):
        """Returns (group error, {(topic, partition): error})."""
        topics = {}
        for t, p in partitions:
            topics.setdefault(t, []).append(i32(p))
        r = self.call(OFFSET_DELETE, 0, string(group) + array([string(t) + array(ps) for t, ps in topics.items()]))
        error, _throttle = r.i16(), r.i32()
        out = {}
        for _ in range(r.i32()):
            t = r.string()
            for _ in range(r.i32()):
                p = r.i32()
                out[(t, p)] = r.i16()
        return error, out

    def describe_group(self, group):
        r = self.call(DESCRIBE_GROUPS, 0, array([string(group)]))
        assert r.i32() == 1
        g = {"error": r.i16(), "group": r.string(), "state": r.string(), "protocol_type": r.string(),
             "protocol": r.string()}
        g["members"] = r.array(lambda r: {"member_id": r.string(), "client_id": r.string(), "host": r.string(),
                                           "metadata": r.blob(), "assignment": r.blob()})
        return g

    def produce_v3(self, topic, partition, batch):
        body = string(None) + i16(-1) + i32(10_000)
        body += array([string(topic) + array([i32(partition) + blob(batch)])])
        r = self.call(PRODUCE, 3, body)
        r.i32()  # topics
        r.string()
        r.i32()  # partitions
        r.i32()
        return r.i16()

    # --- KIP-848 (flexible)
    def consumer_heartbeat(self, group, member_id, epoch, topics=None, owned=None, instance_id=None,
                           rebalance_timeout=30_000, assignor=None, regex=None, version=1):
        body = cstring(group) + cstring(member_id) + i32(epoch) + cstring(instance_id) + cstring(None)
        body += i32(rebalance_timeout)
        body += carray(None if topics is None else [cstring(t) for t in topics])
        if version >= 1:
            body += cstring(regex)
        body += cstring(assignor)
        if owned is None:
            body += carray(None)
        else:
            body += carray([tid + carray([i32(p) for p in ps]) + TAGS for tid, ps in owned.items()])
        body += TAGS
        r = self.call(CONSUMER_GROUP_HEARTBEAT, version, body, flexible=True)
        out = {"throttle": r.i32(), "error": r.i16(), "message": r.cstring(), "member_id": r.cstring(),
               "epoch": r.i32(), "interval": r.i32(), "assignment": None}
        if r.i8() == 1:
            parts = r.carray(lambda r: (r.take(16), r.carray(lambda r: r.i32()), r.tags())[:2])
            r.tags()
            out["assignment"] = {tid: sorted(ps) for tid, ps in parts}
        r.tags()
        return out

    def consumer_group_describe(self, group):
        r = self.call(CONSUMER_GROUP_DESCRIBE, 0, carray([cstring(group)]) + i8(0) + TAGS, flexible=True)
        r.i32()

        def assignment(r):
            tps = r.carray(lambda r: (r.take(16), r.cstring(), r.carray(lambda r: r.i32()), r.tags())[:3])
            r.tags()
            return tps

        def member(r):
            m = {"member_id": r.cstring(), "instance_id": r.cstring(), "rack": r.cstring(), "epoch": r.i32(),
                 "client_id": r.cstring(), "client_host": r.cstring(),
                 "topics": r.carray(lambda r: r.cstring()), "regex": r.cstring()}
            m["assignment"] = assignment(r)
            m["target"] = assignment(r)
            r.tags()
            return m

        def group(r):
            g = {"error": r.i16(), "message": r.cstring(), "group": r.cstring(), "state": r.cstring(),
                 "epoch": r.i32(), "assignment_epoch": r.i32(), "assignor": r.cstring()}
            g["members"] = r.carray(member)
            g["ops"] = r.i32()
            r.tags()
            return g

        groups = r.carray(group)
        r.tags()
        return groups[0]
