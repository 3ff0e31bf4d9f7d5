"""The web form's abuse guard without a CAPTCHA: limits per phone and per place, counted in the
database (every web process sees the same counts), and the honeypot's log.

The per-address limit of the client's IP is the web's (flask-limiter on the page); these are the
limits an attacker rotating addresses still meets.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select

from engine.channels.verification import Throttled
from engine.db import db
from engine.models import WebSubmission
from forms.messages import msg

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
PER_PHONE = 5        # a citizen rarely has more than a few new problems a day
PER_PLACE = 20       # neighbours report the same broken lamp: higher, but not unbounded


def place_key(address: str, latitude: float | None, longitude: float | None) -> str:
    """What makes two posts 'the same place': the address without spaces and case, else the map
    point rounded to about 100 m."""
    text = "".join((address or "").split()).lower()
    if text:
        return text[:120]
    if latitude is not None and longitude is not None:
        return f"@{latitude:.3f},{longitude:.3f}"
    return ""


def check_limits(phone: str, place: str, now: datetime) -> None:
    """Throttled, naming `phone` or `address`, when either posted too often in the last 24 hours."""
    since = now - WINDOW
    by_phone = db.session.execute(select(func.count()).select_from(WebSubmission).where(
        WebSubmission.phone == phone, WebSubmission.created_at > since)).scalar()
    if by_phone >= PER_PHONE:
        raise Throttled({"phone": [msg("phone_too_many", "this phone has sent %(n)s requests today; "
                                                         "please call 12345 instead", n=PER_PHONE)]})
    if not place:
        return
    by_place = db.session.execute(select(func.count()).select_from(WebSubmission).where(
        WebSubmission.place_key == place, WebSubmission.created_at > since)).scalar()
    if by_place >= PER_PLACE:
        raise Throttled({"address": [msg("place_too_many", "many requests about this place today already; "
                                                           "please call 12345 instead")]})


def record(*, phone: str, place: str, latitude: float | None, longitude: float | None, client_ip: str,
           case_id: int | None, honeypot: bool, now: datetime) -> None:
    """Count one post (committed): an accepted one with its case, or a bot's."""
    if honeypot:
        log.warning("web form honeypot filled from %s: nothing registered", client_ip or "?")
    try:
        db.session.add(WebSubmission(phone=phone[:32], place_key=place, latitude=latitude, longitude=longitude,
                                     client_ip=client_ip[:64], honeypot=honeypot, case_id=case_id, created_at=now))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
