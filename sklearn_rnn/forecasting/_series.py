"""Series for the forecaster: reading what users pass, clocks, windows and results.

No torch here. A call's target becomes a :class:`Panel`: one float64 array per series
(a pandas Series, each column of a DataFrame or of a 2D array, or each item of a list
of series of different lengths), each with a :class:`Clock` that knows its index (the
dates a forecast is labelled with) and, when given, its covariates as 2D arrays
aligned row for row. :func:`windows` cuts forecast origins into the sequences the
network reads (see :mod:`._network` for their layout); the ``format_*`` functions give
results back in the container the target came in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from numbers import Integral

import numpy as np

from .._data import Sequences

#: Seasonal periods of pandas frequencies (their prefix, before any anchor).
_PERIODS = {
    "h": 24,
    "D": 7,
    "B": 5,
    "W": 52,
    "M": 12,
    "ME": 12,
    "MS": 12,
    "Q": 4,
    "QE": 4,
    "QS": 4,
    "BQ": 4,
    "BQE": 4,
    "BM": 12,
    "BME": 12,
    "min": 60,
    "T": 60,
    "H": 24,
}


def _pandas():
    import pandas as pd

    return pd


def _is_pandas(obj, kind: str) -> bool:
    pd = _pandas() if "pandas" in type(obj).__module__ else None
    return pd is not None and isinstance(obj, getattr(pd, kind))


@dataclass
class Clock:
    """Where a series ends and how its index goes on.

    ``kind`` is "position" (no index: arrays), "datetime", "period" or "integer";
    ``last`` the last label (the position of the last value, for arrays), ``freq``
    the date offset (datetime) and ``step`` the spacing (integer).
    """

    kind: str
    last: object
    freq: object = None
    step: int = 1

    @classmethod
    def of(cls, index, name: str, *, strict: bool = True) -> Clock:
        """The clock of a pandas index. Not ``strict`` (new observations, whose
        spacing the fitted clock knows): a DatetimeIndex may lack a frequency."""
        pd = _pandas()
        if len(index) == 0:
            raise ValueError(f"{name} is empty: a series needs observations.")
        if isinstance(index, pd.PeriodIndex):
            return cls("period", index[-1], index.freq)
        if isinstance(index, pd.DatetimeIndex):
            freq = index.freq
            if freq is None and len(index) >= 3:
                inferred = pd.infer_freq(index)
                freq = (
                    None
                    if inferred is None
                    else pd.tseries.frequencies.to_offset(inferred)
                )
            if freq is None and strict:
                raise ValueError(
                    f"{name}'s DatetimeIndex has no regular frequency, so the dates "
                    "of a forecast are unknown. Give it one (e.g. "
                    "y.asfreq('MS')), or pass values without an index."
                )
            return cls("datetime", index[-1], freq)
        if pd.api.types.is_integer_dtype(index.dtype):
            diffs = np.diff(np.asarray(index, dtype=np.int64))
            step = int(diffs[0]) if len(diffs) else 1
            if len(diffs) and (step <= 0 or (diffs != step).any()):
                raise ValueError(
                    f"{name}'s integer index is not evenly spaced and increasing, "
                    "so the labels of a forecast are unknown. Pass a regular index "
                    "(e.g. a RangeIndex)."
                )
            return cls("integer", int(index[-1]), step=step)
        raise TypeError(
            f"{name}'s index is a {type(index).__name__} of {index.dtype}; a "
            "forecaster needs a DatetimeIndex or PeriodIndex with a frequency, or "
            "an integer index (or values without an index)."
        )

    def labels(self, steps: np.ndarray):
        """The index labels ``steps`` ahead of the last observation."""
        pd = _pandas()
        steps = np.asarray(steps, dtype=np.int64)
        if self.kind == "period":
            return pd.PeriodIndex([self.last + int(s) for s in steps], freq=self.freq)
        if self.kind == "datetime":
            dates = pd.date_range(
                self.last, periods=int(steps.max(initial=0)) + 1, freq=self.freq
            )
            return pd.DatetimeIndex(dates[steps], freq=None)
        return pd.Index(self.last + self.step * steps)

    def advanced(self, n: int) -> Clock:
        """The clock after ``n`` more observations."""
        if n == 0:
            return self
        if self.kind in ("position", "integer", "period"):
            step = self.step if self.kind != "period" else 1
            return replace(self, last=self.last + n * step)
        return replace(self, last=self.labels(np.array([n]))[0])

    def seasonal_period(self) -> int:
        """The seasonal period of the frequency (1 when it has none)."""
        if self.kind not in ("datetime", "period"):
            return 1
        pd = _pandas()
        code = pd.tseries.frequencies.to_offset(self.freq).name.split("-")[0]
        code = code.lstrip("0123456789") or code
        return _PERIODS.get(code, 1)


@dataclass
class Panel:
    """The series of one call, as float64 arrays, with what restores the container.

    ``form`` is "series" (a pandas Series), "frame" (the columns of a DataFrame),
    "array1d", "array2d" (the columns of a 2D array) or "list" (a list of series,
    each item "series" or "array1d", in ``item_forms``).
    """

    values: list[np.ndarray]
    clocks: list[Clock]
    form: str
    names: list = field(default_factory=list)
    item_forms: list[str] = field(default_factory=list)
    indexes: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values)


def _as_float(values, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ):
        raise TypeError(
            f"{name} must hold numbers; got values of dtype {arr.dtype}. Convert "
            "them (e.g. pd.to_numeric) first."
        )
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} holds complex numbers; a forecaster needs reals.")
    return arr.astype(np.float64)


def _check_finite(arr: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        where = np.argwhere(bad)[0]
        what = "NaN" if np.isnan(arr[tuple(where)]) else "infinite"
        raise ValueError(
            f"{name} holds a {what} value at row {int(where[0])} "
            f"({int(bad.sum())} such value(s) in all). A forecaster needs every "
            "observation: fill the gaps (e.g. y.interpolate()) or cut the series "
            "where they start."
        )


def _is_series_like(item) -> bool:
    return _is_pandas(item, "Series") or (
        hasattr(item, "__len__") and not isinstance(item, (str, bytes))
    )


def read_target(y, name: str = "y", *, strict: bool = True) -> Panel:
    """``y`` as a :class:`Panel` (validated: numbers, finite, not empty).
    ``strict``: see :meth:`Clock.of`."""
    if y is None:
        raise ValueError(f"{name} is required: the series to forecast.")
    if _is_pandas(y, "Series"):
        if len(y) == 0:
            raise ValueError(f"{name} is empty: a series needs observations.")
        values = _as_float(y.to_numpy(), name)
        _check_finite(values, name)
        clock = Clock.of(y.index, name, strict=strict)
        return Panel([values], [clock], "series", [y.name], indexes=[y.index])
    if _is_pandas(y, "DataFrame"):
        if y.shape[1] == 0:
            raise ValueError(f"{name} is a DataFrame without columns.")
        clock = Clock.of(y.index, name, strict=strict)
        values = []
        for column in y.columns:
            col = _as_float(y[column].to_numpy(), f"{name}[{column!r}]")
            _check_finite(col, f"{name}[{column!r}]")
            values.append(col)
        return Panel(
            values, [clock] * len(values), "frame", list(y.columns), indexes=[y.index]
        )
    if isinstance(y, (list, tuple)) and len(y) and _is_series_like(y[0]):
        values, clocks, names, forms, indexes = [], [], [], [], []
        for i, item in enumerate(y):
            part = read_target(item, f"{name}[{i}]", strict=strict)
            if part.form not in ("series", "array1d"):
                raise ValueError(
                    f"{name}[{i}] must be one series (a pandas Series or a 1D "
                    f"array); got {part.form.replace('array2d', 'a 2D array')}."
                )
            values += part.values
            clocks += part.clocks
            names.append(part.names[0] if part.names else i)
            forms.append(part.form)
            indexes.append(part.indexes[0] if part.indexes else None)
        return Panel(values, clocks, "list", names, forms, indexes)
    arr = _as_float(y, name)
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise ValueError(f"{name} is a 2D array without columns.")
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be one series (1D), several series of equal length as "
            f"the columns of a 2D array, or a list of series; got a {arr.ndim}D "
            "array."
        )
    if len(arr) == 0:
        raise ValueError(f"{name} is empty: a series needs observations.")
    _check_finite(arr, name)
    if arr.ndim == 1:
        return Panel([arr], [Clock("position", len(arr) - 1)], "array1d")
    return Panel(
        list(arr.T.copy()),
        [Clock("position", len(arr) - 1)] * arr.shape[1],
        "array2d",
    )


def read_covariates(X, panel: Panel, name: str, *, width: int | None = None):
    """Covariates ``X`` of ``panel``'s series: one ``(T_i, k)`` float64 array per
    series, aligned row for row (pandas rows by index label), or None.

    ``X`` is a DataFrame or 2D array (one column per covariate; shared by the
    columns of a 2D target), or a list of them for a list of series. ``width``:
    the number of columns the fit saw.
    """
    if X is None:
        return None
    if panel.form == "list":
        if not isinstance(X, (list, tuple)) or len(X) != len(panel):
            raise ValueError(
                f"y is a list of {len(panel)} series, so {name} must be a list of "
                f"{len(panel)} covariate tables (one per series); got "
                f"{type(X).__name__}"
                + (f" of {len(X)}" if isinstance(X, (list, tuple)) else "")
                + "."
            )
        return [
            covariate_rows(item, len(v), panel.indexes[i], f"{name}[{i}]", width=width)
            for i, (item, v) in enumerate(zip(X, panel.values, strict=True))
        ]
    index = panel.indexes[0] if panel.indexes else None
    block = covariate_rows(X, len(panel.values[0]), index, name, width=width)
    return [block] * len(panel)


def covariate_rows(
    X, n_rows: int, index, name: str, *, width=None, rows_are="observation of y"
) -> np.ndarray:
    """``X`` as ``(n_rows, k)`` float64: the rows at ``index``'s labels (pandas
    ``X`` and ``index``), else exactly ``n_rows`` rows (one per ``rows_are``)."""
    pd = _pandas() if _is_pandas(X, "Series") or _is_pandas(X, "DataFrame") else None
    if pd is not None and isinstance(X, pd.Series):
        X = X.to_frame()
    if pd is not None and index is not None:
        missing = index.difference(X.index)
        if len(missing):
            raise ValueError(
                f"{name} has no rows for {len(missing)} of the {len(index)} dates "
                f"it must cover (first: {missing[0]}). Covariates must hold a row "
                "for every observation of y, and future-known ones (X) a row for "
                "every forecast step."
            )
        X = X.loc[index]
    if pd is not None:
        for column, dtype in X.dtypes.items():
            if not (
                pd.api.types.is_numeric_dtype(dtype)
                or pd.api.types.is_bool_dtype(dtype)
            ):
                raise TypeError(
                    f"{name}[{column!r}] has dtype {dtype}; covariates must be "
                    "numbers (encode categories, e.g. with pd.get_dummies)."
                )
        X = X.to_numpy()
    arr = _as_float(X, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2D table (one column per covariate); got a "
            f"{arr.ndim}D array."
        )
    if len(arr) != n_rows:
        raise ValueError(
            f"{name} has {len(arr)} rows, but {n_rows} are needed (one per "
            f"{rows_are}); align it with y."
        )
    if width is not None and arr.shape[1] != width:
        raise ValueError(
            f"{name} has {arr.shape[1]} columns, but the forecaster was fitted "
            f"with {width}."
        )
    _check_finite(arr, name)
    return arr


def window_scale(history: np.ndarray) -> float:
    """The scale of a window's errors in the loss: the mean absolute change from
    one step to the next (the in-sample error of the naive forecast, as in the
    MASE), else the mean absolute value, else 1."""
    if len(history) >= 2:
        mad = float(np.mean(np.abs(np.diff(history))))
        if mad > 0:
            return mad
    level = float(np.mean(np.abs(history))) if len(history) else 0.0
    return level if level > 0 else 1.0


def windows(
    series: list[np.ndarray],
    origins: list[np.ndarray],
    *,
    window: int,
    horizon: int,
    n_future: int = 0,
    ends: list[int] | None = None,
    future_rows: list[np.ndarray] | None = None,
) -> tuple[Sequences, np.ndarray]:
    """The network's sequences and targets of forecast origins.

    ``series`` holds one ``(T_i, 1 + n_covariates)`` block per series (the
    target, past, then ``n_future`` future-known covariates); ``origins[i]`` the
    positions ``t`` whose forecast is wanted (history ``[t - window, t)``, clipped
    at 0; targets ``t`` to ``t + horizon - 1``). A target at or beyond
    ``ends[i]`` (default ``T_i``) is NaN (unknown). The horizon's known
    covariates are the series' own rows, the last one repeated beyond its end,
    or, with ``future_rows[i]`` ``(horizon, n_future)``, those (for a forecast
    from the end).

    Returns the :class:`Sequences` and ``(n, horizon, 3)`` float32 targets: each
    step's (window's last value, window's scale, true value).
    """
    n = sum(len(o) for o in origins)
    channels = series[0].shape[1]
    values = np.zeros((n, window + horizon, channels), dtype=np.float32)
    lengths = np.empty(n, dtype=np.int64)
    targets = np.full((n, horizon, 3), np.nan, dtype=np.float32)
    row = 0
    for i, (block, cuts) in enumerate(zip(series, origins, strict=True)):
        end = len(block) if ends is None else ends[i]
        for t in np.asarray(cuts, dtype=np.int64):
            start = max(0, t - window)
            h = t - start
            values[row, :h] = block[start:t]
            if n_future and future_rows is not None:
                values[row, h : h + horizon, channels - n_future :] = future_rows[i]
            elif n_future:
                rows = np.minimum(np.arange(t, t + horizon), len(block) - 1)
                values[row, h : h + horizon, channels - n_future :] = block[
                    rows, channels - n_future :
                ]
            lengths[row] = h + horizon
            history = block[start:t, 0]
            targets[row, :, 0] = history[-1]
            targets[row, :, 1] = window_scale(history)
            stop = min(t + horizon, end)
            targets[row, : max(stop - t, 0), 2] = block[t:stop, 0]
            row += 1
    return Sequences(values, lengths, "numeric"), targets


def forecast_steps(fh, cutoff_index=None) -> np.ndarray:
    """``fh`` as increasing, distinct steps ahead (1 is the next observation): an
    int ``h`` (steps 1 to ``h``), a sequence of ints, or an sktime
    ``ForecastingHorizon`` (relative, or absolute given the cutoff)."""
    if hasattr(fh, "is_relative") and hasattr(fh, "to_relative"):
        if not fh.is_relative:
            if cutoff_index is None:
                raise ValueError(
                    "An absolute ForecastingHorizon needs the forecaster's cutoff; "
                    "pass a relative one (is_relative=True) or steps ahead."
                )
            fh = fh.to_relative(cutoff_index)
        fh = np.asarray(fh.to_pandas())
    if isinstance(fh, bool):
        raise TypeError("fh must be a number of steps or a list of steps; got a bool.")
    if isinstance(fh, Integral):
        if fh < 1:
            raise ValueError(
                f"fh={fh}: the horizon must be at least 1 step ahead (in-sample "
                "forecasts are not supported)."
            )
        return np.arange(1, int(fh) + 1)
    try:
        steps = np.asarray(fh)
    except (TypeError, ValueError):  # e.g. a ragged list
        steps = np.asarray([], dtype=object)
    if steps.ndim != 1 or len(steps) == 0 or not np.issubdtype(steps.dtype, np.integer):
        raise TypeError(
            "fh must be a positive int (steps 1 to fh), a non-empty list of positive "
            f"ints, or an sktime ForecastingHorizon; got {fh!r}."
        )
    if (steps < 1).any():
        raise ValueError(
            f"fh holds {int(steps[steps < 1][0])}: every step must be at least 1 "
            "(in-sample forecasts are not supported)."
        )
    if len(np.unique(steps)) != len(steps):
        raise ValueError(f"fh holds repeated steps: {steps.tolist()}.")
    return np.sort(steps.astype(np.int64))


def _columns(pd, names, levels, kind):
    """The MultiIndex columns of quantiles ``(name, alpha)`` or intervals
    ``(name, coverage, "lower"/"upper")`` (sktime's layout)."""
    # sktime's name of an unnamed series' column is 0.
    names = [0 if name is None else name for name in names]
    if kind == "quantiles":
        tuples = [(name, a) for name in names for a in levels]
    else:
        tuples = [
            (name, c, b) for name in names for c in levels for b in ("lower", "upper")
        ]
    return pd.MultiIndex.from_tuples(tuples)


def format_forecast(
    panel: Panel,
    results: list[np.ndarray],
    steps: np.ndarray,
    kind: str = "point",
    levels=None,
    scalar: bool = False,
):
    """Forecasts in the container of the target they were made for.

    ``results[i]`` is series ``i``'s ``(len(steps),)`` point forecast, its
    ``(len(steps), n_alpha)`` quantiles (``kind="quantiles"``, ``levels`` the
    alphas) or its ``(len(steps), n_coverage, 2)`` intervals (``kind="interval"``,
    ``levels`` the coverages). pandas targets get pandas results indexed by the
    forecast's dates (quantiles and intervals with sktime's column layout); arrays
    get arrays: a 2D target's series along axis 1, and the intervals of one
    coverage (``scalar``) without the coverage axis; a list, one result per series.
    """
    if panel.form == "list":
        out = []
        for i, form in enumerate(panel.item_forms):
            item = Panel(
                [panel.values[i]] if panel.values else [],
                [panel.clocks[i]],
                form,
                [panel.names[i]],
            )
            out.append(format_forecast(item, [results[i]], steps, kind, levels, scalar))
        return out
    if panel.form in ("array1d", "array2d"):
        stacked = np.stack(results, axis=1)  # (len(steps), n_series, ...)
        if kind == "interval" and scalar:
            stacked = stacked[:, :, 0]
        return stacked[:, 0] if panel.form == "array1d" else stacked
    pd = _pandas()
    index = panel.clocks[0].labels(steps)
    if kind == "point":
        if panel.form == "series":
            return pd.Series(results[0], index=index, name=panel.names[0])
        return pd.DataFrame(
            np.stack(results, axis=1), index=index, columns=list(panel.names)
        )
    flat = np.concatenate([r.reshape(len(steps), -1) for r in results], axis=1)
    return pd.DataFrame(
        flat, index=index, columns=_columns(pd, panel.names, list(levels), kind)
    )


def quantiles_at(forecast: np.ndarray, levels: np.ndarray, alphas) -> np.ndarray:
    """The quantiles ``alphas`` of forecasts ``(..., Q)`` made at ``levels``: the
    learned ones, or linear interpolation between the two around an alpha."""
    alphas = np.asarray(alphas, dtype=np.float64)
    lo, hi = float(levels[0]), float(levels[-1])
    outside = (alphas < lo - 1e-12) | (alphas > hi + 1e-12)
    if outside.any():
        raise ValueError(
            f"alpha={float(alphas[outside][0])} is outside the quantiles the "
            f"forecaster learned ({lo} to {hi}). Refit with quantiles that include "
            "it (the quantiles parameter)."
        )
    position = np.interp(alphas, levels, np.arange(len(levels)))
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(levels) - 1)
    share = position - below
    return forecast[..., below] * (1 - share) + forecast[..., above] * share
