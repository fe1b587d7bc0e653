"""GPU checks for sklearn_rnn's estimators, to run wherever CUDA is available.

The test suite runs on machines without a GPU; this script exercises the CUDA side
and prints what it checked. All data are small synthetic sets drawn from fixed
seeds, and the models are tiny except in the timed workload of checks 4 and 5.

1. Fit and predict on the GPU. ``RNNClassifier(device="cuda")`` and
   ``device="auto"`` on 3D float arrays, ragged lists and token ids (and
   ``device="cuda:0"``, and an ``RNNRegressor``): ``device_`` is the GPU, the
   parameters of ``net_.module_`` are on it, ``predict_proba`` rows sum to 1,
   predictions follow the input order (a permuted input gives permuted outputs),
   and padding changes nothing: the same sequences NaN-padded (token ids
   zero-padded) to a longer length give the same ``predict_proba`` within 1e-5.
   An ``RNNTagger`` on words with character features: its parameters are on the
   GPU, it gives one output per word, and a sentence's outputs do not depend on
   the rest of the batch or its order (within 1e-5). An ``RNNSeq2Seq`` (digit
   strings reversed): its parameters are on the GPU, greedy and beam-search
   decoding of a batch give the outputs of decoding each sequence alone, and the
   log-probabilities agree within 1e-4.
2. GPU/CPU agreement. The fitted models are pickled and loaded in a subprocess
   started with ``CUDA_VISIBLE_DEVICES=""``; its CPU predictions agree with the
   GPU ones within 1e-4.
3. Persistence. In the same GPU-less subprocess: pickle, joblib and
   ``torch.load(..., map_location="cpu", weights_only=False)`` all load the
   CUDA-trained models; the warnings seen on loading, ``device``, ``device_`` and
   ``net_.device`` after loading are reported; the training history survives;
   refitting with the ``device`` parameter untouched either works or raises a clear
   ``ValueError`` (the behaviour is printed); refitting after
   ``set_params(device="cpu")`` works, and so do ``warm_start`` and ``partial_fit``
   continuations on the CPU where the estimators have them (or a ``ValueError``).
   The loading snippet the documentation should recommend is printed.
4. Mixed precision (only if the estimators have a ``mixed_precision`` parameter,
   else SKIPPED). On a timed workload (4,000 token sequences of length 100, LSTM
   with 128 units, batch 64; smaller with ``--quick``): the loss stays finite, the
   weights stay float32, test accuracy is within 0.05 of the float32 run, and the
   time per epoch with and without it is printed with their ratio. A
   mixed-precision model also goes through the GPU-less subprocess of check 3.
5. Throughput. The same workload in float32 on the GPU and on the CPU: training
   sequences per second (median epoch time, the first epoch left out as warm-up),
   prediction time and the ratio, with the card name and the torch, CUDA and
   cuDNN versions.

Every line says PASS, FAIL, SKIPPED or INFO; timings on CUDA are taken between
``torch.cuda.synchronize()`` calls. The script exits 1 if any check failed, else 0.
Without CUDA it prints "CUDA not available: nothing to check" and exits 0.

Usage::

    python benchmarks/gpu_check.py [--quick]

The full run is expected to take a few minutes on an H100 (not yet measured there),
most of it on the CPU: the subprocess refits of check 3 and the CPU epochs of check
5. ``--quick`` shrinks the timed workload of checks 4 and 5 (800 sequences of
length 40); on a 2-core CPU the whole ``--quick --device cpu`` flow takes 1-2
minutes.

On this project's device machine (sessions whose task has been lent one): the
image there has torch, scikit-learn and joblib but not skorch, and nothing can be
downloaded there. Here, once::

    echo /.whl/ >> .git/info/exclude
    python3 -m pip download --no-deps -d .whl skorch==1.4.0

then one device-tool ``run`` with ``carry=[".whl"]`` and a ``timeout_s`` of about
420 (enough to rerun ``--quick`` in the same 15-minute budget if needed)::

    python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl \
      && export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1 \
      && python3 benchmarks/gpu_check.py \
      && python3 benchmarks/bench_training.py --device cuda --quick --rounds 3

The second script is the training benchmark of issue 5 on the GPU: the estimator
(float32 and ``mixed_precision=True``) against the hand-written padded, bucketed
and packed loops, all on the device; drop ``--quick`` when the budget allows.

The script imports sklearn_rnn from the checkout when it is not installed. A hidden
debug flag, ``--device cpu``, runs the whole flow on the CPU (the CUDA expectations
become the CPU's) to test the script itself on a machine without a GPU::

    python benchmarks/gpu_check.py --quick --device cpu
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch

REPO_ROOT = Path(__file__).resolve().parents[1]
if importlib.util.find_spec("sklearn_rnn") is None:
    # A checkout that is not installed (as on the device machine).
    sys.path.insert(0, str(REPO_ROOT))

try:
    import joblib
    import sklearn
    import skorch
    from skorch.exceptions import DeviceWarning

    import sklearn_rnn
    from sklearn_rnn import RNNClassifier, RNNRegressor, RNNSeq2Seq, RNNTagger
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the machine
    sys.exit(
        f"gpu_check.py cannot import what it needs: {exc}. Install skorch (on the "
        "device machine: carry it as a wheel, see this script's docstring)."
    )

#: Tolerances of the checks.
PADDING_TOL = 1e-5  # padded vs unpadded input, on the GPU
ORDER_TOL = 1e-5  # permuted input vs permuted output, on the GPU
SUM_TOL = 1e-6  # predict_proba rows vs 1
AGREEMENT_TOL = 1e-4  # GPU predictions vs the same model's on the CPU
AMP_ACCURACY_TOL = 0.05  # mixed-precision test accuracy vs float32

#: Tiny models for the functional checks.
TINY = dict(hidden_size=16, embedding_dim=16, max_iter=8, batch_size=32)

#: The timed workload of checks 4 and 5, full and ``--quick``. ``signal`` is the
#: fraction of each sequence's tokens that give its class away.
WORKLOAD = {
    False: dict(n_train=4000, n_test=1000, length=100, signal=0.3, gpu_epochs=4),
    True: dict(n_train=800, n_test=200, length=40, signal=0.5, gpu_epochs=5),
}
CPU_EPOCHS = 2  # the first is left out of the timings
WORKLOAD_MODEL = dict(
    cell="lstm", hidden_size=128, embedding_dim=64, batch_size=64, pooling="mean"
)


# --------------------------------------------------------------------------------------
# Reporting and timing
# --------------------------------------------------------------------------------------


class Report:
    """Prints one line per check and remembers the outcomes."""

    def __init__(self) -> None:
        self.statuses: list[str] = []

    def add(
        self, status: str, check: str, detail: str = "", seconds: float | None = None
    ) -> None:
        self.statuses.append(status)
        timing = "" if seconds is None else f" [{seconds:.2f} s]"
        print(f"{status:<7} {check}: {detail}{timing}", flush=True)

    def expect(
        self,
        check: str,
        problems: list[str],
        detail: str,
        seconds: float | None = None,
    ) -> bool:
        """PASS with ``detail`` if ``problems`` is empty, else FAIL listing them."""
        if problems:
            self.add("FAIL", check, "; ".join(problems) + f" ({detail})", seconds)
        else:
            self.add("PASS", check, detail, seconds)
        return not problems

    @contextlib.contextmanager
    def guard(self, check: str) -> Iterator[None]:
        """Turn an unexpected exception in the block into a FAIL line."""
        try:
            yield
        except Exception as exc:
            self.add("FAIL", check, f"raised {type(exc).__name__}: {exc}")
            print(_indent(traceback.format_exc()), flush=True)

    def summary(self) -> int:
        counts = {s: self.statuses.count(s) for s in ("PASS", "FAIL", "SKIPPED")}
        print(
            f"\n{counts['PASS']} passed, {counts['FAIL']} failed, "
            f"{counts['SKIPPED']} skipped",
            flush=True,
        )
        return 1 if counts["FAIL"] else 0


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


def _indent(text: str, prefix: str = "        ") -> str:
    return "\n".join(prefix + line for line in text.rstrip().splitlines())


def is_cuda(device: str) -> bool:
    return torch.device(device).type == "cuda"


def synchronize(device: str) -> None:
    if is_cuda(device):
        torch.cuda.synchronize(device)


def timed(fn: Callable, device: str):
    """``(fn(), seconds)``, the GPU synchronized before and after."""
    synchronize(device)
    start = time.perf_counter()
    result = fn()
    synchronize(device)
    return result, time.perf_counter() - start


def same_device(actual: torch.device, expected: str) -> bool:
    """Whether a tensor's device is ``expected`` ("cuda" matches any CUDA index)."""
    expected = torch.device(expected)
    if actual.type != expected.type:
        return False
    return expected.index is None or actual.index == expected.index


def param_devices(est) -> list[str]:
    return sorted({str(p.device) for p in est.net_.module_.parameters()})


def with_params(Estimator, **params):
    """``Estimator(**params)``, dropping parameters the estimator does not have and
    switching off stopping on a stalled training loss where the estimator has it (the
    timed and compared runs must run every epoch)."""
    known = Estimator().get_params()
    params = {k: v for k, v in params.items() if k in known}
    if "n_iter_no_change" in known and "max_iter" in params:
        params.setdefault("n_iter_no_change", params["max_iter"] + 1)
    return Estimator(**params)


def warning_lines(caught) -> list[str]:
    return [f"{w.category.__name__}: {w.message}" for w in caught]


# --------------------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------------------


def numeric_task(seed: int, n: int, max_len: int, n_channels: int, ragged: bool):
    """Sequences whose first channel drifts up or down; labels and a real target."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    if ragged:
        lengths = rng.integers(max_len // 2, max_len + 1, n)
    else:
        lengths = np.full(n, max_len)
    seqs = []
    for label, length in zip(labels, lengths, strict=True):
        seq = rng.normal(size=(length, n_channels)).astype(np.float32)
        seq[:, 0] += 0.8 if label else -0.8
        seqs.append(seq)
    target = np.array([10 + 5 * s[:, 0].mean() for s in seqs])
    return seqs, np.array(["down", "up"])[labels], target


def nan_padded(seqs: list[np.ndarray], length: int) -> np.ndarray:
    """A 3D float array of ``seqs`` padded with all-NaN steps to ``length``."""
    out = np.full((len(seqs), length, seqs[0].shape[1]), np.nan, dtype=np.float32)
    for i, seq in enumerate(seqs):
        out[i, : len(seq)] = seq
    return out


def token_task(
    seed: int,
    n: int,
    max_len: int,
    vocab: int,
    n_classes: int,
    min_len: int,
    signal: float,
):
    """Zero-padded token ids; each class over-uses its own band of the vocabulary
    (a ``signal`` fraction of its tokens, the rest drawn from the whole vocabulary)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, n)
    lengths = rng.integers(min_len, max_len + 1, n)
    band = (vocab - 2) // n_classes
    X = np.zeros((n, max_len), dtype=np.int64)
    for i, (label, length) in enumerate(zip(labels, lengths, strict=True)):
        noise = rng.integers(2, vocab, length)
        own = 2 + label * band + rng.integers(0, band, length)
        X[i, :length] = np.where(rng.random(length) < signal, own, noise)
    return X, labels


def functional_data() -> dict:
    """The small data sets of checks 1-3: ``{form: (X, X_padded, y)}``."""
    seqs, y, _ = numeric_task(0, 192, 20, 3, ragged=False)
    X3d = np.stack(seqs)
    ragged, y_ragged, _ = numeric_task(1, 192, 24, 2, ragged=True)
    tokens, y_tokens = token_task(2, 192, 30, 50, 3, min_len=10, signal=0.7)
    return {
        "3d float": (X3d, nan_padded(seqs, 27), y),
        "ragged list": (ragged, nan_padded(ragged, 31), y_ragged),
        "token ids": (tokens, np.pad(tokens, ((0, 0), (0, 9))), y_tokens),
    }


def permuted(X, perm: np.ndarray):
    return [X[i] for i in perm] if isinstance(X, list) else X[perm]


# --------------------------------------------------------------------------------------
# Check 1: fit and predict on the GPU
# --------------------------------------------------------------------------------------


def expected_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def check_classifier(report: Report, device: str, form: str, data, timing_device):
    """Fit one tiny classifier; report a line; return it with its predictions."""
    X, X_padded, y = data
    name = f"1 device={device!r} {form}"
    clf = with_params(RNNClassifier, **TINY, device=device, random_state=0)
    _, fit_s = timed(lambda: clf.fit(X, y), timing_device)
    proba, predict_s = timed(lambda: clf.predict_proba(X), timing_device)
    problems = []
    want = expected_device(device)
    if clf.device_ != want:
        problems.append(f"device_={clf.device_!r}, expected {want!r}")
    devices = param_devices(clf)
    if not all(same_device(torch.device(d), want) for d in devices):
        problems.append(f"parameters on {devices}, expected {want!r}")
    sum_err = float(np.abs(proba.sum(axis=1) - 1).max())
    if sum_err > SUM_TOL:
        problems.append(f"predict_proba rows sum to 1 only within {sum_err:.1e}")
    pred = clf.predict(X)
    if not np.array_equal(pred, clf.classes_[proba.argmax(axis=1)]):
        problems.append("predict disagrees with argmax of predict_proba")
    perm = np.random.default_rng(3).permutation(len(y))
    order_err = float(np.abs(clf.predict_proba(permuted(X, perm)) - proba[perm]).max())
    if order_err > ORDER_TOL:
        problems.append(f"permuted input changes outputs by {order_err:.1e}")
    pad_err = float(np.abs(clf.predict_proba(X_padded) - proba).max())
    if pad_err > PADDING_TOL:
        problems.append(f"padding changes predict_proba by {pad_err:.1e}")
    accuracy = float(np.mean(pred == y))
    if accuracy < 0.8:
        problems.append(f"training accuracy only {accuracy:.2f} on an easy task")
    detail = (
        f"device_={clf.device_!r}, params on {devices}, train acc {accuracy:.2f}, "
        f"row sums err {sum_err:.0e}, permutation err {order_err:.0e}, padding err "
        f"{pad_err:.0e}; fit {fit_s:.2f} s, predict_proba {predict_s * 1e3:.1f} ms"
    )
    report.expect(name, problems, detail, seconds=fit_s + predict_s)
    return clf, proba


def check_fit_predict(report: Report, device: str, data: dict) -> dict:
    """Check 1. Returns ``{job name: (estimator, X, y, GPU predictions)}`` for the
    persistence checks."""
    section(f"1. fit and predict on {device!r} (and 'auto')")
    fitted = {}
    for dev in (device, "auto"):
        for form, form_data in data.items():
            with report.guard(f"1 device={dev!r} {form}"):
                clf, proba = check_classifier(report, dev, form, form_data, device)
                key = f"clf {form}" if dev == device else f"clf auto {form}"
                if dev == device or form == "3d float":
                    fitted[key] = (clf, form_data[0], form_data[2], proba)

    name = "1 device='cuda:0' 3d float"
    if is_cuda(device) and torch.device(device).index is None:
        with report.guard(name):
            check_classifier(report, "cuda:0", "3d float", data["3d float"], device)
    else:
        report.add("SKIPPED", name, f"needs CUDA (the device under test is {device!r})")

    name = f"1 RNNRegressor device={device!r} ragged list"
    with report.guard(name):
        seqs, _, target = numeric_task(4, 192, 24, 2, ragged=True)
        reg = with_params(RNNRegressor, **TINY, device=device, random_state=0)
        _, fit_s = timed(lambda: reg.fit(seqs, target), device)
        pred = reg.predict(seqs)
        problems = []
        if not all(same_device(torch.device(d), device) for d in param_devices(reg)):
            problems.append(f"parameters on {param_devices(reg)}")
        pad_err = float(np.abs(reg.predict(nan_padded(seqs, 30)) - pred).max())
        if pad_err > PADDING_TOL * target.std():
            problems.append(f"padding changes predictions by {pad_err:.1e}")
        r2 = reg.score(seqs, target)
        if r2 < 0.5:
            problems.append(f"training R^2 only {r2:.2f}")
        detail = (
            f"device_={reg.device_!r}, train R^2 {r2:.2f}, padding err {pad_err:.0e}"
        )
        report.expect(name, problems, detail, seconds=fit_s)
        fitted["reg ragged list"] = (reg, seqs, target, pred)

    name = f"1 RNNTagger device={device!r} words with character features"
    with report.guard(name):
        check_tagger(report, name, device)

    name = f"1 RNNSeq2Seq device={device!r} greedy and beam search"
    with report.guard(name):
        check_seq2seq(report, name, device)

    with report.guard("1 same seed, same device"):
        X, _, y = data["3d float"]
        proba = fitted["clf 3d float"][3]
        again = with_params(RNNClassifier, **TINY, device=device, random_state=0)
        diff = float(np.abs(again.fit(X, y).predict_proba(X) - proba).max())
        report.add(
            "INFO",
            "1 same seed, same device",
            f"two fits with random_state=0 differ by {diff:.1e} in predict_proba",
        )
    return fitted


def check_tagger(report: Report, name: str, device: str) -> None:
    """A word tagger with character features: on the device, a label per step, and
    per-step outputs unchanged by the other sequences of the batch and their order."""
    rng = np.random.default_rng(5)
    vocab = ["ab", "cd", "ef", "gh", "ij", "kl"]
    X, y = [], []
    for _ in range(240):  # the tag of a word is the first letter of the next one
        words = list(rng.choice(vocab, size=rng.integers(2, 12)))
        X.append(words)
        y.append([w[0] for w in words[1:]] + ["end"])
    settings = {**TINY, "max_iter": 40, "lr": 1e-2}
    tagger = with_params(RNNTagger, **settings, device=device, random_state=0)
    _, fit_s = timed(lambda: tagger.fit(X, y), device)
    proba = tagger.predict_proba(X)
    problems = []
    if not all(same_device(torch.device(d), device) for d in param_devices(tagger)):
        problems.append(f"parameters on {param_devices(tagger)}")
    if [len(p) for p in proba] != [len(s) for s in X]:
        problems.append("predict_proba does not give one row per word")
    alone = tagger.predict_proba(X[:3])
    batch_err = max(
        float(np.abs(a - b).max()) for a, b in zip(alone, proba[:3], strict=True)
    )
    if batch_err > PADDING_TOL:
        problems.append(f"the rest of the batch changes outputs by {batch_err:.1e}")
    perm = np.random.default_rng(3).permutation(len(X))
    shuffled = tagger.predict_proba([X[i] for i in perm])
    order_err = max(
        float(np.abs(shuffled[j] - proba[i]).max()) for j, i in enumerate(perm)
    )
    if order_err > ORDER_TOL:
        problems.append(f"permuted input changes outputs by {order_err:.1e}")
    accuracy = tagger.score(X, y)
    if accuracy < 0.8:
        problems.append(f"training per-step accuracy only {accuracy:.2f}")
    detail = (
        f"device_={tagger.device_!r}, train per-step acc {accuracy:.2f}, batch err "
        f"{batch_err:.0e}, permutation err {order_err:.0e}; fit {fit_s:.2f} s"
    )
    report.expect(name, problems, detail, seconds=fit_s)


def check_seq2seq(report: Report, name: str, device: str) -> None:
    """An encoder-decoder on the device: decoding a batch (greedy and beam 3)
    gives each sequence's output decoded alone, with the same log-probability."""
    rng = np.random.default_rng(6)
    digits = list("0123456789")
    X = ["".join(rng.choice(digits, rng.integers(2, 7))) for _ in range(400)]
    y = [x[::-1] for x in X]
    settings = {**TINY, "hidden_size": 32, "max_iter": 30, "lr": 1e-2}
    model = with_params(RNNSeq2Seq, **settings, device=device, random_state=0)
    _, fit_s = timed(lambda: model.fit(X, y), device)
    problems = []
    if not all(same_device(torch.device(d), device) for d in param_devices(model)):
        problems.append(f"parameters on {param_devices(model)}")
    accuracy = model.score(X, y)
    if accuracy < 0.8:
        problems.append(f"training exact match only {accuracy:.2f}")
    for beam in (1, 3):
        model.set_params(beam_size=beam)
        batch, batch_lp = model.predict(X[:20]), model.predict_log_proba(X[:20])
        alone = [model.predict([x])[0] for x in X[:20]]
        alone_lp = np.array([model.predict_log_proba([x])[0] for x in X[:20]])
        if batch != alone:
            problems.append(f"beam {beam}: the batch changes outputs")
        lp_err = float(np.abs(batch_lp - alone_lp).max())
        if lp_err > 1e-4:
            problems.append(f"beam {beam}: the batch changes log-probs by {lp_err:.1e}")
    detail = f"device_={model.device_!r}, train exact match {accuracy:.2f}"
    report.expect(name, problems, detail, seconds=fit_s)


# --------------------------------------------------------------------------------------
# Checks 2 and 3: CPU agreement and persistence, through a GPU-less subprocess
# --------------------------------------------------------------------------------------


def save_jobs(fitted: dict, workdir: Path) -> list[dict]:
    """Save every model three ways (pickle, joblib, torch.save) with its data."""
    jobs = []
    for i, (name, (est, X, y, _)) in enumerate(fitted.items()):
        stem = workdir / f"model{i}"
        with open(f"{stem}.pkl", "wb") as f:
            pickle.dump(est, f)
        joblib.dump(est, f"{stem}.joblib")
        torch.save(est, f"{stem}.pt")
        with open(f"{stem}.data.pkl", "wb") as f:
            pickle.dump((X, y), f)
        jobs.append(
            {
                "name": name,
                "stem": str(stem),
                "n_iter_": int(est.n_iter_),
                "loss_curve_": [float(v) for v in est.loss_curve_],
            }
        )
    with open(workdir / "jobs.json", "w") as f:
        json.dump(jobs, f)
    return jobs


def run_child(workdir: Path) -> tuple[dict | None, str, float]:
    """Run this script's child mode with no visible GPU; its results and log."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", str(workdir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    seconds = time.perf_counter() - start
    log = (proc.stdout + proc.stderr).strip()
    result_path = workdir / "child.json"
    if proc.returncode != 0 or not result_path.exists():
        return None, f"exit status {proc.returncode}\n{log}", seconds
    with open(result_path) as f:
        return json.load(f), log, seconds


def attempt(fn: Callable) -> dict:
    """``fn()``'s outcome as a JSON-able dict, warnings included."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            info = fn() or {}
            outcome = {"outcome": "ok", **info}
        except ValueError as exc:
            outcome = {"outcome": "ValueError", "message": str(exc)}
        except Exception as exc:
            outcome = {
                "outcome": type(exc).__name__,
                "message": str(exc),
                "traceback": traceback.format_exc(),
            }
    outcome["warnings"] = warning_lines(caught)
    return outcome


def child_job(job: dict) -> dict:
    """In the GPU-less subprocess: load, predict and refit one saved model."""
    stem = job["stem"]
    with open(f"{stem}.data.pkl", "rb") as f:
        X, y = pickle.load(f)

    def outputs(est):
        return est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)

    def load_pickle():
        with open(f"{stem}.pkl", "rb") as f:
            return pickle.load(f)

    def quietly(load):
        """``load()`` without skorch's DeviceWarnings, reported once already."""

        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeviceWarning)
                return load()

        return run

    res: dict = {"name": job["name"]}
    loaded = {}

    def load_and_describe():
        start = time.perf_counter()
        est = load_pickle()
        load_s = time.perf_counter() - start
        loaded["est"] = est
        return {
            "load_s": load_s,
            "device": est.device,
            "device_": getattr(est, "device_", None),
            "net_device": str(est.net_.device),
            "param_devices": param_devices(est),
            "n_iter_": int(est.n_iter_),
            "history_len": len(est.net_.history),
            "loss_curve_": [float(v) for v in est.loss_curve_],
        }

    res["pickle_load"] = attempt(load_and_describe)

    def predict_pickled():
        start = time.perf_counter()
        out = outputs(loaded["est"])
        np.save(f"{stem}.cpu.npy", out)
        return {"predict_s": time.perf_counter() - start}

    res["predict"] = (
        attempt(predict_pickled) if "est" in loaded else {"outcome": "not loaded"}
    )

    def compare(load):
        def run():
            est = quietly(load)()
            diff = np.abs(outputs(est) - np.load(f"{stem}.cpu.npy")).max()
            return {"max_diff": float(diff), "net_device": str(est.net_.device)}

        return run

    # Only the first load reports skorch's DeviceWarnings; the others hide them.
    res["joblib"] = attempt(compare(lambda: joblib.load(f"{stem}.joblib")))
    res["torch_load"] = attempt(
        compare(
            lambda: torch.load(f"{stem}.pt", map_location="cpu", weights_only=False)
        )
    )

    def refit(**params):
        def run():
            est = quietly(load_pickle)()
            if params:
                est.set_params(**params)
            start = time.perf_counter()
            est.fit(X, y)
            fit_s = time.perf_counter() - start
            outputs(est)
            return {
                "fit_s": fit_s,
                "device": est.device,
                "device_": est.device_,
                "param_devices": param_devices(est),
                "n_iter_": int(est.n_iter_),
                "history_len": len(est.net_.history),
            }

        return run

    res["refit_untouched"] = attempt(refit())
    res["refit_cpu"] = attempt(refit(device="cpu"))
    if "warm_start" in RNNClassifier().get_params():
        res["warm_start_cpu"] = attempt(refit(device="cpu", warm_start=True))

    if hasattr(type(loaded.get("est")), "partial_fit"):

        def partial():
            est = quietly(load_pickle)().set_params(device="cpu")
            before = len(est.net_.history)
            est.partial_fit(X, y)
            outputs(est)
            return {
                "device_": est.device_,
                "epochs_added": len(est.net_.history) - before,
                "param_devices": param_devices(est),
            }

        res["partial_fit_cpu"] = attempt(partial)
    return res


def child_main(workdir: Path) -> int:
    """The subprocess side of checks 2 and 3 (``CUDA_VISIBLE_DEVICES=""``)."""
    with open(workdir / "jobs.json") as f:
        jobs = json.load(f)
    results = {
        "cuda_available": torch.cuda.is_available(),
        "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES"),
        "jobs": [],
    }
    for job in jobs:
        try:
            results["jobs"].append(child_job(job))
        except Exception as exc:
            results["jobs"].append(
                {
                    "name": job["name"],
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(),
                }
            )
    with open(workdir / "child.json", "w") as f:
        json.dump(results, f, indent=1)
    return 0


def check_cpu_side(report: Report, device: str, fitted: dict, workdir: Path) -> None:
    """Checks 2 and 3, from one GPU-less subprocess over all ``fitted`` models."""
    section("3a. pickle round trip on the training device")
    for name, (est, X, _, gpu_out) in fitted.items():
        check = f"3a in-process pickle round trip: {name}"
        with report.guard(check):
            restored = pickle.loads(pickle.dumps(est))
            out = (
                restored.predict_proba(X)
                if hasattr(restored, "predict_proba")
                else restored.predict(X)
            )
            diff = float(np.abs(out - gpu_out).max())
            problems = [] if diff <= PADDING_TOL else [f"predictions moved by {diff}"]
            if restored.device_ != est.device_:
                problems.append(f"device_ {est.device_!r} -> {restored.device_!r}")
            report.expect(
                check,
                problems,
                f"device_={restored.device_!r}, net_.device="
                f"{restored.net_.device!r}, max diff {diff:.0e}",
            )

    section('2-3. loading in a subprocess with CUDA_VISIBLE_DEVICES=""')
    jobs = save_jobs(fitted, workdir)
    results, log, seconds = run_child(workdir)
    if results is None:
        report.add("FAIL", "2-3 subprocess", _indent(log), seconds)
        return
    report.expect(
        "2-3 subprocess",
        ["the subprocess still sees CUDA"] if results["cuda_available"] else [],
        f"torch.cuda.is_available()={results['cuda_available']} there, "
        f"{len(jobs)} models",
        seconds,
    )
    if log:
        report.add("INFO", "2-3 subprocess output", "\n" + _indent(log))

    section("2. GPU vs CPU agreement (same fitted model, loaded on the CPU)")
    by_name = {r["name"]: r for r in results["jobs"]}
    for job in jobs:
        name = job["name"]
        res = by_name[name]
        check = f"2 {name}"
        if "error" in res:
            report.add("FAIL", check, res["error"] + "\n" + _indent(res["traceback"]))
            continue
        if res["predict"]["outcome"] != "ok":
            report.add("FAIL", check, f"predict on CPU: {describe(res['predict'])}")
            continue
        est, _, y, gpu_out = fitted[name]
        cpu_out = np.load(f"{job['stem']}.cpu.npy")
        diff = float(np.abs(cpu_out - gpu_out).max())
        scale = 1.0 if hasattr(est, "predict_proba") else float(np.std(y))
        report.expect(
            check,
            [] if diff <= AGREEMENT_TOL * scale else [f"differ by {diff:.1e}"],
            f"max |CPU - {device}| = {diff:.1e} "
            f"(tolerance {AGREEMENT_TOL * scale:.0e})",
        )

    section("3. persistence: CUDA-trained models used and refitted without a GPU")
    for job in jobs:
        res = by_name[job["name"]]
        if "error" not in res:
            report_persistence(report, job, res)
    print_loading_advice(results, device)


def describe(outcome: dict) -> str:
    if outcome["outcome"] == "ok":
        text = "works"
    else:
        text = f"{outcome['outcome']}: {outcome.get('message', '')}"
    if outcome.get("warnings"):
        text += f" (warnings: {' | '.join(outcome['warnings'])})"
    return text


def report_persistence(report: Report, job: dict, res: dict, prefix: str = "3") -> None:
    name = f"{prefix} {job['name']}"
    load = res["pickle_load"]
    check = f"{name}: pickle.load"
    if load["outcome"] != "ok":
        report.add("FAIL", check, describe(load))
        return
    problems = []
    if load["n_iter_"] != job["n_iter_"] or load["history_len"] != job["n_iter_"]:
        problems.append(
            f"history lost: n_iter_ {job['n_iter_']} -> {load['n_iter_']}, "
            f"{load['history_len']} history rows"
        )
    if load["loss_curve_"] != job["loss_curve_"]:
        problems.append("loss_curve_ changed")
    if not all(d.startswith("cpu") for d in load["param_devices"]):
        problems.append(f"parameters on {load['param_devices']}")
    report.expect(
        check,
        problems,
        f"device={load['device']!r}, device_={load['device_']!r}, "
        f"net_.device={load['net_device']!r}, params on {load['param_devices']}, "
        f"history kept ({load['history_len']} epochs); load warnings: "
        f"{load['warnings'] or 'none'}",
        load["load_s"],
    )
    if load["device_"] != load["net_device"]:
        report.add(
            "INFO",
            name,
            f"device_ ({load['device_']!r}) and net_.device ({load['net_device']!r}) "
            "disagree after loading",
        )
    predict = res["predict"]
    report.expect(
        f"{name}: predict on CPU",
        [] if predict["outcome"] == "ok" else [describe(predict)],
        describe(predict),
        predict.get("predict_s"),
    )
    for key, label in (
        ("joblib", "joblib.load"),
        ("torch_load", 'torch.load(map_location="cpu", weights_only=False)'),
    ):
        out = res[key]
        ok = out["outcome"] == "ok" and out["max_diff"] <= 1e-12
        detail = describe(out)
        if out["outcome"] == "ok":
            detail += f", same predictions as pickle (diff {out['max_diff']:.0e})"
        report.expect(f"{name}: {label}", [] if ok else [detail], detail)

    untouched = res["refit_untouched"]
    acceptable = untouched["outcome"] in ("ok", "ValueError")
    must_work = load["device"] in ("auto", "cpu")
    problems = []
    if not acceptable or (must_work and untouched["outcome"] != "ok"):
        problems.append(describe(untouched))
    detail = describe(untouched)
    if untouched["outcome"] == "ok":
        detail = (
            f"fits with device={untouched['device']!r} -> device_="
            f"{untouched['device_']!r} ({untouched['fit_s']:.2f} s)"
        )
        if untouched["warnings"]:
            detail += f" (warnings: {' | '.join(untouched['warnings'])})"
    report.expect(
        f"{name}: refit, device={load['device']!r} left as is", problems, detail
    )
    for key, label in (
        ("refit_cpu", 'set_params(device="cpu").fit'),
        ("warm_start_cpu", 'set_params(device="cpu", warm_start=True).fit'),
        ("partial_fit_cpu", 'set_params(device="cpu").partial_fit'),
    ):
        check = f"{name}: {label}"
        if key not in res:
            report.add("SKIPPED", check, "the estimator has no such parameter/method")
            continue
        out = res[key]
        problems = []
        if key == "refit_cpu" and out["outcome"] != "ok":
            problems.append(describe(out))
        elif out["outcome"] not in ("ok", "ValueError"):
            problems.append(describe(out) + "\n" + _indent(out.get("traceback", "")))
        if out["outcome"] == "ok":
            if out["device_"] != "cpu" or not all(
                d.startswith("cpu") for d in out["param_devices"]
            ):
                problems.append(
                    f"device_={out['device_']!r}, params on {out['param_devices']}"
                )
            detail = f"works: device_={out['device_']!r}"
            if "epochs_added" in out:
                detail += f", {out['epochs_added']} epoch(s) added"
            if key == "warm_start_cpu":
                detail += (
                    f", history {job['n_iter_']} -> {out['history_len']} epochs, "
                    f"n_iter_={out['n_iter_']}"
                )
            if out.get("warnings"):
                detail += f" (warnings: {' | '.join(out['warnings'])})"
        else:
            detail = describe(out)
        report.expect(check, problems, detail, out.get("fit_s"))


def print_loading_advice(results: dict, device: str) -> None:
    """The snippet the documentation should recommend, from what was observed."""
    jobs = [r for r in results["jobs"] if "error" not in r]
    load_warnings = sorted({w for r in jobs for w in r["pickle_load"]["warnings"]})
    torch_ok = all(r["torch_load"]["outcome"] == "ok" for r in jobs)
    untouched = {
        r["pickle_load"]["device"]: describe(r["refit_untouched"]) for r in jobs
    }
    section("recommended loading snippet (from what was observed above)")
    print(f"  warnings seen when unpickling without a GPU: {load_warnings or 'none'}")
    for param, outcome in untouched.items():
        print(f"  refit without a GPU, device={param!r} left as is: {outcome}")
    print(
        """
    # A model fitted on a GPU (device="cuda", or "auto" on a GPU machine),
    # saved with joblib.dump(clf, "model.joblib") or pickle, used without a GPU:
    import warnings
    import joblib
    from skorch.exceptions import DeviceWarning

    with warnings.catch_warnings():
        # skorch maps the CUDA tensors to the CPU and says so with a DeviceWarning
        warnings.simplefilter("ignore", DeviceWarning)
        clf = joblib.load("model.joblib")   # pickle.load works the same way
    clf.predict(X)                          # runs on the CPU
    clf.set_params(device="cpu")            # before refitting, if device was "cuda"
    clf.fit(X, y)

    # pickle and joblib need no map_location: skorch picks the CPU itself."""
    )
    if torch_ok:
        print(
            """    # Only a file written with torch.save(clf, path) needs torch.load,
    # and then (for trusted files only: it unpickles arbitrary objects):
    clf = torch.load("model.pt", map_location="cpu", weights_only=False)"""
        )
    if not is_cuda(device):
        print(
            "  (this run trained on the CPU, so no device mapping was exercised: "
            "the snippet is what CUDA runs are expected to confirm)"
        )


# --------------------------------------------------------------------------------------
# Checks 4 and 5: mixed precision and throughput on a timed workload
# --------------------------------------------------------------------------------------


def workload_data(quick: bool):
    w = WORKLOAD[quick]
    n_train, length = w["n_train"], w["length"]
    X, y = token_task(
        5, n_train + w["n_test"], length, 1000, 2, min_len=length, signal=w["signal"]
    )
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def run_workload(device: str, epochs: int, data, **extra) -> dict:
    """Fit the workload model; its timings, losses and test accuracy."""
    X, y, X_test, y_test = data
    clf = with_params(
        RNNClassifier,
        **WORKLOAD_MODEL,
        max_iter=epochs,
        device=device,
        random_state=0,
        **extra,
    )
    if is_cuda(device):
        torch.cuda.reset_peak_memory_stats(device)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, fit_s = timed(lambda: clf.fit(X, y), device)
    pred, predict_s = timed(lambda: clf.predict(X_test), device)
    history = clf.net_.history
    durations = [float(d) for d in history[:, "dur"]]
    timed_epochs = durations[1:] if len(durations) > 1 else durations
    epoch_s = float(np.median(timed_epochs))
    return {
        "clf": clf,
        "fit_s": fit_s,
        "epoch_s": epoch_s,
        "epochs": len(durations),
        "seq_per_s": len(y) / epoch_s,
        "predict_s": predict_s,
        "predict_seq_per_s": len(y_test) / predict_s,
        "loss_curve": [float(v) for v in clf.loss_curve_],
        "accuracy": float(np.mean(pred == y_test)),
        "peak_mib": (
            torch.cuda.max_memory_allocated(device) / 2**20 if is_cuda(device) else None
        ),
        "warnings": warning_lines(caught),
    }


def describe_run(run: dict) -> str:
    text = (
        f"{run['epochs']} epochs, {run['epoch_s']:.3f} s/epoch (median, first left "
        f"out), {run['seq_per_s']:.0f} train seq/s, fit {run['fit_s']:.2f} s, test acc "
        f"{run['accuracy']:.3f}, loss {run['loss_curve'][0]:.3f} -> "
        f"{run['loss_curve'][-1]:.3f}"
    )
    if run["peak_mib"] is not None:
        text += f", peak GPU memory {run['peak_mib']:.0f} MiB"
    return text


def check_mixed_precision(
    report: Report, device: str, quick: bool, data, fp32: dict, workdir: Path
) -> None:
    w = WORKLOAD[quick]
    n_train, length, epochs = w["n_train"], w["length"], w["gpu_epochs"]
    section(
        f"4. mixed precision on {device!r} ({n_train} token sequences of length "
        f"{length}, LSTM 128, batch 64, {epochs} epochs)"
    )
    if "mixed_precision" not in RNNClassifier().get_params():
        report.add(
            "SKIPPED", "4 mixed_precision", "the estimators have no such parameter"
        )
        return
    report.add("INFO", "4 float32", describe_run(fp32), fp32["fit_s"])
    with report.guard("4 mixed_precision=True"):
        amp = run_workload(device, epochs, data, mixed_precision=True)
        clf = amp["clf"]
        problems = []
        if not np.all(np.isfinite(amp["loss_curve"])):
            problems.append(f"non-finite loss: {amp['loss_curve']}")
        dtypes = sorted({str(p.dtype) for p in clf.net_.module_.parameters()})
        if dtypes != ["torch.float32"]:
            problems.append(f"parameters are {dtypes}")
        gap = abs(amp["accuracy"] - fp32["accuracy"])
        if gap > AMP_ACCURACY_TOL:
            problems.append(
                f"test accuracy {amp['accuracy']:.3f} vs float32 {fp32['accuracy']:.3f}"
            )
        detail = describe_run(amp) + f", weights {dtypes}"
        if amp["warnings"]:
            detail += f"; warnings: {' | '.join(amp['warnings'])}"
        report.expect("4 mixed_precision=True", problems, detail, amp["fit_s"])
        report.add(
            "INFO",
            "4 speed",
            f"time per epoch float32 / mixed = {fp32['epoch_s']:.3f} / "
            f"{amp['epoch_s']:.3f} s = x{fp32['epoch_s'] / amp['epoch_s']:.2f}; "
            f"test accuracy {fp32['accuracy']:.3f} vs {amp['accuracy']:.3f}",
        )

    # A tiny mixed-precision model goes through the GPU-less loading checks too.
    with report.guard("4 mixed-precision model without a GPU"):
        X, _, y = functional_data()["token ids"]
        tiny = with_params(
            RNNClassifier, **TINY, device=device, random_state=0, mixed_precision=True
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            tiny.fit(X, y)
        workdir = workdir / "amp"
        workdir.mkdir()
        fitted = {"amp clf token ids": (tiny, X, y, tiny.predict_proba(X))}
        jobs = save_jobs(fitted, workdir)
        results, log, seconds = run_child(workdir)
        if results is None:
            report.add("FAIL", "4 subprocess", _indent(log), seconds)
            return
        res = results["jobs"][0]
        if "error" in res:
            report.add("FAIL", "4 subprocess", res["error"] + "\n" + res["traceback"])
            return
        cpu_proba = np.load(f"{jobs[0]['stem']}.cpu.npy")
        diff = float(np.abs(cpu_proba - fitted["amp clf token ids"][3]).max())
        report.expect(
            "4 amp clf token ids: CPU vs training device",
            [] if diff <= AGREEMENT_TOL else [f"differ by {diff:.1e}"],
            f"max |CPU - {device}| = {diff:.1e} (tolerance {AGREEMENT_TOL:.0e})",
        )
        report_persistence(report, jobs[0], res, prefix="4")


def check_throughput(
    report: Report, device: str, quick: bool, data, fp32: dict
) -> None:
    n_train, length = WORKLOAD[quick]["n_train"], WORKLOAD[quick]["length"]
    section(
        f"5. training throughput, {device!r} vs 'cpu' (float32, {n_train} token "
        f"sequences of length {length})"
    )
    report.add("INFO", f"5 {device}", describe_run(fp32), fp32["fit_s"])
    with report.guard("5 cpu"):
        cpu = run_workload("cpu", CPU_EPOCHS, data)
        problems = []
        for label, run in ((device, fp32), ("cpu", cpu)):
            if not np.all(np.isfinite(run["loss_curve"])):
                problems.append(f"non-finite loss on {label}")
        report.expect(
            "5 cpu",
            problems,
            describe_run(cpu) + f", {torch.get_num_threads()} threads",
            cpu["fit_s"],
        )
        report.add(
            "INFO",
            "5 ratio",
            f"training {fp32['seq_per_s']:.0f} vs {cpu['seq_per_s']:.0f} seq/s: "
            f"{device} / cpu = x{fp32['seq_per_s'] / cpu['seq_per_s']:.1f}; "
            f"prediction {fp32['predict_seq_per_s']:.0f} vs "
            f"{cpu['predict_seq_per_s']:.0f} seq/s: "
            f"{device} / cpu = x"
            f"{fp32['predict_seq_per_s'] / cpu['predict_seq_per_s']:.1f}",
        )


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def print_environment(device: str) -> None:
    if is_cuda(device):
        card = torch.cuda.get_device_name(device)
    else:
        card = f"none: debug run on {device!r}, CUDA expectations become its own"
    cudnn = (
        torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    )
    location = Path(sklearn_rnn.__file__).parent
    rows = {
        "card": card,
        "torch": f"{torch.__version__} (CUDA {torch.version.cuda}, cuDNN {cudnn})",
        "skorch": skorch.__version__,
        "scikit-learn": sklearn.__version__,
        "sklearn_rnn": f"{sklearn_rnn.__version__} ({location})",
        "python": platform.python_version(),
        "CPU threads": torch.get_num_threads(),
    }
    print("sklearn_rnn GPU check")
    for label, value in rows.items():
        print(f"  {label + ':':<14}{value}")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Check sklearn_rnn's estimators on a CUDA GPU (see the docstring)."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smaller timed workload for checks 4 and 5 (well under a minute)",
    )
    # Debug: run the whole flow on another device (e.g. "cpu") to test the script on a
    # machine without a GPU; the CUDA-specific expectations become that device's.
    parser.add_argument("--device", default=None, help=argparse.SUPPRESS)
    # Internal: the GPU-less subprocess of checks 2 and 3.
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child is not None:
        return child_main(Path(args.child))
    device = args.device
    if device is None or is_cuda(device):
        if not torch.cuda.is_available():
            print("CUDA not available: nothing to check")
            return 0
        device = device or "cuda"

    start = time.perf_counter()
    print_environment(device)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="gpu_check_") as tmp:
        workdir = Path(tmp)
        fitted = check_fit_predict(report, device, functional_data())
        check_cpu_side(report, device, fitted, workdir)

        data = workload_data(args.quick)
        gpu_epochs = WORKLOAD[args.quick]["gpu_epochs"]
        fp32 = None
        with report.guard(f"4-5 float32 workload on {device!r}"):
            fp32 = run_workload(device, gpu_epochs, data)
        if fp32 is not None:
            check_mixed_precision(report, device, args.quick, data, fp32, workdir)
            check_throughput(report, device, args.quick, data, fp32)
    status = report.summary()
    print(f"total {time.perf_counter() - start:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
