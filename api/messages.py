"""Messages in the user's language: a forms.messages.Msg by its template (the catalogue's msgid)
and parameters; other text as a msgid of its own (marked N_ where it is written)."""
from __future__ import annotations

from flask_babel import gettext

from forms.messages import Msg, code_of


def say(message: object) -> str:
    """One message as the signed-in user reads it."""
    if isinstance(message, Msg):   # a message inside another ('照片.exe：不允许的类型') is said too
        return gettext(message.template, **{k: say(v) if isinstance(v, Msg) else v for k, v in message.params.items()})
    return gettext(str(message)) if message else ""


def say_errors(errors: dict[str, list]) -> dict[str, list[str]]:
    """A ValidationFailed's field errors, each message said in the user's language."""
    return {field: [say(m) for m in messages] for field, messages in errors.items()}


def codes(errors: dict[str, list]) -> dict[str, list[str]]:
    """The stable code of each field error (for API clients; `invalid` for text without one)."""
    return {field: [code_of(m, "invalid") for m in messages] for field, messages in errors.items()}


def field_label(name: str, form_key: str | None = None) -> str:
    """What a form calls a field, in the user's language: the named form's, else the first task
    form that has it, else the filters'."""
    from flask_babel import get_locale

    from forms import FORMS

    forms = [FORMS[form_key]] if form_key in FORMS else []
    for form in forms + list(FORMS.values()):
        for f in form.fields:
            if f.name == name:
                return f.label if str(get_locale()).startswith("zh") else f.label_en
    return _other_labels().get(name, name)


def _other_labels() -> dict[str, str]:
    return {"registered_from": gettext("Registered from"), "registered_to": gettext("Registered to"),
            "case_no": gettext("Case number"), "q": gettext("Search words"), "lead_department_id": gettext("Lead department"),
            "co_department_id": gettext("Co-department"), "lead_handler_id": gettext("Lead handler"),
            "co_handler_id": gettext("Co-department handler"), "dispatch_mode": gettext("Dispatch mode"),
            "reply_status": gettext("Reply status"), "handling_kind": gettext("Kind of case"), "sort": gettext("Sort"), "date": gettext("Date"),
            "page_size": gettext("Rows per page"), "file": gettext("File"), "month": gettext("Month"),
            "department_id": gettext("Department"), "reported": gettext("Overtime report"),
            "start": gettext("Start date"), "end": gettext("End date")}


def errors_line(errors: dict[str, list], form_key: str | None = None) -> str:
    """A ValidationFailed as one line for a flash: '督办意见：必填；…' (labels from `form_key`'s form)."""
    return "；".join(f"{field_label(field, form_key)}：{'，'.join(said)}"
                    for field, said in say_errors(errors).items())
