"""Padding-aware per-channel standardization of sequences: by the statistics of the
data set, or of each sequence on its own."""

from __future__ import annotations

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._set_output import ADAPTERS_MANAGER, _get_container_adapter
from sklearn.utils.validation import check_is_fitted, validate_data

from ._data import Sequences, channel_statistics, to_sequences


class SequenceScaler(
    OneToOneFeatureMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Standardize each channel of sequences, ignoring padding.

    By default with the data set's statistics; with ``per_series=True`` each sequence
    with its own.

    scikit-learn's :class:`~sklearn.preprocessing.StandardScaler` rejects 3D and
    ragged input, and on a 2D ``(n_samples, n_timesteps)`` array it scales every
    timestep separately, which breaks the shape of a series. This scaler computes one
    mean and one standard deviation per channel over all valid steps of all sequences
    and applies them to every step, so it can sit before :class:`RNNClassifier` or
    :class:`RNNRegressor` in a :class:`~sklearn.pipeline.Pipeline`.

    With ``per_series=True``, each sequence is instead z-normalised by the mean and
    standard deviation of its own valid steps, channel by channel, as the UCR/UEA
    archives' series are: offset and amplitude are removed and only the shape is
    kept. Use it when the level of a series carries no information (a gesture
    recorded at different distances, a spectrum with a varying baseline) and the
    data set's statistics mix series of different levels; keep the default when the
    level matters (e.g. sensor axes whose magnitude tells the classes apart). The
    estimators do both by default, inside the network (``input_scaling="both"``).

    The output has the form of the input: a 2D array stays 2D (one channel), a 3D
    array stays 3D with its NaN padding kept, a list stays a list of arrays.

    Only a 2D output is a table: with ``set_output(transform="pandas")`` or
    ``"polars"``, or scikit-learn's global ``transform_output`` setting, it becomes a
    DataFrame, as :class:`~sklearn.preprocessing.StandardScaler`'s does. 3D and list
    outputs cannot be DataFrames: the global setting leaves them as they are (so a
    notebook's ``sklearn.set_config(transform_output="pandas")`` does not change what
    the estimator after the scaler reads), while an explicit ``set_output`` to a
    DataFrame raises a ``ValueError`` for them, as it asked for what cannot be.

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

    per_series : bool, default=False
        Standardize each sequence by its own per-channel mean and standard deviation
        (a channel constant within a sequence is only centred). ``fit`` then learns
        no statistics, only the number of channels.

    Attributes
    ----------
    mean_ : ndarray of shape (n_channels,) or None
        Per-channel mean over the valid steps (zeros when ``with_mean=False``);
        None with ``per_series=True``.

    scale_ : ndarray of shape (n_channels,) or None
        Per-channel scale (ones when ``with_std=False``); None with
        ``per_series=True``.

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

    Each series on its own:

    >>> first, second = SequenceScaler(per_series=True).fit_transform(X)
    >>> print(first)
    [[-1. -1.]
     [ 1.  1.]]
    """

    _parameter_constraints: dict = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "channels_first": ["boolean"],
        "per_series": ["boolean"],
    }

    def __init__(
        self,
        *,
        with_mean: bool = True,
        with_std: bool = True,
        channels_first: bool = False,
        per_series: bool = False,
    ):
        self.with_mean = with_mean
        self.with_std = with_std
        self.channels_first = channels_first
        self.per_series = per_series

    def _sequences(self, X) -> Sequences:
        return to_sequences(X, input_type="numeric", channels_first=self.channels_first)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the per-channel mean and scale over the valid steps.

        With ``per_series=True``, only check ``X`` and record its channels.

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
        self._n_channels = seqs.n_channels
        if self.per_series:
            if not seqs.lengths.any():
                raise ValueError("X holds only empty sequences; nothing to scale.")
            self.mean_ = self.scale_ = None
            return self
        mean, scale = channel_statistics(seqs)
        n_channels = seqs.n_channels
        self.mean_ = mean if self.with_mean else np.zeros(n_channels)
        self.scale_ = scale if self.with_std else np.ones(n_channels)
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
        if seqs.n_channels != self._n_channels:
            raise ValueError(
                f"X has {seqs.n_channels} channels, but SequenceScaler was fitted "
                f"with {self._n_channels} channels."
            )
        if self.per_series:
            mean, scale = self._series_statistics(seqs)
        else:
            mean, scale = self.mean_, self.scale_
        scaled = (seqs.values - mean) / scale
        return self._container(self._in_form_of(X, seqs, scaled), X)

    def _in_form_of(self, X, seqs: Sequences, scaled: np.ndarray):
        """The scaled ``(n, t, n_channels)`` values in the form of the input ``X``."""
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

    def set_output(self, *, transform: str | None = None) -> SequenceScaler:
        """Set the container of 2D outputs: a numpy array or a DataFrame.

        Only the output of 2D input is a table and can be a DataFrame; asking for a
        DataFrame makes :meth:`transform` raise a ``ValueError`` for 3D or list
        input. The global ``transform_output`` setting of scikit-learn applies to
        2D outputs only and leaves the others as they are.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            The container of 2D outputs of :meth:`transform` and
            :meth:`fit_transform`: ``"default"`` a numpy array, ``"pandas"`` or
            ``"polars"`` a DataFrame; None leaves the setting as it is.

        Returns
        -------
        self : SequenceScaler
            The scaler.
        """
        if transform is None:
            return self
        options = sorted(ADAPTERS_MANAGER.supported_outputs)
        if transform not in options:
            raise ValueError(
                f"set_output: transform must be one of {options} or None; got "
                f"{transform!r}."
            )
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self

    def _container(self, scaled, X):
        """``scaled`` in the container set by :meth:`set_output` (or globally)."""
        adapter = _get_container_adapter("transform", self)
        if adapter is None:
            return scaled
        if isinstance(scaled, np.ndarray) and scaled.ndim == 2:
            return adapter.create_container(
                scaled, X, columns=self.get_feature_names_out
            )
        explicit = getattr(self, "_sklearn_output_config", {}).get("transform")
        if explicit is None:  # the global setting: for tables only
            return scaled
        form = "a 3D array" if isinstance(scaled, np.ndarray) else "a list of arrays"
        raise ValueError(
            f"SequenceScaler.set_output(transform={explicit!r}) asks for a "
            f"DataFrame, but the scaled sequences are {form}, which a DataFrame "
            "cannot hold (only 2D input gives a table). Call "
            "set_output(transform='default') on the scaler (after "
            "Pipeline.set_output, which sets every step) to get the sequences."
        )

    def _series_statistics(self, seqs: Sequences) -> tuple[np.ndarray, np.ndarray]:
        """``(n, 1, n_channels)`` mean and scale of each sequence's valid steps."""
        valid = (np.arange(seqs.values.shape[1])[None, :] < seqs.lengths[:, None])[
            :, :, None
        ]
        n = np.maximum(seqs.lengths, 1)[:, None, None]
        values = seqs.values.astype(np.float64)
        mean = np.where(valid, values, 0.0).sum(axis=1, keepdims=True) / n
        std = np.sqrt(
            np.where(valid, (values - mean) ** 2, 0.0).sum(1, keepdims=True) / n
        )
        scale = np.where(
            std > 10 * np.finfo(np.float64).eps * (1 + np.abs(mean)), std, 1.0
        )
        if not self.with_mean:
            mean = np.zeros_like(mean)
        if not self.with_std:
            scale = np.ones_like(scale)
        return mean, scale

    def _like(self, item, scaled: np.ndarray) -> np.ndarray:
        """One scaled ``(t, n_channels)`` sequence in the layout of the input item."""
        if np.ndim(item) == 1:
            return scaled[:, 0]
        return scaled.T if self.channels_first else scaled

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
