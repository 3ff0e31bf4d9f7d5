"""The charts' data (engine.statistics.series) on a hand-built set of cases over two years.

Every case is registered with a frozen clock at a Shanghai wall-clock moment; the expected values
below count them by hand. Two sit on a Shanghai midnight, where the UTC day (and year) differs:
N1 at 2026-11-01 00:00:30 (2026-10-31 16:00:30 UTC) and J1 at 2026-01-01 00:00:30 (2025-12-31 UTC).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from engine import statistics
from engine.cases import actions
from engine.deadlines.workdays import TZ
from engine.errors import PermissionDenied, ValidationFailed
from engine.ports import FixedClock, set_clock
from engine.statistics import series
from engine.telephony import calls
from tests.factories import open_case


def at(y, m, d, hh=10, mm=0, ss=0) -> datetime:
    """A Shanghai wall-clock moment as stored (naive UTC)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture
def clock():
    fixed = FixedClock(at(2025, 1, 2))
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


# (name, Shanghai moment, category, lead department or None, area or None)
CASES = (
    ("P1", (2025, 11, 1, 10), "complaint", "zjj", "dh_hb"),
    ("P2", (2025, 11, 3, 9), "consult", None, None),
    ("P3", (2025, 11, 3, 15), "consult", None, None),
    ("P4", (2025, 12, 31, 23, 59, 30), "help", None, None),   # 15:59:30 UTC: still 2025 either way
    ("J1", (2026, 1, 1, 0, 0, 30), "help", None, None),       # 2025-12-31 16:00:30 UTC, 2026 in Shanghai
    ("O1", (2026, 10, 31, 23, 59, 59), "report", "scj", "xs_xs"),   # October, 15:59:59 UTC
    ("N1", (2026, 11, 1, 0, 0, 30), "complaint", "xs_xs", "xs_xs"),  # 1 November, though 31 October in UTC
    ("N2", (2026, 11, 3, 9), "complaint", "xs_qs", "dh_hb"),
    ("N3", (2026, 11, 3, 11), "consult", "xs", "dh_hb"),
    ("N4", (2026, 11, 3, 14), "help", "zjj", "dh_xh"),
    ("N5", (2026, 11, 3, 16), "complaint", "dh_hb_xy", "xs_qs"),
    ("N6", (2026, 11, 3, 17), "consult", None, None),
)


@pytest.fixture
def two_years(actor, dept, clock):
    """The cases of CASES, registered at their moments and dispatched to their lead departments."""
    for _name, moment, category, lead, area in CASES:
        clock.at = at(*moment)
        extra = {"area_id": dept(area)} if area else {}
        case = open_case(actor("agent"), category=category, **extra)
        if lead:
            actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
            actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer",
                             lead_department_id=dept(lead), co_department_ids=[])


def test_volume_by_day_beside_the_same_days_a_year_before(two_years, actor):
    rows = series.trend(actor("leader"), start=date(2026, 11, 1), end=date(2026, 11, 3), grain="day")
    assert rows == [
        {"key": "2026-11-01", "value": 1, "previous_key": "2025-11-01", "previous": 1},   # N1 | P1
        {"key": "2026-11-02", "value": 0, "previous_key": "2025-11-02", "previous": 0},
        {"key": "2026-11-03", "value": 5, "previous_key": "2025-11-03", "previous": 2},   # N2-N6 | P2 P3
    ]


def test_volume_by_month_and_year_counts_shanghai_midnights_on_their_local_day(two_years, actor):
    leader = actor("leader")
    months = series.trend(leader, start=date(2026, 10, 1), end=date(2026, 12, 31), grain="month")
    assert [(r["key"], r["value"], r["previous_key"], r["previous"]) for r in months] == [
        ("2026-10", 1, "2025-10", 0),          # O1 (not N1, whose UTC day is 31 October)
        ("2026-11", 6, "2025-11", 3),          # N1-N6 | P1-P3
        ("2026-12", 0, "2025-12", 1),          # | P4
    ]
    years = series.trend(leader, start=date(2025, 1, 1), end=date(2026, 12, 31), grain="year")
    assert [(r["key"], r["value"], r["previous_key"], r["previous"]) for r in years] == [
        ("2025", 4, "2024", 0),                # P1-P4 (J1 is 2025 only in UTC)
        ("2026", 8, "2025", 4),                # J1 O1 N1-N6
    ]


def test_a_leap_day_has_no_day_a_year_before():
    assert series.keys(date(2028, 2, 28), date(2028, 3, 1), "day") == ["2028-02-28", "2028-02-29", "2028-03-01"]
    assert series.year_before(date(2028, 2, 29)) == date(2027, 2, 28)
    assert series._shifted("2028-02-29") is None and series._shifted("2028-03") == "2027-03"


def test_distributions_add_up_to_the_total(two_years, actor, dept):
    leader = actor("leader")
    period = {"start": date(2026, 11, 1), "end": date(2026, 11, 3)}
    total = statistics.compute(leader, **period)["intake"].value
    assert total == 6
    by_category = series.distribution(leader, by="category", **period)
    assert by_category == [{"key": "complaint", "value": 3}, {"key": "consult", "value": 2}, {"key": "help", "value": 1}]
    by_department = series.distribution(leader, by="department", **period)
    # rolled up below the city: xs (N1 at xs_xs, N2 at xs_qs, N3 at xs itself), dh (N5 at a community), zjj (N4)
    ones = sorted([dept("dh"), dept("zjj")])                   # ties by id
    assert by_department == [{"key": dept("xs"), "value": 3}, {"key": ones[0], "value": 1},
                             {"key": ones[1], "value": 1}, {"key": None, "value": 1}]
    assert sum(r["value"] for r in by_category) == sum(r["value"] for r in by_department) == total
    assert series.with_departments_below({dept("xs"), dept("zjj"), dept("xs_xs"), dept("xs_xs_ss"), None}) == {
        dept("xs"), dept("xs_xs")}


def test_below_a_district_its_own_cases_stay_with_it(two_years, actor, dept):
    period = {"start": date(2026, 11, 1), "end": date(2026, 11, 3)}
    expected = [{"key": key, "value": 1} for key in sorted([dept("xs"), dept("xs_qs"), dept("xs_xs")])]
    assert series.distribution(actor("leader"), by="department", department_id=dept("xs"), **period) == expected
    assert series.distribution(actor("xs_leader"), by="department", **period) == expected   # their subtree
    with pytest.raises(PermissionDenied):
        series.distribution(actor("xs_leader"), by="department", department_id=dept("dh"), **period)
    with pytest.raises(PermissionDenied):
        series.trend(actor("agent"), **period)


def test_areas_ranked_by_intake(two_years, actor, dept):
    leader = actor("leader")
    ranking = series.area_ranking(leader, start=date(2026, 10, 1), end=date(2026, 11, 30))
    # dh_hb: N2 N3; xs_qs: N5; xs_xs: O1 N1 → xs_xs 2 and dh_hb 2 tie (by id), then dh_xh and xs_qs
    ties = sorted([dept("dh_hb"), dept("xs_xs")])
    rest = sorted([dept("dh_xh"), dept("xs_qs")])
    assert ranking == [{"key": ties[0], "value": 2}, {"key": ties[1], "value": 2},
                       {"key": rest[0], "value": 1}, {"key": rest[1], "value": 1}]
    assert series.area_ranking(leader, start=date(2026, 10, 1), end=date(2026, 11, 30), top=1) == ranking[:1]


def test_kpi_trends_and_call_loss(two_years, actor, dept):
    leader = actor("leader")
    for n, (outcome, moment) in enumerate((("answered", at(2026, 11, 1, 0, 0, 10)), ("queue", at(2026, 11, 2)),
                                           ("trunk", at(2026, 11, 3)), ("trunk", at(2026, 9, 30, 23, 59)))):
        calls.record(call={"call_id": f"s{n}", "outcome": outcome, "arrived_at": moment, "queued_at": moment,
                           **({"answered_at": moment} if outcome == "answered" else {})})
    codes, months = series.kpi_trends(leader, start=date(2026, 10, 1), end=date(2026, 11, 30), whole_center=True)
    assert codes[-1] == "connection_rate" and [m["key"] for m in months] == ["2026-10", "2026-11"]
    assert months[0]["kpis"]["handled_on_time"] == {"value": None, "numerator": 0, "denominator": 0}
    assert months[1]["kpis"]["connection_rate"] == {"value": 0.3333, "numerator": 1, "denominator": 3}
    assert series.whole_center(leader, start=date(2026, 10, 1), end=date(2026, 11, 30))
    assert not series.whole_center(leader, start=date(2026, 10, 1), end=date(2026, 11, 30), department_id=dept("xs"))
    assert not series.whole_center(actor("xs_leader"), start=date(2026, 10, 1), end=date(2026, 11, 30))
    stages = series.call_loss(leader, start=date(2026, 10, 1), end=date(2026, 11, 30))
    # offered in the period: the answered call, one lost in the queue, one at the trunk (not 30 September's)
    assert stages == [{"stage": "trunk", "count": 1, "rate": 0.3333}, {"stage": "ivr", "count": 0, "rate": 0.0},
                      {"stage": "queue", "count": 1, "rate": 0.3333}, {"stage": "agent", "count": 0, "rate": 0.0},
                      {"stage": "overflow", "count": 0, "rate": 0.0}, {"stage": "dissuaded", "count": 0, "rate": 0.0}]


def test_bad_grain_and_too_long_days_are_named(actor):
    leader = actor("leader")
    with pytest.raises(ValidationFailed) as bad:
        series.trend(leader, start=date(2026, 1, 1), end=date(2026, 1, 31), grain="week")
    assert list(bad.value.errors) == ["grain"]
    with pytest.raises(ValidationFailed) as long:
        series.trend(leader, start=date(2025, 1, 1), end=date(2026, 3, 1), grain="day")
    assert list(long.value.errors) == ["grain"]
    assert len(series.trend(leader, start=date(2025, 1, 1), end=date(2026, 3, 1), grain="month")) == 15
