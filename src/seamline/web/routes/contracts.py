"""The contract check page: upload a document, see detected vs claimed model and the evidence in context."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from seamline.errors import Problem, SeamlineError
from seamline.web.security import UploadError, check_csrf, sniff
from seamline.web.templating import render

router = APIRouter(include_in_schema=False)
CONTEXT_CHARS = 240  # characters of document text shown either side of a piece of evidence


def upload_limit(request: Request) -> int:
    settings = request.app.state.settings
    if settings.max_upload_bytes:
        return int(settings.max_upload_bytes)
    from seamline.contracts.ingest import default_limits

    return default_limits(settings.knowledge).max_file_bytes


def refuse_oversized(request: Request) -> None:
    """Refuse a request whose declared size is already over the limit, before reading its body."""
    from seamline.web.security import UploadTooLarge

    limit = upload_limit(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 65536:  # room for the other form fields
        raise UploadTooLarge(
            f"file: the request is over the {limit:,}-byte upload limit",
            [Problem("file", f"expected at most {limit:,} bytes")],
        )


async def read_upload(request: Request, upload: Any) -> tuple[str, bytes]:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UploadError(
            "file: no document was sent", [Problem("file", "expected a PDF, DOCX or text file")]
        )
    limit = upload_limit(request)
    data = await upload.read(limit + 1)
    sniff(upload.filename, data, limit)
    return upload.filename, data


def check_upload(request: Request, filename: str, data: bytes, claimed: str | None) -> tuple[Any, str]:
    """Check an uploaded document: written to a private temporary file, read, checked, removed."""
    from seamline.contracts.check import check_text
    from seamline.contracts.ingest import default_limits, read_document

    settings = request.app.state.settings
    ext = "." + filename.rsplit(".", 1)[-1].lower()
    base = default_limits(settings.knowledge)
    # the same bounded reader as the CLI; only the file size follows the upload limit (already checked)
    limits = dataclasses.replace(base, max_file_bytes=max(base.max_file_bytes, len(data)))
    fd, tmp = tempfile.mkstemp(prefix="seamline-upload-", suffix=ext)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            doc = read_document(tmp, limits)
        except SeamlineError as exc:  # name the upload, not the temporary file
            raise type(exc)(exc.message.replace(tmp, filename), exc.problems) from None
    finally:
        os.unlink(tmp)
    report = check_text(
        doc.text, claimed=claimed or None, path=filename, title=doc.title, knowledge=settings.knowledge
    )
    return report, doc.text


def in_context(text: str, start: int, end: int) -> dict[str, str]:
    """The evidence and the text around it, as separate strings (the template escapes each)."""
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(text), end + CONTEXT_CHARS)
    return {
        "before": ("…" if lo > 0 else "") + text[lo:start],
        "mark": text[start:end],
        "after": text[end:hi] + ("…" if hi < len(text) else ""),
    }


def report_view(report: Any, text: str, knowledge: Any = None) -> dict[str, Any]:
    from seamline.contracts.catalogue import DIMENSION_NAMES, load_document_types

    data = report.to_json()
    det = data["detected"]
    for ev in det["evidence"]:
        ev["context"] = in_context(text, ev["start"], ev["end"])
    det["document_type_name"] = load_document_types(knowledge).name(det["document_type"])
    scores = [a["score"] for a in det["alternatives"]]
    det["margin"] = round(scores[0] - scores[1], 3) if len(scores) > 1 else None
    det["by_dimension"] = [
        {"id": key, "name": name, "evidence": [e for e in det["evidence"] if e.get("dimension") == key]}
        for key, name in DIMENSION_NAMES.items()
        if any(e.get("dimension") == key for e in det["evidence"])
    ]
    for f in data["findings"]:
        for ev in f["evidence"]:
            ev["context"] = in_context(text, ev["start"], ev["end"])
    order = {"missing": 0, "weak": 1, "present": 2}
    data["findings"].sort(key=lambda f: (not f["required_for_detected_model"], order.get(f["status"], 3)))
    return data


def _models(request: Request) -> list[tuple[str, str]]:
    return [(m.id, m.name) for m in request.app.state.service.kb.models.values()]


def _page(request: Request, **context: Any) -> dict[str, Any]:
    return {
        "models": _models(request),
        "names": dict(_models(request)),
        "limit": upload_limit(request),
        "decisions": request.app.state.store.list(),
        **context,
    }


class DecisionIdError(SeamlineError):
    """A decision id that is not a whole number: 422, as FastAPI answers for one in a path."""

    status = 422


def _decision_id(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        raise DecisionIdError(
            f"decision: got {raw!r}; expected the id of a saved decision",
            [Problem("decision", "expected a saved decision's id")],
        ) from None


@router.get("/contracts", response_class=HTMLResponse)
def contract_form(request: Request, decision: int | None = None) -> HTMLResponse:
    return render(request, "contract.html", _page(request, decision_id=decision))


@router.post("/contracts", response_class=HTMLResponse)
async def contract_check(request: Request) -> HTMLResponse:
    try:
        refuse_oversized(request)
    except SeamlineError as exc:
        return render(request, "contract.html", _page(request, error=exc), status_code=413)
    form = await request.form(max_part_size=upload_limit(request) + 1024)
    check_csrf(request, form)
    claimed = form.get("claimed")
    claimed_id = claimed if isinstance(claimed, str) and claimed else None
    decision_id: int | None = None
    try:
        decision_id = _decision_id(form.get("decision"))
        if decision_id is not None:
            request.app.state.store.get(decision_id)  # refuse an unknown decision before the work
        filename, data = await read_upload(request, form.get("file"))
        report, text = check_upload(request, filename, data, claimed_id)
        attached = None
        if decision_id is not None:
            attached = request.app.state.store.attach_contract(decision_id, report.to_json())
    except SeamlineError as exc:
        status = getattr(exc, "status", 404 if type(exc).__name__ == "NotFoundError" else 400)
        ctx = _page(request, error=exc, claimed=claimed_id, decision_id=decision_id)
        return render(request, "contract.html", ctx, status_code=status)
    ctx = _page(
        request,
        report=report_view(report, text, request.app.state.settings.knowledge),
        claimed=claimed_id,
        filename=filename,
        decision_id=decision_id,
        attached=attached,
    )
    return render(request, "contract.html", ctx)
