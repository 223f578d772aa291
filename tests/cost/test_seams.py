"""Seams: the sources' role table gives five seams for staff augmentation and one for product delivery."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from seamline.errors import KnowledgeError, SituationError
from seamline.knowledge import MODEL_IDS, load_knowledge
from seamline.seams import find_seams, load_seams, map_seams, model_seams
from seamline.situation import Situation


def test_staff_augmentation_has_five_seams_and_product_delivery_one(
    make_situation: Callable[..., Situation],
) -> None:
    """productera-wrong-roles, section "The handshake is the bottleneck"."""
    seam_map = map_seams(make_situation())
    aug = seam_map.models["staff_augmentation"]
    assert len(aug.seams) == 5
    assert {s.in_house_role for s in aug.seams} == {
        "product_manager",
        "project_manager",
        "scrum_master",
        "dev_lead",
        "test_lead",
    }
    assert set(aug.roles_vendor) == {"developers", "testers"}
    delivery = seam_map.models["product_delivery"]
    assert [(s.in_house_role, s.vendor_role) for s in delivery.seams] == [
        ("product_manager", "project_manager")
    ]
    assert seam_map.models["in_house"].seams == ()


def test_every_model_has_a_cited_placement_and_hours_grow_with_seams(
    make_situation: Callable[..., Situation],
) -> None:
    kb = load_knowledge()
    seams = load_seams()
    for mid in MODEL_IDS:
        assert seams.placements[mid].source in kb.sources
    seam_map = map_seams(make_situation())
    hours = seam_map.hours
    assert hours["staff_augmentation"].coordination.likely > hours["product_delivery"].coordination.likely
    assert hours["in_house"].total.likely == 0


def test_seams_follow_the_placement_not_the_model_name() -> None:
    seams = load_seams()
    everything_in_house = dict.fromkeys(seams.role_ids, "in_house")
    assert find_seams(everything_in_house, seams) == ()
    only_developers_out = {**everything_in_house, "developers": "vendor"}
    crossing = {(s.from_role, s.to_role) for s in find_seams(only_developers_out, seams)}
    assert crossing == {(link.from_role, link.to) for link in seams.coordination if link.to == "developers"}


def test_a_user_placement_changes_the_seams_and_is_reported(make_situation: Callable[..., Situation]) -> None:
    situation = make_situation(costs={"placement": {"staff_augmentation": {"test_lead": "vendor"}}})
    aug = map_seams(situation).models["staff_augmentation"]
    assert aug.user_placement and aug.placement_source == "user"
    assert len(aug.seams) == 4  # the test lead now sits with the testers


@pytest.mark.parametrize(
    ("placement", "message"),
    [
        (
            {"product_manager": "none", "project_manager": "none", "dev_lead": "none"},
            "no one directs the work",
        ),
        ({"product_manager": "vendor", "project_manager": "vendor", "dev_lead": "vendor"}, "none of"),
        ({"developers": "none", "testers": "none"}, "no one does the work"),
        ({"chief_vibes_officer": "in_house"}, "unknown role"),
        ({"dev_lead": "outsourced"}, "expected one of: in_house, vendor, none"),
    ],
)
def test_bad_placements_are_refused_with_the_field_named(
    make_situation: Callable[..., Situation], placement: dict[str, str], message: str
) -> None:
    situation = make_situation(costs={"placement": {"staff_augmentation": placement}})
    with pytest.raises(SituationError) as info:
        model_seams(load_knowledge(), load_seams(), situation.costs, "test.yaml")
    text = str(info.value)
    assert "costs.placement.staff_augmentation" in text
    assert message in text


def test_a_bundled_placement_without_direction_is_a_knowledge_error(tmp_path: object) -> None:
    import shutil
    from pathlib import Path

    from seamline.knowledge import BUNDLED

    root = Path(str(tmp_path)) / "knowledge"
    shutil.copytree(BUNDLED, root)
    path = root / "seams.yaml"
    text = path.read_text()
    text = text.replace(
        "roles: {product_manager: in_house, project_manager: in_house, scrum_master: in_house, "
        "dev_lead: in_house,\n            test_lead: in_house, developers: vendor",
        "roles: {product_manager: vendor, project_manager: vendor, scrum_master: in_house, "
        "dev_lead: vendor,\n            test_lead: in_house, developers: vendor",
        1,
    )
    path.write_text(text)
    with pytest.raises(KnowledgeError, match="staff_augmentation"):
        load_seams(root)
