"""UPOS tagging benchmark of RNNTagger on the Universal Dependencies English EWT.

``python benchmarks/bench_tagger.py`` trains :class:`~sklearn_rnn.RNNTagger` on the
train split of the English Web Treebank (UD), stops early on its dev split
(``fit(..., X_val=dev_words, y_val=dev_tags)``) and reports on its test split, next
to baselines fitted in the same run on the same data, and prints one table.

Data
----
``en_ewt-ud-{train,dev,test}.conllu`` in a folder ``ud_english_ewt``, looked for
in ``--data`` when given, else in ``../shared/data/sequence_labelling/`` beside the
repository, then in the folders of the ``SKLEARN_RNN_DATA`` environment variable
(``os.pathsep``-separated; as ``FOLDER/sequence_labelling/ud_english_ewt``,
``FOLDER/ud_english_ewt`` or ``FOLDER`` itself). Read with
:func:`~sklearn_rnn.load_conllu`: words are the FORM field (multiword tokens
skipped, so a sentence is its syntactic words), labels the UPOS field. Without
the files the script says where to get them and exits with 0.

Rows
----
* **most-frequent-tag**: each training word form's most frequent training tag;
  a word form unseen in training is ``NUM`` when it is a number (only digits once
  the separators ``, . - / :`` are removed: "1,000", "3:30", "2/3"), ``PROPN``
  when it starts with an uppercase letter, else ``NOUN``. (The issue's author
  measured 0.889 on test with such a rule.)
* **window features + LogisticRegression**: one row of features per token, from
  the word at i and its neighbours i-1 and i+1 (the word lowercased, its suffixes
  of length 1-3 and prefixes of length 1-2, whether it is capitalised, whether it
  holds a digit; the neighbours' lowercased words and suffixes of length 3, or
  sentence-boundary markers), one-hot encoded by ``DictVectorizer``, then
  multinomial ``LogisticRegression(solver="lbfgs", max_iter=LR_MAX_ITER)``.
  ``fit s`` counts the feature extraction and the fit.
* **RNNTagger** configurations, chosen with ``--configs`` (comma-separated):

  - ``default``: ``RNNTagger(random_state=seed)``, nothing else;
  - ``documented``: the documented stronger setting, the dict
    :data:`DOCUMENTED` at the top of this file (edit it to tune);
  - ``nochars``: ``RNNTagger(char_features=False)``, the defaults without the
    character features, for the unseen-token accuracy with and without them.

  ``--configs none`` measures the baselines only.

Columns
-------
``test UPOS acc`` is the accuracy over all test tokens; ``unseen-token acc`` the
accuracy over the test tokens whose word form (case-sensitive) is not among the
training words. ``fit s`` is the wall-clock time of ``fit`` (with early stopping,
the per-epoch dev-set evaluation included), after one untimed warm-up fit, on the
device the estimator picks (``device="auto"``) with ``--threads`` torch threads
(``n_jobs``; 1 by default). ``epochs`` is ``n_iter_`` (the epochs run; early
stopping keeps the weights of the epoch of lowest dev loss, printed as "kept").
``train tokens/s`` is training tokens x epochs / fit s.

Throughput (``--throughput``)
-----------------------------
The issue's target "training throughput (tokens/s) within 1.2x of the sequence
classifier's on the same encoder": the first ``--throughput-sentences`` (3,000)
training sentences become one matrix of token ids (``SequenceVectorizer`` on the
pre-tokenised words, one id per token, never truncated), on which
``RNNTagger(char_features=False, word_dropout=0)`` (a tag per token) and
``RNNClassifier`` (``pooling="last"``, the default for tokens; y the first tag of
each sentence) are fitted with the same encoder and training settings
(:data:`THROUGHPUT_COMMON`: bidirectional LSTM, hidden size 128, embedding 64,
dropout 0.25, batch 32, lr 3e-3, ``max_iter=2``, no early stopping), alternating
which goes first, ``--rounds`` (3) rounds after one untimed warm-up fit of each.
It prints each fit, the median tokens/s of each (real tokens x epochs / fit s)
and the ratio tagger / classifier (the target: >= 1/1.2 = 0.83).

Options
-------
``--quick`` fits on the first 1,000 training sentences with ``max_iter=2`` (dev
and test in full; a check of the script, scores meaningless); with
``--throughput`` it uses 500 sentences and 2 rounds. ``--seed`` seeds the networks.

Usage::

    python benchmarks/bench_tagger.py [--configs default,documented,nochars]
        [--seed N] [--threads N] [--quick] [--data FOLDER]
    python benchmarks/bench_tagger.py --throughput [--throughput-sentences N]
        [--rounds N] [--threads N] [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skorch
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

import sklearn_rnn
from sklearn_rnn import (
    RNNClassifier,
    RNNTagger,
    SequenceVectorizer,
    load_conllu,
    step_accuracy_score,
)

#: The documented stronger setting ("documented" configuration): RNNTagger's
#: arguments besides random_state (and n_jobs). Edit to tune.
DOCUMENTED: dict[str, Any] = dict(
    embedding_dim=128, dropout=0.33, label_smoothing=0.1, max_iter=15
)

#: Configuration name -> a function giving its RNNTagger arguments (besides
#: random_state and n_jobs); a function so that DOCUMENTED is read when it runs.
CONFIGS = {
    "default": lambda: {},
    "documented": lambda: dict(DOCUMENTED),
    "nochars": lambda: {"char_features": False},
}

#: The shared settings of the tagger and the classifier in --throughput.
THROUGHPUT_COMMON: dict[str, Any] = dict(
    cell="lstm",
    hidden_size=128,
    num_layers=1,
    bidirectional=True,
    embedding_dim=64,
    dropout=0.25,
    batch_size=32,
    lr=3e-3,
    max_iter=2,
    early_stopping=False,
    input_type="tokens",
)
THROUGHPUT_TARGET = 1 / 1.2

LR_MAX_ITER = 100
QUICK_SENTENCES, QUICK_MAX_ITER = 1_000, 2
QUICK_THROUGHPUT_SENTENCES, QUICK_ROUNDS = 500, 2

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TREEBANK = "ud_english_ewt"
SPLITS = ("train", "dev", "test")
FILE_NAME = "en_ewt-ud-{}.conllu"

WHERE_TO_GET = (
    "Get the English Web Treebank of Universal Dependencies (UD_English-EWT, "
    "https://github.com/UniversalDependencies/UD_English-EWT): put "
    f"{', '.join(FILE_NAME.format(s) for s in SPLITS)} in a folder {TREEBANK}/ "
    f"under {SHARED_DATA / 'sequence_labelling'} or under one of the "
    "SKLEARN_RNN_DATA folders (or pass --data FOLDER)."
)

PUBLISHED = (
    "Published reference figures (other runs, not measured here): BiLSTM taggers "
    "over word and character embeddings reach about 95% UPOS accuracy on the "
    "English UD treebank (Plank, Søgaard & Goldberg 2016, 'Multilingual POS "
    "tagging with bidirectional LSTM models and auxiliary loss', ACL); "
    "transformer-based taggers (pretrained contextual embeddings) reach 97% and "
    "more on EWT."
)


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def find_treebank(data: Path | None) -> Path | None:
    """The first folder holding the three EWT files, or None."""
    if data is not None:
        candidates = [data, data / TREEBANK, data / "sequence_labelling" / TREEBANK]
    else:
        candidates = [SHARED_DATA / "sequence_labelling" / TREEBANK]
        env = os.environ.get("SKLEARN_RNN_DATA", "")
        for folder in (Path(p) for p in env.split(os.pathsep) if p):
            candidates += [folder / "sequence_labelling" / TREEBANK]
            candidates += [folder / TREEBANK, folder]
    for folder in candidates:
        if all((folder / FILE_NAME.format(s)).is_file() for s in SPLITS):
            return folder
    return None


@dataclass
class Split:
    words: list[list[str]]
    tags: list[list[str]]

    @property
    def n_tokens(self) -> int:
        return sum(len(s) for s in self.words)

    def head(self, n: int) -> Split:
        return Split(self.words[:n], self.tags[:n])


def load_splits(folder: Path) -> dict[str, Split]:
    return {s: Split(*load_conllu(folder / FILE_NAME.format(s))) for s in SPLITS}


# --------------------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------------------

_NUMBER_SEPARATORS = re.compile(r"[,.\-/:]")


def unseen_tag(word: str) -> str:
    """The most-frequent-tag baseline's guess for a word unseen in training."""
    bare = _NUMBER_SEPARATORS.sub("", word)
    if bare and bare.isdigit():
        return "NUM"
    if word[:1].isupper():
        return "PROPN"
    return "NOUN"


class MostFrequentTag:
    """Each training word's most frequent tag; :func:`unseen_tag` for the others."""

    def fit(self, X, y):
        counts: dict[str, Counter] = defaultdict(Counter)
        for words, tags in zip(X, y, strict=True):
            for word, tag in zip(words, tags, strict=True):
                counts[word][tag] += 1
        # most_common breaks ties by first occurrence in training.
        self.lexicon_ = {w: c.most_common(1)[0][0] for w, c in counts.items()}
        return self

    def predict(self, X):
        return [
            np.array([self.lexicon_.get(w) or unseen_tag(w) for w in words])
            for words in X
        ]


def _word_features(word: str, prefix: str, full: bool) -> dict[str, float]:
    low = word.lower()
    features = {f"{prefix}w={low}": 1.0, f"{prefix}s3={low[-3:]}": 1.0}
    if full:
        features.update(
            {
                f"{prefix}s1={low[-1:]}": 1.0,
                f"{prefix}s2={low[-2:]}": 1.0,
                f"{prefix}p1={low[:1]}": 1.0,
                f"{prefix}p2={low[:2]}": 1.0,
                f"{prefix}cap": float(word[:1].isupper()),
                f"{prefix}digit": float(any(c.isdigit() for c in word)),
            }
        )
    return features


def window_features(sentences: Sequence[Sequence[str]]) -> list[dict[str, float]]:
    """One feature dict per token of every sentence, end to end."""
    rows = []
    for words in sentences:
        for i, word in enumerate(words):
            features = {"bias": 1.0, **_word_features(word, "", True)}
            if i > 0:
                features.update(_word_features(words[i - 1], "-1:", False))
            else:
                features["-1:<s>"] = 1.0
            if i + 1 < len(words):
                features.update(_word_features(words[i + 1], "+1:", False))
            else:
                features["+1:</s>"] = 1.0
            rows.append(features)
    return rows


class WindowLogisticRegression:
    """DictVectorizer of :func:`window_features` + multinomial LogisticRegression."""

    def fit(self, X, y):
        self.vectorizer_ = DictVectorizer()
        features = self.vectorizer_.fit_transform(window_features(X))
        self.model_ = LogisticRegression(solver="lbfgs", max_iter=LR_MAX_ITER)
        self.model_.fit(features, np.concatenate([np.asarray(t) for t in y]))
        return self

    def predict(self, X):
        flat = self.model_.predict(self.vectorizer_.transform(window_features(X)))
        ends = np.cumsum([len(s) for s in X])[:-1]
        return np.split(flat, ends)


# --------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------


@dataclass
class Row:
    model: str
    accuracy: float
    unseen: float
    fit_s: float
    epochs: int | None = None
    tokens_per_s: float | None = None

    def cells(self) -> list[str]:
        return [
            self.model,
            f"{self.accuracy:.4f}",
            f"{self.unseen:.4f}",
            f"{self.fit_s:.1f}",
            "-" if self.epochs is None else str(self.epochs),
            "-" if self.tokens_per_s is None else f"{self.tokens_per_s:,.0f}",
        ]


HEADER = ["model", "test UPOS acc", "unseen-token acc", "fit s", "epochs"]
HEADER.append("train tokens/s")


def unseen_mask(train: Split, test: Split) -> np.ndarray:
    vocabulary = {w for words in train.words for w in words}
    return np.array([w not in vocabulary for words in test.words for w in words])


def score(test: Split, predicted, unseen: np.ndarray) -> tuple[float, float]:
    """Accuracy over all test tokens, and over those unseen in training."""
    overall = step_accuracy_score(test.tags, predicted)
    right = np.concatenate([np.asarray(t) for t in test.tags]) == np.concatenate(
        [np.asarray(p) for p in predicted]
    )
    return overall, float(right[unseen].mean()) if unseen.any() else float("nan")


def fit_quietly(model, *args, **kwargs) -> tuple[float, int]:
    """Fit; return the seconds it took and the number of ConvergenceWarnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        model.fit(*args, **kwargs)
        seconds = time.perf_counter() - start
    converge = 0
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            converge += 1
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    return seconds, converge


def run_baseline(name, model, data: dict[str, Split], unseen: np.ndarray) -> Row:
    train, test = data["train"], data["test"]
    seconds, converge = fit_quietly(model, train.words, train.tags)
    start = time.perf_counter()
    predicted = model.predict(test.words)
    predict_s = time.perf_counter() - start
    accuracy, unseen_acc = score(test, predicted, unseen)
    note = "; ConvergenceWarning" if converge else ""
    print(
        f"  {name}: test acc {accuracy:.4f}, unseen {unseen_acc:.4f}; fit "
        f"{seconds:.1f} s, predict {predict_s:.1f} s{note}",
        flush=True,
    )
    return Row(name, accuracy, unseen_acc, seconds)


def run_tagger(
    name: str, params: dict, data: dict[str, Split], unseen: np.ndarray, args
) -> Row:
    train, dev, test = data["train"], data["dev"], data["test"]
    if args.quick:
        params = {**params, "max_iter": QUICK_MAX_ITER}
    if args.threads != 1:
        params = {**params, "n_jobs": args.threads}
    tagger = RNNTagger(**params, random_state=args.seed)
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
    label = f"{name}: RNNTagger({shown})" if len(shown) < 60 else f"RNNTagger {name}"
    print(f"  {label} ...", flush=True)
    seconds, converge = fit_quietly(
        tagger, train.words, train.tags, X_val=dev.words, y_val=dev.tags
    )
    start = time.perf_counter()
    predicted = tagger.predict(test.words)
    predict_s = time.perf_counter() - start
    accuracy, unseen_acc = score(test, predicted, unseen)
    epochs = tagger.n_iter_
    speed = train.n_tokens * epochs / seconds
    details = [f"{epochs} epochs"]
    if tagger.validation_loss_curve_:
        kept = int(np.argmin(tagger.validation_loss_curve_)) + 1
        details.append(
            f"kept epoch {kept} (dev acc {tagger.best_validation_score_:.4f})"
        )
    if converge:
        details.append("ConvergenceWarning")
    print(
        f"    test acc {accuracy:.4f}, unseen {unseen_acc:.4f}; fit {seconds:.1f} s "
        f"({speed:,.0f} train tokens/s), predict {predict_s:.1f} s "
        f"({test.n_tokens / predict_s:,.0f} tokens/s); {', '.join(details)}",
        flush=True,
    )
    return Row(label, accuracy, unseen_acc, seconds, epochs, speed)


def warm_up(threads: int) -> None:
    """One tiny untimed fit, so that torch's first-call costs stay out of the times."""
    X = [["the", "dog", "barks"], ["a", "cat", "sleeps"]] * 4
    y = [["DET", "NOUN", "VERB"]] * 8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        RNNTagger(max_iter=1, n_jobs=threads, random_state=0).fit(X, y).predict(X)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in row.cells()))
        lines[-1] += " |"
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def print_header(title: str, args) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(title)
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, "
        f"{platform.platform()}; load average at start {load}"
    )
    print(
        f"versions: python {platform.python_version()}, torch {torch.__version__}, "
        f"skorch {skorch.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, sklearn_rnn {sklearn_rnn.__version__}; torch "
        f"threads {args.threads} (n_jobs), CUDA available: "
        f"{torch.cuda.is_available()}; seed {args.seed}",
        flush=True,
    )


def main_accuracy(args) -> int:
    folder = find_treebank(args.data)
    if folder is None:
        print(f"Data not found. {WHERE_TO_GET}", file=sys.stderr)
        return 0
    print_header("sklearn_rnn RNNTagger benchmark: UPOS tagging, UD English EWT", args)
    data = load_splits(folder)
    if args.quick:
        data["train"] = data["train"].head(QUICK_SENTENCES)
    unseen = unseen_mask(data["train"], data["test"])
    sizes = ", ".join(
        f"{s} {len(d.words):,} sentences / {d.n_tokens:,} tokens"
        for s, d in data.items()
    )
    quick = "  (QUICK: train subset)" if args.quick else ""
    print(f"data: {folder}: {sizes}{quick}")
    n_tags = len({tag for tags in data["train"].tags for tag in tags})
    print(
        f"test tokens unseen in training (word form not among the training words): "
        f"{unseen.sum():,} ({unseen.mean():.1%}); {n_tags} UPOS tags in training",
        flush=True,
    )
    rows = []
    print("\nbaselines")
    rows.append(run_baseline("most-frequent-tag", MostFrequentTag(), data, unseen))
    rows.append(
        run_baseline(
            f"window features + LogisticRegression(lbfgs, max_iter={LR_MAX_ITER})",
            WindowLogisticRegression(),
            data,
            unseen,
        )
    )
    if args.configs:
        print(
            "\nRNNTagger"
            + (f" (QUICK: max_iter={QUICK_MAX_ITER})" if args.quick else ""),
            flush=True,
        )
        warm_up(args.threads)
        for name in args.configs:
            rows.append(run_tagger(name, CONFIGS[name](), data, unseen, args))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print()
    if args.quick:
        print("(QUICK: train subset and few epochs; the scores are not meaningful)")
    print(markdown_table(rows))
    print()
    print(PUBLISHED)
    print(f"load average at end: {load}")
    return 0


# --------------------------------------------------------------------------------------
# Throughput: tagger vs classifier on the same encoder
# --------------------------------------------------------------------------------------


def main_throughput(args) -> int:
    folder = find_treebank(args.data)
    if folder is None:
        print(f"Data not found. {WHERE_TO_GET}", file=sys.stderr)
        return 0
    print_header(
        "sklearn_rnn training throughput: RNNTagger vs RNNClassifier, same encoder",
        args,
    )
    n = QUICK_THROUGHPUT_SENTENCES if args.quick else args.throughput_sentences
    rounds = QUICK_ROUNDS if args.quick else args.rounds
    train = Split(*load_conllu(folder / FILE_NAME.format("train"))).head(n)
    ids = SequenceVectorizer().fit_transform(train.words)
    n_tokens = int((ids != 0).sum())
    if n_tokens != train.n_tokens:
        raise RuntimeError(f"{n_tokens} ids for {train.n_tokens} tokens")
    first_tags = np.array([tags[0] for tags in train.tags])
    common = {**THROUGHPUT_COMMON, "n_jobs": args.threads, "random_state": args.seed}
    shown = ", ".join(f"{k}={v!r}" for k, v in THROUGHPUT_COMMON.items())
    print(
        f"data: the first {len(train.words):,} training sentences, {n_tokens:,} "
        f"tokens, as a {ids.shape[0]:,} x {ids.shape[1]} matrix of token ids "
        f"(SequenceVectorizer, pre-tokenised); {rounds} alternating rounds after "
        "one warm-up fit of each"
    )
    print(f"common: {shown}")
    contenders = {
        "RNNTagger(char_features=False, word_dropout=0)": (
            lambda: RNNTagger(char_features=False, word_dropout=0.0, **common),
            train.tags,
        ),
        "RNNClassifier(pooling='last'), y: first tag": (
            lambda: RNNClassifier(pooling="last", **common),
            first_tags,
        ),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for make, y in contenders.values():  # warm-up
            make().set_params(max_iter=1).fit(ids[:64], y[:64])
    speeds: dict[str, list[float]] = {name: [] for name in contenders}
    for r in range(rounds):
        order = list(contenders) if r % 2 == 0 else list(contenders)[::-1]
        for name in order:
            make, y = contenders[name]
            model = make()
            seconds, _ = fit_quietly(model, ids, y)
            speed = n_tokens * model.n_iter_ / seconds
            speeds[name].append(speed)
            print(
                f"  round {r + 1}: {name}: {model.n_iter_} epochs in {seconds:.2f} s, "
                f"{speed:,.0f} tokens/s",
                flush=True,
            )
    medians = {name: statistics.median(s) for name, s in speeds.items()}
    print()
    for name, value in medians.items():
        print(f"  median {name}: {value:,.0f} tokens/s")
    tagger, classifier = medians.values()
    ratio = tagger / classifier
    verdict = "MET" if ratio >= THROUGHPUT_TARGET else "NOT MET"
    print(
        f"  ratio tagger / classifier: {ratio:.2f} (target >= {THROUGHPUT_TARGET:.2f}"
        f", within 1.2x)  {verdict}"
        + ("  (QUICK: indicative only)" if args.quick else "")
    )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at end: {load}")
    return 0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--configs",
        default="default,documented,nochars",
        help="comma-separated RNNTagger configurations among "
        f"{','.join(CONFIGS)}, or 'none' for the baselines only (default: all)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random_state (default 0)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch CPU threads, passed as n_jobs (default: 1, comparable timings)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"first {QUICK_SENTENCES:,} training sentences, max_iter="
        f"{QUICK_MAX_ITER} (--throughput: {QUICK_THROUGHPUT_SENTENCES} sentences, "
        f"{QUICK_ROUNDS} rounds)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="folder holding the en_ewt-ud-*.conllu files (default: "
        "../shared/data/sequence_labelling/ud_english_ewt, then SKLEARN_RNN_DATA)",
    )
    parser.add_argument(
        "--throughput",
        action="store_true",
        help="only the training throughput of RNNTagger vs RNNClassifier",
    )
    parser.add_argument(
        "--throughput-sentences",
        type=int,
        default=3_000,
        help="training sentences of --throughput (default 3,000)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of --throughput (default 3)"
    )
    args = parser.parse_args(argv)
    names = [c.strip() for c in args.configs.split(",") if c.strip()]
    args.configs = [] if names == ["none"] else names
    unknown = [c for c in args.configs if c not in CONFIGS]
    if unknown:
        parser.error(f"--configs: unknown {unknown}; choose from {', '.join(CONFIGS)}")
    if args.threads < 1 or args.rounds < 1 or args.throughput_sentences < 1:
        parser.error("--threads, --rounds and --throughput-sentences must be >= 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.throughput:
        return main_throughput(args)
    return main_accuracy(args)


if __name__ == "__main__":
    sys.exit(main())
