"""The `alignkit` command. Heavy libraries (polars, torch) are imported inside commands so
that `alignkit --help` stays instant."""

from __future__ import annotations

import sys

import typer

from alignkit.cli import data as data_cli
from alignkit.cli import db as db_cli
from alignkit.cli import demo as demo_cli
from alignkit.cli import eval as eval_cli
from alignkit.cli import feedback as feedback_cli
from alignkit.cli import jobs as jobs_cli
from alignkit.cli import models as models_cli
from alignkit.cli import pipeline as pipeline_cli
from alignkit.cli import report as report_cli
from alignkit.cli import serve as serve_cli
from alignkit.cli import train as train_cli

app = typer.Typer(
    name="alignkit",
    help="Human feedback to aligned language models: collect, curate, train, evaluate.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data_cli.app, name="data")
app.add_typer(train_cli.app, name="train")
app.add_typer(eval_cli.app, name="eval")
app.add_typer(feedback_cli.app, name="feedback")
app.add_typer(train_cli.hrm_hf, name="hrm-hf")
app.add_typer(models_cli.app, name="models")
app.add_typer(jobs_cli.app, name="jobs")
app.add_typer(pipeline_cli.app, name="pipeline")
app.add_typer(db_cli.app, name="db")
app.command("worker")(jobs_cli.worker)
app.command("serve")(serve_cli.serve)
app.add_typer(serve_cli.keys_app, name="keys")
demo_cli.register(app)
app.command("report", short_help=report_cli.SHORT_HELP)(report_cli.report)


def main() -> None:
    """Entry point: user errors become one line on stderr, `error: <message> [<code>]` (the
    codes of alignkit.errors.ERRORS, which the REST API sends too), and a non-zero exit."""
    from alignkit.errors import AlignkitError

    try:
        app()
    except AlignkitError as exc:
        print(f"error: {exc} [{exc.code}]", file=sys.stderr)
        sys.exit(exc.exit_code)
    except OSError as exc:  # disk full, permission denied, output path is a file...
        message = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        print(f"error: {message} [AK-IO]", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("error: interrupted [AK-INTERRUPTED]", file=sys.stderr)
        sys.exit(130)
