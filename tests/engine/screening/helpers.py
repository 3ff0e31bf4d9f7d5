"""Shared by the screening tests: put the demo city's keyword lists back after a test edits them."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from engine import demo
from engine.db import db
from engine.models import CaseRiskFlag, ConfigChange, DisputeRecord, Parameter, RiskType


@pytest.fixture
def demo_lists(app):
    """The test may edit the lists, the screening parameters and disputes: all restored after."""
    yield
    db.session.rollback()
    for model in (CaseRiskFlag, DisputeRecord, RiskType):
        db.session.execute(delete(model))
    db.session.execute(delete(ConfigChange).where(ConfigChange.area == "risk_type"))
    db.session.execute(delete(ConfigChange).where(ConfigChange.key.like("screening.%")))
    db.session.execute(delete(Parameter).where(Parameter.name.like("screening.%")))
    db.session.commit()
    demo.seed_risk_types()
