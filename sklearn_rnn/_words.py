"""Sentences given as lists of words, to token ids and the characters of each token.

A tagger reads words: :class:`WordIndex` numbers the words and the characters of a
training set, and turns any sentences into :class:`~sklearn_rnn._data.Sequences`
of word ids with a :class:`~sklearn_rnn._data.CharTable`, so that a word never seen
in training still has its characters. No torch here.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np

from ._data import OOV_ID, PAD_ID, CharTable, Sequences

__all__ = ["MAX_WORD_CHARS", "WordIndex", "is_word_sequences"]

#: Words longer than this keep their first and last ``MAX_WORD_CHARS // 2``
#: characters (a URL of 80 characters is tagged by its shape, not by all of them).
MAX_WORD_CHARS = 24

_FIRST_ID = OOV_ID + 1


def is_word_sequences(X) -> bool:
    """Whether ``X`` is a list of sentences given as lists of str (its first
    non-empty sentence decides; every item is checked by :meth:`WordIndex.encode`)."""
    if isinstance(X, (str, bytes)) or not isinstance(X, (list, tuple)) or not X:
        # A 1D object array or Series of lists is a list of sentences too.
        if getattr(X, "ndim", None) == 1 and getattr(X.dtype, "kind", "") == "O":
            X = list(X)
        else:
            return False
    for sentence in X[:50]:
        if isinstance(sentence, (str, bytes)):
            return False
        if isinstance(sentence, (list, tuple)) and sentence:
            return isinstance(sentence[0], str)
        if getattr(sentence, "dtype", None) is not None and len(sentence):
            return sentence.dtype.kind in "UO" and isinstance(sentence[0], str)
    return False


def _sentences(X) -> list[list[str]]:
    """``X`` as a new list of lists of str, or a TypeError naming the bad item."""
    out = []
    for i, sentence in enumerate(X):
        if isinstance(sentence, (str, bytes)) or not hasattr(sentence, "__len__"):
            raise TypeError(
                f"X is read as sentences given as lists of words, but X[{i}] is "
                f"{type(sentence).__name__} {sentence!r:.60}; every sentence must "
                "be a list of str (split text into words first)."
            )
        words = list(sentence)
        if not all(isinstance(w, str) for w in words):
            j, bad = next((j, w) for j, w in enumerate(words) if not isinstance(w, str))
            raise TypeError(
                f"Word {j} of sentence {i} of X is {type(bad).__name__} {bad!r:.60}; "
                "every word must be a str."
            )
        out.append(words)
    return out


def _clip_word(word: str) -> str:
    if len(word) <= MAX_WORD_CHARS:
        return word
    half = MAX_WORD_CHARS // 2
    return word[:half] + word[-half:]


class WordIndex:
    """Ids for the words and characters of a training set.

    Word ids are given in order of decreasing count, ties broken alphabetically
    (so the numbering does not depend on the order of the sentences), from 2: 0 is
    padding and 1 an unknown word. Character ids likewise, for the characters of
    the training words (1: an unknown character).

    Parameters
    ----------
    sentences : list of list of str
        The training sentences.

    Attributes
    ----------
    vocabulary : dict
        ``word -> id``.
    counts : ndarray of shape (vocab_size,)
        How often each id occurred in training (0 for padding and unknown).
    char_vocabulary : dict
        ``character -> id``.
    """

    def __init__(self, sentences: list[list[str]]):
        # Validated first: a word that is not a str would otherwise fail in the
        # ranking below with a TypeError that names neither the word nor its place.
        sentences = _sentences(sentences)
        words = Counter(chain.from_iterable(sentences))
        ranked = sorted(words.items(), key=lambda item: (-item[1], item[0]))
        self.vocabulary = {w: i for i, (w, _) in enumerate(ranked, start=_FIRST_ID)}
        self.counts = np.zeros(len(ranked) + _FIRST_ID, dtype=np.float32)
        self.counts[_FIRST_ID:] = [c for _, c in ranked]
        chars = Counter()
        for word, count in words.items():
            for char in _clip_word(word):
                chars[char] += count
        ranked_chars = sorted(chars.items(), key=lambda item: (-item[1], item[0]))
        self.char_vocabulary = {
            c: i for i, (c, _) in enumerate(ranked_chars, start=_FIRST_ID)
        }

    @property
    def vocab_size(self) -> int:
        return len(self.vocabulary) + _FIRST_ID

    @property
    def n_chars(self) -> int:
        return len(self.char_vocabulary) + _FIRST_ID

    def encode(self, X, *, chars: bool) -> Sequences:
        """``X``'s sentences as left-aligned word ids (unknown words: 1), with the
        characters of every token when ``chars``."""
        sentences = _sentences(X)
        lengths = np.fromiter(map(len, sentences), np.int64, count=len(sentences))
        width = max(int(lengths.max(initial=0)), 1)
        valid = np.arange(width)[None, :] < lengths[:, None]
        flat = list(chain.from_iterable(sentences))
        get = self.vocabulary.get
        ids = np.zeros((len(sentences), width), dtype=np.int64)
        ids[valid] = np.fromiter(
            (get(w, OOV_ID) for w in flat), np.int64, count=len(flat)
        )
        table = None
        if chars:
            # One row per distinct word of X (row 0: the empty word of padding).
            types = {"": 0}
            type_of = types.setdefault
            index = np.zeros((len(sentences), width), dtype=np.int64)
            index[valid] = np.fromiter(
                (type_of(w, len(types)) for w in flat), np.int64, count=len(flat)
            )
            clipped = [_clip_word(w) for w in types]
            char_lengths = np.fromiter(map(len, clipped), np.int64, len(clipped))
            block = np.full(
                (len(clipped), max(int(char_lengths.max(initial=0)), 1)), PAD_ID
            )
            cget = self.char_vocabulary.get
            block[np.arange(block.shape[1])[None, :] < char_lengths[:, None]] = [
                cget(c, OOV_ID) for c in chain.from_iterable(clipped)
            ]
            table = CharTable(index, block.astype(np.int64), char_lengths)
        return Sequences(ids, lengths, "tokens", chars=table)
