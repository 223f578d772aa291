"""The decision document: one frozen value built from advise + cost + seams + checklist (+ a contract check).

Every renderer (Markdown, HTML, DOCX, PDF) reads only this value, so the four formats say the same thing.
The Monte Carlo is seeded (default seed in ``knowledge/brief.yaml``), so the same situation and knowledge
base always give the same document, charts included.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, field_serializer

from seamline.knowledge import KnowledgeBase, load_knowledge
from seamline.report.brief import VendorBrief, build_brief, load_brief_knowledge

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seamline.advisor import Recommendation
    from seamline.contracts.check import ContractReport
    from seamline.cost.seam_map import SeamMap
    from seamline.cost.simulate import CostComparison
    from seamline.situation import Situation
    from seamline.vendors import VendorProfile

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Chart(_Frozen):
    id: str
    title: str
    caption: str
    png: bytes

    @field_serializer("png")
    def _b64(self, value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


class Cited(_Frozen):
    text: str
    source: str


class SituationRow(_Frozen):
    field: str
    label: str
    value: str


class ReasonRow(_Frozen):
    text: str
    effect: str
    source: str


class RankRow(_Frozen):
    rank: int
    model: str
    name: str
    score: float
    verdict: str
    pricing_variant: str | None
    pricing_name: str | None
    reasons: tuple[ReasonRow, ...]


class Cell(_Frozen):
    value: float
    source: str
    note: str | None = None


class CriterionRow(_Frozen):
    criterion: str
    name: str
    objective: Literal["max", "min"]
    cells: tuple[Cell, ...]  # in the order of DecisionDocument.models


class CostRow(_Frozen):
    model: str
    name: str
    pricing: str
    verdict: str | None = None  # the advice verdict, shown next to the cost
    mean: float
    p10: float
    p50: float
    p90: float
    cash_mean: float = 0.0
    cash_p50: float = 0.0
    cash_p90: float = 0.0
    opportunity_mean: float = 0.0
    p_cheapest: float
    weeks_to_capacity: float
    cost_per_productive_engineer_month: float | None


class SensitivityRow(_Frozen):
    name: str
    model: str
    model_name: str
    low_total: float
    high_total: float
    swing: float
    source: str


class CostSection(_Frozen):
    horizon_months: int
    trials: int
    seed: int
    engineers: int
    cheapest: str
    cheapest_advised: str | None = None  # the cheapest model not marked not advised
    markets: str = ""  # which markets priced each side, in words
    rows: tuple[CostRow, ...]
    sensitivity: tuple[SensitivityRow, ...]


class SeamRow(_Frozen):
    model: str
    name: str
    seams: int
    roles_in_house: tuple[str, ...]
    roles_vendor: tuple[str, ...]
    hours_per_week: float
    crossings: tuple[str, ...]
    source: str


class ChecklistRow(_Frozen):
    id: str
    name: str
    area: str
    severity: str
    why: str
    source: str


class FindingRow(_Frozen):
    name: str
    status: str
    severity: str
    required: bool
    quotes: tuple[str, ...]
    note: str | None
    source: str


class RankedModel(_Frozen):
    name: str
    score: float


class Clue(_Frozen):
    """A decisive clause of the contract check, with the dimension of the core question it speaks to."""

    dimension: str
    dimension_name: str
    quote: str


class ContractSection(_Frozen):
    title: str
    claimed: str | None
    detected: str | None
    claimed_name: str | None
    detected_name: str | None
    confidence: float
    reason: str
    mislabel: Cited | None
    findings: tuple[FindingRow, ...]
    missing: tuple[str, ...]
    document_type: str = "engagement"
    document_type_name: str = "Engagement of services"
    ranked: tuple[RankedModel, ...] = ()
    margin: float | None = None
    clues: tuple[Clue, ...] = ()


class VendorRowDoc(_Frozen):
    """A vendor kept with the decision, scored for the recommended model."""

    vendor: str
    score: float
    offers_model: bool | None
    models_offered: tuple[str, ...]
    red_flags: tuple[Cited, ...]


class VendorQuestionRow(_Frozen):
    question: str
    grades: tuple[str, ...]  # in the order of VendorSection.vendors
    source: str


class VendorSection(_Frozen):
    """The vendors kept with the decision: scores, red flags and the grades side by side."""

    model: str | None
    model_name: str | None
    best: str | None
    vendors: tuple[VendorRowDoc, ...]
    questions: tuple[VendorQuestionRow, ...]


class SourceRow(_Frozen):
    id: str
    publisher: str
    title: str
    date: str | None


class AssumptionRow(_Frozen):
    """A figure the user set for this decision: theirs next to the cited default (seamline.assumptions)."""

    group: str
    name: str
    yours: str
    default: str
    source: str


class DecisionDocument(_Frozen):
    title: str
    situation_name: str
    knowledge_version: str
    status: str
    recommended: str | None
    recommended_name: str | None
    summary: str
    situation: tuple[SituationRow, ...]
    models: tuple[tuple[str, str], ...]  # (id, name) in the knowledge base's order
    ranking: tuple[RankRow, ...]
    comparison: tuple[CriterionRow, ...]
    cost: CostSection
    seams: tuple[SeamRow, ...]
    warnings: tuple[Cited, ...]
    contradictions: tuple[Cited, ...]
    would_change: tuple[str, ...]
    checklist_model: str | None
    checklist: tuple[ChecklistRow, ...]
    contract: ContractSection | None
    brief: VendorBrief | None
    sources: tuple[SourceRow, ...]
    charts: tuple[Chart, ...]
    assumptions: tuple[AssumptionRow, ...] = ()  # your figures vs the cited defaults, when any
    vendors: VendorSection | None = None  # the vendors kept with the decision, when any

    def chart(self, chart_id: str) -> Chart | None:
        return next((c for c in self.charts if c.id == chart_id), None)

    def to_json(self) -> dict[str, Any]:
        """The document as JSON (charts as base64 PNG)."""
        return self.model_dump(mode="json")


# ------------------------------------------------------------------------------------------ build
def build_document(
    situation: Situation,
    kb: KnowledgeBase | None = None,
    *,
    horizon_months: int | None = None,
    trials: int | None = None,
    seed: int | None = None,
    contract_report: ContractReport | None = None,
    progress: Progress | None = None,
    vendors: Sequence[VendorProfile] = (),
) -> DecisionDocument:
    """Advise, cost and map the seams of ``situation``, and gather everything a reader needs to decide.

    ``trials`` and ``seed`` default to ``knowledge/brief.yaml``'s ``document`` values.
    """
    from seamline.advisor import advise
    from seamline.cost import build_plan, compare_costs
    from seamline.cost.seam_map import SeamMap
    from seamline.situation import FIELDS

    kb = kb or load_knowledge()
    bk = load_brief_knowledge(kb.root)
    defaults = bk.document
    trials = defaults.trials.value if trials is None else trials
    seed = defaults.seed.value if seed is None else seed

    def step(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    step("advise", 0, 1)
    rec = advise(situation, kb)
    plan = build_plan(situation, horizon_months=horizon_months, knowledge=kb.root)
    cost = compare_costs(plan, trials=trials, seed=seed, progress=lambda d, t: step("cost", d, t))
    seam_map = SeamMap.from_plan(plan)
    top = rec.recommended
    focus = top  # the model the checklist and the brief are about; none when undetermined
    from seamline.cost.parameters import load_cost_knowledge

    ck = load_cost_knowledge(kb.root)
    role = ck.roles.get(plan.developer_role)
    brief = build_brief(situation, focus, kb, seniority=role.name if role else None) if focus else None
    step("charts", 0, 3)
    charts = _charts(rec, cost, seam_map, kb, step)
    names = {m.id: m.name for m in kb.models.values()}
    cited = _cited(rec, kb, cost, brief, contract_report, focus)
    assumption_rows = _assumption_rows(situation, kb)
    cited |= {r.source for r in assumption_rows}
    vendor_section, vendor_charts = _vendors(vendors, focus, kb) if vendors else (None, ())
    if vendor_section is not None:
        cited |= {q.source for q in vendor_section.questions}
        cited |= {f.source for v in vendor_section.vendors for f in v.red_flags}
    situation_rows = tuple(
        SituationRow(field=f, label=kb.questions[f].label if f in kb.questions else f, value=_value(kb, f, v))
        for f, v in [("name", situation.name), *situation.flat().items()]
        if f in FIELDS
    )
    doc = DecisionDocument(
        title=f"Engagement decision: {situation.name}",
        situation_name=situation.name,
        knowledge_version=kb.version,
        status=rec.status,
        recommended=top,
        recommended_name=names.get(top) if top else None,
        summary=_summary(rec, cost, kb, situation.name),
        situation=situation_rows,
        models=tuple(names.items()),
        ranking=_ranking(rec, kb, defaults.reasons_per_model.value),
        comparison=_comparison(kb),
        cost=_cost_section(cost, defaults.sensitivity_rows.value, rec),
        seams=_seam_rows(seam_map, kb, names),
        warnings=tuple(
            Cited(text=f"{w.title}: {w.text} {w.comment}".strip(), source=w.source) for w in rec.warnings
        ),
        contradictions=tuple(Cited(text=c.text, source=c.source) for c in rec.contradictions),
        would_change=tuple(c.text + (f" Remedy: {c.remedy}" if c.remedy else "") for c in rec.would_change),
        checklist_model=focus,
        checklist=_checklist(kb, focus),
        contract=(
            _contract(contract_report, kb, defaults.evidence_quotes.value, defaults.quote_chars.value)
            if contract_report is not None
            else None
        ),
        brief=brief,
        assumptions=assumption_rows,
        sources=tuple(
            SourceRow(id=s.id, publisher=s.publisher, title=s.title, date=s.date)
            for s in kb.sources.values()
            if s.id in cited
        ),
        charts=charts + vendor_charts,
        vendors=vendor_section,
    )
    step("done", 1, 1)
    return doc


def _value(kb: KnowledgeBase, field: str, value: Any) -> str:
    q = kb.questions.get(field)
    if q is not None:
        for opt in q.options:
            if opt.value == value:
                return opt.label
    return str(value)


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _summary(rec: Recommendation, cost: CostComparison, kb: KnowledgeBase, name: str) -> str:
    if rec.recommended is None:
        why = "; ".join(c.text for c in rec.contradictions) or "every engagement model is ruled out"
        return (
            f"No engagement model can be recommended for {name} as answered: {why}. "
            "Resolve the contradiction (see What would change the answer) and render the document again."
        )
    model = kb.models[rec.recommended]
    top = rec.ranked(rec.recommended)
    viable = sum(1 for r in rec.ranking if r.verdict != "not_advised")
    reasons = [r.text.rstrip(".") for r in top.reasons if r.effect == "for"][:2]
    c = cost.models[rec.recommended]
    cheapest = cost.models[cost.cheapest()]
    verdicts = {r.model: r.verdict for r in rec.ranking}
    advised = {mid for mid, v in verdicts.items() if v != "not_advised"}
    text = (
        f"For {name}, seamline recommends {model.name.lower()} (score {top.score:.2f}"
        + (f", {rec.margin:.2f} ahead of the runner-up" if rec.margin is not None else "")
        + f"; {viable} of {len(rec.ranking)} models are viable). {model.summary}"
    )
    if rec.hire_path is not None:
        end = rec.hire_path.augmentation_ends_week
        text += (
            " It is a bridge: permanent hires start while augmentation runs, and augmentation ends "
            f"around week {end:g}, when the hires are at full speed."
        )
    if reasons:
        text += f" Main reasons: {'; '.join(reasons)}."
    text += (
        f" Over {cost.horizon_months} months its expected cost is {_money(c.mean)} "
        f"(P10 {_money(c.p10)}, P90 {_money(c.p90)}; {_money(c.cash.mean)} of it paid in cash)"
    )
    if cheapest.model_id == rec.recommended:
        text += ", the lowest of all models."
    elif verdicts.get(cheapest.model_id) == "not_advised":
        best = cost.models[cost.cheapest(advised)] if advised else c
        text += (
            f"; {cheapest.name.lower()} costs less on average ({_money(cheapest.mean)}) but is not advised "
            "for this situation"
        )
        text += (
            ", and it is the cheapest of the models that are."
            if best.model_id == rec.recommended
            else f"; the cheapest advised model is {best.name.lower()} at {_money(best.mean)}."
        )
    else:
        text += f"; the cheapest model on average is {cheapest.name.lower()} at {_money(cheapest.mean)}."
    if rec.warnings:
        text += f" {len(rec.warnings)} warning(s) below deserve attention before signing."
    return text


def _ranking(rec: Recommendation, kb: KnowledgeBase, per_model: int) -> tuple[RankRow, ...]:
    rows = []
    for i, r in enumerate(rec.ranking, 1):
        reasons = r.reasons if r.model == rec.recommended else r.reasons[:per_model]
        rows.append(
            RankRow(
                rank=i,
                model=r.model,
                name=r.name,
                score=r.score,
                verdict=r.verdict,
                pricing_variant=r.pricing_variant,
                pricing_name=next(
                    (v.name for v in kb.models[r.model].pricing_variants if v.id == r.pricing_variant),
                    r.pricing_variant,
                ),
                reasons=tuple(ReasonRow(text=x.text, effect=x.effect, source=x.source) for x in reasons),
            )
        )
    return tuple(rows)


def _comparison(kb: KnowledgeBase) -> tuple[CriterionRow, ...]:
    return tuple(
        CriterionRow(
            criterion=c.id,
            name=c.name,
            objective=c.objective,
            cells=tuple(
                Cell(value=m.profile[c.id].value, source=m.profile[c.id].source, note=m.profile[c.id].note)
                for m in kb.models.values()
            ),
        )
        for c in kb.criteria.values()
    )


def _cost_section(cost: CostComparison, n_sensitivity: int, rec: Recommendation) -> CostSection:
    verdicts = {r.model: r.verdict for r in rec.ranking}
    advised = {mid for mid, v in verdicts.items() if v != "not_advised"}
    mk = cost.markets
    markets = f"In-house staff priced in {mk.in_house_name}, the vendor's engineers in {mk.vendor_name} " + (
        "(your answer)."
        if mk.given
        else f"(the defaults, {mk.source}; answer the market question to change)."
    )
    if cost.service_units:
        units = cost.service_units
        markets += f" Managed services priced per unit: {units['count']:,} {units['kind']}."
    rows = tuple(
        CostRow(
            model=m.model_id,
            name=m.name,
            pricing=m.variant_name,
            verdict=verdicts.get(m.model_id),
            mean=m.mean,
            p10=m.p10,
            p50=m.p50,
            p90=m.p90,
            cash_mean=m.cash.mean,
            cash_p50=m.cash.p50,
            cash_p90=m.cash.p90,
            opportunity_mean=m.opportunity_mean,
            p_cheapest=m.p_cheapest,
            weeks_to_capacity=m.weeks_to_capacity,
            cost_per_productive_engineer_month=m.cost_per_productive_engineer_month,
        )
        for m in sorted(cost.models.values(), key=lambda m: m.mean)
    )
    sens = tuple(
        SensitivityRow(
            name=s.name,
            model=s.model,
            model_name=cost.models[s.model].name if s.model in cost.models else s.model,
            low_total=s.low_total,
            high_total=s.high_total,
            swing=s.swing,
            source=s.source,
        )
        for s in cost.sensitivity[:n_sensitivity]
    )
    return CostSection(
        horizon_months=cost.horizon_months,
        trials=cost.trials,
        seed=cost.seed,
        engineers=cost.engineers,
        cheapest=cost.cheapest(),
        cheapest_advised=cost.cheapest(advised) if advised else None,
        markets=markets,
        rows=rows,
        sensitivity=sens,
    )


def _seam_rows(seam_map: SeamMap, kb: KnowledgeBase, names: dict[str, str]) -> tuple[SeamRow, ...]:
    from seamline.seams import load_seams

    sk = load_seams(kb.root).template(seam_map.template)
    role_names = {r.id: r.name for r in sk.roles}
    rows = []
    for mid, m in seam_map.models.items():
        rows.append(
            SeamRow(
                model=mid,
                name=names.get(mid, mid),
                seams=len(m.seams),
                roles_in_house=tuple(role_names.get(r, r) for r in m.roles_in_house),
                roles_vendor=tuple(role_names.get(r, r) for r in m.roles_vendor),
                hours_per_week=seam_map.hours[mid].total.likely,
                crossings=tuple(
                    f"{role_names.get(s.from_role, s.from_role)} → {role_names.get(s.to_role, s.to_role)}"
                    for s in m.seams
                ),
                source=m.placement_source,
            )
        )
    return tuple(rows)


def _checklist(kb: KnowledgeBase, model_id: str | None) -> tuple[ChecklistRow, ...]:
    if model_id is None:
        return ()
    from seamline.contracts.catalogue import load_checklist

    order = {"high": 0, "medium": 1, "low": 2}
    items = [i for i in load_checklist(kb.root).items if model_id in i.required_for]
    items.sort(key=lambda i: order.get(i.severity, 3))
    return tuple(
        ChecklistRow(id=i.id, name=i.name, area=i.area, severity=i.severity, why=i.why, source=i.source)
        for i in items
    )


def _quote(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _contract(report: ContractReport, kb: KnowledgeBase, n_quotes: int, limit: int) -> ContractSection:
    from seamline.contracts.catalogue import DIMENSION_NAMES, load_checklist, load_document_types

    mislabel = report.mislabel
    names = {m.id: m.name for m in kb.models.values()}
    items = {i.id: i.name for i in load_checklist(kb.root).items}
    det = report.detected
    scores = [a.score for a in det.alternatives]
    order = list(DIMENSION_NAMES)
    clues = sorted(
        det.evidence, key=lambda e: (order.index(e.dimension) if e.dimension in order else 9, e.start)
    )
    return ContractSection(
        document_type=det.document_type,
        document_type_name=load_document_types(kb.root).name(det.document_type),
        ranked=tuple(RankedModel(name=names.get(a.model, a.model), score=a.score) for a in det.alternatives),
        margin=round(scores[0] - scores[1], 3) if len(scores) > 1 else None,
        clues=tuple(
            Clue(
                dimension=e.dimension,
                dimension_name=DIMENSION_NAMES.get(e.dimension, e.dimension),
                quote=_quote(e.text, limit),
            )
            for e in clues
        ),
        title=report.title or (report.path or "contract"),
        claimed=report.claimed,
        detected=report.detected.model,
        claimed_name=names.get(report.claimed or ""),
        detected_name=names.get(report.detected.model or ""),
        confidence=report.detected.confidence,
        reason=report.detected.reason,
        mislabel=Cited(text=mislabel.text, source=mislabel.source) if mislabel else None,
        findings=tuple(
            FindingRow(
                name=f.name,
                status=f.status,
                severity=f.severity,
                required=f.required_for_detected_model,
                quotes=tuple(_quote(e.text, limit) for e in f.evidence[:n_quotes]),
                note=f.note,
                source=f.source,
            )
            for f in report.findings
            if f.required_for_detected_model or f.status != "missing"
        ),
        missing=tuple(items.get(i, i) for i in report.missing_for_detected_model),
    )


def _vendors(
    profiles: Sequence[VendorProfile], model: str | None, kb: KnowledgeBase
) -> tuple[VendorSection, tuple[Chart, ...]]:
    """The vendors kept with the decision, scored for ``model`` (the recommended one; equal weights when
    none is), with the comparison chart."""
    from seamline.vendors import compare_vendors, comparison_chart, load_vendor_knowledge

    vk = load_vendor_knowledge(kb.root)
    comparison = compare_vendors(list(profiles), model, vk)
    cards = comparison.cards
    names = {m.id: m.name for m in kb.models.values()}
    ranking = comparison.ranking
    section = VendorSection(
        model=model,
        model_name=names.get(model) if model else None,
        best=ranking[0].vendor if ranking else None,
        vendors=tuple(
            VendorRowDoc(
                vendor=c.vendor,
                score=c.score,
                offers_model=c.offers_model,
                models_offered=tuple(names.get(m, m) for m in c.models_offered),
                red_flags=tuple(Cited(text=f.text, source=f.source) for f in c.red_flags),
            )
            for c in ranking
        ),
        questions=tuple(
            VendorQuestionRow(
                question=q.question,
                grades=tuple(next(x for x in c.questions if x.id == q.id).grade for c in ranking),
                source=q.source,
            )
            for q in cards[0].questions
        )
        if cards
        else (),
    )
    chart = Chart(
        id="vendors",
        title="Vendor due diligence",
        caption=(
            "Grade points per question for each vendor kept with the decision (1: a figure and a process, "
            "0: no answer); the legend gives each weighted score and its red flags."
        ),
        png=comparison_chart(comparison, ".png"),
    )
    return section, (chart,)


def _cited(
    rec: Recommendation,
    kb: KnowledgeBase,
    cost: CostComparison,
    brief: VendorBrief | None,
    contract: ContractReport | None,
    focus: str | None,
) -> set[str]:
    cited = {x.source for r in rec.ranking for x in r.reasons}
    cited |= {w.source for w in rec.warnings} | {c.source for c in rec.contradictions}
    cited |= {m.profile[c].source for m in kb.models.values() for c in kb.criteria}
    cited |= {i.source for i in cost.inputs}
    if brief is not None:
        cited |= set(brief.sources)
    cited |= {r.source for r in _checklist(kb, focus)}
    if contract is not None:
        cited |= {f.source for f in contract.findings}
        if contract.mislabel:
            cited.add(contract.mislabel.source)
    return cited


def _charts(
    rec: Recommendation,
    cost: CostComparison,
    seam_map: SeamMap,
    kb: KnowledgeBase,
    step: Callable[[str, int, int], None],
) -> tuple[Chart, ...]:
    from seamline.charts import build
    from seamline.charts.raster import png
    from seamline.seams import load_seams

    names = {m.id: m.name for m in kb.models.values()}
    top = rec.recommended
    data = build.cost_json(cost)
    range_png = png(build.cost_range(data, names, highlight=top))
    step("charts", 1, 3)
    comp_png = png(build.cost_components(data, names, highlight=top))
    step("charts", 2, 3)
    shown = [r.model for r in rec.ranking if r.verdict != "not_advised"][:3]
    if len(shown) < 3:
        shown += [r.model for r in rec.ranking if r.model not in shown][: 3 - len(shown)]
    sk = load_seams(kb.root).template(seam_map.template)
    seam_data = seam_map.to_json()
    role_names = {r.id: r.name for r in sk.roles}
    seams_png = png(build.seams(seam_data, shown, names, role_names))
    step("charts", 3, 3)
    shown_names = ", ".join(names[m] for m in shown)
    return (
        Chart(
            id="cost_range",
            title="Total cost, P10 to P90",
            caption=(
                f"Each bar spans the 10th to 90th percentile of total cost over {cost.horizon_months} months "
                f"({cost.trials:,} Monte Carlo trials, seed {cost.seed}); the tick is the median, the dot "
                "the mean; the recommended model is green."
            ),
            png=range_png,
        ),
        Chart(
            id="cost_components",
            title="Mean cost by component",
            caption=(
                "Where the expected cost of each model comes from (hatched: opportunity cost); the line "
                "under each bar spans P10 to P90, the circle is the median."
            ),
            png=comp_png,
        ),
        Chart(
            id="seams",
            title="Organisational seams",
            caption=(
                f"Roles in-house (left) and at the vendor (right) for {shown_names}; red lines are "
                "coordination links that cross the company boundary."
            ),
            png=seams_png,
        ),
    )


def _assumption_rows(situation: Situation, kb: KnowledgeBase) -> tuple[AssumptionRow, ...]:
    """The figures the situation sets (costs, weights), each with the cited default it replaces."""
    if situation.costs is None and not situation.weights:
        return ()
    from seamline.assumptions import GROUP_TITLES, assumptions

    return tuple(
        AssumptionRow(
            group=GROUP_TITLES[a.group],
            name=a.name,
            yours=a.words(a.value, a.value_range),
            default=a.words(a.default, a.default_range),
            source=a.source,
        )
        for a in assumptions(situation, kb)
        if a.overridden
    )
