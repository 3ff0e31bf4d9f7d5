"""Background Excel imports: mapping, per-row validation, progress, error reports, resume (issue 15).

Owns the import job (`import_job`: target, stored workbook, column → field mapping, options,
state new → queued → running → done/failed, counts, checkpoint, heartbeat) and its per-row errors
(`import_error`). A person uploads an .xlsx (`jobs.create`), confirms the mapping (`jobs.start`),
and the scheduler process runs it (`runner.run_pending`, never the web request) in committed
batches: each batch's good rows, its error rows, the counts and the checkpoint commit together,
so a job whose worker died (stale heartbeat) is claimed again and continues after the
checkpoint with no row lost or written twice. `report.errors_xlsx` writes the rejected rows.

Domains bring the targets and the composition root registers them (engine.scheduler.
register_import_targets), so this package imports no domain but `organisation`. A target is a
`Target` (engine.imports.targets):

    Target(name="contacts", label="Contacts",            # label: an English msgid
           fields=(Field("phone", "Phone", required=True, aliases=("手机", "电话")), ...),
           validate=fn(raw: dict[str, str]) -> (clean dict | None, {field: message or (code, message)}),
           write=fn(rows: list[dict], job: ImportJob, actor: Actor) -> int,   # idempotent per key
           key=fn(clean) -> str | None,                  # duplicates within the file (optional)
           existing=fn(keys: list[str], job) -> set[str],  # duplicates in the database (optional)
           options=("campaign_id",), check_options=fn(options, actor) -> dict,  # (optional)
           roles=("shift_lead", ...))                    # who may import into it

An outbound list, for instance, registers as
`Target(name="campaign_list", fields=fields_of(campaigns.LIST_FIELDS, required=("phone",)),
validate=campaigns.validate_list_row, write=lambda rows, job, actor: campaigns.add_list_rows(
int(job.options["campaign_id"]), rows, actor), key=lambda row: row.get("phone"),
options=("campaign_id",), ...)`.
"""
from engine.imports import jobs, report, runner
from engine.imports.targets import TARGETS, Field, Target, fields_of, register

__all__ = ["TARGETS", "Field", "Target", "fields_of", "jobs", "register", "report", "runner"]
