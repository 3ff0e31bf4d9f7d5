"""Role codes from DOMAIN.md and the rules that depend on them (pure data)."""
from __future__ import annotations

AGENT = "agent"
DISPATCHER = "dispatcher"
SHIFT_LEAD = "shift_lead"
HANDLER = "handler"
DEPT_LEADER = "dept_leader"
SUPERVISOR = "supervisor"
CENTER_LEADER = "center_leader"
VISITOR = "visitor"
DESIGNER = "designer"
ADMIN = "admin"
# The center's statistics analyst (统计分析员): reads every figure, report and case, with the
# citizen's personal data masked; acts on nothing.
ANALYST = "analyst"

ROLE_LABELS = {
    AGENT: "话务员",
    DISPATCHER: "派单员",
    SHIFT_LEAD: "值班长",
    HANDLER: "承办单位经办人",
    DEPT_LEADER: "承办单位领导",
    SUPERVISOR: "督办员",
    CENTER_LEADER: "中心领导",
    VISITOR: "回访员",
    DESIGNER: "流程设计员",
    ADMIN: "管理员",
    ANALYST: "统计分析员",
}
ALL_ROLES = frozenset(ROLE_LABELS)

# Who reads the figures, reports, risk screening and accountability records of every department
# (a department leader reads those of their own subtree).
OVERSIGHT_ROLES = (CENTER_LEADER, SUPERVISOR, SHIFT_LEAD, ADMIN, ANALYST)

# Roles that work in departments: they see and act only within their department subtree.
DEPARTMENT_ROLES = frozenset({HANDLER, DEPT_LEADER})
# Center roles see every case.
CENTER_ROLES = ALL_ROLES - DEPARTMENT_ROLES

# Roles that may see a citizen's name and phone unmasked (they call the citizen or work the
# case directly); department roles lose that right on a confidential case.
PERSONAL_DATA_ROLES = frozenset({AGENT, DISPATCHER, SHIFT_LEAD, SUPERVISOR, CENTER_LEADER, VISITOR,
                                 HANDLER, DEPT_LEADER})
