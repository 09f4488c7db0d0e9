"""`alignkit db`: the job database's migrations. SQLAlchemy and Alembic load inside the
commands, so that `alignkit --help` stays instant."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The job database (SQLite in the data dir, or $ALIGNKIT_DATABASE_URL).",
    no_args_is_help=True,
)


@app.command()
def upgrade() -> None:
    """Apply pending migrations to the job database (a no-op when it is current)."""
    from alignkit.jobs import db

    engine = db.make_engine()
    try:
        before = db.current(engine)
        after = db.upgrade(engine)
    finally:
        engine.dispose()
    change = "already current" if before == after else f"{before or 'empty'} -> {after}"
    typer.echo(f"{db.describe(engine)}: {after} ({change})")


@app.command()
def current() -> None:
    """Show the job database's URL and migration revision."""
    from alignkit.jobs import db

    engine = db.make_engine()
    try:
        revision = db.current(engine)
    finally:
        engine.dispose()
    head = db.head()
    state = "current" if revision == head else f"needs `alignkit db upgrade` to {head}"
    typer.echo(f"{db.describe(engine)}: {revision or 'empty'} ({state})")
