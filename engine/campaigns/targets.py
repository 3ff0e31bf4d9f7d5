"""The list of a campaign: rows checked one by one (the Excel import's contract), added once per
normalised phone, a pasted list, and the lists re-visits and callbacks bring with them."""
from __future__ import annotations

import re

from sqlalchemy import insert, select

from engine import cases
from engine.campaigns.assignment import assign_open
from engine.campaigns.service import get_campaign
from engine.db import db
from engine.errors import ValidationFailed, WrongState
from engine.models import CallRecord, Campaign, CampaignTarget, Case, WorkItem
from engine.organisation import Actor
from engine.ports import now as clock_now
from forms.messages import msg

LIST_FIELDS = ("phone", "name", "notes", "skill")
LIMITS = {"name": 100, "notes": 500, "skill": 50}
# a mainland mobile or another number of 5 to 20 digits, as intake and the citizens' channels allow
PHONE = re.compile(r"\+?[0-9]{5,20}")
PASTE_SPLIT = re.compile(r"\s*[,\t，;；]\s*")
MAX_PASTED = 2000


def validate_list_row(raw: dict[str, str]) -> tuple[dict | None, dict[str, str]]:
    """One row of an outbound list: (the clean row, {}) or (None, {field: message code})."""
    errors: dict[str, str] = {}
    phone = cases.normalize_phone(str(raw.get("phone") or ""))
    if not phone:
        errors["phone"] = "required"
    elif not PHONE.fullmatch(phone):
        errors["phone"] = "phone_invalid"
    clean = {"phone": phone}
    for field, limit in LIMITS.items():
        value = str(raw.get(field) or "").strip()
        if len(value) > limit:
            errors[field] = "max_length"
        clean[field] = value
    return (None, errors) if errors else (clean, {})


def add_list_rows(campaign_id: int, rows: list[dict], actor: Actor) -> int:
    """Add clean rows (validate_list_row's) to a campaign, once per normalised phone: a row whose
    phone the campaign has already is skipped, so a resumed import adds nothing twice. Commits;
    returns how many were added. A finished campaign takes no more (409)."""
    campaign = open_campaign(actor, campaign_id)
    existing = set(db.session.execute(select(CampaignTarget.key).where(
        CampaignTarget.campaign_id == campaign.id)).scalars())
    now, added = clock_now(), []
    for row in rows:
        phone = row["phone"]
        if phone in existing:
            continue
        existing.add(phone)
        added.append(_row(campaign, now, key=phone, phone=phone, name=row.get("name", ""), notes=row.get("notes", ""),
                          skill=row.get("skill", "")))
    return _save(campaign, added)


def add_pasted(*, actor: Actor, campaign_id: int, text: str) -> int:
    """A pasted list, one target a line: `phone, name, notes, skill` (comma, tab or semicolon
    between; only the phone is needed). Any bad line refuses the whole paste (422 names the lines)."""
    lines = [(n, line) for n, line in enumerate((text or "").splitlines(), 1) if line.strip()]
    if not lines:
        raise ValidationFailed({"targets": [msg("required", "required")]})
    if len(lines) > MAX_PASTED:
        raise ValidationFailed({"targets": [msg("paste_too_long", "at most %(max)s lines at a time", max=MAX_PASTED)]})
    rows, bad = [], []
    for number, line in lines:
        parts = PASTE_SPLIT.split(line.strip(), maxsplit=3)
        if len(parts) == 1:        # "13800138000 张三": a space may separate the phone and the name
            parts = line.strip().split(None, 1)
        clean, errors = validate_list_row(dict(zip(LIST_FIELDS, parts)))
        if errors:
            bad.append(number)
        else:
            rows.append(clean)
    if bad:
        raise ValidationFailed({"targets": [msg("paste_bad_lines", "lines with a bad phone or too long a text: %(lines)s",
                                                lines=", ".join(map(str, bad[:20])))]})
    return add_list_rows(campaign_id, rows, actor)


def add_visits(*, actor: Actor, campaign_id: int) -> int:
    """A satisfaction re-visit campaign's list: every case waiting for its visit, one target per case."""
    campaign = open_campaign(actor, campaign_id)
    waiting = db.session.execute(select(Case.id, Case.phone, Case.citizen_name).join(
        WorkItem, WorkItem.case_id == Case.id).where(
        WorkItem.state == "open", WorkItem.form_key == "visit").order_by(WorkItem.created_at, Case.id)).all()
    rows = [(f"case:{case_id}", cases.normalize_phone(phone or ""), name or "", case_id, None)
            for case_id, phone, name in waiting]
    return _add_found(campaign, rows)


def add_callbacks(*, actor: Actor, campaign_id: int) -> int:
    """A dissuasion callback campaign's list: the open callback list, one target per number."""
    campaign = open_campaign(actor, campaign_id)
    calls = db.session.execute(select(CallRecord.id, CallRecord.callback_number, CallRecord.caller, CallRecord.case_id)
                               .where(CallRecord.callback_status == "open").order_by(CallRecord.arrived_at)).all()
    rows = []
    for call_id, callback_number, caller, case_id in calls:
        phone = cases.normalize_phone(callback_number or caller or "")
        rows.append((phone, phone, "", case_id, call_id))
    return _add_found(campaign, rows)


def _add_found(campaign: Campaign, rows: list[tuple]) -> int:
    existing = set(db.session.execute(select(CampaignTarget.key).where(
        CampaignTarget.campaign_id == campaign.id)).scalars())
    now, added = clock_now(), []
    for key, phone, name, case_id, call_record_id in rows:
        if key in existing or not PHONE.fullmatch(phone):
            continue
        existing.add(key)
        added.append(_row(campaign, now, key=key, phone=phone, name=name[:100], case_id=case_id,
                          call_record_id=call_record_id))
    return _save(campaign, added)


def open_campaign(actor: Actor, campaign_id: int) -> Campaign:
    """The campaign, if the actor may see it and it still takes work (409 once finished)."""
    campaign = get_campaign(actor=actor, campaign_id=campaign_id)
    if campaign.state == "finished":
        raise WrongState(msg("campaign_finished", "the campaign is finished"))
    return campaign


def _row(campaign: Campaign, now, **values) -> dict:
    base = {"campaign_id": campaign.id, "name": "", "notes": "", "skill": "", "case_id": None, "call_record_id": None,
            "agent_id": None, "state": "open", "attempts": 0, "next_attempt_at": now, "created_at": now}
    return {**base, **values}


def _save(campaign: Campaign, added: list[dict]) -> int:
    if added:      # one executemany: an imported list may have 100,000 rows
        db.session.execute(insert(CampaignTarget.__table__), added)
    if campaign.state != "draft":      # a draft is assigned when it starts
        assign_open(campaign.id)
    db.session.commit()
    return len(added)
