"""The citizen's online rating (网上评价) from the public case page, once per case.

It counts with the visits: while the case waits at its satisfaction visit, a satisfied or basically
satisfied rating completes that visit through the visitor's own case action (so 满意率, read from
the visit events, counts it like a phone visit). A dissatisfied rating is recorded and the visit is
left to the visitor, who must record what the citizen says and decide (reopen, or close with a
reason a center leader confirms) and sees the rating on the case's timeline. A rating of a case
already visited or closed is recorded only (the visit was counted once already).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine import cases
from engine.db import db
from engine.errors import ValidationFailed, WrongState
from engine.models import Case, CitizenRating, WorkItem
from engine.organisation import Actor, roles as R
from forms.definitions import VISIT
from forms.messages import msg

SATISFACTION = next(f.options for f in VISIT.fields if f.name == "satisfaction")
COMMENT_MAX = 1000
# The visit stage, the dissatisfied case awaiting its closing, or a closed case that was answered.
RATABLE_STAGES = ("visit", "close_review")
UNANSWERED_OUTCOMES = ("merged", "not_accepted")
CHANNEL = "web"


@dataclass(frozen=True)
class Rated:
    satisfaction: str
    completed_visit: bool     # the rating was the case's satisfaction visit


def ratable(case: Case) -> bool:
    """Whether the citizen may rate the case now (answered: at the visit, or closed with an answer)."""
    if case.merged_into_id is not None:
        return False
    if case.stage in RATABLE_STAGES:
        return True
    return case.status == "closed" and case.outcome not in UNANSWERED_OUTCOMES


def rating_of(case_id: int) -> CitizenRating | None:
    return db.session.execute(select(CitizenRating).where(CitizenRating.case_id == case_id)).scalar()


def check(satisfaction: str, comment: str) -> tuple[str, str]:
    """The clean rating, or ValidationFailed (422) naming the field."""
    errors = {}
    if satisfaction not in {code for code, _zh, _en in SATISFACTION}:
        errors["satisfaction"] = [msg("choose_satisfaction", "choose 满意, 基本满意 or 不满意")]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [msg("max_length", "at most %(max)s characters", max=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(errors)
    return satisfaction, comment


def rate(*, case_id: int, satisfaction: str, comment: str = "") -> Rated:
    """Record the citizen's rating (once: a second answers 409) and, when it is a satisfied one
    and the case waits at its visit, complete the visit with it."""
    satisfaction, comment = check(satisfaction, comment)
    with cases.locked_case_action(case_id, touch=False) as action:     # the row lock makes "once" hold
        if not ratable(action.case):
            raise WrongState(msg("not_ratable", "the case has not been answered yet: it can be rated once "
                                                "the reply reached you"))
        if rating_of(case_id) is not None:
            raise WrongState(msg("rated_already", "this case has been rated already"))
        rating = CitizenRating(case_id=case_id, satisfaction=satisfaction, comment=comment,
                               completed_visit=False, created_at=action.now)
        db.session.add(rating)
        action.event("citizen_rating", actor_id=None, data={"satisfaction": satisfaction, "note": comment,
                                                            "channel": CHANNEL})
    visited = satisfaction != "dissatisfied" and _complete_visit(case_id, satisfaction, comment)
    if visited:
        rating = rating_of(case_id)
        rating.completed_visit = True
        db.session.commit()
    return Rated(satisfaction=satisfaction, completed_visit=visited)


def _complete_visit(case_id: int, satisfaction: str, comment: str) -> bool:
    """The visit, done by the citizen's rating, if the case waits at an unclaimed visit task (a
    visitor who has claimed it is talking to the citizen: the rating is left to them)."""
    waiting = db.session.execute(select(WorkItem.id).where(
        WorkItem.case_id == case_id, WorkItem.form_key == "visit", WorkItem.kind == "task",
        WorkItem.state == "open", WorkItem.claimed_by_id.is_(None))).first()
    if waiting is None:
        return False
    note = f"市民网上评价：{comment}" if comment else "市民网上评价"
    try:
        cases.actions.visit(case_id=case_id, actor=visit_actor(), satisfaction=satisfaction, resolved=True, note=note)
    except WrongState:
        return False       # a visitor got there first: the rating stays recorded as an event
    return True


def visit_actor() -> Actor:
    """Who completes a visit with the citizen's own rating: the web channel, with the visitor's
    role and no user behind it (the audit shows no staff name)."""
    return Actor(user_id=None, username=f"channel:{CHANNEL}", roles=frozenset({R.VISITOR}),  # type: ignore[arg-type]
                 department_id=0, department_path="/")
