"""RNNLanguageModel: the next symbol of text. Learning a deterministic language (and
generating it greedily), perplexity as the exponential of the per-symbol
cross-entropy computed independently, the two training modes (the stream's rows,
windows and carried state; a context longer than a window learned only when the
state is carried), weight tying, padding and batch invariance of the scores,
sampling (reproducible, greedy at temperature 0 and top_k=1, top_k restriction,
the end symbol), word and token-list input, the vocabulary options, errors,
unchanged inputs, continuation, early stopping, pickling and the scikit-learn
machinery (clone, Pipeline, GridSearchCV)."""

import copy
import math
import pickle

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import get_tags

import sklearn_rnn._language_model as language_model
from sklearn_rnn import RNNLanguageModel, SequenceVectorizer
from sklearn_rnn._data import IGNORED_STEP, OOV_ID, PAD_ID
from sklearn_rnn._language_model import _choose
from sklearn_rnn._lm_data import StreamDataset, Texts
from sklearn_rnn._network import SequenceEncoder

# Tiny and on the CPU, where equal seeds give bit-for-bit equal fits.
SMALL = dict(hidden_size=16, embedding_dim=8, random_state=0, device="cpu")
FAST = dict(SMALL, max_iter=2)

WORDS = [
    "the cat sat on the mat .",
    "the dog sat on the log .",
    "a cat saw a dog !",
    "the dog saw the cat .",
] * 5


def abc_model(**params):
    """A model of the language (abc)*: one long text, in a stream."""
    settings = dict(SMALL, hidden_size=24, bptt=20, batch_size=4, max_iter=60, lr=1e-2)
    return RNNLanguageModel(**{**settings, **params}).fit(["abc" * 100])


@pytest.fixture(scope="module")
def abc():
    return abc_model()


@pytest.fixture(scope="module")
def words():
    return RNNLanguageModel(unit="word", **dict(SMALL, max_iter=15)).fit(WORDS)


def reference_log_proba(model, texts):
    """Each text's predicted symbols' log-probabilities, computed apart from the
    estimator's scoring: the ids from the fitted vectorizer's vocabulary, the
    standard encoder's forward pass, the output layer, torch's cross-entropy."""
    module = model.net_.module_.eval()
    end = model.vocab_size_ - 1
    analyze = model.vectorizer_.build_analyzer()
    out = []
    for text in texts:
        ids = [model.vocabulary_.get(s, OOV_ID) for s in analyze(text)]
        X = torch.tensor([[end, *ids]])
        with torch.no_grad():
            h, _ = module.encoder(X, torch.tensor([len(ids) + 1]))
            logits = module.head(h)[0]
        out.append(
            -F.cross_entropy(logits, torch.tensor([*ids, end]), reduction="none")
        )
    return out


# --------------------------------------------------------------------------------------
# Learning and the probability of text
# --------------------------------------------------------------------------------------


def test_learns_a_deterministic_language_and_generates_it(abc):
    # Every symbol of (abc)* follows from the one before; only the text's end is
    # uncertain (one end in 301 predictions costs about ln(301) / 301 = 0.02).
    assert abc.loss_curve_[-1] < 0.05
    # (151 predictions, one of them the end: about ln(301) / 151 = 0.04.)
    assert abc.score(["abc" * 50]) > -0.06
    assert abc.perplexity(["abc" * 50]) < 1.07
    assert abc.sample(temperature=0, max_length=30) == ["abc" * 10]
    assert abc.sample("bca", temperature=0, max_length=6) == ["bcabcabca"]
    # A text that breaks the pattern is far less likely than one that keeps it.
    keep, other = abc.log_likelihood(["abcabc", "acbacb"])
    assert keep > other + 10


def test_sentence_mode_learns_the_language_and_its_end():
    X = ["abcabc"] * 40
    settings = dict(SMALL, hidden_size=24, max_iter=60, lr=1e-2)
    model = RNNLanguageModel(mode="sentence", **settings)
    model.fit(X)
    assert model.score(X) > -0.05
    # The end is predicted too: greedy generation stops where the texts end.
    assert model.sample(temperature=0) == ["abcabc"]
    assert model.sample("abca", temperature=0) == ["abcabc"]


def test_perplexity_is_the_exponential_of_the_per_symbol_cross_entropy():
    rng = np.random.default_rng(0)
    texts = [
        "".join(rng.choice(list("abcd e\n"), rng.integers(0, 30))) for _ in range(20)
    ]
    model = RNNLanguageModel(**dict(FAST, max_iter=3)).fit(texts)
    steps = reference_log_proba(model, texts)
    n_predictions = sum(len(t) + 1 for t in texts)
    assert sum(map(len, steps)) == n_predictions
    cross_entropy = -float(torch.cat(steps).double().mean())
    assert model.score(texts) == pytest.approx(-cross_entropy, rel=1e-6)
    assert model.perplexity(texts) == pytest.approx(math.exp(cross_entropy), rel=1e-6)
    assert model.perplexity(texts) == math.exp(-model.score(texts))
    np.testing.assert_allclose(
        model.log_likelihood(texts), [float(s.sum()) for s in steps], rtol=1e-6
    )
    assert model.score(texts) == (model.log_likelihood(texts).sum() / n_predictions)


def test_an_empty_text_is_one_prediction_its_end(abc):
    (empty,) = abc.log_likelihood([""])
    assert empty < 0
    assert abc.score([""]) == empty
    assert abc.score(["", "abc"]) == pytest.approx(
        abc.log_likelihood(["", "abc"]).sum() / 5
    )


# --------------------------------------------------------------------------------------
# Padding, batches and long texts never change a result
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["stream", "sentence"])
def test_scores_do_not_depend_on_the_other_texts_or_their_order(mode):
    rng = np.random.default_rng(1)
    texts = ["".join(rng.choice(list("abc "), rng.integers(1, 40))) for _ in range(30)]
    model = RNNLanguageModel(mode=mode, **FAST).fit(texts)
    together = model.log_likelihood(texts)
    for i in (0, 7, 29):  # alone: a batch of one text and its padding rows
        np.testing.assert_array_equal(model.log_likelihood([texts[i]]), together[i])
    perm = rng.permutation(len(texts))
    np.testing.assert_array_equal(
        model.log_likelihood([texts[i] for i in perm]), together[perm]
    )
    # Beside a much longer text (more padding, another batch width).
    long = "abc " * 200
    np.testing.assert_array_equal(
        model.log_likelihood([texts[3], long])[0], together[3]
    )


def test_a_long_text_is_scored_in_spans_with_the_state_carried(abc, monkeypatch):
    text = "abcab" * 100
    whole = abc.log_likelihood([text, "ab"])
    monkeypatch.setattr(language_model, "_SCORE_STEPS", 7)
    monkeypatch.setattr(language_model, "_SCORE_LOGITS", 50)
    np.testing.assert_allclose(abc.log_likelihood([text, "ab"]), whole, rtol=1e-6)


def test_training_padding_never_enters_the_loss():
    # In sentence mode every batch is padded to its longest text: a text's loss
    # does not depend on it. Two fits whose batches pad differently (batch sizes 1
    # and 4, one text repeated) give the same first-epoch loss when lr is 0.
    texts = ["ab", "abcabcabc"] * 4
    losses = []
    for batch_size in (1, 4):
        model = RNNLanguageModel(
            mode="sentence", batch_size=batch_size, lr=1e-12, **FAST
        ).fit(texts)
        losses.append(model.loss_curve_[0])
    assert losses[0] == pytest.approx(losses[1], rel=1e-5)


# --------------------------------------------------------------------------------------
# The stream: rows, windows, carried state
# --------------------------------------------------------------------------------------


def test_texts_are_read_from_and_ended_by_the_end_symbol():
    texts = Texts(np.array([5, 6, 7, 8]), np.array([3, 0, 1]), end_id=9)
    assert texts.stream.tolist() == [9, 5, 6, 7, 9, 9, 8, 9]
    assert texts.lengths.tolist() == [4, 1, 2]
    inputs, targets = texts.batch(np.array([0, 2]))
    assert inputs["X"].tolist() == [[9, 5, 6, 7], [9, 8, 0, 0]]
    assert targets.tolist() == [[5, 6, 7, 9], [8, 9, IGNORED_STEP, IGNORED_STEP]]
    assert inputs["lengths"].tolist() == [4, 2]
    inputs, targets = texts.batch(np.array([1]), n_rows=3, start=0, stop=2)
    assert inputs["X"].tolist() == [[9, PAD_ID], [PAD_ID] * 2, [PAD_ID] * 2]
    assert texts.take(np.array([2, 0])).stream.tolist() == [9, 8, 9, 5, 6, 7, 9]


def test_the_stream_is_cut_into_rows_read_in_windows():
    stream = np.arange(1, 24)  # 22 predictions
    data = StreamDataset(stream, n_rows=3, bptt=4)
    assert (data.rows, data.width, data.n_windows) == (3, 8, 2)
    assert len(data) == data.n_windows * data.rows
    windows = list(data.batches())
    assert [bool(X["carry"]) for X, _ in windows] == [False, True]
    X, y = windows[0]
    assert X["X"].tolist() == [[1, 2, 3, 4], [9, 10, 11, 12], [17, 18, 19, 20]]
    assert y.tolist() == [[2, 3, 4, 5], [10, 11, 12, 13], [18, 19, 20, 21]]
    X, y = windows[1]
    assert X["X"][2].tolist() == [21, 22, PAD_ID, PAD_ID]
    assert y[2].tolist() == [22, 23, IGNORED_STEP, IGNORED_STEP]
    assert X["lengths"].tolist() == [4, 4, 2]
    # Row r's windows are consecutive parts of the stream.
    row = torch.cat([w[0]["X"][1] for w in windows]).tolist()
    assert row == list(range(9, 17))
    # A short stream gets fewer rows, each about a window long.
    short = StreamDataset(np.arange(1, 10), n_rows=32, bptt=4)
    assert (short.rows, short.n_windows) == (2, 1)
    # A validation split is a consecutive part.
    tail = data.take(np.arange(18, 22))
    assert tail.stream.tolist() == [19, 20, 21, 22, 23]
    with pytest.raises(ValueError, match="consecutive"):
        data.take(np.array([1, 5]))


def test_an_epoch_is_the_stream_read_once_window_by_window():
    model = RNNLanguageModel(bptt=10, batch_size=4, **FAST).fit(["abcd" * 30])
    # 120 symbols + 2 ends: 121 predictions in 4 rows of 31, 4 windows.
    assert model.net_.history[-1, "train_batch_count"] == 4
    assert model.net_.module_.stream_state is None  # not kept after fit


def _period_three(n=1000):
    return ["aab" * n]


def test_a_context_longer_than_a_window_is_learned_only_with_the_state_carried(
    monkeypatch,
):
    # In (aab)*, the symbol after an "a" depends on the one before it. With
    # windows of 2 steps, every other window starts on an "a" whose predecessor
    # is in the previous window: only the carried state can tell.
    settings = dict(SMALL, hidden_size=16, bptt=2, batch_size=16, max_iter=5, lr=2e-2)
    carried = RNNLanguageModel(**settings).fit(_period_three())
    window = StreamDataset.window

    def without_state(self, k):
        X, y = window(self, k)
        X["carry"] = torch.tensor(False)
        return X, y

    monkeypatch.setattr(StreamDataset, "window", without_state)
    reset = RNNLanguageModel(**settings).fit(_period_three())
    assert carried.loss_curve_[-1] < 0.05
    # Without it, half the predictions start a window, two thirds of those on an
    # "a" whose next symbol is a coin toss: ln(2) / 3 = 0.23 of loss that stays.
    assert reset.loss_curve_[-1] > 0.2


# --------------------------------------------------------------------------------------
# Weight tying
# --------------------------------------------------------------------------------------


def test_tied_weights_share_one_tensor():
    texts = ["hello world", "hold the door"]
    same = RNNLanguageModel(
        tie_weights=True, **dict(FAST, hidden_size=8, embedding_dim=8)
    ).fit(texts)
    module = same.net_.module_
    assert module.head.decoder.weight is module.encoder.embedding.weight
    assert module.head.projection is None
    names = [name for name, _ in module.named_parameters()]
    assert "head.decoder.weight" not in names  # one parameter, counted once

    projected = RNNLanguageModel(tie_weights=True, **FAST).fit(texts)
    module = projected.net_.module_
    assert module.head.projection.out_features == module.encoder.embedding.embedding_dim
    assert module.head.decoder.weight is module.encoder.embedding.weight
    untied = RNNLanguageModel(**FAST).fit(texts)
    n_tied = sum(p.numel() for p in projected.net_.module_.parameters())
    n_untied = sum(p.numel() for p in untied.net_.module_.parameters())
    assert n_tied < n_untied
    # Shared after training and after a pickle round trip.
    loaded = pickle.loads(pickle.dumps(projected))
    module = loaded.net_.module_
    assert module.head.decoder.weight is module.encoder.embedding.weight
    assert loaded.score(texts) == projected.score(texts)


# --------------------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def noisy():
    """A model with uncertain predictions (few epochs on random text)."""
    rng = np.random.default_rng(0)
    texts = ["".join(rng.choice(list("abcdef "), 30)) for _ in range(20)]
    return RNNLanguageModel(**FAST).fit(texts)


def test_sampling_is_reproducible_under_random_state(noisy):
    first = noisy.sample(max_length=40, random_state=0, n_samples=4)
    assert len(first) == 4 and all(isinstance(s, str) for s in first)
    assert noisy.sample(max_length=40, random_state=0, n_samples=4) == first
    assert noisy.sample(max_length=40, random_state=1, n_samples=4) != first
    rng = np.random.RandomState(3)
    assert noisy.sample(random_state=rng) != noisy.sample(random_state=rng)
    # Independent texts: the draws differ from row to row.
    assert len(set(first)) > 1


def test_temperature_zero_and_top_k_one_are_greedy(noisy):
    greedy = noisy.sample("ab", temperature=0, max_length=30)
    assert noisy.sample("ab", temperature=0, max_length=30, n_samples=3) == greedy * 3
    assert noisy.sample("ab", top_k=1, max_length=30, random_state=5) == greedy
    assert noisy.sample("ab", top_k=1, temperature=3.0, random_state=6) == (
        noisy.sample("ab", top_k=1, temperature=3.0, random_state=7)
    )


def test_temperature_and_top_k_shape_the_draws():
    generator = torch.Generator().manual_seed(0)
    logits = torch.tensor([[2.0, 1.0, 0.5, 0.0, -1.0]]).repeat(2000, 1)
    for top_k in (1, 2, 3):
        drawn = _choose(logits, 1.0, top_k, generator)
        assert set(drawn.tolist()) == set(range(top_k))
    cold = _choose(logits, 0.2, None, generator)
    hot = _choose(logits, 5.0, None, generator)
    assert (cold == 0).mean(dtype=torch.float32) > 0.9
    assert len(set(hot.tolist())) == 5
    assert (hot == 0).mean(dtype=torch.float32) < 0.4
    assert _choose(logits[:1], 0, None, generator).tolist() == [0]


def test_sampling_stops_at_the_end_or_at_max_length(abc):
    assert abc.sample(temperature=0, max_length=5) == ["abcab"]
    (text,) = abc.sample("abc", temperature=0, max_length=1)
    assert text == "abca"
    # The end symbol is never written: a model of two-symbol texts ends there.
    short = RNNLanguageModel(mode="sentence", **dict(SMALL, max_iter=60)).fit(
        ["xy"] * 20
    )
    assert short.sample(temperature=0) == ["xy"]
    assert all(len(s) <= 5 for s in short.sample(n_samples=10, max_length=5))


def test_sample_returns_the_prompt_and_its_continuation(words):
    (text,) = words.sample("the", temperature=0, max_length=3)
    assert text.startswith("the ") and len(text.split()) == 4
    (text,) = words.sample("the ", temperature=0, max_length=3)
    assert text.startswith("the ") and "  " not in text
    (text,) = words.sample("", temperature=0, max_length=3)
    assert len(text.split()) == 3 and not text.startswith(" ")
    # An unknown word in the prompt is read as the unknown symbol.
    (text,) = words.sample("zebra", temperature=0, max_length=2)
    assert text.startswith("zebra ")


# --------------------------------------------------------------------------------------
# Units, token lists and the vocabulary
# --------------------------------------------------------------------------------------


def test_characters_are_read_as_they_are():
    model = RNNLanguageModel(**FAST).fit(["Ab   c\n\nd", "é!"])
    assert set(model.vocabulary_) == set("Ab c\nd") | {"é", "!"}
    assert model.vocabulary_[" "] == 2  # the most frequent first
    assert model.vocab_size_ == len(model.vocabulary_) + 3
    lower = RNNLanguageModel(lowercase=True, **FAST).fit(["Ab", "aB"])
    assert set(lower.vocabulary_) == {"a", "b"}


def test_words_and_punctuation_are_symbols(words):
    assert {"the", "cat", ".", "!"} <= set(words.vocabulary_)
    assert words.vocabulary_["the"] == 2
    assert words.vectorizer_.vocabulary_ == words.vocabulary_
    assert words.vectorizer_.fixed_vocabulary_
    (text,) = words.sample(random_state=0, max_length=20)
    assert all(t in words.vocabulary_ or t == "<unk>" for t in text.split())
    # The fitted vectorizer maps text to the embedding's ids, in a clone too.
    ids = clone(words.vectorizer_).fit(["a new cat"]).transform(["the cat ran"])
    assert ids[0].tolist() == [
        words.vocabulary_["the"],
        words.vocabulary_["cat"],
        OOV_ID,
    ]


def test_min_frequency_and_max_vocabulary_make_rare_symbols_unknown():
    X = ["aaaabbbc"] * 3
    model = RNNLanguageModel(min_frequency=4, **FAST).fit(X)
    assert set(model.vocabulary_) == {"a", "b"}
    assert RNNLanguageModel(max_vocabulary=1, **FAST).fit(X).vocabulary_ == {"a": 2}
    # Unknown symbols are predicted (and scored) as the unknown symbol, which
    # sampling never draws.
    assert np.isfinite(model.score(["abcz"]))
    assert set("".join(model.sample(n_samples=20, random_state=0))) <= {"a", "b"}
    with pytest.raises(ValueError, match="min_frequency=100"):
        RNNLanguageModel(min_frequency=100, **FAST).fit(X)


def test_token_lists_in_token_lists_out():
    X = [text.split() for text in WORDS]
    model = RNNLanguageModel(**dict(SMALL, max_iter=10)).fit(X)
    assert model.input_type_ == "token_lists"
    (tokens,) = model.sample(["the"], temperature=0, max_length=4)
    assert tokens[0] == "the" and len(tokens) <= 5
    assert all(isinstance(t, str) for t in tokens)
    assert np.isfinite(model.score([["the", "cat"], []]))
    with pytest.raises(ValueError, match="lists of str tokens"):
        model.score(["the cat"])
    with pytest.raises(TypeError, match="list of str tokens"):
        model.sample("the")


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_errors_name_the_argument_and_the_fix(abc):
    model = RNNLanguageModel(**FAST)
    with pytest.raises(ValueError, match=r"single str.*\[X\]"):
        model.fit("abc")
    with pytest.raises(TypeError, match="must be a string"):
        model.fit([1.0, 2.0])
    with pytest.raises(ValueError, match="1D"):
        model.fit(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="0 texts"):
        model.fit([])
    with pytest.raises(ValueError, match="every text is empty"):
        model.fit(["", ""])
    with pytest.raises(ValueError, match="'mode' parameter"):
        RNNLanguageModel(mode="stateful").fit(["ab"])
    with pytest.raises(ValueError, match="'bptt' parameter"):
        RNNLanguageModel(bptt=0).fit(["ab"])
    with pytest.raises(NotFittedError):
        RNNLanguageModel().sample()
    with pytest.raises(NotFittedError):
        RNNLanguageModel().score(["ab"])
    for kwargs, name in [
        ({"temperature": -1.0}, "temperature"),
        ({"top_k": 0}, "top_k"),
        ({"max_length": 0}, "max_length"),
        ({"n_samples": 0}, "n_samples"),
        ({"prompt": 3}, "prompt"),
        ({"random_state": "x"}, "random_state"),
    ]:
        with pytest.raises(ValueError, match=f"'{name}' parameter of sample"):
            abc.sample(**kwargs)
    with pytest.raises(TypeError, match="prompt must be a str"):
        abc.sample(["a", "b"])
    with pytest.raises(ValueError, match="fitted on strings"):
        abc.score([["a", "b"]])


def test_sentence_mode_warns_about_a_very_long_text(monkeypatch):
    monkeypatch.setattr(language_model, "_LONG_SENTENCE", 20)
    with pytest.warns(UserWarning, match="mode='stream' reads long texts"):
        RNNLanguageModel(mode="sentence", **FAST).fit(["ab" * 11])


def test_inputs_are_not_changed():
    X = ["abc", "de f"]
    array = np.array(["abc", "de f"], dtype=object)
    series = pd.Series(["abc", "de f"])
    tokens = [["ab", "c"], ["d"]]
    copies = copy.deepcopy((X, array, series, tokens))
    for data in (X, array, series):
        model = RNNLanguageModel(**FAST).fit(data, X_val=None)
        model.score(data)
        model.sample(random_state=0)
    RNNLanguageModel(**FAST).fit(tokens).score(tokens)
    assert X == copies[0]
    np.testing.assert_array_equal(array, copies[1])
    pd.testing.assert_series_equal(series, copies[2])
    assert tokens == copies[3]


# --------------------------------------------------------------------------------------
# Training: early stopping, continuation, reproducibility
# --------------------------------------------------------------------------------------


def test_fits_are_reproducible_under_random_state():
    X = ["hello there", "general kenobi"] * 3
    a = RNNLanguageModel(**FAST).fit(X)
    b = RNNLanguageModel(**FAST).fit(X)
    assert a.loss_curve_ == b.loss_curve_
    assert a.score(X) == b.score(X)
    c = RNNLanguageModel(**dict(FAST, random_state=1)).fit(X)
    assert c.loss_curve_ != a.loss_curve_


@pytest.mark.parametrize("mode", ["stream", "sentence"])
def test_early_stopping_holds_out_validation_text(mode):
    X = ["abcabc", "bcabca", "cabcab"] * 10
    model = RNNLanguageModel(
        mode=mode, early_stopping=True, n_iter_no_change=3, **dict(SMALL, max_iter=8)
    ).fit(X)
    assert len(model.validation_loss_curve_) == model.n_iter_
    assert len(model.validation_scores_) == model.n_iter_
    # The validation score is the mean log-likelihood: minus the validation loss
    # (the loss averages per batch, the score per symbol).
    np.testing.assert_allclose(
        model.validation_scores_, -np.array(model.validation_loss_curve_), rtol=0.05
    )
    assert model.best_loss_ is None


def test_validation_texts_are_scored_as_score_does_in_sentence_mode():
    X = ["abcabc", "bcabca", "cabcab"] * 10
    X_val = ["abcab", "cabca", "bc"]
    model = RNNLanguageModel(mode="sentence", **dict(SMALL, max_iter=5)).fit(
        X, X_val=X_val
    )
    assert model.validation_scores_ is not None
    assert model.best_validation_score_ == pytest.approx(model.score(X_val), rel=1e-5)
    with pytest.raises(ValueError, match="early_stopping=False"):
        RNNLanguageModel(early_stopping=False, **FAST).fit(X, X_val=X_val)


def test_warm_start_continues_and_may_change_the_mode():
    X = ["abcabc", "bcabca"] * 5
    model = RNNLanguageModel(warm_start=True, **FAST).fit(X)
    weights = model.net_.module_.encoder.embedding.weight.detach().clone()
    vocabulary = model.vocabulary_
    model.set_params(mode="sentence").fit([*X, "xyz"])  # x, y, z: unknown
    assert model.vocabulary_ == vocabulary
    assert model.n_iter_ == 4
    assert not torch.equal(weights, model.net_.module_.encoder.embedding.weight)
    with pytest.raises(ValueError, match="hidden_size"):
        model.set_params(hidden_size=32).fit(X)


def test_partial_fit_trains_one_epoch_at_a_time():
    X = ["abcabc", "bcabca"] * 5
    model = RNNLanguageModel(**SMALL)
    model.partial_fit(X)
    model.partial_fit(X)
    assert model.n_iter_ == 2
    assert model.loss_curve_[1] < model.loss_curve_[0]


# --------------------------------------------------------------------------------------
# The encoder, persistence and the scikit-learn machinery
# --------------------------------------------------------------------------------------


def test_the_encoder_is_the_standard_one(words):
    encoder = words.encoder_
    assert isinstance(encoder, SequenceEncoder)
    assert encoder is words.net_.module_.encoder
    assert encoder.embedding.num_embeddings == words.vocab_size_
    assert len(encoder.forward_layers) == words.num_layers
    assert isinstance(encoder.forward_layers[0], torch.nn.LSTM)
    assert words.vectorizer_.vocab_size_ == words.vocab_size_ - 1  # + the end
    with pytest.raises(NotFittedError):
        RNNLanguageModel().encoder_  # noqa: B018


def test_pickle_and_clone_round_trip(words):
    loaded = pickle.loads(pickle.dumps(words))
    assert loaded.score(WORDS) == words.score(WORDS)
    assert loaded.sample(random_state=0, n_samples=3) == words.sample(
        random_state=0, n_samples=3
    )
    state = words.__getstate__()["net_"]
    assert isinstance(state, dict)  # the net as plain data
    cloned = clone(words)
    assert not hasattr(cloned, "net_")
    assert cloned.get_params() == words.get_params()


def test_pipeline_grid_search_and_cross_validation():
    X = ["abcabc", "bcabca", "cabcab", "abcab", "bcab", "cabca"] * 4
    lower = FunctionTransformer(lambda texts: [t.lower() for t in texts])
    pipe = make_pipeline(lower, RNNLanguageModel(**FAST)).fit([x.upper() for x in X])
    assert pipe.score(X) == pipe[-1].score(X)
    search = GridSearchCV(
        RNNLanguageModel(**dict(SMALL, max_iter=4)),
        {"hidden_size": [2, 24]},
        cv=2,
    ).fit(X)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(scores < 0)
    assert search.best_params_ == {"hidden_size": 24}
    assert search.best_estimator_.score(X) < 0
    assert cross_val_score(RNNLanguageModel(**FAST), X, cv=3).shape == (3,)


def test_threads_are_restored_and_tags_are_honest(abc):
    before = torch.get_num_threads()
    RNNLanguageModel(n_jobs=2, **FAST).fit(["abcabc"])
    assert torch.get_num_threads() == before
    tags = get_tags(abc)
    assert tags.input_tags.string
    assert not tags.input_tags.two_d_array
    assert not tags.target_tags.required


def test_a_vectorizer_is_what_tokenizes():
    model = RNNLanguageModel(unit="word", **FAST).fit(["Hello, world!"])
    assert isinstance(model.vectorizer_, SequenceVectorizer)
    assert model.vectorizer_.build_analyzer()("Hello, world!") == [
        "Hello",
        ",",
        "world",
        "!",
    ]


def test_fit_sets_fitted_attributes_only_and_keeps_the_parameters():
    X = ["hello there", "general kenobi"] * 3
    model = RNNLanguageModel(**FAST)
    params = copy.deepcopy(model.get_params())
    before = set(vars(model))
    model.fit(X)
    public = {k for k in set(vars(model)) - before if not k.startswith("_")}
    assert public and all(k.endswith("_") for k in public)
    assert model.get_params() == params
    first = model.score(X)
    assert model.fit(X).score(X) == first  # a refit starts afresh, the same


def test_skops_round_trip_trusts_only_the_estimator_and_its_tokenizer(words):
    sio = pytest.importorskip("skops.io")
    chars = RNNLanguageModel(**FAST).fit(["abc", "cab"])
    for model, texts in [(words, WORDS), (chars, ["abc", "bca"])]:
        data = sio.dumps(model)
        untrusted = sio.get_untrusted_types(data=data)
        assert set(untrusted) <= {
            "sklearn_rnn._language_model.RNNLanguageModel",
            "sklearn_rnn._language_model._characters",
            "sklearn_rnn._text.SequenceVectorizer",
        }
        loaded = sio.loads(data, trusted=untrusted)
        assert loaded.score(texts) == model.score(texts)
        assert loaded.sample(random_state=0) == model.sample(random_state=0)
