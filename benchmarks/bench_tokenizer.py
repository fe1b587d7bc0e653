"""Tokenization throughput of :class:`~sklearn_rnn.SequenceVectorizer`.

What is measured
----------------
Turning raw text into the padded ``(n_docs, L)`` int64 token-id matrix that the
estimators take, by two paths on the same corpus, in the same process:

* **ours**: ``SequenceVectorizer()`` at its defaults (lowercase, token pattern
  ``(?u)\\b\\w+\\b``, post padding and truncating, id 0 = padding, 1 = unknown).
* **reference**: the path one would write by hand from scikit-learn:
  ``CountVectorizer(token_pattern=r"(?u)\\b\\w+\\b").build_analyzer()`` (the same
  token pattern, so both paths see exactly the same tokens), a dict lookup of every
  token (``vocab.get(tok, 1)``) into a list of id lists, then a preallocated
  ``np.zeros((n, L), np.int64)`` filled row by row with slice assignment.

The reference's ``fit`` numbers the vocabulary as ``SequenceVectorizer`` does
(ids from 2 by decreasing document frequency, ties alphabetical) and takes the
longest document's length. Before timing, the script asserts that both paths agree:
the same tokens, vocabulary and sequence length, and *identical* id matrices from
``transform`` (on the fitted documents, on held-out ones, which exercises the
unknown id and truncation, and on the full corpus) and from ``fit_transform``.

Three operations are timed, each interleaved over ``--rounds`` rounds (the order
of the contenders rotates from round to round, garbage collection is off inside a
timed call): ``transform`` of the fitted transformer (the headline figure), ``fit``
(reference: analyze, count document frequencies, sort, take the longest) and
``fit_transform``. For each the script prints the median time, documents/s and
tokens/s, and the median over rounds of the per-round ratio
``reference time / contender time`` (so > 1 means faster than the reference). The
issue's target is a ``transform`` ratio of at least 1.5x.

Keras: when TensorFlow is importable by this interpreter, or by the interpreter
given with ``--keras-python``, a worker subprocess in that interpreter times
``keras.layers.TextVectorization(standardize="lower_and_strip_punctuation",
output_sequence_length=L)``: ``adapt`` (fit), the layer call on the whole corpus
(transform, the list-to-tensor conversion and ``.numpy()`` included) and both.
The worker is driven round by round, so its timings are interleaved with the
reference's too. Keras splits on whitespace after stripping punctuation, so its
tokens differ slightly from the regex paths (its ids are not compared); its
figures are documents/s and the ratio to the same reference. Otherwise a line
says why Keras was skipped.

Everything runs single-threaded (BLAS/OpenMP/torch/TensorFlow thread counts are
set to 1), so the numbers are per core.

Corpus: the real sentences of ``DATA/text/uci_sentiment/*.txt`` (3 x 1,000
labelled review sentences, ``sentence<TAB>label``) and the SMS Spam Collection
``DATA/text/sms_spam/SMSSpamCollection`` (5,574 messages, ``label<TAB>text``),
replicated to at least ``--min-docs`` documents so a round takes a fraction of a
second. ``DATA`` defaults to ``../shared/data`` relative to the repository root.
When those files are missing, a synthetic corpus from a fixed seed is used instead
(Zipf-distributed words, lognormal document lengths) and the output says so.

Usage::

    python benchmarks/bench_tokenizer.py [--rounds N] [--data PATH]
        [--min-docs N] [--keras-python PATH]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.feature_extraction.text import CountVectorizer
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _keras_worker import WORKER_PRELUDE, KerasWorker, find_keras_python

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
TOKEN_PATTERN = r"(?u)\b\w+\b"
TARGET_RATIO = 1.5
PAD, UNK, FIRST_ID = 0, 1, 2


# --------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_real_corpus(data: Path) -> tuple[list[str], str] | None:
    """The UCI sentiment sentences and the SMS messages, or None if missing."""
    uci = sorted((data / "text" / "uci_sentiment").glob("*.txt"))
    uci = [p for p in uci if p.name != "SOURCE.txt"]
    sms = data / "text" / "sms_spam" / "SMSSpamCollection"
    if not uci or not sms.is_file():
        return None
    docs: list[str] = []
    parts = []
    for path in uci:
        rows = [r for r in _read_tsv(path) if r]
        docs.extend(r[0] for r in rows)  # sentence<TAB>label
        parts.append(f"{path.name} ({len(rows):,})")
    rows = [r for r in _read_tsv(sms) if r]
    docs.extend(r[1] for r in rows)  # label<TAB>text
    parts.append(f"SMSSpamCollection ({len(rows):,})")
    return docs, "real text: " + ", ".join(parts)


def synthetic_corpus(
    n_docs: int = 10_000, vocab_size: int = 20_000, seed: int = 0
) -> tuple[list[str], str]:
    """Zipf-distributed pseudo-words (3% non-ASCII), lognormal lengths, capitals,
    punctuation."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    word_lengths = rng.integers(1, 11, size=vocab_size)
    words = ["".join(rng.choice(letters, size=k)) for k in word_lengths]
    for i in np.flatnonzero(rng.random(vocab_size) < 0.03):  # some non-ASCII words
        words[i] += str(rng.choice(list("éüñçøß")))
    words = np.array(words)
    p = 1.0 / np.arange(1, vocab_size + 1) ** 1.07
    p /= p.sum()
    lengths = np.clip(rng.lognormal(mean=2.6, sigma=0.7, size=n_docs), 0, 300)
    docs = []
    for k in lengths.astype(int):
        toks = list(words[rng.choice(vocab_size, size=k, p=p)])
        if toks:
            toks[0] = toks[0].capitalize()
            for j in np.flatnonzero(rng.random(k) < 0.08):
                toks[j] += ","
            toks[-1] += "."
        docs.append(" ".join(toks))
    return docs, (
        f"SYNTHETIC text (real data not found): {n_docs:,} documents, seed {seed}, "
        f"Zipf(1.07) over {vocab_size:,} pseudo-words (3% non-ASCII), "
        "lognormal(2.6, 0.7) lengths"
    )


def replicate(docs: list[str], min_docs: int) -> tuple[list[str], int]:
    times = max(1, math.ceil(min_docs / max(1, len(docs))))
    return docs * times, times


# --------------------------------------------------------------------------------------
# The reference path: CountVectorizer's analyzer + dict lookup + numpy padding
# --------------------------------------------------------------------------------------


def make_analyzer() -> Callable[[str], list[str]]:
    return CountVectorizer(token_pattern=TOKEN_PATTERN).build_analyzer()


def _vocabulary(token_lists: list[list[str]]) -> dict[str, int]:
    """Ids from 2 by decreasing document frequency, ties alphabetical."""
    counts = Counter()
    for toks in token_lists:
        counts.update(set(toks))
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {tok: i for i, (tok, _) in enumerate(ordered, start=FIRST_ID)}


def _pad(seqs: list[list[int]], length: int) -> np.ndarray:
    out = np.zeros((len(seqs), length), dtype=np.int64)  # post padding
    for i, ids in enumerate(seqs):
        if ids:
            ids = ids[:length]  # post truncating
            out[i, : len(ids)] = ids
    return out


def reference_fit(docs, analyzer) -> tuple[dict[str, int], int]:
    token_lists = [analyzer(d) for d in docs]
    return _vocabulary(token_lists), max(map(len, token_lists), default=0)


def reference_transform(docs, analyzer, vocab: dict[str, int], length: int):
    get = vocab.get
    seqs = [[get(tok, UNK) for tok in analyzer(d)] for d in docs]
    return _pad(seqs, length)


def reference_fit_transform(docs, analyzer):
    token_lists = [analyzer(d) for d in docs]  # tokenize once
    vocab = _vocabulary(token_lists)
    length = max(map(len, token_lists), default=0)
    get = vocab.get
    return _pad([[get(tok, UNK) for tok in toks] for toks in token_lists], length)


# --------------------------------------------------------------------------------------
# Keras TextVectorization, in a worker subprocess of the interpreter that has TF
# --------------------------------------------------------------------------------------

KERAS_WORKER = (
    WORKER_PRELUDE
    + r"""with open(sys.argv[1], encoding="utf-8") as f:
    docs = json.load(f)
length = int(sys.argv[2])
batch_size = int(sys.argv[3])


def fit():
    layer = keras.layers.TextVectorization(
        standardize="lower_and_strip_punctuation", output_sequence_length=length
    )
    layer.adapt(tf.data.Dataset.from_tensor_slices(docs).batch(batch_size))
    return layer


def transform(layer):
    return np.asarray(layer(tf.constant(docs)))


def timed(fn):
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        out = fn()
        return time.perf_counter() - t0, out
    finally:
        gc.enable()


layer = fit()
out = transform(layer)  # warm-up
reply({
    "ready": True,
    "python": platform.python_version(),
    "tensorflow": tf.__version__,
    "keras": keras.__version__,
    "vocab_size": int(layer.vocabulary_size()),
    "shape": list(out.shape),
    "n_tokens": int(np.count_nonzero(out)),
})
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "transform":
        seconds, _ = timed(lambda: transform(layer))
    elif cmd == "fit":
        seconds, _ = timed(fit)
    elif cmd == "fit_transform":
        seconds, _ = timed(lambda: transform(fit()))
    else:
        break
    reply({"seconds": seconds})
"""
)


def start_keras(args, docs, length) -> tuple[KerasWorker | None, str]:
    python, why = find_keras_python(args.keras_python)
    if python is None:
        return None, why
    workdir = tempfile.TemporaryDirectory(prefix="bench_tokenizer_")
    corpus = Path(workdir.name) / "corpus.json"
    corpus.write_text(json.dumps(docs), encoding="utf-8")
    worker = KerasWorker(
        python,
        KERAS_WORKER,
        [str(corpus), str(length), str(args.keras_batch_size)],
        workdir,
    )
    if "error" in worker.info:
        worker.close()
        return None, worker.info["error"]
    return worker, ""


# --------------------------------------------------------------------------------------
# Timing and reporting
# --------------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> float:
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def interleave(contenders: dict[str, Callable[[], float]], rounds: int):
    """Each contender once per round, the order rotated from round to round."""
    names = list(contenders)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            times[name].append(contenders[name]())
    return times


def report(title, times, reference, n_docs, n_tokens, token_counts=None):
    token_counts = token_counts or {}
    print(f"\n{title}")
    header = (
        f"  {'':34s}{'median s':>10s}{'docs/s':>12s}{'tokens/s':>13s}"
        f"  ratio vs reference: median [min, max]"
    )
    print(header)
    ratios = {}
    ref = times[reference]
    for name, ts in times.items():
        med = statistics.median(ts)
        per_round = [r / t for r, t in zip(ref, ts, strict=True)]
        ratios[name] = statistics.median(per_round)
        toks = token_counts.get(name, n_tokens)
        tok_s = f"{toks / med:13,.0f}" if toks is not None else f"{'-':>13s}"
        ratio = (
            "1 (reference)"
            if name == reference
            else f"{ratios[name]:.2f}x [{min(per_round):.2f}, {max(per_round):.2f}]"
        )
        print(f"  {name:34s}{med:10.4f}{n_docs / med:12,.0f}{tok_s}  {ratio}")
    return ratios


def versions_line() -> str:
    import sklearn_rnn

    parts = [
        f"Python {platform.python_version()} ({platform.python_implementation()})",
        f"numpy {np.__version__}",
        f"scikit-learn {sklearn.__version__}",
        f"sklearn_rnn {sklearn_rnn.__version__}",
    ]
    if "torch" in sys.modules:
        parts.append(f"torch {sys.modules['torch'].__version__}")
    return ", ".join(parts)


def machine_line() -> str:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs ({usable} usable)"


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def _assert_same(name, docs, ours, ref) -> None:
    assert ours.dtype == np.int64, (name, ours.dtype)
    assert ours.shape == ref.shape, (name, ours.shape, ref.shape)
    if not np.array_equal(ours, ref):
        rows = np.flatnonzero((ours != ref).any(axis=1))
        raise AssertionError(
            f"{name}: id matrices differ on {len(rows)} rows, first: "
            f"{docs[rows[0]]!r}\n ours {ours[rows[0]]}\n ref  {ref[rows[0]]}"
        )


def check_agreement(SequenceVectorizer, docs, analyzer) -> str:
    """Both paths: same tokens, vocabulary, length and id matrices.

    Fitted on half of the unique documents, compared on both halves (the held-out
    half has unknown tokens, and documents longer than the fitted length).
    """
    unique = list(dict.fromkeys(docs))
    train, held_out = unique[::2], unique[1::2]
    ours = SequenceVectorizer().fit(train)
    vocab, length = reference_fit(train, analyzer)
    if set(ours.vocabulary_) != set(vocab):
        diff = set(ours.vocabulary_) ^ set(vocab)
        raise AssertionError(f"the token sets differ, e.g. {sorted(diff)[:10]}")
    assert ours.max_length_ == length, (ours.max_length_, length)
    assert ours.vocab_size_ == len(vocab) + FIRST_ID, (ours.vocab_size_, len(vocab))
    same_ids = dict(ours.vocabulary_) == vocab
    ids = dict(ours.vocabulary_)  # the lookup dict; same keys as the reference's
    for name, part in (("fitted docs", train), ("held-out docs", held_out)):
        ref = reference_transform(part, analyzer, ids, length)
        _assert_same(name, part, ours.transform(part), ref)
    n_unk = int((ref == UNK).sum())
    n_cut = sum(len(analyzer(d)) > length for d in held_out)
    if same_ids:  # then fit_transform must agree too
        fitted = SequenceVectorizer().fit_transform(train)
        _assert_same(
            "fit_transform", train, fitted, reference_fit_transform(train, analyzer)
        )
    return (
        f"same tokens, {'same vocabulary ids' if same_ids else 'same token set'} "
        f"({len(vocab):,}), same max length ({length}), identical id matrices "
        f"from transform{' and fit_transform' if same_ids else ''} (fitted on "
        f"{len(train):,} unique docs; checked on them and {len(held_out):,} "
        f"held-out docs with {n_unk:,} unknown tokens and {n_cut} truncated)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="data folder")
    parser.add_argument(
        "--min-docs", type=int, default=50_000, help="replicate the corpus to this"
    )
    parser.add_argument(
        "--keras-python",
        help="an interpreter with TensorFlow, to time Keras TextVectorization in",
    )
    parser.add_argument(
        "--keras-batch-size", type=int, default=4096, help="batch size of Keras adapt"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    threadpool_limits(limits=1)  # BLAS / OpenMP pools of this process
    from sklearn_rnn import SequenceVectorizer

    if "torch" in sys.modules:  # imported by sklearn_rnn
        sys.modules["torch"].set_num_threads(1)

    print("Tokenizer benchmark: SequenceVectorizer vs CountVectorizer analyzer path")
    print(f"Machine: {machine_line()}")
    print(f"Versions: {versions_line()}")
    print("Threads: 1 (BLAS/OpenMP/torch/TensorFlow)")

    loaded = load_real_corpus(args.data)
    if loaded is None:
        print(f"\nNOTE: no text data under {args.data}; using a SYNTHETIC corpus.")
        loaded = synthetic_corpus()
    base, source = loaded
    docs, times = replicate(base, args.min_docs)
    analyzer = make_analyzer()
    token_lists = [analyzer(d) for d in docs]
    n_docs, n_tokens = len(docs), sum(map(len, token_lists))
    print(f"Corpus: {source}")
    print(
        f"  {len(base):,} documents x {times} = {n_docs:,} documents, "
        f"{n_tokens:,} tokens ({n_tokens / n_docs:.1f} per document)"
    )

    print(f"Agreement: {check_agreement(SequenceVectorizer, base, analyzer)}")

    ours = SequenceVectorizer().fit(docs)
    length = ours.max_length_
    ids = dict(ours.vocabulary_)
    X = ours.transform(docs)
    assert np.array_equal(X, reference_transform(docs, analyzer, ids, length))
    del X, token_lists
    print(
        f"Fitted on the full corpus: vocab_size_={ours.vocab_size_:,}, "
        f"max_length_={length} (both paths give the identical ({n_docs:,}, "
        f"{length}) int64 matrix)"
    )

    worker, why = start_keras(args, docs, length)
    if worker is None:
        print(f"Keras TextVectorization: skipped: {why}.")
    else:
        info = worker.info
        print(
            f"Keras TextVectorization: Python {info['python']}, TensorFlow "
            f"{info['tensorflow']}, Keras {info['keras']} (worker subprocess); "
            f"vocabulary_size {info['vocab_size']:,}, output {tuple(info['shape'])}; "
            "its tokens differ slightly (whitespace split after stripping "
            "punctuation), so its ids are not compared"
        )

    ref_name, ours_name, keras_name = (
        "reference (CountVectorizer path)",
        "SequenceVectorizer",
        "Keras TextVectorization",
    )
    est = clone(ours)
    phases = {
        "transform": {
            ours_name: lambda: timed(lambda: ours.transform(docs)),
            ref_name: lambda: timed(
                lambda: reference_transform(docs, analyzer, ids, length)
            ),
        },
        "fit": {
            ours_name: lambda: timed(lambda: clone(est).fit(docs)),
            ref_name: lambda: timed(lambda: reference_fit(docs, analyzer)),
        },
        "fit_transform": {
            ours_name: lambda: timed(lambda: clone(est).fit_transform(docs)),
            ref_name: lambda: timed(lambda: reference_fit_transform(docs, analyzer)),
        },
    }
    keras_label = {"transform": "call", "fit": "adapt", "fit_transform": "adapt+call"}
    if worker is not None:
        for phase, contenders in phases.items():
            contenders[keras_name] = lambda phase=phase: worker.ask(phase, "seconds")[
                "seconds"
            ]

    print(
        f"\nTiming: {args.rounds} interleaved rounds, order rotated each round; "
        "ratio = reference time / contender time in the same round (> 1 is faster)"
    )
    results = {}
    try:
        for phase, contenders in phases.items():
            times_ = interleave(contenders, args.rounds)
            title = f"{phase} ({n_docs:,} documents; Keras: {keras_label[phase]})"
            if worker is None:
                title = f"{phase} ({n_docs:,} documents)"
            # Keras tokenizes differently: docs/s only.
            results[phase] = report(
                title, times_, ref_name, n_docs, n_tokens, {keras_name: None}
            )
    finally:
        if worker is not None:
            worker.close()

    ratio = results["transform"][ours_name]
    verdict = "MET" if ratio >= TARGET_RATIO else "NOT MET"
    print(
        f"\nSequenceVectorizer.transform: median ratio {ratio:.2f}x the reference "
        f"(target >= {TARGET_RATIO}x): {verdict}"
    )
    print(
        f"SequenceVectorizer.fit: {results['fit'][ours_name]:.2f}x; "
        f"fit_transform: {results['fit_transform'][ours_name]:.2f}x"
    )
    if worker is not None:
        print(
            f"Keras TextVectorization call: {results['transform'][keras_name]:.2f}x; "
            f"adapt: {results['fit'][keras_name]:.2f}x; "
            f"adapt+call: {results['fit_transform'][keras_name]:.2f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
