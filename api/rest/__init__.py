"""REST API under /api/v1 (flask-smorest: marshmallow validation and OpenAPI)."""
from flask_smorest import Api


def register(api: Api) -> None:
    from api.rest import calendar, cases, notifications, parameters, processes, work_items
    for module in (cases, work_items, processes, calendar, parameters, notifications):
        api.register_blueprint(module.blp)
