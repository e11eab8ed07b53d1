import pytest

from workshop import jobs


@pytest.fixture(autouse=True)
def immediate_queue_after():
    """Every test leaves the one queue as the suite has it: immediate."""
    yield
    jobs.queue_configure("immediate")
