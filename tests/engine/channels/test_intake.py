"""The channels' one intake door: a case in triage, nobody's first contact yet, duplicates marked."""
import pytest
from sqlalchemy import select

from engine.channels import open_from_channel
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import CaseEvent
from tests.factories import INTAKE, open_case

WEB = {k: v for k, v in INTAKE.items() if k != "channel"}


def _events(case_id, action):
    return db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                      CaseEvent.action == action)).all()


def test_a_channel_request_waits_in_triage_with_no_first_contact(app):
    case = open_from_channel("web", WEB)
    assert (case.channel, case.stage, case.created_by_id, case.first_contact_id) == ("web", "triage", None, None)
    assert _events(case.id, "duplicate_suspected") == []


def test_the_channel_is_forced_whatever_the_data_says(app):
    case = open_from_channel("sms", {**WEB, "channel": "phone"})
    assert case.channel == "sms"


def test_a_probable_duplicate_from_another_channel_is_recorded(app, actor):
    earlier = open_case(actor("agent"))
    case = open_from_channel("wechat", WEB)
    [event] = _events(case.id, "duplicate_suspected")
    [candidate] = event.data["candidates"]
    assert candidate["case_no"] == earlier.case_no
    assert "phone" in candidate["reasons"] and "text" in candidate["reasons"]


def test_bad_input_names_the_field(app):
    with pytest.raises(ValidationFailed) as refused:
        open_from_channel("web", {**WEB, "phone": "not a phone"})
    assert "phone" in str(refused.value.errors if hasattr(refused.value, "errors") else refused.value)


def test_the_text_is_compared_across_categories(app, actor):
    earlier = open_case(actor("agent"), category="complaint", phone="13700000001")
    case = open_from_channel("sms", {**WEB, "category": "consult", "phone": "13700000002"})
    [event] = _events(case.id, "duplicate_suspected")
    assert [(c["case_no"], c["reasons"]) for c in event.data["candidates"]] == [(earlier.case_no, ["text"])]
