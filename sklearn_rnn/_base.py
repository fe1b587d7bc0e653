"""Logic shared by :class:`RNNClassifier` and :class:`RNNRegressor`.

The estimator is a plain scikit-learn estimator: ``__init__`` stores parameters, ``fit``
validates them and the data, builds a skorch net and keeps it as the fitted ``net_``.
"""

from __future__ import annotations

import contextlib
import inspect
from abc import abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)
from skorch.helper import predefined_split

from . import _distributed as data_parallel
from ._data import (
    INPUT_TYPES,
    OOV_ID,
    Sequences,
    channel_statistics,
    row_chunks,
    to_sequences,
)
from ._network import CELLS, INPUT_SCALINGS, POOLINGS, SequenceNetwork
from ._persistence import is_net_state, net_from_state, net_to_state
from ._training import (
    FUSED_OPTIMIZERS,
    LR_SCHEDULES,
    OPTIMIZERS,
    SequenceDataset,
    ValidationScore,
    build_net,
    check_network_fits,
    flush_denormals,
    make_callbacks,
    move_net,
    out_of_memory_explained,
    predict_raw,
    resolve_device,
    resolve_n_jobs,
    set_learning_rate,
    torch_threads,
)
from ._transfer import (
    LayerFreezing,
    PretrainedEncoder,
    check_architecture,
    lr_scales,
    pretrained_encoder,
)
from ._warnings import warn

#: Prediction batches hold at least this many sequences (bigger is faster; memory is
#: bounded by one batch).
_MIN_PREDICT_BATCH = 256

#: Prediction converts and sorts the input this many batches at a time.
_PREDICT_CHUNK_BATCHES = 32

#: ``max_iter="auto"`` runs enough epochs for this many optimizer steps ...
_AUTO_STEPS = 1500
#: ... but at least and at most this many epochs.
_AUTO_MIN_EPOCHS, _AUTO_MAX_EPOCHS = 10, 1000

#: ``batch_size="auto"``: a quarter of the training set, capped at this size.
_AUTO_MAX_BATCH = 32

#: ``early_stopping="auto"`` holds out a validation set above this many samples (the
#: threshold of scikit-learn's HistGradientBoosting estimators).
_AUTO_EARLY_STOPPING_SAMPLES = 10_000

#: ``conv_stride="auto"`` picks the stride (at most this) that leaves about
#: :data:`_AUTO_CONV_STEPS` steps of the training set's longest sequence.
_AUTO_MAX_STRIDE, _AUTO_CONV_STEPS = 8, 64

#: With the cosine schedule, the stopping rule waits at least this share of the
#: budget's epochs (at most the second number): while the learning rate is high, a
#: stalled loss is not converged.
_COSINE_MIN_PATIENCE, _COSINE_MAX_PATIENCE = 0.2, 50


#: A fit whose best monitored loss is not below this share of the constant
#: predictor's has learned nothing (ConvergenceWarning).
_NO_BETTER = 0.99


def _numpy(t) -> np.ndarray | None:
    return None if t is None else t.numpy()


def _positive_ints(values, name: str) -> tuple[int, ...]:
    """``values`` as a tuple of positive ints, or a ValueError naming ``name``."""
    out = []
    for v in np.ravel(np.asarray(values, dtype=object)):
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
            raise ValueError(
                f"{name} must be a sequence of positive integers; got {v!r} in it."
            )
        out.append(int(v))
    return tuple(out)


#: Token ids up to this are accepted however few of them occur; above it, ids must
#: not be sparse (see :func:`_check_ids_are_dense`).
_SPARSE_IDS_FROM = 2**20
#: ... where sparse means fewer distinct ids than this share of the table's rows.
_SPARSE_SHARE = 1 / 16


def _check_ids_are_dense(seqs: Sequences, vocab_size: int) -> None:
    """Refuse token ids that would make an embedding table of mostly unused rows.

    The table has a row for every id up to the largest, so one id of 2**31 (a hash,
    a user id) asks for billions of rows; a large vocabulary whose ids are all in
    use is fine.
    """
    if vocab_size <= _SPARSE_IDS_FROM:
        return
    valid = np.arange(seqs.values.shape[1])[None, :] < seqs.lengths[:, None]
    distinct = len(np.unique(seqs.values[valid]))
    if distinct < _SPARSE_SHARE * vocab_size:
        raise ValueError(
            f"X's token ids go up to {vocab_size - 1:,}, but only {distinct:,} "
            "distinct ids occur: the embedding table, which has a row for every id "
            f"up to the largest, would have {vocab_size:,} rows, nearly all unused. "
            "Renumber the ids to 0..V-1 (0 is padding, 1 unknown), e.g. with "
            "np.unique(..., return_inverse=True), or make them from text with "
            "SequenceVectorizer."
        )


class BaseRNN(BaseEstimator):
    """Base class for recurrent-network estimators. Not for direct use."""

    _parameter_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"auto", *POOLINGS})],
        "front_end": [StrOptions({"auto", "conv", "none"})],
        "conv_filters": ["array-like"],
        "conv_kernel_sizes": ["array-like"],
        "conv_stride": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "input_scaling": [StrOptions(set(INPUT_SCALINGS))],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "embedding_init": ["array-like", None],
        "freeze_embedding": ["boolean"],
        "encoder_init": "no_validation",  # checked by _pretrained_encoder
        "freeze_encoder": ["boolean"],
        "unfreeze_every": [Interval(Integral, 1, None, closed="left"), None],
        "encoder_lr_decay": [Interval(Real, 0, 1, closed="right")],
        "input_type": [StrOptions(set(INPUT_TYPES))],
        "channels_first": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "lr_schedule": [StrOptions(set(LR_SCHEDULES))],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "callbacks": [list, None],
        "mixed_precision": ["boolean"],
        "random_state": ["random_state"],
        "device": [StrOptions({"auto", "cpu", "cuda"}), str],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        cell: str = "gru",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        pooling: str = "auto",
        front_end: str = "auto",
        conv_filters: tuple = (64, 128),
        conv_kernel_sizes: tuple = (8, 5),
        conv_stride: int | str = "auto",
        input_scaling: str = "both",
        embedding_dim: int = 64,
        embedding_init=None,
        freeze_embedding: bool = False,
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
        random_state=None,
        device: str = "auto",
        n_jobs: int | None = None,
        verbose: int = 0,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.pooling = pooling
        self.front_end = front_end
        self.conv_filters = conv_filters
        self.conv_kernel_sizes = conv_kernel_sizes
        self.conv_stride = conv_stride
        self.input_scaling = input_scaling
        self.embedding_dim = embedding_dim
        self.embedding_init = embedding_init
        self.freeze_embedding = freeze_embedding
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
        self.random_state = random_state
        self.device = device
        self.n_jobs = n_jobs
        self.verbose = verbose

    # ----------------------------------------------------------------------------------
    # Hooks for the subclasses
    # ----------------------------------------------------------------------------------

    @abstractmethod
    def _encode_y(self, y, *, reset: bool) -> tuple[np.ndarray, int]:
        """Validate ``y`` and return the training targets and the number of network
        outputs. With ``reset``, set the target-related fitted attributes; without,
        encode with those of the previous fit."""

    @abstractmethod
    def _criterion(self) -> type:
        """The torch loss class."""

    @abstractmethod
    def _validation_score(self, raw: np.ndarray, y_train: np.ndarray) -> float:
        """Accuracy or R^2 of raw network outputs against encoded targets."""

    def _validation_callback(self):
        """The callback that records ``valid_score`` every epoch: by default
        :meth:`_validation_score` of the validation outputs."""
        return ValidationScore(self._validation_score)

    @abstractmethod
    def _constant_loss(self, y_fit, w_fit, y_eval, w_eval) -> float:
        """The training loss on ``(y_eval, w_eval)`` of the best constant prediction
        for ``(y_fit, w_fit)`` (encoded targets; weights may be None): the class
        prior or the mean. A fit that ends no better has learned nothing."""

    def _criterion_kwargs(self) -> dict:
        """Keyword arguments of the torch loss (besides ``reduction``)."""
        return {}

    def _stratify_labels(self, y_train: np.ndarray) -> np.ndarray | None:
        """Labels to stratify the validation split on (None: no stratification)."""
        return None

    def _sample_weight(
        self, y_train, sample_weight, n_samples: int
    ) -> np.ndarray | None:
        """The training weight of each sample (``y_train``: the encoded targets),
        or None when all are equal."""
        if sample_weight is None:
            return None
        weights = _check_sample_weight(
            sample_weight, np.empty((n_samples, 0)), ensure_non_negative=True
        )
        if not weights.sum() > 0:
            raise ValueError(
                "sample_weight must have a positive sum; all weights are zero."
            )
        # Only ratios matter (the loss is sum(w * loss) / sum(w)): at the scale of
        # the largest, weights beyond float32's range (1e300) train as they mean.
        return weights / weights.max()

    # ----------------------------------------------------------------------------------
    # Data validation
    # ----------------------------------------------------------------------------------

    def _check_X(self, X, *, reset: bool) -> Sequences:
        """Convert ``X`` to :class:`Sequences`, setting or checking input metadata."""
        input_type = self.input_type if reset else self.input_type_
        seqs = to_sequences(
            X, input_type=input_type, channels_first=self.channels_first
        )
        if len(seqs) == 0:
            raise ValueError(
                f"Found array with 0 sample(s) while a minimum of 1 is required by "
                f"{type(self).__name__}."
            )
        if reset:
            self.input_type_ = seqs.kind
            self._table_input = seqs.table_width is not None
            self._n_channels = seqs.n_channels
            if self._table_input:
                validate_data(self, X, reset=True, skip_check_array=True)
            else:
                self.n_features_in_ = seqs.n_channels
                if hasattr(self, "feature_names_in_"):
                    del self.feature_names_in_
            if seqs.kind == "tokens":
                self.vocab_size_ = max(int(seqs.values.max(initial=0)) + 1, OOV_ID + 1)
                _check_ids_are_dense(seqs, self.vocab_size_)
            init = self._embedding_table()
            if init is not None:
                if seqs.kind != "tokens":
                    raise ValueError(
                        "embedding_init is an embedding table of token ids, but X "
                        "is numeric. Pass token ids (e.g. from SequenceVectorizer), "
                        "or embedding_init=None."
                    )
                if len(init) < self.vocab_size_:
                    raise ValueError(
                        f"X holds token ids up to {self.vocab_size_ - 1}, but "
                        f"embedding_init has {len(init)} rows (one per id, from "
                        "0). Build it from the vocabulary that makes the ids "
                        "(align_word_vectors(vectorizer, vectors)), and give the "
                        "vectorizer that fixed vocabulary."
                    )
                # Every row is kept: ids the training data lacks (words of the
                # vocabulary seen only later) keep their pretrained vector.
                self.vocab_size_ = len(init)
            return seqs

        if (
            self._table_input
            and seqs.table_width is not None
            and seqs.kind == "numeric"
        ):
            # A numeric table's width is its number of timesteps, fixed at fit. A token
            # table's width is only padding: any width is accepted, as for 3D input.
            validate_data(self, X, reset=False, skip_check_array=True)
        if seqs.n_channels != self._n_channels:
            raise ValueError(
                f"X has {seqs.n_channels} channels, but {type(self).__name__} was "
                f"fitted with {self._n_channels} channels."
                + (
                    " Is X channels-first? Then set channels_first=True."
                    if not self.channels_first
                    else ""
                )
            )
        if seqs.kind == "tokens":
            unknown = seqs.values >= self.vocab_size_
            if unknown.any():
                seqs = Sequences(
                    np.where(unknown, OOV_ID, seqs.values),
                    seqs.lengths,
                    seqs.kind,
                    seqs.table_width,
                )
        return seqs

    def _embedding_table(self) -> np.ndarray | None:
        """``embedding_init`` validated as a finite 2D float32 table (None when
        not given; estimators without the parameter have none)."""
        init = getattr(self, "embedding_init", None)
        if init is None:
            return None
        try:
            table = np.asarray(init, dtype=np.float32)
        except (TypeError, ValueError):
            raise TypeError(
                "embedding_init must be a 2D array of numbers (one row per token "
                f"id); got {type(init).__name__}."
            ) from None
        if table.ndim != 2 or table.shape[0] < OOV_ID + 1 or table.shape[1] < 1:
            raise ValueError(
                "embedding_init must be a 2D array of shape (n_ids, dimension) with "
                f"at least 2 rows (padding and the unknown id); got shape "
                f"{table.shape}."
            )
        if not np.isfinite(table).all():
            raise ValueError("embedding_init holds NaN or infinite values.")
        return table

    def _check_n_samples(self, seqs: Sequences, y, names=("X", "y")) -> None:
        n_y = len(y)
        if n_y != len(seqs):
            raise ValueError(
                f"{names[0]} has {len(seqs)} sequences but {names[1]} has {n_y} "
                "targets; they must match."
            )

    # ----------------------------------------------------------------------------------
    # Fitting and prediction
    # ----------------------------------------------------------------------------------

    #: Whether the targets are one per step (:class:`SequenceDataset`'s ``per_step``).
    _per_step = False

    def _dataset(self, seqs: Sequences, y, weights) -> SequenceDataset:
        """The training (or validation) data set of encoded targets ``y``."""
        return SequenceDataset(seqs, y, weights, per_step=self._per_step)

    def _network_class(self) -> type:
        """The torch module trained: the encoder with this estimator's head."""
        return SequenceNetwork

    def _predict_outputs(self, seqs: Sequences, batch_size: int):
        """The raw outputs of the fitted network for ``seqs``, in input order."""
        return predict_raw(self.net_, seqs, batch_size)

    def _partial_fit_classes(self, X, y, classes, sample_weight):
        """``partial_fit`` of an estimator of labels: ``classes`` is required on
        the first call (and fixes ``classes_``), must not change on later ones."""
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit (label "
                "frequencies are unknown until all data is seen). Pass a dict of "
                "class weights, or compute_class_weight on the full data."
            )
        if not hasattr(self, "net_"):
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            self._classes_for_partial_fit = np.unique(np.asarray(classes))
        elif classes is not None and not np.array_equal(
            np.unique(np.asarray(classes)), self.classes_
        ):
            raise ValueError(
                f"classes={classes!r} is not the same as on the first call to "
                f"partial_fit: {self.classes_!r}."
            )
        try:
            return self._fit(X, y, sample_weight, partial=True)
        finally:
            # Used by the first successful call only; a failed one leaves no trace.
            self.__dict__.pop("_classes_for_partial_fit", None)

    def _fit(self, X, y, sample_weight=None, **kwargs):
        """:meth:`_train`, all or nothing: a fit that raises (bad ``y`` after a good
        ``X``, a validation set that does not match) leaves the estimator's
        attributes as they were, so that a failed refit never pairs the new
        data's vocabulary or metadata with the previous network, nor leaves an
        estimator that looks fitted without a network."""
        before = dict(self.__dict__)
        try:
            return self._train(X, y, sample_weight, **kwargs)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _train(
        self,
        X,
        y,
        sample_weight=None,
        *,
        partial: bool = False,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
        """Train on ``(X, y)``: from scratch, or continuing the fitted net.

        ``partial`` is ``partial_fit``: one epoch at the constant learning rate
        ``lr``, no validation split, continuing when already fitted. ``X_val``,
        ``y_val`` (and ``sample_weight_val``) are the validation set of early
        stopping, instead of a split of ``(X, y)``.
        """
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is "
                "None."
            )
        first = not hasattr(self, "net_") or not (partial or self.warm_start)
        seqs = self._check_X(X, reset=first)
        pretrained = self._pretrained_encoder() if first else None
        y_train, n_outputs = self._encode_y(y, reset=first)
        self._check_n_samples(seqs, y_train)
        weights = self._sample_weight(y_train, sample_weight, len(seqs))
        data = self._dataset(seqs, y_train, weights)
        # The first fit resolves the "auto" choices on its data and keeps the
        # training set's statistics; a continuation reuses both, so only a change of
        # an explicit setting counts as a change of the network.
        architecture = self._resolve_architecture(
            seqs, previous=None if first else self._architecture
        )

        parallel = data_parallel.active()
        if first:
            self.device_ = resolve_device(self.device)
            self._seed = check_random_state(self.random_state).randint(2**31 - 1)
            if parallel is not None:  # every process makes rank 0's choices
                self._seed = parallel.broadcast_int(self._seed)
            seed = self._seed
        else:  # a continuation gets its own seed, as reproducible as the first
            seed = self._seed + len(self.net_.history)
        validation = None
        train_split = None
        monitored = data  # the data whose loss the stopping rule watches
        given = self._given_validation_set(X_val, y_val, sample_weight_val)
        if given is not None:
            monitored = given
        elif self._early_stopping_on(len(data)) and not partial:
            train_idx, valid_idx = self._validation_split(data, seed)
            monitored = data.take(valid_idx)
            data = data.take(train_idx)
        if monitored is not data:
            validation = self._validation_callback()
            train_split = predefined_split(monitored)
        baseline = self._constant_loss(
            _numpy(data.y),
            _numpy(data.sample_weight),
            _numpy(monitored.y),
            _numpy(monitored.sample_weight),
        )
        if self.mixed_precision and not self.device_.startswith("cuda"):
            warn(
                "mixed_precision=True has an effect only on CUDA devices; training "
                f"on {self.device_!r} in float32.",
                UserWarning,
            )
        batch_size = self._batch_size(len(data))
        step_batch = batch_size  # the batch of one process's step
        if parallel is not None:
            # Each process trains on its shard with its share of the global batch;
            # the choices above were made on all the data (see _distributed.py).
            data = data.take(parallel.shard_index(len(data), seed))
            step_batch = parallel.local_batch_size(batch_size)
        steps_per_epoch = -(-len(data) // step_batch)
        max_epochs = 1 if partial else self._max_epochs(steps_per_epoch)
        patience = self.n_iter_no_change
        if self.lr_schedule == "cosine" and not partial:
            share = int(np.ceil(_COSINE_MIN_PATIENCE * max_epochs))
            patience = max(patience, min(share, _COSINE_MAX_PATIENCE))
        # One progress log: rank 0's.
        verbose = self.verbose if parallel is None or parallel.rank == 0 else 0
        callbacks = make_callbacks(
            validation=validation,
            n_iter_no_change=patience,
            tol=self.tol,
            lr_schedule="constant" if partial else self.lr_schedule,
            lr=self.lr,
            total_steps=max_epochs * steps_per_epoch,
            baseline=baseline,
            verbose=verbose,
            extra=self.callbacks,
        )
        train_params = {
            "max_epochs": max_epochs,
            "batch_size": step_batch,
            "train_split": train_split,
            "callbacks": callbacks,
            "verbose": verbose,
            "clip_grad_norm": self.clip_grad_norm,
            "mixed_precision": self.mixed_precision,
            "seed": seed,
            "data_parallel": parallel,
            # Pretrained vectors or encoder, copied into a new network.
            "embedding_init": self._embedding_table() if first else None,
            "encoder_init": pretrained,
        }
        freezing = self._layer_freezing()
        if freezing is not None:
            callbacks.append(("layer_freezing", freezing))
        # (Models fitted before transfer existed have no depths.)
        depths = getattr(self, "_transfer_depths", None)
        scales = lr_scales(depths or {}, self._encoder_lr_decay())
        module_kwargs = self._module_kwargs(n_outputs, architecture)
        # What a continuation must not change: the module and the front end choice.
        config = {**module_kwargs, "front_end": architecture["front_end"]}
        optimizer_kwargs = self._optimizer_kwargs()
        if first:
            check_network_fits(self._network_class(), module_kwargs, self.device_)
            self.net_ = build_net(
                module=self._network_class(),
                module_kwargs=module_kwargs,
                criterion=self._criterion(),
                criterion_kwargs=self._criterion_kwargs(),
                optimizer=self.optimizer,
                optimizer_kwargs=optimizer_kwargs,
                device=self.device_,
                lr_scales=scales,
                **train_params,
            )
        else:
            self._check_continuation(config)
            if getattr(self, "_encoder_architecture", None):  # (still the source's)
                check_architecture(self, self._encoder_architecture)
            if parallel is not None:
                # Each process continues on its own device (a fit made elsewhere,
                # or rank 0's, was on one device for all).
                self.device_ = resolve_device(self.device)
                move_net(self.net_, self.device_)
            self.net_.set_params(**train_params)
            self.net_.initialize_callbacks()
            if scales != (self.net_.lr_scales or {}):
                # Other shares of the learning rate: other parameter groups.
                self.net_.lr_scales = scales
                self.net_.initialize_optimizer()
            if (self.optimizer, optimizer_kwargs) != self._optimizer_config:
                self._update_optimizer(optimizer_kwargs)
            # A schedule of an earlier fit may have left its last learning rate.
            set_learning_rate(self.net_.optimizer_, self.lr)
        self._module_config = config
        self._architecture = architecture
        self._optimizer_config = (self.optimizer, optimizer_kwargs)

        epochs_before = 0 if first else len(self.net_.history)
        try:
            with (
                torch_threads(resolve_n_jobs(self.n_jobs)),
                flush_denormals(),
                out_of_memory_explained(self.device_, "training"),
            ):
                if first and not partial:
                    self.net_.fit(data, y=None)
                else:
                    self.net_.partial_fit(data, y=None)
        finally:
            if freezing is not None:  # (also when the fit failed)
                freezing.release(self.net_)
            # Keep no training data inside the model (pickles stay small), and no
            # process group: the net is the one a one-process fit makes (also
            # when a continuation fails, which keeps this net).
            self.net_.set_params(
                train_split=None,
                batch_size=batch_size,
                verbose=self.verbose,
                data_parallel=None,
                embedding_init=None,  # (the weights hold them: not stored twice)
                encoder_init=None,
            )
        history = self.net_.history
        if history and "train_loss" not in history[-1]:
            # Ctrl-C inside an epoch: its batches trained the weights, but the epoch
            # has no loss; it is not counted (nor kept in the history).
            history.pop()
        if validation is not None:
            validation.score = None
        self._record_history()
        if not partial:
            self._warn_if_not_converged(len(self.net_.history) - epochs_before)
        return self

    def _given_validation_set(
        self, X_val, y_val, sample_weight_val
    ) -> SequenceDataset | None:
        """The validation set passed to ``fit`` (None when none was), validated
        and encoded as the training data was."""
        if X_val is None and y_val is None:
            if sample_weight_val is not None:
                raise ValueError(
                    "sample_weight_val was passed without X_val and y_val."
                )
            return None
        if X_val is None or y_val is None:
            raise ValueError(
                "X_val and y_val must be passed together (the validation set of "
                f"early stopping); got only {'X_val' if y_val is None else 'y_val'}."
            )
        if self.early_stopping is False:
            raise ValueError(
                "X_val and y_val are the validation set of early stopping, but "
                "early_stopping=False. Set early_stopping=True (or 'auto', which "
                "uses them when given), or do not pass them."
            )
        seqs = self._check_X(X_val, reset=False)
        targets, _ = self._encode_y(y_val, reset=False)
        self._check_n_samples(seqs, targets, names=("X_val", "y_val"))
        weights = self._sample_weight(targets, sample_weight_val, len(seqs))
        return self._dataset(seqs, targets, weights)

    # ----------------------------------------------------------------------------------
    # "auto" settings
    # ----------------------------------------------------------------------------------

    def _early_stopping_on(self, n_samples: int) -> bool:
        if self.early_stopping == "auto":
            return n_samples > _AUTO_EARLY_STOPPING_SAMPLES
        return bool(self.early_stopping)

    def _batch_size(self, n_samples: int) -> int:
        if self.batch_size == "auto":
            return int(np.clip(n_samples // 4, 1, _AUTO_MAX_BATCH))
        return self.batch_size

    def _max_epochs(self, steps_per_epoch: int) -> int:
        if self.max_iter == "auto":
            epochs = -(-_AUTO_STEPS // steps_per_epoch)
            return int(np.clip(epochs, _AUTO_MIN_EPOCHS, _AUTO_MAX_EPOCHS))
        return self.max_iter

    def _resolve_architecture(
        self, seqs: Sequences, previous: dict | None = None
    ) -> dict:
        """The network settings of this fit: "auto" choices resolved on its data,
        and the training set's per-channel statistics. ``previous`` (the first
        fit's, when continuing it) supplies the data-dependent ones."""
        numeric = seqs.kind == "numeric"
        front_end = self.front_end
        if front_end == "auto":
            front_end = "conv" if numeric else "none"
        filters = _positive_ints(self.conv_filters, "conv_filters")
        kernels = _positive_ints(self.conv_kernel_sizes, "conv_kernel_sizes")
        if front_end == "conv":
            if not filters:
                raise ValueError(
                    "front_end='conv' needs at least one layer: conv_filters is "
                    "empty. Pass e.g. conv_filters=(64, 128), or front_end='none'."
                )
            if len(kernels) != len(filters):
                raise ValueError(
                    f"conv_kernel_sizes={self.conv_kernel_sizes!r} must give one "
                    f"kernel size per layer of conv_filters={self.conv_filters!r} "
                    f"({len(filters)} layers)."
                )
        stride = self.conv_stride
        if stride == "auto" and previous is not None and previous["conv_filters"]:
            stride = previous["conv_stride"]
        elif stride == "auto":
            stride = self._auto_conv_stride(seqs)
        architecture = {
            **self._head_architecture(seqs),
            "front_end": front_end,
            "conv_filters": filters if front_end == "conv" else (),
            "conv_kernel_sizes": kernels if front_end == "conv" else (),
            "conv_stride": stride if front_end == "conv" else 1,
            "input_scaling": self.input_scaling if numeric else "none",
            "input_mean": None,
            "input_scale": None,
        }
        if previous is not None:
            architecture["input_mean"] = previous["input_mean"]
            architecture["input_scale"] = previous["input_scale"]
        elif numeric and self.input_scaling in ("dataset", "both"):
            mean, scale = channel_statistics(seqs)
            architecture["input_mean"] = tuple(float(v) for v in mean)
            architecture["input_scale"] = tuple(float(v) for v in scale)
        return architecture

    def _head_architecture(self, seqs: Sequences) -> dict:
        """The head's settings of this fit (its "auto" choices resolved)."""
        pooling = self.pooling
        if pooling == "auto":
            pooling = "mean_max" if seqs.kind == "numeric" else "last"
        return {"pooling": pooling}

    def _auto_conv_stride(self, seqs: Sequences) -> int:
        """``conv_stride="auto"``: leave the longest sequence about 64 steps."""
        longest = int(seqs.lengths.max(initial=1))
        return int(np.clip(round(longest / _AUTO_CONV_STEPS), 1, _AUTO_MAX_STRIDE))

    #: What the warning of a fit that learned nothing suggests.
    _not_learned_hint = (
        "Train longer (max_iter), or try another learning rate or front_end."
    )

    def _warn_if_not_converged(self, epochs: int) -> None:
        """Warn when the fit learned nothing (its best monitored loss is no lower
        than a constant predictor's), and, as MLPClassifier does, when all
        ``max_iter`` epochs of a constant or plateau schedule ran without the
        monitored loss settling. An interrupted fit does not warn."""
        stopper = dict(self.net_.callbacks_)["stopping"]
        # The stopping rule ends a fit by an interrupt too; any other is the user's.
        interrupted = getattr(self.net_, "interrupted_", False) and not stopper.stopped_
        if interrupted or epochs == 0:
            return
        monitored = (
            "validation loss" if stopper.monitor == "valid_loss" else "training loss"
        )
        best, baseline = stopper.best_score_, stopper.baseline
        if not best < _NO_BETTER * baseline:
            best = best if np.isfinite(best) else float("nan")  # never a finite loss
            warn(
                f"{type(self).__name__}: the fit ended no better than a constant "
                f"predictor (best {monitored} {best:.4g}; predicting "
                f"{self._constant_name} gives {baseline:.4g}). "
                + self._not_learned_hint,
                ConvergenceWarning,
            )
            return
        if self.lr_schedule == "cosine" or stopper.stopped_:
            # A cosine schedule anneals the learning rate to zero over the budget:
            # running it whole is the plan, not a sign of non-convergence.
            return
        if epochs < self.net_.max_epochs:
            return
        warn(
            f"{type(self).__name__}: max_iter={self.net_.max_epochs} epochs ran and "
            f"the {monitored} was still improving by more than tol={self.tol} within "
            f"n_iter_no_change={self.n_iter_no_change} epochs; the model may not "
            "have converged. Raise max_iter (or continue with warm_start=True).",
            ConvergenceWarning,
        )

    def _module_kwargs(self, n_outputs: int, architecture: dict) -> dict:
        kwargs = {
            "n_outputs": n_outputs,
            "n_channels": self._n_channels,
            "vocab_size": self.vocab_size_ if self.input_type_ == "tokens" else None,
            "embedding_dim": self._embedding_dim(),
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
            **{k: v for k, v in architecture.items() if k != "front_end"},
            # With encoder_init: the source's cell and sizes.
            **(getattr(self, "_encoder_architecture", None) or {}),
        }
        if getattr(self, "freeze_embedding", False) and self.input_type_ == "tokens":
            kwargs["freeze_embedding"] = True
        return kwargs

    def _pretrained_encoder(self) -> PretrainedEncoder | None:
        """``encoder_init``'s encoder for the data just read by ``_check_X`` (which
        set the ids), or None; sets the architecture and depths it imposes."""
        source = getattr(self, "encoder_init", None)
        self._encoder_architecture = None
        self._transfer_depths = None
        if source is None:
            return None
        if self.freeze_encoder and self.unfreeze_every is not None:
            raise ValueError(
                "freeze_encoder=True keeps the transferred layers frozen, and "
                f"unfreeze_every={self.unfreeze_every} unfreezes them: pass one of "
                "them."
            )
        if self._embedding_table() is not None:
            raise ValueError(
                "embedding_init and encoder_init both start the embedding; pass "
                "one of them."
            )
        if getattr(self, "front_end", "none") == "conv":
            raise ValueError(
                "encoder_init starts recurrent layers that read the embedding, but "
                "front_end='conv' puts a convolutional front end between them. Set "
                "front_end='auto' or 'none'."
            )
        pretrained = pretrained_encoder(self, source)
        self._encoder_architecture = check_architecture(self, pretrained.architecture)
        # Every row is kept: ids the training data lacks keep the source's.
        self.vocab_size_ = max(self.vocab_size_, len(pretrained.embedding))
        self._transfer_depths = pretrained.depths(
            self.bidirectional, chars=bool(getattr(self, "_char_features", False))
        )
        return pretrained

    def _encoder_lr_decay(self) -> float:
        return float(getattr(self, "encoder_lr_decay", 1.0))

    def _layer_freezing(self) -> LayerFreezing | None:
        """The callback that freezes transferred layers in this fit, if any."""
        depths = getattr(self, "_transfer_depths", None)
        frozen = bool(getattr(self, "freeze_encoder", False))
        every = getattr(self, "unfreeze_every", None)
        if not depths or not (frozen or every is not None):
            return None
        keep = frozenset()
        if getattr(self, "freeze_embedding", False):
            keep = frozenset({"encoder.embedding.weight"})
        return LayerFreezing(depths, frozen=frozen, every=every, keep=keep)

    def __sklearn_clone__(self):
        """scikit-learn's clone, sharing ``encoder_init``: a fitted model that is
        only read (cloning it would unfit it)."""
        clone = super().__sklearn_clone__()
        source = getattr(self, "encoder_init", None)
        if source is not None:
            clone.encoder_init = source
        return clone

    def _embedding_dim(self) -> int:
        """The width of the token embedding: ``embedding_init``'s, when given."""
        init = getattr(self, "embedding_init", None)
        if init is not None and self.input_type_ == "tokens":
            return int(np.shape(init)[1])
        return self.embedding_dim

    def _optimizer_kwargs(self) -> dict:
        kwargs = {"lr": self.lr, "weight_decay": self.weight_decay}
        if self.optimizer in ("sgd", "rmsprop"):
            kwargs["momentum"] = self.momentum
        on_fused_device = torch.device(self.device_).type in ("cpu", "cuda")
        if self.optimizer in FUSED_OPTIMIZERS and on_fused_device:
            # One kernel per step instead of one per operation and parameter: Adam's
            # step on an Embedding(10000, 64) -> LSTM(64) model took 1.0 ms instead
            # of 5-7 ms on one CPU core (the step is 15% of a bucketed epoch).
            kwargs["fused"] = True
        return kwargs

    def _update_optimizer(self, kwargs: dict) -> None:
        """Apply changed optimizer settings to a fit that continues (warm_start or
        partial_fit). The same optimizer keeps its state (e.g. Adam's moment
        estimates) with the new learning rate, weight decay or momentum, as changing
        the learning rate of a Keras model does; another optimizer starts afresh."""
        net = self.net_
        old_name, old_kwargs = self._optimizer_config
        for key in old_kwargs.keys() - kwargs.keys():
            delattr(net, f"optimizer__{key}")
        for key, value in kwargs.items():
            setattr(net, f"optimizer__{key}", value)
        if self.optimizer == old_name:
            settings = {k: v for k, v in kwargs.items() if k not in ("fused", "lr")}
            for group in net.optimizer_.param_groups:
                group.update(settings)
            set_learning_rate(net.optimizer_, kwargs["lr"])
        else:
            net.optimizer = OPTIMIZERS[self.optimizer]
            net.initialize_optimizer()

    def _check_continuation(self, module_kwargs: dict) -> None:
        """Continuing a fit needs the same network; say which parameter changed."""
        changed = sorted(
            key
            for key, value in module_kwargs.items()
            if self._module_config.get(key) != value
        )
        if changed:
            raise ValueError(
                f"warm_start/partial_fit continue the fitted network, but "
                f"{', '.join(changed)} changed since it was built. Set "
                "warm_start=False (or call fit) to train a new network."
            )

    def _validation_split(self, data: SequenceDataset, seed: int):
        """Seeded (stratified where possible) train/validation indices."""
        n = len(data)
        if n < 2:
            raise ValueError(
                f"early_stopping=True holds out a validation set, which needs at "
                f"least 2 samples; got {n} sample."
            )
        index = np.arange(n)
        stratify = self._stratify_labels(data.y.numpy())
        try:
            return train_test_split(
                index,
                test_size=self.validation_fraction,
                stratify=stratify,
                random_state=seed,
            )
        except ValueError:
            if stratify is None:
                raise
            warn(
                "The validation split could not be stratified (a class has too few "
                "samples for validation_fraction); using an unstratified split.",
                UserWarning,
            )
            return train_test_split(
                index, test_size=self.validation_fraction, random_state=seed
            )

    def _record_history(self) -> None:
        """MLP-style fitted attributes from the skorch history."""
        history = self.net_.history
        self.n_iter_ = len(history)
        self.loss_curve_ = [float(row["train_loss"]) for row in history]
        valid_loss = [row.get("valid_loss") for row in history]
        valid_score = [row.get("valid_score") for row in history]
        if not history:  # interrupted inside the first epoch
            self.validation_loss_curve_ = self.validation_scores_ = None
            self.best_validation_score_ = self.best_loss_ = None
        elif self.early_stopping and valid_loss[-1] is not None:
            self.validation_loss_curve_ = [v for v in valid_loss if v is not None]
            self.validation_scores_ = [v for v in valid_score if v is not None]
            # The score of the weights kept: early stopping restores the epoch of
            # the lowest validation loss of this fit (not necessarily the highest
            # score; a warm start's earlier fits used another validation split).
            # (No kept epoch, 0, when every validation loss was NaN.)
            kept = getattr(dict(self.net_.callbacks_)["stopping"], "best_epoch_", 0)
            self.best_validation_score_ = (
                history[kept - 1, "valid_score"] if kept else float("nan")
            )
            self.best_loss_ = None
        else:
            self.validation_loss_curve_ = None
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = min(self.loss_curve_)

    def __getstate__(self):
        state = super().__getstate__()
        net = state.get("net_")
        if net is not None and not is_net_state(net):
            # The net as plain data (arrays, numbers, strings): see _persistence.py.
            state = {**state, "net_": net_to_state(net)}
        return state

    def __setstate__(self, state):
        if is_net_state(state.get("net_")):
            state = {**state, "net_": net_from_state(state["net_"])}
        super().__setstate__(state)
        # Parameters added since the model was pickled take their defaults.
        signature = inspect.signature(type(self).__init__).parameters
        for name in self._get_param_names():
            if name not in self.__dict__:
                setattr(self, name, signature[name].default)
        # A CUDA-trained net is rebuilt on the CPU when unpickled where CUDA is
        # missing (so is an older pickle's, by skorch); the fitted device follows
        # it (the ``device`` parameter does not).
        net = self.__dict__.get("net_")
        if net is not None and "device_" in self.__dict__:
            self.device_ = str(net.device)

    def _inference(self):
        """The context of running the fitted network: its thread count, denormals
        flushed, out-of-memory errors explained."""
        stack = contextlib.ExitStack()
        stack.enter_context(torch_threads(resolve_n_jobs(self.n_jobs)))
        stack.enter_context(flush_denormals())
        stack.enter_context(out_of_memory_explained(self.device_, "prediction"))
        return stack

    def _predict_batch_size(self) -> int:
        return max(self.net_.batch_size, _MIN_PREDICT_BATCH)

    def _forward(self, X, **kwargs) -> np.ndarray:
        """Raw network outputs for ``X`` in input order (float64): an array, or
        one item per sequence for per-step outputs. ``kwargs`` go to
        :meth:`_predict_outputs`."""
        check_is_fitted(self)
        batch_size = self._predict_batch_size()
        parts = []
        with self._inference():
            # Chunk by chunk, so that converting the input (dtype, left-alignment,
            # unknown ids) never copies more than a chunk of a large data set.
            for chunk in row_chunks(X, batch_size * _PREDICT_CHUNK_BATCHES):
                seqs = self._check_X(chunk, reset=False)
                parts.append(self._predict_outputs(seqs, batch_size, **kwargs))
        if isinstance(parts[0], list):  # one array per sequence
            return [a for part in parts for a in part]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
