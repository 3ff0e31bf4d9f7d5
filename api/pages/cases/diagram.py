"""A case's process diagram for the case page (api/static/js/diagram.js draws it): the BPMN XML
of the case's own process version, and where the case stands on it as JSON. Both behind the
case page's scope check: a case the viewer may not see is a 403 (or 404), like the page."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask_login import login_required

from api.pages.filters import COLOUR_LABELS, label, local_time
from api.pages.web import page_actor
from engine.cases import diagram

bp = Blueprint("case_diagram", __name__)


@bp.get("/cases/<id:case_id>/diagram.bpmn")
@login_required
def diagram_xml(case_id: int):
    """The XML of the version the case started on (immutable, so the browser may keep it)."""
    xml = diagram.version_xml(case_id=case_id, actor=page_actor())
    return Response(xml, mimetype="application/xml",
                    headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"})


@bp.get("/cases/<id:case_id>/diagram.json")
@login_required
def diagram_state(case_id: int):
    """{"completed": [element ids], "flows": [sequence flow ids], "closed": bool, "active":
    [{"id", "task", "department", "colour", "colour_label", "due", "work_item_id"}]}."""
    found = diagram.state(case_id=case_id, actor=page_actor())
    response = jsonify(completed=found.completed, flows=found.flows, closed=found.closed,
                       active=[_step(step) for step in found.active])
    response.headers["Cache-Control"] = "no-store"
    return response


def _step(step: diagram.ActiveStep) -> dict:
    return {"id": step.element_id, "task": step.task, "department": step.department,
            "colour": step.colour, "colour_label": label(COLOUR_LABELS, step.colour) if step.colour else None,
            "due": local_time(step.due_at) or None, "work_item_id": step.work_item_id}
