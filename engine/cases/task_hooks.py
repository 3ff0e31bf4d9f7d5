"""Per-form business rules around completing a user task.

Keyed by form key (the contract between definitions and code), not by BPMN element id, so a
designer may rename or move tasks freely. A `before` hook validates against the database and
adds engine-only data (e.g. whether the lead department needs reply approval) that gateway
conditions read; an `after` hook updates the case's own columns in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import func, select, update

from engine import deadlines
from engine.cases import delivery, merge, natural, projections
from engine.cases.unit import CaseAction
from engine.db import db
from engine.deadlines import rules
from engine.errors import ValidationFailed, WrongState
from engine.models import CaseDepartment, OvertimeReport, WorkItem
from engine.organisation import Actor, check_departments, settings
from forms.messages import msg


@dataclass
class TaskContext:
    action: CaseAction
    actor: Actor
    item: WorkItem
    # What a before hook learns from the task's data for its after hook (the task is gone then).
    carry: dict = field(default_factory=dict)

    @property
    def case(self):
        return self.action.case

    def task_data(self) -> dict:
        return self.action.load_workflow().task_data(self.item.task_id)


BEFORE: dict[str, Callable[[TaskContext, dict], dict]] = {}
AFTER: dict[str, Callable[[TaskContext, dict], None]] = {}


def before(key: str):
    def register(fn):
        BEFORE[key] = fn
        return fn
    return register


def after(key: str):
    def register(fn):
        AFTER[key] = fn
        return fn
    return register


def run_before(ctx: TaskContext, data: dict) -> dict:
    """Data to hand to the engine: the clean form data plus what the hook adds."""
    hook = BEFORE.get(ctx.item.form_key)
    return hook(ctx, data) if hook else data


def run_after(ctx: TaskContext, data: dict) -> None:
    hook = AFTER.get(ctx.item.form_key)
    if hook:
        hook(ctx, data)


# ---------------------------------------------------------------- triage: merge (并单)

@before("triage")
def _check_merge_target(ctx: TaskContext, data: dict) -> dict:
    if data["decision"] == "merge":
        ctx.carry["merge_target"] = merge.check_target(ctx.action, ctx.actor, data[merge.FIELD])
    return data


# 即办件 answered at once; 承诺件 dispatched under a committed limit (Article 5).
KIND_BY_TRIAGE = {"direct_answer": "immediate", "dispatch": "committed"}


@after("triage")
def _record_merge(ctx: TaskContext, data: dict) -> None:
    ctx.case.handling_kind = KIND_BY_TRIAGE.get(data["decision"])
    if "merge_target" in ctx.carry:
        merge.record(ctx.action, ctx.actor, ctx.carry["merge_target"])


# ---------------------------------------------------------------- dispatch, sign-for, return

@before("dispatch")
def _check_dispatch(ctx: TaskContext, data: dict) -> dict:
    lead_id, co_ids = data["lead_department_id"], data.get("co_department_ids", [])
    lead = check_departments(lead_id, co_ids)
    return {**data, "co_department_ids": co_ids, "reply_needs_approval": bool(lead.requires_reply_approval)}


@after("dispatch")
def _record_dispatch(ctx: TaskContext, data: dict) -> None:
    case = ctx.case
    _deactivate_departments(case.id)
    last_round = db.session.execute(select(func.max(CaseDepartment.dispatch_round)).where(
        CaseDepartment.case_id == case.id)).scalar() or 0
    for dept_id, role in [(data["lead_department_id"], "lead")] + [(d, "co") for d in data["co_department_ids"]]:
        db.session.add(CaseDepartment(case_id=case.id, department_id=dept_id, role=role, active=True,
                                      dispatch_round=last_round + 1, created_at=ctx.action.now))
    case.dispatch_mode = data["mode"]
    case.lead_department_id = data["lead_department_id"]
    deadlines.cancel(ctx.action, deadlines.running(ctx.action))
    deadlines.open_for(ctx.action, stage="sign_for", departments=[(data["lead_department_id"], "lead")],
                       actor_id=ctx.actor.user_id)
    delivery.redispatched(ctx.action, dispatch_round=last_round + 1, actor_id=ctx.actor.user_id)


@after("sign_for")
def _record_sign_for(ctx: TaskContext, data: dict) -> None:
    case = ctx.case
    if data["decision"] == "return":
        case.return_count += 1
        return
    db.session.execute(update(CaseDepartment).where(
        CaseDepartment.case_id == case.id, CaseDepartment.active.is_(True),
        CaseDepartment.role == "lead").values(signed_at=ctx.action.now))
    deadlines.close(ctx.action, deadlines.running(ctx.action, stage="sign_for"))
    _start_handling(ctx)


def _start_handling(ctx: TaskContext) -> None:
    """A new handling round for the lead and every active co-department."""
    rows = db.session.execute(select(CaseDepartment.department_id, CaseDepartment.role).where(
        CaseDepartment.case_id == ctx.case.id, CaseDepartment.active.is_(True))).all()
    departments = sorted(((d, r) for d, r in rows), key=lambda dr: dr[1] != "lead")
    deadlines.open_for(ctx.action, stage="handling", departments=departments, actor_id=ctx.actor.user_id)


@after("decide_return")
def _record_return_decision(ctx: TaskContext, data: dict) -> None:
    if data["return_approved"]:
        _deactivate_departments(ctx.case.id)
        case = ctx.case
        case.lead_department_id = None
        case.dispatch_mode = None        # no longer dispatched: 派单方式 filters must not find it
        deadlines.cancel(ctx.action, deadlines.running(ctx.action, stage="sign_for"))
        case.sign_due_at = case.due_at = case.warn_at = None


def _deactivate_departments(case_id: int) -> None:
    db.session.execute(update(CaseDepartment).where(
        CaseDepartment.case_id == case_id, CaseDepartment.active.is_(True)).values(active=False))


# ---------------------------------------------------------------- handling

@before("decide_extension")
def _default_extension_days(ctx: TaskContext, data: dict) -> dict:
    if data["approved"] and "approved_days" not in data:
        requested = ctx.task_data().get("extension_days")
        data = {**data, "approved_days": int(requested or 0)}
    return data


@after("decide_extension")
def _apply_extension(ctx: TaskContext, data: dict) -> None:
    if data["approved"]:
        delivery.check_extension_told_in_time(ctx.action, actor_id=ctx.actor.user_id)
        ctx.case.extension_count += 1
        deadlines.extend(ctx.action, days=data["approved_days"], reason="extension", actor_id=ctx.actor.user_id)
        projections.refresh_due_dates(ctx.case, ctx.action.open_items)
        delivery.extension_told(ctx.action, days=data["approved_days"], actor_id=ctx.actor.user_id)


@after("decide_suspension")
def _pause_clock(ctx: TaskContext, data: dict) -> None:
    if data["suspension_approved"]:
        deadlines.pause(ctx.action, actor_id=ctx.actor.user_id)
        projections.clear_due_dates(ctx.action.open_items)


@after("resume")
def _resume_clock(ctx: TaskContext, data: dict) -> None:
    deadlines.resume(ctx.action, actor_id=ctx.actor.user_id)
    projections.refresh_due_dates(ctx.case, ctx.action.open_items)


# ---------------------------------------------------------------- reply leaves the department

@before("handle")
def _check_time_limit_rules(ctx: TaskContext, data: dict) -> dict:
    """Seed 5's rules at the moment of the decision: a late reply needs its overtime report; a
    natural completion only in its window (Article 8); an extension asked late is overtime (7)."""
    if data["action"] == "reply":
        late = deadlines.overdue_lead(ctx.action)
        if late is not None and not db.session.execute(select(OvertimeReport.id).where(
                OvertimeReport.deadline_id == late.id)).first():
            raise WrongState(msg("overtime_report_first", "the case is overdue: submit an overtime report "
                                                          "(reason and measures) before replying"))
    elif data["action"] == "natural_completion":
        natural.check_window(ctx.action)
    elif data["action"] == "extension":
        late = deadlines.overdue_lead(ctx.action)
        if late is not None:
            rules.mark_overtime(ctx.action, late, "extension_asked_late", actor_id=ctx.actor.user_id)
    return data


@after("handle")
def _reply_submitted(ctx: TaskContext, data: dict) -> None:
    if data["action"] in ("reply", "natural_completion") and not _awaits_approval(ctx):
        _leave_department(ctx, data)


def _leave_department(ctx: TaskContext, reply: dict) -> None:
    """The reply (or natural completion) leaves the lead department: its limit closes; a natural
    completion is reported to the center director."""
    is_natural = reply.get("action") == "natural_completion"
    deadlines.leave_department(ctx.action, natural=is_natural)
    if is_natural:
        natural.record(ctx.action, actor_id=ctx.actor.user_id, reason=reply.get("natural_reason") or "citizen_other",
                       notice=reply.get("reply_text") or "")


@before("approve_reply")
def _remember_reply(ctx: TaskContext, data: dict) -> dict:
    ctx.carry["reply"] = dict(ctx.task_data())
    return data


@after("approve_reply")
def _reply_approved(ctx: TaskContext, data: dict) -> None:
    if data["reply_approved"]:
        _leave_department(ctx, ctx.carry.get("reply", {}))


def _awaits_approval(ctx: TaskContext) -> bool:
    return any(t.info.form_key == "approve_reply" for t in ctx.action.load_workflow().ready_tasks())


@before("co_opinion")
def _attach_co_result(ctx: TaskContext, data: dict) -> dict:
    dept_id = ctx.item.department_id
    return {**data, "co_result": {"department_id": dept_id, "opinion": data["opinion"]}}


@after("co_opinion")
def _record_co_opinion(ctx: TaskContext, data: dict) -> None:
    deadlines.close(ctx.action, deadlines.running(
        ctx.action, stage="handling", role="co", department_id=ctx.item.department_id))
    db.session.execute(update(CaseDepartment).where(
        CaseDepartment.case_id == ctx.case.id, CaseDepartment.active.is_(True),
        CaseDepartment.role == "co", CaseDepartment.department_id == ctx.item.department_id,
    ).values(opinion=data["opinion"], opinion_by_id=ctx.actor.user_id, opinion_at=ctx.action.now))


# ---------------------------------------------------------------- visit

@after("review")
def _rework(ctx: TaskContext, data: dict) -> None:
    if data["review_passed"]:
        delivery.reply_delivered(ctx.action, actor_id=ctx.actor.user_id)
    else:
        _start_handling(ctx)


@before("visit")
def _check_visit_decision(ctx: TaskContext, data: dict) -> dict:
    """A dissatisfied visit decides (the form requires it); reopening respects `max_reopens`."""
    limit = int(settings.snapshot()["max_reopens"])
    decision = data.get("decision", "")
    if decision and data["satisfaction"] != "dissatisfied":
        raise ValidationFailed({"decision": [msg("decision_only_dissatisfied",
                                                 "only a dissatisfied citizen's case is reopened or closed by decision")]})
    if decision == "reopen" and ctx.case.reopen_count >= limit:
        raise ValidationFailed({"decision": [msg("reopen_limit", "the case was already reopened %(n)s times "
                                                 "(the limit): close it with a reason", n=limit)]})
    # `reopen` is what process versions before the confirmation step read at their gateway.
    return {**data, "visit_decision": decision, "reopen": decision == "reopen",
            "reopen_count": ctx.case.reopen_count, "max_reopens": limit}


@after("visit")
def _count_reopen(ctx: TaskContext, data: dict) -> None:
    _reopen_if_handling(ctx)


@after("confirm_close")
def _reopen_if_refused(ctx: TaskContext, data: dict) -> None:
    """A center leader who refuses to close a dissatisfied case sends it back to handling; that
    reopening counts like a visitor's and may pass `max_reopens` (the leader's call)."""
    _reopen_if_handling(ctx)


def _reopen_if_handling(ctx: TaskContext) -> None:
    """When the step just completed led back into handling (重办): count it and restart the clock."""
    if any(t.info.stage == "handling" for t in ctx.action.load_workflow().ready_tasks()):
        ctx.case.reopen_count += 1
        _start_handling(ctx)
