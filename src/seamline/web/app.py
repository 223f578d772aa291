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
from seamline.web.jobs import JobPool
from seamline.web.security import CsrfError
from seamline.web.service import Service
from seamline.web.templating import error_response, make_templates

HERE = Path(__file__).parent
log = logging.getLogger("seamline.web")


def status_of(exc: SeamlineError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, CsrfError):
        return 403
    return int(getattr(exc, "status", 400))


def create_app(settings: Settings | None = None) -> FastAPI:
    """A ready app: database migrated, examples loaded on first run, routes and static files mounted."""
    from seamline.web.routes import api, contracts, history, pages

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
    app.add_middleware(SecurityHeaders)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(contracts.router)
    app.include_router(history.api_router)
    app.include_router(history.pages_router)
    _error_handlers(app)
    return app


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
]


class SecurityHeaders:
    """Pure ASGI middleware adding the same safety headers to every response (cheap: no body copying)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SeamlineError)
    async def seamline_error(request: Request, exc: SeamlineError) -> Response:
        return error_response(request, exc, status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem(".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body", str(e.get("msg")))
            for e in exc.errors()
        ]
        err = SeamlineError(f"request: {len(problems)} problem(s) in the request", problems)
        return error_response(request, err, 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        text = str(exc.detail) if exc.status_code != 404 else f"{request.url.path}: no such page"
        return error_response(request, SeamlineError(text), exc.status_code)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        err = SeamlineError(f"internal error ({type(exc).__name__}); the details are in the server log")
        return error_response(request, err, 500)


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
