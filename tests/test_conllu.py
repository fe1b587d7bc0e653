"""Tests for the CoNLL-U reader ``load_conllu``."""

import gzip
import time
from pathlib import Path

import numpy as np
import pytest

from sklearn_rnn._datasets import load_conllu

EWT_PARTS = ("data", "sequence_labelling", "ud_english_ewt")
# The repository root is a git worktree (e.g. /work/wt-conllu), whose sibling
# shared/ holds the data; /work/shared is accepted too.
EWT_CANDIDATES = [
    Path(__file__).resolve().parents[2].joinpath("shared", *EWT_PARTS),
    Path("/work/shared").joinpath(*EWT_PARTS),
]
EWT_DIR = next(
    (d for d in EWT_CANDIDATES if (d / "en_ewt-ud-train.conllu").is_file()), None
)


def row(token_id, form, upos="X", xpos="_", lemma=None, head="0", misc="_"):
    """One CoNLL-U token line (ten tab-separated fields, no newline)."""
    lemma = form.lower() if lemma is None else lemma
    fields = [token_id, form, lemma, upos, xpos, "_", head, "dep", "_", misc]
    return "\t".join(fields)


# Two sentences: the first has comments, a multiword token ("don't" = do +
# n't) and an empty node (4.1); the second ends the file.
SENT1 = [
    "# sent_id = a-1",
    "# text = I don't know.",
    row("1", "I", "PRON", "PRP", head="4"),
    row("2-3", "don't", "_", "_", lemma="_", head="_"),
    row("2", "do", "AUX", "VBP", head="4"),
    row("3", "n't", "PART", "RB", lemma="not", head="4"),
    row("4", "know", "VERB", "VB", head="0", misc="SpaceAfter=No"),
    row("4.1", "knew", "VERB", "VBD", head="_"),
    row("5", ".", "PUNCT", ".", head="4"),
]
SENT2 = [
    "# sent_id = a-2",
    row("1", "Yes", "INTJ", "UH"),
    row("2", "!", "PUNCT", ".", head="1"),
]
WORDS = [["I", "do", "n't", "know", "."], ["Yes", "!"]]
UPOS = [["PRON", "AUX", "PART", "VERB", "PUNCT"], ["INTJ", "PUNCT"]]
XPOS = [["PRP", "VBP", "RB", "VB", "."], ["UH", "."]]


def conllu_text(*sentences, final_blank=True):
    text = "\n\n".join("\n".join(lines) for lines in sentences) + "\n"
    return text + "\n" if final_blank else text


def write(tmp_path, text, name="toy.conllu", newline="\n", bom=False, gz=False):
    data = text.replace("\n", newline).encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    if gz:
        data = gzip.compress(data)
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def toy(tmp_path):
    return write(tmp_path, conllu_text(SENT1, SENT2))


# --------------------------------------------------------------------------
# well-formed files
# --------------------------------------------------------------------------


def test_words_and_upos_skip_multiword_tokens_and_empty_nodes(toy):
    words, labels = load_conllu(toy)
    assert words == WORDS
    assert labels == UPOS
    assert all(isinstance(w, str) for sentence in words for w in sentence)


def test_keeps_multiword_tokens_when_asked(toy):
    words, labels = load_conllu(toy, skip_multiword=False)
    assert words[0] == ["I", "don't", "do", "n't", "know", "."]
    assert labels[0] == ["PRON", "_", "AUX", "PART", "VERB", "PUNCT"]
    assert words[1] == WORDS[1]  # the empty node is still skipped


def test_xpos_column_by_name_is_case_insensitive(toy):
    for column in ("xpos", "XPOS", "XPos"):
        words, labels = load_conllu(toy, column)
        assert words == WORDS
        assert labels == XPOS


def test_int_column_is_a_field_index(toy):
    assert load_conllu(toy, 4)[1] == XPOS
    assert load_conllu(toy, np.int64(3))[1] == UPOS
    _, heads = load_conllu(toy, 6)
    assert heads == [["4", "4", "4", "0", "4"], ["0", "1"]]
    _, ids = load_conllu(toy, 0)
    assert ids == [["1", "2", "3", "4", "5"], ["1", "2"]]


def test_other_named_columns(toy):
    assert load_conllu(toy, "head")[1] == load_conllu(toy, 6)[1]
    _, misc = load_conllu(toy, "misc")
    assert misc[0] == ["_", "_", "_", "SpaceAfter=No", "_"]
    _, lemmas = load_conllu(toy, "lemma")
    assert lemmas[0] == ["i", "do", "not", "know", "."]


def test_words_column_selects_what_words_are(toy):
    words, labels = load_conllu(toy, "upos", words_column="lemma")
    assert words[0] == ["i", "do", "not", "know", "."]
    assert labels == UPOS


def test_accepts_str_and_pathlike(toy):
    assert load_conllu(str(toy)) == load_conllu(toy)

    class Wrapped:
        def __fspath__(self):
            return str(toy)

    assert load_conllu(Wrapped())[0] == WORDS


def test_gzip_detected_by_magic_bytes_not_suffix(tmp_path):
    text = conllu_text(SENT1, SENT2)
    for name in ("toy.conllu.gz", "toy_no_suffix.conllu"):
        path = write(tmp_path, text, name=name, gz=True)
        assert path.read_bytes()[:2] == b"\x1f\x8b"
        assert load_conllu(path) == (WORDS, UPOS)
    # A plain file named .gz is read as plain text.
    plain = write(tmp_path, text, name="plain.conllu.gz")
    assert load_conllu(plain) == (WORDS, UPOS)


def test_crlf_line_endings(tmp_path):
    path = write(tmp_path, conllu_text(SENT1, SENT2), newline="\r\n")
    assert b"\r\n" in path.read_bytes()
    words, labels = load_conllu(path, "misc")
    assert words == WORDS
    # No "\r" is left on the last field.
    assert labels[0][3] == "SpaceAfter=No"
    assert all("\r" not in x for sentence in labels for x in sentence)


def test_byte_order_mark_is_tolerated(tmp_path):
    # The BOM precedes a token line (no leading comment), so an unstripped BOM
    # would make the first ID invalid.
    path = write(tmp_path, conllu_text(SENT2[1:], SENT1), bom=True)
    words, _ = load_conllu(path)
    assert words == [WORDS[1], WORDS[0]]
    assert words[0][0] == "Yes"


def test_gzipped_crlf_with_bom(tmp_path):
    path = write(tmp_path, conllu_text(SENT1), newline="\r\n", bom=True, gz=True)
    assert load_conllu(path, "xpos") == ([WORDS[0]], [XPOS[0]])


def test_last_sentence_without_final_blank_line_is_kept(tmp_path):
    for text in (
        conllu_text(SENT1, SENT2, final_blank=False),
        conllu_text(SENT1, SENT2, final_blank=False).rstrip("\n"),
    ):
        path = write(tmp_path, text)
        words, labels = load_conllu(path)
        assert words == WORDS
        assert labels == UPOS


def test_extra_blank_lines_and_comments_between_sentences(tmp_path):
    text = "# newdoc id = d1\n\n\n" + conllu_text(SENT1) + "\n  \n" + conllu_text(SENT2)
    text += "# a trailing comment\n\n"
    words, _ = load_conllu(write(tmp_path, text))
    assert words == WORDS


def test_sentences_keep_their_order(tmp_path):
    sentences = [[row("1", f"w{i}"), row("2", f"v{i}", head="1")] for i in range(50)]
    words, _ = load_conllu(write(tmp_path, conllu_text(*sentences)))
    assert [s[0] for s in words] == [f"w{i}" for i in range(50)]
    assert words[17] == ["w17", "v17"]


def test_unicode_forms_and_spaces_inside_a_field(tmp_path):
    lines = [row("1", "Größe", "NOUN"), row("2", "日本", "PROPN"), row("3", "1 000")]
    words, labels = load_conllu(write(tmp_path, conllu_text(lines)))
    assert words == [["Größe", "日本", "1 000"]]
    assert labels == [["NOUN", "PROPN", "X"]]


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


def test_bad_line_names_file_line_number_and_shows_line(tmp_path):
    bad = "3\tthree\tthree\tNUM\tCD\t_"
    lines = [*SENT2, bad]
    path = write(tmp_path, conllu_text(SENT1, lines))
    bad_lineno = len(SENT1) + 1 + len(lines)
    with pytest.raises(ValueError) as info:
        load_conllu(path)
    message = str(info.value)
    assert str(path) in message
    assert f"line {bad_lineno}" in message
    assert "expected 10 tab-separated fields" in message
    assert "found 6" in message
    assert repr(bad) in message


def test_bad_line_with_spaces_hints_at_tabs_and_is_truncated(tmp_path):
    bad = "1 " + "x" * 200 + " NOUN _ _ 0 root _ _"
    path = write(tmp_path, conllu_text([bad]))
    with pytest.raises(ValueError, match=r"line 1:.*tabs, not spaces") as info:
        load_conllu(path)
    assert "x" * 60 in str(info.value)
    assert "x" * 100 not in str(info.value)
    assert "..." in str(info.value)


def test_too_many_fields_is_an_error(tmp_path):
    path = write(tmp_path, conllu_text([row("1", "a") + "\textra"]))
    with pytest.raises(ValueError, match=r"line 1: expected 10 .*found 11"):
        load_conllu(path)


def test_invalid_id_is_an_error(tmp_path):
    path = write(tmp_path, conllu_text([row("1", "a"), row("two", "b")]))
    with pytest.raises(ValueError, match=r"line 2: the ID field .*'two'"):
        load_conllu(path)


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere" / "missing.conllu"
    with pytest.raises(FileNotFoundError, match=r"missing\.conllu") as info:
        load_conllu(path)
    assert str(path) in str(info.value)
    assert info.value.filename == str(path)


@pytest.mark.parametrize("column", ["pos", "", "forms", "upos2"])
def test_unknown_column_lists_valid_names(toy, column):
    with pytest.raises(ValueError) as info:
        load_conllu(toy, column)
    message = str(info.value)
    assert message.startswith("column must be")
    assert f"column={column!r}" in message
    for name in ("'id'", "'form'", "'upos'", "'xpos'", "'deprel'", "'misc'"):
        assert name in message


@pytest.mark.parametrize("column", [-1, 10, 42])
def test_out_of_range_int_column(toy, column):
    with pytest.raises(ValueError, match=rf"from 0 to 9.*column={column}"):
        load_conllu(toy, column)


def test_unknown_words_column_names_the_argument(toy):
    with pytest.raises(ValueError, match=r"words_column must be .*words_column='word'"):
        load_conllu(toy, words_column="word")


@pytest.mark.parametrize("column", [3.0, True, None, ["upos"]])
def test_wrong_type_column(toy, column):
    with pytest.raises(TypeError, match="column must be a CoNLL-U field name"):
        load_conllu(toy, column)


def test_wrong_type_path_and_skip_multiword(toy):
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike"):
        load_conllu(12)
    with pytest.raises(TypeError, match="skip_multiword must be True or False"):
        load_conllu(toy, skip_multiword="no")


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n# and another\n\n", "\ufeff\n"],
    ids=["empty", "blank", "comments", "bom"],
)
def test_file_without_sentences(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match="no sentence found") as info:
        load_conllu(path)
    assert str(path) in str(info.value)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.conllu"
    text = conllu_text([row("1", "a"), row("2", "Größe")])
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(ValueError, match="line 2: not valid UTF-8"):
        load_conllu(path)


def test_truncated_gzip(tmp_path):
    data = gzip.compress(conllu_text(SENT1, SENT2).encode())
    path = tmp_path / "cut.conllu.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="could not be decompressed"):
        load_conllu(path)


# --------------------------------------------------------------------------
# the real UD English EWT files, when the shared data are present
# --------------------------------------------------------------------------


@pytest.mark.skipif(EWT_DIR is None, reason="UD English EWT files not found")
@pytest.mark.parametrize(
    ("split", "n_sentences", "n_words"),
    [("train", 12_544, 204_577), ("dev", 2_001, 25_147), ("test", 2_077, 25_094)],
)
def test_ud_english_ewt_counts(split, n_sentences, n_words):
    path = EWT_DIR / f"en_ewt-ud-{split}.conllu"
    start = time.perf_counter()
    words, labels = load_conllu(path)
    elapsed = time.perf_counter() - start
    assert len(words) == len(labels) == n_sentences
    assert [len(s) for s in words] == [len(s) for s in labels]
    assert sum(len(s) for s in words) == n_words
    tags = {tag for sentence in labels for tag in sentence}
    assert tags <= {
        "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM",
        "PART", "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X",
    }  # fmt: skip
    assert len(tags) == 17
    if split == "train":
        assert words[0][:3] == ["Al", "-", "Zaman"]
        assert labels[0][:3] == ["PROPN", "PUNCT", "PROPN"]
        # A generous bound against a gross slowdown: about 0.2 s when measured.
        assert elapsed < 5.0
