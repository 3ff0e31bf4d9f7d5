"""The UI speaks Chinese all the way: every message has its translation, and no page shows English.

Two checks. The catalogue: every string the code marks for translation — templates' _(), pages'
gettext, N_ texts of the error pages, and every engine and form message (msg's template) — has
a Chinese translation in api/translations. The pages: every page a role opens, signed in as
each role, holds no English word outside the few a Chinese office uses as they are (API, PDF…).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

from api.translations.zh import all_strings
from engine.db import db
from engine.models import WorkItem
from tests.api.test_pages import _fresh_limits, signin  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("api/templates/**.html", "jinja2"), ("api/**.py", "python"), ("engine/**.py", "python"),
           ("forms/**.py", "python")]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "msg": (2,)}
# Words a Chinese office writes in Latin letters; codes and units.
ALLOWED = {"API", "PDF", "Excel", "CSRF", "SMS", "ID", "YYYY", "MM", "DD", "HH", "English", "Office", "MB",
           "APP", "IVR", "OpenAPI", "Swagger", "UI", "chinesecalendar", "Ctrl", "BPMN", "bpmn", "XML", "JSON", "YAML", "SHA",
           "WAV", "MP3", "OGG", "PNG", "JPG", "JPEG", "GIF", "DOC", "DOCX", "XLS", "XLSX", "TXT", "CSV", "EML"}
SKIPPED_TAGS = {"script", "style", "code"}
VOID = {"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr", "area", "base", "embed", "param", "track"}
WORD = re.compile(r"[A-Za-z]{3,}")
# Emoji as icons are empty boxes on a desktop without an emoji font: the pages use icons.svg.
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF]")


def marked_strings() -> set[str]:
    found = set()
    for _name, _line, message, _comments, _context in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def test_every_marked_string_and_message_has_its_chinese():
    strings, chinese = marked_strings(), all_strings()
    assert len(strings) > 400                            # the extraction really read the code
    assert "at most %(max)s characters" in strings      # msg() templates are among them
    assert sorted(s for s in strings if not chinese.get(s)) == []


class _Text(HTMLParser):
    """The text a person reads on a page, and the words of placeholders, titles and labels.

    Left out: scripts, styles, <code> (logins, keys) and what people typed themselves, which
    the pages mark `user-text` (a reason, a name): shown as typed, in whatever language."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        skipped = tag in SKIPPED_TAGS or "user-text" in (dict(attrs).get("class") or "").split()
        if tag not in VOID:
            self.stack.append(skipped)
            self.skip += skipped
        self.parts += [v for k, v in attrs if k in ("placeholder", "title", "aria-label", "alt") and v]
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.skip -= self.stack.pop()

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    reader = _Text()
    reader.feed(html)
    return {w for w in WORD.findall(" ".join(reader.parts)) if w not in ALLOWED}


def page_paths(app, case_id: int, item_id: int) -> list[str]:
    paths = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and "<" not in r.rule and not r.rule.startswith(("/api/", "/static"))
             and r.rule not in ("/phone/events", "/wallboard/stream", "/wallboard/data", "/phone/state",
                                "/query/export.xlsx", "/desk/suggestions", "/healthz", "/readyz", "/logout")]
    return paths + [f"/cases/{case_id}", f"/work-items/{item_id}", f"/cases/{case_id}/edit"]


@pytest.mark.parametrize("login", ["agent", "dispatcher", "shift_lead", "leader", "supervisor", "visitor",
                                   "admin", "analyst", "dh_hb_handler", "dh_hb_leader"])
def test_no_page_shows_english_to_a_chinese_user(app, signin, actor, dept, login):
    case = to_handling(actor, dept, lead="dh_hb", co=("zjj",))
    open_case(actor("agent"), title="待分类处置的工单")
    item_id = db.session.execute(db.select(WorkItem.id).where(WorkItem.case_id == case.id,
                                                              WorkItem.state == "open")).scalars().first()
    client, found = signin(login), {}
    for path in page_paths(app, case.id, item_id):
        res = client.get(path)
        if res.status_code == 200 and res.mimetype == "text/html":
            html = res.get_data(as_text=True)
            words = english_words(html) | set(EMOJI.findall(html))
            if words:
                found[path] = sorted(words)
    assert not found, "\n".join(f"{path}: {' '.join(words)}" for path, words in found.items())


def _no_english(res) -> list[str]:
    return sorted(english_words(res.get_data(as_text=True)))


def test_error_states_speak_chinese_too(app, signin, actor, dept):
    """Refused input says what is wrong in Chinese: field errors, flashes, filter errors."""
    from tests.api.test_pages import csrf
    case = to_handling(actor, dept, lead="dh_hb")
    agent = signin("agent")
    refused = agent.post("/cases/new", data={"csrf_token": csrf(agent, "/cases/new"), "title": "x" * 300})
    assert refused.status_code == 422 and _no_english(refused) == []
    assert "必填" in refused.get_data(as_text=True) and "最多 200 个字符" in refused.get_data(as_text=True)
    query = signin("dispatcher").get("/query?registered_from=abc&lead_department_id=x")
    assert query.status_code == 422 and _no_english(query) == [] and "登记日期从" in query.get_data(as_text=True)
    supervisor = signin("supervisor")
    urged = supervisor.post(f"/cases/{case.id}/urge", data={"csrf_token": csrf(supervisor, "/inbox"), "opinion": ""},
                            follow_redirects=True)
    assert _no_english(urged) == [] and "督办意见：必填" in urged.get_data(as_text=True)
    missing = signin("dh_hb_handler").get("/cases/999999")
    assert missing.status_code == 404 and _no_english(missing) == []


def test_every_page_renders_in_english_on_request(app, signin, actor, dept):
    from tests.api.test_pages import csrf
    case = to_handling(actor, dept, lead="dh_hb")
    item_id = db.session.execute(db.select(WorkItem.id).where(WorkItem.case_id == case.id,
                                                              WorkItem.state == "open")).scalars().first()
    client = signin("dispatcher")
    client.post("/lang/en", data={"csrf_token": csrf(client, "/inbox")})
    for path in page_paths(app, case.id, item_id):
        res = client.get(path)
        assert res.status_code < 500, path
        if res.status_code == 200 and res.mimetype == "text/html" and path != "/about":
            assert ">Inbox<" in res.get_data(as_text=True), path       # the menu speaks English


def test_the_catalogue_compiles_without_errors():
    """pybabel refuses a catalogue with a bad placeholder (a bare '%' in a python-format msgid) and
    then writes no .mo at all: every page would be English on a fresh machine."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "api/translations/zh/LC_MESSAGES/messages.po"
    with po.open("rb") as source:
        catalog = read_po(source)
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
