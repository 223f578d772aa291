"""``questions.yaml``: how the questionnaire asks for each situation field, and why the answer matters."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import Field

from seamline.errors import KnowledgeError, Problem
from seamline.knowledge.base import Entry, check_unique, load_list
from seamline.knowledge.sources import Source
from seamline.situation import FIELDS


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


def load_questions(root: Path, sources: Mapping[str, Source]) -> dict[str, FieldQuestion]:
    """questions.yaml: one question per situation field, options matching the schema's allowed values."""
    where = "knowledge/questions.yaml"
    items = load_list(root, "questions.yaml", FieldQuestion, sources)
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
