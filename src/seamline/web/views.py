"""View models: turn stored outputs into what the templates draw (pure; shared by results and compare)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from seamline.charts import build
from seamline.charts.svg import responsive
from seamline.web.service import Service

REPORT_FORMATS = ("html", "md", "docx", "pdf")
CONTEXT_CHARS = 240  # characters of document text shown either side of a piece of evidence


def results_view(service: Service, outputs: dict[str, Any], uid: str = "cost") -> dict[str, Any]:
    """Everything the results template needs, computed from a decision's stored outputs only."""
    names = {m["id"]: m["name"] for m in outputs["criteria"]["models"]}
    rec = outputs["recommendation"]
    for r in rec["ranking"]:
        names.setdefault(r["model"], r["name"])
    cost = outputs["cost"]
    seams = outputs["seams"]
    role_names = {r["id"]: r["name"] for r in seams.get("roles", [])}
    order = [r["model"] for r in rec["ranking"]]
    seam_models = [
        {
            "id": mid,
            "name": names.get(mid, mid),
            "count": seams["models"][mid]["seam_count"],
            "hours": seams["models"][mid]["management_hours_per_week"]["total"],
            "seams": seams["models"][mid]["seams"],
            "missing": [role_names.get(r, r) for r in seams["models"][mid].get("roles_missing", [])],
            "svg": Markup(
                responsive(
                    build.seams(seams, [mid], names, role_names),
                    f"{uid}-seam-{mid}",
                )
            ),
        }
        for mid in order
        if mid in seams["models"]
    ]
    verdicts = {r["model"]: r["verdict"] for r in rec["ranking"]}
    means = {mid: m["mean"] for mid, m in cost["models"].items()}
    cheapest = min(means, key=means.__getitem__) if means else None
    advised = {mid: v for mid, v in means.items() if verdicts.get(mid) != "not_advised"}
    cheapest_advised = min(advised, key=advised.__getitem__) if advised else None
    seam_missing = {
        mid: [role_names.get(r, r) for r in seams["models"][mid].get("roles_missing", [])]
        for mid in order
        if mid in seams["models"]
    }
    return {
        "rec": rec,
        "names": names,
        "top": rec["ranking"][0] if rec["ranking"] else None,
        "cost": cost,
        "cost_rows": [(mid, cost["models"][mid]) for mid in order if mid in cost["models"]],
        "verdicts": verdicts,
        "cheapest": cheapest,
        "cheapest_advised": cheapest_advised,
        "cheapest_not_advised": cheapest is not None and verdicts.get(cheapest) == "not_advised",
        "markets": cost.get("markets"),
        "seam_missing": seam_missing,
        "cost_svg": Markup(
            responsive(build.cost_components(cost, names, order, rec.get("recommended")), uid)
        ),
        "cumulative_svg": Markup(responsive(build.cumulative(cost, names), f"{uid}-cumulative")),
        "seam_models": seam_models,
        "role_names": role_names,
        "criteria": outputs["criteria"],
        "sources": {s: service.kb.sources[s] for s in service.kb.sources},
    }


def report_available() -> bool:
    try:
        import seamline.report  # noqa: F401
    except ImportError:
        return False
    return True


def in_context(text: str, start: int, end: int) -> dict[str, str]:
    """The evidence and the text around it, as separate strings (the template escapes each)."""
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(text), end + CONTEXT_CHARS)
    return {
        "before": ("…" if lo > 0 else "") + text[lo:start],
        "mark": text[start:end],
        "after": text[end:hi] + ("…" if hi < len(text) else ""),
    }


def report_view(report: Any, text: str, knowledge: Any = None) -> dict[str, Any]:
    from seamline.contracts.catalogue import DIMENSION_NAMES, load_document_types

    data = report.to_json()
    det = data["detected"]
    for ev in det["evidence"]:
        ev["context"] = in_context(text, ev["start"], ev["end"])
    det["document_type_name"] = load_document_types(knowledge).name(det["document_type"])
    scores = [a["score"] for a in det["alternatives"]]
    det["margin"] = round(scores[0] - scores[1], 3) if len(scores) > 1 else None
    det["by_dimension"] = [
        {"id": key, "name": name, "evidence": [e for e in det["evidence"] if e.get("dimension") == key]}
        for key, name in DIMENSION_NAMES.items()
        if any(e.get("dimension") == key for e in det["evidence"])
    ]
    for f in data["findings"]:
        for ev in f["evidence"]:
            ev["context"] = in_context(text, ev["start"], ev["end"])
    order = {"missing": 0, "weak": 1, "present": 2}
    data["findings"].sort(key=lambda f: (not f["required_for_detected_model"], order.get(f["status"], 3)))
    return data
