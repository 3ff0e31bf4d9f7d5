"""Named use cases of the lifecycle, each a thin layer over completing the right work item.

The REST API and the pages may call these (`dispatch(case_id=..., ...)`) or the generic
`work_items.complete`; both run the same checks, hooks and transaction.
"""
from __future__ import annotations

from typing import Callable

from engine.cases import work_items
from engine.errors import WrongState
from engine.models import Case, WorkItem
from engine.organisation import Actor
from forms.messages import msg


def _act(form_key: str, case_id: int, actor: Actor, data: dict, department_id: int | None = None,
         expected_version: int | None = None, after: Callable | None = None) -> Case:
    def pick(action) -> WorkItem:
        for item in action.open_items:
            if item.form_key == form_key and item.kind == "task" and (
                    department_id is None or item.department_id == department_id):
                return item
        raise WrongState(msg("no_such_task", "case %(id)s has no open '%(task)s' task", id=case_id, task=form_key))

    return work_items.complete_on_case(case_id=case_id, actor=actor, data=data, pick=pick,
                                       expected_version=expected_version, after=after)


def triage(*, case_id: int, actor: Actor, after: Callable | None = None, **data) -> Case:
    """Direct answer, not accepted (with reason) or on to dispatch; `after(action)` writes in the same
    transaction (the knowledge article a direct answer cited)."""
    return _act("triage", case_id, actor, data, after=after)


def dispatch(*, case_id: int, actor: Actor, **data) -> Case:
    """Transfer or assign to one lead department and zero or more co-departments."""
    return _act("dispatch", case_id, actor, data)


def sign_for(*, case_id: int, actor: Actor) -> Case:
    """The lead department accepts the case."""
    return _act("sign_for", case_id, actor, {"decision": "sign"})


def return_case(*, case_id: int, actor: Actor, reason: str) -> Case:
    """The lead department sends a misrouted case back to the center."""
    return _act("sign_for", case_id, actor, {"decision": "return", "reason": reason})


def decide_return(*, case_id: int, actor: Actor, approved: bool, opinion: str = "") -> Case:
    """Approve a return (re-dispatch) or reject it (back to the department)."""
    return _act("decide_return", case_id, actor, {"return_approved": approved, "opinion": opinion})


def submit_opinion(*, case_id: int, actor: Actor, department_id: int, opinion: str) -> Case:
    """A co-department submits its co-handling opinion."""
    return _act("co_opinion", case_id, actor, {"opinion": opinion}, department_id=department_id)


def request_extension(*, case_id: int, actor: Actor, days: int, reason: str) -> Case:
    """The lead asks for more working days."""
    return _act("handle", case_id, actor, {"action": "extension", "extension_days": days,
                                           "extension_reason": reason})


def decide_extension(*, case_id: int, actor: Actor, approved: bool, days: int | None = None,
                     opinion: str = "") -> Case:
    """A leader grants (adding working days) or refuses an extension."""
    data = {"approved": approved, "opinion": opinion}
    if days is not None:
        data["approved_days"] = days
    return _act("decide_extension", case_id, actor, data)


def reply(*, case_id: int, actor: Actor, result: str, reply_text: str) -> Case:
    """The lead replies (goes to its leader first where the department requires it)."""
    return _act("handle", case_id, actor, {"action": "reply", "result": result, "reply_text": reply_text})


def approve_reply(*, case_id: int, actor: Actor, approved: bool, opinion: str = "") -> Case:
    """The department leader lets the reply out, or sends it back."""
    return _act("approve_reply", case_id, actor, {"reply_approved": approved, "opinion": opinion})


def review(*, case_id: int, actor: Actor, passed: bool, opinion: str = "") -> Case:
    """Center review: pass on to the visit, or back to handling (重办)."""
    return _act("review", case_id, actor, {"review_passed": passed, "opinion": opinion})


def visit(*, case_id: int, actor: Actor, satisfaction: str, resolved: bool, note: str = "",
          decision: str = "", close_reason: str = "") -> Case:
    """Record the satisfaction visit; a dissatisfied one needs its record and a decision:
    `reopen` (back to handling) or `close` with a reason a center leader confirms."""
    return _act("visit", case_id, actor, {"satisfaction": satisfaction, "resolved": resolved, "note": note,
                                          "decision": decision, "close_reason": close_reason})


def confirm_close(*, case_id: int, actor: Actor, confirmed: bool, opinion: str = "") -> Case:
    """A center leader closes a dissatisfied case as the visitor asked, or sends it back to handling."""
    return _act("confirm_close", case_id, actor, {"close_confirmed": confirmed, "opinion": opinion})
