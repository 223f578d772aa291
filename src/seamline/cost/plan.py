"""Build a cost plan: the cited inputs (with the user's overrides) and each model's pricing, as plain data.

The plan is what the simulation reads; it holds no NumPy. Every input is a low / likely / high range with
its source; an override replaces the range and is recorded (``CostPlan.overrides``) so reports show it.

Rates come from the rate card and, for developer and leadership roles, from the markets: in-house roles
(per year) in ``market.in_house``, vendor engineers (per hour or month) in ``market.vendor``, or the cited
default markets when the situation gives none. The seams map (:mod:`seamline.seams`) says which leadership
roles sit in-house under each model; the plan charges those roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from seamline.conditions import holds
from seamline.cost.overrides import CostOverrides
from seamline.cost.parameters import (
    GLOBALS,
    CostKnowledge,
    MarketRate,
    ModelPricing,
    Range,
    Variant,
    load_cost_knowledge,
)
from seamline.errors import Problem, SituationError
from seamline.knowledge import MODEL_IDS, KnowledgeBase, load_knowledge
from seamline.seams import ModelSeams, load_seams, model_seams

if TYPE_CHECKING:
    from seamline.cost.seam_map import ModelHours
    from seamline.situation import Situation

DAY_UNITS = {"day": 1 / 7, "week": 1.0}  # -> weeks


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Input(_Frozen):
    """One uncertain (or fixed) input of the simulation."""

    id: str
    name: str
    unit: str
    low: float
    likely: float
    high: float
    distribution: str = "pert"
    source: str
    note: str | None = None
    override: str | None = None  # where the user's value came from

    @property
    def fixed(self) -> bool:
        return self.low == self.high


class Override(_Frozen):
    where: str
    input: str
    default: tuple[float, float, float] | None
    value: tuple[float, float, float]


class ModelPlan(_Frozen):
    """How one engagement model is costed: input ids per formula term (None = the term is zero)."""

    model_id: str
    name: str
    short_name: str
    variant: str
    variant_name: str
    shape: str
    rate: str
    rate_unit: str  # hour | month | year | unit (subscription price per unit-month)
    quantity: float  # units paid per month: engineers, or service units (users, devices, ...)
    quantity_unit: str = "engineer"
    markup: str | None = None
    start: str | None = None
    start_to_weeks: float = 1.0
    integration: str | None = None
    ramp: str | None = None
    management_hours: str
    churn: str
    churn_client_share: str
    knowledge_loss: str
    hiring_cost: str | None = None
    growth: str | None = None
    change_requests: str | None = None
    project_months: float | None = None  # a fixed price per project this long (None: no per-project bids)
    milestone_share: str | None = None
    milestone_hit_rate: str | None = None
    fixed_bid: float | None = None
    leadership: tuple[str, ...] = ()  # rate ids (per year) of the in-house leadership roles it needs
    seams: int
    source: str


class Markets(_Frozen):
    """The markets the plan priced: where in-house staff and the vendor's engineers sit."""

    in_house: str
    vendor: str
    in_house_name: str
    vendor_name: str
    given: bool  # from the situation's `market` answer; False: the cited defaults
    source: str  # the defaults' source when not given


class CostPlan(_Frozen):
    horizon_months: int
    engineers: int
    markets: Markets
    service_units: dict[str, Any] | None = None  # {kind, count} when managed services are priced per unit
    scope: str
    developer_role: str
    coordination_rate: str
    inputs: tuple[Input, ...]
    models: tuple[ModelPlan, ...]
    seams: dict[str, ModelSeams]
    overrides: tuple[Override, ...]
    knowledge_version: str

    def input(self, input_id: str) -> Input:
        return next(i for i in self.inputs if i.id == input_id)

    def with_horizon(self, months: int) -> CostPlan:
        return self.model_copy(update={"horizon_months": _horizon(months, "--months")})

    def management_hours(self) -> dict[str, ModelHours]:
        """In-house management and seam-coordination hours per week per model (low, likely, high)."""
        from seamline.cost.seam_map import Hours, ModelHours

        per_seam = self.input("coordination_hours_per_seam")
        out = {}
        for m in self.models:
            mh = self.input(m.management_hours)
            values = {}
            for end in ("low", "likely", "high"):
                mgmt = getattr(mh, end) * self.engineers
                coord = getattr(per_seam, end) * m.seams
                values[end] = (mgmt, coord)
            out[m.model_id] = ModelHours(
                management=Hours(**{k: v[0] for k, v in values.items()}),
                coordination=Hours(**{k: v[1] for k, v in values.items()}),
                total=Hours(**{k: v[0] + v[1] for k, v in values.items()}),
            )
        return out


def _horizon(months: Any, where: str) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 240:
        raise SituationError(f"{where}: got {months!r}; expected a whole number of months from 1 to 240")
    return months


def build_plan(
    situation: Situation,
    *,
    horizon_months: int | None = None,
    knowledge: Path | str | None = None,
    rates: CostOverrides | None = None,
    where: str = "situation",
    rates_where: str = "rates file",
    horizon_field: str = "--months",
) -> CostPlan:
    """The cost plan of a situation: defaults from the knowledge base, overridden by ``situation.costs``
    and then by ``rates`` (a separate rates file). Errors name ``costs.<field>``; a bad ``horizon_months``
    is named ``horizon_field`` (the CLI's option; the API passes its own field's name)."""
    kb = load_knowledge(knowledge)
    ck = load_cost_knowledge(knowledge)
    seams_kb = load_seams(knowledge)
    layers = [(situation.costs, where), (rates, rates_where)]
    merged = CostOverrides()
    for layer, _ in layers:
        merged = merged.merged(layer)
    horizon = (
        _horizon(horizon_months, horizon_field)
        if horizon_months is not None
        else (
            _horizon(merged.horizon_months, f"{where}: costs.horizon_months")
            if merged.horizon_months is not None
            else situation.work.duration_months
        )
    )
    dev_role = merged.developer_role or str(ck.pricing.default_developer_role.value)
    if dev_role not in ck.roles:
        raise SituationError(
            f"{where}: costs.developer_role: unknown role {dev_role!r}",
            [Problem(f"{where}: costs.developer_role", f"expected one of: {', '.join(ck.roles)}")],
        )
    if merged.fixed_bid is not None and merged.fixed_bid <= 0:
        raise SituationError(f"{where}: costs.fixed_bid: got {merged.fixed_bid}; expected an amount above 0")

    markets = _markets(situation, ck)
    catalogue = _catalogue(ck, markets)
    overrides: list[Override] = []
    problems: list[Problem] = []
    for layer, origin in layers:
        if layer is not None:
            _apply(layer, origin, catalogue, ck, overrides, problems)
    seams = model_seams(kb, seams_kb, merged, where, situation=situation)
    project_months = float(merged.project_months or situation.work.duration_months)
    models = [
        _model_plan(mid, kb, ck, situation, merged, dev_role, seams[mid], project_months, where, problems)
        for mid in MODEL_IDS
    ]
    if problems:
        raise SituationError(f"{where}: {len(problems)} problem(s) in costs", problems)
    coordination_rate = f"rate.{ck.pricing.coordination_role.value}.year"
    used = set(GLOBALS) | {coordination_rate}
    for m in models:
        for key in (
            "rate",
            "markup",
            "start",
            "integration",
            "ramp",
            "management_hours",
            "churn",
            "churn_client_share",
            "knowledge_loss",
            "hiring_cost",
            "growth",
            "change_requests",
            "milestone_share",
            "milestone_hit_rate",
        ):
            value = getattr(m, key)
            if value is not None:
                used.add(value)
        used.update(m.leadership)
    missing = sorted(u for u in used if u not in catalogue)
    if missing:
        problems = []
        for item in missing:
            _, role, unit = item.split(".") if item.startswith("rate.") else ("", item, "")
            users = ", ".join(m.model_id for m in models if item in (m.rate, *m.leadership)) or (
                "the coordination cost"
            )
            problems.append(
                Problem(
                    f"{where}: costs.rates.{role}.{unit}",
                    f"{role} has no {unit} rate, needed by {users}; give one as a number or "
                    "{low, likely, high}",
                )
            )
        raise SituationError(f"{where}: costs: missing rates", problems)
    inputs = tuple(catalogue[k] for k in catalogue if k in used)
    units = situation.work.service_units
    return CostPlan(
        horizon_months=horizon,
        engineers=situation.work.engineers,
        markets=markets,
        service_units=units.model_dump()
        if units is not None and any(m.quantity_unit != "engineer" for m in models)
        else None,
        scope=situation.work.scope,
        developer_role=dev_role,
        coordination_rate=coordination_rate,
        inputs=inputs,
        models=tuple(models),
        seams=seams,
        overrides=tuple(overrides),
        knowledge_version=kb.version,
    )


def default_inputs(situation: Situation, knowledge: Path | str | None = None) -> dict[str, Input]:
    """Every rate and parameter at its cited default, priced in the markets the situation's answers name
    (its ``costs`` overrides not applied): what "your assumptions" are compared with."""
    ck = load_cost_knowledge(knowledge)
    return _catalogue(ck, _markets(situation, ck))


def _markets(situation: Situation, ck: CostKnowledge) -> Markets:
    given = situation.market
    defaults = ck.market_defaults
    in_house = given.in_house if given is not None else str(defaults.in_house.value)
    vendor = given.vendor if given is not None else str(defaults.vendor.value)
    return Markets(
        in_house=in_house,
        vendor=vendor,
        in_house_name=ck.markets[in_house].name,
        vendor_name=ck.markets[vendor].name,
        given=given is not None,
        source="situation" if given is not None else defaults.in_house.source,
    )


def _catalogue(ck: CostKnowledge, markets: Markets) -> dict[str, Input]:
    """Every rate and parameter as an input; market figures replace the rate card's for their roles."""
    out: dict[str, Input] = {}
    for role in ck.roles.values():
        for rate in role.rates:
            out[f"rate.{role.id}.{rate.unit}"] = _input(
                f"rate.{role.id}.{rate.unit}",
                f"{role.name}, per {rate.unit}",
                f"usd_per_{rate.unit}",
                rate.range,
                rate.distribution,
                rate.source,
                rate.note,
            )
        for unit, market in (("year", markets.in_house), ("hour", markets.vendor), ("month", markets.vendor)):
            found: MarketRate | None = ck.market_rate(market, role.id, unit)
            if found is None:
                continue
            side = "in-house" if unit == "year" else "vendor"
            out[f"rate.{role.id}.{unit}"] = _input(
                f"rate.{role.id}.{unit}",
                f"{role.name}, per {unit} ({side}, {ck.markets[market].name})",
                f"usd_per_{unit}",
                found.range,
                found.distribution,
                found.source,
                found.note,
            )
    for p in ck.parameters.values():
        out[p.id] = _input(p.id, p.name, p.unit, p.as_range, p.distribution, p.source, p.note)
    return out


def _input(iid: str, name: str, unit: str, rng: Range, dist: str, source: str, note: str | None) -> Input:
    return Input(
        id=iid,
        name=name,
        unit=unit,
        low=rng.low,
        likely=rng.likely,
        high=rng.high,
        distribution=dist,
        source=source,
        note=note,
    )


def _apply(
    layer: CostOverrides,
    origin: str,
    catalogue: dict[str, Input],
    ck: CostKnowledge,
    overrides: list[Override],
    problems: list[Problem],
) -> None:
    for role, units in layer.rates.items():
        path = f"{origin}: costs.rates.{role}"
        if role not in ck.roles:
            problems.append(Problem(path, f"unknown role; expected one of: {', '.join(ck.roles)}"))
            continue
        if not isinstance(units, Mapping):
            problems.append(Problem(path, "expected a mapping of unit (hour, month, year) to a rate"))
            continue
        for unit, raw in units.items():
            if unit not in ("hour", "month", "year"):
                problems.append(Problem(f"{path}.{unit}", "unknown unit; expected one of: hour, month, year"))
                continue
            iid = f"rate.{role}.{unit}"
            base = catalogue.get(iid) or Input(
                id=iid,
                name=f"{ck.roles[role].name}, per {unit}",
                unit=f"usd_per_{unit}",
                low=0,
                likely=0,
                high=0,
                source="user",
            )
            _override(
                base, raw, f"{path}.{unit}", origin, catalogue, overrides, problems, new=iid not in catalogue
            )
    for pid, raw in layer.parameters.items():
        path = f"{origin}: costs.parameters.{pid}"
        if pid not in ck.parameters:
            problems.append(Problem(path, f"unknown parameter; expected one of: {', '.join(ck.parameters)}"))
            continue
        _override(catalogue[pid], raw, path, origin, catalogue, overrides, problems, new=False)


def _override(
    base: Input,
    raw: Any,
    path: str,
    origin: str,
    catalogue: dict[str, Input],
    overrides: list[Override],
    problems: list[Problem],
    *,
    new: bool,
) -> None:
    values = {"low": base.low, "likely": base.likely, "high": base.high}
    dist = base.distribution
    if isinstance(raw, bool) or not isinstance(raw, int | float | Mapping):
        problems.append(Problem(path, f"got {raw!r}; expected a number or a mapping with low, likely, high"))
        return
    if isinstance(raw, int | float):
        values = dict.fromkeys(values, float(raw))
    else:
        unknown = [k for k in raw if k not in (*values, "distribution")]
        if unknown:
            problems.append(
                Problem(f"{path}.{unknown[0]}", "unknown key; expected low, likely, high, distribution")
            )
            return
        if new and not all(k in raw for k in values):
            problems.append(Problem(path, "a new rate needs all of low, likely, high"))
            return
        for key in values:
            if key in raw:
                v = raw[key]
                if isinstance(v, bool) or not isinstance(v, int | float):
                    problems.append(Problem(f"{path}.{key}", f"got {v!r}; expected a number"))
                    return
                values[key] = float(v)
        dist = str(raw.get("distribution", dist))
        if dist not in ("pert", "triangular"):
            problems.append(Problem(f"{path}.distribution", f"got {dist!r}; expected pert or triangular"))
            return
    negative = [k for k, v in values.items() if v < 0]
    if negative:
        problems.append(
            Problem(path, f"{negative[0]} is {values[negative[0]]:g}; expected a number of 0 or more")
        )
        return
    if not values["low"] <= values["likely"] <= values["high"]:
        problems.append(
            Problem(
                path,
                f"low {values['low']:g}, likely {values['likely']:g}, high {values['high']:g}: "
                "expected low <= likely <= high",
            )
        )
        return
    catalogue[base.id] = base.model_copy(update={**values, "distribution": dist, "override": origin})
    default = None if new else (base.low, base.likely, base.high)
    overrides.append(
        Override(
            where=path,
            input=base.id,
            default=default,
            value=(values["low"], values["likely"], values["high"]),
        )
    )


def _model_plan(
    mid: str,
    kb: KnowledgeBase,
    ck: CostKnowledge,
    situation: Situation,
    merged: CostOverrides,
    dev_role: str,
    seams: ModelSeams,
    project_months: float,
    where: str,
    problems: list[Problem],
) -> ModelPlan:
    mp = ck.pricing.models[mid]
    variant = _variant(mid, mp, kb, ck, situation, merged, where, problems)
    start_unit = ck.parameters[mp.start].unit if mp.start else "week"
    quantity, quantity_unit = float(situation.work.engineers), "engineer"
    units = situation.work.service_units
    if variant.unit_prices is not None and units is not None and units.kind in variant.unit_prices:
        rate, rate_unit = variant.unit_prices[units.kind], "unit"
        quantity, quantity_unit = float(units.count), units.kind
    elif variant.unit_price is not None:
        rate, rate_unit = variant.unit_price, "unit"
    else:
        assert variant.unit is not None
        rate, rate_unit = f"rate.{dev_role}.{variant.unit}", variant.unit
    return ModelPlan(
        model_id=mid,
        name=kb.models[mid].name,
        short_name=str(getattr(kb.models[mid], "short_name", None) or mid),
        variant=variant.id,
        variant_name=variant.name,
        shape=variant.shape,
        rate=rate,
        rate_unit=rate_unit,
        quantity=quantity,
        quantity_unit=quantity_unit,
        markup=variant.markup,
        start=mp.start,
        start_to_weeks=DAY_UNITS.get(start_unit, 1.0),
        integration=mp.integration,
        ramp=mp.ramp,
        management_hours=mp.management_hours,
        churn=mp.churn,
        churn_client_share=mp.churn_client_share,
        knowledge_loss=mp.knowledge_loss,
        hiring_cost=mp.hiring_cost,
        growth=ck.pricing.scope_growth[situation.work.scope] if variant.change_requests else None,
        change_requests=variant.change_requests,
        project_months=project_months if variant.per_project else None,
        milestone_share=variant.milestone_share,
        milestone_hit_rate=variant.milestone_hit_rate,
        fixed_bid=merged.fixed_bid if variant.shape == "fixed_bid" else None,
        leadership=tuple(f"rate.{role}.year" for role in seams.leadership_in_house),
        seams=len(seams.seams),
        source=variant.source,
    )


def _variant(
    mid: str,
    mp: ModelPricing,
    kb: KnowledgeBase,
    ck: CostKnowledge,
    situation: Situation,
    merged: CostOverrides,
    where: str,
    problems: list[Problem],
) -> Variant:
    chosen = merged.pricing.get(mid)
    for key in merged.pricing:
        if key not in MODEL_IDS:
            problems.append(
                Problem(
                    f"{where}: costs.pricing.{key}",
                    f"unknown engagement model; expected one of: {', '.join(MODEL_IDS)}",
                )
            )
    units = situation.work.service_units
    if chosen is not None:
        found = mp.variant(chosen)
        if found is None:
            problems.append(
                Problem(
                    f"{where}: costs.pricing.{mid}",
                    f"got {chosen!r}; expected one of: {', '.join(v.id for v in mp.variants)}",
                )
            )
            return mp.variants[0]
        if found.unit_prices is not None and (units is None or units.kind not in found.unit_prices):
            problems.append(
                Problem(
                    f"{where}: costs.pricing.{mid}",
                    f"{chosen!r} prices per service unit; answer work.service_units with a kind of "
                    f"{', '.join(found.unit_prices)}",
                )
            )
            return mp.variants[0]
        return found
    if units is not None:
        per_unit = next((v for v in mp.variants if units.kind in (v.unit_prices or {})), None)
        if per_unit is not None:
            return per_unit
    if merged.fixed_bid is not None:
        fixed = next((v for v in mp.variants if v.shape == "fixed_bid"), None)
        if fixed is not None:
            return fixed
    flat = situation.flat()
    holding = {v.id for v in kb.models[mid].pricing_variants if holds(v.when, flat)}
    precedence = [str(v) for v in ck.pricing.variant_precedence.value]
    candidates = [v for v in mp.variants if v.id in holding]
    candidates.sort(key=lambda v: precedence.index(v.id) if v.id in precedence else len(precedence))
    return candidates[0] if candidates else mp.variants[0]
