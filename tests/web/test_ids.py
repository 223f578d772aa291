"""Every id route, API and pages: an id no decision can have is 404, a non-integer is 422, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.helpers import token

HUGE = ["0", "-1", "2147483648", "9223372036854775807", "9223372036854775808", "1" + "0" * 40]

API = [
    ("GET", "/api/v1/decisions/{id}", None),
    ("PATCH", "/api/v1/decisions/{id}", {"name": "x"}),
    ("DELETE", "/api/v1/decisions/{id}", None),
    ("POST", "/api/v1/decisions/{id}/duplicate", None),
    ("GET", "/api/v1/decisions/{id}/report", None),
    ("POST", "/api/v1/decisions/{id}/contract", {"text": "The supplier provides engineers."}),
    ("DELETE", "/api/v1/decisions/{id}/contract", None),
]
PAGES = [
    ("GET", "/decisions/{id}"),
    ("GET", "/decisions/{id}/edit"),
    ("POST", "/decisions/{id}"),
    ("POST", "/decisions/{id}/rename"),
    ("POST", "/decisions/{id}/duplicate"),
    ("GET", "/decisions/{id}/delete"),
    ("POST", "/decisions/{id}/delete"),
    ("GET", "/decisions/{id}/report.md"),
    ("GET", "/compare?a={id}&b={id}"),
]


def _api(client: Any, method: str, path: str, body: Any) -> Any:
    return client.request(method, path, json=body) if body is not None else client.request(method, path)


@pytest.mark.parametrize("bad", HUGE)
def test_api_id_routes_answer_404_for_an_id_out_of_range(client: Any, bad: str) -> None:
    for method, path, body in API:
        r = _api(client, method, path.format(id=bad), body)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:300])
        assert "no saved decision" in r.json()["message"]


@pytest.mark.parametrize("bad", ["abc", "1.5", "1e3", "%20"])
def test_api_id_routes_answer_422_for_a_non_integer(client: Any, bad: str) -> None:
    for method, path, body in API:
        r = _api(client, method, path.format(id=bad), body)
        assert r.status_code == 422, (method, path, r.status_code, r.text[:300])


@pytest.mark.parametrize("bad", HUGE)
def test_page_id_routes_answer_404_for_an_id_out_of_range(client: Any, bad: str) -> None:
    csrf = token(client)
    for method, path in PAGES:
        url = path.format(id=bad)
        r = client.post(url, data={"csrf_token": csrf, "name": "x"}) if method == "POST" else client.get(url)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:300])
    r = client.post("/contracts", data={"csrf_token": csrf, "decision": bad})
    assert r.status_code == 404, r.text[:300]


@pytest.mark.parametrize("bad", ["abc", "1.5"])
def test_page_id_routes_answer_422_for_a_non_integer(client: Any, bad: str) -> None:
    csrf = token(client)
    for method, path in PAGES:
        url = path.format(id=bad)
        r = client.post(url, data={"csrf_token": csrf, "name": "x"}) if method == "POST" else client.get(url)
        assert r.status_code == 422, (method, path, r.status_code, r.text[:300])
    r = client.post("/contracts", data={"csrf_token": csrf, "decision": bad})
    assert r.status_code == 422, r.text[:300]
