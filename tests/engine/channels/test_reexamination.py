"""The citizen's re-examination request: a new case of the `reexamination` process, linked to the
original, with its own limit, reviewed by the center, upheld or re-handled by a higher department."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases import actions, work_items
from engine.channels import reexamination
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed, WrongState
from engine.models import Case, CaseEvent, Deadline, ProcessVersion, Reexamination, WorkItem
from tests.factories import to_handling


def closed_case(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="explained", reply_text="已解释。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    db.session.refresh(case)
    assert case.status == "closed"
    return case


def open_items(case_id):
    return list(db.session.execute(select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.state == "open"))
                .scalars())


def test_the_request_opens_a_linked_case_of_the_reexamination_process_with_its_limit(actor, dept):
    original = closed_case(actor, dept)
    new = reexamination.request(case_id=original.id, reason="问题根本没有解决")
    process = db.session.get(ProcessVersion, new.process_version_id)
    assert process.process_id == "reexamination" and new.id != original.id
    assert new.stage == "reexam_review" and new.channel == "web" and new.phone == original.phone
    assert "问题根本没有解决" in new.content and original.case_no in new.content
    link = db.session.execute(select(Reexamination)).scalar_one()
    assert (link.case_id, link.reexam_case_id, link.reason) == (original.id, new.id, "问题根本没有解决")
    limit = db.session.execute(select(Deadline).where(Deadline.case_id == new.id)).scalar_one()
    assert (limit.stage, limit.working_days, limit.state) == ("reexamination", 30, "open")
    assert new.due_at == limit.due_at and new.handle_due_at == limit.due_at and limit.due_at > new.created_at
    [item] = open_items(new.id)
    assert (item.form_key, item.role, item.department_id, item.due_at) == ("reexam_review", "supervisor", None,
                                                                           limit.due_at)
    on_original = db.session.execute(select(CaseEvent.data).where(
        CaseEvent.case_id == original.id, CaseEvent.action == "reexamination_requested")).scalar_one()
    assert on_original["case_no"] == new.case_no
    inbox = work_items.list_items(actor=actor("supervisor"), scope_name="mine")
    assert [row[0].case_id for row in inbox.items] == [new.id]


def test_upheld_by_the_center_review_the_reply_reaches_the_citizen(actor, dept):
    original = closed_case(actor, dept)
    new = reexamination.request(case_id=original.id, reason="不满意")
    [item] = open_items(new.id)
    with pytest.raises(PermissionDenied):
        work_items.complete(item_id=item.id, actor=actor("dispatcher"), data={})
    done = work_items.complete(item_id=item.id, actor=actor("supervisor"), data={
        "decision": "uphold", "opinion": "原处理意见正确", "reply_text": "经复核，维持原处理意见。"})
    assert done.status == "closed" and done.outcome == "upheld" and done.due_at is None
    limit = db.session.execute(select(Deadline).where(Deadline.case_id == new.id)).scalar_one()
    assert limit.state == "met"
    progress = reexamination.progress_of(original.id, lambda no: no)
    assert progress.closed and progress.reply == "经复核，维持原处理意见。"


def test_redispatched_to_a_higher_department_it_is_re_handled_and_replied(actor, dept):
    original = closed_case(actor, dept)
    new = reexamination.request(case_id=original.id, reason="不满意")
    [review] = open_items(new.id)
    with pytest.raises(ValidationFailed) as refused:
        work_items.complete(item_id=review.id, actor=actor("supervisor"), data={
            "decision": "redispatch", "opinion": "交区里重办"})
    assert "department_id" in refused.value.errors
    work_items.complete(item_id=review.id, actor=actor("supervisor"), data={
        "decision": "redispatch", "opinion": "交区里重办", "department_id": dept("xs")})
    [handle] = open_items(new.id)
    assert (handle.form_key, handle.role, handle.department_id) == ("reexam_handle", "handler", dept("xs"))
    assert db.session.get(Case, new.id).lead_department_id == dept("xs")
    done = work_items.complete(item_id=handle.id, actor=actor("xs_handler"), data={
        "result": "resolved", "reply_text": "区里已重新处理完毕。"})
    assert done.outcome == "rehandled"
    assert reexamination.progress_of(original.id, str).reply == "区里已重新处理完毕。"


def test_the_reason_is_required(actor, dept):
    original = closed_case(actor, dept)
    with pytest.raises(ValidationFailed) as refused:
        reexamination.request(case_id=original.id, reason="   ")
    assert list(refused.value.errors) == ["reason"]
    assert db.session.execute(select(Reexamination)).first() is None


def test_once_per_case(actor, dept):
    original = closed_case(actor, dept)
    reexamination.request(case_id=original.id, reason="不满意")
    with pytest.raises(WrongState) as twice:
        reexamination.request(case_id=original.id, reason="还是不满意")
    assert twice.value.code == "reexamination_asked"
    assert db.session.execute(select(Reexamination.id)).scalars().all().__len__() == 1


def test_only_within_the_window_after_closing(actor, dept):
    original = closed_case(actor, dept)
    original.closed_at -= timedelta(days=31)
    db.session.commit()
    with pytest.raises(WrongState) as late:
        reexamination.request(case_id=original.id, reason="不满意")
    assert late.value.code == "reexamination_late"
    original.closed_at += timedelta(days=2)       # 29 days ago: still in time
    db.session.commit()
    assert reexamination.request(case_id=original.id, reason="不满意").stage == "reexam_review"


def test_not_while_the_case_is_open(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    with pytest.raises(WrongState) as refused:
        reexamination.request(case_id=case.id, reason="不满意")
    assert refused.value.code == "reexamination_not_closed"


def test_a_dissatisfied_visit_awaiting_its_closing_may_ask(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="explained", reply_text="已解释。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="dissatisfied", resolved=False,
                  note="不认可", decision="close", close_reason="诉求无法满足")
    assert reexamination.request(case_id=case.id, reason="不认可答复").stage == "reexam_review"


def test_a_failed_registration_gives_the_place_back(actor, dept, monkeypatch):
    original = closed_case(actor, dept)

    def broken(**_kw):
        raise ValidationFailed({"title": ["x"]})
    monkeypatch.setattr(reexamination.cases, "open_case", broken)
    with pytest.raises(ValidationFailed):
        reexamination.request(case_id=original.id, reason="不满意")
    assert db.session.execute(select(Reexamination)).first() is None


def test_the_reexamination_opinion_is_printed(actor, dept):
    import subprocess

    from engine.documents import service as documents

    original = closed_case(actor, dept)
    new = reexamination.request(case_id=original.id, reason="路灯仍未修好")
    assert "reexamination-opinion" not in documents.available(new)           # not reviewed yet
    [item] = open_items(new.id)
    done = work_items.complete(item_id=item.id, actor=actor("supervisor"), data={
        "decision": "uphold", "opinion": "原处理意见正确", "reply_text": "经复核，维持原处理意见。"})
    assert "reexamination-opinion" in documents.available(done)
    pdf = documents.render(kind="reexamination-opinion", case_id=new.id, actor=actor("supervisor"))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    compact = "".join(text.split())
    for expected in ("复核意见书", original.case_no, "路灯仍未修好", "维持原处理意见", "经复核，维持原处理意见。"):
        assert expected in compact
    assert "reexamination-opinion" not in documents.available(original)
