"""The contract knowledge files and the shipped classifier: cited, complete, overridable."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seamline.contracts.catalogue import load_checklist, load_document_types, load_signals
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


def test_every_model_has_required_items_and_signals_on_every_dimension() -> None:
    checklist = load_checklist()
    signals = load_signals()
    for model in ("staff_augmentation", "project_outsourcing", "managed_services", "dedicated_team",
                  "vested_outsourcing", "product_delivery"):  # fmt: skip
        assert any(model in i.required_for for i in checklist.items), model
        dims = {s.dimension for s in signals.signals if s.points_to.get(model, 0) > 0}
        assert dims == {"directs", "owns_outcome", "pricing", "basis"}, (model, dims)


def test_every_document_type_has_cues() -> None:
    from seamline.contracts.catalogue import DOCUMENT_TYPES

    types = load_document_types()
    assert {t.id for t in types.types} == set(DOCUMENT_TYPES)
    for t in DOCUMENT_TYPES:
        assert any(c.points_to.get(t, 0) > 0 for c in types.cues), t


def test_engagement_artefact_knows_the_knowledge_base() -> None:
    from seamline.contracts.catalogue import DOCUMENT_TYPES
    from seamline.contracts.detect import OUTSIDE_MODELS
    from seamline.contracts.learn import load

    art = load()
    assert art.model.classes == OUTSIDE_MODELS and art.document_type.classes == DOCUMENT_TYPES
    assert set(art.model.features) == {s.id for s in load_signals().signals}
    assert set(art.document_type.features) == {c.id for c in load_document_types().cues}
    assert art.info["held_out"]["accuracy"] is not None


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
    path.write_text(text.replace("points_to: {managed_services: 2}", "points_to: {body_shop: 2}", 1))
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
