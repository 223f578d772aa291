"""Load and validate the knowledge base (``src/seamline/knowledge/``) into frozen models.

The knowledge base is data only. This loader refuses, naming the file and the key:
a missing or unknown ``source``, an unknown key, a duplicate id, a duplicate YAML key, a condition on an
unknown situation field or value, and a profile that misses a criterion.

Other domain packages (cost, contracts, vendors) keep their own files in the same folder and load them
with :func:`load_file`, so every part of the knowledge base gets the same checks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from seamline import conditions
from seamline.errors import InputFileError, KnowledgeError, Problem
from seamline.situation import FIELDS
from seamline.yamlio import parse_text

BUNDLED = Path(__file__).parent
MODEL_IDS = (
    "in_house",
    "staff_augmentation",
    "dedicated_team",
    "project_outsourcing",
    "managed_services",
    "vested_outsourcing",
    "product_delivery",
)


class Entry(BaseModel):
    """Base of every knowledge entry: frozen, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Condition = dict[str, Any]


def _valid_condition(value: Condition | None) -> Condition | None:
    problems = conditions.check(value, FIELDS)
    if problems:
        raise ValueError("; ".join(problems))
    return value


class Source(Entry):
    id: str
    kind: Literal["seed", "assumption", "dataset"]
    publisher: str
    title: str
    date: str | None = None
    seed: str | None = None
    note: str | None = None


class Criterion(Entry):
    id: str
    name: str
    question: str
    objective: Literal["max", "min"]
    default_weight: float = Field(ge=0)
    source: str


class Cited(Entry):
    """A value with its source."""

    value: Any
    source: str
    note: str | None = None


class ProfileValue(Entry):
    value: float = Field(ge=1, le=5)
    source: str
    note: str | None = None


class ModelRule(Entry):
    id: str
    when: Condition
    text: str
    source: str
    effect: Literal["not_advised", "penalty", "bonus"] = "bonus"

    _check_when = field_validator("when")(_valid_condition)


class PricingVariant(Entry):
    id: str
    name: str
    when: Condition | None = None
    profile: dict[str, ProfileValue] = Field(default_factory=dict)
    source: str

    _check_when = field_validator("when")(_valid_condition)


class EngagementModel(Entry):
    id: str
    name: str
    short_name: str = Field(max_length=12)
    names: list[str] = Field(min_length=1)
    summary: str
    directs: Cited
    owns_outcome: Cited
    pricing: Cited
    profile: dict[str, ProfileValue]
    fit: list[ModelRule] = Field(default_factory=list)
    misfit: list[ModelRule] = Field(default_factory=list)
    pricing_variants: list[PricingVariant] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)


class ScoringParameter(Entry):
    value: float
    source: str
    note: str | None = None


class Scoring(Entry):
    fit_bonus: ScoringParameter
    five_question_bonus: ScoringParameter
    stage_bonus: ScoringParameter
    penalty: ScoringParameter
    viable_min_share: ScoringParameter


class WeightRule(Entry):
    id: str
    when: Condition
    add: dict[str, float]
    text: str
    source: str

    _check_when = field_validator("when")(_valid_condition)


class Outcome(Entry):
    favours: list[str] = Field(default_factory=list)
    text: str


class Question(Entry):
    id: str
    question: str
    when: Condition
    if_yes: Outcome
    if_no: Outcome
    stop_if_yes: bool = False
    source: str

    _check_when = field_validator("when")(_valid_condition)


class StageRow(Entry):
    id: str
    stage: str
    when: Condition | None = None
    favours: list[str] = Field(min_length=1)
    text: str
    source: str

    _check_when = field_validator("when")(_valid_condition)


class Mistake(Entry):
    """A classic mistake. ``models``: the models that carry it as a risk; when the recommended model is one
    of them the warning says so, otherwise it is about the stated preferences that walk into it."""

    id: str
    title: str
    when: Condition | None = None
    models: list[str] = Field(default_factory=list)
    text: str
    source: str

    _check_when = field_validator("when")(_valid_condition)


class Mislabel(Entry):
    id: str
    described_as: str
    actually: str
    consequence: str  # what goes wrong when a brief describes one model as the other
    in_contract: str | None = None  # what a contract check says when a document shows this pattern
    source: str


class Contradiction(Entry):
    id: str
    when: Condition
    text: str
    source: str

    _check_when = field_validator("when")(_valid_condition)


class Remedy(Entry):
    """A way to change an answer in practice (buy fractional leadership, hire a product manager):
    attached to a "what would change the answer" entry on ``field`` whose current value is in ``current``."""

    id: str
    field: str
    current: list[Any] = Field(min_length=1)
    text: str
    source: str


class LeadershipHours(Entry):
    """The leadership time each augmented engineer takes, checked against ``team.lead_hours_per_week``."""

    id: str
    per_engineer_low: float = Field(ge=0)
    per_engineer_high: float = Field(ge=0)
    text: str
    source: str


class HireToReplace(Entry):
    """When urgent core work that the client could own goes to augmentation first: who joins when."""

    when: Condition
    text: str
    source: str

    _check_when = field_validator("when")(_valid_condition)


class Rules(Entry):
    scoring: Scoring
    weights: list[WeightRule]
    five_question_test: list[Question]
    stage_table: list[StageRow]
    mistakes: list[Mistake]
    mislabels: list[Mislabel]
    contradictions: list[Contradiction] = Field(default_factory=list)
    remedies: list[Remedy] = Field(default_factory=list)
    leadership_hours: LeadershipHours | None = None
    hire_to_replace: HireToReplace | None = None


class Option(Entry):
    value: str | bool
    label: str


class FieldQuestion(Entry):
    """How the questionnaire asks for one situation field, and why the answer matters."""

    field: str
    label: str
    help: str
    source: str
    options: list[Option] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.field


class KnowledgeBase(Entry):
    root: str
    version: str
    sources: dict[str, Source]
    criteria: dict[str, Criterion]
    models: dict[str, EngagementModel]
    rules: Rules
    questions: dict[str, FieldQuestion]

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(self.criteria)

    def model(self, model_id: str) -> EngagementModel:
        return self.models[model_id]

    def find(self, entry_id: str) -> tuple[str, Any] | None:
        """Look any entry up by id: (kind, entry) or None."""
        collections: list[tuple[str, Iterable[Any]]] = [
            ("source", self.sources.values()),
            ("criterion", self.criteria.values()),
            ("model", self.models.values()),
            ("mistake", self.rules.mistakes),
            ("mislabel", self.rules.mislabels),
            ("five_question", self.rules.five_question_test),
            ("stage_row", self.rules.stage_table),
            ("weight_rule", self.rules.weights),
            ("contradiction", self.rules.contradictions),
            ("remedy", self.rules.remedies),
            ("question", self.questions.values()),
        ]
        for model in self.models.values():
            collections.append(("fit_rule", model.fit))
            collections.append(("misfit_rule", model.misfit))
        for kind, entries in collections:
            for entry in entries:
                if entry.id == entry_id:
                    return kind, entry
        return None


# --------------------------------------------------------------------------------------- helpers
M = TypeVar("M", bound=BaseModel)


def read_yaml(path: Path, root: Path) -> Any:
    """Strict YAML read of a knowledge file; errors name the file relative to ``root``."""
    where = _rel(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"{where}: cannot read ({exc.strerror})") from None
    try:
        return parse_text(text, where)
    except InputFileError as exc:
        raise KnowledgeError(exc.message, exc.problems) from None


def _rel(path: Path, root: Path) -> str:
    try:
        return f"knowledge/{path.relative_to(root)}"
    except ValueError:
        return str(path)


def validate(data: Any, model: type[M], where: str) -> M:
    """Validate ``data`` into ``model``; errors name ``where`` and each key path."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(top level)"
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "missing":
                msg = "required key is missing"
            else:
                msg = str(err["msg"]).removeprefix("Value error, ")
            problems.append(Problem(f"{where}: {key}", msg))
        raise KnowledgeError(f"{where}: invalid knowledge entry", problems) from None


def cited_sources(data: Any, path: str = "") -> Iterable[tuple[str, str]]:
    """Every (key path, source id) under ``data``: ``source`` values and ``sources`` lists."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            if key == "source" and isinstance(value, str):
                yield sub, value
            elif key == "sources" and isinstance(value, list):
                for i, v in enumerate(value):
                    yield f"{sub}[{i}]", str(v)
            else:
                yield from cited_sources(value, sub)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from cited_sources(item, f"{path}[{i}]")


def check_sources(data: Any, where: str, registry: Mapping[str, Any]) -> None:
    """Refuse any source id that is not in the registry."""
    problems = [
        Problem(f"{where}: {key}", f"unknown source {sid!r}; known: {', '.join(registry)}")
        for key, sid in cited_sources(data)
        if sid not in registry
    ]
    if problems:
        raise KnowledgeError(f"{where}: cites unknown sources", problems)


def check_unique(ids: Iterable[tuple[str, str]], what: str) -> None:
    """Refuse duplicate ids; ``ids`` yields (where, id)."""
    seen: dict[str, str] = {}
    problems = []
    for where, entry_id in ids:
        if entry_id in seen:
            problems.append(
                Problem(f"{where}: id", f"duplicate {what} id {entry_id!r} (also in {seen[entry_id]})")
            )
        else:
            seen[entry_id] = where
    if problems:
        raise KnowledgeError(f"duplicate {what} ids", problems)


def load_file(
    name: str, model: type[M], root: Path | None = None, sources: Mapping[str, Any] | None = None
) -> M:
    """Load one knowledge file (relative ``name``) into ``model`` with source checks.

    Used by the domain packages for their own parts of the knowledge base.
    """
    root = root or BUNDLED
    path = root / name
    data = read_yaml(path, root)
    where = _rel(path, root)
    registry = sources if sources is not None else load_knowledge(root).sources
    check_sources(data, where, registry)
    return validate(data, model, where)


def _version(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# ------------------------------------------------------------------------------------------ load
def _load_sources(root: Path) -> dict[str, Source]:
    path = root / "sources.yaml"
    data = read_yaml(path, root)
    where = _rel(path, root)
    if not isinstance(data, list):
        raise KnowledgeError(f"{where}: expected a list of sources")
    items = [validate(d, Source, f"{where}[{i}]") for i, d in enumerate(data)]
    check_unique(((f"{where}[{i}]", s.id) for i, s in enumerate(items)), "source")
    return {s.id: s for s in items}


def _load_list(root: Path, name: str, model: type[M], sources: Mapping[str, Source]) -> list[M]:
    path = root / name
    data = read_yaml(path, root)
    where = _rel(path, root)
    if not isinstance(data, list):
        raise KnowledgeError(f"{where}: expected a list")
    check_sources(data, where, sources)
    return [validate(d, model, f"{where}[{i}]") for i, d in enumerate(data)]


def _require_sources(data: Any, where: str, needs: Iterable[str]) -> None:
    """Refuse entries of the given list keys that cite no source at all."""
    if not isinstance(data, Mapping):
        return
    problems = []
    for key in needs:
        for i, item in enumerate(data.get(key) or []):
            if isinstance(item, Mapping) and "source" not in item:
                problems.append(Problem(f"{where}: {key}[{i}]", "cites no source"))
    if problems:
        raise KnowledgeError(f"{where}: entries without a source", problems)


def load_knowledge(root: Path | str | None = None) -> KnowledgeBase:
    """Load the knowledge base (the bundled one by default, cached)."""
    return _load_cached(str(Path(root or BUNDLED).resolve()))


@lru_cache(maxsize=8)
def _load_cached(root_str: str) -> KnowledgeBase:
    root = Path(root_str)
    if not root.is_dir():
        raise KnowledgeError(f"{root}: knowledge folder not found")
    sources = _load_sources(root)
    criteria_list = _load_list(root, "criteria.yaml", Criterion, sources)
    check_unique(((f"knowledge/criteria.yaml[{i}]", c.id) for i, c in enumerate(criteria_list)), "criterion")
    criteria = {c.id: c for c in criteria_list}

    models: dict[str, EngagementModel] = {}
    model_files = sorted((root / "models").glob("*.yaml"))
    for path in model_files:
        data = read_yaml(path, root)
        where = _rel(path, root)
        check_sources(data, where, sources)
        model = validate(data, EngagementModel, where)
        _check_model(model, where, criteria, sources)
        if model.id in models:
            raise KnowledgeError(
                f"{where}: id", [Problem(f"{where}: id", f"duplicate model id {model.id!r}")]
            )
        models[model.id] = model
    missing = [m for m in MODEL_IDS if m not in models]
    if missing:
        raise KnowledgeError(f"knowledge/models: missing engagement models {', '.join(missing)}")
    ordered = {m: models[m] for m in MODEL_IDS} | {k: v for k, v in models.items() if k not in MODEL_IDS}

    rules_path = root / "rules.yaml"
    raw_rules = read_yaml(rules_path, root)
    where = _rel(rules_path, root)
    check_sources(raw_rules, where, sources)
    _require_sources(
        raw_rules, where, ("weights", "five_question_test", "stage_table", "mistakes", "mislabels")
    )
    rules = validate(raw_rules, Rules, where)
    _check_rules(rules, where, criteria, ordered)

    rule_ids = [
        (f"{where}: {kind}", e.id)
        for kind in (
            "weights",
            "five_question_test",
            "stage_table",
            "mistakes",
            "mislabels",
            "contradictions",
            "remedies",
        )
        for e in getattr(rules, kind)
    ]
    rule_ids += [
        (f"knowledge/models/{m.id}.yaml: {kind}", r.id)
        for m in ordered.values()
        for kind in ("fit", "misfit")
        for r in getattr(m, kind)
    ]
    check_unique(rule_ids, "rule")
    questions = _load_questions(root, sources)
    return KnowledgeBase(
        root=str(root),
        version=_version(root),
        sources=sources,
        criteria=criteria,
        models=ordered,
        rules=rules,
        questions=questions,
    )


def _load_questions(root: Path, sources: Mapping[str, Source]) -> dict[str, FieldQuestion]:
    """questions.yaml: one question per situation field, options matching the schema's allowed values."""
    where = "knowledge/questions.yaml"
    items = _load_list(root, "questions.yaml", FieldQuestion, sources)
    check_unique(((f"{where}[{i}]", q.field) for i, q in enumerate(items)), "question field")
    problems = []
    for i, q in enumerate(items):
        if q.field not in FIELDS:
            problems.append(Problem(f"{where}[{i}]: field", f"unknown situation field {q.field!r}"))
            continue
        allowed = FIELDS[q.field][1]
        given = [o.value for o in q.options]
        if allowed is not None and sorted(map(str, given)) != sorted(map(str, allowed)):
            problems.append(
                Problem(
                    f"{where}[{i}]: options",
                    f"must label exactly {', '.join(map(str, allowed))}; got {given}",
                )
            )
        if allowed is None and given:
            problems.append(Problem(f"{where}[{i}]: options", "a free-text or number field takes no options"))
    asked = {q.field for q in items}
    problems += [Problem(where, f"no question for situation field {f!r}") for f in FIELDS if f not in asked]
    if problems:
        raise KnowledgeError(f"{where}: invalid questionnaire", problems)
    return {q.field: q for q in items}


def _check_model(
    model: EngagementModel, where: str, criteria: Mapping[str, Criterion], sources: Mapping[str, Source]
) -> None:
    problems = []
    expected_name = Path(where).stem
    if model.id != expected_name:
        problems.append(
            Problem(f"{where}: id", f"id {model.id!r} must match the file name {expected_name!r}")
        )
    for crit in criteria:
        if crit not in model.profile:
            problems.append(Problem(f"{where}: profile", f"missing criterion {crit!r}"))
    for crit in model.profile:
        if crit not in criteria:
            problems.append(
                Problem(
                    f"{where}: profile.{crit}", f"unknown criterion; expected one of: {', '.join(criteria)}"
                )
            )
    for variant in model.pricing_variants:
        for crit in variant.profile:
            if crit not in criteria:
                problems.append(
                    Problem(f"{where}: pricing_variants.{variant.id}.profile.{crit}", "unknown criterion")
                )
    if problems:
        raise KnowledgeError(f"{where}: invalid engagement model", problems)


def _check_rules(
    rules: Rules, where: str, criteria: Mapping[str, Criterion], models: Mapping[str, EngagementModel]
) -> None:
    problems = []
    for rule in rules.weights:
        for crit in rule.add:
            if crit not in criteria:
                problems.append(Problem(f"{where}: weights.{rule.id}.add.{crit}", "unknown criterion"))

    def check_models(ids: Iterable[str], key: str) -> None:
        for mid in ids:
            if mid not in models:
                problems.append(Problem(f"{where}: {key}", f"unknown model {mid!r}"))

    for q in rules.five_question_test:
        check_models(q.if_yes.favours + q.if_no.favours, f"five_question_test.{q.id}")
    for row in rules.stage_table:
        check_models(row.favours, f"stage_table.{row.id}")
        if row.stage not in FIELDS["stage"][1]:  # type: ignore[operator]
            problems.append(Problem(f"{where}: stage_table.{row.id}.stage", f"unknown stage {row.stage!r}"))
    for ml in rules.mislabels:
        check_models([ml.described_as, ml.actually], f"mislabels.{ml.id}")
    for mistake in rules.mistakes:
        check_models(mistake.models, f"mistakes.{mistake.id}.models")
    for remedy in rules.remedies:
        if remedy.field not in FIELDS:
            problems.append(Problem(f"{where}: remedies.{remedy.id}.field", f"unknown field {remedy.field!r}"))
    if problems:
        raise KnowledgeError(f"{where}: invalid rules", problems)
