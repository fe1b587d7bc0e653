"""The torch module: embedding or direct input -> recurrent layers -> pooling -> head.

It knows nothing of scikit-learn. Inputs are left-aligned padded batches with the true
length of each sequence; outputs never depend on the padding:

* the forward direction is causal, so its states at valid steps ignore what follows;
* the backward direction runs on each sequence's valid part reversed in place (padding
  stays at the end), then its outputs are put back in time order;
* pooling reads only valid steps (an empty sequence pools to zeros).

This keeps the fused cuDNN/oneDNN kernels on every path, which packing does not (on CPU
``pack_padded_sequence`` made training about 2.5x slower in our measurements).
"""

from __future__ import annotations

import torch
from torch import nn

CELLS = ("lstm", "gru", "rnn_tanh", "rnn_relu")
POOLINGS = ("last", "mean", "max")


def _make_rnn(cell: str, input_size: int, hidden_size: int, **kwargs) -> nn.RNNBase:
    if cell == "lstm":
        return nn.LSTM(input_size, hidden_size, batch_first=True, **kwargs)
    if cell == "gru":
        return nn.GRU(input_size, hidden_size, batch_first=True, **kwargs)
    nonlinearity = cell.removeprefix("rnn_")
    return nn.RNN(
        input_size, hidden_size, nonlinearity=nonlinearity, batch_first=True, **kwargs
    )


def reverse_valid_index(lengths: torch.Tensor, width: int) -> torch.Tensor:
    """Index that reverses each row's first ``lengths[i]`` steps and keeps the rest.

    Applying it twice gives the identity.
    """
    steps = torch.arange(width, device=lengths.device).unsqueeze(0)
    last = lengths.unsqueeze(1) - 1
    return torch.where(steps <= last, last - steps, steps)


def _gather_steps(h: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    return torch.gather(h, 1, index.unsqueeze(-1).expand_as(h))


class SequenceNetwork(nn.Module):
    """Recurrent network mapping padded sequences to one output vector each.

    Parameters
    ----------
    n_outputs : int
        Size of the output (classes or regression targets).
    n_channels : int
        Number of input channels for numeric input (ignored with an embedding).
    vocab_size : int or None
        Number of token ids (including 0 = padding, 1 = unknown); None for numeric
        input.
    embedding_dim : int
        Embedding size for token input.
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}
    hidden_size : int
    num_layers : int
    bidirectional : bool
    dropout : float
        Dropout applied to the outputs of every recurrent layer but the last.
    pooling : {"last", "mean", "max"}
        "last" takes the last valid state (forward) and the first step's state
        (backward direction).
    """

    def __init__(
        self,
        *,
        n_outputs: int,
        n_channels: int = 1,
        vocab_size: int | None = None,
        embedding_dim: int = 64,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        pooling: str = "last",
    ):
        super().__init__()
        if vocab_size is None:
            self.embedding = None
            input_size = n_channels
        else:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
            input_size = embedding_dim
        self.bidirectional = bidirectional
        self.pooling = pooling
        self.hidden_size = hidden_size
        if bidirectional:
            sizes = [input_size] + [2 * hidden_size] * (num_layers - 1)
            self.forward_layers = nn.ModuleList(
                _make_rnn(cell, size, hidden_size) for size in sizes
            )
            self.backward_layers = nn.ModuleList(
                _make_rnn(cell, size, hidden_size) for size in sizes
            )
            self.dropout = nn.Dropout(dropout)
        else:
            self.rnn = _make_rnn(
                cell,
                input_size,
                hidden_size,
                num_layers=num_layers,
                dropout=dropout if num_layers > 1 else 0.0,
            )
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), n_outputs)

    def forward(self, X: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        h = X if self.embedding is None else self.embedding(X)
        lengths = lengths.to(h.device)
        if self.bidirectional:
            index = reverse_valid_index(lengths, h.shape[1])
            for i, (fwd, bwd) in enumerate(
                zip(self.forward_layers, self.backward_layers, strict=True)
            ):
                if i:
                    h = self.dropout(h)
                out_fwd, _ = fwd(h)
                out_bwd, _ = bwd(_gather_steps(h, index))
                h = torch.cat([out_fwd, _gather_steps(out_bwd, index)], dim=-1)
        else:
            h, _ = self.rnn(h)
        return self.head(self._pool(h, lengths))

    def _pool(self, h: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        nonempty = (lengths > 0).unsqueeze(1)
        last = (lengths - 1).clamp(min=0)
        rows = torch.arange(h.shape[0], device=h.device)
        if self.pooling == "mean":
            # A running sum read at the last valid step: unlike ``sum(dim=1)``, whose
            # summation order depends on the padded width, this adds the valid steps
            # in the same order however much padding follows them.
            total = torch.cumsum(h, dim=1)[rows, last]
            mean = total / lengths.clamp(min=1).unsqueeze(1).to(h.dtype)
            return torch.where(nonempty, mean, 0.0)
        if self.pooling == "max":
            valid = (
                torch.arange(h.shape[1], device=h.device)[None, :] < lengths[:, None]
            )
            masked = h.masked_fill(~valid.unsqueeze(-1), float("-inf"))
            return torch.where(nonempty, masked.amax(dim=1), 0.0)
        forward_last = h[rows, last, : self.hidden_size]
        if self.bidirectional:
            pooled = torch.cat([forward_last, h[:, 0, self.hidden_size :]], dim=-1)
        else:
            pooled = forward_last
        return torch.where(nonempty, pooled, 0.0)
