"""RNNClassifier and RNNRegressor: targets, training set-up, reproducibility, batch
invariance, devices and the scikit-learn machinery (search, clone, pickle)."""

import pickle
from functools import partial

import joblib
import numpy as np
import pytest
import torch
from _helpers import assert_predicted_alike_in_batches, assert_rows_predicted_alone
from _helpers import ragged as _ragged
from _helpers import sign_task as _sign_task
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from skorch import NeuralNet

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler
from sklearn_rnn._data import to_sequences
from sklearn_rnn._network import SequenceNetwork
from sklearn_rnn._training import SequenceDataset

# device="cpu": the exact-equality checks rely on CPU kernels (see _data.ROW_BLOCK).
FAST = dict(hidden_size=8, max_iter=3, random_state=0, device="cpu")
# Enough to learn the easy tasks below in well under a second.
LEARN = dict(FAST, hidden_size=16, max_iter=20, lr=1e-2, batch_size=16)


sign_task = partial(_sign_task, t=8)


def ragged(n=30, channels=2, seed=0):
    """The shared ragged sequences (1 to 11 steps), without their labels."""
    return _ragged(n=n, channels=channels, low=1, high=12, seed=seed)[0]


# --------------------------------------------------------------------------------------
# Classification targets
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["no", "yes"]),
        np.array(["cat", "dog", "emu"]),
        np.array([-3, 10, 42]),
        np.array([False, True]),
    ],
    ids=["binary-str", "multiclass-str", "noncontiguous-int", "bool"],
)
def test_classifier_returns_original_labels(labels):
    X, signal = sign_task()
    edges = np.quantile(signal, np.linspace(0, 1, len(labels) + 1)[1:-1])
    y = labels[np.digitize(signal, edges)]
    clf = RNNClassifier(**LEARN).fit(X, y)
    np.testing.assert_array_equal(clf.classes_, np.sort(labels))
    pred = clf.predict(X)
    assert pred.dtype == y.dtype
    assert set(pred) <= set(labels)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), len(labels))
    assert (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(pred, clf.classes_[proba.argmax(axis=1)])
    # It learns the task (chance is 1 / n_classes).
    assert clf.score(X, y) > 0.8


def test_classifier_accepts_label_lists_and_column_vectors():
    X, signal = sign_task(n=20)
    y = ["pos" if s > 0 else "neg" for s in signal]
    clf = RNNClassifier(**FAST).fit(X, y)
    assert list(clf.classes_) == ["neg", "pos"]
    with pytest.warns(DataConversionWarning):
        column = RNNClassifier(**FAST).fit(X, np.array(y)[:, None])
    np.testing.assert_array_equal(column.predict_proba(X), clf.predict_proba(X))


def test_classifier_rejects_continuous_targets():
    X, signal = sign_task(n=20)
    with pytest.raises(ValueError, match="Unknown label type"):
        RNNClassifier(**FAST).fit(X, signal)


# --------------------------------------------------------------------------------------
# Regression targets
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["1d", "column", "multi"])
def test_regressor_output_shape_follows_y(shape):
    X, signal = sign_task(n=24)
    y = {
        "1d": signal,
        "column": signal[:, None],
        "multi": np.column_stack([signal, -signal, 2 * signal]),
    }[shape]
    reg = RNNRegressor(**FAST).fit(X, y)
    assert reg.n_outputs_ == (1 if y.ndim == 1 else y.shape[1])
    assert reg.predict(X).shape == y.shape
    assert reg.predict(X[:1]).shape == (1, *y.shape[1:])
    assert not hasattr(reg, "predict_proba")


def test_regressor_learns_raw_scale_targets():
    X, signal = sign_task(n=80, t=6, channels=1)
    y = 1e4 + 1e3 * signal
    reg = RNNRegressor(**LEARN).fit(X, y)
    assert r2_score(y, reg.predict(X)) > 0.8
    # The network works on standardized targets: its loss starts near 1, not 1e6.
    assert reg.loss_curve_[0] < 10
    # Multi-output targets on very different scales, each standardized on its own.
    Y = np.column_stack([1e4 + 1e3 * signal, -5 + 1e-2 * signal])
    multi = RNNRegressor(**LEARN).fit(X, Y)
    pred = multi.predict(X)
    assert r2_score(Y[:, 0], pred[:, 0]) > 0.8
    assert r2_score(Y[:, 1], pred[:, 1]) > 0.8


def test_regressor_constant_target():
    # Zero spread: the target is centred but not divided by 0.
    X, _ = sign_task(n=16)
    reg = RNNRegressor(**FAST).fit(X, np.full(16, 7.5))
    pred = reg.predict(X)
    assert np.isfinite(pred).all()
    assert np.abs(pred - 7.5).max() < 1


def test_regressor_rejects_bad_targets():
    X, signal = sign_task(n=10)
    with pytest.raises(ValueError, match="NaN"):
        RNNRegressor(**FAST).fit(X, np.where(signal > 0, np.nan, signal))
    with pytest.raises(ValueError, match="dim 3"):
        RNNRegressor(**FAST).fit(X, np.zeros((10, 2, 2)))


# --------------------------------------------------------------------------------------
# random_state: reproducible fits, global RNGs untouched
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_same_seed_same_model_different_seed_different_model(Estimator):
    X, signal = sign_task(n=40)
    y = signal > 0 if Estimator is RNNClassifier else signal
    params = dict(FAST, dropout=0.3, num_layers=2, batch_size=8)
    method = "predict_proba" if Estimator is RNNClassifier else "predict"
    a = getattr(Estimator(**params).fit(X, y), method)(X)
    # The global RNGs have no say: reseed them differently between the fits.
    torch.manual_seed(123)
    np.random.seed(123)  # noqa: NPY002
    b = getattr(Estimator(**params).fit(X, y), method)(X)
    np.testing.assert_array_equal(a, b)
    c = getattr(Estimator(**{**params, "random_state": 1}).fit(X, y), method)(X)
    assert not np.allclose(a, c)
    # A RandomState instance seeds too.
    rs = np.random.RandomState(5)
    d = getattr(Estimator(**{**params, "random_state": rs}).fit(X, y), method)(X)
    e = getattr(
        Estimator(**{**params, "random_state": np.random.RandomState(5)}).fit(X, y),
        method,
    )(X)
    np.testing.assert_array_equal(d, e)


def test_refit_is_idempotent():
    X, signal = sign_task(n=30)
    clf = RNNClassifier(**FAST).fit(X, signal > 0)
    first = clf.predict_proba(X)
    clf.fit(X, signal > 0)
    np.testing.assert_array_equal(clf.predict_proba(X), first)


@pytest.mark.parametrize("random_state", [0, 7])
def test_fit_and_predict_leave_global_rngs_untouched(random_state):
    X, signal = sign_task(n=30)
    torch.manual_seed(0)
    np.random.seed(0)  # noqa: NPY002
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()  # noqa: NPY002
    clf = RNNClassifier(
        dropout=0.5,
        num_layers=2,
        batch_size=8,
        **{**FAST, "random_state": random_state},
    ).fit(X, signal > 0)
    clf.predict_proba(X)
    assert torch.equal(torch.get_rng_state(), torch_state)
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == np_state[0]
    np.testing.assert_array_equal(after[1], np_state[1])
    assert after[2:] == np_state[2:]


# --------------------------------------------------------------------------------------
# Batch invariance: a prediction does not depend on what else is predicted
# --------------------------------------------------------------------------------------


def _predict(model, X):
    return (
        model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)
    )


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"cell": "gru", "bidirectional": True, "pooling": "mean"},
        {"cell": "rnn_tanh", "pooling": "max", "num_layers": 2},
        {"cell": "rnn_relu", "bidirectional": True, "pooling": "last"},
    ],
    ids=["lstm", "gru-bi-mean", "tanh-max-2layers", "relu-bi-last"],
)
@pytest.mark.parametrize("data", ["3d", "ragged", "tokens"])
def test_one_row_at_a_time_equals_all_at_once_exactly(data, params):
    rng = np.random.default_rng(0)
    if data == "3d":
        X = rng.normal(size=(40, 7, 2)).astype(np.float32)
    elif data == "ragged":
        X = ragged(n=40)
    else:
        X = rng.integers(0, 20, size=(40, 9))
    y = rng.integers(0, 3, size=40)
    clf = RNNClassifier(embedding_dim=4, **params, **FAST).fit(X, y)
    assert_rows_predicted_alone(clf, X, rng)


def test_batch_invariance_across_several_prediction_batches():
    rng = np.random.default_rng(1)
    X = ragged(n=300, channels=1, seed=1)
    y = rng.normal(size=300)
    reg = RNNRegressor(batch_size=4, **FAST).fit(X, y)
    # batch_size=4: more than one prediction batch.
    assert_predicted_alike_in_batches(reg, X, rng)


# --------------------------------------------------------------------------------------
# skorch underneath, without skorch's defaults
# --------------------------------------------------------------------------------------


def test_net_is_a_fitted_skorch_net_with_the_chosen_module():
    X, signal = sign_task(n=20)
    # No front end and no input scaling: the 2 channels reach the recurrence as they
    # are (the defaults give it 2 * 2 scaled channels through convolutions).
    clf = RNNClassifier(
        cell="gru",
        num_layers=2,
        dropout=0.25,
        front_end="none",
        input_scaling="none",
        **{**FAST, "hidden_size": 12},
    ).fit(X, signal > 0)
    assert isinstance(clf.net_, NeuralNet)
    module = clf.net_.module_
    assert isinstance(module, SequenceNetwork)
    assert module.encoder.front_end is None
    layers = module.encoder.forward_layers
    assert len(layers) == 2 and module.encoder.backward_layers is None
    assert all(isinstance(rnn, torch.nn.GRU) for rnn in layers)
    assert [rnn.hidden_size for rnn in layers] == [12, 12]
    assert [rnn.input_size for rnn in layers] == [2, 12]
    # Dropout between the layers is the encoder's own (seeded by the fit).
    assert module.encoder.dropout == 0.25
    assert all(rnn.dropout == 0.0 for rnn in layers)
    assert module.head.out_features == 2
    # pooling="last": the last forward and first backward states, side by side.
    bi = RNNRegressor(cell="rnn_relu", bidirectional=True, pooling="last", **FAST).fit(
        X, signal
    )
    assert bi.net_.module_.encoder.forward_layers[0].nonlinearity == "relu"
    assert bi.net_.module_.head.in_features == 2 * FAST["hidden_size"]
    assert bi.net_.module_.head.out_features == 1


def test_trains_on_all_data_with_a_seeded_shuffle():
    X, signal = sign_task(n=37)
    clf = RNNClassifier(batch_size=8, **FAST).fit(X, signal > 0)
    net = clf.net_
    # skorch would hold out 20% (ValidSplit(5)); here every sample trains every epoch.
    assert net.train_split is None
    for epoch in net.history:
        sizes = [batch["train_batch_size"] for batch in epoch["batches"]]
        assert sum(sizes) == 37
        assert len(sizes) == 5
        assert "valid_loss" not in epoch
    # skorch would not shuffle; here each epoch draws a new order from the seed.
    assert net.iterator_train__shuffle is True
    dataset = SequenceDataset(to_sequences(X), np.arange(37))
    orders = [
        np.concatenate(
            [yb.numpy() for _, yb in net.get_iterator(dataset, training=True)]
        )
        for _ in range(2)
    ]
    for order in orders:
        np.testing.assert_array_equal(np.sort(order), np.arange(37))
        assert not np.array_equal(order, np.arange(37))
    assert not np.array_equal(orders[0], orders[1])
    # Prediction keeps the order.
    valid = np.concatenate(
        [yb.numpy() for _, yb in net.get_iterator(dataset, training=False)]
    )
    np.testing.assert_array_equal(valid, np.arange(37))


def test_optimizer_defaults_to_adam_with_lr_3e_3():
    X, signal = sign_task(n=16)
    net = RNNClassifier(**FAST).fit(X, signal > 0).net_
    assert isinstance(net.optimizer_, torch.optim.Adam)
    assert net.optimizer_.param_groups[0]["lr"] == 3e-3
    sgd = RNNRegressor(optimizer="sgd", lr=0.05, **FAST).fit(X, signal).net_
    assert isinstance(sgd.optimizer_, torch.optim.SGD)
    assert sgd.optimizer_.param_groups[0]["lr"] == 0.05
    adamw = RNNRegressor(optimizer="adamw", **FAST).fit(X, signal).net_
    assert isinstance(adamw.optimizer_, torch.optim.AdamW)


def test_criterion_matches_the_task():
    X, signal = sign_task(n=16)
    clf = RNNClassifier(**FAST).fit(X, signal > 0)
    reg = RNNRegressor(**FAST).fit(X, signal)
    assert isinstance(clf.net_.criterion_, torch.nn.CrossEntropyLoss)
    assert isinstance(reg.net_.criterion_, torch.nn.MSELoss)


@pytest.mark.parametrize("max_iter", [1, 4])
def test_n_iter_and_loss_curve(max_iter):
    X, signal = sign_task(n=20)
    clf = RNNClassifier(**{**FAST, "max_iter": max_iter}).fit(X, signal > 0)
    assert clf.n_iter_ == max_iter
    assert len(clf.loss_curve_) == max_iter
    assert clf.loss_curve_ == list(clf.net_.history[:, "train_loss"])
    assert all(np.isfinite(clf.loss_curve_))


def test_loss_decreases_when_learning():
    X, signal = sign_task()
    clf = RNNClassifier(**LEARN).fit(X, signal > 0)
    assert clf.loss_curve_[-1] < 0.5 * clf.loss_curve_[0]


def test_verbose(capsys):
    X, signal = sign_task(n=16)
    RNNClassifier(**FAST).fit(X, signal > 0)
    assert capsys.readouterr().out == ""
    RNNClassifier(verbose=1, **FAST).fit(X, signal > 0)
    out = capsys.readouterr().out
    assert "train_loss" in out
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 3


def test_fit_sets_no_attributes_in_init_and_params_stay_untouched():
    clf = RNNClassifier(**FAST)
    params = clf.get_params()
    assert not [key for key in vars(clf) if key.endswith("_")]
    X, signal = sign_task(n=16)
    clf.fit(X, signal > 0)
    assert clf.get_params() == params


# --------------------------------------------------------------------------------------
# Devices
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["cpu", "auto"])
def test_device(device):
    X, signal = sign_task(n=16)
    clf = RNNClassifier(**{**FAST, "device": device}).fit(X, signal > 0)
    expected = "cuda" if device == "auto" and torch.cuda.is_available() else "cpu"
    assert clf.device_ == expected
    assert next(clf.net_.module_.parameters()).device.type == expected
    assert clf.device == device


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
@pytest.mark.parametrize("device", ["cuda", "cuda:0"])
def test_cuda_without_cuda_is_a_clear_error(device):
    X, signal = sign_task(n=16)
    with pytest.raises(ValueError, match="CUDA is not available"):
        RNNClassifier(**{**FAST, "device": device}).fit(X, signal > 0)


# --------------------------------------------------------------------------------------
# scikit-learn machinery
# --------------------------------------------------------------------------------------


def test_grid_search_in_a_pipeline_in_parallel():
    X = ragged(n=40)
    y = np.array(["up" if s[:, 0].sum() > 0 else "down" for s in X])
    pipe = make_pipeline(
        SequenceScaler(), RNNClassifier(max_iter=2, random_state=0, device="cpu")
    )
    grid = {
        "rnnclassifier__cell": ["lstm", "gru"],
        "rnnclassifier__bidirectional": [False, True],
        "rnnclassifier__hidden_size": [4, 8],
    }
    search = GridSearchCV(pipe, grid, cv=2, n_jobs=2, error_score="raise").fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert best[-1].hidden_size == search.best_params_["rnnclassifier__hidden_size"]
    assert best[-1].bidirectional == search.best_params_["rnnclassifier__bidirectional"]
    assert set(search.predict(X)) <= {"up", "down"}
    # The refitted pipeline is the same as fitting the best parameters directly.
    direct = clone(pipe).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict_proba(X), direct.predict_proba(X))


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_clone(Estimator):
    X, signal = sign_task(n=16)
    est = Estimator(cell="gru", bidirectional=True, **FAST)
    est.fit(X, signal > 0 if Estimator is RNNClassifier else signal)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert not hasattr(copy, "net_")
    assert not hasattr(copy, "n_features_in_")


@pytest.mark.parametrize(
    "Estimator, data",
    [
        (RNNClassifier, "3d"),
        (RNNClassifier, "tokens"),
        (RNNRegressor, "ragged"),
        (RNNRegressor, "2d"),
    ],
)
def test_pickle_and_joblib_round_trips(Estimator, data, tmp_path):
    rng = np.random.default_rng(0)
    X = {
        "3d": rng.normal(size=(20, 5, 2)),
        "tokens": rng.integers(0, 9, size=(20, 6)),
        "ragged": ragged(n=20),
        "2d": rng.normal(size=(20, 5)),
    }[data]
    y = rng.integers(0, 2, size=20)
    est = Estimator(bidirectional=True, pooling="mean", **FAST).fit(X, y)
    expected = _predict(est, X)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(_predict(restored, X), expected)
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(_predict(loaded, X), expected)
    assert loaded.n_features_in_ == est.n_features_in_
    # The unpickled model can be refitted and then matches a fresh fit.
    loaded.fit(X, y)
    np.testing.assert_array_equal(_predict(loaded, X), expected)
