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
