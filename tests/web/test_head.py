"""``HEAD`` on every GET route (read from ``app.routes``): the status and headers of ``GET``, no body."""

from __future__ import annotations

from typing import Any

from tests.web.helpers import token
from tests.web.routes_of import fill, get_routes, known_ids

# Headers that may differ between two requests for the same thing.
VARYING = {"date", "set-cookie", "content-length", "etag", "last-modified"}


def _json(client: Any, path: str) -> tuple[int, Any]:
    r = client.get(path)
    return r.status_code, (
        r.json() if r.headers.get("content-type", "").startswith("application/json") else None
    )


def test_head_answers_like_get_on_every_get_route(client: Any, situation: dict[str, Any]) -> None:
    saved = client.post("/api/v1/decisions", json={"situation": situation, "name": "Head check"})
    assert saved.status_code == 201, saved.text
    ids = known_ids(lambda p: _json(client, p), get_routes(client.app))
    assert ids["decision_id"] == saved.json()["id"]
    routes = get_routes(client.app)
    assert {"/", "/decisions", "/docs", "/decisions/{decision_id}"} <= set(routes)
    token(client)  # the session's CSRF cookie, so GET and HEAD are asked by the same visitor
    checked = 0
    for template in routes:
        path = fill(template, ids)
        get = client.get(path, follow_redirects=False)
        head = client.head(path, follow_redirects=False)
        assert head.status_code == get.status_code, (path, head.status_code, get.status_code)
        assert head.content == b"", path
        same = {k: v for k, v in get.headers.items() if k not in VARYING}
        assert {k: v for k, v in head.headers.items() if k not in VARYING} == same, path
        if "content-length" in get.headers and path.endswith((".md", "/docs")):
            assert head.headers["content-length"] == get.headers["content-length"], path
        checked += get.status_code == 200
    assert checked >= 10


def test_head_on_static_files_and_unknown_paths(client: Any) -> None:
    assert client.head("/static/app.css").status_code == 200
    assert client.head("/static/app.css").content == b""
    assert client.head("/no/such/page").status_code == 404
    refused = client.head("/api/v1/decisions/1/restore")  # a POST-only path: still not allowed
    assert refused.status_code in (404, 405)
    allow = client.post("/", headers={"Origin": "http://testserver"}).headers.get("allow", "")
    assert "HEAD" in allow or client.post("/").status_code != 405
