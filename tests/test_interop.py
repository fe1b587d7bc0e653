"""The ecosystem around the estimators: scikit-learn's set_output, sktime's data
containers and pipelines, and scikit-learn's meta-estimators."""

import warnings

import numpy as np
import pytest
import sklearn
from _helpers import ragged
from sklearn.ensemble import BaggingClassifier
from sklearn.inspection import permutation_importance
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler, SequenceVectorizer

pd = pytest.importorskip("pandas")

SMALL = dict(hidden_size=4, max_iter=2, random_state=0, device="cpu")
CONV = dict(conv_filters=(4,), conv_kernel_sizes=(3,))


def _sequences(kind):
    rng = np.random.default_rng(0)
    if kind == "3d":
        X = rng.normal(size=(24, 8, 2))
        X[:5, 6:] = np.nan  # padding
        return X, np.arange(24) % 2
    X, y = ragged(n=24)
    return X, y


def _same(a, b):
    if isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b)
        for x, z in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, z)
    else:
        assert type(a) is type(b)
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------------------
# set_output and the global transform_output
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("container", ["pandas", "polars"])
@pytest.mark.parametrize("kind", ["3d", "ragged"])
def test_global_dataframe_output_leaves_sequences_as_they_are(container, kind):
    # The quickstart's pipeline in a notebook with set_config(transform_output=...);
    # polars need not even be installed, as no DataFrame is made.
    X, y = _sequences(kind)
    expected_scaled = SequenceScaler().fit_transform(X)
    expected = make_pipeline(SequenceScaler(), RNNClassifier(**SMALL, **CONV))
    expected = expected.fit(X, y).predict_proba(X)
    with sklearn.config_context(transform_output=container):
        _same(SequenceScaler().fit_transform(X), expected_scaled)
        model = make_pipeline(SequenceScaler(), RNNClassifier(**SMALL, **CONV))
        np.testing.assert_array_equal(model.fit(X, y).predict_proba(X), expected)


def test_global_pandas_output_makes_a_dataframe_of_a_2d_table():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 8))
    y = np.arange(24) % 2
    expected = SequenceScaler().fit_transform(X)
    with sklearn.config_context(transform_output="pandas"):
        out = SequenceScaler().fit_transform(X)
        assert isinstance(out, pd.DataFrame)
        assert list(out.columns) == [f"x{i}" for i in range(8)]
        np.testing.assert_array_equal(out.to_numpy(), expected)
        model = make_pipeline(SequenceScaler(), RNNClassifier(**SMALL, **CONV))
        assert model.fit(X, y).predict(X).shape == (24,)


@pytest.mark.parametrize("kind", ["3d", "ragged"])
def test_explicit_dataframe_output_of_sequences_is_refused_clearly(kind):
    X, y = _sequences(kind)
    with pytest.raises(ValueError, match="which a DataFrame cannot hold"):
        SequenceScaler().set_output(transform="pandas").fit_transform(X)
    # Pipeline.set_output sets every step; the message says how to undo it.
    model = make_pipeline(SequenceScaler(), RNNClassifier(**SMALL, **CONV))
    model.set_output(transform="pandas")
    with pytest.raises(ValueError, match=r"set_output\(transform='default'\)"):
        model.fit(X, y)
    model[0].set_output(transform="default")
    assert model.fit(X, y).predict(X).shape == (24,)


def test_set_output_rejects_an_unknown_container():
    with pytest.raises(ValueError, match="transform must be one of"):
        SequenceScaler().set_output(transform="numpy")
    assert SequenceScaler().set_output(transform=None).get_params()


def test_vectorizer_ids_as_a_dataframe_are_still_read_as_token_ids():
    # SequenceVectorizer's output is a table: with transform_output="pandas" it is a
    # DataFrame of integer ids (token_0, token_1, ...), which the estimator still
    # reads as token ids and predicts from exactly as from the array.
    texts = ["a b c", "b c d", "c a", "d d a", "a a b", "c d"] * 4
    y = np.arange(len(texts)) % 2
    model = make_pipeline(SequenceVectorizer(), RNNClassifier(**SMALL))
    expected = model.fit(texts, y).predict_proba(texts)
    with sklearn.config_context(transform_output="pandas"):
        ids = SequenceVectorizer().fit_transform(texts)
        assert isinstance(ids, pd.DataFrame) and ids.dtypes.unique().tolist() == [
            np.int64
        ]
        model = make_pipeline(SequenceVectorizer(), RNNClassifier(**SMALL))
        np.testing.assert_array_equal(
            model.fit(texts, y).predict_proba(texts), expected
        )
        assert model[-1].input_type_ == "tokens"


# --------------------------------------------------------------------------------------
# sktime's containers and pipelines
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def basic_motions():
    datasets = pytest.importorskip("sktime.datasets")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nested, y = datasets.load_basic_motions(
            split="train", return_type="nested_univ"
        )
        multi, _ = datasets.load_basic_motions(
            split="train", return_type="pd-multiindex"
        )
        numpy3d, _ = datasets.load_basic_motions(split="train", return_type="numpy3D")
    return {"nested_univ": nested, "pd-multiindex": multi, "numpy3D": numpy3d}, y


@pytest.mark.parametrize("mtype", ["nested_univ", "pd-multiindex"])
def test_sktime_containers_are_read_as_their_channels(basic_motions, mtype):
    data, y = basic_motions
    X = data[mtype]
    # The tested reference: sktime's numpy3D, (n, channels, time), channels_first.
    reference = RNNClassifier(**SMALL, **CONV, channels_first=True)
    expected = reference.fit(data["numpy3D"], y).predict_proba(data["numpy3D"])
    clf = RNNClassifier(**SMALL, **CONV).fit(X, y)
    assert clf.n_features_in_ == 6  # 6 channels of 100 steps, not 600 columns
    np.testing.assert_array_equal(clf.predict_proba(X), expected)
    scaled = SequenceScaler().fit_transform(X)
    assert scaled.shape == (40, 100, 6)
    expected = SequenceScaler(channels_first=True).fit_transform(data["numpy3D"])
    np.testing.assert_allclose(scaled, np.swapaxes(expected, 1, 2), rtol=1e-6)


def test_ragged_nested_univ_frame_is_read_as_ragged_sequences():
    seqs, y = ragged(n=12)
    frame = pd.DataFrame(
        {f"dim_{c}": [pd.Series(s[:, c]) for s in seqs] for c in range(2)}
    )
    expected = RNNClassifier(**SMALL).fit(seqs, y).predict_proba(seqs)
    np.testing.assert_array_equal(
        RNNClassifier(**SMALL).fit(frame, y).predict_proba(frame), expected
    )


def test_pd_multiindex_frame_is_predicted_whole_and_in_instance_order():
    seqs, y = ragged(n=12)
    rows = [
        (i, t, *step) for i, s in enumerate(seqs) for t, step in enumerate(s.tolist())
    ]
    frame = pd.DataFrame(rows, columns=["instance", "time", "a", "b"])
    frame = frame.set_index(["instance", "time"])
    clf = RNNClassifier(**SMALL).fit(frame, y)
    np.testing.assert_array_equal(
        clf.predict_proba(frame),
        RNNClassifier(**SMALL).fit(seqs, y).predict_proba(seqs),
    )


def test_malformed_sktime_frames_get_clear_errors():
    seqs, y = ragged(n=4)
    unequal = pd.DataFrame(
        {
            "a": [pd.Series(s[:, 0]) for s in seqs],
            "b": [pd.Series(s[1:, 1]) for s in seqs],
        }
    )
    with pytest.raises(ValueError, match="channels of different lengths"):
        RNNClassifier(**SMALL).fit(unequal, y)
    mixed = pd.DataFrame({"a": [pd.Series(s[:, 0]) for s in seqs], "b": 1.0})
    with pytest.raises(TypeError, match=r"cell \(0, 1\) holds float"):
        RNNClassifier(**SMALL).fit(mixed, y)
    index = pd.MultiIndex.from_product([range(2), range(2), range(3)])
    deep = pd.DataFrame({"a": np.zeros(12)}, index=index)
    with pytest.raises(ValueError, match="3-level MultiIndex"):
        RNNClassifier(**SMALL).fit(deep, [0, 1])


def test_sktime_sklearn_pipeline_flattens_channels_as_documented(basic_motions):
    # Not ours to change: sktime's SklearnClassifierPipeline hands a scikit-learn
    # classifier each series flattened, 6 channels x 100 steps as one univariate
    # series of 600 (docs/timeseries.md says so and shows the tested way instead).
    compose = pytest.importorskip("sktime.classification.compose")
    exponent = pytest.importorskip("sktime.transformations.series.exponent")
    data, y = basic_motions
    pipe = compose.SklearnClassifierPipeline(
        RNNClassifier(**{**SMALL, "max_iter": 1}, **CONV),
        [exponent.ExponentTransformer(power=1)],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe.fit(data["numpy3D"], y)
    assert pipe.classifier_.n_features_in_ == 600
    assert pipe.classifier_.input_type_ == "numeric"


# --------------------------------------------------------------------------------------
# scikit-learn's meta-estimators (docs/inputs.md)
# --------------------------------------------------------------------------------------


def test_bagging_and_permutation_importance_work_on_2d_series():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 8))
    y = (X[:, 0] > 0).astype(int)
    bag = BaggingClassifier(RNNClassifier(**SMALL, **CONV), n_estimators=2)
    bag.set_params(random_state=0).fit(X, y)
    assert bag.predict_proba(X).shape == (30, 2)
    assert bag.estimators_[0].n_features_in_ == 8  # timesteps of one channel
    result = permutation_importance(
        RNNClassifier(**SMALL, **CONV).fit(X, y), X, y, n_repeats=2, random_state=0
    )
    assert result.importances_mean.shape == (8,)  # one importance per timestep


def test_bagging_rejects_3d_input_with_scikit_learns_error():
    X, y = _sequences("3d")
    with pytest.raises(
        ValueError, match=r"dim 3\. .*expected <= 2|dim <= 2 is required"
    ):
        BaggingClassifier(RNNClassifier(**SMALL), n_estimators=2).fit(X, y)
