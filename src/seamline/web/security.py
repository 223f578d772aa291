"""CSRF tokens for form posts, and upload checks (size, extension and content sniffing)."""

from __future__ import annotations

import hmac
import io
import secrets
import zipfile
from collections.abc import Mapping
from typing import Any

from fastapi import Request, Response

from seamline.errors import DocumentError, Problem, SeamlineError

CSRF_COOKIE = "seamline_csrf"
CSRF_FIELD = "csrf_token"
UPLOAD_TYPES = (".pdf", ".docx", ".txt", ".md", ".html", ".htm")


class CsrfError(SeamlineError):
    """A form was posted without the page's CSRF token (or with a stale one)."""

    code = "csrf_token_invalid"


class UploadError(DocumentError):
    """An upload is too large, of an unsupported type, or its content does not match its extension."""

    status = 415
    code = "unsupported_upload"


class UploadTooLarge(UploadError):
    status = 413
    code = "too_large"


def csrf_token(request: Request) -> str:
    """The session's token: the cookie's value, or a new one (stored on the request for the response)."""
    token = getattr(request.state, "csrf", None) or request.cookies.get(CSRF_COOKIE)
    if not token or len(token) < 32 or not token.replace("-", "").replace("_", "").isalnum():
        token = secrets.token_urlsafe(32)
    request.state.csrf = token
    return str(token)


def set_csrf_cookie(request: Request, response: Response, secure: bool) -> None:
    token = getattr(request.state, "csrf", None)
    if token and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")


def check_csrf(request: Request, form: Mapping[str, Any]) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token", "")
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie, sent):
        raise CsrfError(
            "form: the security token is missing or out of date; reload the page and send the form again",
            [Problem(CSRF_FIELD, "expected the token of the page the form came from")],
        )


def sniff(filename: str, data: bytes, limit: int) -> str:
    """Check an upload and return its lower-case extension; refuse with :class:`UploadError`."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or "(no name)"
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if len(data) > limit:
        raise UploadTooLarge(
            f"file: {name} is over the {limit:,}-byte upload limit",
            [Problem("file", f"expected at most {limit:,} bytes")],
        )
    if ext not in UPLOAD_TYPES:
        raise UploadError(
            f"file: {name}: unsupported type {ext or '(none)'!r}; expected one of {', '.join(UPLOAD_TYPES)}",
            [Problem("file", f"expected one of {', '.join(UPLOAD_TYPES)}")],
        )
    if not data:
        raise UploadError(f"file: {name} is empty", [Problem("file", "expected a document with text")])
    if ext == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise _mismatch(name, "a PDF (starting with %PDF-)")
    if ext == ".docx":
        if not data.startswith(b"PK\x03\x04"):
            raise _mismatch(name, "a DOCX (a ZIP archive)")
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" not in archive.namelist():
                    raise _mismatch(name, "a DOCX (word/document.xml inside)")
        except zipfile.BadZipFile:
            raise _mismatch(name, "a DOCX (a readable ZIP archive)") from None
    if ext in (".txt", ".md", ".html", ".htm"):
        from seamline.contracts.ingest import decode

        if data.startswith((b"%PDF-", b"PK\x03\x04")):
            raise _mismatch(name, "plain text")
        try:
            decode(data, name)  # the reader's own rules: a byte-order mark, else UTF-8 or Windows-1252
        except DocumentError:
            raise _mismatch(
                name, "text in UTF-8, Windows-1252, or UTF-16 / UTF-32 with a byte-order mark"
            ) from None
    return ext


def _mismatch(name: str, expected: str) -> UploadError:
    return UploadError(
        f"file: {name}: the content does not match its extension; expected {expected}",
        [Problem("file", f"expected {expected}")],
    )


# ------------------------------------------------------------------------------------ request safety
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARDS = frozenset({"", "0.0.0.0", "::", "*"})  # "every address": no name a Host header can carry
DEFAULT_PORTS = {"http": 80, "https": 443}


class BadHost(SeamlineError):
    """The Host header names no address this server answers for (a DNS-rebinding page, a stray proxy)."""

    status = 400
    code = "bad_host"


class CrossOriginRefused(SeamlineError):
    """A write sent by a page of another origin (a forged form or script), refused before it runs."""

    status = 403
    code = "cross_origin"


def is_loopback(host: str, *, resolve: bool = True) -> bool:
    """Whether ``host`` (an address or a name) is this machine only: 127.0.0.0/8, ::1, ``localhost``, or
    (``resolve``) a name that resolves to those alone. A wildcard (``0.0.0.0``, ``::``) or an
    unresolvable name is not."""
    import ipaddress
    import socket

    name = host.strip().strip("[]").lower()
    if name in WILDCARDS:
        return False
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        if not resolve:
            return False
    try:
        infos = socket.getaddrinfo(name, None)
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)


def host_name(value: str) -> str:
    """The name in a Host header or URL authority, lower case, without port, brackets or a final dot."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else ""
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def _authority(value: str, scheme: str) -> tuple[str, int] | None:
    """(name, port) of a Host header, the port defaulting to the scheme's; None when malformed."""
    value = value.strip().lower()
    name = host_name(value)
    rest = value[value.find("]") + 1 :] if value.startswith("[") else value[len(name) :]
    port: int | None = DEFAULT_PORTS.get(scheme)
    if rest.startswith(":") and rest[1:]:
        if not rest[1:].isdigit() or len(rest) > 6:
            return None
        port = int(rest[1:])
    elif rest.rstrip(".") not in ("", ":"):
        return None
    return (name, port or 0) if name else None


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, name, port) of an Origin or Referer value; None for ``null`` or anything unparsable."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.rstrip("."), port or DEFAULT_PORTS[parts.scheme]


class RequestSafety:
    """Pure ASGI middleware refusing, before anything else runs:

    - a ``Host`` header that is not one of this server's names (400): the address the connection came
      in on, ``localhost``/``127.0.0.1``/``[::1]`` on a loopback connection or server, the ``--host`` the
      server was started with, or a name in ``Settings.allowed_hosts`` (``SEAMLINE_ALLOWED_HOSTS``);
    - a write (POST, PUT, PATCH, DELETE) that a page of another origin sent (403), on every route, the
      API included: unless the request carries ``Authorization: Bearer`` (a browser cannot add that
      header to a cross-site request without a CORS preflight, which this server never grants), its
      ``Origin`` (or, absent, its ``Referer``) must be this server's own origin, or its
      ``Sec-Fetch-Site`` ``same-origin``.

    A request with none of ``Origin``, ``Referer`` and ``Sec-Fetch-Site`` is let through: every browser
    in use sends ``Origin`` on a cross-origin POST (and ``Sec-Fetch-Site`` on every request), so such a
    request comes from a script or a tool such as curl, which cannot ride on a user's cookies; it still
    needs a session or a token where accounts exist. The form CSRF tokens stay as a second layer.
    """

    def __init__(self, app: Any, settings: Any) -> None:
        self.app = app
        self.local_server = is_loopback(settings.host)
        names = {host_name(h) for h in settings.allowed_hosts if h.strip()}
        if host_name(settings.host) not in WILDCARDS:
            names.add(host_name(settings.host))
        if self.local_server:
            names |= LOOPBACK_NAMES
        self.names = frozenset(names)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = origin = referer = fetch_site = b""
        bearer = False
        for key, value in scope["headers"]:
            if key == b"host":
                host = value
            elif key == b"origin":
                origin = value
            elif key == b"referer":
                referer = value
            elif key == b"sec-fetch-site":
                fetch_site = value
            elif key == b"authorization":
                bearer = value[:7].lower() == b"bearer "
        name = host_name(host.decode("latin-1"))
        if not name or not self.host_allowed(name, scope):
            shown = host.decode("latin-1")[:100] or "(none)"
            await self.refuse(
                scope,
                receive,
                send,
                BadHost(
                    f"Host: {shown!r} is not an address of this server; add the name to "
                    "SEAMLINE_ALLOWED_HOSTS if it should be",
                    [Problem("Host", "expected this server's own address or an allowed name")],
                ),
            )
            return
        if scope["method"] in UNSAFE_METHODS and not bearer:
            verdict = self.same_origin(scope, host.decode("latin-1"), origin, referer, fetch_site)
            if verdict is False:
                await self.refuse(
                    scope,
                    receive,
                    send,
                    CrossOriginRefused(
                        "Origin: a change sent from another site is refused; open seamline itself "
                        "(or use an API token) to make it",
                        [Problem("Origin", "expected this server's own origin")],
                    ),
                )
                return
        await self.app(scope, receive, send)

    def host_allowed(self, name: str, scope: Any) -> bool:
        if name in self.names:
            return True
        server = scope.get("server")
        if server and server[0]:
            own = host_name(str(server[0]))
            if name == own:
                return True  # the address the connection came in on (an IP, or the test client's name)
            if name in LOOPBACK_NAMES and is_loopback(own, resolve=False):
                return True
        return False

    @staticmethod
    def same_origin(scope: Any, host: str, origin: bytes, referer: bytes, fetch_site: bytes) -> bool | None:
        """True when the browser says the request comes from this origin, False when from another,
        None when it says nothing (no Origin, Referer or Sec-Fetch-Site: not a browser)."""
        if fetch_site.strip().lower() == b"same-origin":  # set by the browser itself, never by a page
            return True
        scheme = str(scope.get("scheme", "http"))
        if origin and origin.decode("latin-1").lower() == f"{scheme}://{host.lower()}":
            return True  # the usual case, without parsing
        own = _authority(host, scheme)
        if origin:
            theirs = _origin(origin.decode("latin-1"))  # "null" (sandboxed frames, redirects): refused
            return theirs is not None and own is not None and theirs == (scheme, *own)
        if fetch_site:  # cross-site, same-site (another port or subdomain) or none (typed, bookmarked)
            return False
        if referer:
            theirs = _origin(referer.decode("latin-1"))
            return theirs is not None and own is not None and theirs == (scheme, *own)
        return None

    async def refuse(self, scope: Any, receive: Any, send: Any, exc: SeamlineError) -> None:
        from starlette.requests import Request

        from seamline.web.templating import error_response

        response = error_response(Request(scope, receive), exc, int(getattr(exc, "status", 400)))
        await response(scope, receive, send)
