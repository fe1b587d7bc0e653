"""The dependency floors that pyproject.toml declares are the ones CI tests.

CI's "floors" stage (``.ci/run``) installs the project under the pins of
``.ci/floors.txt`` and runs the test suite there; these tests keep the two files in
step, so that no declared lower bound goes untested.
"""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The extras whose dependencies the floors stage installs (the docs build and lint
#: run in the main environment only).
TESTED_EXTRAS = ("datasets", "plot", "test")
UNTESTED = {"ruff"}  # lint runs once, in the main environment

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(.*?)\s*$")


def _name(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_floors():
    """``{name: lower bound}`` of the runtime and tested extras' requirements."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in TESTED_EXTRAS:
        requirements += project["optional-dependencies"][extra]
    floors = {}
    for requirement in requirements:
        name, spec = _REQUIREMENT.match(requirement).groups()
        bounds = re.findall(r">=\s*([^,;\s]+)", spec)
        assert len(bounds) == 1, f"{requirement!r}: give it one '>=' lower bound"
        if _name(name) not in UNTESTED:
            floors.setdefault(_name(name), set()).add(bounds[0])
    return floors


def pinned_floors():
    pins = {}
    for line in (ROOT / ".ci" / "floors.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[_name(name)] = version.strip()
    return pins


def _release(version):
    """``1.6`` and ``1.6.0`` are the same release."""
    parts = [int(part) for part in version.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def test_every_declared_floor_is_pinned_for_ci():
    pins = pinned_floors()
    for name, bounds in declared_floors().items():
        assert len(bounds) == 1, f"{name}: different lower bounds {sorted(bounds)}"
        (bound,) = bounds
        assert name in pins, f"{name}>={bound} is not pinned in .ci/floors.txt"
        assert _release(pins[name]) == _release(bound), (
            f"{name}: pyproject.toml declares >={bound}, .ci/floors.txt tests "
            f"{pins[name]}"
        )


def test_nothing_else_is_pinned():
    extra = set(pinned_floors()) - set(declared_floors())
    assert not extra, f".ci/floors.txt pins undeclared packages: {sorted(extra)}"
