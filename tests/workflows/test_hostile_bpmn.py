"""Hostile uploads are refused without expanding, fetching or running anything.

Entities (billion laughs, a local file, an external DTD) are refused on sight of the DOCTYPE,
before lxml sees the bytes; lxml itself parses without entities, DTDs or network (checked on its
own too); a file over MAX_BPMN_BYTES is refused unparsed; expressions that reach for Python's
insides are refused by name at upload, and a marker file their payload would create never exists.
"""
from __future__ import annotations

import resource
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.bpmn import validation
from engine.db import db
from engine.errors import DefinitionInvalid
from engine.models import ProcessVersion
from tests.workflows.bpmn_docs import BASE, doc, problems_of, validate

SECRET = "TOP-SECRET-7f3a9c"


def lol(levels: int = 12) -> bytes:
    """Billion laughs: each entity ten of the one before (10**12 'lol's if expanded)."""
    entities = "".join(f'  <!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10 if i else "lol"}">\n' for i in range(levels))
    head = f'<?xml version="1.0"?>\n<!DOCTYPE bpmn:definitions [\n{entities}]>\n'
    return head.encode() + doc(BASE.replace('name="诉求"', f'name="&lol{levels - 1};"')).split(b"?>", 1)[1]


def with_doctype(doctype: str, body: str = BASE) -> bytes:
    return doc(body).replace(b"<bpmn:definitions ", f"{doctype}\n<bpmn:definitions ".encode(), 1)


@pytest.fixture
def no_parsing(monkeypatch):
    """Fails the test if the file reaches lxml at all."""
    def refuse(_xml):
        raise AssertionError("the file reached the XML parser")
    monkeypatch.setattr(validation, "_parse_xml", refuse)


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


@pytest.fixture
def web_server():
    """A local HTTP server that counts the requests it gets (none may come)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "fetched">')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_billion_laughs_is_refused_quickly_without_expansion(no_parsing):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    [problem] = problems_of(lol())
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024     # KiB: under 200 MB more
    assert problem.code == "xml_doctype" and problem.line == 2 and "DOCTYPE" in str(problem)


def test_billion_laughs_in_utf16_is_refused_too(no_parsing):
    xml = lol().decode().replace('encoding="UTF-8"', "").encode("utf-16")
    assert [p.code for p in problems_of(xml)] == ["xml_doctype"]


def test_a_local_file_entity_is_refused_and_never_read(secret_file, no_parsing):
    for target in ("file:///etc/passwd", secret_file.as_uri()):
        xml = with_doctype(f'<!DOCTYPE bpmn:definitions [<!ENTITY leak SYSTEM "{target}">]>',
                           BASE.replace('name="诉求"', 'name="&leak;"'))
        with pytest.raises(DefinitionInvalid) as info:
            validate(xml)
        said = str(info.value) + "".join(str(p) for p in info.value.problems)
        assert SECRET not in said and "root:" not in said
        assert [p.code for p in info.value.problems] == ["xml_doctype"]


def test_lxml_itself_resolves_no_entity_and_fetches_nothing(secret_file, web_server):
    """The second barrier, should a DOCTYPE ever get past the first."""
    url, hits = web_server
    xml = (f'<!DOCTYPE x [<!ENTITY leak SYSTEM "{secret_file.as_uri()}"> <!ENTITY far SYSTEM "{url}/e">]>'
           f"<x>&leak;&far;</x>").encode()
    root = validation._parse_xml(xml)
    assert SECRET not in "".join(root.itertext()) and "fetched" not in "".join(root.itertext())
    validation._parse_xml(f'<!DOCTYPE x SYSTEM "{url}/evil.dtd"><x/>'.encode())
    assert hits == []


def test_an_external_dtd_or_url_is_not_fetched(web_server):
    url, hits = web_server
    for doctype in (f'<!DOCTYPE bpmn:definitions SYSTEM "{url}/evil.dtd">',
                    f'<!DOCTYPE bpmn:definitions [<!ENTITY % remote SYSTEM "{url}/p.dtd"> %remote;]>',
                    f'<!DOCTYPE bpmn:definitions PUBLIC "-//evil//EN" "{url}/public.dtd">'):
        assert [p.code for p in problems_of(with_doctype(doctype))] == ["xml_doctype"]
    # Without a DOCTYPE: schema locations and imports are names, never addresses to load.
    located = doc(after=f'  <bpmn:import importType="http://www.w3.org/2001/XMLSchema" location="{url}/import.xsd" '
                        f'namespace="urn:x" />\n').replace(
        b'id="defs"', f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:y '
                      f'{url}/schema.xsd" id="defs"'.encode())
    try:
        validate(located)
    except DefinitionInvalid:
        pass
    assert hits == []


def test_a_file_over_the_limit_is_refused_before_parsing(no_parsing):
    padding = b"<!-- " + b"x" * validation.MAX_BPMN_BYTES + b" -->\n"
    xml = doc().replace(b"</bpmn:definitions>", padding + b"</bpmn:definitions>")
    [problem] = problems_of(xml)
    assert problem.code == "bpmn_too_large" and problem.message.params["size"] == len(xml)
    assert f"{len(xml)} bytes" in str(problem) and "(5 MB)" in str(problem)


def test_a_20_mb_upload_through_the_api_is_refused_naming_the_size(api):
    count = select(func.count()).select_from(ProcessVersion)
    before = db.session.execute(count).scalar()
    body = doc().replace(b"</bpmn:definitions>", b"<!-- " + b"x" * (20 * 1024 * 1024) + b" -->\n</bpmn:definitions>")
    res = api("admin").post("/api/v1/process-versions", data=body, headers={"Content-Type": "application/xml"})
    assert res.status_code in (413, 422), res.status_code
    text = res.get_data(as_text=True)
    assert (str(len(body)) if res.status_code == 413 else " MB") in text, text       # the size, or the limit
    assert db.session.execute(count).scalar() == before


CONDITION = "decision == 'direct_answer'"
GATEWAY = BASE.replace('sourceRef="register" targetRef="end" />', 'sourceRef="register" targetRef="gw" />') + f"""
    <bpmn:exclusiveGateway id="gw" name="分流" default="f_default" />
    <bpmn:sequenceFlow id="f_default" sourceRef="gw" targetRef="end" />
    <bpmn:sequenceFlow id="f_direct" name="直接答复" sourceRef="gw" targetRef="end">
      <bpmn:conditionExpression>{CONDITION}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
"""
PAYLOADS = {
    "__import__": "__import__('os').system('touch {mark}')",
    "attribute walk": "[c for c in ().__class__.__bases__[0].__subclasses__() if c.__name__ == 'Popen'][0]"
                      "(['touch', '{mark}'])",
    "exec": "exec(\"open('{mark}', 'w')\")",
    "eval": "eval(\"open('{mark}', 'w')\")",
    "open": "open('{mark}', 'w')",
    "dunder attribute": "decision.__init__.__globals__['os'].system('touch {mark}')",
    "getattr": "getattr(decision, '__class__')",
    "globals": "globals()['__builtins__']['open']('{mark}', 'w')",
    "format": "'{{0.__class__.__init__.__globals__}}'.format(decision)",
    "lambda": "(lambda: open('{mark}', 'w'))()",
}


def test_the_safe_condition_is_accepted():
    assert validate(doc(GATEWAY)).process_id == "mini"


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_escaping_expressions_are_refused_naming_the_element(payload, tmp_path):
    mark = tmp_path / "pwned"
    xml = doc(GATEWAY.replace(CONDITION, payload.format(mark=mark)))
    problems = problems_of(xml)
    assert problems and all(p.code == "expression_refused" for p in problems), problems
    assert {(p.tag, p.element_id, p.element_name) for p in problems} == {("sequenceFlow", "f_direct", "直接答复")}
    assert str(problems[0]).startswith(f"line {problems[0].line}: sequenceFlow 'f_direct' (直接答复): condition")
    assert not mark.exists()
