"""The matter catalogue (事项分类) as GeoReport v2 services: a service per matter that is not a
branch (its code is the matter's code, its group the top-level matter), and the attributes every
service takes: the intake form's optional choices a citizen may make (category, urgency,
confidentiality). Nothing here is stored: the catalogue is the admins' and read as it stands.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound
from engine.models import DispatchRule, Matter
from engine.organisation import matters
from forms import get_form
from forms.messages import msg

CATALOGUE_SECONDS = 10.0       # how stale the POSTs' view of the catalogue may be
DEFAULT_CATEGORY = "help"      # 求助: what a citizen's report of a problem is, unless told otherwise
# (code, the intake form's field, order, 中文 description); all optional and single-choice.
ATTRIBUTES = (("category", 1, "诉求类型(Category)：不填时按事项默认"),
              ("urgency", 2, "紧急程度(Urgency)"),
              ("confidential", 3, "保密(Confidential)：保密的诉求不公开"))


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    description: str
    group: str
    matter_id: int
    metadata: bool = True
    type: str = "realtime"
    keywords: str = ""


@dataclass(frozen=True)
class Attribute:
    code: str
    order: int
    description: str
    values: tuple[tuple[str, str], ...]        # (key, name)
    variable: bool = True
    datatype: str = "singlevaluelist"
    required: bool = False
    datatype_description: str = ""


def services() -> list[Service]:
    """Every open matter that has no open sub-matter, in catalogue order."""
    nodes = matters.tree()
    parents = {n.parent_id for n in nodes if n.parent_id is not None}
    paths: dict[int, list[str]] = {}          # tree order: a parent's path is known before its children's
    out = []
    for node in nodes:
        paths[node.id] = paths.get(node.parent_id, []) + [node.name]
        if node.id not in parents:
            path = paths[node.id]
            out.append(Service(node.code, node.name, " › ".join(path), path[0], node.id))
    return out


def service(code: str) -> Service:
    """The service (an open matter) with this code; NotFound names the code."""
    found = _catalogue().services.get(code)
    if found is None:
        row = db.session.execute(select(Matter).where(Matter.code == code, Matter.active.is_(True))).scalar()
        if row is None:
            raise NotFound(msg("open311_service_not_found", "service_code %(service)s was not found", service=code))
        found = Service(row.code, row.name, matters.labels({row.id}).get(row.id, row.name), row.name, row.id)
    return found


def attributes() -> list[Attribute]:
    """The attributes of every service: the intake form's options, in Chinese."""
    fields = {f.name: f for f in get_form("intake").fields}
    out = []
    for code, order, description in ATTRIBUTES:
        field = fields[code]
        values = tuple((v, zh) for v, zh, _en in field.options) if field.options else (("true", "是"), ("false", "否"))
        out.append(Attribute(code, order, description, values))
    return out


def category_of(matter_id: int) -> str:
    """The category the dispatch catalogue names for the matter or its nearest ancestor, else help."""
    known = _catalogue().categories
    if matter_id not in known:
        known[matter_id] = _category_of(matter_id)
    return known[matter_id]


@dataclass
class _Catalogue:
    read_at: float
    services: dict[str, Service]
    categories: dict[int, str] = field(default_factory=dict)


_snapshot: _Catalogue | None = None


def _catalogue() -> _Catalogue:
    """The services and their categories as read at most CATALOGUE_SECONDS ago: every POST needs
    them, and reading the tree and the dispatch rules was 3 of a POST's 8 statements. A matter
    retired meanwhile is refused when its request is opened (kept failed, shown to the admin)."""
    global _snapshot
    now = time.monotonic()
    if _snapshot is None or now - _snapshot.read_at > CATALOGUE_SECONDS:
        _snapshot = _Catalogue(now, {s.code: s for s in services()})
    return _snapshot


def forget() -> None:
    """Read the catalogue afresh at the next request (after an admin's change in this process)."""
    global _snapshot
    _snapshot = None


def _category_of(matter_id: int) -> str:
    chain = list(reversed(matters.ancestry(matter_id)))            # the matter first, then upwards
    rows = db.session.execute(select(DispatchRule.matter_id, DispatchRule.category).where(
        DispatchRule.matter_id.in_(chain), DispatchRule.active.is_(True), DispatchRule.category != "")).all()
    by_matter = {r.matter_id: r.category for r in rows}
    return next((by_matter[m] for m in chain if m in by_matter), DEFAULT_CATEGORY)
