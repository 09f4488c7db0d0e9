"""Path traversal (issue 12, security): 60+ payloads (`../`, percent-encoded, double- and
triple-encoded, backslashes, absolute paths, NUL bytes, unicode and overlong-UTF-8 dots and
slashes, mixed, filter-evasion forms, symlinks out of the folder made here) against every route
that takes a path or a file name: a job's files, its artifacts' downloads, the UI's static
files, dataset registration (REST and Llama Stack), uploads' and imports' file names, a job's
path settings. Each answers 404 (or the route's documented 4xx) and never a byte of a file
outside, nor writes one there.

URL payloads are sent to the ASGI app as uvicorn hands them over (the path percent-decoded
once, no dot segment removed), since httpx would normalise `../` away before the app saw it."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.server.conftest import bearer, run_by_hand
from tests.server.test_security_roles import routes
from tests.server.test_ui import csrf, ui_login

SECRET = "TOPSECRET-5f0c9a"
PASSWD = "root:x:0:0"  # /etc/passwd's first line, should a payload reach it


def payloads(secret: Path) -> list[str]:
    """URL-encoded (ASCII) path payloads aimed at `secret`, which lies in the parent of the run
    folder, and at /etc/passwd."""
    absolute = str(secret)
    bare = absolute.lstrip("/")  # from / down to the secret
    enc = bare.replace("/", "%2f")
    climb = "../" * 12  # more than enough to reach /
    out = [
        # plain climbs
        "../secret.txt", "../../secret.txt", "./../secret.txt", "sub/../../secret.txt",
        f"{climb}{bare}", f"{climb}etc/passwd", "../" * 100 + "etc/passwd",
        # percent-encoded dots and slashes
        "%2e%2e/secret.txt", "%2e%2e%2fsecret.txt", "%2E%2E%2Fsecret.txt", "..%2fsecret.txt",
        ".%2e/secret.txt", "%2e./secret.txt", "%2e%2e%2f" * 12 + enc,
        "sub%2f%2e%2e%2f%2e%2e%2fsecret.txt", "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        # double- and triple-encoded (a second decode somewhere would climb)
        "%252e%252e%252fsecret.txt", "%252e%252e/secret.txt", "..%252fsecret.txt",
        "%25252e%25252e%25252fsecret.txt", "%252e%252e%252f" * 12 + "etc%252fpasswd",
        # backslashes (Windows separators)
        "..%5csecret.txt", "..%5c..%5csecret.txt", "%5c..%5csecret.txt", "..%255csecret.txt",
        "..\\secret.txt", "sub%5c..%5c..%5csecret.txt", "C:%5cWindows%5cwin.ini",
        "%5c%5cserver%5cshare%5csecret.txt",
        # absolute paths
        f"/{bare}", f"%2f{enc}", f"%2f{bare}", "/etc/passwd", "//etc/passwd", "%2fetc%2fpasswd",
        f"file:{absolute}", "~/secret.txt", "~root/.bashrc",
        # NUL bytes (a C-level truncation would drop what follows)
        "../secret.txt%00", "../secret.txt%00.json", "..%00/secret.txt", "%00../secret.txt",
        "nul%00.txt", f"{climb}etc/passwd%00.png",
        # unicode look-alikes of dots and slashes (fullwidth, one-dot leader, two-dot leader,
        # fullwidth and division slashes), none of which the OS takes for `.` or `/`
        "%ef%bc%8e%ef%bc%8e/secret.txt", "%e2%80%a4%e2%80%a4/secret.txt", "%e2%80%a5/secret.txt",
        "..%ef%bc%8fsecret.txt", "..%e2%88%95secret.txt", "%u002e%u002e%u2215secret.txt",
        # overlong UTF-8 for `.`, `/` and `\` (CVE-2000-0884 style)
        "%c0%ae%c0%ae/secret.txt", "%c0%ae%c0%ae%c0%afsecret.txt", "..%c0%afsecret.txt",
        "%e0%80%ae%e0%80%ae/secret.txt", "..%e0%80%afsecret.txt", "..%c1%9csecret.txt",
        "%c0%2e%c0%2e/secret.txt", "%f0%80%80%ae%f0%80%80%ae/secret.txt",
        # mixed and filter-evasion forms
        "..%2f..%5c../secret.txt", "%2e./%2e%2e/secret.txt", "sub/%2e%2e/%2e%2e/secret.txt",
        "sub/..%2f..%2fsecret.txt", "....//secret.txt", "..../secret.txt", "...//secret.txt",
        ".../.../secret.txt", "..;/secret.txt", "sub/./../../secret.txt",
        "%2e%2e%5c%2e%2e/etc/passwd",
        # symlinks made below, in the run folder
        "link.txt", "linkdir/secret.txt", "linkdir%2fsecret.txt", "sub/up/secret.txt",
        "abslink", "loop", "sub", "",
    ]  # fmt: skip
    assert len(out) >= 50 and len(set(out)) == len(out)
    return out


def asgi_request(app, method: str, raw_path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """One request to the ASGI app as uvicorn makes it: scope["path"] is the raw path
    percent-decoded once (UTF-8, errors replaced), dot segments left as they are."""

    async def call() -> tuple[int, bytes]:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": unquote(raw_path),
            "raw_path": raw_path.encode("ascii"), "query_string": b"", "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {},
        }  # fmt: skip
        sent = False
        status, body = 0, []

        async def receive():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)  # no disconnect while the answer streams

        async def send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        await app(scope, receive, send)
        return status, b"".join(body)

    return asyncio.run(call())


def leaked(body: bytes | str) -> bool:
    text = body if isinstance(body, str) else body.decode("utf-8", "replace")
    return SECRET in text or PASSWD in text


@pytest.fixture
def world(client, store, member, tmp_path):
    """A member's job whose run folder is tmp_path/run, the secret beside that folder, and
    symlinks in the run folder leading out (to the secret, to its folder, to /etc/passwd, a
    relative one climbing, a loop)."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    job = client.post("/api/jobs", headers=member, json={
        "kind": "data:ingest",
        "settings": {"input": str(tmp_path / "pairs.jsonl"), "output": str(tmp_path / "out")},
    }).json()  # fmt: skip
    run = tmp_path / "run"
    run_by_hand(store, job["id"], run, b"log line\n")
    (run / "sub").mkdir()
    (run / "ok.txt").write_text("fine")
    (run / "link.txt").symlink_to(secret)
    (run / "linkdir").symlink_to(tmp_path)
    (run / "sub" / "up").symlink_to("../..")  # relative: run/sub/up -> tmp_path
    (run / "abslink").symlink_to("/etc/passwd")
    (run / "loop").symlink_to(run / "loop")
    return job["id"], secret


def test_job_files_never_leave_the_job_folders(client, member, admin, world):
    job_id, secret = world
    app = client.app
    # the route works: a file inside is served, raw as well as through httpx
    assert asgi_request(app, "GET", f"/api/jobs/{job_id}/files/ok.txt", member) == (200, b"fine")
    for headers in (member, admin):  # an admin key is held to the job's folders too
        for payload in payloads(secret):
            status, body = asgi_request(app, "GET", f"/api/jobs/{job_id}/files/{payload}", headers)
            assert status == 404, (payload, status, body[:200])
            assert not leaked(body), payload
            # and through httpx, which normalises what it can first
            response = client.get(f"/api/jobs/{job_id}/files/{payload}", headers=headers)
            assert response.status_code == 404, (payload, response.status_code)
            assert not leaked(response.content), payload


def test_ids_in_job_and_artifact_routes_are_not_paths(client, member, world):
    job_id, secret = world
    for payload in payloads(secret):
        for url in (f"/api/jobs/{payload}/files/ok.txt", f"/api/jobs/{payload}/logs",
                    f"/api/jobs/{job_id}/artifacts/{payload}/download"):  # fmt: skip
            status, body = asgi_request(client.app, "GET", url, member)
            assert status in (404, 405), (url, status)  # 405: `/api/jobs//logs`-like shapes
            assert not leaked(body), url


def test_artifacts_recorded_with_climbing_paths_are_not_served(client, store, member, world):
    """A worker records artifacts; one whose path climbs out (or links out) is a 404."""
    job_id, secret = world
    run = store.get(job_id).run_dir
    for payload in payloads(secret):
        if "%00" in payload:  # a path with a NUL byte cannot be recorded on every database
            continue
        store.add_artifact(job_id, "eval", f"{run}/{unquote(payload)}")
    store.add_artifact(job_id, "eval", str(secret))
    store.add_artifact(job_id, "model", str(secret.parent))  # a folder outside: no tar of it
    listed = client.get(f"/api/jobs/{job_id}/artifacts", headers=member).json()
    assert len(listed) > 50
    # every route that serves an artifact by id: the API's, and any page's (the dashboard's),
    # found in the app's route table, with a workspace owner's session for the pages
    ui = [r.path for r in routes(client.app)
          if r.method == "GET" and "{artifact_id}" in r.path and not r.api]  # fmt: skip
    cookie = _owner_cookie(client, store) if ui else None
    for artifact in listed:
        for template in ["/api/jobs/{job_id}/artifacts/{artifact_id}/download", *ui]:
            url = template.replace("{job_id}", job_id).replace("{artifact_id}", artifact["id"])
            _check_artifact(client, url, artifact, run, member, cookie)


def _owner_cookie(client, store) -> str:
    from alignkit.server.feedback import auth
    from tests.server.feedback_env import PASSWORD

    ws = auth.create_workspace(store.engine, "owners")
    user = auth.create_user(store.engine, "boss@x.org", PASSWORD)
    auth.set_member(store.engine, ws.id, user.id, "owner")
    _record, token = auth.start_session(store.engine, user)
    return token


def _check_artifact(client, url, artifact, run, member, cookie) -> None:
    client.cookies.clear()
    if url.startswith("/api/"):
        response = client.get(url, headers=member)
    else:
        client.cookies.set("alignkit_session", cookie)
        response = client.get(url, follow_redirects=False)
        client.cookies.clear()
    assert not leaked(response.content), (url, artifact["path"])
    if Path(os.path.realpath(artifact["path"])).is_relative_to(os.path.realpath(run)):
        # `sub`, `` and `sub/..`-like paths name the run folder or a folder in it: one tar of
        # what lies inside (its links out left out), else the 404
        assert response.status_code in (200, 404), (url, artifact["path"])
        if response.status_code == 200:
            assert response.headers["content-type"] == "application/x-tar"
        return
    assert response.status_code == 404, (url, artifact["path"], response.status_code)


def test_static_files_are_only_the_packaged_ones(client, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    ui_source = (Path(__import__("alignkit").server.ui.__file__).parent / "web.py").read_text()
    assert client.get("/static/ui.css").status_code == 200
    extra = ["..%2fweb.py", "../web.py", "%2e%2e%2fweb.py", "..%5cweb.py", ".htaccess",
             "..%2f..%2f..%2f__init__.py", "%2e%2e%252fweb.py", "..%c0%afweb.py",
             "ui.css%00.js", ".", "..", "%2e", "%2e%2e"]  # fmt: skip
    for payload in payloads(secret) + extra:
        status, body = asgi_request(client.app, "GET", f"/static/{payload}", {})
        assert status == 404, (payload, status)
        assert not leaked(body) and b"def static_file" not in body, payload
        assert ui_source.encode()[:200] not in body


def test_dataset_registration_is_held_to_the_roots(client, member, tmp_path):
    """POST /api/datasets and Llama Stack's /v1/datasets with a member key, the secret out of
    the server's folders: a path that reaches out of them is a 403, an odd name inside them a
    422 (no such folder or export); nothing is registered or queued, and no Llama Stack
    dataset_id names a folder out of the data dir."""
    from alignkit.paths import data_dir

    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(SECRET)
    data_dir().mkdir(parents=True, exist_ok=True)
    (data_dir() / "escape").symlink_to(outside)  # inside a root, leading out of it
    (tmp_path / "escape").symlink_to(outside)
    paths = [unquote(p) for p in payloads(secret)]
    climbing = [str(outside), str(secret), "escape", "escape/secret.txt", "escape/../escape",
                str(data_dir() / "escape"), str(tmp_path / "escape" / "secret.txt"),
                f"{tmp_path}/../{outside.name}/secret.txt"]  # fmt: skip
    for path in paths + climbing:
        response = client.post("/api/datasets", headers=member, json={"path": path})
        assert response.status_code in (403, 422), (path, response.status_code, response.text)
        if path in climbing or path.startswith(("../", "/")):
            assert response.status_code == 403, (path, response.json())
        assert not leaked(response.text), path
        if not path.startswith("/"):
            continue  # Llama Stack's uri: file:///abs or /abs (anything else is a 422)
        for uri in (path, f"file://{path}"):
            ls = client.post("/v1/datasets", headers=member,
                             json={"source": {"type": "uri", "uri": uri}})  # fmt: skip
            assert ls.status_code == 403, (uri, ls.status_code, ls.text)
    assert client.get("/api/datasets", headers=member).json() == []
    assert client.get("/api/jobs", headers=member).json() == []
    rows = {"type": "rows", "rows": [{"prompt": "p", "chosen": "a", "rejected": "b"}]}
    ids = paths + [str(outside / "x"), f"../../../..{outside}", ".hidden", "a/b", "x" * 129]
    for dataset_id in ids:
        if not dataset_id or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", dataset_id):
            continue  # none (a new uuid) or a plain name (sub): a folder of the data dir's own
        made = client.post("/v1/datasets", headers=member,
                           json={"dataset_id": dataset_id, "source": rows})  # fmt: skip
        assert made.status_code == 422, (dataset_id, made.status_code, made.text)
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"], "wrote outside"
    uploads = data_dir() / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


def _files_outside(top: Path, inside: Path) -> set[Path]:
    return {p for p in top.rglob("*") if not p.is_relative_to(inside) and not p.is_symlink()}


def test_upload_file_names_cannot_climb(client, member, tmp_path):
    """The upload's file name keeps only its last part: the file lands in its dataset's
    upload folder or the upload is a 422; nothing is written anywhere else."""
    from alignkit.paths import data_dir

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    top = tmp_path.parent  # holds tmp_path, the data dir's tmp folder and the test's others
    client.get("/api/datasets", headers=member)  # the database's files exist before the snapshot
    (data_dir() / "uploads").mkdir(parents=True, exist_ok=True)
    before = _files_outside(top, data_dir() / "uploads")
    names = [unquote(p).replace("\x00", "") for p in payloads(secret)]
    names += [f"{n}.jsonl" for n in names if n] + ["..", ".", "x/..", "/", "..\\..\\a.jsonl"]
    accepted = 0
    for name in names:
        response = client.post("/api/datasets/upload", headers=member,
                               files={"file": (name, b'{"prompt": "p"}\n')})  # fmt: skip
        assert response.status_code in (202, 422), (name, response.status_code, response.text)
        if response.status_code == 202:
            accepted += 1
            folder = data_dir() / "uploads" / response.json()["id"]
            (saved,) = list(folder.iterdir())
            assert saved.resolve().parent == folder.resolve() and saved.is_file(), name
    assert accepted > 30
    assert secret.read_text() == SECRET
    grown = _files_outside(top, data_dir() / "uploads") - before
    # the jobs' database grows, and nothing else
    assert {p.name for p in grown} <= {"alignkit.db-journal"}, grown


def test_ui_import_file_names_write_nothing(env_ui, tmp_path):
    """The UI's record import reads the upload in memory: its name picks the reader only."""
    client, dataset_id, token = env_ui
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    top = tmp_path.parent
    before = {p for p in top.rglob("*")}
    line = b'{"prompt": "p", "answers": ["a", "b"]}\n'
    for payload in payloads(secret)[:40]:
        name = unquote(payload).replace("\x00", "") + ".jsonl"
        response = client.post(f"/datasets/{dataset_id}/import", data={"csrf_token": token},
                               files={"file": (name, line)})  # fmt: skip
        assert response.status_code in (200, 422), (name, response.status_code)
        assert not leaked(response.text), name
    grown = {p for p in top.rglob("*")} - before
    assert {p.name for p in grown} <= {"alignkit.db-journal"}, grown
    assert secret.read_text() == SECRET


@pytest.fixture
def env_ui(client, store):
    """An owner of a workspace with one pairwise dataset, logged in through the UI's form."""
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb
    from tests.server.feedback_env import PASSWORD

    ws = auth.create_workspace(store.engine, "team")
    user = auth.create_user(store.engine, "owner@x.org", PASSWORD)
    auth.set_member(store.engine, ws.id, user.id, "owner")
    ds = fb.create_dataset(store.engine, ws.id, "ds", {"type": "pairwise"}, "", 1)
    assert ui_login(client, "owner@x.org").status_code == 303
    return client, ds.id, csrf(client.get(f"/datasets/{ds.id}/manage").text)


def test_job_path_settings_stay_inside_the_roots(client, store, tmp_path):
    """A member's job settings: a path out of the server's folders is a 403; an accepted one
    (an odd but plain name) is stored absolute, inside them."""
    from alignkit.paths import data_dir
    from alignkit.server.paths import inside, server_roots

    member = bearer(store, "member", "m2")
    secret = tmp_path / "secret.txt"
    roots = server_roots([tmp_path])
    for payload in payloads(secret):
        path = unquote(payload)
        if not path or "\x00" in path:
            continue
        body = {"kind": "data:ingest", "settings": {"input": path, "output": "out"}}
        response = client.post("/api/jobs", headers=member, json=body)
        assert response.status_code in (201, 403, 422), (path, response.status_code)
        if response.status_code == 201:
            stored = response.json()["settings"]["input"]
            assert inside(Path(stored), roots), (path, stored)
            assert Path(stored).is_relative_to(data_dir()) or Path(stored).is_relative_to(tmp_path)
        elif path.startswith(("../", "/etc", "//")):
            assert response.status_code == 403, (path, response.json())


def test_the_job_database_is_never_served(client, store, member, tmp_path):
    """A member's job may name a root itself (here tmp_path, which holds the test's job
    database, as the data dir holds alignkit.db by default) as its output, so its run folder
    holds the database: users' password hashes, sessions' CSRF tokens, API keys, every
    workspace's feedback. Neither the files route nor a folder's tar serves it, nor its
    WAL / SHM / journal files, whatever they are named."""
    import io
    import shutil
    import tarfile

    body = {"kind": "data:ingest",
            "settings": {"input": str(tmp_path / "a.jsonl"), "output": str(tmp_path)}}  # fmt: skip
    job = client.post("/api/jobs", headers=member, json=body)
    assert job.status_code == 201, job.text  # the run folder is inside the roots
    job_id = job.json()["id"]
    run_by_hand(store, job_id, tmp_path)
    assert (tmp_path / "alignkit.db").read_bytes()[:16] == b"SQLite format 3\x00"
    (tmp_path / "notes.txt").write_text("fine")
    shutil.copy(tmp_path / "alignkit.db", tmp_path / "copy.bin")  # renamed: still a database
    (tmp_path / "copy.bin-journal").write_bytes(b"\0" * 64)  # a zeroed journal beside it
    files = f"/api/jobs/{job_id}/files"
    assert client.get(f"{files}/notes.txt", headers=member).text == "fine"
    hidden = [p.name for p in tmp_path.iterdir() if p.name.startswith(("alignkit.db", "copy"))]
    assert {"alignkit.db", "alignkit.db-wal", "copy.bin", "copy.bin-journal"} <= set(hidden)
    for name in hidden:
        response = client.get(f"{files}/{name}", headers=member)
        assert response.status_code == 404, name
    store.add_artifact(job_id, "model", tmp_path)
    store.add_artifact(job_id, "eval", tmp_path / "alignkit.db")
    folder, single = client.get(f"/api/jobs/{job_id}/artifacts", headers=member).json()
    assert client.get(single["download_url"], headers=member).status_code == 404
    tar = client.get(folder["download_url"], headers=member)
    assert tar.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(tar.content)) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames()}
    assert "notes.txt" in names and not names & set(hidden), names
