"""Every input form the estimators accept, how it is validated, and padding invariance.

The models are tiny and barely trained: these tests check how inputs are read, not
how well the network learns (see ``test_estimators.py`` for that).
"""

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from _helpers import assert_same, nan_pad, ragged, token_data
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

# device="cpu": the exact-equality checks rely on CPU kernels (see _data.ROW_BLOCK).
FAST = dict(hidden_size=8, max_iter=3, random_state=0, device="cpu")
CELLS = ["lstm", "gru", "rnn_tanh", "rnn_relu"]
POOLINGS = ["last", "mean", "max", "attention"]


@pytest.fixture(scope="module")
def token_model():
    table, ids, y = token_data()
    return RNNClassifier(embedding_dim=8, **FAST).fit(table, y), table, ids


# --------------------------------------------------------------------------------------
# 1. 2D float arrays and equal-length nested lists
# --------------------------------------------------------------------------------------


def test_2d_float_is_univariate_with_timesteps_as_features():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 7))
    y = np.arange(20) % 2
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.input_type_ == "numeric"
    assert clf.n_features_in_ == 7
    assert clf.predict_proba(X).shape == (20, 2)
    # A 2D table is a set of one-channel series: the same fit as a (n, t, 1) array.
    same = RNNClassifier(**FAST).fit(X[:, :, None], y)
    assert same.n_features_in_ == 1
    np.testing.assert_array_equal(
        clf.predict_proba(X), same.predict_proba(X[:, :, None])
    )
    with pytest.raises(ValueError, match=r"X has 8 features.*expecting 7"):
        clf.predict(rng.normal(size=(3, 8)))
    with pytest.raises(ValueError, match=r"X has 6 features.*expecting 7"):
        clf.predict_proba(rng.normal(size=(3, 6)))


def test_equal_length_nested_lists_are_2d_input():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(16, 5))
    y = rng.normal(size=16)
    from_array = RNNRegressor(**FAST).fit(X, y)
    from_list = RNNRegressor(**FAST).fit(X.tolist(), y.tolist())
    assert from_list.n_features_in_ == 5
    np.testing.assert_array_equal(from_array.predict(X), from_list.predict(X.tolist()))
    # An equal-length list of 1D arrays is the same table.
    np.testing.assert_array_equal(from_list.predict(list(X)), from_array.predict(X))
    with pytest.raises(ValueError, match="expecting 5 features"):
        from_list.predict([[0.0, 1.0, 2.0]])


def test_dataframe_input_records_feature_names():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(12, 4)), columns=["t0", "t1", "t2", "t3"])
    clf = RNNClassifier(**FAST).fit(X, np.arange(12) % 2)
    assert list(clf.feature_names_in_) == ["t0", "t1", "t2", "t3"]
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = clf.predict_proba(X.to_numpy())
    np.testing.assert_array_equal(clf.predict_proba(X), from_array)
    # Refitting on 3D input forgets the column names.
    clf.fit(X.to_numpy()[:, :, None], np.arange(12) % 2)
    assert not hasattr(clf, "feature_names_in_")
    assert clf.n_features_in_ == 1


# --------------------------------------------------------------------------------------
# 2. 3D arrays
# --------------------------------------------------------------------------------------


def test_3d_features_are_channels_and_any_length_is_accepted():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 6, 3)).astype(np.float32)
    y = np.arange(20) % 2
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.n_features_in_ == 3
    assert clf.input_type_ == "numeric"
    for t in (1, 4, 15):
        proba = clf.predict_proba(rng.normal(size=(5, t, 3)))
        assert proba.shape == (5, 2)
        assert np.isfinite(proba).all()
    with pytest.raises(ValueError, match=r"X has 2 channels.*fitted with 3 channels"):
        clf.predict(rng.normal(size=(5, 6, 2)))


# --------------------------------------------------------------------------------------
# 3. Sequences of different lengths: ragged lists and NaN-padded 3D arrays
# --------------------------------------------------------------------------------------


def test_ragged_list_of_1d_arrays():
    seqs, y = ragged(channels=1)
    seqs_1d = [s[:, 0] for s in seqs]
    clf = RNNClassifier(**FAST).fit(seqs_1d, y)
    assert clf.n_features_in_ == 1
    assert clf.input_type_ == "numeric"
    # The same sequences as (t, 1) arrays and as a NaN-padded 3D array.
    expected = clf.predict_proba(seqs_1d)
    assert_same(clf.predict_proba(seqs), expected)
    assert_same(clf.predict_proba(nan_pad(seqs)), expected)
    # Plain nested lists of different lengths work too.
    assert_same(clf.predict_proba([s.tolist() for s in seqs_1d]), expected)


def test_ragged_list_of_2d_arrays():
    seqs, y = ragged(channels=3)
    clf = RNNRegressor(**FAST).fit(seqs, y.astype(float))
    assert clf.n_features_in_ == 3
    pred = clf.predict(seqs)
    assert pred.shape == (len(seqs),)
    assert_same(clf.predict(nan_pad(seqs)), pred)
    assert_same(clf.predict(tuple(seqs)), pred)


def test_ragged_list_of_torch_tensors():
    seqs, y = ragged()
    clf = RNNClassifier(**FAST).fit(seqs, y)
    tensors = [torch.from_numpy(s) for s in seqs]
    np.testing.assert_array_equal(clf.predict_proba(tensors), clf.predict_proba(seqs))


def test_nan_padded_3d_equals_ragged_list():
    seqs, y = ragged()
    X = nan_pad(seqs, width=12)
    clf = RNNClassifier(**FAST).fit(X, y)
    assert clf.n_features_in_ == 2
    expected = clf.predict_proba(seqs)
    assert_same(clf.predict_proba(X), expected)
    assert_same(clf.predict_proba(nan_pad(seqs, width=30)), expected)
    # Fitting on the list or on the padded array is the same fit.
    from_list = RNNClassifier(**FAST).fit(seqs, y)
    assert_same(from_list.predict_proba(seqs), expected)


def test_all_nan_row_is_an_empty_sequence_with_a_defined_output():
    seqs, y = ragged()
    clf = RNNClassifier(**FAST).fit(seqs, y)
    X = np.full((3, 5, 2), np.nan)
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    # Every empty sequence gets the same output, whatever its padded width, and a
    # zero-step array holds empty sequences too.
    assert_same(proba, proba[[0, 0, 0]])
    assert_same(clf.predict_proba(np.empty((2, 0, 2))), proba[:2])
    assert_same(clf.predict_proba([np.empty((0, 2)), seqs[0]])[0], proba[0])


@pytest.mark.parametrize(
    "where",
    ["whole step inside", "one channel inside", "first step", "partial trailing step"],
)
def test_nan_that_is_not_trailing_padding_is_an_error(where):
    seqs, y = ragged(n=6, low=4, high=6)
    X = nan_pad(seqs, width=8)
    length = len(seqs[0])
    if where == "whole step inside":
        X[0, 1, :] = np.nan
    elif where == "one channel inside":
        X[0, 2, 1] = np.nan
    elif where == "first step":
        X[0, 0, :] = np.nan
    else:
        X[0, length - 1, 0] = np.nan  # last valid step half NaN, padding after it
    with pytest.raises(ValueError, match="NaN"):
        RNNClassifier(**FAST).fit(X, y)
    fitted = RNNClassifier(**FAST).fit(seqs, y)
    with pytest.raises(ValueError, match="NaN"):
        fitted.predict(X)
    # The same in a list of arrays.
    with pytest.raises(ValueError, match="NaN"):
        fitted.predict([X[0, :length], *seqs[1:]])


def test_nan_in_2d_table_inside_the_row_is_an_error():
    X = np.random.default_rng(0).normal(size=(6, 5))
    X[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RNNRegressor(**FAST).fit(X, np.arange(6.0))


# --------------------------------------------------------------------------------------
# 4. Token ids
# --------------------------------------------------------------------------------------


def test_integer_table_is_read_as_tokens(token_model):
    clf, table, _ = token_model
    assert clf.input_type_ == "tokens"
    assert clf.vocab_size_ == table.max() + 1
    assert clf.n_features_in_ == table.shape[1]
    assert clf.net_.module_.encoder.embedding.num_embeddings == clf.vocab_size_
    assert clf.net_.module_.encoder.embedding.embedding_dim == 8


def test_vocab_size_counts_padding_and_unknown_ids():
    X = np.array([[0, 0], [0, 0]])
    clf = RNNClassifier(**FAST).fit(X, [0, 1])
    assert clf.vocab_size_ == 2
    assert clf.predict(X).shape == (2,)


def test_zeros_are_padding_wherever_they_are(token_model):
    clf, table, ids = token_model
    width = table.shape[1]
    rows = {"after": [], "before": [], "between": [], "both": []}
    for row in ids:
        n, free = len(row), width - len(row)
        rows["after"].append(np.concatenate([row, np.zeros(free, int)]))
        rows["before"].append(np.concatenate([np.zeros(free, int), row]))
        between = np.zeros(width, int)
        between[np.linspace(0, width - 1, n).round().astype(int)] = row
        rows["between"].append(between)
        k = free // 2
        rows["both"].append(np.pad(row, (k, free - k)))
    expected = clf.predict_proba(table)
    for where, block in rows.items():
        assert_same(clf.predict_proba(np.array(block)), expected, err_msg=where)
    # Ragged id lists, unpadded or padded with zeros to any length, read the same.
    assert_same(clf.predict_proba(ids), expected)
    padded = [np.concatenate([row, np.zeros(i % 5, int)]) for i, row in enumerate(ids)]
    assert_same(clf.predict_proba(padded), expected)


def test_all_zero_token_row_has_a_finite_defined_output(token_model):
    clf, table, _ = token_model
    X = np.zeros((3, table.shape[1]), dtype=np.int64)
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert_same(proba, proba[[0, 0, 0]])
    # Same as an empty sequence in a ragged id list.
    ragged_ids = [np.array([], dtype=np.int64), np.array([3, 4])]
    assert_same(clf.predict_proba(ragged_ids)[0], proba[0])
    # And all-zero rows at fit are fine.
    y = np.arange(len(table)) % 2
    X_fit = table.copy()
    X_fit[:5] = 0
    assert np.isfinite(RNNClassifier(**FAST).fit(X_fit, y).predict_proba(X_fit)).all()


def test_ids_beyond_the_vocabulary_map_to_unknown(token_model):
    clf, table, _ = token_model
    unseen = table.copy()
    as_unknown = table.copy()
    unseen[:, 0] = clf.vocab_size_ + np.arange(len(table)) * 1000
    as_unknown[:, 0] = 1
    assert_same(clf.predict_proba(unseen), clf.predict_proba(as_unknown), atol=0)
    assert not np.array_equal(clf.predict_proba(unseen), clf.predict_proba(table))


def test_token_list_of_1d_integer_arrays(token_model):
    clf, table, ids = token_model
    y = token_data()[2]
    from_list = RNNClassifier(embedding_dim=8, **FAST).fit(ids, y)
    assert from_list.input_type_ == "tokens"
    assert from_list.vocab_size_ == clf.vocab_size_
    assert from_list.n_features_in_ == 1
    # The same fit as on the padded table.
    assert_same(from_list.predict_proba(ids), clf.predict_proba(table))
    assert_same(from_list.predict_proba(table), clf.predict_proba(table))


def test_input_type_numeric_reads_integers_as_values():
    rng = np.random.default_rng(4)
    X_int = rng.integers(-5, 6, size=(20, 6))
    y = np.arange(20) % 2
    clf = RNNClassifier(input_type="numeric", **FAST).fit(X_int, y)
    assert clf.input_type_ == "numeric"
    assert not hasattr(clf, "vocab_size_")
    as_float = RNNClassifier(**FAST).fit(X_int.astype(float), y)
    assert as_float.input_type_ == "numeric"
    np.testing.assert_array_equal(
        clf.predict_proba(X_int), as_float.predict_proba(X_int)
    )
    # A ragged list of integer arrays is numeric too with input_type="numeric".
    seqs = [X_int[i, : 2 + i % 4] for i in range(20)]
    assert RNNClassifier(input_type="numeric", **FAST).fit(seqs, y).input_type_ == (
        "numeric"
    )


def test_input_type_tokens_accepts_whole_floats(token_model):
    _, table, _ = token_model
    y = np.arange(len(table)) % 2
    as_int = RNNClassifier(embedding_dim=8, **FAST).fit(table, y)
    as_float = RNNClassifier(input_type="tokens", embedding_dim=8, **FAST).fit(
        table.astype(np.float64), y
    )
    assert as_float.input_type_ == "tokens"
    assert as_float.vocab_size_ == as_int.vocab_size_
    np.testing.assert_array_equal(
        as_float.predict_proba(table.astype(np.float32)), as_int.predict_proba(table)
    )
    # The fitted reading sticks: whole floats at predict are ids for a token model.
    np.testing.assert_array_equal(
        as_int.predict_proba(table.astype(float)), as_int.predict_proba(table)
    )


def test_non_integer_token_ids_are_an_error_naming_input_type(token_model):
    clf, table, _ = token_model
    X = table.astype(float) + 0.5
    with pytest.raises(ValueError, match="input_type"):
        RNNClassifier(input_type="tokens", **FAST).fit(X, np.arange(len(X)) % 2)
    with pytest.raises(ValueError, match="input_type"):
        clf.predict(X)
    with pytest.raises(ValueError, match="input_type"):
        RNNClassifier(input_type="tokens", **FAST).fit([np.array([1.5, 2.0])], [0])


@pytest.mark.parametrize("input_type", ["auto", "tokens"])
def test_negative_token_ids_are_an_error(token_model, input_type):
    clf, table, _ = token_model
    X = table.copy()
    X[0, 0] = -3
    y = np.arange(len(X)) % 2
    with pytest.raises(ValueError, match=r"negative.*input_type='numeric'"):
        RNNClassifier(input_type=input_type, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="negative"):
        clf.predict(X)


def test_3d_array_with_input_type_tokens_is_an_error():
    X = np.ones((4, 3, 2), dtype=np.int64)
    with pytest.raises(ValueError, match=r"input_type='tokens'.*2D"):
        RNNClassifier(input_type="tokens", **FAST).fit(X, [0, 1, 0, 1])
    # With "auto", an integer 3D array is numeric.
    assert RNNClassifier(**FAST).fit(X, [0, 1, 0, 1]).input_type_ == "numeric"


def test_2d_token_items_in_a_list_are_an_error():
    with pytest.raises(ValueError, match="1D arrays of ids"):
        RNNClassifier(input_type="tokens", **FAST).fit(
            [np.ones((3, 2), int), np.ones((4, 2), int)], [0, 1]
        )


# --------------------------------------------------------------------------------------
# 5. Channels-first data (sktime / aeon layout)
# --------------------------------------------------------------------------------------


def test_channels_first_3d_array_matches_channels_last():
    seqs, y = ragged(channels=3)
    X_last = nan_pad(seqs, width=10)
    X_first = nan_pad(seqs, width=10, channels_first=True)
    assert X_first.shape == (len(seqs), 3, 10)
    last = RNNClassifier(**FAST).fit(X_last, y)
    first = RNNClassifier(channels_first=True, **FAST).fit(X_first, y)
    assert first.n_features_in_ == 3
    np.testing.assert_array_equal(
        first.predict_proba(X_first), last.predict_proba(X_last)
    )


def test_channels_first_list_matches_channels_last():
    seqs, y = ragged(channels=3)
    seqs_first = [s.T.copy() for s in seqs]
    last = RNNRegressor(**FAST).fit(seqs, y.astype(float))
    first = RNNRegressor(channels_first=True, **FAST).fit(seqs_first, y.astype(float))
    np.testing.assert_array_equal(first.predict(seqs_first), last.predict(seqs))
    # 1D items are univariate in either layout.
    uni = [s[:, 0] for s in seqs]
    one = RNNRegressor(channels_first=True, **FAST).fit(uni, y.astype(float))
    assert one.n_features_in_ == 1


def test_channels_first_data_without_the_flag_is_an_error():
    seqs, y = ragged(channels=3, low=5, high=9)
    clf = RNNClassifier(**FAST).fit(nan_pad(seqs, width=9), y)
    with pytest.raises(ValueError, match="channels_first=True"):
        clf.predict(nan_pad(seqs, width=9, channels_first=True))
    # Without padding the channel count gives it away.
    equal = [s[:5] for s in seqs]
    with pytest.raises(ValueError, match=r"5 channels.*channels_first=True"):
        clf.predict(nan_pad(equal, channels_first=True))
    with pytest.raises(ValueError, match="channels_first=True"):
        clf.predict([s.T for s in seqs])
    # A ragged channels-first list cannot even be fitted channels-last.
    with pytest.raises(ValueError, match="channels_first=True"):
        RNNClassifier(**FAST).fit([s.T for s in seqs], y)


# --------------------------------------------------------------------------------------
# Padding never changes a prediction
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_padding_invariance_numeric(cell, bidirectional, pooling):
    seqs, y = ragged(n=20)
    params = dict(cell=cell, bidirectional=bidirectional, pooling=pooling)
    clf = RNNClassifier(num_layers=2, **params, **FAST).fit(nan_pad(seqs), y)
    # In a batch every sequence but the longest is padded; alone, none is.
    expected = clf.predict_proba(seqs)
    assert_same(clf.predict_proba(nan_pad(seqs, width=25)), expected)
    for i, seq in enumerate(seqs):
        assert_same(clf.predict_proba([seq]), expected[[i]])
    wide = nan_pad(seqs[:3], width=40)
    assert_same(clf.predict_proba(wide), expected[:3])

    # The network itself ignores whatever the padded steps hold.
    module = clf.net_.module_
    lengths = torch.tensor([len(s) for s in seqs])
    X = torch.from_numpy(np.nan_to_num(nan_pad(seqs, width=15)))
    noisy = X.clone()
    for i, t in enumerate(lengths):
        noisy[i, t:] = torch.randn(15 - t, 2) * 100
    with torch.no_grad():
        assert_same(module(noisy, lengths).numpy(), module(X, lengths).numpy())


@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_padding_invariance_tokens(cell, bidirectional, pooling):
    table, ids, y = token_data(n=20)
    params = dict(cell=cell, bidirectional=bidirectional, pooling=pooling)
    clf = RNNClassifier(embedding_dim=4, **params, **FAST).fit(table, y)
    expected = clf.predict_proba(table)
    width = table.shape[1]
    pre = np.array([np.pad(row, (width - len(row), 0)) for row in ids])
    assert_same(clf.predict_proba(pre), expected)
    assert_same(clf.predict_proba(ids), expected)
    longer = [np.pad(row, (0, 3 + i % 4)) for i, row in enumerate(ids)]
    assert_same(clf.predict_proba(longer), expected)
    # A token table's width is only padding: wider tables and single unpadded rows
    # give the same outputs.
    assert_same(clf.predict_proba(np.pad(table, ((0, 0), (4, 5)))), expected)
    for i, row in enumerate(ids):
        assert_same(clf.predict_proba(row[None, :]), expected[[i]])


def test_padding_invariance_regressor_multi_output():
    seqs, y = ragged(n=20)
    Y = np.column_stack([y, -2.0 * y + 1])
    reg = RNNRegressor(bidirectional=True, pooling="mean", **FAST).fit(seqs, Y)
    expected = reg.predict(seqs)
    assert expected.shape == (20, 2)
    assert_same(reg.predict(nan_pad(seqs, width=17)), expected)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    seqs, y = ragged()
    return RNNClassifier(**FAST).fit(seqs, y)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.ones(5), ValueError, "Expected 2D array, got 1D array"),
        ([1.0, 2.0, 3.0], ValueError, "Expected 2D array, got 1D array"),
        (np.ones((2, 3, 2, 1)), ValueError, "got an array with 4 dimensions"),
        (np.empty((0, 5)), ValueError, "0 sample"),
        (np.empty((0, 5, 2)), ValueError, "0 sample"),
        ([], ValueError, "empty list"),
        (np.array([[1.0, np.inf, 2.0]]), ValueError, "inf"),
        (np.array([[[1.0, 2.0], [-np.inf, 0.0]]]), ValueError, "inf"),
        ([np.ones((3, 2)), np.full((2, 2), np.inf)], ValueError, "inf"),
        ([np.ones((3, 2)), np.ones((4, 3))], ValueError, "same number of channels"),
        ([np.ones((3, 2)), np.ones(4)], ValueError, "same number of channels"),
        (["abc", "de"], TypeError, "strings"),
        (np.array([["a", "b"], ["c", "d"]]), TypeError, "SequenceVectorizer"),
        ([np.ones((3, 2)), np.array(["a", "b"])], TypeError, "Sequence 1 .*strings"),
        ([np.ones((3, 2)), np.array([{}, {}])], TypeError, "read as numbers"),
        ([np.ones((3, 2)), None], ValueError, "sequence 1 has shape"),
        ([np.ones((3, 2)), np.ones((2, 2, 2))], ValueError, "sequence 1 has shape"),
        (sp.csr_matrix(np.ones((4, 3))), TypeError, "[Ss]parse"),
        (np.ones((4, 3), dtype=complex), ValueError, "[Cc]omplex"),
        (42, TypeError, "array-like of sequences"),
        ("abc", TypeError, "array-like of sequences"),
    ],
)
def test_bad_x_raises_a_clear_error(fitted, X, error, match):
    # X is checked before y, so y's length does not matter here.
    with pytest.raises(error, match=match):
        RNNClassifier(**FAST).fit(X, [0, 1, 0, 1])
    with pytest.raises(error, match=match):
        RNNRegressor(**FAST).fit(X, [0.0, 1.0, 0.0, 1.0])
    with pytest.raises(error, match=match):
        fitted.predict_proba(X)


def test_zero_channels_is_an_error():
    with pytest.raises(ValueError, match="0 channels"):
        RNNClassifier(**FAST).fit(np.empty((3, 4, 0)), [0, 1, 0])
    with pytest.raises(ValueError, match="0 channels"):
        RNNClassifier(**FAST).fit([np.empty((3, 0)), np.empty((4, 0))], [0, 1])


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_x_and_y_lengths_must_match(Estimator):
    seqs, y = ragged(n=10)
    with pytest.raises(ValueError, match="X has 10 sequences but y has 9 targets"):
        Estimator(**FAST).fit(seqs, y[:9])
    with pytest.raises(ValueError, match="requires y"):
        Estimator(**FAST).fit(seqs, None)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_predict_before_fit(Estimator):
    seqs, _ = ragged(n=4)
    with pytest.raises(NotFittedError):
        Estimator().predict(seqs)
    if Estimator is RNNClassifier:
        with pytest.raises(NotFittedError):
            Estimator().predict_proba(seqs)
    with pytest.raises(NotFittedError):
        SequenceScaler().transform(seqs)


@pytest.mark.parametrize(
    "params, name",
    [
        ({"cell": "foo"}, "cell"),
        ({"cell": "LSTM"}, "cell"),
        ({"hidden_size": 0}, "hidden_size"),
        ({"hidden_size": 2.5}, "hidden_size"),
        ({"num_layers": 0}, "num_layers"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": -0.1}, "dropout"),
        ({"pooling": "first"}, "pooling"),
        ({"embedding_dim": 0}, "embedding_dim"),
        ({"input_type": "text"}, "input_type"),
        ({"channels_first": "yes"}, "channels_first"),
        ({"bidirectional": None}, "bidirectional"),
        ({"max_iter": 0}, "max_iter"),
        ({"batch_size": 0}, "batch_size"),
        ({"lr": 0.0}, "lr"),
        ({"optimizer": "adagrad"}, "optimizer"),
        ({"random_state": "seed"}, "random_state"),
        ({"device": 0}, "device"),
        ({"verbose": -1}, "verbose"),
    ],
)
@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_invalid_parameters_name_the_parameter(Estimator, params, name):
    seqs, y = ragged(n=6)
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        Estimator(**params).fit(seqs, y)


def test_unsigned_token_ids_beyond_int64_are_a_value_error():
    X = np.array([[2, 3, 2**63 + 5]], dtype=np.uint64)
    with pytest.raises(ValueError, match="below 2\\*\\*63"):
        RNNClassifier(**FAST).fit(np.repeat(X, 4, axis=0), [0, 1, 0, 1])


@pytest.mark.parametrize("device", ["foo", "", "cuda:x", "meta"])
def test_invalid_device_string_is_a_value_error(device):
    seqs, y = ragged(n=6)
    with pytest.raises(ValueError, match="device="):
        RNNClassifier(**{**FAST, "device": device}).fit(seqs, y)


# --------------------------------------------------------------------------------------
# Inputs are never modified in place
# --------------------------------------------------------------------------------------


def _snapshot(X):
    return [np.array(x, copy=True) for x in X] if isinstance(X, list) else X.copy()


def _assert_unchanged(X, before):
    if isinstance(X, list):
        assert len(X) == len(before)
        for x, b in zip(X, before, strict=True):
            assert x.dtype == b.dtype
            np.testing.assert_array_equal(x, b)
    else:
        assert X.dtype == before.dtype
        np.testing.assert_array_equal(X, before)


def _inputs():
    seqs, y = ragged(n=12)
    table, ids, y_tok = token_data(n=12)
    rng = np.random.default_rng(5)
    return {
        "2d float32": (rng.normal(size=(12, 5)).astype(np.float32), y, {}),
        "2d float64": (rng.normal(size=(12, 5)), y, {}),
        "3d float32": (rng.normal(size=(12, 4, 2)).astype(np.float32), y, {}),
        "3d nan padded": (nan_pad(seqs, width=11), y, {}),
        "3d channels first": (
            nan_pad(seqs, channels_first=True),
            y,
            {"channels_first": True},
        ),
        "list of 2d": (seqs, y, {}),
        "list of 1d": ([s[:, 0] for s in seqs], y, {}),
        "list channels first": ([s.T for s in seqs], y, {"channels_first": True}),
        "tokens int64": (table, y_tok, {}),
        "tokens unordered zeros": (np.roll(table, 3, axis=1), y_tok, {}),
        "tokens as floats": (table.astype(float), y_tok, {"input_type": "tokens"}),
        "token list": (ids, y_tok, {}),
    }


@pytest.mark.parametrize("name", list(_inputs()))
def test_inputs_are_not_modified_in_place(name):
    X, y, params = _inputs()[name]
    before = _snapshot(X)
    clf = RNNClassifier(**params, **FAST).fit(X, y)
    _assert_unchanged(X, before)
    clf.predict_proba(X)
    _assert_unchanged(X, before)
    if name.startswith("token"):
        # Unknown ids are remapped on a copy.
        model = RNNClassifier(**params, **FAST).fit(X[:6], y[:6])
        model.predict(X)
        _assert_unchanged(X, before)
    else:
        scaler = SequenceScaler(channels_first=params.get("channels_first", False))
        scaler.fit_transform(X)
        _assert_unchanged(X, before)
