"""
=====================================================================
Sentiment of raw sentences: SequenceVectorizer + RNNClassifier
=====================================================================

Three thousand short product, movie and restaurant reviews (UCI "Sentiment Labelled
Sentences", Kotzias et al., KDD 2015, CC BY 4.0), half positive, half negative. A
:class:`~sklearn_rnn.SequenceVectorizer` turns each sentence into a padded sequence of
token ids with a vocabulary fitted on the training folds only, and a bidirectional LSTM
reads it: ``make_pipeline(SequenceVectorizer(), RNNClassifier())`` learns straight from
strings. The score is stratified k-fold cross-validated accuracy, next to the classic
TF-IDF + logistic regression baseline on the same folds.

The data are read from ``../shared/data/text/uci_sentiment`` beside the repository (or
the folder in ``SKLEARN_RNN_TEXT_DATA``). Set ``SKLEARN_RNN_FAST=1`` for a quick run
(fewer folds and epochs, the same code path).
"""

import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceVectorizer

FAST = os.environ.get("SKLEARN_RNN_FAST", "0") not in ("", "0")
DATA = Path(
    os.environ.get(
        "SKLEARN_RNN_TEXT_DATA",
        Path(__file__).resolve().parents[2] / "shared/data/text/uci_sentiment",
    )
)
FILES = ["amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"]

# %%
# Load the sentences
# ------------------
# Each line is ``sentence<TAB>label``. The IMDB file contains double quotes, so the
# lines are split by hand rather than parsed as CSV, and only on "\n": one sentence
# holds a Unicode line separator, which ``str.splitlines`` would break it at.
if not all((DATA / name).is_file() for name in FILES):
    print(
        f"Data not found: {DATA} should hold {', '.join(FILES)}.\n"
        "Get 'Sentiment Labelled Sentences' from the UCI Machine Learning Repository "
        "(dataset 331) and set SKLEARN_RNN_TEXT_DATA to the folder that holds them."
    )
    sys.exit(0)

texts, labels = [], []
for name in FILES:
    for line in (DATA / name).read_text(encoding="utf-8").split("\n"):
        if line.strip():
            text, _, label = line.rpartition("\t")
            texts.append(text.strip())
            labels.append("positive" if label.strip() == "1" else "negative")
print(f"{len(texts)} sentences, {labels.count('positive')} positive")

# %%
# Cross-validate the recurrent network and the baseline on the same folds
# -----------------------------------------------------------------------
cv = StratifiedKFold(n_splits=3 if FAST else 10, shuffle=True, random_state=0)

# Max pooling over the steps of a bidirectional LSTM: a sentiment word anywhere in the
# sentence can decide. Five epochs are enough here; more overfit 3,000 sentences.
rnn = make_pipeline(
    SequenceVectorizer(),
    RNNClassifier(
        bidirectional=True, pooling="max", max_iter=2 if FAST else 5, random_state=0
    ),
)
baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))

results = {}
for name, model in [("BiLSTM on token ids", rnn), ("TF-IDF + logistic", baseline)]:
    start = time.perf_counter()
    scores = cross_validate(model, texts, labels, cv=cv)["test_score"]
    results[name] = scores
    print(
        f"{name:22s} accuracy {scores.mean():.3f} ± {scores.std():.3f} "
        f"({cv.get_n_splits()}-fold, {time.perf_counter() - start:.0f} s)"
    )

# %%
# What the fitted pipeline does with new text
# -------------------------------------------
rnn.fit(texts, labels)
examples = ["I loved every minute of it", "The battery died after a day", ""]
for text, p in zip(examples, rnn.predict_proba(examples)[:, 1], strict=True):
    print(f"P(positive) = {p:.2f}  {text!r}")
vectorizer = rnn[0]
print(
    f"vocabulary: {len(vectorizer.vocabulary_)} tokens, sequences padded to "
    f"{vectorizer.max_length_} steps"
)
gap = np.mean(results["BiLSTM on token ids"]) - np.mean(results["TF-IDF + logistic"])
print(f"accuracy difference RNN - baseline: {gap:+.3f}")
