"""Task hooks of the re-examination process's own forms (reexam_review, reexam_handle), keyed by
form key like engine/cases/task_hooks.py: a re-dispatch makes the chosen department the case's
lead (so its handlers see the case and act on the task); the reply closes the limit."""
from __future__ import annotations

from engine import deadlines
from engine.cases import task_hooks
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import CaseDepartment
from engine.organisation import check_departments


@task_hooks.before("reexam_review")
def _check_department(ctx, data: dict) -> dict:
    if data["decision"] == "redispatch":
        try:
            check_departments(data["department_id"], [])
        except ValidationFailed as exc:       # the form names the field department_id
            raise ValidationFailed({"department_id": exc.errors.get("lead_department_id", [])}) from None
    return data


@task_hooks.after("reexam_review")
def _review_decided(ctx, data: dict) -> None:
    if data["decision"] != "redispatch":
        _replied(ctx)
        return
    case = ctx.case
    db.session.add(CaseDepartment(case_id=case.id, department_id=data["department_id"], role="lead", active=True,
                                  dispatch_round=1, created_at=ctx.action.now))
    case.lead_department_id = data["department_id"]


@task_hooks.after("reexam_handle")
def _handled(ctx, data: dict) -> None:
    _replied(ctx)


def _replied(ctx) -> None:
    """The reply reached the citizen: the re-examination's limit stops (met or missed)."""
    deadlines.close(ctx.action, deadlines.running(ctx.action, stage="reexamination"))
    case = ctx.case
    case.due_at = case.warn_at = None
    case.due_provisional = False
