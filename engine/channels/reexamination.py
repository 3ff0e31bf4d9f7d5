"""The citizen's re-examination request (复核申请) from the public case page.

A citizen dissatisfied with the result of a closed case (or whose dissatisfied visit waits for its
closing to be confirmed) may ask, once, within `reexamination.request_days` calendar days of the
closing, giving a reason. The request becomes a new case of the `reexamination` process
(workflows/reexamination.bpmn), registered by the web channel and linked to the original
(`reexamination` row): the center's supervisors review it (复核审查) and uphold the original
handling with a reply, or re-dispatch it to a higher-level department that re-handles it and
replies. It runs on its own limit (`reexamination.handling_days` working days, deadline stage
`reexamination`); its hooks are in `reexamination_hooks`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import delete, select

from engine import cases, deadlines, processes
from engine.channels import reexamination_hooks  # noqa: F401  (registers the forms' task hooks)
from engine.channels.intake import channel_actor
from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import Case, CaseEvent, Department, ProcessVersion, Reexamination
from engine.organisation import settings
from forms.messages import msg

PROCESS_ID = "reexamination"
CHANNEL = "web"
REASON_MAX = 4000
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
BPMN_FILE, FORMS_FILE = WORKFLOWS / "reexamination.bpmn", WORKFLOWS / "reexamination.forms.yaml"
REQUESTABLE_STAGES = ("close_review",)       # a dissatisfied visit waiting for its closing
NOT_REQUESTABLE = ("merged", "not_accepted")


def load_bundled() -> ProcessVersion:
    """Load and publish the bundled process with its forms (the demo seed; the first request)."""
    forms = yaml.safe_load(FORMS_FILE.read_bytes())
    return processes.load_version(xml=BPMN_FILE.read_bytes(), forms=forms, publish=True)


def ensure_process() -> int:
    """The published version new re-examinations start on; the bundled file is loaded when the
    process was never loaded. One a designer retired stays retired (409 until one is published)."""
    try:
        return processes.current_version_id(PROCESS_ID)
    except NotFound:
        if db.session.execute(select(ProcessVersion.id).where(ProcessVersion.process_id == PROCESS_ID)).first():
            raise WrongState(msg("reexamination_closed", "re-examination requests are not taken at the moment; "
                                                         "call 12345")) from None
    load_bundled()
    return processes.current_version_id(PROCESS_ID)


def request_until(case: Case) -> datetime | None:
    """The end of the request window: `reexamination.request_days` after the closing (None while
    the case is open: a dissatisfied visit awaiting its closing may ask at any time)."""
    if case.closed_at is None:
        return None
    return case.closed_at + timedelta(days=int(settings.snapshot()["reexamination.request_days"]))


def requestable(case: Case, now: datetime) -> bool:
    """Whether the citizen may ask for a re-examination of this case now (not counting "once")."""
    if case.merged_into_id is not None or _is_reexamination(case):
        return False
    if case.stage in REQUESTABLE_STAGES:
        return True
    if case.status != "closed" or case.outcome in NOT_REQUESTABLE:
        return False
    return now <= request_until(case)


def _is_reexamination(case: Case) -> bool:
    return db.session.execute(select(Reexamination.id).where(Reexamination.reexam_case_id == case.id)).first() \
        is not None


def link_of(case_id: int) -> Reexamination | None:
    return db.session.execute(select(Reexamination).where(Reexamination.case_id == case_id)).scalar()


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [msg("reason_required", "give the reason you are dissatisfied")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": [msg("max_length", "at most %(max)s characters", max=REASON_MAX)]})
    return reason


def request(*, case_id: int, reason: str) -> Case:
    """Register the re-examination of `case_id` (422 without a reason; 409 when the case is not
    closed, the window has passed or it was asked already); returns the new case."""
    reason = check_reason(reason)
    _claim(case_id, reason)
    original = db.session.get(Case, case_id, populate_existing=True)
    try:
        ensure_process()
        new = cases.open_case(actor=channel_actor(CHANNEL), data=_intake(original, reason), process_id=PROCESS_ID)
    except BaseException:
        db.session.rollback()       # the request was not registered: the citizen may ask again
        db.session.execute(delete(Reexamination).where(Reexamination.case_id == case_id,
                                                       Reexamination.reexam_case_id.is_(None)))
        db.session.commit()
        raise
    _start(new.id, original)
    return db.session.get(Case, new.id, populate_existing=True)


def _claim(case_id: int, reason: str) -> None:
    """Under the original's row lock: check the request and hold its once-only place."""
    with cases.locked_case_action(case_id, touch=False) as action:
        if link_of(case_id) is not None:
            raise WrongState(msg("reexamination_asked", "a re-examination of this case was asked already"))
        if not requestable(action.case, action.now):
            raise WrongState(_why_not(action.case))
        db.session.add(Reexamination(case_id=case_id, reason=reason, requested_at=action.now))


def _why_not(case: Case):
    if case.status == "closed" and case.outcome not in NOT_REQUESTABLE and not _is_reexamination(case):
        days = int(settings.snapshot()["reexamination.request_days"])
        return msg("reexamination_late", "a re-examination may be asked within %(days)s days of the closing", days=days)
    return msg("reexamination_not_closed", "a re-examination may be asked once the case is closed")


def _intake(original: Case, reason: str) -> dict:
    return {"category": original.category, "channel": CHANNEL, "citizen_name": original.citizen_name,
            "citizen_gender": original.citizen_gender or "", "phone": original.phone,
            "title": f"复核申请：{original.title}"[:200],
            "content": f"市民对工单{original.case_no}的办理结果不满意，申请复核。\n理由：{reason}",
            "matter_id": original.matter_id, "area_id": original.area_id, "address": original.address or "",
            "urgency": "normal", "wants_callback": True, "wants_sms_reply": original.wants_sms_reply,
            "confidential": original.confidential}


def _start(new_id: int, original: Case) -> None:
    """Link both cases and start the re-examination's limit, in the new case's transaction."""
    with cases.locked_case_action(new_id) as action:
        link = link_of(original.id)
        link.reexam_case_id = new_id
        deadlines.open_for(action, stage="reexamination", departments=[(_center_id(), "lead")], actor_id=None)
        case = action.case
        for item in action.open_items:      # the center's review is due by the re-examination's limit
            if item.kind == "task":
                item.due_at, item.warn_at, item.due_provisional = case.due_at, case.warn_at, case.due_provisional
        action.event("reexamination_opened", actor_id=None, data={"case_no": original.case_no,
                                                                  "reason": link.reason})
        cases.record_events([dict(case_id=original.id, actor_id=None, action="reexamination_requested",
                                  from_stage=original.stage, to_stage=original.stage, created_at=action.now,
                                  data={"case_no": case.case_no, "reason": link.reason})])


def _center_id() -> int:
    """The 12345 center's department: the re-examination's limit is the center's."""
    center = db.session.execute(select(Department.id).where(Department.kind == "center")
                                .order_by(Department.id).limit(1)).scalar()
    if center is None:
        center = db.session.execute(select(Department.id).where(Department.parent_id.is_(None))
                                    .order_by(Department.id).limit(1)).scalar()
    return center


@dataclass(frozen=True)
class Progress:
    """What the citizen sees of their re-examination on the original case's page."""

    masked_case_no: str
    closed: bool
    due_at: datetime | None
    reply: str | None


def progress_of(case_id: int, mask) -> Progress | None:
    """The re-examination asked for `case_id`, if any (`mask` masks its case number)."""
    link = link_of(case_id)
    if link is None or link.reexam_case_id is None:
        return None
    case = db.session.get(Case, link.reexam_case_id)
    return Progress(masked_case_no=mask(case.case_no), closed=case.status == "closed",
                    due_at=case.handle_due_at, reply=reply_of(case.id) if case.status == "closed" else None)


def reply_of(reexam_case_id: int) -> str | None:
    """The re-examination's reply: the review's when upheld, else the re-handling department's."""
    rows = db.session.execute(select(CaseEvent.action, CaseEvent.data).where(
        CaseEvent.case_id == reexam_case_id, CaseEvent.action.in_(("reexam_review", "reexam_handle")))
        .order_by(CaseEvent.id)).all()
    reply = None
    for _action, data in rows:
        reply = (data or {}).get("reply_text") or reply
    return reply
