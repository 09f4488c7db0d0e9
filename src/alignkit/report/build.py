"""Putting the report together: read every folder, lay out the sections, write one HTML file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from alignkit.commands import methods
from alignkit.errors import AlignkitError
from alignkit.io import atomic_path
from alignkit.report import html as h
from alignkit.report.compare import comparison
from alignkit.report.dataset import dataset_section, used_by
from alignkit.report.evals import policy_section, rm_section
from alignkit.report.examples import examples_section
from alignkit.report.load import Dataset, Run, load, name_runs
from alignkit.report.settings import ReportSettings
from alignkit.report.text import Safe, esc
from alignkit.report.training import curves, run_facts, summary
from alignkit.runfolder import REPORT_FILE

# the methods whose runs are policies, from the command registry
POLICY_METHODS = tuple(methods("policy"))


def default_output(run_dirs: Sequence[Path], output: Path | None) -> Path:
    """`output` (a folder gets report.html inside); else report.html in the folder for one
    folder, in the working directory for several (no run owns a comparison)."""
    if output is not None:
        output = Path(output).expanduser()
        return output / REPORT_FILE if output.is_dir() else output
    if len(run_dirs) == 1:
        return Path(run_dirs[0]).expanduser() / REPORT_FILE
    return Path.cwd() / REPORT_FILE


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("alignkit")
    except PackageNotFoundError:
        return "?"


def _header(title: str, runs: list[Run], datasets: list[Dataset], compared: bool) -> Safe:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    links = [("summary", "Summary")] if any(not r.dataset_only for r in runs) else []
    links += [("comparison", "Comparison")] if compared else []
    links += [(f"run-{i}", r.name) for i, r in enumerate(runs) if not r.dataset_only]
    links += [(f"data-{i}", f"dataset {d.path.name}") for i, d in enumerate(datasets)]
    toc = "".join(f'<a href="#{esc(a)}">{esc(t)}</a>' for a, t in links)
    inputs = ", ".join(f"<code>{esc(r.path.resolve())}</code>" for r in runs)
    return Safe(
        f"<header><h1>{esc(title)}</h1>"
        f'<p class="meta">generated {esc(now)} by alignkit {esc(_version())} from {inputs}</p>'
        f'<nav class="toc">{toc}</nav></header>'
    )


def _missing_eval(run: Run) -> Safe:
    """A note saying which evaluation is missing and the command that makes it."""
    if run.method == "rm" and not run.rm_evals:
        return h.note(
            "not evaluated yet: `alignkit eval rm --model RUN --dataset-dir DATA` writes "
            "eval_rm.json here"
        )
    if run.method in POLICY_METHODS and not run.policy_evals:
        return h.note(
            "not evaluated yet: `alignkit eval policy --policy RUN --dataset-dir DATA --judge "
            "SPEC` writes eval_policy.json and generations.jsonl here"
        )
    return Safe("")


def _run_section(run: Run, index: int, examples: int) -> Safe:
    path = f"<code>{esc(run.path.resolve())}</code>"
    parts = [
        h.h2(f"{run.name} ({run.method})", f"run-{index}"),
        Safe(f'<p class="meta">{path}</p>'),
        run_facts(run),
        *(h.note(n) for n in run.notes),
    ]
    if run.run:
        parts += [h.h3("Training curves"), curves(run)]
    if run.rm_evals:
        parts.append(h.h3("Reward-model evaluation"))
        several = len(run.rm_evals) > 1
        parts += [rm_section(e, several) for e in run.rm_evals]
    if run.policy_evals:
        parts += [h.h3("Policy evaluation"), policy_section(run.policy_evals)]
        if examples > 0:
            parts += [h.h3("Example generations"), examples_section(run.policy_evals, examples)]
    parts.append(_missing_eval(run))
    return h.section(*parts)


def _datasets(runs: list[Run]) -> list[tuple[Dataset, list[str]]]:
    """Each dataset report once, with the runs that trained on it."""
    out: dict[Path, tuple[Dataset, list[str]]] = {}
    for r in runs:
        if r.dataset is None:
            continue
        key = r.dataset.path.resolve()
        entry = out.setdefault(key, (r.dataset, []))
        if not r.dataset_only:
            entry[1].append(r.name)
    return list(out.values())


def render(runs: list[Run], title: str | None = None, examples: int = 8) -> str:
    """The report page for loaded folders."""
    title = title or "alignkit report: " + ", ".join(r.name for r in runs)
    datasets = _datasets(runs)
    sections = []
    trained = [r for r in runs if not r.dataset_only]
    compared = comparison(trained)  # "" unless two or more policy runs differ
    if trained:
        sections.append(h.section(h.h2("Summary", "summary"), summary(trained)))
    if compared:
        sections.append(h.section(h.h2("Comparison", "comparison"), compared))
    for i, r in enumerate(runs):
        if not r.dataset_only:
            sections.append(_run_section(r, i, examples))
        elif r.dataset is None:  # schema_report.json exists but does not parse
            sections.append(h.section(h.h2(r.name, f"run-{i}"), *(h.note(n) for n in r.notes)))
    for i, (d, names) in enumerate(datasets):
        sections.append(
            h.section(
                h.h2(f"Dataset: {d.path.name}", f"data-{i}"),
                Safe(f'<p class="meta"><code>{esc(d.path.resolve())}</code></p>'),
                used_by(names),
                dataset_section(d.report),
            )
        )
    footer = Safe(
        "<footer>Self-contained: no scripts and nothing loaded from the network. "
        "Texts from datasets and models are shown as plain text.</footer>"
    )
    header = _header(title, runs, [d for d, _ in datasets], bool(compared))
    return h.page(title, header, [*sections, footer])


def build(
    run_dirs: Sequence[str | Path],
    output: str | Path | None = None,
    title: str | None = None,
    examples: int = 8,
) -> Path:
    """Write the HTML report of one or more run (or dataset) folders; returns its path.

    `output` defaults to report.html in the folder when there is one, in the working directory
    when there are several; an existing folder gets report.html inside. `examples` is the number
    of generations shown per evaluation (0: none). A folder that is not an alignkit run,
    evaluation or dataset folder is an AlignkitError."""
    if not run_dirs:
        raise AlignkitError("give at least one run folder")
    if examples < 0:
        raise AlignkitError("--examples must be >= 0")
    paths = [Path(p) for p in run_dirs]
    runs = [load(p) for p in paths]
    name_runs(runs)
    target = default_output(paths, Path(output) if output is not None else None)
    page = render(runs, title, examples)

    with atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target


def build_report(settings: ReportSettings) -> Path:
    """`build` from a ReportSettings (the command registry's entry point)."""
    return build(settings.run_dirs, settings.output, settings.title, settings.examples)
