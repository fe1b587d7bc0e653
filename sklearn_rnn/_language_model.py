"""The language-model estimator: :class:`RNNLanguageModel`, the next symbol of text."""

from __future__ import annotations

import math
from collections import Counter
from itertools import chain, repeat
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback
from skorch.dataset import unpack_data
from torch import nn

from . import _distributed as data_parallel
from ._base import BaseRNN
from ._data import IGNORED_STEP, OOV_ID, inference_batches
from ._estimators import _PARAMETERS_END_DOC
from ._lm_data import SentenceDataset, StreamDataset, Texts
from ._lm_network import LanguageModelNetwork
from ._text import OOV_TOKEN, SequenceVectorizer
from ._warnings import warn

__all__ = ["RNNLanguageModel"]

UNITS = ("char", "word")
MODES = ("stream", "sentence")

#: The default ``token_pattern`` of ``unit="word"``: words and punctuation marks.
WORD_PATTERN = r"(?u)\b\w+\b|[^\w\s]"

#: ``batch_size="auto"`` in stream mode: this many parallel rows.
_AUTO_STREAM_ROWS = 32

#: ``mode="sentence"`` warns when a text is longer than this many steps (it is
#: back-propagated through whole).
_LONG_SENTENCE = 10_000

#: Scoring runs the recurrent layers over at most this many steps at a time,
#: carrying the state (a text of any length takes bounded memory) ...
_SCORE_STEPS = 1024
#: ... and the output layer over at most this many logits at a time.
_SCORE_LOGITS = 2**22


def _characters(doc: str) -> list[str]:
    """Every character of ``doc``, white space included, as it is."""
    return list(doc)


def _lowercase_characters(doc: str) -> list[str]:
    """Every character of ``doc`` lowercased, white space included."""
    return list(doc.lower())


class LogLikelihoodScore(Callback):
    """Records ``valid_score``: the validation set's mean log-likelihood per
    predicted symbol (natural log), what :meth:`RNNLanguageModel.score` gives.

    Summed batch by batch from the validation pass skorch already makes for the
    validation loss; no output is kept (a word model's outputs over a large
    validation set would not fit in memory).
    """

    #: Set to None by the estimator after a fit, as for ValidationScore.
    score = None

    def on_epoch_begin(self, net, **kwargs):
        self.total_, self.count_ = 0.0, 0

    def on_batch_end(self, net, batch, training, y_pred=None, **kwargs):
        if training:
            return
        _, y = unpack_data(batch)
        targets = y[0] if isinstance(y, (tuple, list)) else y
        targets = targets.to(y_pred.device)
        valid = targets != IGNORED_STEP
        logp = torch.log_softmax(y_pred.detach().float(), dim=-1)
        picked = torch.gather(logp, -1, targets.clamp(min=0).unsqueeze(-1))
        self.total_ += float(picked.squeeze(-1)[valid].double().sum())
        self.count_ += int(valid.sum())

    def on_epoch_end(self, net, **kwargs):
        score = self.total_ / self.count_ if self.count_ else float("nan")
        net.history.record("valid_score", score)


_LM_PARAMETERS_DOC = """
    Parameters
    ----------
    unit : {"char", "word"}, default="char"
        The symbols of text: every character as it is (white space, line breaks
        and case included), or the tokens of
        :class:`SequenceVectorizer`'s word analyzer with ``token_pattern`` (words
        and punctuation marks by default). Lists of str tokens are read as the
        tokens they hold, whatever the unit. The unit of the last fit holds until
        the next fit.
    mode : {"stream", "sentence"}, default="stream"
        How training reads the texts. ``"stream"``: joined end to end (each after
        an end symbol) into one stream, cut into ``batch_size`` parallel rows
        read in windows of ``bptt`` steps; each window starts from the
        recurrent state the previous one ended with, its gradient cut there
        (truncated back-propagation through time, the "stateful" RNN of Keras),
        and the state starts from zeros at every epoch. For long texts, and
        for short ones too. ``"sentence"``: every text a sequence of its own,
        from a zero state, in length-bucketed batches; a text is back-propagated
        through whole, so it suits collections of short texts (sentences, messages)
        only. Either way a text's first symbol is predicted after the end symbol
        and its end after its last symbol. The mode may change between the fits
        that ``warm_start`` continues.
    bptt : int, default=100
        ``mode="stream"``: steps per window, the horizon of back-propagation
        through time (the state carries information further).
    tie_weights : bool, default=False
        Use the embedding matrix as the output layer's weights too (Press & Wolf
        2017; Inan, Khosravi & Socher 2017): fewer parameters, often a better
        model of words. When ``hidden_size != embedding_dim``, a linear projection
        to ``embedding_dim`` comes before the output layer.
    lowercase : bool, default=False
        Lowercase the text (or each token) first.
    token_pattern : str, default=r"(?u)\\b\\w+\\b|[^\\w\\s]"
        ``unit="word"``: the regular expression of a token (see
        :class:`SequenceVectorizer`); the default keeps words and every
        punctuation mark as tokens.
    min_frequency : int, default=1
        Symbols seen fewer times than this in the training text are read as
        the unknown symbol.
    max_vocabulary : int or None, default=None
        Keep only this many of the most frequent symbols (ties broken
        alphabetically); the others are read as the unknown symbol. None keeps
        all.
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}, default="lstm"
        The recurrent cell.
    hidden_size : int, default=256
        Features of the hidden state of each recurrent layer.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    dropout : float, default=0.0
        Dropout on the embeddings, between recurrent layers and before the
        output layer.
    embedding_dim : int, default=64
        Size of the learned embedding of the symbols.
    max_iter : int or "auto", default="auto"
        Maximum number of epochs. ``"auto"``: as many as make 1,500 optimizer
        steps, at least 10 and at most 1,000 epochs.
    batch_size : int or "auto", default="auto"
        ``mode="stream"``: the parallel rows of the stream (fewer when the text
        is too short to give every row ``bptt`` symbols); ``"auto"`` is 32.
        ``mode="sentence"``: texts per minibatch; ``"auto"`` is a quarter of
        the texts, at least 1 and at most 32.
    lr : float, default=3e-3
        Peak learning rate.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"}, default="adam"
        The optimizer.
    weight_decay : float, default=0.0
        L2 penalty (decoupled weight decay for ``"adamw"``).
    momentum : float, default=0.9
        Momentum of ``"sgd"`` and ``"rmsprop"``.
    clip_grad_norm : float or None, default=5.0
        Clip the gradient's global L2 norm to this value before each step.
    lr_schedule : {"cosine", "constant", "plateau"}, default="cosine"
        The learning-rate schedule (see :class:`RNNClassifier`).
    early_stopping : bool or "auto", default="auto"
        Stop when the validation loss (per predicted symbol) has not improved by
        ``tol`` for ``n_iter_no_change`` epochs and restore the best epoch's
        weights. The validation set is ``X_val`` when passed to :meth:`fit`,
        else the last ``validation_fraction`` of the stream's symbols
        (``mode="stream"``) or that share of the texts, drawn at random
        (``mode="sentence"``). ``"auto"``: on when ``X_val`` is passed or there
        are more than 10,000 training samples: windows of ``bptt`` symbols in
        stream mode, texts in sentence mode.
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping`` when no
        ``X_val`` is passed.
    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before training stops.
    tol : float, default=1e-4
        Smallest decrease of the monitored loss that counts as an improvement.
    warm_start : bool, default=False
        When True, ``fit`` continues training the fitted network (on the
        vocabulary of the first fit).
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks run during training.
    mixed_precision : bool, default=False
        Float16 autocast with a gradient scaler on CUDA devices.
"""


class RNNLanguageModel(BaseRNN):
    __doc__ = (
        """Recurrent language model: the probability of text, and text sampled from it.

    A character- or word-level language model: the library's encoder (an
    embedding of the symbols and a recurrent stack) with an output layer that
    predicts, at every step, the next symbol, trained with the cross-entropy of
    every next symbol and of each text's end. Text goes in as strings (or lists
    of str tokens); the vocabulary, an unknown symbol and an end symbol are
    handled internally.

    ``score`` is the mean log-likelihood per predicted symbol (natural log;
    higher is better, so model selection maximises it), :meth:`perplexity` its
    ``exp(-score)``, :meth:`log_likelihood` the log-probability of each text, and
    :meth:`sample` generates text, from a prompt or from scratch.

    The fitted embedding and recurrent layers are the standard encoder of the
    library's other estimators (``encoder_``, with the symbols' ids in
    ``vectorizer_``), from which another model can start.
"""
        + _LM_PARAMETERS_DOC
        + _PARAMETERS_END_DOC
        + """
    Attributes
    ----------
    vectorizer_ : SequenceVectorizer
        The fitted tokenizer, with the model's vocabulary fixed
        (``vectorizer_.vocabulary_`` is ``vocabulary_``): its ids are the rows of
        the embedding, so ``clone(vectorizer_)`` in front of another estimator
        gives it the same ids.
    vocabulary_ : dict
        ``symbol -> id`` (ids from 2, in order of decreasing frequency; 0 is
        padding and 1 the unknown symbol).
    vocab_size_ : int
        The number of ids the embedding and the output layer have: padding,
        the unknown symbol, the vocabulary and the end symbol, whose id is the
        last, ``vocab_size_ - 1``.
    input_type_ : {"text", "token_lists"}
        Whether fit saw strings or lists of str tokens.
    encoder_ : SequenceEncoder
        The fitted embedding (``encoder_.embedding``, an ``nn.Embedding`` of
        ``vocab_size_`` rows) and recurrent layers (``encoder_.forward_layers``,
        one ``nn.LSTM``, ``nn.GRU`` or ``nn.RNN`` per layer); the same module as
        ``net_.module_.encoder``. The output layer is ``net_.module_.head``.
    device_ : str
        The torch device used.
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Mean training loss (cross-entropy per predicted symbol) of each epoch.
    best_loss_ : float or None
        Lowest training loss reached; None with early stopping.
    validation_loss_curve_ : list of float or None
        Validation loss of each epoch, with early stopping.
    validation_scores_ : list of float or None
        With early stopping, the validation set's mean log-likelihood per
        predicted symbol each epoch (in stream mode, read as a stream).
    best_validation_score_ : float or None
        With early stopping, the validation score of the weights kept.
    net_ : skorch.NeuralNet
        The fitted skorch net.

    See Also
    --------
    SequenceVectorizer : Text to token ids.
    RNNSeq2Seq : An output sequence for every input sequence.

    Notes
    -----
    Each text is read from the end symbol, which also stands for "start of
    text": its first symbol is predicted after it, and its end after its last
    symbol, so a text of ``n`` symbols makes ``n + 1`` predictions, and
    :meth:`sample` stops where the model ends the text. Scoring reads every text
    on its own from a zero state, in either mode. The result for a text never
    depends on the others scored with it or on padding.

    Examples
    --------
    >>> from sklearn_rnn import RNNLanguageModel
    >>> texts = ["the cat sat", "the dog sat", "a cat ran"] * 20
    >>> model = RNNLanguageModel(hidden_size=32, bptt=20, max_iter=60, random_state=0)
    >>> model = model.fit(texts)
    >>> model.sample("the c", temperature=0)
    ['the cat sat']
    >>> bool(model.perplexity(["the dog sat"]) < model.perplexity(["tac eht tas"]))
    True
"""
    )

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in BaseRNN._parameter_constraints.items()
            if k
            not in {
                "pooling",
                "embedding_init",
                "freeze_embedding",
                "encoder_init",
                "freeze_encoder",
                "unfreeze_every",
                "encoder_lr_decay",
                "bidirectional",
                "front_end",
                "conv_filters",
                "conv_kernel_sizes",
                "conv_stride",
                "input_scaling",
                "input_type",
                "channels_first",
            }
        },
        "unit": [StrOptions(set(UNITS))],
        "mode": [StrOptions(set(MODES))],
        "bptt": [Interval(Integral, 1, None, closed="left")],
        "tie_weights": ["boolean"],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "min_frequency": [Interval(Integral, 1, None, closed="left")],
        "max_vocabulary": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        unit: str = "char",
        mode: str = "stream",
        bptt: int = 100,
        tie_weights: bool = False,
        lowercase: bool = False,
        token_pattern: str = WORD_PATTERN,
        min_frequency: int = 1,
        max_vocabulary: int | None = None,
        cell: str = "lstm",
        hidden_size: int = 256,
        num_layers: int = 1,
        dropout: float = 0.0,
        embedding_dim: int = 64,
        max_iter: int | str = "auto",
        batch_size: int | str = "auto",
        lr: float = 3e-3,
        optimizer: str = "adam",
        weight_decay: float = 0.0,
        momentum: float = 0.9,
        clip_grad_norm: float | None = 5.0,
        lr_schedule: str = "cosine",
        early_stopping: bool | str = "auto",
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        warm_start: bool = False,
        callbacks: list | None = None,
        mixed_precision: bool = False,
        random_state=None,
        device: str = "auto",
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        # Not BaseRNN.__init__: __init__ sets exactly the parameters of its own
        # signature.
        self.unit = unit
        self.mode = mode
        self.bptt = bptt
        self.tie_weights = tie_weights
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.min_frequency = min_frequency
        self.max_vocabulary = max_vocabulary
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.embedding_dim = embedding_dim
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.momentum = momentum
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.mixed_precision = mixed_precision
        self.random_state = random_state
        self.device = device
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ----------------------------------------------------------------------------------
    # Fitting
    # ----------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, X_val=None):
        """Fit the language model to texts ``X``.

        Parameters
        ----------
        X : list of str, or list of list of str
            The training texts (a list, tuple, 1D array or pandas Series of
            strings), or texts given as lists of str tokens. A single long text
            is a list of one string.
        y : None
            Ignored: the targets are the texts' next symbols.
        X_val : list of str, or list of list of str, default=None
            Validation texts for early stopping, instead of a part of ``X``.

        Returns
        -------
        self : RNNLanguageModel
            The fitted estimator.
        """
        return self._fit(X, X, X_val=X_val, y_val=X_val)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train for one epoch on texts ``X``, continuing the network if fitted.

        The first call fixes the vocabulary (from its ``X``).

        Parameters
        ----------
        X : list of str, or list of list of str
            Training texts.
        y : None
            Ignored.

        Returns
        -------
        self : RNNLanguageModel
            The updated estimator.
        """
        return self._fit(X, X, partial=True)

    # ----------------------------------------------------------------------------------
    # Text to symbol ids
    # ----------------------------------------------------------------------------------

    def _tokenizer(self, pretokenized: bool) -> SequenceVectorizer:
        """The (unfitted) vectorizer whose analysis gives the symbols."""
        if pretokenized:  # the tokens are given
            return SequenceVectorizer(lowercase=self.lowercase)
        if self._unit == "word":
            return SequenceVectorizer(
                lowercase=self.lowercase, token_pattern=self.token_pattern
            )
        analyzer = _lowercase_characters if self.lowercase else _characters
        return SequenceVectorizer(analyzer=analyzer, lowercase=False)

    @staticmethod
    def _documents(X, name: str = "X") -> tuple[list, bool]:
        """The texts of ``X`` as a list, and whether they are lists of tokens."""
        if isinstance(X, (str, bytes)):
            raise ValueError(
                f"{name} must be a list of texts, but it is a single "
                f"{type(X).__name__}. Pass a list of strings; one long text is a "
                f"list of one string: [{name}]."
            )
        return SequenceVectorizer()._check_documents(X)

    @staticmethod
    def _analyze(vectorizer: SequenceVectorizer, docs: list, pretokenized: bool):
        if pretokenized:
            return vectorizer._analyze_token_lists()(docs)
        return vectorizer._analyze_many()(docs)

    def _check_X(self, X, *, reset: bool) -> Texts:
        """The texts of ``X`` as symbol ids (:class:`Texts`); with ``reset``, the
        vocabulary learned from them first."""
        docs, pretokenized = self._documents(X)
        if not docs:
            raise ValueError(
                "Found 0 texts while a minimum of 1 is required by "
                f"{type(self).__name__}."
            )
        if reset:
            self._unit = self.unit
            vectorizer = self._tokenizer(pretokenized)
            token_lists = self._analyze(vectorizer, docs, pretokenized)
            vocabulary = self._learn_vocabulary(token_lists)
            vectorizer.set_params(vocabulary=vocabulary)
            self.vectorizer_ = vectorizer.fit(docs)
            self.vocabulary_ = dict(self.vectorizer_.vocabulary_)
            self.vocab_size_ = self.vectorizer_.vocab_size_ + 1
            self.input_type_ = "token_lists" if pretokenized else "text"
            self._n_channels = 1
            self._table_input = False
            for name in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(name, None)
        else:
            fitted = self.input_type_ == "token_lists"
            if pretokenized != fitted:
                raise ValueError(
                    f"{type(self).__name__} was fitted on "
                    + (
                        "texts given as lists of str tokens; pass lists of tokens."
                        if fitted
                        else "strings; pass strings, not lists of tokens."
                    )
                )
            token_lists = self._analyze(self.vectorizer_, docs, pretokenized)
        return self._ids(token_lists)

    def _learn_vocabulary(self, token_lists: list) -> list:
        """The symbols kept, most frequent first (ties alphabetical)."""
        counts = Counter(chain.from_iterable(token_lists))
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        kept = [s for s, c in ranked if c >= self.min_frequency]
        if self.max_vocabulary is not None:
            kept = kept[: self.max_vocabulary]
        if not kept:
            raise ValueError(
                "The training texts hold no symbol"
                + (
                    f" seen at least min_frequency={self.min_frequency} times"
                    if counts
                    else " at all (every text is empty)"
                )
                + "; there is nothing to learn."
            )
        return kept

    def _ids(self, token_lists: list) -> Texts:
        lengths = np.fromiter(map(len, token_lists), np.int64, len(token_lists))
        symbols = np.fromiter(
            map(self.vocabulary_.get, chain.from_iterable(token_lists), repeat(OOV_ID)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        return Texts(symbols, lengths, self._end_id)

    @property
    def _end_id(self) -> int:
        return self.vocab_size_ - 1

    # ----------------------------------------------------------------------------------
    # Hooks of BaseRNN
    # ----------------------------------------------------------------------------------

    _not_learned_hint = "Train longer (max_iter), or try another learning rate."

    def _encode_y(self, y, *, reset):
        # The targets are the texts' own next symbols (made by the data sets).
        return np.empty(0), self.vocab_size_

    def _check_n_samples(self, seqs, y, names=("X", "y")) -> None:
        return None

    def _dataset(self, texts: Texts, y, weights):
        if self.mode == "sentence":
            longest = int(texts.lengths.max(initial=0))
            if longest > _LONG_SENTENCE:
                warn(
                    f"mode='sentence' back-propagates through every text whole, "
                    f"and one has {longest - 1:,} symbols: training needs memory "
                    "and time for all of its steps at once. mode='stream' reads "
                    "long texts in windows of bptt steps.",
                    UserWarning,
                )
            return SentenceDataset(texts)
        if data_parallel.active() is not None:
            raise ValueError(
                "mode='stream' reads one stream in order, which data-parallel "
                "training cannot shard; use mode='sentence' with fit_data_parallel."
            )
        return StreamDataset(texts.stream, self._stream_rows(), self.bptt)

    def _stream_rows(self) -> int:
        return _AUTO_STREAM_ROWS if self.batch_size == "auto" else self.batch_size

    def _batch_size(self, n_samples: int) -> int:
        if self.mode == "stream":
            # The stream's rows (a StreamDataset of n rows has n * n_windows
            # samples, so an epoch is n_windows steps).
            return self._stream_rows()
        return super()._batch_size(n_samples)

    def _validation_split(self, data, seed: int):
        if not isinstance(data, StreamDataset):
            return super()._validation_split(data, seed)
        n = data.n_predictions
        if n < 2:
            raise ValueError(
                "early_stopping=True holds out the end of the stream as a "
                f"validation set, which needs at least 2 predicted symbols; got {n}."
            )
        n_valid = int(np.clip(round(self.validation_fraction * n), 1, n - 1))
        return np.arange(n - n_valid), np.arange(n - n_valid, n)

    def _resolve_architecture(self, seqs, previous=None) -> dict:
        return {"front_end": "none"}

    def _module_kwargs(self, n_outputs, architecture):
        return {
            "n_outputs": n_outputs,
            "vocab_size": n_outputs,
            "embedding_dim": self.embedding_dim,
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "input_dropout": self.dropout,
            "output_dropout": self.dropout,
            "tie_weights": self.tie_weights,
        }

    def _network_class(self):
        return LanguageModelNetwork

    def _criterion(self):
        return nn.CrossEntropyLoss

    def _validation_callback(self):
        return LogLikelihoodScore()

    def _validation_score(self, raw, y_train):
        logp = torch.log_softmax(torch.from_numpy(raw).double(), dim=-1)
        picked = torch.gather(logp, 1, torch.from_numpy(y_train)[:, None])
        return float(picked.mean())

    _constant_name = "the training symbols' frequencies"

    def _constant_loss(self, y_fit, w_fit, y_eval, w_eval):
        """The cross-entropy on ``y_eval`` of the training symbols' frequencies
        (add-one smoothed, so that a symbol only the validation set has costs a
        finite loss)."""
        fit = y_fit[y_fit != IGNORED_STEP]
        counts = np.bincount(fit, minlength=self.vocab_size_).astype(np.float64)
        counts[1:] += 1.0  # every symbol but padding (never a target)
        logp = np.log(counts[1:] / counts.sum())
        return float(-logp[y_eval[y_eval != IGNORED_STEP] - 1].mean())

    def _train(self, *args, **kwargs):
        try:
            return super()._train(*args, **kwargs)
        finally:
            net = self.__dict__.get("net_")
            if net is not None and getattr(net, "initialized_", False):
                net.module_.stream_state = None  # no part of the fitted model

    # ----------------------------------------------------------------------------------
    # Scoring
    # ----------------------------------------------------------------------------------

    @property
    def encoder_(self):
        """The fitted encoder (``net_.module_.encoder``)."""
        check_is_fitted(self)
        return self.net_.module_.encoder

    def _log_likelihoods(self, X) -> tuple[np.ndarray, np.ndarray]:
        """The log-probability of each text of ``X`` and its number of predicted
        symbols (float64 and int64 arrays)."""
        check_is_fitted(self)
        with self._inference():
            texts = self._check_X(X, reset=False)
            return self._text_log_proba(texts), texts.lengths.copy()

    def _text_log_proba(self, texts: Texts) -> np.ndarray:
        """The summed log-probability of every text's predictions, each text read
        from a zero state, in row-block batches (see
        :func:`~sklearn_rnn._data.inference_batches`) and spans of at most
        :data:`_SCORE_STEPS` steps (the state carried across), so that neither the
        other texts nor a text's length change its result."""
        net = self.net_
        net._set_training(False)
        module, device = net.module_, net.device
        out = np.zeros(len(texts), dtype=np.float64)
        for index, n_rows in inference_batches(
            texts.lengths, self._predict_batch_size()
        ):
            longest = int(texts.lengths[index].max(initial=0))
            state = None
            for start in range(0, longest, _SCORE_STEPS):
                stop = min(start + _SCORE_STEPS, longest)
                batch, targets = texts.batch(index, n_rows, start, stop)
                with torch.no_grad():
                    h, state = module.run(batch["X"].to(device), state)
                    picked = self._picked_log_proba(module, h, targets.to(device))
                lengths = batch["lengths"].numpy()
                for row, i in enumerate(index.tolist()):
                    out[i] += float(np.sum(picked[row, : lengths[row]]))
        return out

    @staticmethod
    def _picked_log_proba(module, h, targets) -> np.ndarray:
        """The log-probability of each step's target (float64 numpy ``(n, t)``),
        the output layer run over a few steps at a time."""
        n, t = targets.shape
        step = max(1, _SCORE_LOGITS // max(n * module.head.decoder.out_features, 1))
        parts = []
        for s in range(0, t, step):
            logp = torch.log_softmax(module.logits(h[:, s : s + step]).float(), -1)
            index = targets[:, s : s + step].clamp(min=0).unsqueeze(-1)
            parts.append(torch.gather(logp, -1, index).squeeze(-1))
        return torch.cat(parts, dim=1).cpu().numpy().astype(np.float64)

    def log_likelihood(self, X) -> np.ndarray:
        """The log-probability the model gives each text.

        Parameters
        ----------
        X : list of str, or list of list of str
            Texts, in the form ``fit`` saw.

        Returns
        -------
        log_likelihood : ndarray of shape (n_texts,)
            ``log p(text)`` (natural log): the sum of the log-probabilities of
            its symbols, each given those before it, and of its end.
        """
        return self._log_likelihoods(X)[0]

    def score(self, X, y=None) -> float:
        """Mean log-likelihood per predicted symbol: higher is better.

        Every symbol of every text and every text's end count once (natural log).

        Parameters
        ----------
        X : list of str, or list of list of str
            Texts, in the form ``fit`` saw.
        y : None
            Ignored.

        Returns
        -------
        score : float
            ``sum(log_likelihood(X)) / n_predictions``, at most 0; minus the
            cross-entropy in nats per symbol.
        """
        log_likelihood, n_predictions = self._log_likelihoods(X)
        return float(log_likelihood.sum() / n_predictions.sum())

    def perplexity(self, X) -> float:
        """The perplexity of texts: ``exp(-score(X))``.

        Parameters
        ----------
        X : list of str, or list of list of str
            Texts, in the form ``fit`` saw.

        Returns
        -------
        perplexity : float
            The exponential of the mean cross-entropy per predicted symbol: 1 for
            texts predicted with certainty, the number of symbols for a uniform
            guess.
        """
        return math.exp(-self.score(X))

    # ----------------------------------------------------------------------------------
    # Generation
    # ----------------------------------------------------------------------------------

    _sample_constraints: dict = {
        "prompt": [str, list, tuple],
        "max_length": [Interval(Integral, 1, None, closed="left")],
        "temperature": [Interval(Real, 0, None, closed="left")],
        "top_k": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "n_samples": [Interval(Integral, 1, None, closed="left")],
    }

    def sample(
        self,
        prompt: str | list = "",
        max_length: int = 100,
        temperature: float = 1.0,
        top_k: int | None = None,
        random_state=None,
        n_samples: int = 1,
    ) -> list:
        """Generate text: continue ``prompt`` one sampled symbol at a time.

        Each next symbol is drawn from the model's distribution given the
        prompt and the symbols drawn so far, until the model ends the text or
        ``max_length`` symbols are drawn.

        Parameters
        ----------
        prompt : str or list of str, default=""
            The beginning of the text (empty: a text from its start). A list of
            str tokens for a model fitted on token lists. Symbols not in the
            vocabulary are read as the unknown symbol.
        max_length : int, default=100
            The most symbols drawn after the prompt.
        temperature : float, default=1.0
            Divides the logits before drawing: below 1 sharpens the
            distribution, above 1 flattens it. 0 takes the most likely symbol
            at every step (greedy decoding, no randomness).
        top_k : int or None, default=None
            Draw among the ``top_k`` most likely symbols only (1 is greedy).
            None: among all.
        random_state : int, RandomState instance or None, default=None
            Seeds the draws: an int gives the same texts at every call.
        n_samples : int, default=1
            Number of texts drawn, each independently.

        Returns
        -------
        texts : list of str, or list of list of str
            ``n_samples`` texts, each the prompt followed by the drawn symbols
            (the end symbol not included): strings joined as the unit reads them
            (no separator between characters, a space between words), or lists
            of tokens for a model fitted on token lists. The unknown symbol is
            never drawn (the others share its probability).
        """
        check_is_fitted(self)
        validate_parameter_constraints(
            self._sample_constraints,
            {
                "prompt": prompt,
                "max_length": max_length,
                "temperature": temperature,
                "top_k": top_k,
                "random_state": random_state,
                "n_samples": n_samples,
            },
            caller_name="sample",
        )
        prompt_ids = self._prompt_ids(prompt)
        seed = check_random_state(random_state).randint(2**31 - 1)
        generator = torch.Generator().manual_seed(int(seed))
        with self._inference():
            drawn = self._draw(
                prompt_ids, max_length, temperature, top_k, generator, n_samples
            )
        return [self._join(prompt, ids) for ids in drawn]

    def _prompt_ids(self, prompt) -> list[int]:
        tokens_fitted = self.input_type_ == "token_lists"
        if isinstance(prompt, str) and tokens_fitted:
            raise TypeError(
                "prompt must be a list of str tokens: this model was fitted on "
                "texts given as lists of tokens."
            )
        if not isinstance(prompt, str):
            if not tokens_fitted:
                raise TypeError(
                    "prompt must be a str: this model was fitted on strings; got "
                    f"{type(prompt).__name__} {prompt!r:.60}."
                )
            if not all(isinstance(t, str) for t in prompt):
                raise TypeError(
                    f"prompt must be a list of str tokens; got {prompt!r:.60}."
                )
            prompt = list(prompt)
        (tokens,) = self._analyze(self.vectorizer_, [prompt], tokens_fitted)
        return [self.vocabulary_.get(t, OOV_ID) for t in tokens]

    def _draw(self, prompt_ids, max_length, temperature, top_k, generator, n):
        """The ids drawn after the prompt for each of ``n`` texts, up to their
        end symbol (excluded)."""
        net = self.net_
        net._set_training(False)
        module, device = net.module_, net.device
        end = self._end_id
        X = torch.tensor([[end, *prompt_ids]] * n, dtype=torch.int64, device=device)
        drawn = torch.zeros((n, 0), dtype=torch.int64)
        ended = torch.zeros(n, dtype=torch.bool)
        state = None
        with torch.no_grad():
            for _ in range(max_length):
                h, state = module.run(X, state)
                logits = module.logits(h[:, -1]).float().cpu()
                logits[:, OOV_ID] = float("-inf")  # never drawn
                step = _choose(logits, temperature, top_k, generator)
                step = torch.where(ended, end, step)
                drawn = torch.cat([drawn, step[:, None]], dim=1)
                ended |= step == end
                if bool(ended.all()):
                    break
                X = step[:, None].to(device)
        out = []
        for row in drawn.tolist():
            out.append(row[: row.index(end)] if end in row else row)
        return out

    def _join(self, prompt, ids: list[int]):
        """``prompt`` followed by the symbols ``ids``, in the form of the input."""
        symbols = self._symbol_table()[ids].tolist()
        if self.input_type_ == "token_lists":
            return [*prompt, *symbols]
        if self._unit == "char":
            return prompt + "".join(symbols)
        text = " ".join(symbols)
        if prompt and text and not prompt[-1].isspace():
            return prompt + " " + text
        return prompt + text

    def _symbol_table(self) -> np.ndarray:
        """The symbol of each id (object array; the unknown one as ``"<unk>"``)."""
        table = np.empty(self.vocab_size_, dtype=object)
        table[OOV_ID] = OOV_TOKEN
        for symbol, i in self.vocabulary_.items():
            table[i] = symbol
        return table

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = False
        return tags


def _choose(
    logits: torch.Tensor,
    temperature: float,
    top_k: int | None,
    generator: torch.Generator,
) -> torch.Tensor:
    """The next symbol of each row of ``(n, V)`` logits: the most likely one with
    ``temperature == 0`` or ``top_k == 1``, else drawn from
    ``softmax(logits / temperature)`` restricted to the ``top_k`` largest."""
    if temperature == 0 or top_k == 1:
        return logits.argmax(dim=-1)
    logits = logits.double() / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)[:, 0]
