"""Which kind of document this is, which engagement model it describes, and which one it claims to be.

1. **Document type** (``knowledge/document_types.yaml``): the cue values go through the trained
   document-type weights; only ``engagement`` and ``master_terms`` documents get a model. A confidentiality
   clause alone never makes an NDA: the NDA cues are the title, disclosing and receiving parties, an
   evaluation purpose and the *share* of the document about confidential information.
2. **Parties** (:mod:`seamline.contracts.parties`) and **signals** (:mod:`seamline.contracts.signals`):
   every signal is counted relative to the buyer and the supplier, discounted where it sits in
   definitions, boilerplate, attachment lists, optional-extra rate cards or key-personnel clauses.
3. **Model**: the trained weights turn the counts into a probability per model. Every model is reported
   in ``alternatives``; the best one is named only when its probability reaches
   ``detection.min_probability`` and it leads the second by ``detection.min_margin``; otherwise ``model``
   is ``None`` and ``reason`` says which models were too close to call.

The claimed model comes from the title (model names, aliases and title claims) or, failing that, the
first model name in the text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from seamline.contracts.catalogue import ENGAGEMENT_TYPES, DocumentTypes, Signals
from seamline.contracts.learn import Artefact, Weights
from seamline.contracts.patterns import ClauseIndex
from seamline.contracts.segment import Clause
from seamline.contracts.signals import Hit, Reading, feature, read, signal_counts, type_cue_values
from seamline.knowledge import MODEL_IDS, KnowledgeBase

# every model but the in-house baseline: an employment contract is a document type, not an engagement
OUTSIDE_MODELS = tuple(m for m in MODEL_IDS if m != "in_house")


@dataclass(frozen=True)
class Evidence:
    text: str
    start: int
    end: int
    section: str
    cue: str = ""
    dimension: str = ""


@dataclass(frozen=True)
class Detected:
    model: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    scores: dict[str, float]
    reason: str
    document_type: str = "engagement"
    document_type_confidence: float = 1.0
    alternatives: tuple[tuple[str, float], ...] = ()
    parties: dict[str, list[str]] = field(default_factory=dict)


def choose_model(
    probabilities: dict[str, float],
    total_weight: float,
    min_probability: float,
    min_margin: float,
    min_weight: float,
) -> tuple[str | None, str]:
    """The model to name, or ``None`` with why: ``"named"``, ``"too_few_signals"`` or ``"too_close"``
    (the best model has less than ``min_probability``, or leads the next by less than ``min_margin``)."""
    ranked = sorted(probabilities.items(), key=lambda kv: (-kv[1], kv[0]))
    if total_weight < min_weight:
        return None, "too_few_signals"
    if ranked[0][1] < min_probability or (len(ranked) > 1 and ranked[0][1] - ranked[1][1] < min_margin):
        return None, "too_close"
    return ranked[0][0], "named"


def pick_type(probabilities: dict[str, float]) -> str:
    """The most probable document type (an engagement wins a tie)."""
    return max(probabilities, key=lambda t: (probabilities[t], t == "engagement"))


class _Weighted(Protocol):
    """A signal or a document-type cue: an id and the prior weights it gives each class."""

    @property
    def id(self) -> str: ...

    @property
    def points_to(self) -> dict[str, float]: ...


def _prior(items: Sequence[_Weighted]) -> dict[str, dict[str, float]]:
    return {i.id: dict(i.points_to) for i in items}


def _prior_weights(classes: Sequence[str], items: Sequence[_Weighted], scale: float) -> Weights:
    """Weights straight from the knowledge base (used when no trained artefact is available)."""
    import numpy as np

    prior = _prior(items)
    names = list(prior)
    w = np.array([[scale * prior[n].get(c, 0.0) for c in classes] for n in names], dtype=np.float64)
    return Weights(
        tuple(classes), tuple(names), w.reshape(len(names), len(classes)), np.zeros(len(classes)), scale
    )


def document_type_of(
    reading: Reading, types: DocumentTypes, signals: Signals, weights: Weights
) -> tuple[str, dict[str, float]]:
    """The document type and the probability of each (see ``master_terms_rule`` for the one override)."""
    values = type_cue_values(reading, types, signals)
    probs = weights.probabilities(values, _prior(types.cues))
    return apply_master_terms_rule(pick_type(probs), values, types), probs


def apply_master_terms_rule(doc_type: str, values: dict[str, float], types: DocumentTypes) -> str:
    """Engagement terms that refer to orders often and include none are master terms; master terms that
    include an order are an engagement."""
    rule = types.master_terms_rule
    if rule is None or doc_type not in ENGAGEMENT_TYPES:
        return doc_type
    delegations = round(math.expm1(values.get(rule.delegation_cue, 0.0)))
    attached = values.get(rule.attachment_cue, 0.0) > 0
    if doc_type == "engagement" and delegations >= rule.min_delegations.value and not attached:
        return "master_terms"
    if doc_type == "master_terms" and attached:
        return "engagement"
    return doc_type


def _evidence(
    reading: Reading, hits: Sequence[Hit], contribution: dict[str, float], limit: int, per_signal_limit: int
) -> tuple[Evidence, ...]:
    """The clauses that speak most for the model: by signal weight times zone weight, one per clause and
    at most ``per_signal_limit`` per signal."""
    ranked = sorted(
        (h for h in hits if contribution.get(h.signal, 0.0) > 0),
        key=lambda h: (-contribution[h.signal] * h.weight, h.clause),
    )
    out: list[Evidence] = []
    seen: set[int] = set()
    per_signal: dict[str, int] = {}
    for h in ranked:
        if h.clause in seen or per_signal.get(h.signal, 0) >= per_signal_limit:
            continue
        seen.add(h.clause)
        per_signal[h.signal] = per_signal.get(h.signal, 0) + 1
        c = reading.clauses[h.clause]
        out.append(Evidence(c.text, c.start, c.end, c.section, h.signal, h.dimension))
        if len(out) >= limit:
            break
    return tuple(out)


def detect(
    text: str,
    clauses: Sequence[Clause],
    signals: Signals,
    types: DocumentTypes,
    artefact: Artefact | None,
    written: ClauseIndex | None = None,
) -> Detected:
    """Document type, then the engagement model with every alternative ranked (see the module docstring)."""
    reading = read(text, clauses, signals, written)
    det = signals.detection
    type_weights = (
        artefact.document_type if artefact else _prior_weights([t.id for t in types.types], types.cues, 1.0)
    )
    model_weights = artefact.model if artefact else _prior_weights(OUTSIDE_MODELS, signals.signals, 1.0)
    doc_type, type_probs = document_type_of(reading, types, signals, type_weights)
    parties = reading.parties.as_dict()
    type_conf = round(type_probs[doc_type], 3)
    if doc_type not in ENGAGEMENT_TYPES:
        why = next((t.text for t in types.types if t.id == doc_type), doc_type)
        return Detected(
            None,
            0.0,
            (),
            {},
            f"not an engagement: the document {why} ({types.name(doc_type).lower()})",
            doc_type,
            type_conf,
            (),
            parties,
        )

    counts, hits = signal_counts(reading, signals)
    values = {k: feature(v) for k, v in counts.items()}
    prior = _prior(signals.signals)
    names = list(values)
    matrix = model_weights.matrix(names, prior)
    probs = model_weights.probabilities(values, prior, matrix)
    ranked = sorted(probs.items(), key=lambda kv: (-kv[1], kv[0]))
    alternatives = tuple((m, round(p, 3)) for m, p in ranked)
    (best, p1), (second, p2) = ranked[0], ranked[1]
    total = sum(counts.values())
    master = (
        " Master terms: the statements of work or order forms decide the rest."
        if doc_type == "master_terms"
        else ""
    )
    col = list(model_weights.classes).index(best)
    contribution = {n: float(matrix[i, col]) for i, n in enumerate(names) if counts[n] > 0}
    model, why = choose_model(
        probs, total, det.min_probability.value, det.min_margin.value, det.min_signal_weight.value
    )
    evidence = (
        ()
        if why == "too_few_signals"
        else _evidence(
            reading, hits, contribution, int(det.max_evidence.value), int(det.max_evidence_per_signal.value)
        )
    )
    if why == "too_few_signals":
        reason = "too few signals of any engagement model to name one."
    elif why == "too_close":
        reason = (
            f"too close to call between {best} ({p1:.2f}) and {second} ({p2:.2f}): a model is named when "
            f"it has at least {det.min_probability.value:g} and leads the next by at least "
            f"{det.min_margin.value:g}."
        )
    else:
        n_sig = sum(1 for n in names if contribution.get(n, 0) > 0)
        dims = {e.dimension for e in evidence}
        reason = f"{n_sig} signals for it over {len(dims)} dimensions; margin {p1 - p2:.2f} over {second}."
    return Detected(
        model, round(p1, 3), evidence, probs, reason + master, doc_type, type_conf, alternatives, parties
    )


def claimed_model(
    title_text: str, body: ClauseIndex | None, kb: KnowledgeBase, signals: Signals
) -> str | None:
    """The model the document says it is: a model name, alias or title claim in the title, else (with the
    document's clause index as ``body``) the earliest model name or alias in the text."""
    names, claims = _claim_patterns(kb, signals)
    found = [
        (m.start(), model_id) for model_id, pattern in names + claims if (m := pattern.search(title_text))
    ]
    if found:
        return min(found)[1]
    if body is None:
        return None
    earliest: tuple[int, int, str] | None = None
    for model_id, pattern in names:
        hits = body.hits([pattern.pattern])
        if hits:
            m = pattern.search(body.clauses[hits[0]].text)
            spot = (hits[0], m.start() if m else 0, model_id)
            earliest = spot if earliest is None or spot < earliest else earliest
    return earliest[2] if earliest else None


_Claims = list[tuple[str, re.Pattern[str]]]
_CLAIM_PATTERNS: dict[tuple[object, ...], tuple[_Claims, _Claims]] = {}


def _claim_patterns(kb: KnowledgeBase, signals: Signals) -> tuple[_Claims, _Claims]:
    """(model id, compiled pattern) for the model names and aliases, and for the title claims."""
    key = (kb.version, tuple((c.model, *c.patterns) for c in signals.claims))
    if key not in _CLAIM_PATTERNS:
        names = [
            (model.id, re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE))
            for model in kb.models.values()
            for name in [model.name, *model.names]
        ]
        claims = [(c.model, re.compile(p, re.IGNORECASE)) for c in signals.claims for p in c.patterns]
        _CLAIM_PATTERNS[key] = (names, claims)
    return _CLAIM_PATTERNS[key]
