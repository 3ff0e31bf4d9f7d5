"""Statutory deadlines through the lifecycle, on the real holiday calendar (a frozen clock)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from engine.cases import actions, overtime
from engine.db import db
from engine.deadlines import colours
from engine.deadlines.workdays import TZ
from engine.errors import WrongState
from engine.models import Deadline, WorkItem
from engine.ports import FixedClock, set_clock
from tests.factories import open_case


def at(y, m, d, hh=10, mm=0) -> datetime:
    """A Shanghai wall-clock moment as stored (naive UTC)."""
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture
def clock():
    fixed = FixedClock(at(2026, 11, 2))
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


def dispatched(actor, dept, clock, when, *, lead="xs_xs", co=(), **intake):
    clock.at = when
    case = open_case(actor("agent"), **intake)
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    return actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer",
                            lead_department_id=dept(lead), co_department_ids=[dept(c) for c in co])


def signed(actor, dept, clock, dispatch_at, sign_at, *, lead="xs_xs", co=(), **intake):
    case = dispatched(actor, dept, clock, dispatch_at, lead=lead, co=co, **intake)
    clock.at = sign_at
    return actions.sign_for(case_id=case.id, actor=actor(f"{lead}_handler"))


def deadlines_of(case_id, **where):
    query = select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.id)
    for name, value in where.items():
        query = query.where(getattr(Deadline, name) == value)
    return db.session.execute(query).scalars().all()


def test_sign_for_across_spring_festival_lands_on_the_make_up_saturday(actor, dept, clock):
    case = dispatched(actor, dept, clock, at(2026, 2, 13, 10))           # Friday before the holiday
    [d] = deadlines_of(case.id, stage="sign_for")
    assert d.due_at == at(2026, 2, 14, 17, 30)                            # Sat 2/14 is a working day
    assert case.sign_due_at == d.due_at == case.due_at and not case.due_provisional
    [item] = db.session.execute(select(WorkItem).where(WorkItem.case_id == case.id,
                                                        WorkItem.state == "open")).scalars().all()
    assert (item.task_name, item.due_at) == ("sign_for", d.due_at)
    assert colours.colour_of(clock.at, item.due_at, item.warn_at) == "green"
    # Half of the limit's office time (Fri 10:00-17:30 and Sat 8:30-17:30, 16.5 h) stays green.
    assert d.warn_at == at(2026, 2, 14, 9, 15)


def test_a_short_limit_is_not_yellow_the_moment_it_starts(api, actor, dept, clock):
    # Dispatched after office hours: the day rule alone (yellow from the end of the day before the
    # due day) made every such case yellow at once; the warning share keeps it green until noon.
    case = dispatched(actor, dept, clock, at(2026, 11, 2, 18))
    [d] = deadlines_of(case.id, stage="sign_for")
    assert (d.due_at, d.warn_at, d.colour) == (at(2026, 11, 3, 17, 30), at(2026, 11, 3, 13), "green")
    clock.at = at(2026, 11, 3, 12, 59)
    assert colours.recolour() == {"deadlines": 0}
    clock.at = at(2026, 11, 3, 13, 1)
    assert colours.recolour() == {"deadlines": 1}
    db.session.expire_all()
    assert deadlines_of(case.id, stage="sign_for")[0].colour == "yellow"
    # A parameter per stage: a quarter of the sign-for limit, from the next dispatch on.
    assert api("admin").put("/api/v1/parameters/warn_share.sign_for", json={"value": 25}).status_code == 200
    assert api("admin").put("/api/v1/parameters/warn_share.sign_for", json={"value": 0}).status_code == 422
    later = dispatched(actor, dept, clock, at(2026, 11, 3, 18))
    assert deadlines_of(later.id, stage="sign_for")[0].warn_at == at(2026, 11, 4, 15, 15)
    # Long limits keep the day rule: 15 working days are yellow during the last one only.
    signed_case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9))
    [lead] = deadlines_of(signed_case.id, stage="handling")
    assert lead.warn_at == at(2026, 11, 23, 17, 30) and lead.due_at == at(2026, 11, 24, 17, 30)


def test_office_hours_must_open_before_they_close(api):
    res = api("admin").put("/api/v1/parameters/office_start", json={"value": "18:00"})
    assert res.status_code == 422 and "office_start" in res.json["errors"]["json"]
    assert api("admin").put("/api/v1/parameters/office_start", json={"value": "09:00"}).status_code == 200


def test_handling_counts_from_the_day_after_sign_for_through_the_holiday(actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 2, 13, 10), at(2026, 2, 14, 9))
    # complaint: 15 working days from 2/15; 2/15-2/23 off; 2/24-2/27 (4), Sat 2/28 (5),
    # 3/2-3/6 (10), 3/9-3/13 (15)
    [lead] = deadlines_of(case.id, stage="handling")
    assert (lead.role, lead.working_days, lead.due_at) == ("lead", 15, at(2026, 3, 13, 17, 30))
    assert deadlines_of(case.id, stage="sign_for")[0].state == "met"
    assert case.handle_due_at == lead.due_at


def test_extension_spanning_national_day(actor, dept, clock):
    # dispatched Fri 9/18, signed Mon 9/21 (9/20 Sunday was worked): consult 5 days ->
    # 9/22, 9/23, 9/24, (9/25-27 off) 9/28, 9/29 -> due Tue 9/29
    case = signed(actor, dept, clock, at(2026, 9, 18, 10), at(2026, 9, 21, 9), category="consult")
    assert case.handle_due_at == at(2026, 9, 29, 17, 30)
    clock.at = at(2026, 9, 29, 11)
    actions.request_extension(case_id=case.id, actor=actor("xs_xs_handler"), days=3, reason="需现场核实")
    case = actions.decide_extension(case_id=case.id, actor=actor("leader"), approved=True)
    # 3 working days after 9/29: 9/30, (10/1-10/7 off) 10/8, 10/9
    assert case.handle_due_at == at(2026, 10, 9, 17, 30)
    [lead] = deadlines_of(case.id, stage="handling")
    assert lead.due_at == case.handle_due_at
    handle = db.session.execute(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open",
                                                        WorkItem.task_name == "handle")).scalar_one()
    assert handle.due_at == case.handle_due_at


def test_suspension_stops_the_clock_over_a_holiday(actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 9, 18, 10), at(2026, 9, 21, 9), category="complaint")
    due = case.handle_due_at
    clock.at = at(2026, 9, 28, 10)
    actions._act("handle", case.id, actor("xs_xs_handler"), {"action": "suspension",
                                                              "suspension_reason": "等待市民补充材料"})
    case = actions._act("decide_suspension", case.id, actor("leader"), {"suspension_approved": True})
    assert case.stage == "suspended" and case.suspended
    assert deadlines_of(case.id, stage="handling")[0].state == "paused"
    clock.at = at(2026, 10, 9, 15)      # paused 9/29, 9/30, 10/8, 10/9 = 4 working days
    case = actions._act("resume", case.id, actor("xs_xs_handler"), {"note": "材料已补齐"})
    [lead] = deadlines_of(case.id, stage="handling")
    assert (lead.state, lead.paused_days) == ("open", 4)
    assert case.stage == "handling" and not case.suspended
    from engine.deadlines import calendar as calendar_service
    assert lead.due_at == calendar_service.current().extend(due, 4, "17:30")[0]


def test_the_half_past_five_boundary_and_recolouring(api, actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
    due = case.handle_due_at
    assert due == at(2026, 11, 10, 17, 30)

    def shown():
        return (api("dispatcher").get(f"/api/v1/cases/{case.id}").json["colour"],
                [i["colour"] for i in api("xs_xs_handler").get("/api/v1/work-items?scope=mine").json["items"]],
                deadlines_of(case.id, stage="handling")[0].colour)

    clock.at = at(2026, 11, 9, 17, 29)
    assert colours.recolour() == {"deadlines": 0} and shown() == ("green", ["green"], "green")
    clock.at = at(2026, 11, 9, 17, 31)          # past the warning point (end of the day before)
    assert colours.recolour() == {"deadlines": 1} and shown() == ("yellow", ["yellow"], "yellow")
    clock.at = at(2026, 11, 10, 17, 29)
    assert colours.recolour() == {"deadlines": 0} and shown()[0] == "yellow"
    clock.at = at(2026, 11, 10, 17, 31)
    assert colours.recolour() == {"deadlines": 1} and shown() == ("red", ["red"], "red")
    assert colours.recolour() == {"deadlines": 0}                                   # nothing twice
    red = api("dispatcher").get("/api/v1/cases?colour=red").json
    assert [c["id"] for c in red["items"]] == [case.id]
    assert api("dispatcher").get("/api/v1/cases?colour=green").json["total"] == 0
    assert api("xs_xs_handler").get("/api/v1/work-items?scope=mine&colour=red").json["total"] == 1
    assert api("xs_xs_handler").get("/api/v1/work-items?scope=mine&colour=yellow").json["total"] == 0
    later = signed(actor, dept, clock, at(2026, 11, 10, 10), at(2026, 11, 10, 11), category="consult")
    clock.at = at(2026, 11, 10, 17, 31)
    by_colour = api("dispatcher").get("/api/v1/cases?sort=colour").json["items"]
    assert [c["id"] for c in by_colour if c["id"] in (case.id, later.id)] == [case.id, later.id]
    assert [c["colour"] for c in by_colour if c["id"] in (case.id, later.id)] == ["red", "green"]


def test_a_due_date_in_a_year_without_calendar_is_provisional(api, actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 12, 21, 10), at(2026, 12, 22, 9), category="report")
    [lead] = deadlines_of(case.id, stage="handling")
    assert lead.due_at > at(2027, 1, 1) and lead.provisional
    body = api("dispatcher").get(f"/api/v1/cases/{case.id}").json
    assert body["due_provisional"] is True and body["colour"] == "green"
    items = api("xs_xs_handler").get("/api/v1/work-items?scope=mine").json["items"]
    assert [i["due_provisional"] for i in items if i["case_id"] == case.id] == [True]
    early = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
    assert not early.due_provisional


def test_an_overdue_case_needs_an_overtime_report_before_its_reply(api, actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
    with pytest.raises(WrongState, match="not overdue"):
        overtime.submit(case_id=case.id, actor=actor("xs_xs_handler"), data={"reason": "x", "measures": "y"})
    clock.at = at(2026, 11, 11, 9)
    with pytest.raises(WrongState, match="overtime report"):
        actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已处理")
    res = api("xs_xs_handler").post(f"/api/v1/cases/{case.id}/overtime-report", json={"reason": "涉及多部门"})
    assert res.status_code == 422 and "measures" in res.json["errors"]["json"]
    assert api("dh_hb_handler").post(f"/api/v1/cases/{case.id}/overtime-report",
                                     json={"reason": "a", "measures": "b"}).status_code == 403
    res = api("xs_xs_handler").post(f"/api/v1/cases/{case.id}/overtime-report",
                                    json={"reason": "涉及多部门协调", "measures": "已建立联动机制"})
    assert res.status_code == 201
    case = actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已处理")
    assert case.stage == "review" and case.due_at is None
    assert deadlines_of(case.id, stage="handling")[0].state == "missed"


def test_co_departments_have_their_own_deadlines(actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), co=("cgj", "scj"))
    rows = deadlines_of(case.id, stage="handling")
    assert sorted((r.role, r.department_id) for r in rows) == sorted(
        [("lead", dept("xs_xs")), ("co", dept("cgj")), ("co", dept("scj"))])
    actions.submit_opinion(case_id=case.id, actor=actor("cgj_handler"), department_id=dept("cgj"), opinion="ok")
    states = {r.department_id: r.state for r in deadlines_of(case.id, stage="handling")}
    assert states == {dept("xs_xs"): "open", dept("cgj"): "met", dept("scj"): "open"}


def test_rework_starts_a_new_handling_round(actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="答复")
    clock.at = at(2026, 11, 5, 10)
    case = actions.review(case_id=case.id, actor=actor("dispatcher"), passed=False, opinion="未答复核心诉求")
    rounds = [(r.round, r.state) for r in deadlines_of(case.id, stage="handling")]
    assert rounds == [(1, "met"), (2, "open")]
    assert case.handle_due_at == at(2026, 11, 12, 17, 30)      # 5 working days from 11/6


def test_parameters_take_effect_at_once(api, actor, dept, clock):
    assert api("agent").put("/api/v1/parameters/handling_days.complaint", json={"value": 3}).status_code == 403
    res = api("admin").put("/api/v1/parameters/handling_days.complaint", json={"value": 3, "reason": "试行"})
    assert res.status_code == 200 and res.json["value"] == 3
    assert api("admin").put("/api/v1/parameters/handling_days.complaint", json={"value": "x"}).status_code == 422
    assert api("admin").put("/api/v1/parameters/nope", json={"value": 1}).status_code == 404
    try:
        case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9))
        assert case.handle_due_at == at(2026, 11, 6, 17, 30)
        listed = {p["name"]: p for p in api("dispatcher").get("/api/v1/parameters").json}
        assert listed["handling_days.complaint"]["value"] == 3 and listed["handling_days.complaint"]["default"] == 15
    finally:
        api("admin").put("/api/v1/parameters/handling_days.complaint", json={"value": 15})
