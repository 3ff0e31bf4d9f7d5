"""The statistics tests' week is put back row for row (replay.py) and that gives the built week."""
from __future__ import annotations

from engine.db import db
from tests.engine.statistics import replay


def test_the_week_is_kept_and_put_back_exactly(week, clock):
    conn = db.session.connection()
    kept = replay._kept[str(conn.engine.url)]
    assert kept, "build_week changed rows that were there before: the week can no longer be replayed"
    assert {"case", "case_event", "work_item", "deadline", "call_record"} <= {t for t, _ in kept["rows"]}
    after = replay._fingerprints(conn)
    for table, _ in reversed(kept["rows"]):                 # back to the state the build started from
        conn.exec_driver_sql(f'DELETE FROM "{table}"')
    assert replay._fingerprints(conn) == kept["before"]
    clock.at = None
    again = replay.week(None, None, clock)                   # no actor: a build would fail, so it is a replay
    assert replay._fingerprints(db.session.connection()) == after
    assert clock.at == kept["at"] and {k: c.case_no for k, c in again.items()} == {
        k: c.case_no for k, c in week.items()}
