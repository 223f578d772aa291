"""Load and validate the knowledge base (``src/seamline/knowledge/``) into frozen models.

The knowledge base is data only. This loader refuses, naming the file and the key:
a missing or unknown ``source``, an unknown key, a duplicate id, a duplicate YAML key, a condition on an
unknown situation field or value, and a profile that misses a criterion.

Other domain packages (cost, contracts, vendors) keep their own files in the same folder and load them
with :func:`load_file`, so every part of the knowledge base gets the same checks.

Each knowledge file has its entry classes and loader in the module beside it:

- :mod:`~seamline.knowledge.base`: :class:`Entry`, strict YAML reading, :func:`validate`, source and
  duplicate-id checks, the version hash, :data:`BUNDLED` (this folder);
- :mod:`~seamline.knowledge.sources` (``sources.yaml``), :mod:`~seamline.knowledge.criteria`
  (``criteria.yaml``), :mod:`~seamline.knowledge.engagement_models` (``models/*.yaml``),
  :mod:`~seamline.knowledge.rules` (``rules.yaml``), :mod:`~seamline.knowledge.questions`
  (``questions.yaml``);
- :mod:`~seamline.knowledge.loader`: :class:`KnowledgeBase`, :func:`load_knowledge` and :func:`load_file`.

Import from ``seamline.knowledge``; the submodules are its layout, not separate API.
"""

from __future__ import annotations

from seamline.knowledge.base import (
    BUNDLED,
    Cited,
    Condition,
    Entry,
    check_sources,
    check_unique,
    cited_sources,
    read_yaml,
    validate,
)
from seamline.knowledge.criteria import Criterion
from seamline.knowledge.engagement_models import (
    MODEL_IDS,
    EngagementModel,
    ModelRule,
    PricingVariant,
    ProfileValue,
)
from seamline.knowledge.loader import KnowledgeBase, load_file, load_knowledge
from seamline.knowledge.questions import FieldQuestion, Option
from seamline.knowledge.rules import (
    Contradiction,
    HireToReplace,
    LeadershipHours,
    Mislabel,
    Mistake,
    Outcome,
    Question,
    Remedy,
    Rules,
    Scoring,
    ScoringParameter,
    StageRow,
    WeightRule,
)
from seamline.knowledge.sources import Source

__all__ = [
    "BUNDLED",
    "MODEL_IDS",
    "Cited",
    "Condition",
    "Contradiction",
    "Criterion",
    "EngagementModel",
    "Entry",
    "FieldQuestion",
    "HireToReplace",
    "KnowledgeBase",
    "LeadershipHours",
    "Mislabel",
    "Mistake",
    "ModelRule",
    "Option",
    "Outcome",
    "PricingVariant",
    "ProfileValue",
    "Question",
    "Remedy",
    "Rules",
    "Scoring",
    "ScoringParameter",
    "Source",
    "StageRow",
    "WeightRule",
    "check_sources",
    "check_unique",
    "cited_sources",
    "load_file",
    "load_knowledge",
    "read_yaml",
    "validate",
]
