"""Your own assumptions on a saved decision: rates, key cost parameters, pricing, the fixed bid and the
criterion weights, each next to its cited default (:mod:`seamline.assumptions`).

Pages: the panel on the results page previews every edit live (``POST .../assumptions/preview``, an htmx
fragment: the answer, the costs and the sensitivity recomputed in the thread pool, memoised by the
service's caches) and saves or resets (``POST .../assumptions``). API: ``GET``, ``PATCH`` and ``DELETE
/api/v1/decisions/{id}/assumptions``. The figures are kept in the decision's situation (``costs`` and
``weights``), so its history, its document and the JSON API see them like any other answer.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from seamline.assumptions import GROUP_TITLES, Assumption, apply_edits, assumptions, problems_by_key
from seamline.errors import Problem, SeamlineError, SituationError
from seamline.situation import Situation
from seamline.store import DecisionRecord
from seamline.web.api_models import Decision
from seamline.web.openapi import BY_ID, JSON_BODY, BodyError, responses
from seamline.web.security import check_csrf
from seamline.web.service import Service
from seamline.web.templating import render

pages_router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"])
KEY_MAX = 200  # characters of an assumption's key (rates.<role>.<unit>: ids of at most 100 each)
KEY_PATTERN = (  # the shape of a figure's key; which keys a decision has, GET .../assumptions lists
    r"^(rates\.[a-z0-9_]+\.(hour|month|year)|parameters\.[a-z0-9_]+|pricing\.[a-z0-9_]+|fixed_bid"
    r"|weights\.[a-z0-9_]+)$"
)


def _service(request: Request) -> Service:
    return request.app.state.service


def _store(request: Request) -> Any:
    from seamline.web.auth import decisions_of

    return decisions_of(request)


def listed(service: Service, situation: dict[str, Any]) -> tuple[Assumption, ...]:
    """The panel's figures for a stored situation (its defaults, sources and the user's values); about
    3.5 ms to work out (a cost plan and the derived weights), so kept per situation with the service's
    other fragments. Called in the thread pool."""
    import json

    key = "assumptions " + json.dumps(situation, sort_keys=True, separators=(",", ":"), default=str)
    found: tuple[Assumption, ...] | None = service.fragments.get(key)
    if found is None:
        found = assumptions(service.parse(situation), service.kb)
        service.fragments.put(key, found)
    return found


def panel_context(
    service: Service,
    situation: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What ``_assumptions.html`` draws: the figures by group, their sources' titles, errors and what the
    user typed (kept when a save is refused)."""
    figures = listed(service, situation)
    groups = [(title, [a for a in figures if a.group == group]) for group, title in GROUP_TITLES.items()]
    return {
        "assumption_groups": [(t, items) for t, items in groups if items],
        "assumption_errors": errors or {},
        "assumption_error_list": [(a, (errors or {})[a.key]) for a in figures if a.key in (errors or {})]
        + ([(None, (errors or {})[""])] if "" in (errors or {}) else []),
        "assumption_typed": typed or {},
        "assumption_count": sum(1 for a in figures if a.overridden),
        "assumptions_in_use": [a for a in figures if a.overridden],
        "source_titles": {s.id: f"{s.publisher}, {s.title}" for s in service.kb.sources.values()},
    }


def edited(
    service: Service, record: DecisionRecord, fields: dict[str, Any], reset: str | None
) -> tuple[Situation | None, dict[str, str]]:
    """The decision's situation with the edited figures, or None and the problems by figure key."""
    figures = listed(service, record.situation)
    costs, weights, problems = apply_edits(service.parse(record.situation), fields, figures, reset=reset)
    if problems:
        return None, problems_by_key(problems, figures)
    data = {k: v for k, v in record.situation.items() if k not in ("costs", "weights")}
    if costs:
        data["costs"] = costs
    if weights:
        data["weights"] = weights
    try:
        situation = service.parse(data, "assumptions")
        from seamline.cost import build_plan

        build_plan(situation, knowledge=service.knowledge, where="assumptions")  # the plan's own checks
    except SeamlineError as exc:
        problems = exc.problems or [Problem("", exc.message)]
        return None, problems_by_key(problems, figures)
    return situation, {}


def _form_fields(form: Any) -> tuple[dict[str, str], str | None]:
    fields = {
        k: v
        for k, v in form.items()
        if isinstance(v, str) and k not in ("csrf_token", "reset") and len(k) <= KEY_MAX
    }
    reset = form.get("reset")
    return fields, reset if isinstance(reset, str) and reset else None


@pages_router.post("/decisions/{decision_id}/assumptions/preview", response_class=HTMLResponse)
async def preview(request: Request, decision_id: int) -> HTMLResponse:
    """The answer, costs and sensitivity with the figures as typed (nothing saved): the outcome panel,
    with the results below and each field's error swapped in out of band."""
    form = await request.form()
    check_csrf(request, form)
    service = _service(request)
    store = _store(request)
    record = await run_in_threadpool(store.get, decision_id)
    fields, reset = _form_fields(form)
    situation, errors = await run_in_threadpool(edited, service, record, fields, reset)
    figures = await run_in_threadpool(listed, service, record.situation)  # kept by edited(): a lookup
    context: dict[str, Any] = {"figures": figures, "errors": errors, "decision": record}
    if situation is None:
        return render(request, "_assumptions_preview.html", context)
    # the same figures again (typing back and forth): the fragment drawn before, for this version
    key = f"preview {record.id} {record.updated_at.isoformat()} {situation.model_dump_json()}"
    kept: str | None = service.fragments.get(key)
    if kept is None:
        outputs = await run_in_threadpool(service.outputs, situation)  # a cost run: off the event loop
        context.update(await run_in_threadpool(_outcome, request, outputs, record))
        response = await run_in_threadpool(render, request, "_assumptions_preview.html", context)
        service.fragments.put(key, bytes(response.body).decode())
        return response
    return HTMLResponse(kept)


def _outcome(request: Request, outputs: dict[str, Any], record: DecisionRecord) -> dict[str, Any]:
    from seamline.web.views import results_view

    service = _service(request)
    view = results_view(service, outputs)
    template = request.app.state.templates.env.get_template("_results_body.html")
    body = Markup(
        template.render(**view, service=service, contract=record.contract, decision=record, can_edit=True)
    )
    return {"outputs": outputs, "view": view, "body": body}


@pages_router.post("/decisions/{decision_id}/assumptions", response_class=HTMLResponse)
async def save(request: Request, decision_id: int) -> Response:
    """Save the figures (or reset one, ``reset=<key>``, or all, ``reset=all``) as a new version of the
    decision; refused figures are shown next to their fields and nothing is saved."""
    form = await request.form()
    check_csrf(request, form)
    service = _service(request)
    store = _store(request)
    record = await run_in_threadpool(store.get, decision_id)
    fields, reset = _form_fields(form)
    situation, errors = await run_in_threadpool(edited, service, record, fields, reset)
    if situation is None:
        from seamline.web.routes.pages import _results_page

        extra = panel_context(service, record.situation, errors=errors, typed=fields)
        return await run_in_threadpool(
            _results_page, request, record.situation, record.outputs, record, extra, 400
        )
    from seamline.web.routes.pages import _save

    await run_in_threadpool(_save, request, situation, record.id)
    notice = "reset" if reset == "all" else "saved"
    return RedirectResponse(f"/decisions/{record.id}?assumptions={notice}#assumptions", status_code=303)


# ------------------------------------------------------------------------------------------ API
class AssumptionOut(BaseModel):
    """One figure: its cited default (the likely value, or a pricing option) and your value (null: the
    default is used); ranges as [low, likely, high]."""

    model_config = ConfigDict(extra="allow")

    key: str
    group: str
    name: str
    unit: str
    default: float | str | None
    default_range: list[float] | None = None
    value: float | str | None
    value_range: list[float] | None = None
    options: list[dict[str, str]] = []
    source: str
    source_title: str
    note: str | None = None


class AssumptionsOut(BaseModel):
    """Every figure you may set for a decision, next to its cited default."""

    model_config = ConfigDict(extra="allow")

    decision_id: int
    assumptions: list[AssumptionOut]


EDIT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "values": {
                            "type": "object",
                            "description": "figure key (as GET lists them) -> a number in the figure's "
                            "unit (a share as a fraction), a pricing option's id, or null for the cited "
                            "default; figures not named keep their value",
                            "propertyNames": {"pattern": KEY_PATTERN, "maxLength": KEY_MAX},
                            "additionalProperties": {
                                "anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}]
                            },
                        }
                    },
                    "required": ["values"],
                    "additionalProperties": False,
                },
                "example": {"values": {"rates.developer_mid.month": 6500, "weights.control": 3}},
            }
        },
    }
}


def _json_out(service: Service, record: DecisionRecord) -> dict[str, Any]:
    titles = {s.id: f"{s.publisher}, {s.title}" for s in service.kb.sources.values()}
    return {
        "decision_id": record.id,
        "assumptions": [
            {**a.to_json(), "source_title": titles.get(a.source, a.source)}
            for a in listed(service, record.situation)
        ],
    }


@api_router.get(
    "/decisions/{decision_id}/assumptions",
    summary="Your assumptions on a decision next to the cited defaults",
    response_model=None,
    responses=responses(*BY_ID, ok=AssumptionsOut),
)
async def api_get(request: Request, decision_id: int) -> dict[str, Any]:
    record = await run_in_threadpool(_store(request).get, decision_id)
    return await run_in_threadpool(_json_out, _service(request), record)


@api_router.patch(
    "/decisions/{decision_id}/assumptions",
    summary="Set figures ({values: {key: number | option | null}}); the decision is recomputed and saved",
    openapi_extra=EDIT_BODY,
    response_model=None,
    responses=responses(*JSON_BODY, *BY_ID, ok=Decision),
)
async def api_patch(request: Request, decision_id: int) -> dict[str, Any]:
    values = await _values_of(request, decision_id)
    return await _api_apply(request, decision_id, values, None)


async def _values_of(request: Request, decision_id: int) -> dict[str, Any]:
    """The body's ``values`` (an unknown decision is a 404 before the body is read)."""
    from seamline.web.routes.api import _json_body

    await run_in_threadpool(_store(request).get, decision_id)
    body = await _json_body(request)
    values = body.get("values") if isinstance(body, dict) else None
    unknown = [k for k in body if k != "values"] if isinstance(body, dict) else []
    if unknown or not isinstance(values, dict):
        where = f"body.{unknown[0]}" if unknown else "values"
        raise BodyError(
            f"{where}: expected a body {{values: {{key: number, option or null}}}}",
            [Problem(where, "expected an object of figure keys")],
        )
    return values


class AssumptionsPreview(BaseModel):
    """What a decision would say with these figures (nothing saved): its situation and every output."""

    model_config = ConfigDict(extra="allow")

    decision_id: int
    situation: dict[str, Any]
    outputs: dict[str, Any]


@api_router.post(
    "/decisions/{decision_id}/assumptions/preview",
    summary="The answer, costs and sensitivity with these figures, nothing saved (body as for PATCH)",
    openapi_extra=EDIT_BODY,
    response_model=None,
    responses=responses(*JSON_BODY, *BY_ID, ok=AssumptionsPreview),
)
async def api_preview(request: Request, decision_id: int) -> dict[str, Any]:
    values = await _values_of(request, decision_id)
    service = _service(request)
    record = await run_in_threadpool(_store(request).get, decision_id)
    situation = await _checked(request, record, values, None)
    outputs = await run_in_threadpool(service.outputs, situation)  # a cost run: off the event loop
    return {
        "decision_id": record.id,
        "situation": situation.model_dump(mode="json", exclude_none=True),
        "outputs": outputs,
    }


@api_router.delete(
    "/decisions/{decision_id}/assumptions",
    summary="Set every figure back to its cited default; the decision is recomputed and saved",
    response_model=None,
    responses=responses(*BY_ID, ok=Decision),
)
async def api_reset(request: Request, decision_id: int) -> dict[str, Any]:
    return await _api_apply(request, decision_id, {}, "all")


async def _checked(
    request: Request, record: DecisionRecord, values: dict[str, Any], reset: str | None
) -> Situation:
    """The decision's situation with ``values``; 422 naming ``values.<key>`` for a key the decision does
    not list or a figure that cannot be used."""
    service = _service(request)
    keys = {a.key for a in await run_in_threadpool(listed, service, record.situation)}
    strange = [k for k in values if k not in keys]
    if strange:
        raise BodyError(
            f"values.{strange[0][:KEY_MAX]}: not a figure of this decision; GET the assumptions for the keys",
            [Problem(f"values.{k[:KEY_MAX]}", "unknown figure") for k in strange[:20]],
        )
    situation, errors = await run_in_threadpool(edited, service, record, values, reset)
    if situation is None:
        raise SituationError(
            f"assumptions: {len(errors)} figure(s) refused",
            [Problem(f"values.{k}" if k else "values", m) for k, m in errors.items()],
        )
    return situation


async def _api_apply(
    request: Request, decision_id: int, values: dict[str, Any], reset: str | None
) -> dict[str, Any]:
    record = await run_in_threadpool(_store(request).get, decision_id)
    situation = await _checked(request, record, values, reset)
    from seamline.web.routes.pages import _save

    saved = await run_in_threadpool(_save, request, situation, record.id)
    out: dict[str, Any] = saved.to_json()
    return out
