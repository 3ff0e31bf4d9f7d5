"""Duplicate check at intake (重复诉求): open cases that may be the same request, and a caller's history.

Three signals, each a reason shown to the agent: the same phone within `days`; similar text
(character bigrams, since Chinese has no spaces to split words on); the same address in the same
category. SQL picks a bounded candidate set (indexed columns, newest first, capped), Python scores
the text. Every query is limited to the actor's scope and selects columns only: blobs and whole
contents are never read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, func, or_, select

from engine.cases.numbering import normalize_phone
from engine.db import db
from engine.models import Case
from engine.organisation import Actor, roles as R, scope
from engine.ports import now as clock_now

DESK_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD)
CANDIDATE_CAP = 300          # text candidates scored per request: bounds the Python work
CANDIDATE_CACHE = 4096       # candidates' bigram sets kept per process (a few MB)
TEXT_WINDOW = 500            # characters of content compared: the gist comes first, and it bounds reads
TEXT_THRESHOLD = 0.25        # Dice coefficient of bigram sets; unrelated complaints score < 0.2
MIN_BIGRAMS = 4              # fewer typed bigrams than this say nothing yet
ADDRESS_MIN = 6              # an address shorter than this ("东湖区") would match half the district
# Bigrams every complaint shares: they would make unrelated requests look alike.
STOP_BIGRAMS = frozenset("反映 请求 希望 相关 部门 处理 解决 问题 市民 来电 要求 情况 进行 没有 一个 "
                         "我们 他们 目前 现在 已经 非常 严重 长期 多次 督促 尽快 帮忙 咨询".split())
REASON_WEIGHT = {"phone": 3.0, "address": 2.0, "text": 1.0}
_NOT_WORD = re.compile(r"[\W_]+")
_COLUMNS = (Case.id, Case.case_no, Case.title, Case.status, Case.stage, Case.category, Case.address,
            Case.created_at)


@dataclass
class Suggestion:
    """A case that may be the same request, with why it matched."""

    case_id: int
    case_no: str
    title: str
    status: str
    stage: str
    category: str
    created_at: datetime
    reasons: list[str] = field(default_factory=list)   # "phone", "text", "address"
    similarity: float = 0.0

    @property
    def score(self) -> float:
        return sum(REASON_WEIGHT[r] for r in self.reasons) + self.similarity


@dataclass(frozen=True)
class HistoryRow:
    """One of a caller's earlier cases."""

    case_id: int
    case_no: str
    title: str
    status: str
    outcome: str | None
    category: str
    created_at: datetime
    merged_into_id: int | None


def suggest(*, actor: Actor, phone: str = "", title: str = "", content: str = "", address: str = "",
            category: str = "", days: int = 30, limit: int = 10) -> list[Suggestion]:
    """Open cases in the actor's scope that may be this request, best match first."""
    actor.require(*DESK_ROLES)
    base = and_(scope.case_visible(actor), Case.status != "closed",
                Case.created_at >= clock_now() - timedelta(days=days))
    found: dict[int, Suggestion] = {}
    if normalise_phone(phone):
        _add(found, _rows(base, Case.phone.in_(phone_variants(phone)), limit * 5), "phone")
    typed = text_bigrams(title, content)
    if len(typed) >= MIN_BIGRAMS or (category and _address_usable(address)):
        _match_candidates(found, base, category, typed, address, limit)
    ranked = sorted(found.values(), key=lambda s: (s.score, s.created_at, s.case_id), reverse=True)
    return ranked[:limit]


def caller_history(*, actor: Actor, phone: str, limit: int = 20) -> list[HistoryRow]:
    """The phone's cases in the actor's scope, any status, newest first."""
    actor.require(*DESK_ROLES)
    if not normalise_phone(phone):
        return []
    rows = db.session.execute(
        select(Case.id, Case.case_no, Case.title, Case.status, Case.outcome, Case.category, Case.created_at,
               Case.merged_into_id)
        .where(scope.case_visible(actor), Case.phone.in_(phone_variants(phone)))
        .order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)).all()
    return [HistoryRow(*row) for row in rows]


def _match_candidates(found: dict[int, Suggestion], base, category: str, typed: set[str], address: str,
                      limit: int) -> None:
    """Score the newest cases of the category for text and address; add what matches."""
    where = and_(base, Case.category == category) if category else base
    snippet = func.substr(Case.content, 1, TEXT_WINDOW)
    rows = db.session.execute(select(*_COLUMNS, snippet).where(where)
                              .order_by(Case.created_at.desc(), Case.id.desc()).limit(CANDIDATE_CAP)).all()
    want_address = normalise_address(address) if category and _address_usable(address) else ""
    for row in rows:
        if len(typed) >= MIN_BIGRAMS:
            similarity = dice(typed, candidate_bigrams(row.title, row[-1]))
            if similarity >= TEXT_THRESHOLD:
                _add_row(found, row, "text").similarity = round(similarity, 2)
        if want_address and same_address(want_address, normalise_address(row.address)):
            _add_row(found, row, "address")
    if want_address and len(rows) == CANDIDATE_CAP:
        # Beyond the capped window an exact address still counts (a busy category fills the cap).
        # Only the newest `limit` of those can rank: they are older than every case in the window,
        # and an address alone weighs the same for each (at a peak, hundreds of reports of one
        # incident share an address: reading them all again was most of the check's time).
        oldest = rows[-1]
        older = or_(Case.created_at < oldest.created_at,
                    and_(Case.created_at == oldest.created_at, Case.id < oldest.id))
        _add(found, _rows(where, and_(Case.address == address.strip(), older), limit), "address")


def _rows(base, condition, limit: int) -> list:
    return db.session.execute(select(*_COLUMNS).where(base, condition)
                              .order_by(Case.created_at.desc(), Case.id.desc()).limit(limit)).all()


def _add(found: dict[int, Suggestion], rows, reason: str) -> None:
    for row in rows:
        _add_row(found, row, reason)


def _add_row(found: dict[int, Suggestion], row, reason: str) -> Suggestion:
    """The row's suggestion (created on first sight) with `reason` recorded once."""
    hit = found.get(row.id)
    if hit is None:
        hit = found[row.id] = Suggestion(row.id, row.case_no, row.title, row.status, row.stage,
                                         row.category, row.created_at)
    if reason not in hit.reasons:
        hit.reasons.append(reason)
    return hit


# ---------------------------------------------------------------- text and value normalisation

def text_bigrams(title: str | None, content: str | None = "") -> set[str]:
    """Character bigrams of title and (the start of) content, without punctuation or stop bigrams."""
    out: set[str] = set()
    for part in (title or "", (content or "")[:TEXT_WINDOW]):
        text = _NOT_WORD.sub("", part.lower())
        out.update(text[i:i + 2] for i in range(len(text) - 1))   # per part: no bigram spans title|content
    return out - STOP_BIGRAMS


@lru_cache(maxsize=CANDIDATE_CACHE)
def candidate_bigrams(title: str | None, snippet: str | None) -> frozenset[str]:
    """A candidate's bigrams, remembered: the same newest cases of a category are candidates of
    every request that follows (a channel's queue, a desk typing), and splitting their text was
    most of the check's time. Keyed on the text itself, so an edited case is split anew."""
    return frozenset(text_bigrams(title, snippet))


def dice(a: set[str], b: set[str]) -> float:
    """Dice coefficient: 2|A∩B| / (|A|+|B|), 0 for empty sets."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def normalise_phone(phone: str | None) -> str:
    """Digits only (and a leading +): agents type 138-0013-8000 or 138 0013 8000."""
    normal = normalize_phone(phone or "")
    return normal if len(normal.lstrip("+")) >= 5 else ""


def phone_variants(phone: str) -> list[str]:
    """The phone as typed and as digits: stored values are as typed, and the column is indexed."""
    return sorted({phone.strip(), normalise_phone(phone)} - {""})


def normalise_address(address: str | None) -> str:
    return _NOT_WORD.sub("", (address or "").lower())


def _address_usable(address: str | None) -> bool:
    return len(normalise_address(address)) >= ADDRESS_MIN


def same_address(a: str, b: str) -> bool:
    """Equal, or one contains the other (an agent often types only the estate and building)."""
    if len(a) < ADDRESS_MIN or len(b) < ADDRESS_MIN:
        return False
    return a == b or a in b or b in a
