"""Articles: the way from draft through the center's approval to publication and retirement (409 on
a wrong state), versions kept, department scoping (403/404), 422 naming the field, sanitising."""
from __future__ import annotations

import pytest

from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed, WrongState
from engine.knowledge import articles, history
from engine.models import KbArticleVersion
from tests.engine.knowledge.helpers import category, kb_clean, published  # noqa: F401  (fixtures)

BODY = "<p>购房可以提取住房公积金。</p>"


def _draft(actor, cat, login="zjj_handler", **extra):
    return articles.create(actor=actor(login), data={"title": "住房公积金提取", "body": BODY, "category_id": cat, **extra})


def test_draft_submitted_approved_published_then_retired(actor, category):
    cat = category("住房")
    row = _draft(actor, cat)
    assert (row.state, row.version) == ("draft", 1)
    articles.transition(actor=actor("zjj_handler"), article_id=row.id, action="submit")
    with pytest.raises(PermissionDenied):       # a department cannot publish itself
        articles.transition(actor=actor("zjj_leader"), article_id=row.id, action="approve")
    row = articles.transition(actor=actor("leader"), article_id=row.id, action="approve")
    assert (row.state, row.published_version) == ("published", 1)
    with pytest.raises(WrongState):             # approved twice: 409
        articles.transition(actor=actor("shift_lead"), article_id=row.id, action="approve")
    row = articles.transition(actor=actor("zjj_handler"), article_id=row.id, action="retire")
    assert row.state == "retired"
    entries, events = history.history(actor=actor("zjj_handler"), article_id=row.id)
    assert [e.action for e in events] == ["submit", "approve", "retire"]


def test_rejection_needs_a_reason_and_returns_to_draft(actor, category):
    row = _draft(actor, category("住房"))
    articles.transition(actor=actor("zjj_handler"), article_id=row.id, action="submit")
    with pytest.raises(ValidationFailed) as exc:
        articles.transition(actor=actor("supervisor"), article_id=row.id, action="reject", note=" ")
    assert "note" in exc.value.errors
    row = articles.transition(actor=actor("supervisor"), article_id=row.id, action="reject", note="材料清单不全")
    assert (row.state, row.review_note) == ("draft", "材料清单不全")
    with pytest.raises(WrongState):             # a draft is not pending: nothing to reject
        articles.transition(actor=actor("supervisor"), article_id=row.id, action="reject", note="再次")
    with pytest.raises(WrongState):             # nor to retire
        articles.transition(actor=actor("zjj_handler"), article_id=row.id, action="retire")


def test_every_save_is_a_version_and_a_published_article_goes_back_to_draft(actor, dept, category):
    cat = category("住房")
    row = published(actor, dept, cat, "公积金提取", BODY)
    with pytest.raises(WrongState):             # a stale editor
        articles.save(actor=actor("zjj_leader"), article_id=row.id, expected_version=0,
                      data={"title": "公积金提取", "body": BODY, "category_id": cat})
    row = articles.save(actor=actor("zjj_leader"), article_id=row.id, expected_version=1,
                        data={"title": "公积金提取（2027版）", "body": BODY + "<p>新增：租房提取。</p>",
                              "category_id": cat, "note": "增加租房提取"})
    assert (row.state, row.version, row.published_version) == ("draft", 2, 1)
    versions = db.session.execute(db.select(KbArticleVersion).where(KbArticleVersion.article_id == row.id)
                                  .order_by(KbArticleVersion.number)).scalars().all()
    assert [(v.number, v.note) for v in versions] == [(1, ""), (2, "增加租房提取")]
    entries, _events = history.history(actor=actor("zjj_leader"), article_id=row.id)
    changed = {c.field: c for c in entries[0].changes}
    assert changed["title"].new == "公积金提取（2027版）"
    assert "+新增：租房提取。" in changed["body"].lines
    articles.transition(actor=actor("zjj_leader"), article_id=row.id, action="submit")
    with pytest.raises(WrongState):             # under review: no edits
        articles.save(actor=actor("zjj_leader"), article_id=row.id, data={"title": "x", "body": BODY, "category_id": cat})


def test_departments_edit_only_their_subtree_and_read_only_published(actor, dept, category):
    cat = category("住房")
    draft = _draft(actor, cat)
    shown = published(actor, dept, cat, "公积金提取", BODY)
    with pytest.raises(NotFound):               # another department's draft is not revealed
        articles.get(actor=actor("rsj_handler"), article_id=draft.id)
    assert articles.get(actor=actor("rsj_handler"), article_id=shown.id).id == shown.id
    assert articles.get(actor=actor("agent"), article_id=shown.id).id == shown.id
    with pytest.raises(PermissionDenied):       # published, readable, but not theirs to change
        articles.save(actor=actor("rsj_handler"), article_id=shown.id, data={"title": "x", "body": BODY, "category_id": cat})
    with pytest.raises(PermissionDenied):
        articles.transition(actor=actor("rsj_leader"), article_id=shown.id, action="retire")
    with pytest.raises(PermissionDenied):       # agents read, they do not write
        articles.create(actor=actor("agent"), data={"title": "x", "body": BODY, "category_id": cat})
    # a district maintains its streets' articles
    street = _draft(actor, cat, login="dh_hb_handler")
    assert articles.save(actor=actor("dh_leader"), article_id=street.id,
                         data={"title": "街道指南", "body": BODY, "category_id": cat}).version == 2
    with pytest.raises(NotFound):
        articles.get(actor=actor("xs_handler"), article_id=street.id)


def test_bad_input_names_each_field(actor, dept, category):
    cat = category("住房")
    with pytest.raises(ValidationFailed) as exc:
        articles.create(actor=actor("zjj_handler"), data={
            "title": "", "body": "<script>alert(1)</script>", "category_id": "999999", "department_id": dept("rsj"),
            "valid_from": "2027-02-30", "note": "x" * 501})
    assert set(exc.value.errors) == {"title", "body", "category_id", "department_id", "valid_from", "note"}
    with pytest.raises(ValidationFailed) as exc:
        _draft(actor, cat, valid_from="2027-05-01", valid_to="2027-04-01")
    assert set(exc.value.errors) == {"valid_to"}


def test_html_is_sanitised_before_it_is_stored(actor, category):
    row = articles.create(actor=actor("zjj_handler"), data={
        "title": "公积金", "category_id": category("住房"),
        "body": '<h3 onclick="steal()">材料</h3><script>alert(1)</script><ul><li><b>身份证</b></li></ul>'
                '<a href="javascript:alert(1)">x</a><a href="https://gjj.example.gov.cn">官网</a><img src=x onerror=alert(1)>'})
    assert "<script" not in row.body_html and "onclick" not in row.body_html and "javascript:" not in row.body_html
    assert "<img" not in row.body_html and "alert" not in row.body_html
    assert "<h3>材料</h3>" in row.body_html and "<b>身份证</b>" in row.body_html
    assert 'href="https://gjj.example.gov.cn"' in row.body_html
