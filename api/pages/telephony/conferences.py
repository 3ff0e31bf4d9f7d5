"""会商: a host's conference on a case — the members as the switch reports them (polled as JSON by
api/static/js/conference.js), the host's mute / unmute / remove buttons, the invite form, the end.
The services check roles, the case's scope, the host and the conference's state."""
from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from api.pages.filters import local_time
from api.pages.telephony.phone import json_endpoint
from api.pages.web import page_actor
from engine.errors import DomainError
from engine.telephony import conferences

bp = Blueprint("conferences", __name__)


def status_labels() -> dict[str, str]:
    return {"invited": _("Calling…"), "joined": _("In the conference"), "left": _("Left"),
            "failed": _("Not connected"), "open": _("In progress"), "ended": _("Conference ended")}


def kind_labels() -> dict[str, str]:
    return {"seat": _("Colleague's seat"), "contact": _("Department contact"), "citizen": _("Citizen"),
            "caller": _("Caller in the room")}


@bp.post("/cases/<id:case_id>/conferences")
@login_required
def start(case_id: int):
    """Open a conference on the case (the actor hosts it) and go to its page."""
    room = conferences.start(actor=page_actor(), case_id=case_id)
    return redirect(url_for("conferences.page", conference_id=room.id))


@bp.get("/conferences/<id:conference_id>")
@login_required
def page(conference_id: int):
    actor = page_actor()
    data = conferences.view(actor=actor, conference_id=conference_id)
    invitable = conferences.invitable(actor=actor, conference_id=conference_id) \
        if data["is_host"] and data["conference"].status == "open" else None
    return render_template("pages/telephony/conference.html", **data, invitable=invitable,
                           statuses=status_labels(), kinds=kind_labels())


@bp.get("/conferences/<id:conference_id>/members")
@json_endpoint
def members(conference_id: int):
    """The conference's state and members now (the page polls it)."""
    data = conferences.view(actor=page_actor(), conference_id=conference_id)
    room, statuses, kinds = data["conference"], status_labels(), kind_labels()
    return jsonify(status=room.status, status_label=statuses[room.status], in_room=data["in_room"], max=data["max"],
                   is_host=data["is_host"] and room.status == "open",
                   members=[dict(m, status_label=statuses.get(m["status"], m["status"]),
                                 kind_label=kinds.get(m["kind"], m["kind"]), joined_at=local_time(m["joined_at"]),
                                 left_at=local_time(m["left_at"])) for m in data["members"]])


@bp.post("/conferences/<id:conference_id>/invite")
@json_endpoint
def invite(conference_id: int):
    """Call the chosen seats, contacts and (typed, checked) number into the room."""
    data = request.get_json(silent=True) or {}
    rows = conferences.invite(actor=page_actor(), conference_id=conference_id,
                              seats=[str(s) for s in data.get("seats") or []],
                              contacts=[c for c in data.get("contacts") or [] if isinstance(c, (int, str))],
                              number=str(data.get("number") or ""))
    return jsonify(invited=[r.id for r in rows]), 202


@bp.post("/conferences/<id:conference_id>/members/<id:member>/<action>")
@json_endpoint
def member_action(conference_id: int, member: int, action: str):
    """mute / unmute / kick one member."""
    row = conferences.act(actor=page_actor(), conference_id=conference_id, member=member, action=action)
    return jsonify(command_id=row.id, status_url=url_for("phone.command", command_id=row.id)), 202


@bp.post("/conferences/<id:conference_id>/end")
@json_endpoint
def end(conference_id: int):
    room = conferences.end(actor=page_actor(), conference_id=conference_id)
    return jsonify(status=room.status), 202


@bp.app_template_global("case_conferences")
def case_conferences(case_id: int) -> list:
    """The case page's list of conferences (empty where the actor may not see them)."""
    try:
        return conferences.of_case(actor=page_actor(), case_id=case_id)
    except DomainError:
        return []


@bp.app_template_global("may_host_conference")
def may_host_conference() -> bool:
    return current_user.is_authenticated and page_actor().has(*conferences.HOST_ROLES)


@bp.app_template_global("my_conferences")
def my_conferences() -> list:
    """Open conferences the signed-in user hosts (the phone bar links to them)."""
    return conferences.mine(actor=page_actor()) if current_user.is_authenticated else []
