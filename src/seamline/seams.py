"""Organisational seams: which roles sit in-house or at the vendor, and which coordination links cross.

A *seam* is a coordination link (``from`` coordinates ``to``) whose two roles sit on different sides of
the company boundary; each one costs handoffs, status meetings and clarifications. The role table and
the links are data (``knowledge/seams.yaml``); with the sources' placements this gives five seams for staff
augmentation and one for product delivery. Users give their own placement in ``costs.placement``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from seamline.errors import KnowledgeError, Problem, SituationError
from seamline.knowledge import BUNDLED, MODEL_IDS, Entry, KnowledgeBase, load_file, load_knowledge

if TYPE_CHECKING:
    from seamline.cost.overrides import CostOverrides
    from seamline.situation import Situation

Side = Literal["in_house", "vendor", "none"]
SIDES: tuple[str, ...] = ("in_house", "vendor", "none")


class SeamRole(Entry):
    id: str
    name: str
    directs_work: bool
    delivery: bool
    source: str


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


class SeamsFile(Entry):
    roles: list[SeamRole] = Field(min_length=1)
    coordination: list[Link] = Field(min_length=1)
    placements: dict[str, PlacementEntry]

    def role(self, role_id: str) -> SeamRole:
        return next(r for r in self.roles if r.id == role_id)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)


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
    placement: dict[str, str]
    placement_source: str
    placement_note: str | None = None
    user_placement: bool = False
    roles_in_house: tuple[str, ...]
    roles_vendor: tuple[str, ...]
    seams: tuple[Seam, ...]


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
    ids = data.role_ids
    if len(set(ids)) != len(ids):
        problems.append(Problem(f"{where}: roles", "duplicate role id"))
    for link in data.coordination:
        for key, role in (("from", link.from_role), ("to", link.to), ("via", link.via)):
            if role is not None and role not in ids:
                problems.append(Problem(f"{where}: coordination.{link.id}.{key}", f"unknown role {role!r}"))
    for mid in MODEL_IDS:
        if mid not in data.placements:
            problems.append(Problem(f"{where}: placements", f"missing engagement model {mid!r}"))
    for mid, entry in data.placements.items():
        if mid not in MODEL_IDS:
            problems.append(Problem(f"{where}: placements.{mid}", "unknown engagement model"))
        missing = [r for r in ids if r not in entry.roles]
        unknown = [r for r in entry.roles if r not in ids]
        if missing:
            problems.append(Problem(f"{where}: placements.{mid}", f"places no side for {', '.join(missing)}"))
        if unknown:
            problems.append(Problem(f"{where}: placements.{mid}", f"unknown roles {', '.join(unknown)}"))
    if problems:
        raise KnowledgeError(f"{where}: invalid seams", problems)
    for mid, entry in data.placements.items():
        if mid in kb.models:
            _check_directed(data, kb, mid, entry.roles, f"{where}: placements.{mid}", KnowledgeError)
    return data


def find_seams(placement: Mapping[str, str], seams: SeamsFile) -> tuple[Seam, ...]:
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
    kb: KnowledgeBase, seams: SeamsFile, overrides: CostOverrides | None = None, where: str = "situation"
) -> dict[str, ModelSeams]:
    """Placement and seams of every engagement model, with the user's placement applied and checked."""
    user = overrides.placement if overrides is not None else {}
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
            if role not in seams.role_ids:
                problems.append(
                    Problem(
                        f"{where}: costs.placement.{mid}.{role}",
                        f"unknown role; expected one of: {', '.join(seams.role_ids)}",
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
    out = {}
    for mid in MODEL_IDS:
        entry = seams.placements[mid]
        placement = {**entry.roles, **user.get(mid, {})}
        if mid in user:
            _check_directed(seams, kb, mid, placement, f"{where}: costs.placement.{mid}", SituationError)
        out[mid] = ModelSeams(
            model_id=mid,
            placement=placement,
            placement_source="user" if mid in user else entry.source,
            placement_note=entry.note,
            user_placement=mid in user,
            roles_in_house=tuple(r for r in seams.role_ids if placement[r] == "in_house"),
            roles_vendor=tuple(r for r in seams.role_ids if placement[r] == "vendor"),
            seams=find_seams(placement, seams),
        )
    return out


def _check_directed(
    seams: SeamsFile,
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


def map_seams(
    situation: Situation,
    *,
    knowledge: Path | str | None = None,
    rates: CostOverrides | None = None,
    where: str = "situation",
) -> SeamMap:
    """The seam map of a situation: per model, roles on each side, the seams and the in-house hours."""
    from seamline.cost.plan import build_plan

    plan = build_plan(situation, knowledge=knowledge, rates=rates, where=where)
    return SeamMap(engineers=plan.engineers, models=plan.seams, hours=plan.management_hours())


class Hours(_Frozen):
    """In-house hours per week at the low, likely and high ends of the parameter ranges."""

    low: float
    likely: float
    high: float


class ModelHours(_Frozen):
    management: Hours
    coordination: Hours
    total: Hours


class SeamMap(_Frozen):
    engineers: int
    models: dict[str, ModelSeams]
    hours: dict[str, ModelHours]

    def to_json(self) -> dict[str, object]:
        return {
            "engineers": self.engineers,
            "models": {
                mid: {
                    "roles_in_house": list(m.roles_in_house),
                    "roles_vendor": list(m.roles_vendor),
                    "placement_source": m.placement_source,
                    "seams": [s.model_dump() for s in m.seams],
                    "seam_count": len(m.seams),
                    "management_hours_per_week": self.hours[mid].model_dump(),
                }
                for mid, m in self.models.items()
            },
        }
