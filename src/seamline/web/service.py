"""What the pages and the JSON API compute, in one place: the web shell's only contact with the library.

Every output is a JSON-ready dict built from the library's public ``to_json()`` shapes, so a saved
decision stores exactly what the results page draws and re-renders identically later.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any

from seamline.errors import Problem, SeamlineError, SituationError
from seamline.situation import FIELDS, Situation, int_bounds, is_optional, parse_situation
from seamline.yamlio import brief

if TYPE_CHECKING:
    from seamline.knowledge import KnowledgeBase
    from seamline.settings import Settings

GROUPS = (
    ("", "About this decision"),
    ("work.", "The work"),
    ("team.", "Your team"),
    ("preferences.", "What you want from the arrangement"),
    ("market.", "Where the people sit (optional; prices each side in its own market)"),
)
# optional answers that come as a pair: one without the other is refused, naming the missing one
PAIRS = (("work.service_units.kind", "work.service_units.count"), ("market.in_house", "market.vendor"))


class NonFiniteResult(SeamlineError):
    """A computed figure came out NaN or infinite: refused (422) rather than answered or saved."""

    status = 422
    code = "non_finite_result"


def require_finite(data: Any, what: str) -> Any:
    """``data`` unchanged when every number in it is finite; else a :class:`NonFiniteResult` naming the path.

    The inputs are bounded (see :mod:`seamline.yamlio`), so this is the last guard: no NaN or Infinity is
    ever answered, and a decision is saved only after its outputs pass here.
    """
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise NonFiniteResult(
                f"{what}: {path or 'the result'} came out as {value}; check the numbers the situation gives "
                "(costs, weights)",
                [Problem(path or what, "not a finite number")],
            )
        if isinstance(value, Mapping):
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(value))
    return data


class _LRU:
    """A small thread-safe cache of pure results, keyed by canonical JSON of the inputs."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[str, Any] = OrderedDict()
        self.lock = Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
        return None

    def put(self, key: str, value: Any) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


# cost comparisons remembered (about 30 KB of JSON each, 40 ms or more to compute): about 4 MB
COSTS_KEPT = 128


class Service:
    """The knowledge base and the pure functions the web app calls, with their results memoised."""

    def __init__(self, settings: Settings) -> None:
        from seamline.knowledge import load_knowledge

        self.settings = settings
        self.knowledge: Path | None = settings.knowledge
        self.kb: KnowledgeBase = load_knowledge(settings.knowledge)
        self._advice = _LRU(512)
        self._advice_bytes = _LRU(512)
        self.fragments = _LRU(256)  # rendered results of saved decisions, keyed by id and update time
        self._outputs = _LRU(64)
        self._costs = _LRU(COSTS_KEPT)  # cost comparisons as JSON bytes, keyed by cost_key

    # ------------------------------------------------------------------ inputs
    def parse(self, data: Any, where: str = "situation") -> Situation:
        return parse_situation(data, where, self.kb.criterion_ids)

    def form_to_data(self, form: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Questionnaire form fields (``work.scope`` = "evolving") to situation data, plus unanswered fields.

        Text is converted to the schema's types; a value that cannot be converted raises a
        :class:`SituationError` naming the field.
        """
        data: dict[str, Any] = {}
        missing: list[str] = []
        problems: list[Problem] = []
        for path, (kind, allowed) in FIELDS.items():
            raw = form.get(path)
            raw = raw.strip() if isinstance(raw, str) else raw
            if raw in (None, ""):
                if not is_optional(path):
                    missing.append(path)
                continue
            value: Any = raw
            if kind == "bool":
                if raw not in ("true", "false"):
                    problems.append(Problem(path, f"got {brief(raw)}; expected true or false"))
                    continue
                value = raw == "true"
            elif kind == "int":
                lo, hi = int_bounds(path)
                try:
                    value = int(str(raw))
                except ValueError:
                    problems.append(
                        Problem(path, f"got {brief(raw)}; expected a whole number from {lo} to {hi}")
                    )
                    continue
            elif allowed is not None and raw not in allowed:
                problems.append(
                    Problem(path, f"got {brief(raw)}; expected one of: {', '.join(map(str, allowed))}")
                )
                continue
            node = data
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        for first, second in PAIRS:
            given = {p: form.get(p) not in (None, "") for p in (first, second)}
            if given[first] != given[second]:
                absent = second if given[first] else first
                other = first if given[first] else second
                label = self.kb.questions[absent].label if absent in self.kb.questions else absent
                problems.append(Problem(absent, f"answer this too when {other} is given ({label})"))
        if problems:
            raise SituationError(f"questionnaire: {len(problems)} answer(s) not understood", problems)
        return data, missing

    # ------------------------------------------------------------------ computations
    def advise(self, situation: Situation) -> dict[str, Any]:
        from seamline.advisor import advise

        key = situation.model_dump_json()
        hit = self._advice.get(key)
        if hit is None:
            hit = require_finite(advise(situation, self.kb).to_json(), "advice")
            self._advice.put(key, hit)
        return dict(hit)

    def cached_advice(self, data: Any) -> tuple[str, bytes | None]:
        """(key, the JSON answer already computed for exactly these answers, or None)."""
        key = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
        return key, self._advice_bytes.get(key)

    def advise_bytes(self, key: str, data: Any) -> bytes:
        """The advice as JSON bytes (validated, computed and memoised under ``key``).

        The strict ``json.dumps(allow_nan=False)`` is the finiteness guard here: the advice is walked by
        :func:`require_finite` only when that refuses it, to name the figure; a refused advice is kept
        nowhere."""
        from seamline.advisor import advise

        situation = self.parse(data)
        situation_key = situation.model_dump_json()
        advice = self._advice.get(situation_key)
        fresh = advice is None
        if advice is None:
            advice = advise(situation, self.kb).to_json()
        try:
            body = json.dumps(advice, separators=(",", ":"), allow_nan=False).encode()
        except ValueError:
            require_finite(advice, "advice")  # raises NonFiniteResult naming the figure
            raise
        if fresh:
            self._advice.put(situation_key, advice)
        self._advice_bytes.put(key, body)
        return body

    def cost_key(
        self, situation: Situation, horizon_months: int | None, trials: int | None, seed: int | None
    ) -> str:
        """The canonical JSON of a cost comparison's inputs: the answers, the horizon, and the trials and
        seed it runs with (the defaults filled in), so equal inputs share one key."""
        inputs = {
            "situation": situation.model_dump(mode="json"),
            "horizon_months": horizon_months,
            "trials": trials if trials is not None else self.settings.cost_trials,
            "seed": seed if seed is not None else self.settings.cost_seed,
        }
        return json.dumps(inputs, sort_keys=True, separators=(",", ":"))

    def cached_cost(self, key: str) -> bytes | None:
        """The JSON answer already computed for the inputs of ``key`` (:meth:`cost_key`), or None."""
        body: bytes | None = self._costs.get(key)
        return body

    def keep_cost(self, key: str, out: dict[str, Any]) -> bytes:
        """Remember a computed comparison under ``key``; returns it as JSON bytes."""
        body = json.dumps(out, separators=(",", ":"), allow_nan=False).encode()
        self._costs.put(key, body)
        return body

    def cost_bytes(
        self,
        situation: Situation,
        *,
        horizon_months: int | None = None,
        trials: int | None = None,
        seed: int | None = None,
    ) -> bytes:
        """:meth:`cost` as JSON bytes (remembered, so a repeated request is answered from memory)."""
        key = self.cost_key(situation, horizon_months, trials, seed)
        body = self.cached_cost(key)
        if body is None:
            out = self._compute_cost(situation, horizon_months=horizon_months, trials=trials, seed=seed)
            body = self.keep_cost(key, out)
        return body

    def cost(
        self,
        situation: Situation,
        *,
        horizon_months: int | None = None,
        trials: int | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """The cost comparison of every model, with each model's verdict; equal inputs (:meth:`cost_key`)
        are computed once and then answered from memory (a fresh copy each time)."""
        key = self.cost_key(situation, horizon_months, trials, seed)
        body = self.cached_cost(key)
        if body is not None:
            out: dict[str, Any] = json.loads(body)
            return out
        out = self._compute_cost(situation, horizon_months=horizon_months, trials=trials, seed=seed)
        self.keep_cost(key, out)
        return out

    def _compute_cost(
        self,
        situation: Situation,
        *,
        horizon_months: int | None = None,
        trials: int | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        from seamline.cost import build_plan, compare_costs

        plan = build_plan(
            situation, horizon_months=horizon_months, knowledge=self.knowledge, horizon_field="horizon_months"
        )
        result = compare_costs(
            plan,
            trials=trials if trials is not None else self.settings.cost_trials,
            seed=seed if seed is not None else self.settings.cost_seed,
            fields=("trials", "seed"),
        )
        out = result.to_json()
        out["cumulative"] = {mid: list(series) for mid, series in result.cumulative.items()}
        out["cheapest"] = result.cheapest()
        verdicts = {r["model"]: r["verdict"] for r in self.advise(situation)["ranking"]}
        for mid, m in out["models"].items():
            m["verdict"] = verdicts.get(mid)
        advised = {mid for mid, v in verdicts.items() if v != "not_advised"}
        out["cheapest_advised"] = result.cheapest(advised) if advised else None
        return require_finite(out, "cost")

    def seams(self, situation: Situation) -> dict[str, Any]:
        from seamline.cost import map_seams
        from seamline.seams import load_seams

        seam_map = map_seams(situation, knowledge=self.knowledge)
        out = seam_map.to_json()
        roles = load_seams(self.knowledge).template(seam_map.template).roles
        out["roles"] = [{"id": r.id, "name": r.name} for r in roles]
        return out

    def criteria_table(self) -> dict[str, Any]:
        """The models compared criterion by criterion (1 low .. 5 high), with each value's source."""
        return {
            "models": [
                {"id": m.id, "name": m.name, "short_name": m.short_name} for m in self.kb.models.values()
            ],
            "criteria": [
                {
                    "id": c.id,
                    "name": c.name,
                    "question": c.question,
                    "objective": c.objective,
                    "values": {
                        m.id: {"value": m.profile[c.id].value, "source": m.profile[c.id].source}
                        for m in self.kb.models.values()
                        if c.id in m.profile
                    },
                }
                for c in self.kb.criteria.values()
            ],
        }

    def outputs(self, situation: Situation) -> dict[str, Any]:
        """Everything the results page shows, as stored with a saved decision."""
        key = situation.model_dump_json()
        hit = self._outputs.get(key)
        if hit is None:
            hit = {
                "recommendation": self.advise(situation),
                "cost": self.cost(situation),
                "seams": self.seams(situation),
                "criteria": self.criteria_table(),
                "knowledge_version": self.kb.version,
                "settings": {"trials": self.settings.cost_trials, "seed": self.settings.cost_seed},
            }
            self._outputs.put(key, hit)
        return json.loads(json.dumps(hit))  # a deep copy the caller may keep

    # ------------------------------------------------------------------ questionnaire view
    def questionnaire(self, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The form's groups of questions with labels, help, cited source and the current values."""
        groups = []
        for prefix, title in GROUPS:
            items = []
            for path, (kind, allowed) in FIELDS.items():
                if prefix and not path.startswith(prefix):
                    continue
                if not prefix and "." in path:
                    continue
                q = self.kb.questions.get(path)
                source = self.kb.sources.get(q.source) if q else None
                labels = {str(o.value).lower(): o.label for o in q.options} if q else {}
                options = [
                    {"value": _fmt(v), "label": labels.get(_fmt(v), str(v).replace("_", " "))}
                    for v in (allowed or ())
                ]
                current = values.get(path)
                optional = is_optional(path)
                if optional and kind in ("choice", "bool"):
                    options = [{"value": "", "label": "Not answered"}, *options]
                bounds = int_bounds(path) if kind == "int" else None
                items.append(
                    {
                        "path": path,
                        "id": "f-" + path.replace(".", "-").replace("_", "-"),
                        "kind": kind,
                        "label": q.label if q else path,
                        "help": q.help if q else "",
                        "source_id": q.source if q else None,
                        "source": f"{source.publisher}, {source.title}" if source else None,
                        "options": options,
                        "value": "" if current is None else _fmt(current),
                        "optional": optional,
                        "min": bounds[0] if bounds else None,
                        "max": bounds[1] if bounds else None,
                    }
                )
            groups.append({"title": title, "questions": items})
        return groups

    def answer_label(self, path: str, value: Any) -> str:
        """An answer as the questionnaire words it (``pre_seed`` -> "Pre-seed / MVP")."""
        if value is None:
            return "–"
        q = self.kb.questions.get(path)
        for option in q.options if q else ():
            if _fmt(option.value) == _fmt(value):
                return option.label
        return str(value)

    def numbered_sources(self, *parts: Any) -> dict[str, Any]:
        """The sources the parts of a results page cite, numbered (:func:`seamline.web.readable.
        numbered_sources`)."""
        from seamline.web.readable import numbered_sources

        return numbered_sources(self.kb, *parts)

    def contract_items(self, contract: Mapping[str, Any] | None) -> list[dict[str, Any]]:
        """A kept contract check's items in plain words (:func:`seamline.web.readable.contract_items`)."""
        from seamline.web.readable import contract_items

        return contract_items(self.knowledge, contract)

    def model_name(self, model_id: str | None) -> str:
        if model_id and model_id in self.kb.models:
            return self.kb.models[model_id].name
        return model_id or "undetermined"


def _fmt(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def flat_values(situation: Mapping[str, Any]) -> dict[str, Any]:
    """``{"work": {"scope": ...}}`` to ``{"work.scope": ...}`` (for pre-filling the form)."""
    out: dict[str, Any] = {}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}{key}"
            if isinstance(value, Mapping) and any(f.startswith(f"{path}.") for f in FIELDS):
                walk(value, f"{path}.")
            elif path in FIELDS:
                out[path] = value

    walk(situation, "")
    return out
