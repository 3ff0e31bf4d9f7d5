"""One intake for every citizen channel: the request becomes a case waiting in triage.

A request that arrives without an agent (the web form, an SMS, a mail, an app or WeChat through
Open311) is registered by the channel itself: no user registered it, so nobody is its first
contact until someone takes it in triage (engine.cases.first_contact). The same duplicate check
the agents see at the desk runs on it and its probable duplicates are recorded on the case, so
triage sees them before dispatching a second case for one problem.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from engine import cases
from engine.db import db
from engine.models import Case, CaseEvent
from engine.organisation import Actor, roles as R

CHANNEL_ACTOR_NAME = "channel"
DUPLICATES_KEPT = 5          # triage needs the few best candidates, not a long list
GUESSED_CATEGORY = ("sms", "mailbox")   # channels whose category no citizen chose


def channel_actor(channel: str) -> Actor:
    """Who registers a request no agent took: the channel, with the desk's role and the whole city
    in view (the duplicate check must see every open case), and no user behind it."""
    return Actor(user_id=None, username=f"{CHANNEL_ACTOR_NAME}:{channel}",  # type: ignore[arg-type]
                 roles=frozenset({R.AGENT}), department_id=0, department_path="/")


def open_from_channel(channel: str, data: dict, *, files: list[tuple[str, bytes]] = (),
                      before_commit: Callable[[Case], None] | None = None) -> Case:
    """Register a citizen's request from `channel` (intake form fields in `data`; the channel is
    forced): the case waits in triage, its probable duplicates recorded. Raises ValidationFailed
    (422, naming the field) like the desk's intake. `before_commit(case)` joins the case's
    transaction (open_case)."""
    actor = channel_actor(channel)
    case = cases.open_case(actor=actor, data=_fields(channel, data), files=list(files), before_commit=before_commit)
    mark_duplicates(case, actor)
    return case


def check_from_channel(channel: str, data: dict) -> None:
    """ValidationFailed exactly where open_from_channel would raise it on these fields, without
    opening anything: for a channel that answers before the case is opened."""
    cases.check_intake(_fields(channel, data))


def _fields(channel: str, data: dict) -> dict:
    return {"wants_callback": True, "urgency": "normal", **data, "channel": channel}


def probable_duplicates(case: Case, actor: Actor) -> list:
    """Open cases that may be the same request as `case` (itself excluded), best first. Where the
    category is the channel's guess (an SMS is a consultation, a mail's category is read from its
    words, until triage says otherwise) the text is also compared across categories; where the
    citizen chose it (the web form, an app's service) within it, like the desk (each pass scores up
    to 300 candidates: a third of a channel's intake time)."""
    asked = dict(actor=actor, phone=case.phone, title=case.title, content=case.content, address=case.address or "",
                 limit=DUPLICATES_KEPT + 1)
    found = ({s.case_id: s for s in cases.suggest_duplicates(**asked, category="")}
             if case.channel in GUESSED_CATEGORY else {})
    found.update({s.case_id: s for s in cases.suggest_duplicates(**asked, category=case.category)})
    ranked = sorted(found.values(), key=lambda s: (s.score, s.created_at, s.case_id), reverse=True)
    return [s for s in ranked if s.case_id != case.id][:DUPLICATES_KEPT]


def mark_duplicates(case: Case, actor: Actor) -> None:
    """Record the probable duplicates as a `duplicate_suspected` event (its own transaction, after
    the intake's: a failed check must not lose the citizen's request)."""
    found = probable_duplicates(case, actor)
    if not found:
        return
    candidates = [{"case_id": s.case_id, "case_no": s.case_no, "reasons": s.reasons,
                   "similarity": round(s.similarity, 2)} for s in found]
    cases.record_events([dict(case_id=case.id, actor_id=None, action="duplicate_suspected", from_stage=case.stage,
                              to_stage=case.stage, data={"candidates": candidates}, created_at=case.created_at)])
    db.session.commit()


def suspected_of(case_id: int) -> list[dict]:
    """The probable duplicates recorded at the case's channel intake ([] when none): each
    {case_id, case_no, reasons, similarity}, best first."""
    data = db.session.execute(select(CaseEvent.data).where(
        CaseEvent.case_id == case_id, CaseEvent.action == "duplicate_suspected")
        .order_by(CaseEvent.id.desc()).limit(1)).scalar()
    return list((data or {}).get("candidates", []))
