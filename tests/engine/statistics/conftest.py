"""The statistics tests' clock and their hand-built week (story.py)."""
from __future__ import annotations

import pytest

from engine.ports import FixedClock, set_clock
from tests.engine.statistics import replay
from tests.engine.statistics.story import at


@pytest.fixture
def clock():
    fixed = FixedClock(at(9, 1))
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


@pytest.fixture
def week(actor, dept, clock):
    """Q E I F A B C D G H J K L M N P R S: the cases the expected figures name (story.build_week;
    built once per database, then put back row for row: replay.py)."""
    return replay.week(actor, dept, clock)
