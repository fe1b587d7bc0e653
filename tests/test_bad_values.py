"""Values that used to slip through: a clear error, or a model that means them.

Class weights, magnitudes beyond float32, token ids that would make a huge
embedding table, networks too big for memory, complex numbers, dates, masked
arrays, text in arrays, and tokenizers that return no tokens.
"""

import numpy as np
import pandas as pd
import pytest
from _helpers import sign_task

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceVectorizer, _network

FAST = dict(hidden_size=8, max_iter=3, random_state=0, device="cpu")
PLAIN = dict(FAST, front_end="none", max_iter=10)


@pytest.fixture
def task():
    X, signal = sign_task(n=40)
    return X, (signal > 0).astype(int)


# --------------------------------------------------------------------------------------
# class_weight
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1.0, np.inf, -np.inf, np.nan])
def test_class_weight_values_must_be_finite_and_non_negative(task, bad):
    X, y = task
    with pytest.raises(ValueError, match=r"class_weight\[0\] is .*finite and >= 0"):
        RNNClassifier(**FAST, class_weight={0: bad, 1: 1.0}).fit(X, y)


@pytest.mark.parametrize("bad", ["heavy", None, True])
def test_class_weight_values_must_be_numbers(task, bad):
    X, y = task
    with pytest.raises(TypeError, match=r"class_weight\[1\] is .*must be numbers"):
        RNNClassifier(**FAST, class_weight={0: 1.0, 1: bad}).fit(X, y)


def test_class_weights_of_zero_for_every_sample_name_class_weight(task):
    X, y = task
    with pytest.raises(ValueError, match=r"class_weight=.*weight of 0"):
        RNNClassifier(**FAST, class_weight={0: 0, 1: 0}).fit(X, y)
    # Zero for the only class present in y (with sample weights) is the same.
    weights = np.where(y == 0, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"class_weight=.*weight of 0"):
        RNNClassifier(**FAST, class_weight={0: 0}).fit(X, y, sample_weight=weights)


def test_an_unknown_class_key_is_an_error_as_in_compute_class_weight(task):
    X, y = task
    with pytest.raises(ValueError, match=r"keys \['1'\] that are not classes"):
        RNNClassifier(**FAST, class_weight={0: 2.0, "1": 1.0}).fit(X, y)


def test_an_extra_key_is_fine_when_every_class_has_a_weight(task):
    # One dict for all folds of a cross-validation, some of which lack a class.
    X, y = task
    a = RNNClassifier(**FAST, class_weight={0: 2.0, 1: 1.0, 7: 5.0}).fit(X, y)
    b = RNNClassifier(**FAST, class_weight={0: 2.0, 1: 1.0}).fit(X, y)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-6)


def test_huge_class_weights_train_as_their_ratios(task):
    X, y = task
    huge = RNNClassifier(**FAST, class_weight={0: 1e300, 1: 3e300}).fit(X, y)
    ratio = RNNClassifier(**FAST, class_weight={0: 1.0, 1: 3.0}).fit(X, y)
    assert np.isfinite(huge.predict_proba(X)).all()
    np.testing.assert_allclose(huge.predict_proba(X), ratio.predict_proba(X), atol=1e-6)


# --------------------------------------------------------------------------------------
# Magnitudes beyond float32
# --------------------------------------------------------------------------------------


def test_targets_beyond_float32_are_predicted_at_their_scale():
    X, signal = sign_task(n=40)
    y = signal.astype(np.float64)
    small = RNNRegressor(**PLAIN).fit(X, y).predict(X)
    huge = RNNRegressor(**PLAIN).fit(X, y * 1e300).predict(X)
    assert np.isfinite(huge).all()
    np.testing.assert_allclose(huge / 1e300, small, rtol=1e-6, atol=1e-9)


def test_sample_weights_beyond_float32_train_as_their_ratios(task):
    X, y = task
    weights = np.where(np.arange(len(y)) < 10, 4.0, 1.0)
    huge = RNNClassifier(**FAST).fit(X, y, sample_weight=weights * 1e300)
    plain = RNNClassifier(**FAST).fit(X, y, sample_weight=weights)
    assert np.isfinite(huge.predict_proba(X)).all()
    np.testing.assert_allclose(huge.predict_proba(X), plain.predict_proba(X), atol=1e-6)


def test_finite_values_beyond_float32_in_X_are_not_called_infinity(task):
    X, y = task
    with pytest.raises(ValueError, match="beyond the float32 range"):
        RNNClassifier(**FAST).fit(X.astype(np.float64) * 1e300, y)
    ragged = [x.astype(np.float64) * 1e300 for x in X]
    with pytest.raises(ValueError, match="beyond the float32 range"):
        RNNClassifier(**FAST).fit(ragged, y)
    with pytest.raises(ValueError, match="contains infinity"):
        RNNClassifier(**FAST).fit(np.where(X > 2, np.inf, X), y)


# --------------------------------------------------------------------------------------
# Token ids and the size of the network
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("big", [2**31 - 1, 10**7, 2**40, 3 * 10**9])
def test_one_huge_token_id_is_refused_before_any_allocation(big):
    X = np.array([[2, 3, big], [4, 5, 0], [2, 2, 2], [3, 3, 0]])
    with pytest.raises(ValueError, match=r"Renumber the ids to 0\.\.V-1"):
        RNNClassifier(**FAST, embedding_dim=2).fit(X, [0, 1, 0, 1])


def test_float_token_ids_beyond_int64_are_refused():
    X = np.array([[1e20, 3.0], [2.0, 4.0]])
    with pytest.raises(ValueError, match="below 2\\*\\*63"):
        RNNClassifier(**FAST, input_type="tokens").fit(X, [0, 1])


def test_uint64_token_ids_beyond_int64_are_refused():
    # Compared exactly (as uint64): numpy < 2 compares uint64 with int64's maximum
    # through float64, where 2**63 + 5 is not above it.
    X = np.array([[2**63 + 5, 3], [2, 4]], dtype=np.uint64)
    with pytest.raises(ValueError, match="below 2\\*\\*63"):
        RNNClassifier(**FAST).fit(X, [0, 1])


def test_a_large_vocabulary_in_use_is_accepted():
    # Ids up to 2**20 pass whatever their density (the rule is about sparse ids).
    X = np.array([[2, 3, 2**20 - 1], [4, 5, 0]])
    clf = RNNClassifier(**{**FAST, "max_iter": 1}, embedding_dim=2).fit(X, [0, 1])
    assert clf.vocab_size_ == 2**20


@pytest.mark.parametrize(
    ("params", "named"),
    [
        (dict(hidden_size=10**6), "hidden_size=1000000"),
        (dict(embedding_dim=10**9), "embedding_dim"),
    ],
)
def test_a_network_too_big_for_memory_is_refused_naming_the_parameter(params, named):
    X = np.array([[2, 3], [4, 5], [2, 2], [3, 3]])
    with pytest.raises(ValueError, match=f"GiB to train.*{named}"):
        RNNClassifier(**{**FAST, **params}).fit(X, [0, 1, 0, 1])


def test_a_front_end_too_big_for_memory_is_refused(task):
    X, y = task
    with pytest.raises(ValueError, match="conv_filters=\\(1000000, 1000000\\)"):
        RNNClassifier(
            **FAST, conv_filters=(10**6, 10**6), conv_kernel_sizes=(8, 5)
        ).fit(X, y)


def test_running_out_of_memory_is_a_memory_error_that_says_what_to_lower(
    task, monkeypatch
):
    X, y = task
    clf = RNNClassifier(**FAST).fit(X, y)

    def no_memory(self, X, lengths):
        raise RuntimeError(
            "[enforce fail at alloc_cpu.cpp:121] data. DefaultCPUAllocator: can't "
            "allocate memory: you tried to allocate 1099511627776 bytes."
        )

    monkeypatch.setattr(_network.SequenceNetwork, "forward", no_memory)
    with pytest.raises(MemoryError, match=r"Prediction ran out of memory.*batch_size"):
        clf.predict(X)
    with pytest.raises(MemoryError, match="Training ran out of memory"):
        RNNClassifier(**FAST).fit(X, y)


def test_other_runtime_errors_are_not_called_memory_errors(task, monkeypatch):
    X, y = task
    clf = RNNClassifier(**FAST).fit(X, y)

    def broken(self, X, lengths):
        raise RuntimeError("something else")

    monkeypatch.setattr(_network.SequenceNetwork, "forward", broken)
    with pytest.raises(RuntimeError, match="something else"):
        clf.predict(X)


# --------------------------------------------------------------------------------------
# Inputs that would be misread
# --------------------------------------------------------------------------------------


def test_complex_ragged_sequences_are_refused(task):
    X, y = task
    ragged = [x[: 3 + i % 3] + 1j for i, x in enumerate(X)]  # lengths 3-5
    with pytest.raises(ValueError, match="Complex data not supported"):
        RNNClassifier(**FAST).fit(ragged, y)
    with pytest.raises(ValueError, match="Complex data not supported"):
        RNNClassifier(**FAST).fit([x[:, 0] for x in ragged], y)


@pytest.mark.parametrize(
    "container",
    [np.array, pd.Series, lambda d: pd.Series(d, dtype="string"), tuple],
    ids=["ndarray", "series", "string-series", "tuple"],
)
def test_text_in_any_container_gets_the_vectorizer_advice(container):
    docs = container(["a fine day", "rain again", "sun", "more rain"])
    with pytest.raises(TypeError, match="SequenceVectorizer"):
        RNNClassifier(**FAST).fit(docs, [0, 1, 0, 1])


def test_dates_are_refused_not_read_as_days_since_the_epoch():
    days = np.arange("2020-01-01", "2020-01-25", dtype="datetime64[D]").reshape(4, 6)
    with pytest.raises(TypeError, match="dates or durations"):
        RNNRegressor(**FAST).fit(days, [0.0, 1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="dates or durations"):
        RNNRegressor(**FAST).fit(list(days), [0.0, 1.0, 2.0, 3.0])
    frame = pd.DataFrame({"t": pd.to_datetime(["2020-01-01", "2020-02-01"])})
    with pytest.raises(TypeError, match="dates or durations"):
        RNNRegressor(**FAST).fit(frame, [0.0, 1.0])


def test_masked_arrays_are_refused_rather_than_losing_their_mask(task):
    X, y = task
    masked = np.ma.masked_array(X, mask=np.zeros_like(X, dtype=bool))
    masked.mask[:, -2:] = True
    with pytest.raises(TypeError, match=r"masked array.*filled\(np.nan\)"):
        RNNClassifier(**FAST).fit(masked, y)
    with pytest.raises(TypeError, match="masked array"):
        RNNClassifier(**FAST).fit(list(masked), y)
    # The suggested form works, and reads the masked steps as padding.
    clf = RNNClassifier(**FAST).fit(masked.filled(np.nan), y)
    assert clf.n_features_in_ == X.shape[2]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        (dict(tokenizer=lambda doc: 3), "tokenizer.*returned int 3"),
        (dict(tokenizer=lambda doc: doc.upper()), "tokenizer.*returned str"),
        (dict(analyzer=lambda doc: None), "analyzer.*returned NoneType"),
    ],
)
def test_a_tokenizer_that_returns_no_tokens_is_named(params, named):
    with pytest.raises(TypeError, match=named):
        SequenceVectorizer(**params).fit(["a b", "c d"])


def test_a_tokenizer_may_return_any_iterable():
    ids = SequenceVectorizer(tokenizer=lambda doc: iter(doc.split())).fit_transform(
        ["a b", "b c"]
    )
    assert ids.shape == (2, 2) and (ids > 1).all()


def test_nothing_passed_in_is_changed_by_the_new_checks(task):
    X, y = task
    X64 = X.astype(np.float64)
    before = X64.copy()
    weights = np.full(len(y), 1e300)
    RNNClassifier(**FAST, class_weight={0: 1e300, 1: 1.0}).fit(
        X64, y, sample_weight=weights
    )
    np.testing.assert_array_equal(X64, before)
    assert (weights == 1e300).all()


# --------------------------------------------------------------------------------------
# A fit that fails leaves the estimator as it was
# --------------------------------------------------------------------------------------


def test_a_failed_first_fit_leaves_no_fitted_attribute(task):
    from sklearn.exceptions import NotFittedError

    X, _ = task
    model = RNNClassifier(**FAST)
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X, np.r_[np.zeros(len(X) - 1), np.nan])
    assert not [k for k in vars(model) if k.endswith("_")]
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_a_failed_refit_keeps_the_previous_model():
    """New text whose targets are refused must not replace the vocabulary that
    the fitted network reads (the network would then read other ids)."""
    from sklearn_rnn import RNNSeq2Seq

    model = RNNSeq2Seq(hidden_size=8, max_iter=2, random_state=0, device="cpu")
    model.fit(["ab", "ba", "aab"] * 4, ["a", "b", "aa"] * 4)
    before = {k: v for k, v in vars(model).items() if k.endswith("_")}
    predicted = model.predict(["ab", "ba"])
    with pytest.raises(ValueError, match="no symbols"):
        model.fit(["xyz", "zyx"], ["", ""])
    assert model.vocabulary_ == before["vocabulary_"]
    assert model.net_ is before["net_"]
    assert model.predict(["ab", "ba"]) == predicted
