"""The sequence-labelling estimator: :class:`RNNTagger`, a label for every step."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._base import BaseRNN
from ._data import IGNORED_STEP, Sequences, pad_step_targets
from ._estimators import (
    _PARAMETERS_END_DOC,
    _TRANSFER_PARAMETERS_DOC,
    class_weights,
    softmax,
    step_prior_loss,
    weights_with_classes,
)
from ._metrics import step_accuracy_score
from ._network import StepNetwork
from ._training import predict_steps
from ._words import WordIndex, is_word_sequences

__all__ = ["RNNTagger"]


def _label_sequences(y, name: str = "y") -> list[np.ndarray]:
    """``y`` as a list of 1D label arrays, or an error saying what is wrong."""
    if isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        raise TypeError(
            f"{name} must be a list of label sequences (one list of labels per "
            f"sequence of X); got {type(y).__name__}."
        )
    if getattr(y, "ndim", 1) != 1 and not hasattr(y, "iloc"):
        raise ValueError(
            f"{name} must be a list of label sequences, one per sequence of X; got "
            f"an array of shape {np.shape(y)}. For sequences of one length, pass "
            f"list({name}) (a list of its rows)."
        )
    out = []
    for i, labels in enumerate(list(y)):
        if labels is None or isinstance(labels, (str, bytes)):
            raise TypeError(
                f"{name}[{i}] is {labels!r:.60}; each item of {name} must be the "
                "sequence of labels of one sequence of X (a list or 1D array, one "
                "label per step). Is y one label per sequence? That is "
                "RNNClassifier's task."
            )
        arr = np.asarray(labels)
        if arr.ndim != 1:
            raise ValueError(
                f"{name}[{i}] must be a 1D sequence of labels, one per step; got "
                f"shape {arr.shape}. Is y one label per sequence? That is "
                "RNNClassifier's task."
            )
        out.append(arr)
    return out


def _all_empty_sentences(X) -> bool:
    """Whether ``X`` is a non-empty list of sentences that are all empty lists."""
    return (
        isinstance(X, (list, tuple))
        and len(X) > 0
        and all(isinstance(s, (list, tuple)) and len(s) == 0 for s in X)
    )


_TAGGER_PARAMETERS_DOC = (
    """
    Parameters
    ----------
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}, default="lstm"
        The recurrent cell.
    hidden_size : int, default=128
        Features of the hidden state of each recurrent layer, per direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=True
        Run every layer over the reversed sequence too, so that each step's label
        reads what follows it as well as what precedes it (the classic tagger).
    dropout : float, default=0.25
        Dropout on the input of the recurrent stack (the embeddings of words or
        token ids, character features included; not numeric steps) and on the
        outputs of every recurrent layer, the last included (before the per-step
        output layer).
    front_end : {"auto", "conv", "none"}, default="auto"
        A convolutional front end before the recurrent layers (see
        :class:`RNNClassifier`), with stride 1 so that every step keeps its
        output. ``"auto"``: on for numeric input, off for words and token ids.
    conv_filters : tuple of int, default=(64, 128)
        Output channels of each layer of the front end.
    conv_kernel_sizes : tuple of int, default=(8, 5)
        Kernel width of each layer of the front end.
    conv_stride : 1 or "auto", default="auto"
        Must be 1 (a stride would drop steps that need a label); "auto" is 1.
    input_scaling : {"both", "series", "dataset", "none"}, default="both"
        How numeric input is standardized inside the network (see
        :class:`RNNClassifier`; ignored for words and token ids).
    embedding_dim : int, default=64
        Size of the learned embedding of words or token ids.
    char_features : bool or "auto", default="auto"
        Join to each word's embedding a vector computed from its characters by a
        small bidirectional LSTM (Plank, Søgaard & Goldberg 2016), so that words
        never seen in training are tagged by their spelling (suffixes,
        capitals, digits, hyphens). Needs ``X`` given as lists of words (str).
        ``"auto"``: on for lists of words, off otherwise.
    char_embedding_dim : int, default=32
        Size of the character embedding.
    char_hidden_size : int, default=64
        State size of the character LSTM, per direction (the vector of a word has
        twice as many features).
    word_dropout : float, default=0.25
        During training, a word (or token id) seen ``c`` times in the training set
        is read as unknown with probability ``word_dropout / (word_dropout + c)``
        (Kiperwasser & Goldberg 2016): words seen once are dropped a fifth of the
        time, frequent words almost never. The embedding of the unknown word is
        then trained on the rare words it stands for at prediction. 0 disables it.
        Ignored for numeric input.
"""
    + _TRANSFER_PARAMETERS_DOC.replace("\n\n", "\n")
    + """
    input_type : {"auto", "numeric", "tokens"}, default="auto"
        How to read ``X`` when it is not lists of words (see
        :class:`RNNClassifier`).
    channels_first : bool, default=False
        Read 3D arrays as ``(n_samples, n_channels, n_timesteps)``.
    max_iter : int or "auto", default="auto"
        Maximum number of epochs. ``"auto"``: as many as make 1,500 optimizer
        steps, at least 10 and at most 1,000 epochs.
    batch_size : int or "auto", default="auto"
        Sequences per training minibatch. ``"auto"``: a quarter of the training
        set, at least 1 and at most 32.
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
        Stop when the per-step validation loss has not improved by ``tol`` for
        ``n_iter_no_change`` epochs and restore the best epoch's weights. The
        validation set is ``X_val, y_val`` when passed to :meth:`fit`, else
        ``validation_fraction`` of the sequences. ``"auto"``: on when ``X_val`` is
        passed or there are more than 10,000 training sequences.
    validation_fraction : float, default=0.1
        Share of the training sequences held out with ``early_stopping`` when no
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
    class_weight : dict, "balanced" or None, default=None
        Weights of the labels in the loss, per step: a dict ``{label: weight}``
        (labels not in it weigh 1), ``"balanced"`` for weights inversely
        proportional to the labels' frequencies over all steps, or None.
    label_smoothing : float, default=0.0
        Mix each step's one-hot target with the uniform distribution by this
        share.
"""
)


class RNNTagger(BaseRNN):
    __doc__ = (
        """Recurrent neural network tagger: a label for every step of a sequence.

    Sequence labelling (part-of-speech or named-entity tags, per-frame events in
    sensor streams, per-step anomaly flags) with the encoder of
    :class:`RNNClassifier` (an embedding of words or token ids, or numeric input,
    an optional convolutional front end, a recurrent stack, bidirectional by
    default) and a softmax output at every step, trained with the cross-entropy
    of the valid steps. Words may be passed as strings: the tagger numbers them
    and, with ``char_features``, reads their characters, which is how it tags
    words it never saw. Labels may be any hashable values.

    ``y`` is a list with one label sequence per sequence of ``X``, as long as it.
    ``predict`` returns one label array per sequence, ``predict_proba`` one
    ``(length, n_classes)`` array per sequence. ``score`` is the accuracy over all
    steps (each step counts once, whatever its sequence); see
    :func:`make_step_scorer` for other per-step metrics and
    :func:`sequence_accuracy_score` for the share of sequences tagged entirely
    right.
"""
        + _TAGGER_PARAMETERS_DOC
        + _PARAMETERS_END_DOC
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels.
    input_type_ : {"words", "numeric", "tokens"}
        How ``X`` was read at fit.
    n_features_in_ : int
        Number of channels (numeric input) or 1 (token ids); not set for words.
    vocab_size_ : int
        Words and token ids: the number of ids the embedding knows (the
        reserved padding and unknown ids included).
    vocabulary_ : dict
        Words only: ``word -> id`` (ids from 2; unknown words are 1).
    char_vocabulary_ : dict or None
        With character features: ``character -> id``.
    device_ : str
        The torch device used.
    n_iter_ : int
        Number of epochs run.
    loss_curve_ : list of float
        Mean per-step training loss of each epoch.
    best_loss_ : float or None
        Lowest training loss reached; None with early stopping.
    validation_loss_curve_ : list of float or None
        Per-step validation loss of each epoch, with early stopping.
    validation_scores_ : list of float or None
        Per-step validation accuracy of each epoch, with early stopping.
    best_validation_score_ : float or None
        With early stopping, the validation accuracy of the weights kept.
    net_ : skorch.NeuralNet
        The fitted skorch net.

    See Also
    --------
    RNNClassifier : One label per sequence.
    SequenceVectorizer : Text or pre-tokenised words to token ids.
    load_conllu : Words and tags of a CoNLL-U treebank.

    Notes
    -----
    ``X`` may be a list of sentences given as lists of words (str), or any input
    :class:`RNNClassifier` takes (token ids, numeric series, ragged lists). Padding
    never changes any step's output, in either direction of the recurrence, and
    the loss ignores padded steps. With token ids, 0 is padding wherever it
    occurs, so a sequence's length is its number of non-zero ids, which must
    equal its number of labels.

    Examples
    --------
    >>> from sklearn_rnn import RNNTagger
    >>> X = [["the", "dog", "barks"], ["a", "cat", "sleeps"], ["the", "cat"]] * 10
    >>> y = [["DET", "NOUN", "VERB"], ["DET", "NOUN", "VERB"], ["DET", "NOUN"]] * 10
    >>> tagger = RNNTagger(hidden_size=16, max_iter=20, random_state=0).fit(X, y)
    >>> tagger.predict([["a", "dog", "sleeps"]])[0].tolist()
    ['DET', 'NOUN', 'VERB']
    >>> tagger.predict_proba([["a", "dog"]])[0].shape
    (2, 3)
    >>> float(tagger.score(X, y))
    1.0
"""
    )

    _parameter_constraints: dict = {
        **{
            k: v
            for k, v in BaseRNN._parameter_constraints.items()
            if k not in {"pooling", "embedding_init", "freeze_embedding"}
        },
        "conv_stride": [Options(Integral, {1}), StrOptions({"auto"})],
        "char_features": ["boolean", StrOptions({"auto"})],
        "char_embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "char_hidden_size": [Interval(Integral, 1, None, closed="left")],
        "word_dropout": [Interval(Real, 0, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

    _per_step = True

    def __init__(
        self,
        *,
        cell: str = "lstm",
        hidden_size: int = 128,
        num_layers: int = 1,
        bidirectional: bool = True,
        dropout: float = 0.25,
        front_end: str = "auto",
        conv_filters: tuple = (64, 128),
        conv_kernel_sizes: tuple = (8, 5),
        conv_stride: int | str = "auto",
        input_scaling: str = "both",
        embedding_dim: int = 64,
        char_features: bool | str = "auto",
        char_embedding_dim: int = 32,
        char_hidden_size: int = 64,
        word_dropout: float = 0.25,
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
        class_weight: dict | str | None = None,
        label_smoothing: float = 0.0,
        random_state=None,
        device: str = "auto",
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        # Not BaseRNN.__init__: a tagger has no pooling, and __init__ sets
        # exactly the parameters of its own signature.
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
        self.char_features = char_features
        self.char_embedding_dim = char_embedding_dim
        self.char_hidden_size = char_hidden_size
        self.word_dropout = word_dropout
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
        self.class_weight = class_weight
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
        """Fit the tagger to sequences ``X`` and their label sequences ``y``.

        Parameters
        ----------
        X : list of list of str, or array-like
            Training sequences: sentences as lists of words, or any form
            :class:`RNNClassifier` takes.
        y : list of array-like
            One sequence of labels per sequence of ``X``, as long as it.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sequence, given to each of its steps.
        X_val, y_val : like X and y, default=None
            A validation set for early stopping (e.g. a treebank's development
            split) instead of a split of the training data.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation sequences.

        Returns
        -------
        self : RNNTagger
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
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on ``(X, y)``, continuing the network if fitted.

        The first call fixes the vocabulary (words, characters, token ids) and,
        with ``classes``, the labels.

        Parameters
        ----------
        X : list of list of str, or array-like
            Training sequences.
        y : list of array-like
            One sequence of labels per sequence of ``X``.
        classes : array-like, default=None
            All the labels; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sequence.

        Returns
        -------
        self : RNNTagger
            The updated estimator.
        """
        return self._partial_fit_classes(X, y, classes, sample_weight)

    # ----------------------------------------------------------------------------------
    # Hooks of BaseRNN
    # ----------------------------------------------------------------------------------

    def _network_class(self):
        return StepNetwork

    def _predict_outputs(self, seqs, batch_size):
        return predict_steps(self.net_, seqs, batch_size)

    def _check_X(self, X, *, reset: bool) -> Sequences:
        words = is_word_sequences(X)
        if not words and not reset and self.input_type_ == "words":
            # Sentences that are all empty have no word to tell their kind by; after
            # a fit on words they are sentences of words (no labels to predict).
            words = _all_empty_sentences(X)
        if reset:
            if self.char_features is True and not words:
                raise ValueError(
                    "char_features=True reads the characters of words, so X must be "
                    "a list of sentences given as lists of words (str); got "
                    f"{type(X).__name__} of another kind. Pass the words, or set "
                    "char_features='auto' or False."
                )
            self._char_features = bool(words and self.char_features)
            if not words:
                self.__dict__.pop("vocabulary_", None)
                self.__dict__.pop("_char_vocabulary", None)
                self.char_vocabulary_ = None
                seqs = super()._check_X(X, reset=True)
                self._word_counts = self._token_counts(seqs)
                return seqs
            index, self._word_counts = WordIndex.learn(X)
            self.vocabulary_ = index.vocabulary
            # Kept whether or not they are used, to rebuild the index from.
            self._char_vocabulary = index.char_vocabulary
            self.char_vocabulary_ = (
                index.char_vocabulary if self._char_features else None
            )
            self.vocab_size_ = index.vocab_size
            self.input_type_ = "words"
            self._n_channels = 1
            self._table_input = False
            for name in ("n_features_in_", "feature_names_in_"):
                self.__dict__.pop(name, None)
            seqs = index.encode(X, chars=self._char_features)
            if len(seqs) == 0:
                raise ValueError(
                    "Found 0 sentence(s) while a minimum of 1 is required by RNNTagger."
                )
            return seqs
        if (self.input_type_ == "words") != words:
            raise ValueError(
                f"{type(self).__name__} was fitted on "
                + (
                    "sentences given as lists of words; pass lists of words."
                    if self.input_type_ == "words"
                    else f"{self.input_type_} input, not lists of words."
                )
            )
        if words:
            index = WordIndex(self.vocabulary_, self._char_vocabulary)
            return index.encode(X, chars=self._char_features)
        return super()._check_X(X, reset=False)

    def _token_counts(self, seqs: Sequences) -> np.ndarray | None:
        """How often each token id occurs in training (for ``word_dropout``)."""
        if seqs.kind != "tokens":
            return None
        valid = np.arange(seqs.values.shape[1])[None, :] < seqs.lengths[:, None]
        counts = np.bincount(seqs.values[valid], minlength=self.vocab_size_)
        return counts.astype(np.float32)

    def _encode_y(self, y, *, reset):
        labels = _label_sequences(y)
        flat = np.concatenate(labels) if labels else np.array([])
        if flat.size:
            check_classification_targets(flat)
        if reset:
            classes = getattr(self, "_classes_for_partial_fit", None)
            if classes is None:
                if not flat.size:
                    raise ValueError(
                        "y holds no labels at all (every label sequence is empty); "
                        "there is nothing to learn."
                    )
                classes = np.unique(flat)
            else:
                del self._classes_for_partial_fit
            self.classes_ = classes
        unknown = np.setdiff1d(flat, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()!r:.200} that are not in "
                f"classes_ {self.classes_.tolist()!r:.200} (fixed by the first fit "
                "that partial_fit or warm_start continues)."
            )
        encoded = [np.searchsorted(self.classes_, labs) for labs in labels]
        return pad_step_targets(encoded), len(self.classes_)

    def _check_n_samples(self, seqs, y, names=("X", "y")) -> None:
        super()._check_n_samples(seqs, y, names)
        label_lengths = (y != IGNORED_STEP).sum(axis=1)
        wrong = np.flatnonzero(label_lengths != seqs.lengths)
        if len(wrong):
            i = int(wrong[0])
            hint = (
                " With token ids, 0 is padding wherever it occurs; a "
                "SequenceVectorizer with max_length truncates long sequences (use "
                "max_length=None with pre-tokenised input, which never truncates)."
                if seqs.kind == "tokens" and self.input_type_ != "words"
                else ""
            )
            raise ValueError(
                f"Sequence {i} of {names[0]} has {seqs.lengths[i]} steps but "
                f"{names[1]}[{i}] has {label_lengths[i]} labels ({len(wrong)} "
                f"sequence(s) differ); every sequence needs one label per step." + hint
            )

    def _sample_weight(self, y_train, sample_weight, n_samples):
        weights = super()._sample_weight(y_train, sample_weight, n_samples)
        if weights is None and self.class_weight is None:
            return None
        valid = y_train != IGNORED_STEP
        steps = np.where(valid, 1.0, 0.0)
        if weights is not None:
            steps = steps * weights[:, None]
        if self.class_weight is not None:
            labels = y_train[valid]
            per_class = class_weights(self.class_weight, self.classes_, labels)
            steps[valid] = weights_with_classes(
                steps[valid], per_class, labels, self.class_weight
            )
        return steps.astype(np.float32)

    def _head_architecture(self, seqs):
        # Dropout on embeddings regularises a tagger a lot; zeroing a numeric
        # step's channels would only make it noisier.
        embedded = seqs.kind == "tokens"
        return {
            "head_dropout": self.dropout,
            "input_dropout": self.dropout if embedded else 0.0,
        }

    def _auto_conv_stride(self, seqs):
        return 1

    def _module_kwargs(self, n_outputs, architecture):
        kwargs = super()._module_kwargs(n_outputs, architecture)
        tokens = self.input_type_ in ("tokens", "words")
        kwargs.update(
            vocab_size=self.vocab_size_ if tokens else None,
            n_chars=(
                WordIndex(self.vocabulary_, self.char_vocabulary_).n_chars
                if self._char_features
                else None
            ),
            char_embedding_dim=self.char_embedding_dim,
            char_hidden_size=self.char_hidden_size,
            word_dropout=float(self.word_dropout) if tokens else 0.0,
            word_counts=(
                tuple(self._word_counts.tolist())
                # (ids of encoder_init that X lacks: never seen, count 0)
                + (0,) * (self.vocab_size_ - len(self._word_counts))
                if tokens and self.word_dropout > 0
                else None
            ),
        )
        return kwargs

    def _criterion(self):
        return nn.CrossEntropyLoss

    def _criterion_kwargs(self):
        return {"label_smoothing": self.label_smoothing}

    def _validation_score(self, raw, y_train):
        return float(np.mean(np.argmax(raw, axis=1) == y_train))

    _constant_name = "the label prior"

    def _constant_loss(self, y_fit, w_fit, y_eval, w_eval):
        return step_prior_loss(
            y_fit, w_fit, y_eval, w_eval, len(self.classes_), self.label_smoothing
        )

    # ----------------------------------------------------------------------------------
    # Prediction
    # ----------------------------------------------------------------------------------

    def predict_proba(self, X) -> list[np.ndarray]:
        """Label probabilities at every step of every sequence.

        Parameters
        ----------
        X : list of list of str, or array-like
            Sequences in a form accepted by ``fit``.

        Returns
        -------
        proba : list of ndarray of shape (length, n_classes)
            One array per sequence, the probabilities in the order of
            ``classes_``; each row sums to 1.
        """
        return [softmax(logits) for logits in self._forward(X)]

    def predict(self, X) -> list[np.ndarray]:
        """The most likely label at every step of every sequence.

        Parameters
        ----------
        X : list of list of str, or array-like
            Sequences in a form accepted by ``fit``.

        Returns
        -------
        y : list of ndarray of shape (length,)
            One label array per sequence, from ``classes_``.
        """
        return [self.classes_[np.argmax(logits, axis=1)] for logits in self._forward(X)]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy over all steps: the share of steps whose label is right.

        Parameters
        ----------
        X : list of list of str, or array-like
            Sequences.
        y : list of array-like
            Their true label sequences.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence, given to each of its steps.

        Returns
        -------
        score : float
            The share of steps whose predicted label is the true one.
        """
        check_is_fitted(self)
        return step_accuracy_score(y, self.predict(X), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags
