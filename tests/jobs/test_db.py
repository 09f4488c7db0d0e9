"""Opening the job database: the default SQLite file, its pragmas, PostgreSQL by URL, one-line
errors, and the `alignkit db` commands."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from alignkit.cli import db as db_cli
from alignkit.jobs import db
from alignkit.jobs.records import DatabaseError
from alignkit.paths import data_dir


def test_default_is_sqlite_in_the_data_dir(monkeypatch):
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    assert db.database_url() == f"sqlite:///{data_dir() / 'alignkit.db'}"
    engine = db.make_engine()
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()
    assert (data_dir() / "alignkit.db").is_file()


def test_the_environment_picks_the_database(monkeypatch, tmp_path):
    monkeypatch.setenv(db.ENV_VAR, f"sqlite:///{tmp_path}/other.db")
    assert db.database_url() == f"sqlite:///{tmp_path}/other.db"
    monkeypatch.setenv(db.ENV_VAR, "   ")  # empty means unset
    assert db.database_url().endswith("/alignkit.db")


def test_sqlite_pragmas_on_every_connection(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path}/sub/dir/jobs.db")
    try:
        with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                pragmas = {
                    name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                    for name in ("journal_mode", "foreign_keys", "busy_timeout")
                }
                assert pragmas == {
                    "journal_mode": "wal",
                    "foreign_keys": 1,
                    "busy_timeout": db.BUSY_TIMEOUT_MS,
                }
    finally:
        engine.dispose()


def test_postgresql_urls_use_psycopg_3():
    pytest.importorskip("psycopg")
    engine = db.make_engine("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


@pytest.mark.parametrize(
    "url, message",
    [
        ("mysql://u@h/db", "only sqlite:// and postgresql+psycopg:// URLs, not mysql"),
        ("not a url", "not a database URL"),
    ],
)
def test_unsupported_urls_are_one_line(url, message):
    with pytest.raises(DatabaseError, match=re.escape(message)) as info:
        db.make_engine(url)
    assert "\n" not in str(info.value)


def test_an_unreachable_server_is_one_line():
    pytest.importorskip("psycopg")
    engine = db.make_engine("postgresql+psycopg://ak:secret@127.0.0.1:1/jobs?connect_timeout=2")
    with pytest.raises(
        DatabaseError, match=r"job database postgresql\+psycopg://ak:\*\*\*@"
    ) as info:
        db.upgrade(engine)
    assert "\n" not in str(info.value) and "secret" not in str(info.value)


def test_db_commands(monkeypatch, tmp_path):
    monkeypatch.setenv(db.ENV_VAR, f"sqlite:///{tmp_path}/cli.db")
    runner = CliRunner()
    result = runner.invoke(db_cli.app, ["current"])
    assert result.exit_code == 0, result.output
    assert "empty (needs `alignkit db upgrade`" in result.output
    result = runner.invoke(db_cli.app, ["upgrade"])
    assert result.exit_code == 0 and f"empty -> {db.head()}" in result.output
    result = runner.invoke(db_cli.app, ["upgrade"])
    assert result.exit_code == 0 and "already current" in result.output
    result = runner.invoke(db_cli.app, ["current"])
    assert result.exit_code == 0 and f"{db.head()} (current)" in result.output


def test_db_commands_import_nothing_heavy():
    code = (
        "import sys, alignkit.cli.db; "
        "print(any(m.startswith(('sqlalchemy', 'alembic')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
