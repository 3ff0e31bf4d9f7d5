"""Deadlines: statutory time limits in working days, and their colours.

Owns the working-day arithmetic (`workdays`: Asia/Shanghai, end of office hours), the editable
working-day calendar with its confirmed and provisional years (`calendar`), the `deadline`
projection of each case's stage and department (`service`: opened, closed, extended, paused by
the case actions' task hooks, in their transaction) and the green/yellow/red colours with the
scheduler's recolouring (`colours`). What happens when a colour changes (reminders, escalation,
overtime reports) acts on cases and lives in `engine.cases`. Imports only `organisation`.
"""
from engine.deadlines import rules
from engine.deadlines.calendar import current as current_calendar
from engine.deadlines.colours import COLOURS, colour_condition, colour_of
from engine.deadlines.service import (
                                      cancel,
                                      close,
                                      extend,
                                      leave_department,
                                      open_for,
                                      overdue_lead,
                                      pause,
                                      resume,
                                      running,
)
from engine.deadlines.workdays import TZ, WorkCalendar, end_of_office, local_date, local_moment

__all__ = ["COLOURS", "TZ", "WorkCalendar", "cancel", "close", "colour_condition", "colour_of", "current_calendar",
           "end_of_office", "extend", "leave_department", "local_date", "local_moment", "open_for", "overdue_lead",
           "pause", "resume", "rules", "running"]
