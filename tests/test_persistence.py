"""Persistence: pickle, skops and mlflow round trips, and a CUDA-trained model used
on a machine without a GPU.

The GPU side (a real CUDA fit, then loading without CUDA) is exercised by
``benchmarks/gpu_check.py`` wherever CUDA is available. Here the CPU side is tested
by pickling a model whose net claims to live on CUDA, which is what a CUDA-trained
pickle looks like to skorch when it is loaded where CUDA is missing.
"""

import pickle
import pickletools
import socket
import warnings

import numpy as np
import pytest
import torch
from _helpers import ragged
from sklearn.pipeline import make_pipeline

from sklearn_rnn import (
    RNNClassifier,
    RNNRegressor,
    RNNTagger,
    SequenceScaler,
    SequenceVectorizer,
)
from sklearn_rnn._persistence import net_from_state, net_to_state

cpu_only = pytest.mark.skipif(
    torch.cuda.is_available(), reason="tests the loading side on a CPU-only machine"
)


def _fitted_as_if_on_cuda():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6, 2)).astype(np.float32)
    y = X[:, :, 0].sum(axis=1) > 0
    clf = RNNClassifier(hidden_size=8, max_iter=3, random_state=0, device="cpu")
    clf.fit(X, y)
    expected = clf.predict_proba(X)
    # What a model trained with device="cuda" carries (its weights are plain
    # tensors either way once skorch maps them).
    clf.set_params(device="cuda")
    clf.device_ = "cuda"
    clf.net_.device = "cuda"
    return clf, X, y, expected


@cpu_only
def test_cuda_trained_model_loads_and_predicts_on_cpu():
    clf, X, _, expected = _fitted_as_if_on_cuda()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skorch's DeviceWarning about the mapping
        loaded = pickle.loads(pickle.dumps(clf))
    assert loaded.device_ == "cpu"
    assert str(loaded.net_.device) == "cpu"
    # The parameter the user set is not rewritten.
    assert loaded.device == "cuda"
    np.testing.assert_allclose(loaded.predict_proba(X), expected, atol=1e-6)
    assert loaded.n_iter_ == 3
    assert len(loaded.net_.history) == 3


@cpu_only
def test_cuda_trained_model_refits_on_cpu_with_device_set():
    clf, X, y, _ = _fitted_as_if_on_cuda()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = pickle.loads(pickle.dumps(clf))
    with pytest.raises(ValueError, match="CUDA is not available"):
        loaded.fit(X, y)
    loaded.set_params(device="auto").fit(X, y)
    assert loaded.device_ == "cpu"
    loaded.set_params(warm_start=True).fit(X, y)
    assert loaded.n_iter_ == 6


# --------------------------------------------------------------------------------------
# What a saved model holds: plain data, and the estimator classes
# --------------------------------------------------------------------------------------

SMALL = dict(hidden_size=4, max_iter=2, random_state=0, device="cpu")
CONV = dict(conv_filters=(4,), conv_kernel_sizes=(3,))
TEXTS = ["a b c", "b c d", "c a", "d d a", "a a b", "c d"] * 3
CLASSES = {
    "RNNClassifier": "sklearn_rnn._estimators.RNNClassifier",
    "RNNRegressor": "sklearn_rnn._estimators.RNNRegressor",
    "SequenceScaler": "sklearn_rnn._scaler.SequenceScaler",
    "SequenceVectorizer": "sklearn_rnn._text.SequenceVectorizer",
    "RNNTagger": "sklearn_rnn._tagger.RNNTagger",
}
SENTENCES = [["a", "b", "c"], ["b", "c", "d", "e"], ["c", "a"], ["d", "d", "a"]] * 3


def _model(kind):
    """A fitted model, its input and targets, and the classes a save must name."""
    rng = np.random.default_rng(0)
    X3 = rng.normal(size=(24, 8, 2)).astype(np.float32)
    labels = np.arange(24) % 2
    if kind == "classifier":
        return RNNClassifier(**SMALL, **CONV), X3, labels, ["RNNClassifier"]
    if kind == "early_stopping_plateau":
        clf = RNNClassifier(
            **SMALL, **CONV, early_stopping=True, lr_schedule="plateau", verbose=0
        )
        return clf, X3, labels, ["RNNClassifier"]
    if kind == "regressor_ragged":
        X, _ = ragged(n=24)
        return RNNRegressor(**SMALL), X, rng.normal(size=24), ["RNNRegressor"]
    if kind == "scaler_pipeline":
        model = make_pipeline(SequenceScaler(), RNNClassifier(**SMALL, **CONV))
        return model, X3, labels, ["SequenceScaler", "RNNClassifier"]
    if kind == "text_pipeline":
        model = make_pipeline(SequenceVectorizer(), RNNClassifier(**SMALL))
        labels = np.arange(len(TEXTS)) % 2
        return model, TEXTS, labels, ["SequenceVectorizer", "RNNClassifier"]
    if kind == "tagger_words":  # words, their characters, word dropout
        tags = [[w.upper() if w in "ab" else "X" for w in s] for s in SENTENCES]
        return RNNTagger(**SMALL), SENTENCES, tags, ["RNNTagger"]
    raise AssertionError(kind)


KINDS = [
    "classifier",
    "early_stopping_plateau",
    "regressor_ragged",
    "scaler_pipeline",
    "text_pipeline",
    "tagger_words",
]


def _predict(model, X):
    out = model.predict_proba(X) if hasattr(model, "predict_proba") else None
    if out is None:
        out = model.predict(X)
    return np.concatenate(out) if isinstance(out, list) else out


def _continue(model, X, y):
    """One more fit of the network, continuing the fitted one."""
    est = model[-1] if hasattr(model, "steps") else model
    est.set_params(warm_start=True)
    return model.fit(X, y)


def _globals(data: bytes) -> set[str]:
    """The ``module.name`` of every class or function a pickle refers to."""
    found, strings = set(), []
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(arg)
        elif op.name == "STACK_GLOBAL":
            found.add(f"{strings[-2]}.{strings[-1]}")
        elif op.name == "GLOBAL":
            found.add(arg.replace(" ", "."))
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_pickle_refers_to_no_functions_torch_or_skorch_objects(kind):
    model, X, y, names = _model(kind)
    model.fit(X, y)
    data = pickle.dumps(model)
    refs = _globals(data)
    ours = {ref for ref in refs if ref.startswith("sklearn_rnn")}
    assert ours == {CLASSES[name] for name in names}
    assert not {ref for ref in refs if ref.split(".")[0] in ("torch", "skorch")}
    assert not {"builtins.print", "functools.partial"} & refs
    # ... and the loaded model predicts, and continues training, exactly as the
    # model that was saved.
    loaded = pickle.loads(data)
    np.testing.assert_array_equal(_predict(loaded, X), _predict(model, X))
    expected = _predict(_continue(model, X, y), X)
    np.testing.assert_array_equal(_predict(_continue(loaded, X, y), X), expected)


@pytest.mark.parametrize("kind", KINDS)
def test_skops_round_trip_trusts_only_the_estimator_classes(kind):
    sio = pytest.importorskip("skops.io")
    model, X, y, names = _model(kind)
    model.fit(X, y)
    data = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=data)
    assert sorted(untrusted) == sorted(CLASSES[name] for name in names)
    loaded = sio.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(_predict(loaded, X), _predict(model, X))
    est = loaded[-1] if hasattr(loaded, "steps") else loaded
    assert est.n_iter_ == len(est.net_.history) == 2
    expected = _predict(_continue(model, X, y), X)
    np.testing.assert_array_equal(_predict(_continue(loaded, X, y), X), expected)


def _no_network(*args, **kwargs):
    raise AssertionError("a network connection was attempted")


def test_mlflow_round_trip_without_network(tmp_path, monkeypatch):
    pytest.importorskip("skops.io")
    mlflow_sklearn = pytest.importorskip("mlflow.sklearn")
    model, X, y, names = _model("scaler_pipeline")
    model.fit(X, y)
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    path = str(tmp_path / "model")
    # pip_requirements given: mlflow does not infer them (in a subprocess, ~20 s).
    mlflow_sklearn.save_model(
        model,
        path,
        skops_trusted_types=[CLASSES[name] for name in names],
        pip_requirements=["sklearn-rnn"],
    )
    loaded = mlflow_sklearn.load_model(path)
    np.testing.assert_array_equal(_predict(loaded, X), _predict(model, X))


def test_unknown_net_format_or_class_is_refused_clearly():
    model, X, y, _ = _model("classifier")
    state = net_to_state(model.fit(X, y).net_)
    with pytest.raises(ValueError, match="format 99, which this version"):
        net_from_state({**state, "sklearn_rnn_net_format": 99})
    bad = {**state, "class": {"__sklearn_rnn_class__": "os.system"}}
    with pytest.raises(ValueError, match=r"names the class 'os\.system'"):
        net_from_state(bad)
