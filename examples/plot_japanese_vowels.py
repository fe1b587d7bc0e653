"""
========================================================================
Speaker recognition from variable-length, multivariate series
========================================================================

The JapaneseVowels data set (UCI; UEA archive) holds utterances of the vowels "ae" by
nine male speakers, each a series of 12 LPC cepstrum coefficients with 7 to 29 steps.
The task is to tell the speaker. The series have different lengths and 12 channels, so
they are a list of ``(n_timesteps, 12)`` arrays: :class:`~sklearn_rnn.RNNClassifier`
takes that list directly, and with its defaults it standardizes the series itself
(each series by its own statistics, and by the training set's), over the valid steps
only.

The data ship inside the ``sktime`` wheel (``pip install "sklearn-rnn[datasets]"``), so
this example runs offline. The figures need matplotlib (``pip install
"sklearn-rnn[plot]"``); without it the example prints its scores and skips them. Set
``SKLEARN_RNN_FAST=1`` for a quick run (fewer epochs, the same code path). Every score
quoted on this page is printed by the run above it.
"""

import os
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_rnn import RNNClassifier, load_japanese_vowels

try:
    import matplotlib.pyplot as plt
except ImportError:  # the README's set-up installs no matplotlib: no figures then
    plt = None
    print('matplotlib is not installed: no figures (pip install "sklearn-rnn[plot]")')

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")
if FAST:
    print(
        "Fast mode (SKLEARN_RNN_FAST=1): the network trains 5 epochs, not its full "
        "budget; its scores below are far from those of a full run."
    )

# %%
# Load the canonical train/test split
# -----------------------------------
X_train, y_train = load_japanese_vowels("train")
X_test, y_test = load_japanese_vowels("test")
lengths = [len(x) for x in X_train]
print(
    f"{len(X_train)} training and {len(X_test)} test series, "
    f"{X_train[0].shape[1]} channels, lengths {min(lengths)}-{max(lengths)}"
)

# %%
# Each utterance is a short multivariate series. Here is the first coefficient of
# five utterances by each of three speakers: the lengths differ, and so do the
# speakers' typical trajectories.
if plt is not None:
    fig, axes = plt.subplots(1, 3, figsize=(10, 3), sharey=True)
    for ax, speaker in zip(axes, ["1", "2", "3"], strict=True):
        for i in np.flatnonzero(y_train == speaker)[:5]:
            ax.plot(np.arange(1, len(X_train[i]) + 1), X_train[i][:, 0])
        ax.set(title=f"Speaker {speaker}", xlabel="Time step")
    axes[0].set_ylabel("LPC coefficient 1")
    fig.tight_layout()

# %%
# The recurrent network, with its default settings
# ------------------------------------------------
# Every parameter at its default: the series are standardized inside the network,
# a convolutional front end (64 and 128 filters) reads them, a one-layer GRU with
# 64 hidden units runs over its output, and the mean and maximum of its states feed
# a softmax over the nine speakers. The training budget is counted in optimizer
# steps (1,500, under a warmup + cosine learning-rate schedule); the fit stops
# earlier once the training loss no longer improves. The printed lines below say
# how many epochs it ran.
model = RNNClassifier(max_iter=5 if FAST else "auto", random_state=0)
start = time.perf_counter()
model.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start
y_pred = model.predict(X_test)
rnn_accuracy = accuracy_score(y_test, y_pred)


# %%
# A simple baseline: summary statistics + logistic regression
# -----------------------------------------------------------
def summarize(series_list):
    """Per-channel mean, standard deviation, first and last value of each series."""
    return np.array(
        [np.concatenate([s.mean(0), s.std(0), s[0], s[-1]]) for s in series_list]
    )


baseline = make_pipeline(
    FunctionTransformer(summarize),
    StandardScaler(),
    LogisticRegression(max_iter=2000),
)
baseline.fit(X_train, y_train)
baseline_accuracy = accuracy_score(y_test, baseline.predict(X_test))

print(f"RNNClassifier (defaults): test accuracy {rnn_accuracy:.3f}")
print(
    f"  trained {model.n_iter_} of at most {model.net_.max_epochs} epochs "
    f"in {fit_seconds:.1f} s"
)
print(f"Summary features + logistic regression: test accuracy {baseline_accuracy:.3f}")
print("Published simple neural baselines: MLP 0.976, FCN 0.993")
gap = rnn_accuracy - baseline_accuracy
print(
    f"The network is {abs(gap):.3f} {'above' if gap >= 0 else 'below'} the "
    f"summary-feature baseline, {rnn_accuracy - 0.976:+.3f} from the published MLP "
    f"and {rnn_accuracy - 0.993:+.3f} from the published FCN."
)
print("Confusion matrix (rows: true speaker):")
print(confusion_matrix(y_test, y_pred))

# %%
# Test accuracy of both models in this run, next to two published neural baselines
# (Ismail Fawaz et al., "Deep learning for time series classification: a review",
# 2019). On this small data set a linear model on well-chosen summary statistics is
# a strong baseline: the lines printed above say how the network compares with it
# and with the published figures in this run. One run is one seed;
# ``benchmarks/real_data.py`` measures the defaults over several seeds, and
# :doc:`/timeseries` lists what it found.
if plt is not None:
    scores = {
        "RNNClassifier\n(this run)": rnn_accuracy,
        "summary feats +\nlogistic (this run)": baseline_accuracy,
        "MLP\n(published)": 0.976,
        "FCN\n(published)": 0.993,
    }
    fig, ax = plt.subplots(figsize=(7, 3.5))
    bars = ax.bar(list(scores), list(scores.values()), color=["C0", "C1", "0.6", "0.6"])
    ax.bar_label(bars, fmt="%.3f")
    ax.set(ylabel="Test accuracy", ylim=(0.5, 1.05), title="JapaneseVowels")
    fig.tight_layout()
    plt.show()
