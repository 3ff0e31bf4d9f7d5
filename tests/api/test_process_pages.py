"""The process designer's pages: the library, upload (every problem at once), a version with its
history, the diff, publish / retire / roll back, and the migration's dry run and run."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from engine.db import db
from engine.models import Case, ProcessVersion
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.processes.test_versions import MODEL, V2
from tests.factories import to_handling


def upload(client, xml: bytes, publish: bool = False, name: str = "v2.bpmn"):
    data = {"csrf_token": csrf(client), "bpmn": (io.BytesIO(xml), name)}
    if publish:
        data["publish"] = "1"
    return client.post("/processes/upload", data=data, content_type="multipart/form-data")


def test_the_designer_lands_on_the_library_and_others_may_not(signin):
    designer = signin("designer")
    res = designer.get("/")
    assert res.status_code == 302 and res.location.endswith("/processes")
    page = designer.get("/processes").get_data(as_text=True)
    assert "流程库" in page and "case_handling" in page and "已发布" in page and "将 .bpmn 文件拖到此处" in page
    assert signin("agent").get("/processes").status_code == 403
    assert "流程库" not in signin("agent").get("/inbox").get_data(as_text=True)


def test_a_refused_upload_lists_every_problem_in_chinese_and_stores_nothing(signin):
    designer = signin("designer")
    before = db.session.execute(select(func.count()).select_from(ProcessVersion)).scalar()
    bad = MODEL.replace(b'value="review" />', b'value="nope" />', 1).replace(
        b"decision == 'direct_answer'", b"__import__('os').system('touch /tmp/pwned')")
    res = upload(designer, bad, name="坏文件.bpmn")
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and "未通过校验" in page and "坏文件.bpmn" in page
    assert page.count("<li>") >= 2 and "第" in page and "行" in page
    assert db.session.execute(select(func.count()).select_from(ProcessVersion)).scalar() == before


def test_upload_diff_publish_roll_back_through_the_pages(signin):
    designer = signin("designer")
    res = upload(designer, V2)
    assert res.status_code == 302
    v2 = db.session.execute(select(ProcessVersion).where(ProcessVersion.version == 2)).scalar_one()
    page = designer.get(f"/processes/{v2.id}").get_data(as_text=True)
    assert "草稿" in page and "发布" in page and "与第 1 版对比" in page
    diff = designer.get(f"/processes/{v2.id}/diff").get_data(as_text=True)
    assert 'data-id="quality_check"' in diff and "新增" in diff and "用户任务" in diff
    assert '<span class="aspect">指向</span>' in diff                # f_review_passed now leads elsewhere
    res = designer.post(f"/processes/{v2.id}/publish", data={"csrf_token": csrf(designer), "reason": "增加质检"})
    assert res.status_code == 302
    page = designer.get(f"/processes/{v2.id}").get_data(as_text=True)
    assert "第 2 版已发布" in page and "增加质检" in page and "回退到第 1 版" in page
    res = designer.post("/processes/rollback", data={"csrf_token": csrf(designer), "process_id": "case_handling",
                                                      "reason": "质检环节有误"})
    assert res.status_code == 302 and "已回退" in designer.get(res.location).get_data(as_text=True)
    xml = designer.get(f"/processes/{v2.id}/bpmn")
    assert xml.data == V2 and "attachment" in xml.headers["Content-Disposition"]


def test_the_migration_page_dry_runs_then_moves(signin, actor, dept):
    waiting = to_handling(actor, dept, lead="xs_xs")
    designer = signin("designer")
    upload(designer, V2, publish=True)
    v2 = db.session.execute(select(ProcessVersion).where(ProcessVersion.version == 2)).scalar_one()
    page = designer.get(f"/processes/{v2.id}/migrate").get_data(as_text=True)
    assert "试运行" in page and waiting.case_no in page and "可迁移" in page
    assert db.session.get(Case, waiting.id, populate_existing=True).process_version_id != v2.id
    res = designer.post(f"/processes/{v2.id}/migrate", data={"csrf_token": csrf(designer)})
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "已迁移" in page and "1 件工单已迁移到第 2 版" in page
    assert db.session.get(Case, waiting.id, populate_existing=True).process_version_id == v2.id
    assert designer.post(f"/processes/{v2.id}/migrate", data={}).status_code == 400      # CSRF
