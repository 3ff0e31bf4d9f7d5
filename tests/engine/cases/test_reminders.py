"""Reminders once per colour transition, escalation to the center leader, the morning digest."""
from __future__ import annotations

from sqlalchemy import select

from engine.cases import reminders, work_items
from engine.db import db
from engine.deadlines import colours
from engine.models import Case, CaseDepartment, CaseEvent, Deadline, Notification, User, WorkItem
from tests.engine.deadlines.test_deadlines import at, clock, signed  # noqa: F401  (fixture)


def notes(kind=None):
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.execute(query).scalars().all()


def phone_of(login):
    return db.session.execute(select(User.phone).where(User.username == login)).scalar_one()


def escalation_items(case_id):
    return db.session.execute(select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.kind == "escalation",
                                                     WorkItem.state == "open")).scalars().all()


def test_yellow_reminds_the_handler_red_the_leader_each_exactly_once(actor, dept, clock):
    case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
    receipts = len(notes("receipt"))
    clock.at = at(2026, 11, 9, 18)               # past the warning point: yellow
    colours.recolour()
    assert reminders.send_reminders()["transitions"] == 1
    [yellow] = notes("reminder_yellow")
    assert yellow.recipient == phone_of("xs_xs_handler") and case.case_no in yellow.body
    assert reminders.send_reminders() == {"transitions": 0, "messages": 0, "escalations": 0}
    colours.recolour()
    assert reminders.send_reminders()["transitions"] == 0     # a recolour with no change: nothing
    clock.at = at(2026, 11, 10, 17, 31)          # overdue: red
    colours.recolour()
    result = reminders.send_reminders()
    assert result == {"transitions": 1, "messages": 1, "escalations": 1}
    [red] = notes("reminder_red")
    assert red.recipient == phone_of("xs_xs_leader")
    assert len(notes("reminder_yellow")) == 1 and len(notes("receipt")) == receipts
    [item] = escalation_items(case.id)
    assert (item.role, item.department_id) == ("center_leader", None)
    assert colours.colour_of(clock.at, item.due_at, item.warn_at) == "red"
    for _ in range(2):                            # restarts and reruns change nothing
        colours.recolour()
        assert reminders.send_reminders()["transitions"] == 0
    assert len(escalation_items(case.id)) == 1
    actions_logged = db.session.execute(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).scalars().all()
    assert actions_logged.count("reminder_yellow") == 1 and actions_logged.count("escalated") == 1
    assert db.session.get(Case, case.id, populate_existing=True).version == case.version   # reminders don't touch it


def overdue_with_escalation(actor, dept, clock, **kw):
    case = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult", **kw)
    clock.at = at(2026, 11, 11, 9)
    colours.recolour()
    reminders.send_reminders()
    [item] = escalation_items(case.id)
    return case, item


def test_escalation_extend_moves_every_handling_deadline(actor, dept, clock):
    case, item = overdue_with_escalation(actor, dept, clock, co=("cgj",))
    case = work_items.complete(item_id=item.id, actor=actor("leader"),
                               data={"decision": "extend", "days": 3, "opinion": "给予三个工作日"})
    assert case.handle_due_at == at(2026, 11, 13, 17, 30)
    dues = {d.role: d.due_at for d in db.session.execute(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.stage == "handling")).scalars()}
    assert dues == {"lead": case.handle_due_at, "co": case.handle_due_at}
    colours.recolour()
    fresh = db.session.get(Case, case.id, populate_existing=True)
    assert colours.colour_of(clock.at, fresh.due_at, fresh.warn_at) == "green"


def test_escalation_urge_and_accept(actor, dept, clock):
    case, item = overdue_with_escalation(actor, dept, clock)
    case = work_items.complete(item_id=item.id, actor=actor("leader"), data={"decision": "urge", "opinion": "立即办结"})
    assert case.urge_count == 1
    other, item2 = overdue_with_escalation(actor, dept, clock)
    assert work_items.complete(item_id=item2.id, actor=actor("leader"),
                               data={"decision": "accept", "opinion": "说明合理"}).urge_count == 0


def test_escalation_reassigns_the_lead(actor, dept, clock):
    case, item = overdue_with_escalation(actor, dept, clock)
    case = work_items.complete(item_id=item.id, actor=actor("leader"), data={
        "decision": "reassign", "lead_department_id": dept("cgj"), "opinion": "改由城管局主办"})
    assert case.lead_department_id == dept("cgj")
    handle = db.session.execute(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open",
                                                        WorkItem.task_name == "handle")).scalar_one()
    assert handle.department_id == dept("cgj")
    leads = db.session.execute(select(CaseDepartment.department_id).where(
        CaseDepartment.case_id == case.id, CaseDepartment.active.is_(True), CaseDepartment.role == "lead")).all()
    assert leads == [(dept("cgj"),)]
    from engine.cases import actions
    case = actions.reply(case_id=case.id, actor=actor("cgj_handler"), result="resolved", reply_text="已处理")
    assert case.stage == "review"


def test_morning_digest_once_per_working_day(actor, dept, clock):
    signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")   # due 11/10
    clock.at = at(2026, 11, 6, 8, 0)             # Friday, before the digest time (08:30)
    assert reminders.send_digests() == 0
    clock.at = at(2026, 11, 6, 8, 45)            # 2 working days ahead = Tue 11/10 17:30: due counts
    # the street's handler and the district's (whose subtree holds the item)
    assert reminders.send_digests() == 2
    assert reminders.send_digests() == 0         # once a day
    clock.at = at(2026, 11, 8, 9, 0)             # Sunday: no digest
    assert reminders.send_digests() == 0
    clock.at = at(2026, 11, 9, 8, 45)            # Monday: a new day, a new digest
    assert reminders.send_digests() == 2
    digests = notes("digest")
    assert {n.recipient for n in digests} == {phone_of("xs_xs_handler"), phone_of("xs_handler")}
    assert all("1件待办" in n.body for n in digests)
