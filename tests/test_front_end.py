"""The convolutional front end, input scaling inside the network, the "auto" settings,
the warmup-cosine schedule, the armed stopping rule and per-series scaling.

The models are tiny and barely trained: most tests check guarantees (padding and
batch invariance, resolved settings, statistics), not how well the network learns.
"""

import itertools
import math
import types
import warnings
from functools import partial

import numpy as np
import pytest
import torch
from _helpers import (
    assert_predicted_alike_in_batches,
    assert_rows_predicted_alone,
    assert_same,
    nan_pad,
)
from _helpers import ragged as _ragged
from _helpers import token_data as _token_data
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback
from skorch.history import History

import sklearn_rnn._base
import sklearn_rnn._training
from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler
from sklearn_rnn._network import (
    ConvFrontEnd,
    InputScaling,
    SequenceEncoder,
    SequenceNetwork,
)
from sklearn_rnn._training import StopOnPlateau, WarmupCosine

# device="cpu": the exact-equality checks rely on CPU kernels (see _data.ROW_BLOCK).
FAST = dict(hidden_size=8, max_iter=3, random_state=0, device="cpu")
# A small front end; the first kernel is even, so "same" padding is asymmetric.
CONV = dict(front_end="conv", conv_filters=(8, 8), conv_kernel_sizes=(4, 3))
CELLS = ["lstm", "gru", "rnn_tanh", "rnn_relu"]
POOLINGS = ["last", "mean", "max", "mean_max", "attention"]
SCALINGS = ["both", "series", "dataset", "none"]


# This module's defaults: sequences of 1 to 19 steps, token rows 10 wide.
ragged = partial(_ragged, low=1, high=20)
token_data = partial(_token_data, width=10)


def valid_stats(seqs):
    """Per-channel mean and (population) std over every valid step, in float64."""
    steps = np.concatenate([np.asarray(s, np.float64) for s in seqs])
    return steps.mean(axis=0), steps.std(axis=0)


class StopAtFirstBatch(Callback):
    """Interrupts the fit at its first training batch: the settings resolved for the
    fit (epochs, batch size, schedule) can be read without paying for it."""

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            raise KeyboardInterrupt


class RecordLR(Callback):
    """The learning rate of the optimizer at every training batch."""

    def initialize(self):
        self.lrs = []
        return self

    def on_batch_begin(self, net, training=False, **kwargs):
        if training:
            self.lrs.append(net.optimizer_.param_groups[0]["lr"])


def _user_callback(net, kind):
    return next(cb for _, cb in net.callbacks_ if isinstance(cb, kind))


# --------------------------------------------------------------------------------------
# Module level: input scaling, the front end, padding and empty sequences
# --------------------------------------------------------------------------------------


def _padded_batch(lengths, width, channels=2, seed=0):
    gen = torch.Generator().manual_seed(seed)
    X = torch.zeros(len(lengths), width, channels)
    for i, t in enumerate(lengths):
        X[i, :t] = torch.randn(t, channels, generator=gen) * 3 + 1
    return X


def test_input_scaling_modes_at_valid_steps():
    lengths = torch.tensor([5, 1, 0, 8])
    X = _padded_batch(lengths, 10)
    X[0, :5, 1] = 4.0  # a channel constant within one sequence
    mean, scale = (0.5, -2.0), (2.0, 0.25)
    out = {
        mode: InputScaling(mode, 2, mean, scale)(X, lengths).numpy()
        for mode in SCALINGS
    }
    assert out["both"].shape == (4, 10, 4)
    for mode in ("series", "dataset", "none"):
        assert out[mode].shape == (4, 10, 2)
    x = X.numpy()
    for i, t in enumerate(lengths.tolist()):
        assert_same(out["none"][i, :t], x[i, :t])
        assert_same(out["dataset"][i, :t], (x[i, :t] - mean) / np.array(scale))
        if t:
            valid = x[i, :t].astype(np.float64)
            std = valid.std(axis=0)
            expected = (valid - valid.mean(axis=0)) / np.where(std > 1e-6, std, 1.0)
            assert_same(out["series"][i, :t], expected, atol=1e-5)
        # "both" is the per-series and the data-set channels side by side.
        assert_same(out["both"][i, :, :2], out["series"][i])
        assert_same(out["both"][i, :, 2:], out["dataset"][i])
        # Padded steps are zeros, whatever the mode.
        for mode in SCALINGS:
            assert (out[mode][i, t:] == 0).all(), mode
    # Per series: mean 0 and std 1 per channel; a constant channel is only centred.
    assert_same(out["series"][3, :8].mean(axis=0), [0, 0], atol=1e-6)
    assert_same(out["series"][3, :8].std(axis=0), [1, 1], atol=1e-5)
    assert_same(out["series"][0, :5, 1], np.zeros(5), atol=1e-6)
    assert_same(out["series"][0, :5, 0].std(), 1.0, atol=1e-5)
    # A one-step sequence has no spread: centred to zero.
    assert_same(out["series"][1, :1], [[0, 0]], atol=1e-6)


@pytest.mark.parametrize("kernel_sizes", [(3,), (4, 5), (8, 5, 2)])
@pytest.mark.parametrize("stride", [1, 2, 3, 4])
def test_front_end_downsamples_lengths_to_ceil_t_over_stride(stride, kernel_sizes):
    torch.manual_seed(0)
    filters = (6,) * len(kernel_sizes)
    front = ConvFrontEnd(2, filters, kernel_sizes, stride).eval()
    assert [conv.stride for conv in front.convs] == [(stride,)] + [(1,)] * (
        len(kernel_sizes) - 1
    )
    assert all(isinstance(n, torch.nn.LayerNorm) for n in front.norms)
    assert front.out_channels == filters[-1]
    lengths = torch.arange(14)  # 0 to 13 steps
    width = 13
    X = _padded_batch(lengths, width)
    with torch.no_grad():
        h, new_lengths = front(X, lengths)
    expected = [math.ceil(t / stride) for t in range(14)]
    assert new_lengths.tolist() == expected
    assert h.shape == (14, math.ceil(width / stride), filters[-1])
    for i, t in enumerate(expected):
        # Beyond its (downsampled) length a sequence's outputs are zeros ...
        assert (h[i, t:] == 0).all()
        if t:
            # ... and its valid outputs are those of the sequence alone, unpadded
            # ("same" zero padding at both ends).
            with torch.no_grad():
                alone, n = front(X[i : i + 1, : int(lengths[i])], lengths[i : i + 1])
            assert n.tolist() == [t]
            assert_same(alone[0].numpy(), h[i, :t].numpy())


@pytest.mark.parametrize("stride", [1, 3])
@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_network_ignores_what_padded_steps_hold(cell, bidirectional, pooling, stride):
    lengths = torch.tensor([0, 1, 2, 3, 5, 7, 9, 12, 4, 0, 11])
    width = 15
    X = _padded_batch(lengths, width)
    noisy, missing = X.clone(), X.clone()
    for i, t in enumerate(lengths.tolist()):
        noisy[i, t:] = torch.randn(width - t, 2) * 100
        missing[i, t:] = float("nan")
    for mode in SCALINGS:
        torch.manual_seed(0)
        net = SequenceNetwork(
            n_outputs=3,
            pooling=pooling,
            n_channels=2,
            cell=cell,
            hidden_size=8,
            num_layers=2,
            bidirectional=bidirectional,
            input_scaling=mode,
            input_mean=(1.0, -1.0),
            input_scale=(3.0, 0.5),
            conv_filters=(8, 6),
            conv_kernel_sizes=(4, 3),
            conv_stride=stride,
        ).eval()
        with torch.no_grad():
            clean = net(X, lengths)
            # Empty sequences (length 0) included: every output is finite.
            assert torch.isfinite(clean).all(), mode
            assert_same(net(noisy, lengths).numpy(), clean.numpy(), err_msg=mode)
            assert_same(net(missing, lengths).numpy(), clean.numpy(), err_msg=mode)
            # Each sequence alone, padded only as far as it needs (one step for an
            # empty one), and in a batch twice as wide.
            for i, t in enumerate(lengths.tolist()):
                alone = net(X[i : i + 1, : max(t, 1)], lengths[i : i + 1])
                assert_same(alone.numpy(), clean[i : i + 1].numpy(), err_msg=mode)
            wide = torch.cat([X, torch.zeros_like(X)], dim=1)
            assert_same(net(wide, lengths).numpy(), clean.numpy(), err_msg=mode)
            # All empty sequences get one and the same output.
            empty = clean[lengths == 0]
            assert_same(empty.numpy(), empty[[0, 0]].numpy(), err_msg=mode)


@pytest.mark.parametrize("stride", [1, 3])
def test_encoder_returns_downsampled_lengths(stride):
    torch.manual_seed(0)
    encoder = SequenceEncoder(
        n_channels=2,
        hidden_size=5,
        bidirectional=True,
        input_scaling="both",
        conv_filters=(4,),
        conv_kernel_sizes=(3,),
        conv_stride=stride,
    )
    lengths = torch.tensor([0, 1, 4, 10, 11])
    with torch.no_grad():
        h, new_lengths = encoder(_padded_batch(lengths, 11), lengths)
    assert new_lengths.tolist() == [math.ceil(t / stride) for t in lengths.tolist()]
    assert h.shape == (5, math.ceil(11 / stride), 10)


def test_token_front_end_reads_the_embedding_and_ignores_zero_padding():
    torch.manual_seed(0)
    net = SequenceNetwork(
        n_outputs=2,
        pooling="mean_max",
        vocab_size=12,
        embedding_dim=6,
        hidden_size=5,
        bidirectional=True,
        conv_filters=(7,),
        conv_kernel_sizes=(4,),
        conv_stride=2,
    ).eval()
    assert net.encoder.scaling is None
    assert net.encoder.front_end.convs[0].in_channels == 6
    table, ids, _ = token_data(n=12)
    lengths = torch.tensor([len(row) for row in ids])
    X = torch.from_numpy(table)
    with torch.no_grad():
        together = net(X, lengths)
        wide = net(torch.nn.functional.pad(X, (0, 7)), lengths)
        alone = torch.cat(
            [net(torch.from_numpy(row)[None], torch.tensor([len(row)])) for row in ids]
        )
    assert_same(wide.numpy(), together.numpy())
    assert_same(alone.numpy(), together.numpy())


def test_no_batch_statistics_even_in_training_mode():
    """Layer normalisation works on each step alone: a row's output in training mode
    does not depend on the other rows (batch normalisation's would)."""
    torch.manual_seed(0)
    net = SequenceNetwork(
        n_outputs=2,
        pooling="mean_max",
        n_channels=2,
        hidden_size=6,
        input_scaling="both",
        conv_filters=(8, 8),
        conv_kernel_sizes=(4, 3),
        conv_stride=2,
    ).train()
    assert not any(
        isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in net.modules()
    )
    lengths = torch.tensor([9, 3, 7, 1, 5, 9])
    X = _padded_batch(lengths, 9)
    with torch.no_grad():
        together = net(X, lengths)
        first = net(X[:2], lengths[:2])
        scaled_others = X.clone()
        scaled_others[2:] *= 50
        changed = net(scaled_others, lengths)
    assert_same(first.numpy(), together[:2].numpy())
    assert_same(changed[:2].numpy(), together[:2].numpy())


# --------------------------------------------------------------------------------------
# Estimator level: padding never changes a prediction, empty sequences
# --------------------------------------------------------------------------------------


def _check_padding_invariance(model, seqs, predict):
    expected = predict(seqs)
    width = max(len(s) for s in seqs)
    for w in (width, width + 1, 2 * width + 3):
        assert_same(predict(nan_pad(seqs, width=w)), expected, err_msg=f"width {w}")
    for i, seq in enumerate(seqs):
        assert_same(predict([seq]), expected[[i]], err_msg=f"sequence {i} alone")
        assert_same(predict(nan_pad([seq], width=width)), expected[[i]])
    return expected


@pytest.mark.parametrize("stride", [1, 3])
@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_padding_invariance_with_the_front_end(cell, bidirectional, pooling, stride):
    seqs, y = ragged(n=20)
    clf = RNNClassifier(
        cell=cell,
        bidirectional=bidirectional,
        pooling=pooling,
        conv_stride=stride,
        **CONV,
        **FAST,
    ).fit(nan_pad(seqs), y)
    assert clf.net_.module_.encoder.front_end.convs[0].stride == (stride,)
    _check_padding_invariance(clf, seqs, clf.predict_proba)


@pytest.mark.parametrize("input_scaling", SCALINGS)
@pytest.mark.parametrize("front_end", ["conv", "none"])
def test_padding_invariance_for_every_input_scaling(input_scaling, front_end):
    seqs, y = ragged(n=20, channels=3, seed=1)
    seqs = [s * [1.0, 10.0, 0.1] + [0.0, 5.0, -3.0] for s in seqs]
    seqs = [s.astype(np.float32) for s in seqs]
    params = {**CONV, "front_end": front_end, "conv_stride": 2}
    reg = RNNRegressor(
        input_scaling=input_scaling, bidirectional=True, **params, **FAST
    ).fit(seqs, y + 0.5)
    assert reg.net_.module_.encoder.scaling.mode == input_scaling
    assert (reg.net_.module_.encoder.front_end is None) == (front_end == "none")
    _check_padding_invariance(reg, seqs, reg.predict)


@pytest.mark.parametrize("input_scaling", SCALINGS)
@pytest.mark.parametrize("stride", [1, 3])
def test_empty_sequences_have_a_finite_defined_output(stride, input_scaling):
    seqs, y = ragged(n=20)
    clf = RNNClassifier(
        input_scaling=input_scaling, conv_stride=stride, **CONV, **FAST
    ).fit(seqs, y)
    proba = clf.predict_proba(np.full((3, 5, 2), np.nan))
    assert np.isfinite(proba).all()
    assert_same(proba, proba[[0, 0, 0]])
    mixed = clf.predict_proba([np.empty((0, 2)), seqs[0], np.empty((0, 2))])
    assert_same(mixed[[0, 2]], proba[:2])
    assert_same(mixed[[1]], clf.predict_proba(seqs[:1]))


@pytest.mark.parametrize("input_scaling", SCALINGS)
def test_fit_with_an_empty_training_sequence(input_scaling):
    seqs, y = ragged(n=20)
    seqs[3] = np.empty((0, 2), np.float32)
    clf = RNNClassifier(input_scaling=input_scaling, **CONV, **FAST).fit(seqs, y)
    assert np.isfinite(clf.predict_proba(seqs)).all()
    assert np.isfinite(clf.loss_curve_).all()
    if input_scaling in ("dataset", "both"):
        mean, std = valid_stats(seqs)
        scaling = clf.net_.module_.encoder.scaling
        assert_same(scaling.mean.numpy(), mean, atol=1e-6)
        assert_same(scaling.scale.numpy(), std, atol=1e-6)


# --------------------------------------------------------------------------------------
# Batch invariance: a prediction does not depend on what else is predicted
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"conv_stride": 1},
        {"cell": "gru", "bidirectional": True, "conv_stride": 3},
        {"cell": "rnn_tanh", "pooling": "max", "num_layers": 2, "conv_stride": 2},
        {"cell": "rnn_relu", "bidirectional": True, "pooling": "last"},
    ],
    ids=["lstm-s1", "gru-bi-s3", "tanh-max-2layers-s2", "relu-bi-last-auto"],
)
@pytest.mark.parametrize("data", ["3d", "ragged", "tokens"])
def test_one_row_at_a_time_equals_all_at_once_exactly(data, params):
    rng = np.random.default_rng(0)
    if data == "3d":
        X = rng.normal(size=(40, 17, 2)).astype(np.float32)
    elif data == "ragged":
        X, _ = ragged(n=40, high=60)
    else:
        X, _, _ = token_data(n=40, width=12)
    y = rng.integers(0, 3, size=40)
    clf = RNNClassifier(embedding_dim=4, **params, **CONV, **FAST).fit(X, y)
    assert clf.net_.module_.encoder.front_end is not None
    assert_rows_predicted_alone(clf, X, rng)


def test_batch_invariance_across_several_prediction_batches_with_the_front_end():
    rng = np.random.default_rng(1)
    X, _ = ragged(n=300, channels=1, low=1, high=150, seed=1)
    y = rng.normal(size=300)
    reg = RNNRegressor(
        batch_size=4, input_scaling="both", conv_stride="auto", **CONV, **FAST
    ).fit(X, y)
    assert reg.net_.module_.encoder.front_end.convs[0].stride == (2,)
    # batch_size=4: more than one prediction batch.
    assert_predicted_alike_in_batches(reg, X, rng)


# --------------------------------------------------------------------------------------
# Input scaling inside the network
# --------------------------------------------------------------------------------------


def _affine(seq, a, b):
    return (np.asarray(a) * seq + np.asarray(b)).astype(np.float32)


def test_series_scaling_makes_predictions_invariant_to_affine_changes():
    seqs, y = ragged(n=24, low=4, high=20)
    a, b = (2.5, 0.1), (-7.0, 40.0)
    changed = list(seqs)
    for i in (0, 5, 9):
        changed[i] = _affine(seqs[i], a, b)
    models = {
        scaling: RNNClassifier(input_scaling=scaling, **CONV, **FAST).fit(seqs, y)
        for scaling in ("series", "dataset", "both")
    }
    proba = models["series"].predict_proba(seqs)
    assert_same(models["series"].predict_proba(changed), proba, atol=1e-5)
    for i in (0, 5, 9):
        assert_same(models["series"].predict_proba([changed[i]]), proba[[i]], 1e-5)
    # With the data set's statistics the level and amplitude of a series count.
    for scaling in ("dataset", "both"):
        before = models[scaling].predict_proba(seqs)[[0, 5, 9]]
        after = models[scaling].predict_proba(changed)[[0, 5, 9]]
        assert np.abs(after - before).max() > 1e-3, scaling


def test_series_scaling_maps_constant_sequences_to_one_output():
    seqs, y = ragged(n=20)
    reg = RNNRegressor(input_scaling="series", **CONV, **FAST).fit(seqs, y * 3.0)
    levels = [-50.0, 0.0, 2.0, 1e3]
    constant = [np.full((6, 2), v, np.float32) for v in levels]
    pred = reg.predict(constant)
    assert_same(pred, np.full(4, pred[1]), atol=1e-5)
    both = RNNRegressor(input_scaling="both", **CONV, **FAST).fit(seqs, y * 3.0)
    assert np.ptp(both.predict(constant)) > 1e-3


@pytest.mark.parametrize("input_scaling", ["dataset", "both"])
def test_dataset_scaling_uses_the_training_set_statistics(input_scaling):
    seqs, y = ragged(n=25, channels=3, seed=2)
    seqs = [(s * [0.5, 4.0, 1.0] + [3.0, -2.0, 7.0]).astype(np.float32) for s in seqs]
    for s in seqs:
        s[:, 2] = 7.0  # a constant channel: scale 1, not 0
    mean, std = valid_stats(seqs)
    for X in (seqs, nan_pad(seqs, width=30)):  # padding is not counted
        reg = RNNRegressor(input_scaling=input_scaling, **CONV, **FAST).fit(X, y)
        scaling = reg.net_.module_.encoder.scaling
        assert scaling.mode == input_scaling
        np.testing.assert_allclose(scaling.mean.numpy(), mean, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(
            scaling.scale.numpy(), [std[0], std[1], 1.0], rtol=1e-6
        )
        assert scaling.out_channels == (6 if input_scaling == "both" else 3)
        first = reg.net_.module_.encoder.front_end.convs[0]
        assert first.in_channels == scaling.out_channels


def test_series_and_none_scaling_store_no_statistics():
    seqs, y = ragged(n=20)
    seqs = [s + 100 for s in seqs]
    for mode in ("series", "none"):
        reg = RNNRegressor(input_scaling=mode, **CONV, **FAST).fit(seqs, y)
        scaling = reg.net_.module_.encoder.scaling
        np.testing.assert_array_equal(scaling.mean.numpy(), [0, 0])
        np.testing.assert_array_equal(scaling.scale.numpy(), [1, 1])


def test_tokens_get_no_front_end_and_no_scaling_by_default():
    table, _, y = token_data()
    clf = RNNClassifier(embedding_dim=4, **FAST).fit(table, y)
    module = clf.net_.module_
    assert clf.input_type_ == "tokens"
    assert module.encoder.front_end is None
    assert module.encoder.scaling is None
    assert module.encoder.embedding is not None
    assert module.pooling == "last"
    assert module.head.in_features == 8
    assert module.encoder.forward_layers[0].input_size == 4


def test_numeric_input_gets_the_default_front_end_and_both_scalings():
    X = np.random.default_rng(0).normal(size=(20, 12, 3)).astype(np.float32)
    clf = RNNClassifier(**FAST).fit(X, np.arange(20) % 2)
    encoder = clf.net_.module_.encoder
    front = encoder.front_end
    assert [c.out_channels for c in front.convs] == [64, 128]
    assert [c.kernel_size for c in front.convs] == [(8,), (5,)]
    assert front.convs[0].in_channels == 6  # per-series and data-set channels
    assert encoder.scaling.mode == "both"
    assert encoder.forward_layers[0].input_size == 128
    assert clf.net_.module_.pooling == "mean_max"


@pytest.mark.parametrize("bidirectional", [False, True])
def test_front_end_with_token_ids(bidirectional):
    table, ids, y = token_data(n=30)
    clf = RNNClassifier(
        embedding_dim=5,
        bidirectional=bidirectional,
        pooling="mean_max",
        conv_stride=2,
        optimizer="adamw",
        weight_decay=0.1,
        **CONV,
        **FAST,
    ).fit(table, y)
    encoder = clf.net_.module_.encoder
    assert encoder.front_end.convs[0].in_channels == 5
    assert encoder.front_end.convs[0].stride == (2,)
    assert encoder.scaling is None
    # The padding id's embedding stays zero through training (weight decay too), so
    # the convolution reads zeros beyond every sequence.
    assert (encoder.embedding.weight[0] == 0).all()
    expected = clf.predict_proba(table)
    assert np.isfinite(expected).all()
    assert_same(clf.predict_proba(ids), expected)
    assert_same(clf.predict_proba(np.pad(table, ((0, 0), (3, 6)))), expected)
    for i, row in enumerate(ids):
        assert_same(clf.predict_proba(row[None, :]), expected[[i]])


# --------------------------------------------------------------------------------------
# "auto" settings
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "longest", [10, 32, 40, 70, 100, 130, 200, 300, 450, 600, 1000]
)
def test_auto_conv_stride_leaves_about_64_steps(longest):
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(t, 1)).astype(np.float32) for t in (3, longest, 5, 2)]
    clf = RNNClassifier(
        front_end="conv",
        conv_filters=(4,),
        conv_kernel_sizes=(3,),
        callbacks=[StopAtFirstBatch()],
        **{**FAST, "hidden_size": 4},
    ).fit(seqs, [0, 1, 0, 1])
    expected = int(np.clip(round(longest / 64), 1, 8))
    assert clf.net_.module_.encoder.front_end.convs[0].stride == (expected,)
    # Resolved on the training set: longer sequences at prediction do not change it.
    clf.predict([rng.normal(size=(3 * longest, 1))])
    assert clf.net_.module_.encoder.front_end.convs[0].stride == (expected,)


def test_explicit_conv_stride_and_no_front_end():
    seqs = [np.zeros((t, 1), np.float32) + t for t in (300, 4)]
    fit = dict(callbacks=[StopAtFirstBatch()], **FAST)
    clf = RNNClassifier(conv_stride=2, **CONV, **fit).fit(seqs, [0, 1])
    assert clf.net_.module_.encoder.front_end.convs[0].stride == (2,)
    clf = RNNClassifier(front_end="none", **fit).fit(seqs, [0, 1])
    assert clf.net_.module_.encoder.front_end is None


@pytest.mark.parametrize("bidirectional", [False, True])
def test_auto_pooling(bidirectional):
    X = np.random.default_rng(0).normal(size=(12, 6, 2)).astype(np.float32)
    table, _, y = token_data(n=12)
    fit = dict(bidirectional=bidirectional, callbacks=[StopAtFirstBatch()], **FAST)
    directions = 2 if bidirectional else 1
    numeric = RNNClassifier(**CONV, **fit).fit(X, y).net_.module_
    assert numeric.pooling == "mean_max"
    assert numeric.head.in_features == 2 * 8 * directions
    tokens = RNNClassifier(embedding_dim=4, **fit).fit(table, y).net_.module_
    assert tokens.pooling == "last"
    assert tokens.head.in_features == 8 * directions
    # An explicit pooling is kept for either input.
    fixed = RNNClassifier(pooling="max", embedding_dim=4, **fit).fit(table, y)
    assert fixed.net_.module_.pooling == "max"


@pytest.mark.parametrize(
    "n, early_stopping, expected",
    [
        (1, False, 1),
        (3, False, 1),
        (7, False, 1),
        (40, False, 10),
        (131, False, 32),
        (400, False, 32),
        (40, True, 9),
    ],
)
def test_auto_batch_size_is_a_quarter_capped_at_32(n, early_stopping, expected):
    X = np.random.default_rng(0).normal(size=(n, 4, 1)).astype(np.float32)
    y = np.arange(n) % 2
    clf = RNNRegressor(
        early_stopping=early_stopping,
        validation_fraction=0.1,
        callbacks=[StopAtFirstBatch()],
        **CONV,
        **FAST,
    ).fit(X, y.astype(float))
    # With early stopping, a quarter of the training part (40 - 4 held out).
    assert clf.net_.batch_size == expected


@pytest.mark.parametrize(
    "n, batch_size, steps",
    [
        (40, 40, 1),
        (40, 8, 5),
        (40, 3, 14),
        (40, "auto", 4),
        (400, 2, 200),
        (300, 1, 300),
    ],
)
def test_auto_max_iter_counts_1500_optimizer_steps(n, batch_size, steps):
    X = np.random.default_rng(0).normal(size=(n, 3, 1)).astype(np.float32)
    clf = RNNClassifier(
        batch_size=batch_size,
        front_end="none",
        callbacks=[StopAtFirstBatch()],
        **{**FAST, "max_iter": "auto"},
    ).fit(X, np.arange(n) % 2)
    epochs = int(np.clip(math.ceil(1500 / steps), 10, 1000))
    assert clf.net_.max_epochs == epochs
    # The cosine schedule spans the whole budget, in optimizer steps.
    assert dict(clf.net_.callbacks_)["lr_schedule"].total_steps == epochs * steps


def test_explicit_max_iter_is_epochs():
    X = np.random.default_rng(0).normal(size=(40, 3, 1)).astype(np.float32)
    clf = RNNClassifier(
        batch_size=8, callbacks=[StopAtFirstBatch()], front_end="none", **FAST
    ).fit(X, np.arange(40) % 2)
    assert clf.net_.max_epochs == 3
    assert dict(clf.net_.callbacks_)["lr_schedule"].total_steps == 3 * 5


def test_auto_early_stopping_above_the_sample_threshold(monkeypatch):
    assert sklearn_rnn._base._AUTO_EARLY_STOPPING_SAMPLES == 10_000
    monkeypatch.setattr(sklearn_rnn._base, "_AUTO_EARLY_STOPPING_SAMPLES", 30)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(31, 4, 1)).astype(np.float32)
    y = (X[:, -1, 0] > 0).astype(int)
    fit = dict(front_end="none", **FAST)

    def monitor(clf):
        return dict(clf.net_.callbacks_)["stopping"].monitor

    above = RNNClassifier(**fit).fit(X, y)  # early_stopping="auto"
    assert monitor(above) == "valid_loss"
    assert len(above.validation_scores_) == above.n_iter_
    assert above.best_loss_ is None
    assert above.best_validation_score_ is not None

    at = RNNClassifier(**fit).fit(X[:30], y[:30])
    assert monitor(at) == "train_loss"
    assert at.validation_scores_ is None
    assert at.best_loss_ == min(at.loss_curve_)

    # An explicit setting wins on either side of the threshold.
    assert monitor(RNNClassifier(early_stopping=False, **fit).fit(X, y)) == (
        "train_loss"
    )
    forced = RNNClassifier(early_stopping=True, **fit).fit(X[:30], y[:30])
    assert monitor(forced) == "valid_loss"


# --------------------------------------------------------------------------------------
# Parameter validation
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, name",
    [
        ({"front_end": "conv", "conv_filters": ()}, "conv_filters"),
        ({"conv_filters": ()}, "conv_filters"),  # front_end="auto", numeric: conv
        ({"conv_filters": (4, 4), "conv_kernel_sizes": (3,)}, "conv_kernel_sizes"),
        ({"conv_filters": (4,), "conv_kernel_sizes": (3, 3)}, "conv_kernel_sizes"),
        ({"conv_filters": (0, 4), "conv_kernel_sizes": (3, 3)}, "conv_filters"),
        ({"conv_filters": (-4,), "conv_kernel_sizes": (3,)}, "conv_filters"),
        ({"conv_filters": (4.5,), "conv_kernel_sizes": (3,)}, "conv_filters"),
        ({"conv_filters": (True,), "conv_kernel_sizes": (3,)}, "conv_filters"),
        ({"conv_filters": ("8",), "conv_kernel_sizes": (3,)}, "conv_filters"),
        ({"conv_filters": (4,), "conv_kernel_sizes": (0,)}, "conv_kernel_sizes"),
        ({"conv_filters": (4,), "conv_kernel_sizes": (2.0,)}, "conv_kernel_sizes"),
        ({"front_end": "none", "conv_filters": (0,)}, "conv_filters"),
    ],
)
def test_bad_front_end_layers_are_a_value_error_naming_the_parameter(params, name):
    X = np.random.default_rng(0).normal(size=(8, 5, 1)).astype(np.float32)
    with pytest.raises(ValueError, match=name) as info:
        RNNClassifier(**{**FAST, **params}).fit(X, np.arange(8) % 2)
    assert not isinstance(info.value, InvalidParameterError)


def test_empty_conv_filters_are_fine_without_a_front_end():
    X = np.random.default_rng(0).normal(size=(8, 5, 1)).astype(np.float32)
    table, _, y = token_data(n=8)
    fit = dict(conv_filters=(), conv_kernel_sizes=(), **FAST)
    assert RNNClassifier(front_end="none", **fit).fit(X, y).predict(X).shape == (8,)
    # Token ids get no front end with "auto": no layers needed either.
    assert RNNClassifier(**fit).fit(table, y).net_.module_.encoder.front_end is None


@pytest.mark.parametrize(
    "params, name",
    [
        ({"front_end": "cnn"}, "front_end"),
        ({"front_end": None}, "front_end"),
        ({"input_scaling": "zscore"}, "input_scaling"),
        ({"input_scaling": True}, "input_scaling"),
        ({"conv_stride": 0}, "conv_stride"),
        ({"conv_stride": -2}, "conv_stride"),
        ({"conv_stride": 1.5}, "conv_stride"),
        ({"conv_stride": "fast"}, "conv_stride"),
        ({"conv_filters": 8}, "conv_filters"),
        ({"pooling": "sum"}, "pooling"),
        ({"batch_size": "big"}, "batch_size"),
        ({"batch_size": 0}, "batch_size"),
        ({"max_iter": "forever"}, "max_iter"),
        ({"early_stopping": "sometimes"}, "early_stopping"),
        ({"lr_schedule": "onecycle"}, "lr_schedule"),
    ],
)
def test_invalid_settings_are_an_invalid_parameter_error(params, name):
    X = np.random.default_rng(0).normal(size=(8, 5, 1)).astype(np.float32)
    for Estimator in (RNNClassifier, RNNRegressor):
        with pytest.raises(InvalidParameterError, match=name):
            Estimator(**{**FAST, **params}).fit(X, np.arange(8) % 2)


# --------------------------------------------------------------------------------------
# warm_start keeps the first fit's architecture and statistics
# --------------------------------------------------------------------------------------


def test_warm_start_keeps_the_architecture_and_input_statistics():
    rng = np.random.default_rng(0)
    X1 = rng.normal(size=(30, 10, 2)).astype(np.float32)
    X2 = (rng.normal(size=(30, 200, 2)) * 5 + [3, -8]).astype(np.float32)
    y = np.arange(30) % 2
    params = dict(
        front_end="conv", conv_filters=(8, 8), conv_kernel_sizes=(3, 3), **FAST
    )
    clf = RNNClassifier(warm_start=True, **params).fit(X1, y)
    module = clf.net_.module_
    scaling = module.encoder.scaling
    mean1, std1 = valid_stats(list(X1))
    assert_same(scaling.mean.numpy(), mean1)
    assert module.encoder.front_end.convs[0].stride == (1,)  # auto on length 10
    weights = module.encoder.front_end.convs[0].weight.detach().clone()
    proba = clf.predict_proba(X1)

    clf.fit(X2, y)  # other statistics, and long enough for stride 3 on its own
    assert clf.net_.module_ is module
    assert clf.n_iter_ == len(clf.loss_curve_) == 6
    assert module.encoder.front_end.convs[0].stride == (1,)
    assert_same(scaling.mean.numpy(), mean1)
    assert_same(scaling.scale.numpy(), std1)
    assert not torch.equal(module.encoder.front_end.convs[0].weight, weights)
    assert np.abs(clf.predict_proba(X1) - proba).max() > 0

    # A fresh fit resolves everything on its own data.
    fresh = RNNClassifier(**params).fit(X2, y)
    assert fresh.net_.module_.encoder.front_end.convs[0].stride == (3,)
    mean2, std2 = valid_stats(list(X2))
    assert_same(fresh.net_.module_.encoder.scaling.mean.numpy(), mean2, atol=1e-5)
    assert_same(fresh.net_.module_.encoder.scaling.scale.numpy(), std2, atol=1e-5)


@pytest.mark.parametrize(
    "change",
    [
        {"conv_filters": (4, 8)},
        {"conv_filters": (8, 8, 8), "conv_kernel_sizes": (3, 3, 3)},
        {"conv_kernel_sizes": (5, 3)},
        {"conv_stride": 2},
        {"front_end": "none"},
        {"pooling": "max"},
        {"input_scaling": "series"},
    ],
    ids=lambda change: "-".join(change),
)
def test_warm_start_refuses_a_different_front_end(change):
    X = np.random.default_rng(0).normal(size=(20, 10, 2)).astype(np.float32)
    y = np.arange(20) % 2
    params = dict(
        front_end="conv", conv_filters=(8, 8), conv_kernel_sizes=(3, 3), **FAST
    )
    clf = RNNClassifier(warm_start=True, **params).fit(X, y)
    name = next(iter(change))
    clf.set_params(**change)
    with pytest.raises(ValueError, match=f"{name}.*changed since it was built"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match=f"{name}.*changed since it was built"):
        clf.partial_fit(X, y)


def test_warm_start_accepts_the_values_auto_resolved_to():
    X = np.random.default_rng(0).normal(size=(20, 10, 2)).astype(np.float32)
    y = np.arange(20) % 2
    clf = RNNClassifier(
        warm_start=True, conv_filters=(8, 8), conv_kernel_sizes=(3, 3), **FAST
    ).fit(X, y)
    module = clf.net_.module_
    clf.set_params(front_end="conv", pooling="mean_max", conv_stride=1).fit(X, y)
    assert clf.net_.module_ is module
    assert clf.n_iter_ == 6


# --------------------------------------------------------------------------------------
# The warmup-cosine schedule over optimizer steps
# --------------------------------------------------------------------------------------


def _warmup_cosine(step, total):
    warmup = max(1, round(0.1 * total))
    if step < warmup:
        return (step + 1) / warmup
    progress = min((step - warmup) / max(total - warmup, 1), 1.0)
    return 0.5 * (1 + math.cos(math.pi * progress))


def test_warmup_cosine_factor():
    schedule = WarmupCosine(lr=1.0, total_steps=100)
    # Linear warmup over the first 10 steps, from 1/10 to 1 ...
    assert [schedule.factor(s) for s in range(10)] == pytest.approx(
        [(s + 1) / 10 for s in range(10)]
    )
    # ... then a cosine from 1 to 0 at total_steps.
    assert schedule.factor(10) == pytest.approx(1.0)
    assert schedule.factor(55) == pytest.approx(0.5)
    assert schedule.factor(99) == pytest.approx(0.5 * (1 + math.cos(math.pi * 89 / 90)))
    assert schedule.factor(100) == pytest.approx(0.0, abs=1e-12)
    assert schedule.factor(150) == pytest.approx(0.0, abs=1e-12)
    decay = [schedule.factor(s) for s in range(10, 101)]
    assert all(a >= b for a, b in itertools.pairwise(decay))
    for total in (1, 2, 5, 20, 37, 1500):
        schedule = WarmupCosine(lr=1.0, total_steps=total)
        factors = [schedule.factor(s) for s in range(total)]
        assert factors == pytest.approx(
            [_warmup_cosine(s, total) for s in range(total)]
        )
        assert all(0 < f <= 1 for f in factors)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_cosine_schedule_sets_the_lr_of_every_training_batch(early_stopping):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6, 2)).astype(np.float32)
    y = (X[:, -1, 0] > 0).astype(int)
    lr = 0.01
    clf = RNNClassifier(
        batch_size=8,
        lr=lr,
        early_stopping=early_stopping,
        validation_fraction=0.2,
        callbacks=[RecordLR()],
        **CONV,
        **{**FAST, "max_iter": 5},
    ).fit(X, y)
    lrs = _user_callback(clf.net_, RecordLR).lrs
    steps = (32 if early_stopping else 40) // 8  # validation batches do not count
    total = 5 * steps
    assert clf.n_iter_ == 5
    assert len(lrs) == total
    np.testing.assert_allclose(
        lrs, [lr * _warmup_cosine(s, total) for s in range(total)], rtol=1e-12
    )
    assert lrs[0] < lrs[1] and lrs[-1] < 0.01 * lr
    # Restored after the fit, for a later partial_fit.
    assert clf.net_.optimizer_.param_groups[0]["lr"] == lr


def test_constant_schedule_and_partial_fit_keep_lr():
    X = np.random.default_rng(0).normal(size=(24, 5, 1)).astype(np.float32)
    y = np.arange(24) % 2
    fit = dict(batch_size=8, lr=0.02, callbacks=[RecordLR()], **CONV, **FAST)
    clf = RNNClassifier(lr_schedule="constant", **fit).fit(X, y)
    assert "lr_schedule" not in dict(clf.net_.callbacks_)
    assert _user_callback(clf.net_, RecordLR).lrs == [0.02] * 9
    clf = RNNClassifier(**fit).fit(X, y)
    clf.partial_fit(X, y)  # one epoch at the constant lr
    assert _user_callback(clf.net_, RecordLR).lrs == [0.02] * 3
    # A warm start runs its own schedule from the start of the warmup.
    clf.set_params(warm_start=True).fit(X, y)
    lrs = _user_callback(clf.net_, RecordLR).lrs
    np.testing.assert_allclose(lrs, [0.02 * _warmup_cosine(s, 9) for s in range(9)])


# --------------------------------------------------------------------------------------
# The stopping rule armed below the constant predictor's loss
# --------------------------------------------------------------------------------------


def _run_stopper(losses, baseline, patience=2):
    """The epochs a StopOnPlateau lets run on ``losses`` (a fake net)."""
    stopper = StopOnPlateau(
        monitor="train_loss",
        patience=patience,
        threshold=1e-4,
        threshold_mode="abs",
        sink=lambda *a, **k: None,
        baseline=baseline,
    )
    net = types.SimpleNamespace(history=History(), verbose=0)
    stopper.on_train_begin(net)
    for epoch, loss in enumerate(losses, start=1):
        net.history.new_epoch()
        net.history.record("epoch", epoch)
        net.history.record("train_loss", loss)
        try:
            stopper.on_epoch_end(net)
        except KeyboardInterrupt:
            return epoch, stopper
    return len(losses), stopper


def test_stop_on_plateau_counts_no_misses_until_below_0_9_baseline():
    plateau = [0.95] * 8  # below the baseline, not below 0.9 of it
    epochs, stopper = _run_stopper(plateau, baseline=1.0)
    assert epochs == 8 and not stopper.armed_ and stopper.misses_ == 0
    # Without a baseline the same losses stop the fit after `patience` misses.
    epochs, stopper = _run_stopper(plateau, baseline=None)
    assert epochs == 3 and stopper.stopped_
    # Once below 0.9 * baseline, misses count, and keep counting if the loss goes
    # back up.
    epochs, stopper = _run_stopper([0.95, 0.95, 0.95, 0.89, 0.95, 0.95, 0.95], 1.0)
    assert stopper.armed_ and stopper.stopped_ and epochs == 6
    assert stopper.best_score_ == 0.89 and stopper.best_epoch_ == 4
    # Armed from the first epoch when it starts below.
    epochs, _ = _run_stopper([0.5, 0.5, 0.5, 0.5], baseline=1.0)
    assert epochs == 3
    # The threshold is 0.9 of the baseline, strictly.
    epochs, stopper = _run_stopper([0.9, 0.9, 0.9, 0.9], baseline=1.0)
    assert epochs == 4 and not stopper.armed_
    # Improvements keep resetting the count while armed.
    epochs, _ = _run_stopper([0.8, 0.7, 0.7, 0.6, 0.6, 0.5], baseline=1.0)
    assert epochs == 6
    # A non-finite loss (a diverged fit) is a miss even before the rule is armed.
    epochs, stopper = _run_stopper([0.95, np.nan, np.inf, 0.95], baseline=1.0)
    assert epochs == 3 and stopper.stopped_ and not stopper.armed_


def test_fit_on_its_starting_plateau_is_not_stopped(monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 5, 1)).astype(np.float32)
    y = rng.permutation(np.arange(32) % 2)  # labels independent of X
    params = dict(
        lr=1e-6,
        lr_schedule="constant",
        n_iter_no_change=1,
        batch_size=8,
        **CONV,
        **{**FAST, "max_iter": 6},
    )
    clf = RNNClassifier(**params).fit(X, y)
    assert clf.n_iter_ == 6
    assert not dict(clf.net_.callbacks_)["stopping"].armed_
    # Armed from the start, the same fit stops at its first miss.
    monkeypatch.setattr(sklearn_rnn._training, "ARMED_BELOW", 1e9)
    clf = RNNClassifier(**params).fit(X, y)
    assert clf.n_iter_ == 2


def _caught(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit()
    return [w for w in caught if issubclass(w.category, ConvergenceWarning)]


def test_warns_when_no_better_than_a_constant_predictor():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6, 2)).astype(np.float32)
    noise = rng.permutation(np.arange(40) % 2)
    clf = RNNClassifier(lr=1e-6, **CONV, **FAST)
    caught = _caught(lambda: clf.fit(X, noise))
    assert len(caught) == 1
    assert "no better than a constant predictor" in str(caught[0].message)
    assert "class prior" in str(caught[0].message)
    assert caught[0].filename == __file__  # points at the user's call
    reg = RNNRegressor(lr=1e-6, **CONV, **FAST)
    caught = _caught(lambda: reg.fit(X, rng.normal(size=40) + 3))
    assert any("training mean" in str(w.message) for w in caught)

    learner = RNNClassifier(
        **CONV, **{**FAST, "hidden_size": 16, "max_iter": 30, "lr": 1e-2}
    )
    y = (X[:, -1, 0] > 0).astype(int)
    caught = _caught(lambda: learner.fit(X, y))
    assert not any("constant predictor" in str(w.message) for w in caught)
    assert learner.best_loss_ < 0.5 * math.log(2)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_a_validation_split_of_zero_weight_does_not_crash_the_baseline(Estimator):
    """The constant predictor's loss on a held-out set whose weights are all zero is
    undefined; the fit must still run (as it did before the baseline existed).
    scikit-learn's check_classifiers_one_label_sample_weights hits this: weights
    that keep one class leave the stratified validation sample weightless."""
    X = np.random.default_rng(0).uniform(size=(20, 6, 1)).astype(np.float32)
    y = np.arange(20) % 2
    weights = np.zeros(20)
    weights[:2] = 1.0  # the two held-out samples get weight 0
    model = Estimator(early_stopping=True, front_end="none", **FAST)
    model.fit(X, y, sample_weight=weights)
    assert np.isfinite(model.predict(X).astype(float)).all()


# --------------------------------------------------------------------------------------
# Label smoothing
# --------------------------------------------------------------------------------------


def test_label_smoothing_reaches_the_criterion():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 1)).astype(np.float32)
    y = np.arange(30) % 3
    y[:5] = 0  # an uneven prior
    clf = RNNClassifier(**CONV, **FAST).fit(X, y)
    assert clf.net_.criterion_.label_smoothing == 0.0
    clf = RNNClassifier(label_smoothing=0.1, **CONV, **FAST).fit(X, y)
    assert clf.net_.criterion_.label_smoothing == pytest.approx(0.1)
    # The constant predictor of the warning is scored with the same smoothed loss:
    # the smoothed prior, the best constant prediction under label smoothing.
    prior = np.bincount(y, minlength=3) / len(y)
    q = 0.9 * prior + 0.1 / 3
    logits = torch.log(torch.tensor(q)).expand(len(y), 3)
    expected = torch.nn.CrossEntropyLoss(label_smoothing=0.1)(
        logits, torch.from_numpy(y)
    )
    baseline = dict(clf.net_.callbacks_)["stopping"].baseline
    assert baseline == pytest.approx(float(expected), rel=1e-6)
    for other in (prior, q + np.array([0.01, -0.01, 0.0])):
        other_logits = torch.log(torch.tensor(other)).expand(len(y), 3)
        loss = torch.nn.CrossEntropyLoss(label_smoothing=0.1)(
            other_logits, torch.from_numpy(y)
        )
        assert float(loss) > baseline


@pytest.mark.parametrize("value", [1.0, 1.5, -0.1, "0.1", None])
def test_label_smoothing_is_validated_in_0_1(value):
    X = np.random.default_rng(0).normal(size=(8, 5, 1)).astype(np.float32)
    with pytest.raises(InvalidParameterError, match="label_smoothing"):
        RNNClassifier(label_smoothing=value, **FAST).fit(X, np.arange(8) % 2)


# --------------------------------------------------------------------------------------
# SequenceScaler(per_series=True)
# --------------------------------------------------------------------------------------


def _series(seed=0):
    rng = np.random.default_rng(seed)
    lengths = (3, 6, 1, 4, 9)
    seqs = [rng.normal(loc=5, scale=3, size=(t, 2)) * [1, 20] for t in lengths]
    seqs[1][:, 1] = 7.0  # constant within one sequence
    return seqs


def test_per_series_scaler_z_normalises_each_sequence_and_channel():
    seqs = _series()
    scaler = SequenceScaler(per_series=True).fit(seqs)
    assert scaler.mean_ is None and scaler.scale_ is None
    assert scaler.n_features_in_ == 2
    out = scaler.transform(seqs)
    assert isinstance(out, list) and len(out) == len(seqs)
    for o, s in zip(out, seqs, strict=True):
        assert o.shape == s.shape and o.dtype == np.float32
        expected = s - s.mean(axis=0)
        std = s.std(axis=0)
        expected = expected / np.where(std > 1e-9, std, 1.0)
        assert_same(o, expected, atol=1e-5)
    for i in (0, 3, 4):
        assert_same(out[i].mean(axis=0), [0, 0], atol=1e-6)
        assert_same(out[i].std(axis=0), [1, 1], atol=1e-5)
    # A channel constant within its sequence is only centred; a one-step sequence too.
    assert_same(out[1][:, 1], np.zeros(6))
    assert_same(out[1][:, 0].std(), 1.0, atol=1e-5)
    assert_same(out[2], np.zeros((1, 2)))
    # Each sequence alone: the same output (no statistic crosses sequences).
    for o, s in zip(out, seqs, strict=True):
        assert_same(SequenceScaler(per_series=True).fit_transform([s])[0], o)
    # Invariant to an affine change of a sequence, channel by channel.
    moved = scaler.transform([seqs[0] * [3.0, 0.5] + [-100, 4]])[0]
    assert_same(moved, out[0], atol=1e-5)


def test_per_series_scaler_keeps_3d_padding_and_2d_tables():
    seqs = _series()
    X = np.full((5, 12, 2), np.nan)
    for i, s in enumerate(seqs):
        X[i, : len(s)] = s
    scaler = SequenceScaler(per_series=True).fit(X)
    out = scaler.transform(X)
    assert out.shape == X.shape and out.dtype == np.float32
    listed = scaler.transform(seqs)
    for i, s in enumerate(seqs):
        assert_same(out[i, : len(s)], listed[i])
        assert np.isnan(out[i, len(s) :]).all()
    # An all-NaN row is an empty sequence and stays all NaN.
    X[2] = np.nan
    assert np.isnan(scaler.transform(X)[2]).all()
    # A 2D table: each row a univariate series, trailing NaN padding kept.
    T = np.random.default_rng(1).normal(size=(6, 8)) * 4 + 2
    T[0, 5:] = np.nan
    out = SequenceScaler(per_series=True).fit_transform(T)
    assert out.shape == T.shape
    assert np.isnan(out[0, 5:]).all() and not np.isnan(out[0, :5]).any()
    assert_same(np.nanmean(out, axis=1), np.zeros(6), atol=1e-6)
    assert_same(np.nanstd(out, axis=1), np.ones(6), atol=1e-6)


def test_per_series_scaler_with_mean_and_with_std():
    seqs = _series()
    centred = SequenceScaler(per_series=True, with_std=False).fit_transform(seqs)
    scaled = SequenceScaler(per_series=True, with_mean=False).fit_transform(seqs)
    plain = SequenceScaler(
        per_series=True, with_mean=False, with_std=False
    ).fit_transform(seqs)
    for s, c, d, p in zip(seqs, centred, scaled, plain, strict=True):
        assert_same(c, s - s.mean(axis=0), atol=1e-4)
        std = s.std(axis=0)
        assert_same(d, s / np.where(std > 1e-9, std, 1.0), atol=1e-5)
        assert_same(p, s, atol=1e-4)


def test_per_series_scaler_checks_the_channels_and_empty_input():
    seqs = _series()
    scaler = SequenceScaler(per_series=True).fit(seqs)
    with pytest.raises(ValueError, match=r"1 channels.*fitted with 2"):
        scaler.transform([s[:, :1] for s in seqs])
    with pytest.raises(ValueError, match="empty"):
        SequenceScaler(per_series=True).fit([np.empty((0, 2))])
    out = scaler.transform([np.empty((0, 2)), seqs[0]])
    assert out[0].shape == (0, 2)
    # channels_first lists stay channels first.
    first = SequenceScaler(per_series=True, channels_first=True)
    out = first.fit_transform([s.T for s in seqs])
    assert_same(out[0], scaler.transform(seqs)[0].T)


def test_per_series_scaler_before_a_network_equals_series_scaling_inside():
    """The scaler's per-series output has the statistics the network's "series"
    scaling computes: a network without scaling on the scaler's output predicts
    what the network with "series" scaling predicts on the raw data."""
    seqs, y = ragged(n=20, low=3, high=15)
    seqs = [(s * [4.0, 0.5] + [10.0, -3.0]).astype(np.float32) for s in seqs]
    scaled = SequenceScaler(per_series=True).fit_transform(seqs)
    inside = RNNClassifier(input_scaling="series", **CONV, **FAST).fit(seqs, y)
    outside = RNNClassifier(input_scaling="none", **CONV, **FAST).fit(scaled, y)
    assert_same(outside.predict_proba(scaled), inside.predict_proba(seqs), atol=1e-4)
