"""The KPIs of docs/STATISTICS.md over one hand-built week, every figure counted by hand.

The period is Mon 2026-11-02 .. Sun 2026-11-08 (Shanghai days; no holiday that month). Cases
and calls are placed with a frozen clock; each expected numerator and denominator below says
which cases make it up (letters as in `week`).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from engine import statistics
from engine.cases import actions, overtime, urges
from engine.deadlines.workdays import TZ
from engine.errors import PermissionDenied, ValidationFailed
from engine.ports import FixedClock, set_clock
from engine.telephony import calls
from tests.factories import open_case

START, END = date(2026, 11, 2), date(2026, 11, 8)


def at(m, d, hh=10, mm=0, ss=0, y=2026) -> datetime:
    """A Shanghai wall-clock moment as stored (naive UTC)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture
def clock():
    fixed = FixedClock(at(9, 1))
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


class Story:
    """Moves the clock and walks cases through the lifecycle with the demo logins."""

    def __init__(self, actor, dept, clock):
        self.actor, self.dept, self.clock = actor, dept, clock

    def open(self, when, phone, category="complaint"):
        self.clock.at = when
        return open_case(self.actor("agent"), phone=phone, category=category)

    def dispatch(self, case, when, lead, triage=True):
        self.clock.at = when
        if triage:
            actions.triage(case_id=case.id, actor=self.actor("agent"), decision="dispatch")
        actions.dispatch(case_id=case.id, actor=self.actor("dispatcher"), mode="transfer",
                         lead_department_id=self.dept(lead), co_department_ids=[])

    def sign(self, case, when, lead):
        self.clock.at = when
        actions.sign_for(case_id=case.id, actor=self.actor(f"{lead}_handler"))

    def reply(self, case, when, lead):
        self.clock.at = when
        actions.reply(case_id=case.id, actor=self.actor(f"{lead}_handler"), result="resolved", reply_text="已办结。")

    def visit(self, case, when, satisfaction="satisfied", **decision):
        """The center's review passes an hour before the visit."""
        self.clock.at = when - timedelta(hours=1)
        actions.review(case_id=case.id, actor=self.actor("dispatcher"), passed=True)
        self.clock.at = when
        note = {"note": "市民不满意"} if satisfaction == "dissatisfied" else {}
        actions.visit(case_id=case.id, actor=self.actor("visitor"), satisfaction=satisfaction, resolved=True,
                      **note, **decision)

    def handled(self, case, opened, lead, phone, *, signed=None, replied, visited, category="complaint"):
        """Open, dispatch (at opening), sign (an hour later unless given), reply, review and visit."""
        case = case or self.open(opened, phone, category)
        self.dispatch(case, opened, lead)
        self.sign(case, signed or opened + timedelta(hours=1), lead)
        self.reply(case, replied, lead)
        self.visit(case, visited)
        return case

    def urge(self, case, when):
        self.clock.at = when
        urges.urge(case_id=case.id, actor=self.actor("supervisor"), data={"opinion": "请加快办理。"})


def _late_reply(s: Story, case, when, lead):
    s.clock.at = when
    overtime.submit(case_id=case.id, actor=s.actor(f"{lead}_handler"),
                    data={"reason": "多方协调未能按期办结", "measures": "建立联络人制度"})
    s.reply(case, when + timedelta(minutes=30), lead)


def _calls(clock):
    """c1-c10 arrive in the week, c11 and c12 just outside it (Shanghai days)."""
    def call(call_id, outcome, arrived, wait=None):
        answered = {"answered_at": arrived + timedelta(seconds=30 + wait)} if wait is not None else {}
        calls.record(call={"call_id": call_id, "outcome": outcome, "arrived_at": arrived,
                           "queued_at": arrived + timedelta(seconds=30), **answered})
    call("c1", "answered", at(11, 2, 9), wait=10)
    call("c2", "answered", at(11, 2, 9, 5), wait=20)
    call("c3", "answered", at(11, 3, 9), wait=15)           # exactly 15 s: within the target
    for n, outcome in enumerate(("trunk", "ivr", "queue", "agent", "overflow", "dissuaded"), start=4):
        call(f"c{n}", outcome, at(11, 4, 9, n))
    call("c10", "answered", at(11, 7, 23, 58), wait=5)      # Saturday night, Shanghai time
    call("c11", "answered", at(11, 9, 0, 0, 30), wait=5)    # 2026-11-08 16:00:30 UTC, but Monday in Shanghai
    call("c12", "answered", at(11, 1, 23, 58), wait=5)      # the Sunday before


# Long because the whole week is one story: each case's steps read top to bottom.
@pytest.fixture
def week(actor, dept, clock):
    """Q E I F A B C D G H J K L M N P R S: the cases the expected figures name."""
    s = Story(actor, dept, clock)
    q = s.open(at(9, 15), "13900000011")                                       # registered only, long ago
    e = s.open(at(10, 12), "13900000005", "consult")                           # 5 working days: due 10-19
    s.dispatch(e, at(10, 12), "dh_hb")
    s.sign(e, at(10, 12, 11), "dh_hb")                                         # still running: overdue
    i = s.open(at(10, 19), "13900000009", "consult")                           # due 10-26, replied 11-03
    s.dispatch(i, at(10, 19), "dh_hb")
    s.sign(i, at(10, 19, 11), "dh_hb")
    _late_reply(s, i, at(11, 3, 10), "dh_hb")
    s.visit(i, at(11, 3, 14))
    f = s.open(at(10, 30), "13900000006")                                      # Friday before the week
    s.handled(f, at(10, 30), "xs_qs", None, signed=at(11, 2, 9), replied=at(11, 4), visited=at(11, 4, 15))
    a = s.handled(None, at(11, 2), "xs_xs", "13900000001", replied=at(11, 3), visited=at(11, 3, 14))
    b = s.open(at(11, 2), "13900000002")
    s.dispatch(b, at(11, 2), "xs_xs")
    s.sign(b, at(11, 2, 11), "xs_xs")
    s.reply(b, at(11, 3), "xs_xs")
    s.visit(b, at(11, 3, 14), "dissatisfied", decision="reopen")                # 重办: handling round 2
    s.reply(b, at(11, 4), "xs_xs")
    s.visit(b, at(11, 4, 14), "basically_satisfied")
    c = s.open(at(11, 2), "13900000003")
    s.dispatch(c, at(11, 2), "xs_qs")
    s.clock.at = at(11, 2, 11)
    actions.return_case(case_id=c.id, actor=actor("xs_qs_handler"), reason="不属于本单位职责")
    s.clock.at = at(11, 2, 14)
    actions.decide_return(case_id=c.id, actor=actor("dispatcher"), approved=True)
    s.dispatch(c, at(11, 3, 9), "xs_xs", triage=False)
    s.sign(c, at(11, 3, 10), "xs_xs")
    s.reply(c, at(11, 4), "xs_xs")
    s.visit(c, at(11, 4, 14))
    d = s.open(at(11, 2), "13900000004")
    s.dispatch(d, at(11, 2), "xs_qs")
    s.sign(d, at(11, 2, 11), "xs_qs")
    s.clock.at = at(11, 3)
    actions.request_extension(case_id=d.id, actor=actor("xs_qs_handler"), days=5, reason="需协调相关单位")
    s.clock.at = at(11, 3, 11)
    actions.decide_extension(case_id=d.id, actor=actor("leader"), approved=True)
    s.urge(d, at(11, 4))
    s.reply(d, at(11, 7), "xs_qs")                                             # Saturday
    s.visit(d, at(11, 7, 14))
    g = s.open(at(11, 6), "13900000007")                                       # Friday: sign-for due Monday
    s.dispatch(g, at(11, 6), "dh_hb")
    s.sign(g, at(11, 9, 9), "dh_hb")                                           # after the week
    h = s.open(at(11, 2), "13900000008")
    s.dispatch(h, at(11, 2), "xs_xs")
    s.sign(h, at(11, 4), "xs_xs")                                              # due 11-03 17:30: missed
    s.urge(h, at(11, 5))
    j = s.open(at(11, 3), "13900000010", "consult")
    actions.triage(case_id=j.id, actor=actor("agent"), decision="direct_answer", answer="可到社保窗口办理。")
    k = s.open(at(11, 5), "13900000008")                                       # H again: merged into it
    actions.triage(case_id=k.id, actor=actor("agent"), decision="merge",
                   merge_into_case_no=h.case_no)
    s.open(at(11, 5, 11), "13900000001")                                       # L: A again, 3 days later
    s.open(at(11, 5, 12), "13900000001", "consult")                            # M: A's phone, other category
    s.open(at(11, 6), "13900000006")                                           # N: F again, 7 days later
    s.open(at(11, 3, 12), "13900000011")                                       # P: Q again, 49 days later
    s.open(at(11, 8, 23, 30), "13900000012")                                   # R: Sunday night, inside
    s.open(at(11, 9, 0, 30), "13900000013")                                    # S: Monday 00:30, outside
    _calls(clock)
    return dict(q=q, e=e, i=i, f=f, a=a, b=b, c=c, d=d, g=g, h=h, j=j, k=k)


def figures(actor, login="leader", **filters):
    found = statistics.compute(actor(login), start=START, end=END, **filters)
    return {code: (k.numerator, k.denominator) for code, k in found.items()}


def test_one_week_as_the_center_sees_it(week, actor):
    assert figures(actor) == {
        # calls c1-c10 arrived in the week (c11 is Monday 00:00:30 in Shanghai, c12 the Sunday before)
        "connection_rate": (4, 10),                   # c1 c2 c3 c10 answered
        "answer_rate_15s": (3, 10),                   # c1 (10 s), c3 (15 s), c10 (5 s); not c2 (20 s)
        "call_loss_trunk": (1, 10), "call_loss_ivr": (1, 10), "call_loss_queue": (1, 10),
        "call_loss_agent": (1, 10), "call_loss_overflow": (1, 10), "call_loss_dissuaded": (1, 10),
        "mean_wait_seconds": (50.0, 4),               # 10 + 20 + 15 + 5 over the 4 answered
        "intake": (13, None),                         # A B C D G H J K L M N P R (not Q E I F: before; S: after)
        "sign_for_on_time": (5, 6),                   # F A B C(2nd) D met, H missed; C's 1st cancelled, G after
        "handled_on_time": (6, 7),                    # F A B(1) B(2) C D met (D extended, replied Sat), I missed
        "overdue_cases": (2, None),                   # I missed in the week, E running past due at its end
        "extension_rate": (1, 6),                     # of I F A B C D (handling closed in the week), D
        "return_rate": (1, 6),                        # of A B C D G H (dispatched in the week), C
        "first_time_resolution": (5, 7),              # of I F A B C D J closed (K merged out): not B (重办), C (退回)
        "satisfaction_rate": (6, 7),                  # visits I F A B B C D: B's first dissatisfied
        "visit_rate": (6, 6),                         # I F A B C D closed after dispatch, all visited
        "repeat_call_rate": (3, 13),                  # K (H's), L (A's), N (F's, 7 days); not M (category), P (49 days)
        "urged_cases": (2, None),                     # D and H
        "urged_closed_rate": (1, 2),                  # D closed on Saturday, H still handling
    }


def test_a_department_filter_reads_its_subtree_and_leaves_the_calls_out(week, actor, dept):
    # 西山区 holds xs_xs and xs_qs: A B C D H lead there now (G, E, I: dh_hb; J-S: never dispatched)
    assert figures(actor, department_id=dept("xs")) == {
        "intake": (5, None),                          # A B C D H
        "sign_for_on_time": (5, 6),                   # F A B C(2nd, xs_xs) D met, H missed
        "handled_on_time": (6, 6),                    # F A B(1) B(2) C D; I is dh_hb's
        "overdue_cases": (0, None),                   # E and I are dh_hb's
        "extension_rate": (1, 5),                     # of F A B C D, D
        "return_rate": (1, 5),                        # of A B C D H, C (counted where it leads now)
        "first_time_resolution": (3, 5),              # F A D of F A B C D
        "satisfaction_rate": (5, 6),                  # F A B B C D
        "visit_rate": (5, 5),
        "repeat_call_rate": (0, 5),                   # K L N lead nowhere
        "urged_cases": (2, None), "urged_closed_rate": (1, 2),
    }
    # 东湖区: G and the limits E, I held there
    dh = figures(actor, department_id=dept("dh"))
    assert (dh["intake"], dh["overdue_cases"], dh["handled_on_time"], dh["sign_for_on_time"]) == (
        (1, None), (2, None), (0, 1), (0, 0))         # G; E and I; I missed; G signed after the week


def test_a_department_leader_sees_their_subtree_only(week, actor, dept):
    mine = figures(actor, "xs_qs_leader")             # D leads at xs_qs; F too, but registered before
    assert mine == figures(actor, department_id=dept("xs_qs")) == {
        "intake": (1, None), "sign_for_on_time": (2, 2), "handled_on_time": (2, 2), "overdue_cases": (0, None),
        "extension_rate": (1, 2), "return_rate": (0, 1), "first_time_resolution": (2, 2),
        "satisfaction_rate": (2, 2), "visit_rate": (2, 2), "repeat_call_rate": (0, 1),
        "urged_cases": (1, None), "urged_closed_rate": (1, 1),
    }
    assert figures(actor, "xs_qs_leader", department_id=dept("xs_qs_hq"))["intake"] == (0, None)
    with pytest.raises(PermissionDenied):
        figures(actor, "xs_qs_leader", department_id=dept("xs"))      # above their department
    with pytest.raises(PermissionDenied):
        figures(actor, "xs_qs_leader", department_id=dept("dh_hb"))
    for login in ("agent", "dispatcher", "visitor", "xs_qs_handler"):
        with pytest.raises(PermissionDenied):
            figures(actor, login)


@pytest.mark.parametrize("login", ["supervisor", "shift_lead", "admin"])
def test_the_center_roles_see_the_same_figures(week, actor, login):
    assert figures(actor, login) == figures(actor)


def test_filters_by_category_channel_and_area_and_the_repeat_window(week, actor, dept):
    consult = figures(actor, category="consult")
    assert (consult["intake"], consult["overdue_cases"], consult["first_time_resolution"]) == (
        (2, None), (2, None), (2, 2))                 # J M; E and I; I and J closed, neither reworked
    assert "connection_rate" not in consult
    assert figures(actor, channel="web")["intake"] == (0, None)
    assert figures(actor, area_id=dept("xs"))["intake"] == (0, None)   # no case names an area here
    found = statistics.compute(actor("leader"), start=START, end=END, repeat_days=5)
    assert (found["repeat_call_rate"].numerator, found["repeat_call_rate"].denominator) == (2, 13)  # K L, not N


def test_values_and_empty_periods(week, actor):
    found = statistics.compute(actor("leader"), start=START, end=END)
    assert found["first_time_resolution"].value == round(5 / 7, 4) and found["mean_wait_seconds"].value == 12.5
    assert found["intake"].value == 13
    empty = statistics.compute(actor("leader"), start=date(2025, 1, 1), end=date(2025, 1, 1))
    assert empty["connection_rate"].value is None and empty["intake"].value == 0
    one_day = statistics.compute(actor("leader"), start=date(2026, 11, 7), end=date(2026, 11, 7))
    assert (one_day["connection_rate"].numerator, one_day["connection_rate"].denominator) == (1, 1)   # c10
    with pytest.raises(ValidationFailed):
        statistics.compute(actor("leader"), start=END, end=START)


def test_a_failed_review_is_rework_and_article_7_overtime_is_overdue(actor, dept, clock):
    s = Story(actor, dept, clock)
    reviewed = s.open(at(11, 2), "13900000021")
    s.dispatch(reviewed, at(11, 2), "xs_xs")
    s.sign(reviewed, at(11, 2, 11), "xs_xs")
    s.reply(reviewed, at(11, 3), "xs_xs")
    clock.at = at(11, 3, 11)
    actions.review(case_id=reviewed.id, actor=actor("dispatcher"), passed=False,
                   opinion="答复未回应诉求")     # 重办: round 2
    s.reply(reviewed, at(11, 4), "xs_xs")
    s.visit(reviewed, at(11, 4, 14))
    late = s.open(at(10, 19), "13900000022", "consult")                                # due 10-26
    s.dispatch(late, at(10, 19), "xs_qs")
    s.sign(late, at(10, 19, 11), "xs_qs")
    clock.at = at(11, 3)                                  # asked after the limit: Article 7 overtime
    actions.request_extension(case_id=late.id, actor=actor("xs_qs_handler"), days=30, reason="需协调相关单位")
    clock.at = at(11, 3, 11)
    actions.decide_extension(case_id=late.id, actor=actor("leader"), approved=True)  # now due in December
    found = figures(actor)
    assert found["first_time_resolution"] == (0, 1)      # closed once, after a failed review
    assert found["handled_on_time"] == (2, 2)             # both rounds replied in time
    assert found["overdue_cases"] == (1, None)            # `late`: running, not past its new date, overtime
