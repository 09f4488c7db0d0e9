"""The feedback routes' caller, as an `Annotated` alias: an admin API key (Bearer), or a
user's session cookie. A cookie-authenticated request that changes anything must carry the
session's CSRF token in X-CSRF-Token; a Bearer request needs none (no browser sends it by
itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from alignkit.errors import ForbiddenError
from alignkit.server import keys
from alignkit.server.deps import Store
from alignkit.server.feedback import auth
from alignkit.server.feedback.auth import SessionRecord
from alignkit.server.keys import KeyRecord

_bearer = HTTPBearer(auto_error=False, description="An admin API key, or log in for a cookie.")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Actor:
    key: KeyRecord | None = None
    session: SessionRecord | None = None

    @property
    def user_id(self) -> str | None:
        """None for an admin key: it sees every workspace."""
        return self.session.user.id if self.session else None


async def current_actor(
    request: Request,
    store: Store,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is not None:
        key = await run_in_threadpool(keys.authenticate, store.engine, credentials.credentials)
        if not key.admin:
            raise ForbiddenError("feedback routes take an admin API key or a user's login")
        return Actor(key=key)
    record = await run_in_threadpool(auth.session, store.engine, request.cookies.get(auth.COOKIE))
    if request.method not in SAFE_METHODS:
        auth.check_csrf(record, request.headers.get(auth.CSRF_HEADER))
    return Actor(session=record)


Caller = Annotated[Actor, Depends(current_actor)]


async def admin_caller(actor: Caller) -> Actor:
    if actor.key is None:
        raise ForbiddenError("this route needs an admin API key")
    return actor


AdminCaller = Annotated[Actor, Depends(admin_caller)]
