"""Deadlines per case, stage and department: opened, extended, paused, resumed, closed.

Everything here runs inside a case action's transaction (engine.cases.unit), so a due date
never changes without the action that changed it, and every change is an audit event. Due moments
come from the working-day calendar (engine.deadlines.calendar) and the parameters, both read fresh.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select

from engine.db import db, prebuilt
from engine.deadlines import calendar as calendar_service, workdays as cal_math
from engine.deadlines.colours import colour_of
from engine.models import Case, Deadline
from engine.organisation import settings

OPEN_STATES = ("open", "paused")


def limits_in_force(action):
    """Parameters and calendar as they are now, read once per action."""
    if "rules" not in action.cache:
        params = settings.snapshot()
        action.cache["rules"] = params, calendar_service.current(params["calendar.revision"])
    return action.cache["rules"]


def warn_point(cal, params, stage: str, started_at: datetime, due_at: datetime, warn_days: int) -> datetime:
    """When the deadline turns yellow: `warn_days` working days before the due day ends, but never
    while more than the stage's warning share of the limit's office time is left.

    The day rule alone makes a one-working-day limit (sign-for) yellow from its first hour; the
    share keeps a short limit green for most of it and leaves long limits on the day rule.
    """
    day = cal_math.local_date(due_at)
    left = warn_days
    while left > 0:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            left -= 1
    by_days = cal_math.end_of_office(day, params.office_end)
    office = params.office_hours
    window = cal.office_time(started_at, due_at, office) * params.warn_share(stage) / 100
    return max(by_days, cal.office_time_before(due_at, window, started_at, office))


def of_case(case_id: int) -> list[Deadline]:
    """Every deadline of a case, oldest first (reads, outside actions)."""
    return list(db.session.execute(_of_case_statement(), {"case_id": case_id}).scalars())


@prebuilt
def _of_case_statement():
    return select(Deadline).where(Deadline.case_id == bindparam("case_id")).order_by(Deadline.id)


def all_of(action) -> list[Deadline]:
    """The case's deadlines, read once per action (a case has a handful); new ones are appended."""
    if "deadlines" not in action.cache:
        action.cache["deadlines"] = of_case(action.case.id)
    return action.cache["deadlines"]


def running(action, *, stage: str | None = None, role: str | None = None, department_id: int | None = None,
            states=OPEN_STATES) -> list[Deadline]:
    """The case's deadlines in `states` (running: open or paused), optionally narrowed."""
    return [d for d in all_of(action) if d.state in states and (stage is None or d.stage == stage)
            and (role is None or d.role == role) and (department_id is None or d.department_id == department_id)]


def open_for(action, *, stage: str, departments: list[tuple[int, str]], actor_id: int | None) -> list[Deadline]:
    """Start the clock of `stage` for each (department, lead|co) from now."""
    params, cal = limits_in_force(action)
    case: Case = action.case
    if stage == "sign_for":
        days, warn_days = int(params["sign_for_days"]), int(params["sign_for_warn_days"])
    elif stage == "reexamination":      # the re-examination's own statutory limit (issue 14)
        days, warn_days = int(params["reexamination.handling_days"]), int(params["reexamination.warn_days"])
    else:
        days, warn_days = params.handling_days(case.category), params.warn_days(case.category)
    due, provisional = cal.due_after(action.now, days, params.office_end)
    warn = warn_point(cal, params, stage, action.now, due, warn_days)
    last_round = max((d.round for d in all_of(action) if d.stage == stage), default=0)
    rows = [Deadline(case_id=case.id, stage=stage, department_id=dept, role=role, round=last_round + 1,
                     started_at=action.now, working_days=days, due_at=due, warn_at=warn,
                     provisional=provisional, colour=colour_of(action.now, due, warn), state="open")
            for dept, role in departments]
    db.session.add_all(rows)
    all_of(action).extend(rows)
    _mirror(case, stage, due, warn, provisional, action.now)
    action.event("deadline_started", actor_id=actor_id, data={
        "stage": stage, "working_days": days, "due_at": due.isoformat(), "provisional": provisional})
    return rows


def close(action, deadlines: list[Deadline], *, natural: bool = False) -> None:
    """Stop deadlines: met or missed by now, or `natural` (counts as on time); a limit Article 7
    made overtime (`overtime_cause`) is missed whatever its due date says."""
    for d in deadlines:
        if d.overtime_cause:
            d.state = "missed"
        else:
            d.state = "natural" if natural else ("met" if action.now <= d.due_at else "missed")
        d.completed_at = action.now


def cancel(action, deadlines: list[Deadline]) -> None:
    """Deadlines that no longer apply (a return approved, a re-dispatch)."""
    for d in deadlines:
        d.state, d.completed_at = "cancelled", action.now


def leave_department(action, *, natural: bool) -> None:
    """The reply left the lead department: its handling deadline stops; the case has no clock."""
    case = action.case
    close(action, running(action, stage="handling", role="lead"), natural=natural)
    case.due_at = case.warn_at = None
    case.due_provisional = False


def extend(action, *, days: int, reason: str, actor_id: int | None) -> None:
    """Add working days to every running handling deadline (extension, escalation)."""
    params, cal = limits_in_force(action)
    changed = None
    for d in running(action, stage="handling"):
        old = d.due_at
        d.due_at, d.provisional = cal.extend(d.due_at, days, params.office_end)
        d.warn_at = warn_point(cal, params, d.stage, d.started_at, d.due_at, params.warn_days(action.case.category))
        d.colour = colour_of(action.now, d.due_at, d.warn_at)
        if d.role == "lead":
            changed = (old, d)
    if changed:
        old, lead = changed
        _mirror(action.case, "handling", lead.due_at, lead.warn_at, lead.provisional, action.now)
        action.event("due_changed", actor_id=actor_id, data={
            "reason": reason, "days": days, "from": old.isoformat(), "to": lead.due_at.isoformat()})


def pause(action, *, actor_id: int | None) -> None:
    """Suspension approved: the handling clock stops."""
    for d in running(action, stage="handling", states=("open",)):
        d.state, d.paused_at = "paused", action.now
    action.case.suspended = True
    action.event("clock_paused", actor_id=actor_id, data={})


def resume(action, *, actor_id: int | None) -> None:
    """Resumption adds the working days the clock stood still to every paused deadline."""
    params, cal = limits_in_force(action)
    for d in running(action, stage="handling", states=("paused",)):
        paused = cal.working_days_between(cal_math.local_date(d.paused_at), cal_math.local_date(action.now))
        d.state, d.paused_days, d.paused_at = "open", d.paused_days + paused, None
        if paused:
            old = d.due_at
            d.due_at, d.provisional = cal.extend(d.due_at, paused, params.office_end)
            d.warn_at = warn_point(cal, params, d.stage, d.started_at, d.due_at, params.warn_days(action.case.category))
            if d.role == "lead":
                _mirror(action.case, "handling", d.due_at, d.warn_at, d.provisional, action.now)
                action.event("due_changed", actor_id=actor_id, data={
                    "reason": "suspension", "days": paused, "from": old.isoformat(), "to": d.due_at.isoformat()})
        d.colour = colour_of(action.now, d.due_at, d.warn_at)
    action.case.suspended = False


def overdue_lead(action) -> Deadline | None:
    """The lead's running handling deadline if it has passed or Article 7 made it overtime."""
    for d in running(action, stage="handling", role="lead"):
        if action.now > d.due_at or d.overtime_cause:
            return d
    return None


def _mirror(case: Case, stage: str, due: datetime, warn: datetime, provisional: bool, now: datetime) -> None:
    """The case's own columns show its binding deadline (lists and the scheduler read them)."""
    if stage == "sign_for":
        case.sign_due_at = due
    else:
        case.handle_due_at = due
    case.due_at, case.warn_at, case.due_provisional = due, warn, provisional

