"""A TensorFlow/Keras worker process for the benchmarks that compare with Keras.

TensorFlow lives in its own environment (``--keras-python``), so the Keras side of a
comparison runs in a long-lived subprocess of that interpreter. The worker's code is
a string run with ``python -c CODE ARGS...``; it answers each command line on its
stdin with one line ``@@<json>`` on its stdout (its first answer, sent unasked, is
its versions), so any other output (TensorFlow's chatter) is ignored. Its stderr goes
to a temporary file, shown only when it fails. A reader thread applies ``timeout``
to every answer, so a stalled worker cannot hang the benchmark.
"""

from __future__ import annotations

import importlib.util
import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

#: The start of every worker's code: one thread everywhere, quiet TensorFlow, the
#: CPU only, a clean protocol channel (``reply``), and an error answer when
#: TensorFlow or Keras cannot be imported. The caller appends its own part.
WORKER_PRELUDE = r"""
import gc, json, os, sys, time
for var in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
    os.environ[var] = "1"
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
real_stdout = sys.stdout
sys.stdout = sys.stderr  # keep the protocol channel clean of library chatter


def reply(obj):
    real_stdout.write("@@" + json.dumps(obj) + "\n")
    real_stdout.flush()


try:
    import tensorflow as tf

    # Before any op runs: one intra-op and one inter-op thread.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    import keras
except Exception as exc:
    reply({"error": f"TensorFlow/Keras is not importable ({type(exc).__name__}: "
                    f"{exc})"})
    sys.exit(0)
import platform

import numpy as np
"""

#: How to make an interpreter with TensorFlow, for the skip messages.
TFENV_HINT = (
    "python3 -m venv /tmp/tfenv && /tmp/tfenv/bin/pip install tensorflow-cpu, "
    "then --keras-python /tmp/tfenv/bin/python"
)


def find_keras_python(keras_python: str | None) -> tuple[str | None, str]:
    """The interpreter to run the worker in, or None and why Keras is skipped."""
    if keras_python is None:
        if importlib.util.find_spec("tensorflow") is None:
            return None, (
                "TensorFlow is not importable by this interpreter and no "
                f"--keras-python was given (create one: {TFENV_HINT})"
            )
        return sys.executable, ""
    code = (
        "import importlib.util, sys; "
        "sys.exit(importlib.util.find_spec('tensorflow') is None)"
    )
    try:
        found = subprocess.run(
            [keras_python, "-c", code], capture_output=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"could not run {keras_python} ({exc})"
    if found.returncode != 0:
        return None, f"TensorFlow is not installed for {keras_python}"
    return keras_python, ""


class KerasWorker:
    """Runs ``code`` in ``python`` and exchanges one JSON answer per command.

    ``workdir`` is a temporary folder for the caller's input files (kept until
    :meth:`close`); ``info`` is the worker's first answer (or ``{"error": ...}``).
    """

    def __init__(
        self,
        python: str,
        code: str,
        args: list[str],
        workdir: tempfile.TemporaryDirectory,
        timeout: float = 1800.0,
    ) -> None:
        self.timeout = timeout
        self._tmp = workdir
        self._stderr = (Path(workdir.name) / "stderr.txt").open("w+")
        self.proc = subprocess.Popen(
            [python, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.info = self._read()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _stderr_tail(self) -> str:
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read()[-2000:].strip()

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.proc.kill()
                return {"error": f"no answer from the worker in {self.timeout:.0f} s"}
            if line is None:
                code = self.proc.wait()
                return {"error": f"worker exited ({code}): {self._stderr_tail()}"}
            if line.startswith("@@"):
                return json.loads(line[2:])

    def ask(self, command: str, expect: str) -> dict:
        """Send one command line; the answer must hold the key ``expect``."""
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        answer = self._read()
        if expect not in answer:
            raise RuntimeError(f"Keras worker failed: {answer.get('error')}")
        return answer

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._stderr.close()
        self._tmp.cleanup()
