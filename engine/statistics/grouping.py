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
        return day_part(shifted, by)
    if by == "hour":
        return cast(func.strftime("%H", anchor, f"+{_SHIFT_HOURS} hours"), Integer)
    return day_part(anchor, by, f"+{_SHIFT_HOURS} hours")


def day_part(value, by: str, *sqlite_modifiers: str):
    """SQL: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' of a date or moment (on SQLite after the modifiers)."""
    if postgres():
        return func.to_char(value, literal_column(f"'{_FORMATS[by][0]}'"))
    return func.strftime(_FORMATS[by][1], value, *sqlite_modifiers)


@dataclass(frozen=True)
class Grouping:
    """`by` None: one total per figure (key ALL). With `then`, a key is the pair (by, then); with
    `more` (the daily rollup's day × department × category × channel) a longer tuple."""

    by: str | None = None
    then: str | None = None
    more: tuple[str, ...] = ()

    @property
    def dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in (self.by, self.then, *self.more) if d is not None)

    @property
    def timed(self) -> bool:
        """Figures without a department or case (the calls) can be grouped only by time."""
        return all(d in TIME_DIMENSIONS for d in self.dimensions)

    def key(self, anchor, department=Case.lead_department_id):
        """None, the SQL key of `by`, or the tuple of keys of every dimension."""
        keys = tuple(_dimension(d, anchor, department) for d in self.dimensions)
        if not keys:
            return None
        return keys[0] if len(keys) == 1 else keys


def _dimension(by: str, anchor, department):
    if by == "department":
        return department
    if by in _CASE_COLUMNS:
        return _CASE_COLUMNS[by]
    return local_part(anchor, by)


def fetch(key, columns: list, shape: Callable) -> dict:
    """{key: (aggregates…)} of `shape(select(key, *columns))`, grouped by the key (a pair of keys:
    by both, the dict's key a tuple); {ALL: row} when the key is None. The GROUP BY names the
    output columns, so an expression with bound parameters (PostgreSQL's to_char format) is not
    repeated with different parameters."""
    if key is None:
        return {ALL: tuple(db.session.execute(shape(select(*columns))).one())}
    keys = key if isinstance(key, tuple) else (key,)
    labels = [f"group_key{n}" for n in range(len(keys))]
    stmt = shape(select(*[k.label(name) for k, name in zip(keys, labels)], *columns)).group_by(
        *[literal_column(name) for name in labels])
    n = len(keys)
    return {(row[0] if n == 1 else tuple(row[:n])): tuple(row[n:]) for row in db.session.execute(stmt)}
