"""Accounts in the web app: log in and out, your account and workspaces (switch), a workspace's members
(owners add, change and remove them), and ``GET /api/v1/me``.

Who is asking is set before any of these run (:mod:`seamline.web.auth`); only ``/login`` is answered
without a login. Users, passwords and API tokens are made with the CLI (``seamline users ...``,
``seamline tokens ...``).
"""

from __future__ import annotations

import functools
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from seamline.errors import Problem, SeamlineError
from seamline.store import ROLES, ForbiddenError, NotFoundError, Workspace
from seamline.web.auth import (
    Auth,
    Identity,
    TooManyAttempts,
    identity_of,
    safe_next,
)
from seamline.web.openapi import responses
from seamline.web.security import check_csrf, set_csrf_cookie
from seamline.web.templating import render

api_router = APIRouter(prefix="/api/v1", tags=["accounts"])
pages_router = APIRouter(include_in_schema=False)
WRONG = "wrong username or password"  # the same words whichever was wrong, or whether the user exists
WORKSPACE_ID_MAX = 2**31 - 1


def _auth(request: Request) -> Auth:
    return request.app.state.auth


def _identity(request: Request) -> Identity:
    identity = identity_of(request)
    if identity is None:  # pragma: no cover - the middleware asks for a login first
        raise RuntimeError("no identity on a page that needs one")
    return identity


def _fresh_csrf(request: Request, response: Response) -> Response:
    """A new CSRF token with ``response``: one planted or seen before a login or logout is worthless."""
    request.state.csrf = secrets.token_urlsafe(32)
    set_csrf_cookie(request, response, request.app.state.settings.secure_cookies)
    return response


# ---------------------------------------------------------------------------------------------- API
class UserOut(BaseModel):
    id: int
    username: str
    display_name: str


class WorkspaceOut(BaseModel):
    id: int
    name: str
    role: str | None


class MeOut(BaseModel):
    """Who is asking: the user, how (local, session or token), the current workspace and role, and every
    workspace of theirs with their role there (send ``X-Seamline-Workspace: <id>`` to use another)."""

    user: UserOut
    mode: str
    via: str
    workspace: WorkspaceOut | None
    role: str | None
    can_edit: bool
    workspaces: list[WorkspaceOut]


@api_router.get(
    "/me",
    summary="Who is asking: the user, their workspaces with roles, the current workspace",
    responses=responses(401, 404, ok=MeOut),
)
def me(request: Request) -> MeOut:
    return MeOut.model_validate(_identity(request).to_json())


# -------------------------------------------------------------------------------------------- pages
@pages_router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next_: Annotated[str, Query(alias="next")] = "/") -> Response:
    target = safe_next(next_)
    if identity_of(request) is not None:  # signed in already, or local mode: nothing to log in to
        return RedirectResponse(target, status_code=303)
    return render(request, "login.html", {"next": target, "username": "", "error": None})


@pages_router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """Check the password (argon2, off the event loop); on success a new session (new cookie, new CSRF
    token) and a redirect to ``next``. A wrong username or password says just that, whichever it was."""
    form = await request.form()
    check_csrf(request, form)
    target = safe_next(form.get("next"))
    identity = identity_of(request)
    if identity is not None and identity.local:
        return RedirectResponse(target, status_code=303)
    username = form.get("username")
    password = form.get("password")
    username = username.strip()[:64] if isinstance(username, str) else ""
    password = password if isinstance(password, str) else ""
    auth = _auth(request)
    address = request.client.host if request.client else "-"
    wait = auth.limiter.wait(username, address)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        error: SeamlineError = TooManyAttempts(
            f"login: too many failed attempts; try again in about {minutes} minute{'s' * (minutes != 1)}",
            [Problem("password", "expected fewer failed attempts")],
        )
        ctx = {"next": target, "username": username, "error": error}
        response = render(request, "login.html", ctx, status_code=429)
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    user = await run_in_threadpool(auth.accounts.authenticate, username, password) if username else None
    if user is None:
        auth.limiter.failed(username, address)
        error = SeamlineError(f"login: {WRONG}", [Problem("password", WRONG)])
        ctx = {"next": target, "username": username, "error": error}
        return render(request, "login.html", ctx, status_code=400)
    auth.limiter.succeeded(username, address)
    workspaces = await run_in_threadpool(auth.accounts.memberships, user.id)
    session = request.session
    session.clear()  # a new session: nothing from before the login is carried over
    session.update(
        {
            "uid": user.id,
            "sv": user.session_version,
            "at": int(auth.now()),
            "ws": workspaces[0].id if workspaces else None,
            "n": secrets.token_urlsafe(12),  # a new cookie value even for the same user and second
        }
    )
    return _fresh_csrf(request, RedirectResponse(target, status_code=303))


@pages_router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form)
    identity = identity_of(request)
    if identity is not None and identity.local:
        return RedirectResponse("/", status_code=303)
    request.session.clear()
    return _fresh_csrf(request, RedirectResponse("/login", status_code=303))


@pages_router.get("/account", response_class=HTMLResponse)
def account(request: Request) -> HTMLResponse:
    """Your account: your workspaces with your role in each (switch to one; owners manage members)."""
    identity = _identity(request)
    auth = _auth(request)
    tokens = [] if identity.local else auth.accounts.tokens(identity.user.username)
    return render(request, "account.html", {"me": identity, "tokens": tokens})


@pages_router.post("/account/workspace")
async def switch_workspace(request: Request) -> Response:
    """Work in another of your workspaces (kept in the session); then its saved decisions."""
    form = await request.form()
    check_csrf(request, form)
    identity = _identity(request)
    raw = form.get("workspace")
    chosen = next((w for w in identity.workspaces if isinstance(raw, str) and str(w.id) == raw.strip()), None)
    if chosen is None:
        raise NotFoundError(
            f"workspace {str(raw)[:40]!r}: no workspace of yours has this id",
            [Problem("workspace", "expected one of your workspaces")],
        )
    if not identity.local:
        request.session["ws"] = chosen.id
    return RedirectResponse("/decisions", status_code=303)


def _owned(request: Request, workspace_id: int) -> Workspace:
    """The workspace when the user owns it (asked of the database, not the cache); 404 when they are not
    in it, 403 when they are but not as its owner."""
    identity = _identity(request)
    accounts = _auth(request).accounts
    role = accounts.role_of(identity.user.id, workspace_id) if 1 <= workspace_id <= WORKSPACE_ID_MAX else None
    if role is None:
        raise NotFoundError(f"workspace {workspace_id}: no workspace of yours has this id")
    if role != "owner":
        raise ForbiddenError(
            f"workspace: your role here is {role}; only an owner manages members",
            [Problem("workspace", "expected the owner role")],
        )
    return accounts.workspace(workspace_id).model_copy(update={"role": role})


def _members_page(
    request: Request,
    workspace: Workspace,
    *,
    error: SeamlineError | None = None,
    notice: str = "",
    status: int = 200,
) -> HTMLResponse:
    members = _auth(request).accounts.members(workspace.id)
    ctx: dict[str, Any] = {
        "workspace": workspace,
        "members": members,
        "roles": ROLES,
        "error": error,
        "notice": notice,
        "me": _identity(request),
    }
    return render(request, "members.html", ctx, status_code=status)


async def _refused(request: Request, workspace: Workspace, exc: SeamlineError) -> HTMLResponse:
    """The members page again, saying why a change was refused (no such user, the last owner...)."""
    status = 404 if isinstance(exc, NotFoundError) else int(getattr(exc, "status", 400))
    return await run_in_threadpool(
        functools.partial(_members_page, request, workspace, error=exc, status=status)
    )


@pages_router.get("/workspaces/{workspace_id}/members", response_class=HTMLResponse)
def members(request: Request, workspace_id: int, done: str = "") -> HTMLResponse:
    """A workspace's members and their roles (owners only): add one by username, change a role, remove."""
    notice = {"added": "Saved.", "removed": "Removed."}.get(done, "")
    return _members_page(request, _owned(request, workspace_id), notice=notice)


@pages_router.post("/workspaces/{workspace_id}/members", response_class=HTMLResponse)
async def grant(request: Request, workspace_id: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    username, role = form.get("username"), form.get("role")
    workspace = await run_in_threadpool(_owned, request, workspace_id)
    try:
        await run_in_threadpool(
            _auth(request).accounts.grant,
            workspace.id,
            username.strip() if isinstance(username, str) else "",
            role if isinstance(role, str) else "",
        )
    except SeamlineError as exc:
        return await _refused(request, workspace, exc)
    return RedirectResponse(f"/workspaces/{workspace.id}/members?done=added", status_code=303)


@pages_router.post("/workspaces/{workspace_id}/members/remove", response_class=HTMLResponse)
async def remove(request: Request, workspace_id: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    username = form.get("username")
    workspace = await run_in_threadpool(_owned, request, workspace_id)
    try:
        await run_in_threadpool(
            _auth(request).accounts.revoke, workspace.id, username if isinstance(username, str) else ""
        )
    except SeamlineError as exc:
        return await _refused(request, workspace, exc)
    return RedirectResponse(f"/workspaces/{workspace.id}/members?done=removed", status_code=303)
