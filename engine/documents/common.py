"""What every document builder shares: the error of a document the case does not have, and the
forms official documents write dates, times and phone numbers in."""
from __future__ import annotations

from datetime import datetime

from engine.deadlines import local_moment
from engine.errors import WrongState

_DIGITS = "〇一二三四五六七八九"


class DocumentNotAvailable(WrongState):
    """The document does not fit the case now (e.g. an assignment letter for a transferred case).

    Its `code` says why: not_dispatched, not_assigned, not_urged, no_extension, no_overtime_report,
    no_natural_completion, not_closed."""


def when(moment_utc: datetime | None) -> str:
    """2026年11月02日10:00 (local time), or "" for no moment."""
    return local_moment(moment_utc).strftime("%Y年%m月%d日%H:%M") if moment_utc else ""


def _number(n: int) -> str:
    """1..31 in Chinese numerals (十一, 二十九)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens]) + "十" if tens else "") + (_DIGITS[ones] if ones else "")


def chinese_date(day) -> str:
    """二〇二六年十一月二十九日: the date form of official documents."""
    return "".join(_DIGITS[int(d)] for d in str(day.year)) + f"年{_number(day.month)}月{_number(day.day)}日"


def mask_phone(phone: str) -> str:
    """138****8000: the first three and last four digits."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
