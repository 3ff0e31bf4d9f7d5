"""The combined query (综合查询) page and its Excel export, for center staff and departments in scope."""
from __future__ import annotations

import io
from datetime import timezone
from urllib.parse import quote

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import login_required
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from api.inputs import parse_page
from api.pages import sheets
from api.pages.filters import COLOUR_LABELS, HANDLING_KIND_LABELS, STAGE_LABELS, STATUS_LABELS, department_names
from api.pages.web import page_actor, past_the_end
from api.rest.presenters import mask_name, may_see_personal_data
from engine.cases import answers, query
from engine.deadlines.colours import colour_of
from engine.deadlines.workdays import TZ
from engine.errors import ValidationFailed
from engine.organisation.actor import Actor
from engine.paging import COUNT_CAP
from engine.ports import mask_phone, now as clock_now
from forms import get_form
from forms.definitions import CATEGORY_OPTIONS, CHANNEL_OPTIONS

bp = Blueprint("query", __name__)
PAGE_SIZES = (30, 50, 100)
REPLY_STATUS_OF = {status: name for name, statuses in query.REPLY_STATUSES.items() for status in statuses}
# Export headers (Chinese, as the sheets are filed and forwarded) and column widths in characters.
EXPORT_COLUMNS = (("工单编号", 19), ("登记时间", 17), ("来源渠道", 9), ("诉求类型", 9), ("标题", 36),
                  ("诉求内容", 60), ("来电人", 10), ("联系电话", 14), ("地址", 30), ("办件类型", 9), ("派单方式", 9),
                  ("主办单位", 22), ("主办经办人", 16), ("协办单位", 30), ("协办经办人", 20), ("工单状态", 9),
                  ("当前环节", 10), ("答复状态", 9), ("办理结果", 12), ("答复内容", 60), ("满意度", 10),
                  ("时限状态", 9), ("办理时限", 17), ("办结时间", 17))
_ZH_REPLY = {"open": "未答复", "replied": "已答复", "closed": "已办结"}
_ZH_MODE = {"transfer": "转送", "assign": "交办"}
_ZH_RESULT = {**{value: zh for value, zh, _en in get_form("handle").options("result")},
              "natural_completion": "自然办结", "direct_answer": "直接答复"}
_ZH_SATISFACTION = {value: zh for value, zh, _en in get_form("visit").options("satisfaction")}


def _page_args() -> tuple[int, int, str]:
    """(page, page size, sort) from the query string, falling back to the defaults."""
    args = request.args
    page = parse_page(args.get("page"))
    size = parse_page(args.get("page_size")) if args.get("page_size") else PAGE_SIZES[0]
    sort = args.get("sort") if args.get("sort", "").lstrip("-") in query.SORTS else query.DEFAULT_SORT
    return page, size if size in PAGE_SIZES else PAGE_SIZES[0], sort


@bp.get("/query")
@login_required
def query_page():
    """The filter form and one page of the result; a bad filter value is named, not ignored."""
    actor = page_actor()
    page, size, sort = _page_args()
    errors, result, rows, status = {}, None, [], 200
    try:
        filters = query.parse_filters(request.args)
        result = query.search(actor=actor, filters=filters, page=page, page_size=size, sort=sort, count_cap=COUNT_CAP)
        if (last := past_the_end(result)) is not None:
            return last
        rows = display_rows(result.items, actor)
    except ValidationFailed as exc:
        errors, status = exc.errors, 422
    return render_template(
        "pages/cases/query.html", result=result, rows=rows, errors=errors, args=request.args, sort=sort,
        page_size=size, page_sizes=PAGE_SIZES, departments_opts=_department_options(),
        handler_opts=_handler_options(actor), CHANNEL_OPTIONS=CHANNEL_OPTIONS), status


def _department_options() -> list[tuple[int, str]]:
    """The department tree as select options, indented by depth."""
    return [(i, "\u3000" * depth + name) for i, name, depth in query.department_choices()]


def _handler_options(actor: Actor) -> list[tuple[int, str]]:
    """Department staff in the actor's scope as select options, with their department."""
    return [(i, f"{name}（{department}）") for i, name, department in query.handler_choices(actor)]


def display_rows(found: list[query.Found], actor: Actor) -> list[dict]:
    """Rows for the page: names instead of ids, personal data masked as presenters do."""
    departments, people = department_names(), query.user_names(query.handler_ids(found))
    return [_display(f, actor, departments, people) for f in found]


def _personal(case, actor: Actor) -> tuple[str, str, str]:
    """(citizen, phone, address) as this viewer may see them."""
    if may_see_personal_data(actor, case):
        return case.citizen_name, case.phone, case.address
    return mask_name(case.citizen_name), mask_phone(case.phone), "" if case.confidential else case.address


def _display(f: query.Found, actor: Actor, departments: dict, people: dict) -> dict:
    """One result as the page and the sheet show it."""
    case = f.case
    citizen, phone, address = _personal(case, actor)
    return {
        "id": case.id, "case_no": case.case_no, "created_at": case.created_at, "category": case.category,
        "channel": case.channel, "title": case.title, "citizen": citizen, "phone": phone, "address": address,
        "status": case.status, "stage": case.stage, "reply_status": REPLY_STATUS_OF.get(case.status),
        "dispatch_mode": case.dispatch_mode, "handling_kind": case.handling_kind, "lead": departments.get(case.lead_department_id, ""),
        "lead_handlers": "、".join(people.get(u, "") for u in f.lead_handler_ids),
        "co": "、".join(departments.get(d, "") for d in f.co_department_ids),
        "co_handlers": "、".join(people.get(u, "") for u in f.co_handler_ids),
        "due_at": case.due_at, "closed_at": case.closed_at,
        "colour": None if case.suspended else colour_of(clock_now(), case.due_at, case.warn_at),
    }


@bp.get("/query/export.xlsx")
@login_required
def export():
    """The whole filtered result as an Excel workbook (at most QUERY_EXPORT_LIMIT rows, with a note if cut)."""
    actor = page_actor()
    sort = _page_args()[2]
    filters = query.parse_filters(request.args)           # a bad value: 422 through the error handler
    limit = current_app.config.get("QUERY_EXPORT_LIMIT", query.EXPORT_LIMIT)
    workbook, written = _workbook(actor, filters, sort, limit)
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    stamp = clock_now().replace(tzinfo=timezone.utc).astimezone(TZ).strftime("%Y%m%d_%H%M")
    response = send_file(data, as_attachment=True, download_name=f"综合查询_{stamp}.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    # An ASCII name for old clients beside the Chinese one (werkzeug's fallback would be "_<stamp>").
    response.headers["Content-Disposition"] = (f'attachment; filename="query_{stamp}.xlsx"; '
                                               f"filename*=UTF-8''{quote(f'综合查询_{stamp}.xlsx')}")
    response.headers["X-Export-Rows"] = str(written)
    return response


def _workbook(actor: Actor, filters: query.Filters, sort: str, limit: int) -> tuple[Workbook, int]:
    """A write-only workbook (rows go straight to the file: 50,000 rows stay cheap in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("综合查询")
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column[1]
    sheet.freeze_panes = "A2"
    sheet.append([sheets.header_cell(sheet, column[0]) for column in EXPORT_COLUMNS])
    departments, written, cut = department_names(), 0, False
    for chunk in query.stream(actor=actor, filters=filters, sort=sort, limit=limit + 1):
        people = query.user_names(query.handler_ids(chunk))
        for found in chunk:
            if written == limit:
                cut = True
                break
            sheet.append(_sheet_row(sheet, _display(found, actor, departments, people), found))
            written += 1
    # The filter buttons on the header row (Excel needs the range, so it is set after the rows).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{written + 1}"
    if cut:
        sheet.append([])
        sheet.append([f"仅导出前 {limit:,} 条：符合条件的工单更多，请缩小查询范围后分批导出。"])
    return workbook, written


def _zh(options, code: str | None) -> str:
    """The Chinese label of a form option."""
    return next((option[1] for option in options if option[0] == code), code or "")


def _sheet_row(sheet, row: dict, found: query.Found) -> list:
    """One case as cells; moments as real Excel date-times in Asia/Shanghai."""
    answer = found.answer or answers.Answer()
    return [row["case_no"], sheets.moment_cell(sheet, row["created_at"]), _zh(CHANNEL_OPTIONS, row["channel"]),
            _zh(CATEGORY_OPTIONS, row["category"]), row["title"], sheets.text(found.case.content), row["citizen"],
            row["phone"], row["address"], HANDLING_KIND_LABELS.get(row["handling_kind"] or "", ("",))[0],
            _ZH_MODE.get(row["dispatch_mode"] or "", ""), row["lead"],
            row["lead_handlers"], row["co"], row["co_handlers"], STATUS_LABELS.get(row["status"], (row["status"],))[0],
            STAGE_LABELS.get(row["stage"], (row["stage"],))[0], _ZH_REPLY.get(row["reply_status"], ""),
            _ZH_RESULT.get(answer.result or "", ""), sheets.text(answer.reply_text),
            _ZH_SATISFACTION.get(answer.satisfaction or "", ""),
            COLOUR_LABELS[row["colour"]][0] if row["colour"] else "", sheets.moment_cell(sheet, row["due_at"]),
            sheets.moment_cell(sheet, row["closed_at"])]
