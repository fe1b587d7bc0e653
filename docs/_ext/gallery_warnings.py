"""Sphinx extension: a gallery page that shows warning text fails the build.

sphinx-gallery captures what an example writes to stderr, the warnings it emits
included, and puts it on the example's page (``path/to/file.py:12: UserWarning:
...``). Such text is noise for a reader and usually a sign of a real problem (too
few epochs, a deprecated call), and the build's ``-W`` does not see it: it is
output, not a Sphinx warning. This extension reads each generated gallery page as
Sphinx reads it, and logs a Sphinx warning (an error under ``-W``) for every line of
warning text on it. It costs nothing: the examples are not run again.

An example that expects a warning catches it where it is raised
(``warnings.catch_warnings``) and says why in its text.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: What ``warnings.formatwarning`` writes: ``<file>:<line>: <Category>: <message>``.
WARNING_TEXT = re.compile(r"^(?P<line>.*\S:\d+: [A-Za-z_]\w*Warning: .*)$", re.M)


def warning_lines(text: str) -> list[str]:
    """The lines of ``text`` that are warnings as Python prints them."""
    return [match["line"].strip() for match in WARNING_TEXT.finditer(text)]


def _gallery_dirs(app: Sphinx) -> list[str]:
    conf = getattr(app.config, "sphinx_gallery_conf", None) or {}
    dirs = conf.get("gallery_dirs", "auto_examples")
    return [dirs] if isinstance(dirs, str) else list(dirs)


def check_page(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read`` handler: a Sphinx warning per line of warning text."""
    if not any(docname.startswith(f"{d.strip('/')}/") for d in _gallery_dirs(app)):
        return
    for line in warning_lines(source[0]):
        logger.warning(
            "the example's output shows warning text: %r. Fix its cause, or catch "
            "the warning where the example expects it and say why in its text.",
            line,
            location=docname,
        )


def setup(app: Sphinx) -> dict:
    app.connect("source-read", check_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
