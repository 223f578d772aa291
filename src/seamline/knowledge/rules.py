"""``rules.yaml``: scoring parameters, weight rules, the five-question test, the stage table, mistakes,
mislabels, contradictions, remedies, leadership hours and the hire-to-replace path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from seamline.errors import KnowledgeError, Problem
from seamline.knowledge.base import (
    Condition,
    Entry,
    check_sources,
    check_unique,
    read_yaml,
    rel,
    require_sources,
    valid_condition,
    validate,
)
from seamline.knowledge.criteria import Criterion
from seamline.knowledge.engagement_models import EngagementModel
from seamline.knowledge.sources import Source
from seamline.situation import FIELDS


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

    _check_when = field_validator("when")(valid_condition)


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

    _check_when = field_validator("when")(valid_condition)


class StageRow(Entry):
    id: str
    stage: str
    when: Condition | None = None
    favours: list[str] = Field(min_length=1)
    text: str
    source: str

    _check_when = field_validator("when")(valid_condition)


class Mistake(Entry):
    """A classic mistake. ``models``: the models that carry it as a risk; when the recommended model is one
    of them the warning says so, otherwise it is about the stated preferences that walk into it."""

    id: str
    title: str
    when: Condition | None = None
    models: list[str] = Field(default_factory=list)
    text: str
    source: str

    _check_when = field_validator("when")(valid_condition)


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

    _check_when = field_validator("when")(valid_condition)


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
    mistake: str  # the mistake it is raised as (title and the models that carry it)
    per_engineer_low: float = Field(ge=0)
    per_engineer_high: float = Field(ge=0)
    text: str
    source: str


class HireToReplace(Entry):
    """When urgent core work that the client could own goes to augmentation first: who joins when."""

    when: Condition
    text: str
    source: str

    _check_when = field_validator("when")(valid_condition)


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


RULE_LISTS = (
    "weights",
    "five_question_test",
    "stage_table",
    "mistakes",
    "mislabels",
    "contradictions",
    "remedies",
)
"""The id-carrying lists of rules.yaml; their ids and the models' fit/misfit ids are unique together."""


def load_rules(
    root: Path,
    sources: Mapping[str, Source],
    criteria: Mapping[str, Criterion],
    models: Mapping[str, EngagementModel],
) -> Rules:
    """rules.yaml, checked against the criteria and the models; rule ids unique across it and the models."""
    rules_path = root / "rules.yaml"
    raw_rules = read_yaml(rules_path, root)
    where = rel(rules_path, root)
    check_sources(raw_rules, where, sources)
    require_sources(
        raw_rules, where, ("weights", "five_question_test", "stage_table", "mistakes", "mislabels")
    )
    rules = validate(raw_rules, Rules, where)
    check_rules(rules, where, criteria, models)

    rule_ids = [(f"{where}: {kind}", e.id) for kind in RULE_LISTS for e in getattr(rules, kind)]
    rule_ids += [
        (f"knowledge/models/{m.id}.yaml: {kind}", r.id)
        for m in models.values()
        for kind in ("fit", "misfit")
        for r in getattr(m, kind)
    ]
    check_unique(rule_ids, "rule")
    return rules


def check_rules(
    rules: Rules, where: str, criteria: Mapping[str, Criterion], models: Mapping[str, EngagementModel]
) -> None:
    """Weight rules name known criteria; favoured and mislabelled models, stages and remedy fields exist."""
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
    hours = rules.leadership_hours
    if hours is not None and hours.mistake not in {m.id for m in rules.mistakes}:
        problems.append(Problem(f"{where}: leadership_hours.mistake", f"unknown mistake {hours.mistake!r}"))
    for remedy in rules.remedies:
        if remedy.field not in FIELDS:
            problems.append(
                Problem(f"{where}: remedies.{remedy.id}.field", f"unknown field {remedy.field!r}")
            )
    if problems:
        raise KnowledgeError(f"{where}: invalid rules", problems)
