"""Threads: the ``n_jobs`` thread setting, and fits that run in threads at once.

A fit draws every random number from generators it owns (initialisation, shuffles,
dropout), so its result never depends on what other threads do with torch's global
generator, which it neither reads nor advances.
"""

import threading

import joblib
import numpy as np
import pytest
import torch
from _helpers import sign_task
from joblib import parallel_config
from sklearn.model_selection import cross_validate
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor, _base

FAST = dict(hidden_size=8, max_iter=3, random_state=0, device="cpu")
# Two layers with dropout between them: the setting where fits in threads used to
# take each other's random numbers every time.
DROPOUT = dict(FAST, num_layers=2, dropout=0.5, hidden_size=16, max_iter=4)


class RecordThreads(Callback):
    """Records torch's intra-op thread count at every epoch of a fit."""

    def on_epoch_end(self, net, **kwargs):
        net.history.record("torch_threads", torch.get_num_threads())


def _threads_seen(estimator) -> set:
    return {row["torch_threads"] for row in estimator.net_.history}


def _fit_in_threads(make, X, y, n_threads=2):
    """Fit ``make()`` in ``n_threads`` threads started together; the fitted models."""
    barrier = threading.Barrier(n_threads)
    models, errors = [None] * n_threads, []

    def work(i):
        try:
            model = make()
            barrier.wait()
            models[i] = model.fit(X, y)
        except Exception as exc:  # surfaced below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return models


@pytest.mark.parametrize(
    "params",
    [DROPOUT, dict(DROPOUT, bidirectional=True, cell="lstm"), FAST],
    ids=["two-layer-dropout", "bidirectional-lstm-dropout", "no-dropout"],
)
def test_fits_in_threads_at_once_equal_the_fit_alone(params):
    X, signal = sign_task(n=64, t=12, seed=1)
    y = signal > 0
    alone = RNNClassifier(**params).fit(X, y).predict_proba(X)
    for _ in range(2):
        for model in _fit_in_threads(lambda: RNNClassifier(**params), X, y):
            np.testing.assert_array_equal(model.predict_proba(X), alone)


def test_a_fit_neither_reads_nor_advances_the_global_torch_generator():
    X, signal = sign_task(n=32)
    torch.manual_seed(0)
    expected_next = torch.rand(3)
    torch.manual_seed(0)
    first = RNNRegressor(**DROPOUT).fit(X, signal).predict(X)
    assert torch.equal(torch.rand(3), expected_next)  # not advanced
    torch.manual_seed(12345)
    second = RNNRegressor(**DROPOUT).fit(X, signal).predict(X)
    np.testing.assert_array_equal(first, second)  # not read


def test_the_same_seed_gives_the_same_network_without_the_global_generator():
    X, signal = sign_task(n=16)
    one_epoch = dict(FAST, max_iter=1)
    nets = [RNNClassifier(**one_epoch).fit(X, signal > 0) for _ in range(2)]
    states = [net.net_.module_.state_dict() for net in nets]
    for key, value in states[0].items():
        assert torch.equal(value, states[1][key]), key
    other = RNNClassifier(**{**one_epoch, "random_state": 1}).fit(X, signal > 0)
    weight = "encoder.forward_layers.0.weight_hh_l0"
    assert not torch.equal(other.net_.module_.state_dict()[weight], states[0][weight])


def test_no_generator_is_kept_in_the_fitted_model():
    X, signal = sign_task(n=16)
    clf = RNNClassifier(**DROPOUT).fit(X, signal > 0)
    assert clf.net_.module_.encoder.generator is None


@pytest.mark.parametrize(
    ("n_jobs", "expected"),
    [(None, 1), (1, 1), (2, 2), (-1, joblib.cpu_count())],
)
def test_n_jobs_sets_the_torch_threads_of_fit_and_restores_them(n_jobs, expected):
    X, signal = sign_task(n=16)
    before = torch.get_num_threads()
    clf = RNNClassifier(**FAST, n_jobs=n_jobs, callbacks=[RecordThreads()])
    clf.fit(X, signal > 0)
    assert _threads_seen(clf) == {expected}
    assert torch.get_num_threads() == before


def test_n_jobs_none_follows_joblib_parallel_config():
    X, signal = sign_task(n=16)
    with parallel_config(n_jobs=2):
        clf = RNNClassifier(**FAST, callbacks=[RecordThreads()]).fit(X, signal > 0)
    assert _threads_seen(clf) == {2}


def test_n_jobs_sets_the_torch_threads_of_predict(monkeypatch):
    X, signal = sign_task(n=16)
    clf = RNNClassifier(**FAST).fit(X, signal > 0)
    seen = []
    original = _base.predict_raw

    def recording(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(*args, **kwargs)

    monkeypatch.setattr(_base, "predict_raw", recording)
    before = torch.get_num_threads()
    clf.set_params(n_jobs=2).predict_proba(X)
    clf.set_params(n_jobs=None).predict(X)
    assert seen == [2, 1]
    assert torch.get_num_threads() == before


def test_n_jobs_zero_is_refused_with_a_clear_error():
    X, signal = sign_task(n=8)
    with pytest.raises(ValueError, match="n_jobs=0"):
        RNNClassifier(**FAST, n_jobs=0).fit(X, signal > 0)


def test_n_jobs_must_be_an_integer():
    X, signal = sign_task(n=8)
    with pytest.raises(ValueError, match="'n_jobs' parameter"):
        RNNClassifier(**FAST, n_jobs=1.5).fit(X, signal > 0)


@pytest.mark.slow
def test_searches_in_worker_processes_use_one_thread_per_fit():
    # GridSearchCV/cross_validate(n_jobs=2) on 2 cores: each worker's fit uses the
    # estimator's n_jobs (None: one thread), so two fits never oversubscribe.
    X, signal = sign_task(n=32)
    result = cross_validate(
        RNNClassifier(**FAST, callbacks=[RecordThreads()]),
        X,
        signal > 0,
        cv=2,
        n_jobs=2,
        return_estimator=True,
    )
    assert [_threads_seen(est) for est in result["estimator"]] == [{1}, {1}]
