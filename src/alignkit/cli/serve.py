"""`alignkit serve` (the REST API under uvicorn, with a worker process beside it) and
`alignkit keys` (its API keys). FastAPI, uvicorn and argon2 load inside the commands, so that
`alignkit --help` stays instant and works without the `server` extra."""

from __future__ import annotations

import ctypes
import ipaddress
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

keys_app = typer.Typer(
    help="API keys of `alignkit serve` (stored hashed; sent as `Authorization: Bearer ...`).",
    no_args_is_help=True,
)
JSON = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
WORKER_STOP_S = 90  # the worker's own grace for its jobs (60 s), and some


def _store():
    from alignkit.jobs.store import JobStore

    return JobStore.open()


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return False


def _die_with_parent() -> None:
    # the worker gets SIGTERM if the server is killed outright (Linux; elsewhere the next
    # worker reaps its jobs as lost)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)  # it stops its jobs (SIGTERM, then SIGKILL) first
        try:
            worker.wait(WORKER_STOP_S)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Run no worker here (run `alignkit worker`).")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="API processes (uvicorn workers).")
    ] = 1,
    root: Annotated[
        list[Path] | None,
        typer.Option(
            "--root",
            help="A folder where member keys' jobs may read and write, beside the data dir "
            "(repeat it for more).",
        ),
    ] = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and run a worker beside it, in its own process.
    Applies pending migrations first. Listening beyond this machine needs an API key."""
    from alignkit.errors import AlignkitError
    from alignkit.server import require_extra

    require_extra()
    import uvicorn

    from alignkit.server import keys
    from alignkit.server.app import create_app

    missing = [str(r) for r in root or [] if not r.is_dir()]
    if missing:
        raise AlignkitError(f"--root {missing[0]}: not a folder")
    if root:
        # in the environment, so that every uvicorn worker process and the job worker see them
        from alignkit.server.paths import ENV_VAR

        given = os.environ.get(ENV_VAR, "")
        os.environ[ENV_VAR] = os.pathsep.join([*map(str, root), *filter(None, [given])])
    store = _store()
    if not keys.any_active(store.engine):
        if not loopback(host):
            raise AlignkitError(
                f"refusing to listen on {host} with no API key: "
                "create one first (`alignkit keys create --role admin`)"
            )
        typer.echo("no API key yet: `alignkit keys create --role admin` (only /health answers)")
    worker = None
    if not no_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "alignkit.cli", "worker"],
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
    # uvicorn shuts down gracefully on SIGTERM, then raises it again to whatever handler was
    # there before: with the default one the process would die before stopping the worker
    signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        if workers == 1:
            uvicorn.run(create_app(store), host=host, port=port, log_level="info")
        else:
            # each process builds its own app and store from the environment (the same
            # ALIGNKIT_DATABASE_URL); the migrations ran above, once
            store.engine.dispose()
            uvicorn.run(
                "alignkit.server.app:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="info",
            )
    finally:
        if worker is not None:
            _stop(worker)


@keys_app.command("create")
def create_key(
    role: Annotated[str, typer.Option(help="admin or member.")] = "member",
    name: Annotated[str | None, typer.Option(help="Who or what uses it.")] = None,
    json: JSON = False,
) -> None:
    """Create an API key and print it (this once: only its hash is kept)."""
    from alignkit.server import keys

    record, token = keys.create(_store().engine, role, name)
    if json:
        typer.echo(jsonlib_dumps({"id": record.id, "role": record.role, "token": token}))
        return
    typer.echo(token)
    typer.echo(f"key {record.id} ({record.role}): shown this once, store it now", err=True)


def jsonlib_dumps(value) -> str:
    import json as jsonlib

    return jsonlib.dumps(value, indent=2, default=str)


@keys_app.command("list")
def list_keys(json: JSON = False) -> None:
    """The API keys: id, name, role, created, last used, revoked."""
    from dataclasses import asdict

    from alignkit.server import keys

    found = keys.list_keys(_store().engine)
    if json:
        typer.echo(jsonlib_dumps([asdict(k) for k in found]))
        return
    for k in found:
        state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
        used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never used"
        typer.echo(f"{k.id}  {k.role:<6}  {k.name or '-'}  {used}  {state}")


@keys_app.command("revoke")
def revoke_key(key_id: Annotated[str, typer.Argument(help="A key id (`keys list`).")]) -> None:
    """Revoke an API key: the server refuses it from the next request on."""
    from alignkit.server import keys

    keys.revoke(_store().engine, key_id)
    typer.echo(f"{key_id}: revoked")
