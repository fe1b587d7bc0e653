"""Warnings that point at the user's line, however deep inside they are raised."""

from __future__ import annotations

import os
import sys
import warnings

import joblib
import sklearn
import skorch
import torch

#: Frames in these packages are not the user's: a warning raised inside
#: ``Pipeline.fit -> RNNClassifier.fit -> ...`` is attributed to the line that
#: called ``Pipeline.fit``.
_INTERNAL = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (
        __file__,
        sklearn.__file__,
        skorch.__file__,
        torch.__file__,
        joblib.__file__,
    )
)


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` at the first frame outside this library and the libraries
    it is called through (scikit-learn's meta-estimators, skorch, torch, joblib).

    What Python 3.12's ``skip_file_prefixes`` does, for Python 3.11.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _INTERNAL
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
