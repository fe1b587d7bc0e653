"""Training and prediction throughput of the estimators vs hand-written PyTorch.

Items 1-3 (and 4 with ``--memory``) of the benchmark list of issue 5, on the
CPU, with one torch thread on both sides of every comparison
(``torch.set_num_threads(1)``, one inter-op thread, BLAS/OpenMP pools limited
to 1 by threadpoolctl; the thread count is checked after every estimator call).

Workload (fixed by ``--seed``, default 0)
-----------------------------------------
5,000 token sequences (500 with ``--quick``). Lengths are lognormal with
median 60 and sigma 0.75, rounded, clipped to [5, 400], then truncated to 200;
the sequences are post-padded with id 0 to width 200 (an ``(n, 200)`` int64
matrix, which is what the estimators are given). Token ids are Zipf-like
(``p(rank) ~ rank**-1.07``) over ids 2..9,999 of a 10,000 vocabulary. Labels: 1
where a sequence's share of even ids exceeds the median share (2 balanced
classes). The model is Embedding(64) -> LSTM(64) -> Linear(2) with
``pooling="last"``, batch 64, Adam with lr 1e-3, no gradient clipping; also
GRU(64) and a bidirectional LSTM(64) (``--cells lstm,gru,bilstm``). Tokens/s
counts real tokens only (the sum of the truncated lengths). The script also
prints the ideal gain of per-batch padding over full padding (padded cells
computed), about 2.7x on this workload.

What is timed
-------------
1. Training, one epoch. **Estimator**: ``clone(RNNClassifier(embedding_dim=64,
   hidden_size=64, batch_size=64, lr=1e-3, max_iter=1, clip_grad_norm=None,
   n_iter_no_change=1000, random_state=0, device="cpu")).fit(X, y)``, the whole
   call (input validation, building the net, the epoch); nothing is subtracted.
   **Padded loop** (reference of item 1): the same ``SequenceNetwork`` (imported
   from ``sklearn_rnn._network``), Adam and ``cross_entropy``, one epoch over
   random batches of 64 padded to the full width 200. Only the epoch is timed
   (the module and optimizer are built before the clock starts), which favours
   the reference. The optimizer is ``torch.optim.Adam(lr=1e-3)`` as a minimal
   loop writes it (the estimator uses its fused form, one kernel per step).
2. **Bucketed loop** (reference of item 2, the best plain-PyTorch practice): the
   same loop over length-sorted buckets: sort by length (ties in random order),
   cut into batches of 64, shuffle the batch order, pad each batch to its own
   longest sequence.

   Denormal floats: the estimators flush them to zero inside ``fit`` and
   ``predict`` (as TensorFlow's CPU kernels do); torch does not by default, and
   gradients fading through long sequences make its backward pass several times
   slower. The two reference loops above flush them too (the stricter and fair
   comparison, on which the targets are judged); the same two loops in torch's
   default float mode ("padded, denormals", "bucketed, denormals") are timed
   alongside, for what a plain loop costs as written.

   Optional contenders: ``--packed`` (on by default with a CUDA ``--device``)
   adds the bucketed loop over ``pack_padded_sequence`` (:class:`PackedNetwork`,
   the same function); ``--device cuda`` runs every contender on the GPU and adds
   the estimator with ``mixed_precision=True``.
3. Prediction with the estimator fitted in the last round of 1-2.
   **Throughput**:
   ``predict_proba`` on all the sequences vs raw float32 calls of the same fitted
   module (``eval()``, ``torch.no_grad()``) on length-sorted batches of 256, each
   padded to its own longest, softmax applied and rows put back in input order
   (the sort, slicing and scatter are timed too). The two results are checked to
   agree. **Latency**: one ``predict_proba`` call on a single ``(1, 200)``
   sequence vs one module call on that sequence's valid part (softmax and
   ``.numpy()`` included); the median over ``--calls`` calls cycling through the
   first sequences of the workload, per round.

Every comparison is interleaved: each round runs every contender once, in an
order that rotates from round to round, after one untimed warm-up run of each.
Garbage collection is off inside a timed call. For each contender the script
prints the median wall time and real tokens/s over ``--rounds`` rounds, and the
median over rounds of the per-round ratio (wall clock; the same ratio on process
CPU time is printed alongside, as it is less disturbed by other load on the
machine). Ratios are estimator throughput / reference throughput, so > 1 means
the estimator is faster; latency is reported as estimator / reference time
(> 1 means slower) with the absolute overhead.

The final summary marks the issue's targets MET or NOT MET: training >= 2.3x the
padded loop and >= 0.95x the bucketed loop; ``predict_proba`` >= 0.9x raw module
calls. Figures from ``--quick`` (smaller workload, fewer rounds) are indicative
only. Peak resident memory of the process (``getrusage``) is printed at the end
for information only.

4. Peak memory (``--memory``; opt-in, not part of the default run: it takes
   about 1.5 min with ``--quick`` and a few minutes without, on 2 cores). Each
   row is the peak RSS (``getrusage(RUSAGE_SELF).ru_maxrss``) of its own fresh
   process, with one torch thread, LSTM only: (a) importing torch/sklearn_rnn
   and building the 5,000-sequence workload (the baseline); (b) one epoch of
   the estimator's ``fit`` on it; the hand-written epoch (c) fully padded and
   (d) bucketed; (e) importing, building the prediction input (100,000
   sequences of the same distribution, 20,000 with ``--quick``; an int64
   ``(n, 200)`` matrix, 153 MiB for 100,000, built in chunks of 5,000) and
   unpickling the model fitted in (b); then ``predict_proba`` on that input
   (f) and raw module calls on length-sorted batches of 256 (g). The input
   counts in (e)-(g). Printed: MiB, the increment over the baseline (a), and
   estimator / reference ratios of the peaks and of the increments. The
   measured process is started through a small launcher process, since a
   child exec'd straight from this one would inherit its peak in ``ru_maxrss``.

5. Short sequences (``--short``, issue 11; only this item runs): 20,000 token
   sequences (4,000 with ``--quick``), lengths lognormal with median 9 and sigma
   0.8 clipped to [1, 64], ids Zipf-like over a 15,000 vocabulary, batch 32, the
   LSTM model above; the per-batch cost dominates there. The estimator's ``fit``
   against the bucketed loop with torch's default Adam (as above), with Adam's
   fused step (as the estimator's: the fair reference, with the target: within
   1.1x), and both with gradient clipping at 5 (the estimators' default;
   ``torch.nn.utils.clip_grad_norm_`` in the loop).

Usage::

    python benchmarks/bench_training.py --short [--quick] [--rounds N]
    python benchmarks/bench_training.py [--quick] [--rounds N]
        [--cells lstm,gru,bilstm] [--calls N] [--seed S] [--packed]
        [--device cuda]
    python benchmarks/bench_training.py --memory [--quick] [--seed S]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from argparse import SUPPRESS
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn
import skorch
import torch
import torch.nn.functional as F
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import sklearn_rnn
from sklearn_rnn import RNNClassifier
from sklearn_rnn._network import SequenceNetwork

# Workload.
N_SEQUENCES, N_SEQUENCES_QUICK = 5_000, 500
VOCAB = 10_000
FIRST_ID = 2  # 0 is padding, 1 out-of-vocabulary
ZIPF_EXPONENT = 1.07
MEDIAN_LENGTH, SIGMA = 60, 0.75
MIN_LENGTH, MAX_LENGTH, WIDTH = 5, 400, 200

# Model and training settings, shared by the estimator and the hand-written loops.
EMBEDDING_DIM = HIDDEN_SIZE = 64
BATCH_SIZE = 64
LR = 1e-3
PREDICT_BATCH = 256
CELLS = {  # name -> (cell, bidirectional)
    "lstm": ("lstm", False),
    "gru": ("gru", False),
    "bilstm": ("lstm", True),
}

# The targets.
TARGET_VS_PADDED = 2.3
TARGET_VS_BUCKETED = 0.95
TARGET_PREDICT = 0.9

Timing = tuple[float, float]  # (wall seconds, process CPU seconds)


# --------------------------------------------------------------------------------------
# Workload
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    X: np.ndarray  # (n, WIDTH) int64, post-padded with 0
    lengths: np.ndarray  # (n,) int64
    y: np.ndarray  # (n,) int64 in {0, 1}
    vocab_size: int  # as the estimator derives it: largest id + 1

    @property
    def n_tokens(self) -> int:
        return int(self.lengths.sum())


def make_workload(n: int, seed: int) -> Workload:
    rng = np.random.default_rng(seed)
    raw = rng.lognormal(np.log(MEDIAN_LENGTH), SIGMA, size=n)
    lengths = np.clip(np.rint(raw), MIN_LENGTH, MAX_LENGTH).astype(np.int64)
    lengths = np.minimum(lengths, WIDTH)
    p = np.arange(1, VOCAB - FIRST_ID + 1, dtype=np.float64) ** -ZIPF_EXPONENT
    ids = rng.choice(VOCAB - FIRST_ID, size=(n, WIDTH), p=p / p.sum()) + FIRST_ID
    valid = np.arange(WIDTH)[None, :] < lengths[:, None]
    X = np.where(valid, ids, 0).astype(np.int64)
    even_share = ((X % 2 == 0) & valid).sum(axis=1) / lengths
    y = (even_share > np.median(even_share)).astype(np.int64)
    return Workload(X, lengths, y, int(X.max()) + 1)


# The short-sequence workload of issue 11 (a 67k-phrase sentiment set: median 9
# tokens, batch 32): lognormal lengths of median 9 and sigma 0.8, clipped to [1, 64].
N_SHORT, N_SHORT_QUICK = 20_000, 4_000
SHORT_VOCAB, SHORT_MEDIAN, SHORT_SIGMA, SHORT_WIDTH = 15_000, 9, 0.8, 64
SHORT_BATCH = 32


def make_short_workload(n: int, seed: int) -> Workload:
    """Short token sequences with a long tail, labelled as :func:`make_workload`."""
    rng = np.random.default_rng(seed)
    raw = rng.lognormal(np.log(SHORT_MEDIAN), SHORT_SIGMA, size=n)
    lengths = np.clip(np.rint(raw), 1, SHORT_WIDTH).astype(np.int64)
    p = np.arange(1, SHORT_VOCAB - FIRST_ID + 1, dtype=np.float64) ** -ZIPF_EXPONENT
    ids = rng.choice(SHORT_VOCAB - FIRST_ID, size=(n, SHORT_WIDTH), p=p / p.sum())
    valid = np.arange(SHORT_WIDTH)[None, :] < lengths[:, None]
    X = np.where(valid, ids + FIRST_ID, 0).astype(np.int64)
    even_share = ((X % 2 == 0) & valid).sum(axis=1) / lengths
    y = (even_share > np.median(even_share)).astype(np.int64)
    return Workload(X, lengths, y, int(X.max()) + 1)


def bucketed_batches(
    lengths: np.ndarray, batch_size: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Length-sorted batches (ties in random order), in shuffled batch order."""
    order = np.lexsort((rng.random(len(lengths)), lengths))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def padding_gain(lengths: np.ndarray, batch_size: int) -> float:
    """Cells computed with full padding / with length-sorted per-batch padding."""
    ordered = np.sort(lengths)
    cells = sum(
        len(chunk) * int(chunk.max())
        for chunk in np.split(ordered, range(batch_size, len(ordered), batch_size))
    )
    return len(lengths) * WIDTH / cells


# --------------------------------------------------------------------------------------
# Contenders: each is a "prepare" function that does its untimed setup and returns
# the work to time.
# --------------------------------------------------------------------------------------


def make_estimator(
    cell: str,
    bidirectional: bool,
    device: str = "cpu",
    mixed_precision: bool = False,
    batch_size: int = BATCH_SIZE,
    clip: float | None = None,
) -> RNNClassifier:
    return RNNClassifier(
        cell=cell,
        bidirectional=bidirectional,
        embedding_dim=EMBEDDING_DIM,
        hidden_size=HIDDEN_SIZE,
        batch_size=batch_size,
        lr=LR,
        lr_schedule="constant",  # as the hand-written loops
        max_iter=1,
        clip_grad_norm=clip,
        early_stopping=False,  # no validation pass: the loops have none
        n_iter_no_change=1000,
        random_state=0,
        device=device,
        mixed_precision=mixed_precision,
    )


def make_module(cell: str, bidirectional: bool, vocab_size: int) -> SequenceNetwork:
    return SequenceNetwork(
        n_outputs=2,
        vocab_size=vocab_size,
        embedding_dim=EMBEDDING_DIM,
        cell=cell,
        hidden_size=HIDDEN_SIZE,
        bidirectional=bidirectional,
        pooling="last",
    )


def synchronize(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def estimator_fit(
    data: Workload,
    cell: str,
    bidirectional: bool,
    keep: dict,
    device: str = "cpu",
    mixed_precision: bool = False,
    **settings,
):
    """Fits a fresh clone; the last fitted estimator is kept in ``keep["fitted"]``."""
    estimator = make_estimator(cell, bidirectional, device, mixed_precision, **settings)

    def work() -> None:
        keep["fitted"] = clone(estimator).fit(data.X, data.y)
        synchronize(device)

    return lambda: work


class PackedNetwork(torch.nn.Module):
    """Embedding -> RNN over a ``PackedSequence`` -> Linear on the last states: the
    textbook packed-sequence model, the same function as ``SequenceNetwork`` with
    ``pooling="last"``."""

    def __init__(self, cell: str, bidirectional: bool, vocab_size: int):
        super().__init__()
        rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
        self.embedding = torch.nn.Embedding(vocab_size, EMBEDDING_DIM)
        self.rnn = rnn(
            EMBEDDING_DIM, HIDDEN_SIZE, batch_first=True, bidirectional=bidirectional
        )
        self.head = torch.nn.Linear(HIDDEN_SIZE * (1 + bidirectional), 2)

    def forward(self, X: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            self.embedding(X), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, state = self.rnn(packed)
        h = state[0] if isinstance(state, tuple) else state
        last = torch.cat([h[-2], h[-1]], dim=1) if self.rnn.bidirectional else h[-1]
        return self.head(last)


def hand_loop(
    data: Workload,
    cell: str,
    bidirectional: bool,
    *,
    bucketed: bool,
    ftz: bool = True,
    packed: bool = False,
    device: str = "cpu",
    batch_size: int = BATCH_SIZE,
    fused: bool = False,
    clip: float | None = None,
):
    """One epoch of a minimal PyTorch training loop (fully padded or bucketed),
    with denormal floats flushed to zero (``ftz``, as the estimators do) or not
    (torch's default); ``packed`` runs :class:`PackedNetwork` instead of the
    estimators' module; ``fused`` uses Adam's fused step, as the estimators do;
    ``clip`` clips the gradients' norm with ``torch.nn.utils.clip_grad_norm_``."""
    X_t = torch.from_numpy(data.X)
    lengths_t = torch.from_numpy(data.lengths)
    y_t = torch.from_numpy(data.y).to(device)
    rng = np.random.default_rng(0)
    n = len(data.lengths)

    def epoch(module: torch.nn.Module, optimizer: torch.optim.Optimizer) -> None:
        module.train()
        if bucketed:
            batches = bucketed_batches(data.lengths, batch_size, rng)
        else:
            order = rng.permutation(n)
            batches = [order[i : i + batch_size] for i in range(0, n, batch_size)]
        for index in batches:
            index_t = torch.from_numpy(index)
            if bucketed:
                width = int(data.lengths[index].max())
                X_batch = torch.from_numpy(data.X[index, :width])
            else:
                X_batch = X_t[index_t]
            optimizer.zero_grad(set_to_none=True)
            logits = module(X_batch.to(device), lengths_t[index_t].to(device))
            F.cross_entropy(logits, y_t[index_t.to(device)]).backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(module.parameters(), clip)
            optimizer.step()
        synchronize(device)

    def epoch_in_mode(module: torch.nn.Module, optimizer: torch.optim.Optimizer):
        torch.set_flush_denormal(ftz)
        try:
            epoch(module, optimizer)
        finally:
            torch.set_flush_denormal(False)

    def prepare() -> Callable[[], object]:
        torch.manual_seed(0)
        if packed:
            module = PackedNetwork(cell, bidirectional, data.vocab_size)
        else:
            module = make_module(cell, bidirectional, data.vocab_size)
        module = module.to(device)
        kwargs = {"fused": True} if fused else {}
        optimizer = torch.optim.Adam(module.parameters(), lr=LR, **kwargs)
        return lambda: epoch_in_mode(module, optimizer)

    return prepare


def raw_predict_proba(
    module: torch.nn.Module, X: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    """Probabilities from raw module calls on length-sorted batches, input order
    (denormals flushed to zero, as the estimators do)."""
    torch.set_flush_denormal(True)
    try:
        out = _raw_predict_proba(module, X, lengths)
        synchronize(str(next(module.parameters()).device))
        return out
    finally:
        torch.set_flush_denormal(False)


def _raw_predict_proba(
    module: torch.nn.Module, X: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    module.eval()
    order = np.argsort(lengths, kind="stable")
    out = None
    with torch.no_grad():
        for start in range(0, len(order), PREDICT_BATCH):
            index = order[start : start + PREDICT_BATCH]
            width = max(int(lengths[index].max()), 1)
            device = next(module.parameters()).device
            logits = module(
                torch.from_numpy(X[index, :width]).to(device),
                torch.from_numpy(lengths[index]).to(device),
            )
            proba = torch.softmax(logits, dim=1).cpu().numpy()
            if out is None:
                out = np.empty((len(X), proba.shape[1]), dtype=np.float32)
            out[index] = proba
    return out


def raw_predict_one(module: torch.nn.Module, x: np.ndarray, length: int) -> np.ndarray:
    module.eval()
    device = next(module.parameters()).device
    with torch.no_grad():
        logits = module(
            torch.from_numpy(x[None, :length]).to(device),
            torch.tensor([length], dtype=torch.int64, device=device),
        )
        return torch.softmax(logits, dim=1).cpu().numpy()


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------

#: Set when an estimator call left torch with another thread count than 1.
THREAD_NOTES: list[str] = []


def check_threads(where: str) -> None:
    if torch.get_num_threads() != 1:
        THREAD_NOTES.append(
            f"{where} left torch with {torch.get_num_threads()} threads; reset to 1"
        )
        torch.set_num_threads(1)


def timed(work: Callable[[], object]) -> Timing:
    gc.collect()
    gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()


def timed_calls(fn: Callable[[int], object], args: np.ndarray) -> list[float]:
    """Wall time of each ``fn(i)``; one garbage collection before the whole block
    (a collection takes ~0.15 s with torch loaded, far more than one call)."""
    gc.collect()
    gc.disable()
    try:
        times = []
        for i in args:
            start = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - start)
        return times
    finally:
        gc.enable()


def interleave(
    contenders: dict[str, Callable[[], Callable[[], object]]], rounds: int
) -> dict[str, list[Timing]]:
    """One untimed warm-up of each contender, then ``rounds`` rotating rounds."""
    names = list(contenders)
    for name in names:
        contenders[name]()()
        check_threads(name)
    times: dict[str, list[Timing]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            times[name].append(timed(contenders[name]()))
            check_threads(name)
    return times


def median_ratio(num: list[Timing], den: list[Timing], which: int) -> float:
    """Median over rounds of num[r] / den[r] (0: wall time, 1: CPU time)."""
    return statistics.median(a[which] / b[which] for a, b in zip(num, den, strict=True))


def fmt_rounds(ratios: list[float]) -> str:
    return " ".join(f"{r:.2f}" for r in ratios)


# --------------------------------------------------------------------------------------
# The benchmarks
# --------------------------------------------------------------------------------------


def bench_training(
    data: Workload,
    cell: str,
    bidirectional: bool,
    rounds: int,
    device: str = "cpu",
    packed: bool = False,
):
    keep: dict = {}
    cuda = device.startswith("cuda")
    loop = dict(cell=cell, bidirectional=bidirectional, device=device)
    contenders = {
        "estimator fit": estimator_fit(data, cell, bidirectional, keep, device),
        "padded loop": hand_loop(data, **loop, bucketed=False),
        "bucketed loop": hand_loop(data, **loop, bucketed=True),
    }
    if cuda:  # denormals are a CPU matter; mixed precision a CUDA one
        contenders["estimator fit, AMP"] = estimator_fit(
            data, cell, bidirectional, {}, device, mixed_precision=True
        )
    else:
        contenders["padded, denormals"] = hand_loop(
            data, **loop, bucketed=False, ftz=False
        )
        contenders["bucketed, denormals"] = hand_loop(
            data, **loop, bucketed=True, ftz=False
        )
    if packed:
        contenders["bucketed, packed"] = hand_loop(
            data, **loop, bucketed=True, packed=True
        )
    times = interleave(contenders, rounds)
    print(f"  {'training, 1 epoch':<22}{'median s':>10}{'tokens/s':>12}")
    for name, ts in times.items():
        wall = statistics.median(t[0] for t in ts)
        print(f"  {name:<22}{wall:>10.3f}{data.n_tokens / wall:>12,.0f}")
    est = times["estimator fit"]
    ratios = {}
    for ref in [name for name in times if name != "estimator fit"]:
        per_round = [b[0] / a[0] for a, b in zip(est, times[ref], strict=True)]
        ratios[ref] = statistics.median(per_round)
        print(
            f"  estimator / {ref:<20} {ratios[ref]:.2f}x wall "
            f"({median_ratio(times[ref], est, 1):.2f}x CPU); "
            f"rounds: {fmt_rounds(per_round)}"
        )
    return ratios, keep["fitted"]


def bench_short(data: Workload, rounds: int) -> dict[str, float]:
    """Issue 11: training on short sequences, where the per-batch cost dominates.

    LSTM, batch 32; the estimator against the bucketed loop with the same (fused)
    Adam step, without and with gradient clipping at 5 (the estimators' default)."""
    loop = dict(cell="lstm", bidirectional=False, bucketed=True, batch_size=SHORT_BATCH)
    contenders = {
        "estimator fit": estimator_fit(data, "lstm", False, {}, batch_size=SHORT_BATCH),
        "bucketed loop": hand_loop(data, **loop),
        "bucketed, fused Adam": hand_loop(data, **loop, fused=True),
        "estimator, clip 5": estimator_fit(
            data, "lstm", False, {}, batch_size=SHORT_BATCH, clip=5.0
        ),
        "bucketed, fused, clip 5": hand_loop(data, **loop, fused=True, clip=5.0),
    }
    times = interleave(contenders, rounds)
    print(f"  {'training, 1 epoch':<26}{'median s':>10}{'tokens/s':>12}")
    for name, ts in times.items():
        wall = statistics.median(t[0] for t in ts)
        print(f"  {name:<26}{wall:>10.3f}{data.n_tokens / wall:>12,.0f}")
    ratios = {}
    for est, ref in (
        ("estimator fit", "bucketed loop"),
        ("estimator fit", "bucketed, fused Adam"),
        ("estimator, clip 5", "bucketed, fused, clip 5"),
    ):
        per_round = [b[0] / a[0] for a, b in zip(times[est], times[ref], strict=True)]
        ratios[ref] = statistics.median(per_round)
        print(
            f"  {est} / {ref:<24} {ratios[ref]:.2f}x wall "
            f"({median_ratio(times[ref], times[est], 1):.2f}x CPU); "
            f"rounds: {fmt_rounds(per_round)}"
        )
    return ratios


def bench_prediction(data: Workload, estimator: RNNClassifier, rounds: int, calls: int):
    module = estimator.net_.module_
    ours = estimator.predict_proba(data.X)
    raw = raw_predict_proba(module, data.X, data.lengths)
    diff = float(np.abs(ours - raw).max())
    print(f"  predict_proba vs raw module: max |difference| {diff:.1e}")
    if diff > 1e-5:
        print("  WARNING: the two disagree by more than 1e-5")

    times = interleave(
        {
            "predict_proba": lambda: lambda: estimator.predict_proba(data.X),
            "raw module": lambda: (
                lambda: raw_predict_proba(module, data.X, data.lengths)
            ),
        },
        rounds,
    )
    print(f"  {'prediction, all seqs':<22}{'median s':>10}{'tokens/s':>12}")
    for name, ts in times.items():
        wall = statistics.median(t[0] for t in ts)
        print(f"  {name:<22}{wall:>10.3f}{data.n_tokens / wall:>12,.0f}")
    per_round = [
        b[0] / a[0]
        for a, b in zip(times["predict_proba"], times["raw module"], strict=True)
    ]
    throughput = statistics.median(per_round)
    print(
        f"  predict_proba / raw module  {throughput:.2f}x wall "
        f"({median_ratio(times['raw module'], times['predict_proba'], 1):.2f}x CPU); "
        f"rounds: {fmt_rounds(per_round)}"
    )

    # Single-sequence latency: the median per call, per round, interleaved.
    picks = np.arange(calls) % len(data.lengths)

    def est_one(i: int) -> object:
        return estimator.predict_proba(data.X[i : i + 1])

    def raw_one(i: int) -> object:
        return raw_predict_one(module, data.X[i], int(data.lengths[i]))

    latency: dict[str, list[float]] = {"predict_proba": [], "raw module": []}
    for fn in (est_one, raw_one):  # warm-up
        for i in picks[: min(20, calls)]:
            fn(i)
    for r in range(rounds):
        pairs = [("predict_proba", est_one), ("raw module", raw_one)]
        for name, fn in pairs[r % 2 :] + pairs[: r % 2]:
            latency[name].append(statistics.median(timed_calls(fn, picks)))
    est_ms = statistics.median(latency["predict_proba"]) * 1e3
    raw_ms = statistics.median(latency["raw module"]) * 1e3
    slower = statistics.median(
        a / b
        for a, b in zip(latency["predict_proba"], latency["raw module"], strict=True)
    )
    print(
        f"  single-sequence latency: predict_proba {est_ms:.3f} ms, raw module "
        f"{raw_ms:.3f} ms (median of {calls} calls per round): {slower:.2f}x the "
        f"time, +{est_ms - raw_ms:.3f} ms"
    )
    return throughput, (est_ms, raw_ms, slower)


# --------------------------------------------------------------------------------------
# Item 4: peak memory, each measurement in a fresh process
# --------------------------------------------------------------------------------------

N_PREDICT, N_PREDICT_QUICK = 100_000, 20_000
CHUNK = 5_000  # rows generated at a time, so generating the input adds no large peak

#: A child started straight from this (large) process would inherit its peak RSS:
#: Linux keeps the largest RSS of the old address space across ``execve`` in
#: ``ru_maxrss``. A small Python in between, which starts the measured process,
#: gives that process a fresh count (about 10 MiB from the small launcher).
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"
MEMORY_TAG = "PEAK_RSS_KIB"

MEMORY_CASES = {  # name -> description
    "baseline": "imports + 5,000-sequence workload (baseline)",
    "fit": "estimator fit, 1 epoch on 5,000",
    "padded loop": "hand loop, 1 epoch, fully padded",
    "bucketed loop": "hand loop, 1 epoch, bucketed",
    "predict input": "imports + prediction input + fitted model",
    "predict_proba": "estimator predict_proba on the input",
    "raw module": "raw module calls, sorted batches of 256",
}


def make_predict_input(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of the workload's distribution, built chunk by chunk into
    one ``(n, WIDTH)`` int64 matrix (plus the lengths)."""
    X = np.empty((n, WIDTH), dtype=np.int64)
    lengths = np.empty(n, dtype=np.int64)
    for k, start in enumerate(range(0, n, CHUNK)):
        part = make_workload(min(CHUNK, n - start), seed + 1_000 + k)
        X[start : start + len(part.lengths)] = part.X
        lengths[start : start + len(part.lengths)] = part.lengths
    return X, lengths


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def memory_child(case: str, args: argparse.Namespace) -> None:
    """Runs one case in this fresh process and prints its peak RSS."""
    import pickle

    model = Path(args.memory_model)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    with threadpool_limits(limits=1):
        if case in ("baseline", "fit", "padded loop", "bucketed loop"):
            data = make_workload(N_SEQUENCES, args.seed)
            if case == "fit":
                fitted = clone(make_estimator("lstm", False)).fit(data.X, data.y)
                model.write_bytes(pickle.dumps(fitted))
            elif case != "baseline":
                prepare = hand_loop(data, "lstm", False, bucketed=case != "padded loop")
                prepare()()
        else:
            X, lengths = make_predict_input(args.memory_predict_n, args.seed)
            estimator = pickle.loads(model.read_bytes())
            if case == "predict_proba":
                out = estimator.predict_proba(X)
            elif case == "raw module":
                out = raw_predict_proba(estimator.net_.module_, X, lengths)
            if case != "predict input" and out.shape != (len(X), 2):
                raise RuntimeError(f"{case}: unexpected output shape {out.shape}")
    print(f"{MEMORY_TAG} {peak_rss_kib()}")


def run_memory_case(case: str, args: argparse.Namespace, model: Path) -> float:
    """Peak RSS in MiB of ``case`` run in a fresh process."""
    cmd = [sys.executable, "-c", LAUNCHER, sys.executable, str(Path(__file__))]
    cmd += ["--memory-child", case, "--memory-model", str(model)]
    cmd += ["--memory-predict-n", str(args.memory_predict_n), "--seed", str(args.seed)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(MEMORY_TAG)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"memory case {case!r} failed:\n{done.stderr[-3000:]}")
    return int(lines[-1].split()[1]) / 1024


def bench_memory(args: argparse.Namespace) -> dict[str, float]:
    n = args.memory_predict_n
    input_mib = n * WIDTH * 8 / 2**20
    print(
        f"\n[memory] LSTM, peak RSS (getrusage ru_maxrss) of a fresh process per row; "
        f"training on {N_SEQUENCES:,} sequences, prediction on {n:,} sequences "
        f"(int64 input {input_mib:,.0f} MiB, which counts in the prediction rows)"
    )
    peaks: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "fitted.pkl"
        for case in MEMORY_CASES:  # "fit" runs before the cases that load its model
            start = time.perf_counter()
            peaks[case] = run_memory_case(case, args, model)
            print(
                f"  {MEMORY_CASES[case]:<46}{peaks[case]:>8,.0f} MiB"
                f"{peaks[case] - peaks['baseline']:>+9,.0f} MiB"
                f"  ({time.perf_counter() - start:.0f} s)"
            )
            sys.stdout.flush()
    base = peaks["baseline"]
    for est, ref in (
        ("fit", "padded loop"),
        ("fit", "bucketed loop"),
        ("predict_proba", "raw module"),
    ):
        inc_e, inc_r = peaks[est] - base, peaks[ref] - base
        inc = f"{inc_e / inc_r:.2f}x" if inc_r > 0 else "n/a"
        print(
            f"  {est} / {ref:<14} peak {peaks[est] / peaks[ref]:.2f}x, "
            f"increment over baseline {inc}"
        )
    over_input = peaks["predict_proba"] - peaks["predict input"]
    print(
        f"  predict_proba above its own input and model: {over_input:+,.0f} MiB "
        f"(raw module {peaks['raw module'] - peaks['predict input']:+,.0f} MiB)"
    )
    return peaks


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


def print_header(args, data: Workload) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        "sklearn_rnn training/prediction benchmark "
        "(issue 5, items 1-3; item 4: --memory)"
    )
    print(
        f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs, "
        f"{platform.platform()}; load average at start {load}"
    )
    if args.device.startswith("cuda"):
        print(
            f"device: {args.device}, {torch.cuda.get_device_name(args.device)}; CUDA "
            f"{torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}"
        )
    else:
        print("device: cpu")
    print(
        f"versions: python {platform.python_version()}, torch {torch.__version__}, "
        f"skorch {skorch.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, sklearn_rnn {sklearn_rnn.__version__}"
    )
    print(
        f"threads: torch {torch.get_num_threads()} intra-op / "
        f"{torch.get_num_interop_threads()} inter-op, BLAS/OpenMP pools 1 "
        "(threadpoolctl), on every side"
    )
    n = len(data.lengths)
    print(
        f"workload{' (QUICK)' if args.quick else ''}: {n:,} sequences, seed "
        f"{args.seed}, vocab {data.vocab_size:,}, Zipf({ZIPF_EXPONENT}) ids, lengths "
        f"lognormal(median {MEDIAN_LENGTH}, sigma {SIGMA}) clipped to "
        f"[{MIN_LENGTH}, {MAX_LENGTH}], truncated to {WIDTH}"
    )
    print(
        f"  {data.n_tokens:,} real tokens (mean length "
        f"{data.lengths.mean():.1f}, median {np.median(data.lengths):.0f}, "
        f"{(data.lengths == WIDTH).mean():.1%} truncated); ideal gain of per-batch "
        f"padding over full padding {padding_gain(data.lengths, BATCH_SIZE):.2f}x"
    )
    print(
        f"model: Embedding({EMBEDDING_DIM}) -> RNN({HIDDEN_SIZE}) -> Linear(2), "
        f"batch {BATCH_SIZE}, Adam lr {LR}, no clipping; {args.rounds} interleaved "
        "rounds after one warm-up; ratios > 1: the estimator is faster"
    )


def verdict(value: float, target: float) -> str:
    return "MET" if value >= target else "NOT MET"


def print_summary(results: dict, quick: bool) -> None:
    print()
    print("Summary" + (" (QUICK workload: indicative only)" if quick else ""))
    for name, res in results.items():
        padded, bucketed = res["train"]["padded loop"], res["train"]["bucketed loop"]
        print(f"  {name}:")
        print(
            f"    training vs fully padded loop   {padded:5.2f}x  "
            f"(target >= {TARGET_VS_PADDED}x)   {verdict(padded, TARGET_VS_PADDED)}"
        )
        print(
            f"    training vs bucketed loop       {bucketed:5.2f}x  "
            f"(target >= {TARGET_VS_BUCKETED}x)  "
            f"{verdict(bucketed, TARGET_VS_BUCKETED)}"
        )
        train = res["train"]
        if "padded, denormals" in train:
            print(
                "    (both loops flush denormals, as the estimator does; in torch's "
                f"default float mode they run {train['padded, denormals']:.2f}x "
                f"and {train['bucketed, denormals']:.2f}x slower than the estimator)"
            )
        if "estimator fit, AMP" in train:
            print(
                "    mixed precision: the estimator with mixed_precision=True runs "
                f"{1 / train['estimator fit, AMP']:.2f}x the float32 estimator's speed"
            )
        if "bucketed, packed" in train:
            print(
                "    packed sequences: the bucketed loop with pack_padded_sequence "
                f"runs {1 / train['bucketed, packed']:.2f}x the estimator's speed"
            )
        ratio = res["predict"]
        est_ms, raw_ms, slower = res["latency"]
        print(
            f"    predict_proba vs raw module     {ratio:5.2f}x  "
            f"(target >= {TARGET_PREDICT}x)   {verdict(ratio, TARGET_PREDICT)}"
        )
        print(
            f"    single-sequence latency         {est_ms:.3f} ms vs "
            f"{raw_ms:.3f} ms raw ({slower:.2f}x, +{est_ms - raw_ms:.3f} ms; "
            "no numeric target)"
        )
    for note in THREAD_NOTES:
        print(f"  NOTE: {note}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"peak RSS of this process: {peak:,.0f} MiB (whole run, for information; "
        "issue item 4, peak memory of training and of predicting on 100,000 "
        "sequences, each in a fresh process: run with --memory)"
    )
    print(f"load average at end: {load}")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{N_SEQUENCES_QUICK:,} sequences, 2 rounds, fewer latency calls",
    )
    parser.add_argument("--rounds", type=int, help="rounds (default 5, quick 2)")
    parser.add_argument(
        "--cells",
        default="lstm,gru,bilstm",
        help="comma-separated subset of lstm,gru,bilstm (default: all)",
    )
    parser.add_argument(
        "--calls",
        type=int,
        help="single-sequence calls per round (default 200, quick 50)",
    )
    parser.add_argument("--seed", type=int, default=0, help="workload seed")
    parser.add_argument(
        "--short",
        action="store_true",
        help=f"only the short-sequence training workload of issue 11 ({N_SHORT:,} "
        f"sequences of median {SHORT_MEDIAN} tokens, batch {SHORT_BATCH}; quick "
        f"{N_SHORT_QUICK:,})",
    )
    parser.add_argument(
        "--device",
        default="cpu",
        help="torch device of every contender (default cpu; e.g. cuda): on CUDA the "
        "estimator also runs with mixed_precision=True, and the packed loop is on",
    )
    parser.add_argument(
        "--packed",
        action="store_true",
        help="add a bucketed hand loop over pack_padded_sequence (on by default "
        "with a CUDA device)",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="item 4 only: peak memory of training and of predicting, each in a "
        f"fresh process ({N_PREDICT:,} prediction sequences, quick "
        f"{N_PREDICT_QUICK:,})",
    )
    # Internal: one memory case, run in a fresh process by --memory.
    parser.add_argument("--memory-child", choices=list(MEMORY_CASES), help=SUPPRESS)
    parser.add_argument("--memory-model", help=SUPPRESS)
    parser.add_argument("--memory-predict-n", type=int, help=SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_predict_n is None:
        args.memory_predict_n = N_PREDICT_QUICK if args.quick else N_PREDICT
    args.cells = [c.strip() for c in args.cells.split(",") if c.strip()]
    unknown = [c for c in args.cells if c not in CELLS]
    if unknown or not args.cells:
        parser.error(f"--cells: unknown {unknown}; choose from {', '.join(CELLS)}")
    if args.rounds is None:
        args.rounds = 2 if args.quick else 5
    if args.calls is None:
        args.calls = 50 if args.quick else 200
    if args.device.startswith("cuda"):
        if not torch.cuda.is_available():
            parser.error(f"--device {args.device}: CUDA is not available here")
        args.packed = True
    if args.rounds < 1 or args.calls < 1:
        parser.error("--rounds and --calls must be >= 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child, args)
        return 0
    if args.memory:
        print("sklearn_rnn benchmark: peak memory (issue 5, item 4)")
        print(
            f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs; versions: torch "
            f"{torch.__version__}, sklearn_rnn {sklearn_rnn.__version__}; one torch "
            "thread"
        )
        bench_memory(args)
        return 0
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    if args.short:
        return main_short(args)
    data = make_workload(N_SEQUENCES_QUICK if args.quick else N_SEQUENCES, args.seed)
    results = {}
    with threadpool_limits(limits=1):
        print_header(args, data)
        for name in args.cells:
            cell, bidirectional = CELLS[name]
            print(f"\n[{name}]")
            start = time.perf_counter()
            res = {}
            res["train"], fitted = bench_training(
                data, cell, bidirectional, args.rounds, args.device, args.packed
            )
            res["predict"], res["latency"] = bench_prediction(
                data, fitted, args.rounds, args.calls
            )
            results[name] = res
            print(f"  ({time.perf_counter() - start:.0f} s)")
            sys.stdout.flush()
    print_summary(results, args.quick)
    return 0


def main_short(args: argparse.Namespace) -> int:
    n = N_SHORT_QUICK if args.quick else N_SHORT
    data = make_short_workload(n, args.seed)
    # One epoch at a constant learning rate "has not converged": not news here.
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    with threadpool_limits(limits=1):
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print("sklearn_rnn training benchmark: short sequences (issue 11)")
        print(
            f"machine: {cpu_model()}, {os.cpu_count()} logical CPUs; load average "
            f"{load}; torch {torch.__version__}, one torch thread"
        )
        print(
            f"workload{' (QUICK)' if args.quick else ''}: {n:,} sequences, vocab "
            f"{data.vocab_size:,}, lengths lognormal(median {SHORT_MEDIAN}, sigma "
            f"{SHORT_SIGMA}) clipped to [1, {SHORT_WIDTH}]: {data.n_tokens:,} tokens "
            f"(mean {data.lengths.mean():.1f}, median "
            f"{np.median(data.lengths):.0f}, max {data.lengths.max()}); "
            f"Embedding({EMBEDDING_DIM}) -> LSTM({HIDDEN_SIZE}) -> Linear(2), batch "
            f"{SHORT_BATCH}, Adam lr {LR}; {args.rounds} rounds; ratios > 1: the "
            "estimator is faster"
        )
        ratios = bench_short(data, args.rounds)
    target = 1 / 1.1
    fused = ratios["bucketed, fused Adam"]
    print(
        f"Summary: estimator vs bucketed loop with the same Adam step {fused:.2f}x "
        f"(target >= {target:.2f}x, within 1.1x)  {verdict(fused, target)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
