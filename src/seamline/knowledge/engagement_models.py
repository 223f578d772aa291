"""``models/<model_id>.yaml``: one engagement model per file, profiled on every criterion.

Named ``engagement_models`` (not ``models``) so the module never shadows the ``models/`` data folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from seamline.errors import KnowledgeError, Problem
from seamline.knowledge.base import (
    Cited,
    Condition,
    Entry,
    check_sources,
    read_yaml,
    rel,
    valid_condition,
    validate,
)
from seamline.knowledge.criteria import Criterion
from seamline.knowledge.sources import Source

MODEL_IDS = (
    "in_house",
    "staff_augmentation",
    "dedicated_team",
    "project_outsourcing",
    "managed_services",
    "vested_outsourcing",
    "product_delivery",
)


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

    _check_when = field_validator("when")(valid_condition)


class PricingVariant(Entry):
    id: str
    name: str
    when: Condition | None = None
    profile: dict[str, ProfileValue] = Field(default_factory=dict)
    source: str

    _check_when = field_validator("when")(valid_condition)


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


def load_models(
    root: Path, criteria: Mapping[str, Criterion], sources: Mapping[str, Source]
) -> dict[str, EngagementModel]:
    """models/*.yaml: every model in ``MODEL_IDS`` (in that order), then any others in file-name order."""
    models: dict[str, EngagementModel] = {}
    model_files = sorted((root / "models").glob("*.yaml"))
    for path in model_files:
        data = read_yaml(path, root)
        where = rel(path, root)
        check_sources(data, where, sources)
        model = validate(data, EngagementModel, where)
        check_model(model, where, criteria, sources)
        if model.id in models:
            raise KnowledgeError(
                f"{where}: id", [Problem(f"{where}: id", f"duplicate model id {model.id!r}")]
            )
        models[model.id] = model
    missing = [m for m in MODEL_IDS if m not in models]
    if missing:
        raise KnowledgeError(f"knowledge/models: missing engagement models {', '.join(missing)}")
    return {m: models[m] for m in MODEL_IDS} | {k: v for k, v in models.items() if k not in MODEL_IDS}


def check_model(
    model: EngagementModel, where: str, criteria: Mapping[str, Criterion], sources: Mapping[str, Source]
) -> None:
    """The file name matches the id; the profile covers exactly the criteria."""
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
