"""Checks that a model folder's files are whole before transformers reads them, and one-line
errors for what transformers raises on a hostile folder.

transformers reports a truncated safetensors file, a config.json that is not JSON or an unknown
`model_type` as a traceback several screens long; a user needs one line naming the file. The
checks here read only the small parts of a file (a safetensors header is a few kilobytes), so
they run on every resolve."""

from __future__ import annotations

import contextlib
import json
import struct
from collections.abc import Iterator
from pathlib import Path

from alignkit.errors import AlignkitError

# The safetensors format caps its JSON header at 100 MB; a larger length is a corrupt file.
MAX_HEADER_BYTES = 100_000_000


def read_config(folder: Path, label: str) -> dict:
    """config.json as a dict, or one line saying why it is not one."""
    path = folder / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AlignkitError(f"model folder '{label}': cannot read config.json ({exc})") from exc
    except ValueError as exc:
        raise AlignkitError(
            f"model folder '{label}': config.json is not valid JSON ({exc})"
        ) from exc
    if not isinstance(data, dict):
        raise AlignkitError(
            f"model folder '{label}': config.json holds a {type(data).__name__}, not an object"
        )
    return data


def check_safetensors(path: Path) -> None:
    """One line when `path` is not a complete safetensors file: its header must parse and its
    tensors must end within the file (a copy cut short by a full disk or a killed download)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                raise AlignkitError(
                    f"weights file '{path}' is truncated or empty ({size} bytes); "
                    "copy or download it again"
                )
            (header_len,) = struct.unpack("<Q", head)
            if header_len > MAX_HEADER_BYTES or 8 + header_len > size:
                raise AlignkitError(
                    f"weights file '{path}' is truncated or not a safetensors file "
                    f"(header of {header_len} bytes in a file of {size}); copy it again"
                )
            header = json.loads(fh.read(header_len))
    except OSError as exc:
        raise AlignkitError(f"weights file '{path}' cannot be read ({exc})") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise AlignkitError(
            f"weights file '{path}' is not a safetensors file (its header is not JSON)"
        ) from exc
    if not isinstance(header, dict):
        raise AlignkitError(f"weights file '{path}' is not a safetensors file")
    data_size = size - 8 - header_len
    try:
        end = max(
            (int(t["data_offsets"][1]) for k, t in header.items() if k != "__metadata__"),
            default=0,
        )
    except (TypeError, KeyError, IndexError, ValueError) as exc:
        raise AlignkitError(f"weights file '{path}' has a malformed safetensors header") from exc
    if end > data_size:
        raise AlignkitError(
            f"weights file '{path}' is truncated: its tensors need {end} bytes of data, "
            f"the file holds {data_size}; copy or download it again"
        )


def check_weights(folder: Path, label: str) -> None:
    """Every *.safetensors file is whole, and a sharded checkpoint's index names only shards
    that are present."""
    for path in sorted(folder.glob("*.safetensors")):
        check_safetensors(path)
    for index in sorted(folder.glob("*.safetensors.index.json")):
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
            shards = set(weight_map.values())
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AlignkitError(
                f"model folder '{label}': {index.name} is not a valid shard index"
            ) from exc
        missing = sorted(s for s in shards if not (folder / str(s)).is_file())
        if missing:
            raise AlignkitError(
                f"model folder '{label}' is incomplete: {index.name} names "
                f"{len(missing)} missing shard(s) ({', '.join(missing[:3])})"
            )


# What transformers, tokenizers and safetensors raise on a folder whose files are wrong.
# Not caught: torch.OutOfMemoryError (a machine problem, not the folder's) and KeyboardInterrupt.
def _hostile_folder_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, ValueError, TypeError, KeyError]
    errors += [AttributeError, RuntimeError]
    with contextlib.suppress(ImportError):
        from safetensors import SafetensorError

        errors.append(SafetensorError)
    with contextlib.suppress(ImportError):
        from huggingface_hub.errors import StrictDataclassError

        errors.append(StrictDataclassError)
    return tuple(errors)


@contextlib.contextmanager
def one_line_errors(what: str, *, any_error: bool = False) -> Iterator[None]:
    """Turn what a loader raises on bad files into one AlignkitError line about `what` ("model
    folder 'x'", "the tokenizer in 'x'"); out-of-memory and AlignkitErrors pass through.
    `any_error` catches every Exception: the Rust tokenizers library raises plain `Exception`
    for a malformed tokenizer.json."""
    caught = (Exception,) if any_error else _hostile_folder_errors()
    try:
        yield
    except AlignkitError:
        raise
    except caught as exc:
        if _is_out_of_memory(exc):
            raise
        raise AlignkitError(f"{what} cannot be loaded: {first_line(exc)}") from exc


def _is_out_of_memory(exc: BaseException) -> bool:
    try:
        import torch
    except ImportError:  # pragma: no cover - models always have torch
        return False
    return isinstance(exc, torch.OutOfMemoryError)


def first_line(exc: BaseException, limit: int = 300) -> str:
    """An error message as one line: its first line, and the next ones while a line ends in a
    colon (huggingface_hub puts the reason under "Validation error for field 'x':"); cut at
    `limit` characters, since transformers' messages run on for a page."""
    parts: list[str] = []
    for line in str(exc).splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        parts.append(line)
        if not line.endswith(":"):
            break
    text = " ".join(parts) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
