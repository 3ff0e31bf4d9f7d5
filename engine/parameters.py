"""Business parameters with their statutory defaults (DOMAIN.md, "Deadlines").

The deadline issue moves these into an admin-edited table; callers already go through `get`.
"""
from __future__ import annotations

DEFAULTS: dict[str, object] = {
    # Handling limit in working days by category; praise closes directly.
    "handling_days.consult": 5,
    "handling_days.complaint": 15,
    "handling_days.report": 30,
    "handling_days.help": 5,
    "handling_days.suggestion": 15,
    "handling_days.praise": 5,
    "sign_for_days": 1,
    "office_end": "17:30",
    "max_reopens": 2,
}


def get(name: str):
    """The current value of a parameter."""
    return DEFAULTS[name]


def handling_days(category: str) -> int:
    """Working days allowed for handling a case of this category."""
    return int(get(f"handling_days.{category}"))
