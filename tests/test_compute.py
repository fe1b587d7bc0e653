"""How the estimators compute on the CPU: denormal floats flushed to zero inside
``fit``/``predict`` (the caller's mode restored after) and fused optimizer steps.
Threads (``n_jobs``) are tested in test_threads.py."""

import warnings

import numpy as np
import pytest
import torch
from _helpers import sign_task
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._training import _flushing_denormals, flush_denormals

FAST = dict(hidden_size=8, max_iter=2, random_state=0, device="cpu")


def labelled(n=40):
    X, signal = sign_task(n=n, t=5)
    return X, (signal > 0).astype(int)


class Record(Callback):
    """Records a value at the start of every training epoch."""

    def __init__(self, probe):
        self.probe = probe
        self.seen = []

    def on_epoch_begin(self, net, **kwargs):
        self.seen.append(self.probe())


@pytest.fixture
def caller_flushes():
    """The caller has turned flushing on; turned off again after the test."""
    torch.set_flush_denormal(True)
    yield
    torch.set_flush_denormal(False)


def test_probe_reads_the_flush_mode():
    assert not _flushing_denormals()
    torch.set_flush_denormal(True)
    try:
        assert _flushing_denormals()
    finally:
        torch.set_flush_denormal(False)


def test_flush_denormals_restores_the_mode_even_on_error():
    with pytest.raises(RuntimeError, match="inside"):
        with flush_denormals():
            assert _flushing_denormals()
            raise RuntimeError("inside")
    assert not _flushing_denormals()


def test_flush_denormals_keeps_a_caller_s_mode(caller_flushes):
    with flush_denormals():
        assert _flushing_denormals()
    assert _flushing_denormals()


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_fit_and_predict_flush_denormals_and_restore_the_mode(Estimator):
    X, y = labelled()
    record = Record(_flushing_denormals)
    est = Estimator(callbacks=[record], **FAST).fit(X, y)
    assert record.seen == [True, True]
    assert not _flushing_denormals()

    seen_in_forward = []
    est.net_.module_.register_forward_hook(
        lambda *args: seen_in_forward.append(_flushing_denormals())
    )
    est.predict(X)
    assert seen_in_forward and all(seen_in_forward)
    assert not _flushing_denormals()


def test_fit_keeps_a_caller_s_flush_mode(caller_flushes):
    X, y = labelled()
    RNNClassifier(**FAST).fit(X, y)
    assert _flushing_denormals()


def test_flushing_makes_denormal_gradients_zero_in_training():
    # The mechanism the speed-up rests on: a gradient that fades below float32's
    # smallest normal number (1.2e-38) becomes exactly zero instead of denormal.
    tiny = torch.tensor([1e-20], requires_grad=True)
    with flush_denormals():
        (tiny * tiny).backward()  # d/dx x**2 = 2e-20: normal, kept
        assert tiny.grad.item() == pytest.approx(2e-20)
        tiny.grad = None
        (tiny * tiny * tiny).sum().backward()  # 3e-40: denormal, flushed
        assert tiny.grad.item() == 0.0
    tiny.grad = None
    (tiny * tiny * tiny).sum().backward()
    assert tiny.grad.item() == pytest.approx(3e-40, rel=1e-3)


@pytest.mark.parametrize(
    "optimizer, fused",
    [("adam", True), ("adamw", True), ("sgd", True), ("rmsprop", None)],
)
def test_optimizer_steps_are_fused_where_torch_has_a_fused_kernel(optimizer, fused):
    X, y = labelled()
    est = RNNClassifier(optimizer=optimizer, **FAST).fit(X, y)
    assert est.net_.optimizer_.defaults.get("fused") is fused


# --------------------------------------------------------------------------------------
# Streaming prediction: the input is converted a chunk at a time.
# --------------------------------------------------------------------------------------


def token_table(n=300, width=30, seed=0, pre_padded=False):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, width + 1, n)
    ids = rng.integers(2, 50, (n, width))
    valid = np.arange(width)[None, :] < lengths[:, None]
    X = np.where(valid, ids, 0)
    if pre_padded:  # Keras' pad_sequences default: the padding comes first
        X = np.stack(
            [np.roll(row, width - k) for row, k in zip(X, lengths, strict=True)]
        )
    return X, (lengths > width // 2).astype(int)


@pytest.mark.parametrize("form", ["tokens", "numeric", "ragged", "dataframe"])
def test_predictions_do_not_depend_on_the_chunk_size(form, monkeypatch):
    import sklearn_rnn._base as base

    if form == "tokens":
        X, y = token_table()
    else:
        X, y = labelled(n=300)
        if form == "ragged":
            X = [x[: 2 + i % 4] for i, x in enumerate(X)]
        elif form == "dataframe":
            pd = pytest.importorskip("pandas")
            X = pd.DataFrame(X[:, :, 0], columns=[f"t{i}" for i in range(5)])
    est = RNNClassifier(**FAST).fit(X, y)
    whole = est.predict_proba(X)
    monkeypatch.setattr(base, "_PREDICT_CHUNK_BATCHES", 1)
    est.set_params(batch_size=16)  # chunks of 256 rows: two chunks here
    with warnings.catch_warnings():  # e.g. "X does not have valid feature names"
        warnings.simplefilter("error")
        chunked = est.predict_proba(X)
    np.testing.assert_array_equal(chunked, whole)


def test_pre_padded_and_post_padded_token_tables_predict_the_same():
    post, y = token_table()
    pre, _ = token_table(pre_padded=True)
    post_copy, pre_copy = post.copy(), pre.copy()
    est = RNNClassifier(**FAST).fit(post, y)
    np.testing.assert_array_equal(est.predict_proba(pre), est.predict_proba(post))
    np.testing.assert_array_equal(post, post_copy)  # nothing the user passed changes
    np.testing.assert_array_equal(pre, pre_copy)


def test_prediction_memory_is_bounded_by_a_chunk_not_the_data_set():
    import tracemalloc

    X, y = token_table(n=200, width=200)
    est = RNNClassifier(**FAST).fit(X, y)
    big, _ = token_table(n=20_000, width=200, seed=1)  # 32 MB of int64 ids
    tracemalloc.start()
    try:
        est.predict_proba(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # numpy's allocations are traced (torch's are not): converting the ids, the
    # padding masks and the sort take a chunk's worth, not copies of the input.
    assert peak < big.nbytes / 4, (peak, big.nbytes)


def test_the_flush_probe_ignores_torch_s_default_dtype():
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # 1e-39 is a normal float64
    torch.set_flush_denormal(True)
    try:
        assert _flushing_denormals()
        with flush_denormals():
            pass
        assert _flushing_denormals()  # the caller's mode was kept
    finally:
        torch.set_flush_denormal(False)
        torch.set_default_dtype(before)


def test_a_list_whose_chunk_has_equal_lengths_stays_ragged(monkeypatch):
    import sklearn_rnn._base as base

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5))
    reg = RNNRegressor(**FAST).fit(X, X.sum(axis=1))
    monkeypatch.setattr(base, "_PREDICT_CHUNK_BATCHES", 1)
    reg.set_params(batch_size=16)  # chunks of 256 sequences
    mixed = [rng.normal(size=3 + i % 2) for i in range(256)]
    equal = [rng.normal(size=3) for _ in range(256)]
    pred = reg.predict(mixed + equal)  # the second "chunk" alone would be a table
    np.testing.assert_allclose(pred[256:], reg.predict(equal + mixed)[:256], rtol=1e-6)
