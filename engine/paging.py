"""One page of a list: what every list use case returns (inbox, cases, query, notifications)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.db import db

# The pages count at most this many matches (as the call list does): an exact count reads every
# match, and a district's inbox or query holds hundreds of thousands at a city's scale.
COUNT_CAP = 10_000


@dataclass
class Page:
    """`items` of page `page` (1-based) of `total` rows, `page_size` rows a page.

    `capped`: counting stopped at a cap; more than `total` rows match."""

    items: list
    total: int
    page: int
    page_size: int
    capped: bool = False


def clamp(page: int, total: int, page_size: int) -> int:
    """`page` within 1..the last page (pages: a link to page 9 of a list that shrank to 3 shows
    page 3; the API answers an empty page instead, so clients paging until empty stop)."""
    return max(1, min(page, (total + page_size - 1) // page_size))


def bounded_count(key, where, cap: int) -> tuple[int, bool]:
    """(matches, whether there are more than `cap`): counts no further than cap + 1 rows of `key`'s
    table, so the cost stays that of `cap` index entries however many rows match."""
    found = db.session.execute(select(func.count()).select_from(
        select(key).where(where).limit(cap + 1).subquery())).scalar()
    return min(found, cap), found > cap
