"""Cases: open one (intake), read one, list them, read the audit trail."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError

from engine import notifications, processes, screening
from engine.bpmn.runtime import CaseWorkflow
from engine.cases import attachments, audit, first_contact, numbering, projections, search
from engine.cases.numbering import normalize_phone
from engine.cases.visible import get_case  # noqa: F401  (part of this module's API)
from engine.db import RawJson, db, naive_utc
from engine.deadlines import colour_condition
from engine.errors import NotFound, ValidationFailed, WrongState, check_form
from engine.models import CallRecord, Case, CaseDepartment, CaseEvent, Urge, WorkItem
from engine.organisation import Actor, check_area, matters, roles as R, scope
from engine.paging import Page
from engine.ports import now as clock_now
from forms import get_form
from forms.messages import msg

INTAKE_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD)
SORTS = {"created_at": Case.created_at, "case_no": Case.case_no, "handle_due_at": Case.handle_due_at,
         "due_at": Case.due_at, "updated_at": Case.updated_at, "id": Case.id,
         # Colour follows the due date (red = earliest), so it sorts by it: sort=colour is most urgent first.
         "colour": Case.due_at}


def open_case(**intake) -> Case:
    """`open_case_step` (its arguments) without the work items it opened."""
    return open_case_step(**intake)[0]


def open_case_step(*, actor: Actor, data: dict, process_id: str = processes.DEFAULT_PROCESS,
                   call_id: str | None = None, another_request: bool = False, files: list[tuple[str, bytes]] = (),
                   before_commit: Callable[[Case], None] | None = None) -> tuple[Case, list[WorkItem]]:
    """Register a citizen's request: start its workflow and complete intake, in one transaction;
    answer the case and the work items intake opened (known without reading them). `call_id` is
    the telephone call it came from (the A leg's id): the call record links to it. A call is
    registered once (CallAlreadyRegistered, 409) unless the agent says the caller made
    `another_request` in the same call. `files` (name, bytes) are attached in the same
    transaction; one refused file refuses the intake, naming it, before anything is written.
    Six statements without files: the case, its first work item, its audit event and risk check
    (and a flag per risk type found), its number (numbering.assign_case_no), the SMS receipt.
    `before_commit(case)` writes what must stand or fall with the case (a queued request's link).
    """
    actor.require(*INTAKE_ROLES)
    clean = check_intake(data)
    accepted = attachments.check_intake_files(list(files))
    # One spelling per number, so caller history and duplicate checks find "138-0013 8000" too.
    clean["phone"] = normalize_phone(clean.get("phone", ""))   # a mail may come without one
    try:
        version_id = processes.current_version_id(process_id)
        workflow = CaseWorkflow.start(processes.parsed(version_id))
        workflow.complete(_intake_task(workflow).task_id, clean)
        now = clock_now()
        case = _new_case(clean, version_id, actor, now, workflow)
        if call_id:
            case.call_id, case.call_seq = call_id, _call_seq(call_id, another_request)
        projections.set_stage(case, workflow)
        case.case_no = numbering.provisional_case_no(case.query_code)
        db.session.add(case)
        _flush_once_per_call(case)
        items = projections.insert_items(case, workflow, now)
        _record_intake(case, clean, accepted, actor, now)
        numbering.assign_case_no(case, now)  # last: the day's counter row stays locked until commit
        notifications.queue_receipt(case)   # in this transaction: no case without its receipt
        _link_sources(case, call_id, actor, now, before_commit)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return case, items


def _link_sources(case: Case, call_id: str | None, actor: Actor, now, before_commit) -> None:
    """What the case came from, linked in its transaction: the call record, and the channel's own
    row through `before_commit` (a queued Open311 request)."""
    if call_id:
        _link_call_record(call_id, case.id, actor, now)
    if before_commit:
        before_commit(case)


def _record_intake(case: Case, clean: dict, files: list, actor: Actor, now) -> None:
    """The intake's audit event (the content is the case's own column), the risk words screening
    found in it (矛盾纠纷排查: flagged with the case, in its transaction) and the files' events."""
    audit.new_case(case.id)
    audit.record(case.id, actor_id=actor.user_id, action="intake", from_stage=None, to_stage=case.stage,
                 data={k: v for k, v in clean.items() if k != "content"}, now=now)
    screening.flag_case(case.id, case.title, case.content, now)
    for added in attachments.attach_at_intake(case.id, files, actor_id=actor.user_id, now=now):
        audit.record(case.id, actor_id=actor.user_id, action="attachment_added", from_stage=case.stage,
                     to_stage=case.stage, data=added, now=now)


def _new_case(clean: dict, version_id: int, actor: Actor, now, workflow: CaseWorkflow) -> Case:
    return Case(process_version_id=version_id, query_code=numbering.new_query_code(),
                category=clean["category"], channel=clean["channel"], citizen_name=clean["citizen_name"],
                citizen_gender=clean.get("citizen_gender", ""), phone=clean["phone"], title=clean["title"],
                content=clean["content"], matter_id=clean.get("matter_id"), area_id=clean.get("area_id"),
                address=clean.get("address", ""), urgency=clean["urgency"], wants_callback=clean["wants_callback"],
                wants_sms_reply=clean["wants_sms_reply"], confidential=clean["confidential"],
                created_by_id=actor.user_id, first_contact_id=first_contact.at_intake(clean["channel"], actor.user_id),
                created_at=now, updated_at=now, version=1,
                blob=RawJson(workflow.dump()))


def check_intake(data: dict) -> dict:
    """The intake form's clean fields, or ValidationFailed naming each bad one: what open_case
    checks first, for a channel that answers before it opens the case (Open311's queue)."""
    clean = check_form(get_form("intake"), data)
    check_intake_references(clean)
    return clean


def check_intake_references(clean: dict) -> None:
    """The matter and the district/street intake names must exist and be open (the form checks
    only that they are ids); ValidationFailed names the field."""
    if clean.get("matter_id") is not None:
        matters.check_usable(clean["matter_id"])
    if clean.get("area_id") is not None:
        check_area(clean["area_id"])


class CallAlreadyRegistered(WrongState):
    """The call was registered as a case already; `case` is that case."""

    def __init__(self, case: Case):
        super().__init__(f"this call was registered already as case {case.case_no}; "
                         "register it again only as another request the caller made")
        self.case = case


def registered_from_call(call_id: str) -> list[Case]:
    """The cases registered from a call, in the order they were (the first is the call's case)."""
    return list(db.session.execute(select(Case).where(Case.call_id == call_id)
                                   .order_by(Case.call_seq, Case.id)).scalars())


def _call_seq(call_id: str, another_request: bool) -> int:
    """1 for a call's first case; the next number for another request; else the call is taken."""
    earlier = registered_from_call(call_id)
    if earlier and not another_request:
        raise CallAlreadyRegistered(earlier[0])
    return max((c.call_seq or 1 for c in earlier), default=0) + 1


def _flush_once_per_call(case: Case) -> None:
    """Flush the new case; two agents registering the same call at once meet here (unique call_seq)."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        earlier = registered_from_call(case.call_id) if case.call_id else []
        if not earlier:
            raise
        raise CallAlreadyRegistered(earlier[0]) from None


def _link_call_record(call_id: str, case_id: int, actor: Actor, now) -> None:
    """Tie the call record to the case registered during the call, if the worker wrote it yet; a
    voicemail waiting in the queue is registered by it.

    Here and not in engine.telephony: intake must not depend on the call center (the call center
    depends on cases), and the link belongs to the intake's transaction. A record written later
    finds its case through Case.call_id (engine.telephony.live.case_for_call).
    """
    db.session.execute(update(CallRecord).where(CallRecord.call_id == call_id, CallRecord.case_id.is_(None))
                       .values(case_id=case_id))
    db.session.execute(update(CallRecord).where(CallRecord.call_id == call_id, CallRecord.voicemail_status == "open")
                       .values(voicemail_status="registered", voicemail_by_id=actor.user_id, voicemail_at=now))


def _intake_task(workflow: CaseWorkflow):
    ready = [t for t in workflow.ready_tasks() if t.info.form_key == "intake"]
    if not ready:
        raise NotFound(msg("no_intake_task", "the process has no ready intake task"))
    return ready[0]


def find_case(*, case_no: str, actor: Actor) -> Case:
    """The case with this number, if the actor may see it (else NotFound: no hint it exists)."""
    case = db.session.execute(select(Case).where(Case.case_no == case_no.strip().upper(),
                                                 scope.case_visible(actor))).scalar()
    if case is None:
        raise NotFound(msg("case_not_in_scope", "no case %(no)s in your scope", no=case_no))
    return case


def departments_of(case_id: int) -> list[CaseDepartment]:
    """Departments involved in the case (current dispatch first)."""
    return list(db.session.execute(select(CaseDepartment).where(CaseDepartment.case_id == case_id)
                                   .order_by(CaseDepartment.active.desc(), CaseDepartment.id)).scalars())


def urges_of(case_id: int) -> list[Urge]:
    return list(db.session.execute(select(Urge).where(Urge.case_id == case_id).order_by(Urge.seq)).scalars())


def list_events(*, case_id: int, actor: Actor) -> list[CaseEvent]:
    """The case's audit trail, oldest first."""
    get_case(case_id=case_id, actor=actor)
    return list(db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                   .order_by(CaseEvent.id)).scalars())


def list_cases(*, actor: Actor, filters: dict, page: int = 1, page_size: int = 50,
               sort: str = "-created_at") -> Page:
    """A page of cases in the actor's scope, filtered and sorted (never reads blobs)."""
    where = and_(scope.case_visible(actor), *_conditions(filters))
    total = db.session.execute(select(func.count()).select_from(Case).where(where)).scalar()
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        raise ValidationFailed({"sort": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(SORTS))]})
    order = [column.desc(), Case.id.desc()] if sort.startswith("-") else [column.asc(), Case.id.asc()]
    rows = db.session.execute(select(Case).where(where).order_by(*order)
                              .limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return Page(items=list(rows), total=total, page=page, page_size=page_size)


def _conditions(f: dict) -> list:
    simple = {"case_no": Case.case_no, "category": Case.category, "status": Case.status,
              "stage": Case.stage, "channel": Case.channel, "phone": Case.phone,
              "lead_department_id": Case.lead_department_id}
    out = [column == f[name] for name, column in simple.items() if f.get(name) not in (None, "")]
    if f.get("created_from"):
        out.append(Case.created_at >= naive_utc(f["created_from"]))
    if f.get("created_to"):
        out.append(Case.created_at < naive_utc(f["created_to"]))
    if f.get("colour"):
        out += [colour_condition(Case, f["colour"], clock_now()), Case.suspended.is_(False)]
    if f.get("due_before"):
        out.append(Case.due_at < naive_utc(f["due_before"]))
    if f.get("q"):
        if len(f["q"]) > search.MAX_LENGTH:
            raise ValidationFailed({"q": [msg("max_length", "at most %(max)s characters", max=search.MAX_LENGTH)]})
        out.append(search.words_condition(f["q"]))
    return out
