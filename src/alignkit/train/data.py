"""Reading the splits that `alignkit data ingest` wrote, as `datasets.Dataset`s."""

from __future__ import annotations

from pathlib import Path

from alignkit.errors import AlignkitError


def split_path(dataset_dir: Path, split: str) -> Path | None:
    for ext in ("jsonl", "parquet"):
        path = Path(dataset_dir) / f"{split}.{ext}"
        if path.exists():
            return path
    return None


def load_split(dataset_dir: Path, split: str, columns: tuple[str, ...], required: bool = True):
    """The split as a Dataset, or None when it is absent/empty and not required."""
    import datasets

    path = split_path(dataset_dir, split)
    if path is None or path.stat().st_size == 0:
        if required:
            raise AlignkitError(
                f"no {split} split in {dataset_dir} (run `alignkit data ingest` to make one)"
            )
        return None
    kind = "json" if path.suffix == ".jsonl" else "parquet"
    ds = datasets.load_dataset(kind, data_files=str(path), split="train")
    missing = [c for c in columns if c not in ds.column_names]
    if missing:
        raise AlignkitError(f"{path} lacks column(s) {', '.join(missing)} for this method")
    return ds
