"""The JSON API's request and response bodies as models: what the OpenAPI spec declares and the routes check.

Request bodies are checked with :func:`seamline.web.openapi.validate_body` after the route has read them
(bounded, see ``routes.api._json_body``): a wrong type, a missing or unknown field is a 422 naming it,
the same on every route (``"name": 123`` on create and on update alike). The situation inside a body is
the situation file's own schema (``Situation``, the pydantic model, added to the spec's components by
:func:`components`), checked by :func:`seamline.situation.parse_situation` with its own messages.

Response bodies are described, not re-validated on the way out (the library builds them with its
``to_json()`` shapes): the top-level keys are typed and required, extra keys are additions (allowed).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from seamline.store.repository import NAME_MAX

MODEL_ID_REF = {"$ref": "#/components/schemas/ModelId"}
REF = "x-component"  # a schema standing for a component of the spec (replaced by a $ref to it)
# A name: some text besides blanks (the characters str.split folds when a name is saved; JSON Schema's \s is
# another set) and no NUL (a database text cannot hold one), at most NAME_MAX characters.
BLANK = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NAME_PATTERN = rf"^[^\u0000]*[^\u0000{BLANK}][^\u0000]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, pattern=NAME_PATTERN)]
SituationData = Annotated[dict[str, Any], WithJsonSchema({REF: "DecisionSituation"})]
ModelId = Annotated[str, WithJsonSchema({REF: "ModelId"})]
FILENAME_MAX = 200


class _Body(BaseModel):
    """A request body (flat: its fields hold plain values or whole objects): unknown fields refused. An
    optional field may be left out, not sent as null (the schema has no null; validate_body refuses one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DecisionCreate(_Body):
    """A decision to save: the answers, and a name (the situation's own name when left out)."""

    situation: SituationData
    name: Name | SkipJsonSchema[None] = None


class DecisionUpdate(_Body):
    """A rename (``name``), new answers (``situation``), or both."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    name: Name | SkipJsonSchema[None] = None
    situation: SituationData | SkipJsonSchema[None] = None


class DecisionCopy(_Body):
    """A copy's name (``Copy of <name>`` when left out); the whole body may be left out."""

    name: Name | SkipJsonSchema[None] = None


class ContractText(_Body):
    """A contract's text to check, with the model it is sold as (else read from its title)."""

    text: Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
    claimed: ModelId | SkipJsonSchema[None] = None
    filename: Annotated[str, StringConstraints(max_length=FILENAME_MAX)] | SkipJsonSchema[None] = None


UPLOAD_TYPES = ", ".join(
    (
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/plain",
        "text/markdown",
        "text/html",
    )
)
CONTRACT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "title": "ContractUpload",
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A PDF, DOCX, text, Markdown or HTML file (by its extension)",
                        },
                        "claimed": MODEL_ID_REF,
                    },
                    "required": ["file"],
                    "additionalProperties": False,
                },
                "encoding": {"file": {"contentType": UPLOAD_TYPES}},
            },
            "application/json": {"schema": {"$ref": "#/components/schemas/ContractText"}},
        },
    }
}


# ------------------------------------------------------------------------------------------ responses
class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class Reason(_Out):
    text: str
    rule: str | None
    source: str | None
    effect: str | None


class RankedModel(_Out):
    model: str
    name: str
    score: float | None
    verdict: Literal["recommended", "viable", "not_advised"]
    pricing_variant: str | None
    reasons: list[Reason]


class Advice(_Out):
    """The ranking of the engagement models (``seamline advise --json``'s shape)."""

    recommended: str | None
    status: Literal["recommended", "undetermined"]
    situation: str
    knowledge_version: str
    ranking: list[RankedModel]
    ties: list[str]
    margin: float | None
    order: str
    hire_path: dict[str, Any] | None
    warnings: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    weights: dict[str, dict[str, Any]]
    would_change: list[dict[str, Any]]


class ModelCostOut(_Out):
    name: str
    mean: float
    p10: float
    p50: float
    p90: float
    verdict: str | None


class CostResult(_Out):
    """Total cost of every model over the horizon with P10-P90 (``seamline cost --json``'s shape + extras)."""

    horizon_months: int
    trials: int
    seed: int
    engineers: int
    knowledge_version: str
    models: dict[str, ModelCostOut]
    sensitivity: list[dict[str, Any]]
    overrides: list[dict[str, Any]]
    inputs: list[dict[str, Any]]
    cumulative: dict[str, list[float]]
    cheapest: str
    cheapest_advised: str | None


class Role(_Out):
    id: str
    name: str


class SeamsResult(_Out):
    """The organisational seams of every model (``seamline seams --json``'s shape + ``roles``)."""

    engineers: int
    template: str
    models: dict[str, dict[str, Any]]
    roles: list[Role]


class Finding(_Out):
    item: str
    name: str
    status: str
    severity: str
    evidence: list[dict[str, Any]]


class ContractReport(_Out):
    """A contract checked: the model it claims, the one detected (with evidence), the checklist findings
    (``seamline check --json``'s shape)."""

    path: str | None
    title: str
    claimed: str | None
    claimed_from: Literal["user", "title", "text"] | None
    detected: dict[str, Any]
    mislabel: dict[str, Any] | None
    findings: list[Finding]
    missing_for_detected_model: list[str]
    knowledge_version: str


class DecisionSummary(_Out):
    """A saved decision as lists show it."""

    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    knowledge_version: str
    status: str
    top_model: str | None


class Decision(DecisionSummary):
    """A saved decision: its answers, the knowledge version and every output computed from them."""

    situation: dict[str, Any]
    outputs: dict[str, Any]
    contract: dict[str, Any] | None
    workspace_id: int
    version: int


class DecisionPage(_Out):
    """Saved decisions, newest first, one page of summaries; ``next`` is the following page's URL and
    ``next_cursor`` its cursor (``?cursor=``: as fast however deep the page; null on the last page)."""

    decisions: list[DecisionSummary]
    total: int
    limit: int
    offset: int
    next: str | None
    next_cursor: str | None


# ------------------------------------------------------------------------------- vendors and portfolios
VendorProfileData = Annotated[dict[str, Any], WithJsonSchema({REF: "VendorProfile"})]
PortfolioData = Annotated[dict[str, Any], WithJsonSchema({REF: "PortfolioFile"})]
VENDORS_MAX = 8  # vendors compared at once


class VendorScoreBody(_Body):
    """A vendor profile to grade, and the engagement model being bought (equal weights when left out)."""

    profile: VendorProfileData
    model: ModelId | SkipJsonSchema[None] = None


class VendorCompareBody(_Body):
    """Vendors to compare: profiles given here and/or saved vendors by id (2 to 8 in all)."""

    profiles: Annotated[list[VendorProfileData], Field(max_length=VENDORS_MAX)] | SkipJsonSchema[None] = None
    vendor_ids: (
        Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=VENDORS_MAX)]
        | SkipJsonSchema[None]
    ) = None
    model: ModelId | SkipJsonSchema[None] = None


class VendorSaveBody(_Body):
    """A vendor profile to keep in the workspace (under its own name)."""

    profile: VendorProfileData


class PortfolioBody(_Body):
    """A portfolio (the portfolio file's shape: name, stage, defaults, workstreams)."""

    portfolio: PortfolioData


class QuestionGrade(_Out):
    id: str
    question: str
    grade: Literal["strong", "partial", "weak", "missing"]
    points: float
    weight: float
    evidence: list[str]
    red_flags: list[str]
    source: str


class RedFlagOut(_Out):
    question: str | None
    text: str
    source: str


class Scorecard(_Out):
    """A vendor's answers graded (strong, partial, weak, missing) with evidence, red flags and the weighted
    score out of 100 for the model (``seamline vendors score --json``'s shape)."""

    vendor: str
    model: str | None
    score: float
    offers_model: bool | None
    models_offered: list[str]
    certifications: list[str]
    rates: dict[str, Any] | None
    questions: list[QuestionGrade]
    red_flags: list[RedFlagOut]


class VendorComparison(_Out):
    """Vendors side by side: the ranking, each question's grade per vendor, every scorecard."""

    model: str | None
    best: str | None
    ranking: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    vendors: list[Scorecard]


class VendorSummary(_Out):
    """A saved vendor as lists show it."""

    id: int
    name: str
    created_at: datetime
    updated_at: datetime


class Vendor(VendorSummary):
    """A saved vendor: its profile and its scorecard."""

    profile: dict[str, Any]
    scorecard: Scorecard


class VendorList(_Out):
    """The workspace's saved vendors, by name."""

    vendors: list[VendorSummary]


class DecisionVendors(_Out):
    """The vendors kept with a decision, compared for the model it recommends (or the one asked)."""

    decision_id: int
    model: str | None
    vendors: list[VendorSummary]
    comparison: VendorComparison | None


class PortfolioPlanOut(_Out):
    """A model per workstream with its cost and seams, headcount and cost by model, vendor shares and the
    portfolio warnings with their sources (``seamline portfolio --json``'s shape)."""

    portfolio: str
    stage: str
    knowledge_version: str
    workstreams: list[dict[str, Any]]
    by_model: dict[str, dict[str, Any]]
    totals: dict[str, Any]
    vendor_share: dict[str, float]
    share_basis: str
    warnings: list[dict[str, Any]]


class PortfolioSummary(_Out):
    """A saved portfolio as lists show it."""

    id: int
    name: str
    stage: str
    knowledge_version: str
    created_at: datetime
    updated_at: datetime


class Portfolio(PortfolioSummary):
    """A saved portfolio: its workstreams (the portfolio file's shape) and its plan."""

    portfolio: dict[str, Any]
    plan: PortfolioPlanOut


class PortfolioList(_Out):
    """The workspace's saved portfolios, newest first."""

    portfolios: list[PortfolioSummary]


PORTFOLIO_FILE = {
    "type": "object",
    "title": "PortfolioFile",
    "description": "A portfolio as in a portfolio file (seamline portfolio FILE): defaults and workstreams",
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX, "pattern": NAME_PATTERN},
        "stage": {"type": "string"},
        "defaults": {"type": "object"},
        "workstreams": {"type": "array", "minItems": 1, "maxItems": 50, "items": {"type": "object"}},
    },
    "required": ["name", "workstreams"],
    "additionalProperties": False,
}


def components(model_ids: Sequence[str], criteria: Sequence[str]) -> dict[str, Any]:
    """The spec's component schemas that depend on the knowledge base: ``Situation`` (the pydantic model's
    own schema, its ``weights`` keyed by the criteria) and ``ModelId`` (the engagement models), with the
    request bodies that refer to them."""
    from pydantic.json_schema import models_json_schema

    from seamline.situation import MAX_WEIGHT, Situation

    ref = "#/components/schemas/{model}"
    _, top = models_json_schema(
        [(m, "validation") for m in (Situation, DecisionCreate, DecisionUpdate, DecisionCopy, ContractText)],
        ref_template=ref,
    )
    schemas: dict[str, Any] = _refs(dict(top.get("$defs", {})))
    weights = {
        "type": "object",
        "propertyNames": {"enum": list(criteria)},
        "additionalProperties": {"type": "number", "minimum": 0, "maximum": MAX_WEIGHT},
        "description": "Your weight per criterion (0 ignores it); the knowledge's own weights otherwise",
    }
    situation = schemas["Situation"]
    situation["properties"]["weights"] = {"anyOf": [weights, {"type": "null"}], "default": None}
    # in a decision body the situation's name may be left out when the body has one (else: 422, naming it)
    schemas["DecisionSituation"] = {
        **copy.deepcopy(situation),
        "title": "DecisionSituation",
        "description": "A situation (as in a situation file); its name may be left out when the body has one",
        "required": [f for f in situation["required"] if f != "name"],
    }
    schemas["DecisionSituation"]["properties"]["name"] = {
        "type": "string",
        "minLength": 1,
        "maxLength": NAME_MAX,
        "pattern": NAME_PATTERN,
        "description": "The decision's name, unless the body gives one",
    }
    schemas["ModelId"] = {"type": "string", "enum": list(model_ids), "description": "An engagement model id"}
    schemas.update(_vendor_components())
    return schemas


def _vendor_components() -> dict[str, Any]:
    """The request bodies of the vendor and portfolio routes, with the vendor profile's own schema."""
    from pydantic.json_schema import models_json_schema

    from seamline.vendors import VendorProfile

    bodies = (VendorProfile, VendorScoreBody, VendorCompareBody, VendorSaveBody, PortfolioBody)
    _, top = models_json_schema(
        [(m, "validation") for m in bodies], ref_template="#/components/schemas/{model}"
    )
    schemas: dict[str, Any] = _refs(dict(top.get("$defs", {})))
    schemas["PortfolioFile"] = copy.deepcopy(PORTFOLIO_FILE)
    return schemas


def _refs(node: Any) -> Any:
    """``node`` with every ``{REF: name}`` stand-in replaced by a ``$ref`` to the component ``name``, and
    no ``default: null`` where null is not a value the schema allows (an optional field left out)."""
    if isinstance(node, dict):
        if REF in node:
            return {"$ref": f"#/components/schemas/{node[REF]}"}
        nullable = node.get("type") == "null" or "anyOf" in node
        return {k: _refs(v) for k, v in node.items() if not (k == "default" and v is None and not nullable)}
    if isinstance(node, list):
        return [_refs(v) for v in node]
    return node
