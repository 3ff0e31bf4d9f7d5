"""The inbox's tab counts and pager: counted once per distinct tab, at most COUNT_CAP each."""
from __future__ import annotations

import re

from engine.cases import work_items
from tests.api.test_pages import _fresh_limits, signin  # noqa: F401  (fixtures)
from tests.factories import to_handling

TAB = re.compile(r'<span class="count">([^<]*)</span>')


def test_tabs_are_exact_under_the_cap_and_say_more_past_it(signin, actor, dept, monkeypatch):
    cases = [to_handling(actor, dept, lead="xs_xs") for _ in range(3)]
    handler = signin("xs_xs_handler")
    page = handler.get("/inbox?scope=department").get_data(as_text=True)
    assert TAB.findall(page) == ["3", "3", "3"] and "共 3 项" in page           # mine, department, all
    claimed = work_items.list_items(actor=actor("xs_xs_handler"), scope_name="mine").items[0][0]
    work_items.claim(item_id=claimed.id, actor=actor("xs_xs_handler"))
    district = signin("xs_handler").get("/inbox").get_data(as_text=True)     # a colleague's claim is not mine
    assert TAB.findall(district) == ["2", "3", "3"] and "共 2 项" in district
    monkeypatch.setattr("api.pages.cases.inbox.COUNT_CAP", 2)
    page = handler.get("/inbox?scope=department").get_data(as_text=True)
    assert TAB.findall(page) == ["2+", "2+", "2+"] and "超过 2 项" in page
    assert all(c.case_no in page for c in cases)                     # the rows are all there
    page = handler.get("/inbox?scope=department&page=2")
    assert page.status_code == 200                    # a capped count knows no last page: no redirect


def test_bounded_counts_in_the_engine(actor, dept):
    for _ in range(3):
        to_handling(actor, dept, lead="xs_xs")
    handler = actor("xs_xs_handler")
    capped = work_items.list_items(actor=handler, scope_name="department", count_cap=2)
    assert (capped.total, capped.capped, len(capped.items)) == (2, True, 3)
    exact = work_items.list_items(actor=handler, scope_name="department", count_cap=3)
    assert (exact.total, exact.capped) == (3, False)
    assert work_items.count_tabs(actor=handler, cap=2) == {s: (2, True) for s in work_items.SCOPES}
    assert work_items.count_tabs(actor=handler, cap=10, known={"department": (3, False)}) == \
        {s: (3, False) for s in work_items.SCOPES}
