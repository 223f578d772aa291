"""Vendor due diligence in the browser and the API: enter a vendor's answers (upload the profile the CLI
reads, or fill in the form drawn from the same cited questions), see each answer graded with its reason and
evidence, the red flags and the weighted score for an engagement model; compare vendors side by side; keep
vendors with a decision (its document includes them).

Vendors belong to the request's workspace (:class:`seamline.store.library.LibraryStore`): another
workspace's vendor is "not found", a viewer may read and grade but not save. Grading is a few regular
expressions per answer (in the thread pool); the comparison chart (seamline.charts, inline SVG that
redraws for a phone's width) is drawn in a worker process (:mod:`seamline.web.jobs`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from seamline.errors import Problem, SeamlineError
from seamline.store.library import LibraryStore, VendorRecord
from seamline.web import tasks
from seamline.web.openapi import BY_ID, JSON_BODY, BodyError, json_body, responses, validate_body
from seamline.web.security import check_csrf
from seamline.web.templating import render
from seamline.web.vendor_form import (
    REFERENCES,
    field_id,
    profile_to_values,
    read_upload,
    values_to_profile,
    with_lines,
)

pages_router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"])
COMPARE_MAX = 8  # vendors side by side (a procurement round's shortlist)


def library_of(request: Request) -> LibraryStore:
    """The request's workspace's vendors and portfolios, as its user with their role."""
    from seamline.web.auth import decisions_of

    return LibraryStore.of(decisions_of(request))


def _vk(request: Request) -> Any:
    from seamline.vendors import load_vendor_knowledge

    return load_vendor_knowledge(request.app.state.service.kb.root)


def _model(request: Request, value: Any, field: str = "model") -> str | None:
    """An engagement model id, or None (every question weighted equally) for an empty value."""
    if value in (None, ""):
        return None
    models = request.app.state.service.kb.models
    if not isinstance(value, str) or value not in models:
        from seamline.yamlio import brief

        raise BodyError(
            f"{field}: got {brief(value)}; expected an engagement model id",
            [Problem(field, f"expected one of: {', '.join(models)}")],
        )
    return value


def parse_profile(request: Request, data: Any, where: str, *, strict: bool = False) -> Any:
    """A vendor profile, validated as the CLI does; ``strict`` (a JSON body): a value of another JSON type
    than the schema's (``false`` for a number) is refused too, not converted."""
    from pydantic import ValidationError

    from seamline.vendors import VendorProfile, parse_vendor
    from seamline.yamlio import field_path

    if strict and isinstance(data, dict):
        try:
            VendorProfile.model_validate(data, strict=True)
        except ValidationError as exc:
            wrong = [e for e in exc.errors() if e["type"].endswith(("_type", "_parsing"))]
            if wrong:
                problems = [Problem(field_path(tuple(e["loc"])), str(e["msg"])) for e in wrong]
                raise BodyError(f"{where}: invalid vendor profile", problems) from None
    return parse_vendor(data, where, _vk(request))


def profile_of(record: VendorRecord) -> Any:
    from seamline.vendors import VendorProfile

    return VendorProfile.model_validate(record.profile)


def scorecard_view(request: Request, card: Any) -> dict[str, Any]:
    """A scorecard as the page shows it: each answer with its grade's meaning and source."""
    vk = _vk(request)
    total = sum(q.weight for q in card.questions) or 1.0
    return {
        "card": card,
        "questions": [
            {
                "q": q,
                "why": vk.question(q.id).why,
                "grade_text": vk.grades[q.grade].text,
                "grade_source": vk.grades[q.grade].source,
                "share": q.weight / total,
            }
            for q in card.questions
        ],
    }


def _models(request: Request) -> list[tuple[str, str]]:
    return [(m.id, m.name) for m in request.app.state.service.kb.models.values()]


def _decision(request: Request, decision_id: Any) -> Any:
    """The decision a vendor page was opened from (None when none, or not a whole number)."""
    if decision_id in (None, ""):
        return None
    try:
        number = int(str(decision_id))
    except ValueError:
        return None
    from seamline.web.auth import decisions_of

    return decisions_of(request).get(number)


def _form_context(request: Request, values: dict[str, Any], error: SeamlineError | None) -> dict[str, Any]:
    vk = _vk(request)
    errors: dict[str, list[str]] = {}
    for p in error.problems if error else []:
        errors.setdefault(field_id(p.where), []).append(p.message)
    return {
        "vk": vk,
        "values": values,
        "field_errors": errors,
        "field_id": field_id,
        "references": range(1, REFERENCES + 1),
        "models": _models(request),
    }


def _draw(
    request: Request,
    *,
    values: dict[str, Any] | None = None,
    error: SeamlineError | None = None,
    upload_error: SeamlineError | None = None,
    decision_id: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The vendors page (database reads: call it from a thread, as a sync route or through :func:`_page`)."""
    library = library_of(request)
    ctx = {
        "vendors": library.vendors(),
        "error": error,
        "upload_error": upload_error,
        "decision": _decision(request, decision_id),
        **_form_context(request, values or {}, error),
    }
    return render(request, "vendors.html", ctx, status_code=status_code)


async def _page(request: Request, **context: Any) -> HTMLResponse:
    """:func:`_draw` in the thread pool (its database reads stay off the event loop)."""
    return await run_in_threadpool(lambda: _draw(request, **context))


# ------------------------------------------------------------------------------------------ pages
@pages_router.get("/vendors", response_class=HTMLResponse)
def vendors_page(request: Request, decision: int | None = None) -> HTMLResponse:
    return _draw(request, decision_id=decision)


@pages_router.post("/vendors", response_class=HTMLResponse)
async def vendors_enter(request: Request) -> Response:
    """A vendor entered in the form or uploaded as a file: saved, then shown graded."""
    form = await request.form(max_part_size=2_000_000)
    check_csrf(request, form)
    library = library_of(request)
    decision = form.get("decision") or None
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(2_000_000)
        filename = upload.filename.rsplit("/", 1)[-1][:200]
        text = ""
        try:
            library.writable()
            raw, text = read_upload(filename, data)
            vendor = parse_profile(request, raw, filename)
        except SeamlineError as exc:
            exc = with_lines(exc, text, filename) if text else exc
            status = int(getattr(exc, "status", 400))
            return await _page(
                request,
                upload_error=exc,
                decision_id=decision,
                status_code=status if status != 422 else 400,
            )
    else:
        values = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "models"}
        models = [v for v in form.getlist("models") if isinstance(v, str)]
        try:
            library.writable()
            vendor = parse_profile(request, values_to_profile(values, models), "vendor")
        except SeamlineError as exc:
            status = int(getattr(exc, "status", 400))
            return await _page(
                request,
                values={**values, "models": models},
                error=exc,
                decision_id=decision,
                status_code=status if status != 422 else 400,
            )
    record = await run_in_threadpool(
        library.save_vendor, vendor.name, vendor.model_dump(mode="json", exclude_none=True)
    )
    target = f"/vendors/{record.id}?saved=1"
    if decision:
        target += f"&decision={decision}"
    return RedirectResponse(target, status_code=303)


@pages_router.get("/vendors/compare", response_class=HTMLResponse)
async def compare_page(
    request: Request,
    vendor: Annotated[list[int] | None, Query()] = None,
    model: str | None = None,
    decision: int | None = None,
) -> HTMLResponse:
    chosen = list(dict.fromkeys(vendor or []))[:COMPARE_MAX]
    model_id = _model(request, model) if model else None
    ctx, records = await run_in_threadpool(_compare_context, request, chosen, model_id, decision)
    comparison = ctx["comparison"]
    if comparison is not None:
        profiles = [r.profile for r in records]
        svg = await request.app.state.jobs.run(
            tasks.vendor_chart, request.app.state.settings, profiles, model_id, what="vendor comparison chart"
        )
        ctx |= {
            "ranking": comparison.ranking,
            "chart": inline_svg(svg),
            "chart_alt": "Grade points per question for "
            + ", ".join(f"{c.vendor} ({c.score:g}/100)" for c in comparison.ranking),
        }
    return render(request, "vendor_compare.html", ctx)


def _compare_context(
    request: Request, chosen: list[int], model_id: str | None, decision: int | None
) -> tuple[dict[str, Any], list[VendorRecord]]:
    from seamline.vendors import compare_vendors

    library = library_of(request)
    records = library.vendors(chosen) if len(chosen) >= 2 else []
    comparison = (
        compare_vendors([profile_of(r) for r in records], model_id, _vk(request)) if records else None
    )
    ctx = {
        "vendors": library.vendors(),
        "chosen": chosen,
        "model": model_id,
        "models": _models(request),
        "decision": _decision(request, decision),
        "comparison": comparison,
    }
    return ctx, records


def inline_svg(markup: str) -> Markup:
    """A chart's page markup (seamline.charts.responsive: every label escaped there) for a template: inline,
    so it redraws for a phone's width, where an <img> would only shrink its text."""
    return Markup(markup)


@pages_router.get("/vendors/{vendor_id:int}", response_class=HTMLResponse)
async def vendor_page(
    request: Request, vendor_id: int, model: str | None = None, decision: int | None = None
) -> HTMLResponse:
    ctx = await run_in_threadpool(_vendor_context, request, vendor_id, model, decision)
    return render(request, "vendor.html", ctx)


def _vendor_context(
    request: Request, vendor_id: int, model: str | None, decision: int | None
) -> dict[str, Any]:
    from seamline.vendors import score_vendor

    library = library_of(request)
    record = library.vendor(vendor_id)
    opened_from = _decision(request, decision)
    # opened from a decision: the model it recommends buying, unless another is chosen
    model_id = opened_from.top_model if model is None and opened_from else _model(request, model)
    card = score_vendor(profile_of(record), model_id, _vk(request))
    kept = library.decision_vendors(opened_from.id) if opened_from else []
    return {
        "vendor": record,
        "model": model_id,
        "models": _models(request),
        "decision": opened_from,
        "kept": any(v.id == record.id for v in kept),
        "saved": request.query_params.get("saved") == "1",
        "decisions": _decisions(request),
        **scorecard_view(request, card),
        **_form_context(request, profile_to_values(record.profile), None),
    }


def _decisions(request: Request) -> list[Any]:
    from seamline.store.repository import LIST_LIMIT_MAX
    from seamline.web.auth import decisions_of

    identity = getattr(request.state, "identity", None)
    if identity is None or not identity.can_edit:
        return []
    return list(decisions_of(request).summaries(limit=LIST_LIMIT_MAX).decisions)


@pages_router.post("/vendors/{vendor_id:int}/delete")
async def vendor_delete(request: Request, vendor_id: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    await run_in_threadpool(library_of(request).delete_vendor, vendor_id)
    return RedirectResponse("/vendors?deleted=1", status_code=303)


@pages_router.post("/vendors/{vendor_id:int}/keep")
async def vendor_keep(request: Request, vendor_id: int) -> Response:
    """Keep this vendor with the decision chosen in the form."""
    form = await request.form()
    check_csrf(request, form)
    library = library_of(request)
    library.writable()
    await run_in_threadpool(library.vendor, vendor_id)
    raw = form.get("decision")
    try:
        decision_id = int(str(raw))
    except ValueError:
        raise SeamlineError(
            f"decision: got {str(raw)[:40]!r}; expected a saved decision's id",
            [Problem("decision", "expected a saved decision's id")],
        ) from None
    await run_in_threadpool(library.attach_vendor, decision_id, vendor_id)
    return RedirectResponse(f"/decisions/{decision_id}/vendors", status_code=303)


@pages_router.get("/decisions/{decision_id}/vendors", response_class=HTMLResponse)
async def decision_vendors_page(request: Request, decision_id: int, model: str | None = None) -> HTMLResponse:
    """The vendors kept with a decision, compared for the model it recommends (or the one chosen)."""
    ctx = await run_in_threadpool(_decision_vendors_context, request, decision_id, model)
    kept, model_id, comparison = ctx["kept"], ctx["model"], ctx["comparison"]
    if comparison is not None and len(kept) >= 2:
        svg = await request.app.state.jobs.run(
            tasks.vendor_chart,
            request.app.state.settings,
            [r.profile for r in kept],
            model_id,
            what="vendor comparison chart",
        )
        ctx |= {
            "chart": inline_svg(svg),
            "chart_alt": "Grade points per question for "
            + ", ".join(f"{c.vendor} ({c.score:g}/100)" for c in comparison.ranking),
        }
    return render(request, "decision_vendors.html", ctx)


def _decision_vendors_context(request: Request, decision_id: int, model: str | None) -> dict[str, Any]:
    from seamline.vendors import compare_vendors
    from seamline.web.auth import decisions_of

    record = decisions_of(request).get(decision_id)
    library = library_of(request)
    kept = library.decision_vendors(decision_id)
    model_id = record.top_model if model is None else _model(request, model)
    comparison = compare_vendors([profile_of(r) for r in kept], model_id, _vk(request)) if kept else None
    return {
        "decision": record,
        "kept": kept,
        "others": [v for v in library.vendors() if v.id not in {k.id for k in kept}],
        "model": model_id,
        "models": _models(request),
        "comparison": comparison,
        "ranking": comparison.ranking if comparison else [],
    }


@pages_router.post("/decisions/{decision_id}/vendors")
async def decision_vendors_change(request: Request, decision_id: int) -> Response:
    """Keep a vendor with the decision (``action=keep``) or stop keeping it (``action=remove``)."""
    library = library_of(request)
    await run_in_threadpool(library.check_decision, decision_id)  # another's: 404 before the form is read
    form = await request.form()
    check_csrf(request, form)
    raw, action = form.get("vendor"), form.get("action")
    try:
        vendor_id = int(str(raw))
    except ValueError:
        raise SeamlineError(
            f"vendor: got {str(raw)[:40]!r}; expected a saved vendor's id",
            [Problem("vendor", "expected a saved vendor's id")],
        ) from None
    if action == "remove":
        await run_in_threadpool(library.detach_vendor, decision_id, vendor_id)
    else:
        await run_in_threadpool(library.attach_vendor, decision_id, vendor_id)
    return RedirectResponse(f"/decisions/{decision_id}/vendors", status_code=303)


# ------------------------------------------------------------------------------------------ JSON API
def api_models() -> Any:
    from seamline.web import api_models

    return api_models


_m = api_models()


async def _body(request: Request) -> dict[str, Any]:
    from seamline.web.routes.api import _json_body

    return await _json_body(request)


def _vendor_json(request: Request, record: VendorRecord, model: str | None) -> dict[str, Any]:
    from seamline.vendors import score_vendor

    return {**record.to_json(), "scorecard": score_vendor(profile_of(record), model, _vk(request)).to_json()}


@api_router.post(
    "/vendors/score",
    summary="Grade a vendor profile: each answer, red flags, weighted score for a model",
    openapi_extra=json_body(_m.VendorScoreBody),
    response_model=None,
    responses=responses(*JSON_BODY, ok=_m.Scorecard),
)
async def api_score(request: Request) -> dict[str, Any]:
    from seamline.vendors import score_vendor

    body = validate_body(_m.VendorScoreBody, await _body(request))
    model = _model(request, body.model)
    vendor = _in_body(lambda: parse_profile(request, body.profile, "profile", strict=True), "profile")
    card = await run_in_threadpool(score_vendor, vendor, model, _vk(request))
    return card.to_json()


def _in_body(make: Any, prefix: str) -> Any:
    """``make()``, a problem in the profile named by its path in the body (``profile.rates``)."""
    try:
        return make()
    except SeamlineError as exc:
        exc.problems = [
            Problem(f"{prefix}.{p.where.rsplit(': ', 1)[-1]}".rstrip("."), p.message) for p in exc.problems
        ] or [Problem(prefix, exc.message)]
        raise BodyError(exc.message, exc.problems) from None


@api_router.post(
    "/vendors/compare",
    summary="Compare vendors side by side: profiles in the body and/or saved vendors by id",
    openapi_extra=json_body(_m.VendorCompareBody),
    response_model=None,
    responses=responses(*JSON_BODY, 404, ok=_m.VendorComparison),
)
async def api_compare(request: Request) -> dict[str, Any]:
    from seamline.vendors import compare_vendors

    body = validate_body(_m.VendorCompareBody, await _body(request))
    model = _model(request, body.model)
    profiles = [
        _in_body(lambda p=p, i=i: parse_profile(request, p, f"profiles[{i}]", strict=True), f"profiles[{i}]")
        for i, p in enumerate(body.profiles or [])
    ]
    library = library_of(request)
    saved = await run_in_threadpool(library.vendors, list(body.vendor_ids or []))
    vendors = profiles + [profile_of(r) for r in saved]
    if not 2 <= len(vendors) <= COMPARE_MAX:
        raise BodyError(
            f"body: {len(vendors)} vendor(s); expected from 2 to {COMPARE_MAX} (profiles and vendor_ids)",
            [Problem("profiles", f"expected 2 to {COMPARE_MAX} vendors in all")],
        )
    try:
        comparison = compare_vendors(vendors, model, _vk(request))
    except SeamlineError as exc:
        raise BodyError(exc.message, [Problem("profiles", exc.message)]) from None
    return comparison.to_json()


@api_router.post(
    "/vendors",
    status_code=201,
    summary="Save a vendor profile in the workspace (a name saved before: its answers are replaced)",
    openapi_extra=json_body(_m.VendorSaveBody),
    response_model=None,
    responses=responses(*JSON_BODY, 403, 409, ok=(201, _m.Vendor), gives={"vendor_id": "/id"}),
)
async def api_save(request: Request) -> JSONResponse:
    library = library_of(request)
    library.writable()
    body = validate_body(_m.VendorSaveBody, await _body(request))
    vendor = _in_body(lambda: parse_profile(request, body.profile, "profile", strict=True), "profile")
    from seamline.store.repository import check_name

    _in_body(lambda: check_name(vendor.name, "name"), "profile")
    record = await run_in_threadpool(
        library.save_vendor, vendor.name, vendor.model_dump(mode="json", exclude_none=True)
    )
    return JSONResponse(
        _vendor_json(request, record, None),
        status_code=201,
        headers={"Location": f"/api/v1/vendors/{record.id}"},
    )


@api_router.get(
    "/vendors",
    summary="The workspace's saved vendors (summaries, by name)",
    response_model=None,
    responses=responses(401, ok=_m.VendorList),
)
async def api_list(request: Request) -> dict[str, Any]:
    records = await run_in_threadpool(library_of(request).vendors)
    return {"vendors": [r.summary() for r in records]}


def model_query(description: str) -> dict[str, Any]:
    """``openapi_extra`` declaring the ``model`` query parameter as an engagement model id (the ids come
    from the knowledge base: the spec's ``ModelId``); the route reads it itself (:func:`_model`)."""
    schema = {"$ref": "#/components/schemas/ModelId"}
    return {
        "parameters": [
            {"name": "model", "in": "query", "required": False, "description": description, "schema": schema}
        ]
    }


@api_router.get(
    "/vendors/{vendor_id:int}",
    summary="A saved vendor: its profile and its scorecard for a model (?model=)",
    response_model=None,
    openapi_extra=model_query("the engagement model being bought (default: every question weighted equally)"),
    responses=responses(*BY_ID, ok=_m.Vendor),
)
async def api_vendor(request: Request, vendor_id: int) -> dict[str, Any]:
    record = await run_in_threadpool(library_of(request).vendor, vendor_id)
    return _vendor_json(request, record, _model(request, request.query_params.get("model")))


@api_router.delete(
    "/vendors/{vendor_id:int}",
    status_code=204,
    summary="Forget a saved vendor (and every decision's link to it)",
    responses=responses(*BY_ID, 403, ok=(204, None)),
)
async def api_delete(request: Request, vendor_id: int) -> Response:
    await run_in_threadpool(library_of(request).delete_vendor, vendor_id)
    return Response(status_code=204)


@api_router.get(
    "/decisions/{decision_id}/vendors",
    summary="The vendors kept with a decision, compared for the model it recommends (or ?model=)",
    response_model=None,
    openapi_extra=model_query("the engagement model (default: the one the decision recommends)"),
    responses=responses(*BY_ID, ok=_m.DecisionVendors),
)
async def api_decision_vendors(request: Request, decision_id: int) -> dict[str, Any]:
    model = request.query_params.get("model")
    return await run_in_threadpool(_decision_vendors_json, request, decision_id, model)


def _decision_vendors_json(request: Request, decision_id: int, model: str | None) -> dict[str, Any]:
    from seamline.vendors import compare_vendors
    from seamline.web.auth import decisions_of

    record = decisions_of(request).get(decision_id)
    kept = library_of(request).decision_vendors(decision_id)
    model_id = record.top_model if model is None else _model(request, model)
    comparison = compare_vendors([profile_of(r) for r in kept], model_id, _vk(request)) if kept else None
    return {
        "decision_id": decision_id,
        "model": model_id,
        "vendors": [r.summary() for r in kept],
        "comparison": comparison.to_json() if comparison else None,
    }


@api_router.put(
    "/decisions/{decision_id}/vendors/{vendor_id:int}",
    summary="Keep a saved vendor with a decision (its document then includes the vendor)",
    response_model=None,
    responses=responses(*BY_ID, 403, ok=_m.DecisionVendors),
)
async def api_attach(request: Request, decision_id: int, vendor_id: int) -> dict[str, Any]:
    library = library_of(request)
    await run_in_threadpool(library.attach_vendor, decision_id, vendor_id)
    return await run_in_threadpool(_decision_vendors_json, request, decision_id, None)


@api_router.delete(
    "/decisions/{decision_id}/vendors/{vendor_id:int}",
    summary="Stop keeping a vendor with a decision",
    response_model=None,
    responses=responses(*BY_ID, 403, ok=_m.DecisionVendors),
)
async def api_detach(request: Request, decision_id: int, vendor_id: int) -> dict[str, Any]:
    library = library_of(request)
    await run_in_threadpool(library.detach_vendor, decision_id, vendor_id)
    return await run_in_threadpool(_decision_vendors_json, request, decision_id, None)
