"""The dispatch catalogue: which rule proposes what, and admin-only, audited editing."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.models import ConfigChange, DispatchRule
from engine.organisation import catalogue


@pytest.fixture
def empty_catalogue(app):
    """The demo rules switched off for the test, then back as they were; the test's own rules and
    their audit rows removed (a deleted rule's id may come back on SQLite)."""
    before = dict(db.session.execute(select(DispatchRule.id, DispatchRule.active)).all())
    last_change = db.session.execute(select(func.max(ConfigChange.id))).scalar() or 0
    db.session.execute(update(DispatchRule).values(active=False))
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(delete(DispatchRule).where(DispatchRule.id.not_in(list(before) or [0])))
    db.session.execute(delete(ConfigChange).where(ConfigChange.area == "catalogue", ConfigChange.id > last_change))
    for rule_id, active in before.items():
        db.session.execute(update(DispatchRule).where(DispatchRule.id == rule_id).values(active=active))
    db.session.commit()


@pytest.fixture
def rule(actor, dept):
    """rule('complaint', '电梯', 'zjj', co=['dh_hb'], priority=5) -> a saved rule (by the admin)."""
    def make(category, keyword, lead, *, co=(), priority=0, active=True):
        return catalogue.save_rule(actor=actor("admin"), data={
            "category": category, "keyword": keyword, "lead_department_id": dept(lead),
            "co_department_ids": [dept(c) for c in co], "priority": priority, "active": active})
    return make


def test_a_keyword_rule_beats_the_category_rule(empty_catalogue, rule, dept):
    rule("complaint", "", "dh")
    elevator = rule("complaint", "电梯", "zjj", co=["dh_hb"])
    lead, co, chosen = catalogue.propose(category="complaint", title="小区电梯坏了", content="")
    assert (lead, co, chosen.id) == (dept("zjj"), [dept("dh_hb")], elevator.id)
    # the keyword may be in the content too; without it the category rule answers
    assert catalogue.propose(category="complaint", title="求助", content="三号电梯停运").lead_id == dept("zjj")
    assert catalogue.propose(category="complaint", title="噪音扰民", content="夜间施工").lead_id == dept("dh")
    # another category: nothing
    assert catalogue.propose(category="report", title="小区电梯坏了", content="") is None


def test_higher_priority_wins_and_inactive_rules_are_ignored(empty_catalogue, rule, dept):
    rule("report", "餐馆", "xs_xs", priority=1)
    rule("report", "餐馆", "scj", priority=9)
    rule("report", "食品", "sthj", priority=50, active=False)
    proposal = catalogue.propose(category="report", title="餐馆食品过期", content="")
    assert proposal.lead_id == dept("scj")
    top = catalogue.propose(category="report", title="餐馆", content="")
    catalogue.deactivate_rule(actor=_admin(), rule_id=top.rule.id)
    assert catalogue.propose(category="report", title="餐馆", content="").lead_id == dept("xs_xs")


def test_the_demo_city_has_a_catalogue(app, dept):
    proposal = catalogue.propose(category="report", title="举报餐馆后厨卫生问题", content="")
    assert proposal.lead_id == dept("scj")
    assert catalogue.propose(category="help", title="路灯不亮", content="").lead_id == dept("cgj")


def test_only_admins_edit_and_every_change_is_audited(empty_catalogue, actor, dept):
    data = {"category": "help", "keyword": "路灯", "lead_department_id": dept("cgj")}
    with pytest.raises(PermissionDenied):
        catalogue.save_rule(actor=actor("dispatcher"), data=data)
    with pytest.raises(PermissionDenied):
        catalogue.list_rules(actor=actor("leader"))
    row = catalogue.save_rule(actor=_admin(), data=data, reason="新增")
    catalogue.save_rule(actor=_admin(), rule_id=row.id, data={**data, "priority": "7"}, reason="调高")
    catalogue.save_rule(actor=_admin(), rule_id=row.id, data={**data, "priority": 7})     # no change: no row
    catalogue.deactivate_rule(actor=_admin(), rule_id=row.id, reason="停用")
    trail = db.session.execute(select(ConfigChange).where(
        ConfigChange.area == "catalogue", ConfigChange.key == f"rule:{row.id}").order_by(ConfigChange.id)).scalars().all()
    assert [c.reason for c in trail] == ["新增", "调高", "停用"]
    assert trail[0].old is None and trail[0].new["lead_department_id"] == dept("cgj")
    assert (trail[1].old["priority"], trail[1].new["priority"]) == (0, 7)
    assert (trail[2].old["active"], trail[2].new["active"]) == (True, False)
    assert all(c.actor_id == _admin().user_id for c in trail)


@pytest.mark.parametrize("lead, co, field", [
    ("center", [], "lead_department_id"),          # the 12345 center does not handle cases
    ("city", [], "lead_department_id"),
    ("zjj", ["zjj"], "co_department_ids"),          # the lead is not its own co-department
    ("zjj", ["center"], "co_department_ids"),
])
def test_rules_name_handling_departments_only(empty_catalogue, dept, lead, co, field):
    with pytest.raises(ValidationFailed) as caught:
        catalogue.save_rule(actor=_admin(), data={"category": "complaint", "lead_department_id": dept(lead),
                                                  "co_department_ids": [dept(c) for c in co]})
    assert field in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        catalogue.save_rule(actor=_admin(), data={"category": "nonsense", "lead_department_id": 99999})
    assert set(caught.value.errors) == {"category"}
    with pytest.raises(ValidationFailed) as caught:
        catalogue.save_rule(actor=_admin(), data={"category": "help", "lead_department_id": 99999})
    assert set(caught.value.errors) == {"lead_department_id"}


def _admin():
    from engine.organisation import directory as org
    from engine.organisation.actor import actor_from_user
    return actor_from_user(org.get_user("admin"))
