"""Shared helpers of the audit tests: a small repository of contract fixtures and its manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

FIX = Path(__file__).resolve().parents[1] / "contracts" / "fixtures"
NAMES = (
    "managed_services.txt",
    "staff_augmentation.md",
    "mislabel_managed_named_engineers.txt",
    "mislabel_sow_staff_aug.txt",
    "project_outsourcing.txt",
    "nda.txt",
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A folder tree of documents (one in a sub-folder)."""
    folder = tmp_path / "repo"
    (folder / "sub").mkdir(parents=True)
    for i, name in enumerate(NAMES):
        shutil.copy(FIX / name, (folder / "sub" if i == 0 else folder) / name)
    return folder


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
