"""API keys: without one only /health answers (401); a member key on an admin route, or on
another key's job, is a 403; revoked and wrong keys are 401; `alignkit keys` and the serve
command's refusal to listen beyond loopback with no key."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.server.conftest import assert_error, bearer, ingest_job

ROUTES = [
    ("GET", "/api/jobs"),
    ("POST", "/api/jobs"),
    ("GET", "/api/jobs/x"),
    ("POST", "/api/jobs/x/cancel"),
    ("POST", "/api/jobs/x/resume"),
    ("DELETE", "/api/jobs/x"),
    ("GET", "/api/jobs/x/logs"),
    ("GET", "/api/jobs/x/metrics"),
    ("GET", "/api/jobs/x/metrics/stream"),
    ("GET", "/api/jobs/x/artifacts"),
    ("GET", "/api/jobs/x/artifacts/a/download"),
    ("GET", "/api/jobs/x/files/a.txt"),
    ("GET", "/api/datasets"),
    ("POST", "/api/datasets"),
    ("POST", "/api/datasets/upload"),
    ("GET", "/api/datasets/x"),
    ("GET", "/api/keys"),
    ("POST", "/api/keys"),
    ("DELETE", "/api/keys/x"),
]


def test_health_answers_without_a_key(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {p for _m, p in ROUTES if "/x" not in p} <= set(paths)


@pytest.mark.parametrize("method,path", ROUTES)
def test_no_key_is_401_on_every_route(client, method, path):
    response = client.request(method, path)
    body = assert_error(response, 401, "AK-AUTH")
    assert "Bearer" in body["message"] and response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "token", ["nope", "ak_", "ak_abc", "ak_abc_def", "Basic x", "ak_000000000000_wrong"]
)
def test_a_wrong_key_is_401(client, admin, token):
    assert_error(
        client.get("/api/jobs", headers={"Authorization": f"Bearer {token}"}), 401, "AK-AUTH"
    )
    # the right id with another secret: argon2 says no
    key_id = admin["Authorization"].split("_")[1]
    wrong = {"Authorization": f"Bearer ak_{key_id}_not-the-secret"}
    assert_error(client.get("/api/jobs", headers=wrong), 401, "AK-AUTH")


def test_member_on_admin_routes_is_403(client, member, admin):
    assert client.get("/api/jobs", headers=member).status_code == 200
    assert_error(client.get("/api/keys", headers=member), 403, "AK-FORBIDDEN")
    assert_error(
        client.post("/api/keys", headers=member, json={"role": "admin"}), 403, "AK-FORBIDDEN"
    )
    listed = client.get("/api/keys", headers=admin).json()
    assert {k["role"] for k in listed} == {"admin", "member"}
    assert all("token" not in k and "secret_hash" not in k for k in listed)


def test_members_change_only_their_own_jobs(client, store, member, admin, tmp_path):
    other = bearer(store, "member", "bob")
    mine = client.post("/api/jobs", headers=member, json=ingest_job(tmp_path)).json()
    theirs = client.post("/api/jobs", headers=other, json=ingest_job(tmp_path)).json()
    assert client.get(f"/api/jobs/{theirs['id']}", headers=member).status_code == 200  # reads
    for action in ("cancel", "resume"):
        assert_error(
            client.post(f"/api/jobs/{theirs['id']}/{action}", headers=member), 403, "AK-FORBIDDEN"
        )
    assert_error(client.delete(f"/api/jobs/{theirs['id']}", headers=member), 403, "AK-FORBIDDEN")
    assert (
        client.post(f"/api/jobs/{mine['id']}/cancel", headers=member).json()["status"]
        == "cancelled"
    )
    assert client.delete(f"/api/jobs/{mine['id']}", headers=member).status_code == 204
    assert client.delete(f"/api/jobs/{theirs['id']}", headers=admin).status_code == 204


def test_keys_through_the_api_and_revocation(client, admin):
    created = client.post("/api/keys", headers=admin, json={"role": "member", "name": "ci"})
    assert created.status_code == 201
    token = created.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/jobs", headers=headers).status_code == 200
    assert client.delete(f"/api/keys/{created.json()['id']}", headers=admin).json()["revoked_at"]
    assert_error(client.get("/api/jobs", headers=headers), 401, "AK-AUTH")  # at once, cache or not
    assert_error(
        client.delete(f"/api/keys/{created.json()['id']}", headers=admin), 404, "AK-NOT-FOUND"
    )


def cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "alignkit.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_keys_cli_and_serve_refuses_a_public_host_without_a_key(store):
    refused = cli("serve", "--host", "0.0.0.0", "--port", "1", "--no-worker")
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "error: refusing to listen on 0.0.0.0 with no API key: create one first "
        "(`alignkit keys create --role admin`) [AK-INPUT]"
    ]
    made = cli("keys", "create", "--role", "admin", "--name", "me")
    token = made.stdout.strip()
    assert made.returncode == 0 and token.startswith("ak_") and "shown this once" in made.stderr
    listed = json.loads(cli("keys", "list", "--json").stdout)
    assert [(k["name"], k["role"], k["revoked_at"]) for k in listed] == [("me", "admin", None)]
    assert token not in cli("keys", "list").stdout  # only its hash is kept
    bad = cli("keys", "create", "--role", "root")
    assert bad.returncode == 2 and bad.stderr.strip() == (
        "error: --role must be one of admin, member, not 'root' [AK-INPUT]"
    )
    assert cli("keys", "revoke", listed[0]["id"]).returncode == 0
    again = cli("keys", "revoke", listed[0]["id"])
    assert again.returncode == 1 and again.stderr.strip().endswith(
        "(already revoked) [AK-NOT-FOUND]"
    )
