"""外呼队列: an agent's (or visitor's) own calls to make now, click-to-call, and the result of each
attempt. Only their own calls: anyone else's is 404; a paused or finished campaign's is 409."""
from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.pages.campaigns.labels import all_labels
from api.pages.telephony.phone import json_endpoint
from api.pages.web import page_actor
from engine import campaigns
from engine.errors import ValidationFailed
from engine.localtime import stored
from forms.messages import msg

bp = Blueprint("outbound", __name__)


@bp.get("/outbound")
@login_required
def queue():
    return _page()


def _page(errors: dict | None = None, failed_target: int | None = None, status: int = 200):
    found = campaigns.calling.my_queue(actor=page_actor())
    return render_template("pages/campaigns/queue.html", due=found.due, later=found.later, errors=errors or {},
                           failed_target=failed_target, values=request.form, **all_labels()), status


@bp.post("/outbound/<id:target_id>/dial")
@json_endpoint
def dial(target_id: int):
    """Click-to-call (api/static/js/phone.js, [data-dial-url]): answers like the phone bar's dial."""
    placed = campaigns.calling.dial(actor=page_actor(), target_id=target_id)
    return jsonify(command_id=placed.command.id, number=placed.masked, status=placed.command.status,
                   status_url=url_for("phone.command", command_id=placed.command.id)), 202


def _call_back_at(raw: str) -> datetime | None:
    """A local date and time from <input type=datetime-local> as stored (naive UTC)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed({"call_back_at": [msg("not_a_moment", "must be a date and time")]}) from None
    return stored(local.date(), time(local.hour, local.minute))


@bp.post("/outbound/<id:target_id>/result")
@login_required
def result(target_id: int):
    """One attempt's result; a reached re-visit goes on to the case's visit form."""
    actor = page_actor()
    try:
        outcome = campaigns.calling.record_result(
            actor=actor, target_id=target_id, result=request.form.get("result", ""),
            note=request.form.get("note", ""), call_back_at=_call_back_at(request.form.get("call_back_at", "")))
    except ValidationFailed as exc:
        return _page(exc.errors, target_id, 422)
    if outcome.visit_item_id:
        flash(_("Reached: now record the visit."), "success")
        return redirect(url_for("task_pages.work_item", item_id=outcome.visit_item_id, next=url_for("outbound.queue")))
    flash(_("Result recorded."), "success")
    return redirect(url_for("outbound.queue"))
