"""Warnings point at the user's line, also through scikit-learn's meta-estimators."""

import warnings

import numpy as np
import pytest
from _helpers import sign_task
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler, SequenceVectorizer

FAST = dict(hidden_size=8, max_iter=2, random_state=0, device="cpu")


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if "mixed_precision" in str(w.message)]


@pytest.mark.parametrize(
    "fit",
    [
        lambda X, y: RNNClassifier(**FAST, mixed_precision=True).fit(X, y),
        lambda X, y: make_pipeline(
            SequenceScaler(), RNNClassifier(**FAST, mixed_precision=True)
        ).fit(X, y),
        lambda X, y: GridSearchCV(
            RNNClassifier(**FAST, mixed_precision=True), {"hidden_size": [4]}, cv=2
        ).fit(X, y),
    ],
    ids=["estimator", "pipeline", "grid-search"],
)
def test_a_warning_raised_in_fit_points_at_the_callers_line(fit):
    X, signal = sign_task(n=16)
    caught = _caught(lambda: fit(X, signal > 0))
    assert caught
    assert {w.filename for w in caught} == {__file__}


def test_a_vectorizer_warning_in_a_pipeline_points_at_the_callers_line():
    pipe = make_pipeline(
        SequenceVectorizer(stop_words=["don't"]), RNNClassifier(**FAST)
    )
    with pytest.warns(UserWarning, match="stop_words may be inconsistent") as record:
        pipe.fit(["I don't know", "yes we do", "no", "fine"], np.array([0, 1, 0, 1]))
    assert {w.filename for w in record if "stop_words" in str(w.message)} == {__file__}
