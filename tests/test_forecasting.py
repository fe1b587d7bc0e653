"""RNNForecaster and its sktime adapter: the labels of a forecast for every kind of
series and of ``fh``, future-known and past covariates (alignment and errors),
padding and batch invariance of a global model, ``update`` without refitting,
quantiles and intervals, sktime (evaluate, indexes, panels, a part of its
conformance suite), input errors, the scikit-learn conventions, and learning (a
known covariate, a seasonal series with a trend)."""

import copy
import pickle
import re

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.fixes import parse_version
from sklearn.utils.validation import check_is_fitted

from sklearn_rnn import RNNForecaster

# Tiny and on the CPU, where equal seeds give bit-for-bit equal fits.
SMALL = dict(hidden_size=8, random_state=0, device="cpu")
FAST = dict(SMALL, max_iter=2)


def wave(n=48, level=10.0, amplitude=3.0, period=12, trend=0.0, noise=0.0, seed=0):
    """A seasonal series: level, trend, a sine of ``period`` steps and noise."""
    t = np.arange(n)
    rng = np.random.default_rng(seed)
    return (
        level
        + trend * t
        + amplitude * np.sin(2 * np.pi * t / period)
        + noise * rng.normal(size=n)
    )


def monthly(values, start="2020-01", name="sales"):
    """``values`` as a Series with a monthly PeriodIndex."""
    index = pd.period_range(start, periods=len(values), freq="M")
    return pd.Series(values, index=index, name=name)


def state(model):
    """A copy of the fitted network's weights."""
    return {k: v.detach().clone() for k, v in model.net_.module_.state_dict().items()}


@pytest.fixture(scope="module")
def monthly_model():
    """A forecaster fitted on 48 months (horizon 4); tests must not change it."""
    y = monthly(wave(48, noise=0.2))
    return RNNForecaster(horizon=4, **FAST).fit(y), y


@pytest.fixture(scope="module")
def array_model():
    """A forecaster fitted on two series as the columns of a 2D array (horizon 4)."""
    y = np.column_stack([wave(40, noise=0.3), wave(40, level=50.0, seed=1)])
    return RNNForecaster(horizon=4, window_length=8, **FAST).fit(y), y


# ----------------------------------------------------------------------------------
# 1. Horizon indexing
# ----------------------------------------------------------------------------------


def test_period_index_labels_the_requested_steps(monthly_model):
    model, y = monthly_model
    pred = model.predict(fh=[1, 3])
    assert isinstance(pred, pd.Series)
    assert pred.name == "sales"
    assert isinstance(pred.index, pd.PeriodIndex)
    assert list(pred.index) == [y.index[-1] + 1, y.index[-1] + 3]
    assert model.cutoff_ == y.index[-1] == pd.Period("2023-12", freq="M")
    assert np.isfinite(pred.to_numpy()).all()


@pytest.mark.parametrize("explicit", [True, False], ids=["freq-MS", "inferred"])
def test_datetime_index_follows_its_frequency(explicit):
    index = pd.date_range("2020-01-01", periods=36, freq="MS")
    if not explicit:
        index = pd.DatetimeIndex(list(index))
        assert index.freq is None
    y = pd.Series(wave(36), index=index, name="v")
    model = RNNForecaster(horizon=3, **FAST).fit(y)
    pred = model.predict(fh=[1, 2, 3])
    expected = pd.to_datetime(["2023-01-01", "2023-02-01", "2023-03-01"])
    assert list(pred.index) == list(expected)
    assert pred.name == "v"
    assert model.cutoff_ == pd.Timestamp("2022-12-01")
    assert model.seasonal_period_ == 12


@pytest.mark.parametrize(
    "index",
    [pd.RangeIndex(100, 100 + 5 * 30, 5), pd.Index(np.arange(30) * 5 + 7)],
    ids=["RangeIndex", "Index"],
)
def test_integer_index_steps_by_its_spacing(index):
    y = pd.Series(wave(30), index=index)
    model = RNNForecaster(horizon=3, **FAST).fit(y)
    pred = model.predict(fh=[1, 3])
    last = int(index[-1])
    assert model.cutoff_ == last
    assert list(pred.index) == [last + 5, last + 15]
    assert model.seasonal_period_ == 1


def test_1d_array_gives_an_array_of_the_steps():
    y = wave(40)
    model = RNNForecaster(horizon=4, **FAST).fit(y)
    pred = model.predict(fh=[1, 3])
    assert isinstance(pred, np.ndarray)
    assert pred.shape == (2,)
    np.testing.assert_allclose(pred, model.predict(fh=3)[[0, 2]], rtol=1e-6)
    assert model.cutoff_ == 39


def test_2d_array_gives_a_column_per_series(array_model):
    model, _ = array_model
    pred = model.predict(fh=[1, 2, 4])
    assert pred.shape == (3, 2)
    assert model.n_series_ == 2
    # Each column is its own series' forecast: the levels (10 and 50) tell them apart.
    assert np.all(np.abs(pred[:, 0] - 10) < 8)
    assert np.all(np.abs(pred[:, 1] - 50) < 8)


def test_dataframe_gives_a_dataframe_with_its_columns():
    index = pd.period_range("2020-01", periods=36, freq="M")
    y = pd.DataFrame({"low": wave(36), "high": wave(36, level=80.0)}, index=index)
    model = RNNForecaster(horizon=3, **FAST).fit(y)
    pred = model.predict(fh=[1, 2])
    assert isinstance(pred, pd.DataFrame)
    assert list(pred.columns) == ["low", "high"]
    assert list(pred.index) == [index[-1] + 1, index[-1] + 2]
    assert (pred["high"] > pred["low"] + 40).all()


def test_list_of_series_each_forecast_after_its_own_end():
    a = monthly(wave(30), start="2020-01", name="a")
    b = monthly(wave(20, level=40.0), start="2019-05", name="b")
    c = wave(25, level=-5.0)
    model = RNNForecaster(horizon=3, window_length=8, **FAST).fit([a, b, c])
    assert model.n_series_ == 3
    assert model.cutoff_ == [a.index[-1], b.index[-1], 24]
    pa, pb, pc = model.predict(fh=[1, 2])
    assert list(pa.index) == [a.index[-1] + 1, a.index[-1] + 2]
    assert list(pb.index) == [b.index[-1] + 1, b.index[-1] + 2]
    assert (pa.name, pb.name) == ("a", "b")
    assert isinstance(pc, np.ndarray)
    assert pc.shape == (2,)


def test_int_fh_is_steps_1_to_h(monthly_model):
    model, y = monthly_model
    by_int = model.predict(fh=3)
    by_list = model.predict(fh=[1, 2, 3])
    assert list(by_int.index) == [y.index[-1] + k for k in (1, 2, 3)]
    pd.testing.assert_series_equal(by_int, by_list)
    # The order of a list does not matter: steps come back increasing.
    pd.testing.assert_series_equal(model.predict(fh=[3, 1, 2]), by_list)


def test_sktime_forecasting_horizon(monthly_model):
    fh_module = pytest.importorskip("sktime.forecasting.base")
    model, y = monthly_model
    expected = model.predict(fh=[1, 3])
    relative = fh_module.ForecastingHorizon([1, 3], is_relative=True)
    pd.testing.assert_series_equal(model.predict(fh=relative), expected)
    absolute = fh_module.ForecastingHorizon(
        pd.PeriodIndex([y.index[-1] + 1, y.index[-1] + 3]), is_relative=False
    )
    pd.testing.assert_series_equal(model.predict(fh=absolute), expected)


def test_fit_with_an_absolute_forecasting_horizon():
    fh_module = pytest.importorskip("sktime.forecasting.base")
    y = monthly(wave(48))
    dates = pd.PeriodIndex([y.index[-1] + 1, y.index[-1] + 3])
    fh = fh_module.ForecastingHorizon(dates, is_relative=False)
    model = RNNForecaster(**FAST).fit(y, fh=fh)
    assert model.horizon_ == 3
    assert model.predict().index.equals(dates)


def test_fit_fh_sets_the_horizon_and_predicts_default():
    y = monthly(wave(48))
    model = RNNForecaster(**FAST).fit(y, fh=[2, 5])
    assert model.horizon_ == 5
    pred = model.predict()
    assert list(pred.index) == [y.index[-1] + 2, y.index[-1] + 5]
    pd.testing.assert_series_equal(pred, model.predict(fh=[2, 5]))
    # An explicit fh overrides the default.
    assert len(model.predict(fh=1)) == 1


def test_predict_without_any_fh_raises(monthly_model):
    model, _ = monthly_model
    with pytest.raises(ValueError, match="fh"):
        model.predict()
    with pytest.raises(ValueError, match="fh"):
        model.predict_quantiles()


@pytest.mark.parametrize(
    "fh, error",
    [
        (0, ValueError),
        (-1, ValueError),
        ([0, 2], ValueError),
        ([-3], ValueError),
        ([1, 1], ValueError),
        ([2, 3, 2], ValueError),
        (1.0, TypeError),
        ([1.0, 2.0], TypeError),
        (True, TypeError),
        ([True, False], TypeError),
        ([], TypeError),
        ("3", TypeError),
    ],
)
def test_bad_fh_raises_naming_fh(monthly_model, fh, error):
    model, _ = monthly_model
    with pytest.raises(error, match="fh"):
        model.predict(fh=fh)


@pytest.mark.parametrize("fh", [0, [1, 1], 2.5])
def test_bad_fh_at_fit_raises_and_leaves_it_unfitted(fh):
    model = RNNForecaster(**FAST)
    with pytest.raises((ValueError, TypeError), match="fh"):
        model.fit(wave(40), fh=fh)
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


# ----------------------------------------------------------------------------------
# 2. Covariate alignment
# ----------------------------------------------------------------------------------


def binary_covariate_task(n=120, h=6, seed=0):
    """``y_t = 5 + 10 x_t + noise`` with ``x_t`` random 0/1; ``n`` observations and
    the covariate of ``h`` more steps, as monthly pandas objects."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=n + h).astype(float)
    x[n : n + h] = [1, 0, 1, 0, 1, 0][:h] + [0] * max(h - 6, 0)
    values = 5 + 10 * x + rng.normal(scale=0.3, size=n + h)
    index = pd.period_range("2010-01", periods=n + h, freq="M")
    X = pd.DataFrame({"x": x}, index=index)
    return monthly(values[:n], start="2010-01"), X


@pytest.fixture(scope="module")
def covariate_model():
    """A forecaster fitted with a future-known covariate (horizon 6)."""
    y, X = binary_covariate_task()
    model = RNNForecaster(horizon=6, window_length=12, **dict(SMALL, max_iter=40))
    return model.fit(y, X.iloc[: len(y)]), y, X


def test_known_covariate_is_learned(covariate_model):
    model, y, X = covariate_model
    future = X.iloc[len(y) :]
    pred = model.predict(fh=6, X=future)
    on = pred[future["x"].to_numpy() == 1]
    off = pred[future["x"].to_numpy() == 0]
    assert len(on) == len(off) == 3
    # y jumps by 10 when x = 1: the forecast follows the covariate.
    assert on.min() > off.max()
    assert on.mean() - off.mean() > 5
    assert model.n_features_in_ == 1


def test_X_rows_are_matched_by_label(covariate_model):
    model, y, X = covariate_model
    future = X.iloc[len(y) :]
    expected = model.predict(fh=6, X=future)
    shuffled = future.sample(frac=1.0, random_state=0)
    assert not shuffled.index.equals(future.index)
    pd.testing.assert_series_equal(model.predict(fh=6, X=shuffled), expected)
    # The whole table (past rows, and rows beyond the horizon) is fine too.
    longer = pd.concat(
        [
            X,
            pd.DataFrame(
                {"x": [1.0, 1.0]},
                index=pd.period_range(X.index[-1] + 1, periods=2, freq="M"),
            ),
        ]
    )
    pd.testing.assert_series_equal(model.predict(fh=6, X=longer), expected)
    # Only the steps asked for are read.
    pd.testing.assert_series_equal(
        model.predict(fh=[2, 4], X=future), expected.iloc[[1, 3]]
    )


def test_X_with_only_the_requested_dates(covariate_model):
    model, y, X = covariate_model
    future = X.iloc[len(y) :]
    expected = model.predict(fh=[2, 4], X=future)
    # The direct head reads the covariates of the steps asked for only.
    only = future.iloc[[1, 3]]
    pd.testing.assert_series_equal(model.predict(fh=[2, 4], X=only), expected)


def test_X_for_a_list_of_series():
    rng = np.random.default_rng(0)
    a, b = monthly(wave(30), name="a"), monthly(wave(20), start="2019-01", name="b")
    Xa = pd.DataFrame(
        {"x": rng.normal(size=36)}, pd.period_range(a.index[0], periods=36, freq="M")
    )
    Xb = pd.DataFrame(
        {"x": rng.normal(size=26)}, pd.period_range(b.index[0], periods=26, freq="M")
    )
    model = RNNForecaster(horizon=3, window_length=8, **FAST)
    model.fit([a, b], [Xa.iloc[:30], Xb.iloc[:20]])
    pa, pb = model.predict(fh=3, X=[Xa, Xb])
    assert pa.index.equals(Xa.index[30:33])
    assert pb.index.equals(Xb.index[20:23])
    # Each series reads its own table: other values for b change only b.
    pa2, pb2 = model.predict(fh=3, X=[Xa, Xb.assign(x=5.0)])
    pd.testing.assert_series_equal(pa2, pa)
    assert not np.allclose(pb2.to_numpy(), pb.to_numpy())
    with pytest.raises(ValueError, match="list"):
        model.predict(fh=3, X=Xa)
    model.update([None, monthly([3.0], start=str(b.index[-1] + 1))], X=[None, Xb])
    assert model.cutoff_ == [a.index[-1], b.index[-1] + 1]
    pa3, pb3 = model.predict(fh=2, X=[Xa, Xb])
    pd.testing.assert_series_equal(pa3, pa.iloc[:2])
    assert pb3.index.equals(Xb.index[21:23])


def test_X_shared_by_the_columns_of_a_2d_array():
    rng = np.random.default_rng(0)
    y = np.column_stack([wave(30), wave(30, level=40.0)])
    model = RNNForecaster(horizon=3, **FAST).fit(y, rng.normal(size=(30, 1)))
    assert model.predict(fh=3, X=np.zeros((3, 1))).shape == (3, 2)
    model.update(y[:2], rng.normal(size=(2, 1)))
    assert model.cutoff_ == 31
    with pytest.raises(ValueError, match="X"):
        model.update(y[:2])


def test_X_missing_a_forecast_date_raises_naming_it(covariate_model):
    model, y, X = covariate_model
    future = X.iloc[len(y) :]
    missing = future.index[1]
    with pytest.raises(ValueError, match=re.escape(str(missing))):
        model.predict(fh=[1, 2, 3], X=future.drop(index=missing))


def test_X_must_match_the_fit(covariate_model):
    model, y, X = covariate_model
    future = X.iloc[len(y) :]
    with pytest.raises(ValueError, match="X"):
        model.predict(fh=2)
    with pytest.raises(ValueError, match="columns"):
        model.predict(fh=2, X=future.assign(extra=1.0))
    with pytest.raises(ValueError, match="X"):
        model.update(monthly([15.0], start=str(y.index[-1] + 1)))
    plain = RNNForecaster(horizon=3, **FAST).fit(y)
    with pytest.raises(ValueError, match="X"):
        plain.predict(fh=2, X=future)
    with pytest.raises(ValueError, match="columns"):
        RNNForecaster(horizon=3, **FAST).fit(y, X.iloc[: len(y)]).predict(
            fh=2, X=np.ones((2, 2))
        )


@pytest.mark.parametrize("head", ["direct", "recurrent"])
def test_numpy_X_rows_at_predict(head):
    rng = np.random.default_rng(0)
    y, X = wave(60), rng.normal(size=(60, 1))
    model = RNNForecaster(horizon=4, window_length=8, head=head, **FAST).fit(y, X)
    future = rng.normal(size=(4, 1))
    every = model.predict(fh=[1, 3], X=future[:3])  # a row per step up to 3
    assert every.shape == (2,)
    with pytest.raises(ValueError, match="rows"):
        model.predict(fh=[1, 3], X=future)  # 4 rows for 3 steps
    with pytest.raises(ValueError, match="rows"):
        model.predict(fh=3, X=future[:2])
    if head == "direct":
        # One row per requested step: the direct head reads only those.
        np.testing.assert_allclose(
            model.predict(fh=[1, 3], X=future[[0, 2]]), every, rtol=1e-6
        )
    else:
        # The recurrent head reads every step up to the last.
        with pytest.raises(ValueError, match="rows"):
            model.predict(fh=[1, 3], X=future[[0, 2]])


def test_requested_rows_only_are_refused_beyond_the_horizon():
    # Beyond horizon_, each block's forecasts are read as history with their
    # covariates: every step's row is needed, not only those of the steps asked for.
    rng = np.random.default_rng(0)
    y = np.arange(40.0) + rng.normal(size=40)
    X = rng.integers(0, 2, size=(40, 1)).astype(float)
    model = RNNForecaster(horizon=3, window_length=6, **FAST).fit(y, X)
    future = rng.normal(size=(5, 1))
    with pytest.raises(ValueError, match="one per forecast step from 1"):
        model.predict(fh=[1, 5], X=future[[0, 4]])
    assert model.predict(fh=5, X=future)[[0, 4]].shape == (2,)


def test_numpy_X_rows_error_at_predict_speaks_of_steps():
    rng = np.random.default_rng(0)
    model = RNNForecaster(horizon=3, window_length=6, **FAST)
    model.fit(wave(40), rng.normal(size=(40, 1)))
    with pytest.raises(ValueError, match="rows") as info:
        model.predict(fh=2, X=rng.normal(size=(5, 1)))
    assert "observation of y" not in str(info.value)
    assert "step" in str(info.value)


def test_past_covariates():
    rng = np.random.default_rng(0)
    y = monthly(wave(48, noise=0.2))
    past = pd.DataFrame({"p": rng.normal(size=48)}, index=y.index)
    model = RNNForecaster(horizon=3, window_length=9, **FAST)
    model.fit(y, past_covariates=past)
    assert model.n_past_covariates_ == 1
    assert not hasattr(model, "n_features_in_")
    pred = model.predict(fh=3)
    assert list(pred.index) == [y.index[-1] + k for k in (1, 2, 3)]
    with pytest.raises(TypeError):
        model.predict(fh=3, past_covariates=past)  # predict does not take them
    with pytest.raises(ValueError, match="horizon_"):
        model.predict(fh=4)  # unknown beyond the cutoff: no iterated forecast
    new = monthly([10.0, 11.0], start=str(y.index[-1] + 1))
    updated = copy.deepcopy(model)
    with pytest.raises(ValueError, match="past_covariates"):
        updated.update(new)
    updated.update(new, past_covariates=pd.DataFrame({"p": [0.0, 1.0]}, new.index))
    assert updated.cutoff_ == new.index[-1]
    # The past covariates are read: other values give another forecast.
    other = copy.deepcopy(model)
    other.update(new, past_covariates=pd.DataFrame({"p": [9.0, -9.0]}, new.index))
    assert not np.allclose(updated.predict(fh=3), other.predict(fh=3))


def test_past_covariates_missing_rows_at_fit_raise():
    y = monthly(wave(30))
    past = pd.DataFrame({"p": np.zeros(29)}, index=y.index[:-1])
    with pytest.raises(ValueError, match=re.escape(str(y.index[-1]))):
        RNNForecaster(horizon=3, **FAST).fit(y, past_covariates=past)


# ----------------------------------------------------------------------------------
# 3. Padding and batch invariance
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head", [dict(head="direct"), dict(head="recurrent", attention="additive")]
)
def test_forecast_of_a_series_ignores_the_others(head):
    # Window 12: series of 7 and 9 observations read shorter (padded) histories.
    rng = np.random.default_rng(0)
    ys = [wave(n, noise=0.5, seed=n) for n in (30, 7, 14, 9, 50)]
    model = RNNForecaster(horizon=4, window_length=12, **head, **FAST).fit(ys)
    before = model.predict(fh=4)
    quantiles_before = model.predict_quantiles(fh=4, alpha=[0.1, 0.9])
    changed = copy.deepcopy(model)
    # New histories for the others (longer, at other levels): other padding.
    changed.update([None, rng.normal(size=3) + 40, None, None, rng.normal(size=20)])
    after = changed.predict(fh=4)
    quantiles_after = changed.predict_quantiles(fh=4, alpha=[0.1, 0.9])
    for i in (0, 2, 3):  # untouched
        np.testing.assert_allclose(after[i], before[i], rtol=1e-5)
        np.testing.assert_allclose(quantiles_after[i], quantiles_before[i], rtol=1e-5)
    for i in (1, 4):  # updated
        assert not np.allclose(after[i], before[i])


def test_forecast_of_each_series_whatever_the_padding_of_the_others():
    ys = [wave(n, noise=0.5, seed=n) for n in (30, 7, 14)]
    model = RNNForecaster(horizon=3, window_length=12, **FAST).fit(ys)
    together = model.predict(fh=3)
    for i in range(3):
        others = copy.deepcopy(model)
        # Every other series' window full (12 new values): other padding around it.
        others.update([None if j == i else wave(12, seed=j) for j in range(3)])
        np.testing.assert_allclose(others.predict(fh=3)[i], together[i], rtol=1e-5)


def test_short_series_down_to_half_a_window():
    # window_length=12: at least 6 observations of history and one to learn from.
    model = RNNForecaster(horizon=3, window_length=12, **FAST)
    model.fit([wave(30), wave(7)])
    assert np.isfinite(model.predict(fh=3)[1]).all()
    with pytest.raises(ValueError, match="window_length"):
        RNNForecaster(horizon=3, window_length=12, **FAST).fit([wave(30), wave(6)])
    with pytest.raises(ValueError, match="window_length"):
        RNNForecaster(horizon=3, window_length=12, **FAST).fit(wave(6))


# ----------------------------------------------------------------------------------
# 4. update without refitting
# ----------------------------------------------------------------------------------


def test_update_conditions_without_refitting(monthly_model):
    fitted, y = monthly_model
    model = copy.deepcopy(fitted)
    weights = state(model)
    before = model.predict(fh=[1, 2])
    new = monthly(wave(5, level=30.0), start=str(y.index[-1] + 1))
    assert model.update(new) is model
    for key, value in state(model).items():
        assert torch.equal(value, weights[key]), key
    assert model.cutoff_ == y.index[-1] + 5 == new.index[-1]
    after = model.predict(fh=[1, 2])
    assert list(after.index) == [new.index[-1] + 1, new.index[-1] + 2]
    assert not np.allclose(after.to_numpy(), before.to_numpy())
    # The fitted model itself is untouched.
    pd.testing.assert_series_equal(fitted.predict(fh=[1, 2]), before)


def test_update_in_pieces_equals_update_at_once(monthly_model):
    fitted, y = monthly_model
    new = monthly(wave(7, level=12.0, seed=3, noise=1.0), start=str(y.index[-1] + 1))
    once = copy.deepcopy(fitted).update(new)
    pieces = copy.deepcopy(fitted).update(new.iloc[:3]).update(new.iloc[3:])
    assert once.cutoff_ == pieces.cutoff_
    pd.testing.assert_series_equal(once.predict(fh=4), pieces.predict(fh=4))
    pd.testing.assert_frame_equal(
        once.predict_interval(fh=4, coverage=0.8),
        pieces.predict_interval(fh=4, coverage=0.8),
    )


def test_update_arrays(array_model):
    fitted, y = array_model
    model = copy.deepcopy(fitted)
    model.update(np.column_stack([wave(3), wave(3, level=50.0)]))
    assert model.cutoff_ == len(y) - 1 + 3
    assert model.predict(fh=2).shape == (2, 2)
    with pytest.raises(ValueError):
        model.update(wave(3))  # a 1D array for a 2D fit


@pytest.mark.parametrize("offset", [1, 2, -1, -3])
def test_update_must_continue_the_index(monthly_model, offset):
    fitted, y = monthly_model
    model = copy.deepcopy(fitted)
    gap = monthly([1.0, 2.0], start=str(y.index[-1] + 1 + offset))
    with pytest.raises(ValueError, match="continue"):
        model.update(gap)
    assert model.cutoff_ == y.index[-1]  # nothing changed


def test_update_a_list_with_none_for_unchanged_series():
    a = monthly(wave(30), name="a")
    b = monthly(wave(24, level=40.0), start="2021-01", name="b")
    model = RNNForecaster(horizon=3, window_length=8, **FAST).fit([a, b])
    before = model.predict(fh=2)
    new_b = monthly([41.0, 43.0, 39.0], start=str(b.index[-1] + 1), name="b")
    model.update([None, new_b])
    assert model.cutoff_ == [a.index[-1], new_b.index[-1]]
    after = model.predict(fh=2)
    pd.testing.assert_series_equal(after[0], before[0])
    assert after[1].index[0] == new_b.index[-1] + 1
    with pytest.raises(ValueError, match="list"):
        model.update(new_b)
    with pytest.raises(ValueError, match="list"):
        model.update([new_b])


def test_update_a_dataframe():
    index = pd.period_range("2020-01", periods=36, freq="M")
    y = pd.DataFrame({"a": wave(36), "b": wave(36, level=50.0)}, index=index)
    model = RNNForecaster(horizon=3, **FAST).fit(y)
    new = pd.DataFrame(
        {"a": [1.0, 2.0], "b": [3.0, 4.0]},
        index=pd.period_range(index[-1] + 1, periods=2, freq="M"),
    )
    model.update(new)
    assert model.cutoff_ == new.index[-1]
    assert list(model.predict(fh=1).index) == [new.index[-1] + 1]


def test_update_one_dated_observation_without_freq():
    index = pd.date_range("2020-01-01", periods=36, freq="MS")
    y = pd.Series(wave(36), index=index)
    model = RNNForecaster(horizon=3, **FAST).fit(y)
    model.update(pd.Series([12.0], index=pd.DatetimeIndex(["2023-01-01"])))
    assert model.cutoff_ == pd.Timestamp("2023-01-01")


@pytest.mark.parametrize(
    "index, new_index",
    [
        (pd.RangeIndex(0, 150, 5), pd.Index([150, 151, 152])),
        (
            pd.date_range("2020-01-01", periods=30, freq="MS"),
            pd.date_range("2022-07-01", periods=3, freq="D"),
        ),
    ],
    ids=["integer", "datetime"],
)
def test_update_with_other_spacing_raises(index, new_index):
    model = RNNForecaster(horizon=3, **FAST).fit(pd.Series(wave(30), index=index))
    new = pd.Series([1.0, 2.0, 3.0], index=new_index)
    try:
        model.update(new)
    except ValueError:
        return
    assert model.cutoff_ == new_index[-1]


def test_update_datetime_with_frequency():
    index = pd.date_range("2020-01-01", periods=36, freq="MS")
    y = pd.Series(wave(36), index=index)
    model = RNNForecaster(horizon=3, **FAST).fit(y)
    model.update(
        pd.Series([12.0, 13.0], index=pd.date_range("2023-01-01", periods=2, freq="MS"))
    )
    assert model.cutoff_ == pd.Timestamp("2023-02-01")
    assert model.predict(fh=1).index[0] == pd.Timestamp("2023-03-01")


# ----------------------------------------------------------------------------------
# 5. Quantiles and intervals
# ----------------------------------------------------------------------------------

ALPHAS = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.75, 0.9, 0.975]


def test_quantiles_increase_with_alpha(array_model):
    model, _ = array_model
    q = model.predict_quantiles(fh=4, alpha=ALPHAS)
    assert q.shape == (4, 2, len(ALPHAS))
    assert (np.diff(q, axis=-1) >= 0).all()
    np.testing.assert_allclose(q[..., ALPHAS.index(0.5)], model.predict(fh=4))


@pytest.mark.parametrize("coverage", [0.5, 0.8, 0.9])
def test_interval_contains_the_point_forecast(coverage):
    model = RNNForecaster(horizon=5, **FAST).fit(wave(50, noise=0.5))
    bounds = model.predict_interval(fh=5, coverage=coverage)
    point = model.predict(fh=5)
    assert bounds.shape == (5, 2)
    assert (bounds[:, 0] <= point).all()
    assert (point <= bounds[:, 1]).all()
    assert (bounds[:, 0] < bounds[:, 1]).all()
    # Nested: a wider coverage holds a narrower one.
    several = model.predict_interval(fh=5, coverage=[0.5, coverage])
    assert several.shape == (5, 2, 2)
    assert (several[:, 1, 0] <= several[:, 0, 0]).all()
    assert (several[:, 0, 1] <= several[:, 1, 1]).all()


def test_pandas_quantile_and_interval_layout(monthly_model):
    model, _ = monthly_model
    point = model.predict(fh=[1, 2])
    q = model.predict_quantiles(fh=[1, 2], alpha=[0.1, 0.5, 0.9])
    assert list(q.columns) == [("sales", 0.1), ("sales", 0.5), ("sales", 0.9)]
    assert isinstance(q.columns, pd.MultiIndex)
    assert q.index.equals(point.index)
    np.testing.assert_allclose(q[("sales", 0.5)].to_numpy(), point.to_numpy())
    i = model.predict_interval(fh=[1, 2], coverage=[0.5, 0.9])
    assert isinstance(i.columns, pd.MultiIndex)
    assert list(i.columns) == [
        ("sales", 0.5, "lower"),
        ("sales", 0.5, "upper"),
        ("sales", 0.9, "lower"),
        ("sales", 0.9, "upper"),
    ]
    assert i.index.equals(point.index)
    np.testing.assert_allclose(
        i[("sales", 0.9, "lower")].to_numpy(),
        model.predict_quantiles(fh=[1, 2], alpha=0.05)[("sales", 0.05)].to_numpy(),
    )


def test_alpha_between_learned_levels_is_interpolated(monthly_model):
    model, _ = monthly_model
    assert 0.3 not in model.quantiles_
    q = model.predict_quantiles(fh=4, alpha=[0.25, 0.3, 0.5]).to_numpy()
    assert (q[:, 0] <= q[:, 1]).all()
    assert (q[:, 1] <= q[:, 2]).all()
    assert (q[:, 0] < q[:, 2]).all()
    # Linear in the level: 0.3 is a fifth of the way from 0.25 to 0.5.
    np.testing.assert_allclose(q[:, 1], q[:, 0] + 0.2 * (q[:, 2] - q[:, 0]))


@pytest.mark.parametrize("alpha", [0.01, 0.99, [0.5, 0.999]])
def test_alpha_outside_the_learned_levels_raises(monthly_model, alpha):
    model, _ = monthly_model
    with pytest.raises(ValueError, match="alpha"):
        model.predict_quantiles(fh=2, alpha=alpha)


@pytest.mark.parametrize("coverage", [0.99, 0.0, 1.0, 1.5])
def test_coverage_outside_the_learned_levels_raises(monthly_model, coverage):
    model, _ = monthly_model
    with pytest.raises(ValueError):
        model.predict_interval(fh=2, coverage=coverage)


@pytest.mark.parametrize(
    "quantiles",
    [(0.5, 0.1), (0.1, 0.5, 0.5), (0.0, 0.5), (0.5, 1.0), (-0.1, 0.5), ()],
)
def test_bad_quantiles_raise_at_fit(quantiles):
    model = RNNForecaster(quantiles=quantiles, **FAST)
    with pytest.raises(ValueError, match="quantiles"):
        model.fit(wave(40))
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


def test_custom_quantiles_are_learned():
    model = RNNForecaster(quantiles=[0.1, 0.5, 0.9], horizon=3, **FAST)
    model.fit(wave(40))
    np.testing.assert_array_equal(model.quantiles_, [0.1, 0.5, 0.9])
    assert model.predict_interval(fh=3, coverage=0.8).shape == (3, 2)
    with pytest.raises(ValueError, match="alpha"):
        model.predict_interval(fh=3, coverage=0.9)


def test_quantiles_without_the_median():
    model = RNNForecaster(quantiles=(0.1, 0.3), horizon=3, early_stopping=False, **FAST)
    try:
        model.fit(wave(40))
    except ValueError as error:  # refusing them at fit is fine too
        assert "quantiles" in str(error)
        return
    assert np.isfinite(model.predict(fh=2)).all()


def test_unnamed_series_quantile_columns_are_sktime_s():
    model = RNNForecaster(horizon=3, **FAST).fit(monthly(wave(40), name=None))
    columns = model.predict_quantiles(fh=2, alpha=[0.1]).columns.tolist()
    assert columns == [(0, 0.1)]
    columns = model.predict_interval(fh=2, coverage=0.9).columns.tolist()
    assert columns == [(0, 0.9, "lower"), (0, 0.9, "upper")]


def test_calibration_scales_only_with_a_held_out_tail():
    y = wave(80, noise=0.5)
    held_out = RNNForecaster(horizon=4, early_stopping=True, **FAST).fit(y)
    scale = held_out.quantile_scale_
    assert scale.shape == (4, 9)  # per step ahead and quantile
    assert (scale[:, 4] == 1.0).all()  # the median is never moved
    assert (scale >= 0).all()
    q = held_out.predict_quantiles(fh=4, alpha=ALPHAS)
    assert (np.diff(q, axis=-1) >= 0).all()
    no_split = RNNForecaster(horizon=4, early_stopping=False, **FAST).fit(y)
    np.testing.assert_array_equal(no_split.quantile_scale_, np.ones((4, 9)))
    uncalibrated = RNNForecaster(
        horizon=4, early_stopping=True, calibrate=False, **FAST
    ).fit(y)
    np.testing.assert_array_equal(uncalibrated.quantile_scale_, np.ones((4, 9)))
    # The same network: the same median, other intervals.
    assert not np.all(scale == 1)
    np.testing.assert_allclose(held_out.predict(fh=4), uncalibrated.predict(fh=4))
    assert not np.allclose(
        held_out.predict_interval(fh=4), uncalibrated.predict_interval(fh=4)
    )


def test_refit_trains_on_the_held_out_end_for_the_kept_epochs():
    y = wave(80, noise=0.5)
    settings = dict(SMALL, max_iter=6, horizon=4, early_stopping=True)
    held_out = RNNForecaster(**settings).fit(y)
    kept = dict(held_out.net_.callbacks_)["stopping"].best_epoch_
    final = RNNForecaster(refit=True, **settings).fit(y)
    # The final network trained on every origin, without a validation split,
    # for the epochs the stopping rule kept; the held-out record stays.
    assert final.n_iter_ == kept
    assert all("valid_loss" not in row for row in final.net_.history)
    assert final.validation_scores_ == held_out.validation_scores_
    np.testing.assert_array_equal(final.quantile_scale_, held_out.quantile_scale_)
    assert not hasattr(final, "_final_epochs")
    # Its training origins include those of the held-out end: one per step
    # after the first half window.
    assert not np.allclose(final.predict(fh=4), held_out.predict(fh=4))


def test_quantiles_only_up_to_the_horizon_points_beyond(monthly_model):
    model, _ = monthly_model
    assert model.horizon_ == 4
    with pytest.raises(ValueError, match="horizon_"):
        model.predict_quantiles(fh=5)
    with pytest.raises(ValueError, match="horizon_"):
        model.predict_interval(fh=[1, 9])
    far = model.predict(fh=11)  # iterated, block by block
    assert len(far) == 11
    assert np.isfinite(far.to_numpy()).all()
    pd.testing.assert_series_equal(far.iloc[:4], model.predict(fh=4))


# ----------------------------------------------------------------------------------
# 6. sktime
# ----------------------------------------------------------------------------------


def sktime_forecaster(**params):
    module = pytest.importorskip("sklearn_rnn.forecasting._sktime")
    return module.SktimeRNNForecaster(
        RNNForecaster(**{"horizon": 3, **FAST, "max_iter": 3, **params})
    )


def test_sktime_evaluate_refit_and_update():
    evaluation = pytest.importorskip("sktime.forecasting.model_evaluation")
    from sktime.datasets import load_airline
    from sktime.split import ExpandingWindowSplitter

    y = load_airline()
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=120, step_length=8)
    n_folds = cv.get_n_splits(y)
    assert n_folds == 3
    results = {}
    for strategy in ("refit", "update"):
        result = evaluation.evaluate(sktime_forecaster(), cv, y, strategy=strategy)
        errors = result.filter(like="test_").iloc[:, 0].to_numpy(dtype=float)
        assert len(errors) == n_folds
        assert np.isfinite(errors).all()
        assert (errors < 1.0).all()  # the MAPE of a forecast near the level
        results[strategy] = errors
    # The first fold is the same fit; later ones refit or only condition.
    assert results["refit"][0] == pytest.approx(results["update"][0])
    assert not np.allclose(results["refit"][1:], results["update"][1:])


def test_sktime_indexes_are_the_absolute_horizon():
    fh_module = pytest.importorskip("sktime.forecasting.base")
    y = monthly(wave(48, noise=0.3), name="y")
    fh = fh_module.ForecastingHorizon([1, 3], is_relative=True)
    forecaster = sktime_forecaster().fit(y, fh=fh)
    expected = fh.to_absolute_index(forecaster.cutoff)
    point = forecaster.predict()
    assert point.index.equals(expected)
    assert point.name == "y"
    interval = forecaster.predict_interval(coverage=0.8)
    quantiles = forecaster.predict_quantiles(alpha=[0.1, 0.9])
    assert interval.index.equals(expected)
    assert quantiles.index.equals(expected)
    assert (interval.iloc[:, 0] <= point).all()
    assert (point <= interval.iloc[:, 1]).all()
    # The inner forecaster gives the same numbers.
    np.testing.assert_allclose(
        point.to_numpy(), forecaster.forecaster_.predict(fh=[1, 3]).to_numpy()
    )
    # update moves the cutoff, and the labels with it.
    forecaster.update(monthly([11.0, 12.0], start="2024-01", name="y"))
    assert forecaster.predict().index.equals(fh.to_absolute_index(forecaster.cutoff))
    assert forecaster.predict().index[0] == pd.Period("2024-03", freq="M")


def test_sktime_panel_keeps_the_instance_level():
    fh_module = pytest.importorskip("sktime.forecasting.base")
    time_index = pd.period_range("2000-01", periods=40, freq="M")
    index = pd.MultiIndex.from_product([["a", "b"], time_index])
    y = pd.DataFrame({"v": np.r_[wave(40), wave(40, level=60.0)]}, index=index)
    fh = fh_module.ForecastingHorizon([1, 2, 3], is_relative=True)
    forecaster = sktime_forecaster().fit(y, fh=fh)
    pred = forecaster.predict()
    assert isinstance(pred.index, pd.MultiIndex)
    assert list(pred.index.get_level_values(0).unique()) == ["a", "b"]
    assert list(pred.columns) == ["v"]
    expected = fh.to_absolute_index(forecaster.cutoff)
    for instance in ("a", "b"):
        assert pred.loc[instance].index.equals(expected)
    assert (pred.loc["b", "v"] > pred.loc["a", "v"] + 30).all()
    interval = forecaster.predict_interval(coverage=0.9)
    assert interval.index.equals(pred.index)
    assert (interval.iloc[:, 0] <= pred["v"]).all()
    quantiles = forecaster.predict_quantiles(alpha=[0.25, 0.75])
    assert quantiles.index.equals(pred.index)


def test_sktime_update_of_one_dated_observation():
    pytest.importorskip("sktime")
    y = pd.Series(wave(40), index=pd.date_range("2020-01-01", periods=40, freq="MS"))
    forecaster = sktime_forecaster().fit(y.iloc[:36], fh=[1, 2])
    forecaster.update(y.iloc[36:37])
    assert forecaster.forecaster_.cutoff_ == y.index[36]
    assert list(forecaster.predict().index) == list(y.index[37:39])
    # Observations the forecaster has are sent again by sktime: only later count.
    forecaster.update(y.iloc[:39])
    assert forecaster.forecaster_.cutoff_ == y.index[38]


def run_sktime_checks(tests):
    checks = pytest.importorskip("sktime.utils.estimator_checks")
    module = pytest.importorskip("sklearn_rnn.forecasting._sktime")
    results = checks.check_estimator(
        module.SktimeRNNForecaster, raise_exceptions=True, tests_to_run=tests
    )
    ran = {name.split("[")[0] for name in results}
    if parse_version(sktime_version()) >= parse_version("1.0"):
        assert ran == set(tests)  # every name exists in this sktime
    else:  # older ones lack some of them
        assert ran and ran <= set(tests)
    assert all(outcome == "PASSED" for outcome in results.values())


def sktime_version() -> str:
    return pytest.importorskip("sktime").__version__


def test_sktime_conformance():
    # 102 cases, 8 to 13 s on one core.
    run_sktime_checks(
        [
            "test_fit_returns_self",
            "test_clone",
            "test_predict_interval",
            "test_predict_quantiles",
            "test_update_predict_single",
            "test_cutoff",
        ]
    )


@pytest.mark.slow
def test_sktime_conformance_indexes():
    # 264 cases, 12 to 20 s on one core (shared with other jobs).
    run_sktime_checks(
        ["test_predict_time_index", "test_update_predict_predicted_index"]
    )


# ----------------------------------------------------------------------------------
# 7. Errors in the data
# ----------------------------------------------------------------------------------


def test_nan_in_y_raises_naming_the_row():
    y = wave(40)
    y[17] = np.nan
    with pytest.raises(ValueError, match="row 17"):
        RNNForecaster(**FAST).fit(y)
    with pytest.raises(ValueError, match="row 17"):
        RNNForecaster(**FAST).fit(monthly(y))
    y[17] = np.inf
    with pytest.raises(ValueError, match="infinite"):
        RNNForecaster(**FAST).fit(y)


@pytest.mark.parametrize(
    "y",
    [
        pd.Series(list("abcdefghijklmnop")),
        np.array(list("abcdefghijklmnop")),
        pd.Series([object()] * 20),
    ],
    ids=["str-series", "str-array", "object"],
)
def test_non_numeric_y_raises_type_error(y):
    with pytest.raises(TypeError, match="numbers"):
        RNNForecaster(**FAST).fit(y)


@pytest.mark.parametrize(
    "y",
    [pd.Series([], dtype=float), np.array([]), [], np.empty((0, 2))],
    ids=["series", "array", "list", "2d"],
)
def test_empty_y_raises(y):
    with pytest.raises(ValueError, match="empty"):
        RNNForecaster(**FAST).fit(y)


def test_empty_untyped_series_raises_value_error():
    with pytest.raises(ValueError, match="empty"):
        RNNForecaster(**FAST).fit(pd.Series([]))


def test_irregular_datetime_index_raises():
    dates = pd.to_datetime(["2020-01-01", "2020-01-03", "2020-01-04", "2020-01-09"])
    dates = dates.append(pd.date_range("2020-02-01", periods=20, freq="D"))
    with pytest.raises(ValueError, match="frequency"):
        RNNForecaster(**FAST).fit(pd.Series(wave(len(dates)), index=dates))


def test_uneven_integer_index_raises():
    index = pd.Index(np.r_[np.arange(10), np.arange(12, 32)])
    with pytest.raises(ValueError, match="evenly spaced"):
        RNNForecaster(**FAST).fit(pd.Series(wave(30), index=index))


def test_early_stopping_needs_series_long_enough_to_hold_out():
    model = RNNForecaster(horizon=4, window_length=12, early_stopping=True, **FAST)
    with pytest.raises(ValueError, match="early_stopping"):
        model.fit(wave(9))
    with pytest.raises(NotFittedError):
        check_is_fitted(model)


# ----------------------------------------------------------------------------------
# 8. scikit-learn conventions
# ----------------------------------------------------------------------------------


def test_clone_and_params(monthly_model):
    model, _ = monthly_model
    copy_ = clone(model)
    with pytest.raises(NotFittedError):
        check_is_fitted(copy_)
    with pytest.raises(NotFittedError):
        copy_.predict(fh=2)
    assert copy_.get_params() == model.get_params()
    params = model.get_params()
    assert params["horizon"] == 4
    assert params["hidden_size"] == 8
    other = RNNForecaster().set_params(**params)
    assert other.get_params() == params
    other.set_params(hidden_size=4, quantiles=(0.2, 0.5, 0.8))
    assert other.get_params()["hidden_size"] == 4
    assert other.get_params()["quantiles"] == (0.2, 0.5, 0.8)


@pytest.mark.parametrize(
    "params",
    [dict(horizon=0), dict(window_length=0), dict(head="wide"), dict(attention="x")],
)
def test_invalid_parameters_raise(params):
    with pytest.raises(InvalidParameterError):
        RNNForecaster(**params, **FAST).fit(wave(40))


def test_pickle_round_trip(monthly_model):
    model, _ = monthly_model
    restored = pickle.loads(pickle.dumps(model))
    pd.testing.assert_series_equal(restored.predict(fh=6), model.predict(fh=6))
    pd.testing.assert_frame_equal(
        restored.predict_interval(fh=4, coverage=[0.5, 0.9]),
        model.predict_interval(fh=4, coverage=[0.5, 0.9]),
    )
    assert restored.cutoff_ == model.cutoff_
    new = monthly([9.0, 8.0], start="2024-01")
    pd.testing.assert_series_equal(
        copy.deepcopy(restored).update(new).predict(fh=3),
        copy.deepcopy(model).update(new).predict(fh=3),
    )


def test_same_random_state_same_forecasts():
    y = wave(48, noise=0.5)
    first = RNNForecaster(horizon=4, **FAST).fit(y)
    second = RNNForecaster(horizon=4, **FAST).fit(y)
    np.testing.assert_array_equal(first.predict(fh=4), second.predict(fh=4))
    assert first.loss_curve_ == second.loss_curve_
    third = RNNForecaster(horizon=4, **dict(FAST, random_state=1)).fit(y)
    assert not np.array_equal(first.predict(fh=4), third.predict(fh=4))


def test_inputs_are_not_mutated():
    rng = np.random.default_rng(0)
    y = monthly(wave(40, noise=0.2))
    X = pd.DataFrame(
        {"x": rng.normal(size=46)},
        index=pd.period_range(y.index[0], periods=46, freq="M"),
    )
    y_copy, X_copy = y.copy(deep=True), X.copy(deep=True)
    model = RNNForecaster(horizon=3, **FAST).fit(y, X.iloc[:40])
    model.predict(fh=3, X=X.iloc[40:])
    model.predict_interval(fh=3, X=X)
    new = monthly([1.0, 2.0, 3.0], start=str(y.index[-1] + 1))
    new_copy = new.copy(deep=True)
    model.update(new, X.iloc[40:43])
    pd.testing.assert_series_equal(y, y_copy)
    pd.testing.assert_frame_equal(X, X_copy)
    pd.testing.assert_series_equal(new, new_copy)
    arr = wave(40)
    arr_copy = arr.copy()
    X_arr = rng.normal(size=(40, 2))
    X_arr_copy = X_arr.copy()
    arr_model = RNNForecaster(horizon=3, **FAST).fit(arr, X_arr)
    arr_model.predict(fh=2, X=X_arr[:2])
    arr_model.update(arr[:5], X_arr[:5])
    np.testing.assert_array_equal(arr, arr_copy)
    np.testing.assert_array_equal(X_arr, X_arr_copy)


@pytest.mark.parametrize(
    "make_y, period, horizon, window",
    [
        (lambda: monthly(wave(48)), 12, 12, 36),
        (
            lambda: pd.Series(
                wave(40, period=4),
                index=pd.period_range("2000Q1", periods=40, freq="Q"),
            ),
            4,
            4,
            12,
        ),
        (
            lambda: pd.Series(
                wave(40, period=4),
                index=pd.date_range("2000-01-01", periods=40, freq="QS"),
            ),
            4,
            4,
            12,
        ),
        (lambda: wave(48), 1, 10, 30),
        (lambda: wave(20), 1, 5, 15),
        (lambda: monthly(wave(14)), 12, 12, 26),
    ],
    ids=["monthly", "quarterly", "quarter-start", "array", "short-array", "short"],
)
def test_fitted_attributes(make_y, period, horizon, window):
    model = RNNForecaster(**FAST).fit(make_y())
    assert model.seasonal_period_ == period
    assert model.horizon_ == horizon
    assert model.window_length_ == window
    assert model.n_series_ == 1
    np.testing.assert_array_equal(
        model.quantiles_, [0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975]
    )
    assert model.n_iter_ == 2
    assert len(model.loss_curve_) == 2
    assert model.n_past_covariates_ == 0
    assert not hasattr(model, "n_features_in_")


@pytest.mark.parametrize(
    "freq, period",
    [
        ("W", 52),
        ("D", 7),
        ("h", 24),
        ("B", 5),
        ("min", 60),
        pytest.param(
            "ME",
            12,
            marks=pytest.mark.skipif(
                parse_version(pd.__version__) < parse_version("2.2"),
                reason='pandas < 2.2 spells month ends "M"',
            ),
        ),
        ("MS", 12),
        ("YS", 1),
    ],
)
def test_seasonal_period_of_the_frequency(freq, period):
    index = pd.date_range("2020-01-06", periods=30, freq=freq)
    model = RNNForecaster(horizon=2, window_length=4, **FAST)
    model.fit(pd.Series(wave(30), index=index))
    assert model.seasonal_period_ == period
    assert model.predict(fh=1).index[0] == index[-1] + index.freq


def test_explicit_seasonal_period_sets_the_auto_shape():
    model = RNNForecaster(seasonal_period=7, **FAST).fit(wave(60))
    assert (model.seasonal_period_, model.horizon_, model.window_length_) == (7, 7, 21)


def test_warm_start_continues_training():
    y = wave(48, noise=0.3)
    model = RNNForecaster(horizon=4, warm_start=True, **FAST).fit(y)
    first_curve = list(model.loss_curve_)
    weights = state(model)
    model.fit(y)
    assert model.n_iter_ == 4
    assert model.loss_curve_[:2] == first_curve
    assert len(model.loss_curve_) == 4
    assert any(not torch.equal(v, weights[k]) for k, v in state(model).items())
    # Not warm: a new network each fit.
    cold = RNNForecaster(horizon=4, **FAST).fit(y).fit(y)
    assert cold.n_iter_ == 2


@pytest.mark.parametrize("attention", ["none", "additive", "multiplicative"])
def test_recurrent_head(attention):
    rng = np.random.default_rng(0)
    y, X = monthly(wave(40, noise=0.2)), rng.normal(size=(46, 1))
    X = pd.DataFrame(X, index=pd.period_range(y.index[0], periods=46, freq="M"))
    model = RNNForecaster(horizon=6, head="recurrent", attention=attention, **FAST)
    model.fit(y, X.iloc[:40])
    pred = model.predict(fh=6, X=X)
    assert len(pred) == 6
    assert np.isfinite(pred.to_numpy()).all()
    q = model.predict_quantiles(fh=6, X=X, alpha=ALPHAS).to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()


def test_early_stopping_never_trains_on_held_out_targets():
    y = wave(80, noise=0.2)
    changed = y.copy()
    changed[-8:] += 1000.0  # validation_fraction 0.1 of 80: the last 8 held out
    params = dict(horizon=4, window_length=12, early_stopping=True, **FAST)
    params["max_iter"] = 4
    a = RNNForecaster(**params).fit(y)
    b = RNNForecaster(**params).fit(changed)
    assert a.n_iter_ == b.n_iter_ == 4
    assert len(a.validation_scores_) == 4
    assert len(a.validation_loss_curve_) == 4
    assert a.loss_curve_ == b.loss_curve_
    assert not np.allclose(a.validation_scores_, b.validation_scores_)
    assert b.validation_scores_[-1] < a.validation_scores_[-1]
    # Without early stopping, the last values are trained on.
    c = RNNForecaster(**dict(params, early_stopping=False)).fit(changed)
    assert c.validation_scores_ is None


# ----------------------------------------------------------------------------------
# 9. Learning
# ----------------------------------------------------------------------------------


def test_seasonal_series_with_trend_beats_the_naive_forecast():
    full = wave(132, level=50.0, amplitude=10.0, trend=0.5)
    y = monthly(full[:120])
    model = RNNForecaster(hidden_size=16, max_iter=30, random_state=0, device="cpu")
    model.fit(y)
    assert model.horizon_ == 12
    pred = model.predict(fh=12).to_numpy()
    mae = np.abs(pred - full[120:]).mean()
    naive = np.abs(full[119] - full[120:]).mean()
    assert mae < 0.2 * naive


def test_a_covariate_constant_in_training_is_ignored_with_a_warning():
    # A law in force only since the held-out end: its weights never trained, so
    # a new value at prediction must not move the forecast by chance.
    y = wave(60, noise=0.3)
    law = np.zeros((60, 1))
    law[55:] = 1.0  # inside the held-out end (its last 10%: 6 steps)
    model = RNNForecaster(horizon=4, early_stopping=True, **FAST)
    with pytest.warns(UserWarning, match="X column 0 never change"):
        model.fit(y, law)
    np.testing.assert_allclose(
        model.predict(fh=4, X=np.zeros((4, 1))),
        model.predict(fh=4, X=np.full((4, 1), 5.0)),
    )
    # Seen changing in training, it is read.
    seen = RNNForecaster(horizon=4, early_stopping=False, **FAST).fit(y, law)
    assert not np.allclose(
        seen.predict(fh=4, X=np.zeros((4, 1))),
        seen.predict(fh=4, X=np.full((4, 1), 5.0)),
    )
