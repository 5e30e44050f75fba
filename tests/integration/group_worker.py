"""A confluent-kafka group consumer run as its own process by test_groups.py.

    group_worker.py BOOTSTRAP GROUP TOPIC '{"extra": "librdkafka config"}'

It subscribes, and reports on stdout, one JSON object per line:
    {"event": "subscribed", "t": <time>}
    {"event": "assigned" | "revoked", "partitions": [...], "t": <time>}
    {"event": "record", "p": <partition>, "o": <offset>, "v": <value>}
    {"event": "closed"}
    {"event": "commit_failed", "p": ..., "o": ..., "error": ...}
Every record is committed synchronously before the next poll, and
revocations commit first, so with clean stops each record is read by
exactly one member.  SIGTERM closes the consumer cleanly (LeaveGroup).
"""
import json
import os
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaException

bootstrap, group, topic = sys.argv[1:4]
extra = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}


def emit(**kwargs):
    kwargs.setdefault("t", time.monotonic())
    print(json.dumps(kwargs), flush=True)


stopping = False


def on_term(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)

config = {
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "enable.auto.commit": False,
    "auto.offset.reset": "earliest",
    "session.timeout.ms": 3000,
    "heartbeat.interval.ms": 300,
    "enable.partition.eof": False,
}
config.update(extra)
if os.environ.get("KAPPA_WORKER_DEBUG"):  # a directory: librdkafka's debug log goes to worker-PID.log there
    config["debug"] = "cgrp,topic,fetch,consumer,protocol"
    log = open(os.path.join(os.environ["KAPPA_WORKER_DEBUG"], f"worker-{os.getpid()}.log"), "w")
    os.dup2(log.fileno(), 2)
consumer = Consumer(config)


def on_assign(c, partitions):
    emit(event="assigned", partitions=sorted(p.partition for p in partitions))


def on_revoke(c, partitions):
    try:
        c.commit(asynchronous=False)
    except KafkaException:
        pass  # nothing consumed yet
    emit(event="revoked", partitions=sorted(p.partition for p in partitions))


consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
emit(event="subscribed")
while not stopping:
    m = consumer.poll(0.2)
    if m is None:
        continue
    if m.error():
        emit(event="error", error=str(m.error()))
        continue
    emit(event="record", p=m.partition(), o=m.offset(), v=m.value().decode())
    try:
        consumer.commit(message=m, asynchronous=False)
    except KafkaException as e:  # reported: the test shows it if a record is read twice
        emit(event="commit_failed", p=m.partition(), o=m.offset(), error=str(e))
consumer.close()
emit(event="closed")
