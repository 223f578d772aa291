"""Portfolio planning: a model per workstream from the advisor, totals, seams, warnings, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from seamline import conditions
from seamline.cli import main
from seamline.errors import InputFileError, SituationError
from seamline.knowledge import load_knowledge
from seamline.portfolio import Cost, load_portfolio, parse_portfolio, plan_portfolio

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
TEAM = {"technical_leadership": "strong", "product_manager": True}
PREFS = {
    "involvement": "daily_direction",
    "pricing": "time_and_materials",
    "ip_in_house": True,
    "share_business_context": True,
}
PRODUCT = {
    "type": "product_development",
    "core": True,
    "scope": "evolving",
    "duration_months": 12,
    "engineers": 4,
}
OPS = {"type": "it_function", "core": False, "scope": "partly_defined", "duration_months": 12, "engineers": 2}


def fake_cost(situation: Any, model: str, trials: int, seed: int) -> Cost:
    """A stand-in for the cost model: engineer-months times a per-model figure derived from the id."""
    per = 1000.0 * (1 + len(model))
    total = per * situation.work.engineers * situation.work.duration_months
    return Cost(
        mean=total, p10=total * 0.9, p50=total, p90=total * 1.1, horizon_months=situation.work.duration_months
    )


def portfolio(*streams: dict[str, Any], stage: str = "scale_up") -> dict[str, Any]:
    return {
        "name": "P",
        "stage": stage,
        "defaults": {"team": TEAM, "preferences": PREFS},
        "workstreams": list(streams),
    }


def stage_rows(kb: Any, situation: Any) -> list[Any]:
    answers = situation.flat()
    return [
        r for r in kb.rules.stage_table if r.stage == situation.stage and conditions.holds(r.when, answers)
    ]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_scale_up_example_follows_the_stage_table() -> None:
    """source: codersera-three-models (scale-up: augmentation for product, managed services for
    operations)."""
    kb = load_knowledge()
    pf = load_portfolio(EX / "portfolio_scale_up.yaml", kb)
    plan = plan_portfolio(pf, kb, cost_fn=fake_cost)
    models = {w.work_type: w.model for w in plan.workstreams}
    assert models == {"product_development": "staff_augmentation", "it_function": "managed_services"}
    for ws, wp in zip(pf.workstreams, plan.workstreams, strict=True):
        rows = stage_rows(kb, ws.situation)
        assert rows and wp.model in rows[0].favours
    assert not any(w.id == "one_model_for_everything" for w in plan.warnings)


def test_enterprise_example_uses_all_three_partitioned_by_work_type() -> None:
    """source: codersera-three-models (enterprise: all three, partitioned by work type)."""
    kb = load_knowledge()
    pf = load_portfolio(EX / "portfolio_enterprise.yaml", kb)
    plan = plan_portfolio(pf, kb, cost_fn=fake_cost)
    assert {w.model for w in plan.workstreams} == {
        "staff_augmentation",
        "project_outsourcing",
        "managed_services",
    }
    followed = 0
    for ws, wp in zip(pf.workstreams, plan.workstreams, strict=True):
        rows = stage_rows(kb, ws.situation)
        if rows:  # the enterprise augmentation row covers specialist or temporary capacity only (issue 12)
            assert wp.model in rows[0].favours
            followed += 1
    assert followed >= 2


def test_totals_by_model_add_up_and_vendor_concentration_is_warned() -> None:
    """source: seamline-assumption (more than half of the spend with one vendor)."""
    plan = plan_portfolio(load_portfolio(EX / "portfolio_enterprise.yaml"), cost_fn=fake_cost)
    assert plan.total_engineers == sum(m.engineers for m in plan.by_model)
    assert plan.total_cost == pytest.approx(sum(m.cost_mean or 0 for m in plan.by_model))
    top = max(plan.vendor_share, key=plan.vendor_share.__getitem__)
    concentrated = [w for w in plan.warnings if w.id == "vendor_concentration"]
    assert (plan.vendor_share[top] > 0.5) == bool(concentrated)
    assert sum(plan.vendor_share.values()) == pytest.approx(1.0, abs=1e-3)


def test_one_model_for_everything_and_core_under_fixed_bid() -> None:
    """source: codersera-three-models (partition by work type; outsourcing core under uncertainty)."""
    plan = plan_portfolio(load_portfolio(EX / "portfolio_one_vendor_everything.yaml"), cost_fn=fake_cost)
    ids = {w.id for w in plan.warnings}
    assert {"one_model_for_everything", "core_under_fixed_bid", "vendor_concentration"} <= ids
    same = portfolio({"name": "A", "work": PRODUCT}, {"name": "B", "work": PRODUCT | {"core": False}})
    assert "one_model_for_everything" not in {
        w.id
        for w in plan_portfolio(parse_portfolio(same | {"stage": "seed"}, "p"), cost_fn=fake_cost).warnings
    }


def test_managed_services_on_product_work_is_warned() -> None:
    """source: codersera-three-models (managed services for product decisions)."""
    data = portfolio(
        {"name": "App", "model": "managed_services", "work": PRODUCT}, {"name": "Ops", "work": OPS}
    )
    plan = plan_portfolio(parse_portfolio(data, "p"), cost_fn=fake_cost)
    warned = [w for w in plan.warnings if w.id == "managed_services_on_product"]
    assert warned and warned[0].workstreams == ("App",)


def test_workstream_blocks_override_the_shared_defaults() -> None:
    data = portfolio({"name": "Ops", "work": OPS, "preferences": {"involvement": "service_levels"}})
    ws = parse_portfolio(data, "p").workstreams[0]
    assert ws.situation.preferences.involvement == "service_levels"
    assert ws.situation.preferences.pricing == PREFS["pricing"]
    assert ws.situation.stage == "scale_up"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (
            portfolio({"name": "A", "work": PRODUCT, "budget": 5}),
            "workstreams[0].budget: unknown workstream field",
        ),
        (
            portfolio({"name": "A", "work": PRODUCT}, {"name": "A", "work": OPS}),
            "duplicate workstream name 'A'",
        ),
        (portfolio(), "non-empty list of workstreams"),
        ({"stage": "scale_up"}, "non-empty list of workstreams"),
        (portfolio({"name": "A", "work": PRODUCT, "model": "outstaffing"}), "workstreams[0].model"),
        (portfolio({"name": "A", "work": PRODUCT}) | {"owner": "x"}, "owner: unknown portfolio field"),
    ],
)
def test_bad_portfolios_are_refused(data: dict[str, Any], needle: str) -> None:
    with pytest.raises(InputFileError) as exc:
        parse_portfolio(data, "p.yaml")
    assert needle in str(exc.value)


def test_a_bad_answer_in_a_workstream_names_the_workstream() -> None:
    data = portfolio({"name": "Core", "work": PRODUCT | {"scope": "vague"}})
    with pytest.raises(SituationError) as exc:
        parse_portfolio(data, "p.yaml")
    assert "workstreams[0] (Core)" in str(exc.value) and "work.scope" in str(exc.value)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("stage: scale_up\nworkstreams:\n  - {name: A, colour: red}\n", "unknown workstream field"),
        ("stage: scale_up\nworkstreams: []\n", "non-empty list"),
        ("stage: scale_up\nworkstreams:\n  - {name: A}\n  - {name: A}\n", "duplicate workstream name"),
    ],
)
def test_cli_bad_portfolio_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, body: str, needle: str
) -> None:
    path = tmp_path / "portfolio_bad.yaml"
    path.write_text(body)
    code, _, err = run(capsys, "portfolio", str(path))
    assert code == 2 and needle in err and "portfolio_bad.yaml" in err


def test_cli_portfolio_json_and_chart(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "plan.png"
    code, out, err = run(
        capsys,
        "portfolio",
        str(EX / "portfolio_scale_up.yaml"),
        "--json",
        "--trials",
        "300",
        "--chart",
        str(chart),
    )
    assert code == 0, err
    data = json.loads(out)
    assert {"portfolio", "stage", "workstreams", "by_model", "totals", "vendor_share", "warnings"} <= set(
        data
    )
    ws = data["workstreams"][0]
    assert {"name", "model", "recommended", "engineers", "cost", "seams", "seam_count", "warnings"} <= set(ws)
    assert data["totals"]["cost_mean"] == pytest.approx(sum(w["cost"]["mean"] for w in data["workstreams"]))
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_cli_portfolio_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "portfolio", str(EX / "portfolio_one_vendor_everything.yaml"), "--trials", "200"
    )
    assert code == 0 and "One model for everything" in out and "Seams per workstream" in out
