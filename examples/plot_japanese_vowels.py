"""
========================================================================
Speaker recognition from variable-length, multivariate series (LSTM)
========================================================================

The JapaneseVowels data set (UCI; UEA archive) holds utterances of the vowels "ae" by
nine male speakers, each a series of 12 LPC cepstrum coefficients with 7 to 29 steps.
The task is to tell the speaker. The series have different lengths and 12 channels, so
they are a list of ``(n_timesteps, 12)`` arrays: :class:`~sklearn_rnn.RNNClassifier`
takes that list directly, and :class:`~sklearn_rnn.SequenceScaler` standardizes each
channel over the valid steps only.

The data ship inside the ``sktime`` wheel (``pip install "sklearn-rnn[datasets]"``), so
this example runs offline. Set ``SKLEARN_RNN_FAST=1`` for a quick run (fewer epochs,
the same code path).
"""

import os
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_rnn import RNNClassifier, SequenceScaler, load_japanese_vowels

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")

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
# The recurrent network, with its default settings
# ------------------------------------------------
# A one-layer LSTM with 64 hidden units reads each standardized series; its last
# valid state feeds a softmax over the nine speakers.
model = make_pipeline(
    SequenceScaler(),
    RNNClassifier(max_iter=5 if FAST else 100, random_state=0),
)
start = time.perf_counter()
model.fit(X_train, y_train)
fit_seconds = time.perf_counter() - start
rnn_accuracy = accuracy_score(y_test, model.predict(X_test))


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

print(f"RNNClassifier (LSTM, defaults): test accuracy {rnn_accuracy:.3f}")
print(f"  trained {model[-1].n_iter_} epochs in {fit_seconds:.1f} s")
print(f"Summary features + logistic regression: test accuracy {baseline_accuracy:.3f}")
print("Published simple neural baselines: MLP 0.976, FCN 0.993")
print("Confusion matrix (rows: true speaker):")
print(confusion_matrix(y_test, model.predict(X_test)))
