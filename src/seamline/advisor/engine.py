"""The advisor: gates → weights → criteria scores → rule bonuses → ranking → verdicts → explanation.

``advise(situation)`` is a pure function of the situation and the knowledge base. The numbers it uses (the
bonuses, the penalty, the viable share) are knowledge-base parameters in ``rules.yaml``, each cited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from seamline.advisor import gates
from seamline.advisor.result import (
    Contradiction,
    Ranked,
    Reason,
    Recommendation,
    Verdict,
    Warning,
    WeightUsed,
)
from seamline.advisor.scoring import criteria_score, derive_weights, normalised, profile_for
from seamline.knowledge import KnowledgeBase, load_knowledge
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

        result = result.model_copy(update={"would_change": would_change(situation, kb, result, _evaluate)})
    return result


def _evaluate(situation: Situation, kb: KnowledgeBase) -> Recommendation:
    answers = situation.flat()
    weights = derive_weights(situation, kb, answers)
    outcomes = gates.model_outcomes(kb, answers)
    params = kb.rules.scoring

    scored: list[tuple[str, float, float, str | None, list[Reason]]] = []
    for mid, model in kb.models.items():
        out = outcomes[mid]
        variant, profile = profile_for(model, answers)
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

    warnings = [
        Warning(id=m.id, title=m.title, text=m.text, source=m.source) for m in gates.mistakes(kb, answers)
    ]
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
