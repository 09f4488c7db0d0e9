"""Load benchmark of the feedback server's task distribution (issue 12): N concurrent annotators
label a dataset of R pairwise records that each need `min_submitted` responses, against a real
`alignkit serve --no-worker`, through the REST API with each annotator's session cookie and
CSRF token (what the UI's pages call).

Each annotator loops: GET /api/feedback/datasets/ID/next (a 204 ends it), then POST
.../records/RID/responses with an Idempotency-Key; a fraction of the submits (--retry, 20%) is
sent twice at once with the same key, as a client that retries a POST whose answer it did
not see (both answers must carry the same response, one 201 and one 200). The clients run in a
process of their own on one asyncio loop, each with its own connection (bench/jobs.py explains
why: client threads in the server's process measure their own GIL queue).

Checked afterwards in the database, not from the clients' view: every record has exactly
`min_submitted` submitted responses (the lease hands a record to at most the number it still
needs, so concurrent submits never overshoot, unlike Argilla's), no (record, annotator) twice,
every 201 the clients saw is stored (0 lost), the records' `submitted` counters agree, no 5xx.
Printed: p50 / p99 latency of next and of submit, submits/s over the whole run. Goal on SQLite:
submit p99 <= 50 ms and >= 500 submits/s.

Both on SQLite and, when it answers, on PostgreSQL (a fresh database, dropped afterwards):

    .venv/bin/python bench/annotate_load.py                       # 50 x 200, min_submitted 3
    .venv/bin/python bench/annotate_load.py --annotators 10 --records 30 --only sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from jobs import CLI, _env, _free_port, _pg_database  # noqa: E402  (bench/jobs.py)

GOAL_P99_MS = 50.0
GOAL_PER_S = 500.0


def setup(url: str, annotators: int, records: int, min_submitted: int) -> dict:
    """A workspace with `annotators` users (sessions started here: a login's argon2 check is
    not what is measured) and a pairwise dataset of `records` records."""
    from alignkit.jobs.store import JobStore
    from alignkit.server.feedback import auth
    from alignkit.server.feedback import store as fb

    store = JobStore.open(url)
    try:
        engine = store.engine
        ws = auth.create_workspace(engine, "load")
        sessions = []
        for i in range(annotators):
            user = auth.create_user(engine, f"annotator{i}@load.test", f"password-{i:04d}")
            auth.set_member(engine, ws.id, user.id, "annotator")
            record, token = auth.start_session(engine, user)
            sessions.append({"user": user.id, "cookie": token, "csrf": record.csrf_token})
        ds = fb.create_dataset(engine, ws.id, "load", {"type": "pairwise"}, "", min_submitted)
        items = [{"prompt": f"prompt {i}", "answers": [f"first {i}", f"second {i}"]}
                 for i in range(records)]  # fmt: skip
        fb.add_records(engine, ds.id, None, items)
    finally:
        store.engine.dispose()
    return {"dataset": ds.id, "sessions": sessions}


def load(spec: dict) -> dict:
    """The annotators, on one asyncio loop; latencies in seconds, the 201s' response ids."""
    import asyncio

    import httpx

    rng = random.Random(spec["seed"])
    out = {"next": [], "submit": [], "made": [], "statuses": {}, "retries": 0,
           "retry_mismatch": 0, "errors": []}  # fmt: skip
    dataset = spec["dataset"]

    def count(status: int) -> None:
        out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1

    async def post(client, record_id: str, value: dict, key: str):
        t = time.perf_counter()
        r = await client.post(f"/api/feedback/records/{record_id}/responses",
                              json={"value": value}, headers={"Idempotency-Key": key})  # fmt: skip
        out["submit"].append(time.perf_counter() - t)
        count(r.status_code)
        return r

    async def annotate(client, retry: list[bool]) -> None:
        while True:
            t = time.perf_counter()
            r = await client.get(f"/api/feedback/datasets/{dataset}/next")
            out["next"].append(time.perf_counter() - t)
            count(r.status_code)
            if r.status_code == 204:
                return
            if r.status_code != 200:
                out["errors"].append(f"next: {r.status_code} {r.text[:200]}")
                return
            record_id = r.json()["record"]["id"]
            value = {"choice": rng.choice(["a", "b", "tie"])}
            key = uuid.uuid4().hex
            if retry.pop():
                out["retries"] += 1
                first, again = await asyncio.gather(
                    post(client, record_id, value, key), post(client, record_id, value, key)
                )
                answers = [first, again]
                codes = sorted(a.status_code for a in answers)
                if codes != [200, 201] or first.json()["id"] != again.json()["id"]:
                    out["retry_mismatch"] += 1
                    out["errors"].append(f"retry: {codes} {first.text[:120]} {again.text[:120]}")
            else:
                answers = [await post(client, record_id, value, key)]
            made = [a for a in answers if a.status_code == 201]
            out["made"] += [a.json()["id"] for a in made]
            if not made:
                out["errors"].append(f"submit: {[a.status_code for a in answers]} "
                                     f"{answers[0].text[:200]}")  # fmt: skip
                return

    async def main() -> None:
        clients = [
            httpx.AsyncClient(
                base_url=spec["base"], timeout=60,
                cookies={"alignkit_session": s["cookie"]}, headers={"X-CSRF-Token": s["csrf"]},
            )
            for s in spec["sessions"]
        ]  # fmt: skip
        # connected, and each session looked up once, before the clock starts
        warm = await asyncio.gather(*(c.get("/api/auth/me") for c in clients))
        if any(r.status_code != 200 for r in warm):
            raise SystemExit(f"a session does not log in: {warm[0].status_code} {warm[0].text}")
        # each annotator's retry draws, made up front so the loop's order does not change them
        most = spec["records"] + 1
        draws = [[rng.random() < spec["retry"] for _ in range(most)] for _ in clients]
        start = time.perf_counter()
        await asyncio.gather(*(annotate(c, d) for c, d in zip(clients, draws, strict=True)))
        out["seconds"] = time.perf_counter() - start
        await asyncio.gather(*(c.aclose() for c in clients))

    asyncio.run(main())
    return out


def verify(url: str, dataset_id: str, min_submitted: int, made: list[str]) -> dict:
    """What the database holds once the annotators are done."""
    from sqlalchemy import func, select

    from alignkit.jobs.store import JobStore
    from alignkit.server.feedback.store import RECORDS, RESPONSES

    store = JobStore.open(url)
    try:
        with store.engine.connect() as conn:
            per_record = dict(conn.execute(
                select(RECORDS.c.id, func.count(RESPONSES.c.id))
                .select_from(RECORDS)
                .outerjoin(RESPONSES, (RESPONSES.c.record_id == RECORDS.c.id)
                           & (RESPONSES.c.status == "submitted"))
                .where(RECORDS.c.dataset_id == dataset_id).group_by(RECORDS.c.id)
            ).all())  # fmt: skip
            counters = dict(conn.execute(
                select(RECORDS.c.id, RECORDS.c.submitted).where(RECORDS.c.dataset_id == dataset_id)
            ).all())  # fmt: skip
            pairs = conn.execute(
                select(RESPONSES.c.record_id, RESPONSES.c.user_id, func.count())
                .join(RECORDS, RECORDS.c.id == RESPONSES.c.record_id)
                .where(RECORDS.c.dataset_id == dataset_id)
                .group_by(RESPONSES.c.record_id, RESPONSES.c.user_id)
            ).all()  # fmt: skip
            stored = set(conn.execute(
                select(RESPONSES.c.id).join(RECORDS, RECORDS.c.id == RESPONSES.c.record_id)
                .where(RECORDS.c.dataset_id == dataset_id, RESPONSES.c.status == "submitted")
            ).scalars())  # fmt: skip
    finally:
        store.engine.dispose()
    counts = sorted(per_record.values())
    return {
        "records": len(per_record),
        "exact": sum(n == min_submitted for n in counts),
        "over": sum(n > min_submitted for n in counts),
        "under": sum(n < min_submitted for n in counts),
        "counter_mismatch": sum(per_record[r] != counters[r] for r in per_record),
        "duplicated": sum(n - 1 for _r, _u, n in pairs if n > 1),
        "responses": len(stored),
        "lost": len(set(made) - stored),
        "made_twice": len(made) - len(set(made)),
        "unseen": len(stored - set(made)),
    }


def _ms(values: list[float], q: float) -> float:
    ms = sorted(v * 1000 for v in values)
    return round(ms[min(len(ms) - 1, int(q * (len(ms) - 1)))], 2) if ms else 0.0


def run(url: str, root: Path, args) -> dict:
    env = _env(root, url)
    os.environ.update({k: env[k] for k in ("ALIGNKIT_DATA_DIR", "ALIGNKIT_DATABASE_URL")})
    made = setup(url, args.annotators, args.records, args.min_submitted)
    port = _free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--no-worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"alignkit serve did not answer: {server.stderr.read()[-500:]}")
        spec = dict(base=base, dataset=made["dataset"], sessions=made["sessions"],
                    retry=args.retry, seed=args.seed, records=args.records)  # fmt: skip
        proc = subprocess.run([sys.executable, __file__, "--load", json.dumps(spec)],
                              capture_output=True, text=True)  # fmt: skip
        if proc.returncode != 0:
            raise SystemExit(f"the clients failed: {proc.stderr[-2000:]}")
        measured = json.loads(proc.stdout)
    finally:
        server.terminate()
        server.wait(timeout=30)
    checked = verify(url, made["dataset"], args.min_submitted, measured["made"])
    errors_5xx = sum(n for s, n in measured["statuses"].items() if int(s) >= 500)
    submits = len(measured["made"])
    return {
        **checked,
        "annotators": args.annotators,
        "min_submitted": args.min_submitted,
        "seconds": round(measured["seconds"], 3),
        "submits": submits,
        "submits_per_s": round(submits / measured["seconds"], 1) if measured["seconds"] else 0,
        "requests": len(measured["next"]) + len(measured["submit"]),
        "next_p50_ms": _ms(measured["next"], 0.5),
        "next_p99_ms": _ms(measured["next"], 0.99),
        "submit_p50_ms": _ms(measured["submit"], 0.5),
        "submit_p99_ms": _ms(measured["submit"], 0.99),
        "retries": measured["retries"],
        "retry_mismatch": measured["retry_mismatch"],
        "statuses": measured["statuses"],
        "errors_5xx": errors_5xx,
        "client_errors": measured["errors"][:10],
    }


def ok(result: dict) -> bool:
    """Every record exactly min_submitted, nothing lost, duplicated or failed."""
    return (
        result["exact"] == result["records"] and result["over"] == result["under"] == 0
        and result["duplicated"] == result["lost"] == result["made_twice"] == 0
        and result["counter_mismatch"] == result["retry_mismatch"] == 0
        and result["errors_5xx"] == 0 and not result["client_errors"]
    )  # fmt: skip


def report(label: str, r: dict) -> None:
    print(f"\n## {label}")
    print(f"  {r['annotators']} annotators x {r['records']} records, min_submitted "
          f"{r['min_submitted']}, {r['retries']} submits sent twice at once (retries)")  # fmt: skip
    print(f"  records with exactly {r['min_submitted']}: {r['exact']}/{r['records']} "
          f"(over {r['over']}, under {r['under']}); responses {r['responses']}; lost "
          f"{r['lost']}, duplicated {r['duplicated']}, retry mismatches {r['retry_mismatch']}, "
          f"5xx {r['errors_5xx']}")  # fmt: skip
    print(f"  next:   p50 {r['next_p50_ms']} ms, p99 {r['next_p99_ms']} ms")
    verdict = "met" if r["submit_p99_ms"] <= GOAL_P99_MS else "MISSED"
    print(f"  submit: p50 {r['submit_p50_ms']} ms, p99 {r['submit_p99_ms']} ms "
          f"(goal <= {GOAL_P99_MS:.0f} ms on SQLite: {verdict})")  # fmt: skip
    verdict = "met" if r["submits_per_s"] >= GOAL_PER_S else "MISSED"
    goal = f"goal >= {GOAL_PER_S:.0f}/s on SQLite: {verdict}"
    print(f"  {r['submits']} submits in {r['seconds']} s: {r['submits_per_s']} submits/s, "
          f"{r['requests']} requests ({goal})")  # fmt: skip
    print(f"  statuses {r['statuses']}")
    for line in r["client_errors"]:
        print(f"  client error: {line}")
    print("  " + ("OK" if ok(r) else "MISMATCH: see above"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--min-submitted", type=int, default=3)
    parser.add_argument("--retry", type=float, default=0.2, help="share of submits sent twice")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--load", help=argparse.SUPPRESS)  # the client process
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(json.loads(args.load))))
        return 0
    if args.annotators < args.min_submitted:
        parser.error("--annotators must be at least --min-submitted (one answer per annotator)")
    results = {}
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            results["sqlite"] = run(f"sqlite:///{root / 'alignkit.db'}", root, args)
            report("SQLite", results["sqlite"])
    if args.only != "sqlite":
        pg = _pg_database()
        if pg is None:
            print("\n## PostgreSQL: skipped (no server or no psycopg)")
        else:
            url, drop = pg
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    results["postgres"] = run(url, Path(tmp), args)
                    report("PostgreSQL", results["postgres"])
            finally:
                drop()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if all(ok(r) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
