"""Every GET route of the app, read from ``app.routes`` (so a page added later is covered without a change
here), with its path parameters filled from real records where one exists."""

from __future__ import annotations

import re
from typing import Any

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def get_routes(app: Any) -> list[str]:
    """Path templates of every route that answers GET (included routers too), in the app's order."""
    from fastapi.routing import iter_route_contexts

    seen: list[str] = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if "GET" in (getattr(route, "methods", None) or ()) and path not in seen:
            seen.append(path)
    return seen


def first_id(payload: Any) -> int | None:
    """The first ``id`` in a list answer of the API (``{"decisions": [{"id": 3}, ...]}`` or a list)."""
    if isinstance(payload, list):
        items: list[Any] = payload
    elif isinstance(payload, dict):
        items = next((v for v in payload.values() if isinstance(v, list)), [])
    else:
        items = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), int):
            return int(item["id"])
    return None


def fill(path: str, ids: dict[str, Any]) -> str:
    """The path with each parameter set: a known id, the report format ``md``, version 1, else 1."""
    defaults = {"fmt": "md", "version": "1"}
    return PARAM.sub(lambda m: str(ids.get(m.group(1), defaults.get(m.group(1), "1"))), path)


def known_ids(get: Any, templates: list[str] | None = None) -> dict[str, Any]:
    """Ids of real records, read through the API with ``get(path) -> (status, json)``: for each
    ``{thing_id}`` in ``templates`` (and decisions, vendors and portfolios), the first of
    ``/api/v1/things``; the workspace from ``/api/v1/me``."""
    params = {"decision_id", "vendor_id", "portfolio_id"}
    for template in templates or ():
        params |= {p for p in PARAM.findall(template) if p.endswith("_id") and p != "workspace_id"}
    ids: dict[str, Any] = {}
    for param in sorted(params):
        status, body = get(f"/api/v1/{param[: -len('_id')]}s")
        found = first_id(body) if status == 200 else None
        if found is not None:
            ids[param] = found
    status, me = get("/api/v1/me")
    if status == 200:
        workspace = me.get("workspace") or {}
        if isinstance(workspace, dict) and workspace.get("id") is not None:
            ids["workspace_id"] = workspace["id"]
    return ids
