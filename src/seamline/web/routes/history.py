"""A decision's history and the trash: the JSON API under ``/api/v1`` and the pages.

Every edit of a saved decision (new answers, a rename, a contract attached or removed, a restore) keeps
the state it replaced (:meth:`seamline.store.DecisionStore.history`). Any earlier version can be read and
made current again; the state a restore replaces is kept too, so a restore can itself be undone. A deleted
decision goes to the trash, where it can be restored for ``Settings.trash_days`` days (then the server's
housekeeping, :mod:`seamline.web.housekeeping`, deletes it for good).

The store is the one the rest of the API uses (``routes.api._store``: the request's workspace), so a
decision of another workspace is "not found" here too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from seamline.store import DecisionRecord, DecisionStore, TrashedSummary, VersionSummary
from seamline.store.accounts import AccountStore
from seamline.store.repository import LIST_LIMIT, LIST_LIMIT_MAX, LIST_OFFSET_MAX, NotFoundError
from seamline.web.api_models import Decision
from seamline.web.openapi import AUTH, BY_ID, responses
from seamline.web.routes import api
from seamline.web.security import check_csrf
from seamline.web.service import Service
from seamline.web.templating import render
from seamline.web.views import results_view

api_router = APIRouter(prefix="/api/v1", tags=["api"])
pages_router = APIRouter(include_in_schema=False)


def _store(request: Request) -> DecisionStore:
    return api._store(request)  # whatever the API uses: the request's workspace, its user and role


def _service(request: Request) -> Service:
    return request.app.state.service


# --------------------------------------------------------------------------------------- JSON API
class VersionOut(BaseModel):
    """An earlier state of a decision, as a history list shows it (the state it had until ``saved_at``)."""

    decision_id: int
    version: int
    saved_at: datetime
    saved_by: int | None
    name: str
    status: str
    top_model: str | None
    change: str


class HistoryOut(BaseModel):
    """A decision's current version number and its earlier versions, newest first."""

    decision_id: int
    version: int
    versions: list[VersionOut]


class VersionFullOut(VersionOut):
    """An earlier version of a decision in full: what it was computed with and from."""

    knowledge_version: str
    situation: dict[str, Any]
    outputs: dict[str, Any]
    contract: dict[str, Any] | None


class TrashedOut(BaseModel):
    """A deleted decision: restorable until ``purge_after``, then deleted for good."""

    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    knowledge_version: str
    status: str
    top_model: str | None
    deleted_at: datetime
    purge_after: datetime


class TrashOut(BaseModel):
    """The workspace's trash, most recently deleted first, and how many days a decision stays there."""

    decisions: list[TrashedOut]
    trash_days: int
    limit: int
    offset: int


@api_router.get(
    "/decisions/{decision_id}/history",
    summary="A decision's earlier versions, newest first (the current one is the decision itself)",
    response_model=None,
    responses=responses(*BY_ID, *AUTH, ok=HistoryOut),
)
def api_history(request: Request, decision_id: int) -> dict[str, Any]:
    store = _store(request)
    versions = store.history(decision_id)
    current = store.get(decision_id)
    return {
        "decision_id": decision_id,
        "version": current.version,
        "versions": [v.summary() for v in versions],
    }


@api_router.get(
    "/decisions/{decision_id}/history/{version}",
    summary="One earlier version of a decision in full: inputs, knowledge version, outputs, contract",
    response_model=None,
    responses=responses(*BY_ID, *AUTH, ok=VersionFullOut),
)
def api_version(request: Request, decision_id: int, version: int) -> dict[str, Any]:
    return _store(request).version(decision_id, version).to_json()


@api_router.post(
    "/decisions/{decision_id}/history/{version}/restore",
    summary="Make an earlier version current again (the state it replaces is kept in the history)",
    response_model=None,
    responses=responses(*BY_ID, *AUTH, ok=Decision),
)
def api_restore_version(request: Request, decision_id: int, version: int) -> dict[str, Any]:
    return _store(request).restore_version(decision_id, version).to_json()


@api_router.get(
    "/trash",
    summary="Deleted decisions that can still be restored, most recently deleted first",
    response_model=None,
    responses=responses(422, *AUTH, ok=TrashOut),
)
def api_trash(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=LIST_LIMIT_MAX)] = LIST_LIMIT,
    offset: Annotated[int, Query(ge=0, le=LIST_OFFSET_MAX)] = 0,
) -> dict[str, Any]:
    """Each with ``deleted_at`` and ``purge_after``: after that it is deleted for good."""
    store = _store(request)
    return {
        "decisions": [d.summary() for d in store.trash(limit=limit, offset=offset)],
        "trash_days": store.trash_days,
        "limit": limit,
        "offset": offset,
    }


@api_router.post(
    "/trash/{decision_id}/restore",
    summary="Bring a deleted decision back from the trash, as it was",
    response_model=None,
    responses=responses(*BY_ID, *AUTH, ok=Decision),
)
def api_undelete(request: Request, decision_id: int) -> dict[str, Any]:
    return _store(request).undelete(decision_id).to_json()


# ------------------------------------------------------------------------------------------ pages
def _authors(store: DecisionStore, ids: set[int | None]) -> dict[int, str]:
    """Display names of the users who made the changes, when the server has accounts (else: none)."""
    known = {i for i in ids if i is not None}
    accounts = AccountStore(store.engine)
    if not known or not accounts.has_accounts():
        return {}
    names = {}
    for user_id in known:
        user = accounts.user_by_id(user_id)
        if user is not None:
            names[user_id] = user.display_name
    return names


def timeline(record: DecisionRecord, versions: list[VersionSummary]) -> list[dict[str, Any]]:
    """Every version of a decision, newest (current) first: when it became current, the change that made
    it, who made it (a user id, when known), and its name and recommendation.

    The store keeps each earlier state with the time it was *replaced* and the change that replaced it,
    so version ``n`` began when version ``n - 1`` was replaced, by that change; version 1 when the decision
    was created.
    """
    by_version = {v.version: v for v in versions}
    rows = []
    for n in range(record.version, 0, -1):
        state: DecisionRecord | VersionSummary | None = record if n == record.version else by_version.get(n)
        if state is None:
            continue
        before = by_version.get(n - 1)
        rows.append(
            {
                "version": n,
                "since": before.saved_at if before else record.created_at,
                "change": before.change if before else "created",
                "by": before.saved_by if before else None,
                "name": state.name,
                "status": state.status,
                "top_model": state.top_model,
                "current": n == record.version,
            }
        )
    return rows


@pages_router.get("/decisions/{decision_id}/history", response_class=HTMLResponse)
def history_page(request: Request, decision_id: int) -> HTMLResponse:
    store = _store(request)
    record = store.get(decision_id)
    rows = timeline(record, store.history(decision_id))
    return render(
        request,
        "history.html",
        {
            "decision": record,
            "rows": rows,
            "authors": _authors(store, {r["by"] for r in rows}),
            "can_edit": store.can_edit,
        },
    )


@pages_router.get("/decisions/{decision_id}/history/{version}", response_class=HTMLResponse)
def version_page(request: Request, decision_id: int, version: int) -> Response:
    """An earlier version, read only, drawn from its stored outputs like a saved decision."""
    store = _store(request)
    record = store.get(decision_id)
    if version == record.version:
        return RedirectResponse(f"/decisions/{decision_id}", status_code=303)
    old = store.version(decision_id, version)
    service = _service(request)
    template = request.app.state.templates.env.get_template("_results_body.html")
    body = Markup(
        template.render(**results_view(service, old.outputs), service=service, contract=old.contract)
    )
    return render(
        request,
        "version.html",
        {"decision": record, "old": old, "body": body, "can_edit": store.can_edit},
    )


@pages_router.post("/decisions/{decision_id}/history/{version}/restore")
async def restore_version(request: Request, decision_id: int, version: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    await run_in_threadpool(_store(request).restore_version, decision_id, version)
    return RedirectResponse(f"/decisions/{decision_id}", status_code=303)


@pages_router.get("/trash", response_class=HTMLResponse)
def trash_page(request: Request, offset: Annotated[int, Query(ge=0, le=LIST_OFFSET_MAX)] = 0) -> HTMLResponse:
    """The workspace's deleted decisions, with the date each is deleted for good; restore any of them."""
    store = _store(request)
    found = store.trash(limit=LIST_LIMIT + 1, offset=offset)  # one more: is there an older page?
    return render(
        request,
        "trash.html",
        {
            "decisions": found[:LIST_LIMIT],
            "trash_days": store.trash_days,
            "offset": offset,
            "next_url": f"/trash?offset={offset + LIST_LIMIT}" if len(found) > LIST_LIMIT else None,
            "previous_url": f"/trash?offset={max(0, offset - LIST_LIMIT)}" if offset else None,
            "can_edit": store.can_edit,
        },
    )


@pages_router.post("/trash/{decision_id}/restore")
async def undelete(request: Request, decision_id: int) -> Response:
    form = await request.form()
    check_csrf(request, form)
    await run_in_threadpool(_store(request).undelete, decision_id)
    return RedirectResponse(f"/decisions?restored={decision_id}", status_code=303)


def list_notice(store: DecisionStore, deleted: str | None, restored: str | None) -> dict[str, Any] | None:
    """What the decisions list says after a delete ("Deleted “X”. Undo") or an undo ("“X” is back"),
    from the ``deleted`` / ``restored`` query parameters; None when there is nothing (still) to say."""
    for kind, value in (("deleted", deleted), ("restored", restored)):
        if value is None or not (value.isascii() and value.isdigit()) or len(value) > 19:
            continue
        try:
            found: TrashedSummary | DecisionRecord = (
                store.trashed(int(value)) if kind == "deleted" else store.get(int(value))
            )
        except NotFoundError:
            continue  # restored or purged since, or another workspace's id: say nothing
        return {"kind": kind, "decision": found, "trash_days": store.trash_days}
    return None
