"""The favicon: an SVG served by the app and linked from every page (no request to anywhere else)."""

from __future__ import annotations

from typing import Any


def test_favicon_is_served_as_svg_and_linked_from_pages(client: Any) -> None:
    r = client.get("/static/favicon.svg")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.lstrip().startswith("<svg")
    for page in ("/", "/decisions", "/compare"):
        html = client.get(page).text
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
