"""What GET and POST parameters mean to the interface: lists, W3C dates, attributes, the
jurisdiction. A wrong value is a GeoReportError (400) naming the parameter."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import current_app, request

from api.open311.errors import GeoReportError
from engine.channels.open311_status import Filters
from engine.localtime import TZ

DEFAULT_JURISDICTION = "12345"
POST_FIELDS = ("service_code", "lat", "long", "address_string", "address_id", "email", "device_id", "account_id",
               "first_name", "last_name", "phone", "description", "media_url")
_ATTRIBUTE = re.compile(r"attribute\[([A-Za-z0-9_\-]{1,40})\](\[\])?")
STATUSES = ("open", "closed")


def jurisdiction() -> str:
    return current_app.config.get("OPEN311_JURISDICTION", DEFAULT_JURISDICTION)


def check_jurisdiction() -> None:
    """A jurisdiction_id, when given, must be ours (one jurisdiction: it may be left out)."""
    given = request.values.get("jurisdiction_id")
    if given is not None and given != jurisdiction():
        raise GeoReportError(404, "jurisdiction_id", f"jurisdiction_id {given[:60]} was not found",
                             f"没有辖区 {given[:60]}，本接口的辖区为 {jurisdiction()}")


def post_fields() -> tuple[dict[str, str], dict[str, str]]:
    """The request's fields (form-encoded, as the standard says) and its attribute[code] values."""
    form = request.form
    fields = {name: form.get(name, "").strip() for name in POST_FIELDS if form.get(name) is not None}
    attributes = {}
    for key in form:
        found = _ATTRIBUTE.fullmatch(key)
        if found:
            attributes[found[1]] = ",".join(form.getlist(key)) if found[2] else form.get(key, "")
        elif key.startswith("attribute"):
            raise GeoReportError(400, key[:60], "malformed attribute: use attribute[code]", "属性格式应为 attribute[代码]")
    return fields, attributes


def filters() -> Filters:
    """The GET requests filters: comma lists, W3C times, open|closed."""
    args = request.args
    ids = _list(args.get("service_request_id"))
    statuses = _list(args.get("status"))
    bad = [s for s in statuses or () if s not in STATUSES]
    if bad:
        raise GeoReportError(400, "status", "must be open or closed", "须为 open 或 closed")
    return Filters(service_request_ids=ids, service_codes=_list(args.get("service_code")),
                   start=w3c_time("start_date"), end=w3c_time("end_date"), statuses=statuses)


def w3c_time(name: str) -> datetime | None:
    """A W3C (ISO 8601) time as stored (naive UTC); a time without an offset is Beijing time."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise GeoReportError(400, name, "must be a W3C date and time, e.g. 2026-12-01T00:00:00+08:00",
                             "须为 W3C 日期时间格式，如 2026-12-01T00:00:00+08:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TZ)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _list(raw: str | None) -> list[str] | None:
    values = [v.strip() for v in (raw or "").split(",") if v.strip()]
    return values or None
