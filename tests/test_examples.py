"""Every example runs end to end, once, in fast mode (fewer epochs, same code path)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path):
    # One torch thread, like the other test processes (see conftest.py).
    env = {
        **os.environ,
        "SKLEARN_RNN_FAST": "1",
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
    }
    result = subprocess.run(
        [sys.executable, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    if result.stdout.startswith("Data not found"):
        pytest.skip(result.stdout.splitlines()[0])
    assert "accuracy" in result.stdout.lower() or "rmse" in result.stdout.lower()
