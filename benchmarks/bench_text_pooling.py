"""Attention pooling against max pooling on the shared sentiment sentences.

``python benchmarks/bench_text_pooling.py`` cross-validates (stratified, 10 folds,
``--folds``) on the 3,000 labelled review sentences of
``../shared/data/text/uci_sentiment`` (Amazon, IMDB, Yelp; Kotzias et al. 2015):

* **TF-IDF + logistic regression** (the baseline, measured on the same folds);
* ``make_pipeline(SequenceVectorizer(), RNNClassifier(...))`` with the documented
  text setting (bidirectional GRU, 5 epochs at a constant learning rate;
  docs/performance.md), once with ``pooling="max"`` and once with
  ``pooling="attention"``, everything else equal.

It prints each one's mean accuracy ± standard deviation over the folds, the
per-fold difference attention - max (mean and how many folds each won), and the
time. Without the data it says so and exits with 0.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _text_data import SHARED, cross_validate_models, load_sentiment
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceVectorizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "text" / "uci_sentiment").is_dir():
        print(f"{args.data / 'text' / 'uci_sentiment'} not found; nothing to measure.")
        return
    X, y = load_sentiment(args.data)
    cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    print(f"{len(X)} sentences, {args.folds}-fold stratified cross-validation")

    models = {
        "TF-IDF + logistic regression": make_pipeline(
            TfidfVectorizer(), LogisticRegression(max_iter=1000)
        )
    }
    for pooling in ("max", "attention"):
        models[f'RNNClassifier(pooling="{pooling}")'] = make_pipeline(
            SequenceVectorizer(),
            RNNClassifier(
                bidirectional=True,
                pooling=pooling,
                max_iter=args.epochs,
                lr_schedule="constant",
                random_state=args.seed,
            ),
        )
    scores = cross_validate_models(models, X, y, cv)
    attention = scores['RNNClassifier(pooling="attention")']
    maximum = scores['RNNClassifier(pooling="max")']
    difference = attention - maximum
    print(
        f"attention - max, per fold: mean {difference.mean():+.3f}; attention "
        f"better on {(difference > 0).sum()}, max on {(difference < 0).sum()}, "
        f"ties {(difference == 0).sum()} of {len(difference)} folds"
    )


if __name__ == "__main__":
    main()
