"""Benchmark of alignkit's job layer: what the queue adds to a command, and how fast the REST API
answers status polls.

1. Queue overhead. N jobs of the registry's lightest command (`data:stats` on a small ingest
   folder) go through the store and one `alignkit worker` (one job at a time, each its own
   process), timed from the first submit to the last completed; the same N commands run
   directly (`python -m alignkit.cli data stats DIR`, one after another) are the baseline a user
   would otherwise have. Overhead per job = (queue - direct) / N. Goal: <= 60 ms.
2. Status polling (when the server extra is installed): `alignkit serve --no-worker` on a local
   port, and 50 concurrent clients polling `GET /api/jobs/{id}` for a few seconds; p50 / p99
   latency. Goal: p99 <= 20 ms.

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
import threading
import time
import uuid
from pathlib import Path

PG_ADMIN = os.environ.get("ALIGNKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
CLI = [sys.executable, "-m", "alignkit.cli"]
GOAL_OVERHEAD_MS = 60.0
GOAL_P99_MS = 20.0


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


def queued(n: int, dataset: Path, env: dict) -> tuple[float, float, float]:
    """Seconds from the first submit to the last job completed, seconds spent submitting, and
    the worker's mean dead time between one job's end and the next one's start (from the
    store's own timestamps: the part of the overhead that machine load does not blur)."""
    os.environ.update({k: env[k] for k in ("ALIGNKIT_DATA_DIR", "ALIGNKIT_DATABASE_URL")})
    from alignkit.jobs.store import JobStore

    store = JobStore.open(env["ALIGNKIT_DATABASE_URL"])
    start = time.perf_counter()
    for _ in range(n):
        store.submit("data:stats", {"directory": str(dataset)})
    submitted = time.perf_counter() - start
    worker = subprocess.run(
        [*CLI, "worker", "--exit-when-idle", "--heartbeat-s", "5"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    total = time.perf_counter() - start
    if worker.returncode != 0:
        raise SystemExit(f"worker failed: {worker.stderr[-2000:]}")
    done = sorted(store.list("completed", limit=n + 1), key=lambda j: j.started_at)
    if len(done) != n:
        raise SystemExit(f"only {len(done)} of {n} jobs completed")
    gaps = [(b.started_at - a.completed_at).total_seconds() for a, b in zip(done, done[1:])]
    store.engine.dispose()
    return total, submitted, statistics.mean(gaps) if gaps else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def polling(env: dict, clients: int, seconds: float) -> dict | None:
    """p50/p99 of GET /api/jobs/{id} with `clients` concurrent pollers, or None when the
    server extra is missing."""
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
    server = subprocess.Popen([*CLI, "serve", "--port", str(port), "--no-worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        latencies: list[float] = []
        errors: list[str] = []
        stop = time.perf_counter() + seconds
        headers = {"Authorization": f"Bearer {token}"}

        def poll() -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
                while time.perf_counter() < stop:
                    t = time.perf_counter()
                    r = client.get(f"/api/jobs/{job.id}")
                    latencies.append(time.perf_counter() - t)
                    if r.status_code != 200:
                        errors.append(str(r.status_code))

        threads = [threading.Thread(target=poll) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        store.engine.dispose()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "requests": len(ms),
        "errors": len(errors),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 2),
        "per_s": round(len(ms) / seconds, 1),
    }


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
    dataset = _dataset(root, env)
    t_direct = direct(args.jobs, dataset, env)
    t_queue, t_submit, gap = queued(args.jobs, dataset, env)
    overhead = (t_queue - t_direct) / args.jobs * 1000
    print(f"\n## {label}: {args.jobs} jobs of data:stats")
    per = 1000 / args.jobs
    print(f"  direct, one after another   {t_direct:8.2f} s   {t_direct * per:7.1f} ms/job")
    print(f"  through the queue + worker  {t_queue:8.2f} s   {t_queue * per:7.1f} ms/job")
    print(f"  submitting them             {t_submit:8.2f} s   {t_submit * per:7.1f} ms/job")
    verdict = "met" if overhead <= GOAL_OVERHEAD_MS else "MISSED"
    goal = f"goal <= {GOAL_OVERHEAD_MS:.0f} ms: {verdict}"
    print(f"  queue overhead per job      {overhead:8.1f} ms  ({goal})")
    print(f"  worker dead time per job    {gap * 1000:8.1f} ms  (one job's end to the next start)")
    if args.clients:
        result = polling(env, args.clients, args.seconds)
        if result is None:
            print("  status polling: skipped (pip install 'alignkit[server]')")
        elif "error" in result:
            print(f"  status polling: could not run ({result['error']})")
        else:
            verdict = "met" if result["p99_ms"] <= GOAL_P99_MS else "MISSED"
            print(
                f"  status polling, {args.clients} clients: {result['requests']} requests "
                f"({result['per_s']}/s, {result['errors']} errors), p50 {result['p50_ms']} ms, "
                f"p99 {result['p99_ms']} ms (goal <= {GOAL_P99_MS:.0f} ms: {verdict})"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50, help="0: skip the polling part")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
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
