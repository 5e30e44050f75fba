"""A fault-injecting TCP proxy for the links between Kappa nodes.

Each node's inter-broker (INTERNAL) and controller listener is reached by
the other nodes only through a proxy in front of it.  The proxy learns which
node opened a connection from the client id of its first request (Kappa's
inter-node clients call themselves kappa-node-<id>, kappa-raft-<id> and
kappa-replica-<id>), so one rule table can cut any directed link
`src -> dst`: its open connections are closed and new ones are closed right
after their first request arrives.  Clients (PLAINTEXT) are never proxied.
"""
import re
import select
import socket
import struct
import threading

from kappa_harness import free_port

_NODE_CLIENT = re.compile(rb"^kappa-[a-z]+-(\d+)$")


class LinkRules:
    """The set of cut directed links (src, dst), shared by every proxy."""

    def __init__(self):
        self._cut = set()
        self._lock = threading.Lock()

    def cut(self, src, dst):
        with self._lock:
            self._cut.add((src, dst))

    def isolate(self, node, others):
        for o in others:
            self.cut(node, o)
            self.cut(o, node)

    def heal(self):
        with self._lock:
            self._cut.clear()

    def is_cut(self, src, dst):
        with self._lock:
            return (src, dst) in self._cut


def _client_node(first_bytes):
    """The node id in a request's client id, None for another client, or
    False when more bytes are needed."""
    # size(4) api_key(2) api_version(2) correlation_id(4) client_id(int16 length + bytes)
    if len(first_bytes) < 14:
        return False
    (n,) = struct.unpack_from(">h", first_bytes, 12)
    if n < 0:
        return None
    if len(first_bytes) < 14 + n:
        return False
    m = _NODE_CLIENT.match(first_bytes[14:14 + n])
    return int(m.group(1)) if m else None


class FaultProxy:
    """Listens on a free port and forwards every connection to `target`
    (host, port) of node `dst`, unless the rules cut the link from the node
    that opened it."""

    def __init__(self, rules, dst, target, host="127.0.0.1"):
        self.rules = rules
        self.dst = dst
        self.target = target
        self.host = host
        self.port = free_port(host)
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((host, self.port))
        self._server.listen(64)
        self._stopped = threading.Event()
        self.refused = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self):
        return f"{self.host}:{self.port}"

    def _accept(self):
        while not self._stopped.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        upstream = None
        src = None
        head = b""
        try:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while not self._stopped.is_set():
                r, _, _ = select.select([client] + ([upstream] if upstream else []), [], [], 0.1)
                if src is not None and self.rules.is_cut(src, self.dst):
                    self.refused += 1
                    return
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    if s is client:
                        if upstream is None:
                            head += data
                            who = _client_node(head)
                            if who is False:
                                continue
                            src = who
                            if src is not None and self.rules.is_cut(src, self.dst):
                                self.refused += 1
                                return
                            upstream = socket.create_connection(self.target, timeout=5)
                            upstream.settimeout(None)
                            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                            upstream.sendall(head)
                        else:
                            upstream.sendall(data)
                    else:
                        client.sendall(data)
        except OSError:
            return
        finally:
            for s in (client, upstream):
                if s is not None:
                    try:
                        s.close()
                    except OSError:
                        pass

    def close(self):
        self._stopped.set()
        self._server.close()
