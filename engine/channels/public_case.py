"""What the citizen may do on their public case page, besides reading it (engine.cases.lookup):
rate the answer once (`rating`) and ask once for a re-examination (`reexamination`).

The page proves the citizen by query code and phone and keeps the proven case in its session; this
module answers, for that case, what is done already and what is offered now, so the page never
offers an action the engine would refuse.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.channels import rating, reexamination
from engine.db import db
from engine.models import Case, CitizenRating
from engine.ports import now as clock_now


@dataclass(frozen=True)
class CitizenOptions:
    rating: CitizenRating | None               # the rating given, if any
    can_rate: bool
    reexamination: reexamination.Progress | None   # the re-examination asked, if any
    can_request: bool
    request_until: datetime | None             # the end of the window (None: open, or not offered)


def options(case_id: int, mask) -> CitizenOptions:
    """The rating and re-examination state of the proven case (`mask` masks case numbers)."""
    case = db.session.get(Case, case_id)
    given = rating.rating_of(case_id)
    progress = reexamination.progress_of(case_id, mask)
    asked = reexamination.link_of(case_id) is not None
    can_request = not asked and reexamination.requestable(case, clock_now())
    return CitizenOptions(rating=given, can_rate=given is None and rating.ratable(case), reexamination=progress,
                          can_request=can_request,
                          request_until=reexamination.request_until(case) if can_request else None)
