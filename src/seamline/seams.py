"""Organisational seams: which roles sit in-house or at the vendor, and which coordination links cross.

A *seam* is a coordination link (``from`` coordinates ``to``) whose two roles sit on different sides of
the company boundary; each one costs handoffs, status meetings and clarifications. The roles and links are
data (``knowledge/seams.yaml``), one template per kind of work: Productera's product roles for product
development (five seams for staff augmentation, one for product delivery) and an operations template for
an IT function run as a service. Roles the client does not have are not drawn in-house (the template's
``in_house_when``); users give their own placement in ``costs.placement``.

This module depends on the knowledge base only: the cost model reads it (``seamline.cost``), never the
reverse. The seam map with in-house hours per week is assembled by :func:`seamline.cost.map_seams`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from seamline.conditions import holds
from seamline.errors import KnowledgeError, Problem, SituationError
from seamline.knowledge import (
    BUNDLED,
    MODEL_IDS,
    Condition,
    Entry,
    KnowledgeBase,
    load_file,
    load_knowledge,
)

if TYPE_CHECKING:
    from seamline.situation import Situation

Side = Literal["in_house", "vendor", "none"]
SIDES: tuple[str, ...] = ("in_house", "vendor", "none")
DEFAULT_TEMPLATE = "product"


class SeamRole(Entry):
    id: str
    name: str
    directs_work: bool
    delivery: bool
    leadership: bool = False  # an in-house leadership role the cost model charges
    in_house_when: Condition | None = None  # drawn in-house only when this holds for the situation
    source: str
    note: str | None = None

    @field_validator("in_house_when")
    @classmethod
    def _valid_when(cls, value: Condition | None) -> Condition | None:
        from seamline import conditions
        from seamline.situation import FIELDS

        problems = conditions.check(value, FIELDS)
        if problems:
            raise ValueError("; ".join(problems))
        return value


class Link(Entry):
    id: str
    from_role: str = Field(alias="from")
    to: str
    via: str | None = None
    crosses: str
    source: str


class PlacementEntry(Entry):
    roles: dict[str, Side]
    source: str
    note: str | None = None


class SeamTemplate(Entry):
    """The roles, links and per-model placements for one kind of work."""

    id: str
    name: str
    work_types: list[str] = Field(min_length=1)
    source: str
    roles: list[SeamRole] = Field(min_length=1)
    coordination: list[Link] = Field(min_length=1)
    placements: dict[str, PlacementEntry]

    def role(self, role_id: str) -> SeamRole:
        return next(r for r in self.roles if r.id == role_id)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)


class SeamsFile(Entry):
    templates: list[SeamTemplate] = Field(min_length=1)

    def template(self, template_id: str = DEFAULT_TEMPLATE) -> SeamTemplate:
        return next(t for t in self.templates if t.id == template_id)

    def for_work(self, work_type: str | None) -> SeamTemplate:
        """The template for a ``work.type`` answer (the product template when none names it)."""
        found = next((t for t in self.templates if work_type in t.work_types), None)
        return found or self.template()

    # The product template's parts, for callers that predate the templates.
    @property
    def roles(self) -> list[SeamRole]:
        return self.template().roles

    @property
    def coordination(self) -> list[Link]:
        return self.template().coordination

    @property
    def placements(self) -> dict[str, PlacementEntry]:
        return self.template().placements

    @property
    def role_ids(self) -> tuple[str, ...]:
        return self.template().role_ids

    def role(self, role_id: str) -> SeamRole:
        return self.template().role(role_id)


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Seam(_Frozen):
    link: str
    from_role: str
    to_role: str
    in_house_role: str
    vendor_role: str
    crosses: str
    source: str


class ModelSeams(_Frozen):
    model_id: str
    template: str = DEFAULT_TEMPLATE
    placement: dict[str, str]
    placement_source: str
    placement_note: str | None = None
    user_placement: bool = False
    roles_in_house: tuple[str, ...]
    roles_vendor: tuple[str, ...]
    roles_missing: tuple[str, ...] = ()  # the template draws them in-house; the client has none
    leadership_in_house: tuple[str, ...] = ()  # in-house roles marked `leadership` in the template
    seams: tuple[Seam, ...]


class HasPlacement(Protocol):
    """Anything with a user placement (``costs.placement``): model -> role -> side."""

    @property
    def placement(self) -> Mapping[str, Mapping[str, str]]: ...


def load_seams(root: Path | str | None = None) -> SeamsFile:
    """Load and cross-check ``knowledge/seams.yaml`` (cached per folder)."""
    return _load_cached(str(Path(root or BUNDLED).resolve()))


@lru_cache(maxsize=8)
def _load_cached(root_str: str) -> SeamsFile:
    root = Path(root_str)
    kb = load_knowledge(root)
    data = load_file("seams.yaml", SeamsFile, root, kb.sources)
    where = "knowledge/seams.yaml"
    problems: list[Problem] = []
    ids = [t.id for t in data.templates]
    if len(set(ids)) != len(ids):
        problems.append(Problem(f"{where}: templates", "duplicate template id"))
    if DEFAULT_TEMPLATE not in ids:
        problems.append(Problem(f"{where}: templates", f"missing the {DEFAULT_TEMPLATE!r} template"))
    claimed = [w for t in data.templates for w in t.work_types]
    for work_type in sorted({w for w in claimed if claimed.count(w) > 1}):
        problems.append(Problem(f"{where}: templates", f"work type {work_type!r} has more than one template"))
    for t in data.templates:
        problems += _check_template(t, f"{where}: templates.{t.id}")
    if problems:
        raise KnowledgeError(f"{where}: invalid seams", problems)
    for t in data.templates:
        for mid, entry in t.placements.items():
            if mid in kb.models:
                _check_directed(
                    t, kb, mid, entry.roles, f"{where}: templates.{t.id}.placements.{mid}", KnowledgeError
                )
    return data


def _check_template(t: SeamTemplate, where: str) -> list[Problem]:
    problems: list[Problem] = []
    ids = t.role_ids
    if len(set(ids)) != len(ids):
        problems.append(Problem(f"{where}: roles", "duplicate role id"))
    for link in t.coordination:
        for key, role in (("from", link.from_role), ("to", link.to), ("via", link.via)):
            if role is not None and role not in ids:
                problems.append(Problem(f"{where}: coordination.{link.id}.{key}", f"unknown role {role!r}"))
    for mid in MODEL_IDS:
        if mid not in t.placements:
            problems.append(Problem(f"{where}: placements", f"missing engagement model {mid!r}"))
    for mid, entry in t.placements.items():
        if mid not in MODEL_IDS:
            problems.append(Problem(f"{where}: placements.{mid}", "unknown engagement model"))
        missing = [r for r in ids if r not in entry.roles]
        unknown = [r for r in entry.roles if r not in ids]
        if missing:
            problems.append(Problem(f"{where}: placements.{mid}", f"places no side for {', '.join(missing)}"))
        if unknown:
            problems.append(Problem(f"{where}: placements.{mid}", f"unknown roles {', '.join(unknown)}"))
    return problems


def find_seams(placement: Mapping[str, str], seams: SeamTemplate | SeamsFile) -> tuple[Seam, ...]:
    """The coordination links that cross the boundary under ``placement`` (pure)."""
    found = []
    for link in seams.coordination:
        a, b = placement.get(link.from_role, "none"), placement.get(link.to, "none")
        if "none" in (a, b) or a == b:
            continue
        if link.via is not None and placement.get(link.via) == b:
            continue  # the work reaches `to` through `via` on the far side; that link carries the seam
        in_house, vendor = (link.from_role, link.to) if a == "in_house" else (link.to, link.from_role)
        found.append(
            Seam(
                link=link.id,
                from_role=link.from_role,
                to_role=link.to,
                in_house_role=in_house,
                vendor_role=vendor,
                crosses=link.crosses,
                source=link.source,
            )
        )
    return tuple(found)


def model_seams(
    kb: KnowledgeBase,
    seams: SeamsFile,
    overrides: HasPlacement | None = None,
    where: str = "situation",
    *,
    situation: Situation | None = None,
) -> dict[str, ModelSeams]:
    """Placement and seams of every engagement model.

    With ``situation``: its work type picks the template and roles the team lacks are not drawn in-house.
    The user's placement (``overrides.placement``, from ``costs.placement``) is applied last and checked.
    """
    template = seams.for_work(situation.work.type if situation is not None else None)
    answers: dict[str, Any] | None = situation.flat() if situation is not None else None
    user: Mapping[str, Mapping[str, str]] = overrides.placement if overrides is not None else {}
    _check_user(user, template, where)
    out = {}
    for mid in MODEL_IDS:
        entry = template.placements[mid]
        placement: dict[str, str] = dict(entry.roles)
        missing: list[str] = []
        if answers is not None:
            for role in template.roles:
                if placement[role.id] == "in_house" and not holds(role.in_house_when, answers):
                    placement[role.id] = "none"
                    missing.append(role.id)
        placement.update(user.get(mid, {}))
        if mid in user:
            _check_directed(template, kb, mid, placement, f"{where}: costs.placement.{mid}", SituationError)
        out[mid] = ModelSeams(
            model_id=mid,
            template=template.id,
            placement=placement,
            placement_source="user" if mid in user else entry.source,
            placement_note=entry.note,
            user_placement=mid in user,
            roles_in_house=tuple(r for r in template.role_ids if placement[r] == "in_house"),
            roles_vendor=tuple(r for r in template.role_ids if placement[r] == "vendor"),
            roles_missing=tuple(r for r in missing if placement[r] == "none"),
            leadership_in_house=tuple(
                r.id for r in template.roles if r.leadership and placement[r.id] == "in_house"
            ),
            seams=find_seams(placement, template),
        )
    return out


def _check_user(user: Mapping[str, Mapping[str, str]], template: SeamTemplate, where: str) -> None:
    problems: list[Problem] = []
    for mid, roles in user.items():
        if mid not in MODEL_IDS:
            problems.append(
                Problem(
                    f"{where}: costs.placement.{mid}",
                    f"unknown engagement model; expected one of: {', '.join(MODEL_IDS)}",
                )
            )
            continue
        for role, side in roles.items():
            if role not in template.role_ids:
                problems.append(
                    Problem(
                        f"{where}: costs.placement.{mid}.{role}",
                        f"unknown role for {template.name.lower()}; expected one of: "
                        f"{', '.join(template.role_ids)}",
                    )
                )
            elif side not in SIDES:
                problems.append(
                    Problem(
                        f"{where}: costs.placement.{mid}.{role}",
                        f"got {side!r}; expected one of: {', '.join(SIDES)}",
                    )
                )
    if problems:
        raise SituationError(f"{where}: invalid placement", problems)


def _check_directed(
    seams: SeamTemplate,
    kb: KnowledgeBase,
    mid: str,
    placement: Mapping[str, str],
    where: str,
    error: type[KnowledgeError] | type[SituationError],
) -> None:
    """Refuse a placement that leaves no one directing the work, or no one doing it."""
    directing = [r.id for r in seams.roles if r.directs_work]
    present = [r for r in directing if placement.get(r, "none") != "none"]
    problems = []
    if not present:
        problems.append(
            Problem(where, f"no one directs the work: place at least one of {', '.join(directing)}")
        )
    directs = str(kb.models[mid].directs.value)
    if present and directs == "client" and not any(placement[r] == "in_house" for r in present):
        problems.append(
            Problem(where, f"{mid} is directed by the client, but none of {', '.join(directing)} is in-house")
        )
    if present and directs in ("vendor", "provider") and not any(placement[r] == "vendor" for r in present):
        problems.append(
            Problem(
                where,
                f"{mid} is directed by the {directs}, but none of {', '.join(directing)} is at the vendor",
            )
        )
    delivery = [r.id for r in seams.roles if r.delivery]
    if not any(placement.get(r, "none") != "none" for r in delivery):
        problems.append(Problem(where, f"no one does the work: place at least one of {', '.join(delivery)}"))
    if problems:
        raise error(f"{where}: placement leaves the work undirected or undone", problems)
