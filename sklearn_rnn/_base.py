"""Logic shared by :class:`RNNClassifier` and :class:`RNNRegressor`.

The estimator is a plain scikit-learn estimator: ``__init__`` stores parameters, ``fit``
validates them and the data, builds a skorch net and keeps it as the fitted ``net_``.
"""

from __future__ import annotations

from abc import abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._data import INPUT_TYPES, OOV_ID, Sequences, to_sequences
from ._network import CELLS, POOLINGS
from ._training import (
    OPTIMIZERS,
    SequenceDataset,
    build_net,
    predict_raw,
    resolve_device,
    seeded,
)

#: Prediction batches hold at least this many sequences (bigger is faster; memory is
#: bounded by one batch).
_MIN_PREDICT_BATCH = 256


class BaseRNN(BaseEstimator):
    """Base class for recurrent-network estimators. Not for direct use."""

    _parameter_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions(set(POOLINGS))],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "input_type": [StrOptions(set(INPUT_TYPES))],
        "channels_first": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "random_state": ["random_state"],
        "device": [StrOptions({"auto", "cpu", "cuda"}), str],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        pooling: str = "last",
        embedding_dim: int = 64,
        input_type: str = "auto",
        channels_first: bool = False,
        max_iter: int = 100,
        batch_size: int = 32,
        lr: float = 3e-3,
        optimizer: str = "adam",
        random_state=None,
        device: str = "auto",
        verbose: int = 0,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.pooling = pooling
        self.embedding_dim = embedding_dim
        self.input_type = input_type
        self.channels_first = channels_first
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    # ----------------------------------------------------------------------------------
    # Hooks for the subclasses
    # ----------------------------------------------------------------------------------

    @abstractmethod
    def _encode_y(self, y) -> tuple[np.ndarray, int]:
        """Validate ``y``, set target-related fitted attributes, return the training
        targets and the number of network outputs."""

    @abstractmethod
    def _criterion(self) -> type:
        """The torch loss class."""

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

    def _check_n_samples(self, seqs: Sequences, y) -> None:
        n_y = len(y)
        if n_y != len(seqs):
            raise ValueError(
                f"X has {len(seqs)} sequences but y has {n_y} targets; they must match."
            )

    # ----------------------------------------------------------------------------------
    # Fitting and prediction
    # ----------------------------------------------------------------------------------

    def _fit(self, X, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is "
                "None."
            )
        seqs = self._check_X(X, reset=True)
        y_train, n_outputs = self._encode_y(y)
        self._check_n_samples(seqs, y_train)

        self.device_ = resolve_device(self.device)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        module_kwargs = {
            "n_outputs": n_outputs,
            "n_channels": self._n_channels,
            "vocab_size": self.vocab_size_ if self.input_type_ == "tokens" else None,
            "embedding_dim": self.embedding_dim,
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
            "pooling": self.pooling,
        }
        self.net_ = build_net(
            module_kwargs=module_kwargs,
            criterion=self._criterion(),
            optimizer=self.optimizer,
            lr=self.lr,
            max_epochs=self.max_iter,
            batch_size=self.batch_size,
            device=self.device_,
            verbose=self.verbose,
            rng=np.random.default_rng(seed),
        )
        with seeded(seed, self.device_):
            self.net_.fit(SequenceDataset(seqs, y_train), y=None)
        self.n_iter_ = len(self.net_.history)
        self.loss_curve_ = list(self.net_.history[:, "train_loss"])
        return self

    def _forward(self, X) -> np.ndarray:
        """Raw network outputs for ``X`` in input order (float64)."""
        check_is_fitted(self)
        seqs = self._check_X(X, reset=False)
        batch_size = max(self.batch_size, _MIN_PREDICT_BATCH)
        return predict_raw(self.net_, seqs, batch_size)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
