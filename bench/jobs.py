"""Benchmark of alignkit's job layer: what the queue adds to a command, and how fast the REST API
answers status polls.

1. Queue overhead. N jobs of the registry's lightest command (`data:stats` on a small ingest
   folder) go through the store and one running `alignkit worker` (one job at a time, each its
   own process), timed from the first submit to the last completed; the same N commands run
   directly (`python -m alignkit.cli data stats DIR`, one after another) are the baseline a user
   would otherwise have. Direct and queued blocks alternate (--rounds), so that drift in the
   machine's load falls on both. Overhead per job = (queue - direct) / N. Goal: <= 60 ms.
2. Status polling (when the server extra is installed): `alignkit serve --no-worker` on a local
   port, and 50 concurrent clients polling `GET /api/jobs/{id}`, each every --interval seconds
   (as a script or a dashboard polls), then each back to back (the saturation case: latency
   is then the queue of 50 requests, throughput says what one server process serves); p50 /
   p99 latency. Goal: p99 <= 20 ms.

Both on SQLite and, when it answers, on PostgreSQL (a fresh database, dropped afterwards).

    .venv/bin/python bench/jobs.py                      # 1,000 jobs, both databases
    .venv/bin/python bench/jobs.py --jobs 200 --only sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC
from pathlib import Path

PG_ADMIN = os.environ.get("ALIGNKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
CLI = [sys.executable, "-m", "alignkit.cli"]
GOAL_OVERHEAD_MS = 60.0
GOAL_P99_MS = 20.0
SERVER_WORKERS = 1  # --server-workers


def _env(root: Path, url: str) -> dict:
    env = dict(os.environ)
    env.update(
        ALIGNKIT_HOME=str(root / "home"),
        ALIGNKIT_DATA_DIR=str(root / "data"),
        ALIGNKIT_CACHE_DIR=str(root / "cache"),
        ALIGNKIT_DATABASE_URL=url,
    )
    return env


def _dataset(root: Path, env: dict) -> Path:
    rows = [
        {"prompt": f"Question {i}: why is it so?", "chosen": f"Because ({i}).", "rejected": "No."}
        for i in range(20)
    ]
    src = root / "pairs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = root / "dataset"
    subprocess.run([*CLI, "data", "ingest", "-i", str(src), "-o", str(out)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return out


def direct(n: int, dataset: Path, env: dict) -> float:
    start = time.perf_counter()
    for _ in range(n):
        subprocess.run([*CLI, "data", "stats", str(dataset)], env=env, check=True,
                       capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def queued(n: int, dataset: Path, store) -> tuple[float, float, float]:
    """Seconds from the first submit to the last job completed (a worker already running, as
    a user's would be), seconds spent submitting, and the worker's mean dead time between one
    job's end and the next one's start (from the store's own timestamps: the part of the
    overhead that machine load does not blur)."""
    start, wall = time.perf_counter(), time.time()
    ids = [store.submit("data:stats", {"directory": str(dataset)}).id for _ in range(n)]
    submitted = time.perf_counter() - start
    # the end is the store's completed_at of the last job, so this loop may poll slowly: a
    # 5 ms poll cost the queued side CPU that its own jobs needed on a busy 2-core machine
    while store.get(ids[-1]).status in ("scheduled", "in_progress"):
        time.sleep(0.1)
    done = sorted((store.get(i) for i in ids), key=lambda j: j.started_at)
    end = max(j.completed_at for j in done)
    total = (end if end.tzinfo else end.replace(tzinfo=UTC)).timestamp() - wall
    failed = [j for j in done if j.status != "completed"]
    if failed:
        raise SystemExit(f"{len(failed)} of {n} jobs did not complete: {failed[0].error}")
    gaps = [(b.started_at - a.completed_at).total_seconds() for a, b in zip(done, done[1:])]
    return total, submitted, statistics.mean(gaps) if gaps else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def polling(env: dict, clients: int, seconds: float, interval: float) -> dict | None:
    """p50/p99 of GET /api/jobs/{id} with `clients` concurrent pollers, each polling every
    `interval` seconds (0: back to back), or None when the server extra is missing. Clients
    start spread over one interval, as independent pollers would be."""
    try:
        import httpx
    except ImportError:
        return None
    from alignkit.jobs.store import JobStore

    store = JobStore.open(env["ALIGNKIT_DATABASE_URL"])
    job = store.submit("data:stats", {"directory": "."})
    key = subprocess.run([*CLI, "keys", "create", "--role", "admin", "--name", "bench"],
                         env=env, capture_output=True, text=True)  # fmt: skip
    if key.returncode != 0:
        return {"error": key.stderr.strip()[-300:]}
    token = key.stdout.strip().splitlines()[-1].split()[-1]
    port = _free_port()
    workers = ["--workers", str(SERVER_WORKERS)] if SERVER_WORKERS > 1 else []
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--no-worker", *workers],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        # the key's one argon2 verification happens before the clock starts
        httpx.get(f"{base}/api/jobs/{job.id}", headers=headers, timeout=30)
        # the clients run in a process of their own, on one event loop: 50 client threads in
        # this process measured their own GIL queue (p99 156 ms where the same load from a
        # separate asyncio process gave 19 ms, on the same server)
        spec = dict(base=base, token=token, path=f"/api/jobs/{job.id}", clients=clients,
                    seconds=seconds, interval=interval)  # fmt: skip
        out = subprocess.run(
            [sys.executable, __file__, "--load", json.dumps(spec)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        measured = json.loads(out.stdout)
    finally:
        server.terminate()
        server.wait(timeout=30)
        store.engine.dispose()
    ms = sorted(x * 1000 for x in measured["latencies"])
    return {
        "requests": len(ms),
        "errors": measured["errors"],
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 2),
        "per_s": round(len(ms) / seconds, 1),
    }


def load(spec: dict) -> dict:
    """`spec["clients"]` pollers of GET spec["path"] on one asyncio loop, each with its own
    connection, each every `interval` seconds (0: back to back) for `seconds`; they start
    spread over one interval, as independent pollers would be. Latencies in seconds."""
    import asyncio

    import httpx

    latencies: list[float] = []
    errors: list[int] = []
    clients, interval = spec["clients"], spec["interval"]

    async def poll(client, offset: float, start: float, stop: float) -> None:
        due = start + offset
        while due < stop:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            t = time.perf_counter()
            r = await client.get(spec["path"])
            latencies.append(time.perf_counter() - t)
            if r.status_code != 200:
                errors.append(r.status_code)
            due = max(due + interval, time.perf_counter()) if interval else t

    async def main() -> None:
        headers = {"Authorization": f"Bearer {spec['token']}"}
        # every client made and connected before the clock starts (an httpx client builds
        # an SSL context: ~10 ms of CPU each, which would bunch the first polls together)
        pool = [
            httpx.AsyncClient(base_url=spec["base"], headers=headers, timeout=10)
            for _ in range(clients)
        ]
        await asyncio.gather(*(c.get("/health") for c in pool))
        start = time.perf_counter()
        stop = start + spec["seconds"]
        await asyncio.gather(
            *(poll(c, interval * i / clients, start, stop) for i, c in enumerate(pool))
        )
        await asyncio.gather(*(c.aclose() for c in pool))

    asyncio.run(main())
    return {"latencies": latencies, "errors": len(errors)}


def _pg_database() -> tuple[str, callable] | None:
    try:
        import psycopg
    except ImportError:
        return None
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        return None
    name = f"alignkit_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"{base}/{name}", drop


def run(label: str, url: str, root: Path, args) -> None:
    env = _env(root, url)
    os.environ.update({k: env[k] for k in ("ALIGNKIT_DATA_DIR", "ALIGNKIT_DATABASE_URL")})
    print(f"\n## {label}")
    if args.jobs:
        overhead(env, root, args)
    if args.clients:
        poll_report(env, args)


def overhead(env: dict, root: Path, args) -> None:
    dataset = _dataset(root, env)
    # direct and queued blocks alternate, so that a drift in the machine's load (other
    # processes, caches warming) falls on both sides instead of on whichever ran second
    rounds = max(1, min(args.rounds, args.jobs))
    sizes = [args.jobs // rounds + (i < args.jobs % rounds) for i in range(rounds)]
    t_direct = t_queue = t_submit = 0.0
    gaps: list[float] = []
    per_round: list[float] = []
    from alignkit.jobs.store import JobStore

    store = JobStore.open(env["ALIGNKIT_DATABASE_URL"])
    worker = subprocess.Popen([*CLI, "worker", "--heartbeat-s", "5"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for n in sizes:
            d = direct(n, dataset, env)
            q, sub, gap = queued(n, dataset, store)
            t_direct, t_queue, t_submit = t_direct + d, t_queue + q, t_submit + sub
            gaps.append(gap)
            per_round.append((q - d) / n * 1000)
    finally:
        worker.terminate()
        worker.wait(timeout=120)
        store.engine.dispose()
    per_job = (t_queue - t_direct) / args.jobs * 1000
    print(f"  {args.jobs} jobs of data:stats, in {rounds} alternating rounds")
    per = 1000 / args.jobs
    print(f"  direct, one after another   {t_direct:8.2f} s   {t_direct * per:7.1f} ms/job")
    print(f"  through the queue + worker  {t_queue:8.2f} s   {t_queue * per:7.1f} ms/job")
    print(f"  submitting them             {t_submit:8.2f} s   {t_submit * per:7.1f} ms/job")
    verdict = "met" if per_job <= GOAL_OVERHEAD_MS else "MISSED"
    goal = f"goal <= {GOAL_OVERHEAD_MS:.0f} ms: {verdict}"
    print(f"  queue overhead per job      {per_job:8.1f} ms  ({goal})")
    # the median round: on a busy machine one round's load swings by more than the overhead,
    # and the rounds' median is what such swings leave alone
    median = statistics.median(per_round)
    verdict = "met" if median <= GOAL_OVERHEAD_MS else "MISSED"
    goal = f"goal <= {GOAL_OVERHEAD_MS:.0f} ms: {verdict}"
    print(f"  median round's overhead     {median:8.1f} ms  ({goal})")
    spread = ", ".join(f"{x:.0f}" for x in per_round)
    print(f"  overhead by round           {spread} ms")
    gap = statistics.mean(gaps)
    print(f"  worker dead time per job    {gap * 1000:8.1f} ms  (one job's end to the next start)")


def poll_report(env: dict, args) -> None:
    for interval in (args.interval, 0.0):
        result = polling(env, args.clients, args.seconds, interval)
        if result is None:
            print("  status polling: skipped (pip install 'alignkit[server]')")
            break
        if "error" in result:
            print(f"  status polling: could not run ({result['error']})")
            break
        verdict = "met" if result["p99_ms"] <= GOAL_P99_MS else "MISSED"
        how = f"each every {interval:g} s" if interval else "each as fast as it can"
        print(
            f"  status polling, {args.clients} clients {how}: {result['requests']} requests "
            f"({result['per_s']}/s, {result['errors']} errors), p50 {result['p50_ms']} ms, "
            f"p99 {result['p99_ms']} ms (goal <= {GOAL_P99_MS:.0f} ms: {verdict})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50, help="0: skip the polling part")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--interval", type=float, default=1.0,
        help="seconds between one client's polls (then again with none: the saturation case)",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5, help="alternating direct/queued blocks")
    parser.add_argument("--server-workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--load", help=argparse.SUPPRESS)  # the client process (polling)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(json.loads(args.load))))
        return 0
    global SERVER_WORKERS
    SERVER_WORKERS = args.server_workers
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            run("SQLite", f"sqlite:///{root / 'alignkit.db'}", root, args)
    if args.only != "sqlite":
        pg = _pg_database()
        if pg is None:
            print("\n## PostgreSQL: skipped (no server or no psycopg)")
            return 0
        url, drop = pg
        try:
            with tempfile.TemporaryDirectory() as tmp:
                run("PostgreSQL", url, Path(tmp), args)
        finally:
            drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
