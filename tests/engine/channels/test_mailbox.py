"""The mailbox store: each mail kept and opened once as a case in triage; failures kept and reported."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.channels import mailbox
from engine.db import db
from engine.errors import PermissionDenied, WrongState
from engine.models import Attachment, Case, CaseEvent, InboundMail, Notification
from engine.storage import store
from tests.engine.channels.test_mailbox_parse import html_mail_with_photo, malformed_mail, plain_mail, tiny_png


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_a_plain_mail_becomes_a_case_in_triage_with_its_receipt(app):
    done = mailbox.receive(plain_mail(), source="upload")
    assert done.new and done.mail.state == "parsed"
    case = db.session.get(Case, done.mail.case_id)
    assert (case.channel, case.stage, case.title, case.phone) == ("mailbox", "triage", "小区夜间施工噪音扰民", "13800138000")
    assert case.created_by_id is None and case.first_contact_id is None      # registered by the channel
    assert done.mail.sender == "wxm@citizen.example" and done.mail.attempts == 1
    assert store().path(done.mail.raw_sha256).read_bytes() == plain_mail()    # the mail is kept as received
    assert count(Notification, Notification.case_id == case.id, Notification.kind == "receipt") == 1


def test_an_html_mail_without_phone_opens_a_case_with_its_photo_and_no_sms(app):
    done = mailbox.receive(html_mail_with_photo(), source="upload")
    case = db.session.get(Case, done.mail.case_id)
    assert case.phone == "" and case.citizen_name == "李四"
    [photo] = db.session.execute(select(Attachment).where(Attachment.case_id == case.id)).scalars().all()
    assert (photo.filename, photo.content_type, photo.size) == ("现场照片.png", "image/png", len(tiny_png()))
    assert count(Notification, Notification.case_id == case.id) == 0       # nobody to text


def test_refused_attachments_are_left_off_and_noted(app):
    raw = html_mail_with_photo(message_id="<exe@x>", extra_files=[("工具.exe", b"MZ\x90\x00", ("application", "octet-stream"))])
    row = mailbox.receive(raw, source="upload").mail
    assert row.state == "parsed"
    assert count(Attachment, Attachment.case_id == row.case_id) == 1
    [refused] = [n for n in row.notes if n["kind"] == "attachment_refused"]
    assert refused["file"] == "工具.exe" and refused["message"]["code"] == "file_type"


def test_the_same_mail_twice_is_one_case(app):
    first = mailbox.receive(plain_mail(), source="upload")
    again = mailbox.receive(plain_mail(), source="upload")
    # re-sent by a server (other Received lines), same Message-ID: still the same mail
    resent = mailbox.receive(b"Received: from relay.example\r\n" + plain_mail(), source="imap", imap=("box", 1, 7))
    assert not again.new and not resent.new and again.mail.id == first.mail.id == resent.mail.id
    without_id = plain_mail(message_id=None)
    assert mailbox.receive(without_id, source="upload").new
    assert not mailbox.receive(without_id, source="upload").new           # by the bytes' SHA-256
    assert count(Case) == 2 and count(InboundMail) == 2


def test_a_malformed_mail_is_kept_and_reported_then_retry_still_fails(app, actor):
    row = mailbox.receive(malformed_mail(), source="upload").mail
    assert row.state == "failed" and row.failure_code == "mail_malformed" and row.case_id is None
    assert "StartBoundaryNotFoundDefect" in row.failure_detail
    assert store().path(row.raw_sha256).read_bytes() == malformed_mail()
    assert count(Case) == 0
    again = mailbox.retry(mail_id=row.id, actor=actor("dispatcher"))
    assert again.state == "failed" and again.attempts == 2
    assert not mailbox.receive(malformed_mail(), source="upload").new       # re-upload: the same failed row


def test_an_intake_refusal_is_reported_by_field_and_retry_opens_it_after_the_fix(app, actor, monkeypatch):
    monkeypatch.setattr(mailbox, "open_from_channel", _refuse_title)
    row = mailbox.receive(plain_mail(), source="upload").mail
    assert row.state == "failed" and row.failure_code == "mail_intake_refused"
    assert row.notes[0]["field"] == "title" and row.notes[0]["message"]["code"] == "max_length"
    monkeypatch.undo()
    fixed = mailbox.retry(mail_id=row.id, actor=actor("shift_lead"))
    assert fixed.state == "parsed" and fixed.case_id and fixed.failure_code is None
    with pytest.raises(WrongState):
        mailbox.retry(mail_id=row.id, actor=actor("shift_lead"))
    assert count(Case) == 1


def _refuse_title(channel, data, files=()):
    from engine.errors import ValidationFailed
    from forms.messages import msg
    raise ValidationFailed({"title": [msg("max_length", "at most %(max)s characters", max=200)]})


def test_a_failure_after_the_case_committed_does_not_fail_the_mail(app, monkeypatch):
    """The duplicate check runs after the intake's commit: if it breaks, the mail is still parsed
    with its case (marked in the case's own transaction), so a retry can never open a second."""
    from engine.channels import intake

    def broken(case, actor):
        raise RuntimeError("duplicate check down")
    monkeypatch.setattr(intake, "mark_duplicates", broken)
    row = mailbox.receive(plain_mail(), source="upload").mail
    assert row.state == "parsed" and row.case_id and count(Case) == 1


def test_the_mailbox_is_for_its_roles_and_the_raw_mail_for_personal_data_roles(app, actor):
    row = mailbox.receive(malformed_mail(), source="upload").mail
    assert mailbox.recent(actor=actor("admin"))[0][0].id == row.id
    with pytest.raises(PermissionDenied):
        mailbox.recent(actor=actor("agent"))
    with pytest.raises(PermissionDenied):
        mailbox.raw_of(mail_id=row.id, actor=actor("admin"))
    _row, path = mailbox.raw_of(mail_id=row.id, actor=actor("dispatcher"))
    assert open(path, "rb").read() == malformed_mail()


def test_intake_audit_names_the_channel(app):
    row = mailbox.receive(plain_mail(), source="upload").mail
    intake = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == row.case_id,
                                                        CaseEvent.action == "intake")).scalar_one()
    assert intake.data["channel"] == "mailbox" and intake.actor_id is None
