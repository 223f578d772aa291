"""The situation: the questionnaire's answers, the one input every capability reads.

The field set is a public, versioned schema (situation files must stay portable between versions):
unknown fields and wrong values are refused with the field path and the allowed values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from seamline.cost.overrides import CostOverrides
from seamline.errors import Problem, SituationError
from seamline.yamlio import brief, brief_key, check_data, read_data_file

Stage = Literal["pre_seed", "seed", "series_a_to_c", "scale_up", "enterprise"]
WorkType = Literal["product_development", "it_function"]
Scope = Literal["fully_defined", "partly_defined", "evolving"]
Leadership = Literal["strong", "limited", "none"]
Involvement = Literal["daily_direction", "sprint_priorities", "milestones", "service_levels"]
Pricing = Literal[
    "time_and_materials", "fixed_price", "monthly_retainer", "outcome_linked", "subscription", "no_preference"
]
MarketId = Literal[
    "us", "canada", "uk", "western_europe", "eastern_europe", "latin_america", "india", "southeast_asia"
]
UnitKind = Literal["users", "devices", "endpoints", "servers", "tickets"]


MAX_WEIGHT = 1000  # a sanity bound on a user's weight (the knowledge's own weights are single digits)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ServiceUnits(_Frozen):
    """What a managed service is priced on (IT functions): so many users, devices, servers, tickets."""

    kind: UnitKind
    count: int = Field(ge=1, le=10_000_000)


class Work(_Frozen):
    type: WorkType
    core: bool
    scope: Scope
    duration_months: int = Field(ge=1, le=120)
    engineers: int = Field(ge=1, le=1000)
    # optional answers (added in knowledge 2026-12; files without them stay valid)
    needed_within_weeks: int | None = Field(default=None, ge=1, le=104)
    service_units: ServiceUnits | None = None


class Team(_Frozen):
    technical_leadership: Leadership
    product_manager: bool
    can_hire: bool | None = None
    lead_hours_per_week: int | None = Field(default=None, ge=0, le=60)


class Market(_Frozen):
    """Where in-house staff would sit and where the vendor's engineers sit (prices both sides)."""

    in_house: MarketId
    vendor: MarketId


class Preferences(_Frozen):
    involvement: Involvement
    pricing: Pricing
    ip_in_house: bool
    share_business_context: bool


class Situation(_Frozen):
    name: str = Field(min_length=1, max_length=200)
    stage: Stage
    work: Work
    team: Team
    preferences: Preferences
    market: Market | None = None
    weights: dict[str, float] | None = None
    costs: CostOverrides | None = None  # cost-model overrides; not an answer (see seamline.cost)

    def flat(self) -> dict[str, Any]:
        """The answers as ``{"work.scope": "evolving", ...}`` (weights, costs and name excluded).

        Every answer field is present; an optional answer not given is ``None``.
        """
        given = dict(_flatten(self.model_dump(exclude={"weights", "name", "costs"})))
        return {path: given.get(path) for path in ANSWER_FIELDS}

    def with_answer(self, field_path: str, value: Any) -> Situation:
        """A copy with one answer changed (``field_path`` like ``work.scope``)."""
        data = self.model_dump()
        node = data
        *parents, leaf = field_path.split(".")
        for part in parents:
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
        node[leaf] = value
        return Situation.model_validate(data)


def nest_answers(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"work.scope": "evolving"}`` to ``{"work": {"scope": "evolving"}}``; answers that are ``None`` are
    left out."""
    data: dict[str, Any] = {}
    for path, value in flat.items():
        if value is None:
            continue
        node = data
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return data


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, f"{path}.")
        else:
            yield path, value


# Field path -> (type description, allowed values or None). Drives validation messages, the
# interview, the web form and "what would change the answer".
def _field_table() -> dict[str, tuple[str, tuple[Any, ...] | None]]:
    table: dict[str, tuple[str, tuple[Any, ...] | None]] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            ann = info.annotation
            path = f"{prefix}{name}"
            if path in ("weights", "costs"):
                continue  # settings, not answers
            if not info.is_required():
                OPTIONAL_FIELDS.add(path)
            if getattr(ann, "__origin__", None) is not Literal:
                inner = [a for a in get_args(ann) if a is not type(None)]
                if inner and type(None) in get_args(ann) and len(inner) == 1:
                    ann = inner[0]  # `X | None`: an optional answer of type X
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{path}.")
            elif ann is bool:
                table[path] = ("bool", (True, False))
            elif ann is int:
                table[path] = ("int", None)
            elif getattr(ann, "__origin__", None) is Literal:
                table[path] = ("choice", get_args(ann))
            elif ann is str:
                table[path] = ("str", None)

    walk(Situation, "")
    return table


OPTIONAL_FIELDS: set[str] = set()  # filled by _field_table: answers that may be left out (None)
FIELDS = _field_table()
ANSWER_FIELDS = tuple(p for p in FIELDS if p != "name")


def is_optional(field_path: str) -> bool:
    """Whether an answer may be left out: the field, or a group above it, is optional."""
    parts = field_path.split(".")
    return any(".".join(parts[: i + 1]) in OPTIONAL_FIELDS for i in range(len(parts)))


def int_bounds(field_path: str) -> tuple[int, int]:
    """(min, max) of an integer answer, read from the schema itself."""
    model: type[BaseModel] = Situation
    *parents, leaf = field_path.split(".")
    for part in parents:
        ann = model.model_fields[part].annotation
        model = next(a for a in (ann, *get_args(ann)) if isinstance(a, type) and issubclass(a, BaseModel))
    lo = hi = None
    for meta in model.model_fields[leaf].metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    assert lo is not None and hi is not None
    return int(lo), int(hi)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = Situation
    for part in loc[:-1]:
        ann = model.model_fields.get(str(part))
        options = (ann.annotation, *get_args(ann.annotation)) if ann is not None else ()
        sub = next((a for a in options if isinstance(a, type)), None)  # unwraps `X | None`
        if sub is None or not issubclass(sub, BaseModel):
            return []
        model = sub
    return list(model.model_fields)


def _describe(err: Mapping[str, Any]) -> Problem:
    loc = tuple(err["loc"])
    path = ".".join(brief_key(p) for p in loc)
    kind = err["type"]
    value = err.get("input")
    if kind == "cost_override":  # seamline.cost.overrides names the key below the field
        ctx = err.get("ctx") or {}
        return Problem(f"{path}.{ctx.get('at', '')}", str(ctx.get("message", err["msg"])))
    if kind == "extra_forbidden":
        keys = ", ".join(_allowed_keys(loc))
        return Problem(path, f"unknown field; allowed here: {keys}")
    if kind == "missing":
        allowed_vals = FIELDS.get(path, ("", None))[1]
        hint = f" (one of: {', '.join(map(_fmt, allowed_vals))})" if allowed_vals else ""
        return Problem(path, f"required field is missing{hint}")
    if path in FIELDS:
        typ, allowed = FIELDS[path]
        if allowed is not None:
            return Problem(path, f"got {brief(value)}; expected one of: {', '.join(map(_fmt, allowed))}")
        if typ == "int":
            lo, hi = int_bounds(path)
            return Problem(path, f"got {brief(value)}; expected a whole number from {lo} to {hi}")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Problem(path or "(top level)", f"expected a mapping of fields, got {type(value).__name__}")
    return Problem(path or "(top level)", str(err["msg"]))


def _fmt(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


def parse_situation(
    data: Any, where: str = "situation", criteria: tuple[str, ...] | None = None
) -> Situation:
    """Validate raw data into a :class:`Situation`; errors name each field and the allowed values.

    ``criteria``: the criterion ids that ``weights`` may use (checked when given). Values a file could not
    hold (NaN, infinity, numbers beyond ±10^15, deep nesting, keys that are not text) are refused first.
    """
    check_data(data, where)
    if not isinstance(data, Mapping):
        raise SituationError(
            f"{where}: expected a mapping with the fields {', '.join(Situation.model_fields)}",
        )
    try:
        situation = Situation.model_validate(data, strict=True)
    except ValidationError as exc:
        problems = [_describe(e) for e in exc.errors()]
        noun = "problem" if len(problems) == 1 else "problems"
        raise SituationError(f"{where}: {len(problems)} {noun} in the situation", problems) from None
    _check_weights(situation, where, criteria)
    return situation


def _check_weights(situation: Situation, where: str, criteria: tuple[str, ...] | None) -> None:
    if not situation.weights:
        return
    problems = []
    for key, value in situation.weights.items():
        at = f"weights.{brief_key(key)}"
        if criteria is not None and key not in criteria:
            problems.append(Problem(at, f"unknown criterion; expected one of: {', '.join(criteria)}"))
        elif value < 0:
            problems.append(Problem(at, f"got {value:g}; a weight must be zero or positive"))
        elif value > MAX_WEIGHT:
            problems.append(Problem(at, f"got {value:g}; a weight must be at most {MAX_WEIGHT}"))
    if problems:
        raise SituationError(f"{where}: invalid weights", problems)


def load_situation(path: str | Path, criteria: tuple[str, ...] | None = None) -> Situation:
    """Read and validate a situation file (YAML or JSON)."""
    return parse_situation(read_data_file(path), str(path), criteria)
