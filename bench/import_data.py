"""A real-looking contact list for the Excel import (bench/import.py and the import tests).

Most rows are good; bad ones are sprinkled in at fixed strides so the expected counts are known
exactly: malformed phones, blank phones, unknown classifications, numbers repeated from an
earlier row of the file (written differently: +86, dashes), and numbers that already belong to a
contact in the database (`expected.existing`: the caller creates those first).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

HEADERS = ["姓名", "手机号码", "类型", "工作单位", "地址", "分类", "标签", "备注", "同意短信"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
STREETS = ["人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "胜利路", "友谊路"]
CLASSES = ["普通", "普通", "普通", "常客", "重点", "企业"]


@dataclass
class Expected:
    good: int = 0
    bad: int = 0
    duplicates: int = 0          # within the file plus already in the database (both are bad rows)
    existing: list[str] = field(default_factory=list)


def phone_of(i: int) -> str:
    return f"010{i:08d}" if i % 7 == 0 else f"13{i:09d}"


def _good_row(i: int) -> list:
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 11) % len(GIVEN)]
    phone = phone_of(i)
    shown = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}" if i % 13 == 0 and phone[0] == "1" else phone
    cell = int(shown) if i % 5 == 0 and shown.isdigit() and phone[0] == "1" else shown    # a number cell, as Excel keeps it
    return [name, cell, "个人" if i % 17 else "单位", "" if i % 3 else "某市建设局",
            f"某市{STREETS[i % len(STREETS)]}{i % 300 + 1}号", CLASSES[i % len(CLASSES)],
            "低保,独居" if i % 23 == 0 else "", "" if i % 9 else "老年人，耳背", "是" if i % 2 else "否"]


# Long because each stride of bad rows is one branch, and the expected counts follow each branch.
def make_rows(n: int, *, existing_every: int = 1000) -> tuple[list[list], Expected]:
    """n data rows (no header) and what an import of them must count."""
    rows, expected, good_rows = [], Expected(), set()
    for i in range(1, n + 1):
        row = _good_row(i)
        if i % 97 == 0:
            row[1] = f"12{i:05d}"                      # too short, not a mobile
        elif i % 101 == 0:
            row[1] = ""                                # required
        elif i % 211 == 0:
            row[5] = "VIP客户"                          # not a classification
        elif i % 89 == 0 and (i - 50) in good_rows:
            earlier = phone_of(i - 50)
            row[1] = earlier if earlier[0] == "0" else f"+86{earlier}"
            expected.duplicates += 1
        elif i % existing_every == existing_every // 2:
            expected.existing.append(phone_of(i))
            expected.duplicates += 1
        else:
            good_rows.add(i)
            expected.good += 1
            rows.append(row)
            continue
        expected.bad += 1
        rows.append(row)
    return rows, expected


def write_xlsx(path: Path, rows: list[list], *, blank_every: int = 0) -> Path:
    """The rows under HEADERS as an .xlsx (blank lines too, which imports skip).

    Written as the XML parts themselves (inline strings, number cells): openpyxl needs about 16 s
    for 100,000 rows, this about 1 s, and the file reads the same in Excel and in calamine."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value) -> str:
        if isinstance(value, (int, float)):
            return f"<c t=\"n\"><v>{value}</v></c>"
        return f"<c t=\"inlineStr\"><is><t>{escape(str(value))}</t></is></c>" if value != "" else "<c/>"

    lines, number = [], 0
    for i, row in enumerate([HEADERS, *rows]):
        number += 1
        lines.append(f"<row r=\"{number}\">{''.join(cell(v) for v in row)}</row>")
        if blank_every and i and i % blank_every == 0:
            number += 1
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(lines) + "</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


_NS = "http://schemas.openxmlformats.org"
_PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_NS}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}/spreadsheetml/2006/main" '
        f'xmlns:r="{_NS}/officeDocument/2006/relationships"><sheets>'
        '<sheet name="通讯录" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_NS}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"),
}
