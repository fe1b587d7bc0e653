"""Scores of sequence predictions: per-step labels (one label array per sequence)
and output sequences of any length (exact match, token error rate)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import accuracy_score, make_scorer

__all__ = [
    "exact_match_score",
    "make_step_scorer",
    "sequence_accuracy_score",
    "step_accuracy_score",
    "token_error_rate",
]

UNITS = ("char", "word")


def _flatten_steps(y_true, y_pred, sample_weight=None):
    """Both label sequences' steps end to end (and each step's weight: its
    sequence's), checking that they are aligned."""
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true has {len(y_true)} sequences but y_pred has {len(y_pred)}."
        )
    lengths = np.array([len(t) for t in y_true], dtype=np.int64)
    for i, (t, p) in enumerate(zip(y_true, y_pred, strict=True)):
        if len(t) != len(p):
            raise ValueError(
                f"Sequence {i} has {len(t)} true labels but {len(p)} predicted; "
                "per-step scores need one prediction per step."
            )
    flat_true = np.concatenate([np.asarray(t) for t in y_true]) if y_true else []
    flat_pred = np.concatenate([np.asarray(p) for p in y_pred]) if y_pred else []
    weights = None
    if sample_weight is not None:
        weights = np.repeat(np.asarray(sample_weight, dtype=np.float64), lengths)
    return flat_true, flat_pred, weights


def step_accuracy_score(y_true, y_pred, *, sample_weight=None) -> float:
    """Accuracy over all steps of all sequences (each step counts once).

    Parameters
    ----------
    y_true, y_pred : list of array-like
        One label sequence per sequence, aligned step by step.
    sample_weight : array-like of shape (n_sequences,), default=None
        Weight of each sequence, given to each of its steps.

    Returns
    -------
    score : float
        The share of steps whose predicted label is the true one.

    Examples
    --------
    >>> from sklearn_rnn import step_accuracy_score
    >>> step_accuracy_score([["A", "B"], ["A"]], [["A", "A"], ["A"]])
    0.666...
    """
    flat_true, flat_pred, weights = _flatten_steps(y_true, y_pred, sample_weight)
    return float(accuracy_score(flat_true, flat_pred, sample_weight=weights))


def sequence_accuracy_score(y_true, y_pred, *, sample_weight=None) -> float:
    """The share of sequences whose every step is labelled right.

    Parameters
    ----------
    y_true, y_pred : list of array-like
        One label sequence per sequence.
    sample_weight : array-like of shape (n_sequences,), default=None
        Weight of each sequence.

    Returns
    -------
    score : float
        The share of sequences predicted right at every step.

    Examples
    --------
    >>> from sklearn_rnn import sequence_accuracy_score
    >>> sequence_accuracy_score([["A", "B"], ["A"]], [["A", "A"], ["A"]])
    0.5
    """
    _flatten_steps(y_true, y_pred)  # checks the alignment
    right = [
        np.array_equal(np.asarray(t), np.asarray(p))
        for t, p in zip(y_true, y_pred, strict=True)
    ]
    return float(np.average(right, weights=sample_weight))


def _step_score(y_true, y_pred, *, step_score_func, sample_weight=None, **kwargs):
    flat_true, flat_pred, weights = _flatten_steps(y_true, y_pred, sample_weight)
    if weights is not None:
        kwargs["sample_weight"] = weights
    return step_score_func(flat_true, flat_pred, **kwargs)


def make_step_scorer(
    score_func: Callable, *, greater_is_better: bool = True, **kwargs
) -> Callable:
    """A scorer for :class:`RNNTagger` from any metric of flat labels.

    ``score_func(y_true, y_pred, **kwargs)`` (e.g. :func:`sklearn.metrics.f1_score`)
    is computed on the steps of all sequences end to end, so it can be passed as
    ``scoring`` to :class:`~sklearn.model_selection.GridSearchCV` or
    :func:`~sklearn.model_selection.cross_val_score`.

    Parameters
    ----------
    score_func : callable
        A metric ``score_func(y_true, y_pred, **kwargs)`` of 1D label arrays.
    greater_is_better : bool, default=True
        Whether higher values of ``score_func`` are better (False for losses).
    **kwargs
        Passed to ``score_func`` (e.g. ``average="macro"``).

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, as :func:`sklearn.metrics.make_scorer` makes.

    Examples
    --------
    >>> from sklearn.metrics import f1_score
    >>> from sklearn_rnn import make_step_scorer
    >>> macro_f1 = make_step_scorer(f1_score, average="macro")
    """
    return make_scorer(
        _step_score,
        greater_is_better=greater_is_better,
        step_score_func=score_func,
        **kwargs,
    )


def split_symbols(text: str, unit: str) -> list[str]:
    """A string's symbols: its characters (``unit="char"``) or its
    whitespace-separated words (``"word"``)."""
    return list(text) if unit == "char" else text.split()


def _as_symbols(seq, unit: str) -> list:
    """One output sequence as a list of symbols: a str split by ``unit``, any
    other sequence listed (numpy scalars as Python ones)."""
    if isinstance(seq, str):
        return split_symbols(seq, unit)
    if seq is None or not hasattr(seq, "__len__"):
        raise TypeError(
            f"Each output must be a sequence of symbols (a str or a list); got "
            f"{type(seq).__name__} {seq!r:.60}."
        )
    return [s.item() if isinstance(s, np.generic) else s for s in seq]


def _paired(y_true, y_pred, unit: str) -> tuple[list[list], list[list]]:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}; got {unit!r}.")
    if isinstance(y_true, str) or isinstance(y_pred, str):
        raise TypeError(
            "y_true and y_pred must be lists of output sequences, not one str."
        )
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true has {len(y_true)} sequences but y_pred has {len(y_pred)}."
        )
    return (
        [_as_symbols(t, unit) for t in y_true],
        [_as_symbols(p, unit) for p in y_pred],
    )


def _sequence_weights(sample_weight, n: int) -> np.ndarray:
    """``sample_weight`` as ``n`` finite, non-negative floats with a positive sum
    (ones when None), or a ValueError naming it."""
    if sample_weight is None:
        return np.ones(n)
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"sample_weight must be {n} numbers, one per sequence; got "
            f"{sample_weight!r:.60}."
        ) from None
    if weights.shape != (n,):
        raise ValueError(
            f"sample_weight must have shape ({n},), one weight per sequence; got "
            f"shape {weights.shape}."
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must be finite and non-negative.")
    if not weights.sum() > 0:
        raise ValueError("sample_weight must have a positive sum; all are zero.")
    return weights


def edit_distance(a: list, b: list) -> int:
    """The Levenshtein distance of two sequences: the fewest insertions,
    deletions and substitutions of symbols that turn ``a`` into ``b``."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, z in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != z))
            )
        previous = current
    return previous[-1]


def exact_match_score(y_true, y_pred, *, unit: str = "char", sample_weight=None):
    """The share of output sequences predicted exactly.

    A prediction is exact when it has every symbol of its reference, in order,
    and no other.

    Parameters
    ----------
    y_true, y_pred : list of str or list of sequences
        The true and the predicted output of each input.
    unit : {"char", "word"}, default="char"
        How strings are split into symbols (it matters only when one side holds
        strings and the other lists).
    sample_weight : array-like of shape (n_sequences,), default=None
        Weight of each sequence.

    Returns
    -------
    score : float
        The (weighted) share of outputs equal to their reference.

    Examples
    --------
    >>> from sklearn_rnn import exact_match_score
    >>> exact_match_score(["cat", "dog"], ["cat", "dot"])
    0.5
    """
    y_true, y_pred = _paired(y_true, y_pred, unit)
    right = [t == p for t, p in zip(y_true, y_pred, strict=True)]
    if not right:
        raise ValueError("y_true holds no sequences; there is nothing to score.")
    weights = _sequence_weights(sample_weight, len(right))
    return float(np.average(right, weights=weights))


def token_error_rate(y_true, y_pred, *, unit: str = "char", sample_weight=None):
    """Token (or character) error rate: edit operations per reference symbol.

    The Levenshtein distance of each prediction to its reference (insertions,
    deletions and substitutions of symbols), summed over the sequences and
    divided by the references' total length: the word error rate of speech
    recognition, the phoneme error rate of grapheme-to-phoneme conversion, the
    character error rate of strings. Lower is better; it can exceed 1 when the
    predictions are longer than the references. Use
    ``make_scorer(token_error_rate, greater_is_better=False)`` as a scorer.

    Parameters
    ----------
    y_true, y_pred : list of str or list of sequences
        The reference and the predicted output of each input.
    unit : {"char", "word"}, default="char"
        How strings are split into symbols: characters (the character error
        rate), or whitespace-separated words.
    sample_weight : array-like of shape (n_sequences,), default=None
        Weight of each sequence's edits and length.

    Returns
    -------
    error_rate : float
        ``sum(w * distance) / sum(w * len(reference))``.

    Examples
    --------
    >>> from sklearn_rnn import token_error_rate
    >>> token_error_rate(["kitten"], ["sitting"])
    0.5
    >>> token_error_rate(["HH AH0 L OW1"], ["HH EH0 L OW1"], unit="word")
    0.25
    """
    y_true, y_pred = _paired(y_true, y_pred, unit)
    weights = _sequence_weights(sample_weight, len(y_true))
    edits = np.array([edit_distance(t, p) for t, p in zip(y_true, y_pred, strict=True)])
    lengths = np.array([len(t) for t in y_true], dtype=np.float64)
    total = float(np.dot(weights, lengths))
    if not total > 0:
        raise ValueError(
            "The references hold no symbols (with their weights); the error rate "
            "per reference symbol is undefined."
        )
    return float(np.dot(weights, edits) / total)
