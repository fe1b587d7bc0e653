"""The code of the user guide and of the README runs.

Every ```python block of each ``docs/*.md`` page and of ``README.md`` is executed,
in order, in one fresh namespace per page (the blocks of a page build on each other,
as a reader running them would), from a temporary working directory. Blocks that
cannot run here (Keras, CUDA) start with the line ``# not run: <reason>``; they are
only compiled. Other fences (```bash, ```text, ...) are not code to run.

The blocks use small settings themselves (tiny data, a few epochs), so they do not
depend on ``SKLEARN_RNN_FAST``; torch runs on one thread (see conftest.py).
"""

import ast
import importlib
import re
import sys
import warnings
from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = [*sorted(DOCS.glob("*.md")), DOCS.parent / "README.md"]

#: Pages whose code takes more than about 10 s on a 2-core machine: the README's
#: quickstart (a GRU on 200 series and a grid search over it, 20-40 s).
SLOW_PAGES = {"README.md"}

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_NOT_RUN = "# not run"


def code_blocks(path):
    """``(first_line_number, info, code)`` of each fenced block of a markdown page."""
    blocks = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        fence, info = match["fence"], match["info"].strip()
        indent = len(match["indent"])
        start, body = i + 1, []
        i += 1
        while i < len(lines):
            line = lines[i]
            stripped = line.strip()
            if stripped.startswith(fence[0] * len(fence)) and set(stripped) <= {
                fence[0]
            }:
                break
            body.append(line[indent:] if line[:indent].isspace() else line)
            i += 1
        blocks.append((start + 1, info, "\n".join(body) + "\n"))
        i += 1
    return blocks


def python_blocks(path):
    """The ```python blocks of a page: ``(line, code, runnable)``."""
    return [
        (line, code, not code.lstrip().startswith(_NOT_RUN))
        for line, info, code in code_blocks(path)
        if info.split()[:1] == ["python"]
    ]


def _page_param(path):
    marks = [pytest.mark.slow] if path.name in SLOW_PAGES else []
    return pytest.param(path, id=path.name, marks=marks)


@pytest.mark.parametrize("page", [_page_param(p) for p in PAGES])
def test_page_code_runs(page, tmp_path, monkeypatch):
    blocks = python_blocks(page)
    if not any(runnable for _, _, runnable in blocks):
        pytest.skip(f"{page.name} has no code to run")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)  # files the code writes (models) go there
    namespace = {"__name__": f"docs_{page.stem}"}
    try:
        with warnings.catch_warnings():
            # The blocks train for a few epochs only: that is no news.
            warnings.simplefilter("ignore", ConvergenceWarning)
            for line, code, runnable in blocks:
                # Padded so that tracebacks give the line numbers of the page.
                compiled = compile("\n" * (line - 1) + code, str(page), "exec")
                if runnable:
                    exec(compiled, namespace)
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")


def test_not_run_blocks_say_why():
    """A block kept from running gives its reason on its first line."""
    for page in PAGES:
        for line, code, runnable in python_blocks(page):
            if not runnable:
                first = code.lstrip().splitlines()[0]
                assert re.match(r"# not run: \S", first), f"{page.name}:{line}"


_LINK = re.compile(r"\]\((?P<target>[^)#\s]+\.md)(?:#[^)]*)?\)")


def test_relative_page_links_resolve():
    for page in PAGES:
        for match in _LINK.finditer(page.read_text(encoding="utf-8")):
            target = match["target"]
            if "://" in target:
                continue
            assert (page.parent / target).is_file(), f"{page.name}: {target}"


EXAMPLES = sorted((DOCS.parent / "examples").glob("*.py"))


def _catches_import_error(node):
    return any(
        isinstance(name, ast.Name) and name.id in ("ImportError", "ModuleNotFoundError")
        for handler in node.handlers
        for name in ast.walk(handler.type or ast.Name("BaseException"))
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_import_matplotlib_optionally(example):
    """matplotlib is the ``plot`` extra: an example without it prints its results
    and says what to install, instead of dying on an ImportError (the README's main
    job installs the extra, a user's set-up may not)."""
    tree = ast.parse(example.read_text(encoding="utf-8"))
    guarded = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.Try) and _catches_import_error(node)
        for statement in node.body
        for child in ast.walk(statement)
    }
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        if any(name.split(".")[0] == "matplotlib" for name in names):
            assert id(node) in guarded, f"{example.name}:{node.lineno}"


def _gallery_warnings():
    pytest.importorskip("sphinx")  # the docs extra
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        return importlib.import_module("gallery_warnings")
    finally:
        sys.path.remove(str(DOCS / "_ext"))


def test_gallery_warning_text_is_found():
    gallery_warnings = _gallery_warnings()
    shown = warnings.formatwarning(
        "max_iter=5 epochs ran", ConvergenceWarning, "/build/examples/plot_a.py", 72
    )
    page = (
        "The expected ``ConvergenceWarning`` is silenced here.\n\n"
        ".. code-block:: none\n\n"
        "    0.941\n"
        f"    {shown}"
        "    /venv/torch/nn/modules/rnn.py:123: UserWarning: dropout is ignored\n"
    )
    assert gallery_warnings.warning_lines(page) == [
        "/build/examples/plot_a.py:72: ConvergenceWarning: max_iter=5 epochs ran",
        "/venv/torch/nn/modules/rnn.py:123: UserWarning: dropout is ignored",
    ]
    assert gallery_warnings.warning_lines(page.split(".. code-block")[0]) == []


def test_gallery_page_with_warning_text_fails_the_build(tmp_path):
    """Under ``-W`` (the README's and CI's docs command), a gallery page showing
    warning text fails the build; a page outside the gallery is not checked."""
    build_main = pytest.importorskip("sphinx.cmd.build").build_main
    src = tmp_path / "src"
    (src / "auto_examples").mkdir(parents=True)
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(DOCS / '_ext')!r})\n"
        "extensions = ['gallery_warnings']\n"
    )
    shown = "    /x/plot_a.py:9: ConvergenceWarning: too few epochs\n"
    page = "A\n=\n\n.. code-block:: none\n\n" + shown
    (src / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n   auto_examples/plot_a\n   notes\n"
    )
    (src / "notes.rst").write_text(page.replace("A\n=", "Notes\n====="))
    (src / "auto_examples" / "plot_a.rst").write_text(page)
    args = ["-W", "-q", "-b", "html", str(src), str(tmp_path / "out")]
    assert build_main(args) != 0
    (src / "auto_examples" / "plot_a.rst").write_text(page.replace(shown, "    0.9\n"))
    assert build_main(["-E", *args]) == 0
