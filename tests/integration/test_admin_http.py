"""The HTTP admin listener (admin.listener): /metrics in the Prometheus text
format (checked by promtool) with request counts, byte counts and consumer
group lag; /health on a formed cluster, on a broker the controller fenced and
on a broker that never registered; /v1/cluster JSON; and garbage input."""
import http.client
import json
import re
import shutil
import socket
import subprocess
import time

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from kappa_harness import free_port, wait_for

FAST_SESSION = {"broker.session.timeout.ms": "2000", "broker.heartbeat.interval.ms": "250"}


def admin_overrides():
    return {"admin.listener": f"127.0.0.1:{free_port()}"}


def admin_port(node):
    return int(node.overrides["admin.listener"].rsplit(":", 1)[1])


def get(node, path, method="GET", body=None, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", admin_port(node), timeout=timeout)
    try:
        conn.request(method, path, body=body)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read().decode()
    finally:
        conn.close()


def parse_samples(text):
    """{(name, frozenset(labels)): value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
        assert m, f"bad sample line {line!r}"
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
        out[(m.group(1), labels)] = float(m.group(4))
    return out


def sample(samples, name, **labels):
    want = set(labels.items())
    found = [v for (n, l), v in samples.items() if n == name and want <= set(l)]
    return sum(found) if found else None


def promtool_check(text):
    assert shutil.which("promtool"), "promtool is installed by scripts/deps.sh (package prometheus)"
    r = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True, timeout=60)
    assert r.returncode == 0, f"promtool: {r.stdout.decode()} {r.stderr.decode()}"


def create(bootstrap, name, partitions, rf=1):
    admin = AdminClient({"bootstrap.servers": bootstrap})  # named: it must outlive the futures
    for f in admin.create_topics([NewTopic(name, partitions, rf)]).values():
        f.result()


def produce(bootstrap, topic, count, partition=0):
    p = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    for i in range(count):
        p.produce(topic, value=f"value-{i}".encode(), partition=partition)
    assert p.flush(30) == 0


@pytest.fixture
def abroker(broker_factory):
    return broker_factory(overrides=admin_overrides()).start()


def test_metrics_pass_promtool_and_count_requests_and_bytes(abroker):
    create(abroker.bootstrap, "m-topic", 1)
    produce(abroker.bootstrap, "m-topic", 25)
    kcat = subprocess.run(["kcat", "-b", abroker.bootstrap, "-P", "-t", "m-topic", "-p", "0"],
                          input=b"a\nb\nc\n", capture_output=True, timeout=60)
    assert kcat.returncode == 0, kcat.stderr
    status, headers, text = get(abroker, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    promtool_check(text)
    s = parse_samples(text)
    assert sample(s, "kappa_requests_total", api="Produce") >= 2  # confluent-kafka and kcat
    assert sample(s, "kappa_requests_total", api="Metadata") >= 1
    assert sample(s, "kappa_requests_total", api="ApiVersions") >= 1
    assert sample(s, "kappa_request_latency_seconds_count", api="Produce") >= 2
    assert sample(s, "kappa_request_latency_seconds_bucket", api="Produce", le="+Inf") >= 2
    assert sample(s, "kappa_topic_bytes_in_total", topic="m-topic") > 25 * len("value-0")
    assert sample(s, "kappa_log_end_offset", topic="m-topic", partition="0") == 28
    assert sample(s, "kappa_log_segments", topic="m-topic", partition="0") >= 1
    assert sample(s, "kappa_log_size_bytes", topic="m-topic", partition="0") > 0
    assert sample(s, "kappa_partitions_led") >= 1
    assert sample(s, "kappa_active_connections") is not None
    # Fetches count too, and the bytes they return.
    fetch_before = sample(s, "kappa_requests_total", api="Fetch") or 0
    c = Consumer({"bootstrap.servers": abroker.bootstrap, "group.id": "m-group", "auto.offset.reset": "earliest"})
    c.assign([TopicPartition("m-topic", 0, 0)])
    wait_for(lambda: c.poll(0.5) is not None, 30, what="a record")
    c.close()
    s = parse_samples(get(abroker, "/metrics")[2])
    assert sample(s, "kappa_requests_total", api="Fetch") > fetch_before
    assert sample(s, "kappa_topic_bytes_out_total", topic="m-topic") > 0


def test_request_errors_are_counted_by_api_version_and_error(abroker):
    # An unsupported version of a known API is refused: counted under version -1.
    with socket.create_connection(("127.0.0.1", abroker.port), timeout=5) as sock:
        body = b"\x00\x03" + b"\x7f\x00" + b"\x00\x00\x00\x07" + b"\x00\x01x"  # Metadata v32512
        sock.sendall(len(body).to_bytes(4, "big") + body)
        sock.settimeout(5)
        try:
            sock.recv(100)
        except OSError:
            pass
    s = parse_samples(get(abroker, "/metrics")[2])
    assert sample(s, "kappa_request_errors_total", api="Metadata", version="-1", error="UNSUPPORTED_VERSION") == 1
    promtool_check(get(abroker, "/metrics")[2])


def test_consumer_group_lag_is_high_watermark_minus_committed_offset(abroker):
    bs = abroker.bootstrap
    create(bs, "lag-topic", 2)
    produce(bs, "lag-topic", 10, partition=0)
    produce(bs, "lag-topic", 4, partition=1)
    c = Consumer({"bootstrap.servers": bs, "group.id": "lag-group", "enable.auto.commit": False})
    c.commit(offsets=[TopicPartition("lag-topic", 0, 3), TopicPartition("lag-topic", 1, 4)], asynchronous=False)
    c.close()

    def scraped():
        s = parse_samples(get(abroker, "/metrics")[2])
        return s if sample(s, "kappa_consumer_group_lag", group="lag-group", partition="0") is not None else None
    s = wait_for(scraped, 20, what="the lag metric")
    assert sample(s, "kappa_consumer_group_lag", group="lag-group", topic="lag-topic", partition="0") == 7
    assert sample(s, "kappa_consumer_group_lag", group="lag-group", topic="lag-topic", partition="1") == 0
    assert sample(s, "kappa_consumer_group_committed_offset", group="lag-group", topic="lag-topic",
                  partition="0") == 3
    assert sample(s, "kappa_consumer_groups") >= 1
    # More records: the lag follows the high watermark at scrape time.
    produce(bs, "lag-topic", 5, partition=0)
    s = parse_samples(get(abroker, "/metrics")[2])
    assert sample(s, "kappa_consumer_group_lag", group="lag-group", topic="lag-topic", partition="0") == 12
    promtool_check(get(abroker, "/metrics")[2])


def test_unknown_paths_methods_and_garbage_input(abroker):
    assert get(abroker, "/nope")[0] == 404
    assert get(abroker, "/")[0] == 404
    status, headers, _ = get(abroker, "/metrics", method="POST", body=b"x=1")
    assert status == 405 and headers["Allow"] == "GET"
    assert get(abroker, "/health", method="DELETE")[0] == 405
    assert get(abroker, "/health?verbose=1")[0] == 200
    port = admin_port(abroker)

    def raw(data, read=True):
        with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError:
                return b""
            if not read:
                return b""
            chunks = []
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except OSError:
                pass
            return b"".join(chunks)

    assert raw(b"\x00\xff\x13garbage\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert raw(b"GET /metrics HTTQ/1.1\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert raw(b"GET /health HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n").startswith(b"HTTP/1.1 431")
    assert raw(b"POST /health HTTP/1.1\r\nContent-Length: 1000000000\r\n\r\nabc").startswith(b"HTTP/1.1 413")
    assert raw(b"GET /health HTTP/1.1\r\nContent-Length: -5\r\n\r\n").startswith(b"HTTP/1.1 400")
    assert raw(b"GET /health HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").startswith(b"HTTP/1.1 400")
    raw(b"GET /hea", read=False)  # truncated, then closed
    raw(b"", read=False)
    # Keep-alive: two requests on one connection.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(2):
        conn.request("GET", "/health")
        r = conn.getresponse()
        assert r.status == 200 and r.read().startswith(b"ready")
    conn.close()
    # Many idle connections: new ones beyond the limit are closed, nothing breaks.
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(80)]
    time.sleep(0.2)
    for s in idle:
        s.close()
    assert abroker.alive()
    wait_for(lambda: get(abroker, "/health")[0] == 200, 10, what="/health after the junk")
    # The Kafka listener is unaffected.
    produce(abroker.bootstrap, "after-junk", 1)


def test_broker_that_never_registers_is_not_ready(broker_factory, tmp_path):
    unreachable = free_port()
    b = broker_factory(node_id=7, overrides={
        **admin_overrides(), "process.roles": "broker", "cluster.id": "kappa-admin-test-1",
        "controller.quorum.voters": f"1@127.0.0.1:{unreachable}"}).start(wait=False)

    def answered():
        try:
            return get(b, "/health", timeout=2)
        except OSError:
            assert b.alive(), b.log_text()
            return None
    status, _, body = wait_for(answered, 20, what="/health to answer")
    assert status == 503, body
    assert body.startswith("not ready")
    assert "not registered with the controller" in body and "not serving clients" in body
    s = parse_samples(get(b, "/metrics")[2])
    assert sample(s, "kappa_broker_fenced") == 1 and sample(s, "kappa_broker_serving") == 0
    # The startup banner logged the effective configuration.
    log = b.log_text()
    assert "effective configuration" in log
    assert re.search(r"  node\.id = 7 \(set\)", log)
    assert re.search(r"  num\.partitions = 1\b", log)
    assert "controller.quorum.voters = 1@127.0.0.1:" in log


def test_cluster_health_json_and_a_fenced_broker(cluster_factory):
    cluster = cluster_factory(overrides=FAST_SESSION)
    for node in cluster.nodes.values():
        node.overrides.update(admin_overrides())
    cluster.start()
    nodes = list(cluster.nodes.values())
    for n in nodes:
        wait_for(lambda: get(n, "/health")[0] == 200, 30, what=f"node {n.node_id} ready")
        assert get(n, "/health")[2].startswith("ready")
    create(cluster.bootstrap, "ha", 6, 3)
    status, headers, body = get(nodes[0], "/v1/cluster")
    assert status == 200 and headers["Content-Type"] == "application/json"
    view = json.loads(body)
    assert view["cluster_id"] == "kappa-local-cluster-01"
    assert view["controller_id"] in (1, 2, 3)
    assert view["node_id"] == 1
    brokers = {b["id"]: b for b in view["brokers"]}
    assert sorted(brokers) == [1, 2, 3]
    for n in nodes:
        b = brokers[n.node_id]
        assert not b["fenced"]
        assert {"listener": "PLAINTEXT", "host": "127.0.0.1", "port": n.port} in b["endpoints"]
        assert "rack" in b
    (topic,) = [t for t in view["topics"] if t["name"] == "ha"]
    assert len(topic["partitions"]) == 6
    for p in topic["partitions"]:
        assert sorted(p["replicas"]) == [1, 2, 3] and sorted(p["isr"]) == [1, 2, 3]
        assert p["leader"] in (1, 2, 3) and not p["offline"] and not p["under_replicated"]
    assert view["offline_partitions"] == 0 and view["under_replicated_partitions"] == 0
    promtool_check(get(nodes[0], "/metrics")[2])

    # A broker-only node (not a Raft voter, so pausing it leaves the quorum alone).
    extra = cluster.add_node(4, overrides={**FAST_SESSION, **admin_overrides()}).start()
    wait_for(lambda: get(extra, "/health")[0] == 200, 30, what="node 4 ready")
    controller = view["controller_id"]
    extra.pause()
    try:
        # The controller fences it once its session times out...
        def fenced_in_view():
            v = json.loads(get(cluster.nodes[controller], "/v1/cluster")[2])
            return any(b["id"] == 4 and b["fenced"] for b in v["brokers"])
        wait_for(fenced_in_view, 20, what="the controller to fence node 4")
        # ...and a /health request waiting while it is stopped is answered 503 when it resumes.
        conn = http.client.HTTPConnection("127.0.0.1", admin_port(extra), timeout=20)
        conn.request("GET", "/health")
    finally:
        extra.resume()
    r = conn.getresponse()
    body = r.read().decode()
    conn.close()
    assert r.status == 503, body
    assert "no heartbeat answered by the controller" in body or "fenced" in body, body
    # It catches up, is unfenced and reports ready again.
    wait_for(lambda: get(extra, "/health")[0] == 200, 30, what="node 4 ready again")
    assert extra.alive()


def test_isr_shrink_and_expand_are_counted_and_under_replication_is_a_warning(cluster_factory):
    cluster = cluster_factory(overrides={"replica.lag.time.max.ms": "1000"})
    for node in cluster.nodes.values():
        node.overrides.update(admin_overrides())
    cluster.start()
    nodes = list(cluster.nodes.values())
    create(cluster.bootstrap, "isr", 3, 3)
    view = json.loads(get(nodes[0], "/v1/cluster")[2])
    victim = next(n for n in nodes if n.node_id != view["controller_id"])
    others = [n for n in nodes if n is not victim]
    (topic,) = [t for t in view["topics"] if t["name"] == "isr"]
    writable = [p["partition"] for p in topic["partitions"] if p["leader"] != victim.node_id]

    def total(metric):
        return sum(sample(parse_samples(get(n, "/metrics")[2]), metric) or 0 for n in others)

    victim.pause()
    try:
        p = Producer({"bootstrap.servers": ",".join(n.bootstrap for n in others), "acks": "1"})
        for i in range(20):
            p.produce("isr", value=b"x", partition=writable[i % len(writable)])
        assert p.flush(30) == 0
        wait_for(lambda: total("kappa_isr_shrinks_total") >= 1, 20, what="an ISR shrink")
        wait_for(lambda: total("kappa_under_replicated_partitions") >= 1, 10, what="under-replicated partitions")
        status, _, body = get(next(n for n in others if n.node_id == topic["partitions"][writable[0]]["leader"]),
                              "/health")
        assert status == 200 and "under-replicated partitions led here" in body, body
    finally:
        victim.resume()
    wait_for(lambda: total("kappa_isr_expands_total") >= 1, 30, what="an ISR expansion")
    wait_for(lambda: total("kappa_under_replicated_partitions") == 0, 30, what="a full ISR again")
