"""Organisation: who works here and what they may touch.

Owns the department tree (city → district → street → community, plus bureaus), users, their
roles and API tokens (`directory`, `users`), the acting identity (`Actor`), department scoping
(`scope`: which cases and work items an actor sees and acts on), business parameters
(`parameters` for names and defaults, `settings` for the audited values), and the dispatch
catalogue (派单目录, `catalogue`) with the rule of which departments may handle a case
(`dispatch_rules`). It imports no other domain: every other domain asks it who may do what.
"""
from engine.organisation import roles, scope, settings
from engine.organisation.actor import Actor, actor_from_user
from engine.organisation.dispatch_rules import HANDLING_KINDS, check_departments

__all__ = ["Actor", "HANDLING_KINDS", "actor_from_user", "check_departments", "roles", "scope", "settings"]
