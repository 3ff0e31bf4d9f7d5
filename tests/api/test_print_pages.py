"""Printing from the case page, the REST API and the combined query (batch)."""
from __future__ import annotations

import subprocess

from sqlalchemy import func, select

from engine.db import db
from engine.models import CaseEvent
from tests.api.test_pages import csrf, page_client, signin  # noqa: F401  (fixture)
from tests.factories import open_case, to_handling


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def printed(case_id: int) -> int:
    return db.session.execute(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.action == "printed")).scalar()


def test_case_page_offers_the_documents_that_exist_and_prints_them(app, signin, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    dispatcher = signin("dispatcher")
    page = dispatcher.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "办理转送单" in page and "交办函" not in page        # transferred, not assigned
    res = dispatcher.get(f"/cases/{case.id}/documents/transfer-slip.pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf" and res.data.startswith(b"%PDF")
    assert case.case_no in text_of(res.data)
    assert printed(case.id) == 1
    assert dispatcher.get(f"/cases/{case.id}/documents/assignment-letter.pdf").status_code == 409
    assert dispatcher.get(f"/cases/{case.id}/documents/nonsense.pdf").status_code == 404
    assert signin("dh_hb_handler").get(f"/cases/{case.id}/documents/transfer-slip.pdf").status_code == 403


def test_rest_api_document(api, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    res = api("dispatcher").get(f"/api/v1/cases/{case.id}/documents/receipt.pdf")
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    assert case.query_code in text_of(res.data)
    assert api("dh_hb_handler").get(f"/api/v1/cases/{case.id}/documents/receipt.pdf").status_code == 403


def test_batch_print_from_the_combined_query(app, signin, actor, dept):
    first = to_handling(actor, dept, lead="xs_xs")
    second = to_handling(actor, dept, lead="dh_hb")
    dispatcher = signin("dispatcher")
    token = csrf(dispatcher, "/query")
    res = dispatcher.post("/print/batch", data={"csrf_token": token, "kind": "transfer-slip",
                                                "case_id": [str(first.id), str(second.id)]})
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    text = text_of(res.data)
    assert first.case_no in text and second.case_no in text
    assert printed(first.id) == 1 and printed(second.id) == 1
    assert dispatcher.post("/print/batch", data={"csrf_token": token, "kind": "transfer-slip"}).status_code == 422
    assert dispatcher.post("/print/batch", data={"kind": "transfer-slip", "case_id": [str(first.id)]}).status_code == 400


def test_batch_print_prints_what_it_can_and_lists_the_rest(app, signin, actor, dept):
    """One case not dispatched no longer fails the whole batch: the page says which and why."""
    dispatched = to_handling(actor, dept, lead="xs_xs")
    waiting = open_case(actor("agent"), title="等待派单的工单")
    dispatcher = signin("dispatcher")
    token = csrf(dispatcher, "/query")
    plan = dispatcher.post("/print/batch", data={"csrf_token": token, "kind": "transfer-slip",
                                                 "case_id": [str(dispatched.id), str(waiting.id), "999999"]})
    page = plan.get_data(as_text=True)
    assert plan.status_code == 200 and plan.mimetype == "text/html"
    assert "所选工单中有 1 件有此公文" in page and "未打印(2 件)" in page
    assert waiting.case_no in page and "尚未派单" in page and "不在您的权限范围内" in page
    assert printed(dispatched.id) == 0                          # nothing printed before the user says so
    res = dispatcher.post("/print/batch", data={"csrf_token": token, "kind": "transfer-slip", "without_skipped": "1",
                                                "case_id": [str(dispatched.id), str(waiting.id)]})
    assert res.status_code == 200 and res.data.startswith(b"%PDF")
    text = text_of(res.data)
    assert dispatched.case_no in text and waiting.case_no not in text
    assert (printed(dispatched.id), printed(waiting.id)) == (1, 0)


def test_a_batch_with_nothing_printable_says_so(app, signin, actor):
    waiting = open_case(actor("agent"))
    dispatcher = signin("dispatcher")
    res = dispatcher.post("/print/batch", data={"csrf_token": csrf(dispatcher, "/query"), "kind": "assignment-letter",
                                                "case_id": [str(waiting.id)]})
    page = res.get_data(as_text=True)
    assert res.status_code == 409 and "所选工单都没有此公文" in page and 'id="print-the-rest"' not in page


def test_a_batch_of_cases_outside_the_scope_is_refused_and_prints_nothing(app, signin, actor, dept):
    """A batch is no way around a case's scope: another department's case is not found (404)."""
    theirs = to_handling(actor, dept, lead="dh_hb")
    outsider = signin("xs_xs_handler")
    token = csrf(outsider, "/query")
    for extra in ({}, {"without_skipped": "1"}):
        res = outsider.post("/print/batch", data={"csrf_token": token, "kind": "transfer-slip",
                                                  "case_id": [str(theirs.id)], **extra})
        page = res.get_data(as_text=True)
        assert res.status_code == 404 and "不在您的权限范围内" in page and theirs.case_no not in page
    assert printed(theirs.id) == 0
