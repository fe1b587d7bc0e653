"""Single-sequence prediction latency of the estimators vs a raw module call.

Issue 11, item 2: online users call ``predict_proba`` one request at a time.

Models (fixed seeds, trained for one epoch; only the prediction is timed)
--------------------------------------------------------------------------
* **token**: ``RNNClassifier`` with its defaults for token ids (Embedding(64) ->
  GRU(64), last state pooled), fitted on 500 sequences of the workload of
  ``bench_training.py`` (vocabulary 10,000, lognormal lengths of median 60, an
  ``(n, 200)`` id matrix). One request: a ``(1, 200)`` row whose valid part is
  ``--length`` tokens (default 60).
* **numeric**: ``RNNClassifier`` with its defaults for numeric series (input
  scaling, the convolutional front end, GRU(64), mean-max pooling), fitted on 200
  random-walk series of 150 steps and 1 channel. One request: a ``(1, 150, 1)``
  array.

What is timed
-------------
* ``predict_proba``: the estimator's whole call on the one request (validation,
  conversion, the 16-row block that makes predictions batch-invariant, softmax).
* ``raw module``: the fitted ``SequenceNetwork`` called on the request's valid part
  as one row (``eval()``, ``torch.no_grad()``, denormals flushed as the estimator
  does), softmax and ``.numpy()`` included: the fastest a hand-written server
  could be, without the batch-invariance guarantee.
* ``raw, 16 rows`` and ``raw, 4 rows``: the same module call on the request padded
  with empty rows to 16 (what the estimator computes) and to 4 rows: the floor of
  the guarantee, and what a smaller block would cost.

Every figure is the median over ``--calls`` calls, per round; ``--rounds`` rounds
rotate the order of the contenders, after a warm-up. Printed: the median time of
each, and the median over rounds of ``predict_proba`` / raw module (> 1: the
estimator is slower). One torch thread throughout.

The script also checks, on this machine, which row counts give bit-for-bit the
outputs of a 256-row batch (``--rows-check``): the row block must make every
prediction independent of the rest of its batch.

Usage::

    python benchmarks/bench_latency.py [--calls N] [--rounds N] [--length T]
        [--rows-check]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_training as bt

import sklearn_rnn
from sklearn_rnn import RNNClassifier
from sklearn_rnn._data import ROW_BLOCK

N_TOKEN_FIT = 500
N_NUMERIC, NUMERIC_STEPS = 200, 150


def token_model(length: int) -> tuple[RNNClassifier, np.ndarray]:
    data = bt.make_workload(N_TOKEN_FIT, 0)
    model = RNNClassifier(max_iter=1, random_state=0, device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(data.X, data.y)
    rng = np.random.default_rng(1)
    request = np.zeros((1, bt.WIDTH), dtype=np.int64)
    request[0, :length] = rng.integers(bt.FIRST_ID, bt.VOCAB, length)
    return model, request


def numeric_model() -> tuple[RNNClassifier, np.ndarray]:
    rng = np.random.default_rng(0)
    X = np.cumsum(rng.normal(size=(N_NUMERIC, NUMERIC_STEPS, 1)), axis=1)
    y = (X[:, -1, 0] > X[:, 0, 0]).astype(np.int64)
    model = RNNClassifier(max_iter=1, random_state=0, device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X.astype(np.float32), y)
    return model, X[:1].astype(np.float32)


def raw_call(model: RNNClassifier, request: np.ndarray, rows: int) -> Callable:
    """The fitted module on the request's valid part, padded with empty rows to
    ``rows`` rows; softmax and ``.numpy()`` of the first row included."""
    module = model.net_.module_.eval()
    seqs = model._check_X(request, reset=False)  # validated once, outside the clock
    length = int(seqs.lengths[0])
    values = np.zeros((rows, max(length, 1), *seqs.values.shape[2:]), seqs.values.dtype)
    values[0] = seqs.values[0, : max(length, 1)]
    X = torch.from_numpy(values)
    lengths = torch.zeros(rows, dtype=torch.int64)
    lengths[0] = length

    def call() -> np.ndarray:
        torch.set_flush_denormal(True)
        try:
            with torch.no_grad():
                return torch.softmax(module(X, lengths)[:1], dim=1).numpy()
        finally:
            torch.set_flush_denormal(False)

    return call


def raw_logits(model: RNNClassifier, request: np.ndarray, rows: int) -> np.ndarray:
    """The module's outputs for the request computed in a block of ``rows`` rows."""
    module = model.net_.module_.eval()
    seqs = model._check_X(request, reset=False)
    torch.set_flush_denormal(True)
    try:
        with torch.no_grad():
            out = module(**seqs.batch(np.array([0]), n_rows=rows))[:1]
    finally:
        torch.set_flush_denormal(False)
    return out.double().numpy()


def median_call(fn: Callable[[], object], calls: int) -> float:
    gc.collect()
    gc.disable()
    try:
        times = []
        for _ in range(calls):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        gc.enable()


def bench_model(
    name: str, model: RNNClassifier, request: np.ndarray, args: argparse.Namespace
) -> dict[str, float]:
    contenders = {
        "predict_proba": lambda: model.predict_proba(request),
        "raw module": raw_call(model, request, 1),
        f"raw, {ROW_BLOCK} rows": raw_call(model, request, ROW_BLOCK),
        "raw, 4 rows": raw_call(model, request, 4),
    }
    logits = model._forward(request)
    alone = raw_logits(model, request, 1)
    blocked = raw_logits(model, request, ROW_BLOCK)
    print(
        f"\n[{name}] request {request.shape}; the estimator's outputs equal the "
        f"{ROW_BLOCK}-row block's bit for bit: {np.array_equal(logits, blocked)}; "
        f"the 1-row call's differ by {np.abs(logits - alone).max():.1e}"
    )
    for fn in contenders.values():  # warm-up
        for _ in range(20):
            fn()
    names = list(contenders)
    per_round: dict[str, list[float]] = {n: [] for n in names}
    for r in range(args.rounds):
        for n in names[r % len(names) :] + names[: r % len(names)]:
            per_round[n].append(median_call(contenders[n], args.calls))
    medians = {n: statistics.median(ts) * 1e3 for n, ts in per_round.items()}
    ratio = statistics.median(
        a / b
        for a, b in zip(
            per_round["predict_proba"], per_round["raw module"], strict=True
        )
    )
    for n in names:
        print(f"  {n:<18}{medians[n]:>8.3f} ms")
    print(
        f"  predict_proba / raw module: {ratio:.2f}x the time "
        f"(+{medians['predict_proba'] - medians['raw module']:.3f} ms); rounds: "
        + " ".join(
            f"{a / b:.2f}"
            for a, b in zip(
                per_round["predict_proba"], per_round["raw module"], strict=True
            )
        )
    )
    block = medians[f"raw, {ROW_BLOCK} rows"]
    print(
        f"  of which the {ROW_BLOCK}-row block: +{block - medians['raw module']:.3f} "
        f"ms; the rest of predict_proba: +{medians['predict_proba'] - block:.3f} ms"
    )
    return {**medians, "ratio": ratio}


def rows_check(model: RNNClassifier, request: np.ndarray, trials: int = 20) -> list:
    """Row counts (1-16) whose output for a row differs from the same row's in a
    256-row batch of other sequences, on this machine."""
    module = model.net_.module_.eval()
    seqs = model._check_X(request, reset=False)
    rng = np.random.default_rng(2)
    differ = set()
    with torch.no_grad():
        for _ in range(trials):
            width = seqs.values.shape[1]
            shape = (256, width, *seqs.values.shape[2:])
            if seqs.kind == "tokens":
                X = torch.from_numpy(rng.integers(2, 1000, shape))
            else:
                X = torch.from_numpy(rng.normal(size=shape).astype(np.float32))
            lengths = torch.from_numpy(rng.integers(1, width + 1, 256))
            lengths[0] = width
            big = module(X, lengths)[0]
            for rows in range(1, 17):
                Xr = torch.zeros_like(X[:rows])
                Xr[0] = X[0]
                lr = torch.zeros(rows, dtype=torch.int64)
                lr[0] = width
                if not torch.equal(module(Xr, lr)[0], big):
                    differ.add(rows)
    return sorted(differ)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (default 5)")
    parser.add_argument(
        "--length", type=int, default=60, help="tokens in the request (default 60)"
    )
    parser.add_argument(
        "--rows-check",
        action="store_true",
        help="check which row counts give the outputs of a 256-row batch",
    )
    args = parser.parse_args(argv)
    if args.calls < 1 or args.rounds < 1 or not 1 <= args.length <= bt.WIDTH:
        parser.error(f"--calls, --rounds >= 1 and 1 <= --length <= {bt.WIDTH}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print("sklearn_rnn single-sequence latency (issue 11, item 2)")
    print(
        f"machine: {bt.cpu_model()}, {os.cpu_count()} logical CPUs, "
        f"{platform.platform()}; load average {load}; torch {torch.__version__} "
        f"({torch.backends.cpu.get_cpu_capability()}), sklearn_rnn "
        f"{sklearn_rnn.__version__}; one torch thread; median of {args.calls} calls "
        f"per round, {args.rounds} rounds"
    )
    results = {}
    with threadpool_limits(limits=1):
        for name, (model, request) in {
            f"token, GRU(64), {args.length} tokens": token_model(args.length),
            f"numeric, defaults, {NUMERIC_STEPS} steps": numeric_model(),
        }.items():
            results[name] = bench_model(name, model, request, args)
            if args.rows_check:
                differ = rows_check(model, request)
                print(
                    "  row counts whose outputs differ from a 256-row batch's on "
                    f"this machine: {differ or 'none'}"
                )
    print("\nSummary: predict_proba / raw 1-row module call (target <= 1.5x)")
    for name, res in results.items():
        print(
            f"  {name:<34}{res['predict_proba']:.3f} ms vs {res['raw module']:.3f} "
            f"ms: {res['ratio']:.2f}x ({ROW_BLOCK}-row block alone "
            f"{res[f'raw, {ROW_BLOCK} rows']:.3f} ms, 4 rows "
            f"{res['raw, 4 rows']:.3f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
