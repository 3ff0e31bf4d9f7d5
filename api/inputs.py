"""What the web accepts before any service runs: ids in range, sane page numbers, storable text.

The database refuses what Python happily holds: an id past the column's 32-bit range, an OFFSET
past 64 bits, a NUL character or a lone UTF-16 surrogate in text. Left to reach it, each of these
was a 500 (found by fuzzing the API). Here they become a 404 (no such thing) or a 422 naming the
field, the same way for the REST API and the pages.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import UnprocessableEntity
from werkzeug.routing import IntegerConverter

from api.errors import N_
from engine.db import MAX_ID
from engine.deadlines.calendar import FIRST_YEAR, LAST_YEAR
from forms.messages import msg

MAX_PAGE = 100_000          # with at most 200 rows a page: far past any list, far inside OFFSET's range
_DIGITS = re.compile(r"[0-9]{1,10}")     # ASCII only: str.isdigit() also says yes to '²' and '٣'
# NUL (PostgreSQL text cannot hold it) and lone surrogates (not encodable as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


UNSTORABLE_MESSAGE = N_("contains a character that cannot be stored (NUL or an unpaired surrogate)")
UNSTORABLE_REQUEST = N_("The request contains characters that cannot be stored (NUL or an unpaired surrogate).")


class IdConverter(IntegerConverter):
    """`<id:case_id>`: 1 … 2³¹−1; anything else matches no route (404) and never reaches the database."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID, **kwargs)


class YearConverter(IntegerConverter):
    """`<year:year>`: a calendar year the engine keeps (engine.deadlines.calendar's range)."""

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, fixed_digits=4, min=FIRST_YEAR, max=LAST_YEAR, **kwargs)


def id_schema(_converter) -> dict:
    """The OpenAPI schema of an `<id:…>` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def year_schema(_converter) -> dict:
    return {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}


def parse_id(value: Any) -> int | None:
    """An id from a query or form value, or None when it cannot be one (no row has it)."""
    text = str(value or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_page(value: Any) -> int:
    """A 1-based page number from a query value; anything unusable is page 1, past the end the last."""
    text = str(value or "").strip()
    if not _DIGITS.fullmatch(text):
        return 1
    return min(max(int(text), 1), MAX_PAGE)


def parse_day(value: Any) -> date | None:
    """A day typed in a filter (YYYY-MM-DD) within the calendar's years, or None.

    Outside them local midnight may have no UTC time at all (year 1 in Shanghai is year 0 in UTC).
    """
    try:
        day = date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def day_argument(name: str, default: date | None, errors: dict) -> date | None:
    """The query argument `name` as a day (the default when blank); a bad one is noted in `errors`
    under its name (the page answers 422 naming it) and the default stands in."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return default
    day = parse_day(raw)
    if day is None:
        errors[name] = [msg("not_a_date", "must be a date (YYYY-MM-DD)")]
    return day or default


def unstorable_fields(value: Any, path: str = "") -> list[str]:
    """The dotted paths of every string in `value` (keys too) that the database cannot store."""
    if isinstance(value, str):
        return [path or "body"] if _UNSTORABLE.search(value) else []
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _UNSTORABLE.search(key):
                found.append(path or "body")
            found.extend(unstorable_fields(item, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(unstorable_fields(item, f"{path}.{index}" if path else str(index)))
    return found


def _guard() -> None:
    """Refuse a request carrying unstorable text anywhere: path, query, form, file names, JSON."""
    sources = {"path": request.view_args or {}, "query": request.args.to_dict(flat=False),
               "form": request.form.to_dict(flat=False),
               "files": {k: [f.filename or "" for f in v] for k, v in request.files.lists()}}
    if request.is_json:
        sources["json"] = request.get_json(silent=True)
    messages: dict[str, dict[str, list[str]]] = {}
    for location, data in sources.items():
        for name in unstorable_fields(data):
            field = name if location == "json" else name.split(".")[0]   # drop the list index of a form value
            messages.setdefault(location, {})[field] = [UNSTORABLE_MESSAGE]
    if messages:
        error = UnprocessableEntity(UNSTORABLE_REQUEST)
        error.data = {"messages": messages}      # read by api.errors like marshmallow's own
        raise error


def register_converters(app: Flask, rest_api) -> None:
    """`<id:…>` for the app's routes and the OpenAPI spec; before any route is added."""
    app.url_map.converters.update(id=IdConverter, year=YearConverter)
    rest_api.register_converter(IdConverter, id_schema)
    rest_api.register_converter(YearConverter, year_schema)


def init_app(app: Flask) -> None:
    """The guard before every view (after authentication: strangers learn nothing of the rules)."""
    app.before_request(_guard)
