"""The dispatch catalogue (派单目录): propose departments for a case; admins edit the rules.

A rule says "a case of this matter (事项分类, or any matter below it) and/or of this category
(whose title or content mentions this keyword) goes to this lead department, with these
co-departments"; a rule `to_area` gives the lead to the case's own street or district where intake
recorded one (属地管理), its lead department being the fallback. The most specific rule wins: the
deepest matter, then a keyword, then the admin's priority. The proposal only pre-fills the
dispatch form: the dispatcher decides. Rules are never deleted, only deactivated, and every
change is a ConfigChange(area="catalogue").
"""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, ValidationFailed, check_form
from engine.models import ConfigChange, Department, DispatchRule
from engine.organisation import matters, roles as R
from engine.organisation.actor import Actor
from engine.organisation.config_audit import commit_edit
from engine.organisation.dispatch_rules import HANDLING_KINDS, check_departments
from forms import Field, Form
from forms.definitions import CATEGORY_OPTIONS
from forms.messages import msg

AUDIT_AREA = "catalogue"
RULE_FORM = Form("dispatch_rule", "派单目录规则", "Dispatch rule", (
    Field("matter_id", "matter", "事项分类(含下级)", "Matter (and those below it)"),
    Field("category", "choice", "诉求类型(空为不限)", "Category (empty: any)", options=CATEGORY_OPTIONS),
    Field("keyword", "string", "关键词(标题或内容包含)", "Keyword (in title or content)", max_length=50),
    Field("lead_department_id", "department", "主办单位", "Lead department", required=True),
    Field("to_area", "boolean", "属地优先(有街道/区时由其主办)", "The case's own street or district leads",
          default=False),
    Field("co_department_ids", "departments", "协办单位", "Co-departments", default=[]),
    Field("priority", "integer", "优先级(大者优先)", "Priority (higher wins)", min_value=0, max_value=999,
          default=0),
    Field("active", "boolean", "启用", "Active", default=True),
))
SNAPSHOT_FIELDS = ("matter_id", "category", "keyword", "lead_department_id", "to_area", "co_department_ids",
                   "priority", "active")


class Proposal(NamedTuple):
    """What the catalogue proposes for one case, and the rule that said so."""

    lead_id: int
    co_ids: list[int]
    rule: DispatchRule


def _rank(rule: DispatchRule, depth: dict[int, int]) -> tuple:
    # The deepest matter is the most specific (a category-only rule has none); then a keyword;
    # then the admin's priority; then the longer keyword; then the older rule, so ties are stable.
    return (depth.get(rule.matter_id, -1), bool(rule.keyword), rule.priority, len(rule.keyword or ""), -rule.id)


class Catalogue:
    """The active rules, read once, for proposing on many cases (a console lists dozens)."""

    def __init__(self, category: str | None = None):
        query = (select(DispatchRule).join(Department, Department.id == DispatchRule.lead_department_id)
                 .where(DispatchRule.active.is_(True), Department.active.is_(True)))
        if category is not None:
            query = query.where(DispatchRule.category.in_((category, "")))
        self.rules = list(db.session.execute(query).scalars())
        co_ids = {i for r in self.rules for i in r.co_department_ids or []}
        self.usable = _handling_ids(co_ids)
        self.lineages: dict[int, list[int]] = {}     # matter -> its ancestry, read once per matter

    def propose(self, *, category: str, title: str, content: str, matter_id: int | None = None,
                area_id: int | None = None) -> Proposal | None:
        """The best matching rule's departments, or None when no rule matches."""
        text = f"{title or ''}\n{content or ''}".casefold()
        if matter_id and matter_id not in self.lineages:
            self.lineages[matter_id] = matters.ancestry(matter_id)
        lineage = self.lineages.get(matter_id, []) if matter_id else []
        depth = {m: i for i, m in enumerate(lineage)}
        matching = [r for r in self.rules if r.category in (category, "")
                    and (r.matter_id is None or r.matter_id in depth)
                    and (r.matter_id is not None or r.category)        # a rule says at least one
                    and (not r.keyword or r.keyword.casefold() in text)]
        if not matching:
            return None
        best = max(matching, key=lambda r: _rank(r, depth))
        lead = _area_lead(area_id) if best.to_area and area_id else None
        lead = lead or best.lead_department_id
        # A co-department closed since the rule was written would only fail the dispatch.
        co_ids = [i for i in best.co_department_ids or [] if i in self.usable and i != lead]
        return Proposal(lead, co_ids, best)


def propose(*, category: str, title: str, content: str, matter_id: int | None = None,
            area_id: int | None = None) -> Proposal | None:
    """(lead_id, co_ids, rule) the catalogue proposes for a case, or None."""
    return Catalogue(category).propose(category=category, title=title, content=content, matter_id=matter_id,
                                       area_id=area_id)


def _area_lead(area_id: int) -> int | None:
    """The case's street, or its district: the nearest active handling department of the area
    (a community does not take cases itself; its street does)."""
    path = db.session.execute(select(Department.path).where(Department.id == area_id)).scalar()
    if not path:
        return None
    ids = [int(x) for x in path.strip("/").split("/")]
    kinds = dict(db.session.execute(select(Department.id, Department.kind).where(
        Department.id.in_(ids), Department.active.is_(True))).all())
    for dept_id in reversed(ids):
        if kinds.get(dept_id) in ("street", "district"):
            return dept_id
    return None


def _handling_ids(ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(db.session.execute(select(Department.id).where(
        Department.id.in_(ids), Department.active.is_(True), Department.kind.in_(HANDLING_KINDS))).scalars())


# ---------------------------------------------------------------------------- admin editing

def list_rules(*, actor: Actor) -> list[DispatchRule]:
    """Every rule, active ones first, by category and rank."""
    actor.require(R.ADMIN)
    rows = db.session.execute(select(DispatchRule)).scalars().all()
    return sorted(rows, key=lambda r: (not r.active, r.matter_id is None, r.category, not r.keyword, -r.priority, r.id))


def get_rule(*, actor: Actor, rule_id: int) -> DispatchRule:
    actor.require(R.ADMIN)
    row = db.session.get(DispatchRule, rule_id)
    if row is None:
        raise NotFound(msg("rule_not_found", "dispatch rule %(id)s not found", id=rule_id))
    return row


def save_rule(*, actor: Actor, data: dict, rule_id: int | None = None, reason: str = "") -> DispatchRule:
    """Create a rule, or replace every field of an existing one; audited."""
    actor.require(R.ADMIN)
    clean = check_form(RULE_FORM, data)
    clean.setdefault("keyword", "")
    clean.setdefault("category", "")
    clean.setdefault("matter_id", None)
    if not clean["category"] and clean["matter_id"] is None:
        raise ValidationFailed({"matter_id": [msg("matter_or_category", "give a matter or a category")]})
    if clean["matter_id"] is not None:
        matters.check_usable(clean["matter_id"])
    check_departments(clean["lead_department_id"], clean["co_department_ids"])
    row = get_rule(actor=actor, rule_id=rule_id) if rule_id is not None else None
    old = snapshot(row) if row is not None else None
    if row is None:
        row = DispatchRule()
        db.session.add(row)
    for name in SNAPSHOT_FIELDS:
        setattr(row, name, clean[name])
    return _commit(row, old, actor, reason)


def deactivate_rule(*, actor: Actor, rule_id: int, reason: str = "") -> DispatchRule:
    """Stop proposing a rule (rules stay for the record); audited."""
    row = get_rule(actor=actor, rule_id=rule_id)
    old = snapshot(row)
    row.active = False
    return _commit(row, old, actor, reason)


def changes(*, actor: Actor, limit: int = 20) -> list[ConfigChange]:
    """The latest catalogue changes, newest first."""
    actor.require(R.ADMIN)
    return list(db.session.execute(select(ConfigChange).where(ConfigChange.area == AUDIT_AREA)
                                   .order_by(ConfigChange.id.desc()).limit(limit)).scalars())


def snapshot(row: DispatchRule) -> dict:
    """A rule's editable fields, as the audit records them."""
    return {name: getattr(row, name) for name in SNAPSHOT_FIELDS}


def _commit(row: DispatchRule, old: dict | None, actor: Actor, reason: str) -> DispatchRule:
    return commit_edit(row, old, snapshot(row), area=AUDIT_AREA, key_prefix="rule", actor=actor, reason=reason)
