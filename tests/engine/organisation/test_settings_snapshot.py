"""Parameters are read once per transaction: an action's steps share one snapshot, a change made
in the transaction is seen at once, and the next transaction reads the table again."""
from __future__ import annotations

from sqlalchemy import delete

from engine.db import db, utcnow
from engine.models import Parameter
from engine.organisation import settings
from tests.sql_statements import recorded

NAME = "statistics.rollup_days"


def reads_of_parameters(fn) -> int:
    with recorded() as seen:
        fn()
    return sum("FROM parameter" in statement for statement in seen)


def test_one_read_per_transaction_and_a_fresh_one_after_it(app):
    db.session.rollback()
    assert reads_of_parameters(lambda: [settings.snapshot() for _ in range(3)]) == 1
    db.session.commit()
    assert reads_of_parameters(settings.snapshot) == 1
    db.session.rollback()
    assert reads_of_parameters(settings.snapshot) == 1


def test_a_change_in_the_transaction_is_seen_at_once(app):
    default = settings.snapshot()[NAME]
    db.session.add(Parameter(name=NAME, value=default + 5))          # pending, not flushed
    assert settings.snapshot()[NAME] == default + 5
    row = db.session.get(Parameter, NAME)
    row.value = default + 6                                           # changed after a read
    assert settings.snapshot()[NAME] == default + 6
    db.session.flush()
    assert settings.snapshot()[NAME] == default + 6
    db.session.delete(row)
    assert settings.snapshot()[NAME] == default
    db.session.rollback()


def test_another_transactions_commit_is_seen_by_the_next_transaction(app):
    default = settings.snapshot()[NAME]
    db.session.commit()
    with db.engine.begin() as other:                                  # another connection writes
        other.execute(Parameter.__table__.insert().values(name=NAME, value=default + 7, updated_at=utcnow()))
    try:
        assert settings.snapshot()[NAME] == default + 7
    finally:
        db.session.rollback()
        db.session.execute(delete(Parameter).where(Parameter.name == NAME))
        db.session.commit()
