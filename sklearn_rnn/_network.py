"""The torch modules: one encoder, and the pooled head that classifies or regresses.

:class:`SequenceEncoder` turns padded sequences into one output vector per step:

    token ids -> embedding                     numeric steps -> input scaling
                 └──────────────┬──────────────────────────────┘
                                ▼
              optional convolutional front end (strided, so long series shrink)
                                ▼
                   recurrent stack (RNN/LSTM/GRU, bidirectional, depth)

:class:`SequenceNetwork` pools the encoder's steps into one vector per sequence and
applies a linear head. Neither knows anything of scikit-learn.

Inputs are left-aligned padded batches with the true length of each sequence;
outputs never depend on the padding:

* input scaling reads only valid steps and zeroes the padded ones;
* each convolution is "same"-padded with zeros, so at a valid step it reads the zeros
  a sequence alone would be padded with, and its outputs beyond the (downsampled)
  length are zeroed before the next layer; layer normalisation works on each step's
  channels alone, so no statistic crosses steps or sequences (unlike batch
  normalisation, which would make a prediction depend on the rest of the batch);
* the forward direction of the recurrence is causal, so its states at valid steps
  ignore what follows;
* the backward direction runs on each sequence's valid part reversed in place
  (padding stays at the end), then its outputs are put back in time order;
* pooling reads only valid steps (an empty sequence pools to zeros).

This keeps the fused cuDNN/oneDNN kernels on every path, which packing does not (on CPU
``pack_padded_sequence`` made training about 2.5x slower in our measurements).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ._data import OOV_ID

CELLS = ("lstm", "gru", "rnn_tanh", "rnn_relu")
POOLINGS = ("last", "mean", "max", "mean_max", "attention")
INPUT_SCALINGS = ("both", "series", "dataset", "none")

#: A sequence whose channel varies by less than this (standard deviation) is centred
#: but not divided by its spread when scaled on its own ("series" scaling).
_SERIES_STD_FLOOR = 1e-6


def _make_rnn(cell: str, input_size: int, hidden_size: int, **kwargs) -> nn.RNNBase:
    """One recurrent layer, batch first. ``kwargs`` are torch's (e.g. ``device``)."""
    if cell == "lstm":
        return nn.LSTM(input_size, hidden_size, batch_first=True, **kwargs)
    if cell == "gru":
        return nn.GRU(input_size, hidden_size, batch_first=True, **kwargs)
    nonlinearity = cell.removeprefix("rnn_")
    return nn.RNN(
        input_size, hidden_size, nonlinearity=nonlinearity, batch_first=True, **kwargs
    )


def dropout(
    x: torch.Tensor, p: float, generator: torch.Generator | None
) -> torch.Tensor:
    """Inverted dropout whose mask is drawn from ``generator``.

    ``torch.nn.Dropout`` (and the dropout inside a multi-layer ``nn.LSTM``) draw from
    torch's process-wide generator, so two fits running in threads at once would
    take each other's random numbers. A generator owned by the fit makes its result
    independent of whatever else the process does.
    """
    if p == 0.0:
        return x
    keep = torch.empty_like(x).bernoulli_(1.0 - p, generator=generator)
    return x * keep / (1.0 - p)


#: The layers whose parameters :func:`initialize_parameters` draws.
_PARAMETRISED = (nn.RNNBase, nn.Linear, nn.Conv1d, nn.Embedding, nn.LayerNorm)
# (and AttentionPooling, defined below, for the parameter of its own)


def _uniform_(tensor: torch.Tensor, bound: float, generator: torch.Generator) -> None:
    tensor.copy_(torch.empty(tensor.shape).uniform_(-bound, bound, generator=generator))


def initialize_parameters(module: nn.Module, generator: torch.Generator) -> None:
    """Draw every parameter of ``module`` from ``generator`` (a CPU generator).

    Each layer gets PyTorch's own default initialisation (``reset_parameters``):
    recurrent weights and biases uniform in +-1/sqrt(hidden_size); linear and
    convolution weights and biases uniform in +-1/sqrt(fan_in) (what
    ``kaiming_uniform_(a=sqrt(5))`` gives); embeddings standard normal with a zero
    padding row; layer norms at 1 and 0; attention pooling's sharpness at
    :data:`ATTENTION_SHARPNESS` (no draw). Layers built on the ``meta`` device (no
    storage, no random numbers drawn) are given CPU storage first. The draws are on
    the CPU whatever the device, so a seed gives the same network on every device.
    """
    with torch.no_grad():
        for layer in module.modules():
            if not isinstance(layer, (*_PARAMETRISED, AttentionPooling)):
                continue
            if any(t.is_meta for t in layer.parameters(recurse=False)):
                layer.to_empty(device="cpu", recurse=False)
            if isinstance(layer, nn.RNNBase):
                for weight in layer.parameters(recurse=False):
                    _uniform_(weight, 1.0 / math.sqrt(layer.hidden_size), generator)
            elif isinstance(layer, (nn.Linear, nn.Conv1d)):
                bound = 1.0 / math.sqrt(layer.weight[0].numel())
                _uniform_(layer.weight, bound, generator)
                if layer.bias is not None:
                    _uniform_(layer.bias, bound, generator)
            elif isinstance(layer, nn.Embedding):
                weight = torch.empty(layer.weight.shape).normal_(generator=generator)
                if layer.padding_idx is not None:
                    weight[layer.padding_idx] = 0.0
                layer.weight.copy_(weight)
            elif isinstance(layer, AttentionPooling):  # its own sharpness
                layer.sharpness.fill_(ATTENTION_SHARPNESS)
            else:  # LayerNorm
                layer.weight.fill_(1.0)
                layer.bias.fill_(0.0)


def reverse_valid_index(lengths: torch.Tensor, width: int) -> torch.Tensor:
    """Index that reverses each row's first ``lengths[i]`` steps and keeps the rest.

    Applying it twice gives the identity.
    """
    steps = torch.arange(width, device=lengths.device).unsqueeze(0)
    last = lengths.unsqueeze(1) - 1
    return torch.where(steps <= last, last - steps, steps)


def valid_steps(lengths: torch.Tensor, width: int) -> torch.Tensor:
    """``(n, width, 1)`` boolean mask of the steps before each sequence's length."""
    steps = torch.arange(width, device=lengths.device)
    return (steps[None, :] < lengths[:, None]).unsqueeze(-1)


def sum_valid(h: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Sum of each sequence's valid steps, ``(n, width, d) -> (n, d)``.

    A running sum read at the last valid step: unlike ``sum(dim=1)``, whose summation
    order depends on the padded width, this adds the valid steps in the same order
    however much padding follows them. Empty sequences sum to zero.
    """
    rows = torch.arange(h.shape[0], device=h.device)
    total = torch.cumsum(h, dim=1)[rows, (lengths - 1).clamp(min=0)]
    return torch.where((lengths > 0).unsqueeze(1), total, 0.0)


def attention_over_steps(scores: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """The softmax of ``(n, ..., s)`` scores over each sequence's valid steps.

    Padding steps get weight 0 (they are masked before the softmax, so they never
    take any of it), and an empty sequence gets weight 0 everywhere, with no NaN in
    the values or the gradients (a softmax over nothing would be NaN: an empty
    sequence attends to its first step, then that is zeroed).
    """
    n, s = scores.shape[0], scores.shape[-1]
    middle = [1] * (scores.ndim - 2)
    steps = torch.arange(s, device=scores.device)
    valid = (steps[None, :] < lengths.clamp(min=1)[:, None]).view(n, *middle, s)
    nonempty = (lengths > 0).view(n, *middle, 1)
    weights = torch.softmax(scores.masked_fill(~valid, float("-inf")), dim=-1)
    return weights * nonempty


#: The initial sharpness of :class:`AttentionPooling`'s per-feature scores.
ATTENTION_SHARPNESS = 5.0


class AttentionPooling(nn.Module):
    """A learned weighted mean of the valid steps, feature by feature: attention
    pooling.

    Each feature ``f`` of the pooled vector is the weighted mean of that feature
    over the valid steps, with weights that are the softmax over the steps of the
    scores ``s[t, f] = g[f] * h[t, f] + (V tanh(W h[t] + b) + c)[f]``: the additive
    attention of Bahdanau et al. (2015) with a learned query (Yang et al. 2016),
    feature-wise ("multi-dimensional", Shen et al. 2018), plus a learned
    sharpness ``g`` on the feature itself. With ``g`` large and ``V`` zero the
    pooling is the maximum over the steps, with both zero it is the mean: it starts
    at ``g = ATTENTION_SHARPNESS``, near the max pooling that measured best on
    text, and learns where between (and which steps besides) to look. One weight
    per step, for display, is the mean of the features' weights. Padding is never
    attended (see :func:`attention_over_steps`).

    Measured on the 3,000 shared review sentences (10-fold, bidirectional GRU, 5
    epochs, ``benchmarks/bench_text_pooling.py``): 0.804 where max pooling
    reached 0.801; one scalar score per step (the same weight for every feature)
    had reached 0.790, and feature-wise scores without the sharpness term 0.795.

    Parameters
    ----------
    size : int
        Features of a step.
    device : str, optional
        Where the parameters are created.
    """

    def __init__(self, size: int, device=None):
        super().__init__()
        self.project = nn.Linear(size, size, device=device)
        self.score = nn.Linear(size, size, device=device)
        self.sharpness = nn.Parameter(
            torch.full((size,), ATTENTION_SHARPNESS, device=device)
        )

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # A network saved with one score per step (``score`` of one output, no
        # sharpness) loads as every feature given that score: it pools exactly as
        # it did.
        weight = state_dict.get(prefix + "score.weight")
        if (
            weight is not None
            and weight.shape[0] == 1
            and prefix + "sharpness" not in state_dict
        ):
            size = weight.shape[1]
            state_dict[prefix + "score.weight"] = weight.expand(size, size).clone()
            state_dict[prefix + "score.bias"] = weight.new_zeros(size)
            state_dict[prefix + "sharpness"] = weight.new_zeros(size)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(
        self, h: torch.Tensor, lengths: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(n, t, d)`` steps -> ``(n, d)`` pooled vectors and ``(n, t)`` weights
        (the mean over the features of each step's weights)."""
        scores = self.sharpness * h + self.score(torch.tanh(self.project(h)))
        weights = attention_over_steps(scores.transpose(1, 2), lengths)  # (n, d, t)
        # Summed as sum_valid does: the same order however much padding follows.
        pooled = sum_valid(weights.transpose(1, 2) * h, lengths)
        return pooled, weights.mean(dim=1)


def _gather_steps(h: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    return torch.gather(h, 1, index.unsqueeze(-1).expand_as(h))


class InputScaling(nn.Module):
    """Standardization of numeric input, channel by channel, inside the network.

    Parameters
    ----------
    mode : {"both", "series", "dataset", "none"}
        ``"dataset"``: subtract ``mean`` and divide by ``scale`` (statistics of the
        training set, fixed at fit). ``"series"``: z-normalise each sequence by the
        mean and standard deviation of its own valid steps (what the time-series
        archives do), which removes each series' offset and amplitude. ``"both"``:
        the two side by side, as ``2 * n_channels`` channels, so that neither the
        shape nor the level of a series is lost. ``"none"``: the values as they are.
    n_channels : int
    mean, scale : sequence of float, optional
        Per-channel training-set statistics for ``"dataset"`` and ``"both"``
        (default: 0 and 1).
    """

    def __init__(
        self,
        mode: str,
        n_channels: int,
        mean: Sequence[float] | None = None,
        scale: Sequence[float] | None = None,
    ):
        super().__init__()
        self.mode = mode
        mean = torch.zeros(n_channels) if mean is None else torch.tensor(mean)
        scale = torch.ones(n_channels) if scale is None else torch.tensor(scale)
        self.register_buffer("mean", mean.float())
        self.register_buffer("scale", scale.float())
        self.out_channels = 2 * n_channels if mode == "both" else n_channels

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        valid = valid_steps(lengths, x.shape[1])
        if self.mode == "none":
            return x.masked_fill(~valid, 0.0)
        parts = []
        if self.mode in ("series", "both"):
            parts.append(self._per_series(x, lengths, valid))
        if self.mode in ("dataset", "both"):
            parts.append((x - self.mean) / self.scale)
        out = parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)
        return out.masked_fill(~valid, 0.0)

    @staticmethod
    def _per_series(x, lengths, valid) -> torch.Tensor:
        n = lengths.clamp(min=1).unsqueeze(1).to(x.dtype)
        mean = sum_valid(x, lengths) / n
        centred = (x - mean.unsqueeze(1)).masked_fill(~valid, 0.0)
        std = torch.sqrt(sum_valid(centred * centred, lengths) / n)
        std = torch.where(std > _SERIES_STD_FLOOR, std, 1.0)
        return centred / std.unsqueeze(1)


class ConvFrontEnd(nn.Module):
    """Convolutional layers in front of the recurrence (as in LSTM-FCN and tsai's
    RNN-FCN models), each ``Conv1d -> LayerNorm over channels -> ReLU``.

    The first layer's ``stride`` downsamples: a sequence of ``t`` steps leaves it
    with ``ceil(t / stride)`` steps, so a long series reaches the recurrent layers
    short (fewer sequential steps to run, and the gradient crosses fewer of them).

    Parameters
    ----------
    in_channels : int
    filters : sequence of int
        Output channels of each layer.
    kernel_sizes : sequence of int
        Kernel width of each layer (as many as ``filters``).
    stride : int
        Stride of the first layer (the others have stride 1).
    device : str, optional
        Where the parameters are created (``"meta"``: without storage, for
        :func:`initialize_parameters` to fill).
    """

    def __init__(
        self,
        in_channels: int,
        filters: Sequence[int],
        kernel_sizes: Sequence[int],
        stride: int = 1,
        device: str | None = None,
    ):
        super().__init__()
        sizes = [in_channels, *filters]
        self.convs = nn.ModuleList(
            nn.Conv1d(c_in, c_out, k, stride=stride if i == 0 else 1, device=device)
            for i, (c_in, c_out, k) in enumerate(
                zip(sizes[:-1], sizes[1:], kernel_sizes, strict=True)
            )
        )
        self.norms = nn.ModuleList(nn.LayerNorm(c, device=device) for c in filters)
        self.out_channels = sizes[-1]

    def forward(self, h: torch.Tensor, lengths: torch.Tensor):
        """``(n, t, c)`` zero-padded steps -> ``(n, t', filters[-1])`` and lengths."""
        for conv, norm in zip(self.convs, self.norms, strict=True):
            (k,), (stride,) = conv.kernel_size, conv.stride
            left = (k - 1) // 2
            x = F.pad(h.transpose(1, 2), (left, k - 1 - left))
            h = torch.relu(norm(conv(x).transpose(1, 2)))
            lengths = torch.div(lengths + stride - 1, stride, rounding_mode="floor")
            h = h.masked_fill(~valid_steps(lengths, h.shape[1]), 0.0)
        return h, lengths


class CharEncoder(nn.Module):
    """Each word's characters to one vector: a bidirectional LSTM over them, its
    forward state after the last character joined to its backward state after the
    first (Plank, Søgaard & Goldberg 2016; Lample et al. 2016).

    A word's vector depends on its characters alone: the forward direction is
    causal, and the backward one reads each word's valid characters reversed in
    place, so the padding of the character block changes nothing.

    Parameters
    ----------
    n_chars : int
        Number of character ids (0 = padding, 1 = an unknown character).
    embedding_dim, hidden_size : int
        Size of the character embedding and of the LSTM's state (per direction);
        the output has ``2 * hidden_size`` features.
    device : str, optional
        Where the parameters are created.
    """

    def __init__(self, n_chars: int, embedding_dim: int, hidden_size: int, device=None):
        super().__init__()
        self.embedding = nn.Embedding(
            n_chars, embedding_dim, padding_idx=0, device=device
        )
        self.forward_rnn = _make_rnn("lstm", embedding_dim, hidden_size, device=device)
        self.backward_rnn = _make_rnn("lstm", embedding_dim, hidden_size, device=device)
        self.hidden_size = hidden_size
        self.output_size = 2 * hidden_size

    def forward(self, chars: torch.Tensor, char_lengths: torch.Tensor):
        """``(n_words, n_chars)`` ids and their lengths -> ``(n_words, 2 * hidden)``;
        an empty word gives zeros."""
        h = self.embedding(chars)
        out_fwd, _ = self.forward_rnn(h)
        index = reverse_valid_index(char_lengths, h.shape[1])
        out_bwd, _ = self.backward_rnn(_gather_steps(h, index))
        rows = torch.arange(h.shape[0], device=h.device)
        last = (char_lengths - 1).clamp(min=0)
        # The backward direction's last step (in reversed order) is at the same
        # position as the forward's: it has read the word from its end to its start.
        both = torch.cat([out_fwd[rows, last], out_bwd[rows, last]], dim=-1)
        return torch.where((char_lengths > 0).unsqueeze(1), both, 0.0)


class SequenceEncoder(nn.Module):
    """Padded sequences to one output vector per (possibly downsampled) step.

    Parameters
    ----------
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
    input_dropout : float
        Dropout applied to the input of the first recurrent layer (e.g. the
        embeddings) while training.
    input_scaling : {"both", "series", "dataset", "none"}
        Numeric input only; see :class:`InputScaling`.
    input_mean, input_scale : sequence of float or None
        The training-set statistics of ``input_scaling``.
    conv_filters, conv_kernel_sizes : sequence of int
        The convolutional front end (none when empty); see :class:`ConvFrontEnd`.
    conv_stride : int
        Stride of the front end's first layer.
    n_chars : int or None
        Token input made from words: the number of character ids of a
        :class:`CharEncoder` whose vector of each token is joined to its embedding
        (None: no character features).
    char_embedding_dim, char_hidden_size : int
        The :class:`CharEncoder`'s sizes.
    word_counts : sequence of float or None
        Token input: how often each id occurred in the training set, for
        ``word_dropout``.
    word_dropout : float
        While training, a token seen ``c`` times in the training set is read as
        the unknown id with probability ``word_dropout / (word_dropout + c)``
        (Kiperwasser & Goldberg 2016), so the embedding of the unknown id is
        trained on the rare words it stands in for. 0 disables it.
    device : str, optional
        Where the parameters are created (``"meta"``: without storage, for
        :func:`initialize_parameters` to fill).

    Attributes
    ----------
    generator : torch.Generator or None
        The generator dropout draws its masks from while training (set by the
        trainer for the duration of a fit; None: torch's global generator).
    """

    def __init__(
        self,
        *,
        n_channels: int = 1,
        vocab_size: int | None = None,
        embedding_dim: int = 64,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        input_dropout: float = 0.0,
        input_scaling: str = "none",
        input_mean: Sequence[float] | None = None,
        input_scale: Sequence[float] | None = None,
        conv_filters: Sequence[int] = (),
        conv_kernel_sizes: Sequence[int] = (),
        conv_stride: int = 1,
        n_chars: int | None = None,
        char_embedding_dim: int = 32,
        char_hidden_size: int = 32,
        word_counts: Sequence[float] | None = None,
        word_dropout: float = 0.0,
        freeze_embedding: bool = False,
        device: str | None = None,
    ):
        super().__init__()
        self.chars = None
        self.word_dropout = word_dropout
        if vocab_size is None:
            self.embedding = None
            self.scaling = InputScaling(
                input_scaling, n_channels, input_mean, input_scale
            )
            input_size = self.scaling.out_channels
        else:
            self.embedding = nn.Embedding(
                vocab_size, embedding_dim, padding_idx=0, device=device
            )
            # A frozen embedding (pretrained vectors kept as they are) is no
            # parameter of training: it gets no gradient and no optimizer step.
            self.embedding.weight.requires_grad_(not freeze_embedding)
            self.scaling = None
            input_size = embedding_dim
            if n_chars is not None:
                self.chars = CharEncoder(
                    n_chars, char_embedding_dim, char_hidden_size, device
                )
                input_size += self.chars.output_size
            if word_dropout > 0:
                counts = torch.zeros(vocab_size)
                if word_counts is not None:
                    counts = torch.tensor(word_counts, dtype=torch.float32)
                self.register_buffer("word_counts", counts)
        if conv_filters:
            self.front_end = ConvFrontEnd(
                input_size, conv_filters, conv_kernel_sizes, conv_stride, device
            )
            input_size = self.front_end.out_channels
        else:
            self.front_end = None
        self.bidirectional = bidirectional
        self.hidden_size = hidden_size
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.generator = None
        self.output_size = hidden_size * (2 if bidirectional else 1)
        # One module per layer and direction (not torch's multi-layer RNN, whose
        # inter-layer dropout draws from the global generator): the same fused
        # kernels, run layer by layer.
        sizes = [input_size] + [self.output_size] * (num_layers - 1)
        self.forward_layers = nn.ModuleList(
            _make_rnn(cell, size, hidden_size, device=device) for size in sizes
        )
        self.backward_layers = (
            nn.ModuleList(
                _make_rnn(cell, size, hidden_size, device=device) for size in sizes
            )
            if bidirectional
            else None
        )

    def forward(
        self,
        X: torch.Tensor,
        lengths: torch.Tensor,
        chars: torch.Tensor | None = None,
        char_lengths: torch.Tensor | None = None,
        char_index: torch.Tensor | None = None,
    ):
        """Return the last layer's outputs ``(n, t', output_size)`` and the lengths
        ``(n,)`` of the sequences they hold (shorter than the input's after a
        strided front end).

        With character features, ``chars`` and ``char_lengths`` are the distinct
        words of the batch (see :class:`CharEncoder`) and ``char_index`` ``(n, t)``
        the row of each token's word among them.
        """
        lengths = lengths.to(X.device)
        if self.embedding is not None:
            if self.training and self.word_dropout > 0:
                X = self._drop_words(X)
            h = self.embedding(X)
            if self.chars is not None:
                words = self.chars(chars, char_lengths)
                h = torch.cat([h, words[char_index]], dim=-1)
        else:
            h = self.scaling(X, lengths)
        if self.front_end is not None:
            h, lengths = self.front_end(h, lengths)
        if self.training:
            h = dropout(h, self.input_dropout, self.generator)
        index = reverse_valid_index(lengths, h.shape[1]) if self.bidirectional else None
        for i, forward_layer in enumerate(self.forward_layers):
            if i and self.training:
                h = dropout(h, self.dropout, self.generator)
            out, _ = forward_layer(h)
            if self.bidirectional:
                out_bwd, _ = self.backward_layers[i](_gather_steps(h, index))
                out = torch.cat([out, _gather_steps(out_bwd, index)], dim=-1)
            h = out
        return h, lengths

    def final_states(self, h: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """What each direction has read of the whole sequence, ``(n, output_size)``:
        the forward state at the last valid step and the backward state at the
        first (zeros for an empty sequence)."""
        rows = torch.arange(h.shape[0], device=h.device)
        last = (lengths - 1).clamp(min=0)
        states = h[rows, last, : self.hidden_size]
        if self.bidirectional:
            states = torch.cat([states, h[:, 0, self.hidden_size :]], dim=-1)
        return torch.where((lengths > 0).unsqueeze(1), states, 0.0)

    def _drop_words(self, X: torch.Tensor) -> torch.Tensor:
        """``X`` with each token replaced by the unknown id with probability
        ``word_dropout / (word_dropout + count)`` (padding stays padding)."""
        counts = self.word_counts[X]
        p = self.word_dropout / (self.word_dropout + counts)
        drop = torch.bernoulli(p, generator=self.generator).bool() & (X > OOV_ID)
        return torch.where(drop, OOV_ID, X)


class _EncoderNetwork(nn.Module):
    """An encoder with a head, its parameters drawn from a seeded generator.

    Subclasses build ``self.head`` in :meth:`build_head` from the encoder's output
    size. With a ``seed``, every layer is built without storage (no random
    numbers are drawn), then filled from a generator seeded with it (see
    :func:`initialize_parameters`) instead of torch's global generator, which the
    network then never touches: building it in one thread is unaffected by, and
    does not affect, random numbers drawn in others.
    """

    def __init__(self, *, n_outputs: int, seed: int | None = None, **encoder_kwargs):
        super().__init__()
        device = None if seed is None else "meta"
        self.encoder = SequenceEncoder(**encoder_kwargs, device=device)
        self.head = self.build_head(n_outputs, device)
        if seed is not None:
            initialize_parameters(self, torch.Generator().manual_seed(seed))

    def build_head(self, n_outputs: int, device) -> nn.Module:
        raise NotImplementedError


class StepNetwork(_EncoderNetwork):
    """The encoder with a linear head at every step: ``(n, t, n_outputs)``.

    Parameters
    ----------
    n_outputs : int
        Number of outputs per step (classes).
    head_dropout : float
        Dropout on the last recurrent layer's outputs before the head, while
        training (drawn from the encoder's generator).
    seed : int, optional
        See :class:`SequenceNetwork`.
    **encoder_kwargs
        The parameters of :class:`SequenceEncoder` (a strided front end would
        shorten the steps and is refused).
    """

    def __init__(
        self,
        *,
        n_outputs: int,
        head_dropout: float = 0.0,
        seed: int | None = None,
        **encoder_kwargs,
    ):
        if encoder_kwargs.get("conv_stride", 1) != 1:
            raise ValueError("A per-step head needs conv_stride=1.")
        self.head_dropout = head_dropout
        super().__init__(n_outputs=n_outputs, seed=seed, **encoder_kwargs)

    def build_head(self, n_outputs, device):
        return nn.Linear(self.encoder.output_size, n_outputs, device=device)

    def forward(self, X, lengths, **chars) -> torch.Tensor:
        h, _ = self.encoder(X, lengths, **chars)
        if self.training:
            h = dropout(h, self.head_dropout, self.encoder.generator)
        return self.head(h)


class SequenceNetwork(_EncoderNetwork):
    """The encoder, pooled to one vector per sequence, and a linear head.

    Parameters
    ----------
    n_outputs : int
        Size of the output (classes or regression targets).
    pooling : {"last", "mean", "max", "mean_max", "attention"}
        "last" takes the last valid state (forward) and the first step's state
        (backward direction); "mean_max" concatenates the mean and the maximum over
        the valid steps; "attention" is a learned weighted mean of the valid steps
        (:class:`AttentionPooling`).
    seed : int, optional
        Draw the initial parameters from a generator seeded with it (see
        :func:`initialize_parameters`) instead of torch's global generator, which the
        network then never touches: building it in one thread is unaffected by, and
        does not affect, random numbers drawn in others.
    **encoder_kwargs
        The parameters of :class:`SequenceEncoder`.
    """

    def __init__(
        self,
        *,
        n_outputs: int,
        pooling: str = "last",
        seed: int | None = None,
        **encoder_kwargs,
    ):
        self.pooling = pooling
        super().__init__(n_outputs=n_outputs, seed=seed, **encoder_kwargs)

    def build_head(self, n_outputs, device):
        size = self.encoder.output_size
        if self.pooling == "attention":
            self.attention = AttentionPooling(size, device=device)
        return nn.Linear(
            2 * size if self.pooling == "mean_max" else size, n_outputs, device=device
        )

    def forward(self, X: torch.Tensor, lengths: torch.Tensor, **chars) -> torch.Tensor:
        h, lengths = self.encoder(X, lengths, **chars)
        return self.head(self._pool(h, lengths))

    def attention_weights(
        self, X: torch.Tensor, lengths: torch.Tensor, **chars
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The attention pooling's ``(n, t')`` weights over the encoder's steps, and
        the encoder's lengths (``t'`` steps: fewer than the input's after a strided
        front end)."""
        h, lengths = self.encoder(X, lengths, **chars)
        return self.attention(h, lengths)[1], lengths

    def _pool(self, h: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        nonempty = (lengths > 0).unsqueeze(1)
        parts = []
        if self.pooling in ("mean", "mean_max"):
            mean = sum_valid(h, lengths) / lengths.clamp(min=1).unsqueeze(1).to(h.dtype)
            parts.append(mean)
        if self.pooling in ("max", "mean_max"):
            masked = h.masked_fill(~valid_steps(lengths, h.shape[1]), float("-inf"))
            parts.append(torch.where(nonempty, masked.amax(dim=1), 0.0))
        if self.pooling == "last":
            parts.append(self.encoder.final_states(h, lengths))
        if self.pooling == "attention":
            parts.append(self.attention(h, lengths)[0])
        return parts[0] if len(parts) == 1 else torch.cat(parts, dim=-1)
