"""Recurrent neural networks (RNN, LSTM, GRU) as scikit-learn estimators."""

from ._datasets import load_gunpoint, load_japanese_vowels, load_ts, load_ucr_uea
from ._estimators import RNNClassifier, RNNRegressor
from ._plotting import TrainingCurveDisplay
from ._scaler import SequenceScaler
from ._text import SequenceVectorizer

__all__ = [
    "RNNClassifier",
    "RNNRegressor",
    "SequenceScaler",
    "SequenceVectorizer",
    "TrainingCurveDisplay",
    "load_gunpoint",
    "load_japanese_vowels",
    "load_ts",
    "load_ucr_uea",
]

__version__ = "0.1.0.dev0"
