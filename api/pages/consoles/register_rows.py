"""What the time-limit registers show: each overtime register entry as the page's and the Excel
sheet's cells (one source, so the download says what the page says), and the sheet itself.

Not a blueprint: the pages are consoles/registers.py.
"""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from api.pages import sheets
from api.pages.filters import OVERTIME_CAUSE_LABELS, label, local_time
from engine.cases.overtime_register import Entry
from forms.definitions import NATURAL_REASON_OPTIONS

# Article 7's causes, and the plain one: the reply came after the limit.
SIMPLY_LATE = ("超过承诺时限办结", "Finished after the limit")
CAUSES = {"": SIMPLY_LATE, **OVERTIME_CAUSE_LABELS}
REPORT_OWED = ("报告待补", "Report owed")
STILL_RUNNING = ("尚未办结", "Not finished yet")
# The sheet's headers (Chinese: sheets are filed and forwarded) and widths in characters.
OVERTIME_COLUMNS = (("工单编号", 19), ("标题", 36), ("承办单位", 22), ("办理时限", 17), ("办结时间", 17),
                    ("超时情形", 34), ("超时原因", 40), ("整改措施", 40), ("报告时间", 17))


def cause_label(cause: str | None) -> str:
    """The cause of an overtime entry in the UI language (None: simply finished late)."""
    return label(CAUSES, cause or "")


def natural_reason_label(code: str | None, zh: bool) -> str:
    return next((o[1] if zh else o[2] for o in NATURAL_REASON_OPTIONS if o[0] == code), code or "")


def overtime_cells(entry: Entry, zh: bool = True) -> list:
    """One entry as cells: moments stay datetimes (the page formats them, the sheet keeps them)."""
    pick = 0 if zh else 1
    report = entry.report
    return [entry.case_no, entry.title, entry.department, entry.due_at,
            entry.completed_at or STILL_RUNNING[pick], CAUSES.get(entry.cause or "", SIMPLY_LATE)[pick],
            report.reason if report else REPORT_OWED[pick], report.measures if report else "",
            report.created_at if report else ""]


def shown(value) -> str:
    """A cell as the page prints it."""
    return local_time(value) if isinstance(value, datetime) else str(value)


def overtime_workbook(entries: list[Entry], cut_at: int | None) -> io.BytesIO:
    """The register as an .xlsx: a bold header with filter buttons, frozen; a note when cut."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("超时办结登记")
    for index, (_title, width) in enumerate(OVERTIME_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([sheets.header_cell(sheet, title) for title, _width in OVERTIME_COLUMNS])
    for entry in entries:
        sheet.append([_cell(sheet, value) for value in overtime_cells(entry)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(OVERTIME_COLUMNS))}{len(entries) + 1}"
    if cut_at is not None:
        sheet.append([])
        sheet.append([f"仅导出前 {cut_at:,} 条：符合条件的记录更多，请缩小筛选范围后分批导出。"])
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    return data


def _cell(sheet, value):
    """A moment as an Excel date-time in Asia/Shanghai; text as a cell holds it."""
    if isinstance(value, datetime):
        return sheets.moment_cell(sheet, value)
    return sheets.text(value) if isinstance(value, str) else value
