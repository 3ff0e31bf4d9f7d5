"""What must hold in the database after the multi-node run, each as a list of violations (empty:
holds), read with plain SQL so nothing of the application's caches takes part."""
from __future__ import annotations

from collections import Counter

import psycopg


def rows(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def intakes(url: str, sent: list[tuple]) -> dict[str, list]:
    """Acknowledged intakes exist once; cut-off ones are sent again with their idempotency key until
    answered, and still make one case; no case is half."""
    cases = {title: (cid, n_items, n_events, n_receipts) for title, cid, n_items, n_events, n_receipts in rows(url, """
        SELECT c.title, c.id,
               (SELECT count(*) FROM work_item w WHERE w.case_id = c.id),
               (SELECT count(*) FROM case_event e WHERE e.case_id = c.id),
               (SELECT count(*) FROM notification n WHERE n.dedupe_key = 'receipt:' || c.id)
        FROM "case" c WHERE c.title LIKE 'MN-%%'""")}
    per_title = Counter(title for (title,) in rows(url, """SELECT title FROM "case" WHERE title LIKE 'MN-%%'"""))
    acked = [(t, cid) for t, _node, status, cid in sent if status == 201]
    cut = [t for t, _node, status, _cid in sent if status == "cut"]
    return {
        "lost (acknowledged, not stored)": [t for t, cid in acked if t not in cases or cases[t][0] != cid],
        "doubled (one request, two cases)": [t for t, n in per_title.items() if n > 1],
        "half (no work item, event or receipt)": [t for t, (_cid, wi, ev, rc) in cases.items() if not wi or not ev or rc != 1],
        "refused with a 5xx": [t for t, _node, status, _cid in sent if isinstance(status, int) and status >= 500],
        "cut, then found whole": [t for t in cut if t in cases],
        "cut, never answered on a retry": sorted({t for t in cut} - {t for t, _cid in acked}),
    }


def completions(url: str, sent: list[tuple]) -> dict[str, list]:
    """Each acknowledged completion is one done item with one event; a cut one is all or nothing."""
    state = {item: (st, n) for item, st, n in rows(url, """
        SELECT w.id, w.state, (SELECT count(*) FROM case_event e
                               WHERE e.case_id = w.case_id AND (e.data::jsonb ->> 'work_item_id')::int = w.id)
        FROM work_item w JOIN "case" c ON c.id = w.case_id WHERE c.title LIKE 'MN-%%'""")}
    acked = Counter(item for _case, item, _key, _node, status in sent if status == 200)
    cut = [item for _case, item, _key, _node, status in sent if status == "cut"]
    return {
        "lost (acknowledged, not done)": [i for i in acked if state.get(i, (None,))[0] != "done"],
        "acknowledged twice": [i for i, n in acked.items() if n > 1],
        "done without exactly one event": [i for i, (st, n) in state.items() if st == "done" and n != 1],
        "event without completion": [i for i, (st, n) in state.items() if st != "done" and n],
        "refused with a 5xx": [i for _c, i, _k, _n, status in sent if isinstance(status, int) and status >= 500],
        "cut, then found done": [i for i in cut if state.get(i, (None,))[0] == "done"],
    }


IN_FLIGHT = """status = 'pending' AND next_attempt_at > now() AT TIME ZONE 'UTC' + interval '1 minute'"""


def sms(url: str, received: list[tuple], unkeyed: int) -> dict[str, list]:
    """Every SMS delivered matches one sent outbox row and vice versa; nothing is left due or claimed.

    `received`: the deliveries of a gateway that honours the message key (a message a killed
    deliverer had posted is posted again after its lease under the same key, and not delivered
    twice); the test ends the leases of such messages first (`end_leases`)."""
    sent = Counter(rows(url, "SELECT recipient, body FROM notification WHERE status = 'sent'"))
    got = Counter((to, text) for _t, to, text in received)
    return {
        "received more often than recorded sent": [k for k, n in got.items() if n > sent[k]],
        "recorded sent, never received": [k for k, n in sent.items() if got[k] < n],
        "still due": rows(url, """SELECT id, kind, status FROM notification WHERE status IN ('pending', 'retrying')
                                  AND next_attempt_at <= now() AT TIME ZONE 'UTC'"""),
        "dead": rows(url, "SELECT id, kind, last_error FROM notification WHERE status = 'dead'"),
        "still claimed by a killed deliverer": rows(url, f"SELECT id, kind FROM notification WHERE {IN_FLIGHT}"),
        "posted without its key": [unkeyed] if unkeyed else [],
    }


def end_leases(url: str) -> int:
    """Make the messages a killed deliverer had claimed due now, as their lease ending would."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(f"UPDATE notification SET next_attempt_at = now() AT TIME ZONE 'UTC' WHERE {IN_FLIGHT}").rowcount


def calls(url: str, played: int) -> dict[str, list]:
    """Every call the switch played has exactly one call record."""
    legs = [leg for (leg,) in rows(url, "SELECT leg_id FROM call_cdr WHERE direction = 'inbound'")]
    records = Counter(cid for (cid,) in rows(url, "SELECT call_id FROM call_record"))
    return {
        "CDRs missing (played minus posted)": [] if len(legs) == played else [f"{len(legs)} of {played}"],
        "call without a record": [leg for leg in legs if records[leg] == 0],
        "call with two records": [cid for cid, n in records.items() if n > 1],
        "record of no played call": [cid for cid in records if cid not in set(legs)],
    }
