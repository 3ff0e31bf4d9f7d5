"""The daily rollup (kpi_day) gives exactly the raw figures: compute() and breakdown() read with and
without it over the story's week (story.py), for every dimension and filter, with the period
wholly, partly or not rolled up, stale after a late change until refreshed, refreshed twice alike."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from engine import statistics
from engine.db import db
from engine.models import KpiDay, KpiMonth, Parameter, RollupState
from engine.statistics import kpis, rolled, rollup
from engine.statistics.window import window
from tests.engine.statistics.story import END, START, Story, at

PAIRS = [("month", "department"), ("day", "category"), ("department", "channel"), ("year", "day"),
         ("hour", "department"), ("area", "month")]


@pytest.fixture
def reads(monkeypatch):
    """Counts the rollup reads, so a test knows the figures came from kpi_day."""
    calls = []
    real = rolled.read
    monkeypatch.setattr(rolled, "read", lambda *a, **kw: calls.append(a[2]) or real(*a, **kw))
    return calls


def both(monkeypatch, ask):
    """ask() through the rollup, then from the raw queries alone."""
    through_rollup = ask()
    monkeypatch.setattr(kpis, "USE_ROLLUP", False)
    try:
        return through_rollup, ask()
    finally:
        monkeypatch.setattr(kpis, "USE_ROLLUP", True)


def totals(actor, login="leader", start=START, end=END, **filters):
    found = statistics.compute(actor(login), start=start, end=end, **filters)
    return [(code, k.numerator, k.denominator, k.value) for code, k in found.items()]   # the order too


def groups(actor, by, then_by=None, login="leader", start=START, end=END, **filters):
    found = statistics.breakdown(actor(login), start=start, end=end, by=by, then_by=then_by, **filters)
    return [(g.key, [(code, k.numerator, k.denominator, k.value) for code, k in g.kpis.items()]) for g in found]


def statistics_window(actor):
    return window(actor("leader"), start=START, end=END)


def rolled_up(clock, start=START, end=END) -> int:
    clock.at = at(11, 20)       # the week is long over: today (11-20) is never rolled up
    return rollup.refresh(start, end)


def rows() -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        select(KpiDay.day, KpiDay.code, KpiDay.department_id, KpiDay.category, KpiDay.channel, KpiDay.numerator,
               KpiDay.denominator).order_by(KpiDay.day, KpiDay.code, KpiDay.department_id, KpiDay.category,
                                            KpiDay.channel))]


def test_the_rollup_holds_the_additive_figures_per_day(week, actor, dept, clock):
    assert rolled_up(clock) == len(rows()) > 0
    assert {code for _day, code, *_ in rows()} == set(rolled.ADDITIVE) | set(statistics.CALL_CODES)
    intake = Counter()
    for day, code, department, _category, _channel, n, _d in rows():
        if code == "intake":
            intake[(day, department)] += n
    assert intake == {(date(2026, 11, 2), dept("xs_xs")): 4, (date(2026, 11, 2), dept("xs_qs")): 1,  # A B C H; D
                      (date(2026, 11, 3), 0): 2, (date(2026, 11, 5), 0): 3,                          # J P; K L M
                      (date(2026, 11, 6), dept("dh_hb")): 1, (date(2026, 11, 6), 0): 1,              # G; N
                      (date(2026, 11, 8), 0): 1}                                                     # R
    offered = {day: d for day, code, *_rest, n, d in rows() if code == "connection_rate"}
    assert offered == {date(2026, 11, 2): 2, date(2026, 11, 3): 1, date(2026, 11, 4): 6, date(2026, 11, 7): 1}
    assert db.session.get(RollupState, rolled.STATE_ID).first_day == START


def test_compute_is_the_raw_figure_with_every_filter(week, actor, dept, clock, monkeypatch, reads):
    rolled_up(clock)
    asks = [{}, {"department_id": dept("xs")}, {"department_id": dept("dh")}, {"category": "consult"},
            {"channel": "phone"}, {"channel": "web"}, {"category": "complaint", "department_id": dept("xs_xs")},
            {"login": "xs_qs_leader"}, {"login": "xs_leader"}, {"area_id": None}]
    for ask in asks:
        login = ask.pop("login", "leader")
        through_rollup, raw = both(monkeypatch, lambda: totals(actor, login, **ask))
        assert through_rollup == raw, (login, ask)
    assert len(reads) == len(asks)
    # kpi_day has no area: a request narrowed by area reads every figure raw
    assert not rolled.serves(replace(statistics_window(actor), area_id=dept("xs")), ())
    assert not rolled.serves(statistics_window(actor), ("month", "hour"))
    assert dict((c, (n, d)) for c, n, d, _v in totals(actor))["intake"] == (13, None)
    # another repeat window than the rollup's 30 days: 重复来电率 raw, the rest still rolled up
    through_rollup, raw = both(monkeypatch, lambda: totals(actor, repeat_days=3))
    assert through_rollup == raw and ("repeat_call_rate", 1, 13, 0.0769) in raw    # K (H's, 3 days); not L (3 days 1 h)


@pytest.mark.parametrize("by", statistics.DIMENSIONS)
def test_breakdown_is_the_raw_figure_by_every_dimension(week, actor, dept, clock, monkeypatch, reads, by):
    rolled_up(clock)
    for login, filters in (("leader", {}), ("leader", {"department_id": dept("xs")}),
                           ("leader", {"category": "complaint"}), ("xs_qs_leader", {})):
        through_rollup, raw = both(monkeypatch, lambda: groups(actor, by, login=login, **filters))
        assert through_rollup == raw, (by, login, filters)
        assert raw
    assert bool(reads) == (by in rolled.DIMENSIONS)


@pytest.mark.parametrize("by, then_by", PAIRS)
def test_breakdown_by_two_dimensions_is_the_raw_figure(week, actor, clock, monkeypatch, by, then_by):
    rolled_up(clock)
    through_rollup, raw = both(monkeypatch, lambda: groups(actor, by, then_by))
    assert through_rollup == raw and raw


@pytest.mark.parametrize("held", [(START, date(2026, 11, 4)), (date(2026, 11, 5), END),
                                  (date(2026, 11, 3), date(2026, 11, 6))])
def test_a_period_partly_rolled_up_adds_the_raw_days(week, actor, dept, clock, monkeypatch, reads, held):
    rolled_up(clock, *held)
    assert rolled.held_days() == held
    for ask in (lambda: totals(actor), lambda: totals(actor, department_id=dept("xs")),
                lambda: groups(actor, "day"), lambda: groups(actor, "department"),
                lambda: groups(actor, "month", "category"),
                lambda: totals(actor, start=date(2026, 10, 1), end=date(2026, 11, 30))):
        through_rollup, raw = both(monkeypatch, ask)
        assert through_rollup == raw
    assert reads


def test_today_is_never_rolled_up(week, actor, clock, monkeypatch):
    clock.at = at(11, 5, 12)
    assert rollup.refresh(START, END) > 0
    assert rolled.held_days() == (START, date(2026, 11, 4))          # up to yesterday
    assert max(day for day, *_ in rows()) == date(2026, 11, 4)
    clock.at = at(11, 9, 12)                                          # days later: 11-05 .. 11-08 read raw
    through_rollup, raw = both(monkeypatch, lambda: groups(actor, "day"))
    assert through_rollup == raw


def test_a_late_change_is_stale_until_the_next_refresh(week, actor, dept, clock, monkeypatch):
    rolled_up(clock)
    # a case registered, handled and visited on Friday 11-06 reaches the database after the refresh
    s = Story(actor, dept, clock)
    s.handled(None, at(11, 6, 9), "xs_xs", "13900000099", replied=at(11, 6, 15), visited=at(11, 6, 16))
    clock.at = at(11, 20)
    stale, raw = both(monkeypatch, lambda: totals(actor))
    assert stale != raw
    changed = {c: (n, d) for c, n, d, _v in raw}
    assert {c: (n, d) for c, n, d, _v in stale}["intake"] == (13, None) and changed["intake"] == (14, None)
    assert changed["satisfaction_rate"] == (7, 8)                     # + its satisfied visit
    rollup.refresh(START, END)
    assert both(monkeypatch, lambda: totals(actor)) == (raw, raw)
    through_rollup, raw = both(monkeypatch, lambda: groups(actor, "day", "department"))
    assert through_rollup == raw


def test_refresh_is_idempotent(week, clock):
    first = rolled_up(clock)
    written = rows()
    assert rollup.refresh(START, END) == first and rows() == written
    assert rollup.refresh(date(2026, 11, 4), date(2026, 11, 4)) > 0 and rows() == written
    assert rolled.held_days() == (START, END)


def test_the_held_days_stay_one_stretch(week, clock):
    rolled_up(clock, date(2026, 11, 4), date(2026, 11, 5))
    rollup.refresh(date(2026, 11, 6), date(2026, 11, 7))              # touching: joined
    assert rolled.held_days() == (date(2026, 11, 4), date(2026, 11, 7))
    rollup.refresh(date(2026, 10, 1), date(2026, 10, 2))              # apart and earlier: kept as it was
    assert rolled.held_days() == (date(2026, 11, 4), date(2026, 11, 7))
    rollup.refresh(date(2026, 11, 10), date(2026, 11, 12))            # apart and later: the new stretch
    assert rolled.held_days() == (date(2026, 11, 10), date(2026, 11, 12))
    assert rollup.refresh(date(2026, 11, 20), date(2026, 11, 30)) == 0   # today and after: nothing


def test_the_job_sweeps_once_a_day_and_fills_a_missing_yesterday(week, actor, clock, monkeypatch):
    db.session.add(Parameter(name="statistics.rollup_days", value=10))
    db.session.commit()
    clock.at = at(11, 12, 0, 5)
    assert rollup.upkeep()["swept_days"] == 10
    state = db.session.get(RollupState, rolled.STATE_ID)
    assert (state.first_day, state.last_day, state.swept_on) == (date(2026, 11, 2), date(2026, 11, 11),
                                                                 date(2026, 11, 12))
    assert rollup.upkeep() == {}                                      # later that day: nothing to do
    state.last_day = date(2026, 11, 8)                                # as if 11-09 .. 11-11 were missing
    db.session.commit()
    filled = rollup.upkeep()
    assert filled["refreshed_days"] == 3 and filled["rows"] > 0
    assert rolled.held_days() == (date(2026, 11, 2), date(2026, 11, 11))
    clock.at = at(11, 13, 0, 5)                                       # the next night
    assert rollup.upkeep()["swept_days"] == 10
    assert rolled.held_days() == (date(2026, 11, 2), date(2026, 11, 12))
    through_rollup, raw = both(monkeypatch, lambda: totals(actor))
    assert through_rollup == raw
    assert db.session.scalar(select(func.count()).select_from(KpiDay)) > 0


def test_the_scheduler_runs_it_and_the_cli_fills_history(app, week, actor, clock, monkeypatch):
    from engine import scheduler
    assert "statistics_rollup" in [name for name, _fn, seconds in scheduler.job_table(lambda: None, {})]
    clock.at = at(11, 20)
    result = app.test_cli_runner().invoke(args=["statistics", "rollup", "--from", "2026-09-01", "--to", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "2026-09-01..2026-10-01" in result.output and "rollup 2026-09-01..2026-11-19" in result.output
    assert rolled.held_days() == (date(2026, 9, 1), date(2026, 11, 19))
    through_rollup, raw = both(monkeypatch, lambda: groups(actor, "month", "department"))
    assert through_rollup == raw
    assert app.test_cli_runner().invoke(args=["statistics", "rollup", "--from", "2026-11-21"]).exit_code == 2


def test_whole_months_read_the_monthly_sums_and_give_the_raw_figures(week, actor, dept, clock, monkeypatch):
    rolled_up(clock, date(2026, 9, 1), date(2026, 11, 19))
    month_reads = []
    real = rolled._read
    monkeypatch.setattr(rolled, "_read", lambda table, *a: (month_reads.append(table.__name__), real(table, *a))[1])
    periods = [(date(2026, 9, 1), date(2026, 10, 31)),     # two whole months
               (date(2026, 9, 15), date(2026, 11, 10)),    # days, October whole, days
               (date(2026, 10, 1), date(2026, 11, 30))]    # October whole; November partly held, partly raw
    for start, end in periods:
        for ask in (lambda: totals(actor, start=start, end=end),
                    lambda: totals(actor, start=start, end=end, department_id=dept("xs")),
                    lambda: groups(actor, "month", start=start, end=end),
                    lambda: groups(actor, "department", "category", start=start, end=end),
                    lambda: groups(actor, "year", "channel", start=start, end=end, login="xs_leader")):
            through_rollup, raw = both(monkeypatch, ask)
            assert through_rollup == raw and raw, (start, end)
    assert "KpiMonth" in month_reads and "KpiDay" in month_reads


def test_the_monthly_sums_are_the_days_summed_and_follow_a_refresh(week, actor, clock):
    rolled_up(clock, date(2026, 9, 1), date(2026, 11, 19))

    def by_month(table, moment):
        found = Counter()
        for month, code, n in db.session.execute(select(moment, table.code, table.numerator)):
            found[(month if table is KpiMonth else month.replace(day=1), code)] += n
        return found
    assert by_month(KpiMonth, KpiMonth.month) == by_month(KpiDay, KpiDay.day)
    assert by_month(KpiMonth, KpiMonth.month)[(date(2026, 11, 1), "intake")] == 14     # 13 in the week + S
    Story(actor, None, clock).open(at(11, 3, 15), "13900000099")     # a late registration on a rolled-up day
    clock.at = at(11, 20)
    rollup.refresh(date(2026, 11, 3), date(2026, 11, 3))
    assert by_month(KpiMonth, KpiMonth.month)[(date(2026, 11, 1), "intake")] == 15
    assert by_month(KpiMonth, KpiMonth.month) == by_month(KpiDay, KpiDay.day)
