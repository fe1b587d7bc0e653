"""SequenceVectorizer: raw text to padded token-id matrices."""

import copy
import pickle
import random
import re
import string
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import RNNClassifier, SequenceVectorizer

DOCS = [
    "The cat sat on the mat.",
    "A dog ate my homework!",
    "I think the cat and the dog are friends",
    "",
    "Dogs, cats & mice: the usual suspects",
    "the THE The tHe",
]

WORDS = re.compile(r"\w+")


def words(doc, lower=True):
    """The default analyzer's tokens, written independently."""
    return WORDS.findall(doc.lower() if lower else doc)


# --------------------------------------------------------------------------------------
# scikit-learn's checks and the API contract on string data
# --------------------------------------------------------------------------------------


@parametrize_with_checks([SequenceVectorizer()])
def test_sklearn_compatible_estimator(estimator, check):
    # Tagged for string input, so only the data-free checks run; the tests below
    # are the string-data versions of the others.
    check(estimator)


# scikit-learn 1.9 yields only check_estimator_cloneable above for a string-input
# estimator; its other data-free API checks are run here by name.
DATA_FREE_CHECKS = [
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_mixin_order",
    "check_do_not_raise_errors_in_init_or_set_params",
]


@pytest.mark.parametrize("check_name", DATA_FREE_CHECKS)
def test_sklearn_data_free_checks(check_name):
    check = getattr(estimator_checks, check_name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check("SequenceVectorizer", SequenceVectorizer())
        check("SequenceVectorizer", SequenceVectorizer(vocabulary=["a"], max_length=3))


def test_tags():
    tags = SequenceVectorizer().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array


def test_fit_returns_self():
    vec = SequenceVectorizer()
    assert vec.fit(DOCS) is vec
    assert vec.fit(DOCS, y=np.arange(len(DOCS))) is vec


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"max_length": 3},
        {"max_length": 3, "truncating": "pre", "padding": "pre"},
        {"max_features": 4, "min_df": 1},
        {"min_df": 2},
        {"vocabulary": ["cat", "dog", "the"]},
        {"vocabulary": ["cat", "dog", "the"], "max_length": 2},
        {"analyzer": "char", "max_length": 12},
        {"stop_words": "english", "dtype": np.int32},
    ],
)
def test_fit_transform_equals_fit_then_transform(params):
    one_pass = SequenceVectorizer(**params).fit_transform(DOCS)
    two_steps = SequenceVectorizer(**params).fit(DOCS).transform(DOCS)
    np.testing.assert_array_equal(one_pass, two_steps)
    assert one_pass.dtype == two_steps.dtype


def test_fit_transform_equals_fit_then_transform_across_blocks(monkeypatch):
    # Documents are processed in blocks; make several with a small block size.
    monkeypatch.setattr("sklearn_rnn._text._BLOCK", 4)
    docs = DOCS * 5 + ["café über", "日本語 テキスト"]
    one_pass = SequenceVectorizer(max_length=5).fit_transform(docs)
    vec = SequenceVectorizer(max_length=5).fit(docs)
    np.testing.assert_array_equal(one_pass, vec.transform(docs))
    monkeypatch.setattr("sklearn_rnn._text._BLOCK", 8192)
    reference = SequenceVectorizer(max_length=5).fit(docs)
    assert reference.vocabulary_ == vec.vocabulary_
    np.testing.assert_array_equal(one_pass, reference.transform(docs))


def test_fit_starts_from_scratch_and_is_idempotent():
    vec = SequenceVectorizer()
    first = vec.fit(DOCS).transform(DOCS)
    first_vocab = dict(vec.vocabulary_)
    again = vec.fit(DOCS).transform(DOCS)
    np.testing.assert_array_equal(first, again)
    assert vec.vocabulary_ == first_vocab
    # A fit on other text forgets the first (Keras's fit_on_texts accumulates).
    vec.fit(["zebra crossing"])
    assert vec.vocabulary_ == {"crossing": 2, "zebra": 3}
    assert vec.max_length_ == 2
    assert vec.vocabulary_ == SequenceVectorizer().fit(["zebra crossing"]).vocabulary_


def test_not_fitted_errors():
    vec = SequenceVectorizer()
    for method, arg in [
        ("transform", DOCS),
        ("inverse_transform", np.zeros((1, 2), dtype=int)),
        ("get_feature_names_out", None),
    ]:
        with pytest.raises(NotFittedError):
            getattr(vec, method)(*([] if arg is None else [arg]))
    # A fixed vocabulary still needs fit (which sets the sequence length).
    with pytest.raises(NotFittedError):
        SequenceVectorizer(vocabulary=["a"]).transform(["a"])


def test_parameters_and_inputs_are_not_mutated():
    vocabulary = {"the": 3, "cat": 2}
    stop_words = ["the", "a"]
    docs = list(DOCS)
    array = np.array(DOCS, dtype=object)
    vec = SequenceVectorizer(vocabulary=vocabulary, stop_words=stop_words)
    params = copy.deepcopy(vec.get_params())
    vec.fit_transform(docs)
    vec.fit(array).transform(array)
    assert vec.get_params() == params
    assert vocabulary == {"the": 3, "cat": 2}
    assert stop_words == ["the", "a"]
    assert docs == DOCS
    np.testing.assert_array_equal(array, np.array(DOCS, dtype=object))
    assert vec.vocabulary_ is not vocabulary


def test_pickle_round_trip():
    vec = SequenceVectorizer(max_length=6, padding="pre", stop_words=["a"]).fit(DOCS)
    restored = pickle.loads(pickle.dumps(vec))
    np.testing.assert_array_equal(restored.transform(DOCS), vec.transform(DOCS))
    assert restored.vocabulary_ == vec.vocabulary_
    assert restored.vocab_size_ == vec.vocab_size_
    assert restored.max_length_ == vec.max_length_
    assert restored.get_params() == vec.get_params()


def test_clone_is_unfitted_with_same_params():
    vec = SequenceVectorizer(max_length=4, vocabulary=["cat"]).fit(DOCS)
    cloned = clone(vec)
    assert cloned.get_params() == vec.get_params()
    assert not hasattr(cloned, "vocabulary_")


def test_list_tuple_array_and_series_inputs_agree():
    pd = pytest.importorskip("pandas")
    expected = SequenceVectorizer().fit_transform(DOCS)
    forms = [
        list(DOCS),
        tuple(DOCS),
        np.array(DOCS, dtype=object),
        np.array(DOCS),  # fixed-width unicode dtype
        pd.Series(DOCS),
        pd.Series(DOCS, dtype="string"),
        pd.Series(DOCS, index=np.arange(10, 10 + len(DOCS))),
    ]
    for X in forms:
        np.testing.assert_array_equal(SequenceVectorizer().fit_transform(X), expected)
        np.testing.assert_array_equal(
            SequenceVectorizer().fit(DOCS).transform(X), expected
        )
    # Any other iterable of strings too, e.g. a generator.
    generated = SequenceVectorizer().fit_transform(d for d in DOCS)
    np.testing.assert_array_equal(generated, expected)


def test_unicode_text():
    docs = [
        "Crème brûlée à la française",
        "naïve café, NAÏVE CAFÉ",
        "東京に行きました 日本語",
        "I ❤️ pizza 🍕🍕",
        "Ελληνικά \u039a\u0395\u0399\u039c\u0395\u039d\u039f",  # upper case
    ]
    vec = SequenceVectorizer()
    X = vec.fit_transform(docs)
    tokens = vec.inverse_transform(X)
    assert tokens == [words(d) for d in docs]
    assert tokens[1] == ["naïve", "café", "naïve", "café"]  # lowercased, not ASCII
    assert tokens[2] == ["東京に行きました", "日本語"]  # runs of word characters
    assert tokens[3] == ["i", "pizza"]  # emoji are not word characters
    assert tokens[4] == ["ελληνικά", "κειμενο"]
    # Characters keep emoji and CJK characters one by one.
    chars = SequenceVectorizer(analyzer="char").fit(docs)
    assert "🍕" in chars.vocabulary_ and "東" in chars.vocabulary_


def test_fast_ascii_path_matches_the_regular_expression():
    # ASCII documents skip the regular expression; the tokens must not change,
    # whatever the punctuation, control characters, digits or case.
    rng = random.Random(0)
    alphabet = string.printable + "\x00\x01\x1c\x1f\x7f_" + "éÉßİ"
    docs = [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        for _ in range(300)
    ]
    docs += ["".join(chr(i) for i in range(128))]
    assert any(d.isascii() for d in docs) and not all(d.isascii() for d in docs)
    for lowercase in (True, False):
        for pattern in (r"(?u)\b\w+\b", r"\w+"):
            vec = SequenceVectorizer(lowercase=lowercase, token_pattern=pattern)
            tokens = vec.inverse_transform(vec.fit_transform(docs))
            analyzer = vec.build_analyzer()
            assert tokens == [analyzer(d) for d in docs]
            assert tokens == [words(d, lower=lowercase) for d in docs]


def test_order_and_subset_invariance():
    docs = DOCS * 2 + ["another cat", "one more dog here"]
    X = SequenceVectorizer().fit_transform(docs)
    vocab = SequenceVectorizer().fit(docs).vocabulary_
    perm = np.random.default_rng(0).permutation(len(docs))
    shuffled = [docs[i] for i in perm]
    vec = SequenceVectorizer().fit(shuffled)
    assert vec.vocabulary_ == vocab
    assert list(vec.vocabulary_.items()) == list(vocab.items())  # same order too
    np.testing.assert_array_equal(vec.transform(shuffled), X[perm])
    fitted = SequenceVectorizer().fit(docs)
    subset = [1, 4, 6, 7]
    np.testing.assert_array_equal(
        fitted.transform([docs[i] for i in subset]), fitted.transform(docs)[subset]
    )
    np.testing.assert_array_equal(fitted.transform(docs[:1]), X[:1])


# --------------------------------------------------------------------------------------
# Vocabulary and reserved ids
# --------------------------------------------------------------------------------------


def test_ids_by_decreasing_document_frequency_then_alphabetical():
    docs = ["b a", "c a", "b a a a", "d"]
    vec = SequenceVectorizer().fit(docs)
    # a: 3 documents; b: 2; c, d: 1 (alphabetical among ties).
    assert vec.vocabulary_ == {"a": 2, "b": 3, "c": 4, "d": 5}
    # Document frequency, not counts: "z" occurs 5 times in one document.
    vec = SequenceVectorizer().fit(["z z z z z", "y", "y x"])
    assert vec.vocabulary_ == {"y": 2, "x": 3, "z": 4}


def test_reserved_ids():
    vec = SequenceVectorizer().fit(DOCS)
    ids = sorted(vec.vocabulary_.values())
    assert ids == list(range(2, len(ids) + 2))  # 0 and 1 never stand for a token
    X = vec.transform(["the unknownword cat", "zzz"])
    the, cat = vec.vocabulary_["the"], vec.vocabulary_["cat"]
    np.testing.assert_array_equal(X[0, :3], [the, 1, cat])
    np.testing.assert_array_equal(X[1, :1], [1])
    assert (X[:, 3:] == 0).all()


def test_vocab_size_is_max_id_plus_one_and_fits_an_embedding():
    vec = SequenceVectorizer().fit(DOCS)
    assert vec.vocab_size_ == max(vec.vocabulary_.values()) + 1
    assert vec.vocab_size_ == len(vec.vocabulary_) + 2
    X = vec.transform([*DOCS, "unknown words only"])
    assert X.max() < vec.vocab_size_
    embedding = torch.nn.Embedding(vec.vocab_size_, 3, padding_idx=0)
    out = embedding(torch.from_numpy(X))
    assert out.shape == (*X.shape, 3)


def test_empty_and_all_unknown_texts():
    vec = SequenceVectorizer(stop_words=["the"]).fit(DOCS)
    X = vec.transform(["", "   ", "?!,;", "the the", "qqq zzz"])
    assert X.shape == (5, vec.max_length_)
    # No token: an all-zero row (an empty sequence for the estimators).
    assert (X[:4] == 0).all()
    # Only unknown tokens: out-of-vocabulary ids, then padding.
    np.testing.assert_array_equal(X[4, :3], [1, 1, 0])
    # Fitting on text with empty documents works, and transform of [] too.
    assert SequenceVectorizer().fit_transform(["", "a b"]).tolist() == [[0, 0], [2, 3]]
    assert vec.transform([]).shape == (0, vec.max_length_)


def test_fit_on_text_without_tokens_raises():
    with pytest.raises(ValueError, match="empty vocabulary"):
        SequenceVectorizer().fit(["", "  ...  "])
    with pytest.raises(ValueError, match="0 documents"):
        SequenceVectorizer().fit([])


# --------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------


def test_single_string_raises_like_countvectorizer():
    msg = "Iterable over raw text documents expected, string object received."
    vec = SequenceVectorizer()
    for method in (vec.fit, vec.fit_transform):
        with pytest.raises(ValueError, match=msg):
            method("a single document")
    vec.fit(DOCS)
    with pytest.raises(ValueError, match=msg):
        vec.transform("a single document")
    with pytest.raises(ValueError, match=msg):
        vec.transform(b"bytes")


@pytest.mark.parametrize(
    "bad, match",
    [
        (None, "NoneType None.*fillna"),
        (float("nan"), "float nan.*fillna"),
        (3, "int 3"),
        (b"bytes", "bytes.*Decode bytes"),
        (["nested"], "list"),
    ],
)
def test_non_string_documents_raise(bad, match):
    docs = ["fine", bad, "also fine"]
    with pytest.raises(TypeError, match="document 1 is " + match):
        SequenceVectorizer().fit(docs)
    with pytest.raises(TypeError, match="document 1"):
        SequenceVectorizer().fit(DOCS).transform(docs)


def test_missing_values_in_a_series_raise():
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match="fillna"):
        SequenceVectorizer().fit(pd.Series(["a", pd.NA], dtype="string"))


def test_two_dimensional_input_raises():
    pd = pytest.importorskip("pandas")
    for X in (np.array([["a b"], ["c"]]), pd.DataFrame({"text": ["a b", "c"]})):
        with pytest.raises(ValueError, match=r"1D collection.*df\['text'\]"):
            SequenceVectorizer().fit(X)
    with pytest.raises(TypeError, match="dict"):
        SequenceVectorizer().fit({"a": "b"})
    with pytest.raises(TypeError, match="list, tuple"):
        SequenceVectorizer().fit(42)


def test_invalid_parameters_raise():
    for params in (
        {"padding": "middle"},
        {"truncating": "both"},
        {"max_length": 0},
        {"analyzer": "char_wb"},
        {"stop_words": "french"},
        {"min_df": -1},
        {"max_df": 1.5},
        {"max_features": 0},
        {"strip_accents": "latin"},
    ):
        with pytest.raises(InvalidParameterError):
            SequenceVectorizer(**params).fit(DOCS)


# --------------------------------------------------------------------------------------
# One test per parameter
# --------------------------------------------------------------------------------------


def tokens_of(vec, docs):
    return vec.inverse_transform(vec.fit_transform(docs))


def test_lowercase():
    docs = ["Hello HELLO hello"]
    assert tokens_of(SequenceVectorizer(), docs) == [["hello"] * 3]
    vec = SequenceVectorizer(lowercase=False)
    assert tokens_of(vec, docs) == [["Hello", "HELLO", "hello"]]
    assert len(vec.vocabulary_) == 3
    # Also on text the fast ASCII path does not take.
    assert tokens_of(SequenceVectorizer(lowercase=False), ["Éa É"]) == [["Éa", "É"]]


def test_strip_accents():
    docs = ["Café naïve ÅNGSTRÖM", "plain ascii"]
    assert tokens_of(SequenceVectorizer(), docs)[0] == ["café", "naïve", "ångström"]
    for option in ("ascii", "unicode"):
        vec = SequenceVectorizer(strip_accents=option)
        assert tokens_of(vec, docs) == [
            ["cafe", "naive", "angstrom"],
            ["plain", "ascii"],
        ]
    # "ascii" drops what has no ASCII form; "unicode" keeps it.
    ascii_ = SequenceVectorizer(strip_accents="ascii").fit(["x"])
    assert ascii_.inverse_transform(ascii_.transform(["ß日本 x"])) == [["x"]]
    uni = SequenceVectorizer(strip_accents="unicode").fit(["ß日本"])
    assert uni.inverse_transform(uni.transform(["ß日本"])) == [["ß日本"]]
    custom = SequenceVectorizer(strip_accents=lambda s: s.replace("é", "e"))
    assert tokens_of(custom, ["Été"]) == [["ete"]]  # lowercased first
    assert tokens_of(
        SequenceVectorizer(strip_accents="ascii", lowercase=False), ["Été"]
    ) == [["Ete"]]


def test_preprocessor_replaces_lowercase_and_accents():
    vec = SequenceVectorizer(preprocessor=lambda s: s.replace("-", ""), lowercase=True)
    assert tokens_of(vec, ["Co-Op e-Mail"]) == [["CoOp", "eMail"]]
    assert vec.build_preprocessor()("a-b") == "ab"
    assert SequenceVectorizer().build_preprocessor()("ÀB") == "àb"
    assert SequenceVectorizer(lowercase=False).build_preprocessor()("ÀB") == "ÀB"


def test_tokenizer():
    vec = SequenceVectorizer(tokenizer=str.split)
    assert tokens_of(vec, ["Don't stop-me now!"]) == [["don't", "stop-me", "now!"]]
    assert vec.build_tokenizer() is str.split
    # A tokenizer returning a tuple or a generator works too.
    gen = SequenceVectorizer(tokenizer=lambda s: (w for w in s.split()))
    assert tokens_of(gen, ["a b a"]) == [["a", "b", "a"]]


def test_token_pattern_keeps_one_character_tokens_by_default():
    assert tokens_of(SequenceVectorizer(), ["I am a cat"]) == [["i", "am", "a", "cat"]]
    two_plus = SequenceVectorizer(token_pattern=r"(?u)\b\w\w+\b")  # CountVectorizer's
    assert tokens_of(two_plus, ["I am a cat"]) == [["am", "cat"]]
    punct = SequenceVectorizer(token_pattern=r"\w+|[^\w\s]")
    assert tokens_of(punct, ["Hi, you!"]) == [["hi", ",", "you", "!"]]
    group = SequenceVectorizer(token_pattern=r"#(\w+)")
    assert tokens_of(group, ["#hash tags #here"]) == [["hash", "here"]]
    with pytest.raises(ValueError, match="More than 1 capturing group"):
        SequenceVectorizer(token_pattern=r"(a)(b)").fit(DOCS)
    with pytest.raises(ValueError, match="not a valid regular expression"):
        SequenceVectorizer(token_pattern=r"(unclosed").fit(DOCS)
    with pytest.raises(ValueError, match="needs a tokenizer"):
        SequenceVectorizer(token_pattern=None).fit(DOCS)
    ok = SequenceVectorizer(token_pattern=None, tokenizer=str.split)
    assert tokens_of(ok, ["a b"]) == [["a", "b"]]


def test_analyzer():
    docs = ["Ab  c", "cab"]
    assert tokens_of(SequenceVectorizer(analyzer="word"), docs) == [
        ["ab", "c"],
        ["cab"],
    ]
    # Characters, with runs of white space collapsed to one, as in CountVectorizer.
    chars = SequenceVectorizer(analyzer="char")
    assert tokens_of(chars, docs) == [["a", "b", " ", "c"], ["c", "a", "b"]]
    assert chars.build_analyzer()("X\n\t y") == ["x", " ", "y"]
    # A callable gets the raw document (no lowercasing) and may return any iterable.
    bigrams = SequenceVectorizer(
        analyzer=lambda s: zip(s.split(), s.split()[1:], strict=False)
    )
    assert tokens_of(bigrams, ["A b c"]) == [[("A", "b"), ("b", "c")]]
    with pytest.warns(UserWarning, match="'stop_words' will not be used"):
        SequenceVectorizer(analyzer="char", stop_words=["a"]).fit(docs)
    with pytest.warns(UserWarning, match="'tokenizer' will not be used"):
        SequenceVectorizer(analyzer=str.split, tokenizer=str.split).fit(docs)


def test_stop_words():
    docs = ["The cat is on the mat", "a dog"]
    vec = SequenceVectorizer(stop_words="english")
    assert tokens_of(vec, docs) == [["cat", "mat"], ["dog"]]
    assert vec.get_stop_words() is ENGLISH_STOP_WORDS
    assert not set(vec.vocabulary_) & ENGLISH_STOP_WORDS
    # Stop words are dropped (no position), not made out-of-vocabulary.
    assert vec.transform(["the cat"]).tolist()[0][:2] == [vec.vocabulary_["cat"], 0]
    for stop in (["the", "is", "on"], ("the", "is", "on"), {"the", "is", "on"}):
        vec = SequenceVectorizer(stop_words=stop)
        assert tokens_of(vec, docs) == [["cat", "mat"], ["a", "dog"]]
    # The built analyzer drops them too, and the default English list raises no
    # warning about its consistency with the default preprocessing.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        analyzer = SequenceVectorizer(stop_words="english").fit(docs).build_analyzer()
    assert analyzer("The cat") == ["cat"]
    with pytest.warns(UserWarning, match="stop_words may be inconsistent"):
        SequenceVectorizer(stop_words=["don't"]).fit(docs)


def test_max_features():
    docs = ["a b c d", "a b c", "a b", "a"]
    vec = SequenceVectorizer(max_features=2).fit(docs)
    assert vec.vocabulary_ == {"a": 2, "b": 3}
    assert vec.vocab_size_ == 4
    # Dropped tokens become out-of-vocabulary and keep their position.
    np.testing.assert_array_equal(vec.transform(["d c b a"]), [[1, 1, 3, 2]])
    assert SequenceVectorizer(max_features=10).fit(docs).vocab_size_ == 6


def test_min_df():
    docs = ["a b c", "a b", "a x", "y"]
    assert set(SequenceVectorizer(min_df=2).fit(docs).vocabulary_) == {"a", "b"}
    assert set(SequenceVectorizer(min_df=3).fit(docs).vocabulary_) == {"a"}
    # A float is a proportion of the documents: 0.5 * 4 = 2.
    assert set(SequenceVectorizer(min_df=0.5).fit(docs).vocabulary_) == {"a", "b"}
    vec = SequenceVectorizer(min_df=2)
    np.testing.assert_array_equal(vec.fit_transform(["a c", "a"]), [[2, 1], [2, 0]])
    with pytest.raises(ValueError, match="no terms remain"):
        SequenceVectorizer(min_df=4).fit(docs)


def test_max_df():
    docs = ["the a b", "the b", "the c", "d"]
    assert "the" not in SequenceVectorizer(max_df=2).fit(docs).vocabulary_
    assert set(SequenceVectorizer(max_df=2).fit(docs).vocabulary_) == {
        "a",
        "b",
        "c",
        "d",
    }
    assert set(SequenceVectorizer(max_df=1).fit(docs).vocabulary_) == {"a", "c", "d"}
    # A float is a proportion: 0.5 * 4 = 2 documents at most.
    assert set(SequenceVectorizer(max_df=0.5).fit(docs).vocabulary_) == {
        "a",
        "b",
        "c",
        "d",
    }
    assert "the" in SequenceVectorizer(max_df=0.75).fit(docs).vocabulary_
    np.testing.assert_array_equal(
        SequenceVectorizer(max_df=2).fit(docs).transform(["the b"]), [[1, 2, 0]]
    )
    with pytest.raises(ValueError, match="max_df corresponds to < documents"):
        SequenceVectorizer(max_df=1, min_df=2).fit(docs)


def test_vocabulary_fixed_as_list_or_dict():
    vec = SequenceVectorizer(vocabulary=["cat", "dog"]).fit(DOCS)
    assert vec.vocabulary_ == {"cat": 2, "dog": 3}
    assert vec.fixed_vocabulary_ and vec.vocab_size_ == 4
    assert vec.max_length_ == max(len(words(d)) for d in DOCS)
    np.testing.assert_array_equal(
        vec.transform(["dog eats cat"])[:, :4], [[3, 1, 2, 0]]
    )
    as_dict = SequenceVectorizer(vocabulary={"dog": 2, "cat": 3}).fit(DOCS)
    np.testing.assert_array_equal(as_dict.transform(["dog cat"])[0, :2], [2, 3])
    # A set is numbered in sorted order; min_df, max_df and max_features are ignored.
    fixed = SequenceVectorizer(vocabulary={"dog", "cat"}, min_df=3, max_features=1)
    assert fixed.fit(DOCS).vocabulary_ == {"cat": 2, "dog": 3}
    assert not SequenceVectorizer().fit(DOCS).fixed_vocabulary_
    import numpy as _np  # numpy integer ids are accepted

    ok = SequenceVectorizer(vocabulary={"a": _np.int64(2), "b": _np.int32(3)}).fit(DOCS)
    assert ok.vocabulary_ == {"a": 2, "b": 3}
    assert all(type(i) is int for i in ok.vocabulary_.values())


@pytest.mark.parametrize(
    "vocabulary, match",
    [
        ({"a": 0, "b": 2}, "must be >= 2.*0 is reserved for padding"),
        ({"a": 1}, "must be >= 2"),
        ({"a": 2, "b": 4}, "without gaps.*id 3 is missing"),
        ({"a": 2, "b": 2}, "repeated ids"),
        ({"a": "2"}, "must be integers"),
        ({"a": 2.0}, "must be integers"),
        ({"a": True}, "must be integers"),
        (["a", "b", "a"], "Duplicate token in vocabulary: 'a'"),
        ([], "vocabulary is empty"),
        ({}, "vocabulary is empty"),
        ("abc", "not a single string"),
    ],
)
def test_invalid_vocabulary_raises(vocabulary, match):
    with pytest.raises(ValueError, match=match):
        SequenceVectorizer(vocabulary=vocabulary).fit(DOCS)


def test_uppercase_vocabulary_warns_when_lowercasing():
    with pytest.warns(UserWarning, match="Upper case characters found in vocabulary"):
        SequenceVectorizer(vocabulary=["Cat"]).fit(DOCS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SequenceVectorizer(vocabulary=["Cat"], lowercase=False).fit(DOCS)


def test_max_length():
    docs = ["one", "one two three four", "one two"]
    vec = SequenceVectorizer().fit(docs)
    assert vec.max_length_ == 4
    assert vec.transform(["one two three four five six"]).shape == (1, 4)
    vec = SequenceVectorizer(max_length=2).fit(docs)
    assert vec.max_length_ == 2
    assert vec.transform(docs).shape == (3, 2)
    wide = SequenceVectorizer(max_length=7).fit(docs)
    X = wide.transform(docs)
    assert X.shape == (3, 7) and (X[:, 4:] == 0).all()
    # At least one column, even when every fitted document is short.
    assert SequenceVectorizer(vocabulary=["a"]).fit([""]).max_length_ == 1


def test_padding():
    docs = ["a b c", "a"]
    post = SequenceVectorizer(padding="post").fit_transform(docs)
    pre = SequenceVectorizer(padding="pre").fit_transform(docs)
    np.testing.assert_array_equal(post, [[2, 3, 4], [2, 0, 0]])
    np.testing.assert_array_equal(pre, [[2, 3, 4], [0, 0, 2]])
    vec = SequenceVectorizer(padding="pre").fit(docs)
    np.testing.assert_array_equal(vec.transform(["", "b c"]), [[0, 0, 0], [0, 3, 4]])


def test_truncating():
    docs = ["a b c d e"]
    post = SequenceVectorizer(max_length=3, truncating="post").fit(docs)
    pre = SequenceVectorizer(max_length=3, truncating="pre").fit(docs)
    ids = post.vocabulary_
    np.testing.assert_array_equal(post.transform(docs), [[ids[t] for t in "abc"]])
    np.testing.assert_array_equal(pre.transform(docs), [[ids[t] for t in "cde"]])
    assert pre.inverse_transform(pre.transform(docs)) == [["c", "d", "e"]]
    # The vocabulary is learned from whole documents, not the truncated parts.
    assert set(post.vocabulary_) == set("abcde")
    # Both sides combined, and in one pass.
    both = SequenceVectorizer(max_length=2, truncating="pre", padding="pre")
    np.testing.assert_array_equal(
        both.fit_transform(["a b c d e", "a"]), [[ids["d"], ids["e"]], [0, ids["a"]]]
    )


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint16, "int32"])
def test_dtype(dtype):
    vec = SequenceVectorizer(dtype=dtype).fit(DOCS)
    assert vec.transform(DOCS).dtype == np.dtype(dtype)
    assert vec.fit_transform(DOCS).dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, float, "U5", bool, None, "nonsense"])
def test_non_integer_dtype_raises(dtype):
    with pytest.raises(ValueError, match="dtype must be an integer type"):
        SequenceVectorizer(dtype=dtype).fit(DOCS)


def test_too_narrow_dtype_raises():
    docs = [f"w{i}" for i in range(300)]
    with pytest.raises(ValueError, match="cannot hold ids up to 301"):
        SequenceVectorizer(dtype=np.int8).fit(docs)
    assert (
        SequenceVectorizer(dtype=np.int8, max_features=100).fit(docs).vocab_size_ == 102
    )


# --------------------------------------------------------------------------------------
# inverse_transform, feature names, builders
# --------------------------------------------------------------------------------------


def test_inverse_transform_round_trip():
    vec = SequenceVectorizer().fit(DOCS)
    analyzer = vec.build_analyzer()
    assert vec.inverse_transform(vec.transform(DOCS)) == [analyzer(d) for d in DOCS]
    pre = SequenceVectorizer(padding="pre").fit(DOCS)
    assert pre.inverse_transform(pre.transform(DOCS)) == [analyzer(d) for d in DOCS]
    assert vec.inverse_transform(vec.transform(["cat xyzzy"])) == [["cat", "<unk>"]]
    # Lists of lists and float arrays of whole numbers are accepted.
    assert vec.inverse_transform([[vec.vocabulary_["cat"], 0]]) == [["cat"]]
    assert vec.inverse_transform(np.array([[2.0, 0.0]])) == [
        [next(t for t, i in vec.vocabulary_.items() if i == 2)]
    ]
    with pytest.raises(ValueError, match="ids outside"):
        vec.inverse_transform([[vec.vocab_size_]])
    with pytest.raises(ValueError, match="ids outside"):
        vec.inverse_transform([[-1]])
    with pytest.raises(ValueError, match="integer token ids"):
        vec.inverse_transform([[1.5]])


def test_get_feature_names_out():
    vec = SequenceVectorizer(max_length=3).fit(DOCS)
    names = vec.get_feature_names_out()
    assert names.tolist() == ["token_0", "token_1", "token_2"]
    assert names.dtype == object
    fitted = SequenceVectorizer().fit(DOCS)
    assert len(fitted.get_feature_names_out()) == fitted.max_length_


def test_set_output_pandas():
    pytest.importorskip("pandas")
    vec = SequenceVectorizer(max_length=3).set_output(transform="pandas")
    df = vec.fit(DOCS).transform(DOCS)
    assert list(df.columns) == ["token_0", "token_1", "token_2"]
    np.testing.assert_array_equal(df.to_numpy(), vec.fit_transform(DOCS).to_numpy())


def test_build_analyzer_is_a_picklable_callable():
    vec = SequenceVectorizer(stop_words=["the"], strip_accents="unicode")
    analyzer = pickle.loads(pickle.dumps(vec.build_analyzer()))
    assert analyzer("The Café is open") == ["cafe", "is", "open"]


# --------------------------------------------------------------------------------------
# End to end
# --------------------------------------------------------------------------------------


def test_pipeline_with_rnn_classifier_on_strings():
    docs = [
        "great movie",
        "awful film",
        "I loved it",
        "terrible plot",
        "",
        "great great fun",
        "bad, bad acting",
        "what a wonderful film",
    ]
    y = ["pos", "neg", "pos", "neg", "neg", "pos", "neg", "pos"]
    model = make_pipeline(
        SequenceVectorizer(),
        RNNClassifier(hidden_size=8, max_iter=5, random_state=0, device="cpu"),
    )
    model.fit(docs, y)
    pred = model.predict(["", "great film", "never seen words", "?!"])
    assert len(pred) == 4 and set(pred) <= {"pos", "neg"}
    vectorizer, clf = model
    assert clf.vocab_size_ <= vectorizer.vocab_size_
    proba = model.predict_proba(["", "zzz qqq"])
    assert np.isfinite(proba).all()
