"""Tests of TrainingCurveDisplay (the plot of the training curves) and of
AttentionDisplay (the attention alignment of a sequence-to-sequence model)."""

import doctest
import itertools
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

from sklearn_rnn._plotting import AttentionDisplay, TrainingCurveDisplay

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


# --------------------------------------------------------------------------------------
# AttentionDisplay
# --------------------------------------------------------------------------------------

#: Attention of the outputs "cba" over the inputs "abc" (rows sum to 1).
WEIGHTS = np.array([[0.1, 0.1, 0.8], [0.2, 0.7, 0.1], [0.9, 0.05, 0.05]])

#: Reverse three symbols: a tiny RNNSeq2Seq that learns it in 10 epochs.
SEQ_X = ["abc", "bca", "cab"] * 5
SEQ_Y = [x[::-1] for x in SEQ_X]


def _fit_seq2seq(X=SEQ_X, y=SEQ_Y, **params):
    from sklearn_rnn import RNNSeq2Seq

    params = {
        "hidden_size": 8,
        "max_iter": 10,
        "lr": 0.03,
        "random_state": 0,
        "device": "cpu",
        **params,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return RNNSeq2Seq(**params).fit(X, y)


@pytest.fixture(scope="module")
def seq2seq():
    """A fitted character-level RNNSeq2Seq (shared: the tests only read it)."""
    return _fit_seq2seq()


class _AttentionStandIn:
    """An estimator whose attention and prediction are fixed."""

    input_unit = "char"
    output_unit = "char"

    def __init__(self, weights, prediction):
        self.weights = np.asarray(weights, dtype=float)
        self.prediction = prediction

    def attention_weights(self, X, y=None):
        return [self.weights]

    def predict(self, X):
        return [self.prediction]


def _tick_texts(labels):
    return [label.get_text() for label in labels]


def test_attention_plot_shapes_and_labels(pyplot):
    display = AttentionDisplay(
        WEIGHTS, input_symbols=list("abc"), output_symbols=list("cba")
    )
    assert display.plot() is display

    assert display.figure_ is display.ax_.figure
    assert_allclose(display.im_.get_array(), WEIGHTS)
    assert display.im_.get_clim() == (0.0, 1.0)
    assert display.im_.get_cmap().name == "viridis"
    # Inputs along x in their order, outputs down y from the top.
    assert_array_equal(display.ax_.get_xticks(), [0, 1, 2])
    assert_array_equal(display.ax_.get_yticks(), [0, 1, 2])
    assert _tick_texts(display.ax_.get_xticklabels()) == ["a", "b", "c"]
    assert _tick_texts(display.ax_.get_yticklabels()) == ["c", "b", "a"]
    assert display.ax_.yaxis_inverted()
    assert display.ax_.get_xlabel() == "Input"
    assert display.ax_.get_ylabel() == "Output"
    assert display.ax_.get_title() == ""
    # Few short labels stay horizontal.
    assert all(t.get_rotation() == 0 for t in display.ax_.get_xticklabels())
    # The colour bar is a second axes of the figure.
    assert display.colorbar_ is not None
    assert display.colorbar_.ax.get_ylabel() == "Attention weight"
    assert len(display.figure_.axes) == 2
    assert display.text_ is None


def test_attention_stores_parameters():
    # No matplotlib needed to build a display.
    display = AttentionDisplay(
        WEIGHTS.tolist(), input_symbols=("a", "b", "c"), output_symbols=None
    )
    assert isinstance(display.weights, np.ndarray)
    assert_allclose(display.weights, WEIGHTS)
    assert display.input_symbols == ["a", "b", "c"]
    assert display.output_symbols is None


def test_attention_plot_without_symbols_labels_steps(pyplot):
    weights = np.full((2, 5), 0.2)
    display = AttentionDisplay(weights).plot()
    assert display.ax_.get_xlabel() == "Input step"
    assert display.ax_.get_ylabel() == "Output step"
    display.figure_.canvas.draw()
    low, high = sorted(display.ax_.get_xlim())
    shown = [t for t in display.ax_.get_xticks() if low <= t <= high]
    assert shown == [int(t) for t in shown]  # integer step indices
    assert {0, 4} <= set(shown)


def test_attention_plot_options_on_existing_axes(pyplot):
    fig, (ax_left, ax_right) = pyplot.subplots(ncols=2)
    display = AttentionDisplay(WEIGHTS, input_symbols=list("abc"))
    display.plot(
        ax=ax_right,
        cmap="Greys",
        colorbar=False,
        title="Alignment",
        include_values=True,
        values_format=".1f",
        xticks_rotation="vertical",
        im_kw={"vmax": 0.5},
        text_kw={"fontsize": 7},
    )
    assert display.ax_ is ax_right
    assert display.figure_ is fig
    assert not ax_left.images
    assert len(fig.axes) == 2  # no colour bar added
    assert display.colorbar_ is None
    assert display.ax_.get_title() == "Alignment"
    assert display.im_.get_cmap().name == "Greys"
    assert display.im_.get_clim() == (0.0, 0.5)
    assert all(t.get_rotation() == 90 for t in display.ax_.get_xticklabels())
    # One text per cell, at (column, row), formatted, in the given size.
    assert display.text_.shape == WEIGHTS.shape
    assert display.text_[0, 2].get_text() == "0.8"
    assert display.text_[0, 2].get_position() == (2, 0)
    assert display.text_[2, 0].get_fontsize() == 7
    # Text on the dark cells (low weights of "Greys": light) differs from the
    # text on the bright ones.
    assert display.text_[0, 0].get_color() != display.text_[0, 2].get_color()


def test_attention_white_space_symbols_are_visible(pyplot):
    display = AttentionDisplay(
        [[0.5, 0.25, 0.25]], input_symbols=["a", " ", "\t"], output_symbols=[7]
    ).plot()
    assert _tick_texts(display.ax_.get_xticklabels()) == ["a", "\u2423", "\\t"]
    assert _tick_texts(display.ax_.get_yticklabels()) == ["7"]


def test_attention_many_symbols(pyplot):
    rng = np.random.default_rng(0)
    words = [f"word{i}" for i in range(100)]
    weights = rng.dirichlet(np.ones(100), size=60)

    # A fixed maximum: every k-th symbol, the first one included.
    display = AttentionDisplay(weights, input_symbols=words).plot(max_ticks=10)
    assert_array_equal(display.ax_.get_xticks(), np.arange(0, 100, 10))
    assert _tick_texts(display.ax_.get_xticklabels()) == words[::10]

    # "auto": what fits the axes, and long labels turned vertical.
    display = AttentionDisplay(
        weights, input_symbols=words, output_symbols=list(range(60))
    ).plot()
    ticks = display.ax_.get_xticks()
    assert 1 < len(ticks) < 100
    assert ticks[0] == 0
    assert _tick_texts(display.ax_.get_xticklabels()) == [words[int(i)] for i in ticks]
    assert all(t.get_rotation() == 90 for t in display.ax_.get_xticklabels())
    assert 1 < len(display.ax_.get_yticks()) < 60
    # The drawn labels do not overlap.
    display.figure_.canvas.draw()
    boxes = [t.get_window_extent() for t in display.ax_.get_yticklabels()]
    for upper, lower in itertools.pairwise(boxes):
        assert not upper.overlaps(lower)

    # None: every symbol.
    display = AttentionDisplay(weights, input_symbols=words).plot(max_ticks=None)
    assert _tick_texts(display.ax_.get_xticklabels()) == words


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"weights": [0.5, 0.5]}, ValueError, "weights must be a 2D"),
        ({"weights": np.zeros((1, 2, 2))}, ValueError, "weights must be a 2D"),
        ({"weights": np.zeros((0, 3))}, ValueError, "weights is empty"),
        ({"weights": [[0.5, 1.5]]}, ValueError, r"weights .*\[0, 1\]"),
        ({"weights": [[-0.1, 1.0]]}, ValueError, r"weights .*\[0, 1\]"),
        ({"weights": [[np.nan, 1.0]]}, ValueError, "weights holds NaN"),
        ({"weights": [["a", "b"]]}, ValueError, "weights must be a 2D array"),
        ({"weights": None}, ValueError, "weights is required"),
        (
            {"weights": WEIGHTS, "input_symbols": ["a", "b"]},
            ValueError,
            "input_symbols has 2 labels, but weights has 3 columns",
        ),
        (
            {"weights": WEIGHTS[:2], "output_symbols": list("abc")},
            ValueError,
            "output_symbols has 3 labels, but weights has 2 rows",
        ),
        ({"weights": WEIGHTS, "input_symbols": "abc"}, TypeError, "input_symbols"),
        ({"weights": WEIGHTS, "output_symbols": 3}, TypeError, "output_symbols"),
    ],
)
def test_attention_invalid_input(kwargs, error, match):
    weights = kwargs.pop("weights")
    with pytest.raises(error, match=match):
        AttentionDisplay(weights, **kwargs)


def test_attention_plot_validates_changed_attributes(pyplot):
    display = AttentionDisplay(WEIGHTS)
    display.input_symbols = ["a"]
    with pytest.raises(ValueError, match="input_symbols has 1 labels"):
        display.plot()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"max_ticks": 0}, "max_ticks"),
        ({"max_ticks": "all"}, "max_ticks"),
        ({"xticks_rotation": "diagonal"}, "xticks_rotation"),
    ],
)
def test_attention_plot_invalid_options(pyplot, kwargs, match):
    with pytest.raises(ValueError, match=match):
        AttentionDisplay(WEIGHTS).plot(**kwargs)
    assert not pyplot.get_fignums()  # nothing drawn


def test_attention_from_estimator_prediction(pyplot, seq2seq):
    display = AttentionDisplay.from_estimator(seq2seq, "abc")

    predicted = seq2seq.predict(["abc"])[0]
    assert predicted  # the fixture's model outputs something to align
    expected = seq2seq.attention_weights(["abc"])[0]
    assert_allclose(display.weights, expected)
    assert display.weights.shape == (len(predicted), 3)
    assert_allclose(display.weights.sum(axis=1), 1.0, rtol=1e-5)
    assert display.input_symbols == ["a", "b", "c"]
    assert display.output_symbols == list(predicted)
    assert _tick_texts(display.ax_.get_xticklabels()) == ["a", "b", "c"]
    assert _tick_texts(display.ax_.get_yticklabels()) == list(predicted)
    assert_allclose(display.im_.get_array(), expected)


def test_attention_from_estimator_given_output_and_existing_axes(pyplot, seq2seq):
    fig, ax = pyplot.subplots()
    display = AttentionDisplay.from_estimator(
        seq2seq, "bca", y="ab", ax=ax, colorbar=False, title="bca"
    )
    assert display.ax_ is ax
    assert display.figure_ is fig
    assert display.colorbar_ is None
    assert ax.get_title() == "bca"
    assert display.output_symbols == ["a", "b"]
    assert_allclose(display.weights, seq2seq.attention_weights(["bca"], ["ab"])[0])
    assert _tick_texts(ax.get_yticklabels()) == ["a", "b"]
    assert _tick_texts(ax.get_xticklabels()) == ["b", "c", "a"]


@pytest.mark.parametrize(
    "x", [list("cab"), ("c", "a", "b"), np.array(list("cab"))], ids=type
)
def test_attention_from_estimator_symbol_lists(pyplot, seq2seq, x):
    display = AttentionDisplay.from_estimator(seq2seq, x, y=["b", "a", "c"])
    assert display.input_symbols == ["c", "a", "b"]
    assert display.output_symbols == ["b", "a", "c"]
    assert_allclose(display.weights, seq2seq.attention_weights(["cab"], ["bac"])[0])


def test_attention_from_estimator_words(pyplot):
    X = ["one two three", "two three one", "three one two"] * 3
    y = [" ".join(x.split()[::-1]) for x in X]
    model = _fit_seq2seq(X, y, input_unit="word", output_unit="word", max_iter=2)
    display = AttentionDisplay.from_estimator(model, "two one three", y="three one")
    assert display.input_symbols == ["two", "one", "three"]
    assert display.output_symbols == ["three", "one"]
    assert _tick_texts(display.ax_.get_xticklabels()) == ["two", "one", "three"]


def test_attention_from_estimator_numeric_input(pyplot):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 8, 1)).astype(np.float32)
    y = ["ab", "ba", "aa"] * 4
    model = _fit_seq2seq(X, y, front_end="none", max_iter=2)
    for x in (X[0], X[0, :, 0]):  # (n_timesteps, n_channels) or (n_timesteps,)
        display = AttentionDisplay.from_estimator(model, x, y="ab")
        assert display.input_symbols is None
        assert display.weights.shape == (2, 8)
        assert display.ax_.get_xlabel() == "Input step"
        assert_allclose(display.weights, model.attention_weights([X[0]], ["ab"])[0])

    with pytest.raises(ValueError, match="ONE input sequence"):
        AttentionDisplay.from_estimator(model, X[:1], y="ab")


def test_attention_from_estimator_downsampled_steps_are_indices(pyplot):
    # A strided front end attends over fewer steps than the input has symbols.
    estimator = _AttentionStandIn(np.full((2, 2), 0.5), prediction="ba")
    display = AttentionDisplay.from_estimator(estimator, "abcd")
    assert display.input_symbols is None
    assert display.output_symbols == ["b", "a"]
    assert display.ax_.get_xlabel() == "Input step"


def test_attention_from_estimator_empty_prediction(pyplot):
    estimator = _AttentionStandIn(np.empty((0, 3)), prediction="")
    with pytest.raises(ValueError, match=r"prediction for x is empty.*as y"):
        AttentionDisplay.from_estimator(estimator, "abc")


@pytest.mark.parametrize(
    "x, error, match",
    [
        ("", ValueError, "x is empty"),
        ([], ValueError, "x is empty"),
        (None, ValueError, "x is required"),
        (b"abc", TypeError, "bytes"),
        (np.float32(1.0), ValueError, "ONE input sequence"),
    ],
)
def test_attention_from_estimator_bad_x(pyplot, seq2seq, x, error, match):
    with pytest.raises(error, match=match):
        AttentionDisplay.from_estimator(seq2seq, x)


@pytest.mark.parametrize("y", ["", []])
def test_attention_from_estimator_empty_y(pyplot, seq2seq, y):
    with pytest.raises(ValueError, match="y is empty"):
        AttentionDisplay.from_estimator(seq2seq, "abc", y=y)


def test_attention_from_estimator_without_attention(pyplot):
    model = _fit_seq2seq(attention="none", max_iter=1)
    with pytest.raises(ValueError, match="attention='none'"):
        AttentionDisplay.from_estimator(model, "abc")
    with pytest.raises(ValueError, match="attention='none'"):
        AttentionDisplay.from_estimator(model, "abc", y="cba")


def test_attention_from_estimator_not_fitted(pyplot):
    from sklearn_rnn import RNNSeq2Seq

    with pytest.raises(NotFittedError):
        AttentionDisplay.from_estimator(RNNSeq2Seq(), "abc")


def test_attention_from_estimator_needs_attention_weights(pyplot):
    est = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    with pytest.raises(TypeError, match="attention_weights"):
        AttentionDisplay.from_estimator(est, "abc")


def test_attention_missing_matplotlib_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"AttentionDisplay\.plot") as exc_info:
        AttentionDisplay(WEIGHTS).plot()
    assert "sklearn-rnn[plot]" in str(exc_info.value)
    with pytest.raises(ImportError, match=r"AttentionDisplay\.from_estimator"):
        AttentionDisplay.from_estimator(_AttentionStandIn(WEIGHTS, "cba"), "abc")


def test_attention_docstring_example_runs(pyplot):
    # As for TrainingCurveDisplay: run the plotting lines the doctests skip.
    source = AttentionDisplay.__doc__.replace("  # doctest: +SKIP", "")
    test = doctest.DocTestParser().get_doctest(source, {}, "AttentionDisplay", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        runner.run(test)
    assert runner.failures == 0
    assert test.examples, "the docstring has no examples"


def test_attention_display_of_numeric_output_steps(pyplot):
    """Numeric outputs have no symbols: the rows are labelled by step, with the
    output given (its values) or predicted."""
    from sklearn_rnn import RNNSeq2Seq

    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(rng.integers(4, 8)), 1)) for _ in range(40)]
    y = [x[::-1, 0].copy() for x in X]
    model = RNNSeq2Seq(hidden_size=8, max_iter=3, random_state=0).fit(X, y)
    display = AttentionDisplay.from_estimator(model, X[0], y[0])
    assert display.weights.shape == (len(y[0]), len(X[0]))
    assert display.output_symbols is None
    assert display.ax_.get_ylabel() == "Output step"
    steps = model.predict(X[:1])[0]
    if len(steps):
        shown = AttentionDisplay.from_estimator(model, X[0])
        assert shown.weights.shape[0] == len(steps)
