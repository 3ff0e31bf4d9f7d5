"""Turn an HTML form post into the data a task form validates (the services do the validating)."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from api.inputs import parse_id
from forms import Form


def from_request(form: Form, posted: MultiDict) -> dict:
    """Only the form's own fields; lists for multi-selects; empty inputs left out."""
    data: dict = {}
    for field in form.fields:
        if field.type == "departments":
            values = [v for v in posted.getlist(field.name) if v]
            if values:
                data[field.name] = values
            continue
        value = posted.get(field.name)
        if value not in (None, ""):
            data[field.name] = value
    return data


def version(posted: MultiDict) -> int | None:
    """The case version the user saw when the page was rendered (409 if it changed)."""
    return parse_id(posted.get("_version"))     # versions count from 1 like ids, in the same range
