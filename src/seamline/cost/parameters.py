"""The cost model's part of the knowledge base: the rate card, named parameters and per-model pricing.

Files (all under ``knowledge/parameters/``, each value citing a source)::

    rates.yaml       roles x units (hour, month, year) as low / likely / high ranges (market-independent)
    markets.yaml     per market: in-house cost per year and vendor rates per hour and month, by role
    parameters.yaml  named ranges and fixed values (lead times, overheads, churn, scope growth, ...)
    pricing.yaml     per engagement model: pricing variants and which parameters shape its hidden costs
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, model_validator

from seamline.cost.overrides import DIVISORS
from seamline.errors import KnowledgeError, Problem
from seamline.knowledge import BUNDLED, MODEL_IDS, Entry, KnowledgeBase, load_file, load_knowledge
from seamline.knowledge import Cited as CitedValue

RateUnit = Literal["hour", "month", "year"]
Shape = Literal["salary", "time_and_materials", "per_seat", "fixed_bid", "subscription", "retainer"]
Distribution = Literal["pert", "triangular"]
ParameterUnit = Literal[
    "hour",
    "week",
    "day",
    "month",
    "share",
    "share_per_year",
    "usd_per_month",
    "hour_per_engineer_week",
    "hour_per_seam_week",
    "engineer",
    "usd_per_unit_month",
    "usd_per_unit",
]
SCOPES = ("fully_defined", "partly_defined", "evolving")
# The formula's global inputs: parameter ids the kernel reads by name (values live in parameters.yaml).
GLOBALS = (
    "hours_per_month",
    "capacity_value_month",
    "ramp_productivity",
    "replacement_weeks",
    "relearn_weeks",
    "coordination_hours_per_seam",
    "leadership_span_engineers",
)
MARKET_UNITS = ("hour", "month")  # what a vendor bills; in-house is per year


class Range(Entry):
    low: float = Field(ge=0)
    likely: float = Field(ge=0)
    high: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low <= self.likely <= self.high:
            raise ValueError(f"expected low <= likely <= high, got {self.low}, {self.likely}, {self.high}")
        return self


class RoleRate(Entry):
    unit: RateUnit
    region: str | None = None
    range: Range
    distribution: Distribution = "pert"
    source: str
    note: str | None = None


class Role(Entry):
    id: str
    name: str
    rates: list[RoleRate] = Field(default_factory=list)  # empty: priced per market (markets.yaml)

    def rate(self, unit: str) -> RoleRate | None:
        return next((r for r in self.rates if r.unit == unit), None)


class Reference(Entry):
    id: str
    name: str
    unit: str
    range: Range
    source: str
    note: str | None = None


class RateCard(Entry):
    roles: list[Role] = Field(min_length=1)
    references: list[Reference] = Field(default_factory=list)


class Parameter(Entry):
    id: str
    name: str
    unit: ParameterUnit
    range: Range | None = None
    value: float | None = Field(default=None, ge=0)
    distribution: Distribution = "pert"
    source: str
    note: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Parameter:
        if (self.range is None) == (self.value is None):
            raise ValueError("give exactly one of `range` (low, likely, high) or `value`")
        return self

    @property
    def as_range(self) -> Range:
        if self.range is not None:
            return self.range
        assert self.value is not None
        return Range(low=self.value, likely=self.value, high=self.value)


class ParameterFile(Entry):
    parameters: list[Parameter] = Field(min_length=1)


class Variant(Entry):
    id: str
    name: str
    shape: Shape
    unit: RateUnit | None = None
    unit_price: str | None = None
    unit_prices: dict[str, str] | None = None  # service unit kind -> price parameter
    markup: str | None = None
    change_requests: str | None = None
    per_project: bool = False  # a fixed price billed once per stated project
    milestone_share: str | None = None
    milestone_hit_rate: str | None = None
    source: str

    @model_validator(mode="after")
    def _priced(self) -> Variant:
        given = [k for k in ("unit", "unit_price", "unit_prices") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of `unit` (a rate of the developer role), `unit_price` or `unit_prices`"
            )
        if (self.milestone_share is None) != (self.milestone_hit_rate is None):
            raise ValueError("milestone_share and milestone_hit_rate go together")
        return self


class ModelPricing(Entry):
    variants: list[Variant] = Field(min_length=1)
    start: str | None = None
    integration: str | None = None
    ramp: str | None = None
    management_hours: str
    churn: str
    churn_client_share: str
    knowledge_loss: str
    hiring_cost: str | None = None
    source: str

    def variant(self, variant_id: str) -> Variant | None:
        return next((v for v in self.variants if v.id == variant_id), None)


class Pricing(Entry):
    default_developer_role: CitedValue
    coordination_role: CitedValue
    variant_precedence: CitedValue
    scope_growth: dict[str, str]
    models: dict[str, ModelPricing]


class MarketRate(Entry):
    range: Range
    distribution: Distribution = "pert"
    source: str
    note: str | None = None


class Market(Entry):
    """What people cost in one market: in-house per year by role (or `leadership` for every lead role),
    and what a vendor whose engineers sit there bills per hour and per month."""

    id: str
    name: str
    in_house: dict[str, MarketRate]
    vendor: dict[str, dict[str, MarketRate]]


class MarketDefaults(Entry):
    in_house: CitedValue
    vendor: CitedValue


class MarketFile(Entry):
    defaults: MarketDefaults
    leadership_roles: CitedValue
    markets: list[Market] = Field(min_length=1)


class CostKnowledge(Entry):
    """The validated cost part of the knowledge base."""

    roles: dict[str, Role]
    references: dict[str, Reference]
    parameters: dict[str, Parameter]
    pricing: Pricing
    markets: dict[str, Market]
    market_defaults: MarketDefaults
    leadership_roles: tuple[str, ...]

    def market_rate(self, market: str, role: str, unit: str) -> MarketRate | None:
        """The market's figure for ``role`` per ``unit`` (year: in-house; hour, month: vendor), if any."""
        m = self.markets[market]
        if unit == "year":
            found = m.in_house.get(role)
            if found is None and role in self.leadership_roles:
                found = m.in_house.get("leadership")
            return found
        return m.vendor.get(role, {}).get(unit)


PARAMETER_KEYS = (
    "start",
    "integration",
    "ramp",
    "management_hours",
    "churn",
    "churn_client_share",
    "knowledge_loss",
    "hiring_cost",
)
VARIANT_KEYS = (
    "unit_price",
    "markup",
    "change_requests",
    "milestone_share",
    "milestone_hit_rate",
)


def load_cost_knowledge(root: Path | str | None = None) -> CostKnowledge:
    """Load and cross-check rates.yaml, markets.yaml, parameters.yaml and pricing.yaml (cached per folder)."""
    return _load_cached(str(Path(root or BUNDLED).resolve()))


@lru_cache(maxsize=8)
def _load_cached(root_str: str) -> CostKnowledge:
    root = Path(root_str)
    kb = load_knowledge(root)
    card = load_file("parameters/rates.yaml", RateCard, root, kb.sources)
    params = load_file("parameters/parameters.yaml", ParameterFile, root, kb.sources)
    pricing = load_file("parameters/pricing.yaml", Pricing, root, kb.sources)
    markets = load_file("parameters/markets.yaml", MarketFile, root, kb.sources)
    problems: list[Problem] = []
    roles = _unique([(r.id, r) for r in card.roles], "knowledge/parameters/rates.yaml: roles", problems)
    refs = _unique(
        [(r.id, r) for r in card.references], "knowledge/parameters/rates.yaml: references", problems
    )
    parameters = _unique(
        [(p.id, p) for p in params.parameters], "knowledge/parameters/parameters.yaml: parameters", problems
    )
    problems += _check_pricing(pricing, roles, parameters)
    problems += _check_divisors(parameters)
    by_id = _unique(
        [(m.id, m) for m in markets.markets], "knowledge/parameters/markets.yaml: markets", problems
    )
    leadership = tuple(str(r) for r in markets.leadership_roles.value)
    problems += _check_markets(markets, by_id, roles, leadership)
    if problems:
        raise KnowledgeError("knowledge/parameters: invalid cost knowledge", problems)
    return CostKnowledge(
        roles=roles,
        references=refs,
        parameters=parameters,
        pricing=pricing,
        markets=by_id,
        market_defaults=markets.defaults,
        leadership_roles=leadership,
    )


def _check_divisors(parameters: dict[str, Parameter]) -> list[Problem]:
    """The formula divides by some globals: a knowledge folder must not set them to 0 (the costs would be
    NaN). User overrides are refused the same way in :mod:`seamline.cost.overrides`."""
    return [
        Problem(
            f"knowledge/parameters/parameters.yaml: {pid}",
            f"lowest value is {parameters[pid].as_range.low:g}; "
            "expected above 0 (the cost formula divides by it)",
        )
        for pid in DIVISORS
        if pid in parameters and parameters[pid].as_range.low <= 0
    ]


def market_ids() -> tuple[str, ...]:
    """The market ids a situation may answer (``market.in_house``, ``market.vendor``)."""
    from seamline.situation import MarketId

    return tuple(str(m) for m in get_args(MarketId))


def _check_markets(
    data: MarketFile, markets: dict[str, Market], roles: dict[str, Role], leadership: tuple[str, ...]
) -> list[Problem]:
    where = "knowledge/parameters/markets.yaml"
    problems = []
    expected = market_ids()
    for mid in expected:
        if mid not in markets:
            problems.append(Problem(f"{where}: markets", f"missing market {mid!r}"))
    for key in ("in_house", "vendor"):
        value = getattr(data.defaults, key).value
        if value not in expected:
            problems.append(Problem(f"{where}: defaults.{key}", f"got {value!r}; expected one of {expected}"))
    for role in leadership:
        if role not in roles:
            problems.append(Problem(f"{where}: leadership_roles", f"unknown role {role!r}"))
    for m in markets.values():
        if m.id not in expected:
            problems.append(
                Problem(f"{where}: markets.{m.id}", f"unknown market; expected one of {expected}")
            )
        for role in m.in_house:
            if role != "leadership" and role not in roles:
                problems.append(Problem(f"{where}: markets.{m.id}.in_house.{role}", "unknown role"))
        for role, units in m.vendor.items():
            if role not in roles:
                problems.append(Problem(f"{where}: markets.{m.id}.vendor.{role}", "unknown role"))
            for unit in units:
                if unit not in MARKET_UNITS:
                    problems.append(
                        Problem(f"{where}: markets.{m.id}.vendor.{role}.{unit}", "expected hour or month")
                    )
    # every market prices the same roles, so changing the market never leaves a role without a rate
    shapes = {
        m.id: (set(m.in_house), {(r, u) for r, us in m.vendor.items() for u in us}) for m in markets.values()
    }
    first = next(iter(shapes.values()), None)
    for mid, shape in shapes.items():
        if shape != first:
            problems.append(
                Problem(f"{where}: markets.{mid}", "prices other roles or units than the first market")
            )
    return problems


def _unique(items: list[tuple[str, Any]], where: str, problems: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in items:
        if key in out:
            problems.append(Problem(where, f"duplicate id {key!r}"))
        out[key] = item
    return out


def _check_pricing(
    pricing: Pricing, roles: dict[str, Role], parameters: dict[str, Parameter]
) -> list[Problem]:
    where = "knowledge/parameters/pricing.yaml"
    problems = []

    def ref(value: str | None, key: str) -> None:
        if value is not None and value not in parameters:
            problems.append(Problem(f"{where}: {key}", f"unknown parameter {value!r}"))

    for key in ("default_developer_role", "coordination_role"):
        if getattr(pricing, key).value not in roles:
            problems.append(Problem(f"{where}: {key}", f"unknown role {getattr(pricing, key).value!r}"))
    for pid in GLOBALS:
        if pid not in parameters:
            problems.append(Problem("knowledge/parameters/parameters.yaml", f"missing parameter {pid!r}"))
    for scope in SCOPES:
        if scope not in pricing.scope_growth:
            problems.append(Problem(f"{where}: scope_growth", f"missing scope {scope!r}"))
    for scope, pid in pricing.scope_growth.items():
        if scope not in SCOPES:
            problems.append(
                Problem(f"{where}: scope_growth.{scope}", f"unknown scope; expected {', '.join(SCOPES)}")
            )
        ref(pid, f"scope_growth.{scope}")
    for mid in MODEL_IDS:
        if mid not in pricing.models:
            problems.append(Problem(f"{where}: models", f"missing engagement model {mid!r}"))
    for mid, model in pricing.models.items():
        if mid not in MODEL_IDS:
            problems.append(
                Problem(f"{where}: models.{mid}", f"unknown model; expected one of {', '.join(MODEL_IDS)}")
            )
        for key in PARAMETER_KEYS:
            ref(getattr(model, key), f"models.{mid}.{key}")
        for variant in model.variants:
            for key in VARIANT_KEYS:
                ref(getattr(variant, key), f"models.{mid}.variants.{variant.id}.{key}")
            for kind, pid in (variant.unit_prices or {}).items():
                ref(pid, f"models.{mid}.variants.{variant.id}.unit_prices.{kind}")
                if kind not in unit_kinds():
                    problems.append(
                        Problem(
                            f"{where}: models.{mid}.variants.{variant.id}.unit_prices.{kind}",
                            f"unknown service unit kind; expected one of {', '.join(unit_kinds())}",
                        )
                    )
    return problems


def unit_kinds() -> tuple[str, ...]:
    """The service unit kinds a situation may answer (``work.service_units.kind``)."""
    from seamline.situation import UnitKind

    return tuple(str(k) for k in get_args(UnitKind))


def parameter_units() -> tuple[str, ...]:
    return get_args(ParameterUnit)


def validate_cost_files(kb: KnowledgeBase) -> list[tuple[str, int]]:
    """Validator for ``seamline knowledge validate``: the cost files and seams.yaml."""
    from seamline.errors import KnowledgeError
    from seamline.seams import load_seams

    ck = load_cost_knowledge(kb.root)
    seams = load_seams(kb.root)
    problems = [
        Problem(f"knowledge/seams.yaml: templates.{t.id}.roles.{r.id}", f"leadership role {r.id!r} {why}")
        for t in seams.templates
        for r in t.roles
        if r.leadership
        for why in (["is not a role of parameters/rates.yaml"] if r.id not in ck.roles else [])
        + (["is not in markets.yaml leadership_roles"] if r.id not in ck.leadership_roles else [])
    ]
    if problems:
        raise KnowledgeError("knowledge: seams and the rate card disagree", problems)
    return [
        ("rate card roles", len(ck.roles)),
        ("markets", len(ck.markets)),
        ("cost parameters", len(ck.parameters)),
        ("pricing models", len(ck.pricing.models)),
        ("seam templates", len(seams.templates)),
        ("seam roles", sum(len(t.roles) for t in seams.templates)),
        ("seam placements", sum(len(t.placements) for t in seams.templates)),
    ]
