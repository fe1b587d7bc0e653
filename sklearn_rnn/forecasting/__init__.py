"""Forecasting: :class:`RNNForecaster`, and its sktime adapter.

``SktimeRNNForecaster`` (sktime's forecaster interface) is imported on first use,
so that sktime is needed only by those who use it.
"""

from ._forecaster import RNNForecaster

__all__ = ["RNNForecaster", "SktimeRNNForecaster"]


def __getattr__(name: str):
    if name == "SktimeRNNForecaster":
        from ._sktime import SktimeRNNForecaster

        return SktimeRNNForecaster
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
