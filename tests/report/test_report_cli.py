"""`alignkit report` as a user runs it: the file on disk, one-line errors with exit code 2, and
a command line that stays light to import."""

from __future__ import annotations

import os
import subprocess
import sys

from typer.testing import CliRunner

from alignkit.cli import app


def run_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    code = "from alignkit.cli import main; main()"
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, env=env, timeout=120, cwd=cwd,
    )  # fmt: skip


def test_report_of_two_runs_with_options(folders):
    out = folders.root / "out" / "sweep.html"
    result = CliRunner().invoke(
        app,
        ["report", str(folders.rm), str(folders.dpo), "--output", str(out), "--title", "T1",
         "--examples", "2"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"report: {out}"
    page = out.read_text(encoding="utf-8")
    assert "<title>T1</title>" in page and page.count('class="example"') == 2


def test_user_errors_are_one_line_and_exit_2(tmp_path, folders):
    (tmp_path / "empty").mkdir()
    for args in (
        [str(tmp_path / "empty")],
        [str(tmp_path / "missing")],
        [str(folders.rm), "--examples", "-1"],
    ):
        result = run_cli("report", *args)
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert not (folders.rm / "report.html").exists()


def test_default_output_for_several_runs_is_the_working_directory(folders, tmp_path):
    result = run_cli("report", str(folders.rm), str(folders.dpo), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.html").is_file()


def test_the_command_line_imports_no_heavy_library():
    code = (
        "import sys; from alignkit.cli import app; "
        "print(sorted(m for m in ('torch', 'numpy', 'polars') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
    assert "report" in run_cli("--help").stdout
