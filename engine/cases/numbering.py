"""Case numbers (GD + date + daily sequence) and unguessable query codes."""
from __future__ import annotations

import secrets
from datetime import datetime
from functools import lru_cache

from sqlalchemy import String, bindparam, cast, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from engine.db import db, dialect_insert
from engine.deadlines import local_date
from engine.models import Case, CaseNumberCounter

# No 0/O, 1/I/L: citizens read the code from an SMS and type it on a phone.
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
QUERY_CODE_LENGTH = 10   # 31^10 ≈ 8e14 codes: guessing one is hopeless even without rate limits


def provisional_case_no(query_code: str) -> str:
    """What the case row holds from its INSERT until `assign_case_no`, in the same transaction
    (nobody else sees it): unique because the query code is, and no case number's shape."""
    return f"~{query_code}"


def assign_case_no(case: Case, now_utc: datetime) -> str:
    """Give the inserted case the next number of the local day, e.g. GD20261129000123, as the last
    write before the receipt and the commit.

    Numbers are gap-free per day: one upsert on the day's counter row, which stays locked until
    commit, so concurrent intakes queue on it. Taking the number last keeps that window to this
    statement, the receipt's INSERT and the commit; taken before the case's INSERT it also covered
    the case, its work item, its audit event and risk screening, and it capped intake at about
    300/s over HTTP on two cores whatever the number of workers (docs/PERFORMANCE.md). PostgreSQL:
    counter and case row in one statement; SQLite (one writer at a time anyway): two.
    """
    day = local_date(now_utc)
    prefix = f"GD{day:%Y%m%d}"
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        number = db.session.execute(_numbered_case(), {"day": day, "prefix": prefix, "case_id": case.id}).scalar_one()
    else:
        seq = db.session.execute(_upsert(dialect), {"day": day}).scalar_one()
        number = f"{prefix}{seq:06d}"
        db.session.execute(_NUMBER_CASE, {"number": number, "case_id": case.id})
    set_committed_value(case, "case_no", number)   # written above: the ORM must not write it again
    return number


_NUMBER_CASE = (update(Case.__table__).where(Case.__table__.c.id == bindparam("case_id"))
                .values(case_no=bindparam("number")))


@lru_cache(maxsize=1)
def _numbered_case():
    """PostgreSQL: the day's counter upsert feeding the case row's UPDATE (a data-modifying CTE)."""
    counter = _upsert("postgresql").cte("counter")
    seq = select(counter.c.last).scalar_subquery()
    number = bindparam("prefix", type_=String) + func.lpad(cast(seq, String), 6, "0")
    table = Case.__table__
    return (update(table).where(table.c.id == bindparam("case_id")).values(case_no=number)
            .add_cte(counter).returning(table.c.case_no))


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
