"""An outbound list from Excel through the import framework (the `campaign_list` target), and a
contact page listing the outbound attempts to the contact's phone."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from engine import campaigns, scheduler
from engine.contacts import history, service as contacts
from engine.db import db
from engine.errors import ValidationFailed
from engine.imports import jobs, runner
from engine.models import CampaignTarget, ImportJob
from tests.engine.campaigns.fixtures import clean_campaigns, started  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _targets():
    scheduler.register_import_targets()


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in [["电话", "姓名", "备注"], *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def phones_of(campaign_id: int) -> set[str]:
    return set(db.session.scalars(select(CampaignTarget.phone).where(CampaignTarget.campaign_id == campaign_id)))


def test_an_outbound_list_is_imported_into_its_campaign_once_per_phone(actor):
    lead = actor("shift_lead")
    campaign = started(lead, agents={"agent": ""}, phones=["13900000009"])
    data = workbook([["13900000001", "张三", "回访供暖"], ["12", "李四", ""], ["139-0000-0001", "重复", ""],
                     ["13900000009", "已在名单", ""]])
    job = jobs.create(actor=lead, target="campaign_list", filename="名单.xlsx", data=data)
    assert job.mapping == {"0": "phone", "1": "name", "2": "notes"}          # guessed from the Chinese titles
    with pytest.raises(ValidationFailed) as refused:
        jobs.start(actor=lead, job_id=job.id, mapping=job.mapping, options={})
    assert "campaign_id" in refused.value.errors
    jobs.start(actor=lead, job_id=job.id, mapping=job.mapping, options={"campaign_id": str(campaign.id)})
    runner.run_pending()
    job = db.session.get(ImportJob, job.id)
    assert (job.state, job.total, job.bad, job.duplicates) == ("done", 4, 2, 1)
    assert phones_of(campaign.id) == {"13900000009", "13900000001"}       # the one already there not twice
    added = db.session.scalar(select(CampaignTarget).where(CampaignTarget.phone == "13900000001"))
    assert (added.name, added.notes, added.agent_id is not None) == ("张三", "回访供暖", True)


def test_a_finished_campaign_takes_no_list(actor):
    lead = actor("shift_lead")
    campaign = started(lead, agents={"agent": ""})
    campaigns.service.move(actor=lead, campaign_id=campaign.id, action="finish")
    job = jobs.create(actor=lead, target="campaign_list", filename="名单.xlsx", data=workbook([["13900000001"]]))
    with pytest.raises(ValidationFailed) as refused:
        jobs.start(actor=lead, job_id=job.id, mapping=job.mapping, options={"campaign_id": str(campaign.id)})
    assert "campaign_id" in refused.value.errors


def test_the_contact_page_lists_the_outbound_attempts_to_its_phone(actor):
    lead = actor("shift_lead")
    campaign = started(lead, agents={"agent": ""}, phones=["13900000007"])
    target = db.session.scalar(select(CampaignTarget).where(CampaignTarget.campaign_id == campaign.id))
    campaigns.calling.record_result(actor=actor("agent"), target_id=target.id, result="no_answer")
    contact = contacts.resolve("13900000007", name="赵六")
    db.session.commit()
    [attempt] = history.history(actor=lead, contact_id=contact.id)["attempts"]
    assert (attempt["campaign"], attempt["result"]) == ("测试外呼", "no_answer") and attempt["agent"]
