"""The advisor: gates → weights → criteria scores → rule bonuses → ranking → verdicts → explanation.

``advise(situation)`` is a pure function of the situation and the knowledge base. The numbers it uses (the
bonuses, the penalty, the viable share) are knowledge-base parameters in ``rules.yaml``, each cited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from seamline import conditions
from seamline.advisor import gates
from seamline.advisor.derived import holds
from seamline.advisor.result import (
    Contradiction,
    HirePath,
    PathStep,
    Ranked,
    Reason,
    Recommendation,
    Verdict,
    Warning,
    WarningKind,
    WeightUsed,
)
from seamline.advisor.scoring import criteria_score, derive_weights, normalised, profile_for
from seamline.knowledge import KnowledgeBase, Mistake, load_knowledge
from seamline.situation import Situation

SCORE_DIGITS = 4  # presentation precision; ties are decided on the rounded scores
STRENGTHS_SHOWN = 3  # how many criteria are quoted as a model's strengths and weaknesses


def advise(
    situation: Situation, kb: KnowledgeBase | None = None, *, explain_changes: bool = True
) -> Recommendation:
    """Rank every engagement model for ``situation`` and explain the ranking.

    ``explain_changes``: also compute, for each answer, the value that would change the top model
    (``would_change``); off for the inner evaluations that compute it.
    """
    kb = kb or load_knowledge()
    result = _evaluate(situation, kb)
    if explain_changes:
        from seamline.advisor.explain import would_change

        result = result.model_copy(update={"would_change": would_change(situation, kb, result)})
    return result


def _evaluate(situation: Situation, kb: KnowledgeBase) -> Recommendation:
    answers = situation.flat()
    weights = derive_weights(situation, kb, answers)
    outcomes = gates.model_outcomes(kb, answers)
    params = kb.rules.scoring

    scored: list[tuple[str, float, float, str | None, list[Reason]]] = []
    for mid, model in kb.models.items():
        out = outcomes[mid]
        variant, profile = profile_for(model, answers, kb)
        base, contributions = criteria_score(profile, weights, kb)
        bonus = (
            params.fit_bonus.value * len(out.fits)
            + params.five_question_bonus.value * len(out.questions)
            + params.stage_bonus.value * len(out.stages)
            - params.penalty.value * len(out.penalties)
        )
        reasons = _reasons(out, profile, contributions, weights, kb)
        scored.append((mid, round(base + bonus, SCORE_DIGITS), base, variant, reasons))

    gated = {mid for mid, out in outcomes.items() if out.gates}
    advised = [s for s in scored if s[0] not in gated]
    top_score = max((s[1] for s in advised), default=0.0)
    floor = params.viable_min_share.value * top_score
    order = list(kb.models)

    ranking: list[Ranked] = []
    for mid, score, base, variant, reasons in scored:
        verdict: Verdict = "viable"
        if mid in gated:
            verdict = "not_advised"
        elif top_score > 0 and score < floor:
            verdict = "not_advised"
            share = params.viable_min_share
            reasons = [
                Reason(
                    text=f"Scores {score:.2f}, below {share.value:.0%} of the best model's {top_score:.2f}.",
                    rule="scoring.viable_min_share",
                    source=share.source,
                    effect="gate",
                ),
                *reasons,
            ]
        ranking.append(
            Ranked(
                model=mid,
                name=kb.models[mid].name,
                score=score,
                verdict=verdict,
                criteria_score=round(base, SCORE_DIGITS),
                pricing_variant=variant,
                reasons=tuple(reasons),
            )
        )
    ranking.sort(key=lambda r: (r.verdict == "not_advised", -r.score, order.index(r.model)))

    contradictions = [
        Contradiction(id=c.id, text=c.text, source=c.source) for c in gates.contradictions(kb, answers)
    ]
    leaders = [r for r in ranking if r.verdict != "not_advised" and r.score == ranking[0].score]
    undetermined = not leaders or bool(contradictions)
    recommended = None if undetermined else leaders[0].model
    if recommended is not None:
        ranking[0] = ranking[0].model_copy(update={"verdict": "recommended"})

    advised_scores = sorted((r.score for r in ranking if r.verdict != "not_advised"), reverse=True)
    margin = (
        round(advised_scores[0] - advised_scores[1], SCORE_DIGITS)
        if recommended is not None and len(advised_scores) > 1
        else None
    )
    warnings = _warnings(situation, kb, answers, recommended)
    return Recommendation(
        situation_name=situation.name,
        knowledge_version=kb.version,
        status="undetermined" if undetermined else "recommended",
        recommended=recommended,
        ranking=tuple(ranking),
        ties=tuple(r.model for r in leaders) if len(leaders) > 1 else (),
        warnings=tuple(warnings),
        contradictions=tuple(contradictions),
        weights=weights,
        margin=margin,
        hire_path=_hire_path(situation, kb, answers, recommended),
    )


def _warnings(
    situation: Situation, kb: KnowledgeBase, answers: Mapping[str, Any], recommended: str | None
) -> list[Warning]:
    """The mistakes that hold, each saying whether the answers walk into it or the recommended model carries
    it; plus the leadership-hours check for augmentation."""
    fired = list(gates.mistakes(kb, answers))
    out = [_warning(m, m.text, m.source, conditions.fields(m.when), kb, answers, recommended) for m in fired]
    hours = kb.rules.leadership_hours
    lead = _leadership_shortfall(situation, kb, recommended)
    if hours is not None and lead is not None and all(m.id != hours.mistake for m in fired):
        rule = next(m for m in kb.rules.mistakes if m.id == hours.mistake)
        read = ("team.lead_hours_per_week", "team.technical_leadership", "work.engineers")
        out.append(_warning(rule, lead, hours.source, read, kb, answers, recommended))
    return out


def _warning(
    mistake: Mistake,
    text: str,
    source: str,
    fields: Iterable[str],
    kb: KnowledgeBase,
    answers: Mapping[str, Any],
    recommended: str | None,
) -> Warning:
    """The warning for ``mistake``: a risk of the recommended model when that model carries it, else about
    the answers (``fields``) that walk into it."""
    models = mistake.models
    if recommended is not None and recommended in models:
        kind: WarningKind = "model_risk"
        name = kb.models[recommended].name
        comment = f"The recommended model, {name}, carries this risk: plan the protections against it."
    else:
        kind = "preference"
        asked = [f for f in dict.fromkeys(fields) if f in kb.questions]
        stated = [f for f in asked if f.startswith(("preferences.", "work.needed"))] or asked
        labels = "; ".join(f"{kb.questions[f].label} {_answer(kb, f, answers.get(f))}" for f in stated)
        comment = (
            f"Your answers ({labels}) walk into this mistake"
            if labels
            else "Your answers walk into this mistake"
        )
        if recommended is not None:
            comment += f"; the recommended model, {kb.models[recommended].name}, does not carry it as such."
        else:
            comment += "."
    return Warning(
        id=mistake.id,
        title=mistake.title,
        text=text,
        source=source,
        kind=kind,
        models=tuple(models),
        comment=comment,
    )


def _answer(kb: KnowledgeBase, field: str, value: Any) -> str:
    for option in kb.questions[field].options:
        if option.value == value:
            return f"\u2192 {option.label}"
    return f"\u2192 {value}"


def _leadership_shortfall(situation: Situation, kb: KnowledgeBase, recommended: str | None) -> str | None:
    """A warning text when augmentation is wanted or advised and the lead's hours cannot cover it."""
    hours = kb.rules.leadership_hours
    if hours is None:
        return None
    wants = situation.preferences.involvement == "daily_direction" or recommended == "staff_augmentation"
    if not wants:
        return None
    n = situation.work.engineers
    low, high = n * hours.per_engineer_low, n * hours.per_engineer_high
    need = f"{n} augmented engineer{'s' if n != 1 else ''} take {low:g}-{high:g} hours a week of direction"
    given = situation.team.lead_hours_per_week
    leadership = situation.team.technical_leadership
    if given is not None:
        if given >= low:
            return None
        return f"{need}; your lead has {given} hours a week for it. {hours.text}"
    if leadership == "strong":
        return None
    return (
        f"{need}, and your technical leadership is {leadership}: check that someone really has those hours "
        f"(give team.lead_hours_per_week to check it). {hours.text}"
    )


def _hire_path(
    situation: Situation, kb: KnowledgeBase, answers: Mapping[str, Any], recommended: str | None
) -> HirePath | None:
    """Augmentation now and permanent hires as soon as they can start, dated from the cost parameters."""
    rule = kb.rules.hire_to_replace
    if rule is None or recommended != "staff_augmentation" or not holds(kb, rule.when, answers):
        return None
    from seamline.cost.plan import build_plan

    plan = build_plan(situation, knowledge=kb.root)  # the cited defaults with the user's overrides applied

    def likely(pid: str) -> tuple[float, str]:
        value = plan.input(pid)
        return value.likely, "user" if value.override else value.source

    onboard, onboard_src = likely("outstaffing_onboarding_weeks")
    hire_days, hire_src = likely("hiring_lead_days")
    ramp, ramp_src = likely("ramp_up_weeks")
    hire_weeks = round(hire_days / 7, 1)
    ends = round(hire_weeks + ramp, 1)
    steps = (
        PathStep(
            week=0,
            text="Sign the augmentation contract and open the permanent roles the same week.",
            source=rule.source,
        ),
        PathStep(
            week=onboard,
            text=f"Augmented engineers productive after about {onboard:g} weeks of onboarding.",
            source=onboard_src,
        ),
        PathStep(
            week=hire_weeks,
            text=f"Permanent engineers start after about {hire_days:g} days of hiring; "
            "an augmented engineer who fits can be offered a role.",
            source=hire_src,
        ),
        PathStep(
            week=ends,
            text=f"The hires are at full speed after about {ramp:g} weeks of overlap; augmentation ends.",
            source=ramp_src,
        ),
    )
    return HirePath(
        now="staff_augmentation",
        then="in_house",
        text=rule.text,
        source=rule.source,
        steps=steps,
        augmentation_ends_week=ends,
    )


def _reasons(
    out: gates.ModelOutcome,
    profile: Mapping[str, Any],
    contributions: Mapping[str, float],
    weights: tuple[WeightUsed, ...],
    kb: KnowledgeBase,
) -> list[Reason]:
    reasons = [Reason(text=r.text, rule=r.id, source=r.source, effect="gate") for r in out.gates]
    reasons += [Reason(text=r.text, rule=r.id, source=r.source, effect="for") for r in out.fits]
    reasons += [Reason(text=r.text, rule=r.id, source=r.source, effect="against") for r in out.penalties]
    reasons += [
        Reason(
            text=f"{q.question} {'Yes' if q.yes else 'No'}: {q.text}",
            rule=q.id,
            source=q.source,
            effect="for",
        )
        for q in out.questions
    ]
    reasons += [Reason(text=row.text, rule=row.id, source=row.source, effect="for") for row in out.stages]

    weight_of = {w.criterion: w.weight for w in weights}
    # Strengths: the criteria that add most to the score; weaknesses: weighted criteria where the model
    # sits in the worse half of the scale, the heaviest first.
    norm = {c: normalised(profile[c].value, kb.criteria[c].objective) for c in contributions}
    by_gain = sorted((c for c in contributions if contributions[c] > 0), key=lambda c: (-contributions[c], c))
    loss = {c: weight_of[c] * (1 - norm[c]) for c in contributions if weight_of[c] > 0 and norm[c] < 0.5}
    by_loss = sorted(loss, key=lambda c: (-loss[c], c))
    reasons += [_criterion_reason(c, profile, weight_of, kb, "for") for c in by_gain[:STRENGTHS_SHOWN]]
    reasons += [_criterion_reason(c, profile, weight_of, kb, "against") for c in by_loss[:STRENGTHS_SHOWN]]
    return reasons


def _criterion_reason(
    cid: str,
    profile: Mapping[str, Any],
    weight_of: Mapping[str, float],
    kb: KnowledgeBase,
    effect: Literal["for", "against"],
) -> Reason:
    crit = kb.criteria[cid]
    value = profile[cid]
    direction = "lower is better" if crit.objective == "min" else "higher is better"
    note = f" ({value.note})" if value.note else ""
    text = f"{crit.name}: {value.value:g}/5{note}; {direction}; weight {weight_of[cid]:g} in this situation."
    return Reason(text=text, rule=f"profile.{cid}", source=value.source, effect=effect)
