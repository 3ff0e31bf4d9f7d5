"""/api/v1/process-versions: list stored versions, upload a new one (designers)."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import current_actor
from api.rest.schemas import ProcessVersionSchema
from engine.errors import ValidationFailed
from engine.organisation import roles as R
from engine.processes import versions as processes

blp = Blueprint("processes", __name__, url_prefix="/api/v1/process-versions",
                description="Process definitions (BPMN)")

MAX_BPMN_BYTES = 2 * 1024 * 1024


@blp.route("")
class ProcessVersions(MethodView):
    @blp.response(200, ProcessVersionSchema(many=True))
    def get(self):
        """Stored versions, newest first."""
        current_actor().require(R.DESIGNER, R.ADMIN, R.DISPATCHER, R.CENTER_LEADER)
        return processes.list_versions()

    @blp.response(201, ProcessVersionSchema)
    def post(self):
        """Upload BPMN XML (body, Content-Type application/xml) as a new immutable version."""
        actor = current_actor()
        actor.require(R.DESIGNER, R.ADMIN)
        xml = request.get_data(cache=False)
        if not xml:
            raise ValidationFailed({"body": ["send the BPMN XML as the request body"]})
        if len(xml) > MAX_BPMN_BYTES:
            raise ValidationFailed({"body": [f"larger than {MAX_BPMN_BYTES} bytes"]})
        return processes.load_version(xml=xml, actor=actor)
