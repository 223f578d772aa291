"""How ``seamline serve`` runs the app under uvicorn: the HTTP protocol and its settings.

uvicorn writes a response's head and body in two writes. With several server processes
(``serve --workers N``) uvicorn opens the listening socket itself, without naming TCP as its protocol, and
asyncio then leaves Nagle's algorithm on for the connections it accepts: the body waits for the client to
acknowledge the head, which a client delays by up to 40 ms (delayed ACK). Every request on a kept-alive
connection took 44 ms however little work it was (1.7 ms with one process). :class:`NoDelayH11Protocol`
turns Nagle's algorithm off on each connection, as asyncio does for the sockets it opens itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

HTTP_PROTOCOL = "seamline.web.serving:NoDelayH11Protocol"  # uvicorn's ``http=`` (an import string)


class NoDelayH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with ``TCP_NODELAY`` set on every TCP connection it serves."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):  # not a TCP socket after all: nothing to turn off
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
