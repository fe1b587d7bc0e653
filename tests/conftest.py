import os

import pytest
import torch
import torch.distributed as dist

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


@pytest.fixture
def group_of_one(tmp_path):
    """This process as a process group of one (as under ``torchrun
    --nproc_per_node 1``)."""
    dist.init_process_group(
        "gloo", init_method=f"file://{tmp_path / 'rendezvous'}", rank=0, world_size=1
    )
    try:
        yield
    finally:
        dist.destroy_process_group()
