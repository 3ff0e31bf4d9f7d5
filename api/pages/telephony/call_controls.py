"""Call controls of the phone bar and supervision from the wallboard (JSON for
api/static/js/call_controls.js). The services check roles, the seat's call and its state; each
control answers 202 with the queued command, followed at /phone/commands/<id> until the switch's
answer and its confirming event are in."""
from __future__ import annotations

import time

from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _

from api.pages.filters import local_time
from api.pages.telephony.phone import STATE_LABELS, json_endpoint
from api.pages.web import page_actor
from engine.organisation import roles as R
from engine.ports import mask_phone
from engine.telephony import call_center, controls, supervision

bp = Blueprint("call_controls", __name__)


def _accepted(row):
    return jsonify(command_id=row.id, kind=row.kind, status=row.status,
                   status_url=url_for("phone.command", command_id=row.id)), 202


def _data() -> dict:
    return request.get_json(silent=True) or request.form


@bp.post("/phone/control")
@json_endpoint
def control():
    """answer / hangup / hold / unhold / transfer / consult / xfer_complete / xfer_cancel on the seat's call."""
    data = _data()
    return _accepted(controls.control(actor=page_actor(), call_id=str(data.get("call_id", "")),
                                      action=str(data.get("action", "")), target=str(data.get("target", ""))))


@bp.post("/phone/pickup")
@json_endpoint
def pickup():
    """Pick up a call ringing at a colleague's seat."""
    return _accepted(controls.pickup(actor=page_actor(), extension=str(_data().get("extension", ""))))


@bp.get("/phone/call")
@json_endpoint
def call_state():
    """The seat's call as the controls see it: held, attended transfer open, transfer targets."""
    actor = page_actor()
    seat = call_center.my_status(actor)
    call_id = seat.call_id if seat else None
    targets = controls.transfer_targets(actor=actor)
    return jsonify(call_id=call_id, state=seat.state if seat else "logged_out",
                   held=bool(call_id) and controls.is_held(call_id),
                   consulting=bool(call_id) and controls.open_consult(call_id) is not None,
                   targets=[{"value": f"agent:{ext}", "label": _("Agent %(ext)s %(name)s", ext=ext, name=name)}
                            for ext, name in targets["agents"]]
                   + [{"value": f"queue:{q}", "label": _("Queue %(name)s", name=q)} for q in targets["queues"]]
                   + [{"value": f"contact:{uid}", "label": f"{dept} · {name}"} for uid, name, dept in targets["contacts"]])


@bp.get("/supervision/calls")
@json_endpoint
def live_calls():
    """The calls on agents' phones now, for the wallboard's supervision list (leads only)."""
    actor = page_actor()
    actor.require(*supervision.SUPERVISE_ROLES)
    now = time.time()
    current = supervision.current(actor)
    labels = STATE_LABELS()
    rows = [{"call_id": c["uuid"], "caller": mask_phone(c.get("caller") or ""),
             "agent": (c.get("agent") or "").split("@")[0], "stage": c.get("stage"),
             "stage_label": labels.get(c.get("stage"), c.get("stage")),
             "queue": c.get("queue"), "seconds": int(now - c["since"]) if c.get("since") else None}
            for c in sorted(controls.agent_calls().values(), key=lambda c: c.get("since") or 0)]
    return jsonify(calls=rows, supervising=current.call_id if current else None,
                   supervising_status=current.status if current else None,
                   can_supervise=actor.has(R.SHIFT_LEAD, R.CENTER_LEADER, R.SUPERVISOR))


@bp.post("/supervision/start")
@json_endpoint
def start():
    """Ring the lead's seat into a call, listening."""
    return _accepted(supervision.start(actor=page_actor(), call_id=str(_data().get("call_id", ""))))


@bp.post("/supervision/mode")
@json_endpoint
def mode():
    """listen / whisper / caller / barge."""
    return _accepted(supervision.mode(actor=page_actor(), mode=str(_data().get("mode", ""))))


@bp.post("/supervision/stop")
@json_endpoint
def stop():
    """Leave the supervised call."""
    return _accepted(supervision.stop(actor=page_actor()))


def audit_rows(call_id: str) -> list[dict]:
    """The call page's list of controls (who, when, what, the switch's answer)."""
    labels = control_labels()
    return [dict(row, label=labels.get(row["kind"], row["kind"]), at=local_time(row["at"]))
            for row in supervision.audit(call_id)]


def control_labels() -> dict[str, str]:
    return {"answer": _("Answer the call"), "hangup": _("Hang up"), "hold": _("Hold"), "unhold": _("Resume the call"),
            "transfer": _("Blind transfer"), "consult": _("Consult (attended transfer)"),
            "xfer_complete": _("Complete transfer"), "xfer_cancel": _("Cancel transfer"),
            "pickup": _("Pick up"), "eavesdrop": _("Supervision: listen"),
            "supervise": _("Supervision: change mode"), "supervise_end": _("Supervision: end")}
