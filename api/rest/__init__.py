"""REST API under /api/v1 (flask-smorest: marshmallow validation and OpenAPI)."""
from flask_smorest import Api


def register(api: Api) -> None:
    from api.rest import cases, processes, work_items
    api.register_blueprint(cases.blp)
    api.register_blueprint(work_items.blp)
    api.register_blueprint(processes.blp)
