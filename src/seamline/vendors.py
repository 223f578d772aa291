"""Vendor due diligence: read a vendor profile, grade each answer by its evidence, weigh by engagement model.

What makes an answer strong, weak or missing, the questions and their weights per engagement model all live
in ``knowledge/vendor_questions.yaml``; this module holds the formulas only::

    from seamline.vendors import load_vendor, score_vendor, compare_vendors
    card = score_vendor(load_vendor("examples/vendor_northwind.yaml"), "staff_augmentation")
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from seamline.errors import InputFileError, KnowledgeError, Problem
from seamline.knowledge import BUNDLED, MODEL_IDS, Entry, load_file, load_knowledge
from seamline.knowledge import Cited as CitedValue
from seamline.yamlio import brief, brief_key, check_data, read_data_file

Grade = Literal["strong", "partial", "weak", "missing"]
GRADES: tuple[Grade, ...] = ("strong", "partial", "weak", "missing")
PROFILE_FIELDS = ("attrition", "replacement", "escalation", "certifications", "references")


# ------------------------------------------------------------------------------------ knowledge
class GradeEntry(Entry):
    value: float = Field(ge=0, le=1)
    text: str
    source: str
    note: str | None = None


class RedFlagRule(Entry):
    pattern: str
    text: str


class CitedText(Entry):
    text: str
    source: str


class VendorQuestion(Entry):
    id: str
    question: str
    why: str
    fields: list[str] = Field(default_factory=list)
    min_items: CitedValue | None = None
    figure: list[str] = Field(default_factory=list)
    process: list[str] = Field(default_factory=list)
    red_flags: list[RedFlagRule] = Field(default_factory=list)
    weights: dict[str, float] = Field(default_factory=dict)
    source: str

    @field_validator("figure", "process")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            re.compile(p)
        return patterns


class VendorKnowledge(Entry):
    grades: dict[Grade, GradeEntry]
    default_weight: CitedValue
    model_not_offered: CitedText
    figure_patterns: CitedValue
    questions: list[VendorQuestion] = Field(min_length=1)

    def question(self, qid: str) -> VendorQuestion:
        return next(q for q in self.questions if q.id == qid)

    def weight(self, question: VendorQuestion, model: str | None) -> float:
        default = float(self.default_weight.value)
        return float(question.weights.get(model, default)) if model else default


def load_vendor_knowledge(root: Path | str | None = None) -> VendorKnowledge:
    """Load and cross-check ``knowledge/vendor_questions.yaml`` (cached per folder)."""
    return _load_cached(str(Path(root or BUNDLED).resolve()))


@lru_cache(maxsize=8)
def _load_cached(root_str: str) -> VendorKnowledge:
    root = Path(root_str)
    kb = load_knowledge(root)
    vk = load_file("vendor_questions.yaml", VendorKnowledge, root, kb.sources)
    where = "knowledge/vendor_questions.yaml"
    problems = [Problem(f"{where}: grades", f"missing grade {g!r}") for g in GRADES if g not in vk.grades]
    seen: set[str] = set()
    for q in vk.questions:
        if q.id in seen:
            problems.append(Problem(f"{where}: questions.{q.id}", "duplicate question id"))
        seen.add(q.id)
        for mid in q.weights:
            if mid not in kb.models:
                problems.append(
                    Problem(f"{where}: questions.{q.id}.weights.{mid}", "unknown engagement model")
                )
        for f in q.fields:
            if f not in PROFILE_FIELDS:
                problems.append(
                    Problem(
                        f"{where}: questions.{q.id}.fields",
                        f"unknown profile field {f!r}; expected one of: {', '.join(PROFILE_FIELDS)}",
                    )
                )
        for rule in q.red_flags:
            try:
                re.compile(rule.pattern)
            except re.error as exc:
                problems.append(Problem(f"{where}: questions.{q.id}.red_flags", f"bad pattern: {exc}"))
    if problems:
        raise KnowledgeError(f"{where}: invalid vendor questions", problems)
    return vk


# ------------------------------------------------------------------------------------ profiles
MAX_RATE = 10**9  # a sanity bound on a vendor's rate (per hour or per engineer-month)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Range(_Frozen):
    low: float = Field(gt=0, le=MAX_RATE)
    high: float = Field(gt=0, le=MAX_RATE)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}; expected low <= high")
        return self


class Rates(_Frozen):
    currency: str = "USD"
    hourly: Range | None = None
    monthly_per_engineer: Range | None = None


class Attrition(_Frozen):
    annual_rate_percent: float | None = Field(default=None, ge=0, le=100)
    average_tenure_years: float | None = Field(default=None, ge=0, le=60)


class Reference(_Frozen):
    client: str
    scale: str | None = None
    contact: str | None = None


class VendorProfile(_Frozen):
    name: str = Field(min_length=1, max_length=200)
    models: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    rates: Rates | None = None
    references: list[Reference] = Field(default_factory=list)
    attrition: Attrition | None = None
    replacement: str | None = None
    escalation: str | None = None
    answers: dict[str, str | None] = Field(default_factory=dict)


def parse_vendor(data: Any, where: str, vk: VendorKnowledge | None = None) -> VendorProfile:
    """Validate a vendor profile; errors name the field and what was expected."""
    vk = vk or load_vendor_knowledge()
    check_data(data, where)
    if not isinstance(data, Mapping):
        raise InputFileError(
            f"{where}: expected a mapping with the fields {', '.join(VendorProfile.model_fields)}"
        )
    try:
        vendor = VendorProfile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = ".".join(brief_key(p) for p in err["loc"]) or "(top level)"
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
                if len(err["loc"]) == 1:
                    msg += f"; allowed here: {', '.join(VendorProfile.model_fields)}"
            elif err["type"] == "missing":
                msg = "required field is missing"
            elif err["type"] == "value_error":
                msg = str(err.get("ctx", {}).get("error", err["msg"]))
            else:
                msg = str(err["msg"])
            problems.append(Problem(path, msg))
        raise InputFileError(f"{where}: invalid vendor profile", problems) from None
    qids = [q.id for q in vk.questions]
    problems = [
        Problem(f"answers.{brief_key(key)}", f"unknown question; expected one of: {', '.join(qids)}")
        for key in vendor.answers
        if key not in qids
    ]
    problems += [
        Problem(
            f"models[{i}]", f"unknown engagement model {brief(m)}; expected one of: {', '.join(MODEL_IDS)}"
        )
        for i, m in enumerate(vendor.models)
        if m not in MODEL_IDS
    ]
    if problems:
        raise InputFileError(f"{where}: invalid vendor profile", problems)
    if not any(_answer_text(vendor, q)[0] for q in vk.questions):
        raise InputFileError(
            f"{where}: the vendor profile answers none of the vendor questions",
            [Problem("answers", f"expected answers to some of: {', '.join(qids)}")],
        )
    return vendor


def load_vendor(path: str | Path, vk: VendorKnowledge | None = None) -> VendorProfile:
    return parse_vendor(read_data_file(path), str(path), vk)


# ------------------------------------------------------------------------------------ scoring
class QuestionScore(_Frozen):
    id: str
    question: str
    grade: Grade
    points: float
    weight: float
    evidence: tuple[str, ...]
    red_flags: tuple[str, ...]
    source: str


class RedFlag(_Frozen):
    question: str | None
    text: str
    source: str


class Scorecard(_Frozen):
    vendor: str
    model: str | None
    score: float
    offers_model: bool | None
    questions: tuple[QuestionScore, ...]
    red_flags: tuple[RedFlag, ...]
    rates: Rates | None
    certifications: tuple[str, ...]
    models_offered: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "model": self.model,
            "score": self.score,
            "offers_model": self.offers_model,
            "models_offered": list(self.models_offered),
            "certifications": list(self.certifications),
            "rates": self.rates.model_dump() if self.rates else None,
            "questions": [
                q.model_dump() | {"evidence": list(q.evidence), "red_flags": list(q.red_flags)}
                for q in self.questions
            ],
            "red_flags": [f.model_dump() for f in self.red_flags],
        }


def _answer_text(vendor: VendorProfile, q: VendorQuestion) -> tuple[str, int]:
    """The text an answer is judged on (free answer plus the profile fields it names) and an item count."""
    parts = [vendor.answers.get(q.id) or ""]
    count = 0
    for f in q.fields:
        value = getattr(vendor, f)
        if f == "attrition" and value is not None:
            if value.annual_rate_percent is not None:
                parts.append(f"attrition rate {value.annual_rate_percent:g}%")
            if value.average_tenure_years is not None:
                parts.append(f"average tenure {value.average_tenure_years:g} years")
        elif f == "references":
            count = len(value)
            parts += [
                " ".join(filter(None, (r.client, r.scale, r.contact and f"contact {r.contact}")))
                for r in value
            ]
        elif f == "certifications":
            parts += list(value)
        elif isinstance(value, str):
            parts.append(value)
    return "; ".join(p for p in parts if p.strip()), count


def _find(patterns: Sequence[str], text: str) -> list[str]:
    found = []
    for p in patterns:
        m = re.search(p, text, flags=re.IGNORECASE)
        if m:
            found.append(m.group(0))
    return found


def score_question(
    vendor: VendorProfile, q: VendorQuestion, vk: VendorKnowledge, model: str | None
) -> QuestionScore:
    text, count = _answer_text(vendor, q)
    weight = vk.weight(q, model)
    if not text:
        return QuestionScore(
            id=q.id,
            question=q.question,
            grade="missing",
            points=vk.grades["missing"].value,
            weight=weight,
            evidence=(),
            red_flags=("no answer",),
            source=q.source,
        )
    figures = _find(list(vk.figure_patterns.value) + q.figure, text)
    evidence = [f"figure: {f}" for f in figures]
    if q.min_items is not None:
        need = int(q.min_items.value)
        if count >= need:
            figures.append(f"{count} items")
            evidence.append(f"figure: {count} named (at least {need} asked)")
        else:
            figures = []
            evidence = [f"only {count} named of the {need} asked"]
    processes = _find(q.process, text)
    evidence += [f"process: {p}" for p in processes]
    grade: Grade = "strong" if figures and processes else "partial" if figures or processes else "weak"
    flags = tuple(r.text for r in q.red_flags if re.search(r.pattern, text, flags=re.IGNORECASE))
    return QuestionScore(
        id=q.id,
        question=q.question,
        grade=grade,
        points=vk.grades[grade].value,
        weight=weight,
        evidence=tuple(evidence),
        red_flags=flags,
        source=q.source,
    )


def score_vendor(
    vendor: VendorProfile, model: str | None = None, vk: VendorKnowledge | None = None
) -> Scorecard:
    """Grade every question and weigh by ``model`` (an engagement model id, or None for equal weights)."""
    vk = vk or load_vendor_knowledge()
    if model is not None and model not in MODEL_IDS:
        raise InputFileError(
            f"--model: unknown engagement model {model!r}; expected one of: {', '.join(MODEL_IDS)}"
        )
    scores = tuple(score_question(vendor, q, vk, model) for q in vk.questions)
    total_weight = sum(s.weight for s in scores)
    score = round(100 * sum(s.weight * s.points for s in scores) / total_weight, 1) if total_weight else 0.0
    flags = [
        RedFlag(question=s.id, text=f"{s.question} {t}", source=s.source) for s in scores for t in s.red_flags
    ]
    offers = None if model is None or not vendor.models else model in vendor.models
    if offers is False:
        flags.insert(
            0,
            RedFlag(
                question=None,
                text=f"{vk.model_not_offered.text} ({model})",
                source=vk.model_not_offered.source,
            ),
        )
    return Scorecard(
        vendor=vendor.name,
        model=model,
        score=score,
        offers_model=offers,
        questions=scores,
        red_flags=tuple(flags),
        rates=vendor.rates,
        certifications=tuple(vendor.certifications),
        models_offered=tuple(vendor.models),
    )


class Comparison(_Frozen):
    model: str | None
    cards: tuple[Scorecard, ...]

    @property
    def ranking(self) -> list[Scorecard]:
        return sorted(
            self.cards, key=lambda c: (c.offers_model is False, -c.score, len(c.red_flags), c.vendor)
        )

    def to_json(self) -> dict[str, Any]:
        ranking = self.ranking
        return {
            "model": self.model,
            "best": ranking[0].vendor if ranking else None,
            "ranking": [
                {"vendor": c.vendor, "score": c.score, "red_flags": len(c.red_flags)} for c in ranking
            ],
            "questions": [
                {
                    "id": q.id,
                    "question": q.question,
                    "grades": {c.vendor: c.questions[i].grade for c in self.cards},
                }
                for i, q in enumerate(self.cards[0].questions)
            ]
            if self.cards
            else [],
            "vendors": [c.to_json() for c in self.cards],
        }


def compare_vendors(
    vendors: Sequence[VendorProfile], model: str | None = None, vk: VendorKnowledge | None = None
) -> Comparison:
    vk = vk or load_vendor_knowledge()
    names = [v.name for v in vendors]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputFileError(
            f"vendors: two profiles share the name {', '.join(map(repr, dupes))}; names must differ"
        )
    return Comparison(model=model, cards=tuple(score_vendor(v, model, vk) for v in vendors))


def validate_knowledge(kb: Any) -> list[tuple[str, int]]:
    """Hook for ``seamline knowledge validate`` (see :mod:`seamline.knowledge_extras`)."""
    vk = load_vendor_knowledge(kb.root)
    return [("vendor questions", len(vk.questions))]


CHART_SUFFIXES = (".svg", ".png")


def comparison_chart(comparison: Comparison, suffix: str) -> bytes:
    """Grade points per question for every vendor, with the weighted score in the legend, as the bytes of
    an SVG or PNG file (by suffix); drawn by :mod:`seamline.charts` like every other chart."""
    from seamline import charts

    return charts.image(charts.build.vendor_comparison(comparison), suffix)
