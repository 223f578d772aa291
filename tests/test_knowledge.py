"""The knowledge loader refuses what it must, naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seamline.errors import KnowledgeError
from seamline.knowledge import BUNDLED, load_knowledge


@pytest.fixture
def kdir(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(BUNDLED, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1))


def _error(kdir: Path) -> str:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kdir)
    return str(info.value)


def test_the_bundled_knowledge_is_valid_and_complete(kb) -> None:  # type: ignore[no-untyped-def]
    assert set(kb.sources) >= {
        "productera-wrong-roles",
        "codersera-three-models",
        "empat-outstaffing-outsourcing",
        "acquaint-it-software-staff",
        "augmex-vested",
    }
    assert list(kb.models) == [
        "in_house",
        "staff_augmentation",
        "dedicated_team",
        "project_outsourcing",
        "managed_services",
        "vested_outsourcing",
        "product_delivery",
    ]
    assert {m.id for m in kb.rules.mistakes} >= {
        "outsourcing_core_under_uncertainty",
        "short_term_convenience",
        "augmentation_without_leadership",
        "managed_services_for_product",
        "interchangeable_contract_models",
    }
    assert len(kb.rules.five_question_test) == 5 and len(kb.rules.mislabels) == 3
    assert {v.id for v in kb.models["project_outsourcing"].pricing_variants} == {
        "fixed_price",
        "time_and_materials",
        "monthly_retainer",
    }
    for model in kb.models.values():
        assert set(model.profile) == set(kb.criteria)


def test_unknown_source_is_refused_with_file_and_key(kdir: Path) -> None:
    _edit(
        kdir / "models" / "staff_augmentation.yaml",
        "  control: {value: 5, source: codersera-three-models}",
        "  control: {value: 5, source: a-blog-post}",
    )
    msg = _error(kdir)
    assert "knowledge/models/staff_augmentation.yaml" in msg and "profile.control.source" in msg
    assert "a-blog-post" in msg


def test_missing_source_is_refused(kdir: Path) -> None:
    _edit(
        kdir / "rules.yaml",
        "    text: Differentiating work makes retained knowledge, control and IP matter more.\n"
        "    source: codersera-three-models\n",
        "    text: Differentiating work matters.\n",
    )
    msg = _error(kdir)
    assert "knowledge/rules.yaml" in msg and "weights[0]" in msg and "source" in msg


def test_unknown_key_is_refused(kdir: Path) -> None:
    _edit(kdir / "models" / "managed_services.yaml", "summary: >-", "colour: blue\nsummary: >-")
    msg = _error(kdir)
    assert "knowledge/models/managed_services.yaml: colour" in msg and "unknown key" in msg


def test_duplicate_rule_id_is_refused(kdir: Path) -> None:
    _edit(kdir / "models" / "vested_outsourcing.yaml", "id: vested_long_engagement", "id: aug_core_evolving")
    msg = _error(kdir)
    assert "duplicate rule id 'aug_core_evolving'" in msg


def test_duplicate_yaml_key_is_refused_with_line(kdir: Path) -> None:
    _edit(kdir / "criteria.yaml", "  objective: max\n", "  objective: max\n  objective: min\n")
    msg = _error(kdir)
    assert "knowledge/criteria.yaml:" in msg and "duplicate key 'objective'" in msg


def test_condition_on_unknown_field_or_value_is_refused(kdir: Path) -> None:
    _edit(kdir / "models" / "dedicated_team.yaml", "{work.type: it_function}", "{work.kind: it_function}")
    assert "work.kind: unknown situation field" in _error(kdir)


def test_condition_with_unknown_value_is_refused(kdir: Path) -> None:
    _edit(kdir / "models" / "dedicated_team.yaml", "{work.type: it_function}", "{work.type: consulting}")
    assert "'consulting' is not an allowed value" in _error(kdir)


def test_missing_criterion_in_a_profile_is_refused(kdir: Path) -> None:
    _edit(
        kdir / "models" / "in_house.yaml",
        "  flexibility: {value: 1, source: seamline-assumption, "
        'note: "permanent headcount is hard to shrink"}\n',
        "",
    )
    assert "missing criterion 'flexibility'" in _error(kdir)


def test_questionnaire_must_cover_every_field(kdir: Path) -> None:
    path = kdir / "questions.yaml"
    text = path.read_text()
    start = text.index("- field: work.engineers")
    end = text.index("- field: team.technical_leadership")
    path.write_text(text[:start] + text[end:])
    assert "no question for situation field 'work.engineers'" in _error(kdir)
