"""`flask audit verify`: the counts when every chain holds, exit 1 and the broken row when not."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from engine.db import db
from engine.models import CaseEvent
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
