"""Department evaluation (分类分档考核) on a hand-built November 2026, each score computed by hand.

  A complaint → xs_xs (西山区): signed in time, replied 11-03, visited satisfied
  B consult  → dh_hb (东湖区): signed 11-04 (due 11-03 17:30: missed), urged 11-05, still handling
             at the month's end, past its 5 working days: overdue
  G complaint → rsj (a bureau): signed in time, extended 5 days, replied 11-06, visited satisfied
Default weights: sign-for 15, handled 25, extension 5, return 10, first-time 15, satisfaction 20,
visit 5, urged closed 5; bands ≥90 优秀, ≥80 良好, ≥60 合格, else 待改进.
"""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from engine import statistics
from engine.cases import actions
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.models import Parameter
from engine.organisation import grading, settings
from engine.statistics.evaluation import CODES
from tests.engine.statistics.story import Story, at


@pytest.fixture(autouse=True)
def _default_parameters(app):
    yield
    db.session.rollback()
    db.session.execute(delete(Parameter).where(Parameter.name.like("evaluation.%")))
    db.session.commit()


@pytest.fixture
def november(actor, dept, clock):
    s = Story(actor, dept, clock)
    s.handled(None, at(11, 2), "xs_xs", "13900000001", replied=at(11, 3), visited=at(11, 3, 14))
    b = s.open(at(11, 2), "13900000002", "consult")
    s.dispatch(b, at(11, 2), "dh_hb")
    s.sign(b, at(11, 4), "dh_hb")
    s.urge(b, at(11, 5))
    g = s.open(at(11, 2), "13900000003")
    s.dispatch(g, at(11, 2), "rsj")
    s.sign(g, at(11, 2, 11), "rsj")
    clock.at = at(11, 3)
    actions.request_extension(case_id=g.id, actor=actor("rsj_handler"), days=5, reason="需协调相关单位")
    clock.at = at(11, 3, 11)
    actions.decide_extension(case_id=g.id, actor=actor("leader"), approved=True)
    s.reply(g, at(11, 6), "rsj")
    s.visit(g, at(11, 6, 14))


def lines(result) -> dict:
    return {line.name: line for _kind, members in result.classes for line in members}


def test_scores_and_bands_by_class(november, actor):
    result = statistics.evaluate(actor("leader"), month="2026-11")
    assert (result.start.isoformat(), result.end.isoformat()) == ("2026-11-01", "2026-11-30")
    assert [kind for kind, _members in result.classes] == ["district", "bureau"]
    found = lines(result)
    xs, dh, rsj = found["西山区"], found["东湖区"], found["市人力资源和社会保障局"]
    # 西山区: every rate perfect; 督办办结率 has no case, so its 5 points are left out: 95 / 95
    assert (xs.score, xs.band, xs.rank) == (100.0, "优秀", 1)
    # 东湖区: sign-for 0/1 (15 × 0), return 0/1 (10 × (1 − 0)), urged closed 0/1 (5 × 0); the rest
    # have no value: 100 × 10 / 30
    assert (dh.score, dh.band, dh.rank) == (33.33, "待改进", 2)
    assert {p.code: (p.value, p.weight, p.points) for p in dh.parts if p.points is not None} == {
        "sign_for_on_time": (0.0, 15.0, 0.0), "return_rate": (0.0, 10.0, 33.33), "urged_closed_rate": (0.0, 5.0, 0.0)}
    # B's 5-day limit ran out early in November and still runs at the month's end: overdue, unweighted
    assert (dh.kpis["overdue_cases"].value, dh.kpis["handled_on_time"].value) == (1, None)
    # 人社局: extended (延期率 1/1 → 5 × 0); the other six perfect: 100 × 90 / 95
    assert (rsj.score, rsj.band, rsj.rank) == (94.74, "优秀", 1)
    assert sum(p.points for p in rsj.parts if p.points is not None) == pytest.approx(rsj.score, abs=0.02)
    assert [line.name for line in dict(result.classes)["bureau"]][0] == "市人力资源和社会保障局"
    assert found["市教育局"].score is None and found["市教育局"].band is None and found["市教育局"].rank is None
    # The city: sign-for 2/3 (0.6667), handled 2/2, extension 1/2, return 0/3, first-time 2/2,
    # satisfaction 2/2, visit 2/2, urged closed 0/1:
    # 15 × 0.6667 + 25 + 5 × 0.5 + 10 + 15 + 20 + 5 + 0 = 87.5005 of 100
    total = result.total
    assert {c: (total.kpis[c].numerator, total.kpis[c].denominator) for c in CODES} == {
        "sign_for_on_time": (2, 3), "handled_on_time": (2, 2), "overdue_cases": (1, None),
        "extension_rate": (1, 2), "return_rate": (0, 3), "first_time_resolution": (2, 2),
        "satisfaction_rate": (2, 2), "visit_rate": (2, 2), "urged_closed_rate": (0, 1)}
    assert (total.score, total.band) == (87.5, "良好")


def test_changed_parameters_change_the_bands_and_scores(november, actor):
    settings.set_parameter(actor=actor("admin"), name="evaluation.bands", value='[[98, "甲"], [0, "丙"], [90, "乙"]]')
    found = lines(statistics.evaluate(actor("leader"), month="2026-11"))
    assert (found["西山区"].band, found["市人力资源和社会保障局"].band, found["东湖区"].band) == ("甲", "乙", "丙")
    settings.set_parameter(actor=actor("admin"), name="evaluation.weights", value={"return_rate": 1})
    found = lines(statistics.evaluate(actor("leader"), month="2026-11"))
    assert (found["东湖区"].score, found["东湖区"].band) == (100.0, "甲")       # only 退回率 counts: none returned


@pytest.mark.parametrize("name, value", [
    ("evaluation.weights", "{not json"), ("evaluation.weights", '{"intake": 5}'),
    ("evaluation.weights", '{"visit_rate": -1}'), ("evaluation.weights", '{"visit_rate": 0}'),
    ("evaluation.weights", "[1, 2]"), ("evaluation.bands", "[]"), ("evaluation.bands", '[[90, "A"]]'),
    ("evaluation.bands", '[[0, "A"], [0, "B"]]'), ("evaluation.bands", '[[120, "A"], [0, "B"]]'),
    ("evaluation.bands", '[[0, ""]]'), ("evaluation.bands", '[[0, "A", 1]]'),
])
def test_bad_parameters_are_refused_naming_the_parameter(app, actor, name, value):
    with pytest.raises(ValidationFailed) as refused:
        settings.set_parameter(actor=actor("admin"), name=name, value=value)
    assert list(refused.value.errors) == [name]


def test_the_weighted_codes_are_evaluated(app):
    assert set(grading.WEIGHTED) <= set(CODES) and set(grading.DEFAULT_WEIGHTS) == set(grading.WEIGHTED)
    assert sum(grading.DEFAULT_WEIGHTS.values()) == 100


def test_a_department_leader_sees_their_subtree(november, actor, dept):
    result = statistics.evaluate(actor("xs_leader"), month="2026-11")
    assert [line.name for _kind, members in result.classes for line in members] == ["西山街道", "青松镇"]
    assert (lines(result)["西山街道"].score, result.total.name, result.total.score) == (100.0, "西山区", 100.0)
    with pytest.raises(PermissionDenied):
        statistics.evaluate(actor("xs_leader"), month="2026-11", department_id=dept("dh"))
    with pytest.raises(PermissionDenied):
        statistics.evaluate(actor("agent"), month="2026-11")
    bureau = statistics.evaluate(actor("rsj_leader"), month="2026-11")       # no departments below: itself
    assert [line.name for _kind, members in bureau.classes for line in members] == ["市人力资源和社会保障局"]
    with pytest.raises(ValidationFailed) as refused:
        statistics.evaluate(actor("leader"), month="2026-13")
    assert list(refused.value.errors) == ["month"]
