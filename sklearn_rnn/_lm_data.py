"""Text as next-symbol data for a language model: texts, sentences and streams.

A language model reads a symbol and predicts the next. Every text is read from an
end symbol, which stands for "the start of a text" as well, and is predicted to end
with one::

    read:     <e>  t   h   e          (the steps of a text of n symbols: n + 1)
    predict:   t   h   e  <e>

:class:`Texts` holds the symbols of many texts end to end, in that form, without
padding (one long text and many short ones cost their symbols only). Two ways to
train on them:

* :class:`SentenceDataset`: every text a sequence of its own, batched by length
  like the other estimators' sequences (each starts from a zero state);
* :class:`StreamDataset`: the texts joined into one stream, cut into ``n_rows``
  consecutive parts read side by side in windows of ``bptt`` steps, each window
  starting from the recurrent state the previous one ended with (truncated
  back-propagation through time; Keras's "stateful" RNN, and the batching of
  Zaremba, Sutskever & Vinyals 2014 and Merity, Keskar & Socher 2018)::

    stream:  <e> t h e   c a t <e> a   d o g <e> ...
    rows:    row 0 = the first 1/n_rows of the stream, row 1 the next, ...
    window:  columns [k * bptt, (k + 1) * bptt) of every row, k = 0, 1, ...

This module knows no ``nn.Module``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch.utils.data import Dataset

from ._data import IGNORED_STEP, PAD_ID

__all__ = ["SentenceDataset", "StreamDataset", "Texts"]


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The positions ``starts[i], ..., starts[i] + sizes[i] - 1`` of every ``i``,
    end to end."""
    total = int(sizes.sum())
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.repeat(starts, sizes) + (np.arange(total) - offsets)


class Texts:
    """The symbol ids of texts end to end, each after an end symbol.

    Parameters
    ----------
    symbols : ndarray of shape (n_symbols,)
        The ids of every text's symbols, end to end (no end symbols).
    n_symbols : ndarray of shape (n_texts,)
        The number of symbols of each text (may be 0).
    end_id : int
        The end symbol's id.

    Attributes
    ----------
    stream : ndarray of shape (n_symbols + n_texts + 1,)
        ``[end, text 0, end, text 1, ..., end]``.
    starts : ndarray of shape (n_texts,)
        The position in ``stream`` of each text's leading end symbol.
    lengths : ndarray of shape (n_texts,)
        The steps of each text: its symbols plus one.
    """

    def __init__(self, symbols: np.ndarray, n_symbols: np.ndarray, end_id: int):
        self.n_symbols = np.asarray(n_symbols, dtype=np.int64)
        self.lengths = self.n_symbols + 1
        self.end_id = int(end_id)
        self.starts = np.cumsum(self.lengths) - self.lengths
        is_end = np.zeros(int(self.lengths.sum()) + 1, dtype=bool)
        is_end[self.starts] = True
        is_end[-1] = True
        self.stream = np.full(len(is_end), self.end_id, dtype=np.int64)
        self.stream[~is_end] = symbols

    def __len__(self) -> int:
        return len(self.lengths)

    def symbols_of(self, index: np.ndarray) -> np.ndarray:
        """The symbols of the texts at ``index``, end to end."""
        return self.stream[_ranges(self.starts[index] + 1, self.n_symbols[index])]

    def take(self, index: np.ndarray) -> Texts:
        """The texts at ``index``."""
        index = np.asarray(index, dtype=np.int64)
        return Texts(self.symbols_of(index), self.n_symbols[index], self.end_id)

    def batch(
        self,
        index: np.ndarray,
        n_rows: int | None = None,
        start: int = 0,
        stop: int | None = None,
    ) -> tuple[dict, torch.Tensor]:
        """Steps ``start`` to ``stop`` of the texts at ``index``: ``({"X", "lengths"},
        targets)``, the ids padded with 0 and the targets with
        :data:`~sklearn_rnn._data.IGNORED_STEP` to the longest, with ``n_rows``
        rows (the spare ones empty). ``lengths`` counts each row's steps in the
        span."""
        index = np.asarray(index, dtype=np.int64)
        lengths = np.zeros(max(n_rows or 0, len(index)), dtype=np.int64)
        lengths[: len(index)] = self.lengths[index]
        stop = int(lengths.max(initial=0)) if stop is None else stop
        width = max(stop - start, 1)
        lengths = np.clip(lengths - start, 0, width)
        starts = np.zeros(len(lengths), dtype=np.int64)
        starts[: len(index)] = self.starts[index] + start
        positions = starts[:, None] + np.arange(width)[None, :]
        valid = np.arange(width)[None, :] < lengths[:, None]
        positions = np.where(valid, positions, 0)
        X = np.where(valid, self.stream[positions], PAD_ID)
        y = np.where(valid, self.stream[positions + 1], IGNORED_STEP)
        inputs = {"X": torch.from_numpy(X), "lengths": torch.from_numpy(lengths)}
        return inputs, torch.from_numpy(y)


class SentenceDataset(Dataset):
    """Every text a sequence of its own: ``dataset[index]`` is the batch of the
    texts at ``index`` (see :meth:`Texts.batch`), for
    :class:`~sklearn_rnn._training.BatchLoader`'s length-bucketed batches.

    Parameters
    ----------
    texts : Texts
    """

    def __init__(self, texts: Texts):
        self.texts = texts
        self.sequences = texts  # the loader reads its ``lengths``
        # The targets of all texts tile the stream after its first symbol.
        self.y = torch.from_numpy(texts.stream[1:])
        self.sample_weight = None

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index):
        if not isinstance(index, np.ndarray) or index.ndim != 1:
            index = np.atleast_1d(np.asarray(index))
        return self.texts.batch(index)

    def take(self, index: np.ndarray) -> SentenceDataset:
        """The texts at ``index`` (e.g. a validation split)."""
        return SentenceDataset(self.texts.take(index))


class StreamDataset(Dataset):
    """A symbol stream cut into parallel rows and read in windows of ``bptt`` steps.

    ``stream[i]`` is read to predict ``stream[i + 1]``: a stream of ``m + 1``
    symbols makes ``m`` predictions. They are cut into ``rows`` consecutive parts
    of ``width = ceil(m / rows)`` (the last part padded), ``rows`` the most of
    ``n_rows`` that leaves each row about ``bptt`` predictions or more. So
    ``len(self)`` is ``n_windows * rows``, and an epoch of batches of ``n_rows``
    rows has ``n_windows`` steps. :meth:`batches` gives the windows in order:
    ``({"X", "lengths", "carry"}, targets)``, ``carry`` False for the first (the
    state starts from zeros) and True for the others (it goes on from the
    previous window's).

    Parameters
    ----------
    stream : ndarray of shape (m + 1,)
        Symbol ids.
    n_rows : int
        The most parallel rows (the batch size).
    bptt : int
        Steps per window.
    """

    def __init__(self, stream: np.ndarray, n_rows: int, bptt: int):
        self.stream = np.asarray(stream, dtype=np.int64)
        self.n_rows, self.bptt = int(n_rows), int(bptt)
        n_pred = max(len(self.stream) - 1, 0)
        self.n_predictions = n_pred
        self.rows = int(max(1, min(self.n_rows, -(-n_pred // self.bptt))))
        self.width = width = max(-(-n_pred // self.rows), 1)
        self.n_windows = -(-width // self.bptt)
        inputs = np.full(self.rows * width, PAD_ID, dtype=np.int64)
        targets = np.full(self.rows * width, IGNORED_STEP, dtype=np.int64)
        inputs[:n_pred] = self.stream[:-1]
        targets[:n_pred] = self.stream[1:]
        self._inputs = inputs.reshape(self.rows, width)
        self._targets = targets.reshape(self.rows, width)
        # Each row's predictions: all rows full but the last.
        self._row_lengths = np.clip(
            n_pred - np.arange(self.rows) * width, 0, width
        ).astype(np.int64)
        self.y = torch.from_numpy(self._targets)
        self.sample_weight = None

    def __len__(self) -> int:
        return self.n_windows * self.rows

    def window(self, k: int) -> tuple[dict, torch.Tensor]:
        """The batch of window ``k``: its columns of every row."""
        start, stop = k * self.bptt, min((k + 1) * self.bptt, self.width)
        lengths = np.clip(self._row_lengths - start, 0, stop - start)
        X = {
            "X": torch.from_numpy(np.ascontiguousarray(self._inputs[:, start:stop])),
            "lengths": torch.from_numpy(lengths),
            "carry": torch.tensor(k > 0),
        }
        return X, torch.from_numpy(np.ascontiguousarray(self._targets[:, start:stop]))

    def batches(self) -> Iterator[tuple[dict, torch.Tensor]]:
        """The windows in order (never shuffled: each goes on from the last)."""
        for k in range(self.n_windows):
            yield self.window(k)

    def __getitem__(self, index):
        raise TypeError("A stream is read in order, a window at a time (batches()).")

    def take(self, index: np.ndarray) -> StreamDataset:
        """The part of the stream whose predictions are at ``index`` (consecutive
        positions), e.g. a validation split's."""
        index = np.asarray(index)
        if len(index) == 0:
            return StreamDataset(self.stream[:1], self.n_rows, self.bptt)
        start, stop = int(index[0]), int(index[-1]) + 1
        if stop - start != len(index):
            raise ValueError("A stream is split into consecutive parts only.")
        return StreamDataset(self.stream[start : stop + 1], self.n_rows, self.bptt)
