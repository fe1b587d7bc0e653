"""Text in, predictions out: SequenceVectorizer feeding the RNN estimators."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceVectorizer

FAST = dict(hidden_size=16, embedding_dim=16, random_state=0, device="cpu")
FILLER = "the a movie film plot it was and this i really quite".split()


def make_corpus(n=160, seed=0):
    """Sentences whose label is carried by one word among filler words."""
    rng = np.random.default_rng(seed)
    texts, labels, scores = [], [], []
    for _ in range(n):
        words = list(rng.choice(FILLER, size=rng.integers(3, 12)))
        n_good, n_bad = rng.integers(0, 3, size=2)
        words += ["great"] * n_good + ["awful"] * n_bad
        rng.shuffle(words)
        texts.append(" ".join(words).capitalize() + ".")
        labels.append("pos" if n_good > n_bad else "neg")
        scores.append(float(n_good - n_bad))
    return texts, np.array(labels), np.array(scores)


def test_classifier_learns_from_strings():
    texts, labels, _ = make_corpus()
    model = make_pipeline(SequenceVectorizer(), RNNClassifier(max_iter=30, **FAST))
    model.fit(texts[:120], labels[:120])
    assert set(model.predict(texts[120:])) <= {"neg", "pos"}
    assert model.score(texts[120:], labels[120:]) > 0.8
    # The vocabulary size reaches the embedding with no manual "+1".
    vectorizer, clf = model
    assert clf.vocab_size_ <= vectorizer.vocab_size_
    assert clf.net_.module_.encoder.embedding.num_embeddings == clf.vocab_size_


def test_regressor_predicts_a_number_from_text():
    texts, _, scores = make_corpus(n=200, seed=1)
    model = make_pipeline(SequenceVectorizer(), RNNRegressor(max_iter=40, **FAST))
    model.fit(texts[:160], scores[:160])
    pred = model.predict(texts[160:])
    assert pred.shape == (40,)
    assert model.score(texts[160:], scores[160:]) > 0.7


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_empty_and_unknown_texts_flow_through(Estimator):
    texts, labels, scores = make_corpus(n=40)
    y = labels if Estimator is RNNClassifier else scores
    texts_with_empty = ["", *texts[1:]]
    model = make_pipeline(SequenceVectorizer(), Estimator(max_iter=2, **FAST))
    model.fit(texts_with_empty, y)
    odd = ["", "zzz qqq unknownword", "   ", "great"]
    out = model.predict(odd)
    assert len(out) == 4
    if Estimator is RNNClassifier:
        proba = model.predict_proba(odd)
        assert np.isfinite(proba).all()
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        # An empty text and an all-unknown text both get a defined output.
        assert np.isfinite(model.predict_proba([""])).all()
    else:
        assert np.isfinite(out).all()


def test_padding_side_does_not_change_predictions():
    texts, labels, _ = make_corpus(n=60)
    post = make_pipeline(
        SequenceVectorizer(padding="post"), RNNClassifier(max_iter=3, **FAST)
    ).fit(texts, labels)
    pre = make_pipeline(
        SequenceVectorizer(padding="pre"), RNNClassifier(max_iter=3, **FAST)
    ).fit(texts, labels)
    np.testing.assert_allclose(
        post.predict_proba(texts), pre.predict_proba(texts), atol=1e-6
    )


def test_grid_search_over_both_steps_in_parallel_with_string_labels():
    texts, labels, _ = make_corpus(n=90)
    model = make_pipeline(SequenceVectorizer(), RNNClassifier(max_iter=3, **FAST))
    grid = {
        "sequencevectorizer__max_length": [4, None],
        "sequencevectorizer__max_features": [5, None],
        "rnnclassifier__cell": ["lstm", "gru"],
        "rnnclassifier__bidirectional": [False, True],
    }
    search = GridSearchCV(model, grid, cv=2, n_jobs=2, error_score="raise")
    search.fit(texts, labels)
    assert len(search.cv_results_["params"]) == 16
    assert set(search.predict(texts[:5])) <= {"neg", "pos"}
    best_length = search.best_params_["sequencevectorizer__max_length"]
    if best_length is not None:
        assert search.best_estimator_[0].max_length_ == best_length
