"""A job's log (whole, from an offset, byte ranges), metrics (list and Server-Sent Events until
the job is done), artifacts and files: nothing outside the job's folders is ever served."""

from __future__ import annotations

import threading
import time

import orjson
import pytest

from tests.server.conftest import assert_error, ingest_job, run_by_hand

LOG = b"line one\nline two\nline three\n"


@pytest.fixture
def job(client, store, member, tmp_path):
    job = client.post("/api/jobs", headers=member, json=ingest_job(tmp_path)).json()
    run_by_hand(store, job["id"], tmp_path / "run", LOG)
    return store.get(job["id"])


def test_logs_whole_offset_and_ranges(client, member, job):
    url = f"/api/jobs/{job.id}/logs"
    whole = client.get(url, headers=member)
    assert whole.status_code == 200 and whole.content == LOG and whole.headers["x-log-size"] == "29"
    assert client.get(f"{url}?offset=9", headers=member).content == b"line two\nline three\n"
    assert client.get(f"{url}?offset=99", headers=member).content == b""
    part = client.get(url, headers={**member, "Range": "bytes=5-7"})
    assert part.status_code == 206 and part.content == b"one"
    assert part.headers["content-range"] == "bytes 5-7/29"
    assert client.get(url, headers={**member, "Range": "bytes=18-"}).content == b"line three\n"
    assert client.get(url, headers={**member, "Range": "bytes=-6"}).content == b"three\n"
    clipped = client.get(url, headers={**member, "Range": "bytes=20-1000"})
    assert clipped.headers["content-range"] == "bytes 20-28/29"
    past = client.get(url, headers={**member, "Range": "bytes=29-"})
    assert assert_error(past, 416, "AK-RANGE")["detail"] == {"size": 29}
    # not a single byte range: the whole log (RFC 9110)
    assert client.get(url, headers={**member, "Range": "bytes=0-1,3-4"}).content == LOG
    assert_error(client.get(f"{url}?offset=-1", headers=member), 422, "AK-INPUT")


def test_metrics_list_and_stream(client, store, member, job, tmp_path):
    path = tmp_path / "run" / "metrics.jsonl"
    path.write_bytes(b'{"step": 1, "loss": 0.9}\n{"step": 2, "loss": 0.7}\n{"step": 3, "lo')
    assert client.get(f"/api/jobs/{job.id}/metrics", headers=member).json() == [
        {"step": 1, "loss": 0.9},
        {"step": 2, "loss": 0.7},
    ]

    def later():  # the run goes on writing, then the job completes
        time.sleep(0.3)
        with open(path, "ab") as fh:
            fh.write(b'ss": 0.5}\n{"step": 4, "loss": 0.4}\n')
        time.sleep(0.3)
        store.finish(job.id, "completed", exit_code=0)

    writer = threading.Thread(target=later)
    writer.start()
    events = []
    with client.stream("GET", f"/api/jobs/{job.id}/metrics/stream", headers=member) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        event = {}
        for line in stream.iter_lines():
            if not line:
                events.append(event) if event else None
                event = {}
                continue
            field, _, value = line.partition(":")
            event[field] = value.strip()
    writer.join()
    metrics = [orjson.loads(e["data"]) for e in events if e.get("event") == "metric"]
    assert [m["step"] for m in metrics] == [1, 2, 3, 4]
    assert events[-1]["event"] == "end" and orjson.loads(events[-1]["data"]) == {
        "status": "completed"
    }
    # a reconnecting client continues after the last event it saw
    last_two = [e for e in events if e.get("event") == "metric"][1]["id"]
    with client.stream(
        "GET", f"/api/jobs/{job.id}/metrics/stream", headers={**member, "Last-Event-ID": last_two}
    ) as stream:
        text = stream.read().decode()
    assert '"step":3' in text and '"step":2' not in text and "event: end" in text


def test_artifacts_and_download(client, store, member, job, tmp_path):
    report = tmp_path / "run" / "schema_report.json"
    report.write_text('{"kept": 3}')
    (tmp_path / "run" / "model").mkdir()
    store.finish(job.id, "completed", exit_code=0)
    store.add_artifact(job.id, "eval", report)
    store.add_artifact(job.id, "model", tmp_path / "run" / "model")
    store.add_artifact(job.id, "eval", tmp_path / "elsewhere.json")  # outside: never served
    (tmp_path / "elsewhere.json").write_text("secret")
    found = client.get(f"/api/jobs/{job.id}/artifacts", headers=member).json()
    assert [(a["kind"], a["download_url"] is not None) for a in found] == [
        ("eval", True), ("model", True), ("eval", True),
    ]  # fmt: skip
    assert client.get(found[0]["download_url"], headers=member).json() == {"kept": 3}
    assert_error(client.get(found[2]["download_url"], headers=member), 404, "AK-NOT-FOUND")
    missing = client.get(f"/api/jobs/{job.id}/artifacts/nope/download", headers=member)
    assert_error(missing, 404, "AK-NOT-FOUND")
    # the run folder's files and the job dir's, by relative path
    files = f"/api/jobs/{job.id}/files"
    assert client.get(f"{files}/schema_report.json", headers=member).json() == {"kept": 3}
    assert client.get(f"{files}/job.log", headers=member).content == LOG


def test_a_folder_artifact_downloads_as_one_tar(client, store, member, job, tmp_path):
    import io
    import tarfile

    model = tmp_path / "run" / "model"
    (model / "sub").mkdir(parents=True)
    weights = bytes(range(256)) * 5000  # 1.28 MB: more than one chunk, not a block multiple
    (model / "model.safetensors").write_bytes(weights)
    (model / "sub" / "config.json").write_text('{"a": 1}')
    (tmp_path / "secret.txt").write_text("secret")
    (model / "leak").symlink_to(tmp_path / "secret.txt")  # leads out of the job's folders
    store.finish(job.id, "completed", exit_code=0)
    store.add_artifact(job.id, "model", model)
    (artifact,) = client.get(f"/api/jobs/{job.id}/artifacts", headers=member).json()
    response = client.get(artifact["download_url"], headers=member)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-tar"
    assert response.headers["content-disposition"].endswith('-model.tar"')
    with tarfile.open(fileobj=io.BytesIO(response.content)) as tar:
        assert sorted(tar.getnames()) == ["model/model.safetensors", "model/sub/config.json"]
        assert tar.extractfile("model/model.safetensors").read() == weights
        assert tar.extractfile("model/sub/config.json").read() == b'{"a": 1}'


def test_a_folder_artifact_outside_the_job_folders_is_404(client, store, member, job, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.bin").write_bytes(b"x")
    store.finish(job.id, "completed", exit_code=0)
    store.add_artifact(job.id, "model", outside)
    (artifact,) = client.get(f"/api/jobs/{job.id}/artifacts", headers=member).json()
    assert_error(client.get(artifact["download_url"], headers=member), 404, "AK-NOT-FOUND")


def test_no_path_leads_out_of_the_job_folders(client, member, job, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    run = tmp_path / "run"
    (run / "sub").mkdir()
    (run / "sub" / "ok.txt").write_text("fine")
    (run / "link.txt").symlink_to(secret)
    (run / "linkdir").symlink_to(tmp_path)
    (run / "inside.txt").symlink_to(run / "sub" / "ok.txt")  # a symlink that stays inside
    files = f"/api/jobs/{job.id}/files"
    assert client.get(f"{files}/sub/ok.txt", headers=member).text == "fine"
    assert client.get(f"{files}/inside.txt", headers=member).text == "fine"
    for attempt in [
        "../secret.txt",
        "sub/../../secret.txt",
        "%2e%2e/secret.txt",
        "%2e%2e%2fsecret.txt",
        "sub%2f%2e%2e%2f%2e%2e%2fsecret.txt",
        "..%5csecret.txt",
        f"/{secret}",
        f"%2f{str(secret).lstrip('/')}",
        str(secret).lstrip("/"),  # relative to the folder: no such file there
        "link.txt",
        "linkdir/secret.txt",
        "sub",  # a folder is no file
        "",
        "nul%00.txt",
    ]:
        response = client.get(f"{files}/{attempt}", headers=member)
        assert response.status_code == 404, (attempt, response.status_code)
        assert "SECRET" not in response.text and response.json()["code"] in (
            "AK-NOT-FOUND",
            "AK-JOB-NOT-FOUND",
        ), attempt
