"""Training controls (issue 4), each tested for its effect: early stopping and the
validation split, the plateau stop, sample and class weights, warm start, partial_fit,
optimizers, weight decay, gradient clipping, the learning-rate schedule, user callbacks,
verbosity, Ctrl-C, pickling and mixed precision."""

import contextlib
import io
import pickle
import warnings

import numpy as np
import pytest
import torch
from _helpers import sign_task
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_sample_weight
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._training import ARMED_BELOW, ValidationScore

# Tiny and on the CPU, where equal seeds give bit-for-bit equal fits.
FAST = dict(hidden_size=8, max_iter=3, random_state=0, device="cpu")
# Enough to learn the easy tasks below in well under a second.
LEARN = dict(FAST, hidden_size=16, max_iter=20, lr=1e-2, batch_size=16)
# The plain recurrent network the stopping and learning-rate tests were written for:
# no convolutional front end, no input scaling, the last state pooled (the defaults
# for numeric input add all three), at a constant learning rate (the default cosine
# schedule anneals it and makes the stopping rule wait a share of max_iter).
PLAIN = dict(
    front_end="none", input_scaling="none", pooling="last", lr_schedule="constant"
)
# PLAIN learning the sign task within its first epoch: the training loss is below
# ARMED_BELOW times the constant predictor's from epoch 1, where the plateau rule
# starts counting misses.
ARMED = dict(PLAIN, lr=0.1, batch_size=4)


def noisy_task(n=100, flip=0.2, seed=0):
    """The sign task with a share of labels flipped: a network first learns (its
    validation loss falls well below the constant predictor's), then memorises the
    noise, and its validation loss goes up again."""
    X, signal = sign_task(n=n, seed=seed)
    rng = np.random.default_rng(seed + 100)
    y = (signal > 0).astype(int)
    return X, np.where(rng.random(n) < flip, 1 - y, y)


def flat(module):
    """All parameters of a torch module as one detached vector."""
    return torch.cat([p.detach().flatten() for p in module.parameters()]).clone()


def rows_of(X, values):
    """Indices in ``X`` of the sequences ``values`` (rows of a 3D array)."""
    return np.array([np.flatnonzero((X == row).all(axis=(1, 2)))[0] for row in values])


class Recorder(Callback):
    """A user callback that records what training shows it."""

    def __init__(self):
        self.calls = []
        self.train_sizes = []
        self.valid_sizes = []
        self.valid = None
        self.train = None
        self.start = None

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.calls.append("on_train_begin")
        self.train = X
        self.valid = net.train_split(X)[1] if net.train_split is not None else None
        self.start = flat(net.module_)

    def on_epoch_begin(self, net, **kwargs):
        self.calls.append("on_epoch_begin")
        self.train_sizes.append(0)

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        if training:
            self.train_sizes[-1] += len(batch[0]["lengths"])

    def on_epoch_end(self, net, **kwargs):
        self.calls.append("on_epoch_end")

    def on_train_end(self, net, **kwargs):
        self.calls.append("on_train_end")


class StepSizes(Callback):
    """Records the norm of the change of all parameters at every training step."""

    def __init__(self):
        self.steps = []
        self.grad_norms = []

    def on_batch_begin(self, net, training=None, **kwargs):
        if training:
            self._before = flat(net.module_)

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad.flatten() for _, p in named_parameters if p.grad is not None]
        self.grad_norms.append(float(torch.cat(grads).norm()))

    def on_batch_end(self, net, training=None, **kwargs):
        if training:
            self.steps.append(float((flat(net.module_) - self._before).norm()))


class InterruptAt(Callback):
    """Raises KeyboardInterrupt (what Ctrl-C does) at the end of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


class InterruptInside(Callback):
    """Raises KeyboardInterrupt after the first batch of epoch ``epoch`` (1-based)."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, training, **kwargs):
        if training and len(net.history) == self.epoch:
            raise KeyboardInterrupt


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("epoch", [1, 2])
def test_ctrl_c_inside_an_epoch_keeps_a_usable_model(epoch, early_stopping):
    X, signal = sign_task(n=60)
    clf = RNNClassifier(
        callbacks=[InterruptInside(epoch)],
        early_stopping=early_stopping,
        batch_size=8,
        **{**FAST, "max_iter": 5},
    ).fit(X, signal > 0)
    # The interrupted epoch is not counted; the ones before it are.
    assert clf.n_iter_ == len(clf.loss_curve_) == len(clf.net_.history) == epoch - 1
    assert clf.predict_proba(X).shape == (60, 2)
    if epoch == 1:
        assert clf.best_loss_ is None and clf.best_validation_score_ is None


# --------------------------------------------------------------------------------------
# Early stopping restores the best weights
# --------------------------------------------------------------------------------------

# A split whose validation loss falls for a few epochs, then rises as the network
# memorises the flipped labels.
EARLY = dict(
    hidden_size=16,
    max_iter=300,
    lr=2e-2,
    batch_size=16,
    early_stopping=True,
    validation_fraction=0.3,
    n_iter_no_change=8,
    device="cpu",
    **PLAIN,
)


def _cross_entropy(clf, X, y):
    proba = clf.predict_proba(X)
    codes = np.searchsorted(clf.classes_, y)
    return float(-np.mean(np.log(proba[np.arange(len(y)), codes])))


@pytest.mark.parametrize(
    "seed, tol",
    # tol=0.01: the best epoch improves on the one before by less than tol; its
    # weights must still be the ones restored.
    [(0, 0.0), (1, 0.0), (1, 0.01), (2, 0.01)],
)
def test_early_stopping_stops_early_and_restores_the_best_weights(seed, tol):
    X, y = noisy_task(seed=seed)
    recorder = Recorder()
    clf = RNNClassifier(**EARLY, tol=tol, random_state=seed, callbacks=[recorder]).fit(
        X, y
    )
    curve = clf.validation_loss_curve_
    best = int(np.argmin(curve))
    assert clf.n_iter_ < clf.max_iter
    # The network overfitted after its best epoch: restoring matters.
    assert best < clf.n_iter_ - 1
    assert len(curve) == len(clf.validation_scores_) == clf.n_iter_
    assert len(clf.loss_curve_) == len(clf.net_.history) == clf.n_iter_
    assert clf.best_loss_ is None
    # The final model's loss on the held-out split is the lowest of the curve,
    # and its accuracy there is best_validation_score_ (that epoch's score).
    valid = rows_of(X, recorder.valid.sequences.values)
    assert _cross_entropy(clf, X[valid], y[valid]) == pytest.approx(
        min(curve), rel=1e-5
    )
    assert clf.best_validation_score_ == clf.validation_scores_[best]
    assert clf.score(X[valid], y[valid]) == pytest.approx(clf.best_validation_score_)
    # ... and it is the model of the best epoch: stopping there gives the same one.
    short = RNNClassifier(
        **{**EARLY, "max_iter": best + 1}, tol=tol, random_state=seed
    ).fit(X, y)
    assert short.n_iter_ == best + 1
    np.testing.assert_array_equal(short.predict_proba(X), clf.predict_proba(X))


def test_early_stopping_regressor_restores_the_best_weights():
    X, signal = sign_task(n=60)
    rng = np.random.default_rng(3)
    y = 50 + 10 * signal + 10 * rng.normal(size=60)  # mostly noise: it overfits
    params = dict(EARLY, lr=3e-2, n_iter_no_change=5, random_state=0)
    reg = RNNRegressor(**params).fit(X, y)
    best = int(np.argmin(reg.validation_loss_curve_))
    assert best < reg.n_iter_ - 1 < reg.max_iter - 1
    assert len(reg.validation_scores_) == reg.n_iter_
    assert reg.best_validation_score_ == reg.validation_scores_[best]
    short = RNNRegressor(**{**params, "max_iter": best + 1}).fit(X, y)
    np.testing.assert_array_equal(short.predict(X), reg.predict(X))


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_history_attributes_without_early_stopping(Estimator):
    X, signal = sign_task(n=20)
    est = Estimator(**FAST).fit(X, signal > 0 if Estimator is RNNClassifier else signal)
    assert est.best_loss_ == min(est.loss_curve_)
    assert est.validation_loss_curve_ is None
    assert est.validation_scores_ is None
    assert est.best_validation_score_ is None
    assert est.loss_curve_ == list(est.net_.history[:, "train_loss"])


# --------------------------------------------------------------------------------------
# The validation split
# --------------------------------------------------------------------------------------


def test_no_validation_split_by_default():
    X, signal = sign_task(n=37)
    recorder = Recorder()
    clf = RNNClassifier(batch_size=8, callbacks=[recorder], **FAST)
    clf.fit(X, signal > 0)
    assert recorder.valid is None
    assert len(recorder.train) == 37
    assert recorder.train_sizes == [37] * clf.n_iter_
    assert all("valid_loss" not in row for row in clf.net_.history)


def test_validation_split_is_stratified_and_disjoint_from_training():
    X, _ = sign_task(n=80)
    y = np.repeat(["a", "b", "c"], [40, 20, 20])
    recorder = Recorder()
    RNNClassifier(
        early_stopping=True,
        validation_fraction=0.25,
        callbacks=[recorder],
        **{**FAST, "max_iter": 1},
    ).fit(X, y)
    valid = rows_of(X, recorder.valid.sequences.values)
    train = rows_of(X, recorder.train.sequences.values)
    assert len(valid) == 20
    assert sorted(np.concatenate([train, valid])) == list(range(80))
    labels, counts = np.unique(y[valid], return_counts=True)
    assert dict(zip(labels, counts, strict=True)) == {"a": 10, "b": 5, "c": 5}
    # The held-out labels are the encoded labels of the same rows.
    np.testing.assert_array_equal(
        recorder.valid.y.numpy(), np.searchsorted(["a", "b", "c"], y[valid])
    )
    # Only the training part is trained on.
    assert recorder.train_sizes == [60]


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_validation_split_is_seeded(Estimator):
    X, signal = sign_task(n=40)
    y = signal > 0 if Estimator is RNNClassifier else signal

    def held_out(random_state):
        recorder = Recorder()
        Estimator(
            early_stopping=True,
            callbacks=[recorder],
            **{**FAST, "max_iter": 1, "random_state": random_state},
        ).fit(X, y)
        return sorted(rows_of(X, recorder.valid.sequences.values))

    assert held_out(0) == held_out(0)
    assert held_out(0) != held_out(1)
    rng = np.random.RandomState(7)
    assert held_out(np.random.RandomState(7)) == held_out(rng)


def test_unstratifiable_split_warns_and_falls_back():
    X, _ = sign_task(n=40)
    y = np.array([0] * 20 + [1] * 19 + [2])  # class 2 has a single sample
    recorder = Recorder()
    clf = RNNClassifier(
        early_stopping=True,
        validation_fraction=0.2,
        callbacks=[recorder],
        **{**FAST, "max_iter": 2},
    )
    with pytest.warns(UserWarning, match="stratif"):
        clf.fit(X, y)
    assert len(recorder.valid) == 8
    assert len(clf.validation_scores_) == clf.n_iter_ == 2
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_early_stopping_needs_two_samples():
    X, signal = sign_task(n=1)
    with pytest.raises(ValueError, match="at least 2 samples"):
        RNNRegressor(early_stopping=True, **FAST).fit(X, signal)


def test_a_one_sample_validation_split_scores_nan_without_warning():
    X, signal = sign_task(n=4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. scikit-learn's UndefinedMetricWarning
        warnings.simplefilter("ignore", ConvergenceWarning)  # 3 epochs, on purpose
        reg = RNNRegressor(early_stopping=True, validation_fraction=0.25, **FAST).fit(
            X, signal
        )
    assert len(reg.validation_loss_curve_) == reg.n_iter_  # the loss still drives
    assert np.isnan(reg.validation_scores_).all()


# --------------------------------------------------------------------------------------
# Stopping on the training loss (no early stopping)
# --------------------------------------------------------------------------------------


def test_training_stops_when_the_training_loss_stops_improving_by_tol():
    X, signal = sign_task(n=40)
    clf = RNNClassifier(
        tol=10.0, n_iter_no_change=3, **{**FAST, **ARMED, "max_iter": 50}
    ).fit(X, signal > 0)
    # The rule counts from the first epoch: its loss is below the arming threshold.
    baseline = dict(clf.net_.callbacks_)["stopping"].baseline
    assert clf.loss_curve_[0] < ARMED_BELOW * baseline
    # The first epoch sets the best loss; no later epoch improves it by 10.
    assert clf.n_iter_ == 3 + 1
    assert len(clf.loss_curve_) == 4


def test_tol_zero_with_a_steadily_falling_loss_runs_to_max_iter():
    X, signal = sign_task(n=40)
    # One full batch and a tiny step: the training loss falls every epoch.
    clf = RNNClassifier(
        tol=0.0, n_iter_no_change=2, lr=1e-5, batch_size=64, **{**FAST, "max_iter": 25}
    ).fit(X, signal > 0)
    assert clf.n_iter_ == 25
    assert np.all(np.diff(clf.loss_curve_) < 0)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_max_iter_without_settling_warns_like_mlp(Estimator, early_stopping):
    X, signal = sign_task(n=40)
    y = signal > 0 if Estimator is RNNClassifier else signal
    # A constant learning rate: a cosine schedule running its whole budget is the
    # plan, not a sign of non-convergence. ARMED learns enough in two epochs not to
    # end no better than a constant predictor (the other ConvergenceWarning).
    est = Estimator(
        n_iter_no_change=50,
        early_stopping=early_stopping,
        **{**FAST, **ARMED, "max_iter": 2},
    )
    monitored = "validation loss" if early_stopping else "training loss"
    with pytest.warns(ConvergenceWarning, match=f"max_iter=2 .* {monitored}"):
        est.fit(X, y)
    assert est.n_iter_ == 2


def test_a_fit_stopped_by_the_plateau_rule_does_not_warn():
    X, signal = sign_task(n=40)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = RNNClassifier(
            tol=10.0, n_iter_no_change=2, **{**FAST, **ARMED, "max_iter": 20}
        )
        clf.fit(X, signal > 0)
    assert clf.n_iter_ == 3  # the first epoch sets the best; the next two miss


def test_partial_fit_and_warm_start_count_only_their_own_epochs():
    X, signal = sign_task(n=40)
    # ARMED: a constant learning rate (a cosine schedule running its whole budget
    # does not warn) and a fit that learns (one that does not warns of that instead).
    clf = RNNClassifier(n_iter_no_change=50, **{**FAST, **ARMED, "max_iter": 1})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for _ in range(3):  # partial_fit never warns (as MLP's)
            clf.partial_fit(X, signal > 0, classes=[False, True])
    clf.set_params(warm_start=True, max_iter=2)
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        clf.fit(X, signal > 0)
    assert clf.n_iter_ == 5


def _adam_steps(est):
    return int(est.net_.optimizer_.state_dict()["state"][0]["step"])


@pytest.mark.parametrize("how", ["warm_start", "partial_fit"])
def test_changed_optimizer_settings_apply_to_a_continued_fit(how):
    X, signal = sign_task(n=40)
    y = signal > 0
    clf = RNNClassifier(warm_start=True, n_iter_no_change=50, **FAST).fit(X, y)
    steps = _adam_steps(clf)
    clf.set_params(lr=1e-4, weight_decay=0.1)
    if how == "warm_start":
        clf.fit(X, y)
    else:
        clf.partial_fit(X, y)
    group = clf.net_.optimizer_.param_groups[0]
    assert (group["lr"], group["weight_decay"]) == (1e-4, 0.1)
    # The same optimizer continues: Adam's state is kept, not restarted.
    assert _adam_steps(clf) > steps
    assert clf.n_iter_ == (6 if how == "warm_start" else 4)


def test_another_optimizer_in_a_continued_fit_starts_afresh():
    X, signal = sign_task(n=40)
    y = signal > 0
    clf = RNNClassifier(warm_start=True, n_iter_no_change=50, **FAST).fit(X, y)
    clf.set_params(optimizer="sgd", momentum=0.5).fit(X, y)
    assert isinstance(clf.net_.optimizer_, torch.optim.SGD)
    assert clf.net_.optimizer_.param_groups[0]["momentum"] == 0.5
    clf.set_params(optimizer="adam").fit(X, y)  # momentum is not Adam's: dropped
    assert isinstance(clf.net_.optimizer_, torch.optim.Adam)
    assert clf.n_iter_ == 9


@pytest.mark.parametrize("tol", [0.0, 0.02])
def test_plateau_stop_follows_the_mlp_rule(tol):
    """As MLPClassifier: an epoch is a miss unless its loss beats the best loss so
    far by tol, the count restarts at every such improvement, and training stops at
    n_iter_no_change misses in a row; misses count once the loss has fallen below
    ARMED_BELOW times the constant predictor's."""
    X, y = noisy_task(n=40, flip=0.4)
    clf = RNNClassifier(
        tol=tol,
        n_iter_no_change=3,
        lr=0.3,
        batch_size=8,
        **{**FAST, **PLAIN, "max_iter": 100},
    ).fit(X, y)
    baseline = dict(clf.net_.callbacks_)["stopping"].baseline
    misses, best, armed = 0, np.inf, False
    for epoch, loss in enumerate(clf.loss_curve_, start=1):  # noqa: B007
        armed = armed or loss < ARMED_BELOW * baseline
        misses = misses + armed if loss > best - tol else 0
        best = min(best, loss)
        if misses == 3:
            break
    assert misses == 3
    assert clf.n_iter_ == epoch < clf.max_iter


# --------------------------------------------------------------------------------------
# Sample weights and class weights
# --------------------------------------------------------------------------------------


def test_weighted_loss_is_sum_of_w_times_loss_over_sum_of_w():
    X, signal = sign_task(n=8)
    net = RNNClassifier(**FAST).fit(X, signal > 0).net_
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    target = torch.tensor([0, 0, 1])
    weight = torch.tensor([1.0, 3.0, 0.5])
    each = torch.nn.functional.cross_entropy(logits, target, reduction="none")
    expected = float((each * weight).sum() / weight.sum())
    assert float(net.get_loss(logits, (target, weight))) == pytest.approx(expected)
    assert float(net.get_loss(logits, target)) == pytest.approx(float(each.mean()))


def test_zero_weight_on_a_class_removes_it_from_the_fit():
    X, signal = sign_task()
    y = np.where(signal > 0, "pos", "neg")
    plain = RNNClassifier(**LEARN).fit(X, y)
    assert set(plain.predict(X)) == {"pos", "neg"}
    weighted = RNNClassifier(**LEARN).fit(X, y, sample_weight=(y == "pos") * 1.0)
    assert set(weighted.predict(X)) == {"pos"}


def test_sample_weight_changes_the_regressor():
    X, signal = sign_task(n=40)
    weight = np.where(signal > 0, 1.0, 0.01)
    plain = RNNRegressor(**FAST).fit(X, signal).predict(X)
    weighted = RNNRegressor(**FAST).fit(X, signal, sample_weight=weight).predict(X)
    assert np.abs(plain - weighted).max() > 1e-3


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_scaling_all_weights_changes_nothing(Estimator):
    X, signal = sign_task(n=40)
    y = signal > 0 if Estimator is RNNClassifier else signal
    weight = np.random.default_rng(0).integers(1, 4, size=40)
    # No convolutional front end: its 64 and 128 float32 filters amplify the rounding
    # of the scaled weights' loss past atol=1e-6 (up to 1.3e-6 for the regressor) in
    # five epochs; the invariance tested is the loss's, not the front end's.
    params = dict(FAST, batch_size=16, lr=1e-2, max_iter=5, front_end="none")

    def fitted(sample_weight):
        est = Estimator(**params).fit(X, y, sample_weight=sample_weight)
        return est.predict_proba(X) if Estimator is RNNClassifier else est.predict(X)

    reference = fitted(weight)
    # A power of two scales exactly in floating point.
    np.testing.assert_array_equal(fitted(weight * 4.0), reference)
    for scale in (3.0, 0.1, 1000.0):
        np.testing.assert_allclose(fitted(weight * scale), reference, atol=1e-6)
    # Integer weights are the same float weights; ones are no weights.
    np.testing.assert_array_equal(fitted(weight.astype(float)), reference)
    np.testing.assert_allclose(
        fitted(np.ones(40, dtype=int)), fitted(None), rtol=0, atol=1e-6
    )
    # And the weights do change the model.
    assert np.abs(fitted(None) - reference).max() > 1e-4


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
@pytest.mark.parametrize(
    "weight, match",
    [
        (np.ones(19), "sample_weight"),
        (np.ones(21), "sample_weight"),
        (np.r_[np.ones(19), -1.0], "[Nn]egative"),
        (np.zeros(20), "non-zero|positive"),
    ],
    ids=["short", "long", "negative", "all-zero"],
)
def test_bad_sample_weight_is_rejected(Estimator, weight, match):
    X, signal = sign_task(n=20)
    y = signal > 0 if Estimator is RNNClassifier else signal
    with pytest.raises(ValueError, match=match):
        Estimator(**FAST).fit(X, y, sample_weight=weight)
    with pytest.raises(ValueError, match=match):
        if Estimator is RNNClassifier:
            Estimator(**FAST).partial_fit(
                X, y, classes=[False, True], sample_weight=weight
            )
        else:
            Estimator(**FAST).partial_fit(X, y, sample_weight=weight)


def imbalanced_task(n=60, seed=0):
    """Few "rare" samples, only partly predictable from the sequences."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6, 2)).astype(np.float32)
    score = X[:, -1, 0] + rng.normal(size=n)
    return X, np.where(score > 1.0, "rare", "common")


def test_class_weight_balanced_raises_minority_recall():
    X, y = imbalanced_task()
    assert 0.1 < np.mean(y == "rare") < 0.3
    recall = {}
    for class_weight in (None, "balanced", {"rare": 5.0, "common": 1.0}):
        # PLAIN: the default front end memorises the 60 training sequences, rare
        # ones included (recall 1.0 without weights), leaving nothing to raise.
        clf = RNNClassifier(class_weight=class_weight, **LEARN, **PLAIN).fit(X, y)
        recall[str(class_weight)] = recall_score(y, clf.predict(X), pos_label="rare")
    assert recall["balanced"] > recall["None"] + 0.1
    assert recall[str({"rare": 5.0, "common": 1.0})] > recall["None"] + 0.1


def test_class_weight_is_a_per_class_sample_weight():
    X, y = imbalanced_task(n=40)
    balanced = RNNClassifier(class_weight="balanced", **FAST).fit(X, y)
    same = RNNClassifier(**FAST).fit(
        X, y, sample_weight=compute_sample_weight("balanced", y)
    )
    np.testing.assert_allclose(
        balanced.predict_proba(X), same.predict_proba(X), rtol=0, atol=1e-6
    )
    # A dict by label; absent classes weigh 1; it multiplies sample_weight.
    sample_weight = np.random.default_rng(1).uniform(0.5, 2.0, size=40)
    by_dict = RNNClassifier(class_weight={"rare": 4.0}, **FAST).fit(
        X, y, sample_weight=sample_weight
    )
    same = RNNClassifier(**FAST).fit(
        X, y, sample_weight=sample_weight * np.where(y == "rare", 4.0, 1.0)
    )
    np.testing.assert_allclose(
        by_dict.predict_proba(X), same.predict_proba(X), rtol=0, atol=1e-6
    )
    plain = RNNClassifier(**FAST).fit(X, y, sample_weight=sample_weight)
    assert np.abs(plain.predict_proba(X) - by_dict.predict_proba(X)).max() > 1e-4


def test_partial_fit_refuses_balanced_class_weight():
    X, y = imbalanced_task(n=20)
    clf = RNNClassifier(class_weight="balanced", **FAST)
    with pytest.raises(ValueError, match=r"balanced.*partial_fit"):
        clf.partial_fit(X, y, classes=["common", "rare"])
    # A dict works incrementally.
    clf.set_params(class_weight={"rare": 3.0}).partial_fit(
        X, y, classes=["common", "rare"]
    )
    assert clf.n_iter_ == 1


# --------------------------------------------------------------------------------------
# warm_start
# --------------------------------------------------------------------------------------


def test_warm_start_continues_from_the_fitted_weights():
    X, signal = sign_task()
    y = signal > 0
    clf = RNNClassifier(warm_start=True, **{**LEARN, "max_iter": 4}).fit(X, y)
    first_curve = list(clf.loss_curve_)
    weights = flat(clf.net_.module_)
    net = clf.net_
    recorder = Recorder()
    clf.set_params(max_iter=3, callbacks=[recorder]).fit(X, y)
    assert clf.net_ is net
    assert torch.equal(recorder.start, weights)
    assert clf.n_iter_ == 7
    assert len(clf.net_.history) == 7
    assert clf.loss_curve_[:4] == first_curve
    # The continuation starts where the first fit ended, far below a fresh start.
    fresh = RNNClassifier(**{**LEARN, "max_iter": 3}).fit(X, y)
    assert clf.loss_curve_[4] < 0.9 * fresh.loss_curve_[0]
    assert clf.loss_curve_[4] < first_curve[0]


def test_warm_start_keeps_the_optimizer_state():
    X, signal = sign_task(n=40)
    y = signal > 0
    clf = RNNClassifier(warm_start=True, batch_size=16, **FAST).fit(X, y)
    optimizer = clf.net_.optimizer_
    param = next(clf.net_.module_.parameters())
    state = optimizer.state[param]
    assert float(state["step"]) == 3 * 3  # 3 epochs of 3 batches
    moment = state["exp_avg"].clone()
    clf.set_params(max_iter=2).fit(X, y)
    assert clf.net_.optimizer_ is optimizer
    assert float(optimizer.state[param]["step"]) == 5 * 3
    assert not torch.equal(optimizer.state[param]["exp_avg"], moment)


def test_without_warm_start_fit_starts_afresh():
    X, signal = sign_task(n=30)
    clf = RNNClassifier(**FAST).fit(X, signal > 0)
    first = clf.predict_proba(X)
    clf.fit(X, signal > 0)
    assert clf.n_iter_ == 3
    np.testing.assert_array_equal(clf.predict_proba(X), first)


@pytest.mark.parametrize(
    "change, name",
    [
        ({"hidden_size": 12}, "hidden_size"),
        ({"cell": "lstm"}, "cell"),
        ({"bidirectional": True}, "bidirectional"),
    ],
)
def test_warm_start_refuses_a_different_network(change, name):
    X, signal = sign_task(n=20)
    clf = RNNRegressor(warm_start=True, **FAST).fit(X, signal)
    with pytest.raises(ValueError, match=name):
        clf.set_params(**change).fit(X, signal)
    with pytest.raises(ValueError, match=name):
        clf.partial_fit(X, signal)


def test_warm_start_keeps_the_classes():
    X, signal = sign_task(n=20)
    clf = RNNClassifier(warm_start=True, **FAST).fit(X, signal > 0)
    with pytest.raises(ValueError, match="not in classes_"):
        clf.fit(X, np.where(signal > 0, 2, 0))


# --------------------------------------------------------------------------------------
# partial_fit
# --------------------------------------------------------------------------------------


def test_partial_fit_classifier_needs_classes_and_checks_labels():
    X, signal = sign_task(n=20)
    y = np.where(signal > 0, "b", "a")
    clf = RNNClassifier(**FAST)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X, y, classes=["a", "c"])
    clf.partial_fit(X, y, classes=["c", "b", "a"])
    np.testing.assert_array_equal(clf.classes_, ["a", "b", "c"])
    assert clf.predict_proba(X).shape == (20, 3)
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X, np.where(signal > 0, "b", "d"))
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y, classes=["a", "b"])
    # Only "b" here: the others stay known.
    clf.partial_fit(X[signal > 0], y[signal > 0])
    assert clf.n_iter_ == 2


def test_failed_first_partial_fit_leaves_no_classes_behind():
    X, _ = sign_task(n=30)
    bad = np.ones((4, 3, 2))
    bad[0, 0] = np.nan  # a missing step before valid ones
    clf = RNNClassifier(**FAST)
    with pytest.raises(ValueError):
        clf.partial_fit(bad, [0, 1, 0, 1], classes=[0, 1])
    y3 = np.arange(30) % 3
    clf.fit(X, y3)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    refused = RNNClassifier(class_weight="balanced", **FAST)
    with pytest.raises(ValueError, match="balanced"):
        refused.partial_fit(X, y3 % 2, classes=[0, 1])
    refused.set_params(class_weight=None).fit(X, y3)
    np.testing.assert_array_equal(refused.classes_, [0, 1, 2])


def test_partial_fit_learns_incrementally():
    X, signal = sign_task()
    y = np.where(signal > 0, "up", "down")
    clf = RNNClassifier(**LEARN)
    clf.partial_fit(X, y, classes=["down", "up"])
    after_one = clf.score(X, y)
    loss_one = clf.loss_curve_[0]
    for i in range(2, 21):
        clf.partial_fit(X, y)
        assert clf.n_iter_ == i
        assert len(clf.loss_curve_) == i
    assert clf.score(X, y) > after_one + 0.1
    assert clf.score(X, y) > 0.85
    assert clf.loss_curve_[-1] < 0.5 * loss_one


def test_first_partial_fit_equals_one_epoch_of_fit():
    X, signal = sign_task(n=30)
    part = RNNRegressor(**FAST).partial_fit(X, signal)
    # partial_fit trains at the constant learning rate lr.
    full = RNNRegressor(**{**FAST, "max_iter": 1}, lr_schedule="constant").fit(
        X, signal
    )
    np.testing.assert_array_equal(part.predict(X), full.predict(X))
    assert part.n_iter_ == 1


def test_partial_fit_regressor_keeps_the_first_target_scaling():
    X, signal = sign_task(n=40)
    y = 100 + 10 * signal
    reg = RNNRegressor(**{**LEARN, "lr": 3e-2})
    reg.partial_fit(X[:20], y[:20])
    mean, scale = reg._y_mean.copy(), reg._y_scale.copy()
    reg.partial_fit(X[20:], y[20:] + 1000)
    np.testing.assert_array_equal(reg._y_mean, mean)
    np.testing.assert_array_equal(reg._y_scale, scale)
    with pytest.raises(ValueError, match="outputs"):
        reg.partial_fit(X, np.c_[y, y])
    # Training on the shifted targets in the first call's units moves predictions up.
    before = reg.predict(X).mean()
    for _ in range(30):
        reg.partial_fit(X, y + 100)
    assert reg.predict(X).mean() > before + 30


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_partial_fit_ignores_the_validation_split(Estimator):
    X, signal = sign_task(n=30)
    recorder = Recorder()
    est = Estimator(early_stopping=True, callbacks=[recorder], batch_size=8, **FAST)
    if Estimator is RNNClassifier:
        est.partial_fit(X, signal > 0, classes=[False, True])
    else:
        est.partial_fit(X, signal)
    assert recorder.valid is None
    assert recorder.train_sizes == [30]
    assert est.n_iter_ == 1
    assert "valid_loss" not in est.net_.history[-1]
    assert est.validation_scores_ is None
    assert est.best_loss_ == est.loss_curve_[0]


# --------------------------------------------------------------------------------------
# Optimizers, weight decay, gradient clipping, learning-rate schedule
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, cls, has_momentum",
    [
        ("adam", torch.optim.Adam, False),
        ("adamw", torch.optim.AdamW, False),
        ("sgd", torch.optim.SGD, True),
        ("rmsprop", torch.optim.RMSprop, True),
    ],
)
def test_optimizers_get_their_settings(name, cls, has_momentum):
    X, signal = sign_task(n=16)
    net = (
        RNNRegressor(optimizer=name, lr=0.02, weight_decay=0.125, momentum=0.5, **FAST)
        .fit(X, signal)
        .net_
    )
    assert type(net.optimizer_) is cls
    group = net.optimizer_.param_groups[0]
    assert group["lr"] == 0.02
    assert group["weight_decay"] == 0.125
    if has_momentum:
        assert group["momentum"] == 0.5
    else:
        assert "momentum" not in group
    # All parameters are optimized.
    optimized = {id(p) for g in net.optimizer_.param_groups for p in g["params"]}
    assert optimized == {id(p) for p in net.module_.parameters()}


@pytest.mark.parametrize("optimizer", ["sgd", "adamw"])
def test_weight_decay_shrinks_the_weights(optimizer):
    X, signal = sign_task(n=40)
    params = dict(FAST, optimizer=optimizer, lr=0.05, max_iter=10)
    norms = {
        decay: float(
            flat(
                RNNRegressor(weight_decay=decay, **params).fit(X, signal).net_.module_
            ).norm()
        )
        for decay in (0.0, 0.5)
    }
    assert norms[0.5] < 0.9 * norms[0.0]


def test_sgd_momentum_changes_the_fit():
    X, signal = sign_task(n=40)
    params = dict(FAST, optimizer="sgd", lr=0.05)
    a = RNNRegressor(momentum=0.0, **params).fit(X, signal).predict(X)
    b = RNNRegressor(momentum=0.9, **params).fit(X, signal).predict(X)
    assert np.abs(a - b).max() > 1e-4


def test_clip_grad_norm_bounds_every_step():
    X, signal = sign_task(n=40)
    params = dict(FAST, optimizer="sgd", momentum=0.0, lr=1.0, batch_size=8, max_iter=2)
    params["lr_schedule"] = "constant"  # every step at lr=1
    clipped = StepSizes()
    RNNRegressor(clip_grad_norm=1e-3, callbacks=[clipped], **params).fit(X, signal)
    assert len(clipped.steps) == 2 * 5
    # The raw gradients are far bigger than the clip; the steps are not.
    assert min(clipped.grad_norms) > 1e-2
    assert max(clipped.steps) <= 1.0 * 1e-3 * (1 + 1e-4)
    assert min(clipped.steps) > 0.5e-3
    free = StepSizes()
    RNNRegressor(clip_grad_norm=None, callbacks=[free], **params).fit(X, signal)
    assert max(free.steps) > 1e-2
    # With plain SGD and lr=1 an unclipped step is the gradient itself.
    np.testing.assert_allclose(free.steps, free.grad_norms, rtol=1e-4)


@pytest.mark.parametrize("max_norm", [1e-3, 1e3, 0.5])
def test_clip_grad_norm_gives_torch_s_gradients(max_norm):
    from sklearn_rnn._training import clip_grad_norm

    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Embedding(500, 16), torch.nn.GRU(16, 8, batch_first=True)
    )
    grads = [torch.randn_like(p) * 0.1 for p in module.parameters()]
    grads[0][:400] = 0.0  # the rows of tokens the batch did not hold
    ours, theirs = [torch.nn.Parameter(g.clone()) for g in grads], []
    for p, g in zip(ours, grads, strict=True):
        p.grad = g.clone()
        theirs.append(torch.nn.Parameter(g.clone()))
        theirs[-1].grad = g.clone()
    clip_grad_norm(ours, max_norm)
    torch.nn.utils.clip_grad_norm_(theirs, max_norm)
    for a, b in zip(ours, theirs, strict=True):
        assert torch.equal(a.grad, b.grad)
    rescaled = not torch.equal(ours[1].grad, grads[1])
    assert rescaled == (max_norm < 1)


def test_clip_grad_norm_of_a_nan_gradient_is_nan_as_in_torch():
    from sklearn_rnn._training import clip_grad_norm

    p = torch.nn.Parameter(torch.zeros(3))
    p.grad = torch.tensor([1.0, float("nan"), 2.0])
    clip_grad_norm([p], 5.0)
    assert torch.isnan(p.grad).all()


class EvalAfterEachBatch(Callback):
    """Puts the recurrent layer (not the whole module) in eval mode after every
    batch, and records the mode it is in when it runs during training."""

    def initialize(self):
        self.modes = []
        return self

    @staticmethod
    def _rnn(net):
        return next(m for m in net.module_.modules() if isinstance(m, torch.nn.RNNBase))

    def on_train_begin(self, net, **kwargs):
        rnn = self._rnn(net)
        rnn.register_forward_pre_hook(lambda m, args: self.modes.append(m.training))

    def on_batch_end(self, net, training, **kwargs):
        if training:
            self._rnn(net).eval()


def test_every_training_step_runs_every_layer_in_training_mode():
    X, signal = sign_task(n=24)
    watch = EvalAfterEachBatch()
    RNNClassifier(callbacks=[watch], batch_size=8, **FAST, **PLAIN).fit(X, signal > 0)
    assert len(watch.modes) == 3 * 3
    assert all(watch.modes)


def test_clipping_is_on_by_default_and_reaches_the_net():
    default = RNNClassifier().clip_grad_norm
    assert default is not None and 0 < default < np.inf
    X, signal = sign_task(n=16)
    assert RNNClassifier(**FAST).fit(X, signal > 0).net_.clip_grad_norm == default
    net = RNNClassifier(clip_grad_norm=0.25, **FAST).fit(X, signal > 0).net_
    assert net.clip_grad_norm == 0.25


def test_plateau_schedule_lowers_the_learning_rate():
    X, _ = sign_task(n=200)
    y = np.random.default_rng(0).integers(0, 2, size=200)  # nothing to learn
    # PLAIN: an LSTM too small to memorise the 200 random labels in 30 epochs (the
    # learning rate fell for each of random_state 0-4).
    params = dict(
        FAST,
        cell="lstm",
        hidden_size=4,
        lr=3e-2,
        batch_size=64,
        n_iter_no_change=4,
        max_iter=30,
    )
    params.update(PLAIN, tol=0.0)
    clf = RNNClassifier(**{**params, "lr_schedule": "plateau"}).fit(X, y)
    lrs = [row.get("event_lr") for row in clf.net_.history]
    assert None not in lrs
    assert lrs[0] == 3e-2
    assert np.all(np.diff(lrs) <= 0)
    assert clf.net_.optimizer_.param_groups[0]["lr"] < 3e-2
    # A constant schedule keeps the learning rate.
    const = RNNClassifier(**params).fit(X, y)
    assert const.net_.optimizer_.param_groups[0]["lr"] == 3e-2


def test_plateau_schedule_follows_the_validation_loss_with_early_stopping():
    X, y = noisy_task(seed=0)
    clf = RNNClassifier(
        **{**EARLY, "n_iter_no_change": 6, "lr_schedule": "plateau"}, random_state=0
    ).fit(X, y)
    # The validation loss rose after its best epoch: the rate was lowered.
    assert clf.net_.optimizer_.param_groups[0]["lr"] < EARLY["lr"]


# --------------------------------------------------------------------------------------
# User callbacks, verbosity, Ctrl-C
# --------------------------------------------------------------------------------------


def test_user_callbacks_run_every_epoch():
    X, signal = sign_task(n=20)
    plain, named = Recorder(), Recorder()
    clf = RNNClassifier(
        callbacks=[plain, ("mine", named)], **{**FAST, "max_iter": 4}
    ).fit(X, signal > 0)
    expected = (
        ["on_train_begin"] + ["on_epoch_begin", "on_epoch_end"] * 4 + ["on_train_end"]
    )
    assert plain.calls == expected
    assert named.calls == expected
    assert dict(clf.net_.callbacks_)["mine"] is named


def test_user_callbacks_see_the_epoch_that_stops_training():
    X, y = noisy_task(seed=1)
    recorder = Recorder()
    clf = RNNClassifier(**EARLY, random_state=1, callbacks=[recorder]).fit(X, y)
    assert clf.n_iter_ < clf.max_iter
    assert recorder.calls.count("on_epoch_end") == clf.n_iter_
    assert recorder.calls[-1] == "on_train_end"


@pytest.mark.parametrize(
    "callbacks", [[1], ["progress"], [("name", None)], [("name",)]]
)
def test_invalid_callbacks_are_a_clear_error(callbacks):
    X, signal = sign_task(n=10)
    with pytest.raises(ValueError, match="callbacks"):
        RNNClassifier(callbacks=callbacks, **FAST).fit(X, signal > 0)


def _epoch_lines(out):
    return [line for line in out.splitlines() if line.strip()[:1].isdigit()]


def test_verbose_zero_prints_nothing(capsys):
    X, y = noisy_task(seed=1)
    clf = RNNClassifier(**EARLY, random_state=1, verbose=0).fit(X, y)
    assert clf.n_iter_ < clf.max_iter  # stopped, restored: silently
    RNNClassifier(**FAST, verbose=0).fit(X, y)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_verbose_one_prints_a_line_per_epoch(capsys):
    X, y = noisy_task(seed=1)
    clf = RNNClassifier(**EARLY, random_state=1, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    for column in ("train_loss", "valid_loss", "valid_score"):
        assert column in header
    assert len(_epoch_lines(out)) == clf.n_iter_
    assert "Stopping" in out
    reg = RNNRegressor(**FAST, verbose=1).fit(*sign_task(n=20))
    out = capsys.readouterr().out
    assert "train_loss" in out
    assert "valid_loss" not in out
    assert len(_epoch_lines(out)) == reg.n_iter_


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_verbose_one_colours_only_on_a_terminal(tmp_path):
    """skorch's ANSI colour codes (the best value of each column) go to a terminal,
    not into a file or a captured stream."""
    X, y = noisy_task(seed=1)
    params = dict(EARLY, random_state=1, verbose=1)
    path = tmp_path / "log.txt"
    with path.open("w") as file, contextlib.redirect_stdout(file):
        clf = RNNClassifier(**params).fit(X, y)
    written = path.read_text()
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        RNNClassifier(**params).fit(X, y)
    terminal = _Terminal()
    with contextlib.redirect_stdout(terminal):
        RNNClassifier(**params).fit(X, y)
    assert len(_epoch_lines(written)) == clf.n_iter_
    assert "\x1b[" not in written
    assert "\x1b[" not in captured.getvalue()
    assert "\x1b[" in terminal.getvalue()
    for column in ("train_loss", "valid_loss", "valid_score"):
        assert column in written.splitlines()[0]


@pytest.mark.parametrize("early_stopping", [False, True])
def test_ctrl_c_keeps_a_usable_model(early_stopping):
    X, signal = sign_task(n=30)
    y = signal > 0
    clf = RNNClassifier(
        early_stopping=early_stopping,
        callbacks=[InterruptAt(2)],
        **{**FAST, "max_iter": 50},
    ).fit(X, y)
    assert clf.n_iter_ == 2
    assert len(clf.loss_curve_) == 2
    if early_stopping:
        assert len(clf.validation_scores_) == 2
    assert clf.predict(X).shape == (30,)
    assert clf.net_.train_split is None


# --------------------------------------------------------------------------------------
# Pickling
# --------------------------------------------------------------------------------------


def test_pickle_keeps_the_history_and_continues():
    X, y = noisy_task(seed=1)
    clf = RNNClassifier(**EARLY, random_state=1, warm_start=True).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    for name in (
        "n_iter_",
        "loss_curve_",
        "validation_loss_curve_",
        "validation_scores_",
        "best_validation_score_",
        "best_loss_",
    ):
        assert getattr(restored, name) == getattr(clf, name), name
    assert len(restored.net_.history) == len(clf.net_.history) == clf.n_iter_
    assert restored.net_.history[:, "valid_loss"] == clf.net_.history[:, "valid_loss"]
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    # The restored model can continue (warm_start).
    restored.set_params(max_iter=2, early_stopping=False).fit(X, y)
    assert restored.n_iter_ == clf.n_iter_ + 2


def test_pickle_holds_no_training_data():
    def size(n):
        rng = np.random.default_rng(0)
        X = rng.normal(size=(n, 20, 4)).astype(np.float32)
        y = rng.integers(0, 2, size=n)
        clf = RNNClassifier(
            early_stopping=True, batch_size=64, **{**FAST, "max_iter": 2}
        ).fit(X, y)
        assert clf.net_.train_split is None
        for _, callback in clf.net_.callbacks_:
            if isinstance(callback, ValidationScore):
                assert not callback.outputs_ and callback.score is None
        return len(pickle.dumps(clf)), X.nbytes

    small, _ = size(40)
    large, data_bytes = size(1000)
    # 960 more samples add 300 KB of data; the pickle grows by a few history rows.
    assert large - small < 0.02 * data_bytes


# --------------------------------------------------------------------------------------
# Mixed precision
# --------------------------------------------------------------------------------------


def test_mixed_precision_on_cpu_warns_and_trains_in_float32():
    X, signal = sign_task(n=30)
    y = signal > 0
    with pytest.warns(UserWarning, match="mixed_precision"):
        mixed = RNNClassifier(mixed_precision=True, **FAST).fit(X, y)
    plain = RNNClassifier(**FAST).fit(X, y)
    assert all(p.dtype == torch.float32 for p in mixed.net_.module_.parameters())
    np.testing.assert_array_equal(mixed.predict_proba(X), plain.predict_proba(X))
    assert getattr(mixed.net_, "grad_scaler_", None) is None


# --------------------------------------------------------------------------------------
# Invalid parameter values
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, name",
    [
        ({"early_stopping": "yes"}, "early_stopping"),
        ({"early_stopping": None}, "early_stopping"),
        ({"validation_fraction": 0.0}, "validation_fraction"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"validation_fraction": "0.1"}, "validation_fraction"),
        ({"n_iter_no_change": 0}, "n_iter_no_change"),
        ({"n_iter_no_change": 2.5}, "n_iter_no_change"),
        ({"tol": -1e-3}, "tol"),
        ({"tol": None}, "tol"),
        ({"warm_start": "no"}, "warm_start"),
        ({"weight_decay": -0.1}, "weight_decay"),
        ({"momentum": -0.1}, "momentum"),
        ({"momentum": 1.5}, "momentum"),
        ({"clip_grad_norm": 0.0}, "clip_grad_norm"),
        ({"clip_grad_norm": -1.0}, "clip_grad_norm"),
        ({"clip_grad_norm": "1"}, "clip_grad_norm"),
        ({"lr_schedule": "cyclic"}, "lr_schedule"),
        ({"lr_schedule": None}, "lr_schedule"),
        ({"callbacks": "progress"}, "callbacks"),
        ({"callbacks": Recorder()}, "callbacks"),
        ({"mixed_precision": "fp16"}, "mixed_precision"),
        ({"optimizer": "adagrad"}, "optimizer"),
    ],
)
@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_invalid_training_parameters_name_the_parameter(Estimator, params, name):
    X, signal = sign_task(n=10)
    y = signal > 0 if Estimator is RNNClassifier else signal
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        Estimator(**params, **FAST).fit(X, y)
    assert issubclass(InvalidParameterError, ValueError)


@pytest.mark.parametrize("class_weight", ["auto", ["a", "b"], 1.0])
def test_invalid_class_weight_names_the_parameter(class_weight):
    X, signal = sign_task(n=10)
    with pytest.raises(InvalidParameterError, match="'class_weight' parameter"):
        RNNClassifier(class_weight=class_weight, **FAST).fit(X, signal > 0)


def test_partial_fit_validates_parameters_too():
    X, signal = sign_task(n=10)
    with pytest.raises(InvalidParameterError, match="'tol' parameter"):
        RNNRegressor(tol=-1.0, **FAST).partial_fit(X, signal)


# --------------------------------------------------------------------------------------
# Edge cases found in review: warm starts, diverged fits, interrupts, warning origin
# --------------------------------------------------------------------------------------


def test_best_validation_score_after_a_warm_start_is_that_fit_s_kept_epoch():
    X, signal = sign_task(n=60)
    clf = RNNClassifier(
        early_stopping=True, n_iter_no_change=50, **{**FAST, "max_iter": 6}
    ).fit(X, signal > 0)
    clf.set_params(warm_start=True, max_iter=3, lr=0.5).fit(X, signal > 0)
    kept = dict(clf.net_.callbacks_)["stopping"].best_epoch_
    assert 6 < kept <= 9  # the second fit's epochs only
    assert clf.best_validation_score_ == clf.validation_scores_[kept - 1]


class PoisonWeights(Callback):
    def on_epoch_begin(self, net, **kwargs):
        with torch.no_grad():
            for p in net.module_.parameters():
                p.fill_(float("nan"))


def test_a_diverged_fit_stops_on_nan_losses_and_finishes():
    X, signal = sign_task(n=40)
    # It learned nothing, and says so.
    with pytest.warns(ConvergenceWarning, match="no better than a constant predictor"):
        clf = RNNClassifier(
            early_stopping=True,
            n_iter_no_change=2,
            callbacks=[PoisonWeights()],
            **{**FAST, "max_iter": 10},
        ).fit(X, signal > 0)
    assert clf.n_iter_ == 2  # NaN epochs count as misses
    assert np.isnan(clf.best_validation_score_)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_an_interrupt_at_the_end_of_the_last_epoch_does_not_warn(early_stopping):
    X, signal = sign_task(n=40)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = RNNClassifier(
            early_stopping=early_stopping,
            n_iter_no_change=50,
            callbacks=[InterruptAt(3)],
            **{**FAST, "max_iter": 3},
        ).fit(X, signal > 0)
    assert clf.n_iter_ == 3


def test_warnings_point_at_the_user_s_call():
    X, signal = sign_task(n=40)
    with pytest.warns(ConvergenceWarning) as caught:  # max_iter ran out
        RNNClassifier(n_iter_no_change=50, lr_schedule="constant", **FAST).fit(
            X, signal > 0
        )
    assert caught[0].filename == __file__
    with pytest.warns(UserWarning, match="mixed_precision") as caught:
        RNNClassifier(mixed_precision=True, **FAST).fit(X, signal > 0)
    assert any(w.filename == __file__ for w in caught)


@pytest.mark.parametrize("flush", [True, False])
def test_the_denormal_probe_reads_the_thread_s_mode(flush):
    from sklearn_rnn._training import _flushing_denormals

    torch.set_flush_denormal(flush)
    try:
        tiny = torch.tensor([1e-39], dtype=torch.float32)
        assert _flushing_denormals() == ((tiny * 1.0).item() == 0.0) == flush
    finally:
        torch.set_flush_denormal(False)


def test_a_given_validation_set_is_used_for_early_stopping():
    # X_val/y_val (as HistGradientBoosting's): nothing is held out of the training
    # data, and the validation curve is measured on the given set.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8, 1)).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    X_val, y_val = X[:20] * -1, 1 - y[:20]  # labels of the reflected series
    clf = RNNClassifier(hidden_size=8, max_iter=5, random_state=0)
    clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    last = clf.net_.history[-1]
    # The validation pass ran over the 20 given series, the training over all 60.
    batches = last["batches"]
    assert sum(b["valid_batch_size"] for b in batches if "valid_batch_size" in b) == 20
    assert sum(b["train_batch_size"] for b in batches if "train_batch_size" in b) == 60
    with pytest.raises(ValueError, match="early_stopping=False"):
        RNNClassifier(early_stopping=False).fit(X, y, X_val=X_val, y_val=y_val)
    with pytest.raises(ValueError, match="together"):
        RNNClassifier().fit(X, y, X_val=X_val)
    with pytest.raises(ValueError, match="X_val has 20 sequences but y_val has 3"):
        RNNClassifier(max_iter=1).fit(X, y, X_val=X_val, y_val=y_val[:3])
