"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def kb():  # type: ignore[no-untyped-def]
    from seamline.knowledge import load_knowledge

    return load_knowledge()
