"""scikit-learn's estimator checks on several configurations of every estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

# Small and quick, but able to learn what the checks ask (e.g. >0.83 accuracy on
# blobs for classifiers).
_FAST = dict(hidden_size=16, max_iter=20, batch_size=32, lr=1e-2, random_state=0)

ESTIMATORS = [
    # The defaults (GRU, convolutional front end, input scaling, mean+max pooling,
    # cosine schedule), smaller and faster.
    RNNClassifier(**_FAST),
    RNNClassifier(cell="lstm", bidirectional=True, **_FAST),
    RNNClassifier(cell="rnn_tanh", pooling="mean", num_layers=2, **_FAST),
    RNNClassifier(cell="rnn_relu", pooling="max", **_FAST),
    # The regression checks need R^2 > 0.5 on a noisy table with one informative
    # column out of ten; that takes more epochs than the classification checks.
    RNNRegressor(**{**_FAST, "max_iter": 60}),
    RNNRegressor(
        cell="lstm", bidirectional=True, pooling="mean", **{**_FAST, "max_iter": 60}
    ),
    # Early stopping on: a validation split inside fit, best weights restored.
    RNNClassifier(early_stopping=True, n_iter_no_change=5, **_FAST),
    # (the regression checks' validation set is 20 noisy samples: be patient)
    RNNRegressor(early_stopping=True, n_iter_no_change=20, **{**_FAST, "max_iter": 60}),
    # The convolutional front end set explicitly: small layers, the first strided
    # (the tables of the checks are short series, so "auto" gives stride 1).
    RNNClassifier(
        front_end="conv",
        conv_filters=(8, 8),
        conv_kernel_sizes=(3, 3),
        conv_stride=2,
        **_FAST,
    ),
    # The front end on per-series scaled input only, for regression.
    RNNRegressor(
        front_end="conv",
        conv_filters=(8,),
        conv_kernel_sizes=(4,),
        input_scaling="series",
        **{**_FAST, "max_iter": 60},
    ),
    # No front end: the recurrent layers read the scaled steps themselves.
    RNNClassifier(front_end="none", input_scaling="dataset", **_FAST),
    SequenceScaler(),
    SequenceScaler(per_series=True),
]


def expected_failed_checks(estimator):
    """The checks each estimator is expected to fail, with the reason."""
    if isinstance(estimator, (RNNClassifier, RNNRegressor)):
        return {
            "check_sample_weight_equivalence_on_dense_data": (
                "Minibatch training cannot make weight 2 equal to a repeated sample "
                "exactly: repeating a sample changes the batches and the shuffle. "
                "scikit-learn marks SGDClassifier the same way. Weights do enter "
                "the loss as sum(w * loss) / sum(w) (tests/test_training.py)."
            )
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
