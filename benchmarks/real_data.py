"""Real-data benchmark of sklearn_rnn's estimators over every archive problem at hand.

``python benchmarks/real_data.py`` fits the estimators as a user would first try
them, on every time-series problem available offline, and prints one table. Each
estimator is fitted on the canonical archive train split and scored once on the test
split: the networks once per seed (``--seeds``, shown as mean ± standard deviation
over the seeds), the baselines once, all in the same run.

Problems
--------
* **Classification** (metric: test accuracy): every ``NAME/NAME_TRAIN.ts`` +
  ``NAME/NAME_TEST.ts`` pair under ``DATA/timeseries`` (GunPoint, ItalyPowerDemand,
  ACSF1, BasicMotions, JapaneseVowels), then those of the sktime wheel's data folder
  (``<site-packages>/sktime/datasets/data``: ArrowHead, OSULeaf, PLAID, UnitTest)
  that ``DATA`` lacks. The sktime folder is located without importing sktime and is
  skipped when sktime is not installed; ``--sktime-data`` points elsewhere.
* **Regression** (metric: test RMSE): the pairs under ``DATA/ts_regression``
  (Tecator, Covid3Month), and any regression problem of the sktime folder that
  ``DATA`` lacks. A problem is a regression problem when its targets are numbers
  (``@targetLabel true``), a classification problem when they are labels.
* **Forecasting** (metric: RMSE in thousands of passengers): the Box-Jenkins
  airline series, ``DATA/forecasting/Airline.csv`` (else the sktime copy), framed
  as the earlier Airline gallery example did: the windows of the 12 log-values
  before each month, expressed relative to the window's last value, are the input
  sequences (12 steps, 1 channel); the next month's log-change is the target. The
  models are fitted on the windows whose target lies in 1950-1958 and forecast each
  month of 1959-1960 (the last 24) one step ahead.

Each problem's rows
-------------------
* ``RNNClassifier()`` / ``RNNRegressor()``: the defaults, with no argument but
  ``random_state`` and no preprocessing (the series go in as loaded).
* The configurations of :data:`EXTRA_CONFIGURATIONS` (edit the dict to change the
  set): the "best documented setting", ``bidirectional=True``, and the plain LSTM of
  earlier versions' defaults (no front end, the training set's per-channel scaling,
  the last state, a constant learning rate for at most 100 epochs of 32), so that
  the gain of the current defaults is measured in the same run.
* Baselines, fitted in the same run:

  - **1-NN Euclidean**: 1-nearest-neighbour on the flattened series. Equal-length
    series (uni- or multivariate) are flattened as they are; variable-length ones
    are first resampled, each channel by linear interpolation, to the median length
    of the training series (JapaneseVowels: 15 steps, PLAID: 300).
  - **summary features + linear model**: per channel the mean, std, min, max and
    least-squares slope (against time rescaled to [0, 1]) of each series, then
    ``StandardScaler`` + ``LogisticRegression`` (classification) or ``RidgeCV``
    (regression).
  - regression only: the **train-mean** predictor and ``RidgeCV`` on the flattened,
    standardised series (resampled as for 1-NN).
  - forecasting: **seasonal naive** (the value 12 months earlier), **last value**,
    **train mean** (the mean of the training months) and ``RidgeCV`` on the same
    relative windows (a linear autoregression on log-changes).

* **Published** deep-learning figures, test accuracy, where a source gives one for
  the same train/test split, and "-" otherwise:

  - [1] H. Ismail Fawaz, G. Forestier, J. Weber, L. Idoumghar, P.-A. Muller, "Deep
    learning for time series classification: a review", Data Mining and Knowledge
    Discovery 33(4):917-963, 2019: the mean over its 10 runs per model and data
    set, as listed in the companion repository github.com/hfawaz/dl-4-tsc,
    ``results/results-uea-avg-std.csv`` (UCR/UEA 85 univariate problems: GunPoint,
    ItalyPowerDemand, ArrowHead, OSULeaf) and ``results/results-mts-avg-std.csv``
    (Baydogan's MTS archive: JapaneseVowels).
  - [2] A. P. Ruiz, M. Flynn, J. Large, M. Middlehurst, A. Bagnall, "The great
    multivariate time series classification bake off", Data Mining and Knowledge
    Discovery 35:401-449, 2021: ResNet on BasicMotions (as quoted in issue 10).

Columns
-------
``fit s`` is the mean wall-clock seconds per fit (data conversion included, scoring
excluded, after one untimed warm-up fit), on the device the estimators pick by
default (``device="auto"``) and with ``torch.set_num_threads(--threads)``, one
thread by default. ``target`` checks the defaults' mean against the targets of
issue 10 (GunPoint >= 0.95, ItalyPowerDemand >= 0.955, BasicMotions >= 0.975,
ACSF1 >= 0.60, JapaneseVowels >= 0.975, Tecator RMSE < 2.19: below ridge on the raw
spectra). ``beats 1-NN`` compares each network's mean with the 1-NN baseline of the
same problem. The note counts the fits that ended with a ``ConvergenceWarning``.

Options
-------
``--only NAME[,NAME]`` runs a subset (names as printed, any case); ``--fast`` runs
one seed with ``max_iter=5`` (the same code path, a smoke test, scores meaningless);
``--markdown`` prints the final table as a Markdown table; ``--out FILE`` writes it
to FILE too. Without any data the script says where to get it and exits with 0.

Usage::

    python benchmarks/real_data.py [--data PATH] [--sktime-data PATH] [--seeds N]
        [--threads N] [--only NAME[,NAME]] [--fast] [--markdown] [--out FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier, RNNRegressor, load_ucr_uea

#: A data set's X: an array (n_series, n_steps, n_channels) or a list of
#: (n_steps_i, n_channels) arrays when the lengths differ.
Series = np.ndarray | list[np.ndarray]
#: ``score(fitted_model, X_test) -> float``.
Score = Callable[[Any, Series], float]

#: Configurations measured besides the defaults: per kind of problem, a row label ->
#: the constructor arguments added to ``random_state`` (forecasting uses "regression").
_PLAIN_RNN: dict[str, Any] = {
    "cell": "lstm",
    "front_end": "none",
    "input_scaling": "dataset",
    "pooling": "last",
    "lr_schedule": "constant",
    "max_iter": 100,
    "batch_size": 32,
    "early_stopping": False,
}
EXTRA_CONFIGURATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "classification": {
        "best documented setting": {"bidirectional": True},
        "plain LSTM (earlier defaults)": _PLAIN_RNN,
    },
    "regression": {
        "best documented setting": {"bidirectional": True},
        "plain LSTM (earlier defaults)": _PLAIN_RNN,
    },
}

#: Targets of issue 10 for the defaults' mean: (">=", accuracy) or ("<", RMSE).
TARGETS: dict[str, tuple[str, float]] = {
    "GunPoint": (">=", 0.95),
    "ItalyPowerDemand": (">=", 0.955),
    "BasicMotions": (">=", 0.975),
    "ACSF1": (">=", 0.60),
    "JapaneseVowels": (">=", 0.975),
    "Tecator": ("<", 2.19),
}

#: Published test accuracies: problem -> model -> (accuracy, source in the docstring).
PUBLISHED: dict[str, dict[str, tuple[float, str]]] = {
    "GunPoint": {"FCN": (1.000, "[1]"), "ResNet": (0.991, "[1]")},
    "ItalyPowerDemand": {"FCN": (0.961, "[1]"), "ResNet": (0.963, "[1]")},
    "ArrowHead": {"FCN": (0.843, "[1]"), "ResNet": (0.845, "[1]")},
    "OSULeaf": {"FCN": (0.977, "[1]"), "ResNet": (0.979, "[1]")},
    "JapaneseVowels": {"FCN": (0.993, "[1]"), "ResNet": (0.992, "[1]")},
    "BasicMotions": {"ResNet": (1.000, "[2]")},
}

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
SHARED_FOLDERS = ("timeseries", "ts_regression")
FAST_MAX_ITER = 5
WINDOW, N_TEST_MONTHS = 12, 24  # Airline: months per input window, months forecast

WHERE_TO_GET = (
    "Put the archive folders (NAME/NAME_TRAIN.ts, NAME/NAME_TEST.ts) under "
    "DATA/timeseries or DATA/ts_regression and Airline.csv under DATA/forecasting "
    "(--data DATA), or install the sktime wheel, which ships a few of them "
    '(pip install "sklearn-rnn[datasets]"); the archives are at '
    "https://www.timeseriesclassification.com and http://tseregression.org."
)


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


@dataclass
class Problem:
    """One benchmark problem: where it is, what kind it is, and its data."""

    name: str
    kind: str  # "classification", "regression" or "forecasting"
    source: str
    data: tuple  # (X_train, y_train, X_test, y_test)
    description: str = ""
    series: np.ndarray | None = None  # forecasting: the whole series


def sktime_data_folder() -> Path | None:
    """The sktime wheel's data folder, located without importing sktime."""
    spec = importlib.util.find_spec("sktime")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"
    return folder if folder.is_dir() else None


def archive_names(root: Path) -> list[str]:
    """The names of the folders under ``root`` that hold a train and a test file."""
    if not root.is_dir():
        return []
    return sorted(
        folder.name
        for folder in root.iterdir()
        if (folder / f"{folder.name}_TRAIN.ts").is_file()
        and (folder / f"{folder.name}_TEST.ts").is_file()
    )


def lengths(X: Series) -> np.ndarray:
    return np.array([len(x) for x in X])


def describe(X_train: Series, y_train: np.ndarray, X_test: Series, kind: str) -> str:
    """Sizes, length range and channels, e.g. "50 train / 150 test, length 150"."""
    n = np.concatenate([lengths(X_train), lengths(X_test)])
    span = f"length {n.min()}" if n.min() == n.max() else f"lengths {n.min()}-{n.max()}"
    if n.min() != n.max():
        span += f" (median {int(np.median(n))})"
    channels = X_train[0].shape[-1]
    text = f"{len(X_train)} train / {len(X_test)} test, {span}, {channels} channel(s)"
    if kind == "classification":
        text += f", {len(np.unique(y_train))} classes"
    return text


def load_archive(root: Path, name: str, source: str) -> Problem:
    X_train, y_train = load_ucr_uea(name, "train", data_home=root)
    X_test, y_test = load_ucr_uea(name, "test", data_home=root)
    kind = "regression" if y_train.dtype.kind == "f" else "classification"
    description = describe(X_train, y_train, X_test, kind)
    return Problem(name, kind, source, (X_train, y_train, X_test, y_test), description)


def load_airline(path: Path, source: str) -> Problem:
    """The airline series as relative log-windows (see the module docstring)."""
    rows = [line.split(",") for line in path.read_text().split()[1:]]
    passengers = np.array([float(count) for _, count in rows])
    log_series = np.log(passengers)
    windows = np.lib.stride_tricks.sliding_window_view(log_series[:-1], WINDOW)
    last = windows[:, -1]
    X = (windows - last[:, None])[:, :, None].astype(np.float32)
    y = log_series[WINDOW:] - last
    n_train = len(y) - N_TEST_MONTHS
    # The test targets are the passengers, which the models' outputs become once
    # added to the log of each test window's last value (see forecasting()).
    data = (X[:n_train], y[:n_train], X[n_train:], passengers[-N_TEST_MONTHS:])
    description = (
        f"{len(passengers)} months; {n_train} training windows, "
        f"{N_TEST_MONTHS} test months, windows of {WINDOW} steps, 1 channel"
    )
    return Problem("Airline", "forecasting", source, data, description, passengers)


def find_problems(
    data: Path, sktime_data: Path | None
) -> tuple[list[Problem], dict[str, str]]:
    """Every problem found, shared data first; and name -> message for those found
    that could not be loaded."""
    problems: list[Problem] = []
    failed: dict[str, str] = {}
    seen: set[str] = set()
    shared = f"{data.parent.name}/{data.name}"
    roots = [(data / sub, f"{shared}/{sub}") for sub in SHARED_FOLDERS]
    if sktime_data is not None:
        roots.append((sktime_data, "sktime wheel"))
    for root, source in roots:
        for name in archive_names(root):
            if name in seen:
                continue
            seen.add(name)
            try:
                problems.append(load_archive(root.resolve(), name, source))
            except (OSError, ValueError) as error:
                failed[name] = f"{name} ({source}) could not be loaded: {error}"
    csvs = [(data / "forecasting" / "Airline.csv", f"{shared}/forecasting")]
    if sktime_data is not None:
        csvs.append((sktime_data / "Airline" / "Airline.csv", "sktime wheel"))
    for path, source in csvs:
        if path.is_file():
            problems.append(load_airline(path, source))
            break
    order = {"classification": 0, "regression": 1, "forecasting": 2}
    problems.sort(key=lambda p: order[p.kind])  # stable: shared data first
    return problems, failed


# --------------------------------------------------------------------------------------
# Features for the baselines
# --------------------------------------------------------------------------------------


def flatten(X: Series, length: int) -> np.ndarray:
    """Series as flat vectors; other lengths resampled to ``length`` per channel."""
    if isinstance(X, np.ndarray) and X.shape[1] == length:
        return X.reshape(len(X), -1)
    grid = np.linspace(0, 1, length)
    out = []
    for x in X:
        t = np.linspace(0, 1, len(x))
        out.append(np.stack([np.interp(grid, t, c) for c in x.T], axis=1).ravel())
    return np.array(out)


def summary_features(X: Series) -> np.ndarray:
    """Per channel the mean, std, min, max and slope (time in [0, 1]) of each series."""
    rows = []
    for x in X:
        t = np.linspace(0, 1, len(x))[:, None] - (0.5 if len(x) > 1 else 0.0)
        centred = x - x.mean(0)
        slope = (t * centred).sum(0) / max(float((t**2).sum()), 1e-12)
        rows.append(np.concatenate([x.mean(0), x.std(0), x.min(0), x.max(0), slope]))
    return np.array(rows)


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)))


@dataclass
class Result:
    scores: list[float]
    times: list[float]
    warned: int = 0  # fits that ended with a ConvergenceWarning

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))


def evaluate(
    make_model: Callable[[int], Any],
    seeds: Sequence[int],
    data: tuple,
    score: Score,
) -> Result:
    """Fit ``make_model(seed)`` for every seed; ``score(model, X_test)`` each fit."""
    X_train, y_train, X_test, _ = data
    result = Result([], [])
    for seed in seeds:
        model = make_model(seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.perf_counter()
            model.fit(X_train, y_train)
            result.times.append(time.perf_counter() - start)
        for w in caught:
            if issubclass(w.category, ConvergenceWarning):
                result.warned += 1
            else:
                warnings.showwarning(w.message, w.category, w.filename, w.lineno)
        result.scores.append(score(model, X_test))
    return result


class Table:
    """Rows of (problem, model, metric, test score, fit s, target, beats 1-NN, note)."""

    header = (
        "problem",
        "model",
        "metric",
        "test score",
        "fit s",
        "target",
        "beats 1-NN",
        "note",
    )

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(
        self,
        problem: str,
        model: str,
        metric: str,
        value: str,
        fit: str = "-",
        target: str = "",
        beats: str = "",
        note: str = "",
    ) -> None:
        row = (problem, model, metric, value, fit, target, beats, note)
        self.rows.append(row)
        extras = [target] if target else []
        if beats:
            extras.append(f"beats 1-NN: {beats}")
        if note:
            extras.append(note)
        fit_text = "" if fit == "-" else f" (fit {fit} s)"
        tail = "".join(f"; {extra}" for extra in extras)
        print(f"  {model}: {metric} {value}{fit_text}{tail}", flush=True)

    def render(self, markdown: bool = False) -> str:
        if markdown:
            lines = ["| " + " | ".join(self.header) + " |"]
            lines.append("|" + " --- |" * len(self.header))
            for row in self.rows:
                cells = (c.replace("|", "\\|") for c in row)
                lines.append("| " + " | ".join(cells) + " |")
            return "\n".join(lines)
        widths = [
            max(len(row[i]) for row in [self.header, *self.rows])
            for i in range(len(self.header))
        ]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        lines = [line.format(*self.header).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        lines += [line.format(*row).rstrip() for row in self.rows]
        return "\n".join(lines)


class Run:
    """A problem's measurements, added to the table as they come."""

    def __init__(
        self, problem: Problem, table: Table, seeds: Sequence[int], fast: bool
    ) -> None:
        self.problem, self.table, self.seeds, self.fast = problem, table, seeds, fast
        self.higher_is_better = problem.kind == "classification"
        self.metric = "accuracy" if self.higher_is_better else "RMSE"
        self.digits = 3  # decimals; more for RMSEs of small targets (Covid3Month)
        if problem.kind == "regression":
            spread = float(np.std(problem.data[1]))
            self.digits = max(3, 2 - int(np.floor(np.log10(spread))))
        self.one_nn: float | None = None  # the 1-NN baseline's score, once measured

    def fmt(self, value: float) -> str:
        return f"{value:.{self.digits}f}"

    def better(self, a: float, b: float) -> bool:
        return a > b if self.higher_is_better else a < b

    def baseline(
        self, label: str, make_model: Callable[[], Any], data: tuple, score: Score
    ) -> float:
        result = evaluate(lambda _: make_model(), [0], data, score)
        note = "ConvergenceWarning" if result.warned else ""
        fit = f"{np.mean(result.times):.2f}"
        self.table.add(
            self.problem.name, label, self.metric, self.fmt(result.mean), fit, note=note
        )
        return result.mean

    def constant(self, label: str, value: float) -> None:
        self.table.add(self.problem.name, label, self.metric, self.fmt(value))

    def target(self, score: float) -> str:
        """The defaults' PASS/FAIL against the problem's target, if it has one."""
        if self.problem.name not in TARGETS:
            return ""
        op, goal = TARGETS[self.problem.name]
        met = score >= goal if op == ">=" else score < goal
        return f"{op} {goal:g}: {'PASS' if met else 'FAIL'}"

    def networks(self, estimator: type, score: Score) -> None:
        """The defaults, then each of EXTRA_CONFIGURATIONS, over the seeds."""
        kind = "classification" if estimator is RNNClassifier else "regression"
        configurations = {"defaults": {}, **EXTRA_CONFIGURATIONS[kind]}
        for label, params in configurations.items():
            args = ", ".join(f"{k}={v!r}" for k, v in params.items())
            model = f"{estimator.__name__}({args})"
            if len(model) > 48:  # a long configuration goes by its label
                model = f"{estimator.__name__}: {label}"
            if self.fast:
                params = {**params, "max_iter": FAST_MAX_ITER}
            result = evaluate(
                lambda s, p=params: estimator(**p, random_state=s),
                self.seeds,
                self.problem.data,
                score,
            )
            value = self.fmt(result.mean)
            if len(result.scores) > 1:
                value += f" ± {self.fmt(float(np.std(result.scores)))}"
            target = self.target(result.mean) if label == "defaults" else ""
            beats = ""
            if self.one_nn is not None:
                beats = "yes" if self.better(result.mean, self.one_nn) else "no"
            notes = [] if label == "defaults" else [label]
            notes.append(f"{len(self.seeds)} seed(s)")
            if self.fast:
                notes.append(f"--fast: max_iter={FAST_MAX_ITER}")
            if result.warned:
                notes.append(f"{result.warned}/{len(self.seeds)} ConvergenceWarning")
            fit = f"{np.mean(result.times):.2f}"
            self.table.add(
                self.problem.name,
                model,
                self.metric,
                value,
                fit,
                target,
                beats,
                "; ".join(notes),
            )

    def published(self) -> None:
        figures = PUBLISHED.get(self.problem.name)
        if not figures:
            self.table.add(
                self.problem.name, "FCN / ResNet (published)", self.metric, "-"
            )
        for model, (value, source) in (figures or {}).items():
            self.table.add(
                self.problem.name,
                f"{model} (published)",
                self.metric,
                f"{value:.3f}",
                note=source,
            )


# --------------------------------------------------------------------------------------
# The benchmarks, one function per kind of problem
# --------------------------------------------------------------------------------------


def predicting(metric: Callable[[Any, Any], float], y_test: np.ndarray) -> Score:
    """``score(model, X_test)``: ``metric(y_test, model.predict(X_test))``."""
    return lambda model, X: metric(y_test, model.predict(X))


def classification(run: Run) -> None:
    X_train, y_train, X_test, y_test = run.problem.data
    score = predicting(accuracy, y_test)
    length = int(np.median(lengths(X_train)))
    flat = (flatten(X_train, length), y_train, flatten(X_test, length), y_test)
    summary = (summary_features(X_train), y_train, summary_features(X_test), y_test)
    run.one_nn = run.baseline(
        "1-NN Euclidean", lambda: KNeighborsClassifier(n_neighbors=1), flat, score
    )
    run.baseline(
        "summary features + LogisticRegression",
        lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)),
        summary,
        score,
    )
    run.networks(RNNClassifier, score)
    run.published()


def ridge() -> Any:
    return make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-6, 6, 25)))


def regression(run: Run) -> None:
    X_train, y_train, X_test, y_test = run.problem.data
    score = predicting(rmse, y_test)
    length = int(np.median(lengths(X_train)))
    flat = (flatten(X_train, length), y_train, flatten(X_test, length), y_test)
    summary = (summary_features(X_train), y_train, summary_features(X_test), y_test)
    run.constant(
        "train-mean predictor", rmse(y_test, np.full(len(y_test), y_train.mean()))
    )
    run.baseline("RidgeCV, flattened standardised series", ridge, flat, score)
    run.one_nn = run.baseline(
        "1-NN Euclidean", lambda: KNeighborsRegressor(n_neighbors=1), flat, score
    )
    run.baseline("summary features + RidgeCV", ridge, summary, score)
    run.networks(RNNRegressor, score)


def forecasting(run: Run) -> None:
    X_train, y_train, X_test, y_test = run.problem.data
    passengers = run.problem.series
    last = passengers[-N_TEST_MONTHS - 1 : -1]  # the last month of each test window

    def score(model: Any, X: Series) -> float:
        return rmse(y_test, last * np.exp(model.predict(X)))

    run.constant("seasonal naive", rmse(y_test, passengers[-N_TEST_MONTHS - 12 : -12]))
    run.constant("last value", rmse(y_test, last))
    train_months = passengers[WINDOW : WINDOW + len(y_train)]
    run.constant("train mean", rmse(y_test, np.full(len(y_test), train_months.mean())))
    windows = (X_train[:, :, 0], y_train, X_test[:, :, 0], y_test)
    run.baseline(
        "RidgeCV, relative windows",
        lambda: RidgeCV(alphas=np.logspace(-4, 2, 25)),
        windows,
        score,
    )
    run.networks(RNNRegressor, score)


def warm_up() -> None:
    """One tiny untimed fit, so that torch's first-call costs stay out of the times."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 16, 1)).astype(np.float32), np.arange(8) % 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        RNNClassifier(max_iter=1, random_state=0).fit(X, y).predict(X)


BENCHMARKS = {
    "classification": classification,
    "regression": regression,
    "forecasting": forecasting,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"shared data folder (default: {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--sktime-data",
        type=Path,
        default=None,
        help="archive folder used instead of the sktime wheel's datasets/data",
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="number of seeds (default: 3)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads (default: 1, for comparable timings)",
    )
    parser.add_argument(
        "--only", default=None, help="comma-separated problem names to run (any case)"
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help=f"1 seed and max_iter={FAST_MAX_ITER}: a smoke test of the same code path",
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the final table as Markdown"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="also write the final table to FILE"
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.threads < 1:
        parser.error("--threads must be at least 1")

    sktime_data = args.sktime_data or sktime_data_folder()
    if sktime_data is None:
        print("sktime is not installed: its data folder is skipped.", file=sys.stderr)
    problems, failed = find_problems(args.data, sktime_data)
    if not problems and not failed:
        print(
            f"No data: nothing to benchmark (looked under {args.data} and "
            f"{sktime_data or 'no sktime folder'}). {WHERE_TO_GET}",
            file=sys.stderr,
        )
        return 0
    if args.only:
        wanted = {name.strip().lower() for name in args.only.split(",") if name.strip()}
        unknown = wanted - {
            name.lower() for name in [*failed, *(p.name for p in problems)]
        }
        if unknown:
            print(
                f"--only: {', '.join(sorted(unknown))} not found; found: "
                f"{', '.join([p.name for p in problems] + list(failed))}.",
                file=sys.stderr,
            )
        problems = [p for p in problems if p.name.lower() in wanted]
        failed = {k: v for k, v in failed.items() if k.lower() in wanted}
    for message in failed.values():
        print(message, file=sys.stderr)
    if not problems:
        print("Nothing to benchmark.", file=sys.stderr)
        return 0

    torch.set_num_threads(args.threads)
    seeds = [0] if args.fast else list(range(args.seeds))
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
        f"CUDA available: {torch.cuda.is_available()}; seeds {seeds}"
        + (f"; --fast: max_iter={FAST_MAX_ITER}" if args.fast else ""),
        flush=True,
    )
    warm_up()
    table = Table()
    for problem in problems:
        print(
            f"{problem.name} ({problem.kind}, {problem.source}): {problem.description}",
            flush=True,
        )
        BENCHMARKS[problem.kind](Run(problem, table, seeds, args.fast))
    text = table.render(markdown=args.markdown)
    if failed:
        text += "\n\nNot loaded:\n" + "\n".join(f"- {m}" for m in failed.values())
    print()
    print(text)
    if args.out is not None:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
