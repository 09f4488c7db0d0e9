"""/api/datasets: an ingested folder is registered with its schema report (checked by
alignkit.data.integrity); an uploaded export becomes a data:ingest job, and the dataset is
ready with its report when a worker has run it."""

from __future__ import annotations

import json

from tests.server.conftest import assert_error


def write_pairs(path, n=30):
    rows = [
        {"prompt": f"Tell me fact number {i}", "chosen": f"Fact {i}.", "rejected": "No."}
        for i in range(n)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_register_an_ingested_folder(client, member, tmp_path):
    from alignkit.data.pipeline import ingest
    from alignkit.data.settings import IngestSettings

    ingest(IngestSettings(input=write_pairs(tmp_path / "pairs.jsonl"), output=tmp_path / "data"))
    created = client.post(
        "/api/datasets", headers=member, json={"path": str(tmp_path / "data"), "name": "facts"}
    )
    assert created.status_code == 201, created.json()
    dataset = created.json()
    assert (dataset["status"], dataset["source"], dataset["name"]) == ("ready", "folder", "facts")
    assert dataset["report"]["integrity"]["files"] and dataset["digest"]
    assert client.get(f"/api/datasets/{dataset['id']}", headers=member).json() == dataset
    assert [d["id"] for d in client.get("/api/datasets", headers=member).json()] == [dataset["id"]]
    # a split changed after the ingest: refused with the integrity check's one line
    (tmp_path / "data" / "train.jsonl").write_text("{}\n")
    changed = client.post("/api/datasets", headers=member, json={"path": str(tmp_path / "data")})
    assert (
        "do not match its schema_report.json" in assert_error(changed, 422, "AK-INPUT")["message"]
    )
    missing = client.post("/api/datasets", headers=member, json={"path": str(tmp_path / "nope")})
    assert "dataset folder not found" in assert_error(missing, 422, "AK-INPUT")["message"]
    assert_error(client.get("/api/datasets/nope", headers=member), 404, "AK-NOT-FOUND")


def test_upload_is_ingested_as_a_job(client, store, member, tmp_path):
    from alignkit.jobs.runner import LocalWorker, WorkerSettings

    source = write_pairs(tmp_path / "export.jsonl")
    with open(source, "rb") as fh:
        response = client.post(
            "/api/datasets/upload",
            headers=member,
            files={"file": ("export.jsonl", fh, "application/jsonl")},
            data={"name": "up", "settings": json.dumps({"shuffle_seed": 7})},
        )
    assert response.status_code == 202, response.json()
    dataset = response.json()
    assert (dataset["status"], dataset["source"], dataset["report"]) == (
        "scheduled",
        "upload",
        None,
    )
    job = client.get(f"/api/jobs/{dataset['job_id']}", headers=member).json()
    assert job["kind"] == "data:ingest" and job["settings"]["shuffle_seed"] == 7
    assert job["settings"]["input"].endswith(f"uploads/{dataset['id']}/export.jsonl")
    LocalWorker(store, WorkerSettings(exit_when_idle=True, poll_s=0.05)).run()
    ready = client.get(f"/api/datasets/{dataset['id']}", headers=member).json()
    assert ready["status"] == "ready", client.get(
        f"/api/jobs/{job['id']}/logs", headers=member
    ).text
    assert ready["report"]["integrity"]["files"] and ready["path"] == job["settings"]["output"]
    # bad ingest settings are refused before anything is queued
    with open(source, "rb") as fh:
        bad = client.post(
            "/api/datasets/upload",
            headers=member,
            files={"file": ("export.jsonl", fh)},
            data={"settings": json.dumps({"train_ratio": 3})},
        )
    assert "--train-ratio" in assert_error(bad, 422, "AK-INPUT")["message"]
    assert len(client.get("/api/jobs", headers=member).json()) == 1
