"""Templates and error pages: the bottom of the web shell (routes and the app depend on it, never back).

``make_templates`` builds the Jinja environment once per app; ``render`` draws a page with the session's
CSRF token; ``error_response`` turns a :class:`SeamlineError` into the API's error body under ``/api/``
or a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from seamline import __version__
from seamline.errors import SeamlineError
from seamline.web.openapi import error_body
from seamline.web.security import csrf_token, set_csrf_cookie

TEMPLATES = Path(__file__).with_name("templates")


def make_templates() -> Jinja2Templates:
    """The app's Jinja environment with its filters (money, pct) and globals (version)."""
    from seamline.charts.format import money

    templates = Jinja2Templates(directory=str(TEMPLATES))
    templates.env.filters["money"] = money
    templates.env.filters["pct"] = lambda v: f"{100 * float(v):.0f}%"
    templates.env.globals["version"] = __version__
    return templates


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """A page with the CSRF token in its context and cookie, and who is asking (``identity``: None on the
    login page; ``can_edit``: whether to show the buttons that change decisions)."""
    app = request.app
    identity = getattr(request.state, "identity", None)
    ctx = {
        "csrf_token": csrf_token(request),
        "service": app.state.service,
        "identity": identity,
        "can_edit": bool(identity is not None and identity.can_edit),
        **context,
    }
    templates = app.state.templates
    response: HTMLResponse = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    set_csrf_cookie(request, response, app.state.settings.secure_cookies)
    return response


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(
    request: Request, exc: SeamlineError, status: int, headers: Mapping[str, str] | None = None
) -> Response:
    """The API's one error body (:func:`seamline.web.openapi.error_body`) under ``/api/``; an htmx
    fragment or an error page elsewhere. ``headers`` go with it (``Allow`` on a 405)."""
    if is_api(request):
        return JSONResponse(error_body(exc, status), status_code=status, headers=headers)
    if request.headers.get("hx-request") == "true":
        response = render(request, "_error.html", {"error": exc}, status_code=200 if status < 500 else status)
    else:
        response = render(request, "error.html", {"error": exc, "status": status}, status_code=status)
    response.headers.update(headers or {})
    return response
