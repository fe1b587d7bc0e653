"""Searches across a cluster: joblib's Dask and Ray backends, threads, GPU placement.

* A ``GridSearchCV`` whose fits run on the two workers of a Dask ``LocalCluster`` (or
  on Ray's joblib backend) gives exactly the ``cv_results_`` of the same search run
  with ``n_jobs=1``: a fit depends on its ``random_state`` alone, not on the process.
* Each fit in a worker (Dask, loky) runs with the estimator's thread setting: one
  torch thread for ``n_jobs=None``, two for ``n_jobs=2``.
* GPU placement (``sklearn_rnn._placement``), on the CPU with mocked device counts:
  the worker index from the environment, a Dask worker's name or a loky worker's
  number; ``cuda:{index % n_gpus}`` round-robin; and the indices that real Dask and
  loky workers report.

The Dask cluster and Ray are started once per test process (module-scoped fixtures,
5-10 s each on 2 cores, most of it the workers importing torch) and closed at the
module's end. The module takes about 35-40 s on 2 cores (with ``-n 2`` too), up to
65 s while other work runs on them.
"""

import multiprocessing
import os
import sys
import types
from contextlib import contextmanager

import joblib
import numpy as np
import pytest
import torch
from _helpers import sign_task
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, _placement, _training

TESTS = os.path.dirname(os.path.abspath(__file__))
# n_jobs=None (the default): one torch thread per fit, in every backend's workers.
FAST = dict(max_iter=4, lr=0.03, random_state=0, device="cpu")
GRID = {"hidden_size": [4, 8], "cell": ["gru", "lstm"]}
CV = KFold(n_splits=3, shuffle=True, random_state=0)
#: One short epoch: enough for a fit to show its thread count.
ONE_EPOCH = dict(hidden_size=4, max_iter=1, random_state=0, device="cpu")
#: joblib's default backend with its workers' thread limit (OMP_NUM_THREADS, which
#: torch follows up to the core count) at 1 or at 3, so that they start with a
#: thread count other than the one a test expects of a fit.
LOKY_WORKERS_START_AT = {1: dict(backend="loky", inner_max_num_threads=3)}
LOKY_WORKERS_START_AT[2] = dict(backend="loky", inner_max_num_threads=1)

#: The per-split scores and their summaries, compared exactly across backends.
SCORE_KEYS = (
    *(f"split{i}_test_score" for i in range(CV.get_n_splits())),
    "mean_test_score",
    "std_test_score",
    "rank_test_score",
)


def _data(n=48):
    X, signal = sign_task(n=n, t=6, seed=3)
    return X, signal > 0


class RecordFit(Callback):
    """Records, in the fit's history, the process and torch's thread count at the
    start of training (checked in the main process on the returned estimators); with
    ``not_in`` (a process id), refuses to train in that process, so that a search
    with ``error_score="raise"`` fails if any of its fits ran there."""

    def __init__(self, not_in=None):
        self.not_in = not_in

    def on_train_begin(self, net, **kwargs):
        if self.not_in is not None and os.getpid() == self.not_in:
            raise RuntimeError("this fit ran in the main process, not in a worker")
        self.seen_ = {"pid": os.getpid(), "threads": torch.get_num_threads()}

    def on_epoch_end(self, net, **kwargs):
        net.history.record("fit_pid", self.seen_["pid"])
        net.history.record("fit_threads", self.seen_["threads"])


def _seen(estimator, key):
    return {row[key] for row in estimator.net_.history}


def _search(n_jobs, **params):
    return GridSearchCV(
        RNNClassifier(**FAST, **params),
        GRID,
        cv=CV,
        n_jobs=n_jobs,
        refit=False,
        error_score="raise",
    )


def assert_same_results(search, reference):
    got, expected = search.cv_results_, reference.cv_results_
    assert got["params"] == expected["params"]
    for key in SCORE_KEYS:
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)


@contextmanager
def environment_restored():
    """Undo what a cluster writes into this process's environment: Dask's nannies
    put their workers' variables there (OMP_NUM_THREADS, MALLOC_TRIM_THRESHOLD_,
    PYTHONHASHSEED, ...), Ray its own (PYTHONBREAKPOINT, which breakpoint() reads,
    RAY_AUTH_MODE, ...); the processes that later tests start would inherit them."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for variable in set(os.environ) - set(saved):
            del os.environ[variable]
        os.environ.update(saved)


@pytest.fixture(scope="module")
def sequential_search():
    """The reference: the search run in this process, one fit after another."""
    search = _search(n_jobs=1).fit(*_data())
    # The candidates differ, so equal results are no coincidence of constant scores.
    assert len(set(search.cv_results_["mean_test_score"])) > 1
    return search


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with environment_restored():
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: 8787 may be taken (pytest -n 2)
        )
        client = distributed.Client(cluster)
        try:
            # The workers import torch once, here, rather than inside a timed test.
            client.run(__import__, "sklearn_rnn")
            yield client
        finally:
            client.close()
            cluster.close()


@pytest.fixture(scope="module")
def ray_backend():
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    if ray.is_initialized():  # pragma: no cover - someone else's Ray
        pytest.skip("Ray is already initialized in this process")
    # Ray's workers do not inherit this process's sys.path: they find the tests'
    # modules (RecordFit, pickled by reference) through PYTHONPATH.
    path = os.pathsep.join([TESTS, *filter(None, [os.environ.get("PYTHONPATH")])])
    with environment_restored():
        try:
            ray.init(
                num_cpus=2,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
                runtime_env={"env_vars": {"PYTHONPATH": path}},
            )
        except Exception as exc:  # the machine's doing (shared memory, ports), not ours
            pytest.skip(f"Ray does not start on this machine: {exc!r}")
        try:
            register_ray()
            yield ray
        finally:
            ray.shutdown()


# --- Dask ----------------------------------------------------------------------------


def test_dask_search_gives_the_results_of_the_sequential_search(
    dask_client, sequential_search
):
    with parallel_config(backend="dask"):
        search = _search(n_jobs=2, callbacks=[RecordFit(not_in=os.getpid())])
        search.fit(*_data())
    assert_same_results(search, sequential_search)


def _cross_validated_fits(n_jobs):
    """Two cross-validated fits, in workers of the active backend."""
    X, y = _data(n=16)
    clf = RNNClassifier(**ONE_EPOCH, n_jobs=n_jobs, callbacks=[RecordFit()])
    return cross_validate(
        clf, X, y, cv=2, n_jobs=2, return_estimator=True, error_score="raise"
    )["estimator"]


@pytest.mark.parametrize(
    ("n_jobs", "expected"),
    [(None, 1), (2, 2)],
    ids=["n_jobs=None", "n_jobs=2"],
)
def test_fits_under_the_dask_backend_use_the_estimator_threads(
    dask_client, n_jobs, expected
):
    # The workers start from 3 threads: 1 or 2 are the estimator's doing.
    dask_client.run(torch.set_num_threads, 3)
    try:
        with parallel_config(backend="dask"):
            fitted = _cross_validated_fits(n_jobs)
            # What GridSearchCV's refit does: a fit in the main process, inside
            # the search's ``parallel_config(backend="dask")`` block.
            refit = RNNClassifier(**ONE_EPOCH, n_jobs=n_jobs, callbacks=[RecordFit()])
            refit.fit(*_data(n=16))
    finally:
        dask_client.run(torch.set_num_threads, 1)
    assert os.getpid() not in set().union(*(_seen(est, "fit_pid") for est in fitted))
    assert set().union(*(_seen(est, "fit_threads") for est in fitted)) == {expected}
    assert _seen(refit, "fit_threads") == {expected}


def _placed_on_two_gpus():
    """This process's worker index, and what ``device="cuda"`` would mean in it on a
    machine with two GPUs."""
    real = torch.cuda.device_count
    torch.cuda.device_count = lambda: 2
    try:
        return _placement.worker_index(), _placement.cuda_device()
    finally:
        torch.cuda.device_count = real


def test_dask_localcluster_workers_are_indexed_0_and_1(dask_client):
    # In a task (where the worker's name is known), on each worker in turn.
    placed = {
        address: dask_client.submit(
            _placed_on_two_gpus, workers=[address], pure=False
        ).result()
        for address in dask_client.scheduler_info()["workers"]
    }
    assert sorted(placed.values()) == [(0, "cuda:0"), (1, "cuda:1")]


# --- Ray -----------------------------------------------------------------------------


def test_ray_search_gives_the_results_of_the_sequential_search(
    ray_backend, sequential_search
):
    with parallel_config(backend="ray"):
        search = _search(n_jobs=2, callbacks=[RecordFit(not_in=os.getpid())])
        search.fit(*_data())
    assert_same_results(search, sequential_search)


# --- loky (joblib's default) ---------------------------------------------------------


def _pid_index_threads():
    return os.getpid(), _placement.worker_index(), torch.get_num_threads()


def _loky_workers(config):
    """The process id, worker index and torch thread count of loky's workers."""
    with parallel_config(**config):
        return joblib.Parallel(n_jobs=2)(
            joblib.delayed(_pid_index_threads)() for _ in range(4)
        )


@pytest.mark.parametrize(
    ("n_jobs", "expected"), [(None, 1), (2, 2)], ids=["n_jobs=None", "n_jobs=2"]
)
def test_fits_in_loky_workers_use_the_estimator_threads(n_jobs, expected):
    config = LOKY_WORKERS_START_AT[expected]
    if {threads for _, _, threads in _loky_workers(config)} == {expected}:
        pytest.skip(f"loky's workers start with {expected} threads on this machine")
    with parallel_config(**config):
        fitted = _cross_validated_fits(n_jobs)
    assert os.getpid() not in set().union(*(_seen(est, "fit_pid") for est in fitted))
    assert set().union(*(_seen(est, "fit_threads") for est in fitted)) == {expected}


def test_loky_workers_have_an_index():
    seen = _loky_workers(LOKY_WORKERS_START_AT[2])  # joblib's default here
    assert all(pid != os.getpid() for pid, _, _ in seen)
    assert all(isinstance(index, int) and index >= 0 for _, index, _ in seen)


# --- GPU placement, with mocked device counts --------------------------------------


@pytest.fixture
def no_index(monkeypatch):
    """A process that is no worker of a parallel run: no index variables, no
    multiprocessing number (whatever the machine running the tests sets); outside a
    Dask task, ``distributed.get_worker`` raises, as it does here."""
    for variable in _placement.INDEX_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(multiprocessing.current_process(), "_identity", ())
    return monkeypatch


def _gpus(monkeypatch, n):
    """Pretend that this machine has ``n`` CUDA devices, and that any of them
    takes a tensor (what resolve_device tries); the devices tried are recorded."""
    tried = []
    real_empty = torch.empty

    def empty(*args, device=None, **kwargs):
        if device is not None and torch.device(device).type == "cuda":
            index = torch.device(device).index
            assert index is None or index < n, f"{device} does not exist"
            tried.append(str(device))
            return real_empty(*args, **kwargs)
        return real_empty(*args, device=device, **kwargs)

    monkeypatch.setattr(torch.cuda, "is_available", lambda: n > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: n)
    monkeypatch.setattr(torch, "empty", empty)
    return tried


def test_the_main_process_is_no_worker(no_index):
    assert _placement.worker_index() is None


@pytest.mark.parametrize("variable", _placement.INDEX_VARIABLES)
def test_the_index_comes_from_the_environment(no_index, variable):
    no_index.setenv(variable, "3")
    assert _placement.worker_index() == 3


def test_local_rank_comes_before_the_other_sources(no_index):
    no_index.setenv("SKLEARN_RNN_WORKER_INDEX", "5")
    no_index.setattr(_placement, "_dask_worker", lambda: (True, 7))
    no_index.setattr(multiprocessing.current_process(), "_identity", (9,))
    no_index.setenv("LOCAL_RANK", "2")
    assert _placement.worker_index() == 2
    no_index.delenv("LOCAL_RANK")
    assert _placement.worker_index() == 5
    no_index.delenv("SKLEARN_RNN_WORKER_INDEX")
    assert _placement.worker_index() == 7  # the Dask worker's name
    no_index.setattr(_placement, "_dask_worker", lambda: (False, None))
    assert _placement.worker_index() == 8  # the multiprocessing number, from 0


@pytest.mark.parametrize("value", ["-1", "x", "1.5", "", "0x1"])
@pytest.mark.parametrize("variable", _placement.INDEX_VARIABLES)
def test_a_bad_index_variable_is_a_clear_error(no_index, variable, value):
    no_index.setenv(variable, value)
    with pytest.raises(ValueError, match=f"{variable}=.*non-negative integer"):
        _placement.worker_index()


def test_a_bad_local_rank_is_reported_even_with_a_good_worker_index(no_index):
    no_index.setenv("SKLEARN_RNN_WORKER_INDEX", "1")
    no_index.setenv("LOCAL_RANK", "gpu1")
    with pytest.raises(ValueError, match="LOCAL_RANK='gpu1'"):
        _placement.worker_index()


@pytest.mark.parametrize(
    ("name", "expected"), [(0, 0), (3, 3), ("2", 2), ("tcp://10.0.0.1:4242", None)]
)
def test_a_dask_worker_index_is_its_integer_name(no_index, name, expected):
    distributed = pytest.importorskip("distributed")
    worker = types.SimpleNamespace(name=name)
    no_index.setattr(distributed, "get_worker", lambda: worker)
    # The worker process's multiprocessing number never stands in for its name.
    no_index.setattr(multiprocessing.current_process(), "_identity", (3,))
    assert _placement.worker_index() == expected


def test_a_dask_cuda_worker_keeps_its_own_gpu(no_index):
    # dask-cuda shows each worker its own GPU first (CUDA_VISIBLE_DEVICES="1,0"
    # for worker 1): an index of ours would send worker 1 to cuda:1, worker 0's.
    distributed = pytest.importorskip("distributed")
    no_index.setattr(distributed, "get_worker", lambda: types.SimpleNamespace(name=1))
    no_index.setitem(sys.modules, "dask_cuda", types.ModuleType("dask_cuda"))
    # A Dask worker process has a multiprocessing number too: it does not count.
    no_index.setattr(multiprocessing.current_process(), "_identity", (3,))
    no_index.setattr(torch.cuda, "device_count", lambda: 2)
    assert _placement.worker_index() is None
    assert _placement.cuda_device() == "cuda"


def test_outside_a_dask_task_there_is_no_dask_index(no_index):
    distributed = pytest.importorskip("distributed")
    with pytest.raises(ValueError):
        distributed.get_worker()
    assert _placement.worker_index() is None


@pytest.mark.parametrize(("identity", "expected"), [((1,), 0), ((2,), 1), ((1, 4), 3)])
def test_a_multiprocessing_worker_index_is_its_number(no_index, identity, expected):
    no_index.setattr(multiprocessing.current_process(), "_identity", identity)
    assert _placement.worker_index() == expected


@pytest.mark.parametrize("n_gpus", [2, 3])
def test_workers_take_the_gpus_round_robin(no_index, n_gpus):
    _gpus(no_index, n_gpus)
    devices = []
    for index in range(4):
        no_index.setenv("SKLEARN_RNN_WORKER_INDEX", str(index))
        devices.append(_placement.cuda_device())
    assert devices == [f"cuda:{i % n_gpus}" for i in range(4)]
    assert set(devices) == {f"cuda:{i}" for i in range(n_gpus)}  # never all on 0


@pytest.mark.parametrize("n_gpus", [0, 1])
def test_one_gpu_or_none_is_torch_cuda(no_index, n_gpus):
    _gpus(no_index, n_gpus)
    no_index.setenv("SKLEARN_RNN_WORKER_INDEX", "1")
    assert _placement.cuda_device() == "cuda"


def test_the_main_process_keeps_torch_cuda(no_index):
    _gpus(no_index, 2)
    assert _placement.cuda_device() == "cuda"


def test_resolve_device_places_cuda_and_auto_per_worker(no_index):
    tried = _gpus(no_index, 2)
    resolved = {}
    for index in range(4):
        no_index.setenv("SKLEARN_RNN_WORKER_INDEX", str(index))
        resolved[index] = [
            _training.resolve_device(device) for device in ("cuda", "auto", "cuda:0")
        ]
    assert resolved == {
        0: ["cuda:0", "cuda:0", "cuda:0"],
        1: ["cuda:1", "cuda:1", "cuda:0"],  # an explicit cuda:N is kept
        2: ["cuda:0", "cuda:0", "cuda:0"],
        3: ["cuda:1", "cuda:1", "cuda:0"],
    }
    tried.clear()
    _training.resolve_device("cuda")
    assert tried == ["cuda:1"]  # checked on the device it resolved to
    assert _training.resolve_device("cpu") == "cpu"


def test_resolve_device_in_the_main_process_and_on_one_gpu(no_index):
    _gpus(no_index, 2)
    assert _training.resolve_device("cuda") == "cuda"
    assert _training.resolve_device("auto") == "cuda"
    _gpus(no_index, 1)
    no_index.setenv("SKLEARN_RNN_WORKER_INDEX", "1")
    assert _training.resolve_device("cuda") == "cuda"
    _gpus(no_index, 0)
    assert _training.resolve_device("auto") == "cpu"
    with pytest.raises(ValueError, match="CUDA is not available"):
        _training.resolve_device("cuda")


def test_resolve_device_reports_a_bad_index_variable(no_index):
    _gpus(no_index, 2)
    no_index.setenv("LOCAL_RANK", "-2")
    with pytest.raises(ValueError, match="LOCAL_RANK='-2'"):
        _training.resolve_device("cuda")
    assert _training.resolve_device("cpu") == "cpu"  # the CPU needs no index
