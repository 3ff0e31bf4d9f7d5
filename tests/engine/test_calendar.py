"""Working-day arithmetic (the Mon-Fri rule; holidays come with the calendar table)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from engine import calendar


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
    due = calendar.due_after(datetime(2026, 11, 29, 23, 0), 1)
    assert due == datetime(2026, 12, 1, 9, 30)                 # 17:30 +08:00
    assert calendar.end_of_office(date(2026, 12, 1), "18:00") == datetime(2026, 12, 1, 10, 0)
    assert calendar.extend(datetime(2026, 12, 4, 9, 30), 2) == datetime(2026, 12, 8, 9, 30)
