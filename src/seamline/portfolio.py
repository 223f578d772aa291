"""Portfolio planning: a model per workstream, cost and headcount by model, seams, and portfolio warnings.

Each workstream's ``work``, ``team`` and ``preferences`` are merged over the portfolio's shared ``defaults``
and ``stage`` into a situation; the advisor assigns its model (so the stage table partitions scale-ups and
enterprises by work type), the cost model prices it and the seam map shows its seams. Warning rules live in
``knowledge/portfolio.yaml``::

    from seamline.portfolio import load_portfolio, plan_portfolio
    plan = plan_portfolio(load_portfolio("examples/portfolio_scale_up.yaml"))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from seamline import conditions
from seamline.errors import InputFileError, KnowledgeError, Problem
from seamline.knowledge import BUNDLED, MODEL_IDS, Entry, KnowledgeBase, load_file, load_knowledge
from seamline.situation import FIELDS, Situation, parse_situation
from seamline.yamlio import brief, brief_key, check_data, read_data_file

PORTFOLIO_KEYS = ("name", "stage", "defaults", "workstreams")
DEFAULT_KEYS = ("work", "team", "preferences", "weights", "costs")
WORKSTREAM_KEYS = ("name", "vendor", "model", *DEFAULT_KEYS)


# ------------------------------------------------------------------------------------ knowledge
class CitedNumber(Entry):
    value: float
    source: str
    note: str | None = None


def _check_when(value: dict[str, Any] | None) -> dict[str, Any] | None:
    problems = conditions.check(value, FIELDS)
    if problems:
        raise ValueError("; ".join(problems))
    return value


class Case(Entry):
    when: dict[str, Any] | None = None
    models: list[str] | None = None

    _when = field_validator("when")(_check_when)


class UniformRule(Entry):
    id: str
    title: str
    stages: list[str]
    min_workstreams: CitedNumber
    text: str
    source: str


class WorkstreamRule(Entry):
    id: str
    title: str
    cases: list[Case] = Field(min_length=1)
    text: str
    source: str


class ConcentrationRule(Entry):
    id: str
    title: str
    max_share: CitedNumber
    text: str
    source: str


class Simulation(Entry):
    trials: CitedNumber
    seed: CitedNumber


class PortfolioKnowledge(Entry):
    uniform_model: UniformRule
    workstream_warnings: list[WorkstreamRule]
    concentration: ConcentrationRule
    simulation: Simulation


def load_portfolio_knowledge(root: Path | str | None = None) -> PortfolioKnowledge:
    return _load_cached(str(Path(root or BUNDLED).resolve()))


@lru_cache(maxsize=8)
def _load_cached(root_str: str) -> PortfolioKnowledge:
    root = Path(root_str)
    kb = load_knowledge(root)
    pk = load_file("portfolio.yaml", PortfolioKnowledge, root, kb.sources)
    where = "knowledge/portfolio.yaml"
    stages = FIELDS["stage"][1] or ()
    problems = [
        Problem(f"{where}: uniform_model.stages", f"unknown stage {s!r}")
        for s in pk.uniform_model.stages
        if s not in stages
    ]
    for rule in pk.workstream_warnings:
        for case in rule.cases:
            problems += [
                Problem(f"{where}: workstream_warnings.{rule.id}.models", f"unknown model {m!r}")
                for m in case.models or []
                if m not in kb.models
            ]
    if problems:
        raise KnowledgeError(f"{where}: invalid portfolio rules", problems)
    return pk


def validate_knowledge(kb: Any) -> list[tuple[str, int]]:
    """Hook for ``seamline knowledge validate`` (see :mod:`seamline.knowledge_extras`)."""
    pk = load_portfolio_knowledge(kb.root)
    return [("portfolio rules", 2 + len(pk.workstream_warnings))]


# ------------------------------------------------------------------------------------ input
class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Workstream(_Frozen):
    name: str
    vendor: str | None
    planned_model: str | None
    situation: Situation


class Portfolio(_Frozen):
    name: str
    stage: str
    workstreams: tuple[Workstream, ...]


def _merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _unknown(data: Mapping[str, Any], allowed: tuple[str, ...], where: str, what: str) -> list[Problem]:
    return [
        Problem(f"{where}{brief_key(key)}", f"unknown {what} field; allowed: {', '.join(allowed)}")
        for key in data
        if key not in allowed
    ]


def parse_portfolio(data: Any, where: str, kb: KnowledgeBase | None = None) -> Portfolio:
    """Validate a portfolio; errors name the workstream, the field and what was expected."""
    kb = kb or load_knowledge()
    check_data(data, where)
    if not isinstance(data, Mapping):
        raise InputFileError(f"{where}: expected a mapping with the fields {', '.join(PORTFOLIO_KEYS)}")
    problems = _unknown(data, PORTFOLIO_KEYS, "", "portfolio")
    if data.get("name") is not None and not isinstance(data["name"], str):
        problems.append(Problem("name", f"got {brief(data['name'])}; expected the portfolio's name as text"))
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        problems.append(Problem("defaults", "expected a mapping of work, team, preferences, weights, costs"))
        defaults = {}
    problems += _unknown(defaults, DEFAULT_KEYS, "defaults.", "defaults")
    streams = data.get("workstreams")
    if not isinstance(streams, list) or not streams:
        problems.append(
            Problem("workstreams", "expected a non-empty list of workstreams (name, work, team, preferences)")
        )
        streams = []
    if problems:
        raise InputFileError(f"{where}: invalid portfolio", problems)
    seen: dict[str, int] = {}
    for i, ws in enumerate(streams):
        at = f"workstreams[{i}]"
        if not isinstance(ws, Mapping):
            problems.append(Problem(at, "expected a mapping with name, work, team and preferences"))
            continue
        problems += _unknown(ws, WORKSTREAM_KEYS, f"{at}.", "workstream")
        name = ws.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(f"{at}.name", "required: a non-empty name"))
        elif name in seen:
            problems.append(
                Problem(
                    f"{at}.name", f"duplicate workstream name {brief(name)} (also workstreams[{seen[name]}])"
                )
            )
        else:
            seen[name] = i
        model = ws.get("model")
        if model is not None and model not in MODEL_IDS:
            problems.append(
                Problem(f"{at}.model", f"got {brief(model)}; expected one of: {', '.join(MODEL_IDS)}")
            )
        vendor = ws.get("vendor")
        if vendor is not None and not isinstance(vendor, str):
            problems.append(
                Problem(f"{at}.vendor", f"got {brief(vendor)}; expected the vendor's name as text")
            )
    if problems:
        raise InputFileError(f"{where}: invalid portfolio", problems)
    workstreams = []
    for i, ws in enumerate(streams):
        raw = _merge(defaults, {k: v for k, v in ws.items() if k in DEFAULT_KEYS})
        raw |= {"name": ws["name"], "stage": data.get("stage")}
        situation = parse_situation(
            raw, f"{where}: workstreams[{i}] ({brief_key(ws['name'])})", kb.criterion_ids
        )
        vendor = ws.get("vendor")
        workstreams.append(
            Workstream(
                name=ws["name"],
                vendor=vendor,
                planned_model=ws.get("model"),
                situation=situation,
            )
        )
    name = data.get("name") or Path(where).stem
    return Portfolio(name=str(name), stage=workstreams[0].situation.stage, workstreams=tuple(workstreams))


def load_portfolio(path: str | Path, kb: KnowledgeBase | None = None) -> Portfolio:
    return parse_portfolio(read_data_file(path), str(path), kb)


# ------------------------------------------------------------------------------------ plan
class Cost(_Frozen):
    mean: float
    p10: float
    p50: float
    p90: float
    horizon_months: int


class PortfolioWarning(_Frozen):
    id: str
    title: str
    text: str
    source: str
    workstreams: tuple[str, ...] = ()


class WorkstreamPlan(_Frozen):
    name: str
    vendor: str | None
    work_type: str
    core: bool
    engineers: int
    duration_months: int
    recommended: str | None
    planned: str | None
    model: str | None
    cost: Cost | None
    seams: tuple[str, ...]
    warnings: tuple[PortfolioWarning, ...]


class ModelTotal(_Frozen):
    model: str
    workstreams: tuple[str, ...]
    engineers: int
    cost_mean: float | None


class PortfolioPlan(_Frozen):
    name: str
    stage: str
    knowledge_version: str
    workstreams: tuple[WorkstreamPlan, ...]
    by_model: tuple[ModelTotal, ...]
    vendor_share: dict[str, float]
    share_basis: str
    warnings: tuple[PortfolioWarning, ...]

    @property
    def total_engineers(self) -> int:
        return sum(w.engineers for w in self.workstreams)

    @property
    def total_cost(self) -> float | None:
        costs = [w.cost.mean for w in self.workstreams if w.cost is not None]
        return sum(costs) if costs else None

    def to_json(self) -> dict[str, Any]:
        return {
            "portfolio": self.name,
            "stage": self.stage,
            "knowledge_version": self.knowledge_version,
            "workstreams": [
                w.model_dump(exclude={"warnings", "seams"})
                | {
                    "seams": list(w.seams),
                    "seam_count": len(w.seams),
                    "warnings": [x.model_dump(exclude={"workstreams"}) for x in w.warnings],
                }
                for w in self.workstreams
            ],
            "by_model": {
                m.model: m.model_dump(exclude={"model"}) | {"workstreams": list(m.workstreams)}
                for m in self.by_model
            },
            "totals": {"engineers": self.total_engineers, "cost_mean": self.total_cost},
            "vendor_share": self.vendor_share,
            "share_basis": self.share_basis,
            "warnings": [w.model_dump() | {"workstreams": list(w.workstreams)} for w in self.warnings],
        }


CostFn = Callable[[Situation, str, int, int], Cost | None]


def simulate_cost(situation: Situation, model: str, trials: int, seed: int) -> Cost | None:
    """Adapter to the cost model (issue 3): expected cost of ``model`` for one workstream's situation."""
    try:
        from seamline.cost import build_plan, compare_costs
    except ImportError:  # pragma: no cover - the cost model is optional for a portfolio
        return None
    comparison = compare_costs(
        build_plan(situation, where=situation.name), trials=trials, seed=seed, sensitivity=False
    )
    mc = comparison.models.get(model)
    if mc is None:
        return None
    return Cost(mean=mc.mean, p10=mc.p10, p50=mc.p50, p90=mc.p90, horizon_months=comparison.horizon_months)


def _seams(situation: Situation, model: str, kb: KnowledgeBase) -> tuple[str, ...]:
    from seamline.seams import load_seams, model_seams

    found = model_seams(kb, load_seams(kb.root), situation.costs, situation.name, situation=situation)[
        model
    ].seams
    return tuple(f"{s.in_house_role} <-> {s.vendor_role}: {s.crosses}" for s in found)


def _workstream_warnings(ws: Workstream, model: str | None, pk: PortfolioKnowledge) -> list[PortfolioWarning]:
    answers = ws.situation.flat()
    out = []
    for rule in pk.workstream_warnings:
        if any(
            conditions.holds(c.when, answers) and (c.models is None or model in c.models) for c in rule.cases
        ):
            out.append(
                PortfolioWarning(
                    id=rule.id, title=rule.title, text=rule.text, source=rule.source, workstreams=(ws.name,)
                )
            )
    return out


def plan_portfolio(
    portfolio: Portfolio,
    kb: KnowledgeBase | None = None,
    *,
    trials: int | None = None,
    seed: int | None = None,
    cost_fn: CostFn = simulate_cost,
    on_step: Callable[[str], None] | None = None,
) -> PortfolioPlan:
    """Assign, cost and check every workstream; then the portfolio-level warnings."""
    from seamline.advisor import advise

    kb = kb or load_knowledge()
    pk = load_portfolio_knowledge(kb.root)
    trials = int(pk.simulation.trials.value) if trials is None else trials
    seed = int(pk.simulation.seed.value) if seed is None else seed
    plans: list[WorkstreamPlan] = []
    for ws in portfolio.workstreams:
        if on_step:
            on_step(ws.name)
        rec = advise(ws.situation, kb)
        model = ws.planned_model or rec.recommended
        warnings = [
            PortfolioWarning(id=w.id, title=w.title, text=w.text, source=w.source, workstreams=(ws.name,))
            for w in rec.warnings
        ]
        known = {w.id for w in warnings}
        warnings += [w for w in _workstream_warnings(ws, model, pk) if w.id not in known]
        plans.append(
            WorkstreamPlan(
                name=ws.name,
                vendor=ws.vendor,
                work_type=ws.situation.work.type,
                core=ws.situation.work.core,
                engineers=ws.situation.work.engineers,
                duration_months=ws.situation.work.duration_months,
                recommended=rec.recommended,
                planned=ws.planned_model,
                model=model,
                cost=cost_fn(ws.situation, model, trials, seed) if model else None,
                seams=_seams(ws.situation, model, kb) if model else (),
                warnings=tuple(warnings),
            )
        )
    by_model = []
    for mid in dict.fromkeys(p.model for p in plans if p.model):
        members = [p for p in plans if p.model == mid]
        costs = [p.cost.mean for p in members if p.cost is not None]
        by_model.append(
            ModelTotal(
                model=mid,
                workstreams=tuple(p.name for p in members),
                engineers=sum(p.engineers for p in members),
                cost_mean=sum(costs) if len(costs) == len(members) else None,
            )
        )
    share, basis = _vendor_share(plans)
    warnings = _portfolio_warnings(portfolio, plans, share, pk)
    for p in plans:
        for w in p.warnings:
            match = next((x for x in warnings if x.id == w.id), None)
            if match is None:
                warnings.append(w)
            else:
                warnings[warnings.index(match)] = match.model_copy(
                    update={"workstreams": (*match.workstreams, p.name)}
                )
    return PortfolioPlan(
        name=portfolio.name,
        stage=portfolio.stage,
        knowledge_version=kb.version,
        workstreams=tuple(plans),
        by_model=tuple(by_model),
        vendor_share=share,
        share_basis=basis,
        warnings=tuple(warnings),
    )


def _vendor_share(plans: list[WorkstreamPlan]) -> tuple[dict[str, float], str]:
    """Each named vendor's share of the spend (expected cost; engineer-months when any cost is unknown)."""
    use_cost = all(p.cost is not None for p in plans)
    basis = "cost_mean" if use_cost else "engineer_months"

    def amount(p: WorkstreamPlan) -> float:
        return p.cost.mean if use_cost and p.cost is not None else float(p.engineers * p.duration_months)

    total = sum(amount(p) for p in plans)
    share: dict[str, float] = {}
    for p in plans:
        if p.vendor:
            share[p.vendor] = share.get(p.vendor, 0.0) + (amount(p) / total if total else 0.0)
    return {k: round(v, 4) for k, v in share.items()}, basis


def _portfolio_warnings(
    portfolio: Portfolio, plans: list[WorkstreamPlan], share: dict[str, float], pk: PortfolioKnowledge
) -> list[PortfolioWarning]:
    out = []
    rule = pk.uniform_model
    models = {p.model for p in plans}
    if (
        portfolio.stage in rule.stages
        and len(plans) >= rule.min_workstreams.value
        and len(models) == 1
        and None not in models
    ):
        out.append(
            PortfolioWarning(
                id=rule.id,
                title=rule.title,
                text=f"{rule.text} (all: {models.pop()})",
                source=rule.source,
                workstreams=tuple(p.name for p in plans),
            )
        )
    conc = pk.concentration
    for vendor, s in share.items():
        if s > conc.max_share.value:
            out.append(
                PortfolioWarning(
                    id=conc.id,
                    title=conc.title,
                    source=conc.source,
                    text=f"{vendor} holds {s:.0%} of the spend "
                    f"(more than {conc.max_share.value:.0%}). {conc.text}",
                    workstreams=tuple(p.name for p in plans if p.vendor == vendor),
                )
            )
    return out


def portfolio_chart(plan: PortfolioPlan, suffix: str) -> bytes:
    """Headcount by model and expected cost by model, bars split by workstream, as the bytes of an SVG or
    PNG file (by suffix); drawn by :mod:`seamline.charts` like every other chart."""
    from seamline import charts

    return charts.image(charts.build.portfolio(plan), suffix)
