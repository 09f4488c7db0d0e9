"""Server fixtures: the app over a job store in the test's own data dir (SQLite), or over a
PostgreSQL database of its own for the tests marked with BACKENDS; an admin and a member key."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the server extra is not installed")

from tests.jobs.conftest import BACKENDS, pg_admin, pg_database  # noqa: E402, F401


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'alignkit.db'}"


@pytest.fixture(params=BACKENDS)
def any_db_url(request, tmp_path):
    """SQLite, then PostgreSQL (marked postgres)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'alignkit.db'}"
    else:
        with pg_database(request.getfixturevalue("pg_admin")) as url:
            yield url


@pytest.fixture
def store(db_url):
    from alignkit.jobs.store import JobStore

    store = JobStore.open(db_url)
    yield store
    store.engine.dispose()


@pytest.fixture
def client(store, tmp_path):
    from fastapi.testclient import TestClient

    from alignkit.server.app import create_app

    with TestClient(create_app(store, poll_s=0.02, roots=[tmp_path])) as client:
        yield client


def bearer(store, role: str, name: str | None = None) -> dict[str, str]:
    from alignkit.server import keys

    _record, token = keys.create(store.engine, role, name)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(store) -> dict[str, str]:
    return bearer(store, "admin", "ops")


@pytest.fixture
def member(store) -> dict[str, str]:
    return bearer(store, "member", "ann")


def ingest_job(tmp_path: Path) -> dict:
    """A valid data:ingest job body (the input need not exist until a worker runs it)."""
    return {
        "kind": "data:ingest",
        "settings": {"input": str(tmp_path / "pairs.jsonl"), "output": str(tmp_path / "out")},
    }


def run_by_hand(store, job_id: str, run_dir: Path, log: bytes = b"") -> None:
    """Take a job through claim and start as a worker would, with its log written."""
    from alignkit.jobs.runner import job_dir

    claimed = store.claim("hand", free_cpus=64, free_gpus=8)
    assert claimed is not None and claimed.id == job_id
    log_path = job_dir(job_id) / "job.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(log)
    run_dir.mkdir(parents=True, exist_ok=True)
    store.set_running(job_id, pid=1, host="h", run_dir=run_dir, log_path=log_path)


def assert_error(response, status: int, code: str) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"code", "message", "detail"} and body["code"] == code, body
    assert body["message"] and "\n" not in body["message"]
    return body
