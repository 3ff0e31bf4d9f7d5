"""Grouping a figure: the SQL key of a dimension at the figure's anchor moment, and the one query
runner every figure uses, grouped or not (so a grouped figure and the total are the same SQL)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Integer, cast, extract, func, literal_column, select

from engine.db import db
from engine.models import Case
from engine.statistics.window import postgres

ALL = "*"   # the key of an ungrouped figure
TIME_DIMENSIONS = ("year", "month", "day", "hour")
CASE_DIMENSIONS = ("category", "channel", "area", "dispatch_mode")
DIMENSIONS = ("department", *CASE_DIMENSIONS, *TIME_DIMENSIONS)
_CASE_COLUMNS = {"category": Case.category, "channel": Case.channel, "area": Case.area_id,
                 "dispatch_mode": Case.dispatch_mode}
# (PostgreSQL to_char, SQLite strftime) of a Shanghai local moment
_FORMATS = {"year": ("YYYY", "%Y"), "month": ("YYYY-MM", "%Y-%m"), "day": ("YYYY-MM-DD", "%Y-%m-%d")}
# Asia/Shanghai has kept UTC+8 without daylight saving since 1991: a fixed shift of the stored
# naive-UTC moments is exact and keeps the key an index-friendly expression on both databases.
_SHIFT_HOURS = 8


def local_part(anchor, by: str):
    """SQL: the Shanghai year/month/day (text) or hour (0..23) of a stored moment."""
    if postgres():
        shifted = anchor + literal_column(f"interval '{_SHIFT_HOURS} hours'")
        if by == "hour":
            return cast(extract("hour", shifted), Integer)
        return func.to_char(shifted, literal_column(f"'{_FORMATS[by][0]}'"))
    if by == "hour":
        return cast(func.strftime("%H", anchor, f"+{_SHIFT_HOURS} hours"), Integer)
    return func.strftime(_FORMATS[by][1], anchor, f"+{_SHIFT_HOURS} hours")


@dataclass(frozen=True)
class Grouping:
    """`by` None: one total per figure (key ALL)."""

    by: str | None = None

    @property
    def timed(self) -> bool:
        """Figures without a department or case (the calls) can be grouped only by time."""
        return self.by is None or self.by in TIME_DIMENSIONS

    def key(self, anchor, department=Case.lead_department_id):
        if self.by is None:
            return None
        if self.by == "department":
            return department
        if self.by in _CASE_COLUMNS:
            return _CASE_COLUMNS[self.by]
        return local_part(anchor, self.by)


def fetch(key, columns: list, shape: Callable) -> dict:
    """{key: (aggregates…)} of `shape(select(key, *columns))`, grouped by the key; {ALL: row} when
    the key is None. The GROUP BY names the output column, so an expression with bound parameters
    (PostgreSQL's to_char format) is not repeated with different parameters."""
    if key is None:
        return {ALL: tuple(db.session.execute(shape(select(*columns))).one())}
    stmt = shape(select(key.label("group_key"), *columns)).group_by(literal_column("group_key"))
    return {row[0]: tuple(row[1:]) for row in db.session.execute(stmt)}
