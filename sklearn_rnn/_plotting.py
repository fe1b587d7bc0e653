"""Plot of the training curves of a fitted estimator (a scikit-learn style Display)."""

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

try:  # scikit-learn >= 1.3 keeps the helper here
    from sklearn.utils._optional_dependencies import check_matplotlib_support
except ImportError:  # pragma: no cover - older layouts
    from sklearn.utils import check_matplotlib_support

__all__ = ["TrainingCurveDisplay"]


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
