"""The language-model head: the library's encoder with a next-symbol output layer.

:class:`LanguageModelNetwork` is :class:`~sklearn_rnn._network.SequenceEncoder` (an
embedding of symbol ids and a unidirectional recurrent stack) with a linear output
layer over the symbols at every step::

    symbol ids -> encoder.embedding -> encoder.forward_layers -> [projection] -> decoder
                                                                   (logits over symbols)

With ``tie_weights`` the decoder's weight *is* the embedding's (Press & Wolf 2017;
Inan, Khosravi & Socher 2017), through a linear projection when the recurrent state
is not as wide as the embedding.

The recurrent layers run with an explicit state: a window of a long stream starts
from the state the previous window ended with (truncated back-propagation through
time), and generation feeds one symbol at a time. The pass is the encoder's own
(embedding, dropout on its output, the layers with dropout between them), written
out so that the states go in and come out; :class:`SequenceEncoder` keeps its
standard form, which is what another estimator's encoder can be initialised from.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ._data import PAD_ID
from ._network import _EncoderNetwork, dropout

__all__ = ["LanguageModelHead", "LanguageModelNetwork", "detach_state"]


def detach_state(state: list | None) -> list | None:
    """The layers' states cut from the graph (a tuple ``(h, c)`` per LSTM layer)."""
    if state is None:
        return None
    return [
        tuple(s.detach() for s in layer) if isinstance(layer, tuple) else layer.detach()
        for layer in state
    ]


class LanguageModelHead(nn.Module):
    """Encoder steps to logits over the symbols, padding never predicted.

    Parameters
    ----------
    input_size : int
        Features of an encoder step.
    n_symbols : int
        Number of symbol ids, padding included (its logit is always -inf).
    projection_size : int or None
        Project the steps to this many features first (a linear layer without
        activation), e.g. to the embedding's width for tied weights.
    device : str, optional
        Where the parameters are created.
    """

    def __init__(
        self,
        input_size: int,
        n_symbols: int,
        projection_size: int | None = None,
        device=None,
    ):
        super().__init__()
        self.projection = None
        if projection_size is not None:
            self.projection = nn.Linear(input_size, projection_size, device=device)
            input_size = projection_size
        self.decoder = nn.Linear(input_size, n_symbols, device=device)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        if self.projection is not None:
            h = self.projection(h)
        logits = self.decoder(h)
        pad = torch.tensor([PAD_ID], device=logits.device)
        return logits.index_fill(-1, pad, float("-inf"))


class LanguageModelNetwork(_EncoderNetwork):
    """The encoder with a next-symbol output layer at every step: ``(n, t, V)``.

    Parameters
    ----------
    n_outputs : int
        Number of symbol ids (the embedding's rows and the output's width).
    tie_weights : bool, default=False
        Share one matrix between the embedding and the output layer; when
        ``hidden_size != embedding_dim``, a linear projection to
        ``embedding_dim`` comes before the output layer.
    output_dropout : float, default=0.0
        Dropout on the last recurrent layer's outputs, while training.
    seed : int, optional
        See :class:`~sklearn_rnn._network.SequenceNetwork`.
    **encoder_kwargs
        The parameters of :class:`~sklearn_rnn._network.SequenceEncoder`: token
        input (``vocab_size == n_outputs``), unidirectional, without a front end
        or character features.

    Attributes
    ----------
    stream_state : list or None
        While training on a stream, the layers' states after the last window
        (detached), which the next window starts from.
    """

    def __init__(
        self,
        *,
        n_outputs: int,
        tie_weights: bool = False,
        output_dropout: float = 0.0,
        seed: int | None = None,
        **encoder_kwargs,
    ):
        if encoder_kwargs.get("bidirectional") or encoder_kwargs.get("conv_filters"):
            raise ValueError(
                "A language model's encoder is causal: unidirectional, without a "
                "front end."
            )
        if encoder_kwargs.get("vocab_size") != n_outputs:
            raise ValueError("A language model predicts the symbols it reads.")
        self.tie_weights = tie_weights
        self.output_dropout = output_dropout
        super().__init__(n_outputs=n_outputs, seed=seed, **encoder_kwargs)
        self.stream_state = None
        if tie_weights:
            embedding = self.encoder.embedding
            # The embedding's standard normal entries, scaled so that the logits
            # h . e of the tied output layer start small (their variance is the
            # input's: a standard normal embedding would start them at
            # sqrt(embedding_dim) times that). The padding row stays zero.
            with torch.no_grad():
                if not embedding.weight.is_meta:
                    embedding.weight.mul_(1.0 / math.sqrt(embedding.embedding_dim))
            self.head.decoder.weight = embedding.weight

    def build_head(self, n_outputs, device):
        size = self.encoder.output_size
        width = self.encoder.embedding.embedding_dim
        projection = width if self.tie_weights and width != size else None
        return LanguageModelHead(size, n_outputs, projection, device)

    def run(
        self, X: torch.Tensor, state: list | None = None
    ) -> tuple[torch.Tensor, list]:
        """The last layer's outputs ``(n, t, hidden_size)`` for ids ``X`` ``(n, t)``
        read from ``state`` (None: zeros), and the layers' states after the last
        step.

        The same computation as ``self.encoder(X, lengths)`` (which starts from
        zeros): the forward direction is causal, so padding after a sequence
        changes none of its steps.
        """
        encoder = self.encoder
        training = self.training
        h = encoder.embedding(X)
        if training:
            h = dropout(h, encoder.input_dropout, encoder.generator)
        new_state = []
        for i, layer in enumerate(encoder.forward_layers):
            if i and training:
                h = dropout(h, encoder.dropout, encoder.generator)
            h, s = layer(h, None if state is None else state[i])
            new_state.append(s)
        return h, new_state

    def logits(self, h: torch.Tensor) -> torch.Tensor:
        """Logits over the symbols from the last layer's outputs."""
        if self.training:
            h = dropout(h, self.output_dropout, self.encoder.generator)
        return self.head(h)

    def forward(
        self,
        X: torch.Tensor,
        lengths: torch.Tensor,
        carry: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Next-symbol logits ``(n, t, n_outputs)`` at every step of ``X``.

        ``carry`` marks a window of a stream: False for its first window (the
        state starts from zeros), True for the next ones, which start from the
        state the previous window ended with (``stream_state``, kept detached).
        None: every sequence starts from zeros and no state is kept.
        """
        state = None
        if carry is not None and bool(carry.any()):
            state = self.stream_state
        h, new_state = self.run(X, state)
        if carry is not None:
            self.stream_state = detach_state(new_state)
        return self.logits(h)
