"""Attachments on the case page, and signing out voiding copied session cookies."""
from __future__ import annotations

import io

from sqlalchemy import select

from engine.db import db
from engine.models import Attachment, CaseEvent
from tests.api.test_pages import csrf, page_client, signin  # noqa: F401  (fixture)
from tests.factories import to_handling

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, case_id, name, data):
    token = csrf(client, f"/cases/{case_id}")
    return client.post(f"/cases/{case_id}/attachments", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})


def stored(case_id):
    db.session.expire_all()
    return db.session.execute(select(Attachment).where(Attachment.case_id == case_id)).scalars().all()


def test_upload_list_and_download(app, signin, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    handler = signin("xs_xs_handler")
    assert upload(handler, case.id, "现场照片.png", PNG).status_code == 302
    [row] = stored(case.id)
    assert (row.filename, row.content_type, row.size) == ("现场照片.png", "image/png", len(PNG))
    page = handler.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "现场照片.png" in page
    res = handler.get(f"/attachments/{row.id}")
    assert res.status_code == 200 and res.data == PNG
    assert "attachment" in res.headers["Content-Disposition"] and res.headers["X-Content-Type-Options"] == "nosniff"
    events = db.session.execute(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).scalars().all()
    assert "attachment_added" in events


def test_type_size_and_content_are_checked(app, signin, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    handler = signin("xs_xs_handler")
    for name, data, why in [("evil.html", b"<script>alert(1)</script>", "不允许的文件类型"),
                            ("fake.png", b"<script>alert(1)</script>", "文件内容与扩展名(.png)不符"),
                            ("empty.pdf", b"", "文件为空"),
                            ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "文件超过 10 MB")]:
        res = upload(handler, case.id, name, data)
        assert res.status_code == 302
        assert why in handler.get(f"/cases/{case.id}").get_data(as_text=True), name
    assert stored(case.id) == []


def test_attachments_follow_the_case_scope(app, signin, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    upload(signin("xs_xs_handler"), case.id, "a.pdf", b"%PDF-1.4 test")
    [row] = stored(case.id)
    other = signin("dh_hb_handler")
    assert other.get(f"/attachments/{row.id}").status_code == 403
    upload(other, case.id, "b.pdf", b"%PDF-1.4 test")
    assert len(stored(case.id)) == 1
    assert signin("dispatcher").get(f"/attachments/{row.id}").status_code == 200


def test_signing_out_voids_every_copy_of_the_session_cookie(app, signin):
    agent = signin("agent")
    copied = page_client(app)
    copied.set_cookie("session", agent.get_cookie("session").value)
    assert copied.get("/inbox").status_code == 200
    agent.post("/logout", data={"csrf_token": csrf(agent, "/inbox")})
    assert copied.get("/inbox").status_code == 302          # the stolen copy is signed out too
    assert signin("agent").get("/inbox").status_code == 200


def test_a_password_reset_signs_the_user_out_everywhere(app, signin, actor):
    from engine.models import User
    from engine.organisation import users as admin_users
    handler = signin("xs_xs_handler")
    user_id = db.session.execute(select(User.id).where(User.username == "xs_xs_handler")).scalar_one()
    try:
        admin_users.reset_password(actor=actor("admin"), user_id=user_id, password="Temp#pass2026")
        assert handler.get("/inbox").status_code == 302
        assert signin("xs_xs_handler", "Temp#pass2026").get("/inbox").status_code == 200
    finally:
        admin_users.reset_password(actor=actor("admin"), user_id=user_id, password="12345demo")
