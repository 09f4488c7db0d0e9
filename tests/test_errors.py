"""The one registry of error codes (alignkit.errors.ERRORS): every AlignkitError class has a
code in it, the CLI prints it, the server answers with its status, README's table lists them."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import alignkit
from alignkit.errors import ERRORS, AlignkitError

README = Path(__file__).resolve().parents[1] / "README.md"
LIGHT = (
    "alignkit.errors",
    "alignkit.jobs.records",
    "alignkit.server.keys",
    "alignkit.server.files",
)


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_error_class_has_a_registered_code():
    for name in LIGHT:
        importlib.import_module(name)
    for module in pkgutil.walk_packages(alignkit.__path__, "alignkit."):
        if "migrations" in module.name or module.name.endswith("__main__"):
            continue
        if module.name.startswith(("alignkit.data", "alignkit.jobs", "alignkit.server")):
            try:
                importlib.import_module(module.name)
            except ImportError:
                continue
    found = {cls.__name__: cls.code for cls in [AlignkitError, *subclasses(AlignkitError)]}
    assert {"JobNotFound", "JobStateError", "DatabaseError", "BusyError"} <= set(found)
    assert all(code in ERRORS for code in found.values()), found
    assert all(re.fullmatch(r"AK-[A-Z-]+", c) and 100 <= s < 600 for c, (s, _d) in ERRORS.items())


def test_readme_lists_every_code():
    table = re.findall(r"^\| `(AK-[A-Z-]+)` \| (\d+) \|", README.read_text(), flags=re.M)
    assert [(c, int(s)) for c, s in table] == [(c, s) for c, (s, _d) in ERRORS.items()]


def test_the_cli_prints_the_code():
    result = subprocess.run(
        [sys.executable, "-m", "alignkit.cli", "jobs", "status", "nope"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no job with id 'nope' [AK-JOB-NOT-FOUND]"
