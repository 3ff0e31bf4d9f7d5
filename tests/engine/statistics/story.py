"""One hand-built week of cases and calls the statistics tests count by hand.

The period is Mon 2026-11-02 .. Sun 2026-11-08 (Shanghai days; no holiday that month). Cases
and calls are placed with a frozen clock; each expected numerator and denominator below says
which cases make it up (letters as in `week`).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from engine.cases import actions, overtime, urges
from engine.deadlines.workdays import TZ
from engine.telephony import calls
from tests.factories import open_case

START, END = date(2026, 11, 2), date(2026, 11, 8)


def at(m, d, hh=10, mm=0, ss=0, y=2026) -> datetime:
    """A Shanghai wall-clock moment as stored (naive UTC)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


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


def late_reply(s: Story, case, when, lead):
    s.clock.at = when
    overtime.submit(case_id=case.id, actor=s.actor(f"{lead}_handler"),
                    data={"reason": "多方协调未能按期办结", "measures": "建立联络人制度"})
    s.reply(case, when + timedelta(minutes=30), lead)


def week_calls(clock):
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
def build_week(actor, dept, clock):
    """Q E I F A B C D G H J K L M N P R S: the cases the expected figures name."""
    s = Story(actor, dept, clock)
    q = s.open(at(9, 15), "13900000011")                                       # registered only, long ago
    e = s.open(at(10, 12), "13900000005", "consult")                           # 5 working days: due 10-19
    s.dispatch(e, at(10, 12), "dh_hb")
    s.sign(e, at(10, 12, 11), "dh_hb")                                         # still running: overdue
    i = s.open(at(10, 19), "13900000009", "consult")                           # due 10-26, replied 11-03
    s.dispatch(i, at(10, 19), "dh_hb")
    s.sign(i, at(10, 19, 11), "dh_hb")
    late_reply(s, i, at(11, 3, 10), "dh_hb")
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
    week_calls(clock)
    return dict(q=q, e=e, i=i, f=f, a=a, b=b, c=c, d=d, g=g, h=h, j=j, k=k)


