"""The heavy work the web app sends to its worker processes (see :mod:`seamline.web.jobs`).

Module-level functions of picklable arguments (settings, bytes, JSON-ready dicts) returning JSON-ready
results or bytes. Each worker keeps its knowledge base and service between jobs.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from seamline.errors import SeamlineError

if TYPE_CHECKING:
    from seamline.settings import Settings
    from seamline.web.service import Service


@lru_cache(maxsize=4)
def _service(settings_json: str) -> Service:
    from seamline.settings import Settings
    from seamline.web.service import Service

    return Service(Settings.model_validate_json(settings_json))


def service_for(settings: Settings) -> Service:
    return _service(settings.model_dump_json())


def check_document(
    settings: Settings, filename: str, data: bytes, claimed: str | None, view: bool
) -> dict[str, Any]:
    """Check an uploaded document: written to a private temporary file, read, checked, removed.

    Returns ``{"report": <the report's JSON>, "view": <what the contract page draws, or None>}``.
    """
    from seamline.contracts.check import check_text
    from seamline.contracts.ingest import default_limits, read_document

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
        doc.text,
        claimed=claimed or None,
        path=filename,
        title=doc.title,
        knowledge=settings.knowledge,
        claimed_field="claimed",
    )
    out: dict[str, Any] = {"report": report.to_json(), "view": None}
    if view:
        from seamline.web.views import report_view

        out["view"] = report_view(report, doc.text, settings.knowledge)
    return out


def render_report(
    settings: Settings,
    situation: dict[str, Any],
    contract: dict[str, Any] | None,
    trials: int,
    seed: int,
    fmt: str,
    where: str,
    vendors: list[dict[str, Any]] | None = None,
) -> bytes:
    """A saved decision's document in ``fmt`` (html, md, docx, pdf), with the vendors kept with it (their
    stored profiles) scored for the recommended model."""
    from seamline.report import build_document, render

    service = service_for(settings)
    report = None
    if contract:
        from seamline.contracts.check import ContractReport

        report = ContractReport.model_validate(contract)
    document = build_document(
        service.parse(situation, where),
        service.kb,
        contract_report=report,
        trials=trials,
        seed=seed,
        vendors=_profiles(vendors or []),
    )
    return render(document, fmt)


def _profiles(profiles: list[dict[str, Any]]) -> list[Any]:
    from seamline.vendors import VendorProfile

    return [VendorProfile.model_validate(p) for p in profiles]


def vendor_chart(settings: Settings, profiles: list[dict[str, Any]], model: str | None) -> str:
    """The comparison chart of saved vendor profiles (page markup: a wide and a narrow inline SVG)."""
    from seamline.charts import build, responsive
    from seamline.vendors import compare_vendors, load_vendor_knowledge

    vk = load_vendor_knowledge(service_for(settings).kb.root)
    comparison = compare_vendors(_profiles(profiles), model, vk)
    return responsive(build.vendor_comparison(comparison))


def plan_portfolio(settings: Settings, data: dict[str, Any], where: str) -> dict[str, Any]:
    """Plan a portfolio (a Monte Carlo run per workstream): ``{"plan": <the plan, every field>,
    "chart": <the portfolio chart, SVG text>}``."""
    from seamline.charts import build, responsive
    from seamline.portfolio import parse_portfolio
    from seamline.portfolio import plan_portfolio as plan_it

    kb = service_for(settings).kb
    plan = plan_it(parse_portfolio(data, where, kb), kb)
    return {"plan": plan.model_dump(mode="json"), "chart": responsive(build.portfolio(plan))}


def portfolio_chart(settings: Settings, plan: dict[str, Any]) -> str:
    """A saved plan's chart (page markup: a wide and a narrow inline SVG)."""
    from seamline.charts import build, responsive
    from seamline.portfolio import PortfolioPlan

    return responsive(build.portfolio(PortfolioPlan.model_validate(plan)))


def render_portfolio(settings: Settings, plan: dict[str, Any], fmt: str) -> bytes:
    """A saved plan's portfolio document in ``fmt`` (html, md, docx, pdf)."""
    from seamline.portfolio import PortfolioPlan
    from seamline.report.portfolio_doc import build_portfolio_document
    from seamline.report.portfolio_doc import render_portfolio as render

    doc = build_portfolio_document(PortfolioPlan.model_validate(plan), service_for(settings).kb)
    return render(doc, fmt)


def cost(
    settings: Settings,
    situation: dict[str, Any],
    horizon_months: int | None,
    trials: int | None,
    seed: int | None,
) -> dict[str, Any]:
    """The cost comparison (a large Monte Carlo run)."""
    service = service_for(settings)
    parsed = service.parse(situation)
    return service.cost(parsed, horizon_months=horizon_months, trials=trials, seed=seed)
