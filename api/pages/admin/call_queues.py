"""Admin page of the call queues (呼叫队列) and the IVR menu: each queue's menu key, priority,
strategy, waits, position announcement and seats; saving one queues the switch commands that apply
it (engine.telephony.queues). Admins only; every change audited."""
from __future__ import annotations

import dataclasses

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.pages.admin.audit import recent, require_admin, translate
from engine.errors import ValidationFailed
from engine.organisation.actor import Actor
from engine.telephony import queues

bp = Blueprint("admin_queues", __name__)
FIELDS = [f for f in queues.FIELDS]
NEW = {"priority": 5, "strategy": "longest-idle-agent", "max_wait_time": 60, "max_wait_time_with_no_agent": 30,
       "voicemail_wait": 40, "announce_position": True, "announce_frequency": 30, "active": True}


@bp.get("/admin/call-queues")
@login_required
def index():
    return _page(require_admin())


@bp.post("/admin/call-queues")
@login_required
def create():
    return _save(None)


@bp.post("/admin/call-queues/<id:queue_id>")
@login_required
def update(queue_id: int):
    return _save(queue_id)


def _save(queue_id: int | None):
    actor = require_admin()
    values = {name: request.form.get(name, "").strip() for name in FIELDS}
    for flag in ("announce_position", "active"):
        values[flag] = request.form.get(flag) == "on"
    try:
        row = queues.save(actor=actor, data=values, queue_id=queue_id,
                          reason=request.form.get("reason", "").strip()[:200])
    except ValidationFailed as exc:
        return _page(actor, values=values, errors=exc.errors, editing=queue_id, status=422)
    flash(_("Queue %(name)s saved; the switch is being updated.", name=row.label), "success")
    return redirect(url_for("admin_queues.index"))


def strategy_labels() -> dict[str, str]:
    """mod_callcenter's strategies in words."""
    return {"ring-all": _("Ring all free seats at once"), "longest-idle-agent": _("Longest idle seat first"),
            "round-robin": _("In turn (round robin)"), "top-down": _("Always from the first seat (top down)"),
            "agent-with-least-talk-time": _("Seat with the least talk time"),
            "agent-with-fewest-calls": _("Seat with the fewest calls"),
            "sequentially-by-agent-order": _("Seats in their order, level by level"), "random": _("Random seat")}


def _page(actor: Actor, *, values: dict | None = None, errors: dict | None = None, editing: int | None = None,
          status: int = 200):
    rows = queues.all_queues()
    changes = [dataclasses.replace(ch, area=_("Call queues")) for ch in recent(actor, (queues.AREA,))]
    return render_template("pages/admin/call_queues.html", rows=rows, data={r.id: queues.as_data(r) for r in rows},
                           values=values or NEW, errors=translate(errors or {}), editing=editing,
                           strategies=strategy_labels(), changes=changes), status
