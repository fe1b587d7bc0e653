import os

import pytest
import torch

# One torch thread per test process: on a 2-core machine running tests in parallel
# processes, torch's default thread pool oversubscribes the cores (measured ~10x
# slower). Benchmarks set their own.
torch.set_num_threads(1)

SHARED_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


@pytest.fixture
def shared_data():
    """Path to ``../shared/data`` beside the project root; skips when missing."""
    if not os.path.isdir(SHARED_DATA):
        pytest.skip("../shared/data is not available on this machine")
    return os.path.abspath(SHARED_DATA)
