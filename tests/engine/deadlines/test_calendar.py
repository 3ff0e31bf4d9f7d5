"""Working-day arithmetic: the Mon-Fri rule, the statutory WorkCalendar, the stored table and its services."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import delete, select

from engine.db import db
from engine.deadlines import calendar as service, workdays as calendar
from engine.errors import PermissionDenied, ValidationFailed
from engine.models import CalendarDay, CalendarYear, ConfigChange
from engine.organisation import settings


def test_counting_starts_the_next_day_and_skips_weekends():
    friday = date(2026, 11, 27)
    assert calendar.add_working_days(friday, 1) == date(2026, 11, 30)
    assert calendar.add_working_days(friday, 5) == date(2026, 12, 4)
    assert calendar.add_working_days(date(2026, 11, 29), 1) == date(2026, 11, 30)   # from a Sunday
    assert calendar.add_working_days(friday, 0) == friday
    with pytest.raises(ValueError):
        calendar.add_working_days(friday, -1)


def test_a_custom_rule_overrides_mon_to_fri():
    holiday = date(2026, 11, 30)
    rule = lambda d: calendar.mon_to_fri(d) and d != holiday  # noqa: E731
    assert calendar.add_working_days(date(2026, 11, 27), 1, rule) == date(2026, 12, 1)


def test_due_moment_is_end_of_office_hours_in_shanghai():
    # 2026-11-29 23:00 UTC is already Monday 07:00 in Shanghai: one working day later is Tuesday.
    mon_to_fri = calendar.WorkCalendar()                       # no exceptions: the Mon-Fri rule
    due, _provisional = mon_to_fri.due_after(datetime(2026, 11, 29, 23, 0), 1)
    assert due == datetime(2026, 12, 1, 9, 30)                 # 17:30 +08:00
    assert calendar.end_of_office(date(2026, 12, 1), "18:00") == datetime(2026, 12, 1, 10, 0)
    assert mon_to_fri.extend(datetime(2026, 12, 4, 9, 30), 2)[0] == datetime(2026, 12, 8, 9, 30)


# --- The statutory calendar (WorkCalendar, the stored table, its services) -------------------

SCRATCH = 2030          # a year no library data and no other test uses


def revision() -> int:
    return int(settings.snapshot()["calendar.revision"])


def wipe_year(year: int) -> None:
    """Remove a year's rows and move the revision (so every cached calendar reloads)."""
    db.session.rollback()
    db.session.execute(delete(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                 CalendarDay.day < date(year + 1, 1, 1)))
    db.session.execute(delete(CalendarYear).where(CalendarYear.year == year))
    settings.bump("calendar.revision", actor_id=None, reason="test cleanup")
    db.session.commit()


@pytest.fixture
def scratch_year(app):
    """SCRATCH, with no rows before the test and none after it."""
    wipe_year(SCRATCH)
    yield SCRATCH
    wipe_year(SCRATCH)


@pytest.fixture
def stored(app) -> calendar.WorkCalendar:
    """The calendar as the demo seed stored it (imported from chinesecalendar)."""
    return service.current()


def test_work_calendar_applies_exceptions_over_mon_to_fri():
    saturday, monday = date(2031, 3, 1), date(2031, 3, 3)
    cal = calendar.WorkCalendar(exceptions={saturday: True, monday: False}, years={2031: "confirmed"})
    assert cal.is_working_day(saturday) and not cal.is_working_day(monday)
    assert cal.is_working_day(date(2031, 3, 4)) and not cal.is_working_day(date(2031, 3, 2))
    friday = date(2031, 2, 28)
    assert cal.add_working_days(friday, 0) == friday
    assert cal.add_working_days(friday, 1) == saturday
    assert cal.add_working_days(friday, 2) == date(2031, 3, 4)           # Sunday off, Monday a holiday
    assert cal.working_days_between(friday, date(2031, 3, 4)) == 2      # Sat + Tue; Fri itself excluded
    assert cal.working_days_between(friday, friday) == 0
    assert cal.working_days_between(date(2031, 3, 4), friday) == 0
    assert not cal.is_provisional(friday) and cal.is_provisional(date(2032, 1, 5))
    assert calendar.WorkCalendar(years={2031: "provisional"}).is_provisional(friday)
    # Provisional when any counted day's year is: start itself is not counted, the due day is.
    gap = calendar.WorkCalendar(years={2031: "confirmed", 2033: "confirmed"})
    assert gap.span_provisional(date(2031, 12, 31), date(2033, 1, 3))   # crosses 2032 (no data)
    assert not gap.span_provisional(date(2031, 12, 1), date(2031, 12, 31))
    assert not calendar.WorkCalendar(years={2032: "confirmed"}).span_provisional(
        date(2031, 12, 31), date(2032, 1, 2))                            # 12/31 is the start, not counted
    assert gap.span_provisional(date(2032, 12, 31), date(2032, 12, 31))  # n=0: the due day's year
    assert gap.due_after(datetime(2031, 12, 31, 2, 0), 260)[1] is True
    # The module functions accept the calendar's rule, the calendar leaves the caller's dict alone.
    assert calendar.add_working_days(friday, 1, cal.is_working_day) == saturday
    source = {saturday: True}
    frozen = calendar.WorkCalendar(exceptions=source)
    source[saturday] = False
    assert frozen.is_working_day(saturday)


def test_library_import_matches_the_official_2026_schedule():
    days = service.library_exceptions()[2026]
    off = {d for d, (work, _) in days.items() if not work}
    on = {d: label for d, (work, label) in days.items() if work}
    assert on == {date(2026, 1, 4): "元旦调休", date(2026, 2, 14): "春节调休",
                  date(2026, 2, 28): "春节调休", date(2026, 5, 9): "劳动节调休",
                  date(2026, 9, 20): "国庆节调休", date(2026, 10, 10): "国庆节调休"}
    assert all(d.weekday() < 5 for d in off)            # only weekday holidays are exceptions
    assert date(2026, 2, 16) in off and date(2026, 2, 15) not in off   # 2/15 is a Sunday anyway
    assert days[date(2026, 10, 1)] == (False, "国庆节")


def test_spring_festival_2026(stored):
    assert all(not stored.is_working_day(date(2026, 2, d)) for d in range(15, 24))
    assert stored.is_working_day(date(2026, 2, 14)) and stored.is_working_day(date(2026, 2, 28))
    friday = date(2026, 2, 13)
    assert stored.add_working_days(friday, 1) == date(2026, 2, 14)      # the make-up Saturday
    # 2/14 Sat (1), 2/15-2/23 off, 2/24 Tue (2), 2/25 (3), 2/26 (4), 2/27 Fri (5)
    assert stored.add_working_days(friday, 5) == date(2026, 2, 27)
    # then 2/28 Sat is a make-up day (6), 3/1 Sun off, 3/2 Mon (7)
    assert stored.add_working_days(friday, 6) == date(2026, 2, 28)
    assert stored.add_working_days(friday, 7) == date(2026, 3, 2)
    assert stored.working_days_between(friday, date(2026, 3, 2)) == 7
    assert calendar.add_working_days(friday, 5) == date(2026, 2, 20)    # Mon-Fri alone would be wrong


def test_national_day_2026(stored):
    assert all(not stored.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    assert stored.is_working_day(date(2026, 9, 20)) and stored.is_working_day(date(2026, 10, 10))
    # Fri 9/18: 9/19 Sat off, 9/20 Sun make-up (1), 9/21 Mon (2)
    assert stored.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)
    assert stored.add_working_days(date(2026, 9, 18), 2) == date(2026, 9, 21)
    # Thu 9/24: 9/25-27 Mid-autumn off, 9/28 Mon (1), 9/29 (2), 9/30 (3), 10/1-7 off, 10/8 Thu (4)
    assert stored.add_working_days(date(2026, 9, 24), 4) == date(2026, 10, 8)
    # Fri 10/9: 10/10 Sat make-up (1), 10/11 Sun off, 10/12 Mon (2)
    assert stored.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert stored.add_working_days(date(2026, 10, 9), 2) == date(2026, 10, 12)


def test_year_boundary_is_provisional_on_mon_to_fri(stored):
    monday = date(2026, 12, 28)
    # 12/29 (1), 12/30 (2), 12/31 (3), 2027-01-01 Fri (4: no 2027 data, Mon-Fri), 01-04 Mon (5)
    assert stored.add_working_days(monday, 5) == date(2027, 1, 4)
    assert stored.is_provisional(date(2027, 1, 4)) and not stored.is_provisional(date(2026, 12, 31))
    start = datetime(2026, 12, 28, 2, 0)                                # 10:00 Shanghai
    assert stored.due_after(start, 5) == (datetime(2027, 1, 4, 9, 30), True)
    assert stored.due_after(start, 3) == (datetime(2026, 12, 31, 9, 30), False)
    # A count that only passes through a provisional year is provisional too.
    assert stored.span_provisional(date(2026, 12, 31), date(2027, 1, 1))
    assert not stored.span_provisional(date(2025, 12, 31), date(2026, 1, 5))


def test_extension_spanning_national_day(stored):
    due = datetime(2026, 9, 30, 9, 30)                                  # Wed 9/30 17:30 Shanghai
    # 10/1-7 off, 10/8 Thu (1), 10/9 Fri (2), 10/10 Sat make-up (3)
    assert stored.extend(due, 3) == (datetime(2026, 10, 10, 9, 30), False)
    assert stored.extend(due, 4) == (datetime(2026, 10, 12, 9, 30), False)   # 10/11 Sun off
    assert calendar.end_of_office(calendar.add_working_days(calendar.local_date(due), 3, stored.is_working_day),
                                  "17:30") == datetime(2026, 10, 10, 9, 30)


def test_office_end_boundary(stored):
    assert calendar.end_of_office(date(2026, 2, 12)) == datetime(2026, 2, 12, 9, 30)
    before, after = datetime(2026, 2, 11, 9, 29), datetime(2026, 2, 11, 9, 31)   # Wed 17:29 / 17:31
    expected = (datetime(2026, 2, 12, 9, 30), False)                    # Thu 17:30 Shanghai
    assert stored.due_after(before, 1) == expected == stored.due_after(after, 1)
    # The local date decides: Fri 2/13 23:59 Shanghai counts from the make-up Saturday 2/14,
    # two minutes later it is Saturday already, so the next working day is Tue 2/24.
    assert stored.due_after(datetime(2026, 2, 13, 15, 59), 1)[0] == datetime(2026, 2, 14, 9, 30)
    assert stored.due_after(datetime(2026, 2, 13, 16, 1), 1)[0] == datetime(2026, 2, 24, 9, 30)
    assert stored.due_after(before, 1, "18:00")[0] == datetime(2026, 2, 12, 10, 0)


def test_import_is_idempotent(app):
    before = revision()
    changes = db.session.execute(select(ConfigChange.id)).scalars().all()
    assert service.import_library() == {"years": 0, "days": 0}
    assert revision() == before
    assert db.session.execute(select(ConfigChange.id)).scalars().all() == changes
    years = db.session.execute(select(CalendarYear.year).where(CalendarYear.source == "chinesecalendar")
                               ).scalars().all()
    assert set(range(2004, 2027)) <= set(years)


def test_import_restores_a_library_year_but_keeps_admin_years(app, actor):
    expected = service.library_exceptions()[2004]
    wipe_year(2004)
    before = revision()
    assert service.import_library() == {"years": 1, "days": len(expected)}
    assert revision() == before + 1
    assert service.show_year(2004)["status"] == "confirmed"
    audit = db.session.execute(select(ConfigChange).where(ConfigChange.area == "calendar_year",
                                                          ConfigChange.key == "2004")).scalars().all()
    assert audit[-1].new["source"] == "chinesecalendar"
    # An admin's edit makes the year theirs: a later import leaves it alone.
    national_day = date(2005, 10, 3)                                    # a Monday holiday
    try:
        service.set_day(actor=actor("admin"), day=national_day, kind="workday", label="test")
        assert service.import_library() == {"years": 0, "days": 0}
        assert service.current().is_working_day(national_day)
    finally:
        service.set_day(actor=None, day=national_day, kind="holiday", label="国庆节")
        db.session.get(CalendarYear, 2005).source = "chinesecalendar"
        db.session.commit()
    assert service.show_year(2005)["source"] == "chinesecalendar"


def test_set_day_is_audited_and_effective_at_once(scratch_year, actor):
    admin, wednesday = actor("admin"), date(scratch_year, 1, 2)
    assert service.current().is_working_day(wednesday)
    before = revision()
    result = service.set_day(actor=admin, day=wednesday, kind="holiday", label="校庆", reason="test")
    assert result == {"kind": "holiday", "label": "校庆"} and revision() == before + 1
    assert not service.current().is_working_day(wednesday)
    assert service.show_year(scratch_year)["status"] == "provisional"
    assert service.show_year(scratch_year)["source"] == "admin"
    change = db.session.execute(select(ConfigChange).where(ConfigChange.area == "calendar",
                                                           ConfigChange.key == wednesday.isoformat())
                                .order_by(ConfigChange.id.desc())).scalars().first()
    assert (change.old, change.new, change.actor_id, change.reason) == (
        {"kind": "workday", "label": ""}, {"kind": "holiday", "label": "校庆"}, admin.user_id, "test")
    # The same again changes nothing; back to the default removes the row.
    service.set_day(actor=admin, day=wednesday, kind="holiday", label="校庆")
    assert revision() == before + 1
    service.set_day(actor=admin, day=wednesday, kind="workday", label="")
    assert db.session.get(CalendarDay, wednesday) is None and service.current().is_working_day(wednesday)
    with pytest.raises(PermissionDenied):
        service.set_day(actor=actor("agent"), day=wednesday, kind="holiday", label="x")
    with pytest.raises(ValidationFailed) as bad:
        service.set_day(actor=admin, day=wednesday, kind="weekend", label="x" * 51)
    assert set(bad.value.errors) == {"kind", "label"}


def test_confirm_year_is_audited(scratch_year, actor):
    admin = actor("admin")
    with pytest.raises(ValidationFailed) as missing:
        service.confirm_year(actor=admin, year=scratch_year)
    assert "year" in missing.value.errors
    service.set_day(actor=admin, day=date(scratch_year, 1, 1), kind="holiday", label="元旦")
    assert service.current().is_provisional(date(scratch_year, 6, 3))
    with pytest.raises(PermissionDenied):
        service.confirm_year(actor=actor("dispatcher"), year=scratch_year)
    before = revision()
    shown = service.confirm_year(actor=admin, year=scratch_year, reason="国务院办公厅通知")
    assert shown["status"] == "confirmed" and revision() == before + 1
    assert not service.current().is_provisional(date(scratch_year, 6, 3))
    row = db.session.get(CalendarYear, scratch_year)
    assert row.confirmed_by_id == admin.user_id and row.confirmed_at is not None
    change = db.session.execute(select(ConfigChange).where(ConfigChange.area == "calendar_year",
                                                           ConfigChange.key == str(scratch_year))
                                .order_by(ConfigChange.id.desc())).scalars().first()
    assert (change.old, change.new, change.reason) == ({"status": "provisional"}, {"status": "confirmed"},
                                                       "国务院办公厅通知")
    service.confirm_year(actor=admin, year=scratch_year)                # already confirmed: no change
    assert revision() == before + 1


def test_working_days_service(app):
    assert service.working_days(date(2026, 2, 13), 1) == {
        "start": date(2026, 2, 13), "days": 1, "date": date(2026, 2, 14), "provisional": False}
    assert service.working_days(date(2026, 12, 28), 5)["provisional"] is True
    with pytest.raises(ValidationFailed) as bad:
        service.working_days(date(2026, 2, 13), -1)
    assert "days" in bad.value.errors


def test_the_cache_follows_the_revision(app):
    first = service.current()
    assert service.current() is first                                   # no reload without a change
    assert service.current(revision=revision()) is first
    assert service.current(revision=revision() + 1000) is not first     # another revision reloads
    service.forget()


def test_phone_numbers_are_stored_in_one_spelling(actor):
    from tests.factories import open_case
    assert open_case(actor("agent"), phone="138-0013 8000").phone == "13800138000"
    assert open_case(actor("agent"), phone="+86 138 0013 8000").phone == "+8613800138000"
