"""Helpers shared by the web tests (imported by path-free name via conftest-less import)."""

from __future__ import annotations

import re
from typing import Any

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def token(client: Any, page: str = "/") -> str:
    r = client.get(page)
    assert r.status_code == 200
    m = TOKEN.search(r.text)
    assert m, "the page has no CSRF field"
    return m.group(1)


def form_of(situation: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in situation.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                out[f"{key}.{sub}"] = str(v).lower() if isinstance(v, bool) else str(v)
        else:
            out[key] = str(value)
    return out
