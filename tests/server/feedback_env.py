"""Shared by the feedback tests: an app over SQLite or PostgreSQL (any_db_url), an admin key,
users made and logged in through the API, and the headers that a user's browser would send."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from tests.server.conftest import bearer

PASSWORD = "correct horse"


@dataclass
class Env:
    client: object
    store: object
    admin: dict[str, str]
    users: dict[str, dict] = field(default_factory=dict)

    def user(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        """Made by the admin key, logged in; the headers its requests carry."""
        made = self.client.post(
            "/api/feedback/users", json={"email": email, "password": password}, headers=self.admin
        )
        assert made.status_code == 201, made.json()
        return self.login(email, password) | {"id": made.json()["id"]}

    def login(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        r = self.client.post("/api/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.json()
        token = r.cookies.get("alignkit_session")
        self.client.cookies.clear()  # each request names its user's cookie itself
        return {"Cookie": f"alignkit_session={token}", "X-CSRF-Token": r.json()["csrf_token"]}

    def workspace(self, name: str, members: dict[str, tuple[dict, str]] = {}) -> str:  # noqa: B006
        r = self.client.post("/api/feedback/workspaces", json={"name": name}, headers=self.admin)
        assert r.status_code == 201, r.json()
        wid = r.json()["id"]
        for _email, (user, role) in members.items():
            m = self.client.put(
                f"/api/feedback/workspaces/{wid}/members/{user['id']}", json={"role": role},
                headers=self.admin,
            )  # fmt: skip
            assert m.status_code == 200, m.json()
        return wid

    def dataset(self, wid: str, question: dict, records: list[dict], min_submitted=1, **kw):
        r = self.client.post(
            f"/api/feedback/workspaces/{wid}/datasets",
            json={"name": kw.get("name", "ds"), "question": question,
                  "guidelines": "# Be kind", "min_submitted": min_submitted},
            headers=self.admin,
        )  # fmt: skip
        assert r.status_code == 201, r.json()
        did = r.json()["id"]
        added = self.client.post(
            f"/api/feedback/datasets/{did}/records", json={"records": records}, headers=self.admin
        )
        assert added.status_code == 201, added.json()
        return did, added.json()["ids"]


def headers(user: dict) -> dict[str, str]:
    return {k: v for k, v in user.items() if k != "id"}


@pytest.fixture
def env(any_db_url, tmp_path):
    from fastapi.testclient import TestClient

    from alignkit.jobs.store import JobStore
    from alignkit.server.app import create_app

    store = JobStore.open(any_db_url)
    try:
        with TestClient(create_app(store, roots=[tmp_path])) as client:
            yield Env(client, store, bearer(store, "admin", "ops"))
    finally:
        store.engine.dispose()


def pairs(n: int) -> list[dict]:
    return [{"prompt": f"q{i}", "answers": [f"good {i}", f"bad {i}"]} for i in range(n)]
