"""Recordings shared as examples: who shares, the cut's bounds (422 naming the field), and no sharing
(nor playing) of a confidential case's recording."""
from __future__ import annotations

from datetime import datetime

import pytest

from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.knowledge import recordings
from engine.models import Case
from tests.api.test_call_pages import record
from tests.engine.knowledge.helpers import category, kb_clean, published  # noqa: F401  (fixtures)
from tests.factories import open_case


@pytest.fixture
def article(actor, dept, category):
    return published(actor, dept, category("住房"), "公积金提取", "<p>x</p>")


def test_an_agent_shares_a_cut_and_the_center_listens(actor, article):
    call = record(datetime(2026, 11, 2, 2, 0), talk=120, recording_path="/var/lib/freeswitch/rec/a.wav")
    row = recordings.share(actor=actor("agent"), article_id=article.id, call_record_id=call.id,
                           start_second="10", end_second="40", note="耐心解释提取材料")
    assert (row.start_second, row.end_second) == (10, 40)
    assert [r.id for r in recordings.of_article(actor=actor("supervisor"), article_id=article.id)] == [row.id]
    assert recordings.of_article(actor=actor("zjj_handler"), article_id=article.id) == []
    with pytest.raises(PermissionDenied):
        recordings.for_listening(actor=actor("zjj_handler"), recording_id=row.id)
    assert recordings.for_listening(actor=actor("shift_lead"), recording_id=row.id)[1].id == call.id


def test_the_cut_must_lie_within_the_call(actor, article):
    call = record(datetime(2026, 11, 2, 2, 0), talk=60, recording_path="/var/lib/freeswitch/rec/b.wav")
    with pytest.raises(ValidationFailed) as exc:
        recordings.share(actor=actor("agent"), article_id=article.id, call_record_id=call.id,
                         start_second="-1", end_second="61")
    assert set(exc.value.errors) == {"start_second", "end_second"}
    with pytest.raises(ValidationFailed) as exc:
        recordings.share(actor=actor("agent"), article_id=article.id, call_record_id=call.id,
                         start_second="30", end_second="20")
    assert set(exc.value.errors) == {"end_second"}
    silent = record(datetime(2026, 11, 2, 3, 0))
    with pytest.raises(ValidationFailed) as exc:
        recordings.share(actor=actor("agent"), article_id=article.id, call_record_id=silent.id)
    assert set(exc.value.errors) == {"call_record_id"}


def test_a_confidential_cases_recording_is_not_shared_nor_played(actor, article):
    case = open_case(actor("agent"), confidential=True)
    secret = record(datetime(2026, 11, 2, 4, 0), recording_path="/var/lib/freeswitch/rec/c.wav", case_id=case.id)
    with pytest.raises(PermissionDenied):
        recordings.share(actor=actor("agent"), article_id=article.id, call_record_id=secret.id)
    open_one = open_case(actor("agent"))
    call = record(datetime(2026, 11, 2, 5, 0), recording_path="/var/lib/freeswitch/rec/d.wav", case_id=open_one.id)
    row = recordings.share(actor=actor("shift_lead"), article_id=article.id, call_record_id=call.id)
    db.session.get(Case, open_one.id).confidential = True       # made confidential afterwards
    db.session.commit()
    with pytest.raises(PermissionDenied):
        recordings.for_listening(actor=actor("agent"), recording_id=row.id)


def test_only_agents_and_shift_leads_share(actor, article):
    call = record(datetime(2026, 11, 2, 6, 0), recording_path="/var/lib/freeswitch/rec/e.wav")
    with pytest.raises(PermissionDenied):
        recordings.share(actor=actor("zjj_handler"), article_id=article.id, call_record_id=call.id)
