"""
=====================================================================
Fat content from near-infrared spectra: time-series regression
=====================================================================

Tecator (Monash/UEA/UCR time-series extrinsic regression archive): 215 samples of
finely chopped meat, each a near-infrared absorbance spectrum of 100 wavelengths
(850-1050 nm) measured by a Tecator Infratec analyzer, and the fat content (percent)
to predict; 172 training and 43 test samples. Each spectrum is read as a sequence of
100 steps by :class:`~sklearn_rnn.RNNRegressor`, and compared with ridge regression
on the same 100 numbers, the classic chemometrics baseline.

The RNN with its default settings z-normalises each spectrum inside the network,
which removes the offset that hides the fat band; the same network given only the
data set's statistics keeps it. Both are shown.

The data are read from ``ts_regression/Tecator`` in the data folder beside the
repository (``../shared/data``) or in a folder listed in the ``SKLEARN_RNN_DATA``
environment variable, else from the copy inside the ``sktime`` wheel
(``pip install "sklearn-rnn[datasets]"``). The figures need matplotlib (``pip install
"sklearn-rnn[plot]"``); without it the example prints its scores and skips them. Set
``SKLEARN_RNN_FAST=1`` for a quick run (one seed and fewer epochs, the same code path).
Every score quoted on this page is printed by the run above it.
"""

import os
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.metrics import root_mean_squared_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNRegressor, load_ucr_uea

try:
    import matplotlib.pyplot as plt
except ImportError:  # no figures then
    plt = None
    print('matplotlib is not installed: no figures (pip install "sklearn-rnn[plot]")')

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")
if FAST:
    print(
        "Fast mode (SKLEARN_RNN_FAST=1): one seed and 30 epochs, not three seeds and "
        "the default budget; the networks' scores below are not those of a full run."
    )

try:
    EXAMPLES_DIR = Path(__file__).resolve().parent
except NameError:  # sphinx-gallery runs examples without __file__, in their folder
    EXAMPLES_DIR = Path.cwd()


def find_tecator_home():
    """A data folder holding ``Tecator/Tecator_TRAIN.ts``, or None."""
    env = os.environ.get("SKLEARN_RNN_DATA", "")
    folders = [Path(p) for p in env.split(os.pathsep) if p]
    folders.append(EXAMPLES_DIR.parents[1] / "shared" / "data")
    for folder in folders:
        for home in (folder / "ts_regression", folder):
            if (home / "Tecator" / "Tecator_TRAIN.ts").is_file():
                return home
    return None  # load_ucr_uea then looks in the sktime and aeon wheels


# %%
# Load the canonical train/test split
# -----------------------------------
# :func:`~sklearn_rnn.load_ucr_uea` reads the archive's ``.ts`` files (with
# :func:`~sklearn_rnn.load_ts`): ``X`` has the shape ``(n_samples, 100, 1)``, one
# channel of 100 steps, and ``y`` holds the fat contents. Every cell below runs only
# when the data were found, so that the example stops cleanly without them.
try:
    home = find_tecator_home()
    X_train, y_train = load_ucr_uea("Tecator", "train", data_home=home)
    X_test, y_test = load_ucr_uea("Tecator", "test", data_home=home)
    have_data = True
except FileNotFoundError as error:
    have_data = False
    print(
        "Data not found: Tecator is in neither ../shared/data/ts_regression nor "
        f"the SKLEARN_RNN_DATA folders, and load_ucr_uea says:\n{error}"
    )

if have_data:
    print(
        f"{len(X_train)} training and {len(X_test)} test spectra of "
        f"{X_train.shape[1]} wavelengths; fat {y_train.min():.1f}-{y_train.max():.1f}%"
    )


# %%
# The spectra and their first derivative
# --------------------------------------
# The spectra differ mostly by a vertical offset and slope (how much light the
# sample absorbs overall), which has little to do with the fat content; fat shows in
# a small absorption band near 930 nm. The first derivative along the wavelengths
# (plotted here, not given to the models) removes the offset and brings that band
# forward.
def add_derivative(X):
    """Append the first derivative along the steps as an extra channel."""
    return np.concatenate([X, np.gradient(X, axis=1)], axis=2)


if have_data and plt is not None:
    wavelengths = np.linspace(850, 1050, X_train.shape[1])
    colors = plt.cm.viridis((y_train - y_train.min()) / np.ptp(y_train))
    fig, (ax_raw, ax_diff) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    for spectrum, color in zip(add_derivative(X_train), colors, strict=True):
        ax_raw.plot(wavelengths, spectrum[:, 0], color=color, linewidth=0.6)
        ax_diff.plot(wavelengths, spectrum[:, 1], color=color, linewidth=0.6)
    ax_raw.set(xlabel="Wavelength (nm)", ylabel="Absorbance", title="Spectra")
    ax_diff.set(xlabel="Wavelength (nm)", title="First derivative")
    mappable = plt.cm.ScalarMappable(
        cmap="viridis", norm=plt.Normalize(y_train.min(), y_train.max())
    )
    fig.colorbar(mappable, ax=[ax_raw, ax_diff], label="Fat (%)")

# %%
# Baselines: the training mean, and ridge regression
# --------------------------------------------------
# Ridge regression reads each spectrum as 100 features, standardized per
# wavelength; ``RidgeCV`` picks the penalty by leave-one-out cross-validation.
predictions, rmses = {}, {}


def evaluate(name, model, X_fit, X_pred):
    """Fit ``model``, keep its test predictions and print its test RMSE."""
    start = time.perf_counter()
    model.fit(X_fit, y_train)
    seconds = time.perf_counter() - start
    predictions[name] = model.predict(X_pred)
    rmses[name] = root_mean_squared_error(y_test, predictions[name])
    print(f"{name:40s} test RMSE {rmses[name]:5.2f}  (fit {seconds:.1f} s)")


if have_data:
    mean_rmse = root_mean_squared_error(y_test, np.full(len(y_test), y_train.mean()))
    print(f"{'training mean':40s} test RMSE {mean_rmse:5.2f}")
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-6, 6, 25)))
    evaluate("ridge regression", ridge, X_train[:, :, 0], X_test[:, :, 0])

# %%
# The recurrent network on the raw spectra, with its defaults
# -----------------------------------------------------------
# ``RNNRegressor()`` with every parameter at its default, on the raw spectra. The
# network standardizes its input itself, twice side by side: each spectrum by its
# own mean and spread (the "standard normal variate" of chemometrics, which removes
# the offset that drowns the signal) and by the training set's statistics (which
# keep the overall absorbance). A convolutional front end picks up local shapes such
# as the band near 930 nm; a GRU reads its output; the mean and maximum of the
# GRU's states feed a linear output. With 172 training spectra the result depends
# on the random initialization, so the network is fitted with several seeds.
if have_data:
    seeds = [0] if FAST else [0, 1, 2]
    seed_rmses = []
    for seed in seeds:
        name = f"RNNRegressor() (seed {seed})"
        rnn = RNNRegressor(max_iter=30 if FAST else "auto", random_state=seed)
        evaluate(name, rnn, X_train, X_test)
        seed_rmses.append(rmses[name])
    print(
        f"RNNRegressor(), {len(seeds)} seed(s): test RMSE "
        f"{np.mean(seed_rmses):.2f} ± {np.std(seed_rmses):.2f}"
    )

# %%
# What the input scaling does
# ---------------------------
# The same network with only the training set's statistics
# (``input_scaling="dataset"``, what a :class:`~sklearn_rnn.SequenceScaler` in front
# would do) sees every spectrum with its offset, and does much worse.
DATASET_ONLY = "RNNRegressor(input_scaling='dataset')"
if have_data:
    dataset_only = RNNRegressor(
        input_scaling="dataset", max_iter=30 if FAST else "auto", random_state=0
    )
    evaluate(DATASET_ONLY, dataset_only, X_train, X_test)

# %%
# Predicted against true fat content
# ----------------------------------
# On the test spectra, for ridge regression and the network (the first seed).
#
# Points on the dashed diagonal are exact predictions. The printed comparison below
# is this run's; ``benchmarks/real_data.py`` measures the defaults over several
# seeds, and :doc:`/timeseries` lists what it found.
if have_data:
    ridge_rmse = rmses["ridge regression"]
    for name, rmse in [
        (f"RNNRegressor(), mean of {len(seeds)} seed(s)", np.mean(seed_rmses)),
        (DATASET_ONLY, rmses[DATASET_ONLY]),
    ]:
        verdict = "better than" if rmse < ridge_rmse else "not better than"
        print(f"{name}: {rmse / ridge_rmse:.2f} x the RMSE of ridge, {verdict} ridge")
if have_data and plt is not None:
    shown = {
        "Ridge regression": "ridge regression",
        "RNNRegressor()": f"RNNRegressor() (seed {seeds[0]})",
        "input_scaling='dataset'": DATASET_ONLY,
    }
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), sharex=True, sharey=True)
    highest = max(y_test.max(), *(predictions[name].max() for name in shown.values()))
    limits = [0, highest + 2]
    for ax, (title, name) in zip(axes, shown.items(), strict=True):
        ax.plot(limits, limits, color="0.6", linestyle="--", linewidth=1)
        ax.scatter(y_test, predictions[name], s=15)
        ax.set(title=f"{title}\nRMSE {rmses[name]:.2f}", xlabel="True fat (%)")
        ax.set(xlim=limits, ylim=limits)
    axes[0].set_ylabel("Predicted fat (%)")
    fig.tight_layout()
    plt.show()
