"""What a KPI request covers: the period's naive-UTC bounds, the filters, the actor's scope, and
the few SQL expressions that differ between PostgreSQL and SQLite."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, extract, func, true

from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.localtime import local_midnight
from engine.models import Case, Deadline
from engine.organisation import Actor, roles as R, scope
from forms.messages import msg

ALL_DEPARTMENTS = R.OVERSIGHT_ROLES
VIEW_ROLES = ALL_DEPARTMENTS + (R.DEPT_LEADER,)


@dataclass(frozen=True)
class Window:
    """[lo, hi): from 00:00 of `start` to 00:00 after `end` (Shanghai), plus filters and scope."""

    lo: datetime
    hi: datetime
    department_id: int | None = None
    category: str | None = None
    channel: str | None = None
    area_id: int | None = None
    scoped_to: Actor | None = None          # a department leader: their subtree only

    @property
    def whole_center(self) -> bool:
        """No department, category, channel or area narrows it: call figures apply."""
        return self.scoped_to is None and not (self.department_id or self.category or self.channel or self.area_id)

    def during(self, column):
        return and_(column >= self.lo, column < self.hi)

    def case_filters(self, department_column=Case.lead_department_id) -> list:
        """Conditions on Case (joined or correlated); the department one on `department_column`."""
        found = []
        if self.scoped_to is not None:
            found.append(department_column.in_(scope.subtree_department_ids(self.scoped_to)))
        if self.department_id:
            found.append(department_column.in_(scope.subtree_of(self.department_id)))
        if self.category:
            found.append(Case.category == self.category)
        if self.channel:
            found.append(Case.channel == self.channel)
        if self.area_id:
            found.append(Case.area_id.in_(scope.subtree_of(self.area_id)))
        return found or [true()]

    def deadline_filters(self) -> list:
        """A limit belongs to the department that held it, the rest of the filters to its case."""
        return self.case_filters(Deadline.department_id)


def window(actor: Actor, *, start: date, end: date, department_id: int | None = None, category: str | None = None,
           channel: str | None = None, area_id: int | None = None) -> Window:
    """Check the actor may read these figures and build the window."""
    actor.require(*VIEW_ROLES)
    if start > end:
        raise ValidationFailed({"end": [msg("end_before_start", "must not be before the start")]})
    scoped = None if actor.has(*ALL_DEPARTMENTS) else actor
    if scoped is not None and department_id and not scope.in_subtree(actor, department_id):
        raise PermissionDenied(msg("statistics_out_of_scope",
                                   "department %(id)s is outside your department's scope", id=department_id))
    return Window(lo=local_midnight(start), hi=local_midnight(end + timedelta(days=1)), department_id=department_id,
                  category=category, channel=channel, area_id=area_id, scoped_to=scoped)


def postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def seconds_between(earlier, later):
    """`later - earlier` in seconds (to the millisecond), as SQL."""
    if postgres():
        return extract("epoch", later - earlier)
    return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)


def within_days(earlier, later, days: int):
    """SQL: `earlier` lies before `later`, by at most `days` days."""
    if postgres():
        return and_(earlier < later, earlier >= later - timedelta(days=days))
    return and_(earlier < later, func.julianday(earlier) >= func.julianday(later) - days)
