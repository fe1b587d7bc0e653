"""Which GPU a worker process trains on.

A parallel search (joblib's processes, a Dask cluster) or a data-parallel fit runs
one fit per process. On a machine with several GPUs, ``device="cuda"`` (or "auto")
would put every one of them on the current device, ``cuda:0``. Instead, a process
that is a worker of a parallel run takes ``cuda:{index % n_gpus}``, its index among
the workers, round-robin: two workers on two GPUs get one each.

A worker's index is, in this order:

1. ``LOCAL_RANK`` from the environment: set by ``torchrun``, by
   :func:`~sklearn_rnn.fit_data_parallel`'s launcher, and by Accelerate;
2. ``SKLEARN_RNN_WORKER_INDEX`` from the environment: set it to place a process of
   any other launcher;
3. in a task of a ``dask.distributed`` worker, the worker's name when it is an
   integer (a ``LocalCluster`` names its workers 0, 1, ...), else none (and none
   in a dask-cuda worker, which dask-cuda has already shown its own GPU first);
4. the number of a ``multiprocessing`` or ``loky`` worker process (joblib's
   default backend): ``LokyProcess-1`` is index 0.

A process that is none of these (the main process, a Ray task: Ray restricts each
task to the GPUs it assigned it with ``CUDA_VISIBLE_DEVICES``) keeps torch's
meaning of "cuda". An explicit ``device="cuda:N"`` is always used as given.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

import torch

__all__ = ["cuda_device", "worker_index"]

#: Environment variables that give a process's index, in order of precedence.
INDEX_VARIABLES = ("LOCAL_RANK", "SKLEARN_RNN_WORKER_INDEX")


def _non_negative_int(value) -> int | None:
    try:
        index = int(str(value))
    except ValueError:
        return None
    return index if index >= 0 else None


def _dask_worker() -> tuple[bool, int | None]:
    """Whether this runs inside a task of a Dask worker, and then the worker's
    index: its name when that is an integer, else None; None in a dask-cuda
    worker too, which dask-cuda already shows its own GPU first in its
    ``CUDA_VISIBLE_DEVICES``, so that torch's "cuda" is that GPU."""
    try:
        from distributed import get_worker
    except ImportError:
        return False, None
    try:
        worker = get_worker()
    except ValueError:  # not inside a task of a Dask worker
        return False, None
    if "dask_cuda" in sys.modules:
        return True, None
    return True, _non_negative_int(worker.name)


def worker_index() -> int | None:
    """This process's index among the workers of a parallel run, or None in a
    process that is no such worker (see the module's documentation)."""
    for variable in INDEX_VARIABLES:
        value = os.environ.get(variable)
        if value is not None:
            index = _non_negative_int(value)
            if index is None:
                raise ValueError(
                    f"The environment variable {variable}={value!r} must be a "
                    "non-negative integer (the worker's index, which picks its "
                    "GPU)."
                )
            return index
    in_dask, index = _dask_worker()
    if in_dask:  # (a Dask worker process has a multiprocessing number too)
        return index
    identity = multiprocessing.current_process()._identity
    if identity:
        return identity[-1] - 1
    return None


def cuda_device() -> str:
    """What ``device="cuda"`` means in this process: ``"cuda:{i % n_gpus}"`` in
    the ``i``-th worker of a parallel run on a machine with several GPUs, else
    ``"cuda"`` (torch's current device)."""
    n_devices = torch.cuda.device_count()
    if n_devices < 2:
        return "cuda"
    index = worker_index()
    if index is None:
        return "cuda"
    return f"cuda:{index % n_devices}"
