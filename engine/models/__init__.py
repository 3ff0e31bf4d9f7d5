"""Tables, one area per module. Importing this package registers every table."""
from engine.models.audit import CaseEvent
from engine.models.case import Case, CaseDepartment, CaseNumberCounter, Urge
from engine.models.org import ApiToken, Department, User, UserRole
from engine.models.process import ProcessVersion
from engine.models.work_item import WorkItem

__all__ = [
    "ApiToken", "Case", "CaseDepartment", "CaseEvent", "CaseNumberCounter", "Department",
    "ProcessVersion", "Urge", "User", "UserRole", "WorkItem",
]
