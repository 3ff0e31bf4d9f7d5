"""REST API under /api/v1 (flask-smorest: marshmallow validation and OpenAPI)."""
from flask_smorest import Api


def register(api: Api) -> list:
    """Register every REST blueprint; returns them (the pages exempt them from CSRF)."""
    from api.rest import (
        calendar,
        cases,
        documents,
        notifications,
        parameters,
        processes,
        screening,
        statistics,
        statistics_custom,
        work_items,
    )
    modules = (cases, work_items, processes, calendar, parameters, notifications, documents, statistics,
               statistics_custom, screening)
    for module in modules:
        api.register_blueprint(module.blp)
    return [module.blp for module in modules]
