"""The contract knowledge files and the shipped classifier: cited, complete, overridable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seamline.contracts.catalogue import load_checklist, load_signals
from seamline.contracts.classify import load_model
from seamline.contracts.corpus import is_held_out
from seamline.errors import KnowledgeError
from seamline.knowledge import BUNDLED

CUAD_19 = {
    "Ip Ownership Assignment", "Joint Ip Ownership", "License Grant", "Non-Compete",
    "No-Solicit Of Employees",
    "Termination For Convenience", "Cap On Liability", "Uncapped Liability", "Audit Rights",
    "Post-Termination Services", "Source Code Escrow", "Insurance", "Warranty Duration", "Minimum Commitment",
    "Revenue/Profit Sharing", "Liquidated Damages", "Change Of Control", "Anti-Assignment", "Governing Law",
}  # fmt: skip
CUAD_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cuad"


def test_checklist_maps_the_19_cuad_categories() -> None:
    checklist = load_checklist()
    assert {i.cuad for i in checklist.items if i.cuad} == CUAD_19
    ids = [i.id for i in checklist.items]
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(not (CUAD_DIR / "categories.json").exists(), reason="CUAD not available")
def test_cuad_names_exist_in_the_corpus() -> None:
    names = {c["name"] for c in json.loads((CUAD_DIR / "categories.json").read_text(encoding="utf-8"))}
    assert names >= CUAD_19


def test_every_model_has_required_items_and_cues() -> None:
    checklist = load_checklist()
    signals = load_signals()
    for model in ("staff_augmentation", "project_outsourcing", "managed_services", "dedicated_team",
                  "vested_outsourcing", "product_delivery"):  # fmt: skip
        assert any(model in i.required_for for i in checklist.items), model
        assert any(model in c.favours for c in signals.cues), model


def test_model_artefact_matches_checklist() -> None:
    model = load_model()
    assert set(model.categories) == CUAD_19
    assert model.training_ids
    assert not any(is_held_out(i) for i in model.training_ids)
    assert model.weights.shape == (model.encoder.size, len(model.categories))


def _copy_knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(BUNDLED, root)
    return root


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    path = root / "checklist.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("source: augmex-vested", "source: a-blog", 1))
    with pytest.raises(KnowledgeError) as err:
        load_checklist(root)
    assert "checklist.yaml" in str(err.value) and "a-blog" in str(err.value)


def test_bad_regex_and_unknown_model_are_refused(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    path = root / "contract_signals.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("favours: {managed_services: 3}", "favours: {body_shop: 3}", 1))
    with pytest.raises(KnowledgeError, match="body_shop"):
        load_signals(root)
    path.write_text(text.replace("'\\bescrow\\b'", "'(escrow'"), encoding="utf-8")
    path2 = root / "checklist.yaml"
    path2.write_text(
        path2.read_text(encoding="utf-8").replace("'\\bescrow\\b'", "'(escrow'"), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError, match="invalid regular expression"):
        load_checklist(root)


def test_user_knowledge_overrides_a_limit(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    path = root / "contract_signals.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("value: 20000000", "value: 1234"), encoding="utf-8"
    )
    assert load_signals(root).limits.max_file_bytes.value == 1234
