"""Phone verification for the web form: a 6-digit code by SMS proves the citizen holds the phone.

The code goes out through the SMS outbox (queued in the request's transaction, delivered by the
scheduler). Only a salted hash is stored; a code lives 10 minutes, allows 5 wrong tries and is used
once — consumed inside the transaction that registers the case, so a refused form (a bad photo,
say) leaves the code usable and two posts of one code cannot both register a case.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from engine import notifications
from engine.cases import normalize_phone
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import PhoneVerification
from engine.ports import now as clock_now
from forms.messages import msg

CODE_DIGITS = 6
LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)     # one code a minute per phone
CODES_PER_HOUR = 5                       # and a few an hour: SMS cost money and annoy the owner
# A mainland mobile (11 digits from 1) or another number of 5 to 20 digits, as the intake form allows.
PHONE_PATTERN = re.compile(r"\+?[0-9]{5,20}")


class Throttled(ValidationFailed):
    """Too many requests for this phone or place in the window; names the field (the page says 429)."""

    code = "throttled"


def check_phone(phone: str, field: str = "phone") -> str:
    """The normalised phone, or ValidationFailed naming `field`."""
    number = normalize_phone(phone or "")
    if not PHONE_PATTERN.fullmatch(number):
        raise ValidationFailed({field: [msg("phone_invalid", "enter a valid phone number")]})
    return number


def _digest(salt: str, phone: str, code: str) -> str:
    return hashlib.sha256(f"{salt}|{phone}|{code}".encode()).hexdigest()


def request_code(phone: str, *, client_ip: str = "", now: datetime | None = None) -> PhoneVerification:
    """Send a new code to `phone` (committed with its SMS in the outbox). Throttled (naming `phone`)
    when one was sent less than a minute ago or too many this hour."""
    at = now or clock_now()
    number = check_phone(phone)
    recent = db.session.execute(
        select(func.count(), func.max(PhoneVerification.created_at))
        .where(PhoneVerification.phone == number, PhoneVerification.created_at > at - timedelta(hours=1))).one()
    if recent[0] >= CODES_PER_HOUR or (recent[1] is not None and recent[1] > at - RESEND_AFTER):
        db.session.rollback()
        raise Throttled({"phone": [msg("code_too_often", "a code was sent to this phone a moment ago; "
                                                         "wait a minute (at most %(n)s an hour)", n=CODES_PER_HOUR)]})
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(8)
    row = PhoneVerification(phone=number, salt=salt, code_hash=_digest(salt, number, code), client_ip=client_ip[:64],
                            attempts=0, created_at=at, expires_at=at + LIFETIME)
    try:
        db.session.add(row)
        db.session.flush()
        notifications.enqueue(kind="verification", recipient=number, dedupe_key=f"verify:{row.id}", now=at,
                              body=f"{notifications.signature()}您的验证码是{code}，{LIFETIME.seconds // 60}分钟内有效。"
                                   "如非本人操作，请忽略本短信。")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return row


def consume(phone: str, code: str, *, now: datetime | None = None) -> None:
    """Use the phone's newest code, in the caller's transaction (no commit: the caller's commit
    makes it used, its rollback leaves it usable). A wrong code counts a try (committed at once)
    and raises ValidationFailed naming `code`; so do an expired, exhausted or missing code."""
    at = now or clock_now()
    number = normalize_phone(phone or "")
    row = db.session.execute(select(PhoneVerification).where(PhoneVerification.phone == number)
                             .order_by(PhoneVerification.created_at.desc(), PhoneVerification.id.desc())
                             .limit(1).execution_options(populate_existing=True)).scalar()
    if row is None or row.used_at is not None:
        raise _refused(msg("code_missing", "ask for a verification code first"))
    if row.expires_at <= at:
        raise _refused(msg("code_expired", "the code has expired; ask for a new one"))
    if row.attempts >= MAX_ATTEMPTS:
        raise _refused(msg("code_exhausted", "too many wrong codes; ask for a new one"))
    if not hmac.compare_digest(row.code_hash, _digest(row.salt, number, (code or "").strip())):
        _count_wrong_try(row.id)
        left = MAX_ATTEMPTS - row.attempts - 1
        raise _refused(msg("code_wrong", "wrong code; %(n)s tries left", n=max(left, 0)))
    # used only if nobody used it meanwhile: two posts of one code register one case
    taken = db.session.execute(update(PhoneVerification)
                               .where(PhoneVerification.id == row.id, PhoneVerification.used_at.is_(None),
                                      PhoneVerification.attempts < MAX_ATTEMPTS)
                               .values(used_at=at).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        db.session.rollback()
        raise _refused(msg("code_missing", "ask for a verification code first"))


def _count_wrong_try(verification_id: int) -> None:
    """One more wrong try, committed whatever the caller does next (a refused guess must count)."""
    try:
        db.session.execute(update(PhoneVerification).where(PhoneVerification.id == verification_id)
                           .values(attempts=PhoneVerification.attempts + 1)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def _refused(message: str) -> ValidationFailed:
    db.session.rollback()      # end the read: nothing of this request is to be kept
    return ValidationFailed({"code": [message]})
