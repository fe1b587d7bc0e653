"""Data-parallel training: fit_data_parallel on torch.distributed (gloo, CPU).

The spawned runs start two processes each (a few seconds of start-up), so they are
few and each checks several things; the rest runs in this process, in a process
group of one, through the same code (DistributedDataParallel, the shards, the
collectives).
"""

import pickle
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest
import torch
import torch.distributed as dist
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback

from sklearn_rnn import (
    RNNClassifier,
    RNNRegressor,
    RNNSeq2Seq,
    RNNTagger,
    SequenceVectorizer,
    fit_data_parallel,
)
from sklearn_rnn._distributed import (
    DataParallel,
    _check_backend,
    _raise_worker_error,
    _training_in,
    _use_this_processs_gpu,
    active,
)

pytestmark = pytest.mark.skipif(
    not dist.is_available(), reason="this torch has no torch.distributed"
)


def _task(n, seed):
    """Ragged 2-channel series; the label is the sign of the first channel's sum."""
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(t, 2)).astype(np.float32) for t in rng.integers(4, 24, n)]
    y = np.array([int(x[:, 0].sum() > 0) for x in X])
    return X, y


# --------------------------------------------------------------------------------------
# Shards and batches
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, world", [(10, 2), (11, 2), (7, 3), (2, 4), (100, 1)])
def test_shards_are_equal_and_cover_the_data(n, world):
    shards = [DataParallel(r, world).shard_index(n, seed=3) for r in range(world)]
    sizes = {len(s) for s in shards}
    assert sizes == {-(-n // world)}  # equal: every process takes as many steps
    together = np.concatenate(shards)
    assert set(together.tolist()) == set(range(n))  # nothing left out
    # Only the completion repeats samples: at most world - 1 of them.
    assert len(together) - n == -(-n // world) * world - n
    assert len(together) - n < world


def test_shards_follow_the_seed():
    a = DataParallel(0, 2).shard_index(50, seed=1)
    assert np.array_equal(a, DataParallel(0, 2).shard_index(50, seed=1))
    assert not np.array_equal(a, DataParallel(0, 2).shard_index(50, seed=2))


@pytest.mark.parametrize("batch, world, local", [(32, 2, 16), (33, 2, 17), (1, 4, 1)])
def test_the_global_batch_is_split(batch, world, local):
    assert DataParallel(0, world).local_batch_size(batch) == local


# --------------------------------------------------------------------------------------
# In a process group of one: the data-parallel path changes nothing
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_group_of_one_trains_as_one_process(group_of_one, early_stopping):
    X, y = _task(80, seed=0)
    params = dict(
        hidden_size=8,
        max_iter=4,
        batch_size=16,
        dropout=0.0,
        early_stopping=early_stopping,
        n_iter_no_change=2,
        random_state=0,
    )
    alone = RNNClassifier(**params).fit(X, y)
    parallel = fit_data_parallel(RNNClassifier(**params), X, y)
    assert active() is None  # the group is this call's only
    np.testing.assert_allclose(parallel.loss_curve_, alone.loss_curve_, rtol=1e-6)
    np.testing.assert_allclose(
        parallel.predict_proba(X), alone.predict_proba(X), rtol=0, atol=1e-6
    )
    assert parallel.n_iter_ == alone.n_iter_
    assert parallel.validation_scores_ == alone.validation_scores_
    # An ordinary fitted estimator: no process group in its net.
    assert parallel.net_.data_parallel is None
    assert "_ddp_module" not in parallel.net_.__dict__
    pickle.loads(pickle.dumps(parallel)).predict(X)


def test_random_state_none_takes_rank_zeros_seed(group_of_one, monkeypatch):
    X, y = _task(40, seed=1)
    seen = []
    original = DataParallel.broadcast_int

    def broadcast(self, value):
        seen.append(value)
        return original(self, value)

    monkeypatch.setattr(DataParallel, "broadcast_int", broadcast)
    clf = fit_data_parallel(RNNClassifier(hidden_size=4, max_iter=1), X, y)
    assert seen == [clf._seed]


@pytest.mark.parametrize(
    "make",
    [
        lambda: (
            RNNRegressor(hidden_size=4, max_iter=2, random_state=0),
            *_task(30, seed=2),
        ),
        lambda: (
            RNNTagger(hidden_size=4, max_iter=2, random_state=0),
            [["a", "b", "c"], ["b", "a"], ["c"], ["a", "c", "b", "a"]] * 4,
            [["X", "Y", "Z"], ["Y", "X"], ["Z"], ["X", "Z", "Y", "X"]] * 4,
        ),
        lambda: (
            RNNSeq2Seq(hidden_size=8, max_iter=2, random_state=0),
            ["abc", "ba", "cab", "a"] * 4,
            ["cba", "ab", "bac", "a"] * 4,
        ),
    ],
    ids=["regressor", "tagger", "seq2seq"],
)
def test_every_estimator_trains_data_parallel(group_of_one, make):
    estimator, X, y = make()
    alone = clone(estimator).fit(X, y)
    parallel = fit_data_parallel(estimator, X, y)
    np.testing.assert_allclose(parallel.loss_curve_, alone.loss_curve_, rtol=1e-5)
    predicted, expected = parallel.predict(X[:3]), alone.predict(X[:3])
    if isinstance(estimator, RNNRegressor):
        np.testing.assert_allclose(predicted, expected, rtol=1e-5)
    else:  # tags and output strings
        assert [list(p) for p in predicted] == [list(e) for e in expected]


def test_a_warm_start_continues_in_the_group(group_of_one):
    X, y = _task(40, seed=3)
    params = dict(hidden_size=4, max_iter=2, warm_start=True, random_state=0)
    alone = RNNClassifier(**params).fit(X, y).fit(X, y)
    parallel = fit_data_parallel(RNNClassifier(**params), X, y)
    fit_data_parallel(parallel, X, y)
    assert parallel.n_iter_ == 4
    np.testing.assert_allclose(parallel.loss_curve_, alone.loss_curve_, rtol=1e-6)


class _FailingCallback(Callback):
    def on_epoch_begin(self, net, **kwargs):
        raise RuntimeError("a user's callback failed")


def test_a_failed_continuation_leaves_no_process_group_in_the_net(group_of_one):
    X, y = _task(40, seed=3)
    clf = fit_data_parallel(RNNClassifier(hidden_size=4, max_iter=1), X, y)
    clf.set_params(warm_start=True, callbacks=[_FailingCallback()])
    with pytest.raises(RuntimeError, match="a user's callback failed"):
        fit_data_parallel(clf, X, y)
    assert clf.net_.data_parallel is None
    assert clf.net_.train_split is None
    assert active() is None


def test_the_group_is_not_seen_from_other_threads():
    seen = {}
    with _training_in(DataParallel(0, 2)):
        thread = threading.Thread(target=lambda: seen.setdefault("other", active()))
        thread.start()
        thread.join()
        seen["this"] = active()
    assert seen == {"other": None, "this": DataParallel(0, 2)}
    assert active() is None


def _nccl_process(monkeypatch, n_gpus, local_rank):
    monkeypatch.setattr(dist, "get_backend", lambda: "nccl")
    monkeypatch.setattr(torch.cuda, "device_count", lambda: n_gpus)
    monkeypatch.setenv("LOCAL_RANK", str(local_rank))
    chosen = []
    monkeypatch.setattr(torch.cuda, "set_device", chosen.append)
    return chosen


@pytest.mark.parametrize(
    "n_gpus, local_rank, expected", [(1, 0, 0), (1, 3, 0), (2, 1, 1), (4, 6, 2)]
)
def test_under_nccl_each_process_uses_its_gpu(
    monkeypatch, n_gpus, local_rank, expected
):
    chosen = _nccl_process(monkeypatch, n_gpus, local_rank)
    _use_this_processs_gpu()
    assert chosen == [expected]  # an index (torch refuses a bare "cuda")


@pytest.mark.parametrize("n_gpus, expected", [(0, "gloo"), (1, "gloo"), (2, "nccl")])
def test_auto_backend_is_nccl_with_a_gpu_per_process(monkeypatch, n_gpus, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: n_gpus > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: n_gpus)
    monkeypatch.setattr(dist, "is_nccl_available", lambda: True)
    assert _check_backend("auto", RNNClassifier(device="cuda"), 2) == expected
    assert _check_backend("auto", RNNClassifier(device="cpu"), 2) == "gloo"


def _error_file(folder, rank, when, exc):
    with open(folder / f"error-{rank}.pkl", "wb") as f:
        pickle.dump((when, exc, f"Traceback of rank {rank}"), f)


def test_the_cause_is_raised_not_the_others_reaction(tmp_path):
    # Rank 1 fails; rank 0 then loses its connection. Even when rank 0's report
    # is the earlier one, the cause is raised, as itself.
    _error_file(tmp_path, 0, 1.0, RuntimeError("[gloo] Connection closed by peer"))
    _error_file(tmp_path, 1, 2.0, ValueError("y has NaN"))
    with pytest.raises(ValueError, match="y has NaN") as info:
        _raise_worker_error(tmp_path, RuntimeError("process 1 exited"))
    assert "error-1" in str(info.value.__cause__)


def test_the_first_of_two_causes_is_raised(tmp_path):
    for rank, when in [(2, 5.0), (10, 3.0)]:  # not in name order
        _error_file(tmp_path, rank, when, KeyError(f"rank {rank}"))
    with pytest.raises(KeyError, match="rank 10"):
        _raise_worker_error(tmp_path, RuntimeError("exited"))


def test_a_killed_process_is_reported(tmp_path):
    (tmp_path / "error-0.pkl").write_bytes(b"not a pickle")
    with pytest.raises(RuntimeError, match="killed, out of memory"):
        _raise_worker_error(tmp_path, RuntimeError("process 0 exited with SIGKILL"))


def test_under_a_launcher_n_processes_must_match(group_of_one):
    X, y = _task(20, seed=0)
    with pytest.raises(ValueError, match="n_processes=2 does not match"):
        fit_data_parallel(RNNClassifier(max_iter=1), X, y, n_processes=2)


# --------------------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"estimator": "not a model"}, TypeError, "estimator=str"),
        ({"n_processes": 0}, ValueError, "n_processes=0"),
        ({"n_processes": 1.5}, ValueError, "n_processes=1.5"),
        ({"backend": "mpi"}, ValueError, "backend='mpi'"),
        ({"timeout": -1}, ValueError, "timeout=-1"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    X, y = _task(10, seed=0)
    args = {"estimator": RNNClassifier(max_iter=1), **kwargs}
    with pytest.raises(error, match=match):
        fit_data_parallel(args.pop("estimator"), X, y, **args)


def test_nccl_needs_a_gpu_per_process(monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    X, y = _task(10, seed=0)
    with pytest.raises(ValueError, match="n_processes=2 and this machine has 1 GPU"):
        fit_data_parallel(
            RNNClassifier(max_iter=1), X, y, n_processes=2, backend="nccl"
        )


# --------------------------------------------------------------------------------------
# Two processes (spawned, gloo)
# --------------------------------------------------------------------------------------


def test_two_processes_learn_as_well_as_one(tmp_path):
    """The 2-process fit reaches the accuracy of a one-process fit on the same data,
    with early stopping, the same fitted attributes and history, and its pickle
    predicts in a plain Python process."""
    X, y = _task(600, seed=0)
    X_test, y_test = _task(300, seed=1)
    params = dict(
        hidden_size=16,
        max_iter=12,
        batch_size=32,
        early_stopping=True,
        n_iter_no_change=3,
        random_state=0,
    )
    alone = RNNClassifier(**params).fit(X, y)
    callbacks = []
    parallel = RNNClassifier(callbacks=callbacks, **params)
    assert fit_data_parallel(parallel, X, y, n_processes=2) is parallel
    assert parallel.callbacks is callbacks  # the parameters stay the caller's
    assert alone.score(X_test, y_test) > 0.85
    assert parallel.score(X_test, y_test) > alone.score(X_test, y_test) - 0.04

    fitted = {k for k in vars(alone) if k.endswith("_") and not k.startswith("__")}
    assert fitted == {
        k for k in vars(parallel) if k.endswith("_") and not k.startswith("__")
    }
    assert parallel.net_.batch_size == 32  # the global batch, as in one process
    assert parallel.n_iter_ == len(parallel.net_.history) == len(parallel.loss_curve_)
    assert len(parallel.validation_scores_) == parallel.n_iter_
    # Each epoch's training loss covers both processes' batches: all 540 training
    # samples (600 less the 60 held out), as in one process.
    assert sum(parallel.net_.history[0, "batches", :, "train_batch_size"]) == 540
    assert parallel.net_.data_parallel is None

    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(parallel))
    np.save(tmp_path / "X.npy", np.stack([x[:4] for x in X_test[:5]]))
    code = textwrap.dedent(
        f"""
        import pickle, numpy as np, torch.distributed as dist
        model = pickle.loads(open({str(path)!r}, "rb").read())
        assert not dist.is_initialized()
        print(model.predict_proba(np.load({str(tmp_path / "X.npy")!r})).tolist())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    expected = parallel.predict_proba(np.stack([x[:4] for x in X_test[:5]]))
    np.testing.assert_allclose(eval(out.stdout), expected, rtol=0, atol=1e-6)


def test_a_processs_error_is_raised_as_itself():
    X, y = _task(20, seed=0)
    with pytest.raises(ValueError, match="X has 20 sequences but y has 19"):
        fit_data_parallel(RNNClassifier(max_iter=1), X, y[:-1], n_processes=2)


def test_a_text_pipeline_is_fitted_in_place():
    texts = ["good fine great", "bad awful", "great good", "awful bad poor"] * 10
    y = [1, 0, 1, 0] * 10
    vectorizer = SequenceVectorizer()
    clf = RNNClassifier(hidden_size=8, max_iter=20, random_state=0)
    pipeline = make_pipeline(vectorizer, clf)
    texts_before, y_before = list(texts), list(y)
    fit_data_parallel(pipeline, texts, y, n_processes=2)
    assert (texts, y) == (texts_before, y_before)  # nothing passed in is changed
    assert vectorizer.vocabulary_  # the caller's step objects are the fitted ones
    assert clf.net_ is pipeline[-1].net_
    assert list(pipeline.predict(["good great", "awful poor"])) == [1, 0]
