"""The package's public API resolves lazily to the real functions and works end to end on an example."""

from __future__ import annotations

from pathlib import Path

import seamline

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_public_name_resolves_to_a_callable() -> None:
    for name in seamline.__all__:
        if name != "__version__":
            assert callable(getattr(seamline, name)), name


def test_the_documented_pipeline_runs() -> None:
    situation = seamline.load_situation(EXAMPLES / "pre_seed_mvp.yaml")
    advice = seamline.advise(situation)
    assert advice.recommended == advice.ranking[0].model
    costs = seamline.compare_costs(seamline.build_plan(situation), trials=500, seed=1)
    assert set(costs.to_json()["models"]) == {r.model for r in advice.ranking}
    seams = seamline.map_seams(situation)
    assert seams is not None


def test_all_lists_exactly_the_lazy_names() -> None:
    assert set(seamline.__all__) - {"__version__"} == set(seamline._LAZY)
