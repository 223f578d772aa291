"""Which engagement model a document describes, and which one it claims to be.

The cues of ``knowledge/contract_signals.yaml`` are matched clause by clause. A document counts as an
engagement contract when its subject cues, less its not-engagement cues, reach the configured score; the
detected model is then the one with the most cue weight, provided enough weight from enough dimensions
(who directs, who owns the outcome, pricing shape, what is bought). Confidence is the winner's share of all
model weight. The claimed model comes from the title (model names and aliases) or, failing that, the
first model name in the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from seamline.contracts.catalogue import Signals
from seamline.contracts.patterns import ClauseIndex
from seamline.contracts.segment import Clause
from seamline.knowledge import KnowledgeBase


@dataclass(frozen=True)
class Evidence:
    text: str
    start: int
    end: int
    section: str
    cue: str = ""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "section": self.section,
        }
        if self.cue:
            out["cue"] = self.cue
        return out


@dataclass(frozen=True)
class Detected:
    model: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    scores: dict[str, float]
    reason: str


def _first_hit(patterns: Sequence[str], index: ClauseIndex) -> Clause | None:
    i = index.first_hit(patterns)
    return None if i is None else index.clauses[i]


def _evidence(clause: Clause, cue: str) -> Evidence:
    return Evidence(clause.text, clause.start, clause.end, clause.section, cue)


def detect_model(index: ClauseIndex, signals: Signals) -> Detected:
    """The engagement model the clauses describe, or ``model=None`` for a non-engagement."""
    det = signals.detection
    subject = 0.0
    for gate in signals.subject:
        if _first_hit(gate.patterns, index) is not None:
            subject += gate.weight
    against: list[str] = []
    for gate in signals.not_engagement:
        if _first_hit(gate.patterns, index) is not None:
            subject -= gate.weight
            against.append(gate.text)

    if subject < det.min_subject_score.value:  # not an engagement: the model cues need not be read
        why = "; ".join(against) if against else "no sign that it buys software-engineering capacity"
        return Detected(None, 0.0, (), {}, f"not an engagement contract: {why}")

    scores: dict[str, float] = {}
    hits: list[tuple[float, Evidence, dict[str, float], str]] = []
    for cue in signals.cues:
        clause = _first_hit(cue.patterns, index)
        if clause is None:
            continue
        for model, weight in cue.favours.items():
            scores[model] = scores.get(model, 0.0) + weight
        hits.append((max(cue.favours.values()), _evidence(clause, cue.id), cue.favours, cue.dimension))

    if not scores:
        return Detected(None, 0.0, (), scores, "no cue of any engagement model")
    best = max(scores, key=lambda m: (scores[m], -list(scores).index(m)))
    dims = {dim for _, _, favours, dim in hits if favours.get(best, 0) > 0}
    if scores[best] < det.min_model_score.value or len(dims) < det.min_dimensions.value:
        return Detected(None, 0.0, (), scores, "too few cues to tell the engagement model")
    total = sum(v for v in scores.values() if v > 0)
    confidence = round(scores[best] / total, 3) if total else 0.0
    support = sorted((h for h in hits if h[2].get(best, 0) > 0), key=lambda h: -h[2][best])
    evidence = tuple(h[1] for h in support[: int(det.max_evidence.value)])
    return Detected(best, confidence, evidence, scores, f"{len(support)} cues over {len(dims)} dimensions")


def claimed_model(title_text: str, body: str, kb: KnowledgeBase, signals: Signals) -> str | None:
    """The model the document says it is: a model name or alias in the title, else in the text."""
    aliases: list[tuple[re.Pattern[str], str]] = []
    for model in kb.models.values():
        for name in [model.name, *model.names]:
            aliases.append((re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE), model.id))
    for claim in signals.claims:
        for pattern in claim.patterns:
            aliases.append((re.compile(pattern, re.IGNORECASE), claim.model))
    for text in (title_text, body):
        found = [(m.start(), model_id) for pattern, model_id in aliases if (m := pattern.search(text))]
        if found:
            return min(found)[1]
    return None
