"""Deploying a fitted model: the network as ONNX, and the estimator as safetensors.

:func:`export_onnx` writes the fitted network of an :class:`RNNClassifier`,
:class:`RNNRegressor` or :class:`RNNTagger` (alone, or after a
:class:`SequenceVectorizer` in a pipeline) to an ONNX file that onnxruntime, or any
ONNX runtime, runs without Python. The graph takes padded sequences and their
lengths and returns what the estimator's ``predict_proba`` or ``predict`` returns;
what lives outside the network (the class labels, a vectorizer's vocabulary, the
input conventions) is written as JSON beside it: in the model's ``metadata_props``
and, for text, in a vocabulary file.

Which exporter
--------------
``torch.onnx.export`` has two exporters, and this module uses the TorchScript one
(``dynamo=False``) on purpose. With torch 2.13 and onnxscript 0.7 we tried both on
every cell, direction, pooling, front end and input kind:

* ``dynamo=True`` (``torch.export``) does not keep the time axis dynamic through
  ``nn.LSTM``/``nn.GRU``/``nn.RNN``: the graphs it wrote accepted only sequences as
  long as the example's ("Got invalid dimensions for input: values ... index: 1"),
  its graph optimiser folded shapes into constants that break other batch sizes
  ("invalid expand shape") unless ``optimize=False``, ``torch.export`` itself failed
  on some networks (a bidirectional GRU on token ids: "The size of tensor a (4) must
  match the size of tensor b (12)"), and each export took 4-10 s.
* ``dynamo=False`` traces the network once and maps each recurrent layer to ONNX's
  own ``LSTM``/``GRU``/``RNN`` operator. Its graphs take any batch size and any
  length, matched the estimators to within 1e-6 on every configuration, and an
  export takes 0.1-0.7 s.

The TorchScript exporter warns that it is deprecated, and emits warnings about
things this network does not do (negative indices in advanced indexing; LSTM
initial states fixed to the example's batch size, which the export checks against
another batch size); those known warnings are silenced during the export, and any
other is let through. When torch drops that exporter, :func:`export_onnx` must move
to ``dynamo=True`` once it keeps the time axis dynamic: ``check=True`` (the
default) would then catch a graph that does not.

:func:`register_skl2onnx_converters` registers converters with skl2onnx that inline
the same graph, behind a few operators that compute the lengths (and left-align token
ids) from the input the estimator itself takes, so that ``skl2onnx.to_onnx`` converts
the classifier and the regressor. skl2onnx's graph cannot hold an omitted optional
input in the middle of a node's inputs, so the recurrent nodes lose their explicit
zero initial states (ONNX's default is zeros). A :class:`SequenceVectorizer` has no
converter: its regular-expression tokenization has no ONNX operator.

:func:`save_weights` and :func:`load_weights` store a fitted estimator in one
safetensors file: the network's weights as tensors (named as in its
``state_dict``) and everything else the estimator needs as JSON in the file's
metadata, so that loading never unpickles anything.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib
import inspect
import io
import json
import math
import os
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._data import OOV_ID, PAD_ID
from ._estimators import RNNClassifier, RNNRegressor
from ._persistence import is_net_state, net_to_state
from ._tagger import RNNTagger
from ._text import SequenceVectorizer
from ._words import MAX_WORD_CHARS

__all__ = [
    "export_onnx",
    "load_weights",
    "register_skl2onnx_converters",
    "save_weights",
]

#: The version of the JSON this module writes beside a model (ONNX metadata,
#: vocabulary files, safetensors metadata); readers check it.
FORMAT_VERSION = 1

#: The key of the JSON document in an exported model's ``metadata_props``.
METADATA_KEY = "sklearn_rnn"

#: The estimators :func:`export_onnx` writes.
_EXPORTABLE = (RNNClassifier, RNNRegressor, RNNTagger)

#: How close onnxruntime's outputs must be to the network's for ``check=True``.
_CHECK_TOLERANCE = 1e-4

#: The highest opset of torch's TorchScript exporter (torch 2.13).
_TORCHSCRIPT_MAX_OPSET = 20


def _import_extra(name: str, extra: str):
    """Import an optional dependency, or say which extra installs it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ImportError(
            f"This needs the package {name!r}; install it with "
            f"pip install 'sklearn-rnn[{extra}]'."
        ) from None


def _class_name(value) -> str:
    return type(value).__name__


def _unwrap(estimator, function: str):
    """``(vectorizer or None, estimator)`` of what was passed to ``function``."""
    from sklearn.pipeline import Pipeline

    if not isinstance(estimator, Pipeline):
        return None, estimator
    steps = [step for _, step in estimator.steps if step not in (None, "passthrough")]
    if len(steps) == 1:
        return None, steps[0]
    if len(steps) == 2 and isinstance(steps[0], SequenceVectorizer):
        return steps[0], steps[1]
    names = [_class_name(step) for step in steps]
    raise ValueError(
        f"{function} exports a Pipeline of a SequenceVectorizer followed by one "
        f"estimator of sklearn_rnn (or the estimator alone); got the steps {names}. "
        "Other steps have no ONNX form here: do their work before the model (e.g. "
        "scale numeric input inside the estimator with input_scaling instead of a "
        "SequenceScaler)."
    )


def _check_fitted_model(model, function: str, allowed: tuple) -> None:
    from ._seq2seq import RNNSeq2Seq

    if isinstance(model, RNNSeq2Seq) and RNNSeq2Seq not in allowed:
        raise TypeError(
            f"{function} cannot export an RNNSeq2Seq: its prediction is a decoding "
            "loop (greedy or beam search) that feeds each output symbol back into "
            "the decoder until the end symbol, which is Python around the network, "
            "not one forward pass of it. Deploy it in Python instead: pickle or "
            "skops it, or write it with save_weights and read it with load_weights."
        )
    if not isinstance(model, allowed):
        names = ", ".join(cls.__name__ for cls in allowed)
        pipeline = (
            " (or a Pipeline of a SequenceVectorizer and one of them)"
            if function == "export_onnx"
            else ""
        )
        raise TypeError(
            f"estimator must be a fitted {names}{pipeline}; got {_class_name(model)}."
        )
    try:
        check_is_fitted(model, "net_")
    except Exception:
        raise ValueError(
            f"estimator, a {_class_name(model)}, is not fitted; call fit before "
            f"{function}."
        ) from None


# --------------------------------------------------------------------------------------
# ONNX export
# --------------------------------------------------------------------------------------


class _ExportedNetwork(nn.Module):
    """The fitted network with what the estimator does around it in Python, as far
    as the graph can hold it: unknown token ids to the unknown id, channels-first
    input transposed, the softmax of a classifier and the target scale of a
    regressor. Traced once by the exporter; never used for training."""

    def __init__(self, network: nn.Module, spec: dict):
        super().__init__()
        self.network = network
        self.tokens = spec["input_kind"] in ("tokens", "words")
        self.vocab_size = spec.get("vocab_size")
        self.channels_first = spec.get("channels_first", False)
        self.task = spec["task"]
        self.chars = spec.get("char_features", False)
        self.n_chars = spec.get("n_chars")
        self.y_1d = spec.get("y_1d", False)
        if self.task == "regression":
            self.register_buffer(
                "y_mean", torch.tensor(spec["y_mean"], dtype=torch.float64)
            )
            self.register_buffer(
                "y_scale", torch.tensor(spec["y_scale"], dtype=torch.float64)
            )

    def forward(self, values, lengths, chars=None, char_lengths=None):
        if self.tokens:
            # Ids the embedding does not have are unknown (negative ones, which the
            # estimator refuses, too: ONNX's Gather would count them from the end).
            unknown = (values >= self.vocab_size) | (values < 0)
            values = torch.where(unknown, OOV_ID, values)
        elif self.channels_first:
            values = values.transpose(1, 2)
        kwargs = {}
        if self.chars:
            n, width = values.shape[0], values.shape[1]
            flat = chars.reshape(n * width, chars.shape[2])
            kwargs = {
                "chars": torch.where((flat >= self.n_chars) | (flat < 0), OOV_ID, flat),
                "char_lengths": char_lengths.reshape(n * width),
                "char_index": torch.arange(n * width).reshape(n, width),
            }
        out = self.network(values, lengths, **kwargs)
        if self.task == "regression":
            y = out.to(torch.float64) * self.y_scale + self.y_mean
            return y[:, 0] if self.y_1d else y
        return torch.softmax(out, dim=-1), out


def _model_spec(model, vectorizer) -> dict:
    """What a deployment must know: the input conventions, the outputs, the labels;
    written as the model's metadata (see the docs' "Deploying" page)."""
    import sklearn_rnn

    kind = model.input_type_
    spec = {
        "format_version": FORMAT_VERSION,
        "sklearn_rnn_version": sklearn_rnn.__version__,
        "estimator": _class_name(model),
        "input_kind": kind,
        "pad_id": PAD_ID,
        "oov_id": OOV_ID,
    }
    if kind == "numeric":
        spec["n_channels"] = int(model._n_channels)
        spec["channels_first"] = bool(model.channels_first)
        spec["inputs"] = {
            "values": "float32 (batch, "
            + ("channels, length" if model.channels_first else "length, channels")
            + "): each sequence's steps from position 0, then any padding",
            "lengths": "int64 (batch,): the number of valid steps of each sequence",
        }
    else:
        spec["vocab_size"] = int(model.vocab_size_)
        spec["inputs"] = {
            "values": "int64 (batch, length): each sequence's token ids from "
            "position 0, then any padding; ids >= vocab_size are read as oov_id",
            "lengths": "int64 (batch,): the number of tokens of each sequence",
        }
    if isinstance(model, RNNTagger) and model._char_features:
        spec["char_features"] = True
        spec["n_chars"] = int(model.net_.module_.encoder.chars.embedding.num_embeddings)
        spec["max_word_chars"] = MAX_WORD_CHARS
        spec["inputs"]["chars"] = (
            "int64 (batch, length, max_chars): the character ids of each token, "
            "from position 0, padded with pad_id; ids >= n_chars are read as oov_id"
        )
        spec["inputs"]["char_lengths"] = (
            "int64 (batch, length): the number of characters of each token (0 at "
            "padding)"
        )
    if isinstance(model, RNNRegressor):
        spec["task"] = "regression"
        spec["n_outputs"] = int(model.n_outputs_)
        spec["y_1d"] = bool(model._y_1d)
        spec["y_mean"] = [float(v) for v in np.ravel(model._y_mean)]
        spec["y_scale"] = [float(v) for v in np.ravel(model._y_scale)]
        spec["outputs"] = {
            "predictions": "float64 "
            + ("(batch,)" if model._y_1d else "(batch, n_outputs)")
            + ": what predict returns, in the units of y"
        }
    else:
        per_step = isinstance(model, RNNTagger)
        shape = "(batch, length, n_classes)" if per_step else "(batch, n_classes)"
        spec["task"] = "tagging" if per_step else "classification"
        spec["classes"] = _json_labels(model.classes_)
        spec["outputs"] = {
            "probabilities": f"float32 {shape}: what predict_proba returns, in the "
            "order of classes"
            + ("; the steps at or beyond a sequence's length are padding" * per_step),
            "logits": f"float32 {shape}: the network's scores before the softmax",
        }
    if vectorizer is not None:
        spec["tokenizer"] = "SequenceVectorizer"
    return spec


def _json_labels(classes: np.ndarray) -> list:
    """Class labels as JSON values (numpy scalars to Python ones)."""
    labels = classes.tolist()
    for label in labels:
        if not isinstance(label, (str, int, float, bool)):
            raise ValueError(
                f"The class label {label!r} ({_class_name(label)}) has no JSON form; "
                "fit the estimator on labels that are strings, numbers or booleans."
            )
    return labels


def _example_inputs(spec: dict, n: int, width: int, seed: int) -> dict:
    """A batch of ``n`` random sequences of different lengths (up to ``width``; one
    empty), as the graph takes them."""
    rng = np.random.default_rng(seed)
    lengths = np.linspace(width, 0, n).round().astype(np.int64)
    valid = np.arange(width)[None, :] < lengths[:, None]
    if spec["input_kind"] == "numeric":
        values = rng.normal(size=(n, width, spec["n_channels"])).astype(np.float32)
        values[~valid] = 0.0
        if spec["channels_first"]:
            values = np.ascontiguousarray(values.transpose(0, 2, 1))
    else:
        high = max(spec["vocab_size"], OOV_ID + 1)
        values = np.where(valid, rng.integers(OOV_ID, high + 2, (n, width)), PAD_ID)
    inputs = {"values": values, "lengths": lengths}
    if spec.get("char_features"):
        n_chars = 5
        char_lengths = np.where(valid, rng.integers(1, n_chars + 1, (n, width)), 0)
        chars = rng.integers(OOV_ID, spec["n_chars"] + 2, (n, width, n_chars))
        chars[np.arange(n_chars)[None, None, :] >= char_lengths[..., None]] = PAD_ID
        inputs["chars"] = chars.astype(np.int64)
        inputs["char_lengths"] = char_lengths.astype(np.int64)
    return inputs


#: The exporter's warnings that do not apply to these networks (see the module
#: docstring): category, start of the message, and the module that warns.
_KNOWN_EXPORT_WARNINGS = (
    (DeprecationWarning, "You are using the legacy TorchScript-based ONNX export", ""),
    (DeprecationWarning, "The feature will be removed. Please remove usage", ""),
    # nn.RNNBase compares the input's sizes with its own in Python.
    (torch.jit.TracerWarning, "Converting a tensor to a Python boolean", "torch.nn"),
    # The initial states are zeros sized by the batch: the check runs another one.
    (UserWarning, "Exporting a model to ONNX with a batch_size other than 1", ""),
    # The indices are lengths - 1 clamped at 0 and row numbers, never negative.
    (UserWarning, "Exporting aten::index operator of advanced indexing", ""),
    (UserWarning, "Constant folding - Only steps=1 can be constant folded", ""),
)


@contextlib.contextmanager
def _known_export_warnings_silenced():
    """Silence the known warnings of the exporter; any other is let through."""
    with warnings.catch_warnings():
        for category, start, module in _KNOWN_EXPORT_WARNINGS:
            warnings.filterwarnings(
                "ignore", message=f"^{start}", category=category, module=module
            )
        yield


def _graph_module(model, spec: dict) -> _ExportedNetwork:
    """A CPU copy of the fitted network in evaluation mode (the estimator's own is
    left as it is)."""
    network = copy.deepcopy(model.net_.module_).to("cpu").eval()
    return _ExportedNetwork(network, spec).eval()


def _check_graph(onnx_bytes: bytes, module: _ExportedNetwork, inputs: dict) -> float:
    """Run the graph in onnxruntime on ``inputs``; return the largest difference
    from the torch module, or raise when it is too large."""
    ort = _import_extra("onnxruntime", "onnx")
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: no notes on graph optimisations
    session = ort.InferenceSession(
        onnx_bytes, options, providers=["CPUExecutionProvider"]
    )
    got = session.run(None, inputs)
    with torch.no_grad():
        expected = module(*(torch.from_numpy(v) for v in inputs.values()))
    if isinstance(expected, torch.Tensor):
        expected = (expected,)
    worst = 0.0
    for a, b in zip(got, expected, strict=True):
        b = b.numpy()
        scale = max(1.0, float(np.abs(b).max(initial=0.0)))
        diff = np.abs(a - b).max(initial=0.0) if a.shape == b.shape else np.inf
        worst = max(worst, float(diff) / scale)
    if worst > _CHECK_TOLERANCE:
        raise RuntimeError(
            "The exported graph does not reproduce the network: onnxruntime's "
            f"outputs differ from torch's by up to {worst:.3g} (relative) on a batch "
            "of another size and length than the one traced. Please report this "
            "with your torch and onnxruntime versions."
        )
    return worst


def _vectorizer_json(vectorizer: SequenceVectorizer) -> dict:
    """The vectorizer's settings and vocabulary as plain JSON, or a ValueError for
    the settings that are Python functions."""
    check_is_fitted(vectorizer, "vocabulary_")
    for name in ("preprocessor", "tokenizer", "analyzer", "strip_accents"):
        value = getattr(vectorizer, name)
        if callable(value):
            raise ValueError(
                f"The SequenceVectorizer's {name} is a Python function, which a "
                "tokenizer outside Python cannot run, so it cannot be written to the "
                f"vocabulary file. Use the built-in settings ({name}=None or its "
                "named options), or tokenize yourself and export the estimator "
                "alone on token ids."
            )
    stop = vectorizer.get_stop_words()
    pretokenized = bool(vectorizer.pretokenized_)
    truncates = not (pretokenized and vectorizer.max_length is None)
    return {
        "format": "sklearn_rnn.SequenceVectorizer",
        "format_version": FORMAT_VERSION,
        "pretokenized": pretokenized,
        "analyzer": vectorizer.analyzer,
        "lowercase": bool(vectorizer.lowercase),
        "strip_accents": vectorizer.strip_accents,
        "token_pattern": (
            vectorizer.token_pattern
            if vectorizer.analyzer == "word" and not pretokenized
            else None
        ),
        "stop_words": None if stop is None else sorted(stop),
        "max_length": int(vectorizer.max_length_) if truncates else None,
        "truncating": vectorizer.truncating,
        "pad_id": PAD_ID,
        "oov_id": OOV_ID,
        "vocab_size": int(vectorizer.vocab_size_),
        "vocabulary": {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
    }


def _words_json(model: RNNTagger) -> dict:
    """A tagger's word and character vocabularies as plain JSON."""
    chars = model.char_vocabulary_
    return {
        "format": "sklearn_rnn.RNNTagger.words",
        "format_version": FORMAT_VERSION,
        "pad_id": PAD_ID,
        "oov_id": OOV_ID,
        "vocab_size": int(model.vocab_size_),
        "vocabulary": {str(k): int(v) for k, v in model.vocabulary_.items()},
        "max_word_chars": MAX_WORD_CHARS if chars is not None else None,
        "char_vocabulary": (
            None if chars is None else {str(k): int(v) for k, v in chars.items()}
        ),
    }


def export_onnx(
    estimator,
    path: str | os.PathLike,
    *,
    opset_version: int | None = None,
    vocabulary_path: str | os.PathLike | None = None,
    check: bool = True,
) -> list[Path]:
    """Write a fitted estimator's network to an ONNX file.

    The graph takes a batch of padded sequences of any size and length and returns
    what the estimator's ``predict_proba`` (a classifier or a tagger) or ``predict``
    (a regressor, in the units of ``y``) returns, computed by onnxruntime to within
    about 1e-6 of the estimator. Its inputs:

    * ``values``: numeric input as float32 ``(batch, length, n_channels)``
      (``(batch, n_channels, length)`` for an estimator with
      ``channels_first=True``), token ids as int64 ``(batch, length)``. Each
      sequence starts at position 0; what follows its length is ignored (zeros or
      NaN alike).
    * ``lengths``: int64 ``(batch,)``, the number of valid steps of each sequence.
    * for an :class:`RNNTagger` with character features, ``chars`` (int64
      ``(batch, length, max_chars)``, the character ids of each token) and
      ``char_lengths`` (int64 ``(batch, length)``).

    Token ids at or above the estimator's ``vocab_size_`` are read as the unknown id
    1, as the estimator reads them (and so are negative ids, which it refuses). The
    outputs are ``probabilities`` and ``logits`` for a classifier and a tagger (per
    step), ``predictions`` (float64) for a regressor. The model's
    ``metadata_props`` hold, under the key ``"sklearn_rnn"``, a JSON document with
    the class labels and these conventions.

    For a pipeline of a :class:`SequenceVectorizer` and an estimator, and for a
    tagger fitted on words, the vocabulary and the tokenizer's settings are written
    as JSON to ``vocabulary_path``, so that a program in any language can turn
    text into the ids the graph takes (see the "Deploying" page of the user guide).

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor, RNNTagger or Pipeline
        A fitted estimator, or a fitted pipeline of a :class:`SequenceVectorizer`
        and one of them. :class:`RNNSeq2Seq` is refused: its prediction is a
        decoding loop in Python, not one pass of the network.
    path : str or path-like
        The ONNX file to write.
    opset_version : int, default=None
        The ONNX opset of the graph (at most 20); None is the exporter's default
        (20 with torch 2.13).
    vocabulary_path : str or path-like, default=None
        Where the vocabulary file goes, when there is one; None is ``path`` with
        the suffix ``.vocabulary.json`` (``model.onnx`` -> ``model.vocabulary.json``).
    check : bool, default=True
        Run the written graph in onnxruntime on a batch of another size and length
        than the one the exporter traced, and raise a ``RuntimeError`` if it does
        not reproduce the network (needs onnxruntime).

    Returns
    -------
    paths : list of pathlib.Path
        The files written: the ONNX model, then the vocabulary file if any.

    See Also
    --------
    save_weights : The fitted estimator in one safetensors file, for Python.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> import onnxruntime
    >>> from sklearn_rnn import RNNClassifier, export_onnx
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 6, 2)).astype(np.float32)
    >>> y = np.where(X[:, -1, 0] > 0, "up", "down")
    >>> clf = RNNClassifier(hidden_size=8, max_iter=2, random_state=0).fit(X, y)
    >>> path = Path(tempfile.mkdtemp()) / "model.onnx"
    >>> export_onnx(clf, path)[0].name
    'model.onnx'
    >>> session = onnxruntime.InferenceSession(path)
    >>> lengths = np.array([6, 4])  # the second sequence is 4 steps long
    >>> proba, logits = session.run(None, {"values": X[:2], "lengths": lengths})
    >>> expected = clf.predict_proba([X[0], X[1, :4]])
    >>> bool(np.allclose(proba, expected, atol=1e-5))
    True
    """
    onnx = _import_extra("onnx", "onnx")
    vectorizer, model = _unwrap(estimator, "export_onnx")
    _check_fitted_model(model, "export_onnx", _EXPORTABLE)
    if opset_version is not None and (
        isinstance(opset_version, bool) or not isinstance(opset_version, int)
    ):
        raise TypeError(f"opset_version must be an int or None; got {opset_version!r}.")
    if vectorizer is not None and model.input_type_ != "tokens":
        raise ValueError(
            f"The pipeline's {_class_name(model)} was fitted on "
            f"{model.input_type_} input, not on the token ids of its "
            "SequenceVectorizer; refit the pipeline."
        )
    path = Path(path)
    if vocabulary_path is None:
        vocabulary_path = path.with_suffix(".vocabulary.json")
    vocabulary_path = Path(vocabulary_path)

    spec = _model_spec(model, vectorizer)
    sidecar = None
    if vectorizer is not None:
        sidecar = _vectorizer_json(vectorizer)
    elif spec["input_kind"] == "words":
        sidecar = _words_json(model)
    module = _graph_module(model, spec)
    per_step = spec["task"] == "tagging"
    output_names = list(spec["outputs"])
    axes = {"values": {0: "batch", 1: "length"}, "lengths": {0: "batch"}}
    if spec.get("channels_first"):
        axes["values"] = {0: "batch", 2: "length"}
    if spec.get("char_features"):
        axes["chars"] = {0: "batch", 1: "length", 2: "max_chars"}
        axes["char_lengths"] = {0: "batch", 1: "length"}
    for name in output_names:
        axes[name] = {0: "batch", 1: "length"} if per_step else {0: "batch"}
    example = _example_inputs(spec, 3, 5, 0)
    buffer = io.BytesIO()
    with _known_export_warnings_silenced(), torch.no_grad():
        torch.onnx.export(
            module,
            tuple(torch.from_numpy(v) for v in example.values()),
            buffer,
            dynamo=False,
            input_names=list(example),
            output_names=output_names,
            dynamic_axes=axes,
            opset_version=opset_version,
            do_constant_folding=True,
        )
    proto = onnx.load_from_string(buffer.getvalue())
    if check:
        _check_graph(buffer.getvalue(), module, _example_inputs(spec, 19, 11, 1))

    written = [path]
    if sidecar is not None:
        text = json.dumps(sidecar, ensure_ascii=False, indent=1)
        spec["vocabulary_file"] = vocabulary_path.name
        spec["vocabulary_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    proto.producer_name = "sklearn_rnn"
    proto.doc_string = (
        f"A fitted sklearn_rnn {spec['estimator']}; the JSON under the metadata key "
        f"{METADATA_KEY!r} says what its inputs and outputs are."
    )
    entry = proto.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(proto, path)
    if sidecar is not None:
        vocabulary_path.write_text(text, encoding="utf-8")
        written.append(vocabulary_path)
    return written


# --------------------------------------------------------------------------------------
# skl2onnx
# --------------------------------------------------------------------------------------


class _EstimatorInput(nn.Module):
    """The exported network behind the input the estimator itself takes: numeric
    sequences padded with trailing all-NaN steps (2D for one channel, 3D), or token
    ids padded with 0 wherever it occurs. Their lengths and left-aligned values
    are computed in the graph, as :func:`~sklearn_rnn._data.to_sequences` does."""

    def __init__(self, exported: _ExportedNetwork, ndim: int):
        super().__init__()
        self.exported = exported
        self.ndim = ndim

    def forward(self, X):
        if self.exported.tokens:
            width = X.shape[1]
            steps = torch.arange(width)
            valid = X != PAD_ID
            # Valid ids first, each in its place, then the padding: a key that
            # orders them so, without ties (ONNX has no stable sort).
            key = torch.where(valid, width - steps, -1 - steps)
            order = torch.topk(key, width, dim=1).indices
            return self.exported(torch.gather(X, 1, order), valid.sum(dim=1))
        if self.ndim == 2:
            X = X.unsqueeze(-1)
        time_axis = 2 if self.exported.channels_first and self.ndim == 3 else 1
        missing = torch.isnan(X)
        step_missing = missing.all(dim=3 - time_axis)
        steps = torch.arange(1, X.shape[time_axis] + 1)
        lengths = torch.where(step_missing, 0, steps).amax(dim=1)
        values = torch.where(missing, 0.0, X)
        if self.ndim == 2 and self.exported.channels_first:
            values = values.transpose(1, 2)
        return self.exported(values, lengths)


def _skl2onnx_input(operator) -> tuple[int, dict]:
    """The rank of the converted model's input and the spec of its estimator, or
    a ValueError when the input type does not fit what the estimator reads."""
    model = operator.raw_operator
    source = operator.inputs[0].type
    ndim = len(source.shape)
    spec = _model_spec(model, None)
    given = type(source).__name__
    if spec["input_kind"] == "numeric":
        ok = given == "FloatTensorType" and (
            ndim == 3 or (ndim == 2 and spec["n_channels"] == 1)
        )
        want = (
            "a float32 tensor (batch, length, channels)"
            + (" or (batch, length)" if spec["n_channels"] == 1 else "")
            + ", padded with NaN"
        )
        example = f"FloatTensorType([None, None, {spec['n_channels']}])"
    else:
        ok = given == "Int64TensorType" and ndim == 2
        want = "an int64 tensor (batch, length) of token ids, padded with 0"
        example = "Int64TensorType([None, None])"
    if not ok:
        raise ValueError(
            f"The {_class_name(model)} was fitted on {spec['input_kind']} input, so "
            f"the converted model's input must be {want}; got {given} of rank "
            f"{ndim}. Pass initial_types=[('X', {example})] to skl2onnx (or X of "
            "that type and rank)."
        )
    return ndim, spec


def _skl2onnx_shapes(operator) -> None:
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )

    model = operator.raw_operator
    _skl2onnx_input(operator)
    n = operator.inputs[0].get_first_dimension()
    if isinstance(model, RNNRegressor):
        shape = [n] if model._y_1d else [n, int(model.n_outputs_)]
        operator.outputs[0].type = DoubleTensorType(shape)
        return
    kind = model.classes_.dtype.kind
    if kind not in "biuUO":
        raise ValueError(
            "skl2onnx writes class labels as int64 or strings; the classes of this "
            f"{_class_name(model)} are {model.classes_.dtype}. Fit it on integer "
            "or string labels, or use export_onnx (whose metadata holds any labels)."
        )
    label = Int64TensorType if kind in "biu" else StringTensorType
    operator.outputs[0].type = label([n])
    operator.outputs[1].type = FloatTensorType([n, len(model.classes_)])


class _FirstOutput(nn.Module):
    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module

    def forward(self, X):
        out = self.module(X)
        return out[0] if isinstance(out, tuple) else out


def _skl2onnx_example(spec: dict, ndim: int) -> np.ndarray:
    """An input of the converted model: the graph's example, padded as the
    estimator's input is."""
    example = _example_inputs(spec, 3, 5, 0)
    if spec["input_kind"] != "numeric":
        return example["values"]
    X = example["values"]
    valid = np.arange(5)[None, :] < example["lengths"][:, None]
    if spec["channels_first"]:
        X = np.where(valid[:, None, :], X, np.nan)
    else:
        X = np.where(valid[:, :, None], X, np.nan)
    if ndim == 2:
        X = X[:, 0, :] if spec["channels_first"] else X[:, :, 0]
    return np.ascontiguousarray(X, dtype=np.float32)


def _skl2onnx_convert(scope, operator, container) -> None:
    """Inline the estimator's exported graph (behind :class:`_EstimatorInput`)
    into skl2onnx's graph, then turn its probabilities into labels."""
    onnx = _import_extra("onnx", "onnx")
    model = operator.raw_operator
    ndim, spec = _skl2onnx_input(operator)
    regression = spec["task"] == "regression"
    output = "predictions" if regression else "probabilities"
    module = _FirstOutput(_EstimatorInput(_graph_module(model, spec), ndim)).eval()
    time_axis = 2 if spec.get("channels_first") and ndim == 3 else 1
    opset = min(
        container.target_opset or _TORCHSCRIPT_MAX_OPSET, _TORCHSCRIPT_MAX_OPSET
    )
    buffer = io.BytesIO()
    with _known_export_warnings_silenced(), torch.no_grad():
        torch.onnx.export(
            module,
            (torch.from_numpy(_skl2onnx_example(spec, ndim)),),
            buffer,
            dynamo=False,
            input_names=["X"],
            output_names=[output],
            dynamic_axes={"X": {0: "batch", time_axis: "length"}, output: {0: "b"}},
            opset_version=opset,
        )
    graph = onnx.load_from_string(buffer.getvalue()).graph
    prefix = scope.get_unique_operator_name(_class_name(model)) + "/"
    renamed = {"X": operator.inputs[0].full_name}
    renamed[output] = operator.outputs[0 if regression else 1].full_name

    def name(old: str) -> str:
        return renamed.get(old, prefix + old)

    for tensor in graph.initializer:
        copied = onnx.TensorProto()
        copied.CopyFrom(tensor)
        copied.name = name(tensor.name)
        container.initializers.append(copied)
    subgraphs = (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
    for node in graph.node:
        inputs = list(node.input)
        # skl2onnx's graph cannot hold the empty name of an omitted optional
        # input: omit those at the end; the recurrent layers' initial states are
        # zeros, ONNX's default, so they go with the sequence lengths before them.
        if node.op_type in ("LSTM", "GRU", "RNN") and inputs[4:5] == [""]:
            inputs = inputs[:4]
        while inputs and inputs[-1] == "":
            inputs.pop()
        if "" in inputs or any(a.type in subgraphs for a in node.attribute):
            raise RuntimeError(  # pragma: no cover - the networks have neither
                f"The exported {node.op_type} node cannot be inlined by skl2onnx."
            )
        copied = onnx.NodeProto()
        copied.CopyFrom(node)
        del copied.input[:]
        copied.input.extend(map(name, inputs))
        del copied.output[:]
        copied.output.extend(map(name, node.output))
        copied.name = prefix + node.name
        container.nodes.append(copied)
        container.node_domain_version_pair_sets.add((node.domain, opset))
    if regression:
        return
    classes = model.classes_
    index = scope.get_unique_variable_name(prefix + "class_index")
    table = scope.get_unique_variable_name(prefix + "classes")
    container.add_node(
        "ArgMax", [operator.outputs[1].full_name], [index], axis=1, keepdims=0
    )
    if classes.dtype.kind in "biu":
        content = classes.astype(np.int64).tolist()
        container.add_initializer(
            table, onnx.TensorProto.INT64, [len(classes)], content
        )
    else:
        content = [str(c).encode("utf-8") for c in classes]
        container.add_initializer(
            table, onnx.TensorProto.STRING, [len(classes)], content
        )
    container.add_node("Gather", [table, index], [operator.outputs[0].full_name])


def register_skl2onnx_converters() -> None:
    """Teach skl2onnx to convert :class:`RNNClassifier` and :class:`RNNRegressor`.

    After this call, ``skl2onnx.to_onnx(estimator, X)`` (or ``convert_sklearn``)
    converts a fitted estimator, alone or as the last step of a pipeline whose
    other steps skl2onnx converts, by inlining the graph of :func:`export_onnx`.
    The converted model takes ``X`` as the estimator does: numeric sequences as
    float32 ``(batch, length, n_channels)`` (or ``(batch, length)`` for one
    channel) padded with trailing all-NaN steps, token ids as int64 ``(batch,
    length)`` with 0 as padding wherever it is; the lengths are computed in the
    graph. A classifier gives ``label`` and ``probabilities`` (as skl2onnx's
    classifiers do, a list of dicts unless ``options={"zipmap": False}``), a
    regressor ``variable`` (float64, in the units of ``y``).

    A :class:`SequenceVectorizer` cannot be converted: its regular-expression
    tokenization has no ONNX operator (ONNX's ``StringSplit`` splits on one
    separator, and ``RegexFullMatch`` only tests a match). Export a text pipeline
    with :func:`export_onnx`, which writes the vocabulary file a tokenizer needs.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> import skl2onnx
    >>> from skl2onnx.common.data_types import FloatTensorType
    >>> from sklearn_rnn import RNNClassifier, register_skl2onnx_converters
    >>> register_skl2onnx_converters()
    >>> X = np.random.default_rng(0).normal(size=(40, 6, 2)).astype(np.float32)
    >>> y = (X[:, -1, 0] > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=8, max_iter=2, random_state=0).fit(X, y)
    >>> X_type = FloatTensorType([None, None, 2])  # any batch size and length
    >>> onx = skl2onnx.to_onnx(
    ...     clf, initial_types=[("X", X_type)], options={"zipmap": False}
    ... )
    >>> session = onnxruntime.InferenceSession(onx.SerializeToString())
    >>> X[1, 4:] = np.nan  # the second sequence is 4 steps long
    >>> label, proba = session.run(None, {"X": X[:2]})
    >>> bool(np.allclose(proba, clf.predict_proba(X[:2]), atol=1e-5))
    True
    """
    skl2onnx = _import_extra("skl2onnx", "onnx")
    options = {"zipmap": [True, False, "columns"], "nocl": [False]}
    skl2onnx.update_registered_converter(
        RNNClassifier,
        "SklearnRnnRNNClassifier",
        _skl2onnx_shapes,
        _skl2onnx_convert,
        options=options,
    )
    skl2onnx.update_registered_converter(
        RNNRegressor, "SklearnRnnRNNRegressor", _skl2onnx_shapes, _skl2onnx_convert
    )


# --------------------------------------------------------------------------------------
# safetensors
# --------------------------------------------------------------------------------------

#: The key of the JSON document in a weights file's metadata.
_WEIGHTS_KEY = "sklearn_rnn"
_WEIGHTS_FORMAT = "sklearn_rnn.weights"

#: The tag of the JSON values that are not plain JSON (tuples, arrays, ...).
_TYPE = "$type"

#: Where the numeric arrays other than the network's weights go in the file.
_PREFIX = "sklearn_rnn."


def _weights_classes() -> dict:
    """The estimator classes a weights file may name: nothing else is built."""
    from ._seq2seq import RNNSeq2Seq

    return {
        cls.__name__: cls
        for cls in (RNNClassifier, RNNRegressor, RNNTagger, RNNSeq2Seq)
    }


def _stored_classes() -> dict:
    """The classes the stored net may name (its module, loss, optimizer, ...)."""
    from ._decoder import Seq2SeqNetwork
    from ._persistence import _CLASSES

    # The sequence-to-sequence network is not in the pickle's list (a pickle
    # stores it as a class); here it is named like the others.
    return {**_CLASSES, _qualified_name(Seq2SeqNetwork): Seq2SeqNetwork}


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


class _Unstorable(TypeError):
    pass


class _Writer:
    """Plain data to JSON values, numeric arrays to named tensors."""

    def __init__(self, classes: dict):
        self.tensors: dict[str, np.ndarray] = {}
        self.class_names = {cls: name for name, cls in classes.items()}

    def tensor(self, name: str, array: np.ndarray) -> str:
        unique, i = name, 1
        while unique in self.tensors:
            unique, i = f"{name}#{i}", i + 1
        self.tensors[unique] = np.ascontiguousarray(
            array, dtype=array.dtype.newbyteorder("=")
        )
        return unique

    def encode(self, value, path: str):
        if isinstance(value, np.generic):
            if value.dtype.kind in "biuf":
                item = self.encode(value.item(), path)
            elif value.dtype.kind == "U":
                item = str(value)
            else:
                raise _Unstorable(path, value)
            return {_TYPE: "scalar", "dtype": value.dtype.str, "value": item}
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            if math.isfinite(value):
                return value
            return {_TYPE: "float", "value": repr(value)}
        if isinstance(value, np.ndarray):
            return self.array(value, path)
        if isinstance(value, list):
            return [self.encode(v, f"{path}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            items = [self.encode(v, f"{path}[{i}]") for i, v in enumerate(value)]
            return {_TYPE: "tuple", "items": items}
        if isinstance(value, dict):
            if all(isinstance(k, str) for k in value) and _TYPE not in value:
                return {k: self.encode(v, f"{path}.{k}") for k, v in value.items()}
            items = [
                [self.encode(k, path), self.encode(v, f"{path}.{k}")]
                for k, v in value.items()
            ]
            return {_TYPE: "dict", "items": items}
        if isinstance(value, type) and value in self.class_names:
            return {_TYPE: "class", "name": self.class_names[value]}
        raise _Unstorable(path, value)

    def array(self, value: np.ndarray, path: str):
        kind = value.dtype.kind
        if kind in "biuf":
            return {_TYPE: "tensor", "name": self.tensor(_PREFIX + path, value)}
        if kind not in "UO":
            raise _Unstorable(path, value)
        flat = value.ravel().tolist()
        if kind == "O":
            flat = [self.encode(v, f"{path}[{i}]") for i, v in enumerate(flat)]
        return {
            _TYPE: "ndarray",
            "dtype": value.dtype.str,
            "shape": list(value.shape),
            "items": flat,
        }


def _decode_json(value, tensors: dict, classes: dict):
    if isinstance(value, list):
        return [_decode_json(v, tensors, classes) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(_TYPE)
    if tag is None:
        return {k: _decode_json(v, tensors, classes) for k, v in value.items()}
    if tag == "float":
        return float(value["value"])
    if tag == "scalar":
        return np.dtype(value["dtype"]).type(value["value"])
    if tag == "tuple":
        return tuple(_decode_json(v, tensors, classes) for v in value["items"])
    if tag == "dict":
        return {
            _decode_json(k, tensors, classes): _decode_json(v, tensors, classes)
            for k, v in value["items"]
        }
    if tag == "tensor":
        return np.array(tensors[value["name"]])
    if tag == "ndarray":
        dtype = np.dtype(value["dtype"])
        items = value["items"]
        if dtype.kind == "O":
            items = [_decode_json(v, tensors, classes) for v in items]
            out = np.empty(len(items), dtype=object)
            out[:] = items
            return out.reshape(value["shape"])
        return np.array(items, dtype=dtype).reshape(value["shape"])
    if tag == "class":
        try:
            return classes[value["name"]]
        except KeyError:
            raise ValueError(
                f"The weights file names the class {value['name']!r}, which this "
                "version of sklearn_rnn does not use; load it with the version "
                "that saved it."
            ) from None
    raise ValueError(f"The weights file holds a value of unknown type {tag!r}.")


def save_weights(
    estimator, path: str | os.PathLike, *, include_optimizer: bool = False
) -> Path:
    """Write a fitted estimator to one safetensors file, without pickle.

    The network's weights are tensors named as in its ``state_dict``
    (``encoder.forward_layers.0.weight_ih_l0``, ``head.weight``, ...). Everything
    else a fresh estimator needs is JSON in the file's metadata (under the key
    ``"sklearn_rnn"``): the class name (one of a fixed list), the parameters of
    ``get_params()``, the fitted attributes (``classes_``, ``vocab_size_``, the
    number of channels, the architecture resolved at fit, ...) and the training
    history; their numeric arrays are tensors too, named ``sklearn_rnn.*``.
    :func:`load_weights` rebuilds the estimator from it.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor, RNNTagger or RNNSeq2Seq
        A fitted estimator. Its ``callbacks`` must be None: callback objects have
        no plain-data form (set them again after loading).
    path : str or path-like
        The file to write (by convention ``*.safetensors``).
    include_optimizer : bool, default=False
        Also store the optimizer's state (e.g. Adam's moment estimates, twice the
        size of the weights), so that ``warm_start`` or ``partial_fit`` on the
        loaded estimator continue exactly as on this one. Without it, continued
        training starts with a fresh optimizer state.

    Returns
    -------
    path : pathlib.Path
        The file written.

    See Also
    --------
    load_weights : Read the file back into a fitted estimator.
    export_onnx : The network as an ONNX graph, for runtimes outside Python.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from sklearn_rnn import RNNRegressor, load_weights, save_weights
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(30, 5, 1)).astype(np.float32)
    >>> y = 10 + X[:, :, 0].sum(axis=1)
    >>> reg = RNNRegressor(hidden_size=8, max_iter=2, random_state=0).fit(X, y)
    >>> path = save_weights(reg, Path(tempfile.mkdtemp()) / "reg.safetensors")
    >>> loaded = load_weights(path)
    >>> bool(np.array_equal(loaded.predict(X), reg.predict(X)))
    True
    """
    safetensors_numpy = _import_extra("safetensors.numpy", "safetensors")
    allowed = tuple(_weights_classes().values())
    if isinstance(estimator, allowed) and type(estimator) not in allowed:
        raise TypeError(
            f"estimator is a {_class_name(estimator)}, a subclass of "
            f"{type(estimator).__mro__[1].__name__}: save_weights stores sklearn_rnn's "
            "own estimators only, which load_weights rebuilds by their name."
        )
    _check_fitted_model(estimator, "save_weights", allowed)
    if getattr(estimator, "encoder_init", None) is not None:
        raise ValueError(
            "estimator.encoder_init holds the fitted model it started from, which "
            "has no plain-data form. Its weights are already in the fitted "
            "network: set encoder_init=None (estimator.set_params(encoder_init="
            "None)) before save_weights."
        )
    if estimator.callbacks:
        raise ValueError(
            f"estimator.callbacks holds {len(estimator.callbacks)} callback(s), "
            "objects that have no plain-data form and cannot be written without "
            "pickle. Set callbacks=None (estimator.set_params(callbacks=None)) "
            "before save_weights, and set them again after load_weights."
        )
    state = dict(estimator.__getstate__())
    net_state = state.pop("net_")
    if not is_net_state(net_state):  # pragma: no cover - __getstate__ converts it
        net_state = net_to_state(net_state)
    net_state = dict(net_state)
    params = {name: state.pop(name) for name in estimator.get_params(deep=False)}
    weights = {}
    if net_state.get("initialized"):
        from ._persistence import _TENSOR

        weights = {key: value[_TENSOR] for key, value in net_state["module"].items()}
        net_state["module"] = None
        if not include_optimizer:
            optimizer = net_state["optimizer"]
            net_state["optimizer"] = {
                "state": {},
                "param_groups": optimizer["param_groups"],
            }
    writer = _Writer(_stored_classes())
    for key, value in weights.items():
        if key.startswith(_PREFIX):  # pragma: no cover - no module is named so
            raise ValueError(f"A network weight is named {key!r}; cannot store it.")
        writer.tensor(key, value)
    try:
        document = {
            "format": _WEIGHTS_FORMAT,
            "format_version": FORMAT_VERSION,
            "sklearn_rnn_version": importlib.import_module("sklearn_rnn").__version__,
            "class": _class_name(estimator),
            "params": writer.encode(params, "params"),
            "attributes": writer.encode(state, "attributes"),
            "net": writer.encode(net_state, "net"),
            "weights": list(weights),
        }
    except _Unstorable as exc:
        where, value = exc.args
        raise TypeError(
            f"save_weights cannot store {where} of the estimator, a "
            f"{_class_name(value)}: only numbers, strings, lists, dicts and numeric "
            "or string arrays can be written without pickle. Replace it by plain "
            "data (e.g. an int random_state) before saving, or pickle the "
            "estimator instead."
        ) from None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    safetensors_numpy.save_file(
        writer.tensors,
        str(path),
        metadata={_WEIGHTS_KEY: json.dumps(document, allow_nan=False)},
    )
    return path


def load_weights(path: str | os.PathLike):
    """Read an estimator written by :func:`save_weights`; nothing is unpickled.

    The file's JSON names the estimator's class, which must be one of
    sklearn_rnn's estimators; the stored net may name only the classes
    sklearn_rnn's networks, losses and optimizers use. The estimator is built from
    its stored parameters, given its fitted attributes, and its network the stored
    weights: it predicts exactly as the one saved.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_weights`.

    Returns
    -------
    estimator : RNNClassifier, RNNRegressor, RNNTagger or RNNSeq2Seq
        The fitted estimator, on the device it was trained on if that is
        available here, else on the CPU.

    See Also
    --------
    save_weights : Write the file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier, load_weights, save_weights
    >>> X = np.random.default_rng(0).normal(size=(30, 5, 2)).astype(np.float32)
    >>> y = np.where(X[:, -1, 0] > 0, "up", "down")
    >>> clf = RNNClassifier(hidden_size=8, max_iter=2, random_state=0).fit(X, y)
    >>> path = save_weights(clf, Path(tempfile.mkdtemp()) / "clf.safetensors")
    >>> loaded = load_weights(path)
    >>> loaded.classes_
    array(['down', 'up'], dtype='<U4')
    >>> bool(np.array_equal(loaded.predict_proba(X), clf.predict_proba(X)))
    True
    """
    safetensors = _import_extra("safetensors", "safetensors")
    with safetensors.safe_open(str(path), framework="numpy") as file:
        metadata = file.metadata() or {}
        if _WEIGHTS_KEY not in metadata:
            raise ValueError(
                f"{path} has no {_WEIGHTS_KEY!r} metadata: it was not written by "
                "save_weights."
            )
        tensors = {key: file.get_tensor(key) for key in file.keys()}
    document = json.loads(metadata[_WEIGHTS_KEY])
    if document.get("format") != _WEIGHTS_FORMAT:
        raise ValueError(f"{path} is not a weights file of sklearn_rnn.")
    if document.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{path} was written in format version {document.get('format_version')}"
            f", which this version of sklearn_rnn (format {FORMAT_VERSION}) cannot "
            "read; load it with the version that saved it."
        )
    estimators = _weights_classes()
    name = document.get("class")
    if name not in estimators:
        raise ValueError(
            f"{path} names the class {name!r}, which is not one of the estimators "
            f"load_weights builds ({sorted(estimators)})."
        )
    cls = estimators[name]
    classes = _stored_classes()
    params = _decode_json(document["params"], tensors, classes)
    expected = set(cls._get_param_names())
    # Parameters added since the file was written take their defaults.
    signature = inspect.signature(cls.__init__).parameters
    for name in expected - set(params):
        if signature[name].default is not inspect.Parameter.empty:
            params[name] = signature[name].default
    if set(params) != expected:
        raise ValueError(
            f"{path} stores the parameters of a {name} of another version of "
            f"sklearn_rnn (missing: {sorted(expected - set(params))}, unknown: "
            f"{sorted(set(params) - expected)}); load it with the version that "
            "saved it."
        )
    attributes = _decode_json(document["attributes"], tensors, classes)
    net_state = _decode_json(document["net"], tensors, classes)
    if net_state.get("initialized"):
        from ._persistence import _TENSOR

        net_state["module"] = {
            key: {_TENSOR: tensors[key]} for key in document["weights"]
        }
    estimator = cls(**params)
    estimator.__setstate__({**attributes, "net_": net_state})
    return estimator
