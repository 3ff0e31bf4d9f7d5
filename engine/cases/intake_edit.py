"""Correcting what intake recorded (修改受理信息): audited, field by field, with a reason.

An agent mistypes a phone number, a voicemail case starts with a placeholder name, a citizen
calls back to correct the address: the center's intake roles may edit the intake fields of an
open case. Every edit is a case event `intake_edited` holding each changed field's old and new
value (who and when are the event's). The category drives the handling limit, so it changes
only before the case is dispatched; the phone is normalised like at intake. The client's
`version` guards against overwriting a colleague's edit (409).
"""
from __future__ import annotations

from engine.cases.numbering import normalize_phone
from engine.cases.service import check_intake_references
from engine.cases.unit import case_action
from engine.errors import ValidationFailed, WrongState, check_form
from engine.models import Case
from engine.organisation import Actor, roles as R, scope
from forms import get_form
from forms.fields import missing
from forms.messages import msg

EDIT_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD)
FIELDS = ("category", "channel", "citizen_name", "citizen_gender", "phone", "title", "content", "matter_id", "area_id",
          "address", "urgency", "wants_callback", "wants_sms_reply", "confidential")
EMPTY = {"address": "", "citizen_gender": "", "matter_id": None, "area_id": None}   # what a field not given is
BEFORE_DISPATCH = frozenset({"intake", "triage", "dispatch", "return_review"})
REASON_MAX = 500


def editable(actor: Actor, case: Case) -> bool:
    """Whether the page offers the edit to this actor for this case."""
    return actor.has(*EDIT_ROLES) and case.status != "closed"


def edit_intake(*, case_id: int, actor: Actor, data: dict, reason: str, expected_version: int | None) -> Case:
    """Change intake fields of an open case; returns the case (unchanged fields: no event, no version)."""
    actor.require(*EDIT_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [missing()]})
    with case_action(case_id, expected_version=expected_version, actor_id=actor.user_id) as action:
        case = action.case
        scope.check_case_visible(actor, case)
        if case.status == "closed":
            raise WrongState(msg("case_closed", "case %(no)s is closed: its intake is final", no=case.case_no))
        changes = _changes(case, data)
        if not changes:
            raise ValidationFailed({"reason": [msg("nothing_changed", "nothing was changed")]})
        for name, (_old, new) in changes.items():
            setattr(case, name, new)
        case.updated_at = action.now
        action.event("intake_edited", actor_id=actor.user_id,
                     data={"changes": {k: [o, n] for k, (o, n) in changes.items()}, "reason": reason[:REASON_MAX]})
    return case


def _changes(case: Case, data: dict) -> dict[str, tuple]:
    """{field: (old, new)} for the fields the edit really changes, validated as at intake."""
    current = {name: getattr(case, name) for name in FIELDS}
    merged = {**current, **{k: v for k, v in data.items() if k in FIELDS}}
    clean = check_form(get_form("intake"), {k: v for k, v in merged.items() if v not in (None, "")})
    clean["phone"] = normalize_phone(clean.get("phone", ""))   # a mail may come without one
    for name, empty in EMPTY.items():
        clean.setdefault(name, empty)
    changes = {name: (current[name], clean[name]) for name in FIELDS if clean[name] != current[name]}
    check_intake_references({k: new for k, (_old, new) in changes.items()})
    if "category" in changes and case.stage not in BEFORE_DISPATCH:
        raise ValidationFailed({"category": [msg("category_fixed", "the category sets the handling limit: it changes only before dispatch")]})
    return changes
