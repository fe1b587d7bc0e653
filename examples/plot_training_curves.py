"""
=====================================================================
Training curves, early stopping and the confusion matrix
=====================================================================

A fitted :class:`~sklearn_rnn.RNNClassifier` or :class:`~sklearn_rnn.RNNRegressor`
keeps a record of its training: the mean training loss of every epoch
(``loss_curve_``) and, with ``early_stopping=True``, the loss and score on the
held-out validation share (``validation_loss_curve_``, ``validation_scores_``).
:class:`~sklearn_rnn.TrainingCurveDisplay` draws them, and scikit-learn's
:class:`~sklearn.metrics.ConfusionMatrixDisplay` shows where the fitted classifier
goes wrong.

The data are JapaneseVowels (nine speakers, 12-channel series of 7 to 29 steps),
shipped inside the ``sktime`` wheel (``pip install "sklearn-rnn[datasets]"``), so this
example runs offline. The figures need matplotlib (``pip install
"sklearn-rnn[plot]"``); without it the example prints its results and skips them. Set
``SKLEARN_RNN_FAST=1`` for a quick run (fewer epochs, the same code path). Every score
quoted on this page is printed by the run above it.
"""

import os
import time

import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.pipeline import make_pipeline

from sklearn_rnn import (
    RNNClassifier,
    SequenceScaler,
    TrainingCurveDisplay,
    load_japanese_vowels,
)

try:
    import matplotlib.pyplot as plt
except ImportError:  # TrainingCurveDisplay draws with matplotlib: no figures then
    plt = None
    print('matplotlib is not installed: no figures (pip install "sklearn-rnn[plot]")')

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")
if FAST:
    print(
        "Fast mode (SKLEARN_RNN_FAST=1): at most 15 epochs and a patience of 3, not "
        "200 and 10; the results below are not those of a full run."
    )

X_train, y_train = load_japanese_vowels("train")
X_test, y_test = load_japanese_vowels("test")

# %%
# Two ways to stop training
# -------------------------
# Without early stopping (the default), the network trains on all the training data
# and stops once the *training* loss has not improved by ``tol`` for
# ``n_iter_no_change`` epochs, or after ``max_iter`` epochs. With
# ``early_stopping=True`` it holds out ``validation_fraction`` of the training data
# (stratified by speaker), stops once the *validation* loss has not improved for
# ``n_iter_no_change`` epochs, and restores the weights of the best epoch.
settings = {"max_iter": 15 if FAST else 200, "random_state": 0}
if FAST:
    settings["n_iter_no_change"] = 3
models = {
    "without early stopping": make_pipeline(
        SequenceScaler(), RNNClassifier(**settings)
    ),
    "early_stopping=True": make_pipeline(
        SequenceScaler(),
        RNNClassifier(early_stopping=True, validation_fraction=0.2, **settings),
    ),
}
accuracies = {}
for name, model in models.items():
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    classifier = model[-1]
    line = f"{name}: {classifier.n_iter_} epochs in {seconds:.1f} s"
    if classifier.validation_loss_curve_ is not None:
        # The weights kept are those of the epoch with the lowest validation loss.
        best_epoch = int(np.argmin(classifier.validation_loss_curve_)) + 1
        line += (
            f", kept epoch {best_epoch} (validation accuracy "
            f"{classifier.validation_scores_[best_epoch - 1]:.3f}; highest of any "
            f"epoch: {classifier.best_validation_score_:.3f})"
        )
    print(line)
    accuracies[name] = model.score(X_test, y_test)
    print(f"  test accuracy {accuracies[name]:.3f}")
change = accuracies["early_stopping=True"] - accuracies["without early stopping"]
print(f"Early stopping changed the test accuracy by {change:+.3f} in this run.")

# %%
# The training curves
# -------------------
# :meth:`~sklearn_rnn.TrainingCurveDisplay.from_estimator` takes the fitted
# estimator, or a pipeline that ends with one. With early stopping
# it also draws the validation loss, the validation accuracy (right axis) and the
# best epoch, whose weights the model kept; the curves go on for
# ``n_iter_no_change`` epochs after it, the patience that ends training. The
# display's matplotlib objects are its attributes (``ax_``, ``legend_``, ...), to
# adjust the figure.
#
# Early stopping trades training data for a stopping time: the model sees only 80%
# of the training series, and keeps the weights of its best validation epoch. On a
# data set this small the two effects are of a size, and which one wins changes
# with the seed; the printed lines above give this run's epochs and test
# accuracies.
if plt is not None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, (name, model) in zip(axes, models.items(), strict=True):
        display = TrainingCurveDisplay.from_estimator(model, ax=ax, name=name)
        display.legend_.set_loc("center right")  # clear of the curves
    fig.tight_layout()

# %%
# The confusion matrix on the test set
# ------------------------------------
# :class:`~sklearn.metrics.ConfusionMatrixDisplay` works with the pipeline and the
# list of variable-length test series like with any scikit-learn classifier. Rows
# are the true speakers, columns the predicted ones; the test set is unbalanced
# (speaker 3 has 88 utterances, speaker 6 only 24).
model = models["early_stopping=True"]
if plt is not None:
    display = ConfusionMatrixDisplay.from_estimator(
        model, X_test, y_test, colorbar=False
    )
    display.ax_.set(
        title="Early-stopped network on the test set",
        xlabel="Predicted speaker",
        ylabel="True speaker",
    )
    plt.show()
else:
    print(confusion_matrix(y_test, model.predict(X_test)))
