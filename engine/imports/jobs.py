"""Import jobs as people see them: upload, mapping, start, progress, the error rows; scoped to the creator."""
from __future__ import annotations

from sqlalchemy import select

from engine import storage
from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.imports import reader, targets
from engine.models import ImportError_, ImportJob
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from forms.messages import msg

MAX_BYTES = 40 * 1024 * 1024
# who sees every import job (the others see their own)
OVERSEERS = (R.SHIFT_LEAD, R.ADMIN)


def create(*, actor: Actor, target: str, filename: str, data: bytes) -> ImportJob:
    """Store the workbook, read its header row, guess the mapping: the job waits on its mapping page."""
    goal = targets.get(target)
    actor.require(*goal.roles)
    if not filename.lower().endswith(".xlsx"):
        raise ValidationFailed({"file": [msg("not_xlsx", "upload an .xlsx workbook")]})
    if not data or len(data) > MAX_BYTES:
        raise ValidationFailed({"file": [msg("file_size", "the file is empty or larger than 40 MB")]})
    digest = storage.store().put(data)
    titles = reader.headers(str(storage.store().path(digest)))
    job = ImportJob(target=target, filename=filename[-200:], file_sha256=digest, headers=titles,
                    mapping=targets.guess_mapping(goal, titles), options={}, state="new", created_by_id=actor.user_id)
    db.session.add(job)
    db.session.commit()
    return job


def get(*, actor: Actor, job_id: int) -> ImportJob:
    """A job its creator, or an overseer holding the target's role, may see; else 404 (no hint it exists)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or not (job.created_by_id == actor.user_id or actor.has(*OVERSEERS)):
        raise NotFound(msg("import_not_found", "import %(id)s not found", id=job_id))
    return job


def recent(*, actor: Actor, limit: int = 30) -> list[ImportJob]:
    query = select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)
    if not actor.has(*OVERSEERS):
        query = query.where(ImportJob.created_by_id == actor.user_id)
    return list(db.session.execute(query).scalars())


def start(*, actor: Actor, job_id: int, mapping: dict, options: dict | None = None) -> ImportJob:
    """Confirm the mapping (422 naming the field) and options; queue the job for the scheduler."""
    job = get(actor=actor, job_id=job_id)
    goal = targets.get(job.target)
    actor.require(*goal.roles)
    if job.state != "new":
        raise WrongState(msg("import_started", "this import has started already"))
    clean = targets.check_mapping(goal, job.headers, mapping)
    opts = {k: v for k, v in (options or {}).items() if k in goal.options or k == "update_existing"}
    if goal.check_options:
        opts = goal.check_options(opts, actor)
    job.mapping, job.options, job.state = clean, opts, "queued"
    job.heartbeat_at = clock_now()
    db.session.commit()
    return job


def progress(job: ImportJob) -> dict:
    """What the progress bar polls."""
    percent = 100 if job.state == "done" else (int(job.processed * 100 / job.total) if job.total else 0)
    return {"id": job.id, "state": job.state, "total": job.total, "processed": job.processed, "good": job.good,
            "bad": job.bad, "duplicates": job.duplicates, "percent": min(percent, 100), "error": job.error or ""}


def errors(*, job: ImportJob, limit: int | None = None) -> list[ImportError_]:
    query = select(ImportError_).where(ImportError_.job_id == job.id).order_by(ImportError_.row_no, ImportError_.id)
    return list(db.session.execute(query.limit(limit) if limit else query).scalars())
