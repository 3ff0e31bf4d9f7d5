"""The citizens' web form (/submit): a request typed by the citizen, with a verified phone.

Order of the checks, each for a reason: the honeypot first (a bot learns nothing, not even which
field it got wrong), then every field at once (the citizen fixes all in one go), then the per-phone
and per-place limits, then the code (consumed in the intake's own transaction), then the intake.
The receipt SMS with the query code is queued by the intake itself (engine.cases.open_case), so
nothing here sends it a second time.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from engine.cases import normalize_phone
from engine.channels import guard, verification
from engine.channels.intake import open_from_channel
from engine.db import db
from engine.errors import ValidationFailed, check_form
from engine.localtime import local_date
from engine.ports import now as clock_now
from forms import get_form
from forms.messages import msg

HONEYPOT = "website"          # a field people never see and bots like to fill
TITLE_CHARS = 20
ADDRESS_CHARS = 240           # room left in the case's 300 for the map point
CODE_PATTERN = re.compile(r"[0-9]{%d}" % verification.CODE_DIGITS)
CITIZEN_FIELDS = ("category", "matter_id", "content", "address", "citizen_name", "phone", "wants_sms_reply")


@dataclass(frozen=True)
class Receipt:
    """What the citizen is shown: the case number and the query code (case_id None: a decoy)."""

    case_no: str
    query_code: str
    case_id: int | None


def submit(data: dict, files: list[tuple[str, bytes]] = (), *, client_ip: str = "",
           now: datetime | None = None) -> Receipt:
    """Register the citizen's request from the form's `data` (strings as posted) and photos.
    ValidationFailed names each bad field (`code` for the verification code); Throttled (a
    ValidationFailed) when the phone or place posted too often."""
    at = now or clock_now()
    if str(data.get(HONEYPOT) or "").strip():
        guard.record(phone=normalize_phone(str(data.get("phone") or "")), place="", latitude=None, longitude=None,
                     client_ip=client_ip, case_id=None, honeypot=True, now=at)
        return decoy(at)
    fields, point = intake_fields(data)
    place = guard.place_key(str(data.get("address") or ""), *point)
    guard.check_limits(fields["phone"], place, at)
    verification.consume(fields["phone"], str(data.get("code") or ""), now=at)
    try:
        case = open_from_channel("web", fields, files=list(files))
    except BaseException:
        db.session.rollback()      # refused before the intake's own try: the code stays usable
        raise
    guard.record(phone=fields["phone"], place=place, latitude=point[0], longitude=point[1], client_ip=client_ip,
                 case_id=case.id, honeypot=False, now=at)
    return Receipt(case.case_no, case.query_code, case.id)


def intake_fields(data: dict) -> tuple[dict, tuple[float | None, float | None]]:
    """The intake data of the form and its map point, or one ValidationFailed with every problem."""
    errors: dict[str, list[str]] = {}
    point = _point(data, errors)
    address = " ".join(str(data.get("address") or "").split())
    if len(address) > ADDRESS_CHARS:
        errors["address"] = [msg("max_length", "at most %(max)s characters", max=ADDRESS_CHARS)]
    elif not address and point[0] is None:
        errors["address"] = [msg("address_or_point", "enter the address or use your location")]
    if not CODE_PATTERN.fullmatch(str(data.get("code") or "").strip()):
        errors["code"] = [msg("code_format", "enter the %(n)s-digit code from the SMS", n=verification.CODE_DIGITS)]
    content = str(data.get("content") or "").strip()
    fields = {k: data[k] for k in CITIZEN_FIELDS if data.get(k) not in (None, "")}
    fields.update(title=_title(content), content=content, address=_with_point(address, point), channel="web",
                  wants_sms_reply=str(data.get("wants_sms_reply") or "").lower() in ("true", "on", "1", "yes"))
    try:
        clean = check_form(get_form("intake"), fields)
    except ValidationFailed as exc:
        found = dict(exc.errors)
        if "title" in found:      # the title is the description's start: its problem is the description's
            found.setdefault("content", found.pop("title"))
        errors = {**found, **errors}
        clean = {}
    if errors:
        raise ValidationFailed(errors)
    clean["phone"] = verification.check_phone(clean["phone"])
    return clean, point


def _point(data: dict, errors: dict) -> tuple[float | None, float | None]:
    """The map point from the browser's geolocation (both or neither), within the world."""
    raw = [str(data.get(k) or "").strip() for k in ("latitude", "longitude")]
    if not any(raw):
        return None, None
    try:
        lat, lng = float(raw[0]), float(raw[1])
    except ValueError:
        lat = lng = float("nan")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["location"] = [msg("location_invalid", "the location is not a valid map point")]
        return None, None
    return round(lat, 6), round(lng, 6)


def _title(content: str) -> str:
    one_line = " ".join(content.split())
    return one_line if len(one_line) <= TITLE_CHARS else one_line[:TITLE_CHARS] + "…"


def _with_point(address: str, point: tuple[float | None, float | None]) -> str:
    if point[0] is None:
        return address
    where = f"定位 {point[0]:.6f},{point[1]:.6f}"
    return f"{address}（{where}）" if address else where


def decoy(at: datetime) -> Receipt:
    """A receipt that looks real and names nothing: what a bot that filled the honeypot is shown."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"      # the real codes' (engine.cases.numbering)
    return Receipt(case_no=f"GD{local_date(at):%Y%m%d}{secrets.randbelow(2000) + 1:06d}",
                   query_code="".join(secrets.choice(alphabet) for _ in range(10)), case_id=None)
