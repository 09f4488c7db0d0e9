"""/api/jobs: settings validated by the command's dataclass (422 with the CLI's one-line
message), unknown jobs 404, and a job's life through the API: submit, list, get, cancel while
scheduled, resume, delete; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.server.conftest import assert_error, bearer, ingest_job


@pytest.fixture
def api(any_db_url, tmp_path):
    from fastapi.testclient import TestClient

    from alignkit.jobs.store import JobStore
    from alignkit.server.app import create_app

    store = JobStore.open(any_db_url)
    with TestClient(create_app(store, roots=[tmp_path])) as client:
        yield client, bearer(store, "member")
    store.engine.dispose()


def test_a_job_through_the_api(api, tmp_path):
    client, key = api
    body = {**ingest_job(tmp_path), "priority": 3, "tags": ["a", "b"], "cpus": 2}
    created = client.post("/api/jobs", headers=key, json=body)
    assert created.status_code == 201, created.json()
    job = created.json()
    assert (job["status"], job["kind"], job["priority"], job["tags"], job["cpus"]) == (
        "scheduled", "data:ingest", 3, ["a", "b"], 2,
    )  # fmt: skip
    # the stored settings are the resolved dataclass: defaults filled in
    assert job["settings"]["train_ratio"] == 0.9 and job["settings"]["output"].endswith("out")
    assert [j["id"] for j in client.get("/api/jobs", headers=key).json()] == [job["id"]]
    assert client.get("/api/jobs?status=scheduled", headers=key).json()[0]["id"] == job["id"]
    assert client.get("/api/jobs?status=completed", headers=key).json() == []
    assert client.get(f"/api/jobs/{job['id']}", headers=key).json() == job
    cancelled = client.post(f"/api/jobs/{job['id']}/cancel", headers=key).json()
    assert cancelled["status"] == "cancelled" and cancelled["completed_at"]
    again = client.post(f"/api/jobs/{job['id']}/cancel", headers=key)
    assert "cannot cancel" in assert_error(again, 409, "AK-JOB-STATE")["message"]
    resumed = client.post(f"/api/jobs/{job['id']}/resume", headers=key).json()
    assert (resumed["status"], resumed["attempts"]) == ("scheduled", 2)
    assert client.delete(f"/api/jobs/{job['id']}", headers=key).status_code == 204
    assert_error(client.get(f"/api/jobs/{job['id']}", headers=key), 404, "AK-JOB-NOT-FOUND")


def test_unknown_job_is_404(api):
    client, key = api
    for method, path in [
        ("GET", "/api/jobs/nope"),
        ("POST", "/api/jobs/nope/cancel"),
        ("POST", "/api/jobs/nope/resume"),
        ("DELETE", "/api/jobs/nope"),
        ("GET", "/api/jobs/nope/logs"),
        ("GET", "/api/jobs/nope/metrics"),
        ("GET", "/api/jobs/nope/metrics/stream"),
        ("GET", "/api/jobs/nope/artifacts"),
        ("GET", "/api/jobs/nope/files/job.log"),
    ]:
        body = assert_error(client.request(method, path, headers=key), 404, "AK-JOB-NOT-FOUND")
        assert body["message"] == "no job with id 'nope'"


@pytest.mark.parametrize(
    "settings,message",
    [
        (
            {"input": "a", "output": "b", "train_ratio": 2},
            "--train-ratio/--eval-ratio/--test-ratio",
        ),
        ({"input": "a"}, "missing --output"),
        (
            {"input": "a", "output": "b", "no_such": 1},
            "unknown setting(s) for IngestSettings: no_such",
        ),
        ({"input": "a", "output": "b", "aggregate": "loudest"}, "aggregate"),
    ],
)
def test_bad_settings_are_422_with_the_one_line_message(api, settings, message):
    client, key = api
    response = client.post(
        "/api/jobs", headers=key, json={"kind": "data:ingest", "settings": settings}
    )
    body = assert_error(response, 422, "AK-INPUT")
    assert message in body["message"]
    assert client.get("/api/jobs", headers=key).json() == []  # nothing was queued


def test_bad_requests_are_one_error_body(client, member):
    unknown = client.post("/api/jobs", headers=member, json={"kind": "train:nope"})
    assert "unknown command 'train:nope'" in assert_error(unknown, 422, "AK-INPUT")["message"]
    shape = client.post("/api/jobs", headers=member, json={"kind": "data:ingest", "cpus": -1})
    body = assert_error(shape, 422, "AK-VALIDATION")
    assert body["message"].startswith("cpus: ") and body["detail"][0]["loc"] == ["body", "cpus"]
    assert_error(client.get("/api/jobs?status=exploded", headers=member), 422, "AK-VALIDATION")
    assert_error(client.get("/api/nothing", headers=member), 404, "AK-NOT-FOUND")
    assert_error(client.put("/api/jobs", headers=member), 405, "AK-METHOD")
