"""Hostile structured input (issue 13): situation, vendor, portfolio and rates files, the API's JSON bodies.

Each case here crashed, hung, ate memory, printed an unbounded value or answered NaN before the bounded
reader in :mod:`seamline.yamlio`; now each is one clear message naming the file (or body), the line or field
and what was expected - exit 2 on the command line, a 4xx JSON body from the API - or a correct answer.
The cases that used to segfault or take gigabytes run in a child process under a watchdog (time and memory).
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.childrun import run_seamline

from seamline.errors import InputFileError, SeamlineError
from seamline.yamlio import (
    MAX_DEPTH,
    StructureError,
    brief,
    check_data,
    parse_json,
    parse_text,
    read_data_file,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOOD = yaml.safe_load((EXAMPLES / "pre_seed_mvp.yaml").read_text(encoding="utf-8"))
SITUATION = (EXAMPLES / "pre_seed_mvp.yaml").read_text(encoding="utf-8")
WATCHDOG_SECONDS = 60.0  # a hang guard, not a timing assertion
RSS_LIMIT_MB = 1024.0  # the goal: under 1 GB peak for every hostile file


def alias_bomb(levels: int = 9) -> str:
    """The 'billion laughs': each anchor lists the previous one nine times (9^9 values from 700 bytes)."""
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join(f"*a{i - 1}" for _ in range(9)) + "]")
    return "\n".join(lines) + "\n"


def situation_with(extra: str = "", **replace: str) -> str:
    text = SITUATION
    for key, value in replace.items():
        old = next(line for line in text.splitlines() if line.strip().startswith(f"{key}:"))
        indent = old[: len(old) - len(old.lstrip())]
        text = text.replace(old, f"{indent}{key}: {value}")
    return text + extra


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_clear_refusal(result: Any, path: Path, *words: str) -> None:
    text = result.err + result.out
    assert result.code == 2, text
    assert result.err.startswith("error:"), text
    assert str(path) in result.err
    assert "Traceback" not in text and "internal error" not in text
    for word in words:
        assert word.lower() in result.err.lower(), (word, result.err)


# ------------------------------------------------------------------------------------ aliases
def test_alias_bomb_in_stage_is_refused_naming_aliases_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bomb.yaml", alias_bomb() + situation_with(stage="*a9"))
    with pytest.raises(StructureError) as caught:
        read_data_file(path)
    text = str(caught.value)
    assert "alias" in text and str(path) in text
    assert f"{path}:" in caught.value.problems[0].where  # file:line
    assert len(text) < 600


@pytest.mark.parametrize(
    "extra",
    [
        "costs:\n  parameters:\n    hiring_lead_days: *a9\n",
        "weights: *a9\n",
    ],
    ids=["costs.parameters", "weights"],
)
def test_alias_bomb_anywhere_in_a_situation_is_refused(tmp_path: Path, extra: str) -> None:
    path = write(tmp_path, "bomb.yaml", alias_bomb() + situation_with(extra))
    with pytest.raises(StructureError, match="alias"):
        read_data_file(path)


@pytest.mark.parametrize("field", ["vendor", "model", "name"])
def test_alias_bomb_in_a_portfolio_is_refused(tmp_path: Path, field: str) -> None:
    text = alias_bomb() + f"name: P\nworkstreams:\n  - name: a\n    {field}: *a9\n"
    if field == "name":
        text = alias_bomb() + "name: *a9\nworkstreams:\n  - name: a\n"
    path = write(tmp_path, "portfolio.yaml", text)
    with pytest.raises(StructureError, match="alias"):
        read_data_file(path)


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(StructureError, match="refers to the value that holds it"):
        parse_text("a: &a [1, *a]\n", "loop.yaml")


def test_a_few_aliases_stay_valid_yaml(tmp_path: Path) -> None:
    text = situation_with(
        "costs:\n  rates:\n    developer_mid: {hour: &r {low: 40, likely: 50, high: 60}, month: 9000}\n"
        "  parameters:\n    hiring_lead_days: &days 30\n    start_days: *days\n"
    )
    data = read_data_file(write(tmp_path, "anchors.yaml", text))
    assert data["costs"]["parameters"]["start_days"] == 30


# ------------------------------------------------------------------------------------ depth and keys
def test_deep_yaml_is_refused_before_composing() -> None:
    with pytest.raises(StructureError, match=f"nested more than {MAX_DEPTH} levels"):
        parse_text("[" * 25_000 + "]" * 25_000, "deep.yaml")


def test_deep_json_is_refused_with_its_line() -> None:
    with pytest.raises(StructureError, match=r"deep\.json: nested more than"):
        parse_text("[" * 1000 + "]" * 1000, "deep.json", json_first=True)
    text = '{"a": "[[[[ brackets in a string do not count ]]]]", "b": ' + "[" * 40 + "]" * 40 + "}"
    assert parse_json(text, "ok.json")["a"].startswith("[[[[")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("? [a, b]\n: 1\n", "a list used as a key"),
        ("? {a: 1}\n: 1\n", "a mapping used as a key"),
        ("work:\n  1: x\n", "reads as a number"),
        ("yes: 1\n", "reads as true/false"),
        ("~: 1\n", "reads as null"),
        ("a: &k [1]\n*k : 2\n", "a list or mapping"),
    ],
    ids=["list-key", "map-key", "number-key", "bool-key", "null-key", "alias-key"],
)
def test_keys_must_be_text(text: str, words: str) -> None:
    with pytest.raises(StructureError, match="key") as caught:
        parse_text(text, "keys.yaml")
    assert words in str(caught.value)


def test_built_values_are_checked_the_same_way() -> None:
    nested: Any = []
    for _ in range(200):
        nested = [nested]
    for data, words in [
        ({"weights": {"cost": math.nan}}, "weights.cost: not a finite number"),
        ({"costs": {"fixed_bid": math.inf}}, "costs.fixed_bid: not a finite number"),
        ({"work": {"engineers": 10**5000}}, "work.engineers: a number too large"),
        ({"work": {("a", "b"): 1}}, "work: a key that is not text"),
        ({"x": nested}, "nested more than"),
    ]:
        with pytest.raises(StructureError, match="situation") as caught:
            check_data(data, "situation")
        assert words in str(caught.value)
        assert len(str(caught.value)) < 600


# ------------------------------------------------------------------------------------ numbers
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("9" * 5000, "work.engineers: a whole number too large"),
        ("1" + "0" * 16, "work.engineers: a number too large"),
        ("!!int abc", "work.engineers: not a whole number"),
        (".nan", "work.engineers: not a finite number"),
        ("-.inf", "work.engineers: not a finite number"),
        ("1.0e+400", "work.engineers: not a finite number"),
    ],
    ids=["5000-digits", "over-bound", "bad-int-tag", "nan", "minus-inf", "overflow"],
)
def test_numbers_are_finite_and_bounded_in_yaml(value: str, words: str) -> None:
    with pytest.raises(StructureError) as caught:
        parse_text(situation_with(engineers=value), "s.yaml")
    assert words in str(caught.value)
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('{"weights": {"cost": NaN}}', "weights.cost: not a finite number"),
        ('{"costs": {"fixed_bid": Infinity}}', "costs.fixed_bid: not a finite number"),
        ('{"costs": {"fixed_bid": -Infinity}}', "costs.fixed_bid: not a finite number"),
        ('{"costs": {"fixed_bid": 1e999}}', "costs.fixed_bid: a number too large"),
        ('{"work": {"engineers": ' + "9" * 5000 + "}}", "work.engineers: a number too large"),
        ('{"work": {"engineers": 1e16}}', "work.engineers: a number too large"),
    ],
)
def test_numbers_are_finite_and_bounded_in_json(body: str, words: str) -> None:
    with pytest.raises(StructureError) as caught:
        parse_json(body, "s.json")
    assert words in str(caught.value)


def test_json_duplicate_keys_and_bad_bytes_are_refused() -> None:
    with pytest.raises(InputFileError, match="duplicate key 'a'"):
        parse_json('{"a": 1, "a": 2}', "d.json")
    with pytest.raises(InputFileError, match="not UTF-8"):
        parse_json(b'{"a": "\xff"}', "d.json")


@pytest.mark.parametrize(
    "tag", ["!!bool maybe", "!!timestamp nope", "!!float abc", "!!python/name:os.system"]
)
def test_a_tag_that_cannot_build_its_value_is_a_clear_error(tag: str) -> None:
    with pytest.raises(InputFileError):
        parse_text(f"a: {tag}\n", "tags.yaml")


# ------------------------------------------------------------------------------------ through the CLI
@pytest.mark.parametrize(
    ("extra", "command", "words"),
    [
        ("weights: {control: .nan}\n", "advise", ("weights.control", "finite")),
        ("weights: {control: .inf}\n", "advise", ("weights.control", "finite")),
        ("weights: {control: 1.0e+300}\n", "advise", ("weights.control",)),
        ("weights: {control: 5000}\n", "advise", ("weights.control", "at most 1000")),
        ("costs: {fixed_bid: .nan}\n", "cost", ("costs.fixed_bid", "finite")),
        ("costs: {fixed_bid: 1.0e+14}\n", "cost", ("costs.fixed_bid", "1000000000000")),
        (
            "costs: {parameters: {hiring_lead_days: .inf}}\n",
            "cost",
            ("costs.parameters.hiring_lead_days", "finite"),
        ),
        (
            "costs: {parameters: {hiring_lead_days: {low: 1, high: .nan}}}\n",
            "cost",
            ("hiring_lead_days.high",),
        ),
        (
            "costs: {parameters: {hiring_lead_days: 1.0e+12}}\n",
            "cost",
            ("hiring_lead_days", "at most 1,000,000,000"),
        ),
        ("costs: {parameters: {hours_per_month: 0}}\n", "cost", ("hours_per_month", "above 0")),
        (
            "costs: {parameters: {leadership_span_engineers: {low: 0, likely: 5, high: 8}}}\n",
            "cost",
            ("above 0",),
        ),
        ("costs: {rates: {developer_mid: {hour: .nan}}}\n", "cost", ("developer_mid.hour", "finite")),
        (
            "costs: {parameters: {hiring_lead_days: {low: 50, likely: 40, high: 60}}}\n",
            "cost",
            ("low <= likely",),
        ),
        (
            "costs: {rates: {developer_mid: {hour: {low: 90, likely: 60, high: 30}}}}\n",
            "cost",
            ("low <= likely",),
        ),
    ],
)
def test_non_finite_and_out_of_range_numbers_exit_2_naming_the_field(
    cli: Callable[..., Any], tmp_path: Path, extra: str, command: str, words: tuple[str, ...]
) -> None:
    path = write(tmp_path, "s.yaml", situation_with(extra))
    args = [command, str(path), "--json"] + (["--trials", "200"] if command == "cost" else [])
    result = cli(*args)
    assert_clear_refusal(result, path, *words)
    assert "nan" not in result.out.lower() and "infinity" not in result.out.lower()


def test_largest_accepted_cost_inputs_still_give_finite_figures(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    big = 10**9
    extra = (
        f"costs:\n  fixed_bid: {10**12}\n"
        f"  rates:\n    developer_mid: {{hour: {big}, month: {big}, year: {big}}}\n"
        f"  parameters: {{hours_per_month: {big}, leadership_span_engineers: 0.001,\n"
        f"    hiring_lead_days: {big}}}\n"
    )
    path = write(tmp_path, "big.yaml", situation_with(extra, engineers="1000", duration_months="120"))
    result = cli("cost", str(path), "--json", "--trials", "200")
    assert result.code == 0, result.err
    data = json.loads(result.out, parse_constant=lambda c: pytest.fail(f"{c} in the output"))
    assert data["models"]


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("r.yaml", "parameters:\n  hiring_lead_days: .nan\n", ("parameters.hiring_lead_days", "finite")),
        ("r.yaml", 'parameters:\n  hiring_lead_days: "nan"\n', ("hiring_lead_days", "expected a number")),
        ("r.yaml", 'fixed_bid: "inf"\n', ("fixed_bid", "finite")),
        ("r.json", '{"rates": {"developer_mid": {"hour": {"high": 1e300}}}}', ("developer_mid.hour.high",)),
    ],
    ids=["yaml-nan", "nan-as-text", "inf-as-text", "json-huge"],
)
def test_a_rates_file_with_a_non_finite_number_exits_2(
    cli: Callable[..., Any], tmp_path: Path, name: str, text: str, words: tuple[str, ...]
) -> None:
    rates = write(tmp_path, name, text)
    result = cli(
        "cost", str(EXAMPLES / "pre_seed_mvp.yaml"), "--rates", str(rates), "--json", "--trials", "200"
    )
    assert_clear_refusal(result, rates, *words)


def test_a_json_situation_with_nan_exits_2(cli: Callable[..., Any], tmp_path: Path) -> None:
    body = json.dumps({**GOOD, "weights": {"control": float("nan")}})
    path = write(tmp_path, "s.json", body)
    assert_clear_refusal(cli("advise", str(path), "--json"), path, "weights.control", "finite")


def test_a_utf16_situation_with_a_bom_is_read(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(SITUATION.encode("utf-16"))
    result = cli("advise", str(path), "--json")
    assert result.code == 0, result.err


def test_a_fifo_as_a_situation_is_refused_at_once(cli: Callable[..., Any], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(cli("advise", str(fifo))), daemon=True)
    thread.start()
    thread.join(WATCHDOG_SECONDS)
    if thread.is_alive():  # unblock the reader so the test run can go on, then fail
        with open(fifo, "w", encoding="utf-8"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert_clear_refusal(result[0], fifo, "FIFO")


# ------------------------------------------------------------------------------------ bounded messages
LONG = "x" * 20_000


@pytest.mark.parametrize(
    ("name", "text", "command"),
    [
        ("stage.yaml", situation_with(stage=LONG), "advise"),
        ("key.yaml", situation_with(f"? {LONG}\n: 1\n"), "advise"),  # a key over 1,024 characters: explicit
        ("weight.json", json.dumps({**GOOD, "weights": {LONG: 1}}), "advise"),
        ("role.yaml", situation_with(f"costs: {{developer_role: {LONG}}}\n"), "cost"),
        ("param.json", json.dumps({**GOOD, "costs": {"parameters": {LONG: 1}}}), "cost"),
        ("rate.json", json.dumps({**GOOD, "costs": {"rates": {"developer_mid": {LONG: 1}}}}), "cost"),
        (
            "range.json",
            json.dumps({**GOOD, "costs": {"parameters": {"hiring_lead_days": {LONG: 1}}}}),
            "cost",
        ),
        (
            "param_value.yaml",
            situation_with(f"costs: {{parameters: {{hiring_lead_days: {LONG}}}}}\n"),
            "cost",
        ),
        ("pricing.yaml", situation_with(f"costs: {{pricing: {{staff_augmentation: {LONG}}}}}\n"), "cost"),
    ],
)
def test_messages_never_print_an_unbounded_value(
    cli: Callable[..., Any], tmp_path: Path, name: str, text: str, command: str
) -> None:
    path = write(tmp_path, name, text)
    result = cli(command, str(path), "--json")
    assert_clear_refusal(result, path)
    assert len(result.err) < 2_000, result.err[:300]


def test_vendor_and_portfolio_messages_are_bounded(cli: Callable[..., Any], tmp_path: Path) -> None:
    vendor = write(
        tmp_path,
        "vendor.yaml",
        f"name: V\nmodels:\n  - {LONG}\nanswers:\n  attrition: we track it\n  ? {LONG}\n  : x\n",
    )
    result = cli("vendors", "score", str(vendor))
    assert_clear_refusal(result, vendor, "models[0]")
    assert len(result.err) < 2_000
    portfolio = (EXAMPLES / "portfolio_scale_up.yaml").read_text(encoding="utf-8")
    first = next(line for line in portfolio.splitlines() if line.strip().startswith("- name:"))
    for name, text in [
        ("model.yaml", portfolio.replace(first, f"{first}\n    model: {LONG}", 1)),
        ("vendor.yaml", portfolio.replace(first, f"{first}\n    vendor: [{LONG}]", 1)),
        ("key.yaml", portfolio + f"? {LONG}\n: 1\n"),
    ]:
        path = write(tmp_path, name, text)
        result = cli("portfolio", str(path), "--trials", "100")
        assert_clear_refusal(result, path)
        assert len(result.err) < 2_000, result.err[:300]


def test_brief_bounds_any_value() -> None:
    nested: Any = []
    for _ in range(5000):
        nested = [nested]
    for value in ("y" * 10_000, 10**20_000, -(10**9000), nested, {"k" * 500: ["v" * 500] * 500}):
        assert len(brief(value)) <= 80


# ------------------------------------------------------------------------------------ vendors
@pytest.mark.parametrize("field", ["hourly", "monthly_per_engineer"])
def test_vendor_rates_low_above_high_are_refused(cli: Callable[..., Any], tmp_path: Path, field: str) -> None:
    text = (EXAMPLES / "vendor_quickstaff_claims.yaml").read_text(encoding="utf-8")
    text = text.replace("hourly: {low: 25, high: 45}", f"{field}: {{low: 90, high: 30}}")
    path = write(tmp_path, "vendor.yaml", text)
    result = cli("vendors", "score", str(path))
    assert_clear_refusal(result, path, f"rates.{field}", "low 90 is above high 30")


@pytest.mark.parametrize("value", [".nan", ".inf", "1.0e+12"])
def test_vendor_numbers_are_finite_and_bounded(cli: Callable[..., Any], tmp_path: Path, value: str) -> None:
    text = (EXAMPLES / "vendor_quickstaff_claims.yaml").read_text(encoding="utf-8")
    text = text.replace("hourly: {low: 25, high: 45}", f"hourly: {{low: 25, high: {value}}}")
    path = write(tmp_path, "vendor.yaml", text)
    assert_clear_refusal(cli("vendors", "score", str(path)), path, "rates.hourly.high")


# ------------------------------------------------------------------------------------ the API
@pytest.fixture
def api(tmp_path: Path) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from seamline.settings import Settings
    from seamline.web.app import create_app

    app = create_app(
        Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}", load_examples=False, cost_trials=200)
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.store.engine.dispose()


def body_with(**change: Any) -> str:
    data = json.loads(json.dumps(GOOD))
    for path, value in change.items():
        node = data
        *parents, leaf = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return json.dumps(data)  # NaN and Infinity come out as the literals a client could send


@pytest.mark.parametrize("route", ["/api/v1/advise", "/api/v1/cost?trials=100", "/api/v1/seams"])
@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"weights__control": float("nan")}, "weights.control"),
        ({"costs__fixed_bid": float("inf")}, "costs.fixed_bid"),
        ({"costs__parameters__hiring_lead_days": float("-inf")}, "costs.parameters.hiring_lead_days"),
        ({"work__engineers": 10**30}, "work.engineers"),
    ],
)
def test_api_answers_422_for_a_non_finite_number(
    api: Any, route: str, change: dict[str, Any], where: str
) -> None:
    r = api.post(route, content=body_with(**change), headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"]["code"] == "invalid_structure" and body["problems"][0]["where"] == where
    assert body["error"]["field"] == where
    assert "NaN" not in r.text and "Infinity" not in r.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("[" * 1000 + "]" * 1000, 422),
        ('{"a":' * 1000 + "1" + "}" * 1000, 422),
        (json.dumps(GOOD)[:-1] + ', "stage": "seed"}', 400),
        ('{"name": "x", ', 400),
        ("[1, 2]", 422),
        ("", 400),
    ],
    ids=["deep-list", "deep-object", "duplicate-key", "truncated", "not-an-object", "empty"],
)
@pytest.mark.parametrize("route", ["/api/v1/advise", "/api/v1/decisions"])
def test_api_hostile_bodies_get_a_json_4xx(api: Any, route: str, body: str, status: int) -> None:
    r = api.post(route, content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert {"error", "message", "problems"} <= set(r.json())


def test_api_refuses_an_oversized_body(api: Any) -> None:
    body = json.dumps({**GOOD, "name": "n" * 2_000_000})
    r = api.post("/api/v1/advise", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "limit" in r.json()["message"]


def test_api_saves_nothing_when_a_number_is_not_finite(api: Any) -> None:
    r = api.post(
        "/api/v1/decisions",
        content=json.dumps({"situation": json.loads(body_with(weights__control=float("nan")))}),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422, r.text
    r = api.post(
        "/api/v1/decisions",
        content='{"situation": ' + body_with() + ', "name": "n", "x": NaN}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert api.get("/api/v1/decisions").json()["decisions"] == []
    created = api.post("/api/v1/decisions", json={"situation": GOOD})
    assert created.status_code == 201
    did = created.json()["id"]
    r = api.patch(
        f"/api/v1/decisions/{did}",
        content=json.dumps({"situation": json.loads(body_with(costs__fixed_bid=float("inf")))}),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422
    assert api.get(f"/api/v1/decisions/{did}").json()["situation"] == created.json()["situation"]
    assert len(api.get("/api/v1/decisions").json()["decisions"]) == 1


def test_a_non_finite_result_is_refused_before_it_is_saved(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last guard: whatever the inputs, a NaN figure is never answered or stored."""
    service = api.app.state.service
    real = service.cost

    def nan_cost(*args: Any, **kwargs: Any) -> dict[str, Any]:
        out = real(*args, **kwargs)
        out["models"][next(iter(out["models"]))]["mean"] = float("nan")
        from seamline.web.service import require_finite

        return require_finite(out, "cost")

    monkeypatch.setattr(service, "cost", nan_cost)
    r = api.post("/api/v1/decisions", json={"situation": GOOD})
    assert r.status_code == 422 and "not a finite number" in r.text
    assert api.get("/api/v1/decisions").json()["decisions"] == []


def test_service_require_finite_names_the_path() -> None:
    from seamline.web.service import NonFiniteResult, require_finite

    assert require_finite({"a": [1.0, 2]}, "x") == {"a": [1.0, 2]}
    with pytest.raises(NonFiniteResult) as caught:
        require_finite({"models": {"m": {"p50": float("inf")}}}, "cost")
    assert caught.value.problems[0].where == "models.m.p50"


def test_python_callers_get_the_same_checks(kb: Any) -> None:
    from seamline.situation import parse_situation

    for change in ({"weights": {"control": float("nan")}}, {"costs": {"fixed_bid": float("inf")}}):
        with pytest.raises(SeamlineError, match="not a finite number"):
            parse_situation({**GOOD, **change}, "situation", kb.criterion_ids)


# ------------------------------------------------------------------------------------ in a child process
def run_capped(args: list[str], cwd: Path) -> tuple[int, float, str]:
    """Run ``seamline ARGS``; return exit code, peak RSS in MB (from wait4) and stderr. A watchdog kills
    the child past WATCHDOG_SECONDS or twice RSS_LIMIT_MB: a regression fails the test, not the machine."""
    run = run_seamline(args, cwd=cwd, watchdog_s=WATCHDOG_SECONDS, kill_above_rss_mb=2 * RSS_LIMIT_MB)
    return run.code, run.peak_rss_mb, run.err


@pytest.mark.parametrize(
    ("name", "text", "command", "word"),
    [
        ("bomb_stage.yaml", alias_bomb() + situation_with(stage="*a9"), "advise", "alias"),
        (
            "bomb_costs.yaml",
            alias_bomb() + situation_with("costs:\n  parameters:\n    hiring_lead_days: *a9\n"),
            "cost",
            "alias",
        ),
        (
            "bomb_portfolio.yaml",
            alias_bomb() + "name: P\nworkstreams:\n  - name: a\n    vendor: *a9\n",
            "portfolio",
            "alias",
        ),
        ("nested.yaml", "[" * 25_000 + "]" * 25_000 + "\n", "advise", "nested"),
        ("deep.json", "[" * 1000 + "]" * 1000, "advise", "nested"),
        (
            "deep_model.yaml",
            "name: P\nworkstreams:\n  - name: a\n    model: " + "[" * 1000 + "]" * 1000 + "\n",
            "portfolio",
            "nested",
        ),
    ],
    ids=["alias-stage", "alias-costs", "alias-portfolio", "nested-25k", "deep-json", "deep-portfolio-model"],
)
def test_hostile_files_exit_2_in_bounded_memory(
    tmp_path: Path, name: str, text: str, command: str, word: str
) -> None:
    path = write(tmp_path, name, text)
    code, rss_mb, err = run_capped([command, str(path)], tmp_path)
    assert code == 2, (code, err[-500:])
    assert err.startswith("error:") and str(path) in err and word in err.lower()
    assert "Traceback" not in err and "internal error" not in err
    assert rss_mb < RSS_LIMIT_MB, f"peak {rss_mb:.0f} MB"
