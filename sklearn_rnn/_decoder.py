"""The sequence-to-sequence head: a recurrent decoder with attention, and decoding.

:class:`Seq2SeqNetwork` is the library's :class:`~sklearn_rnn._network.SequenceEncoder`
with a :class:`Decoder` as its head (the split of fairseq and OpenNMT-py)::

    input steps -> encoder -> memory (one vector per input step) ──┐
                      └─> final states -> bridge -> decoder state   │ attention
    previous output symbol -> embedding -> recurrent layers -> query ┘
                                         -> [query; context] -> tanh -> symbol logits

The decoder is Luong, Pham & Manning's (2015) global attention: the attention's
query is the top decoder layer's state at the current step, its context is joined to
that state by a ``tanh`` layer before the output layer. The score is additive
(Bahdanau, Cho & Bengio 2015: ``v' tanh(W q + U k)``) or multiplicative (Luong's
"general": ``q' W k``); with ``"none"`` the decoder reads the input only through
its initial state (Sutskever, Vinyals & Le 2014). Training feeds the true previous
symbol at every step (teacher forcing), so a whole target runs through each fused
recurrent layer at once; decoding runs the same layers one step at a time.

Attention never looks at padded input steps (their scores are masked before the
softmax), so padding changes no output. :func:`beam_search` decodes a batch with one
row per hypothesis; each sequence's hypotheses depend on that sequence alone.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._data import BOS_ID, EOS_ID, PAD_ID
from ._network import _EncoderNetwork, _make_rnn, attention_over_steps, dropout

ATTENTIONS = ("additive", "multiplicative", "none")

__all__ = [
    "ATTENTIONS",
    "Attention",
    "Decoder",
    "Seq2SeqNetwork",
    "StepRegressionLoss",
    "beam_search",
    "decode_steps",
]


class Attention(nn.Module):
    """Attention of decoder states over the encoder's steps (the memory).

    Parameters
    ----------
    kind : {"additive", "multiplicative"}
        ``"additive"``: ``score(q, k) = v' tanh(W q + U k)``; ``"multiplicative"``:
        ``score(q, k) = q' W k``.
    query_size, memory_size : int
        Features of a decoder state and of an encoder step.
    device : str, optional
        Where the parameters are created.
    """

    def __init__(self, kind: str, query_size: int, memory_size: int, device=None):
        super().__init__()
        self.kind = kind
        self.keys = nn.Linear(memory_size, query_size, bias=False, device=device)
        if kind == "additive":
            self.query = nn.Linear(query_size, query_size, device=device)
            self.v = nn.Linear(query_size, 1, bias=False, device=device)

    def forward(
        self,
        query: torch.Tensor,
        keys: torch.Tensor,
        memory: torch.Tensor,
        lengths: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """``(n, t, q)`` queries over ``(n, s, .)`` steps -> ``(n, t, memory_size)``
        contexts and ``(n, t, s)`` weights (zero on padding; all zero for an
        empty input). ``keys`` is ``self.keys(memory)``, computed once."""
        if self.kind == "additive":
            scores = self.v(
                torch.tanh(self.query(query).unsqueeze(2) + keys.unsqueeze(1))
            ).squeeze(-1)
        else:
            scores = query @ keys.transpose(1, 2)
        weights = attention_over_steps(scores, lengths)
        return weights @ memory, weights


class Decoder(nn.Module):
    """Recurrent layers over the previous output symbols, with attention.

    Parameters
    ----------
    n_symbols : int
        Output ids (padding, start and end symbols included); with
        ``numeric``, the channels of an output step plus its stop channel.
    embedding_dim : int
        Size of the output symbols' embedding (of the linear projection of the
        previous step, with ``numeric``).
    cell : {"lstm", "gru", "rnn_tanh", "rnn_relu"}
    hidden_size : int
        State size of each decoder layer.
    num_layers : int
    memory_size : int
        Features of an encoder step (and of the encoder's final states).
    attention : {"additive", "multiplicative", "none"}
    dropout : float
        Dropout on the embeddings, between layers and before the output layer.
    numeric : bool, default=False
        Numeric output steps instead of symbols: the decoder reads the previous
        step's values (and a start flag) through a linear layer, and its output
        is each step's values and a stop logit (see :class:`StepRegressionLoss`).
    n_inputs : int, optional
        With ``numeric``: the channels of an input step, when they are not the
        output's (a forecaster's decoder reads each forecast step's known
        covariates and outputs its quantiles). Default: ``n_symbols``.
    device : str, optional
        Where the parameters are created.
    """

    def __init__(
        self,
        *,
        n_symbols: int,
        embedding_dim: int,
        cell: str,
        hidden_size: int,
        num_layers: int,
        memory_size: int,
        attention: str,
        dropout: float,
        numeric: bool = False,
        n_inputs: int | None = None,
        device=None,
    ):
        super().__init__()
        if numeric:
            self.embedding = nn.Linear(
                n_symbols if n_inputs is None else n_inputs,
                embedding_dim,
                device=device,
            )
        else:
            self.embedding = nn.Embedding(
                n_symbols, embedding_dim, padding_idx=PAD_ID, device=device
            )
        self.bridge = nn.Linear(memory_size, num_layers * hidden_size, device=device)
        sizes = [embedding_dim] + [hidden_size] * (num_layers - 1)
        self.layers = nn.ModuleList(
            _make_rnn(cell, size, hidden_size, device=device) for size in sizes
        )
        if attention == "none":
            self.attention = self.combine = None
        else:
            self.attention = Attention(attention, hidden_size, memory_size, device)
            self.combine = nn.Linear(
                hidden_size + memory_size, hidden_size, device=device
            )
        self.output = nn.Linear(hidden_size, n_symbols, device=device)
        self.lstm = cell == "lstm"
        self.hidden_size = hidden_size
        self.dropout = dropout

    def initial_state(self, summary: torch.Tensor) -> list:
        """Each layer's first state from the encoder's final states ``(n, d)``."""
        h = torch.tanh(self.bridge(summary))
        states = []
        for i in range(len(self.layers)):
            h_i = h[:, i * self.hidden_size : (i + 1) * self.hidden_size]
            h_i = h_i.unsqueeze(0).contiguous()
            states.append((h_i, torch.zeros_like(h_i)) if self.lstm else h_i)
        return states

    def forward(
        self,
        inputs: torch.Tensor,
        state: list,
        memory: torch.Tensor,
        keys: torch.Tensor | None,
        lengths: torch.Tensor,
        generator: torch.Generator | None = None,
    ):
        """``(n, t)`` previous symbols (``(n, t, n_symbols)`` previous steps, when
        numeric) -> ``(n, t, n_symbols)`` outputs, the layers' states after the
        last step, and the ``(n, t, s)`` attention weights (None without
        attention)."""
        training = self.training
        h = self.embedding(inputs)
        new_state = []
        for i, layer in enumerate(self.layers):
            if training:
                h = dropout(h, self.dropout, generator)
            h, s = layer(h, state[i])
            new_state.append(s)
        weights = None
        if self.attention is not None:
            context, weights = self.attention(h, keys, memory, lengths)
            h = torch.tanh(self.combine(torch.cat([h, context], dim=-1)))
        if training:
            h = dropout(h, self.dropout, generator)
        return self.output(h), new_state, weights

    def keys(self, memory: torch.Tensor) -> torch.Tensor | None:
        return None if self.attention is None else self.attention.keys(memory)


def _reorder_state(state: list, index: torch.Tensor) -> list:
    """The decoder states of the rows ``index`` (hypotheses after a beam step)."""
    return [
        tuple(t[:, index] for t in s) if isinstance(s, tuple) else s[:, index]
        for s in state
    ]


class Seq2SeqNetwork(_EncoderNetwork):
    """The encoder with a :class:`Decoder` head: ``(n, t_out, n_outputs)`` logits.

    Parameters
    ----------
    n_outputs : int
        Output ids (padding, start and end symbols included).
    attention : {"additive", "multiplicative", "none"}, default="multiplicative"
    target_embedding_dim : int, default=64
        Size of the output symbols' embedding.
    decoder_dropout : float, default=0.0
        The decoder's dropout (see :class:`Decoder`).
    numeric_outputs : bool, default=False
        Numeric output steps: ``n_outputs`` is their channels plus one (the stop
        channel); see :class:`Decoder`.
    seed : int, optional
        See :class:`~sklearn_rnn._network.SequenceNetwork`.
    **encoder_kwargs
        The parameters of :class:`~sklearn_rnn._network.SequenceEncoder`; its
        ``cell`` and ``num_layers`` are the decoder's too, and the decoder's state
        is as wide as the encoder's output (both directions).
    """

    def __init__(
        self,
        *,
        n_outputs: int,
        attention: str = "multiplicative",
        target_embedding_dim: int = 64,
        decoder_dropout: float = 0.0,
        numeric_outputs: bool = False,
        seed: int | None = None,
        **encoder_kwargs,
    ):
        self.numeric_outputs = numeric_outputs
        self.attention = attention
        self.target_embedding_dim = target_embedding_dim
        self.decoder_dropout = decoder_dropout
        self.cell = encoder_kwargs.get("cell", "lstm")
        self.num_layers = encoder_kwargs.get("num_layers", 1)
        super().__init__(n_outputs=n_outputs, seed=seed, **encoder_kwargs)

    def build_head(self, n_outputs, device):
        size = self.encoder.output_size
        return Decoder(
            n_symbols=n_outputs,
            embedding_dim=self.target_embedding_dim,
            cell=self.cell,
            hidden_size=size,
            num_layers=self.num_layers,
            memory_size=size,
            attention=self.attention,
            dropout=self.decoder_dropout,
            numeric=self.numeric_outputs,
            device=device,
        )

    def encode(self, X, lengths, **chars):
        """The memory ``(n, s, d)``, its lengths, its attention keys and the
        decoder's initial state."""
        memory, lengths = self.encoder(X, lengths, **chars)
        state = self.head.initial_state(self.encoder.final_states(memory, lengths))
        return memory, lengths, self.head.keys(memory), state

    def forward(self, X, lengths, targets, **chars) -> torch.Tensor:
        """Teacher-forced logits: ``targets`` ``(n, t_out)`` is the decoder's input
        (the start symbol, then the true output shifted by one step)."""
        return self.teacher_forced(X, lengths, targets, **chars)[0]

    def teacher_forced(self, X, lengths, targets, **chars):
        """:meth:`forward`'s logits, the ``(n, t_out, s)`` attention weights
        (None without attention) and the memory's lengths ``(n,)``."""
        memory, lengths, keys, state = self.encode(X, lengths, **chars)
        logits, _, weights = self.head(
            targets, state, memory, keys, lengths, self.encoder.generator
        )
        return logits, weights, lengths


def _vocabulary_masks(vocab: int, device) -> tuple[torch.Tensor, ...]:
    """The masks of decoding, made once: the symbols never produced (start and
    padding), those other than the end symbol (forbidden at a hypothesis'
    limit), and the log-probabilities of an ended hypothesis (padding at no
    cost, nothing else)."""
    never = torch.zeros(vocab, dtype=torch.bool, device=device)
    never[[PAD_ID, BOS_ID]] = True
    not_eos = torch.arange(vocab, device=device) != EOS_ID
    pad_only = torch.full((1, vocab), float("-inf"), device=device)
    pad_only[0, PAD_ID] = 0.0
    return never, not_eos, pad_only


@torch.no_grad()
def beam_search(
    module: Seq2SeqNetwork,
    batch: dict,
    max_steps: torch.Tensor,
    beam_size: int,
    *,
    attention: bool = False,
) -> tuple[list[list[int]], list | None, torch.Tensor]:
    """Decode a batch: the most likely output of each sequence among ``beam_size``
    hypotheses kept at every step (1: greedy decoding).

    A hypothesis' score is the sum of its symbols' log-probabilities, the end
    symbol included. A hypothesis that has ended keeps its score and competes
    with the longer ones; a sequence's search stops when its best ended
    hypothesis scores at least as well as its best open one (an open one can
    only lose score). Sequence ``i`` ends at most after ``max_steps[i]`` symbols
    (its end symbol is then forced). The start and padding symbols are never
    produced. Every sequence's hypotheses are rows of their own, so a sequence's
    output does not depend on the rest of the batch.

    Returns
    -------
    outputs : list of list of int
        The output ids of each sequence, without the end symbol.
    weights : list of ndarray or None
        With ``attention``, each output's ``(len(output), input steps)`` weights
        (the end symbol's row left out).
    scores : Tensor of shape (n,)
        The log-probability of each output.
    """
    module.eval()
    memory, lengths, keys, state = module.encode(**batch)
    n, k = memory.shape[0], beam_size
    device = memory.device
    rows = torch.arange(n * k, device=device) // k  # the sequence of each row
    memory, lengths = memory[rows], lengths[rows]
    keys = None if keys is None else keys[rows]
    state = _reorder_state(state, rows)
    max_steps = max_steps.to(device)[rows]
    scores = torch.full((n, k), float("-inf"), device=device)
    scores[:, 0] = 0.0  # one hypothesis to start from: the start symbol
    symbols = torch.full((n * k, 1), BOS_ID, dtype=torch.long, device=device)
    ended = torch.zeros(n * k, dtype=torch.bool, device=device)
    tokens = torch.zeros((n * k, 0), dtype=torch.long, device=device)
    alignments = None  # (n * k, steps so far, input steps), with ``attention``
    decoder = module.head
    offsets = torch.arange(n, device=device)[:, None] * k
    masks = None
    n_steps = int(max_steps.max()) + 1 if n else 0
    for step in range(n_steps):
        logits, state, weights = decoder(symbols, state, memory, keys, lengths)
        logp = F.log_softmax(logits[:, 0].float(), dim=-1)
        vocab = logp.shape[1]
        if masks is None:
            masks = _vocabulary_masks(vocab, device)
        never, not_eos, pad_only = masks
        at_limit = (step >= max_steps).unsqueeze(1)
        logp = logp.masked_fill(never | (at_limit & not_eos), float("-inf"))
        logp = torch.where(ended.unsqueeze(1), pad_only, logp)
        total = (scores.reshape(-1, 1) + logp).reshape(n, k * vocab)
        scores, choice = total.topk(k, dim=1)
        parent = (offsets + choice // vocab).view(-1)
        symbols = (choice % vocab).view(-1, 1)
        state = _reorder_state(state, parent)
        tokens = torch.cat([tokens[parent], symbols], dim=1)
        if attention and weights is not None:
            step_weights = weights[parent]
            alignments = (
                step_weights
                if alignments is None
                else torch.cat([alignments[parent], step_weights], dim=1)
            )
        ended = ended[parent] | (symbols[:, 0] == EOS_ID)
        # Done: no open hypothesis can overtake the best ended one.
        row_scores = scores.view(-1)
        best_ended = torch.where(ended, row_scores, float("-inf")).view(n, k).amax(1)
        best_open = torch.where(ended, float("-inf"), row_scores).view(n, k).amax(1)
        if bool((best_ended >= best_open).all()):
            break
    # The best ended hypothesis (every sequence has one): an open one may tie with
    # it when the loop stops, but its output is unfinished.
    ended_scores = torch.where(ended.view(n, k), scores, float("-inf"))
    best_scores, best_beam = ended_scores.max(dim=1)
    best = (offsets[:, 0] + best_beam).cpu()
    chosen = tokens.cpu()[best].tolist()
    outputs = [ids[: ids.index(EOS_ID)] if EOS_ID in ids else ids for ids in chosen]
    all_weights = None
    if attention:
        input_lengths = lengths.cpu()[best].tolist()
        stacked = None if alignments is None else alignments.float().cpu()[best]
        all_weights = [
            torch.zeros(len(ids), 0).numpy()
            if stacked is None
            else stacked[i, : len(ids), : input_lengths[i]].numpy()
            for i, ids in enumerate(outputs)
        ]
    return outputs, all_weights, best_scores


class StepRegressionLoss(nn.Module):
    """The loss of numeric output steps, per step: the mean squared error of the
    values at the steps that hold values, plus the binary cross-entropy of the
    stop logit at every step (0 at the steps with values, 1 at the step after
    them); 0 at padding.

    ``(N, c + 1)`` outputs and targets, the last column the stop channel (see
    :func:`~sklearn_rnn._data.pad_numeric_targets`; NaN at padding). Only
    ``reduction="none"`` is supported: the trainer weighs and averages the
    steps itself.
    """

    def __init__(self, reduction: str = "none"):
        super().__init__()
        if reduction != "none":
            raise ValueError("StepRegressionLoss gives one loss per step only.")

    def forward(self, outputs: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        stop = target[:, -1]
        valid = ~torch.isnan(stop)
        values = (outputs[:, :-1] - target[:, :-1].nan_to_num()).pow(2).mean(dim=1)
        stop_loss = F.binary_cross_entropy_with_logits(
            outputs[:, -1], stop.nan_to_num(), reduction="none"
        )
        step_loss = torch.where(stop == 0, values, 0.0) + stop_loss
        return torch.where(valid, step_loss, 0.0)


@torch.no_grad()
def decode_steps(
    module: Seq2SeqNetwork,
    batch: dict,
    max_steps: torch.Tensor,
    *,
    exact: bool = False,
    attention: bool = False,
) -> tuple[list[torch.Tensor], list | None]:
    """Decode numeric output steps, each fed back as the next step's input,
    until the stop logit turns positive (probability above 1/2) or
    ``max_steps[i]`` steps; with ``exact``, exactly ``max_steps[i]`` steps.

    Returns each sequence's ``(length, c)`` values and, with ``attention``, its
    ``(length, input steps)`` attention weights. Every row is decoded on its
    own, so an output does not depend on the rest of the batch.
    """
    module.eval()
    memory, memory_lengths, keys, state = module.encode(**batch)
    n, device = memory.shape[0], memory.device
    width = module.head.output.out_features  # channels + the stop channel
    inputs = torch.zeros((n, 1, width), device=device)
    inputs[:, 0, -1] = 1.0  # the start step
    max_steps = max_steps.to(device)
    ended = torch.zeros(n, dtype=torch.bool, device=device)
    out_lengths = torch.zeros(n, dtype=torch.long, device=device)
    values, alignments = [], []
    for step in range(int(max_steps.max()) + 1 if n else 0):
        outputs, state, weights = module.head(
            inputs, state, memory, keys, memory_lengths
        )
        stop = step >= max_steps
        if not exact:
            stop |= outputs[:, 0, -1] > 0
        out_lengths = torch.where(stop & ~ended, step, out_lengths)
        ended |= stop
        if bool(ended.all()):
            break
        values.append(outputs[:, 0, :-1].float())
        if attention and weights is not None:
            alignments.append(weights[:, 0].float())
        inputs = torch.cat([outputs[:, :, :-1], torch.zeros_like(inputs[:, :, :1])], -1)
    stacked = torch.stack(values, 1).cpu() if values else torch.zeros((n, 0, width - 1))
    out_lengths = out_lengths.cpu().tolist()
    outputs = [stacked[i, :length] for i, length in enumerate(out_lengths)]
    all_weights = None
    if attention:
        mem = memory_lengths.cpu().tolist()
        aligned = torch.stack(alignments, 1).cpu() if alignments else None
        all_weights = [
            torch.zeros((0, mem[i]))
            if aligned is None
            else aligned[i, :length, : mem[i]]
            for i, length in enumerate(out_lengths)
        ]
    return outputs, all_weights
