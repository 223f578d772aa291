"""Seams: the sources' role table gives five seams for staff augmentation and one for product delivery;
roles the client lacks are not drawn in-house; IT functions get the operations template; seams never
import the cost model."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from seamline.cost import map_seams
from seamline.errors import KnowledgeError, SituationError
from seamline.knowledge import MODEL_IDS, load_knowledge
from seamline.seams import find_seams, load_seams, model_seams
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
    old = (
        "roles: {product_manager: in_house, project_manager: in_house, scrum_master: in_house, "
        "dev_lead: in_house,\n                test_lead: in_house, developers: vendor"
    )
    assert old in text
    text = text.replace(
        old,
        "roles: {product_manager: vendor, project_manager: vendor, scrum_master: in_house, "
        "dev_lead: vendor,\n                test_lead: in_house, developers: vendor",
        1,
    )
    path.write_text(text)
    with pytest.raises(KnowledgeError, match="staff_augmentation"):
        load_seams(root)


def test_roles_the_client_does_not_have_are_not_drawn_in_house(
    make_situation: Callable[..., Situation],
) -> None:
    """A team without a product manager or a technical lead has neither in-house under any model."""
    seam_map = map_seams(make_situation(team__product_manager=False, team__technical_leadership="none"))
    for mid, m in seam_map.models.items():
        assert "product_manager" not in m.roles_in_house, mid
        assert "dev_lead" not in m.roles_in_house, mid
        assert all("product_manager" not in (s.from_role, s.to_role) for s in m.seams), mid
    aug = seam_map.models["staff_augmentation"]
    assert set(aug.roles_missing) == {"product_manager", "dev_lead"}
    assert {s.link for s in aug.seams} == {"test_coordination", "ceremonies", "work_tracking"}
    assert "dev_lead" not in aug.leadership_in_house
    with_pm = map_seams(make_situation(team__technical_leadership="none")).models["product_delivery"]
    assert with_pm.roles_in_house == ("product_manager",) and with_pm.roles_missing == ()


def test_a_limited_lead_is_still_a_lead(make_situation: Callable[..., Situation]) -> None:
    aug = map_seams(make_situation(team__technical_leadership="limited")).models["staff_augmentation"]
    assert "dev_lead" in aug.roles_in_house and len(aug.seams) == 5


def test_an_it_function_gets_the_operations_template_not_the_product_one(
    make_situation: Callable[..., Situation],
) -> None:
    """codersera-three-models, acquaint-it-software-staff: a managed function is governed by service
    levels, incident escalation and change approval between the client's owner and the provider."""
    seam_map = map_seams(make_situation(work__type="it_function", work__core=False))
    assert seam_map.template == "operations"
    roles = {r for m in seam_map.models.values() for r in (*m.roles_in_house, *m.roles_vendor)}
    assert not roles & {"product_manager", "project_manager", "scrum_master", "developers"}
    managed = seam_map.models["managed_services"]
    assert managed.roles_in_house == ("service_owner",)
    assert {s.link for s in managed.seams} == {"service_levels", "incident_escalation", "change_approval"}
    crossings = {s.crosses for m in seam_map.models.values() for s in m.seams}
    assert not any("what to build" in c for c in crossings)
    aug = seam_map.models["staff_augmentation"]
    assert set(aug.leadership_in_house) == {"service_manager", "operations_lead"}
    assert map_seams(make_situation()).template == "product"


def test_a_user_placement_wins_over_the_team_and_is_checked_against_the_template(
    make_situation: Callable[..., Situation],
) -> None:
    situation = make_situation(
        team__product_manager=False,
        costs={"placement": {"product_delivery": {"product_manager": "in_house"}}},
    )
    delivery = map_seams(situation).models["product_delivery"]
    assert delivery.user_placement and "product_manager" in delivery.roles_in_house
    helpdesk = make_situation(
        work__type="it_function", costs={"placement": {"managed_services": {"dev_lead": "vendor"}}}
    )
    with pytest.raises(SituationError, match=r"costs\.placement\.managed_services\.dev_lead"):
        map_seams(helpdesk)


def test_the_seams_module_never_imports_the_cost_model() -> None:
    """One direction of dependency: cost reads seams; seams does not read cost."""
    import ast
    import inspect

    import seamline.cost.plan
    import seamline.seams

    tree = ast.parse(inspect.getsource(seamline.seams))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {m for m in imported if m and m.startswith("seamline.cost")}
    assert "seamline.seams" in inspect.getsource(seamline.cost.plan)
