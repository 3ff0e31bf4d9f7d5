"""The KPIs grouped by a dimension: each figure in the group of its own anchor moment, and the
groups adding up to compute()'s totals (the story's week, story.py)."""
from __future__ import annotations

import pytest

from engine import statistics
from engine.errors import PermissionDenied, ValidationFailed
from tests.engine.statistics.story import END, START


def grouped(actor, by, login="leader", **filters):
    found = statistics.breakdown(actor(login), start=START, end=END, by=by, **filters)
    return {g.key: {code: (k.numerator, k.denominator) for code, k in g.kpis.items()} for g in found}


def column(groups, code):
    return {key: kpis[code] for key, kpis in groups.items() if code in kpis}


def test_by_day_each_figure_falls_on_its_own_shanghai_day(week, actor):
    days = grouped(actor, "day")
    assert column(days, "intake") == {"2026-11-02": (5, None), "2026-11-03": (2, None), "2026-11-05": (3, None),
                                      "2026-11-06": (2, None), "2026-11-08": (1, None)}   # R: Sunday 23:30
    assert column(days, "connection_rate") == {"2026-11-02": (2, 2), "2026-11-03": (1, 1), "2026-11-04": (0, 6),
                                               "2026-11-07": (1, 1)}                      # c10: Saturday 23:58
    # I missed on 11-03 (its late reply); E fell due before the week: counted on its first day
    assert column(days, "overdue_cases") == {"2026-11-02": (1, None), "2026-11-03": (1, None)}
    assert column(days, "handled_on_time") == {"2026-11-03": (2, 3), "2026-11-04": (3, 3), "2026-11-07": (1, 1)}
    assert list(days) == sorted(days)


def test_a_case_dispatched_or_handled_twice_counts_once_on_the_day_of_the_first(week, actor):
    days = grouped(actor, "day")
    # C dispatched 11-02 (returned) and again 11-03: once, on 11-02, with A B D H; G on 11-06
    assert column(days, "return_rate") == {"2026-11-02": (1, 5), "2026-11-06": (0, 1)}
    # B's handling closed 11-03 (round 1) and 11-04 (round 2, after 重办): once, on 11-03 with I A;
    # F C on 11-04; D (extended) replied on Saturday
    assert column(days, "extension_rate") == {"2026-11-03": (0, 3), "2026-11-04": (0, 2), "2026-11-07": (1, 1)}


def test_by_hour_and_by_month(week, actor):
    hours = column(grouped(actor, "hour"), "intake")
    assert hours == {10: (9, None), 11: (1, None), 12: (2, None), 23: (1, None)}
    months = grouped(actor, "month")
    assert list(months) == ["2026-11"] and months["2026-11"] == {
        code: (k.numerator, k.denominator) for code, k in statistics.compute(actor("leader"), start=START,
                                                                               end=END).items()}


def test_by_department_case_figures_follow_the_lead_and_limits_their_holder(week, actor, dept):
    found = grouped(actor, "department")
    assert column(found, "intake") == {dept("xs_xs"): (4, None), dept("xs_qs"): (1, None),
                                       dept("dh_hb"): (1, None), None: (7, None)}      # A B C H; D; G; J-R
    assert column(found, "handled_on_time") == {dept("xs_xs"): (4, 4), dept("xs_qs"): (2, 2), dept("dh_hb"): (0, 1)}
    assert not any(code in kpis for kpis in found.values() for code in statistics.CALL_CODES)
    assert list(found)[-1] is None


@pytest.mark.parametrize("by", statistics.DIMENSIONS)
def test_the_groups_add_up_to_the_totals(week, actor, by):
    totals = statistics.compute(actor("leader"), start=START, end=END)
    groups = statistics.breakdown(actor("leader"), start=START, end=END, by=by)
    for code, total in totals.items():
        parts = [g.kpis[code] for g in groups if code in g.kpis]
        if code in statistics.CALL_CODES and by not in statistics.TIME_DIMENSIONS:
            assert not parts
            continue
        assert sum(k.numerator for k in parts) == pytest.approx(total.numerator), (by, code)
        if total.denominator is not None:
            assert sum(k.denominator for k in parts) == total.denominator, (by, code)


def test_only_the_asked_codes_and_the_same_scope_rules(week, actor, dept):
    found = statistics.breakdown(actor("leader"), start=START, end=END, by="category",
                                 codes=["intake", "return_rate"])
    assert {g.key: sorted(g.kpis) for g in found} == {"complaint": ["intake", "return_rate"], "consult": ["intake"]}
    assert grouped(actor, "department", "xs_qs_leader") == {dept("xs_qs"): grouped(
        actor, "department", department_id=dept("xs_qs"))[dept("xs_qs")]}
    with pytest.raises(PermissionDenied):
        grouped(actor, "category", "xs_qs_leader", department_id=dept("xs"))
    with pytest.raises(PermissionDenied):
        grouped(actor, "category", "agent")
    with pytest.raises(ValidationFailed) as bad_by:
        grouped(actor, "weekday")
    assert "by" in bad_by.value.errors
    with pytest.raises(ValidationFailed) as bad_codes:
        statistics.breakdown(actor("leader"), start=START, end=END, by="day", codes=["intake", "revenue"])
    assert "codes" in bad_codes.value.errors


def test_by_two_dimensions_the_keys_are_pairs(week, actor, dept):
    found = statistics.breakdown(actor("leader"), start=START, end=END, by="day", then_by="department",
                                 codes=["intake", "handled_on_time"])
    intake = {g.key: g.kpis["intake"].numerator for g in found if "intake" in g.kpis}
    assert intake == {("2026-11-02", dept("xs_xs")): 4, ("2026-11-02", dept("xs_qs")): 1,   # A B C(now) H; D
                      ("2026-11-03", None): 2, ("2026-11-05", None): 3,                   # J P; K L M
                      ("2026-11-06", dept("dh_hb")): 1, ("2026-11-06", None): 1, ("2026-11-08", None): 1}
    assert [g.key for g in found] == sorted((g.key for g in found), key=lambda k: (k[0], k[1] is None, k[1] or 0))
    assert sum(intake.values()) == 13
    calls = statistics.breakdown(actor("leader"), start=START, end=END, by="day", then_by="hour",
                                 codes=["connection_rate"])
    assert {g.key: g.kpis["connection_rate"].denominator for g in calls}[("2026-11-07", 23)] == 1   # c10
    with pytest.raises(ValidationFailed) as same:
        statistics.breakdown(actor("leader"), start=START, end=END, by="day", then_by="day")
    assert "then_by" in same.value.errors
