"""Recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators."""

from ._datasets import (
    load_cmudict,
    load_conllu,
    load_gunpoint,
    load_japanese_vowels,
    load_ts,
    load_ucr_uea,
)
from ._distributed import fit_data_parallel
from ._estimators import RNNClassifier, RNNRegressor
from ._export import (
    export_onnx,
    load_weights,
    register_skl2onnx_converters,
    save_weights,
)
from ._language_model import RNNLanguageModel
from ._metrics import (
    exact_match_score,
    make_step_scorer,
    sequence_accuracy_score,
    step_accuracy_score,
    token_error_rate,
)
from ._plotting import AttentionDisplay, TrainingCurveDisplay
from ._scaler import SequenceScaler
from ._seq2seq import RNNSeq2Seq
from ._tagger import RNNTagger
from ._text import SequenceVectorizer
from ._word_vectors import WordVectorCoverage, align_word_vectors, load_word_vectors
from .forecasting import RNNForecaster

__all__ = [
    "AttentionDisplay",
    "RNNClassifier",
    "RNNForecaster",
    "RNNLanguageModel",
    "RNNRegressor",
    "RNNSeq2Seq",
    "RNNTagger",
    "SequenceScaler",
    "SequenceVectorizer",
    "TrainingCurveDisplay",
    "WordVectorCoverage",
    "align_word_vectors",
    "exact_match_score",
    "export_onnx",
    "fit_data_parallel",
    "load_cmudict",
    "load_conllu",
    "load_gunpoint",
    "load_japanese_vowels",
    "load_ts",
    "load_ucr_uea",
    "load_weights",
    "load_word_vectors",
    "make_step_scorer",
    "register_skl2onnx_converters",
    "save_weights",
    "sequence_accuracy_score",
    "step_accuracy_score",
    "token_error_rate",
]

__version__ = "0.1.0.dev0"
