"""Fixtures for the decision-document tests: every example situation, built once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).with_name("fixtures")
TEST_TRIALS = 2000  # modest: the tests render four formats for every example


def example_situations() -> list[Path]:
    """Every file in examples/ that is a situation (portfolios and vendor profiles are not)."""
    from seamline.knowledge import load_knowledge
    from seamline.situation import load_situation

    kb = load_knowledge()
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        try:
            load_situation(path, kb.criterion_ids)
        except Exception:
            continue
        out.append(path)
    return out


SITUATIONS = example_situations()


@pytest.fixture(scope="session")
def kb() -> Any:
    from seamline.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture(scope="session")
def documents(kb: Any) -> dict[str, Any]:
    """name -> DecisionDocument for every example situation."""
    from seamline.report import build_document
    from seamline.situation import load_situation

    return {
        p.stem: build_document(load_situation(p, kb.criterion_ids), kb, trials=TEST_TRIALS, seed=7)
        for p in SITUATIONS
    }
