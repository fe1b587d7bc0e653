"""load_cmudict: the CMU Pronouncing Dictionary reader."""

import gzip
from pathlib import Path

import pytest

from sklearn_rnn import load_cmudict

SHARED_CMUDICT = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "seq2seq"
    / "cmudict"
    / "cmudict.dict"
)

TEXT = (
    ";;; a comment line of the cmudict-0.7b format\n"
    "read R EH1 D\n"
    "read(2) R IY1 D\n"
    "\n"
    "aalborg AO1 L B AO0 R G # place, danish\n"
    "d'artagnan D AH0 R T AE1 NG Y AH0 N\n"
)


def write(tmp_path, text, name="cmudict.dict", compress=False):
    path = tmp_path / name
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_words_variants_and_comments(tmp_path):
    words, prons = load_cmudict(write(tmp_path, TEXT))
    assert words == ["read", "read", "aalborg", "d'artagnan"]
    assert prons == [
        "R EH1 D",
        "R IY1 D",
        "AO1 L B AO0 R G",
        "D AH0 R T AE1 NG Y AH0 N",
    ]


def test_stress_stripped(tmp_path):
    _, prons = load_cmudict(write(tmp_path, "phoneme F OW1 N IY0 M\n"), stress=False)
    assert prons == ["F OW N IY M"]


@pytest.mark.parametrize("compress", [False, True])
def test_gzip_crlf_and_bom(tmp_path, compress):
    text = "\ufeffzoo Z UW1\r\nzoos Z UW1 Z\r\n"
    words, prons = load_cmudict(write(tmp_path, text, compress=compress))
    assert words == ["zoo", "zoos"]
    assert prons == ["Z UW1", "Z UW1 Z"]


def test_word_without_phonemes_is_named(tmp_path):
    path = write(tmp_path, "zoo Z UW1\nlonely\n")
    with pytest.raises(ValueError, match=r"line 2: the word 'lonely' has no phoneme"):
        load_cmudict(path)


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="CMUdict file not found"):
        load_cmudict(tmp_path / "nope.dict")
    with pytest.raises(ValueError, match="no entry found"):
        load_cmudict(write(tmp_path, "# only a comment\n\n"))
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike"):
        load_cmudict(42)


@pytest.mark.skipif(not SHARED_CMUDICT.is_file(), reason="shared data not present")
def test_the_shared_dictionary():
    words, prons = load_cmudict(SHARED_CMUDICT, stress=False)
    assert len(words) == len(prons) == 135_166
    assert len(set(words)) == 126_052
    phonemes = {p for pron in prons for p in pron.split()}
    assert len(phonemes) == 39  # ARPAbet without stress
