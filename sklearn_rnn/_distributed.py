"""Data-parallel training on PyTorch's own distributed engine.

:func:`fit_data_parallel` fits one estimator on ``N`` processes: each holds the
same network, trains it on its shard of the training data, and
:class:`~torch.nn.parallel.DistributedDataParallel` averages the gradients of every
step across the processes, so that all of them take the same optimizer steps and
keep the same weights. The processes are started by the function itself (spawned,
rendezvous in a temporary folder), or are already running under ``torchrun`` (any
number of machines; NCCL on GPUs), in which case each calls
:func:`fit_data_parallel` as its rank.

What stays as in a one-process fit, by construction:

* every data-dependent choice (the classes, the vocabulary, the input statistics,
  the "auto" batch size and budget, the validation split) is made on the whole
  training data, identically in every process (the seed of a ``random_state=None``
  fit is rank 0's, broadcast);
* ``batch_size`` is the global batch: each of ``N`` processes takes
  ``ceil(batch_size / N)`` sequences of its shard per step, so an epoch has as many
  steps as on one process when ``N`` divides ``batch_size``, and the
  learning-rate schedule is the same;
* each process buckets its own shard by length (the batches of a step have similar
  lengths within each process); the shards have equal sizes (the last ones are
  completed with a few samples drawn again, as ``DistributedSampler`` does), so
  every process takes the same number of steps;
* every process scores the whole validation set with the same weights, and the
  processes agree on one validation loss (an all-reduce), so the stopping rule
  decides the same everywhere; the training loss of the history is the mean over
  all processes' batches.

The result is an ordinary estimator, with the fitted attributes and the history a
one-process fit would have: it pickles, and predicts in a process with no
distributed set-up. (What differs is listed in the user guide: the gradient is the
mean of the processes' mean losses, which weights each process's batch equally.)
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import math
import os
import pickle
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from ._placement import cuda_device

__all__ = ["DataParallel", "active", "fit_data_parallel"]

#: Backends the launcher accepts.
BACKENDS = ("auto", "gloo", "nccl")


@dataclass(frozen=True)
class DataParallel:
    """The process group a fit trains in: this process's ``rank`` of
    ``world_size``."""

    rank: int
    world_size: int

    def broadcast_int(self, value: int) -> int:
        """Rank 0's ``value``, in every process."""
        box = torch.tensor([int(value)], dtype=torch.int64, device=_wire())
        dist.broadcast(box, src=0)
        return int(box.item())

    def local_batch_size(self, batch_size: int) -> int:
        """This process's share of a global ``batch_size``."""
        return max(1, -(-batch_size // self.world_size))

    def shard_index(self, n_samples: int, seed: int) -> np.ndarray:
        """The indices of this process's shard of ``n_samples``: a seeded
        permutation dealt round-robin, completed (wrapping around) so that every
        shard has ``ceil(n_samples / world_size)`` samples."""
        order = np.random.default_rng(seed).permutation(n_samples)
        size = -(-n_samples // self.world_size)
        padded = np.resize(order, size * self.world_size)
        return np.sort(padded[self.rank :: self.world_size])

    def mean_loss(self, loss: float, batch_size: int) -> tuple[float, int]:
        """The mean loss over the current step's batches of all processes, and
        their total size."""
        totals = torch.tensor(
            [loss * batch_size, float(batch_size)], dtype=torch.float64, device=_wire()
        )
        dist.all_reduce(totals)
        total_loss, total_size = totals.tolist()
        return total_loss / total_size, int(total_size)

    def agreed(self, value: float) -> float:
        """The mean over the processes of a ``value`` each computed on the same
        data: the same number in every process, to the last bit."""
        box = torch.tensor([value], dtype=torch.float64, device=_wire())
        dist.all_reduce(box)
        return box.item() / self.world_size


def _wire() -> torch.device:
    """Where the tensors of a collective must be: NCCL moves CUDA tensors only
    (on this process's GPU), gloo CPU ones."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _use_this_processs_gpu() -> None:
    """Under NCCL, make this process's GPU (see ``_placement``) torch's current
    device, on which its collectives run ("cuda" with no index, where the process
    sees one GPU: that one)."""
    if dist.get_backend() == "nccl":
        index = torch.device(cuda_device()).index
        torch.cuda.set_device(0 if index is None else index)


#: The group of the data-parallel fit running in this context: a context variable,
#: so that a fit in another thread of the process (which starts with an empty
#: context) never joins the group's collectives.
_ACTIVE: contextvars.ContextVar[DataParallel | None] = contextvars.ContextVar(
    "sklearn_rnn_data_parallel", default=None
)


def active() -> DataParallel | None:
    """The data-parallel group of the fit running in this context (None when
    fits are not data-parallel)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def _training_in(group: DataParallel) -> Iterator[None]:
    token = _ACTIVE.set(group)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def _check_estimator(estimator) -> BaseEstimator:
    """The estimator that trains (a pipeline's last step), or a TypeError."""
    from ._base import BaseRNN

    final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    if not isinstance(final, BaseRNN):
        raise TypeError(
            "fit_data_parallel trains an sklearn_rnn estimator (RNNClassifier, "
            "RNNRegressor, RNNTagger, RNNSeq2Seq) or a Pipeline ending with one; "
            f"got estimator={type(estimator).__name__}. Other estimators have no "
            "network to train in parallel: fit them as usual."
        )
    return final


def _check_backend(backend: str, final, n_processes: int) -> str:
    if backend not in BACKENDS:
        raise ValueError(
            f"backend={backend!r} is not one of {BACKENDS}: 'gloo' trains on CPUs "
            "(and GPUs), 'nccl' on NVIDIA GPUs, 'auto' picks nccl when the "
            "estimator trains on CUDA and NCCL is available, else gloo."
        )
    if backend != "auto":
        return backend
    on_cuda = final.device in ("auto", "cuda") or str(final.device).startswith("cuda")
    if (
        on_cuda
        and torch.cuda.is_available()
        and dist.is_nccl_available()
        and n_processes <= torch.cuda.device_count()
    ):
        return "nccl"
    return "gloo"  # (gloo also reduces CUDA tensors: several processes per GPU)


def _fit_as_rank(estimator, X, y, fit_params: dict, group: DataParallel):
    """Fit ``estimator`` (in place) as ``group.rank``: a pipeline's steps before
    the last are fitted in every process on all the data, as ``Pipeline.fit``
    does."""
    with _training_in(group):
        if y is None:
            estimator.fit(X, **fit_params)
        else:
            estimator.fit(X, y, **fit_params)
    return estimator


def _worker(
    rank: int, world_size: int, folder: str, backend: str, timeout_s: float
) -> None:
    """One spawned process: join the group, fit as this rank, and (rank 0) write
    the fitted estimator; an exception is written for the parent to raise."""
    folder = Path(folder)
    os.environ["LOCAL_RANK"] = str(rank)  # the GPU of this rank (see _placement)
    try:
        with open(folder / "job.pkl", "rb") as f:
            estimator, X, y, fit_params = pickle.load(f)
        dist.init_process_group(
            backend,
            init_method=f"file://{folder / 'rendezvous'}",
            rank=rank,
            world_size=world_size,
            timeout=datetime.timedelta(seconds=timeout_s),
        )
        try:
            _use_this_processs_gpu()
            _fit_as_rank(estimator, X, y, fit_params, DataParallel(rank, world_size))
        finally:
            dist.destroy_process_group()
        if rank == 0:
            with open(folder / "result.pkl.part", "wb") as f:
                pickle.dump(estimator, f)
            os.replace(folder / "result.pkl.part", folder / "result.pkl")
    except BaseException as exc:
        when = time.monotonic()  # system-wide: the first failure is the cause
        text = traceback.format_exc()
        with open(folder / f"error-{rank}.pkl", "wb") as f:
            try:
                pickle.dump((when, exc, text), f)
            except Exception:  # an exception that does not pickle
                pickle.dump((when, None, text), f)
        raise


def _is_consequence(exc: BaseException | None) -> bool:
    """Whether ``exc`` is a process's reaction to another's failure (the group's
    connection closed, a collective timed out) rather than a cause."""
    if exc is None or isinstance(exc, KeyboardInterrupt):
        return True
    backend_error = getattr(dist, "DistBackendError", ())
    message = str(exc)
    return isinstance(exc, backend_error) or any(
        sign in message
        for sign in ("Connection closed by peer", "Connection reset", "Timed out")
    )


def _raise_worker_error(folder: Path, failure: BaseException) -> None:
    """Raise the exception of the process that failed first, as itself (a
    ValueError about the data stays a ValueError). Errors that are only the
    others' reaction to it (a closed connection) come last."""
    reports = []
    for path in folder.glob("error-*.pkl"):
        try:
            with open(path, "rb") as f:
                when, exc, text = pickle.load(f)
        except Exception:  # an exception that pickles but does not unpickle
            continue
        reports.append((_is_consequence(exc), when, path.stem, exc, text))
    for _, _, name, exc, text in sorted(reports, key=lambda r: r[:2]):
        if exc is not None and not isinstance(exc, KeyboardInterrupt):
            raise exc from RuntimeError(f"in the process of {name}:\n{text}")
    texts = "\n".join(text for *_, text in reports)
    raise RuntimeError(
        "A process of fit_data_parallel failed without reporting an error that "
        f"can be raised here (killed, out of memory?): {failure}\n{texts}"
    ) from failure


def fit_data_parallel(
    estimator,
    X,
    y=None,
    *,
    n_processes: int | None = None,
    backend: str = "auto",
    timeout: float = 1800.0,
    **fit_params,
):
    """Fit an estimator on several processes, each on its shard of the data.

    A data-parallel fit through PyTorch's ``torch.distributed`` engine: every
    process trains the same network on its shard of ``(X, y)``, and
    ``DistributedDataParallel`` averages the gradients of each step across them.
    Outside ``torchrun``, the function starts ``n_processes`` processes itself
    (spawned: a script that calls it must guard its main code with
    ``if __name__ == "__main__":``) and waits for them. Under ``torchrun`` (or any
    launcher that initialises ``torch.distributed``), each process calls it as its
    rank, with the same arguments.

    The fitted estimator is an ordinary one, with the attributes and the history
    a one-process fit would have: it pickles and predicts in any process.
    ``batch_size`` stays the global batch (split across the processes), the
    data-dependent choices (classes, vocabulary, validation split) are made on all
    the data, and early stopping works as in one process (every process scores
    the whole validation set). See "Scaling out and deploying" in the user guide.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor, RNNTagger, RNNSeq2Seq or Pipeline
        The estimator to fit, in place (a pipeline's last step must be one of
        these; its earlier steps are fitted in every process, on all the data).
    X : array-like or list of sequences
        The training input, as for ``estimator.fit``. Each process receives all of
        it and trains on its shard.
    y : array-like or list, default=None
        The targets, as for ``estimator.fit``.
    n_processes : int, default=None
        How many processes to start. None: 2, or, under ``torchrun``, the size of
        the running process group (a different number raises).
    backend : {"auto", "gloo", "nccl"}, default="auto"
        The ``torch.distributed`` backend of processes this function starts:
        "gloo" for CPUs, "nccl" for NVIDIA GPUs; "auto" is "nccl" when the
        estimator trains on CUDA, else "gloo". Under ``torchrun`` the backend of
        the running group is used.
    timeout : float, default=1800.0
        Seconds a process waits for the others in one collective operation before
        the fit fails (a process that died, a hung one). Under ``torchrun``, the
        running group's timeout applies instead.
    **fit_params : dict
        Passed on to ``estimator.fit`` (``sample_weight``, ``X_val``, ``y_val``
        ...; for a pipeline, ``step__param`` names).

    Returns
    -------
    estimator : object
        The fitted estimator (the same object).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier, fit_data_parallel
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(64, 10, 1)).astype("float32")
    >>> y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=8, max_iter=2, random_state=0)
    >>> clf = fit_data_parallel(clf, X, y, n_processes=2)  # doctest: +SKIP
    >>> clf.predict(X[:3]).shape  # doctest: +SKIP
    (3,)
    """
    final = _check_estimator(estimator)
    if n_processes is not None and (
        isinstance(n_processes, bool)
        or not isinstance(n_processes, int)
        or n_processes < 1
    ):
        raise ValueError(
            f"n_processes={n_processes!r} must be a positive integer (the number "
            "of processes to train on), or None."
        )
    if not (
        isinstance(timeout, int | float) and math.isfinite(timeout) and timeout > 0
    ):
        raise ValueError(f"timeout={timeout!r} must be a positive number of seconds.")
    if dist.is_available() and dist.is_initialized():
        world_size = dist.get_world_size()
        if n_processes is not None and n_processes != world_size:
            raise ValueError(
                f"n_processes={n_processes} does not match the running process "
                f"group of {world_size} processes (torchrun's --nproc_per_node x "
                "--nnodes). Pass n_processes=None under torchrun."
            )
        group = DataParallel(dist.get_rank(), world_size)
        _use_this_processs_gpu()
        return _fit_as_rank(estimator, X, y, fit_params, group)

    if not dist.is_available():
        raise RuntimeError(
            "This build of torch has no torch.distributed; install one that has."
        )
    n_processes = 2 if n_processes is None else n_processes
    backend = _check_backend(backend, final, n_processes)
    if backend == "nccl" and n_processes > torch.cuda.device_count():
        raise ValueError(
            f"backend='nccl' runs one process per GPU, but n_processes={n_processes} "
            f"and this machine has {torch.cuda.device_count()} GPU(s). Pass "
            "n_processes at most the number of GPUs, or backend='gloo'."
        )
    with tempfile.TemporaryDirectory(prefix="sklearn_rnn_ddp_") as tmp:
        folder = Path(tmp)
        with open(folder / "job.pkl", "wb") as f:
            pickle.dump((estimator, X, y, fit_params), f)
        context = torch.multiprocessing.start_processes(
            _worker,
            args=(n_processes, str(folder), backend, float(timeout)),
            nprocs=n_processes,
            join=False,
            start_method="spawn",
        )
        try:
            while not context.join():  # (the others are stopped if one fails)
                pass
        except Exception as failure:
            _raise_worker_error(folder, failure)
        finally:
            # Interrupted (Ctrl-C, a notebook's interrupt): no process trains on.
            for process in context.processes:
                if process.is_alive():
                    process.terminate()
                process.join()
        with open(folder / "result.pkl", "rb") as f:
            fitted = pickle.load(f)
    _take_state(estimator, fitted)
    return estimator


def _take_state(estimator, fitted) -> None:
    """Make ``estimator`` the fitted copy, in place (a pipeline's steps too, so
    that the objects the caller holds are the fitted ones, as after ``fit``)."""
    if isinstance(estimator, Pipeline):
        for (_, step), (_, fitted_step) in zip(
            estimator.steps, fitted.steps, strict=True
        ):
            if isinstance(step, BaseEstimator):
                _take_state(step, fitted_step)
        return
    # The parameters stay the caller's objects (a callback passed in stays that
    # object; it ran in the processes, on copies).
    params = estimator.get_params(deep=False)
    estimator.__dict__.clear()
    estimator.__dict__.update(fitted.__dict__)
    estimator.__dict__.update(params)
