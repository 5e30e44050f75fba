"""Replication under process faults, with real clients: an idempotent acks=all
producer writes numbered records while partition leaders are killed with
SIGKILL and restarted, or frozen with SIGSTOP for longer than the broker
session timeout.  Afterwards every acknowledged record is read back exactly
once, in acknowledgement order, at contiguous offsets, and the committed
range of every replica is byte-identical."""
import struct
import time

import pytest
from confluent_kafka import KafkaError, Producer
from confluent_kafka.admin import AdminClient

from fault_proxy import FaultProxy, LinkRules
from kafka_wire import connect, parse_produce_v3, produce_v3_body, record_batch, recv_frame, request_frame
from kappa_harness import Cluster, free_port
from replication_check import (AckingProducer, compare_replicas, create_topic, high_watermarks, leader_of, log_batches,
                               partition_state, read_all, verify, wait_full_isr, wait_replicas_converged)
from kappa_harness import wait_for

# Short timeouts bound the test: a frozen or dead broker is fenced after 3 s,
# a follower that stops fetching leaves the ISR after 2 s.
FAST_FAILOVER = {
    "broker.session.timeout.ms": "3000",
    "broker.heartbeat.interval.ms": "500",
    "replica.lag.time.max.ms": "2000",
    "replica.fetch.wait.max.ms": "200",
    "auto.leader.rebalance.enable": "false",
}
TOPIC_CONFIG = {"min.insync.replicas": "2"}


def report(name, counts, producer):
    print(f"\n[{name}] acked={counts['acked']} read={counts['read']} lost={counts['lost']} "
          f"duplicated={counts['duplicated']} failed={len(producer.errors)} "
          f"longest_stall={producer.longest_stall():.2f}s")


def check_everything(cluster, topic, partitions, producer, name):
    bootstrap = cluster.bootstrap
    got = read_all(bootstrap, topic, partitions)
    counts, problems = verify(producer.acked, got)
    report(name, counts, producer)
    data_dirs = {i: n.data_dir for i, n in cluster.nodes.items()}
    wait_replicas_converged(data_dirs, topic, partitions)
    hws = high_watermarks(bootstrap, topic, partitions)
    batches = 0
    for p in range(partitions):
        assert hws[p] == len(got[p]), f"partition {p}: high watermark {hws[p]} but {len(got[p])} records read"
        replica_problems, n = compare_replicas(data_dirs, topic, p, hws[p])
        problems += replica_problems
        batches += n
    print(f"[{name}] {batches} committed batches byte-identical on {len(data_dirs)} replicas")
    assert not producer.errors, f"{len(producer.errors)} records failed, e.g. {producer.errors[:3]}"
    assert not problems, "\n".join(problems)
    assert counts["lost"] == 0 and counts["duplicated"] == 0
    return counts


def test_kill_and_freeze_leaders_loses_no_acknowledged_record(cluster_factory):
    cluster = cluster_factory(overrides=FAST_FAILOVER).start()
    topic, partitions = "acked", 4
    create_topic(cluster.bootstrap, topic, partitions, 3, TOPIC_CONFIG)
    wait_full_isr(cluster, topic, partitions)
    producer = AckingProducer(cluster.bootstrap, topic, partitions).start()
    wait_for(lambda: len(producer.acked) > 500, 30, what="first acknowledgements")

    failovers = []
    for round_ in range(3):
        part = round_ % partitions
        victim = leader_of(cluster, topic, part)
        killed_at = time.monotonic()
        cluster.nodes[victim].kill()
        # Failover time: from the kill to the first acknowledgement of a
        # write to a partition the dead broker led.
        wait_for(lambda: producer.acks_since(killed_at + 0.05, part) > 100, 60,
                 what=f"writes to {topic}-{part} to continue after the kill")
        failovers.append(producer.first_ack_after(killed_at + 0.05, part) - killed_at)
        time.sleep(1)
        cluster.nodes[victim].start()
        wait_full_isr(cluster, topic, partitions)
        time.sleep(1)

    # Freeze a leader for longer than the session timeout: it is fenced,
    # loses its leaderships, and after SIGCONT must follow the new leaders.
    victim = leader_of(cluster, topic, 0)
    cluster.nodes[victim].pause()
    time.sleep(6)
    cluster.nodes[victim].resume()
    wait_full_isr(cluster, topic, partitions)
    time.sleep(1)

    assert producer.stop() == 0, "the producer could not deliver everything"
    counts = check_everything(cluster, topic, partitions, producer, "kill/freeze")
    print(f"[kill/freeze] produce stall after kill -9 of a leader (s): {[round(f, 2) for f in failovers]}")
    assert counts["acked"] > 2000


def test_two_of_three_brokers_down_refuses_acks_all_and_serves_committed_data(cluster_factory):
    cluster = cluster_factory(overrides=FAST_FAILOVER).start()
    topic = "quorum"
    create_topic(cluster.bootstrap, topic, 1, 3, TOPIC_CONFIG)
    wait_full_isr(cluster, topic, 1)
    producer = AckingProducer(cluster.bootstrap, topic, 1).start()
    wait_for(lambda: len(producer.acked) > 1000, 30, what="acknowledgements")
    assert producer.stop() == 0
    survivor = leader_of(cluster, topic, 0)
    crashed, stopped = [n for n in cluster.nodes if n != survivor]
    # One follower crashes: it is fenced and leaves the ISR; the other shuts
    # down cleanly (controlled shutdown, while the quorum still has a majority).
    cluster.nodes[crashed].kill()
    wait_for(lambda: partition_state(cluster.nodes[survivor].bootstrap, topic, 0)[1] == sorted([survivor, stopped]),
             30, what=f"broker {crashed} to leave the ISR")
    assert cluster.nodes[stopped].stop() == 0
    wait_for(lambda: partition_state(cluster.nodes[survivor].bootstrap, topic, 0) == (survivor, [survivor]),
             30, what=f"the ISR to shrink to [{survivor}]")

    # acks=all: refused with NOT_ENOUGH_REPLICAS (the ISR is below min.insync.replicas).
    errors = []
    p = Producer({"bootstrap.servers": cluster.nodes[survivor].bootstrap, "acks": "all", "retries": 0,
                  "enable.idempotence": False, "message.timeout.ms": 10000})
    for i in range(5):
        p.produce(topic, value=b"refused-%d" % i, partition=0,
                  on_delivery=lambda err, msg: errors.append(err.code() if err else None))
    assert p.flush(20) == 0
    print(f"\n[two down] acks=all delivery errors: {[KafkaError(c).name() if c else None for c in errors]}")
    assert errors == [KafkaError.NOT_ENOUGH_REPLICAS] * 5

    # The committed records are still served by the survivor.
    got = read_all(cluster.nodes[survivor].bootstrap, topic, 1)
    counts, problems = verify(producer.acked, got)
    report("two down", counts, producer)
    assert not problems, "\n".join(problems)
    assert counts["read"] == counts["acked"]


def test_pipelined_requests_are_appended_and_answered_in_order(cluster_factory):
    """An acks=all Produce releases its connection once appended, so the next
    requests are handled while it waits for the in-sync replicas: their
    appends and their responses must still follow request order."""
    cluster = cluster_factory(overrides=FAST_FAILOVER).start()
    topic = "pipelined"
    create_topic(cluster.bootstrap, topic, 1, 3, TOPIC_CONFIG)
    wait_full_isr(cluster, topic, 1)
    leader = leader_of(cluster, topic, 0)
    controller = AdminClient({"bootstrap.servers": cluster.bootstrap}).list_topics(timeout=10).controller_id
    # A follower that is not the active controller, so the ISR can shrink without it.
    frozen = next(n for n in cluster.nodes if n not in (leader, controller))
    requests = [
        (1, 0, 3, produce_v3_body(topic, 0, record_batch([b"a0", b"a1"]), acks=-1)),  # waits for `frozen`
        (2, 0, 3, produce_v3_body(topic, 0, record_batch([b"b0"]), acks=1)),
        (3, 18, 0, b""),  # ApiVersions v0
        (4, 0, 3, produce_v3_body(topic, 0, record_batch([b"c0", b"c1", b"c2"]), acks=-1)),
        (5, 0, 3, produce_v3_body(topic, 0, record_batch([b"d0"]), acks=1)),
    ]
    cluster.nodes[frozen].pause()  # the first acks=all waits until it leaves the ISR (2 s)
    try:
        s = connect(cluster.nodes[leader].bootstrap, timeout=30)
        started = time.monotonic()
        s.sendall(b"".join(request_frame(api, version, cid, body) for cid, api, version, body in requests))
        responses = [recv_frame(s) for _ in requests]
        waited = time.monotonic() - started
        s.close()
    finally:
        cluster.nodes[frozen].resume()
    assert [struct.unpack(">i", r[:4])[0] for r in responses] == [1, 2, 3, 4, 5]
    produced = [parse_produce_v3(responses[i]) for i in (0, 1, 3, 4)]
    assert produced == [(0, 0), (0, 2), (0, 3), (0, 6)], produced
    assert waited >= 1.5, f"answered after {waited:.2f} s: the first produce did not wait for the ISR"
    values = [b"a0", b"a1", b"b0", b"c0", b"c1", b"c2", b"d0"]
    assert read_all(cluster.bootstrap, topic, 1)[0] == list(enumerate(values))


class ProxiedCluster(Cluster):
    """config/cluster's 3 nodes with an INTERNAL inter-broker listener; every
    node reaches the others' INTERNAL and CONTROLLER listeners only through
    fault proxies, so `rules` can cut links between nodes (clients connect
    directly to the PLAINTEXT listeners)."""

    def __init__(self, workdir, overrides=None, host="127.0.0.1"):
        super().__init__(workdir, 3, overrides, host)
        self.rules = LinkRules()
        internal = {n: free_port(host) for n in self.nodes}
        self.proxies = {}
        for n in self.nodes:
            self.proxies[(n, "CONTROLLER")] = FaultProxy(self.rules, n, (host, self.controller_ports[n]), host)
            self.proxies[(n, "INTERNAL")] = FaultProxy(self.rules, n, (host, internal[n]), host)
        self.voters = ",".join(f"{n}@{self.proxies[(n, 'CONTROLLER')].address}" for n in self.nodes)
        for n, node in self.nodes.items():
            node.overrides.update({
                "listeners": f"PLAINTEXT://{host}:{self.client_ports[n]},INTERNAL://{host}:{internal[n]},"
                             f"CONTROLLER://{host}:{self.controller_ports[n]}",
                "advertised.listeners": f"PLAINTEXT://{host}:{self.client_ports[n]},"
                                        f"INTERNAL://{self.proxies[(n, 'INTERNAL')].address}",
                "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name": "INTERNAL",
                "controller.quorum.voters": self.voters,
            })
            node.overrides.update(overrides or {})

    def cleanup(self):
        super().cleanup()
        for p in self.proxies.values():
            p.close()


@pytest.fixture
def proxied_cluster(tmp_path):
    c = ProxiedCluster(tmp_path, overrides=FAST_FAILOVER)
    try:
        yield c.start()
    finally:
        c.cleanup()


def test_isolated_leader_stops_acknowledging_and_truncates_after_healing(proxied_cluster):
    cluster = proxied_cluster
    topic = "split"
    create_topic(cluster.bootstrap, topic, 1, 3, TOPIC_CONFIG)
    wait_full_isr(cluster, topic, 1)
    before = AckingProducer(cluster.bootstrap, topic, 1).start()
    wait_for(lambda: len(before.acked) > 500, 30, what="acknowledgements")
    assert before.stop() == 0

    old = leader_of(cluster, topic, 0)
    majority = [n for n in cluster.nodes if n != old]
    cluster.rules.isolate(old, majority)

    # The isolated leader still believes it leads, but its followers cannot
    # fetch and the controller cannot be reached: acks=all writes to it are
    # never acknowledged.
    isolated_errors, isolated_acked = [], []
    p = Producer({"bootstrap.servers": cluster.nodes[old].bootstrap, "acks": "all", "retries": 0,
                  "enable.idempotence": False, "request.timeout.ms": 3000, "message.timeout.ms": 8000,
                  "linger.ms": 5})
    for i in range(20):
        p.produce(topic, value=b"isolated-%d" % i, partition=0,
                  on_delivery=lambda err, msg: (isolated_errors.append(err.code()) if err
                                                else isolated_acked.append(msg.value())))
    p.flush(30)
    names = sorted({KafkaError(c).name() for c in isolated_errors})
    print(f"\n[partition] writes to the isolated leader {old}: acked={len(isolated_acked)} "
          f"failed={len(isolated_errors)} errors={names}")
    assert not isolated_acked, "the isolated leader acknowledged acks=all writes"
    assert len(isolated_errors) == 20
    assert set(isolated_errors) <= {KafkaError.REQUEST_TIMED_OUT, KafkaError.NOT_ENOUGH_REPLICAS,
                                    KafkaError.NOT_ENOUGH_REPLICAS_AFTER_APPEND, KafkaError._MSG_TIMED_OUT,
                                    KafkaError._TIMED_OUT, KafkaError.NOT_LEADER_FOR_PARTITION}

    # The majority elects a new leader, which accepts writes.
    majority_bootstrap = ",".join(cluster.nodes[n].bootstrap for n in majority)
    new = wait_for(lambda: (lambda s: s[0] if s[0] in majority and old not in s[1] else None)(
        partition_state(majority_bootstrap, topic, 0)), 30, interval=0.2, what="a new leader in the majority")
    after = AckingProducer(majority_bootstrap, topic, 1, first_seq=before.sent).start()
    wait_for(lambda: len(after.acked) > 500, 30, what="the new leader to acknowledge writes")
    assert after.stop() == 0
    old_tail = [b for b in log_batches(cluster.nodes[old].data_dir, topic, 0) if b"isolated-" in b[2]]
    assert old_tail, "the isolated leader should hold the unacknowledged writes in its log"

    cluster.rules.heal()
    wait_full_isr(cluster, topic, 1)
    data_dirs = {i: n.data_dir for i, n in cluster.nodes.items()}
    wait_replicas_converged(data_dirs, topic, 1)
    hw = high_watermarks(cluster.bootstrap, topic, 1)[0]
    problems, batches = compare_replicas(data_dirs, topic, 0, hw)
    assert not problems, "\n".join(problems)
    assert not [b for b in log_batches(cluster.nodes[old].data_dir, topic, 0) if b"isolated-" in b[2]]
    assert "truncating from" in cluster.nodes[old].log_text()

    got = read_all(cluster.bootstrap, topic, 1)
    acked = before.acked + after.acked
    counts, problems = verify(acked, got)
    print(f"[partition] old leader {old}, new leader {new}: truncated {len(old_tail)} unacknowledged batches; "
          f"acked={counts['acked']} read={counts['read']} lost={counts['lost']} "
          f"duplicated={counts['duplicated']}; {batches} batches identical on 3 replicas")
    assert not problems, "\n".join(problems)
    assert counts["read"] == counts["acked"]
