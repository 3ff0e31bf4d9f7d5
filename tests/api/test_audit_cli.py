"""`flask audit verify`: the counts when every chain holds, exit 1 and the broken row when not."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from engine.db import db, utcnow
from engine.models import CaseEvent
from engine.models.audit_verify import published_in, write_anchors
from tests.engine.audit_support import backfill, forget_anchors
from tests.factories import to_handling


@pytest.fixture(autouse=True)
def _whole_chains(app):
    backfill()                  # the session's earlier tests may have left holes in config_change
    forget_anchors()
    yield
    forget_anchors()


def test_verify_prints_the_counts_and_exits_0(app, actor, dept):
    to_handling(actor, dept, lead="xs_xs")
    to_handling(actor, dept, lead="dh_hb")
    anchored = app.test_cli_runner().invoke(args=["audit", "anchor", "--margin", "0"])
    assert anchored.exit_code == 0 and "case_event up to id" in anchored.output
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    events = db.session.execute(select(func.count()).select_from(CaseEvent)).scalar()
    assert f"case_event: 2 chains, {events} rows, ok" in result.output
    assert "audit_anchor: 2 chains, 2 rows, ok" in result.output
    assert "BROKEN" not in result.output


def test_verify_names_the_tampered_row_and_exits_1(app, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    victim = db.session.execute(select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.action == "dispatch")
                                ).scalar_one()
    db.session.execute(text("UPDATE case_event SET to_stage = 'closed' WHERE id = :id"), {"id": victim})
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--page", "100"])
    assert result.exit_code == 1
    assert "case_event: 1 chains, 6 rows, 1 broken" in result.output
    assert f"BROKEN case_event row {victim} (case {case.id}): altered" in result.stderr


def test_a_history_rewritten_whole_is_found_by_the_anchors_published_in_the_log(app, actor, dept, tmp_path, caplog):
    """Inside the database a forger can change a row, re-hash every chain and write new anchors:
    verify finds nothing. The anchor hashes the scheduler logged are outside their reach."""
    case = to_handling(actor, dept, lead="xs_xs")
    with caplog.at_level(logging.INFO, logger="audit"):
        write_anchors(utcnow() + timedelta(hours=1))
    log = tmp_path / "scheduler.log"
    log.write_text("\n".join(f"2026-12-07 12:00:00 audit INFO {r.getMessage()}" for r in caplog.records),
                   encoding="utf-8")
    assert len(published_in(log.read_text(encoding="utf-8"))) == 2          # case_event and config_change
    honest = app.test_cli_runner().invoke(args=["audit", "verify", "--published", str(log)])
    assert honest.exit_code == 0 and "published anchors: 1 chains, 2 rows, ok" in honest.output, honest.output

    db.session.execute(text("UPDATE case_event SET to_stage = 'closed' WHERE case_id = :id AND action = 'dispatch'"),
                       {"id": case.id})
    backfill()                                                     # every chain re-hashed
    db.session.execute(text('UPDATE "case" SET event_head = (SELECT hash FROM case_event e WHERE e.case_id = "case".id '
                            "ORDER BY e.id DESC LIMIT 1) WHERE event_head IS NOT NULL"))
    forget_anchors()
    write_anchors(utcnow() + timedelta(hours=1))                   # and new anchors over the forgery
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0     # nothing to see inside
    found = app.test_cli_runner().invoke(args=["audit", "verify", "--published", str(log)])
    assert found.exit_code == 1 and "published anchors: 1 chains, 2 rows, 2 broken" in found.output
    assert "BROKEN audit_anchor row" in found.stderr and ": published; expected" in found.stderr


def test_verify_refuses_a_published_text_without_anchor_lines(app, tmp_path):
    log = tmp_path / "empty.log"
    log.write_text("nothing here\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--published", str(log)])
    assert result.exit_code == 2 and "no 'audit anchor" in result.output
