"""The combined query service: each filter, scope, sorting, paging and the export stream."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from engine.cases import actions, query
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Case
from engine.ports import now as clock_now
from tests.factories import open_case, to_handling


def numbers(actor, **args) -> set[str]:
    """Case numbers the filters (as query arguments) return for the actor."""
    page = query.search(actor=actor, filters=query.parse_filters(args), page_size=100)
    assert page.total == len(page.items)
    return {f.case.case_no for f in page.items}


def _set(case, **values) -> None:
    db.session.execute(update(Case).where(Case.id == case.id).values(**values))
    db.session.commit()


@pytest.fixture
def city(actor, dept):
    """Five cases: two street-led, one bureau-led with co-departments, one assigned, one closed."""
    hb = to_handling(actor, dept, lead="dh_hb", category="consult", channel="web")
    xs = to_handling(actor, dept, lead="xs_xs", co=("cgj",), category="complaint")
    zjj = to_handling(actor, dept, lead="zjj", co=("scj", "cgj"), category="report", channel="wechat")
    assigned = to_handling(actor, dept, lead="xs_qs", mode="assign", category="help")
    closed = to_handling(actor, dept, lead="xs_xs", category="suggestion")
    actions.reply(case_id=closed.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已答复。")
    actions.review(case_id=closed.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=closed.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    return {"hb": hb.case_no, "xs": xs.case_no, "zjj": zjj.case_no, "assigned": assigned.case_no,
            "closed": closed.case_no, "ids": {"hb": hb.id, "xs": xs.id, "zjj": zjj.id}}


def test_category_channel_and_dispatch_direction(actor, city):
    center = actor("dispatcher")
    assert numbers(center) == {city[k] for k in ("hb", "xs", "zjj", "assigned", "closed")}
    assert numbers(center, category="report") == {city["zjj"]}
    assert numbers(center, channel="web") == {city["hb"]}
    assert numbers(center, dispatch_mode="assign") == {city["assigned"]}
    assert numbers(center, case_no=city["xs"]) == {city["xs"]}
    assert numbers(center, case_no=city["xs"][:10].lower()) == numbers(center)   # a prefix, any case


def test_a_returned_case_is_in_no_dispatch_mode(actor, dept, city):
    """派单方式=转送 finds dispatched cases only: a returned case waits to be dispatched again."""
    center = actor("dispatcher")
    back = open_case(actor("agent"))
    actions.triage(case_id=back.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=back.id, actor=center, mode="transfer", lead_department_id=dept("scj"))
    assert back.case_no in numbers(center, dispatch_mode="transfer")
    actions.return_case(case_id=back.id, actor=actor("scj_handler"), reason="不属于本单位职责")
    actions.decide_return(case_id=back.id, actor=center, approved=True)
    assert back.case_no not in numbers(center, dispatch_mode="transfer")
    assert back.case_no in numbers(center)
    _set(back, dispatch_mode="transfer")              # a row returned before the fix kept its old mode
    assert back.case_no not in numbers(center, dispatch_mode="transfer")


def test_lead_and_co_department_and_their_handlers(actor, dept, city):
    center = actor("dispatcher")
    assert numbers(center, lead_department_id=str(dept("xs_xs"))) == {city["xs"], city["closed"]}
    # a district with the streets below it (the statistics' department bars drill into this)
    assert numbers(center, lead_department_id=str(dept("xs"))) == {city["xs"], city["closed"], city["assigned"]}
    assert numbers(center, co_department_id=str(dept("cgj"))) == {city["xs"], city["zjj"]}
    assert numbers(center, co_department_id=str(dept("scj"))) == {city["zjj"]}
    handler = actor("xs_xs_handler").user_id          # replied on the closed case
    assert numbers(center, lead_handler_id=str(handler)) == {city["closed"]}
    actions.submit_opinion(case_id=city["ids"]["zjj"], actor=actor("cgj_handler"), department_id=dept("cgj"),
                           opinion="已配合")
    cgj = actor("cgj_handler").user_id
    assert numbers(center, co_handler_id=str(cgj)) == {city["zjj"]}
    assert numbers(center, co_handler_id=str(cgj), co_department_id=str(dept("scj"))) == set()
    [found] = query.search(actor=center, filters=query.parse_filters({"co_handler_id": str(cgj)})).items
    assert found.co_department_ids == [dept("scj"), dept("cgj")] and found.co_handler_ids == [cgj]


def test_reply_status_follows_the_case_status(actor, city):
    center = actor("dispatcher")
    assert numbers(center, reply_status="closed") == {city["closed"]}
    assert numbers(center, reply_status="replied") == set()
    actions.reply(case_id=city["ids"]["hb"], actor=actor("dh_hb_handler"), result="resolved", reply_text="好")
    assert numbers(center, reply_status="replied") == {city["hb"]}           # awaiting center review
    # The lead replied but the co-department's opinion is still out: the case is not replied yet.
    actions.reply(case_id=city["ids"]["xs"], actor=actor("xs_xs_handler"), result="resolved", reply_text="好")
    assert numbers(center, reply_status="open") == {city["xs"], city["zjj"], city["assigned"]}
    draft = open_case(actor("agent"))                                           # not dispatched yet
    assert draft.case_no in numbers(center, reply_status="open")


def test_colour_is_computed_from_the_due_date(actor, city):
    center = actor("dispatcher")
    now = clock_now()
    hb = db.session.get(Case, city["ids"]["hb"])
    _set(hb, due_at=now - timedelta(hours=1), warn_at=now - timedelta(days=1))
    xs = db.session.get(Case, city["ids"]["xs"])
    _set(xs, warn_at=now - timedelta(hours=1))
    assert numbers(center, colour="red") == {city["hb"]}
    assert numbers(center, colour="yellow") == {city["xs"]}
    assert numbers(center, colour="green") == {city["zjj"], city["assigned"]}   # the closed case has no clock
    _set(hb, suspended=True)
    assert numbers(center, colour="red") == set()                              # its clock stands still


def test_time_range_is_in_shanghai_days(actor, city):
    center = actor("dispatcher")
    # 16:30 UTC on 1 March is 00:30 on 2 March in Shanghai.
    _set(db.session.get(Case, city["ids"]["hb"]), created_at=datetime(2026, 3, 1, 16, 30))
    _set(db.session.get(Case, city["ids"]["xs"]), created_at=datetime(2026, 3, 1, 15, 30))
    assert numbers(center, registered_from="2026-03-02", registered_to="2026-03-02") == {city["hb"]}
    assert numbers(center, registered_to="2026-03-01") == {city["xs"]}
    assert city["hb"] not in numbers(center, registered_from="2026-03-03")


def test_a_department_sees_only_its_subtree(actor, city):
    street = numbers(actor("xs_xs_handler"))
    assert street == {city["xs"], city["closed"]}
    district = numbers(actor("xs_handler"))
    assert district == {city["xs"], city["closed"], city["assigned"]}
    assert numbers(actor("cgj_handler")) == {city["xs"], city["zjj"]}              # as co-department
    assert numbers(actor("dh_hb_handler"), category="report") == set()
    assert {n for n, *_ in query.handler_choices(actor("xs_handler"))} == {
        actor(u).user_id for u in ("xs_handler", "xs_leader", "xs_xs_handler", "xs_xs_leader", "xs_qs_handler",
                                   "xs_qs_leader", "xs_xs_ss_handler", "xs_xs_ss_leader", "xs_qs_hq_handler",
                                   "xs_qs_hq_leader")}


def test_sorting_and_paging(actor, city):
    center = actor("dispatcher")
    filters = query.parse_filters({})
    by_no = query.search(actor=center, filters=filters, sort="case_no", page_size=2)
    assert by_no.total == 5 and [f.case.case_no for f in by_no.items] == sorted(city[k] for k in (
        "hb", "xs", "zjj", "assigned", "closed"))[:2]
    last = query.search(actor=center, filters=filters, sort="-case_no", page=3, page_size=2)
    assert [f.case.case_no for f in last.items] == [min(city[k] for k in ("hb", "xs", "zjj", "assigned", "closed"))]
    due = [f.case.due_at for f in query.search(actor=center, filters=filters, sort="due").items]
    assert due[-1] is None and due[:4] == sorted(due[:4])                         # no due date: last
    with pytest.raises(ValidationFailed):
        query.search(actor=center, filters=filters, sort="title")


def test_bad_filter_values_are_named():
    with pytest.raises(ValidationFailed) as err:
        query.parse_filters({"colour": "blue", "registered_from": "yesterday", "lead_department_id": "x",
                             "category": " ", "channel": ""})
    assert set(err.value.errors) == {"colour", "registered_from", "lead_department_id"}


def test_stream_yields_chunks_up_to_the_limit(actor, city, monkeypatch):
    monkeypatch.setattr(query, "CHUNK", 2)
    chunks = list(query.stream(actor=actor("dispatcher"), filters=query.Filters(), limit=3))
    assert [len(c) for c in chunks] == [2, 1]
