"""Statistics: the hotline's KPIs (考核指标), defined once and computed set-based.

Owns the definitions of docs/STATISTICS.md — connection and 15-second answer rates, call loss by
stage and the mean queue wait (from call records); intake volume, on-time sign-for and
completion rates, overdue cases, extension, return, first-time resolution, satisfaction, visit
and repeat-call rates, urged cases and their completion (from cases, deadlines, urges and the
audit trail) — over a period of Shanghai calendar days, narrowed by department subtree, category,
channel and area. Each figure is a handful of aggregate queries on the tables (`engine.models`),
never a loop over cases. It writes only its daily rollup (`rollup`: the additive figures per
day, refreshed by the scheduler, read by compute and breakdown for past days). Access: the
center's leaders, supervisors, shift leads and admins see every department; a department
leader sees its own subtree. It imports only `organisation` (roles, scope), so pages, reports and exports built later all read the same
numbers. `breakdown` gives the same figures grouped by a dimension (department, category, channel,
area, dispatch mode, year, month, day, hour). `report` assembles a fixed report (日报, 周报, 月报,
年报) with its 平衡校验 (`check`: parts add up to totals, intake = open + closed + merged).
The custom report builder (`ReportSpec`, `run_custom`; `saved` keeps named reports per role)
and the department evaluation (`evaluate`: 分类分档, weighted score and grade band per department).
"""
from engine.statistics import rollup, saved
from engine.statistics.balance import Cohort, Imbalance, check
from engine.statistics.breakdown import Group, breakdown
from engine.statistics.custom import MEASURES, ReportSpec, Table, run as run_custom
from engine.statistics.evaluation import Evaluation, evaluate
from engine.statistics.grouping import DIMENSIONS, TIME_DIMENSIONS
from engine.statistics.kpi import Kpi, added
from engine.statistics.kpis import CALL_CODES, CASE_CODES, compute
from engine.statistics.periods import KINDS as REPORT_KINDS, Period, period
from engine.statistics.reports import REPORT_CODES, Report, report

__all__ = ["CALL_CODES", "CASE_CODES", "DIMENSIONS", "TIME_DIMENSIONS", "Group", "Kpi", "added", "breakdown", "compute",
           "MEASURES", "ReportSpec", "Table", "run_custom", "rollup", "saved", "Evaluation", "evaluate",
           "Cohort", "Imbalance", "check", "REPORT_KINDS", "Period", "period", "REPORT_CODES", "Report", "report"]
