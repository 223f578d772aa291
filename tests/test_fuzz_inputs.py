"""Fuzzing every structured input (issue 13): situations, vendor answers, portfolios, cost overrides and the
API's JSON bodies, with valid and hostile values alike (NaN, infinities, huge integers, deep nesting, keys
that are not text, long strings, Rich markup and escape sequences, YAML aliases and tags).

The property is the product's promise: either a valid answer with no NaN or Infinity anywhere in its JSON,
or a :class:`SeamlineError` (CLI exit 2, API 4xx JSON body) with a bounded message - never another
exception, never an HTTP 500. Examples are derandomised (the same cases every run) and few enough for
``make test``.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seamline.errors import SeamlineError
from seamline.knowledge import MODEL_IDS, load_knowledge
from seamline.situation import FIELDS, int_bounds, parse_situation
from seamline.yamlio import parse_json, parse_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
KB = load_knowledge()
SITUATION = yaml.safe_load((EXAMPLES / "pre_seed_mvp.yaml").read_text(encoding="utf-8"))
VENDOR = yaml.safe_load((EXAMPLES / "vendor_quickstaff_claims.yaml").read_text(encoding="utf-8"))
PORTFOLIO = yaml.safe_load((EXAMPLES / "portfolio_scale_up.yaml").read_text(encoding="utf-8"))
FUZZ = settings(max_examples=100, deadline=None, derandomize=True, database=None)
FEW = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MAX_MESSAGE = 20_000  # a refusal lists allowed values; it never echoes an unbounded value


# ------------------------------------------------------------------------------------ strategies
def deep(levels: int, mapping: bool = False) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"k": value} if mapping else [value]
    return value


NASTY_TEXT = st.sampled_from(
    [
        "[/]",
        "[bold]x[/bold] [link=http://x]y[/link]",
        "\x1b[2J\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\",
        "\u202eevil",
        "\x00\x07\r",
        "yes",
        "NaN",
        "1e999",
        "*a",
        "&a x",
        "!!python/object:os.system",
        "x" * 5_000,
    ]
)
TEXT = st.one_of(st.text(max_size=12), NASTY_TEXT)
NUMBERS = st.one_of(
    st.integers(-5, 2_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e308, 1e16, 5e-324, -0.0, 10**15, 10**16]),
    st.sampled_from([10**30, -(10**30), 2**63]),
    st.integers(4_000, 6_000).map(lambda digits: 10**digits),  # past int()'s 4,300-digit limit
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=8,
)
HOSTILE = st.one_of(
    VALUES,
    st.integers(30, 1_200).map(deep),
    st.integers(30, 1_200).map(lambda n: deep(n, mapping=True)),
    st.dictionaries(
        st.one_of(st.integers(), st.tuples(st.integers()), st.none()), SCALARS, min_size=1, max_size=2
    ),
)
HOSTILE_OR_NUMBER = st.one_of(NUMBERS, HOSTILE)  # half of the hostile values are bad numbers

SITUATION_PATHS = [
    *FIELDS,
    "weights.control",
    "weights.cost_predictability",
    "weights",
    "costs",
    "costs.fixed_bid",
    "costs.horizon_months",
    "costs.project_months",
    "costs.developer_role",
    "costs.parameters.hiring_lead_days",
    "costs.parameters.hours_per_month",
    "costs.parameters.leadership_span_engineers",
    "costs.parameters.hiring_lead_days.low",
    "costs.parameters.hiring_lead_days.distribution",
    "costs.rates.developer_mid.hour",
    "costs.rates.developer_mid.hour.high",
    "costs.pricing.staff_augmentation",
    "costs.placement.staff_augmentation",
    "unknown_field",
]


def valid_for(path: str) -> st.SearchStrategy[Any]:
    if path in FIELDS:
        kind, allowed = FIELDS[path]
        if kind == "int":
            lo, hi = int_bounds(path)
            return st.integers(lo, hi)
        if allowed is not None:
            return st.sampled_from(allowed)
        return st.text(min_size=1, max_size=20)
    if path.startswith("weights."):
        return st.floats(0, 1000)
    if path in ("costs.fixed_bid",):
        return st.floats(1, 10**12)
    if "parameters" in path or "rates" in path:
        return st.one_of(
            st.floats(0.001, 10**9),
            st.tuples(st.floats(0.001, 10**9), st.floats(0.001, 10**9), st.floats(0.001, 10**9)).map(
                lambda t: dict(zip(("low", "likely", "high"), sorted(t), strict=True))
            ),
        )
    return st.integers(1, 240)


def put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.c`` in nested dicts, replacing whatever is in the way."""
    node = data
    *parents, leaf = path.split(".")
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[leaf] = value


@st.composite
def situation_data(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(SITUATION)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(SITUATION_PATHS))
        hostile = draw(st.integers(0, 3)) == 0  # a quarter of the changes hostile, the rest valid values
        put(data, path, draw(HOSTILE_OR_NUMBER if hostile else valid_for(path)))
    return data


NAME = st.text(min_size=1, max_size=30).filter(str.strip)
COST = st.floats(0.01, 10**9)
VENDOR_PATHS: dict[str, st.SearchStrategy[Any]] = {
    "name": st.one_of(NAME, NASTY_TEXT),
    "models": st.lists(st.sampled_from(MODEL_IDS), max_size=3),
    "certifications": st.lists(st.one_of(NAME, NASTY_TEXT), max_size=3),
    "rates.hourly.low": COST,
    "rates.hourly.high": COST,
    "rates.monthly_per_engineer": st.tuples(COST, COST).map(lambda t: {"low": min(t), "high": max(t)}),
    "rates.monthly_per_engineer.low": COST,
    "rates.currency": NAME,
    "attrition.annual_rate_percent": st.floats(0, 100),
    "attrition.average_tenure_years": st.floats(0, 60),
    "answers.attrition": st.one_of(NAME, NASTY_TEXT),
    "answers.unknown_question": NAME,
    "references": st.lists(st.fixed_dictionaries({"client": st.one_of(NAME, NASTY_TEXT)}), max_size=3),
    "replacement": st.one_of(NAME, NASTY_TEXT),
    "unknown_field": NAME,
}


def mutate(draw: st.DrawFn, data: dict[str, Any], paths: dict[str, st.SearchStrategy[Any]]) -> None:
    """One to three changes, a quarter of them hostile values, the rest valid ones for the path."""
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(sorted(paths)))
        hostile = draw(st.integers(0, 3)) == 0
        value = draw(HOSTILE_OR_NUMBER if hostile else paths[path])
        first, _, rest = path.partition(".")
        streams = data.get("workstreams")
        if first.isdigit():
            if (
                isinstance(streams, list)
                and len(streams) > int(first)
                and isinstance(streams[int(first)], dict)
            ):
                put(streams[int(first)], rest, value)
        else:
            put(data, path, value)


@st.composite
def vendor_data(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(VENDOR)
    mutate(draw, data, VENDOR_PATHS)
    return data


PORTFOLIO_PATHS: dict[str, st.SearchStrategy[Any]] = {
    "name": st.one_of(NAME, NASTY_TEXT),
    "stage": st.sampled_from(FIELDS["stage"][1] or ()),
    "defaults.weights.control": valid_for("weights.control"),
    "defaults.costs.fixed_bid": valid_for("costs.fixed_bid"),
    "0.name": st.one_of(NAME, NASTY_TEXT),
    "0.vendor": st.one_of(NAME, NASTY_TEXT),
    "0.model": st.sampled_from(MODEL_IDS),
    "0.work.engineers": valid_for("work.engineers"),
    "0.work.duration_months": valid_for("work.duration_months"),
    "0.weights.control": valid_for("weights.control"),
    "0.costs.parameters.hiring_lead_days": valid_for("costs.parameters.x"),
    "1.name": st.one_of(NAME, NASTY_TEXT),
    "1.costs.rates.developer_mid.hour": valid_for("costs.rates.x"),
    "workstreams": st.just([]),
}


@st.composite
def portfolio_data(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(PORTFOLIO)
    mutate(draw, data, PORTFOLIO_PATHS)
    return data


def json_text(value: Any) -> str:
    """JSON as a hostile client writes it: NaN and Infinity literals, 5,000-digit numbers, any key as text."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        return _json_text(value)
    finally:
        sys.setrecursionlimit(limit)


def _json_text(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # over int()'s digit limit: write the digits out
            return "9" * 5_000
    if isinstance(value, float):
        return json.dumps(value, allow_nan=True)
    if isinstance(value, dict):
        items = (
            f"{json.dumps(k if isinstance(k, str) else str(k))}: {_json_text(v)}" for k, v in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_text(v) for v in value) + "]"
    return json.dumps(str(value))


def yaml_text(data: Any) -> str | None:
    """The data as YAML where PyYAML's safe dumper can write it (keys that are not text, huge ints: no)."""
    try:
        return yaml.safe_dump(data, allow_unicode=True, width=10_000)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None


# ------------------------------------------------------------------------------------ properties
def assert_finite_json(data: Any) -> None:
    json.dumps(data, allow_nan=False)  # raises ValueError on NaN or Infinity


def assert_refusal(exc: SeamlineError) -> None:
    text = str(exc)
    assert text and len(text) < MAX_MESSAGE, text[:300]
    assert all(len(p.where) + len(p.message) < 4_000 for p in exc.problems)


def check_situation(data: Any, where: str = "situation") -> None:
    from seamline.advisor import advise
    from seamline.cost import build_plan, compare_costs

    try:
        situation = parse_situation(data, where, KB.criterion_ids)
        assert_finite_json(advise(situation, KB).to_json())
        result = compare_costs(build_plan(situation), trials=100, seed=1)
    except SeamlineError as exc:
        assert_refusal(exc)
        return
    assert_finite_json(result.to_json())


@FUZZ
@given(situation_data())
def test_situations_give_an_answer_or_a_clear_refusal(data: dict[str, Any]) -> None:
    check_situation(data)


@FUZZ
@given(situation_data(), st.booleans())
def test_situation_files_give_an_answer_or_a_clear_refusal(data: dict[str, Any], as_json: bool) -> None:
    text = json_text(data) if as_json else yaml_text(data)
    if text is None:
        return
    try:
        parsed = parse_text(text, "fuzz.json" if as_json else "fuzz.yaml", json_first=as_json)
    except SeamlineError as exc:
        assert_refusal(exc)
        return
    check_situation(parsed, "fuzz")


YAML_PIECES = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        ", ",
        ": ",
        "\n",
        "\n  ",
        "- ",
        "? ",
        "&a ",
        "*a",
        "&b ",
        "*b",
        "<<: *a\n",
        "!!int ",
        "!!float ",
        "!!bool ",
        "!!timestamp ",
        "!!binary ",
        "!!set ",
        "!!python/object:os.system ",
        ".nan",
        ".inf",
        "-.inf",
        "1e999",
        "1.0e+999",
        "9" * 40,
        "0x" + "f" * 40,
        "yes",
        "~",
        "'q'",
        '"\\e[2J"',
        "stage",
        "work",
        "engineers",
        "weights",
        "control",
        "costs",
        "fixed_bid",
        "---\n",
    ]
)


@FUZZ
@given(st.lists(YAML_PIECES, max_size=40).map("".join), st.integers(0, 12), st.integers(0, 30_000))
def test_hostile_yaml_text_is_parsed_or_refused(text: str, bomb_levels: int, brackets: int) -> None:
    bomb = ['a0: &a0 "lol"'] + [
        f"a{i}: &a{i} [" + ", ".join(f"*a{i - 1}" for _ in range(9)) + "]" for i in range(1, bomb_levels + 1)
    ]
    for candidate in (text, "\n".join(bomb) + "\n" + text, "[" * brackets + "]" * brackets):
        try:
            data = parse_text(candidate, "fuzz.yaml")
        except SeamlineError as exc:
            assert_refusal(exc)
            continue
        check_situation({**SITUATION, "costs": {"parameters": {"hiring_lead_days": data}}})


@FUZZ
@given(vendor_data(), st.sampled_from([None, *MODEL_IDS]))
def test_vendor_answers_give_a_scorecard_or_a_clear_refusal(data: dict[str, Any], model: str | None) -> None:
    from seamline.vendors import parse_vendor, score_vendor

    try:
        vendor = parse_vendor(data, "vendor.yaml")
        card = score_vendor(vendor, model)
    except SeamlineError as exc:
        assert_refusal(exc)
        return
    assert_finite_json(card.to_json())
    rates = vendor.rates
    for pair in (rates.hourly, rates.monthly_per_engineer) if rates else ():
        assert pair is None or pair.low <= pair.high


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(portfolio_data())
def test_portfolios_give_a_plan_or_a_clear_refusal(data: dict[str, Any]) -> None:
    from seamline.portfolio import parse_portfolio, plan_portfolio

    try:
        plan = plan_portfolio(parse_portfolio(data, "portfolio.yaml", KB), KB, trials=100, seed=1)
    except SeamlineError as exc:
        assert_refusal(exc)
        return
    assert_finite_json(plan.to_json())


def cost_value(hostile: bool) -> st.SearchStrategy[Any]:
    valid = valid_for("costs.parameters.x")
    return st.integers(0, 3).flatmap(lambda n: HOSTILE if n == 0 else valid) if hostile else valid


@st.composite
def overrides_data(draw: st.DrawFn) -> dict[str, Any]:
    """A rates file: real roles, units and parameter ids with valid or hostile values, and stray keys."""
    from seamline.cost.parameters import load_cost_knowledge

    ck = load_cost_knowledge()
    data: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["rate", "parameter", "parameter", "fixed_bid", "pricing", "stray"]))
        if kind == "rate":
            role = draw(st.one_of(st.sampled_from(sorted(ck.roles)), TEXT))
            unit = draw(st.sampled_from(["hour", "month", "year", "week"]))
            data.setdefault("rates", {})[role] = {unit: draw(cost_value(hostile=True))}
        elif kind == "parameter":
            pid = draw(st.one_of(st.sampled_from(sorted(ck.parameters)), TEXT))
            data.setdefault("parameters", {})[pid] = draw(cost_value(hostile=True))
        elif kind == "fixed_bid":
            data["fixed_bid"] = draw(st.one_of(valid_for("costs.fixed_bid"), HOSTILE))
        elif kind == "pricing":
            data["pricing"] = {draw(st.sampled_from(MODEL_IDS)): draw(TEXT)}
        else:
            data[draw(TEXT)] = draw(HOSTILE)
    return data


@FUZZ
@given(overrides_data())
def test_rates_files_give_costs_or_a_clear_refusal(data: dict[str, Any]) -> None:
    """A ``--rates`` file is CostOverrides on its own; through a situation's ``costs`` it is checked alike."""
    check_situation({**SITUATION, "costs": data})


# ------------------------------------------------------------------------------------ the API
@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from seamline.settings import Settings
    from seamline.web.app import create_app

    db = tmp_path_factory.mktemp("fuzz") / "api.db"
    app = create_app(Settings(database_url=f"sqlite:///{db}", load_examples=False, cost_trials=100))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.store.engine.dispose()


def refuse_constant(name: str) -> Any:
    raise AssertionError(f"{name} in an API answer")


def assert_api_answer(r: Any) -> None:
    assert r.status_code < 500, r.text[:500]
    if r.status_code == 204:
        return
    body = json.loads(r.text, parse_constant=refuse_constant)
    if r.status_code >= 400:
        assert {"error", "message", "problems"} <= set(body), body
        assert len(r.text) < MAX_MESSAGE


RAW_BODIES = st.sampled_from(
    [
        "[" * 2_000 + "]" * 2_000,
        '{"a":' * 2_000 + "1" + "}" * 2_000,
        '{"stage": NaN}',
        '{"weights": {"control": Infinity}}',
        '{"work": {"engineers": ' + "9" * 5_000 + "}}",
        "{",
        "",
        "\xff\xfe",
        "null",
    ]
)


@FEW
@given(st.one_of(situation_data().map(json_text), RAW_BODIES))
def test_api_situation_routes_answer_or_refuse_with_json(api: Any, body: str) -> None:
    before = len(api.get("/api/v1/decisions").json()["decisions"])
    headers = {"content-type": "application/json"}
    for route in ("/api/v1/advise", "/api/v1/cost?trials=100", "/api/v1/seams"):
        assert_api_answer(api.post(route, content=body, headers=headers))
    wrapped = '{"situation": ' + (body or "null") + "}"
    created = api.post("/api/v1/decisions", content=wrapped, headers=headers)
    assert_api_answer(created)
    after = len(api.get("/api/v1/decisions").json()["decisions"])
    assert after == before + (1 if created.status_code == 201 else 0)
    if created.status_code == 201:
        did = created.json()["id"]
        saved = api.get(f"/api/v1/decisions/{did}").json()
        assert_finite_json(saved)
        assert_api_answer(api.patch(f"/api/v1/decisions/{did}", content=wrapped, headers=headers))
        assert_api_answer(api.delete(f"/api/v1/decisions/{did}"))


@FEW
@given(HOSTILE)
def test_api_decision_names_and_bodies_answer_or_refuse_with_json(api: Any, name: Any) -> None:
    created = api.post("/api/v1/decisions", json={"situation": SITUATION})
    assert created.status_code == 201
    did = created.json()["id"]
    headers = {"content-type": "application/json"}
    body = json_text({"name": name})
    for r in (
        api.patch(f"/api/v1/decisions/{did}", content=body, headers=headers),
        api.post(f"/api/v1/decisions/{did}/duplicate", content=body, headers=headers),
        api.post("/api/v1/decisions", content=body, headers=headers),
    ):
        assert_api_answer(r)
        if r.status_code in (200, 201):
            assert isinstance(r.json()["name"], str)


@FEW
@given(st.one_of(VALUES, RAW_BODIES))
def test_api_check_json_bodies_answer_or_refuse_with_json(api: Any, value: Any) -> None:
    body = value if isinstance(value, str) else json_text({"text": value, "claimed": value})
    assert_api_answer(api.post("/api/v1/check", content=body, headers={"content-type": "application/json"}))


# ------------------------------------------------------------------------------------ the CLI
@FEW
@given(situation_data())
def test_cli_exits_0_with_finite_json_or_2_with_a_message(
    cli: Callable[..., Any], tmp_path: Path, data: dict[str, Any]
) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json_text(data), encoding="utf-8")
    for args in (["advise", str(path), "--json"], ["cost", str(path), "--json", "--trials", "100"]):
        result = cli(*args)
        assert result.code in (0, 2), (args, result.err[-500:])
        if result.code == 0:
            json.loads(result.out, parse_constant=refuse_constant)
        else:
            assert result.err.startswith("error:") and str(path) in result.err
            assert "Traceback" not in result.err and len(result.err) < MAX_MESSAGE


@FEW
@given(vendor_data(), portfolio_data())
def test_cli_vendor_and_portfolio_exit_0_or_2(
    cli: Callable[..., Any], tmp_path: Path, vendor: dict[str, Any], portfolio: dict[str, Any]
) -> None:
    for name, data, command, options in (
        ("vendor.json", vendor, ["vendors", "score"], ["--json"]),
        ("portfolio.json", portfolio, ["portfolio"], ["--json", "--trials", "100"]),
    ):
        path = tmp_path / name
        path.write_text(json_text(data), encoding="utf-8")
        result = cli(*command, str(path), *options)
        assert result.code in (0, 2), (name, result.err[-500:])
        if result.code == 0:
            json.loads(result.out, parse_constant=refuse_constant)
        else:
            assert result.err.startswith("error:") and "Traceback" not in result.err


def test_parse_json_and_parse_text_agree_on_plain_json() -> None:
    text = json.dumps(SITUATION)
    assert parse_json(text, "a.json") == parse_text(text, "a.yaml") == SITUATION
