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
