"""Persistence across devices: a CUDA-trained model used on a machine without a GPU.

The GPU side (a real CUDA fit, then loading without CUDA) is exercised by
``benchmarks/gpu_check.py`` wherever CUDA is available. Here the CPU side is tested
by pickling a model whose net claims to live on CUDA, which is what a CUDA-trained
pickle looks like to skorch when it is loaded where CUDA is missing.
"""

import pickle
import warnings

import numpy as np
import pytest
import torch

from sklearn_rnn import RNNClassifier

pytestmark = pytest.mark.skipif(
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
