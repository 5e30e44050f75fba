import pytest

from kappa_harness import BrokerProcess


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
