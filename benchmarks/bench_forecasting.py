"""Rolling-origin forecasting benchmark of RNNForecaster against classical baselines.

``python benchmarks/bench_forecasting.py`` backtests every forecasting task of
:mod:`_forecast_data` (10 data sets: two with covariates, two multi-series) with
the networks of :func:`rnn_models` and six baselines fitted in the same run, and
prints one table per metric (rows: tasks, columns: models).

Backtest
--------
For a task of horizon h and n origins (3 by default, ``--origins``; 1 with
``--fast``), origin k = 0..n-1 trains on ``y[:T - (n - k) * h]`` and forecasts the
next h points: n non-overlapping test windows that end with the series. A
multi-series task cuts every series the same way from its own end (so series of
different lengths keep their own dates). Each model is fitted afresh at each
origin. A model that fails at an origin is printed and left out of that origin's
average (its cells then carry a ``*``); the run goes on.

Metrics (each averaged over the series of a multi-series task, then over origins)
-------------------------------------------------------------------------------
* **sMAPE** (%, 0-200): mean of ``200 |y - f| / (|y| + |f|)`` over the h steps (a
  step where both are 0 counts 0). Unstable where the series crosses zero
  (uschange).
* **MASE**: MAE over the h steps / the in-sample MAE of the seasonal-naive forecast
  of lag ``sp`` on that origin's training data (``sp=1``: the naive forecast).
* **cover80** (%): the share of test points inside the model's 80% interval, for
  the models that give one (ETS, ARIMA, the networks); the target is 80.
* **width80**: the mean width of that interval divided by MASE's scale (so that it
  compares across series; 2.56 would be a +/-1.28 scale band).
* **seconds**: fit + forecast time over all origins (and series).

Models
------
* **naive**: the last value. **snaive**: the value ``sp`` steps earlier (the last
  season repeated; ``naive`` when ``sp=1``).
* **ETS**: statsmodels' state-space ``ETSModel`` (the Holt-Winters
  ``ExponentialSmoothing`` class does not import beside pandas 3 in statsmodels
  0.14.4): additive damped trend; a seasonal component of period ``sp`` when
  ``sp > 1``, the training data span 3 seasons and pass the seasonal-strength test
  below, multiplicative (with multiplicative errors) when the series is positive,
  else additive. If a fit fails or forecasts non-finite or absurd values (beyond
  10x the largest training value), the next of: without the season, then simple
  exponential smoothing. 80% interval: ``get_prediction(...).summary_frame(alpha=
  0.2)``, exact for additive models, simulated (1,000 paths, seeded) otherwise.
* **ARIMA**: statsmodels ``SARIMAX``, a tiny auto-ARIMA: log of the series when it
  is positive; seasonal differencing and a seasonal MA(1) ``(0,1,1)_sp`` when the
  season passes the seasonal-strength test (classical decomposition of the
  (log) training data, strength ``1 - Var(remainder) / Var(detrended) >= 0.64``, as
  forecast::nsdiffs' heuristic); the number of differences d (0-2) by KPSS tests
  at 5% (statistic > 0.463, ``trunc(3 sqrt(n) / 13)`` lags, as forecast::ndiffs);
  a constant when d + D = 0 and a drift when d + D = 1; then (p, q) among
  (0,0) (1,0) (0,1) (1,1) (2,0) (2,1) by AIC. Future-known covariates enter as
  exog (regression with ARIMA errors; a covariate constant in the training data is
  left out). 80% interval: ``get_forecast(h).conf_int(alpha=0.2)``, exponentiated
  after a log. Past covariates are not used (they would need their own forecasts).
* **ridge**: ``RidgeCV`` (alphas 1e-3..1e3) on the last L values, direct
  multi-output for the h steps, ``L = max(2 sp, 2 h, 4)`` shortened to leave at
  least L training windows (shampoo: 6); each window (inputs and targets) divided
  by the mean of its L inputs, or, for a series that is not positive, shifted by
  it. One model per series. No covariates, no interval.
* **ridge-global** (multi-series tasks only): the same, one model on the windows of
  all series (L from the shortest series).
* **RNN** rows: the factories of :func:`rnn_models` (``--seeds`` seeds each, the
  table shows the mean over seeds), fitted and asked for forecasts only through
  :func:`rnn_fit_predict`. Skipped with a note when ``from sklearn_rnn import
  RNNForecaster`` fails, or with ``--no-rnn``.

After the tables, a summary line per network: on how many tasks its MASE beats
seasonal naive, on how many it lies within 5% of min(ETS, ARIMA), and, per
multi-series task, whether the (global) network beats per-series ridge; and whether
the global ridge beats the per-series one.

Data
----
See :mod:`_forecast_data`: ``../shared/data/forecasting`` beside the repository
(Airline, Lynx, ShampooSales), the sktime wheel (Uschange, seatbelts, the
hierarchical sales toy data) and statsmodels' bundled data (co2, sunspots, elnino,
macrodata). A task whose data is missing is skipped with the reason.

Options
-------
``--tasks a,b`` and ``--models a,b`` select (case-insensitive names, as in the
tables); ``--origins N`` overrides the tasks' origins; ``--fast`` uses 1 origin and
the networks' fast settings; ``--seeds N`` fits each network with seeds 0..N-1;
``--no-rnn`` runs the baselines only. Torch and BLAS run on 1 thread.

Usage::

    python benchmarks/bench_forecasting.py [--tasks airline,macro] [--models ...]
        [--origins N] [--seeds N] [--fast] [--no-rnn]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from _forecast_data import TASKS, ForecastTask, MissingData
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.linear_model import RidgeCV
from threadpoolctl import threadpool_limits

COVERAGE = 0.8
RIDGE_ALPHAS = np.logspace(-3, 3, 13)
ARIMA_ORDERS = ((0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (2, 1))
SEASONAL_STRENGTH = 0.64  # forecast::nsdiffs' heuristic threshold
KPSS_CRITICAL_5 = 0.463  # KPSS level-stationarity test, 5%
WITHIN = 1.05  # "within 5% of min(ETS, ARIMA)"

#: Settings every network gets with --fast (e.g. fewer epochs), merged into the
#: factories' arguments; edit once RNNForecaster's parameters settle.
FAST_RNN_PARAMS: dict = {}


class SeedAverage:
    """Networks that differ only in their seed, their forecasts averaged: the
    medians, and each interval bound (the average of the members' quantiles,
    Vincentization). The recipe of docs/forecasting.md for small data sets, where
    one network's forecasts depend much on its seed."""

    def __init__(self, make: Callable[[int], object], seeds: list[int]):
        self.members = [make(seed) for seed in seeds]

    def fit(self, y, **kwargs):
        for member in self.members:
            member.fit(y, **kwargs)
        return self

    def _mean(self, method: str, *args, **kwargs):
        outputs = [getattr(m, method)(*args, **kwargs) for m in self.members]
        if isinstance(outputs[0], list):  # one forecast per series
            return [np.mean(parts, axis=0) for parts in zip(*outputs, strict=True)]
        return np.mean(outputs, axis=0)

    def predict(self, fh, **kwargs):
        return self._mean("predict", fh, **kwargs)

    def predict_interval(self, fh, **kwargs):
        return self._mean("predict_interval", fh, **kwargs)


#: Other settings measured beside the defaults (name -> parameters; "seeds": n
#: averages n networks, see SeedAverage); more can be given on the command line
#: with --rnn NAME='{"hidden_size": 32}'.
RNN_CONFIGS: dict[str, dict] = {"RNN-avg3": {"seeds": 3}}


def rnn_models(fast: bool) -> dict[str, Callable[[ForecastTask, int], object]]:
    """Network name -> factory(task, seed) -> an unfitted estimator.

    Edit to add configurations; the import is deferred so that the baselines run
    without the estimator.
    """
    from sklearn_rnn import RNNForecaster

    extra = dict(FAST_RNN_PARAMS) if fast else {}
    configs = {"RNN-default": {}, **RNN_CONFIGS}

    def factory(params: dict):
        params = dict(params)
        n_seeds = params.pop("seeds", 1)

        def make(task, seed):
            def one(s):
                return RNNForecaster(
                    random_state=s,
                    horizon=task.horizon,
                    seasonal_period=task.sp,
                    **{**params, **extra},
                )

            if n_seeds == 1:
                return one(seed)
            return SeedAverage(one, [seed * 1000 + k for k in range(n_seeds)])

        return make

    return {name: factory(params) for name, params in configs.items()}


# --------------------------------------------------------------------------------------
# Backtest
# --------------------------------------------------------------------------------------


@dataclass
class Origin:
    """One rolling origin: every series' training part and the next h points,
    covariates as 2D float arrays (None when the task has none)."""

    k: int
    train: list[np.ndarray]
    test: list[np.ndarray]
    future_train: list[np.ndarray] | None
    future_test: list[np.ndarray] | None
    past_train: list[np.ndarray] | None


def make_origins(task: ForecastTask, n_origins: int) -> list[Origin]:
    h = task.horizon
    future, past = task.covariates("future"), task.covariates("past")
    origins = []
    for k in range(n_origins):
        cut = (n_origins - k) * h
        ends = [len(s) - cut for s in task.series]
        if n_origins < 1 or min(ends) < 2 * max(task.sp, 2):
            raise ValueError(f"{task.name}: too short for {n_origins} origins")

        def head(frames, ends=ends):
            if frames is None:
                return None
            return [np.asarray(f, float)[:e] for f, e in zip(frames, ends, strict=True)]

        origins.append(
            Origin(
                k=k,
                train=[
                    s.to_numpy(float)[:e]
                    for s, e in zip(task.series, ends, strict=True)
                ],
                test=[
                    s.to_numpy(float)[e : e + h]
                    for s, e in zip(task.series, ends, strict=True)
                ],
                future_train=head(future),
                future_test=None
                if future is None
                else [
                    np.asarray(f, float)[e : e + h]
                    for f, e in zip(future, ends, strict=True)
                ],
                past_train=head(past),
            )
        )
    return origins


@dataclass
class Forecast:
    """Point forecasts per series, optional 80% bounds, and notes (e.g. the form
    ETS or ARIMA chose) per series."""

    point: list[np.ndarray]
    lower: list[np.ndarray] | None = None
    upper: list[np.ndarray] | None = None
    info: list[str] = field(default_factory=list)


def smape(y: np.ndarray, f: np.ndarray) -> float:
    denominator = np.abs(y) + np.abs(f)
    safe = np.where(denominator > 0, denominator, 1.0)
    return float(np.mean(np.where(denominator > 0, 200 * np.abs(y - f) / safe, 0.0)))


def mase_scale(train: np.ndarray, sp: int) -> float:
    """In-sample MAE of the seasonal-naive forecast of lag sp."""
    if len(train) <= sp:
        return float("nan")
    scale = float(np.mean(np.abs(train[sp:] - train[:-sp])))
    return scale if scale > 0 else float("nan")


@dataclass
class Score:
    smape: float
    mase: float
    cover: float | None
    width: float | None
    seconds: float
    failed: int
    info: Counter


def score_origin(task: ForecastTask, origin: Origin, fc: Forecast) -> dict:
    """sMAPE, MASE, coverage and scaled width of one origin, averaged over series."""
    s, m, c, w = [], [], [], []
    for i, (train, test) in enumerate(zip(origin.train, origin.test, strict=True)):
        point = np.asarray(fc.point[i], float).ravel()
        if point.shape != test.shape or not np.all(np.isfinite(point)):
            raise ValueError(f"series {i}: bad forecast {point!r}")
        scale = mase_scale(train, task.sp)
        s.append(smape(test, point))
        m.append(np.mean(np.abs(test - point)) / scale)
        if fc.lower is not None:
            lower = np.asarray(fc.lower[i], float).ravel()
            upper = np.asarray(fc.upper[i], float).ravel()
            c.append(np.mean((test >= lower) & (test <= upper)))
            w.append(np.mean(upper - lower) / scale)
    return {
        "smape": np.mean(s),
        "mase": np.mean(m),
        "cover": np.mean(c) if c else None,
        "width": np.mean(w) if w else None,
    }


def evaluate(
    name: str,
    forecast: Callable[[ForecastTask, Origin], Forecast],
    task: ForecastTask,
    origins: list[Origin],
    quiet: bool = True,
) -> Score | None:
    """Run one model at every origin; print failures; None when all fail.
    ``quiet`` silences warnings (the baselines'; the networks' are shown)."""
    rows, info, failed, seconds = [], Counter(), 0, 0.0
    for origin in origins:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                if quiet:
                    warnings.simplefilter("ignore")
                fc = forecast(task, origin)
            seconds += time.perf_counter() - start
            rows.append(score_origin(task, origin, fc))
            info.update(fc.info)
        except Exception as error:  # a baseline's failure must not stop the run
            seconds += time.perf_counter() - start
            failed += 1
            message = str(error).splitlines()[0] if str(error) else ""
            print(
                f"    ! {name} failed on {task.name} origin {origin.k}: "
                f"{type(error).__name__}: {message[:200]}",
                flush=True,
            )
    if not rows:
        return None

    def mean(key):
        values = [r[key] for r in rows if r[key] is not None]
        return float(np.mean(values)) if values else None

    return Score(
        mean("smape"), mean("mase"), mean("cover"), mean("width"), seconds, failed, info
    )


# --------------------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------------------

#: f(y, h, sp, future_train, future_test) -> (point, lower, upper, info)
SeriesModel = Callable[..., tuple]


def per_series(fn: SeriesModel) -> Callable[[ForecastTask, Origin], Forecast]:
    """A model of one series applied to each series of the origin."""

    def forecast(task: ForecastTask, origin: Origin) -> Forecast:
        out = Forecast(point=[], lower=[], upper=[])
        for i, y in enumerate(origin.train):
            xf = None if origin.future_train is None else origin.future_train[i]
            xt = None if origin.future_test is None else origin.future_test[i]
            point, lower, upper, info = fn(y, task.horizon, task.sp, xf, xt)
            out.point.append(point)
            out.lower.append(lower)
            out.upper.append(upper)
            if info:
                out.info.append(info)
        if any(b is None for b in out.lower):
            out.lower = out.upper = None
        return out

    return forecast


def naive(y, h, sp, xf=None, xt=None):
    return np.full(h, y[-1]), None, None, ""


def seasonal_naive(y, h, sp, xf=None, xt=None):
    return y[len(y) - sp + np.arange(h) % sp], None, None, ""


def seasonal_strength(y: np.ndarray, sp: int) -> float:
    """1 - Var(remainder) / Var(detrended) of a classical decomposition (of the
    log when the series is positive); 0 when sp <= 1 or fewer than 3 seasons."""
    if sp <= 1 or len(y) < 3 * sp:
        return 0.0
    x = np.log(y) if y.min() > 0 else y
    if sp % 2 == 0:
        weights = np.r_[0.5, np.ones(sp - 1), 0.5] / sp
    else:
        weights = np.ones(sp) / sp
    trend = np.convolve(x, weights, mode="valid")
    offset = len(weights) // 2
    detrended = x[offset : offset + len(trend)] - trend
    phase = (np.arange(len(detrended)) + offset) % sp
    profile = np.array([detrended[phase == j].mean() for j in range(sp)])
    remainder = detrended - (profile - profile.mean())[phase]
    total = detrended.var()
    return float(max(0.0, 1 - remainder.var() / total)) if total > 0 else 0.0


def is_seasonal(y: np.ndarray, sp: int) -> bool:
    return seasonal_strength(y, sp) >= SEASONAL_STRENGTH


def kpss_statistic(x: np.ndarray) -> float:
    """KPSS level-stationarity statistic, Bartlett window of trunc(3 sqrt(n)/13)."""
    n = len(x)
    e = x - x.mean()
    partial = np.cumsum(e)
    lags = int(3 * np.sqrt(n) / 13)
    variance = e @ e / n
    for lag in range(1, lags + 1):
        variance += 2 * (1 - lag / (lags + 1)) * (e[lag:] @ e[:-lag]) / n
    return float(partial @ partial / (n * n * variance)) if variance > 0 else 0.0


def n_diffs(x: np.ndarray, max_d: int = 2) -> int:
    d = 0
    while d < max_d and len(x) > 12 and kpss_statistic(x) > KPSS_CRITICAL_5:
        x = np.diff(x)
        d += 1
    return d


def _sane(point, lower, upper, y) -> bool:
    bound = 10 * np.max(np.abs(y)) + 1e-9
    arrays = [point] + [b for b in (lower, upper) if b is not None]
    return all(np.all(np.isfinite(a)) for a in arrays) and np.max(np.abs(point)) < bound


def ets(y, h, sp, xf=None, xt=None):
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    positive = y.min() > 0
    error = "mul" if positive else "add"
    configs = []
    if is_seasonal(y, sp):
        configs.append(("add", "mul" if positive else "add"))
    configs += [("add", None), (None, None)]
    problems = []
    for trend, seasonal in configs:
        label = "ETS({},{},{})".format(
            error[0].upper(),
            "Ad" if trend else "N",
            seasonal[0].upper() if seasonal else "N",
        )
        try:
            fit = ETSModel(
                pd.Series(y),
                error=error,
                trend=trend,
                damped_trend=trend is not None,
                seasonal=seasonal,
                seasonal_periods=sp if seasonal else None,
            ).fit(disp=False)
            frame = fit.get_prediction(
                len(y), len(y) + h - 1, rng=np.random.default_rng(0)
            ).summary_frame(alpha=1 - COVERAGE)
            point = frame["mean"].to_numpy(float)
            lower = frame["pi_lower"].to_numpy(float)
            upper = frame["pi_upper"].to_numpy(float)
        except Exception as problem:
            problems.append(f"{label}: {type(problem).__name__}: {problem}")
            continue
        if _sane(point, lower, upper, y):
            fallback = " (fallback)" if problems else ""
            return point, lower, upper, label + fallback
        problems.append(f"{label}: non-finite or absurd forecast")
    raise RuntimeError("; ".join(problems))


def arima(y, h, sp, xf=None, xt=None):
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    log = y.min() > 0
    z = np.log(y) if log else y
    D = int(is_seasonal(y, sp))
    d = n_diffs(z[sp:] - z[:-sp] if D else z)
    trend = "c" if d + D <= 1 else None  # d + D = 1: "c" is a drift
    seasonal_order = (0, 1, 1, sp) if D else (0, 0, 0, 0)
    exog = exog_test = None
    if xf is not None:
        keep = np.ptp(xf, axis=0) > 0
        if keep.any():
            exog, exog_test = xf[:, keep], xt[:, keep]
    best, best_aic, problems = None, np.inf, []
    for p, q in ARIMA_ORDERS:
        try:
            fit = SARIMAX(
                z,
                exog=exog,
                order=(p, d, q),
                seasonal_order=seasonal_order,
                trend=trend,
            ).fit(disp=False)
        except Exception as problem:
            problems.append(f"({p},{d},{q}): {type(problem).__name__}: {problem}")
            continue
        if np.isfinite(fit.aic) and fit.aic < best_aic:
            best, best_aic, order = fit, fit.aic, (p, d, q)
    if best is None:
        raise RuntimeError("; ".join(problems) or "no finite AIC")
    prediction = best.get_forecast(h, exog=exog_test)
    point = np.asarray(prediction.predicted_mean, float)
    bounds = np.asarray(prediction.conf_int(alpha=1 - COVERAGE), float)
    lower, upper = bounds[:, 0], bounds[:, 1]
    if log:
        point, lower, upper = np.exp(point), np.exp(lower), np.exp(upper)
    label = "ARIMA({},{},{})".format(*order)
    if D:
        label += f"(0,1,1){sp}"
    label += "+c" if trend and d + D == 0 else "+drift" if trend else ""
    label += " log" if log else ""
    label += " +exog" if exog is not None else ""
    if not _sane(point, lower, upper, y):
        raise RuntimeError(f"{label}: non-finite or absurd forecast")
    return point, lower, upper, label


def window_length(n: int, h: int, sp: int) -> int:
    """max(2 sp, 2 h, 4), shortened to leave at least L training windows."""
    return max(2, min(max(2 * sp, 2 * h, 4), (n - h + 1) // 2))


class WindowRidge:
    """RidgeCV on the last L values -> the next h values, windows normalised by
    the mean of their L inputs (divided when positive, else subtracted)."""

    def __init__(self, L: int, h: int, positive: bool):
        self.L, self.h, self.positive = L, h, positive

    def _norm(self, inputs):
        level = inputs.mean(axis=1, keepdims=True)
        if self.positive:
            return level, inputs / level
        return level, inputs - level

    def fit(self, series: Sequence[np.ndarray]):
        X, Y = [], []
        for y in series:
            windows = sliding_window_view(y, self.L + self.h)
            level, inputs = self._norm(windows[:, : self.L])
            targets = windows[:, self.L :]
            X.append(inputs)
            Y.append(targets / level if self.positive else targets - level)
        self.model_ = RidgeCV(alphas=RIDGE_ALPHAS).fit(np.vstack(X), np.vstack(Y))
        return self

    def predict(self, y: np.ndarray) -> np.ndarray:
        level, inputs = self._norm(y[None, -self.L :])
        out = self.model_.predict(inputs)
        return (out * level if self.positive else out + level)[0]


def ridge(y, h, sp, xf=None, xt=None):
    L = window_length(len(y), h, sp)
    model = WindowRidge(L, h, positive=y.min() > 0).fit([y])
    return model.predict(y), None, None, f"L={L}"


def ridge_global(task: ForecastTask, origin: Origin) -> Forecast:
    h = task.horizon
    L = window_length(min(len(y) for y in origin.train), h, task.sp)
    positive = all(y.min() > 0 for y in origin.train)
    model = WindowRidge(L, h, positive).fit(origin.train)
    return Forecast(point=[model.predict(y) for y in origin.train], info=[f"L={L}"])


#: Baseline name -> (forecast(task, origin), multi-series tasks only)
BASELINES: dict[str, tuple[Callable[[ForecastTask, Origin], Forecast], bool]] = {
    "naive": (per_series(naive), False),
    "snaive": (per_series(seasonal_naive), False),
    "ETS": (per_series(ets), False),
    "ARIMA": (per_series(arima), False),
    "ridge": (per_series(ridge), False),
    "ridge-global": (ridge_global, True),
}


# --------------------------------------------------------------------------------------
# The networks
# --------------------------------------------------------------------------------------


def rnn_fit_predict(estimator, origin: Origin, multi: bool, h: int) -> Forecast:
    """The one place that calls the network: fit on the origin's training data,
    then forecast steps 1..h with an 80% interval. Series and covariates go in as
    numpy (1D float arrays / 2D float arrays), as lists for a multi-series task."""

    def pack(arrays):
        return None if arrays is None else (arrays if multi else arrays[0])

    y = pack(origin.train)
    X, X_new = pack(origin.future_train), pack(origin.future_test)
    fit_kwargs = {}
    if origin.past_train is not None:
        fit_kwargs["past_covariates"] = pack(origin.past_train)
    if X is not None:
        fit_kwargs["X"] = X
    estimator.fit(y, **fit_kwargs)
    predict_kwargs = {} if X_new is None else {"X": X_new}
    point = estimator.predict(h, **predict_kwargs)
    points = [np.asarray(p, float).ravel() for p in (point if multi else [point])]
    fc = Forecast(point=points)
    try:
        interval = estimator.predict_interval(h, coverage=COVERAGE, **predict_kwargs)
    except Exception as error:
        fc.info.append(f"no interval ({type(error).__name__}: {error})"[:120])
        return fc
    bounds = [
        np.asarray(b, float).reshape(h, 2) for b in (interval if multi else [interval])
    ]
    fc.lower = [b[:, 0] for b in bounds]
    fc.upper = [b[:, 1] for b in bounds]
    return fc


def rnn_forecast(factory, seed: int) -> Callable[[ForecastTask, Origin], Forecast]:
    def forecast(task: ForecastTask, origin: Origin) -> Forecast:
        return rnn_fit_predict(factory(task, seed), origin, task.multi, task.horizon)

    return forecast


def mean_scores(scores: list[Score]) -> Score:
    """The mean over seeds (a metric missing in one seed is averaged over the rest)."""

    def mean(key):
        values = [getattr(s, key) for s in scores if getattr(s, key) is not None]
        return float(np.mean(values)) if values else None

    info = Counter()
    for s in scores:
        info.update(s.info)
    return Score(
        mean("smape"),
        mean("mase"),
        mean("cover"),
        mean("width"),
        sum(s.seconds for s in scores),
        sum(s.failed for s in scores),
        info,
    )


# --------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------


@contextmanager
def stage(name: str, times: dict):
    start = time.perf_counter()
    yield
    times[name] = time.perf_counter() - start
    print(f"  [{name}: {times[name]:.1f} s]", flush=True)


def describe(score: Score) -> str:
    parts = [f"sMAPE {score.smape:6.2f}", f"MASE {score.mase:.3f}"]
    if score.cover is not None:
        parts.append(f"cover80 {100 * score.cover:3.0f}%")
        parts.append(f"width80 {score.width:.2f}")
    parts.append(f"{score.seconds:.1f} s")
    if score.failed:
        parts.append(f"{score.failed} failed")
    if score.info:
        forms = ", ".join(f"{k} x{n}" for k, n in score.info.most_common(4))
        more = len(score.info) - 4
        parts.append(f"[{forms}{f', +{more} more' if more > 0 else ''}]")
    return "; ".join(parts)


METRICS = {
    "sMAPE (%), lower is better": lambda s: f"{s.smape:.2f}",
    "MASE, lower is better": lambda s: f"{s.mase:.3f}",
    "cover80 (% of test points inside the 80% interval; target 80)": lambda s: (
        None if s.cover is None else f"{100 * s.cover:.1f}"
    ),
    "width80 (mean 80% interval width / MASE scale)": lambda s: (
        None if s.width is None else f"{s.width:.2f}"
    ),
    "seconds (fit + forecast, all origins)": lambda s: f"{s.seconds:.1f}",
}


def print_table(title, results, tasks, models, cell) -> None:
    header = ["task", *models]
    rows = []
    for task in tasks:
        row = [task]
        for model in models:
            score = results.get(task, {}).get(model, "n/a")
            if score == "n/a":
                row.append("-")
            elif score is None:
                row.append("fail")
            else:
                text = cell(score)
                row.append(
                    "-" if text is None else text + ("*" if score.failed else "")
                )
        rows.append(row)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}")
    print(
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


def _mase(results, task, model):
    score = results.get(task, {}).get(model)
    return None if not isinstance(score, Score) else score.mase


def print_summary(results, tasks, multi_tasks, rnn_names) -> None:
    print("\nSummary (MASE)")
    for name in rnn_names:
        beats, within = [], []
        for task in tasks:
            mine = _mase(results, task, name)
            if mine is None:
                continue
            snaive = _mase(results, task, "snaive")
            if snaive is not None:
                beats.append(mine < snaive)
            classical = [
                m
                for m in (_mase(results, task, "ETS"), _mase(results, task, "ARIMA"))
                if m is not None
            ]
            if classical:
                within.append(mine <= WITHIN * min(classical))
        print(
            f"  {name}: beats seasonal naive on {sum(beats)}/{len(beats)} tasks; "
            f"within 5% of min(ETS, ARIMA) (or better) on {sum(within)}/{len(within)}"
        )
        for task in multi_tasks:
            mine, ridge_mase = _mase(results, task, name), _mase(results, task, "ridge")
            if mine is not None and ridge_mase is not None:
                verdict = "beats" if mine < ridge_mase else "does not beat"
                print(
                    f"    {task}: the global {name} ({mine:.3f}) {verdict} "
                    f"per-series ridge ({ridge_mase:.3f})"
                )
    for task in multi_tasks:
        mine, ridge_mase = (
            _mase(results, task, "ridge-global"),
            _mase(results, task, "ridge"),
        )
        if mine is not None and ridge_mase is not None:
            verdict = "beats" if mine < ridge_mase else "does not beat"
            print(
                f"  {task}: ridge-global ({mine:.3f}) {verdict} per-series ridge "
                f"({ridge_mase:.3f})"
            )


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def _select(wanted: str | None, available: Sequence[str], what: str) -> list[str]:
    if not wanted:
        return list(available)
    lookup = {a.lower(): a for a in available}
    chosen, unknown = [], []
    for name in (w.strip() for w in wanted.split(",") if w.strip()):
        (chosen if name.lower() in lookup else unknown).append(
            lookup.get(name.lower(), name)
        )
    if unknown:
        raise SystemExit(
            f"unknown {what}: {', '.join(unknown)} (known: {', '.join(available)})"
        )
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tasks", help=f"comma-separated, of {', '.join(TASKS)}")
    parser.add_argument(
        "--models",
        help=f"comma-separated, of {', '.join(BASELINES)} and the RNN names",
    )
    parser.add_argument(
        "--origins", type=int, default=None, help="rolling origins per task"
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="1 origin and the networks' fast settings (a check of the script)",
    )
    parser.add_argument("--seeds", type=int, default=1, help="seeds per network")
    parser.add_argument("--no-rnn", action="store_true", help="baselines only")
    parser.add_argument(
        "--rnn",
        action="append",
        default=[],
        metavar="NAME=JSON",
        help="another network setting to measure, e.g. "
        """small='{"hidden_size": 16}' (repeatable)""",
    )
    args = parser.parse_args(argv)
    for item in args.rnn:
        name, _, params = item.partition("=")
        RNN_CONFIGS[name] = json.loads(params)
    # One BLAS thread (and one torch thread, set below): small statsmodels fits
    # slow down badly with several threads on a busy machine.
    with threadpool_limits(1):
        return run(args)


def run(args: argparse.Namespace) -> int:
    total_start = time.perf_counter()
    times: dict[str, float] = {}
    task_names = _select(args.tasks, list(TASKS), "tasks")

    rnn_factories: dict = {}
    if not args.no_rnn:
        try:
            import torch

            torch.set_num_threads(1)
            rnn_factories = rnn_models(args.fast)
        except Exception as error:  # ImportError, or a half-written package
            print(
                "Note: RNN rows skipped, RNNForecaster is not importable "
                f"({type(error).__name__}: {error})"
            )
    model_names = _select(
        args.models, [*BASELINES, *rnn_factories], "models (or --no-rnn)"
    )

    print("Loading tasks")
    tasks: list[ForecastTask] = []
    for name in task_names:
        try:
            with stage(f"load {name}", times):
                tasks.append(TASKS[name]())
        except MissingData as error:
            print(f"  skipped {name}: {error}", file=sys.stderr)
    if not tasks:
        print("No task could be loaded (see above).", file=sys.stderr)
        return 1
    for task in tasks:
        if args.origins is not None:
            task.n_origins = args.origins
        elif args.fast:
            task.n_origins = 1
        print(f"  {task.name}: {task.describe()}\n      {task.note}")

    results: dict[str, dict[str, Score | None]] = {}
    model_seconds: Counter = Counter()
    for task in tasks:
        print(f"\n{task.name} ({task.describe()})", flush=True)
        try:
            origins = make_origins(task, task.n_origins)
        except ValueError as error:
            print(f"  skipped: {error}", flush=True)
            continue
        results[task.name] = {}
        with stage(f"{task.name}: all models", times):
            for name in model_names:
                if name in BASELINES:
                    forecast, multi_only = BASELINES[name]
                    if multi_only and not task.multi:
                        continue
                    score = evaluate(name, forecast, task, origins)
                else:
                    per_seed = [
                        evaluate(
                            name,
                            rnn_forecast(rnn_factories[name], seed),
                            task,
                            origins,
                            quiet=False,
                        )
                        for seed in range(args.seeds)
                    ]
                    done = [s for s in per_seed if s is not None]
                    score = mean_scores(done) if done else None
                    if len(done) > 1:
                        spread = np.std([s.mase for s in done])
                        score.info[f"MASE std over {len(done)} seeds {spread:.3f}"] += 1
                results[task.name][name] = score
                if score is None:
                    print(f"  {name:12s} all origins failed", flush=True)
                else:
                    model_seconds[name] += score.seconds
                    print(f"  {name:12s} {describe(score)}", flush=True)

    names = [t.name for t in tasks if t.name in results]
    for title, cell in METRICS.items():
        print_table(title, results, names, model_names, cell)
    if any(s is not None and s.failed for r in results.values() for s in r.values()):
        print("  (* a model failed on some origin, left out of that cell's average)")

    rnn_names = [n for n in model_names if n in rnn_factories]
    multi_tasks = [t.name for t in tasks if t.multi]
    print_summary(results, names, multi_tasks, rnn_names)

    print("\nStage times")
    for name, seconds in times.items():
        print(f"  {name}: {seconds:.1f} s")
    for name in model_names:
        print(f"  model {name}, all tasks: {model_seconds[name]:.1f} s")
    print(f"  total: {time.perf_counter() - total_start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
