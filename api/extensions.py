"""Flask extensions, created unbound and attached in the app factory."""
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest.error_handler import ErrorSchema
from marshmallow import fields

from engine.cases.search import not_modelled
from engine.db import db


class CodedErrorSchema(ErrorSchema):
    """The error body as api/errors.py writes it: the English message and its stable code."""

    error = fields.String(metadata={"description": "stable code of the error (e.g. case_not_found)"})
    error_codes = fields.Dict(metadata={"description": "stable code of each field's problem, "
                                                       "shaped like `errors` (e.g. {\"json\": {\"title\": [\"max_length\"]}})"})


class CodedApi(Api):
    ERROR_SCHEMA = CodedErrorSchema


# The search index and FTS tables are built by migration 0015 and described by no model.
migrate = Migrate(include_object=not_modelled)
rest_api = CodedApi()

__all__ = ["db", "migrate", "rest_api"]
