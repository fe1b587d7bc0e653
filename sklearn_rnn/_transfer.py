"""Transfer: an estimator's encoder started from a fitted model's (``encoder_init``).

The language model (or any fitted estimator of text or token ids) has learned an
embedding of the symbols and a recurrent stack. :func:`pretrained_encoder` copies
them out of the source, with the embedding's rows re-indexed to the ids of the
estimator that starts from them; :meth:`PretrainedEncoder.load_into` writes them into
that estimator's newly built encoder; :class:`LayerFreezing` and :func:`lr_scales`
are the fine-tuning schedule of Howard & Ruder (2018, ULMFiT): the transferred layers
frozen, unfrozen one at a time from the top, and each learning at a lower rate than
the layer above it.

Depth counts the transferred layers from the top: the last recurrent layer is at
depth 1, the first at ``num_layers``, the embedding at ``num_layers + 1``. What the
source did not have (the head, attention, character features, a backward direction
the source lacked) is new and trains from the first step at the full learning rate.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback
from torch import nn

from ._data import OOV_ID, PAD_ID
from ._warnings import warn

#: The settings of the encoder that come from the source.
ARCHITECTURE = ("cell", "hidden_size", "num_layers", "embedding_dim")

#: Below this share of the estimator's words found in the source's vocabulary, a
#: warning says the two were probably not tokenised alike.
_LOW_COVERAGE = 0.5


def _cell(layer: nn.RNNBase) -> str:
    """The library's name of a torch recurrent layer's cell."""
    if isinstance(layer, nn.LSTM):
        return "lstm"
    if isinstance(layer, nn.GRU):
        return "gru"
    return f"rnn_{layer.nonlinearity}"


def _layer_state(layer: nn.RNNBase) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy().copy() for k, v in layer.state_dict().items()}


@dataclass
class PretrainedEncoder:
    """The weights of a fitted encoder, to start another estimator's from.

    Parameters
    ----------
    embedding : ndarray of shape (n_ids, embedding_dim)
        The token embedding, row ``i`` the vector of the target's id ``i``.
    cell : str
        The recurrent cell.
    hidden_size, num_layers : int
        The recurrent stack's sizes.
    forward, backward : list of dict
        Each layer's torch state (numpy arrays), per direction; ``backward`` is
        None for a unidirectional source.
    """

    embedding: np.ndarray
    cell: str
    hidden_size: int
    num_layers: int
    forward: list[dict[str, np.ndarray]]
    backward: list[dict[str, np.ndarray]] | None

    @property
    def architecture(self) -> dict:
        """The estimator settings the encoder must be built with."""
        return {
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "embedding_dim": int(self.embedding.shape[1]),
        }

    def depths(self, bidirectional: bool, chars: bool = False) -> dict[str, int]:
        """``parameter name -> depth`` of every transferred parameter of a network
        whose encoder is ``module.encoder`` (names as ``named_parameters`` gives
        them), for an encoder ``bidirectional`` or not, with character features
        (``chars``) or not.

        The input weights of a layer that also reads what the source did not
        have (character features beside the embedding; a new backward direction
        beside the forward one) hold new columns: they count as new, so that
        freezing or a lower learning rate never holds those columns back.
        """
        out = {"encoder.embedding.weight": self.num_layers + 1}
        directions = ["forward_layers"]
        if bidirectional and self.backward is not None:
            directions.append("backward_layers")
        new_backward = bidirectional and self.backward is None
        for direction in directions:
            for i, state in enumerate(self.forward):
                for key in state:
                    mixed = key.startswith("weight_ih") and (
                        (i == 0 and chars) or (i > 0 and new_backward)
                    )
                    if not mixed:
                        out[f"encoder.{direction}.{i}.{key}"] = self.num_layers - i
        return out

    def load_into(self, encoder: nn.Module) -> None:
        """Write the weights into a newly built ``SequenceEncoder``.

        Each layer's input weights are copied block by block: the embedding's
        columns of the first layer (not those of character features), the forward
        and (when the source had it) backward halves of a later layer's input. The
        columns the source had no weights for are set to zero, so that the new
        encoder's forward direction starts out computing what the source's did.
        """
        with torch.no_grad():
            weight = encoder.embedding.weight
            weight.copy_(torch.as_tensor(self.embedding, dtype=weight.dtype))
            directions = [("forward_layers", self.forward)]
            if encoder.backward_layers is not None and self.backward is not None:
                directions.append(("backward_layers", self.backward))
            for name, states in directions:
                for i, (layer, state) in enumerate(
                    zip(getattr(encoder, name), states, strict=True)
                ):
                    self._load_layer(layer, state, i, encoder)

    def _load_layer(self, layer: nn.RNNBase, state: dict, index: int, encoder) -> None:
        dim = self.embedding.shape[1]
        h = self.hidden_size
        if index == 0:
            blocks = [(0, 0, dim)]  # (target column, source column, width)
        else:
            blocks = [(0, 0, h)]
            if encoder.backward_layers is not None and self.backward is not None:
                blocks.append((h, h, h))
        for key, target in layer.named_parameters():
            source = torch.as_tensor(state[key], dtype=target.dtype)
            if not key.startswith("weight_ih"):
                target.copy_(source)
                continue
            target.zero_()
            for to, start, width in blocks:
                target[:, to : to + width] = source[:, start : start + width]


def unwrap(source):
    """``source`` as the fitted estimator it is or wraps (a ``FrozenEstimator``)."""
    if isinstance(source, FrozenEstimator):
        return source.estimator
    return source


def check_architecture(estimator, wanted: dict) -> dict:
    """``wanted`` (the source's encoder settings), checked against the
    estimator's: each of :data:`ARCHITECTURE` must be left at its default or set
    to the source's."""
    signature = inspect.signature(type(estimator).__init__).parameters
    conflicts = [
        f"{name}={getattr(estimator, name)!r} (the source's: {wanted[name]!r})"
        for name in ARCHITECTURE
        if getattr(estimator, name) != wanted[name]
        and getattr(estimator, name) != signature[name].default
    ]
    if conflicts:
        raise ValueError(
            "encoder_init gives the encoder its cell, hidden_size, num_layers and "
            f"embedding_dim, but {', '.join(conflicts)} differ. Leave them at their "
            "defaults or set them to the source's."
        )
    return wanted


def pretrained_encoder(estimator, encoder_init) -> PretrainedEncoder:
    """The encoder of ``encoder_init`` (a fitted estimator), its embedding re-indexed
    to ``estimator``'s ids (fitted on the data just read: ``vocabulary_`` for
    words and symbols it numbered itself, else its token ids are the source's)."""
    source = unwrap(encoder_init)
    encoder = _source_encoder(source)
    table = encoder.embedding.weight.detach().cpu().numpy()
    vocabulary = getattr(estimator, "vocabulary_", None)
    if estimator.input_type_ in ("words", "symbols") and vocabulary is not None:
        table = _rows_by_symbol(estimator, source, table, vocabulary)
    elif estimator.input_type_ == "tokens":
        if hasattr(source, "vocabulary_") and not hasattr(source, "vectorizer_"):
            raise ValueError(
                f"encoder_init is a {type(source).__name__} that numbered the words "
                "of its X itself, but X is token ids, which are not its numbers. "
                f"Pass X as text ({type(estimator).__name__} then matches the words "
                "by name), or a source fitted on these token ids."
            )
        if estimator.vocab_size_ > len(table):
            raise ValueError(
                f"X holds token ids up to {estimator.vocab_size_ - 1}, but "
                f"encoder_init's embedding has {len(table)} rows: the ids are not "
                "the source's. Make them with the source's vectorizer (for a "
                "language model, clone(model.vectorizer_) in the pipeline)."
            )
        table = table.copy()
    else:
        raise ValueError(
            "encoder_init starts the token embedding and recurrent layers of a "
            f"model of text or token ids, but X is {estimator.input_type_}. Pass "
            "token ids or text, or encoder_init=None."
        )
    return PretrainedEncoder(
        embedding=table,
        cell=_cell(encoder.forward_layers[0]),
        hidden_size=encoder.hidden_size,
        num_layers=len(encoder.forward_layers),
        forward=[_layer_state(layer) for layer in encoder.forward_layers],
        backward=(
            None
            if encoder.backward_layers is None
            else [_layer_state(layer) for layer in encoder.backward_layers]
        ),
    )


def _source_encoder(source):
    """The fitted ``SequenceEncoder`` of a library estimator, or a clear error."""
    net = getattr(source, "net_", None) if hasattr(source, "fit") else None
    if not hasattr(source, "fit") or not hasattr(type(source), "_network_class"):
        raise TypeError(
            "encoder_init must be a fitted sklearn_rnn estimator (an "
            "RNNLanguageModel, or a classifier, regressor, tagger or "
            "sequence-to-sequence model fitted on text or token ids), or a "
            f"FrozenEstimator of one; got {type(source).__name__}."
        )
    try:
        check_is_fitted(source)
    except NotFittedError:
        raise NotFittedError(
            f"encoder_init is a {type(source).__name__} that is not fitted: fit it "
            "first (the estimator starts from its fitted weights)."
        ) from None
    encoder = net.module_.encoder
    if encoder.embedding is None:
        raise ValueError(
            f"encoder_init is a {type(source).__name__} fitted on numeric input: it "
            "has no token embedding to start from. Pass a model of text or token "
            "ids."
        )
    if encoder.front_end is not None:
        raise ValueError(
            f"encoder_init is a {type(source).__name__} with a convolutional front "
            "end, which the recurrent layers read instead of the embedding; pass a "
            "model fitted with front_end='none'."
        )
    return encoder


def _source_unit(source) -> str:
    """What one id of the source stands for: "char" or "word"."""
    for name in ("_unit", "_input_unit"):
        if hasattr(source, name):
            return getattr(source, name)
    return "word"  # a tagger's words


def _rows_by_symbol(estimator, source, table, vocabulary) -> np.ndarray:
    """The rows of ``table`` (the source's embedding) for the estimator's ids: the
    source's row of the same word or character, else its unknown symbol's."""
    source_vocabulary = getattr(source, "vocabulary_", None)
    if source_vocabulary is None:
        raise ValueError(
            f"encoder_init is a {type(source).__name__} fitted on token ids, which "
            f"have no words; {type(estimator).__name__} numbers the words of X "
            "itself. Pass X as the same token ids, or a source fitted on text."
        )
    unit = "word" if estimator.input_type_ == "words" else estimator._input_unit
    if _source_unit(source) != unit:
        raise ValueError(
            f"encoder_init reads {_source_unit(source)}s but "
            f"{type(estimator).__name__} reads X as {unit}s: their ids cannot be "
            "matched. Pass a source of the same unit."
        )
    lowercase = bool(getattr(source, "lowercase", False))
    ids = np.full(estimator.vocab_size_, OOV_ID, dtype=np.int64)
    ids[PAD_ID] = PAD_ID
    found = 0
    for symbol, i in vocabulary.items():
        key = symbol.lower() if lowercase else symbol
        j = source_vocabulary.get(key)
        if j is not None:
            ids[i] = j
            found += 1
    share = found / max(len(vocabulary), 1)
    if share < _LOW_COVERAGE:
        warn(
            f"encoder_init knows {found} of the {len(vocabulary)} {unit}s of X "
            f"({share:.0%}); the others start from its unknown symbol. Were they "
            "tokenised alike?",
            UserWarning,
        )
    return table[ids]


def lr_scales(depths: dict[str, int], decay: float) -> dict[str, float]:
    """The learning rate of each transferred parameter as a share of ``lr``:
    ``decay ** depth`` (parameters not listed learn at ``lr``)."""
    if decay == 1.0:
        return {}
    return {name: float(decay**depth) for name, depth in depths.items()}


class LayerFreezing(Callback):
    """Freeze transferred layers for a fit, and unfreeze them from the top.

    With ``frozen``, every transferred parameter is kept as it is. With ``every``
    (epochs), they start frozen and the layers of depth up to ``e // every`` train
    in epoch ``e`` (counted over the estimator's whole history, so that a
    continuation goes on where the fit stopped). ``keep`` names parameters that stay
    as they are (a frozen embedding). At the end of the fit, every parameter not in
    ``keep`` trains again, for the next fit to decide.
    """

    def __init__(
        self,
        depths: dict[str, int],
        *,
        frozen: bool = False,
        every: int | None = None,
        keep: frozenset = frozenset(),
    ):
        self.depths = depths
        self.frozen = frozen
        self.every = every
        self.keep = keep

    def _apply(self, net, trainable_depth: float) -> None:
        changed = False
        for name, param in net.module_.named_parameters():
            depth = self.depths.get(name)
            if depth is None or name in self.keep:
                continue
            train = depth <= trainable_depth
            if param.requires_grad != train:
                param.requires_grad_(train)
                changed = True
        if changed:
            net.trainable_changed()

    def on_epoch_begin(self, net, **kwargs):
        if self.frozen:
            self._apply(net, 0)
        elif self.every is not None:
            epoch = len(net.history) - 1  # skorch has added this epoch's row
            self._apply(net, epoch // self.every)

    def on_train_end(self, net, **kwargs):
        self.release(net)

    def release(self, net) -> None:
        """Let every parameter not in ``keep`` train again (the end of a fit,
        also of one that failed)."""
        self._apply(net, float("inf"))
