"""A 3-node cluster from config/cluster/: the Raft controller quorum, broker
membership, placement, failover, restarts, and refusal of forged input."""
import collections
import time

import pytest
from confluent_kafka.admin import AdminClient, NewTopic

from kafka_wire import broker_heartbeat, connect, raft_vote_request, read_error_only_response, \
    read_heartbeat_response
from kappa_harness import wait_for


def admin(bootstrap):
    return AdminClient({"bootstrap.servers": bootstrap})


def metadata(node, topic=None):
    return admin(node.bootstrap).list_topics(topic=topic, timeout=10)


def create(bootstrap, topic, partitions, rf, config=None):
    a = admin(bootstrap)
    for f in a.create_topics([NewTopic(topic, partitions, rf, config=config or {})]).values():
        f.result()


def controller_of(cluster):
    ids = set()
    for n in cluster.nodes.values():
        if n.alive():
            ids.add(metadata(n).controller_id)
    return ids.pop() if len(ids) == 1 else None


def test_every_broker_reports_three_brokers_and_one_controller(cluster):
    def agreed():
        views = [metadata(n) for n in cluster.nodes.values()]
        controllers = {v.controller_id for v in views}
        return all(sorted(v.brokers) == [1, 2, 3] for v in views) and len(controllers) == 1 and \
            controllers.pop() in (1, 2, 3)
    wait_for(agreed, timeout=30, what="all brokers to agree on 3 brokers and one controller")
    # DescribeCluster (kafka-python) agrees too.
    from kafka import KafkaAdminClient
    for n in cluster.nodes.values():
        d = KafkaAdminClient(bootstrap_servers=n.bootstrap).describe_cluster()
        assert sorted(b["node_id"] for b in d["brokers"]) == [1, 2, 3]
        assert d["controller_id"] == controller_of(cluster)


def test_topic_created_through_one_broker_is_seen_by_all_with_balanced_leaders(cluster):
    wait_for(lambda: controller_of(cluster), timeout=30, what="a controller")
    controller = controller_of(cluster)
    via = next(n for i, n in cluster.nodes.items() if i != controller)  # forwarded to the controller
    start = time.monotonic()
    create(via.bootstrap, "placed", 6, 3)
    created_s = time.monotonic() - start
    for n in cluster.nodes.values():
        md = metadata(n, "placed")
        parts = md.topics["placed"].partitions
        assert len(parts) == 6
        assert all(sorted(p.replicas) == [1, 2, 3] and sorted(p.isrs) == [1, 2, 3] for p in parts.values())
        leaders = collections.Counter(p.leader for p in parts.values())
        assert leaders == {1: 2, 2: 2, 3: 2}, leaders
        preferred = collections.Counter(p.replicas[0] for p in parts.values())
        assert preferred == {1: 2, 2: 2, 3: 2}
    print(f"\ncreate through a non-controller broker, visible there when it returns: {created_s * 1000:.0f} ms")


def test_killing_the_active_controller_elects_another_and_it_rejoins(cluster):
    wait_for(lambda: controller_of(cluster), timeout=30, what="a controller")
    old = controller_of(cluster)
    create(cluster.bootstrap, "before-failover", 3, 3)
    cluster.nodes[old].kill()
    survivors = [n for i, n in cluster.nodes.items() if i != old]
    start = time.monotonic()

    def new_controller():
        ids = {metadata(n).controller_id for n in survivors}
        return len(ids) == 1 and ids.pop() not in (old, -1)
    wait_for(new_controller, timeout=15, interval=0.02, what="a new controller")
    failover_s = time.monotonic() - start
    print(f"\ncontroller failover after kill -9: {failover_s * 1000:.0f} ms")
    assert failover_s < 10
    create(survivors[0].bootstrap, "after-failover", 3, 2)
    assert "after-failover" in metadata(survivors[1]).topics
    # The killed node comes back, catches up, and sees everything.
    cluster.nodes[old].start()
    wait_for(lambda: "after-failover" in metadata(cluster.nodes[old]).topics and
             sorted(metadata(cluster.nodes[old]).brokers) == [1, 2, 3], timeout=30,
             what="the restarted node to catch up")
    assert controller_of(cluster) not in (None, -1)


def test_fenced_broker_loses_leadership_after_session_timeout(cluster_factory):
    cluster = cluster_factory(overrides={"broker.session.timeout.ms": "2000"}).start()
    wait_for(lambda: controller_of(cluster), timeout=30, what="a controller")
    create(cluster.bootstrap, "fence", 6, 3)
    controller = controller_of(cluster)
    victim = next(i for i in cluster.nodes if i != controller)
    cluster.nodes[victim].kill()
    other = next(n for i, n in cluster.nodes.items() if i != victim)

    def moved():
        parts = metadata(other, "fence").topics["fence"].partitions.values()
        return all(p.leader != victim and victim not in p.isrs for p in parts) and \
            victim not in metadata(other).brokers
    wait_for(moved, timeout=20, what="leadership to move off the fenced broker")


def test_stopping_and_restarting_all_three_keeps_all_metadata(cluster):
    create(cluster.bootstrap, "durable-a", 4, 3, {"retention.ms": "123456"})
    create(cluster.bootstrap, "durable-b", 2, 2)
    for n in cluster.nodes.values():
        n.stop()
    cluster.start()
    wait_for(lambda: controller_of(cluster), timeout=30, what="a controller after the restart")
    for n in cluster.nodes.values():
        md = metadata(n)
        assert {"durable-a", "durable-b"} <= set(md.topics)
        assert len(md.topics["durable-a"].partitions) == 4
    from confluent_kafka.admin import ConfigResource
    res = ConfigResource("topic", "durable-a")
    a = admin(cluster.bootstrap)
    cfg = a.describe_configs([res])[res].result()
    assert cfg["retention.ms"].value == "123456"


def test_broker_only_node_joins_and_serves(cluster):
    wait_for(lambda: controller_of(cluster), timeout=30, what="a controller")
    node4 = cluster.add_node(4).start()
    wait_for(lambda: 4 in metadata(node4).brokers and 4 in metadata(cluster.nodes[1]).brokers, timeout=30,
             what="the broker-only node to register")
    create(node4.bootstrap, "on-four", 1, 1)  # forwarded by a non-voter
    md = metadata(cluster.nodes[2], "on-four")
    assert "on-four" in md.topics
    assert metadata(node4).controller_id in (1, 2, 3)


def test_forged_and_stale_controller_messages_are_refused(cluster):
    wait_for(lambda: controller_of(cluster), timeout=30, what="a controller")
    controller = controller_of(cluster)
    port = cluster.controller_ports[controller]
    term_before = None
    s = connect(f"127.0.0.1:{port}")
    s.sendall(raft_vote_request("some-other-cluster", 2, controller, 1000))
    assert read_error_only_response(s) == 104  # INCONSISTENT_CLUSTER_ID
    s.sendall(raft_vote_request("kappa-local-cluster-01", 77, controller, 1000))
    assert read_error_only_response(s) == 42  # INVALID_REQUEST: not a voter
    # A stale-term message from a real voter is accepted on the wire but changes nothing.
    s.sendall(raft_vote_request("kappa-local-cluster-01", 1 if controller != 1 else 2, controller, 0))
    assert read_error_only_response(s) == 0
    time.sleep(0.5)
    assert controller_of(cluster) == controller
    # A heartbeat with a stale broker epoch is refused.
    s.sendall(broker_heartbeat(1, 0))
    assert read_heartbeat_response(s) == 77  # STALE_BROKER_EPOCH
    s.close()


def test_node_with_another_cluster_id_is_refused(cluster):
    wait_for(lambda: controller_of(cluster), timeout=30, what="a controller")
    stranger = cluster.add_node(9, {"cluster.id": "not-this-cluster-00001"}).start(wait=False)
    time.sleep(3)
    assert 9 not in metadata(cluster.nodes[1]).brokers
    wait_for(lambda: "INCONSISTENT_CLUSTER_ID" in stranger.log_text(), timeout=10,
             what="the stranger to report its refusal")
