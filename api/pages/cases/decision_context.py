"""What a decider needs on the task page: the request being decided, from the case's trail.

A leader deciding an extension sees the days asked and why; a dispatcher deciding a return sees
the department's reason; the review, the department leader's approval and the visit see the
reply and the co-departments' opinions. Read from audit events (no blob), newest first.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from engine.db import db
from engine.models import CaseDepartment, CaseEvent

# form key -> (event action that asked, data keys to show)
ASKED_BY = {
    "sign_for": ("dispatch", ("mode", "instruction", "opinion")),
    "decide_return": ("sign_for", ("reason",)),
    "decide_extension": ("handle", ("extension_days", "extension_reason")),
    "decide_suspension": ("handle", ("suspension_reason",)),
    "approve_reply": ("handle", ("result", "natural_reason", "reply_text")),
    "review": ("handle", ("result", "natural_reason", "reply_text")),
    "visit": ("handle", ("result", "natural_reason", "reply_text")),
    "confirm_close": ("visit", ("satisfaction", "resolved", "note", "close_reason")),
}
SHOW_OPINIONS = frozenset({"handle", "approve_reply", "review", "visit"})


def _labels() -> dict[str, str]:
    return {"reason": _("Reason given"), "extension_days": _("Working days asked"),
            "extension_reason": _("Reason given"), "suspension_reason": _("Reason given"),
            "result": _("Handling result"), "natural_reason": _("Natural completion because"), "reply_text": _("Reply"), "satisfaction": _("Satisfaction"),
            "mode": _("Dispatch mode"), "instruction": _("Leader's instruction"), "opinion": _("Dispatch opinion"),
            "resolved": _("Resolved"), "note": _("Visit record"), "close_reason": _("Why close")}


def facts_for(form_key: str, case_id: int) -> dict:
    """{'facts': [(label, text)], 'initial': {...}} for the task page."""
    if form_key not in ASKED_BY and form_key not in SHOW_OPINIONS:
        return {}
    action, keys = ASKED_BY.get(form_key, ("", ()))
    event = _latest(case_id, action) if action else None
    data = event.data if event else {}
    labels = _labels()
    facts = [(labels[k], _shown(form_key, k, data[k])) for k in keys if data.get(k) not in (None, "")]
    if form_key == "sign_for":
        facts += _refused_return(case_id, event)
    if form_key in SHOW_OPINIONS:
        facts += _opinions(case_id)
    if form_key == "handle":
        facts += _natural_window(case_id)
    initial = {}
    if form_key == "decide_extension" and data.get("extension_days"):
        initial["approved_days"] = data["extension_days"]      # grant what was asked unless changed
    return {"facts": facts, "initial": initial}


def _latest(case_id: int, action: str) -> CaseEvent | None:
    return db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.action == action)
                              .order_by(CaseEvent.id.desc()).limit(1)).scalar()


def _refused_return(case_id: int, dispatch: CaseEvent | None) -> list[tuple[str, str]]:
    """Signing for again after the center refused the return: why it was refused."""
    decided = _latest(case_id, "decide_return")
    if decided is None or decided.data.get("return_approved") or (dispatch and decided.id < dispatch.id):
        return []
    asked = _latest(case_id, "sign_for")
    refused = [(_("Your return was refused"), decided.data.get("opinion") or _("no opinion given"))]
    if asked is not None and asked.data.get("reason"):
        refused.insert(0, (_("You returned it because"), asked.data["reason"]))
    return refused


def _shown(form_key: str, key: str, value) -> str:
    """A fact as people read it: a choice's label, 是/否 for a yes/no, else the text."""
    from api.pages.filters import option_label
    from forms import FORMS

    asked_form = FORMS.get(ASKED_BY[form_key][0])
    field = next((f for f in asked_form.fields if f.name == key), None) if asked_form else None
    if field is not None and field.options:
        return option_label(field.options, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _natural_window(case_id: int) -> list[tuple[str, str]]:
    """When the handler may declare a natural completion (Article 8), so nobody tries too late."""
    from api.pages.filters import local_time
    from engine.deadlines import rules
    from engine.ports import now as clock_now

    window = rules.natural_window_of_case(case_id)
    if window is None:
        return []
    opens, closes = window
    if clock_now() > closes:
        said = _("no longer: the limit passed at %(due)s", due=local_time(closes))
    else:
        said = _("from %(opens)s to %(due)s", opens=local_time(opens, "%Y-%m-%d"), due=local_time(closes))
    return [(_("Natural completion may be declared"), said)]


def _opinions(case_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(select(CaseDepartment).where(
        CaseDepartment.case_id == case_id, CaseDepartment.active.is_(True), CaseDepartment.role == "co")).scalars()
    return [(_("Opinion of %(dept)s", dept=r.department.name), r.opinion or _("not submitted yet")) for r in rows]
