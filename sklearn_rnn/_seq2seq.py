"""The sequence-to-sequence estimator: :class:`RNNSeq2Seq`, an output sequence for
every input sequence."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._base import BaseRNN
from ._data import (
    EOS_ID,
    FIRST_SYMBOL_ID,
    IGNORED_STEP,
    Sequences,
    decoder_inputs,
    inference_batches,
    pad_numeric_targets,
    pad_step_targets,
    valid_target_steps,
)
from ._decoder import (
    ATTENTIONS,
    Seq2SeqNetwork,
    StepRegressionLoss,
    beam_search,
    decode_steps,
)
from ._estimators import (
    _PARAMETERS_END_DOC,
    _TRANSFER_PARAMETERS_DOC,
    step_prior_loss,
)
from ._metrics import UNITS, exact_match_score, split_symbols
from ._training import TeacherForcedDataset
from ._words import WordIndex, is_word_sequences

__all__ = ["RNNSeq2Seq"]

#: ``max_output_length="auto"``: this many times the longest training output, plus
#: :data:`_AUTO_EXTRA_STEPS`.
_AUTO_LENGTH_FACTOR, _AUTO_EXTRA_STEPS = 2, 5


def _is_text(X) -> bool:
    """Whether ``X`` is a list (or 1D array or Series) of str."""
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__") or len(X) == 0:
        return False
    if getattr(X, "ndim", 1) != 1:
        return False
    first = X.iloc[0] if hasattr(X, "iloc") else X[0]
    return isinstance(first, str)


def _symbol_lists(X, unit: str, name: str = "X") -> list[list[str]]:
    """Strings split into symbols (lists and 1D arrays of str kept as lists of
    str), or a TypeError."""
    out = []
    for i, item in enumerate(list(X)):
        if isinstance(item, str):
            out.append(split_symbols(item, unit))
        elif (
            isinstance(item, (list, tuple, np.ndarray))
            and getattr(item, "ndim", 1) == 1
            and all(isinstance(s, str) for s in item)
        ):
            out.append([str(s) for s in item])
        else:
            raise TypeError(
                f"{name} is read as text, but {name}[{i}] is {type(item).__name__} "
                f"{item!r:.60}; every item must be a str (split into symbols by "
                f"{'input' if name.startswith('X') else 'output'}_unit) or a list "
                "(or 1D array) of str."
            )
    return out


def _is_numeric_steps(item) -> bool:
    """Whether an item of ``y`` is numeric output steps: a non-empty 1D sequence
    or 2D ``(t, c)`` array of floats."""
    if isinstance(item, (str, bytes)) or not hasattr(item, "__len__"):
        return False
    try:
        arr = np.asarray(item)
    except (TypeError, ValueError):
        return False
    return arr.dtype.kind == "f" and arr.size > 0 and arr.ndim in (1, 2)


def _numeric_steps(items: list, name: str) -> tuple[list[np.ndarray], str]:
    """Numeric output sequences as ``(t, c)`` float64 arrays, and their form
    ("numeric": 1D sequences, "numeric2d": ``(t, c)`` arrays), or an error."""
    out, two_d = [], set()
    for i, item in enumerate(items):
        try:
            if isinstance(item, (str, bytes)) or item is None:
                raise TypeError
            arr = np.asarray(item, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} holds numeric output steps, but {name}[{i}] is "
                f"{type(item).__name__} {item!r:.60}, not a sequence of numbers; "
                "pass every output as numbers, or every output as symbols."
            ) from None
        if arr.ndim not in (1, 2) or (arr.ndim == 2 and arr.shape[1] == 0):
            raise ValueError(
                f"{name}[{i}] must be a 1D sequence of numbers or a (t, c) array of "
                f"numeric steps; got shape {arr.shape}."
            )
        if not np.isfinite(arr).all():
            bad = float(arr[~np.isfinite(arr)].flat[0])
            raise ValueError(
                f"{name}[{i}] holds {bad!r}; numeric output steps must be finite."
            )
        two_d.add(arr.ndim == 2)
        out.append(arr if arr.ndim == 2 else arr[:, None])
    channels = {a.shape[1] for a in out if len(a)}
    if len(two_d) > 1 or len(channels) > 1:
        raise ValueError(
            f"{name}'s numeric outputs must all be 1D, or all (t, c) arrays with the "
            f"same number of channels; got {sorted(channels)} channels."
        )
    n_channels = channels.pop() if channels else 1
    out = [a if len(a) else np.zeros((0, n_channels)) for a in out]
    return out, "numeric2d" if two_d == {True} else "numeric"


def _output_sequences(y, unit: str, name: str = "y") -> tuple[list, str]:
    """``y`` as lists of output symbols, and the form it came in ("str": strings
    split by ``unit``, "list": sequences of symbols), or as numeric steps (see
    :func:`_numeric_steps`), or an error."""
    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise TypeError(
            f"{name} must be a list of output sequences (one string or list of "
            f"symbols per sequence of X); got {type(y).__name__}."
        )
    if getattr(y, "ndim", 1) not in (None, 1) and not isinstance(y, np.ndarray):
        raise ValueError(f"{name} must be a list of output sequences.")
    items = list(y.iloc if hasattr(y, "iloc") else y)
    if isinstance(y, np.ndarray) and y.ndim == 2:
        items = list(y)
    elif isinstance(y, np.ndarray) and y.ndim == 3 and y.dtype.kind == "f":
        items = list(y)  # (n, t, c) numeric steps of one length
    elif isinstance(y, np.ndarray) and y.ndim > 2:
        raise ValueError(
            f"{name} must be a list of output sequences of symbols; got an array "
            f"of shape {y.shape}."
        )
    if any(_is_numeric_steps(item) for item in items):
        return _numeric_steps(items, name)
    strings = [isinstance(item, str) for item in items]
    out = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(split_symbols(item, unit))
            continue
        if item is None or isinstance(item, bytes) or not hasattr(item, "__len__"):
            raise TypeError(
                f"{name}[{i}] is {type(item).__name__} {item!r:.60}; each item of "
                f"{name} must be one output sequence (a str, or a list or 1D array "
                "of symbols). Is y one label per sequence? That is "
                "RNNClassifier's task."
            )
        arr = np.asarray(item, dtype=object)
        if arr.ndim != 1:
            raise ValueError(
                f"{name}[{i}] must be a 1D sequence of symbols; got shape {arr.shape}."
            )
        symbols = [s.item() if isinstance(s, np.generic) else s for s in item]
        for s in symbols:
            if isinstance(s, float) and not math.isfinite(s):
                raise ValueError(f"{name}[{i}] holds {s!r}; symbols must be finite.")
        out.append(symbols)
    if any(strings) and not all(strings):
        raise TypeError(
            f"{name} mixes strings and sequences of symbols; pass one form for all "
            "its items."
        )
    return out, "str" if all(strings) and strings else "list"


def _ranked_symbols(sequences: list[list]) -> list:
    """The distinct symbols of ``sequences``, sorted (in first-seen order when
    they cannot be sorted)."""
    seen = dict.fromkeys(s for seq in sequences for s in seq)
    try:
        return sorted(seen, key=lambda s: (type(s).__name__, s))
    except TypeError:
        return list(seen)


_SEQ2SEQ_PARAMETERS_DOC = (
    """
    Parameters
    ----------
    attention : {"multiplicative", "additive", "none"}, default="multiplicative"
        How the decoder reads the input at each output step. ``"multiplicative"``
        scores each input step by ``q' W k`` (Luong, Pham & Manning 2015),
        ``"additive"`` by ``v' tanh(W q + U k)`` (Bahdanau, Cho & Bengio 2015);
        padded input steps are never attended. ``"none"``: the decoder reads the
        input only through its first state, made from the encoder's final states
        (Sutskever, Vinyals & Le 2014).
    beam_size : int, default=1
        Hypotheses kept at each decoding step of ``predict`` (1: greedy decoding).
        May be changed after fitting (``set_params``) without refitting.
    max_output_length : int, float or "auto", default="auto"
        The longest output ``predict`` produces (its end symbol is then forced).
        An int: that many symbols; a float: that many times each input's length
        (rounded up); ``"auto"``: twice the longest training output plus 5.
    input_unit : {"char", "word"}, default="char"
        How strings in ``X`` are split into symbols: into characters, or at
        whitespace. Lists of str are taken as the symbols they hold. The unit of
        the last fit holds until the next fit.
    output_unit : {"char", "word"}, default="char"
        How strings in ``y`` are split into output symbols; ``predict`` joins
        them back (without a separator for ``"char"``, with one space for
        ``"word"``). Lists of symbols are returned as lists. The unit of the last
        fit holds until the next fit.
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}, default="lstm"
        The recurrent cell of the encoder and of the decoder.
    hidden_size : int, default=128
        Features of the encoder's state per direction. The decoder's state is as
        wide as the encoder's output (``2 * hidden_size`` when bidirectional).
    num_layers : int, default=1
        Recurrent layers of the encoder, and of the decoder.
    bidirectional : bool, default=True
        A bidirectional encoder.
    dropout : float, default=0.2
        Dropout on the embeddings of symbols or token ids (input and output),
        between recurrent layers, and before the decoder's output layer.
    front_end : {"auto", "conv", "none"}, default="auto"
        A convolutional front end before the encoder's recurrent layers (see
        :class:`RNNClassifier`). ``"auto"``: on for numeric input, off for
        symbols and token ids. With a stride, attention reads the downsampled
        steps.
    conv_filters : tuple of int, default=(64, 128)
        Output channels of each layer of the front end.
    conv_kernel_sizes : tuple of int, default=(8, 5)
        Kernel width of each layer of the front end.
    conv_stride : int or "auto", default="auto"
        Stride of the front end's first layer (see :class:`RNNClassifier`).
    input_scaling : {"both", "series", "dataset", "none"}, default="both"
        How numeric input is standardized inside the network (see
        :class:`RNNClassifier`; ignored for symbols and token ids).
    embedding_dim : int, default=64
        Size of the embeddings of input symbols (or token ids) and of output
        symbols.
"""
    + _TRANSFER_PARAMETERS_DOC.replace("\n\n", "\n")
    + """
    input_type : {"auto", "numeric", "tokens"}, default="auto"
        How to read ``X`` when it is not text (see :class:`RNNClassifier`).
    channels_first : bool, default=False
        Read 3D arrays as ``(n_samples, n_channels, n_timesteps)``.
    max_iter : int or "auto", default="auto"
        Maximum number of epochs. ``"auto"``: as many as make 1,500 optimizer
        steps, at least 10 and at most 1,000 epochs.
    batch_size : int or "auto", default="auto"
        Sequence pairs per training minibatch. ``"auto"``: a quarter of the
        training set, at least 1 and at most 32.
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
        Stop when the validation loss (per output symbol, teacher-forced) has not
        improved by ``tol`` for ``n_iter_no_change`` epochs and restore the best
        epoch's weights. The validation set is ``X_val, y_val`` when passed to
        :meth:`fit`, else ``validation_fraction`` of the pairs. ``"auto"``: on
        when ``X_val`` is passed or there are more than 10,000 training pairs.
    validation_fraction : float, default=0.1
        Share of the training pairs held out with ``early_stopping`` when no
        ``X_val`` is passed.
    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before training stops.
    tol : float, default=1e-4
        Smallest decrease of the monitored loss that counts as an improvement.
    warm_start : bool, default=False
        When True, ``fit`` continues training the fitted network.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks run during training.
    mixed_precision : bool, default=False
        Float16 autocast with a gradient scaler on CUDA devices.
    label_smoothing : float, default=0.0
        Mix each output step's one-hot target with the uniform distribution by
        this share.
"""
)


class RNNSeq2Seq(BaseRNN):
    __doc__ = (
        """Recurrent encoder-decoder: an output sequence for every input sequence.

    Grapheme-to-phoneme conversion, transliteration, spelling normalisation,
    reversing or sorting, summarising a sensor window into a code: the encoder of
    :class:`RNNClassifier` (an embedding of symbols or token ids, or numeric input
    with an optional convolutional front end, then a recurrent stack,
    bidirectional by default) reads the input; a recurrent decoder, started from
    the encoder's final states, produces the output one symbol at a time,
    attending over the encoder's steps, until its end symbol (handled
    internally). Training feeds the true previous symbol (teacher forcing) and
    minimises the cross-entropy of every output symbol and the end symbol;
    ``predict`` decodes greedily or with a beam search (``beam_size``).

    Symbols are the estimator's job: pass strings (split by ``input_unit`` and
    ``output_unit``) or lists of symbols; the vocabularies of inputs and outputs
    are learned in ``fit``, and ``predict`` returns the outputs in the form ``y``
    came in. ``score`` is the exact-match accuracy; see
    :func:`token_error_rate` for the token (or character) error rate.

    Outputs may also be numeric steps (``y`` a list of float sequences or
    ``(t, c)`` arrays, e.g. multi-step forecasts of any horizon): the decoder
    then reads the previous step's values, writes each step's values and the
    probability that the output ends there, is trained on the squared error of
    the (standardized) values and the cross-entropy of the end, and decodes
    greedily; ``score`` is then R^2.
"""
        + _SEQ2SEQ_PARAMETERS_DOC
        + _PARAMETERS_END_DOC
        + """
    Attributes
    ----------
    input_type_ : {"symbols", "numeric", "tokens"}
        How ``X`` was read at fit.
    n_features_in_ : int
        Number of channels (numeric input) or 1 (token ids); not set for symbols.
    vocab_size_ : int
        Symbols and token ids: the number of input ids the embedding knows (the
        reserved padding and unknown ids included).
    vocabulary_ : dict
        Symbols only: ``input symbol -> id`` (ids from 2; unknown symbols are 1).
    output_symbols_ : ndarray of shape (n_output_symbols,)
        The output symbols (object array), sorted. Not set for numeric outputs.
    output_vocabulary_ : dict
        ``output symbol -> id`` (ids from 3: 0 is padding, 1 the start symbol and
        2 the end symbol). Not set for numeric outputs.
    n_output_channels_ : int
        Numeric outputs only: the channels of an output step (1 for 1D outputs).
    output_mean_, output_scale_ : ndarray of shape (n_channels,)
        Numeric outputs only: the mean and standard deviation of each channel
        of the training steps, by which the network's targets are standardized.
    max_output_length_ : int
        The longest output trained on (over the calls a warm start or
        ``partial_fit`` continued).
    device_ : str
        The torch device used.
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Mean training loss per output symbol, each epoch.
    best_loss_ : float or None
        Lowest training loss reached; None with early stopping.
    validation_loss_curve_ : list of float or None
        Validation loss of each epoch, with early stopping.
    validation_scores_ : list of float or None
        Teacher-forced accuracy of the validation outputs' symbols, each epoch.
    best_validation_score_ : float or None
        With early stopping, the validation score of the weights kept.
    net_ : skorch.NeuralNet
        The fitted skorch net.

    See Also
    --------
    RNNTagger : One label per input step (outputs as long as the inputs).
    token_error_rate : Edit distance of outputs to references.
    AttentionDisplay : The alignment of an output to its input.

    Notes
    -----
    ``X`` may be a list of strings, a list of lists of str, or any input
    :class:`RNNClassifier` takes (token ids, numeric series, ragged lists).
    Padding changes no output: the encoder reads only valid steps and attention
    never looks at padded ones, and decoding a sequence in a batch gives the same
    output as decoding it alone. With ``beam_size > 1``, a hypothesis' score is
    the sum of its symbols' log-probabilities (no length normalisation).

    Examples
    --------
    >>> from sklearn_rnn import RNNSeq2Seq
    >>> X = ["abc", "bca", "cab", "acb", "bac", "cba"] * 20
    >>> y = [x[::-1] for x in X]
    >>> model = RNNSeq2Seq(hidden_size=32, max_iter=30, random_state=0).fit(X, y)
    >>> model.predict(["abc", "cab"])
    ['cba', 'bac']
    >>> float(model.score(X, y))
    1.0
"""
    )

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in BaseRNN._parameter_constraints.items()
            if k not in {"pooling", "embedding_init", "freeze_embedding"}
        },
        "attention": [StrOptions(set(ATTENTIONS))],
        "beam_size": [Interval(Integral, 1, None, closed="left")],
        "max_output_length": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "input_unit": [StrOptions(set(UNITS))],
        "output_unit": [StrOptions(set(UNITS))],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

    _per_step = True

    def __init__(
        self,
        *,
        attention: str = "multiplicative",
        beam_size: int = 1,
        max_output_length: int | float | str = "auto",
        input_unit: str = "char",
        output_unit: str = "char",
        cell: str = "lstm",
        hidden_size: int = 128,
        num_layers: int = 1,
        bidirectional: bool = True,
        dropout: float = 0.2,
        front_end: str = "auto",
        conv_filters: tuple = (64, 128),
        conv_kernel_sizes: tuple = (8, 5),
        conv_stride: int | str = "auto",
        input_scaling: str = "both",
        embedding_dim: int = 64,
        encoder_init=None,
        freeze_encoder: bool = False,
        unfreeze_every: int | None = None,
        encoder_lr_decay: float = 1.0,
        input_type: str = "auto",
        channels_first: bool = False,
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
        label_smoothing: float = 0.0,
        random_state=None,
        device: str = "auto",
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        # Not BaseRNN.__init__: no pooling, and __init__ sets exactly the
        # parameters of its own signature.
        self.attention = attention
        self.beam_size = beam_size
        self.max_output_length = max_output_length
        self.input_unit = input_unit
        self.output_unit = output_unit
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.front_end = front_end
        self.conv_filters = conv_filters
        self.conv_kernel_sizes = conv_kernel_sizes
        self.conv_stride = conv_stride
        self.input_scaling = input_scaling
        self.embedding_dim = embedding_dim
        self.encoder_init = encoder_init
        self.freeze_encoder = freeze_encoder
        self.unfreeze_every = unfreeze_every
        self.encoder_lr_decay = encoder_lr_decay
        self.input_type = input_type
        self.channels_first = channels_first
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
        self.label_smoothing = label_smoothing
        self.random_state = random_state
        self.device = device
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ----------------------------------------------------------------------------------
    # Fitting
    # ----------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Fit the encoder-decoder to input sequences ``X`` and outputs ``y``.

        Parameters
        ----------
        X : list of str, list of list of str, or array-like
            Input sequences: strings (split by ``input_unit``), lists of
            symbols, or any form :class:`RNNClassifier` takes.
        y : list of str, list of sequences of symbols, or list of arrays
            One output sequence per sequence of ``X``, of any length: strings
            (split by ``output_unit``), sequences of symbols (str, ints or other
            hashable values), or numeric steps (1D float sequences or ``(t, c)``
            float arrays).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each pair, given to each of its output steps.
        X_val, y_val : like X and y, default=None
            A validation set for early stopping instead of a split of the
            training data.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation pairs.

        Returns
        -------
        self : RNNSeq2Seq
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            X_val=X_val,
            y_val=y_val,
            sample_weight_val=sample_weight_val,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, output_symbols=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing the network if fitted.

        The first call fixes the input vocabulary and the output symbols: those
        of ``output_symbols`` when given, else those of this ``y``.

        Parameters
        ----------
        X : list of str, list of list of str, or array-like
            Input sequences.
        y : list of str or list of sequences of symbols
            One output sequence per sequence of ``X``.
        output_symbols : array-like, default=None
            All the output symbols, on the first call (default: those in ``y``).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each pair.

        Returns
        -------
        self : RNNSeq2Seq
            The updated estimator.
        """
        if hasattr(self, "net_") and output_symbols is not None:
            given = set(_ranked_symbols([list(output_symbols)]))
            if given != set(self.output_symbols_.tolist()):
                raise ValueError(
                    "output_symbols is not the same as on the first call to "
                    "partial_fit."
                )
        elif output_symbols is not None:
            self._symbols_for_partial_fit = _ranked_symbols([list(output_symbols)])
        try:
            return self._fit(X, y, sample_weight, partial=True)
        finally:
            self.__dict__.pop("_symbols_for_partial_fit", None)

    def _fit(self, X, y, sample_weight=None, *, partial=False, **kwargs):
        """:meth:`BaseRNN._fit`; a continuation (warm start, ``partial_fit``)
        then raises ``max_output_length_`` to its longest output, which
        ``max_output_length="auto"`` follows (a first fit's is set by
        :meth:`_encode_y`)."""
        continuing = hasattr(self, "net_") and (partial or self.warm_start)
        super()._fit(X, y, sample_weight, partial=partial, **kwargs)
        if continuing:
            sequences, _ = _output_sequences(y, self._output_unit)
            longest = max(map(len, sequences), default=0)
            self.max_output_length_ = max(self.max_output_length_, longest)
        return self

    # ----------------------------------------------------------------------------------
    # Hooks of BaseRNN
    # ----------------------------------------------------------------------------------

    def _network_class(self):
        return Seq2SeqNetwork

    def _dataset(self, seqs, y, weights):
        return TeacherForcedDataset(seqs, y, weights)

    def _check_X(self, X, *, reset: bool) -> Sequences:
        text = _is_text(X) or is_word_sequences(X)
        if reset:
            if not text:
                self.__dict__.pop("vocabulary_", None)
                return super()._check_X(X, reset=True)
            self._input_unit = self.input_unit
            symbols = _symbol_lists(X, self._input_unit)
            index, _ = WordIndex.learn(symbols)
            self.vocabulary_ = index.vocabulary
            self.vocab_size_ = index.vocab_size
            self.input_type_ = "symbols"
            self._n_channels = 1
            self._table_input = False
            for name in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(name, None)
            return index.encode(symbols, chars=False)
        if (self.input_type_ == "symbols") != text:
            empty = isinstance(X, (list, tuple)) and len(X) == 0
            if not empty:
                raise ValueError(
                    f"{type(self).__name__} was fitted on "
                    + (
                        "text (strings or lists of str), but X is not text."
                        if self.input_type_ == "symbols"
                        else f"{self.input_type_} input, but X is text (strings "
                        "or lists of str)."
                    )
                )
        if self.input_type_ == "symbols":
            symbols = _symbol_lists(X, self._input_unit)
            seqs = WordIndex(self.vocabulary_, {}).encode(symbols, chars=False)
            if len(seqs) == 0:
                raise ValueError(
                    "Found 0 sequence(s) while a minimum of 1 is required by "
                    f"{type(self).__name__}."
                )
            return seqs
        return super()._check_X(X, reset=False)

    def _encode_y(self, y, *, reset):
        # The units of the first fit hold until the next one (set_params changes
        # nothing in between).
        if reset:
            self._output_unit = self.output_unit
        sequences, form = _output_sequences(y, self._output_unit)
        numeric = form.startswith("numeric")
        if reset and numeric:
            self._fit_numeric_outputs(sequences, form)
        elif not reset and numeric != self._numeric_outputs():
            raise ValueError(
                f"{type(self).__name__} was fitted on "
                + (
                    "numeric output steps, but y holds symbols."
                    if self._numeric_outputs()
                    else "output symbols, but y holds numeric steps (floats)."
                )
            )
        if numeric:
            return self._encode_numeric(sequences)
        if reset:
            for name in ("output_mean_", "output_scale_", "n_output_channels_"):
                self.__dict__.pop(name, None)
            symbols = getattr(self, "_symbols_for_partial_fit", None)
            if symbols is None:
                symbols = _ranked_symbols(sequences)
            if not symbols:
                raise ValueError(
                    "y holds no symbols at all (every output sequence is empty); "
                    "there is nothing to learn."
                )
            self.output_symbols_ = np.empty(len(symbols), dtype=object)
            self.output_symbols_[:] = symbols
            self.output_vocabulary_ = {
                s: i for i, s in enumerate(symbols, start=FIRST_SYMBOL_ID)
            }
            self._output_form = form
            self.max_output_length_ = max(map(len, sequences), default=0)
        vocabulary = self.output_vocabulary_
        unknown = _ranked_symbols(
            [[s for seq in sequences for s in seq if s not in vocabulary]]
        )
        if unknown:
            raise ValueError(
                f"y contains output symbols {unknown!r:.200} not seen at fit (the "
                f"model knows {len(vocabulary)}: "
                f"{self.output_symbols_.tolist()!r:.200}); it can never produce "
                "them. Refit with them in y (partial_fit and warm_start keep the "
                "symbols of the first fit)."
            )
        encoded = [
            np.array([vocabulary[s] for s in seq] + [EOS_ID], dtype=np.int64)
            for seq in sequences
        ]
        return pad_step_targets(encoded), len(vocabulary) + FIRST_SYMBOL_ID

    def _numeric_outputs(self) -> bool:
        """Whether the fitted outputs are numeric steps (not symbols)."""
        return self._output_form.startswith("numeric")

    def _fit_numeric_outputs(self, sequences: list[np.ndarray], form: str) -> None:
        """Set the fitted attributes of numeric outputs: channels and scaling."""
        steps = np.concatenate(sequences)
        if len(steps) == 0:
            raise ValueError(
                "y holds no steps at all (every output sequence is empty); there "
                "is nothing to learn."
            )
        for name in ("output_symbols_", "output_vocabulary_"):
            self.__dict__.pop(name, None)
        self._output_form = form
        self.n_output_channels_ = steps.shape[1]
        self.output_mean_ = steps.mean(axis=0)
        scale = steps.std(axis=0)
        self.output_scale_ = np.where(scale > 0, scale, 1.0)
        self.max_output_length_ = max(map(len, sequences))

    def _encode_numeric(self, sequences: list[np.ndarray]):
        """Numeric output steps, standardized by the training steps, as targets
        (:func:`~sklearn_rnn._data.pad_numeric_targets`)."""
        channels = {a.shape[1] for a in sequences}
        if channels != {self.n_output_channels_}:
            raise ValueError(
                f"y's output steps have {sorted(channels)} channels, but "
                f"{type(self).__name__} was fitted with {self.n_output_channels_}."
            )
        scaled = [(a - self.output_mean_) / self.output_scale_ for a in sequences]
        return pad_numeric_targets(scaled), self.n_output_channels_ + 1

    def _sample_weight(self, y_train, sample_weight, n_samples):
        weights = super()._sample_weight(y_train, sample_weight, n_samples)
        if weights is None:
            return None
        steps = np.where(valid_target_steps(y_train), weights[:, None], 0.0)
        return steps.astype(np.float32)

    def _head_architecture(self, seqs):
        embedded = seqs.kind == "tokens"
        return {
            "attention": self.attention,
            "decoder_dropout": self.dropout,
            "input_dropout": self.dropout if embedded else 0.0,
        }

    def _module_kwargs(self, n_outputs, architecture):
        kwargs = super()._module_kwargs(n_outputs, architecture)
        tokens = self.input_type_ in ("tokens", "symbols")
        kwargs["vocab_size"] = self.vocab_size_ if tokens else None
        kwargs["target_embedding_dim"] = self.embedding_dim
        kwargs["numeric_outputs"] = self._numeric_outputs()
        return kwargs

    def _criterion(self):
        return StepRegressionLoss if self._numeric_outputs() else nn.CrossEntropyLoss

    def _criterion_kwargs(self):
        if self._numeric_outputs():
            return {}
        return {"label_smoothing": self.label_smoothing}

    def _validation_score(self, raw, y_train):
        if y_train.ndim == 2:  # numeric steps: R^2 of the values
            values = y_train[:, -1] == 0
            if not values.any():
                return float("nan")
            return float(r2_score(y_train[values, :-1], raw[values, :-1]))
        return float(np.mean(np.argmax(raw, axis=1) == y_train))

    @property
    def _constant_name(self) -> str:
        if self._numeric_outputs():
            return "the training mean and the end's frequency"
        return "the output symbols' frequencies"

    def _constant_loss(self, y_fit, w_fit, y_eval, w_eval):
        if y_fit.ndim == 3:
            return _constant_step_loss(y_fit, y_eval, w_eval)
        n_outputs = len(self.output_vocabulary_) + FIRST_SYMBOL_ID
        return step_prior_loss(
            y_fit, w_fit, y_eval, w_eval, n_outputs, self.label_smoothing
        )

    # ----------------------------------------------------------------------------------
    # Decoding
    # ----------------------------------------------------------------------------------

    def _max_steps(self, input_lengths: np.ndarray) -> np.ndarray:
        """The most output symbols decoding may produce for each input."""
        limit = self.max_output_length
        if limit == "auto":
            steps = _AUTO_LENGTH_FACTOR * self.max_output_length_ + _AUTO_EXTRA_STEPS
            return np.full(len(input_lengths), steps, dtype=np.int64)
        if isinstance(limit, Integral):
            return np.full(len(input_lengths), int(limit), dtype=np.int64)
        return np.ceil(limit * input_lengths).astype(np.int64)

    def _check_decoding_params(self) -> None:
        """``beam_size`` and ``max_output_length`` may be set after fitting."""
        self._validate_params()
        if self._numeric_outputs() and self.beam_size != 1:
            raise ValueError(
                f"beam_size={self.beam_size}: a beam search ranks sequences of "
                "symbols by their probability; numeric output steps are decoded "
                "greedily. Set beam_size=1."
            )

    def _refuse_numeric(self, method: str) -> None:
        if self._numeric_outputs():
            raise ValueError(
                f"{method} gives probabilities of output symbols; this model was "
                "fitted on numeric output steps, which have none. Use predict and "
                "score (R^2)."
            )

    def _predict_outputs(self, seqs, batch_size, *, attention=False, lengths=None):
        """``(ids, weights, score)`` of the decoded output of each sequence; for
        numeric outputs ``(values, weights, None)``, of ``lengths`` steps when
        given."""
        net = self.net_
        net._set_training(False)
        if self._numeric_outputs():
            return self._predict_steps(seqs, batch_size, attention, lengths)
        beam = int(self.beam_size)
        # A beam multiplies the rows a batch decodes.
        batch_size = max(16, batch_size // beam)
        out = [None] * len(seqs)
        for index, batch, steps in self._decoding_batches(seqs, batch_size):
            ids, weights, scores = beam_search(
                net.module_, batch, steps, beam, attention=attention
            )
            scores = scores.cpu().numpy()
            for row, i in enumerate(index.tolist()):
                out[i] = (
                    ids[row],
                    None if weights is None else weights[row].astype(np.float64),
                    float(scores[row]),
                )
        return out

    def _decoding_batches(self, seqs, batch_size, lengths=None):
        """``(index, batch, steps)`` of each inference batch: the input on the
        device and each row's most steps (``lengths`` when given; 0 for the
        padding rows, which end at once)."""
        limits = self._max_steps(seqs.lengths) if lengths is None else lengths
        for index, n_rows in inference_batches(seqs.lengths, batch_size):
            batch = seqs.batch(index, n_rows=n_rows)
            batch = {key: t.to(self.net_.device) for key, t in batch.items()}
            steps = np.zeros(n_rows, dtype=np.int64)
            steps[: len(index)] = limits[index]
            yield index, batch, torch.from_numpy(steps)

    def _predict_steps(self, seqs, batch_size, attention, lengths):
        out = [None] * len(seqs)
        for index, batch, steps in self._decoding_batches(seqs, batch_size, lengths):
            values, weights = decode_steps(
                self.net_.module_,
                batch,
                steps,
                exact=lengths is not None,
                attention=attention,
            )
            for row, i in enumerate(index.tolist()):
                scaled = values[row].numpy().astype(np.float64)
                out[i] = (
                    scaled * self.output_scale_ + self.output_mean_,
                    None if weights is None else weights[row].numpy().astype(float),
                    None,
                )
        return out

    def _output_of(self, decoded):
        """A decoded output in the form ``y`` came in."""
        if self._output_form == "numeric":
            return decoded[:, 0]
        if self._output_form == "numeric2d":
            return decoded
        return self._symbols(decoded)

    def _decode(self, X, *, attention=False):
        check_is_fitted(self)
        self._check_decoding_params()
        return self._forward(X, attention=attention)

    def _symbols(self, ids: list[int]):
        """Output ids to the form ``y`` came in."""
        symbols = self._symbol_list(ids)
        if self._output_form == "str":
            return ("" if self._output_unit == "char" else " ").join(symbols)
        return symbols

    def predict(self, X) -> list:
        """The decoded output of every input sequence.

        Parameters
        ----------
        X : list of str, list of list of str, or array-like
            Input sequences in a form accepted by ``fit``.

        Returns
        -------
        y : list of str, list of list or list of ndarray
            One output per sequence, in the form ``y`` had at fit: strings
            (symbols joined according to ``output_unit``), lists of symbols, or
            float arrays of numeric steps (1D, or ``(t, c)``).
        """
        return [self._output_of(decoded) for decoded, _, _ in self._decode(X)]

    def predict_log_proba(self, X) -> np.ndarray:
        """The log-probability of each decoded output.

        The output is what :meth:`predict` returns, its end symbol included.

        Parameters
        ----------
        X : list of str, list of list of str, or array-like
            Input sequences.

        Returns
        -------
        log_proba : ndarray of shape (n_samples,)
            ``log p(output | input)`` of each predicted output.
        """
        check_is_fitted(self)
        self._refuse_numeric("predict_log_proba")
        return np.array([score for _, _, score in self._decode(X)], dtype=np.float64)

    def sequence_log_proba(self, X, y) -> np.ndarray:
        """The log-probability the model gives each output ``y[i]`` for ``X[i]``.

        Parameters
        ----------
        X : list of str, list of list of str, or array-like
            Input sequences.
        y : list of str or list of sequences of symbols
            One output sequence per input, of symbols seen at fit.

        Returns
        -------
        log_proba : ndarray of shape (n_samples,)
            ``log p(y[i] | X[i])``: the sum of the log-probabilities of its
            symbols and of the end symbol, under teacher forcing.
        """
        check_is_fitted(self)
        self._refuse_numeric("sequence_log_proba")
        with self._inference():
            seqs = self._check_X(X, reset=False)
            targets, _ = self._encode_y(y, reset=False)
            self._check_n_samples(seqs, targets)
            pairs = self._teacher_forced(seqs, targets)
        return np.array([log_proba for log_proba, _ in pairs], dtype=np.float64)

    def _teacher_forced(self, seqs, targets) -> list[tuple[float, np.ndarray]]:
        """The fitted network fed the true outputs ``targets`` (encoded): for each
        sequence, in input order, the log-probability of its output (end symbol
        included; None for numeric steps) and the attention weights of its
        symbols (the end symbol's or stop step's row left out; None without
        attention)."""
        net = self.net_
        net._set_training(False)
        out = [None] * len(seqs)
        lengths = valid_target_steps(targets).sum(axis=1)
        numeric = targets.ndim == 3
        padding = np.nan if numeric else IGNORED_STEP
        batches = self._decoding_batches(seqs, self._predict_batch_size(), lengths)
        for index, batch, steps in batches:
            n_rows = len(steps)
            width = max(int(lengths[index].max(initial=0)), 1)
            y = np.full((n_rows, width, *targets.shape[2:]), padding, targets.dtype)
            y[: len(index)] = targets[index, :width]
            batch["targets"] = torch.from_numpy(decoder_inputs(y)).to(net.device)
            with torch.no_grad():
                logits, weights, memory_lengths = net.module_.teacher_forced(**batch)
            log_proba = [None] * n_rows
            if not numeric:
                log_proba = _log_proba_of_targets(
                    logits.float().cpu(), torch.from_numpy(y)
                )
            if weights is not None:
                weights = weights.float().cpu().numpy()
                memory_lengths = memory_lengths.cpu().numpy()
            for row, i in enumerate(index.tolist()):
                aligned = None
                if weights is not None:
                    n_out = int(lengths[i]) - 1
                    aligned = weights[row, :n_out, : memory_lengths[row]]
                    aligned = aligned.astype(np.float64)
                out[i] = (log_proba[row], aligned)
        return out

    def attention_weights(self, X, y=None) -> list[np.ndarray]:
        """Where the decoder looked at each output symbol.

        One ``(output length, input steps)`` array of attention weights per
        sequence; each row sums to 1 over the input's valid steps.

        Parameters
        ----------
        X : list of str, list of list of str, or array-like
            Input sequences.
        y : list of output sequences, default=None
            The outputs to align; None: the outputs :meth:`predict` gives.

        Returns
        -------
        weights : list of ndarray of shape (output length, input steps)
            Row ``j`` is the attention of output symbol ``j`` (the end symbol
            excluded) over the input's steps (after a strided front end, its
            downsampled steps).
        """
        check_is_fitted(self)
        # The fitted network's attention (the parameter may have been set since).
        if self._architecture["attention"] == "none":
            raise ValueError(
                "attention_weights needs a model with attention; this one was "
                "fitted with attention='none'."
            )
        if y is None:
            return [w for _, w, _ in self._decode(X, attention=True)]
        with self._inference():
            seqs = self._check_X(X, reset=False)
            targets, _ = self._encode_y(y, reset=False)
            self._check_n_samples(seqs, targets)
            pairs = self._teacher_forced(seqs, targets)
        return [weights for _, weights in pairs]

    def score(self, X, y, sample_weight=None) -> float:
        """Exact-match accuracy: the share of inputs whose output is right.

        For numeric output steps, the coefficient of determination R^2 of the
        steps of all outputs, each output decoded for as many steps as its
        reference has (so that the values of every step are compared).

        Parameters
        ----------
        X : list of str, list of list of str, or array-like
            Input sequences.
        y : list of str or list of sequences of symbols
            Their true outputs (symbols seen at fit, or numeric steps).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each pair (for R^2, of each of its steps).

        Returns
        -------
        score : float
            The (weighted) share of outputs predicted exactly, or R^2.
        """
        check_is_fitted(self)
        self._encode_y(y, reset=False)  # outputs it could never produce: an error
        if self._numeric_outputs():
            return self._score_steps(X, y, sample_weight)
        return exact_match_score(
            _output_sequences(y, self._output_unit)[0],
            [self._symbol_list(ids) for ids, _, _ in self._decode(X)],
            sample_weight=sample_weight,
        )

    def _score_steps(self, X, y, sample_weight) -> float:
        """R^2 of numeric output steps decoded for their references' lengths."""
        self._check_decoding_params()
        references, _ = _output_sequences(y, self._output_unit)
        lengths = np.array([len(r) for r in references], dtype=np.int64)
        with self._inference():
            seqs = self._check_X(X, reset=False)
            self._check_n_samples(seqs, references)
            decoded = self._predict_outputs(
                seqs, self._predict_batch_size(), lengths=lengths
            )
        weights = None
        if sample_weight is not None:
            weights = np.repeat(np.asarray(sample_weight, dtype=float), lengths)
        return float(
            r2_score(
                np.concatenate(references),
                np.concatenate([values for values, _, _ in decoded]),
                sample_weight=weights,
            )
        )

    def _symbol_list(self, ids):
        return [self.output_symbols_[i - FIRST_SYMBOL_ID] for i in ids]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags


def _log_proba_of_targets(logits: torch.Tensor, y: torch.Tensor) -> list[float]:
    """The summed log-probability of each row's targets (padding skipped)."""
    logp = torch.log_softmax(logits, dim=-1)
    valid = y != IGNORED_STEP
    picked = torch.gather(logp, 2, y.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return torch.where(valid, picked, 0.0).double().sum(dim=1).tolist()


def _constant_step_loss(y_fit, y_eval, w_eval) -> float:
    """The :class:`~sklearn_rnn._decoder.StepRegressionLoss` on ``y_eval`` of
    predicting, at every step, the mean value and the stop frequency of
    ``y_fit`` (numeric targets; ``w_eval``: per-step weights or None)."""
    fit_valid, eval_valid = valid_target_steps(y_fit), valid_target_steps(y_eval)
    fit_steps, eval_steps = y_fit[fit_valid], y_eval[eval_valid]
    has_values = fit_steps[:, -1] == 0
    mean = fit_steps[has_values, :-1].mean(axis=0) if has_values.any() else 0.0
    p = np.clip(fit_steps[:, -1].mean(), 1e-6, 1 - 1e-6)
    stop = eval_steps[:, -1]
    losses = -(stop * np.log(p) + (1 - stop) * np.log(1 - p))
    errors = ((np.nan_to_num(eval_steps[:, :-1]) - mean) ** 2).mean(axis=1)
    losses = losses + np.where(stop == 0, errors, 0.0)
    weights = None if w_eval is None else w_eval[eval_valid]
    usable = weights is not None and weights.sum() > 0
    return float(np.average(losses, weights=weights if usable else None))
