"""The FastAPI application factory: ``create_app(settings)`` builds the engine, migrates, loads examples.

Nothing is created at import time. Errors never show a stack trace: a :class:`SeamlineError` becomes a
4xx (a JSON body under ``/api/v1``, an error page elsewhere), anything else a plain 500.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from seamline import __version__
from seamline.errors import Problem, SeamlineError
from seamline.settings import Settings
from seamline.store import DecisionStore, NotFoundError, open_store
from seamline.web.head import HeadAsGet
from seamline.web.jobs import JobPool
from seamline.web.security import CsrfError
from seamline.web.service import Service
from seamline.web.templating import error_response, is_api, make_templates

HERE = Path(__file__).parent
log = logging.getLogger("seamline.web")


def status_of(exc: SeamlineError, api: bool = False) -> int:
    """The error's HTTP status: its class's ``status``; else, under ``/api/``, 422 (a well-formed request
    with a value that cannot be used: the same status for that fault on every route), or 400 on a page."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, CsrfError):
        return 403
    return int(getattr(exc, "status", 422 if api else 400))


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready app: database migrated, examples loaded on first run, routes and static files mounted."""
    from seamline.web import auth
    from seamline.web.routes import accounts, api, assumptions, contracts, history, pages
    from seamline.web.routes import audits as audit_routes
    from seamline.web.routes import portfolio as portfolio_routes
    from seamline.web.routes import vendors as vendor_routes

    settings = settings or Settings.from_env()
    store = open_store(settings.database_url, schema=settings.database_schema, trash_days=settings.trash_days)
    service = Service(settings)
    if settings.load_examples:
        load_examples(store, service, settings)
    app = FastAPI(
        title="seamline",
        version=__version__,
        description="Decide how to buy external engineering capacity, cost it, and check the contract.",
        docs_url=None,  # FastAPI's Swagger page loads its assets from a CDN; /docs is served offline instead
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=_lifespan,
    )
    templates = make_templates()
    app.state.settings = settings
    app.state.store = store
    app.state.service = service
    app.state.templates = templates
    app.state.jobs = JobPool(settings.job_workers, settings.job_time_limit_s, settings.job_memory_mb)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    auth.install(app, store, settings)  # hosts, cross-origin writes, sessions, who is asking
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)  # outermost: HEAD runs as GET through every check, the body dropped
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(contracts.router)
    app.include_router(assumptions.api_router)
    app.include_router(assumptions.pages_router)
    app.include_router(history.api_router)
    app.include_router(history.pages_router)
    app.include_router(accounts.api_router)
    app.include_router(accounts.pages_router)
    app.include_router(vendor_routes.api_router)
    app.include_router(vendor_routes.pages_router)
    app.include_router(portfolio_routes.api_router)
    app.include_router(portfolio_routes.pages_router)
    app.include_router(audit_routes.api_router)
    app.include_router(audit_routes.pages_router)
    _error_handlers(app)
    _spec(app, service)
    return app


def _spec(app: FastAPI, service: Service) -> None:
    """The OpenAPI spec with the situation's own schema and the knowledge base's ids (models, criteria)."""
    from seamline.web import api_models, openapi

    kb = service.kb
    openapi.install(app, lambda: api_models.components(list(kb.models), list(kb.criterion_ids)))


def app_from_env() -> FastAPI:
    """The app for ``uvicorn --factory`` (``seamline serve --workers N``): settings from the environment
    (``SEAMLINE_SETTINGS``, set by ``serve``, carries all of them to every worker process)."""
    return create_app(Settings.from_env())


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Purge old trash in the background (now, then hourly); shut the job pool's worker processes down
    with the app (the pool itself starts on its first job)."""
    from seamline.web import housekeeping

    purging = housekeeping.start(app.state.store, app.state)
    try:
        yield
    finally:
        await housekeeping.stop(purging)
        app.state.jobs.shutdown()


HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
        b"hid=(), midi=(), display-capture=()",
    ),
]
NO_STORE = (b"cache-control", b"no-store")  # pages and API answers carry decisions and account data


class SecurityHeaders:
    """Pure ASGI middleware adding the same safety headers to every response (cheap: no body copying),
    and ``Cache-Control: no-store`` to every response but the static files' (which keep caching) and
    those that set their own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *HEADERS]
                if not static and all(k.lower() != b"cache-control" for k, _ in headers):
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SeamlineError)
    async def seamline_error(request: Request, exc: SeamlineError) -> Response:
        if is_api(request) and isinstance(exc, NotFoundError) and len(request.path_params) == 1:
            exc.field = next(iter(request.path_params))  # type: ignore[attr-defined]  # the id at fault
        return error_response(request, exc, status_of(exc, is_api(request)))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):  # FastAPI's own parse: 400 as everywhere
            err = SeamlineError("body: not JSON", [Problem("body", "expected a JSON object")])
            return error_response(request, err, 400)
        problems = [_validation_problem(e) for e in errors]
        first = problems[0] if problems else Problem("request", "not valid")
        noun = "problem" if len(problems) == 1 else "problems"
        text = str(first) if len(problems) == 1 else f"request: {len(problems)} {noun}"
        err = SeamlineError(text, problems)
        return error_response(request, err, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        api = is_api(request)
        if exc.status_code == 404:
            text = f"{request.url.path}: no such {'API path' if api else 'page'}"
        elif exc.status_code == 405:
            allowed = allowed_methods(request)
            text = f"{request.method} {request.url.path}: method not allowed; allowed: {allowed or 'none'}"
            return error_response(
                request, SeamlineError(text), 405, {**(exc.headers or {}), "Allow": allowed}
            )
        else:
            text = str(exc.detail)
        return error_response(request, SeamlineError(text), exc.status_code, exc.headers)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        err = SeamlineError(f"internal error ({type(exc).__name__}); the details are in the server log")
        return error_response(request, err, 500)


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (Starlette's 405 names only the first such route's)."""
    from starlette.routing import Match

    methods = set()
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.routes):
            methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")  # answered by HeadAsGet
    return ", ".join(sorted(methods))


def _validation_problem(err: Any) -> Problem:
    """One of FastAPI's validation errors as a problem named by its field (``query.trials``)."""
    loc = [str(p) for p in err.get("loc", ()) if p != "body"]
    where = ".".join(loc) or "body"
    kind, ctx, value = err.get("type", ""), err.get("ctx") or {}, err.get("input")
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = "at least" if kind == "greater_than_equal" else "at most"
        return Problem(where, f"got {value}; expected {bound} {ctx.get('ge', ctx.get('le'))}")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return Problem(where, f"got {value!r}; expected a whole number")
    if kind == "missing":
        return Problem(where, "required field is missing")
    return Problem(where, str(err.get("msg", "not valid")))


def load_examples(store: DecisionStore, service: Service, settings: Settings) -> int:
    """Save each example situation once (first run only); files that are not situations are skipped.

    Idempotent: every example and the "loaded" flag are saved in one transaction, so a server killed
    while loading leaves nothing behind and the next start loads each example exactly once.
    """
    from seamline.yamlio import read_data_file

    if store.meta("examples_loaded") or settings.examples_dir is None:
        return 0
    decisions: list[dict[str, Any]] = []
    for path in sorted(settings.examples_dir.glob("*.yaml")):
        try:
            situation = service.parse(read_data_file(path), str(path))
        except SeamlineError:
            continue  # a portfolio or vendor example, not a situation
        outputs = service.outputs(situation)
        rec = outputs["recommendation"]
        decisions.append(
            {
                "name": situation.name,
                "situation": situation.model_dump(mode="json", exclude_none=True),
                "knowledge_version": service.kb.version,
                "status": rec["status"],
                "top_model": rec["recommended"],
                "outputs": outputs,
            }
        )
    return store.create_once("examples_loaded", decisions) or 0
