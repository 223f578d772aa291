"""The JSON API under ``/api/v1``: advise, cost, seams, check, and saved decisions (CRUD).

Errors have one shape on every route (:mod:`seamline.web.openapi`): ``{error: {code, message, field},
message, problems[{where, message}]}``, and the same fault the same status everywhere (malformed JSON 400,
a body of another type 415, too large 413, a value that cannot be used 422, an unknown id 404). Every body
and every status a route can answer is declared in the OpenAPI spec (bodies: :mod:`seamline.web.api_models`).
JSON bodies are read only with ``Content-Type: application/json`` (a cross-site form cannot send one).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.formparsers import MultiPartException

from seamline.errors import InputFileError, Problem, SeamlineError
from seamline.store import DecisionStore
from seamline.store.repository import (
    CURSOR_MAX,
    LIST_LIMIT,
    LIST_LIMIT_MAX,
    LIST_OFFSET_MAX,
    QUERY_MAX,
    check_name,
)
from seamline.web.api_models import (
    CONTRACT_BODY,
    Advice,
    ContractReport,
    ContractText,
    CostResult,
    Decision,
    DecisionCopy,
    DecisionCreate,
    DecisionPage,
    DecisionUpdate,
    SeamsResult,
)
from seamline.web.openapi import BY_ID, JSON_BODY, BodyError, json_body, responses, validate_body
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
SEED_MAX = 2**32 - 1  # the seeds the cost model draws itself are 32-bit (seamline.cost.simulate)


async def _situation_body(request: Request) -> dict[str, Any]:
    return await _json_body(request)


# Parsed by _json_body (bounded size and depth, no NaN/Infinity, no numbers beyond ±10^15), not FastAPI's
# json.loads; the schema below documents it: the situation file's own schema.
SituationBody = Annotated[dict[str, Any], Depends(_situation_body)]
SITUATION_OPENAPI: dict[str, Any] = json_body("Situation", example=EXAMPLE)
REPORT_MEDIA = {  # what the report route answers, by ?format= (html, md, docx, pdf)
    "text/html": "format=html, a web page",
    "text/markdown": "format=md",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "format=docx",
    "application/pdf": "format=pdf",
}
MEDIA = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class UnsupportedMedia(SeamlineError):
    """A body was sent with another type than the route reads (JSON; or multipart where a file is sent)."""

    status = 415
    code = "unsupported_media_type"


class MalformedJson(SeamlineError):
    """A body sent as JSON that is not JSON (a syntax error, not UTF-8, a key twice, nothing at all)."""

    status = 400
    code = "malformed_json"


class MalformedMultipart(MalformedJson):
    """A body sent as multipart/form-data that cannot be read as one."""

    code = "malformed_body"


class ReportUnavailable(SeamlineError):
    """Decision documents need libraries this installation lacks."""

    status = 501
    code = "not_available"


def _service(request: Request) -> Service:
    return request.app.state.service


def _store(request: Request) -> DecisionStore:
    """The request's workspace, as its user with their role (set by :mod:`seamline.web.auth` on every
    request; fails closed when missing)."""
    from seamline.web.auth import decisions_of

    return decisions_of(request)


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _require_json(request: Request) -> None:
    kind = _content_type(request)
    if kind != "application/json":
        raise UnsupportedMedia(
            f"request: Content-Type is {kind or '(none)'!r}; expected application/json",
            [Problem("Content-Type", "expected application/json")],
        )


@router.post(
    "/advise",
    summary="Rank the engagement models for a situation",
    openapi_extra=SITUATION_OPENAPI,
    response_model=None,
    responses=responses(*JSON_BODY, ok=Advice),
)
async def advise(request: Request, situation: SituationBody) -> Response:
    service = _service(request)
    key, body = service.cached_advice(situation)
    if body is None:  # repeated answers are served from memory
        # computed inline: about 1.5 ms of pure Python, bounded by the knowledge base (every answer's
        # values tried once). A thread would not run it any sooner (the GIL), and the hand-over and the
        # threads contending for the GIL cost more than the work: 2.1 ms of server processor time per
        # distinct situation inline, 2.6 to 5 ms through the thread pool (benchmarks/web_load.py)
        body = service.advise_bytes(key, situation)
    return Response(body, media_type="application/json")


@router.post(
    "/cost",
    summary="Total cost of every model over a horizon, with P10-P90",
    openapi_extra=SITUATION_OPENAPI,
    response_model=None,
    responses=responses(*JSON_BODY, ok=CostResult),
)
async def cost(
    request: Request,
    situation: SituationBody,
    horizon_months: Annotated[
        int | None, Query(ge=1, le=240, description="months costed (default: the work's duration)")
    ] = None,
    trials: Annotated[int | None, Query(ge=100, le=200_000, description="Monte Carlo trials")] = None,
    seed: Annotated[
        int | None, Query(ge=0, le=SEED_MAX, description="the random seed (repeatable runs)")
    ] = None,
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


@router.post(
    "/seams",
    summary="Organisational seams per model",
    openapi_extra=SITUATION_OPENAPI,
    response_model=None,
    responses=responses(*JSON_BODY, ok=SeamsResult),
)
def seams(request: Request, situation: SituationBody) -> dict[str, Any]:
    service = _service(request)
    return service.seams(service.parse(situation))


CONTRACT_ERRORS = (*JSON_BODY, 501)  # 415 also for an upload whose content is not what its name says


@router.post(
    "/check",
    summary="Check a contract: multipart `file` (+ `claimed`), or JSON {text, claimed}",
    openapi_extra=CONTRACT_BODY,
    response_model=None,
    responses=responses(*CONTRACT_ERRORS, ok=ContractReport),
)
async def check(request: Request) -> dict[str, Any]:
    return await _check_request(request)


@router.post(
    "/decisions/{decision_id}/contract",
    summary="Check a contract and keep the check with a decision (body as for /check)",
    openapi_extra=CONTRACT_BODY,
    response_model=None,
    responses=responses(*CONTRACT_ERRORS, *BY_ID, ok=Decision),
)
async def attach_contract(request: Request, decision_id: int) -> dict[str, Any]:
    store = _store(request)
    store.get(decision_id)
    report = await _check_request(request)
    return store.attach_contract(decision_id, report).to_json()


@router.delete(
    "/decisions/{decision_id}/contract",
    summary="Forget the contract check kept with a decision",
    response_model=None,
    responses=responses(*BY_ID, ok=Decision),
)
def detach_contract(request: Request, decision_id: int) -> dict[str, Any]:
    return _store(request).attach_contract(decision_id, None).to_json()


def _claimed(request: Request, value: Any) -> str | None:
    """The model a contract is sold as: an engagement model id, or None when not given."""
    if value is None:
        return None
    models = _service(request).kb.models
    if not isinstance(value, str) or value not in models:
        from seamline.yamlio import brief

        raise BodyError(
            f"claimed: got {brief(value)}; expected an engagement model id",
            [Problem("claimed", f"expected one of: {', '.join(models)}")],
        )
    return value


async def _check_request(request: Request) -> dict[str, Any]:
    from seamline.web.routes.contracts import check_in_worker, read_upload, refuse_oversized, upload_limit

    kind = _content_type(request)
    limit = upload_limit(request)
    if kind == "multipart/form-data":
        refuse_oversized(request)
        try:
            form = await request.form(max_part_size=limit + 1024)
        except MultiPartException as exc:  # a body that is not the multipart it says it is
            raise MalformedMultipart(
                f"body: not a readable multipart form ({exc.message})",
                [Problem("body", "expected multipart/form-data with a file field")],
            ) from None
        unknown = sorted(k for k in form if k not in ("file", "claimed"))
        if unknown:
            raise BodyError(
                f"{unknown[0]}: unknown field; allowed: file, claimed",
                [Problem(k, "unknown field; allowed: file, claimed") for k in unknown],
            )
        claimed = _claimed(request, form.get("claimed"))
        filename, data = await read_upload(request, form.get("file"))
    elif kind == "application/json":
        body = validate_body(ContractText, await _json_body(request, limit + 65536))
        claimed = _claimed(request, body.claimed)
        filename, data = body.filename or "document.txt", body.text.encode("utf-8")
        from seamline.web.security import UploadError, UploadTooLarge, sniff

        try:
            sniff(
                filename if filename.lower().endswith((".txt", ".md", ".html", ".htm")) else "document.txt",
                data,
                limit,
            )
        except UploadTooLarge:
            raise
        except UploadError as exc:  # a JSON value, not an upload of another type: 422 naming the field
            expected = exc.problems[0].message if exc.problems else "readable text"
            raise BodyError(
                f"text: cannot be read as a document's text; {expected}", [Problem("text", expected)]
            ) from None
    else:
        raise UnsupportedMedia(
            f"request: Content-Type is {kind or '(none)'!r}; expected multipart/form-data "
            "or application/json",
            [Problem("Content-Type", "expected multipart/form-data or application/json")],
        )
    checked = await check_in_worker(request, filename, data, claimed)
    return checked["report"]


async def _json_body(request: Request, limit: int = MAX_JSON_BYTES) -> dict[str, Any]:
    """The request's JSON object: sent as ``application/json`` (else 415), at most ``limit`` bytes read
    (else 413), parsed by :func:`seamline.yamlio.parse_json` (not JSON: 400; nesting, NaN/Infinity, numbers
    beyond ±10^15: 422) before anything runs; a body that is no JSON object is a 422."""
    from seamline.web.security import UploadTooLarge
    from seamline.yamlio import StructureError, parse_json

    _require_json(request)

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
    if not raw.strip():
        raise MalformedJson(
            "body: empty; expected a JSON object", [Problem("body", "expected a JSON object")]
        )
    try:
        body = parse_json(raw, "body", whole_floats=True)
    except StructureError:
        raise
    except InputFileError as exc:
        raise MalformedJson(exc.message, exc.problems) from None
    if not isinstance(body, dict):
        raise BodyError(
            f"body: got {type(body).__name__.replace('dict', 'object')}; expected a JSON object",
            [Problem("body", "expected a JSON object")],
        )
    return body


# ------------------------------------------------------------------------------------------ decisions
@router.get(
    "/decisions",
    summary="Saved decisions, newest first: summaries, a page at a time",
    response_model=None,
    responses=responses(422, ok=DecisionPage),
)
async def list_decisions(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=LIST_LIMIT_MAX)] = LIST_LIMIT,
    offset: Annotated[int, Query(ge=0, le=LIST_OFFSET_MAX)] = 0,
    q: Annotated[str | None, Query(max_length=QUERY_MAX, description="keep names containing this")] = None,
    cursor: Annotated[
        str | None,
        Query(
            max_length=CURSOR_MAX,
            description="continue after the page that gave this next_cursor (as fast however deep; "
            "offset is then ignored)",
        ),
    ] = None,
) -> Response:
    """Summaries only (no situation or outputs: open one decision for those). ``next`` is the URL of the
    following page, or null on the last one (by cursor when this page was asked by cursor, else by
    offset); ``next_cursor`` is the following page's cursor; ``total`` counts every decision the search
    matches."""
    # a local file inline; from a server, a kept page after an awaited version read, else in a thread
    page = await _store(request).summaries_async(limit=limit, offset=offset, q=q, cursor=cursor)
    following, next_cursor = page.next_offset, page.next_cursor
    searched = {"q": page.q} if page.q else {}
    if following is None or next_cursor is None:
        next_url = None
    elif cursor is not None:
        next_url = f"{request.url.path}?{urlencode({'limit': page.limit, 'cursor': next_cursor, **searched})}"
    else:
        next_url = f"{request.url.path}?{urlencode({'limit': page.limit, 'offset': following, **searched})}"
    rest = {
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next": next_url,
        "next_cursor": next_cursor,
    }
    # plain JSON (strings and numbers), encoded directly, not walked again by FastAPI's encoder; the
    # summaries encoded once per page (a page the store kept is answered again without encoding it)
    body = '{"decisions":' + page.summaries_json() + "," + json.dumps(rest, separators=(",", ":"))[1:]
    return Response(body, media_type="application/json")


def _compute(request: Request, data: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """A decision's fields from the body's ``situation`` (and ``name``); a problem in the situation is
    named by its path in the body (``situation.stage``)."""
    service = _service(request)
    try:
        situation = service.parse(data if name is None or "name" in data else {**data, "name": name})
        own = check_name(situation.name, "situation.name")  # its own name, if it has one, is a name too
        situation = situation.model_copy(update={"name": name if name is not None else own})
        outputs = service.outputs(situation)
    except SeamlineError as exc:
        exc.problems = [Problem(_in_situation(p.where), p.message) for p in exc.problems]
        raise
    rec = outputs["recommendation"]
    return {
        "name": situation.name,
        "situation": situation.model_dump(mode="json", exclude_none=True),
        "knowledge_version": service.kb.version,
        "status": rec["status"],
        "top_model": rec["recommended"],
        "outputs": outputs,
    }


def _in_situation(where: str) -> str:
    """A situation's field path as a path in a decision body: ``stage`` -> ``situation.stage``."""
    where = where.removeprefix("situation: ").removeprefix("situation.")
    return "situation" if where in ("", "situation", "(top level)") else f"situation.{where}"


def _name(name: str | None) -> str | None:
    return None if name is None else check_name(name)  # spaces folded


@router.post(
    "/decisions",
    status_code=201,
    summary="Save a decision: {situation, name?}",
    openapi_extra=json_body(DecisionCreate),
    response_model=None,
    responses=responses(*JSON_BODY, ok=(201, Decision), gives={"decision_id": "/id"}),
)
async def create_decision(request: Request) -> JSONResponse:
    body = validate_body(DecisionCreate, await _json_body(request))
    fields = await run_in_threadpool(_compute, request, body.situation, _name(body.name))
    record = _store(request).create(**fields)
    return JSONResponse(
        record.to_json(), status_code=201, headers={"Location": f"/api/v1/decisions/{record.id}"}
    )


@router.get(
    "/decisions/{decision_id}",
    summary="One saved decision: inputs, knowledge version, outputs",
    response_model=None,
    responses=responses(*BY_ID, ok=Decision),
)
def get_decision(request: Request, decision_id: int) -> dict[str, Any]:
    return _store(request).get(decision_id).to_json()


@router.patch(
    "/decisions/{decision_id}",
    summary="Rename ({name}) or change the answers ({situation})",
    openapi_extra=json_body(DecisionUpdate),
    response_model=None,
    responses=responses(*JSON_BODY, *BY_ID, ok=Decision),
)
async def update_decision(request: Request, decision_id: int) -> dict[str, Any]:
    body = validate_body(DecisionUpdate, await _json_body(request))
    if body.name is None and body.situation is None:
        raise BodyError(
            "body: expected name and/or situation, got nothing",
            [Problem("body", "expected name and/or situation")],
        )
    store = _store(request)
    if body.situation is not None:
        store.get(decision_id)  # an unknown decision is refused before the work
        fields = await run_in_threadpool(_compute, request, body.situation, _name(body.name))
        return store.replace(decision_id, **fields).to_json()
    return store.rename(decision_id, body.name or "").to_json()


@router.post(
    "/decisions/{decision_id}/duplicate",
    status_code=201,
    summary="Copy a decision (optional body: {name})",
    openapi_extra=json_body(DecisionCopy, required=False),
    response_model=None,
    responses=responses(*JSON_BODY, *BY_ID, ok=(201, Decision), gives={"decision_id": "/id"}),
)
async def duplicate_decision(request: Request, decision_id: int) -> JSONResponse:
    declared = request.headers.get("content-length")
    if declared == "0" or (declared is None and "transfer-encoding" not in request.headers):
        copy = DecisionCopy()  # no body
    else:
        copy = validate_body(DecisionCopy, await _json_body(request))
    record = _store(request).duplicate(decision_id, copy.name)
    return JSONResponse(
        record.to_json(), status_code=201, headers={"Location": f"/api/v1/decisions/{record.id}"}
    )


@router.delete(
    "/decisions/{decision_id}",
    status_code=204,
    summary="Delete a decision: it goes to the trash, restorable with POST /api/v1/trash/{id}/restore",
    responses=responses(*BY_ID, ok=(204, None)),
)
def delete_decision(request: Request, decision_id: int) -> Response:
    _store(request).delete(decision_id)
    return Response(status_code=204)


@router.get(
    "/decisions/{decision_id}/report",
    summary="The decision document (html, md, docx or pdf)",
    response_class=Response,
    responses=responses(*BY_ID, 413, 501, ok=REPORT_MEDIA),
)
async def report(
    request: Request,
    decision_id: int,
    format: Annotated[
        Literal["html", "md", "docx", "pdf"], Query(description="the document's format")
    ] = "html",
) -> Response:
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
        raise ReportUnavailable("report: decision documents are not available in this installation")
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
        await run_in_threadpool(_kept_vendors, request, decision_id),
        what=f"report of decision {decision_id}",
    )
    return Response(
        body, media_type=MEDIA[fmt], headers={"Content-Disposition": attachment(record.name, fmt)}
    )


def _kept_vendors(request: Request, decision_id: int) -> list[dict[str, Any]]:
    """The profiles of the vendors kept with a decision (its document includes them)."""
    from seamline.store.library import LibraryStore

    return [v.profile for v in LibraryStore.of(_store(request)).decision_vendors(decision_id)]


def attachment(name: str, ext: str) -> str:
    """A Content-Disposition naming the download after the decision: an ASCII ``filename`` (headers are
    Latin-1) and the name in full as UTF-8 in ``filename*`` (RFC 6266)."""
    from urllib.parse import quote

    plain = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name)[:60] or "decision"
    return f"attachment; filename=\"{plain}.{ext}\"; filename*=UTF-8''{quote(f'{name[:60]}.{ext}', safe='')}"
