"""Attention pooling: ``pooling="attention"``, its weights and their display."""

import numpy as np
import pytest
import torch
from _helpers import assert_same, nan_pad, ragged, token_data
from sklearn.pipeline import make_pipeline

from sklearn_rnn import (
    AttentionDisplay,
    RNNClassifier,
    RNNRegressor,
    SequenceVectorizer,
)
from sklearn_rnn._network import AttentionPooling

FAST = dict(hidden_size=8, max_iter=3, batch_size=8, random_state=0)


# --------------------------------------------------------------------------------------
# The module
# --------------------------------------------------------------------------------------


def test_padding_is_never_attended_and_weights_sum_to_one():
    torch.manual_seed(0)
    pool = AttentionPooling(6)
    lengths = torch.tensor([3, 1, 5, 0, 2])
    h = torch.randn(5, 5, 6, requires_grad=True)
    pooled, weights = pool(h, lengths)
    for i, t in enumerate(lengths.tolist()):
        assert torch.all(weights[i, t:] == 0)  # exactly zero on padding
        expected = 1.0 if t else 0.0  # an empty sequence attends nowhere
        assert weights[i].sum().item() == pytest.approx(expected, abs=1e-6)
    assert torch.all(pooled[3] == 0)
    pooled.sum().backward()
    assert torch.isfinite(h.grad).all()  # no NaN, even from the empty sequence
    assert torch.all(h.grad[0, 3:] == 0)  # nothing flows into padding


def test_sharpness_spans_max_and_mean_pooling():
    # Feature-wise scores g * h + V tanh(W h): with V = 0, a large sharpness g
    # pools each feature's maximum over the valid steps, g = 0 their mean.
    torch.manual_seed(0)
    pool = AttentionPooling(3)
    h = torch.randn(4, 6, 3)
    lengths = torch.tensor([6, 3, 1, 4])
    valid = torch.arange(6)[None, :, None] < lengths[:, None, None]
    with torch.no_grad():
        pool.score.weight.zero_()
        pool.score.bias.zero_()
        pool.sharpness.fill_(1e4)
        pooled, weights = pool(h, lengths)
        maximum = h.masked_fill(~valid, float("-inf")).amax(dim=1)
        torch.testing.assert_close(pooled, maximum)
        pool.sharpness.zero_()
        pooled, weights = pool(h, lengths)
    mean = (h * valid).sum(dim=1) / lengths[:, None]
    torch.testing.assert_close(pooled, mean)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(4))
    assert (weights[1, 3:] == 0).all()


def test_a_network_saved_with_one_score_per_step_pools_as_it_did():
    # The attention pooling before feature-wise scores: one score v'tanh(Wh + b)
    # per step, its softmax weighing every feature.
    torch.manual_seed(0)
    size = 4
    old = {
        "project.weight": torch.randn(size, size),
        "project.bias": torch.randn(size),
        "score.weight": torch.randn(1, size),
    }
    h = torch.randn(3, 5, size)
    lengths = torch.tensor([5, 2, 4])
    scores = (torch.tanh(h @ old["project.weight"].T + old["project.bias"])) @ old[
        "score.weight"
    ].T
    valid = torch.arange(5)[None, :] < lengths[:, None]
    weights = torch.softmax(scores.squeeze(-1).masked_fill(~valid, -torch.inf), 1)
    pool = AttentionPooling(size)
    pool.load_state_dict(old)
    pooled, got = pool(h, lengths)
    torch.testing.assert_close(got, weights)
    torch.testing.assert_close(pooled, (weights.unsqueeze(-1) * h).sum(dim=1))


def test_what_padding_holds_changes_nothing():
    torch.manual_seed(1)
    pool = AttentionPooling(4)
    lengths = torch.tensor([2, 4, 1])
    h = torch.randn(3, 4, 4)
    noisy = h.clone()
    for i, t in enumerate(lengths.tolist()):
        noisy[i, t:] = 1e6 * torch.randn(4 - t, 4)
    with torch.no_grad():
        a, wa = pool(h, lengths)
        b, wb = pool(noisy, lengths)
        wide, ww = pool(torch.cat([h, torch.randn(3, 3, 4)], dim=1), lengths)
    assert_same(a.numpy(), b.numpy())
    assert_same(wa.numpy(), wb.numpy())
    assert_same(wide.numpy(), a.numpy())  # more padding: the same sums, in order
    assert_same(ww[:, :4].numpy(), wa.numpy())


# --------------------------------------------------------------------------------------
# The estimators' weights
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("stride", [1, 3])
def test_weights_cover_each_sequences_steps(stride):
    seqs, y = ragged(n=24, low=1, high=12)
    clf = RNNClassifier(pooling="attention", conv_stride=stride, **FAST).fit(seqs, y)
    weights = clf.attention_weights(seqs)
    assert len(weights) == len(seqs)
    for seq, w in zip(seqs, weights, strict=True):
        assert w.shape == (-(-len(seq) // stride),)
        assert w.min() >= 0
        assert w.sum() == pytest.approx(1.0, abs=1e-5)
    # The same weights alone, in a NaN-padded array, and in another order.
    assert_same(
        np.concatenate(clf.attention_weights(nan_pad(seqs))), np.concatenate(weights)
    )
    for i in (0, 5, 17):
        assert_same(clf.attention_weights([seqs[i]])[0], weights[i])
    order = np.random.default_rng(0).permutation(len(seqs))
    shuffled = clf.attention_weights([seqs[i] for i in order])
    for j, i in enumerate(order):
        assert_same(shuffled[j], weights[i])


def test_token_weights_and_regressor():
    table, ids, y = token_data(n=30)
    reg = RNNRegressor(pooling="attention", embedding_dim=4, **FAST).fit(table, y * 1.0)
    weights = reg.attention_weights(table)
    assert [len(w) for w in weights] == [len(row) for row in ids]
    # Pre-padding and extra padding change nothing.
    pre = np.array([np.pad(row, (table.shape[1] - len(row), 0)) for row in ids])
    assert_same(np.concatenate(reg.attention_weights(pre)), np.concatenate(weights))


def test_attention_finds_the_token_that_decides():
    # The label is whether token 5 occurs, anywhere in 6-12 random tokens: the
    # network must learn to attend to it.
    rng = np.random.default_rng(0)
    rows, y = [], []
    for i in range(400):
        row = rng.integers(6, 30, size=rng.integers(6, 13))
        if i % 2:
            row[rng.integers(len(row))] = 5
        rows.append(row)
        y.append(i % 2)
    clf = RNNClassifier(
        pooling="attention", hidden_size=16, max_iter=30, random_state=0
    ).fit(rows[:300], y[:300])
    assert clf.score(rows[300:], y[300:]) > 0.9
    weights = clf.attention_weights(rows[300:])
    positives = [
        (r, w) for r, w, t in zip(rows[300:], weights, y[300:], strict=True) if t
    ]
    top = [r[np.argmax(w)] == 5 for r, w in positives]
    assert np.mean(top) > 0.8  # the most attended token is the one that decides


def test_weights_need_attention_pooling():
    seqs, y = ragged(n=12)
    clf = RNNClassifier(pooling="mean", **FAST).fit(seqs, y)
    with pytest.raises(ValueError, match=r"pooling='attention'.*pooling='mean'"):
        clf.attention_weights(seqs)
    # What counts is the fitted pooling, not a parameter changed since.
    clf.set_params(pooling="attention")
    with pytest.raises(ValueError, match="fitted with pooling='mean'"):
        clf.attention_weights(seqs)


def test_inputs_are_not_changed():
    seqs, y = ragged(n=12)
    before = [s.copy() for s in seqs]
    clf = RNNClassifier(pooling="attention", **FAST).fit(seqs, y)
    clf.attention_weights(seqs)
    assert all(np.array_equal(a, b) for a, b in zip(seqs, before, strict=True))


# --------------------------------------------------------------------------------------
# The display
# --------------------------------------------------------------------------------------


@pytest.fixture
def pyplot():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_display_of_a_text_pipeline_labels_the_tokens(pyplot):
    texts = ["good great fine film", "bad awful poor film", "great good", "awful"] * 8
    y = ["pos", "neg", "pos", "neg"] * 8
    model = make_pipeline(
        SequenceVectorizer(),
        RNNClassifier(pooling="attention", hidden_size=8, max_iter=10, random_state=0),
    ).fit(texts, y)
    display = AttentionDisplay.from_estimator(model, "a great film, good")
    assert display.input_symbols == ["<unk>", "great", "film", "good"]
    assert display.output_symbols == [model.predict(["a great film, good"])[0]]
    Xt = model[:-1].transform(["a great film, good"])
    assert_same(display.weights, model[-1].attention_weights(Xt)[0][None, :])
    assert [
        t.get_text() for t in display.ax_.get_xticklabels()
    ] == display.input_symbols


def test_display_of_a_series_labels_steps(pyplot):
    seqs, y = ragged(n=16)
    reg = RNNRegressor(pooling="attention", **FAST).fit(seqs, y * 2.0)
    display = AttentionDisplay.from_estimator(reg, seqs[0])
    assert display.weights.shape == (1, len(seqs[0]))
    assert display.input_symbols is None  # steps, by index
    assert display.output_symbols == [f"{reg.predict([seqs[0]])[0]:.4g}"]


def test_display_refuses_what_has_no_attention(pyplot):
    seqs, y = ragged(n=12)
    clf = RNNClassifier(pooling="attention", **FAST).fit(seqs, y)
    with pytest.raises(ValueError, match="nothing to align"):
        AttentionDisplay.from_estimator(clf, seqs[0], y=[1])
    clf_mean = RNNClassifier(pooling="last", **FAST).fit(seqs, y)
    with pytest.raises(ValueError, match="needs pooling='attention'"):
        AttentionDisplay.from_estimator(clf_mean, seqs[0])
    with pytest.raises(ValueError, match="ONE input sequence"):
        AttentionDisplay.from_estimator(clf, nan_pad(seqs[:2]))
