"""Phone numbers as contacts key them: digits only, without the +86 country code."""
from __future__ import annotations

import re

MOBILE = re.compile(r"1[3-9][0-9]{9}")
# area code (010, 02x, 0xxx) and a 7- or 8-digit number: 10 to 12 digits with the leading 0
LANDLINE = re.compile(r"0[1-9][0-9]{8,10}")
SHORT = 7       # shorter numbers (service numbers, extensions) never make a contact


def normalise(phone: str | None) -> str:
    """'+86 138-0013-8000', '0086 13800138000' and '138 0013 8000' are all '13800138000'."""
    digits = "".join(ch for ch in (phone or "") if ch in "0123456789")
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def valid(phone: str) -> bool:
    """A Chinese mobile or landline number (normalised), as an import accepts it."""
    return bool(MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone))


def usable(phone: str) -> bool:
    """Long enough to name a caller (a call or a case may carry a number an import would refuse)."""
    return len(phone) >= SHORT


def variants(phones: list[str]) -> list[str]:
    """The forms other tables may hold a normalised number in."""
    return sorted({form for p in phones for form in (p, "+86" + p, "86" + p, "0086" + p)})
