"""The public case page: progress in plain words, the reply once it reached the citizen, and the
proven pair kept in the session to rate and to ask for a re-examination (CSRF), while a wrong pair
still gets one identical answer and forgets any proven case."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions
from engine.db import db
from engine.models import CitizenRating, Reexamination
from tests.api.test_lookup import PHONE, ask, main_part
from tests.api.test_pages import client, csrf  # noqa: F401  (fixtures)
from tests.factories import to_handling


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


def to_visit(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="路灯已修复。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    return case


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf(client, "/lookup"), **data})


def test_progress_in_plain_words_with_the_expected_reply_date(client, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    page = ask(client, case.query_code, PHONE).get_data(as_text=True)
    for step in ("受理", "派单", "签收", "办理", "答复", "回访", "办结"):
        assert step in page
    assert 'class="current">办理' in page and "预计答复时间" in page and 'id="expected-reply"' in page
    for internal in ("handling", "sign_for", "dispatcher", "xs_xs_handler", "经办人"):
        assert internal not in page.split("<main>")[1]
    assert "评价" in page and 'id="rate"' not in page                 # not answered: nothing to rate yet


def test_the_reply_once_it_reached_the_citizen_and_the_rating(client, actor, dept):
    case = to_visit(actor, dept)
    page = ask(client, case.query_code, PHONE).get_data(as_text=True)
    assert "路灯已修复。" in page and 'id="rate"' in page and 'id="expected-reply"' not in page
    assert client.post("/lookup/case/rating", data={"satisfaction": "satisfied"}).status_code == 400   # no CSRF
    res = post(client, "/lookup/case/rating", satisfaction="satisfied", comment="谢谢")
    assert res.status_code == 303 and res.headers["Location"].endswith("/lookup/case")
    page = client.get("/lookup/case").get_data(as_text=True)
    assert "感谢您的评价" in page and "您的评价：" in page and "满意" in page and 'id="rate"' not in page
    assert db.session.execute(select(CitizenRating.completed_visit)).scalar() is True
    again = post(client, "/lookup/case/rating", satisfaction="dissatisfied")
    assert again.status_code == 409 and "已评价" in again.get_data(as_text=True)


def test_a_bad_rating_names_the_field(client, actor, dept):
    case = to_visit(actor, dept)
    ask(client, case.query_code, PHONE)
    res = post(client, "/lookup/case/rating", satisfaction="")
    assert res.status_code == 422 and "请选择满意、基本满意或不满意" in res.get_data(as_text=True)


def test_reexamination_from_the_page(client, actor, dept):
    case = to_visit(actor, dept)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    ask(client, case.query_code, PHONE)
    empty = post(client, "/lookup/case/reexamination", reason=" ")
    assert empty.status_code == 422 and "请填写不满意的理由" in empty.get_data(as_text=True)
    assert client.post("/lookup/case/reexamination", data={"reason": "不满意"}).status_code == 400   # no CSRF
    res = post(client, "/lookup/case/reexamination", reason="路灯还是不亮")
    assert res.status_code == 303
    page = client.get("/lookup/case").get_data(as_text=True)
    assert 'id="reexamination-status"' in page and 'id="ask-reexamination"' not in page
    link = db.session.execute(select(Reexamination)).scalar_one()
    assert link.case_id == case.id and link.reason == "路灯还是不亮"
    assert post(client, "/lookup/case/reexamination", reason="再申请").status_code == 409


def test_a_wrong_pair_is_identical_and_forgets_the_proven_case(client, actor, dept):
    case = to_visit(actor, dept)
    other = to_visit(actor, dept)
    before = main_part(ask(client, "WRONGCODE1", PHONE).data)
    assert ask(client, case.query_code, PHONE).status_code == 200
    assert client.get("/lookup/case").status_code == 200
    after_proven = main_part(ask(client, case.query_code, "13900000000").data)
    someone_else = main_part(ask(client, other.query_code, "13911111111").data)
    assert before == after_proven == someone_else
    gone = client.get("/lookup/case")
    assert gone.status_code == 303 and gone.headers["Location"].endswith("/lookup")
    res = post(client, "/lookup/case/rating", satisfaction="satisfied")
    assert res.status_code == 303 and db.session.execute(select(CitizenRating)).first() is None


def test_without_a_proven_pair_nothing_is_done(client, actor, dept):
    to_visit(actor, dept)
    res = post(client, "/lookup/case/reexamination", reason="不满意")
    assert res.status_code == 303 and res.headers["Location"].endswith("/lookup")
    assert db.session.execute(select(Reexamination)).first() is None
