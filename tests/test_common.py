"""scikit-learn's estimator checks on several configurations of every estimator."""

import warnings

import pytest
from sklearn.exceptions import SkipTestWarning
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_repr,
    check_estimator_tags_renamed,
    check_estimators_unfitted,
    check_get_params_invariance,
    check_mixin_order,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
    check_valid_tag_types,
    parametrize_with_checks,
)

from sklearn_rnn import (
    RNNClassifier,
    RNNForecaster,
    RNNLanguageModel,
    RNNRegressor,
    RNNSeq2Seq,
    RNNTagger,
    SequenceScaler,
)

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
    RNNTagger(**_FAST),
    RNNSeq2Seq(**_FAST),
    # Text only: scikit-learn's data checks do not apply (see below).
    RNNLanguageModel(**_FAST),
]

#: The checks that fit RNNTagger or RNNSeq2Seq on scikit-learn's data: each passes
#: ``y`` as one label per sample (or a multi-output table), while a tagger's ``y``
#: is one label sequence per sample, as long as it, and a sequence-to-sequence
#: model's one output sequence per sample. Both refuse such a ``y`` with a
#: ValueError or TypeError that says so, so these checks cannot reach what they
#: test; tests/test_tagger.py and tests/test_seq2seq.py test the same properties on
#: sequence targets (padding, order and subset invariance, pickling, idempotent
#: fits, unchanged input, sample weights).
_SEQUENCE_TARGET_NOT_APPLICABLE = (
    "check_all_zero_sample_weights_error",
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_dtype_object",
    "check_estimators_dtypes",
    "check_estimators_fit_returns_self",
    "check_estimators_nan_inf",
    "check_estimators_overwrite_params",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_1feature",
    "check_fit2d_1sample",
    "check_fit2d_predict1d",
    "check_fit_check_is_fitted",
    "check_fit_idempotent",
    "check_fit_score_takes_y",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_n_features_in",
    "check_n_features_in_after_fitting",
    "check_pipeline_consistency",
    "check_positive_only_tag_during_fit",
    "check_readonly_memmap_input",
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weights_list",
    "check_sample_weights_not_an_array",
    "check_sample_weights_not_overwritten",
    "check_sample_weights_pandas_series",
    "check_sample_weights_shape",
)


def expected_failed_checks(estimator):
    """The checks each estimator is expected to fail, with the reason."""
    if isinstance(estimator, RNNTagger):
        reason = (
            "Not applicable: the check passes one label per sample; a tagger's y is "
            "one label sequence per sample (tests/test_tagger.py tests the same "
            "property on sequence targets)."
        )
        return dict.fromkeys(_SEQUENCE_TARGET_NOT_APPLICABLE, reason)
    if isinstance(estimator, RNNSeq2Seq):
        reason = (
            "Not applicable: the check passes one label per sample; RNNSeq2Seq's y "
            "is one output sequence per sample (tests/test_seq2seq.py tests the "
            "same property on output sequences)."
        )
        return dict.fromkeys(_SEQUENCE_TARGET_NOT_APPLICABLE, reason)
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


with warnings.catch_warnings():
    # RNNLanguageModel declares that it reads text only (input tags: string, no 2D
    # array), so scikit-learn yields no check on data for it (with a
    # SkipTestWarning) but check_estimator_cloneable; its checks that need no
    # data run in test_language_model_api_checks.
    warnings.filterwarnings(
        "ignore", "Can't test estimator RNNLanguageModel", SkipTestWarning
    )
    _parametrize = parametrize_with_checks(
        ESTIMATORS, expected_failed_checks=expected_failed_checks
    )


@_parametrize
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


#: scikit-learn's API checks that need no data (the others fit on numeric
#: arrays, which a language model does not read, and call fit(X, y), which a
#: forecaster's fit(y, X) does not mean; tests/test_language_model.py and
#: tests/test_forecasting.py test the same properties on text and on series:
#: reproducible fits, pickling, unchanged input and parameters, clones).
_NO_DATA_CHECKS = (
    check_no_attributes_set_in_init,
    check_estimator_repr,
    check_estimator_tags_renamed,
    check_valid_tag_types,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimators_unfitted,
    check_mixin_order,
)


@pytest.mark.parametrize("check", _NO_DATA_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "estimator",
    [RNNLanguageModel(**_FAST), RNNForecaster(**_FAST)],
    ids=lambda e: type(e).__name__,
)
def test_api_checks_without_data(estimator, check):
    check(type(estimator).__name__, estimator)
