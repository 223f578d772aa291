"""The whole knowledge base: :class:`KnowledgeBase`, :func:`load_knowledge` (cached) and :func:`load_file`,
which the domain packages use for their own files so every part gets the same checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from seamline.errors import KnowledgeError
from seamline.knowledge.base import (
    BUNDLED,
    Entry,
    M,
    check_sources,
    knowledge_version,
    read_yaml,
    rel,
    validate,
)
from seamline.knowledge.criteria import Criterion, load_criteria
from seamline.knowledge.engagement_models import EngagementModel, load_models
from seamline.knowledge.questions import FieldQuestion, load_questions
from seamline.knowledge.rules import Rules, load_rules
from seamline.knowledge.sources import Source, load_sources


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


def load_knowledge(root: Path | str | None = None) -> KnowledgeBase:
    """Load the knowledge base (the bundled one by default, cached)."""
    return _load_cached(str(Path(root or BUNDLED).resolve()))


@lru_cache(maxsize=8)
def _load_cached(root_str: str) -> KnowledgeBase:
    root = Path(root_str)
    if not root.is_dir():
        raise KnowledgeError(f"{root}: knowledge folder not found")
    sources = load_sources(root)
    criteria = load_criteria(root, sources)
    models = load_models(root, criteria, sources)
    rules = load_rules(root, sources, criteria, models)
    questions = load_questions(root, sources)
    return KnowledgeBase(
        root=str(root),
        version=knowledge_version(root),
        sources=sources,
        criteria=criteria,
        models=models,
        rules=rules,
        questions=questions,
    )


def load_file(
    name: str, model: type[M], root: Path | None = None, sources: Mapping[str, Any] | None = None
) -> M:
    """Load one knowledge file (relative ``name``) into ``model`` with source checks.

    Used by the domain packages for their own parts of the knowledge base.
    """
    root = root or BUNDLED
    path = root / name
    data = read_yaml(path, root)
    where = rel(path, root)
    registry = sources if sources is not None else load_knowledge(root).sources
    check_sources(data, where, registry)
    return validate(data, model, where)
