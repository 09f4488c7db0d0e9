"""The packaged Alembic migrations: idempotent, safe to run concurrently, and exactly the
models' schema, on both databases."""

from __future__ import annotations

import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, func, inspect, select, table

from alignkit.jobs import db
from alignkit.jobs.models import Base
from alignkit.server.feedback import models as _feedback_models  # noqa: F401  (its tables)

ROOT = Path(__file__).resolve().parents[2]


def differences(engine, metadata=Base.metadata):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"version_table": db.VERSION_TABLE, "compare_type": True}
        )
        return compare_metadata(context, metadata)


@pytest.fixture
def engine(fresh_db_url):
    engine = db.make_engine(fresh_db_url)
    yield engine
    engine.dispose()


def test_upgrade_twice_is_a_no_op(engine):
    assert db.current(engine) is None
    assert db.upgrade(engine) == db.head() == db.current(engine)
    tables = sorted(inspect(engine).get_table_names())
    assert tables == sorted(
        [
            "jobs",
            "job_artifacts",
            "workers",
            "api_keys",
            "datasets",
            "job_needs",
            "pipelines",
            "pipeline_nodes",
            "feedback_workspaces",
            "feedback_users",
            "feedback_members",
            "feedback_sessions",
            "feedback_datasets",
            "feedback_records",
            "feedback_leases",
            "feedback_responses",
            "feedback_response_history",
            "feedback_record_scores",
            db.VERSION_TABLE,
        ]  # fmt: skip
    )
    assert db.upgrade(engine) == db.head()
    assert sorted(inspect(engine).get_table_names()) == tables
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(table(db.VERSION_TABLE))).scalar()
    assert rows == 1


def test_migration_is_exactly_the_models(engine):
    db.upgrade(engine)
    assert differences(engine) == []
    # and the comparison does see a difference when there is one
    changed = MetaData()
    for t in Base.metadata.tables.values():
        t.to_metadata(changed)
    changed.tables["jobs"].append_column(Column("extra", Integer))
    assert [d[0] for d in differences(engine, changed)] == ["add_column"]


def test_concurrent_upgrades(fresh_db_url):
    # a server and a worker starting at the same moment on an empty database
    engines = [db.make_engine(fresh_db_url) for _ in range(3)]
    try:
        with ThreadPoolExecutor(len(engines)) as pool:
            revisions = list(pool.map(db.upgrade, engines))
        assert revisions == [db.head()] * 3
        assert differences(engines[0]) == []
    finally:
        for engine in engines:
            engine.dispose()


def test_migrations_ship_inside_the_package():
    assert (db.MIGRATIONS / "env.py").is_file()
    assert list((db.MIGRATIONS / "versions").glob("0001_*.py"))
    # setuptools packages only .py files of packages: everything else needs package-data
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["alignkit.jobs.migrations"]
    others = {
        p.name for p in db.MIGRATIONS.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
    }
    assert others == set(package_data) == {"script.py.mako"}
    for folder in (db.MIGRATIONS, db.MIGRATIONS / "versions"):
        assert (folder / "__init__.py").is_file(), f"{folder} is not a package: it would not ship"
