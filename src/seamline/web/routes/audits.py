"""Stored audits of a contract repository (``seamline audit --store``) in the browser and the API.

``/audits`` lists the workspace's audits; ``/audits/{id}`` shows one: the figures of its ``audit.json``
(totals by type, detected against claimed model, mislabel candidates by value at risk, missing
protections, vendors by exposure, terms ending soon, engagements flagged for review) with the audit
report's charts, and its documents filtered in the database (vendor, detected model, a finding, a value
range), a page at a time; each document links to ``/audits/{id}/documents/{doc_id}``: its contract check
with the evidence highlighted, drawn by the contract page's own partial.

Audits belong to the request's workspace (:class:`seamline.store.audits.AuditStore`): another
workspace's audit or document is "not found", a viewer reads but cannot delete. Database reads run in
the thread pool; the page draws the charts as seamline.charts' responsive SVG (in the thread pool), and
their PNGs (Matplotlib, /audits/{id}/charts/N) are drawn once per audit in a worker process
(:mod:`seamline.web.jobs`) and kept in memory, since a stored audit never changes.
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from seamline.errors import SeamlineError
from seamline.store.audits import (
    CURSOR_MAX,
    FILTER_MAX,
    NO_MODEL,
    PAGE,
    PAGE_MAX,
    SPECIAL_FINDINGS,
    UNKNOWN_VENDOR,
    VALUE_MAX,
    AuditFilterError,
    AuditRecord,
    AuditStore,
    check_bound,
)
from seamline.web import audit_models as m
from seamline.web.openapi import BY_ID, responses
from seamline.web.security import check_csrf
from seamline.web.templating import render

pages_router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"])
SHOWN = 20  # rows of each of the audit's lists the page shows (audit.json and the API hold them all)
VENDORS_OFFERED = 500  # vendors offered in the filter's suggestions (by exposure)
CHARTS_KEPT = 16  # audits whose charts are kept in memory
AUDITS_KEPT = 8  # audits whose audit.json is kept in memory
FINDING_NAMES = {
    "mislabel": "Mislabel candidate",
    "review": "Flagged for review",
    "unreadable": "Could not be read",
}


def audits_of(request: Request) -> AuditStore:
    """The request's workspace's audits, as its user with their role."""
    from seamline.web.auth import decisions_of

    return AuditStore.of(decisions_of(request))


def _names(request: Request) -> dict[str, str]:
    return {mid: model.name for mid, model in request.app.state.service.kb.models.items()}


def _label(names: dict[str, str], value: str | None) -> str:
    if not value or value == NO_MODEL:
        return "none"
    return names.get(value, value.replace("_", " "))


def _money(values: dict[str, float] | None) -> str:
    if not values:
        return "—"
    shown = (f"{amount:,.0f} {currency}".replace(" (none)", "") for currency, amount in values.items())
    return "; ".join(shown)


def _value(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,.0f} {currency or ''}".strip()


async def _charts(request: Request, audit_id: int, audit: dict[str, Any]) -> list[tuple[bytes, str]]:
    """The audit report's charts (PNG, caption), drawn once per audit in a worker process and kept (a
    stored audit never changes; the caller has checked that the audit is the workspace's)."""
    kept: OrderedDict[int, list[tuple[bytes, str]]] = getattr(request.app.state, "audit_charts", None) or (
        OrderedDict()
    )
    request.app.state.audit_charts = kept
    if audit_id in kept:
        kept.move_to_end(audit_id)
        return kept[audit_id]
    from seamline.audit.report import charts as draw

    drawn = await request.app.state.jobs.run(draw, audit, what="audit charts")
    charts = [(base64.b64decode(str(uri).split(",", 1)[1]), str(caption)) for uri, caption in drawn]
    kept[audit_id] = charts
    while len(kept) > CHARTS_KEPT:
        kept.popitem(last=False)
    return charts


def _page_charts(audit: dict[str, Any]) -> list[tuple[Markup, str]]:
    """The audit's charts for the page: seamline.charts' responsive SVG (redrawn for a phone's width,
    labels readable), the same charts the report draws as PNG (served at /audits/{id}/charts/N)."""
    from seamline.audit.report import chart_specs
    from seamline.charts.svg import responsive

    return [(Markup(responsive(chart)), caption) for chart, caption in chart_specs(audit)]


async def _record(request: Request, store: AuditStore, audit_id: int) -> AuditRecord:
    """The audit with its audit.json: the summary read each time (it says whether the request's workspace
    has the audit), the audit.json kept in memory after the first read (a stored audit never changes and
    its id is never given to another; a large repository's audit.json is megabytes of JSON)."""
    summary = await run_in_threadpool(store.summary, audit_id)
    kept: OrderedDict[int, AuditRecord] = getattr(request.app.state, "audit_records", None) or OrderedDict()
    request.app.state.audit_records = kept
    record = kept.get(audit_id)
    if record is None or record.created_at != summary.created_at:
        record = await run_in_threadpool(store.audit, audit_id)
        kept[audit_id] = record
        while len(kept) > AUDITS_KEPT:
            kept.popitem(last=False)
    kept.move_to_end(audit_id)
    return record


def _filters(
    vendor: str | None,
    model: str | None,
    finding: str | None,
    min_value: str | float | None,
    max_value: str | float | None,
    claimed: str | None = None,
) -> dict[str, Any]:
    """The filters as given (empty ones dropped), bounds checked (a 422 naming the field otherwise)."""
    out: dict[str, Any] = {}
    for key, value in (("vendor", vendor), ("model", model), ("claimed", claimed), ("finding", finding)):
        if value:
            out[key] = value[:FILTER_MAX]
    for key, bound in (("min_value", min_value), ("max_value", max_value)):
        number = check_bound(bound, key)
        if number is not None:
            out[key] = number
    return out


def _query(filters: dict[str, Any], **more: Any) -> str:
    shown = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in {**filters, **more}.items() if v}
    return urlencode(shown)


# ------------------------------------------------------------------------------------------ pages
@pages_router.get("/audits", response_class=HTMLResponse)
def audits_page(request: Request) -> HTMLResponse:
    deleted = request.query_params.get("deleted") == "1"
    return render(request, "audits.html", {"audits": audits_of(request).audits(), "deleted": deleted})


@pages_router.get("/audits/{audit_id}", response_class=HTMLResponse)
async def audit_page(
    request: Request,
    audit_id: int,
    vendor: Annotated[str | None, Query(max_length=FILTER_MAX)] = None,
    model: Annotated[str | None, Query(max_length=FILTER_MAX)] = None,
    finding: Annotated[str | None, Query(max_length=FILTER_MAX)] = None,
    min_value: Annotated[str | None, Query(max_length=40)] = None,
    max_value: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[str | None, Query(max_length=CURSOR_MAX)] = None,
    claimed: Annotated[str | None, Query(max_length=FILTER_MAX)] = None,
) -> HTMLResponse:
    store = audits_of(request)
    record = await _record(request, store, audit_id)
    audit = record.audit
    names = _names(request)
    given = {
        "vendor": vendor,
        "model": model,
        "finding": finding,
        "min_value": min_value,
        "max_value": max_value,
        "claimed": claimed,
    }
    filter_error: SeamlineError | None = None
    page = None
    try:
        filters = _filters(vendor, model, finding, min_value, max_value, claimed)
        page = await run_in_threadpool(lambda: store.documents(audit_id, cursor=cursor or None, **filters))
    except AuditFilterError as exc:
        filters, filter_error = {}, exc
    shown_rows = {
        "mislabels": audit.get("mislabel_candidates", [])[:SHOWN],
        "ending": audit.get("ending_soon", [])[:SHOWN],
        "review": audit.get("review_flags", [])[:SHOWN],
    }
    paths = [r["path"] for rows in shown_rows.values() for r in rows if isinstance(r, dict)]
    ids = await run_in_threadpool(store.ids_of, audit_id, paths)
    charts = await run_in_threadpool(_page_charts, audit)
    items = audit.get("missing_protections", {}).get("items", {})
    missing_totals: dict[str, int] = {}
    for row in audit.get("missing_protections", {}).get("by_model", {}).values():
        for item, n in row.items():
            missing_totals[item] = missing_totals.get(item, 0) + n
    findings = [(k, v) for k, v in FINDING_NAMES.items()] + [
        (item, f"Missing: {items.get(item, {}).get('name', item)}")
        for item in sorted(missing_totals, key=lambda i: (-missing_totals[i], i))
    ]
    detected_models = sorted(
        {d for row in audit.get("detected_vs_claimed", {}).values() for d in row}, key=lambda d: d == "none"
    )
    ctx = {
        "record": record,
        "a": audit,
        "names": names,
        "label": lambda v: _label(names, v),
        "money": _money,
        "value": _value,
        "charts": charts,
        "rows": shown_rows,
        "ids": ids,
        "shown": SHOWN,
        "items": items,
        "missing_totals": sorted(missing_totals.items(), key=lambda kv: (-kv[1], kv[0])),
        "vendor_rows": audit.get("vendors", [])[:SHOWN],
        "vendor_names": [v["vendor"] for v in audit.get("vendors", [])[:VENDORS_OFFERED]],
        "models": detected_models,
        "findings": findings,
        "finding_names": dict(findings),
        "given": {k: v or "" for k, v in given.items()},
        "filters": filters,
        "filter_error": filter_error,
        "page": page,
        "next_url": (
            f"/audits/{audit_id}?{_query(filters, cursor=page.next_cursor)}#documents"
            if page and page.next_cursor
            else None
        ),
        "first_url": f"/audits/{audit_id}?{_query(filters)}#documents" if cursor else None,
        "query": _query(filters),
        "unknown_vendor": UNKNOWN_VENDOR,
    }
    return render(request, "audit.html", ctx, status_code=422 if filter_error else 200)


@pages_router.get("/audits/{audit_id}/charts/{number}")
async def audit_chart(request: Request, audit_id: int, number: int) -> Response:
    """The audit page's chart ``number`` (1-based) as PNG."""
    from seamline.store.repository import NotFoundError

    record = await _record(request, audits_of(request), audit_id)
    charts = await _charts(request, audit_id, record.audit)
    if not 1 <= number <= len(charts):
        raise NotFoundError(f"chart {number}: audit {audit_id} has {len(charts)} charts")
    return Response(
        charts[number - 1][0], media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
    )


@pages_router.get("/audits/{audit_id}/documents/{doc_id}", response_class=HTMLResponse)
async def audit_document_page(request: Request, audit_id: int, doc_id: int) -> HTMLResponse:
    """One document of an audit: its check with the evidence highlighted (the contract page's partial).
    The document's text is not stored, so each piece of evidence is the clause itself, highlighted
    whole."""
    from seamline.web.routes.contracts import stored_view

    store = audits_of(request)
    record = await _record(request, store, audit_id)
    doc = await run_in_threadpool(store.document, audit_id, doc_id)
    check = doc.record.get("check")
    report = None
    if isinstance(check, dict):
        report = await run_in_threadpool(stored_view, check, request.app.state.settings.knowledge)
    names = _names(request)
    items = record.audit.get("missing_protections", {}).get("items", {})
    back = request.query_params.get("back", "")
    back_url = f"/audits/{audit_id}?{back}#documents" if back and len(back) < 1000 else f"/audits/{audit_id}"
    return render(
        request,
        "audit_document.html",
        {
            "record": record,
            "doc": doc,
            "meta": doc.record.get("metadata") or {},
            "summary": doc.record.get("summary") or {},
            "report": report,
            "names": names,
            "filename": doc.path,
            "label": lambda v: _label(names, v),
            "value": _value,
            "items": items,
            "back_url": back_url,
        },
    )


@pages_router.post("/audits/{audit_id}/delete")
async def audit_delete(request: Request, audit_id: int) -> Response:
    store = audits_of(request)
    store.writable()
    await run_in_threadpool(store.summary, audit_id)  # another workspace's: 404 before the form is read
    form = await request.form()
    check_csrf(request, form)
    await run_in_threadpool(store.delete_audit, audit_id)
    return RedirectResponse("/audits?deleted=1", status_code=303)


# ------------------------------------------------------------------------------------------ JSON API
@api_router.get(
    "/audits",
    summary="The workspace's stored audits, newest first (summaries)",
    response_model=None,
    responses=responses(401, ok=m.AuditList),
)
def api_audits(request: Request) -> dict[str, Any]:
    return {"audits": [a.summary() for a in audits_of(request).audits()]}


@api_router.get(
    "/audits/{audit_id}",
    summary="A stored audit: its summary and its whole audit.json",
    response_model=None,
    responses=responses(*BY_ID, ok=m.Audit),
)
def api_audit(request: Request, audit_id: int) -> dict[str, Any]:
    return audits_of(request).audit(audit_id).to_json()


@api_router.get(
    "/audits/{audit_id}/documents",
    summary="A stored audit's documents, filtered, highest annual value first, a page at a time",
    response_model=None,
    responses=responses(*BY_ID, ok=m.AuditDocumentPage),
)
def api_audit_documents(
    request: Request,
    audit_id: int,
    vendor: Annotated[
        str | None,
        Query(max_length=FILTER_MAX, description=f"the vendor as the audit names it ({UNKNOWN_VENDOR})"),
    ] = None,
    model: Annotated[
        str | None,
        Query(max_length=FILTER_MAX, description=f"the detected model id ({NO_MODEL}: checked, none found)"),
    ] = None,
    finding: Annotated[
        str | None,
        Query(
            max_length=FILTER_MAX,
            description="a checklist item id (documents missing it where their model needs it), or one of "
            + ", ".join(SPECIAL_FINDINGS),
        ),
    ] = None,
    min_value: Annotated[
        float | None,
        Query(ge=0, le=VALUE_MAX, allow_inf_nan=False, description="the lowest annual value"),
    ] = None,
    max_value: Annotated[
        float | None,
        Query(ge=0, le=VALUE_MAX, allow_inf_nan=False, description="the highest annual value"),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(max_length=CURSOR_MAX, description="continue after the page that gave this next_cursor"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE,
    claimed: Annotated[
        str | None,
        Query(max_length=FILTER_MAX, description=f"the model id it claims ({NO_MODEL}: none claimed)"),
    ] = None,
) -> dict[str, Any]:
    """Documents without an annual value are left out when a value bound is given; filters combine."""
    filters = _filters(vendor, model, finding, min_value, max_value, claimed)
    page = audits_of(request).documents(audit_id, cursor=cursor, limit=limit, **filters)
    following = (
        f"{request.url.path}?{_query(filters, limit=limit, cursor=page.next_cursor)}"
        if page.next_cursor
        else None
    )
    return {
        "documents": [d.summary() for d in page.documents],
        "total": page.total,
        "limit": page.limit,
        "next_cursor": page.next_cursor,
        "next": following,
    }


@api_router.get(
    "/audits/{audit_id}/documents/{doc_id}",
    summary="One document of a stored audit: its filter columns and whole record (the check, with evidence)",
    response_model=None,
    responses=responses(*BY_ID, ok=m.AuditDocument),
)
def api_audit_document(request: Request, audit_id: int, doc_id: int) -> dict[str, Any]:
    return audits_of(request).document(audit_id, doc_id).to_json()


@api_router.delete(
    "/audits/{audit_id}",
    status_code=204,
    summary="Forget a stored audit and its documents",
    responses=responses(*BY_ID, 403, ok=(204, None)),
)
def api_delete_audit(request: Request, audit_id: int) -> Response:
    audits_of(request).delete_audit(audit_id)
    return Response(status_code=204)
