"""Turn rows into response dicts, masking personal data the viewer may not see."""
from __future__ import annotations

from sqlalchemy import select

from engine.cases import service as case_service
from engine.db import db
from engine.deadlines.colours import colour_of
from engine.models import Case, WorkItem
from engine.organisation import scope
from engine.organisation.actor import Actor
from engine.ports import mask_phone, now as clock_now

SUMMARY_FIELDS = ("id", "case_no", "version", "status", "stage", "outcome", "category", "channel", "title",
                  "citizen_name", "citizen_gender", "phone", "address", "confidential", "matter_id", "area_id", "urgency",
                  "wants_callback", "wants_sms_reply", "dispatch_mode", "handling_kind", "lead_department_id",
                  "sign_due_at", "handle_due_at", "due_at", "warn_at", "colour", "due_provisional", "suspended",
                  "urge_count", "reopen_count", "return_count",
                  "extension_count", "created_at", "updated_at", "closed_at")


def mask_name(name: str) -> str:
    return (name[:1] + "*" * (len(name) - 1)) if name else name


def may_see_personal_data(actor: Actor, case: Case) -> bool:
    """Center roles that call citizens see everything; departments lose it on confidential cases."""
    return scope.may_see_personal_data(actor, case)


def case_summary(case: Case, actor: Actor) -> dict:
    out = {name: getattr(case, name) for name in SUMMARY_FIELDS if name != "colour"}
    # A suspended case's clock stands still: it shows no colour until it resumes.
    out["colour"] = None if case.suspended else colour_of(clock_now(), case.due_at, case.warn_at)
    if not may_see_personal_data(actor, case):
        out["phone"] = mask_phone(case.phone)
        out["citizen_name"] = mask_name(case.citizen_name)
        if case.confidential:
            out["address"] = ""
    return out


def case_created(case: Case, open_items: list[WorkItem]) -> dict:
    """Intake's answer: the case's number and query code (the caller opened it) and its open items."""
    return {"id": case.id, "case_no": case.case_no, "query_code": case.query_code, "status": case.status,
            "stage": case.stage, "version": case.version,
            "open_work_items": [work_item(i, case.case_no, case.title, case.category, case.version)
                                for i in open_items]}


def case_step(case: Case, actor: Actor, open_items: list[WorkItem]) -> dict:
    """The case after an action, with the items open on it now (the client's next step)."""
    out = case_summary(case, actor)
    out["open_work_items"] = [work_item(i, case.case_no, case.title, case.category, case.version) for i in open_items]
    return out


def case_detail(case: Case, actor: Actor, open_items: list[WorkItem]) -> dict:
    out = case_step(case, actor, open_items)
    out["content"] = case.content
    out["process_version_id"] = case.process_version_id
    out["query_code"] = case.query_code if actor.is_center else None
    out["departments"] = [{
        "department_id": d.department_id, "department_name": d.department.name, "role": d.role,
        "active": d.active, "dispatch_round": d.dispatch_round, "signed_at": d.signed_at,
        "opinion": d.opinion, "opinion_at": d.opinion_at} for d in case_service.departments_of(case.id)]
    out["urges"] = case_service.urges_of(case.id)
    return out


def work_item(item: WorkItem, case_no: str | None = None, title: str | None = None,
              category: str | None = None, version: int | None = None) -> dict:
    """A work item with the few case fields an inbox shows (read here when the caller has none)."""
    if case_no is None:
        case_no, title, category, version = db.session.execute(
            select(Case.case_no, Case.title, Case.category, Case.version).where(Case.id == item.case_id)).one()
    return {"id": item.id, "case_id": item.case_id, "case_no": case_no, "case_title": title,
            "category": category, "case_version": version, "kind": item.kind, "task_name": item.task_name,
            "title": item.title, "form_key": item.form_key, "stage": item.stage, "role": item.role,
            "department_id": item.department_id, "state": item.state, "claimed_by_id": item.claimed_by_id,
            "created_at": item.created_at, "due_at": item.due_at, "warn_at": item.warn_at,
            "colour": colour_of(clock_now(), item.due_at, item.warn_at),
            "due_provisional": item.due_provisional}
