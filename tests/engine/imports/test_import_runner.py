"""Excel imports: a real-looking 100k-row workbook with bad rows (exact counts), a crash resumed
without duplicates, a dead worker's job taken over, the error report, mapping validation."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bench.import_data import HEADERS, make_rows, write_xlsx
from engine import scheduler
from engine.contacts import service
from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from engine.imports import jobs, report, runner
from engine.models import Contact, ContactPhone, ImportError_, ImportJob
from engine.ports import now as clock_now


@pytest.fixture(autouse=True)
def _targets():
    scheduler.register_import_targets()


def upload(actor, rows, tmp_path, name="list.xlsx", **kw) -> ImportJob:
    path = write_xlsx(tmp_path / name, rows, **kw)
    return jobs.create(actor=actor, target="contacts", filename=name, data=path.read_bytes())


def seed_existing(phones: list[str]) -> None:
    for phone in phones:
        service.resolve(phone, name="老客户")
    db.session.commit()


def phone_count() -> int:
    return db.session.execute(select(func.count()).select_from(ContactPhone)).scalar()


def test_a_100k_row_workbook_imports_with_exact_counts(actor, tmp_path):
    rows, expected = make_rows(100_000)
    seed_existing(expected.existing)
    job = upload(actor("shift_lead"), rows, tmp_path, blank_every=7000)
    assert job.mapping == {str(i): f for i, f in enumerate(
        ["name", "phone", "kind", "organisation", "address", "classification", "tags", "notes", "sms_consent"])}
    jobs.start(actor=actor("shift_lead"), job_id=job.id, mapping=job.mapping)
    result = runner.run_pending(batch=5000)
    job = db.session.get(ImportJob, job.id)
    assert result["import"] == job.id and job.state == "done"
    assert (job.total, job.processed, job.good, job.bad, job.duplicates) == (
        100_000, 100_000, expected.good, expected.bad, expected.duplicates)
    assert phone_count() == expected.good + len(expected.existing)
    assert db.session.execute(select(func.count(func.distinct(ImportError_.row_no))).where(
        ImportError_.job_id == job.id)).scalar() == expected.bad
    codes = dict(db.session.execute(select(ImportError_.code, func.count()).where(ImportError_.job_id == job.id)
                                    .group_by(ImportError_.code)).all())
    assert codes["duplicate"] + codes["exists"] == expected.duplicates and codes["exists"] == len(expected.existing)
    assert set(codes) == {"bad_phone", "required", "not_an_option", "duplicate", "exists"}
    assert runner.run_pending() is None


def test_a_crash_mid_import_resumes_after_the_checkpoint_without_duplicates(actor, tmp_path):
    rows, expected = make_rows(5_000, existing_every=700)
    seed_existing(expected.existing)
    job = upload(actor("shift_lead"), rows, tmp_path)
    jobs.start(actor=actor("shift_lead"), job_id=job.id, mapping=job.mapping)

    def crash(batches: int) -> None:
        if batches == 3:
            raise RuntimeError("the worker died")
    with pytest.raises(RuntimeError):
        runner.run_pending(batch=1000, after_batch=crash)
    job = db.session.get(ImportJob, job.id)
    assert job.state == "running" and job.checkpoint == 3000 and job.processed == 3000
    assert runner.run_pending(batch=1000) is None                 # its heartbeat is fresh: not taken yet
    db.session.execute(update(ImportJob).values(heartbeat_at=clock_now() - runner.STALE - timedelta(seconds=1)))
    db.session.commit()
    assert runner.run_pending(batch=1000)["import"] == job.id      # a stale heartbeat: taken over
    db.session.refresh(job)
    assert job.state == "done" and job.attempts == 2
    assert (job.good, job.bad, job.duplicates) == (expected.good, expected.bad, expected.duplicates)
    assert phone_count() == expected.good + len(expected.existing)        # no row written twice, none lost
    assert db.session.execute(select(func.count()).select_from(Contact)).scalar() == phone_count()
    assert db.session.execute(select(func.count(func.distinct(ImportError_.row_no))).where(
        ImportError_.job_id == job.id)).scalar() == expected.bad


def test_a_worker_presumed_dead_cannot_write_a_batch_twice(actor, tmp_path):
    rows, _ = make_rows(300)
    job = upload(actor("shift_lead"), rows, tmp_path)
    jobs.start(actor=actor("shift_lead"), job_id=job.id, mapping=job.mapping)
    job_id, old_worker = runner.claim("old")
    db.session.execute(update(ImportJob).values(heartbeat_at=clock_now() - runner.STALE - timedelta(seconds=1)))
    db.session.commit()
    assert runner.claim("new") == (job_id, "new")
    with pytest.raises(runner.LostClaim):
        runner.run(job_id, old_worker, batch=100)
    assert phone_count() == 0


def test_the_error_report_lists_each_bad_row_with_its_cells(actor, tmp_path):
    rows = [["甲", "13800138000", "个人", "", "", "普通", "", "", "是"],
            ["乙", "1380013", "个人", "", "", "普通", "", "", "是"],
            ["丙", "+86 138-0013-8000", "个人", "", "", "普通", "", "", "是"],
            ["丁", "", "外星人", "", "", "普通", "", "", "也许"]]
    job = upload(actor("shift_lead"), rows, tmp_path)
    jobs.start(actor=actor("shift_lead"), job_id=job.id, mapping=job.mapping)
    runner.run_pending()
    db.session.refresh(job)
    assert (job.good, job.bad, job.duplicates) == (1, 3, 1)
    sheet = load_workbook(io.BytesIO(report.errors_xlsx(job))).active
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert lines[0] == ["Row", "Field", "Code", "Message", *HEADERS]
    assert [(r[0], r[1], r[2]) for r in lines[1:]] == [(3, "phone", "bad_phone"), (4, "phone", "duplicate"),
                                                      (5, "phone", "required")]
    assert lines[1][4:6] == ["乙", "1380013"]


def test_the_mapping_is_checked_and_names_the_field(actor, tmp_path):
    rows, _ = make_rows(10)
    job = upload(actor("shift_lead"), rows, tmp_path)
    with pytest.raises(ValidationFailed) as error:
        jobs.start(actor=actor("shift_lead"), job_id=job.id, mapping={"0": "name"})
    assert list(error.value.errors) == ["phone"]
    with pytest.raises(ValidationFailed) as error:
        jobs.start(actor=actor("shift_lead"), job_id=job.id, mapping={"0": "phone", "1": "phone"})
    assert "phone" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        jobs.start(actor=actor("shift_lead"), job_id=job.id, mapping={"1": "phone", "2": "shoe_size"})
    assert "shoe_size" in error.value.errors
    with pytest.raises(NotFound):
        jobs.get(actor=actor("leader"), job_id=job.id)        # another person's import
    with pytest.raises(PermissionDenied):
        jobs.create(actor=actor("agent"), target="contacts", filename="x.xlsx", data=b"x")
    with pytest.raises(ValidationFailed) as error:
        jobs.create(actor=actor("shift_lead"), target="contacts", filename="x.xlsx", data=b"not a zip")
    assert "file" in error.value.errors
