"""Raw text to padded token-id matrices, the input the RNN estimators read."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import partial
from itertools import chain, repeat
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    strip_accents_ascii,
    strip_accents_unicode,
)
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)
from sklearn.utils.validation import check_array, check_is_fitted

from ._data import OOV_ID, PAD_ID
from ._warnings import warn

__all__ = ["OOV_TOKEN", "SequenceVectorizer"]

#: The token :meth:`SequenceVectorizer.inverse_transform` shows for id 1.
OOV_TOKEN = "<unk>"

#: The first id of a real token (0 is padding, 1 out-of-vocabulary).
FIRST_ID = OOV_ID + 1

#: Documents are tokenized in blocks of this many, which bounds the memory held by
#: token lists while keeping the per-block numpy work large.
_BLOCK = 8192

_DEFAULT_TOKEN_PATTERN = r"(?u)\b\w+\b"
_WHITE_SPACES = re.compile(r"\s\s+")

#: Token patterns whose ``findall`` gives the maximal runs of word characters.
_WORD_PATTERNS = frozenset(
    {_DEFAULT_TOKEN_PATTERN, r"\b\w+\b", r"\w+", r"(?u)\w+", r"(?u)\b\w+"}
)
#: strip_accents settings that leave ASCII text unchanged.
_ASCII_NO_OPS = frozenset({"ascii", "unicode"})


def _ascii_table(lower: bool) -> bytes:
    """A ``bytes.translate`` table: ``\\w`` bytes kept (or lowercased), others space."""
    out = bytearray(b" " * 256)
    for code in range(128):
        char = chr(code)
        if char.isalnum() or char == "_":
            out[code] = ord(char.lower()) if lower else code
    return bytes(out)


_ASCII_LOWER = _ascii_table(lower=True)
_ASCII_KEEP = _ascii_table(lower=False)


# --------------------------------------------------------------------------------------
# Module-level building blocks (picklable, shared by build_analyzer and the batch path)
# --------------------------------------------------------------------------------------


def _identity(doc):
    return doc


def _lower_then(doc, accent_function):
    return accent_function(doc.lower())


def _token_list(tokens, source: str) -> list:
    """``tokens`` (what a user's ``tokenizer`` or ``analyzer`` returned) as a list,
    or a TypeError that names the callable."""
    if isinstance(tokens, list):
        return tokens
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Iterable):
        raise TypeError(
            f"{source} must return a list (or another iterable) of tokens for each "
            f"document; it returned {type(tokens).__name__} {tokens!r:.60}."
        )
    return list(tokens)


def _word_analyzer(doc, preprocess, tokenize, stop_words):
    if preprocess is not None:
        doc = preprocess(doc)
    tokens = _token_list(tokenize(doc), "tokenizer")
    if stop_words:
        return [t for t in tokens if t not in stop_words]
    return tokens


def _char_analyzer(doc, preprocess):
    if preprocess is not None:
        doc = preprocess(doc)
    return list(_WHITE_SPACES.sub(" ", doc))


def _callable_analyzer(doc, analyzer):
    return _token_list(analyzer(doc), "analyzer")


def _map_list(analyze, docs):
    return list(map(analyze, docs))


def _word_tokens(docs, findall, preprocess):
    if preprocess is None:
        return list(map(findall, docs))
    return list(map(findall, map(preprocess, docs)))


def _word_tokens_fast(docs, table, findall, preprocess):
    """``findall(preprocess(doc))`` for each doc, with ASCII docs done by ``table``.

    For an ASCII document, lowercasing and accent stripping change nothing but the
    case of A-Z, which ``table`` applies, and the maximal runs of ``\\w`` characters
    are the words left by a split once every other character is a space.
    """
    if all(map(str.isascii, docs)):
        encoded = map(bytes.translate, map(str.encode, docs), repeat(table))
        return list(map(str.split, map(bytes.decode, encoded)))
    if preprocess is None:
        preprocess = _identity
    return [
        doc.encode().translate(table).decode().split()
        if doc.isascii()
        else findall(preprocess(doc))
        for doc in docs
    ]


def _without_stop_words(docs, tokens, stop_words):
    return [[t for t in toks if t not in stop_words] for toks in tokens(docs)]


def _map_tokens(docs, preprocess):
    """``preprocess`` applied to each token of each pre-tokenised document on its own.

    One token in, one token out, in order: nothing is split, merged or dropped, so
    each document keeps its length (and per-token labels stay aligned).
    """
    return list(map(list, map(map, repeat(preprocess), docs)))


def _map_tokens_ascii_fast(docs, ascii_preprocess, preprocess):
    """:func:`_map_tokens` for accent stripping that leaves ASCII tokens unchanged.

    A block whose tokens are all ASCII gets ``ascii_preprocess`` only (``str.lower``,
    or None for nothing), at C speed; other blocks get ``preprocess``.
    """
    if all(map(str.isascii, chain.from_iterable(docs))):
        if ascii_preprocess is None:
            return docs
        return _map_tokens(docs, ascii_preprocess)
    return _map_tokens(docs, preprocess)


def _map_tokens_checked(docs, preprocess):
    """:func:`_map_tokens` with a user's ``preprocessor``, whose results are checked."""
    token_lists = _map_tokens(docs, preprocess)
    if not all(map(isinstance, chain.from_iterable(token_lists), repeat(str))):
        i, j, bad = _first_non_str_token(token_lists)
        raise TypeError(
            "preprocessor must return a str for each token of pre-tokenised input; "
            f"for token {docs[i][j]!r} (document {i}, position {j}) it returned "
            f"{type(bad).__name__} {bad!r:.60}."
        )
    return token_lists


def _first_non_str_token(token_lists):
    """``(document, position, token)`` of the first token that is not a str."""
    return next(
        (i, j, token)
        for i, tokens in enumerate(token_lists)
        for j, token in enumerate(tokens)
        if not isinstance(token, str)
    )


def _scatter(out: np.ndarray, flat: np.ndarray, lengths: np.ndarray, padding: str):
    """Fill the rows of ``out`` with consecutive runs of ``flat`` (one per row).

    Every ``lengths[i] <= out.shape[1]``. A boolean mask assignment fills ``out`` in
    row-major order, which is exactly the order of ``flat``.
    """
    cols = np.arange(out.shape[1])
    if padding == "post":
        mask = cols < lengths[:, None]
    else:
        mask = cols >= (out.shape[1] - lengths)[:, None]
    out[mask] = flat


def _truncate_flat(flat, lengths, length, truncating):
    """Cut every run of ``flat`` longer than ``length`` at the chosen end."""
    if lengths.max(initial=0) <= length:
        return flat, lengths
    kept = np.minimum(lengths, length)
    starts = np.cumsum(lengths) - lengths
    first = starts if truncating == "post" else starts + lengths - kept
    out_starts = np.cumsum(kept) - kept
    index = np.repeat(first - out_starts, kept) + np.arange(int(kept.sum()))
    return flat[index], kept


def _is_missing(value) -> bool:
    """None, NaN, pd.NA and the like."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):  # pd.NA: its truth value is ambiguous
        return True


#: The types of a pre-tokenised document: a sequence of str tokens.
_TOKEN_SEQUENCES = (list, tuple, np.ndarray)


def _lengths_of(token_lists) -> np.ndarray:
    return np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))


class SequenceVectorizer(TransformerMixin, BaseEstimator):
    r"""Turn raw text documents into a padded matrix of token ids.

    Where :class:`~sklearn.feature_extraction.text.CountVectorizer` counts tokens
    (a bag of words, order lost), this transformer keeps the order: each document
    becomes the sequence of its tokens' ids, padded or truncated to one length. The
    output is exactly what :class:`RNNClassifier` and :class:`RNNRegressor` read as
    token input, so ``make_pipeline(SequenceVectorizer(), RNNClassifier())`` learns
    straight from a list of strings. It also takes documents that are already
    tokenised (lists of str tokens, e.g. for a sequence tagger), and then gives
    exactly one id per token, in order: see "Pre-tokenised input" in the Notes.

    Ids are reserved as the estimators read them: **0 is padding** (it never stands
    for a token) and **1 is an out-of-vocabulary token**. Vocabulary ids start at 2,
    in order of decreasing document frequency, ties broken alphabetically, so the
    vocabulary does not depend on the order of the documents. ``vocab_size_``
    counts the reserved ids too (it is the largest id plus one): it is the size an
    embedding table needs, with no "+1" to add.

    Unlike Keras's ``Tokenizer.fit_on_texts``, every call to :meth:`fit` starts
    from scratch.

    Parameters
    ----------
    lowercase : bool, default=True
        Convert the text to lowercase before tokenizing (with pre-tokenised input,
        each token).

    strip_accents : {"ascii", "unicode"} or callable, default=None
        Remove accents and perform other character normalization before
        tokenizing: "ascii" is fast but only for characters with a direct ASCII
        equivalent, "unicode" works on any character; a callable is applied to
        the (lowercased) text. None does nothing. Ignored when ``preprocessor`` is
        given. With pre-tokenised input, applied to each token.

    preprocessor : callable, default=None
        Replace the preprocessing (lowercasing and accent stripping) with this
        ``str -> str`` function. Used with ``analyzer="word"`` and ``"char"``;
        with pre-tokenised input it is called on each token, and must return a
        str.

    tokenizer : callable, default=None
        Replace the regular-expression tokenization with this ``str -> list of
        tokens`` function. Used with ``analyzer="word"`` only; not used with
        pre-tokenised input (a warning says so if it is set).

    token_pattern : str, default=r"(?u)\b\w+\b"
        Regular expression of what a token is, used with ``analyzer="word"`` when
        ``tokenizer`` is None. The default keeps one-character tokens such as "I"
        and "a" (unlike CountVectorizer's, which drops them: word order and short
        words matter to a sequence model) and drops punctuation. A pattern with one
        capturing group yields the group's content. Not used with pre-tokenised
        input (a warning says so if it is not the default).

    analyzer : {"word", "char"} or callable, default="word"
        What the tokens are: words, single characters (runs of white space
        collapsed to one space first, as in CountVectorizer), or the tokens a
        callable ``str -> list of tokens`` returns from the raw document (the
        callable then replaces ``lowercase``, ``strip_accents``, ``preprocessor``,
        ``tokenizer``, ``token_pattern`` and ``stop_words``). Pre-tokenised input
        needs ``"word"`` (a ValueError otherwise): its tokens are given.

    stop_words : {"english"}, list or None, default=None
        Tokens removed from the sequences (after preprocessing and tokenizing),
        with ``analyzer="word"`` only. "english" is scikit-learn's
        ``ENGLISH_STOP_WORDS``. Note that stop words are dropped, not marked as
        unknown: they take no position in the sequence. Must be None with
        pre-tokenised input (a ValueError otherwise): dropping tokens would
        misalign per-token labels.

    max_features : int, default=None
        Keep only the ``max_features`` tokens of highest document frequency (ties
        broken alphabetically, after ``min_df`` and ``max_df``), which are the
        ids ``2 ... max_features + 1``; other tokens become out-of-vocabulary (id
        1). CountVectorizer ranks by total count instead; here the ranking that
        selects the tokens is the one that numbers them. Ignored when
        ``vocabulary`` is given.

    min_df : float in [0.0, 1.0] or int, default=1
        Ignore tokens found in fewer documents than this: an int is a number of
        documents, a float a proportion of them. Ignored tokens become
        out-of-vocabulary (id 1); they keep their position in the sequence.
        Ignored when ``vocabulary`` is given.

    max_df : float in [0.0, 1.0] or int, default=1.0
        Ignore tokens found in more documents than this (an int is a number of
        documents, a float a proportion), e.g. corpus-specific stop words; they
        become out-of-vocabulary (id 1). Ignored when ``vocabulary`` is given.

    vocabulary : Mapping or iterable, default=None
        A fixed vocabulary instead of one learned from the documents: either a
        mapping ``token -> id`` whose ids are exactly ``2, 3, ..., len + 1`` in
        any order, or an iterable of distinct tokens, numbered 2, 3, ... in
        iteration order (a set is sorted first).

    max_length : int, default=None
        The length of every output sequence. None uses the length of the longest
        document seen in :meth:`fit` (at least 1); with text input, longer
        documents are truncated in :meth:`transform`. With pre-tokenised input and
        None, no document is ever truncated: :meth:`transform` widens its output
        to its longest document when that is longer than ``max_length_``. With
        pre-tokenised input and an int, documents are truncated as text is (see
        ``truncating``); a per-token tagger downstream then refuses labels longer
        than the truncated sequence, as it cannot know which end was cut.

    padding : {"pre", "post"}, default="post"
        Put the padding zeros after (``"post"``) or before (``"pre"``) the tokens.
        The RNN estimators read 0 as padding wherever it is, so both give the same
        predictions.

    truncating : {"pre", "post"}, default="post"
        Which end of a too-long document is cut: ``"post"`` keeps the first
        ``max_length`` tokens, ``"pre"`` keeps the last ones.

    dtype : dtype, default=np.int64
        Type of the output matrix. It must be an integer type wide enough for
        the largest id (checked in :meth:`fit`).

    Attributes
    ----------
    vocabulary_ : dict
        A mapping of tokens to ids (``2 ... vocab_size_ - 1``).

    vocab_size_ : int
        The number of ids the output can hold, the reserved 0 and 1 included:
        ``len(vocabulary_) + 2``. Pass it as the size of an embedding table.

    max_length_ : int
        The number of columns of the output: ``max_length``, or the length of the
        longest document seen in :meth:`fit` (at least 1). With pre-tokenised input
        and ``max_length=None`` it is the least number of columns: a longer
        document widens the output of :meth:`transform`.

    fixed_vocabulary_ : bool
        True when ``vocabulary`` was given rather than learned.

    pretokenized_ : bool
        True when :meth:`fit` was given pre-tokenised documents (lists of str
        tokens), False for text; :meth:`transform` then expects the same kind.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words token counts.
    RNNClassifier : Reads the token-id matrix this transformer makes.
    RNNRegressor : Reads the token-id matrix this transformer makes.

    Notes
    -----
    :meth:`inverse_transform` shows the out-of-vocabulary id 1 as the token
    ``"<unk>"`` (``sklearn_rnn._text.OOV_TOKEN``).

    With the default settings the text is tokenized with one compiled regular
    expression and the padding is done with numpy, several times faster per
    document than CountVectorizer's analyzer followed by a dict lookup per token
    (see ``benchmarks/bench_tokenizer.py``).

    **Pre-tokenised input.** ``X`` is pre-tokenised when its documents are lists,
    tuples or 1D arrays of str tokens, e.g. ``[["The", "cat", "sat"], ["Hi", "!"]]``
    (a flat list of str is a list of text documents: wrap a single tokenised
    document in a list). This is the input of a sequence tagger, which needs
    exactly one id per token, in order, so that its per-token labels stay aligned;
    every parameter keeps that invariant. Each token is preprocessed on its own
    (``lowercase``, ``strip_accents`` or ``preprocessor``) and stays one token
    whatever it becomes, even empty or holding spaces: nothing is re-tokenised,
    so ``tokenizer`` and ``token_pattern`` are not used. ``stop_words`` must be
    None and ``analyzer`` ``"word"``. Punctuation tokens are tokens like any
    other. The vocabulary is learned as for text (``min_df``, ``max_df``,
    ``max_features`` and ``vocabulary`` work the same way), and pruned or unknown
    tokens keep their position as id 1. With ``max_length=None`` nothing is ever
    truncated: :meth:`transform` returns ``max(max_length_, longest document)``
    columns, so a tagger gets an id for every token at predict time, and
    :meth:`get_feature_names_out`, which names ``max_length_`` columns, can name
    fewer than such an output has. The kind of input is fixed by :meth:`fit`
    (``pretokenized_``): :meth:`transform` refuses text after token lists and
    the other way round. A mix of str and token lists in one ``X`` is a TypeError,
    as is a token that is not a str.

    Examples
    --------
    >>> from sklearn_rnn import SequenceVectorizer
    >>> texts = ["I loved this film", "I hated it", ""]
    >>> vectorizer = SequenceVectorizer().fit(texts)
    >>> vectorizer.vocabulary_
    {'i': 2, 'film': 3, 'hated': 4, 'it': 5, 'loved': 6, 'this': 7}
    >>> vectorizer.vocab_size_, vectorizer.max_length_
    (8, 4)
    >>> X = vectorizer.transform(["I loved it!", "a new film", ""])
    >>> X
    array([[2, 6, 5, 0],
           [1, 1, 3, 0],
           [0, 0, 0, 0]])
    >>> vectorizer.inverse_transform(X)
    [['i', 'loved', 'it'], ['<unk>', '<unk>', 'film'], []]

    Pre-tokenised documents get one id per token; with ``max_length=None`` a
    longer document at transform keeps all its tokens:

    >>> tagger = SequenceVectorizer().fit([["The", "cat", "sat"], ["Hi", "!"]])
    >>> tagger.vocabulary_
    {'!': 2, 'cat': 3, 'hi': 4, 'sat': 5, 'the': 6}
    >>> tagger.transform([["The", "cat", "sat", "on", "the", "mat", "."], ["Hi"]])
    array([[6, 3, 5, 1, 6, 1, 1],
           [4, 0, 0, 0, 0, 0, 0]])
    """

    _parameter_constraints: dict = {
        "lowercase": ["boolean"],
        "strip_accents": [StrOptions({"ascii", "unicode"}), None, callable],
        "preprocessor": [callable, None],
        "tokenizer": [callable, None],
        "token_pattern": [str, None],
        "analyzer": [StrOptions({"word", "char"}), callable],
        "stop_words": [StrOptions({"english"}), list, tuple, set, frozenset, None],
        "max_features": [Interval(Integral, 1, None, closed="left"), None],
        "min_df": [
            Interval(RealNotInt, 0, 1, closed="both"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "max_df": [
            Interval(RealNotInt, 0, 1, closed="both"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "vocabulary": [Mapping, HasMethods("__iter__"), None],
        "max_length": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"pre", "post"})],
        "truncating": [StrOptions({"pre", "post"})],
        "dtype": "no_validation",  # checked in fit: an integer numpy dtype
    }

    def __init__(
        self,
        *,
        lowercase: bool = True,
        strip_accents=None,
        preprocessor=None,
        tokenizer=None,
        token_pattern: str | None = _DEFAULT_TOKEN_PATTERN,
        analyzer="word",
        stop_words=None,
        max_features: int | None = None,
        min_df: float | int = 1,
        max_df: float | int = 1.0,
        vocabulary=None,
        max_length: int | None = None,
        padding: str = "post",
        truncating: str = "post",
        dtype=np.int64,
    ):
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.token_pattern = token_pattern
        self.analyzer = analyzer
        self.stop_words = stop_words
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.vocabulary = vocabulary
        self.max_length = max_length
        self.padding = padding
        self.truncating = truncating
        self.dtype = dtype

    # ----------------------------------------------------------------------------------
    # Builders (CountVectorizer's names)
    # ----------------------------------------------------------------------------------

    def _preprocess_function(self):
        """The preprocessing callable, or None when there is nothing to do."""
        if self.preprocessor is not None:
            return self.preprocessor
        if not self.strip_accents:
            accents = None
        elif callable(self.strip_accents):
            accents = self.strip_accents
        elif self.strip_accents == "ascii":
            accents = strip_accents_ascii
        elif self.strip_accents == "unicode":
            accents = strip_accents_unicode
        else:
            raise ValueError(
                f"Invalid value for strip_accents: {self.strip_accents!r}; use "
                "'ascii', 'unicode', a callable or None."
            )
        if accents is None:
            return str.lower if self.lowercase else None
        if self.lowercase:
            return partial(_lower_then, accent_function=accents)
        return accents

    def build_preprocessor(self):
        """Return the function that preprocesses a document before tokenization.

        Returns
        -------
        preprocessor : callable
            ``preprocessor`` if given, else lowercasing and accent stripping as
            set by ``lowercase`` and ``strip_accents``.
        """
        preprocess = self._preprocess_function()
        return _identity if preprocess is None else preprocess

    def build_tokenizer(self):
        """Return the function that splits a preprocessed document into tokens.

        Returns
        -------
        tokenizer : callable
            ``tokenizer`` if given, else the ``findall`` of the compiled
            ``token_pattern``.
        """
        if self.tokenizer is not None:
            return self.tokenizer
        if self.token_pattern is None:
            raise ValueError(
                "token_pattern=None needs a tokenizer: pass tokenizer=<callable> or a "
                "token_pattern."
            )
        try:
            pattern = re.compile(self.token_pattern)
        except re.error as exc:
            raise ValueError(
                f"token_pattern {self.token_pattern!r} is not a valid regular "
                f"expression: {exc}"
            ) from None
        if pattern.groups > 1:
            raise ValueError(
                "More than 1 capturing group in token pattern. Only a single group "
                "should be captured."
            )
        return pattern.findall

    def get_stop_words(self):
        """Return the effective stop words.

        Returns
        -------
        stop_words : frozenset or None
            The stop words, or None when there are none.
        """
        stop = self.stop_words
        if stop is None:
            return None
        if isinstance(stop, str):
            if stop == "english":
                return ENGLISH_STOP_WORDS
            raise ValueError(f"not a built-in stop list: {stop!r}")
        return frozenset(stop)

    def build_analyzer(self):
        """Return the function that turns one document into its list of tokens.

        The transformer's output for a document is this list's tokens mapped to
        their ids (then padded or truncated).

        Returns
        -------
        analyzer : callable
            ``str -> list of tokens``, the preprocessing, tokenization and stop-word
            removal chained.
        """
        if callable(self.analyzer):
            return partial(_callable_analyzer, analyzer=self.analyzer)
        preprocess = self._preprocess_function()
        if self.analyzer == "char":
            return partial(_char_analyzer, preprocess=preprocess)
        if self.analyzer == "word":
            return partial(
                _word_analyzer,
                preprocess=preprocess,
                tokenize=self.build_tokenizer(),
                stop_words=self.get_stop_words(),
            )
        raise ValueError(
            f"{self.analyzer!r} is not a valid analyzer; use 'word', 'char' or a "
            "callable."
        )

    def _analyze_many(self):
        """A function ``list of str -> list of token lists`` for a block of documents.

        It gives exactly the tokens of :meth:`build_analyzer`, faster. With a word
        pattern equivalent to ``\\w+`` (the default) and no custom preprocessor or
        tokenizer, ASCII documents are tokenized by a byte translation table (word
        characters kept, lowercased if asked, all others made spaces) and a split,
        several times faster than the regular expression, which still tokenizes the
        other documents. Otherwise the word analyzer is chained C-level maps.
        """
        analyze = self.build_analyzer()  # validates the parameters
        if callable(self.analyzer) or self.analyzer != "word":
            return partial(_map_list, analyze)
        preprocess = self._preprocess_function()
        tokenize = self.build_tokenizer()
        stop = self.get_stop_words()
        if (
            self.tokenizer is None
            and self.preprocessor is None
            and self.token_pattern in _WORD_PATTERNS
            and (self.strip_accents is None or self.strip_accents in _ASCII_NO_OPS)
        ):
            table = _ASCII_LOWER if self.lowercase else _ASCII_KEEP
            tokens = partial(
                _word_tokens_fast, table=table, findall=tokenize, preprocess=preprocess
            )
        elif self.tokenizer is None:  # re's findall gives lists
            tokens = partial(_word_tokens, findall=tokenize, preprocess=preprocess)
        else:
            return partial(_map_list, analyze)
        if stop:
            return partial(_without_stop_words, tokens=tokens, stop_words=stop)
        return tokens

    def _analyze_token_lists(self):
        """A function ``list of token lists -> list of token lists`` for pre-tokenised
        documents.

        Each token is preprocessed on its own (``preprocessor``, or ``lowercase``
        and ``strip_accents``), with C-level maps; it stays one token whatever it
        becomes (empty, or holding spaces). Nothing is tokenized or removed. With
        ``strip_accents`` "ascii" or "unicode", which change no ASCII token, a block
        of ASCII tokens is only lowercased (if asked).
        """
        self._check_pretokenized_params()
        if self.preprocessor is not None:
            return partial(_map_tokens_checked, preprocess=self.preprocessor)
        preprocess = self._preprocess_function()
        if preprocess is None:
            return _identity  # the token lists are read, never changed
        if self.strip_accents in _ASCII_NO_OPS:
            return partial(
                _map_tokens_ascii_fast,
                ascii_preprocess=str.lower if self.lowercase else None,
                preprocess=preprocess,
            )
        return partial(_map_tokens, preprocess=preprocess)

    # ----------------------------------------------------------------------------------
    # Validation
    # ----------------------------------------------------------------------------------

    def _check_pretokenized_params(self):
        """Refuse the parameters that would break one id per token."""
        if callable(self.analyzer) or self.analyzer != "word":
            shown = (
                "a callable analyzer"
                if callable(self.analyzer)
                else f"analyzer={self.analyzer!r}"
            )
            raise ValueError(
                f"{shown} cannot be used with pre-tokenised input (lists of "
                "tokens): the tokens are given, and there must be exactly one id per "
                "token. Use analyzer='word' (the default) with token lists; for "
                "character (or custom) analysis, pass the documents as strings."
            )
        if self.stop_words is not None:
            raise ValueError(
                f"stop_words={self.stop_words!r:.60} cannot be used with pre-tokenised "
                "input (lists of tokens): dropping tokens would shift the ids against "
                "per-token labels, which must stay aligned one to one. Use "
                "stop_words=None; to make some tokens unknown (id 1) while keeping "
                "their positions, use max_df or a fixed vocabulary without them."
            )

    def _check_documents(self, X) -> tuple[list, bool]:
        """The documents as a new list, and whether they are pre-tokenised.

        Text documents are str; pre-tokenised ones lists, tuples or 1D arrays of str
        tokens (1D arrays are turned into lists). The input is left untouched.
        """
        docs = self._document_list(X)
        if all(map(isinstance, docs, repeat(str))):
            return docs, False
        is_sequence = list(map(isinstance, docs, repeat(_TOKEN_SEQUENCES)))
        if not any(is_sequence):
            self._raise_for_non_string(docs)
        first_seq = is_sequence.index(True)
        first_str = next((i for i, d in enumerate(docs) if isinstance(d, str)), None)
        if first_str is not None:
            a, b = sorted((first_str, first_seq))
            raise TypeError(
                "X mixes text documents (str) and pre-tokenised documents (lists of "
                f"tokens): document {a} is {type(docs[a]).__name__} {docs[a]!r:.60} "
                f"but document {b} is {type(docs[b]).__name__} {docs[b]!r:.60}. Pass "
                "either strings (raw text) or lists of str tokens, not both."
            )
        if not all(is_sequence):
            i = is_sequence.index(False)
            bad = docs[i]
            hint = (
                " Replace missing values with [] first."
                if _is_missing(bad)
                else " Pass each document as a list (not a set or generator) of tokens."
                if isinstance(bad, Iterable) and not isinstance(bad, bytes)
                else ""
            )
            raise TypeError(
                "X is pre-tokenised (document "
                f"{first_seq} is a {type(docs[first_seq]).__name__} of tokens), so "
                "every document must be a list, tuple or 1D array of str tokens; "
                f"document {i} is {type(bad).__name__} {bad!r:.60}.{hint}"
            )
        if any(map(isinstance, docs, repeat(np.ndarray))):
            docs = [self._token_array_list(d, i) for i, d in enumerate(docs)]
        if not all(map(isinstance, chain.from_iterable(docs), repeat(str))):
            i, j, bad = _first_non_str_token(docs)
            hint = (
                " Decode bytes to str first."
                if isinstance(bad, bytes)
                else " Replace missing tokens with a str first (e.g. '' or "
                f"'{OOV_TOKEN}'): every token takes one position."
                if _is_missing(bad)
                else ""
            )
            raise TypeError(
                "Every token of pre-tokenised input must be a str; document "
                f"{i}, position {j} is {type(bad).__name__} {bad!r:.60}.{hint}"
            )
        return docs, True

    @staticmethod
    def _token_array_list(doc, i: int):
        """A pre-tokenised document given as an array, as a list (others as given)."""
        if not isinstance(doc, np.ndarray):
            return doc
        if doc.ndim != 1:
            raise TypeError(
                "A pre-tokenised document must be a 1D sequence of str tokens; "
                f"document {i} is an array of shape {doc.shape}. Pass one list (or "
                "1D array) of tokens per document."
            )
        return doc.tolist()

    @staticmethod
    def _raise_for_non_string(docs):
        i, bad = next((i, d) for i, d in enumerate(docs) if not isinstance(d, str))
        hint = (
            " Decode bytes to str first."
            if isinstance(bad, bytes)
            else " Replace missing values with '' first (e.g. Series.fillna(''))."
            if _is_missing(bad)
            else ""
        )
        raise TypeError(
            f"Every document must be a string; document {i} is "
            f"{type(bad).__name__} {bad!r}.{hint}"
        )

    def _check_mode(self, pretokenized: bool, n_docs: int):
        """Refuse in :meth:`transform` the other kind of input than in :meth:`fit`."""
        fitted = getattr(self, "pretokenized_", False)
        if n_docs and pretokenized != fitted:
            text = "text documents (str)"
            tokens = "pre-tokenised documents (lists of str tokens)"
            expected, got = (tokens, text) if fitted else (text, tokens)
            raise ValueError(
                f"This SequenceVectorizer was fitted on {expected}; transform got "
                f"{got}. Pass {expected}, the kind of input fit saw, or fit again on "
                "this kind."
            )

    @staticmethod
    def _document_list(X) -> list:
        """The items of ``X`` as a new list (the input is left untouched)."""
        if isinstance(X, (str, bytes)):
            raise ValueError(
                "Iterable over raw text documents expected, string object received."
            )
        if isinstance(X, Mapping):
            raise TypeError(
                "X must be a list, tuple, 1D array or pandas Series of strings (or of "
                f"lists of str tokens); got a {type(X).__name__}."
            )
        ndim = getattr(X, "ndim", None)
        if ndim is not None and ndim != 1:
            raise ValueError(
                f"X must be a 1D collection of text documents; got {ndim} dimensions "
                f"(shape {getattr(X, 'shape', None)}). Pass one column of text, e.g. "
                "df['text'] rather than df[['text']] (in a ColumnTransformer, the "
                "column name 'text' rather than the list ['text']). Pre-tokenised "
                "documents go in a list of token lists (or a 1D object array of them)."
            )
        if hasattr(X, "tolist") and ndim == 1:
            docs = X.tolist()
        else:
            try:
                docs = list(X)
            except TypeError:
                raise TypeError(
                    "X must be a list, tuple, 1D array or pandas Series of strings "
                    f"(or of lists of str tokens); got {type(X).__name__}."
                ) from None
        return docs

    def _check_dtype(self) -> np.dtype:
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            dtype = None
        if dtype is None or self.dtype is None or not np.issubdtype(dtype, np.integer):
            raise ValueError(
                "dtype must be an integer type such as np.int64 or np.int32; got "
                f"{self.dtype!r}."
            )
        return dtype

    def _validated_vocabulary(self) -> dict | None:
        """A new ``token -> id`` dict from ``vocabulary``, or None; checks the ids."""
        vocabulary = self.vocabulary
        if vocabulary is None:
            return None
        if isinstance(vocabulary, (str, bytes)):
            raise ValueError(
                "vocabulary must be a mapping token -> id or an iterable of tokens, "
                "not a single string."
            )
        if isinstance(vocabulary, Mapping):
            vocab = {}
            for token, index in vocabulary.items():
                if isinstance(index, bool) or not isinstance(index, Integral):
                    raise ValueError(
                        f"vocabulary ids must be integers; token {token!r} has id "
                        f"{index!r}."
                    )
                if index < FIRST_ID:
                    raise ValueError(
                        f"vocabulary ids must be >= {FIRST_ID}: {PAD_ID} is reserved "
                        f"for padding and {OOV_ID} for out-of-vocabulary tokens; token "
                        f"{token!r} has id {index}."
                    )
                vocab[token] = int(index)
            ids = set(vocab.values())
            if len(ids) != len(vocab):
                raise ValueError("vocabulary contains repeated ids.")
            expected = range(FIRST_ID, len(vocab) + FIRST_ID)
            missing = next((i for i in expected if i not in ids), None)
            if missing is not None:
                raise ValueError(
                    f"vocabulary ids must be {FIRST_ID} ... {len(vocab) + OOV_ID} "
                    f"without gaps for {len(vocab)} tokens; id {missing} is missing."
                )
        else:
            if isinstance(vocabulary, (set, frozenset)):
                vocabulary = sorted(vocabulary)
            vocab = {}
            for index, token in enumerate(vocabulary, start=FIRST_ID):
                if vocab.setdefault(token, index) != index:
                    raise ValueError(f"Duplicate token in vocabulary: {token!r}")
        if not vocab:
            raise ValueError("vocabulary is empty.")
        if self.lowercase and self.analyzer == "word" and self.preprocessor is None:
            if any(isinstance(t, str) and t != t.lower() for t in vocab):
                warn(
                    "Upper case characters found in vocabulary while 'lowercase' is "
                    "True. These entries will not be matched with any documents.",
                    UserWarning,
                )
        return vocab

    def _warn_for_unused_params(self, pretokenized: bool = False):
        if pretokenized:  # the other parameters were checked to be usable
            unused = ["tokenizer"] if self.tokenizer is not None else []
            if self.token_pattern not in (None, _DEFAULT_TOKEN_PATTERN):
                unused.append("token_pattern")
            for name in unused:
                warn(
                    f"The parameter {name!r} will not be used with pre-tokenised "
                    "input (lists of tokens): the tokens are given.",
                    UserWarning,
                )
            return
        unused = []
        if callable(self.analyzer):
            unused += [
                name
                for name in ("preprocessor", "tokenizer", "stop_words")
                if getattr(self, name) is not None
            ]
        elif self.analyzer == "char":
            unused += [n for n in ("tokenizer", "stop_words") if getattr(self, n)]
        if self.analyzer != "word" or self.tokenizer is not None:
            if self.token_pattern not in (None, _DEFAULT_TOKEN_PATTERN):
                unused.append("token_pattern")
        for name in unused:
            warn(
                f"The parameter {name!r} will not be used with analyzer="
                f"{self.analyzer!r}"
                + (" and a tokenizer." if name == "token_pattern" else "."),
                UserWarning,
            )

    def _check_stop_words_consistency(self):
        """Warn when the stop words would not survive preprocessing and tokenizing."""
        stop = self.get_stop_words()
        if not stop or self.analyzer != "word":
            return
        preprocess = self.build_preprocessor()
        tokenize = self.build_tokenizer()
        try:
            inconsistent = {
                token
                for word in stop
                for token in tokenize(preprocess(word))
                if token not in stop
            }
        except Exception:  # a custom preprocessor or tokenizer that cannot tell
            return
        if inconsistent:
            warn(
                "Your stop_words may be inconsistent with your preprocessing. "
                f"Tokenizing the stop words generated tokens {sorted(inconsistent)!r} "
                "not in stop_words.",
                UserWarning,
            )

    # ----------------------------------------------------------------------------------
    # Fit and transform
    # ----------------------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary and the sequence length from the documents.

        Parameters
        ----------
        X : list, tuple, 1D ndarray or pandas Series of str, or of token lists
            The text documents, or pre-tokenised documents: lists, tuples or 1D
            arrays of str tokens (one id each; see "Pre-tokenised input" in the
            class Notes). Which of the two is remembered in ``pretokenized_``.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceVectorizer
            The fitted transformer.
        """
        self._fit(X, want_output=False)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the vocabulary and return the padded id matrix, in one pass.

        Equal to ``fit(X).transform(X)``, but each document is tokenized once.

        Parameters
        ----------
        X : list, tuple, 1D ndarray or pandas Series of str, or of token lists
            The text documents, or pre-tokenised documents: lists, tuples or 1D
            arrays of str tokens (one id each; see "Pre-tokenised input" in the
            class Notes).
        y : None
            Ignored.

        Returns
        -------
        X_ids : ndarray of shape (n_documents, `max_length_`)
            The token ids of each document, padded with 0.
        """
        return self._fit(X, want_output=True)

    def _fit(self, X, *, want_output: bool):
        docs, pretokenized = self._check_documents(X)
        if not docs:
            raise ValueError(
                "Found 0 documents while a minimum of 1 is required by "
                "SequenceVectorizer."
            )
        dtype = self._check_dtype()
        if pretokenized:
            analyze_many = self._analyze_token_lists()
            self._warn_for_unused_params(pretokenized=True)
        else:
            self._warn_for_unused_params()
            self._check_stop_words_consistency()
            analyze_many = self._analyze_many()
        fixed = self._validated_vocabulary()

        if fixed is not None:
            vocabulary = fixed
            if not want_output and self.max_length is not None:
                flat = lengths = None  # nothing to learn from the documents
            else:
                get = fixed.get
                flats, all_lengths = [], []
                for start in range(0, len(docs), _BLOCK):
                    token_lists = analyze_many(docs[start : start + _BLOCK])
                    lengths = _lengths_of(token_lists)
                    flats.append(
                        np.fromiter(
                            map(get, chain.from_iterable(token_lists), repeat(OOV_ID)),
                            dtype=np.int64,
                            count=int(lengths.sum()),
                        )
                    )
                    all_lengths.append(lengths)
                flat, lengths = np.concatenate(flats), np.concatenate(all_lengths)
        else:
            vocabulary, flat, lengths = self._learn_vocabulary(
                docs, analyze_many, want_output
            )

        vocab_size = len(vocabulary) + FIRST_ID
        if vocab_size - 1 > np.iinfo(dtype).max:
            raise ValueError(
                f"dtype {dtype} cannot hold ids up to {vocab_size - 1}; use a wider "
                "integer type (e.g. np.int32 or np.int64) or a smaller max_features."
            )
        if self.max_length is not None:
            max_length = int(self.max_length)
        else:
            max_length = max(int(lengths.max(initial=0)), 1)

        self.vocabulary_ = vocabulary
        self.fixed_vocabulary_ = fixed is not None
        self.vocab_size_ = vocab_size
        self.max_length_ = max_length
        self.pretokenized_ = pretokenized
        if not want_output:
            return None
        flat, lengths = _truncate_flat(flat, lengths, max_length, self.truncating)
        out = np.zeros((len(docs), max_length), dtype=dtype)
        _scatter(out, flat, lengths, self.padding)
        return out

    def _learn_vocabulary(self, docs, analyze_many, want_output):
        """The vocabulary, every document's length, and (if wanted) their ids.

        The ids are not truncated; without ``want_output`` they are None.
        """
        # Provisional ids in order of first appearance, assigned at C speed.
        provisional = defaultdict()
        provisional.default_factory = provisional.__len__
        lookup = provisional.__getitem__
        pid_blocks, length_blocks, df = [], [], np.zeros(0, dtype=np.int64)
        for start in range(0, len(docs), _BLOCK):
            token_lists = analyze_many(docs[start : start + _BLOCK])
            lengths = _lengths_of(token_lists)
            pids = np.fromiter(
                map(lookup, chain.from_iterable(token_lists)),
                dtype=np.int64,
                count=int(lengths.sum()),
            )
            n_tokens = len(provisional)
            if len(pids):
                # Document frequency: each (document, token) pair counted once.
                rows = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
                pairs = rows * n_tokens + pids
                pairs.sort()  # faster than np.unique here
                first = np.empty(len(pairs), dtype=bool)
                first[0] = True
                np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
                counts = np.bincount(pairs[first] % n_tokens, minlength=n_tokens)
                df = np.concatenate([df, np.zeros(n_tokens - len(df), np.int64)])
                df += counts
            if want_output:
                pid_blocks.append(pids)
            length_blocks.append(lengths)
        tokens = list(provisional)
        if not tokens:
            raise ValueError(
                "empty vocabulary; perhaps the documents are empty or only contain "
                "stop words."
            )

        # Final order: decreasing document frequency, then alphabetical.
        try:
            alphabetical = sorted(range(len(tokens)), key=tokens.__getitem__)
        except TypeError:  # tokens of a callable analyzer that do not compare
            alphabetical = sorted(
                range(len(tokens)),
                key=lambda i: (type(tokens[i]).__name__, repr(tokens[i])),
            )
        alphabetical = np.asarray(alphabetical, dtype=np.int64)
        order = alphabetical[np.argsort(-df[alphabetical], kind="stable")]

        n_docs = len(docs)
        max_df, min_df = self.max_df, self.min_df
        high = max_df if isinstance(max_df, Integral) else max_df * n_docs
        low = min_df if isinstance(min_df, Integral) else min_df * n_docs
        if high < low:
            raise ValueError("max_df corresponds to < documents than min_df")
        keep = order[(df[order] >= low) & (df[order] <= high)]
        if self.max_features is not None:
            keep = keep[: self.max_features]
        if not len(keep):
            raise ValueError(
                "After pruning, no terms remain. Try a lower min_df or a higher max_df."
            )
        remap = np.full(len(tokens), OOV_ID, dtype=np.int64)
        remap[keep] = np.arange(FIRST_ID, FIRST_ID + len(keep))
        vocabulary = {tokens[i]: FIRST_ID + r for r, i in enumerate(keep.tolist())}
        flat = remap[np.concatenate(pid_blocks)] if want_output else None
        return vocabulary, flat, np.concatenate(length_blocks)

    def transform(self, X):
        """Turn documents into the padded matrix of their token ids.

        Tokens not in ``vocabulary_`` get id 1; documents longer than
        ``max_length_`` are truncated, shorter ones padded with 0. Pre-tokenised
        documents with ``max_length=None`` are never truncated: the output then
        has as many columns as the longest of them when that is more than
        ``max_length_``.

        Parameters
        ----------
        X : list, tuple, 1D ndarray or pandas Series of str, or of token lists
            The same kind of documents as in :meth:`fit` (see ``pretokenized_``):
            text documents, or lists, tuples or 1D arrays of str tokens.

        Returns
        -------
        X_ids : ndarray of shape (n_documents, n_positions)
            The token ids of each document, padded with 0 (``dtype``).
            ``n_positions`` is `max_length_`, or with pre-tokenised input and
            ``max_length=None`` the length of the longest document if larger.
        """
        check_is_fitted(self)
        docs, pretokenized = self._check_documents(X)
        self._check_mode(pretokenized, len(docs))
        length = self.max_length_
        if getattr(self, "pretokenized_", False):
            analyze_many = self._analyze_token_lists()
            if self.max_length is None:  # never truncated: one id for every token
                length = max(length, int(_lengths_of(docs).max(initial=0)))
        else:
            analyze_many = self._analyze_many()
        pre = self.truncating == "pre"
        get = self.vocabulary_.get
        out = np.zeros((len(docs), length), dtype=self._check_dtype())
        for start in range(0, len(docs), _BLOCK):
            token_lists = analyze_many(docs[start : start + _BLOCK])
            lengths = _lengths_of(token_lists)
            if lengths.max(initial=0) > length:  # cut before looking tokens up
                for i in np.flatnonzero(lengths > length).tolist():
                    tokens = token_lists[i]
                    token_lists[i] = tokens[-length:] if pre else tokens[:length]
                np.minimum(lengths, length, out=lengths)
            flat = np.fromiter(
                map(get, chain.from_iterable(token_lists), repeat(OOV_ID)),
                dtype=np.int64,
                count=int(lengths.sum()),
            )
            _scatter(out[start : start + len(token_lists)], flat, lengths, self.padding)
        return out

    def inverse_transform(self, X):
        """Return the tokens of each row of an id matrix.

        Padding (0) is dropped wherever it is; the out-of-vocabulary id 1 is shown
        as ``"<unk>"``.

        Parameters
        ----------
        X : array-like of shape (n_documents, n_positions)
            Token ids, as :meth:`transform` returns them.

        Returns
        -------
        tokens : list of list
            The tokens of each document, in order.
        """
        check_is_fitted(self)
        ids = check_array(X, dtype=None, ensure_min_features=0)
        if ids.dtype.kind not in "iu":
            if ids.dtype.kind == "f" and np.array_equal(ids, np.round(ids)):
                ids = ids.astype(np.int64)
            else:
                raise ValueError(f"X must hold integer token ids; got {ids.dtype}.")
        if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size_):
            raise ValueError(
                f"X holds ids outside 0 ... {self.vocab_size_ - 1} (vocab_size_ "
                f"{self.vocab_size_}): min {ids.min()}, max {ids.max()}."
            )
        table = np.empty(self.vocab_size_, dtype=object)
        table[PAD_ID] = None
        table[OOV_ID] = OOV_TOKEN
        for token, index in self.vocabulary_.items():
            table[index] = token
        return [table[row[row != PAD_ID]].tolist() for row in ids]

    def get_feature_names_out(self, input_features=None):
        """Name the output columns, one per position: ``token_0``, ``token_1``...

        Parameters
        ----------
        input_features : None
            Ignored (the input is raw text, with no columns).

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``["token_0", ..., f"token_{max_length_ - 1}"]``. With pre-tokenised
            input and ``max_length=None``, :meth:`transform` can return more
            columns than this names (a document longer than any seen in
            :meth:`fit` is not truncated).
        """
        check_is_fitted(self)
        return np.asarray([f"token_{i}" for i in range(self.max_length_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags
