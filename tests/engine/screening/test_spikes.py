"""Spikes on a hand-built set: the week of Monday 2026-11-23 (Shanghai), i.e. from 2026-11-22
16:00 UTC to 2026-11-29 16:00 UTC, against the eight weeks from Monday 2026-09-28 00:00 Shanghai
(2026-09-27 16:00 UTC). Parameters for the test: a spike is above 300 % of the mean, with at
least 3 cases in the week."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, select

from engine import screening
from engine.cases import actions
from engine.db import db
from engine.deadlines.workdays import TZ
from engine.errors import PermissionDenied, ValidationFailed
from engine.models import Case, Parameter
from engine.organisation import settings
from engine.ports import FixedClock, set_clock
from engine.screening.spikes import Spike
from tests.engine.screening.helpers import demo_lists  # noqa: F401  (fixture)
from tests.factories import open_case


def at(y, m, d, hh=10, mm=0, ss=0) -> datetime:
    """A Shanghai wall-clock moment as stored (naive UTC)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


# (Shanghai moment, category, in street xs_xs?)
CASES = (
    # help, this week: 4 — one at Monday 00:30 Shanghai, still Sunday 22 November in UTC
    ((2026, 11, 23, 0, 30), "help", True), ((2026, 11, 24), "help", True), ((2026, 11, 26), "help", True),
    ((2026, 11, 29, 23, 59, 59), "help", True),
    # help, the 8 weeks before: 4 — the first at the very start, one a minute before this week
    ((2026, 9, 28, 0, 0, 0), "help", True), ((2026, 10, 14), "help", True), ((2026, 11, 2), "help", True),
    ((2026, 11, 22, 23, 59), "help", True),
    # help, outside both: a second before the 8 weeks, and next Monday 00:00
    ((2026, 9, 27, 23, 59, 59), "help", True), ((2026, 11, 30, 0, 0, 0), "help", True),
    # complaint: 3 this week, 8 before: mean 1, ratio exactly 3 — not above 300 %
    *[((2026, 11, 23 + i), "complaint", False) for i in range(3)],
    *[((2026, 10, 1 + 3 * i), "complaint", False) for i in range(8)],
    # consult: 2 this week, none before — fewer than the minimum of 3
    ((2026, 11, 25), "consult", False), ((2026, 11, 27), "consult", False),
)


@pytest.fixture
def story(actor, dept, demo_lists):
    admin = actor("admin")
    settings.set_parameter(actor=admin, name="screening.spike_percent", value=300)
    settings.set_parameter(actor=admin, name="screening.spike_min_cases", value=3)
    clock = FixedClock(at(2026, 12, 2))
    previous = set_clock(clock)
    try:
        for moment, category, in_street in CASES:
            clock.at = at(*moment)
            open_case(actor("agent"), category=category, **({"area_id": dept("xs_xs")} if in_street else {}))
        clock.at = at(2026, 12, 2)          # a Wednesday: the latest complete week is 23–29 November
        yield
    finally:
        set_clock(previous)


def test_spikes_of_the_latest_complete_week(actor, dept, story):
    report = screening.spikes.find_spikes(actor("leader"))
    assert (report.week, report.percent, report.min_cases) == (date(2026, 11, 23), 300, 3)
    # help: 4 this week, 4 in the 8 weeks before → mean 0.5, ratio 8; the same cases make street xs_xs spike
    assert sorted(report.spikes, key=lambda s: s.dimension) == [
        Spike("area", dept("xs_xs"), 4, 4, 0.5, 8.0), Spike("category", "help", 4, 4, 0.5, 8.0)]


def test_a_chosen_week_and_one_dimension(actor, story):
    # The week of 30 November: help has 1 case there, complaint and consult none: no spike.
    assert screening.spikes.find_spikes(actor("supervisor"), week=date(2026, 12, 1)).spikes == []
    only = screening.spikes.find_spikes(actor("shift_lead"), week=date(2026, 11, 29), dimensions=("category",))
    assert only.week == date(2026, 11, 23) and [s.key for s in only.spikes] == ["help"]


def test_default_factor_and_minimum(actor, story, demo_lists):
    db.session.execute(delete(Parameter).where(Parameter.name.like("screening.%")))
    db.session.commit()
    report = screening.spikes.find_spikes(actor("leader"))
    # 150 % and 5 cases: no category reaches 5 in the week
    assert (report.percent, report.min_cases, report.spikes) == (150, 5, [])


def test_spikes_access(actor, dept, story):
    with pytest.raises(PermissionDenied):
        screening.spikes.find_spikes(actor("agent"))
    # A department leader counts the cases its subtree leads: none of these was dispatched yet.
    assert screening.spikes.find_spikes(actor("xs_leader")).spikes == []
    week = db.session.execute(select(Case.id).where(Case.category == "help", Case.created_at >= at(2026, 11, 23, 0),
                                                    Case.created_at < at(2026, 11, 30, 0)).order_by(Case.id)).scalars()
    for case_id in list(week)[:3]:
        actions.triage(case_id=case_id, actor=actor("agent"), decision="dispatch")
        actions.dispatch(case_id=case_id, actor=actor("dispatcher"), mode="transfer", lead_department_id=dept("xs_xs"),
                         co_department_ids=[])
    # xs leads 3 help cases of the week, none before: a new spike (no ratio), in category and area
    assert sorted(screening.spikes.find_spikes(actor("xs_leader")).spikes, key=lambda s: s.dimension) == [
        Spike("area", dept("xs_xs"), 3, 0, 0.0, None), Spike("category", "help", 3, 0, 0.0, None)]
    assert screening.spikes.find_spikes(actor("dh_leader")).spikes == []
    with pytest.raises(ValidationFailed) as bad:
        screening.spikes.find_spikes(actor("leader"), dimensions=("phone",))
    assert set(bad.value.errors) == {"dimension"}
