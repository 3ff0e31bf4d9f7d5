"""Seed 5's time-limit rules (限时办结制) that decide whether a limit was kept.

Article 8: a natural completion (自然办结) may be declared only on the working day before the due
date or on the due date (up to the limit), never after it. Article 7: a limit also counts as
missed when the extension was asked after it, when the citizen was told of the extension after
it, or when a decision made in time reached the citizen more than one working day later; such a
limit keeps its cause (`overtime_cause`) and closes `missed` whatever its new due date says.
Runs inside a case action's transaction, like engine.deadlines.service.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.deadlines import calendar as calendar_service, service, workdays as cal_math
from engine.models import Deadline
from engine.organisation import settings

DELIVERY_DAYS = 1    # Article 6: the citizen is told within one working day of the decision


def previous_working_day(cal, day: date) -> date:
    day -= timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return day


def natural_window(action, deadline: Deadline) -> tuple[datetime, datetime]:
    """From the start of the working day before the due date to the limit itself (UTC, naive)."""
    _, cal = service.limits_in_force(action)
    return _window(cal, deadline.due_at)


def _window(cal, due_at: datetime) -> tuple[datetime, datetime]:
    opens = previous_working_day(cal, cal_math.local_date(due_at))
    return cal_math.on_day(opens, "00:00"), due_at


def natural_window_of_case(case_id: int) -> tuple[datetime, datetime] | None:
    """The window of the case's running lead handling limit, for pages (outside actions)."""
    lead = next((d for d in service.of_case(case_id) if d.stage == "handling" and d.role == "lead"
                 and d.state == "open"), None)
    if lead is None:
        return None
    return _window(calendar_service.current(settings.snapshot()["calendar.revision"]), lead.due_at)


def in_natural_window(action, deadline: Deadline) -> bool:
    opens, closes = natural_window(action, deadline)
    return opens <= action.now <= closes


def mark_overtime(action, deadline: Deadline, cause: str, *, actor_id: int | None) -> None:
    """Article 7: the limit counts as missed; a limit already closed on time is reopened as missed.

    The first cause stays (it is the one the overtime report answers); the event says each."""
    first = deadline.overtime_cause is None
    deadline.overtime_cause = deadline.overtime_cause or cause
    if deadline.state in ("met", "natural"):
        deadline.state = "missed"
    action.event("overtime_counted", actor_id=actor_id, data={
        "cause": cause, "due_at": deadline.due_at.isoformat(), "first": first,
        "department_id": deadline.department_id})


def delivery_due(action, decided_at: datetime) -> datetime:
    """When a decision made at `decided_at` must have reached the citizen: the end of office on
    the next working day (the same arithmetic as a one-working-day limit)."""
    params, cal = service.limits_in_force(action)
    due, _ = cal.due_after(decided_at, DELIVERY_DAYS, params.office_end)
    return due


def last_lead_decision(action) -> Deadline | None:
    """The lead's handling limit the latest reply or natural completion closed."""
    closed = [d for d in service.all_of(action) if d.stage == "handling" and d.role == "lead"
              and d.state in ("met", "natural", "missed") and d.completed_at is not None]
    return max(closed, key=lambda d: (d.round, d.id), default=None)


def report_owed(action) -> Deadline | None:
    """The lead's limit an overtime report may be filed for: a running one that is overdue or
    made overtime, else the latest closed one that was missed (e.g. delivered late)."""
    late = service.overdue_lead(action)
    if late is not None:
        return late
    last = last_lead_decision(action)
    return last if last is not None and last.state == "missed" else None


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The naive-UTC bounds of a Shanghai calendar month (a register's month filter)."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return cal_math.on_day(first, "00:00"), cal_math.on_day(following, "00:00")
