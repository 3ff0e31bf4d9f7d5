"""`flask backup create|restore`: a case made through the engine survives a round trip — changed
and followed by another case after the backup, the restore brings the database back as it was."""
from __future__ import annotations

import shutil

import pytest

from engine.db import db
from engine.models import Case
from tests.factories import open_case


def _round_trip(app, actor, backup_file) -> None:
    case = open_case(actor("agent"), title="备份前的工单")
    db.session.commit()
    case_id, case_no = case.id, case.case_no
    runner = app.test_cli_runner()

    made = runner.invoke(args=["backup", "create", str(backup_file)])
    assert made.exit_code == 0, made.output
    assert backup_file.stat().st_size > 0 and backup_file.stat().st_mode & 0o077 == 0

    db.session.get(Case, case_id).title = "备份后改过的标题"
    later = open_case(actor("agent"), title="备份后才登记的工单")
    db.session.commit()
    later_id = later.id

    refused = runner.invoke(args=["backup", "restore", str(backup_file)], input="n\n")
    assert refused.exit_code != 0
    assert db.session.get(Case, case_id).title == "备份后改过的标题"      # nothing replaced

    restored = runner.invoke(args=["backup", "restore", "--yes", str(backup_file)])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    back = db.session.get(Case, case_id)
    assert back is not None and back.title == "备份前的工单" and back.case_no == case_no
    assert db.session.get(Case, later_id) is None
    # the restored database takes new cases again (sequences, counters came back with it)
    assert open_case(actor("agent"), title="恢复后的新工单").id is not None
    db.session.commit()


def test_sqlite_online_backup_round_trip(app, actor, is_postgres, tmp_path):
    if is_postgres:
        pytest.skip("the SQLite online backup is tested on SQLite")
    _round_trip(app, actor, tmp_path / "backups" / "hotline.sqlite")


def test_postgres_dump_and_restore_round_trip(app, actor, is_postgres, tmp_path):
    if not is_postgres:
        pytest.skip("pg_dump/pg_restore is tested on PostgreSQL (TEST_DATABASE_URL=postgresql://...)")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("the PostgreSQL client tools are not installed")
    _round_trip(app, actor, tmp_path / "backups" / "hotline.dump")


def test_restore_refuses_what_is_not_a_backup(app, is_postgres, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = app.test_cli_runner().invoke(args=["backup", "restore", "--yes", str(junk)])
    assert result.exit_code == 1
    assert ("pg_restore failed" if is_postgres else "is not a SQLite database") in result.output
    missing = app.test_cli_runner().invoke(args=["backup", "restore", "--yes", str(tmp_path / "none.dump")])
    assert missing.exit_code == 1 and "no such file" in missing.output
