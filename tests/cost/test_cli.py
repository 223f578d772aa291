"""``seamline cost`` and ``seamline seams`` through the real entry point: JSON contract, charts, bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.conftest import EXAMPLES, Run
from tests.cost.conftest import situation_data


def write(tmp_path: Path, data: dict[str, Any], name: str = "situation.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return str(path)


def situation_examples() -> list[Path]:
    found = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        if isinstance(data, dict) and {"work", "team", "preferences"} <= set(data):
            found.append(path)
    return found


def test_cost_json_has_the_contract_shape(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli(
        "cost",
        write(tmp_path, situation_data()),
        "--json",
        "--trials",
        "2000",
        "--seed",
        "4",
        "--months",
        "8",
    )
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert {"horizon_months", "trials", "seed", "models", "sensitivity"} <= set(data)
    assert (data["horizon_months"], data["trials"], data["seed"]) == (8, 2000, 4)
    assert len(data["models"]) == 7
    for model in data["models"].values():
        assert {
            "mean",
            "p10",
            "p50",
            "p90",
            "components",
            "cost_per_productive_engineer_month",
            "weeks_to_capacity",
            "p_cheapest",
        } <= set(model)
        assert all(isinstance(v, float) for v in model["components"].values())
    assert all({"input", "swing"} <= set(s) for s in data["sensitivity"])


@pytest.mark.parametrize("example", situation_examples(), ids=lambda p: p.stem)
def test_cost_and_seams_work_on_every_example(cli: Callable[..., Run], example: Path) -> None:
    cost = cli("cost", str(example), "--trials", "500", "--seed", "1")
    assert cost.code == 0, cost.err
    assert "staff aug" in cost.out or "staff_augmentation" in cost.out
    assert "verdict" in cost.out and "markets: in-house" in cost.out
    seams = cli("seams", str(example))
    assert seams.code == 0, seams.err
    data = yaml.safe_load(example.read_text())
    team, work = data["team"], data["work"]
    if work["type"] == "it_function":
        assert "service_owner" in seams.out and "product_manager" not in seams.out
    elif team["product_manager"] and team["technical_leadership"] != "none":
        assert "staff_augmentation: 5 seam(s)" in seams.out
        assert "product_delivery: 1 seam(s)" in seams.out
    else:
        assert "not in your team, so not drawn in-house" in seams.out


def test_seams_json_counts(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("seams", write(tmp_path, situation_data()), "--json")
    assert run.code == 0, run.err
    data = json.loads(run.out)["models"]
    assert data["staff_augmentation"]["seam_count"] == 5
    assert data["product_delivery"]["seam_count"] == 1


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_charts_are_written_in_the_format_of_the_suffix(
    cli: Callable[..., Run], tmp_path: Path, suffix: str
) -> None:
    situation = write(tmp_path, situation_data())
    cost_chart, seams_chart = tmp_path / f"cost{suffix}", tmp_path / f"seams{suffix}"
    assert cli("cost", situation, "--trials", "300", "--chart", str(cost_chart)).code == 0
    assert cli("seams", situation, "--chart", str(seams_chart)).code == 0
    for chart in (cost_chart, seams_chart):
        head = chart.read_bytes()[:200]
        assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in chart.read_bytes()[:2000]
        assert len(head) > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".seamline-")]


def test_rates_file_overrides_are_reported(cli: Callable[..., Run], tmp_path: Path) -> None:
    situation = write(tmp_path, situation_data())
    rates = write(
        tmp_path,
        {"rates": {"developer_mid": {"month": {"low": 9000, "likely": 9500, "high": 10000}}}},
        "rates.yaml",
    )
    run = cli("cost", situation, "--rates", rates, "--trials", "300", "--seed", "1")
    assert run.code == 0, run.err
    assert "costs.rates.developer_mid.month" in run.out
    assert "9000/9500/10000" in run.out


@pytest.mark.parametrize(
    ("costs", "args", "message"),
    [
        ({"rates": {"developer_mid": {"month": -3000}}}, [], "costs.rates.developer_mid.month"),
        (
            {"rates": {"developer_mid": {"hour": {"low": 80, "likely": 50, "high": 60}}}},
            [],
            "low <= likely <= high",
        ),
        ({}, ["--months", "0"], "--months"),
        ({"horizon_months": 0}, [], "costs.horizon_months"),
        ({"rates": {"unicorn_engineer": {"hour": 500}}}, [], "unknown role"),
        (
            {
                "placement": {
                    "staff_augmentation": {
                        "product_manager": "vendor",
                        "project_manager": "vendor",
                        "dev_lead": "vendor",
                    }
                }
            },
            [],
            "costs.placement.staff_augmentation",
        ),
        (
            {
                "placement": {
                    "product_delivery": {
                        "product_manager": "none",
                        "project_manager": "none",
                        "dev_lead": "none",
                    }
                }
            },
            [],
            "no one directs the work",
        ),
        ({}, ["--trials", "0"], "--trials"),
        ({}, ["--chart", "out.pdf"], ".svg or .png"),
    ],
)
def test_bad_input_gives_one_message_and_exit_code_2(
    cli: Callable[..., Run], tmp_path: Path, costs: dict[str, Any], args: list[str], message: str
) -> None:
    data = situation_data(costs=costs) if costs else situation_data()
    run = cli("cost", write(tmp_path, data), "--trials", "100", *args)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err and run.out == ""


def test_seams_refuses_an_undirected_placement(cli: Callable[..., Run], tmp_path: Path) -> None:
    data = situation_data(
        costs={
            "placement": {
                "in_house": {"product_manager": "none", "project_manager": "none", "dev_lead": "none"}
            }
        }
    )
    run = cli("seams", write(tmp_path, data))
    assert run.code == 2
    assert "no one directs the work" in run.err


def test_bad_rates_file_is_refused(cli: Callable[..., Run], tmp_path: Path) -> None:
    rates = write(tmp_path, {"ratez": {}}, "rates.yaml")
    run = cli("cost", write(tmp_path, situation_data()), "--rates", rates, "--trials", "100")
    assert run.code == 2
    assert "ratez" in run.err


def test_a_model_without_capacity_in_the_horizon_reports_null_not_infinity(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    data = situation_data(work__duration_months=1, costs={"parameters": {"hiring_lead_days": 60}})
    run = cli("cost", write(tmp_path, data), "--json", "--trials", "300", "--seed", "1")
    assert run.code == 0, run.err
    assert "Infinity" not in run.out
    data = json.loads(run.out)
    assert data["models"]["in_house"]["cost_per_productive_engineer_month"] is None
    assert data["models"]["staff_augmentation"]["cost_per_productive_engineer_month"] > 0


def test_cost_json_adds_cash_opportunity_verdict_and_markets(cli: Callable[..., Run], tmp_path: Path) -> None:
    run = cli("cost", write(tmp_path, situation_data()), "--json", "--trials", "1000", "--seed", "2")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["markets"]["in_house"] == "us" and data["markets"]["given"] is False
    for model in data["models"].values():
        assert {"mean", "p10", "p50", "p90"} == set(model["cash"])
        assert set(model["opportunity"]) == {"mean"}
        assert model["verdict"] in ("recommended", "viable", "not_advised")
        assert model["cash"]["mean"] + model["opportunity"]["mean"] == pytest.approx(model["mean"], rel=1e-4)
        assert "leadership" in model["components"]


def test_cost_text_shows_the_verdict_next_to_each_cost(cli: Callable[..., Run], tmp_path: Path) -> None:
    data = situation_data(market={"in_house": "india", "vendor": "india"})
    run = cli("cost", write(tmp_path, data), "--trials", "500", "--seed", "1")
    assert run.code == 0, run.err
    assert "markets: in-house India, vendor India (your answer)" in run.out
    rows = [line for line in run.out.splitlines() if line.startswith(("staff aug", "in-house", "managed"))]
    assert rows and all(any(v in r for v in ("recommended", "viable", "not advised")) for r in rows)
    assert "cheapest on average:" in run.out


def test_a_not_advised_model_is_never_called_the_cheapest_without_saying_so() -> None:
    from seamline.cli.cost_cmd import cheapest_sentence
    from seamline.cost import build_plan, compare_costs
    from seamline.situation import parse_situation

    result = compare_costs(
        build_plan(parse_situation(situation_data(), "t.yaml")), trials=500, seed=1, sensitivity=False
    )
    cheapest = result.cheapest()
    verdicts = {mid: "viable" for mid in result.models}
    verdicts[cheapest] = "not_advised"
    text = cheapest_sentence(result, verdicts)
    assert "not advised" in text and "cheapest advised:" in text
    runner_up = result.cheapest(set(result.models) - {cheapest})
    assert result.models[runner_up].name in text
    verdicts[cheapest] = "recommended"
    assert "not advised" not in cheapest_sentence(result, verdicts)
