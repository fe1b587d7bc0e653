"""The forecasting tasks of ``benchmarks/bench_forecasting.py``, all read offline.

Each loader returns a :class:`ForecastTask`: the whole series ``y`` (a pandas Series
with a PeriodIndex, or a list of them for a multi-series set fitted by one global
model), its covariates aligned row for row with ``y`` (``X_future``: known in the
future, e.g. a law in force; ``X_past``: observed only up to the forecast origin),
the seasonal period ``sp`` (the seasonal-naive baseline's lag and MASE's scaling
lag), the horizon ``horizon`` and the number of rolling origins ``n_origins``.

Sources
-------
* ``../shared/data/forecasting`` beside the repository (``SHARED``): Airline.csv,
  Lynx.csv, ShampooSales.csv (classic univariate series from the aeon/sktime
  wheels).
* the sktime wheel's data folder (``<site-packages>/sktime/datasets/data``, found
  without importing sktime): Uschange, seatbelts; and sktime's generated
  ``load_hierarchical_sales_toydata`` (synthetic).
* statsmodels' bundled data sets (``statsmodels.datasets``): co2, sunspots, elnino,
  macrodata.

Horizons follow the usual conventions: 12 months for monthly series (6 for the two
short or special ones, see their notes), 8 quarters for quarterly series and 10
years for annual ones; 3 non-overlapping test windows at the end of each series.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
FORECASTING = SHARED / "forecasting"


@dataclass(kw_only=True)
class ForecastTask:
    """One forecasting data set, framed for a rolling-origin backtest.

    ``y`` is a pandas Series or, for a multi-series set, a list of Series
    (possibly of different lengths); ``X_future`` / ``X_past`` are DataFrames
    aligned row for row with ``y`` (lists of DataFrames for a list), or None.
    """

    name: str
    y: pd.Series | list[pd.Series]
    X_future: pd.DataFrame | list[pd.DataFrame] | None = None
    X_past: pd.DataFrame | list[pd.DataFrame] | None = None
    sp: int
    horizon: int
    n_origins: int = 3
    note: str = ""

    @property
    def multi(self) -> bool:
        return isinstance(self.y, list)

    @property
    def series(self) -> list[pd.Series]:
        return self.y if self.multi else [self.y]

    def covariates(self, which: str) -> list[pd.DataFrame] | None:
        frames = self.X_future if which == "future" else self.X_past
        if frames is None:
            return None
        return frames if self.multi else [frames]

    def describe(self) -> str:
        lengths = sorted({len(s) for s in self.series})
        n = "/".join(str(n) for n in lengths)
        size = f"{len(self.series)} series x {n}" if self.multi else f"{n} points"
        covariates = []
        for which, label in (("future", "future-known"), ("past", "past")):
            frames = self.covariates(which)
            if frames is not None:
                covariates.append(f"{label}: {', '.join(frames[0].columns)}")
        return (
            f"{size}, sp={self.sp}, h={self.horizon}, origins={self.n_origins}, "
            f"covariates: {'; '.join(covariates) or 'none'}"
        )


class MissingData(FileNotFoundError):
    """A task's files are not where they are looked for."""


def _package_folder(package: str) -> Path | None:
    """The folder of an installed package, located without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _read_shared(name: str) -> pd.DataFrame:
    path = FORECASTING / name
    if not path.is_file():
        raise MissingData(
            f"{path} is missing: put the aeon/sktime copies of Airline.csv, "
            f"Lynx.csv and ShampooSales.csv in {FORECASTING} (the sktime wheel "
            "ships them under sktime/datasets/data/<Name>/<Name>.csv)."
        )
    return pd.read_csv(path)


def _read_sktime(*parts: str) -> pd.DataFrame:
    folder = _package_folder("sktime")
    if folder is None:
        raise MissingData("sktime is not installed (its wheel ships this data set)")
    path = folder.joinpath("datasets", "data", *parts)
    if not path.is_file():
        raise MissingData(f"{path} is missing from the sktime wheel")
    return pd.read_csv(path)


def _monthly(strings) -> pd.PeriodIndex:
    return pd.PeriodIndex(pd.to_datetime(pd.Series(strings)), freq="M")


# --------------------------------------------------------------------------------------
# ../shared/data/forecasting
# --------------------------------------------------------------------------------------


def load_airline() -> ForecastTask:
    frame = _read_shared("Airline.csv")
    y = pd.Series(
        frame["Passengers"].to_numpy(float),
        index=_monthly(frame["Date"]),
        name="Passengers",
    )
    return ForecastTask(
        name="airline",
        y=y,
        sp=12,
        horizon=12,
        n_origins=3,
        note="Box-Jenkins airline passengers (thousands), monthly 1949-1960; "
        "multiplicative seasonality; test 1958-1960, a year per origin.",
    )


def load_lynx() -> ForecastTask:
    frame = _read_shared("Lynx.csv")  # header ",0": the year, then the count
    year, count = frame.columns[:2]
    y = pd.Series(
        frame[count].to_numpy(float),
        index=pd.PeriodIndex(frame[year].astype(int), freq="Y"),
        name="Lynx",
    )
    return ForecastTask(
        name="lynx",
        y=y,
        sp=1,
        horizon=10,
        n_origins=3,
        note="Canadian lynx trappings, annual 1821-1934; the ~9.6-year cycle "
        "is not a whole period, so sp=1 (naive) for MASE and the baselines.",
    )


def load_shampoo() -> ForecastTask:
    frame = _read_shared("ShampooSales.csv")
    y = pd.Series(
        frame["Sales"].to_numpy(float), index=_monthly(frame["Time"]), name="Sales"
    )
    return ForecastTask(
        name="shampoo",
        y=y,
        sp=1,
        horizon=6,
        n_origins=3,
        note="Shampoo sales, monthly 1991-1993 (36 points): too short for a "
        "12-month season (the first origin trains on 18 months), so sp=1 and h=6.",
    )


# --------------------------------------------------------------------------------------
# The sktime wheel
# --------------------------------------------------------------------------------------


def load_uschange() -> ForecastTask:
    frame = _read_sktime("Uschange", "Uschange.csv")
    index = pd.PeriodIndex(
        [q.replace(" ", "") for q in frame["Quarter"]], freq="Q", name="Quarter"
    )
    y = pd.Series(frame["Consumption"].to_numpy(float), index=index)
    y.name = "Consumption"
    past = frame[["Income", "Production", "Savings", "Unemployment"]].astype(float)
    past.index = index
    return ForecastTask(
        name="uschange",
        y=y,
        X_past=past,
        sp=1,
        horizon=8,
        n_origins=3,
        note="US quarterly % changes 1970Q1-2016Q3 (fpp2 uschange), target "
        "Consumption, past covariates Income, Production, Savings, Unemployment; "
        "seasonally adjusted, so sp=1. Values cross zero: sMAPE is unstable here.",
    )


def load_seatbelts() -> ForecastTask:
    frame = _read_sktime("seatbelts", "seatbelts.csv")
    index = _monthly(frame.iloc[:, 0])
    y = pd.Series(frame["KSI"].to_numpy(float), index=index, name="KSI")
    # The file's "label" marks only the law's first month (1983-02); the law stays
    # in force afterwards, as R's Seatbelts "law" column says.
    start = int(np.flatnonzero(frame["label"].to_numpy() == 1)[0])
    law = (np.arange(len(frame)) >= start).astype(float)
    return ForecastTask(
        name="seatbelts",
        y=y,
        X_future=pd.DataFrame({"law": law}, index=index),
        sp=12,
        horizon=6,
        n_origins=3,
        note="UK car drivers killed or seriously injured (KSI, R's Seatbelts "
        "'drivers'), monthly 1969-1984; future-known covariate law (compulsory "
        "seat belts from 1983-02; the sktime copy has no PetrolPrice/kms). h=6 "
        "so that every origin's training holds months under the law (5, 11, 17).",
    )


def load_sales4() -> ForecastTask:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from sktime.datasets import load_hierarchical_sales_toydata
        except ImportError as error:
            raise MissingData(f"sktime is not importable: {error}") from error
        frame = load_hierarchical_sales_toydata()
    series = []
    for (line, group), part in frame.groupby(level=[0, 1], sort=True):
        values = part["Sales"].to_numpy(float)
        index = pd.PeriodIndex(part.index.get_level_values(-1), freq="M")
        series.append(pd.Series(values, index=index, name=f"{line}/{group}"))
    return ForecastTask(
        name="sales4",
        y=series,
        sp=12,
        horizon=6,
        n_origins=3,
        note="sktime's hierarchical sales toy data: 4 product groups x 60 months "
        "(2000-2004), SYNTHETIC (monthly sums of random daily values, no real "
        "season); a sanity check for one global model. h=6 as 60 points are few.",
    )


# --------------------------------------------------------------------------------------
# statsmodels' bundled data sets
# --------------------------------------------------------------------------------------


def _statsmodels_data(name: str) -> pd.DataFrame:
    try:
        import statsmodels.datasets as datasets
    except ImportError as error:
        raise MissingData(f"statsmodels is not importable: {error}") from error
    return getattr(datasets, name).load_pandas().data


def load_co2() -> ForecastTask:
    weekly = _statsmodels_data("co2")["co2"]
    monthly = weekly.resample("MS").mean().interpolate()
    y = pd.Series(
        monthly.to_numpy(float), index=monthly.index.to_period("M"), name="co2"
    )
    return ForecastTask(
        name="co2",
        y=y,
        sp=12,
        horizon=12,
        n_origins=3,
        note="Mauna Loa CO2 (ppm), weekly 1958-2001 averaged to months, gaps "
        "interpolated linearly; trend + stable season.",
    )


def load_sunspots() -> ForecastTask:
    frame = _statsmodels_data("sunspots")
    y = pd.Series(
        frame["SUNACTIVITY"].to_numpy(float),
        index=pd.PeriodIndex(frame["YEAR"].astype(int), freq="Y"),
        name="SUNACTIVITY",
    )
    return ForecastTask(
        name="sunspots",
        y=y,
        sp=1,
        horizon=10,
        n_origins=3,
        note="Yearly sunspot numbers 1700-2008; the ~11-year cycle varies "
        "(9-14 years), so sp=1 (naive) for MASE and the baselines. Has zeros: "
        "no multiplicative ETS, no log for ARIMA.",
    )


def load_elnino() -> ForecastTask:
    frame = _statsmodels_data("elnino")
    months = frame.columns[1:]
    values = frame[months].to_numpy(float).ravel()
    start = pd.Period(f"{int(frame['YEAR'].iloc[0])}-01", freq="M")
    index = pd.period_range(start, periods=len(values), freq="M")
    return ForecastTask(
        name="elnino",
        y=pd.Series(values, index=index, name="sst"),
        sp=12,
        horizon=12,
        n_origins=3,
        note="Nino 1+2 sea-surface temperature (deg C), monthly 1950-2010 (the "
        "year x month table read row by row).",
    )


MACRO_SERIES = (
    "realgdp",
    "realcons",
    "realinv",
    "realgovt",
    "realdpi",
    "cpi",
    "m1",
    "pop",
)


def load_macro() -> ForecastTask:
    frame = _statsmodels_data("macrodata")
    index = pd.PeriodIndex(
        [
            f"{int(y)}Q{int(q)}"
            for y, q in zip(frame["year"], frame["quarter"], strict=True)
        ],
        freq="Q",
    )
    series = [
        pd.Series(frame[name].to_numpy(float), index=index, name=name)
        for name in MACRO_SERIES
    ]
    return ForecastTask(
        name="macro",
        y=series,
        sp=4,
        horizon=8,
        n_origins=3,
        note="statsmodels macrodata, 8 positive US quarterly series 1959Q1-2009Q3 "
        f"({', '.join(MACRO_SERIES)}), one global model; seasonally adjusted, "
        "sp=4 as the M4 convention for quarterly data.",
    )


#: Task name -> loader, in the order the benchmark runs them.
TASKS: dict[str, Callable[[], ForecastTask]] = {
    "airline": load_airline,
    "lynx": load_lynx,
    "shampoo": load_shampoo,
    "uschange": load_uschange,
    "seatbelts": load_seatbelts,
    "sales4": load_sales4,
    "co2": load_co2,
    "sunspots": load_sunspots,
    "elnino": load_elnino,
    "macro": load_macro,
}
