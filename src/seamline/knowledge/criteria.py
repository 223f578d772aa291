"""``criteria.yaml``: the criteria every engagement model is profiled and scored on."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import Field

from seamline.knowledge.base import Entry, check_unique, load_list
from seamline.knowledge.sources import Source


class Criterion(Entry):
    id: str
    name: str
    question: str
    objective: Literal["max", "min"]
    default_weight: float = Field(ge=0)
    source: str


def load_criteria(root: Path, sources: Mapping[str, Source]) -> dict[str, Criterion]:
    """criteria.yaml: a cited list of criteria with unique ids, by id (file order kept)."""
    criteria_list = load_list(root, "criteria.yaml", Criterion, sources)
    check_unique(((f"knowledge/criteria.yaml[{i}]", c.id) for i, c in enumerate(criteria_list)), "criterion")
    return {c.id: c for c in criteria_list}
