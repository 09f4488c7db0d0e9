"""The routes' dependencies, as `Annotated` aliases: the job store, the caller's API key, and
an admin key. Other routers (a Llama Stack router, the web UI's) reuse them as they are."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from alignkit.errors import ForbiddenError
from alignkit.jobs.records import JobRecord
from alignkit.jobs.store import JobStore
from alignkit.server import keys
from alignkit.server.keys import KeyRecord

# auto_error=False: a missing header is our AK-AUTH body, not Starlette's 403
_bearer = HTTPBearer(auto_error=False, description="An API key: `alignkit keys create`.")


def get_store(request: Request) -> JobStore:
    return request.app.state.store


Store = Annotated[JobStore, Depends(get_store)]


async def current_key(
    store: Store,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> KeyRecord:
    token = credentials.credentials if credentials else None
    # argon2 and the database are blocking: off the event loop
    return await run_in_threadpool(keys.authenticate, store.engine, token)


Key = Annotated[KeyRecord, Depends(current_key)]


def admin_key(key: Key) -> KeyRecord:
    if not key.admin:
        raise ForbiddenError("this route needs an admin API key")
    return key


AdminKey = Annotated[KeyRecord, Depends(admin_key)]


def may_change(key: KeyRecord, job: JobRecord) -> None:
    """Members change (cancel, resume, delete) only the jobs they submitted; admins any."""
    if not key.admin and job.user != key.id:
        raise ForbiddenError(
            f"job {job.id} was submitted by another key: an admin key may change it"
        )
