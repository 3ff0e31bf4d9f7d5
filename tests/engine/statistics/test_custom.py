"""The custom report builder: every part of a definition checked against the whitelists, a table
counted by hand on a small week, and the reports saved per role.

The week is Mon 2026-11-02 .. Sun 2026-11-08 (Shanghai days):
  A complaint, phone, 11-02: transferred to xs_xs, signed in time, replied, visited (closed 11-03)
  B consult, web, 11-02: transferred to dh_hb, signed 11-04 (due 11-03 17:30: missed)
  C complaint, web, 11-03: answered directly (closed, never dispatched: no department)
  D complaint, phone, 11-04: assigned (交办) to xs_xs, signed in time
  E help, phone, 11-09 00:30: the Monday after (outside)
Calls: one answered on 11-02, one lost in the queue on 11-03.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete

from engine import statistics
from engine.cases import actions
from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from engine.models import SavedReport
from engine.organisation import Actor
from engine.statistics import saved
from engine.telephony import calls
from tests.engine.statistics.story import Story, at
from tests.factories import open_case

WEEK = {"start": "2026-11-02", "end": "2026-11-08"}


@pytest.fixture(autouse=True)
def _no_saved_reports(app):
    yield
    db.session.rollback()
    db.session.execute(delete(SavedReport))
    db.session.commit()


@pytest.fixture
def small_week(actor, dept, clock):
    s = Story(actor, dept, clock)
    a = s.handled(None, at(11, 2), "xs_xs", "13900000001", replied=at(11, 3), visited=at(11, 3, 14))
    s.clock.at = at(11, 2)
    b = open_case(actor("agent"), phone="13900000002", category="consult", channel="web")
    s.dispatch(b, at(11, 2), "dh_hb")
    s.sign(b, at(11, 4), "dh_hb")
    s.clock.at = at(11, 3)
    c = open_case(actor("agent"), phone="13900000003", channel="web")
    actions.triage(case_id=c.id, actor=actor("agent"), decision="direct_answer", answer="已当场答复。")
    d = s.open(at(11, 4), "13900000004")
    actions.triage(case_id=d.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=d.id, actor=actor("dispatcher"), mode="assign", lead_department_id=dept("xs_xs"),
                     co_department_ids=[], instruction="请于期限内办结并报告。")
    s.sign(d, at(11, 4, 11), "xs_xs")
    s.open(at(11, 9, 0, 30), "13900000005", "help")
    calls.record(call={"call_id": "k1", "outcome": "answered", "arrived_at": at(11, 2, 9),
                       "queued_at": at(11, 2, 9), "answered_at": at(11, 2, 9) + timedelta(seconds=8)})
    calls.record(call={"call_id": "k2", "outcome": "queue", "arrived_at": at(11, 3, 9), "queued_at": at(11, 3, 9)})
    return {"a": a, "b": b, "c": c, "d": d}


def table(actor, login="leader", **spec):
    found = statistics.run_custom(actor(login), statistics.ReportSpec.from_mapping({**WEEK, **spec}))
    rows = {row.keys: {c: (k.numerator, k.denominator) for c, k in row.kpis.items()} for row in found.rows}
    return rows, {c: (k.numerator, k.denominator) for c, k in found.totals.kpis.items()}


def test_by_category(small_week, actor):
    rows, totals = table(actor, dimensions=["category"], measures=["intake", "sign_for_on_time",
                                                                   "first_time_resolution"])
    assert rows == {
        ("complaint",): {"intake": (3, None),                 # A C D (E is outside)
                         "sign_for_on_time": (2, 2),          # A and D signed in time
                         "first_time_resolution": (2, 2)},    # A (visited) and C (direct answer) closed
        ("consult",): {"intake": (1, None), "sign_for_on_time": (0, 1), "first_time_resolution": (0, 0)},   # B late
    }
    assert totals == {"intake": (4, None), "sign_for_on_time": (2, 3), "first_time_resolution": (2, 2)}


def test_by_department_with_a_filter_and_the_none_row(small_week, actor, dept):
    rows, totals = table(actor, dimensions="department", measures="intake,first_time_resolution")
    assert rows == {(dept("xs_xs"),): {"intake": (2, None), "first_time_resolution": (1, 1)},      # A D; A closed
                    (dept("dh_hb"),): {"intake": (1, None), "first_time_resolution": (0, 0)},      # B
                    (None,): {"intake": (1, None), "first_time_resolution": (1, 1)}}               # C: no lead
    assert totals == {"intake": (4, None), "first_time_resolution": (2, 2)}
    rows, totals = table(actor, dimensions=["department"], measures=["intake"], category="complaint")
    assert rows == {(dept("xs_xs"),): {"intake": (2, None)}, (None,): {"intake": (1, None)}}
    assert totals == {"intake": (3, None)}


def test_call_figures_by_day(small_week, actor):
    rows, totals = table(actor, dimensions=["day"], measures=["intake", "connection_rate"])
    assert rows == {("2026-11-02",): {"intake": (2, None), "connection_rate": (1, 1)},            # A B; k1
                    ("2026-11-03",): {"intake": (1, None), "connection_rate": (0, 1)},            # C; k2 lost
                    ("2026-11-04",): {"intake": (1, None), "connection_rate": (0, 0)}}            # D
    assert totals == {"intake": (4, None), "connection_rate": (1, 2)}
    found = statistics.run_custom(actor("leader"), statistics.ReportSpec.from_mapping(
        {**WEEK, "dimensions": ["day"], "measures": ["connection_rate"]}))
    assert found.totals.kpis["connection_rate"].value == 0.5        # a day without calls has no row here
    assert [(r.keys, r.kpis["connection_rate"].value) for r in found.rows] == [(("2026-11-02",), 1.0),
                                                                               (("2026-11-03",), 0.0)]


def test_two_dimensions(small_week, actor):
    rows, totals = table(actor, dimensions=["channel", "category"], measures=["intake"])
    assert rows == {("phone", "complaint"): {"intake": (2, None)},        # A D
                    ("web", "complaint"): {"intake": (1, None)},          # C
                    ("web", "consult"): {"intake": (1, None)}}            # B
    rows, totals = table(actor, dimensions=["dispatch_mode", "category"], measures=["intake"])
    assert rows == {("assign", "complaint"): {"intake": (1, None)}, ("transfer", "complaint"): {"intake": (1, None)},
                    ("transfer", "consult"): {"intake": (1, None)}, (None, "complaint"): {"intake": (1, None)}}
    assert totals == {"intake": (4, None)}
    rows, _totals = table(actor, dimensions=["category", "channel"], measures=["intake"], category="consult")
    assert rows == {("consult", "web"): {"intake": (1, None)}}
    # two dimensions of any kind: the week is one month, so month × category is category's table
    by_category, _totals = table(actor, dimensions=["category"], measures=["intake", "return_rate"])
    by_month, _totals = table(actor, dimensions=["month", "category"], measures=["intake", "return_rate"])
    assert by_month == {("2026-11", key[0]): figures for key, figures in by_category.items()}


@pytest.mark.parametrize("spec, field", [
    ({"dimensions": ["weekday"], "measures": ["intake"]}, "dimensions"),
    ({"dimensions": [], "measures": ["intake"]}, "dimensions"),
    ({"dimensions": ["day", "month", "hour"], "measures": ["intake"]}, "dimensions"),
    ({"dimensions": ["day", "day"], "measures": ["intake"]}, "dimensions"),
    ({"dimensions": ["day"], "measures": ["intake; DROP TABLE case"]}, "measures"),
    ({"dimensions": ["day"]}, "measures"),
    ({"dimensions": ["department"], "measures": ["connection_rate"]}, "measures"),  # calls have no department
    ({"dimensions": ["day"], "measures": ["mean_wait_seconds"], "category": "consult"}, "measures"),
    ({"dimensions": ["day"], "measures": ["intake"], "start": "2026-13-01"}, "start"),
    ({"dimensions": ["day"], "measures": ["intake"], "end": "2026-11-01"}, "end"),
    ({"dimensions": ["day"], "measures": ["intake"], "end": "2030-01-01"}, "end"),  # over three years
    ({"dimensions": ["day"], "measures": ["intake"], "department_id": "1 OR 1=1"}, "department_id"),
    ({"dimensions": ["day"], "measures": ["intake"], "area_id": -3}, "area_id"),
    ({"dimensions": ["day"], "measures": ["intake"], "category": "gossip"}, "category"),
    ({"dimensions": ["day"], "measures": ["intake"], "channel": "fax"}, "channel"),
    ({"dimensions": ["day"], "measures": ["intake"], "order_by": "1"}, "order_by"),
])
def test_every_bad_field_is_named(app, spec, field):
    with pytest.raises(ValidationFailed) as refused:
        statistics.ReportSpec.from_mapping({**WEEK, **spec})
    assert list(refused.value.errors) == [field]


def test_a_spec_survives_its_mapping(app, dept):
    spec = statistics.ReportSpec.from_mapping({**WEEK, "dimensions": "month", "measures": ["intake", "return_rate"],
                                               "parts": "1", "department_id": str(dept("xs"))})
    assert spec.dimensions == ("month",) and spec.parts and spec.department_id == dept("xs")
    assert statistics.ReportSpec.from_mapping(spec.to_mapping()) == spec


def test_scope_of_a_department_leader(small_week, actor, dept):
    rows, _totals = table(actor, "xs_leader", dimensions=["department"], measures=["intake"])
    assert rows == {(dept("xs_xs"),): {"intake": (2, None)}}
    with pytest.raises(PermissionDenied):
        table(actor, "xs_leader", dimensions=["day"], measures=["intake"], department_id=dept("dh"))
    with pytest.raises(PermissionDenied):
        table(actor, "agent", dimensions=["day"], measures=["intake"])


def _spec():
    return statistics.ReportSpec.from_mapping({**WEEK, "dimensions": ["category"], "measures": ["intake"]})


def test_saved_reports_belong_to_a_role(app, actor):
    leader = actor("leader")
    report = saved.save(leader, name=" 每周类型统计 ", role="center_leader", spec=_spec())
    assert report.name == "每周类型统计" and saved.spec_of(report) == _spec()
    colleague = Actor(user_id=actor("admin").user_id, username="another_leader", roles=frozenset({"center_leader"}),
                      department_id=leader.department_id, department_path=leader.department_path)
    assert [r.name for r in saved.list_saved(colleague)] == ["每周类型统计"]        # the role shares it
    assert saved.list_saved(actor("supervisor")) == []                             # another role does not see it
    with pytest.raises(PermissionDenied):
        saved.get(actor("supervisor"), report.id)
    with pytest.raises(ValidationFailed) as duplicate:
        saved.save(leader, name="每周类型统计", role="center_leader", spec=_spec())
    assert list(duplicate.value.errors) == ["name"]
    other = saved.save(actor("supervisor"), name="每周类型统计", role="supervisor", spec=_spec())  # another role: fine
    with pytest.raises(ValidationFailed) as refused:
        saved.save(leader, name="", role="supervisor", spec=_spec())
    assert set(refused.value.errors) == {"name", "role"}                        # not the leader's role
    with pytest.raises(PermissionDenied):
        saved.delete(colleague, report.id)                                         # not the one who saved it
    with pytest.raises(PermissionDenied):
        saved.save(actor("agent"), name="x", role="agent", spec=_spec())
    saved.delete(leader, report.id)
    saved.delete(actor("admin"), other.id)                                         # an admin deletes any
    with pytest.raises(NotFound):
        saved.get(leader, report.id)
    assert db.session.execute(db.select(SavedReport)).first() is None


def test_values_and_parts(small_week, actor):
    spec = statistics.ReportSpec.from_mapping({**WEEK, "dimensions": ["category"], "measures": ["sign_for_on_time"],
                                               "parts": True})
    found = statistics.run_custom(actor("leader"), spec)
    assert [r.kpis["sign_for_on_time"].value for r in found.rows] == [1.0, 0.0]
    assert found.totals.kpis["sign_for_on_time"].value == round(2 / 3, 4)
    assert spec.start == date(2026, 11, 2)
