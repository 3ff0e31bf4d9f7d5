"""/api/v1/process-versions: the designer's whole job over REST, in the OpenAPI spec."""
from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from engine.db import db
from engine.models import Case, ProcessVersion
from tests.engine.processes.test_migration import RENAMED
from tests.engine.processes.test_versions import MODEL, V2
from tests.factories import to_handling

XML = {"Content-Type": "application/xml"}
# V2's new step with a form of its own instead of the built-in review form.
V2_OWN_FORM = V2.replace(b'<spiffworkflow:property name="formKey" value="review" /><spiffworkflow:property '
                         b'name="stage" value="review" />',
                         b'<spiffworkflow:property name="formKey" value="quality_check" /><spiffworkflow:property '
                         b'name="stage" value="review" />')
QC_FORM = {"quality_check": {"title": "质检", "title_en": "Quality check", "fields": [
    {"name": "review_passed", "type": "boolean", "label": "质检通过", "required": True},
    {"name": "qc_note", "type": "text", "label": "质检意见", "max_length": 500,
     "required_if": {"field": "review_passed", "values": [False]}}]}}


def versions() -> int:
    return db.session.execute(select(func.count()).select_from(ProcessVersion)).scalar()


def test_upload_read_diff_publish_roll_back(api):
    designer = api("designer")
    assert api("agent").get("/api/v1/process-versions").status_code == 403
    res = designer.post("/api/v1/process-versions", data=V2, headers=XML)
    assert res.status_code == 201 and (res.json["version"], res.json["state"]) == (2, "draft")
    v2 = res.json["id"]
    listed = designer.get("/api/v1/process-versions").json
    assert [(v["version"], v["state"]) for v in listed] == [(2, "draft"), (1, "published")]
    xml = designer.get(f"/api/v1/process-versions/{v2}/xml")
    assert xml.status_code == 200 and xml.data == V2 and "case_handling_v2.bpmn" in xml.headers["Content-Disposition"]
    diff = designer.get(f"/api/v1/process-versions/{v2}/diff").json
    assert [e["id"] for e in diff["added"]] == ["quality_check", "f_qc"] and diff["removed"] == []
    assert {c["id"]: c["aspects"] for c in diff["changed"]}["f_review_passed"] == ["targetRef"]
    assert designer.get(f"/api/v1/process-versions/{v2}/diff?against=99999").status_code == 404
    res = designer.post(f"/api/v1/process-versions/{v2}/publish", json={"reason": "增加质检"})
    assert res.status_code == 200 and res.json["state"] == "published"
    assert designer.post(f"/api/v1/process-versions/{v2}/publish", json={}).status_code == 409
    assert [v["state"] for v in designer.get("/api/v1/process-versions").json] == ["published", "retired"]
    res = designer.post("/api/v1/process-versions/rollback", json={"process_id": "case_handling", "reason": "质检有误"})
    assert res.status_code == 200 and res.json["version"] == 1
    assert [v["state"] for v in designer.get("/api/v1/process-versions").json] == ["retired", "published"]
    assert designer.post("/api/v1/process-versions/rollback",
                         json={"process_id": "case_handling"}).status_code == 409     # nothing before v1


def test_a_refused_upload_stores_nothing_and_names_every_problem(api):
    before = versions()
    bad = MODEL.replace(b'<bpmn:userTask id="visit"', b'<bpmn:scriptTask id="visit"').replace(
        b"</bpmn:userTask>\n    <bpmn:sequenceFlow id=\"f_visit\"", b"</bpmn:scriptTask>\n    <bpmn:sequenceFlow id=\"f_visit\"")
    res = api("designer").post("/api/v1/process-versions", data=bad, headers=XML)
    assert res.status_code == 422 and "visit" in json.dumps(res.json, ensure_ascii=False)
    assert versions() == before
    huge = api("designer").post("/api/v1/process-versions", data=b"<a>" + b" " * (6 * 2**20) + b"</a>", headers=XML)
    assert huge.status_code in (413, 422) and versions() == before


def test_a_version_brings_its_own_form(api, actor, dept):
    designer = api("designer")
    res = designer.post("/api/v1/process-versions?publish=true", data={
        "bpmn": (io.BytesIO(V2_OWN_FORM), "v2.bpmn"),
        "forms": (io.BytesIO(json.dumps(QC_FORM, ensure_ascii=False).encode()), "forms.json")},
        content_type="multipart/form-data")
    assert res.status_code == 201 and res.json["forms"] == ["quality_check"] and res.json["state"] == "published"
    bad = dict(QC_FORM["quality_check"], fields=[{"name": "x", "type": "colour", "label": "颜色"}])
    res = designer.post("/api/v1/process-versions", data={
        "bpmn": (io.BytesIO(RENAMED), "v3.bpmn"),
        "forms": (io.BytesIO(json.dumps({"qc2": bad}).encode()), "forms.json")}, content_type="multipart/form-data")
    assert res.status_code == 422 and "qc2.fields[0]" in json.dumps(res.json)
    missing = designer.post("/api/v1/process-versions", data=V2_OWN_FORM.replace(b"Quality", b"Qual"), headers=XML)
    assert missing.status_code == 422 and "quality_check" in json.dumps(missing.json)   # its form is not built in


def test_migrate_dry_run_then_run(api, actor, dept):
    waiting = to_handling(actor, dept, lead="xs_xs")
    designer = api("designer")
    v2 = designer.post("/api/v1/process-versions", data=V2, headers=XML).json["id"]
    res = designer.post(f"/api/v1/process-versions/{v2}/migrate", json={"dry_run": False})
    assert res.status_code == 409                                  # a draft takes no case
    designer.post(f"/api/v1/process-versions/{v2}/publish", json={})
    plan = designer.post(f"/api/v1/process-versions/{v2}/migrate", json={}).json
    assert [(m["case_no"], m["movable"], m["moved"]) for m in plan] == [(waiting.case_no, True, False)]
    done = designer.post(f"/api/v1/process-versions/{v2}/migrate", json={"dry_run": False}).json
    assert done[0]["moved"] and db.session.get(Case, waiting.id, populate_existing=True).process_version_id == v2
    assert api("dispatcher").post(f"/api/v1/process-versions/{v2}/migrate", json={}).status_code == 403
    assert designer.post(f"/api/v1/process-versions/{v2}/migrate", json={"case_ids": ["x"]}).status_code == 422
