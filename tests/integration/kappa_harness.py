"""Starts and stops real kappa-broker processes for integration tests.

Every broker binds a free port on a loopback address, keeps its data in a
test-owned temporary directory, and is always stopped when the test ends
(SIGTERM, then SIGKILL if it does not exit).
"""
import os
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path

BUILD_DIR = Path(os.environ.get("KAPPA_BUILD_DIR", Path(__file__).resolve().parents[2] / "build"))
BROKER_BIN = BUILD_DIR / "bin" / "kappa-broker"
KAPPA_BIN = BUILD_DIR / "bin" / "kappa"


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout=20.0, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


class BrokerProcess:
    """One kappa-broker process with its own data directory and port."""

    def __init__(self, workdir, node_id=1, host="127.0.0.1", port=None, overrides=None, config_file=None):
        self.workdir = Path(workdir)
        self.node_id = node_id
        self.host = host
        self.port = port or free_port(host)
        self.data_dir = self.workdir / f"data-{node_id}"
        self.log_path = self.workdir / f"broker-{node_id}.log"
        self.config_file = config_file
        self.overrides = {
            "node.id": str(node_id),
            "listeners": f"PLAINTEXT://{host}:{self.port}",
            "log.dirs": str(self.data_dir),
            "admin.listener": "",
        }
        self.overrides.update(overrides or {})
        self.proc = None
        self._log = None

    @property
    def bootstrap(self):
        return f"{self.host}:{self.port}"

    def start(self, wait=True):
        args = [str(BROKER_BIN)]
        if self.config_file:
            args += ["--config", str(self.config_file)]
        for k, v in self.overrides.items():
            args += ["--override", f"{k}={v}"]
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=30.0):
        """Until the broker answers requests: it binds its port early but only
        serves once the controller has unfenced it."""
        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError(f"broker {self.node_id} exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5) as s:
                    s.settimeout(0.5)
                    # ApiVersions v0, correlation id 1, client id "probe"
                    s.sendall(struct.pack(">ihhih", 15, 18, 0, 1, 5) + b"probe")
                    return len(s.recv(4)) == 4
            except OSError:
                return False
        wait_for(ready, timeout, what=f"broker {self.node_id} to serve")

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")[-20000:]
        except OSError:
            return ""

    def stop(self, timeout=30.0):
        """Clean stop (SIGTERM); returns the exit code."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"broker {self.node_id} did not stop within {timeout}s")
        finally:
            self._close_log()

    def kill(self):
        """kill -9: no chance to flush or write the clean-shutdown marker."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._close_log()

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _close_log(self):
        if self._log:
            self._log.close()
            self._log = None

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGCONT)
            except ProcessLookupError:
                pass
            self.kill()
        self._close_log()


SOURCE_DIR = Path(__file__).resolve().parents[2]
CLUSTER_CONFIG_DIR = SOURCE_DIR / "config" / "cluster"


class Cluster:
    """The 3-node cluster of config/cluster/, on free loopback ports with
    test-owned data directories (the committed files are the base config;
    only addresses and directories are overridden)."""

    def __init__(self, workdir, size=3, overrides=None, host="127.0.0.1"):
        self.workdir = Path(workdir)
        self.host = host
        self.client_ports = {n: free_port(host) for n in range(1, size + 1)}
        self.controller_ports = {n: free_port(host) for n in range(1, size + 1)}
        self.voters = ",".join(f"{n}@{host}:{p}" for n, p in self.controller_ports.items())
        self.nodes = {}
        for n in range(1, size + 1):
            node_overrides = {
                "listeners": f"PLAINTEXT://{host}:{self.client_ports[n]},CONTROLLER://{host}:{self.controller_ports[n]}",
                "controller.quorum.voters": self.voters,
            }
            node_overrides.update(overrides or {})
            self.nodes[n] = BrokerProcess(self.workdir, node_id=n, host=host, port=self.client_ports[n],
                                          overrides=node_overrides,
                                          config_file=CLUSTER_CONFIG_DIR / f"node{min(n, 3)}.yaml")

    @property
    def bootstrap(self):
        return ",".join(n.bootstrap for n in self.nodes.values())

    def start(self):
        for node in self.nodes.values():
            node.start(wait=False)
        for node in self.nodes.values():
            node.wait_ready()
        self.wait_formed()
        return self

    def wait_formed(self, timeout=30.0):
        """Until every running node lists every running node as a live broker."""
        from confluent_kafka.admin import AdminClient
        alive = [n for n in self.nodes.values() if n.alive()]
        want = sorted(n.node_id for n in alive)

        def formed():
            for n in alive:
                md = AdminClient({"bootstrap.servers": n.bootstrap}).list_topics(timeout=5)
                if sorted(md.brokers) != want or md.controller_id < 0:
                    return False
            return True
        wait_for(formed, timeout, interval=0.1, what=f"brokers {want} to form a cluster")

    def add_node(self, node_id, overrides=None):
        """A broker-only node (process.roles=broker) following this quorum."""
        port = free_port(self.host)
        o = {"process.roles": "broker", "listeners": f"PLAINTEXT://{self.host}:{port}",
             "controller.quorum.voters": self.voters, "node.id": str(node_id)}
        o.update(overrides or {})
        node = BrokerProcess(self.workdir, node_id=node_id, host=self.host, port=port, overrides=o,
                             config_file=CLUSTER_CONFIG_DIR / "node1.yaml")
        self.nodes[node_id] = node
        return node

    def cleanup(self):
        for node in self.nodes.values():
            node.cleanup()
