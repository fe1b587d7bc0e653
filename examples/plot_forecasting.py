"""
=====================================================================
Forecasting airline passengers with intervals
=====================================================================

The classic Box-Jenkins "airline" series: monthly totals of international airline
passengers (in thousands), January 1949 to December 1960, 144 points with a rising
trend and a yearly pattern whose amplitude grows with the level.
:class:`~sklearn_rnn.RNNForecaster` forecasts the last year from the eleven before it,
with 80% and 95% prediction intervals, straight from the raw series: the network
scales each window of history itself and labels its forecasts with the series'
months.

Beside it, measured in the same run: the seasonal naive forecast (each month as 12
months earlier) and ridge regression on lagged windows (a linear autoregression, the
family of the classic models for this series). Then the forecaster is conditioned on
each new month with :meth:`~sklearn_rnn.RNNForecaster.update`, without refitting, to
measure how often its intervals hold the truth over many forecast origins, and run
under sktime's ``evaluate`` with an expanding window.

The series is read from ``forecasting/Airline.csv`` in the data folder beside the
repository (``../shared/data``), from the folders listed in the ``SKLEARN_RNN_DATA``
environment variable, or from the copy inside the ``sktime`` wheel
(``pip install "sklearn-rnn[datasets]"``). The figure needs matplotlib (``pip install
"sklearn-rnn[plot]"``); without it the example prints its scores and skips it. Set
``SKLEARN_RNN_FAST=1`` for a quick run (fewer epochs, the same code path). Every score
quoted on this page is printed by the run above it.
"""

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV

from sklearn_rnn import RNNForecaster

try:
    import matplotlib.pyplot as plt
except ImportError:  # no figure then
    plt = None
    print('matplotlib is not installed: no figure (pip install "sklearn-rnn[plot]")')

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")
if FAST:
    print(
        "Fast mode (SKLEARN_RNN_FAST=1): 20 epochs instead of the default budget; "
        "the network's scores below are not those of a full run."
    )
HORIZON = 12  # months forecast at once
SETTINGS = {"max_iter": 20} if FAST else {}

try:
    EXAMPLES_DIR = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs examples without __file__, in their folder
    EXAMPLES_DIR = Path.cwd()


def find_airline_csv():
    """The first ``Airline.csv`` found in the data folders, or None."""
    env = os.environ.get("SKLEARN_RNN_DATA", "")
    folders = [Path(p) for p in env.split(os.pathsep) if p]
    folders.append(EXAMPLES_DIR.parents[1] / "shared" / "data")
    candidates = [
        path
        for folder in folders
        for path in (folder / "forecasting" / "Airline.csv", folder / "Airline.csv")
    ]
    sktime = importlib.util.find_spec("sktime")  # located, not imported
    if sktime is not None and sktime.origin is not None:
        data = Path(sktime.origin).parent / "datasets" / "data"
        candidates.append(data / "Airline" / "Airline.csv")
    return next((path for path in candidates if path.is_file()), None)


# %%
# Load the series
# ---------------
# A pandas Series with a monthly PeriodIndex: the forecaster reads its frequency
# (the seasonal period is 12) and labels the forecasts with the next months. Every
# cell below runs only when the data were found, so that the example stops cleanly
# without them.
path = find_airline_csv()
have_data = path is not None
if not have_data:
    print(
        "Data not found: Airline.csv is in none of ../shared/data/forecasting, the "
        "SKLEARN_RNN_DATA folders or the sktime wheel.\n"
        'Install the sktime wheel (pip install "sklearn-rnn[datasets]"), or set '
        "SKLEARN_RNN_DATA to a folder that holds forecasting/Airline.csv."
    )
else:
    table = pd.read_csv(path)
    y = pd.Series(
        table.iloc[:, 1].to_numpy(float),
        index=pd.period_range(str(table.iloc[0, 0])[:7], periods=len(table), freq="M"),
        name="passengers",
    )
    train, test = y.iloc[:-HORIZON], y.iloc[-HORIZON:]
    print(f"{len(y)} months, {y.index[0]} to {y.index[-1]}; test: the last year")


def mase(forecast, actual, history, period=12):
    """Mean absolute error over the in-sample error of the seasonal naive forecast."""
    history = np.asarray(history, float)
    scale = np.mean(np.abs(history[period:] - history[:-period]))
    return float(np.mean(np.abs(np.asarray(forecast) - np.asarray(actual))) / scale)


# %%
# Fit and forecast, with intervals
# --------------------------------
# The defaults: a GRU of 64 units reads windows of 36 months, the network forecasts
# 12 months at once and learns nine quantiles; the last tenth of the training
# series is held out to stop training and to calibrate the intervals.
if have_data:
    model = RNNForecaster(random_state=0, **SETTINGS)
    model.fit(train)
    forecast = model.predict(fh=HORIZON)
    intervals = model.predict_interval(fh=HORIZON, coverage=[0.8, 0.95])
    print(
        f"horizon {model.horizon_}, window {model.window_length_} months, seasonal "
        f"period {model.seasonal_period_}; {model.n_iter_} epochs"
    )
    print(forecast.head(3).round(1))
    scores = {"RNNForecaster": mase(forecast, test, train)}
    inside = (test >= intervals[("passengers", 0.8, "lower")]) & (
        test <= intervals[("passengers", 0.8, "upper")]
    )
    print(f"80% interval holds {inside.mean():.0%} of the test year")

# %%
# Baselines: seasonal naive, and ridge regression on lagged windows
# -----------------------------------------------------------------
# Ridge reads the log of the last 24 months relative to the last one and forecasts
# the next 12 log-changes at once (one output per month ahead).
if have_data:
    scores["seasonal naive"] = mase(train.iloc[-12:].to_numpy(), test, train)
    log = np.log(train.to_numpy())
    lag = 24
    rows = np.lib.stride_tricks.sliding_window_view(log, lag + HORIZON)
    X_lags = rows[:, :lag] - rows[:, lag - 1 : lag]
    y_lags = rows[:, lag:] - rows[:, lag - 1 : lag]
    ridge = RidgeCV(alphas=np.logspace(-4, 2, 25)).fit(X_lags, y_lags)
    last = log[-lag:] - log[-1]
    scores["ridge on lags"] = mase(
        np.exp(ridge.predict(last[None])[0] + log[-1]), test, train
    )
    for name, score in scores.items():
        print(f"{name:16s} MASE {score:.3f}")

# %%
# The forecast against the truth
# -------------------------------
if have_data and plt is not None:
    fig, ax = plt.subplots(figsize=(9, 4))
    months = y.index.to_timestamp()
    ax.plot(months[-60:], y.iloc[-60:], color="black", label="observed")
    future = forecast.index.to_timestamp()
    for coverage, alpha in ((0.95, 0.15), (0.8, 0.3)):
        ax.fill_between(
            future,
            intervals[("passengers", coverage, "lower")],
            intervals[("passengers", coverage, "upper")],
            color="tab:blue",
            alpha=alpha,
            label=f"{coverage:.0%} interval",
        )
    ax.plot(future, forecast, color="tab:blue", label="forecast (median)")
    ax.set_ylabel("passengers (thousands)")
    ax.set_title(
        f"Last year forecast from the eleven before: MASE {scores['RNNForecaster']:.2f}"
    )
    ax.legend(loc="upper left")
    fig.tight_layout()

# %%
# Many forecast origins without refitting
# ---------------------------------------
# One fit on the series up to December 1956, then, month after month,
# :meth:`~sklearn_rnn.RNNForecaster.update` with the new observation and a forecast
# of the next 12 months (fewer near the end) from it: 48 origins. The network is not
# retrained; the forecasts read each new month.
if have_data:
    start = len(y) - 48
    rolling = RNNForecaster(random_state=0, **SETTINGS).fit(y.iloc[:start])
    hits, errors = [], []
    for origin in range(start, len(y)):
        if origin > start:
            rolling.update(y.iloc[origin - 1 : origin])
        truth = y.iloc[origin : origin + HORIZON]
        bounds = rolling.predict_interval(fh=len(truth), coverage=0.8)
        hits += list((truth >= bounds.iloc[:, 0]) & (truth <= bounds.iloc[:, 1]))
        errors.append(mase(rolling.predict(fh=len(truth)), truth, y.iloc[:origin]))
    print(
        f"{len(errors)} origins, {len(hits)} forecast months: mean MASE "
        f"{np.mean(errors):.3f}; the 80% intervals hold {np.mean(hits):.0%}"
    )

# %%
# Under sktime's evaluate
# -----------------------
# ``SktimeRNNForecaster`` is the same estimator behind sktime's forecaster
# interface: an expanding window that refits at each of three origins, each
# forecasting the next year.
if have_data and importlib.util.find_spec("sktime") is not None:
    from sktime.forecasting.model_evaluation import evaluate
    from sktime.split import ExpandingWindowSplitter

    from sklearn_rnn.forecasting import SktimeRNNForecaster

    splitter = ExpandingWindowSplitter(
        fh=list(range(1, HORIZON + 1)), initial_window=108, step_length=12
    )
    results = evaluate(
        SktimeRNNForecaster(RNNForecaster(random_state=0, **SETTINGS)),
        splitter,
        y,
        strategy="refit",
    )
    print(results.filter(like="test_").round(3))
