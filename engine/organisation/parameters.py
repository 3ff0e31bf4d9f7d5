"""Business parameters: names, statutory defaults and value rules (DOMAIN.md, "Deadlines").

Values live in the `parameter` table (engine.organisation.settings), edited by admins and read
fresh by every action that needs them; a name without a row has its default here.
"""
from __future__ import annotations

import re

from forms.messages import msg

CATEGORIES = ("consult", "complaint", "report", "help", "suggestion", "praise")

DEFAULTS: dict[str, object] = {
    # Handling limit in working days by category; praise closes directly but gets a limit anyway.
    **{f"handling_days.{c}": d for c, d in
       zip(CATEGORIES, (5, 15, 30, 5, 15, 5))},
    # Yellow from this many working days before the due day ends (1 = during the last working day).
    **{f"warn_days.{c}": 1 for c in CATEGORIES},
    "sign_for_days": 1,
    "sign_for_warn_days": 1,
    # Short limits: at most this percentage of a stage's office time is yellow, so a one-day
    # sign-for is not yellow the moment it is dispatched (the day rule above alone would be).
    "warn_share.sign_for": 50,
    "warn_share.handling": 50,
    "office_start": "08:30",
    "office_end": "17:30",
    "max_reopens": 2,
    "digest_time": "08:30",          # each working morning, Asia/Shanghai
    "digest_days": 2,                # items due within this many working days
    "recolour_seconds": 60,
    # Smart dissuasion (智能劝阻) at peak: 0 off, 1 on, 2 automatic when a queue holds at least
    # telephony.peak_queue_length waiting callers. Shift leads switch it on the wallboard.
    "telephony.peak_mode": 2,
    "telephony.peak_queue_length": 30,
    # A seat none of whose screens has been open this long is signed out at the switch, so no call
    # is offered to a seat nobody sits at (signing out of the workbench does it at once).
    "telephony.seat_absent_seconds": 120,
    # Bumped by every calendar change: actions reload the calendar when it moves.
    "calendar.revision": 0,
}

# A screen marks its seat every 20 s and keeps its stream alive every 15 s: less than a minute
# would sign out seats whose agents are there.
MINIMUM = {"telephony.seat_absent_seconds": 60}

_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def validate(name: str, value: object) -> object:
    """The value, checked against the parameter's type and range; ValueError says why not."""
    if name not in DEFAULTS:
        raise ValueError(msg("unknown_parameter", "unknown parameter '%(name)s'", name=name))
    default = DEFAULTS[name]
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(msg("not_integer", "must be an integer"))
        if value < 0 or (name.startswith(("handling_days.", "sign_for_days")) and value < 1) \
                or (name == "telephony.peak_mode" and value > 2) or value < MINIMUM.get(name, 0) \
                or (name.startswith("warn_share.") and not 1 <= value <= 100):
            raise ValueError(msg("out_of_range", "out of range"))
        return value
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise ValueError(msg("not_a_time", "must be a time HH:MM"))
    return value


def check_together(values: dict) -> None:
    """Rules between parameters; ValueError says which is broken."""
    if values["office_start"] >= values["office_end"]:
        raise ValueError(msg("office_hours_order", "office hours must start before they end"))
