import pytest

from kappa_harness import BrokerProcess, Cluster


@pytest.fixture
def broker_factory(tmp_path):
    """Creates brokers that are always cleaned up when the test ends."""
    created = []

    def make(**kwargs):
        b = BrokerProcess(tmp_path, **kwargs)
        created.append(b)
        return b

    yield make
    for b in created:
        b.cleanup()


@pytest.fixture
def broker(broker_factory):
    """One running single-node broker."""
    return broker_factory().start()


@pytest.fixture
def cluster_factory(tmp_path):
    """Creates 3-node clusters from config/cluster/ that are always cleaned up."""
    created = []

    def make(**kwargs):
        c = Cluster(tmp_path, **kwargs)
        created.append(c)
        return c

    yield make
    for c in created:
        c.cleanup()


@pytest.fixture
def cluster(cluster_factory):
    """A running 3-node cluster (every node broker and controller)."""
    return cluster_factory().start()
