"""Audit events as people read them: a label per action and the detail that matters."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _

from api.pages.filters import NOTICE_LABELS, OVERTIME_CAUSE_LABELS, label, local_time
from api.pages.web import locale
from forms import FORMS


def _labels() -> dict[str, str]:
    return {
        "intake": _("Case registered"), "triage": _("Triaged"), "dispatch": _("Dispatched"),
        "sign_for": _("Signed for / returned"), "decide_return": _("Return decided"),
        "handle": _("Handled"), "decide_extension": _("Extension decided"),
        "decide_suspension": _("Suspension decided"), "resume": _("Resumed"),
        "approve_reply": _("Reply approval"), "co_opinion": _("Co-handling opinion"),
        "review": _("Center review"), "visit": _("Satisfaction visit"), "urge": _("Urged"),
        "confirm_close": _("Closing a dissatisfied case decided"),
        "voicemail_merged": _("A voicemail added"), "intake_edited": _("Intake corrected"),
        "printed": _("Printed"), "urge_evaluated": _("Urge answer evaluated"),
        "urge_answered": _("Urge answered"), "claim": _("Claimed"), "release": _("Released"),
        "deadline_started": _("Deadline started"), "due_changed": _("Due date changed"),
        "clock_paused": _("Clock paused"), "reminder_yellow": _("Reminder: due soon"),
        "reminder_red": _("Reminder: overdue"), "escalated": _("Escalated to the center leader"),
        "escalation_decided": _("Escalation decided"), "overtime_report": _("Overtime report"),
        "merged": _("Merged into another case"), "merged_in": _("Another case merged in"),
        "citizen_notified": _("Citizen told by SMS"), "overtime_counted": _("Counted as overtime (Article 7)"),
        "natural_reported": _("Natural completion reported to the center director"),
        "natural_filed": _("Natural completion filed by the center director"),
        "open311_received": _("Received through Open311"), "duplicate_suspected": _("Probable duplicates found"),
        "citizen_message": _("Citizen's SMS"),     # an inbound SMS joined the case (engine.channels.sms_inbound)
        "citizen_rating": _("Citizen's online rating"), "reexamination_requested": _("Re-examination requested"),
        "reexamination_opened": _("Re-examination of another case"),
        "knowledge_cited": _("Answered citing a knowledge article"),     # engine.knowledge.citing
        "conference_started": _("Conference started"), "conference_ended": _("Conference ended"),  # issue 18
    }


DETAIL_KEYS = ("satisfaction", "decision", "natural_reason", "reason", "opinion", "answer", "reply_text", "extension_reason",
               "suspension_reason", "response", "note", "close_reason", "measures")


def event_label(action: str) -> str:
    return _labels().get(action, action)


def event_detail(action: str, data: dict, personal: bool = True) -> str:
    """One line (or a few) of what happened, in the UI language where it is a code.

    `personal`: the viewer may see the citizen's data (else names, phones, addresses are masked)."""
    if action == "intake_edited":
        return _edit_detail(data, personal)
    if action == "printed":
        return data.get("title") or ""
    if action == "due_changed":
        return _("%(reason)s: %(days)s working days, %(old)s → %(new)s", reason=_reason(data.get("reason")),
                 days=data.get("days", ""), old=_when(data.get("from")), new=_when(data.get("to")))
    if action == "knowledge_cited":
        return _("%(title)s (article %(id)s, version %(version)s)", title=data.get("title", ""),
                 id=data.get("article_id", ""), version=data.get("version", ""))
    if action == "citizen_message":
        return data.get("text") or ""
    if action == "duplicate_suspected":     # the numbers only in the summary, which the center alone sees
        return _("%(n)s open cases look like this request", n=len(data.get("candidates", [])))
    if action == "deadline_started":
        return _("due %(due)s", due=_when(data.get("due_at")))
    return _time_limit_detail(action, data) if action in TIME_LIMIT_EVENTS else _common_detail(action, data)


def _common_detail(action: str, data: dict) -> str:
    parts = [_choice(action, k, data[k]) for k in DETAIL_KEYS if data.get(k) not in (None, "", [], True, False)]
    return " · ".join(parts)


TIME_LIMIT_EVENTS = ("citizen_notified", "overtime_counted", "natural_reported")


def _time_limit_detail(action: str, data: dict) -> str:
    """送达 notices with their text (query code masked), Article 7 causes, Article 8 reasons."""
    if action == "citizen_notified":
        return f"{label(NOTICE_LABELS, data.get('kind'))} · {data.get('to', '')}\n{data.get('text', '')}"
    if action == "overtime_counted":
        return _("%(cause)s (limit %(due)s)", cause=label(OVERTIME_CAUSE_LABELS, data.get("cause")),
                 due=_when(data.get("due_at")))
    return _("%(reason)s (limit %(due)s)", reason=_choice("handle", "natural_reason", data.get("reason")),
             due=_when(data.get("due_at")))


PERSONAL = ("citizen_name", "phone", "address")


def _edit_detail(data: dict, personal: bool) -> str:
    """修改受理信息: each changed field as 'label: old → new', then the reason."""
    from api.rest.presenters import mask_name
    from engine.ports import mask_phone

    fields = {f.name: f for f in FORMS["intake"].fields}
    lines = []
    for name, (old, new) in (data.get("changes") or {}).items():
        field = fields.get(name)
        shown = [_value(name, v) for v in (old, new)]
        if name in PERSONAL and not personal:
            shown = [mask_phone(v) if name == "phone" else mask_name(v) if name == "citizen_name" else "***"
                     for v in (old, new)]
        label = (field.label if locale() == "zh" else field.label_en) if field else name
        lines.append(f"{label}: {shown[0] or '—'} → {shown[1] or '—'}")
    if data.get("reason"):
        lines.append(_("Why: %(reason)s", reason=data["reason"]))
    return "\n".join(lines)


def _value(name: str, value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return _choice("intake", name, value) if value not in (None, "") else ""


def _choice(form_key: str, field: str, value) -> str:
    """A choice's label from the form that recorded it (decision=return → 退回), else the value."""
    form = FORMS.get("visit" if form_key == "citizen_rating" else form_key)   # the online rating uses the visit's scale
    for f in form.fields if form else ():
        if f.name == field and f.options:
            for code, zh, en in f.options:
                if code == value:
                    return zh if locale() == "zh" else en
    return str(value)


def _reason(code: str | None) -> str:
    return {"extension": _("extension"), "suspension": _("suspension"),
            "escalation": _("escalation")}.get(code or "", code or "")


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return local_time(datetime.fromisoformat(iso))
    except ValueError:
        return iso


DEADLINE_STATES = {"open": ("进行中", "running"), "paused": ("已暂停", "paused"), "met": ("按时", "on time"),
                   "missed": ("超时", "late"), "natural": ("自然办结", "natural completion"),
                   "cancelled": ("已取消", "cancelled")}


def register(app: Flask) -> None:
    """The timeline's labels as template globals."""
    app.jinja_env.globals.update(event_label=event_label, event_detail=event_detail,
                                 deadline_state=lambda c: label(DEADLINE_STATES, c))
