"""One self-contained HTML page about training runs, their evaluations and their data:

    alignkit report artifacts/rm/demo artifacts/dpo/demo

`build(run_dirs, output)` reads each folder (`load.py`), draws the charts as inline SVG in pure
Python (`svg.py`) and writes report.html. Importing this package imports no torch, numpy or
polars."""

from alignkit.report.build import build

__all__ = ["build"]
