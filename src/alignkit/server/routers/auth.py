"""/api/auth (log in and out with a password, for a session cookie) and the feedback
domain's people: /api/feedback/users (admin key) and workspaces with their members."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from starlette.concurrency import run_in_threadpool

from alignkit.errors import ForbiddenError
from alignkit.server.deps import Store
from alignkit.server.feedback import auth
from alignkit.server.feedback.deps import AdminCaller, Caller
from alignkit.server.feedback.schemas import (
    LoginCreate,
    MemberPublic,
    MemberUpdate,
    SessionPublic,
    UserCreate,
    UserPublic,
    WorkspaceCreate,
    WorkspacePublic,
)

router = APIRouter(tags=["auth"])


@router.post("/api/auth/login", response_model=SessionPublic)
async def login(body: LoginCreate, request: Request, response: Response, store: Store):
    """A session cookie (HttpOnly, SameSite=Lax) and the CSRF token that changes need."""
    record, token = await run_in_threadpool(auth.login, store.engine, body.email, body.password)
    response.set_cookie(
        auth.COOKIE, token, httponly=True, samesite="lax", path="/",
        secure=request.url.scheme == "https", max_age=int(auth.SESSION_TTL.total_seconds()),
    )  # fmt: skip
    return record


@router.post("/api/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, store: Store, caller: Caller) -> Response:
    """Ends the session (its row is deleted) and clears the cookie."""
    token = request.cookies.get(auth.COOKIE)
    if caller.session is not None and token:
        auth.logout(store.engine, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@router.get("/api/auth/me", response_model=SessionPublic)
def me(caller: Caller):
    if caller.session is None:
        raise ForbiddenError("an API key has no session: log in as a user")
    return caller.session


@router.post("/api/feedback/users", status_code=201, response_model=UserPublic, tags=["feedback"])
def create_user(body: UserCreate, store: Store, _: AdminCaller):
    return auth.create_user(store.engine, body.email, body.password, body.name)


@router.get("/api/feedback/users", response_model=list[UserPublic], tags=["feedback"])
def list_users(store: Store, _: AdminCaller):
    return auth.list_users(store.engine)


@router.post(
    "/api/feedback/workspaces", status_code=201, response_model=WorkspacePublic,
    tags=["feedback"],
)  # fmt: skip
def create_workspace(body: WorkspaceCreate, store: Store, caller: Caller):
    """An admin key, or a user (who becomes its owner)."""
    return auth.create_workspace(store.engine, body.name, owner=caller.user_id)


@router.get("/api/feedback/workspaces", response_model=list[WorkspacePublic], tags=["feedback"])
def list_workspaces(store: Store, caller: Caller):
    """Every workspace for an admin key; a user's own, with their role."""
    return auth.list_workspaces(store.engine, caller.user_id)


@router.get(
    "/api/feedback/workspaces/{workspace_id}/members", response_model=list[MemberPublic],
    tags=["feedback"],
)  # fmt: skip
def list_members(workspace_id: str, store: Store, caller: Caller):
    auth.workspace_access(store.engine, workspace_id, caller.user_id, manage=True)
    return auth.list_members(store.engine, workspace_id)


@router.put(
    "/api/feedback/workspaces/{workspace_id}/members/{user_id}", response_model=MemberPublic,
    tags=["feedback"],
)  # fmt: skip
def set_member(workspace_id: str, user_id: str, body: MemberUpdate, store: Store, caller: Caller):
    """Add a user to the workspace or change their role (its owners and admins, admin keys)."""
    auth.workspace_access(store.engine, workspace_id, caller.user_id, manage=True)
    return auth.set_member(store.engine, workspace_id, user_id, body.role)


@router.delete(
    "/api/feedback/workspaces/{workspace_id}/members/{user_id}", status_code=204,
    tags=["feedback"],
)  # fmt: skip
def remove_member(workspace_id: str, user_id: str, store: Store, caller: Caller) -> Response:
    auth.workspace_access(store.engine, workspace_id, caller.user_id, manage=True)
    auth.remove_member(store.engine, workspace_id, user_id)
    return Response(status_code=204)
