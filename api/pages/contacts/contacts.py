"""Contact pages: the list with search and paging, a contact with its history and notes, edit,
merge, call notes, and the screen pop's link from a call to its caller's contact.

Roles and masking are decided by engine.contacts.access (admins and analysts read masked,
department roles get 403); the case and call pages show call notes through `call_notes_for_*`.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from api.inputs import parse_page
from api.messages import say_errors
from api.pages.campaigns.labels import result_labels
from api.pages.web import page_actor
from engine.contacts import access, history, learn, merge as merging, notes, service
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import CallRecord, Contact
from engine.models.contact import CLASSIFICATIONS, CONTACT_KINDS
from engine.telephony import call_center

bp = Blueprint("contacts", __name__)


def class_labels() -> dict[str, str]:
    return {"ordinary": _("Ordinary"), "frequent": _("Frequent caller"), "key": _("Key person"),
            "sensitive": _("Sensitive"), "enterprise": _("Enterprise")}


def sms_labels() -> dict[str, str]:
    """The outbox's codes on the contact page: what an SMS was for, and where it stands."""
    return {"receipt": _("Receipt with the query code"), "verification": _("Verification code"),
            "pending": _("Waiting to be sent"), "sent": _("Sent"), "dead": _("Not delivered")}


def kind_labels() -> dict[str, str]:
    return {"person": _("Private person"), "organisation": _("Organisation")}


@bp.app_context_processor
def _helpers():
    def notes_of_call(call_id: int) -> list[dict]:
        return notes.of_calls(actor=current_user.actor, call_ids=[call_id]) if current_user.is_authenticated else []

    def notes_of_case(case_id: int) -> list[dict]:
        return notes.of_case(actor=current_user.actor, case_id=case_id) if current_user.is_authenticated else []

    def may_note() -> bool:
        return current_user.is_authenticated and current_user.actor.has(*access.NOTE_ROLES)
    return {"call_notes_for_call": notes_of_call, "call_notes_for_case": notes_of_case, "may_write_call_note": may_note,
            "contact_class_label": lambda c: class_labels().get(c, c), "contact_kind_label": lambda k: kind_labels().get(k, k)}


@bp.get("/contacts")
@login_required
def contact_list():
    actor = page_actor()
    q = request.args.get("q", "")
    result = service.search(actor=actor, text=q, page=parse_page(request.args.get("page")))
    return render_template("pages/contacts/list.html", rows=[service.present(actor, c) for c in result.items],
                           result=result, q=q, can_import=actor.has(*access.IMPORT_ROLES))


@bp.get("/contacts/<id:contact_id>")
@login_required
def contact_page(contact_id: int):
    actor = page_actor()
    contact = service.get(actor=actor, contact_id=contact_id)
    if contact.id != contact_id:
        return redirect(url_for("contacts.contact_page", contact_id=contact.id))
    from api.pages.telephony.calls import present_all
    seen = history.history(actor=actor, contact_id=contact.id)
    return render_template("pages/contacts/contact.html", c=service.present(actor, contact), seen=seen,
                           calls=present_all(seen["calls"], actor), merges=merging.merges_of(contact.id),
                           can_edit=actor.has(*access.EDIT_ROLES), can_merge=actor.has(*access.MERGE_ROLES),
                           attempt_results=result_labels(), sms_labels=sms_labels())


@bp.route("/contacts/<id:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contact_id: int):
    actor = page_actor()
    actor.require(*access.EDIT_ROLES)
    contact = service.get(actor=actor, contact_id=contact_id)
    errors, form = {}, request.form
    if request.method == "POST":
        data = {k: form.get(k, "") for k in ("kind", "name", "organisation", "address", "classification", "notes")}
        data.update(sms_consent=form.get("sms_consent") == "1", outbound_consent=form.get("outbound_consent") == "1")
        try:
            service.update(actor=actor, contact_id=contact.id, data=data, new_phone=form.get("new_phone", ""),
                           tags=form.get("tags", "").replace("，", ",").split(","),
                           expected_version=_int(form.get("version")))
            flash(_("Contact saved."))
            return redirect(url_for("contacts.contact_page", contact_id=contact.id))
        except ValidationFailed as e:
            db.session.rollback()
            errors = say_errors(e.errors)
    status = 422 if errors else 200
    return render_template("pages/contacts/edit.html", c=service.present(actor, contact), errors=errors, form=form,
                           kinds=CONTACT_KINDS, classes=CLASSIFICATIONS), status


@bp.route("/contacts/<id:contact_id>/merge", methods=["GET", "POST"])
@login_required
def merge(contact_id: int):
    """Merge another contact (found by its id or one of its numbers) into this one."""
    actor = page_actor()
    actor.require(*access.MERGE_ROLES)
    contact = service.get(actor=actor, contact_id=contact_id)
    errors, other = {}, None
    if request.method == "POST":
        other_ref = request.form.get("other", "").strip()
        other = (service.by_phone(other_ref) if len(other_ref) >= 7 else None) or (
            db.session.get(Contact, int(other_ref)) if other_ref.isdigit() and len(other_ref) < 7 else None)
        try:
            if other is None:
                raise ValidationFailed({"other": [_("No contact with this id or number.")]})
            merging.merge(actor=actor, kept_id=contact.id, merged_id=other.id, reason=request.form.get("reason", ""))
            flash(_("Contacts merged."))
            return redirect(url_for("contacts.contact_page", contact_id=contact.id))
        except ValidationFailed as e:
            db.session.rollback()
            errors = say_errors(e.errors)
    return render_template("pages/contacts/merge.html", c=service.present(actor, contact), errors=errors), \
        (422 if errors else 200)


@bp.post("/calls/<id:call_record_id>/notes")
@login_required
def add_note(call_record_id: int):
    """通话备注 on a call (from the call page or during the call from the pop's contact page)."""
    actor = page_actor()
    call_center.get_call(actor=actor, call_record_id=call_record_id)     # 403/404 as for the call page
    try:
        notes.add(actor=actor, call_record_id=call_record_id, body=request.form.get("body", ""))
        flash(_("Note saved."))
    except ValidationFailed as e:
        db.session.rollback()
        for messages in say_errors(e.errors).values():
            flash(" ".join(messages), "error")
    back = request.form.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else
                    url_for("calls.call_page", call_record_id=call_record_id) + "#call-notes")


@bp.get("/phone/calls/<call_id>/contact")
@login_required
def pop_contact(call_id: str):
    """The screen pop's link: the caller's contact (created on first sight), by the call offered to this seat."""
    actor = page_actor()
    actor.require(*call_center.PHONE_ROLES)
    offer = call_center.offered_call(actor=actor, call_id=call_id)
    record = db.session.query(CallRecord).filter_by(call_id=call_id).first()
    caller = offer.caller if offer is not None else (record.caller if record is not None else None)
    if not caller:
        abort(404)
    contact = learn.link("call", record.id, caller, source_kind="call") if record else service.resolve(caller, source="call")
    if contact is None:
        abort(404)
    learn.name_from_cases(contact)
    db.session.commit()
    return redirect(url_for("contacts.contact_page", contact_id=contact.id))


def _int(value) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None
