"""What one pass of the telephony worker writes (telephony.writes): the screens' feed moments with
the seats they move and the controls they confirm (engine.telephony.live), and the records of the
calls it decided (engine.telephony.calls), in one transaction."""
from __future__ import annotations

from engine.db import db
from engine.ports import now as clock_now
from engine.telephony import calls, live


def write_pass(moments: list[dict], records: list[dict], switch_id: str | None = None) -> list[bool]:
    """What one pass of the telephony worker decided, in one transaction: the feed moments in their
    order (with the seats they move and the controls they confirm), then the call records
    (engine.telephony.calls.record_many); whether each record is new.

    At the peak a pass holds hundreds of moments; one commit for all of them instead of one each
    is most of the worker's capacity (docs/PERFORMANCE.md). Nothing is kept if any write fails.
    """
    now = clock_now()
    try:
        if moments:
            rows = [{**live.FEED_ROW, **moment, "switch_id": switch_id, "created_at": now} for moment in moments]
            db.session.connection().execute(live.FEED_INSERT, rows)
            live.moments_done(moments, now, switch_id)
        new = calls.record_many([dict(r, switch_id=switch_id) for r in records]) if records else []
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return new
