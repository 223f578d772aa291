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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from seamline import conditions
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


T = TypeVar("T")
_COMPILED: dict[tuple[int, str], tuple[KnowledgeBase, Any]] = {}
_COMPILED_MAX = 32  # a few knowledge bases at a time (tests load several); past it, start over


def compiled(kb: KnowledgeBase, name: str, build: Callable[[], T]) -> T:
    """``build()`` once per knowledge base and ``name`` (a knowledge base is frozen, so what is derived
    from it holds as long as it lives; the entry keeps it alive, so its id is not reused meanwhile)."""
    hit = _COMPILED.get((id(kb), name))
    if hit is not None and hit[0] is kb:
        return hit[1]
    if len(_COMPILED) >= _COMPILED_MAX:
        _COMPILED.clear()
    value = build()
    _COMPILED[(id(kb), name)] = (kb, value)
    return value


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
        self._answers = a = dict(answers)
        user = user_weights or {}
        self._user = tuple((i, float(user[cid])) for i, cid in enumerate(plan.criteria) if cid in user)
        self._weight_held = [test(a) for test, _ in plan.weight_rules]
        self._weights = self._derive_weights(self._weight_held)
        self._fit = [[test(a) for test in m.fits] for m in plan.models]
        self._misfit = [[test(a) for test in m.misfits] for m in plan.models]
        self._variant = [self._variant_of(m, a) for m in plan.models]
        pairs = zip(plan.models, self._variant, strict=True)
        self._base = [self._criteria_score(m, v, self._weights) for m, v in pairs]
        self._questions = self._question_counts(a)
        self._stages = self._stage_counts(a)
        self._contradicted = self._any_contradiction(a)
        self._scores: list[float] = []
        self._gated: list[bool] = []
        for k, model in enumerate(plan.models):
            n_fits = sum(self._fit[k])
            score, gated = self._score(
                model, self._base[k], n_fits, self._misfit[k], k, self._questions, self._stages
            )
            self._scores.append(score)
            self._gated.append(gated)

    # ------------------------------------------------------------------ the engine's stages, compiled
    def _derive_weights(self, held: Sequence[bool]) -> tuple[float, ...]:
        values = list(self._plan.defaults)
        for (_, add), rule_holds in zip(self._plan.weight_rules, held, strict=True):
            if rule_holds:
                for i, extra in add:
                    values[i] += extra
        for i, weight in self._user:
            values[i] = weight
        return tuple(float(v) for v in values)

    @staticmethod
    def _variant_of(model: _Model, answers: Mapping[str, Any]) -> int:
        for i, test in enumerate(model.variants):
            if test(answers):
                return i
        return len(model.variants)  # the plain profile

    @staticmethod
    def _criteria_score(model: _Model, variant: int, weights: tuple[float, ...]) -> float:
        total = sum(weights)
        if total <= 0:
            return 0.0
        return sum([w * n / total for w, n in zip(weights, model.norms[variant], strict=True)])

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
        self,
        model: _Model,
        base: float,
        n_fits: int,
        misfit: Sequence[bool],
        k: int,
        questions: Sequence[int],
        stages: Sequence[int],
    ) -> tuple[float, bool]:
        """(the model's rounded score, whether a gate rules it out), as the engine computes them."""
        held = [gate for h, gate in zip(misfit, model.gates, strict=True) if h]
        n_gates = sum(held)
        plan = self._plan
        bonus = (
            plan.fit_bonus * n_fits
            + plan.question_bonus * questions[k]
            + plan.stage_bonus * stages[k]
            - plan.penalty * (len(held) - n_gates)
        )
        return round(base + bonus, SCORE_DIGITS), n_gates > 0

    # ------------------------------------------------------------------ one answer changed
    def top(self, field: str, value: Any) -> tuple[str | None, float | None]:
        """(the top model, its lead over the runner-up) with ``field`` set to ``value``; the model is None
        when the answers contradict each other or no model is advised, as in ``Recommendation``."""
        plan = self._plan
        answers = {**self._answers, field: value}
        if field in plan.contradiction_fields:
            if self._any_contradiction(answers):
                return None, None
        elif self._contradicted:
            return None, None
        weights = self._weights
        reweigh = False
        if field in plan.weight_reads:
            held = list(self._weight_held)
            for i in plan.weight_reads[field]:
                held[i] = plan.weight_rules[i][0](answers)
            reweigh = held != self._weight_held
            if reweigh:
                weights = self._derive_weights(held)
        questions = self._question_counts(answers) if field in plan.question_fields else self._questions
        stages = self._stage_counts(answers) if field in plan.stage_fields else self._stages
        scores = list(self._scores)
        gated = list(self._gated)
        for k, model in enumerate(plan.models):
            touched = field in model.fields
            if not (reweigh or touched or questions[k] != self._questions[k] or stages[k] != self._stages[k]):
                continue  # nothing this model's score reads has changed
            variant = self._variant[k]
            if field in model.variant_fields:
                variant = self._variant_of(model, answers)
            if reweigh or variant != self._variant[k]:
                base = self._criteria_score(model, variant, weights)
            else:
                base = self._base[k]
            fit = self._fit[k]
            n_fits = sum(fit)
            for i in model.fit_reads.get(field, ()):
                n_fits += model.fits[i](answers) - fit[i]
            misfit = self._misfit[k]
            if field in model.misfit_reads:
                misfit = list(misfit)
                for i in model.misfit_reads[field]:
                    misfit[i] = model.misfits[i](answers)
            scores[k], gated[k] = self._score(model, base, n_fits, misfit, k, questions, stages)
        return self._leader(scores, gated)

    def _leader(self, scores: list[float], gated: list[bool]) -> tuple[str | None, float | None]:
        """The engine's verdicts and ranking reduced to the top model and the margin."""
        top_score = max((s for s, g in zip(scores, gated, strict=True) if not g), default=0.0)
        floor = self._plan.viable_min_share * top_score
        low = top_score > 0
        advised = [
            k for k, (s, g) in enumerate(zip(scores, gated, strict=True)) if not g and not (low and s < floor)
        ]
        if not advised:
            return None, None
        best = max(scores[k] for k in advised)
        leader = next(k for k in advised if scores[k] == best)  # ties go to knowledge-base order
        ordered = sorted((scores[k] for k in advised), reverse=True)
        margin = round(ordered[0] - ordered[1], SCORE_DIGITS) if len(ordered) > 1 else None
        return self._plan.model_ids[leader], margin
