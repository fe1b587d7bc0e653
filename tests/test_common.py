"""scikit-learn's estimator checks on several configurations of every estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

# Small and quick, but able to learn what the checks ask (e.g. >0.83 accuracy on
# blobs for classifiers).
_FAST = dict(hidden_size=16, max_iter=20, batch_size=32, lr=1e-2, random_state=0)

ESTIMATORS = [
    RNNClassifier(**_FAST),
    RNNClassifier(cell="gru", bidirectional=True, **_FAST),
    RNNClassifier(cell="rnn_tanh", pooling="mean", num_layers=2, **_FAST),
    RNNClassifier(cell="rnn_relu", pooling="max", **_FAST),
    # The regression checks need R^2 > 0.5 on a noisy table with one informative
    # column out of ten; that takes more epochs than the classification checks.
    RNNRegressor(**{**_FAST, "max_iter": 60}),
    RNNRegressor(
        cell="gru", bidirectional=True, pooling="mean", **{**_FAST, "max_iter": 60}
    ),
    SequenceScaler(),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
