"""Fit time with one torch thread vs two, on a quiet and on a busy machine.

Why ``n_jobs=None`` (one torch thread) is the estimators' default: a new user's fit
runs on a laptop or a shared server where other processes want the cores too, and
the small recurrent models of this library gain little from a second intra-op
thread even when the machine is idle, while torch's default (one thread per core)
makes every step wait for the slowest core when another process holds one.

Workloads
---------
* ``japanese_vowels``: the README's main job, ``RNNClassifier(random_state=0)``
  (the defaults) on JapaneseVowels' 270 training series (12 channels, 7-29 steps;
  shipped in sktime's wheel), scored on its 370 test series.
* ``tokens_verbose``: 2,000 token sequences (lengths 5-60, ids below 5,000),
  ``RNNClassifier(max_iter=5, verbose=1)`` with the progress lines printed to
  /dev/null (the second case of the issue).

Conditions
----------
* ``quiet``: nothing else started by this script (other users of the machine are
  not controlled: run it on an idle machine for the quiet figures).
* ``busy``: ``--load`` processes (default 1) spinning a pure-Python loop for the
  duration of the fit, as another program would.

Each configuration is fitted ``--repeats`` times (interleaved: n_jobs 1, 2, 1, 2,
...) and the median wall time is printed with the ratio ``n_jobs=2 / n_jobs=1``
measured in the same condition (above 1: the second thread costs time).

Usage::

    python benchmarks/bench_threads.py            # both workloads, quiet and busy
    python benchmarks/bench_threads.py --fast     # smaller budgets (same code path)
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import statistics
import sys
import time

import numpy as np

from sklearn_rnn import RNNClassifier, load_japanese_vowels


def _spin(stop) -> None:
    while not stop.is_set():
        sum(range(10_000))


@contextlib.contextmanager
def machine_load(n_processes: int):
    """``n_processes`` busy processes for the duration of the block."""
    if n_processes == 0:
        yield
        return
    stop = mp.Event()
    workers = [mp.Process(target=_spin, args=(stop,)) for _ in range(n_processes)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)  # let them reach the CPU
    try:
        yield
    finally:
        stop.set()
        for worker in workers:
            worker.join()


def japanese_vowels(fast: bool):
    X_train, y_train = load_japanese_vowels("train")
    X_test, y_test = load_japanese_vowels("test")
    params = dict(random_state=0, device="cpu")
    if fast:
        params["max_iter"] = 20
    return params, (X_train, y_train), (X_test, y_test)


def tokens_verbose(fast: bool):
    rng = np.random.default_rng(0)
    n = 500 if fast else 2000
    lengths = rng.integers(5, 61, size=n)
    X = [rng.integers(2, 5000, size=t) for t in lengths]
    y = np.array([int(np.mean(x % 2 == 0) > 0.5) for x in X])
    params = dict(max_iter=2 if fast else 5, verbose=1, random_state=0, device="cpu")
    return params, (X, y), (X, y)


WORKLOADS = {"japanese_vowels": japanese_vowels, "tokens_verbose": tokens_verbose}


def time_fit(params: dict, train, test, n_jobs: int) -> tuple[float, float]:
    """Wall time of ``fit`` (progress lines to /dev/null) and the test score."""
    model = RNNClassifier(**params, n_jobs=n_jobs)
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        start = time.perf_counter()
        model.fit(*train)
        elapsed = time.perf_counter() - start
    return elapsed, model.score(*test)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fast", action="store_true", help="smaller budgets")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--load", type=int, default=1, help="busy processes")
    parser.add_argument(
        "--workloads", default=",".join(WORKLOADS), help="comma-separated names"
    )
    args = parser.parse_args(argv)
    repeats = 1 if args.fast else args.repeats
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {repeats} repeats")
    print(
        f"{'workload':<17} {'condition':<9} {'n_jobs=1 (s)':>12} "
        f"{'n_jobs=2 (s)':>12} {'2 / 1':>7}  scores (1 / 2)"
    )
    for name in args.workloads.split(","):
        params, train, test = WORKLOADS[name](args.fast)
        for condition, load in (("quiet", 0), ("busy", args.load)):
            times = {1: [], 2: []}
            scores = {}
            with machine_load(load):
                for _ in range(repeats):
                    for n_jobs in (1, 2):
                        elapsed, scores[n_jobs] = time_fit(params, train, test, n_jobs)
                        times[n_jobs].append(elapsed)
            one, two = (statistics.median(times[k]) for k in (1, 2))
            print(
                f"{name:<17} {condition:<9} {one:>12.2f} {two:>12.2f} "
                f"{two / one:>7.2f}  {scores[1]:.3f} / {scores[2]:.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
