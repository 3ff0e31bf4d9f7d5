"""The command line: seed, tokens, loading process definitions."""
from __future__ import annotations

from pathlib import Path

from engine.db import db
from engine.models import ProcessVersion

MODEL = Path(__file__).resolve().parents[2] / "workflows" / "case_handling.bpmn"


def test_token_create_prints_a_working_token_as_last_line(app, client):
    result = app.test_cli_runner().invoke(args=["users", "token", "create", "dispatcher"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    res = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200
    revoke = app.test_cli_runner().invoke(args=["users", "token", "revoke", "dispatcher"])
    assert revoke.exit_code == 0 and "revoked 1" in revoke.output
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_token_for_unknown_user_fails(app):
    result = app.test_cli_runner().invoke(args=["users", "token", "create", "nobody"])
    assert result.exit_code == 1 and "nobody" in result.output


def test_seed_demo_refuses_a_database_with_data(app):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 1
    assert app.test_cli_runner().invoke(args=["seed", "demo", "--if-empty"]).exit_code == 0


def test_workflows_load_stores_a_version_and_refuses_bad_files(app, tmp_path):
    runner = app.test_cli_runner()
    v2 = tmp_path / "v2.bpmn"
    v2.write_text(MODEL.read_text().replace("办理完成", "协办完成"))
    ok = runner.invoke(args=["workflows", "load", str(v2)])
    assert ok.exit_code == 0 and "case_handling version 2" in ok.output
    script = tmp_path / "script.bpmn"
    script.write_text(MODEL.read_text().replace(
        '<bpmn:endEvent id="end_archived" name="归档">',
        '<bpmn:scriptTask id="calc"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>'
        '<bpmn:endEvent id="end_archived" name="归档">'))
    refused = runner.invoke(args=["workflows", "load", str(script)])
    assert refused.exit_code == 1 and "scriptTask 'calc'" in refused.output and "not allowed" in refused.output
    broken = tmp_path / "broken.bpmn"
    broken.write_text(MODEL.read_text()[:2000])
    refused = runner.invoke(args=["workflows", "load", str(broken)])
    assert refused.exit_code == 1 and "line" in refused.output and "XML" in refused.output
    assert runner.invoke(args=["workflows", "load", str(tmp_path / "missing.bpmn")]).exit_code == 1
    versions = db.session.execute(db.select(ProcessVersion.version)).scalars().all()
    assert sorted(versions) == [1, 2]
