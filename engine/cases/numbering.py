"""Case numbers (GD + date + daily sequence) and unguessable query codes."""
from __future__ import annotations

import secrets
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam

from engine.db import db, dialect_insert
from engine.deadlines import local_date
from engine.models import CaseNumberCounter

# No 0/O, 1/I/L: citizens read the code from an SMS and type it on a phone.
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 10   # 31^10 ≈ 8e14 codes: guessing one is hopeless even without rate limits


def next_case_no(now_utc: datetime) -> str:
    """Allocate the next case number of the local day, e.g. GD20261129000123.

    One atomic upsert on the day's counter row; the row stays locked until commit, so callers
    allocate as late in their transaction as they can.
    """
    day = local_date(now_utc)
    stmt = _upsert(db.session.get_bind().dialect.name)
    seq = db.session.execute(stmt, {"day": day}).scalar_one()
    return f"GD{day:%Y%m%d}{seq:06d}"


@lru_cache(maxsize=4)
def _upsert(dialect: str):
    """The counter upsert, built once per dialect with a bound day (building it per call costs
    more than the round trip)."""
    insert = dialect_insert(dialect)
    stmt = insert(CaseNumberCounter).values(day=bindparam("day"), last=1)
    stmt = stmt.on_conflict_do_update(index_elements=[CaseNumberCounter.day],
                                      set_={"last": CaseNumberCounter.last + 1})
    return stmt.returning(CaseNumberCounter.last)


def normalize_phone(phone: str) -> str:
    """Digits only, keeping a leading + (callers dictate "138-0013 8000")."""
    digits = "".join(ch for ch in phone if ch in "0123456789")    # not isdigit(): '²' is a digit to it
    return ("+" + digits) if phone.strip().startswith("+") else digits


def new_query_code() -> str:
    """A random query code for the public status lookup."""
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))
