"""The top model of situations that differ from an evaluated one in a single answer.

"What would change the answer" asks, for every answer and each of its other values, which model would
then top the ranking: about forty variations per situation. Re-running the whole advisor for each one
(a re-validated situation, every rule, reasons, warnings, the hire path) cost about 13 ms per situation.

Here a situation is evaluated once into the pieces the top model depends on (each rule's outcome, the
weights, each model's criteria score); a variation re-evaluates only the rules whose conditions read the
changed answer, and the criteria scores only when a weight rule or a pricing variant reads it. The
arithmetic is the engine's own (``scoring.normalised``, the same sums in the same order, the same
rounding), so the top model and margin are exactly those of a full evaluation; the tests compare them
with the full path over a wide sample of the answer space (tests/advisor/test_variations.py).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from seamline import conditions
from seamline.advisor.derived import compiled
from seamline.advisor.scoring import normalised
from seamline.conditions import Test, compile_condition
from seamline.knowledge import KnowledgeBase

SCORE_DIGITS = 4  # the engine's presentation precision (engine.SCORE_DIGITS); ties are decided on it

Condition = Mapping[str, Any] | None


@dataclass(frozen=True)
class _Model:
    """One engagement model's rules (compiled) and normalised profiles, in knowledge-base order."""

    fits: tuple[Test, ...]
    misfits: tuple[Test, ...]
    gates: tuple[bool, ...]  # per misfit rule: its effect is not_advised (else it is a penalty)
    variants: tuple[Test, ...]
    norms: tuple[tuple[float, ...], ...]  # per variant, the plain profile last: each criterion normalised
    fit_reads: Mapping[str, tuple[int, ...]]  # answer -> indexes of the fit rules that read it
    misfit_reads: Mapping[str, tuple[int, ...]]
    variant_fields: frozenset[str]
    fields: frozenset[str]  # every answer its own rules and variants read


@dataclass(frozen=True)
class _Plan:
    """The knowledge base compiled for variations: each condition as a function, and what it reads."""

    model_ids: tuple[str, ...]
    criteria: tuple[str, ...]
    defaults: tuple[float, ...]
    weight_rules: tuple[tuple[Test, tuple[tuple[int, float], ...]], ...]  # (when, (criterion, extra)...)
    weight_reads: Mapping[str, tuple[int, ...]]
    models: tuple[_Model, ...]
    offsets: tuple[int, ...]  # per model, where its variants' criteria scores start in a flat row
    touching: Mapping[str, tuple[int, ...]]  # answer -> the models whose own rules or variants read it
    questions: tuple[tuple[Test, bool, tuple[int, ...], tuple[int, ...]], ...]  # when, stop, yes, no
    question_fields: frozenset[str]
    stages: tuple[tuple[Test, tuple[int, ...]], ...]  # (the row's stage and condition, favoured models)
    stage_fields: frozenset[str]
    contradictions: tuple[Test, ...]
    contradiction_fields: frozenset[str]
    fit_bonus: float
    question_bonus: float
    stage_bonus: float
    penalty: float
    viable_min_share: float


# criteria scores remembered per knowledge base, by the weight rules that hold (about 400 bytes each): the
# whole benchmark answer grid (benchmarks/situation_space.py) gives about 15,000 combinations
BASES_KEPT = 16384


def _plan(kb: KnowledgeBase) -> _Plan:
    return compiled(kb, "variations", lambda: _compile(kb))


def _fields(*whens: Condition) -> frozenset[str]:
    return frozenset(f for when in whens for f in conditions.fields(when))


def _reads(whens: Sequence[Condition]) -> dict[str, tuple[int, ...]]:
    out: dict[str, list[int]] = {}
    for i, when in enumerate(whens):
        for f in set(conditions.fields(when)):
            out.setdefault(f, []).append(i)
    return {f: tuple(ix) for f, ix in out.items()}


def _stage_test(stage: str, when: Condition) -> Test:
    test = compile_condition(when)
    return lambda answers: bool(stage == answers["stage"]) and test(answers)


def _compile(kb: KnowledgeBase) -> _Plan:
    criteria = tuple(kb.criteria)
    position = {cid: i for i, cid in enumerate(criteria)}
    models = []
    for model in kb.models.values():
        profiles = [{**model.profile, **v.profile} for v in model.pricing_variants] + [dict(model.profile)]
        norms = tuple(
            tuple(normalised(p[c].value, kb.criteria[c].objective) for c in criteria) for p in profiles
        )
        fits = [r.when for r in model.fit]
        misfits = [r.when for r in model.misfit]
        variants = [v.when for v in model.pricing_variants]
        models.append(
            _Model(
                fits=tuple(map(compile_condition, fits)),
                misfits=tuple(map(compile_condition, misfits)),
                gates=tuple(r.effect == "not_advised" for r in model.misfit),
                variants=tuple(map(compile_condition, variants)),
                norms=norms,
                fit_reads=_reads(fits),
                misfit_reads=_reads(misfits),
                variant_fields=_fields(*variants),
                fields=_fields(*fits, *misfits, *variants),
            )
        )
    index = {mid: i for i, mid in enumerate(kb.models)}
    offsets = [0]
    for m in models[:-1]:
        offsets.append(offsets[-1] + len(m.norms))
    rules = kb.rules
    questions = tuple(
        (
            compile_condition(q.when),
            q.stop_if_yes,
            tuple(index[m] for m in q.if_yes.favours),
            tuple(index[m] for m in q.if_no.favours),
        )
        for q in rules.five_question_test
    )
    params = rules.scoring
    return _Plan(
        model_ids=tuple(kb.models),
        criteria=criteria,
        defaults=tuple(c.default_weight for c in kb.criteria.values()),
        weight_rules=tuple(
            (compile_condition(r.when), tuple((position[cid], extra) for cid, extra in r.add.items()))
            for r in rules.weights
        ),
        weight_reads=_reads([r.when for r in rules.weights]),
        models=tuple(models),
        offsets=tuple(offsets),
        touching={
            f: tuple(k for k, m in enumerate(models) if f in m.fields) for m in models for f in m.fields
        },
        questions=questions,
        question_fields=_fields(*(q.when for q in rules.five_question_test)),
        stages=tuple(
            (_stage_test(row.stage, row.when), tuple(index[m] for m in row.favours))
            for row in rules.stage_table
        ),
        stage_fields=_fields(*(row.when for row in rules.stage_table)) | {"stage"},
        contradictions=tuple(compile_condition(c.when) for c in rules.contradictions),
        contradiction_fields=_fields(*(c.when for c in rules.contradictions)),
        fit_bonus=params.fit_bonus.value,
        question_bonus=params.five_question_bonus.value,
        stage_bonus=params.stage_bonus.value,
        penalty=params.penalty.value,
        viable_min_share=params.viable_min_share.value,
    )


class Variations:
    """A situation evaluated once; ``top(field, value)`` gives (top model, margin) with one answer changed.

    ``answers``: the situation's flat answers (``Situation.flat()``); ``user_weights``: its ``weights``.
    """

    def __init__(
        self, kb: KnowledgeBase, answers: Mapping[str, Any], user_weights: Mapping[str, float] | None
    ) -> None:
        self._plan = plan = _plan(kb)
        # criteria scores by (weight rules that hold, the user's weights): shared by every situation
        self._bases_memo: dict[tuple[Any, ...], array[float]] = compiled(kb, "bases", dict)
        self._answers = a = dict(answers)
        user = user_weights or {}
        self._user = tuple((i, float(user[cid])) for i, cid in enumerate(plan.criteria) if cid in user)
        self._weight_held = tuple(test(a) for test, _ in plan.weight_rules)
        self._bases = self._criteria_scores(self._weight_held)
        self._fit = [tuple(test(a) for test in m.fits) for m in plan.models]
        self._misfit = [tuple(test(a) for test in m.misfits) for m in plan.models]
        self._variant = [self._variant_of(m, a) for m in plan.models]
        self._questions = self._question_counts(a)
        self._stages = self._stage_counts(a)
        self._contradicted = self._any_contradiction(a)
        self._n_fits = [sum(fit) for fit in self._fit]
        self._n_gates: list[int] = []
        self._n_penalties: list[int] = []
        for held, model in zip(self._misfit, plan.models, strict=True):
            gates = sum(h and g for h, g in zip(held, model.gates, strict=True))
            self._n_gates.append(gates)
            self._n_penalties.append(sum(held) - gates)
        self._scores = [
            self._score(
                k, self._bases[plan.offsets[k] + self._variant[k]], self._n_fits[k], self._n_penalties[k]
            )
            for k in range(len(plan.models))
        ]
        self._gated = [n > 0 for n in self._n_gates]
        self._leading = self._leader(self._scores, self._gated)  # a change that moves no score keeps it

    # ------------------------------------------------------------------ the engine's stages, compiled
    def _criteria_scores(self, held: tuple[bool, ...]) -> array[float]:
        """Each model's criteria score under every pricing variant, with the weights these rules give: one
        flat row, model ``k``'s variants from ``offsets[k]`` on (compact: many are remembered)."""
        key = (held, self._user)
        hit = self._bases_memo.get(key)
        if hit is not None:
            return hit
        plan = self._plan
        values = list(plan.defaults)
        for (_, add), rule_holds in zip(plan.weight_rules, held, strict=True):
            if rule_holds:
                for i, extra in add:
                    values[i] += extra
        for i, weight in self._user:
            values[i] = weight
        weights = [float(v) for v in values]
        total = sum(weights)
        bases = array(
            "d",
            [
                sum([w * n / total for w, n in zip(weights, norms, strict=True)]) if total > 0 else 0.0
                for model in plan.models
                for norms in model.norms
            ],
        )
        if len(self._bases_memo) >= BASES_KEPT:
            self._bases_memo.clear()
        self._bases_memo[key] = bases
        return bases

    @staticmethod
    def _variant_of(model: _Model, answers: Mapping[str, Any]) -> int:
        for i, test in enumerate(model.variants):
            if test(answers):
                return i
        return len(model.variants)  # the plain profile

    def _question_counts(self, answers: Mapping[str, Any]) -> list[int]:
        counts = [0] * len(self._plan.models)
        for test, stop, yes_favours, no_favours in self._plan.questions:
            yes = test(answers)
            for m in yes_favours if yes else no_favours:
                counts[m] += 1
            if yes and stop:
                break
        return counts

    def _stage_counts(self, answers: Mapping[str, Any]) -> list[int]:
        counts = [0] * len(self._plan.models)
        for test, favours in self._plan.stages:
            if test(answers):
                for m in favours:
                    counts[m] += 1
        return counts

    def _any_contradiction(self, answers: Mapping[str, Any]) -> bool:
        return any(test(answers) for test in self._plan.contradictions)

    def _score(
        self, k: int, base: float, n_fits: int, n_penalties: int, questions: int = -1, stages: int = -1
    ) -> float:
        """The model's rounded score, as the engine computes it (the same terms in the same order)."""
        plan = self._plan
        bonus = (
            plan.fit_bonus * n_fits
            + plan.question_bonus * (self._questions[k] if questions < 0 else questions)
            + plan.stage_bonus * (self._stages[k] if stages < 0 else stages)
            - plan.penalty * n_penalties
        )
        return round(base + bonus, SCORE_DIGITS)

    # ------------------------------------------------------------------ one answer changed
    def top(self, field: str, value: Any) -> tuple[str | None, float | None]:
        """(the top model, its lead over the runner-up) with ``field`` set to ``value``; the model is None
        when the answers contradict each other or no model is advised, as in ``Recommendation``."""
        plan = self._plan
        answers = self._answers.copy()
        answers[field] = value
        if field in plan.contradiction_fields:
            if self._any_contradiction(answers):
                return None, None
        elif self._contradicted:
            return None, None
        bases = self._bases
        reads = plan.weight_reads.get(field)
        reweigh = False
        if reads:
            held = list(self._weight_held)
            for i in reads:
                held[i] = plan.weight_rules[i][0](answers)
            new_held = tuple(held)
            if new_held != self._weight_held:
                reweigh = True
                bases = self._criteria_scores(new_held)
        questions = self._question_counts(answers) if field in plan.question_fields else self._questions
        stages = self._stage_counts(answers) if field in plan.stage_fields else self._stages
        moved: Iterable[int]  # the models whose score may have moved: only theirs are computed again
        if reweigh:
            moved = range(len(plan.models))
        else:
            moved = set(plan.touching.get(field, ()))
            if questions is not self._questions:
                moved.update(
                    k for k, (a, b) in enumerate(zip(questions, self._questions, strict=True)) if a != b
                )
            if stages is not self._stages:
                moved.update(k for k, (a, b) in enumerate(zip(stages, self._stages, strict=True)) if a != b)
            if not moved:
                return self._leading
        scores = self._scores.copy()
        gated = self._gated.copy()
        for k in moved:
            model = plan.models[k]
            variant = self._variant[k]
            n_fits, n_gates, n_penalties = self._n_fits[k], self._n_gates[k], self._n_penalties[k]
            if field in model.fields:
                if field in model.variant_fields:
                    variant = self._variant_of(model, answers)
                fit = self._fit[k]
                for i in model.fit_reads.get(field, ()):
                    n_fits += model.fits[i](answers) - fit[i]
                misfit = self._misfit[k]
                for i in model.misfit_reads.get(field, ()):
                    delta = model.misfits[i](answers) - misfit[i]
                    if model.gates[i]:
                        n_gates += delta
                    else:
                        n_penalties += delta
            base = bases[plan.offsets[k] + variant]
            scores[k] = self._score(k, base, n_fits, n_penalties, questions[k], stages[k])
            gated[k] = n_gates > 0
        return self._leader(scores, gated)

    def _leader(self, scores: list[float], gated: list[bool]) -> tuple[str | None, float | None]:
        """The engine's verdicts and ranking reduced to the top model and the margin."""
        ungated = [s for s, g in zip(scores, gated, strict=True) if not g]
        top_score = max(ungated, default=0.0)
        if top_score > 0:  # below the viable share of the best: not advised
            floor = self._plan.viable_min_share * top_score
            advised = [s for s in ungated if not s < floor]
        else:
            advised = ungated
        if not advised:
            return None, None
        best = max(advised)
        # ties go to knowledge-base order
        leader = next(k for k, (s, g) in enumerate(zip(scores, gated, strict=True)) if not g and s == best)
        margin = None
        if len(advised) > 1:
            advised.sort(reverse=True)
            margin = round(advised[0] - advised[1], SCORE_DIGITS)
        return self._plan.model_ids[leader], margin
