#!/usr/bin/python3
"""Reference byte vectors for the protocol codec tests (tests/protocol/*_test.cc).

Every version of every message in src/protocol/schema (requests, responses
and the request/response headers) is encoded here a second time,
independently of kmsg_gen.py: each encoder below writes its fields one by
one, in wire order, with the version ranges read from the Kafka protocol
specification, not from our .kmsg files.  Where kafka-python 2.0.2 (Debian
python3-kafka) has a class for the version, the message is also encoded with
kafka-python and both byte strings must be identical, so those vectors are
kafka-python's bytes.  kafka-python has no flexible (KIP-482) versions, so
those come from the encoder here alone.  The Kappa-internal APIs have no
Kafka spec: the comments of their .kmsg files define them.

kafka-python classes that contradict the spec are listed in
KAFKA_PYTHON_DEFECTS and not used; fix_kafka_python() patches one
declaration that otherwise cannot encode at all.

The message values are the ones the C++ tests build (produce_request(v) etc.
in the codec_*_test.cc files); change both together.

Output: one C++ include file per API family next to this script, one field
per line: its hex literal(s) and a comment naming the field and its value.

    /usr/bin/python3 tests/protocol/vectors/gen_kafka_python_vectors.py          # rewrite *.inc
    /usr/bin/python3 tests/protocol/vectors/gen_kafka_python_vectors.py --check  # compare only
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ------------------------------------------------------------ the encoder


def uvarint(n):
    """Unsigned LEB128 varint, as used by flexible versions (not zig-zag)."""
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def show(s):
    """A string value as it appears in a comment."""
    return 'null' if s is None else '"' + s + '"'


UNKNOWN_TAG = 200           # larger than every tag the schemas use
UNKNOWN_VALUE = b'\xca\xfe'


class Enc:
    """Writes Kafka primitives and keeps one annotated line per field.

    `flex` selects the flexible encoding (compact lengths, tagged fields).
    With `unknown_tags`, every tagged-field section gets one extra tag that
    no schema knows, which decoders must skip.
    """

    def __init__(self, flex, unknown_tags=False, depth=0):
        self.flex = flex
        self.unknown_tags = unknown_tags
        self.depth = depth
        self.lines = []        # (depth, [hex chunk, ...], comment)
        self.size = 0
        self.top_tags_at = -1  # byte offset of the message's own tag section

    def data(self):
        return b''.join(bytes.fromhex(h) for _, chunks, _ in self.lines for h in chunks)

    def put(self, chunks, comment):
        self.lines.append((self.depth, [c.hex() for c in chunks], comment))
        self.size += sum(len(c) for c in chunks)

    def note(self, comment):
        self.lines.append((self.depth, [], comment))

    # fixed-width
    def bool(self, name, v):
        self.put([b'\x01' if v else b'\x00'], f'{name}: {"true" if v else "false"}')

    def i8(self, name, v):
        self.put([struct.pack('>b', v)], f'{name}: {v}')

    def i16(self, name, v):
        self.put([struct.pack('>h', v)], f'{name}: {v}')

    def i32(self, name, v):
        self.put([struct.pack('>i', v)], f'{name}: {v}')

    def i64(self, name, v):
        self.put([struct.pack('>q', v)], f'{name}: {v}')

    def uuid(self, name, v):
        self.put([v], f'{name}: uuid')

    # lengths
    def _len(self, n, wide):
        """Length prefix of a non-null string (int16), bytes or array (int32)."""
        if self.flex:
            return uvarint(n + 1)
        return struct.pack('>i' if wide else '>h', n)

    def _null(self, wide):
        if self.flex:
            return uvarint(0)
        return struct.pack('>i' if wide else '>h', -1)

    # strings and bytes
    def string(self, name, s):
        assert s is not None, name
        b = s.encode('utf-8')
        self.put([self._len(len(b), False), b] if b else [self._len(0, False)], f'{name}: {show(s)}')

    def nstring(self, name, s):
        if s is None:
            self.put([self._null(False)], f'{name}: null')
        else:
            self.string(name, s)

    def bytes(self, name, b, what='bytes'):
        assert b is not None, name
        self.put([self._len(len(b), True), b] if b else [self._len(0, True)], f'{name}: {len(b)} {what}')

    def nbytes(self, name, b, what='bytes'):
        if b is None:
            self.put([self._null(True)], f'{name}: null')
        else:
            self.bytes(name, b, what)

    def records(self, name, b):
        self.nbytes(name, b, 'bytes of records')

    # arrays
    def count(self, name, items, nullable=False):
        if items is None:
            assert nullable, name
            self.put([self._null(True)], f'{name}: null array')
        else:
            n = len(items)
            self.put([self._len(n, True)], f'{name}: {n} element{"" if n == 1 else "s"}')

    def elems(self, name, items, nullable=False):
        """Writes the element count, then yields each element one level deeper."""
        self.count(name, items, nullable)
        for i, item in enumerate(items or []):
            self.note(f'{name}[{i}]')
            self.depth += 1
            yield item
            self.depth -= 1

    def _prim_array(self, name, items, nullable, fmt, shown):
        if items is None:
            self.count(name, None, nullable)
            return
        chunks = [self._len(len(items), True)] + [struct.pack(fmt, x) for x in items]
        self.put(chunks, f'{name}: [{", ".join(shown(x) for x in items)}]')

    def int32s(self, name, items, nullable=False):
        self._prim_array(name, items, nullable, '>i', str)

    def strings(self, name, items, nullable=False):
        if items is None:
            self.count(name, None, nullable)
            return
        self.count(name, items)
        self.depth += 1
        for s in items:
            self.string('', s)
            self.lines[-1] = (self.depth, self.lines[-1][1], show(s))
        self.depth -= 1

    def present(self, name, value):
        """Presence byte of a nullable struct: 1 then the struct, or -1."""
        self.put([struct.pack('>b', 1 if value is not None else -1)],
                 f'{name}: {"present" if value is not None else "null"}')
        return value is not None

    # tagged fields
    def tags(self, *fields):
        """The tagged-field section ending every struct of a flexible version.

        `fields` are (tag, name, write) for the tagged fields that differ from
        their default; write(enc) encodes the value.  Non-flexible: nothing.
        """
        if not self.flex:
            return
        if self.depth == 0:
            self.top_tags_at = self.size
        fields = list(fields)
        assert [f[0] for f in fields] == sorted({f[0] for f in fields})
        n = len(fields) + (1 if self.unknown_tags else 0)
        self.put([uvarint(n)], f'tagged fields: {n}')
        for tag, name, write in fields:
            sub = Enc(True, self.unknown_tags, self.depth + 1)
            write(sub)
            self.put([uvarint(tag), uvarint(sub.size)], f'tag {tag} ({name}), {sub.size} byte{"" if sub.size == 1 else "s"}')
            self.lines += sub.lines
            self.size += sub.size
        if self.unknown_tags:
            self.put([uvarint(UNKNOWN_TAG), uvarint(len(UNKNOWN_VALUE)), UNKNOWN_VALUE],
                     f'tag {UNKNOWN_TAG} (unknown to every schema), {len(UNKNOWN_VALUE)} bytes')


# ------------------------------------------------------------ C++ output

def cxx_lines(enc, indent):
    """The encoding as adjacent C++ string literals, one field per line."""
    out = []
    for depth, chunks, comment in enc.lines:
        pad = ' ' * (indent + 2 * depth)
        if not chunks:
            out.append(f'{pad}// {comment}')
            continue
        if sum(len(c) for c in chunks) <= 48:
            text = pad + ' '.join(f'"{c}"' for c in chunks)
            out.append(f'{text:<{indent + 56}} // {comment}')
            continue
        # Long payloads: the length prefix with the comment, then 32 bytes per line.
        lits = [chunks[0]] + [c[i:i + 64] for c in chunks[1:] for i in range(0, len(c), 64)]
        out.append(f'{pad + chr(34) + lits[0] + chr(34):<{indent + 56}} // {comment}')
        out += [f'{pad}"{x}"' for x in lits[1:]]
    if not enc.lines:
        out.append(' ' * indent + '""  // no fields in this version')
    return out


def cxx_table(name, entries):
    """entries: (version, source, Enc)."""
    out = [f'inline const std::vector<CodecVector> {name} = {{']
    for version, source, enc in entries:
        out.append(f'    {{.version = {version},')
        out.append(f'     .source = "{source}",')
        out.append(f'     .top_level_tags_at = {enc.top_tags_at},')
        out.append('     .hex =')
        out += cxx_lines(enc, 9)
        out.append('    },')
    out.append('};')
    return out


# ------------------------------------------------------------ registry

MESSAGES = []  # dicts: family, name, versions, flexible, encode, kafka_python


def message(family, versions, flexible, kafka_python=None):
    """Registers encode(e, v) for versions (lo, hi); flexible from version `flexible` (None: never)."""
    def register(encode):
        name = ''.join(w.capitalize() for w in encode.__name__.split('_'))
        MESSAGES.append(dict(family=family, name=name, versions=versions, flexible=flexible,
                             encode=encode, kafka_python=kafka_python))
        return encode
    return register


def kp(module, cls):
    """A kafka-python message class, e.g. kp('produce', 'ProduceRequest_v3')."""
    import importlib
    fix_kafka_python()
    return getattr(importlib.import_module('kafka.protocol.' + module), cls)


def fix_kafka_python():
    """FetchRequest v7-11 declare ForgottenTopicsData.topic as the String class
    instead of String('utf-8'), so a non-empty list cannot be encoded at all.
    Patching that declaration keeps kafka-python usable for the other fields."""
    from kafka.protocol import fetch, types
    for v in range(7, 12):
        forgotten = getattr(fetch, f'FetchRequest_v{v}').SCHEMA.fields[-2 if v == 11 else -1].array_of
        if forgotten.fields[0] is types.String:
            forgotten.fields = (types.String('utf-8'),) + forgotten.fields[1:]


# kafka-python 2.0.2 classes that contradict the Kafka spec for a version we
# implement; the spec encoder alone is the reference there.
KAFKA_PYTHON_DEFECTS = {
    'ProduceResponse_v8': 'RecordErrors/ErrorMessage nested at topic level instead of per partition',
    'OffsetRequest_v4': 'CurrentLeaderEpoch written as int64, the spec says int32',
    'OffsetRequest_v5': 'CurrentLeaderEpoch written as int64, the spec says int32',
    'GroupCoordinatorResponse_v1': 'no ThrottleTimeMs, which the spec has from v1',
    'DescribeGroupsResponse_v3': 'no AuthorizedOperations, which the spec has from v3',
    'DescribeConfigsResponse_v1': 'writes the v0 IsDefault bool where v1 has the int8 ConfigSource',
}

# ------------------------------------------------------------ shared values

UUID_A = bytes(range(0x01, 0x11))   # 0102...0f10
UUID_B = bytes(range(0xa1, 0xb1))   # a1a2...afb0
UUID_C = bytes(range(0x31, 0x41))
UUID_D = bytes(range(0xd1, 0xe1))
GROUP = 'grüppe-1'                  # non-ASCII: lengths count UTF-8 bytes
BATCH = b'batch-0'                  # records are opaque to the message codecs


def odd(v):
    """Top-level nullable fields are non-null in odd versions and null in even ones."""
    return v % 2 == 1


def node_endpoints(e):
    """Produce/Fetch NodeEndpoints (tagged)."""
    for n in e.elems('node_endpoints', [(2, 'broker-2.kappa.local', 9092, 'rack-a'), (3, 'broker-3', 19092, None)]):
        e.i32('node_id', n[0])
        e.string('host', n[1])
        e.i32('port', n[2])
        e.nstring('rack', n[3])
        e.tags()


def leader_id_and_epoch(leader, epoch):
    def write(e):
        e.i32('leader_id', leader)
        e.i32('leader_epoch', epoch)
        e.tags()
    return write


# ------------------------------------------------------------ Produce (key 0)

def kp_produce_request(v):
    if v > 8:
        return None
    return kp('produce', f'ProduceRequest_v{v}')(
        transactional_id='txn-ü' if odd(v) else None, required_acks=-1, timeout=1500,
        topics=[('orders', [(0, BATCH), (7, None)]), ('clicks', [])])


@message('produce_fetch', (3, 11), 9, kp_produce_request)
def produce_request(e, v):
    e.nstring('transactional_id', 'txn-ü' if odd(v) else None)   # 3+, nullable
    e.i16('acks', -1)
    e.i32('timeout_ms', 1500)
    for t in e.elems('topic_data', ['orders', 'clicks']):
        e.string('name', t)
        for p in e.elems('partition_data', [(0, BATCH), (7, None)] if t == 'orders' else []):
            e.i32('index', p[0])
            e.records('records', p[1])                            # nullable
            e.tags()
        e.tags()
    e.tags()


def kp_produce_response(v):
    if v > 8:
        return None
    parts = [(0, 0, 1000, 1700000000000, 10), (7, 6, -1, -1, -1)]
    parts = [p if v >= 5 else p[:4] for p in parts]
    return kp('produce', f'ProduceResponse_v{v}')(
        topics=[('orders', parts), ('clicks', [])], throttle_time_ms=250)


@message('produce_fetch', (3, 11), 9, kp_produce_response)
def produce_response(e, v):
    for t in e.elems('responses', ['orders', 'clicks']):
        e.string('name', t)
        for p in e.elems('partition_responses', [0, 7] if t == 'orders' else []):
            first = p == 0
            e.i32('index', p)
            e.i16('error_code', 0 if first else 6)
            e.i64('base_offset', 1000 if first else -1)
            e.i64('log_append_time_ms', 1700000000000 if first else -1)   # 2+
            if v >= 5:
                e.i64('log_start_offset', 10 if first else -1)
            if v >= 8:
                for r in e.elems('record_errors', [(3, 'bad ü'), (4, None)] if first else []):
                    e.i32('batch_index', r[0])
                    e.nstring('batch_index_error_message', r[1])
                    e.tags()
                e.nstring('error_message', 'batch dropped' if first else None)
            tagged = [(0, 'current_leader', leader_id_and_epoch(2, 9))] if v >= 10 and first else []
            e.tags(*tagged)
        e.tags()
    e.i32('throttle_time_ms', 250)                                   # 1+
    e.tags(*([(0, 'node_endpoints', node_endpoints)] if v >= 10 else []))


# ------------------------------------------------------------ Fetch (key 1)

def kp_fetch_request(v):
    if v > 11:
        return None
    def part(p, leader_epoch, offset, log_start, max_bytes):
        out = [p]
        if v >= 9:
            out.append(leader_epoch)
        out.append(offset)
        if v >= 5:
            out.append(log_start)
        return tuple(out + [max_bytes])
    fields = dict(replica_id=3, max_wait_time=500, min_bytes=1, max_bytes=52428800, isolation_level=1,
                  topics=[('orders', [part(0, 9, 1000, 10, 1048576), part(1, 9, 0, 0, 65536)]),
                          ('clicks', [])])
    if v >= 7:
        fields.update(session_id=77, session_epoch=5,
                      forgotten_topics_data=[('old-topic', [4, 5]), ('gone', [])])
    if v >= 11:
        fields.update(rack_id='rack-é')
    return kp('fetch', f'FetchRequest_v{v}')(**fields)


@message('produce_fetch', (4, 17), 12, kp_fetch_request)
def fetch_request(e, v):
    if v <= 14:
        e.i32('replica_id', 3)
    e.i32('max_wait_ms', 500)
    e.i32('min_bytes', 1)
    e.i32('max_bytes', 52428800)                     # 3+
    e.i8('isolation_level', 1)                       # 4+
    if v >= 7:
        e.i32('session_id', 77)
        e.i32('session_epoch', 5)
    for t in e.elems('topics', [('orders', UUID_A), ('clicks', UUID_B)]):
        if v <= 12:
            e.string('topic', t[0])
        else:
            e.uuid('topic_id', t[1])
        parts = [(0, 1000, 8, 10, 1048576, UUID_D), (1, 0, 7, 0, 65536, None)] if t[0] == 'orders' else []
        for p in e.elems('partitions', parts):
            e.i32('partition', p[0])
            if v >= 9:
                e.i32('current_leader_epoch', 9)
            e.i64('fetch_offset', p[1])
            if v >= 12:
                e.i32('last_fetched_epoch', p[2])
            if v >= 5:
                e.i64('log_start_offset', p[3])
            e.i32('partition_max_bytes', p[4])
            e.tags(*([(0, 'replica_directory_id', lambda s, u=p[5]: s.uuid('replica_directory_id', u))]
                     if v >= 17 and p[5] else []))
        e.tags()
    if v >= 7:
        for f in e.elems('forgotten_topics_data', [('old-topic', UUID_C, [4, 5]), ('gone', UUID_B, [])]):
            if v <= 12:
                e.string('topic', f[0])
            else:
                e.uuid('topic_id', f[1])
            e.int32s('partitions', f[2])
            e.tags()
    if v >= 11:
        e.string('rack_id', 'rack-é')

    def replica_state(s):
        s.i32('replica_id', 3)
        s.i64('replica_epoch', 42)
        s.tags()
    tagged = [(0, 'cluster_id', lambda s: s.nstring('cluster_id', 'kappa-cluster'))]   # 12+
    if v >= 15:
        tagged.append((1, 'replica_state', replica_state))
    e.tags(*tagged)


def kp_fetch_response(v):
    if v > 11:
        return None
    def part(p, err, hw, lso, log_start, aborted, preferred, records):
        out = [p, err, hw, lso]
        if v >= 5:
            out.append(log_start)
        out.append(aborted)
        if v >= 11:
            out.append(preferred)
        return tuple(out + [records])
    parts = [part(0, 0, 1200, 1100, 10, [(4242, 1050), (4343, 1075)], 3, BATCH),
             part(1, 1, -1, -1, -1, None, -1, None)]
    fields = dict(throttle_time_ms=25, topics=[('orders', parts), ('clicks', [])])
    if v >= 7:
        fields.update(error_code=70, session_id=77)
    return kp('fetch', f'FetchResponse_v{v}')(**fields)


@message('produce_fetch', (4, 17), 12, kp_fetch_response)
def fetch_response(e, v):
    e.i32('throttle_time_ms', 25)                    # 1+
    if v >= 7:
        e.i16('error_code', 70)
        e.i32('session_id', 77)
    for t in e.elems('responses', [('orders', UUID_A), ('clicks', UUID_B)]):
        if v <= 12:
            e.string('topic', t[0])
        else:
            e.uuid('topic_id', t[1])
        for p in e.elems('partitions', [0, 1] if t[0] == 'orders' else []):
            first = p == 0
            e.i32('partition_index', p)
            e.i16('error_code', 0 if first else 1)
            e.i64('high_watermark', 1200 if first else -1)
            e.i64('last_stable_offset', 1100 if first else -1)    # 4+
            if v >= 5:
                e.i64('log_start_offset', 10 if first else -1)
            aborted = [(4242, 1050), (4343, 1075)] if first else None
            for a in e.elems('aborted_transactions', aborted, nullable=True):
                e.i64('producer_id', a[0])
                e.i64('first_offset', a[1])
                e.tags()
            if v >= 11:
                e.i32('preferred_read_replica', 3 if first else -1)
            e.records('records', BATCH if first else None)

            def diverging_epoch(s):
                s.i32('epoch', 7)
                s.i64('end_offset', 990)
                s.tags()

            def snapshot_id(s):
                s.i64('end_offset', 500)
                s.i32('epoch', 6)
                s.tags()
            e.tags(*([(0, 'diverging_epoch', diverging_epoch),
                      (1, 'current_leader', leader_id_and_epoch(2, 9)),
                      (2, 'snapshot_id', snapshot_id)] if first and v >= 12 else []))
        e.tags()
    e.tags(*([(0, 'node_endpoints', node_endpoints)] if v >= 16 else []))



# ------------------------------------------------------------ ListOffsets (key 2)

def kp_list_offsets_request(v):
    if v > 5:
        return None
    parts = [(0, -1), (3, 1700000000000)] if v < 4 else [(0, 9, -1), (3, 9, 1700000000000)]
    fields = dict(replica_id=-1, topics=[('orders', parts), ('clicks', [])])
    if v >= 2:
        fields.update(isolation_level=1)
    return kp('offset', f'OffsetRequest_v{v}')(**fields)


@message('offsets', (1, 9), 6, kp_list_offsets_request)
def list_offsets_request(e, v):
    e.i32('replica_id', -1)
    if v >= 2:
        e.i8('isolation_level', 1)
    for t in e.elems('topics', ['orders', 'clicks']):
        e.string('name', t)
        for p in e.elems('partitions', [(0, -1), (3, 1700000000000)] if t == 'orders' else []):
            e.i32('partition_index', p[0])
            if v >= 4:
                e.i32('current_leader_epoch', 9)
            e.i64('timestamp', p[1])
            e.tags()
        e.tags()
    e.tags()


def kp_list_offsets_response(v):
    if v > 5:
        return None
    parts = [(0, 0, -1, 1200, 9), (3, 6, 1700000000000, 1100, 8)]
    parts = [p if v >= 4 else p[:4] for p in parts]
    fields = dict(topics=[('orders', parts), ('clicks', [])])
    if v >= 2:
        fields.update(throttle_time_ms=10)
    return kp('offset', f'OffsetResponse_v{v}')(**fields)


@message('offsets', (1, 9), 6, kp_list_offsets_response)
def list_offsets_response(e, v):
    if v >= 2:
        e.i32('throttle_time_ms', 10)
    for t in e.elems('topics', ['orders', 'clicks']):
        e.string('name', t)
        parts = [(0, 0, -1, 1200, 9), (3, 6, 1700000000000, 1100, 8)] if t == 'orders' else []
        for p in e.elems('partitions', parts):
            e.i32('partition_index', p[0])
            e.i16('error_code', p[1])
            e.i64('timestamp', p[2])
            e.i64('offset', p[3])
            if v >= 4:
                e.i32('leader_epoch', p[4])
            e.tags()
        e.tags()
    e.tags()


# ------------------------------------------------------------ OffsetCommit (key 8)

def kp_offset_commit_request(v):
    if v > 3:
        return None
    return kp('commit', f'OffsetCommitRequest_v{v}')(
        consumer_group=GROUP, consumer_group_generation_id=12, consumer_id='consumer-1-4f2a',
        retention_time=86400000,
        topics=[('orders', [(0, 1200, 'meta-ü'), (1, 1300, None)]), ('clicks', [(4, 0, '')])])


@message('offsets', (2, 9), 8, kp_offset_commit_request)
def offset_commit_request(e, v):
    e.string('group_id', GROUP)
    e.i32('generation_id_or_member_epoch', 12)       # 1+
    e.string('member_id', 'consumer-1-4f2a')         # 1+
    if v >= 7:
        e.nstring('group_instance_id', 'instance-1' if odd(v) else None)
    if v <= 4:
        e.i64('retention_time_ms', 86400000)         # 2-4
    topics = [('orders', [(0, 1200, 9, 'meta-ü'), (1, 1300, 9, None)]), ('clicks', [(4, 0, -1, '')])]
    for t in e.elems('topics', topics):
        e.string('name', t[0])
        for p in e.elems('partitions', t[1]):
            e.i32('partition_index', p[0])
            e.i64('committed_offset', p[1])
            if v >= 6:
                e.i32('committed_leader_epoch', p[2])
            e.nstring('committed_metadata', p[3])
            e.tags()
        e.tags()
    e.tags()


def kp_offset_commit_response(v):
    if v > 3:
        return None
    fields = dict(topics=[('orders', [(0, 0), (1, 27)]), ('clicks', [])])
    if v >= 3:
        fields.update(throttle_time_ms=40)
    return kp('commit', f'OffsetCommitResponse_v{v}')(**fields)


@message('offsets', (2, 9), 8, kp_offset_commit_response)
def offset_commit_response(e, v):
    if v >= 3:
        e.i32('throttle_time_ms', 40)
    for t in e.elems('topics', [('orders', [(0, 0), (1, 27)]), ('clicks', [])]):
        e.string('name', t[0])
        for p in e.elems('partitions', t[1]):
            e.i32('partition_index', p[0])
            e.i16('error_code', p[1])
            e.tags()
        e.tags()
    e.tags()


# ------------------------------------------------------------ OffsetFetch (key 9)

def kp_offset_fetch_request(v):
    if v > 3:
        return None
    topics = [('orders', [0, 1]), ('clicks', [])] if odd(v) else None
    return kp('commit', f'OffsetFetchRequest_v{v}')(consumer_group=GROUP, topics=topics)


@message('offsets', (1, 9), 6, kp_offset_fetch_request)
def offset_fetch_request(e, v):
    topics = [('orders', [0, 1]), ('clicks', [])]

    def request_topics(name, items, nullable):
        for t in e.elems(name, items, nullable):
            e.string('name', t[0])
            e.int32s('partition_indexes', t[1])
            e.tags()
    if v <= 7:
        e.string('group_id', GROUP)
        request_topics('topics', topics if odd(v) else None, nullable=v >= 2)   # nullable 2-7
    else:
        groups = [(GROUP, 'member-1', 5, topics), ('group-2', None, -1, None)]
        for g in e.elems('groups', groups):
            e.string('group_id', g[0])
            if v >= 9:
                e.nstring('member_id', g[1])
                e.i32('member_epoch', g[2])
            request_topics('topics', g[3], nullable=True)
            e.tags()
    if v >= 7:
        e.bool('require_stable', True)
    e.tags()


def kp_offset_fetch_response(v):
    if v > 3:
        return None
    fields = dict(topics=[('orders', [(0, 1200, 'meta-ü', 0), (1, -1, None, 0)]), ('clicks', [])])
    if v >= 2:
        fields.update(error_code=14)
    if v >= 3:
        fields.update(throttle_time_ms=50)
    return kp('commit', f'OffsetFetchResponse_v{v}')(**fields)


@message('offsets', (1, 9), 6, kp_offset_fetch_response)
def offset_fetch_response(e, v):
    if v >= 3:
        e.i32('throttle_time_ms', 50)
    topics = [('orders', [(0, 1200, 9, 'meta-ü', 0), (1, -1, -1, None, 0)]), ('clicks', [])]

    def response_topics(name, items, with_epoch):
        for t in e.elems(name, items):
            e.string('name', t[0])
            for p in e.elems('partitions', t[1]):
                e.i32('partition_index', p[0])
                e.i64('committed_offset', p[1])
                if with_epoch:
                    e.i32('committed_leader_epoch', p[2])
                e.nstring('metadata', p[3])
                e.i16('error_code', p[4])
                e.tags()
            e.tags()
    if v <= 7:
        response_topics('topics', topics, with_epoch=v >= 5)
        if v >= 2:
            e.i16('error_code', 14)
    else:
        for g in e.elems('groups', [(GROUP, topics, 0), ('group-2', [], 16)]):
            e.string('group_id', g[0])
            response_topics('topics', g[1], with_epoch=True)
            e.i16('error_code', g[2])
            e.tags()
    e.tags()


# ------------------------------------------------------------ DeleteRecords (key 21)

@message('offsets', (0, 2), 2)
def delete_records_request(e, v):
    for t in e.elems('topics', [('orders', [(0, 1000), (1, -1)]), ('clicks', [])]):
        e.string('name', t[0])
        for p in e.elems('partitions', t[1]):
            e.i32('partition_index', p[0])
            e.i64('offset', p[1])
            e.tags()
        e.tags()
    e.i32('timeout_ms', 30000)
    e.tags()


@message('offsets', (0, 2), 2)
def delete_records_response(e, v):
    e.i32('throttle_time_ms', 160)
    for t in e.elems('topics', [('orders', [(0, 1000, 0), (1, -1, 1)]), ('clicks', [])]):
        e.string('name', t[0])
        for p in e.elems('partitions', t[1]):
            e.i32('partition_index', p[0])
            e.i64('low_watermark', p[1])
            e.i16('error_code', p[2])
            e.tags()
        e.tags()
    e.tags()


# ------------------------------------------------------------ OffsetForLeaderEpoch (key 23)

@message('offsets', (2, 4), 4)
def offset_for_leader_epoch_request(e, v):
    if v >= 3:
        e.i32('replica_id', -1)
    for t in e.elems('topics', [('orders', [(0, 9, 8), (1, 9, 7)]), ('clicks', [])]):
        e.string('topic', t[0])
        for p in e.elems('partitions', t[1]):
            e.i32('partition', p[0])
            e.i32('current_leader_epoch', p[1])      # 2+
            e.i32('leader_epoch', p[2])
            e.tags()
        e.tags()
    e.tags()


@message('offsets', (2, 4), 4)
def offset_for_leader_epoch_response(e, v):
    e.i32('throttle_time_ms', 180)                   # 2+
    for t in e.elems('topics', [('orders', [(0, 0, 8, 1000), (74, 1, -1, -1)]), ('clicks', [])]):
        e.string('topic', t[0])
        for p in e.elems('partitions', t[1]):
            e.i16('error_code', p[0])
            e.i32('partition', p[1])
            e.i32('leader_epoch', p[2])              # 1+
            e.i64('end_offset', p[3])
            e.tags()
        e.tags()
    e.tags()


# ------------------------------------------------------------ OffsetDelete (key 47)

@message('offsets', (0, 0), None)
def offset_delete_request(e, v):
    e.string('group_id', GROUP)
    for t in e.elems('topics', [('orders', [0, 1]), ('clicks', [])]):
        e.string('name', t[0])
        for p in e.elems('partitions', t[1]):
            e.i32('partition_index', p)


@message('offsets', (0, 0), None)
def offset_delete_response(e, v):
    e.i16('error_code', 0)
    e.i32('throttle_time_ms', 240)
    for t in e.elems('topics', [('orders', [(0, 0), (1, 86)]), ('clicks', [])]):
        e.string('name', t[0])
        for p in e.elems('partitions', t[1]):
            e.i32('partition_index', p[0])
            e.i16('error_code', p[1])



# ------------------------------------------------------------ Metadata (key 3)

def kp_metadata_request(v):
    if v > 5:
        return None
    fields = dict(topics=None if odd(v) else ['orders', 'clicks'])
    if v >= 4:
        fields.update(allow_auto_topic_creation=False)
    return kp('metadata', f'MetadataRequest_v{v}')(**fields)


@message('metadata', (0, 12), 9, kp_metadata_request)
def metadata_request(e, v):
    # Null (all topics) in odd versions; v0 has no null.  From v10 a topic may
    # be given by id alone, with a null name.
    topics = None if odd(v) else [(UUID_A, 'orders'), (UUID_B, 'clicks' if v < 10 else None)]
    for t in e.elems('topics', topics, nullable=v >= 1):
        if v >= 10:
            e.uuid('topic_id', t[0])
        e.nstring('name', t[1])                      # nullable 10+
        e.tags()
    if v >= 4:
        e.bool('allow_auto_topic_creation', False)
    if 8 <= v <= 10:
        e.bool('include_cluster_authorized_operations', True)
    if v >= 8:
        e.bool('include_topic_authorized_operations', True)
    e.tags()


METADATA_BROKERS = [(1, 'broker-1.kappa.local', 9092, 'rack-ü'), (2, '10.0.0.2', 9093, None)]


def metadata_partitions(v):
    """(error, index, leader, epoch, replicas, isr, offline)"""
    return [(0, 0, 1, 5, [1, 2], [1, 2], []), (9, 1, 2, 6, [2, 1], [2], [1])]


def kp_metadata_response(v):
    if v > 5:
        return None
    brokers = [b[:3] if v == 0 else b for b in METADATA_BROKERS]
    def parts():
        out = []
        for p in metadata_partitions(v):
            row = (p[0], p[1], p[2], p[4], p[5]) + ((p[6],) if v >= 5 else ())
            out.append(row)
        return out
    if v == 0:
        topics = [(0, 'orders', parts()), (0, '__consumer_offsets', [])]
    else:
        topics = [(0, 'orders', False, parts()), (0, '__consumer_offsets', True, [])]
    fields = dict(brokers=brokers, topics=topics)
    if v >= 1:
        fields.update(controller_id=1)
    if v >= 2:
        fields.update(cluster_id='kappa-cluster' if odd(v) else None)
    if v >= 3:
        fields.update(throttle_time_ms=30)
    return kp('metadata', f'MetadataResponse_v{v}')(**fields)


@message('metadata', (0, 12), 9, kp_metadata_response)
def metadata_response(e, v):
    if v >= 3:
        e.i32('throttle_time_ms', 30)
    for b in e.elems('brokers', METADATA_BROKERS):
        e.i32('node_id', b[0])
        e.string('host', b[1])
        e.i32('port', b[2])
        if v >= 1:
            e.nstring('rack', b[3])
        e.tags()
    if v >= 2:
        e.nstring('cluster_id', 'kappa-cluster' if odd(v) else None)
    if v >= 1:
        e.i32('controller_id', 1)
    # The second topic has a null name in v12 (a topic asked for by id that does not exist).
    topics = [(0, 'orders', UUID_A, False, metadata_partitions(v), 3576),
              (0, '__consumer_offsets' if v < 12 else None, UUID_B, True, [], -2147483648)]
    for t in e.elems('topics', topics):
        e.i16('error_code', t[0])
        e.nstring('name', t[1])                      # nullable 12+
        if v >= 10:
            e.uuid('topic_id', t[2])
        if v >= 1:
            e.bool('is_internal', t[3])
        for p in e.elems('partitions', t[4]):
            e.i16('error_code', p[0])
            e.i32('partition_index', p[1])
            e.i32('leader_id', p[2])
            if v >= 7:
                e.i32('leader_epoch', p[3])
            e.int32s('replica_nodes', p[4])
            e.int32s('isr_nodes', p[5])
            if v >= 5:
                e.int32s('offline_replicas', p[6])
            e.tags()
        if v >= 8:
            e.i32('topic_authorized_operations', t[5])
        e.tags()
    if 8 <= v <= 10:
        e.i32('cluster_authorized_operations', 2040)
    e.tags()


# ------------------------------------------------------------ FindCoordinator (key 10)

def kp_find_coordinator_request(v):
    if v == 0:
        return kp('commit', 'GroupCoordinatorRequest_v0')(consumer_group=GROUP)
    if v == 1:
        return kp('commit', 'GroupCoordinatorRequest_v1')(coordinator_key=GROUP, coordinator_type=1)
    return None


@message('metadata', (0, 6), 3, kp_find_coordinator_request)
def find_coordinator_request(e, v):
    if v <= 3:
        e.string('key', GROUP)
    if v >= 1:
        e.i8('key_type', 1)
    if v >= 4:
        e.strings('coordinator_keys', [GROUP, 'group-2'])
    e.tags()


def kp_find_coordinator_response(v):
    if v == 0:
        return kp('commit', 'GroupCoordinatorResponse_v0')(
            error_code=15, coordinator_id=2, host='broker-2.kappa.local', port=9092)
    if v == 1:
        return kp('commit', 'GroupCoordinatorResponse_v1')(
            error_code=15, error_message='not available', coordinator_id=2, host='broker-2.kappa.local', port=9092)
    return None


@message('metadata', (0, 6), 3, kp_find_coordinator_response)
def find_coordinator_response(e, v):
    if v >= 1:
        e.i32('throttle_time_ms', 60)
    if v <= 3:
        e.i16('error_code', 15)
        if v >= 1:
            e.nstring('error_message', 'not available' if odd(v) else None)
        e.i32('node_id', 2)
        e.string('host', 'broker-2.kappa.local')
        e.i32('port', 9092)
    else:
        coordinators = [(GROUP, 2, 'broker-2', 9092, 0, None),
                        ('group-2', -1, '', -1, 15, 'coordinator not available')]
        for c in e.elems('coordinators', coordinators):
            e.string('key', c[0])
            e.i32('node_id', c[1])
            e.string('host', c[2])
            e.i32('port', c[3])
            e.i16('error_code', c[4])
            e.nstring('error_message', c[5])
            e.tags()
    e.tags()


# ------------------------------------------------------------ ApiVersions (key 18)

def kp_api_versions_request(v):
    return kp('admin', f'ApiVersionRequest_v{v}')() if v <= 2 else None


@message('metadata', (0, 4), 3, kp_api_versions_request)
def api_versions_request(e, v):
    if v >= 3:
        e.string('client_software_name', 'kappa-test')
        e.string('client_software_version', '1.0.0')
    e.tags()


def kp_api_versions_response(v):
    if v > 2:
        return None
    fields = dict(error_code=0, api_versions=[(0, 0, 11), (18, 0, 4)])
    if v >= 1:
        fields.update(throttle_time_ms=130)
    return kp('admin', f'ApiVersionResponse_v{v}')(**fields)


@message('metadata', (0, 4), 3, kp_api_versions_response)
def api_versions_response(e, v):
    e.i16('error_code', 0)
    for k in e.elems('api_keys', [(0, 0, 11), (18, 0, 4)]):
        e.i16('api_key', k[0])
        e.i16('min_version', k[1])
        e.i16('max_version', k[2])
        e.tags()
    if v >= 1:
        e.i32('throttle_time_ms', 130)

    def supported(s):
        for f in s.elems('supported_features', [('metadata.version', 1, 21), ('kraft.version', 0, 1)]):
            s.string('name', f[0])
            s.i16('min_version', f[1])
            s.i16('max_version', f[2])
            s.tags()

    def finalized(s):
        for f in s.elems('finalized_features', [('metadata.version', 21, 21), ('kraft.version', 0, 0)]):
            s.string('name', f[0])
            s.i16('max_version_level', f[1])
            s.i16('min_version_level', f[2])
            s.tags()
    e.tags((0, 'supported_features', supported),
           (1, 'finalized_features_epoch', lambda s: s.i64('finalized_features_epoch', 42)),
           (2, 'finalized_features', finalized),
           (3, 'zk_migration_ready', lambda s: s.bool('zk_migration_ready', True)))


# ------------------------------------------------------------ DescribeCluster (key 60)

@message('metadata', (0, 1), 0)
def describe_cluster_request(e, v):
    e.bool('include_cluster_authorized_operations', True)
    if v >= 1:
        e.i8('endpoint_type', 2)
    e.tags()


@message('metadata', (0, 1), 0)
def describe_cluster_response(e, v):
    e.i32('throttle_time_ms', 250)
    e.i16('error_code', 0)
    e.nstring('error_message', 'dëscribed' if odd(v) else None)
    if v >= 1:
        e.i8('endpoint_type', 2)
    e.string('cluster_id', 'Mk3OEYBSD34fcwNTJENDM2Qk')
    e.i32('controller_id', 1)
    for b in e.elems('brokers', [(1, 'broker-1', 9092, 'rack-a'), (2, 'broker-2', 9093, None)]):
        e.i32('broker_id', b[0])
        e.string('host', b[1])
        e.i32('port', b[2])
        e.nstring('rack', b[3])
        e.tags()
    e.i32('cluster_authorized_operations', 2040)
    e.tags()



# ------------------------------------------------------------ JoinGroup (key 11)

JOIN_PROTOCOLS = [('range', b'\x00\x01\x02'), ('cooperative-sticky', b'')]


def kp_join_group_request(v):
    if v > 2:
        return None
    fields = dict(group=GROUP, session_timeout=45000, member_id='', protocol_type='consumer',
                  group_protocols=JOIN_PROTOCOLS)
    if v >= 1:
        fields.update(rebalance_timeout=300000)
    return kp('group', f'JoinGroupRequest_v{v}')(**fields)


@message('groups', (0, 9), 6, kp_join_group_request)
def join_group_request(e, v):
    e.string('group_id', GROUP)
    e.i32('session_timeout_ms', 45000)
    if v >= 1:
        e.i32('rebalance_timeout_ms', 300000)
    e.string('member_id', '')                        # empty: a member joining for the first time
    if v >= 5:
        e.nstring('group_instance_id', 'instance-1' if odd(v) else None)
    e.string('protocol_type', 'consumer')
    for p in e.elems('protocols', JOIN_PROTOCOLS):
        e.string('name', p[0])
        e.bytes('metadata', p[1])
        e.tags()
    if v >= 8:
        e.nstring('reason', 'rebalance ü' if odd(v) else None)
    e.tags()


JOIN_MEMBERS = [('member-1', 'instance-1', b'\x00\x01\x02'), ('member-2-ü', None, b'')]


def kp_join_group_response(v):
    if v > 2:
        return None
    fields = dict(error_code=0, generation_id=3, group_protocol='range', leader_id='member-1',
                  member_id='member-1', members=[(m[0], m[2]) for m in JOIN_MEMBERS])
    if v >= 2:
        fields.update(throttle_time_ms=70)
    return kp('group', f'JoinGroupResponse_v{v}')(**fields)


@message('groups', (0, 9), 6, kp_join_group_response)
def join_group_response(e, v):
    if v >= 2:
        e.i32('throttle_time_ms', 70)
    e.i16('error_code', 0)
    e.i32('generation_id', 3)
    # ProtocolType (7+) and ProtocolName (nullable from 7) are null in even versions from 7.
    null_protocol = v >= 7 and not odd(v)
    if v >= 7:
        e.nstring('protocol_type', None if null_protocol else 'consumer')
    e.nstring('protocol_name', None if null_protocol else 'range')
    e.string('leader', 'member-1')
    if v >= 9:
        e.bool('skip_assignment', True)
    e.string('member_id', 'member-1')
    for m in e.elems('members', JOIN_MEMBERS):
        e.string('member_id', m[0])
        if v >= 5:
            e.nstring('group_instance_id', m[1])
        e.bytes('metadata', m[2])
        e.tags()
    e.tags()


# ------------------------------------------------------------ Heartbeat (key 12)

def kp_heartbeat_request(v):
    if v > 1:
        return None
    return kp('group', f'HeartbeatRequest_v{v}')(group=GROUP, generation_id=3, member_id='member-1')


@message('groups', (0, 4), 4, kp_heartbeat_request)
def heartbeat_request(e, v):
    e.string('group_id', GROUP)
    e.i32('generation_id', 3)
    e.string('member_id', 'member-1')
    if v >= 3:
        e.nstring('group_instance_id', 'instance-1' if odd(v) else None)
    e.tags()


def kp_heartbeat_response(v):
    if v == 0:
        return kp('group', 'HeartbeatResponse_v0')(error_code=27)
    if v == 1:
        return kp('group', 'HeartbeatResponse_v1')(throttle_time_ms=80, error_code=27)
    return None


@message('groups', (0, 4), 4, kp_heartbeat_response)
def heartbeat_response(e, v):
    if v >= 1:
        e.i32('throttle_time_ms', 80)
    e.i16('error_code', 27)
    e.tags()


# ------------------------------------------------------------ LeaveGroup (key 13)

def kp_leave_group_request(v):
    if v > 1:
        return None
    return kp('group', f'LeaveGroupRequest_v{v}')(group=GROUP, member_id='member-1')


@message('groups', (0, 5), 4, kp_leave_group_request)
def leave_group_request(e, v):
    e.string('group_id', GROUP)
    if v <= 2:
        e.string('member_id', 'member-1')
    else:
        for m in e.elems('members', [('member-1', 'instance-1', 'shutting down ü'), ('member-2', None, None)]):
            e.string('member_id', m[0])
            e.nstring('group_instance_id', m[1])
            if v >= 5:
                e.nstring('reason', m[2])
            e.tags()
    e.tags()


def kp_leave_group_response(v):
    if v == 0:
        return kp('group', 'LeaveGroupResponse_v0')(error_code=0)
    if v == 1:
        return kp('group', 'LeaveGroupResponse_v1')(throttle_time_ms=90, error_code=0)
    return None


@message('groups', (0, 5), 4, kp_leave_group_response)
def leave_group_response(e, v):
    if v >= 1:
        e.i32('throttle_time_ms', 90)
    e.i16('error_code', 0)
    if v >= 3:
        for m in e.elems('members', [('member-1', 'instance-1', 0), ('member-2', None, 25)]):
            e.string('member_id', m[0])
            e.nstring('group_instance_id', m[1])
            e.i16('error_code', m[2])
            e.tags()
    e.tags()


# ------------------------------------------------------------ SyncGroup (key 14)

SYNC_ASSIGNMENTS = [('member-1', b'\x00\x01\xaa'), ('member-2', b'')]


def kp_sync_group_request(v):
    if v > 1:
        return None
    return kp('group', f'SyncGroupRequest_v{v}')(group=GROUP, generation_id=3, member_id='member-1',
                                                  group_assignment=SYNC_ASSIGNMENTS)


@message('groups', (0, 5), 4, kp_sync_group_request)
def sync_group_request(e, v):
    e.string('group_id', GROUP)
    e.i32('generation_id', 3)
    e.string('member_id', 'member-1')
    if v >= 3:
        e.nstring('group_instance_id', 'instance-1' if odd(v) else None)
    if v >= 5:
        e.nstring('protocol_type', 'consumer')
        e.nstring('protocol_name', None)
    for a in e.elems('assignments', SYNC_ASSIGNMENTS):
        e.string('member_id', a[0])
        e.bytes('assignment', a[1])
        e.tags()
    e.tags()


def kp_sync_group_response(v):
    if v == 0:
        return kp('group', 'SyncGroupResponse_v0')(error_code=0, member_assignment=b'\x00\x01\xff')
    if v == 1:
        return kp('group', 'SyncGroupResponse_v1')(throttle_time_ms=100, error_code=0,
                                                   member_assignment=b'\x00\x01\xff')
    return None


@message('groups', (0, 5), 4, kp_sync_group_response)
def sync_group_response(e, v):
    if v >= 1:
        e.i32('throttle_time_ms', 100)
    e.i16('error_code', 0)
    if v >= 5:
        e.nstring('protocol_type', 'consumer')
        e.nstring('protocol_name', 'range')
    e.bytes('assignment', b'\x00\x01\xff')
    e.tags()


# ------------------------------------------------------------ DescribeGroups (key 15)

def kp_describe_groups_request(v):
    if v > 3:
        return None
    fields = dict(groups=[GROUP, 'group-2'])
    if v >= 3:
        fields.update(include_authorized_operations=True)
    return kp('admin', f'DescribeGroupsRequest_v{v}')(**fields)


@message('groups', (0, 5), 5, kp_describe_groups_request)
def describe_groups_request(e, v):
    e.strings('groups', [GROUP, 'group-2'])
    if v >= 3:
        e.bool('include_authorized_operations', True)
    e.tags()


DESCRIBED_MEMBERS = [('member-1', 'instance-1', 'client-ü', '/10.0.0.1', b'\x00\x01', b'\x00\x02'),
                     ('member-2', None, '', '/10.0.0.2', b'', b'')]
DESCRIBED_GROUPS = [(0, GROUP, 'Stable', 'consumer', 'range', DESCRIBED_MEMBERS, 2040),
                    (69, 'group-2', 'Dead', '', '', [], -2147483648)]


def kp_describe_groups_response(v):
    if v > 3:
        return None
    groups = [g[:5] + ([(m[0], m[2], m[3], m[4], m[5]) for m in g[5]],) for g in DESCRIBED_GROUPS]
    fields = dict(groups=groups)
    if v >= 1:
        fields.update(throttle_time_ms=110)
    return kp('admin', f'DescribeGroupsResponse_v{v}')(**fields)


@message('groups', (0, 5), 5, kp_describe_groups_response)
def describe_groups_response(e, v):
    if v >= 1:
        e.i32('throttle_time_ms', 110)
    for g in e.elems('groups', DESCRIBED_GROUPS):
        e.i16('error_code', g[0])
        e.string('group_id', g[1])
        e.string('group_state', g[2])
        e.string('protocol_type', g[3])
        e.string('protocol_data', g[4])
        for m in e.elems('members', g[5]):
            e.string('member_id', m[0])
            if v >= 4:
                e.nstring('group_instance_id', m[1])
            e.string('client_id', m[2])
            e.string('client_host', m[3])
            e.bytes('member_metadata', m[4])
            e.bytes('member_assignment', m[5])
            e.tags()
        if v >= 3:
            e.i32('authorized_operations', g[6])
        e.tags()
    e.tags()


# ------------------------------------------------------------ ListGroups (key 16)

def kp_list_groups_request(v):
    return kp('admin', f'ListGroupsRequest_v{v}')() if v <= 2 else None


@message('groups', (0, 5), 3, kp_list_groups_request)
def list_groups_request(e, v):
    if v >= 4:
        e.strings('states_filter', ['Stable', 'Empty'])
    if v >= 5:
        e.strings('types_filter', ['consumer', 'classic'])
    e.tags()


LISTED_GROUPS = [(GROUP, 'consumer', 'Stable', 'classic'), ('group-2', '', 'Empty', 'consumer')]


def kp_list_groups_response(v):
    if v > 2:
        return None
    fields = dict(error_code=0, groups=[g[:2] for g in LISTED_GROUPS])
    if v >= 1:
        fields.update(throttle_time_ms=120)
    return kp('admin', f'ListGroupsResponse_v{v}')(**fields)


@message('groups', (0, 5), 3, kp_list_groups_response)
def list_groups_response(e, v):
    if v >= 1:
        e.i32('throttle_time_ms', 120)
    e.i16('error_code', 0)
    for g in e.elems('groups', LISTED_GROUPS):
        e.string('group_id', g[0])
        e.string('protocol_type', g[1])
        if v >= 4:
            e.string('group_state', g[2])
        if v >= 5:
            e.string('group_type', g[3])
        e.tags()
    e.tags()


# ------------------------------------------------------------ DeleteGroups (key 42)

def kp_delete_groups_request(v):
    if v > 1:
        return None
    return kp('admin', f'DeleteGroupsRequest_v{v}')(groups_names=[GROUP, 'group-2'])


@message('groups', (0, 2), 2, kp_delete_groups_request)
def delete_groups_request(e, v):
    e.strings('groups_names', [GROUP, 'group-2'])
    e.tags()


def kp_delete_groups_response(v):
    if v > 1:
        return None
    return kp('admin', f'DeleteGroupsResponse_v{v}')(throttle_time_ms=230, results=[(GROUP, 0), ('group-2', 68)])


@message('groups', (0, 2), 2, kp_delete_groups_response)
def delete_groups_response(e, v):
    e.i32('throttle_time_ms', 230)
    for r in e.elems('results', [(GROUP, 0), ('group-2', 68)]):
        e.string('group_id', r[0])
        e.i16('error_code', r[1])
        e.tags()
    e.tags()


# ------------------------------------------------------------ ConsumerGroupHeartbeat (key 68)

def topic_partitions(e, name, items, nullable=False):
    """[]TopicPartitions of ConsumerGroupHeartbeat: (topic id, partitions)."""
    for t in e.elems(name, items, nullable):
        e.uuid('topic_id', t[0])
        e.int32s('partitions', t[1])
        e.tags()


@message('groups', (0, 1), 0)
def consumer_group_heartbeat_request(e, v):
    # Odd versions set InstanceId and SubscribedTopicRegex; even ones set the
    # other nullable fields, so each version has nulls and values.
    e.string('group_id', GROUP)
    e.string('member_id', 'member-1')
    e.i32('member_epoch', 5)
    e.nstring('instance_id', 'instance-1' if odd(v) else None)
    e.nstring('rack_id', None if odd(v) else 'rack-a')
    e.i32('rebalance_timeout_ms', 300000)
    e.strings('subscribed_topic_names', None if odd(v) else ['orders', 'clicks'], nullable=True)
    if v >= 1:
        e.nstring('subscribed_topic_regex', 'ord.*' if odd(v) else None)
    e.nstring('server_assignor', None if odd(v) else 'uniform')
    topic_partitions(e, 'topic_partitions', None if odd(v) else [(UUID_A, [0, 1]), (UUID_B, [])], nullable=True)
    e.tags()


@message('groups', (0, 1), 0)
def consumer_group_heartbeat_response(e, v):
    e.i32('throttle_time_ms', 260)
    e.i16('error_code', 0)
    e.nstring('error_message', 'fenced ü' if odd(v) else None)
    e.nstring('member_id', None if odd(v) else 'member-1')
    e.i32('member_epoch', 6)
    e.i32('heartbeat_interval_ms', 5000)
    if e.present('assignment', None if odd(v) else 'present'):
        e.depth += 1
        topic_partitions(e, 'topic_partitions', [(UUID_A, [0, 1]), (UUID_B, [])])
        e.tags()
        e.depth -= 1
    e.tags()


# ------------------------------------------------------------ ConsumerGroupDescribe (key 69)

@message('groups', (0, 0), 0)
def consumer_group_describe_request(e, v):
    e.strings('group_ids', [GROUP, 'group-2'])
    e.bool('include_authorized_operations', True)
    e.tags()


@message('groups', (0, 0), 0)
def consumer_group_describe_response(e, v):
    def assignment(name, topics):
        e.note(f'{name} (a struct)')
        e.depth += 1
        for t in e.elems('topic_partitions', topics):
            e.uuid('topic_id', t[0])
            e.string('topic_name', t[1])
            e.int32s('partitions', t[2])
            e.tags()
        e.tags()
        e.depth -= 1

    e.i32('throttle_time_ms', 270)
    members = [('member-1', 'instance-1', 'rack-a', 7, 'client-ü', '/10.0.0.1', ['orders', 'clicks'], 'ord.*',
                [(UUID_A, 'orders', [0, 1]), (UUID_B, 'clicks', [])], [(UUID_A, 'orders', [0])]),
               ('member-2', None, None, 6, '', '/10.0.0.2', [], None, [], [])]
    groups = [(0, None, GROUP, 'Stable', 7, 7, 'uniform', members, 2040),
              (69, 'group not found', 'group-2', 'Dead', 0, 0, '', [], -2147483648)]
    for g in e.elems('groups', groups):
        e.i16('error_code', g[0])
        e.nstring('error_message', g[1])
        e.string('group_id', g[2])
        e.string('group_state', g[3])
        e.i32('group_epoch', g[4])
        e.i32('assignment_epoch', g[5])
        e.string('assignor_name', g[6])
        for m in e.elems('members', g[7]):
            e.string('member_id', m[0])
            e.nstring('instance_id', m[1])
            e.nstring('rack_id', m[2])
            e.i32('member_epoch', m[3])
            e.string('client_id', m[4])
            e.string('client_host', m[5])
            e.strings('subscribed_topic_names', m[6])
            e.nstring('subscribed_topic_regex', m[7])
            assignment('assignment', m[8])
            assignment('target_assignment', m[9])
            e.tags()
        e.i32('authorized_operations', g[8])
        e.tags()
    e.tags()



# ------------------------------------------------------------ CreateTopics (key 19)

CREATE_TOPICS = [('orders', -1, -1, [(0, [1, 2]), (1, [2, 3])], [('cleanup.policy', 'compact'), ('retention.ms', None)]),
                 ('clicks', 3, 2, [], [])]


def kp_create_topics_request(v):
    if v > 3:
        return None
    return kp('admin', f'CreateTopicsRequest_v{v}')(create_topic_requests=CREATE_TOPICS, timeout=30000,
                                                     validate_only=True)


@message('admin', (2, 7), 5, kp_create_topics_request)
def create_topics_request(e, v):
    for t in e.elems('topics', CREATE_TOPICS):
        e.string('name', t[0])
        e.i32('num_partitions', t[1])
        e.i16('replication_factor', t[2])
        for a in e.elems('assignments', t[3]):
            e.i32('partition_index', a[0])
            e.int32s('broker_ids', a[1])
            e.tags()
        for c in e.elems('configs', t[4]):
            e.string('name', c[0])
            e.nstring('value', c[1])
            e.tags()
        e.tags()
    e.i32('timeout_ms', 30000)
    e.bool('validate_only', True)                    # 1+
    e.tags()


def kp_create_topics_response(v):
    if v > 3:
        return None
    return kp('admin', f'CreateTopicsResponse_v{v}')(
        throttle_time_ms=140, topic_errors=[('orders', 0, None), ('bad topic', 17, 'invalid chars ü')])


@message('admin', (2, 7), 5, kp_create_topics_response)
def create_topics_response(e, v):
    e.i32('throttle_time_ms', 140)                   # 2+
    configs = [('cleanup.policy', 'compact', False, 1, False), ('sasl.secret', None, True, 5, True)]
    topics = [('orders', UUID_A, 0, None, 29, 2, 3, configs),
              ('bad topic', bytes(16), 17, 'invalid chars ü', 0, -1, -1, None)]
    for t in e.elems('topics', topics):
        e.string('name', t[0])
        if v >= 7:
            e.uuid('topic_id', t[1])
        e.i16('error_code', t[2])
        e.nstring('error_message', t[3])             # 1+
        if v >= 5:
            e.i32('num_partitions', t[5])
            e.i16('replication_factor', t[6])
            for c in e.elems('configs', t[7], nullable=True):
                e.string('name', c[0])
                e.nstring('value', c[1])
                e.bool('read_only', c[2])
                e.i8('config_source', c[3])
                e.bool('is_sensitive', c[4])
                e.tags()
        e.tags(*([(0, 'topic_config_error_code', lambda s, x=t[4]: s.i16('topic_config_error_code', x))]
                 if t[4] != 0 else []))
    e.tags()


# ------------------------------------------------------------ DeleteTopics (key 20)

def kp_delete_topics_request(v):
    if v > 3:
        return None
    return kp('admin', f'DeleteTopicsRequest_v{v}')(topics=['orders', 'clicks'], timeout=30000)


@message('admin', (1, 6), 4, kp_delete_topics_request)
def delete_topics_request(e, v):
    if v >= 6:
        for t in e.elems('topics', [('orders', UUID_A), (None, UUID_B)]):
            e.nstring('name', t[0])
            e.uuid('topic_id', t[1])
            e.tags()
    else:
        e.strings('topic_names', ['orders', 'clicks'])
    e.i32('timeout_ms', 30000)
    e.tags()


def kp_delete_topics_response(v):
    if v > 3:
        return None
    return kp('admin', f'DeleteTopicsResponse_v{v}')(throttle_time_ms=150,
                                                      topic_error_codes=[('orders', 0), ('clicks', 3)])


@message('admin', (1, 6), 4, kp_delete_topics_response)
def delete_topics_response(e, v):
    e.i32('throttle_time_ms', 150)                   # 1+
    # The second topic was asked for by id; its name is null from v6.
    results = [('orders', UUID_A, 0, None), ('clicks' if v < 6 else None, UUID_B, 3, 'unknown topic')]
    for r in e.elems('responses', results):
        e.nstring('name', r[0])                      # nullable 6+
        if v >= 6:
            e.uuid('topic_id', r[1])
        e.i16('error_code', r[2])
        if v >= 5:
            e.nstring('error_message', r[3])
        e.tags()
    e.tags()


# ------------------------------------------------------------ DescribeConfigs (key 32)

def kp_describe_configs_request(v):
    if v > 2:
        return None
    return kp('admin', f'DescribeConfigsRequest_v{v}')(
        resources=[(2, 'orders', ['cleanup.policy', 'retention.ms']), (4, '1', None)], include_synonyms=True)


@message('admin', (1, 4), 4, kp_describe_configs_request)
def describe_configs_request(e, v):
    for r in e.elems('resources', [(2, 'orders', ['cleanup.policy', 'retention.ms']), (4, '1', None)]):
        e.i8('resource_type', r[0])
        e.string('resource_name', r[1])
        e.strings('configuration_keys', r[2], nullable=True)
        e.tags()
    e.bool('include_synonyms', True)                 # 1+
    if v >= 3:
        e.bool('include_documentation', True)
    e.tags()


DESCRIBED_CONFIGS = [
    ('cleanup.policy', 'compact', False, 1, False,
     [('cleanup.policy', 'compact', 1), ('log.cleanup.policy', 'delete', 5)], 2, 'How to clean ü'),
    ('sasl.password', None, True, 4, True, [], 7, None)]


def kp_describe_configs_response(v):
    if v > 2:
        return None
    configs = [(c[0], c[1], c[2], c[3], c[4], c[5]) for c in DESCRIBED_CONFIGS]
    return kp('admin', f'DescribeConfigsResponse_v{v}')(
        throttle_time_ms=190,
        resources=[(0, None, 2, 'orders', configs), (31, 'not authorized', 4, '1', [])])


@message('admin', (1, 4), 4, kp_describe_configs_response)
def describe_configs_response(e, v):
    e.i32('throttle_time_ms', 190)
    results = [(0, None, 2, 'orders', DESCRIBED_CONFIGS), (31, 'not authorized', 4, '1', [])]
    for r in e.elems('results', results):
        e.i16('error_code', r[0])
        e.nstring('error_message', r[1])
        e.i8('resource_type', r[2])
        e.string('resource_name', r[3])
        for c in e.elems('configs', r[4]):
            e.string('name', c[0])
            e.nstring('value', c[1])
            e.bool('read_only', c[2])
            e.i8('config_source', c[3])              # 1+ (v0 had IsDefault here)
            e.bool('is_sensitive', c[4])
            for syn in e.elems('synonyms', c[5]):    # 1+
                e.string('name', syn[0])
                e.nstring('value', syn[1])
                e.i8('source', syn[2])
                e.tags()
            if v >= 3:
                e.i8('config_type', c[6])
                e.nstring('documentation', c[7])
            e.tags()
        e.tags()
    e.tags()


# ------------------------------------------------------------ AlterConfigs (key 33)

ALTER_RESOURCES = [(2, 'orders', [('retention.ms', '86400000'), ('cleanup.policy', None)]), (4, '1', [])]
ALTER_RESULTS = [(0, None, 2, 'orders'), (40, 'bad välue', 4, '1')]


def kp_alter_configs_request(v):
    if v > 1:
        return None
    return kp('admin', f'AlterConfigsRequest_v{v}')(resources=ALTER_RESOURCES, validate_only=True)


@message('admin', (0, 2), 2, kp_alter_configs_request)
def alter_configs_request(e, v):
    for r in e.elems('resources', ALTER_RESOURCES):
        e.i8('resource_type', r[0])
        e.string('resource_name', r[1])
        for c in e.elems('configs', r[2]):
            e.string('name', c[0])
            e.nstring('value', c[1])
            e.tags()
        e.tags()
    e.bool('validate_only', True)
    e.tags()


def kp_alter_configs_response(v):
    if v > 1:
        return None
    return kp('admin', f'AlterConfigsResponse_v{v}')(throttle_time_ms=200, resources=ALTER_RESULTS)


def alter_results(e, throttle):
    e.i32('throttle_time_ms', throttle)
    for r in e.elems('responses', ALTER_RESULTS):
        e.i16('error_code', r[0])
        e.nstring('error_message', r[1])
        e.i8('resource_type', r[2])
        e.string('resource_name', r[3])
        e.tags()
    e.tags()


@message('admin', (0, 2), 2, kp_alter_configs_response)
def alter_configs_response(e, v):
    alter_results(e, 200)


# ------------------------------------------------------------ IncrementalAlterConfigs (key 44)

@message('admin', (0, 1), 1)
def incremental_alter_configs_request(e, v):
    resources = [(2, 'orders', [('retention.ms', 0, '86400000'), ('cleanup.policy', 1, None)]), (4, '1', [])]
    for r in e.elems('resources', resources):
        e.i8('resource_type', r[0])
        e.string('resource_name', r[1])
        for c in e.elems('configs', r[2]):
            e.string('name', c[0])
            e.i8('config_operation', c[1])
            e.nstring('value', c[2])
            e.tags()
        e.tags()
    e.bool('validate_only', True)
    e.tags()


@message('admin', (0, 1), 1)
def incremental_alter_configs_response(e, v):
    alter_results(e, 210)


# ------------------------------------------------------------ DescribeLogDirs (key 35)

@message('admin', (0, 4), 2)
def describe_log_dirs_request(e, v):
    for t in e.elems('topics', [('orders', [0, 1]), ('clicks', [])], nullable=True):
        e.string('topic', t[0])
        e.int32s('partitions', t[1])
        e.tags()
    e.tags()


@message('admin', (0, 4), 2)
def describe_log_dirs_response(e, v):
    e.i32('throttle_time_ms', 170)
    if v >= 3:
        e.i16('error_code', 0)
    results = [(0, '/var/lib/kappa', [('orders', [(0, 4096, 0, False), (1, 0, 3, True)])]), (56, '/bad', [])]
    for r in e.elems('results', results):
        e.i16('error_code', r[0])
        e.string('log_dir', r[1])
        for t in e.elems('topics', r[2]):
            e.string('name', t[0])
            for p in e.elems('partitions', t[1]):
                e.i32('partition_index', p[0])
                e.i64('partition_size', p[1])
                e.i64('offset_lag', p[2])
                e.bool('is_future_key', p[3])
                e.tags()
            e.tags()
        if v >= 4:
            e.i64('total_bytes', 1 << 40)
            e.i64('usable_bytes', 1 << 39)
        e.tags()
    e.tags()


# ------------------------------------------------------------ CreatePartitions (key 37)

def kp_create_partitions_request(v):
    if v > 1:
        return None
    return kp('admin', f'CreatePartitionsRequest_v{v}')(
        topic_partitions=[('orders', (6, [[1, 2], [3, 1]])), ('clicks', (4, None))], timeout=30000,
        validate_only=True)


@message('admin', (0, 3), 2, kp_create_partitions_request)
def create_partitions_request(e, v):
    for t in e.elems('topics', [('orders', 6, [[1, 2], [3, 1]]), ('clicks', 4, None)]):
        e.string('name', t[0])
        e.i32('count', t[1])
        for a in e.elems('assignments', t[2], nullable=True):
            e.int32s('broker_ids', a)
            e.tags()
        e.tags()
    e.i32('timeout_ms', 30000)
    e.bool('validate_only', True)
    e.tags()


def kp_create_partitions_response(v):
    if v > 1:
        return None
    return kp('admin', f'CreatePartitionsResponse_v{v}')(
        throttle_time_ms=220, topic_errors=[('orders', 0, None), ('clicks', 37, 'cannot shrink ü')])


@message('admin', (0, 3), 2, kp_create_partitions_response)
def create_partitions_response(e, v):
    e.i32('throttle_time_ms', 220)
    for r in e.elems('results', [('orders', 0, None), ('clicks', 37, 'cannot shrink ü')]):
        e.string('name', r[0])
        e.i16('error_code', r[1])
        e.nstring('error_message', r[2])
        e.tags()
    e.tags()


# ------------------------------------------------------------ InitProducerId (key 22)

@message('misc', (0, 5), 2)
def init_producer_id_request(e, v):
    e.nstring('transactional_id', 'txn-ü' if odd(v) else None)
    e.i32('transaction_timeout_ms', 60000)
    if v >= 3:
        e.i64('producer_id', 4242)
        e.i16('producer_epoch', 3)
    e.tags()


@message('misc', (0, 5), 2)
def init_producer_id_response(e, v):
    e.i32('throttle_time_ms', 170)
    e.i16('error_code', 0)
    e.i64('producer_id', 4243)
    e.i16('producer_epoch', 4)
    e.tags()



# ------------------------------------------------------------ BrokerRegistration (key 62)

CLUSTER_ID = 'Mk3OEYBSD34fcwNTJENDM2Qk'


@message('controller', (0, 3), 0)
def broker_registration_request(e, v):
    e.i32('broker_id', 1)
    e.string('cluster_id', CLUSTER_ID)
    e.uuid('incarnation_id', UUID_C)
    # 65000 does not fit an int16: Port is a uint16.
    for lst in e.elems('listeners', [('PLAINTEXT', 'broker-1.kappa.local', 9092, 0), ('SSL', 'broker-1', 65000, 1)]):
        e.string('name', lst[0])
        e.string('host', lst[1])
        e.put([struct.pack('>H', lst[2])], f'port: {lst[2]} (uint16)')
        e.i16('security_protocol', lst[3])
        e.tags()
    for f in e.elems('features', [('metadata.version', 1, 21), ('kraft.version', 0, 1)]):
        e.string('name', f[0])
        e.i16('min_supported_version', f[1])
        e.i16('max_supported_version', f[2])
        e.tags()
    e.nstring('rack', 'rack-a' if odd(v) else None)
    if v >= 1:
        e.bool('is_migrating_zk_broker', True)
    if v >= 2:
        e.put([uvarint(3)] + [UUID_A, UUID_D], 'log_dirs: 2 uuids')
    if v >= 3:
        e.i64('previous_broker_epoch', 41)
    e.tags()


@message('controller', (0, 3), 0)
def broker_registration_response(e, v):
    e.i32('throttle_time_ms', 280)
    e.i16('error_code', 0)
    e.i64('broker_epoch', 42)
    e.tags()


# ------------------------------------------------------------ BrokerHeartbeat (key 63)

@message('controller', (0, 1), 0)
def broker_heartbeat_request(e, v):
    e.i32('broker_id', 1)
    e.i64('broker_epoch', 42)
    e.i64('current_metadata_offset', 1234)
    e.bool('want_fence', True)
    e.bool('want_shut_down', True)
    offline = [(0, 'offline_log_dirs',
                lambda s: s.put([uvarint(3), UUID_D, UUID_A], 'offline_log_dirs: 2 uuids'))]
    e.tags(*(offline if v >= 1 else []))


@message('controller', (0, 1), 0)
def broker_heartbeat_response(e, v):
    e.i32('throttle_time_ms', 290)
    e.i16('error_code', 0)
    e.bool('is_caught_up', True)
    e.bool('is_fenced', False)
    e.bool('should_shut_down', True)
    e.tags()


# ------------------------------------------------------------ Kappa-internal APIs
# No Kafka spec: the comments in src/protocol/schema/internal/*.kmsg define
# them, encoded with Kafka's flexible rules like every other API.

@message('controller', (0, 0), 0)
def kappa_raft_message_request(e, v):
    e.string('cluster_id', CLUSTER_ID)
    e.i32('from', 1)
    e.i32('to', 2)
    e.i64('term', 7)
    e.i8('type', 2)                                  # append request: only Append is present
    e.present('vote', None)
    e.present('vote_result', None)
    e.present('append', 'present')
    e.depth += 1
    e.i64('prev_log_index', 10)
    e.i64('prev_log_term', 6)
    e.i64('leader_commit', 9)
    for x in e.elems('entries', [(11, 7, 1, b'e11'), (12, 7, 0, b'')]):
        e.i64('index', x[0])
        e.i64('term', x[1])
        e.i8('entry_type', x[2])
        e.bytes('payload', x[3])
        e.tags()
    e.tags()
    e.depth -= 1
    e.present('append_result', None)
    e.present('snapshot', None)
    e.tags()


@message('controller', (0, 0), 0)
def kappa_raft_message_response(e, v):
    e.i16('error_code', 42)
    e.nstring('error_message', 'ünknown node')
    e.tags()


@message('controller', (0, 0), 0)
def kappa_forward_request(e, v):
    e.string('cluster_id', CLUSTER_ID)
    e.i32('broker_id', 4)
    e.i16('api_key', 19)
    e.i16('api_version', 7)
    e.nstring('client_id', 'admin-ü')
    e.bytes('request', b'\x01\x02\x03')
    e.tags()


@message('controller', (0, 0), 0)
def kappa_forward_response(e, v):
    e.i16('error_code', 0)
    e.nstring('error_message', None)
    e.bytes('response', b'\x04\x05')
    e.i64('metadata_offset', 1300)
    e.tags()


@message('controller', (0, 0), 0)
def kappa_fetch_metadata_request(e, v):
    e.string('cluster_id', CLUSTER_ID)
    e.i32('broker_id', 4)
    e.i64('fetch_offset', 1000)
    e.i32('max_wait_ms', 500)
    e.tags()


@message('controller', (0, 0), 0)
def kappa_fetch_metadata_response(e, v):
    e.i16('error_code', 0)
    e.nstring('error_message', None)
    e.i32('leader_id', 1)
    e.i64('high_watermark', 1200)
    e.i64('snapshot_index', 900)
    e.nbytes('snapshot', None)
    for x in e.elems('entries', [(1001, b'entry-1'), (1002, b'')]):
        e.i64('index', x[0])
        e.bytes('payload', x[1])
        e.tags()
    e.tags()



# ------------------------------------------------------------ request and response headers
# Versions here are header versions.  v0 only serves ControlledShutdown v0;
# v2 is used with flexible request versions, and its ClientId still has an
# int16 length (the field is never flexible).

def header_client_id(e, client_id):
    if client_id is None:
        e.put([struct.pack('>h', -1)], 'client_id: null (int16 length, even in v2)')
    else:
        b = client_id.encode('utf-8')
        e.put([struct.pack('>h', len(b)), b], f'client_id: {show(client_id)} (int16 length, even in v2)')


def request_header_fields(e, v, client_id):
    e.i16('request_api_key', 7 if v == 0 else 3)         # ControlledShutdown v0, else Metadata
    e.i16('request_api_version', {0: 0, 1: 5, 2: 12}[v])
    e.i32('correlation_id', 0x01020304)
    if v >= 1:
        header_client_id(e, client_id)
    e.tags()


def kp_request_header(v):
    if v != 1:
        return None
    return kp('api', 'RequestHeader')(kp('metadata', 'MetadataRequest_v5')(topics=None, allow_auto_topic_creation=True),
                                      correlation_id=0x01020304, client_id='kappa-ü')


@message('headers', (0, 2), 2, kp_request_header)
def request_header(e, v):
    request_header_fields(e, v, 'kappa-ü')


def kp_request_header_without_client_id(v):
    if v != 1:
        return None
    return kp('api', 'RequestHeader')(kp('metadata', 'MetadataRequest_v5')(topics=None, allow_auto_topic_creation=True),
                                      correlation_id=0x01020304, client_id=None)


@message('headers', (1, 2), 2, kp_request_header_without_client_id)
def request_header_without_client_id(e, v):
    request_header_fields(e, v, None)


@message('headers', (0, 1), 1)
def response_header(e, v):
    e.i32('correlation_id', 0x01020304)
    e.tags()


# ------------------------------------------------------------ main

HEADER = '''\
// Generated by tests/protocol/vectors/gen_kafka_python_vectors.py; do not edit.
// Reference encodings, field by field, of every version of the {family} messages.
//
// Non-flexible versions: int16 string lengths, int32 bytes and array lengths,
// -1 for null.  Flexible versions: unsigned varint lengths holding N+1 (0 for
// null), and every struct ends with its tagged fields: a count, then for each
// field its tag, its size in bytes and its value.
// clang-format off
#pragma once

#include <vector>

#include "protocol/codec_test_util.h"

namespace kappa::protocol::testing {{
'''


def vectors_for(m):
    lo, hi = m['versions']
    flex_from = m['flexible']
    entries = []
    for v in range(lo, hi + 1):
        flex = flex_from is not None and v >= flex_from
        e = Enc(flex)
        m['encode'](e, v)
        source = 'spec encoder'
        obj = m['kafka_python'](v) if m['kafka_python'] else None
        if obj is not None:
            cls = type(obj).__name__
            if cls in KAFKA_PYTHON_DEFECTS:
                source += f' (kafka-python {cls} not used: {KAFKA_PYTHON_DEFECTS[cls]})'
            else:
                theirs = obj.encode()
                if theirs != e.data():
                    sys.exit(f'{m["name"]} v{v}: kafka-python {cls} disagrees with the spec encoder\n'
                             f'  kafka-python: {theirs.hex()}\n  spec encoder: {e.data().hex()}')
                source = f'kafka-python 2.0.2 {cls} (the spec encoder agrees)'
        entries.append((v, source, e))
    unknown = []
    if flex_from is not None:
        e = Enc(True, unknown_tags=True)
        m['encode'](e, hi)
        unknown.append((hi, f'spec encoder, an unknown tag {UNKNOWN_TAG} in every tagged-field section', e))
    return entries, unknown


def render(family):
    out = HEADER.format(family=family).splitlines()
    for m in MESSAGES:
        if m['family'] != family:
            continue
        entries, unknown = vectors_for(m)
        out.append('')
        out += cxx_table(f'k{m["name"]}Vectors', entries)
        out.append('')
        out += cxx_table(f'k{m["name"]}UnknownTagVectors', unknown)
    out += ['', '}  // namespace kappa::protocol::testing', '']
    return '\n'.join(out)


def main():
    check = '--check' in sys.argv[1:]
    stale = []
    for family in dict.fromkeys(m['family'] for m in MESSAGES):
        path = os.path.join(HERE, family + '.inc')
        text = render(family)
        old = open(path, encoding='utf-8').read() if os.path.exists(path) else None
        if old == text:
            continue
        stale.append(path)
        if not check:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
    for path in stale:
        print(('stale: ' if check else 'wrote ') + os.path.relpath(path), file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == '__main__':
    sys.exit(main())
