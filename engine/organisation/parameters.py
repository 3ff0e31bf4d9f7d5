"""Business parameters: names, statutory defaults and value rules (DOMAIN.md, "Deadlines").

Values live in the `parameter` table (engine.organisation.settings), edited by admins and read
fresh by every action that needs them; a name without a row has its default here.
"""
from __future__ import annotations

import re
from string import Formatter

from engine.organisation import grading
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
    # Re-examination (复核, issue 14): the citizen may ask within this many calendar days of the
    # closing; the re-examination's own limit in working days, yellow from its last warn days.
    "reexamination.request_days": 30, "reexamination.handling_days": 30, "reexamination.warn_days": 3,
    "warn_share.reexamination": 50,
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
    # 责任追究: a case returned for wrong dispatch more than this many times is recorded against
    # its dispatcher; the decisions a leader may take on a record (a list people edit).
    "accountability.max_returns": 2,
    "accountability.decisions": "批评教育、诫勉谈话、书面检查、通报批评、不予追究",
    # Bumped by every calendar change: actions reload the calendar when it moves.
    "calendar.revision": 0,
    # Risk screening spikes (engine.screening.spikes): a category, matter or area is a spike when its
    # latest week's volume exceeds this percentage of its mean over the 8 weeks before, and has at
    # least screening.spike_min_cases cases (so 1 → 2 is no spike).
    "screening.spike_percent": 150,
    "screening.spike_min_cases": 5,
    # The statistics' daily rollup: each night the scheduler rewrites this many past days, so late
    # changes (a reopened case, a visit on an old case) reach the figures (engine.statistics.rollup).
    "statistics.rollup_days": 62,
}

# What the citizen is told by SMS (送达), edited by admins in Chinese. Each may use only its own
# placeholders; the signature (SMS_SIGNATURE) is put in front of every message.
NOTICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "notice.reply": ("您反映的诉求（工单编号{case_no}）已由{department}办理答复：{reply}查询码{query_code}。",
                     ("case_no", "query_code", "reply", "department")),
    "notice.extension": ("您反映的诉求（工单编号{case_no}）经批准延期{days}个工作日办理，办理时限至{due_date}。"
                         "查询码{query_code}。", ("case_no", "query_code", "days", "due_date")),
    "notice.redispatch": ("您反映的诉求（工单编号{case_no}）已改由{department}办理。查询码{query_code}。",
                          ("case_no", "query_code", "department")),
    "notice.closing": ("您反映的诉求（工单编号{case_no}）已办结，感谢您对12345热线的支持。",
                       ("case_no", "query_code")),
    "notice.direct_answer": ("您反映的诉求（工单编号{case_no}）已答复：{reply}查询码{query_code}。",
                             ("case_no", "query_code", "reply")),
    "notice.not_accepted": ("您反映的诉求（工单编号{case_no}）经审核不予受理，详情可凭查询码{query_code}查询。",
                            ("case_no", "query_code")),
}
# The reply and the direct answer are what 送达 delivers: the citizen needs the code to see them whole.
NOTICE_REQUIRES = {"notice.reply": "query_code", "notice.direct_answer": "query_code"}
NOTICE_MAX_CHARS = 300
DEFAULTS.update({name: text for name, (text, _fields) in NOTICES.items()})
# The department evaluation's KPI weights and grade bands (JSON; engine.organisation.grading).
DEFAULTS.update(grading.DEFAULTS)

# A screen marks its seat every 20 s and keeps its stream alive every 15 s: less than a minute
# would sign out seats whose agents are there.
MINIMUM = {"telephony.seat_absent_seconds": 60, "screening.spike_percent": 100, "screening.spike_min_cases": 1,
           "statistics.rollup_days": 1}

_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
# Parameters that are a list of names, stored as one text joined by 、 (edited in one field).
LISTS = frozenset({"accountability.decisions"})
_LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")


def list_items(value: object) -> list[str]:
    """The names of a list parameter, in their order, blanks and repeats dropped."""
    items = [part.strip() for part in _LIST_SEPARATORS.split(str(value or ""))]
    return list(dict.fromkeys(item for item in items if item))


def _list(value: object) -> str:
    items = list_items("、".join(value) if isinstance(value, list) else value)
    if not items:
        raise ValueError(msg("list_empty", "at least one item is required"))
    if any(len(item) > 40 for item in items):
        raise ValueError(msg("list_item_too_long", "each item at most %(n)s characters", n=40))
    return "、".join(items)


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
    if name in grading.RULES:
        return grading.RULES[name](value)
    if name in NOTICES:
        return _notice(name, value)
    if name in LISTS:
        return _list(value)
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise ValueError(msg("not_a_time", "must be a time HH:MM"))
    return value


def _notice(name: str, value: object) -> str:
    """A notice template: text with only its own {placeholders} (no attribute or index access)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(msg("notice_empty", "the message text is required"))
    if len(value) > NOTICE_MAX_CHARS:
        raise ValueError(msg("notice_too_long", "at most %(n)s characters", n=NOTICE_MAX_CHARS))
    allowed = NOTICES[name][1]
    try:
        used = {field for _text, field, _spec, _conv in Formatter().parse(value) if field is not None}
    except ValueError:
        raise ValueError(msg("notice_braces", "unbalanced { or }: write {{ or }} for a brace itself")) from None
    unknown = sorted(f for f in used if f not in allowed)
    if unknown:
        raise ValueError(msg("notice_unknown_fields", "unknown placeholders %(fields)s; allowed: %(allowed)s",
                             fields="、".join("{%s}" % f for f in unknown),
                             allowed="、".join("{%s}" % f for f in allowed)))
    needed = NOTICE_REQUIRES.get(name)
    if needed and needed not in used:
        raise ValueError(msg("notice_needs_field", "must contain {%(field)s}", field=needed))
    return value.strip()


def check_together(values: dict) -> None:
    """Rules between parameters; ValueError says which is broken."""
    if values["office_start"] >= values["office_end"]:
        raise ValueError(msg("office_hours_order", "office hours must start before they end"))
