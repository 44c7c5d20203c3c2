"""Test-session settings."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True, scope="session")
def single_threaded_blas():
    """Run BLAS single-threaded: the suite fits thousands of tiny models, for which
    thread start-up costs far more than it saves (and results do not depend on it)."""
    with threadpool_limits(limits=1):
        yield
