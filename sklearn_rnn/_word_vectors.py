"""Pretrained word vectors, aligned to a vectorizer's vocabulary.

:func:`load_word_vectors` reads the text formats of word2vec and GloVe;
:func:`align_word_vectors` builds the embedding table of a vocabulary (a fitted
:class:`~sklearn_rnn.SequenceVectorizer`, or its ``vocabulary_``) from vectors the
user has (a mapping word -> vector, a gensim ``KeyedVectors``, or a file), with a
report of how much of the vocabulary the vectors cover. The table goes to the
estimators' ``embedding_init``. Nothing is ever downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from sklearn.utils import check_random_state

from ._data import OOV_ID, PAD_ID

__all__ = ["WordVectorCoverage", "align_word_vectors", "load_word_vectors"]


def load_word_vectors(
    path: str | os.PathLike[str], *, limit: int | None = None
) -> dict[str, np.ndarray]:
    """Read word vectors from a word2vec or GloVe text file.

    One word a line, then its vector's numbers, separated by spaces. A first line
    of two integers (word2vec's ``count dimension`` header) is skipped; GloVe
    files have none. The file may be gzip-compressed and must be UTF-8.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    limit : int, default=None
        Read only the first ``limit`` words (the files list the most frequent
        words first).

    Returns
    -------
    vectors : dict of str to ndarray of shape (dimension,)
        The vectors, float32, in file order.

    Raises
    ------
    ValueError
        If a line's vector has another dimension than the first's, or holds
        something that is not a number.

    Examples
    --------
    >>> import tempfile, os
    >>> from sklearn_rnn import load_word_vectors
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write("2 3\\ngood 0.1 0.2 0.3\\nbad -0.1 -0.2 -0.3\\n")
    >>> vectors = load_word_vectors(path)
    >>> sorted(vectors), vectors["good"].shape
    (['bad', 'good'], (3,))
    """
    from ._datasets import _read_text

    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
    ):
        raise ValueError(f"limit={limit!r} must be a positive integer or None.")
    vectors: dict[str, np.ndarray] = {}
    dimension = None
    for number, line in enumerate(
        _read_text(path, "word vectors").split("\n"), start=1
    ):
        parts = line.rstrip().split(" ")
        if len(parts) < 2:
            continue
        if number == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
            continue  # word2vec's header
        word, values = parts[0], parts[1:]
        try:
            vector = np.array(values, dtype=np.float32)
        except ValueError:
            raise ValueError(
                f"{path}, line {number}: the vector of {word!r} holds something "
                "that is not a number. Is this a word2vec/GloVe text file (not "
                "word2vec's binary format)?"
            ) from None
        if dimension is None:
            dimension = len(vector)
        elif len(vector) != dimension:
            raise ValueError(
                f"{path}, line {number}: {word!r} has a vector of {len(vector)} "
                f"numbers, the lines before have {dimension}."
            )
        vectors.setdefault(word, vector)
        if limit is not None and len(vectors) >= limit:
            break
    if not vectors:
        raise ValueError(f"{path} holds no word vectors.")
    return vectors


@dataclass(frozen=True)
class WordVectorCoverage:
    """How much of a vocabulary pretrained vectors cover.

    Made by :func:`align_word_vectors`; ``str()`` says it in a sentence.

    Parameters
    ----------
    n_tokens : int
        Tokens of the vocabulary (padding and the unknown id not counted).
    n_found : int
        Tokens with a vector (as they are, or lowercased).
    n_found_lowercase : int
        Of those, tokens found only lowercased.
    missing : list of str
        Up to 20 tokens without a vector, in id order (the most frequent first,
        for a vocabulary ordered by frequency).

    Attributes
    ----------
    coverage : float
        The share of the vocabulary's tokens that have a vector.

    Examples
    --------
    >>> from sklearn_rnn import WordVectorCoverage
    >>> str(WordVectorCoverage(n_tokens=4, n_found=3, n_found_lowercase=1))
    '3 of 4 tokens have a vector (75.0%; 1 lowercased)'
    """

    n_tokens: int
    n_found: int
    n_found_lowercase: int
    missing: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """The share of the vocabulary's tokens that have a vector."""
        return self.n_found / self.n_tokens if self.n_tokens else 0.0

    def __str__(self) -> str:
        return (
            f"{self.n_found:,} of {self.n_tokens:,} tokens have a vector "
            f"({self.coverage:.1%}; {self.n_found_lowercase:,} lowercased)"
        )


def _lookup(vectors):
    """``vectors`` as a function word -> vector or None, and its dimension."""
    if isinstance(vectors, (str, os.PathLike)):
        vectors = load_word_vectors(vectors)
    if hasattr(vectors, "key_to_index") and hasattr(vectors, "get_vector"):
        keyed = vectors  # gensim's KeyedVectors (used without importing gensim)
        return (
            lambda w: keyed.get_vector(w) if w in keyed.key_to_index else None,
            int(keyed.vector_size),
        )
    if not isinstance(vectors, Mapping):
        raise TypeError(
            "vectors must be a mapping word -> vector, a gensim KeyedVectors, or "
            f"the path of a word2vec/GloVe text file; got {type(vectors).__name__}."
        )
    if not vectors:
        raise ValueError("vectors is empty: there is no word vector to use.")
    dimension = len(np.ravel(next(iter(vectors.values()))))
    return vectors.get, dimension


def align_word_vectors(
    vocabulary,
    vectors,
    *,
    lowercase: bool = True,
    random_state=None,
) -> tuple[np.ndarray, WordVectorCoverage]:
    """The embedding table of a vocabulary, from pretrained word vectors.

    Row ``i`` of the table is the vector of the token whose id is ``i``: the
    ``embedding_init`` of :class:`RNNClassifier` and :class:`RNNRegressor`. Row 0
    (padding) is zero; row 1 (unknown tokens) is the mean of the vectors found;
    a token without a vector gets a random one, normal with the found vectors'
    per-dimension mean and spread, so that it starts among them.

    Parameters
    ----------
    vocabulary : SequenceVectorizer or Mapping of str to int
        A fitted :class:`SequenceVectorizer`, or its ``vocabulary_`` (token ->
        id, ids from 2).
    vectors : Mapping, gensim KeyedVectors, str or os.PathLike
        The pretrained vectors: a mapping word -> vector, a gensim
        ``KeyedVectors`` (``model.wv``), or the path of a word2vec/GloVe text
        file (read by :func:`load_word_vectors`).
    lowercase : bool, default=True
        Look a token up lowercased when it has no vector as it is.
    random_state : int, RandomState instance or None, default=None
        Seeds the vectors of tokens that have none.

    Returns
    -------
    table : ndarray of shape (vocab_size, dimension)
        The table, float32; ``vocab_size`` is the largest id + 1.
    coverage : WordVectorCoverage
        How many of the vocabulary's tokens have a vector; ``str(coverage)``
        says it in a sentence.

    Raises
    ------
    ValueError
        If the vectorizer is not fitted, the vocabulary is empty, a vector has
        another dimension, or no token of the vocabulary has a vector.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import SequenceVectorizer, align_word_vectors
    >>> vectorizer = SequenceVectorizer().fit(["a good film", "a bad film"])
    >>> vectors = {"good": np.ones(3), "bad": -np.ones(3), "film": np.zeros(3)}
    >>> table, coverage = align_word_vectors(vectorizer, vectors, random_state=0)
    >>> table.shape, str(coverage)
    ((6, 3), '3 of 4 tokens have a vector (75.0%; 0 lowercased)')
    >>> bool((table[vectorizer.vocabulary_["good"]] == 1).all())
    True
    """
    from sklearn.utils.validation import check_is_fitted

    from ._text import SequenceVectorizer

    if isinstance(vocabulary, SequenceVectorizer):
        check_is_fitted(vocabulary, "vocabulary_")
        vocabulary = vocabulary.vocabulary_
    if not isinstance(vocabulary, Mapping):
        raise TypeError(
            "vocabulary must be a fitted SequenceVectorizer or its vocabulary_ "
            f"(a mapping token -> id); got {type(vocabulary).__name__}."
        )
    if not vocabulary:
        raise ValueError("vocabulary is empty: there are no tokens to align.")
    get, dimension = _lookup(vectors)
    size = max(int(i) for i in vocabulary.values()) + 1
    table = np.zeros((max(size, OOV_ID + 1), dimension), dtype=np.float32)
    found = np.zeros(len(table), dtype=bool)
    n_lower, missing = 0, []
    for token, i in sorted(vocabulary.items(), key=lambda item: item[1]):
        vector = get(token)
        if vector is None and lowercase and token.lower() != token:
            vector = get(token.lower())
            n_lower += vector is not None
        if vector is None:
            if len(missing) < 20:
                missing.append(token)
            continue
        vector = np.asarray(vector, dtype=np.float32).ravel()
        if vector.shape != (dimension,):
            raise ValueError(
                f"The vector of {token!r} has {vector.size} numbers; the others "
                f"have {dimension}."
            )
        table[i], found[i] = vector, True
    n_found = int(found.sum())
    if n_found == 0:
        raise ValueError(
            "No token of the vocabulary has a vector (e.g. "
            f"{', '.join(repr(t) for t in missing[:5])}): are the vectors of the "
            "same language and tokenization (lowercase, punctuation)?"
        )
    mean, spread = table[found].mean(axis=0), table[found].std(axis=0)
    rng = check_random_state(random_state)
    ids = sorted(int(i) for i in vocabulary.values())
    unfound = [i for i in ids if i > OOV_ID and not found[i]]
    table[unfound] = rng.normal(mean, spread, size=(len(unfound), dimension))
    table[PAD_ID] = 0.0
    table[OOV_ID] = mean
    coverage = WordVectorCoverage(len(vocabulary), n_found, n_lower, missing)
    return table, coverage
