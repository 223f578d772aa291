"""``HEAD`` answered wherever ``GET`` is: the same status and headers, no body (RFC 9110, 9.3.2).

FastAPI's routes take only the methods they declare, so ``HEAD /`` was a 405. This ASGI middleware runs
a ``HEAD`` request as ``GET`` and drops the body it sends, leaving ``content-length`` as the ``GET``
would have it. A path with no ``GET`` still answers 404 or 405 as before.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
