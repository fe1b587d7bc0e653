"""A grid search on a Dask cluster with one worker per GPU: where did each fit train?

Run it on a machine with CUDA GPUs (about a minute; the workers' start and their
first CUDA call take most of it)::

    python benchmarks/gpu_scale_out.py [--epochs 5]

A ``dask.distributed.LocalCluster`` gets one worker process per visible GPU (one
thread each), named 0, 1, ...; a ``GridSearchCV`` of ``RNNClassifier(device="cuda",
n_jobs=1)`` (3 hidden sizes x 2 cells x 2 folds = 12 fits, 600 synthetic series)
runs inside ``parallel_config(backend="dask")``. Its scorer also returns, for every
fit, the GPU that held the fitted network's parameters and the Dask worker that
ran it, so ``cv_results_`` tells, per fit, where it trained. The script prints that
table and checks that worker ``i`` trained on ``cuda:{i % n_gpus}`` and that the
fits used every GPU (with one GPU: all on ``cuda:0``); it exits 1 if not. It also
prints ``best_estimator_.device_``: the refit runs in this (main) process, where
``"cuda"`` keeps torch's meaning (the current device).

Without CUDA it says so, shows what each worker of a 2-worker cluster *would*
train on with 2 GPUs (``sklearn_rnn._placement`` with a mocked device count), runs
the same search on the CPU (``device="cpu"``) to exercise the rest, and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

import numpy as np
import torch
from joblib import parallel_config
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV

from sklearn_rnn import RNNClassifier, _placement


def synthetic(n=600, t=30, channels=4, seed=0):
    """Series whose class is the sign of the first channel's mean."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, t, channels)).astype(np.float32)
    return X, (X[:, :, 0].mean(axis=1) > 0).astype(int)


def accuracy_and_place(estimator, X, y):
    """The accuracy, and where this fit trained: the index of the device of the
    fitted network's parameters (-1: the CPU) and the Dask worker's name."""
    from distributed import get_worker

    device = next(estimator.net_.module_.parameters()).device
    return {
        "accuracy": accuracy_score(y, estimator.predict(X)),
        "gpu": -1 if device.type == "cpu" else device.index,
        "worker": int(get_worker().name),
    }


def placement_with(n_gpus):
    """This worker's name and what device="cuda" would mean here with n_gpus."""
    from distributed import get_worker

    real = torch.cuda.device_count
    torch.cuda.device_count = lambda: n_gpus
    try:
        return get_worker().name, _placement.cuda_device()
    finally:
        torch.cuda.device_count = real


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args(argv)
    from dask.distributed import Client, LocalCluster

    n_gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if n_gpus:
        names = [torch.cuda.get_device_name(i) for i in range(n_gpus)]
        print(f"{n_gpus} GPU(s): {names}")
    else:
        print(
            "CUDA is not available: nothing to place. Showing what 2 workers would "
            "get on 2 GPUs, then running the search on the CPU."
        )
    n_workers = n_gpus or 2
    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    )
    client = Client(cluster)
    client.run(__import__, "sklearn_rnn")
    print(f"cluster of {n_workers} workers: {time.perf_counter() - start:.1f} s")
    try:
        workers = list(client.scheduler_info()["workers"])
        for address in workers:
            name, device = client.submit(
                placement_with, n_gpus or 2, workers=[address], pure=False
            ).result()
            print(f"  worker {name}: device='cuda' means {device!r}")

        search = GridSearchCV(
            RNNClassifier(
                device="cuda" if n_gpus else "cpu",
                max_iter=args.epochs,
                random_state=0,
                n_jobs=1,
            ),
            {"hidden_size": [16, 32, 64], "cell": ["gru", "lstm"]},
            cv=2,
            n_jobs=n_workers,
            scoring=accuracy_and_place,
            refit="accuracy",
            error_score="raise",
        )
        start = time.perf_counter()
        with parallel_config(backend="dask"):
            search.fit(*synthetic())
        print(f"search, 12 fits: {time.perf_counter() - start:.1f} s")
    finally:
        client.close()
        cluster.close()

    results = search.cv_results_
    placed = []
    print(f"\n{'candidate':<36} {'fold':>4} {'worker':>6} {'device':>8} {'acc':>6}")
    for i, params in enumerate(results["params"]):
        for fold in range(2):
            worker = int(results[f"split{fold}_test_worker"][i])
            gpu = int(results[f"split{fold}_test_gpu"][i])
            accuracy = results[f"split{fold}_test_accuracy"][i]
            device = "cpu" if gpu < 0 else f"cuda:{gpu}"
            placed.append((worker, gpu))
            print(f"{params!s:<36} {fold:>4} {worker:>6} {device:>8} {accuracy:>6.3f}")
    fits = Counter(device for _, device in placed)
    shown = {("cpu" if g < 0 else f"cuda:{g}"): n for g, n in sorted(fits.items())}
    print(f"\nfits per device: {shown}")
    print(
        f"best_estimator_.device_ (refit in the main process): "
        f"{search.best_estimator_.device_!r}"
    )
    if not n_gpus:
        print("No GPU: placement not checked.")
        return 0
    wrong = [(w, g) for w, g in placed if g != w % n_gpus]
    if wrong or set(fits) != set(range(n_gpus)):
        print(f"FAIL: fits not round-robin over the {n_gpus} GPU(s): {wrong}")
        return 1
    print(f"PASS: worker i trained on cuda:(i % {n_gpus}); every GPU was used.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
