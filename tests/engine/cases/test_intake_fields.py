"""What a 12345 intake form records beyond the text: the matter (事项分类), where it is, urgency,
the citizen's gender, whether they want a call back and the reply by SMS, and the files they
sent; each checked, stored and carried on to dispatch and closing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions, intake_edit
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Attachment, Case, CaseEvent, Matter, Notification
from engine.organisation import matters
from tests.factories import INTAKE, open_case, to_handling

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def matter(code: str) -> int:
    return db.session.execute(select(Matter.id).where(Matter.code == code)).scalar_one()


def test_intake_records_matter_place_urgency_and_wishes(actor, dept):
    case = open_case(actor("agent"), matter_id=matter("ldzm"), area_id=dept("xs_qs"), urgency="urgent",
                     citizen_gender="female", wants_callback=False, wants_sms_reply=True)
    stored = db.session.get(Case, case.id, populate_existing=True)
    assert (stored.matter_id, stored.area_id, stored.urgency, stored.citizen_gender) == (
        matter("ldzm"), dept("xs_qs"), "urgent", "female")
    assert (stored.wants_callback, stored.wants_sms_reply) == (False, True)
    plain = open_case(actor("agent"))                                    # the defaults
    assert (plain.matter_id, plain.area_id, plain.urgency, plain.citizen_gender, plain.wants_callback,
            plain.wants_sms_reply) == (None, None, "normal", "", True, False)
    assert matters.labels({matter("ldzm")}) == {matter("ldzm"): "市政管理 › 路灯照明"}


@pytest.mark.parametrize("field, value, code", [
    ("matter_id", 999_999, "matter_not_found"), ("area_id", 999_999, "area_not_found"),
    ("urgency", "asap", "not_an_option"), ("citizen_gender", "x", "not_an_option"),
])
def test_bad_references_and_choices_are_named(actor, dept, field, value, code):
    with pytest.raises(ValidationFailed) as refused:
        open_case(actor("agent"), **{field: value})
    assert [m.code for m in refused.value.errors[field]] == [code]


def test_a_bureau_is_not_a_place_and_a_closed_matter_is_not_offered(actor, dept):
    with pytest.raises(ValidationFailed) as refused:
        open_case(actor("agent"), area_id=dept("cgj"))
    assert "area_id" in refused.value.errors
    leaf = matters.save(actor=actor("admin"), data={"code": "t_closed", "name": "试用事项", "parent_id": matter("szgl")})
    matters.set_active(actor=actor("admin"), matter_id=leaf.id, active=False, reason="停用")
    with pytest.raises(ValidationFailed):
        open_case(actor("agent"), matter_id=leaf.id)
    assert leaf.id not in {n.id for n in matters.tree()}


def test_files_sent_with_the_request_are_attached_in_the_intake(actor):
    case = open_case_with_files(actor, [("现场照片.png", PNG), ("C:\\材料\\说明.pdf", PDF)])
    rows = db.session.execute(select(Attachment.filename, Attachment.content_type).where(
        Attachment.case_id == case.id).order_by(Attachment.id)).all()
    assert rows == [("现场照片.png", "image/png"), ("说明.pdf", "application/pdf")]
    events = db.session.execute(select(CaseEvent.action).where(CaseEvent.case_id == case.id)
                                .order_by(CaseEvent.id)).scalars().all()
    assert events == ["intake", "attachment_added", "attachment_added"]


def test_one_refused_file_refuses_the_intake_and_names_it(actor):
    before = db.session.execute(select(Case.id)).scalars().all()
    with pytest.raises(ValidationFailed) as refused:
        open_case_with_files(actor, [("现场照片.png", PNG), ("病毒.exe", b"MZ\x90"), ("空.pdf", b"")])
    said = [str(m) for m in refused.value.errors["attachments"]]
    assert len(said) == 2 and said[0].startswith("病毒.exe: type not allowed") and said[1] == "空.pdf: the file is empty"
    assert db.session.execute(select(Case.id)).scalars().all() == before          # nothing registered
    with pytest.raises(ValidationFailed) as refused:
        open_case_with_files(actor, [(f"{i}.png", PNG) for i in range(6)])
    assert [m.code for m in refused.value.errors["attachments"]] == ["too_many_files"]


def open_case_with_files(actor, files):
    from engine.cases import service
    return service.open_case(actor=actor("agent"), data=dict(INTAKE), files=files)


def test_the_reply_text_goes_by_sms_only_when_asked(actor, dept):
    """Every citizen is told of the reply (送达); its text is in the SMS only when asked for."""
    asked = to_handling(actor, dept, lead="xs_xs", wants_sms_reply=True)
    silent = to_handling(actor, dept, lead="xs_xs")
    for case in (asked, silent):
        actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="路灯已修复。")
        actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
        actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    sent = dict(db.session.execute(select(Notification.case_id, Notification.body).where(
        Notification.kind == "reply")).all())
    assert set(sent) == {asked.id, silent.id}
    assert "路灯已修复。" in sent[asked.id] and asked.query_code in sent[asked.id]
    assert "路灯已修复" not in sent[silent.id] and "可凭查询码查询" in sent[silent.id]
    closed = db.session.execute(select(Notification.case_id).where(Notification.kind == "closing")).scalars().all()
    assert sorted(closed) == sorted([asked.id, silent.id])


def test_a_direct_answer_is_sent_and_a_merged_request_is_not(actor):
    answered = open_case(actor("agent"), wants_sms_reply=True)
    actions.triage(case_id=answered.id, actor=actor("agent"), decision="direct_answer", answer="办理时间为工作日。")
    target = open_case(actor("agent"), title="同一电梯故障")
    merged = open_case(actor("agent"), wants_sms_reply=True)
    actions.triage(case_id=merged.id, actor=actor("agent"), decision="merge", merge_into_case_no=target.case_no)
    bodies = dict(db.session.execute(select(Notification.case_id, Notification.body).where(
        Notification.kind.in_(("closing", "direct_answer")))).all())
    assert set(bodies) == {answered.id} and "已答复：办理时间为工作日。" in bodies[answered.id]


def test_intake_edit_changes_the_new_fields_with_the_same_checks(actor, dept):
    case = open_case(actor("agent"))
    edited = intake_edit.edit_intake(case_id=case.id, actor=actor("agent"), reason="补充事项和区域",
                                     data={"matter_id": matter("zdjy"), "area_id": dept("dh_hb"), "urgency": "urgent"},
                                     expected_version=case.version)
    assert (edited.matter_id, edited.area_id, edited.urgency) == (matter("zdjy"), dept("dh_hb"), "urgent")
    with pytest.raises(ValidationFailed) as refused:
        intake_edit.edit_intake(case_id=case.id, actor=actor("agent"), reason="改错了",
                                data={"area_id": dept("zjj")}, expected_version=None)
    assert "area_id" in refused.value.errors
