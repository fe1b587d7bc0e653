"""Tests for the ``.ts`` reader and the UCR/UEA loaders."""

import sys
import time
from pathlib import Path

import numpy as np
import pytest

from sklearn_rnn._datasets import (
    load_gunpoint,
    load_japanese_vowels,
    load_ts,
    load_ucr_uea,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

HEADER_MULTI = """\
# A toy multivariate problem
#
@problemName Toy
@timeStamps false
@missing false
@univariate false
@dimensions 2
@equalLength true
@seriesLength 3
@classLabel true a b
@data
"""


def write(tmp_path, text, name="toy.ts", newline="\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


# --------------------------------------------------------------------------
# load_ts: well-formed files
# --------------------------------------------------------------------------


def test_equal_length_multivariate_is_3d_channels_last(tmp_path):
    path = write(tmp_path, HEADER_MULTI + "1,2,3:10,20,30:a\n4,5,6:40,50,60:b\n")
    X, y = load_ts(path)
    assert isinstance(X, np.ndarray)
    assert X.dtype == np.float32
    assert X.shape == (2, 3, 2)
    np.testing.assert_array_equal(X[0, :, 0], [1, 2, 3])
    np.testing.assert_array_equal(X[0, :, 1], [10, 20, 30])
    np.testing.assert_array_equal(X[1], [[4, 40], [5, 50], [6, 60]])
    assert X.flags.c_contiguous
    assert y.dtype.kind == "U"
    assert y.tolist() == ["a", "b"]


def test_accepts_str_path(tmp_path):
    path = write(tmp_path, HEADER_MULTI + "1,2,3:10,20,30:a\n")
    X, _ = load_ts(str(path))
    assert X.shape == (1, 3, 2)


def test_univariate_without_dimensions(tmp_path):
    text = "@univariate true\n@classLabel true 1 2\n@data\n0.5,1e-3,-2:1\n1,2,3:2\n"
    X, y = load_ts(write(tmp_path, text))
    assert X.shape == (2, 3, 1)
    np.testing.assert_allclose(X[0, :, 0], [0.5, 1e-3, -2])
    assert y.tolist() == ["1", "2"]


def test_channel_count_inferred_when_undeclared(tmp_path):
    text = "@classLabel true x\n@data\n1,2:3,4:5,6:x\n7,8:9,10:11,12:x\n"
    X, _ = load_ts(write(tmp_path, text))
    assert X.shape == (2, 2, 3)
    np.testing.assert_array_equal(X[1], [[7, 9, 11], [8, 10, 12]])


def test_variable_length_gives_list_of_2d_arrays(tmp_path):
    text = HEADER_MULTI.replace("@equalLength true", "@equalLength false")
    text += "1,2,3:10,20,30:a\n4,5:40,50:b\n7,8,9,10:70,80,90,100:a\n"
    X, y = load_ts(write(tmp_path, text))
    assert isinstance(X, list)
    assert [x.shape for x in X] == [(3, 2), (2, 2), (4, 2)]
    assert all(x.dtype == np.float32 and x.flags.c_contiguous for x in X)
    np.testing.assert_array_equal(X[1], [[4, 40], [5, 50]])
    assert y.tolist() == ["a", "b", "a"]


def test_regression_targets_are_float(tmp_path):
    text = (
        "@problemName Reg\n@timeStamps false\n@univariate true\n"
        "@equalLength true\n@targetLabel true\n@data\n"
        "1,2,3:0.5\n4,5,6:-1.25e1\n"
    )
    X, y = load_ts(write(tmp_path, text))
    assert X.shape == (2, 3, 1)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [0.5, -12.5])


def test_no_label_gives_none(tmp_path):
    text = "@univariate true\n@classLabel false\n@data\n1,2,3\n4,5,6\n"
    X, y = load_ts(write(tmp_path, text))
    assert X.shape == (2, 3, 1)
    assert y is None


def test_missing_values_become_nan(tmp_path):
    text = HEADER_MULTI.replace("@missing false", "@missing true")
    text += "1,?,3:?,20,30:a\n"
    X, _ = load_ts(write(tmp_path, text))
    expected = np.array([[1, np.nan], [np.nan, 20], [3, 30]], dtype=np.float32)
    np.testing.assert_array_equal(X[0], expected)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_comments_blank_lines_crlf_and_whitespace(tmp_path, newline):
    text = (
        "\n# leading comment\n\n"
        "@ProblemName Toy   \n"
        "@TIMESTAMPS FALSE\n"
        "   @Univariate   false  \n"
        "@DIMENSIONS 2\n"
        "\n# comment between headers\n"
        "@ClassLabel TRUE a b \n"
        "@DATA  \n"
        "\n"
        "1,2,3:10,20,30:a   \n"
        "# comment between cases\n"
        "   \n"
        "4,5,6:40,50,60:b\n"
        "\n\n"
    )
    X, y = load_ts(write(tmp_path, text, newline=newline))
    assert X.shape == (2, 3, 2)
    np.testing.assert_array_equal(X[1, :, 1], [40, 50, 60])
    assert y.tolist() == ["a", "b"]


def test_no_trailing_newline_and_utf8_comment(tmp_path):
    text = "# Schäfer & Leser, 2017\n@univariate true\n@classLabel true 1\n@data\n1,2:1"
    X, y = load_ts(write(tmp_path, text))
    assert X.shape == (1, 2, 1)
    assert y.tolist() == ["1"]


def test_large_file_is_fast(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.standard_normal((200, 600))
    lines = [",".join(f"{v:.8f}" for v in row) + ":1" for row in values]
    path = write(tmp_path, "@univariate true\n@classLabel true 1\n@data\n")
    with path.open("a") as f:
        f.write("\n".join(lines) + "\n")
    assert path.stat().st_size > 1_000_000
    start = time.perf_counter()
    X, _ = load_ts(path)
    elapsed = time.perf_counter() - start
    assert X.shape == (200, 600, 1)
    np.testing.assert_allclose(X[:, :, 0], values, atol=1e-6)
    assert elapsed < 1.0


# --------------------------------------------------------------------------
# load_ts: malformed files
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "bad_line", "match"),
    [
        # wrong channel count vs @dimensions 2
        ("1,2,3:10,20,30:a\n1,2,3:a\n", 13, r"1 channel\(s\), expected 2"),
        ("1,2,3:10,20,30:7,8,9:a\n", 12, r"3 channel\(s\), expected 2"),
        # unparsable number
        ("1,2,3:10,20,30:a\n1,x2,3:10,20,30:b\n", 13, r"'x2'.*channel 0"),
        ("1,2,3:10,,30:a\n", 12, r"''.*channel 1"),
        # channels of different lengths inside one case
        ("1,2,3:10,20:a\n", 12, r"different lengths \[3, 2\]"),
        # label missing / undeclared
        ("1,2,3:10,20,30:\n", 12, r"class label after the last ':'"),
        ("1,2,3:10,20,30:c\n", 12, r"'c' is not one of those declared"),
        # header after @data
        ("1,2,3:10,20,30:a\n@classLabel true a\n", 13, r"header line"),
    ],
)
def test_malformed_data_lines(tmp_path, data, bad_line, match):
    path = write(tmp_path, HEADER_MULTI + data)
    with pytest.raises(ValueError, match=match) as excinfo:
        load_ts(path)
    message = str(excinfo.value)
    assert str(path) in message
    assert f"line {bad_line}:" in message


def test_bad_regression_target_names_line(tmp_path):
    text = "@univariate true\n@targetLabel true\n@data\n1,2:0.5\n3,4:high\n"
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=r"line 5: could not parse the target 'high'"):
        load_ts(path)


def test_no_data_section(tmp_path):
    path = write(tmp_path, "# only headers\n@univariate true\n@classLabel true 1\n")
    with pytest.raises(ValueError, match=r"line 3: .*without an @data line") as exc:
        load_ts(path)
    assert str(path) in str(exc.value)


def test_no_cases_after_data(tmp_path):
    path = write(tmp_path, "@univariate true\n@data\n\n# nothing\n")
    with pytest.raises(ValueError, match="no cases after @data"):
        load_ts(path)


def test_data_line_before_data_header(tmp_path):
    path = write(tmp_path, "@univariate true\n1,2,3\n@data\n1,2,3\n")
    with pytest.raises(ValueError, match=r"line 2: expected a comment .* or an '@'"):
        load_ts(path)


def test_percent_comments_before_data(tmp_path):
    # Some archive files (sktime's UnitTest) open with '%' comment lines.
    text = "%# a cut-down problem\n%\n@univariate true\n@classLabel true a b\n"
    path = write(tmp_path, text + "@data\n1,2,3:a\n4,5,6:b\n")
    X, y = load_ts(path)
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(y, ["a", "b"])


@pytest.mark.parametrize(
    ("header", "match"),
    [
        ("@dimensions two", "@dimensions must be a positive integer"),
        ("@dimensions 0", "@dimensions must be a positive integer"),
        ("@univariate maybe", "expected 'true' or 'false' after @univariate"),
    ],
)
def test_malformed_headers(tmp_path, header, match):
    path = write(tmp_path, f"# c\n{header}\n@data\n1,2:1\n")
    with pytest.raises(ValueError, match=match) as excinfo:
        load_ts(path)
    assert f"{path}, line 2:" in str(excinfo.value)


@pytest.mark.parametrize("flag", ["true", "TRUE", "True"])
def test_timestamps_rejected(tmp_path, flag):
    text = f"@problemName T\n@timeStamps {flag}\n@univariate true\n@data\n(0,1):a\n"
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=r"line 2: @timeStamps true is not supported"):
        load_ts(path)


# --------------------------------------------------------------------------
# load_ucr_uea and the wrappers
# --------------------------------------------------------------------------


def make_home(root, name, train_lines, test_lines=None, header=None):
    header = header or "@univariate true\n@classLabel true 1 2\n@data\n"
    folder = root / name
    folder.mkdir(parents=True)
    (folder / f"{name}_TRAIN.ts").write_text(header + "".join(train_lines))
    if test_lines is not None:
        (folder / f"{name}_TEST.ts").write_text(header + "".join(test_lines))
    return root


@pytest.fixture
def no_installed_data(monkeypatch):
    """Hide sktime and aeon (find_spec returns None for a None module entry)."""
    monkeypatch.setitem(sys.modules, "sktime", None)
    monkeypatch.setitem(sys.modules, "aeon", None)
    monkeypatch.delenv("SKLEARN_RNN_DATA", raising=False)


def test_load_ucr_uea_with_data_home(tmp_path):
    home = make_home(tmp_path, "Toy", ["1,2,3:1\n"], ["4,5,6:2\n", "7,8,9:1\n"])
    X, y = load_ucr_uea("Toy", data_home=home)
    assert X.shape == (1, 3, 1)
    assert y.tolist() == ["1"]
    X, y = load_ucr_uea("Toy", "test", data_home=str(home))
    assert X.shape == (2, 3, 1)
    assert y.tolist() == ["2", "1"]


def test_load_ucr_uea_data_home_is_the_only_place_searched(
    tmp_path, monkeypatch, no_installed_data
):
    env_home = make_home(tmp_path / "env", "Toy", ["1,2,3:1\n"])
    monkeypatch.setenv("SKLEARN_RNN_DATA", str(env_home))
    with pytest.raises(FileNotFoundError, match="data_home"):
        load_ucr_uea("Toy", data_home=tmp_path / "empty")


def test_load_ucr_uea_case_insensitive_file_name(tmp_path):
    folder = tmp_path / "Tecator"
    folder.mkdir()
    (folder / "tecator_TRAIN.ts").write_text(
        "@univariate true\n@targetLabel true\n@data\n1,2:3.5\n"
    )
    _, y = load_ucr_uea("Tecator", data_home=tmp_path)
    assert y.tolist() == [3.5]


def test_load_ucr_uea_env_var(tmp_path, monkeypatch, no_installed_data):
    home = make_home(tmp_path / "data", "Toy", ["1,2,3:1\n"])
    monkeypatch.setenv("SKLEARN_RNN_DATA", str(home))
    X, _ = load_ucr_uea("Toy")
    assert X.shape == (1, 3, 1)


def test_load_ucr_uea_installed_package(tmp_path, monkeypatch, no_installed_data):
    """Data inside a (fake) installed sktime is found without importing it."""
    package = tmp_path / "site" / "sktime"
    make_home(package / "datasets" / "data", "Toy", ["1,2,3:2\n"])
    (package / "__init__.py").write_text("raise RuntimeError('must not import')\n")
    monkeypatch.delitem(sys.modules, "sktime")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    _, y = load_ucr_uea("Toy")
    assert y.tolist() == ["2"]
    assert "sktime" not in sys.modules


def test_load_ucr_uea_not_found_message(tmp_path, no_installed_data):
    with pytest.raises(FileNotFoundError) as excinfo:
        load_ucr_uea("JapaneseVowels", "test")
    message = str(excinfo.value)
    assert 'pip install "sklearn-rnn[datasets]"' in message
    assert "data_home=" in message
    assert "JapaneseVowels/JapaneseVowels_TEST.ts" in message
    for place in ("sktime: not installed", "aeon: not installed", "SKLEARN_RNN_DATA"):
        assert place in message


def test_load_ucr_uea_not_found_lists_env_folder(
    tmp_path, monkeypatch, no_installed_data
):
    monkeypatch.setenv("SKLEARN_RNN_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError) as excinfo:
        load_ucr_uea("GunPoint")
    assert str(tmp_path / "GunPoint" / "GunPoint_TRAIN.ts") in str(excinfo.value)


@pytest.mark.parametrize("split", ["validation", "TRAIN", "", None])
def test_load_ucr_uea_invalid_split(tmp_path, split):
    with pytest.raises(ValueError, match="split"):
        load_ucr_uea("Toy", split, data_home=tmp_path)


@pytest.mark.parametrize("name", ["", "..", "../Toy", "a/b"])
def test_load_ucr_uea_invalid_name(tmp_path, name):
    with pytest.raises(ValueError, match="name must be"):
        load_ucr_uea(name, data_home=tmp_path)


def test_wrappers_use_archive_names(tmp_path):
    short = ":".join(["1,2"] * 12)
    long = ":".join(["1,2,3"] * 12)
    jv_header = "@dimensions 12\n@classLabel true 1 2\n@data\n"
    make_home(tmp_path, "JapaneseVowels", [f"{short}:1\n"], [f"{long}:2\n"], jv_header)
    make_home(tmp_path, "GunPoint", ["1,2,3:1\n"], ["1,2,3:2\n"])
    X, _ = load_japanese_vowels(data_home=tmp_path)
    assert X.shape == (1, 2, 12)
    X, y = load_japanese_vowels("test", data_home=tmp_path)
    assert X.shape == (1, 3, 12)
    assert y.tolist() == ["2"]
    X, y = load_gunpoint(split="test", data_home=tmp_path)
    assert X.shape == (1, 3, 1)
    assert y.tolist() == ["2"]
    with pytest.raises(ValueError, match="split"):
        load_gunpoint("dev", data_home=tmp_path)


# --------------------------------------------------------------------------
# Real files from ../shared (skipped where that folder is missing)
# --------------------------------------------------------------------------


def shared_folder(*parts):
    folder = SHARED.joinpath(*parts)
    if not folder.is_dir():
        pytest.skip(f"{folder} not found (the shared data folder is optional)")
    return folder


def test_real_japanese_vowels_train():
    home = shared_folder("timeseries")
    X, y = load_japanese_vowels("train", data_home=home)
    assert isinstance(X, list)
    assert len(X) == len(y) == 270
    assert {x.shape[1] for x in X} == {12}
    lengths = [x.shape[0] for x in X]
    assert 7 <= min(lengths) and max(lengths) <= 29
    assert sorted(set(y.tolist())) == [str(i) for i in range(1, 10)]
    assert not any(np.isnan(x).any() for x in X)


def test_real_japanese_vowels_test():
    home = shared_folder("timeseries")
    X, y = load_japanese_vowels("test", data_home=home)
    assert len(X) == len(y) == 370
    lengths = [x.shape[0] for x in X]
    assert (min(lengths), max(lengths)) == (7, 29)


def test_real_gunpoint():
    home = shared_folder("timeseries")
    X, y = load_gunpoint("train", data_home=home)
    assert X.shape == (50, 150, 1)
    assert sorted(set(y.tolist())) == ["1", "2"]
    # First value of the first case, as written in GunPoint_TRAIN.ts.
    assert X[0, 0, 0] == np.float32(-0.6478854)
    X, _ = load_gunpoint("test", data_home=home)
    assert X.shape == (150, 150, 1)


def test_real_basic_motions_multivariate():
    home = shared_folder("timeseries")
    X, y = load_ucr_uea("BasicMotions", data_home=home)
    assert X.shape == (40, 100, 6)
    assert set(y.tolist()) == {"Standing", "Running", "Walking", "Badminton"}


def test_real_tecator_regression():
    home = shared_folder("ts_regression")
    X, y = load_ucr_uea("Tecator", "train", data_home=home)
    assert X.shape == (172, 100, 1)
    assert y.dtype == np.float64
    assert y.shape == (172,)
    assert np.isfinite(y).all() and np.isfinite(X).all()
    X, y = load_ucr_uea("Tecator", "test", data_home=home)
    assert X.shape == (43, 100, 1)
