"""The mayor's mailbox page: upload several .eml files, each with its result; the list, the raw
mail download, retry; roles and CSRF."""
from __future__ import annotations

import io

from sqlalchemy import select

from engine.db import db
from engine.models import Case, InboundMail
from tests.api.test_pages import csrf, page_client, signin  # noqa: F401  (fixture)
from tests.engine.channels.test_mailbox_parse import html_mail_with_photo, malformed_mail, plain_mail


def upload(client, *files, token=None):
    token = token if token is not None else csrf(client, "/admin/mailbox")
    return client.post("/admin/mailbox/upload", content_type="multipart/form-data",
                       data={"csrf_token": token, "files": [(io.BytesIO(data), name) for name, data in files]})


def test_upload_three_mails_each_with_its_result_then_again(app, signin):
    dispatcher = signin("dispatcher")
    res = upload(dispatcher, ("投诉.eml", plain_mail()), ("路灯.eml", html_mail_with_photo()), ("坏的.eml", malformed_mail()))
    page = res.get_data(as_text=True)
    assert res.status_code == 200
    case_nos = db.session.execute(select(Case.case_no).order_by(Case.id)).scalars().all()
    assert len(case_nos) == 2
    for no in case_nos:
        assert f"工单 {no} 已登记" in page
    assert "坏的.eml" in page and "已保存但未登记" in page and "邮件格式损坏" in page
    again = upload(dispatcher, ("投诉.eml", plain_mail())).get_data(as_text=True)
    assert f"此前已收到：工单 {case_nos[0]}" in again
    assert db.session.execute(select(db.func.count()).select_from(Case)).scalar() == 2


def test_list_download_and_retry(app, signin):
    shift_lead = signin("shift_lead")
    upload(shift_lead, ("bad.eml", malformed_mail()))
    row = db.session.execute(select(InboundMail)).scalar_one()
    page = shift_lead.get("/admin/mailbox?state=failed").get_data(as_text=True)
    assert f'data-mail="{row.id}" data-state="failed"' in page and "someone@citizen.example" in page
    raw = shift_lead.get(f"/admin/mailbox/{row.id}/raw")
    assert raw.status_code == 200 and raw.data == malformed_mail()
    assert raw.headers["X-Content-Type-Options"] == "nosniff" and "attachment" in raw.headers["Content-Disposition"]
    res = shift_lead.post(f"/admin/mailbox/{row.id}/retry", data={"csrf_token": csrf(shift_lead, "/admin/mailbox")})
    assert res.status_code == 302
    db.session.expire_all()
    assert db.session.get(InboundMail, row.id).attempts == 2
    assert "再次失败" in shift_lead.get("/admin/mailbox").get_data(as_text=True)


def test_admin_sees_the_sender_masked_and_cannot_download(app, signin):
    admin = signin("admin")
    upload(admin, ("bad.eml", malformed_mail()))
    row = db.session.execute(select(InboundMail)).scalar_one()
    page = admin.get("/admin/mailbox").get_data(as_text=True)
    assert "s***@citizen.example" in page and "someone@citizen.example" not in page
    assert admin.get(f"/admin/mailbox/{row.id}/raw").status_code == 403


def test_roles_csrf_and_limits(app, signin):
    assert signin("agent").get("/admin/mailbox").status_code == 403
    assert page_client(app).get("/admin/mailbox").status_code == 302       # to sign in
    dispatcher = signin("dispatcher")
    assert upload(dispatcher, ("a.eml", plain_mail()), token="forged").status_code == 400
    big = upload(dispatcher, ("huge.eml", b"x" * (5 * 1024 * 1024 + 1)))
    assert big.status_code == 422 and "大于 5 MB" in big.get_data(as_text=True)
    assert upload(dispatcher).status_code == 422
    assert db.session.execute(select(db.func.count()).select_from(InboundMail)).scalar() == 0
