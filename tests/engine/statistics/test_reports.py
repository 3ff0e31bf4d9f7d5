"""固定报表 and 平衡校验 over a hand-built November 2026, every figure counted by hand.

Cases (letters as in `month`): H in October (the 环比 month); in November A (complaint, phone,
西山区/xs_xs), B (consult, web, 东湖区/dh_hb, a dissatisfied visit closed as it stands), C (report,
phone, first dispatched to xs_qs and returned, then to xs_xs, still handling), D (help, wechat,
dh_hb, signed and left: 5 working days, overdue by the month's end), E (consult, phone, answered
at triage), F (report, phone, C's caller again: merged into C), G (suggestion, app, registered).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from engine import statistics
from engine.cases import actions
from engine.errors import PermissionDenied, ValidationFailed
from engine.statistics import Cohort, Group, Imbalance, Kpi, check
from tests.engine.statistics.story import Story, at
from tests.factories import open_case

NOVEMBER = "2026-11"


def _open(s: Story, when, phone, category, channel):
    s.clock.at = when
    return open_case(s.actor("agent"), phone=phone, category=category, channel=channel)


def _dissatisfied_closed(s: Story, case, when):
    s.clock.at = when - timedelta(hours=1)
    actions.review(case_id=case.id, actor=s.actor("dispatcher"), passed=True)
    s.clock.at = when
    actions.visit(case_id=case.id, actor=s.actor("visitor"), satisfaction="dissatisfied", resolved=False,
                  note="市民不满意", decision="close", close_reason="诉求超出政策范围，已解释")
    s.clock.at = when + timedelta(hours=1)
    actions.confirm_close(case_id=case.id, actor=s.actor("leader"), confirmed=True)


@pytest.fixture
def month(actor, dept, clock):
    return build_month(actor, dept, clock)


# Long because the month is one story: each case's steps read top to bottom.
def build_month(actor, dept, clock) -> dict:
    """H A B C D E F G (module docstring); the clock left at 2026-12-02."""
    s = Story(actor, dept, clock)
    h = s.handled(None, at(10, 20), "xs_xs", "13900000100", replied=at(10, 22), visited=at(10, 22, 15))
    a = s.handled(None, at(11, 2), "xs_xs", "13900000101", replied=at(11, 3), visited=at(11, 3, 14))
    b = _open(s, at(11, 3), "13900000102", "consult", "web")
    s.dispatch(b, at(11, 3), "dh_hb")
    s.sign(b, at(11, 3, 11), "dh_hb")
    s.reply(b, at(11, 4), "dh_hb")
    _dissatisfied_closed(s, b, at(11, 4, 15))
    c = s.open(at(11, 4), "13900000103", "report")
    s.dispatch(c, at(11, 4), "xs_qs")
    s.clock.at = at(11, 4, 11)
    actions.return_case(case_id=c.id, actor=actor("xs_qs_handler"), reason="不属于本单位职责")
    s.clock.at = at(11, 4, 14)
    actions.decide_return(case_id=c.id, actor=actor("dispatcher"), approved=True)
    s.dispatch(c, at(11, 5, 9), "xs_xs", triage=False)
    s.sign(c, at(11, 5, 10), "xs_xs")
    d = _open(s, at(11, 5), "13900000104", "help", "wechat")
    s.dispatch(d, at(11, 5), "dh_hb")
    s.sign(d, at(11, 5, 11), "dh_hb")
    e = s.open(at(11, 6), "13900000105", "consult")
    actions.triage(case_id=e.id, actor=actor("agent"), decision="direct_answer", answer="可到社保窗口办理。")
    f = s.open(at(11, 9), "13900000103", "report")
    actions.triage(case_id=f.id, actor=actor("agent"), decision="merge", merge_into_case_no=c.case_no)
    g = _open(s, at(11, 10), "13900000106", "suggestion", "app")
    clock.at = at(12, 2)
    return dict(h=h, a=a, b=b, c=c, d=d, e=e, f=f, g=g)



def pairs(kpis: dict) -> dict:
    return {code: (k.numerator, k.denominator) for code, k in kpis.items()}


def section(report, dimension, key_of=lambda key: key) -> dict:
    return {key_of(g.key): pairs(g.kpis) for g in report.sections[dimension]}


def test_the_monthly_report_adds_up_to_hand_counted_figures(month, actor, dept):
    report = statistics.report(actor("leader"), kind="month", value=NOVEMBER)
    assert (report.period.start, report.period.end, report.period.name) == (date(2026, 11, 1), date(2026, 11, 30),
                                                                           NOVEMBER)
    headline = pairs(report.headline)
    assert {c: headline[c] for c in statistics.REPORT_CODES} == {
        "intake": (7, None),                       # A B C D E F G (H: October)
        "handled_on_time": (2, 2),                 # A, B replied in time (C and D still handling)
        "overdue_cases": (1, None),                # D: help, 5 working days from 11-05, running at the end
        "satisfaction_rate": (1, 2),               # A satisfied, B not
        "return_rate": (1, 4),                     # of A B C D dispatched, C returned by xs_qs
    }
    assert headline["connection_rate"] == (0, 0)   # the whole city: call figures are there (no calls)
    assert section(report, "category") == {
        "complaint": {"intake": (1, None), "handled_on_time": (1, 1), "return_rate": (0, 1),
                      "satisfaction_rate": (1, 1)},                                          # A
        "consult": {"intake": (2, None), "handled_on_time": (1, 1), "return_rate": (0, 1),
                    "satisfaction_rate": (0, 1)},                                            # B E
        "help": {"intake": (1, None), "overdue_cases": (1, None), "return_rate": (0, 1)},   # D
        "report": {"intake": (2, None), "return_rate": (1, 1)},                             # C F
        "suggestion": {"intake": (1, None)},                                                 # G
    }
    names = {dept("xs"): "xs", dept("dh"): "dh", None: None}
    # rolled up to the districts: xs_xs, xs_qs → 西山区; dh_hb → 东湖区; E F G lead nowhere
    assert section(report, "department", names.get) == {
        "dh": {"intake": (2, None), "handled_on_time": (1, 1), "overdue_cases": (1, None), "return_rate": (0, 2),
               "satisfaction_rate": (0, 1)},                                                 # B D
        "xs": {"intake": (2, None), "handled_on_time": (1, 1), "return_rate": (1, 2),
               "satisfaction_rate": (1, 1)},                                                 # A C (C leads at xs_xs)
        None: {"intake": (3, None)},                                                         # E F G
    }
    assert [g.key for g in report.sections["department"]][-1] is None
    assert report.names[dept("xs")] == "西山区"


def test_the_channel_breakdown_and_the_cohort(month, actor):
    report = statistics.report(actor("leader"), kind="month", value=NOVEMBER)
    assert section(report, "channel") == {
        "app": {"intake": (1, None)},                                                        # G
        "phone": {"intake": (4, None), "handled_on_time": (1, 1), "return_rate": (1, 2),
                  "satisfaction_rate": (1, 1)},                                              # A C E F
        "web": {"intake": (1, None), "handled_on_time": (1, 1), "return_rate": (0, 1),
                "satisfaction_rate": (0, 1)},                                                # B
        "wechat": {"intake": (1, None), "overdue_cases": (1, None), "return_rate": (0, 1)},  # D
    }
    # the cohort: C D G open, A B E closed, F merged into C
    assert report.cohort == Cohort(intake=7, open=3, closed=3, merged=1)
    assert report.imbalances == [] and report.balanced


def test_the_report_sets_the_previous_periods_beside_its_figures(month, actor):
    report = statistics.report(actor("leader"), kind="month", value=NOVEMBER)
    (october, before), (last_year, year_ago) = report.compared["previous"], report.compared["year_before"]
    assert (october.name, october.start, october.end, last_year.name) == (
        "2026-10", date(2026, 10, 1), date(2026, 10, 31), "2025-11")
    assert {c: pairs(before)[c] for c in statistics.REPORT_CODES} == {
        "intake": (1, None), "handled_on_time": (1, 1), "overdue_cases": (0, None), "satisfaction_rate": (1, 1),
        "return_rate": (0, 1)}                                                               # H
    assert pairs(year_ago)["intake"] == (0, None)
    week = statistics.report(actor("leader"), kind="week", value="2026-W45")             # 11-02 .. 11-08
    assert (week.period.start, week.period.end, list(week.compared)) == (date(2026, 11, 2), date(2026, 11, 8),
                                                                         ["previous"])
    assert pairs(week.headline)["intake"] == (5, None)                                     # A B C D E (F: 11-09)
    assert week.compared["previous"][0].name == "2026-W44" and pairs(week.compared["previous"][1])["intake"] == (0, None)
    day = statistics.report(actor("leader"), kind="day", value="2026-11-04")
    assert pairs(day.headline)["intake"] == (1, None) and day.compared["previous"][0].name == "2026-11-03"   # C; B
    year = statistics.report(actor("leader"), kind="year", value="2026")
    assert list(year.compared) == ["year_before"] and pairs(year.headline)["intake"] == (8, None)
    assert year.cohort == Cohort(intake=8, open=3, closed=4, merged=1)                     # H closed too


def test_the_default_periods_are_the_latest_complete_ones(month, actor, clock):
    clock.at = at(12, 2, 9)                                                                # Wednesday 12-02
    names = {kind: statistics.period(kind).name for kind in statistics.REPORT_KINDS}
    assert names == {"day": "2026-12-01", "week": "2026-W48", "month": "2026-11", "year": "2025"}
    assert statistics.period("week").start == date(2026, 11, 23)
    clock.at = at(1, 1, 0, 30, y=2027)                                                     # 00:30 in Shanghai
    assert statistics.period("day").name == "2026-12-31" and statistics.period("month").name == "2026-12"


def test_bad_periods_name_the_field():
    for kind, value, field in [("quarter", "", "kind"), (None, "", "kind"), ("month", "2026-13", "period"),
                               ("month", "2026/11", "period"), ("week", "2026-W54", "period"),
                               ("day", "2026-02-30", "period"), ("year", "26", "period")]:
        with pytest.raises(ValidationFailed) as refused:
            statistics.period(kind, value)
        assert list(refused.value.errors) == [field], (kind, value)
    assert statistics.period("week", "2026-W53").end == date(2027, 1, 3)                 # 2026 has 53 ISO weeks


def kpi(code, numerator, denominator=None):
    return Kpi(code, numerator, denominator, numerator if denominator is None else None)


def test_the_balance_check_names_a_broken_total():
    headline = {"intake": kpi("intake", 7), "return_rate": kpi("return_rate", 1, 4),
                "overdue_cases": kpi("overdue_cases", 2)}
    good = [Group("a", {"intake": kpi("intake", 4), "return_rate": kpi("return_rate", 1, 3),
                        "overdue_cases": kpi("overdue_cases", 2)}),
            Group(None, {"intake": kpi("intake", 3), "return_rate": kpi("return_rate", 0, 1)})]
    codes = ("intake", "return_rate", "overdue_cases")
    assert check(headline, {"category": good, "department": good}, codes, Cohort(7, 3, 3, 1)) == []
    # the none group lost a case and a dispatched one: both parts of the rate and the count are short
    broken = [good[0], Group(None, {"intake": kpi("intake", 2), "return_rate": kpi("return_rate", 0, 0)})]
    found = check(headline, {"category": good, "channel": broken}, codes)
    assert found == [Imbalance("intake", "channel", "numerator", 7, 6),
                     Imbalance("return_rate", "channel", "denominator", 4, 3)]
    assert [i.difference for i in found] == [-1, -1]
    # a total that does not match its parts (one too many urged… here: intake 8 against parts 7)
    found = check({**headline, "intake": kpi("intake", 8)}, {"department": good}, codes)
    assert found == [Imbalance("intake", "department", "numerator", 8, 7)] and found[0].difference == -1
    # a code missing from every group is still checked
    assert check(headline, {"category": [Group("a", {"intake": kpi("intake", 7)})]}, codes) == [
        Imbalance("return_rate", "category", "numerator", 1, 0), Imbalance("return_rate", "category", "denominator", 4, 0),
        Imbalance("overdue_cases", "category", "numerator", 2, 0)]


def test_overdue_cases_by_department_may_overlap_but_not_fall_short():
    headline = {"overdue_cases": kpi("overdue_cases", 2)}
    twice = [Group(1, {"overdue_cases": kpi("overdue_cases", 2)}), Group(2, {"overdue_cases": kpi("overdue_cases", 1)})]
    assert check(headline, {"department": twice}, ["overdue_cases"]) == []      # one case overdue at 1 and 2
    assert check(headline, {"category": twice}, ["overdue_cases"]) == [
        Imbalance("overdue_cases", "category", "numerator", 2, 3)]               # a case has one category
    short = [Group(1, {"overdue_cases": kpi("overdue_cases", 1)})]
    assert check(headline, {"department": short}, ["overdue_cases"]) == [
        Imbalance("overdue_cases", "department", "numerator", 2, 1)]


def test_the_cohort_check(month, actor):
    assert check({}, {}, (), Cohort(intake=7, open=3, closed=3, merged=1)) == []
    found = check({}, {}, (), Cohort(intake=7, open=3, closed=2, merged=1))
    assert found == [Imbalance("intake", "cohort", "count", 7, 6)] and found[0].difference == -1
    report = statistics.report(actor("leader"), kind="month", value=NOVEMBER)
    # a report whose sections were tampered with after assembly: the check over its data says so
    tampered = replace(report, sections={**report.sections, "channel": report.sections["channel"][1:]})
    assert check(tampered.headline, tampered.sections, statistics.REPORT_CODES, tampered.cohort) == [
        Imbalance("intake", "channel", "numerator", 7, 6)]                     # the app row (G) is gone


def test_a_department_leader_reads_their_subtree_only(month, actor, dept):
    mine = statistics.report(actor("xs_leader"), kind="month", value=NOVEMBER)
    assert mine.scope_id == dept("xs")
    # below 西山区: A and C lead at xs_xs now; C was first dispatched to xs_qs, which returned it:
    # its 退回率 is counted there
    assert section(mine, "department", {dept("xs_xs"): "xs_xs", dept("xs_qs"): "xs_qs"}.get) == {
        "xs_xs": {"intake": (2, None), "handled_on_time": (1, 1), "return_rate": (0, 1), "satisfaction_rate": (1, 1)},
        "xs_qs": {"return_rate": (1, 1)}}
    assert mine.cohort == Cohort(intake=2, open=1, closed=1, merged=0) and mine.balanced
    assert "connection_rate" not in mine.headline
    assert statistics.report(actor("leader"), kind="month", value=NOVEMBER,
                             department_id=dept("xs")).headline == mine.headline
    with pytest.raises(PermissionDenied):
        statistics.report(actor("xs_leader"), kind="month", value=NOVEMBER, department_id=dept("dh"))
    for login in ("agent", "dispatcher", "xs_xs_handler"):
        with pytest.raises(PermissionDenied):
            statistics.report(actor(login), kind="month", value=NOVEMBER)


def test_departments_roll_up_to_the_level_below_the_scope():
    from engine.statistics.reports import roll_up
    tree = {1: ("/1/", "市"), 2: ("/1/2/", "区"), 3: ("/1/2/3/", "街道"), 4: ("/1/4/", "局")}
    groups = [Group(2, {"intake": kpi("intake", 1)}),
              Group(3, {"intake": kpi("intake", 2), "return_rate": Kpi("return_rate", 1, 2, 0.5)}),
              Group(4, {"return_rate": Kpi("return_rate", 0, 1, 0.0)}), Group(None, {"intake": kpi("intake", 1)})]
    city = roll_up(groups, tree, None)                  # one root: the rows are its children
    assert [(g.key, pairs(g.kpis)) for g in city] == [
        (2, {"intake": (3, None), "return_rate": (1, 2)}), (4, {"return_rate": (0, 1)}), (None, {"intake": (1, None)})]
    assert city[0].kpis["return_rate"].value == 0.5 and city[0].kpis["intake"].value == 3
    district = roll_up(groups[:2], tree, 2)             # the street, then the district's own figures (本级)
    assert [(g.key, pairs(g.kpis)) for g in district] == [
        (3, {"intake": (2, None), "return_rate": (1, 2)}), (2, {"intake": (1, None)})]
