"""/api/pipelines: a pipeline posted as YAML or JSON is queued as jobs with their needs, read
back with each node's status, planned again (nothing new), cancelled; relative paths land in
the data dir; a member's node with a path outside the server's folders is a 403; bad input
is one line."""

from __future__ import annotations

from alignkit.paths import data_dir

YAML = """
name: api-sweep
data: {ingest: {input: exports/pairs.jsonl}}
stages:
  dpo:
    command: train:dpo
    sweep: {beta: [0.1, 0.2]}
  report: {command: report, needs: [dpo]}
"""


def test_a_pipeline_through_the_api(client, store, member):
    created = client.post("/api/pipelines", headers=member, json={"yaml": YAML})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [s["node"] for s in body["steps"]] == ["data", "dpo_beta0.1", "dpo_beta0.2", "report"]
    assert {s["action"] for s in body["steps"]} == {"submit"}
    ids = {s["node"]: s["job_id"] for s in body["steps"]}
    assert store.needs(ids["report"]) == sorted([ids["dpo_beta0.1"], ids["dpo_beta0.2"]])
    data = store.get(ids["data"]).settings
    assert data["input"] == str(data_dir().resolve() / "exports" / "pairs.jsonl")

    got = client.get("/api/pipelines/api-sweep", headers=member).json()
    assert [n["status"] for n in got["nodes"]] == ["scheduled"] * 4
    assert got["dag"]["nodes"][3]["needs"] == ["dpo_beta0.1", "dpo_beta0.2"]
    assert client.get("/api/pipelines", headers=member).json() == ["api-sweep"]

    again = client.post("/api/pipelines", headers=member, json={"yaml": YAML, "dry_run": True})
    assert {s["action"] for s in again.json()["steps"]} == {"attach"}

    cancelled = client.post("/api/pipelines/api-sweep/cancel", headers=member).json()
    assert cancelled["cancel_requested"] == 1  # the ingest: the rest failed with their need
    statuses = [n["status"] for n in cancelled["nodes"]]
    assert statuses == ["cancelled", "failed", "failed", "failed"]


def test_member_paths_and_bad_pipelines(client, member, admin, tmp_path):
    outside = {"stages": {"dpo": {"command": "train:dpo", "settings": {"output_dir": "/etc/x"}}}}
    refused = client.post("/api/pipelines", headers=member, json={"spec": outside})
    assert refused.status_code == 403 and refused.json()["code"] == "AK-FORBIDDEN"
    assert client.get("/api/pipelines", headers=member).json() == []
    assert client.post("/api/pipelines", headers=admin, json={"spec": outside, "dry_run": True})
    for body, message in [
        ({"yaml": "stages: ["}, "is not YAML"),
        ({}, "as `yaml`"),
        ({"spec": {"stages": {"a": {"command": "nope"}}}}, "command 'nope' is not one of"),
    ]:
        bad = client.post("/api/pipelines", headers=member, json=body)
        assert bad.status_code == 422 and message in bad.json()["message"], bad.json()
    missing = client.get("/api/pipelines/nope", headers=member)
    assert missing.status_code == 404 and missing.json()["code"] == "AK-NOT-FOUND"
    assert client.post("/api/pipelines", json={"yaml": YAML}).status_code == 401
