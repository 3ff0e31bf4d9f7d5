"""Finding the violations (the scheduler's `accountability` job): each recorded exactly once.

Four rules of seed 5 the facts show (限时办结制 Article 7, 责任追究制 Article 5(2)):
- `overdue_no_extension`: the lead's handling limit passed (still open after it, or closed after
  it) and no extension was asked before it — or one was asked only after it (Article 7(1),
  `overtime_cause` extension_asked_late). Answerable: who asked late, else who signed for it.
- `extension_told_late`: an approved extension reached the citizen after the limit (7(2));
  answerable: who approved it then.
- `delivered_late`: a decision reached the citizen more than one working day after it was made
  (7(3)); answerable: who passed it on to the citizen then.
- `returned_too_often`: a case returned for wrong dispatch (approved returns) more than
  `accountability.max_returns` times; answerable: the dispatcher of the dispatch that was
  returned once too often.
Each rule's record is keyed by (rule, case, subject: the deadline, or the count of returns), and
inserted with ON CONFLICT DO NOTHING: a re-run, or two schedulers, add nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, and_, cast, exists, literal, or_, select

from engine.db import db, dialect_insert
from engine.models import AccountabilityRecord, Case, CaseEvent, Deadline, User
from engine.organisation import settings
from engine.ports import now as clock_now

# Article 7's causes (engine.deadlines.rules) and the rule each breaks.
CAUSE_RULES = {"extension_asked_late": "overdue_no_extension", "extension_told_late": "extension_told_late",
               "delivered_late": "delivered_late"}


def find(now: datetime | None = None) -> dict[str, int]:
    """Record every violation not recorded yet; the counts of new records by rule."""
    now = now or clock_now()
    found = _from_overtime_events() + _overdue_without_extension(now) + _returned_too_often()
    counts = dict.fromkeys(CAUSE_RULES.values(), 0) | {"returned_too_often": 0}
    for row in found:
        counts[row["rule"]] += _insert(row, now)
    db.session.commit()
    return counts


def _insert(row: dict, now: datetime) -> int:
    insert = dialect_insert()
    stmt = (insert(AccountabilityRecord).values(found_at=now, **row)
            .on_conflict_do_nothing(index_elements=["rule", "case_id", "subject"])
            .returning(AccountabilityRecord.id))
    return int(db.session.execute(stmt).scalar() is not None)


def _departments(user_ids: set[int]) -> dict[int, int]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.department_id).where(User.id.in_(user_ids))).all())


def _lead_handling_limit(case_id: int, department_id: int | None, at: datetime) -> Deadline | None:
    """The lead's handling limit of the department that was running when an event happened."""
    return db.session.execute(select(Deadline).where(
        Deadline.case_id == case_id, Deadline.stage == "handling", Deadline.role == "lead",
        Deadline.department_id == department_id, Deadline.started_at <= at,
    ).order_by(Deadline.round.desc(), Deadline.id.desc()).limit(1)).scalar()


def _from_overtime_events() -> list[dict]:
    """Article 7's overtime events: every cause each recorded (a limit keeps only its first)."""
    events = db.session.execute(select(CaseEvent).where(CaseEvent.action == "overtime_counted")
                                .order_by(CaseEvent.id)).scalars().all()
    people = _departments({e.actor_id for e in events if e.actor_id})
    rows = []
    for event in events:
        rule = CAUSE_RULES.get((event.data or {}).get("cause"))
        limit = _lead_handling_limit(event.case_id, (event.data or {}).get("department_id"), event.created_at)
        if rule is None or limit is None:
            continue
        rows.append(dict(rule=rule, case_id=event.case_id, subject=f"deadline:{limit.id}", deadline_id=limit.id,
                         person_id=event.actor_id, department_id=people.get(event.actor_id, limit.department_id),
                         evidence=_same_action(event)))
    return rows


def _same_action(event: CaseEvent) -> list[int]:
    """The ids of the events the same action wrote (one transaction, one moment): the evidence."""
    return list(db.session.execute(select(CaseEvent.id).where(
        CaseEvent.case_id == event.case_id, CaseEvent.created_at == event.created_at).order_by(CaseEvent.id)).scalars())


def _overdue_without_extension(now: datetime) -> list[dict]:
    """Lead handling limits run past with no extension asked before them."""
    asked_in_time = exists().where(
        CaseEvent.case_id == Deadline.case_id, CaseEvent.action == "handle",
        CaseEvent.data["action"].as_string() == "extension", CaseEvent.created_at <= Deadline.due_at)
    overdue = or_(and_(Deadline.state == "open", Deadline.due_at < now),
                  and_(Deadline.state == "missed", Deadline.completed_at > Deadline.due_at))
    limits = db.session.execute(select(Deadline).where(
        Deadline.stage == "handling", Deadline.role == "lead", overdue, ~asked_in_time,
        ~exists().where(AccountabilityRecord.rule == "overdue_no_extension",
                        AccountabilityRecord.subject == literal("deadline:") + cast(Deadline.id, String)),
    ).order_by(Deadline.id)).scalars().all()
    rows = []
    for limit in limits:
        signer = _signer(limit)
        rows.append(dict(rule="overdue_no_extension", case_id=limit.case_id, subject=f"deadline:{limit.id}",
                         deadline_id=limit.id, person_id=signer.actor_id if signer else None,
                         department_id=limit.department_id, evidence=[signer.id] if signer else []))
    return rows


def _signer(limit: Deadline) -> CaseEvent | None:
    """The sign-for that opened the limit: the department's person who took the case on."""
    events = db.session.execute(select(CaseEvent).where(
        CaseEvent.case_id == limit.case_id, CaseEvent.action == "sign_for", CaseEvent.created_at <= limit.due_at,
    ).order_by(CaseEvent.id.desc())).scalars()
    return next((e for e in events if (e.data or {}).get("decision") == "sign"), None)


def _returned_too_often() -> list[dict]:
    """Cases returned more than the parameter allows; the dispatcher of the last wrong dispatch."""
    allowed = int(settings.snapshot()["accountability.max_returns"])
    case_ids = select(Case.id).where(Case.return_count > allowed)
    events = db.session.execute(select(CaseEvent).where(
        CaseEvent.case_id.in_(case_ids), CaseEvent.action.in_(("dispatch", "decide_return")),
    ).order_by(CaseEvent.case_id, CaseEvent.id)).scalars().all()
    by_case: dict[int, list[CaseEvent]] = {}
    for event in events:
        by_case.setdefault(event.case_id, []).append(event)
    rows = [row for case_events in by_case.values() if (row := _too_often(case_events, allowed))]
    people = _departments({r["person_id"] for r in rows})
    return [{**r, "department_id": people[r["person_id"]]} for r in rows if r["person_id"] in people]


def _too_often(events: list[CaseEvent], allowed: int) -> dict | None:
    dispatch, evidence, returns = None, [], 0
    for event in events:
        if event.action == "dispatch":
            dispatch = event
        elif (event.data or {}).get("return_approved") and dispatch is not None:
            returns += 1
            evidence += [dispatch.id, event.id]
            if returns == allowed + 1:
                return dict(rule="returned_too_often", case_id=event.case_id, subject=f"returns:{returns}",
                            deadline_id=None, person_id=dispatch.actor_id, evidence=evidence)
    return None
