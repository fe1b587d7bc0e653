"""Pre-training a language model, then fine-tuning it on the sentiment sentences.

``python benchmarks/bench_transfer.py`` measures the transfer path of
``encoder_init`` (Dai & Le 2015; Howard & Ruder 2018) on the 3,000 labelled review
sentences of ``../shared/data/text/uci_sentiment`` (Amazon, IMDB, Yelp; Kotzias et
al. 2015):

1. **Pre-training**, without any label: a word-level
   ``RNNLanguageModel(unit="word", lowercase=True, min_frequency=2)`` (an LSTM of
   256 units on embeddings of 64) on the unlabelled text of ``../shared/``: the
   16,622 sentences of the English Web Treebank (``# text`` lines of its three
   files: blogs, newsgroups, e-mail, reviews, answers) and the 5,574 SMS messages
   with their labels removed, 307k words. None of the sentiment sentences is read,
   so no test fold's text is seen before its fold. ``--shakespeare`` adds Tiny
   Shakespeare.
2. **Fine-tuning**, stratified 10-fold cross-validation (``--folds``), every model
   on the same folds:

   * TF-IDF + logistic regression (the baseline);
   * ``make_pipeline(SequenceVectorizer(), RNNClassifier())``: the defaults;
   * the documented text setting (bidirectional GRU, max pooling, 5 epochs at a
     constant learning rate; docs/performance.md) from scratch;
   * **the same classifier as the transferred one, from scratch**: the language
     model's vocabulary (``clone(lm.vectorizer_)``) and architecture (LSTM 256,
     embeddings 64), bidirectional, max pooling, 5 epochs at a constant rate;
   * that classifier with ``encoder_init=lm`` (the forward direction and the
     embedding from the language model, the backward direction new), with max
     pooling and with attention pooling; then with max pooling and ULMFiT's
     schedule (gradual unfreezing every epoch, each layer down at 1/2.6 of the
     learning rate above it), and with the transferred layers frozen.

It prints the language model's held-out perplexity, each model's mean accuracy ±
standard deviation over the folds with its time, and the per-fold difference
transferred - from scratch (mean, and how many folds each won). Without the data
it says so and exits with 0.
"""

from __future__ import annotations

import argparse
import pickle
import time
import warnings
from pathlib import Path

import numpy as np
from _text_data import SHARED, cross_validate_models, load_sentiment, unlabelled_text
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, RNNLanguageModel, SequenceVectorizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--lm-epochs", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--shakespeare", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--lm",
        type=Path,
        help="read the pre-trained language model from this pickle, or train it "
        "and write it there",
    )
    args = parser.parse_args()
    if not (args.data / "text" / "uci_sentiment").is_dir():
        print(f"{args.data / 'text' / 'uci_sentiment'} not found; nothing to measure.")
        return
    X, y = load_sentiment(args.data)
    corpus = unlabelled_text(args.data, args.shakespeare)
    words = sum(len(text.split()) for text in corpus)
    print(f"pre-training on {len(corpus)} unlabelled texts ({words} words)")
    start = time.perf_counter()
    if args.lm is not None and args.lm.is_file():
        with open(args.lm, "rb") as f:
            lm = pickle.load(f)
        print(f"  language model read from {args.lm} (trained before)")
    else:
        lm = RNNLanguageModel(
            unit="word",
            lowercase=True,
            min_frequency=2,
            hidden_size=256,
            embedding_dim=64,
            bptt=35,
            batch_size=32,
            dropout=0.2,
            max_iter=args.lm_epochs,
            early_stopping=True,  # the last 10% of the stream is held out
            random_state=args.seed,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=ConvergenceWarning)
            lm.fit(corpus)
        if args.lm is not None:
            with open(args.lm, "wb") as f:
                pickle.dump(lm, f)
    print(
        f"  language model: {lm.vocab_size_} symbols, held-out perplexity "
        f"{np.exp(-lm.validation_scores_[-1]):.0f} "
        f"({time.perf_counter() - start:.0f} s)",
        flush=True,
    )
    vocabulary = SequenceVectorizer().fit(X).vocabulary_
    known = np.mean([w in lm.vocabulary_ for w in vocabulary])
    print(f"  it knows {known:.0%} of the sentiment sentences' distinct words")

    cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    print(f"{len(X)} sentences, {args.folds}-fold stratified cross-validation")
    fine_tuning = {
        "bidirectional": True,
        "max_iter": args.epochs,
        "lr_schedule": "constant",
        "random_state": args.seed,
    }
    same = {"cell": "lstm", "hidden_size": 256, "embedding_dim": 64}
    models = {
        "TF-IDF + logistic regression": make_pipeline(
            TfidfVectorizer(), LogisticRegression(max_iter=1000)
        ),
        "defaults": make_pipeline(
            SequenceVectorizer(), RNNClassifier(random_state=args.seed)
        ),
        "documented setting, from scratch": make_pipeline(
            SequenceVectorizer(), RNNClassifier(pooling="max", **fine_tuning)
        ),
        "LSTM 256, max pooling, from scratch": make_pipeline(
            clone(lm.vectorizer_),
            RNNClassifier(pooling="max", **same, **fine_tuning),
        ),
        "pre-trained, max pooling": make_pipeline(
            clone(lm.vectorizer_),
            RNNClassifier(pooling="max", encoder_init=lm, **fine_tuning),
        ),
        "pre-trained, attention pooling": make_pipeline(
            clone(lm.vectorizer_),
            RNNClassifier(pooling="attention", encoder_init=lm, **fine_tuning),
        ),
        "pre-trained, ULMFiT schedule": make_pipeline(
            clone(lm.vectorizer_),
            RNNClassifier(
                pooling="max",
                encoder_init=lm,
                unfreeze_every=1,
                encoder_lr_decay=1 / 2.6,
                **fine_tuning,
            ),
        ),
        "pre-trained, encoder frozen": make_pipeline(
            clone(lm.vectorizer_),
            RNNClassifier(
                pooling="max", encoder_init=lm, freeze_encoder=True, **fine_tuning
            ),
        ),
    }
    scores = cross_validate_models(models, X, y, cv)
    scratch = scores["LSTM 256, max pooling, from scratch"]
    for name in [name for name in scores if name.startswith("pre-trained")]:
        difference = scores[name] - scratch
        print(
            f"{name} - from scratch, per fold: mean {difference.mean():+.3f}; "
            f"pre-trained better on {(difference > 0).sum()}, from scratch on "
            f"{(difference < 0).sum()}, ties {(difference == 0).sum()}"
        )


if __name__ == "__main__":
    main()
