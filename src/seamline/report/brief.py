"""The vendor brief: the text to send to vendors, naming the engagement model and giving what it needs.

What each model needs lives in ``knowledge/brief.yaml``; the questions to ask come from
``knowledge/vendor_questions.yaml`` (ordered by their weight for the model) and the contract terms the
buyer will look for from ``knowledge/checklist.yaml``. Nothing here is a business figure.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from seamline.errors import KnowledgeError, Problem
from seamline.knowledge import BUNDLED, Entry, KnowledgeBase, load_file, load_knowledge

if TYPE_CHECKING:
    from seamline.situation import Situation

BRIEF_FILE = "brief.yaml"
PLACEHOLDERS = (
    "name",
    "stage",
    "model_name",
    "engineers",
    "engineers_text",
    "duration_months",
    "duration_text",
    "seniority",
    "scope",
    "involvement",
    "pricing_preference",
    "model_pricing",
)


# ------------------------------------------------------------------------------------ knowledge
class CitedNumber(Entry):
    value: int = Field(ge=0)
    source: str
    note: str | None = None


class DocumentDefaults(Entry):
    trials: CitedNumber
    seed: CitedNumber
    reasons_per_model: CitedNumber
    sensitivity_rows: CitedNumber
    evidence_quotes: CitedNumber
    quote_chars: CitedNumber


class NeedEntry(Entry):
    id: str
    heading: str
    text: str
    source: str


class ModelBrief(Entry):
    kind: Literal["vendor", "hiring"]
    ask: str
    needs: list[NeedEntry] = Field(min_length=1)


class BriefKnowledge(Entry):
    document: DocumentDefaults
    models: dict[str, ModelBrief]


def load_brief_knowledge(root: Path | str | None = None) -> BriefKnowledge:
    """Load and cross-check ``knowledge/brief.yaml`` (cached per folder)."""
    return _load_cached(str(Path(root or BUNDLED).resolve()))


@lru_cache(maxsize=8)
def _load_cached(root_str: str) -> BriefKnowledge:
    root = Path(root_str)
    kb = load_knowledge(root)
    bk = load_file(BRIEF_FILE, BriefKnowledge, root, kb.sources)
    where = f"knowledge/{BRIEF_FILE}"
    problems = [
        Problem(f"{where}: models", f"no brief for engagement model {mid!r}")
        for mid in kb.models
        if mid not in bk.models
    ]
    for mid, brief in bk.models.items():
        if mid not in kb.models:
            problems.append(
                Problem(f"{where}: models.{mid}", f"unknown model; expected one of: {', '.join(kb.models)}")
            )
        if "{model_name}" not in brief.ask:
            problems.append(
                Problem(f"{where}: models.{mid}.ask", "must contain {model_name}: the brief names the model")
            )
        texts = [("ask", brief.ask)] + [(f"needs.{n.id}.text", n.text) for n in brief.needs]
        for key, text in texts:
            for problem in _placeholder_problems(text):
                problems.append(Problem(f"{where}: models.{mid}.{key}", problem))
    if problems:
        raise KnowledgeError(f"{where}: invalid brief knowledge", problems)
    return bk


def _placeholder_problems(text: str) -> list[str]:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
    except ValueError as exc:
        return [f"malformed placeholder ({exc})"]
    return [
        f"unknown placeholder {{{f}}}; expected one of: {', '.join(PLACEHOLDERS)}"
        for f in fields
        if f not in PLACEHOLDERS
    ]


def validate_knowledge(kb: KnowledgeBase) -> list[tuple[str, int]]:
    """For ``seamline knowledge validate``: load brief.yaml against ``kb``'s folder."""
    bk = load_brief_knowledge(kb.root)
    return [("vendor brief models", len(bk.models))]


# ------------------------------------------------------------------------------------- result
class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BriefItem(_Frozen):
    heading: str
    text: str
    source: str


class BriefQuestion(_Frozen):
    id: str
    question: str
    why: str
    weight: float
    source: str


class NotThis(_Frozen):
    """A model the brief must not be read as, and what goes wrong if it is."""

    model: str
    name: str
    consequence: str
    source: str


class VendorBrief(_Frozen):
    model: str
    model_name: str
    kind: Literal["vendor", "hiring"]
    title: str
    also_called: tuple[str, ...]
    ask: str
    directs: str
    owns_outcome: str
    facts: tuple[tuple[str, str], ...]
    not_this: tuple[NotThis, ...]
    needs: tuple[BriefItem, ...]
    questions: tuple[BriefQuestion, ...]
    contract_terms: tuple[str, ...]
    sources: tuple[str, ...]

    def to_text(self) -> str:
        """The brief as plain text, ready to paste into an e-mail."""
        blocks = [[self.title], [self.ask]]
        if self.also_called:
            blocks.append([f"Also called: {', '.join(self.also_called)}."])
        blocks.append(
            [f"Who directs the work: {self.directs}.", f"Who owns the outcome: {self.owns_outcome}."]
        )
        blocks.append([f"{label}: {value}" for label, value in self.facts])
        if self.not_this:
            blocks.append([f"This is not {n.name.lower()}: {n.consequence}" for n in self.not_this])
        blocks += [[item.heading, item.text] for item in self.needs]
        if self.questions:
            blocks.append(
                ["Please answer these questions, with figures where you can:"]
                + [f"{i}. {q.question}" for i, q in enumerate(self.questions, 1)]
            )
        if self.contract_terms:
            blocks.append(["The contract will need to cover: " + "; ".join(self.contract_terms) + "."])
        lines = [line for block in blocks for line in [*block, ""]][:-1]
        return "\n".join(lines) + "\n"


def _label(kb: KnowledgeBase, field: str, value: Any) -> str:
    q = kb.questions.get(field)
    if q is not None:
        for opt in q.options:
            if opt.value == value:
                return opt.label
    return str(value)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _who(value: str, note: str | None) -> str:
    return f"{value}, {note}" if note else value


def build_brief(
    situation: Situation,
    model_id: str,
    kb: KnowledgeBase | None = None,
    *,
    seniority: str | None = None,
) -> VendorBrief:
    """The brief for buying ``model_id`` in ``situation``; ``seniority`` names the developer role wanted."""
    from seamline.vendors import load_vendor_knowledge

    kb = kb or load_knowledge()
    if model_id not in kb.models:
        raise KnowledgeError(
            f"unknown engagement model {model_id!r}; expected one of: {', '.join(kb.models)}"
        )
    bk = load_brief_knowledge(kb.root)
    model = kb.models[model_id]
    spec = bk.models[model_id]
    work, prefs = situation.work, situation.preferences
    values = {
        "name": situation.name,
        "stage": _label(kb, "stage", situation.stage),
        "model_name": model.name.lower(),
        "engineers": work.engineers,
        "engineers_text": _plural(work.engineers, "engineer"),
        "duration_months": work.duration_months,
        "duration_text": _plural(work.duration_months, "month"),
        "seniority": (seniority or "[to fill in: seniority]").lower(),
        "scope": _label(kb, "work.scope", work.scope).lower(),
        "involvement": _label(kb, "preferences.involvement", prefs.involvement).lower(),
        "pricing_preference": _label(kb, "preferences.pricing", prefs.pricing).lower(),
        "model_pricing": model.pricing.value,
    }
    needs = tuple(
        BriefItem(heading=n.heading, text=n.text.format(**values).strip(), source=n.source)
        for n in spec.needs
    )
    vk = load_vendor_knowledge(kb.root)
    ranked = sorted(vk.questions, key=lambda q: -vk.weight(q, model_id))
    questions = tuple(
        BriefQuestion(id=q.id, question=q.question, why=q.why, weight=vk.weight(q, model_id), source=q.source)
        for q in ranked
    )
    not_this = tuple(
        NotThis(
            model=ml.described_as,
            name=kb.models[ml.described_as].name,
            consequence=ml.consequence,
            source=ml.source,
        )
        for ml in kb.rules.mislabels
        if ml.actually == model_id
    )
    terms = _contract_terms(kb, model_id)
    facts = (
        ("Engagement model", model.name),
        ("Engineers", str(work.engineers)),
        ("Duration", values["duration_text"]),
        ("Scope", _label(kb, "work.scope", work.scope)),
        ("Preferred pricing", _label(kb, "preferences.pricing", prefs.pricing)),
    )
    cited = [model.directs.source, model.owns_outcome.source, *(n.source for n in needs)]
    cited += [q.source for q in questions] + [n.source for n in not_this]
    title = (
        f"Role description: {model.name.lower()} for {situation.name}"
        if spec.kind == "hiring"
        else f"Request for proposal: {model.name.lower()} for {situation.name}"
    )
    return VendorBrief(
        model=model_id,
        model_name=model.name,
        kind=spec.kind,
        title=title,
        also_called=tuple(n for n in model.names if n.lower() != model.name.lower()),
        ask=spec.ask.format(**values).strip(),
        directs=_who(model.directs.value, model.directs.note),
        owns_outcome=_who(model.owns_outcome.value, model.owns_outcome.note),
        facts=facts,
        not_this=not_this,
        needs=needs,
        questions=questions,
        contract_terms=terms,
        sources=tuple(dict.fromkeys(cited)),
    )


def _contract_terms(kb: KnowledgeBase, model_id: str) -> tuple[str, ...]:
    from seamline.contracts.catalogue import load_checklist

    return tuple(i.name for i in load_checklist(kb.root).items if model_id in i.required_for)
