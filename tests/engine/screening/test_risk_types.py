"""Risk screening at intake: the demo city's keyword lists flag a new case with the right types
and words, leave a clean one alone, and an edit of a list changes the very next screening."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from engine import screening
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.models import CaseRiskFlag, ConfigChange, RiskType
from engine.screening import matcher
from tests.engine.screening.helpers import demo_lists  # noqa: F401  (fixture)
from tests.factories import open_case


def flags(case_id: int) -> dict[str, list[str]]:
    return {f.risk_type_code: f.words for f in screening.flags.flags_of(case_id)}


def edit(actor, which: str, **changes):
    row = db.session.execute(select(RiskType).where(RiskType.code == which)).scalar_one()
    data = {**screening.risk_types.snapshot(row), **changes}
    data["keywords"] = " ".join(data["keywords"]) if isinstance(data["keywords"], list) else data["keywords"]
    return screening.risk_types.save(actor=actor, data=data, risk_type_id=row.id, reason="测试")


def test_intake_flags_the_matched_types_and_words(actor):
    case = open_case(actor("agent"), title="工地拖欠农民工工资",
                     content="二十多名工人三个月没拿到钱，准备集体到市政府讨薪。")
    # 劳资欠薪 lists 欠薪 讨薪 拖欠工资 工资 农民工: 拖欠工资 is not in 拖欠农民工工资, 欠薪 nowhere.
    assert flags(case.id) == {"wage_arrears": ["讨薪", "工资", "农民工"], "mass_incident": ["集体"]}
    row = db.session.execute(select(CaseRiskFlag).where(CaseRiskFlag.case_id == case.id,
                                                        CaseRiskFlag.risk_type_code == "mass_incident")).scalar_one()
    assert row.flagged_at == case.created_at


def test_a_clean_case_is_not_flagged(actor):
    case = open_case(actor("agent"))          # 小区电梯长期故障
    assert flags(case.id) == {}


def test_matching_ignores_case_and_finds_words_inside_longer_ones():
    m = matcher.Matcher.build([("a", ["集体上访", "集体"]), ("b", ["上访"]), ("c", ["P2P"])])
    # At 集 the longest word is 集体上访; 集体 and 上访 start inside it and count too.
    assert m.scan("他们准备集体上访，还有p2p暴雷") == {"a": ["集体上访", "集体"], "b": ["上访"], "c": ["P2P"]}
    assert m.scan("一切正常") == {} and matcher.Matcher.build([]).scan("上访") == {}


def test_editing_a_list_changes_the_next_screening(actor, demo_lists):
    leader = actor("leader")
    first = open_case(actor("agent"), title="反映楼盘烂尾", content="业主准备去省里维权。")
    assert flags(first.id) == {}
    edit(leader, "petition", keywords="上访 进京 信访 越级 集访 维权")
    second = open_case(actor("agent"), title="反映楼盘烂尾", content="业主准备去省里维权。")
    assert flags(second.id) == {"petition": ["维权"]}
    edit(leader, "petition", active=False)
    third = open_case(actor("agent"), title="反映楼盘烂尾", content="业主准备去省里维权、上访。")
    assert flags(third.id) == {}


def test_the_lists_compile_once_per_change_even_when_another_process_edits(actor, demo_lists, monkeypatch):
    builds, clock = [], [1000.0]
    real = matcher.Matcher.build
    monkeypatch.setattr(matcher.Matcher, "build", classmethod(lambda cls, types: builds.append(1) or real(types)))
    monkeypatch.setattr(matcher.time, "monotonic", lambda: clock[0])
    matcher.forget()
    matcher.current()
    builds.clear()
    matcher.current()
    matcher.current()
    assert builds == []                       # unchanged lists: the compiled matcher is reused
    # Another process's edit reaches this one only through the table: a revision moves.
    db.session.execute(update(RiskType).where(RiskType.code == "petition")
                       .values(keywords=["上访", "维权"], revision=RiskType.revision + 1))
    db.session.commit()
    assert matcher.current().scan("依法维权") == {}          # this process looks again within seconds
    clock[0] += matcher.KEY_SECONDS
    assert matcher.current().scan("依法维权") == {"petition": ["维权"]}
    assert builds == [1]


def test_edit_validation_names_the_field_and_is_audited(actor, demo_lists):
    leader = actor("leader")
    with pytest.raises(ValidationFailed) as empty:
        edit(leader, "petition", keywords="，、 ,")
    assert set(empty.value.errors) == {"keywords"}
    with pytest.raises(ValidationFailed) as taken:
        screening.risk_types.save(actor=leader, data={"code": "petition", "name": "另一个", "keywords": "投诉"})
    assert set(taken.value.errors) == {"code"}
    with pytest.raises(ValidationFailed) as renamed:
        edit(leader, "petition", code="petition2")
    assert set(renamed.value.errors) == {"code"}
    with pytest.raises(PermissionDenied):
        edit(actor("agent"), "petition", keywords="上访")
    with pytest.raises(PermissionDenied):
        edit(actor("xs_leader"), "petition", keywords="上访")
    row = edit(actor("supervisor"), "petition", keywords="上访、进京，上访 集访")   # 上访 twice counts once
    assert row.keywords == ["上访", "进京", "集访"]
    change = db.session.execute(select(ConfigChange).where(ConfigChange.area == "risk_type")
                                .order_by(ConfigChange.id.desc())).scalars().first()
    assert change.key == f"risk_type:{row.id}" and change.actor_id == actor("supervisor").user_id
    assert change.old["keywords"] == ["上访", "进京", "信访", "越级", "集访"]
    assert change.new["keywords"] == ["上访", "进京", "集访"] and change.reason == "测试"
    count = db.session.execute(select(ConfigChange.id).where(ConfigChange.area == "risk_type")).all()
    edit(actor("supervisor"), "petition", keywords="上访 进京 集访")             # no change, no audit row
    assert db.session.execute(select(ConfigChange.id).where(ConfigChange.area == "risk_type")).all() == count


def test_a_new_risk_type_is_created_and_screens(actor, demo_lists):
    row = screening.risk_types.save(actor=actor("admin"), data={"code": "school_safety", "name": "校园安全",
                                                                "keywords": "校园欺凌\n霸凌", "sort": "70"})
    assert (row.code, row.keywords, row.active, row.sort) == ("school_safety", ["校园欺凌", "霸凌"], True, 70)
    case = open_case(actor("agent"), title="孩子在学校被霸凌", content="希望学校处理。")
    assert flags(case.id) == {"school_safety": ["霸凌"]}
