"""Registered Open311 clients (an app, a WeChat mini-program backend, a partner site): the admin
creates, deactivates and re-keys them; each POST authenticates with the client's api_key.

The key is shown once (at creation or rotation) and only its SHA-256 is kept, like the REST API's
bearer tokens. Every admin change is a ConfigChange(area="open311", key="client:<id>").
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from engine.db import db
from engine.errors import NotFound, check_form
from engine.models import ChannelClient
from engine.organisation import Actor, commit_edit, roles as R
from engine.ports import now as clock_now
from forms import Field, Form
from forms.messages import msg

AUDIT_AREA = "open311"
KEY_PREFIX = "o311_"
CHANNELS = (("app", "APP", "App"), ("wechat", "微信", "WeChat"), ("web", "网站", "Web"))
DEFAULT_RATE = "600/minute"
# "600/minute", "10 per second": what the limiter understands, kept to one number and one unit.
RATE_PATTERN = r"[1-9][0-9]{0,5} ?(/|per) ?(second|minute|hour|day)"
CLIENT_FORM = Form("open311_client", "Open311 接入方", "Open311 client", (
    Field("name", "string", "名称", "Name", required=True, max_length=100),
    Field("channel", "choice", "来源渠道", "Channel", required=True, options=CHANNELS),
    Field("rate_limit", "string", "限流", "Rate limit", max_length=32, pattern=RATE_PATTERN, default=DEFAULT_RATE),
))
SNAPSHOT_FIELDS = ("name", "channel", "rate_limit", "active", "key_hint")
# last_used_at is written at most this often: one client posting 200 requests a second must not
# queue every request behind an update of its own row.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Authenticated:
    """What a request needs of its client (detached from the session)."""

    id: int
    name: str
    channel: str
    rate_limit: str
    last_used_at: datetime | None = None


def list_clients(*, actor: Actor) -> list[ChannelClient]:
    actor.require(R.ADMIN)
    return list(db.session.execute(select(ChannelClient).order_by(ChannelClient.id)).scalars())


def get_client(*, actor: Actor, client_id: int) -> ChannelClient:
    actor.require(R.ADMIN)
    row = db.session.get(ChannelClient, client_id)
    if row is None:
        raise NotFound(msg("open311_client_not_found", "Open311 client %(id)s does not exist", id=client_id))
    return row


def create_client(*, actor: Actor, data: dict, reason: str = "") -> tuple[ChannelClient, str]:
    """A new active client and its api_key (returned this once, stored hashed); audited."""
    actor.require(R.ADMIN)
    clean = check_form(CLIENT_FORM, data)
    key = new_key()
    now = clock_now()
    row = ChannelClient(name=clean["name"], channel=clean["channel"], rate_limit=_rate(clean.get("rate_limit")),
                        key_hash=hash_key(key), key_hint=key[-4:], active=True, created_at=now,
                        created_by_id=actor.user_id, updated_at=now, updated_by_id=actor.user_id)
    db.session.add(row)
    _commit(row, None, actor, reason)
    return row, key


def update_client(*, actor: Actor, client_id: int, data: dict, reason: str = "") -> ChannelClient:
    """Rename, move to another channel or change the rate limit; audited."""
    row = get_client(actor=actor, client_id=client_id)
    clean = check_form(CLIENT_FORM, data)
    old = snapshot(row)
    row.name, row.channel, row.rate_limit = clean["name"], clean["channel"], _rate(clean.get("rate_limit"))
    return _commit(row, old, actor, reason)


def set_active(*, actor: Actor, client_id: int, active: bool, reason: str = "") -> ChannelClient:
    """Switch a client off (its key stops working at once) or on again; audited."""
    row = get_client(actor=actor, client_id=client_id)
    old = snapshot(row)
    row.active = active
    return _commit(row, old, actor, reason)


def rotate_key(*, actor: Actor, client_id: int, reason: str = "") -> tuple[ChannelClient, str]:
    """A new api_key for the client; the old one stops working at once. Audited (the hint only)."""
    row = get_client(actor=actor, client_id=client_id)
    old = snapshot(row)
    key = new_key()
    row.key_hash, row.key_hint = hash_key(key), key[-4:]
    _commit(row, old, actor, reason)
    return row, key


def authenticate(api_key: str) -> Authenticated | None:
    """The active client holding this key, or None (unknown, rotated away or deactivated)."""
    if not api_key or len(api_key) > 200:
        return None
    row = db.session.execute(select(ChannelClient.id, ChannelClient.name, ChannelClient.channel,
                                    ChannelClient.rate_limit, ChannelClient.active, ChannelClient.last_used_at)
                             .where(ChannelClient.key_hash == hash_key(api_key))).first()
    if row is None or not row.active:
        return None
    return Authenticated(row.id, row.name, row.channel, row.rate_limit, row.last_used_at)


def touch(client_id: int, at: datetime | None = None, last_used_at: datetime | None = None) -> None:
    """Note that the client was used (at most once a minute; in the caller's transaction). Given
    the last use as read at authentication, a recent one writes nothing and costs no statement."""
    at = at or clock_now()
    if last_used_at is not None and last_used_at >= at - TOUCH_EVERY:
        return
    db.session.execute(update(ChannelClient).where(
        ChannelClient.id == client_id,
        (ChannelClient.last_used_at.is_(None)) | (ChannelClient.last_used_at < at - TOUCH_EVERY),
    ).values(last_used_at=at))


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def snapshot(row: ChannelClient) -> dict:
    return {name: getattr(row, name) for name in SNAPSHOT_FIELDS}


def _rate(value: str | None) -> str:
    return (value or DEFAULT_RATE).strip()


def _commit(row: ChannelClient, old: dict | None, actor: Actor, reason: str) -> ChannelClient:
    """Stamp, audit and commit like every admin edit; an unchanged save writes nothing."""
    return commit_edit(row, old, snapshot(row), area=AUDIT_AREA, key_prefix="client", actor=actor, reason=reason)
