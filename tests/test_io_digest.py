"""file_digest's on-disk record (io.py): a large file's digest is kept under the cache dir, so a
second process does not reread it, and any change to the file (content, a rename over it) is
seen by its size, mtime or inode."""

from __future__ import annotations

import hashlib
import os

import orjson
import pytest

from alignkit import io


@pytest.fixture
def on_disk(monkeypatch):
    monkeypatch.setattr(io, "DIGEST_ON_DISK_BYTES", 0)  # small files take the large-file path
    io._content_digest.cache_clear()
    yield
    io._content_digest.cache_clear()


def _blake(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def test_the_digest_is_the_content_hash_and_is_recorded(tmp_path, on_disk):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"w" * 1000)
    assert io.file_digest(weights) == _blake(b"w" * 1000)
    record = io._digest_record(str(weights.absolute()))
    saved = orjson.loads(record.read_bytes())
    assert saved["digest"] == _blake(b"w" * 1000) and saved["size"] == 1000


def test_a_new_process_reads_the_record_instead_of_the_file(tmp_path, on_disk):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"w" * 1000)
    io.file_digest(weights)
    record = io._digest_record(str(weights.absolute()))
    saved = orjson.loads(record.read_bytes())
    record.write_bytes(orjson.dumps({**saved, "digest": "from-the-record"}))
    io._content_digest.cache_clear()  # as a new process starts
    assert io.file_digest(weights) == "from-the-record"


def test_a_changed_or_replaced_file_is_hashed_again(tmp_path, on_disk):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"a" * 1000)
    first = io.file_digest(weights)
    stat = weights.stat()
    # the same size and the same mtime, but a new file renamed over it: a new inode
    other = tmp_path / "other"
    other.write_bytes(b"b" * 1000)
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(other, weights)
    io._content_digest.cache_clear()
    assert io.file_digest(weights) == _blake(b"b" * 1000) != first
    weights.write_bytes(b"c" * 999)  # rewritten in place
    assert io.file_digest(weights) == _blake(b"c" * 999)


def test_an_unwritable_cache_still_gives_the_digest(tmp_path, on_disk, monkeypatch):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("ALIGNKIT_CACHE_DIR", str(blocker))
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"w" * 10)
    assert io.file_digest(weights) == _blake(b"w" * 10)
