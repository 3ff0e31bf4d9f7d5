"""Running import jobs in the scheduler process: claim, validate in batches, write, checkpoint, resume.

Each batch is one transaction: the target's writes, the batch's error rows, the counts and the
new checkpoint commit together, guarded by compare-and-set on (worker, checkpoint). A crash loses
at most the batch in flight, which the next claim does again; rows before the checkpoint are
only re-validated (not written) to rebuild the set of keys seen, so duplicates within the file
are judged exactly as in an uninterrupted run.
"""
from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta
from typing import Callable

from sqlalchemy import and_, func, insert, or_, select, update

from engine import storage
from engine.db import db
from engine.imports import reader, targets
from engine.models import ImportError_, ImportJob, User
from engine.organisation import actor_from_user
from engine.ports import now as clock_now
from forms.messages import code_of

log = logging.getLogger(__name__)
BATCH = 2000
STALE = timedelta(seconds=90)      # a running job without a heartbeat this long lost its worker
MAX_ATTEMPTS = 5


class LostClaim(RuntimeError):
    """Another worker took the job over (this one was presumed dead)."""


def _claimable(now):
    return or_(ImportJob.state == "queued",
               and_(ImportJob.state == "running", ImportJob.heartbeat_at < now - STALE))


def claim(worker: str | None = None) -> tuple[int, str] | None:
    """Take the oldest queued job, or a running one whose worker died: (job id, worker token)."""
    worker = worker or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    now = clock_now()
    ids = db.session.execute(select(ImportJob.id).where(_claimable(now)).order_by(ImportJob.id).limit(5)).scalars().all()
    for job_id in ids:
        taken = db.session.execute(update(ImportJob).where(ImportJob.id == job_id, _claimable(now)).values(
            state="running", worker=worker, heartbeat_at=now, attempts=ImportJob.attempts + 1,
            started_at=func.coalesce(ImportJob.started_at, now))).rowcount
        db.session.commit()
        if taken == 1:
            return job_id, worker
    db.session.rollback()
    return None


def run_pending(*, batch: int = BATCH, after_batch: Callable[[int], None] | None = None) -> dict | None:
    """The scheduler's job: claim one import and run it to its end (or until it fails)."""
    claimed = claim()
    if claimed is None:
        return None
    job_id, worker = claimed
    try:
        return run(job_id, worker, batch=batch, after_batch=after_batch)
    except LostClaim:
        db.session.rollback()
        return {"import": job_id, "lost": True}
    except Exception as e:
        db.session.rollback()
        job = db.session.get(ImportJob, job_id)
        job.error = f"{type(e).__name__}: {e}"[:500]
        if job.attempts >= MAX_ATTEMPTS:
            job.state, job.finished_at = "failed", clock_now()
        db.session.commit()
        raise


class _Run:
    """One pass over a job's rows."""

    def __init__(self, job: ImportJob, worker: str):
        self.job, self.worker = job, worker
        self.target = targets.get(job.target)
        self.columns = [(int(c), f) for c, f in job.mapping.items()]
        self.required = [f.name for f in self.target.fields if f.required]
        self.update_existing = bool(job.options.get("update_existing"))
        self.seen: set[str] = set()
        self.actor = actor_from_user(db.session.get(User, job.created_by_id))

    def raw(self, cells: list[str]) -> dict[str, str]:
        return {f: (cells[c] if c < len(cells) else "") for c, f in self.columns}

    def check(self, raw: dict[str, str]) -> tuple[dict | None, dict]:
        missing = {f: ("required", "required") for f in self.required if not raw.get(f)}
        if missing:
            return None, missing
        clean, problems = self.target.validate(raw)
        return (clean, {}) if clean is not None and not problems else (None, problems or {"": ("invalid", "invalid")})

    def key(self, clean: dict | None) -> str | None:
        return self.target.key(clean) if clean is not None and self.target.key else None

    def remember(self, cells: list[str]) -> None:
        key = self.key(self.check(self.raw(cells))[0])
        if key:
            self.seen.add(key)


def run(job_id: int, worker: str, *, batch: int = BATCH, after_batch: Callable[[int], None] | None = None) -> dict:
    """Process the job's rows after its checkpoint, batch by batch; mark it done."""
    job = db.session.get(ImportJob, job_id)
    state = _Run(job, worker)
    rows = list(reader.data_rows(str(storage.store().path(job.file_sha256))))
    if job.total != len(rows):
        _advance(job, worker, job.checkpoint, total=len(rows))
    for _, cells in rows[: job.checkpoint]:
        state.remember(cells)
    done = 0
    for start in range(job.checkpoint, len(rows), batch):
        _batch(state, rows[start:start + batch], start)
        done += 1
        if after_batch:
            after_batch(done)
    job.state, job.finished_at, job.error = "done", clock_now(), None
    db.session.commit()
    return {"import": job.id, "good": job.good, "bad": job.bad}


def _advance(job: ImportJob, worker: str, at: int, **values) -> None:
    """Compare-and-set on (worker, checkpoint): a worker presumed dead cannot write a batch twice."""
    moved = db.session.execute(update(ImportJob).where(
        ImportJob.id == job.id, ImportJob.worker == worker, ImportJob.checkpoint == at).values(
        heartbeat_at=clock_now(), **values).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        db.session.rollback()
        raise LostClaim(f"import {job.id}")
    db.session.commit()
    db.session.refresh(job)


def _error(job_id: int, number: int, field: str, problem, raw: dict) -> dict:
    code, text = problem if isinstance(problem, tuple) else (code_of(problem, "invalid"), str(problem))
    return {"job_id": job_id, "row_no": number, "field": field[:40], "code": code[:24], "message": str(text)[:200],
            "raw": list(raw.values())}


# Long because one batch is one transaction: validation, duplicates, writes, errors and counts together.
def _batch(state: _Run, rows: list[tuple[int, list[str]]], offset: int) -> None:
    job, target = state.job, state.target
    good: list[tuple[int, dict, dict, str | None]] = []
    errors: list[dict] = []
    duplicates = 0
    for number, cells in rows:
        raw = state.raw(cells)
        clean, problems = state.check(raw)
        key = state.key(clean)
        if key and key in state.seen:
            clean, problems = None, {target.key_field: ("duplicate", "duplicate of an earlier row of the file")}
            duplicates += 1
        if key:
            state.seen.add(key)
        if clean is None:
            errors.extend(_error(job.id, number, f, p, raw) for f, p in problems.items())
            continue
        good.append((number, clean, raw, key))
    if target.existing and good and not state.update_existing:
        known = target.existing([k for *_, k in good if k], job)
        for number, _clean, raw, key in [g for g in good if g[3] in known]:
            errors.append(_error(job.id, number, target.key_field, ("exists", "already in the database"), raw))
            duplicates += 1
        good = [g for g in good if g[3] not in known]
    if good:
        target.write([clean for _, clean, _, _ in good], job, state.actor)
    if errors:
        db.session.execute(insert(ImportError_), errors)
    bad = len(rows) - len(good)
    _advance(job, state.worker, offset, checkpoint=offset + len(rows), processed=offset + len(rows),
             good=job.good + len(good), bad=job.bad + bad, duplicates=job.duplicates + duplicates)
