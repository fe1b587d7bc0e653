"""Grapheme-to-phoneme benchmark of RNNSeq2Seq on the CMU Pronouncing Dictionary.

``python benchmarks/bench_seq2seq.py`` splits CMUdict by word with a fixed seed,
trains :class:`~sklearn_rnn.RNNSeq2Seq` to spell words as phonemes, and reports on
the test words, next to a baseline measured in the same run, one table.

Data
----
``cmudict.dict`` in ``--data`` when given, else in
``../shared/data/seq2seq/cmudict/`` beside the repository, read with
:func:`~sklearn_rnn.load_cmudict` with the stress digits stripped (the 39
phonemes of the usual G2P benchmarks; ``--stress`` keeps them). Without the file
the script says where it looked and exits with 0.

Split
-----
The distinct words are shuffled with ``--split-seed`` (0): 10% are the test words,
5% of the rest the validation words of early stopping (``fit(..., X_val, y_val)``),
the rest the training words. Every pronunciation of a word stays on its word's
side; the training and validation pairs are one per pronunciation.

Scores
------
``WER``: the share of test words whose predicted pronunciation is none of the
word's pronunciations. ``PER``: for each test word, the fewest phoneme edits
(insertions, deletions, substitutions) from the prediction to one of its
pronunciations, summed over the words and divided by the summed length of the
pronunciations that were closest. Published LSTM encoder-decoders report about
21-29% WER on CMUdict's standard split (Rao et al. 2015; Yao & Zweig 2015); the
split here differs, so the comparison is indicative.

Rows
----
* **nearest spelling**: the first pronunciation of the training word nearest to
  the test word by spelling (cosine similarity of TF-IDF character 1- to 3-grams,
  word boundaries marked: ``TfidfVectorizer(analyzer="char_wb")``).
* **RNNSeq2Seq** with ``attention`` in ``--attention`` (comma-separated;
  "multiplicative,none" by default: attention against the plain encoder-decoder),
  in the documented setting :data:`DOCUMENTED`, decoded greedily and with a beam
  of 5.

Columns: ``fit s`` (wall clock of ``fit`` with its per-epoch validation, on
``--threads`` torch threads: 1 by default, 2 for the documented figures),
``epochs`` (``n_iter_``), ``words/s`` (decoding throughput of ``predict`` on the
test words, ``--threads`` torch threads).

Options: ``--quick`` trains on 3,000 words for 2 epochs (a check of the script,
scores meaningless). ``--max-iter`` overrides the epochs.

Usage::

    python benchmarks/bench_seq2seq.py --threads 2   # the documented figures
    python benchmarks/bench_seq2seq.py [--attention multiplicative,none]
        [--max-iter N] [--threads N] [--quick] [--stress] [--data FOLDER]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from sklearn_rnn import RNNSeq2Seq, load_cmudict
from sklearn_rnn._metrics import edit_distance

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

#: The documented setting (docs/seq2seq.md): the defaults (a bidirectional LSTM
#: encoder of 128 units per direction, an LSTM decoder of 256 with multiplicative
#: attention), batches of 64 and 18 epochs, which train within 20 minutes on 2 CPU
#: cores with ``--threads 2`` (published G2P models are larger: 2 layers of 256+).
DOCUMENTED = {
    "hidden_size": 128,
    "embedding_dim": 64,
    "dropout": 0.2,
    "batch_size": 64,
    "lr": 3e-3,
    "max_iter": 18,
    "early_stopping": True,
    "n_iter_no_change": 3,
    "input_unit": "char",
    "output_unit": "word",
}


def find_data(folder: str | None) -> Path | None:
    candidates = [Path(folder)] if folder else []
    candidates.append(SHARED_DATA / "seq2seq" / "cmudict")
    for candidate in candidates:
        for path in (candidate / "cmudict.dict", candidate):
            if path.is_file():
                return path
    return None


def split_by_word(words, prons, seed: int):
    """``{word: [pronunciations]}`` of the train, validation and test words."""
    by_word: dict[str, list[str]] = {}
    for word, pron in zip(words, prons, strict=True):
        by_word.setdefault(word, []).append(pron)
    distinct = sorted(by_word)
    rng = np.random.default_rng(seed)
    rng.shuffle(distinct)
    n_test = len(distinct) // 10
    test, rest = distinct[:n_test], distinct[n_test:]
    n_val = len(rest) // 20
    val, train = rest[:n_val], rest[n_val:]
    return ({w: by_word[w] for w in part} for part in (train, val, test))


def pairs(lexicon: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    X = [w for w, prons in lexicon.items() for _ in prons]
    y = [p for prons in lexicon.values() for p in prons]
    return X, y


def scores(predicted: list[str], references: list[list[str]]) -> tuple[float, float]:
    """WER (no reference matches) and PER (closest reference) of predictions."""
    wrong = edits = length = 0
    for pred, refs in zip(predicted, references, strict=True):
        wrong += pred not in refs
        p = pred.split()
        best = min((edit_distance(r.split(), p), len(r.split())) for r in refs)
        edits += best[0]
        length += best[1]
    return wrong / len(predicted), edits / length


def nearest_spelling(train: dict, test_words: list[str]) -> tuple[list[str], float]:
    start = time.perf_counter()
    train_words = list(train)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
    train_matrix = vectorizer.fit_transform(train_words)
    nn = NearestNeighbors(n_neighbors=1, metric="cosine", algorithm="brute")
    nn.fit(train_matrix)
    _, index = nn.kneighbors(vectorizer.transform(test_words))
    predicted = [train[train_words[i]][0] for i in index[:, 0]]
    return predicted, time.perf_counter() - start


def main(argv=None) -> int:
    args = parse_args(argv)
    path = find_data(args.data)
    if path is None:
        print(
            "cmudict.dict not found (looked in --data and "
            f"{SHARED_DATA / 'seq2seq' / 'cmudict'}). Get the CMU Pronouncing "
            "Dictionary (cmudict.dict) and pass its folder with --data."
        )
        return 0
    words, prons = load_cmudict(path, stress=args.stress)
    train, val, test = split_by_word(words, prons, args.split_seed)
    if args.quick:
        train = dict(list(train.items())[:3000])
        val = dict(list(val.items())[:300])
        test = dict(list(test.items())[:1000])
    X_train, y_train = pairs(train)
    X_val, y_val = pairs(val)
    test_words = list(test)
    references = [test[w] for w in test_words]
    print(
        f"CMUdict ({path}), stress {'kept' if args.stress else 'stripped'}: "
        f"{len(train):,} train words ({len(X_train):,} pairs), {len(val):,} "
        f"validation, {len(test_words):,} test words; split seed {args.split_seed}"
    )
    rows = []
    predicted, seconds = nearest_spelling(train, test_words)
    wer, per = scores(predicted, references)
    rows.append(("nearest spelling (TF-IDF char 1-3 grams)", wer, per, seconds, "", ""))
    print(f"{rows[-1][0]}: WER {wer:.4f}, PER {per:.4f}", flush=True)

    for attention in args.attention.split(","):
        params = {**DOCUMENTED, "attention": attention}
        if args.max_iter:
            params["max_iter"] = args.max_iter
        if args.quick:
            params["max_iter"] = 2
        model = RNNSeq2Seq(
            **params, random_state=args.seed, n_jobs=args.threads, verbose=args.verbose
        )
        start = time.perf_counter()
        model.fit(X_train, y_train, X_val=X_val, y_val=y_val)
        fit_s = time.perf_counter() - start
        kept = getattr(dict(model.net_.callbacks_)["stopping"], "best_epoch_", None)
        for beam in (1, 5):
            model.set_params(beam_size=beam)
            start = time.perf_counter()
            predicted = model.predict(test_words)
            decode_s = time.perf_counter() - start
            wer, per = scores(predicted, references)
            name = f"RNNSeq2Seq attention={attention}, beam {beam}"
            rows.append(
                (
                    name,
                    wer,
                    per,
                    fit_s,
                    f"{model.n_iter_} (kept {kept})",
                    f"{len(test_words) / decode_s:,.0f}",
                )
            )
            print(
                f"{name}: WER {wer:.4f}, PER {per:.4f}, fit {fit_s:.0f} s, "
                f"{rows[-1][4]} epochs, {rows[-1][5]} words/s",
                flush=True,
            )
    print()
    print(
        f"{'model':<48} {'WER':>7} {'PER':>7} {'fit s':>7} {'epochs':>12} "
        f"{'words/s':>8}"
    )
    for name, wer, per, fit_s, epochs, speed in rows:
        print(
            f"{name:<48} {wer:>7.4f} {per:>7.4f} {fit_s:>7.0f} {epochs:>12} {speed:>8}"
        )
    return 0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attention", default="multiplicative,none")
    parser.add_argument("--max-iter", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0, help="random_state")
    parser.add_argument("--split-seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="n_jobs")
    parser.add_argument("--stress", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--verbose", type=int, default=0)
    parser.add_argument("--data", default=None)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
