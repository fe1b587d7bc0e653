"""Wall time of a grid search on two workers against the same search with n_jobs=1.

Workload
--------
JapaneseVowels' 270 training series (9 speakers, 12 channels, 7-29 steps; read by
``sklearn_rnn.load_japanese_vowels`` from an installed sktime/aeon wheel, else from
``../shared/data/timeseries``). ``GridSearchCV(RNNClassifier(max_iter=--epochs,
random_state=0, device="cpu"), grid, cv=StratifiedKFold(--cv, shuffle,
random_state=0), refit=False)`` over ``hidden_size`` x ``cell`` x ``lr`` (flags
``--hidden``, ``--cells``, ``--lrs``; 8 candidates by default, 24 fits).

Each fit runs with one torch thread (the estimator's default, ``n_jobs=None``), so
two workers use the two cores of a 2-core machine and no more. ``--estimator-n-jobs
2`` gives every fit two threads instead: four threads on two cores, to see what
oversubscription costs.

Backends (``--backends``, in this order)
----------------------------------------
* ``sequential``: ``n_jobs=1``, the baseline of every ratio.
* ``loky``: joblib's default, ``n_jobs=2``. Timed twice: ``cold`` (the first
  search starts the worker processes, which import torch) and ``warm`` (the same
  workers again).
* ``dask``: a ``dask.distributed.LocalCluster(n_workers=2, threads_per_worker=1,
  processes=True)``; the search runs inside ``parallel_config(backend="dask")``
  with ``n_jobs=2``. Starting the cluster (and importing sklearn_rnn on its
  workers) is timed as its own stage, then the search.
* ``dask-notrim``: the same, with the cluster started under
  ``dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_":
  None})``. Dask starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which
  makes glibc return freed memory to the system early; the many small tensors of
  a recurrent network's training are then allocated afresh over and over.
* ``ray``: ``ray.init(num_cpus=2)``, ``ray.util.joblib.register_ray()``,
  ``parallel_config(backend="ray")``, ``n_jobs=2``. Ray's joblib backend starts
  a new pool of actors (new processes, importing torch) for every search, so
  every search is cold; ``ray.init`` is its own stage. Ray runs its workers at
  nice 15: on a machine busy with other work, they get the cores last.

For each search: its wall time, the speed-up ``t(n_jobs=1) / t`` against the
sequential search of the same run, the fits' own times added up (from
``cv_results_``: tells slower fits from idle workers), and whether its
``cv_results_`` (parameters, every split's test score, means, standard deviations,
ranks) are identical to the sequential search's. Each stage's time is printed as
it ends; the load average of the machine is printed at the start and the end
(other work running at the same time slows every contender, the baseline too).

Usage::

    python benchmarks/bench_search.py                      # default grid, 30 epochs
    python benchmarks/bench_search.py --epochs 5 --cv 2    # a quick check
    python benchmarks/bench_search.py --backends sequential,dask
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from joblib import parallel_config
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from sklearn_rnn import RNNClassifier, load_japanese_vowels

SHARED_TIMESERIES = Path(__file__).resolve().parents[2] / "shared/data/timeseries"
BACKENDS = ("sequential", "loky", "dask", "dask-notrim", "ray")


def load_data():
    try:
        return load_japanese_vowels("train")
    except FileNotFoundError:
        if not (SHARED_TIMESERIES / "JapaneseVowels").is_dir():
            sys.exit(
                "JapaneseVowels not found: install sktime (pip install "
                '"sklearn-rnn[datasets]") or provide ../shared/data/timeseries.'
            )
        return load_japanese_vowels("train", data_home=SHARED_TIMESERIES)


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)"
    except OSError:  # pragma: no cover - not a Unix system
        return "load average unknown"


@contextmanager
def stage(name: str, times: dict):
    start = time.perf_counter()
    yield
    times[name] = time.perf_counter() - start
    print(f"  {name}: {times[name]:.1f} s", flush=True)


def make_search(args, n_jobs):
    estimator_n_jobs = None if args.estimator_n_jobs == "none" else 2
    return GridSearchCV(
        RNNClassifier(
            max_iter=args.epochs,
            random_state=0,
            device="cpu",
            n_jobs=estimator_n_jobs,
        ),
        {"hidden_size": args.hidden, "cell": args.cells, "lr": args.lrs},
        cv=StratifiedKFold(args.cv, shuffle=True, random_state=0),
        n_jobs=n_jobs,
        refit=False,
        error_score="raise",
    )


def identical(search, reference) -> bool:
    got, expected = search.cv_results_, reference.cv_results_
    if got["params"] != expected["params"]:
        return False
    keys = [key for key in expected if "test_score" in key]
    return all(np.array_equal(got[key], expected[key]) for key in keys)


def run_search(name, args, data, times, results, n_jobs=2, backend=None):
    search = make_search(args, n_jobs)
    with stage(name, times):
        if backend is None:
            search.fit(*data)
        else:
            with parallel_config(backend=backend):
                search.fit(*data)
    results[name] = search
    return search


def dask_searches(args, data, times, results, trim: bool):
    import dask
    from dask.distributed import Client, LocalCluster

    # Dask starts its worker processes with MALLOC_TRIM_THRESHOLD_=65536 (glibc
    # hands freed memory back to the system early); "trim off" leaves glibc's
    # default, as in the other backends' processes.
    label = "dask" if trim else "dask, malloc trim off"
    environment = dict(os.environ)
    config = {} if trim else {_TRIM: None}
    with dask.config.set(config):
        with stage(f"{label}: start LocalCluster(2 workers x 1 thread)", times):
            cluster = LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            )
            client = Client(cluster)
            client.run(__import__, "sklearn_rnn")
    try:
        run_search(f"{label} 2 workers", args, data, times, results, backend="dask")
    finally:
        with stage(f"{label}: close", times):
            client.close()
            cluster.close()
        # Dask's nannies set their workers' variables (MALLOC_TRIM_THRESHOLD_,
        # OMP_NUM_THREADS, ...) in this process's environment too: undone, so that
        # the next stage's workers start from this process's own.
        for variable in set(os.environ) - set(environment):
            del os.environ[variable]
        os.environ.update(environment)


_TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


def ray_searches(args, data, times, results):
    import ray
    from ray.util.joblib import register_ray

    with stage("ray: init(num_cpus=2)", times):
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
        register_ray()
    try:
        for turn in ("first", "second"):
            name = f"ray n_jobs=2, {turn}"
            run_search(name, args, data, times, results, backend="ray")
    finally:
        with stage("ray: shutdown", times):
            ray.shutdown()


def fit_seconds(search, n_splits) -> float:
    """The time of all the search's fits and scorings, added up."""
    res = search.cv_results_
    return float(np.sum(res["mean_fit_time"] + res["mean_score_time"])) * n_splits


def run(args):
    times, results = {}, {}
    print(load_average())
    with stage("load JapaneseVowels", times):
        data = load_data()
    n_fits = len(args.hidden) * len(args.cells) * len(args.lrs) * args.cv
    print(f"  {len(data[0])} series, {n_fits} fits of {args.epochs} epochs")
    # The first fit of a process pays for torch's one-off set-up (about 1 s): not
    # the sequential search's, since every worker pays it too, inside the searches.
    with stage("warm-up fit in this process (not compared)", times):
        make_search(args, 1).estimator.set_params(max_iter=1).fit(*data)

    run_search("sequential (n_jobs=1)", args, data, times, results, n_jobs=1)
    if "loky" in args.backends:
        run_search("loky n_jobs=2, cold", args, data, times, results)
        run_search("loky n_jobs=2, warm", args, data, times, results)
    if "dask" in args.backends:
        dask_searches(args, data, times, results, trim=True)
    if "dask-notrim" in args.backends:
        dask_searches(args, data, times, results, trim=False)
    if "ray" in args.backends:
        ray_searches(args, data, times, results)

    reference = results["sequential (n_jobs=1)"]
    baseline = times["sequential (n_jobs=1)"]
    print(
        f"\n{'search':<34} {'wall s':>7} {'speed-up':>8} {'fit s':>7} "
        f"{'per fit':>7}  identical"
    )
    for name, search in results.items():
        same = "yes" if identical(search, reference) else "NO"
        busy = fit_seconds(search, args.cv)
        print(
            f"{name:<34} {times[name]:>7.1f} {baseline / times[name]:>7.2f}x "
            f"{busy:>7.1f} {busy / n_fits:>7.2f}  {same}"
        )
    print(
        "(fit s: the fits' and scorings' own times added up, from cv_results_; per "
        "fit: that over the number of fits; identical: cv_results_ equal to the "
        "sequential search's)"
    )
    best = reference.cv_results_["params"][
        int(np.argmin(reference.cv_results_["rank_test_score"]))
    ]
    score = reference.cv_results_["mean_test_score"].max()
    print(f"\nbest candidate {best}: mean accuracy {score:.3f}")
    print(load_average())
    if not all(identical(search, reference) for search in results.values()):
        sys.exit(1)


def _list(kind):
    return lambda text: [kind(item) for item in text.split(",")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30, help="max_iter per fit")
    parser.add_argument("--cv", type=int, default=3, help="folds")
    parser.add_argument("--hidden", type=_list(int), default=[16, 32])
    parser.add_argument("--cells", type=_list(str), default=["gru", "lstm"])
    parser.add_argument("--lrs", type=_list(float), default=[0.003, 0.01])
    parser.add_argument(
        "--backends",
        type=_list(str),
        default=list(BACKENDS),
        help="comma-separated, of: " + ",".join(BACKENDS),
    )
    parser.add_argument(
        "--estimator-n-jobs",
        choices=("none", "2"),
        default="none",
        help="the estimator's n_jobs: torch threads per fit (none: one)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backends: {sorted(unknown)}")
    warnings.simplefilter("ignore", ConvergenceWarning)  # short fits, on purpose
    run(args)


if __name__ == "__main__":
    main()
