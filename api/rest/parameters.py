"""/api/v1/parameters: business parameters, edited by admins, effective at once."""
from __future__ import annotations

from flask.views import MethodView

from api.auth import current_actor
from api.rest.blueprint import Blueprint
from api.rest.schemas import ParameterSchema, ParameterUpdateSchema
from engine.errors import NotFound
from engine.organisation import parameters, settings

blp = Blueprint("parameters", __name__, url_prefix="/api/v1/parameters", description="Parameters (参数)")


@blp.route("")
class Parameters(MethodView):
    @blp.response(200, ParameterSchema(many=True))
    def get(self):
        """Every parameter with its current value and default."""
        current_actor()
        values = settings.snapshot()
        return [{"name": n, "value": values[n], "default": d} for n, d in sorted(parameters.DEFAULTS.items())]


@blp.route("/<name>")
class ParameterOne(MethodView):
    @blp.arguments(ParameterUpdateSchema)
    @blp.response(200, ParameterSchema)
    def put(self, body, name):
        """Change a parameter (admin); audited; the next action anywhere uses it."""
        if name not in parameters.DEFAULTS or name == "calendar.revision":
            raise NotFound(f"parameter '{name}' does not exist")
        value = settings.set_parameter(actor=current_actor(), name=name, value=body["value"], reason=body["reason"])
        return {"name": name, "value": value, "default": parameters.DEFAULTS[name]}
