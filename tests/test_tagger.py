"""RNNTagger: a label for every step. Learning (left and right context, unseen words
by their characters), padding and order invariance per step, the per-step loss,
sample and class weights, validation sets, errors, continuation, reproducibility,
pickling, the scikit-learn machinery (Pipeline, cross-validation, search, scorers)
and the per-step metrics."""

import copy
import pickle

import numpy as np
import pytest
import torch
from _helpers import nan_pad
from sklearn.base import clone
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import (
    RNNTagger,
    SequenceVectorizer,
    make_step_scorer,
    sequence_accuracy_score,
    step_accuracy_score,
)
from sklearn_rnn._data import IGNORED_STEP

# Tiny and on the CPU, where equal seeds give bit-for-bit equal fits and the
# exact-equality checks hold (see _data.ROW_BLOCK).
SMALL = dict(
    hidden_size=8,
    embedding_dim=8,
    char_embedding_dim=4,
    char_hidden_size=4,
    conv_filters=(8,),
    conv_kernel_sizes=(3,),
    random_state=0,
    device="cpu",
)
FAST = dict(SMALL, max_iter=2)
# Enough to learn the easy tasks below in about a second: no dropout of any kind.
LEARN = dict(
    SMALL,
    hidden_size=16,
    max_iter=30,
    lr=1e-2,
    batch_size=8,
    dropout=0.0,
    word_dropout=0.0,
)

WORDS = ["a", "b", "c", "d"]


def word_task(label, n=60, low=3, high=9, seed=0):
    """Random sentences over :data:`WORDS` and, for each, ``label(sentence, i)``
    at every position ``i``."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for _ in range(n):
        sentence = [str(w) for w in rng.choice(WORDS, size=rng.integers(low, high))]
        X.append(sentence)
        y.append([label(sentence, i) for i in range(len(sentence))])
    return X, y


def same_as_previous(s, i):
    return "SAME" if i and s[i] == s[i - 1] else "NEW"


def next_word(s, i):
    return s[i + 1] if i + 1 < len(s) else "END"


def pos_task(n=40, seed=0):
    """A toy grammar: DET (ADJ) NOUN VERB (ADV), in lower and title case."""
    rng = np.random.default_rng(seed)
    vocab = {
        "DET": ["the", "a"],
        "ADJ": ["big", "red"],
        "NOUN": ["dog", "cat", "bird"],
        "VERB": ["runs", "sleeps"],
        "ADV": ["fast", "now"],
    }
    X, y = [], []
    for _ in range(n):
        tags = ["DET"] + ["ADJ"] * int(rng.integers(0, 3)) + ["NOUN", "VERB"]
        if rng.random() < 0.5:
            tags.append("ADV")
        words = [str(rng.choice(vocab[t])) for t in tags]
        if rng.random() < 0.5:
            words[0] = words[0].title()
        X.append(words)
        y.append(tags)
    return X, y


def token_ids(n=30, low=1, high=8, seed=0):
    """Ragged int64 id lists (ids 2..9) and per-step labels (id parity)."""
    rng = np.random.default_rng(seed)
    X = [rng.integers(2, 10, size=rng.integers(low, high)) for _ in range(n)]
    return X, [row % 2 for row in X]


def id_table(rows, width=None):
    width = width or max(len(r) for r in rows)
    out = np.zeros((len(rows), width), dtype=np.int64)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def numeric(n=30, low=1, high=8, channels=2, seed=0):
    """Ragged float32 (t, channels) sequences; per-step labels: first channel > 0."""
    rng = np.random.default_rng(seed)
    X = [
        rng.normal(size=(rng.integers(low, high), channels)).astype(np.float32)
        for _ in range(n)
    ]
    return X, [(s[:, 0] > 0).astype(int) for s in X]


def assert_proba_equal(a, b):
    assert len(a) == len(b)
    for i, (p, q) in enumerate(zip(a, b, strict=True)):
        np.testing.assert_array_equal(p, q, err_msg=f"sequence {i}")


def flat(y):
    return np.concatenate([np.asarray(s) for s in y])


# --------------------------------------------------------------------------------------
# Learning
# --------------------------------------------------------------------------------------


def test_learns_a_label_of_the_left_context():
    X, y = word_task(same_as_previous, n=100)
    Xt, yt = word_task(same_as_previous, n=30, seed=1)
    tagger = RNNTagger(**dict(LEARN, max_iter=20), bidirectional=False).fit(X, y)
    assert tagger.score(Xt, yt) > 0.95
    assert tagger.input_type_ == "words"
    assert set(tagger.classes_) == {"NEW", "SAME"}
    pred = tagger.predict(Xt)
    assert [len(p) for p in pred] == [len(s) for s in Xt]
    assert tagger.score(Xt, yt) == step_accuracy_score(yt, pred)


def test_only_a_bidirectional_tagger_learns_a_label_of_the_next_word():
    X, y = word_task(next_word)
    Xt, yt = word_task(next_word, n=30, seed=1)
    both = RNNTagger(**LEARN, bidirectional=True).fit(X, y)
    forward = RNNTagger(**LEARN, bidirectional=False).fit(X, y)
    assert both.score(Xt, yt) > 0.95
    # Causal: it can only guess the next word (chance is about 1/4, "END" aside).
    assert forward.score(Xt, yt) < 0.6


def test_learns_a_toy_grammar_and_tags_new_combinations():
    X, y = pos_task()
    tagger = RNNTagger(**LEARN).fit(X, y)
    new = [["A", "red", "red", "bird", "sleeps", "now"], ["the", "cat", "runs"]]
    assert [p.tolist() for p in tagger.predict(new)] == [
        ["DET", "ADJ", "ADJ", "NOUN", "VERB", "ADV"],
        ["DET", "NOUN", "VERB"],
    ]
    proba = tagger.predict_proba(new)
    assert [p.shape for p in proba] == [(6, 5), (3, 5)]
    for p, labels in zip(proba, tagger.predict(new), strict=True):
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(tagger.classes_[p.argmax(axis=1)], labels)


def test_labels_keep_their_type():
    X, ids = token_ids()
    y = [np.where(r % 2 == 0, -7, 42) for r in ids]
    tagger = RNNTagger(**FAST).fit(X, y)
    np.testing.assert_array_equal(tagger.classes_, [-7, 42])
    assert tagger.input_type_ == "tokens"
    pred = tagger.predict(X)
    assert all(p.dtype.kind == "i" and set(p) <= {-7, 42} for p in pred)
    boolean = RNNTagger(**FAST).fit(X, [r > 5 for r in ids])
    assert boolean.predict(X)[0].dtype == bool


# --------------------------------------------------------------------------------------
# Padding and order invariance, per step, in both directions
# --------------------------------------------------------------------------------------


def _long_batch(short, longer, n_copies=6):
    """``short`` followed by much longer sequences, more than a row block in all."""
    return [short] + longer * n_copies


@pytest.mark.parametrize("bidirectional", [True, False], ids=["bi", "uni"])
def test_words_with_chars_are_padding_invariant(bidirectional):
    X, y = word_task(next_word, n=20)
    tagger = RNNTagger(**FAST, bidirectional=bidirectional).fit(X, y)
    assert tagger.char_vocabulary_ is not None
    short = ["b", "a"]
    longer = [
        ["c"] * 30 + ["extraordinarily-long-word", "zz"],
        ["d", "a", "unseenword"] * 9,
    ]
    batch = _long_batch(short, longer)
    alone = tagger.predict_proba([short])[0]
    together = tagger.predict_proba(batch)
    np.testing.assert_array_equal(alone, together[0])
    # And every long one alone as in the batch.
    for i in (1, 2):
        np.testing.assert_array_equal(tagger.predict_proba([batch[i]])[0], together[i])
    # Order: the predictions of a permuted batch are the permuted predictions.
    perm = np.random.default_rng(0).permutation(len(batch))
    assert_proba_equal(
        tagger.predict_proba([batch[i] for i in perm]), [together[i] for i in perm]
    )


@pytest.mark.parametrize("bidirectional", [True, False], ids=["bi", "uni"])
def test_token_ids_table_and_ragged_list_are_padding_invariant(bidirectional):
    X, y = token_ids()
    tagger = RNNTagger(**FAST, bidirectional=bidirectional).fit(X, y)
    short = np.array([3, 4])
    longer = [np.arange(2, 10).repeat(4), np.tile([5, 9, 2], 10)]
    batch = _long_batch(short, longer)
    ragged = tagger.predict_proba(batch)
    np.testing.assert_array_equal(tagger.predict_proba([short])[0], ragged[0])
    assert_proba_equal(tagger.predict_proba(id_table(batch)), ragged)
    assert_proba_equal(tagger.predict_proba(id_table(batch, width=60)), ragged)
    # A table of the short one alone, with many zero columns.
    np.testing.assert_array_equal(
        tagger.predict_proba(id_table([short], width=40))[0], ragged[0]
    )
    perm = np.random.default_rng(1).permutation(len(batch))
    assert_proba_equal(
        tagger.predict_proba(id_table(batch)[perm]), [ragged[i] for i in perm]
    )


@pytest.mark.parametrize("bidirectional", [True, False], ids=["bi", "uni"])
def test_numeric_nan_padded_and_ragged_are_padding_invariant(bidirectional):
    X, y = numeric()
    tagger = RNNTagger(**FAST, bidirectional=bidirectional).fit(X, y)
    assert tagger.input_type_ == "numeric"
    rng = np.random.default_rng(2)
    short = rng.normal(size=(3, 2)).astype(np.float32)
    longer = [rng.normal(size=(t, 2)).astype(np.float32) for t in (25, 40)]
    batch = _long_batch(short, longer)
    ragged = tagger.predict_proba(batch)
    assert [p.shape for p in ragged] == [(len(s), 2) for s in batch]
    np.testing.assert_array_equal(tagger.predict_proba([short])[0], ragged[0])
    assert_proba_equal(tagger.predict_proba(nan_pad(batch)), ragged)
    assert_proba_equal(tagger.predict_proba(nan_pad(batch, width=55)), ragged)
    np.testing.assert_array_equal(
        tagger.predict_proba(nan_pad([short], width=50))[0], ragged[0]
    )
    perm = np.random.default_rng(3).permutation(len(batch))
    assert_proba_equal(
        tagger.predict_proba([batch[i] for i in perm]), [ragged[i] for i in perm]
    )


# --------------------------------------------------------------------------------------
# The loss ignores padded steps
# --------------------------------------------------------------------------------------


def test_extra_padding_changes_no_training_loss():
    X, y = token_ids()
    narrow = RNNTagger(**FAST).fit(id_table(X), y)
    wide = RNNTagger(**FAST).fit(id_table(X, width=20), y)
    assert narrow.loss_curve_ == wide.loss_curve_
    assert_proba_equal(narrow.predict_proba(X), wide.predict_proba(X))
    Xn, yn = numeric()
    narrow = RNNTagger(**FAST).fit(nan_pad(Xn), yn)
    wide = RNNTagger(**FAST).fit(nan_pad(Xn, width=20), yn)
    ragged = RNNTagger(**FAST).fit(Xn, yn)
    assert narrow.loss_curve_ == wide.loss_curve_ == ragged.loss_curve_


def test_per_step_loss_skips_ignored_steps():
    X, y = token_ids(n=8)
    tagger = RNNTagger(**FAST, class_weight=None).fit(X, y)
    net = tagger.net_
    rng = np.random.default_rng(0)
    logits = torch.from_numpy(rng.normal(size=(2, 4, 2)).astype(np.float32))
    target = torch.tensor([[0, 1, 1, IGNORED_STEP], [1, IGNORED_STEP] * 2])
    target[1, 2] = IGNORED_STEP
    valid = target != IGNORED_STEP
    loss = net.get_loss(logits, target)
    expected = torch.nn.functional.cross_entropy(logits[valid], target[valid])
    torch.testing.assert_close(loss, expected)
    garbage = logits.clone()
    garbage[~valid] = 1e4
    assert net.get_loss(garbage, target) == loss


# --------------------------------------------------------------------------------------
# Sample and class weights
# --------------------------------------------------------------------------------------


def _contradicting():
    """The same sentences twice: labelled by the word, then by its opposite."""
    X, _ = word_task(lambda s, i: s[i], n=20, seed=4)
    honest = [[w.upper() for w in s] for s in X]
    liar = [[{"A": "B", "B": "A", "C": "D", "D": "C"}[t] for t in s] for s in honest]
    return X + X, honest + liar, honest, liar


def test_zero_weights_make_the_fit_follow_the_weighted_sequences():
    X, y, honest, liar = _contradicting()
    n = len(honest)
    settings = dict(LEARN, max_iter=15)
    w = np.r_[np.ones(n), np.zeros(n)]
    follows_honest = RNNTagger(**settings).fit(X, y, sample_weight=w)
    follows_liar = RNNTagger(**settings).fit(X, y, sample_weight=w[::-1])
    assert follows_honest.score(X[:n], honest) == 1.0
    assert follows_liar.score(X[:n], liar) == 1.0
    # A weighted score: the liars' half, weighted 0, does not count.
    assert follows_honest.score(X, y, sample_weight=w) == 1.0
    assert follows_honest.score(X, y) == pytest.approx(0.5)


def test_scaling_all_sample_weights_changes_nothing():
    X, y = pos_task(n=16)
    w = np.arange(1, 17) % 5 + 1.0
    one = RNNTagger(**FAST).fit(X, y, sample_weight=w)
    three = RNNTagger(**FAST).fit(X, y, sample_weight=3 * w)
    assert one.loss_curve_ == three.loss_curve_
    assert_proba_equal(one.predict_proba(X), three.predict_proba(X))
    unweighted = RNNTagger(**FAST).fit(X, y)
    ones = RNNTagger(**FAST).fit(X, y, sample_weight=np.ones(16))
    np.testing.assert_allclose(ones.loss_curve_, unweighted.loss_curve_, rtol=1e-6)
    assert not np.allclose(one.loss_curve_, unweighted.loss_curve_, rtol=1e-6)


def test_class_weights_change_the_fit():
    X, y = pos_task(n=16)
    plain = RNNTagger(**FAST).fit(X, y)
    weighted = RNNTagger(**FAST, class_weight={"ADV": 10.0}).fit(X, y)
    balanced = RNNTagger(**FAST, class_weight="balanced").fit(X, y)
    assert plain.loss_curve_ != weighted.loss_curve_
    assert plain.loss_curve_ != balanced.loss_curve_
    assert weighted.loss_curve_ != balanced.loss_curve_
    # Only ratios matter: a dict giving every label the same weight changes nothing.
    uniform = RNNTagger(**FAST, class_weight=dict.fromkeys(plain.classes_, 4.0))
    np.testing.assert_allclose(
        uniform.fit(X, y).loss_curve_, plain.loss_curve_, rtol=1e-6
    )
    # A heavy label is predicted more: ADV everywhere for a huge weight.
    heavy = RNNTagger(**dict(FAST, max_iter=5, lr=1e-2), class_weight={"ADV": 1e4})
    pred = flat(heavy.fit(X, y).predict(X))
    assert (pred == "ADV").mean() > 0.5


def test_class_weight_errors():
    X, y = pos_task(n=8)
    with pytest.raises(ValueError, match=r"class_weight has keys \['PRON'\]"):
        RNNTagger(**FAST, class_weight={"PRON": 2.0}).fit(X, y)
    tagger = RNNTagger(**FAST, class_weight="balanced")
    with pytest.raises(ValueError, match="'balanced' is not supported by partial_fit"):
        tagger.partial_fit(X, y, classes=np.unique(flat(y)))
    zero = dict.fromkeys(np.unique(flat(y)), 0.0)
    with pytest.raises(ValueError, match="gives every training sample a weight of 0"):
        RNNTagger(**FAST, class_weight=zero).fit(X, y)


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def words_data():
    return pos_task(n=12)


@pytest.fixture(scope="module")
def fitted_words(words_data):
    return RNNTagger(**FAST).fit(*words_data)


def test_label_sequences_must_match_the_sequences(words_data):
    X, y = words_data
    y = copy.deepcopy(y)
    y[3] = y[3][:-1]
    with pytest.raises(
        ValueError,
        match=rf"Sequence 3 of X has {len(X[3])} steps but y\[3\] has "
        rf"{len(X[3]) - 1} labels \(1 sequence\(s\) differ\)",
    ):
        RNNTagger(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 12 sequences but y has 11 targets"):
        RNNTagger(**FAST).fit(X, y[:11])


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ("none", TypeError, r"y\[2\] is None; each item of y must be the sequence"),
        ("str", TypeError, r"y\[2\] is 'DET NOUN'.*RNNClassifier's task"),
        ("flat-str", TypeError, r"y\[0\] is .*RNNClassifier's task"),
        ("flat-int", ValueError, r"y\[0\] must be a 1D sequence.*RNNClassifier"),
        ("2d", ValueError, r"got an array of shape \(12, 3\).*list\(y\)"),
        ("string", TypeError, "y must be a list of label sequences"),
    ],
)
def test_label_sequences_of_the_wrong_kind(words_data, bad, error, match):
    X, y = words_data
    y = copy.deepcopy(y)
    if bad == "none":
        y[2] = None
    elif bad == "str":
        y[2] = "DET NOUN"
    elif bad == "flat-str":
        y = np.array(["NOUN"] * len(X))
    elif bad == "flat-int":
        y = np.zeros(len(X), dtype=int)
    elif bad == "2d":
        y = np.zeros((len(X), 3), dtype=int)
    else:
        y = "DET NOUN VERB"
    with pytest.raises(error, match=match):
        RNNTagger(**FAST).fit(X, y)


def test_no_labels_at_all():
    with pytest.raises(ValueError, match="y holds no labels at all"):
        RNNTagger(**FAST).fit([["a"], ["b"]], [[], []])
    with pytest.raises(ValueError, match="requires y to be passed"):
        RNNTagger(**FAST).fit([["a"], ["b"]], None)


@pytest.mark.parametrize("where", ["fit", "predict"])
def test_a_word_that_is_not_a_str(fitted_words, where):
    X = [["the", "dog"], ["a", 3, "runs"]]
    match = r"Word 1 of sentence 1 of X is int 3; every word must be a str"
    with pytest.raises(TypeError, match=match):
        if where == "fit":
            RNNTagger(**FAST).fit(X, [["DET", "NOUN"], ["DET", "NOUN", "VERB"]])
        else:
            fitted_words.predict(X)


def test_char_features_need_words():
    X, y = token_ids(n=6)
    with pytest.raises(ValueError, match="char_features=True reads the characters"):
        RNNTagger(**FAST, char_features=True).fit(X, y)
    Xn, yn = numeric(n=6)
    with pytest.raises(ValueError, match="char_features=True reads the characters"):
        RNNTagger(**FAST, char_features=True).fit(Xn, yn)
    # "auto" and False are fine without words.
    tagger = RNNTagger(**FAST).fit(X, y)
    assert tagger.char_vocabulary_ is None
    assert not hasattr(tagger, "vocabulary_")


def test_predict_input_kind_must_match_fit(fitted_words):
    with pytest.raises(ValueError, match="fitted on sentences given as lists of words"):
        fitted_words.predict(np.array([[2, 3, 4]]))
    X, y = token_ids(n=6)
    tokens = RNNTagger(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="fitted on tokens input, not lists of words"):
        tokens.predict([["the", "dog"]])


def test_zero_ids_are_padding_wherever_they_occur():
    X = [np.array([2, 0, 3]), np.array([4, 5])]
    with pytest.raises(
        ValueError,
        match=r"Sequence 0 of X has 2 steps but y\[0\] has 3 labels.*"
        "0 is padding wherever it occurs",
    ):
        RNNTagger(**FAST).fit(X, [[0, 1, 0], [1, 0]])


def test_warm_start_refuses_a_changed_network(words_data):
    X, y = words_data
    tagger = RNNTagger(**FAST, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="hidden_size changed since it was built"):
        tagger.set_params(hidden_size=4).fit(X, y)


def test_conv_stride_must_be_one():
    X, y = numeric(n=6)
    with pytest.raises(InvalidParameterError, match="'conv_stride' parameter"):
        RNNTagger(**FAST, conv_stride=2).fit(X, y)
    assert RNNTagger(**FAST, conv_stride=1).fit(X, y).n_iter_ == 2
    assert "pooling" not in RNNTagger().get_params()


def test_unseen_labels_in_validation_set_and_warm_start(words_data):
    X, y = words_data
    y_val = copy.deepcopy(y[:3])
    y_val[1][0] = "PRON"
    with pytest.raises(ValueError, match=r"y contains labels \['PRON'\] that are not"):
        RNNTagger(**FAST).fit(X, y, X_val=X[:3], y_val=y_val)
    tagger = RNNTagger(**FAST, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"labels \['PRON'\] that are not in classes_"):
        tagger.fit(X[:3], y_val)


def test_validation_set_errors(words_data):
    X, y = words_data
    with pytest.raises(ValueError, match="X_val and y_val must be passed together"):
        RNNTagger(**FAST).fit(X, y, X_val=X[:3])
    with pytest.raises(ValueError, match="got only y_val"):
        RNNTagger(**FAST).fit(X, y, y_val=y[:3])
    with pytest.raises(ValueError, match="but early_stopping=False"):
        RNNTagger(**FAST, early_stopping=False).fit(X, y, X_val=X[:3], y_val=y[:3])
    y_val = copy.deepcopy(y[:3])
    y_val[2] = y_val[2][1:]
    with pytest.raises(ValueError, match=r"Sequence 2 of X_val has .* but y_val\[2\]"):
        RNNTagger(**FAST).fit(X, y, X_val=X[:3], y_val=y_val)
    with pytest.raises(ValueError, match="sample_weight_val was passed without"):
        RNNTagger(**FAST).fit(X, y, sample_weight_val=np.ones(3))


# --------------------------------------------------------------------------------------
# Unknown words
# --------------------------------------------------------------------------------------


def _spelled_task(n=40, seed=0):
    """Sentences of random letter strings and numbers, nearly all seen once; label
    NUM for a number (1 to 4 digits), WORD otherwise."""
    rng = np.random.default_rng(seed)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    X, y = [], []
    for _ in range(n):
        is_number = rng.random(int(rng.integers(3, 8))) < 0.4
        X.append(
            [
                str(rng.integers(0, 10 ** int(rng.integers(1, 5))))
                if number
                else "".join(rng.choice(letters, size=rng.integers(2, 7)))
                for number in is_number
            ]
        )
        y.append(["NUM" if number else "WORD" for number in is_number])
    return X, y


def test_unseen_words_are_tagged_by_their_characters():
    X, y = _spelled_task()
    Xt, yt = _spelled_task(n=30, seed=1)
    seen = {w for s in X for w in s}
    unseen = np.array([w not in seen for s in Xt for w in s])
    truth = flat(yt)
    assert unseen.sum() > 100 and (truth[unseen] == "NUM").sum() > 40
    # word_dropout (the default) reads rare training words as unknown, so the
    # characters, not the unknown word's embedding, must tell NUM from WORD.
    settings = dict(LEARN, word_dropout=0.25)
    tagger = RNNTagger(**settings).fit(X, y)
    assert tagger.char_vocabulary_ is not None  # "auto": on for words
    assert not any(w in tagger.vocabulary_ for s in Xt for w in s if w not in seen)
    right = flat(tagger.predict(Xt)) == truth
    assert right[unseen & (truth == "NUM")].mean() > 0.9
    assert right[unseen].mean() > 0.95
    # Without characters, every unseen word is the same unknown id.
    blind = RNNTagger(**settings, char_features=False).fit(X, y)
    assert (flat(blind.predict(Xt)) == truth)[unseen].mean() < 0.8


def test_unseen_words_map_to_the_unknown_id(fitted_words):
    tagger = RNNTagger(**FAST, char_features=False).fit(*pos_task(n=12))
    assert tagger.char_vocabulary_ is None
    assert min(tagger.vocabulary_.values()) == 2
    assert tagger.vocab_size_ == len(tagger.vocabulary_) + 2
    new = [["the", "zebra", "runs"], ["the", "qwerty", "runs"], ["never", "seen"]]
    pred = tagger.predict(new)
    assert [len(p) for p in pred] == [3, 3, 2]
    assert all(set(p) <= set(tagger.classes_) for p in pred)
    # Without characters, every unknown word is the same unknown id.
    proba = tagger.predict_proba(new)
    np.testing.assert_array_equal(proba[0], proba[1])
    # With characters (the default for words), their spelling tells them apart.
    assert fitted_words.char_vocabulary_ is not None
    proba = fitted_words.predict_proba(new)
    assert not np.array_equal(proba[0], proba[1])
    # Unknown characters too.
    assert len(fitted_words.predict([["ÿ€ж", "the"]])[0]) == 2


def test_empty_sentences_get_no_labels(fitted_words):
    pred = fitted_words.predict([["the", "dog"], [], ["a"]])
    assert [len(p) for p in pred] == [2, 0, 1]
    assert fitted_words.predict_proba([[], ["a"]])[0].shape == (0, 5)
    # A batch of empty sentences only is still sentences of words.
    assert [len(p) for p in fitted_words.predict([[], []])] == [0, 0]


# --------------------------------------------------------------------------------------
# Early stopping on a validation set
# --------------------------------------------------------------------------------------


def test_early_stopping_on_a_given_validation_set():
    X, y = pos_task(n=24)
    X_val, y_val = pos_task(n=8, seed=5)
    tagger = RNNTagger(**dict(FAST, max_iter=4)).fit(X, y, X_val=X_val, y_val=y_val)
    assert len(tagger.validation_loss_curve_) == tagger.n_iter_ == 4
    assert len(tagger.validation_scores_) == 4
    assert tagger.best_loss_ is None
    assert 0.0 <= tagger.best_validation_score_ <= 1.0
    assert tagger.best_validation_score_ in tagger.validation_scores_
    # The weights kept are those of the best epoch: its score is the per-step
    # accuracy on the validation set.
    kept = int(np.argmin(tagger.validation_loss_curve_))
    assert tagger.best_validation_score_ == tagger.validation_scores_[kept]
    assert tagger.score(X_val, y_val) == pytest.approx(tagger.best_validation_score_)
    # Validation weights (per sequence) change the validation loss, not training.
    w_val = np.r_[np.ones(4), np.zeros(4) + 0.1]
    weighted = RNNTagger(**dict(FAST, max_iter=4)).fit(
        X, y, X_val=X_val, y_val=y_val, sample_weight_val=w_val
    )
    assert weighted.loss_curve_ == tagger.loss_curve_
    assert weighted.validation_loss_curve_ != tagger.validation_loss_curve_


def test_verbose_prints_the_validation_loss(words_data, capsys):
    X, y = words_data
    RNNTagger(**FAST, verbose=1).fit(X, y, X_val=X[:4], y_val=y[:4])
    out = capsys.readouterr().out
    assert "valid_loss" in out and "train_loss" in out
    RNNTagger(**FAST).fit(X, y)
    assert capsys.readouterr().out == ""


def test_early_stopping_on_a_split_of_the_training_set():
    X, y = pos_task(n=30)
    tagger = RNNTagger(
        **dict(FAST, max_iter=3), early_stopping=True, validation_fraction=0.2
    ).fit(X, y)
    assert len(tagger.validation_scores_) == tagger.n_iter_ == 3
    assert all(0.0 <= s <= 1.0 for s in tagger.validation_scores_)
    assert 0.0 <= tagger.best_validation_score_ <= 1.0
    # Without it ("auto" on a small set): no validation.
    plain = RNNTagger(**dict(FAST, max_iter=3)).fit(X, y)
    assert plain.validation_scores_ is None and plain.best_loss_ is not None


# --------------------------------------------------------------------------------------
# Continuation, reproducibility, pickling, cloning
# --------------------------------------------------------------------------------------


def test_warm_start_continues_the_network(words_data):
    X, y = words_data
    tagger = RNNTagger(**FAST, warm_start=True).fit(X, y)
    net, vocabulary = tagger.net_, dict(tagger.vocabulary_)
    first = tagger.predict_proba(X)
    tagger.fit([*X, ["the", "newword", "runs"]], [*y, ["DET", "NOUN", "VERB"]])
    assert tagger.net_ is net
    assert tagger.n_iter_ == 4 and len(tagger.loss_curve_) == 4
    assert tagger.vocabulary_ == vocabulary  # fixed by the first fit
    again = tagger.predict_proba(X)
    assert not all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    # Without warm_start, a new network.
    tagger.set_params(warm_start=False).fit(X, y)
    assert tagger.net_ is not net and tagger.n_iter_ == 2


def test_partial_fit(words_data):
    X, y = words_data
    tagger = RNNTagger(**FAST)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        tagger.partial_fit(X, y)
    classes = ["ADJ", "ADV", "DET", "NOUN", "PRON", "VERB"]
    tagger.partial_fit(X, y, classes=classes)
    assert tagger.n_iter_ == 1
    assert tagger.classes_.tolist() == classes
    assert tagger.predict_proba(X[:1])[0].shape == (len(X[0]), 6)
    net = tagger.net_
    tagger.partial_fit(X, y)
    assert tagger.n_iter_ == 2 and tagger.net_ is net
    with pytest.raises(ValueError, match="is not the same as on the first call"):
        tagger.partial_fit(X, y, classes=["DET", "NOUN"])
    y_bad = copy.deepcopy(y)
    y_bad[0][0] = "X"
    with pytest.raises(ValueError, match=r"labels \['X'\] that are not in classes_"):
        tagger.partial_fit(X, y_bad)


def test_random_state_reproducibility(words_data):
    X, y = words_data
    settings = dict(FAST, dropout=0.5, word_dropout=1.0)
    a = RNNTagger(**settings).fit(X, y)
    b = RNNTagger(**settings).fit(X, y)
    assert a.loss_curve_ == b.loss_curve_
    assert_proba_equal(a.predict_proba(X), b.predict_proba(X))
    c = RNNTagger(**dict(settings, random_state=1)).fit(X, y)
    assert a.loss_curve_ != c.loss_curve_


def test_pickle_round_trip(fitted_words, words_data):
    X, _ = words_data
    X = [*X, ["zebra", "Runs", "!"]]
    restored = pickle.loads(pickle.dumps(fitted_words))
    assert restored.vocabulary_ == fitted_words.vocabulary_
    assert restored.char_vocabulary_ == fitted_words.char_vocabulary_
    np.testing.assert_array_equal(restored.classes_, fitted_words.classes_)
    assert_proba_equal(restored.predict_proba(X), fitted_words.predict_proba(X))


def test_clone_get_and_set_params(fitted_words):
    params = fitted_words.get_params()
    for name in ("char_features", "word_dropout", "class_weight", "label_smoothing"):
        assert name in params
    fresh = clone(fitted_words)
    assert fresh.get_params() == params
    for name in ("net_", "classes_", "vocabulary_", "n_iter_"):
        assert not hasattr(fresh, name)
    fresh.set_params(hidden_size=4, char_features=False)
    assert fresh.hidden_size == 4 and fresh.char_features is False
    assert fitted_words.hidden_size == 8
    with pytest.raises(ValueError, match="Invalid parameter 'pooling'"):
        fresh.set_params(pooling="mean")


def test_label_smoothing_changes_the_fit(words_data):
    X, y = words_data
    plain = RNNTagger(**FAST).fit(X, y)
    smooth = RNNTagger(**FAST, label_smoothing=0.3).fit(X, y)
    assert smooth.loss_curve_[0] > plain.loss_curve_[0]


# --------------------------------------------------------------------------------------
# scikit-learn integration
# --------------------------------------------------------------------------------------


def test_pipeline_with_a_vectorizer_on_token_lists():
    X, y = pos_task(n=30)
    pipe = Pipeline(
        [("vec", SequenceVectorizer(lowercase=True)), ("tag", RNNTagger(**LEARN))]
    ).fit(X, y)
    assert pipe.named_steps["tag"].input_type_ == "tokens"
    pred = pipe.predict(X)
    assert [len(p) for p in pred] == [len(s) for s in X]
    assert pipe.score(X, y) > 0.95
    # lowercase=True: case changes nothing.
    shout = [[w.upper() for w in s] for s in X[:5]]
    assert_proba_equal(pipe.predict_proba(shout), pipe.predict_proba(X[:5]))


def test_cross_val_score_with_the_default_scorer():
    X, y = pos_task(n=12)
    tagger = RNNTagger(**FAST)
    scores = cross_val_score(tagger, X, y, cv=2)
    assert scores.shape == (2,)
    # Not a classifier, so cv=2 is an unshuffled KFold, scored by per-step accuracy.
    expected = []
    for train, test in KFold(2).split(X):
        fold = clone(tagger).fit([X[i] for i in train], [y[i] for i in train])
        expected.append(fold.score([X[i] for i in test], [y[i] for i in test]))
    np.testing.assert_array_equal(scores, expected)


def test_grid_search_with_a_step_scorer():
    X, y = pos_task(n=12)
    macro_f1 = make_step_scorer(f1_score, average="macro")
    search = GridSearchCV(
        RNNTagger(**FAST), {"hidden_size": [4, 8]}, scoring=macro_f1, cv=2
    ).fit(X, y)
    assert search.best_params_["hidden_size"] in (4, 8)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_
    expected = f1_score(flat(y), flat(best.predict(X)), average="macro")
    assert macro_f1(best, X, y) == expected


def test_sequence_level_scorer():
    X, y = pos_task(n=12)
    tagger = RNNTagger(**FAST).fit(X, y)
    scorer = make_scorer(sequence_accuracy_score)
    assert scorer(tagger, X, y) == sequence_accuracy_score(y, tagger.predict(X))
    scores = cross_val_score(RNNTagger(**FAST), X, y, cv=2, scoring=scorer)
    assert scores.shape == (2,) and np.all((scores >= 0) & (scores <= 1))

    def error_rate(t, p):
        return float(np.mean(t != p))

    loss = make_step_scorer(error_rate, greater_is_better=False)
    assert loss(tagger, X, y) == pytest.approx(tagger.score(X, y) - 1.0)


def test_a_truncating_vectorizer_is_refused_at_fit():
    X, y = pos_task(n=12)
    assert max(len(s) for s in X) > 3
    pipe = Pipeline(
        [("vec", SequenceVectorizer(max_length=3)), ("tag", RNNTagger(**FAST))]
    )
    with pytest.raises(ValueError, match=r"Sequence \d+ of X has 3 steps but y.*max"):
        pipe.fit(X, y)


def test_an_untruncated_vectorizer_keeps_every_token_at_predict():
    X, y = pos_task(n=12)
    longest = max(len(s) for s in X)
    pipe = Pipeline(
        [("vec", SequenceVectorizer(max_length=None)), ("tag", RNNTagger(**FAST))]
    ).fit(X, y)
    long_sentence = ["the"] + ["big"] * (longest + 5) + ["dog", "unseen", "runs"]
    pred = pipe.predict([long_sentence, ["a", "cat"]])
    assert [len(p) for p in pred] == [len(long_sentence), 2]


# --------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------


def test_step_and_sequence_accuracy():
    y_true = [["A", "B"], ["A"], ["B", "B", "B"]]
    y_pred = [["A", "A"], ["A"], ["B", "B", "B"]]
    assert step_accuracy_score(y_true, y_pred) == pytest.approx(5 / 6)
    # A sequence's weight goes to each of its steps.
    w = [1, 2, 0]
    assert step_accuracy_score(y_true, y_pred, sample_weight=w) == pytest.approx(3 / 4)
    assert sequence_accuracy_score(y_true, y_pred) == pytest.approx(2 / 3)
    assert sequence_accuracy_score(y_true, y_pred, sample_weight=[3, 1, 0]) == 0.25
    arrays = [np.array(s) for s in y_pred]
    assert step_accuracy_score(y_true, arrays) == pytest.approx(5 / 6)
    macro = make_step_scorer(f1_score, average="macro")._score_func
    assert macro(y_true, y_pred, step_score_func=f1_score, average="macro") == (
        f1_score(flat(y_true), flat(y_pred), average="macro")
    )


@pytest.mark.parametrize("metric", [step_accuracy_score, sequence_accuracy_score])
def test_misaligned_labels_are_an_error(metric):
    match = "Sequence 1 has 1 true labels but 2 predicted"
    with pytest.raises(ValueError, match=match):
        metric([["A"], ["B"]], [["A"], ["B", "B"]])
    with pytest.raises(ValueError, match="y_true has 2 sequences but y_pred has 1"):
        metric([["A"], ["B"]], [["A"]])


# --------------------------------------------------------------------------------------
# Inputs are not mutated
# --------------------------------------------------------------------------------------


def test_inputs_are_not_mutated():
    X, y = pos_task(n=12)
    y = [np.array(s) for s in y[:6]] + y[6:]
    X_val, y_val = pos_task(n=4, seed=3)
    w = np.arange(1.0, 13.0)
    before = copy.deepcopy((X, y, X_val, y_val, w))
    tagger = RNNTagger(**FAST).fit(X, y, sample_weight=w, X_val=X_val, y_val=y_val)
    tagger.predict(X)
    tagger.predict_proba(X_val)
    tagger.score(X, y, sample_weight=w)
    after = (X, y, X_val, y_val, w)
    assert after[0] == before[0] and after[2] == before[2] and after[3] == before[3]
    for a, b in zip(after[1], before[1], strict=True):
        np.testing.assert_array_equal(a, b)
        assert type(a) is type(b)
    np.testing.assert_array_equal(after[4], before[4])
    Xn, yn = numeric(n=8)
    padded = nan_pad(Xn)
    before = copy.deepcopy((Xn, yn, padded))
    RNNTagger(**FAST).fit(Xn, yn).predict(padded)
    for a, b in zip(Xn + yn, before[0] + before[1], strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(padded, before[2])
