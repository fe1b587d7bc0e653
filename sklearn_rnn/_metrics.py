"""Scores of per-step predictions (one label array per sequence)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import accuracy_score, make_scorer

__all__ = ["make_step_scorer", "sequence_accuracy_score", "step_accuracy_score"]


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
