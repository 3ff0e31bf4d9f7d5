"""GeoReport v2 answers in the format the URL asks for: `.json` (the default) or `.xml`.

The XML follows the standard's examples: a list becomes a wrapper element whose items carry the
singular name (<services><service>…, <service_requests><request>…, <errors><error>…), booleans
are `true`/`false`, a missing value is an empty element. Times are ISO 8601 with the +08:00 offset.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from xml.etree import ElementTree as ET

from flask import Response

from engine.localtime import local_moment

FORMATS = ("json", "xml")
# the element of each item of a list, by the list's own element name
ITEM_TAGS = {"services": "service", "attributes": "attribute", "values": "value", "endpoints": "endpoint",
             "formats": "format", "errors": "error", "service_requests": "request", "keywords": "keyword"}


def w3c(moment: datetime | None) -> str | None:
    """A stored (naive UTC) moment as the standard writes it: 2026-12-07T17:30:00+08:00."""
    return local_moment(moment).isoformat(timespec="seconds") if moment else None


def plain(value):
    """Dataclasses and times as JSON-ready values."""
    if dataclasses.is_dataclass(value):
        return {k: plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return w3c(value)
    return value


def answer(fmt: str, root: str, payload, status: int = 200) -> Response:
    """`payload` (a list, or a dict for discovery and service definitions) in `fmt`; `root` names
    the XML document element (services, service_definition, service_requests, discovery, errors)."""
    data = plain(payload)
    if fmt == "xml":
        element = _element(root, data)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="utf-8", xml_declaration=False)
        return Response(body, status=status, content_type="text/xml; charset=utf-8")
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8")


def _element(tag: str, value) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            element.append(_element(key, inner))
    elif isinstance(value, list):
        item = ITEM_TAGS.get(tag, "item")
        for inner in value:
            element.append(_element(item, inner))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element
