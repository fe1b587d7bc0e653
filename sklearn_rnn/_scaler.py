"""Padding-aware per-channel standardization of sequences."""

from __future__ import annotations

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils.validation import check_is_fitted, validate_data

from ._data import Sequences, to_sequences


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardize each channel of a set of sequences, ignoring padding.

    scikit-learn's :class:`~sklearn.preprocessing.StandardScaler` rejects 3D and
    ragged input, and on a 2D ``(n_samples, n_timesteps)`` array it scales every
    timestep separately, which breaks the shape of a series. This scaler computes one
    mean and one standard deviation per channel over all valid steps of all sequences
    and applies them to every step, so it can sit before :class:`RNNClassifier` or
    :class:`RNNRegressor` in a :class:`~sklearn.pipeline.Pipeline`.

    The output has the form of the input: a 2D array stays 2D (one channel), a 3D
    array stays 3D with its NaN padding kept, a list stays a list of arrays.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract each channel's mean.

    with_std : bool, default=True
        Divide each channel by its standard deviation (channels with zero variance
        are left unscaled).

    channels_first : bool, default=False
        Read 3D arrays as ``(n_samples, n_channels, n_timesteps)`` and list items as
        ``(n_channels, n_timesteps)`` (the sktime/aeon layout); the output keeps it.

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels,)
        Per-channel mean over the valid steps (zeros when ``with_mean=False``).

    scale_ : ndarray of shape (n_channels,)
        Per-channel scale (ones when ``with_std=False``).

    n_features_in_ : int
        Number of columns for 2D input, number of channels for 3D or list input.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen at fit, when ``X`` was a DataFrame.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : Scales each column of a table.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import SequenceScaler
    >>> X = [np.array([[0.0, 10.0], [2.0, 30.0]]), np.array([[4.0, 20.0]])]
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_
    array([ 2., 20.])
    >>> first, second = scaler.transform(X)
    >>> print(first.round(3))
    [[-1.225 -1.225]
     [ 0.     1.225]]
    """

    _parameter_constraints: dict = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "channels_first": ["boolean"],
    }

    def __init__(
        self,
        *,
        with_mean: bool = True,
        with_std: bool = True,
        channels_first: bool = False,
    ):
        self.with_mean = with_mean
        self.with_std = with_std
        self.channels_first = channels_first

    def _sequences(self, X) -> Sequences:
        return to_sequences(X, input_type="numeric", channels_first=self.channels_first)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the per-channel mean and scale over the valid steps.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences: 2D, 3D (trailing all-NaN steps are padding) or a list.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
            The fitted scaler.
        """
        seqs = self._sequences(X)
        if len(seqs) == 0:
            raise ValueError(
                "Found array with 0 sample(s) while a minimum of 1 is required by "
                "SequenceScaler."
            )
        self._table_input = seqs.table_width is not None
        if self._table_input:
            validate_data(self, X, reset=True, skip_check_array=True)
        else:
            self.n_features_in_ = seqs.n_channels
        valid = np.arange(seqs.values.shape[1])[None, :] < seqs.lengths[:, None]
        steps = seqs.values[valid].astype(np.float64)
        n_channels = seqs.n_channels
        if len(steps) == 0:
            raise ValueError("X holds only empty sequences; nothing to scale.")
        self.mean_ = steps.mean(axis=0) if self.with_mean else np.zeros(n_channels)
        if self.with_std:
            std = steps.std(axis=0)
            self.scale_ = np.where(std > 10 * np.finfo(np.float64).eps, std, 1.0)
        else:
            self.scale_ = np.ones(n_channels)
        return self

    def transform(self, X):
        """Standardize ``X`` channel by channel; padding stays padding.

        Parameters
        ----------
        X : array-like or list of array-like
            Sequences with the channels seen in ``fit``.

        Returns
        -------
        X_scaled : ndarray or list of ndarray
            Scaled sequences in the form of ``X`` (float32 for 3D/list input, float64
            for 2D input).
        """
        check_is_fitted(self)
        seqs = self._sequences(X)
        if self._table_input and seqs.table_width is not None:
            validate_data(self, X, reset=False, skip_check_array=True)
        if seqs.n_channels != len(self.mean_):
            raise ValueError(
                f"X has {seqs.n_channels} channels, but SequenceScaler was fitted "
                f"with {len(self.mean_)} channels."
            )
        scaled = (seqs.values - self.mean_) / self.scale_
        if seqs.table_width is not None:
            pad = np.arange(scaled.shape[1])[None, :] >= seqs.lengths[:, None]
            out = scaled[:, :, 0]
            out[pad] = np.nan
            return out
        scaled = scaled.astype(np.float32)
        if isinstance(X, (list, tuple)):
            return [
                self._like(x, s[:n])
                for x, s, n in zip(X, scaled, seqs.lengths, strict=True)
            ]
        valid = np.arange(scaled.shape[1])[None, :] < seqs.lengths[:, None]
        scaled[~valid] = np.nan
        return np.swapaxes(scaled, 1, 2) if self.channels_first else scaled

    def _like(self, item, scaled: np.ndarray) -> np.ndarray:
        """One scaled ``(t, n_channels)`` sequence in the layout of the input item."""
        if np.ndim(item) == 1:
            return scaled[:, 0]
        return scaled.T if self.channels_first else scaled

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
