"""docker/compose.yaml and docker/Dockerfile agree with config/cluster/*.yaml:
the same node ids, roles, cluster id, client/controller/admin ports and
quorum voters; the overrides only change addresses (bind every interface,
advertise the service name) and the data directory."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "config" / "cluster"
COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKERFILE = ROOT / "docker" / "Dockerfile"
# Settings the compose file may override: addresses and the data directory.
ADDRESS_SETTINGS = {"listeners", "advertised.listeners", "controller.quorum.voters", "admin.listener", "log.dirs"}


def node_files():
    files = sorted(CLUSTER.glob("node*.yaml"))
    assert len(files) == 3, files
    return {f.name: yaml.safe_load(f.read_text()) for f in files}


def listener_ports(text):
    """{"PLAINTEXT": 9092, "CONTROLLER": 19092} from NAME://host:port,..."""
    out = {}
    for item in str(text).split(","):
        name, rest = item.split("://")
        out[name] = int(rest.rsplit(":", 1)[1])
    return out


def voters(text):
    """{1: 19092, ...} from id@host:port,..."""
    return {int(v.split("@")[0]): int(v.rsplit(":", 1)[1]) for v in str(text).split(",")}


def compose_nodes():
    compose = yaml.safe_load(COMPOSE.read_text())
    nodes = {}
    for name, service in compose["services"].items():
        command = service["command"]
        config_path, overrides = command[0], {}
        for arg in command[1:]:
            assert arg.startswith("--override="), arg
            key, value = arg[len("--override="):].split("=", 1)
            overrides[key] = value
        file_name = Path(config_path).name
        assert config_path == f"/etc/kappa/cluster/{file_name}", config_path
        nodes[file_name] = (name, service, overrides)
    return nodes


def dockerfile_lines():
    return [l.strip() for l in DOCKERFILE.read_text().splitlines() if l.strip() and not l.strip().startswith("#")]


def test_compose_runs_every_cluster_node_file_once():
    assert sorted(compose_nodes()) == sorted(node_files())


def test_compose_keeps_node_ids_roles_ports_and_voters():
    files = node_files()
    for file_name, (service_name, service, overrides) in compose_nodes().items():
        settings = files[file_name]
        assert set(overrides) <= ADDRESS_SETTINGS, f"{service_name} overrides {set(overrides) - ADDRESS_SETTINGS}"
        # Client and controller listeners: same names and ports, every interface.
        assert listener_ports(overrides["listeners"]) == listener_ports(settings["listeners"])
        assert all("://0.0.0.0:" in l for l in overrides["listeners"].split(","))
        # Advertised: the service's hostname on the same client port.
        advertised = listener_ports(overrides["advertised.listeners"])
        assert advertised == {"PLAINTEXT": listener_ports(settings["listeners"])["PLAINTEXT"]}
        assert f"//{service['hostname']}:" in overrides["advertised.listeners"]
        # Quorum: same voter ids and controller ports, hosts are service names.
        assert voters(overrides["controller.quorum.voters"]) == voters(settings["controller.quorum.voters"])
        hosts = {int(v.split("@")[0]): v.split("@")[1].rsplit(":", 1)[0]
                 for v in overrides["controller.quorum.voters"].split(",")}
        services = {s["hostname"] for _, s, _ in compose_nodes().values()}
        assert set(hosts.values()) <= services
        # Admin port unchanged.
        assert int(overrides["admin.listener"].rsplit(":", 1)[1]) == int(str(settings["admin.listener"]).rsplit(":", 1)[1])
        # The node's id is its service's: voter N is reached at the service running node N.
        own = next(h for i, h in hosts.items() if i == settings["node.id"])
        assert own == service["hostname"]
        # Published ports: the client and admin ports, unchanged.
        published = {tuple(int(x) for x in p.split(":")) for p in service["ports"]}
        client = listener_ports(settings["listeners"])["PLAINTEXT"]
        admin = int(str(settings["admin.listener"]).rsplit(":", 1)[1])
        assert published == {(client, client), (admin, admin)}
        # Data on the node's volume under /var/lib/kappa.
        assert overrides["log.dirs"].startswith("/var/lib/kappa")
        assert any(v.endswith(":/var/lib/kappa") for v in service["volumes"])


def test_file_settings_that_compose_does_not_override_are_the_cluster_files():
    # The files themselves are mounted unchanged (COPY config/cluster), so
    # node.id, process.roles, cluster.id and replication settings come from them.
    files = node_files()
    ids = sorted(s["node.id"] for s in files.values())
    assert ids == [1, 2, 3]
    assert {s["process.roles"] for s in files.values()} == {"broker,controller"}
    assert len({s["cluster.id"] for s in files.values()}) == 1
    assert "COPY config/cluster /etc/kappa/cluster" in dockerfile_lines()


def test_dockerfile_exposes_exactly_the_cluster_ports():
    ports = set()
    for settings in node_files().values():
        ports |= set(listener_ports(settings["listeners"]).values())
        ports.add(int(str(settings["admin.listener"]).rsplit(":", 1)[1]))
    exposed = set()
    for line in dockerfile_lines():
        if line.startswith("EXPOSE "):
            exposed |= {int(p.split("/")[0]) for p in line.split()[1:]}
    assert exposed == ports


def test_dockerfile_is_multi_stage_non_root_with_volume_and_entrypoint():
    lines = dockerfile_lines()
    froms = [l for l in lines if l.startswith("FROM ")]
    assert len(froms) == 2 and all("debian:bookworm" in l for l in froms)
    assert "USER kappa" in lines
    assert "VOLUME /var/lib/kappa" in lines
    assert 'ENTRYPOINT ["kappa-broker", "--config"]' in lines
    assert any(re.match(r"COPY --from=build .*kappa-broker", l) for l in lines)
