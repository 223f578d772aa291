"""Rule outcomes: fit and misfit rules, the five-question test, the stage table, mistakes, contradictions.

Every function here evaluates knowledge-base conditions against the flat answers and returns what held,
so the engine can both score and explain with the same outcomes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from seamline.advisor.derived import with_tests
from seamline.knowledge import Contradiction as ContradictionRule
from seamline.knowledge import KnowledgeBase, Mistake, ModelRule, StageRow


@dataclass(frozen=True)
class Answered:
    """One answered question of the five-question test."""

    id: str
    question: str
    yes: bool
    favours: tuple[str, ...]
    text: str
    source: str


@dataclass
class ModelOutcome:
    """What the rules said about one model."""

    fits: list[ModelRule] = field(default_factory=list)
    gates: list[ModelRule] = field(default_factory=list)
    penalties: list[ModelRule] = field(default_factory=list)
    questions: list[Answered] = field(default_factory=list)
    stages: list[StageRow] = field(default_factory=list)


def model_outcomes(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, ModelOutcome]:
    """Fit/misfit rules, five-question answers and stage rows, per model."""
    outcomes = {mid: ModelOutcome() for mid in kb.models}
    for mid, model in kb.models.items():
        out = outcomes[mid]
        out.fits = [r for r, test in with_tests(kb, model.fit) if test(answers)]
        for rule, test in with_tests(kb, model.misfit):
            if test(answers):
                (out.gates if rule.effect == "not_advised" else out.penalties).append(rule)
    for answered in five_question_test(kb, answers):
        for mid in answered.favours:
            outcomes[mid].questions.append(answered)
    for row in stage_rows(kb, answers):
        for mid in row.favours:
            outcomes[mid].stages.append(row)
    return outcomes


def five_question_test(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[Answered]:
    """The test asked in order; a question marked ``stop_if_yes`` ends it when answered yes."""
    answered = []
    for q, test in with_tests(kb, kb.rules.five_question_test):
        yes = test(answers)
        outcome = q.if_yes if yes else q.if_no
        answered.append(Answered(q.id, q.question, yes, tuple(outcome.favours), outcome.text, q.source))
        if yes and q.stop_if_yes:
            break
    return answered


def stage_rows(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[StageRow]:
    stage = answers["stage"]
    return [row for row, test in with_tests(kb, kb.rules.stage_table) if row.stage == stage and test(answers)]


def mistakes(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[Mistake]:
    return [m for m, test in with_tests(kb, kb.rules.mistakes) if test(answers)]


def contradictions(kb: KnowledgeBase, answers: Mapping[str, Any]) -> list[ContradictionRule]:
    return [c for c, test in with_tests(kb, kb.rules.contradictions) if test(answers)]
