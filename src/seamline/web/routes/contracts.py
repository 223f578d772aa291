"""The contract check page: upload a document, see detected vs claimed model and the evidence in context."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from seamline.errors import Problem, SeamlineError
from seamline.store.repository import LIST_LIMIT_MAX
from seamline.web import tasks
from seamline.web.auth import decisions_of
from seamline.web.security import UploadError, check_csrf, sniff
from seamline.web.templating import render

router = APIRouter(include_in_schema=False)


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


async def check_in_worker(
    request: Request, filename: str, data: bytes, claimed: str | None, *, view: bool = False
) -> dict[str, Any]:
    """Check an upload in the app's worker processes (bounded time and memory; the event loop stays free):
    ``{"report": <the report's JSON>, "view": <the page's view of it when ``view``>}``."""
    settings = request.app.state.settings
    return await request.app.state.jobs.run(
        tasks.check_document, settings, filename, data, claimed, view, what=f"file: {_name(filename)}"
    )


def _name(filename: str) -> str:
    return filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200] or "(no name)"


def _models(request: Request) -> list[tuple[str, str]]:
    return [(m.id, m.name) for m in request.app.state.service.kb.models.values()]


def _page(request: Request, **context: Any) -> dict[str, Any]:
    return {
        "models": _models(request),
        "names": dict(_models(request)),
        "limit": upload_limit(request),
        "decisions": _decisions(request),
        **context,
    }


def _decisions(request: Request) -> list[Any]:
    """The decisions a check can be kept with: the workspace's newest, if the user may change them."""
    if not getattr(request.state, "identity", None) or not request.state.identity.can_edit:
        return []
    return list(decisions_of(request).summaries(limit=LIST_LIMIT_MAX).decisions)


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
            decisions_of(request).get(decision_id)  # refuse an unknown decision before the work
        filename, data = await read_upload(request, form.get("file"))
        checked = await check_in_worker(request, filename, data, claimed_id, view=True)
        attached = None
        if decision_id is not None:
            attached = decisions_of(request).attach_contract(decision_id, checked["report"])
    except SeamlineError as exc:
        status = getattr(exc, "status", 404 if type(exc).__name__ == "NotFoundError" else 400)
        ctx = _page(request, error=exc, claimed=claimed_id, decision_id=decision_id)
        return render(request, "contract.html", ctx, status_code=status)
    ctx = _page(
        request,
        report=checked["view"],
        claimed=claimed_id,
        filename=filename,
        decision_id=decision_id,
        attached=attached,
    )
    return render(request, "contract.html", ctx)


# ------------------------------------------------------------------------------------------ a kept check
def stored_view(report: dict[str, Any], knowledge: Any) -> dict[str, Any]:
    """The contract page's view of a check kept with a decision: the document's text is not kept, so each
    piece of evidence is the clause itself, highlighted whole."""
    import copy

    from seamline.web.views import report_view

    data = copy.deepcopy(report)
    text_parts: list[str] = []
    offset = 0

    def place(ev: dict[str, Any]) -> None:  # lay the clauses end to end so report_view can quote them
        nonlocal offset
        clause = str(ev.get("text", ""))
        ev["start"], ev["end"] = offset, offset + len(clause)
        text_parts.append(clause + "\n")
        offset += len(clause) + 1

    for ev in data.get("detected", {}).get("evidence", []):
        place(ev)
    for finding in data.get("findings", []):
        for ev in finding.get("evidence", []):
            place(ev)

    class _Report:
        def to_json(self) -> dict[str, Any]:
            return data

    view = report_view(_Report(), "".join(text_parts), knowledge)
    for ev in [*view["detected"]["evidence"], *(e for f in view["findings"] for e in f["evidence"])]:
        ev["context"] = {"before": "", "mark": ev["context"]["mark"], "after": ""}
    return view


@router.get("/decisions/{decision_id}/contract", response_class=HTMLResponse)
def kept_contract(request: Request, decision_id: int) -> Response:
    """The contract check kept with a decision, each checklist item under an anchor (``#item-<id>``) with
    its evidence highlighted (``#ev-<id>-<n>``): where the decision's summary links. Without one: the
    contract form, set to keep the check with this decision."""
    record = decisions_of(request).get(decision_id)
    if not record.contract:
        return RedirectResponse(f"/contracts?decision={decision_id}", status_code=303)
    view = stored_view(record.contract, request.app.state.settings.knowledge)
    return render(
        request,
        "contract.html",
        _page(
            request,
            report=view,
            kept_with=record,
            decision_id=record.id,
            filename=record.contract.get("path"),
        ),
    )


@router.get("/decisions/{decision_id}/contract/remove", response_class=HTMLResponse)
def confirm_remove(request: Request, decision_id: int) -> HTMLResponse:
    record = decisions_of(request).get(decision_id)
    return render(request, "confirm_remove_contract.html", {"decision": record})


@router.post("/decisions/{decision_id}/contract/remove")
async def remove_contract(request: Request, decision_id: int) -> Response:
    """Remove the contract check from a decision (the version with it stays in the history: the notice
    on the decision offers to undo)."""
    form = await request.form()
    check_csrf(request, form)
    store = decisions_of(request)
    await run_in_threadpool(store.attach_contract, decision_id, None)
    return RedirectResponse(f"/decisions/{decision_id}?contract=removed", status_code=303)
