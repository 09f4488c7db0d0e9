"""A member key's jobs read and write only inside the server's folders (the data dir and each
`--root`): a path outside them, a relative path climbing out, a symlink pointing out, a model
or `rm:` judge folder outside, all 403 AK-FORBIDDEN; relative paths land inside the first
root; admin keys are not held to the folders."""

from __future__ import annotations

import os

import pytest

from tests.server.conftest import bearer


def job(kind: str, **settings) -> dict:
    return {"kind": kind, "settings": settings}


def forbidden(response, field: str) -> None:
    body = response.json()
    assert response.status_code == 403, body
    assert body["code"] == "AK-FORBIDDEN"
    assert body["message"].startswith(f"{field}: ")


def test_member_paths_outside_the_roots_are_refused(client, member, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    cases = {
        "input": job("data:ingest", input="/etc/passwd", output=str(tmp_path / "o")),
        "output": job("data:ingest", input=str(tmp_path / "a.jsonl"), output=str(outside)),
        "dataset_dir": job("train:dpo", dataset_dir="../../..", output_dir=str(tmp_path / "r")),
        "policy_model": job(
            "train:dpo",
            policy_model=str(outside),
            dataset_dir=str(tmp_path),
            output_dir=str(tmp_path / "r"),
        ),  # fmt: skip
        "judge": job(
            "eval:policy",
            policy=str(tmp_path / "p"),
            judge=f"rm:{outside}",
            dataset_dir=str(tmp_path),
        ),  # fmt: skip
    }
    cases["run_dirs"] = job("report", run_dirs=[str(tmp_path / "run"), "/etc"])
    for field, body in cases.items():
        forbidden(client.post("/api/jobs", headers=member, json=body), field)
    assert client.get("/api/jobs", headers=member).json() == []  # nothing was queued


def test_a_symlink_out_of_a_root_is_outside(client, member, tmp_path):
    (tmp_path / "link").symlink_to("/etc")
    body = job("data:ingest", input=str(tmp_path / "link" / "passwd"), output=str(tmp_path / "o"))
    forbidden(client.post("/api/jobs", headers=member, json=body), "input")


def test_relative_paths_land_in_the_data_dir(client, member):
    from alignkit.paths import data_dir

    body = job("data:ingest", input="exports/a.jsonl", output="datasets/mine")
    created = client.post("/api/jobs", headers=member, json=body)
    assert created.status_code == 201, created.json()
    settings = created.json()["settings"]
    root = data_dir().resolve()
    assert settings["input"] == str(root / "exports" / "a.jsonl")
    assert settings["output"] == str(root / "datasets" / "mine")
    report = job("report", run_dirs=["runs/a", "runs/b"])
    created = client.post("/api/jobs", headers=member, json=report)
    assert created.json()["settings"]["run_dirs"] == [str(root / "runs/a"), str(root / "runs/b")]


def test_names_and_hub_ids_are_not_paths(client, member, tmp_path):
    body = job(
        "train:dpo", policy_model="HuggingFaceTB/SmolLM2-135M-Instruct",
        dataset_dir=str(tmp_path), output_dir=str(tmp_path / "run"),
    )  # fmt: skip
    created = client.post("/api/jobs", headers=member, json=body)
    assert created.status_code == 201, created.json()
    assert created.json()["settings"]["policy_model"] == "HuggingFaceTB/SmolLM2-135M-Instruct"


def test_admins_are_not_held_to_the_roots(client, admin, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    body = job("data:ingest", input=str(tmp_path / "a.jsonl"), output=str(outside))
    assert client.post("/api/jobs", headers=admin, json=body).status_code == 201


def test_registering_a_folder_outside_is_refused(client, store, member, admin, tmp_path):
    outside = tmp_path.parent
    forbidden(client.post("/api/datasets", headers=member, json={"path": str(outside)}), "path")
    # an admin may (it fails for another reason: not an ingest folder)
    assert client.post("/api/datasets", headers=admin, json={"path": str(outside)}).status_code in (
        404, 422,
    )  # fmt: skip


def test_llama_stack_checkpoint_dir_and_uri_are_held_too(client, store, member, tmp_path):
    forbidden(
        client.post(
            "/v1/datasets",
            headers=member,
            json={"source": {"type": "uri", "uri": "file:///etc/passwd"}},
        ),  # fmt: skip
        "source.uri",
    )


def test_serve_root_env_adds_folders(store, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from alignkit.server.app import create_app
    from alignkit.server.paths import ENV_VAR

    extra = tmp_path / "shared-disk"
    extra.mkdir()
    monkeypatch.setenv(ENV_VAR, str(extra))
    with TestClient(create_app(store)) as client:
        member = bearer(store, "member")
        body = job("data:ingest", input=str(extra / "a.jsonl"), output=str(extra / "out"))
        assert client.post("/api/jobs", headers=member, json=body).status_code == 201
        body = job("data:ingest", input=str(tmp_path / "a.jsonl"), output=str(extra / "out2"))
        forbidden(client.post("/api/jobs", headers=member, json=body), "input")


@pytest.mark.parametrize("value", ["~", "~/x"])
def test_home_relative_paths_are_checked(client, member, tmp_path, value):
    if os.path.expanduser("~").startswith(str(tmp_path)):
        pytest.skip("home inside the test folder")
    body = job("data:ingest", input=value, output=str(tmp_path / "o"))
    forbidden(client.post("/api/jobs", headers=member, json=body), "input")
