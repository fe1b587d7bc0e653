"""Transfer (encoder_init): a fitted model's embedding and recurrent layers as the
start of another estimator's encoder. The vocabulary alignment (token ids, words
and symbols matched by name, lowercasing, unknown words), the recurrent layers (a
new backward direction), the architecture taken from the source, freezing and
gradual unfreezing, discriminative learning rates, the scikit-learn machinery
(clone, cross-validation, FrozenEstimator), the source left untouched, errors,
persistence and continuation, and a data-parallel fit."""

import pickle

import numpy as np
import pytest
import torch
import torch.distributed as dist
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from skorch.callbacks import Callback
from torch import nn

from sklearn_rnn import (
    RNNClassifier,
    RNNLanguageModel,
    RNNRegressor,
    RNNSeq2Seq,
    RNNTagger,
    SequenceVectorizer,
    fit_data_parallel,
)
from sklearn_rnn._data import OOV_ID

# Tiny and on the CPU, where equal seeds give bit-for-bit equal fits.
LM_PARAMS = dict(
    unit="word",
    hidden_size=16,
    embedding_dim=8,
    num_layers=2,
    max_iter=3,
    random_state=0,
    device="cpu",
)
H = LM_PARAMS["hidden_size"]
FAST = dict(max_iter=2, random_state=0, device="cpu", early_stopping=False)

_NOUNS = ["cat", "dog", "bird", "mat", "log", "tree"]
_VERBS = ["sat", "ran", "saw"]
_WORDS = ["the", "a", "on", "under", "big", "small", *_NOUNS, *_VERBS]


def _sentences(n=40, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        det, noun, verb, prep, det2, noun2 = (
            rng.choice(["the", "a"]),
            rng.choice(_NOUNS),
            rng.choice(_VERBS),
            rng.choice(["on", "under"]),
            rng.choice(["the", "a", "big", "small"]),
            rng.choice(_NOUNS),
        )
        words = [det, noun, verb, prep, det2, noun2][: rng.integers(3, 7)]
        out.append(" ".join(words))
    return out


TEXTS = _sentences()
LABELS = np.array(["cat" in t.split() for t in TEXTS], dtype=int)
# "zebra" is only in the language model's texts: an id the others never see.
LM_TEXTS = [*TEXTS, "the zebra ran", "a zebra sat on the log"]
_TAGS = {"the": "D", "a": "D", "big": "A", "small": "A", "on": "P", "under": "P"}
WORD_LISTS = [t.split() for t in TEXTS]
TAG_LISTS = [[_TAGS.get(w, "V" if w in _VERBS else "N") for w in s] for s in WORD_LISTS]


@pytest.fixture(scope="module")
def lm():
    """A word-level language model: 2 LSTM layers of 16, embedding of 8."""
    return RNNLanguageModel(**LM_PARAMS).fit(LM_TEXTS)


def _pipeline(lm, **params):
    return make_pipeline(
        clone(lm.vectorizer_), RNNClassifier(encoder_init=lm, **{**FAST, **params})
    )


def _encoder(estimator):
    return estimator.net_.module_.encoder


def _embedding(estimator) -> torch.Tensor:
    return _encoder(estimator).embedding.weight.detach()


def _row(estimator, word) -> torch.Tensor:
    return _embedding(estimator)[estimator.vocabulary_[word]]


def _snapshot(module) -> dict:
    return {k: p.detach().clone() for k, p in module.named_parameters()}


def _group_of(optimizer, param):
    (group,) = [
        g for g in optimizer.param_groups if any(p is param for p in g["params"])
    ]
    return group


# --------------------------------------------------------------------------------------
# The embedding: ids and words of the estimator, rows of the source
# --------------------------------------------------------------------------------------


def test_classifier_takes_every_row_of_the_source_at_the_same_id(lm):
    pipe = _pipeline(lm, freeze_encoder=True).fit(TEXTS, LABELS)
    clf = pipe[-1]
    ids = pipe[0].transform(TEXTS)
    zebra = lm.vocabulary_["zebra"]
    assert zebra not in ids  # an id the training data lacks ...
    assert clf.vocab_size_ == lm.vocab_size_  # ... like the end symbol's
    assert torch.equal(_embedding(clf), _embedding(lm))  # all rows, id for id
    # A word only the source has seen is read as itself, not as unknown.
    proba = pipe.predict_proba(["the zebra ran", "the <unseen> ran"])
    assert proba.shape == (2, 2) and not np.allclose(proba[0], proba[1])
    # Not frozen, the embedding trains away from the source's.
    unfrozen = _pipeline(lm, lr=0.05).fit(TEXTS, LABELS)[-1]
    assert not torch.equal(_embedding(unfrozen), _embedding(lm))


def test_tagger_words_get_the_sources_row_of_the_same_word(lm):
    X = [*WORD_LISTS, ["the", "unicorn", "sat"]]
    y = [*TAG_LISTS, ["D", "N", "V"]]
    tagger = RNNTagger(encoder_init=lm, freeze_encoder=True, **FAST).fit(X, y)
    # Numbered by the tagger itself: ids other than the source's.
    assert any(tagger.vocabulary_[w] != lm.vocabulary_[w] for w in _WORDS)
    assert set(tagger.vocabulary_) == set(_WORDS) | {"unicorn"}
    for word in _WORDS:
        assert torch.equal(_row(tagger, word), _row(lm, word)), word
    # A word the source does not know: the source's unknown row.
    assert torch.equal(_row(tagger, "unicorn"), _embedding(lm)[OOV_ID])
    assert torch.equal(_embedding(tagger)[OOV_ID], _embedding(lm)[OOV_ID])
    # The tagger's own parts (character features) are new; its layers are the LM's.
    assert _encoder(tagger).chars is not None
    for mine, source in zip(
        _encoder(tagger).forward_layers, _encoder(lm).forward_layers, strict=True
    ):
        assert torch.equal(mine.weight_hh_l0, source.weight_hh_l0)


def test_a_lowercasing_source_matches_capitalised_words(lm):
    lower = RNNLanguageModel(**{**LM_PARAMS, "lowercase": True, "max_iter": 1})
    lower.fit([t.capitalize() for t in TEXTS])
    assert "the" in lower.vocabulary_ and "The" not in lower.vocabulary_
    X = [[w.capitalize() if i == 0 else w for i, w in enumerate(s)] for s in WORD_LISTS]
    tagger = RNNTagger(encoder_init=lower, freeze_encoder=True, **FAST)
    tagger.fit(X, TAG_LISTS)
    assert "The" in tagger.vocabulary_
    assert torch.equal(_row(tagger, "The"), _row(lower, "the"))
    assert torch.equal(_row(tagger, "the"), _row(lower, "the"))
    assert not torch.equal(_row(tagger, "The"), _embedding(lower)[OOV_ID])


def test_seq2seq_input_words_get_the_sources_rows(lm):
    X = TEXTS[:16]
    y = [t.split()[1] for t in X]  # the noun after the determiner
    model = RNNSeq2Seq(
        input_unit="word", encoder_init=lm, freeze_encoder=True, **FAST
    ).fit(X, y)
    assert set(model.vocabulary_) <= set(lm.vocabulary_)
    assert any(i != lm.vocabulary_[w] for w, i in model.vocabulary_.items())
    for word in model.vocabulary_:
        assert torch.equal(_row(model, word), _row(lm, word)), word
    # (Bidirectional by default: the second layer reads both directions.)
    mine, source = _encoder(model).forward_layers, _encoder(lm).forward_layers
    assert torch.equal(mine[0].weight_ih_l0, source[0].weight_ih_l0)
    # (Its input weights also read the new backward direction: they train.)
    assert not torch.equal(mine[1].weight_ih_l0[:, :H], source[1].weight_ih_l0)
    assert torch.equal(mine[1].weight_hh_l0, source[1].weight_hh_l0)
    assert isinstance(mine[0], nn.LSTM)
    assert len(model.predict(X[:3])) == 3


# --------------------------------------------------------------------------------------
# The recurrent layers
# --------------------------------------------------------------------------------------


def test_frozen_forward_layers_are_the_sources(lm):
    clf = _pipeline(lm, freeze_encoder=True).fit(TEXTS, LABELS)[-1]
    for mine, source in zip(
        _encoder(clf).forward_layers, _encoder(lm).forward_layers, strict=True
    ):
        for (key, a), (_, b) in zip(
            mine.state_dict().items(), source.state_dict().items(), strict=True
        ):
            assert torch.equal(a, b), key


def test_a_new_backward_direction_beside_the_sources_forward_one(lm):
    snapshots = Snapshots()
    clf = _pipeline(
        lm, freeze_encoder=True, bidirectional=True, callbacks=[snapshots]
    ).fit(TEXTS, LABELS)[-1]
    # What the source did not have trains; what it had stays frozen, except the
    # input weights of layer 2, which also read the new backward direction.
    changed = snapshots.changed(1)
    assert _changed_groups(changed) == {"head", "backward0", "backward1", "layer1"}
    assert {n for n in changed if n.startswith("encoder.forward")} == {
        "encoder.forward_layers.1.weight_ih_l0"
    }
    encoder, source = _encoder(clf), _encoder(lm)
    assert len(encoder.backward_layers) == 2
    assert torch.equal(
        encoder.forward_layers[0].weight_ih_l0, source.forward_layers[0].weight_ih_l0
    )
    # Layer 2 reads both directions: it starts with the source's weights for the
    # forward half of its input and zeros for the backward half (so it computes
    # what the source did), and learns to read the backward half.
    start = snapshots.states[0]["encoder.forward_layers.1.weight_ih_l0"]
    assert start.shape == (4 * H, 2 * H)
    assert torch.equal(start[:, :H], source.forward_layers[1].weight_ih_l0)
    assert not start[:, H:].any()
    assert encoder.forward_layers[1].weight_ih_l0[:, H:].any()
    assert torch.equal(
        encoder.forward_layers[1].weight_hh_l0, source.forward_layers[1].weight_hh_l0
    )
    # The backward layers are new: neither the source's forward weights nor zeros.
    for i, layer in enumerate(encoder.backward_layers):
        assert not torch.equal(
            layer.weight_hh_l0, source.forward_layers[i].weight_hh_l0
        )
        assert layer.weight_hh_l0.abs().sum() > 0
    assert not torch.equal(
        encoder.backward_layers[0].weight_ih_l0, source.forward_layers[0].weight_ih_l0
    )


# --------------------------------------------------------------------------------------
# The architecture comes from the source
# --------------------------------------------------------------------------------------


def test_defaults_take_the_sources_architecture(lm):
    clf = _pipeline(lm, max_iter=1).fit(TEXTS, LABELS)[-1]
    encoder = _encoder(clf)
    assert len(encoder.forward_layers) == 2
    for layer in encoder.forward_layers:
        assert isinstance(layer, nn.LSTM)  # the classifier's default is a GRU
        assert layer.hidden_size == H
    assert encoder.embedding.embedding_dim == 8
    assert clf.net_.module_.head.in_features == H
    # The parameters themselves are left as they were.
    assert clf.get_params()["cell"] == "gru" and clf.hidden_size == 64


def test_a_conflicting_setting_is_refused_and_the_sources_accepted(lm):
    pipe = _pipeline(lm, hidden_size=7)
    with pytest.raises(ValueError, match=r"hidden_size=7 \(the source's: 16\)"):
        pipe.fit(TEXTS, LABELS)
    assert not hasattr(pipe[-1], "net_")
    with pytest.raises(ValueError, match="num_layers=3"):
        _pipeline(lm, num_layers=3, cell="lstm").fit(TEXTS, LABELS)
    same = dict(cell="lstm", hidden_size=H, num_layers=2, embedding_dim=8, max_iter=1)
    clf = _pipeline(lm, **same).fit(TEXTS, LABELS)[-1]
    assert isinstance(_encoder(clf).forward_layers[1], nn.LSTM)


# --------------------------------------------------------------------------------------
# Freezing, gradual unfreezing, discriminative learning rates
# --------------------------------------------------------------------------------------


class Snapshots(Callback):
    """The module's parameters at the start of training and after each epoch."""

    def __init__(self):
        self.states = []

    def on_train_begin(self, net, **kwargs):
        self.states = [_snapshot(net.module_)]

    def on_epoch_end(self, net, **kwargs):
        self.states.append(_snapshot(net.module_))

    def changed(self, epoch: int) -> set:
        """Names of the parameters that epoch ``epoch`` (1-based) changed."""
        before, after = self.states[epoch - 1], self.states[epoch]
        return {k for k in after if not torch.equal(before[k], after[k])}


def _changed_groups(names) -> set:
    """Parameter names as the parts they belong to."""
    parts = set()
    for name in names:
        if name.startswith("encoder.forward_layers."):
            parts.add("layer" + name.split(".")[2])
        elif name.startswith("encoder.backward_layers."):
            parts.add("backward" + name.split(".")[2])
        elif name.startswith("encoder.embedding"):
            parts.add("embedding")
        else:
            parts.add(name.split(".")[0])
    return parts


def test_gradual_unfreezing_trains_one_more_layer_per_epoch_from_the_top(lm):
    snapshots = Snapshots()
    clf = _pipeline(
        lm,
        unfreeze_every=1,
        max_iter=4,
        lr=0.01,
        lr_schedule="constant",
        callbacks=[snapshots],
    ).fit(TEXTS, LABELS)[-1]
    assert len(snapshots.states) == 5
    assert _changed_groups(snapshots.changed(1)) == {"head"}
    assert _changed_groups(snapshots.changed(2)) == {"head", "layer1"}
    assert _changed_groups(snapshots.changed(3)) == {"head", "layer1", "layer0"}
    assert _changed_groups(snapshots.changed(4)) == {
        "head",
        "layer1",
        "layer0",
        "embedding",
    }
    # Every weight of a layer trains with it.
    assert {k for k in snapshots.changed(2) if "layers.1" in k} == {
        f"encoder.forward_layers.1.{key}"
        for key in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    }
    assert all(p.requires_grad for p in clf.net_.module_.parameters())


def test_every_two_epochs_and_freeze_encoder(lm):
    snapshots = Snapshots()
    _pipeline(
        lm, unfreeze_every=2, max_iter=3, lr_schedule="constant", callbacks=[snapshots]
    ).fit(TEXTS, LABELS)
    assert [_changed_groups(snapshots.changed(e)) for e in (1, 2, 3)] == [
        {"head"},
        {"head"},
        {"head", "layer1"},
    ]
    frozen = Snapshots()
    clf = _pipeline(lm, freeze_encoder=True, max_iter=2, callbacks=[frozen]).fit(
        TEXTS, LABELS
    )[-1]
    assert _changed_groups(frozen.changed(1) | frozen.changed(2)) == {"head"}
    # Trainable again for whatever comes next.
    assert all(p.requires_grad for p in clf.net_.module_.parameters())


def test_a_frozen_embedding_stays_frozen_when_the_layers_unfreeze(lm):
    snapshots = Snapshots()
    clf = _pipeline(
        lm,
        unfreeze_every=1,
        freeze_embedding=True,
        max_iter=4,
        lr_schedule="constant",
        callbacks=[snapshots],
    ).fit(TEXTS, LABELS)[-1]
    assert _changed_groups(snapshots.changed(4)) == {"head", "layer1", "layer0"}
    assert torch.equal(_embedding(clf), _embedding(lm))
    assert not _encoder(clf).embedding.weight.requires_grad
    assert _encoder(clf).forward_layers[0].weight_ih_l0.requires_grad


def test_discriminative_learning_rates_per_depth(lm):
    lr = 0.01
    clf = _pipeline(lm, encoder_lr_decay=0.5, lr=lr, lr_schedule="constant").fit(
        TEXTS, LABELS
    )[-1]
    module, optimizer = clf.net_.module_, clf.net_.optimizer_
    encoder = module.encoder
    assert len(optimizer.param_groups) == 4
    expected = {
        module.head.weight: 1.0,
        module.head.bias: 1.0,
        encoder.forward_layers[1].weight_hh_l0: 0.5,
        encoder.forward_layers[1].bias_ih_l0: 0.5,
        encoder.forward_layers[0].weight_ih_l0: 0.25,
        encoder.embedding.weight: 0.125,
    }
    for param, scale in expected.items():
        group = _group_of(optimizer, param)
        assert group["lr"] == pytest.approx(lr * scale)
        assert group["lr_scale"] == scale
    # Every parameter is in exactly one group.
    n_params = sum(len(g["params"]) for g in optimizer.param_groups)
    assert n_params == len(list(module.parameters()))
    # The cosine schedule keeps the shares at every step.
    seen = []

    class Rates(Callback):
        def on_batch_end(self, net, training=False, **kwargs):
            if training:
                seen.append(
                    [(g["lr_scale"], g["lr"]) for g in net.optimizer_.param_groups]
                )

    _pipeline(lm, encoder_lr_decay=0.5, lr=lr, max_iter=3, callbacks=[Rates()]).fit(
        TEXTS, LABELS
    )
    assert len({rates[0][1] for rates in seen}) > 1  # (the schedule did change lr)
    for rates in seen:
        top = dict(rates)[1.0]
        assert 0 < top <= lr
        for scale, rate in rates:
            assert rate == pytest.approx(top * scale)
    # No decay: one group, as without encoder_init.
    one = _pipeline(lm, encoder_lr_decay=1.0).fit(TEXTS, LABELS)[-1]
    assert len(one.net_.optimizer_.param_groups) == 1


# --------------------------------------------------------------------------------------
# scikit-learn: clone, model selection, FrozenEstimator; the source is only read
# --------------------------------------------------------------------------------------


def test_clone_shares_the_fitted_source(lm):
    clf = RNNClassifier(encoder_init=lm, freeze_encoder=True)
    copy = clone(clf)
    assert copy.encoder_init is lm
    assert copy.freeze_encoder is True
    assert clone(make_pipeline(clone(lm.vectorizer_), clf))[-1].encoder_init is lm
    assert hasattr(lm, "net_")


def test_cross_validation_and_grid_search(lm):
    net = lm.net_
    scores = cross_val_score(
        _pipeline(lm, max_iter=1), TEXTS, LABELS, cv=KFold(2), error_score="raise"
    )
    assert scores.shape == (2,) and np.isfinite(scores).all()
    search = GridSearchCV(
        _pipeline(lm, max_iter=1),
        {"rnnclassifier__freeze_encoder": [True, False]},
        cv=KFold(2),
        n_jobs=1,
        error_score="raise",
        # Refit the frozen candidate, whose layers must still be the source's.
        refit=lambda results: list(
            results["param_rnnclassifier__freeze_encoder"]
        ).index(True),
    )
    search.fit(TEXTS, LABELS)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_[-1]
    assert best.freeze_encoder is True
    assert best.encoder_init is lm and lm.net_ is net  # shared, never refitted
    assert best.vocab_size_ == lm.vocab_size_
    assert torch.equal(_embedding(best), _embedding(lm))
    assert torch.equal(
        _encoder(best).forward_layers[1].weight_hh_l0,
        _encoder(lm).forward_layers[1].weight_hh_l0,
    )
    assert not hasattr(search.estimator[-1], "net_")


def test_a_frozen_estimator_as_the_source(lm):
    frozen = FrozenEstimator(lm)
    pipe = make_pipeline(
        clone(lm.vectorizer_),
        RNNClassifier(encoder_init=frozen, freeze_encoder=True, **FAST),
    )
    clf = pipe.fit(TEXTS, LABELS)[-1]
    assert torch.equal(_embedding(clf), _embedding(lm))
    assert clone(clf).encoder_init is frozen
    scores = cross_val_score(clone(pipe), TEXTS, LABELS, cv=KFold(2))
    assert np.isfinite(scores).all()


def test_fine_tuning_leaves_the_source_unchanged(lm):
    before = {k: v.clone() for k, v in lm.net_.module_.state_dict().items()}
    vocabulary = dict(lm.vocabulary_)
    clf = _pipeline(lm, lr=0.05, bidirectional=True).fit(TEXTS, LABELS)[-1]
    after = lm.net_.module_.state_dict()
    assert after.keys() == before.keys()
    for key, value in before.items():
        assert torch.equal(after[key], value), key
    assert lm.vocabulary_ == vocabulary
    # (The classifier did train its copy.)
    assert not torch.equal(_embedding(clf), _embedding(lm))
    assert not any(
        p is q
        for p in clf.net_.module_.parameters()
        for q in lm.net_.module_.parameters()
    )


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------


def test_an_unfitted_source_is_refused_and_nothing_is_fitted(lm):
    pipe = _pipeline(lm)
    pipe[-1].set_params(encoder_init=RNNLanguageModel(unit="word"))
    with pytest.raises(NotFittedError, match="encoder_init is a RNNLanguageModel"):
        pipe.fit(TEXTS, LABELS)
    assert not hasattr(pipe[-1], "net_")
    assert not hasattr(pipe[-1], "vocab_size_")


@pytest.mark.parametrize(
    "source", [{"net_": None}, np.zeros((3, 4))], ids=["dict", "array"]
)
def test_a_non_estimator_source_is_a_type_error(lm, source):
    pipe = _pipeline(lm)
    pipe[-1].set_params(encoder_init=source)
    with pytest.raises(TypeError, match="encoder_init must be a fitted sklearn_rnn"):
        pipe.fit(TEXTS, LABELS)
    assert not hasattr(pipe[-1], "net_")


def test_numeric_input_is_refused(lm):
    X = np.random.default_rng(0).normal(size=(10, 5, 2)).astype(np.float32)
    clf = RNNClassifier(encoder_init=lm, **FAST)
    with pytest.raises(ValueError, match="X is numeric"):
        clf.fit(X, np.arange(10) % 2)
    assert not hasattr(clf, "net_")


def test_ids_beyond_the_sources_rows_are_refused(lm):
    X = np.array([[2, 3, lm.vocab_size_ + 4], [2, 5, 0]] * 4)
    with pytest.raises(ValueError, match=r"vectorizer"):
        RNNClassifier(encoder_init=lm, **FAST).fit(X, [0, 1] * 4)
    # Ids within its rows are taken as the source's.
    ok = RNNClassifier(encoder_init=lm, freeze_encoder=True, **FAST)
    ok.fit(np.array([[2, 3, 4], [2, 5, 0]] * 4), [0, 1] * 4)
    assert torch.equal(_embedding(ok), _embedding(lm))


def test_embedding_init_and_encoder_init_are_exclusive(lm):
    clf = RNNClassifier(
        encoder_init=lm, embedding_init=np.zeros((lm.vocab_size_, 8)), **FAST
    )
    with pytest.raises(ValueError, match="embedding_init and encoder_init both"):
        make_pipeline(clone(lm.vectorizer_), clf).fit(TEXTS, LABELS)


def test_a_source_of_other_units_is_refused(lm):
    chars = RNNLanguageModel(hidden_size=8, embedding_dim=4, max_iter=1, random_state=0)
    chars.fit(TEXTS[:10])
    with pytest.raises(ValueError, match=r"encoder_init reads chars.*words"):
        RNNTagger(encoder_init=chars, **FAST).fit(WORD_LISTS, TAG_LISTS)


def test_a_source_without_an_embedding_is_refused(lm):
    X = np.random.default_rng(0).normal(size=(8, 5, 2)).astype(np.float32)
    numeric = RNNClassifier(hidden_size=4, max_iter=1, random_state=0).fit(
        X, np.arange(8) % 2
    )
    clf = RNNClassifier(encoder_init=numeric, **FAST)
    with pytest.raises(ValueError, match="fitted on numeric input"):
        make_pipeline(clone(lm.vectorizer_), clf).fit(TEXTS, LABELS)
    assert not hasattr(clf, "net_")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"encoder_lr_decay": 0.0}, "encoder_lr_decay"),
        ({"encoder_lr_decay": 1.5}, "encoder_lr_decay"),
        ({"unfreeze_every": 0}, "unfreeze_every"),
        ({"freeze_encoder": "yes"}, "freeze_encoder"),
        (
            {"freeze_encoder": True, "unfreeze_every": 1},
            "freeze_encoder=True .* unfreeze_every=1",
        ),
    ],
)
def test_bad_transfer_settings_are_named(lm, params, match):
    with pytest.raises(ValueError, match=match):
        _pipeline(lm, **params).fit(TEXTS, LABELS)


@pytest.mark.parametrize("filters", [(12,), (4,)])
def test_a_convolutional_front_end_is_refused(lm, filters):
    clf = RNNClassifier(
        encoder_init=lm,
        front_end="conv",
        conv_filters=filters,
        conv_kernel_sizes=(3,),
        **FAST,
    )
    with pytest.raises(ValueError, match="front_end"):
        make_pipeline(clone(lm.vectorizer_), clf).fit(TEXTS, LABELS)


def test_a_source_that_knows_few_of_the_words_is_warned_about(lm):
    X = [["xx", "yy", "the"], ["zz", "ww"], ["vv", "uu", "a"]] * 4
    y = [["N", "N", "D"], ["N", "N"], ["N", "N", "D"]] * 4
    with pytest.warns(UserWarning, match=r"encoder_init knows 2 of the 8 words"):
        RNNTagger(encoder_init=lm, **FAST).fit(X, y)


# --------------------------------------------------------------------------------------
# Persistence and continuation
# --------------------------------------------------------------------------------------


def test_a_pickled_pipeline_predicts_the_same(lm):
    pipe = _pipeline(lm, encoder_lr_decay=0.5).fit(TEXTS, LABELS)
    again = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(again.predict_proba(TEXTS), pipe.predict_proba(TEXTS))
    groups = again[-1].net_.optimizer_.param_groups
    assert sorted(g["lr_scale"] for g in groups) == [0.125, 0.25, 0.5, 1.0]


def test_warm_start_keeps_and_rebuilds_the_learning_rate_groups(lm):
    pipe = _pipeline(
        lm, encoder_lr_decay=0.5, warm_start=True, lr=0.01, lr_schedule="constant"
    ).fit(TEXTS, LABELS)
    clf = pipe[-1]
    pipe.fit(TEXTS, LABELS)
    assert clf.n_iter_ == 4
    groups = clf.net_.optimizer_.param_groups
    scales = sorted(g["lr_scale"] for g in groups)
    assert scales == [0.125, 0.25, 0.5, 1.0]
    assert [g["lr"] for g in groups] == pytest.approx(
        [0.01 * g["lr_scale"] for g in groups]
    )
    clf.set_params(encoder_lr_decay=0.1)
    pipe.fit(TEXTS, LABELS)
    assert clf.n_iter_ == 6
    module, optimizer = clf.net_.module_, clf.net_.optimizer_
    assert _group_of(optimizer, module.encoder.embedding.weight)["lr"] == (
        pytest.approx(0.01 * 0.1**3)
    )
    assert _group_of(optimizer, module.head.weight)["lr"] == pytest.approx(0.01)
    clf.set_params(encoder_lr_decay=1.0)
    pipe.fit(TEXTS, LABELS)
    assert len(clf.net_.optimizer_.param_groups) == 1


def test_gradual_unfreezing_goes_on_in_a_continuation(lm):
    snapshots = Snapshots()
    pipe = _pipeline(
        lm,
        unfreeze_every=1,
        max_iter=1,
        warm_start=True,
        lr_schedule="constant",
        callbacks=[snapshots],
    ).fit(TEXTS, LABELS)
    assert _changed_groups(snapshots.changed(1)) == {"head"}
    pipe.fit(TEXTS, LABELS)  # the second epoch of the estimator
    assert _changed_groups(snapshots.changed(1)) == {"head", "layer1"}
    # partial_fit: one epoch a call, the schedule going on from call to call.
    ids = clone(lm.vectorizer_).fit_transform(TEXTS)
    clf = RNNClassifier(
        encoder_init=lm, unfreeze_every=1, callbacks=[snapshots], **FAST
    )
    changed = []
    for _ in range(3):
        clf.partial_fit(ids, LABELS, classes=[0, 1])
        changed.append(_changed_groups(snapshots.changed(1)))
    assert changed == [{"head"}, {"head", "layer1"}, {"head", "layer1", "layer0"}]


def test_a_failed_continuation_leaves_no_layer_frozen(lm):
    class Fail(Callback):
        def on_epoch_end(self, net, **kwargs):
            raise RuntimeError("a user's callback failed")

    ids = clone(lm.vectorizer_).fit_transform(TEXTS)
    clf = RNNClassifier(encoder_init=lm, freeze_encoder=True, warm_start=True, **FAST)
    clf.fit(ids, LABELS)
    clf.set_params(callbacks=[Fail()])
    with pytest.raises(RuntimeError, match="a user's callback failed"):
        clf.fit(ids, LABELS)
    snapshots = Snapshots()
    clf.set_params(freeze_encoder=False, callbacks=[snapshots]).fit(ids, LABELS)
    assert "embedding" in _changed_groups(snapshots.changed(1))
    assert all(p.requires_grad for p in clf.net_.module_.parameters())


def test_a_model_fitted_without_transfer_attributes_can_be_continued(lm):
    ids = clone(lm.vectorizer_).fit_transform(TEXTS)
    clf = RNNClassifier(warm_start=True, **FAST).fit(ids, LABELS)
    # As saved by the version before encoder_init (pickle or save_weights).
    del clf.__dict__["_transfer_depths"], clf.__dict__["_encoder_architecture"]
    clf.fit(ids, LABELS)
    assert clf.n_iter_ == 4


# --------------------------------------------------------------------------------------
# Regression, data-parallel
# --------------------------------------------------------------------------------------


def test_regressor_learns_from_the_transferred_encoder(lm):
    y = np.array([len(t.split()) for t in TEXTS], dtype=float)
    pipe = make_pipeline(
        clone(lm.vectorizer_),
        RNNRegressor(encoder_init=lm, lr=0.01, **{**FAST, "max_iter": 30}),
    ).fit(TEXTS, y)
    predicted = pipe.predict(TEXTS)
    assert predicted.shape == (len(TEXTS),)
    # Far better than the training mean (whose squared error is the variance).
    assert np.mean((predicted - y) ** 2) < 0.1 * np.var(y)


@pytest.mark.skipif(not dist.is_available(), reason="no torch.distributed")
def test_gradual_unfreezing_data_parallel_as_one_process(lm, group_of_one):
    ids = clone(lm.vectorizer_).fit_transform(TEXTS)
    params = dict(
        FAST, encoder_init=lm, unfreeze_every=1, max_iter=4, lr_schedule="constant"
    )
    alone = RNNClassifier(**params).fit(ids, LABELS)
    parallel = fit_data_parallel(RNNClassifier(**params), ids, LABELS)
    np.testing.assert_allclose(parallel.loss_curve_, alone.loss_curve_, rtol=1e-6)
    for (key, a), (_, b) in zip(
        parallel.net_.module_.state_dict().items(),
        alone.net_.module_.state_dict().items(),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6, err_msg=key)
    assert "_ddp_module" not in parallel.net_.__dict__


def test_a_source_that_numbered_its_words_is_refused_for_token_ids(lm):
    # A tagger fitted on words numbered them itself: token ids from a vectorizer
    # are other numbers, so its rows cannot be matched to them.
    tagger = RNNTagger(hidden_size=8, embedding_dim=4, **FAST)
    tagger.fit(WORD_LISTS, TAG_LISTS)
    clf = RNNClassifier(encoder_init=tagger, **FAST)
    with pytest.raises(ValueError, match="numbered the words of its X itself"):
        make_pipeline(SequenceVectorizer(), clf).fit(TEXTS, LABELS)
    # Given the words, the tagger as a source of another tagger is matched by name.
    other = RNNTagger(encoder_init=tagger, freeze_encoder=True, **FAST)
    other.fit(WORD_LISTS, TAG_LISTS)
    assert torch.equal(_row(other, "cat"), _row(tagger, "cat"))


def test_a_continuation_keeps_the_sources_architecture(lm):
    pipe = _pipeline(lm, warm_start=True).fit(TEXTS, LABELS)
    pipe[-1].set_params(hidden_size=7)
    with pytest.raises(ValueError, match="hidden_size=7"):
        pipe.fit(TEXTS, LABELS)


def test_save_weights_asks_to_drop_the_source_which_the_weights_hold(lm, tmp_path):
    pytest.importorskip("safetensors")
    from sklearn_rnn import load_weights, save_weights

    ids = lm.vectorizer_.transform(TEXTS)
    clf = RNNClassifier(encoder_init=lm, encoder_lr_decay=0.5, **FAST).fit(ids, LABELS)
    with pytest.raises(ValueError, match=r"set_params\(encoder_init=None\)"):
        save_weights(clf, tmp_path / "model.safetensors")
    clf.set_params(encoder_init=None)
    save_weights(clf, tmp_path / "model.safetensors")
    loaded = load_weights(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(loaded.predict_proba(ids), clf.predict_proba(ids))
    scales = [g["lr_scale"] for g in loaded.net_.optimizer_.param_groups]
    assert scales == [1.0, 0.5, 0.25, 0.125]
