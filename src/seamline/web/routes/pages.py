"""Server-rendered pages: questionnaire (live recommendation), results, saved decisions, compare."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from seamline.errors import SeamlineError, SituationError
from seamline.situation import Situation
from seamline.store import DecisionPage, DecisionRecord, DecisionStore, DecisionSummary
from seamline.store.repository import LIST_LIMIT, LIST_LIMIT_MAX, LIST_OFFSET_MAX, QUERY_MAX
from seamline.web.security import check_csrf, csrf_token, set_csrf_cookie
from seamline.web.service import Service, flat_values
from seamline.web.templating import render
from seamline.web.views import REPORT_FORMATS, report_available, results_view

router = APIRouter(include_in_schema=False)
PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"  # stands for the session's token in cached pages


def _service(request: Request) -> Service:
    return request.app.state.service


def _store(request: Request) -> DecisionStore:
    """The request's workspace, as its user with their role (set by :mod:`seamline.web.auth` on every
    request; fails closed when missing)."""
    from seamline.web.auth import decisions_of

    return decisions_of(request)


def _questionnaire(
    request: Request,
    values: dict[str, Any],
    *,
    action: str,
    title: str,
    error: SeamlineError | None = None,
    decision: DecisionRecord | None = None,
    status_code: int = 200,
    copy_of: DecisionRecord | None = None,
) -> HTMLResponse:
    """The questionnaire; a refused one with its problems in the questionnaire's words (a summary at the
    top, a message next to each question). ``copy_of``: the decision a new one is copied from (its
    weights, cost figures and contract check go with the copy when it is saved)."""
    from seamline.web.forms import form_problems

    service = _service(request)
    problems = form_problems(service, error, values)
    live = (
        _live_context(service, values) if error is None else {"live_error": error, "live_problems": problems}
    )
    return render(
        request,
        "questionnaire.html",
        {
            "groups": service.questionnaire(values),
            "action": action,
            "title": title,
            "error": error,
            "form_errors": problems,
            "field_errors": {e["path"]: e["message"] for e in problems if e["path"]},
            "decision": decision,
            "copy_of": copy_of,
            "problem_fields": {e["path"] for e in problems if e["path"]},
            **live,
        },
        status_code=status_code,
    )


def _live_context(service: Service, values: dict[str, Any]) -> dict[str, Any]:
    """The live panel: the recommendation when every question is answered, else what is left.

    "Required" is the one definition saving uses (``form_to_data``'s missing list): the name counts
    as a question left, as it does when saving; the recommendation is still previewed when the name
    is the only one left (it does not change the advice).
    """
    from seamline.web.forms import form_problems

    try:
        data, missing = service.form_to_data(values)
    except SituationError as exc:
        return {"live_error": exc, "live_problems": form_problems(service, exc, values)}
    labels = [service.kb.questions[m].label if m in service.kb.questions else m for m in missing]
    if missing and missing != ["name"]:
        return {"missing": labels}
    if missing:
        data["name"] = "Untitled decision"  # a preview only: saving still asks for the name
    try:
        situation = service.parse(data, "questionnaire")
    except SeamlineError as exc:
        return {"live_error": exc, "live_problems": form_problems(service, exc, values)}
    return {"live": service.advise(situation), "missing": labels}


@router.get("/", response_class=HTMLResponse)
def new_decision(request: Request) -> HTMLResponse:
    return _questionnaire(request, {}, action="/decisions", title="New decision")


@router.post("/fragments/advise", response_class=HTMLResponse)
async def live_fragment(request: Request) -> HTMLResponse:
    form = await request.form()
    check_csrf(request, form)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    return render(request, "_live.html", _live_context(_service(request), values))


async def _situation_from_form(
    request: Request, keep: dict[str, Any] | None = None
) -> tuple[Situation | None, dict[str, Any], SeamlineError | None]:
    """The situation the form describes; ``keep`` adds what the form does not ask (weights, costs)."""
    form = await request.form()
    check_csrf(request, form)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    service = _service(request)
    from seamline.web.forms import precheck

    try:
        try:
            data, missing = service.form_to_data(values)
        except (
            SituationError
        ) as exc:  # every problem at once: the unreadable, the unanswered, the out of range
            raise SituationError(exc.message, [*exc.problems, *precheck(values, exc.problems)]) from None
        out_of_range = precheck(values, [])
        if missing or out_of_range:
            from seamline.errors import Problem

            labels = ", ".join(
                service.kb.questions[m].label if m in service.kb.questions else m for m in missing
            )
            message = (
                f"questionnaire: {len(missing)} question(s) not answered: {labels}"
                if missing
                else f"questionnaire: {len(out_of_range)} answer(s) out of range"
            )
            raise SituationError(
                message, [*(Problem(m, "please answer this question") for m in missing), *out_of_range]
            )
        extra = {k: v for k, v in (keep or {}).items() if k in ("weights", "costs") and v is not None}
        return service.parse({**data, **extra}, "questionnaire"), values, None
    except SeamlineError as exc:
        return None, values, exc


@router.post("/results", response_class=HTMLResponse)
async def preview_results(request: Request) -> HTMLResponse:
    situation, values, error = await _situation_from_form(request)
    if situation is None:
        return _questionnaire(
            request, values, action="/decisions", title="New decision", error=error, status_code=400
        )
    outputs = await run_in_threadpool(_service(request).outputs, situation)  # a cost run: off the loop
    return _results_page(request, situation.model_dump(mode="json", exclude_none=True), outputs, None)


@router.post("/decisions", response_class=HTMLResponse)
async def save_decision(request: Request) -> Response:
    """Save a new decision; with ``copy_of`` (duplicate and edit), the original's weights, cost figures
    and contract check go with it. Nothing is created before this."""
    form = await request.form()
    original = await _copy_source(request, form.get("copy_of"))
    keep = original.situation if original is not None else None
    situation, values, error = await _situation_from_form(request, keep=keep)
    if situation is None:
        title = f"New decision: a copy of {original.name}" if original else "New decision"
        return _questionnaire(
            request,
            values,
            action="/decisions",
            title=title,
            error=error,
            status_code=400,
            copy_of=original,
        )
    contract = original.contract if original is not None else None
    record = await run_in_threadpool(_save, request, situation, None, contract)  # a cost run: off the loop
    return RedirectResponse(f"/decisions/{record.id}", status_code=303)


async def _copy_source(request: Request, raw: Any) -> DecisionRecord | None:
    """The decision a new one is copied from (``copy_of`` of the form), in the request's workspace."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        decision_id = int(raw)
    except ValueError:
        return None
    store = _store(request)
    return await run_in_threadpool(store.get, decision_id)


def _save(
    request: Request,
    situation: Situation,
    decision_id: int | None = None,
    contract: dict[str, Any] | None = None,
) -> DecisionRecord:
    service = _service(request)
    outputs = service.outputs(situation)
    rec = outputs["recommendation"]
    fields = {
        "situation": situation.model_dump(mode="json", exclude_none=True),
        "knowledge_version": service.kb.version,
        "status": rec["status"],
        "top_model": rec["recommended"],
        "outputs": outputs,
    }
    if decision_id is None:
        if contract is not None:
            fields["contract"] = contract
        return _store(request).create(name=situation.name, **fields)
    return _store(request).replace(decision_id, name=situation.name, **fields)


def _results_page(
    request: Request,
    situation: dict[str, Any],
    outputs: dict[str, Any],
    decision: DecisionRecord | None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The results page; for a saved decision that the user may change, with the assumptions panel
    (``extra``: the panel's context when a save was refused, with its errors and what was typed)."""
    service = _service(request)
    view = results_view(service, outputs)
    template = request.app.state.templates.env.get_template("_results_body.html")
    contract = decision.contract if decision else None
    identity = getattr(request.state, "identity", None)
    can_edit = bool(identity is not None and identity.can_edit)
    body = Markup(
        template.render(**view, service=service, contract=contract, decision=decision, can_edit=can_edit)
    )
    panel: dict[str, Any] = {}
    if decision is not None:
        from seamline.web.routes.assumptions import panel_context

        panel = extra if extra is not None else panel_context(service, situation)
        if not can_edit:  # a viewer reads the figures in use, without the form
            panel = {
                "assumptions_in_use": panel["assumptions_in_use"],
                "source_titles": panel["source_titles"],
            }
    return render(
        request,
        "results.html",
        {
            "body": body,
            "situation": situation,
            "decision": decision,
            "values": flat_values(situation),
            "report_formats": REPORT_FORMATS if decision and report_available() else (),
            "saved_version": outputs.get("knowledge_version"),
            **panel,
        },
        status_code=status_code,
    )


@router.get("/decisions", response_class=HTMLResponse)
async def list_decisions(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=LIST_LIMIT_MAX)] = LIST_LIMIT,
    offset: Annotated[int, Query(ge=0, le=LIST_OFFSET_MAX)] = 0,
    q: Annotated[str | None, Query(max_length=QUERY_MAX)] = None,
) -> HTMLResponse:
    """Saved decisions, newest first, a page of summaries at a time, with a search by name; after a
    delete, "Deleted “X”. Undo".

    The page comes from ``summaries_async`` (a local SQLite file read inline; from a database server, a
    kept page after a version read awaited on the event loop, else read in the thread pool) and is drawn
    inline: a template of at most 200 rows, themselves drawn once per kept page, under a millisecond with
    50 rows, less than the hand-over to a thread and the contention for the GIL that comes with it. Only
    a notice (``?deleted=`` or ``?restored=``), which reads the decision it names, is drawn in the thread
    pool from a database server."""
    from seamline.web.routes.history import list_notice

    store = _store(request)
    params = request.query_params
    page = await store.summaries_async(limit=limit, offset=offset, q=q)

    def draw() -> HTMLResponse:
        notice = list_notice(store, params.get("deleted"), params.get("restored"))

        def link(to: int | None) -> str | None:
            if to is None:
                return None
            query = {"offset": to, **({"limit": page.limit} if page.limit != LIST_LIMIT else {})}
            return "/decisions?" + urlencode({**query, **({"q": page.q} if page.q else {})})

        return render(
            request,
            "decisions.html",
            {
                "decisions": page.decisions,
                "rows": _decision_rows(request, page),
                "page": page,
                "next_url": link(page.next_offset),
                "previous_url": link(page.previous_offset),
                "notice": notice,
            },
        )

    reads = not store.local and ("deleted" in params or "restored" in params)
    return await run_in_threadpool(draw) if reads else draw()


# stands for the session's CSRF token in a drawn list of rows (random per process: no name can hold it)
ROWS_TOKEN = "csrf" + secrets.token_hex(16)


def _decision_rows(request: Request, page: DecisionPage) -> Markup:
    """The list's rows (``_decision_rows.html``): drawn once per page of summaries and role while the store
    keeps the page (its workspace's decisions unchanged), with a placeholder for the CSRF token, which is
    put in afterwards. A token is letters, digits, ``-`` and ``_`` (``security.csrf_token``), which
    escaping leaves as they are, so the rows are exactly what drawing them with the token gives; a list
    of 50 rows took 0.75 ms to draw, most of a page's time."""
    service = _service(request)
    identity = getattr(request.state, "identity", None)
    can_edit = bool(identity is not None and identity.can_edit)  # as templating.render says it
    key = f"decision rows {id(page)} {can_edit}"
    kept = service.fragments.get(key)
    if kept is None or kept[0] is not page:  # the page object itself is kept: its id is never reused
        template = request.app.state.templates.get_template("_decision_rows.html")
        html = template.render(
            decisions=page.decisions, service=service, can_edit=can_edit, csrf_token=ROWS_TOKEN
        )
        kept = (page, html)
        service.fragments.put(key, kept)
    return Markup(kept[1].replace(ROWS_TOKEN, csrf_token(request)))


@router.get("/decisions/{decision_id}", response_class=HTMLResponse)
async def open_decision(request: Request, decision_id: int) -> HTMLResponse:
    """A saved decision, drawn from its stored outputs only. The page depends on nothing else but the
    session's CSRF token and who is asking (the header, the buttons a role may use), so it is rendered
    once per version of the decision and identity, and kept in memory.

    The version check is one primary-key lookup: on a local SQLite file it takes microseconds, less than
    a hop to the thread pool, so it runs inline; on a database server it runs in the thread pool."""
    service, store = _service(request), _store(request)
    if store.local:
        updated = store.updated_at(decision_id)
    else:
        updated = await run_in_threadpool(store.updated_at, decision_id)
    identity = getattr(request.state, "identity", None)
    key = f"{decision_id}:{updated.isoformat()}:{identity.fingerprint if identity else '-'}"
    html = service.fragments.get(key)
    if html is None:
        record = await run_in_threadpool(store.get, decision_id)
        request.state.csrf = PLACEHOLDER
        response = await run_in_threadpool(_results_page, request, record.situation, record.outputs, record)
        html = bytes(response.body).decode()
        service.fragments.put(key, html)
        request.state.csrf = None
    notice = await _notice(request, store, decision_id)
    if notice:
        html = html.replace(NOTICE_MARK, notice, 1)
    response = HTMLResponse(html.replace(PLACEHOLDER, csrf_token(request)))
    set_csrf_cookie(request, response, request.app.state.settings.secure_cookies)
    return response


NOTICE_MARK = "<!--seamline-notice-->"  # where results.html takes a notice (the page itself is kept)
NOTICES = {
    ("assumptions", "saved"): "Saved your assumptions: the answer, the costs and the document use them.",
    ("assumptions", "reset"): "Every figure is back to its cited default.",
    ("contract", "removed"): "Removed the contract check from this decision.",
}


async def _notice(request: Request, store: DecisionStore, decision_id: int) -> str:
    """A line after a change (``?assumptions=saved``, ``?contract=removed``) with an Undo that restores
    the version the change replaced (kept by the decision's history)."""
    from markupsafe import escape

    found = next(
        (text for (key, value), text in NOTICES.items() if request.query_params.get(key) == value), None
    )
    if found is None:
        return ""
    record = await run_in_threadpool(store.get, decision_id)
    undo = ""
    identity = getattr(request.state, "identity", None)
    if record.version > 1 and identity is not None and identity.can_edit:
        undo = (
            f' <form method="post" class="inline" action="/decisions/{record.id}/history/'
            f'{record.version - 1}/restore"><input type="hidden" name="csrf_token" value="{PLACEHOLDER}">'
            '<button type="submit" class="link">Undo</button></form>'
        )
    return f'<div class="notice" role="status" data-testid="notice">{escape(found)}{undo}</div>'


@router.get("/decisions/{decision_id}/edit", response_class=HTMLResponse)
def edit_decision(request: Request, decision_id: int) -> HTMLResponse:
    record = _store(request).get(decision_id)
    return _questionnaire(
        request,
        flat_values(record.situation),
        action=f"/decisions/{record.id}",
        title=f"Edit: {record.name}",
        decision=record,
    )


@router.post("/decisions/{decision_id}", response_class=HTMLResponse)
async def update_decision(request: Request, decision_id: int) -> Response:
    record = _store(request).get(decision_id)
    situation, values, error = await _situation_from_form(request, keep=record.situation)
    if situation is None:
        return _questionnaire(
            request,
            values,
            action=f"/decisions/{record.id}",
            title=f"Edit: {record.name}",
            error=error,
            decision=record,
            status_code=400,
        )
    await run_in_threadpool(_save, request, situation, record.id)
    return RedirectResponse(f"/decisions/{record.id}", status_code=303)


@router.post("/decisions/{decision_id}/rename")
async def rename_decision(request: Request, decision_id: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    name = form.get("name")
    _store(request).rename(decision_id, name if isinstance(name, str) else "")
    return RedirectResponse("/decisions", status_code=303)


@router.get("/decisions/{decision_id}/copy", response_class=HTMLResponse)
def copy_decision(request: Request, decision_id: int) -> HTMLResponse:
    """Duplicate and edit: the questionnaire filled in from a decision, named "Copy of …"; nothing is
    created until it is saved (an abandoned copy leaves nothing behind)."""
    record = _store(request).get(decision_id)
    values = {**flat_values(record.situation), "name": _copy_name(record.name)}
    return _questionnaire(
        request,
        values,
        action="/decisions",
        title=f"New decision: a copy of {record.name}",
        copy_of=record,
    )


def _copy_name(name: str) -> str:
    from seamline.store.repository import NAME_MAX

    return f"Copy of {name}"[:NAME_MAX]


@router.post("/decisions/{decision_id}/duplicate")
async def duplicate_decision(request: Request, decision_id: int) -> Response:
    """Kept for forms drawn before duplicate-and-edit became a page: creates nothing, opens the copy."""
    form = await request.form()
    check_csrf(request, form)
    _store(request).get(decision_id)  # an unknown decision is a 404 here, not on the next page
    return RedirectResponse(f"/decisions/{decision_id}/copy", status_code=303)


@router.get("/decisions/{decision_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, decision_id: int) -> HTMLResponse:
    store = _store(request)
    return render(
        request, "confirm_delete.html", {"decision": store.get(decision_id), "trash_days": store.trash_days}
    )


@router.post("/decisions/{decision_id}/delete")
async def delete_decision(request: Request, decision_id: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    _store(request).delete(decision_id)  # to the trash: the list offers to undo it
    return RedirectResponse(f"/decisions?deleted={decision_id}", status_code=303)


@router.get("/compare", response_class=HTMLResponse)
def compare(request: Request, a: int | None = None, b: int | None = None) -> HTMLResponse:
    store = _store(request)
    decisions: list[DecisionSummary] = list(store.summaries(limit=LIST_LIMIT_MAX).decisions)
    pair = []
    if a is not None and b is not None:
        service = _service(request)
        for rid in (a, b):
            record = store.get(rid)
            pair.append(
                {
                    "decision": record,
                    "values": flat_values(record.situation),
                    **results_view(service, record.outputs, f"cost-{rid}"),
                }
            )
            if all(d.id != rid for d in decisions):  # an older one chosen by its id: offer it too
                decisions.append(record)
    return render(request, "compare.html", {"decisions": decisions, "pair": pair, "a": a, "b": b})


@router.get("/decisions/{decision_id}/report.{fmt}")
async def report_download(request: Request, decision_id: int, fmt: str) -> Response:
    from seamline.web.routes.api import report_response

    return await report_response(request, decision_id, fmt)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The OpenAPI description as a page (served offline; the machine-readable file is linked)."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content", {})
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": [p.get("name") for p in op.get("parameters", [])],
                    "body": sorted(body),
                }
            )
    return render(request, "api_docs.html", {"endpoints": endpoints, "spec": spec})
