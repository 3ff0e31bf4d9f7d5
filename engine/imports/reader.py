"""Reading a workbook's first sheet with python-calamine: cells as text, as a person typed them."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Iterator

from python_calamine import CalamineError, load_workbook

from engine.errors import ValidationFailed
from forms.messages import msg


def cell_text(value) -> str:
    """A cell as text: 13800138000.0 (a number cell) is '13800138000', dates ISO."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value).strip()


def _sheet(path: str):
    try:
        return load_workbook(path).get_sheet_by_index(0)
    except (CalamineError, OSError, ValueError, IndexError) as e:
        raise ValidationFailed({"file": [msg("not_a_workbook", "not a readable .xlsx workbook (%(why)s)", why=str(e)[:80])]})


def headers(path: str) -> list[str]:
    """The first row's cells (the column titles); 422 when the sheet is empty."""
    for row in _sheet(path).iter_rows():
        titles = [cell_text(v) for v in row]
        while titles and not titles[-1]:
            titles.pop()
        if titles:
            return titles
        break
    raise ValidationFailed({"file": [msg("empty_workbook", "the first sheet has no header row")]})


def data_rows(path: str) -> Iterator[tuple[int, list[str]]]:
    """(sheet row number, cells as text) of every non-blank row under the header (row 1)."""
    rows = _sheet(path).iter_rows()
    next(rows, None)
    for number, row in enumerate(rows, start=2):
        cells = [v.strip() if v.__class__ is str else cell_text(v) for v in row]   # text cells: the fast path
        if any(cells):
            yield number, cells
