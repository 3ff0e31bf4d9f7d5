"""Finding the risk words in a text: the active keyword lists compiled once per change into one
regular expression, shared by every intake of the process.

Each process keeps its compiled matcher beside the key it was built from (number of risk types,
sum of their revisions, highest id, latest change). A screening reads that key with one aggregate
over the small `risk_type` table when the last look is KEY_SECONDS old: an edit made by another
process changes it, and an intake here recompiles within those seconds; an edit made in this
process (engine.screening.risk_types) forgets the look, so the next intake reads the key at once.
(Reading it on every intake was one statement of an intake's six.)

The scan is one pass of `(?=(w1|w2|…))` (longest words first) over the lower-cased text: at each
position it finds the longest keyword starting there. A shorter keyword inside a found one (集体
inside 集体上访) occurs at the same place, so each keyword also brings the keywords it contains.
"""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.db import db
from engine.models import RiskType


@dataclass(frozen=True)
class Matcher:
    """The compiled lists: which words belong to which type, in the lists' order."""

    types: tuple[tuple[str, tuple[str, ...]], ...]    # (code, keywords) of each active type
    pattern: re.Pattern | None
    contains: dict[str, frozenset[str]]                # lower-cased word → the words inside it

    @classmethod
    def build(cls, types: list[tuple[str, list[str]]]) -> Matcher:
        words = {w.lower() for _code, keywords in types for w in keywords if w}
        ordered = sorted(words, key=lambda w: (-len(w), w))
        pattern = re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))") if ordered else None
        contains = {w: frozenset(v for v in words if v in w) for w in words}
        return cls(tuple((code, tuple(keywords)) for code, keywords in types), pattern, contains)

    def scan(self, text: str) -> dict[str, list[str]]:
        """code → the type's keywords found in `text` (case-insensitive), for each type found."""
        if self.pattern is None or not text:
            return {}
        found: set[str] = set()
        for longest in {m.group(1) for m in self.pattern.finditer(text.lower())}:
            found |= self.contains[longest]
        hits = {}
        for code, keywords in self.types:
            words = [w for w in keywords if w.lower() in found]
            if words:
                hits[code] = words
        return hits


KEY_SECONDS = 2.0
_lock = threading.Lock()
_cached: dict = {"key": None, "matcher": Matcher.build([]), "looked": float("-inf")}


def _key() -> tuple:
    return tuple(db.session.execute(select(func.count(RiskType.id), func.coalesce(func.sum(RiskType.revision), 0),
                                           func.max(RiskType.id), func.max(RiskType.updated_at))).one())


def current() -> Matcher:
    """The matcher of the lists as they are now (recompiled only when they changed; another
    process's edit is seen within KEY_SECONDS)."""
    if time.monotonic() - _cached["looked"] < KEY_SECONDS:
        return _cached["matcher"]
    key = _key()
    with _lock:
        _cached["looked"] = time.monotonic()
        if _cached["key"] == key:
            return _cached["matcher"]
    rows = db.session.execute(select(RiskType.code, RiskType.keywords).where(RiskType.active.is_(True))
                              .order_by(RiskType.sort, RiskType.id)).all()
    matcher = Matcher.build([(code, list(keywords or [])) for code, keywords in rows])
    with _lock:
        _cached.update(key=key, matcher=matcher)
    return matcher


def forget() -> None:
    """Read the key on the next screening (this process has just changed a list)."""
    with _lock:
        _cached["looked"] = float("-inf")
