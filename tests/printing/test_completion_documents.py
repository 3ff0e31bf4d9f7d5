"""Completion documents (一事一结): the 办结通知书 of a natural completion and the closing record of
every closed case, titled by what closed it; rendered to PDF and read back with pdftotext.

Cases go through the services on the real 2026 calendar: a consultation signed for on Wed 9/23
is due Thu 10/8 17:30, and 9/30 (the working day before) opens the natural completion window.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions, natural
from engine.db import db
from engine.documents import service as documents
from engine.errors import PermissionDenied
from engine.models import User
from tests.api.test_pages import csrf, signin  # noqa: F401  (fixture)
from tests.engine.deadlines.test_deadlines import at, clock, signed  # noqa: F401  (fixture)
from tests.factories import open_case
from tests.printing.test_documents import BASE, flat, no_weasyprint_warnings, printed_events  # noqa: F401  (fixture)

HANDLER = "xs_xs_handler"
NOTICE = "您未在规定时间内交纳检测费用，本件按自然办结处理。如需继续办理，请重新提出申请。"
REPLY = "已协调物业公司更换电梯主板，电梯已于9月29日恢复运行。"


@pytest.fixture(autouse=True)
def fixed(clock):
    """Every test on the fixed clock (2026-11-02 until a test moves it)."""
    return clock


def consult(actor, dept, clock, **intake):
    case = signed(actor, dept, clock, at(2026, 9, 22, 10), at(2026, 9, 23, 9), category="consult", **intake)
    assert case.handle_due_at == at(2026, 10, 8, 17, 30)
    return case


def naturally_completed(actor, dept, clock):
    """Declared on the working day before the due date (Article 8's window)."""
    case = consult(actor, dept, clock, title="营业执照变更未完成")
    clock.at = at(2026, 9, 30, 10)
    return actions._act("handle", case.id, actor(HANDLER), {
        "action": "natural_completion", "natural_reason": "no_fees", "reply_text": NOTICE})


def closed_after_visit(actor, case, clock):
    clock.at = at(2026, 10, 8, 11)
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    clock.at = at(2026, 10, 9, 15)
    case = actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    assert case.status == "closed" and case.outcome == "archived"
    return case


def replied(actor, dept, clock):
    case = consult(actor, dept, clock)
    clock.at = at(2026, 9, 30, 10)
    case = actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text=REPLY)
    return closed_after_visit(actor, case, clock)


def render(kind, case, who="dispatcher", actor=None):
    return flat(documents.render(kind=kind, case_id=case.id, actor=actor(who), base_url=BASE))


# ---------------------------------------------------------------- 办结通知书

def test_completion_notice_of_a_natural_completion(actor, dept, clock):
    case = naturally_completed(actor, dept, clock)
    assert case.stage == "review"
    assert documents.available(case) == ["transfer-slip", "receipt", "completion-notice"]
    clock.at = at(2026, 10, 12, 9)
    text = render("completion-notice", case, HANDLER, actor)
    handler = db.session.execute(select(User.display_name).where(User.username == HANDLER)).scalar()
    for expected in ("办结通知书", case.case_no, "营业执照变更未完成", "申请人未按规定时间交纳有关费用",
                     "".join(NOTICE.split()), "至2026年10月08日17:30止", "西山街道", handler,
                     "2026年09月30日10:00", "第八条", "视为按时办结", "已报告中心主任", "待备案",
                     "二〇二六年九月三十日"):           # dated the day it was declared, not the print day
        assert expected in text, expected
    assert "已备案" not in text
    assert printed_events(case.id) == [{"kind": "completion-notice", "title": "办结通知书"}]
    # Once the center director files it, the notice says so.
    [row] = natural.listing(actor=actor("leader"), filed=False).items
    clock.at = at(2026, 10, 12, 10)
    natural.file(actor=actor("leader"), natural_id=row["row"].id, note="已阅")
    text = render("completion-notice", case, "leader", actor)
    assert "已备案（2026年10月12日10:00）" in text and "已于2026年10月12日10:00备案" in text and "待备案" not in text


def test_no_completion_notice_without_a_natural_completion(actor, dept, clock):
    case = consult(actor, dept, clock)
    with pytest.raises(documents.DocumentNotAvailable, match="natural completion") as refused:
        documents.render(kind="completion-notice", case_id=case.id, actor=actor("dispatcher"))
    assert refused.value.code == "no_natural_completion"
    with pytest.raises(documents.DocumentNotAvailable, match="not closed") as refused:
        documents.render(kind="closing-record", case_id=case.id, actor=actor("dispatcher"))
    assert refused.value.code == "not_closed"
    assert printed_events(case.id) == []
    assert documents.available(case) == ["transfer-slip", "receipt"]


def test_a_closed_natural_completion_has_the_notice_as_its_closing_record(actor, dept, clock):
    case = closed_after_visit(actor, naturally_completed(actor, dept, clock), clock)
    assert documents.available(case) == ["transfer-slip", "receipt", "completion-notice", "closing-record"]
    assert documents.titles(case, ["receipt", "closing-record"]) == {"receipt": "受理回执", "closing-record": "办结通知书"}
    text = render("closing-record", case, actor=actor)
    for expected in ("办结通知书", case.case_no, "申请人未按规定时间交纳有关费用", "".join(NOTICE.split()), "第八条",
                     "二〇二六年十月九日"):        # dated the closing day
        assert expected in text, expected
    assert printed_events(case.id) == [{"kind": "closing-record", "title": "办结通知书"}]


# ---------------------------------------------------------------- the closing record of every closed case

def test_a_replied_and_visited_case_has_its_reply_opinion(actor, dept, clock):
    case = replied(actor, dept, clock)
    assert documents.titles(case, documents.available(case))["closing-record"] == "答复意见书"
    clock.at = at(2026, 11, 2, 10)
    text = render("closing-record", case, HANDLER, actor)
    for expected in ("答复意见书", case.case_no, "".join(REPLY.split()), "已解决", "西山街道", "办理完毕",
                     "答复时间2026年09月30日10:00", "办结时间2026年10月09日15:00", "二〇二六年十月九日"):
        assert expected in text, expected
    assert "二〇二六年十一月二日" not in text and "办结通知书" not in text
    assert printed_events(case.id) == [{"kind": "closing-record", "title": "答复意见书"}]
    with pytest.raises(documents.DocumentNotAvailable):
        documents.render(kind="completion-notice", case_id=case.id, actor=actor("dispatcher"))


def test_a_direct_answer(actor, clock):
    clock.at = at(2026, 10, 12, 9, 30)
    case = open_case(actor("agent"), category="consult", title="社保卡补办地点")
    case = actions.triage(case_id=case.id, actor=actor("agent"), decision="direct_answer",
                          answer="可携带身份证到任一社保经办网点补办，当场领取。")
    assert documents.available(case) == ["receipt", "closing-record"]
    text = render("closing-record", case, "agent", actor)
    for expected in ("直接答复告知书", case.case_no, "社保卡补办地点", "可携带身份证到任一社保经办网点补办，当场领取。",
                     "直接答复（即办件）", "二〇二六年十月十二日"):
        assert expected in text, expected
    assert printed_events(case.id) == [{"kind": "closing-record", "title": "直接答复告知书"}]


def test_a_request_not_accepted(actor, clock):
    clock.at = at(2026, 10, 12, 9, 30)
    case = open_case(actor("agent"), title="邻居纠纷已起诉")
    case = actions.triage(case_id=case.id, actor=actor("agent"), decision="not_accepted",
                          not_accepted_reason="legal_route")
    text = render("closing-record", case, "agent", actor)
    for expected in ("不予受理告知书", case.case_no, "涉诉涉法/仲裁/信访事项", "不予受理", "二〇二六年十月十二日"):
        assert expected in text, expected
    assert printed_events(case.id) == [{"kind": "closing-record", "title": "不予受理告知书"}]


def test_a_merged_request(actor, clock):
    clock.at = at(2026, 10, 12, 9, 30)
    target = open_case(actor("agent"))
    repeat = open_case(actor("agent"), title="电梯又坏了")
    repeat = actions.triage(case_id=repeat.id, actor=actor("agent"), decision="merge",
                            merge_into_case_no=target.case_no)
    assert repeat.merged_into_id == target.id
    text = render("closing-record", repeat, "agent", actor)
    for expected in ("并单告知书", repeat.case_no, f"并入工单编号{target.case_no}", f"以工单{target.case_no}为准",
                     "二〇二六年十月十二日"):
        assert expected in text, expected
    assert documents.available(target) == ["receipt"]         # the target stays open: none for it
    assert printed_events(repeat.id) == [{"kind": "closing-record", "title": "并单告知书"}]


def test_scope_applies_as_for_every_document(actor, dept, clock):
    case = replied(actor, dept, clock)
    with pytest.raises(PermissionDenied):
        documents.render(kind="closing-record", case_id=case.id, actor=actor("dh_hb_handler"))
    assert printed_events(case.id) == []


# ---------------------------------------------------------------- through HTTP: pages, REST, batch

def test_case_page_and_routes(app, signin, api, actor, dept, clock):
    natural_case = closed_after_visit(actor, naturally_completed(actor, dept, clock), clock)
    open_one = consult(actor, dept, clock, title="仍在办理")
    replied_case = replied(actor, dept, clock)
    dispatcher = signin("dispatcher")
    page = dispatcher.get(f"/cases/{replied_case.id}").get_data(as_text=True)
    assert "closing-record.pdf" in page and "答复意见书" in page and "completion-notice.pdf" not in page
    page = dispatcher.get(f"/cases/{natural_case.id}").get_data(as_text=True)
    assert "completion-notice.pdf" in page and "closing-record.pdf" in page and "办结通知书" in page
    page = dispatcher.get(f"/cases/{open_one.id}").get_data(as_text=True)
    assert "closing-record.pdf" not in page and "completion-notice.pdf" not in page

    res = dispatcher.get(f"/cases/{replied_case.id}/documents/closing-record.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    assert "答复意见书" in flat(res.data) and replied_case.case_no in flat(res.data)
    res = dispatcher.get(f"/cases/{open_one.id}/documents/closing-record.pdf")
    assert res.status_code == 409 and "尚未办结，暂无办结文书" in res.get_data(as_text=True)
    res = dispatcher.get(f"/cases/{open_one.id}/documents/completion-notice.pdf")
    assert res.status_code == 409 and "未作自然办结，没有办结通知书" in res.get_data(as_text=True)
    assert signin("dh_hb_handler").get(f"/cases/{replied_case.id}/documents/closing-record.pdf").status_code == 403

    res = api(HANDLER).get(f"/api/v1/cases/{natural_case.id}/documents/completion-notice.pdf")
    assert res.status_code == 200 and "申请人未按规定时间交纳有关费用" in flat(res.data)
    res = api("dispatcher").get(f"/api/v1/cases/{open_one.id}/documents/closing-record.pdf")
    assert res.status_code == 409 and res.json["error"] == "not_closed" and "not closed" in res.json["message"]
    assert api("dh_hb_handler").get(f"/api/v1/cases/{natural_case.id}/documents/completion-notice.pdf"
                                    ).status_code in (403, 404)
    assert printed_events(open_one.id) == []


def test_batch_print_of_closing_records_leaves_open_cases_out(app, signin, actor, dept, clock):
    replied_case = replied(actor, dept, clock)
    clock.at = at(2026, 10, 12, 9, 30)
    answered = actions.triage(case_id=open_case(actor("agent"), title="直接答复件").id, actor=actor("agent"),
                              decision="direct_answer", answer="已告知办理流程。")
    waiting = open_case(actor("agent"), title="等待派单的工单")
    dispatcher = signin("dispatcher")
    query = dispatcher.get("/query").get_data(as_text=True)
    assert 'value="closing-record">办结文书' in query and 'value="completion-notice">办结通知书' in query
    token = csrf(dispatcher, "/query")
    ids = [str(replied_case.id), str(answered.id), str(waiting.id)]
    plan = dispatcher.post("/print/batch", data={"csrf_token": token, "kind": "closing-record", "case_id": ids})
    page = plan.get_data(as_text=True)
    assert plan.status_code == 200 and plan.mimetype == "text/html"
    assert "办结文书" in page and waiting.case_no in page and "尚未办结" in page
    res = dispatcher.post("/print/batch", data={"csrf_token": token, "kind": "closing-record",
                                                "without_skipped": "1", "case_id": ids})
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    text = flat(res.data)
    assert "答复意见书" in text and "直接答复告知书" in text and waiting.case_no not in text
    assert printed_events(replied_case.id) == [{"kind": "closing-record", "title": "答复意见书"}]
    assert printed_events(answered.id) == [{"kind": "closing-record", "title": "直接答复告知书"}]
    plan = dispatcher.post("/print/batch", data={"csrf_token": token, "kind": "completion-notice",
                                                 "case_id": [str(replied_case.id)]})
    page = plan.get_data(as_text=True)
    assert plan.status_code == 409 and "未作自然办结" in page
