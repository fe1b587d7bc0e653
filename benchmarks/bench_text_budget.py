"""The default training budget on text: does it stop at the right time?

``python benchmarks/bench_text_budget.py`` cross-validates (stratified, 10 folds,
``--folds``) on two labelled text sets of ``../shared/data/text``: the 3,000 review
sentences of ``uci_sentiment`` (Kotzias et al. 2015) and the 5,574 messages of
``sms_spam`` (Almeida et al. 2011), each with

* TF-IDF + logistic regression (the baseline, on the same folds);
* ``make_pipeline(SequenceVectorizer(), RNNClassifier())``: the defaults, whose
  budget ``max_iter="auto"`` counts optimizer steps (enough epochs for 1,500, with
  the cosine schedule over them);
* the defaults with ``early_stopping=True`` (10% held out, the best epoch kept);
* ``max_iter=100`` at a constant learning rate: a fixed epoch budget, as before
  the step-based one;
* the documented text setting (bidirectional GRU, max pooling, 5 epochs at a
  constant learning rate; docs/performance.md).

It prints each one's mean accuracy ± standard deviation over the folds, the mean
number of epochs run and the time. Without the data it says so and exits with 0.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
from _text_data import SHARED, load_sentiment, load_sms
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceVectorizer


def models(seed: int) -> dict:
    return {
        "TF-IDF + logistic regression": make_pipeline(
            TfidfVectorizer(), LogisticRegression(max_iter=1000)
        ),
        "defaults (max_iter='auto')": make_pipeline(
            SequenceVectorizer(), RNNClassifier(random_state=seed)
        ),
        "defaults, early_stopping=True": make_pipeline(
            SequenceVectorizer(),
            RNNClassifier(early_stopping=True, random_state=seed),
        ),
        "max_iter=100, constant lr": make_pipeline(
            SequenceVectorizer(),
            RNNClassifier(max_iter=100, lr_schedule="constant", random_state=seed),
        ),
        "documented setting (5 epochs)": make_pipeline(
            SequenceVectorizer(),
            RNNClassifier(
                bidirectional=True,
                pooling="max",
                max_iter=5,
                lr_schedule="constant",
                random_state=seed,
            ),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "text" / "uci_sentiment").is_dir():
        print(f"{args.data} has no uci_sentiment; nothing to measure.")
        return
    cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    for name, load in (("sentiment", load_sentiment), ("SMS spam", load_sms)):
        X, y = load(args.data)
        print(f"{name}: {len(X)} texts, {args.folds}-fold stratified")
        for label, model in models(args.seed).items():
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=ConvergenceWarning)
                result = cross_validate(model, X, y, cv=cv, return_estimator=True)
            scores = result["test_score"]
            epochs = [
                m[-1].n_iter_ if isinstance(m[-1], RNNClassifier) else np.nan
                for m in result["estimator"]
            ]
            print(
                f"  {label:32s} {scores.mean():.3f} ± {scores.std():.3f}  "
                f"epochs {np.mean(epochs):5.1f}  "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
