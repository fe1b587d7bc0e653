"""Small data sets and checks shared by the test modules."""

import numpy as np

from sklearn_rnn._data import ROW_BLOCK


def sign_task(n=60, t=6, channels=2, seed=0):
    """3D sequences and, as target, the sign-carrying value of the last step's first
    channel (``> 0`` gives class labels)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, t, channels)).astype(np.float32)
    return X, X[:, -1, 0]


def ragged(n=24, channels=2, low=2, high=9, seed=0):
    """Random multichannel float32 sequences of lengths ``low`` to ``high - 1`` and
    binary labels (whether the first channel's mean is positive)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(low, high, size=n)
    seqs = [rng.normal(size=(t, channels)).astype(np.float32) for t in lengths]
    y = np.array([s[:, 0].mean() > 0 for s in seqs], dtype=int)
    return seqs, y


def nan_pad(seqs, width=None, channels_first=False):
    """The sequences as a 3D float32 array padded with trailing all-NaN steps (to the
    longest one by default), ``(n, channels, width)`` with ``channels_first``."""
    width = width or max(len(s) for s in seqs)
    out = np.full((len(seqs), width, seqs[0].shape[1]), np.nan, dtype=np.float32)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = s
    return np.swapaxes(out, 1, 2).copy() if channels_first else out


def token_data(n=30, width=8, seed=0):
    """Left-aligned int64 token-id rows (ids 2..11, 0 = padding), their id lists and
    binary labels (whether id 5 occurs)."""
    rng = np.random.default_rng(seed)
    ids = []
    table = np.zeros((n, width), dtype=np.int64)
    for i in range(n):
        row = rng.integers(2, 12, size=rng.integers(1, width - 2))
        table[i, : len(row)] = row
        ids.append(row)
    y = np.array([(row == 5).any() for row in ids], dtype=int)
    return table, ids, y


def assert_same(a, b, atol=1e-6, err_msg=""):
    np.testing.assert_allclose(a, b, rtol=0, atol=atol, err_msg=err_msg)


def _rows(X, index):
    return [X[i] for i in index] if isinstance(X, list) else X[index]


def assert_rows_predicted_alone(clf, X, rng):
    """A classifier's outputs follow their rows exactly: one row at a time, a shuffled
    superset and a subset larger than ``ROW_BLOCK`` (order drawn from ``rng``) give
    every row the output it gets with all of ``X`` at once."""
    together = clf.predict_proba(X)
    alone = np.vstack([clf.predict_proba(_rows(X, [i])) for i in range(len(X))])
    np.testing.assert_array_equal(alone, together)
    perm = rng.permutation(len(X))
    np.testing.assert_array_equal(clf.predict_proba(_rows(X, perm)), together[perm])
    subset = perm[: ROW_BLOCK + 3]
    np.testing.assert_array_equal(clf.predict_proba(_rows(X, subset)), together[subset])
    np.testing.assert_array_equal(clf.predict(_rows(X, perm)), clf.predict(X)[perm])


def assert_predicted_alike_in_batches(reg, X, rng):
    """A regressor's predictions for the list ``X`` are exactly the same in chunks of
    7 rows, for every tenth row alone and in a shuffled order (drawn from ``rng``)."""
    together = reg.predict(X)
    in_chunks = np.concatenate([reg.predict(X[i : i + 7]) for i in range(0, len(X), 7)])
    np.testing.assert_array_equal(in_chunks, together)
    singles = np.array([reg.predict([X[i]])[0] for i in range(0, len(X), 10)])
    np.testing.assert_array_equal(singles, together[::10])
    perm = rng.permutation(len(X))
    np.testing.assert_array_equal(reg.predict([X[i] for i in perm]), together[perm])
