"""Opening the job database and migrating it. The embedded default is SQLite in WAL mode in
alignkit's data dir; ALIGNKIT_DATABASE_URL=postgresql+psycopg://... selects PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, OperationalError

from alignkit.jobs.records import DatabaseError
from alignkit.paths import data_dir

ENV_VAR = "ALIGNKIT_DATABASE_URL"
MIGRATIONS = Path(__file__).with_name("migrations")
# a table of its own, so another migration history (the server's) can share the database
VERSION_TABLE = "alembic_version_jobs"
# writers wait this long for SQLite's write lock before SQLITE_BUSY
BUSY_TIMEOUT_MS = 30_000
# serialises concurrent `upgrade` calls (a server and a worker starting together) on PostgreSQL
_PG_MIGRATION_LOCK = 0x616C69676E6B6974  # "alignkit"
# the execution option of transactions that write (see _sqlite_begin and writer())
WRITE = {"alignkit_write": True}


def database_url() -> str:
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        return value
    return f"sqlite:///{data_dir() / 'alignkit.db'}"


def make_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """An engine for the job database: `url`, else $ALIGNKIT_DATABASE_URL, else SQLite."""
    try:
        parsed = make_url(url if url is not None else database_url())
    except ArgumentError as exc:
        raise DatabaseError(f"{ENV_VAR}: not a database URL: {url or database_url()!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":  # psycopg 3, not SQLAlchemy's psycopg2 default
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, pool_pre_ping=True, **kwargs)
        except ModuleNotFoundError as exc:
            raise DatabaseError(
                f"PostgreSQL needs its driver ({exc.name}): pip install 'alignkit[postgres]'"
            ) from exc
    raise DatabaseError(f"{ENV_VAR}: only sqlite:// and postgresql+psycopg:// URLs, not {backend}")


def _sqlite_engine(url: URL, **kwargs: Any) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # the driver's own transaction handling is off; _sqlite_begin emits BEGIN itself
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        # busy_timeout first: switching a new database to WAL takes a lock, and connections
        # opening it together (a server and a worker starting) must wait for it, not fail
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # WAL: readers never block the writer; foreign keys are off per connection by default
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL except on power loss
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        # a writer takes the write lock up front (IMMEDIATE), so a transaction that reads and
        # then writes waits (busy_timeout) instead of failing with SQLITE_BUSY at its first
        # write; readers keep SQLite's deferred BEGIN and never block anyone in WAL mode
        write = conn.get_execution_options().get("alignkit_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine and pool, for transactions that write."""
    return engine.execution_options(**WRITE)


def describe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _alembic_config(connection: Any = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest migration shipped with this alignkit."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The database's migration revision (None: never migrated)."""
    from alembic.migration import MigrationContext

    with _opened(engine), engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade(engine: Engine) -> str:
    """Apply pending migrations; a no-op when the database is current. Safe to call from
    several processes at once. Returns the revision the database is at."""
    from alembic import command

    with _opened(engine), writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        command.upgrade(_alembic_config(conn), "head")
    return head()


@contextmanager
def _opened(engine: Engine) -> Iterator[None]:
    """Turns "cannot connect" into one line that names the database."""
    try:
        yield
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(f"job database {describe(engine)}: {reason}") from exc
