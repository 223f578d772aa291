"""The JSON API under ``/api/v1``: advise, cost, seams, check, and saved decisions (CRUD).

Errors are JSON ``{error, message, problems[{where, message}]}`` with a 4xx status naming the field.
Writes accept only ``application/json`` bodies (a cross-site form cannot send one without CORS).
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from seamline.errors import Problem, SeamlineError
from seamline.store import DecisionStore
from seamline.store.repository import LIST_LIMIT, LIST_LIMIT_MAX, LIST_OFFSET_MAX, QUERY_MAX
from seamline.web.service import Service

router = APIRouter(prefix="/api/v1", tags=["api"])

EXAMPLE = {
    "name": "Pre-seed MVP with a hands-on CTO",
    "stage": "pre_seed",
    "work": {
        "type": "product_development",
        "core": True,
        "scope": "evolving",
        "duration_months": 6,
        "engineers": 2,
    },
    "team": {"technical_leadership": "strong", "product_manager": False},
    "preferences": {
        "involvement": "daily_direction",
        "pricing": "monthly_retainer",
        "ip_in_house": True,
        "share_business_context": True,
    },
}
MAX_JSON_BYTES = 1_000_000  # a situation is a few hundred bytes; a decision body no more than a few KB


async def _situation_body(request: Request) -> dict[str, Any]:
    return await _json_body(request)


# Parsed by _json_body (bounded size and depth, no NaN/Infinity, no numbers beyond ±10^15), not FastAPI's
# json.loads; the schema below documents it.
SituationBody = Annotated[dict[str, Any], Depends(_situation_body)]
SITUATION_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}, "example": EXAMPLE}},
    }
}
MEDIA = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class UnsupportedMedia(SeamlineError):
    """A write was sent with another body type than JSON."""

    status = 415


def _service(request: Request) -> Service:
    return request.app.state.service


def _store(request: Request) -> DecisionStore:
    return request.app.state.store


def _require_json(request: Request) -> None:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise UnsupportedMedia(
            f"request: Content-Type is {kind or '(none)'!r}; expected application/json",
            [Problem("Content-Type", "expected application/json")],
        )


@router.post("/advise", summary="Rank the engagement models for a situation", openapi_extra=SITUATION_OPENAPI)
async def advise(request: Request, situation: SituationBody) -> Response:
    service = _service(request)
    key, body = service.cached_advice(situation)
    if body is None:  # compute off the event loop; repeated answers are served from memory
        body = await run_in_threadpool(service.advise_bytes, key, situation)
    return Response(body, media_type="application/json")


@router.post(
    "/cost", summary="Total cost of every model over a horizon, with P10-P90", openapi_extra=SITUATION_OPENAPI
)
async def cost(
    request: Request,
    situation: SituationBody,
    horizon_months: Annotated[int | None, Query(ge=1, le=240)] = None,
    trials: Annotated[int | None, Query(ge=100, le=200_000)] = None,
    seed: int | None = None,
) -> Response:
    service = _service(request)
    parsed = service.parse(situation)  # refuse bad answers before any work
    settings = service.settings
    key = service.cost_key(parsed, horizon_months, trials, seed)
    body = service.cached_cost(key)  # the same inputs (seed and trials included) are computed once
    if body is None and (trials or settings.cost_trials) > settings.pool_cost_trials:
        from seamline.web import tasks  # a large run: a worker process

        data = parsed.model_dump(mode="json", exclude_none=True)
        out = await request.app.state.jobs.run(
            tasks.cost, settings, data, horizon_months, trials, seed, what="cost"
        )
        body = service.keep_cost(key, out)
    elif body is None:
        body = await run_in_threadpool(
            service.cost_bytes, parsed, horizon_months=horizon_months, trials=trials, seed=seed
        )
    return Response(body, media_type="application/json")


@router.post("/seams", summary="Organisational seams per model", openapi_extra=SITUATION_OPENAPI)
def seams(request: Request, situation: SituationBody) -> dict[str, Any]:
    service = _service(request)
    return service.seams(service.parse(situation))


@router.post(
    "/check",
    summary="Check a contract: multipart `file` (+ `claimed`), or JSON {text, claimed}",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "claimed": {"type": "string"},
                        },
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}, "claimed": {"type": "string"}},
                    }
                },
            }
        }
    },
)
async def check(request: Request) -> dict[str, Any]:
    return await _check_request(request)


@router.post(
    "/decisions/{decision_id}/contract",
    summary="Check a contract and keep the check with a decision (body as for /check)",
)
async def attach_contract(request: Request, decision_id: int) -> dict[str, Any]:
    store = _store(request)
    store.get(decision_id)
    report = await _check_request(request)
    return store.attach_contract(decision_id, report).to_json()


@router.delete("/decisions/{decision_id}/contract", summary="Forget the contract check kept with a decision")
def detach_contract(request: Request, decision_id: int) -> dict[str, Any]:
    return _store(request).attach_contract(decision_id, None).to_json()


async def _check_request(request: Request) -> dict[str, Any]:
    from seamline.web.routes.contracts import check_in_worker, read_upload, refuse_oversized, upload_limit

    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    limit = upload_limit(request)
    refuse_oversized(request)
    if kind == "multipart/form-data":
        form = await request.form(max_part_size=limit + 1024)
        claimed = form.get("claimed")
        filename, data = await read_upload(request, form.get("file"))
    elif kind == "application/json":
        body = await _json_body(request, limit + 65536)
        text, claimed = body.get("text"), body.get("claimed")
        if not isinstance(text, str) or not text.strip():
            raise SeamlineError(
                "text: expected the document's text as a non-empty string",
                [Problem("text", "expected a non-empty string")],
            )
        filename, data = str(body.get("filename") or "document.txt"), text.encode("utf-8")
        from seamline.web.security import sniff

        sniff(
            filename if filename.lower().endswith((".txt", ".md", ".html", ".htm")) else "document.txt",
            data,
            limit,
        )
    else:
        raise SeamlineError(
            f"request: Content-Type is {kind or '(none)'!r}; expected multipart/form-data "
            "or application/json",
            [Problem("Content-Type", "expected multipart or JSON")],
        )
    checked = await check_in_worker(
        request, filename, data, claimed if isinstance(claimed, str) and claimed else None
    )
    return checked["report"]


async def _json_body(request: Request, limit: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """The request's JSON object: at most ``limit`` bytes read, parsed by :func:`seamline.yamlio.parse_json`
    (nesting, duplicate keys, NaN/Infinity, numbers beyond ±10^15 refused) before anything runs."""
    from seamline.web.security import UploadTooLarge
    from seamline.yamlio import parse_json

    declared = request.headers.get("content-length", "")
    too_large = UploadTooLarge(
        f"body: the request is over the {limit:,}-byte limit",
        [Problem("body", f"expected at most {limit:,} bytes")],
    )
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    raw = b"".join(chunks)
    request._body = raw  # later reads of request.body() see the same bytes
    body = parse_json(raw or b"null", "body")
    if not isinstance(body, dict):
        raise SeamlineError("body: expected a JSON object", [Problem("body", "expected a JSON object")])
    return body


# ------------------------------------------------------------------------------------------ decisions
@router.get("/decisions", summary="Saved decisions, newest first: summaries, a page at a time")
async def list_decisions(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=LIST_LIMIT_MAX)] = LIST_LIMIT,
    offset: Annotated[int, Query(ge=0, le=LIST_OFFSET_MAX)] = 0,
    q: Annotated[str | None, Query(max_length=QUERY_MAX, description="keep names containing this")] = None,
) -> Response:
    """Summaries only (no situation or outputs: open one decision for those). ``next`` is the URL of the
    following page, or null on the last one; ``total`` counts every decision the search matches."""
    store = _store(request)
    if store.local and q is None:  # a few index reads on a local file: cheaper inline than a thread hop
        page = store.summaries(limit=limit, offset=offset)
    else:
        page = await run_in_threadpool(lambda: store.summaries(limit=limit, offset=offset, q=q))
    following = page.next_offset
    query = {"limit": page.limit, "offset": following, **({"q": page.q} if page.q else {})}
    body = {
        "decisions": [r.summary() for r in page.decisions],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next": None if following is None else f"{request.url.path}?{urlencode(query)}",
    }
    # plain JSON already (strings and numbers): encoded directly, not walked again by FastAPI's encoder
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")


def _compute(request: Request, data: Any, name: Any = None) -> dict[str, Any]:
    service = _service(request)
    if isinstance(data, dict) and isinstance(name, str):
        data = {**data, "name": name}
    situation = service.parse(data, "situation")
    outputs = service.outputs(situation)
    rec = outputs["recommendation"]
    return {
        "name": situation.name,
        "situation": situation.model_dump(mode="json", exclude_none=True),
        "knowledge_version": service.kb.version,
        "status": rec["status"],
        "top_model": rec["recommended"],
        "outputs": outputs,
    }


@router.post("/decisions", status_code=201, summary="Save a decision: {situation, name?}")
async def create_decision(request: Request) -> JSONResponse:
    _require_json(request)
    body = await _json_body(request)
    if "situation" not in body:
        raise SeamlineError(
            "situation: required field is missing", [Problem("situation", "expected the answers")]
        )
    fields = await run_in_threadpool(_compute, request, body["situation"], body.get("name"))
    record = _store(request).create(**fields)
    return JSONResponse(
        record.to_json(), status_code=201, headers={"Location": f"/api/v1/decisions/{record.id}"}
    )


@router.get("/decisions/{decision_id}", summary="One saved decision: inputs, knowledge version, outputs")
def get_decision(request: Request, decision_id: int) -> dict[str, Any]:
    return _store(request).get(decision_id).to_json()


@router.patch("/decisions/{decision_id}", summary="Rename ({name}) or change the answers ({situation})")
async def update_decision(request: Request, decision_id: int) -> dict[str, Any]:
    _require_json(request)
    body = await _json_body(request)
    unknown = sorted(set(body) - {"name", "situation"})
    if unknown or not body:
        raise SeamlineError(
            f"body: expected name and/or situation, got {unknown or 'nothing'}",
            [Problem(k, "unknown field; allowed: name, situation") for k in unknown],
        )
    store = _store(request)
    if "situation" in body:
        store.get(decision_id)  # an unknown decision is refused before the work
        fields = await run_in_threadpool(_compute, request, body["situation"], body.get("name"))
        return store.replace(decision_id, **fields).to_json()
    return store.rename(decision_id, body["name"]).to_json()


@router.post("/decisions/{decision_id}/duplicate", status_code=201, summary="Copy a decision")
async def duplicate_decision(request: Request, decision_id: int) -> JSONResponse:
    body = await _json_body(request) if await request.body() else {}
    if body:
        _require_json(request)
    record = _store(request).duplicate(decision_id, body.get("name"))
    return JSONResponse(record.to_json(), status_code=201)


@router.delete(
    "/decisions/{decision_id}",
    status_code=204,
    summary="Delete a decision: it goes to the trash, restorable with POST /api/v1/trash/{id}/restore",
)
def delete_decision(request: Request, decision_id: int) -> Response:
    _store(request).delete(decision_id)
    return Response(status_code=204)


@router.get("/decisions/{decision_id}/report", summary="The decision document (html, md, docx or pdf)")
async def report(request: Request, decision_id: int, format: str = "html") -> Response:
    return await report_response(request, decision_id, format)


async def report_response(request: Request, decision_id: int, fmt: str) -> Response:
    """A saved decision's document, drawn in a worker process (the event loop stays free)."""
    if fmt not in MEDIA:
        raise SeamlineError(
            f"format: got {fmt!r}; expected one of: {', '.join(MEDIA)}",
            [Problem("format", f"expected one of: {', '.join(MEDIA)}")],
        )
    record = await run_in_threadpool(_store(request).get, decision_id)
    from seamline.web import tasks
    from seamline.web.views import report_available

    if not report_available():
        raise SeamlineError("report: decision documents are not available in this installation")
    service = _service(request)
    used = record.outputs.get("settings", {})  # the trials and seed the saved figures were computed with
    body = await request.app.state.jobs.run(
        tasks.render_report,
        service.settings,
        record.situation,
        record.contract,
        int(used.get("trials", service.settings.cost_trials)),
        int(used.get("seed", service.settings.cost_seed)),
        fmt,
        f"decision {decision_id}",
        what=f"report of decision {decision_id}",
    )
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in record.name)[:60] or "decision"
    return Response(
        body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'}
    )
