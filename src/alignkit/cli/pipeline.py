"""`alignkit pipeline run|status|wait|cancel|list`: a YAML file of stages and sweeps, run as a
DAG of jobs (jobs/pipeline). `run` submits and returns; workers (`alignkit worker`, or the
one `alignkit serve` starts) run the nodes as their needs complete."""

from __future__ import annotations

import json as jsonlib
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Pipelines and sweeps: stages x models x settings from one YAML file, run as jobs.",
    no_args_is_help=True,
)
JSON = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
NAME = Annotated[str, typer.Argument(help="The pipeline's name (its file's `name:`).")]
VERBS = {"reuse": "reused", "attach": "running", "resume": "resumed", "submit": "submitted"}


def _store():
    from alignkit.jobs.store import JobStore

    return JobStore.open()


def _echo_json(value) -> None:
    typer.echo(jsonlib.dumps(value, indent=2, default=str))


@app.command()
def run(
    file: Annotated[Path, typer.Argument(help="The pipeline file (YAML).")],
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print the DAG and what would be reused; submit nothing."),
    ] = False,
    data: Annotated[
        Path | None,
        typer.Option(help="An export to ingest, or a dataset folder, instead of the file's data."),
    ] = None,
    output_root: Annotated[
        Path | None, typer.Option(help="Where the nodes write, instead of the file's output_root.")
    ] = None,
    priority: Annotated[int, typer.Option(help="Priority of its jobs.")] = 0,
    json: JSON = False,
) -> None:
    """Expand the file into nodes (a stage per model and sweep point), reuse every node whose
    command, settings and inputs equal a completed job's, and queue the rest with their needs."""
    from alignkit.jobs.pipeline import plan, spec

    pipeline = spec.load(file, data=data, output_root=output_root)
    store = _store()
    if dry_run:
        steps, _ = plan.plan(pipeline, store)
    else:
        _, steps = plan.run(pipeline, store, priority=priority)
    if json:
        _echo_json([{**s.__dict__, "needs": pipeline.nodes[s.node].needs} for s in steps])
        return
    head = "would run" if dry_run else "runs"
    typer.echo(
        f"pipeline {pipeline.name}: {len(steps)} nodes ({head} under {pipeline.output_root})"
    )
    for s in steps:
        needs = pipeline.nodes[s.node].needs
        after = f"  after {', '.join(needs)}" if needs else ""
        verb = ("would be " if dry_run else "") + VERBS[s.action]
        if dry_run and s.action == "submit":
            verb = "would run"
        job = f" {s.job_id}" if s.job_id else ""
        typer.echo(f"  {s.node:<32} {s.kind:<12} {verb}{job}{after}")


def _rows(name: str):
    from alignkit.jobs.pipeline import state

    store = _store()
    record = state.get(store.engine, name)
    rows = []
    for node, job_id in record.nodes.items():
        job = store.get(job_id) if job_id else None
        rows.append((node, job))
    return store, record, rows


@app.command()
def status(name: NAME, json: JSON = False) -> None:
    """Each node: its job, status and error."""
    _, record, rows = _rows(name)
    if json:
        _echo_json(
            {
                "name": record.name,
                "source": record.source,
                "nodes": [
                    {
                        "node": n,
                        "job_id": j.id if j else None,
                        "status": j.status if j else "removed",
                        "error": j.error if j else None,
                    }
                    for n, j in rows
                ],
            }  # fmt: skip
        )
        return
    counts: dict[str, int] = {}
    for node, job in rows:
        state_ = job.status if job else "removed"
        counts[state_] = counts.get(state_, 0) + 1
        error = f"  {job.error}" if job and job.error else ""
        typer.echo(f"  {node:<32} {state_:<12} {job.id if job else '-'}{error}")
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    typer.echo(f"pipeline {record.name}: {summary}")


@app.command()
def wait(
    name: NAME,
    timeout: Annotated[float | None, typer.Option(help="Give up after this many seconds.")] = None,
) -> None:
    """Wait until every node has ended. Exit 0 when all completed, 1 otherwise, 2 on timeout."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        _, _, rows = _rows(name)
        if all(job is None or job.done for _, job in rows):
            break
        if deadline is not None and time.monotonic() > deadline:
            typer.echo(f"error: pipeline {name} still running after {timeout} s", err=True)
            raise typer.Exit(2)
        time.sleep(0.5)
    status(name)
    if not all(job is not None and job.status == "completed" for _, job in rows):
        raise typer.Exit(1)


@app.command()
def cancel(name: NAME) -> None:
    """Cancel every node that has not ended (running ones save a checkpoint)."""
    from alignkit.jobs.records import JobStateError

    store, _, rows = _rows(name)
    cancelled = 0
    for _, job in rows:
        if job is None or job.done:
            continue
        try:
            store.request_cancel(job.id)
            cancelled += 1
        except JobStateError:  # ended meanwhile, or failed by a cancelled need
            continue
    typer.echo(f"pipeline {name}: cancel asked of {cancelled} node(s)")


@app.command("list")
def list_pipelines(json: JSON = False) -> None:
    """The pipelines, most recently run first."""
    from alignkit.jobs.pipeline import state

    found = state.names(_store().engine)
    _echo_json(found) if json else [typer.echo(n) for n in found]
