"""seamline: decide how to buy external software-engineering capacity, and check you bought it.

Public API (pure functions over frozen values; each is imported on first use, so ``import seamline`` and
the CLI start fast)::

    from seamline import load_situation, advise, build_plan, compare_costs, map_seams
    situation = load_situation("examples/pre_seed_mvp.yaml")
    advice = advise(situation)                                   # ranking, reasons, warnings, would_change
    costs = compare_costs(build_plan(situation), trials=20_000, seed=1)
    seams = map_seams(situation)
    report = check_contract("proposal.pdf")                      # detected vs claimed model, findings
    plan = plan_portfolio(load_portfolio("examples/portfolio_scale_up.yaml"))
    card = score_vendor(load_vendor("examples/vendor_northwind_data_backed.yaml"), "staff_augmentation")
    pdf = render(build_document(situation), "pdf")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "advise": "seamline.advisor",
    "load_knowledge": "seamline.knowledge",
    "load_situation": "seamline.situation",
    "parse_situation": "seamline.situation",
    "build_plan": "seamline.cost",
    "compare_costs": "seamline.cost",
    "map_seams": "seamline.cost",
    "check_contract": "seamline.contracts.check",
    "check_text": "seamline.contracts.check",
    "load_vendor": "seamline.vendors",
    "score_vendor": "seamline.vendors",
    "compare_vendors": "seamline.vendors",
    "load_portfolio": "seamline.portfolio",
    "plan_portfolio": "seamline.portfolio",
    "build_document": "seamline.report",
    "render": "seamline.report",
}

__all__ = [
    "__version__",
    "advise",
    "build_document",
    "build_plan",
    "check_contract",
    "check_text",
    "compare_costs",
    "compare_vendors",
    "load_knowledge",
    "load_portfolio",
    "load_situation",
    "load_vendor",
    "map_seams",
    "parse_situation",
    "plan_portfolio",
    "render",
    "score_vendor",
]

if TYPE_CHECKING:
    from seamline.advisor import advise
    from seamline.contracts.check import check_contract, check_text
    from seamline.cost import build_plan, compare_costs, map_seams
    from seamline.knowledge import load_knowledge
    from seamline.portfolio import load_portfolio, plan_portfolio
    from seamline.report import build_document, render
    from seamline.situation import load_situation, parse_situation
    from seamline.vendors import compare_vendors, load_vendor, score_vendor


def __getattr__(name: str) -> Any:  # lazy: keep `import seamline` and CLI start-up fast
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
