"""The audit: one streaming pass over ``documents.jsonl`` into the figures of ``audit.json``.

Records are read one at a time and folded into counters; only the rows that the audit lists (mislabel
candidates, terms ending soon, engagements flagged for review, unreadable documents) are kept, each in a
compact form (a few hundred bytes), so memory grows with what the audit finds, never with the repository.
Every list and mapping is sorted on its own keys and money is summed in whole cents, so the same records
in any order give the same audit.json, byte for byte (the local pool and a Dask cluster finish documents
in different orders).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from seamline.audit.thresholds import Thresholds, load_thresholds

AUDIT_VERSION = 1  # audit.json's shape (docs/audit.md); additions never bump it
UNKNOWN_VENDOR = "(unknown)"
NO_CURRENCY = "(none)"
NONE = "none"  # the claimed/detected key when there is none
DAYS_PER_MONTH = 365.25 / 12
ENGAGEMENT_TYPES = ("engagement", "master_terms")
_READS_AS = {  # a document type as the mislabel sentence names it
    "nda": "a non-disclosure agreement",
    "licence": "a licence",
    "distribution_or_supply": "a distribution or supply agreement",
    "employment": "an employment contract",
    "other": "another kind of agreement",
}


@lru_cache(maxsize=4)
def _thresholds(knowledge: str | None) -> Thresholds:
    return load_thresholds(knowledge)


@lru_cache(maxsize=4)
def _role_words(knowledge: str | None) -> frozenset[str]:
    """The role words (vendor, contractor, client...): a party called only that names no vendor."""
    from seamline.contracts.catalogue import load_signals

    roles = load_signals(Path(knowledge) if knowledge else None).roles
    words = (*roles.buyer_words, *roles.supplier_words, *roles.ambiguous_words)
    return frozenset(w.lower() for w in words)


def summarise(rec: dict[str, Any], knowledge: str | None = None) -> dict[str, Any]:
    """The per-document facts the audit (and a viewer's filters) read: status, type, claimed and detected
    model, mislabel, missing protections, vendor. A pure function of the record."""
    check = rec.get("check")
    meta = rec.get("metadata") or {}
    vendor = meta.get("vendor")
    vendor_from = "manifest" if vendor else None
    if check is None:
        return {
            "status": "unreadable",
            "document_type": None,
            "claimed": meta.get("claimed_model"),
            "claimed_from": "user" if meta.get("claimed_model") else None,
            "detected": None,
            "confidence": None,
            "mislabel": None,
            "missing": [],
            "vendor": vendor,
            "vendor_from": vendor_from,
        }
    det = check["detected"]
    if not vendor:
        generic = _role_words(knowledge)
        suppliers = (det.get("parties") or {}).get("supplier") or []
        vendor = next((s for s in suppliers if s.lower() not in generic), None)
        vendor_from = "document" if vendor else None
    mislabel: dict[str, Any] | None = None
    if check.get("mislabel"):
        m = check["mislabel"]
        mislabel = {"kind": "model", "pattern": m["pattern"], "text": m["text"], "source": m["source"]}
    elif (
        check.get("claimed") and det.get("model") is None and det.get("document_type") not in ENGAGEMENT_TYPES
    ):
        rule = _thresholds(knowledge).not_an_engagement
        doc_type = _READS_AS.get(str(det.get("document_type")), _READS_AS["other"])
        claimed = str(check["claimed"]).replace("_", " ")
        mislabel = {
            "kind": "not_an_engagement",
            "pattern": "not_an_engagement",
            "text": " ".join(rule.text.format(claimed=claimed, document_type=doc_type).split()),
            "source": rule.source,
        }
    return {
        "status": "checked",
        "document_type": det.get("document_type"),
        "claimed": check.get("claimed"),
        "claimed_from": check.get("claimed_from"),
        "detected": det.get("model"),
        "confidence": det.get("confidence"),
        "mislabel": mislabel,
        "missing": list(check.get("missing_for_detected_model") or []),
        "vendor": vendor,
        "vendor_from": vendor_from,
    }


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The complete records of a documents.jsonl, one at a time (a line cut short is skipped)."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict) and "path" in rec:
                yield rec


def _cents(value: float | None) -> int:
    return round(value * 100) if value is not None else 0


def _money(cents: int) -> float:
    return cents / 100


def _months(start: str | None, end: str | None, as_of: date) -> float | None:
    if not start:
        return None
    first = date.fromisoformat(start)
    last = date.fromisoformat(end) if end else as_of
    return max(0.0, round((last - first).days / DAYS_PER_MONTH, 1))


class _Vendor:
    __slots__ = ("documents", "exposed", "exposure", "mislabels", "missing", "value")

    def __init__(self) -> None:
        self.documents = 0
        self.value: Counter[str] = Counter()  # cents by currency
        self.exposure: Counter[str] = Counter()
        self.exposed = 0
        self.mislabels = 0
        self.missing = 0


class Aggregator:
    """Fold records in (:meth:`add`), then read the audit (:meth:`result`). Order-independent."""

    def __init__(self, thresholds: Thresholds, as_of: date, *, source: str | None = None) -> None:
        self.t = thresholds
        self.as_of = as_of
        self.source = source
        self.horizons = thresholds.horizons()
        self.total = self.checked = self.unreadable = self.with_value = 0
        self.value: Counter[str] = Counter()
        self.by_type: Counter[str] = Counter()
        self.pairs: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_model: dict[str, Counter[str]] = defaultdict(Counter)
        self.by_vendor: dict[str, Counter[str]] = defaultdict(Counter)
        self.items: dict[str, dict[str, str]] = {}
        self.vendors: dict[str, _Vendor] = defaultdict(_Vendor)
        self.candidates: list[dict[str, Any]] = []
        self.ending: list[dict[str, Any]] = []
        self.review: list[dict[str, Any]] = []
        self.review_unknown = 0
        self.unreadable_rows: list[dict[str, Any]] = []
        self.knowledge_versions: set[str] = set()

    def _clauses(self, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
        chars = int(self.t.evidence_chars.value)
        out = []
        for s in spans[: int(self.t.evidence_clauses.value)]:
            text = " ".join(str(s.get("text", "")).split())
            out.append(
                {
                    "text": text if len(text) <= chars else text[: chars - 1] + "…",
                    "start": s.get("start"),
                    "end": s.get("end"),
                    "cue": s.get("cue", ""),
                    "dimension": s.get("dimension", ""),
                }
            )
        return out

    def add(self, rec: dict[str, Any]) -> None:
        self.total += 1
        meta = rec.get("metadata") or {}
        summary = rec.get("summary") or summarise(rec)
        path = str(rec["path"])
        vendor = summary.get("vendor") or UNKNOWN_VENDOR
        value = meta.get("annual_value")
        currency = meta.get("currency") or NO_CURRENCY
        cents = _cents(value)
        v = self.vendors[vendor]
        v.documents += 1
        if value is not None:
            self.with_value += 1
            self.value[currency] += cents
            v.value[currency] += cents
        self._ending(path, vendor, meta, summary)
        if summary["status"] != "checked":
            self.unreadable += 1
            self.by_type["unreadable"] += 1
            self.unreadable_rows.append({"path": path, "row": rec.get("row"), "error": rec.get("error")})
            return
        check = rec["check"]
        self.checked += 1
        if check.get("knowledge_version"):
            self.knowledge_versions.add(check["knowledge_version"])
        self.by_type[summary["document_type"] or "other"] += 1
        self.pairs[summary["claimed"] or NONE][summary["detected"] or NONE] += 1
        model = summary["detected"] or NONE
        for f in check.get("findings") or []:
            if f["item"] in summary["missing"]:
                self.items.setdefault(
                    f["item"], {"name": f["name"], "severity": f["severity"], "source": f["source"]}
                )
        for item in summary["missing"]:
            self.by_model[model][item] += 1
            self.by_vendor[vendor][item] += 1
        v.missing += len(summary["missing"])
        det = check["detected"]
        if summary["mislabel"]:
            v.mislabels += 1
            self.candidates.append(
                {
                    "path": path,
                    "vendor": vendor,
                    "claimed": summary["claimed"],
                    "claimed_from": summary["claimed_from"],
                    "detected": summary["detected"],
                    "document_type": summary["document_type"],
                    "confidence": summary["confidence"],
                    "value_at_risk": value,
                    "currency": meta.get("currency"),
                    "kind": summary["mislabel"]["kind"],
                    "pattern": summary["mislabel"]["pattern"],
                    "text": summary["mislabel"]["text"],
                    "source": summary["mislabel"]["source"],
                    "reason": det.get("reason", ""),
                    "evidence": self._clauses(det.get("evidence") or []),
                }
            )
        if summary["mislabel"] or summary["missing"]:
            v.exposed += 1
            if value is not None:
                v.exposure[currency] += cents
        if summary["detected"] in self.t.review.models.values:
            self._review(path, vendor, meta, summary, det)

    def _ending(self, path: str, vendor: str, meta: dict[str, Any], summary: dict[str, Any]) -> None:
        end = meta.get("end_date")
        if not end:
            return
        days = (date.fromisoformat(end) - self.as_of).days
        within = next((h for h in self.horizons if 0 <= days <= h), None)
        if within is None:
            return
        self.ending.append(
            {
                "path": path,
                "vendor": vendor,
                "end_date": end,
                "days_left": days,
                "within_days": within,
                "annual_value": meta.get("annual_value"),
                "currency": meta.get("currency"),
                "detected": summary.get("detected"),
                "owner": meta.get("owner"),
            }
        )

    def _review(
        self, path: str, vendor: str, meta: dict[str, Any], summary: dict[str, Any], det: dict[str, Any]
    ) -> None:
        months = _months(meta.get("start_date"), meta.get("end_date"), self.as_of)
        if months is None:
            self.review_unknown += 1
            return
        if months < self.t.review.min_months.value:
            return
        shown = f"{months:g}"
        self.review.append(
            {
                "path": path,
                "vendor": vendor,
                "detected": summary["detected"],
                "confidence": summary["confidence"],
                "months": months,
                "start_date": meta.get("start_date"),
                "end_date": meta.get("end_date"),
                "annual_value": meta.get("annual_value"),
                "currency": meta.get("currency"),
                "text": " ".join(self.t.review.text.format(months=shown).split()),
                "sources": list(self.t.review.sources),
                "evidence": self._clauses(det.get("evidence") or []),
            }
        )

    def result(self) -> dict[str, Any]:
        def money(counter: Counter[str]) -> dict[str, float]:
            return {k: _money(counter[k]) for k in sorted(counter)}

        def nested(d: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
            return {k: dict(sorted(d[k].items())) for k in sorted(d)}

        def by_value(row: dict[str, Any], key: str) -> tuple[Any, ...]:
            value = row.get(key)
            return (value is None, -(value or 0), row["path"])

        vendors = []
        for name in sorted(self.vendors):
            v = self.vendors[name]
            vendors.append(
                {
                    "vendor": name,
                    "documents": v.documents,
                    "annual_value": money(v.value),
                    "exposure": money(v.exposure),
                    "exposed_documents": v.exposed,
                    "mislabels": v.mislabels,
                    "missing_protections": v.missing,
                }
            )

        def rank(r: dict[str, Any]) -> tuple[int, int, int, str]:
            name = str(r["vendor"])
            v = self.vendors[name]
            return (-sum(v.exposure.values()), -v.exposed, -v.missing, name)

        vendors.sort(key=rank)
        ending_totals = {}
        for h in self.horizons:
            rows = [r for r in self.ending if r["days_left"] <= h]
            value: Counter[str] = Counter()
            for r in rows:
                if r["annual_value"] is not None:
                    value[r["currency"] or NO_CURRENCY] += _cents(r["annual_value"])
            ending_totals[str(h)] = {"documents": len(rows), "annual_value": money(value)}
        return {
            "version": AUDIT_VERSION,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "knowledge_version": sorted(self.knowledge_versions),
            "thresholds": self.t.cited(),
            "documents": {
                "total": self.total,
                "checked": self.checked,
                "unreadable": self.unreadable,
                "mislabel_candidates": len(self.candidates),
                "with_annual_value": self.with_value,
                "annual_value": money(self.value),
                "review_flags": len(self.review),
            },
            "by_type": dict(sorted(self.by_type.items())),
            "detected_vs_claimed": nested(self.pairs),
            "mislabel_candidates": sorted(self.candidates, key=lambda r: by_value(r, "value_at_risk")),
            "missing_protections": {
                "by_model": nested(self.by_model),
                "by_vendor": nested(self.by_vendor),
                "items": dict(sorted(self.items.items())),
            },
            "vendors": vendors,
            "ending_soon": sorted(self.ending, key=lambda r: (r["days_left"], r["path"])),
            "ending_soon_totals": ending_totals,
            "review_flags": sorted(self.review, key=lambda r: (-r["months"], r["path"])),
            "review_unknown_duration": self.review_unknown,
            "unreadable": sorted(self.unreadable_rows, key=lambda r: r["path"]),
        }


def aggregate(
    documents: Path, thresholds: Thresholds, as_of: date, *, source: str | None = None
) -> dict[str, Any]:
    """The audit of a documents.jsonl, in one streaming pass."""
    agg = Aggregator(thresholds, as_of, source=source)
    for rec in read_records(documents):
        agg.add(rec)
    return agg.result()
