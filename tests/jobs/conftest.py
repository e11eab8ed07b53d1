import pytest

from workshop import jobs


@pytest.fixture(autouse=True)
def immediate_queue():
    """Every test starts and leaves the one queue as the suite has it: immediate (a test that
    needs another engine points the queue at it, after this fixture)."""
    jobs.queue_configure("immediate")
    yield
    jobs.queue_configure("immediate")
