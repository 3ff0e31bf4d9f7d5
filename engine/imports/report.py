"""The rejected rows of an import as a workbook (openpyxl write-only: constant memory)."""
from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import select

from engine.db import db
from engine.models import ImportError_, ImportJob

COLUMNS = ("Row", "Field", "Code", "Message")


def errors_xlsx(job: ImportJob, titles: tuple[str, ...] = COLUMNS) -> bytes:
    """One line per error: sheet row number, field, code, message, then the row's mapped cells as read.

    `titles` are the first four column titles (the page passes them in the reader's language)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("errors")
    mapped = [job.headers[int(c)] if int(c) < len(job.headers) else c for c in job.mapping]
    sheet.append([*titles, *mapped])
    query = (select(ImportError_.row_no, ImportError_.field, ImportError_.code, ImportError_.message, ImportError_.raw)
             .where(ImportError_.job_id == job.id).order_by(ImportError_.row_no, ImportError_.id))
    for row_no, field, code, message, raw in db.session.execute(query.execution_options(yield_per=2000)):
        sheet.append([row_no, field, code, message, *(raw or [])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
