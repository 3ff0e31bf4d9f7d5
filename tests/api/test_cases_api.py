"""REST API: /api/v1/cases and /api/v1/work-items, with auth, scoping and error codes."""
from __future__ import annotations

from tests.factories import INTAKE, to_handling
from tests.sql_statements import recorded


def create(api, **overrides):
    return api("agent").post("/api/v1/cases", json={**INTAKE, **overrides})


def test_open_case_answers_201_with_number_and_query_code(api):
    res = create(api, confidential=True)
    assert res.status_code == 201, res.json
    body = res.json
    assert set(body) >= {"id", "case_no", "query_code", "status"}
    assert body["status"] == "registered" and body["case_no"].startswith("GD")


def test_validation_errors_name_each_field(api):
    res = api("agent").post("/api/v1/cases", json={"category": "gossip", "channel": "fax", "phone": "x",
                                                    "title": "t" * 201})
    assert res.status_code == 422
    fields = res.json["errors"]["json"]
    assert {"category", "channel", "phone", "title", "citizen_name", "content"} <= set(fields)
    assert "Traceback" not in res.get_data(as_text=True)


def test_requests_without_a_valid_token_are_401(client):
    assert client.get("/api/v1/cases").status_code == 401
    res = client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"})
    assert res.status_code == 401 and res.json["code"] == 401


def test_only_intake_roles_open_cases(api):
    assert create(api).status_code == 201
    res = api("xs_xs_handler").post("/api/v1/cases", json=INTAKE)
    assert res.status_code == 403


def test_list_filters_pages_and_sorts(api):
    for n in range(5):
        create(api, phone=f"1390000000{n}", category="consult" if n % 2 else "complaint")
    res = api("dispatcher").get("/api/v1/cases?category=complaint&sort=created_at&page_size=2")
    assert res.status_code == 200
    assert res.json["total"] == 3 and len(res.json["items"]) == 2
    assert all(i["category"] == "complaint" for i in res.json["items"])
    page2 = api("dispatcher").get("/api/v1/cases?category=complaint&sort=created_at&page_size=2&page=2").json
    assert len(page2["items"]) == 1
    ids = [i["id"] for i in res.json["items"]] + [i["id"] for i in page2["items"]]
    assert ids == sorted(ids)
    by_phone = api("dispatcher").get("/api/v1/cases?phone=13900000003").json
    assert by_phone["total"] == 1
    by_no = api("dispatcher").get(f"/api/v1/cases?case_no={by_phone['items'][0]['case_no']}").json
    assert by_no["total"] == 1
    assert api("dispatcher").get("/api/v1/cases?sort=bogus").status_code == 422
    assert api("dispatcher").get("/api/v1/cases?status=nonsense").status_code == 422
    future = api("dispatcher").get("/api/v1/cases?created_from=2099-01-01T00:00:00").json
    assert future["total"] == 0


def test_lists_never_read_the_blob(app, api):
    create(api)
    with recorded() as seen:
        assert api("dispatcher").get("/api/v1/cases").status_code == 200
        assert api("agent").get("/api/v1/work-items?scope=mine").status_code == 200
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT") and "case" in s]
    assert reads and not any("blob" in s for s in reads)


def test_department_scoping_403_and_masking(api, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs", confidential=True)
    own = api("xs_xs_handler").get(f"/api/v1/cases/{case.id}")
    assert own.status_code == 200
    assert own.json["phone"] == "138****8000" and own.json["citizen_name"] == "张*"   # confidential
    assert own.json["query_code"] is None
    assert api("xs_handler").get(f"/api/v1/cases/{case.id}").status_code == 200      # parent district
    other = api("dh_hb_handler").get(f"/api/v1/cases/{case.id}")
    assert other.status_code == 403
    assert api("dh_hb_handler").get(f"/api/v1/cases/{case.id}/events").status_code == 403
    assert api("dh_hb_handler").get("/api/v1/cases").json["total"] == 0
    center = api("dispatcher").get(f"/api/v1/cases/{case.id}").json
    assert center["phone"] == "13800138000" and center["query_code"]
    assert api("designer").get(f"/api/v1/cases/{case.id}").json["phone"] == "138****8000"
    assert api("dispatcher").get("/api/v1/cases/999999").status_code == 404


def test_events_are_the_audit_trail(api, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    res = api("dispatcher").get(f"/api/v1/cases/{case.id}/events")
    assert [e["action"] for e in res.json] == ["intake", "triage", "dispatch", "deadline_started", "sign_for",
                                               "deadline_started"]
    dispatch = res.json[2]
    assert (dispatch["from_stage"], dispatch["to_stage"]) == ("dispatch", "sign_for")
    assert dispatch["actor_id"] == actor("dispatcher").user_id
    assert dispatch["data"]["lead_department_id"] == dept("xs_xs")


def test_work_item_scopes_form_claim_and_complete(api, actor, dept):
    case_id = create(api).json["id"]
    mine = api("agent").get("/api/v1/work-items?scope=mine").json
    [item] = [i for i in mine["items"] if i["case_id"] == case_id]
    assert item["task_name"] == "triage" and item["case_no"]
    assert api("dispatcher").get("/api/v1/work-items?scope=mine").json["total"] == 0
    form = api("agent").get(f"/api/v1/work-items/{item['id']}/form").json
    decision = next(f for f in form["fields"] if f["name"] == "decision")
    assert decision["required"] and {o["value"] for o in decision["options"]} == {
        "dispatch", "direct_answer", "not_accepted", "merge"}
    assert api("agent").get(f"/api/v1/work-items/{item['id']}/form?lang=en").json["title"] == "Triage"
    bad = api("agent").post(f"/api/v1/work-items/{item['id']}/complete", json={"data": {"decision": "maybe"}})
    assert bad.status_code == 422 and "decision" in bad.json["errors"]["json"]
    assert api("agent").post(f"/api/v1/work-items/{item['id']}/claim").status_code == 200
    assert api("shift_lead").post(f"/api/v1/work-items/{item['id']}/claim").status_code == 403  # wrong role
    done = api("agent").post(f"/api/v1/work-items/{item['id']}/complete",
                             json={"data": {"decision": "dispatch"}, "version": 1})
    assert done.status_code == 200 and done.json["stage"] == "dispatch" and done.json["version"] == 2
    again = api("agent").post(f"/api/v1/work-items/{item['id']}/complete", json={"data": {"decision": "dispatch"}})
    assert again.status_code == 409
    dispatch_item = api("dispatcher").get("/api/v1/work-items?scope=mine").json["items"][0]
    stale = api("dispatcher").post(f"/api/v1/work-items/{dispatch_item['id']}/complete", json={
        "data": {"mode": "transfer", "lead_department_id": dept("scj")}, "version": 1})
    assert stale.status_code == 409 and "version" in stale.json["message"]
    missing = api("dispatcher").post("/api/v1/work-items/99999999/complete", json={"data": {"mode": "transfer"}})
    assert missing.status_code == 404 and missing.json["message"] == "work item 99999999 not found", missing.json


def test_intake_and_each_completion_answer_the_items_open_after_them(api, dept):
    """A client walks on from intake's and each completion's answer, without reading the case."""
    created = create(api).json
    case_id = created["id"]
    [triage] = created["open_work_items"]
    assert (triage["form_key"], triage["case_no"], triage["case_version"]) == ("triage", created["case_no"], 1)
    # field for field what the case's own read lists (intake answers them without reading them back)
    assert created["open_work_items"] == api("agent").get(f"/api/v1/cases/{case_id}").json["open_work_items"]
    after_triage = api("agent").post(f"/api/v1/work-items/{triage['id']}/complete",
                                     json={"data": {"decision": "dispatch"}}).json
    [dispatch] = after_triage["open_work_items"]
    assert dispatch["form_key"] == "dispatch" and dispatch["case_version"] == after_triage["version"]
    after_dispatch = api("dispatcher").post(f"/api/v1/work-items/{dispatch['id']}/complete", json={"data": {
        "mode": "transfer", "lead_department_id": dept("dh"), "co_department_ids": [dept("zjj")]}}).json
    [sign_for] = after_dispatch["open_work_items"]
    assert (sign_for["form_key"], sign_for["department_id"]) == ("sign_for", dept("dh"))
    after_sign = api("dh_handler").post(f"/api/v1/work-items/{sign_for['id']}/complete",
                                        json={"data": {"decision": "sign"}}).json
    opened = {(i["form_key"], i["department_id"]) for i in after_sign["open_work_items"]}
    assert opened == {("handle", dept("dh")), ("co_opinion", dept("zjj"))}
    handle = next(i for i in after_sign["open_work_items"] if i["form_key"] == "handle")
    assert handle["due_at"] == after_sign["due_at"] and handle["due_at"].endswith("+00:00")  # ISO 8601, as elsewhere
    # the same items, field for field, as the case's own read lists them
    detail = api("dh_handler").get(f"/api/v1/cases/{case_id}").json
    assert after_sign["open_work_items"] == detail["open_work_items"]
    assert after_sign["version"] == detail["version"] and after_sign["stage"] == "handling"


def test_claimed_item_is_reserved_for_its_claimer(api, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    mine = api("dh_hb_handler").get("/api/v1/work-items?scope=mine").json["items"]
    item = next(i for i in mine if i["case_id"] == case.id)
    assert api("dh_hb_handler").post(f"/api/v1/work-items/{item['id']}/claim").json["claimed_by_id"]
    # a second handler of the parent district cannot take or complete it
    assert api("dh_handler").post(f"/api/v1/work-items/{item['id']}/claim").status_code == 409
    res = api("dh_handler").post(f"/api/v1/work-items/{item['id']}/complete", json={
        "data": {"action": "reply", "result": "resolved", "reply_text": "x"}})
    assert res.status_code == 409
    assert api("dh_handler").post(f"/api/v1/work-items/{item['id']}/release").status_code == 409
    # who could never have claimed it (no handler role) is refused, not told whose claim it is
    assert api("dh_hb_leader").post(f"/api/v1/work-items/{item['id']}/release").status_code == 403
    assert api("dh_hb_handler").post(f"/api/v1/work-items/{item['id']}/release").json["claimed_by_id"] is None
    assert api("xs_handler").get(f"/api/v1/work-items/{item['id']}").status_code == 403
    dept_view = api("dh_handler").get("/api/v1/work-items?scope=department").json
    assert any(i["id"] == item["id"] for i in dept_view["items"])


def test_urge_endpoint(api, actor, dept):
    case_id = create(api).json["id"]
    assert api("supervisor").post(f"/api/v1/cases/{case_id}/urge", json={"opinion": "请加快"}).status_code == 409
    case = to_handling(actor, dept, lead="xs_xs")
    res = api("supervisor").post(f"/api/v1/cases/{case.id}/urge", json={"opinion": "请于今日反馈进展"})
    assert res.status_code == 201 and res.json["seq"] == 1
    assert api("supervisor").post(f"/api/v1/cases/{case.id}/urge", json={}).status_code == 422
    assert api("xs_xs_handler").post(f"/api/v1/cases/{case.id}/urge", json={"opinion": "x"}).status_code == 403
    detail = api("dispatcher").get(f"/api/v1/cases/{case.id}").json
    assert detail["urge_count"] == 1 and detail["urges"][0]["opinion"] == "请于今日反馈进展"
    inbox = api("xs_xs_handler").get("/api/v1/work-items?scope=mine").json["items"]
    assert any(i["kind"] == "urge" for i in inbox)


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json["paths"]
    for path in ("/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/events",
                 "/api/v1/work-items", "/api/v1/work-items/{item_id}/form", "/api/v1/work-items/{item_id}/claim",
                 "/api/v1/work-items/{item_id}/complete", "/api/v1/cases/{case_id}/urge"):
        assert path in paths
    schema = spec.json["components"]["schemas"]["CaseCreate"]
    # the phone is required unless the request came by the mayor's mailbox (required_if): not in `required`
    assert set(schema["required"]) >= {"category", "channel", "citizen_name", "title", "content"}
    assert "phone" in schema["properties"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()


def test_process_upload_refuses_scripts_with_a_clear_message(api):
    from pathlib import Path
    xml = (Path(__file__).resolve().parents[2] / "workflows" / "case_handling.bpmn").read_text()
    bad = xml.replace('<bpmn:endEvent id="end_archived" name="归档">',
                      '<bpmn:scriptTask id="evil"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
                      '<bpmn:endEvent id="end_archived" name="归档">')
    res = api("designer").post("/api/v1/process-versions", data=bad.encode(),
                               headers={"Content-Type": "application/xml"})
    assert res.status_code == 422
    assert any("evil" in p and "script" in p for p in res.json["errors"]["definition"])
    assert api("agent").post("/api/v1/process-versions", data=xml.encode()).status_code == 403
    ok = api("designer").post("/api/v1/process-versions", data=xml.replace("办理完成", "办理完毕").encode())
    assert ok.status_code == 201 and ok.json["version"] == 2


def test_argument_schemas_are_built_once_not_per_request(api, monkeypatch):
    """webargs builds a schema given as a class on every request (deep-copying its fields)."""
    from api.rest.schemas import CompleteSchema
    built = []
    original = CompleteSchema.__init__
    monkeypatch.setattr(CompleteSchema, "__init__", lambda self, *a, **kw: built.append(1) or original(self, *a, **kw))
    for _ in range(2):
        answer = api("agent").post("/api/v1/work-items/99999999/complete", json={"data": {}})
        assert answer.status_code == 404
    assert built == []
