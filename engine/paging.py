"""One page of a list: what every list use case returns (inbox, cases, query, notifications)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    """`items` of page `page` (1-based) of `total` rows, `page_size` rows a page."""

    items: list
    total: int
    page: int
    page_size: int


def clamp(page: int, total: int, page_size: int) -> int:
    """`page` within 1..the last page (pages: a link to page 9 of a list that shrank to 3 shows
    page 3; the API answers an empty page instead, so clients paging until empty stop)."""
    return max(1, min(page, (total + page_size - 1) // page_size))
