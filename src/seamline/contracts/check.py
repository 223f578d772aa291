"""The contract check: document → clauses → findings, detected and claimed model, mislabel. Pure functions.

``check_text`` is the kernel (text in, :class:`ContractReport` out); ``check_contract`` reads a file first.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from seamline.contracts import learn
from seamline.contracts.catalogue import (
    Checklist,
    ChecklistItem,
    Signals,
    load_checklist,
    load_document_types,
    load_signals,
)
from seamline.contracts.classify import ClauseModel, load_model
from seamline.contracts.detect import Detected, claimed_model, detect
from seamline.contracts.features import clause_tokens
from seamline.contracts.ingest import ReadLimits, default_limits, read_document, title_of
from seamline.contracts.patterns import ClauseIndex, matches_any
from seamline.contracts.segment import Clause, segment
from seamline.errors import SeamlineError
from seamline.knowledge import KnowledgeBase, load_knowledge

Status = Literal["present", "weak", "missing"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Frozen):
    text: str
    start: int
    end: int
    section: str


class Finding(_Frozen):
    item: str
    name: str
    cuad: str | None
    status: Status
    required_for_detected_model: bool
    severity: str
    evidence: list[Span]
    note: str | None = None
    source: str


class Clue(Span):
    """A clause behind the detected model: which signal it carries and which dimension that speaks to.

    Defaults keep checks saved by earlier versions (without these keys) readable."""

    cue: str = ""
    dimension: str = ""


class Alternative(_Frozen):
    model: str
    score: float


class DetectedModel(_Frozen):
    model: str | None
    confidence: float
    evidence: list[Clue]
    reason: str
    # added with the document types; defaults keep checks saved by earlier versions readable
    document_type: str = "engagement"
    document_type_confidence: float = 0.0
    alternatives: list[Alternative] = Field(default_factory=list)
    parties: dict[str, list[str]] = Field(default_factory=dict)


class Mislabel(_Frozen):
    pattern: str
    text: str
    source: str


class ContractReport(_Frozen):
    path: str | None
    title: str
    claimed: str | None
    claimed_from: Literal["user", "title", "text"] | None
    detected: DetectedModel
    mislabel: Mislabel | None
    findings: list[Finding]
    missing_for_detected_model: list[str]
    knowledge_version: str

    def to_json(self) -> dict[str, object]:
        """The public JSON shape of ``seamline check --json`` (extra keys are additions, never renames)."""
        return self.model_dump(mode="json")


def _span(c: Clause) -> Span:
    return Span(text=c.text, start=c.start, end=c.end, section=c.section)


def _quality_ok(item: ChecklistItem, clauses: Sequence[Clause]) -> bool:
    return matches_any(item.quality, clauses)


def pattern_hit(item: ChecklistItem, index: ClauseIndex) -> bool:
    """Whether any of the item's hand-written patterns matches a clause."""
    return bool(item.patterns) and bool(index.hits(item.patterns))


def cuad_presence(
    index: ClauseIndex, checklist: Checklist, model: ClauseModel
) -> tuple[dict[str, bool], np.ndarray]:
    """Document-level presence of each CUAD category, and the clause scores behind it.

    Score = best clause score + the category's pattern bonus when the item's patterns match the text.
    """
    clauses = index.clauses
    scores = model.token_scores(index.tokens)
    best = scores.max(axis=0) if len(clauses) else np.full(len(model.categories), -np.inf)
    items = {i.cuad: i for i in checklist.items if i.cuad}
    presence: dict[str, bool] = {}
    for k, cat in enumerate(model.categories):
        bonus = float(model.pattern_bonus[k])
        item = items.get(cat)
        if bonus and item is not None and pattern_hit(item, index):
            presence[cat] = bool(best[k] + bonus >= model.thresholds[k])
        else:
            presence[cat] = bool(best[k] >= model.thresholds[k])
    return presence, scores


def findings_for(
    index: ClauseIndex,
    checklist: Checklist,
    model: ClauseModel,
    detected_model: str | None,
) -> list[Finding]:
    """One finding per checklist item: present, weak (lacks the quality marks) or missing, with evidence."""
    clauses = index.clauses
    presence, scores = cuad_presence(index, checklist, model)
    k_max = int(checklist.evidence_spans.value)
    out: list[Finding] = []
    for item in checklist.items:
        pattern_idx = index.hits(item.patterns) if item.patterns else []
        if item.cuad and item.cuad in model.categories:
            idx: list[int] = []
            if presence[item.cuad]:
                k = model.index(item.cuad)
                order = [int(i) for i in np.argsort(-scores[:, k])]
                above = [i for i in order if scores[i, k] >= model.thresholds[k]]
                # evidence: clauses the classifier is sure of, then pattern hits, then its best guesses
                idx = list(dict.fromkeys(above + pattern_idx + order[:1]))
        else:
            idx = pattern_idx
        chosen = [clauses[i] for i in idx]
        if not chosen:
            status: Status = "missing"
            note = f"no clause found. {item.why}"
        elif item.quality and not _quality_ok(item, chosen + [clauses[i] for i in pattern_idx]):
            status = "weak"
            note = item.weak_when or "the clause lacks the quality marks the checklist asks for"
        else:
            status = "present"
            note = None
        out.append(
            Finding(
                item=item.id,
                name=item.name,
                cuad=item.cuad,
                status=status,
                required_for_detected_model=detected_model is not None
                and detected_model in item.required_for,
                severity=item.severity,
                evidence=[_span(c) for c in chosen[:k_max]],
                note=note,
                source=item.source,
            )
        )
    return out


def _mislabel(
    claimed: str | None, detected: str | None, kb: KnowledgeBase, signals: Signals
) -> Mislabel | None:
    if claimed is None or detected is None or claimed == detected:
        return None
    for rule in kb.rules.mislabels:
        if rule.described_as == claimed and rule.actually == detected:
            return Mislabel(pattern=rule.id, text=rule.in_contract or rule.consequence, source=rule.source)
    names = {m.id: m.name.lower() for m in kb.models.values()}
    text = signals.mismatch.text.format(
        claimed=names.get(claimed, claimed), detected=names.get(detected, detected)
    )
    return Mislabel(pattern=signals.mismatch.id, text=text.strip(), source=signals.mismatch.source)


def check_text(
    text: str,
    *,
    claimed: str | None = None,
    path: str | None = None,
    title: str | None = None,
    knowledge: Path | str | None = None,
    model: ClauseModel | None = None,
    claimed_field: str = "--claimed",
) -> ContractReport:
    """Check a document's normalised text. ``claimed`` (a model id) overrides what the document claims;
    an unknown one is named ``claimed_field`` (the CLI's option; the API passes its own field's name)."""
    kb = load_knowledge(knowledge)
    if claimed is not None and claimed not in kb.models:
        raise SeamlineError(
            f"{claimed_field}: unknown model {claimed!r}; expected one of: {', '.join(kb.models)}"
        )
    checklist = load_checklist(knowledge)
    signals = load_signals(knowledge)
    clf = model or load_model()
    clauses = segment(text)
    index = ClauseIndex(clauses, clause_tokens(c.text for c in clauses))
    detected: Detected = detect(text, clauses, signals, load_document_types(knowledge), learn.load(), index)
    claimed_from: Literal["user", "title", "text"] | None = "user" if claimed else None
    if claimed is None:
        head = text[: int(signals.detection.title_chars.value)]
        claimed = claimed_model(head, None, kb, signals)
        claimed_from = "title" if claimed else None
        if claimed is None and detected.model is not None:
            claimed = claimed_model("", index, kb, signals)
            claimed_from = "text" if claimed else None
    findings = findings_for(index, checklist, clf, detected.model)
    missing = [f.item for f in findings if f.required_for_detected_model and f.status != "present"]
    return ContractReport(
        path=path,
        title=title if title is not None else title_of(text),
        claimed=claimed,
        claimed_from=claimed_from,
        detected=DetectedModel(
            model=detected.model,
            confidence=detected.confidence,
            evidence=[
                Clue(
                    text=e.text, start=e.start, end=e.end, section=e.section, cue=e.cue, dimension=e.dimension
                )
                for e in detected.evidence
            ],
            reason=detected.reason,
            document_type=detected.document_type,
            document_type_confidence=detected.document_type_confidence,
            alternatives=[Alternative(model=m, score=p) for m, p in detected.alternatives],
            parties=detected.parties,
        ),
        mislabel=_mislabel(claimed, detected.model, kb, signals),
        findings=findings,
        missing_for_detected_model=missing,
        knowledge_version=kb.version,
    )


def check_contract(
    path: str | Path,
    *,
    claimed: str | None = None,
    knowledge: Path | str | None = None,
    limits: ReadLimits | None = None,
) -> ContractReport:
    """Read a file (.pdf, .docx, .txt, .md, .html) and check it."""
    doc = read_document(path, limits or default_limits(knowledge))
    return check_text(doc.text, claimed=claimed, path=doc.path, title=doc.title, knowledge=knowledge)
