"""Official documents as PDF: text (pdftotext), fonts (pdffonts), barcode and QR (zxing-cpp), pages."""
from __future__ import annotations

import logging
import re
import subprocess
import sys
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases import actions, overtime, urges
from engine.db import db
from engine.deadlines.workdays import TZ
from engine.documents import service as documents
from engine.errors import NotFound, PermissionDenied
from engine.models import CaseEvent
from engine.ports import FixedClock, set_clock
from tests.factories import open_case, to_handling

pytestmark = pytest.mark.filterwarnings("error::UserWarning")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
BASE = "https://12345.example.gov.cn"
LONG = ("小区电梯自今年九月起多次发生故障，居民多次向物业公司反映，物业称需要等待维保单位配件到货。"
        "期间老人和孩子上下楼十分困难，曾有居民被困轿厢四十分钟。请有关部门督促物业公司和维保单位尽快修复，"
        "并对电梯安全状况进行全面检查。") * 60


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture(autouse=True)
def clock():
    fixed = FixedClock(at(2026, 11, 2))
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


@pytest.fixture(autouse=True)
def no_weasyprint_warnings(caplog):
    """WeasyPrint reports slow or broken font subsetting and bad CSS by logging, not warnings."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        yield
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint") and r.levelno >= logging.WARNING]
    assert not logged, logged


def pages(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode().rstrip("\f").split("\f")


def flat(pdf: bytes) -> str:
    """The whole text without layout spaces and line breaks (table cells wrap)."""
    return "".join("".join(pages(pdf)).split())


def codes_on_page_one(pdf: bytes, name: str) -> dict[str, str]:
    """Render page 1 at 200 dpi, keep it as an artifact, decode every barcode on it."""
    import zxingcpp
    from PIL import Image

    png = subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-", ], input=pdf,
                         capture_output=True, check=True).stdout
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(png)
    found = zxingcpp.read_barcodes(Image.open(BytesIO(png)))
    return {str(r.format): r.text for r in found}


def printed_events(case_id: int) -> list[dict]:
    return list(db.session.execute(select(CaseEvent.data).where(
        CaseEvent.case_id == case_id, CaseEvent.action == "printed")).scalars())


def local(moment) -> str:
    return moment.replace(tzinfo=timezone.utc).astimezone(TZ).strftime("%Y年%m月%d日%H:%M")


def test_transfer_slip_shows_the_case_as_dispatched(actor, dept):
    case = to_handling(actor, dept, co=("zjj",))
    pdf = documents.render(kind="transfer-slip", case_id=case.id, actor=actor("dispatcher"), base_url=BASE)
    assert pdf.startswith(b"%PDF")
    text = flat(pdf)
    for expected in ("办理转送单", "某市12345政务服务便民热线中心", case.case_no, "2026年11月02日10:00", "投诉",
                     "电话", "张三（138****8000）", "东湖区湖滨街道新苑小区3栋", "小区电梯长期故障",
                     "电梯故障一个多月无人维修", "湖滨街道", "市住房和城乡建设局", "转送", "二〇二六年十一月二日",
                     "第1页/共1页"):
        assert expected in text, expected
    assert "13800138000" not in text
    # Due dates with their working-day notes, as stored on the case now.
    assert f"个工作日，至{local(case.sign_due_at)}止" in text
    assert f"个工作日，至{local(case.handle_due_at)}止" in text
    assert printed_events(case.id) == [{"kind": "transfer-slip", "title": "办理转送单"}]


def test_fonts_are_embedded_and_codes_decode(actor, dept):
    case = to_handling(actor, dept)
    pdf = documents.render(kind="transfer-slip", case_id=case.id, actor=actor("dispatcher"), base_url=BASE)
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    rows = [line for line in fonts.splitlines() if "Noto" in line]
    assert any("Noto-Serif-CJK-SC" in r for r in rows) and any("Noto-Sans-CJK-SC" in r for r in rows), fonts
    assert all(" yes " in r for r in rows), fonts          # emb column
    assert not any("DejaVu" in line or "Liberation" in line for line in fonts.splitlines()), fonts
    codes = codes_on_page_one(pdf, "transfer-slip")
    assert codes.get("Code 128") == case.case_no, codes
    assert codes.get("QR Code") == f"{BASE}/lookup?case_no={case.case_no}", codes


def test_assignment_letter_carries_the_leaders_instruction(actor, dept):
    case = to_handling(actor, dept, mode="assign", co=("zjj",))
    pdf = documents.render(kind="assignment-letter", case_id=case.id, actor=actor("dispatcher"), base_url=BASE)
    text = flat(pdf)
    for expected in ("交办函", "湖滨街道：", "市住房和城乡建设局协办", "领导批示", "请于期限内办结并报告。", "交办", case.case_no):
        assert expected in text, expected
    codes_on_page_one(pdf, "assignment-letter")
    transferred = to_handling(actor, dept, mode="transfer")
    with pytest.raises(documents.DocumentNotAvailable, match="transferred"):
        documents.render(kind="assignment-letter", case_id=transferred.id, actor=actor("dispatcher"))
    assert printed_events(transferred.id) == []


def test_supervision_notice_lists_every_urge(actor, dept):
    case = to_handling(actor, dept)
    with pytest.raises(documents.DocumentNotAvailable, match="urged"):
        documents.render(kind="supervision-notice", case_id=case.id, actor=actor("supervisor"))
    urges.urge(case_id=case.id, actor=actor("supervisor"), data={"opinion": "请三日内答复整改进展"})
    urges.urge(case_id=case.id, actor=actor("supervisor"), data={"opinion": "市领导关注，请加快办理"})
    pdf = documents.render(kind="supervision-notice", case_id=case.id, actor=actor("supervisor"), base_url=BASE)
    text = flat(pdf)
    for expected in ("督办通知单", "已督办2次", "第1次督办", "请三日内答复整改进展", "第2次督办",
                     "市领导关注，请加快办理", "未反馈", case.case_no):
        assert expected in text, expected
    codes_on_page_one(pdf, "supervision-notice")


def test_extension_form_shows_request_and_decision(actor, dept):
    case = to_handling(actor, dept)
    with pytest.raises(documents.DocumentNotAvailable):
        documents.render(kind="extension-form", case_id=case.id, actor=actor("dispatcher"))
    actions.request_extension(case_id=case.id, actor=actor("dh_hb_handler"), days=5, reason="需协调维保单位更换主板")
    text = flat(documents.render(kind="extension-form", case_id=case.id, actor=actor("dh_hb_handler")))
    for expected in ("延期申请表", "5个工作日", "需协调维保单位更换主板", "待审批"):
        assert expected in text, expected
    case = actions.decide_extension(case_id=case.id, actor=actor("leader"), approved=True, opinion="同意，请按期办结")
    pdf = documents.render(kind="extension-form", case_id=case.id, actor=actor("dh_hb_handler"), base_url=BASE)
    text = flat(pdf)
    for expected in ("同意延期5个工作日", "同意，请按期办结", f"至{local(case.handle_due_at)}止", "含延长5个工作日"):
        assert expected in text, expected
    codes_on_page_one(pdf, "extension-form")


def test_overtime_report_shows_reason_and_measures(actor, dept, clock):
    case = to_handling(actor, dept, category="consult")
    with pytest.raises(documents.DocumentNotAvailable, match="overtime"):
        documents.render(kind="overtime-report", case_id=case.id, actor=actor("dh_hb_handler"))
    clock.at = at(2026, 12, 20, 9)
    overtime.submit(case_id=case.id, actor=actor("dh_hb_handler"),
                    data={"reason": "涉及多部门协调，配件采购周期长", "measures": "已建立联动机制，专人跟进"})
    pdf = documents.render(kind="overtime-report", case_id=case.id, actor=actor("dh_hb_handler"), base_url=BASE)
    text = flat(pdf)
    for expected in ("超时办结情况报告表", "涉及多部门协调，配件采购周期长", "已建立联动机制，专人跟进", "湖滨街道",
                     "二〇二六年十二月二十日"):
        assert expected in text, expected
    codes_on_page_one(pdf, "overtime-report")


def test_receipt_tells_the_citizen_how_to_look_it_up(actor):
    case = open_case(actor("agent"))
    pdf = documents.render(kind="receipt", case_id=case.id, actor=actor("agent"), base_url=BASE)
    text = flat(pdf)
    for expected in ("受理回执", "张三：", case.case_no, case.query_code, f"{BASE}/lookup", "138****8000", "12345"):
        assert expected in text, expected
    assert codes_on_page_one(pdf, "receipt").get("QR Code") == f"{BASE}/lookup?case_no={case.case_no}"
    with pytest.raises(documents.DocumentNotAvailable, match="dispatched"):
        documents.render(kind="transfer-slip", case_id=case.id, actor=actor("agent"))


def test_without_base_url_the_qr_holds_a_relative_lookup(actor):
    case = open_case(actor("agent"))
    pdf = documents.render(kind="receipt", case_id=case.id, actor=actor("agent"))
    assert codes_on_page_one(pdf, "receipt-relative").get("QR Code") == f"/lookup?case_no={case.case_no}"


def test_long_content_flows_onto_further_pages_without_cutting_rows(actor, dept):
    assert len(LONG) >= 5000
    case = to_handling(actor, dept, co=("zjj",), content=LONG)
    pdf = documents.render(kind="transfer-slip", case_id=case.id, actor=actor("dispatcher"), base_url=BASE)
    texts = pages(pdf)
    assert len(texts) >= 3
    assert "第2页/共" in "".join(texts[1].split()) and f"共{len(texts)}页" in "".join(texts[-1].split())
    # Without the page furniture (running head, page number), the content is all there, in order.
    body = "".join("".join(line.split()) for t in texts for line in t.splitlines()
                   if line.strip() and not re.fullmatch(r"\s*(工单编号\s*GD\d+|第\s*\d+\s*页\s*/\s*共\s*\d+\s*页)\s*", line))
    assert body.count("督促物业公司和维保单位尽快修复") == 60
    assert "".join(LONG.split()) in body
    assert all(f"工单编号 {case.case_no}" in t for t in texts[1:])     # running head from page 2 on
    # Every table row: its label and (the start of) its value on the same page.
    rows = {"工单编号": case.case_no, "来电人": "138****8000", "标题": "小区电梯长期故障", "承办单位": "湖滨街道",
            "协办单位": "市住房和城乡建设局", "签收时限": "个工作日，至", "办理时限": local(case.handle_due_at), "派单方式": "转送"}
    for label, value in rows.items():
        holding = [i for i, t in enumerate(texts) if label in "".join(t.split())]
        assert holding, label
        assert value in "".join(texts[holding[0]].split()), (label, holding[0])
    codes_on_page_one(pdf, "transfer-slip-long")


def test_batch_prints_each_case_from_a_new_page(actor, dept):
    ids = [to_handling(actor, dept, title=f"批量第{n}件").id for n in range(3)]
    pdf = documents.render_batch(kind="transfer-slip", case_ids=ids, actor=actor("dispatcher"), base_url=BASE)
    texts = pages(pdf)
    assert len(texts) == 3
    for n, text in enumerate(texts):
        assert f"批量第{n}件" in text and "第1页/共1页" in "".join(text.split())
    assert all(len(printed_events(i)) == 1 for i in ids)


def test_scope_kind_and_availability(actor, dept):
    case = to_handling(actor, dept, mode="assign")
    with pytest.raises(PermissionDenied):
        documents.render(kind="transfer-slip", case_id=case.id, actor=actor("xs_xs_handler"))
    with pytest.raises(NotFound):
        documents.render(kind="memo", case_id=case.id, actor=actor("dispatcher"))
    with pytest.raises(NotFound):
        documents.render(kind="receipt", case_id=999999, actor=actor("dispatcher"))
    assert printed_events(case.id) == []
    assert documents.available(case) == ["transfer-slip", "assignment-letter", "receipt"]
    fresh = open_case(actor("agent"))
    assert documents.available(fresh) == ["receipt"]
    documents.render(kind="transfer-slip", case_id=case.id, actor=actor("dh_hb_handler"))
    documents.render(kind="transfer-slip", case_id=case.id, actor=actor("dh_hb_handler"))
    assert len(printed_events(case.id)) == 2


def test_print_command(app, actor, dept, tmp_path):
    case = to_handling(actor, dept)
    out = tmp_path / "slip.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["print", "transfer-slip", case.case_no, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert case.case_no in flat(out.read_bytes())
    events = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                        CaseEvent.action == "printed")).scalars().all()
    assert [(e.actor_id, e.data["kind"]) for e in events] == [(None, "transfer-slip")]
    bad = runner.invoke(args=["print", "memo", case.case_no, "-o", str(out)])
    assert bad.exit_code == 1 and "unknown kind" in bad.output
    missing = runner.invoke(args=["print", "receipt", "GD00000000000000", "-o", str(out)])
    assert missing.exit_code == 1 and "no case numbered" in missing.output
    na = runner.invoke(args=["print", "supervision-notice", case.case_no, "-o", str(out)])
    assert na.exit_code == 1 and "urged" in na.output


def test_a_missing_harfbuzz_subset_fails_loudly_at_import():
    code = ("import ctypes.util, sys; real = ctypes.util.find_library\n"
            "ctypes.util.find_library = lambda n: None if n == 'harfbuzz-subset' else real(n)\n"
            "import printing")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert run.returncode != 0 and "PrintingUnavailable" in run.stderr and "libharfbuzz-subset0" in run.stderr
