"""An outbound list from Excel (engine.imports): the campaign list target. Rows are checked like a
pasted list (targets.validate_list_row) and added once per phone, so a resumed import adds
nothing twice; the campaign is chosen when the import is started (its option `campaign_id`)."""
from __future__ import annotations

from engine import imports
from engine.campaigns.service import MANAGE_ROLES
from engine.campaigns.targets import LIST_FIELDS, add_list_rows, open_campaign, validate_list_row
from engine.errors import DomainError, ValidationFailed
from engine.organisation import Actor
from forms.messages import msg

FIELDS = (imports.Field("phone", "Phone", required=True, aliases=("手机", "电话", "手机号", "联系电话", "号码", "mobile")),
          imports.Field("name", "Name", aliases=("姓名", "名称", "联系人", "被叫人")),
          imports.Field("notes", "Notes", aliases=("备注", "说明")),
          imports.Field("skill", "Skill", aliases=("技能", "技能标签")))
assert tuple(f.name for f in FIELDS) == LIST_FIELDS     # one list of fields, two ways in


def check_options(options: dict, actor: Actor) -> dict:
    """The campaign to fill: one the actor manages and that still takes calls (422 naming it)."""
    raw = str(options.get("campaign_id") or "").strip()
    if not raw.isdigit():
        raise ValidationFailed({"campaign_id": [msg("required", "required")]})
    try:
        open_campaign(actor, int(raw))
    except DomainError as exc:
        raise ValidationFailed({"campaign_id": [exc.message]}) from None
    return {**options, "campaign_id": int(raw)}


def write(rows: list[dict], job, actor: Actor) -> int:
    return add_list_rows(int(job.options["campaign_id"]), rows, actor)


TARGET = imports.Target(name="campaign_list", label="Outbound list", fields=FIELDS, validate=validate_list_row,
                        write=write, key=lambda row: row.get("phone"), key_field="phone",
                        options=("campaign_id",), check_options=check_options, roles=MANAGE_ROLES)
