"""Plots of fitted estimators (scikit-learn style Displays): the training curves
(:class:`TrainingCurveDisplay`) and the attention alignment of a
sequence-to-sequence model (:class:`AttentionDisplay`)."""

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._metrics import split_symbols

try:  # scikit-learn >= 1.3 keeps the helper here
    from sklearn.utils._optional_dependencies import check_matplotlib_support
except ImportError:  # pragma: no cover - older layouts
    from sklearn.utils import check_matplotlib_support

__all__ = ["AttentionDisplay", "TrainingCurveDisplay"]


def _check_matplotlib(caller_name):
    """Raise an ImportError that says what to install when matplotlib is missing."""
    try:
        check_matplotlib_support(caller_name)
    except ImportError as exc:
        raise ImportError(
            f"{exc} (or install this package's plotting extra with "
            '`pip install "sklearn-rnn[plot]"`).'
        ) from exc.__cause__


def _as_curve(values, name, *, allow_none=True):
    """``values`` as a 1D float array, or None."""
    if values is None:
        if allow_none:
            return None
        raise ValueError(f"{name} is required, got None.")
    curve = np.asarray(values, dtype=float)
    if curve.ndim != 1:
        raise ValueError(
            f"{name} must be a 1D sequence of numbers (one per epoch), got an array "
            f"of shape {curve.shape}."
        )
    if curve.size == 0:
        if allow_none:
            return None
        raise ValueError(f"{name} is empty: there is no epoch to plot.")
    return curve


def _epochs(curve):
    """1-based epoch numbers of ``curve``."""
    return np.arange(1, len(curve) + 1)


class TrainingCurveDisplay:
    """Training curves visualization: loss (and validation) per epoch.

    Plots the mean training loss of each epoch, and when the estimator held out a
    validation set (``early_stopping=True``) the validation loss, on the same axes,
    and the validation score on a second y-axis at the right. The epoch of the best
    model, whose weights an estimator with early stopping restores, is marked by a
    vertical dashed line.

    It is recommended to use :meth:`TrainingCurveDisplay.from_estimator` to create
    a display from a fitted estimator. All parameters are stored as attributes.
    Plotting requires matplotlib (``pip install matplotlib``, or
    ``pip install "sklearn-rnn[plot]"``).

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Mean training loss of each epoch (the estimator's ``loss_curve_``).

    validation_loss_curve : array-like of shape (n_epochs,), default=None
        Loss on the validation set after each epoch (``validation_loss_curve_``).
        Not drawn when ``None``.

    validation_scores : array-like of shape (n_epochs,), default=None
        Score on the validation set after each epoch (``validation_scores_``):
        accuracy for a classifier, :math:`R^2` for a regressor. Drawn on a second
        y-axis when given.

    best_iteration : int, default=None
        1-based epoch of the best model, drawn as a vertical dashed line. Not drawn
        when ``None``.

    estimator_name : str, default=None
        Name of the estimator, used as the title of the plot. No title when
        ``None``.

    score_name : str, default=None
        Label of the validation score axis. ``"Validation score"`` when ``None``.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the loss curves.

    ax_score_ : matplotlib Axes or None
        Second y-axis (twin of ``ax_``) with the validation scores; ``None`` when
        there are no validation scores.

    figure_ : matplotlib Figure
        Figure containing the curves.

    loss_line_ : matplotlib Line2D
        Training loss curve.

    validation_loss_line_ : matplotlib Line2D or None
        Validation loss curve, ``None`` when there is none.

    score_line_ : matplotlib Line2D or None
        Validation score curve, ``None`` when there is none.

    best_iteration_line_ : matplotlib Line2D or None
        Vertical line at the best epoch, ``None`` when ``best_iteration`` is
        ``None``.

    legend_ : matplotlib Legend
        Legend of all the curves.

    See Also
    --------
    RNNClassifier : Recurrent-network classifier; records ``loss_curve_``.
    RNNRegressor : Recurrent-network regressor; records ``loss_curve_``.
    sklearn.model_selection.LearningCurveDisplay : Score against the number of
        training samples.

    Notes
    -----
    Each curve is drawn against the epochs ``1, 2, ..., len(curve)``. The curves
    of an estimator fitted with ``early_stopping=True`` end a few epochs after the
    best one: the estimator keeps training for ``n_iter_no_change`` epochs without
    improvement before it stops and restores the best weights.

    Examples
    --------
    >>> from sklearn_rnn._plotting import TrainingCurveDisplay
    >>> display = TrainingCurveDisplay(
    ...     loss_curve=[1.0, 0.6, 0.5, 0.45],
    ...     validation_loss_curve=[1.1, 0.7, 0.65, 0.7],
    ...     validation_scores=[0.5, 0.7, 0.8, 0.75],
    ...     best_iteration=3,
    ...     estimator_name="RNNClassifier",
    ...     score_name="Validation accuracy",
    ... )
    >>> display.plot()  # doctest: +SKIP
    <...TrainingCurveDisplay object at ...>
    >>> display.ax_.get_xlabel()  # doctest: +SKIP
    'Epoch'

    From a fitted estimator (``early_stopping=True`` gives the validation curves):

    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 6, 2)).astype(np.float32)
    >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=8, max_iter=5, random_state=0, device="cpu")
    >>> clf = clf.fit(X, y)
    >>> TrainingCurveDisplay.from_estimator(clf)  # doctest: +SKIP
    <...TrainingCurveDisplay object at ...>
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        best_iteration=None,
        estimator_name=None,
        score_name=None,
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.best_iteration = best_iteration
        self.estimator_name = estimator_name
        self.score_name = score_name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        loss_kw=None,
        validation_loss_kw=None,
        score_kw=None,
        best_iteration_kw=None,
    ):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw the losses on. If ``None``, a new figure and axes are
            created.

        name : str, default=None
            Title of the plot. If ``None``, ``estimator_name`` is used, and no
            title is set if that is ``None`` too.

        loss_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for the
            training loss curve.

        validation_loss_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for the
            validation loss curve.

        score_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for the
            validation score curve.

        best_iteration_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.axvline` for
            the line at the best epoch.

        Returns
        -------
        display : :class:`TrainingCurveDisplay`
            Object that stores computed values.
        """
        _check_matplotlib(f"{self.__class__.__name__}.plot")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        loss = _as_curve(self.loss_curve, "loss_curve", allow_none=False)
        validation_loss = _as_curve(self.validation_loss_curve, "validation_loss_curve")
        scores = _as_curve(self.validation_scores, "validation_scores")
        best = self.best_iteration
        if best is not None:
            if isinstance(best, bool) or not isinstance(best, int | np.integer):
                raise TypeError(
                    "best_iteration must be an int (a 1-based epoch) or None, got "
                    f"{best!r}."
                )
            if best < 1:
                raise ValueError(
                    f"best_iteration is a 1-based epoch and must be >= 1, got {best}."
                )

        if ax is None:
            _, ax = plt.subplots()

        loss_kw = {"label": "Training loss", "color": "C0", **(loss_kw or {})}
        self.loss_line_ = ax.plot(_epochs(loss), loss, **loss_kw)[0]

        self.validation_loss_line_ = None
        if validation_loss is not None:
            validation_loss_kw = {
                "label": "Validation loss",
                "color": "C1",
                **(validation_loss_kw or {}),
            }
            self.validation_loss_line_ = ax.plot(
                _epochs(validation_loss), validation_loss, **validation_loss_kw
            )[0]

        self.best_iteration_line_ = None
        if best is not None:
            best_iteration_kw = {
                "label": f"Best epoch ({int(best)})",
                "color": "0.4",
                "linestyle": "--",
                "linewidth": 1,
                **(best_iteration_kw or {}),
            }
            self.best_iteration_line_ = ax.axvline(int(best), **best_iteration_kw)

        ax.set_xlabel("Epoch")
        ax.set_ylabel("Loss")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))

        score_name = "Validation score" if self.score_name is None else self.score_name
        self.ax_score_ = None
        self.score_line_ = None
        if scores is not None:
            ax_score = ax.twinx()
            score_kw = {
                "label": score_name,
                "color": "C2",
                "linestyle": ":",
                "marker": "." if len(scores) <= 50 else None,
                **(score_kw or {}),
            }
            self.score_line_ = ax_score.plot(_epochs(scores), scores, **score_kw)[0]
            ax_score.set_ylabel(score_name)
            self.ax_score_ = ax_score

        # One legend for both y-axes, on the twin (drawn above ``ax``) if any.
        handles, labels = ax.get_legend_handles_labels()
        legend_ax = ax
        if self.ax_score_ is not None:
            more_handles, more_labels = self.ax_score_.get_legend_handles_labels()
            handles, labels = handles + more_handles, labels + more_labels
            legend_ax = self.ax_score_
            # matplotlib's loc="best" would avoid the twin's curves only.
            self.legend_ = _legend_covering_least(
                legend_ax, handles, labels, [*ax.lines, *self.ax_score_.lines]
            )
        else:
            self.legend_ = legend_ax.legend(handles, labels, loc="best")

        name = self.estimator_name if name is None else name
        if name is not None:
            ax.set_title(str(name))

        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        name=None,
        loss_kw=None,
        validation_loss_kw=None,
        score_kw=None,
        best_iteration_kw=None,
    ):
        """Plot the training curves recorded by a fitted estimator.

        Reads the fitted attributes ``loss_curve_`` and, when present,
        ``validation_loss_curve_`` and ``validation_scores_`` (recorded with
        ``early_stopping=True``). The best epoch is the one with the lowest
        validation loss, or failing that the highest validation score; without a
        validation set no best epoch is marked.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`RNNClassifier` or :class:`RNNRegressor`, a
            :class:`~sklearn.pipeline.Pipeline` ending in one, or any fitted
            estimator with a ``loss_curve_`` attribute (such as
            :class:`~sklearn.neural_network.MLPClassifier`).

        ax : matplotlib Axes, default=None
            Axes to draw the losses on. If ``None``, a new figure and axes are
            created.

        name : str, default=None
            Title of the plot. If ``None``, the class name of the estimator (of
            the last step of a pipeline).

        loss_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for the
            training loss curve.

        validation_loss_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for the
            validation loss curve.

        score_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.plot` for the
            validation score curve.

        best_iteration_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.axvline` for
            the line at the best epoch.

        Returns
        -------
        display : :class:`TrainingCurveDisplay`
            Object that stores computed values.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.

        TypeError
            If the estimator does not record a loss curve.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")

        final = estimator[-1] if isinstance(estimator, Pipeline) else estimator
        check_is_fitted(final)
        loss_curve = getattr(final, "loss_curve_", None)
        if loss_curve is None:
            raise TypeError(
                f"{cls.__name__}.from_estimator needs an estimator that records its "
                f"training loss in a `loss_curve_` attribute (such as RNNClassifier "
                f"or RNNRegressor); {type(final).__name__} has none."
            )
        validation_loss_curve = _as_curve(
            getattr(final, "validation_loss_curve_", None), "validation_loss_curve_"
        )
        validation_scores = _as_curve(
            getattr(final, "validation_scores_", None), "validation_scores_"
        )

        best_iteration = None
        if validation_loss_curve is not None and not np.all(
            np.isnan(validation_loss_curve)
        ):
            best_iteration = int(np.nanargmin(validation_loss_curve)) + 1
        elif validation_scores is not None and not np.all(np.isnan(validation_scores)):
            best_iteration = int(np.nanargmax(validation_scores)) + 1

        if is_classifier(final):
            score_name = "Validation accuracy"
        elif is_regressor(final):
            score_name = "Validation $R^2$"
        else:
            score_name = None

        display = cls(
            loss_curve=loss_curve,
            validation_loss_curve=validation_loss_curve,
            validation_scores=validation_scores,
            best_iteration=best_iteration,
            estimator_name=type(final).__name__,
            score_name=score_name,
        )
        return display.plot(
            ax=ax,
            name=name,
            loss_kw=loss_kw,
            validation_loss_kw=validation_loss_kw,
            score_kw=score_kw,
            best_iteration_kw=best_iteration_kw,
        )


#: Where a legend may go, in matplotlib's order of preference for ``loc="best"``.
_LEGEND_LOCATIONS = (
    "upper right",
    "upper left",
    "lower left",
    "lower right",
    "center left",
    "center right",
    "lower center",
    "upper center",
    "center",
)


def _legend_covering_least(legend_ax, handles, labels, lines):
    """A legend on ``legend_ax`` at the location that covers the fewest points of
    ``lines``, which may belong to several axes (``loc="best"`` for twin axes)."""
    points = [
        line.get_transform().transform(line.get_xydata())
        for line in lines
        if len(line.get_xydata())
    ]
    points = np.concatenate(points) if points else np.empty((0, 2))
    best, best_count = None, None
    for loc in _LEGEND_LOCATIONS:
        legend = legend_ax.legend(handles, labels, loc=loc)
        box = legend.get_window_extent()
        inside = (
            (points[:, 0] >= box.x0)
            & (points[:, 0] <= box.x1)
            & (points[:, 1] >= box.y0)
            & (points[:, 1] <= box.y1)
        )
        count = int(inside.sum())
        if best_count is None or count < best_count:
            best, best_count = loc, count
            if count == 0:
                break
    return legend_ax.legend(handles, labels, loc=best)


# --------------------------------------------------------------------------------------
# AttentionDisplay
# --------------------------------------------------------------------------------------

#: Tolerance of the check that attention weights lie in [0, 1] (float32 rounding).
_WEIGHT_TOLERANCE = 1e-6


def _as_weights(weights):
    """``weights`` as a 2D float array of values in [0, 1], or a ValueError."""
    if weights is None:
        raise ValueError("weights is required, got None.")
    try:
        array = np.asarray(weights, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            "weights must be a 2D array of numbers of shape (n_output, n_input); "
            f"got {type(weights).__name__} that is not one ({exc})."
        ) from exc
    if array.ndim != 2:
        raise ValueError(
            "weights must be a 2D array of shape (n_output, n_input) (one row per "
            f"output symbol, one column per input step); got an array of shape "
            f"{array.shape}."
        )
    if array.size == 0:
        raise ValueError(
            f"weights is empty (shape {array.shape}): there is no output symbol or "
            "no input step to plot."
        )
    if not np.all(np.isfinite(array)):
        raise ValueError("weights holds NaN or infinite values; they must be finite.")
    low, high = float(array.min()), float(array.max())
    if low < -_WEIGHT_TOLERANCE or high > 1 + _WEIGHT_TOLERANCE:
        raise ValueError(
            "weights are attention weights and must lie in [0, 1]; got values from "
            f"{low:.4g} to {high:.4g}."
        )
    return array


def _as_symbols(symbols, name, shape, axis):
    """``symbols`` as a list of labels, one per row (``axis=0``) or column
    (``axis=1``) of weights of shape ``shape``, or None; a clear error otherwise."""
    if symbols is None:
        return None
    part = ("row", "output symbol") if axis == 0 else ("column", "input step")
    if isinstance(symbols, (str, bytes)):
        raise TypeError(
            f"{name} must be a list of labels, one per {part[0]} ({part[1]}) of "
            f"weights; got the {type(symbols).__name__} {symbols!r:.40}. For one "
            f"label per character pass list({symbols!r:.40})."
        )
    try:
        labels = list(symbols)
    except TypeError as exc:
        raise TypeError(
            f"{name} must be a list of labels, one per {part[0]} ({part[1]}) of "
            f"weights; got {type(symbols).__name__}."
        ) from exc
    n = shape[axis]
    if len(labels) != n:
        raise ValueError(
            f"{name} has {len(labels)} labels, but weights has {n} {part[0]}s "
            f"({part[1]}s; weights is of shape (n_output, n_input) = "
            f"{tuple(shape)}); they must match."
        )
    return labels


def _tick_label(symbol):
    """A visible tick label for ``symbol``: a space shows as ``␣``, other white space
    escaped (``\\t``, ``\\n``)."""
    text = str(symbol)
    if text and not text.strip():
        return repr(text)[1:-1].replace(" ", "\u2423")
    return text


def _tick_positions(n, max_ticks):
    """Positions of the labelled ticks of ``n`` symbols: all of them, or every k-th
    one (from the first) so that at most ``max_ticks`` are labelled."""
    if n <= max_ticks:
        return np.arange(n)
    step = int(np.ceil(n / max_ticks))
    return np.arange(0, n, step)


class AttentionDisplay:
    """Attention visualization: a seq2seq alignment or an attention pooling.

    Draws the attention weights of one output sequence over its input sequence as
    a heat map: one row per output symbol (top to bottom), one column per input
    symbol or step (left to right), each cell the weight the decoder gave that
    input step when it produced that output symbol. A model that learned to align
    (a transliteration, a reversal) shows a sharp path through the matrix. For an
    :class:`RNNClassifier` or :class:`RNNRegressor` fitted with
    ``pooling="attention"``, the matrix has one row, labelled with the
    prediction: the weight of each input step (token) in the pooled vector.

    It is recommended to use :meth:`AttentionDisplay.from_estimator` to create a
    display from a fitted :class:`RNNSeq2Seq`, or from a fitted classifier or
    regressor with attention pooling (or a pipeline ending with one, such as
    ``make_pipeline(SequenceVectorizer(), RNNClassifier(pooling="attention"))``,
    whose steps are then labelled with the tokens). All parameters are stored as
    attributes. Plotting requires matplotlib (``pip install matplotlib``, or
    ``pip install "sklearn-rnn[plot]"``).

    Parameters
    ----------
    weights : array-like of shape (n_output, n_input)
        Attention weights, in [0, 1]: row ``j`` is the attention of output
        symbol ``j`` over the input steps (an array of
        :meth:`RNNSeq2Seq.attention_weights`; its rows sum to 1).

    input_symbols : list of length n_input, default=None
        Labels of the input steps, drawn as x tick labels. If ``None``, the
        steps are labelled by their index (from 0).

    output_symbols : list of length n_output, default=None
        Labels of the output symbols, drawn as y tick labels. If ``None``, the
        output steps are labelled by their index (from 0).

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the attention matrix.

    figure_ : matplotlib Figure
        Figure containing the matrix (and its colour bar).

    im_ : matplotlib AxesImage
        Image of the attention matrix.

    colorbar_ : matplotlib Colorbar or None
        Colour bar of the weights; ``None`` when ``colorbar=False``.

    text_ : ndarray of shape (n_output, n_input), dtype=matplotlib Text, or None
        The weight written in each cell with ``include_values=True``, else
        ``None``.

    Raises
    ------
    ValueError
        If ``weights`` is not a non-empty 2D array of values in [0, 1], or if
        the number of ``input_symbols`` (``output_symbols``) is not its number of
        columns (rows).

    See Also
    --------
    RNNSeq2Seq : Recurrent encoder-decoder; its ``attention_weights`` are what
        this display draws.
    TrainingCurveDisplay : Training curves of a fitted estimator.
    sklearn.metrics.ConfusionMatrixDisplay : A matrix drawn the same way.

    Notes
    -----
    The colour scale spans [0, 1] (pass ``im_kw={"vmax": ...}`` to
    :meth:`plot` to stretch it), so plots of different sequences compare. A
    space symbol is labelled ``␣``. With more symbols than the axes has room to
    label, only every k-th one is labelled (see ``max_ticks``), and the input
    symbols are turned vertical when they would not fit side by side.

    Examples
    --------
    >>> from sklearn_rnn import AttentionDisplay
    >>> weights = [[0.1, 0.1, 0.8], [0.2, 0.7, 0.1], [0.9, 0.05, 0.05]]
    >>> display = AttentionDisplay(
    ...     weights, input_symbols=list("abc"), output_symbols=list("cba")
    ... )
    >>> display.plot()  # doctest: +SKIP
    <...AttentionDisplay object at ...>
    >>> [label.get_text() for label in display.ax_.get_xticklabels()]  # doctest: +SKIP
    ['a', 'b', 'c']

    From a fitted :class:`RNNSeq2Seq`, for one input sequence (the output is the
    model's prediction, or the ``y`` given):

    >>> from sklearn_rnn import RNNSeq2Seq
    >>> X = ["abc", "bca", "cab"] * 5
    >>> y = [x[::-1] for x in X]
    >>> model = RNNSeq2Seq(hidden_size=8, max_iter=10, lr=0.03, random_state=0)
    >>> model = model.fit(X, y)
    >>> display = AttentionDisplay.from_estimator(model, "abc")  # doctest: +SKIP
    >>> display.input_symbols, display.output_symbols  # doctest: +SKIP
    (['a', 'b', 'c'], ['c', 'b', 'a'])
    >>> AttentionDisplay.from_estimator(model, "abc", y="cb")  # doctest: +SKIP
    <...AttentionDisplay object at ...>
    """

    def __init__(self, weights, *, input_symbols=None, output_symbols=None):
        array = _as_weights(weights)
        self.weights = array
        self.input_symbols = _as_symbols(input_symbols, "input_symbols", array.shape, 1)
        self.output_symbols = _as_symbols(
            output_symbols, "output_symbols", array.shape, 0
        )

    def plot(
        self,
        ax=None,
        *,
        cmap="viridis",
        colorbar=True,
        title=None,
        include_values=False,
        values_format=".2f",
        xticks_rotation="auto",
        max_ticks="auto",
        im_kw=None,
        text_kw=None,
    ):
        """Plot visualization.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw the matrix on. If ``None``, a new figure and axes are
            created (with matplotlib's constrained layout, which keeps long tick
            labels inside the figure).

        cmap : str or matplotlib Colormap, default="viridis"
            Colormap of the weights (a sequential one reads best).

        colorbar : bool, default=True
            Whether to add a colour bar of the weights.

        title : str, default=None
            Title of the plot. No title when ``None``.

        include_values : bool, default=False
            Whether to write each weight in its cell (readable for short
            sequences only).

        values_format : str, default=".2f"
            Format specification of the values written with
            ``include_values=True``.

        xticks_rotation : {"auto", "vertical", "horizontal"} or float, \
                default="auto"
            Rotation of the x tick labels (the input symbols). ``"auto"``:
            vertical when the labels would not fit side by side (many or long
            symbols), else horizontal.

        max_ticks : "auto", int or None, default="auto"
            Most tick labels on each axis: with more symbols, only every k-th
            one is labelled (the first one included). ``"auto"``: as many as the
            axes' size has room for at the tick labels' font size; ``None``:
            label every symbol.

        im_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.imshow`,
            overriding the defaults (``vmin=0``, ``vmax=1``, square cells unless
            one side has more than five times as many as the other).

        text_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.text` for the
            values written with ``include_values=True``.

        Returns
        -------
        display : :class:`AttentionDisplay`
            Object that stores computed values.
        """
        _check_matplotlib(f"{self.__class__.__name__}.plot")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        weights = _as_weights(self.weights)
        n_output, n_input = weights.shape
        input_symbols = _as_symbols(
            self.input_symbols, "input_symbols", weights.shape, 1
        )
        output_symbols = _as_symbols(
            self.output_symbols, "output_symbols", weights.shape, 0
        )
        if not (
            max_ticks is None
            or (isinstance(max_ticks, str) and max_ticks == "auto")
            or (
                isinstance(max_ticks, int | np.integer)
                and not isinstance(max_ticks, bool)
                and max_ticks >= 1
            )
        ):
            raise ValueError(
                f'max_ticks must be "auto", an int >= 1 or None, got {max_ticks!r}.'
            )
        rotation = (
            None
            if isinstance(xticks_rotation, str) and xticks_rotation == "auto"
            else _rotation(xticks_rotation)
        )

        if ax is None:
            _, ax = plt.subplots(layout="constrained")
        fig = ax.figure

        long_side, short_side = max(n_output, n_input), min(n_output, n_input)
        im_kw = {
            "cmap": cmap,
            "vmin": 0.0,
            "vmax": 1.0,
            "interpolation": "nearest",
            "aspect": "equal" if long_side <= 5 * short_side else "auto",
            **(im_kw or {}),
        }
        self.im_ = ax.imshow(weights, **im_kw)

        self.colorbar_ = None
        if colorbar:
            self.colorbar_ = fig.colorbar(self.im_, ax=ax)
            self.colorbar_.set_label("Attention weight")

        self.text_ = None
        if include_values:
            self.text_ = np.empty_like(weights, dtype=object)
            norm = self.im_.norm
            threshold = (norm.vmin + norm.vmax) / 2.0
            dark, light = self.im_.cmap(0.0), self.im_.cmap(1.0)
            for i, j in np.ndindex(weights.shape):
                value = weights[i, j]
                kw = {
                    "ha": "center",
                    "va": "center",
                    "color": light if value < threshold else dark,
                    **(text_kw or {}),
                }
                self.text_[i, j] = ax.text(j, i, format(value, values_format), **kw)

        # Input symbols along x (in the input's order), output symbols down y.
        room = _label_room(ax)
        n_x, n_y = (
            (room["x"], room["y"]) if max_ticks == "auto" else (max_ticks, max_ticks)
        )
        x_labels = _label_axis(ax.xaxis, input_symbols, n_x, MaxNLocator)
        _label_axis(ax.yaxis, output_symbols, n_y, MaxNLocator)
        if rotation is None:
            # Horizontal when the labels fit side by side (a character is about
            # 0.6 em wide), else vertical.
            longest = max((len(label) for label in x_labels), default=0)
            needed = len(x_labels) * 0.6 * (longest + 1) * room["font_size"]
            rotation = 90.0 if needed > room["width"] else 0.0
        ax.tick_params(axis="x", labelrotation=rotation)
        ax.set_xlabel("Input" if input_symbols is not None else "Input step")
        ax.set_ylabel("Output" if output_symbols is not None else "Output step")
        if title is not None:
            ax.set_title(str(title))

        self.ax_ = ax
        self.figure_ = fig
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        x,
        y=None,
        *,
        ax=None,
        cmap="viridis",
        colorbar=True,
        title=None,
        include_values=False,
        values_format=".2f",
        xticks_rotation="auto",
        max_ticks="auto",
        im_kw=None,
        text_kw=None,
    ):
        """Plot the attention of a fitted model on one input.

        Computes the attention weights with the estimator's
        ``attention_weights`` and labels the matrix with the symbols of ``x``
        and of the output (for attention pooling: one row, labelled with the
        prediction).

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`RNNSeq2Seq` with attention (not
            ``attention="none"``), or a fitted :class:`RNNClassifier` or
            :class:`RNNRegressor` with ``pooling="attention"``, or a
            :class:`~sklearn.pipeline.Pipeline` ending with one of these two
            (after a :class:`SequenceVectorizer`, ``x`` is a raw string and the
            steps are labelled with its tokens).

        x : str, list of str, or array-like
            ONE input sequence (not a list of them), in a form the estimator
            was fitted on: a string (split by the estimator's ``input_unit``, or
            tokenized by the pipeline's vectorizer), a list of symbols, or a
            numeric or token-id array of shape ``(n_timesteps,)`` or
            ``(n_timesteps, n_channels)``.

        y : str or list of symbols, default=None
            The output sequence to align to ``x`` (fed to the decoder as in
            training). If ``None``, the model's prediction for ``x``. Only for
            sequence-to-sequence models: attention pooling has no output to
            align (passing ``y`` raises).

        ax : matplotlib Axes, default=None
            Axes to draw the matrix on. If ``None``, a new figure and axes are
            created.

        cmap : str or matplotlib Colormap, default="viridis"
            Colormap of the weights.

        colorbar : bool, default=True
            Whether to add a colour bar of the weights.

        title : str, default=None
            Title of the plot. No title when ``None``.

        include_values : bool, default=False
            Whether to write each weight in its cell.

        values_format : str, default=".2f"
            Format specification of the values written with
            ``include_values=True``.

        xticks_rotation : {"auto", "vertical", "horizontal"} or float, \
                default="auto"
            Rotation of the x tick labels (see :meth:`plot`).

        max_ticks : "auto", int or None, default="auto"
            Most tick labels on each axis (see :meth:`plot`).

        im_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.imshow`.

        text_kw : dict, default=None
            Keyword arguments passed to :meth:`matplotlib.axes.Axes.text`.

        Returns
        -------
        display : :class:`AttentionDisplay`
            Object that stores computed values. Its ``input_symbols`` are the
            symbols of ``x`` (characters of a string for ``input_unit="char"``,
            words for ``"word"``, the items of a list), or ``None`` (step indices)
            for numeric and token-id input, or when the estimator's front end
            downsampled the input's steps. Its ``output_symbols`` are those of
            ``y`` or of the prediction (split by ``output_unit`` when strings).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.

        ValueError
            If the estimator has no attention (``attention="none"``), if ``x``
            is not one sequence, or if the output to align is empty.

        TypeError
            If the estimator has no ``attention_weights`` method.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        pooled = _attention_pooling(estimator, x)
        if pooled is not None:
            if y is not None:
                raise ValueError(
                    "y is the output sequence a sequence-to-sequence model aligns "
                    f"to x; {type(estimator).__name__} pools its attention into "
                    "one prediction, so there is nothing to align. Pass y=None."
                )
            weights, input_symbols, output_symbols = pooled
            return cls(
                weights, input_symbols=input_symbols, output_symbols=output_symbols
            ).plot(
                ax=ax,
                cmap=cmap,
                colorbar=colorbar,
                title=title,
                include_values=include_values,
                values_format=values_format,
                xticks_rotation=xticks_rotation,
                max_ticks=max_ticks,
                im_kw=im_kw,
                text_kw=text_kw,
            )
        if not callable(getattr(estimator, "attention_weights", None)):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs a model with attention "
                "(an `attention_weights` method): a fitted RNNSeq2Seq, or an "
                "RNNClassifier or RNNRegressor (or a Pipeline ending with one) "
                f"fitted with pooling='attention'; {type(estimator).__name__} has "
                "none."
            )
        # The units the estimator was fitted with (its parameters may have changed).
        input_unit = getattr(estimator, "_input_unit", None) or getattr(
            estimator, "input_unit", "char"
        )
        output_unit = getattr(estimator, "_output_unit", None) or getattr(
            estimator, "output_unit", "char"
        )
        X, input_symbols = _one_input(x, input_unit)
        # Numeric output steps have no symbols: their rows are labelled by step.
        numeric = str(getattr(estimator, "_output_form", "")).startswith("numeric")

        if y is None:
            # Not fitted / no attention: the estimator's own errors, raised here.
            weights = estimator.attention_weights(X)[0]
            output_symbols = None
            if not numeric:
                output_symbols = _output_symbols(estimator.predict(X)[0], output_unit)
        else:
            output_symbols = None if numeric else _output_symbols(y, output_unit)
            if len(y if numeric else output_symbols) == 0:
                raise ValueError("y is empty: there is no output symbol to plot.")
            Y = [y if numeric or isinstance(y, str) else output_symbols]
            weights = estimator.attention_weights(X, Y)[0]
        weights = np.asarray(weights, dtype=float)
        if y is None and weights.ndim == 2 and weights.shape[0] == 0:
            raise ValueError(
                "The model's prediction for x is empty (it ends the output at "
                "once): there is no attention to plot. Pass the output to align "
                "as y."
            )
        n_output, n_input = weights.shape if weights.ndim == 2 else (None, None)
        if input_symbols is not None and len(input_symbols) != n_input:
            # A strided front end reads fewer (downsampled) steps than x has.
            input_symbols = None
        if output_symbols is not None and len(output_symbols) != n_output:
            output_symbols = None

        display = cls(
            weights, input_symbols=input_symbols, output_symbols=output_symbols
        )
        return display.plot(
            ax=ax,
            cmap=cmap,
            colorbar=colorbar,
            title=title,
            include_values=include_values,
            values_format=values_format,
            xticks_rotation=xticks_rotation,
            max_ticks=max_ticks,
            im_kw=im_kw,
            text_kw=text_kw,
        )


def _rotation(rotation):
    """``xticks_rotation`` in degrees."""
    if isinstance(rotation, str):
        named = {"vertical": 90.0, "horizontal": 0.0}
        if rotation not in named:
            raise ValueError(
                'xticks_rotation must be "auto", "vertical", "horizontal" or a '
                f"number of degrees, got {rotation!r}."
            )
        return named[rotation]
    return float(rotation)


def _label_room(ax):
    """Room for tick labels on ``ax``: its ``"width"`` and ``"height"`` in points,
    the tick labels' ``"font_size"`` in points, and how many labels stacked one
    above the other fit along each axis (``"x"``, ``"y"``, at least 1)."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    fig = ax.figure
    ax.apply_aspect()  # the box imshow's aspect leaves to the axes
    box = ax.get_position()
    width = box.width * fig.get_figwidth() * 72.0
    height = box.height * fig.get_figheight() * 72.0
    size = FontProperties(size=rcParams["ytick.labelsize"]).get_size_in_points()
    # A label and the gap to the next: 1.3 times the font size.
    return {
        "width": width,
        "height": height,
        "font_size": size,
        "x": max(1, int(width // (1.3 * size))),
        "y": max(1, int(height // (1.3 * size))),
    }


def _label_axis(axis, symbols, max_ticks, locator_class):
    """Label the ticks of ``axis`` with ``symbols``, at most ``max_ticks`` of them
    (every symbol when None); integer step indices when ``symbols`` is None.
    Returns the labels shown."""
    if symbols is None:
        nbins = "auto" if max_ticks is None else min(max_ticks, 10)
        axis.set_major_locator(locator_class(nbins=nbins, integer=True))
        low, high = sorted(axis.get_view_interval())
        return [str(int(t)) for t in axis.get_ticklocs() if low <= t <= high]
    n = len(symbols)
    positions = _tick_positions(n, n if max_ticks is None else max_ticks)
    labels = [_tick_label(symbols[i]) for i in positions]
    axis.set_ticks(positions, labels)
    return labels


def _is_symbol_sequence(items):
    return len(items) > 0 and all(isinstance(s, str) for s in items)


def _attention_pooling(estimator, x):
    """The attention pooling of a classifier or regressor (or a pipeline ending with
    one) on ONE input ``x``, as ``(weights of shape (1, n_steps), input symbols,
    output symbols)``; None when ``estimator`` is no such model."""
    from ._estimators import RNNClassifier, RNNRegressor
    from ._text import SequenceVectorizer

    steps = estimator.steps if isinstance(estimator, Pipeline) else []
    final = steps[-1][1] if steps else estimator
    if not isinstance(final, (RNNClassifier, RNNRegressor)):
        return None
    first = steps[0][1] if steps else None
    if isinstance(first, SequenceVectorizer) and isinstance(x, str):
        # Text through the pipeline: the steps are the tokens the network saw
        # (after the vectorizer's truncation; unknown ones shown as <unk>).
        X = Pipeline(steps[:-1]).transform([x])
        check_is_fitted(first)
        names = {i: token for token, i in first.vocabulary_.items()}
        ids = [int(i) for i in np.asarray(X)[0] if i != 0]
        input_symbols = [names.get(i, "<unk>") for i in ids]
        if not ids:
            raise ValueError(
                f"x has no token the vectorizer keeps ({x!r}): there is no step "
                "to plot."
            )
    else:
        X, input_symbols = _one_input(x, getattr(final, "input_unit", "char"))
        if steps:
            X = Pipeline(steps[:-1]).transform(X)
    weights = np.asarray(final.attention_weights(X)[0], dtype=float)[None, :]
    if input_symbols is not None and len(input_symbols) != weights.shape[1]:
        input_symbols = None  # a strided front end read fewer steps
    prediction = final.predict(X)[0]
    if isinstance(final, RNNClassifier):
        output_symbols = [
            prediction.item() if hasattr(prediction, "item") else prediction
        ]
    else:
        output_symbols = [f"{v:.4g}" for v in np.ravel(prediction)][:1]
    return weights, input_symbols, output_symbols


def _one_input(x, input_unit):
    """``x`` (ONE input sequence) as a batch of one for the estimator, and its
    symbols (None for numeric or token-id input)."""
    if x is None:
        raise ValueError("x is required: one input sequence, got None.")
    if isinstance(x, str):
        symbols = split_symbols(x, input_unit)
        if not symbols:
            raise ValueError(f"x is empty ({x!r}): there is no input step to plot.")
        return [x], symbols
    if isinstance(x, bytes):
        raise TypeError("x must be a str, not bytes; decode it first.")
    if isinstance(x, (list, tuple)):
        if len(x) == 0:
            raise ValueError("x is empty: there is no input step to plot.")
        if _is_symbol_sequence(x):
            return [list(x)], list(x)
    array = np.asarray(x)
    if array.dtype.kind in "UO" and array.ndim == 1:
        items = array.tolist()
        if _is_symbol_sequence(items):
            return [items], items
    if array.ndim == 0 or array.ndim > 2:
        raise ValueError(
            "x must be ONE input sequence: a string, a list of symbols, or an "
            "array of shape (n_timesteps,) or (n_timesteps, n_channels); got an "
            f"array of shape {array.shape}. For the i-th sequence of X pass X[i], "
            "not X[i:i + 1]."
        )
    if array.shape[0] == 0:
        raise ValueError("x is empty: there is no input step to plot.")
    return [array], None


def _output_symbols(output, unit):
    """The symbols of one output sequence (a string split by ``unit``)."""
    if isinstance(output, str):
        return split_symbols(output, unit)
    if isinstance(output, bytes) or not hasattr(output, "__len__"):
        raise TypeError(
            "y must be ONE output sequence: a str or a list of symbols; got "
            f"{type(output).__name__} {output!r:.60}."
        )
    return [s.item() if isinstance(s, np.generic) else s for s in output]
