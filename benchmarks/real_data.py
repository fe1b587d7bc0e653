"""Real-data benchmark of sklearn_rnn's estimators at their default settings.

The estimators are used as a user would first try them: every parameter at its
default except ``random_state``, with :class:`~sklearn_rnn.SequenceScaler` in front
where the data needs scaling. Each is fitted on the canonical archive train split
and scored once on the test split, over ``--seeds`` seeds (mean ± std), next to
simple baselines fitted in the same run and published figures:

* **JapaneseVowels** (UEA multivariate archive; 9 speakers, 270 train / 370 test,
  12 channels, lengths 7-29): test accuracy of
  ``make_pipeline(SequenceScaler(), RNNClassifier())`` and of ``RNNClassifier()``
  alone; baselines: logistic regression and 1-nearest-neighbour on per-channel
  mean/std/min/max summary features (48 numbers per series); published: MLP 0.976
  and FCN 0.993 (Ismail Fawaz et al., "Deep learning for time series
  classification: a review", 2019).
* **Tecator** (Monash/UEA/UCR time-series extrinsic regression archive; fat content
  from 100-point near-infrared absorbance spectra, 172 train / 43 test): test RMSE of
  ``make_pipeline(SequenceScaler(), RNNRegressor())``; baselines: the train-mean
  predictor and ridge regression (``RidgeCV``) on the standardized spectra. Then,
  as an extra, the same RNN pipeline given the spectrum's first derivative as a
  second channel.

Fit times are wall-clock seconds per fit (the scaler included), on the device the
estimators pick by default (``device="auto"``) and with ``torch.set_num_threads(1)``
unless ``--threads`` says otherwise.

The data are the ``.ts`` files ``NAME/NAME_TRAIN.ts`` and ``NAME/NAME_TEST.ts``,
looked for under ``DATA/timeseries``, ``DATA/ts_regression`` and ``DATA`` itself;
``DATA`` defaults to ``../shared/data`` relative to the repository root.

Usage::

    python benchmarks/real_data.py [--data PATH] [--seeds N] [--threads N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler, load_ucr_uea

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
SUBFOLDERS = ("timeseries", "ts_regression", ".")

WHERE_TO_GET = {
    "JapaneseVowels": (
        "the UEA multivariate archive, https://www.timeseriesclassification.com "
        '(also shipped in the sktime and aeon wheels: pip install "sklearn-rnn'
        '[datasets]", then point --data at <site-packages>/sktime/datasets/data)'
    ),
    "Tecator": (
        "the Monash/UEA/UCR time-series extrinsic regression archive, "
        "http://tseregression.org (also shipped in the aeon wheel, under "
        "aeon/datasets/data)"
    ),
}


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def find_dataset(data: Path, name: str) -> Path | None:
    """The folder under ``data`` that holds ``name``'s train and test files."""
    for sub in SUBFOLDERS:
        root = (data / sub).resolve()
        folder = root / name
        if (folder / f"{name}_TRAIN.ts").is_file() and (
            folder / f"{name}_TEST.ts"
        ).is_file():
            return root
    return None


def load(root: Path, name: str):
    X_train, y_train = load_ucr_uea(name, "train", data_home=root)
    X_test, y_test = load_ucr_uea(name, "test", data_home=root)
    return X_train, y_train, X_test, y_test


def summary_features(X) -> np.ndarray:
    """Per-channel mean, std, min and max of each (variable-length) series."""
    return np.array(
        [np.concatenate([x.mean(0), x.std(0), x.min(0), x.max(0)]) for x in X]
    )


def with_derivative(X: np.ndarray) -> np.ndarray:
    """Append the first derivative along time as an extra channel."""
    return np.concatenate([X, np.gradient(X, axis=1)], axis=2)


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


def rmse(y_true, y_pred) -> float:
    return float(np.sqrt(np.mean((np.asarray(y_true) - np.asarray(y_pred)) ** 2)))


def evaluate(make_model, seeds, X_train, y_train, X_test, y_test, metric):
    """Fit ``make_model(seed)`` for every seed; return scores and fit times."""
    scores, times = [], []
    for seed in seeds:
        model = make_model(seed)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        times.append(time.perf_counter() - start)
        scores.append(metric(y_test, model.predict(X_test)))
    return scores, times


def accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


class Table:
    """Rows of (data set, model, metric, scores, fit times, note)."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, str, str, str]] = []

    def add(self, dataset, model, metric, scores, times=None, note=""):
        scores = np.atleast_1d(np.asarray(scores, dtype=float))
        value = f"{scores.mean():.3f}"
        if len(scores) > 1:
            value += f" ± {scores.std():.3f}"
        fit = "-" if times is None else f"{np.mean(times):.2f}"
        self.rows.append((dataset, model, metric, value, fit, note))
        print(f"  {model}: {metric} {value} (fit {fit} s)", flush=True)

    def print(self):
        header = ("data set", "model", "metric", "test score", "fit s", "note")
        widths = [
            max(len(row[i]) for row in [header, *self.rows]) for i in range(len(header))
        ]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        print()
        print(line.format(*header).rstrip())
        print("  ".join("-" * w for w in widths))
        for row in self.rows:
            print(line.format(*row).rstrip())


# --------------------------------------------------------------------------------------
# The benchmarks
# --------------------------------------------------------------------------------------


def japanese_vowels(root: Path, seeds, table: Table) -> None:
    name = "JapaneseVowels"
    X_train, y_train, X_test, y_test = load(root, name)
    print(f"{name}: {len(X_train)} train / {len(X_test)} test, 12 channels")
    data = (X_train, y_train, X_test, y_test)
    n = f"{len(seeds)} seeds"

    scores, times = evaluate(
        lambda s: make_pipeline(SequenceScaler(), RNNClassifier(random_state=s)),
        seeds,
        *data,
        accuracy,
    )
    table.add(name, "SequenceScaler + RNNClassifier()", "accuracy", scores, times, n)
    scores, times = evaluate(
        lambda s: RNNClassifier(random_state=s), seeds, *data, accuracy
    )
    table.add(name, "RNNClassifier() (no scaler)", "accuracy", scores, times, n)

    F_train, F_test = summary_features(X_train), summary_features(X_test)
    baselines = {
        "logistic regression, summary feats": LogisticRegression(max_iter=5000),
        "1-NN, summary feats": KNeighborsClassifier(n_neighbors=1),
    }
    for label, estimator in baselines.items():
        scores, times = evaluate(
            lambda _, e=estimator: make_pipeline(StandardScaler(), e),
            [0],
            F_train,
            y_train,
            F_test,
            y_test,
            accuracy,
        )
        table.add(name, label, "accuracy", scores, times, "baseline")
    table.add(name, "MLP", "accuracy", 0.976, note="published")
    table.add(name, "FCN", "accuracy", 0.993, note="published")


def tecator(root: Path, seeds, table: Table) -> None:
    name = "Tecator"
    X_train, y_train, X_test, y_test = load(root, name)
    print(f"{name}: {len(X_train)} train / {len(X_test)} test, length 100")
    data = (X_train, y_train, X_test, y_test)
    n = f"{len(seeds)} seeds"

    scores, times = evaluate(
        lambda s: make_pipeline(SequenceScaler(), RNNRegressor(random_state=s)),
        seeds,
        *data,
        rmse,
    )
    table.add(name, "SequenceScaler + RNNRegressor()", "RMSE", scores, times, n)

    table.add(
        name,
        "train-mean predictor",
        "RMSE",
        rmse(y_test, np.full(len(y_test), y_train.mean())),
        note="baseline",
    )
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-6, 6, 25)))
    flat = (X_train[:, :, 0], y_train, X_test[:, :, 0], y_test)
    scores, times = evaluate(lambda _: ridge, [0], *flat, rmse)
    alpha = ridge[-1].alpha_
    note = f"baseline, alpha={alpha:.2g}"
    table.add(name, "RidgeCV, standardized spectra", "RMSE", scores, times, note)

    derivative = (with_derivative(X_train), y_train, with_derivative(X_test), y_test)
    scores, times = evaluate(
        lambda s: make_pipeline(SequenceScaler(), RNNRegressor(random_state=s)),
        seeds,
        *derivative,
        rmse,
    )
    note = f"{n}, extra"
    table.add(name, "same, + 1st-derivative channel", "RMSE", scores, times, note)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"folder holding the data sets (default: {DEFAULT_DATA})",
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
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")

    found = {name: find_dataset(args.data, name) for name in WHERE_TO_GET}
    missing = [name for name, root in found.items() if root is None]
    for name in missing:
        print(
            f"{name} not found under {args.data} (looked for "
            f"{name}/{name}_TRAIN.ts and {name}_TEST.ts in "
            f"{', '.join(SUBFOLDERS)}). Get it from {WHERE_TO_GET[name]}, and pass "
            "--data PATH.",
            file=sys.stderr,
        )
    if len(missing) == len(found):
        print("No data: nothing to benchmark.", file=sys.stderr)
        return 0

    torch.set_num_threads(args.threads)
    seeds = list(range(args.seeds))
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
        f"CUDA available: {torch.cuda.is_available()}; seeds {seeds}"
    )
    table = Table()
    if found["JapaneseVowels"] is not None:
        japanese_vowels(found["JapaneseVowels"], seeds, table)
    if found["Tecator"] is not None:
        tecator(found["Tecator"], seeds, table)
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
