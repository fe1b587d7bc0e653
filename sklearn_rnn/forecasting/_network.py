"""The forecasting network: the library's encoder over a window of history, a
horizon head, and quantiles in the series' own units.

One sample is one forecast origin, laid out as one sequence of ``h + H`` steps (``h``
observed steps, then the ``H`` steps of the horizon) so that the library's batching,
padding and prediction code carry it unchanged::

    channels:   target | past covariates | future-known covariates
    h steps:    y_t    | p_t             | f_t            <- the encoder reads these
    H steps:    0      | 0               | f_{t+j}        <- the head reads these

    target -> reversible instance normalisation (per window: (y - mean) / std)
           -> encoder (recurrent stack) -> final states ──> head -> quantiles
    covariates -> the training set's standardisation ──┘       -> * std + mean

The head is "direct" (MQ-RNN's global/local split: one context vector per horizon
step from the encoder's summary, then a small network of that context and the step's
known covariates) or "recurrent" (the sequence-to-sequence
:class:`~sklearn_rnn._decoder.Decoder`, one step per horizon step, reading the step's
covariates and its position, optionally attending over the history). Both are
causal in the horizon: the output at step ``j`` never reads covariates of later
steps. The quantiles cannot cross: the middle one is an output, the others are
offsets from it by cumulative softplus.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._decoder import Decoder
from .._network import _EncoderNetwork, dropout

HEADS = ("direct", "recurrent")

#: A window whose standard deviation is below this share of its level (or of 1,
#: for a level of 0) is constant: it is scaled by its level instead.
_CONSTANT = 1e-6


def _buffer(values: Sequence[float] | None, n: int, fill: float) -> torch.Tensor:
    if values is None or n == 0:
        return torch.full((n,), fill, dtype=torch.float32)
    return torch.tensor(values, dtype=torch.float32)


def non_crossing(raw: torch.Tensor, anchor: int) -> torch.Tensor:
    """Raw head outputs ``(..., Q)`` to increasing quantiles: output ``anchor`` is
    the middle quantile, each other one is the previous one plus (above) or minus
    (below) the softplus of its output."""
    middle = raw[..., anchor : anchor + 1]
    above = F.softplus(raw[..., anchor + 1 :]).cumsum(-1)
    below = F.softplus(raw[..., :anchor]).flip(-1).cumsum(-1).flip(-1)
    return torch.cat([middle - below, middle, middle + above], dim=-1)


def window_statistics(
    target: torch.Tensor, valid: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each window's mean and standard deviation over its valid steps, ``(n, 1)``
    each (a constant window is scaled by its level; an empty one by 1)."""
    count = valid.sum(dim=1, keepdim=True).clamp(min=1)
    loc = (target * valid).sum(dim=1, keepdim=True) / count
    var = (((target - loc) * valid) ** 2).sum(dim=1, keepdim=True) / count
    std = var.sqrt()
    level = torch.where(loc.abs() > 0, loc.abs(), torch.ones_like(loc))
    return loc, torch.where(std > _CONSTANT * level, std, level)


def seasonal_naive_weights(window: int, horizon: int, period: int) -> torch.Tensor:
    """The ``(horizon, window)`` linear map from a right-aligned window to its
    seasonal naive forecast: step ``j`` (from 0) repeats the value one or more
    whole seasons before it; the last value (the naive forecast) when the window
    is shorter than a season."""
    weights = torch.zeros(horizon, window)
    for j in range(horizon):
        seasons = (j + period) // period  # ceil((j + 1) / period)
        at = window + j - period * seasons
        weights[j, at if at >= 0 else window - 1] = 1.0
    return weights


class ForecastNetwork(_EncoderNetwork):
    """The encoder over a window of history, with a multi-step quantile head.

    Parameters
    ----------
    n_outputs : int
        The number of quantiles.
    horizon : int
        ``H``, the steps forecast at once (the last ``H`` steps of each input
        sequence hold the horizon's known covariates).
    n_past, n_future : int
        Channels of past-observed and of future-known covariates (after the target
        channel, in that order).
    quantiles : sequence of float
        The quantile levels, increasing.
    window : int
        The history window's length: the linear skip reads its last ``window``
        (scaled) values.
    linear_skip : bool
        Add a linear autoregression of the scaled window to the middle quantile
        (LSTNet's highway, Lai et al. 2018), starting as the seasonal naive
        forecast, while the head's output layer starts at zero: training starts
        from the seasonal naive forecast and learns what it misses.
    seasonal_period : int
        The season of the skip's starting forecast (1: the naive forecast).
    head : {"direct", "recurrent"}
    attention : {"none", "additive", "multiplicative"}
        The recurrent head's attention over the history.
    instance_norm : bool
        Scale each window's target by its own mean and standard deviation, and
        the outputs back (reversible instance normalisation, Kim et al. 2022);
        else by ``target_mean`` and ``target_scale``.
    target_mean, target_scale : float
        The training set's target statistics (without ``instance_norm``).
    covariate_mean, covariate_scale : sequence of float or None
        The training set's statistics of the ``n_past + n_future`` covariates.
    head_dropout : float
        Dropout before the head's layers while training.
    seed : int, optional
        See :class:`~sklearn_rnn._network.SequenceNetwork`.
    **encoder_kwargs
        The parameters of :class:`~sklearn_rnn._network.SequenceEncoder`
        (``n_channels`` is ``1 + n_past + n_future``).
    """

    def __init__(
        self,
        *,
        n_outputs: int,
        horizon: int,
        n_past: int = 0,
        n_future: int = 0,
        quantiles: Sequence[float] = (0.5,),
        window: int = 1,
        linear_skip: bool = True,
        seasonal_period: int = 1,
        head: str = "direct",
        attention: str = "none",
        instance_norm: bool = True,
        target_mean: float = 0.0,
        target_scale: float = 1.0,
        covariate_mean: Sequence[float] | None = None,
        covariate_scale: Sequence[float] | None = None,
        head_dropout: float = 0.0,
        seed: int | None = None,
        **encoder_kwargs,
    ):
        self.horizon = horizon
        self.window = window
        self.linear_skip = linear_skip
        self.seasonal_period = seasonal_period
        self.n_past = n_past
        self.n_future = n_future
        self.head_kind = head
        self.attention_kind = attention
        self.instance_norm = instance_norm
        self.head_dropout = head_dropout
        self.cell = encoder_kwargs.get("cell", "lstm")
        self.num_layers = encoder_kwargs.get("num_layers", 1)
        levels = np.asarray(quantiles, dtype=float)
        self.anchor = int(np.argmin(np.abs(levels - 0.5)))
        super().__init__(n_outputs=n_outputs, seed=seed, **encoder_kwargs)
        n_cov = n_past + n_future
        self.register_buffer("target_stats", torch.tensor([target_mean, target_scale]))
        self.register_buffer("covariate_mean", _buffer(covariate_mean, n_cov, 0.0))
        self.register_buffer("covariate_scale", _buffer(covariate_scale, n_cov, 1.0))
        with torch.no_grad():
            output = self.head.output if head == "recurrent" else self.head["output"]
            output.weight.zero_()
            output.bias.zero_()
            if self.skip is not None:
                self.skip.weight.copy_(
                    seasonal_naive_weights(window, horizon, seasonal_period)
                )
                self.skip.bias.zero_()

    def build_head(self, n_outputs, device):
        size = self.encoder.output_size
        H, f = self.horizon, self.n_future
        self.skip = (
            nn.Linear(self.window, H, device=device) if self.linear_skip else None
        )
        if self.head_kind == "recurrent":
            return Decoder(
                n_symbols=n_outputs,
                embedding_dim=size,
                cell=self.cell,
                hidden_size=size,
                num_layers=self.num_layers,
                memory_size=size,
                attention=self.attention_kind,
                dropout=self.head_dropout,
                numeric=True,
                n_inputs=f + H,
                device=device,
            )
        return nn.ModuleDict(
            {
                "context": nn.Linear(size, H * size, device=device),
                "hidden": nn.Linear(size + f, size, device=device),
                "output": nn.Linear(size, n_outputs, device=device),
            }
        )

    def forward(self, X: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``(n, h + H, channels)`` windows -> ``(n, H, n_quantiles)`` forecasts."""
        H = self.horizon
        lengths = lengths.to(X.device)
        history = (lengths - H).clamp(min=0)
        n, width = X.shape[:2]
        steps = torch.arange(width, device=X.device)
        valid = (steps[None, :] < history[:, None]).to(X.dtype)
        target = X[..., 0]
        if self.instance_norm:
            loc, scale = window_statistics(target, valid)
        else:
            loc = self.target_stats[0].expand(n, 1)
            scale = self.target_stats[1].expand(n, 1)
        inputs = ((target - loc) / scale * valid).unsqueeze(-1)
        if X.shape[2] > 1:
            covariates = (X[..., 1:] - self.covariate_mean) / self.covariate_scale
            inputs = torch.cat([inputs, covariates * valid.unsqueeze(-1)], dim=-1)
        memory, history = self.encoder(inputs, history)
        summary = self.encoder.final_states(memory, history)
        # The horizon's known covariates: the H steps after each window's history.
        future = None
        if self.n_future:
            at = (history[:, None] + torch.arange(H, device=X.device)).clamp(
                max=width - 1
            )
            rows = torch.arange(n, device=X.device)[:, None]
            f0 = 1 + self.n_past
            future = (X[rows, at, f0:] - self.covariate_mean[self.n_past :]) / (
                self.covariate_scale[self.n_past :]
            )
        if self.training:
            summary = dropout(summary, self.head_dropout, self.encoder.generator)
        if self.head_kind == "recurrent":
            raw = self._recurrent(summary, memory, history, future)
        else:
            raw = self._direct(summary, future)
        if self.skip is not None:
            raw = raw.clone()
            raw[..., self.anchor] += self.skip(
                self._last_values(inputs[..., 0], history)
            )
        quantiles = non_crossing(raw, self.anchor)
        return quantiles * scale.unsqueeze(-1) + loc.unsqueeze(-1)

    def _last_values(self, scaled: torch.Tensor, history: torch.Tensor):
        """The last ``window`` scaled values of each history, right-aligned
        ``(n, window)``, zeros before a short history's start."""
        k = torch.arange(self.window, device=scaled.device)
        at = history[:, None] - self.window + k
        rows = torch.arange(len(scaled), device=scaled.device)[:, None]
        values = scaled[rows, at.clamp(min=0, max=scaled.shape[1] - 1)]
        return torch.where(at >= 0, values, 0.0)

    def _direct(self, summary, future):
        head, H = self.head, self.horizon
        context = torch.relu(head["context"](summary)).view(len(summary), H, -1)
        if future is not None:
            context = torch.cat([context, future], dim=-1)
        hidden = torch.relu(head["hidden"](context))
        if self.training:
            hidden = dropout(hidden, self.head_dropout, self.encoder.generator)
        return head["output"](hidden)

    def _recurrent(self, summary, memory, history, future):
        n, H = len(summary), self.horizon
        position = torch.eye(H, device=summary.device).expand(n, H, H)
        inputs = position if future is None else torch.cat([future, position], -1)
        state = self.head.initial_state(summary)
        raw, _, _ = self.head(
            inputs,
            state,
            memory,
            self.head.keys(memory),
            history,
            self.encoder.generator,
        )
        return raw


class PinballLoss(nn.Module):
    """Twice the pinball loss, averaged over the quantiles, of each forecast step,
    in units of its window's scale.

    ``forward(outputs, target)``: ``outputs`` ``(N, Q)`` quantiles, ``target``
    ``(N, 3)`` rows of (the window's last value, its scale, the true value), the
    value NaN where the step has no target (beyond the end of its series), whose
    loss is 0. Twice the pinball loss of the median is the absolute error, so the
    loss of a forecast that puts every quantile on the last value is the mean
    absolute scaled error of the naive forecast.

    Parameters
    ----------
    quantiles : sequence of float
        The levels of the ``Q`` outputs.
    reduction : {"none"}
        One loss per row.
    """

    def __init__(self, quantiles: Sequence[float], reduction: str = "none"):
        super().__init__()
        self.register_buffer("levels", torch.tensor(quantiles, dtype=torch.float32))

    def forward(self, outputs: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        value, scale = target[:, 2], target[:, 1]
        valid = value == value
        error = (torch.nan_to_num(value)[:, None] - outputs) / scale[:, None]
        levels = self.levels.to(outputs.dtype)
        loss = 2 * torch.maximum(levels * error, (levels - 1) * error).mean(dim=1)
        return torch.where(valid, loss, 0.0)


def pinball_numpy(outputs: np.ndarray, target: np.ndarray, levels) -> np.ndarray:
    """:class:`PinballLoss` in numpy, for rows whose value is not NaN."""
    levels = np.asarray(levels, dtype=np.float64)
    error = (target[:, 2:3] - outputs) / target[:, 1:2]
    return 2 * np.maximum(levels * error, (levels - 1) * error).mean(axis=1)
