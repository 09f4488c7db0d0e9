"""Job store fixtures: every store test runs on SQLite and on PostgreSQL. PostgreSQL tests get
a database of their own (CREATE DATABASE alignkit_test_<random>), dropped afterwards, and skip
only when no server answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

# the server the test machines run (trust auth); another one with ALIGNKIT_TEST_POSTGRES
PG_ADMIN_URL = os.environ.get("ALIGNKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Any]:
    """An autocommit connection to the server's `test` database, to create databases with."""
    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed (alignkit[postgres])")
    try:
        conn = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        pytest.skip(f"PostgreSQL is unreachable at {PG_ADMIN_URL}: {reason}")
    yield conn
    conn.close()


@contextmanager
def pg_database(admin: Any) -> Iterator[str]:
    from sqlalchemy import make_url

    name = f"alignkit_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _database(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('jobs-db') / 'alignkit.db'}"
    else:
        with pg_database(request.getfixturevalue("pg_admin")) as url:
            yield url


@pytest.fixture(scope="module", params=BACKENDS)
def db_url(request, tmp_path_factory) -> Iterator[str]:
    """An empty database per test module and backend."""
    with _database(request, tmp_path_factory) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def fresh_db_url(request, tmp_path_factory) -> Iterator[str]:
    """An empty database per test, for tests of the migrations themselves."""
    with _database(request, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def migrated_engine(db_url):
    from alignkit.jobs.db import make_engine, upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(migrated_engine):
    """A store over the module's database, emptied before each test."""
    from sqlalchemy import delete

    from alignkit.jobs.models import Artifact, Job, JobNeed, Pipeline, PipelineNode, Worker
    from alignkit.jobs.store import JobStore

    with migrated_engine.begin() as conn:
        for model in (PipelineNode, Pipeline, JobNeed, Artifact, Job, Worker):
            conn.execute(delete(model))
    return JobStore(migrated_engine)
