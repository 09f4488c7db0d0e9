"""API keys: `ak_<id>_<secret>` tokens whose secret is stored only as an argon2 hash. The id in
the token finds the row, so a request costs one argon2 check at most (and none after the first
in a process: verified tokens are remembered by their SHA-256, a revocation still shows at once
because every request reads the key's row)."""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from alignkit.errors import AlignkitError, AuthError, NotFoundError
from alignkit.jobs.db import writer
from alignkit.jobs.models import ApiKey
from alignkit.jobs.records import ROLES, Role
from alignkit.jobs.store import utcnow

KEYS = ApiKey.__table__
PREFIX = "ak_"
# last_used_at is written at most this often: a write per request would serialise readers
TOUCH_EVERY = timedelta(minutes=1)
_verify_lock = threading.Lock()
_touched: dict = {}
_verified: dict[str, str] = {}  # sha256(token) -> key id


@dataclass(frozen=True)
class KeyRecord:
    id: str
    name: str | None
    role: Role
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def _hasher():
    try:
        from argon2 import PasswordHasher
    except ModuleNotFoundError:
        from alignkit.errors import DependencyError
        from alignkit.server import INSTALL

        raise DependencyError(f"API keys need argon2-cffi: {INSTALL}") from None
    return PasswordHasher()


def _record(row) -> KeyRecord:
    return KeyRecord(**{k: v for k, v in row._mapping.items() if k != "secret_hash"})


def create(engine: Engine, role: str, name: str | None = None) -> tuple[KeyRecord, str]:
    """A new key and its token (shown once: only its hash is kept)."""
    if role not in ROLES:
        raise AlignkitError(f"--role must be one of {', '.join(ROLES)}, not {role!r}")
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    values = dict(
        id=key_id,
        name=name,
        role=role,
        secret_hash=_hasher().hash(secret),
        created_at=utcnow(),
    )
    with writer(engine).begin() as conn:
        row = conn.execute(insert(KEYS).values(values).returning(*KEYS.c)).one()
    return _record(row), f"{PREFIX}{key_id}_{secret}"


def list_keys(engine: Engine) -> list[KeyRecord]:
    with engine.connect() as conn:
        return [_record(r) for r in conn.execute(select(KEYS).order_by(KEYS.c.created_at))]


def any_active(engine: Engine) -> bool:
    with engine.connect() as conn:
        return (
            conn.execute(select(KEYS.c.id).where(KEYS.c.revoked_at.is_(None))).first() is not None
        )


def revoke(engine: Engine, key_id: str) -> KeyRecord:
    with writer(engine).begin() as conn:
        row = conn.execute(
            update(KEYS)
            .where(KEYS.c.id == key_id, KEYS.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .returning(*KEYS.c)
        ).first()
        if row is None:
            exists = conn.execute(select(KEYS.c.id).where(KEYS.c.id == key_id)).first()
            raise NotFoundError(f"no active API key with id {key_id!r}" + (
                " (already revoked)" if exists else ""
            ))  # fmt: skip
    return _record(row)


def authenticate(engine: Engine, token: str | None) -> KeyRecord:
    """The key a bearer token belongs to; AuthError for a missing, malformed, wrong or revoked
    one (the same message for each, so that a caller learns nothing about which keys exist)."""
    if not token:
        raise AuthError("an API key is required: send `Authorization: Bearer ak_...`")
    bad = AuthError("the API key is not valid (wrong, revoked or malformed)")
    key_id, sep, secret = token.removeprefix(PREFIX).partition("_")
    if not token.startswith(PREFIX) or not sep or not key_id or not secret:
        raise bad
    with engine.connect() as conn:
        row = conn.execute(select(KEYS).where(KEYS.c.id == key_id)).first()
    if row is None or row.revoked_at is not None:
        raise bad
    digest = hashlib.sha256(token.encode()).hexdigest()
    if _verified.get(digest) != key_id:
        # one verification at a time: 50 clients arriving together with a new key would
        # otherwise run 50 argon2 hashes side by side (each tens of ms of CPU) before any
        # of them is cached; the others wait here and find it cached
        with _verify_lock:
            if _verified.get(digest) != key_id:
                _verify(row.secret_hash, secret, bad)
                if len(_verified) > 10_000:  # bounded: a server sees few distinct keys
                    _verified.clear()
                _verified[digest] = key_id
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        with _verify_lock:  # one writer per key and interval, not one per request
            if now - _touched.get(key_id, now - TOUCH_EVERY * 2) > TOUCH_EVERY:
                _touched[key_id] = now
                with writer(engine).begin() as conn:
                    conn.execute(update(KEYS).where(KEYS.c.id == key_id).values(last_used_at=now))
    return _record(row)


def _verify(secret_hash: str, secret: str, bad: AuthError) -> None:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        _hasher().verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        raise bad from None
