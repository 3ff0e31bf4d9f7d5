"""GET /api/v1/statistics/kpis: the figures of engine.statistics, their access and input checks."""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.cases import actions
from engine.ports import FixedClock, set_clock
from engine.telephony import calls
from tests.engine.statistics.test_kpis import at
from tests.factories import open_case, to_handling

URL = "/api/v1/statistics/kpis"
WEEK = {"start": "2026-11-02", "end": "2026-11-08"}


@pytest.fixture
def week(actor, dept):
    """Monday: B signed for at once, A returned; Saturday: one answered call, C registered."""
    previous = set_clock(FixedClock(at(11, 2)))
    try:
        to_handling(actor, dept, lead="xs_xs", phone="13900000001")
        returned = open_case(actor("agent"), phone="13900000002")
        actions.triage(case_id=returned.id, actor=actor("agent"), decision="dispatch")
        actions.dispatch(case_id=returned.id, actor=actor("dispatcher"), mode="transfer",
                         lead_department_id=dept("xs_qs"), co_department_ids=[])
        actions.return_case(case_id=returned.id, actor=actor("xs_qs_handler"), reason="不属于本单位职责")
        set_clock(FixedClock(at(11, 7)))
        open_case(actor("agent"), phone="13900000003")
        calls.record(call={"call_id": "w1", "outcome": "answered", "arrived_at": at(11, 7),
                           "queued_at": at(11, 7), "answered_at": at(11, 7) + timedelta(seconds=8)})
    finally:
        set_clock(previous)


def by_code(res) -> dict:
    return {k["code"]: (k["numerator"], k["denominator"], k["value"]) for k in res.json["kpis"]}


def test_the_week_in_numbers(api, week, dept):
    res = api("leader").get(URL, query_string=WEEK)
    assert res.status_code == 200, res.json
    found = by_code(res)
    assert res.json["start"] == "2026-11-02" and res.json["end"] == "2026-11-08"
    assert found["intake"] == (3, None, 3)                     # A, B on Monday, C on Saturday
    assert found["sign_for_on_time"] == (1, 1, 1.0)            # B; A's limit still runs (returned)
    assert found["return_rate"] == (1, 2, 0.5)                 # A of A and B
    assert found["connection_rate"] == (1, 1, 1.0) and found["mean_wait_seconds"] == (8, 1, 8.0)
    assert found["handled_on_time"] == (0, 0, None)            # nothing replied yet
    scoped = by_code(api("xs_qs_leader").get(URL, query_string=WEEK))
    assert scoped["return_rate"] == (1, 1, 1.0) and "connection_rate" not in scoped   # A leads at xs_qs
    narrowed = by_code(api("leader").get(URL, query_string={**WEEK, "department_id": dept("xs_xs")}))
    assert narrowed["intake"] == (1, None, 1)                  # B


@pytest.mark.parametrize("query, field", [
    ({"end": "2026-11-08"}, "start"),
    ({"start": "2026-13-01", "end": "2026-11-08"}, "start"),
    ({"start": "2026-11-02", "end": "3000-01-01"}, "end"),
    ({"start": "1899-12-31", "end": "2026-11-08"}, "start"),
    ({"start": "2026-11-08", "end": "2026-11-02"}, "end"),
    ({**WEEK, "department_id": "0"}, "department_id"),
    ({**WEEK, "area_id": str(2 ** 31)}, "area_id"),
    ({**WEEK, "category": "gossip"}, "category"),
])
def test_bad_input_is_refused_naming_the_field(api, query, field):
    res = api("leader").get(URL, query_string=query)
    assert res.status_code == 422 and field in res.json["errors"]["query"], res.json


@pytest.mark.parametrize("login", ["agent", "dispatcher", "xs_qs_handler"])
def test_only_leaders_supervisors_shift_leads_and_admins_read_them(api, login):
    assert api(login).get(URL, query_string=WEEK).status_code == 403


def test_a_department_leader_cannot_look_outside_their_subtree(api, dept):
    assert api("xs_qs_leader").get(URL, query_string={**WEEK, "department_id": dept("dh")}).status_code == 403
    assert api("xs_qs_leader").get(URL, query_string={**WEEK, "department_id": dept("xs_qs")}).status_code == 200
