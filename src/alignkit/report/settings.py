"""Typed settings of `alignkit report` (the job runner and the API build reports from them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from alignkit.errors import AlignkitError


@dataclass
class ReportSettings:
    run_dirs: list[Path] = field(
        metadata={"help": "Run folders (or evaluation or dataset folders).", "required": True}
    )
    output: Path | None = field(
        default=None,
        metadata={"help": "The HTML file (or a folder for it).", "flags": ("--output", "-o")},
    )
    title: str | None = field(default=None, metadata={"help": "Page title."})
    examples: int = field(
        default=8, metadata={"help": "Example generations per evaluation (0: none)."}
    )

    def __post_init__(self) -> None:
        self.run_dirs = [Path(p) for p in self.run_dirs]
        if not self.run_dirs:
            raise AlignkitError("give at least one run folder")
        if self.examples < 0:
            raise AlignkitError("--examples must be >= 0")

    def to_dict(self) -> dict:
        return {
            "run_dirs": [str(p) for p in self.run_dirs],
            "output": str(self.output) if self.output else None,
            "title": self.title,
            "examples": self.examples,
        }
