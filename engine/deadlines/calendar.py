"""The working-day calendar table: seeded from `chinesecalendar`, edited by admins, every change audited.

Only exceptions to the Mon-Fri rule are stored (a weekday holiday, a weekend make-up workday 调休).
Every change bumps the `calendar.revision` parameter; `current()` caches the loaded calendar per
process under that revision, so a change takes effect at once in every process.

Callers pass `actor=None` ONLY from the command line (api/cli_calendar.py): whoever runs
`flask calendar ...` on the server already controls the database, so no role is checked and the
audit rows carry no actor. The REST API always passes the signed-in Actor.
"""
from __future__ import annotations

import threading
from datetime import date

import chinese_calendar
from sqlalchemy import select

from engine.db import db
from engine.deadlines.workdays import WorkCalendar, mon_to_fri
from engine.errors import ValidationFailed
from engine.models import CalendarDay, CalendarYear, ConfigChange
from engine.organisation import Actor, roles as R, settings
from engine.ports import now as clock_now
from forms.messages import msg

LIBRARY = "chinesecalendar"
KINDS = ("workday", "holiday")
MAX_DAYS = 3650          # a bound on counting requests; statutory limits are far below it
LABEL_MAX = 50           # CalendarDay.label length
FIRST_YEAR, LAST_YEAR = 1900, 2999    # a calendar outside these is a typo (and year 9999 + N days overflows)

_cache: tuple[int, WorkCalendar] | None = None
_lock = threading.Lock()


def current(revision: int | None = None) -> WorkCalendar:
    """The stored calendar, reloaded only when `calendar.revision` moved (pass it if you have it).

    Call it outside a transaction that changes the calendar: the cache must only see committed rows.
    """
    global _cache
    revision = int(settings.snapshot()["calendar.revision"] if revision is None else revision)
    cached = _cache
    if cached is not None and cached[0] == revision:
        return cached[1]
    with _lock:
        # Rows read after the revision are at least as new as it (a newer load only costs a reload).
        calendar = _load()
        _cache = (revision, calendar)
    return calendar


def forget() -> None:
    """Drop the cached calendar (tests that edit rows behind the services' back)."""
    global _cache
    _cache = None


def _load() -> WorkCalendar:
    days = db.session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
    years = db.session.execute(select(CalendarYear.year, CalendarYear.status)).all()
    return WorkCalendar(exceptions=dict(days), years=dict(years))


# The package names its holidays in English; the calendar speaks the State Council's words.
HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                 "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
                 "Mid-autumn Festival": "中秋节",
                 "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}


def holiday_name(name: object) -> str:
    """A holiday's Chinese name (the package's English one when it is new to this table)."""
    return HOLIDAY_NAMES.get(str(name), str(name))


def library_exceptions() -> dict[int, dict[date, tuple[bool, str]]]:
    """{year: {day: (is_workday, label)}}: the package's data reduced to exceptions to Mon-Fri."""
    years: dict[int, dict[date, tuple[bool, str]]] = {
        d.year: {} for d in (*chinese_calendar.holidays, *chinese_calendar.workdays)}
    for day, name in chinese_calendar.holidays.items():
        if mon_to_fri(day):                      # a weekend holiday is off anyway
            years[day.year][day] = (False, holiday_name(name)[:LABEL_MAX])
    for day, name in chinese_calendar.workdays.items():
        if not mon_to_fri(day):                  # a weekday workday is on anyway
            years[day.year][day] = (True, f"{holiday_name(name)}调休"[:LABEL_MAX])
    return years


def import_library(actor_id: int | None = None) -> dict[str, int]:
    """Store the package's years (idempotent); never touches a year an admin edited or confirmed.

    A year already imported from the package only gets the days it lacks (a newer package).
    Returns {"years": years created, "days": day rows added}.
    """
    stored = {y.year: y for y in db.session.execute(select(CalendarYear)).scalars()}
    reason = f"从 {LIBRARY} {getattr(chinese_calendar, '__version__', '')} 导入".replace("  ", " ")
    have = set(db.session.execute(select(CalendarDay.day)).scalars())
    added_years = added_days = 0
    for year, days in sorted(library_exceptions().items()):
        row = stored.get(year)
        if row is not None and row.source != LIBRARY:
            continue                             # the admins' word wins over the package
        new = {d: v for d, v in days.items() if d not in have}
        db.session.add_all(CalendarDay(day=d, is_workday=w, label=label, updated_by_id=actor_id,
                                       updated_at=clock_now()) for d, (w, label) in new.items())
        added_days += len(new)
        if row is None:
            _add_library_year(year, len(new), actor_id, reason)
            added_years += 1
    if added_years or added_days:
        settings.bump("calendar.revision", actor_id=actor_id, reason=reason)
    db.session.commit()
    return {"years": added_years, "days": added_days}


def _add_library_year(year: int, days: int, actor_id: int | None, reason: str) -> None:
    now = clock_now()
    db.session.add(CalendarYear(year=year, status="confirmed", source=LIBRARY, updated_at=now,
                                confirmed_at=now, confirmed_by_id=actor_id))
    _audit("calendar_year", str(year), None, {"status": "confirmed", "source": LIBRARY, "days": days},
           actor_id, reason)


def set_day(*, actor: Actor | None, day: date, kind: str, label: str = "", reason: str = "") -> dict:
    """Make `day` a workday or a holiday (admin; actor=None: CLI); audited; effective at once.

    A day set back to its Mon-Fri default needs no row, so its row is deleted (and its label with it).
    """
    _require_admin(actor)
    errors = _year_errors(day.year, "day")
    if kind not in KINDS:
        errors["kind"] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(KINDS))]
    if len(label) > LABEL_MAX:
        errors["label"] = [msg("max_length", "at most %(max)s characters", max=LABEL_MAX)]
    if errors:
        raise ValidationFailed(errors)
    actor_id = actor.user_id if actor else None
    # Bumping first locks the revision row (PostgreSQL): concurrent calendar edits run one by one.
    settings.bump("calendar.revision", actor_id=actor_id, reason=reason or f"工作日历 {day.isoformat()}")
    row = db.session.get(CalendarDay, day, populate_existing=True)     # fresh, not the identity map's
    old, new = describe_day(day, row), {"kind": kind, "label": label}
    if kind == ("workday" if mon_to_fri(day) else "holiday"):
        new["label"] = ""
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(CalendarDay(day=day, is_workday=kind == "workday", label=label,
                                   updated_at=clock_now(), updated_by_id=actor_id))
    else:
        row.is_workday, row.label = kind == "workday", label
        row.updated_at, row.updated_by_id = clock_now(), actor_id
    if old == new:
        db.session.rollback()                    # nothing changed: no audit, no new revision
        return new
    _mark_year_edited(day.year, actor_id, reason)
    _audit("calendar", day.isoformat(), old, new, actor_id, reason)
    db.session.commit()
    return new


def _mark_year_edited(year: int, actor_id: int | None, reason: str) -> None:
    row = db.session.get(CalendarYear, year, populate_existing=True)
    if row is None:
        db.session.add(CalendarYear(year=year, status="provisional", source="admin", updated_at=clock_now()))
        _audit("calendar_year", str(year), None, {"status": "provisional", "source": "admin"}, actor_id, reason)
    else:
        # From now on the admins own this year: a later import must not overwrite it.
        row.source, row.updated_at = "admin", clock_now()


def confirm_year(*, actor: Actor | None, year: int, reason: str = "") -> dict:
    """Mark `year` confirmed (admin; actor=None: CLI); audited.

    A year without any stored data raises ValidationFailed (422, field "year"): there is nothing
    to confirm until its holidays are entered. Confirming a confirmed year changes nothing.
    """
    _require_admin(actor)
    _check_year(year, "year")
    row = db.session.get(CalendarYear, year, populate_existing=True, with_for_update=True)
    if row is None:
        raise ValidationFailed({"year": [msg("year_without_data", "no calendar data for %(year)s: enter its holidays first", year=year)]})
    if row.status != "confirmed":
        actor_id, now = (actor.user_id if actor else None), clock_now()
        settings.bump("calendar.revision", actor_id=actor_id, reason=reason or f"确认 {year} 年度安排")
        _audit("calendar_year", str(year), {"status": row.status}, {"status": "confirmed"}, actor_id, reason)
        row.status, row.updated_at, row.confirmed_at, row.confirmed_by_id = "confirmed", now, now, actor_id
        db.session.commit()
    return show_year(year)


def show_year(year: int) -> dict:
    """A year's status and its exceptions, by date; a year without data is provisional, no rows."""
    _check_year(year, "year")
    row = db.session.get(CalendarYear, year)
    days = db.session.execute(select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                        CalendarDay.day < date(year + 1, 1, 1))
                              .order_by(CalendarDay.day)).scalars().all()
    return {"year": year, "status": row.status if row else "provisional",
            "source": row.source if row else None, "confirmed_at": row.confirmed_at if row else None,
            "exceptions": [{"day": d.day, **describe_day(d.day, d)} for d in days]}


def working_days(start: date, days: int) -> dict:
    """The `days`-th working day after `start` (counting from the next day) and whether it is provisional."""
    _check_year(start.year, "start")
    if not 0 <= days <= MAX_DAYS:
        raise ValidationFailed({"days": [msg("days_out_of_range", "must be between 0 and %(max)s", max=MAX_DAYS)]})
    calendar = current()
    end = calendar.add_working_days(start, days)
    return {"start": start, "days": days, "date": end, "provisional": calendar.span_provisional(start, end)}


def describe_day(day: date, row: CalendarDay | None) -> dict:
    """{"kind", "label"} of a day given its exception row (None: the Mon-Fri default, no label)."""
    if row is None:
        return {"kind": "workday" if mon_to_fri(day) else "holiday", "label": ""}
    return {"kind": "workday" if row.is_workday else "holiday", "label": row.label}


def _year_errors(year: int, field: str) -> dict[str, list[str]]:
    return {} if FIRST_YEAR <= year <= LAST_YEAR else {field: [msg("year_out_of_range", "must be between the years %(first)s and %(last)s", first=FIRST_YEAR, last=LAST_YEAR)]}


def _check_year(year: int, field: str) -> None:
    errors = _year_errors(year, field)
    if errors:
        raise ValidationFailed(errors)


def _require_admin(actor: Actor | None) -> None:
    if actor is not None:                        # None: the command line (see the module docstring)
        actor.require(R.ADMIN)


def _audit(area: str, key: str, old: object, new: object, actor_id: int | None, reason: str) -> None:
    db.session.add(ConfigChange(area=area, key=key, old=old, new=new, reason=reason, actor_id=actor_id,
                                created_at=clock_now()))
