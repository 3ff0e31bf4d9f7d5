"""Excel cells every export writes alike (openpyxl write-only sheets): the header, a moment, text.

Sheets are filed and forwarded, so they look the same whichever page made them.
"""
from __future__ import annotations

from datetime import datetime, timezone

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from engine.deadlines.workdays import TZ

LONG_TEXT = 32767          # characters an Excel cell holds


def header_cell(sheet, title: str) -> WriteOnlyCell:
    """A bold white-on-red header cell."""
    cell = WriteOnlyCell(sheet, value=title)
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = PatternFill("solid", fgColor="B3261E")
    cell.alignment = Alignment(horizontal="center", vertical="center")
    return cell


def moment_cell(sheet, value: datetime | None):
    """A stored naive-UTC moment as an Excel date-time in Asia/Shanghai."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=timezone.utc).astimezone(TZ).replace(tzinfo=None))
    cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def text(value: str | None) -> str:
    """Text as a cell holds it (cut at its limit)."""
    return (value or "")[:LONG_TEXT]
