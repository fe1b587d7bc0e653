"""SequenceVectorizer on pre-tokenised input: exactly one id per token, in order."""

import copy
import pickle
import re
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from sklearn_rnn import SequenceVectorizer

TEXTS = [
    "The cat sat on the mat.",
    "A dog ate my homework!",
    "I think the cat and the dog are friends",
    "",
    "Dogs, cats & mice: the usual suspects",
    "the THE The tHe",
]
WORDS = re.compile(r"\w+")
#: The same documents tokenised by hand (case kept: lowercasing is the vectorizer's).
TOKENS = [WORDS.findall(text) for text in TEXTS]


def object_array(items):
    """A 1D object array of ``items`` (np.array would make a 2D one of equal rows)."""
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


def tokens_back(vectorizer, docs):
    return vectorizer.inverse_transform(vectorizer.transform(docs))


# --------------------------------------------------------------------------------------
# One id per token
# --------------------------------------------------------------------------------------


def test_one_id_per_token_punctuation_spaces_and_empty_tokens():
    docs = [["Hello", ",", "New York", "", "!"], ["a  b", " ", "!", "!"], []]
    vec = SequenceVectorizer()
    ids = vec.fit_transform(docs)
    assert vec.pretokenized_ is True
    assert ids.shape == (3, 5)
    np.testing.assert_array_equal((ids != 0).sum(axis=1), [5, 4, 0])
    expected = [[t.lower() for t in doc] for doc in docs]
    assert vec.inverse_transform(ids) == expected
    # Each id is the vocabulary's id of that very token, position by position.
    for row, doc in zip(ids, expected, strict=True):
        assert row[: len(doc)].tolist() == [vec.vocabulary_[t] for t in doc]
    assert {"new york", "", "a  b", " ", ",", "!"} <= set(vec.vocabulary_)


def test_lowercase_is_applied_to_each_token():
    docs = [["The", "the", "THE", "Cat"]]
    lower = SequenceVectorizer().fit(docs)
    assert sorted(lower.vocabulary_) == ["cat", "the"]
    row = lower.transform(docs)[0].tolist()
    assert row[0] == row[1] == row[2] != row[3]
    kept = SequenceVectorizer(lowercase=False).fit(docs)
    assert sorted(kept.vocabulary_) == ["Cat", "THE", "The", "the"]
    assert len(set(kept.transform(docs)[0].tolist())) == 4


@pytest.mark.parametrize("strip", ["unicode", "ascii"])
def test_strip_accents_is_applied_to_each_token(strip):
    docs = [["Été", "café au lait", "naïve"]]
    vec = SequenceVectorizer(strip_accents=strip)
    assert vec.inverse_transform(vec.fit_transform(docs)) == [
        ["ete", "cafe au lait", "naive"]
    ]
    cased = SequenceVectorizer(strip_accents=strip, lowercase=False).fit(docs)
    assert tokens_back(cased, docs) == [["Ete", "cafe au lait", "naive"]]


def test_preprocessor_is_applied_to_each_token_and_keeps_one_token():
    vec = SequenceVectorizer(preprocessor=lambda t: f"<{t}> !", lowercase=True)
    assert tokens_back(vec.fit([["A", "b"]]), [["A", "b", "c"]]) == [
        ["<A> !", "<b> !", "<unk>"]  # the preprocessor replaces lowercasing
    ]
    emptied = SequenceVectorizer(preprocessor=lambda t: "").fit([["x", "y", "z"]])
    np.testing.assert_array_equal(emptied.transform([["q", "r"]]), [[2, 2, 0]])
    with pytest.raises(TypeError, match=r"preprocessor must return a str.*'y'.*1"):
        SequenceVectorizer(preprocessor=lambda t: None if t == "y" else t).fit(
            [["x", "y"]]
        )


def test_empty_token_lists_are_fine():
    vec = SequenceVectorizer()
    np.testing.assert_array_equal(vec.fit_transform([[], ["a"], []]), [[0], [2], [0]])
    with pytest.raises(ValueError, match="empty vocabulary"):
        SequenceVectorizer().fit([[], []])


# --------------------------------------------------------------------------------------
# The vocabulary is learned exactly as for text
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"min_df": 2},
        {"max_df": 0.4},
        {"max_features": 3},
        {"min_df": 2, "max_features": 2},
        {"vocabulary": ["cat", "dog", "the"]},
        {"vocabulary": {"dog": 3, "cat": 2}, "max_length": 4},
    ],
)
def test_vocabulary_and_ids_match_the_text_path(params):
    text = SequenceVectorizer(**params)
    tokens = SequenceVectorizer(**params)
    np.testing.assert_array_equal(
        tokens.fit_transform(TOKENS), text.fit_transform(TEXTS)
    )
    assert tokens.vocabulary_ == text.vocabulary_
    assert (tokens.vocab_size_, tokens.max_length_) == (
        text.vocab_size_,
        text.max_length_,
    )
    assert tokens.fixed_vocabulary_ == text.fixed_vocabulary_
    assert not text.pretokenized_ and tokens.pretokenized_
    np.testing.assert_array_equal(tokens.transform(TOKENS), text.transform(TEXTS))
    # fit then transform gives what fit_transform gave
    np.testing.assert_array_equal(
        SequenceVectorizer(**params).fit(TOKENS).transform(TOKENS),
        text.transform(TEXTS),
    )


def test_min_df_and_max_features_on_token_lists():
    docs = [["b", "a", "c"], ["a", "b"], ["a", "d", "d"]]
    vec = SequenceVectorizer(min_df=2).fit(docs)
    assert vec.vocabulary_ == {"a": 2, "b": 3}
    # Pruned tokens keep their positions as id 1.
    np.testing.assert_array_equal(
        vec.transform(docs), [[3, 2, 1], [2, 3, 0], [2, 1, 1]]
    )
    top = SequenceVectorizer(max_features=1).fit(docs)
    assert top.vocabulary_ == {"a": 2}
    # Document frequency, not counts: "d" twice in one document does not beat "b".
    assert SequenceVectorizer(max_features=2).fit(docs).vocabulary_ == {"a": 2, "b": 3}


def test_fixed_vocabulary_with_token_lists():
    vec = SequenceVectorizer(vocabulary=["cat", "dog", "!"]).fit([["ignored"]])
    assert vec.vocabulary_ == {"cat": 2, "dog": 3, "!": 4}
    assert vec.max_length_ == 1
    np.testing.assert_array_equal(
        vec.transform([["Dog", "eats", "CAT", "!"]]), [[3, 1, 2, 4]]
    )


def test_id_order_does_not_depend_on_document_order():
    docs = [["b", "a"], ["c", "b"], ["a", "b", "x"]]
    assert (
        SequenceVectorizer().fit(docs).vocabulary_
        == SequenceVectorizer().fit(docs[::-1]).vocabulary_
        == {"b": 2, "a": 3, "c": 4, "x": 5}
    )


# --------------------------------------------------------------------------------------
# Length, truncation, padding
# --------------------------------------------------------------------------------------


def test_no_truncation_with_max_length_none():
    vec = SequenceVectorizer().fit([["a", "b"], ["b"]])
    assert vec.max_length_ == 2
    long = [["a", "b", "c", "a", "b"], ["b"]]
    ids = vec.transform(long)
    assert ids.shape == (2, 5)  # the output widens: every token keeps its id
    np.testing.assert_array_equal(ids, [[3, 2, 1, 3, 2], [2, 0, 0, 0, 0]])
    # Short documents keep the fitted width.
    assert vec.transform([["a"]]).shape == (1, 2)
    assert vec.transform([]).shape == (0, 2)
    # get_feature_names_out still names max_length_ columns.
    assert vec.get_feature_names_out().tolist() == ["token_0", "token_1"]
    pre = SequenceVectorizer(padding="pre").fit([["a", "b"], ["b"]])
    np.testing.assert_array_equal(
        pre.transform(long), [[3, 2, 1, 3, 2], [0, 0, 0, 0, 2]]
    )


def test_no_truncation_across_blocks():
    # The longest document is past the first block of 8192: the width is known
    # before any block is written.
    vec = SequenceVectorizer().fit([["a"]])
    docs = [["a"]] * 9000 + [["a"] * 12]
    ids = vec.transform(docs)
    assert ids.shape == (9001, 12)
    assert (ids[-1] == 2).all() and (ids[:-1, 0] == 2).all()
    assert (ids[:-1, 1:] == 0).all()


@pytest.mark.parametrize(
    "truncating, kept", [("post", ["a", "b", "c"]), ("pre", ["c", "d", "e"])]
)
def test_truncation_with_explicit_max_length(truncating, kept):
    docs = [["a", "b", "c", "d", "e"], ["a"]]
    vec = SequenceVectorizer(max_length=3, truncating=truncating)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing extra is emitted
        ids = vec.fit_transform(docs)
        assert ids.shape == (2, 3)
        assert vec.inverse_transform(ids) == [kept, ["a"]]
        np.testing.assert_array_equal(vec.transform(docs), ids)
        assert vec.transform([["a"] * 10]).shape == (1, 3)


def test_padding_pre():
    vec = SequenceVectorizer(padding="pre")
    ids = vec.fit_transform([["x", "y", "z"], ["y"], []])
    v = vec.vocabulary_
    np.testing.assert_array_equal(
        ids, [[v["x"], v["y"], v["z"]], [0, 0, v["y"]], [0, 0, 0]]
    )
    both = SequenceVectorizer(max_length=2, padding="pre", truncating="pre")
    ids = both.fit_transform([["x", "y", "z"], ["y"]])
    v = both.vocabulary_
    np.testing.assert_array_equal(ids, [[v["y"], v["z"]], [0, v["y"]]])


def test_dtype_is_respected():
    ids = SequenceVectorizer(dtype=np.int32).fit_transform([["a", "b"], ["c"]])
    assert ids.dtype == np.int32


# --------------------------------------------------------------------------------------
# Input forms, errors and the fitted mode
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda docs: tuple(tuple(d) for d in docs), id="tuples"),
        pytest.param(lambda docs: object_array(docs), id="object-array-of-lists"),
        pytest.param(
            lambda docs: object_array([np.array(d, dtype=str) for d in docs]),
            id="object-array-of-str-arrays",
        ),
        pytest.param(
            lambda docs: [np.array(d, dtype=object) for d in docs],
            id="list-of-object-arrays",
        ),
        pytest.param(lambda docs: [tuple(d) for d in docs], id="list-of-tuples"),
    ],
)
def test_other_input_forms_give_the_same_output(make):
    docs = [["The", "cat"], ["a", "b"], ["Hi", "!", "x"]]  # two of equal length
    expected_vec = SequenceVectorizer(lowercase=False)
    expected = expected_vec.fit_transform(docs)
    vec = SequenceVectorizer(lowercase=False)
    np.testing.assert_array_equal(vec.fit_transform(make(docs)), expected)
    assert vec.vocabulary_ == expected_vec.vocabulary_
    assert all(type(t) is str for t in vec.vocabulary_)
    np.testing.assert_array_equal(vec.transform(make(docs)), expected)
    np.testing.assert_array_equal(
        SequenceVectorizer(max_length=2).fit(make(docs)).transform(make(docs)),
        SequenceVectorizer(max_length=2).fit(docs).transform(docs),
    )


def test_pandas_series_of_lists():
    pd = pytest.importorskip("pandas")
    docs = [["The", "cat"], ["Hi", "!", "x"]]
    series = pd.Series(docs, index=[10, 20])
    np.testing.assert_array_equal(
        SequenceVectorizer().fit_transform(series),
        SequenceVectorizer().fit_transform(docs),
    )


def test_two_dimensional_array_hints_at_token_lists():
    X = np.array([["a", "b"], ["c", "d"]], dtype=object)
    with pytest.raises(ValueError, match=r"1D collection.*Pre-tokenised"):
        SequenceVectorizer().fit(X)


@pytest.mark.parametrize(
    "docs, match",
    [
        (["a b", ["c"]], r"mixes text.*document 0 is str 'a b' but document 1 is list"),
        ([["c"], "a b"], r"mixes text.*document 0 is list.*document 1 is str"),
        ([["c"], ("d",), "a b"], r"document 0 is list.*document 2 is str"),
    ],
)
def test_mixing_text_and_token_lists_raises(docs, match):
    with pytest.raises(TypeError, match=match):
        SequenceVectorizer().fit(docs)
    with pytest.raises(TypeError, match="mixes"):
        SequenceVectorizer().fit([["ok"]]).transform(docs)


@pytest.mark.parametrize(
    "bad, match",
    [
        (3, "int 3"),
        (None, "NoneType None.*missing tokens"),
        (float("nan"), "float nan.*missing tokens"),
        (b"x", "bytes.*Decode"),
        (["nested"], "list"),
    ],
)
def test_non_str_token_raises_naming_document_and_position(bad, match):
    docs = [["fine"], ["a", "b", bad]]
    with pytest.raises(TypeError, match="document 1, position 2 is " + match):
        SequenceVectorizer().fit(docs)
    with pytest.raises(TypeError, match="document 1, position 2"):
        SequenceVectorizer().fit([["a"]]).transform(docs)
    with pytest.raises(TypeError, match="document 1, position 2"):
        SequenceVectorizer().fit(object_array(docs))


def test_non_sequence_document_among_token_lists_raises():
    with pytest.raises(TypeError, match=r"document 1 is NoneType None.*\[\]"):
        SequenceVectorizer().fit([["a"], None])
    with pytest.raises(TypeError, match=r"document 1 is set.*not a set"):
        SequenceVectorizer().fit([["a"], {"b"}])
    with pytest.raises(TypeError, match=r"document 1 is an array of shape \(1, 1\)"):
        SequenceVectorizer().fit([["a"], np.array([["b"]])])


@pytest.mark.parametrize("stop_words", ["english", ["the"], []])
def test_stop_words_raise(stop_words):
    with pytest.raises(ValueError, match=r"stop_words=.*per-token labels"):
        SequenceVectorizer(stop_words=stop_words).fit([["the", "cat"]])
    # A text fit still accepts them.
    SequenceVectorizer(stop_words=stop_words).fit(["the cat"])


@pytest.mark.parametrize("analyzer", ["char", str.split])
def test_analyzer_other_than_word_raises(analyzer):
    with pytest.raises(ValueError, match=r"pre-tokenised.*as strings"):
        SequenceVectorizer(analyzer=analyzer).fit([["ab", "c"]])
    vec = SequenceVectorizer().fit([["ab"]])
    vec.set_params(analyzer=analyzer)
    with pytest.raises(ValueError, match="analyzer"):
        vec.transform([["ab"]])


def test_transform_refuses_the_other_kind_of_input():
    tokens = SequenceVectorizer().fit([["a", "b"]])
    with pytest.raises(ValueError, match=r"fitted on pre-tokenised.*got text"):
        tokens.transform(["a b"])
    text = SequenceVectorizer().fit(["a b"])
    assert text.pretokenized_ is False
    with pytest.raises(ValueError, match=r"fitted on text documents \(str\).*got pre"):
        text.transform([["a", "b"]])
    # A refit changes the mode.
    assert text.fit([["a"]]).pretokenized_ is True
    np.testing.assert_array_equal(text.transform([["a"]]), [[2]])


def test_tokenizer_and_token_pattern_are_unused():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default token_pattern: no warning
        SequenceVectorizer().fit([["a"]])
        SequenceVectorizer(token_pattern=None).fit([["a"]])  # no tokenizer needed
    with pytest.warns(UserWarning, match="'tokenizer' will not be used"):
        vec = SequenceVectorizer(tokenizer=lambda s: list(s)).fit([["ab", "c d"]])
    assert tokens_back(vec, [["ab", "c d"]]) == [["ab", "c d"]]
    with pytest.warns(UserWarning, match="'token_pattern' will not be used"):
        vec = SequenceVectorizer(token_pattern=r"\w").fit([["ab", "c d"]])
    assert tokens_back(vec, [["ab", "c d"]]) == [["ab", "c d"]]


def test_input_is_not_mutated():
    docs = [["The", "Cat", "sat", "down"], ("Été", "!"), ["x"]]
    arrays = object_array([np.array(d, dtype=object) for d in docs])
    before, arrays_before = copy.deepcopy(docs), copy.deepcopy(arrays)
    for params in (
        {},
        {"lowercase": False},
        {"strip_accents": "unicode"},
        {"max_length": 2, "truncating": "pre"},
        {"max_length": 2, "lowercase": False},
        {"vocabulary": ["the", "cat"]},
    ):
        vec = SequenceVectorizer(**params)
        vec.fit_transform(docs)
        vec.fit(docs).transform(docs)
        vec.fit(arrays).transform(arrays)
        assert docs == before
        assert type(docs[1]) is tuple
        assert all(
            np.array_equal(a, b) for a, b in zip(arrays, arrays_before, strict=True)
        )


def test_pickle_and_clone_roundtrip():
    docs = [["The", "cat"], ["Hi", "!", "x"]]
    vec = SequenceVectorizer(min_df=1, padding="pre").fit(docs)
    longer = [["the", "cat", "sat", "on", "x"]]
    restored = pickle.loads(pickle.dumps(vec))
    assert restored.pretokenized_ is True
    assert restored.vocabulary_ == vec.vocabulary_
    np.testing.assert_array_equal(restored.transform(longer), vec.transform(longer))
    assert restored.transform(longer).shape == (1, 5)
    with pytest.raises(ValueError, match="fitted on pre-tokenised"):
        restored.transform(["the cat"])
    cloned = clone(vec)
    assert not hasattr(cloned, "pretokenized_")
    np.testing.assert_array_equal(cloned.fit_transform(docs), vec.transform(docs))
