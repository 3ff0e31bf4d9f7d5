"""Reading a citizen's mail (市长信箱来信): MIME into the intake's fields and the attached files.

Standard library only. The body is the text/plain part, else the text of the HTML part (tags
stripped with html.parser); attachment names are decoded from RFC 2231/2047 (Chinese names kept).
A mail whose MIME structure is broken (a multipart without its boundaries), or which holds no text
at all, raises MailUnreadable with a message code: the caller keeps it and reports it.
"""
from __future__ import annotations

import email
import email.errors
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from forms.messages import Msg, msg

TITLE_MAX, CONTENT_MAX, NAME_MAX = 200, 20000, 100    # the intake form's limits
TITLE_FROM_BODY = 30         # characters of the body that title a mail without a subject
ANONYMOUS = "市长信箱来信人"   # the citizen's name when the mail gives neither a name nor an address
# Structure defects after which the parts cannot be trusted: the text could be half a boundary.
FATAL_DEFECTS = (email.errors.NoBoundaryInMultipartDefect, email.errors.StartBoundaryNotFoundDefect,
                 email.errors.MultipartInvariantViolationDefect, email.errors.CloseBoundaryNotFoundDefect)
# A mainland mobile (138 0013 8000, +86-13800138000) or a landline with its area code (0571-8888 6666).
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?(1[3-9][0-9](?:[\s-]?[0-9]{4}){2})(?![0-9])")
LANDLINE = re.compile(r"(?<![0-9])(0[1-9][0-9]{1,2}[\s-]?[0-9]{7,8})(?![0-9])")
# The first word that says what the mail is; triage corrects it, a complaint is the common case.
CATEGORY_WORDS = (("举报", "report"), ("投诉", "complaint"), ("建议", "suggestion"), ("表扬", "praise"),
                  ("感谢", "praise"), ("求助", "help"), ("咨询", "consult"), ("请问", "consult"))
DEFAULT_CATEGORY = "complaint"


class MailUnreadable(Exception):
    """The mail cannot become a case; `message` (a Msg) says why."""

    def __init__(self, message: Msg):
        super().__init__(str(message))
        self.message = message


@dataclass
class Envelope:
    """What the headers say, read leniently (even from a broken mail, for the record)."""

    message_id: str | None = None
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    sent_at: datetime | None = None


@dataclass
class ParsedMail:
    envelope: Envelope
    data: dict                                   # intake fields for open_from_channel
    files: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[tuple[str, Msg]] = field(default_factory=list)   # attachments left off, and why


def dedupe_key(raw: bytes, message_id: str | None) -> str:
    """The mail's identity: its Message-ID when it has one (the same mail re-sent by a mail server
    differs in its Received lines), else the SHA-256 of its bytes."""
    basis = ("mid:" + message_id.strip().lower()).encode() if message_id else b"raw:" + raw
    return hashlib.sha256(basis).hexdigest()


def read(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def envelope_of(message: EmailMessage) -> Envelope:
    """The headers a mail record shows; a header that cannot be decoded is left empty."""
    env = Envelope()
    env.message_id = _header(message, "Message-ID").strip()[:300] or None
    name, address = (getaddresses([_header(message, "From")]) or [("", "")])[0]
    env.sender, env.sender_name = _repair(address)[:320], _repair(name).strip()[:200]
    env.subject = " ".join(_repair(_header(message, "Subject")).split())[:300]
    try:
        sent = parsedate_to_datetime(_header(message, "Date"))
        env.sent_at = sent.astimezone(timezone.utc).replace(tzinfo=None) if sent.tzinfo else sent
    except (TypeError, ValueError, IndexError):
        env.sent_at = None
    return env


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name) or "")
    except Exception:       # a malformed encoded word: the raw header is still better than nothing
        return str(message.get_all(name, [""])[0] if hasattr(message, "get_all") else "")


def _repair(text: str) -> str:
    """Undo the surrogate escapes of raw 8-bit header bytes (mailers that send UTF-8 or GBK
    unencoded), guessing UTF-8 then GB18030."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "gb18030"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def parse(raw: bytes, *, check_file) -> ParsedMail:
    """The intake fields and files of a mail, or MailUnreadable. `check_file(name, bytes)` raises
    (with a ValidationFailed naming `file`) for a file the case cannot take."""
    try:
        message = read(raw)
        env = envelope_of(message)
    except Exception as exc:    # the parser is lenient; anything it still raises means an unreadable mail
        raise MailUnreadable(msg("mail_malformed", "the mail's MIME structure is broken: %(why)s", why=str(exc)[:200]))
    if not raw.strip() or not (env.sender or env.subject or message.get("Content-Type")):
        raise MailUnreadable(msg("mail_not_a_mail", "this is not a mail (no sender, subject or content type)"))
    _check_structure(message)
    body_part, text = _body(message)
    text = _tidy(text)
    if not text and not env.subject:
        raise MailUnreadable(msg("mail_no_text", "the mail has neither a subject nor any text"))
    files, refused = _attachments(message, body_part, check_file)
    return ParsedMail(envelope=env, data=intake_fields(env, text), files=files, refused=refused)


def _check_structure(message: EmailMessage) -> None:
    for part in message.walk():
        for defect in part.defects:
            if isinstance(defect, FATAL_DEFECTS):
                raise MailUnreadable(msg("mail_malformed", "the mail's MIME structure is broken: %(why)s",
                                         why=type(defect).__name__))


def intake_fields(env: Envelope, text: str) -> dict:
    """The intake form's fields of a mail: subject as title (else the body's first words), the
    text as content (else the subject), the From name as citizen, a phone found in the text."""
    content = (text or env.subject)[:CONTENT_MAX]
    title = env.subject or (" ".join(text.split())[:TITLE_FROM_BODY]) or "市长信箱来信"
    name = env.sender_name or env.sender.split("@")[0] or ANONYMOUS
    data = {"title": title[:TITLE_MAX], "content": content, "citizen_name": name[:NAME_MAX],
            "category": guess_category(f"{env.subject} {text[:200]}")}
    phone = find_phone(f"{env.subject}\n{text}")
    if phone:
        data["phone"] = phone
    return data


def find_phone(text: str) -> str:
    """The first mainland mobile number in the text, else the first landline; digits only."""
    found = MOBILE.search(text) or LANDLINE.search(text)
    return re.sub(r"[^0-9]", "", found.group(1)) if found else ""


def guess_category(text: str) -> str:
    hits = [(text.find(word), category) for word, category in CATEGORY_WORDS if word in text]
    return min(hits)[1] if hits else DEFAULT_CATEGORY


def _body(message: EmailMessage) -> tuple[EmailMessage | None, str]:
    """The part holding the mail's text and that text: text/plain first, else HTML as text."""
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or _is_file(part):
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = part
        elif kind == "text/html" and html is None:
            html = part
    if plain is not None and _text_of(plain).strip():
        return plain, _text_of(plain)
    if html is not None:
        return html, html_to_text(_text_of(html))
    return plain, ""


def _is_file(part: EmailMessage) -> bool:
    return part.is_attachment() or bool(part.get_filename()) or part.get_content_maintype() not in ("text", "multipart", "message")


def _text_of(part: EmailMessage) -> str:
    """A text part decoded; an unknown or lying charset falls back to GB18030 or UTF-8."""
    payload = part.get_payload(decode=True) or b""
    declared = (part.get_content_charset() or "utf-8").lower()
    if declared in ("gb2312", "gbk", "x-gbk", "cp936"):
        declared = "gb18030"    # its superset: mailers label GBK text gb2312
    for charset in (declared, "utf-8", "gb18030"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", "replace")


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip().replace("\x00", "")


def _attachments(message: EmailMessage, body_part, check_file) -> tuple[list, list]:
    """The mail's files the case can take (at most `limit` of them), and those it cannot, with why."""
    from engine.cases import MAX_FILES_AT_INTAKE
    from engine.errors import ValidationFailed

    files, refused = [], []
    for number, part in enumerate((p for p in message.walk() if not p.is_multipart() and p is not body_part
                                   and _is_file(p)), start=1):
        name = attachment_name(part, number)
        data = part.get_payload(decode=True) or b""
        try:
            check_file(name, data)
        except ValidationFailed as exc:
            refused += [(name, why) for why in exc.errors.get("file", [])]
            continue
        if len(files) >= MAX_FILES_AT_INTAKE:
            refused.append((name, msg("mail_too_many_files", "more than %(n)s files: kept in the mail only",
                                      n=MAX_FILES_AT_INTAKE)))
            continue
        files.append((name, data))
    return files, refused


def attachment_name(part: EmailMessage, number: int) -> str:
    """The file's name as the citizen gave it (RFC 2231/2047 decoded), else one from its type."""
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = _repair(name).replace("\\", "/").split("/")[-1].strip()
    if name:
        return name[:200]
    ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
    return f"附件{number}{ext}"


class _TextOfHtml(HTMLParser):
    """The text a reader sees: no scripts or styles, a line break at each block."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "hr"}
    HIDDEN = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out).replace("\xa0", " ")
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))
