"""Users, their password logins and sessions, workspaces and the roles in them. A session is a
random token in an HttpOnly cookie whose SHA-256 is the row's id, with an expiry and a CSRF
token that every state-changing request made with the cookie must echo (X-CSRF-Token)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from alignkit.errors import AlignkitError, AuthError, ForbiddenError, NotFoundError
from alignkit.jobs.db import writer
from alignkit.jobs.store import utcnow
from alignkit.server.feedback.models import MEMBER_ROLES, Member, Session, User, Workspace
from alignkit.server.keys import _hasher

USERS, SESSIONS, MEMBERS, WORKSPACES = (m.__table__ for m in (User, Session, Member, Workspace))
SESSION_TTL = timedelta(hours=12)
COOKIE = "alignkit_session"
CSRF_HEADER = "X-CSRF-Token"
MANAGERS = ("owner", "admin")
# a login for an unknown email still costs one argon2 check, so timing tells nothing
_DUMMY_HASH: list[str] = []


class ConflictError(AlignkitError):
    """The request conflicts with what is stored (a name taken, a record already complete)."""

    exit_code = 1
    code = "AK-CONFLICT"


class CsrfError(ForbiddenError):
    code = "AK-CSRF"


@dataclass(frozen=True)
class UserRecord:
    id: str
    email: str
    name: str | None
    created_at: datetime


@dataclass(frozen=True)
class SessionRecord:
    user: UserRecord
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class WorkspaceRecord:
    id: str
    name: str
    created_at: datetime
    role: str | None = None  # the caller's, for a user


@dataclass(frozen=True)
class MemberRecord:
    workspace_id: str
    user_id: str
    email: str
    role: str


def _user(row) -> UserRecord:
    return UserRecord(id=row.id, email=row.email, name=row.name, created_at=row.created_at)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(engine: Engine, email: str, password: str, name: str | None = None) -> UserRecord:
    if len(password) < 8:
        raise AlignkitError("password: at least 8 characters")
    values = dict(
        id=str(uuid.uuid4()),
        email=email.strip().lower(),
        name=name,
        password_hash=_hasher().hash(password),
        created_at=utcnow(),
    )
    try:
        with writer(engine).begin() as conn:
            conn.execute(insert(USERS).values(values))
    except IntegrityError:
        raise ConflictError(f"a user with email {values['email']!r} exists") from None
    return _user(type("Row", (), values))


def list_users(engine: Engine) -> list[UserRecord]:
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(USERS).order_by(USERS.c.created_at))]


def login(engine: Engine, email: str, password: str, ttl: timedelta = SESSION_TTL):
    """(session, cookie token) for a right email and password; AuthError otherwise."""
    from argon2.exceptions import InvalidHashError, VerificationError

    with engine.connect() as conn:
        row = conn.execute(select(USERS).where(USERS.c.email == email.strip().lower())).first()
    hasher = _hasher()
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hasher.hash(secrets.token_hex(8)))
    try:
        hasher.verify(row.password_hash if row else _DUMMY_HASH[0], password)
        if row is None:
            raise VerificationError
    except (VerificationError, InvalidHashError):
        raise AuthError("wrong email or password") from None
    return start_session(engine, _user(row), ttl)


def start_session(engine: Engine, user: UserRecord, ttl: timedelta = SESSION_TTL):
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    with writer(engine).begin() as conn:
        # the user's dead sessions go as they log in again (no sweeper needed for them)
        conn.execute(
            delete(SESSIONS).where(SESSIONS.c.user_id == user.id, SESSIONS.c.expires_at <= now)
        )
        conn.execute(
            insert(SESSIONS).values(
                id=_digest(token),
                user_id=user.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=now + ttl,
            )  # fmt: skip
        )
    return SessionRecord(user=user, csrf_token=csrf, expires_at=now + ttl), token


def session(engine: Engine, token: str | None) -> SessionRecord:
    """The live session of a cookie's token; AuthError for none, an unknown or expired one."""
    if not token:
        raise AuthError("log in first (POST /api/auth/login) or send an API key")
    with engine.connect() as conn:
        row = conn.execute(
            select(SESSIONS.c.csrf_token, SESSIONS.c.expires_at, *USERS.c)
            .join(USERS, USERS.c.id == SESSIONS.c.user_id)
            .where(SESSIONS.c.id == _digest(token))
        ).first()
    if row is None or row.expires_at <= utcnow():
        raise AuthError("the session has expired or ended: log in again")
    return SessionRecord(user=_user(row), csrf_token=row.csrf_token, expires_at=row.expires_at)


def check_csrf(record: SessionRecord, header: str | None) -> None:
    if not header or not hmac.compare_digest(header.encode(), record.csrf_token.encode()):
        raise CsrfError(f"a cookie-authenticated change needs the session's {CSRF_HEADER} header")


def logout(engine: Engine, token: str) -> None:
    with writer(engine).begin() as conn:
        conn.execute(delete(SESSIONS).where(SESSIONS.c.id == _digest(token)))


# -- workspaces and roles -------------------------------------------------------------------


def create_workspace(engine: Engine, name: str, owner: str | None = None) -> WorkspaceRecord:
    values = dict(id=str(uuid.uuid4()), name=name, created_at=utcnow())
    try:
        with writer(engine).begin() as conn:
            conn.execute(insert(WORKSPACES).values(values))
            if owner is not None:
                conn.execute(
                    insert(MEMBERS).values(workspace_id=values["id"], user_id=owner, role="owner")
                )
    except IntegrityError:
        raise ConflictError(f"a workspace named {name!r} exists") from None
    return WorkspaceRecord(**values, role="owner" if owner else None)


def list_workspaces(engine: Engine, user_id: str | None) -> list[WorkspaceRecord]:
    """All workspaces (user_id None: an admin key), else the user's with their role."""
    with engine.connect() as conn:
        if user_id is None:
            rows = conn.execute(select(WORKSPACES).order_by(WORKSPACES.c.name))
            return [WorkspaceRecord(r.id, r.name, r.created_at) for r in rows]
        rows = conn.execute(
            select(WORKSPACES, MEMBERS.c.role)
            .join(MEMBERS, MEMBERS.c.workspace_id == WORKSPACES.c.id)
            .where(MEMBERS.c.user_id == user_id)
            .order_by(WORKSPACES.c.name)
        )
        return [WorkspaceRecord(r.id, r.name, r.created_at, r.role) for r in rows]


def role_in(conn: Connection, workspace_id: str, user_id: str) -> str | None:
    return conn.execute(
        select(MEMBERS.c.role).where(
            MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.user_id == user_id
        )
    ).scalar()


def workspace_access(engine: Engine, workspace_id: str, user_id: str | None, manage: bool) -> None:
    """A workspace the caller may see (404 if not: its existence is not told) and, with
    `manage`, change (an owner or admin of it; an annotator gets a 403)."""
    with engine.connect() as conn:
        exists = conn.execute(select(WORKSPACES.c.id).where(WORKSPACES.c.id == workspace_id))
        role = None if user_id is None else role_in(conn, workspace_id, user_id)
        if exists.first() is None or (user_id is not None and role is None):
            raise NotFoundError(f"no workspace with id {workspace_id!r}")
    if manage and user_id is not None and role not in MANAGERS:
        raise ForbiddenError("only the workspace's owners and admins may do this")


def set_member(engine: Engine, workspace_id: str, user_id: str, role: str) -> MemberRecord:
    if role not in MEMBER_ROLES:
        raise AlignkitError(f"role must be one of {', '.join(MEMBER_ROLES)}, not {role!r}")
    with writer(engine).begin() as conn:
        user = conn.execute(select(USERS).where(USERS.c.id == user_id)).first()
        if user is None:
            raise NotFoundError(f"no user with id {user_id!r}")
        where = (MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.user_id == user_id)
        conn.execute(delete(MEMBERS).where(*where))
        conn.execute(insert(MEMBERS).values(workspace_id=workspace_id, user_id=user_id, role=role))
    return MemberRecord(workspace_id, user_id, user.email, role)


def remove_member(engine: Engine, workspace_id: str, user_id: str) -> None:
    with writer(engine).begin() as conn:
        gone = conn.execute(
            delete(MEMBERS).where(
                MEMBERS.c.workspace_id == workspace_id, MEMBERS.c.user_id == user_id
            )
        ).rowcount
    if not gone:
        raise NotFoundError(f"user {user_id!r} is not a member of this workspace")


def list_members(engine: Engine, workspace_id: str) -> list[MemberRecord]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(MEMBERS, USERS.c.email)
            .join(USERS, USERS.c.id == MEMBERS.c.user_id)
            .where(MEMBERS.c.workspace_id == workspace_id)
            .order_by(USERS.c.email)
        )
        return [MemberRecord(r.workspace_id, r.user_id, r.email, r.role) for r in rows]
