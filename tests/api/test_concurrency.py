"""A report's independent reads (engine.ports.run_all): at once on PostgreSQL, each in its own
thread, session and connection reading what is committed; in turn on SQLite."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine import ports
from engine.db import db
from engine.models import Case
from tests.factories import open_case


def test_the_results_come_in_order_and_read_the_committed_data(app, actor):
    open_case(actor("agent"))                                   # committed by the intake
    postgres = db.session.get_bind().dialect.name == "postgresql"

    def count_cases():
        return db.session.execute(select(func.count()).select_from(Case)).scalar()

    calls = [lambda n=n: (n, threading.current_thread().name, count_cases()) for n in range(4)]
    found = ports.run_all(calls)
    assert [n for n, _thread, _count in found] == [0, 1, 2, 3]
    assert {count for _n, _thread, count in found} == {1}
    threads = {thread for _n, thread, _count in found}
    if postgres:
        assert all(t.startswith("concurrent-read") for t in threads)
    else:
        assert threads == {threading.current_thread().name}     # SQLite: in the caller's thread
    assert ports.run_all([lambda: "alone"]) == ["alone"]


def test_an_error_in_one_call_reaches_the_caller(app):
    def broken():
        raise ValueError("boom")
    with pytest.raises(ValueError, match="boom"):
        ports.run_all([lambda: 1, broken])
