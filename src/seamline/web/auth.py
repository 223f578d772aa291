"""Who is asking, on every request: the local user, a signed-in user (session cookie) or a script (API
token); in which workspace, with which role.

One pure ASGI middleware, :class:`Authenticate`, runs before every route (pages, API, routes added later:
nothing needs to remember to ask for it) and sets ``request.state.identity``, ``.user``, ``.workspace``,
``.role`` and ``.decisions`` (the :class:`DecisionStore` of that workspace, acting as that user with that
role). Routes read the store through :func:`decisions_of`, which fails closed when the middleware did not
run. Two modes, read from the database (so a user added by the CLI counts within
:data:`CACHE_SECONDS`, without a restart):

- **local**: no accounts exist (:meth:`AccountStore.has_accounts`) and the server listens on a loopback
  address: every request is the user "local", owner of workspace 1, with no login. Nothing is read from
  the database per request: whether accounts exist is cached for :data:`CACHE_SECONDS`. With no
  accounts on any other address every request is refused (503): ``seamline serve`` refuses to start so.
- **accounts**: pages need a login (a redirect to ``/login?next=...``); the API a session cookie or
  ``Authorization: Bearer <token>`` (401 with ``WWW-Authenticate: Bearer`` otherwise). A session holds
  the user's id, their ``session_version`` (a password change or disabling the user bumps it: every
  older session dies) and when it began (:attr:`Settings.session_hours` at most); the user and their
  memberships are read again at most every :data:`CACHE_SECONDS`.

The workspace: ``X-Seamline-Workspace: <id>``, else the one chosen in the session (the header's
switcher), else the user's first by name. A workspace the user is not a member of is "not found" (404),
like another workspace's decision. A viewer's write to a decision is refused here (403) before its body
is read; the store refuses it anyway.

Failed logins are counted in memory, per server process (:class:`LoginLimiter`): a restart forgets them,
and with ``--workers N`` each process counts its own.
"""

from __future__ import annotations

import hashlib
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote, urlsplit

from anyio import to_thread

from seamline.errors import Problem, SeamlineError
from seamline.settings import Settings
from seamline.store import (
    LOCAL_USER_ID,
    LOCAL_WORKSPACE_ID,
    AccountStore,
    DecisionStore,
    ForbiddenError,
    NotFoundError,
    User,
    Workspace,
)
from seamline.store.accounts import token_digest
from seamline.web.security import UNSAFE_METHODS, is_loopback

CACHE_SECONDS = 2.0  # how long whether accounts exist, a user and their memberships are taken as read
SESSION_COOKIE = "seamline_session"
WORKSPACE_HEADER = "X-Seamline-Workspace"
PUBLIC_PATHS = frozenset({"/login"})  # answered without a login (static files never need one)
# writes to decisions (the trash's restore included): refused for a viewer before the body is read
DECISION_WRITE = re.compile(r"/(?:api/v1/)?(?:decisions|trash)(?:/|$)")
# Failed logins: NIST SP 800-63B section 5.2.2 requires limiting consecutive failed attempts on an account
# to no more than 100; a person mistyping needs far fewer than the per-name figure here.
LOGIN_ATTEMPTS = 10  # failures per username and address within the window
LOGIN_ATTEMPTS_PER_ADDRESS = 100  # failures per address, whatever the usernames tried
LOGIN_WINDOW_S = 15 * 60
LIMITER_KEYS_MAX = 10_000  # the oldest counts are dropped beyond this (memory stays bounded)
_HEADERS = frozenset({b"authorization", b"x-seamline-workspace", b"hx-request"})


class NotSignedIn(SeamlineError):
    """No session, an expired one, or an API token that is unknown, revoked or its user disabled."""

    status = 401
    code = "unauthorized"


class NoAccounts(SeamlineError):
    """The server listens on a non-loopback address but nobody can log in: it answers nobody."""

    status = 503
    code = "no_accounts"


class NoWorkspace(ForbiddenError):
    """A signed-in user who is a member of no workspace asked for decisions."""

    code = "no_workspace"


class TooManyAttempts(SeamlineError):
    """Too many failed logins for this username from this address: wait before trying again."""

    status = 429
    code = "too_many_requests"


@dataclass(frozen=True)
class Identity:
    """Who is asking (``via`` local, session or token), in which workspace, with which role."""

    user: User
    workspace: Workspace | None
    role: str | None
    workspaces: tuple[Workspace, ...]
    via: str

    @property
    def local(self) -> bool:
        return self.via == "local"

    @property
    def can_edit(self) -> bool:
        return self.role in ("owner", "editor")

    @cached_property
    def fingerprint(self) -> str:
        """Everything a page's header and buttons depend on, hashed: part of a cached page's key."""
        parts = [self.via, str(self.user.id), self.user.display_name, str(self.role)]
        parts.append(str(self.workspace.id) if self.workspace else "-")
        parts += [f"{w.id}/{w.name}/{w.role}" for w in self.workspaces]
        return hashlib.blake2b("\x00".join(parts).encode(), digest_size=12).hexdigest()

    def to_json(self) -> dict[str, Any]:
        def ws(w: Workspace) -> dict[str, Any]:
            return {"id": w.id, "name": w.name, "role": w.role}

        return {
            "user": {
                "id": self.user.id,
                "username": self.user.username,
                "display_name": self.user.display_name,
            },
            "mode": "local" if self.local else "accounts",
            "via": self.via,
            "workspace": ws(self.workspace) if self.workspace else None,
            "role": self.role,
            "can_edit": self.can_edit,
            "workspaces": [ws(w) for w in self.workspaces],
        }


class LoginLimiter:
    """Failed logins within the last :data:`LOGIN_WINDOW_S` seconds, per username and address and per
    address: past :data:`LOGIN_ATTEMPTS` (or :data:`LOGIN_ATTEMPTS_PER_ADDRESS`) further attempts are
    refused until the oldest failure leaves the window. In memory, per process."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        attempts: int = LOGIN_ATTEMPTS,
        per_address: int = LOGIN_ATTEMPTS_PER_ADDRESS,
        window_s: float = LOGIN_WINDOW_S,
    ) -> None:
        self.clock = clock
        self.attempts = attempts
        self.per_address = per_address
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}

    def _keys(self, username: str, address: str) -> list[tuple[str, int]]:
        pair = f"u\x00{username.lower()}\x00{address}"
        return [(pair, self.attempts), (f"a\x00{address}", self.per_address)]

    def wait(self, username: str, address: str) -> float:
        """Seconds until another attempt is let through (0: now)."""
        now = self.clock()
        longest = 0.0
        for key, limit in self._keys(username, address):
            times = self._failures.get(key)
            if not times:
                continue
            while times and times[0] <= now - self.window_s:
                times.popleft()
            if len(times) >= limit:
                longest = max(longest, times[0] + self.window_s - now)
        return longest

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        for key, limit in self._keys(username, address):
            times = self._failures.pop(key, None) or deque(maxlen=limit)
            times.append(now)
            self._failures[key] = times  # re-inserted: the dict's order is the order of last use
        while len(self._failures) > LIMITER_KEYS_MAX:
            self._failures.pop(next(iter(self._failures)))

    def succeeded(self, username: str, address: str) -> None:
        self._failures.pop(self._keys(username, address)[0][0], None)


class Auth:
    """The app's accounts state (``app.state.auth``): the mode, the caches, the login limiter."""

    def __init__(
        self,
        store: DecisionStore,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.store = store  # workspace 1 as the local user: what local mode uses
        self.accounts = AccountStore(store.engine)
        self.local_server = is_loopback(settings.host)
        self.session_seconds = settings.session_hours * 3600
        self.clock = clock  # for the caches (monotonic)
        self.now = now  # for session ages (wall clock: a session outlives the process)
        self.ttl = CACHE_SECONDS
        self.limiter = LoginLimiter(clock)
        self._accounts_until = -math.inf
        self._has_accounts = False
        self._users: dict[int, tuple[float, User | None, tuple[Workspace, ...]]] = {}
        self._tokens: dict[str, tuple[float, int | None]] = {}
        local = self.accounts.user_by_id(LOCAL_USER_ID)
        if local is None:  # pragma: no cover - the migration creates it
            raise SeamlineError("database: the local user is missing; run the migrations again")
        home = self.accounts.workspace(LOCAL_WORKSPACE_ID).model_copy(update={"role": "owner"})
        self.local = Identity(local, home, "owner", (home,), "local")

    def forget(self) -> None:
        """Drop every cached answer (the next request reads the database)."""
        self._accounts_until = -math.inf
        self._users.clear()
        self._tokens.clear()

    async def has_accounts(self, *, fresh: bool = False) -> bool:
        if fresh or self.clock() >= self._accounts_until:
            self._has_accounts = await to_thread.run_sync(self.accounts.has_accounts)
            self._accounts_until = self.clock() + self.ttl
        return self._has_accounts

    async def user(self, user_id: int) -> tuple[User | None, tuple[Workspace, ...]]:
        """The user and their workspaces (with roles), read again every :data:`CACHE_SECONDS`."""
        cached = self._users.get(user_id)
        if cached is not None and self.clock() < cached[0]:
            return cached[1], cached[2]

        def read() -> tuple[User | None, tuple[Workspace, ...]]:
            found = self.accounts.user_by_id(user_id)
            return found, tuple(self.accounts.memberships(user_id)) if found else ()

        user, workspaces = await to_thread.run_sync(read)
        if len(self._users) > LIMITER_KEYS_MAX:
            self._users.clear()
        self._users[user_id] = (self.clock() + self.ttl, user, workspaces)
        return user, workspaces

    async def token_user(self, secret: str) -> int | None:
        digest = token_digest(secret)
        cached = self._tokens.get(digest)
        if cached is not None and self.clock() < cached[0]:
            return cached[1]
        user = await to_thread.run_sync(self.accounts.user_for_token, secret)
        if len(self._tokens) > LIMITER_KEYS_MAX:
            self._tokens.clear()
        self._tokens[digest] = (self.clock() + self.ttl, user.id if user else None)
        return user.id if user else None

    async def identify(self, scope: Any, headers: dict[bytes, bytes]) -> Identity | None:
        """Who is asking; None when nobody is signed in (accounts mode). Raises :class:`NotSignedIn` for a
        bad token, :class:`NotFoundError` for a workspace the user is not in, :class:`NoAccounts`."""
        authorization = headers.get(b"authorization")
        wanted = headers.get(b"x-seamline-workspace")
        accounts = await self.has_accounts()
        if not accounts and authorization is not None:  # a token may be newer than the cached answer
            accounts = await self.has_accounts(fresh=True)
        if not accounts:
            if not self.local_server:
                raise NoAccounts(
                    "server: no accounts exist, and this server listens on a network address; "
                    "add a user first (seamline users add USERNAME)"
                )
            if authorization is not None:
                raise _bad_token("no accounts exist on this server, so no token is valid")
            if wanted is not None and wanted.strip() != str(LOCAL_WORKSPACE_ID).encode():
                raise _no_workspace(wanted)
            return self.local
        session: Any = scope.get("session")
        if authorization is not None:
            scheme, _, secret = authorization.decode("latin-1").partition(" ")
            user_id = await self.token_user(secret.strip()) if scheme.lower() == "bearer" else None
            if user_id is None:
                raise _bad_token("expected Bearer and a live API token (seamline tokens add USER)")
            via = "token"
        else:
            user_id = session.get("uid") if session else None
            began = session.get("at") if session else None
            if not isinstance(user_id, int) or not isinstance(began, (int, float)):
                return None
            if not 0 <= self.now() - began <= self.session_seconds:
                session.clear()  # too old: the cookie is removed and a new login asked for
                return None
            via = "session"
        user, workspaces = await self.user(user_id)
        if user is None or user.disabled or not user.can_log_in:
            if via == "token":
                raise _bad_token("the token's user is disabled")
            session.clear()
            return None
        if via == "session" and session.get("sv") != user.session_version:
            session.clear()  # the password changed, or the user was disabled since this login
            return None
        workspace: Workspace | None = None
        if wanted is not None:
            workspace = next((w for w in workspaces if str(w.id).encode() == wanted.strip()), None)
            if workspace is None:
                raise _no_workspace(wanted)
        elif via == "session" and session.get("ws") is not None:
            workspace = next((w for w in workspaces if w.id == session.get("ws")), None)
        if workspace is None and workspaces:
            workspace = workspaces[0]
        return Identity(user, workspace, workspace.role if workspace else None, workspaces, via)


def _bad_token(why: str) -> NotSignedIn:
    return NotSignedIn(f"Authorization: {why}", [Problem("Authorization", "expected Bearer <API token>")])


def _no_workspace(wanted: bytes) -> NotFoundError:
    shown = wanted.decode("latin-1")[:40]
    return NotFoundError(
        f"{WORKSPACE_HEADER}: {shown!r}: no workspace of yours has this id",
        [Problem(WORKSPACE_HEADER, "expected the id of one of your workspaces (GET /api/v1/me)")],
    )


class Authenticate:
    """Pure ASGI middleware: sets who is asking on every request but static files, or answers for the
    route: a redirect to the login page, a 401, a 404 for a workspace that is not the user's, a 403 for a
    viewer's write. Inside :class:`starlette.middleware.sessions.SessionMiddleware` (it reads the session)."""

    def __init__(self, app: Any, auth: Auth) -> None:
        self.app = app
        self.auth = auth

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "websocket":  # none is served: one added later would skip the checks
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        headers = {k: v for k, v in scope["headers"] if k in _HEADERS}
        try:
            identity = await self.auth.identify(scope, headers)
        except SeamlineError as exc:
            await _refuse(scope, receive, send, exc)
            return
        path = scope["path"]
        state = scope.setdefault("state", {})
        if identity is None:
            if path not in PUBLIC_PATHS:
                await _ask_to_sign_in(scope, receive, send, headers)
                return
            state.update(identity=None, user=None, workspace=None, role=None, decisions=None)
        else:
            if identity.local:
                decisions: DecisionStore | None = self.auth.store
            elif identity.workspace is not None:
                assert identity.role is not None
                decisions = self.auth.store.scoped(
                    identity.workspace.id, user_id=identity.user.id, role=identity.role
                )
            else:
                decisions = None
            state.update(
                identity=identity,
                user=identity.user,
                workspace=identity.workspace,
                role=identity.role,
                decisions=decisions,
            )
            if scope["method"] in UNSAFE_METHODS and not identity.can_edit and DECISION_WRITE.match(path):
                await _refuse(scope, receive, send, _read_only(identity))
                return
        await self.app(scope, receive, send)


def _read_only(identity: Identity) -> ForbiddenError:
    if identity.workspace is None:
        return no_workspace_error()
    return ForbiddenError(
        f"workspace: your role in {identity.workspace.name!r} is {identity.role}; "
        "an editor or owner can change decisions",
        [Problem("workspace", "expected the editor or owner role")],
    )


def no_workspace_error() -> NoWorkspace:
    return NoWorkspace(
        "workspace: you are not a member of any workspace yet; ask a workspace owner to add you",
        [Problem("workspace", "expected a membership in a workspace")],
    )


async def _refuse(scope: Any, receive: Any, send: Any, exc: SeamlineError) -> None:
    from starlette.requests import Request

    from seamline.web.templating import error_response

    status = int(getattr(exc, "status", 400))
    response = error_response(Request(scope, receive), exc, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="seamline"'
    await response(scope, receive, send)


async def _ask_to_sign_in(scope: Any, receive: Any, send: Any, headers: dict[bytes, bytes]) -> None:
    """The API: 401 (``WWW-Authenticate: Bearer``); htmx: 401 with ``HX-Redirect`` to the login page;
    a page: 303 to ``/login?next=<this page>`` (a GET's own address; any other method's: none)."""
    from starlette.responses import RedirectResponse

    path: str = scope["path"]
    if path.startswith("/api/"):
        await _refuse(
            scope,
            receive,
            send,
            NotSignedIn(
                "request: sign in first: send Authorization: Bearer <API token> (seamline tokens add USER) "
                "or the session cookie of a login",
                [Problem("Authorization", "expected a session or an API token")],
            ),
        )
        return
    target = "/login"
    if scope["method"] in ("GET", "HEAD") and path != "/":
        query = scope.get("query_string", b"").decode("latin-1")
        target += "?next=" + quote(path + ("?" + query if query else ""), safe="")
    if headers.get(b"hx-request") == b"true":
        from starlette.responses import Response

        response: Any = Response(status_code=401, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    await response(scope, receive, send)


def safe_next(value: Any, default: str = "/") -> str:
    """``value`` when it is a path on this site (``/...``, no scheme, host or backslash); else ``default``.
    Keeps a login's ``next`` from sending the user to another site."""
    if not isinstance(value, str) or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(c) < 32 or ord(c) == 127 for c in value) or len(value) > 2000:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def decisions_of(request: Any) -> DecisionStore:
    """The request's workspace store (set by :class:`Authenticate`). Fails closed: a request the
    middleware did not see is an internal error, never the whole database; a user in no workspace is
    refused (403)."""
    try:
        store = request.state.decisions
    except AttributeError:
        raise RuntimeError("no identity on this request: the Authenticate middleware did not run") from None
    if store is None:
        raise no_workspace_error()
    if not isinstance(store, DecisionStore):  # pragma: no cover - only the middleware sets it
        raise RuntimeError("request.state.decisions is not a DecisionStore")
    return store


def identity_of(request: Any) -> Identity | None:
    """Who is asking (None on the login page when nobody is signed in)."""
    return getattr(request.state, "identity", None)


def install(app: Any, store: DecisionStore, settings: Settings) -> Auth:
    """Add the request-safety, session and authentication middleware to ``app`` (call it before the
    security-headers middleware, which stays outermost) and keep the :class:`Auth` in ``app.state.auth``.

    The session secret: ``settings.session_secret``, else one made once and kept in the database (so
    every ``--workers`` process and every restart signs alike)."""
    import secrets

    from starlette.middleware.sessions import SessionMiddleware

    from seamline.web.security import RequestSafety

    auth = Auth(store, settings)
    secret = settings.session_secret or store.meta_once("session_secret", secrets.token_urlsafe(48))
    app.state.auth = auth
    app.add_middleware(Authenticate, auth=auth)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(RequestSafety, settings=settings)
    return auth
