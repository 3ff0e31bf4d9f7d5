"""POST requests: one GeoReport v2 service request becomes exactly one case, through the channels'
one intake door (open_from_channel), in the registered client's channel. The POST validates and
queues it and answers with a token (GeoReport's way for a service that registers later); the
scheduler opens the case from the queue (open311_queue), so a peak of posts never waits for the
workflow.

The GeoReport fields map onto the intake form: title = the service's name and the start of the
description, content = description, address = address_string (else "lat,long"), category = the
attribute, else the dispatch catalogue's for the matter, else 求助; the citizen = last and first
name, else 匿名. What the intake has no field for (media_url, the location as given, email,
device and account ids) is kept on the request's own row and in a case event, so the agents see
it on the timeline. media_url is a link: it is never downloaded.
"""
from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass

from engine.channels import open311_clients, open311_services as catalogue
from engine.channels.intake import check_from_channel
from engine.channels.open311_queue import QUEUED
from engine.db import db
from engine.errors import NotFound, ValidationFailed
from engine.models import Open311Request
from engine.ports import now as clock_now
from forms.messages import msg

ANONYMOUS = "匿名"
QUEUED_NOTICE = ("12345 已收到您的诉求，正在登记为工单；请凭 token 查询工单编号，"
                 "登记后查询码将短信发送至您的手机，可凭查询码和手机号查询办理进度。")
TITLE_PREFIX = 30            # characters of the description after the service's name
LIMITS = {"address_string": 300, "address_id": 64, "email": 254, "device_id": 100, "account_id": 100,
          "first_name": 50, "last_name": 50, "media_url": 1000}
# The intake form's field → the GeoReport parameter a client knows, so a refusal names what it sent.
OPEN311_NAME = {"content": "description", "title": "description", "citizen_name": "first_name",
                "address": "address_string", "phone": "phone", "matter_id": "service_code",
                "category": "attribute[category]", "urgency": "attribute[urgency]",
                "confidential": "attribute[confidential]"}
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Submitted:
    service_request_id: str      # "" while the request waits in the queue (the token finds it later)
    token: str
    service_notice: str
    account_id: str


def submit(client: open311_clients.Authenticated, params: dict[str, str], attributes: dict[str, str]) -> Submitted:
    """Validate the request as the intake would and store it in the intake queue with a token;
    the scheduler opens its case (open_queued). ValidationFailed names the GeoReport parameter
    that is missing or wrong (the API answers 400), so nothing invalid is ever queued."""
    service, location = _check(params, attributes)
    data = _intake_data(service, params, attributes, location)
    try:
        check_from_channel(client.channel, data)
    except ValidationFailed as exc:
        raise ValidationFailed({OPEN311_NAME.get(k, k): v for k, v in exc.errors.items()}) from None
    token = secrets.token_hex(16)
    _queue(client, token, data, params, attributes, location)
    return Submitted("", token, QUEUED_NOTICE, params.get("account_id", ""))


def _check(params: dict[str, str], attributes: dict[str, str]):
    """The service and the location (lat, long, address_string, address_id), or ValidationFailed."""
    errors: dict[str, list] = {}
    code = params.get("service_code", "")
    service = None
    if not code:
        errors["service_code"] = [msg("required", "required")]
    else:
        try:
            service = catalogue.service(code)
        except NotFound as exc:
            errors["service_code"] = [exc.message]
    location = _location(params, errors)
    for name, limit in LIMITS.items():
        if len(params.get(name, "")) > limit:
            errors[name] = [msg("max_length", "at most %(max)s characters", max=limit)]
    if params.get("media_url") and not _URL.fullmatch(params["media_url"]):
        errors["media_url"] = [msg("open311_bad_url", "must be an http(s) URL")]
    if params.get("email") and not _EMAIL.fullmatch(params["email"]):
        errors["email"] = [msg("open311_bad_email", "must be an email address")]
    if not params.get("phone"):         # the intake needs a number to call the citizen back on
        errors["phone"] = [msg("required", "required")]
    if not params.get("description", "").strip():
        errors["description"] = [msg("required", "required")]
    errors.update(_attribute_errors(attributes))
    if errors:
        raise ValidationFailed(errors)
    return service, location


def _location(params: dict[str, str], errors: dict) -> tuple:
    """(lat, long, address_string, address_id): at least one place, lat and long together and valid."""
    lat, lng = (_coordinate(params, name, bound, errors) for name, bound in (("lat", 90), ("long", 180)))
    if (lat is None) != (lng is None) and not errors.get("lat") and not errors.get("long"):
        errors["long" if lng is None else "lat"] = [msg("open311_lat_long", "lat and long go together")]
    address, address_id = params.get("address_string", "").strip(), params.get("address_id", "").strip()
    if lat is None and lng is None and not address and not address_id and "lat" not in errors and "long" not in errors:
        errors["address_string"] = [msg("open311_location", "a location is required: lat and long, "
                                                            "address_string or address_id")]
    return lat, lng, address, address_id


def _coordinate(params: dict[str, str], name: str, bound: int, errors: dict) -> float | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        errors[name] = [msg("open311_coordinate", "must be a number between -%(b)s and %(b)s", b=bound)]
        return None
    return value


def _attribute_errors(attributes: dict[str, str]) -> dict[str, list]:
    allowed = {a.code: {k for k, _n in a.values} for a in catalogue.attributes()}
    errors = {}
    for code, value in attributes.items():
        if code not in allowed:
            errors[f"attribute[{code}]"] = [msg("unknown_field", "unknown field")]
        elif value and value not in allowed[code]:
            errors[f"attribute[{code}]"] = [msg("not_an_option", "must be one of: %(options)s",
                                                options=", ".join(sorted(allowed[code])))]
    return errors


def _intake_data(service, params: dict[str, str], attributes: dict[str, str], location: tuple) -> dict:
    lat, lng, address, address_id = location
    description = params["description"].strip()
    first_line = " ".join(description.split())[:TITLE_PREFIX]
    return {
        "category": attributes.get("category") or catalogue.category_of(service.matter_id),
        "citizen_name": _citizen(params.get("first_name", ""), params.get("last_name", "")),
        "phone": params["phone"], "title": f"{service.name}：{first_line}"[:200], "content": description,
        "matter_id": service.matter_id,
        "address": address or (f"{lat},{lng}" if lat is not None else f"address_id {address_id}"),
        "urgency": attributes.get("urgency") or "normal",
        "confidential": attributes.get("confidential") == "true",
    }


def _citizen(first: str, last: str) -> str:
    """Chinese names read family name first (张 + 三); Latin ones first name first."""
    first, last = first.strip(), last.strip()
    if not first and not last:
        return ANONYMOUS
    if (first + last).isascii():
        return f"{first} {last}".strip()[:100]
    return f"{last}{first}"[:100]


def _queue(client, token: str, data: dict, params: dict, attributes: dict, location: tuple) -> None:
    """The request's row (token, location as given, media link), waiting with its intake fields
    and what the intake has no field for (the event its case will carry); the client's last use
    is noted in the same transaction."""
    lat, lng, address, address_id = location
    now = clock_now()
    extra = {k: params[k] for k in ("email", "device_id", "account_id", "media_url") if params.get(k)}
    event = {"client": client.name, "client_id": client.id, "token": token, "lat": lat, "long": lng,
             "address_id": address_id, "attributes": attributes, "received_at": now.isoformat(), **extra}
    db.session.add(Open311Request(token=token, case_id=None, client_id=client.id, address_string=address,
                                  address_id=address_id, lat=lat, long=lng, media_url=params.get("media_url", ""),
                                  created_at=now, state=QUEUED, intake={"fields": data, "event": event}))
    open311_clients.touch(client.id, now, client.last_used_at)
    db.session.commit()
