"""Statistics: the hotline's KPIs (考核指标), defined once and computed set-based.

Owns the definitions of docs/STATISTICS.md — connection and 15-second answer rates, call loss by
stage and the mean queue wait (from call records); intake volume, on-time sign-for and
completion rates, overdue cases, extension, return, first-time resolution, satisfaction, visit
and repeat-call rates, urged cases and their completion (from cases, deadlines, urges and the
audit trail) — over a period of Shanghai calendar days, narrowed by department subtree, category,
channel and area. Each figure is a handful of aggregate queries on the tables (`engine.models`),
never a loop over cases. It writes nothing. Access: the center's leaders, supervisors, shift
leads and admins see every department; a department leader sees its own subtree. It imports
only `organisation` (roles, scope), so pages, reports and exports built later all read the same
numbers. `breakdown` gives the same figures grouped by a dimension (department, category, channel,
area, dispatch mode, year, month, day, hour).
"""
from engine.statistics.breakdown import Group, breakdown
from engine.statistics.grouping import DIMENSIONS, TIME_DIMENSIONS
from engine.statistics.kpi import Kpi
from engine.statistics.kpis import CALL_CODES, CASE_CODES, compute

__all__ = ["CALL_CODES", "CASE_CODES", "DIMENSIONS", "TIME_DIMENSIONS", "Group", "Kpi", "breakdown", "compute"]
