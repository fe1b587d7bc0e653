"""SequenceScaler: per-channel statistics over valid steps, output in the form of X."""

import numpy as np
import pytest
from _helpers import nan_pad
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

FAST = dict(hidden_size=8, max_iter=3, random_state=0, device="cpu")


def ragged(n=12, channels=3, seed=0):
    """Sequences of different lengths whose channels have very different scales."""
    rng = np.random.default_rng(seed)
    loc = np.array([5.0, -100.0, 0.0])[:channels]
    scale = np.array([2.0, 30.0, 1e-3])[:channels]
    return [
        (loc + scale * rng.normal(size=(t, channels))).astype(np.float32)
        for t in rng.integers(1, 10, size=n)
    ]


def manual_stats(seqs):
    steps = np.concatenate(seqs).astype(np.float64)
    return steps.mean(axis=0), steps.std(axis=0)


# --------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------


def test_statistics_are_per_channel_over_valid_steps_only():
    seqs = ragged()
    mean, std = manual_stats(seqs)
    from_list = SequenceScaler().fit(seqs)
    np.testing.assert_allclose(from_list.mean_, mean, rtol=1e-6)
    np.testing.assert_allclose(from_list.scale_, std, rtol=1e-6)
    assert from_list.n_features_in_ == 3
    # Padding, however much, is ignored: np.nanmean over the padded array agrees.
    X = nan_pad(seqs, width=30)
    from_array = SequenceScaler().fit(X)
    np.testing.assert_allclose(from_array.mean_, from_list.mean_, rtol=1e-12)
    np.testing.assert_allclose(from_array.scale_, from_list.scale_, rtol=1e-12)
    flat = X.reshape(-1, 3).astype(np.float64)
    np.testing.assert_allclose(from_array.mean_, np.nanmean(flat, axis=0), rtol=1e-6)
    np.testing.assert_allclose(from_array.scale_, np.nanstd(flat, axis=0), rtol=1e-6)


def test_2d_input_is_one_channel_not_one_column_each():
    rng = np.random.default_rng(1)
    X = 3.0 + 2.0 * rng.normal(size=(15, 6))
    X[:, 0] += 50  # a per-column scaler would remove this; a per-channel one keeps it
    scaler = SequenceScaler().fit(X)
    assert scaler.mean_.shape == (1,)
    assert scaler.n_features_in_ == 6
    np.testing.assert_allclose(scaler.mean_, [X.mean()])
    np.testing.assert_allclose(scaler.scale_, [X.std()])
    out = scaler.transform(X)
    assert out.shape == X.shape
    np.testing.assert_allclose(out, (X - X.mean()) / X.std())
    assert out[:, 0].mean() > out[:, 1:].mean() + 1


def test_transform_matches_manual_numpy():
    seqs = ragged()
    mean, std = manual_stats(seqs)
    out = SequenceScaler().fit_transform(seqs)
    for o, s in zip(out, seqs, strict=True):
        np.testing.assert_allclose(o, (s - mean) / std, rtol=1e-5, atol=1e-5)


def test_statistics_of_the_output_are_zero_and_one():
    seqs = ragged()
    out = SequenceScaler().fit_transform(seqs)
    refit = SequenceScaler().fit(out)
    np.testing.assert_allclose(refit.mean_, 0, atol=1e-5)
    np.testing.assert_allclose(refit.scale_, 1, atol=1e-5)
    # Same through NaN-padded 3D input.
    out3 = SequenceScaler().fit_transform(nan_pad(seqs, width=20))
    refit3 = SequenceScaler().fit(out3)
    np.testing.assert_allclose(refit3.mean_, 0, atol=1e-5)
    np.testing.assert_allclose(refit3.scale_, 1, atol=1e-5)


@pytest.mark.parametrize("with_mean", [True, False])
@pytest.mark.parametrize("with_std", [True, False])
def test_with_mean_and_with_std(with_mean, with_std):
    seqs = ragged()
    mean, std = manual_stats(seqs)
    scaler = SequenceScaler(with_mean=with_mean, with_std=with_std).fit(seqs)
    expected_mean = mean if with_mean else np.zeros(3)
    expected_scale = std if with_std else np.ones(3)
    np.testing.assert_allclose(scaler.mean_, expected_mean, rtol=1e-6)
    np.testing.assert_allclose(scaler.scale_, expected_scale, rtol=1e-6)
    for o, s in zip(scaler.transform(seqs), seqs, strict=True):
        np.testing.assert_allclose(
            o, (s - expected_mean) / expected_scale, rtol=1e-5, atol=1e-5
        )


def test_zero_variance_channel_is_centred_not_divided():
    seqs = ragged()
    for s in seqs:
        s[:, 1] = 42.0
    scaler = SequenceScaler().fit(seqs)
    assert scaler.scale_[1] == 1.0
    assert scaler.mean_[1] == pytest.approx(42.0)
    out = scaler.transform(seqs)
    for o in out:
        assert np.isfinite(o).all()
        np.testing.assert_allclose(o[:, 1], 0.0, atol=1e-6)


def test_empty_sequences_are_ignored_but_not_all_of_them():
    seqs = ragged()
    with_empty = [*seqs, np.empty((0, 3), np.float32)]
    np.testing.assert_allclose(
        SequenceScaler().fit(with_empty).mean_, SequenceScaler().fit(seqs).mean_
    )
    with pytest.raises(ValueError, match="only empty sequences"):
        SequenceScaler().fit(np.full((3, 4, 2), np.nan))


# --------------------------------------------------------------------------------------
# Output form follows the input
# --------------------------------------------------------------------------------------


def test_3d_output_keeps_shape_and_nan_padding():
    seqs = ragged()
    X = nan_pad(seqs, width=14)
    out = SequenceScaler().fit(seqs).transform(X)
    assert isinstance(out, np.ndarray)
    assert out.shape == X.shape
    np.testing.assert_array_equal(np.isnan(out), np.isnan(X))
    listed = SequenceScaler().fit(seqs).transform(seqs)
    for i, s in enumerate(listed):
        np.testing.assert_allclose(out[i, : len(s)], s, rtol=1e-6)


def test_list_output_keeps_every_item_shape():
    seqs = ragged()
    out = SequenceScaler().fit_transform(seqs)
    assert isinstance(out, list)
    assert [o.shape for o in out] == [s.shape for s in seqs]
    # 1D items stay 1D.
    uni = [s[:, 0] for s in seqs]
    out1 = SequenceScaler().fit_transform(uni)
    assert isinstance(out1, list)
    assert [o.shape for o in out1] == [s.shape for s in uni]
    steps = np.concatenate(uni).astype(np.float64)
    np.testing.assert_allclose(
        np.concatenate(out1), (steps - steps.mean()) / steps.std(), atol=1e-5
    )


def test_2d_output_keeps_trailing_nan_padding():
    X = np.array([[1.0, 2.0, 3.0, np.nan], [5.0, np.nan, np.nan, np.nan]])
    out = SequenceScaler().fit_transform(X)
    assert out.shape == X.shape
    np.testing.assert_array_equal(np.isnan(out), np.isnan(X))
    valid = X[~np.isnan(X)]
    np.testing.assert_allclose(
        out[~np.isnan(X)], (valid - valid.mean()) / valid.std(), rtol=1e-6
    )


def test_channels_first_is_kept():
    seqs = ragged()
    last = SequenceScaler().fit(seqs)
    first = SequenceScaler(channels_first=True).fit([s.T for s in seqs])
    np.testing.assert_allclose(first.mean_, last.mean_, rtol=1e-12)
    np.testing.assert_allclose(first.scale_, last.scale_, rtol=1e-12)
    out_list = first.transform([s.T for s in seqs])
    for o, s in zip(out_list, last.transform(seqs), strict=True):
        assert o.shape == s.T.shape
        np.testing.assert_array_equal(o, s.T)
    X_first = np.swapaxes(nan_pad(seqs), 1, 2)
    out = first.transform(X_first)
    assert out.shape == X_first.shape
    np.testing.assert_array_equal(out, np.swapaxes(last.transform(nan_pad(seqs)), 1, 2))


def test_transform_does_not_modify_its_input():
    seqs = ragged()
    X = nan_pad(seqs, width=12)
    X_before, seqs_before = X.copy(), [s.copy() for s in seqs]
    scaler = SequenceScaler().fit(X)
    scaler.transform(X)
    scaler.fit_transform(seqs)
    np.testing.assert_array_equal(X, X_before)
    for s, b in zip(seqs, seqs_before, strict=True):
        np.testing.assert_array_equal(s, b)


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_different_channel_count_at_transform_is_an_error():
    seqs = ragged()
    scaler = SequenceScaler().fit(seqs)
    with pytest.raises(ValueError, match=r"X has 2 channels.*fitted with 3 channels"):
        scaler.transform([s[:, :2] for s in seqs])
    with pytest.raises(ValueError, match="fitted with 3 channels"):
        scaler.transform(nan_pad(seqs)[:, :, :1])
    table = SequenceScaler().fit(np.ones((4, 5)))
    with pytest.raises(ValueError, match="expecting 5 features"):
        table.transform(np.ones((4, 6)))


@pytest.mark.parametrize(
    "X, match",
    [
        (np.ones(4), "Expected 2D array"),
        (np.empty((0, 3, 2)), "0 sample"),
        ([], "empty list"),
        (np.array([[1.0, np.nan, 2.0]]), "NaN"),
        (np.array([[1.0, np.inf]]), "inf"),
        ([np.ones((2, 2)), np.ones((3, 3))], "same number of channels"),
    ],
)
def test_bad_input_is_an_error(X, match):
    with pytest.raises(ValueError, match=match):
        SequenceScaler().fit(X)


def test_integer_input_is_numeric_for_the_scaler():
    X = np.arange(12).reshape(3, 4)
    out = SequenceScaler().fit_transform(X)
    np.testing.assert_allclose(out, (X - X.mean()) / X.std())


# --------------------------------------------------------------------------------------
# In a Pipeline
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
@pytest.mark.parametrize("form", ["list", "3d", "2d", "channels_first"])
def test_pipeline_equals_scaling_by_hand(Estimator, form):
    seqs = ragged(n=20)
    X = {
        "list": seqs,
        "3d": nan_pad(seqs, width=11),
        "2d": np.stack([s[:4, 0] for s in seqs if len(s) >= 4]),
        "channels_first": np.swapaxes(nan_pad(seqs), 1, 2),
    }[form]
    n = len(X)
    y = np.arange(n) % 2 if Estimator is RNNClassifier else np.linspace(0, 1, n)
    cf = form == "channels_first"
    pipe = make_pipeline(
        SequenceScaler(channels_first=cf), Estimator(channels_first=cf, **FAST)
    ).fit(X, y)
    scaler = SequenceScaler(channels_first=cf).fit(X)
    est = Estimator(channels_first=cf, **FAST).fit(scaler.transform(X), y)
    np.testing.assert_array_equal(pipe.predict(X), est.predict(scaler.transform(X)))
    assert pipe[-1].n_features_in_ == scaler.n_features_in_


def test_scaling_helps_on_raw_scale_channels():
    # A signal hidden in a channel at scale 1e3 next to one offset by 1e4: the
    # network saturates on the raw values but learns the scaled ones.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 6, 2))
    y = (X[:, -1, 0] > 0).astype(int)
    X_raw = np.stack([1e3 * X[..., 0], 1e4 + X[..., 1]], axis=-1)
    # The plain recurrent network: by default the estimator scales its input inside
    # the network (input_scaling="both"), and the convolutional front end's layer
    # normalisation absorbs the raw scale too, so both fits would learn alike. Here
    # SequenceScaler is the only scaling, and the last state is pooled (the signal
    # is in the last step).
    params = dict(FAST, hidden_size=16, max_iter=20, lr=1e-2, batch_size=16)
    params.update(input_scaling="none", front_end="none", pooling="last")
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(**params)).fit(X_raw, y)
    raw = RNNClassifier(**params).fit(X_raw, y)
    assert pipe.score(X_raw, y) > 0.85
    assert pipe.score(X_raw, y) > raw.score(X_raw, y)


def test_clone_keeps_parameters():
    scaler = SequenceScaler(with_mean=False, channels_first=True).fit(
        [s.T for s in ragged()]
    )
    copy = clone(scaler)
    assert copy.get_params() == scaler.get_params()
    assert not hasattr(copy, "mean_")
