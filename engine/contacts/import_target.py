"""The contacts target of the Excel import (engine.imports): fields, per-row validation, bulk writes."""
from __future__ import annotations

from sqlalchemy import select

from engine.contacts import access, phones as P, service
from engine.db import db
from engine.imports import Field, Target
from engine.models import Contact, ContactPhone, ContactTag
from engine.models.contact import CLASSIFICATIONS
from engine.ports import now as clock_now

FIELDS = (
    Field("phone", "Phone", required=True, aliases=("手机", "电话", "手机号", "联系电话", "号码", "mobile", "tel")),
    Field("name", "Name", aliases=("姓名", "名称", "联系人", "客户")),
    Field("kind", "Kind", aliases=("类型", "个人/单位")),
    Field("organisation", "Organisation", aliases=("单位", "工作单位", "公司", "organization")),
    Field("address", "Address", aliases=("地址", "住址")),
    Field("classification", "Classification", aliases=("分类", "类别", "级别")),
    Field("tags", "Tags", aliases=("标签",)),
    Field("notes", "Notes", aliases=("备注", "说明")),
    Field("sms_consent", "SMS consent", aliases=("短信同意", "同意短信")),
    Field("outbound_consent", "Outbound consent", aliases=("外呼同意", "同意外呼")),
)
KINDS = {"": "person", "person": "person", "个人": "person", "organisation": "organisation", "organization": "organisation",
         "单位": "organisation", "企业": "organisation"}
CLASSES = {"": "ordinary", "普通": "ordinary", "常客": "frequent", "重点": "key", "敏感": "sensitive", "企业": "enterprise",
           **{c: c for c in CLASSIFICATIONS}}
YES = {"1", "y", "yes", "true", "是", "同意", "√"}
NO = {"", "0", "n", "no", "false", "否", "不同意"}
LIMITS = {"name": 100, "organisation": 200, "address": 300, "notes": 4000}


# Long because it is the row's whole rule set, in the order a person reads the error report.
def validate(raw: dict[str, str]) -> tuple[dict | None, dict]:
    """One row: the clean contact, or the errors field → (code, message)."""
    errors: dict = {}
    phone = P.normalise(raw.get("phone"))
    if not P.valid(phone):
        errors["phone"] = ("bad_phone", "not a mobile or landline number")
    kind = KINDS.get((raw.get("kind") or "").strip().lower())
    if kind is None:
        errors["kind"] = ("not_an_option", "must be one of: 个人, 单位")
    klass = CLASSES.get((raw.get("classification") or "").strip().lower())
    if klass is None:
        errors["classification"] = ("not_an_option", "must be one of: 普通, 常客, 重点, 敏感, 企业")
    consents = {}
    for name in ("sms_consent", "outbound_consent"):
        value = (raw.get(name) or "").strip().lower()
        if value not in YES and value not in NO:
            errors[name] = ("not_yes_no", "yes or no (是/否)")
        consents[name] = value in YES
    for name, limit in LIMITS.items():
        if len(raw.get(name) or "") > limit:
            errors[name] = ("max_length", f"at most {limit} characters")
    if errors:
        return None, errors
    tags = service.clean_tags((raw.get("tags") or "").replace("，", ",").replace("、", ",").split(","))
    return {"phone": phone, "name": (raw.get("name") or "").strip(), "kind": kind, "classification": klass,
            "organisation": (raw.get("organisation") or "").strip(), "address": (raw.get("address") or "").strip(),
            "notes": (raw.get("notes") or "").strip(), "tags": tags, **consents}, {}


def existing(keys: list[str], job) -> set[str]:
    """Numbers of the batch that belong to a contact already (one query)."""
    return set(db.session.execute(select(ContactPhone.phone).where(ContactPhone.phone.in_(keys))).scalars())


def write(rows: list[dict], job, actor) -> int:
    """New contacts with their phone and tags in three bulk statements; a known number updates its contact."""
    now = clock_now()
    known = existing([r["phone"] for r in rows], job)
    for row in (r for r in rows if r["phone"] in known):
        _update(row, now)
    fresh = [r for r in rows if r["phone"] not in known]
    if not fresh:
        return len(rows)
    values = [{"kind": r["kind"], "name": r["name"], "other_names": [], "organisation": r["organisation"],
               "address": r["address"], "classification": r["classification"], "notes": r["notes"],
               "sms_consent": r["sms_consent"], "sms_consent_at": now if r["sms_consent"] else None,
               "outbound_consent": r["outbound_consent"], "outbound_consent_at": now if r["outbound_consent"] else None,
               "source": "import", "version": 1, "created_at": now, "updated_at": now} for r in fresh]
    # Core statements on the tables: the ORM's bulk insert with RETURNING splices its results
    # row by row (quadratic: 47 s for 20,000 rows); Core's insertmanyvalues does it in batches.
    table = Contact.__table__
    ids = db.session.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True), values).scalars().all()
    db.session.execute(ContactPhone.__table__.insert(), [{"contact_id": i, "phone": r["phone"], "label": "", "source": "import",
                                               "created_at": now} for i, r in zip(ids, fresh)])
    tags = [{"contact_id": i, "tag": t} for i, r in zip(ids, fresh) for t in r["tags"]]
    if tags:
        db.session.execute(ContactTag.__table__.insert(), tags)
    return len(rows)


def _update(row: dict, now) -> None:
    """The option "update existing contacts": fill what the contact lacks, add tags and consents."""
    contact = service.by_phone(row["phone"])
    for name in ("organisation", "address", "notes"):
        if row[name] and not getattr(contact, name):
            setattr(contact, name, row[name])
    service._learn_name(contact, row["name"])
    for consent in ("sms_consent", "outbound_consent"):
        if row[consent] and not getattr(contact, consent):
            setattr(contact, consent, True)
            setattr(contact, consent + "_at", now)
    service.set_tags(contact.id, sorted(set(service.tags_of(contact.id)) | set(row["tags"])))


TARGET = Target(name="contacts", label="Contacts", fields=FIELDS, validate=validate, write=write,
                key=lambda row: row["phone"], key_field="phone", existing=existing, roles=access.IMPORT_ROLES)
