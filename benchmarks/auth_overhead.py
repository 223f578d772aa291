"""What asking "who is this?" costs per request: the request-safety (Host, Origin), session and
authentication middleware, timed at the ASGI level around an endpoint that does nothing.

Run: .venv/bin/python benchmarks/auth_overhead.py [--requests 20000] [--repeat 5]

Three cases: local mode (no accounts, loopback: no database read per request), a signed-in session and an
API token (accounts mode, the user and token caches warm, as between their two-second refreshes). GET and
POST (a POST also has its Origin checked). The median of ``--repeat`` runs, in microseconds per request,
wall time. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from starlette.middleware.sessions import SessionMiddleware

from seamline.settings import Settings
from seamline.store import AccountStore, open_store
from seamline.web.auth import SESSION_COOKIE, Auth, Authenticate
from seamline.web.security import RequestSafety

SECRET = "benchmark-" * 6
PASSWORD = "correct horse battery staple"


async def endpoint(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def send(message: Any) -> None:
    return None


def scope(method: str, extra: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench"), (b"accept", b"*/*"), *extra]
    if method == "POST":
        headers.append((b"origin", b"http://127.0.0.1:8000"))
    return {
        "type": "http",
        "method": method,
        "path": "/api/v1/decisions",
        "query_string": b"",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "headers": headers,
    }


async def per_request(app: Any, method: str, extra: list[tuple[bytes, bytes]], n: int) -> float:
    for _ in range(min(n, 500)):
        await app(scope(method, extra), receive, send)
    start = time.perf_counter()
    for _ in range(n):
        await app(scope(method, extra), receive, send)
    return (time.perf_counter() - start) / n * 1e6


def session_cookie(user_id: int, version: int) -> bytes:
    """A signed session cookie as a login sets it."""
    import json
    from base64 import b64encode

    import itsdangerous

    data = {"uid": user_id, "sv": version, "at": int(time.time()), "ws": None}
    signed = itsdangerous.TimestampSigner(SECRET).sign(b64encode(json.dumps(data).encode()))
    return SESSION_COOKIE.encode() + b"=" + signed


async def main(requests: int, repeat: int) -> None:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(database_url=f"sqlite:///{folder / 'bench.db'}", load_examples=False)
    store = open_store(settings.database_url)
    auth = Auth(store, settings)
    stack = RequestSafety(
        SessionMiddleware(Authenticate(endpoint, auth), secret_key=SECRET, session_cookie=SESSION_COOKIE),
        settings=settings,
    )
    accounts = AccountStore(store.engine)
    cases: list[tuple[str, list[tuple[bytes, bytes]]]] = [("local mode", [])]
    rows: list[tuple[str, str, float]] = []
    for label, extra in cases:
        for method in ("GET", "POST"):
            rows.append((label, method, await _median(stack, method, extra, requests, repeat)))
    alice = accounts.add_user("alice", PASSWORD)
    accounts.add_workspace("Alpha", owner=alice.id)
    secret = accounts.create_token("alice", "benchmark")[1]
    auth.forget()
    auth.ttl = 3600.0  # the caches stay warm for the whole run (in service they refresh every 2 s)
    signed = [("session", [(b"cookie", session_cookie(alice.id, alice.session_version))])]
    signed.append(("API token", [(b"authorization", f"Bearer {secret}".encode())]))
    for label, extra in signed:
        for method in ("GET", "POST"):
            rows.append((label, method, await _median(stack, method, extra, requests, repeat)))
    bare = {m: await _median(endpoint, m, [], requests, repeat) for m in ("GET", "POST")}
    print(f"{requests} requests x {repeat} runs, median; the endpoint alone: GET {bare['GET']:.1f} us")
    for label, method, micros in rows:
        print(f"  {label:<11} {method:<5} {micros:6.1f} us per request ({micros - bare[method]:+.1f} us)")
    store.engine.dispose()


async def _median(app: Any, method: str, extra: list[tuple[bytes, bytes]], n: int, repeat: int) -> float:
    return statistics.median([await per_request(app, method, extra, n) for _ in range(repeat)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.repeat))
