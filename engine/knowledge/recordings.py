"""Call recordings shared into the knowledge base as examples (a good answer, a hard caller).

An agent or a shift lead shares a call's recording, whole or a cut of it (start/end seconds), into
an article. Only the center's roles that work calls listen to it; the recording of a confidential
case is never shared, and one whose case became confidential since is no longer played.
"""
from __future__ import annotations

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from engine.knowledge import access
from engine.models import CallRecord, Case, KbRecording
from engine.organisation import Actor
from engine.ports import now as clock_now
from forms.messages import msg

MAX_NOTE = 200


def share(*, actor: Actor, article_id: int, call_record_id: int, start_second=None, end_second=None,
          note: str = "") -> KbRecording:
    """Attach a call's recording (or the cut start..end seconds) to a readable article."""
    actor.require(*access.SHARE_ROLES)
    article = access.get_readable(actor, article_id)
    call = db.session.get(CallRecord, call_record_id)
    if call is None or not call.recording_path:
        raise ValidationFailed({"call_record_id": [msg("kb_no_recording", "this call has no recording")]})
    _refuse_confidential(call)
    start, end = _cut(start_second, end_second, _length(call))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": [msg("max_length", "at most %(max)s characters", max=MAX_NOTE)]})
    row = KbRecording(article_id=article.id, call_record_id=call.id, start_second=start, end_second=end,
                      note=note, shared_by_id=actor.user_id, shared_at=clock_now())
    db.session.add(row)
    db.session.commit()
    return row


def _refuse_confidential(call: CallRecord) -> None:
    if call.case_id and db.session.execute(select(Case.confidential).where(Case.id == call.case_id)).scalar():
        raise PermissionDenied(msg("kb_confidential_recording", "the recording of a confidential case is not shared"))


def _length(call: CallRecord) -> int | None:
    if call.answered_at and call.ended_at:
        return max(0, int((call.ended_at - call.answered_at).total_seconds()))
    return None


# Long because each bound names its own field in the 422 answer.
def _cut(start, end, length: int | None) -> tuple[int | None, int | None]:
    errors: dict[str, list[str]] = {}
    values = {}
    for name, value in (("start_second", start), ("end_second", end)):
        if value in (None, ""):
            values[name] = None
            continue
        try:
            values[name] = int(value)
        except (TypeError, ValueError):
            values[name] = None
            errors[name] = [msg("not_a_number", "must be a whole number")]
            continue
        if values[name] < 0 or (length is not None and values[name] > length):
            errors[name] = [msg("kb_cut_outside", "must lie within the call (0–%(n)s s)", n=length if length is not None else "?")]
    s, e = values["start_second"], values["end_second"]
    if not errors and s is not None and e is not None and e <= s:
        errors["end_second"] = [msg("kb_cut_order", "the end of the cut comes after its start")]
    if errors:
        raise ValidationFailed(errors)
    return s, e


def of_article(*, actor: Actor, article_id: int) -> list[KbRecording]:
    """The recordings of an article the actor may listen to (none for other roles)."""
    if not actor.has(*access.LISTEN_ROLES):
        return []
    return list(db.session.execute(select(KbRecording).where(KbRecording.article_id == article_id)
                                   .order_by(KbRecording.id)).scalars())


def for_listening(*, actor: Actor, recording_id: int) -> tuple[KbRecording, CallRecord]:
    """The shared recording and its call, access-checked (listen roles, article readable, not confidential)."""
    if not actor.has(*access.LISTEN_ROLES):
        raise PermissionDenied(msg("kb_listen_roles", "only the center's call roles listen to shared recordings"))
    row = db.session.get(KbRecording, recording_id)
    if row is None:
        raise NotFound(msg("kb_recording_not_found", "shared recording %(id)s not found", id=recording_id))
    access.get_readable(actor, row.article_id)
    call = db.session.get(CallRecord, row.call_record_id)
    _refuse_confidential(call)
    return row, call
