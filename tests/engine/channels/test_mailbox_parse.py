"""Reading mails into intake fields: bodies, Chinese names, phones, broken MIME. Also the sample
mails the other mailbox tests send."""
from __future__ import annotations

import struct
import zlib
from email.message import EmailMessage

import pytest

from engine.cases import check_attachment
from engine.channels.mailbox_parse import MailUnreadable, dedupe_key, find_phone, html_to_text, parse


def tiny_png() -> bytes:
    """A real 1×1 PNG (signature, IHDR, IDAT, IEND with their CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def plain_mail(message_id="<plain-1@citizen.example>", subject="小区夜间施工噪音扰民",
               body="东湖区新苑小区旁工地每晚施工到凌晨两点，严重影响休息，请督促整改。联系电话：138 0013 8000") -> bytes:
    m = EmailMessage()
    m["From"] = "王小明 <wxm@citizen.example>"
    m["To"] = "mayor@city.example"
    m["Subject"] = subject
    m["Date"] = "Mon, 07 Dec 2026 09:30:00 +0800"
    if message_id:
        m["Message-ID"] = message_id
    m.set_content(body)
    return m.as_bytes()


def html_mail_with_photo(message_id="<html-1@citizen.example>", extra_files=()) -> bytes:
    m = EmailMessage()
    m["From"] = "=?utf-8?b?5p2O5Zub?= <lisi@citizen.example>"     # 李四, RFC 2047
    m["Subject"] = "路灯损坏"
    m["Date"] = "Mon, 07 Dec 2026 10:00:00 +0800"
    m["Message-ID"] = message_id
    m.set_content("<html><head><style>p{color:red}</style></head><body><p>湖滨街道<b>3号路</b>路灯已坏一周，"
                  "夜间很黑&amp;危险。</p><script>alert(1)</script><p>请尽快维修。</p></body></html>", subtype="html")
    m.add_attachment(tiny_png(), maintype="image", subtype="png", filename="现场照片.png")   # RFC 2231 name
    for name, data, (main, sub) in extra_files:
        m.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return m.as_bytes()


def malformed_mail() -> bytes:
    """A multipart whose boundary never appears: its parts cannot be told apart."""
    return (b"From: someone@citizen.example\r\nSubject: =?utf-8?b?5rWL6K+V?=\r\nMessage-ID: <broken-1@citizen.example>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"NEVER-THERE\"\r\n\r\n"
            b"--WRONG\r\nContent-Type: text/plain\r\n\r\nhalf a mail\r\n")


def accept_all(_name, _data):
    return None


def test_plain_mail_gives_title_content_name_and_phone():
    parsed = parse(plain_mail(), check_file=check_attachment)
    assert parsed.data["title"] == "小区夜间施工噪音扰民"
    assert parsed.data["content"].startswith("东湖区新苑小区旁工地")
    assert parsed.data["citizen_name"] == "王小明"
    assert parsed.data["phone"] == "13800138000"
    assert parsed.data["category"] == "complaint"
    assert parsed.envelope.sender == "wxm@citizen.example"
    assert parsed.envelope.message_id == "<plain-1@citizen.example>"
    assert parsed.files == [] and parsed.refused == []


def test_html_mail_text_without_tags_scripts_or_styles_and_the_chinese_attachment():
    parsed = parse(html_mail_with_photo(), check_file=check_attachment)
    content = parsed.data["content"]
    assert "湖滨街道3号路路灯已坏一周，夜间很黑&危险。" in content and "请尽快维修。" in content
    assert "<" not in content and "alert" not in content and "color" not in content
    assert parsed.data["citizen_name"] == "李四"
    assert "phone" not in parsed.data            # none in the mail: the intake takes it without one
    assert parsed.files == [("现场照片.png", tiny_png())]


def test_rfc2047_encoded_attachment_name_and_gbk_body():
    raw = ("From: a@b.example\r\nSubject: =?gb2312?b?1/nK0w==?=\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=gb2312\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n").encode() + "咨询社保缴费，电话0571-88886666".encode("gbk") + (
           "\r\n--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
           "filename=\"=?utf-8?b?5Li+5oql5p2Q5paZLnBkZg==?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           "JVBERi0xLjQK\r\n--B--\r\n").encode()
    parsed = parse(raw, check_file=check_attachment)
    assert parsed.data["content"] == "咨询社保缴费，电话0571-88886666"
    assert parsed.data["phone"] == "057188886666" and parsed.data["category"] == "consult"
    assert [name for name, _ in parsed.files] == ["举报材料.pdf"]


def test_refused_attachments_are_listed_not_fatal():
    exe = ("工具.exe", b"MZ\x90\x00", ("application", "octet-stream"))
    fake = ("假图片.png", b"<html>not a png</html>", ("image", "png"))
    parsed = parse(html_mail_with_photo(extra_files=[exe, fake]), check_file=check_attachment)
    assert [name for name, _ in parsed.files] == ["现场照片.png"]
    refused = {name: why.code for name, why in parsed.refused}
    assert refused == {"工具.exe": "file_type", "假图片.png": "file_content"}


def test_no_subject_titles_with_the_first_words():
    parsed = parse(plain_mail(subject="", body="我家楼下的垃圾桶已经三天没有人清理了，气味很大。"), check_file=accept_all)
    assert parsed.data["title"] == "我家楼下的垃圾桶已经三天没有人清理了，气味很大。"[:30]


@pytest.mark.parametrize("raw, code", [
    (malformed_mail(), "mail_malformed"),
    (b"\x00\x01garbage without any header", "mail_not_a_mail"),
    (b"From: a@b.example\r\nSubject:\r\n\r\n   \r\n", "mail_no_text"),
])
def test_unreadable_mails_say_why(raw, code):
    with pytest.raises(MailUnreadable) as caught:
        parse(raw, check_file=accept_all)
    assert caught.value.message.code == code


def test_phones_found_and_not_found():
    assert find_phone("请回电 +86 139-1234-5678 谢谢") == "13912345678"
    assert find_phone("订单号 2026120713800138000123") == ""          # digits inside a longer number
    assert find_phone("座机 021-62345678") == "02162345678"
    assert find_phone("没有电话") == ""


def test_dedupe_key_is_the_message_id_else_the_bytes():
    assert dedupe_key(b"one", "<A@x>") == dedupe_key(b"two", "<a@x>")
    assert dedupe_key(b"one", None) != dedupe_key(b"two", None)


def test_html_to_text_keeps_lines():
    assert html_to_text("<div>一</div><div>二<br>三</div>").split() == ["一", "二", "三"]
