"""The objects of department A (湖滨街道, dh_hb) the access sweep aims at: one of each kind a route
names by id, made through the use cases where that is short, else as the rows the use cases write.

`build(actor, dept, recordings)` returns the URL values (`case_id`, `item_id`, …) of every object;
`remove()` deletes what the root conftest's cleaning does not know.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from engine.cases import attachments, urges
from engine.db import db
from engine.models import (
    AccountabilityRecord,
    CallRecord,
    Campaign,
    CampaignAgent,
    CampaignTarget,
    ChannelClient,
    Deadline,
    DispatchRule,
    DisputeRecord,
    ImportJob,
    InboundMail,
    KbArticle,
    KbArticleEvent,
    KbArticleVersion,
    KbCategory,
    KbRecording,
    Matter,
    NaturalCompletion,
    Notification,
    Open311Request,
    ProcessVersion,
    RiskType,
    SavedReport,
    TelephonyCommand,
    User,
    WorkItem,
)
from engine.organisation import directory as org
from tests.factories import to_handling

A = "dh_hb"                 # department A: the objects' owner
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(28)
NOW = datetime(2026, 11, 2, 2, 0, 0)


def _add(row):
    db.session.add(row)
    db.session.flush()
    return row


def _uid(login: str) -> int:
    return org.get_user(login).id


def _case_objects(actor, dept, recordings, *, confidential: bool) -> dict:
    """A case of department A in handling, its work item, attachment, call with a recording, urge."""
    case = to_handling(actor, dept, lead=A, confidential=confidential)
    item = db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case.id, WorkItem.state == "open")
                              .order_by(WorkItem.id)).scalars().first()
    attachment = attachments.add(case_id=case.id, actor=actor(f"{A}_handler"), filename="photo.txt",
                                 data=b"a photo of the citizen's door")
    citizens = attachments.add(case_id=case.id, actor=actor("agent"), filename="id-card.txt",
                               data=b"the citizen's photo of their identity card")
    call = _add(CallRecord(call_id=str(uuid.uuid4()), caller="13800138000", outcome="answered", case_id=case.id,
                           arrived_at=NOW, answered_at=NOW + timedelta(seconds=5), ended_at=NOW + timedelta(seconds=65),
                           agent="1001@default", recording_path=recordings(f"r/{case.id}.wav", WAV),
                           voicemail_path=recordings(f"v/{case.id}.wav", WAV)))
    db.session.commit()
    return {"case_id": case.id, "item_id": item, "attachment_id": attachment.id,
            "citizen_attachment_id": citizens.id, "call_record_id": call.id,
            "call_id": call.call_id}


def _knowledge(actor, call_record_id: int) -> dict:
    """A draft article of department A, and a call's recording shared on a published one."""
    from engine.knowledge import articles, categories
    category = categories.add(name="访问检查")
    writer = actor(f"{A}_handler")
    data = {"body": "<p>x</p>", "category_id": category.id, "department_id": _dept_id(A)}
    draft = articles.create(actor=writer, data={**data, "title": "湖滨街道草稿"})
    shared = articles.create(actor=writer, data={**data, "title": "已发布"})
    articles.transition(actor=writer, article_id=shared.id, action="submit")
    articles.transition(actor=actor("shift_lead"), article_id=shared.id, action="approve")
    recording = _add(KbRecording(article_id=shared.id, call_record_id=call_record_id, shared_by_id=_uid("agent")))
    return {"article_id": draft.id, "category_id": category.id, "recording_id": recording.id}


def _dept_id(code: str) -> int:
    from engine.models import Department
    return db.session.execute(select(Department.id).where(Department.code == code)).scalar_one()


def _telephony_and_desk(case_id: int) -> dict:
    command = _add(TelephonyCommand(kind="dial", command="originate x", requested_by_id=_uid("agent"), case_id=case_id))
    campaign = _add(Campaign(name="访问检查", owner_id=_uid("shift_lead"), state="running"))
    db.session.add(CampaignAgent(campaign_id=campaign.id, user_id=_uid("agent")))
    target = _add(CampaignTarget(campaign_id=campaign.id, key="k1", phone="13800138001", agent_id=_uid("agent")))
    job = _add(ImportJob(target="contacts", filename="a.xlsx", file_sha256="0" * 64, created_by_id=_uid("shift_lead")))
    report = _add(SavedReport(name="访问检查", role="center_leader", spec={}, created_by_id=_uid("leader")))
    return {"command_id": command.id, "campaign_id": campaign.id, "target_id": target.id, "job_id": job.id,
            "report_id": report.id, "contact_id": _contact()}


def _contact() -> int:
    from engine.models import Contact, ContactPhone
    row = _add(Contact(name="李四", source="manual"))
    db.session.add(ContactPhone(contact_id=row.id, phone="13800138002"))
    return row.id


def _registers(case_id: int) -> dict:
    deadline = db.session.execute(select(Deadline).where(Deadline.case_id == case_id)).scalars().first()
    record = _add(AccountabilityRecord(rule="overdue", case_id=case_id, subject="department", deadline_id=deadline.id,
                                       department_id=_dept_id(A), evidence=[]))
    natural = _add(NaturalCompletion(case_id=case_id, deadline_id=deadline.id, department_id=_dept_id(A),
                                     reason="no_fees", notice="x", due_at=NOW, declared_by_id=_uid(f"{A}_handler"),
                                     declared_at=NOW))
    dispute = _add(DisputeRecord(found_on=date(2026, 11, 1), place="湖滨路", parties="甲、乙", risk_type_code="mass_incident",
                                 description="x", people_count=3, risk_level="general", department_id=_dept_id(A),
                                 reporter="湖滨", created_by_id=_uid(f"{A}_handler")))
    return {"record_id": record.id, "natural_id": natural.id, "dispute_id": dispute.id}


def _admin_objects(case_id: int) -> dict:
    mail = _add(InboundMail(dedupe_key=uuid.uuid4().hex, source="upload", raw_sha256="0" * 64, size=1,
                            sender="citizen@example.com", state="failed"))
    client = _add(ChannelClient(name="访问检查", channel="app", key_hash=uuid.uuid4().hex))
    request = _add(Open311Request(token=uuid.uuid4().hex[:20], client_id=client.id, state="failed"))
    notification = _add(Notification(kind="reply", recipient="13800138000", case_id=case_id, body="x",
                                     dedupe_key=uuid.uuid4().hex, status="failed"))
    first = lambda model: db.session.execute(select(model.id).order_by(model.id)).scalars().first()  # noqa: E731
    return {"mail_id": mail.id, "client_id": client.id, "request_id": request.id, "notification_id": notification.id,
            "version_id": first(ProcessVersion), "rule_id": first(DispatchRule), "matter_id": first(Matter),
            "risk_type_id": first(RiskType), "user_id": _uid(f"{A}_handler"), "department_id": _dept_id(A)}


def _conference(case_id: int) -> dict:
    """A conference hosted by the agent on department A's case (issue 18's telephony, when present)."""
    try:
        from engine.models.conference import Conference
    except ImportError:
        return {"conference_id": 1, "member": 1, "queue_id": 1}
    row = _add(Conference(name=f"sweep-{uuid.uuid4().hex[:8]}", case_id=case_id, host_id=_uid("agent")))
    return {"conference_id": row.id, "member": 1, "queue_id": 1}


def build(actor, dept, recordings) -> dict:
    """URL values of every object of department A, plus `secret_*` for a confidential case's."""
    values = _case_objects(actor, dept, recordings, confidential=False)
    secret = _case_objects(actor, dept, recordings, confidential=True)
    values.update({f"secret_{k}": v for k, v in secret.items()})
    values["urge_id"] = urges.urge(case_id=values["case_id"], actor=actor("supervisor"), data={"opinion": "请加快"}).id
    values.update(_knowledge(actor, values["call_record_id"]))
    values.update(_telephony_and_desk(values["case_id"]))
    values.update(_registers(values["case_id"]))
    values.update(_admin_objects(values["case_id"]))
    values.update(_conference(values["case_id"]))
    db.session.commit()
    return values


def remove() -> None:
    """Rows of tables the root conftest's cleaning leaves alone (it runs after this)."""
    db.session.rollback()
    for model in (KbRecording, KbArticleEvent, KbArticleVersion, KbArticle, KbCategory, CampaignTarget, CampaignAgent,
                  Campaign, SavedReport, DisputeRecord):
        db.session.execute(delete(model))
    db.session.execute(delete(User).where(User.username.like("sweep_%")))
    db.session.commit()
