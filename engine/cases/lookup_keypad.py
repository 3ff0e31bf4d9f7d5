"""The public status lookup by telephone keypad (12345's self-service branch, docs/TELEPHONY.md).

Query codes hold letters and digits (engine.cases.numbering.QUERY_ALPHABET); a phone keypad types
digits only, so a letter is typed on the key that carries it (E.161: ABC on 2, DEF on 3 … WXYZ on
9) and a code is found by its keypad form. Like the web lookup, the code alone proves nothing:
the phone on the case must match too (the caller's number or the number the caller types), and
an unknown code answers exactly as a known code with a wrong phone. Candidates are read by the
phone (an indexed column), never by scanning every code.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass

from sqlalchemy import select

from engine.cases import lookup
from engine.db import db
from engine.models import Case

_KEYS = {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS", "8": "TUV", "9": "WXYZ"}
_KEY_OF = {letter: key for key, letters in _KEYS.items() for letter in letters}
MAX_CANDIDATES = 200     # one phone's cases, newest first: a repeat caller has a few, never thousands


@dataclass(frozen=True)
class KeypadAnswer:
    """What the public lookup shows, and whether the case is confidential (the phone says less)."""

    result: lookup.LookupResult
    confidential: bool


def keypad(code: str) -> str:
    """The digits a caller types for a query code: 'K7M2' -> '5762'."""
    return "".join(_KEY_OF.get(ch, ch) for ch in lookup.normalise_code(code))


def phone_forms(phone: str) -> list[str]:
    """The stored forms of one number: national digits, with +86 and with 86 (intake keeps the
    '+' it was given); a leading trunk 0 before a mobile number (0138…) is dropped."""
    digits = lookup.normalise_phone(phone)
    if len(digits) == 12 and digits.startswith("01"):
        digits = digits[1:]
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        return []
    return [digits, "+86" + digits, "86" + digits]


def find(digits: str, phone: str) -> KeypadAnswer | None:
    """The case whose query code types as `digits` and whose phone is `phone`, or None."""
    forms = phone_forms(phone)
    typed = "".join(ch for ch in digits if ch.isdigit())
    if not forms or not typed or len(typed) > lookup.MAX_CODE_LENGTH:
        return None
    rows = db.session.execute(
        select(Case.id, Case.query_code, Case.confidential).where(Case.phone.in_(forms))
        .order_by(Case.created_at.desc()).limit(MAX_CANDIDATES)).all()
    found = None
    for row in rows:       # compare every candidate: the time does not tell which one matched
        if hmac.compare_digest(keypad(row.query_code).encode(), typed.encode()) and found is None:
            found = row
    if found is None:
        return None
    result = lookup.by_id(found.id)
    return KeypadAnswer(result, bool(found.confidential)) if result is not None else None
