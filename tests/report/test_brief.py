"""The vendor brief names the model and gives what that model needs; its knowledge file is checked."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.report.conftest import EXAMPLES

from seamline.errors import KnowledgeError
from seamline.knowledge import BUNDLED, load_knowledge
from seamline.report import build_brief
from seamline.report.brief import load_brief_knowledge
from seamline.situation import load_situation
from seamline.vendors import load_vendor_knowledge

# What the brief must say per model (issue 6, from the sources' advice on briefing vendors).
NEEDS = {
    "staff_augmentation": ["stand-up", "pull request", "planning", "technical direction", "stack"],
    "project_outsourcing": ["scope", "acceptance criteria", "change-request", "out"],
    "managed_services": ["function", "service-level targets", "availability", "response"],
    "vested_outsourcing": ["milestones", "kpis", "business context", "retainer"],
    "dedicated_team": ["who owns what", "composition", "continuity"],
    "product_delivery": ["who owns what", "product manager", "project manager"],
    "in_house": ["role", "stack"],
}


@pytest.fixture(scope="module")
def situation(kb: Any) -> Any:
    return load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)


@pytest.mark.parametrize("model_id", list(NEEDS))
def test_brief_names_the_model_and_its_needs(kb: Any, situation: Any, model_id: str) -> None:
    brief = build_brief(situation, model_id, kb, seniority="Senior developer")
    model = kb.models[model_id]
    text = brief.to_text()
    assert model.name.lower() in brief.title.lower()
    assert model.name.lower() in brief.ask.lower()
    lowered = text.lower()
    for phrase in NEEDS[model_id]:
        assert phrase in lowered, f"{model_id} brief lacks {phrase!r}"
    assert "{" not in text and "}" not in text, "a placeholder was left unfilled"
    assert f"engineers: {situation.work.engineers}" in lowered
    assert all(s in kb.sources for s in brief.sources)


@pytest.mark.parametrize("model_id", list(NEEDS))
def test_brief_asks_every_vendor_question_heaviest_first(kb: Any, situation: Any, model_id: str) -> None:
    vk = load_vendor_knowledge()
    brief = build_brief(situation, model_id, kb)
    assert {q.id for q in brief.questions} == {q.id for q in vk.questions}
    weights = [q.weight for q in brief.questions]
    assert weights == sorted(weights, reverse=True)
    assert weights == [vk.weight(vk.question(q.id), model_id) for q in brief.questions]


def test_brief_warns_against_the_mislabels_of_its_model(kb: Any, situation: Any) -> None:
    for rule in kb.rules.mislabels:
        brief = build_brief(situation, rule.actually, kb)
        assert rule.described_as in {n.model for n in brief.not_this}
        assert rule.consequence in brief.to_text()


def test_brief_lists_the_contract_terms_the_model_requires(kb: Any, situation: Any) -> None:
    from seamline.contracts.catalogue import load_checklist

    items = load_checklist().items
    for model_id in kb.models:
        brief = build_brief(situation, model_id, kb)
        assert set(brief.contract_terms) == {i.name for i in items if model_id in i.required_for}


def test_brief_fills_the_situation_in(kb: Any) -> None:
    base = load_situation(EXAMPLES / "pre_seed_mvp.yaml", kb.criterion_ids)
    changed = base.with_answer("work.engineers", 7).with_answer("work.duration_months", 11)
    text = build_brief(changed, "staff_augmentation", kb).to_text()
    assert "7 engineers" in text and "11 months" in text
    assert "2 engineers" not in text


def test_unknown_model_is_refused(kb: Any, situation: Any) -> None:
    with pytest.raises(KnowledgeError, match="unknown engagement model 'body_shop'"):
        build_brief(situation, "body_shop", kb)


# --------------------------------------------------------------------------------------- knowledge
def _copy_knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(BUNDLED, root)
    return root


def _edit_brief(root: Path, edit: Any) -> None:
    path = root / "brief.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_bundled_brief_knowledge_covers_every_model() -> None:
    bk = load_brief_knowledge()
    assert set(bk.models) == set(load_knowledge().models)


def test_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    _edit_brief(root, lambda d: d["models"]["staff_augmentation"].update(ask="We want {budget} now."))
    with pytest.raises(KnowledgeError) as err:
        load_brief_knowledge(root)
    text = str(err.value)
    assert "knowledge/brief.yaml: models.staff_augmentation.ask" in text
    assert "unknown placeholder {budget}" in text


def test_missing_model_brief_is_refused(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    _edit_brief(root, lambda d: d["models"].pop("managed_services"))
    with pytest.raises(KnowledgeError, match="no brief for engagement model 'managed_services'"):
        load_brief_knowledge(root)


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    _edit_brief(root, lambda d: d["models"]["dedicated_team"]["needs"][0].update(source="a-blog"))
    with pytest.raises(KnowledgeError, match="unknown source 'a-blog'"):
        load_brief_knowledge(root)


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    _edit_brief(root, lambda d: d["document"].update(colour="blue"))
    with pytest.raises(KnowledgeError) as err:
        load_brief_knowledge(root)
    assert "document.colour" in str(err.value) and "unknown key" in str(err.value)


def test_knowledge_validate_checks_the_brief(tmp_path: Path) -> None:
    from seamline.cli import main

    root = _copy_knowledge(tmp_path)
    _edit_brief(root, lambda d: d["models"]["staff_augmentation"].update(ask="{oops}"))
    with pytest.raises(SystemExit) as exc:
        main(["knowledge", "validate", "--knowledge", str(root)])
    assert exc.value.code == 2


def test_an_ask_that_does_not_name_the_model_is_refused(tmp_path: Path) -> None:
    root = _copy_knowledge(tmp_path)
    _edit_brief(root, lambda d: d["models"]["project_outsourcing"].update(ask="We want some help."))
    with pytest.raises(KnowledgeError, match=r"models\.project_outsourcing\.ask"):
        load_brief_knowledge(root)
