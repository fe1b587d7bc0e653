"""Training batches: length bucketing that stays random."""

import numpy as np
import pytest

from sklearn_rnn._data import training_batches


def long_tailed_lengths(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    return np.clip(rng.lognormal(np.log(60), 0.75, n), 5, 400).astype(np.int64)


def padded_steps(batches, lengths):
    return sum(len(b) * lengths[b].max() for b in batches)


@pytest.mark.parametrize("n", [1, 63, 64, 65, 3000])
def test_every_sample_once_per_epoch(n):
    lengths = long_tailed_lengths(n)
    batches = training_batches(lengths, 64, shuffle=True, rng=np.random.default_rng(0))
    assert len(batches) == -(-n // 64)
    assert all(0 < len(b) <= 64 for b in batches)
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(n))


def test_bucketing_cuts_padding_on_long_tailed_lengths():
    lengths = long_tailed_lengths()
    rng = np.random.default_rng(0)
    bucketed = training_batches(lengths, 64, shuffle=True, rng=rng)
    order = rng.permutation(len(lengths))
    random = [order[i : i + 64] for i in range(0, len(order), 64)]
    real = lengths.sum()
    # Random batches pad to their longest member: most of the compute is padding.
    assert padded_steps(random, lengths) > 2 * real
    assert padded_steps(bucketed, lengths) < 1.3 * real


def test_batches_change_every_epoch_and_follow_the_seed():
    lengths = long_tailed_lengths(500)
    rng = np.random.default_rng(1)
    first = training_batches(lengths, 32, shuffle=True, rng=rng)
    second = training_batches(lengths, 32, shuffle=True, rng=rng)
    as_sets = lambda batches: {frozenset(b.tolist()) for b in batches}  # noqa: E731
    # Not only the batch order: the compositions differ between epochs.
    assert len(as_sets(first) & as_sets(second)) < len(first) // 2
    again = training_batches(lengths, 32, shuffle=True, rng=np.random.default_rng(1))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))


def test_equal_lengths_give_random_batches():
    lengths = np.full(256, 10)
    rng = np.random.default_rng(0)
    batches = training_batches(lengths, 32, shuffle=True, rng=rng)
    # Not the input order, and not sorted within batches.
    assert not np.array_equal(np.concatenate(batches), np.arange(256))
    assert any(not np.array_equal(b, np.sort(b)) for b in batches)


def test_without_shuffle_batches_follow_input_order():
    lengths = long_tailed_lengths(100)
    batches = training_batches(lengths, 32, shuffle=False, rng=None)
    np.testing.assert_array_equal(np.concatenate(batches), np.arange(100))
