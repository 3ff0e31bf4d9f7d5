"""The KPIs of docs/STATISTICS.md over one hand-built week (story.py), every figure counted by hand."""
from __future__ import annotations

from datetime import date

import pytest

from engine import statistics
from engine.cases import actions
from engine.errors import PermissionDenied, ValidationFailed
from tests.engine.statistics.story import END, START, Story, at


def figures(actor, login="leader", **filters):
    found = statistics.compute(actor(login), start=START, end=END, **filters)
    return {code: (k.numerator, k.denominator) for code, k in found.items()}


def test_one_week_as_the_center_sees_it(week, actor):
    assert figures(actor) == {
        # calls c1-c10 arrived in the week (c11 is Monday 00:00:30 in Shanghai, c12 the Sunday before)
        "connection_rate": (4, 10),                   # c1 c2 c3 c10 answered
        "answer_rate_15s": (3, 10),                   # c1 (10 s), c3 (15 s), c10 (5 s); not c2 (20 s)
        "call_loss_trunk": (1, 10), "call_loss_ivr": (1, 10), "call_loss_queue": (1, 10),
        "call_loss_agent": (1, 10), "call_loss_overflow": (1, 10), "call_loss_dissuaded": (1, 10),
        "mean_wait_seconds": (50.0, 4),               # 10 + 20 + 15 + 5 over the 4 answered
        "intake": (13, None),                         # A B C D G H J K L M N P R (not Q E I F: before; S: after)
        "sign_for_on_time": (5, 6),                   # F A B C(2nd) D met, H missed; C's 1st cancelled, G after
        "handled_on_time": (6, 7),                    # F A B(1) B(2) C D met (D extended, replied Sat), I missed
        "overdue_cases": (2, None),                   # I missed in the week, E running past due at its end
        "extension_rate": (1, 6),                     # of I F A B C D (handling closed in the week), D
        "return_rate": (1, 6),                        # of A B C D G H (dispatched in the week), C
        "first_time_resolution": (5, 7),              # of I F A B C D J closed (K merged out): not B (重办), C (退回)
        "satisfaction_rate": (6, 7),                  # visits I F A B B C D: B's first dissatisfied
        "visit_rate": (6, 6),                         # I F A B C D closed after dispatch, all visited
        "repeat_call_rate": (3, 13),                  # K (H's), L (A's), N (F's, 7 days); not M (category), P (49 days)
        "urged_cases": (2, None),                     # D and H
        "urged_closed_rate": (1, 2),                  # D closed on Saturday, H still handling
    }


def test_a_department_filter_reads_its_subtree_and_leaves_the_calls_out(week, actor, dept):
    # 西山区 holds xs_xs and xs_qs: A B C D H lead there now (G, E, I: dh_hb; J-S: never dispatched)
    assert figures(actor, department_id=dept("xs")) == {
        "intake": (5, None),                          # A B C D H
        "sign_for_on_time": (5, 6),                   # F A B C(2nd, xs_xs) D met, H missed
        "handled_on_time": (6, 6),                    # F A B(1) B(2) C D; I is dh_hb's
        "overdue_cases": (0, None),                   # E and I are dh_hb's
        "extension_rate": (1, 5),                     # of F A B C D, D
        "return_rate": (1, 5),                        # of A B C D H, C (returned by xs_qs, its first)
        "first_time_resolution": (3, 5),              # F A D of F A B C D
        "satisfaction_rate": (5, 6),                  # F A B B C D
        "visit_rate": (5, 5),
        "repeat_call_rate": (0, 5),                   # K L N lead nowhere
        "urged_cases": (2, None), "urged_closed_rate": (1, 2),
    }
    # 东湖区: G and the limits E, I held there
    dh = figures(actor, department_id=dept("dh"))
    assert (dh["intake"], dh["overdue_cases"], dh["handled_on_time"], dh["sign_for_on_time"]) == (
        (1, None), (2, None), (0, 1), (0, 0))         # G; E and I; I missed; G signed after the week


def test_a_department_leader_sees_their_subtree_only(week, actor, dept):
    mine = figures(actor, "xs_qs_leader")             # D leads at xs_qs; F too, but registered before
    assert mine == figures(actor, department_id=dept("xs_qs")) == {
        "intake": (1, None), "sign_for_on_time": (2, 2), "handled_on_time": (2, 2), "overdue_cases": (0, None),
        # 退回率: C and D were first dispatched here; xs_qs returned C (its return is counted here,
        # not at xs_xs where C went next)
        "extension_rate": (1, 2), "return_rate": (1, 2), "first_time_resolution": (2, 2),
        "satisfaction_rate": (2, 2), "visit_rate": (2, 2), "repeat_call_rate": (0, 1),
        "urged_cases": (1, None), "urged_closed_rate": (1, 1),
    }
    assert figures(actor, "xs_qs_leader", department_id=dept("xs_qs_hq"))["intake"] == (0, None)
    with pytest.raises(PermissionDenied):
        figures(actor, "xs_qs_leader", department_id=dept("xs"))      # above their department
    with pytest.raises(PermissionDenied):
        figures(actor, "xs_qs_leader", department_id=dept("dh_hb"))
    for login in ("agent", "dispatcher", "visitor", "xs_qs_handler"):
        with pytest.raises(PermissionDenied):
            figures(actor, login)


@pytest.mark.parametrize("login", ["supervisor", "shift_lead", "admin"])
def test_the_center_roles_see_the_same_figures(week, actor, login):
    assert figures(actor, login) == figures(actor)


def test_filters_by_category_channel_and_area_and_the_repeat_window(week, actor, dept):
    consult = figures(actor, category="consult")
    assert (consult["intake"], consult["overdue_cases"], consult["first_time_resolution"]) == (
        (2, None), (2, None), (2, 2))                 # J M; E and I; I and J closed, neither reworked
    assert "connection_rate" not in consult
    assert figures(actor, channel="web")["intake"] == (0, None)
    assert figures(actor, area_id=dept("xs"))["intake"] == (0, None)   # no case names an area here
    found = statistics.compute(actor("leader"), start=START, end=END, repeat_days=5)
    assert (found["repeat_call_rate"].numerator, found["repeat_call_rate"].denominator) == (2, 13)  # K L, not N


def test_values_and_empty_periods(week, actor):
    found = statistics.compute(actor("leader"), start=START, end=END)
    assert found["first_time_resolution"].value == round(5 / 7, 4) and found["mean_wait_seconds"].value == 12.5
    assert found["intake"].value == 13
    empty = statistics.compute(actor("leader"), start=date(2025, 1, 1), end=date(2025, 1, 1))
    assert empty["connection_rate"].value is None and empty["intake"].value == 0
    one_day = statistics.compute(actor("leader"), start=date(2026, 11, 7), end=date(2026, 11, 7))
    assert (one_day["connection_rate"].numerator, one_day["connection_rate"].denominator) == (1, 1)   # c10
    with pytest.raises(ValidationFailed):
        statistics.compute(actor("leader"), start=END, end=START)


def test_a_failed_review_is_rework_and_article_7_overtime_is_overdue(actor, dept, clock):
    s = Story(actor, dept, clock)
    reviewed = s.open(at(11, 2), "13900000021")
    s.dispatch(reviewed, at(11, 2), "xs_xs")
    s.sign(reviewed, at(11, 2, 11), "xs_xs")
    s.reply(reviewed, at(11, 3), "xs_xs")
    clock.at = at(11, 3, 11)
    actions.review(case_id=reviewed.id, actor=actor("dispatcher"), passed=False,
                   opinion="答复未回应诉求")     # 重办: round 2
    s.reply(reviewed, at(11, 4), "xs_xs")
    s.visit(reviewed, at(11, 4, 14))
    late = s.open(at(10, 19), "13900000022", "consult")                                # due 10-26
    s.dispatch(late, at(10, 19), "xs_qs")
    s.sign(late, at(10, 19, 11), "xs_qs")
    clock.at = at(11, 3)                                  # asked after the limit: Article 7 overtime
    actions.request_extension(case_id=late.id, actor=actor("xs_qs_handler"), days=30, reason="需协调相关单位")
    clock.at = at(11, 3, 11)
    actions.decide_extension(case_id=late.id, actor=actor("leader"), approved=True)  # now due in December
    found = figures(actor)
    assert found["first_time_resolution"] == (0, 1)      # closed once, after a failed review
    assert found["handled_on_time"] == (2, 2)             # both rounds replied in time
    assert found["overdue_cases"] == (1, None)            # `late`: running, not past its new date, overtime
