"""Reminders on colour transitions, overdue escalations, and the working-morning digest.

Exactly once per transition: a deadline's `notified_colour` and the notifications it queues are
written in the same transaction, the case row is locked meanwhile, and every notification has a
unique dedupe key — so a restart, or a second scheduler that slipped past the leader lock, can
neither lose nor repeat a reminder.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, or_, select

from engine import deadlines, notifications
from engine.cases import escalations
from engine.cases.unit import case_action
from engine.db import db
from engine.models import Deadline, Department, User, UserRole, WorkItem
from engine.organisation import roles as R, settings
from engine.ports import now as clock_now

REMINDER_ROLE = {"yellow": R.HANDLER, "red": R.DEPT_LEADER}
TEXT = {
    "yellow": "【12345】工单{case_no}({title})将于{due}到期，请抓紧办理。",
    "red": "【12345】工单{case_no}({title})已超期(时限{due})，请督促办理并提交超时办结情况报告。",
}


def pending_transitions(limit: int = 500) -> list[tuple[int, int]]:
    """(deadline id, case id) of open deadlines whose yellow/red colour has not been reminded."""
    return db.session.execute(select(Deadline.id, Deadline.case_id).where(
        Deadline.state == "open", Deadline.colour.in_(("yellow", "red")),
        or_(Deadline.notified_colour.is_(None), Deadline.notified_colour != Deadline.colour),
    ).order_by(Deadline.id).limit(limit)).all()


def send_reminders(limit: int = 500) -> dict[str, int]:
    """Remind every unreminded transition, one case transaction each; escalate red lead deadlines."""
    counts = {"transitions": 0, "messages": 0, "escalations": 0}
    for deadline_id, case_id in pending_transitions(limit):
        db.session.rollback()     # the scan's snapshot must not leak into the per-case transaction
        with case_action(case_id, touch=False) as action:
            deadline = db.session.get(Deadline, deadline_id, populate_existing=True)
            if deadline.state != "open" or deadline.notified_colour == deadline.colour:
                continue                # another scheduler or an action got there first
            counts["messages"] += _remind(action, deadline)
            counts["transitions"] += 1
            if deadline.colour == "red" and deadline.role == "lead" and deadline.stage == "handling" \
                    and deadline.escalated_at is None:
                escalations.raise_item(action, deadline)
                counts["escalations"] += 1
    return counts


def _remind(action, deadline: Deadline) -> int:
    colour, case = deadline.colour, action.case
    deadline.notified_colour = colour
    due_local = deadline.due_at.replace(tzinfo=timezone.utc).astimezone(deadlines.TZ).strftime("%m-%d %H:%M")
    body = TEXT[colour].format(case_no=case.case_no, title=case.title[:20], due=due_local)
    sent = 0
    for user_id, phone in _recipients(deadline.department_id, REMINDER_ROLE[colour]):
        sent += notifications.enqueue(kind=f"reminder_{colour}", recipient=phone, body=body, case_id=case.id,
                                      user_id=user_id, dedupe_key=f"deadline:{deadline.id}:{colour}:{user_id}",
                                      now=action.now)
    action.event(f"reminder_{colour}", actor_id=None, data={"deadline_id": deadline.id, "messages": sent})
    return sent


def _recipients(department_id: int, role: str) -> list[tuple[int, str]]:
    return db.session.execute(select(User.id, User.phone).join(UserRole, UserRole.user_id == User.id).where(
        User.department_id == department_id, User.active.is_(True), UserRole.role == role,
        User.phone.is_not(None))).all()


def send_digests(now: datetime | None = None) -> int:
    """Each working morning after the digest time: each handler's count of items due soon."""
    now = now or clock_now()
    params = settings.snapshot()
    cal = deadlines.current_calendar(params["calendar.revision"])
    today = deadlines.local_date(now)
    if not cal.is_working_day(today) or now < _digest_moment(today, str(params["digest_time"])):
        return 0
    horizon = deadlines.end_of_office(cal.add_working_days(today, int(params["digest_days"])), params.office_end)
    queued = 0
    for user_id, phone, path in _handlers():
        due_soon = db.session.execute(select(func.count()).select_from(WorkItem).join(
            Department, Department.id == WorkItem.department_id).where(
            WorkItem.state == "open", WorkItem.role == R.HANDLER, WorkItem.due_at.is_not(None),
            WorkItem.due_at <= horizon, Department.path.like(path + "%"))).scalar()
        if due_soon:
            queued += notifications.enqueue(
                kind="digest", recipient=phone, user_id=user_id, now=now, dedupe_key=f"digest:{user_id}:{today}",
                body=f"【12345】您有{due_soon}件待办将在{params['digest_days']}个工作日内到期，请及时办理。")
    db.session.commit()
    return queued


def _digest_moment(day, at: str) -> datetime:
    """Naive-UTC moment of `at` (HH:MM, Asia/Shanghai) on `day`."""
    return deadlines.end_of_office(day, at)


def _handlers() -> list[tuple[int, str, str]]:
    return db.session.execute(select(User.id, User.phone, Department.path).join(
        UserRole, UserRole.user_id == User.id).join(Department, Department.id == User.department_id).where(
        UserRole.role == R.HANDLER, User.active.is_(True), User.phone.is_not(None))).all()
