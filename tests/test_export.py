"""Deploying: ONNX export (onnxruntime reproduces the estimators), the vocabulary
file of a text pipeline, skl2onnx's converters, and safetensors weights that load
without pickle.

The models are tiny and trained for an epoch or two: what is tested is that the
deployed form computes what the estimator computes, not that the model is good.
"""

import hashlib
import json
import pickle
import re
import sys
import unicodedata
import warnings

import numpy as np
import pytest
import torch
from _helpers import nan_pad, ragged, token_data
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from skorch.callbacks import EpochTimer

from sklearn_rnn import (
    RNNClassifier,
    RNNRegressor,
    RNNSeq2Seq,
    RNNTagger,
    SequenceScaler,
    SequenceVectorizer,
    export_onnx,
    load_weights,
    save_weights,
)
from sklearn_rnn._network import CELLS, POOLINGS

#: onnxruntime must reproduce the estimators' outputs to within this.
ATOL = 1e-5

TINY = dict(hidden_size=4, embedding_dim=4, max_iter=1, random_state=0, device="cpu")
CONV = dict(conv_filters=(4, 3), conv_kernel_sizes=(3, 2))


def _ort():
    return pytest.importorskip("onnxruntime")


def _session(model):
    """An onnxruntime session of a model file or of a serialized model."""
    ort = _ort()
    options = ort.SessionOptions()
    options.log_severity_level = 3
    model = model if isinstance(model, bytes) else str(model)
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _metadata(session):
    return json.loads(session.get_modelmeta().custom_metadata_map["sklearn_rnn"])


def _export(estimator, path, **kwargs):
    """export_onnx, which must emit no warning at all."""
    pytest.importorskip("onnx")
    _ort()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return export_onnx(estimator, path, **kwargs)


def _numeric_inputs(seqs, width, channels_first=False):
    """NaN-padded values (wider than the longest sequence) and the lengths."""
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    return {"values": nan_pad(seqs, width, channels_first), "lengths": lengths}


# --------------------------------------------------------------------------------------
# The network's configurations
# --------------------------------------------------------------------------------------


def _configurations():
    """Every cell x direction x front end x input kind once, and every pooling with
    every cell and input kind (32 cases instead of the 128 of the full product)."""
    directions_front_ends = [
        (False, "none"),
        (True, "conv"),
        (False, "conv"),
        (True, "none"),
    ]
    for c, cell in enumerate(CELLS):
        for p, pooling in enumerate(POOLINGS):
            for tokens in (False, True):
                bidirectional, front_end = directions_front_ends[(p + c) % 4]
                yield pytest.param(
                    cell,
                    bidirectional,
                    pooling,
                    front_end,
                    tokens,
                    id=f"{cell}-{'bi' if bidirectional else 'uni'}-{pooling}-"
                    f"{front_end}-{'tokens' if tokens else 'numeric'}",
                )


@pytest.mark.parametrize(
    "cell, bidirectional, pooling, front_end, tokens", list(_configurations())
)
def test_onnx_reproduces_classifier(
    cell, bidirectional, pooling, front_end, tokens, tmp_path
):
    """Sequences of different lengths in one batch, padded wider than the longest
    (NaN for numeric input), give the estimator's predict_proba."""
    n_layers = 2 if cell in ("lstm", "rnn_tanh") else 1
    clf = RNNClassifier(
        cell=cell,
        bidirectional=bidirectional,
        pooling=pooling,
        front_end=front_end,
        num_layers=n_layers,
        conv_stride=2,
        **CONV,
        **TINY,
    )
    if tokens:
        X, ids, y = token_data(n=16)
        clf.fit(X, y)
        vocab_size = clf.vocab_size_
        ids = [*ids[:8], np.array([vocab_size, vocab_size + 7, 3])]  # unknown ids
        lengths = np.array([len(row) for row in ids])
        values = np.zeros((len(ids), lengths.max() + 3), dtype=np.int64)
        for i, row in enumerate(ids):
            values[i, : len(row)] = row
        values[1, 0] = -2  # refused by the estimator, unknown for the graph
        ids[1] = np.concatenate([[1], ids[1][1:]])
        inputs = {"values": values, "lengths": lengths}
        expected = clf.predict_proba(ids)
    else:
        channels = 1 if cell in ("gru", "rnn_relu") else 3
        X, y = ragged(n=16, channels=channels, low=1, high=9)
        clf.fit(X, y)
        inputs = _numeric_inputs(X, width=12)
        expected = clf.predict_proba(X)
    path = _export(clf, tmp_path / "model.onnx")[0]
    session = _session(path)
    proba, logits = session.run(None, inputs)
    assert proba.shape == expected.shape
    np.testing.assert_allclose(proba, expected, rtol=0, atol=ATOL)
    np.testing.assert_allclose(
        np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), proba, atol=1e-6
    )
    # One sequence alone, cut to its own length, gets what it gets in the batch.
    one = {"values": inputs["values"][2:3, : inputs["lengths"][2]]}
    one["lengths"] = inputs["lengths"][2:3]
    np.testing.assert_allclose(session.run(None, one)[0], proba[2:3], atol=1e-6)


@pytest.mark.parametrize("input_scaling", ["both", "series", "dataset", "none"])
def test_onnx_input_scaling_and_layouts(input_scaling, tmp_path):
    """Each input scaling; channels-first input (the graph takes the estimator's
    layout); a 2D table fitted as one channel; an empty sequence."""
    channels_first = input_scaling in ("series", "none")
    X, y = ragged(n=16, channels=2, low=3, high=10, seed=1)
    X = [x * 5 + 3 for x in X]  # off-centre, so that the scalings differ
    fit_X = [x.T for x in X] if channels_first else X
    clf = RNNClassifier(
        input_scaling=input_scaling, channels_first=channels_first, **CONV, **TINY
    ).fit(fit_X, y)
    session = _session(_export(clf, tmp_path / "model.onnx")[0])
    seqs = [*X, X[0][:0]]  # and an empty sequence
    inputs = _numeric_inputs(seqs, width=11, channels_first=channels_first)
    proba, _ = session.run(None, inputs)
    np.testing.assert_allclose(proba[:-1], clf.predict_proba(fit_X), rtol=0, atol=ATOL)
    # The estimator reads the all-NaN row of the NaN-padded block as empty too.
    expected = clf.predict_proba(inputs["values"])
    np.testing.assert_allclose(proba, expected, rtol=0, atol=ATOL)
    assert _metadata(session)["channels_first"] is channels_first


def test_onnx_numeric_table_input(tmp_path):
    """A 2D table fitted as one channel: the graph takes it as (batch, length, 1)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 7)).astype(np.float32)
    y = (X[:, -1] > 0).astype(int)
    clf = RNNClassifier(**CONV, **TINY).fit(X, y)
    session = _session(_export(clf, tmp_path / "model.onnx")[0])
    proba, _ = session.run(
        None, {"values": X[:, :, None], "lengths": np.full(20, 7, dtype=np.int64)}
    )
    np.testing.assert_allclose(proba, clf.predict_proba(X), rtol=0, atol=ATOL)


@pytest.mark.parametrize("multi_output", [False, True])
def test_onnx_regressor_predicts_in_units_of_y(multi_output, tmp_path):
    """The target's standardisation is undone in the graph, in float64: targets
    around 1000 with a spread of 30 come back as predict gives them."""
    X, _ = ragged(n=20, channels=2)
    rng = np.random.default_rng(0)
    y = 1000 + 30 * rng.normal(size=(20, 2) if multi_output else 20)
    reg = RNNRegressor(**CONV, **TINY).fit(X, y)
    session = _session(_export(reg, tmp_path / "model.onnx")[0])
    (predictions,) = session.run(None, _numeric_inputs(X, width=10))
    expected = reg.predict(X)
    assert predictions.dtype == np.float64
    assert predictions.shape == expected.shape
    np.testing.assert_allclose(predictions, expected, rtol=0, atol=ATOL)
    meta = _metadata(session)
    assert meta["task"] == "regression"
    assert meta["y_1d"] is not multi_output
    assert list(meta["outputs"]) == ["predictions"]


def test_onnx_tagger_on_token_ids(tmp_path):
    X, ids, _ = token_data(n=16)
    labels = [np.where(row > 6, "hi", "lo") for row in ids]
    tagger = RNNTagger(**TINY).fit(X, labels)
    session = _session(_export(tagger, tmp_path / "tagger.onnx")[0])
    lengths = np.array([len(row) for row in ids])
    proba, _ = session.run(None, {"values": X, "lengths": lengths})
    assert proba.shape == (*X.shape, 2)
    for i, expected in enumerate(tagger.predict_proba(X)):
        np.testing.assert_allclose(proba[i, : lengths[i]], expected, atol=ATOL)
    assert _metadata(session)["classes"] == ["hi", "lo"]


SENTENCES = [
    ["The", "dog", "barks"],
    ["a", "cat", "sleeps", "now"],
    ["the", "cat"],
    ["Dogs"],
] * 4


def _encode_words(sentences, words):
    """The graph's inputs for sentences of words, from the vocabulary file alone:
    the reference tokenizer of a deployment."""
    n, width = len(sentences), max(map(len, sentences))
    max_chars = words["max_word_chars"]
    values = np.zeros((n, width), dtype=np.int64)
    chars = np.zeros((n, width, max_chars), dtype=np.int64)
    char_lengths = np.zeros((n, width), dtype=np.int64)
    for i, sentence in enumerate(sentences):
        for j, word in enumerate(sentence):
            values[i, j] = words["vocabulary"].get(word, words["oov_id"])
            if len(word) > max_chars:  # its first and last max_chars // 2
                word = word[: max_chars // 2] + word[-(max_chars // 2) :]
            char_lengths[i, j] = len(word)
            for k, char in enumerate(word):
                chars[i, j, k] = words["char_vocabulary"].get(char, words["oov_id"])
    lengths = np.array([len(s) for s in sentences], dtype=np.int64)
    return {
        "values": values,
        "lengths": lengths,
        "chars": chars,
        "char_lengths": char_lengths,
    }


def test_onnx_tagger_on_words_with_characters(tmp_path):
    """A tagger that reads words and their characters: the vocabulary file holds
    both vocabularies, and the graph takes each token's characters."""
    tags = [["UP" if w[0].isupper() else "low" for w in s] for s in SENTENCES]
    tagger = RNNTagger(char_embedding_dim=3, char_hidden_size=3, **TINY)
    tagger.fit(SENTENCES, tags)
    onnx_path, vocabulary_path = _export(tagger, tmp_path / "tagger.onnx")
    words = json.loads(vocabulary_path.read_text(encoding="utf-8"))
    assert words["vocabulary"] == tagger.vocabulary_
    new = [*SENTENCES[:4], ["Zebras", "run", "Quickly!"], ["x" * 40, "the"], []]
    session = _session(onnx_path)
    assert _metadata(session)["char_features"] is True
    proba, _ = session.run(None, _encode_words(new, words))
    for i, expected in enumerate(tagger.predict_proba(new)):
        np.testing.assert_allclose(proba[i, : len(new[i])], expected, atol=ATOL)


# --------------------------------------------------------------------------------------
# A text pipeline: the vocabulary file and a tokenizer that reads it
# --------------------------------------------------------------------------------------


def _preprocess(text, settings):
    if settings["lowercase"]:
        text = text.lower()
    if settings["strip_accents"] == "ascii":
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    elif settings["strip_accents"] == "unicode":
        text = "".join(
            c
            for c in unicodedata.normalize("NFKD", text)
            if not unicodedata.combining(c)
        )
    return text


def tokenize(document, settings):
    """Token ids of one document from the vocabulary file alone (what a deployment
    in another language implements, as the docs describe it)."""
    if settings["pretokenized"]:
        tokens = [_preprocess(token, settings) for token in document]
    elif settings["analyzer"] == "char":
        tokens = list(re.sub(r"\s\s+", " ", _preprocess(document, settings)))
    else:
        text = _preprocess(document, settings)
        tokens = re.findall(settings["token_pattern"], text)
        stop = set(settings["stop_words"] or ())
        tokens = [t for t in tokens if t not in stop]
    limit = settings["max_length"]
    if limit is not None and len(tokens) > limit:
        tokens = tokens[-limit:] if settings["truncating"] == "pre" else tokens[:limit]
    return [settings["vocabulary"].get(t, settings["oov_id"]) for t in tokens]


TEXTS = [
    "I loved this film",
    "I hated it",
    "What a great film, a great cast!",
    "Café crème, très bien",
    "terrible, TERRIBLE film",
    "",
] * 3
NEW_TEXTS = [
    "I LOVED it!",
    "a never-seen word and a café",
    "film film film film film film film film great",
    "",
    "Très  bien ,  vraiment",
]


@pytest.mark.parametrize(
    "vectorizer",
    [
        SequenceVectorizer(
            strip_accents="unicode", stop_words=["a"], max_length=6, truncating="pre"
        ),
        SequenceVectorizer(strip_accents="ascii", token_pattern=r"(?u)\b\w\w+\b"),
        SequenceVectorizer(analyzer="char", lowercase=False, max_length=12),
    ],
    ids=["words", "ascii-pattern", "chars"],
)
def test_text_pipeline_with_vocabulary_file(vectorizer, tmp_path):
    """Tokenizing with the vocabulary file alone, then onnxruntime, reproduces the
    pipeline's predict_proba on raw strings."""
    labels = np.arange(len(TEXTS)) % 3
    pipeline = make_pipeline(vectorizer, RNNClassifier(**TINY)).fit(TEXTS, labels)
    onnx_path, vocabulary_path = _export(pipeline, tmp_path / "text.onnx")
    assert vocabulary_path == tmp_path / "text.vocabulary.json"
    text = vocabulary_path.read_text(encoding="utf-8")
    settings = json.loads(text)

    ids = [tokenize(doc, settings) for doc in NEW_TEXTS]
    table = pipeline[0].transform(NEW_TEXTS)
    for row, expected in zip(ids, table, strict=True):
        assert row == expected[expected != 0].tolist()

    lengths = np.array([len(row) for row in ids], dtype=np.int64)
    values = np.zeros((len(ids), max(lengths.max(), 1)), dtype=np.int64)
    for i, row in enumerate(ids):
        values[i, : len(row)] = row
    session = _session(onnx_path)
    proba, _ = session.run(None, {"values": values, "lengths": lengths})
    np.testing.assert_allclose(
        proba, pipeline.predict_proba(NEW_TEXTS), rtol=0, atol=ATOL
    )
    meta = _metadata(session)
    assert meta["vocabulary_file"] == "text.vocabulary.json"
    assert meta["vocabulary_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert meta["classes"] == [0, 1, 2]


def test_pretokenized_pipeline_vocabulary_file(tmp_path):
    """Pre-tokenised documents: each token is preprocessed alone and nothing is
    truncated (max_length=None)."""
    docs = [["The", "Cat", "sat"], ["Hi", "!"], ["the", "CAT", "sat", "on", "it"]] * 4
    pipeline = make_pipeline(SequenceVectorizer(), RNNClassifier(**TINY))
    pipeline.fit(docs, np.arange(len(docs)) % 2)
    _, vocabulary_path = _export(pipeline, tmp_path / "m.onnx")
    settings = json.loads(vocabulary_path.read_text(encoding="utf-8"))
    assert settings["pretokenized"] is True
    assert settings["max_length"] is None
    new = [["THE", "dog", "sat", "on", "the", "mat", "!", "!"]]
    expected = pipeline[0].transform(new)[0]
    assert tokenize(new[0], settings) == expected[expected != 0].tolist()


# --------------------------------------------------------------------------------------
# What export_onnx refuses, and its options
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    X, y = ragged(n=12)
    return RNNClassifier(**TINY).fit(X, y), X


def test_export_refuses_what_it_cannot_export(fitted, tmp_path):
    pytest.importorskip("onnx")
    path = tmp_path / "m.onnx"
    clf, _ = fitted
    with pytest.raises(ValueError, match="not fitted; call fit before export_onnx"):
        export_onnx(RNNClassifier(), path)
    with pytest.raises(TypeError, match="estimator must be a fitted RNNClassifier"):
        export_onnx(LogisticRegression().fit([[0], [1]], [0, 1]), path)
    seq2seq = RNNSeq2Seq(**TINY).fit(["ab", "ba"] * 4, ["ba", "ab"] * 4)
    with pytest.raises(TypeError, match=r"decoding loop.*save_weights"):
        export_onnx(seq2seq, path)
    with pytest.raises(ValueError, match=r"\['SequenceScaler', 'RNNClassifier'\]"):
        export_onnx(make_pipeline(SequenceScaler(), clf), path)
    with pytest.raises(TypeError, match="opset_version must be an int"):
        export_onnx(clf, path, opset_version="17")
    custom = SequenceVectorizer(tokenizer=str.split)
    pipeline = make_pipeline(custom, RNNClassifier(**TINY)).fit(TEXTS, [0, 1] * 9)
    with pytest.raises(ValueError, match="tokenizer is a Python function"):
        export_onnx(pipeline, path)
    assert not path.exists()


def test_missing_extras_are_named(fitted, tmp_path, monkeypatch):
    clf, _ = fitted
    for name in ("onnx", "safetensors", "safetensors.numpy"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install 'sklearn-rnn\[onnx\]'"):
        export_onnx(clf, tmp_path / "m.onnx")
    with pytest.raises(ImportError, match=r"'sklearn-rnn\[safetensors\]'"):
        save_weights(clf, tmp_path / "m.safetensors")
    with pytest.raises(ImportError, match=r"'sklearn-rnn\[safetensors\]'"):
        load_weights(tmp_path / "m.safetensors")


def test_export_opset_and_vocabulary_path(tmp_path):
    onnx = pytest.importorskip("onnx")
    labels = np.arange(len(TEXTS)) % 2
    pipeline = make_pipeline(SequenceVectorizer(), RNNClassifier(**TINY))
    pipeline.fit(TEXTS, labels)
    paths = _export(
        pipeline,
        tmp_path / "sub" / "m.onnx",
        opset_version=17,
        vocabulary_path=tmp_path / "vocab.json",
    )
    assert paths == [tmp_path / "sub" / "m.onnx", tmp_path / "vocab.json"]
    model = onnx.load(paths[0])
    onnx.checker.check_model(model, full_check=True)
    assert {o.domain: o.version for o in model.opset_import}[""] == 17
    assert json.loads(paths[1].read_text())["vocabulary"] == pipeline[0].vocabulary_


def test_check_catches_a_graph_that_differs(fitted, tmp_path):
    """check=True compares onnxruntime with torch: a graph of other weights fails."""
    from sklearn_rnn._export import (
        _check_graph,
        _example_inputs,
        _graph_module,
        _model_spec,
    )

    clf, _ = fitted
    path = _export(clf, tmp_path / "m.onnx")[0]
    spec = _model_spec(clf, None)
    other = _graph_module(clf, spec)
    with torch.no_grad():
        other.network.head.bias += 1.0
    inputs = _example_inputs(spec, 7, 9, 3)
    assert _check_graph(path.read_bytes(), _graph_module(clf, spec), inputs) < 1e-6
    with pytest.raises(RuntimeError, match="does not reproduce the network"):
        _check_graph(path.read_bytes(), other, inputs)


def test_export_leaves_the_estimator_as_it_was(fitted, tmp_path):
    clf, X = fitted
    before = clf.predict_proba(X)
    module = clf.net_.module_
    state = {k: v.clone() for k, v in module.state_dict().items()}
    module.train()  # whatever mode it is in stays
    _export(clf, tmp_path / "m.onnx")
    assert module.training
    module.eval()
    assert all(torch.equal(v, module.state_dict()[k]) for k, v in state.items())
    np.testing.assert_array_equal(clf.predict_proba(X), before)


# --------------------------------------------------------------------------------------
# skl2onnx
# --------------------------------------------------------------------------------------


def test_skl2onnx_converts_the_estimators():
    """With the converters registered, skl2onnx.to_onnx converts a classifier on
    NaN-padded numeric input and on pre-padded token ids (lengths and alignment
    computed in the graph), and a regressor on a 2D table."""
    skl2onnx = pytest.importorskip("skl2onnx")
    from skl2onnx.common.data_types import FloatTensorType

    from sklearn_rnn import register_skl2onnx_converters

    register_skl2onnx_converters()
    X, y = ragged(n=16, channels=2)
    labels = np.where(y > 0, "pos", "neg")
    numeric = RNNClassifier(bidirectional=True, **CONV, **TINY).fit(X, labels)
    onx = skl2onnx.to_onnx(
        numeric,
        initial_types=[("X", FloatTensorType([None, None, 2]))],
        options={"zipmap": False},
    )
    session = _session(onx.SerializeToString())
    label, proba = session.run(None, {"X": nan_pad(X, width=12)})
    np.testing.assert_allclose(proba, numeric.predict_proba(X), rtol=0, atol=ATOL)
    np.testing.assert_array_equal(label, numeric.predict(X))

    ids, _, y = token_data(n=16)
    clf = RNNClassifier(**TINY).fit(ids, y)
    pre_padded = np.zeros_like(ids)
    for i, row in enumerate(ids):
        tokens = row[row != 0]
        pre_padded[i, ids.shape[1] - len(tokens) :] = tokens
    pre_padded[0, -1] = clf.vocab_size_ + 5  # unknown
    session = _session(skl2onnx.to_onnx(clf, ids[:1]).SerializeToString())
    label, zipped = session.run(None, {"X": pre_padded})
    expected = clf.predict_proba(pre_padded)
    np.testing.assert_array_equal(label, clf.predict(pre_padded))
    got = np.array([[row[c] for c in clf.classes_] for row in zipped])
    np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL)

    table = nan_pad(X, width=9)[:, :, 0]
    reg = RNNRegressor(**TINY).fit(table, 50 + 3 * y.astype(float))
    onx = skl2onnx.to_onnx(reg, initial_types=[("X", FloatTensorType([None, None]))])
    (predictions,) = _session(onx.SerializeToString()).run(None, {"X": table})
    np.testing.assert_allclose(predictions, reg.predict(table), rtol=0, atol=ATOL)

    with pytest.raises(ValueError, match=r"must be a float32 tensor \(batch, length, "):
        skl2onnx.to_onnx(numeric, initial_types=[("X", FloatTensorType([None, 9]))])
    with pytest.raises(ValueError, match="must be an int64 tensor"):
        skl2onnx.to_onnx(clf, initial_types=[("X", FloatTensorType([None, 9]))])


# --------------------------------------------------------------------------------------
# safetensors
# --------------------------------------------------------------------------------------


def _no_unpickling(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("loading must not unpickle")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    monkeypatch.setattr(torch, "load", refuse)
    monkeypatch.setattr(np, "load", refuse)


def _same(a, b):
    if isinstance(a, list):
        return len(a) == len(b) and all(map(np.array_equal, a, b))
    return np.array_equal(a, b)


def _weights_models():
    X, y = ragged(n=16)
    labels = np.where(y > 0, "pos", "neg")
    targets = np.random.default_rng(0).normal(size=(16, 2))
    tags = [["UP" if w[0].isupper() else "low" for w in s] for s in SENTENCES]
    small = dict(TINY, max_iter=2)
    return {
        "classifier": (
            RNNClassifier(early_stopping=True, **CONV, **small),
            X,
            labels,
            "predict_proba",
        ),
        "regressor": (RNNRegressor(**CONV, **small), X, targets, "predict"),
        "tagger": (
            RNNTagger(char_hidden_size=3, **small),
            SENTENCES,
            tags,
            "predict_proba",
        ),
        "seq2seq": (
            RNNSeq2Seq(**small),
            ["abc", "bca", "cab"] * 3,
            ["cba", "acb", "bac"] * 3,
            "predict",
        ),
    }


@pytest.mark.parametrize("kind", ["classifier", "regressor", "tagger", "seq2seq"])
def test_weights_round_trip_without_pickle(kind, tmp_path, monkeypatch):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    model, X, y, method = _weights_models()[kind]
    model.fit(X, y)
    path = save_weights(model, tmp_path / "model.safetensors")
    # The network's weights are tensors named as in its state_dict.
    tensors = safetensors_numpy.load_file(str(path))
    for key, value in model.net_.module_.state_dict().items():
        np.testing.assert_array_equal(tensors[key], value.numpy())
    _no_unpickling(monkeypatch)
    loaded = load_weights(path)
    assert type(loaded) is type(model)
    assert loaded.get_params() == model.get_params()
    assert _same(getattr(loaded, method)(X), getattr(model, method)(X))
    assert loaded.loss_curve_ == model.loss_curve_
    assert len(loaded.net_.history) == len(model.net_.history)
    if hasattr(model, "classes_"):
        np.testing.assert_array_equal(loaded.classes_, model.classes_)


def test_weights_with_optimizer_continue_training_exactly(tmp_path):
    pytest.importorskip("safetensors")
    X, y = ragged(n=16)
    clf = RNNClassifier(warm_start=True, **dict(TINY, max_iter=2)).fit(X, y)
    full = save_weights(clf, tmp_path / "full.safetensors", include_optimizer=True)
    light = save_weights(clf, tmp_path / "light.safetensors")
    assert light.stat().st_size < full.stat().st_size
    loaded = load_weights(full)
    clf.fit(X, y)
    loaded.fit(X, y)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.n_iter_ == clf.n_iter_ == 4
    restarted = load_weights(light).fit(X, y)  # a fresh optimizer state
    assert restarted.n_iter_ == 4
    assert not np.array_equal(restarted.predict_proba(X), clf.predict_proba(X))


def test_weights_refuse_what_has_no_plain_form(tmp_path):
    pytest.importorskip("safetensors")
    X, y = ragged(n=12)
    path = tmp_path / "m.safetensors"
    with_callback = RNNClassifier(callbacks=[EpochTimer()], **TINY).fit(X, y)
    with pytest.raises(ValueError, match=r"callbacks.*set_params\(callbacks=None\)"):
        save_weights(with_callback, path)
    rng_state = RNNClassifier(**dict(TINY, random_state=np.random.RandomState(0)))
    with pytest.raises(TypeError, match=r"params\.random_state .* a RandomState"):
        save_weights(rng_state.fit(X, y), path)
    with pytest.raises(ValueError, match="not fitted"):
        save_weights(RNNClassifier(), path)
    with pytest.raises(TypeError, match="estimator must be a fitted RNNClassifier"):
        save_weights(make_pipeline(RNNClassifier(**TINY)), path)

    class MyClassifier(RNNClassifier):
        pass

    with pytest.raises(TypeError, match="a subclass of RNNClassifier"):
        save_weights(MyClassifier(**TINY).fit(X, y), path)
    assert not path.exists()


def test_load_weights_refuses_other_files_and_classes(tmp_path):
    safetensors_numpy = pytest.importorskip("safetensors.numpy")
    X, y = ragged(n=12)
    path = save_weights(RNNClassifier(**TINY).fit(X, y), tmp_path / "m.safetensors")
    tensors = safetensors_numpy.load_file(str(path))
    with open(path, "rb") as file:  # the metadata, read as safetensors does
        header = json.loads(file.read(int.from_bytes(file.read(8), "little")))
    document = json.loads(header["__metadata__"]["sklearn_rnn"])

    def write(changed, name):
        out = tmp_path / name
        metadata = {"sklearn_rnn": json.dumps(changed)}
        safetensors_numpy.save_file(tensors, str(out), metadata=metadata)
        return out

    plain = tmp_path / "plain.safetensors"
    safetensors_numpy.save_file(tensors, str(plain))
    with pytest.raises(ValueError, match="not written by save_weights"):
        load_weights(plain)
    with pytest.raises(ValueError, match=r"'os\.system', which is not one of"):
        load_weights(write({**document, "class": "os.system"}, "a.safetensors"))
    net = json.loads(json.dumps(document["net"]).replace("adam.Adam", "evil.Evil"))
    with pytest.raises(ValueError, match=r"names the class 'torch\.optim\.evil\.Evil'"):
        load_weights(write({**document, "net": net}, "b.safetensors"))
    with pytest.raises(ValueError, match="format version 99"):
        load_weights(write({**document, "format_version": 99}, "c.safetensors"))
