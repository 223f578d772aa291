"""Your assumptions vs the cited defaults: the figures a user may set for one decision.

Rates, the key cost parameters (hiring lead time, coordination hours, volatility, churn, markups), the
pricing chosen per engagement model, the fixed bid and the criterion weights, each with its cited default
and source. A situation keeps the user's values in ``costs`` (:class:`~seamline.cost.overrides.
CostOverrides`) and ``weights``; this module lists them next to the defaults (the web app's assumptions
panel and the decision document read it) and turns edited figures back into those two blocks.

A rate or parameter is a low / likely / high range. The user gives one figure, the likely value; the low
and high move with it in proportion, so the cited spread is kept (a share stays at most 100%). A range the
situation already holds (a YAML file may give one) is kept as it is until its figure is changed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from seamline.errors import Problem

if TYPE_CHECKING:
    from seamline.knowledge import KnowledgeBase
    from seamline.situation import Situation

Group = Literal["rate", "parameter", "pricing", "fixed_bid", "weight"]
GROUP_TITLES: dict[str, str] = {
    "rate": "Rates",
    "parameter": "Key cost parameters",
    "pricing": "Pricing chosen per model",
    "fixed_bid": "Fixed bid",
    "weight": "Criterion weights",
}
# The parameters offered by default (ids of knowledge/parameters/parameters.yaml); "{scope}" is the
# situation's work.scope (the volatility that applies to it). Any other parameter the situation overrides
# is listed too. A choice of what to show, not a business figure: the values come from the knowledge base.
KEY_PARAMETERS = (
    "hiring_lead_days",
    "ramp_up_weeks",
    "coordination_hours_per_seam",
    "scope_growth_{scope}",
    "in_house_churn",
    "commodity_churn",
    "vendor_team_churn",
    "vested_churn",
    "outsourcing_delivery_markup",
    "dedicated_team_markup",
    "product_delivery_markup",
    "vested_retainer_markup",
    "capacity_value_month",
)
SHARE_UNITS = ("share", "share_per_year")  # shown and typed as percentages
UNIT_LABELS = {
    "usd_per_year": "$ per year",
    "usd_per_month": "$ per month",
    "usd_per_hour": "$ per hour",
    "usd_per_unit_month": "$ per unit per month",
    "usd_per_unit": "$ per unit",
    "usd": "$",
    "day": "days",
    "week": "weeks",
    "hour": "hours",
    "share": "%",
    "share_per_year": "% per year",
    "hour_per_seam_week": "hours per seam per week",
    "hour_per_engineer_week": "hours per engineer per week",
    "engineer": "engineers",
    "weight": "weight",
}
MAX_WEIGHT = 1000  # as seamline.situation.MAX_WEIGHT (imported lazily there; kept equal by a test)
NO_BID = "none (priced from the per-seat rate and the vendor's markup)"
CLOSE = 1e-9  # relative difference under which a figure equals its default


class Assumption(BaseModel):
    """One figure a user may set, with its cited default and the user's value (None: the default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str  # rates.<role>.<unit> | parameters.<id> | pricing.<model> | fixed_bid | weights.<criterion>
    group: Group
    name: str
    unit: str
    default: float | str | None  # the likely value, a pricing variant id, or None (no fixed bid)
    default_range: tuple[float, float, float] | None = None
    value: float | str | None = None
    value_range: tuple[float, float, float] | None = None
    options: tuple[tuple[str, str], ...] = ()  # pricing: (variant id, name)
    source: str
    note: str | None = None

    @property
    def overridden(self) -> bool:
        return self.value is not None

    @property
    def field_id(self) -> str:
        """An HTML id for the field (letters, digits and hyphens)."""
        return "a-" + "".join(c if c.isalnum() else "-" for c in self.key)

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit.replace("_", " "))

    @property
    def percent(self) -> bool:
        return self.unit in SHARE_UNITS

    def shown(self, value: float | str | None) -> str:
        """A value as the form shows it (a share as a percentage; no trailing zeros)."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        return _number(value * 100 if self.percent else value)

    def words(self, value: float | str | None, rng: tuple[float, float, float] | None = None) -> str:
        """A value in words, with its unit and range: "$185,000 per year (160,000-220,000)"."""
        if value is None:
            return NO_BID if self.group == "fixed_bid" else "–"
        if isinstance(value, str):
            return dict(self.options).get(value, value.replace("_", " "))
        if self.group == "weight":
            return _number(value)
        text = _with_unit(value, self.unit)
        if rng is not None and rng[0] != rng[2]:
            low, high = (_number(v * 100) if self.percent else _grouped(v) for v in (rng[0], rng[2]))
            text += f" (range {low}–{high})"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "group": self.group,
            "name": self.name,
            "unit": self.unit,
            "default": self.default,
            "default_range": list(self.default_range) if self.default_range else None,
            "value": self.value,
            "value_range": list(self.value_range) if self.value_range else None,
            "options": [{"id": i, "name": n} for i, n in self.options],
            "source": self.source,
            "note": self.note,
        }


def _number(v: float) -> str:
    return f"{v:,.6f}".rstrip("0").rstrip(".").replace(",", "") if v != int(v) else f"{int(v)}"


def _grouped(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else _number(v)


def _with_unit(v: float, unit: str) -> str:
    if unit in SHARE_UNITS:
        return f"{_number(round(v * 100, 4))}{UNIT_LABELS[unit]}"
    if unit.startswith("usd"):
        rest = UNIT_LABELS.get(unit, "$").removeprefix("$").strip()
        return f"${_grouped(v)}" + (f" {rest}" if rest else "")
    return f"{_grouped(v)} {UNIT_LABELS.get(unit, unit)}"


def assumptions(situation: Situation, kb: KnowledgeBase | None = None) -> tuple[Assumption, ...]:
    """Every figure of the panel for ``situation``: defaults, sources, and the user's values where set."""
    from seamline.advisor.scoring import derive_weights
    from seamline.cost.overrides import CostOverrides
    from seamline.cost.parameters import load_cost_knowledge
    from seamline.cost.plan import default_inputs
    from seamline.knowledge import MODEL_IDS, load_knowledge

    kb = kb or load_knowledge()
    ck = load_cost_knowledge(kb.root)
    bare = situation.model_copy(update={"costs": None, "weights": None})
    catalogue = default_inputs(bare, kb.root)
    user = situation.costs or CostOverrides()
    out: list[Assumption] = []

    # rates: the developer role's (in-house per year, vendor per hour and month), then the other rates the
    # plan uses (leadership and coordination), then any other the situation overrides
    from seamline.cost.plan import build_plan

    plan = build_plan(bare, knowledge=kb.root)
    dev_role = user.developer_role or plan.developer_role
    rate_ids = [f"rate.{dev_role}.{u}" for u in ("year", "hour", "month")]
    rate_ids += [i.id for i in plan.inputs if i.id.startswith("rate.")]
    rate_ids += [f"rate.{r}.{u}" for r, units in user.rates.items() for u in units]
    seen: set[str] = set()
    for iid in rate_ids:
        if iid in seen or (iid not in catalogue and not _user_rate(user, iid)):
            continue
        seen.add(iid)
        _, role, unit = iid.split(".", 2)
        base = catalogue.get(iid)
        raw = user.rates.get(role, {}).get(unit)
        name = base.name if base else f"{ck.roles[role].name if role in ck.roles else role}, per {unit}"
        out.append(_ranged(f"rates.{role}.{unit}", "rate", name, f"usd_per_{unit}", base, raw))

    # parameters: the key ones, then any other the situation overrides
    pids = [p.format(scope=situation.work.scope) for p in KEY_PARAMETERS]
    pids += [p for p in user.parameters if p not in pids]
    for pid in pids:
        base = catalogue.get(pid)
        if base is None:
            continue
        raw = user.parameters.get(pid)
        out.append(_ranged(f"parameters.{pid}", "parameter", base.name, base.unit, base, raw))

    # pricing: every model with a choice of variants usable for this situation
    chosen = {m.model_id: m.variant for m in plan.models}
    units = situation.work.service_units
    for mid in MODEL_IDS:
        mp = ck.pricing.models[mid]
        usable = [
            v
            for v in mp.variants
            if v.unit_prices is None or (units is not None and units.kind in v.unit_prices)
        ]
        if len(usable) < 2 and mid not in user.pricing:
            continue
        default_variant = next(v for v in mp.variants if v.id == chosen[mid])
        out.append(
            Assumption(
                key=f"pricing.{mid}",
                group="pricing",
                name=kb.models[mid].name,
                unit="variant",
                default=chosen[mid],
                value=user.pricing.get(mid),
                options=tuple((v.id, v.name) for v in usable),
                source=default_variant.source,
            )
        )

    # the fixed bid: replaces the fixed-price variant's computed price
    fixed = next(
        ((mid, v) for mid in MODEL_IDS for v in ck.pricing.models[mid].variants if v.shape == "fixed_bid"),
        None,
    )
    if fixed is not None:
        out.append(
            Assumption(
                key="fixed_bid",
                group="fixed_bid",
                name=f"Fixed bid for {kb.models[fixed[0]].name} ({fixed[1].name.lower()})",
                unit="usd",
                default=None,
                value=user.fixed_bid,
                source=fixed[1].source,
                note="a vendor's quoted price for the project; without one the price is the per-seat "
                "rate plus the vendor's markup",
            )
        )

    # criterion weights: the weight the answers give each criterion, or the user's
    rules = {r.id: r for r in kb.rules.weights}
    for w in derive_weights(bare, kb, bare.flat()):
        criterion = kb.criteria[w.criterion]
        first_rule = rules.get(w.rules[0]) if w.rules else None
        mine = (situation.weights or {}).get(w.criterion)
        out.append(
            Assumption(
                key=f"weights.{w.criterion}",
                group="weight",
                name=criterion.name,
                unit="weight",
                default=w.weight,
                value=float(mine) if mine is not None else None,
                source=first_rule.source if first_rule else criterion.source,
                note=(
                    f"{_number(criterion.default_weight)}, raised by your answers: "
                    + "; ".join(rules[r].text for r in w.rules if r in rules)
                    if w.rules
                    else None
                ),
            )
        )
    return tuple(out)


def _user_rate(user: Any, iid: str) -> bool:
    _, role, unit = iid.split(".", 2)
    return unit in user.rates.get(role, {})


def _ranged(key: str, group: Group, name: str, unit: str, base: Any, raw: Any) -> Assumption:
    """A rate or parameter: its default range and the user's (``raw`` as ``costs`` holds it)."""
    default_range = (base.low, base.likely, base.high) if base is not None else None
    value_range = resolved(raw, default_range) if raw is not None else None
    return Assumption(
        key=key,
        group=group,
        name=name,
        unit=unit,
        default=base.likely if base is not None else None,
        default_range=default_range,
        value=value_range[1] if value_range else None,
        value_range=value_range,
        source=base.source if base is not None else "user",
        note=base.note if base is not None else None,
    )


def resolved(raw: Any, default: tuple[float, float, float] | None) -> tuple[float, float, float] | None:
    """The range an override gives (a number fixes it; a mapping replaces the keys it names), as the cost
    plan reads it; None when it is not a number or a mapping of numbers."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return (float(raw),) * 3
    if isinstance(raw, Mapping):
        low, likely, high = default or (0.0, 0.0, 0.0)
        values = {"low": low, "likely": likely, "high": high}
        for k in values:
            v = raw.get(k)
            if v is not None:
                if isinstance(v, bool) or not isinstance(v, int | float):
                    return None
                values[k] = float(v)
        return (values["low"], values["likely"], values["high"])
    return None


def scaled(value: float, default: tuple[float, float, float] | None, *, share: bool) -> dict[str, float]:
    """The range for a likely ``value``: the default's low and high moved in proportion (a share's high at
    most 1 unless the value is above it); a fixed value when the default is fixed or its likely is 0."""
    if default is None or default[1] == 0 or default[0] == default[2]:
        return {"low": value, "likely": value, "high": value}
    factor = value / default[1]
    low, high = default[0] * factor, default[2] * factor
    if share:
        high = min(high, max(1.0, value))
    return {"low": min(low, value), "likely": value, "high": max(high, value)}


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=CLOSE, abs_tol=CLOSE)


# ------------------------------------------------------------------------------------------ edits
MISSING = object()


def apply_edits(
    situation: Situation,
    fields: Mapping[str, Any],
    listed: tuple[Assumption, ...],
    *,
    reset: str | None = None,
) -> tuple[dict[str, Any] | None, dict[str, float] | None, list[Problem]]:
    """The situation's ``costs`` and ``weights`` with the edited figures, and the problems found, each
    named by the figure's key.

    ``fields``: key -> the figure as typed in the form (text; a share as a percentage) or as the API
    sends it (a number in the model's unit, a share as a fraction; a pricing variant id; None: back to
    the default). A key not sent keeps its value; a figure left blank or equal to its default is no
    override. ``reset``: a key to set back to its default, or ``"all"`` for every figure listed.
    Overrides the panel does not list (horizon, developer role, placement, project length) are kept."""
    costs: dict[str, Any] = (
        situation.costs.model_dump(exclude_defaults=True) if situation.costs is not None else {}
    )
    weights: dict[str, float] = dict(situation.weights or {})
    problems: list[Problem] = []
    for a in listed:
        raw = fields.get(a.key, MISSING)
        if reset in ("all", a.key):
            raw = None
        elif raw is MISSING:
            continue  # not sent: unchanged
        if isinstance(raw, str):
            raw = raw.strip()
        if a.group == "pricing":
            choice = None if raw in (None, "", a.default) else raw
            if choice is not None and (not isinstance(choice, str) or choice not in dict(a.options)):
                names = "; ".join(f"{i} ({n})" for i, n in a.options)
                problems.append(Problem(a.key, f"choose one of the pricing options: {names}"))
                continue
            _set(costs, a.key, choice)
            continue
        try:
            number = parse_number(raw, a)
        except ValueError as exc:
            problems.append(Problem(a.key, str(exc)))
            continue
        default = a.default if isinstance(a.default, float) else None
        if a.group == "weight":
            criterion = a.key.split(".", 1)[1]
            if number is None or same(number, default):
                weights.pop(criterion, None)
            else:
                weights[criterion] = number
        elif a.group == "fixed_bid":
            costs.pop("fixed_bid", None)
            if number is not None:
                costs["fixed_bid"] = number
        elif number is None or same(number, default):
            _set(costs, a.key, None)
        elif a.value is not None and same(number, a.value if isinstance(a.value, float) else None):
            pass  # unchanged: the range it had is kept
        else:
            _set(costs, a.key, scaled(number, a.default_range, share=a.unit == "share"))
    return (costs or None), (weights or None), problems


def parse_number(raw: Any, a: Assumption) -> float | None:
    """A figure as the model's number: text as typed (a percentage for a share; ``$`` and thousands
    separators allowed) or a number in the model's unit; None when blank. Refuses, in words, what is not
    a finite number within the figure's bounds."""
    if raw is None:
        return None
    if isinstance(raw, str):
        cleaned = raw.replace(",", "").replace("$", "").replace("%", "").replace(" ", "")
        if cleaned == "":
            return None
        try:
            value = float(cleaned)
        except ValueError:
            example = a.shown(a.default) or "120000"
            raise ValueError(f"“{raw[:40]}” is not a number; type a figure like {example}") from None
        typed_percent = a.percent
    elif isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"expected a number, got {type(raw).__name__}")
    else:
        value, typed_percent = float(raw), False
    if not math.isfinite(value):
        raise ValueError("type a finite number")
    if a.group == "weight":
        if not 0 <= value <= MAX_WEIGHT:
            raise ValueError(f"a weight is from 0 to {MAX_WEIGHT}; got {_number(value)}")
        return value
    if a.group == "fixed_bid":
        from seamline.cost.overrides import MAX_BID

        if not 0 < value <= MAX_BID:
            raise ValueError(f"a fixed bid is above $0 and at most ${MAX_BID:,}; got {_number(value)}")
        return value
    from seamline.cost.overrides import DIVISORS, MAX_OVERRIDE

    if value < 0:
        raise ValueError(f"this figure cannot be negative; got {_number(value)}")
    if typed_percent:
        value /= 100
    if a.unit == "share" and value > 1:
        shown = f"{_number(value * 100)}%" if typed_percent else _number(value)
        raise ValueError(f"a share is at most 100%; got {shown}")
    if value > MAX_OVERRIDE:
        raise ValueError(f"at most {MAX_OVERRIDE:,}; got {_number(value)}")
    if a.key.split(".")[-1] in DIVISORS and value == 0:
        raise ValueError("must be above 0 (the cost formula divides by it)")
    return value


def _path(key: str) -> list[str]:
    return key.split(".")


def _set(costs: dict[str, Any], key: str, value: Any) -> None:
    """Set (or with None remove) ``costs[rates][role][unit]`` etc.; empty mappings are dropped."""
    *parents, leaf = _path(key)
    chain = [costs]
    node = costs
    for part in parents:
        if value is None and not isinstance(node.get(part), dict):
            return
        node = node.setdefault(part, {})
        chain.append(node)
    if value is None:
        node.pop(leaf, None)
        for parent, part in zip(reversed(chain[:-1]), reversed(parents), strict=True):
            if not parent[part]:
                del parent[part]
    else:
        node[leaf] = value


def overridden(listed: tuple[Assumption, ...]) -> tuple[Assumption, ...]:
    return tuple(a for a in listed if a.overridden)


def problems_by_key(problems: list[Problem], listed: tuple[Assumption, ...]) -> dict[str, str]:
    """Each problem's message under the key of the figure it names (its path holds ``costs.<key>`` or
    ``<key>``); a problem naming none is kept under ``""``."""
    out: dict[str, str] = {}
    keys = sorted((a.key for a in listed), key=len, reverse=True)
    for p in problems:
        where = p.where
        key = next((k for k in keys if where == k or f"costs.{k}" in where or where.endswith(k)), "")
        if key == "" and ("weights." in where):
            key = next((k for k in keys if k in where), "")
        out.setdefault(key, p.message)
    return out
