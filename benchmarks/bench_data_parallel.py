"""Data-parallel training: N processes against one, on a real task.

``python benchmarks/bench_data_parallel.py`` trains :class:`~sklearn_rnn.RNNTagger`
on the Universal Dependencies English Web Treebank (train split; UPOS tags) for a
fixed number of epochs (``max_iter``, no early stopping), in four ways, and reports
on the test split:

* **one process**: ``tagger.fit(X, y)``, one torch thread (the estimator's
  default, ``n_jobs=None``), and, for reference, ``n_jobs=2`` (two threads);
* **fit_data_parallel, N processes**: :func:`~sklearn_rnn.fit_data_parallel`
  with ``n_processes`` 1 and ``--processes`` (default 2), each process one
  thread, gloo on CPUs (or NCCL with ``--device cuda``).

For each: the wall time of the whole call (the data-parallel ones include
starting the processes), the median epoch time (the history's ``dur``, from the
second epoch on), the ratio of epoch times against the one-process fit measured
in the same run, and test accuracy, beside the most-frequent-tag baseline.
On a 2-core machine, two one-thread processes use the two cores, as two threads
of one process do: expect little gain; the point is that it runs and learns as
well.

GPUs
----
``--device cuda`` trains on the GPUs: ``fit_data_parallel`` starts one process
per GPU (``--processes``; at most the number of GPUs), each on its own GPU
(``cuda:{rank}``, see ``sklearn_rnn._placement``), NCCL. The same fit under
``torchrun`` (several machines)::

    torchrun --nproc_per_node 2 benchmarks/bench_data_parallel.py --device cuda \\
        --launched

where each process calls ``fit_data_parallel`` as its rank (``--launched``
prints rank 0's results only).

Data: ``en_ewt-ud-{train,test}.conllu`` in ``--data``, else in
``../shared/data/sequence_labelling/ud_english_ewt``; without them the script
says so and exits with 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from sklearn_rnn import RNNTagger, fit_data_parallel, load_conllu

SHARED = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "sequence_labelling"
    / "ud_english_ewt"
)


def most_frequent_tag(train_words, train_tags, test_words) -> list[list[str]]:
    counts: dict[str, Counter] = {}
    for words, tags in zip(train_words, train_tags, strict=True):
        for word, tag in zip(words, tags, strict=True):
            counts.setdefault(word, Counter())[tag] += 1
    overall = Counter(t for tags in train_tags for t in tags).most_common(1)[0][0]
    best = {w: c.most_common(1)[0][0] for w, c in counts.items()}
    return [[best.get(w, overall) for w in words] for words in test_words]


def accuracy(y_true, y_pred) -> float:
    right = sum(
        int(a == b)
        for t, p in zip(y_true, y_pred, strict=True)
        for a, b in zip(t, p, strict=True)
    )
    return right / sum(len(t) for t in y_true)


def epoch_time(model) -> float:
    durations = [row["dur"] for row in model.net_.history]
    return float(np.median(durations[1:] if len(durations) > 1 else durations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=None, help="train subset")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--launched", action="store_true", help="run as a rank under torchrun"
    )
    args = parser.parse_args()

    train_file = args.data / "en_ewt-ud-train.conllu"
    test_file = args.data / "en_ewt-ud-test.conllu"
    if not train_file.exists() or not test_file.exists():
        print(f"UD English EWT not found in {args.data}; nothing to measure.")
        return
    X, y = load_conllu(train_file)
    X_test, y_test = load_conllu(test_file)
    if args.sentences:
        X, y = X[: args.sentences], y[: args.sentences]
    params = dict(
        max_iter=args.epochs,
        early_stopping=False,
        random_state=args.seed,
        device=args.device,
    )

    if args.launched:  # one rank of a torchrun job
        start = time.perf_counter()
        model = fit_data_parallel(RNNTagger(**params), X, y)
        if int(os.environ.get("RANK", "0")) == 0:
            print(
                f"{os.environ.get('WORLD_SIZE')} processes: "
                f"{time.perf_counter() - start:.1f} s, epoch {epoch_time(model):.1f} "
                f"s, test accuracy {accuracy(y_test, model.predict(X_test)):.4f}"
            )
        return

    print(
        f"UD English EWT: {len(X):,} training sentences, {len(X_test):,} test; "
        f"{args.epochs} epochs (the cosine schedule over them); device {args.device}; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    baseline = accuracy(y_test, most_frequent_tag(X, y, X_test))
    rows = []

    def run(label, fit):
        start = time.perf_counter()
        model = fit()
        wall = time.perf_counter() - start
        rows.append(
            (label, wall, epoch_time(model), accuracy(y_test, model.predict(X_test)))
        )
        print(f"  {label}: {wall:.1f} s", flush=True)

    run("fit, 1 process, 1 thread", lambda: RNNTagger(**params).fit(X, y))
    run("fit, 1 process, 2 threads", lambda: RNNTagger(n_jobs=2, **params).fit(X, y))
    for n in sorted({1, args.processes}):
        run(
            f"fit_data_parallel, {n} process{'es' if n > 1 else ''}",
            lambda n=n: fit_data_parallel(RNNTagger(**params), X, y, n_processes=n),
        )
    reference = rows[0][2]
    print()
    print("| training | wall s | epoch s | epoch time / 1 process | test accuracy |")
    print("| --- | --- | --- | --- | --- |")
    for label, wall, epoch, acc in rows:
        print(
            f"| {label} | {wall:.1f} | {epoch:.1f} | {epoch / reference:.2f} | "
            f"{acc:.4f} |"
        )
    print(f"| most-frequent tag (baseline) | | | | {baseline:.4f} |")
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
