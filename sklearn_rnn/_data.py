"""One internal representation for every sequence input, and the batches made from it.

Every input form users have (2D arrays, 3D arrays, NaN-padded 3D arrays, ragged lists,
token-id matrices, channels-first data) is converted once, by :func:`to_sequences`, into
a :class:`Sequences`: left-aligned values padded with zeros after each sequence's end,
plus the true length of every sequence. Everything downstream (the scaler, the
estimators, batching) works on that one form. This module knows no ``nn.Module``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.utils.validation import check_array

__all__ = [
    "BOS_ID",
    "EOS_ID",
    "FIRST_SYMBOL_ID",
    "IGNORED_STEP",
    "INPUT_TYPES",
    "ROW_BLOCK",
    "CharTable",
    "Sequences",
    "channel_statistics",
    "decoder_inputs",
    "inference_batches",
    "pad_numeric_targets",
    "pad_step_targets",
    "row_chunks",
    "to_sequences",
    "training_batches",
    "valid_target_steps",
]

INPUT_TYPES = ("auto", "numeric", "tokens")

#: Inference batches always hold a multiple of this many rows (the spare rows are empty
#: sequences whose outputs are dropped). On CPU the float32 kernels then compute every
#: row bit-for-bit the same whatever the other rows of the batch are, so a prediction
#: never depends on batch composition, sample order or how many samples are predicted
#: at once, without paying for float64. Measured: 1-15 row batches differ from larger
#: ones by up to ~2e-7, while all multiples of 16 agree exactly.
ROW_BLOCK = 16

#: Token id used for padding (never a real token) and for out-of-vocabulary tokens.
PAD_ID = 0
OOV_ID = 1

#: The target of a padded step in per-step targets: the loss and the scores skip it
#: (``torch.nn.CrossEntropyLoss``'s default ``ignore_index``).
IGNORED_STEP = -100

#: Ids of the output symbols of a decoder: padding, the start symbol fed as the
#: first decoder input, and the end-of-sequence symbol every target ends with;
#: the symbols of the output vocabulary follow from :data:`FIRST_SYMBOL_ID`.
BOS_ID, EOS_ID, FIRST_SYMBOL_ID = 1, 2, 3


@dataclass(frozen=True)
class CharTable:
    """The characters of each token of a :class:`Sequences` of token ids.

    Tokens are stored once per distinct word (type), so a batch's character encoder
    runs on each word it holds once.

    Attributes
    ----------
    type_index : ndarray of shape (n, max_len), int64
        The row of ``chars`` of each token (0, the empty word, at padding).
    chars : ndarray of shape (n_types, max_chars), int64
        Character ids of each word type, left-aligned and padded with 0; row 0 is
        the empty word.
    char_lengths : ndarray of shape (n_types,), int64
        The number of characters of each word type.
    """

    type_index: np.ndarray
    chars: np.ndarray
    char_lengths: np.ndarray

    def take(self, index: np.ndarray) -> CharTable:
        return replace(self, type_index=self.type_index[index])

    def batch(self, index: np.ndarray, width: int, n_rows: int) -> dict:
        """The character input of the sequences at ``index``: the distinct word
        types they hold (padded with empty words to whole row blocks, so the
        character encoder's output for a word does not depend on the batch), and
        the index of each token's type among them."""
        types, inverse = np.unique(self.type_index[index, :width], return_inverse=True)
        inverse = inverse.reshape(len(index), width)
        if n_rows > len(index):
            inverse = np.concatenate(
                [inverse, np.zeros((n_rows - len(index), width), inverse.dtype)]
            )
        n_types = -(-len(types) // ROW_BLOCK) * ROW_BLOCK
        char_lengths = np.zeros(n_types, dtype=np.int64)
        char_lengths[: len(types)] = self.char_lengths[types]
        n_chars = max(int(char_lengths.max(initial=0)), 1)
        chars = np.zeros((n_types, n_chars), dtype=np.int64)
        chars[: len(types)] = self.chars[types, :n_chars]
        return {
            "chars": torch.from_numpy(chars),
            "char_lengths": torch.from_numpy(char_lengths),
            "char_index": torch.from_numpy(np.ascontiguousarray(inverse)),
        }


@dataclass(frozen=True)
class Sequences:
    """Sequences of possibly different lengths in one padded, left-aligned block.

    Attributes
    ----------
    values : ndarray
        ``(n, max_len, n_channels)`` float32 for numeric input, ``(n, max_len)`` int64
        for token ids. Steps at or beyond a sequence's length are zero.
    lengths : ndarray of shape (n,), int64
        The number of valid steps of each sequence (may be 0).
    kind : {"numeric", "tokens"}
        How ``values`` is to be read.
    table_width : int or None
        The number of columns when the input was a 2D table, else None.
    chars : CharTable or None
        Token input made from words: the characters of every token.
    """

    values: np.ndarray
    lengths: np.ndarray
    kind: str
    table_width: int | None = None
    chars: CharTable | None = None

    def __len__(self) -> int:
        return len(self.lengths)

    @property
    def n_channels(self) -> int:
        return 1 if self.kind == "tokens" else self.values.shape[2]

    def take(self, index: np.ndarray) -> Sequences:
        """The sequences at ``index`` (e.g. a validation split)."""
        return replace(
            self,
            values=self.values[index],
            lengths=self.lengths[index],
            chars=None if self.chars is None else self.chars.take(index),
        )

    def batch(self, index: np.ndarray, n_rows: int | None = None) -> dict:
        """The sequences at ``index`` as torch tensors padded to their own longest.

        ``n_rows`` pads the batch with empty sequences up to that many rows.
        """
        lengths = self.lengths[index]
        width = max(int(lengths.max(initial=0)), 1)
        values = self.values[index, :width]
        if values.shape[1] < width:  # every stored sequence is empty (0 steps)
            values = np.zeros((len(index), width, *values.shape[2:]), values.dtype)
        if n_rows is not None and n_rows > len(index):
            extra = n_rows - len(index)
            values = np.concatenate(
                [values, np.zeros((extra, *values.shape[1:]), values.dtype)]
            )
            lengths = np.concatenate([lengths, np.zeros(extra, lengths.dtype)])
        out = {
            "X": torch.from_numpy(np.ascontiguousarray(values)),
            "lengths": torch.from_numpy(lengths),
        }
        if self.chars is not None:
            out.update(self.chars.batch(index, width, max(n_rows or 0, len(index))))
        return out


def channel_statistics(seqs: Sequences) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation over all valid steps (float64).

    A channel that does not vary gets a scale of 1, so dividing by it is safe.
    """
    valid = np.arange(seqs.values.shape[1])[None, :] < seqs.lengths[:, None]
    steps = seqs.values[valid].astype(np.float64)
    if len(steps) == 0:
        raise ValueError("X holds only empty sequences; nothing to scale.")
    std = steps.std(axis=0)
    return steps.mean(axis=0), np.where(std > 10 * np.finfo(np.float64).eps, std, 1.0)


def pad_step_targets(targets: list[np.ndarray], width: int | None = None) -> np.ndarray:
    """Per-step integer targets as one ``(n, width)`` int64 block, left-aligned and
    padded with :data:`IGNORED_STEP` (``width``: the longest, by default)."""
    lengths = np.fromiter(map(len, targets), dtype=np.int64, count=len(targets))
    width = max(int(lengths.max(initial=0)), 1) if width is None else width
    out = np.full((len(targets), width), IGNORED_STEP, dtype=np.int64)
    valid = np.arange(width)[None, :] < lengths[:, None]
    out[valid] = np.concatenate(targets) if targets else []
    return out


def pad_numeric_targets(values: list[np.ndarray]) -> np.ndarray:
    """Numeric output sequences (each ``(t, c)``) as one ``(n, width, c + 1)``
    float32 block, ``width`` the longest ``t`` plus 1: each step's values and a
    last, stop channel that is 0 at the steps that hold values and 1 at the step
    after them, where the values are NaN; everything after that is NaN (padding).
    """
    n_channels = values[0].shape[1]
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    width = int(lengths.max(initial=0)) + 1
    out = np.full((len(values), width, n_channels + 1), np.nan, dtype=np.float32)
    for i, steps in enumerate(values):
        out[i, : len(steps), :-1] = steps
        out[i, : len(steps), -1] = 0.0
        out[i, len(steps), -1] = 1.0
    return out


def valid_target_steps(targets):
    """Which steps of per-step targets hold a target (numpy arrays or tensors):
    ``(n, t)`` ids with :data:`IGNORED_STEP` at padding, or numeric steps from
    :func:`pad_numeric_targets` (any leading shape), NaN in the stop channel at
    padding."""
    if targets.dtype in (np.float32, np.float64, torch.float32, torch.float64):
        stop = targets[..., -1]
        return stop == stop  # not NaN, for arrays and tensors alike
    return targets != IGNORED_STEP


def decoder_inputs(targets: np.ndarray) -> np.ndarray:
    """The decoder's input under teacher forcing: :data:`BOS_ID`, then each target
    but the last (padding where the target is :data:`IGNORED_STEP`). For numeric
    targets (:func:`pad_numeric_targets`): a start step whose stop channel is 1
    and values 0, then each step's values (0 at padding) with a stop channel of
    0."""
    if targets.ndim == 3:
        out = np.zeros(targets.shape, dtype=np.float32)
        out[:, 0, -1] = 1.0
        out[:, 1:, :-1] = np.nan_to_num(targets[:, :-1, :-1])
        return out
    out = np.full(targets.shape, PAD_ID, dtype=np.int64)
    out[:, 0] = BOS_ID
    out[:, 1:] = np.maximum(targets[:, :-1], PAD_ID)
    return out


#: Length bucketing draws batches from pools of this many batches' worth of samples.
BUCKET_POOL = 64

#: Lengths are jittered by up to this factor before sorting, so that sequences of
#: similar (not only equal) length swap batches from one epoch to the next.
LENGTH_JITTER = 0.05


def training_batches(
    lengths: np.ndarray,
    batch_size: int,
    *,
    shuffle: bool,
    rng: np.random.Generator | None,
) -> list[np.ndarray]:
    """Index arrays of the minibatches of one training epoch.

    With ``shuffle``, batches group sequences of similar length, so padding each batch
    to its own longest wastes little, and stay random: the samples are shuffled, cut
    into pools of :data:`BUCKET_POOL` batches, each pool is sorted by jittered length
    and cut into batches, and the order of all batches is shuffled. Without
    ``shuffle``, batches follow the input order.
    """
    n_samples = len(lengths)
    if not shuffle:
        order = np.arange(n_samples)
        return [order[i : i + batch_size] for i in range(0, n_samples, batch_size)]
    order = rng.permutation(n_samples)
    jitter = np.exp(rng.uniform(-LENGTH_JITTER, LENGTH_JITTER, n_samples))
    key = lengths[order] * jitter
    pool = batch_size * BUCKET_POOL
    batches = []
    for start in range(0, n_samples, pool):
        members = order[start : start + pool]
        members = members[np.argsort(key[start : start + pool], kind="stable")]
        batches.extend(
            members[i : i + batch_size] for i in range(0, len(members), batch_size)
        )
    return [batches[i] for i in rng.permutation(len(batches))]


def inference_batches(
    lengths: np.ndarray, batch_size: int
) -> Iterator[tuple[np.ndarray, int]]:
    """Yield ``(index, n_rows)`` for prediction: length-sorted, row-block aligned.

    Sequences of similar length share a batch (less padding to compute), and every
    batch is padded to a multiple of :data:`ROW_BLOCK` rows so that results do not
    depend on what else is in the batch. Callers restore input order with ``index``.
    """
    rows = -(-batch_size // ROW_BLOCK) * ROW_BLOCK
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), rows):
        index = order[start : start + rows]
        yield index, -(-len(index) // ROW_BLOCK) * ROW_BLOCK


# --------------------------------------------------------------------------------------
# Conversion of user input
# --------------------------------------------------------------------------------------


def _is_integer_dtype(dtype: np.dtype) -> bool:
    return np.issubdtype(dtype, np.integer)


_TEXT_HINT = (
    "RNN estimators take numbers; turn text into token ids first, e.g. with "
    "make_pipeline(SequenceVectorizer(), RNNClassifier())."
)


def _looks_like_text(values) -> bool:
    """Whether the first items of ``values`` (a list or 1D array) are strings."""
    head = values[:10]
    return len(head) > 0 and all(isinstance(v, (str, bytes)) for v in head)


def _refuse_masked(X, what: str) -> None:
    if isinstance(X, np.ma.MaskedArray):
        raise TypeError(
            f"{what} is a masked array, whose mask would be ignored. Mark padding "
            "with NaN instead: X.filled(np.nan) (trailing steps whose channels are "
            "all NaN are padding), or pass the sequences as a list of arrays of "
            "their own lengths."
        )


def _refuse_unsupported(X, what: str = "X") -> None:
    """Raise a clear error for inputs that would otherwise be misread silently.

    Masked arrays (their mask would be dropped), dates and durations (they would be
    read as counts since the epoch), complex numbers (the imaginary part would be
    dropped) and text in an array or Series (it would get a reshaping advice).
    """
    _refuse_masked(X, what)
    dtype = getattr(X, "dtype", None)
    if dtype is not None:  # pandas' own dtypes (e.g. StringDtype) have a kind too
        kinds = {getattr(dtype, "kind", "O")}
    elif hasattr(X, "dtypes"):  # a DataFrame: one dtype per column
        kinds = {getattr(d, "kind", "O") for d in X.dtypes}
    else:
        return
    if kinds & {"M", "m"}:
        raise TypeError(
            f"{what} holds dates or durations (datetime64/timedelta64), which are "
            "not sequence values. Convert them to numbers that mean something to "
            "the model first (e.g. elapsed seconds, hour of day), or drop them."
        )
    if "c" in kinds:
        raise ValueError("Complex data not supported.")
    if kinds & {"U", "S"} or (
        kinds == {"O"}
        and getattr(X, "ndim", 2) == 1
        and _looks_like_text(list(X.iloc[:10] if hasattr(X, "iloc") else X[:10]))
    ):
        raise TypeError(f"{what} holds strings. " + _TEXT_HINT)


def _as_array_or_ragged(X) -> np.ndarray | list[np.ndarray]:
    """A regular array when the input is one, else the list of its sequences."""
    _refuse_unsupported(X)
    if sp.issparse(X):
        # Let scikit-learn's checker raise its standard error for sparse input.
        check_array(X, accept_sparse=False)
    if isinstance(X, str) or not (hasattr(X, "__len__") or hasattr(X, "__array__")):
        raise TypeError(
            "X must be an array-like of sequences (2D or 3D array, or a list of "
            f"1D/2D arrays); got {type(X).__name__}."
        )
    if isinstance(X, (list, tuple)):
        if _looks_like_text(X):
            raise TypeError("X looks like a list of strings. " + _TEXT_HINT)
        if not X:
            return []
        # Masks are lost by np.asarray; the values' types are checked after it,
        # on the stacked array or (ragged) on each sequence.
        for i, item in enumerate(X):
            _refuse_masked(item, what=f"Sequence {i} of X")
        try:
            arr = np.asarray(X)
        except ValueError:  # sequences of different lengths or shapes
            return [np.asarray(x) for x in X]
        if arr.dtype == object:
            return [np.asarray(x) for x in X]
        _refuse_unsupported(arr)
        return arr
    return X


def to_sequences(
    X,
    *,
    input_type: str = "auto",
    channels_first: bool = False,
) -> Sequences:
    """Validate any supported input form and convert it to :class:`Sequences`.

    Parameters
    ----------
    X : array-like
        2D ``(n_samples, n_timesteps)`` univariate sequences or token ids, 3D
        ``(n_samples, n_timesteps, n_channels)`` sequences (trailing all-NaN steps are
        padding), a list of 1D ``(t,)`` / 2D ``(t, n_channels)`` arrays, or one of
        sktime's DataFrame containers (see :func:`_sktime_frame_sequences`).
    input_type : {"auto", "numeric", "tokens"}
        With "auto", integer-typed 2D or ragged 1D input is read as token ids and
        everything else as numeric values.
    channels_first : bool
        Read 3D arrays as ``(n, n_channels, n_timesteps)`` and list items as
        ``(n_channels, t)`` (the sktime/aeon layout). Ignored for sktime's
        DataFrame containers, whose layout is fixed.

    Returns
    -------
    Sequences
    """
    frames = _sktime_frame_sequences(X)
    if frames is not None:  # the frame says which axis is time: no channels_first
        return _ragged_to_sequences(frames, input_type, channels_first=False)
    X = _as_array_or_ragged(X)
    if isinstance(X, list):
        return _ragged_to_sequences(X, input_type, channels_first)

    if _plainly_valid(X):
        arr = X  # what check_array would return, without its checks' overhead
    else:
        arr = check_array(X, dtype=None, ensure_all_finite=False, allow_nd=True)
    if arr.dtype.kind not in "biuf":
        arr = check_array(arr, dtype="numeric", ensure_all_finite=False, allow_nd=True)
    kind = _resolve_kind(input_type, arr.dtype, tokens_possible=arr.ndim == 2)
    if arr.ndim == 2:
        if kind == "tokens":
            return _tokens_from_table(arr)
        seqs = _numeric_from_3d(arr[:, :, None])
        return Sequences(seqs.values, seqs.lengths, "numeric", table_width=arr.shape[1])
    if arr.ndim != 3:
        raise ValueError(
            f"X must be 2D (n_samples, n_timesteps), 3D (n_samples, n_timesteps, "
            f"n_channels) or a list of sequences; got an array with {arr.ndim} "
            "dimensions."
        )
    if kind == "tokens":
        raise ValueError(
            "input_type='tokens' needs a 2D array of token ids (n_samples, "
            f"sequence_length) or a list of 1D id arrays; got a 3D array {arr.shape}."
        )
    if channels_first:
        arr = np.swapaxes(arr, 1, 2)
    if arr.shape[2] == 0:
        raise ValueError(f"X has 0 channels (shape {arr.shape}); at least 1 is needed.")
    return _numeric_from_3d(arr, hint="" if channels_first else _CHANNELS_FIRST_HINT)


def _plainly_valid(X) -> bool:
    """Whether ``check_array(X, dtype=None, ensure_all_finite=False, allow_nd=True)``
    would return ``X`` itself: a numpy array (no subclass) of real numbers with at
    least one sample, 2D with at least one column or 3D.

    Its checks cost about 0.1 ms per call (dataframe detection, array namespaces),
    a tenth of predicting a single short sequence.
    """
    return (
        type(X) is np.ndarray
        and X.dtype.kind in "biuf"
        and X.ndim in (2, 3)
        and X.shape[0] >= 1
        and (X.ndim == 3 or X.shape[1] >= 1)
    )


def _resolve_kind(input_type: str, dtype: np.dtype, *, tokens_possible: bool) -> str:
    if input_type == "tokens":
        return "tokens"
    if input_type == "numeric":
        return "numeric"
    return "tokens" if tokens_possible and _is_integer_dtype(dtype) else "numeric"


#: Added to errors that channels-first data read as channels-last would cause.
_CHANNELS_FIRST_HINT = (
    " If X is channels-first (n_channels before n_timesteps, as sktime and aeon "
    "give it), pass channels_first=True."
)


def _numeric_from_3d(arr: np.ndarray, hint: str = "") -> Sequences:
    """Float32 values and lengths from a 3D array whose trailing all-NaN steps pad.

    ``hint`` is appended to the error about NaN inside a sequence.
    """
    if np.iscomplexobj(arr):
        raise ValueError("Complex data not supported.")
    with np.errstate(over="ignore"):  # finite values beyond float32: said below
        values = np.asarray(arr, dtype=np.float32)
    if np.isinf(values).any():
        if np.isinf(arr).any():
            raise ValueError(
                "X contains infinity (inf); sequences must hold finite values."
            )
        raise ValueError(
            f"X holds values up to {np.nanmax(np.abs(arr)):.3g}, beyond the float32 "
            f"range (+-{np.finfo(np.float32).max:.3g}) the network computes in. "
            "Rescale X first (e.g. divide by a constant or take a logarithm)."
        )
    n, width = values.shape[:2]
    isnan = np.isnan(values)
    lengths = np.full(n, width, dtype=np.int64)
    if isnan.any():
        step_all_nan = isnan.all(axis=2)
        trailing = np.cumprod(step_all_nan[:, ::-1], axis=1).sum(axis=1)
        lengths = (width - trailing).astype(np.int64)
        inside = np.arange(width)[None, :] < lengths[:, None]
        if (isnan.any(axis=2) & inside).any():
            raise ValueError(
                "X contains NaN inside a sequence. Only trailing steps whose "
                "channels are all NaN are read as padding; fill or drop other missing "
                "values (e.g. with interpolation) before fitting." + hint
            )
        values = np.where(isnan, np.float32(0), values)
    elif values is arr or np.shares_memory(values, arr):
        values = values.copy()
    return Sequences(values, lengths, "numeric")


def _is_multiindex_frame(X) -> bool:
    index = getattr(X, "index", None)
    return hasattr(X, "iloc") and getattr(index, "nlevels", 1) > 1


def _sktime_frame_sequences(X) -> list[np.ndarray] | None:
    """sktime's pandas containers as a list of ``(t, n_channels)`` arrays; None
    for any other input.

    * "nested_univ": one row per sequence, one column per channel, each cell a
      ``pd.Series`` (or array) of the channel's values; lengths may differ between
      sequences, not between the channels of one.
    * "pd-multiindex": a row per time step, indexed by ``(instance, time)``, one
      column per channel; the sequences come in order of first appearance.
    """
    if not (hasattr(X, "iloc") and hasattr(X, "columns")) or X.shape[0] == 0:
        return None
    if _is_multiindex_frame(X):
        if X.index.nlevels != 2:
            raise ValueError(
                f"X is a DataFrame with a {X.index.nlevels}-level MultiIndex; a "
                "MultiIndex is read as sktime's 'pd-multiindex' layout, whose two "
                "levels are (instance, time). Drop the other levels first."
            )
        try:
            values = X.to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                "X, a DataFrame in sktime's 'pd-multiindex' layout, must have "
                f"numeric channel columns: {exc}"
            ) from None
        instances = X.index.get_level_values(0)
        codes, _ = _factorize(instances)
        order = np.argsort(codes, kind="stable")
        bounds = np.cumsum(np.bincount(codes))[:-1]
        return np.split(values[order], bounds)
    first = X.iloc[0, 0] if X.shape[1] else None
    if not (hasattr(first, "__len__") and hasattr(first, "__array__")):
        return None
    items = []
    for i, row in enumerate(X.to_numpy(dtype=object)):
        channels = []
        for j, cell in enumerate(row):
            if not hasattr(cell, "__array__") or np.ndim(cell) != 1:
                raise TypeError(
                    "X looks like sktime's 'nested_univ' DataFrame (cells holding "
                    f"series), but its cell ({i}, {j}) holds {type(cell).__name__}; "
                    "every cell must be a 1D series of one channel's values."
                )
            channels.append(np.asarray(cell))
        lengths = {len(c) for c in channels}
        if len(lengths) > 1:
            raise ValueError(
                f"Sequence {i} of X (a 'nested_univ' DataFrame) has channels of "
                f"different lengths {sorted(lengths)}; the channels of one sequence "
                "must have the same length (pad or resample them)."
            )
        items.append(np.stack(channels, axis=1))
    return items


def _factorize(values) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``values`` in order of first appearance, and the uniques."""
    uniques, first, codes = np.unique(
        np.asarray(values), return_index=True, return_inverse=True
    )
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[codes.ravel()], uniques[np.argsort(first, kind="stable")]


def row_chunks(X, n_rows: int) -> Iterator:
    """Consecutive chunks of at most ``n_rows`` sequences of ``X``, in order.

    Arrays are cut into views and DataFrames with ``iloc`` (so their column names
    stay checkable). Lists and other inputs come whole: whether a list is a table
    (items of one length) or ragged is a property of the whole list, which a chunk
    of equal-length items would misread. Converting and predicting chunk by chunk
    keeps memory bounded by a chunk, not the data set. A DataFrame with a
    MultiIndex (sktime's "pd-multiindex", a row per time step) comes whole too.
    """
    if _is_multiindex_frame(X):  # rows are time steps: a chunk would cut sequences
        yield X
        return
    if hasattr(X, "iloc") and hasattr(X, "shape"):
        n = X.shape[0]
        take = X.iloc.__getitem__
    elif isinstance(X, np.ndarray) and X.ndim >= 1:
        n = len(X)
        take = X.__getitem__
    else:
        yield X
        return
    if n <= n_rows:
        yield X
        return
    for start in range(0, n, n_rows):
        yield take(slice(start, start + n_rows))


def _check_token_values(arr: np.ndarray) -> np.ndarray:
    """Token ids as int64, rejecting what cannot be an id."""
    too_large = ValueError(
        "Token ids must be below 2**63; X has an id of {}. Renumber the vocabulary "
        "to 0..V-1 (e.g. with SequenceVectorizer)."
    )
    if arr.size and arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(
                "X contains NaN or inf, which are not valid token ids "
                "(input_type='tokens')."
            )
        if (arr != np.round(arr)).any():
            raise ValueError(
                "Token ids must be whole numbers, but X has non-integer values. Pass "
                "input_type='numeric' if X holds numeric sequences."
            )
        if arr.max() >= 2.0**63:
            raise ValueError(str(too_large).format(f"{arr.max():.4g}"))
    elif arr.dtype.kind not in "biuf":
        raise TypeError(f"Token ids must be integers; got dtype {arr.dtype}.")
    if arr.size and arr.min() < 0:
        raise ValueError(
            "Token ids must be >= 0 (0 is padding, 1 out-of-vocabulary), but X has "
            f"negative values (min {arr.min()}). If X holds numeric sequences, cast it "
            "to float or pass input_type='numeric'."
        )
    # Compared as uint64 on both sides: numpy < 2 compares uint64 with a Python int
    # through float64, where 2**63 + 5 is not above 2**63 - 1.
    if (
        arr.size
        and arr.dtype.kind == "u"
        and arr.max() > np.uint64(np.iinfo(np.int64).max)
    ):
        raise ValueError(str(too_large).format(arr.max()))
    return arr.astype(np.int64, copy=False)


def _tokens_from_table(arr: np.ndarray) -> Sequences:
    """Left-align the non-zero ids of each row: 0 is padding wherever it occurs.

    Post-padded rows (the usual case) are used as they are, without a copy; only
    rows with padding before a token (pre-padding, or zeros inside) are rearranged,
    in a copy. The values are never written to afterwards.
    """
    ids = _check_token_values(arr)
    is_pad = ids == PAD_ID
    lengths = ids.shape[1] - is_pad.sum(axis=1, dtype=np.int64)
    misaligned = (is_pad[:, :-1] & ~is_pad[:, 1:]).any(axis=1)
    if misaligned.any():
        rows = np.flatnonzero(misaligned)
        order = np.argsort(is_pad[rows], axis=1, kind="stable")
        ids = ids.copy()
        ids[rows] = np.take_along_axis(ids[rows], order, axis=1)
    return Sequences(ids, lengths, "tokens", table_width=arr.shape[1])


def _ragged_to_sequences(
    items: list[np.ndarray], input_type: str, channels_first: bool
) -> Sequences:
    if not items:
        raise ValueError("X is an empty list; at least one sequence is required.")
    kinds = set()
    checked = []
    for i, item in enumerate(items):
        _refuse_unsupported(item, what=f"Sequence {i} of X")
        if item.dtype.kind not in "biuf":
            try:
                item = np.asarray(item, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"Sequence {i} of X could not be read as numbers: {exc}"
                ) from None
        if item.ndim not in (1, 2):
            raise ValueError(
                f"Each sequence in a list must be 1D (t,) or 2D (t, n_channels); "
                f"sequence {i} has shape {item.shape}."
            )
        kinds.add(_resolve_kind(input_type, item.dtype, tokens_possible=item.ndim == 1))
        checked.append(item)
    kind = "numeric" if "numeric" in kinds and input_type != "tokens" else kinds.pop()
    lengths = np.empty(len(checked), dtype=np.int64)

    if kind == "tokens":
        if any(item.ndim != 1 for item in checked):
            raise ValueError(
                "Token-id sequences must be 1D arrays of ids (input_type='tokens')."
            )
        for i, item in enumerate(checked):
            lengths[i] = len(item)
        table = np.zeros((len(checked), max(lengths.max(), 1)), dtype=np.float64)
        for i, item in enumerate(checked):
            table[i, : len(item)] = item
        if all(_is_integer_dtype(item.dtype) for item in checked):
            table = table.astype(np.int64)
        # Ids may contain 0 (padding) in the middle of a list item too.
        return replace(_tokens_from_table(table), table_width=None)

    shaped = []
    for item in checked:
        if item.ndim == 1:
            item = item[:, None]
        elif channels_first:
            item = item.T
        shaped.append(item)
    n_channels = {item.shape[1] for item in shaped}
    if len(n_channels) > 1:
        raise ValueError(
            "All sequences must have the same number of channels; X has sequences "
            f"with {sorted(n_channels)} channels."
            + ("" if channels_first else _CHANNELS_FIRST_HINT)
        )
    (c,) = n_channels
    if c == 0:
        raise ValueError("The sequences in X have 0 channels; at least 1 is needed.")
    for i, item in enumerate(shaped):
        lengths[i] = len(item)
    block = np.full((len(shaped), max(lengths.max(), 1), c), np.nan)
    for i, item in enumerate(shaped):
        block[i, : len(item)] = item
    return _numeric_from_3d(block)
