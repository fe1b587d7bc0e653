"""RNNForecaster: multi-step probabilistic forecasts of one or many series."""

from __future__ import annotations

import math
from numbers import Integral

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._base import BaseRNN
from .._data import Sequences
from .._decoder import ATTENTIONS
from .._training import predict_raw
from .._warnings import warn
from ._network import HEADS, ForecastNetwork, PinballLoss, pinball_numpy
from ._series import (
    Panel,
    covariate_rows,
    forecast_steps,
    format_forecast,
    quantiles_at,
    read_covariates,
    read_target,
    windows,
)

#: The quantiles learned by default: the median and the bounds of the 50%, 80%,
#: 90% and 95% intervals.
DEFAULT_QUANTILES = (0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975)

#: Calibration factors of a step ahead need this many held-out forecasts of it
#: (else the factors pooled over all steps).
_MIN_CALIBRATION = 10

#: ``horizon="auto"`` without a seasonal period: at most this many steps.
_AUTO_HORIZON = 10

#: The encoder's settings shared with the other estimators (BaseRNN's constraints).
_SHARED = (
    "cell",
    "hidden_size",
    "num_layers",
    "bidirectional",
    "dropout",
    "max_iter",
    "batch_size",
    "lr",
    "optimizer",
    "weight_decay",
    "momentum",
    "clip_grad_norm",
    "lr_schedule",
    "early_stopping",
    "validation_fraction",
    "n_iter_no_change",
    "tol",
    "warm_start",
    "callbacks",
    "mixed_precision",
    "random_state",
    "device",
    "n_jobs",
    "verbose",
)


class RNNForecaster(BaseRNN):
    """Recurrent neural network forecaster, for one series or many at once.

    Multi-step quantile forecasts. One network (the library's recurrent encoder
    over a window of each series' recent history, and a head that forecasts
    ``horizon`` steps at once) is trained on every forecast origin of every
    series given: a global model, so
    series of different lengths and levels teach one another. Each window is
    scaled by its own mean and standard deviation inside the network, and the
    forecasts scaled back (reversible instance normalisation), so raw levels and
    trends need no preprocessing. The network outputs quantiles (pinball loss,
    in units of each window's naive-forecast error, so every series counts
    alike), from which :meth:`predict_interval` and :meth:`predict_quantiles`
    read; :meth:`predict` is the median.

    Covariates come in two kinds, kept apart by the API: ``X`` holds the
    **future-known** ones (calendar, holidays, planned prices and promotions),
    which are needed at :meth:`predict` for every forecast step;
    ``past_covariates`` holds those **observed only up to now** (other
    measurements, weather readings), which the network reads in the history
    window only. :meth:`update` conditions on new observations without
    refitting. The forecasts are labelled like ``y`` (the dates of a pandas
    index follow its frequency).

    See :ref:`forecasting` in the user guide; ``sklearn_rnn.forecasting.
    SktimeRNNForecaster`` is this estimator behind sktime's forecaster
    interface.

    Parameters
    ----------
    horizon : int or "auto", default="auto"
        ``H``, the number of steps the network forecasts at once. "auto": the
        largest step of ``fh`` when passed to :meth:`fit`, else the seasonal
        period when there is one, else 10 (at most a quarter of the shortest
        series). Point forecasts further ahead are made block by block, each
        block's median read as observed; quantiles and intervals only up to
        ``H``.
    window_length : int or "auto", default="auto"
        The steps of history the network reads for each forecast. "auto":
        ``max(3 * H, 2 * seasonal_period)``, at most twice the shortest series.
        Every series needs more than half a window of observations; a forecast
        origin closer to its series' start reads the shorter history (padding
        never changes a forecast).
    seasonal_period : int or "auto", default="auto"
        The number of steps of a season; "auto" reads it from the index's
        frequency (12 for monthly, 4 quarterly, 52 weekly, 7 daily, 24 hourly
        data; 1 for arrays and other frequencies). It sets the "auto" horizon
        and window.
    head : {"direct", "recurrent"}, default="direct"
        How the ``H`` steps are made from the encoder's summary. "direct": one
        context vector per step (a linear layer), then per step a small network
        of that context and the step's known covariates (MQ-RNN, Wen et al.
        2017). "recurrent": the sequence-to-sequence decoder runs over the
        horizon, reading each step's known covariates and position, optionally
        attending over the history (``attention``).
    attention : {"none", "additive", "multiplicative"}, default="none"
        The recurrent head's attention over the history window.
    quantiles : array-like of float, default=(0.025, 0.05, 0.1, 0.25, 0.5, \
0.75, 0.9, 0.95, 0.975)
        The quantile levels learned, in (0, 1); other levels are interpolated
        between them. They never cross.
    instance_norm : bool, default=True
        Scale each window by its own mean and standard deviation (and the
        forecast back); False scales every window by the training set's.
    linear_skip : bool, default=True
        Add a linear autoregression of the scaled window to the middle quantile
        (LSTNet's highway, Lai et al. 2018): the recurrent network learns what a
        linear model of the window misses, which keeps small data sets from
        being fitted worse than by ridge regression on lags.
    calibrate : bool, default=True
        When early stopping holds out the end of the series, scale each
        quantile's distance from the median so that it holds its level on those
        held-out forecasts (split-conformal calibration, Romano et al. 2019):
        quantile regression alone is overconfident on small data sets.
    refit : bool, default=False
        After early stopping, train a new network (same seed) on the whole
        series, the held-out end included, for as many epochs as the stopping
        rule kept (the held-out fit's calibration is kept). It doubles the
        training time; in the forecasting benchmark it was no better on most
        series (the forecasts always read the latest observations, as inputs).
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}, default="gru"
        The recurrent cell.
    hidden_size : int, default=64
        Units per recurrent layer (and width of the head).
    num_layers : int, default=1
        Recurrent layers.
    bidirectional : bool, default=False
        Read each history window in both directions.
    dropout : float, default=0.0
        Dropout between recurrent layers and in the head, while training.
    max_iter : int or "auto", default="auto"
        Epochs; "auto" runs enough epochs for about 1,500 optimizer steps (10 to
        1,000 epochs).
    batch_size : int or "auto", default="auto"
        Windows per optimizer step; "auto" is a quarter of the windows, at most
        32.
    lr : float, default=3e-3
        Learning rate (the peak of the cosine schedule).
    optimizer : {"adam", "adamw", "sgd", "rmsprop"}, default="adam"
        The optimizer.
    weight_decay : float, default=0.0
        L2 penalty (decoupled with "adamw").
    momentum : float, default=0.9
        Momentum of "sgd" and "rmsprop".
    clip_grad_norm : float or None, default=5.0
        Clip the gradients' global norm to this value.
    lr_schedule : {"cosine", "constant", "plateau"}, default="cosine"
        See :class:`~sklearn_rnn.RNNClassifier`.
    early_stopping : bool or "auto", default="auto"
        Hold out the end of every series (its last ``validation_fraction``, at
        least ``H`` steps) and stop when the loss there stops improving,
        restoring the best epoch; the held-out forecasts also calibrate the
        quantiles (``calibrate``). "auto" does so when a series is long enough
        to keep more than half a window for training; True raises otherwise.
        Training origins never see the held-out targets; forecasts read the
        whole series.
    validation_fraction : float, default=0.1
        The share of each series held out for early stopping.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    tol : float, default=1e-4
        The improvement that counts.
    warm_start : bool, default=False
        Continue training the fitted network on the next :meth:`fit`.
    callbacks : list of skorch callbacks or None, default=None
        Extra callbacks, e.g. ``[("progress", ProgressBar())]``.
    mixed_precision : bool, default=False
        Train with float16 autocast on CUDA.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the shuffles and dropout.
    device : {"auto", "cpu", "cuda"} or str, default="auto"
        Where the network trains and predicts; "auto" picks CUDA when available.
    n_jobs : int or None, default=None
        Torch threads while training and predicting (None: one per core, at
        most what the machine's other jobs leave).
    verbose : int, default=0
        Print a line per epoch.

    Attributes
    ----------
    horizon_ : int
        The steps forecast at once.
    window_length_ : int
        The history window read.
    seasonal_period_ : int
        The seasonal period used by the "auto" settings.
    quantiles_ : ndarray of float
        The quantile levels learned, increasing.
    quantile_scale_ : ndarray of shape (n_steps, n_quantiles)
        The calibration factor of each quantile's distance from the median, at
        each step ahead (all 1 without calibration).
    n_series_ : int
        The number of series fitted.
    cutoff_ : object or list
        The label of the last observation (its position, for arrays); one per
        series for a list. :meth:`update` moves it.
    n_features_in_ : int
        Future-known covariates (columns of ``X``); only when ``X`` was passed.
    n_past_covariates_ : int
        Past-observed covariates (columns of ``past_covariates``).
    net_ : skorch.NeuralNet
        The fitted network and its training history.
    n_iter_ : int
        Epochs run (by the final network, with ``refit``).
    loss_curve_ : list of float
        Training loss of each epoch (mean scaled pinball loss).
    validation_loss_curve_, validation_scores_ : list of float or None
        With early stopping: the held-out loss of each epoch, and its skill over
        the naive forecast (``1 - loss / naive loss``).
    best_validation_score_, best_loss_ : float or None
        The score of the epoch kept (early stopping), or the lowest training
        loss.

    See Also
    --------
    RNNRegressor : One target per sequence, when the windows are made by hand.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNForecaster
    >>> t = np.arange(96)
    >>> y = 10 + 2 * np.sin(2 * np.pi * t / 12)
    >>> model = RNNForecaster(horizon=6, hidden_size=16, max_iter=20, random_state=0)
    >>> model.fit(y).predict(fh=6).shape
    (6,)
    >>> model.predict_interval(fh=[1, 2], coverage=0.8).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **{k: v for k, v in BaseRNN._parameter_constraints.items() if k in _SHARED},
        "horizon": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "window_length": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "seasonal_period": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "head": [StrOptions(set(HEADS))],
        "attention": [StrOptions(set(ATTENTIONS))],
        "quantiles": ["array-like"],
        "instance_norm": ["boolean"],
        "linear_skip": ["boolean"],
        "calibrate": ["boolean"],
        "refit": ["boolean"],
    }

    def __init__(
        self,
        *,
        horizon: int | str = "auto",
        window_length: int | str = "auto",
        seasonal_period: int | str = "auto",
        head: str = "direct",
        attention: str = "none",
        quantiles=DEFAULT_QUANTILES,
        instance_norm: bool = True,
        linear_skip: bool = True,
        calibrate: bool = True,
        refit: bool = False,
        cell: str = "gru",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
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
        # Not BaseRNN.__init__: a forecaster's input is its own history, so the
        # settings of X's form (pooling, front end, embedding, input type) do not
        # apply; __init__ sets exactly the parameters of its own signature.
        self.horizon = horizon
        self.window_length = window_length
        self.seasonal_period = seasonal_period
        self.head = head
        self.attention = attention
        self.quantiles = quantiles
        self.instance_norm = instance_norm
        self.linear_skip = linear_skip
        self.calibrate = calibrate
        self.refit = refit
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
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
    def fit(self, y, X=None, *, past_covariates=None, fh=None):
        """Fit the forecaster to one series or to many.

        Parameters
        ----------
        y : pandas Series or DataFrame, array-like, or list of them
            The series: a pandas Series (its index, dates with a frequency or
            integers, labels the forecasts), a 1D array, several series of
            equal length as the columns of a DataFrame or 2D array, or a list of
            series of any lengths (one global model across them).
        X : DataFrame, array-like, or list of them, default=None
            Future-known covariates, one column each, a row per observation of
            ``y`` (pandas rows are matched by index label; the columns of a
            2D ``y`` share one table; a list of ``y`` takes a list).
            :meth:`predict` needs their values at every forecast step.
        past_covariates : like X, default=None
            Covariates observed only up to the last observation; the network
            reads them in the history window only.
        fh : int, array-like of int or ForecastingHorizon, default=None
            The steps ahead that will be asked for: they set the "auto"
            horizon, and are :meth:`predict`'s default.

        Returns
        -------
        self : RNNForecaster
            The fitted forecaster.
        """
        before = dict(self.__dict__)
        try:
            return self._fit_series(y, X, past_covariates, fh)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(before)
            raise

    def _fit_series(self, y, X, past_covariates, fh):
        panel = read_target(y)
        continuing = self.warm_start and hasattr(self, "net_")
        widths = (self.n_past_covariates_, self._n_future) if continuing else None
        past = read_covariates(
            past_covariates,
            panel,
            "past_covariates",
            width=None if widths is None else widths[0],
        )
        future = read_covariates(
            X, panel, "X", width=None if widths is None else widths[1]
        )
        if continuing and (past is None) != (widths[0] == 0):
            raise ValueError(
                "warm_start continues the fitted network, which was fitted "
                + ("with" if widths[0] else "without")
                + " past_covariates; pass the same kinds of covariates."
            )
        if continuing and (future is None) != (widths[1] == 0):
            raise ValueError(
                "warm_start continues the fitted network, which was fitted "
                + ("with" if widths[1] else "without")
                + " X (future-known covariates); pass the same kinds of covariates."
            )
        steps = None
        if fh is not None:
            cutoff = None
            if panel.form in ("series", "frame"):
                cutoff = panel.clocks[0].labels(np.array([0]))
            steps = forecast_steps(fh, cutoff)
        lengths = [len(v) for v in panel.values]
        if continuing:
            sp, H, L = self.seasonal_period_, self.horizon_, self.window_length_
        else:
            sp, H, L = self._resolve_shape(panel, steps, min(lengths))
        min_history = math.ceil(L / 2)
        for i, n in enumerate(lengths):
            if n < min_history + 1:
                what = "y" if len(lengths) == 1 else f"series {panel.names[i]!r}"
                raise ValueError(
                    f"{what} has {n} observation(s), too few for "
                    f"window_length={L}: a forecaster reads at least half a window "
                    f"of history ({min_history}) and needs one more value to learn "
                    "from. Pass a smaller window_length, or leave out the short "
                    "series."
                )
        n_past = 0 if past is None else past[0].shape[1]
        n_future = 0 if future is None else future[0].shape[1]
        blocks = [
            np.column_stack(
                [v] + ([past[i]] if n_past else []) + ([future[i]] if n_future else [])
            )
            for i, v in enumerate(panel.values)
        ]
        ends = list(lengths)
        split = self.early_stopping is not False
        if split:
            try:
                ends = self._training_ends(lengths, H, min_history)
            except ValueError:
                if self.early_stopping is True:
                    raise
                split = False  # "auto": too short to hold anything out
        self._split = split
        train_origins = [np.arange(min_history, end) for end in ends]
        cut = {"window": L, "horizon": H, "n_future": n_future}
        train_X, train_y = windows(blocks, train_origins, ends=ends, **cut)
        fit_kwargs = {}
        if split:
            val_origins = [
                np.arange(max(end, min_history), n)
                for end, n in zip(ends, lengths, strict=True)
            ]
            fit_kwargs["X_val"], fit_kwargs["y_val"] = windows(
                blocks, val_origins, **cut
            )
        training_rows = np.concatenate(
            [b[:end] for b, end in zip(blocks, ends, strict=True)]
        )
        self.seasonal_period_, self.horizon_, self.window_length_ = sp, H, L
        self.quantiles_ = self._levels()
        self.n_past_covariates_, self._n_future = n_past, n_future
        if n_future:
            self.n_features_in_ = n_future
        else:
            self.__dict__.pop("n_features_in_", None)
        self._statistics = self._training_statistics(training_rows, n_past, split)
        self._fh_steps = steps
        self._fit(train_X, train_y, **fit_kwargs)
        scale = np.ones((H, len(self.quantiles_)))
        if split and self.calibrate:
            scale = self._calibration(fit_kwargs["X_val"], fit_kwargs["y_val"])
        if split and self.refit and not continuing:
            self._refit(blocks, lengths, min_history, cut)
        self.quantile_scale_ = scale
        # What forecasts start from: each series' last window, and its clock.
        self._history = [b[-L:].copy() for b in blocks]
        self._panel = Panel(
            [],
            list(panel.clocks),
            panel.form,
            list(panel.names),
            list(panel.item_forms),
        )
        self.n_series_ = len(panel)
        self._set_cutoff()
        return self

    def _refit(self, blocks, lengths, min_history: int, cut: dict) -> None:
        """Train a new network on every forecast origin, the held-out end
        included, for the epochs the stopping rule kept (the held-out fit's
        validation record is kept)."""
        stopper = dict(self.net_.callbacks_)["stopping"]
        epochs = max(int(getattr(stopper, "best_epoch_", 0) or self.n_iter_), 1)
        record = {
            name: getattr(self, name)
            for name in (
                "validation_loss_curve_",
                "validation_scores_",
                "best_validation_score_",
            )
        }
        every_X, every_y = windows(
            blocks, [np.arange(min_history, n) for n in lengths], **cut
        )
        self._split, self._final_epochs = False, epochs
        try:
            self._fit(every_X, every_y)
        finally:
            del self._final_epochs
        self.__dict__.update(record)

    def _max_epochs(self, steps_per_epoch: int) -> int:
        final = getattr(self, "_final_epochs", None)
        return final if final is not None else super()._max_epochs(steps_per_epoch)

    def _resolve_shape(self, panel: Panel, steps, shortest: int) -> tuple[int, ...]:
        """The seasonal period, horizon and window of this fit ("auto" resolved)."""
        sp = self.seasonal_period
        if sp == "auto":
            sp = panel.clocks[0].seasonal_period()
        H = self.horizon
        if H == "auto":
            if steps is not None:
                H = int(steps.max())
            elif sp > 1:
                H = sp
            else:
                H = max(1, min(_AUTO_HORIZON, shortest // 4))
        L = self.window_length
        if L == "auto":
            L = max(3 * H, 2 * sp, 2)
            L = min(L, max(2 * (shortest - 1), 1))
        return int(sp), int(H), int(L)

    def _calibration(self, seqs: Sequences, targets: np.ndarray) -> np.ndarray:
        """``(H, Q)`` factors on each quantile's distance from the median that
        make it hold its level on the held-out forecasts of each step ahead
        (split-conformal, with the finite-sample correction; 1 for the median).

        Per step, because the held-out end has many more short-horizon forecasts
        than long ones: pooled, they would set the long horizons' intervals. A
        step with fewer than two held-out forecasts takes the pooled factors.
        """
        with self._inference():
            raw = predict_raw(self.net_, seqs, self._predict_batch_size())
        levels = self.quantiles_
        pooled = _spread_factors(raw.reshape(-1, len(levels)), targets, levels)
        per_step = np.stack(
            [
                _spread_factors(
                    raw[:, j], targets[:, j], levels, pooled, _MIN_CALIBRATION
                )
                for j in range(raw.shape[1])
            ]
        )
        return per_step

    def _training_ends(self, lengths, horizon: int, min_history: int) -> list[int]:
        """Where each series' training part ends when its last part is held out
        for early stopping (the series' length when it is too short to split)."""
        ends = []
        for n in lengths:
            held = max(horizon, math.ceil(self.validation_fraction * n))
            ends.append(n - held if n - held >= min_history + 1 else n)
        if all(end == n for end, n in zip(ends, lengths, strict=True)):
            raise ValueError(
                "early_stopping holds out the end of each series (its last "
                f"validation_fraction={self.validation_fraction}, at least the "
                f"horizon of {horizon} steps), but no series is long enough to keep "
                f"{min_history + 1} observations for training after that. Set "
                "early_stopping=False, or a smaller horizon or window_length."
            )
        return ends

    def _levels(self) -> np.ndarray:
        levels = np.asarray(self.quantiles, dtype=np.float64).ravel()
        if len(levels) == 0 or not ((levels > 0) & (levels < 1)).all():
            raise ValueError(
                f"quantiles must be levels strictly between 0 and 1; got "
                f"{self.quantiles!r}."
            )
        if (np.diff(levels) <= 0).any():
            raise ValueError(
                f"quantiles must be increasing and distinct; got {self.quantiles!r}."
            )
        if not levels[0] <= 0.5 <= levels[-1]:
            raise ValueError(
                "quantiles must include the median (0.5), or levels on both sides "
                f"of it, since predict forecasts the median; got {self.quantiles!r}."
            )
        return levels

    @staticmethod
    def _training_statistics(rows: np.ndarray, n_past: int, held_out: bool) -> dict:
        """The target's and the covariates' mean and scale over the training rows.

        A covariate that never varies there cannot be learned: its weights would
        get no gradient and keep their random start, so a new value at prediction
        (a law in force only since the held-out end) would shift the forecast by
        chance. Its scale is infinite (it reads as 0 everywhere), with a warning.
        """
        mean = rows.mean(axis=0)
        std = rows.std(axis=0)
        varies = std > 1e-12 * np.maximum(np.abs(mean), 1)
        scale = np.where(varies, std, 1.0)
        constant = [j for j in range(1, rows.shape[1]) if not varies[j]]
        if constant:
            names = ", ".join(
                f"past_covariates column {j - 1}"
                if j <= n_past
                else f"X column {j - 1 - n_past}"
                for j in constant
            )
            warn(
                f"{names} never change(s) in the training data"
                + (
                    " (the end of each series is held out for early stopping)"
                    if held_out
                    else ""
                )
                + ": the network cannot learn their effect and ignores them. "
                "Pass early_stopping=False to train on the held-out end too, or "
                "leave them out.",
                UserWarning,
            )
            scale[constant] = np.inf
        return {
            "target_mean": float(mean[0]),
            "target_scale": float(scale[0]),
            "covariate_mean": tuple(float(v) for v in mean[1:]) or None,
            "covariate_scale": tuple(float(v) for v in scale[1:]) or None,
        }

    def _set_cutoff(self) -> None:
        cutoffs = [c.last for c in self._panel.clocks]
        self.cutoff_ = cutoffs if self._panel.form == "list" else cutoffs[0]

    # ----------------------------------------------------------------------------------
    # Hooks of BaseRNN
    # ----------------------------------------------------------------------------------

    def _network_class(self):
        return ForecastNetwork

    def _early_stopping_on(self, n_samples: int) -> bool:
        # Decided by fit, on the series' lengths (the tail held out of each).
        return self._split

    def _check_X(self, X, *, reset: bool) -> Sequences:
        # X is the forecast origins' windows, cut by this class (never a user's).
        if reset:
            self.input_type_ = "numeric"
            self._n_channels = X.n_channels
        return X

    def _encode_y(self, y, *, reset):
        return y, len(self.quantiles_)

    def _resolve_architecture(self, seqs, previous=None):
        architecture = {
            "front_end": "none",
            "horizon": self.horizon_,
            "window": self.window_length_,
            "linear_skip": bool(self.linear_skip),
            "seasonal_period": self.seasonal_period_,
            "n_past": self.n_past_covariates_,
            "n_future": self._n_future,
            "quantiles": tuple(float(q) for q in self.quantiles_),
            "head": self.head,
            "attention": self.attention,
            "instance_norm": bool(self.instance_norm),
            "head_dropout": float(self.dropout),
            **self._statistics,
        }
        if previous is not None:  # a continuation keeps the first fit's scaling
            for key in self._statistics:
                architecture[key] = previous[key]
        return architecture

    def _module_kwargs(self, n_outputs, architecture):
        return {
            "n_outputs": n_outputs,
            "n_channels": self._n_channels,
            "vocab_size": None,
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "dropout": self.dropout,
            "input_scaling": "none",
            "conv_filters": (),
            **{k: v for k, v in architecture.items() if k != "front_end"},
        }

    def _criterion(self):
        return PinballLoss

    def _criterion_kwargs(self):
        return {"quantiles": tuple(float(q) for q in self.quantiles_)}

    def _naive_loss(self, targets: np.ndarray) -> float:
        """The mean loss of the naive forecast (every quantile at the window's
        last value) over the steps of ``(N, 3)`` or ``(n, H, 3)`` targets."""
        rows = targets.reshape(-1, 3).astype(np.float64)
        rows = rows[~np.isnan(rows[:, 2])]
        if len(rows) == 0:
            return float("nan")
        naive = np.repeat(rows[:, :1], len(self.quantiles_), axis=1)
        return float(pinball_numpy(naive, rows, self.quantiles_).mean())

    def _validation_score(self, raw, y_train):
        loss = pinball_numpy(raw, y_train.astype(np.float64), self.quantiles_)
        return 1.0 - float(loss.mean()) / self._naive_loss(y_train)

    _constant_name = "the naive forecast (every step at the last value)"
    _not_learned_hint = (
        "Train longer (max_iter), try another learning rate, or a longer window_length."
    )

    def _constant_loss(self, y_fit, w_fit, y_eval, w_eval):
        return self._naive_loss(y_eval)

    # ----------------------------------------------------------------------------------
    # Forecasting
    # ----------------------------------------------------------------------------------

    def update(self, y, X=None, *, past_covariates=None):
        """Condition the forecasts on new observations, without refitting.

        The new values (and covariates) are appended to each series' history:
        the next forecasts start after them, with the same network.

        Parameters
        ----------
        y : like the y of fit
            The observations after the cutoff: a Series continuing the index of
            the fitted one (a DataFrame with the same columns, an array, or a
            list with an item per fitted series, None for a series with no new
            observation).
        X : like the X of fit, default=None
            The future-known covariates of the new observations (required when
            the forecaster was fitted with X).
        past_covariates : like the past_covariates of fit, default=None
            Their past-observed covariates (required when fitted with them).

        Returns
        -------
        self : RNNForecaster
            The forecaster, its cutoff moved to the last new observation.
        """
        check_is_fitted(self)
        template = self._panel
        if template.form == "list":
            if not isinstance(y, (list, tuple)) or len(y) != self.n_series_:
                raise ValueError(
                    f"The forecaster was fitted on a list of {self.n_series_} "
                    "series, so y must be a list with an item per series (None "
                    "for one without new observations)."
                )
            X_items = self._list_items(X, "X")
            past_items = self._list_items(past_covariates, "past_covariates")
            new = [
                None
                if item is None
                else self._new_rows(
                    read_target(item, f"y[{i}]", strict=False),
                    X_items[i],
                    past_items[i],
                    i,
                )[0]
                for i, item in enumerate(y)
            ]
        else:
            panel = read_target(y, strict=False)
            if panel.form != template.form or len(panel) != self.n_series_:
                raise ValueError(
                    f"The forecaster was fitted on {_describe(template)}; y must "
                    f"be the same kind of data, got {_describe(panel)}."
                )
            if template.form == "frame" and list(panel.names) != list(template.names):
                raise ValueError(
                    f"y's columns {list(panel.names)} are not the fitted ones "
                    f"{list(template.names)}."
                )
            new = self._new_rows(panel, X, past_covariates, None)
        L = self.window_length_
        for i, rows in enumerate(new):
            if rows is None:
                continue
            self._history[i] = np.concatenate([self._history[i], rows])[-L:]
            template.clocks[i] = template.clocks[i].advanced(len(rows))
        self._set_cutoff()
        return self

    def _list_items(self, covariates, name: str) -> list:
        if covariates is None:
            return [None] * self.n_series_
        if not isinstance(covariates, (list, tuple)) or len(covariates) != len(
            self._history
        ):
            raise ValueError(
                f"{name} must be a list with an item per series ({self.n_series_}), "
                "like y."
            )
        return list(covariates)

    def _new_rows(self, panel: Panel, X, past_covariates, position):
        """The new observations of ``panel`` as history rows (one block per
        series, or the block of series ``position`` of a list)."""
        indices = range(len(panel)) if position is None else [position]
        for k, i in enumerate(indices):
            clock = self._panel.clocks[i]
            if panel.clocks[k].kind != clock.kind:
                raise ValueError(
                    "y's index is not of the fitted kind "
                    f"({clock.kind}); got {panel.clocks[k].kind}."
                )
            if clock.kind == "position":
                continue
            # (the columns of a DataFrame share one index)
            index = panel.indexes[min(k, len(panel.indexes) - 1)]
            expected = clock.labels(np.arange(1, len(index) + 1))
            if not np.array_equal(np.asarray(index), np.asarray(expected)):
                wrong = int(np.argmax(np.asarray(index) != np.asarray(expected)))
                raise ValueError(
                    "y must continue the fitted series, one step after another: "
                    f"its label {index[wrong]} should be {expected[wrong]} (the "
                    f"cutoff is {clock.last})."
                )
        past = read_covariates(
            past_covariates,
            panel,
            "past_covariates",
            width=self.n_past_covariates_,
        )
        future = read_covariates(X, panel, "X", width=self._n_future)
        self._require(past, self.n_past_covariates_, "past_covariates", "update")
        self._require(future, self._n_future, "X", "update")
        return [
            np.column_stack(
                [v]
                + ([past[k]] if past is not None else [])
                + ([future[k]] if future is not None else [])
            )
            for k, v in enumerate(panel.values)
        ]

    @staticmethod
    def _require(covariates, width: int, name: str, method: str) -> None:
        if covariates is None and width:
            raise ValueError(
                f"The forecaster was fitted with {name} ({width} column(s)); "
                f"{method} needs them too."
            )
        if covariates is not None and not width:
            raise ValueError(
                f"The forecaster was fitted without {name}; do not pass them to "
                f"{method}."
            )

    def predict(self, fh=None, X=None):
        """Point forecasts: the median of each step's forecast distribution.

        Parameters
        ----------
        fh : int, array-like of int or ForecastingHorizon, default=None
            The steps ahead of the cutoff: ``h`` (steps 1 to ``h``), a list of
            steps, or an sktime ForecastingHorizon. Default: ``fit``'s ``fh``.
        X : like the X of fit, default=None
            The future-known covariates of the forecast steps: a DataFrame
            holding a row for each forecast date, or an array with a row for
            each step from 1 to the largest (a list of them for a list of
            series). Required when the forecaster was fitted with X.

        Returns
        -------
        y_pred : like y
            A pandas Series (DataFrame) indexed by the forecast dates for pandas
            ``y``; an array ``(len(fh),)`` (``(len(fh), n_series)`` for a 2D
            ``y``); a list for a list.
        """
        steps, forecasts = self._forecast(fh, X, quantiles=False)
        results = [quantiles_at(f, self.quantiles_, 0.5)[steps - 1] for f in forecasts]
        return format_forecast(self._panel, results, steps)

    def predict_quantiles(self, fh=None, X=None, alpha=None):
        """Quantile forecasts.

        Parameters
        ----------
        fh : int, array-like of int or ForecastingHorizon, default=None
            See :meth:`predict`; at most ``horizon_`` steps ahead.
        X : like the X of fit, default=None
            See :meth:`predict`.
        alpha : float or list of float, default=None
            Quantile levels, within the range of ``quantiles_`` (learned levels,
            or interpolated between them). Default: [0.05, 0.95].

        Returns
        -------
        quantiles : like y
            For pandas ``y``, a DataFrame indexed by the forecast dates with
            columns ``(name, alpha)`` (sktime's layout); for arrays, an array
            ``(len(fh), len(alpha))`` (``(len(fh), n_series, len(alpha))`` for a
            2D ``y``); a list for a list.
        """
        alphas = [0.05, 0.95] if alpha is None else np.atleast_1d(alpha).tolist()
        steps, forecasts = self._forecast(fh, X, quantiles=True)
        results = [
            quantiles_at(f, self.quantiles_, alphas)[steps - 1] for f in forecasts
        ]
        return format_forecast(self._panel, results, steps, "quantiles", alphas)

    def predict_interval(self, fh=None, X=None, coverage=0.9):
        """Central prediction intervals.

        Parameters
        ----------
        fh : int, array-like of int or ForecastingHorizon, default=None
            See :meth:`predict`; at most ``horizon_`` steps ahead.
        X : like the X of fit, default=None
            See :meth:`predict`.
        coverage : float or list of float, default=0.9
            The nominal coverage of each interval: the quantiles
            ``(1 - coverage) / 2`` and ``(1 + coverage) / 2``.

        Returns
        -------
        intervals : like y
            For pandas ``y``, a DataFrame with columns ``(name, coverage,
            "lower"/"upper")`` (sktime's layout); for arrays, ``(len(fh), 2)``
            lower and upper bounds for one coverage (``(len(fh),
            len(coverage), 2)`` for a list of coverages; the series along axis
            1 for a 2D ``y``); a list for a list.
        """
        coverages = np.atleast_1d(coverage).astype(float)
        if not ((coverages > 0) & (coverages < 1)).all():
            raise ValueError(f"coverage must be in (0, 1); got {coverage!r}.")
        steps, forecasts = self._forecast(fh, X, quantiles=True)
        alphas = np.column_stack([(1 - coverages) / 2, (1 + coverages) / 2])
        results = [
            quantiles_at(f, self.quantiles_, alphas.ravel())[steps - 1].reshape(
                len(steps), len(coverages), 2
            )
            for f in forecasts
        ]
        return format_forecast(
            self._panel,
            results,
            steps,
            "interval",
            coverages.tolist(),
            scalar=np.ndim(coverage) == 0,
        )

    def _forecast(self, fh, X, *, quantiles: bool):
        """The steps asked for and, per series, the ``(max step, Q)`` quantile
        forecasts up to the largest of them."""
        check_is_fitted(self)
        if fh is None:
            if self._fh_steps is None:
                raise ValueError(
                    "fh is required: the steps ahead to forecast (e.g. fh=12, or "
                    "fh=[1, 3, 6]), unless fit was given one."
                )
            steps = self._fh_steps
        else:
            steps = forecast_steps(fh, self._cutoff_index())
        H, last = self.horizon_, int(steps.max())
        if last > H and (quantiles or self.n_past_covariates_):
            why = (
                "quantiles and intervals are learned only up to it"
                if quantiles
                else "past covariates are unknown beyond the cutoff"
            )
            raise ValueError(
                f"fh reaches {last} steps ahead, beyond horizon_={H}: {why}. "
                f"Refit with horizon={last} (or pass fh={last} to fit)."
            )
        future = self._future_rows(X, steps)
        history = list(self._history)
        blocks = []
        for start in range(0, last, H):
            rows = None
            if future is not None:
                rows = [_rows_padded(f[start : start + H], H) for f in future]
            out = self._predict_block(history, rows)  # (n_series, H, Q)
            blocks.append(out)
            if start + H < last:  # read the median as observed
                median = quantiles_at(out, self.quantiles_, 0.5)
                history = [
                    np.concatenate(
                        [
                            h,
                            np.column_stack(
                                [median[i]] + ([rows[i]] if rows is not None else [])
                            ),
                        ]
                    )[-self.window_length_ :]
                    for i, h in enumerate(history)
                ]
        forecasts = np.concatenate(blocks, axis=1)[:, :last]
        return steps, list(self._calibrated(forecasts))

    def _calibrated(self, forecasts: np.ndarray) -> np.ndarray:
        """Quantile forecasts ``(..., Q)`` with their calibrated spread around the
        median, sorted (so that they still do not cross)."""
        scale = getattr(self, "quantile_scale_", None)
        if scale is None or np.all(scale == 1):
            return forecasts
        # (Steps beyond the horizon are point forecasts: the last step's factors.)
        steps = np.minimum(np.arange(forecasts.shape[-2]), len(scale) - 1)
        median = quantiles_at(forecasts, self.quantiles_, 0.5)[..., None]
        return np.sort(median + scale[steps] * (forecasts - median), axis=-1)

    def _predict_block(self, history, future_rows) -> np.ndarray:
        seqs, _ = windows(
            history,
            [np.array([len(h)]) for h in history],
            window=self.window_length_,
            horizon=self.horizon_,
            n_future=self._n_future,
            future_rows=future_rows,
        )
        with self._inference():
            return predict_raw(self.net_, seqs, self._predict_batch_size())

    def _future_rows(self, X, steps: np.ndarray):
        """The future-known covariates of steps 1 to the last of ``steps``: one
        ``(last, k)`` array per series, or None when fitted without them.

        The direct head reads only the steps asked for, so X may hold just
        their rows (the others are filled with the nearest given row, which no
        output asked for reads); the recurrent head reads every step up to the
        last.
        """
        self._require(X, self._n_future, "X", "predict")
        if X is None:
            return None
        last = int(steps.max())
        every = np.arange(1, last + 1)
        template = self._panel
        if template.form == "list":
            if not isinstance(X, (list, tuple)) or len(X) != self.n_series_:
                raise ValueError(
                    f"The forecaster was fitted on a list of {self.n_series_} "
                    f"series, so X must be a list of {self.n_series_} covariate "
                    "tables."
                )
            items = list(X)
        else:
            items = [X] * self.n_series_
        # (Beyond the horizon, each block's forecasts are read as history, with
        # their covariates: then every step's are needed.)
        only_asked = (
            self.head == "direct" and len(steps) < last and last <= self.horizon_
        )
        out = []
        for i, item in enumerate(items):
            name = "X" if template.form != "list" else f"X[{i}]"
            clock = template.clocks[i]
            labelled = _has_index(item) and clock.kind != "position"
            if only_asked and labelled:
                labels = clock.labels(every)
                present = np.asarray(labels.isin(item.index))
                if present[steps - 1].all() and not present.all():
                    given = covariate_rows(
                        item,
                        int(present.sum()),
                        labels[present],
                        name,
                        width=self._n_future,
                    )
                    out.append(_fill_rows(given, present))
                    continue
            elif only_asked and _n_rows(item) == len(steps):
                present = np.isin(every, steps)
                given = covariate_rows(
                    item,
                    len(steps),
                    None,
                    name,
                    width=self._n_future,
                    rows_are="step of fh",
                )
                out.append(_fill_rows(given, present))
                continue
            out.append(
                covariate_rows(
                    item,
                    last,
                    clock.labels(every) if labelled else None,
                    name,
                    width=self._n_future,
                    rows_are="forecast step from 1 to the last of fh",
                )
            )
        return out

    def _cutoff_index(self):
        """The cutoff as sktime reads it (a one-label pandas index), for an
        absolute ForecastingHorizon; None for arrays and lists."""
        clock = self._panel.clocks[0]
        if self._panel.form not in ("series", "frame"):
            return None
        return clock.labels(np.array([0]))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = False
        tags.input_tags.one_d_array = True
        tags.target_tags.required = True
        return tags


def _spread_factors(
    forecasts, targets, levels, fallback=None, at_least: int = 2
) -> np.ndarray:
    """The factor of each quantile's distance from the median that makes it hold
    its level on ``(N, Q)`` forecasts of ``(N, 3)`` targets (NaN values are not
    forecasts); ``fallback`` (else 1) with fewer than ``at_least`` of them."""
    targets = targets.reshape(-1, 3)
    valid = ~np.isnan(targets[:, 2])
    forecasts = forecasts[valid]
    values = targets[valid, 2][:, None]
    median = quantiles_at(forecasts, levels, 0.5)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (values - median) / (forecasts - median)
    scale = np.ones(len(levels)) if fallback is None else fallback.copy()
    for k, level in enumerate(levels):
        usable = ratio[np.isfinite(ratio[:, k]), k]
        n = len(usable)
        if level == 0.5 or n < at_least:
            continue
        # Above the median, the share of values under m + c * spread is the share
        # of ratios under c; below it, the share of ratios above c.
        share = level if level > 0.5 else 1 - level
        share = min(1.0, np.ceil((n + 1) * share) / n)
        scale[k] = max(float(np.quantile(usable, share, method="higher")), 0.0)
    return scale


def _describe(panel: Panel) -> str:
    return {
        "series": "a pandas Series",
        "frame": f"a DataFrame of {len(panel)} series",
        "array1d": "a 1D array",
        "array2d": f"a 2D array of {len(panel)} series",
        "list": f"a list of {len(panel)} series",
    }[panel.form]


def _has_index(item) -> bool:
    return hasattr(item, "index") and hasattr(item, "loc")


def _n_rows(item) -> int:
    return len(item) if hasattr(item, "__len__") else -1


def _fill_rows(given: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Rows at the ``present`` steps, the others copied from the nearest earlier
    given row (the first given one before it)."""
    source = np.maximum.accumulate(np.where(present, np.arange(len(present)), -1))
    source = np.where(source < 0, np.argmax(present), source)
    position = np.cumsum(present) - 1
    return given[np.maximum(position[source], 0)]


def _rows_padded(rows: np.ndarray, n: int) -> np.ndarray:
    """``rows`` extended to ``n`` rows by repeating the last (the steps beyond
    those asked for, which no output asked for reads)."""
    if len(rows) >= n:
        return rows[:n]
    return np.concatenate([rows, np.repeat(rows[-1:], n - len(rows), axis=0)])
