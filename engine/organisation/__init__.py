"""Organisation: who works here and what they may touch.

Owns the department tree (city → district → street → community, plus bureaus), users, their
roles and API tokens (`directory`, `users`), the acting identity (`Actor`), department scoping
(`scope`: which cases and work items an actor sees and acts on), business parameters
(`parameters` for names and defaults, `settings` for the audited values), the matter
catalogue (事项分类, `matters`), the dispatch catalogue (派单目录, `catalogue`) with the rule of which
departments may handle a case and where a case is (`dispatch_rules`). It imports no other
domain: every other domain asks it who may do what.
"""
from engine.organisation import matters, roles, scope, settings
from engine.organisation.actor import Actor, actor_from_user
from engine.organisation.config_audit import commit_edit
from engine.organisation.directory import department_name
from engine.organisation.dispatch_rules import AREA_KINDS, HANDLING_KINDS, check_area, check_departments

__all__ = ["AREA_KINDS", "Actor", "HANDLING_KINDS", "actor_from_user", "check_area", "check_departments",
           "commit_edit", "department_name", "matters", "roles", "scope", "settings"]
