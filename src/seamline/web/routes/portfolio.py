"""Portfolio planning in the browser and the API: list workstreams (a form with rows to add and remove, or
a YAML or CSV upload), plan them (a model per workstream with cost, seams, headcount by model and the
portfolio warnings, as a table and a chart), save, reopen, compare two saved portfolios and download the
portfolio document.

Planning runs a Monte Carlo per workstream and the chart is drawn by seamline.charts: both in a worker
process (:mod:`seamline.web.jobs`), never on the event loop. Portfolios belong to the request's workspace
(:class:`seamline.store.library.LibraryStore`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from seamline.errors import InputFileError, Problem, SeamlineError
from seamline.portfolio_table import (
    ANSWERS,
    COLUMNS,
    MAX_ROWS,
    OPTIONAL_ANSWERS,
    portfolio_to_rows,
    read_csv,
    row_label,
    rows_to_portfolio,
)
from seamline.store.library import PortfolioRecord
from seamline.web import tasks
from seamline.web.openapi import BY_ID, JSON_BODY, BodyError, json_body, responses, validate_body
from seamline.web.routes.vendors import inline_svg, library_of
from seamline.web.security import check_csrf
from seamline.web.templating import render

pages_router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1", tags=["api"])
UPLOAD_MAX_BYTES = 500_000
_ROW_FIELD = re.compile(r"ws-(\d{1,3})-(.+)")
MEDIA = {
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _kb(request: Request) -> Any:
    return request.app.state.service.kb


def form_label(index: int) -> str:
    return f"workstream {index + 1}"


def field_id(index: int, column: str) -> str:
    return f"ws-{index}-{column.replace('.', '-').replace('_', '-')}"


def _columns(request: Request) -> list[dict[str, Any]]:
    """The form's columns: label, kind and options from the questionnaire's own questions."""
    from seamline.situation import FIELDS

    kb = _kb(request)
    out: list[dict[str, Any]] = [
        {"column": "name", "label": "Workstream name", "kind": "str", "options": [], "optional": False},
        {"column": "vendor", "label": "Vendor (optional)", "kind": "str", "options": [], "optional": True},
        {
            "column": "model",
            "label": "Planned model (optional)",
            "kind": "choice",
            "options": [{"value": "", "label": "The recommended one"}]
            + [{"value": m.id, "label": m.name} for m in kb.models.values()],
            "optional": True,
        },
    ]
    for path in ANSWERS:
        kind, allowed = FIELDS[path]
        q = kb.questions.get(path)
        labels = {str(o.value).lower(): o.label for o in q.options} if q else {}
        options = [
            {
                "value": str(v).lower() if isinstance(v, bool) else str(v),
                "label": labels.get(str(v).lower(), str(v)),
            }
            for v in (allowed or ())
        ]
        optional = path in OPTIONAL_ANSWERS
        if optional and options:
            options = [{"value": "", "label": "Not answered"}, *options]
        out.append(
            {
                "column": path,
                "label": (q.label if q else path) + (" (optional)" if optional else ""),
                "kind": kind,
                "options": options,
                "optional": optional,
            }
        )
    return out


def rows_from_form(form: Mapping[str, Any]) -> list[dict[str, str]]:
    """The form's rows (fields ``ws-<index>-<column>``), in index order."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        m = _ROW_FIELD.fullmatch(key) if isinstance(key, str) else None
        if m and m.group(2) in COLUMNS and isinstance(value, str):
            rows.setdefault(int(m.group(1)), {})[m.group(2)] = value
    return [rows[i] for i in sorted(rows)][:MAX_ROWS]


BLANK_ROW = {
    "work.type": "product_development",
    "work.core": "true",
    "work.scope": "evolving",
    "team.technical_leadership": "strong",
    "team.product_manager": "true",
    "preferences.involvement": "daily_direction",
    "preferences.pricing": "time_and_materials",
    "preferences.ip_in_house": "true",
    "preferences.share_business_context": "true",
}


def _errors(error: SeamlineError | None, rows: int) -> dict[str, list[str]]:
    """Each problem under the id of the field it is about (``workstream 2: work.engineers``)."""
    out: dict[str, list[str]] = {}
    for p in error.problems if error else []:
        m = re.fullmatch(r"workstream (\d+): (.+)", p.where)
        if m and int(m.group(1)) - 1 < rows:
            key = field_id(int(m.group(1)) - 1, m.group(2))
        else:
            key = "pf-" + p.where.split(":", 1)[0].replace(" ", "-")
        out.setdefault(key, []).append(p.message)
    return out


def _link(where: str, rows: int) -> str | None:
    return next(iter(_errors(SeamlineError("", [Problem(where, "")]), rows)), None)


def _draw(
    request: Request,
    *,
    name: str = "",
    stage: str = "scale_up",
    rows: list[dict[str, str]] | None = None,
    error: SeamlineError | None = None,
    upload_error: SeamlineError | None = None,
    plan: dict[str, Any] | None = None,
    chart: str | None = None,
    record: PortfolioRecord | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    from seamline.situation import FIELDS

    rows = rows if rows is not None else [dict(BLANK_ROW)]
    ctx = {
        "name": name,
        "stage": stage,
        "stages": [
            {"value": s, "label": request.app.state.service.answer_label("stage", s)}
            for s in FIELDS["stage"][1] or ()
        ],
        "rows": rows,
        "columns": _columns(request),
        "field_id": field_id,
        "field_errors": _errors(error, len(rows)),
        "link_for": lambda where: _link(where, len(rows)),
        "error": error,
        "upload_error": upload_error,
        "plan": plan,
        "chart": inline_svg(chart) if chart else None,
        "record": record,
        "saved": library_of(request).portfolios(),
        "max_rows": MAX_ROWS,
        "csv_columns": COLUMNS,
        "formats": tuple(MEDIA),
        "model_name": request.app.state.service.model_name,
    }
    return render(request, "portfolio.html", ctx, status_code=status_code)


async def _page(request: Request, **context: Any) -> HTMLResponse:
    """:func:`_draw` in the thread pool (the saved list is a database read)."""
    return await run_in_threadpool(lambda: _draw(request, **context))


async def plan_in_worker(request: Request, data: dict[str, Any], where: str) -> dict[str, Any]:
    settings = request.app.state.settings
    result: dict[str, Any] = await request.app.state.jobs.run(
        tasks.plan_portfolio, settings, data, where, what=f"portfolio {where}"
    )
    return result


def plan_json(plan: dict[str, Any]) -> dict[str, Any]:
    """A stored plan (every field) in ``seamline portfolio --json``'s shape."""
    from seamline.portfolio import PortfolioPlan

    return PortfolioPlan.model_validate(plan).to_json()


# ------------------------------------------------------------------------------------------ pages
@pages_router.get("/portfolios", response_class=HTMLResponse)
def portfolios_page(request: Request) -> HTMLResponse:
    return _draw(request)


@pages_router.get("/portfolios/new.csv")
def csv_template(request: Request) -> Response:
    """An example CSV with every column (the scale-up example's workstreams)."""
    from seamline.portfolio_table import to_csv

    rows = [
        {
            **BLANK_ROW,
            "name": "Core product",
            "vendor": "",
            "work.duration_months": "12",
            "work.engineers": "4",
        },
        {
            **BLANK_ROW,
            "name": "Cloud operations",
            "work.type": "it_function",
            "work.core": "false",
            "work.scope": "partly_defined",
            "work.duration_months": "24",
            "work.engineers": "3",
            "preferences.involvement": "service_levels",
            "preferences.pricing": "subscription",
            "preferences.ip_in_house": "false",
            "preferences.share_business_context": "false",
        },
    ]
    return Response(
        to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="portfolio.csv"'},
    )


@pages_router.post("/portfolios", response_class=HTMLResponse)
async def portfolios_post(request: Request) -> Response:
    """The form (add or remove a row, plan, save) or an upload (plan; save when asked)."""
    form = await request.form(max_part_size=UPLOAD_MAX_BYTES + 1024)
    check_csrf(request, form)
    return await _handle(request, form, None)


@pages_router.get("/portfolios/compare", response_class=HTMLResponse)
async def compare_page(request: Request, a: int | None = None, b: int | None = None) -> HTMLResponse:
    ctx = await run_in_threadpool(_compare_context, request, a, b)
    return render(request, "portfolio_compare.html", ctx)


def _compare_context(request: Request, a: int | None, b: int | None) -> dict[str, Any]:
    library = library_of(request)
    pair = []
    if a is not None and b is not None:
        for pid in (a, b):
            record = library.portfolio(pid)
            pair.append({"record": record, "plan": plan_json(record.plan)})
    return {
        "saved": library.portfolios(),
        "a": a,
        "b": b,
        "pair": pair,
        "model_name": request.app.state.service.model_name,
    }


@pages_router.get("/portfolios/{portfolio_id:int}", response_class=HTMLResponse)
async def portfolio_page(request: Request, portfolio_id: int) -> HTMLResponse:
    library = library_of(request)
    record = await run_in_threadpool(library.portfolio, portfolio_id)
    service = request.app.state.service
    key = f"portfolio chart {record.id} {record.updated_at.isoformat()} {id(library.engine)}"
    chart = service.fragments.get(key)
    if chart is None:
        chart = await request.app.state.jobs.run(
            tasks.portfolio_chart,
            request.app.state.settings,
            record.plan,
            what=f"portfolio {record.id} chart",
        )
        service.fragments.put(key, chart)
    rows = await run_in_threadpool(portfolio_to_rows, record.portfolio, _kb(request))
    return await _page(
        request,
        name=record.name,
        stage=record.stage,
        rows=rows,
        plan=plan_json(record.plan),
        chart=chart,
        record=record,
    )


@pages_router.post("/portfolios/{portfolio_id:int}", response_class=HTMLResponse)
async def portfolio_update(request: Request, portfolio_id: int) -> Response:
    library = library_of(request)
    library.writable()
    record = await run_in_threadpool(library.portfolio, portfolio_id)
    form = await request.form(max_part_size=UPLOAD_MAX_BYTES + 1024)
    check_csrf(request, form)
    return await _handle(request, form, record)


@pages_router.post("/portfolios/{portfolio_id:int}/delete")
async def portfolio_delete(request: Request, portfolio_id: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    await run_in_threadpool(library_of(request).delete_portfolio, portfolio_id)
    return RedirectResponse("/portfolios", status_code=303)


@pages_router.get("/portfolios/{portfolio_id:int}/document.{fmt}")
async def portfolio_document(request: Request, portfolio_id: int, fmt: str) -> Response:
    return await document_response(request, portfolio_id, fmt)


async def _handle(request: Request, form: Any, record: PortfolioRecord | None) -> Response:
    library = library_of(request)
    action = str(form.get("action") or "plan")
    name = str(form.get("name") or "")
    stage = str(form.get("stage") or "")
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        return await _upload(request, upload, form, name, stage)
    rows = rows_from_form(form)
    if action == "add" and len(rows) < MAX_ROWS:
        return await _page(request, name=name, stage=stage, rows=[*rows, dict(BLANK_ROW)], record=record)
    if action.startswith("remove-"):
        index = int(action.removeprefix("remove-")) if action.removeprefix("remove-").isdigit() else -1
        kept = [r for i, r in enumerate(rows) if i != index] or [dict(BLANK_ROW)]
        return await _page(request, name=name, stage=stage, rows=kept, record=record)
    try:
        if action == "save":
            library.writable()
        data = await run_in_threadpool(
            lambda: rows_to_portfolio(name, stage, rows, label=form_label, kb=_kb(request), where="portfolio")
        )
        result = await plan_in_worker(request, data, "portfolio")
    except SeamlineError as exc:
        status = int(getattr(exc, "status", 400))
        return await _page(
            request,
            name=name,
            stage=stage,
            rows=rows,
            error=exc,
            record=record,
            status_code=status if status not in (422,) else 400,
        )
    if action == "save":
        saved = await run_in_threadpool(_save, library, data, result["plan"], record.id if record else None)
        return RedirectResponse(f"/portfolios/{saved.id}", status_code=303)
    return await _page(
        request,
        name=name,
        stage=stage,
        rows=rows,
        plan=plan_json(result["plan"]),
        chart=result["chart"],
        record=record,
    )


def _save(
    library: Any, data: dict[str, Any], plan: dict[str, Any], portfolio_id: int | None
) -> PortfolioRecord:
    record: PortfolioRecord = library.save_portfolio(
        name=data["name"],
        stage=plan["stage"],
        knowledge_version=plan["knowledge_version"],
        portfolio=data,
        plan=plan,
        portfolio_id=portfolio_id,
    )
    return record


async def _upload(request: Request, upload: UploadFile, form: Any, name: str, stage: str) -> Response:
    """A YAML portfolio file (as ``seamline portfolio`` reads) or a CSV table: planned, and saved when the
    form's ``save`` box is ticked."""
    library = library_of(request)
    filename = (upload.filename or "portfolio").rsplit("/", 1)[-1][:200]
    save = form.get("save") == "1"
    rows: list[dict[str, str]] | None = None
    try:
        if save:
            library.writable()
        raw = await upload.read(UPLOAD_MAX_BYTES + 1)
        if len(raw) > UPLOAD_MAX_BYTES:
            raise InputFileError(
                f"{filename}: over {UPLOAD_MAX_BYTES:,} bytes",
                [Problem("file", f"expected at most {UPLOAD_MAX_BYTES:,} bytes")],
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{filename}: not UTF-8 text (byte {exc.start})", [Problem("file", "expected UTF-8 text")]
            ) from None
        data, rows = await run_in_threadpool(_read_upload, request, filename, text, name, stage)
        result = await plan_in_worker(request, data, filename)
    except SeamlineError as exc:
        status = int(getattr(exc, "status", 400))
        return await _page(
            request,
            name=name,
            stage=stage or "scale_up",
            upload_error=exc,
            status_code=status if status != 422 else 400,
        )
    if save:
        saved = await run_in_threadpool(_save, library, data, result["plan"], None)
        return RedirectResponse(f"/portfolios/{saved.id}", status_code=303)
    return await _page(
        request,
        name=str(data.get("name") or ""),
        stage=result["plan"]["stage"],
        rows=rows,
        plan=plan_json(result["plan"]),
        chart=result["chart"],
    )


def _read_upload(
    request: Request, filename: str, text: str, name: str, stage: str
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The portfolio an uploaded file holds (YAML/JSON or CSV) and its rows for the form (in a thread)."""
    from seamline.portfolio import parse_portfolio
    from seamline.yamlio import parse_text

    data: Any
    lower = filename.lower()
    if lower.endswith(".csv"):
        data = rows_to_portfolio(
            name or filename.rsplit(".", 1)[0],
            stage,
            read_csv(text, filename),
            label=row_label,
            kb=_kb(request),
            where=filename,
        )
    elif lower.endswith((".yaml", ".yml", ".json")):
        data = parse_text(text, filename, json_first=lower.endswith(".json"))
        if isinstance(data, dict) and not data.get("name"):
            data = {**data, "name": name or filename.rsplit(".", 1)[0]}
        parse_portfolio(data, filename, _kb(request))
        if isinstance(data, dict) and len(data.get("workstreams") or []) > MAX_ROWS:
            raise InputFileError(
                f"{filename}: more than {MAX_ROWS} workstreams",
                [Problem("workstreams", f"expected at most {MAX_ROWS}")],
            )
    else:
        raise InputFileError(
            f"{filename}: expected a .yaml, .yml, .json or .csv file",
            [Problem("file", "expected a portfolio file (YAML or JSON) or a CSV table")],
        )
    return data, portfolio_to_rows(data, _kb(request))


async def document_response(request: Request, portfolio_id: int, fmt: str) -> Response:
    """A saved portfolio's document, drawn in a worker process."""
    from seamline.web.routes.api import ReportUnavailable, attachment
    from seamline.web.views import report_available

    if fmt not in MEDIA:
        raise SeamlineError(
            f"format: got {fmt!r}; expected one of: {', '.join(MEDIA)}",
            [Problem("format", f"expected one of: {', '.join(MEDIA)}")],
        )
    record = await run_in_threadpool(library_of(request).portfolio, portfolio_id)
    if not report_available():
        raise ReportUnavailable("report: documents are not available in this installation")
    body = await request.app.state.jobs.run(
        tasks.render_portfolio,
        request.app.state.settings,
        record.plan,
        fmt,
        what=f"portfolio {portfolio_id} document",
    )
    return Response(
        body, media_type=MEDIA[fmt], headers={"Content-Disposition": attachment(record.name, fmt)}
    )


# ------------------------------------------------------------------------------------------ JSON API
def _m() -> Any:
    from seamline.web import api_models

    return api_models


M = _m()


async def _portfolio_body(request: Request) -> dict[str, Any]:
    from seamline.portfolio import parse_portfolio
    from seamline.web.routes.api import _json_body

    body = validate_body(M.PortfolioBody, await _json_body(request))
    data = body.portfolio
    try:
        parse_portfolio(data, "portfolio", _kb(request))
        from seamline.store.repository import check_name

        check_name(data.get("name"), "name")
    except SeamlineError as exc:
        problems = [
            Problem("portfolio." + p.where.rsplit(": ", 1)[-1].lstrip("."), p.message) for p in exc.problems
        ]
        raise BodyError(exc.message, problems or [Problem("portfolio", exc.message)]) from None
    if len(data.get("workstreams") or []) > MAX_ROWS:
        raise BodyError(
            f"portfolio.workstreams: more than {MAX_ROWS}",
            [Problem("portfolio.workstreams", f"expected at most {MAX_ROWS} workstreams")],
        )
    return data


@api_router.post(
    "/portfolios/plan",
    summary="Plan a portfolio: a model per workstream, cost, seams, headcount by model, warnings",
    openapi_extra=json_body(M.PortfolioBody),
    response_model=None,
    responses=responses(*JSON_BODY, ok=M.PortfolioPlanOut),
)
async def api_plan(request: Request) -> dict[str, Any]:
    data = await _portfolio_body(request)
    result = await plan_in_worker(request, data, "portfolio")
    return plan_json(result["plan"])


@api_router.post(
    "/portfolios",
    status_code=201,
    summary="Plan a portfolio and save it in the workspace",
    openapi_extra=json_body(M.PortfolioBody),
    response_model=None,
    responses=responses(*JSON_BODY, 403, ok=(201, M.Portfolio), gives={"portfolio_id": "/id"}),
)
async def api_save(request: Request) -> JSONResponse:
    library = library_of(request)
    library.writable()
    data = await _portfolio_body(request)
    result = await plan_in_worker(request, data, "portfolio")
    data = {**data, "name": " ".join(str(data["name"]).split())}
    record = await run_in_threadpool(_save, library, data, result["plan"], None)
    return JSONResponse(
        _portfolio_json(record), status_code=201, headers={"Location": f"/api/v1/portfolios/{record.id}"}
    )


def _portfolio_json(record: PortfolioRecord) -> dict[str, Any]:
    return {**record.summary(), "portfolio": record.portfolio, "plan": plan_json(record.plan)}


@api_router.get(
    "/portfolios",
    summary="The workspace's saved portfolios (summaries, newest first)",
    response_model=None,
    responses=responses(401, ok=M.PortfolioList),
)
async def api_list(request: Request) -> dict[str, Any]:
    records = await run_in_threadpool(library_of(request).portfolios)
    return {"portfolios": [r.summary() for r in records]}


@api_router.get(
    "/portfolios/{portfolio_id:int}",
    summary="A saved portfolio: its workstreams and its plan",
    response_model=None,
    responses=responses(*BY_ID, ok=M.Portfolio),
)
async def api_portfolio(request: Request, portfolio_id: int) -> dict[str, Any]:
    record = await run_in_threadpool(library_of(request).portfolio, portfolio_id)
    return _portfolio_json(record)


@api_router.get(
    "/portfolios/{portfolio_id:int}/document",
    summary="The portfolio document (html, md, docx or pdf)",
    response_class=Response,
    responses=responses(
        *BY_ID,
        413,
        501,
        ok={
            "text/html": "format=html, a web page",
            "text/markdown": "format=md",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "format=docx",
            "application/pdf": "format=pdf",
        },
    ),
)
async def api_document(
    request: Request,
    portfolio_id: int,
    format: Annotated[
        Literal["html", "md", "docx", "pdf"], Query(description="the document's format")
    ] = "html",
) -> Response:
    return await document_response(request, portfolio_id, format)


@api_router.delete(
    "/portfolios/{portfolio_id:int}",
    status_code=204,
    summary="Delete a saved portfolio",
    responses=responses(*BY_ID, 403, ok=(204, None)),
)
async def api_delete(request: Request, portfolio_id: int) -> Response:
    await run_in_threadpool(library_of(request).delete_portfolio, portfolio_id)
    return Response(status_code=204)
