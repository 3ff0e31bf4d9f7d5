"""The center director's time-limit registers (自然办结报备, 超时办结登记) through the Flask test client,
with cases brought there by the services on the real 2026 calendar (see test_time_limit_rules):
a consultation signed for on Wed 9/23 is due Thu 10/8 17:30; 9/30 is the working day before it.
"""
from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook

from api.pages.consoles import registers
from engine.cases import actions, natural, overtime
from engine.db import db
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.deadlines.test_deadlines import at, clock, signed  # noqa: F401  (fixture)

NATURAL = "/registers/natural-completions"
OVERTIME = "/registers/overtime"


def consult(actor, dept, clock, lead: str, title: str):
    return signed(actor, dept, clock, at(2026, 9, 22, 10), at(2026, 9, 23, 9), lead=lead, category="consult",
                  title=title)


def declared(actor, dept, clock, lead: str, title: str, when, reason: str = "no_fees"):
    """A natural completion declared by `lead` at `when` (in its window)."""
    case = consult(actor, dept, clock, lead, title)
    clock.at = when
    return actions._act("handle", case.id, actor(f"{lead}_handler"), {
        "action": "natural_completion", "natural_reason": reason, "reply_text": f"{title}：申请人未按期办理，自然办结。"})


def late_reply(actor, dept, clock, lead: str, title: str, *, report: bool):
    """Replied on Fri 10/9 9:00, a working day after the limit (simply late)."""
    case = consult(actor, dept, clock, lead, title)
    clock.at = at(2026, 10, 9, 9)
    if report:
        overtime.submit(case_id=case.id, actor=actor(f"{lead}_handler"),
                        data={"reason": "现场核查耗时较长", "measures": "每日检查在办时限"})
        return actions.reply(case_id=case.id, actor=actor(f"{lead}_handler"), result="resolved", reply_text="已处理")
    return case                                  # still running, overdue: no register row (not closed)


def extension_asked_late(actor, dept, clock, lead: str, title: str):
    """Asked on 10/9, after the limit, approved: still running, counted overtime (due 10/12)."""
    case = consult(actor, dept, clock, lead, title)
    clock.at = at(2026, 10, 9, 9)
    actions.request_extension(case_id=case.id, actor=actor(f"{lead}_handler"), days=3, reason="需现场核实")
    clock.at = at(2026, 10, 9, 11)
    return actions.decide_extension(case_id=case.id, actor=actor("leader"), approved=True)


def delivered_late(actor, dept, clock, lead: str, title: str):
    """Replied in time on 9/30, told the citizen on 10/9 (the second working day): missed in September."""
    case = consult(actor, dept, clock, lead, title)
    clock.at = at(2026, 9, 30, 10)
    actions.reply(case_id=case.id, actor=actor(f"{lead}_handler"), result="resolved", reply_text="已安排维修")
    clock.at = at(2026, 10, 9, 9)
    return actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)


def cells(page: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells of a table (tags stripped, whitespace collapsed)."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    body = table.split("<tbody>")[1]
    rows = re.findall(r"<tr data-[^>]*>(.*?)</tr>", body, re.S)
    return [_row_cells(row) for row in rows]


def _row_cells(row: str) -> list[str]:
    """A row's cell texts; a cell spanning n columns is followed by n - 1 empty ones."""
    out = []
    for attrs, td in re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S):
        out.append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", td)).split()))
        span = re.search(r'colspan="(\d+)"', attrs)
        out += [""] * (int(span.group(1)) - 1 if span else 0)
    return out


def column(client, path: str, table_id: str, index: int) -> list[str]:
    """One column of a register page's rows (0: case number, 1: title)."""
    return [row[index] for row in cells(text_of(client, path), table_id)]


def text_of(client, path: str, status: int = 200) -> str:
    res = client.get(path)
    assert res.status_code == status, (path, res.status_code, res.location)
    return res.get_data(as_text=True)


@pytest.fixture
def naturals(actor, dept, clock):
    """Three natural completions: 西山街道 on 9/30, 青松镇 and 湖滨街道 on 10/8 (newest last)."""
    return [declared(actor, dept, clock, "xs_xs", "低保材料未补正", at(2026, 9, 30, 10), "no_materials"),
            declared(actor, dept, clock, "xs_qs", "检测未配合", at(2026, 10, 8, 15), "no_inspection"),
            declared(actor, dept, clock, "dh_hb", "费用未交纳", at(2026, 10, 8, 16), "no_fees")]


def test_natural_register_lists_every_report_newest_first_with_its_facts(naturals, signin):
    page = text_of(signin("leader"), NATURAL)
    rows = cells(page, "natural-register")
    assert [r[0] for r in rows] == [c.case_no for c in reversed(naturals)]
    first = rows[0]
    assert first[1:4] == ["费用未交纳", "湖滨街道", "申请人未按规定时间交纳有关费用 费用未交纳：申请人未按期办理，自然办结。"]
    assert first[4:6] == ["2026-10-08 17:30", "2026-10-08 16:00 湖滨街道经办人"]
    assert first[6] == "待备案 备案" and len(first) == 7 and 'class="file-form"' in page
    assert f'href="/cases/{naturals[2].id}"' in page
    assert 'id="natural-states"' in page and re.search(r'data-state="pending">待备案 <span class="count">3<', page)
    assert "no_fees" not in page.split("<main>")[1]                   # no raw codes


def test_natural_register_filters_by_state_department_subtree_and_month(naturals, actor, dept, signin):
    leader = signin("leader")

    def numbers(path: str) -> list[str]:
        return column(leader, path, "natural-register", 0)
    west, qingsong, lakeside = (c.case_no for c in naturals)
    assert numbers(f"{NATURAL}?department={dept('xs')}") == [qingsong, west]       # the district and its streets
    assert numbers(f"{NATURAL}?department={dept('xs_xs')}") == [west]
    assert numbers(f"{NATURAL}?month=2026-09") == [west]
    assert numbers(f"{NATURAL}?month=2026-10&department={dept('xs')}") == [qingsong]
    assert numbers(f"{NATURAL}?month=2026-11") == []
    natural.file(actor=actor("leader"), natural_id=natural.of_case(naturals[1].id).id, note="已阅")
    assert numbers(f"{NATURAL}?state=pending") == [lakeside, west]
    assert numbers(f"{NATURAL}?state=filed") == [qingsong]
    for bad in ("2026-13", "2026-9x"):
        page = text_of(leader, f"{NATURAL}?month={bad}", 422)
        assert "月份：请按“年-月”填写" in page and 'id="natural-register"' in page


def test_the_director_files_once_with_a_note_and_csrf(naturals, signin):
    leader = signin("leader")
    entry = natural.of_case(naturals[0].id)
    url = f"{NATURAL}/{entry.id}/file"
    assert leader.post(url, data={"note": "无 token"}).status_code == 400          # CSRF-protected
    db.session.expire_all()
    assert natural.of_case(naturals[0].id).filed_at is None
    token = csrf(leader, NATURAL)
    res = leader.post(f"{url}?state=pending", data={"csrf_token": token, "note": "  已阅，同意备案  "})
    assert res.status_code == 302 and res.location.endswith(f"{NATURAL}?state=pending")
    page = text_of(leader, res.location)
    assert f"工单 {naturals[0].case_no} 的自然办结已备案" in page
    assert naturals[0].case_no not in [r[0] for r in cells(page, "natural-register")]
    [row] = [r for r in cells(text_of(leader, f"{NATURAL}?state=filed"), "natural-register")]
    assert row[0] == naturals[0].case_no and re.fullmatch(r"已备案 20\d\d-\d\d-\d\d \d\d:\d\d 中心领导 周建国 已阅，同意备案", row[6])
    again = leader.post(url, data={"csrf_token": token, "note": "再次"})
    body = again.get_data(as_text=True)
    assert again.status_code == 409 and "Traceback" not in body
    assert re.search(rf"工单 {naturals[0].case_no} 的自然办结不能重复备案：已于 20\d\d-\d\d-\d\d \d\d:\d\d 备案。", body)
    assert 'id="natural-register"' in body                               # the register again, not a dead end
    assert leader.post(f"{NATURAL}/999999/file", data={"csrf_token": token}).status_code == 404


def test_registers_are_for_the_director_supervisors_admins_and_department_leaders(naturals, actor, dept, clock,
                                                                                  signin):
    delivered_late(actor, dept, clock, "dh_hb", "东湖送达迟延")
    delivered_late(actor, dept, clock, "xs_qs", "西山送达迟延")
    entry = natural.of_case(naturals[0].id).id
    for login in ("xs_xs_handler", "agent", "dispatcher"):
        client = signin(login)
        for path in (NATURAL, OVERTIME, f"{OVERTIME}.xlsx"):
            assert client.get(path).status_code == 403, (login, path)
        res = client.post(f"{NATURAL}/{entry}/file", data={"csrf_token": csrf(client, "/inbox")})
        assert res.status_code == 403
        assert "限时办结登记" not in text_of(client, "/inbox").split("</nav>")[0]
    for login in ("supervisor", "admin"):
        client = signin(login)
        page = text_of(client, NATURAL)
        assert "限时办结登记" in page.split("</nav>")[0] and 'class="file-form"' not in page
        assert client.post(f"{NATURAL}/{entry}/file", data={"csrf_token": csrf(client, NATURAL)}).status_code == 403
        assert len(cells(text_of(client, OVERTIME), "overtime-register")) == 2
    district = signin("xs_leader")                    # a department leader: the own subtree, no natural register
    assert district.get(NATURAL).status_code == 403
    assert [r[1] for r in cells(text_of(district, OVERTIME), "overtime-register")] == ["西山送达迟延"]
    assert [r[1] for r in cells(text_of(district, f"{OVERTIME}?department={dept('dh')}"), "overtime-register")] == []
    assert f'value="{dept("dh")}"' not in text_of(district, OVERTIME)


@pytest.fixture
def overtimes(actor, dept, clock):
    """Each kind of register row, and cases that are not in it."""
    made = {
        "late": late_reply(actor, dept, clock, "xs_xs", "答复超期", report=True),
        "asked_late": extension_asked_late(actor, dept, clock, "dh_hb", "延期申请迟报"),
        "delivered_late": delivered_late(actor, dept, clock, "xs_qs", "结果告知迟延"),
    }
    late_reply(actor, dept, clock, "dh_xh", "仍在办理的超期件", report=False)       # open, no cause: not listed
    declared(actor, dept, clock, "dh_xh", "自然办结件", at(2026, 10, 8, 16))           # on time: not listed
    clock.at = at(2026, 10, 9, 12)
    return made


def test_overtime_register_rows_say_the_cause_and_the_report(overtimes, signin):
    page = text_of(signin("leader"), OVERTIME)
    rows = cells(page, "overtime-register")
    assert [r[1] for r in rows] == ["延期申请迟报", "答复超期", "结果告知迟延"]      # latest first (due 10/12, 10/9, 9/30)
    asked, late, delivered = rows
    assert asked[2:] == ["湖滨街道", "2026-10-12 17:30", "尚未办结", "超过承诺时限才提出延期申请", "报告待补", "", ""]
    assert late[2:6] == ["西山街道", "2026-10-08 17:30", "2026-10-09 09:00", "超过承诺时限办结"]
    assert late[6:8] == ["现场核查耗时较长", "每日检查在办时限"] and late[8] == "2026-10-09 09:00"
    assert delivered[2:7] == ["青松镇", "2026-10-08 17:30", "2026-09-30 10:00", "未在一个工作日内将办理结果告知申请人",
                              "报告待补"]
    assert f'href="/cases/{overtimes["late"].id}"' in page
    assert "月份按办结时间统计" in page and "extension_asked_late" not in page.split("<main>")[1]


def test_overtime_register_filters(overtimes, dept, signin):
    leader = signin("leader")

    def titles(query: str) -> list[str]:
        return column(leader, f"{OVERTIME}?{query}", "overtime-register", 1)
    assert titles(f"department={dept('xs')}") == ["答复超期", "结果告知迟延"]
    assert titles(f"department={dept('dh_hb')}") == ["延期申请迟报"]
    assert titles("month=2026-09") == ["结果告知迟延"]                  # completed 9/30, told late
    assert titles("month=2026-10") == ["延期申请迟报", "答复超期"]     # running: its due month
    assert titles("report=yes") == ["答复超期"]
    assert titles("report=no") == ["延期申请迟报", "结果告知迟延"]
    assert titles(f"report=no&month=2026-10&department={dept('dh')}") == ["延期申请迟报"]
    assert "请按“年-月”填写" in text_of(leader, f"{OVERTIME}?month=10/2026", 422)


def test_registers_page_and_a_page_past_the_end_goes_to_the_last(overtimes, naturals, signin, monkeypatch):
    monkeypatch.setattr(registers, "PAGE_SIZE", 2)
    leader = signin("leader")
    first, second = (cells(text_of(leader, f"{OVERTIME}?page={n}"), "overtime-register") for n in (1, 2))
    assert [r[1] for r in first + second] == ["延期申请迟报", "答复超期", "结果告知迟延"]
    assert 'rel="next"' in text_of(leader, OVERTIME) and "共 3 条" in text_of(leader, OVERTIME)
    res = leader.get(f"{OVERTIME}?report=no&page=9")
    assert res.status_code == 302 and "page=1" in res.location and "report=no" in res.location
    res = leader.get(f"{NATURAL}?state=pending&page=7")
    assert res.status_code == 302 and "page=2" in res.location and "state=pending" in res.location
    assert len(cells(text_of(leader, f"{NATURAL}?page=2"), "natural-register")) == 2   # 4 natural (one from overtimes)


def test_the_excel_export_has_the_pages_rows_with_the_same_filters(overtimes, dept, signin):
    leader = signin("leader")
    for query in ("", f"department={dept('xs')}", "report=no", "month=2026-10"):
        shown = cells(text_of(leader, f"{OVERTIME}?{query}"), "overtime-register")
        page = text_of(leader, f"{OVERTIME}?{query}")
        assert html.escape(f"/registers/overtime.xlsx?{query}".rstrip("?"), quote=True) in page
        res = leader.get(f"{OVERTIME}.xlsx?{query}")
        assert res.status_code == 200 and res.mimetype.endswith("spreadsheetml.sheet")
        assert "attachment" in res.headers["Content-Disposition"] and "xlsx" in res.headers["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(res.data)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("工单编号", "标题", "承办单位", "办理时限", "办结时间", "超时情形", "超时原因", "整改措施", "报告时间")
        assert [[_shown(v) for v in row] for row in rows[1:]] == shown, query
        assert sheet.auto_filter.ref == f"A1:I{len(shown) + 1}" and res.headers["X-Export-Rows"] == str(len(shown))
        assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb.endswith("B3261E")
    assert leader.get(f"{OVERTIME}.xlsx?month=13-2026").status_code == 422


def _shown(value) -> str:
    from datetime import datetime
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


def test_the_approvals_page_counts_what_waits_to_be_filed(naturals, actor, signin):
    page = text_of(signin("leader"), "/approvals")
    box = re.search(r'<p[^>]*id="natural-to-file".*?</p>', page, re.S).group(0)
    assert "有 3 件自然办结报备等待备案" in box and f'href="{NATURAL}?state=pending"' in box
    for row in natural.listing(actor=actor("leader")).items:
        natural.file(actor=actor("leader"), natural_id=row["row"].id)
    assert "暂无待备案的自然办结报备" in text_of(signin("leader"), "/approvals")
    assert 'id="natural-to-file"' not in text_of(signin("zjj_leader"), "/approvals")
