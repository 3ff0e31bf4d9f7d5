"""Call queues and the IVR menu as admin parameters, written to the switch.

An admin saves a queue (its menu digit, priority, strategy, waits, position announcement, seats);
the change is audited (`config_change`, area `call_queue`) and turned into switch commands queued
for the telephony worker in the same transaction:

- mod_callcenter reads a queue's parameters only from its configuration (callcenter.conf), so the
  switch fetches that document from the web (mod_xml_curl → `callcenter_document()`), and
  `callcenter_config queue reload <name>` (or `queue load` for a new queue, `queue unload` for a
  queue switched off) makes it read them again;
- the seats serving the queue are its tiers: `callcenter_config tier add|set level|set position|del`.

Priorities between queues (mod_callcenter has none): every waiting member of every queue is offered
in one order, by score = seconds waited + `cc_base_score`; the dialplan sets `cc_base_score` of
the caller from the chosen queue's priority (`base_score()`), and a seat serving several queues
gets its tier level from each queue's priority (`default_level()`). docs/TELEPHONY.md.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from sqlalchemy import case as case_when, func, select

from engine.db import db
from engine.errors import NotFound, ValidationFailed
from engine.models import CallQueue, CallRecord
from engine.models.call_queue import CallQueueAgent
from engine.organisation import Actor, commit_edit, roles as R
from engine.telephony import live as call_live
from forms.messages import msg

STRATEGIES = ("ring-all", "longest-idle-agent", "round-robin", "top-down", "agent-with-least-talk-time",
              "agent-with-fewest-calls", "sequentially-by-agent-order", "random")
DOMAIN = call_live.QUEUE_DOMAIN
DEFAULT_QUEUE = f"hotline@{DOMAIN}"     # callers who press no digit (or one no queue has)
NAME = re.compile(r"[a-z][a-z0-9_]{1,30}")
EXTENSION = re.compile(r"[0-9]{3,8}")
SELF_SERVICE_KEY = "9"    # dialplan/public/00_12345_self_service.xml takes it before the queues
PRIORITY_SECONDS = 60     # one priority step = a head start of this many seconds of waiting
MAX_SECONDS = 86400       # mod_callcenter's limit of its integer parameters (config_int_0_86400)
FIELDS = ("name", "label", "digit", "priority", "strategy", "max_wait_time", "max_wait_time_with_no_agent",
          "voicemail_wait", "announce_position", "announce_frequency", "active", "agents")
AREA = "call_queue"


def base_score(priority: int) -> int:
    """The caller's `cc_base_score` in a queue of this priority (1 → 480 s ahead … 9 → 0)."""
    return (9 - priority) * PRIORITY_SECONDS


def default_level(priority: int) -> int:
    """The tier level of a seat in a queue of this priority (unless the admin gave one)."""
    return priority


def all_queues() -> list[CallQueue]:
    """Every queue, active first, by priority."""
    return list(db.session.execute(select(CallQueue).order_by(
        CallQueue.active.desc(), CallQueue.priority, CallQueue.id)).scalars())


def as_data(queue: CallQueue) -> dict:
    """A queue as the form and the audit see it."""
    data = {name: getattr(queue, name) for name in FIELDS if name != "agents"}
    data["agents"] = " ".join(f"{a.extension}:{a.level}" for a in queue.agents)
    return data


def save(*, actor: Actor, data: dict, queue_id: int | None = None, reason: str = "", push: bool = True) -> CallQueue:
    """Create or change a queue; audited; the switch commands are queued in the same commit
    (`push=False`: not, e.g. for the demo's seed: the switch reads the queues when it starts)."""
    actor.require(R.ADMIN)
    row = None
    if queue_id is not None:
        row = db.session.get(CallQueue, queue_id)
        if row is None:
            raise NotFound("call queue")
    clean, tiers = validate(data, row)
    old = as_data(row) if row else None
    old_tiers = {a.extension: (a.level, a.position) for a in row.agents} if row else {}
    was_active = bool(row and row.active)
    if row is None:
        row = CallQueue()
        db.session.add(row)
    for name, value in clean.items():
        setattr(row, name, value)
    row.agents = [CallQueueAgent(extension=ext, level=level, position=pos) for ext, (level, pos) in tiers.items()]
    new = as_data(row)
    if new != old and push:
        for line in switch_commands(row.name, was_active, row.active, old_tiers, tiers):
            call_live.queue_command(kind="queue_config", command=line, actor_id=actor.user_id, commit=False)
    return commit_edit(row, old, new, area=AREA, key_prefix="queue", actor=actor, reason=reason)


def switch_commands(name: str, was_active: bool, active: bool, old: dict, new: dict) -> list[str]:
    """The `callcenter_config` lines that bring the switch to the saved queue (names are checked)."""
    if not active:
        return ([f"callcenter_config tier del {name} {call_live.cc_agent(ext)}" for ext in sorted(old)]
                + ([f"callcenter_config queue unload {name}"] if was_active else []))
    lines = [f"callcenter_config queue {'reload' if was_active else 'load'} {name}"]
    before = old if was_active else {}
    for ext in sorted(set(before) - set(new)):
        lines.append(f"callcenter_config tier del {name} {call_live.cc_agent(ext)}")
    for ext, (level, position) in sorted(new.items()):
        agent = call_live.cc_agent(ext)
        if ext not in before:
            lines.append(f"callcenter_config tier add {name} {agent} {level} {position}")
        elif before[ext] != (level, position):
            lines.append(f"callcenter_config tier set level {name} {agent} {level}")
            lines.append(f"callcenter_config tier set position {name} {agent} {position}")
    return lines


# Long because each field's check and its message sit together, in the form's order.
def validate(data: dict, row: CallQueue | None) -> tuple[dict, dict[str, tuple[int, int]]]:
    """The fields checked (422 naming each bad one) and the tiers {extension: (level, position)}."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    name = str(data.get("name") or (row.name.split("@")[0] if row else "")).strip().lower().removesuffix(f"@{DOMAIN}")
    if row is not None and f"{name}@{DOMAIN}" != row.name:
        errors["name"] = [msg("queue_name_fixed", "a queue keeps its switch name (create another queue instead)")]
    elif not NAME.fullmatch(name):
        errors["name"] = [msg("queue_name", "2 to 31 lowercase letters, digits or _ (starting with a letter)")]
    clean["name"] = f"{name}@{DOMAIN}"
    label = str(data.get("label") or "").strip()
    if not label or len(label) > 64:
        errors["label"] = [msg("queue_label", "a name for people, 1 to 64 characters")]
    clean["label"] = label
    digit = str(data.get("digit") or "").strip()
    if digit and not re.fullmatch(r"[0-9]", digit):
        errors["digit"] = [msg("queue_digit", "one menu key, 0 to 9 (or empty: not in the menu)")]
    elif digit == SELF_SERVICE_KEY:
        errors["digit"] = [msg("queue_digit_self_service", "key 9 is the self-service branch (case status by query code)")]
    clean["digit"] = digit or None
    strategy = str(data.get("strategy") or "").strip()
    if strategy not in STRATEGIES:
        errors["strategy"] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(STRATEGIES))]
    clean["strategy"] = strategy
    for field, low, high in (("priority", 1, 9), ("max_wait_time", 0, MAX_SECONDS),
                             ("max_wait_time_with_no_agent", 0, MAX_SECONDS), ("voicemail_wait", 0, MAX_SECONDS),
                             ("announce_frequency", 10, 3600)):
        clean[field] = _integer(data.get(field), field, low, high, errors)
    clean["announce_position"] = _flag(data.get("announce_position"))
    clean["active"] = _flag(data.get("active", True))
    if "voicemail_wait" not in errors and "max_wait_time" not in errors and clean["max_wait_time"] \
            and clean["voicemail_wait"] >= clean["max_wait_time"]:
        errors["voicemail_wait"] = [msg("voicemail_wait", "must be shorter than the maximum wait (or 0)")]
    _unique(clean, row, errors)
    tiers = _tiers(str(data.get("agents") or ""), clean.get("priority") or 5, errors)
    if errors:
        raise ValidationFailed(errors)
    return clean, tiers


def _unique(clean: dict, row: CallQueue | None, errors: dict) -> None:
    others = select(CallQueue).where(CallQueue.id != (row.id if row else -1))
    if "name" not in errors and db.session.execute(others.where(CallQueue.name == clean["name"])).first():
        errors["name"] = [msg("queue_name_taken", "another queue has this name")]
    if clean["digit"] and db.session.execute(others.where(CallQueue.digit == clean["digit"])).first():
        errors["digit"] = [msg("queue_digit_taken", "another queue has this menu key")]


def _tiers(text: str, priority: int, errors: dict) -> dict[str, tuple[int, int]]:
    """`1001 1002:2 …`: seats, each with an optional tier level (default: the queue's priority)."""
    tiers: dict[str, tuple[int, int]] = {}
    for token in re.split(r"[\s,，、]+", text.strip()):
        if not token:
            continue
        ext, _, level = token.partition(":")
        if not EXTENSION.fullmatch(ext) or (level and not re.fullmatch(r"[1-9]", level)) or ext in tiers:
            errors["agents"] = [msg("queue_agents", "seats as `1001 1002:2` (3 to 8 digits, optional level 1-9, each once)")]
            return {}
        tiers[ext] = (int(level) if level else default_level(priority), len(tiers) + 1)
    return tiers


def _integer(value, field: str, low: int, high: int, errors: dict) -> int:
    text = str(value if value is not None else "").strip()
    if re.fullmatch(r"[0-9]{1,6}", text) and low <= int(text) <= high:
        return int(text)
    errors[field] = [msg("queue_range", "a whole number from %(low)s to %(high)s", low=low, high=high)]
    return low


def _flag(value) -> bool:
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


# --- what the switch and the worker read --------------------------------------------------------
def callcenter_document(queue_name: str | None = None) -> str:
    """callcenter.conf as mod_xml_curl serves it: the active queues (one if the switch asks for
    one, CC-Queue), no agents (they are provisioned with their status) and no tiers (sent as
    `tier` commands: a reload re-reading XML tiers would not delete removed ones)."""
    rows = [q for q in all_queues() if q.active and (queue_name is None or q.name == queue_name)]
    queues = "\n".join(_queue_xml(q) for q in rows)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<document type="freeswitch/xml">\n'
            '  <section name="configuration">\n'
            '    <configuration name="callcenter.conf" description="CallCenter">\n'
            '      <settings/>\n'
            f'      <queues>\n{queues}\n      </queues>\n'
            '    </configuration>\n  </section>\n</document>\n')


def _queue_xml(q: CallQueue) -> str:
    params = {"strategy": q.strategy, "moh-sound": "$${hold_music}",
              "record-template": "$${recordings_dir}/${strftime(%Y-%m-%d)}/${uuid}.wav", "time-base-score": "system",
              "max-wait-time": q.max_wait_time, "max-wait-time-with-no-agent": q.max_wait_time_with_no_agent,
              "max-wait-time-with-no-agent-time-reached": 5, "tier-rules-apply": "false",
              "discard-abandoned-after": 60, "abandoned-resume-allowed": "true"}
    lines = "\n".join(f"          <param name={quoteattr(k)} value={quoteattr(str(v))}/>" for k, v in params.items())
    return f"        <queue name={quoteattr(q.name)}>\n{lines}\n        </queue>"


def switch_settings() -> dict:
    """What the worker applies: the menu (digit → queue, score) and each queue's announcements."""
    rows = [q for q in all_queues() if q.active]
    db.session.commit()
    names = {q.name for q in rows}
    fallback = DEFAULT_QUEUE if DEFAULT_QUEUE in names else (rows[0].name if rows else DEFAULT_QUEUE)
    by_digit = {q.digit: q for q in rows if q.digit}
    menu = {}
    for digit in [""] + [str(d) for d in range(10)]:
        q = by_digit.get(digit)
        menu[digit] = (q.name, base_score(q.priority)) if q else (fallback, 0)
    return {"menu": menu, "queues": {q.name: {"announce": q.announce_position, "every": q.announce_frequency,
                                              "voicemail_wait": q.voicemail_wait} for q in rows}}


def today_by_queue(since) -> list[dict]:
    """Calls per queue since a moment, with how many were answered (one GROUP BY over the arrival
    index: a busy day holds a hundred thousand calls)."""
    answered = func.sum(case_when((CallRecord.outcome == "answered", 1), else_=0))
    rows = db.session.execute(select(CallRecord.queue, func.count(), answered).where(
        CallRecord.arrived_at >= since, CallRecord.queue.is_not(None), CallRecord.direction == "inbound")
        .group_by(CallRecord.queue).order_by(CallRecord.queue)).all()
    labels = {q.name: q.label for q in all_queues()}
    return [{"queue": queue, "label": labels.get(queue, queue), "calls": calls, "answered": int(done or 0)}
            for queue, calls, done in rows]


DEMO_QUEUES = [   # (name, label, digit, priority, seats)
    ("consultation", "咨询", "1", 5, "1001 1002 1003"),
    ("complaint", "投诉", "2", 2, "1002 1003"),
    ("enterprise", "企业热线", "3", 3, "1003"),
    ("hotline", "综合服务", "0", 6, "1001 1002 1003"),
]


def seed_demo(actor: Actor) -> None:
    """The demo city's queues (the menu: 1 咨询, 2 投诉, 3 企业热线, 0 or no key: 综合服务)."""
    for name, label, digit, priority, seats in DEMO_QUEUES:
        save(actor=actor, reason="演示数据", push=False, data={
            "name": name, "label": label, "digit": digit, "priority": priority, "strategy": "longest-idle-agent",
            "max_wait_time": 60, "max_wait_time_with_no_agent": 30, "voicemail_wait": 40,
            "announce_position": True, "announce_frequency": 30, "active": True, "agents": seats})
