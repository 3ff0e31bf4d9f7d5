"""The matter catalogue (事项分类): an admin-edited tree (move, close, reopen, audited), and the
dispatch rules written for a matter, the deepest winning, with the case's own street leading
where a rule says so (属地)."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed, WrongState
from engine.models import ConfigChange, Matter
from engine.organisation import catalogue, matters
from tests.engine.organisation.test_catalogue import empty_catalogue, rule  # noqa: F401  (fixtures)


@pytest.fixture
def fresh_matters(app):
    """Matters the test adds are removed afterwards (with their audit rows)."""
    before = set(db.session.execute(select(Matter.id)).scalars())
    last_change = db.session.execute(select(func.max(ConfigChange.id))).scalar() or 0
    yield
    db.session.rollback()
    added = [i for i in db.session.execute(select(Matter.id).order_by(Matter.path.desc())).scalars() if i not in before]
    for matter_id in added:          # children first: the parent key must not dangle
        db.session.execute(delete(Matter).where(Matter.id == matter_id))
    db.session.execute(delete(ConfigChange).where(ConfigChange.area == "matter", ConfigChange.id > last_change))
    db.session.commit()


def add(actor, code, name, parent=None, **kw):
    return matters.save(actor=actor("admin"), data={"code": code, "name": name, **({"parent_id": parent.id} if parent else {}), **kw})


def test_the_tree_moves_whole_branches_and_refuses_a_cycle(actor, fresh_matters):
    root, other = add(actor, "t_root", "测试大类"), add(actor, "t_other", "另一大类")
    mid = add(actor, "t_mid", "中类", root)
    leaf = add(actor, "t_leaf", "小类", mid)
    assert leaf.path == f"/{root.id}/{mid.id}/{leaf.id}/"
    matters.save(actor=actor("admin"), matter_id=mid.id, data={"code": "t_mid", "name": "中类", "parent_id": other.id})
    assert db.session.get(Matter, leaf.id, populate_existing=True).path == f"/{other.id}/{mid.id}/{leaf.id}/"
    assert matters.labels({leaf.id}) == {leaf.id: "另一大类 › 中类 › 小类"}
    with pytest.raises(ValidationFailed) as refused:                 # under its own child
        matters.save(actor=actor("admin"), matter_id=mid.id, data={"code": "t_mid", "name": "中类", "parent_id": leaf.id})
    assert [m.code for m in refused.value.errors["parent_id"]] == ["matter_cycle"]
    with pytest.raises(ValidationFailed) as refused:
        add(actor, "t_leaf", "重复代码")
    assert "code" in refused.value.errors
    order = [n.id for n in matters.tree() if n.id in (other.id, mid.id, leaf.id)]
    assert order == [other.id, mid.id, leaf.id]                      # each after its parent


def test_closing_a_branch_goes_leaf_first_and_reopening_root_first(actor, fresh_matters):
    root = add(actor, "t_b_root", "待关闭大类")
    leaf = add(actor, "t_b_leaf", "待关闭小类", root)
    with pytest.raises(WrongState):
        matters.set_active(actor=actor("admin"), matter_id=root.id, active=False)
    matters.set_active(actor=actor("admin"), matter_id=leaf.id, active=False, reason="合并到其他事项")
    matters.set_active(actor=actor("admin"), matter_id=root.id, active=False)
    with pytest.raises(WrongState):
        matters.set_active(actor=actor("admin"), matter_id=leaf.id, active=True)
    shown = {n.id: n.active for n in matters.tree(include_inactive=True)}
    assert shown[root.id] is False and root.id not in {n.id for n in matters.tree()}
    audit = db.session.execute(select(ConfigChange.key, ConfigChange.reason).where(
        ConfigChange.area == "matter", ConfigChange.key == f"matter:{leaf.id}").order_by(ConfigChange.id)).all()
    assert audit[-1].reason == "合并到其他事项" and len(audit) == 2


def test_only_admins_edit_the_tree(actor):
    with pytest.raises(PermissionDenied):
        matters.save(actor=actor("dispatcher"), data={"code": "t_x", "name": "x"})


def test_the_deepest_matter_rule_wins_and_beats_category_rules(fresh_matters, actor, dept, empty_catalogue, rule):
    root = add(actor, "t_env", "环境")
    noise = add(actor, "t_noise", "噪音", root)
    building = add(actor, "t_build", "施工噪音", noise)
    rule("complaint", "噪音", "zjj", priority=99)                     # a category keyword rule
    on_root = catalogue.save_rule(actor=actor("admin"), data={"matter_id": root.id, "lead_department_id": dept("sthj")})
    assert catalogue.propose(category="complaint", title="夜间噪音", content="", matter_id=building.id).rule.id == on_root.id
    on_noise = catalogue.save_rule(actor=actor("admin"), data={"matter_id": noise.id, "lead_department_id": dept("cgj"),
                                                             "co_department_ids": [dept("sthj")]})
    proposal = catalogue.propose(category="help", title="", content="", matter_id=building.id)
    assert (proposal.rule.id, proposal.lead_id, proposal.co_ids) == (on_noise.id, dept("cgj"), [dept("sthj")])
    without = catalogue.propose(category="complaint", title="夜间噪音", content="")   # no matter: the category rule
    assert without.lead_id == dept("zjj")
    with pytest.raises(ValidationFailed) as refused:                # a rule must say a matter or a category
        catalogue.save_rule(actor=actor("admin"), data={"lead_department_id": dept("cgj")})
    assert "matter_id" in refused.value.errors


def test_a_rule_to_the_area_gives_the_lead_to_the_cases_street(fresh_matters, actor, dept, empty_catalogue):
    lamps = add(actor, "t_lamps", "路灯")
    catalogue.save_rule(actor=actor("admin"), data={"matter_id": lamps.id, "lead_department_id": dept("cgj"),
                                                    "to_area": True, "co_department_ids": [dept("xs_qs")]})
    at_street = catalogue.propose(category="help", title="", content="", matter_id=lamps.id, area_id=dept("xs_qs"))
    assert (at_street.lead_id, at_street.co_ids) == (dept("xs_qs"), [])               # not co and lead at once
    in_community = catalogue.propose(category="help", title="", content="", matter_id=lamps.id,
                                     area_id=dept("dh_hb_xy"))
    assert in_community.lead_id == dept("dh_hb")                     # a community's street takes it
    in_district = catalogue.propose(category="help", title="", content="", matter_id=lamps.id, area_id=dept("dh"))
    assert in_district.lead_id == dept("dh")
    nowhere = catalogue.propose(category="help", title="", content="", matter_id=lamps.id)
    assert nowhere.lead_id == dept("cgj")                            # no place recorded: the rule's lead
