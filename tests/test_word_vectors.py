"""Pretrained word vectors: loading, alignment to a vocabulary, embedding_init."""

import gzip
import pickle

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_rnn import (
    RNNClassifier,
    RNNRegressor,
    SequenceVectorizer,
    align_word_vectors,
    load_word_vectors,
)

TEXTS = ["a good film", "a bad film", "Great acting", "awful plot"] * 10
LABELS = [1, 0, 1, 0] * 10
VECTORS = {
    "good": np.full(4, 1.0),
    "bad": np.full(4, -1.0),
    "great": np.full(4, 0.9),
    "awful": np.full(4, -0.9),
    "film": np.zeros(4),
}


def _write(path, lines, compress=False):
    data = "\n".join(lines) + "\n"
    if compress:
        path.write_bytes(gzip.compress(data.encode()))
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_load_word2vec_and_glove_text(tmp_path):
    w2v = _write(tmp_path / "w2v.txt", ["2 3", "good 1 2 3", "bad -1 -2 -3"])
    glove = _write(tmp_path / "glove.txt.gz", ["good 1 2 3", "bad -1 -2 -3"], True)
    for path in (w2v, glove):
        vectors = load_word_vectors(path)
        assert list(vectors) == ["good", "bad"]
        assert vectors["bad"].dtype == np.float32
        np.testing.assert_array_equal(vectors["good"], [1, 2, 3])
    assert list(load_word_vectors(w2v, limit=1)) == ["good"]


def test_load_refuses_bad_files(tmp_path):
    ragged = _write(tmp_path / "r.txt", ["good 1 2 3", "bad 1 2"])
    with pytest.raises(ValueError, match="line 2: 'bad' has a vector of 2"):
        load_word_vectors(ragged)
    text = _write(tmp_path / "t.txt", ["good 1 x 3"])
    with pytest.raises(ValueError, match="not a number"):
        load_word_vectors(text)
    with pytest.raises(ValueError, match="limit=0"):
        load_word_vectors(text, limit=0)


def test_alignment_puts_each_vector_at_its_id():
    vectorizer = SequenceVectorizer(lowercase=False).fit(TEXTS)
    table, coverage = align_word_vectors(vectorizer, VECTORS, random_state=0)
    vocab = vectorizer.vocabulary_
    assert table.shape == (max(vocab.values()) + 1, 4)
    for word, vector in VECTORS.items():
        if word in vocab:  # ("great" is "Great" here)
            np.testing.assert_array_equal(table[vocab[word]], vector.astype("f4"))
    np.testing.assert_allclose(table[vocab["Great"]], VECTORS["great"], rtol=1e-7)
    assert not table[0].any()  # padding
    found = np.array([VECTORS[w] for w in ("good", "bad", "great", "awful", "film")])
    np.testing.assert_allclose(table[1], found.mean(axis=0))  # unknown: the mean
    assert coverage.n_tokens == len(vocab) and coverage.n_found == 5
    assert coverage.n_found_lowercase == 1
    assert set(coverage.missing) == {"a", "acting", "plot"}
    assert coverage.coverage == pytest.approx(5 / len(vocab))
    assert str(coverage).startswith(f"5 of {len(vocab)} tokens have a vector")
    # Words without a vector: seeded random vectors.
    again, _ = align_word_vectors(vectorizer, VECTORS, random_state=0)
    np.testing.assert_array_equal(again, table)
    other, _ = align_word_vectors(vectorizer.vocabulary_, VECTORS, random_state=1)
    assert not np.array_equal(other[vocab["plot"]], table[vocab["plot"]])


def test_alignment_from_a_file_and_from_keyed_vectors(tmp_path):
    vectorizer = SequenceVectorizer().fit(TEXTS)
    path = _write(
        tmp_path / "v.txt", [f"{w} {' '.join(map(str, v))}" for w, v in VECTORS.items()]
    )
    from_file, _ = align_word_vectors(vectorizer, path, random_state=0)

    class KeyedVectors:  # gensim's interface, without gensim
        vector_size = 4
        key_to_index = {w: i for i, w in enumerate(VECTORS)}

        def get_vector(self, word):
            return VECTORS[word]

    keyed, _ = align_word_vectors(vectorizer, KeyedVectors(), random_state=0)
    from_dict, _ = align_word_vectors(vectorizer, VECTORS, random_state=0)
    np.testing.assert_array_equal(from_file, from_dict)
    np.testing.assert_array_equal(keyed, from_dict)


def test_alignment_errors():
    vectorizer = SequenceVectorizer().fit(TEXTS)
    with pytest.raises(ValueError, match="No token of the vocabulary has a vector"):
        align_word_vectors(vectorizer, {"zzz": np.ones(3)})
    with pytest.raises(ValueError, match="has 2 numbers; the others have 4"):
        align_word_vectors(vectorizer, {**VECTORS, "bad": np.ones(2)})
    with pytest.raises(TypeError, match="vectors must be a mapping"):
        align_word_vectors(vectorizer, [np.ones(3)])
    with pytest.raises(TypeError, match="vocabulary must be"):
        align_word_vectors(["good"], VECTORS)


@pytest.mark.parametrize("freeze", [True, False])
def test_the_embedding_starts_from_the_vectors(freeze):
    vectorizer = SequenceVectorizer().fit(TEXTS)
    table, _ = align_word_vectors(vectorizer, VECTORS, random_state=0)
    model = make_pipeline(
        SequenceVectorizer(vocabulary=vectorizer.vocabulary_),
        RNNClassifier(
            embedding_init=table, freeze_embedding=freeze, max_iter=5, random_state=0
        ),
    ).fit(TEXTS, LABELS)
    weight = model[-1].net_.module_.encoder.embedding.weight
    assert weight.shape == table.shape  # the width is embedding_init's, not 64
    changed = np.abs(weight.detach().numpy() - table).max()
    assert (changed == 0) if freeze else (changed > 0)
    assert weight.requires_grad is not freeze
    assert model.score(TEXTS, LABELS) == 1.0
    # The fitted net does not store the table a second time; pickling keeps the
    # frozen embedding frozen.
    assert model[-1].net_.embedding_init is None
    restored = pickle.loads(pickle.dumps(model))
    assert (
        restored[-1].net_.module_.encoder.embedding.weight.requires_grad is not freeze
    )


def test_rows_of_ids_the_training_data_lacks_are_kept():
    vectorizer = SequenceVectorizer().fit([*TEXTS, "a great plot"])
    table, _ = align_word_vectors(vectorizer, VECTORS, random_state=0)
    ids = vectorizer.transform(TEXTS[:2] * 5)  # only a few of the ids
    reg = RNNRegressor(embedding_init=table, freeze_embedding=True, max_iter=2)
    reg.fit(ids, np.arange(10.0))
    assert reg.vocab_size_ == len(table)
    np.testing.assert_array_equal(
        reg.net_.module_.encoder.embedding.weight.detach().numpy(), table
    )


def test_embedding_init_errors():
    vectorizer = SequenceVectorizer().fit(TEXTS)
    ids = vectorizer.transform(TEXTS)
    with pytest.raises(ValueError, match="embedding_init has 3 rows"):
        RNNClassifier(embedding_init=np.zeros((3, 4)), max_iter=1).fit(ids, LABELS)
    with pytest.raises(ValueError, match="X is numeric"):
        RNNClassifier(embedding_init=np.zeros((9, 4)), max_iter=1).fit(
            np.random.default_rng(0).normal(size=(40, 5, 1)), LABELS
        )
    with pytest.raises(ValueError, match="shape \\(5,\\)"):
        RNNClassifier(embedding_init=np.zeros(5), max_iter=1).fit(ids, LABELS)
    bad = np.zeros((20, 4))
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RNNClassifier(embedding_init=bad, max_iter=1).fit(ids, LABELS)


def test_a_search_over_freezing_with_a_fixed_vocabulary():
    vectorizer = SequenceVectorizer().fit(TEXTS)
    table, _ = align_word_vectors(vectorizer, VECTORS, random_state=0)
    before = table.copy()
    model = make_pipeline(
        SequenceVectorizer(vocabulary=vectorizer.vocabulary_),
        RNNClassifier(embedding_init=table, max_iter=3, random_state=0),
    )
    search = GridSearchCV(
        model, {"rnnclassifier__freeze_embedding": [True, False]}, cv=2
    ).fit(TEXTS, LABELS)
    assert len(search.cv_results_["params"]) == 2
    np.testing.assert_array_equal(table, before)  # never modified
