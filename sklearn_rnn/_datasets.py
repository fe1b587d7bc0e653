"""Readers for the UCR/UEA ``.ts`` and CoNLL-U formats, and bundled-data loaders.

The readers are dependency-free (NumPy and the standard library only): they never
import pandas, sktime, aeon or conllu. The loaders find the ``.ts`` files that the
sktime and aeon wheels ship, without importing those packages, and never touch
the network.
"""

from __future__ import annotations

import errno
import gzip
import importlib.util
import os
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "load_cmudict",
    "load_conllu",
    "load_gunpoint",
    "load_japanese_vowels",
    "load_ts",
    "load_ucr_uea",
]

#: Environment variable naming extra folders (``os.pathsep``-separated) that hold
#: ``NAME/NAME_TRAIN.ts`` and ``NAME/NAME_TEST.ts``.
DATA_ENV_VAR = "SKLEARN_RNN_DATA"

_SPLITS = {"train": "TRAIN", "test": "TEST"}

# Installed packages whose wheels ship UCR/UEA data under <pkg>/datasets/data/NAME/.
_DATA_PACKAGES = ("sktime", "aeon")

_INSTALL_HINT = 'pip install "sklearn-rnn[datasets]"'


def _parse_bool(value: str, key: str, where: str) -> bool:
    low = value.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    raise ValueError(f"{where}: expected 'true' or 'false' after @{key}, got {value!r}")


def _bad_number_message(chunks: list[str]) -> str:
    """Describe the first token of ``chunks`` (channel strings) that is no number."""
    for k, chunk in enumerate(chunks):
        for token in chunk.split(","):
            token = token.strip()
            if token == "?":
                continue
            try:
                float(token)
            except ValueError:
                return f"could not parse {token!r} as a number (channel {k})"
    return "could not parse a value as a number"  # pragma: no cover


def load_ts(
    path: str | os.PathLike[str],
) -> tuple[np.ndarray | list[np.ndarray], np.ndarray | None]:
    """Read a UCR/UEA ``.ts`` time-series file.

    The format has ``#`` comment lines (``%`` too, before ``@data``, as in some
    archive files), ``@`` header lines (``@problemName``,
    ``@timeStamps``, ``@missing``, ``@univariate``, ``@dimensions``,
    ``@equalLength``, ``@seriesLength``, ``@classLabel``, ``@targetLabel``;
    case-insensitive), then, after ``@data``, one case per line: channels
    separated by ``:``, values by ``,``, and the class label or numeric target
    last. Missing values written ``?`` become NaN. Blank lines, Windows line
    endings and trailing whitespace are accepted.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.ts`` file to read.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_channels) or list of ndarray
        The float32 values, channels last. When the cases have different lengths,
        a list of ``n_samples`` arrays of shape ``(n_timesteps_i, n_channels)``.
    y : ndarray of shape (n_samples,) or None
        For ``@classLabel true``, the class labels as written in the file
        (a str array); for ``@targetLabel true``, the float64 targets; ``None``
        when the file declares neither.

    Raises
    ------
    ValueError
        If the file is malformed (the message names the file and the line), or
        declares ``@timeStamps true``, which is not supported.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_rnn._datasets import load_ts
    >>> text = '''# two cases, two channels, three time steps
    ... @problemName Toy
    ... @timeStamps false
    ... @univariate false
    ... @dimensions 2
    ... @equalLength true
    ... @seriesLength 3
    ... @classLabel true up down
    ... @data
    ... 1,2,3:10,20,30:up
    ... 3,?,1:30,20,10:down
    ... '''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "Toy_TRAIN.ts"
    ...     _ = path.write_text(text)
    ...     X, y = load_ts(path)
    >>> X.shape
    (2, 3, 2)
    >>> X[0]
    array([[ 1., 10.],
           [ 2., 20.],
           [ 3., 30.]], dtype=float32)
    >>> X[1, :, 0]
    array([ 3., nan,  1.], dtype=float32)
    >>> y
    array(['up', 'down'], dtype='<U4')
    """
    path = os.fspath(path)
    n_channels: int | None = None
    univariate: bool | None = None
    class_labels: list[str] | None = None
    has_class = False
    has_target = False
    in_data = False
    lineno = 0

    series: list[np.ndarray] = []
    labels: list[str] = []
    case_lines: list[int] = []

    with open(path, encoding="utf-8-sig", errors="replace", newline=None) as f:
        for lineno, raw in enumerate(f, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data and line.startswith("%"):
                continue
            where = f"{path}, line {lineno}"

            if not in_data:
                if not line.startswith("@"):
                    raise ValueError(
                        f"{where}: expected a comment ('#' or '%') or an '@' header "
                        "line "
                        f"before @data, got {line[:40]!r}"
                    )
                key, _, value = line[1:].replace("\t", " ").partition(" ")
                key = key.lower()
                value = value.strip()
                if key == "data":
                    in_data = True
                    has_label = has_class or has_target
                    if univariate and n_channels is None:
                        n_channels = 1
                elif key == "timestamps":
                    if _parse_bool(value, "timeStamps", where):
                        raise ValueError(
                            f"{where}: @timeStamps true is not supported; only "
                            "files with @timeStamps false can be read"
                        )
                elif key == "univariate":
                    univariate = _parse_bool(value, "univariate", where)
                elif key == "dimensions":
                    try:
                        n_channels = int(value)
                    except ValueError:
                        n_channels = -1
                    if n_channels < 1:
                        raise ValueError(
                            f"{where}: @dimensions must be a positive integer, "
                            f"got {value!r}"
                        )
                elif key == "classlabel":
                    flag, _, rest = value.partition(" ")
                    flag = flag.strip()
                    has_class = _parse_bool(flag, "classLabel", where)
                    if has_class:
                        class_labels = rest.split()
                        has_target = False
                elif key == "targetlabel":
                    has_target = _parse_bool(value, "targetLabel", where)
                    if has_target:
                        has_class = False
                # Other headers (@problemName, @missing, @equalLength,
                # @seriesLength, ...) carry nothing the reader needs.
                continue

            # ---- a data line -------------------------------------------------
            if line.startswith("@"):
                raise ValueError(f"{where}: header line {line[:40]!r} after @data")
            body = line
            if has_label:
                body, sep, label = line.rpartition(":")
                label = label.strip()
                if not sep or not label:
                    raise ValueError(
                        f"{where}: expected the "
                        f"{'class label' if has_class else 'target'} after the "
                        "last ':'"
                    )
                if has_class and class_labels and label not in class_labels:
                    raise ValueError(
                        f"{where}: class label {label!r} is not one of those "
                        f"declared by @classLabel: {class_labels}"
                    )
                labels.append(label)
            chunks = body.split(":")
            if n_channels is None:
                n_channels = len(chunks)  # inferred from the first case
            elif len(chunks) != n_channels:
                raise ValueError(
                    f"{where}: found {len(chunks)} channel(s), expected "
                    f"{n_channels} (channels are separated by ':'"
                    f"{', the label comes last' if has_label else ''})"
                )
            lengths = {chunk.count(",") + 1 for chunk in chunks}
            if len(lengths) != 1:
                per_channel = [chunk.count(",") + 1 for chunk in chunks]
                raise ValueError(
                    f"{where}: the channels of one case have different lengths "
                    f"{per_channel}"
                )
            flat = body.replace("?", "nan").replace(":", ",").split(",")
            try:
                values = np.array(flat, dtype=np.float64)
            except ValueError:
                raise ValueError(f"{where}: {_bad_number_message(chunks)}") from None
            values = values.reshape(n_channels, -1).T.astype(np.float32, order="C")
            series.append(values)
            case_lines.append(lineno)

    if not in_data:
        raise ValueError(
            f"{path}, line {lineno}: reached the end of the file without an @data line"
        )
    if not series:
        raise ValueError(f"{path}, line {lineno}: no cases after @data")

    y: np.ndarray | None
    if has_class:
        y = np.asarray(labels, dtype=str)
    elif has_target:
        try:
            y = np.array(labels, dtype=np.float64)
        except ValueError:
            for label, case_line in zip(labels, case_lines, strict=True):
                try:
                    float(label)
                except ValueError:
                    raise ValueError(
                        f"{path}, line {case_line}: could not parse the target "
                        f"{label!r} as a number"
                    ) from None
            raise  # pragma: no cover
    else:
        y = None

    if len({s.shape[0] for s in series}) == 1:
        return np.stack(series), y
    return series, y


def _package_data_dir(package: str) -> Path | None:
    """``<package>/datasets/data`` of an installed package, found without import."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "datasets" / "data"
        if candidate.is_dir():
            return candidate
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"


def _case_insensitive_match(root: Path, name: str, filename: str) -> Path | None:
    """``root/name/filename`` ignoring case, or None."""
    try:
        folders = [d for d in root.iterdir() if d.name.lower() == name.lower()]
        for folder in folders:
            for file in folder.iterdir():
                if file.name.lower() == filename.lower() and file.is_file():
                    return file
    except OSError:
        return None
    return None


def _find_ts_file(name: str, split: str, data_home: str | os.PathLike[str] | None):
    """Return the path of ``NAME/NAME_SPLIT.ts`` and the list of places searched."""
    filename = f"{name}_{_SPLITS[split]}.ts"
    searched: list[str] = []

    if data_home is not None:
        roots: list[tuple[str, Path | None]] = [
            ("data_home", Path(data_home).expanduser())
        ]
    else:
        roots = [(pkg, _package_data_dir(pkg)) for pkg in _DATA_PACKAGES]
        env = os.environ.get(DATA_ENV_VAR, "")
        env_paths = [p for p in env.split(os.pathsep) if p.strip()]
        if env_paths:
            roots += [(DATA_ENV_VAR, Path(p).expanduser()) for p in env_paths]
        else:
            roots.append((DATA_ENV_VAR, None))

    for origin, root in roots:
        if root is None:
            reason = "not set" if origin == DATA_ENV_VAR else "not installed"
            searched.append(f"  - {origin}: {reason}")
            continue
        candidate = root / name / filename
        if candidate.is_file():
            return candidate, searched
        # Some wheels spell a file differently (sktime once shipped
        # Tecator/tecator_TRAIN.ts): accept a match that differs only in case.
        match = _case_insensitive_match(root, name, filename)
        if match is not None:
            return match, searched
        searched.append(f"  - {origin}: {candidate} (not found)")
    return None, searched


def load_ucr_uea(
    name: str,
    split: str = "train",
    *,
    data_home: str | os.PathLike[str] | None = None,
) -> tuple[np.ndarray | list[np.ndarray], np.ndarray | None]:
    """Load one split of a UCR/UEA data set from local ``.ts`` files.

    Looks for ``NAME/NAME_TRAIN.ts`` or ``NAME/NAME_TEST.ts``, in this order:

    1. ``data_home``, when given (and only there);
    2. the data shipped inside an installed ``sktime`` package
       (``<sktime>/datasets/data/NAME/``);
    3. the data shipped inside an installed ``aeon`` package
       (``<aeon>/datasets/data/NAME/``);
    4. the folder(s) in the ``SKLEARN_RNN_DATA`` environment variable
       (``os.pathsep``-separated), same layout as ``data_home``.

    sktime and aeon are located without being imported. Nothing is ever
    downloaded.

    Parameters
    ----------
    name : str
        The data set's name as the archive spells it, e.g. ``"JapaneseVowels"``.
    split : {"train", "test"}, default="train"
        Which canonical archive split to load.
    data_home : str or os.PathLike, default=None
        A folder holding ``NAME/NAME_TRAIN.ts`` and ``NAME/NAME_TEST.ts``. When
        given, no other place is searched.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_channels) or list of ndarray
        The float32 values, channels last; a list of
        ``(n_timesteps_i, n_channels)`` arrays when the series have different
        lengths. See :func:`load_ts`.
    y : ndarray of shape (n_samples,) or None
        Class labels (str) or regression targets (float64).

    Raises
    ------
    ValueError
        If ``split`` is not ``"train"`` or ``"test"``, or ``name`` is not a plain
        name.
    FileNotFoundError
        If the file is in none of the places searched; the message lists them
        and says how to get the data.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_rnn._datasets import load_ucr_uea
    >>> with tempfile.TemporaryDirectory() as home:
    ...     folder = Path(home) / "Toy"
    ...     folder.mkdir()
    ...     _ = (folder / "Toy_TEST.ts").write_text(
    ...         "@univariate true\\n@classLabel true a b\\n@data\\n"
    ...         "1,2,3,4:a\\n4,3,2,1:b\\n"
    ...     )
    ...     X, y = load_ucr_uea("Toy", split="test", data_home=home)
    >>> X.shape, y.tolist()
    ((2, 4, 1), ['a', 'b'])
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got split={split!r}")
    if (
        not isinstance(name, str)
        or not name
        or name in {".", ".."}
        or any(sep in name for sep in ("/", "\\", os.sep))
    ):
        raise ValueError(
            f"name must be a data set name such as 'JapaneseVowels', got {name!r}"
        )

    path, searched = _find_ts_file(name, split, data_home)
    if path is None:
        filename = f"{name}/{name}_{_SPLITS[split]}.ts"
        raise FileNotFoundError(
            f"Could not find the {name!r} data set ({filename}). Searched:\n"
            + "\n".join(searched)
            + "\nTo fix this, either:\n"
            f"  * run  {_INSTALL_HINT}  (installs sktime, whose wheel ships "
            "JapaneseVowels, GunPoint, BasicMotions, ArrowHead, ItalyPowerDemand, "
            "...), or\n"
            f"  * pass data_home= a folder that contains {filename} (for "
            "instance the unzipped archive from timeseriesclassification.com), "
            f"or set the {DATA_ENV_VAR} environment variable to such a folder."
        )
    return load_ts(path)


def load_japanese_vowels(
    split: str = "train",
    *,
    data_home: str | os.PathLike[str] | None = None,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Load the JapaneseVowels data set (UEA multivariate archive).

    Nine male Japanese speakers each utter the vowels /a/ and /e/; every
    utterance is described by 12 linear-prediction cepstrum coefficients per
    frame. The task is to identify the speaker (9 classes, labels ``"1"`` to
    ``"9"``). 270 training cases (30 per speaker) and 370 test cases; 12
    channels; series lengths vary from 7 to 29 time steps, so ``X`` is a list.

    The files are read from an installed sktime or aeon wheel (see
    :func:`load_ucr_uea` for the search order); install them with
    ``pip install "sklearn-rnn[datasets]"``.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        Which canonical archive split to load.
    data_home : str or os.PathLike, default=None
        A folder holding ``JapaneseVowels/JapaneseVowels_{TRAIN,TEST}.ts``.

    Returns
    -------
    X : list of ndarray of shape (n_timesteps_i, 12)
        The float32 series, channels last.
    y : ndarray of shape (n_samples,)
        Speaker labels as str.

    Examples
    --------
    A stand-in folder with the archive's layout (the real files come with
    ``pip install "sklearn-rnn[datasets]"``):

    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_rnn._datasets import load_japanese_vowels
    >>> short = ":".join(["0.1,0.2,0.3"] * 12)  # 12 channels, 3 time steps
    >>> long = ":".join(["0.1,0.2,0.3,0.4"] * 12)  # 12 channels, 4 time steps
    >>> with tempfile.TemporaryDirectory() as home:
    ...     folder = Path(home) / "JapaneseVowels"
    ...     folder.mkdir()
    ...     _ = (folder / "JapaneseVowels_TRAIN.ts").write_text(
    ...         "@dimensions 12\\n@classLabel true 1 2\\n@data\\n"
    ...         f"{short}:1\\n{long}:2\\n"
    ...     )
    ...     X, y = load_japanese_vowels(data_home=home)
    >>> [x.shape for x in X], y.tolist()
    ([(3, 12), (4, 12)], ['1', '2'])
    """
    return load_ucr_uea("JapaneseVowels", split, data_home=data_home)


def load_gunpoint(
    split: str = "train",
    *,
    data_home: str | os.PathLike[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Load the GunPoint data set (UCR univariate archive).

    The x-coordinate of an actor's right hand, tracked while they either draw a
    replica gun from a hip holster and point it at a target (class ``"1"``,
    Gun-Draw) or point with their index finger (class ``"2"``, Point). 50
    training and 150 test cases, each of length 150, univariate.

    The files are read from an installed sktime or aeon wheel (see
    :func:`load_ucr_uea` for the search order); install them with
    ``pip install "sklearn-rnn[datasets]"``.

    Parameters
    ----------
    split : {"train", "test"}, default="train"
        Which canonical archive split to load.
    data_home : str or os.PathLike, default=None
        A folder holding ``GunPoint/GunPoint_{TRAIN,TEST}.ts``.

    Returns
    -------
    X : ndarray of shape (n_samples, 150, 1)
        The float32 series, channels last.
    y : ndarray of shape (n_samples,)
        Class labels as str (``"1"`` or ``"2"``).

    Examples
    --------
    A stand-in folder with the archive's layout (the real files come with
    ``pip install "sklearn-rnn[datasets]"``):

    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_rnn._datasets import load_gunpoint
    >>> with tempfile.TemporaryDirectory() as home:
    ...     folder = Path(home) / "GunPoint"
    ...     folder.mkdir()
    ...     _ = (folder / "GunPoint_TEST.ts").write_text(
    ...         "@univariate true\\n@classLabel true 1 2\\n@data\\n"
    ...         "0.5,0.7,0.6:1\\n0.1,0.1,0.2:2\\n"
    ...     )
    ...     X, y = load_gunpoint("test", data_home=home)
    >>> X.shape, y.tolist()
    ((2, 3, 1), ['1', '2'])
    """
    return load_ucr_uea("GunPoint", split, data_home=data_home)


# ---------------------------------------------------------------------------
# CoNLL-U (Universal Dependencies)
# ---------------------------------------------------------------------------

#: The ten CoNLL-U fields, in file order (https://universaldependencies.org/format.html).
CONLLU_COLUMNS = (
    "id",
    "form",
    "lemma",
    "upos",
    "xpos",
    "feats",
    "head",
    "deprel",
    "deps",
    "misc",
)

_GZIP_MAGIC = b"\x1f\x8b"


def _conllu_column_index(value: object, argname: str) -> int:
    """The 0-based field index that ``value`` (a name or an int) designates."""
    names = ", ".join(repr(name) for name in CONLLU_COLUMNS)
    if isinstance(value, str):
        key = value.strip().lower()
        if key in CONLLU_COLUMNS:
            return CONLLU_COLUMNS.index(key)
        raise ValueError(
            f"{argname} must be one of the CoNLL-U field names {names} "
            f"(case-insensitive) or an int from 0 to 9, got {argname}={value!r}"
        )
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{argname} must be a CoNLL-U field name such as 'upos' (a str) or a "
            f"field index from 0 to 9 (an int), got {type(value).__name__}"
        )
    if not 0 <= value < len(CONLLU_COLUMNS):
        raise ValueError(
            f"{argname} must be a field index from 0 to 9 (0 is ID, 1 FORM, 3 "
            f"UPOS, ...) or one of the field names {names}, got {argname}={value!r}"
        )
    return int(value)


def load_conllu(
    path: str | os.PathLike[str],
    column: str | int = "upos",
    *,
    words_column: str | int = "form",
    skip_multiword: bool = True,
) -> tuple[list[list[str]], list[list[str]]]:
    """Read a CoNLL-U file (Universal Dependencies) into words and per-word labels.

    The format (https://universaldependencies.org/format.html) has one line per
    word with ten tab-separated fields, ``ID FORM LEMMA UPOS XPOS FEATS HEAD
    DEPREL DEPS MISC``; lines starting with ``#`` are comments; sentences are
    separated by blank lines. Multiword token lines (an ID range such as
    ``3-4``, e.g. English *don't*, followed by its syntactic words 3 and 4) are
    skipped by default, and empty nodes (a decimal ID such as ``8.1``) always
    are, so each sentence is its sequence of syntactic words, as the treebanks'
    published word counts and the UPOS/XPOS tags count them.

    The file may be gzip-compressed (recognised by its first bytes, whatever its
    name) and must be UTF-8; a byte-order mark and Windows line endings are
    accepted, and the last sentence needs no blank line after it. Sentences are
    returned in file order. Nothing is ever downloaded.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.conllu`` (or ``.conllu.gz``) file to read.
    column : str or int, default="upos"
        The field that gives the labels: a field name, case-insensitive
        (``"id"``, ``"form"``, ``"lemma"``, ``"upos"``, ``"xpos"``,
        ``"feats"``, ``"head"``, ``"deprel"``, ``"deps"``, ``"misc"``), or its
        0-based index (``3`` is UPOS).
    words_column : str or int, default="form"
        The field that gives the words, named or indexed as ``column``; for
        instance ``"lemma"`` to get lemmas instead of word forms.
    skip_multiword : bool, default=True
        Skip the multiword token lines. When False, each is kept, in its place
        just before the syntactic words it spans, with its fields as written
        (its FORM is the surface token, its other fields are usually ``_``), so
        its text then appears twice: as the token and as its words.

    Returns
    -------
    words : list of list of str
        One list per sentence, the ``words_column`` field of each word.
    labels : list of list of str
        One list per sentence, the ``column`` field of each word, as written
        (``"_"`` where the field is unspecified); ``labels[i]`` has the length
        of ``words[i]``.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If ``column`` or ``words_column`` is not a field name or index (the
        message lists the valid ones); if a line does not have exactly ten
        tab-separated fields or has an invalid ID (the message names the file
        and the line, and shows it); if the file is not UTF-8 or is a damaged
        gzip file; or if it holds no sentence.
    TypeError
        If ``path``, ``column``, ``words_column`` or ``skip_multiword`` has the
        wrong type.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_rnn._datasets import load_conllu
    >>> text = '''# sent_id = 1
    ... # text = I don't know.
    ... 1\\tI\\tI\\tPRON\\tPRP\\t_\\t4\\tnsubj\\t_\\t_
    ... 2-3\\tdon't\\t_\\t_\\t_\\t_\\t_\\t_\\t_\\t_
    ... 2\\tdo\\tdo\\tAUX\\tVBP\\t_\\t4\\taux\\t_\\t_
    ... 3\\tn't\\tnot\\tPART\\tRB\\t_\\t4\\tadvmod\\t_\\t_
    ... 4\\tknow\\tknow\\tVERB\\tVB\\t_\\t0\\troot\\t_\\tSpaceAfter=No
    ... 5\\t.\\t.\\tPUNCT\\t.\\t_\\t4\\tpunct\\t_\\t_
    ...
    ... # sent_id = 2
    ... 1\\tYes\\tyes\\tINTJ\\tUH\\t_\\t0\\troot\\t_\\t_
    ... '''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "toy.conllu"
    ...     _ = path.write_text(text, encoding="utf-8")
    ...     words, tags = load_conllu(path)
    ...     _, heads = load_conllu(path, "head")
    >>> words
    [['I', 'do', "n't", 'know', '.'], ['Yes']]
    >>> tags
    [['PRON', 'AUX', 'PART', 'VERB', 'PUNCT'], ['INTJ']]
    >>> heads
    [['4', '4', '4', '0', '4'], ['0']]
    """
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(
            "path must be a str or os.PathLike naming a CoNLL-U file, got "
            f"{type(path).__name__}"
        ) from None
    label_index = _conllu_column_index(column, "column")
    word_index = _conllu_column_index(words_column, "words_column")
    if not isinstance(skip_multiword, (bool, np.bool_)):
        raise TypeError(
            "skip_multiword must be True or False, got "
            f"{type(skip_multiword).__name__} {skip_multiword!r}"
        )
    n_fields = len(CONLLU_COLUMNS)

    text = _read_text(path, "CoNLL-U")
    words: list[list[str]] = []
    labels: list[list[str]] = []
    sentence_words: list[str] = []
    sentence_labels: list[str] = []
    # Splitting on "\n" only (not str.splitlines, which also breaks on \x0b,
    # \x1c, \u2028, ... that a field may hold); "\r" is stripped for CRLF files.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.endswith("\r"):
            line = line[:-1]
        if not line or line.isspace():
            if sentence_words:
                words.append(sentence_words)
                labels.append(sentence_labels)
                sentence_words = []
                sentence_labels = []
            continue
        if line[0] == "#":
            continue
        fields = line.split("\t")
        if len(fields) != n_fields:
            shown = line if len(line) <= 80 else line[:77] + "..."
            hint = (
                " (the fields must be separated by tabs, not spaces)"
                if len(fields) < n_fields and " " in line
                else ""
            )
            raise ValueError(
                f"{path}, line {lineno}: expected {n_fields} tab-separated fields "
                "(ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), found "
                f"{len(fields)}{hint}: {shown!r}"
            )
        token_id = fields[0]
        if not token_id.isdigit():
            if "." in token_id:  # an empty node, e.g. 8.1
                continue
            if "-" in token_id:  # a multiword token, e.g. 3-4
                if skip_multiword:
                    continue
            else:
                raise ValueError(
                    f"{path}, line {lineno}: the ID field must be a word index "
                    "(1, 2, ...), a multiword token range (3-4) or an empty "
                    f"node (8.1), got {token_id!r} in {line[:80]!r}"
                )
        sentence_words.append(fields[word_index])
        sentence_labels.append(fields[label_index])
    if sentence_words:  # the last sentence, without a blank line after it
        words.append(sentence_words)
        labels.append(sentence_labels)

    if not words:
        raise ValueError(
            f"{path}: no sentence found; a CoNLL-U file has one line per word "
            "with 10 tab-separated fields, and blank lines between sentences"
        )
    return words, labels


def _read_text(path: str, what: str) -> str:
    """The decoded text of a plain or gzip-compressed UTF-8 file."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise FileNotFoundError(
            errno.ENOENT, f"{what} file not found (check the path)", path
        ) from None
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(
                f"{path}: starts like a gzip file but could not be decompressed "
                f"({exc}); the file may be truncated or corrupt"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        raise ValueError(
            f"{path}, line {lineno}: not valid UTF-8 ({exc.reason} at byte "
            f"{exc.start}); {what} files must be UTF-8 encoded, re-encode it "
            "(e.g. with iconv) before loading"
        ) from None


def load_cmudict(
    path: str | os.PathLike[str], *, stress: bool = True
) -> tuple[list[str], list[str]]:
    """Read the CMU Pronouncing Dictionary into words and pronunciations.

    The file is the dictionary's ``cmudict.dict``: each line holds a word, then
    its ARPAbet phonemes separated by spaces, e.g. ``hello HH AH0 L OW1``; a
    second or third pronunciation of a word is written ``word(2)``,
    ``word(3)``; ``#`` starts a comment, and so does ``;;;`` at the start of a
    line (the older ``cmudict-0.7b`` format). The file may be gzip-compressed.
    Nothing is ever downloaded.

    Parameters
    ----------
    path : str or os.PathLike
        The dictionary file.
    stress : bool, default=True
        Keep the stress digits of the vowels (``AH0``, ``OW1``); False strips them
        (``AH``, ``OW``: the 39 phonemes of the usual grapheme-to-phoneme
        benchmarks).

    Returns
    -------
    words : list of str
        The word of each entry (``"(2)"`` suffixes removed, so a word with several
        pronunciations appears several times, in file order).
    pronunciations : list of str
        The phonemes of each entry, separated by single spaces.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        If a line has a word but no phoneme (the message names the line), or the
        file holds no entry.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sklearn_rnn import load_cmudict
    >>> text = "read R EH1 D\\nread(2) R IY1 D\\nzoo Z UW1 # animals\\n"
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "cmudict.dict"
    ...     _ = path.write_text(text, encoding="utf-8")
    ...     words, prons = load_cmudict(path, stress=False)
    >>> words
    ['read', 'read', 'zoo']
    >>> prons
    ['R EH D', 'R IY D', 'Z UW']
    """
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(
            "path must be a str or os.PathLike naming a cmudict.dict file, got "
            f"{type(path).__name__}"
        ) from None
    words: list[str] = []
    prons: list[str] = []
    for lineno, line in enumerate(_read_text(path, "CMUdict").split("\n"), 1):
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith(";;;"):  # ";;;": comments of cmudict-0.7b
            continue
        word, *phonemes = line.split()
        if not phonemes:
            raise ValueError(
                f"{path}, line {lineno}: the word {word!r} has no phoneme; each "
                "line must be a word followed by its phonemes"
            )
        if word.endswith(")") and "(" in word:
            word = word[: word.rindex("(")]
        if not stress:
            phonemes = [p.rstrip("012") for p in phonemes]
        words.append(word)
        prons.append(" ".join(phonemes))
    if not words:
        raise ValueError(f"{path}: no entry found")
    return words, prons
