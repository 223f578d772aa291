"""``seamline serve`` runs uvicorn with an h11 protocol that turns Nagle's algorithm off on every connection.

With several server processes uvicorn opens the listening socket itself (without naming TCP as its
protocol), and asyncio then leaves Nagle's algorithm on for the accepted connections: a response's body
waited for the client's delayed acknowledgement of its head, 44 ms per request on a kept-alive connection.
The test serves on such a socket, as uvicorn's workers do, and reads the option on the server's side.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from seamline.web.serving import HTTP_PROTOCOL, NoDelayH11Protocol


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _nodelay_on_the_server_side(protocol: type[H11Protocol]) -> int:
    config = uvicorn.Config(_app, http=protocol, log_level="critical")
    config.load()
    state = ServerState()

    async def run() -> int:
        listening = socket.socket(socket.AF_INET)  # as uvicorn's Config.bind_socket makes it for workers
        listening.bind(("127.0.0.1", 0))
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: protocol(config, state, {}), sock=listening)
        try:
            reader, writer = await asyncio.open_connection(*listening.getsockname())
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            await writer.drain()
            assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 200")
            (connection,) = state.connections
            sock = connection.transport.get_extra_info("socket")
            value = int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()
            return value
        finally:
            server.close()
            for connection in list(state.connections):
                connection.shutdown()

    return asyncio.run(run())


def test_uvicorn_alone_leaves_nagle_on_for_its_workers_socket() -> None:
    """The cause: a plain h11 protocol on a socket made as uvicorn makes it for workers."""
    assert _nodelay_on_the_server_side(H11Protocol) == 0


def test_the_served_protocol_turns_nagle_off() -> None:
    assert _nodelay_on_the_server_side(NoDelayH11Protocol) == 1


def test_serve_uses_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """``seamline serve`` passes the protocol to uvicorn, with one process and with several."""
    from typer.testing import CliRunner

    from seamline.cli import app
    from seamline.settings import SETTINGS_ENV

    monkeypatch.setenv(SETTINGS_ENV, "")  # serve --workers sets it for its workers: put back afterwards
    monkeypatch.delenv(SETTINGS_ENV)
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    for extra in ([], ["--workers", "2"]):
        result = CliRunner().invoke(
            app,
            [
                "serve",
                "--no-examples",
                "--port",
                port,
                "--database-url",
                f"sqlite:///{tmp_path / 'a.db'}",
                *extra,
            ],
        )
        assert result.exit_code == 0, result.output
    assert [c["http"] for c in calls] == [HTTP_PROTOCOL, HTTP_PROTOCOL]
    assert calls[1]["workers"] == 2
