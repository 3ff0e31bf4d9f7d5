"""The periods of the fixed reports (固定报表): a Shanghai day, an ISO week (Monday to Sunday), a
calendar month or year, named as people and HTML date pickers write them, and the periods a
report compares itself with (环比: the one before; 同比: the same one a year before)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone

from engine.errors import ValidationFailed
from engine.localtime import TZ
from engine.ports import now as clock_now
from forms.messages import msg

KINDS = ("day", "week", "month", "year")
# How each kind is written (what <input type=date|week|month> sends) and an example for the message.
_FORMATS = {"day": (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), "2026-11-02"),
            "week": (re.compile(r"(\d{4})-?W(\d{2})"), "2026-W45"),
            "month": (re.compile(r"(\d{4})-(\d{2})"), "2026-11"),
            "year": (re.compile(r"(\d{4})"), "2026")}


@dataclass(frozen=True)
class Period:
    """`start`..`end`: Shanghai calendar days, both inclusive; `name` as the picker writes it."""

    kind: str
    start: date
    end: date
    name: str


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period("month", start, following - timedelta(days=1), f"{year:04d}-{month:02d}")


def _week(year: int, week: int) -> Period:
    start = date.fromisocalendar(year, week, 1)
    return Period("week", start, start + timedelta(days=6), f"{year:04d}-W{week:02d}")


def _day(day: date) -> Period:
    return Period("day", day, day, day.isoformat())


def _year(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31), f"{year:04d}")


def _parse(kind: str, value: str) -> Period:
    """ValueError when the value is not a period of the kind (wrong shape, 2026-13, week 54…)."""
    match = _FORMATS[kind][0].fullmatch(value)
    if not match:
        raise ValueError(value)
    numbers = [int(n) for n in match.groups()]
    if numbers[0] < 1:
        raise ValueError(value)
    if kind == "day":
        return _day(date(*numbers))
    if kind == "week":
        return _week(*numbers)
    if kind == "month":
        return _month(*numbers)
    return _year(numbers[0])


def latest(kind: str, today: date) -> Period:
    """The last complete period before today: yesterday, last week, last month, last year."""
    if kind == "day":
        return _day(today - timedelta(days=1))
    if kind == "week":
        year, week, _weekday = (today - timedelta(days=7)).isocalendar()
        return _week(year, week)
    if kind == "month":
        last = today.replace(day=1) - timedelta(days=1)
        return _month(last.year, last.month)
    return _year(today.year - 1)


def period(kind: str | None, value: str | None = None, *, today: date | None = None) -> Period:
    """The period a user chose (`value` empty: the latest complete one). 422 on `kind` or `period`."""
    kind = (kind or "").strip()
    if kind not in KINDS:
        raise ValidationFailed({"kind": [msg("report_kind", "must be day, week, month or year")]})
    value = (value or "").strip()
    if not value:
        today = today or clock_now().replace(tzinfo=timezone.utc).astimezone(TZ).date()
        return latest(kind, today)
    try:
        return _parse(kind, value)
    except ValueError:
        raise ValidationFailed({"period": [_bad(kind)]}) from None


def _bad(kind: str):
    """What is wrong with a period of the kind (one literal message each, for the translations)."""
    example = _FORMATS[kind][1]
    if kind == "day":
        return msg("report_day", "must be a date written like %(example)s", example=example)
    if kind == "week":
        return msg("report_week", "must be an ISO week written like %(example)s", example=example)
    if kind == "month":
        return msg("report_month", "must be a month written like %(example)s", example=example)
    return msg("report_year", "must be a year written like %(example)s", example=example)


def previous(p: Period) -> Period:
    """环比: the period of the same kind just before."""
    if p.kind == "day":
        return _day(p.start - timedelta(days=1))
    if p.kind == "week":
        year, week, _weekday = (p.start - timedelta(days=7)).isocalendar()
        return _week(year, week)
    if p.kind == "month":
        last = p.start - timedelta(days=1)
        return _month(last.year, last.month)
    return _year(p.start.year - 1)


def year_before(p: Period) -> Period:
    """同比: the same month or year a year before (a year's is also its 环比)."""
    if p.kind == "month":
        return _month(p.start.year - 1, p.start.month)
    return _year(p.start.year - 1)


def comparisons(p: Period) -> dict[str, Period]:
    """What the report sets beside its figures: 环比 for a day and a week, both for a month, 同比
    for a year (its previous period is the year before)."""
    found = {}
    if p.kind != "year":
        found["previous"] = previous(p)
    if p.kind in ("month", "year"):
        found["year_before"] = year_before(p)
    return found
