"""`alignkit jobs ...` and `alignkit worker`: queue any registered command as a job, watch it,
cancel and resume it, find its artifacts; the worker runs the queue. Every command takes
`--json` for scripts. The job store (SQLAlchemy) loads inside the commands."""

from __future__ import annotations

import inspect
import json as jsonlib
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from alignkit.cli.options import add_settings_command
from alignkit.commands import COMMANDS, cli_path
from alignkit.runfolder import METRICS_FILE

app = typer.Typer(help="Jobs: queue runs, watch, cancel and resume them.", no_args_is_help=True)
submit_app = typer.Typer(
    help="Queue any registered command as a job (the same flags as the command itself); prints "
    "the job id at once.",
    no_args_is_help=True,
)
app.add_typer(submit_app, name="submit")

JSON = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ID = Annotated[str, typer.Argument(help="A job id.")]


def _option(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


JOB_OPTIONS = [
    _option("priority", Annotated[int, typer.Option(help="Higher runs first.")], 0),
    _option("cpus", Annotated[int, typer.Option(help="CPUs the job needs.")], 1),
    _option("gpus", Annotated[int, typer.Option(help="GPUs the job needs.")], 0),
    _option("tag", Annotated[list[str] | None, typer.Option(help="A tag (repeatable).")], None),
    _option(
        "resume_on_lost",
        Annotated[bool, typer.Option(help="Requeue with --resume if its worker dies.")],
        False,
    ),
    _option("json", JSON, False),
]


def _store():
    from alignkit.jobs.store import JobStore

    return JobStore.open()


def _plain(record) -> dict:
    return jsonlib.loads(jsonlib.dumps(asdict(record), default=str))


def _echo_json(value: Any) -> None:
    typer.echo(jsonlib.dumps(value, indent=2, default=str))


def submit_job(name: str, settings, *, priority=0, cpus=1, gpus=0, tag=None, **kw) -> Any:
    from alignkit.jobs.api import submit

    return submit(
        settings, name, priority=priority, cpus=cpus, gpus=gpus, tags=tuple(tag or ()),
        resume_on_lost=kw.get("resume_on_lost", False),
    )  # fmt: skip


def _submitter(name: str):
    def run(settings, json: bool = False, **options) -> None:
        job = submit_job(name, settings, **options)
        if json:
            _echo_json(_plain(job.record))
        else:
            typer.echo(job.id)

    return run


_groups: dict[str, typer.Typer] = {}
for _name, _cmd in COMMANDS.items():
    *_parents, _leaf = cli_path(_name)
    _target = submit_app
    for _part in _parents:
        if _part not in _groups:
            _groups[_part] = typer.Typer(no_args_is_help=True, help=f"Queue `{_part}` commands.")
            submit_app.add_typer(_groups[_part], name=_part)
        _target = _groups[_part]
    add_settings_command(
        _target, _leaf, _cmd.settings_class(), _submitter(_name), _cmd.help, JOB_OPTIONS
    )


def _table(records) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title_justify="left")
    for column in ("id", "kind", "status", "created", "attempts", "error"):
        table.add_column(column)
    for r in records:
        created = r.created_at.strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(r.id, r.kind, r.status, created, str(r.attempts), r.error or "")
    Console().print(table)


@app.command("list")
def list_jobs(
    status: Annotated[str | None, typer.Option(help="Only jobs in this status.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
    json: JSON = False,
) -> None:
    """List jobs, newest first."""
    records = _store().list(status, limit=limit)  # type: ignore[arg-type]
    if json:
        _echo_json([_plain(r) for r in records])
    else:
        _table(records)


@app.command()
def status(job_id: ID, json: JSON = False) -> None:
    """One job: status, times, process, run folder, error."""
    record = _store().get(job_id)
    if json:
        _echo_json(_plain(record))
        return
    for key, value in _plain(record).items():
        if value not in (None, [], {}) and key != "settings":
            typer.echo(f"{key:>16}: {value}")


def _follow(read, job_id: str, follow: bool) -> None:
    """Print what `read(offset)` returns; with follow, until the job has ended."""
    store = _store()
    offset = 0
    while True:
        done = store.get(job_id).done  # read before the tail: nothing written after is lost
        chunk = read(offset)
        if chunk:
            sys.stdout.write(chunk.decode("utf-8", "replace"))
            sys.stdout.flush()
            offset += len(chunk)
        if not follow or done:
            return
        time.sleep(0.5)


def _reader(path: str | None):
    def read(offset: int) -> bytes:
        if not path or not Path(path).exists():
            return b""
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read()
        # only whole lines: the one being written comes next time
        return data[: data.rfind(b"\n") + 1] if b"\n" in data else b""

    return read


@app.command()
def logs(
    job_id: ID,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing.")] = False,
) -> None:
    """The job's stdout and stderr."""
    _follow(_reader(_store().get(job_id).log_path), job_id, follow)


@app.command()
def metrics(
    job_id: ID,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing.")] = False,
    json: JSON = False,
) -> None:
    """The run's metrics.jsonl, one JSON object a line (with --json: one array)."""
    record = _store().get(job_id)
    path = str(Path(record.run_dir) / METRICS_FILE) if record.run_dir else None
    if json:
        from alignkit.jobs.api import Job

        _echo_json(Job(job_id).metrics())
        return
    _follow(_reader(path), job_id, follow)


@app.command()
def wait(
    job_id: ID,
    timeout: Annotated[float | None, typer.Option(help="Give up after this many seconds.")] = None,
    json: JSON = False,
) -> None:
    """Wait until the job has ended; print its status. Exit 0 when it completed, 1 when it
    failed or was cancelled, 2 on --timeout (for scripts: `alignkit jobs wait ID && ...`)."""
    from alignkit.jobs.api import Job

    store = _store()
    try:
        record = Job(store.get(job_id).id, store=store).wait(timeout=timeout)
    except TimeoutError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    _echo_json(_plain(record)) if json else typer.echo(f"{job_id}: {record.status}")
    if record.status != "completed":
        raise typer.Exit(1)


@app.command()
def cancel(
    job_id: ID,
    wait_: Annotated[
        bool, typer.Option("--wait", help="Return once the job has stopped (then resumable).")
    ] = False,
    json: JSON = False,
) -> None:
    """Cancel a job: at once if it is scheduled; a running one gets SIGTERM (a training run
    saves a checkpoint) and SIGKILL after the worker's grace period."""
    store = _store()
    record = store.request_cancel(job_id)
    if wait_ and not record.done:
        from alignkit.jobs.api import Job

        record = Job(record.id, store=store).wait()
    _echo_json(_plain(record)) if json else typer.echo(f"{job_id}: {record.status}")


@app.command()
def resume(job_id: ID, json: JSON = False) -> None:
    """Queue a failed or cancelled job again; a training job continues from its last
    checkpoint (--resume-or-start)."""
    record = _store().requeue(job_id)
    _echo_json(_plain(record)) if json else typer.echo(f"{job_id}: {record.status}")


@app.command()
def artifacts(job_id: ID, json: JSON = False) -> None:
    """Checkpoints (step, metrics), the final model, evaluations, report and log of a job."""
    found = _store().artifacts(job_id)
    if json:
        _echo_json([_plain(a) for a in found])
        return
    for a in found:
        step = f" step {a.step}" if a.step is not None else ""
        typer.echo(f"{a.kind:>10}{step}: {a.path}")


@app.command("rm")
def remove(job_id: ID) -> None:
    """Delete a job that is not running (its files stay)."""
    _store().delete(job_id)
    typer.echo(f"{job_id}: deleted")


def worker(
    max_concurrent: Annotated[int, typer.Option(help="Jobs run at once.")] = 1,
    gpus: Annotated[str, typer.Option(help="GPU ids to hand out, e.g. 0,1 (local).")] = "",
    cpus: Annotated[
        int | None, typer.Option(help="CPUs to hand out (default: all, or the Ray cluster's).")
    ] = None,
    exit_when_idle: Annotated[
        bool, typer.Option(help="Stop when the queue is empty and nothing runs.")
    ] = False,
    heartbeat_s: Annotated[float, typer.Option(help="Seconds between heartbeats.")] = 2.0,
    lost_after_s: Annotated[
        float, typer.Option(help="A job silent this long has lost its worker.")
    ] = 30.0,
    grace_s: Annotated[float, typer.Option(help="SIGTERM to SIGKILL on cancel.")] = 60.0,
    warm: Annotated[
        bool,
        typer.Option(
            "--warm/--cold",
            help="Fork CPU jobs from a process that imported torch, TRL and the rest once "
            "(--cold: each job starts a fresh Python).",
        ),
    ] = True,
    backend: Annotated[
        str, typer.Option(help="local: processes here; ray: jobs on a Ray cluster.")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Ray's dashboard, http://HEAD:8265 (default $ALIGNKIT_RAY_ADDRESS)."),
    ] = None,
) -> None:
    """Run queued jobs, each as its own process (or Ray job), until SIGTERM or Ctrl-C."""
    import logging

    from alignkit.errors import AlignkitError
    from alignkit.jobs.runner import LocalWorker, WorkerSettings

    if backend not in ("local", "ray"):
        raise AlignkitError(f"--backend is local or ray, not {backend!r}")
    if backend == "ray" and gpus:
        raise AlignkitError("--gpus hands out this machine's GPUs; Ray schedules its cluster's")
    if backend == "local" and address:
        raise AlignkitError("--address is the Ray cluster's: use it with --backend ray")
    try:
        ids = [int(g) for g in gpus.split(",") if g.strip()]
    except ValueError:
        raise AlignkitError(f"--gpus expects ids like 0,1, got {gpus!r}") from None
    settings = WorkerSettings(
        max_concurrent=max_concurrent, gpus=ids, exit_when_idle=exit_when_idle,
        heartbeat_s=heartbeat_s, lost_after_s=lost_after_s, grace_s=grace_s, warm=warm,
    )  # fmt: skip
    if cpus is not None:
        settings.cpus = cpus
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if backend == "ray":
        from alignkit.jobs.ray_backend import RayWorker

        RayWorker(_store(), settings, address=address, cpus=cpus).run()
    else:
        LocalWorker(_store(), settings).run()
