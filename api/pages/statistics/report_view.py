"""A fixed report (engine.statistics.Report) as rows people read: labels, shown values, the totals
row and, where the 平衡校验 found an imbalance, the red row of what the parts add up to. The page,
the Excel file and the PDF all render this one view, so they show the same numbers."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from api.pages.statistics.kpis import KPIS, shown
from api.pages.web import locale
from engine.statistics import REPORT_CODES, Kpi, Report, added
from forms.definitions import CATEGORY_OPTIONS, CHANNEL_OPTIONS

KIND_LABELS = {"day": ("日报", "Daily report"), "week": ("周报", "Weekly report"),
               "month": ("月报", "Monthly report"), "year": ("年报", "Yearly report")}
DIMENSION_LABELS = {"category": ("按诉求类型", "By category"), "department": ("按承办单位", "By department"),
                    "channel": ("按来源渠道", "By channel"), "cohort": ("受理工单去向", "Cases registered")}
COMPARED_LABELS = {"previous": ("环比", "Previous period"), "year_before": ("同比", "A year before")}
PART_LABELS = {"numerator": ("分子", "numerator"), "denominator": ("分母", "denominator"),
               "count": ("件数", "count")}


def say(pair: tuple[str, str]) -> str:
    return pair[0] if locale() == "zh" else pair[1]


def kpi_label(code: str) -> str:
    return say(KPIS[code][:2]) if code in KPIS else code


@dataclass(frozen=True)
class Cell:
    code: str
    numerator: int | float
    denominator: int | None
    shown: str


@dataclass(frozen=True)
class Row:
    key: str                 # the group's key as text ("" for the none group, "total", "sums")
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class Section:
    dimension: str
    title: str
    rows: list[Row]
    total: Row
    sums: Row | None = None  # only when the parts do not add up: shown in red
    off: set = field(default_factory=set)   # the codes that do not add up


def _cell(code: str, kpi: Kpi | None) -> Cell:
    if kpi is None:                                     # nothing counted in this group
        kind = KPIS.get(code, ("", "", "count"))[2]
        kpi = Kpi(code, 0, None, 0) if kind == "count" else Kpi(code, 0, 0, None)
    return Cell(code, kpi.numerator, kpi.denominator, shown(kpi))


def _summed(code: str, groups) -> Kpi:
    return added(code, [g.kpis[code] for g in groups if code in g.kpis])


def _group_label(report: Report, dimension: str, key) -> str:
    if key is None:
        return _("None (not dispatched)") if dimension == "department" else _("None")
    if dimension == "department":
        name = report.names.get(key, str(key))
        return _("%(name)s (itself)", name=name) if key == report.scope_id else name
    options = CATEGORY_OPTIONS if dimension == "category" else CHANNEL_OPTIONS
    return next((say((zh, en)) for value, zh, en in options if value == key), str(key))


def section(report: Report, dimension: str) -> Section:
    groups = report.sections[dimension]
    rows = [Row("" if g.key is None else str(g.key), _group_label(report, dimension, g.key),
                [_cell(c, g.kpis.get(c)) for c in REPORT_CODES]) for g in groups]
    total = Row("total", _("Total"), [_cell(c, report.headline.get(c)) for c in REPORT_CODES])
    off = {i.code for i in report.imbalances if i.dimension == dimension}
    sums = Row("sums", _("Parts added up"), [_cell(c, _summed(c, groups)) for c in REPORT_CODES]) if off else None
    return Section(dimension, say(DIMENSION_LABELS[dimension]), rows, total, sums, off)


def imbalance_lines(report: Report) -> list[str]:
    """Each imbalance as a sentence: what, by which dimension, expected, found, difference."""
    return [_("%(dimension)s: %(figure)s %(part)s — the parts add up to %(found)s, the total is %(expected)s "
              "(difference %(difference)s)", dimension=say(DIMENSION_LABELS[i.dimension]), figure=kpi_label(i.code),
              part=say(PART_LABELS[i.part]), found=i.found, expected=i.expected, difference=f"{i.difference:+}")
            for i in report.imbalances]


def title(report: Report, scope: str) -> str:
    return f"{scope} {report.period.name} {say(KIND_LABELS[report.period.kind])}"


def headline(report: Report) -> list[dict]:
    """Every headline figure with the compared periods' values beside it."""
    return [{"code": code, "label": kpi_label(code), "numerator": k.numerator, "denominator": k.denominator,
             "shown": shown(k), "compared": [shown(figures[code]) if code in figures else "—"
                                             for _p, figures in report.compared.values()]}
            for code, k in report.headline.items()]


def compared_titles(report: Report) -> list[str]:
    return [f"{say(COMPARED_LABELS[key])} {p.name}" for key, (p, _figures) in report.compared.items()]


def view(report: Report, scope: str) -> dict:
    """Everything the page, the sheet and the PDF show, in the reader's language."""
    return {"title": title(report, scope), "scope": scope, "period": report.period,
            "headline": headline(report), "compared_titles": compared_titles(report),
            "codes": [(c, kpi_label(c)) for c in REPORT_CODES],
            "sections": [section(report, d) for d in ("category", "department", "channel")],
            "cohort": report.cohort, "imbalances": imbalance_lines(report), "balanced": report.balanced}
