"""Results people can read: the numbered list of the sources a results page cites, and the contract
check kept with a decision in plain words (checklist items by name, linked to their evidence).

Pure functions over a decision's stored outputs and the knowledge base; the templates call them through
:class:`seamline.web.service.Service` (``service.numbered_sources``, ``service.contract_items``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

SOURCE_KEYS = ("source", "remedy_source", "placement_source")


def _cited(node: Any) -> Iterator[str]:
    """Every source id a JSON-like value names (under the keys that hold a source)."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if key in SOURCE_KEYS and isinstance(item, str):
                    yield item
                elif isinstance(item, Mapping | list | tuple):
                    stack.append(item)
        elif isinstance(value, list | tuple):
            stack.extend(value)


def numbered_sources(kb: Any, *parts: Any) -> dict[str, Any]:
    """The sources ``parts`` cite, numbered in the registry's order: ``{"order": [{n, id, publisher,
    title, date, note}], "number": {id: n}}``. An id the registry lacks is left out (the page then shows
    it as written)."""
    cited = {s for part in parts if part is not None for s in _cited(part)}
    order: list[dict[str, Any]] = []
    for source in kb.sources.values():
        if source.id in cited:
            order.append(
                {
                    "n": len(order) + 1,
                    "id": source.id,
                    "publisher": source.publisher,
                    "title": source.title,
                    "date": source.date,
                    "note": source.note if source.kind == "assumption" else None,
                }
            )
    return {"order": order, "number": {s["id"]: s["n"] for s in order}}


def contract_items(kb_root: Any, contract: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The checklist items a contract check found lacking, weak or present for the model the document
    describes, in plain words: ``{item, anchor, name, why, status, evidence}`` (``evidence``: how many
    quotes the contract page highlights). Items required for that model come first, the missing before
    the weak before the present."""
    if not contract:
        return []
    from seamline.contracts.catalogue import load_checklist

    checklist = {i.id: i for i in load_checklist(kb_root).items}
    order = {"missing": 0, "weak": 1, "present": 2}
    findings = [f for f in contract.get("findings", []) if f.get("required_for_detected_model")]
    named = {f["item"] for f in findings}
    for item in contract.get("missing_for_detected_model", []):  # older checks: codes only
        if item not in named:
            findings.append({"item": item, "status": "missing", "evidence": []})
    out = []
    for f in sorted(findings, key=lambda f: order.get(f.get("status", ""), 3)):
        known = checklist.get(f["item"])
        out.append(
            {
                "item": f["item"],
                "anchor": anchor(f["item"]),
                "name": f.get("name") or (known.name if known else f["item"].replace("_", " ")),
                "why": known.why if known else (f.get("note") or ""),
                "status": f.get("status", "missing"),
                "evidence": len(f.get("evidence") or []),
                "source": f.get("source") or (known.source if known else None),
            }
        )
    return out


def anchor(item: str) -> str:
    """The id of a checklist item's entry on the contract page."""
    return "item-" + "".join(c if c.isalnum() else "-" for c in item)
