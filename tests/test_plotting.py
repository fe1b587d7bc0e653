"""Tests of TrainingCurveDisplay (the plot of the training curves)."""

import doctest
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklearn_rnn._plotting import TrainingCurveDisplay

LOSS = [1.0, 0.6, 0.5, 0.45, 0.44]
VAL_LOSS = [1.1, 0.7, 0.62, 0.65, 0.7]
SCORES = [0.5, 0.7, 0.8, 0.78, 0.75]


@pytest.fixture
def pyplot():
    """matplotlib.pyplot on the Agg backend; closes every figure afterwards."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


class _FittedStandIn(ClassifierMixin, BaseEstimator):
    """An estimator with the fitted attributes of the RNN estimators."""

    def __init__(self, early_stopping=True):
        self.early_stopping = early_stopping

    def fit(self, X=None, y=None):
        self.n_iter_ = len(LOSS)
        self.loss_curve_ = list(LOSS)
        if self.early_stopping:
            self.validation_loss_curve_ = list(VAL_LOSS)
            self.validation_scores_ = list(SCORES)
            self.best_loss_ = None
            self.best_validation_score_ = max(SCORES)
        else:
            self.validation_loss_curve_ = None
            self.validation_scores_ = None
            self.best_loss_ = min(LOSS)
            self.best_validation_score_ = None
        return self


class _RegressorStandIn(RegressorMixin, BaseEstimator):
    def fit(self, X=None, y=None):
        self.loss_curve_ = list(LOSS)
        self.validation_scores_ = list(SCORES)
        return self


def _xy(line):
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata())


def test_plot_loss_curve_only(pyplot):
    display = TrainingCurveDisplay(loss_curve=LOSS).plot()

    assert display.ax_ is not None
    assert display.figure_ is display.ax_.figure
    x, y = _xy(display.loss_line_)
    assert_array_equal(x, np.arange(1, len(LOSS) + 1))
    assert_allclose(y, LOSS)
    assert display.validation_loss_line_ is None
    assert display.score_line_ is None
    assert display.ax_score_ is None
    assert display.best_iteration_line_ is None
    # Only the training loss is drawn on the axes, and the figure has one axes.
    assert display.ax_.get_lines() == [display.loss_line_]
    assert len(display.figure_.axes) == 1
    assert display.ax_.get_xlabel() == "Epoch"
    assert display.ax_.get_ylabel() == "Loss"
    assert display.ax_.get_title() == ""
    assert [t.get_text() for t in display.legend_.get_texts()] == ["Training loss"]


def test_plot_all_curves(pyplot):
    display = TrainingCurveDisplay(
        loss_curve=LOSS,
        validation_loss_curve=VAL_LOSS,
        validation_scores=SCORES,
        best_iteration=3,
        estimator_name="MyNet",
        score_name="Validation accuracy",
    )
    assert display.plot() is display

    epochs = np.arange(1, len(LOSS) + 1)
    x, y = _xy(display.validation_loss_line_)
    assert_array_equal(x, epochs)
    assert_allclose(y, VAL_LOSS)
    assert display.validation_loss_line_.axes is display.ax_

    # The scores are on a second y-axis sharing the epochs axis.
    assert display.ax_score_ is not None
    assert display.ax_score_ is not display.ax_
    assert display.score_line_.axes is display.ax_score_
    x, y = _xy(display.score_line_)
    assert_array_equal(x, epochs)
    assert_allclose(y, SCORES)
    assert display.ax_score_.get_ylabel() == "Validation accuracy"
    assert len(display.figure_.axes) == 2
    assert display.ax_score_.get_shared_x_axes().joined(display.ax_, display.ax_score_)

    # The best epoch is a vertical dashed line at x = 3.
    x, _ = _xy(display.best_iteration_line_)
    assert_array_equal(x, [3, 3])
    assert display.best_iteration_line_.get_linestyle() == "--"

    assert display.ax_.get_title() == "MyNet"
    labels = [t.get_text() for t in display.legend_.get_texts()]
    assert labels == [
        "Training loss",
        "Validation loss",
        "Best epoch (3)",
        "Validation accuracy",
    ]


def test_scores_without_validation_loss_get_a_second_axis(pyplot):
    display = TrainingCurveDisplay(loss_curve=LOSS, validation_scores=SCORES).plot()
    assert display.ax_score_ is not None
    assert display.validation_loss_line_ is None
    assert display.ax_score_.get_ylabel() == "Validation score"


def test_curves_of_different_lengths_each_start_at_epoch_one(pyplot):
    display = TrainingCurveDisplay(
        loss_curve=LOSS, validation_loss_curve=VAL_LOSS[:3]
    ).plot()
    x, _ = _xy(display.validation_loss_line_)
    assert_array_equal(x, [1, 2, 3])


def test_plot_on_existing_axes_and_name_and_kwargs(pyplot):
    fig, (ax_left, ax_right) = pyplot.subplots(ncols=2)
    display = TrainingCurveDisplay(
        loss_curve=LOSS, validation_scores=SCORES, estimator_name="ignored"
    )
    display.plot(
        ax=ax_right,
        name="Custom title",
        loss_kw={"color": "red", "label": "train"},
        score_kw={"linestyle": "-"},
    )
    assert display.ax_ is ax_right
    assert display.figure_ is fig
    assert not ax_left.get_lines()
    assert display.ax_.get_title() == "Custom title"
    assert display.loss_line_.get_color() == "red"
    assert display.loss_line_.get_label() == "train"
    assert display.score_line_.get_linestyle() == "-"
    # The twin of the given axes was added to the same figure.
    assert display.ax_score_.figure is fig
    assert len(fig.axes) == 3


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"loss_curve": []}, ValueError, "empty"),
        ({"loss_curve": None}, ValueError, "required"),
        ({"loss_curve": [[1.0, 2.0]]}, ValueError, "1D"),
        ({"loss_curve": LOSS, "best_iteration": 0}, ValueError, ">= 1"),
        ({"loss_curve": LOSS, "best_iteration": 2.5}, TypeError, "int"),
    ],
)
def test_plot_invalid_input(pyplot, kwargs, error, match):
    with pytest.raises(error, match=match):
        TrainingCurveDisplay(**kwargs).plot()


def test_from_estimator_with_validation(pyplot):
    est = _FittedStandIn(early_stopping=True).fit()
    display = TrainingCurveDisplay.from_estimator(est)

    assert isinstance(display, TrainingCurveDisplay)
    assert_allclose(display.loss_curve, LOSS)
    assert_allclose(_xy(display.loss_line_)[1], LOSS)
    assert_allclose(_xy(display.validation_loss_line_)[1], VAL_LOSS)
    assert_allclose(_xy(display.score_line_)[1], SCORES)
    # Best epoch: argmin of the validation loss, 1-based.
    assert display.best_iteration == int(np.argmin(VAL_LOSS)) + 1 == 3
    assert_array_equal(_xy(display.best_iteration_line_)[0], [3, 3])
    assert display.estimator_name == "_FittedStandIn"
    assert display.ax_.get_title() == "_FittedStandIn"
    assert display.ax_score_.get_ylabel() == "Validation accuracy"


def test_from_estimator_without_validation(pyplot):
    est = _FittedStandIn(early_stopping=False).fit()
    display = TrainingCurveDisplay.from_estimator(est)
    assert display.validation_loss_line_ is None
    assert display.score_line_ is None
    assert display.ax_score_ is None
    assert display.best_iteration is None
    assert display.best_iteration_line_ is None


def test_from_estimator_best_epoch_from_scores_and_regressor_label(pyplot):
    # No validation loss: the best epoch is the highest validation score.
    display = TrainingCurveDisplay.from_estimator(_RegressorStandIn().fit())
    assert display.best_iteration == int(np.argmax(SCORES)) + 1
    assert "R^2" in display.ax_score_.get_ylabel()


def test_from_estimator_ax_and_name(pyplot):
    _, ax = pyplot.subplots()
    display = TrainingCurveDisplay.from_estimator(
        _FittedStandIn().fit(), ax=ax, name="Run 1"
    )
    assert display.ax_ is ax
    assert ax.get_title() == "Run 1"


def test_from_estimator_pipeline(pyplot):
    pipe = make_pipeline(FunctionTransformer(), _FittedStandIn())
    pipe.fit(np.zeros((3, 2)), [0, 1, 0])
    display = TrainingCurveDisplay.from_estimator(pipe)
    assert_allclose(_xy(display.loss_line_)[1], LOSS)
    assert display.estimator_name == "_FittedStandIn"


def test_from_estimator_not_fitted(pyplot):
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(_FittedStandIn())
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(
            make_pipeline(FunctionTransformer(), _FittedStandIn())
        )


def test_from_estimator_without_loss_curve(pyplot):
    est = LogisticRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    with pytest.raises(TypeError, match="loss_curve_"):
        TrainingCurveDisplay.from_estimator(est)


def test_from_estimator_sklearn_mlp(pyplot):
    # MLPClassifier uses the same attribute names; its early stopping records
    # validation scores but no validation loss.
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    mlp = MLPClassifier(
        hidden_layer_sizes=(4,), max_iter=30, early_stopping=True, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    display = TrainingCurveDisplay.from_estimator(mlp)
    assert_allclose(_xy(display.loss_line_)[1], mlp.loss_curve_)
    assert_allclose(_xy(display.score_line_)[1], mlp.validation_scores_)
    assert display.best_iteration == int(np.argmax(mlp.validation_scores_)) + 1


def test_from_estimator_rnn_classifier(pyplot):
    from sklearn_rnn import RNNClassifier

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 5, 2)).astype(np.float32)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    clf = RNNClassifier(hidden_size=8, max_iter=3, random_state=0, device="cpu")
    clf.fit(X, y)
    if getattr(clf, "loss_curve_", None) is None:
        pytest.skip("RNNClassifier does not record loss_curve_ yet")

    display = TrainingCurveDisplay.from_estimator(clf)
    x, y_loss = _xy(display.loss_line_)
    assert_array_equal(x, np.arange(1, len(clf.loss_curve_) + 1))
    assert_allclose(y_loss, clf.loss_curve_)
    assert display.ax_.get_title() == "RNNClassifier"
    if getattr(clf, "validation_scores_", None) is None:
        assert display.ax_score_ is None


def test_missing_matplotlib_says_what_to_install(monkeypatch):
    # A None entry in sys.modules makes ``import matplotlib`` raise ImportError.
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="pip install matplotlib") as exc_info:
        TrainingCurveDisplay(loss_curve=LOSS).plot()
    assert "sklearn-rnn[plot]" in str(exc_info.value)
    assert "TrainingCurveDisplay.plot" in str(exc_info.value)

    with pytest.raises(ImportError, match="matplotlib"):
        TrainingCurveDisplay.from_estimator(_FittedStandIn().fit())


def test_docstring_example_runs(pyplot):
    # The class docstring skips its plotting lines (matplotlib is optional, and the
    # doctests also run without it); run them here, where matplotlib is installed.
    source = TrainingCurveDisplay.__doc__.replace("  # doctest: +SKIP", "")
    test = doctest.DocTestParser().get_doctest(
        source, {}, "TrainingCurveDisplay", None, 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
    assert test.examples, "the docstring has no examples"


def test_legend_avoids_the_curves_of_both_axes(pyplot):
    # Falling losses fill the upper left and lower right, rising scores the lower
    # left and upper right of the twin axis: loc="best" on the twin alone would
    # put the legend on the losses.
    n = 30
    epochs = np.arange(n)
    display = TrainingCurveDisplay(
        loss_curve=list(np.exp(-epochs / 5)),
        validation_loss_curve=list(np.exp(-epochs / 5) + 0.05),
        validation_scores=list(1 - np.exp(-epochs / 5)),
    ).plot()
    fig = display.ax_.figure
    renderer = fig.canvas.get_renderer()
    box = display.legend_.get_window_extent(renderer)
    for line in [*display.ax_.lines, *display.ax_score_.lines]:
        xy = line.get_transform().transform(line.get_xydata())
        inside = (
            (xy[:, 0] >= box.x0)
            & (xy[:, 0] <= box.x1)
            & (xy[:, 1] >= box.y0)
            & (xy[:, 1] <= box.y1)
        )
        assert not inside.any(), line.get_label()
    assert display.legend_.axes is display.ax_score_
    labels = [t.get_text() for t in display.legend_.get_texts()]
    assert len(labels) == 3


def test_twin_axes_legend_without_pyplot_or_agg(pyplot):
    # matplotlib's advice for web apps: a bare Figure, no pyplot; and a PDF canvas.
    from matplotlib.backends.backend_pdf import FigureCanvasPdf
    from matplotlib.figure import Figure

    for fig in (Figure(), FigureCanvasPdf(Figure()).figure):
        display = TrainingCurveDisplay(
            loss_curve=[1.0, 0.5, 0.3],
            validation_loss_curve=[1.1, 0.6, 0.5],
            validation_scores=[0.5, 0.7, 0.8],
        ).plot(ax=fig.subplots())
        assert display.legend_ is not None
