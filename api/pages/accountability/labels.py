"""The rules' names, in the page's language and (for the Excel report, filed in Chinese) in Chinese."""
from __future__ import annotations

from flask_babel import gettext as _

RULE_ZH = {
    "overdue_no_extension": "超期未及时申请延期", "extension_told_late": "超期后才告知延期",
    "delivered_late": "办结后未在1个工作日内送达", "returned_too_often": "派单错误退回超限",
}


def rule_label(code: str) -> str:
    labels = {"overdue_no_extension": _("Overdue without an extension asked in time"),
              "extension_told_late": _("Extension told to the citizen after the limit"),
              "delivered_late": _("Result not delivered within 1 working day"),
              "returned_too_often": _("Returned for wrong dispatch too often")}
    return labels.get(code, code)


def decision_label(decision: str | None) -> str:
    """A decision is the admin's own Chinese word; none yet reads as undecided."""
    return decision or _("Undecided")
