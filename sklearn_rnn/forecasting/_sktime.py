"""SktimeRNNForecaster: :class:`RNNForecaster` behind sktime's forecaster interface.

Imported on first use (``sklearn_rnn.forecasting.SktimeRNNForecaster``), so that
sktime is needed only by those who use it. sktime's ``X`` is the future-known
covariates (sktime has no past-observed kind); a panel (``pd-multiindex``: instance
and time levels) is fitted as one global model over its series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sktime
from sklearn.base import clone
from sklearn.utils.fixes import parse_version
from sktime.forecasting.base import BaseForecaster

from ._forecaster import RNNForecaster

_REMEMBER_DATA_OPTIONAL = parse_version(sktime.__version__) >= parse_version("1.0")


class SktimeRNNForecaster(BaseForecaster):
    """An :class:`~sklearn_rnn.RNNForecaster` as an sktime forecaster.

    For sktime's tools: ``evaluate`` with its splitters, pipelines, tuning,
    reductions to panel data. ``update`` conditions the forecasts on new
    observations without retraining the network (with or without
    ``update_params``: refit to retrain).

    Parameters
    ----------
    forecaster : RNNForecaster, default=None
        The forecaster to fit (cloned; its parameters are searchable as
        ``forecaster__<name>``). None: ``RNNForecaster()``.

    Attributes
    ----------
    forecaster_ : RNNForecaster
        The fitted clone.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn_rnn import RNNForecaster
    >>> from sklearn_rnn.forecasting import SktimeRNNForecaster
    >>> y = pd.Series(
    ...     10 + np.sin(np.arange(60) / 2),
    ...     index=pd.period_range("2020-01", periods=60, freq="M"),
    ... )
    >>> model = SktimeRNNForecaster(RNNForecaster(hidden_size=8, max_iter=5))
    >>> model.fit(y, fh=[1, 2, 3]).predict().index.astype(str).tolist()
    ['2025-01', '2025-02', '2025-03']
    """

    _tags = {
        "authors": "sklearn_rnn developers",
        "python_dependencies": ["torch", "skorch"],
        "y_inner_mtype": ["pd.Series", "pd-multiindex"],
        "X_inner_mtype": ["pd.DataFrame", "pd-multiindex"],
        "capability:multivariate": False,
        "capability:exogenous": True,
        "capability:insample": False,
        "capability:pred_int": True,
        "capability:pred_int:insample": False,
        "capability:missing_values": False,
        "capability:update": True,
        "capability:unequal_length": True,
        "requires-fh-in-fit": False,
        "X-y-must-have-same-index": True,
        "fit_is_empty": False,
    }
    # No copy of the data in the forecaster: updates are conditioned on, not
    # refitted (the network keeps what it needs: each series' last window).
    # (sktime < 1.0 sets no cutoff without the copy, and then refuses an absolute
    # fh: there, the copy is kept.)
    _config = {"remember_data": False} if _REMEMBER_DATA_OPTIONAL else {}

    def __init__(self, forecaster=None):
        self.forecaster = forecaster
        super().__init__()
        self._y = self._X = None

    # sktime's inner formats <-> the RNNForecaster's

    @staticmethod
    def _series(y):
        """sktime's ``y`` as one Series, or a list of them (a panel)."""
        if isinstance(y, pd.DataFrame) and isinstance(y.index, pd.MultiIndex):
            column = y.columns[0]
            return [part.droplevel(0)[column] for _, part in y.groupby(level=0)]
        return y

    @staticmethod
    def _covariates(X):
        """sktime's ``X`` as one DataFrame, or a list of them (a panel)."""
        if X is None:
            return None
        if isinstance(X.index, pd.MultiIndex):
            return [part.droplevel(0) for _, part in X.groupby(level=0)]
        return X

    def _panel(self, parts, columns=None):
        """Per-series results as one frame with the instance level (panel)."""
        if not isinstance(parts, list):
            return parts
        frames = [p.to_frame() if isinstance(p, pd.Series) else p for p in parts]
        out = pd.concat(frames, keys=self._instance_keys)
        if columns is not None:
            out.columns = columns
        return out

    def _steps(self, fh):
        steps = np.asarray(fh.to_relative(self.cutoff).to_pandas(), dtype=np.int64)
        return steps.tolist()

    # BaseForecaster's hooks

    def _fit(self, y, X=None, fh=None):
        # sktime < 1.0 sets the cutoff only when it keeps the data
        # (remember_data): set it here in every version (the same value).
        self._set_cutoff_from_y(y)
        self.forecaster_ = clone(
            self.forecaster if self.forecaster is not None else RNNForecaster()
        )
        self._instance_keys = (
            list(y.index.get_level_values(0).unique())
            if isinstance(y.index, pd.MultiIndex)
            else None
        )
        self._name = y.columns[0] if isinstance(y, pd.DataFrame) else y.name
        steps = None if fh is None else self._steps(fh)
        self.forecaster_.fit(self._series(y), self._covariates(X), fh=steps)
        return self

    def _predict(self, fh, X=None):
        pred = self.forecaster_.predict(self._steps(fh), self._covariates(X))
        if isinstance(pred, list):
            out = self._panel(pred)
            out.columns = [self._name]
            return out
        return pred.rename(self._name)

    def _update(self, y, X=None, update_params=True):
        self._set_cutoff_from_y(y)  # (see _fit)
        series = self._series(y)
        covariates = self._covariates(X)
        cutoffs = self.forecaster_.cutoff_
        if isinstance(series, list):
            new = [s[s.index > c] for s, c in zip(series, cutoffs, strict=True)]
            cov = (
                None
                if covariates is None
                else [x.loc[s.index] for x, s in zip(covariates, new, strict=True)]
            )
            new = [s if len(s) else None for s in new]
            self.forecaster_.update(new, cov)
            return self
        # sktime may re-send observations the forecaster has: only later ones count.
        new = series[series.index > cutoffs]
        if len(new):
            cov = None if covariates is None else covariates.loc[new.index]
            self.forecaster_.update(new, cov)
        return self

    def _predict_quantiles(self, fh, X, alpha):
        out = self.forecaster_.predict_quantiles(
            self._steps(fh), self._covariates(X), alpha=alpha
        )
        columns = self._get_columns(method="predict_quantiles", alpha=alpha)
        if isinstance(out, list):
            return self._panel(out, columns)
        out.columns = columns
        return out

    @classmethod
    def get_test_params(cls, parameter_set="default"):
        """Two tiny forecasters for sktime's conformance tests.

        Parameters
        ----------
        parameter_set : str, default="default"
            Unused (sktime's signature).

        Returns
        -------
        params : list of dict
            Parameters of two fast instances.
        """
        return [
            {
                "forecaster": RNNForecaster(
                    horizon=5, hidden_size=4, max_iter=2, random_state=0
                )
            },
            {
                "forecaster": RNNForecaster(
                    horizon=5,
                    cell="lstm",
                    hidden_size=4,
                    window_length=4,
                    max_iter=2,
                    random_state=0,
                )
            },
        ]
